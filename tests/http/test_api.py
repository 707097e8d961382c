"""test_api.py - the host billing platform's API (issue 12): signatures,
scopes, idempotency, the endpoints, and the OpenAPI document against the
routes that exist."""
import json
import os
import subprocess
import threading
import time

from fixtures import (admin, confirm, create_template, error_of, give, issue,
                      member, order, pick_ups, post)
from kq import Api, BUILD, Client, code_is, ctl, ctl_fails, sql

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
ORDER = {"product": "cvm", "billing": "prepaid", "scenario": "purchase",
         "amount": 15000, "months": 1}


def test_signatures_good_bad_stale_unknown_and_revoked():
    api = Api()
    uin = member().uin
    ok = api.get("/api/v1/vouchers", query="uin=%d" % uin)
    assert ok.status == 200 and ok.json == {"vouchers": [], "next_cursor": None}, ok.text
    assert ok.header("Content-Type") == "application/json"

    # no header, another secret, another key id, a body it did not sign
    r = Client().get("/api/v1/vouchers?uin=%d" % uin)
    error_of(r, 401, "unauthorized")
    assert r.header("WWW-Authenticate") == "KQ-HMAC-SHA256"
    other = api.secret[:-1] + ("1" if api.secret[-1] == "0" else "0")
    error_of(Api(key=api.key, secret=other).get(
        "/api/v1/vouchers", query="uin=%d" % uin), 401, "unauthorized")
    error_of(Api(key="kq_" + "0" * 20, secret=api.secret).get(
        "/api/v1/vouchers", query="uin=%d" % uin), 401, "unauthorized")
    error_of(api.get("/api/v1/vouchers", query="uin=%d" % uin, headers={
        "Authorization": api.auth("GET", "/api/v1/vouchers", "uin=1")}),
        401, "unauthorized")
    body = dict(ORDER, uin=uin)
    error_of(api.post("/api/v1/orders", body, sign_body=json.dumps(
        dict(body, amount=1)).encode()), 401, "unauthorized")
    assert sql("SELECT COUNT(*) FROM orders WHERE uin = %d" % uin) == [["0"]]

    # five minutes either way, and no more
    now = int(time.time())
    assert api.get("/api/v1/vouchers", query="uin=%d" % uin, ts=now - 290).status == 200
    error_of(api.get("/api/v1/vouchers", query="uin=%d" % uin, ts=now - 310),
             401, "unauthorized")
    error_of(api.get("/api/v1/vouchers", query="uin=%d" % uin, ts=now + 310),
             401, "unauthorized")

    # the secret is sealed, not stored; a revoked key stops at once
    sealed = sql("SELECT secret_sealed FROM api_keys WHERE key_id = '%s'" % api.key)[0][0]
    assert api.secret not in sealed and api.secret[4:] not in sealed
    assert api.key in ctl("apikey", "list")
    ctl("apikey", "revoke", "--key", api.key)
    error_of(api.get("/api/v1/vouchers", query="uin=%d" % uin), 401, "unauthorized")
    rc, err = ctl_fails("apikey", "revoke", "--key", api.key)
    assert rc != 0 and "no such key" in err, err


def test_scopes_limit_a_key():
    """SPEC §7: reading is apart from changing, and a key has only what it
    was given (a key made without --scope could do everything)."""
    uin = member().uin
    readers = Api(scope="vouchers:read,orders:read")
    assert readers.get("/api/v1/vouchers", query="uin=%d" % uin).status == 200
    error_of(readers.post("/api/v1/templates/1/issue", {"uins": [uin]}, idem="s1"),
             403, "forbidden")
    error_of(readers.post("/api/v1/orders", dict(ORDER, uin=uin), idem="s2"),
             403, "forbidden")
    writer = Api(scope="orders:write")
    o = writer.post("/api/v1/orders", dict(ORDER, uin=uin), idem="s3")
    assert o.status == 201, o.text
    error_of(writer.get("/api/v1/orders/%d" % o.json["id"]), 403, "forbidden")
    assert readers.get("/api/v1/orders/%d" % o.json["id"]).status == 200
    error_of(writer.get("/api/v1/vouchers", query="uin=%d" % uin), 403, "forbidden")
    for bad in (["--scope", "orders,nope"], ["--scope", "orders"], []):
        rc, err = ctl_fails("apikey", "add", "--name", "x", *bad)
        assert rc != 0 and "--scope" in err, (bad, err)
    every = Api(scope="all").key
    assert "orders:read,orders:write,vouchers:read,vouchers:issue,pickup,partner" \
        in ctl("apikey", "list").split(every)[1].split("\n")[0]


def test_orders_create_get_pay_cancel_and_their_errors():
    api = Api()
    m = member()
    r = api.post("/api/v1/orders", dict(ORDER, uin=m.uin))
    assert r.status == 201, r.text
    o = r.json
    assert o["uin"] == m.uin and o["amount"] == 15000 and o["status"] == "pending", o
    assert o["created_at"].endswith("Z") and o["voucher_id"] is None, o
    assert sql("SELECT amount, status FROM orders WHERE id = %d" % o["id"]) == [["15000", "pending"]]
    assert api.get("/api/v1/orders/%d" % o["id"]).json == o

    # a pending order cannot be paid; the member confirms it, then it can
    error_of(api.post("/api/v1/orders/%d/pay" % o["id"]), 409, "order_state")
    assert post(m, "/user/orders/%d/confirm" % o["id"], voucher="").status == 303
    paid = api.post("/api/v1/orders/%d/pay" % o["id"])
    assert paid.status == 200 and paid.json["status"] == "paid", paid.text
    assert paid.json["cash"] == 15000 and paid.json["paid_at"], paid.json
    error_of(api.post("/api/v1/orders/%d/cancel" % o["id"]), 409, "order_state")

    other = api.post("/api/v1/orders", dict(ORDER, uin=m.uin)).json
    r = api.post("/api/v1/orders/%d/cancel" % other["id"])
    assert r.status == 200 and r.json["status"] == "cancelled", r.text
    error_of(api.post("/api/v1/orders/%d/cancel" % other["id"]), 409, "order_state")
    for path in ("pay", "cancel", "confirm", "refund"):
        error_of(api.post("/api/v1/orders/999999999/" + path), 404, "not_found")
    for path in ("", "/candidates"):
        error_of(api.get("/api/v1/orders/999999999" + path), 404, "not_found")

    # each bad field named; nothing written
    before = sql("SELECT COUNT(*) FROM orders WHERE uin = %d" % m.uin)
    error_of(api.post("/api/v1/orders", dict(ORDER, uin=m.uin, product="nope")),
             422, "invalid_field", "product")
    error_of(api.post("/api/v1/orders", dict(ORDER, uin=1)), 422, "invalid_field", "uin")
    error_of(api.post("/api/v1/orders", dict(ORDER, uin=m.uin, amount=150.5)),
             422, "invalid_field", "amount")
    error_of(api.post("/api/v1/orders", dict(ORDER, uin=m.uin, amount=0)),
             422, "invalid_field", "amount")
    # SPEC §2: ¥100,000,000 and no more (it took ¥1,000,000,000)
    error_of(api.post("/api/v1/orders", dict(ORDER, uin=m.uin, amount=10000000001)),
             422, "invalid_field", "amount")
    error_of(api.post("/api/v1/orders", dict(ORDER, uin=m.uin, scenario="gift")),
             422, "invalid_field", "scenario")
    missing = dict(ORDER, uin=m.uin)
    del missing["billing"]
    error_of(api.post("/api/v1/orders", missing), 422, "invalid_field", "billing")
    error_of(api.post("/api/v1/orders", dict(ORDER, uin=m.uin, coupon="x")),
             422, "invalid_field", "coupon")
    error_of(api.post("/api/v1/orders", b'{"uin": 1,'), 400, "bad_request")
    error_of(api.post("/api/v1/orders", b'[1, 2]'), 400, "bad_request")
    error_of(api.post("/api/v1/orders", dict(ORDER, uin=m.uin),
                      headers={"Content-Type": "text/plain"}), 400, "bad_request")
    assert sql("SELECT COUNT(*) FROM orders WHERE uin = %d" % m.uin) == before
    most = api.post("/api/v1/orders", dict(ORDER, uin=m.uin, amount=10000000000))
    assert most.status == 201 and most.json["amount"] == 10000000000, most.text

    # what nginx refuses before kaquan sees it is JSON too
    big = api.post("/api/v1/orders", b'{"uin": "' + b"1" * 70000 + b'"}')
    error_of(big, 413, "too_large")

    # what is not a route
    error_of(api.get("/api/v1/nothing"), 404, "not_found")
    error_of(api.call("DELETE", "/api/v1/orders/1"), 405, "method")
    error_of(api.get("/api/v1/vouchers", query="page=2"), 400, "bad_request")


def test_idempotency_replay_mismatch_and_race():
    api = Api()
    uin = member().uin
    body = dict(ORDER, uin=uin)
    first = api.post("/api/v1/orders", body, idem="order-1")
    assert first.status == 201 and first.header("Idempotent-Replayed") is None
    again = api.post("/api/v1/orders", body, idem="order-1")
    assert again.status == 201 and again.body == first.body, again.text
    assert again.header("Idempotent-Replayed") == "true"
    error_of(api.post("/api/v1/orders", dict(body, amount=16000), idem="order-1"),
             409, "idempotency_mismatch")
    # the key is the API key's own: another key may use the same words
    assert Api().post("/api/v1/orders", body, idem="order-1").json["id"] != first.json["id"]
    assert sql("SELECT COUNT(*) FROM orders WHERE uin = %d" % uin) == [["2"]]
    error_of(api.post("/api/v1/orders", body, idem="a b"), 422, "invalid_field",
             "Idempotency-Key")
    # an error is an answer too: replayed, not run again
    bad = api.post("/api/v1/orders/999999999/cancel", idem="cancel-1")
    assert api.post("/api/v1/orders/999999999/cancel", idem="cancel-1").body == bad.body
    # past IDEM_HOURS the key is free again: another request may claim it
    sql("UPDATE api_idempotency SET created_at = UTC_TIMESTAMP() - INTERVAL 25 HOUR"
        " WHERE idem_key = 'order-1' AND api_key = (SELECT id FROM api_keys"
        " WHERE key_id = '%s')" % api.key)
    later = api.post("/api/v1/orders", dict(body, months=4), idem="order-1")
    assert later.status == 201 and later.json["id"] != first.json["id"], later.text
    assert later.header("Idempotent-Replayed") is None
    assert api.post("/api/v1/orders", dict(body, months=4), idem="order-1").body == later.body

    # twelve at once with one key: one order; the rest see it or wait
    out = []

    def go():
        out.append(api.post("/api/v1/orders", dict(body, months=2), idem="race"))
    threads = [threading.Thread(target=go) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    made = [r for r in out if r.status == 201 and not r.header("Idempotent-Replayed")]
    assert len(made) == 1, [(r.status, r.text) for r in out]
    for r in out:
        if r.status == 201:
            assert r.json["id"] == made[0].json["id"]
        else:
            error_of(r, 409, "idempotency_in_progress")
    assert sql("SELECT COUNT(*) FROM orders WHERE uin = %d AND months = 2" % uin) == [["1"]]


def test_a_signed_post_works_once():
    """SPEC §7: a captured POST sent again is refused on every worker (it
    issued three times, and made three orders); the Idempotency-Key is
    signed and required; a client's retry signs again with the same key."""
    api = Api()
    uin = member().uin
    order = dict(ORDER, uin=uin)
    body = json.dumps(order).encode()
    h = {"Authorization": api.auth("POST", "/api/v1/orders", "", body, idem="once-1"),
         "Content-Type": "application/json", "Idempotency-Key": "once-1"}
    first = Client().request("POST", "/api/v1/orders", headers=h, raw_body=body)
    assert first.status == 201, first.text
    for _ in range(3):      # the captured copy, to whichever worker
        error_of(Client().request("POST", "/api/v1/orders", headers=h, raw_body=body),
                 401, "replayed")
    # the key is signed: the same signature with another key is not good
    error_of(Client().request("POST", "/api/v1/orders", raw_body=body,
                              headers=dict(h, **{"Idempotency-Key": "once-2"})),
             401, "unauthorized")
    # the client's retry: signed again, the same key, the first answer
    retry = api.post("/api/v1/orders", order, idem="once-1", ts=int(time.time()) + 1)
    assert retry.status == 201 and retry.body == first.body, retry.text
    assert retry.header("Idempotent-Replayed") == "true"
    # no key, no POST: 400 before anything runs
    error_of(api.post("/api/v1/orders", order, idem=False), 400,
             "idempotency_required", "Idempotency-Key")
    assert sql("SELECT COUNT(*) FROM orders WHERE uin = %d" % uin) == [["1"]]
    # GETs change nothing and are not remembered
    g = {"Authorization": api.auth("GET", "/api/v1/orders/%d" % first.json["id"])}
    for _ in range(2):
        assert Client().get("/api/v1/orders/%d" % first.json["id"],
                            headers=g).status == 200
    # the POST signatures that ran (the copies', the refused one's and the
    # GETs' are not), kept while their timestamps are good; the sweep
    # forgets older ones
    assert sql("SELECT COUNT(*) FROM api_signatures s JOIN api_keys k"
               " ON k.id = s.api_key WHERE k.key_id = '%s'" % api.key) == [["2"]]
    mine = "api_key = (SELECT id FROM api_keys WHERE key_id = '%s')" % api.key
    sql("UPDATE api_signatures SET created_at = UTC_TIMESTAMP() - INTERVAL 12 MINUTE"
        " WHERE " + mine)
    out = ctl("sweep")
    assert int(out.split(" signatures forgotten")[0].rsplit(" ", 1)[1]) >= 2, out
    assert sql("SELECT COUNT(*) FROM api_signatures WHERE " + mine) == [["0"]]


def test_an_answer_outlives_a_worker_killed_after_its_commit():
    """SPEC §7: the answer is kept in the change's transaction.  A worker
    that dies between the commit and the answer leaves an answer for the
    retry (it left the key "running": 409 for 24 hours)."""
    from fixtures import fd0_master, first_get
    import fcgi_client
    api = Api()
    uin = member().uin
    body = json.dumps(dict(ORDER, uin=uin, months=3)).encode()
    with fd0_master(env={"KAQUAN_FAULT": "api-after-commit"}, workers=1) as (
            master, tmp, sock, _):
        first_get(sock, "/login")
        status, headers, text = fcgi_client.Request(
            "/api/v1/orders", method="POST", body=body, sock_path=sock,
            params_extra={"CONTENT_TYPE": "application/json",
                          "HTTP_IDEMPOTENCY_KEY": "killed-1",
                          "HTTP_AUTHORIZATION": api.auth(
                              "POST", "/api/v1/orders", "", body, idem="killed-1")}
        ).finish()
        assert "Status" not in headers and text == "", (status, headers, text)
    made = sql("SELECT id FROM orders WHERE uin = %d" % uin)
    assert len(made) == 1, made     # committed, then the worker died
    retry = api.post("/api/v1/orders", dict(ORDER, uin=uin, months=3), idem="killed-1")
    assert retry.status == 201 and retry.header("Idempotent-Replayed") == "true", retry.text
    assert retry.json["id"] == int(made[0][0])
    assert sql("SELECT COUNT(*) FROM orders WHERE uin = %d" % uin) == [["1"]]


def test_an_answer_in_chinese_is_kept():
    """The stored answer was ascii: a voucher named in Chinese left its key
    "running", and every retry got 409 for a day."""
    api = Api(scope="vouchers:read,vouchers:issue")
    m = member()
    tid = create_template(name="中文接口券", face="50")
    issue(tid, mode="targeted", uins=str(m.uin))
    vid = int(sql("SELECT id FROM vouchers WHERE uin = %d" % m.uin)[0][0])
    first = api.post("/api/v1/vouchers/%d/invalidate" % vid, idem="zh-1")
    assert first.status == 200 and first.json["name"] == "中文接口券", first.text
    again = api.post("/api/v1/vouchers/%d/invalidate" % vid, idem="zh-1",
                     ts=int(time.time()) + 1)
    assert again.status == 200 and again.body == first.body, again.text
    assert again.header("Idempotent-Replayed") == "true"


def test_vouchers_list_by_cursor_and_one_with_its_ledger():
    api = Api(scope="vouchers:read,vouchers:issue")
    m = member()
    tid = create_template(name="接口券", face="50")
    for _ in range(23):
        issue(tid, mode="targeted", uins=str(m.uin))
    page = api.get("/api/v1/vouchers", query="uin=%d" % m.uin)
    assert page.status == 200 and len(page.json["vouchers"]) == 20, page.text
    ids = [v["id"] for v in page.json["vouchers"]]
    assert ids == sorted(ids, reverse=True) and page.json["next_cursor"] == ids[-1]
    v = page.json["vouchers"][0]
    assert v["uin"] == m.uin and v["face"] == 5000 and v["name"] == "接口券", v
    assert v["status"] == "available" and v["valid_to"].endswith("Z"), v
    rest = api.get("/api/v1/vouchers", query="uin=%d&cursor=%d" % (m.uin, ids[-1]))
    more = [x["id"] for x in rest.json["vouchers"]]
    assert len(more) == 3 and max(more) < ids[-1] and rest.json["next_cursor"] is None
    assert api.get("/api/v1/vouchers", query="uin=%d&status=used" % m.uin).json["vouchers"] == []
    assert len(api.get("/api/v1/vouchers", query="template=%d" % tid).json["vouchers"]) == 20
    other = create_template(name="别的券")
    assert api.get("/api/v1/vouchers", query="template=%d" % other).json["vouchers"] == []
    error_of(api.get("/api/v1/vouchers", query="status=lost"), 422, "invalid_field", "status")

    one = api.get("/api/v1/vouchers/%d" % ids[0])
    assert one.status == 200 and one.json["id"] == ids[0], one.text
    assert [(x["kind"], x["amount"], x["balance"]) for x in one.json["ledger"]] == \
        [("issue", 5000, 5000)], one.json
    error_of(api.get("/api/v1/vouchers/999999999"), 404, "not_found")


def test_candidates_confirm_pay_refund_as_the_platform():
    api = Api(scope="orders:read,orders:write")
    m = member()
    general = give(m, name="通用", face="100")
    big_min = give(m, name="满1000", face="500", min_amount="1000")
    postpaid = give(m, name="后付费", face="90", billing="postpaid")
    oid = api.post("/api/v1/orders", dict(ORDER, uin=m.uin)).json["id"]
    r = api.get("/api/v1/orders/%d/candidates" % oid)
    assert r.status == 200 and r.json["recommended"] == general, r.text
    assert [(v["id"], v["deduct"]) for v in r.json["candidates"]] == [(general, 10000)]
    why = {v["id"]: v["reason"] for v in r.json["not_applicable"]}
    assert why == {big_min: "min_amount", postpaid: "billing"}, why

    # a voucher that does not fit is refused; the recommended one freezes
    error_of(api.post("/api/v1/orders/%d/confirm" % oid, {"voucher_id": big_min}),
             409, "voucher_not_applicable")
    r = api.post("/api/v1/orders/%d/confirm" % oid, {"voucher_id": general})
    assert r.status == 200 and r.json["voucher_id"] == general, r.text
    assert r.json["voucher_amount"] == 10000 and r.json["cash"] == 5000, r.json
    assert sql("SELECT status FROM vouchers WHERE id = %d" % general) == [["frozen"]]
    error_of(api.post("/api/v1/orders/%d/confirm" % oid, {}), 409, "order_state")
    paid = api.post("/api/v1/orders/%d/pay" % oid)
    assert paid.status == 200 and paid.json["status"] == "paid", paid.text
    assert sql("SELECT status, balance FROM vouchers WHERE id = %d" % general) == [["used", "0"]]

    # the refund is the cash part, audited as the key
    r = api.post("/api/v1/orders/%d/refund" % oid, {"note": "客户退订"})
    assert r.status == 200 and r.json["status"] == "refunded", r.text
    assert sql("SELECT actor_kind, actor_login FROM audit_log WHERE action LIKE '%%refund%%'"
               " AND target LIKE '%%%d%%' ORDER BY id DESC LIMIT 1" % oid) == [["api", api.key]]
    error_of(api.post("/api/v1/orders/%d/refund" % oid), 409, "order_state")
    error_of(api.post("/api/v1/orders/%d/refund" % oid, {"note": "x" * 201}),
             422, "invalid_field", "note")


def test_issue_to_accounts_and_invalidate_as_the_platform():
    api = Api(scope="vouchers:read,vouchers:issue")
    m = member()
    tid = create_template(name="活动券", face="20")
    r = api.post("/api/v1/templates/%d/issue" % tid, {"uins": [m.uin, 1]})
    assert r.status == 201, r.text
    assert r.json["results"] == [{"uin": m.uin, "result": "issued"},
                                 {"uin": 1, "result": "unknown_uin"}], r.json
    mine = api.get("/api/v1/vouchers", query="uin=%d" % m.uin).json["vouchers"]
    assert [(v["name"], v["face"]) for v in mine] == [("活动券", 2000)], mine
    error_of(api.post("/api/v1/templates/%d/issue" % tid, {"uins": []}),
             422, "invalid_field", "uins")
    error_of(api.post("/api/v1/templates/%d/issue" % tid, {"uins": ["x"]}),
             422, "invalid_field", "uins")
    error_of(api.post("/api/v1/templates/999999999/issue", {"uins": [m.uin]}),
             404, "not_found")

    vid = mine[0]["id"]
    r = api.post("/api/v1/vouchers/%d/invalidate" % vid)
    assert r.status == 200 and r.json["status"] == "invalidated", r.text
    assert sql("SELECT actor_kind FROM audit_log WHERE actor_login = '%s'"
               " ORDER BY id" % api.key) == [["api"], ["api"]]
    error_of(api.post("/api/v1/vouchers/%d/invalidate" % vid), 409, "voucher_state")
    # the backend's page says the same (it said order_state)
    a = admin()
    r = a.post("/admin/vouchers/%d/invalidate" % vid, {"csrf": a.csrf_of("/admin")})
    assert r.status == 409 and r.flash() == ("error", "voucher_state"), r
    error_of(api.post("/api/v1/vouchers/999999999/invalidate"), 404, "not_found")


def test_provisioning_outbox_two_consumers_each_request_once():
    m, cards, orders = pick_ups(12)
    mine = {int(i) for (i,) in sql("SELECT id FROM provision_outbox WHERE order_id IN (%s)"
                                   % ",".join(map(str, orders)))}
    a, b = Api(scope="pickup"), Api(scope="pickup")
    got = {a.key: [], b.key: []}

    def consume(api):
        for _ in range(100):    # bounded: a request offered again loops
            r = api.post("/api/v1/provisioning/take", {"limit": 3})
            assert r.status == 200, r.text
            if not r.json["requests"]:
                return
            got[api.key].extend(x["id"] for x in r.json["requests"])
    threads = [threading.Thread(target=consume, args=(x,)) for x in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = got[a.key] + got[b.key]
    assert len(every) == len(set(every)), "a request was delivered twice"
    assert mine <= set(every), mine - set(every)
    # leased: neither the other consumer nor the demo provisioner takes them
    assert b.post("/api/v1/provisioning/take", {}).json["requests"] == []
    ctl("provision")
    assert sql("SELECT COUNT(*) FROM provision_outbox WHERE id IN (%s) AND status = 'pending'"
               % ",".join(map(str, mine))) == [[str(len(mine))]]

    # only the lease's holder acknowledges (SPEC §7): b may not mark a's
    # request failed, which cancelled its order while it could be booting
    first = min(mine)
    holder = {i: api for api in (a, b) for i in got[api.key]}
    other = b if holder[first] is a else a
    a = holder[first]
    error_of(other.post("/api/v1/provisioning/%d/failed" % first, {"reason": "x"}),
             409, "not_leased")
    error_of(other.post("/api/v1/provisioning/%d/active" % first), 409, "not_leased")
    assert sql("SELECT status FROM provision_outbox WHERE id = %d" % first) == [["pending"]]

    # acknowledged: booted; a second acknowledgement is refused
    r = a.post("/api/v1/provisioning/%d/active" % first)
    assert r.status == 200 and r.json["request"]["status"] == "active", r.text
    assert r.json["order"]["status"] == "paid"
    error_of(a.post("/api/v1/provisioning/%d/active" % first), 409, "conflict")
    error_of(a.post("/api/v1/provisioning/%d/failed" % first, {"reason": "x"}),
             409, "conflict")
    error_of(a.post("/api/v1/provisioning/999999999/active"), 404, "not_found")
    error_of(a.post("/api/v1/provisioning/999999999/failed", {"reason": "x"}),
             404, "not_found")

    # a failed boot: in one transaction the card is back, the order cancelled
    req = sorted(mine)[1]
    a = holder[req]
    oid, card_id = [int(x) for x in sql(
        "SELECT o.id, o.card_id FROM provision_outbox p JOIN orders o ON o.id = p.order_id"
        " WHERE p.id = %d" % req)[0]]
    error_of(a.post("/api/v1/provisioning/%d/failed" % req, {}), 422,
             "invalid_field", "reason")
    r = a.post("/api/v1/provisioning/%d/failed" % req, {"reason": "宿主机无资源"})
    assert r.status == 200, r.text
    assert r.json["request"]["status"] == "failed" and r.json["order"]["status"] == "cancelled"
    assert sql("SELECT status, uin, order_id FROM pickup_cards WHERE id = %d" % card_id) == \
        [["unused", "NULL", "NULL"]]
    assert sql("SELECT actor_kind, action FROM audit_log WHERE target = 'order:%d'" % oid) == \
        [["api", "provision.failed"]]
    # the card picks up again
    again = confirm(member(), [c for c in cards if sql(
        "SELECT id FROM pickup_cards WHERE " + code_is(c))[0][0] ==
        str(card_id)][0], "debian12")
    assert again.status == 303, (again, again.flash())


def test_a_failed_boot_with_a_surcharge_refunds_it():
    m, cards, (oid,) = pick_ups(1, os="win2022")
    assert post(m, "/user/orders/%d/pay" % oid).status == 303
    api = Api(scope="pickup")
    req = int(sql("SELECT id FROM provision_outbox WHERE order_id = %d" % oid)[0][0])
    # not taken: not leased to anyone
    error_of(api.post("/api/v1/provisioning/%d/failed" % req, {"reason": "x"}),
             409, "not_leased")
    assert req in [x["id"] for x in
                   api.post("/api/v1/provisioning/take", {"limit": 100}).json["requests"]]
    r = api.post("/api/v1/provisioning/%d/failed" % req, {"reason": "镜像损坏"})
    assert r.status == 200, r.text
    assert r.json["order"]["status"] == "refunded" and r.json["order"]["refund"] == "approved"
    assert sql("SELECT status FROM pickup_cards WHERE order_id IS NULL AND "
               + code_is(cards[0])) == [["unused"]]


def test_partner_charges_by_cursor_for_settlement():
    from fixtures import account
    p = account(partner=True)
    customer = account(reseller=p.uin)
    api = Api(scope="orders:read,orders:write,partner")
    paid = []
    for i in range(21):
        oid = api.post("/api/v1/orders", dict(ORDER, uin=customer.uin,
                                              amount=1000 + i)).json["id"]
        assert api.post("/api/v1/orders/%d/confirm" % oid, {}).status == 200
        assert api.post("/api/v1/orders/%d/pay" % oid).status == 200
        paid.append(oid)
    page = api.get("/api/v1/partners/%d/charges" % p.uin)
    assert page.status == 200 and page.json["partner_uin"] == p.uin, page.text
    rows = page.json["charges"]
    assert len(rows) == 20 and page.json["next_cursor"] == rows[-1]["id"]
    assert rows[0]["order_id"] == paid[-1] and rows[0]["amount"] == 1020, rows[0]
    assert rows[0]["customer_uin"] == customer.uin and rows[0]["status"] == "charged"
    assert rows[0]["cash"] == 1020 and rows[0]["partner_voucher_id"] is None, rows[0]
    rest = api.get("/api/v1/partners/%d/charges" % p.uin,
                   query="cursor=%d" % page.json["next_cursor"])
    assert [x["order_id"] for x in rest.json["charges"]] == [paid[0]]
    assert rest.json["next_cursor"] is None
    assert api.get("/api/v1/partners/%d/charges" % p.uin,
                   query="to=2020-01-01").json["charges"] == []
    error_of(api.get("/api/v1/partners/%d/charges" % p.uin, query="from=2026-13-01"),
             422, "invalid_field", "from")
    error_of(api.get("/api/v1/partners/%d/charges" % customer.uin), 404, "not_found")
    error_of(Api(scope="orders:read,orders:write").get("/api/v1/partners/%d/charges" % p.uin),
             403, "forbidden")


def test_the_readme_signing_example_works_as_written():
    """README: Integrating's shell example, run as it is with a real key."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    block = text.split("```sh\nKEY=kq_", 1)[1].split("```", 1)[0]
    api = Api(scope="orders:read,orders:write")
    uin = member().uin
    script = 'KEY=%s; SECRET=%s; URL=%s\n%s' % (
        api.key, api.secret, os.environ["KAQUAN_URL"],
        block.split("\n", 1)[1].replace("100001", str(uin)).replace(
            "order-4711", "readme-%d" % uin))
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                         timeout=30)
    answer = json.loads(out.stdout)
    assert answer["uin"] == uin and answer["status"] == "pending", out


def test_openapi_document_matches_the_routes():
    with open(os.path.join(ROOT, "fcgi", "openapi.json")) as f:
        doc = json.load(f)
    assert doc["openapi"].startswith("3.")
    documented = {(method.upper(), path) for path, ops in doc["paths"].items()
                  for method in ops}
    out = subprocess.run([os.path.join(BUILD, "kaquan-fcgi"), "--api-routes"],
                         capture_output=True, text=True, check=True).stdout
    served = {tuple(line.split(" ", 1)) for line in out.splitlines()}
    assert documented == served, (documented - served, served - documented)
