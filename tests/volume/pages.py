"""pages.py - the list pages, exports and figures of SPEC §9's Volume, as
make bench-volume measures them and the rows-read test bounds them: each
page with each filter, the time it took and the rows it read (the worker's
access log with KAQUAN_ROWS_READ=1: "rows=N" on the request's own line,
found by its X-Request-Id)."""
import datetime
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "http"))
from kq import Client, ctl as kq_ctl, sql as kq_sql  # noqa: E402

PAGE = 20                       # core/db/pager.h PAGER_ROWS
COUNTED = 10000                 # PAGER_COUNTED: counts exact up to it
# SPEC §9: ~50 pages of rows for the list, the rows a numbered page skips
# (at most PAGER_COUNTED: deeper goes by cursor), and the bounded count
# (its PAGER_COUNTED + 1 index entries, read again from the derived
# table): a constant, whatever the size of the table
BOUND = 50 * PAGE + COUNTED + 2 * (COUNTED + 1)
# a page by cursor: no offset, no count, ~50 pages of rows at most
CURSOR_BOUND = 50 * PAGE


def logins(prefix="vol", client=Client, ctl=kq_ctl):
    """Clients for the backend, the heavy member and the partner of
    tests/volume/load.sql (made once; the same logins again after)."""
    pw = "volume-pass"
    out = {}
    for who, args in (("admin", ["admin", "add", "--login", prefix + "-admin", "--role", "admin"]),
                      ("member", ["user", "add", "--uin", "70000000001", "--login",
                                  prefix + "-member", "--owner", "--finance"]),
                      ("partner", ["user", "add", "--uin", "69999999999", "--login",
                                   prefix + "-partner", "--owner", "--finance"])):
        try:
            ctl(*args, password=pw)
        except AssertionError:
            pass            # made by an earlier run
        c = client()
        login = args[args.index("--login") + 1]
        assert c.login(login, pw, admin=who == "admin").status == 303, who
        out[who] = c
    return out


def ids(sql=kq_sql):
    """What the filters name: a template, an issue, a batch, a UIN."""
    one = lambda q: sql(q)[0][0]    # noqa: E731
    # load.sql spreads the rows over the year before it ran: last month,
    # and a day six months back (the dates move with the day it runs)
    first = datetime.date.today().replace(day=1)
    last = first - datetime.timedelta(days=1)
    return {"m0": last.replace(day=1).isoformat(), "m1": last.isoformat(),
            "day": (first - datetime.timedelta(days=180)).isoformat(),
"template": one("SELECT MAX(template_id) FROM voucher_issues"),
            "issue": one("SELECT MAX(id) FROM voucher_issues"),
            "batch": one("SELECT MAX(id) FROM pickup_batches WHERE total > 0"),
            "uin": "70000000001", "customer": "70000000002",
            # the middle of the big tables: a cursor deep into them
            "vmid": one("SELECT (MIN(id) + MAX(id)) DIV 2 FROM vouchers"),
            "omid": one("SELECT (MIN(id) + MAX(id)) DIV 2 FROM orders"),
            "amid": one("SELECT (MIN(id) + MAX(id)) DIV 2 FROM audit_log"),
            "umid": one("SELECT (MIN(seq) + MAX(seq)) DIV 2 FROM pickup_uses"),
            "cmid": one("SELECT (MIN(id) + MAX(id)) DIV 2 FROM pickup_cards WHERE batch_id ="
                        " (SELECT MAX(id) FROM pickup_batches WHERE total > 0)"),
            "campaign": one("SELECT MAX(campaign_id) FROM discount_uses"),
            "xmid": one("SELECT (MIN(id) + MAX(id)) DIV 2 FROM discount_uses"),
            "pmid": one("SELECT (MIN(uin) + MAX(uin)) DIV 2 FROM accounts"
                        " WHERE reseller_uin = 69999999999"),
            "rmid": one("SELECT (MIN(queue_key) + MAX(queue_key)) DIV 2 FROM approval_requests"
                        " WHERE status <> 'pending'"),
            "rrid": one("SELECT (MIN(id) + MAX(id)) DIV 2 FROM approval_requests"
                        " WHERE status = 'approved'"),
            "qmid": one("SELECT (MIN(queue_key) + MAX(queue_key)) DIV 2 FROM partner_vouchers"
                        " WHERE approval <> 'pending_review'")}


# (who, name, path): {x} from ids()
PAGES = [
    ("admin", "admin home", "/admin"),
    ("admin", "vouchers", "/admin/vouchers"),
    ("admin", "vouchers available", "/admin/vouchers?status=available"),
    ("admin", "vouchers used", "/admin/vouchers?status=used"),
    ("admin", "vouchers expired", "/admin/vouchers?status=expired"),
    ("admin", "vouchers unactivated", "/admin/vouchers?status=unactivated"),
    ("admin", "vouchers of a template", "/admin/vouchers?template={template}"),
    ("admin", "vouchers of an issue", "/admin/vouchers?issue={issue}"),
    ("admin", "vouchers of a uin", "/admin/vouchers?uin={uin}"),
    ("admin", "vouchers page 50", "/admin/vouchers?page=50"),
    ("admin", "vouchers page 500", "/admin/vouchers?page=500"),
    ("admin", "vouchers by cursor", "/admin/vouchers?page=9000&after={vmid}"),
    ("admin", "vouchers used by cursor", "/admin/vouchers?status=used&page=9000&after={vmid}"),
    ("admin", "issues", "/admin/vouchers/issues"),
    ("admin", "issues of a template", "/admin/vouchers/issues?template={template}"),
    ("admin", "an issue", "/admin/vouchers/issues/{issue}"),
    ("admin", "templates", "/admin/vouchers/templates"),
    ("admin", "orders", "/admin/orders"),
    ("admin", "orders paid", "/admin/orders?status=paid"),
    ("admin", "orders refund requested", "/admin/orders?refund=requested"),
    ("admin", "orders of a uin", "/admin/orders?uin={uin}"),
    ("admin", "orders page 50", "/admin/orders?page=50"),
    ("admin", "orders by cursor", "/admin/orders?page=9000&after={omid}"),
    ("admin", "orders of a month", "/admin/orders?from={m0}&to={m1}"),
    ("admin", "orders of a day", "/admin/orders?from={day}&to={day}"),
    ("admin", "orders paid since a day", "/admin/orders?status=paid&from={day}"),
    ("admin", "orders refund requested in a month",
     "/admin/orders?refund=requested&from={m0}&to={m1}"),
    ("admin", "orders of a month page 50", "/admin/orders?from={m0}&to={m1}&page=50"),
    ("admin", "orders of a month by cursor",
     "/admin/orders?from={m0}&to={m1}&page=9000&after={omid}"),
    ("admin", "usage", "/admin/pickup/usage"),
    ("admin", "usage of a batch", "/admin/pickup/usage?batch={batch}"),
    ("admin", "usage of a uin", "/admin/pickup/usage?uin={uin}"),
    ("admin", "usage of a uin's batch", "/admin/pickup/usage?uin={uin}&batch={batch}"),
    ("admin", "usage of a month", "/admin/pickup/usage?from={m0}&to={m1}"),
    ("admin", "usage page 500", "/admin/pickup/usage?page=500"),
    ("admin", "usage by cursor", "/admin/pickup/usage?page=9000&after={umid}"),
    ("admin", "batches", "/admin/pickup/batches"),
    ("admin", "a batch", "/admin/pickup/batches/{batch}"),
    ("admin", "a batch page 50", "/admin/pickup/batches/{batch}?page=50"),
    ("admin", "a batch by cursor", "/admin/pickup/batches/{batch}?page=900&after={cmid}"),
    ("admin", "audit", "/admin/audit"),
    ("admin", "audit of an action", "/admin/audit?action=voucher.issue"),
    ("admin", "audit by cursor", "/admin/audit?page=9000&after={amid}"),
    ("admin", "audit of a month", "/admin/audit?from={m0}&to={m1}"),
    ("admin", "audit of a day", "/admin/audit?from={day}&to={day}"),
    ("admin", "audit of an action in a month",
     "/admin/audit?action=voucher.issue&from={m0}&to={m1}"),
    ("admin", "audit of an actor in a month", "/admin/audit?actor=volume&from={m0}&to={m1}"),
    ("admin", "audit of a month by cursor",
     "/admin/audit?from={m0}&to={m1}&page=9000&after={amid}"),
    ("admin", "applications", "/admin/partner/applications"),
    ("admin", "applications by cursor", "/admin/partner/applications?page=900&after={qmid}"),
    ("admin", "partner vouchers", "/admin/partner/vouchers"),
    ("admin", "approvals", "/admin/approvals"),
    ("admin", "approvals pending", "/admin/approvals?status=pending"),
    ("admin", "approvals rejected", "/admin/approvals?status=rejected"),
    ("admin", "approvals page 500", "/admin/approvals?page=500"),
    ("admin", "approvals by cursor", "/admin/approvals?page=900&after={rmid}"),
    ("admin", "approvals approved by cursor",
     "/admin/approvals?status=approved&page=900&after={rrid}"),
    ("admin", "campaigns", "/admin/campaigns"),
    ("admin", "a campaign", "/admin/campaigns/{campaign}"),
    ("admin", "a campaign's uses", "/admin/campaigns/{campaign}/uses"),
    ("admin", "uses used", "/admin/campaigns/{campaign}/uses?status=used"),
    ("admin", "uses reserved", "/admin/campaigns/{campaign}/uses?status=reserved"),
    ("admin", "uses released", "/admin/campaigns/{campaign}/uses?status=released"),
    ("admin", "uses page 50", "/admin/campaigns/{campaign}/uses?page=50"),
    ("admin", "uses by cursor", "/admin/campaigns/{campaign}/uses?page=9000&after={xmid}"),
    ("admin", "report liability", "/admin/reports/liability"),
    ("admin", "report liability of a template", "/admin/reports/liability?template={template}"),
    ("admin", "report cost", "/admin/reports/cost"),
    ("admin", "report cost of ten years", "/admin/reports/cost?from=2017-01&to=2026-12"),
    ("admin", "report orders", "/admin/reports/orders?product=cvm"),
    ("admin", "report cards", "/admin/reports/cards"),
    ("admin", "report cost csv", "/admin/reports/cost.csv"),
    ("partner", "partner home", "/partner"),
    ("partner", "customers", "/partner/customers"),
    ("partner", "customers by cursor", "/partner/customers?page=900&after={pmid}"),
    ("partner", "partner's vouchers", "/partner/vouchers"),
    ("partner", "customer vouchers", "/partner/customer-vouchers"),
    ("partner", "charges", "/partner/charges"),
    ("member", "user home", "/user"),
    ("member", "my vouchers", "/user/vouchers"),
    ("member", "my vouchers all", "/user/vouchers?status=all"),
    ("member", "my vouchers used", "/user/vouchers?status=used"),
    ("member", "my vouchers expired", "/user/vouchers?status=expired"),
    ("member", "my orders", "/user/orders"),
    ("member", "my pickups", "/user/pickup"),
    ("member", "my coupons", "/user/coupons"),
    ("member", "my coupons used", "/user/coupons?status=used"),
]


def rows_of(log, request_id):
    """The rows the request read, from its line in the log file log."""
    for _ in range(50):
        with open(log, errors="replace") as f:
            for line in f:
                if "req=%s:" % request_id in line and re.search(r" \d+ [0-9.]+ms", line):
                    # no rows=: the database was not there to ask
                    return int(line.rsplit(" rows=", 1)[1]) if " rows=" in line else -1
        time.sleep(0.02)
    raise AssertionError("no rows= for request %s" % request_id)


def measure(c, path, log, times=3):
    """(best time in ms, rows read, status) of GET path."""
    best, rows, status = None, None, None
    for _ in range(times):
        t = time.monotonic()
        r = c.get(path)
        ms = (time.monotonic() - t) * 1000
        status = r.status
        rows = rows_of(log, r.header("X-Request-Id"))
        best = ms if best is None else min(best, ms)
    return best, rows, status


def run(clients, log, x, pages=PAGES, times=3):
    """{name: (ms, rows, status, path)} for each page; x: ids()."""
    out = {}
    for who, name, path in pages:
        p = path.format(**x)
        ms, rows, status = measure(clients[who], p, log, times)
        out[name] = (ms, rows, status, p)
    return out


if __name__ == "__main__":
    log = os.path.join(os.environ["KAQUAN_VAR"], "log", "kaquan.log")
    res = run(logins(), log, ids(), times=int(sys.argv[1]) if sys.argv[1:] else 3)
    for name, (ms, rows, status, p) in res.items():
        print("%-26s %4d %8.1f ms %9d rows  %s" % (name, status, ms, rows, p))
