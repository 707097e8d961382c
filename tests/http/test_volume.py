"""test_volume.py - SPEC §9 Volume (issue 27): the cost of a page follows
the page, not the table.  A data set of a few hundred thousand rows
(tests/volume/load.sql at a tenth of the bench's scale) in a database of
its own, a master of the test's own over it with KAQUAN_ROWS_READ=1, and
every list page with its filters (tests/volume/pages.py): the rows each
request read (MariaDB's Handler_read_* counters, which do not depend on
the machine's speed) stay under the bound.  Then what volume brings out:
counts past 10,000, pages by cursor, a statement that times out, an
export cut halfway, the sweep in bounded transactions."""
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

from fixtures import FcgiClient, _conf_without_listen, admin, counts_check, create_template, \
    fd0_master, first_get, issue, member
from kq import BUILD, HOST, PORT, VAR, sql

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "volume"))
import pages  # noqa: E402

DB = "kaquan_vol"
SCALE = "0.1"       # 300k vouchers, 330k ledger rows, 100k cards and orders


def _vol_sql(query):
    return sql(query, db=DB)


def _load(tmp):
    """The volume database, migrated and loaded; its configuration."""
    conf = _conf_without_listen(tmp, db_name=DB)
    sql("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s CHARACTER SET utf8mb4"
        " COLLATE utf8mb4_unicode_ci; GRANT ALL PRIVILEGES ON %s.* TO 'kaquan'@'localhost'"
        % (DB, DB, DB))

    def vol_ctl(*args, password=None):
        r = subprocess.run([os.path.join(BUILD, "kaquanctl"), "--config", conf] + list(args),
                           input=(password + "\n") if password else "",
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError("kaquanctl %s: %s" % (" ".join(args), r.stderr.strip()))
        return r.stdout.strip()
    vol_ctl("migrate")
    vol_ctl("admin", "add", "--login", "vol-loader", "--role", "admin", password="volume-pass")
    _vol_sql("SET @scale = %s; SOURCE %s;" % (SCALE, os.path.join(ROOT, "tests", "volume",
                                                                  "load.sql")))
    return vol_ctl


def test_every_list_reads_rows_by_the_page_not_by_the_table():
    """Each list page of pages.PAGES, with its filters and deep by cursor,
    reads at most pages.BOUND rows from a table many times that size, and a
    page by cursor at most pages.CURSOR_BOUND; a plan that sorts or counts
    the whole table reads it all and fails."""
    tmp = tempfile.mkdtemp(dir=VAR)
    vol_ctl = _load(tmp)
    vouchers = int(_vol_sql("SELECT COUNT(*) FROM vouchers")[0][0])
    assert vouchers > 8 * pages.BOUND, vouchers
    with fd0_master(env={"KAQUAN_ROWS_READ": "1"}, workers=1, db_name=DB,
                    access_log=1) as (_, _, sock, log):
        first_get(sock, "/login")
        clients = pages.logins(prefix="t", client=lambda: FcgiClient(sock), ctl=vol_ctl)
        res = pages.run(clients, log, pages.ids(sql=_vol_sql), times=1)
        over = {name: (rows, status, p) for name, (_, rows, status, p) in res.items()
                if status != 200 or not 0 <= rows <= pages.BOUND}
        assert not over, over
        # a page by cursor skips nothing and counts nothing: its rows alone
        deep = {name: rows for name, (_, rows, _, _) in res.items()
                if name.endswith("by cursor") and rows > pages.CURSOR_BOUND}
        assert not deep, deep
        # the pager past 10,000: "10000+", numbered pages, then a cursor
        a = clients["admin"]
        r = a.get("/admin/vouchers")
        nav = re.search(r'<nav class="pager" data-pager="" data-page="1" data-pages="([^"]+)"'
                        r' data-total="([^"]+)"', r.text)
        assert nav and nav.groups() == ("500+", "10000+"), nav and nav.groups()
        assert "10,000+" in r.text
        r = a.get("/admin/vouchers?page=500")
        nxt = re.search(r'href="(/admin/vouchers\?page=501&amp;after=(\d+))"', r.text)
        assert nxt, r.text[-2000:]
        ids500 = [int(x) for x in re.findall(r'<tr data-id="(\d+)"', r.text)]
        assert len(ids500) == 20 and int(nxt.group(2)) == ids500[-1], (ids500, nxt.group(2))
        r = a.get(nxt.group(1).replace("&amp;", "&"))
        ids501 = [int(x) for x in re.findall(r'<tr data-id="(\d+)"', r.text)]
        assert r.status == 200 and len(ids501) == 20 and ids501[0] < ids500[-1], ids501
        assert 'data-page="501"' in r.text and 'href="/admin/vouchers?page=1"' in r.text
        # the same rows the numbers would give: the list is by id, newest first
        assert ids501 == [int(x) for x, in _vol_sql(
            "SELECT id FROM vouchers ORDER BY id DESC LIMIT 20 OFFSET 10000")], ids501
    _vol_sql("DROP DATABASE %s" % DB)


def _log_since(offset):
    with open(os.path.join(VAR, "log", "kaquan.log"), "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", "replace")


def test_a_statement_that_times_out_fails_its_request_alone():
    """The audit log locked (a statement of another session holds it):
    the audit page waits out max_statement_time and answers 503, while the
    other workers go on serving, and no outage is declared."""
    a, m = admin(), member()
    assert a.get("/admin/audit").status == 200
    mark = os.path.getsize(os.path.join(VAR, "log", "kaquan.log"))
    lock = subprocess.Popen(["mariadb", "--no-defaults", "--socket",
                             os.path.join(VAR, "run", "mysql.sock"), "kaquan", "-e",
                             "LOCK TABLES audit_log WRITE; SELECT SLEEP(9); UNLOCK TABLES"],
                            stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        slow = {}

        def audit_page():
            t = time.time()
            r = a.get("/admin/audit")
            slow["r"], slow["s"] = r, time.time() - t
        th = threading.Thread(target=audit_page)
        th.start()
        others = []
        while th.is_alive():
            t = time.time()
            others.append((m.get("/user").status, time.time() - t))
            time.sleep(0.1)
        th.join()
    finally:
        lock.wait()
    assert slow["r"].status == 503 and slow["r"].header("Retry-After"), slow["r"]
    assert 4 < slow["s"] < 12, slow["s"]
    assert len(others) > 10 and all(s == 200 for s, _ in others), others
    assert max(t for _, t in others) < 1, others
    log = _log_since(mark)
    assert "max_statement_time" in log, log
    assert "requests get 503 until it is back" not in log, log


def test_an_export_cut_halfway_never_ends_as_a_whole_file():
    """With KAQUAN_FAULT=db (tests/run.sh) X-Kaquan-Db-Fail: N fails the
    request's N-th statement.  An export of more rows than one statement
    reads (pager.h PAGER_CHUNK), for each N: a 503 before any row, or a
    download that fails (no last chunk), or the whole file; never a
    complete 200 with rows missing.  The log says why."""
    tid = create_template(name="分块导出券")
    iid = issue(tid, mode="codes", count="2500")
    a = admin()
    mark = os.path.getsize(os.path.join(VAR, "log", "kaquan.log"))
    whole = a.get("/admin/vouchers.csv?issue=%d" % iid)
    assert whole.status == 200 and whole.body.count(b"\r\n") == 2501, whole.body[:200]
    # N counts from the worker's first statement, and a worker that has
    # not yet cached the session reads it first: each N a few times
    cuts = wholes = 0
    for n in [n for n in range(40) for _ in range(3)]:
        conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        conn.request("GET", "/admin/vouchers.csv?issue=%d" % iid, headers={
            "Cookie": "; ".join("%s=%s" % kv for kv in a.cookies.items()),
            "X-Kaquan-Db-Fail": str(n)})
        r = conn.getresponse()
        try:
            body = r.read()
        except http.client.IncompleteRead:
            assert r.status == 200
            cuts += 1
            continue
        finally:
            conn.close()
        assert r.status in (200, 503), (n, r.status)
        if r.status == 200:
            assert body == whole.body, (n, body.count(b"\r\n"))
            wholes += 1
            if cuts and wholes > 3:
                break
    else:
        raise AssertionError("never whole after a cut: %d cuts, %d whole" % (cuts, wholes))
    assert cuts >= 1, cuts
    assert "vouchers.csv: cut short: vouchers.csv: unavailable" in _log_since(mark)


def test_the_sweep_works_in_bounded_transactions_and_goes_on_after_a_stop():
    """2,500 vouchers past their end, unswept.  The sweep stopped at its
    N-th statement, for each N until it runs through: after every stop,
    each voucher written expired has exactly its one ledger row and the
    others none; some stop leaves a part done that is a whole number of
    chunks of 1,000 (so they commit one by one); at the end all 2,500 are
    expired, each with one ledger row."""
    tid = create_template(name="清扫券")
    iid = issue(tid, mode="codes", count="2500")
    sql("UPDATE vouchers SET valid_to = UTC_TIMESTAMP() - INTERVAL 1 DAY WHERE issue_id = %d"
        % iid)
    conf = os.environ["KAQUAN_CONF"]
    partial = set()
    for n in range(200):
        r = subprocess.run([os.path.join(BUILD, "kaquanctl"), "--config", conf, "sweep"],
                           env=dict(os.environ, KAQUAN_DB_FAIL_AFTER=str(n)),
                           capture_output=True, text=True, timeout=120)
        expired, logged, mismatched = [int(x) for x in sql(
            "SELECT SUM(v.status = 'expired'),"
            " (SELECT COUNT(*) FROM voucher_ledger l JOIN vouchers w ON w.id = l.voucher_id"
            "  WHERE w.issue_id = %d AND l.kind = 'expire'),"
            " SUM((v.status = 'expired') <> (SELECT COUNT(*) = 1 FROM voucher_ledger l"
            "  WHERE l.voucher_id = v.id AND l.kind = 'expire'))"
            " FROM vouchers v WHERE v.issue_id = %d" % (iid, iid))[0]]
        assert mismatched == 0 and expired == logged, (n, expired, logged)
        if r.returncode == 0:
            break
        partial.add(expired)
    else:
        raise AssertionError("the sweep never ran through")
    assert expired == 2500, expired
    assert partial & {1000, 2000}, partial


def test_the_kept_figures_equal_a_recount():
    """After every test before this one (races, crashes, refunds): each
    issue's and batch's kept figures are what a count of its rows says."""
    counts_check()
