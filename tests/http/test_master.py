"""test_master.py - the prefork master: start checks, spawn-fcgi mode (socket
on fd 0), draining on SIGTERM, reloading on SIGHUP."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import fcgi_client
from fixtures import FCGI, _conf_without_listen, fd0_master, first_get
from kq import Client, VAR


def test_start_refused_with_file_and_line():
    tmp = tempfile.mkdtemp(dir=VAR)
    try:
        tdir = os.path.join(tmp, "templates")
        shutil.copytree("templates", tdir)
        page = os.path.join(tdir, "user.home.xhtml")
        text = open(page).read().replace("<h1>用户中心</h1>", "<h1>用户中心")
        open(page, "w").write(text)
        conf = _conf_without_listen(tmp, templates=tdir)
        r = subprocess.run([FCGI, "--config", conf], capture_output=True,
                           text=True, timeout=30)
        assert r.returncode != 0, r
        assert re.search(r"user\.home\.xhtml:\d+: ", r.stderr), r.stderr
        with open(conf, "a") as f:
            f.write("wrokers = 4\n")
        r = subprocess.run([FCGI, "--config", conf, "--check"],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode != 0 and "kaquan.conf:" in r.stderr \
            and 'unknown key "wrokers"' in r.stderr, r.stderr
    finally:
        shutil.rmtree(tmp)


def test_spawn_fcgi_socket_on_fd0_and_drain_on_sigterm():
    with fd0_master(workers=1) as (master, _, sock_path, _):
        status, headers, body = first_get(sock_path, "/login")
        assert status == 200 and 'data-page="login"' in body, (status, body[:200])
        assert headers.get("X-Content-Type-Options") == "nosniff"

        # a request in flight when SIGTERM arrives still gets its answer
        body = b"login=demo&password=" + b"x" * 80
        req = fcgi_client.Request("/login", method="POST",
                                  content_length=len(body), sock_path=sock_path)
        req.send(body[:10])
        time.sleep(0.2)
        master.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert master.poll() is None, "master left before the request ended"
        req.send(body[10:])
        status, _, page = req.finish()
        assert status == 403 and page.rstrip().endswith("</html>"), (status, page[-100:])
        master.wait(timeout=5)
        assert master.returncode == 0


def _workers(master):
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return sorted(int(p) for p in out.stdout.split())


def test_sighup_replaces_workers_without_dropping_requests():
    master = int(open(os.path.join(VAR, "run", "kaquan.pid")).read())
    before = _workers(master)
    c = Client()
    os.kill(master, signal.SIGHUP)
    statuses = []
    deadline = time.time() + 10
    while time.time() < deadline:
        statuses.append(c.get("/login").status)
        after = _workers(master)
        if len(after) == len(before) and not set(after) & set(before):
            break
    assert len(after) == len(before) and not set(after) & set(before), (before, after)
    assert set(statuses) == {200}, statuses
