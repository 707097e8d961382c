"""test_install.py - issue 13's first part: make install (PREFIX, DESTDIR),
the systemd units (systemd-analyze verify), the sysusers file, the man
pages, and the master under socket activation telling systemd its state
(sd_notify)."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import fcgi_client
from fixtures import FCGI, _conf_without_listen, fd0_master, first_get
from kq import BUILD, Client, VAR

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
UNITS = ["kaquan.socket", "kaquan.service", "kaquan-sweep.service",
         "kaquan-sweep.timer"]


def install(**args):
    """make install into a fresh directory with the tests' build; its root."""
    tmp = tempfile.mkdtemp(dir=VAR)
    cmd = ["make", "--no-print-directory", "-C", ROOT, "install",
           "BUILD=" + os.path.abspath(BUILD)]
    cmd += ["%s=%s" % (k, v.replace("{tmp}", tmp)) for k, v in args.items()]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return tmp


def test_make_install_lays_out_a_package_and_its_units_verify():
    # a package build: DESTDIR with PREFIX=/usr (/etc, /lib/systemd/system)
    tmp = install(DESTDIR="{tmp}", PREFIX="/usr")
    try:
        for path in ["usr/sbin/kaquan-fcgi", "usr/bin/kaquanctl",
                     "usr/share/kaquan/templates/layout.xhtml",
                     "usr/share/kaquan/templates/i18n/en.tsv",
                     "usr/share/kaquan/sql/001_init.sql",
                     "usr/share/kaquan/openapi.json",
                     "etc/kaquan/kaquan.conf.example",
                     "usr/lib/sysusers.d/kaquan.conf",
                     "usr/share/man/man8/kaquan-fcgi.8",
                     "usr/share/man/man8/kaquanctl.8",
                     "etc/logrotate.d/kaquan"] + \
                ["lib/systemd/system/" + u for u in UNITS]:
            assert os.path.exists(os.path.join(tmp, path)), path
        assert os.access(os.path.join(tmp, "usr/sbin/kaquan-fcgi"), os.X_OK)
        unit = open(os.path.join(tmp, "lib/systemd/system/kaquan.service")).read()
        assert "ExecStart=/usr/sbin/kaquan-fcgi --config /etc/kaquan/kaquan.conf" in unit
        assert "Type=notify" in unit and "ExecReload=/bin/kill -HUP $MAINPID" in unit
        for opt in ("ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes",
                    "User=kaquan"):
            assert opt in unit, opt
        assert "@" not in unit.replace("@system-service", ""), "a placeholder left"
        conf = open(os.path.join(tmp, "etc/kaquan/kaquan.conf.example")).read()
        assert "templates = /usr/share/kaquan/templates" in conf
        r = subprocess.run(["systemd-sysusers", "--dry-run", "--root=" + tmp,
                            os.path.join(tmp, "usr/lib/sysusers.d/kaquan.conf")],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0 and "Creating user 'kaquan'" in r.stdout + r.stderr, r
        # the FastCGI socket's group is nginx's user alone (issue 25.9): a
        # php-fpm pool of group www-data could speak FastCGI to kaquan
        assert "Creating group 'kaquan-web'" in r.stdout + r.stderr, r
        sysusers = open(os.path.join(tmp, "usr/lib/sysusers.d/kaquan.conf")).read()
        assert "m www-data kaquan-web" in sysusers
        sock = open(os.path.join(tmp, "lib/systemd/system/kaquan.socket")).read()
        assert "SocketGroup=kaquan-web" in sock and "SocketMode=0660" in sock, sock
        site = open(os.path.join(tmp, "usr/share/kaquan/nginx-site.conf")).read()
        fence = site.split("location = /kaquan-status {", 1)[1].split("}", 1)[0]
        assert "deny all;" in fence and "allow 127.0.0.1;" in fence, fence
        for page in ("kaquan-fcgi.8", "kaquanctl.8"):
            r = subprocess.run(["groff", "-man", "-ww", "-z",
                                os.path.join(tmp, "usr/share/man/man8", page)],
                               capture_output=True, text=True, timeout=30,
                               env=dict(os.environ, LC_ALL="C.UTF-8"))
            assert r.returncode == 0 and r.stderr == "", (page, r.stderr)
    finally:
        shutil.rmtree(tmp)

    # installed where it runs, so systemd-analyze finds the binaries and
    # the man pages the units name: not a warning
    tmp = install(PREFIX="{tmp}/usr")
    try:
        units = os.path.join(tmp, "usr/lib/systemd/system")
        r = subprocess.run(["systemd-analyze", "verify"] +
                           [os.path.join(units, u) for u in UNITS],
                           capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, MANPATH=os.path.join(tmp, "usr/share/man") + ":"))
        assert r.returncode == 0 and r.stdout + r.stderr == "", r.stdout + r.stderr
    finally:
        shutil.rmtree(tmp)


def _notices(sock, want, seconds=20):
    """Datagrams on the notify socket until one holds want; all of them."""
    got = []
    end = time.time() + seconds
    while time.time() < end:
        sock.settimeout(max(0.1, end - time.time()))
        try:
            got.append(sock.recv(4096).decode())
        except socket.timeout:
            break
        if want in got[-1]:
            return got
    raise AssertionError("no %s in %r" % (want, got))


def test_socket_activation_and_sd_notify():
    tmp = tempfile.mkdtemp(dir=VAR)
    sock_path = os.path.join(tmp, "s.sock")
    notify_path = os.path.join(tmp, "notify")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    conf = _conf_without_listen(tmp, workers=2)
    # systemd-socket-activate holds the socket and execs the master at the
    # first connection, with LISTEN_FDS as systemd would pass them
    master = subprocess.Popen(
        ["systemd-socket-activate", "-l", sock_path, "-E", "NOTIFY_SOCKET=" + notify_path,
         FCGI, "--config", conf], stderr=open(os.path.join(tmp, "log"), "w"),
        start_new_session=True)
    try:
        for _ in range(100):
            if os.path.exists(sock_path):
                break
            time.sleep(0.05)
        status, _, body = fcgi_client.get(sock_path, "/login")
        assert status == 200 and 'data-page="login"' in body, (status, body[:200])
        assert any("STATUS=2 workers" in n for n in _notices(notify, "READY=1"))
        master.send_signal(signal.SIGHUP)
        assert "RELOADING=1" in "".join(_notices(notify, "RELOADING=1"))
        _notices(notify, "READY=1")
        assert fcgi_client.get(sock_path, "/login")[0] == 200
        master.send_signal(signal.SIGTERM)
        _notices(notify, "STOPPING=1")
        master.wait(timeout=40)
        assert master.returncode == 0
    finally:
        if master.poll() is None:
            os.killpg(master.pid, signal.SIGKILL)   # the workers too
        notify.close()
        shutil.rmtree(tmp)


def _log_lines(path):
    return open(path).read().splitlines() if os.path.exists(path) else []


def test_access_log_to_a_file_reopened_on_sigusr1():
    with fd0_master(workers=2, log_file="{tmp}/kaquan.log") as \
            (master, tmp, sock_path, stderr):
        log = os.path.join(tmp, "kaquan.log")
        status, headers, _ = first_get(sock_path, "/login")
        assert status == 200
        rid = headers["X-Request-Id"]
        # an id route is named by its pattern: no id in the log
        assert fcgi_client.get(sock_path, "/user/orders/4711")[0] == 303
        time.sleep(0.2)
        lines = _log_lines(log)
        assert any(l.endswith("ms") and "req=%s: GET /login 200 " % rid in l
                   for l in lines), lines
        assert any(": GET /user/orders/{id} 303 " in l for l in lines), lines
        assert not any("4711" in l for l in lines), lines
        assert "starting 2 workers" in "\n".join(lines)
        assert open(stderr).read() == "", "stderr is not the log"

        # logrotate: moved, then SIGUSR1; both workers write the new file
        os.rename(log, log + ".1")
        master.send_signal(signal.SIGUSR1)
        time.sleep(0.3)
        for _ in range(6):
            assert fcgi_client.get(sock_path, "/login")[0] == 200
        time.sleep(0.2)
        new, old = _log_lines(log), _log_lines(log + ".1")
        assert "log reopened" in "\n".join(new), new
        assert len([l for l in new if ": GET /login 200 " in l]) == 6, new
        assert not [l for l in old if "log reopened" in l]
        assert oct(os.stat(log).st_mode & 0o777) == "0o640"


def test_logrotate_file_parses():
    text = open(os.path.join(ROOT, "conf/logrotate.d/kaquan")).read()
    tmp = tempfile.mkdtemp(dir=VAR)
    try:
        conf = os.path.join(tmp, "kaquan")
        # the user kaquan exists only where the package is installed
        open(conf, "w").write(text.replace("create 0640 kaquan adm", "create 0640 root adm")
                              .replace("/var/log/kaquan", tmp))
        open(os.path.join(tmp, "kaquan.log"), "w").write("x\n")
        r = subprocess.run(["logrotate", "-d", "-s", os.path.join(tmp, "state"), conf],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0 and "error" not in r.stderr.lower(), r.stderr
        assert "Handling 1 logs" in r.stderr, r.stderr
    finally:
        shutil.rmtree(tmp)


def metrics():
    """The stack's Prometheus text as {"name{labels}": value}."""
    r = Client().get("/kaquan-status?prometheus")
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("text/plain; version=0.0.4"), r.headers
    out = {}
    for line in r.text.splitlines():
        if line and not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            out[k] = float(v)
    return out


def test_status_page_and_metrics_count_what_happens():
    from kq import sql
    from fixtures import pick_ups
    from fixtures import codes_of, create_template, issue, post, unknown_code
    before = metrics()
    assert before["kaquan_up"] == 1
    for _ in range(3):
        assert Client().get("/login").status == 200
    m, _, _ = pick_ups(1)
    code = codes_of(issue(create_template(), mode="codes", count="1"))[0]
    assert post(m, "/user/redeem/confirm", code=code).status == 303
    for _ in range(5):
        post(m, "/user/redeem", code=unknown_code())
    assert post(m, "/user/redeem", code=unknown_code()).status == 429
    sql("DELETE FROM failed_attempts WHERE uin = %d" % m.uin)
    after = metrics()
    grew = {k: after[k] - before.get(k, 0) for k in after}
    assert grew['kaquan_requests_total{group="public",code="2xx"}'] >= 3, grew
    assert grew["kaquan_pickups_total"] == 1 and grew["kaquan_redemptions_total"] == 1
    assert grew["kaquan_rate_limit_hits_total"] == 1, grew
    assert grew['kaquan_requests_total{group="member",code="4xx"}'] >= 6, grew
    # a histogram: cumulative buckets, +Inf is the count
    assert after['kaquan_request_duration_seconds_bucket{group="member",le="+Inf"}'] == \
        after['kaquan_request_duration_seconds_count{group="member"}'] >= \
        after['kaquan_request_duration_seconds_bucket{group="member",le="0.001"}']

    # php-fpm's page, and the same as JSON
    r = Client().get("/kaquan-status")
    assert r.status == 200 and r.header("Content-Type") == "text/plain; charset=utf-8"
    assert "accepted conn:" in r.text and "total processes:" in r.text, r.text
    j = Client().get("/kaquan-status?json")
    assert j.status == 200 and j.json["pool"] == "kaquan", j.text
    assert j.json["total_processes"] == len(j.json["workers"]) >= 1
    assert j.json["accepted_conn"] >= sum(w["requests"] for w in j.json["workers"])
    assert Client().get("/kaquan-status?full").status == 400

    # a worker killed: replaced and counted; its row is not left behind
    master = int(open(os.path.join(VAR, "run", "kaquan.pid")).read())
    workers = subprocess.run(["pgrep", "-P", str(master)], capture_output=True,
                             text=True).stdout.split()
    os.kill(int(workers[0]), signal.SIGKILL)
    for _ in range(50):
        time.sleep(0.1)
        j = Client().get("/kaquan-status?json").json
        if j["worker_restarts"] == before["kaquan_worker_restarts_total"] + 1 and \
                j["total_processes"] == len(workers):
            break
    assert j["worker_restarts"] == before["kaquan_worker_restarts_total"] + 1, j
    assert j["total_processes"] == len(workers) and \
        int(workers[0]) not in [w["pid"] for w in j["workers"]], j


def test_status_page_only_for_allowed_addresses():
    with fd0_master(workers=1, status_path="/st",
                    status_allow="10.1.2.3, 192.0.2.7") as (_, _, sock_path, _):
        assert first_get(sock_path, "/st", remote_addr="192.0.2.7")[0] == 200
        assert fcgi_client.get(sock_path, "/st", remote_addr="127.0.0.1")[0] == 404
        assert fcgi_client.get(sock_path, "/st", remote_addr="10.1.2.30")[0] == 404
        assert fcgi_client.get(sock_path, "/kaquan-status", remote_addr="10.1.2.3")[0] == 404


def test_a_list_of_database_servers_passes_over_one_that_is_down():
    from kq import CONF
    real = [l.split("=", 1)[1].strip() for l in open(CONF) if l.startswith("db_socket")][0]
    for servers, want in (("/nonexistent/a.sock, " + real, 303),
                          ("/nonexistent/a.sock /nonexistent/b.sock", 503)):
        with fd0_master(workers=1, db_socket=servers) as (_, _, sock_path, stderr):
            # /user needs the database before it sends a visitor to log in
            status = first_get(sock_path, "/user")[0]
            assert status == want, (servers, status, open(stderr).read())
            if want == 303:
                assert "/nonexistent/a.sock" in open(stderr).read() and \
                    "trying the next server" in open(stderr).read()
