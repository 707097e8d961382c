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
