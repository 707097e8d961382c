"""test_security.py - the findings of issue 25's review, each over HTTP
(or the raw FastCGI socket) against the running stack: what a text field
and a CSV cell take, where cash is paid, where a whole code can be seen,
what a copy of the database holds, the socket and the headers."""
import csv
import io

from fixtures import BATCH, admin, member, order, post
from kq import code_is, sql


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
    from fixtures import error_of
    from fixtures import fd0_master, first_get
    from fixtures import codes, confirm, create_batch
    from fixtures import give
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


def _all_forms(code):
    """A code as it could be written anywhere: as typed, grouped, bare."""
    bare = code.replace("-", "").replace(" ", "")
    return {code, bare, bare.lower(), " ".join(bare[i:i + 6] for i in range(0, len(bare), 6)),
            "-".join(bare[i:i + 4] for i in range(0, len(bare), 4))}


def _leaks(text, codes):
    return sorted({c for c in codes for f in _all_forms(c) if f in text})


def test_a_copy_of_the_database_and_the_logs_hold_no_code():
    """SPEC §7 (issue 25.3, 25.4): codes at rest are a keyed hash, the last
    four and a seal; a viewer read full card codes on the usage page, its
    CSV and an order's page, and a searched code landed whole in nginx's
    access log.  After a workload with every kind of code, none of them is
    in a dump of the database, in any log, or on a page but the audited
    full views."""
    import os
    import subprocess
    from kq import VAR, Client, new_admin
    from fixtures import codes, confirm, create_batch
    from fixtures import codes_of, create_template, issue

    a = admin()
    bid = create_batch(count="4", line="hk")
    cards = codes(bid)
    iid = issue(create_template(name="落盘券"), mode="codes", count="4")
    vcodes = codes_of(iid)
    made = cards + vcodes
    m = member()
    for c in vcodes[:2]:
        assert post(m, "/user/redeem/confirm", code=c).status == 303
    picked = [confirm(m, cards[0], "debian12"), confirm(m, cards[1], "win2022")]
    assert all(r.status == 303 for r in picked), picked
    oids = [int(r.header("Location").rsplit("/", 1)[1]) for r in picked]
    # a surcharge left unpaid: the card goes back to unused, spendable again
    assert post(m, "/user/orders/%d/cancel" % oids[1]).status == 303
    # the search box posts; a code found opens its object
    tok = a.csrf_of("/admin")
    r = a.post("/admin/search", {"csrf": tok, "q": cards[2].lower()})
    assert r.status == 303 and r.header("Location").startswith("/admin/pickup/cards/"), r
    r = a.post("/admin/search", {"csrf": tok, "q": vcodes[3]})
    assert r.status == 303 and r.header("Location").startswith("/admin/vouchers/"), r
    assert a.post("/admin/search", {"q": vcodes[3]}).status == 403    # csrf

    # what a viewer and an admin read: last fours only
    v = Client()
    assert v.login(*new_admin(role="viewer"), admin=True).status == 303
    vid = sql("SELECT id FROM vouchers WHERE issue_id = %d ORDER BY id LIMIT 1" % iid)[0][0]
    pages = ["/admin/pickup/usage", "/admin/pickup/usage.csv",
             "/admin/pickup/usage?batch=%d" % bid, "/admin/pickup/batches/%d" % bid,
             "/admin/pickup/batches/%d/cards.csv" % bid, "/admin/vouchers/issues/%d" % iid,
             "/admin/vouchers?issue=%d&status=all" % iid,
             "/admin/vouchers.csv?issue=%d&status=all" % iid, "/admin/vouchers/%s" % vid]
    pages += ["/admin/orders/%d" % o for o in oids]
    for who in (v, a):
        for p in pages:
            r = who.get(p)
            assert r.status == 200 and not _leaks(r.text, made), (p, _leaks(r.text, made))
    for p in ["/user/pickup", "/user/vouchers?status=all"] + \
            ["/user/orders/%d" % o for o in oids]:
        r = m.get(p)
        assert r.status == 200 and not _leaks(r.text, made), (p, _leaks(r.text, made))
    assert v.get("/admin/pickup/batches/%d/codes.txt" % bid).status == 403
    # the audited ways still give them, whole
    assert sorted(codes(bid)) == sorted(cards)
    assert sorted(codes_of(iid)) == sorted(vcodes)
    full = a.get("/admin/pickup/batches/%d?codes=full" % bid).text
    assert all(c.replace("-", "") in full for c in cards)
    full = a.get("/admin/pickup/batches/%d/cards.csv?codes=full" % bid).text
    assert all(c in full for c in cards), full

    # a copy of the database: no code, in any form
    dump = subprocess.run(["mariadb-dump", "--no-defaults", "--socket",
                           os.path.join(VAR, "run", "mysql.sock"), "kaquan"],
                          capture_output=True, text=True, errors="replace",
                          timeout=120)
    assert dump.returncode == 0 and "INSERT INTO `vouchers`" in dump.stdout, dump.stderr
    assert not _leaks(dump.stdout, made), _leaks(dump.stdout, made)
    # and no log file of the stack: nginx's, kaquan's, MariaDB's
    logs = [os.path.join(VAR, "log", f) for f in os.listdir(os.path.join(VAR, "log"))]
    assert any("access" in f for f in logs), logs
    for f in logs:
        text = open(f, errors="replace").read()
        assert not _leaks(text, made), (f, _leaks(text, made))


def _conf_with(tmp, **keys):
    from fixtures import _conf_without_listen
    return _conf_without_listen(tmp, **keys)


def _ctl(conf, *args):
    import subprocess
    from kq import BUILD
    import os
    return subprocess.run([os.path.join(BUILD, "kaquanctl"), "--config", conf] + list(args),
                          capture_output=True, text=True, timeout=300)


def _rekey_and_serve(m, tmp, old, new, cards, vcodes, kv, before):
    from fixtures import fd0_master, first_get
    with fd0_master(workers=1, code_key=new, code_key_previous=old) as (_, _, sock, _):
        first_get(sock, "/login")
        csrf = "csrf=" + m.csrf_of("/user/pickup")
        # under the previous key, still found
        status, _, body = _fcgi(sock, "POST", "/user/pickup", m, csrf + "&card=" + cards[0])
        assert status == 200 and 'data-page="user.pickup.verify"' in body, (status, body[:300])
        out = _ctl(_conf_with(tmp, code_key=new, code_key_previous=old), "codes", "rekey")
        assert out.returncode == 0 and "cards moved" in out.stdout, out
        assert kv() != before and len(kv()) == 1
        # under the new key: redeemed
        status, headers, _ = _fcgi(sock, "POST", "/user/redeem/confirm", m,
                                   csrf + "&code=" + vcodes[0])
        assert status == 303, (status, headers)
    # with the new key alone: still found
    with fd0_master(workers=1, code_key=new) as (_, _, sock, _):
        first_get(sock, "/login")
        status, _, body = _fcgi(sock, "POST", "/user/pickup", m, csrf + "&card=" + cards[1])
        assert status == 200 and 'data-page="user.pickup.verify"' in body, status


def test_codes_move_to_a_new_key_while_kaquan_serves():
    """SPEC §7: each row records its key's version; with the new key as
    code_key and the old as code_key_previous, look-ups find both, and
    kaquanctl codes rekey moves every code (hash and seal) while a master
    serves.  Moved back after, for the rest of the suite."""
    import os
    import tempfile
    from kq import CONF, VAR
    from fixtures import codes, create_batch
    from fixtures import codes_of, create_template, issue

    old = [l.split("=", 1)[1].strip() for l in open(CONF) if l.startswith("code_key")][0]
    new = os.urandom(32).hex()
    cards = codes(create_batch(count="3"))
    issue_id = issue(create_template(name="换钥券"), mode="codes", count="3")
    vcodes = codes_of(issue_id)
    ids = ",".join(sql("SELECT id FROM pickup_cards WHERE " + code_is(c))[0][0]
                   for c in cards)
    kv = lambda: {r[0] for r in sql("SELECT code_kv FROM pickup_cards WHERE id IN (%s)"
                                    % ids)}
    before = kv()
    assert len(before) == 1
    m = member()
    tmp = tempfile.mkdtemp(dir=VAR)
    try:
        _rekey_and_serve(m, tmp, old, new, cards, vcodes, kv, before)
    finally:    # back, for the rest of the suite (its codes are under old)
        out = _ctl(_conf_with(tmp, code_key=old, code_key_previous=new),
                   "codes", "rekey")
    assert out.returncode == 0 and kv() == before, (out, kv())
    # without code_key_previous there is nothing to move from
    out = _ctl(_conf_with(tmp), "codes", "rekey")
    assert out.returncode != 0 and "code_key_previous" in out.stderr, out


def test_migrate_moves_the_codes_of_before_into_their_hashes_and_seals():
    """kaquanctl migrate converts existing rows (SPEC §7): codes kept in the
    clear before 010 are moved into their hash, last four and a seal
    before 011 drops them; without code_key it stops before 011."""
    import glob
    import os
    import shutil
    import tempfile
    from kq import VAR
    import hmac as _hmac
    import hashlib

    tmp = tempfile.mkdtemp(dir=VAR)
    old_sql = os.path.join(tmp, "sql")
    os.mkdir(old_sql)
    for f in sorted(glob.glob("sql/00[1-9]_*.sql")):
        shutil.copy(f, old_sql)
    sql("DROP DATABASE IF EXISTS kaquan_conv")
    sql("CREATE DATABASE kaquan_conv CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    sql("GRANT ALL ON kaquan_conv.* TO 'kaquan'@'localhost'")
    try:
        before = _conf_with(tmp, db_name="kaquan_conv", sql_dir=old_sql)
        out = _ctl(before, "migrate")
        assert out.returncode == 0 and out.stdout.strip() == "9", out
        plain_cards = ["7KQ2M9XD4H0TZC8P", "0000111122223333", "ZZZZYYYYXXXXWWWW"]
        plain_codes = ["123456789012345678", "876543210987654321"]
        q = lambda s: sql("USE kaquan_conv; " + s)
        q("INSERT INTO admins (id, login, password_hash, role) VALUES (1, 'conv', 'x', 'admin')")
        q("INSERT INTO pickup_batches (id, product, name, line, cpu, memory_gb, disk_gb,"
          " bandwidth_mbps, months, price, total, valid_to, created_by) VALUES"
          " (7, 'cvm', 'x', 'hk', 1, 1, 1, 1, 1, 100, 3, '2099-01-01', 1)")
        for i, c in enumerate(plain_cards):
            q("INSERT INTO pickup_cards (id, batch_id, code) VALUES (%d, 7, '%s')" % (100 + 3 * i, c))
        q("INSERT INTO voucher_templates (id, kind, name, face, balance_mode, scope, created_by)"
          " VALUES (5, 'platform', 'x', 100, 'single_use', 'all', 1)")
        q("INSERT INTO voucher_issues (id, template_id, mode, count, report, created_by)"
          " VALUES (9, 5, 'codes', 2, '', 1)")
        for i, c in enumerate(plain_codes):
            q("INSERT INTO vouchers (id, template_id, issue_id, code, face, balance, status,"
              " valid_from, valid_to) VALUES (%d, 5, 9, '%s', 100, 100, 'unactivated',"
              " '2026-01-01', '2099-01-01')" % (50 + i, c))
        # the current release's migrations, without a code_key: stopped before 011
        lines = [l for l in open(before) if not l.startswith("code_key")]
        nokey = os.path.join(tmp, "nokey.conf")
        open(nokey, "w").writelines(lines + ["sql_dir = %s\n" % os.path.abspath("sql")])
        out = _ctl(nokey, "migrate")
        assert out.returncode != 0 and "code_key" in out.stderr, out
        assert q("SELECT COUNT(*) FROM vouchers WHERE code IS NOT NULL") == [["2"]]
        # with it: every code moved, the plain columns gone
        after = _conf_with(tmp, db_name="kaquan_conv", sql_dir=os.path.abspath("sql"))
        out = _ctl(after, "migrate")
        assert out.returncode == 0, out
        assert "codes kept at rest: 2 vouchers, 3 cards" in out.stderr, out.stderr
        assert q("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema ="
                 " 'kaquan_conv' AND column_name = 'code' AND table_name IN"
                 " ('vouchers', 'pickup_cards')") == [["0"]]
        key = bytes.fromhex([l.split("=", 1)[1].strip() for l in open(after)
                             if l.startswith("code_key")][-1])
        for table, rows in (("pickup_cards", plain_cards), ("vouchers", plain_codes)):
            for c in rows:
                h = _hmac.new(key, c.encode(), hashlib.sha256).hexdigest()[:32]
                assert q("SELECT code_last4 FROM %s WHERE code_hash = UNHEX('%s')"
                         % (table, h)) == [[c[-4:]]], (table, c)
        assert q("SELECT kind, owner, first_id, last_id FROM code_seals ORDER BY kind") == \
            [["voucher", "9", "50", "51"], ["card", "7", "100", "106"]]
        # every block opens: a rekey reads each of them whole
        new = os.urandom(32).hex()
        out = _ctl(_conf_with(tmp, db_name="kaquan_conv", code_key=new,
                              code_key_previous=key.hex()), "codes", "rekey")
        assert out.returncode == 0 and "2 vouchers and 3 cards moved" in out.stdout, out
    finally:
        sql("DROP DATABASE IF EXISTS kaquan_conv")


def test_the_fastcgi_socket_is_nginx_s_alone():
    """Whoever reaches the FastCGI socket is trusted like nginx: it sets
    REMOTE_ADDR, so it opened the status page and forged an audited
    address.  A process outside the socket's group is refused at connect;
    the shipped socket's group is kaquan-web, nginx's user alone (not
    www-data, which any php-fpm pool may share: test_install)."""
    import grp
    import os
    import pwd
    import socket
    import fcgi_client
    from fixtures import fd0_master, first_get

    nobody = pwd.getpwnam("nobody")
    group = grp.getgrgid(0)     # the socket's group here: not nobody's
    with fd0_master(workers=1, status_path="/st") as (_, tmp, sock, _):
        first_get(sock, "/login")
        # a FastCGI client is believed about its address: the status page
        status, _, body = fcgi_client.get(sock, "/st", remote_addr="127.0.0.1")
        assert status == 200 and "accepted conn" in body, (status, body[:200])
        if os.getuid() != 0:
            return      # the rest changes users: root only (CI is)
        os.chmod(tmp, 0o755)
        os.chown(sock, 0, group.gr_gid)
        os.chmod(sock, 0o660)

        def connect_as(groups):
            pid = os.fork()
            if pid == 0:
                try:
                    os.setgroups(groups)
                    os.setgid(nobody.pw_gid)
                    os.setuid(nobody.pw_uid)
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(sock)
                    os._exit(0)
                except PermissionError:
                    os._exit(13)
                except BaseException:
                    os._exit(1)
            return os.waitpid(pid, 0)[1] >> 8
        assert connect_as([]) == 13         # not in the socket's group
        assert connect_as([group.gr_gid]) == 0


def test_a_database_over_tcp_speaks_tls_and_checks_its_name():
    """db_ssl_mode and db_ssl_ca (issue 25.11): Galera nodes on other hosts
    are reached over TCP; kaquan had no TLS for them.  A MariaDB of the
    test's own, with a certificate for 127.0.0.1 and a user that requires
    TLS: verify_identity connects with the CA, and refuses another CA or a
    certificate for another name; without TLS the server refuses."""
    import getpass
    import os
    import shutil
    import signal
    import socket
    import subprocess
    import tempfile
    import time
    from kq import VAR

    tmp = tempfile.mkdtemp(dir=VAR)
    run = lambda *a: subprocess.run(list(a), capture_output=True, text=True,
                                    timeout=120, cwd=tmp, check=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "other"):
        run("openssl", "req", "-x509", *ec, "-keyout", ca + ".key", "-out", ca + ".pem",
            "-days", "2", "-subj", "/CN=kaquan test " + ca)
    for name, san in (("server", "IP:127.0.0.1"), ("elsewhere", "DNS:db.example")):
        run("openssl", "req", *ec, "-keyout", name + ".key", "-out", name + ".csr",
            "-subj", "/CN=" + name)
        open(os.path.join(tmp, name + ".ext"), "w").write("subjectAltName=%s\n" % san)
        run("openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem",
            "-CAkey", "ca.key", "-CAcreateserial", "-out", name + ".pem", "-days", "2",
            "-extfile", name + ".ext")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    me = getpass.getuser()
    run("mariadb-install-db", "--no-defaults", "--datadir=" + tmp + "/db", "--user=" + me,
        "--auth-root-authentication-method=socket", "--skip-test-db")

    def server(cert):
        p = subprocess.Popen(["mariadbd", "--no-defaults", "--datadir=" + tmp + "/db",
                              "--socket=" + tmp + "/db.sock", "--port=%d" % port,
                              "--bind-address=127.0.0.1", "--user=" + me,
                              "--ssl-cert=" + tmp + "/%s.pem" % cert,
                              "--ssl-key=" + tmp + "/%s.key" % cert,
                              "--log-error=" + tmp + "/db.err",
                              "--innodb-buffer-pool-size=32M"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            if subprocess.run(["mariadb-admin", "--no-defaults", "--socket=" + tmp +
                               "/db.sock", "-u" + me, "ping"],
                              capture_output=True).returncode == 0:
                return p
            time.sleep(0.1)
        raise AssertionError(open(tmp + "/db.err").read()[-2000:])

    def stop(p):
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=60)

    def migrate(**keys):
        return _ctl(_conf_with(tmp, db_host="127.0.0.1", db_port=port, db_socket="",
                               db_password="tls-pass", **keys), "migrate")
    p = server("server")
    try:
        subprocess.run(["mariadb", "--no-defaults", "--socket=" + tmp + "/db.sock",
                        "-u" + me, "-e",
                        "CREATE DATABASE kaquan; CREATE USER 'kaquan'@'127.0.0.1'"
                        " IDENTIFIED BY 'tls-pass' REQUIRE SSL;"
                        " GRANT ALL ON kaquan.* TO 'kaquan'@'127.0.0.1'"], check=True)
        out = migrate(db_ssl_mode="disabled")
        assert out.returncode != 0 and "Access denied" in out.stderr, out
        out = migrate(db_ssl_mode="verify_identity", db_ssl_ca=tmp + "/other.pem")
        assert out.returncode != 0, out
        out = migrate(db_ssl_mode="verify_identity", db_ssl_ca=tmp + "/ca.pem")
        assert out.returncode == 0 and int(out.stdout) >= 11, out
        # the certificate names another host: encrypted, but not the one asked for
        stop(p)
        p = server("elsewhere")
        out = migrate(db_ssl_mode="verify_identity", db_ssl_ca=tmp + "/ca.pem")
        assert out.returncode != 0, out
        out = migrate(db_ssl_mode="required")
        assert out.returncode == 0, out
    finally:
        stop(p)
        shutil.rmtree(tmp, ignore_errors=True)


def test_https_is_kept_to_where_cookies_are_secure():
    """cookie_secure = 1 says kaquan is served over HTTPS: every answer
    then carries Strict-Transport-Security (issue 25.11)."""
    from fixtures import fd0_master, first_get
    with fd0_master(workers=1, cookie_secure=1) as (_, _, sock, _):
        status, headers, _ = first_get(sock, "/login")
        assert headers.get("Strict-Transport-Security") == "max-age=31536000", headers
    from kq import Client
    assert Client().get("/login").header("Strict-Transport-Security") is None
