"""test_campaigns.py - SPEC §10 campaigns and coupons (issue 28): finance
creates, edits until the first claim, disables and enables campaigns;
members claim one or all; the limits hold exactly under racing claims."""
import datetime
import random
import re
import threading

from fixtures import admin, field, member
from kq import Client, new_admin, sql

TODAY = datetime.date.today()
CAMPAIGN = {"name": "新客立减", "kind": "coupon", "discount": "amount",
            "amount_off": "10", "scope": "all", "scenarios": ["purchase", "upgrade"],
            "valid_from": str(TODAY), "valid_to": str(TODAY + datetime.timedelta(days=60)),
            "claim_days": "30", "audience": "all", "total_limit": "0",
            "per_account": "1"}


def campaign_post(path="/admin/campaigns", **over):
    a = admin()
    form = {k: v for k, v in dict(CAMPAIGN, **over).items() if v is not None}
    form["csrf"] = a.csrf_of("/admin/campaigns/new")
    return a.post(path, form)


def campaign(**over):
    r = campaign_post(**over)
    assert r.status == 303, (r, r.flash(), re.findall(r'aria-invalid="true"[^>]*', r.text)[:2])
    return int(r.header("Location").rsplit("/", 1)[1])


def promo_code():
    return "T%d-%06d" % (random.randint(10, 99), random.randint(0, 999999))


def claim(m, **body):
    body["csrf"] = m.csrf_of("/user/coupons")
    return m.post("/user/coupons/claim", body)


def row(r, lst, rid):
    """The <tr> of list lst with data-id rid, as text."""
    m = re.search(r'<table data-list="%s".*?</table>' % lst, r.text, re.S)
    assert m, (lst, r.text[:300])
    rm = re.search(r'<tr data-id="%d".*?</tr>' % rid, m.group(0), re.S)
    return rm.group(0) if rm else None


def test_admin_creates_views_lists_and_filters_campaigns():
    cid = campaign(name="满减券A", amount_off="25.50")
    code = promo_code()
    pid = campaign(name="春季码", kind="promo_code", code=code.lower().replace("-", " - "),
                   discount="percent", percent_off="15", cap="40", total_limit="5")
    a = admin()
    r = a.get("/admin/campaigns/%d" % pid)
    assert r.status == 200 and r.page() == "admin.campaign", r
    assert field(r, "code") == code          # upper case, spaces gone
    assert field(r, "discount") == "15%"
    assert field(r, "total_limit") == "5"
    r = a.get("/admin/campaigns/%d" % cid)
    assert field(r, "discount") == "2550" and field(r, "kind") == "coupon"
    r = a.get("/admin/campaigns?kind=promo_code")
    assert r.status == 200 and r.page() == "admin.campaigns"
    assert row(r, "campaigns", pid) and not row(r, "campaigns", cid)
    assert 'data-field="code" data-value="%s"' % code in row(r, "campaigns", pid)
    # everything is audited
    assert sql("SELECT COUNT(*) FROM audit_log WHERE action = 'campaign.create'"
               " AND target IN ('campaign:%d', 'campaign:%d')" % (cid, pid)) == [["2"]]


def test_bad_fields_are_marked_and_nothing_is_lost():
    code = promo_code()
    campaign(kind="promo_code", code=code)
    for over, bad in [({"kind": "promo_code", "code": code}, "code"),       # taken
                      ({"kind": "promo_code", "code": "ab"}, "code"),       # too short
                      ({"discount": "percent", "percent_off": "0"}, "percent_off"),
                      ({"amount_off": ""}, "amount_off"),
                      ({"valid_to": str(TODAY - datetime.timedelta(days=1))}, "valid_to"),
                      ({"scope": "include"}, "products"),
                      ({"audience": "targeted", "uins": "12x"}, "uins")]:
        r = campaign_post(name="保留的名称", **over)
        assert r.status == 422, (over, r)
        assert r.flash() == ("error", "invalid_field"), (over, r.flash())
        assert re.search(r'name="%s"[^>]*aria-invalid="true"' % bad, r.text) or \
            re.search(r'aria-invalid="true"[^>]*name="%s"' % bad, r.text), (over, bad)
        assert 'value="保留的名称"' in r.text     # what was typed stays


def test_viewer_reads_but_cannot_change():
    cid = campaign()
    login, pw = new_admin(role="viewer")
    v = Client()
    assert v.login(login, pw, admin=True).status == 303
    assert v.get("/admin/campaigns").status == 200
    assert v.get("/admin/campaigns/%d" % cid).status == 200
    assert v.get("/admin/campaigns/new").status == 403
    r = v.post("/admin/campaigns/%d/disable" % cid, {"csrf": v.csrf_of("/admin")})
    assert r.status == 403, r
    assert 'action="/admin/campaigns/%d"' % cid not in v.get("/admin/campaigns/%d" % cid).text


def test_member_claims_one_and_sees_it_then_the_limit():
    cid = campaign(name="单领券", amount_off="8", claim_days="7")
    m = member()
    r = m.get("/user/coupons")
    assert r.status == 200 and r.page() == "user.coupons"
    assert row(r, "campaigns", cid), "claimable campaign not listed"
    r = claim(m, campaign=str(cid))
    assert r.status == 303 and r.header("Location") == "/user/coupons", r
    r = m.get("/user/coupons")
    assert r.flash() == ("ok", "claimed")
    assert not row(r, "campaigns", cid)      # per_account 1: claimed
    kid = int(sql("SELECT id FROM coupons WHERE uin = %d AND campaign_id = %d" % (m.uin, cid))[0][0])
    tr = row(r, "coupons", kid)
    assert tr and 'data-value="available"' in tr and 'data-value="800"' in tr, tr
    # valid claim_days from the claim
    days = sql("SELECT TIMESTAMPDIFF(HOUR, valid_from, valid_to) FROM coupons WHERE id = %d" % kid)
    assert days == [["168"]], days
    r = claim(m, campaign=str(cid))
    assert r.status == 409 and r.flash() == ("error", "claim_limit"), r
    # the admin sees the claim
    assert field(admin().get("/admin/campaigns/%d" % cid), "claimed") == "1"


def test_claim_all_takes_one_of_each():
    ids = [campaign(name="一键%d" % i, per_account="2") for i in range(3)]
    m = member()
    r = claim(m, all="1")
    assert r.status == 303, r
    got = sql("SELECT campaign_id FROM coupons WHERE uin = %d" % m.uin)
    assert {int(c) for c, in got} >= set(ids), got
    assert m.get("/user/coupons").flash()[1] == "claimed"


def test_audience_window_and_disable():
    m, other = member(), member()
    tid = campaign(audience="targeted", uins="%d\n99999999" % m.uin)
    assert row(m.get("/user/coupons"), "campaigns", tid)
    assert not row(other.get("/user/coupons"), "campaigns", tid)
    r = claim(other, campaign=str(tid))
    assert r.status == 404, r           # outside the audience: unknown
    later = campaign(valid_from=str(TODAY + datetime.timedelta(days=3)))
    r = claim(m, campaign=str(later))
    assert r.status == 409 and r.flash() == ("error", "discount_not_applicable"), r
    assert 'data-reason="not_yet"' in r.text
    # disabling: confirmation first, then no new claims, then enable again
    a = admin()
    r = a.get("/admin/campaigns/%d/disable" % tid)
    assert r.status == 200 and r.page() == "confirm", r
    r = a.post("/admin/campaigns/%d/disable" % tid, {"csrf": a.csrf_of("/admin")})
    assert r.status == 303, r
    r = claim(m, campaign=str(tid))
    assert r.status == 409 and 'data-reason="disabled"' in r.text, r
    assert sql("SELECT COUNT(*) FROM audit_log WHERE action = 'campaign.disable'"
               " AND target = 'campaign:%d'" % tid) == [["1"]]
    r = a.post("/admin/campaigns/%d/enable" % tid, {"csrf": a.csrf_of("/admin")})
    assert r.status == 303
    assert claim(m, campaign=str(tid)).status == 303


def test_edit_until_the_first_claim():
    cid = campaign(name="可改")
    r = campaign_post("/admin/campaigns/%d" % cid, name="改过", amount_off="12")
    assert r.status == 303, r
    r = admin().get("/admin/campaigns/%d" % cid)
    assert field(r, "discount") == "1200" and "改过" in r.text
    assert claim(member(), campaign=str(cid)).status == 303
    r = campaign_post("/admin/campaigns/%d" % cid, name="再改")
    assert r.status == 409 and r.flash() == ("error", "template_locked"), r
    r = admin().get("/admin/campaigns/%d" % cid)
    assert 'action="/admin/campaigns/%d"' % cid not in r.text    # read-only now


def race(n, fn):
    out = []
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        out.append(fn(i))
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_twenty_racing_claims_of_a_limit_of_three():
    cid = campaign(name="限量3", total_limit="3")
    ms = [member() for _ in range(20)]
    forms = [{"csrf": m.csrf_of("/user/coupons"), "campaign": str(cid)} for m in ms]
    statuses = race(20, lambda i: (ms[i].post("/user/coupons/claim", forms[i]).status,))
    codes = sorted(s for s, in statuses)
    assert codes.count(303) == 3 and codes.count(409) == 17, codes
    assert sql("SELECT COUNT(*) FROM coupons WHERE campaign_id = %d" % cid) == [["3"]]
    assert field(admin().get("/admin/campaigns/%d" % cid), "claimed") == "3"


def test_one_member_racing_twenty_claims_gets_one():
    cid = campaign(name="每人1", per_account="1")
    m = member()
    tok = m.csrf_of("/user/coupons")
    statuses = race(20, lambda i: m.post("/user/coupons/claim",
                                         {"csrf": tok, "campaign": str(cid)}).status)
    assert sorted(statuses).count(303) == 1, statuses
    assert all(s in (303, 409) for s in statuses), statuses
    assert sql("SELECT COUNT(*) FROM coupons WHERE campaign_id = %d AND uin = %d"
               % (cid, m.uin)) == [["1"]]


def test_pages_in_english():
    cid = campaign(name="英文券")
    m = member()
    m.cookies["kq_lang"] = "en"
    r = m.get("/user/coupons")
    assert r.status == 200 and "Claim all" in r.text, r
    a = admin()
    saved = dict(a.cookies)
    a.cookies["kq_lang"] = "en"
    try:
        r = a.get("/admin/campaigns/%d" % cid)
        assert r.status == 200 and "Discount campaigns" in r.text and "off" in r.text
    finally:
        a.cookies = saved


def test_home_pages_count_what_to_claim_and_what_ends():
    # the home's count stops at 50: the other tests' campaigns out of the way
    sql("UPDATE campaigns SET status = 'disabled'")
    m = member()
    before = int(field(m.get("/user"), "claimable"))
    a = admin()
    ending = field(a.get("/admin"), "campaigns_ending")
    cid = campaign(name="首页券", valid_to=str(TODAY + datetime.timedelta(days=10)))
    assert int(field(m.get("/user"), "claimable")) == before + 1
    assert int(field(a.get("/admin"), "campaigns_ending")) == int(ending) + 1
    assert claim(m, campaign=str(cid)).status == 303
    assert int(field(m.get("/user"), "claimable")) == before
