#!/bin/sh
# run.sh - make test-upgrade (make test runs it too): migrations expand,
# then contract (README: Upgrades), so the previous release's binary serves
# a schema migrated to this release's.  This release's stack applies its
# migrations to a fresh database; then the previous release's stack
# (tests/upgrade/prev.sh: its binaries, templates and stack.sh) starts on
# that database, and the previous release's own tests of the pages and its
# race tests (one card, one code, one voucher, one review, one
# Idempotency-Key, the randomized workload) run against it.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NEW=${KAQUAN_BUILD:-$ROOT/build}
PREV=$(sh "$ROOT/tests/upgrade/prev.sh") || exit 1
export KAQUAN_VAR=$ROOT/var/upgrade
export KAQUAN_DEMO=0
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sh "$ROOT/conf/dev/stack.sh" down >/dev/null 2>&1
rm -rf "$KAQUAN_VAR"

# this release's migrations, by this release's kaquanctl
KAQUAN_BUILD=$NEW KAQUAN_PORT=$port sh "$ROOT/conf/dev/stack.sh" up >/dev/null || exit 1
echo "upgrade: the schema of this release: $("$NEW/kaquanctl" --config \
    "$KAQUAN_VAR/kaquan.conf" migrate --status | tail -1); the previous release:" \
    "$(cat "$PREV/commit" | cut -c1-12), $(ls "$PREV/src/sql" | tail -1)"
sh "$ROOT/conf/dev/stack.sh" down >/dev/null

# the previous release on it
KAQUAN_BUILD=$PREV/src/build KAQUAN_PORT=$port sh "$PREV/src/conf/dev/stack.sh" up \
    >/dev/null || exit 1
set -a
. "$KAQUAN_VAR/kaquan.env"
KAQUAN_BUILD=$PREV/src/build
set +a
(cd "$PREV/src" && python3 tests/http/run.py test_pages concurrent racing race)
rc=$?
sh "$PREV/src/conf/dev/stack.sh" down >/dev/null
exit $rc
