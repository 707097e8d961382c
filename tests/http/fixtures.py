"""fixtures.py - what the HTTP tests share: logged-in clients (an admin,
members, partners and their customers), the objects they make through the
pages (batches and their codes, templates, issues, vouchers, orders,
partner vouchers), the books checks and the randomized shoppers, a master
of kaquan-fcgi of the test's own on a socket, and the API's error check.
Tests import these from here, never from each other."""
import contextlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse

import fcgi_client
from kq import (BUILD, CONF, Client, Response, VAR, code_is, ctl, new_admin, new_member,
                sql)


# ---------------------------------------- clients and pickup cards
_admin = {}


def admin():
    """A logged-in admin client (one per run)."""
    if "c" not in _admin:
        login, pw = new_admin()
        c = Client()
        assert c.login(login, pw, admin=True).status == 303
        _admin["c"] = c
    return _admin["c"]


def member():
    uin, login, pw = new_member()
    c = Client()
    assert c.login(login, pw).status == 303
    c.uin = uin
    return c


BATCH = {"label": "", "type": "cvm", "name": "云服务器-香港", "line": "hk",
         "cpu": "2", "memory_gb": "4", "disk_gb": "50", "bandwidth_mbps": "5",
         "months": "3", "price": "1,000", "count": "5", "valid_months": "12"}


def create_batch(**over):
    a = admin()
    form = dict(BATCH, **over)
    form["csrf"] = a.csrf_of("/admin/pickup/batches/new")
    r = a.post("/admin/pickup/batches", form)
    assert r.status == 303, (r, r.flash(), re.findall(r'data-field="[a-z_]+"', r.text)[:1])
    return int(r.header("Location").rsplit("/", 1)[1])


def codes(batch_id):
    r = admin().get("/admin/pickup/batches/%d/codes.txt" % batch_id)
    assert r.status == 200, r
    return r.text.split()


def verify(c, card):
    return c.post("/user/pickup", {"csrf": c.csrf_of("/user/pickup"), "card": card})


def confirm(c, card, os=None):
    body = {"csrf": c.csrf_of("/user/pickup"), "card": card}
    if os is not None:
        body["os"] = os
    return c.post("/user/pickup/confirm", body)


# ---------------------------------------- vouchers and orders
TEMPLATE = {"name": "测试券", "face": "100", "balance_mode": "single_use",
            "scope": "all", "billing": "prepaid", "valid_days": "30"}


def create_template(**over):
    a = admin()
    form = dict(TEMPLATE, **over)
    form = {k: v for k, v in form.items() if v is not None}
    form["csrf"] = a.csrf_of("/admin/vouchers/templates/new")
    r = a.post("/admin/vouchers/templates", form)
    assert r.status == 303, (r, r.flash(), re.findall(r'data-field="[a-z_]+"', r.text)[:1])
    return int(r.header("Location").rsplit("/", 1)[1])


def issue(tid, **form):
    a = admin()
    form["csrf"] = a.csrf_of("/admin")
    r = a.post("/admin/vouchers/templates/%d/issue" % tid, form)
    assert r.status == 303, (r, r.flash())
    return int(r.header("Location").rsplit("/", 1)[1])


def give(m, **over):
    """Issues one voucher of a new template straight into m's account."""
    tid = create_template(**over)
    issue(tid, mode="targeted", uins=str(m.uin))
    return int(sql("SELECT MAX(id) FROM vouchers WHERE uin = %d" % m.uin)[0][0])


def codes_of(issue_id):
    r = admin().get("/admin/vouchers/issues/%d/codes.txt" % issue_id)
    assert r.status == 200, r
    return [c.replace(" ", "") for c in r.text.splitlines()]


def order(m, product="cvm", amount="150", scenario="purchase", billing="prepaid", months="1"):
    return int(ctl("order", "create", "--uin", str(m.uin), "--product", product,
                   "--billing", billing, "--scenario", scenario, "--amount", amount,
                   "--months", months))


def candidates(m, oid):
    r = m.get("/user/orders/%d" % oid)
    assert r.status == 200, r
    return candidate_ids(r), r


def candidate_ids(r):
    return [int(i) for i in re.findall(r'<tr data-id="(\d+)"[^>]*>\s*<td><input type="radio" name="voucher"', r.text)]


def outcome(r):
    """An answer as a failover test counts it (issue 30): its status, but
    for the answers that are not a request's outcome, as words a test fails
    on: a 503 without Retry-After, or a logged-in member's request sent to
    the login page (a session that could not be read, taken for none)."""
    if r.status == 503 and r.header("Retry-After") is None:
        return "503 without Retry-After"
    if r.status == 303 and r.header("Location") in ("/login", "/admin/login"):
        return "303 to the login page"
    return r.status


def post(m, path, **body):
    body["csrf"] = m.csrf_of("/user")
    return m.post(path, body)


def refund(m, oid):
    """The member asks, finance approves (SPEC §5)."""
    assert post(m, "/user/orders/%d/refund" % oid, reason="不需要了").status == 303
    a = admin()
    r = a.post("/admin/orders/%d/refund" % oid, {"csrf": a.csrf_of("/admin")})
    assert r.status == 303, (r, r.flash())


def run_shoppers(racers, products, amounts, rounds, confirm_ok, promo=None):
    """Runs shop() for each (member, seed) at once; the errors."""
    errors = []
    threads = [threading.Thread(target=shop, args=(m, seed, errors, products,
                                                   amounts, rounds, confirm_ok, promo))
               for m, seed in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def books_check(ms):
    """The books of members ms after a workload: vouchers, orders, ledgers."""
    uins = ",".join(str(m.uin) for m in ms)
    # every voucher: face - deductions = balance, and the ledger ends at it
    bad = sql("SELECT v.id, v.face, v.balance, SUM(l.amount) FROM vouchers v"
              " JOIN voucher_ledger l ON l.voucher_id = v.id WHERE v.uin IN (%s)"
              " GROUP BY v.id HAVING v.face + SUM(IF(l.kind IN ('deduct', 'forfeit'), l.amount, 0))"
              " <> v.balance OR SUM(l.amount) <> v.balance" % uins)
    assert bad == [], bad
    # every order: amount = discount + card + voucher + cash; a paid voucher part was deducted
    bad = sql("SELECT id FROM orders WHERE uin IN (%s)"
              " AND amount <> discount + card_amount + voucher_amount + cash" % uins)
    assert bad == [], bad
    bad = sql("SELECT o.id FROM orders o WHERE o.uin IN (%s) AND o.status IN ('paid', 'refunded')"
              " AND o.voucher_id IS NOT NULL AND o.voucher_amount <> -(SELECT SUM(amount)"
              " FROM voucher_ledger WHERE order_id = o.id AND kind = 'deduct')" % uins)
    assert bad == [], bad
    # nothing stays frozen for an order that is closed
    bad = sql("SELECT v.id FROM vouchers v JOIN orders o ON o.id = v.order_id"
              " WHERE v.uin IN (%s) AND v.status = 'frozen' AND o.status <> 'confirmed'" % uins)
    assert bad == [], bad
    discounts_check()
    counts_check()


def discounts_check():
    """SPEC §10's books: for every campaign reserved + used uses and claims
    within total_limit, each account within per_account, the counts equal
    a recount; every frozen coupon frozen for exactly one open order, and
    every order's discount is its use's."""
    bad = sql("SELECT c.id FROM campaigns c WHERE c.total_limit > 0 AND"
              " (SELECT COALESCE(SUM(taken), 0) FROM campaign_counts n"
              "  WHERE n.campaign_id = c.id) > c.total_limit")
    assert bad == [], bad
    bad = sql("SELECT a.campaign_id, a.uin FROM campaign_accounts a JOIN campaigns c"
              " ON c.id = a.campaign_id WHERE a.taken > c.per_account")
    assert bad == [], bad
    # promo codes: taken = reserved + used uses; coupons: taken = claims
    bad = sql("SELECT c.id FROM campaigns c WHERE"
              " (SELECT COALESCE(SUM(taken), 0) FROM campaign_counts n WHERE n.campaign_id = c.id)"
              " <> IF(c.kind = 'coupon', (SELECT COUNT(*) FROM coupons k WHERE k.campaign_id = c.id),"
              " (SELECT COUNT(*) FROM discount_uses u WHERE u.campaign_id = c.id"
              "  AND u.status IN ('reserved', 'used')))"
              " OR (SELECT COALESCE(SUM(used), 0) FROM campaign_counts n WHERE n.campaign_id = c.id)"
              " <> (SELECT COUNT(*) FROM discount_uses u WHERE u.campaign_id = c.id"
              "  AND u.status = 'used')")
    assert bad == [], bad
    bad = sql("SELECT k.id FROM coupons k LEFT JOIN orders o ON o.id = k.order_id"
              " WHERE (k.status = 'frozen') <> (o.id IS NOT NULL AND o.coupon_id = k.id"
              " AND o.status IN ('confirmed', 'awaiting_payment'))")
    assert bad == [], bad
    bad = sql("SELECT o.id FROM orders o LEFT JOIN discount_uses u ON u.order_id = o.id"
              " WHERE (o.discount_campaign_id IS NOT NULL) <> (u.id IS NOT NULL)"
              " OR o.discount <> COALESCE(u.amount, 0)"
              " OR (o.status = 'paid' AND u.status NOT IN ('used'))"
              " OR (o.status = 'cancelled' AND u.status <> 'released')")
    assert bad == [], bad


def counts_check():
    """The figures kept beside the rows (012_volume.sql) equal a recount:
    every issue's redeemed and used vouchers, every batch's used and
    disabled cards; and each used card has its usage record."""
    bad = sql("SELECT i.id FROM voucher_issues i WHERE"
              " (SELECT COUNT(*) FROM vouchers v WHERE v.issue_id = i.id AND v.activated_at IS NOT NULL)"
              " <> COALESCE((SELECT SUM(redeemed) FROM voucher_issue_counts n WHERE n.issue_id = i.id), 0)"
              " OR (SELECT COUNT(*) FROM vouchers v WHERE v.issue_id = i.id AND v.status = 'used')"
              " <> COALESCE((SELECT SUM(used) FROM voucher_issue_counts n WHERE n.issue_id = i.id), 0)")
    assert bad == [], bad
    bad = sql("SELECT b.id FROM pickup_batches b WHERE"
              " (SELECT COUNT(*) FROM pickup_cards c WHERE c.batch_id = b.id AND c.status = 'used')"
              " <> COALESCE((SELECT SUM(used) FROM pickup_batch_counts n WHERE n.batch_id = b.id), 0)"
              " OR (SELECT COUNT(*) FROM pickup_cards c WHERE c.batch_id = b.id AND c.status = 'disabled')"
              " <> COALESCE((SELECT SUM(disabled) FROM pickup_batch_counts n WHERE n.batch_id = b.id), 0)")
    assert bad == [], bad
    # every used card has its one usage record (013_pickup_uses.sql), as it
    # was used, and no other card has one
    bad = sql("SELECT c.id FROM pickup_cards c LEFT JOIN pickup_uses u ON u.card_id = c.id"
              " WHERE (c.status = 'used') <> (u.card_id IS NOT NULL) OR u.uin <> c.uin"
              " OR u.used_at <> c.used_at OR u.batch_id <> c.batch_id"
              " OR NOT u.order_id <=> c.order_id")
    assert bad == [], bad


def unknown_code():
    table = [[0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
             [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
             [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
             [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
             [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0]]
    body = "".join(random.choice("0123456789") for _ in range(17))
    i = 0
    for d in body:
        i = table[i][int(d)]
    return body + str(i)


def coupon_ids(r):
    """The coupons an order page offers that fit it."""
    m = re.search(r'<table data-list="coupons".*?</table>', r.text, re.S)
    return [int(i) for i, rest in re.findall(r'<tr data-id="(\d+)"([^>]*)>', m.group(0))
            if "data-reason" not in rest] if m else []


def shop(m, seed, errors, products, amounts, rounds, confirm_ok, promo=None):
    """One racer of a randomized workload: orders of m, each confirmed with
    a random candidate or none, and (promo: a promo code shared by the
    racers; the member claims the open coupons first) a random coupon that
    fits, the promo code or no discount, then paid, cancelled, paid and
    refunded, or left past its payment window; unexpected statuses go to
    errors."""
    r = random.Random(seed)
    c = Client()
    c.cookies = dict(m.cookies)
    tok = c.csrf_of("/user")
    if promo:
        s = outcome(c.post("/user/coupons/claim", {"csrf": tok, "all": "1"}))
        if s not in confirm_ok:
            errors.append(("claim", s))
    for _ in range(rounds):
        oid = order(m, r.choice(products), str(r.choice(amounts)))
        page = c.get("/user/orders/%d" % oid)
        if page.status != 200:      # a 503 through a cluster's failover
            if outcome(page) not in confirm_ok:
                errors.append(("order", outcome(page)))
            continue
        ids = candidate_ids(page)
        choice = r.choice(ids + [None]) if ids else None
        body = {"csrf": tok, "voucher": str(choice) if choice else ""}
        discount = r.choice(["none", "coupon", "promo"]) if promo else "none"
        coupons = coupon_ids(page)
        if discount == "coupon" and coupons:
            body["coupon"] = str(r.choice(coupons))
        elif discount == "promo":
            body["promo_code"] = promo
        s = outcome(c.post("/user/orders/%d/confirm" % oid, body))
        if s not in confirm_ok:
            errors.append(("confirm", s))
            continue
        action = r.choice(["pay", "pay", "cancel", "refund"] + (["time_out"] if promo else []))
        if action == "time_out":    # the window passes; what looks next sees it
            sql("UPDATE orders SET pay_by = UTC_TIMESTAMP() - INTERVAL 1 MINUTE"
                " WHERE id = %d AND status = 'confirmed'" % oid)
            continue
        if action == "refund":
            c.post("/user/orders/%d/pay" % oid, {"csrf": tok})
        s = outcome(c.post("/user/orders/%d/%s" % (oid, action), {"csrf": tok}))
        if isinstance(s, str) or (s >= 500 and s not in confirm_ok):
            errors.append((action, s))


def field(r, name):
    m = re.search(r'data-field="%s" data-value="([^"]*)"' % name, r.text)
    return m.group(1) if m else None


# ---------------------------------------- partners
_next = [0]


def account(reseller=None, partner=False, finance=True, owner=True):
    """A fresh account (a partner, or a partner's customer) with a logged-in
    login user; the client carries .uin."""
    if not _next[0]:
        _next[0] = random.randint(10**9, 9 * 10**9)
    _next[0] += 1
    uin = _next[0]
    args = ["account", "add", "--uin", str(uin), "--name", "经销商测试 %d" % uin]
    if reseller:
        args += ["--reseller", str(reseller)]
    if partner:
        args.append("--partner")
    ctl(*args)
    login = "p%d" % uin
    args = ["user", "add", "--uin", str(uin), "--login", login]
    if owner:
        args.append("--owner")
    if finance:
        args.append("--finance")
    ctl(*args, password="secret-pass")
    c = Client()
    assert c.login(login, "secret-pass").status == 303
    c.uin = uin
    return c


def admin_post(a, path, **body):
    body["csrf"] = a.csrf_of("/admin")
    return a.post(path, body)


def location_id(r):
    assert r.status == 303, (r, r.flash(), re.findall(r'data-field="[a-z_]+"', r.text)[:1])
    return int(r.header("Location").split("?")[0].rsplit("/", 1)[1])


def ptemplate(p, **over):
    form = {"name": "试用模板", "face": "500", "scope": "exclude",
            "billing": "prepaid", "valid_days": "90"}
    form.update(over)
    return location_id(post(p, "/partner/templates", **form))


def apply(p, tid, uin, amount=""):
    return location_id(post(p, "/partner/templates/%d/apply" % tid, uin=str(uin),
                            amount=amount))


def approve(pv):
    return admin_post(admin(), "/admin/partner/applications/%d/approve" % pv)


def type2(p, customer, amount=""):
    """An approved Type II for customer; returns (its id, the trial's id)."""
    pv = apply(p, ptemplate(p), customer.uin, amount)
    assert approve(pv).status == 303
    trial = sql("SELECT id FROM vouchers WHERE partner_voucher_id = %d" % pv)
    return pv, int(trial[0][0])


# ---------------------------------------- the mixed load of the crash tests
# (test_crash.py, test_restore.py): redemptions, pick-ups, payments, coupon
# claims and promo-code confirmations of several members at once
PER_MEMBER = 8


def _mixed_order(m):
    return int(ctl("order", "create", "--uin", str(m.uin), "--product", "cvm",
                   "--billing", "prepaid", "--scenario", "purchase",
                   "--amount", "80", "--months", "1"))


def mixed_work(n_members):
    """Per member: codes to redeem, cards to pick up, confirmed orders,
    coupon campaigns to claim one of each, pending orders to confirm with
    a promo code."""
    from test_campaigns import campaign, promo_code
    cs = codes_of(issue(create_template(name="压测券"), mode="codes",
                        count=str(n_members * PER_MEMBER)))
    cards = codes(create_batch(count=str(n_members * PER_MEMBER)))
    coupons = [campaign(name="压测领券 %d" % j, amount_off="5") for j in range(PER_MEMBER // 2)]
    mixed_work.code = code = promo_code()
    campaign(name="压测码", kind="promo_code", code=code, amount_off="6",
             total_limit="1000", per_account=str(PER_MEMBER))
    work = []
    for i in range(n_members):
        m = member()
        m.tok = m.csrf_of("/user")
        items = []
        for j in range(PER_MEMBER):
            k = i * PER_MEMBER + j
            oid = _mixed_order(m)
            r = m.post("/user/orders/%d/confirm" % oid, {"csrf": m.tok, "voucher": ""})
            assert r.status == 303, r
            items += [("redeem", cs[k]), ("pickup", cards[k]), ("pay", oid),
                      ("promo", _mixed_order(m))]
            if j < len(coupons):
                items.append(("claim", coupons[j]))
        work.append((m, items))
    return work


def mixed_do(m, kind, x):
    if kind == "redeem":
        return outcome(m.post("/user/redeem/confirm", {"csrf": m.tok, "code": x}))
    if kind == "pickup":
        return outcome(m.post("/user/pickup/confirm", {"csrf": m.tok, "card": x,
                                                "os": "debian12"}))
    if kind == "claim":
        return outcome(m.post("/user/coupons/claim", {"csrf": m.tok, "campaign": str(x)}))
    if kind == "promo":
        return outcome(m.post("/user/orders/%d/confirm" % x, {"csrf": m.tok, "voucher": "",
                                                       "promo_code": mixed_work.code}))
    return outcome(m.post("/user/orders/%d/pay" % x, {"csrf": m.tok}))


def _mixed_run(m, items, out):
    for kind, x in items:
        out.append((m.uin, kind, x, mixed_do(m, kind, x)))
        time.sleep(0.03)


def mixed_load(work, crash):
    out = []
    threads = [threading.Thread(target=_mixed_run, args=(m, items, out)) for m, items in work]
    for t in threads:
        t.start()
    time.sleep(0.4)
    crash(out)
    for t in threads:
        t.join()
    return out


def mixed_done(uin, kind, x):
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


def mixed_check(out, work, lost=()):
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
            assert mixed_done(uin, kind, x), ("acknowledged but not there", kind, x)
        else:
            was = mixed_done(uin, kind, x)
            if was:
                statuses["done"] = statuses.get("done", 0) + 1
            again = mixed_do(members[uin], kind, x)
            assert again == (409 if was else 303), (kind, x, was, again)
            assert mixed_done(uin, kind, x)
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


# ---------------------------------------- a master of the test's own
FCGI = os.path.join(BUILD, "kaquan-fcgi")


def _conf_without_listen(tmp, **extra):
    lines = [l for l in open(CONF) if not l.startswith(("listen", "workers"))]
    lines += ["%s = %s\n" % kv for kv in extra.items()]
    path = os.path.join(tmp, "kaquan.conf")
    with open(path, "w") as f:
        f.writelines(lines)
    return path


@contextlib.contextmanager
def fd0_master(env=None, **conf):
    """kaquan-fcgi with the socket on fd 0 (as spawn-fcgi passes it) and
    the tests' configuration plus conf's keys ("{tmp}" in a value: the
    directory), in a fresh directory, with env's variables added to its
    environment: (master, tmp, socket path, stderr path).  The master and
    its workers are killed after."""
    tmp = tempfile.mkdtemp(dir=VAR)
    sock_path = os.path.join(tmp, "s.sock")
    stderr = os.path.join(tmp, "stderr")
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock.bind(sock_path)
    lsock.listen(16)
    path = _conf_without_listen(tmp, **{k: str(v).replace("{tmp}", tmp)
                                        for k, v in conf.items()})
    master = subprocess.Popen([FCGI, "--config", path], stdin=lsock.fileno(),
                              stderr=open(stderr, "w"), start_new_session=True,
                              env=dict(os.environ, **(env or {})))
    lsock.close()
    try:
        yield master, tmp, sock_path, stderr
    finally:
        if master.poll() is None:
            os.killpg(master.pid, signal.SIGKILL)   # the workers too
        shutil.rmtree(tmp)


class FcgiClient(Client):
    """A Client that talks FastCGI to a master of the test's own (no
    nginx); each request carries a fresh REQUEST_ID, kept as last_id."""

    def __init__(self, sock_path):
        super().__init__()
        self.sock_path = sock_path
        self.last_id = None

    def request(self, method, path, body=None, headers=None, raw_body=None):
        path, _, query = path.partition("?")
        extra = {"HTTP_" + k.upper().replace("-", "_"): v
                 for k, v in (headers or {}).items()}
        if self.cookies:
            extra["HTTP_COOKIE"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        self.last_id = extra["REQUEST_ID"] = "%032x" % random.getrandbits(128)
        data = raw_body or b""
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True).encode()
        out, ended = fcgi_client.Request(path, method=method, body=data,
                                         sock_path=self.sock_path, query=query,
                                         params_extra=extra).finish_raw()
        head, _, text = out.partition(b"\r\n\r\n")
        headers = [tuple(line.split(": ", 1)) for line in head.decode().split("\r\n")
                   if ": " in line]
        status = int(dict(headers).get("Status", "200").split()[0])
        resp = Response(status, headers, text)
        resp.ended = ended      # False: cut, without the end record
        return self.keep_cookies(resp)


def first_get(sock_path, path, **kw):
    """The first answer of a master just started: (status, headers, body)."""
    for _ in range(100):
        try:
            return fcgi_client.get(sock_path, path, **kw)
        except (ConnectionError, OSError):
            time.sleep(0.05)
    raise AssertionError("no answer on " + sock_path)


# ---------------------------------------- the API
def error_of(r, status, code, field=None):
    assert r.status == status, (r.status, r.text)
    assert r.header("Content-Type") == "application/json", r.headers
    assert r.json["error"]["code"] == code, r.json
    assert r.json["error"]["message"], r.json
    if field is not None:
        assert r.json["error"].get("field") == field, r.json


def pick_ups(n, os="debian12"):
    """n pick-ups of new cards by one member: their order ids."""
    cards = codes(create_batch(count=str(n)))
    m = member()
    out = []
    for card in cards:
        r = confirm(m, card, os)
        assert r.status == 303, (r, r.flash())
        out.append(int(r.header("Location").rsplit("/", 1)[1]))
    return m, cards, out


def _workers():
    master = int(open(os.path.join(VAR, "run", "kaquan.pid")).read())
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return master, sorted(int(p) for p in out.stdout.split())
