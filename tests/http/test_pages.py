"""test_pages.py - the pages as people use them (issue 9): errors at the
field, the validity choice, typo messages, why a voucher does not apply,
confirmation pages before what cannot be undone."""
import re

from fixtures import (BATCH, TEMPLATE, admin, codes, create_batch, give,
                      member, order, post, verify)
from kq import Client, new_admin


def marked(r, name):
    """The field is marked where it is, with its message under it."""
    m = re.search(r'<(?:input|select|textarea)[^>]*name="%s"[^>]*>' % name, r.text)
    assert m, (name, r.text[:300])
    tag = m.group(0)
    assert 'aria-invalid="true"' in tag and 'aria-describedby="err-%s"' % name in tag, tag
    msg = re.search(r'<span class="field-error" id="err-%s">([^<]+)</span>' % name, r.text)
    assert msg, name
    return msg.group(1)


def test_every_failing_field_is_marked_at_once():
    a = admin()
    form = dict(BATCH, csrf=a.csrf_of("/admin/pickup/batches/new"),
                cpu="many", price="1.234", count="0", name="保留")
    r = a.post("/admin/pickup/batches", form)
    assert r.status == 422 and r.flash() == ("error", "invalid_field"), r
    assert "两位小数" in marked(r, "price")
    assert "整数" in marked(r, "cpu") and "100000" in marked(r, "count")
    assert 'id="err-name"' not in r.text and 'value="保留"' in r.text
    # a field that passed is not marked
    assert not re.search(r'name="memory_gb"[^>]*aria-invalid', r.text)


def test_dates_or_duration_is_one_explicit_choice():
    a = admin()
    tok = a.csrf_of("/admin/vouchers/templates/new")
    both = dict(TEMPLATE, csrf=tok, valid_days="30", valid_from="2026-01-01",
                valid_to="2099-12-31")
    r = a.post("/admin/vouchers/templates", both)
    assert r.status == 422 and 'data-field="validity"' in r.text, r
    assert '<span class="field-error" id="err-validity">' in r.text
    # chosen: the other is ignored
    r = a.post("/admin/vouchers/templates", dict(both, validity="dates"))
    assert r.status == 303, r
    page = a.get(r.header("Location"))
    assert "2099-12-31" in page.text and "发放后 30 天" not in page.text
    r = a.post("/admin/vouchers/templates", dict(both, validity="duration"))
    page = a.get(r.header("Location"))
    assert "发放后 30 天" in page.text
    # the batch form, the same rule
    form = dict(BATCH, csrf=a.csrf_of("/admin/pickup/batches/new"),
                valid_to="2099-12-31", valid_months="12")
    r = a.post("/admin/pickup/batches", form)
    assert r.status == 422 and 'data-field="validity"' in r.text, r
    r = a.post("/admin/pickup/batches", dict(form, validity="dates"))
    assert r.status == 303
    assert "2099-12-31" in a.get(r.header("Location")).text
    # the form shows the choice, nothing pre-filled that would win silently
    new = a.get("/admin/vouchers/templates/new")
    assert 'name="validity" value="dates"' in new.text
    assert not re.search(r'name="valid_days"[^>]*value="\d', new.text)


def test_a_typo_in_a_code_says_typo():
    m = member()
    card = codes(create_batch(count="1"))[0].replace("-", "")
    last = "0" if card[-1] != "0" else "1"
    r = verify(m, card[:-1] + last)
    assert r.status == 422 and r.flash() == ("error", "card_format"), r
    assert "校验位" in marked(r, "card")
    r = verify(m, card[:10])
    assert "16 位" in marked(r, "card")
    r = post(m, "/user/redeem", code="123456 789012 345670")
    if r.status == 422:	# (one in ten of these is a valid unknown code)
        assert "校验位" in marked(r, "code")


def test_the_order_says_why_other_vouchers_do_not_apply():
    m = member()
    fits = give(m, name="适用")
    dom = give(m, name="仅域名", scope="include", products="domain")
    big = give(m, name="满千", min_amount="1000")
    post_only = give(m, name="后付费", billing="postpaid")
    oid = order(m, "cvm", "150")
    page = m.get("/user/orders/%d" % oid)
    assert re.search(r'<tr data-id="%d"[^>]*data-recommended' % fits, page.text)
    reasons = dict(re.findall(r'<tr data-id="(\d+)">.*?data-field="reason" data-value="(\w+)"',
                              page.text, re.S))
    assert reasons == {str(dom): "product", str(big): "min_amount",
                       str(post_only): "billing"}, reasons
    # the candidate radio has a label; conditions are in words
    assert re.search(r'<label class="inline" for="voucher-%d">' % fits, page.text)
    assert "prepaid" not in re.sub(r'<[^>]+>', '', page.text)


def test_irreversible_actions_ask_first():
    m = member()
    oid = order(m)
    c = m.get("/user/orders/%d/cancel" % oid)
    assert c.status == 200 and c.page() == "confirm", c
    assert re.search(r'<form method="post" action="/user/orders/%d/cancel">' % oid, c.text)
    assert 'class="danger"' in c.text and 'class="button" href="/user/orders/%d"' % oid in c.text
    # the order page links to it rather than posting
    o = m.get("/user/orders/%d" % oid)
    assert 'href="/user/orders/%d/cancel"' % oid in o.text
    assert 'action="/user/orders/%d/cancel"' % oid not in o.text
    # another member's order: no confirmation page either
    assert member().get("/user/orders/%d/cancel" % oid).status == 404
    # backend: a viewer gets no confirmation page for a change
    v = Client()
    v.login(*new_admin(role="viewer"), admin=True)
    bid = create_batch(count="1")
    r = v.get("/admin/pickup/batches/%d/disable" % bid)
    assert r.status == 403 and "管理员(admin)" in r.text, r	# says why
    assert 'href="/admin/orders"' in r.text	# and offers the backend's links
    page = admin().get("/admin/pickup/batches/%d/disable" % bid)
    assert page.status == 200 and page.page() == "confirm"
    assert 'href="/admin/pickup/batches/%d"' % bid in page.text


def test_confirmations_name_what_they_act_on():
    """Issue 31: a confirmation names its card, batch, voucher, order or
    request, with the money it concerns."""
    a = admin()
    bid = create_batch(count="3", name="命名批次")
    page = a.get("/admin/pickup/batches/%d/disable" % bid)
    assert 'data-field="subject" data-value="%d">#%d 命名批次<' % (bid, bid) in page.text, page.text
    assert 'data-field="unused" data-value="3"' in page.text
    cid = int(re.search(r'/admin/pickup/cards/(\d+)', a.get("/admin/pickup/batches/%d" % bid).text).group(1))
    page = a.get("/admin/pickup/cards/%d/disable" % cid)
    assert 'data-field="subject" data-value="%d"' % cid in page.text
    assert 'data-field="batch" data-value="%d"' % bid in page.text
    m = member()
    vid = give(m, name="命名券", face="40")
    page = a.get("/admin/vouchers/%d/invalidate" % vid)
    assert 'data-field="subject" data-value="%d">#%d 命名券<' % (vid, vid) in page.text
    assert 'data-field="uin" data-value="%d"' % m.uin in page.text
    assert 'data-field="balance" data-value="4000"' in page.text
    oid = order(m, amount="70")
    page = m.get("/user/orders/%d/cancel" % oid)
    assert 'data-field="amount" data-value="7000"' in page.text
    # above the cap: the request's count × unit = amount
    approval = create_batch(count="1001", name="审批批次", price="1,000")
    page = a.get("/admin/approvals/%d/approve" % approval)
    assert page.status == 200 and 'data-field="amount" data-value="100100000"' in page.text, page.text
    assert 'data-field="count" data-value="1001"' in page.text
