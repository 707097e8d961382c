#!/bin/sh
# restore.sh - `make test-restore`: a private stack (var/restore), then
# tests/http/test_restore.py against it: a hot mariadb-backup under the
# crash tests' mixed load, restored to the end of the binary log and to a
# moment in the middle, the books checked on each (README: Backup and
# restore).  make test runs the same test against its own stack.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export KAQUAN_VAR=$ROOT/var/restore
export KAQUAN_BUILD=${KAQUAN_BUILD:-$ROOT/build}
export KAQUAN_DEMO=0
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sh "$ROOT/conf/dev/stack.sh" down >/dev/null 2>&1
rm -rf "$KAQUAN_VAR"
KAQUAN_PORT=$port sh "$ROOT/conf/dev/stack.sh" up >/dev/null || exit 1
. "$KAQUAN_VAR/kaquan.env"
export KAQUAN_URL KAQUAN_CONF
cd "$ROOT" && python3 tests/http/run.py test_restore
rc=$?
sh "$ROOT/conf/dev/stack.sh" down >/dev/null 2>&1
exit $rc
