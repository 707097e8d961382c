"""test_discounts.py - SPEC §10 at confirmation (issue 28): an order takes one
voucher and one discount (a coupon or a promo code); the discount comes off
first, the voucher fits the price, cash pays the rest; paying uses it,
cancelling gives it back; a promo code's limits hold under racing
confirmations; unknown codes are failed attempts."""
import getpass
import os
import re
import subprocess
import threading
import time

from fixtures import admin, discounts_check, field, give, member, order, post, refund
from kq import Api, VAR, sql
from test_campaigns import campaign, claim, promo_code, row


def coupon_of(m, cid):
    assert claim(m, campaign=str(cid)).status == 303
    return int(sql("SELECT MAX(id) FROM coupons WHERE uin = %d AND campaign_id = %d"
                   % (m.uin, cid))[0][0])


def confirm(m, oid, **body):
    return post(m, "/user/orders/%d/confirm" % oid, **body)


def books(oid):
    o = sql("SELECT amount, discount, card_amount, voucher_amount, cash FROM orders"
            " WHERE id = %d" % oid)[0]
    amount, discount, card, voucher, cash = (int(x) for x in o)
    assert amount == discount + card + voucher + cash, o
    return discount, voucher, cash


def taken(cid):
    return int(sql("SELECT COALESCE(SUM(taken), 0) FROM campaign_counts"
                   " WHERE campaign_id = %d" % cid)[0][0])


def test_coupon_then_voucher_then_cash_and_paying_uses_it():
    cid = campaign(name="减20", amount_off="20")
    m = member()
    kid = coupon_of(m, cid)
    give(m, name="券100", face="100", balance_mode="carry_over")
    oid = order(m, amount="150")
    r = m.get("/user/orders/%d" % oid)
    tr = row(r, "coupons", kid)
    assert tr and 'data-recommended="recommended"' in tr and 'data-value="2000"' in tr, tr
    vid = int(re.search(r'name="voucher" value="(\d+)"', r.text).group(1))
    r = confirm(m, oid, coupon=str(kid), voucher=str(vid))
    assert r.status == 303, (r, r.flash())
    # 150 - 20 = 130 price; the voucher 100; cash 30
    assert books(oid) == (2000, 10000, 3000)
    r = m.get("/user/orders/%d" % oid)
    assert field(r, "discount") == "2000", r.text[:200]
    assert sql("SELECT status, order_id FROM coupons WHERE id = %d" % kid) == [["frozen", str(oid)]]
    assert post(m, "/user/orders/%d/pay" % oid).status == 303
    assert sql("SELECT status FROM coupons WHERE id = %d" % kid) == [["used"]]
    assert sql("SELECT status, amount FROM discount_uses WHERE order_id = %d" % oid) == [["used", "2000"]]
    assert field(admin().get("/admin/campaigns/%d" % cid), "used") == "1"
    # only cash is invoiceable; a refund returns cash only, the coupon stays used
    assert field(m.get("/user/orders/%d" % oid), "invoiceable") == "3000"
    refund(m, oid)
    assert sql("SELECT refunded_cash FROM orders WHERE id = %d" % oid) == [["3000"]]
    assert sql("SELECT status FROM coupons WHERE id = %d" % kid) == [["used"]]


def test_why_coupons_do_not_fit_and_the_best_is_recommended():
    small = campaign(name="减5", amount_off="5")
    big = campaign(name="减15%", discount="percent", percent_off="15", cap="30")
    floor = campaign(name="满500", amount_off="50", min_amount="500")
    renew = campaign(name="仅新购", amount_off="9", scenarios=["purchase"])
    m = member()
    ks = {c: coupon_of(m, c) for c in (small, big, floor, renew)}
    oid = order(m, amount="100", scenario="renew")
    r = m.get("/user/orders/%d" % oid)
    # "renewals cannot use coupons": none of them (the scenarios default)
    assert all('data-reason="scenario"' in row(r, "coupons", k) for k in ks.values())
    oid = order(m, amount="100")
    r = m.get("/user/orders/%d" % oid)
    assert 'data-recommended="recommended"' in row(r, "coupons", ks[big])   # 15 > 5
    assert 'data-recommended' not in row(r, "coupons", ks[small])
    assert 'data-reason="min_amount"' in row(r, "coupons", ks[floor])
    r = confirm(m, oid, coupon=str(ks[floor]))
    assert r.status == 409 and r.flash() == ("error", "discount_not_applicable"), r
    assert 'data-reason="min_amount"' in r.text
    # a coupon and a promo code: one discount only
    r = confirm(m, oid, coupon=str(ks[big]), promo_code="ANY-CODE")
    assert r.status == 422 and r.flash() == ("error", "invalid_field"), r
    assert 'data-field="promo_code"' in r.text
    # another's coupon is unknown
    r = confirm(member(), order(member(), amount="100"), coupon=str(ks[big]))
    assert r.status in (404,), r


def test_promo_code_preview_confirm_cancel_and_limits():
    code = promo_code()
    cid = campaign(name="春季码", kind="promo_code", code=code, discount="percent",
                   percent_off="10", total_limit="1")
    m = member()
    oid = order(m, amount="80")
    r = m.get("/user/orders/%d?promo_code=%s" % (oid, code.lower()))
    assert r.status == 200, r
    assert 'data-field="discount" data-value="800"' in r.text, r.text[-2000:]
    assert confirm(m, oid, promo_code=code).status == 303
    assert books(oid) == (800, 0, 7200)
    assert taken(cid) == 1
    # the limit of one is taken: another member's order is refused, reason exhausted
    o = member()
    oid2 = order(o, amount="80")
    r = confirm(o, oid2, promo_code=code)
    assert r.status == 409 and 'data-reason="exhausted"' in r.text, r
    # cancelling gives the use back
    assert post(m, "/user/orders/%d/cancel" % oid).status == 303
    assert taken(cid) == 0
    assert sql("SELECT status FROM discount_uses WHERE order_id = %d" % oid) == [["released"]]
    assert confirm(o, oid2, promo_code=code).status == 303


def test_unknown_promo_codes_are_failed_attempts_then_429():
    m = member()
    oid = order(m, amount="80")
    for i in range(5):
        if i % 2:
            r = confirm(m, oid, promo_code="NO-SUCH-%d" % i)
        else:
            r = m.get("/user/orders/%d?promo_code=NOPE%d" % (oid, i))
        assert r.status == 422 and r.flash()[1] == "promo_unknown", (i, r)
    r = m.get("/user/orders/%d?promo_code=NOPE9" % oid)
    assert r.status == 429, r
    r = confirm(m, oid, promo_code="NOPE9")
    assert r.status == 429, r


def test_cancel_and_time_out_give_the_coupon_back():
    cid = campaign(name="回退券", amount_off="10")
    m = member()
    kid = coupon_of(m, cid)
    oid = order(m, amount="50")
    assert confirm(m, oid, coupon=str(kid)).status == 303
    assert post(m, "/user/orders/%d/cancel" % oid).status == 303
    assert sql("SELECT status FROM coupons WHERE id = %d" % kid) == [["available"]]
    oid = order(m, amount="50")
    assert confirm(m, oid, coupon=str(kid)).status == 303
    sql("UPDATE orders SET pay_by = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE id = %d" % oid)
    # the page shows it back before any sweep; the next change writes it
    r = m.get("/user/coupons")
    assert 'data-value="available"' in row(r, "coupons", kid)
    oid3 = order(m, amount="50")
    assert confirm(m, oid3, coupon=str(kid)).status == 303
    assert sql("SELECT status FROM orders WHERE id = %d" % oid) == [["cancelled"]]
    assert sql("SELECT status FROM discount_uses WHERE order_id = %d" % oid) == [["released"]]


def race(code, n=30):
    """n members confirm an order each with code at once: [(member, order,
    status)]."""
    work = []
    for _ in range(n):
        m = member()
        work.append((m, order(m, amount="60"), {"csrf": m.csrf_of("/user"), "promo_code": code}))
    barrier = threading.Barrier(n)
    out = []

    def run(m, oid, body):
        barrier.wait()
        out.append((m, oid, m.post("/user/orders/%d/confirm" % oid, body).status))
    threads = [threading.Thread(target=run, args=w) for w in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_thirty_racing_confirmations_of_a_promo_code_limited_to_five():
    code = promo_code()
    cid = campaign(name="限5码", kind="promo_code", code=code, amount_off="3",
                   total_limit="5")
    out = race(code)
    codes = sorted(s for _, _, s in out)
    assert codes.count(303) == 5 and codes.count(409) == 25, codes
    assert taken(cid) == 5
    assert sql("SELECT COUNT(*) FROM discount_uses WHERE campaign_id = %d"
               " AND status = 'reserved'" % cid) == [["5"]]
    # cancelling one frees exactly one
    won = [(m, oid) for m, oid, s in out if s == 303]
    lost = [(m, oid) for m, oid, s in out if s != 303]
    assert post(won[0][0], "/user/orders/%d/cancel" % won[0][1]).status == 303
    assert confirm(lost[0][0], lost[0][1], promo_code=code).status == 303
    assert confirm(lost[1][0], lost[1][1], promo_code=code).status == 409


def test_a_large_limit_spread_over_slots_holds_exactly():
    """A limit of 1,024 or more is shared out over the 16 count rows (so
    confirmations do not queue on one): with two uses left, in two rows
    most members' own rows are full, 30 racing confirmations give exactly
    two, each in a row with room, and a cancel gives back to the row it
    took from."""
    code = promo_code()
    cid = campaign(name="大额码", kind="promo_code", code=code, amount_off="3",
                   total_limit="1024")
    assert sql("SELECT COUNT(*) FROM campaign_counts WHERE campaign_id = %d" % cid) == [["16"]]
    sql("UPDATE campaign_counts SET taken = IF(slot IN (3, 9), 63, 64), claims = 1"
        " WHERE campaign_id = %d" % cid)
    out = race(code)
    codes = sorted(s for _, _, s in out)
    assert codes.count(303) == 2 and codes.count(409) == 28, codes
    assert taken(cid) == 1024
    assert sql("SELECT slot FROM discount_uses WHERE campaign_id = %d ORDER BY slot" % cid) == \
        [["3"], ["9"]]
    won = [(m, oid) for m, oid, s in out if s == 303]
    lost = [(m, oid) for m, oid, s in out if s != 303]
    slot = sql("SELECT slot FROM discount_uses WHERE order_id = %d" % won[0][1])[0][0]
    assert post(won[0][0], "/user/orders/%d/cancel" % won[0][1]).status == 303
    assert sql("SELECT taken FROM campaign_counts WHERE campaign_id = %d AND slot = %s"
               % (cid, slot)) == [["63"]]
    assert confirm(lost[0][0], lost[0][1], promo_code=code).status == 303
    assert confirm(lost[1][0], lost[1][1], promo_code=code).status == 409
    assert taken(cid) == 1024
    # the uses faked above undone: the books count what was really taken
    sql("UPDATE campaign_counts n SET taken = (SELECT COUNT(*) FROM discount_uses u"
        " WHERE u.campaign_id = n.campaign_id AND u.slot = n.slot"
        " AND u.status IN ('reserved', 'used')) WHERE n.campaign_id = %d" % cid)


def test_api_candidates_and_confirm_with_a_promo_code():
    code = promo_code()
    campaign(name="接口码", kind="promo_code", code=code, amount_off="7")
    kc = campaign(name="接口券", amount_off="4")
    m = member()
    kid = coupon_of(m, kc)
    oid = order(m, amount="70")
    api = Api(scope="all")
    r = api.get("/api/v1/orders/%d/candidates" % oid, query="promo_code=%s" % code)
    assert r.status == 200, (r.status, r.text)
    j = r.json
    assert j["promo_code"]["discount"] == 700 and j["promo_code"]["code"] == code, j
    assert any(k["coupon"] == kid and k["discount"] == 400 for k in j["coupons"]), j
    assert j["recommended_coupon"] == kid
    r = api.get("/api/v1/orders/%d/candidates" % oid, query="promo_code=NOPE-NOPE")
    assert r.status == 422 and r.json["error"]["code"] == "promo_unknown", r.text
    r = api.post("/api/v1/orders/%d/confirm" % oid, {"promo_code": code})
    assert r.status == 200, r.text
    assert r.json["discount"] == 700 and r.json["discount_source"] == "promo_code"
    assert r.json["promo_code"] == code and r.json["cash"] == 6300


def test_confirmations_held_at_the_count_take_only_the_limit():
    """Deterministic: the campaign's count row is held locked while four
    confirmations pass every read (each sees the limit untouched) and wait
    at the count; let go, only the limit's two get through.  Without the
    guard in the count's UPDATE all four would."""
    code = promo_code()
    cid = campaign(name="锁定码", kind="promo_code", code=code, amount_off="2",
                   total_limit="2")
    work = []
    for _ in range(4):
        m = member()
        work.append((m, order(m, amount="30"), m.csrf_of("/user")))
    hold = subprocess.Popen(["mariadb", "--no-defaults", "--socket",
                             os.path.join(VAR, "run", "mysql.sock"),
                             "-u" + getpass.getuser(), "-N", "--unbuffered", "kaquan"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    hold.stdin.write("BEGIN; SELECT taken FROM campaign_counts WHERE campaign_id = %d"
                     " AND slot = 0 FOR UPDATE;\n" % cid)
    hold.stdin.flush()
    assert hold.stdout.readline().strip() == "0"
    out = []
    threads = [threading.Thread(target=lambda w=w: out.append(w[0].post(
        "/user/orders/%d/confirm" % w[1], {"csrf": w[2], "promo_code": code}).status))
        for w in work]
    for t in threads:
        t.start()
    # within the statement time (5 s): every request waiting at the count
    deadline, waiting = time.time() + 3, 0
    while time.time() < deadline and waiting < 4:
        time.sleep(0.05)
        waiting = int(sql("SELECT COUNT(*) FROM information_schema.innodb_trx"
                          " WHERE trx_state = 'LOCK WAIT'")[0][0])
    hold.stdin.write("COMMIT;\n")
    hold.stdin.close()
    for t in threads:
        t.join()
    hold.wait(timeout=10)
    assert waiting >= 3, waiting
    assert sorted(out) == [303, 303, 409, 409], (out, waiting)
    assert taken(cid) == 2


def test_the_books_of_discounts_check():
    discounts_check()


def uses_listed(r):
    """The uses list's rows: {order: (status, discount cents)}."""
    m = re.search(r'<table data-list="uses".*?</table>', r.text, re.S)
    assert m, r.text[:300]
    out = {}
    for tr in re.findall(r'<tr data-id="\d+".*?</tr>', m.group(0), re.S):
        o = re.search(r'data-field="order" data-value="(\d+)"', tr).group(1)
        st = re.search(r'data-field="status" data-value="(\w+)"', tr).group(1)
        d = re.search(r'data-field="discount" data-value="(\d+)"', tr).group(1)
        out[int(o)] = (st, int(d))
    return out


def test_a_campaigns_uses_by_status_with_their_csv_and_todays_count():
    import csv
    import io
    code = promo_code()
    cid = campaign(name="用途码", kind="promo_code", code=code, amount_off="4")
    a = admin()
    before = int(field(a.get("/admin"), "uses_today").rstrip("+"))
    ms = [member() for _ in range(3)]
    oids = [order(m, amount="40") for m in ms]
    for m, oid in zip(ms, oids):
        assert confirm(m, oid, promo_code=code).status == 303
    paid, cancelled, overdue = oids
    assert post(ms[0], "/user/orders/%d/pay" % paid).status == 303
    assert post(ms[1], "/user/orders/%d/cancel" % cancelled).status == 303
    # past its payment window, not yet swept: stored reserved, shown released
    sql("UPDATE orders SET pay_by = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE id = %d"
        % overdue)
    assert sql("SELECT status FROM discount_uses WHERE order_id = %d" % overdue) == [["reserved"]]
    r = a.get("/admin/campaigns/%d/uses" % cid)
    assert r.status == 200 and 'data-page="admin.campaign.uses"' in r.text, r
    assert uses_listed(r) == {paid: ("used", 400), cancelled: ("released", 400),
                              overdue: ("released", 400)}, uses_listed(r)
    assert set(uses_listed(a.get("/admin/campaigns/%d/uses?status=used" % cid))) == {paid}
    assert set(uses_listed(a.get("/admin/campaigns/%d/uses?status=released" % cid))) == \
        {cancelled, overdue}
    assert uses_listed(a.get("/admin/campaigns/%d/uses?status=reserved" % cid)) == {}
    sql("UPDATE orders SET pay_by = UTC_TIMESTAMP() + INTERVAL 10 MINUTE WHERE id = %d"
        % overdue)
    assert set(uses_listed(a.get("/admin/campaigns/%d/uses?status=reserved" % cid))) == \
        {overdue}
    assert a.get("/admin/campaigns/%d/uses?status=bogus" % cid).status == 422
    assert a.get("/admin/campaigns/999999999/uses").status == 404
    # the export: the same rows, the filter kept, yuan with two decimals
    r = a.get("/admin/campaigns/%d/uses.csv?status=used" % cid)
    assert r.status == 200 and r.text.startswith("\ufeff"), r
    lines = list(csv.reader(io.StringIO(r.text[1:])))
    assert len(lines) == 2 and lines[1][0] == str(ms[0].uin) and lines[1][1] == str(paid), lines
    assert "4.00" in lines[1] and lines[0][-1].endswith(")"), lines
    # the home counts today's uses (reserved and paid, the cancelled one too)
    after = field(a.get("/admin"), "uses_today")
    assert after.endswith("+") or int(after) >= before + 3, (before, after)
    # a member may not look
    assert ms[0].get("/admin/campaigns/%d/uses" % cid).status in (302, 303, 403)
