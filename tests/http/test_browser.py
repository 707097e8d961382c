"""test_browser.py - the member and admin journeys in headless Chromium
(issue 9), both languages, 1280 and 390 px: tests/browser/journeys.mjs does
the walking; this prepares what it walks through and reads its verdict.
Screenshots are left in var/test/shots/ (KAQUAN_VAR/shots)."""
import json
import os
import shutil
import subprocess

from fixtures import create_batch, create_template, give, order, post
from kq import Client, URL, VAR, ctl, new_admin, new_member

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_journeys_in_both_languages_and_widths():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium is not installed (conf/dev/deps.sh installs it)"
    uin, login, pw = new_member()
    m = Client()
    assert m.login(login, pw).status == 303
    m.uin = uin
    give(m, name="Browser voucher")
    oid = order(m, amount="150")
    due = order(m, amount="80")     # confirmed with cash due: the pay button
    assert post(m, "/user/orders/%d/confirm" % due, voucher="").status == 303
    # a coupon of 10 for each run's order of 10 (SPEC §10), claimed there
    from test_campaigns import campaign
    cid = campaign(name="Browser coupon", amount_off="10", per_account="4", audience="targeted",
             uins=str(uin))
    small = [order(m, amount="10") for _ in range(4)]
    alogin, apw = new_admin()
    ctl("sweep")        # the reports' figures, as of now
    # a batch above the stack's approval_cap (SPEC §11): its request's id,
    # asked by the fixtures' admin, so the journey's admin may approve it
    approval = create_batch(count="1001", name="HK cloud server")
    cfg = {
        "url": URL, "shots": os.path.join(VAR, "shots"), "chromium": chromium,
        "member": {"login": login, "password": pw, "order": oid, "due": due, "small": small},
        "admin": {"login": alogin, "password": apw, "batch": create_batch(count="3", name="HK cloud server"),
                  "template": create_template(name="Browser template"), "uin": uin,
                  "campaign": cid, "approval": approval},
    }
    r = subprocess.run(["node", os.path.join(ROOT, "tests", "browser", "journeys.mjs"),
                        json.dumps(cfg)], capture_output=True, text=True, timeout=600)
    out = r.stdout.strip().splitlines()
    fails = [line for line in out if line.startswith("FAIL")]
    assert out and out[-1].startswith("browser: "), (r.stdout[-2000:], r.stderr[-2000:])
    assert r.returncode == 0 and not fails, "\n".join(fails[:20]) + r.stderr[-1000:]
    assert int(out[-1].split()[1]) > 100, out[-1]
