"""test_reports.py - SPEC §11's reports: the rollup kaquanctl sweep keeps
equals a full recount of the ledgers and orders after a randomized
workload, month by month; a rollup killed halfway, or two at once, counts
nothing twice; the pages, their filters, charts and CSVs, the cards report
and the home's figures, for admins and viewers."""
import csv
import io
import os
import random
import re
import subprocess
import threading
import time

from fixtures import (account, admin, admin_post, create_batch, codes, codes_of, confirm,
                      create_template, give, issue, location_id, member, order, post,
                      refund, run_shoppers, type2)
from kq import BUILD, CONF, Client, new_admin, sql

MEASURES = ["available", "frozen", "issued", "activated", "deducted", "breakage", "discounts",
            "partner_platform", "partner_own", "amount", "card", "voucher", "discount", "cash",
            "refunded"]
# display_tz (the stacks' default, Asia/Shanghai) as an offset: no tz tables needed
MONTH = "DATE_FORMAT(CONVERT_TZ(%s, '+00:00', '+08:00'), '%%Y%%m')"


def sweep(env=None):
    """kaquanctl sweep; its process (to see a kill)."""
    return subprocess.run([os.path.join(BUILD, "kaquanctl"), "--config", CONF, "sweep"],
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, **(env or {})))


def rolled_up():
    """Everything a second old and more rolled up (the stack's report_lag is
    0; a row of the sweep's own second waits for the next)."""
    time.sleep(1.1)
    r = sweep()
    assert r.returncode == 0, r.stderr
    return r


def months(dim="all", key=""):
    """report_months of dim/key: {month: {measure: cents}}."""
    rows = sql("SELECT month, %s FROM report_months WHERE dim = '%s' AND dim_key = '%s'"
               % (", ".join(MEASURES), dim, key))
    return {int(r[0]): dict(zip(MEASURES, map(int, r[1:]))) for r in rows}


def delta(after, before):
    out = {}
    for m, row in after.items():
        d = {k: v - before.get(m, {}).get(k, 0) for k, v in row.items()}
        if any(d.values()):
            out[m] = d
    return out


def marks():
    """The ids the workload's rows come after."""
    one = lambda q: int(sql(q)[0][0])   # noqa: E731
    return {"ledger": one("SELECT COALESCE(MAX(id), 0) FROM voucher_ledger"),
            "partner": one("SELECT COALESCE(MAX(id), 0) FROM partner_ledger"),
            "order": one("SELECT COALESCE(MAX(id), 0) FROM orders")}


def recount(since):
    """SPEC §11's figures of the rows after since, by a full scan written
    here apart from report.c: {month: {measure: cents}} (liability aside:
    it is checked against the vouchers' own balances)."""
    out = {}

    def add(rows, names):
        for r in rows:
            row = out.setdefault(int(r[0]), dict.fromkeys(MEASURES, 0))
            for name, v in zip(names, r[1:]):
                row[name] += int(v or 0)
    add(sql("SELECT " + MONTH % "l.created_at" + ","
            " SUM(IF(l.kind = 'issue', v.face, 0)), SUM(IF(l.kind = 'activate', l.balance, 0)),"
            " -SUM(IF(l.kind = 'deduct', l.amount, 0)),"
            " SUM(CASE WHEN l.kind IN ('expire', 'invalidate', 'withdraw') THEN l.balance"
            "     WHEN l.kind = 'forfeit' THEN -l.amount ELSE 0 END)"
            " FROM voucher_ledger l JOIN vouchers v ON v.id = l.voucher_id"
            " JOIN voucher_templates t ON t.id = v.template_id"
            " WHERE t.kind = 'platform' AND l.id > %d GROUP BY 1" % since["ledger"]),
        ["issued", "activated", "deducted", "breakage"])
    add(sql("SELECT " + MONTH % "l.created_at" + ", -SUM(IF(l.kind = 'deduct', l.amount, 0))"
            " FROM voucher_ledger l JOIN vouchers v ON v.id = l.voucher_id"
            " JOIN voucher_templates t ON t.id = v.template_id"
            " WHERE t.kind = 'customer' AND l.id > %d GROUP BY 1" % since["ledger"]),
        ["partner_own"])
    add(sql("SELECT " + MONTH % "created_at" + ", -SUM(IF(kind = 'deduct', amount, 0))"
            " FROM partner_ledger WHERE id > %d GROUP BY 1" % since["partner"]),
        ["partner_platform"])
    add(sql("SELECT " + MONTH % "paid_at" + ", SUM(amount), SUM(card_amount),"
            " SUM(voucher_amount), SUM(discount), SUM(cash), SUM(discount) FROM orders"
            " WHERE id > %d AND paid_at IS NOT NULL GROUP BY 1" % since["order"]),
        ["amount", "card", "voucher", "discount", "cash", "discounts"])
    add(sql("SELECT " + MONTH % "closed_at" + ", SUM(refunded_cash) FROM orders"
            " WHERE id > %d AND status = 'refunded' GROUP BY 1" % since["order"]),
        ["refunded"])
    return without_liability(out)


def without_liability(d):
    out = {}
    for m, row in d.items():
        row = {k: v for k, v in row.items() if k not in ("available", "frozen")}
        if any(row.values()):
            out[m] = row
    return out


def liability_of(tid):
    """A template's available and frozen balance now, from its vouchers."""
    return int(sql("SELECT COALESCE(SUM(balance), 0) FROM vouchers WHERE template_id = %d"
                   " AND status IN ('available', 'frozen')" % tid)[0][0])


def page_rows(r, lst):
    """A report table's rows: [{field: data-value}]."""
    m = re.search(r'<table data-list="%s".*?</table>' % lst, r.text, re.S)
    assert m, r.text[:2000]
    return [dict(re.findall(r'data-field="(\w+)" data-value="([^"]*)"', tr))
            for tr in re.findall(r'<tr data-id=.*?</tr>', m.group(0), re.S)]


def csv_rows(r):
    assert r.status == 200 and r.header("Content-Type").startswith("text/csv"), r
    assert r.text.startswith("\ufeff"), r.text[:10]
    return list(csv.reader(io.StringIO(r.text[1:])))


def this_month():
    return int(time.strftime("%Y%m", time.gmtime(time.time() + 8 * 3600)))


def workload():
    """Members with vouchers of their own templates shopping at random
    (coupons, a promo code, pay, cancel, refund, time out), codes made and
    some redeemed, a voucher invalidated and one expired, pick-ups with a
    Windows surcharge; the templates."""
    from test_campaigns import campaign, promo_code
    ms = [member() for _ in range(3)]
    tids = []
    for m in ms:
        for over in ({"name": "报表结转", "face": "300", "balance_mode": "carry_over"},
                     {"name": "报表单次", "face": "120"}):
            give(m, **over)
            tids.append(int(sql("SELECT MAX(id) FROM voucher_templates")[0][0]))
    campaign(name="报表券", amount_off="15", per_account="2", total_limit="6")
    code = promo_code()
    campaign(name="报表码", kind="promo_code", code=code, amount_off="8", total_limit="5",
             per_account="3")
    rng = random.Random(29)
    errors = run_shoppers([(m, rng.random()) for m in ms for _ in range(2)],
                          ["cvm"], [20, 50, 130, 400], 6, (303, 409), promo=code)
    assert not errors, errors
    tid = create_template(name="报表券码", face="50")
    tids.append(tid)
    cs = codes_of(issue(tid, mode="codes", count="3"))
    for c in cs[:2]:
        assert post(ms[0], "/user/redeem/confirm", code=c).status == 303
    a = admin()
    left = sql("SELECT id FROM vouchers WHERE uin = %d AND status = 'available'" % ms[1].uin)
    if left:
        assert a.post("/admin/vouchers/%s/invalidate" % left[0][0],
                      {"csrf": a.csrf_of("/admin")}).status == 303
    t2 = create_template(name="报表到期", face="70")
    tids.append(t2)
    issue(t2, mode="targeted", uins=str(ms[2].uin))
    sql("UPDATE vouchers SET valid_to = UTC_TIMESTAMP() - INTERVAL 1 MINUTE"
        " WHERE template_id = %d" % t2)
    debian, windows = codes(create_batch(count="2"))
    assert confirm(ms[2], debian, "debian12").status == 303
    r = confirm(ms[2], windows, "win2022")      # the surcharge paid in cash
    assert r.status == 303, r
    assert post(ms[2], r.header("Location") + "/pay").status == 303
    # a partner's customer pays with its Type II's trial voucher, a
    # discount voucher of the partner's, and cash (the Type I pays the charge)
    p = account(partner=True)
    c = account(reseller=p.uin)
    assert admin_post(a, "/admin/partner/vouchers", partner=str(p.uin), amount="1000",
                      scope="exclude", billing="prepaid", valid_days="365").status == 303
    _, trial = type2(p, c, amount="200")
    ctid = location_id(post(p, "/partner/customer-templates", name="报表客户券", face="30",
                            scope="include", products="cvm", billing="prepaid",
                            valid_days="30"))
    own = location_id(post(p, "/partner/customer-templates/%d/issue" % ctid, uin=str(c.uin)))
    for amount, voucher in (("150", trial), ("100", own), ("80", "")):
        oid = order(c, "cvm", amount)
        assert post(c, "/user/orders/%d/confirm" % oid, voucher=str(voucher)).status == 303
        assert post(c, "/user/orders/%d/pay" % oid).status == 303
    refund(c, oid)          # finance gives the cash of the last one back
    return ms, tids


def test_the_rollup_equals_a_recount_month_by_month():
    rolled_up()
    before, since = months(), marks()
    ms, tids = workload()
    # the first member's voucher history moved a month and more back: the
    # months split, and its templates' liability carries over month ends
    back = [int(t) for t, in sql("SELECT DISTINCT template_id FROM vouchers WHERE uin = %d"
                                 % ms[0].uin)]
    sql("UPDATE voucher_ledger l JOIN vouchers v ON v.id = l.voucher_id"
        " SET l.created_at = l.created_at - INTERVAL 40 DAY"
        " WHERE v.uin = %d AND l.id > %d" % (ms[0].uin, since["ledger"]))
    r = sweep()             # the windows passed and the expiry: their own rows
    assert r.returncode == 0, r.stderr
    rolled_up()
    got = without_liability(delta(months(), before))
    want = recount(since)
    assert got == want, (got, want)
    now = this_month()
    assert len(want) >= 2 and all(want[now][k] > 0 for k in (
        "issued", "deducted", "breakage", "discounts", "partner_platform", "partner_own",
        "amount", "card", "voucher", "discount", "cash", "refunded")), want[now]
    assert sum(row["activated"] for row in want.values()) > 0, want
    a = admin()
    # each template's liability now is its vouchers' balance, on the page
    for tid in tids:
        rows = page_rows(a.get("/admin/reports/liability?template=%d" % tid), "liability")
        assert rows[-1]["month"] == "%04d-%02d" % (now // 100, now % 100), rows[-1]
        assert int(rows[-1]["total"]) == liability_of(tid), (tid, rows[-1])
        assert int(rows[-1]["total"]) == int(rows[-1]["available"]) + int(rows[-1]["frozen"])
    # a moved template's month end before: the balances its ledger says then
    for tid in back:
        rows = page_rows(a.get("/admin/reports/liability?template=%d" % tid), "liability")
        for row in rows[:-1]:
            y, mo = map(int, row["month"].split("-"))
            end = "%04d-%02d-01" % ((y + mo // 12), mo % 12 + 1)
            then = int(sql("SELECT COALESCE(SUM(l.balance), 0) FROM voucher_ledger l"
                           " JOIN vouchers v ON v.id = l.voucher_id WHERE v.template_id = %d"
                           " AND l.status IN ('available', 'frozen') AND l.id = (SELECT MAX(q.id)"
                           " FROM voucher_ledger q WHERE q.voucher_id = l.voucher_id AND"
                           " CONVERT_TZ(q.created_at, '+00:00', '+08:00') < '%s')"
                           % (tid, end))[0][0])
            assert int(row["total"]) == then, (tid, row, then)
    # the pages and their CSVs say what the rows say
    total = months()
    for name, fields in (("cost", ["issued", "activated", "deducted", "breakage", "discounts",
                                   "partner_platform", "partner_own"]),
                         ("orders", ["amount", "card", "voucher", "discount", "cash",
                                     "refunded"])):
        page = a.get("/admin/reports/%s" % name)
        assert page.status == 200 and page.page() == "admin.report.%s" % name, page
        row = page_rows(page, name)[-1]
        for f in fields:
            assert int(row[f]) == total[now][f], (name, f, row, total[now])
        assert '<svg' in page.text and 'data-chart="%s"' % name in page.text
        lines = csv_rows(a.get("/admin/reports/%s.csv" % name))
        assert lines[0][0] == "月份(Asia/Shanghai)", lines[0]
        assert lines[-1][0] == row["month"] and len(lines) == 13, lines[-1]
        assert lines[-1][1] == "%.2f" % (int(row[fields[0]]) / 100), (lines[-1], row)
    orders = page_rows(a.get("/admin/reports/orders"), "orders")[-1]
    assert int(orders["invoiceable"]) == total[now]["cash"] - total[now]["refunded"]
    assert int(orders["amount"]) == sum(int(orders[k]) for k in
                                        ("card", "voucher", "discount", "cash"))


def test_a_rollup_killed_halfway_or_run_twice_at_once_counts_nothing_twice():
    rolled_up()
    before, since = months(), marks()
    ms = [member() for _ in range(2)]
    for m in ms:
        give(m, name="断点券", face="90", balance_mode="carry_over")
        for _ in range(3):
            oid = order(m, "cvm", "40")
            vid = sql("SELECT MAX(id) FROM vouchers WHERE uin = %d" % m.uin)[0][0]
            assert post(m, "/user/orders/%d/confirm" % oid, voucher=vid).status == 303
            assert post(m, "/user/orders/%d/pay" % oid).status == 303
    time.sleep(1.1)
    want = recount(since)
    assert sum(r["deducted"] for r in want.values()) > 0, want
    # killed in its 3rd chunk of 4 rows, then in its 2nd, before each commit
    for kill in (3, 2):
        r = sweep({"KAQUAN_FAULT": "rollup:4:%d" % kill})
        assert r.returncode == -9, (r.returncode, r.stderr)
    part = without_liability(delta(months(), before))
    assert part and part != want, part      # some chunks are in, not all
    rolled_up()
    got = without_liability(delta(months(), before))
    assert got == want, (got, want)
    # two sweeps at once, in chunks of 3 rows: they take turns, chunk by chunk
    before, since = months(), marks()
    for m in ms:
        give(m, name="并发券", face="60")
        oid = order(m, "cvm", "25")
        vid = sql("SELECT MAX(id) FROM vouchers WHERE uin = %d" % m.uin)[0][0]
        assert post(m, "/user/orders/%d/confirm" % oid, voucher=vid).status == 303
        assert post(m, "/user/orders/%d/pay" % oid).status == 303
    time.sleep(1.1)
    out = []
    ts = [threading.Thread(target=lambda: out.append(sweep({"KAQUAN_FAULT": "rollup:3:0"})))
          for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert [p.returncode for p in out] == [0, 0], [p.stderr for p in out]
    assert without_liability(delta(months(), before)) == recount(since)


def _rows_read():
    return sum(int(v) for _, v in sql("SHOW GLOBAL STATUS LIKE 'Handler_read%'"))


def test_a_chunk_reads_a_voucher_s_state_not_its_history():
    """A voucher with thousands of ledger rows after the mark: each row's
    state before it is the row before it in the chunk or the voucher's
    state after the rows counted before (report_voucher_state, by its key),
    never a walk back through the voucher's ledger (which read 2 million
    rows a chunk in make bench: a million rows took hours)."""
    m = member()
    vid = give(m, name="多行券", face="50")
    tid = int(sql("SELECT template_id FROM vouchers WHERE id = %d" % vid)[0][0])
    rolled_up()
    before = months("template", str(tid))
    n = 3000    # freeze, release, … : the voucher ends available, as it was
    sql("INSERT INTO voucher_ledger (voucher_id, kind, amount, balance, status, actor,"
        " created_at) SELECT %d, IF(seq MOD 2, 'freeze', 'release'), 0, 5000,"
        " IF(seq MOD 2, 'frozen', 'available'), 'test', UTC_TIMESTAMP(3) - INTERVAL 2 SECOND"
        " FROM seq_1_to_%d ORDER BY seq" % (vid, n))
    time.sleep(1.1)     # the voucher's own rows old enough to count
    read = _rows_read()
    r = sweep()
    read = _rows_read() - read
    assert r.returncode == 0, r.stderr
    assert n <= int(re.search(r"(\d+) rows rolled up", r.stdout).group(1)), r.stdout
    print("    rollup of %d rows of one voucher: %d rows read" % (n, read))
    assert read < 30 * n, read
    # freezes and releases: the liability's split moved and came back
    assert delta(months("template", str(tid)), before) == {}, \
        delta(months("template", str(tid)), before)


def test_pages_filters_csv_cards_home_and_viewers():
    a = admin()
    login, pw = new_admin("viewer")
    v = Client()
    assert v.login(login, pw, admin=True).status == 303
    m1, m2 = member(), member()
    tid = create_template(name="报表筛选", face="200")
    issue(tid, mode="targeted", uins="%d\n%d" % (m1.uin, m2.uin))
    bid = create_batch(count="5", price="100")
    sql("UPDATE pickup_batches SET valid_to = UTC_TIMESTAMP() + INTERVAL 45 DAY WHERE id = %d"
        % bid)
    for card in codes(bid)[:2]:
        assert confirm(m1, card, "debian12").status == 303
    rolled_up()
    now = this_month()
    month = "%04d-%02d" % (now // 100, now % 100)
    # the template's liability and issue; the range asked
    r = v.get("/admin/reports/liability?template=%d&from=%s&to=%s" % (tid, month, month))
    assert r.status == 200 and r.page() == "admin.report.liability", r
    assert page_rows(r, "liability") == [{"month": month, "available": "40000", "frozen": "0",
                                          "total": "40000"}], page_rows(r, "liability")
    assert re.search(r'data-field="as_of" data-value="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"', r.text)
    assert 'data-chart="liability"' in r.text and "<script" not in r.text
    row = page_rows(v.get("/admin/reports/cost?template=%d" % tid), "cost")[-1]
    assert row["issued"] == "40000" and row["deducted"] == "0", row
    # a partner's filter, both filters at once, a product
    r = v.get("/admin/reports/cost?partner=%d" % m1.uin)
    assert r.status == 200 and all(x["issued"] == "0" for x in page_rows(r, "cost"))
    r = v.get("/admin/reports/cost?template=%d&partner=%d" % (tid, m1.uin))
    assert all(set(x.values()) <= {x["month"], "0"} for x in page_rows(r, "cost"))
    cvm = page_rows(v.get("/admin/reports/orders?product=cvm"), "orders")[-1]
    allp = page_rows(v.get("/admin/reports/orders"), "orders")[-1]
    assert int(cvm["card"]) >= 20000 and int(allp["amount"]) >= int(cvm["amount"]), (cvm, allp)
    # bad ranges at their field; a viewer downloads
    for q, f in (("from=2026-13", "from"), ("to=26-01", "to"), ("from=2026-05&to=2026-01", "to"),
                 ("from=2000-01&to=2026-01", "from")):
        r = v.get("/admin/reports/cost?" + q)
        assert r.status == 422 and r.flash() == ("error", "invalid_field"), (q, r)
        assert 'data-field="%s"' % f in r.text, (q, r.text[-800:])
    assert v.get("/admin/reports/cost?month=2026-01").status == 400
    lines = csv_rows(v.get("/admin/reports/liability.csv?template=%d&from=%s&to=%s"
                           % (tid, month, month)))
    assert lines == [["月份(Asia/Shanghai)", "可用余额(元)", "冻结余额(元)", "合计(元)"],
                     [month, "400.00", "0.00", "400.00"]], lines
    # the cards report: the batch now
    r = v.get("/admin/reports/cards?product=cvm")
    assert r.status == 200 and r.page() == "admin.report.cards", r
    row = [x for x in page_rows(r, "cards") if x["batch"] == str(bid)]
    assert row == [{"batch": str(bid), "product": "cvm", "made": "5", "used": "2", "unused": "3",
                    "expiring_30": "0", "expiring_60": "3", "expiring_90": "3",
                    "outstanding": "30000"}], row
    assert 'data-chart="cards"' in r.text
    assert not [x for x in page_rows(v.get("/admin/reports/cards?product=vhost"), "cards")
                if x["batch"] == str(bid)]
    lines = csv_rows(v.get("/admin/reports/cards.csv"))
    assert [x for x in lines if x[0] == str(bid)][0][3:] == ["5", "2", "3", "0", "3", "3",
                                                             "300.00"], lines[:3]
    # the home opens with the figures, as the rows say
    home = v.get("/admin")
    total = months()[now]
    figures = dict(re.findall(r'data-field="(liability|cost|breakage)" data-value="(-?\d+)"',
                              home.text))
    assert figures == {"liability": str(sum(r["available"] + r["frozen"]
                                            for r in months().values())),
                       "cost": str(total["deducted"] + total["discounts"]),
                       "breakage": str(total["breakage"])}, figures
    assert 'href="/admin/reports/liability"' in home.text
    # and with what waits for a second admin (SPEC §11's approvals)
    waiting = int(sql("SELECT COUNT(*) FROM approval_requests WHERE status = 'pending'")[0][0])
    assert re.search(r'data-field="approvals" data-value="%d"' % waiting, home.text), waiting
    # members may not look
    assert m1.get("/admin/reports/cost").status in (302, 303, 403)
