"""capture.py - the golden pages' views from the real handlers (make
golden): against a fresh private stack whose workers write each page's view
(KAQUAN_VIEW_DUMP), it opens the pages below with fixed data, then keeps
each view as tests/golden/NAME.view with what changes from run to run (the
CSRF tokens) made fixed.  test_golden renders every .view strictly and
compares it with NAME.html; make golden writes those too."""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "http"))
from kq import Client, ctl, sql  # noqa: E402

DUMP = os.environ["KAQUAN_VIEW_DUMP"]
GOLDEN = os.path.join(ROOT, "tests", "golden")

# what each golden page is, and the comment its .view starts with
PAGES = {
    "login": "the member login form, a failed attempt re-shown",
    "user.vouchers": "My Vouchers: one voucher frozen by an order, two available",
    "admin.voucher.template.new": "the new voucher template form",
}


def member():
    ctl("account", "add", "--uin", "100001", "--name", "演示账号")
    ctl("user", "add", "--uin", "100001", "--login", "demo", "--owner", "--finance",
        password="demo-pass")
    m = Client()
    assert m.login("demo", "demo-pass").status == 303
    return m


def admin():
    ctl("admin", "add", "--login", "finance", "--role", "admin", password="admin-pass")
    a = Client()
    assert a.login("finance", "admin-pass", admin=True).status == 303
    return a


def template(a, **form):
    form = dict({"face": "100", "balance_mode": "single_use", "scope": "all",
                 "billing": "prepaid", "validity_by": "dates",
                 "valid_from": "2026-11-01", "valid_to": "2027-11-01"}, **form)
    form["csrf"] = a.csrf_of("/admin/vouchers/templates/new")
    r = a.post("/admin/vouchers/templates", form)
    assert r.status == 303, (r, r.flash())
    tid = int(r.header("Location").rsplit("/", 1)[1])
    r = a.post("/admin/vouchers/templates/%d/issue" % tid,
               {"csrf": a.csrf_of("/admin"), "mode": "targeted", "uins": "100001"})
    assert r.status == 303, (r, r.flash())


def pages():
    c = Client()
    form = c.get("/login")
    c.post("/login", {"csrf": form.csrf(), "login": "demo<script>", "password": "x"})
    keep("login")
    a = admin()
    a.get("/admin/vouchers/templates/new")
    keep("admin.voucher.template.new")
    m = member()
    template(a, name="通用券", face="50")
    template(a, name="新用户 <b>代金券</b>", scope="include", products=["cvm", "redis"])
    template(a, name="续费券", face="30", billing=["prepaid", "postpaid"])
    # the oldest is frozen for an order
    oid = int(ctl("order", "create", "--uin", "100001", "--product", "cvm",
                  "--billing", "prepaid", "--scenario", "purchase", "--amount", "80",
                  "--months", "1"))
    vid = sql("SELECT MIN(id) FROM vouchers WHERE uin = 100001")[0][0]
    r = m.post("/user/orders/%d/confirm" % oid, {"csrf": m.csrf_of("/user"), "voucher": vid})
    assert r.status == 303, (r, r.flash())
    m.get("/user")     # the confirmation's flash is shown there
    m.get("/user/vouchers?status=all")
    keep("user.vouchers")


def keep(name):
    """The view the page just rendered is the golden one."""
    text = open(os.path.join(DUMP, name + ".view")).read()
    # made fixed: the tokens (CSRF) are new every run
    text = re.sub(r"\b[0-9a-f]{64}\b", "0" * 64, text)
    page, _, rest = text.partition("\n")
    with open(os.path.join(GOLDEN, name + ".view"), "w") as f:
        f.write("%s\n# %s (make golden: from the handler)\n%s" % (page, PAGES[name], rest))


if __name__ == "__main__":
    pages()
