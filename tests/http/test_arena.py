"""test_arena.py - a request that runs out of memory answers 503, never a
page, a file or an API answer with values missing (issue 26.2).  The fault
walk goes over a handler's whole fill, not only its core calls: with
KAQUAN_FAULT=arena a request's X-Kaquan-Arena-Fail: N makes its N-th
allocation fail, and every one after it (as the arena's cap does to the
large ones), for each N from 0 until the answer is whole."""
import fcgi_client
from fixtures import (account, admin, create_batch, fd0_master, first_get,
                      give, member, order)
from kq import Api, sql

WALK_MAX = 3000     # allocations: far more than any of these pages makes


def _walk(sock, path, query="", headers=None):
    """The answer with no fault, then one for each N: a 503 until N covers
    every allocation, then that same answer.  Returns how many N gave a
    503 (the allocations the request makes)."""
    def once(extra):
        return fcgi_client.Request(path, sock_path=sock, query=query,
                                   params_extra=dict(headers or {}, **extra)).finish()
    status, _, whole = once({})
    assert status == 200, (status, whole[:300])
    for n in range(WALK_MAX):
        status, _, text = once({"HTTP_X_KAQUAN_ARENA_FAIL": str(n)})
        if status == 503:
            continue
        # the first N that is enough: all of it, or it would be a 503
        assert status == 200 and text == whole, (n, status, text[:400])
        return n
    raise AssertionError("%s: still 503 after %d allocations" % (path, WALK_MAX))


def _cookie(c):
    return {"HTTP_COOKIE": "; ".join("%s=%s" % kv for kv in c.cookies.items())}


def test_running_out_of_memory_is_a_503_never_a_page_with_values_missing():
    m = member()
    for i in range(3):
        give(m, name="内存券 %d" % i)
    a = admin()
    api = Api(scope="vouchers:read")
    vid = int(sql("SELECT MAX(id) FROM vouchers WHERE uin = %d" % m.uin)[0][0])
    oid = order(m, amount="150")
    bid = create_batch(count="3")
    p = account(partner=True)
    with fd0_master(env={"KAQUAN_FAULT": "arena"}, workers=1) as (_, _, sock, _):
        first_get(sock, "/login")
        # a member's pages, an admin's, a list's CSV export, a ledger file
        for path in ("/user", "/user/orders/%d" % oid, "/user/pickup"):
            assert _walk(sock, path, headers=_cookie(m)) > 10, path
        assert _walk(sock, "/user/vouchers", headers=_cookie(m)) > 10
        for path in ("/admin", "/admin/orders/%d" % oid,
                     "/admin/pickup/batches/%d" % bid, "/admin/audit"):
            assert _walk(sock, path, headers=_cookie(a)) > 10, path
        for path in ("/partner", "/partner/vouchers", "/partner/charges"):
            assert _walk(sock, path, headers=_cookie(p)) > 10, path
        assert _walk(sock, "/admin/vouchers", query="uin=%d" % m.uin,
                     headers=_cookie(a)) > 10
        assert _walk(sock, "/admin/vouchers.csv", query="uin=%d" % m.uin,
                     headers=_cookie(a)) > 10
        assert _walk(sock, "/user/vouchers/%d/ledger.csv" % vid,
                     headers=_cookie(m)) > 10
        # the API: a 503 in JSON, never an object with members missing
        path = "/api/v1/vouchers/%d" % vid
        n = _walk(sock, path, headers={"HTTP_AUTHORIZATION": api.auth("GET", path)})
        assert n > 10, n
