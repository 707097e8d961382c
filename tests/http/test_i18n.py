"""test_i18n.py - two languages (issue 9): zh-CN by default, en by a switch
kept in a cookie, then by Accept-Language; every text of every page in
English from the catalog, money and dates per language."""
import html
import re

from fixtures import codes, confirm, create_batch, give, member, order, post
from kq import Client

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
DATA_FIELDS = ("name", "label", "batch_label", "template", "template_name", "detail",
               "account", "description", "reason", "note", "target")


def visible(page, data=()):
    """The text a person sees: no tags, no attribute values except the
    words ones, the language switch (it names the other language in that
    language) and the given data (names people typed) taken out."""
    t = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    t = re.sub(r'<a class="lang"[^>]*>[^<]*</a>', " ", t)
    # cells that show what people typed (names, notes, reasons, the audit
    # log's details), whatever the language
    t = re.sub(r'<(td|dd|span)[^>]*data-field="(%s)"[^>]*>.*?</\1>' % "|".join(DATA_FIELDS),
               " ", t, flags=re.S)
    t = re.sub(r'<option value="\d+"[^>]*>[^<]*</option>', " ", t)   # templates by name
    t = re.sub(r"<small>[^<]*</small>", " ", t)                       # account names
    words = " ".join(re.findall(r'(?:title|placeholder|aria-label)="([^"]*)"', t))
    t = html.unescape(re.sub(r"<[^>]+>", " ", t)) + " " + html.unescape(words)
    for d in data:
        t = t.replace(d, " ")
    return t


def english(c):
    """c switched to English through the switch, as a person does."""
    r = c.get("/lang?to=en&back=/login")
    assert r.status == 303 and r.header("Location") == "/login", r
    assert c.cookies.get("kq_lang") == "en"
    return c


def test_chinese_by_default_english_by_header_or_switch():
    c = Client()
    r = c.get("/login")
    assert '<html lang="zh-CN">' in r.text and "会员登录" in r.text
    assert 'href="/lang?to=en&amp;back=%2Flogin"' in r.text
    r = c.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9,zh-CN;q=0.5"})
    assert '<html lang="en">' in r.text and "Member login" in r.text, r.text[:400]
    assert not CJK.search(visible(r.text)), visible(r.text)
    # zh wins when it is preferred; an unknown language is the default
    assert '<html lang="zh-CN">' in c.get(
        "/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}).text
    assert '<html lang="zh-CN">' in c.get(
        "/login", headers={"Accept-Language": "fr-FR"}).text
    # the switch is a cookie, and it wins over the header
    r = c.get("/lang?to=en&back=/login")
    assert r.status == 303 and r.header("Location") == "/login"
    cookie = [v for k, v in r.headers if k.lower() == "set-cookie"][0]
    assert cookie.startswith("kq_lang=en;") and "Max-Age=31536000" in cookie, cookie
    r = c.get("/login", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="en">' in r.text
    r = c.get("/lang?to=zh-CN&back=/login")
    assert '<html lang="zh-CN">' in c.get("/login").text
    # the switch goes back only to a page of this site
    for bad in ("//evil.example/", "/\\evil.example", "https://evil.example/",
                "/login%0d%0aSet-Cookie:x=1"):
        assert c.get("/lang?to=en&back=" + bad).status in (400, 422), bad
    assert c.get("/lang?to=de&back=/login").status == 422


def test_member_pages_in_english_with_money_and_dates():
    m = english(member())
    vid = give(m, name="Welcome voucher", face="1234.5")
    oid = order(m, amount="150")
    from test_campaigns import campaign, claim
    campaign(name="Ten off", amount_off="10")
    assert claim(m, all="1").status == 303
    names = ("Welcome voucher", "测试账号 %d" % m.uin, "云服务器")
    for path in ("/user", "/user/vouchers", "/user/vouchers/%d" % vid, "/user/redeem",
                 "/user/orders", "/user/orders/%d" % oid, "/user/pickup",
                 "/user/orders/%d/cancel" % oid, "/user/coupons",
                 "/user/orders/%d?promo_code=NOPE-1" % oid):
        r = m.get(path)
        assert r.status in (200, 422) and '<html lang="en">' in r.text, (path, r)
        assert not CJK.search(visible(r.text, names)), (path, CJK.findall(visible(r.text, names)))
    page = m.get("/user/vouchers")
    assert "CNY 1,234.50" in page.text and "¥" not in visible(page.text)
    # plurals (issue 31): one voucher is "1 item", a one-month order "1 month"
    assert "· 1 item<" in page.text and "1 items" not in page.text, visible(page.text)
    assert ">1 month<" in m.get("/user/orders/%d" % oid).text
    two = order(m, amount="20", months="2")
    assert ">2 months<" in m.get("/user/orders/%d" % two).text
    assert "· 2 items<" in m.get("/user/orders").text
    # a pick-up order's name in English: "Pickup card" and the batch's own name
    from fixtures import codes, confirm, create_batch
    card = codes(create_batch(name="HK box", count="1"))[0]
    r = confirm(m, card, os="debian12")
    assert r.status == 303, r
    po = m.get(r.header("Location"))
    assert "Pickup card HK box" in po.text and "提货卡" not in po.text, visible(po.text)
    # a date in words, the machine value unchanged
    assert re.search(r'data-field="valid_to" data-value="\d{4}-\d\d-\d\dT[^"]+Z">\d\d [A-Z][a-z]{2} \d{4}<', page.text), page.text
    # errors at the field, in English
    r = post(m, "/user/redeem", code="123456789012345678")
    assert r.status == 422 and "typo" in r.text, r
    # the same pages in Chinese for another member: nothing leaks between
    zh = member()
    assert "¥" in zh.get("/user").text and '<html lang="zh-CN">' in zh.get("/user").text


def test_backend_pages_in_english():
    a = Client()
    from kq import new_admin
    login, pw = new_admin()
    assert a.login(login, pw, admin=True).status == 303
    english(a)
    bid = create_batch(count="2", name="HK cloud server")
    m = member()
    r = confirm(m, codes(bid)[0], "debian12")
    assert r.status == 303, r
    pickup = int(r.header("Location").rsplit("/", 1)[1])
    from test_campaigns import campaign, promo_code
    code = promo_code()
    cid = campaign(name="Spring code", kind="promo_code", code=code, amount_off="5")
    oid = order(m, amount="50")
    assert post(m, "/user/orders/%d/confirm" % oid, promo_code=code).status == 303
    paths = ["/admin/campaigns", "/admin/campaigns/new", "/admin/campaigns/%d" % cid,
             "/admin/campaigns/%d/uses" % cid, "/admin/campaigns/%d/disable" % cid,
             "/admin/campaigns/%d/uses?status=reserved" % cid,
             "/admin", "/admin/orders", "/admin/pickup/batches", "/admin/pickup/batches/new",
             "/admin/pickup/batches/%d" % bid, "/admin/pickup/usage",
             "/admin/vouchers/templates", "/admin/vouchers/templates/new", "/admin/vouchers",
             "/admin/vouchers/issues", "/admin/audit", "/admin/partner/applications",
             "/admin/partner/vouchers", "/admin/partner/vouchers/new",
             "/admin/search?q=%d" % m.uin, "/admin/pickup/batches/%d/disable" % bid,
             "/admin/orders/%d" % pickup, "/admin/orders/%d/refund" % pickup,
             "/admin/nowhere"]
    for path in paths:
        r = a.get(path)
        assert r.status in (200, 404), (path, r)
        assert not CJK.search(visible(r.text, ("HK cloud server",))), \
            (path, CJK.findall(visible(r.text, ("HK cloud server",))))
    # the log says what happened, where a button says what to do (issue 31)
    a.post("/admin/pickup/batches/%d/disable" % bid, {"csrf": a.csrf_of("/admin")})
    log = a.get("/admin/audit?target=batch:%d" % bid).text
    assert re.findall(r'data-field="action" data-value="pickup\.batch\.[a-z]+">([^<]+)<', log) \
        == ["Pickup card batch disabled", "Pickup card batch created"], log
    assert '<option value="campaign.disable">Campaign disabled</option>' in log
    # the CSV headings too; its times are the spreadsheet's, in any language
    usage = a.get("/admin/pickup/usage.csv?batch=%d" % bid).text
    assert usage.startswith("\ufeff\"Batch\",\"Card code\",\"UIN\""), usage[:80]
    assert re.search(r'"\d{4}-\d\d-\d\d \d\d:\d\d"', usage.splitlines()[1]), usage


def test_partner_pages_in_english():
    from fixtures import account, ptemplate, type2
    p = account(partner=True)
    c = account(reseller=p.uin)
    pv, trial = type2(p, c)
    english(p)
    names = ("经销商测试 %d" % p.uin, "经销商测试 %d" % c.uin, "试用模板")
    for path in ("/partner", "/partner/customers", "/partner/templates",
                 "/partner/templates/new", "/partner/vouchers", "/partner/vouchers/%d" % pv,
                 "/partner/customer-templates", "/partner/customer-templates/new",
                 "/partner/customer-vouchers", "/partner/customer-vouchers/%d" % trial,
                 "/partner/charges", "/partner/settings", "/partner/vouchers/%d/invalidate" % pv):
        r = p.get(path)
        assert r.status in (200, 422) and '<html lang="en">' in r.text, (path, r)
        assert not CJK.search(visible(r.text, names)), (path, CJK.findall(visible(r.text, names)))
