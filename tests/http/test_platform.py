"""test_platform.py - login, sessions, CSRF, separation, headers, limits and
a worker killed under load: issue 2's platform against the real stack."""
import os
import re
import signal
import subprocess
import threading
import time

from fixtures import _workers
from kq import (BUILD, Client, VAR, ctl_fails, new_admin, new_member,
                sha256_hex, sql)


def check_html_headers(r, behind_login=True):
    assert r.header("Content-Type") == "text/html; charset=utf-8", r.headers
    assert r.header("X-Content-Type-Options") == "nosniff"
    csp = r.header("Content-Security-Policy") or ""
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, csp
    if behind_login:
        assert r.header("Cache-Control") == "no-store"


def test_login_page_markers_and_headers():
    c = Client()
    r = c.get("/login")
    assert r.status == 200 and r.page() == "login", r
    check_html_headers(r, behind_login=False)
    assert r.csrf() and len(r.csrf()) == 64
    pre = [v for k, v in r.headers if k.lower() == "set-cookie" and "kq_pre" in v][0]
    assert "HttpOnly" in pre and "SameSite=Strict" in pre, pre
    assert c.get("/admin/login").page() == "admin.login"


def test_member_login_and_logout():
    uin, login, pw = new_member()
    c = Client()
    r = c.login(login, pw)
    assert r.status == 303 and r.header("Location") == "/user", r
    cookie = [v for k, v in r.headers if k.lower() == "set-cookie" and "kq_member" in v][0]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie
    home = c.get("/user")
    assert home.status == 200 and home.page() == "user.home", home
    check_html_headers(home)
    assert home.field("uin") == str(uin), home.text
    old = dict(c.cookies)

    r = c.post("/logout", {"csrf": home.csrf()})
    assert r.status == 303 and r.header("Location") == "/login", r
    after = c.get("/login")
    assert after.flash() == ("ok", "logged_out"), after.flash()
    # the old session is dead server-side, even if the cookie is replayed
    replay = Client()
    replay.cookies = old
    r = replay.get("/user")
    assert r.status == 303 and r.header("Location") == "/login", r


def test_wrong_password_is_422_and_keeps_login():
    _, login, _ = new_member()
    c = Client()
    r = c.login(login, "wrong-password")
    assert r.status == 422 and r.flash() == ("error", "login_failed"), r
    assert r.page() == "login"
    assert 'value="%s"' % login in r.text
    r = c.login("nobody-at-all", "whatever")
    assert r.status == 422 and r.flash() == ("error", "login_failed"), r
    r = c.login("bad login!", "whatever")
    assert r.status == 422 and r.flash()[1] == "invalid_field", r
    assert 'data-field="login"' in r.text


def test_post_without_or_with_wrong_csrf_is_403():
    _, login, pw = new_member()
    c = Client()
    c.get("/login")
    r = c.post("/login", {"login": login, "password": pw})
    assert r.status == 403 and r.flash() == ("error", "csrf"), r
    r = c.post("/login", {"csrf": "0" * 64, "login": login, "password": pw})
    assert r.status == 403 and r.flash() == ("error", "csrf"), r
    # a session's forms need the session's token, not the pre-login one
    assert c.login(login, pw).status == 303
    r = c.post("/logout", {})
    assert r.status == 403 and r.flash() == ("error", "csrf"), r
    r = c.post("/logout", {"csrf": c.cookies["kq_pre"]})
    assert r.status == 403, r
    assert c.get("/user").status == 200   # still logged in


def test_session_token_changes_at_login_and_is_stored_hashed():
    _, login, pw = new_member()
    c = Client()
    assert c.login(login, pw).status == 303
    first = c.cookies["kq_member"]
    assert c.login(login, pw).status == 303
    second = c.cookies["kq_member"]
    assert first != second
    stale = Client()
    stale.cookies = {"kq_member": first}
    assert stale.get("/user").status == 303
    assert c.get("/user").status == 200
    rows = sql("SELECT HEX(token_hash) FROM sessions WHERE kind='member'")
    hashes = {r[0].lower() for r in rows}
    assert sha256_hex(second) in hashes
    assert second not in hashes


def test_session_idle_and_absolute_timeouts():
    _, login, pw = new_member()
    c = Client()
    assert c.login(login, pw).status == 303
    h = sha256_hex(c.cookies["kq_member"])
    sql("UPDATE sessions SET last_seen_at = UTC_TIMESTAMP() - INTERVAL 31 MINUTE "
        "WHERE token_hash = UNHEX('%s')" % h)
    assert c.get("/user").status == 303
    assert c.login(login, pw).status == 303
    h = sha256_hex(c.cookies["kq_member"])
    sql("UPDATE sessions SET created_at = UTC_TIMESTAMP() - INTERVAL 13 HOUR "
        "WHERE token_hash = UNHEX('%s')" % h)
    assert c.get("/user").status == 303


def test_member_and_admin_sessions_are_separate():
    _, mlogin, mpw = new_member()
    alogin, apw = new_admin()
    m = Client()
    assert m.login(mlogin, mpw).status == 303
    r = m.get("/admin")
    assert r.status == 303 and r.header("Location") == "/admin/login", r
    # a member's credentials are not an admin's
    assert m.login(mlogin, mpw, admin=True).status == 422

    a = Client()
    r = a.login(alogin, apw, admin=True)
    assert r.status == 303 and r.header("Location") == "/admin", r
    cookie = [v for k, v in r.headers if k.lower() == "set-cookie" and "kq_admin" in v][0]
    assert "Path=/admin" in cookie, cookie
    home = a.get("/admin")
    assert home.status == 200 and home.page() == "admin.home", home
    check_html_headers(home)
    assert home.field("login") == alogin
    assert 'data-value="admin"' in home.text
    r = a.get("/user")
    assert r.status == 303 and r.header("Location") == "/login", r
    # an admin token sent as a member cookie opens nothing
    forged = Client()
    forged.cookies = {"kq_member": a.cookies["kq_admin"]}
    assert forged.get("/user").status == 303
    # admin logins are audited, with the client IP
    rows = sql("SELECT action, client_ip FROM audit_log WHERE actor_login = '%s'" % alogin)
    assert ["admin.login", "127.0.0.1"] in rows, rows
    r = a.post("/admin/logout", {"csrf": home.csrf()})
    assert r.status == 303 and r.header("Location") == "/admin/login"
    assert a.get("/admin").status == 303


def test_viewer_role_is_shown():
    vlogin, vpw = new_admin("viewer")
    a = Client()
    assert a.login(vlogin, vpw, admin=True).status == 303
    home = a.get("/admin")
    assert home.status == 200 and 'data-value="viewer"' in home.text
    assert "/admin/pickup/batches/new" not in home.text


def test_only_owner_and_finance_open_the_user_center():
    uin, _, _ = new_member()
    for flags, status in (([], 403), (["--finance"], 200)):
        login = "c%d%d" % (uin, status)
        from kq import ctl
        ctl("user", "add", "--uin", str(uin), "--login", login, *flags,
            password="collab-pass")
        c = Client()
        assert c.login(login, "collab-pass").status == 303
        r = c.get("/user")
        assert r.status == status, (flags, r)
        if status == 403:
            assert r.flash() == ("error", "forbidden") and r.page() == "error"
            # may still log out
            assert c.post("/logout", {"csrf": r.csrf()}).status == 303


def test_unknown_path_and_method():
    c = Client()
    r = c.get("/no/such/page")
    assert r.status == 404 and r.page() == "error", r
    assert r.flash() == ("error", "not_found")
    check_html_headers(r)
    r = c.request("PUT", "/login", raw_body=b"")
    assert r.status == 405, r
    r = c.request("DELETE", "/user")
    assert r.status == 405, r


def test_malformed_and_oversized_requests():
    c = Client()
    cases = [
        ("GET", "/login?x=1", None, 400),               # key the route does not take
        ("GET", "/user?%zz=1", None, 400),
        ("POST", "/login", b"csrf=%zz", 400),            # bad escape
        ("POST", "/login", b"login=%FF%FE", 400),        # invalid UTF-8
        ("POST", "/login", b"a=1&" * 1200, 413),         # too many parameters
        ("POST", "/login", b"x" * (70 * 1024), 413),     # over 64 KiB
    ]
    for method, path, body, want in cases:
        r = c.request(method, path, raw_body=body,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == want, (path, body[:20] if body else None, r)
    r = c.request("POST", "/login", raw_body=b'{"a":1}',
                  headers={"Content-Type": "application/json"})
    assert r.status == 400, r
    r = c.get("/login", headers={"Cookie": "kq_pre=" + "a" * 20000})
    assert 400 <= r.status < 500, r
    # nginx's own refusals (issue 10.8): kaquan's page and SPEC §8's headers
    for path, body, headers, want, code in (
            ("/login?" + "a" * 20000, None, {}, 414, "bad_request"),
            ("/login", b"x" * (2 * 1024 * 1024), {}, 413, "too_large"),
            ("/login", None, {"Cookie": "x=" + "b" * 20000}, 400, "bad_request"),
            ("/login", None, {"X-Big": "c" * 20000}, 400, "bad_request")):
        r = c.request("POST" if body else "GET", path, raw_body=body, headers=headers)
        assert r.status == want, (path[:20], r)
        check_html_headers(r)
        assert r.page() == "error" and r.flash() == ("error", code), r.text[:300]
    # the stack is still fine
    assert c.get("/login").status == 200


def test_worker_killed_is_replaced_while_serving():
    _, login, pw = new_member()
    c = Client()
    assert c.login(login, pw).status == 303
    master, before = _workers()
    assert len(before) >= 2, before
    statuses = []
    stop = threading.Event()

    def load():
        cl = Client()
        cl.cookies = dict(c.cookies)
        while not stop.is_set():
            statuses.append(cl.get("/user").status)

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    os.kill(before[0], signal.SIGKILL)
    time.sleep(1.5)
    stop.set()
    for t in threads:
        t.join()
    _, after = _workers()
    assert before[0] not in after and len(after) == len(before), (before, after)
    # at most the requests the dead worker held fail; no 5xx afterwards
    bad = [s for s in statuses if s != 200]
    assert len(statuses) > 20 and len(bad) <= 1, (len(statuses), bad)
    assert c.get("/user").status == 200


def test_idle_worker_exits_quickly_on_sigterm():
    master, before = _workers()
    victim = before[-1]
    t0 = time.time()
    os.kill(victim, signal.SIGTERM)
    while os.path.exists("/proc/%d" % victim) and time.time() - t0 < 3:
        with open("/proc/%d/stat" % victim) as f:
            if f.read().split()[2] == "Z":
                break
        time.sleep(0.02)
    assert time.time() - t0 < 1.0, time.time() - t0
    for _ in range(100):
        _, after = _workers()
        if len(after) == len(before):
            break
        time.sleep(0.05)
    assert victim not in after and len(after) == len(before), (before, after)


def test_lost_database_connection_gives_503_then_recovers():
    _, login, pw = new_member()
    c = Client()
    assert c.login(login, pw).status == 303
    _, before = _workers()
    ids = sql("SELECT id FROM information_schema.processlist WHERE user = 'kaquan'")
    for (i,) in ids:
        sql("KILL CONNECTION %s" % i)
    seen = [c.get("/user").status for _ in range(3 * len(before) + 4)]
    assert set(seen) <= {200, 503} and 503 in seen, seen
    assert seen[-4:] == [200] * 4, seen
    _, after = _workers()
    assert after == before, (before, after)


def test_kaquanctl_errors_are_one_line():
    rc, err = ctl_fails("account", "add", "--uin", "abc", "--name", "x")
    assert rc != 0 and err.count("\n") == 1 and "--uin" in err, err
    uin, login, _ = new_member()
    rc, err = ctl_fails("account", "add", "--uin", str(uin), "--name", "again")
    assert rc != 0 and "already exists" in err and err.count("\n") == 1, err
    rc, err = ctl_fails("user", "add", "--uin", "1", "--login", "zz" + login,
                        password="long-enough")
    assert rc != 0 and "does not exist" in err, err
    rc, err = ctl_fails("admin", "add", "--login", "x" + login, "--role", "root",
                        password="long-enough")
    assert rc != 0 and "--role" in err, err
    rc, err = ctl_fails("admin", "add", "--login", "y" + login, "--role", "admin",
                        password="short")
    assert rc != 0 and "8 characters" in err, err
    rc, err = ctl_fails("frobnicate")
    assert rc != 0 and err.count("\n") == 1, err


def test_request_ids_and_log_lines_for_operators():
    # nginx's $request_id reaches the worker and comes back, one id for
    # both logs; a forged one from the client is not taken
    r = Client().get("/login", headers={"X-Request-Id": "forged"})
    rid = r.header("X-Request-Id")
    assert rid and re.fullmatch(r"[0-9a-f]{32}", rid), rid
    assert Client().get("/login").header("X-Request-Id") != rid
    # every line the master and workers wrote has a UTC time and a process
    with open(os.path.join(VAR, "log", "kaquan.log"), encoding="utf-8") as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    assert lines
    bad = [l for l in lines if not re.match(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ kaquan\[\d+\]( req=[0-9a-f-]+)?: ", l)
        and not l.startswith(("=", "    #", "SUMMARY", "Direct leak", "Indirect leak"))]
    assert not bad, bad[:5]


def test_kaquanctl_help_lists_what_exists():
    run = lambda *a: subprocess.run([os.path.join(BUILD, "kaquanctl")] + list(a),
                                    capture_output=True, text=True, timeout=30)
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("migrate", "admin add", "account add", "user add", "order create",
                "sweep", "provision"):
        assert "\n  %s " % cmd in r.stdout, (cmd, r.stdout)
    r = run("user", "add", "--help")
    assert r.returncode == 0
    for opt in ("--uin N", "--login TEXT", "--owner", "--finance"):
        assert opt in r.stdout, (opt, r.stdout)
    assert "standard input" in r.stdout
    r = run("order", "create", "--help")
    assert "one of: prepaid postpaid" in r.stdout and "renew" in r.stdout
    # no configuration is needed for help; an unknown command lists them
    r = run("frobnicate")
    assert r.returncode != 0 and "unknown command" in r.stderr and "--help" in r.stderr
    r = run("sweep", "--now")
    assert r.returncode != 0 and "takes no options" in r.stderr


def test_failed_logins_are_throttled_per_login_before_hashing():
    """Issue 10.3: five failures of one login in 15 minutes, and the next
    attempt is 429 rate_limited even with the right password."""
    _, login, pw = new_member()
    c = Client()
    for _ in range(5):
        r = c.login(login, "wrong-password")
        assert r.status == 422 and r.flash() == ("error", "login_failed"), r
    r = c.login(login, pw)
    assert r.status == 429 and r.flash() == ("error", "rate_limited"), r
    assert r.page() == "login" and r.header("Retry-After") == "900"
    assert 'value="%s"' % login in r.text
    # the window passing (its rows gone), the right password logs in
    sql("DELETE FROM failed_logins WHERE login = '%s'" % login)
    assert c.login(login, pw).status == 303
    # a success forgets the login's own failures
    _, other, pw2 = new_member()
    for _ in range(3):
        assert Client().login(other, "nope-nope").status == 422
    assert Client().login(other, pw2).status == 303
    assert sql("SELECT COUNT(*) FROM failed_logins WHERE login = '%s'" % other) == [["0"]]


def test_failed_admin_logins_are_audited_and_throttled():
    login, pw = new_admin()
    c = Client()
    r = c.login(login, "wrong-password", admin=True)
    assert r.status == 422 and r.flash() == ("error", "login_failed"), r
    rows = sql("SELECT actor_login, target, client_ip FROM audit_log WHERE action ="
               " 'admin.login.failed' AND target = '%s'" % login)
    assert rows == [[login, login, "127.0.0.1"]], rows
    # an unknown admin login is counted and audited too
    ghost = "ghost%d" % (hash(login) % 10**6)
    assert c.login(ghost, "x", admin=True).status == 422
    assert sql("SELECT COUNT(*) FROM audit_log WHERE action = 'admin.login.failed'"
               " AND target = '%s'" % ghost) == [["1"]]
    for _ in range(4):
        assert c.login(login, "wrong-password", admin=True).status == 422
    r = c.login(login, pw, admin=True)
    assert r.status == 429 and r.flash() == ("error", "rate_limited"), r
    # the member realm is another: a member login of that name is not held
    assert sql("SELECT COUNT(*) FROM failed_logins WHERE login = '%s'"
               " AND realm = 'member'" % login) == [["0"]]
    sql("DELETE FROM failed_logins WHERE login IN ('%s', '%s')" % (login, ghost))
    assert c.login(login, pw, admin=True).status == 303


def test_one_address_failing_does_not_lock_out_its_neighbours():
    """Issues 10.3 and 10.10: per IP, 20 failures hold back logins that have
    failed themselves; a login with no failure of its own waits for 100."""
    _, clean, pw = new_member()
    _, failing, pw2 = new_member()
    try:
        sql("INSERT INTO failed_logins (realm, login, client_ip)"
            " SELECT 'member', CONCAT('guess', seq), '127.0.0.1' FROM seq_1_to_20")
        r = Client().login(failing, "wrong-one")
        assert r.status == 422, (r, r.flash())
        r = Client().login(failing, pw2)
        assert r.status == 429 and r.flash() == ("error", "rate_limited"), r
        assert Client().login(clean, pw).status == 303
        sql("INSERT INTO failed_logins (realm, login, client_ip)"
            " SELECT 'member', CONCAT('more', seq), '127.0.0.1' FROM seq_1_to_80")
        r = Client().login(clean, pw)
        assert r.status == 429 and r.flash() == ("error", "rate_limited"), r
    finally:
        sql("DELETE FROM failed_logins WHERE client_ip = '127.0.0.1'")


def _log_since(offset):
    with open(os.path.join(VAR, "log", "kaquan.log"), "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", "replace")


def test_a_hung_database_costs_seconds_not_the_service():
    """Issue 10.4: mariadbd frozen (SIGSTOP).  A request that meets it gets
    503 within the read timeout; then every page that needs the database
    answers 503 at once, the login form keeps answering, the outage is
    logged once with a count, and service is back within seconds."""
    _, login, pw = new_member()
    c = Client()
    assert c.login(login, pw).status == 303
    with open(os.path.join(VAR, "run", "mariadb.pid")) as f:
        pid = int(f.read())
    mark = os.path.getsize(os.path.join(VAR, "log", "kaquan.log"))
    os.kill(pid, signal.SIGSTOP)
    try:
        t = time.time()
        r = c.get("/user")
        first = time.time() - t
        assert r.status == 503 and r.header("Retry-After"), r
        assert first < 12, first
        t = time.time()
        seen = [c.get("/user/vouchers").status for _ in range(20)]
        assert seen == [503] * 20, seen
        assert Client().get("/login").status == 200
        assert Client().get("/admin/login").status == 200
        assert time.time() - t < 6, time.time() - t   # a probe: 2 s at most
    finally:
        os.kill(pid, signal.SIGCONT)
    t = time.time()
    while c.get("/user").status != 200:
        assert time.time() - t < 10, "still down"
        time.sleep(0.2)
    log = _log_since(mark)
    assert log.count("requests get 503 until it is back") == 1, log
    assert len(re.findall(r"back after [0-9.]+ s; [0-9]+ requests got 503", log)) == 1, log
    assert log.count("db: ") <= 5, log


def test_the_dev_stack_is_its_users_alone():
    """Issue 10.5: the private stack's sockets, configuration and MariaDB
    are not open to other local users, and the application's database user
    has the privileges it needs only."""
    assert os.stat(os.path.join(VAR, "run")).st_mode & 0o777 == 0o700
    assert os.stat(os.environ["KAQUAN_CONF"]).st_mode & 0o777 == 0o600
    assert os.stat(os.path.join(VAR, "db.password")).st_mode & 0o777 == 0o600
    grants = " ".join(r[0] for r in sql("SHOW GRANTS FOR 'kaquan'@'localhost'"))
    assert "ALL PRIVILEGES" not in grants and "GRANT OPTION" not in grants, grants
    assert "ON *.*" not in grants.replace("GRANT USAGE ON *.*", ""), grants
    assert "SELECT, INSERT, UPDATE, DELETE" in grants, grants
    # root (or anyone) without the socket's owner: no password to guess
    sock = os.path.join(VAR, "run", "mysql.sock")
    r = subprocess.run(["mariadb", "--no-defaults", "--socket", sock, "-uroot",
                        "--password=", "-e", "SELECT 1"],
                       capture_output=True, text=True, timeout=30)
    if os.geteuid() != 0:
        assert r.returncode != 0, "root without a password"
    if os.geteuid() == 0:   # another local user cannot even reach the socket
        r = subprocess.run(["runuser", "-u", "nobody", "--", "mariadb",
                            "--no-defaults", "--socket", sock, "-uroot",
                            "-e", "SELECT 1"],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode != 0 and ("denied" in r.stderr or "Can't connect" in r.stderr), r


def _closed(s):
    """Whether the peer closed the socket without an answer (then closes it)."""
    try:
        return s.recv(100) == b""
    except ConnectionResetError:
        return True
    finally:
        s.close()


def test_raw_fastcgi_cannot_stop_a_worker():
    """Issue 10.6: on the worker socket, a PARAMS record whose name length
    cannot be allocated is dropped before libfcgi sees it, and connections
    that send a few bytes and stop are cut at the input deadline instead of
    holding every worker."""
    import socket
    import struct
    from fcgi_client import _record, BEGIN, PARAMS
    sock = os.path.join(VAR, "run", "kaquan.sock")
    master, before = _workers()
    mark = os.path.getsize(os.path.join(VAR, "log", "kaquan.log"))
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock)
    s.sendall(_record(BEGIN, struct.pack(">HB5x", 1, 0))
              + _record(PARAMS, b"\xff\xff\xff\xff\x03abc") + _record(PARAMS, b""))
    assert _closed(s), "the connection is closed, unanswered"
    assert "malformed FastCGI records" in _log_since(mark)
    # slow loris: more stalled connections than workers
    stalled = []
    for _ in range(len(before) + 2):
        t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        t.settimeout(20)
        t.connect(sock)
        t.sendall(b"\x01\x01\x00\x01")
        stalled.append(t)
    t0 = time.time()
    r = Client().get("/login")
    assert r.status == 200, r
    assert time.time() - t0 < 15, time.time() - t0
    for t in stalled:   # each was cut, not left waiting
        assert _closed(t)
    _, after = _workers()
    assert after == before, (before, after)
    assert Client().get("/login").status == 200


def test_every_list_validates_its_page():
    """Issue 10.7: page is checked by the route's query form everywhere
    (it was read with strtol on four routes)."""
    _, login, pw = new_member()
    m = Client()
    assert m.login(login, pw).status == 303
    alogin, apw = new_admin()
    a = Client()
    assert a.login(alogin, apw, admin=True).status == 303
    bid = sql("SELECT COALESCE(MAX(id), 0) FROM pickup_batches")[0][0]
    for c, path in ((m, "/user/orders"), (m, "/user/pickup"), (m, "/user/vouchers"),
                    (a, "/admin/vouchers/templates"), (a, "/admin/pickup/batches"),
                    (a, "/admin/pickup/batches/%s" % bid), (a, "/admin/orders"),
                    (a, "/admin/vouchers"), (a, "/admin/pickup/usage"),
                    (a, "/admin/audit")):
        if path.endswith("/0"):
            continue
        for bad in ("1'%20OR%20'1'='1", "0", "-1", "abc", "1e3", "99999999999"):
            r = c.get(path + "?page=" + bad)
            assert r.status == 422 and r.flash() == ("error", "invalid_field"), (path, bad, r)
        assert c.get(path + "?page=1").status == 200, path
        assert c.get(path + "?page=1&page=2").status == 400, path
