"""test_vouchers.py - vouchers end to end (issue 4, SPEC §3 and §5)."""
import random
import re
import threading

from fixtures import (TEMPLATE, admin, books_check, candidates, codes_of,
                      create_template, field, give, issue, member, order, post,
                      refund, run_shoppers, unknown_code)
from kq import Client, code_is, ctl, new_admin, sql


def test_template_form_errors_and_lock():
    a = admin()
    tok = a.csrf_of("/admin/vouchers/templates/new")
    for over, bad in (({"face": "0"}, "face"), ({"face": "1.234"}, "face"),
                      ({"valid_days": ""}, "valid_to"),
                      ({"scope": "include"}, "products"),
                      ({"scope": "include", "products": "nosuch"}, "products"),
                      ({"balance_mode": "forever"}, "balance_mode")):
        form = dict(TEMPLATE, csrf=tok, name="保留<名>", **over)
        r = a.post("/admin/vouchers/templates", form)
        assert r.status == 422 and r.flash() == ("error", "invalid_field"), (over, r)
        assert 'data-field="%s"' % bad in r.text, (over, r.text[:400])
        assert 'value="保留&lt;名&gt;"' in r.text
    tid = create_template(name="可编辑")
    r = a.post("/admin/vouchers/templates/%d" % tid, dict(TEMPLATE, csrf=tok, name="改名", face="200"))
    assert r.status == 303
    page = a.get("/admin/vouchers/templates/%d" % tid)
    assert 'data-field="face" data-value="20000"' in page.text
    issue(tid, mode="codes", count="1")
    r = a.post("/admin/vouchers/templates/%d" % tid, dict(TEMPLATE, csrf=tok))
    assert r.status == 409 and r.flash() == ("error", "template_locked"), r
    vlogin, vpw = new_admin("viewer")
    v = Client()
    assert v.login(vlogin, vpw, admin=True).status == 303
    assert v.get("/admin/vouchers/templates").status == 200
    assert v.get("/admin/vouchers/templates/new").status == 403
    assert v.post("/admin/vouchers/templates/%d/issue" % tid,
                  {"csrf": v.csrf_of("/admin"), "mode": "codes", "count": "1"}).status == 403


def test_targeted_issue_reports_unknown_uins():
    m = member()
    tid = create_template()
    iid = issue(tid, mode="targeted", uins="%d\n999999999999, %d" % (m.uin, m.uin))
    page = admin().get("/admin/vouchers/issues/%d" % iid)
    assert page.page() == "admin.voucher.issue"
    results = re.findall(r'data-field="uin" data-value="(\d+)".*?data-field="result" data-value="(\w+)"',
                         page.text, re.S)
    assert results == [(str(m.uin), "issued"), ("999999999999", "unknown_uin")], results
    mine = m.get("/user/vouchers")
    assert len(re.findall(r'<tr data-id=', mine.text)) == 1
    assert 'data-field="face" data-value="10000"' in mine.text
    r = admin().post("/admin/vouchers/templates/%d/issue" % tid,
                     {"csrf": admin().csrf_of("/admin"), "mode": "targeted", "uins": "abc"})
    assert r.status == 422 and 'data-field="uins"' in r.text
    # a template whose fixed validity has ended issues nothing
    old = create_template(valid_days=None, valid_from="2026-01-01", valid_to="2099-01-01")
    sql("UPDATE voucher_templates SET valid_to = UTC_TIMESTAMP() - INTERVAL 1 DAY"
        " WHERE id = %d" % old)
    r = admin().post("/admin/vouchers/templates/%d/issue" % old,
                     {"csrf": admin().csrf_of("/admin"), "mode": "targeted", "uins": str(m.uin)})
    assert r.status == 422 and 'data-field="valid_to"' in r.text, r


def test_code_issue_download_and_redeem():
    tid = create_template(name="纸质券", valid_days="10")
    iid = issue(tid, mode="codes", count="4", paper="1")
    cs = codes_of(iid)
    assert len(cs) == 4 and all(re.fullmatch(r"\d{18}", c) for c in cs)
    raw = admin().get("/admin/vouchers/issues/%d/codes.txt" % iid).text.splitlines()[0]
    assert re.fullmatch(r"\d{6} \d{6} \d{6}", raw), raw
    assert int(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'voucher.codes.download'"
                   " AND target = 'issue:%d'" % iid)[0][0]) == 2
    m = member()
    v = post(m, "/user/redeem", code=cs[0][:6] + "-" + cs[0][6:12] + " " + cs[0][12:])
    assert v.status == 200 and v.page() == "user.redeem.verify", v
    assert field(v, "face") == "10000" and field(v, "scope") == "all"
    r = post(m, "/user/redeem/confirm", code=cs[0])
    assert r.status == 303 and re.fullmatch(r"/user/vouchers/\d+", r.header("Location"))
    page = m.get(r.header("Location"))
    assert field(page, "status") == "available"
    assert re.findall(r'data-field="kind" data-value="(\w+)"', page.text) == ["issue", "activate"]
    r = post(member(), "/user/redeem/confirm", code=cs[0])
    assert r.status == 409 and r.flash() == ("error", "code_used"), r


def test_redeem_errors():
    tid = create_template()
    cs = codes_of(issue(tid, mode="codes", count="3"))
    m = member()
    typo = cs[0][:-1] + str((int(cs[0][-1]) + 1) % 10)
    r = post(m, "/user/redeem", code=typo)
    assert r.status == 422 and r.flash() == ("error", "code_format"), r
    assert 'value="%s"' % typo in r.text
    r = post(m, "/user/redeem", code="12345")
    assert r.status == 422 and r.flash() == ("error", "code_format")
    sql("UPDATE vouchers SET valid_to = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE "
        + code_is(cs[1]))
    r = post(m, "/user/redeem", code=cs[1])
    assert r.status == 409 and r.flash() == ("error", "code_expired"), r
    vid = sql("SELECT id FROM vouchers WHERE " + code_is(cs[2]))[0][0]
    a = admin()
    assert a.post("/admin/vouchers/%s/invalidate" % vid, {"csrf": a.csrf_of("/admin")}).status == 303
    r = post(m, "/user/redeem", code=cs[2])
    assert r.status == 409 and r.flash() == ("error", "code_disabled"), r
    for _ in range(5):
        r = post(m, "/user/redeem", code=unknown_code())
        assert r.status == 422 and r.flash() == ("error", "code_unknown"), r
    r = post(m, "/user/redeem", code=cs[0])
    assert r.status == 429 and r.flash() == ("error", "rate_limited"), r
    sql("DELETE FROM failed_attempts WHERE uin = %d" % m.uin)


def test_my_vouchers_tabs_expiry_and_pages():
    m = member()
    tid = create_template(name="批量")
    issue(tid, mode="targeted", uins=str(m.uin))
    for _ in range(24):
        issue(tid, mode="targeted", uins=str(m.uin))
    r = m.get("/user/vouchers")
    assert r.page() == "user.vouchers"
    assert re.search(r'data-pager="" data-page="1" data-pages="2" data-total="25"', r.text), r.text[-600:]
    one = int(sql("SELECT MIN(id) FROM vouchers WHERE uin = %d" % m.uin)[0][0])
    sql("UPDATE vouchers SET valid_to = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE id = %d" % one)
    # expired at once, before any sweep
    exp = m.get("/user/vouchers?status=expired")
    assert re.findall(r'<tr data-id="(\d+)"', exp.text) == [str(one)]
    assert 'data-id="%d"' % one not in m.get("/user/vouchers?status=available&page=2").text
    assert len(re.findall(r'<tr data-id=', m.get("/user/vouchers?status=all&page=2").text)) == 5
    # past the end: the last page, with the list's length
    r = m.get("/user/vouchers?status=all&page=7")
    assert re.search(r'data-page="2" data-pages="2" data-total="25"', r.text), r.text[-600:]
    assert len(re.findall(r'<tr data-id=', r.text)) == 5
    r = m.get("/user/vouchers?status=frozen&page=3")
    assert re.search(r'data-page="1" data-pages="1" data-total="0"', r.text), r.text[-600:]
    assert m.get("/user/vouchers?status=bogus").status == 422
    r = m.get("/user/vouchers?status=all&expires=2000-01-01")
    assert '<tr data-id=' not in r.text
    # the sweep writes it down, with a ledger row
    ctl("sweep")
    assert sql("SELECT status FROM vouchers WHERE id = %d" % one)[0][0] == "expired"
    assert ["expire"] == [k for (k,) in sql("SELECT kind FROM voucher_ledger WHERE voucher_id = %d"
                                             " AND kind = 'expire'" % one)]
    # someone else's voucher is not found
    assert member().get("/user/vouchers/%d" % one).status == 404


def test_matching_rules_and_recommendation():
    m = member()
    general = give(m, name="通用", face="100")
    domain_only = give(m, name="域名", face="50", scope="include", products="domain",
                       scenarios=None)
    no_cvm = give(m, name="除云服务器", face="80", scope="exclude", products="cvm")
    big_min = give(m, name="满1000", face="500", min_amount="1000")
    long_only = give(m, name="满12个月", face="300", min_months="12")
    postpaid = give(m, name="后付费", face="90", billing="postpaid")
    renew_only = give(m, name="续费", face="70", scenarios="renew")
    ids, page = candidates(m, order(m, "cvm", "150"))
    assert ids[0] == general and set(ids) == {general}, ids
    assert re.search(r'data-id="%d" data-recommended="recommended"' % general, page.text)
    # domain is not general: only a voucher that names it
    ids, _ = candidates(m, order(m, "domain", "60", scenario="register"))
    assert ids == [domain_only], ids
    ids, _ = candidates(m, order(m, "redis", "150"))
    assert ids[:2] == [general, no_cvm] and long_only not in ids, ids
    ids, _ = candidates(m, order(m, "redis", "1500", months="12"))
    assert ids[0] == big_min and long_only in ids, ids
    # no duration on a CDN pack: a minimum-duration voucher never fits
    ids, _ = candidates(m, order(m, "cdn_pack", "1500", months="12"))
    assert long_only not in ids and big_min in ids, ids
    ids, _ = candidates(m, order(m, "cvm", "150", scenario="bandwidth_upgrade"))
    assert ids == [], ids
    ids, _ = candidates(m, order(m, "cvm", "150", scenario="renew"))
    assert renew_only in ids and postpaid not in ids, ids
    # a tie goes to the voucher that expires first
    a1 = give(m, name="早到期", face="100", valid_days="5")
    ids, _ = candidates(m, order(m, "cvm", "150"))
    assert ids[:2] == [a1, general], ids


def test_single_use_forfeits_and_carry_over_keeps_the_rest():
    m = member()
    single = give(m, name="单次", face="100")
    oid = order(m, "cvm", "60")
    assert post(m, "/user/orders/%d/confirm" % oid, voucher=str(single)).status == 303
    o = m.get("/user/orders/%d" % oid)
    assert field(o, "status") == "confirmed" and field(o, "voucher_amount") == "6000"
    assert field(o, "cash") == "0" and field(o, "invoiceable") == "0"
    v = m.get("/user/vouchers/%d" % single)
    assert field(v, "status") == "frozen"
    assert post(m, "/user/orders/%d/pay" % oid).status == 303
    v = m.get("/user/vouchers/%d" % single)
    assert field(v, "status") == "used" and field(v, "balance") == "0"
    kinds = re.findall(r'data-field="kind" data-value="(\w+)"', v.text)
    assert kinds == ["issue", "freeze", "deduct", "forfeit"], kinds
    amounts = re.findall(r'data-field="amount" data-value="(-?\d+)"', v.text)
    assert amounts == ["10000", "0", "-6000", "-4000"], amounts

    carry = give(m, name="结转", face="100", balance_mode="carry_over")
    oid = order(m, "cvm", "60")
    assert post(m, "/user/orders/%d/confirm" % oid, voucher=str(carry)).status == 303
    assert post(m, "/user/orders/%d/pay" % oid).status == 303
    v = m.get("/user/vouchers/%d" % carry)
    assert field(v, "status") == "available" and field(v, "balance") == "4000"
    oid = order(m, "cvm", "150")
    ids, _ = candidates(m, oid)
    assert carry in ids
    assert post(m, "/user/orders/%d/confirm" % oid, voucher=str(carry)).status == 303
    o = m.get("/user/orders/%d" % oid)
    assert field(o, "voucher_amount") == "4000" and field(o, "cash") == "11000"
    assert field(o, "invoiceable") == "11000"
    assert post(m, "/user/orders/%d/pay" % oid).status == 303
    assert field(m.get("/user/vouchers/%d" % carry), "status") == "used"
    # a refund returns cash only; the voucher stays spent
    refund(m, oid)
    o = m.get("/user/orders/%d" % oid)
    assert field(o, "status") == "refunded" and field(o, "voucher_amount") == "4000"
    assert field(o, "invoiceable") == "0"
    v = m.get("/user/vouchers/%d" % carry)
    assert field(v, "status") == "used" and field(v, "balance") == "0"
    assert post(m, "/user/orders/%d/refund" % oid, reason="again").status == 409


def test_refund_is_requested_then_decided_by_finance():
    m = member()
    oid = order(m, "cvm", "80")
    # nothing to refund before payment
    assert post(m, "/user/orders/%d/refund" % oid, reason="x").status == 409
    assert post(m, "/user/orders/%d/confirm" % oid, voucher="").status == 303
    assert post(m, "/user/orders/%d/pay" % oid).status == 303
    # the request page asks for a reason; without one: 422 at the field
    page = m.get("/user/orders/%d/refund" % oid)
    assert page.status == 200 and page.page() == "confirm", page
    assert 'name="reason"' in page.text and "required" in page.text
    r = post(m, "/user/orders/%d/refund" % oid, reason="")
    assert r.status == 422 and r.page() == "confirm", r
    assert re.search(r'<textarea[^>]*name="reason"[^>]*aria-invalid="true"', r.text), r.text
    assert post(m, "/user/orders/%d/refund" % oid, reason="买错了").status == 303
    o = m.get("/user/orders/%d" % oid)
    assert field(o, "status") == "paid" and field(o, "refund") == "requested"
    assert post(m, "/user/orders/%d/refund" % oid, reason="again").status == 409
    # a member cannot decide
    assert m.post("/admin/orders/%d/refund" % oid,
                  {"csrf": m.csrf_of("/user")}).status in (303, 403)
    assert field(m.get("/user/orders/%d" % oid), "status") == "paid"
    # finance sees the request in its list; a viewer cannot decide
    a = admin()
    lst = a.get("/admin/orders?refund=requested&uin=%d" % m.uin)
    assert lst.page() == "admin.orders" and 'data-id="%d"' % oid in lst.text, lst
    v = Client()
    v.login(*new_admin(role="viewer"), admin=True)
    assert v.post("/admin/orders/%d/refund" % oid, {"csrf": v.csrf_of("/admin")}).status == 403
    # a rejection needs a reason, which the member sees; they may ask again
    tok = a.csrf_of("/admin")
    assert a.post("/admin/orders/%d/refund-reject" % oid, {"csrf": tok}).status == 422
    assert a.post("/admin/orders/%d/refund-reject" % oid,
                  {"csrf": tok, "reason": "已开通使用"}).status == 303
    o = m.get("/user/orders/%d" % oid)
    assert field(o, "refund") == "rejected" and "已开通使用" in o.text
    assert a.post("/admin/orders/%d/refund-reject" % oid,
                  {"csrf": tok, "reason": "again"}).status == 409
    refund(m, oid)
    o = m.get("/user/orders/%d" % oid)
    assert field(o, "status") == "refunded" and field(o, "refund") == "approved"
    assert field(o, "invoiceable") == "0" and field(o, "cash") == "8000"
    assert a.post("/admin/orders/%d/refund" % oid, {"csrf": tok}).status == 409
    assert sql("SELECT COUNT(*) FROM audit_log WHERE target = 'order:%d'"
               " AND action IN ('order.refund', 'order.refund.reject')" % oid) == [["2"]]


def test_cancel_and_payment_window_release_the_voucher():
    m = member()
    vid = give(m, name="可退回")
    oid = order(m)
    assert post(m, "/user/orders/%d/confirm" % oid, voucher=str(vid)).status == 303
    assert post(m, "/user/orders/%d/cancel" % oid).status == 303
    assert field(m.get("/user/vouchers/%d" % vid), "status") == "available"
    oid = order(m)
    assert post(m, "/user/orders/%d/confirm" % oid, voucher=str(vid)).status == 303
    # a second confirm of the same order is refused
    assert post(m, "/user/orders/%d/confirm" % oid).status == 409
    sql("UPDATE orders SET pay_by = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE id = %d" % oid)
    # before any sweep: the order shows cancelled and the voucher is back
    assert field(m.get("/user/orders/%d" % oid), "status") == "cancelled"
    assert field(m.get("/user/vouchers/%d" % vid), "status") == "available"
    r = post(m, "/user/orders/%d/pay" % oid)
    assert r.status == 409 and r.flash() == ("error", "order_state"), r
    kinds = [k for (k,) in sql("SELECT kind FROM voucher_ledger WHERE voucher_id = %d ORDER BY id" % vid)]
    assert kinds == ["issue", "freeze", "release", "freeze", "release"], kinds
    # a voucher that does not fit, or someone else's, is refused
    other = member()
    foreign = give(other, name="别人的")
    oid = order(m)
    r = post(m, "/user/orders/%d/confirm" % oid, voucher=str(foreign))
    assert r.status == 409 and r.flash() == ("error", "voucher_not_applicable"), r
    assert member().get("/user/orders/%d" % oid).status == 404


def test_ledger_csv_neutralises_formulas():
    m = member()
    vid = give(m, name="=cmd|' /C calc'!A0")
    oid = order(m, "cvm", "30")
    post(m, "/user/orders/%d/confirm" % oid, voucher=str(vid))
    post(m, "/user/orders/%d/pay" % oid)
    r = m.get("/user/vouchers/%d/ledger.csv" % vid)
    assert r.status == 200 and r.header("Content-Type").startswith("text/csv")
    assert "attachment" in r.header("Content-Disposition")
    cells = re.findall(r'"((?:[^"]|"")*)"', r.text)
    assert "30.00" in cells and "'-30.00" not in cells, cells
    assert not any(c[:1] in ("=", "+", "-", "@", "\t") for c in cells), cells
    assert member().get("/user/vouchers/%d/ledger.csv" % vid).status == 404


def test_twenty_racing_confirms_freeze_one_voucher_once():
    m = member()
    vid = give(m, name="抢")
    orders = [order(m) for _ in range(20)]
    tok = m.csrf_of("/user")
    results = []
    barrier = threading.Barrier(20)

    def go(oid):
        c = Client()
        c.cookies = dict(m.cookies)
        barrier.wait()
        results.append(c.post("/user/orders/%d/confirm" % oid, {"csrf": tok, "voucher": str(vid)}).status)

    threads = [threading.Thread(target=go, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [303] + [409] * 19, sorted(results)
    assert sql("SELECT COUNT(*) FROM orders WHERE voucher_id = %d" % vid)[0][0] == "1"


def test_thirty_racing_redemptions_from_two_accounts():
    code = codes_of(issue(create_template(), mode="codes", count="1"))[0]
    ms = [member(), member()]
    toks = [c.csrf_of("/user") for c in ms]
    results = []
    barrier = threading.Barrier(30)

    def go(i):
        c = Client()
        c.cookies = dict(ms[i % 2].cookies)
        barrier.wait()
        r = c.post("/user/redeem/confirm", {"csrf": toks[i % 2], "code": code})
        results.append((r.status, r.flash()))

    threads = [threading.Thread(target=go, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(s for s, _ in results)
    assert statuses == [303] + [409] * 29, statuses
    assert all(f == ("error", "code_used") for s, f in results if s == 409)
    assert sql("SELECT COUNT(*) FROM voucher_ledger l JOIN vouchers v ON v.id = l.voucher_id"
               " WHERE " + code_is(code, "v") + " AND l.kind = 'activate'")[0][0] == "1"


def test_randomized_concurrent_workload_keeps_the_books():
    ms = [member() for _ in range(4)]
    for m in ms:
        give(m, name="结转", face="300", balance_mode="carry_over")
        give(m, name="单次", face="120")
    # SPEC §10: coupons to claim (two an account, fewer than the racers
    # want) and a promo code of a small limit, so that both run out
    from test_campaigns import campaign, promo_code
    campaign(name="压测券", amount_off="15", per_account="2", total_limit="6")
    campaign(name="压测折扣券", discount="percent", percent_off="20", cap="30")
    code = promo_code()
    campaign(name="压测码", kind="promo_code", code=code, amount_off="8", total_limit="7",
             per_account="3")
    rng = random.Random(4)
    errors = run_shoppers([(m, rng.random()) for m in ms for _ in range(2)],
                          ["cvm"], [20, 50, 99.5, 130, 400], 12, (303, 409), promo=code)
    assert not errors, errors
    assert sql("SELECT COUNT(*) FROM orders WHERE uin IN (%s) AND discount > 0"
               % ",".join(str(m.uin) for m in ms))[0][0] != "0"
    books_check(ms)




def test_an_issue_names_its_money_before_anything_is_made():
    """Issue 31: the template page's issue form goes to a confirmation that
    says count × face = total and names the template; nothing is made
    until its form posts to /issue; a refused issue keeps what was typed
    and marks its field; a locked template shows no edit form."""
    a, m = admin(), member()
    tid = create_template(name="确认券", face="25")
    page = a.get("/admin/vouchers/templates/%d" % tid)
    action = "/admin/vouchers/templates/%d/issue/preview" % tid
    assert 'action="%s"' % action in page.text and 'name="name"' in page.text
    before = int(sql("SELECT COUNT(*) FROM vouchers WHERE template_id = %d" % tid)[0][0])
    r = a.post(action, {"csrf": a.csrf_of("/admin"), "mode": "targeted",
                        "uins": "%d\n999999999999" % m.uin})
    assert r.status == 200 and r.page() == "admin.voucher.issue.confirm", r
    assert 'data-field="total" data-value="5000"' in r.text, r.text     # 2 × ¥25
    assert 'data-field="count" data-value="2"' in r.text
    assert 'data-field="unknown" data-value="1"' in r.text
    assert "确认券" in r.text
    assert int(sql("SELECT COUNT(*) FROM vouchers WHERE template_id = %d" % tid)[0][0]) == before
    # its form: the same fields, to /issue
    main = re.search(r'<form method="post" action="/admin/vouchers/templates/%d/issue">(.*?)</form>'
                     % tid, r.text, re.S).group(1)
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', main))
    assert form["mode"] == "targeted" and form["uins"] == "%d,999999999999" % m.uin, form
    # back to the form from the confirmation: as it was typed
    back = re.search(r'<form method="post" id="issue-edit"[^>]*>(.*?)</form>', r.text, re.S).group(1)
    again = a.post(action, re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', back))
    assert again.status == 200 and again.page() == "admin.voucher.template", again
    assert "%d,999999999999</textarea>" % m.uin in again.text, again.text
    done = a.post("/admin/vouchers/templates/%d/issue" % tid, form)
    assert done.status == 303, done
    assert int(sql("SELECT COUNT(*) FROM vouchers WHERE template_id = %d" % tid)[0][0]) == before + 1
    # codes: count × face
    r = a.post(action, {"csrf": a.csrf_of("/admin"), "mode": "codes", "count": "40"})
    assert 'data-field="total" data-value="100000"' in r.text, r.text
    # refused: 422 on the template page, the field marked, the typed kept
    r = a.post(action, {"csrf": a.csrf_of("/admin"), "mode": "targeted", "uins": "12, abc"})
    assert r.status == 422 and r.page() == "admin.voucher.template", r
    assert re.search(r'<textarea name="uins"[^>]*aria-invalid="true"', r.text), r.text
    assert "12, abc</textarea>" in r.text
    r = a.post(action, {"csrf": a.csrf_of("/admin"), "mode": "codes", "count": "0"})
    assert r.status == 422 and re.search(r'<input name="count"[^>]*aria-invalid="true"', r.text)
    assert re.search(r'value="codes" checked', r.text), r.text
    # issued once: locked, read-only
    page = a.get("/admin/vouchers/templates/%d" % tid)
    assert 'name="name"' not in page.text and "不能再修改" in page.text
