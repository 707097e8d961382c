"""test_partner.py - partner vouchers end to end (issue 8, SPEC §6)."""
import random
import re
import threading

from fixtures import (account, admin, admin_post, apply, approve, candidates,
                      give, location_id, order, post, ptemplate, refund,
                      run_shoppers, type2)
from kq import Client, ctl, ctl_fails, new_admin, sql


def type1(p, amount="1000", scope="exclude"):
    r = admin_post(admin(), "/admin/partner/vouchers", partner=str(p.uin),
                   amount=amount, scope=scope, billing="prepaid", valid_days="365")
    assert r.status == 303, (r, r.flash())
    return int(sql("SELECT MAX(id) FROM partner_vouchers WHERE partner_uin = %d"
                   " AND type = 'partner_1'" % p.uin)[0][0])


def pay(c, oid, voucher=""):
    r = post(c, "/user/orders/%d/confirm" % oid, voucher=str(voucher))
    assert r.status == 303, (r, r.flash())
    r = post(c, "/user/orders/%d/pay" % oid)
    assert r.status == 303, (r, r.flash())


def charge(oid):
    rows = sql("SELECT amount, IFNULL(voucher_id, 0), voucher_amount, cash, status"
               " FROM partner_charges WHERE order_id = %d" % oid)
    return tuple(int(x) if x.isdigit() else x for x in rows[0]) if rows else None


def test_accounts_access_and_home():
    code, err = ctl_fails("account", "add", "--uin", "999000111", "--name", "x",
                          "--reseller", "100")
    assert code != 0 and err.count("\n") <= 1 and "partner" in err, err
    m = account()
    code, err = ctl_fails("account", "add", "--uin", "999000112", "--name", "x",
                          "--reseller", str(m.uin))
    assert code != 0 and "not a partner" in err, err
    p = account(partner=True)
    a1, a2 = account(reseller=p.uin), account(reseller=p.uin)
    r = p.get("/partner")
    assert r.status == 200 and r.page() == "partner.home", r
    assert r.field("customers") is not None
    assert re.search(r'data-field="customers" data-value="2"', r.text), r.text
    assert 'href="/partner"' in p.get("/user").text
    assert 'href="/partner"' not in m.get("/user").text
    # ordinary members, customers and partner logins without finance: 403
    for c in (m, a1):
        assert c.get("/partner").status == 403
        assert c.get("/partner/vouchers").status == 403
        assert post(c, "/partner/settings", associated_first="0").status == 403
    dev = "p%d-dev" % p.uin
    ctl("user", "add", "--uin", str(p.uin), "--login", dev, password="secret-pass")
    d = Client()
    assert d.login(dev, "secret-pass").status == 303
    assert d.get("/partner").status == 403
    r = p.get("/partner/customers")
    assert r.page() == "partner.customers"
    assert sorted(int(x) for x in re.findall(r'<tr data-id="(\d+)"', r.text)) == \
        sorted([a1.uin, a2.uin])


def test_templates_application_and_review():
    p = account(partner=True)
    cust = account(reseller=p.uin)
    other = account()
    r = post(p, "/partner/templates", name="x", face="100", scope="all",
             billing="prepaid", valid_days="30")
    assert r.status == 422 and r.flash() == ("error", "invalid_field"), r
    tid = ptemplate(p, scope="include", products="cvm")
    # only a customer of this partner
    r = post(p, "/partner/templates/%d/apply" % tid, uin=str(other.uin), amount="12.5")
    assert r.status == 422 and 'data-field="uin"' in r.text, r
    # marked at its field with why, what was typed kept (issue 31)
    assert re.search(r'<input name="uin"[^>]*aria-invalid="true"', r.text), r.text
    assert "这个 UIN 不是您的客户。" in r.text and 'value="12.5"' in r.text
    # and the template's own form below keeps the template's values
    assert 'name="name" value="试用模板"' in r.text or 'value="试用模板"' in r.text, r.text
    r = post(p, "/partner/templates/%d/apply" % tid, uin="1")
    assert r.status == 422, r
    pv = apply(p, tid, cust.uin, amount="800")
    r = p.get("/partner/vouchers/%d" % pv)
    assert r.page() == "partner.voucher"
    assert 'data-field="approval" data-value="pending_review"' in r.text
    assert 'data-field="face" data-value="80000"' in r.text
    # used once: locked
    r = post(p, "/partner/templates/%d" % tid, name="y", face="1", scope="exclude",
             billing="prepaid", valid_days="30")
    assert r.status == 409 and r.flash() == ("error", "template_locked"), r
    # cancel while pending, then not again
    assert post(p, "/partner/vouchers/%d/cancel" % pv).status == 303
    r = post(p, "/partner/vouchers/%d/cancel" % pv)
    assert r.status == 409 and r.flash() == ("error", "review_state"), r
    assert approve(pv).status == 409
    # a viewer reads the queue but cannot decide
    vl, vp = new_admin("viewer")
    v = Client()
    assert v.login(vl, vp, admin=True).status == 303
    pv = apply(p, tid, cust.uin)
    r = v.get("/admin/partner/applications?approval=pending_review")
    assert r.status == 200 and r.page() == "admin.partner.applications"
    assert 'tr data-id="%d"' % pv in r.text
    assert admin_post(v, "/admin/partner/applications/%d/approve" % pv).status == 403
    assert admin_post(v, "/admin/partner/vouchers", partner=str(p.uin), amount="1",
                      scope="exclude", billing="prepaid", valid_days="1").status == 403
    # a reject needs a reason, which the partner reads
    r = admin_post(admin(), "/admin/partner/applications/%d/reject" % pv, reason="")
    assert r.status == 422, r
    r = admin_post(admin(), "/admin/partner/applications/%d/reject" % pv,
                   reason="试用客户资料不全")
    assert r.status == 303, r
    assert "试用客户资料不全" in p.get("/partner/vouchers/%d" % pv).text
    assert approve(pv).status == 409
    # approval: available from now, the trial voucher issued to the customer
    pv = apply(p, tid, cust.uin)
    assert approve(pv).status == 303
    row = sql("SELECT status, approval, TIMESTAMPDIFF(DAY, valid_from, valid_to),"
              " TIMESTAMPDIFF(SECOND, valid_from, UTC_TIMESTAMP()) < 60"
              " FROM partner_vouchers WHERE id = %d" % pv)[0]
    assert row == ["available", "approved", "90", "1"], row
    trial = sql("SELECT id, uin, face, purpose, status FROM vouchers"
                " WHERE partner_voucher_id = %d" % pv)
    assert len(trial) == 1 and trial[0][1:] == [str(cust.uin), "50000", "trial",
                                                "available"], trial
    # the partner's home says what came of its applications (issue 31)
    rejected = sql("SELECT id FROM partner_vouchers WHERE partner_uin = %d AND approval = 'rejected'"
                   % p.uin)[0][0]
    apply(p, tid, cust.uin)     # one waits
    home = p.get("/partner")
    assert '<tr data-id="%d">' % pv in home.text and '<tr data-id="%s">' % rejected in home.text, home.text
    assert 'data-field="approval" data-value="approved"' in home.text
    assert 'data-field="approval" data-value="rejected"' in home.text and "试用客户资料不全" in home.text
    assert "1 份申请正在等待平台审核。" in home.text
    # the customer sees the trial, never the partner voucher
    r = cust.get("/user/vouchers")
    assert 'tr data-id="%s"' % trial[0][0] in r.text
    assert cust.get("/partner/vouchers/%d" % pv).status == 403
    # the two are linked both ways
    assert 'href="/partner/customer-vouchers/%s"' % trial[0][0] in \
        p.get("/partner/vouchers?type=partner_2").text
    assert 'href="/partner/vouchers/%d"' % pv in \
        p.get("/partner/customer-vouchers/%s" % trial[0][0]).text
    assert sql("SELECT COUNT(*) FROM audit_log WHERE target = 'partner_voucher:%d'"
               " AND action = 'partner.voucher.approve'" % pv) == [["1"]]


def test_twelve_racing_approvals_issue_one_trial():
    p = account(partner=True)
    cust = account(reseller=p.uin)
    pv = apply(p, ptemplate(p), cust.uin)
    clients = []
    for _ in range(12):
        login, pw = new_admin()
        c = Client()
        assert c.login(login, pw, admin=True).status == 303
        clients.append((c, c.csrf_of("/admin")))
    results = []
    gate = threading.Barrier(12)

    def race(c, tok):
        gate.wait()
        results.append(c.post("/admin/partner/applications/%d/approve" % pv,
                              {"csrf": tok}).status)

    threads = [threading.Thread(target=race, args=ct) for ct in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [303] + [409] * 11, results
    assert sql("SELECT COUNT(*) FROM vouchers WHERE partner_voucher_id = %d" % pv) == [["1"]]


def test_isolation_between_partners():
    p, q = account(partner=True), account(partner=True)
    cust = account(reseller=p.uin)
    tid = ptemplate(p)
    pv, trial = type2(p, cust)
    ctid = location_id(post(p, "/partner/customer-templates", name="优惠", face="50",
                            scope="all", billing="prepaid", valid_days="30"))
    for path in ("/partner/templates/%d" % tid, "/partner/vouchers/%d" % pv,
                 "/partner/vouchers/%d/ledger.csv" % pv,
                 "/partner/customer-templates/%d" % ctid,
                 "/partner/customer-vouchers/%d" % trial,
                 "/partner/customer-vouchers/%d/ledger.csv" % trial):
        assert p.get(path).status == 200, path
        assert q.get(path).status == 404, path
    for path in ("/partner/vouchers/%d/cancel" % pv, "/partner/vouchers/%d/invalidate" % pv,
                 "/partner/customer-vouchers/%d/withdraw" % trial):
        assert post(q, path).status == 404, path
    assert post(q, "/partner/templates/%d/apply" % tid, uin=str(cust.uin)).status == 404
    assert post(q, "/partner/customer-templates/%d/issue" % ctid,
                uin=str(cust.uin)).status == 404
    assert 'tr data-id="%d"' % pv not in q.get("/partner/vouchers").text
    assert 'tr data-id="%d"' % trial not in q.get("/partner/customer-vouchers").text


def test_charges_pick_deduct_and_refund():
    p = account(partner=True)
    a, b = account(reseller=p.uin), account(reseller=p.uin)
    t1 = type1(p, amount="1000")
    pv, trial = type2(p, a, amount="200")
    # customer a pays with its trial voucher: the charge takes its Type II
    o1 = order(a, "cvm", "150")
    pay(a, o1, trial)
    assert charge(o1) == (15000, pv, 15000, 0, "charged"), charge(o1)
    # more than the Type II has left: min(balance, amount), the rest cash
    o2 = order(a, "cvm", "100")
    pay(a, o2)
    assert charge(o2) == (10000, pv, 5000, 5000, "charged"), charge(o2)
    # customer b never takes a's Type II: Type I
    o3 = order(b, "redis", "80")
    pay(b, o3)
    assert charge(o3) == (8000, t1, 8000, 0, "charged"), charge(o3)
    # a product outside every scope: all cash, no voucher
    o4 = order(b, "domain", "60", scenario="register")
    pay(b, o4)
    assert charge(o4) == (6000, 0, 0, 6000, "charged"), charge(o4)
    # refund: the charge is refunded, the voucher amount is not returned
    refund(b, o3)
    assert charge(o3)[4] == "refunded"
    assert sql("SELECT balance FROM partner_vouchers WHERE id = %d" % t1) == [["92000"]]
    # the ledger names the order and the customer
    r = p.get("/partner/vouchers/%d" % pv)
    assert re.search(r'data-field="order" data-value="%d".*?data-field="customer"'
                     r' data-value="%d"' % (o1, a.uin), r.text, re.S), r.text
    csv = p.get("/partner/vouchers/%d/ledger.csv" % pv)
    assert csv.status == 200 and csv.header("Content-Type").startswith("text/csv")
    # (what went out is a plain number in its own column: a spreadsheet
    # sums it, and no cell starts with a minus, SPEC §7)
    assert '"%d","%d","","150.00"' % (o1, a.uin) in csv.text, csv.text
    # the charges list, its filters and its CSV
    r = p.get("/partner/charges")
    assert r.page() == "partner.charges"
    assert sorted(int(x) for x in re.findall(r'data-field="order" data-value="(\d+)"',
                                             r.text)) == sorted([o1, o2, o3, o4])
    r = p.get("/partner/charges?uin=%d" % b.uin)
    assert sorted(int(x) for x in re.findall(r'data-field="order" data-value="(\d+)"',
                                             r.text)) == sorted([o3, o4])
    assert 'data-field="order" data-value' not in p.get("/partner/charges?to=2020-01-01").text
    csv = p.get("/partner/charges.csv?uin=%d" % b.uin)
    assert csv.status == 200 and len(csv.text.strip().splitlines()) == 3, csv.text
    # the words the page shows, not the machine values (issue 31)
    assert not re.search(r"\b(prepaid|postpaid|purchase|renew)\b", csv.text), csv.text
    assert p.get("/partner/charges?from=2026-13-01").status == 422
    # an ordinary member's order makes no charge
    m = account()
    o5 = order(m, "cvm", "10")
    pay(m, o5)
    assert charge(o5) is None


def test_associated_first_switch():
    p = account(partner=True)
    a = account(reseller=p.uin)
    t1 = type1(p, amount="1000")
    # a Type II that ends later than the Type I would lose on expiry alone
    pv, trial = type2(p, a, amount="100")
    sql("UPDATE partner_vouchers SET valid_to = valid_to + INTERVAL 2 YEAR WHERE id = %d" % pv)
    big = give(a, name="平台大额券", face="500", balance_mode="carry_over")
    oid = order(a, "cvm", "300")
    ids, r = candidates(a, oid)
    rec = re.search(r'<tr data-id="(\d+)" data-recommended', r.text)
    assert rec and int(rec.group(1)) == trial, (rec and rec.group(1), trial, big)
    r = p.get("/partner/settings")
    assert r.page() == "partner.settings" and "关联代金券优先抵扣" in r.text
    assert re.search(r'value="1" checked', r.text), r.text
    assert post(p, "/partner/settings", associated_first="0").status == 303
    assert re.search(r'value="0" checked', p.get("/partner/settings").text)
    ids, r = candidates(a, oid)
    rec = re.search(r'<tr data-id="(\d+)" data-recommended', r.text)
    assert rec and int(rec.group(1)) == big, (rec and rec.group(1), big)
    # switch off: the trial's order is offset by Type II before Type I only
    # by the ordinary order, not as its associated voucher
    pay(a, oid, trial)
    assert charge(oid)[1] == pv
    assert post(p, "/partner/settings", associated_first="2").status == 422
    assert sql("SELECT COUNT(*) FROM audit_log WHERE action = 'partner.associated_first'"
               " AND target = 'partner:%d'" % p.uin) == [["1"]]
    assert t1


def test_customer_vouchers_issue_and_withdraw():
    p = account(partner=True)
    a = account(reseller=p.uin)
    ctid = location_id(post(p, "/partner/customer-templates", name="新客优惠", face="50",
                            scope="include", products="cvm", billing="prepaid",
                            valid_from="2026-01-01", valid_to="2099-12-31"))
    r = post(p, "/partner/customer-templates/%d/issue" % ctid, uin=str(account().uin))
    assert r.status == 422 and 'data-field="uin"' in r.text
    v1 = location_id(post(p, "/partner/customer-templates/%d/issue" % ctid,
                          uin=str(a.uin), amount="80"))
    r = p.get("/partner/customer-vouchers/%d" % v1)
    assert r.page() == "partner.customer_voucher"
    assert 'data-field="purpose" data-value="discount"' in r.text
    assert 'data-field="face" data-value="8000"' in r.text
    assert 'tr data-id="%d"' % v1 in a.get("/user/vouchers").text
    assert post(p, "/partner/customer-templates/%d" % ctid, name="x", face="1",
                scope="all", billing="prepaid", valid_days="3").status == 409
    r = p.get("/partner/customer-vouchers?purpose=discount&uin=%d" % a.uin)
    assert r.page() == "partner.customer_vouchers" and 'tr data-id="%d"' % v1 in r.text
    assert 'tr data-id="%d"' % v1 not in p.get("/partner/customer-vouchers?purpose=trial").text
    # withdraw: once; a trial voucher never on its own; a used one never
    assert post(p, "/partner/customer-vouchers/%d/withdraw" % v1).status == 303
    r = post(p, "/partner/customer-vouchers/%d/withdraw" % v1)
    assert r.status == 409 and r.flash() == ("error", "voucher_state"), r
    assert 'data-value="withdrawn"' in a.get("/user/vouchers/%d" % v1).text
    pv, trial = type2(p, a)
    assert post(p, "/partner/customer-vouchers/%d/withdraw" % trial).status == 409
    v2 = location_id(post(p, "/partner/customer-templates/%d/issue" % ctid, uin=str(a.uin)))
    pay(a, order(a, "cvm", "20"), v2)
    assert post(p, "/partner/customer-vouchers/%d/withdraw" % v2).status == 409
    # racing withdraw and confirm of one voucher: one wins
    for _ in range(3):
        v = location_id(post(p, "/partner/customer-templates/%d/issue" % ctid,
                             uin=str(a.uin)))
        oid = order(a, "cvm", "30")
        tp, ta = p.csrf_of("/user"), a.csrf_of("/user")
        out = {}
        gate = threading.Barrier(2)

        def w():
            gate.wait()
            out["w"] = p.post("/partner/customer-vouchers/%d/withdraw" % v, {"csrf": tp}).status

        def c():
            gate.wait()
            out["c"] = a.post("/user/orders/%d/confirm" % oid, {"csrf": ta,
                                                                "voucher": str(v)}).status

        ts = [threading.Thread(target=w), threading.Thread(target=c)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert sorted(out.values()) == [303, 409], out
        st = sql("SELECT status FROM vouchers WHERE id = %d" % v)[0][0]
        assert st == ("withdrawn" if out["w"] == 303 else "frozen"), (out, st)


def test_invalidate_type2_withdraws_its_trial():
    p = account(partner=True)
    a = account(reseller=p.uin)
    pv, trial = type2(p, a)
    oid = order(a, "cvm", "40")
    assert post(a, "/user/orders/%d/confirm" % oid, voucher=str(trial)).status == 303
    r = post(p, "/partner/vouchers/%d/invalidate" % pv)
    assert r.status == 409 and r.flash() == ("error", "voucher_state"), r
    assert ("#%d" % oid) in r.text
    assert post(a, "/user/orders/%d/cancel" % oid).status == 303
    assert post(p, "/partner/vouchers/%d/invalidate" % pv).status == 303
    assert sql("SELECT status FROM partner_vouchers WHERE id = %d" % pv) == [["invalidated"]]
    assert sql("SELECT status FROM vouchers WHERE id = %d" % trial) == [["withdrawn"]]
    assert post(p, "/partner/vouchers/%d/invalidate" % pv).status == 409
    # an admin invalidates a Type I; a pending Type II cannot be invalidated
    t1 = type1(p)
    r = admin().get("/admin/partner/vouchers?partner=%d&type=partner_1" % p.uin)
    assert r.page() == "admin.partner.vouchers" and 'tr data-id="%d"' % t1 in r.text
    assert admin_post(admin(), "/admin/partner/vouchers/%d/invalidate" % t1).status == 303
    pending = apply(p, ptemplate(p), a.uin)
    assert post(p, "/partner/vouchers/%d/invalidate" % pending).status == 409
    # the partner voucher list filters
    r = p.get("/partner/vouchers?status=invalidated")
    assert 'tr data-id="%d"' % pv in r.text and 'tr data-id="%d"' % pending not in r.text
    r = p.get("/partner/vouchers?approval=pending_review&balance=nonzero&customer=%d" % a.uin)
    assert 'tr data-id="%d"' % pending in r.text and 'tr data-id="%d"' % pv not in r.text
    assert p.get("/partner/vouchers?type=partner_3").status == 422


def test_randomized_partner_workload_keeps_both_books():
    p = account(partner=True)
    cs = [account(reseller=p.uin) for _ in range(3)]
    type1(p, amount="300")
    ctid = location_id(post(p, "/partner/customer-templates", name="优惠", face="60",
                            scope="all", billing="prepaid", valid_days="30"))
    for c in cs:
        type2(p, c, amount=str(random.choice([80, 150])))
        post(p, "/partner/customer-templates/%d/issue" % ctid, uin=str(c.uin))
    errors = run_shoppers([(c, random.random()) for c in cs for _ in range(2)],
                          ["cvm", "redis", "domain"], [20, 45.5, 90, 200], 10,
                          (303, 409, 422))
    assert not errors, errors
    uins = ",".join(str(c.uin) for c in cs)
    # partner vouchers: face - deductions = balance, the ledger ends at it
    bad = sql("SELECT v.id, v.face, v.balance FROM partner_vouchers v JOIN partner_ledger l ON l.voucher_id = v.id"
              " WHERE v.partner_uin = %d GROUP BY v.id HAVING v.face + SUM(IF(l.kind = 'deduct',"
              " l.amount, 0)) <> v.balance" % p.uin)
    assert bad == [], bad
    # customer vouchers likewise
    bad = sql("SELECT v.id, v.face, v.balance FROM vouchers v JOIN voucher_ledger l ON l.voucher_id = v.id"
              " WHERE v.partner_uin = %d GROUP BY v.id HAVING v.face + SUM(IF(l.kind IN"
              " ('deduct', 'forfeit'), l.amount, 0)) <> v.balance" % p.uin)
    assert bad == [], bad
    # every charge: amount = voucher part + cash = the order's amount, and
    # its voucher part is the partner ledger's deduction for that order
    bad = sql("SELECT ch.id FROM partner_charges ch JOIN orders o ON o.id = ch.order_id"
              " WHERE ch.partner_uin = %d AND (ch.amount <> ch.voucher_amount + ch.cash"
              " OR ch.amount <> o.amount OR ch.voucher_amount <> IFNULL(-(SELECT SUM(amount)"
              " FROM partner_ledger WHERE order_id = o.id AND kind = 'deduct'), 0))" % p.uin)
    assert bad == [], bad
    # one charge per paid or refunded order, refunded with it
    bad = sql("SELECT o.id FROM orders o LEFT JOIN partner_charges ch ON ch.order_id = o.id"
              " WHERE o.uin IN (%s) AND (o.status IN ('paid', 'refunded')) <> (ch.id IS NOT NULL)"
              " OR (o.status = 'refunded') <> (ch.status = 'refunded')" % uins)
    assert bad == [], bad
    # a trial's order is offset by its own Type II while it has balance
    bad = sql("SELECT ch.id FROM partner_charges ch JOIN orders o ON o.id = ch.order_id"
              " JOIN vouchers v ON v.id = o.voucher_id AND v.purpose = 'trial'"
              " JOIN partner_vouchers pv ON pv.id = v.partner_voucher_id"
              " WHERE ch.partner_uin = %d AND ch.voucher_id <> pv.id AND pv.balance > 0"
              " AND ch.voucher_id IS NOT NULL" % p.uin)
    assert bad == [], bad


def test_the_review_queue_shows_what_waits_first_oldest_first():
    """Pending applications first, oldest first; then the decided ones,
    newest first (014_pv_queue.sql keeps that order as an index's)."""
    p = account(partner=True)
    cust = account(reseller=p.uin)
    tid = ptemplate(p)
    pvs = [apply(p, tid, cust.uin) for _ in range(4)]
    assert approve(pvs[1]).status == 303
    assert post(p, "/partner/vouchers/%d/cancel" % pvs[2]).status == 303
    r = admin().get("/admin/partner/applications?partner=%d" % p.uin)
    assert r.status == 200, r
    shown = [int(x) for x in re.findall(r'<tr data-id="(\d+)"', r.text)]
    assert shown == [pvs[0], pvs[3], pvs[2], pvs[1]], (shown, pvs)
    # the same order with no filter (another index), this partner's rows in it
    r = admin().get("/admin/partner/applications")
    shown = [int(x) for x in re.findall(r'<tr data-id="(\d+)"', r.text) if int(x) in pvs]
    assert shown[:2] == [pvs[0], pvs[3]], (shown, pvs)


def test_type1_names_its_partner_and_sum_before_it_is_made():
    """Issue 31: the Type I form goes to a confirmation that names the
    partner and the amount; nothing is made until its form posts to
    /admin/partner/vouchers; an unknown partner is marked at its field."""
    p = account(partner=True)
    a = admin()
    before = int(sql("SELECT COUNT(*) FROM partner_vouchers WHERE partner_uin = %d" % p.uin)[0][0])
    body = [("csrf", a.csrf_of("/admin")), ("partner", str(p.uin)), ("amount", "123.45"),
            ("scope", "exclude"), ("billing", "prepaid"), ("billing", "postpaid"),
            ("valid_days", "30")]
    r = a.post("/admin/partner/vouchers/preview", body)
    assert r.status == 200 and r.page() == "admin.partner.voucher.confirm", r
    assert 'data-field="amount" data-value="12345"' in r.text
    assert 'data-field="partner" data-value="%d"' % p.uin in r.text
    assert int(sql("SELECT COUNT(*) FROM partner_vouchers WHERE partner_uin = %d" % p.uin)[0][0]) == before
    main = re.search(r'<form method="post" action="/admin/partner/vouchers">(.*?)</form>', r.text,
                     re.S).group(1)
    form = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', main)
    assert ("billing", "postpaid") in form and ("amount", "123.45") in form, form
    back = re.search(r'<form method="post" id="pv-edit"[^>]*>(.*?)</form>', r.text, re.S).group(1)
    again = a.post("/admin/partner/vouchers/preview",
                   re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', back))
    assert again.status == 200 and again.page() == "admin.partner.voucher.new", again
    assert 'value="123.45"' in again.text and \
        re.search(r'name="partner" [^>]*value="%d"' % p.uin, again.text), again.text
    assert a.post("/admin/partner/vouchers", form).status == 303
    assert int(sql("SELECT COUNT(*) FROM partner_vouchers WHERE partner_uin = %d" % p.uin)[0][0]) == before + 1
    r = a.post("/admin/partner/vouchers/preview", [(k, "1" if k == "partner" else v) for k, v in body])
    assert r.status == 422 and re.search(r'<input name="partner"[^>]*aria-invalid="true"', r.text), r


def test_customer_filters_pick_from_the_customers():
    """Issue 31: the charges' and the customer vouchers' UIN filters offer
    the partner's customers to pick from (a datalist), and only its own."""
    p, q = account(partner=True), account(partner=True)
    a = account(reseller=p.uin)
    other = account(reseller=q.uin)
    for path in ("/partner/charges", "/partner/customer-vouchers"):
        page = p.get(path)
        assert page.status == 200, page
        picks = re.search(r'<datalist id="customer-uins">(.*?)</datalist>', page.text, re.S)
        assert picks and 'list="customer-uins"' in page.text, page.text
        assert '<option value="%d">' % a.uin in picks.group(1), picks.group(1)
        assert str(other.uin) not in picks.group(1)


def test_partner_fields_pick_from_the_partners():
    """Issue 31: the backend's partner UIN fields (the Type I form, the
    partner vouchers', the applications' and the cost report's filters)
    offer the partners to pick from, read on their index (migration 022),
    and no account that is not one."""
    p = account(partner=True)
    plain = account()
    a = admin()
    for path in ("/admin/partner/vouchers/new", "/admin/partner/vouchers",
                 "/admin/partner/applications", "/admin/reports/cost"):
        page = a.get(path)
        assert page.status == 200, (path, page)
        picks = re.search(r'<datalist id="partner-uins">(.*?)</datalist>', page.text, re.S)
        assert picks and 'list="partner-uins"' in page.text, path
        uins = [int(u) for u in re.findall(r'<option value="(\d+)"', picks.group(1))]
        assert plain.uin not in uins and uins == sorted(uins), (path, uins)
        # every one a partner; the first 50 by UIN, so p unless 50 come first
        assert uins and int(sql("SELECT COUNT(*) FROM accounts WHERE partner = 1 AND uin IN (%s)"
                                % ",".join(map(str, uins)))[0][0]) == len(uins), (path, uins)
        first = int(sql("SELECT COUNT(*) FROM accounts WHERE partner = 1 AND uin < %d"
                        % p.uin)[0][0])
        assert (p.uin in uins) == (first < 50), (path, uins, first)
