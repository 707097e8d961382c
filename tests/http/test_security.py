"""test_security.py - the findings of issue 25's review, each over HTTP
(or the raw FastCGI socket) against the running stack: what a text field
and a CSV cell take, where cash is paid, where a whole code can be seen,
what a copy of the database holds, the socket and the headers."""
import csv
import io

from kq import sql
from test_pickup import BATCH, admin, member
from test_vouchers import order, post


def test_text_fields_take_no_control_character_and_reasons_take_lines():
    """SPEC §7: a single-line field refuses every control character (a
    label took CR and tab); a multi-line one takes LF, CR LF becoming LF;
    an export neutralises a cell that starts with CR or LF."""
    a = admin()
    tok = a.csrf_of("/admin/pickup/batches/new")
    before = sql("SELECT COUNT(*) FROM pickup_batches")
    for bad in ("香港\r", "a\tb", "a\nb", "a\r\nb"):
        r = a.post("/admin/pickup/batches", dict(BATCH, label=bad, csrf=tok))
        assert r.status == 422 and r.flash() == ("error", "invalid_field"), (bad, r)
        assert 'name="label"' in r.text and 'aria-invalid="true"' in r.text
    assert sql("SELECT COUNT(*) FROM pickup_batches") == before

    m = member()
    oid = order(m, "cvm", "80")
    assert post(m, "/user/orders/%d/confirm" % oid, voucher="").status == 303
    assert post(m, "/user/orders/%d/pay" % oid).status == 303
    assert post(m, "/user/orders/%d/refund" % oid, reason="一行\r二行").status == 422
    assert post(m, "/user/orders/%d/refund" % oid, reason="一行\r\n二行").status == 303
    assert sql("SELECT HEX(refund_reason) = HEX('一行\\n二行') FROM orders"
               " WHERE id = %d" % oid) == [["1"]]

    # finance's reason as it would be pasted: a line break, then a formula
    r = a.post("/admin/orders/%d/refund-reject" % oid, {
        "csrf": a.csrf_of("/admin"), "reason": "\r\n=HYPERLINK(\"http://x\")"})
    assert r.status == 303, r
    out = a.get("/admin/audit.csv?target=order:%d" % oid)
    rows = list(csv.reader(io.StringIO(out.text.lstrip("\ufeff"))))
    details = [c for row in rows[1:] for c in row if "HYPERLINK" in c]
    assert details == ["'\n=HYPERLINK(\"http://x\")"], rows


def _fcgi(sock, method, path, m=None, body=""):
    """One request to a master of the test's own, as m (a member logged in
    through nginx: the sessions are the database's)."""
    import fcgi_client
    extra = {"HTTP_COOKIE": "kq_member=" + m.cookies["kq_member"]} if m else {}
    return fcgi_client.Request(path, method=method, body=body.encode(),
                               sock_path=sock, params_extra=extra).finish()


def test_cash_is_paid_only_through_the_gateway():
    """SPEC §7: a member's pay marked cash due as paid with nothing
    collected (a Windows pick-up was queued, then refunded ¥150 never
    paid).  With cash due it hands off to checkout_url; only the signed
    callback records the payment; demo_payments keeps the stand-in."""
    from test_api import error_of
    from test_master import fd0_master, first_get
    from test_pickup import codes, confirm, create_batch
    from test_vouchers import give
    from kq import Api

    m = member()
    oid = order(m, "cvm", "150")
    assert post(m, "/user/orders/%d/confirm" % oid, voucher="").status == 303
    # this stack's demo_payments = 1: the stand-in button says what it is
    assert "data-demo-payment" in m.get("/user/orders/%d" % oid).text
    # a pick-up awaiting its Windows surcharge, its server held
    card = codes(create_batch(line="hk", count="1"))[0]
    r = confirm(m, card, "win2022")
    assert r.status == 303, (r, r.flash())
    pick = int(r.header("Location").rsplit("/", 1)[1])
    due = int(sql("SELECT cash FROM orders WHERE id = %d" % pick)[0][0])
    assert due > 0
    # nothing due in cash: the member's pay completes it alone
    free = order(m, "cvm", "150")
    vid = give(m, face="200")
    assert post(m, "/user/orders/%d/confirm" % free, voucher=str(vid)).status == 303

    with fd0_master(workers=1, demo_payments=0,
                    checkout_url="https://pay.example/checkout?shop=kq") as (
            _, _, sock, _):
        first_get(sock, "/login")
        csrf = "csrf=" + m.csrf_of("/user")
        status, headers, body = _fcgi(sock, "GET", "/user/orders/%d" % oid, m)
        assert status == 200 and "data-demo-payment" not in body, body
        assert "去收银台支付" in body
        for o, cash in ((oid, 15000), (pick, due)):
            status, headers, _ = _fcgi(sock, "POST", "/user/orders/%d/pay" % o,
                                       m, csrf)
            assert status == 303 and headers["Location"] == \
                "https://pay.example/checkout?shop=kq&order=%d&amount=%d" % (o, cash), \
                (status, headers)
        status, headers, _ = _fcgi(sock, "POST", "/user/orders/%d/pay" % free, m, csrf)
        assert status == 303 and headers["Location"] == "/user/orders/%d" % free
    assert sql("SELECT id, status, paid_cash FROM orders WHERE id IN (%d, %d, %d)"
               " ORDER BY id" % (oid, pick, free)) == [
        [str(oid), "confirmed", "0"], [str(pick), "awaiting_payment", "0"],
        [str(free), "paid", "0"]]
    assert sql("SELECT status FROM provision_outbox WHERE order_id = %d" % pick) == \
        [["held"]]

    # the gateway's signed callback records the cash, and only what is due
    api = Api(scope="orders:read,orders:write")
    error_of(api.post("/api/v1/orders/%d/pay" % oid, {"amount": 1}), 422,
             "invalid_field", "amount")
    paid = api.post("/api/v1/orders/%d/pay" % oid, {"amount": 15000})
    assert paid.status == 200 and paid.json["status"] == "paid", paid.text
    assert api.post("/api/v1/orders/%d/pay" % pick, {}).json["status"] == "paid"
    assert sql("SELECT status FROM provision_outbox WHERE order_id = %d" % pick) == \
        [["pending"]]
    # a refund returns what was recorded paid, never more
    a = admin()
    for o in (oid, free):
        assert a.post("/admin/orders/%d/refund" % o,
                      {"csrf": a.csrf_of("/admin")}).status == 303
    assert sql("SELECT paid_cash, refunded_cash FROM orders WHERE id IN (%d, %d)"
               " ORDER BY id" % (oid, free)) == [["15000", "15000"], ["0", "0"]]
