#!/bin/sh
# capture.sh - make golden's first half: a fresh private stack (sanitizer
# build) whose workers write every page's view, and capture.py's requests;
# the views become tests/golden/NAME.view.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export KAQUAN_VAR=$ROOT/var/golden KAQUAN_BUILD=$ROOT/build/asan KAQUAN_DEMO=0
export KAQUAN_VIEW_DUMP=$KAQUAN_VAR/views
sh "$ROOT/conf/dev/stack.sh" down >/dev/null 2>&1 || true
rm -rf "$KAQUAN_VAR"
mkdir -p "$KAQUAN_VIEW_DUMP"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KAQUAN_PORT=$port sh "$ROOT/conf/dev/stack.sh" up >/dev/null
. "$KAQUAN_VAR/kaquan.env"
export KAQUAN_URL KAQUAN_CONF
rc=0
python3 "$ROOT/tests/golden/capture.py" || rc=1
sh "$ROOT/conf/dev/stack.sh" down >/dev/null 2>&1
exit $rc
