"""test_crash.py - kill -9 under a mixed load (issue 10): redemptions,
pick-ups, payments, coupon claims and promo-code confirmations (issue 28)
race while MariaDB, or a worker, is killed.  Every
request that got its 303 is in the database; one that did not is either
wholly done or not at all, and a retry of it answers cleanly (409 when it
had happened: a COMMIT can become durable in the instant the server or the
worker dies, before anyone hears of it); nothing is half done (the books
check); service is back within seconds."""
import os
import signal
import subprocess
import threading
import time
import urllib.parse

from fixtures import (_workers, codes, codes_of, create_batch, create_template,
                      discounts_check, issue, member, order)
from kq import BUILD, VAR, code_is, ctl, sql

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PER_MEMBER = 8


def _new_order(m):
    return int(ctl("order", "create", "--uin", str(m.uin), "--product", "cvm",
                   "--billing", "prepaid", "--scenario", "purchase",
                   "--amount", "80", "--months", "1"))


def _prepare(n_members):
    """Per member: codes to redeem, cards to pick up, confirmed orders,
    coupon campaigns to claim one of each, pending orders to confirm with
    a promo code."""
    from test_campaigns import campaign, promo_code
    cs = codes_of(issue(create_template(name="压测券"), mode="codes",
                        count=str(n_members * PER_MEMBER)))
    cards = codes(create_batch(count=str(n_members * PER_MEMBER)))
    coupons = [campaign(name="压测领券 %d" % j, amount_off="5") for j in range(PER_MEMBER // 2)]
    _prepare.code = code = promo_code()
    campaign(name="压测码", kind="promo_code", code=code, amount_off="6",
             total_limit="1000", per_account=str(PER_MEMBER))
    work = []
    for i in range(n_members):
        m = member()
        m.tok = m.csrf_of("/user")
        items = []
        for j in range(PER_MEMBER):
            k = i * PER_MEMBER + j
            oid = _new_order(m)
            r = m.post("/user/orders/%d/confirm" % oid, {"csrf": m.tok, "voucher": ""})
            assert r.status == 303, r
            items += [("redeem", cs[k]), ("pickup", cards[k]), ("pay", oid),
                      ("promo", _new_order(m))]
            if j < len(coupons):
                items.append(("claim", coupons[j]))
        work.append((m, items))
    return work


def _do(m, kind, x):
    if kind == "redeem":
        return m.post("/user/redeem/confirm", {"csrf": m.tok, "code": x}).status
    if kind == "pickup":
        return m.post("/user/pickup/confirm", {"csrf": m.tok, "card": x,
                                                "os": "debian12"}).status
    if kind == "claim":
        return m.post("/user/coupons/claim", {"csrf": m.tok, "campaign": str(x)}).status
    if kind == "promo":
        return m.post("/user/orders/%d/confirm" % x, {"csrf": m.tok, "voucher": "",
                                                       "promo_code": _prepare.code}).status
    return m.post("/user/orders/%d/pay" % x, {"csrf": m.tok}).status


def _run(m, items, out):
    for kind, x in items:
        out.append((m.uin, kind, x, _do(m, kind, x)))
        time.sleep(0.03)


def _load(work, crash):
    out = []
    threads = [threading.Thread(target=_run, args=(m, items, out)) for m, items in work]
    for t in threads:
        t.start()
    time.sleep(0.4)
    crash(out)
    for t in threads:
        t.join()
    return out


def _done(uin, kind, x):
    """Whether the item happened, wholly; raises if it half happened."""
    if kind == "redeem":
        (owner, status), = sql("SELECT COALESCE(uin, 0), status FROM vouchers"
                               " WHERE " + code_is(x))
        return owner == str(uin) and status == "available"
    if kind == "pickup":
        (status, order), = sql("SELECT status, COALESCE(order_id, 0) FROM pickup_cards"
                               " WHERE " + code_is(x))
        orders = sql("SELECT COUNT(*) FROM orders o JOIN pickup_cards c ON c.id = o.card_id"
                     " JOIN provision_outbox p ON p.order_id = o.id WHERE "
                     + code_is(x, "c") + " AND o.uin = %d" % uin)[0][0]
        assert (status == "used") == (orders == "1") == (order != "0"), (x, status, orders)
        return status == "used"
    if kind == "claim":    # one coupon of the campaign, or none
        (n,), = sql("SELECT COUNT(*) FROM coupons WHERE uin = %d AND campaign_id = %d"
                    % (uin, x))
        assert n in ("0", "1"), (x, n)
        return n == "1"
    if kind == "promo":    # confirmed with its use reserved, or still pending
        (status, discount, uses), = sql(
            "SELECT o.status, o.discount, (SELECT COUNT(*) FROM discount_uses u"
            " WHERE u.order_id = o.id AND u.status = 'reserved') FROM orders o"
            " WHERE o.id = %d" % x)
        assert (status, discount, uses) in (("pending", "0", "0"), ("confirmed", "600", "1")), \
            (x, status, discount, uses)
        return status == "confirmed"
    (status,), = sql("SELECT status FROM orders WHERE id = %d" % x)
    assert status in ("paid", "confirmed"), (x, status)
    return status == "paid"


def _check(out, work, lost=()):
    """What the members of work did (out): 303 is done; lost are statuses
    whose answer may have been lost after the commit, so done or not,
    wholly, and a retry answers cleanly.  Counts those that had happened
    as "done"."""
    members = {m.uin: m for m, _ in work}
    uins = ",".join(str(uin) for uin in members)
    statuses = {}
    for uin, kind, x, status in out:
        statuses[status] = statuses.get(status, 0) + 1
        assert status in (303,) + lost, (kind, x, status)
        if status == 303:
            assert _done(uin, kind, x), ("acknowledged but not there", kind, x)
        else:
            was = _done(uin, kind, x)
            if was:
                statuses["done"] = statuses.get("done", 0) + 1
            again = _do(members[uin], kind, x)
            assert again == (409 if was else 303), (kind, x, was, again)
            assert _done(uin, kind, x)
    assert statuses.get(303, 0) > 0, statuses
    # the books: every order adds up, nothing frozen for a closed order,
    # the campaigns' counts are a recount of their coupons and uses
    bad = sql("SELECT id FROM orders WHERE uin IN (%s) AND amount <> discount"
              " + card_amount + voucher_amount + cash" % uins)
    assert bad == [], bad
    discounts_check()
    bad = sql("SELECT c.id FROM pickup_cards c LEFT JOIN orders o ON o.id = c.order_id"
              " WHERE c.status = 'used' AND o.id IS NULL")
    assert bad == [], bad
    return statuses


def _back_within(seconds, c):
    """Seconds until a page answers; then every worker answers (none left
    with a connection from before the crash)."""
    t = time.time()
    while c.get("/user").status != 200:
        assert time.time() - t < seconds, "not back after %d s" % seconds
        time.sleep(0.1)
    back = time.time() - t
    after = [c.get("/user").status for _ in range(16)]
    assert after == [200] * 16, after
    return back


def test_mariadb_killed_under_load():
    work = _prepare(4)
    pidfile = os.path.join(VAR, "run", "mariadb.pid")
    port = urllib.parse.urlparse(os.environ["KAQUAN_URL"]).port
    def crash(out):
        os.kill(int(open(pidfile).read()), signal.SIGKILL)
        time.sleep(0.5)
        env = dict(os.environ, KAQUAN_PORT=str(port), KAQUAN_BUILD=BUILD,
                   KAQUAN_DEMO="0")
        subprocess.run(["sh", os.path.join(ROOT, "conf", "dev", "stack.sh"), "up"],
                       env=env, check=True, timeout=120)

    out = _load(work, crash)
    back = _back_within(3, work[0][0])
    statuses = _check(out, work, lost=(503,))
    assert 503 in statuses, ("the crash refused nothing", statuses)
    print("    mariadb kill -9: %s; back %.2f s after its restart" % (statuses, back))


def test_worker_killed_mid_request():
    work = _prepare(4)

    def busy(pid):
        """Not waiting in accept() (on a unix socket: a datagram wait)."""
        try:
            with open("/proc/%d/wchan" % pid) as f:
                return f.read() != "__skb_wait_for_more_packets"
        except OSError:
            return False

    def crash(out):
        # a worker caught in a request, three times (nginx answers 502)
        kills, t = 0, time.time()
        while kills < 3 and time.time() - t < 10:
            _, pids = _workers()
            for pid in pids:
                if busy(pid):
                    os.kill(pid, signal.SIGKILL)
                    kills += 1
                    time.sleep(0.1)
                    break
            time.sleep(0.005)

    out = _load(work, crash)
    back = _back_within(3, work[0][0])
    # nginx answers 502 for the request a killed worker had: it may have
    # been committed just before the kill; a retry then says so (409)
    statuses = _check(out, work, lost=(502,))
    assert 502 in statuses, ("no request was cut", statuses)
    print("    worker kill -9: %s; back in %.2f s" % (statuses, back))
