"""test_approvals.py - SPEC §11 two-person approval (issue 29): an issue, a
Type I and a batch above approval_cap (the test stack's ¥1,000,000) wait as
requests with nothing made; a second admin approves (exactly what was asked
is made, once) or anyone who may write rejects with a reason; the requester
cannot approve, a viewer cannot decide; racing decisions give one winner."""
import re
import threading

from fixtures import (BATCH, account, admin, admin_post, create_template,
                      error_of, field, member)
from kq import Api, Client, new_admin, sql

CAP = 100000000     # conf/dev/stack.sh's approval_cap, cents


def login(role="admin"):
    name, pw = new_admin(role)
    c = Client()
    assert c.login(name, pw, admin=True).status == 303
    c.name = name
    return c


def checker():
    """A second admin, not the fixtures' one who asks."""
    if not hasattr(checker, "c"):
        checker.c = login()
    return checker.c


def viewer():
    if not hasattr(viewer, "c"):
        viewer.c = login("viewer")
    return viewer.c


def pending(r):
    """The request a create answered with: 303 to its page, flash
    approval_pending there."""
    assert r.status == 303, (r, r.flash())
    loc = r.header("Location")
    assert re.fullmatch(r"/admin/approvals/\d+", loc), loc
    page = admin().get(loc)
    assert page.status == 200 and page.page() == "admin.approval", page
    assert page.flash() == ("ok", "approval_pending"), page.flash()
    assert field(page, "status") == "pending"
    return int(loc.rsplit("/", 1)[1])


def big_template():
    return create_template(face="1000")     # ¥1,000


def issue_codes(tid, count, a=None):
    return admin_post(a or admin(), "/admin/vouchers/templates/%d/issue" % tid,
                      mode="codes", count=str(count))


def batch(count, price="1,000", a=None):
    a = a or admin()
    form = dict(BATCH, count=str(count), price=price)
    form["csrf"] = a.csrf_of("/admin/pickup/batches/new")
    return a.post("/admin/pickup/batches", form)


def type1(p, amount):
    return admin_post(admin(), "/admin/partner/vouchers", partner=str(p.uin),
                      amount=amount, scope="exclude", billing="prepaid",
                      valid_days="365")


def term(page, key):
    """The value of one entry of a request's input (list terms)."""
    m = re.search(r'<tr data-id="%s">.*?data-field="value" data-value="([^"]*)"' % key,
                  page.text, re.S)
    return m.group(1) if m else None


def vouchers_of(tid):
    return int(sql("SELECT COUNT(*) FROM vouchers WHERE template_id = %d" % tid)[0][0])


def status_of(rid):
    return sql("SELECT status, COALESCE(result_id, 0) FROM approval_requests"
               " WHERE id = %d" % rid)[0]


def approve(c, rid):
    return admin_post(c, "/admin/approvals/%d/approve" % rid)


def reject(c, rid, reason="金额不对"):
    return admin_post(c, "/admin/approvals/%d/reject" % rid, reason=reason)


def test_issue_above_the_cap_waits_then_is_made_once():
    tid = big_template()
    rid = pending(issue_codes(tid, 2000))          # ¥2,000,000
    assert vouchers_of(tid) == 0
    assert sql("SELECT COUNT(*) FROM voucher_issues WHERE template_id = %d" % tid)[0][0] == "0"
    row = sql("SELECT kind, amount, count, unit, requested_login FROM approval_requests"
              " WHERE id = %d" % rid)[0]
    assert row[:4] == ["issue", "200000000", "2000", "100000"], row
    page = admin().get("/admin/approvals/%d" % rid)
    assert re.search(r'data-field="amount" data-value="200000000"', page.text)
    assert re.search(r'data-field="requested_by" data-value="%s"' % re.escape(row[4]),
                     page.text)
    # the requester sees no approve form and cannot approve
    assert 'data-form="approve"' not in page.text
    error_of_page(approve(admin(), rid), 403, "forbidden")
    # a viewer reads the page and the queue, and decides nothing
    v = viewer()
    assert v.get("/admin/approvals/%d" % rid).status == 200
    assert v.get("/admin/approvals").page() == "admin.approvals"
    assert approve(v, rid).status == 403
    assert reject(v, rid).status == 403
    assert status_of(rid) == ["pending", "0"]
    # a second admin approves: the issue, exactly as asked
    c = checker()
    assert 'data-form="approve"' in c.get("/admin/approvals/%d" % rid).text
    r = approve(c, rid)
    assert r.status == 303, (r, r.flash())
    loc = r.header("Location")
    assert re.fullmatch(r"/admin/vouchers/issues/\d+", loc), loc
    iid = int(loc.rsplit("/", 1)[1])
    assert vouchers_of(tid) == 2000
    assert sql("SELECT COUNT(*) FROM vouchers WHERE issue_id = %d AND uin IS NULL"
               % iid)[0][0] == "2000"
    assert status_of(rid) == ["approved", str(iid)]
    # twice: the second is refused, nothing more is made
    error_of_page(approve(c, rid), 409, "review_state")
    error_of_page(reject(c, rid), 409, "review_state")
    assert vouchers_of(tid) == 2000
    page = admin().get("/admin/approvals/%d" % rid)
    assert field(page, "status") == "approved"
    assert re.search(r'data-field="decided_by" data-value="%s"' % c.name, page.text)
    assert 'data-form="approve"' not in page.text
    actions = [a for (a,) in sql("SELECT action FROM audit_log WHERE target = 'approval:%d'"
                                 " ORDER BY id" % rid)]
    assert actions == ["approval.request", "approval.approve"], actions
    # the log says the money in yuan, the count as a count (issue 31)
    log = admin().get("/admin/audit?target=approval:%d" % rid).text
    details = re.findall(r'<td data-field="detail"[^>]*>([^<]*)<', log)
    assert "代金券发放 2000 x ¥1,000.00 = ¥2,000,000.00" in details, details
    assert any(d.endswith(" ¥2,000,000.00") and "#%d" % iid in d for d in details), details
    assert sql("SELECT COUNT(*) FROM audit_log WHERE action = 'voucher.issue'"
               " AND detail LIKE 'issue:%d %%'" % iid)[0][0] == "1"


def error_of_page(r, status, code):
    assert r.status == status, (r, r.flash())
    assert r.flash() == ("error", code), r.flash()


def test_below_the_cap_nothing_changes():
    tid = big_template()
    r = issue_codes(tid, 1000)                     # ¥1,000,000: not above
    assert r.status == 303 and "/admin/vouchers/issues/" in r.header("Location"), r
    assert vouchers_of(tid) == 1000
    r = batch(5)
    assert r.status == 303 and "/admin/pickup/batches/" in r.header("Location"), r


def test_targeted_issue_counts_the_uins():
    tid = create_template(face="1,000,000")        # ¥1,000,000 a voucher
    uins = "\n".join(str(100000 + i) for i in range(2))
    rid = pending(admin_post(admin(), "/admin/vouchers/templates/%d/issue" % tid,
                             mode="targeted", uins=uins))
    assert sql("SELECT amount, count FROM approval_requests WHERE id = %d" % rid)[0] == \
        ["200000000", "2"]
    assert vouchers_of(tid) == 0


def test_batch_waits_then_is_made():
    r = batch(1001)                                # ¥1,001,000
    rid = pending(r)
    before = int(sql("SELECT COUNT(*) FROM pickup_batches")[0][0])
    assert sql("SELECT kind, amount FROM approval_requests WHERE id = %d" % rid)[0] == \
        ["batch", "100100000"]
    # what exactly is asked: the spec as typed, for the one who approves
    page = checker().get("/admin/approvals/%d" % rid)
    for key, value in (("product", "cvm"), ("line", "hk"), ("cpu", "2"),
                       ("memory_gb", "4"), ("months", "3"), ("valid_months", "12")):
        assert term(page, key) == value, (key, term(page, key))
    r = approve(checker(), rid)
    loc = r.header("Location")
    assert r.status == 303 and re.fullmatch(r"/admin/pickup/batches/\d+", loc), r
    bid = int(loc.rsplit("/", 1)[1])
    assert int(sql("SELECT COUNT(*) FROM pickup_batches")[0][0]) == before + 1
    assert sql("SELECT total, price FROM pickup_batches WHERE id = %d" % bid)[0] == \
        ["1001", "100000"]
    assert sql("SELECT COUNT(*) FROM pickup_cards WHERE batch_id = %d" % bid)[0][0] == "1001"


def test_type1_waits_then_is_made():
    p = account(partner=True)
    rid = pending(type1(p, "1,000,001"))
    page = admin().get("/admin/approvals/%d" % rid)
    assert (term(page, "scope"), term(page, "billing"), term(page, "valid_days")) == \
        ("exclude", "prepaid", "365")
    count = "SELECT COUNT(*) FROM partner_vouchers WHERE partner_uin = %d" % p.uin
    assert sql(count)[0][0] == "0"
    assert type1(p, "1,000,000").status == 303       # at the cap: made
    assert sql(count)[0][0] == "1"
    r = approve(checker(), rid)
    assert r.status == 303 and r.header("Location") == "/admin/partner/vouchers", r
    assert sql(count + " AND face = 100000100")[0][0] == "1"
    assert sql(count)[0][0] == "2"


def test_reject_needs_a_reason_and_makes_nothing():
    tid = big_template()
    rid = pending(issue_codes(tid, 1500))
    r = reject(checker(), rid, reason="")
    assert r.status == 422, r
    assert r.flash() == ("error", "invalid_field"), r.flash()
    assert re.search(r'name="reason"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="reason"',
                     r.text), r.text[-2000:]
    assert status_of(rid) == ["pending", "0"]
    # the requester may withdraw it by a reject
    r = reject(admin(), rid, reason="写错了数量 2000 issue")
    assert r.status == 303 and r.header("Location") == "/admin/approvals/%d" % rid, r
    assert status_of(rid) == ["rejected", "0"]
    assert vouchers_of(tid) == 0
    page = admin().get("/admin/approvals/%d" % rid)
    assert field(page, "status") == "rejected" and field(page, "reason") == "写错了数量 2000 issue"
    error_of_page(approve(checker(), rid), 409, "review_state")
    assert vouchers_of(tid) == 0
    assert sql("SELECT detail FROM audit_log WHERE action = 'approval.reject'"
               " AND target = 'approval:%d'" % rid)[0][0] == "写错了数量 2000 issue"
    # the log shows a reason as typed: no money, no words for its words
    log = admin().get("/admin/audit?target=approval:%d&action=approval.reject" % rid).text
    assert '<td data-field="detail">写错了数量 2000 issue</td>' in log, log


def test_racing_decisions_give_one_winner():
    """Ten at once from two admins, approving and rejecting: one decision,
    one set of cards (fails without the status guard of the decision)."""
    others = [checker(), login()]
    for _ in range(2):
        r = batch(1001)
        rid = pending(r)
        before = int(sql("SELECT COUNT(*) FROM pickup_cards")[0][0])
        gate = threading.Barrier(10)
        got = []

        def race(c, act):
            path = "/admin/approvals/%d/%s" % (rid, act)
            body = {"csrf": c.csrf_of("/admin")}
            if act == "reject":
                body["reason"] = "重复"
            gate.wait()
            got.append((act, c.post(path, body).status))
        ts = [threading.Thread(target=race, args=(others[i % 2],
                                                  "approve" if i % 3 else "reject"))
              for i in range(10)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        wins = [g for g in got if g[1] == 303]
        assert len(wins) == 1, got
        assert sorted(s for _, s in got) == [303] + [409] * 9, got
        st, made = status_of(rid)
        cards = int(sql("SELECT COUNT(*) FROM pickup_cards")[0][0]) - before
        if wins[0][0] == "approve":
            assert st == "approved" and cards == 1001, (st, cards)
            assert sql("SELECT COUNT(*) FROM pickup_cards WHERE batch_id = %s" % made)[0][0] \
                == "1001"
        else:
            assert st == "rejected" and cards == 0, (st, cards)


def test_the_list_pending_first_and_by_status():
    tid = big_template()
    old = pending(issue_codes(tid, 1001))
    done = pending(issue_codes(tid, 1002))
    assert reject(admin(), done, reason="不需要").status == 303
    new = pending(issue_codes(tid, 1003))
    r = admin().get("/admin/approvals")
    assert r.status == 200 and r.page() == "admin.approvals"
    assert 'data-list="approvals"' in r.text
    ids = [int(i) for i in re.findall(r'<tr data-id="(\d+)"', r.text)]
    statuses = re.findall(r'data-field="status" data-value="([a-z]+)"', r.text)
    # what waits first, newest first, then the decided
    assert ids.index(new) < ids.index(old), ids
    assert done not in ids or ids.index(old) < ids.index(done), ids
    first_decided = next((i for i, s in enumerate(statuses) if s != "pending"), len(statuses))
    assert all(s != "pending" for s in statuses[first_decided:]), statuses
    row = r.text[r.text.index('<tr data-id="%d"' % new):]
    row = row[:row.index("</tr>")]
    assert 'data-field="kind" data-value="issue"' in row
    assert 'data-field="amount" data-value="100300000"' in row
    assert re.search(r'data-field="requested_by" data-value="[^"]+"', row)
    assert 'data-field="time"' in row
    r = admin().get("/admin/approvals?status=rejected")
    got = re.findall(r'data-field="status" data-value="([a-z]+)"', r.text)
    assert got and set(got) == {"rejected"}, got
    assert done in [int(i) for i in re.findall(r'<tr data-id="(\d+)"', r.text)]
    r = admin().get("/admin/approvals?status=pending")
    assert set(re.findall(r'data-field="status" data-value="([a-z]+)"', r.text)) == {"pending"}
    assert admin().get("/admin/approvals?status=nope").status in (400, 422)


def test_confirmation_pages_and_english():
    tid = big_template()
    rid = pending(issue_codes(tid, 1001))
    c = checker()
    for act in ("approve", "reject"):
        r = c.get("/admin/approvals/%d/%s" % (rid, act))
        assert r.status == 200 and r.page() == "confirm", r
        assert 'action="/admin/approvals/%d/%s"' % (rid, act) in r.text
    assert viewer().get("/admin/approvals/%d/approve" % rid).status == 403
    en = Client()
    en.cookies = dict(c.cookies, kq_lang="en")
    r = en.get("/admin/approvals/%d" % rid)
    assert r.status == 200 and "Approve and make" in r.text, r.text[-1500:]
    assert "Approvals" in en.get("/admin/approvals").text


def test_api_issue_waits_with_202():
    tid = create_template(face="600,000")          # ¥600,000 a voucher
    api = Api()
    uins = [member().uin, member().uin]
    r = api.post("/api/v1/templates/%d/issue" % tid, {"uins": uins})
    assert r.status == 202, (r.status, r.text)
    rid = r.json["approval"]
    assert status_of(rid) == ["pending", "0"]
    assert vouchers_of(tid) == 0
    assert sql("SELECT requested_kind FROM approval_requests WHERE id = %d" % rid)[0][0] == "api"
    # one UIN: ¥600,000, not above, issued as before
    r = api.post("/api/v1/templates/%d/issue" % tid, {"uins": uins[:1]})
    assert r.status == 201, (r.status, r.text)
    # an admin approves what the key asked
    r = approve(checker(), rid)
    assert r.status == 303, (r, r.flash())
    assert vouchers_of(tid) == 3
    error_of(api.post("/api/v1/templates/%d/issue" % tid, {"uins": []}), 422,
             "invalid_field", "uins")


def test_the_amount_is_the_64_bit_product():
    # count × face is 64-bit: the largest issue allowed is far from overflow,
    # and the request's amount is exactly the product
    tid = create_template(face="100,000,000")      # MONEY_MAX
    rid = pending(issue_codes(tid, 100000))
    assert sql("SELECT amount FROM approval_requests WHERE id = %d" % rid)[0][0] == \
        str(100000 * 10000000000)
    assert reject(admin(), rid, reason="测试").status == 303
