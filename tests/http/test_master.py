"""test_master.py - the prefork master: start checks, spawn-fcgi mode (socket
on fd 0), draining on SIGTERM, reloading on SIGHUP."""
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import fcgi_client
from kq import BUILD, CONF, VAR, Client

FCGI = os.path.join(BUILD, "kaquan-fcgi")


def _conf_without_listen(tmp, **extra):
    lines = [l for l in open(CONF) if not l.startswith(("listen", "workers"))]
    lines += ["%s = %s\n" % kv for kv in extra.items()]
    path = os.path.join(tmp, "kaquan.conf")
    with open(path, "w") as f:
        f.writelines(lines)
    return path


@contextlib.contextmanager
def fd0_master(env=None, **conf):
    """kaquan-fcgi with the socket on fd 0 (as spawn-fcgi passes it) and
    the tests' configuration plus conf's keys ("{tmp}" in a value: the
    directory), in a fresh directory, with env's variables added to its
    environment: (master, tmp, socket path, stderr path).  The master and
    its workers are killed after."""
    tmp = tempfile.mkdtemp(dir=VAR)
    sock_path = os.path.join(tmp, "s.sock")
    stderr = os.path.join(tmp, "stderr")
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock.bind(sock_path)
    lsock.listen(16)
    path = _conf_without_listen(tmp, **{k: str(v).replace("{tmp}", tmp)
                                        for k, v in conf.items()})
    master = subprocess.Popen([FCGI, "--config", path], stdin=lsock.fileno(),
                              stderr=open(stderr, "w"), start_new_session=True,
                              env=dict(os.environ, **(env or {})))
    lsock.close()
    try:
        yield master, tmp, sock_path, stderr
    finally:
        if master.poll() is None:
            os.killpg(master.pid, signal.SIGKILL)   # the workers too
        shutil.rmtree(tmp)


def first_get(sock_path, path, **kw):
    """The first answer of a master just started: (status, headers, body)."""
    for _ in range(100):
        try:
            return fcgi_client.get(sock_path, path, **kw)
        except (ConnectionError, OSError):
            time.sleep(0.05)
    raise AssertionError("no answer on " + sock_path)


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
