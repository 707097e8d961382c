"""test_upgrade.py - issue 30's upgrades: kaquanctl migrate --status says
which migrations are applied and which wait, and applies none; kaquan-fcgi
refuses to start against a schema it cannot serve (migrations pending, or
one applied that a newer release marked as contracting) and serves one
that a newer release only expanded, saying so."""
import os
import re
import shutil
import subprocess
import tempfile

from fixtures import _conf_without_listen, fd0_master, first_get
from kq import BUILD, VAR, sql

SQL = os.path.join(os.path.dirname(__file__), "..", "..", "sql")
MIGRATIONS = sorted(f for f in os.listdir(SQL) if re.match(r"\d{3}_.+\.sql$", f))
KNOWN = int(MIGRATIONS[-1][:3])


def _status(conf=None):
    args = [os.path.join(BUILD, "kaquanctl")] + (["--config", conf] if conf else [])
    r = subprocess.run(args + ["migrate", "--status"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_migrate_status_lists_applied_and_pending():
    lines = _status()
    assert lines[-1] == "%d applied, 0 pending" % len(MIGRATIONS), lines[-3:]
    for name in MIGRATIONS:
        assert any(re.match(r"applied  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ %s$" % re.escape(name), l)
                   for l in lines), (name, lines)
    # a release with one migration more: listed as pending, and --status
    # applies nothing
    tmp = tempfile.mkdtemp(dir=VAR)
    try:
        sql_dir = os.path.join(tmp, "sql")
        shutil.copytree(SQL, sql_dir)
        nxt = "%03d_upgrade_probe.sql" % (KNOWN + 1)
        with open(os.path.join(sql_dir, nxt), "w") as f:
            f.write("CREATE TABLE upgrade_probe (id INT PRIMARY KEY);\n")
        lines = _status(_conf_without_listen(tmp, sql_dir=sql_dir))
        assert ("pending  %s %s" % (" " * 20, nxt)) in lines, lines[-3:]
        assert lines[-1] == "%d applied, 1 pending" % len(MIGRATIONS), lines[-3:]
        assert sql("SHOW TABLES LIKE 'upgrade_probe'") == []
    finally:
        shutil.rmtree(tmp)


def _refused(why):
    with fd0_master(workers=1) as (master, _, _, stderr):
        assert master.wait(30) == 78
        err = open(stderr).read()
        assert "refusing to start: " in err and why in err, err


def test_a_schema_newer_or_older_than_the_binary():
    nxt = KNOWN + 1
    try:
        # a newer release's migration that only expands: served, and said
        sql("INSERT INTO schema_migrations (version, name, needs)"
            " VALUES (%d, 'next_release.sql', 0)" % nxt)
        lines = _status()
        assert lines[-2].endswith(" next_release.sql (newer than these migrations)"), lines[-2:]
        with fd0_master(workers=1) as (master, _, sock_path, stderr):
            status, _, _ = first_get(sock_path, "/login")
            assert status == 200
            assert master.poll() is None
            said = ("newer than this kaquan knows (%d); its newer migrations only"
                    " expand it" % KNOWN)
            assert said in open(stderr).read()
        # one that contracts beyond this release: refused, and why
        sql("UPDATE schema_migrations SET needs = %d WHERE version = %d" % (nxt, nxt))
        _refused("needs a kaquan that knows migration %d: install the newer release" % nxt)
    finally:
        sql("DELETE FROM schema_migrations WHERE version > %d" % KNOWN)
    # this release's last migration not applied yet: refused until it is
    (name, at), = sql("SELECT name, applied_at FROM schema_migrations WHERE version = %d" % KNOWN)
    try:
        sql("DELETE FROM schema_migrations WHERE version = %d" % KNOWN)
        assert _status()[-1] == "%d applied, 1 pending" % (len(MIGRATIONS) - 1)
        _refused("the schema is at migration %d, this kaquan needs %d: run kaquanctl"
                 " migrate first" % (int(MIGRATIONS[-2][:3]), KNOWN))
    finally:
        sql("INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, '%s', '%s')"
            % (KNOWN, name, at))
    with fd0_master(workers=1) as (master, _, sock_path, _):
        assert first_get(sock_path, "/login")[0] == 200
