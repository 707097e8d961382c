#!/bin/sh
# soak.sh - `make soak`: the optimised build on a private stack under a mixed
# load for SOAK_SECONDS (default 1200); see tests/soak.py.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export KAQUAN_VAR=$ROOT/var/soak
export KAQUAN_BUILD=$ROOT/build
export KAQUAN_DEMO=0
sh "$ROOT/conf/dev/stack.sh" down >/dev/null 2>&1 || true
rm -rf "$KAQUAN_VAR"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KAQUAN_PORT=$port sh "$ROOT/conf/dev/stack.sh" up
trap 'sh "$ROOT/conf/dev/stack.sh" down >/dev/null 2>&1' EXIT INT TERM
. "$KAQUAN_VAR/kaquan.env"
export KAQUAN_URL KAQUAN_CONF
python3 "$ROOT/tests/soak.py"
