"""test_backend.py - the finance backend as finance staff use it (issue 9):
one search box, exports as CSV a spreadsheet can sum, the audit log, the
issues of a template and who redeemed them, the two home pages' counts."""
import csv
import datetime
import io
import random
import re

from fixtures import (admin, codes, codes_of, confirm, create_batch,
                      create_template, give, issue, member, order, post)
from kq import Client, code_is, new_admin, sql


def rows_of(r):
    """A CSV download's rows (BOM dropped), after checking it is one."""
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("text/csv"), r.header("Content-Type")
    assert "attachment" in r.header("Content-Disposition")
    assert r.text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(r.text[1:])))


def viewer():
    login, pw = new_admin("viewer")
    v = Client()
    assert v.login(login, pw, admin=True).status == 303
    return v


def test_one_search_box_finds_codes_cards_orders_and_accounts():
    a = admin()
    m = member()
    tid = create_template(name="搜索券")
    iid = issue(tid, mode="codes", count="1")
    code = codes_of(iid)[0]
    vid = int(sql("SELECT id FROM vouchers WHERE " + code_is(code))[0][0])
    # a code typed the way it is printed opens its voucher
    r = a.get("/admin/search?q=" + "%s+%s-%s" % (code[:6], code[6:12], code[12:]))
    assert r.status == 303 and r.header("Location") == "/admin/vouchers/%d" % vid, r
    # a card's code opens its batch at the page the card is on
    bid = create_batch(count="25")
    card = codes(bid)[-1]
    r = a.get("/admin/search?q=" + card.lower())
    assert r.status == 303, r
    r = a.get(r.header("Location"))
    assert r.status == 303 and r.header("Location").startswith(
        "/admin/pickup/batches/%d?page=2#card-" % bid), r.header("Location")
    # an order number opens the order; a UIN lists the account's pages
    oid = order(m)
    r = a.get("/admin/search?q=%23" + str(oid))
    assert r.status in (200, 303)
    if r.status == 303:
        assert r.header("Location") == "/admin/orders/%d" % oid
    else:
        assert 'href="/admin/orders/%d"' % oid in r.text
    r = a.get("/admin/search?q=%d" % m.uin)
    assert r.status == 200 and r.page() == "admin.search", r
    assert 'href="/admin/orders?uin=%d"' % m.uin in r.text
    assert 'data-kind="account"' in r.text
    # nothing found says what can be searched; the box is on every page
    r = a.get("/admin/search?q=nothing-here")
    assert r.status == 200 and "没有找到" in r.text and "18 位数字" in r.text
    assert 'action="/admin/search"' in a.get("/admin").text
    assert 'action="/admin/search"' not in m.get("/user").text
    assert m.get("/admin/search?q=1").status in (303, 403)
    # a viewer may search too (reads only)
    assert viewer().get("/admin/search?q=%d" % m.uin).status == 200


def test_exports_are_csv_a_spreadsheet_can_sum():
    a = admin()
    m = member()
    vid = give(m, name="=HYPERLINK(\"x\")")
    rows = rows_of(a.get("/admin/vouchers.csv?uin=%d" % m.uin))
    head, body = rows[0], rows[1:]
    assert "面额(元)" in head and any(h.startswith("到期(") for h in head), head
    assert len(body) == 1 and body[0][0] == str(vid), body
    # names that look like formulas are neutralised; amounts stay numbers
    assert body[0][head.index("名称")].startswith("'="), body
    face = body[0][head.index("面额(元)")]
    assert re.fullmatch(r"\d+\.\d\d", face), face
    # the time zone the times are in is named in the heading
    assert "(Asia/Shanghai)" in ",".join(head), head
    # the page links its download with its filters
    page = a.get("/admin/vouchers?uin=%d" % m.uin)
    assert 'href="/admin/vouchers.csv?uin=%d"' % m.uin in page.text
    # usage records, a batch's cards (masked for a viewer), issues, audit
    bid = create_batch(count="3")
    card = codes(bid)[0]
    assert confirm(m, card, os="debian12").status == 303
    usage = rows_of(a.get("/admin/pickup/usage.csv?batch=%d" % bid))
    assert len(usage) == 2 and usage[1][2] == str(m.uin), usage
    assert usage[1][0] == str(bid) and usage[0][-1] == "批次备注", usage   # the id, as the page
    v = viewer()
    cards = rows_of(v.get("/admin/pickup/batches/%d/cards.csv" % bid))
    assert len(cards) == 4 and all(c[0].startswith("****") for c in cards[1:]), cards
    assert v.get("/admin/pickup/batches/%d/cards.csv?codes=full" % bid).status == 403
    before = int(sql("SELECT COUNT(*) FROM audit_log WHERE action ="
                     " 'pickup.batch.codes.view' AND target = 'batch:%d'" % bid)[0][0])
    full = rows_of(a.get("/admin/pickup/batches/%d/cards.csv?codes=full" % bid))
    assert sorted(c[0] for c in full[1:]) == sorted(codes(bid)), full
    after = int(sql("SELECT COUNT(*) FROM audit_log WHERE action ="
                    " 'pickup.batch.codes.view' AND target = 'batch:%d'" % bid)[0][0])
    assert after == before + 1
    issues = rows_of(a.get("/admin/vouchers/issues.csv"))
    assert issues[0][0] == "发放" and len(issues) > 1
    audit = rows_of(a.get("/admin/audit.csv?target=batch:%d" % bid))
    assert {"生成提货卡批次", "查看完整卡号"} <= {r[2] for r in audit[1:]}, audit
    # an empty result is the headings alone; a bad filter is the error page
    assert len(rows_of(a.get("/admin/vouchers.csv?uin=1"))) == 1
    assert a.get("/admin/vouchers.csv?status=bogus").status == 422


def test_ledger_amounts_are_numbers():
    m = member()
    vid = give(m, face="100")
    oid = order(m, amount="30")
    assert post(m, "/user/orders/%d/confirm" % oid, voucher=str(vid)).status == 303
    # the member's order names the voucher it used
    assert 'data-field="voucher" data-value="%d"' % vid in m.get("/user/orders/%d" % oid).text
    assert post(m, "/user/orders/%d/pay" % oid).status == 303
    rows = rows_of(m.get("/user/vouchers/%d/ledger.csv" % vid))
    head = rows[0]
    assert head[0] == "时间(Asia/Shanghai)", head
    ins = [r[head.index("增加(元)")] for r in rows[1:]]
    outs = [r[head.index("减少(元)")] for r in rows[1:]]
    # what came in and what went out sum in a spreadsheet: plain numbers
    assert "100.00" in ins and "30.00" in outs, rows
    assert all(re.fullmatch(r"(\d+\.\d\d)?", c) for c in ins + outs), rows


def test_orders_and_audit_filter_by_day_in_time_order():
    """Issue 31: the orders list and the audit log take a range of days
    (from, to), read newest first by the time (ids of two Galera nodes
    are not in time order), with the presets, a page by cursor after a row
    in that order, and the CSV of the same range."""
    a, m = admin(), member()
    # two days no other run has used (display_tz is UTC+8: noon there)
    d1 = datetime.date(2001, 1, 1) + datetime.timedelta(days=random.randrange(6000))
    d2 = d1 + datetime.timedelta(days=1)
    at = lambda d, h: "%s %02d:00:00" % (d, h)  # noqa: E731
    o1, o2, o3 = (order(m, amount=str(v)) for v in (10, 20, 30))
    # o1, the oldest id, is the newest by time; o3 ties it to the second
    sql("UPDATE orders SET created_at = CASE id WHEN %d THEN '%s' ELSE '%s' END"
        " WHERE id IN (%d, %d, %d)" % (o2, at(d1, 4), at(d2, 4), o1, o2, o3))
    ids = lambda r: [int(i) for i in re.findall(r'<tr data-id="(\d+)">', r.text)]  # noqa: E731
    days = "from=%s&to=%s" % (d1, d2)
    page = a.get("/admin/orders?" + days)
    assert page.status == 200 and ids(page) == [o3, o1, o2], page.text
    assert 'class="presets"' in page.text and 'value="%s"' % d1 in page.text
    assert ids(a.get("/admin/orders?from=%s&to=%s" % (d2, d2))) == [o3, o1]
    assert ids(a.get("/admin/orders?uin=%d&from=%s" % (m.uin, d2)))[-2:] == [o3, o1]
    assert ids(a.get("/admin/orders?uin=%d&to=%s" % (m.uin, d1))) == [o2]
    # by cursor: after a row in (time, id) order, ties by id
    deep = "/admin/orders?%s&page=501&after=%%d" % days
    assert ids(a.get(deep % o3)) == [o1, o2]
    assert ids(a.get(deep % o1)) == [o2]
    assert ids(a.get(deep % o2)) == []
    lines = rows_of(a.get("/admin/orders.csv?" + days))
    assert [int(row[0]) for row in lines[1:]] == [o3, o1, o2], lines
    assert a.get("/admin/orders?from=2025-02-30").status == 422
    # the audit log the same way
    sql("INSERT INTO audit_log (actor_kind, actor_login, action, target, created_at)"
        " VALUES ('admin', 'old', 'voucher.invalidate', 'x', '%s'),"
        " ('admin', 'old', 'voucher.invalidate', 'x', '%s'),"
        " ('admin', 'old', 'pickup.batch.disable', 'x', '%s')" % (at(d1, 5), at(d2, 5), at(d1, 6)))
    old = [int(x[0]) for x in sql("SELECT id FROM audit_log WHERE created_at BETWEEN '%s'"
                                  " AND '%s' ORDER BY created_at DESC, id DESC"
                                  % (at(d1, 0), at(d2, 23)))]
    assert len(old) == 3 and ids(a.get("/admin/audit?" + days)) == old, old
    assert ids(a.get("/admin/audit?action=voucher.invalidate&" + days)) == [old[0], old[2]], old
    assert ids(a.get("/admin/audit?page=501&after=%d&%s" % (old[0], days))) == old[1:]


def test_audit_log_page_filters_and_pages():
    a = admin()
    bid = create_batch(count="1")
    a.post("/admin/pickup/batches/%d/disable" % bid, {"csrf": a.csrf_of("/admin")})
    r = a.get("/admin/audit?target=batch:%d" % bid)
    assert r.status == 200 and r.page() == "admin.audit", r
    actions = re.findall(r'data-field="action" data-value="([a-z_.]+)">([^<]+)<', r.text)
    assert ("pickup.batch.disable", "禁用提货卡批次") in actions, actions
    assert ("pickup.batch.create", "生成提货卡批次") in actions
    only = a.get("/admin/audit?target=batch:%d&action=pickup.batch.disable" % bid)
    assert re.findall(r'data-field="action" data-value="([a-z_.]+)"', only.text) == \
        ["pickup.batch.disable"]
    assert '<option value="pickup.batch.disable" selected="selected">' in only.text
    # dates: nothing before the first day there is
    none = a.get("/admin/audit?target=batch:%d&to=2020-01-01" % bid)
    assert "没有记录" in none.text
    assert a.get("/admin/audit?action=drop.tables").status == 422
    assert a.get("/admin/audit?page=2").status == 200
    assert viewer().get("/admin/audit").status == 200
    assert member().get("/admin/audit").status in (303, 403)


def test_issues_of_a_template_and_who_redeemed():
    a = admin()
    tid = create_template(name="发放记录券")
    iid = issue(tid, mode="codes", count="3")
    code = codes_of(iid)[0]
    m = member()
    assert post(m, "/user/redeem/confirm", code=code).status == 303
    t = a.get("/admin/vouchers/templates/%d" % tid)
    assert 'href="/admin/vouchers/issues?template=%d"' % tid in t.text
    # no machine values as words on the template page
    # (">409<", not "409": the CSRF token's hex and the ids may hold it)
    for raw in (">single_use<", ">prepaid<", ">all<", ">409<"):
        assert raw not in t.text, raw
    lst = a.get("/admin/vouchers/issues?template=%d" % tid)
    assert lst.page() == "admin.voucher.issues"
    assert re.findall(r'<tr data-id="(\d+)"', lst.text) == [str(iid)]
    assert 'data-field="redeemed" data-value="1"' in lst.text
    page = a.get("/admin/vouchers/issues/%d" % iid)
    assert 'data-field="uin" data-value="%d"' % m.uin in page.text
    # codes are bearer secrets: the backend shows their last four only
    # (full codes through the audited codes.txt)
    others = codes_of(iid)[1:]
    shown = re.findall(r'data-field="code" class="mono">([^<]*)<', page.text)
    assert len(shown) == 3 and all(re.fullmatch(r"\*{6} \*{6} \*\*\d{4}", c)
                                   for c in shown), shown
    assert not any(c in page.text or c[:6] + " " + c[6:12] in page.text for c in others)
    vid = int(sql("SELECT id FROM vouchers WHERE " + code_is(others[0]))[0][0])
    assert others[0] not in a.get("/admin/vouchers/%d" % vid).text
    assert 'data-field="redeemed_at" data-value="20' in page.text
    # the vouchers list filtered to the issue, with selects for its filters
    vs = a.get("/admin/vouchers?issue=%d&status=all" % iid)
    assert len(re.findall(r'<tr data-id=', vs.text)) == 3
    assert '<select name="status">' in vs.text and '<select name="template">' in vs.text
    assert '<option value="%d">' % tid in vs.text or \
        '<option value="%d" ' % tid in vs.text
    one = a.get("/admin/vouchers?template=%d&status=available" % tid)
    assert len(re.findall(r'<tr data-id=', one.text)) == 1
    # a targeted issue where some UINs had no account warns
    r = a.post("/admin/vouchers/templates/%d/issue" % tid,
               {"csrf": a.csrf_of("/admin"), "mode": "targeted",
                "uins": "%d 999999999998" % m.uin})
    assert r.status == 303
    warned = a.get(r.header("Location"))
    assert warned.flash() == ("ok", "issued_partly"), warned
    r = a.post("/admin/vouchers/templates/%d/issue" % tid,
               {"csrf": a.csrf_of("/admin"), "mode": "targeted", "uins": str(m.uin)})
    assert a.get(r.header("Location")).flash() == ("ok", "issued")
    # an account's vouchers of one issue: both filters hold
    both = a.get("/admin/vouchers?uin=%d&issue=%d&status=all" % (m.uin, iid))
    assert len(re.findall(r'<tr data-id=', both.text)) == 1, both.text[-800:]
    assert 'data-field="uin" data-value="%d"' % m.uin in both.text


def test_home_pages_open_with_counts():
    m = member()
    give(m, face="100")
    give(m, face="50.5", valid_days="10")
    home = m.get("/user")
    assert 'data-field="vouchers" data-value="2"' in home.text, home.text
    assert 'data-field="balance" data-value="15050"' in home.text
    assert 'data-field="expiring" data-value="2"' in home.text
    order(m)
    assert 'data-field="orders_open" data-value="1"' in m.get("/user").text
    a = admin()
    soon = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    bid = create_batch(count="4", valid_months="", valid_to=soon, validity="dates")
    home = a.get("/admin")
    unused = int(re.search(r'data-field="cards_unused" data-value="(\d+)"', home.text).group(1))
    ending = int(re.search(r'data-field="batches_ending" data-value="(\d+)"', home.text).group(1))
    assert unused >= 4 and ending >= 1
    a.post("/admin/pickup/batches/%d/disable" % bid, {"csrf": a.csrf_of("/admin")})
    home = a.get("/admin")
    assert int(re.search(r'data-field="cards_unused" data-value="(\d+)"',
                         home.text).group(1)) == unused - 4
    assert re.search(r'data-field="reviews" data-value="\d+"', home.text)
    assert re.search(r'data-field="refunds" data-value="\d+"', home.text)


def test_audit_rows_name_and_link_their_objects():
    """Issue 31: the audit log says 提货卡批次 #12 and links to the batch,
    an issue's detail in words; its action list names each action once."""
    a = admin()
    bid = create_batch(count="1")
    tid = create_template(name="审计券")
    m = member()
    issue(tid, mode="targeted", uins=str(m.uin))
    page = a.get("/admin/audit?target=batch:%d" % bid)
    assert ('data-field="target" data-value="batch:%d"><a href="/admin/pickup/batches/%d">'
            '提货卡批次 #%d</a>' % (bid, bid, bid)) in page.text, page.text
    page = a.get("/admin/audit?action=voucher.issue&target=template:%d" % tid)
    assert '<a href="/admin/vouchers/templates/%d">代金券模板 #%d</a>' % (tid, tid) in page.text
    detail = re.search(r'data-field="detail">([^<]*)<', page.text).group(1)
    assert re.match(r"发放 #\d+ 指定对象发放 1 张代金券$", detail), detail
    texts = re.findall(r'<option value="[a-z_.]+"[^>]*>([^<]*)</option>', page.text)
    assert texts and len(texts) == len(set(texts)), texts
    # the CSV says the same words
    csv_text = a.get("/admin/audit.csv?target=batch:%d" % bid).text
    assert "提货卡批次 #%d" % bid in csv_text, csv_text
    # a count says what it counts, in English with its plural
    page = a.get("/admin/audit?action=pickup.batch.create&target=batch:%d" % bid)
    assert re.search(r'data-field="detail">1 张提货卡<', page.text), page.text
    a.cookies["kq_lang"] = "en"
    page = a.get("/admin/audit?action=voucher.issue&target=template:%d" % tid)
    detail = re.search(r'data-field="detail">([^<]*)<', page.text).group(1)
    assert re.match(r"Issue #\d+ Issued to UINs 1 voucher$", detail), detail
    page = a.get("/admin/audit?action=pickup.batch.create&target=batch:%d" % bid)
    assert re.search(r'data-field="detail">1 pickup card<', page.text), page.text
    del a.cookies["kq_lang"]     # admin() is shared by the tests after


def test_search_by_a_codes_last_four_lists_who_redeemed_it():
    """Issue 31: four digits list the vouchers whose code ends in them,
    each with its holder and when it was redeemed."""
    a, m = admin(), member()
    # a scope that names products: its words need the products' names
    tid = create_template(name="末四位券", scope="exclude", products="domain")
    cs = codes_of(issue(tid, mode="codes", count="3"))
    assert post(m, "/user/redeem/confirm", code=cs[0]).status == 303
    r = a.post("/admin/search", {"csrf": a.csrf_of("/admin"), "q": cs[0][-4:]})
    assert r.status == 200 and r.page() == "admin.search", r
    rows = re.findall(r'<tr data-id="(\d+)">(.*?)</tr>', r.text, re.S)
    mine = [body for _, body in rows if 'data-field="uin" data-value="%d"' % m.uin in body]
    assert len(mine) == 1 and 'data-field="redeemed_at" data-value="20' in mine[0], r.text
    assert "末四位券" in mine[0] and "没有找到" not in r.text, r.text


def test_date_presets_set_from_and_to_and_keep_the_filters():
    """Issue 31: today, 7 days, this month, last month on usage, the audit
    log and the partner's charges: links that set from and to, keep the
    other filters, and show which one is on."""
    a = admin()
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    page = a.get("/admin/pickup/usage?uin=12345&page=3")
    links = re.findall(r'<nav class="presets"[^>]*>(.*?)</nav>', page.text, re.S)[0]
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', links)]
    assert len(hrefs) == 4, links
    assert hrefs[0] == "/admin/pickup/usage?uin=12345&from=%s&to=%s" % (today, today), hrefs
    first = today.replace(day=1)
    assert hrefs[2].endswith("from=%s&to=%s" % (first, today)), hrefs
    last_end = first - datetime.timedelta(days=1)
    assert hrefs[3].endswith("from=%s&to=%s" % (last_end.replace(day=1), last_end)), hrefs
    on = a.get(hrefs[1])
    assert on.status == 200 and re.search(r'href="[^"]*"[^>]*aria-current="true">近 7 天<', on.text), on.text
    assert 'class="presets"' in a.get("/admin/audit").text


def test_orders_show_how_they_were_paid_and_export():
    """Issue 31: the orders list has the discount, voucher and card columns
    and its CSV, with the list's filters."""
    a, m = admin(), member()
    vid = give(m, name="付款券", face="30")
    oid = order(m, amount="100")
    assert post(m, "/user/orders/%d/confirm" % oid, voucher=str(vid)).status == 303
    # the member's order names the voucher it used
    assert 'data-field="voucher" data-value="%d"' % vid in m.get("/user/orders/%d" % oid).text
    page = a.get("/admin/orders?uin=%d" % m.uin)
    row = re.search(r'<tr data-id="%d">(.*?)</tr>' % oid, page.text, re.S).group(1)
    assert 'data-field="voucher_amount" data-value="3000"' in row, row
    assert 'data-field="discount" data-value="0"' in row and 'data-field="card_amount" data-value="0"' in row
    assert 'href="/admin/orders.csv?uin=%d"' % m.uin in page.text
    r = a.get("/admin/orders.csv?uin=%d" % m.uin)
    assert r.status == 200 and r.header("Content-Type").startswith("text/csv"), r
    lines = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert lines[0][0] == "订单" and len(lines) == 2, lines
    assert lines[1][0] == str(oid) and lines[1][5] == "30.00" and lines[1][7] == "70.00", lines


def test_filters_pick_batches_and_templates():
    """Issue 31: the usage list's batch and the reports' template are picked
    from the newest ones (a datalist), any id may still be typed."""
    a = admin()
    bid = create_batch(count="1", name="选择批次")
    tid = create_template(name="选择模板")
    usage = a.get("/admin/pickup/usage")
    picks = re.search(r'<datalist id="batch-choices">(.*?)</datalist>', usage.text, re.S).group(1)
    assert re.search(r'<option value="%d">#%d 选择批次' % (bid, bid), picks), picks
    for path in ("/admin/reports/cost", "/admin/reports/liability"):
        page = a.get(path)
        picks = re.search(r'<datalist id="template-choices">(.*?)</datalist>', page.text, re.S)
        assert picks and '<option value="%d">选择模板</option>' % tid in picks.group(1), path
        assert 'list="template-choices"' in page.text
