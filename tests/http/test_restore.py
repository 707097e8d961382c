"""test_restore.py - issue 30's backups (make test-restore; make test runs
it too).  Under the crash tests' mixed load a hot mariadb-backup is taken
while kaquan serves; the load goes on, then stops.  The backup is prepared,
copied into a fresh datadir, the binary log replayed from the backup's
position to its end, and a kaquan started on it: every write a client saw
acknowledged is there, the copy holds exactly what the live server holds,
nothing is there twice, the books check.  Then the same backup restored and
replayed only to a position taken in the middle of the load: what was
acknowledged before it is there, nothing begun after it is, and the books
check there too (README: Backup and restore)."""
import getpass
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from fixtures import (FcgiClient, books_check, fd0_master, first_get, mixed_do,
                      mixed_done, mixed_work)
from kq import VAR, on_server, sql

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CNF = os.path.join(ROOT, "conf", "mariadb", "60-kaquan.cnf")
LIVE = os.path.join(VAR, "db")
ME = getpass.getuser()


def _run(*args, **kw):
    r = subprocess.run(list(args), capture_output=True, text=True, timeout=600, **kw)
    assert r.returncode == 0, (args[0], r.stderr[-2000:])
    return r.stdout


def _load(work, out):
    """Each member's items in turn, each with the times it was sent and
    answered."""
    def run(m, items):
        for kind, x in items:
            sent = time.time()
            status = mixed_do(m, kind, x)
            out.append((m.uin, kind, x, status, sent, time.time()))
            time.sleep(0.03)
    threads = [threading.Thread(target=run, args=(m, items)) for m, items in work]
    for t in threads:
        t.start()
    return threads


def _binlog_files(start):
    """The live server's binary logs from start on, in order."""
    index = open(os.path.join(LIVE, "kaquan-bin.index")).read().split()
    names = [os.path.basename(n) for n in index]
    return [os.path.join(LIVE, n) for n in names[names.index(start):]]


class Restored:
    """The prepared backup copied into a new datadir, a server started on
    it, and the binary log replayed from the backup's position up to stop
    ((file, position); None: to the end)."""

    def __init__(self, tmp, backup, start, stop, name):
        self.dir = os.path.join(tmp, name)
        self.sock = os.path.join(tmp, name + ".sock")
        t = time.time()
        _run("mariadb-backup", "--copy-back", "--target-dir=" + backup,
             "--datadir=" + self.dir)
        self.copy_s = time.time() - t
        self.server = subprocess.Popen(
            ["mariadbd", "--defaults-file=" + CNF, "--datadir=" + self.dir,
             "--socket=" + self.sock, "--skip-networking", "--skip-log-bin",
             "--user=" + ME, "--innodb-buffer-pool-size=64M",
             "--log-error=" + os.path.join(tmp, name + ".err")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(300):
            if subprocess.run(["mariadb-admin", "--no-defaults", "--socket=" + self.sock,
                               "-u" + ME, "ping"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the restored server did not start: "
                                 + open(os.path.join(tmp, name + ".err")).read()[-2000:])
        files = _binlog_files(start[0])
        args = ["mariadb-binlog", "--start-position=%d" % start[1]]
        if stop is not None:
            files = files[:files.index(os.path.join(LIVE, stop[0])) + 1]
            args.append("--stop-position=%d" % stop[1])
        t = time.time()
        events = subprocess.Popen(args + files, stdout=subprocess.PIPE)
        r = subprocess.run(["mariadb", "--no-defaults", "--socket=" + self.sock,
                            "-u" + ME], stdin=events.stdout, capture_output=True,
                           timeout=600)
        events.stdout.close()
        assert events.wait(60) == 0 and r.returncode == 0, r.stderr[-2000:]
        self.replay_s = time.time() - t

    def stop(self):
        os.killpg(self.server.pid, signal.SIGTERM)
        self.server.wait(60)


def test_a_hot_backup_restores_to_the_end_and_to_a_moment():
    work = mixed_work(6)
    tmp = tempfile.mkdtemp(dir=VAR)
    try:
        backup = os.path.join(tmp, "backup")
        out = []
        # the backup while the first half of the members race
        threads = _load(work[:3], out)
        t = time.time()
        _run("mariadb-backup", "--backup", "--target-dir=" + backup,
             "--socket=" + os.path.join(VAR, "run", "mysql.sock"), "--user=" + ME)
        backup_s = time.time() - t
        during = len(out)
        for th in threads:
            th.join()
        # the load goes on; a moment in the middle of it
        threads = _load(work[3:], out)
        time.sleep(1.0)
        before = time.time()
        (mfile, mpos, _, _), = sql("SHOW MASTER STATUS")
        after = time.time()
        for th in threads:
            th.join()
        # where the backup ends in the binary log (mariadb-backup 10.11
        # still names the file for xtrabackup)
        info = os.path.join(backup, "xtrabackup_binlog_info")
        bfile, bpos = open(info).read().split()[:2]
        start = (bfile, int(bpos))
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(backup)
                   for f in fs)
        t = time.time()
        _run("mariadb-backup", "--prepare", "--target-dir=" + backup)
        prepare_s = time.time() - t
        assert during > 0 and len(out) == sum(len(items) for _, items in work), \
            (during, len(out))
        acked = [o for o in out if o[3] == 303]
        assert acked and {o[3] for o in out} <= {303, 409}, {o[3] for o in out}
        live = {(o[0], o[1], o[2]): mixed_done(*o[:3]) for o in out}
        ms = [m for m, _ in work]

        end = Restored(tmp, backup, start, None, "end")
        try:
            with on_server(end.sock):
                for o in out:   # the copy holds what the live server holds
                    assert mixed_done(*o[:3]) == live[o[:3]], o
                _nothing_twice(ms)
                books_check(ms)
            # and kaquan serves from it: a member's session is there too
            with fd0_master(workers=1, db_socket=end.sock) as (_, _, sock_path, _):
                assert first_get(sock_path, "/login")[0] == 200
                c = FcgiClient(sock_path)
                c.cookies = dict(ms[-1].cookies)
                r = c.get("/user/vouchers")
                assert r.status == 200 and r.page() == "user.vouchers", (r.status, r.page())
        finally:
            end.stop()

        mid = Restored(tmp, backup, start, (mfile, int(mpos)), "mid")
        try:
            with on_server(mid.sock):
                for o in out:
                    done = mixed_done(*o[:3])
                    if o[3] == 303 and o[5] < before:
                        assert done, ("acknowledged before the moment, not there", o)
                    if o[4] > after:
                        assert not done, ("begun after the moment, but there", o)
                _nothing_twice(ms)
                books_check(ms)
            n_before = sum(1 for o in acked if o[5] < before)
            n_after = sum(1 for o in out if o[4] > after)
            assert n_before and n_after, (n_before, n_after)
        finally:
            mid.stop()
        print("    backup %.1f MB in %.1f s under load (%d writes meanwhile), prepare %.1f s;"
              " restore: copy %.1f s, replay %.1f s to the end, %.1f s to the moment;"
              " %d writes checked (%d acknowledged), %d before the moment, %d after"
              % (size / 1e6, backup_s, during, prepare_s, end.copy_s, end.replay_s,
                 mid.replay_s, len(out), len(acked), n_before, n_after))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _nothing_twice(ms):
    """No card of the members ms picked up in two orders, no code of theirs
    redeemed twice (other tests' cards may be in two: a refunded boot)."""
    uins = ",".join(str(m.uin) for m in ms)
    rows = sql("SELECT c.id FROM pickup_cards c JOIN orders o ON o.card_id = c.id"
               " WHERE c.id IN (SELECT card_id FROM orders WHERE uin IN (%s))"
               " GROUP BY c.id HAVING COUNT(o.id) > 1" % uins)
    assert rows == [], ("a card in two orders", rows)
    rows = sql("SELECT l.voucher_id FROM voucher_ledger l JOIN vouchers v"
               " ON v.id = l.voucher_id WHERE v.uin IN (%s) AND l.kind = 'activate'"
               " GROUP BY l.voucher_id HAVING COUNT(*) > 1" % uins)
    assert rows == [], ("a code redeemed twice", rows)
