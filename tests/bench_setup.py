"""bench_setup.py - set-up and timed steps of make bench: time to create a
100,000-card batch through the admin form and to download its codes; for
the wrk runs, a batch of distinct cards, voucher codes to redeem, 20
vouchers in the bench member's account (bench.sh makes it) and the
member's session.  Prints "name value" lines for bench.sh."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "http"))
from kq import Client, VAR  # noqa: E402

FORM = {"label": "bench", "type": "cvm", "name": "云服务器-香港", "line": "sh",
        "cpu": "2", "memory_gb": "4", "disk_gb": "50", "bandwidth_mbps": "5",
        "months": "1", "price": "100", "valid_months": "12"}


def create(a, count):
    form = dict(FORM, count=str(count), csrf=a.csrf_of("/admin/pickup/batches/new"))
    t0 = time.time()
    r = a.post("/admin/pickup/batches", form)
    took = time.time() - t0
    assert r.status == 303, r
    # the batch itself, not its approval request (SPEC §11: the stack's
    # approval_cap must be off, or nothing was made in the time measured)
    assert "/admin/pickup/batches/" in r.header("Location"), r.header("Location")
    return r.header("Location"), took


def main():
    a = Client()
    assert a.login("admin", "admin1234", admin=True).status == 303
    loc, took = create(a, 100000)
    print("create_100k_s %.3f" % took)
    t0 = time.time()
    r = a.get(loc + "/codes.txt")
    took = time.time() - t0
    assert r.status == 200 and len(r.text.split()) == 100000
    print("download_100k_s %.3f" % took)

    loc, _ = create(a, int(sys.argv[1]) if len(sys.argv) > 1 else 40000)
    cards = a.get(loc + "/codes.txt").text.split()
    with open(os.path.join(VAR, "bench", "cards.txt"), "w") as f:
        f.write("\n".join(cards) + "\n")
    print("pickup_batch %s" % loc.rsplit("/", 1)[1])

    # vouchers: a template, 20 in the bench account, codes to redeem
    tok = a.csrf_of("/admin/vouchers/templates/new")
    r = a.post("/admin/vouchers/templates", {
        "csrf": tok, "name": "bench", "face": "100", "balance_mode": "carry_over",
        "scope": "all", "billing": "prepaid", "valid_days": "365"})
    assert r.status == 303, r
    tpl = r.header("Location")
    for _ in range(20):
        assert a.post(tpl + "/issue", {"csrf": tok, "mode": "targeted",
                                       "uins": "100900"}).status == 303
    r = a.post(tpl + "/issue", {"csrf": tok, "mode": "codes",
                                "count": sys.argv[2] if len(sys.argv) > 2 else "10000"})
    assert r.status == 303, r
    vcodes = a.get(r.header("Location") + "/codes.txt").text.splitlines()
    with open(os.path.join(VAR, "bench", "codes.txt"), "w") as f:
        f.write("\n".join(c.replace(" ", "") for c in vcodes) + "\n")

    # discounts: a coupon campaign without a limit, a promo code with a
    # large one (SPEC §10)
    for name, kind, extra in (("bench coupon", "coupon", {}),
                              ("bench code", "promo_code",
                               {"code": "BENCH-2027", "total_limit": "1000000"})):
        form = dict({"csrf": a.csrf_of("/admin/campaigns/new"), "name": name, "kind": kind,
                     "discount": "amount", "amount_off": "5", "scope": "all",
                     "scenarios": "purchase", "valid_from": time.strftime("%Y-%m-%d"),
                     "valid_to": "2099-12-31", "claim_days": "30", "audience": "all",
                     "total_limit": "0", "per_account": "1"}, **extra)
        r = a.post("/admin/campaigns", form)
        assert r.status == 303, r
        if kind == "coupon":
            print("coupon_campaign %s" % r.header("Location").rsplit("/", 1)[1])
    print("promo_code BENCH-2027")

    m = Client()
    assert m.login("bench", "bench1234").status == 303
    csrf = m.csrf_of("/user/pickup")
    with open(os.path.join(VAR, "bench", "member.env"), "w") as f:
        f.write("kq_member=%s\n%s\n" % (m.cookies["kq_member"], csrf))
    # the reports' pages (SPEC §11) are read as this admin
    with open(os.path.join(VAR, "bench", "admin.env"), "w") as f:
        f.write("; ".join("%s=%s" % kv for kv in a.cookies.items()) + "\n")


if __name__ == "__main__":
    main()
