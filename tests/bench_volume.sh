#!/bin/sh
# bench_volume.sh - `make bench-volume` (SPEC §9 Volume, issue 27): the
# same pages, exports and sweep on two data sets of the same shapes, made
# by tests/volume/load.sql: one of demo size (@scale 0.00001: tens of
# rows) and one at a provider's volume (@scale 1: ~200k accounts, 3M
# vouchers, 3.3M ledger rows, 1M cards, 1M orders, 500k audit rows; a few
# minutes to load).  Each on a release stack of its own under
# var/bench-volume-*, with KAQUAN_ROWS_READ=1 (rows read per request in
# the access log).  Prints a table and "bench: NAME VALUE" lines.
# KAQUAN_VOLUME_SCALE scales the big set (0.1 for a quick look);
# KAQUAN_VOLUME_WHAT=sweep measures only the redemptions during the sweep.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# approval_cap off, as make bench has it: a 100,000-card batch is made, not
# sent for approval (SPEC §11)
export KAQUAN_BUILD=$ROOT/build KAQUAN_ROWS_READ=1 KAQUAN_DEMO=0 KAQUAN_APPROVAL_CAP=0
PATH=/usr/sbin:/sbin:$PATH
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

one() {	# one NAME SCALE WHAT: a stack, the data, bench.py WHAT
	export KAQUAN_VAR=$ROOT/var/bench-volume-$1
	sh "$ROOT/conf/dev/stack.sh" down >/dev/null 2>&1 || true
	rm -rf "$KAQUAN_VAR"
	KAQUAN_PORT=$port sh "$ROOT/conf/dev/stack.sh" up >/dev/null
	. "$KAQUAN_VAR/kaquan.env"
	export KAQUAN_URL KAQUAN_CONF
	db="mariadb --no-defaults --socket=$KAQUAN_VAR/run/mysql.sock -u$(id -un) kaquan"
	# the admin load.sql names as the issuer of what it makes
	echo volume-pass | "$KAQUAN_BUILD/kaquanctl" --config "$KAQUAN_CONF" admin add \
	    --login volume-loader --role admin >/dev/null
	t=$(date +%s)
	# the buffer pool raised for the load alone, then the stack's again
	$db -e "SET GLOBAL innodb_buffer_pool_size = 2147483648"
	$db --abort-source-on-error -e "SET @scale = $2; SOURCE $ROOT/tests/volume/load.sql;" \
	    >/dev/null
	$db -e "SET GLOBAL innodb_buffer_pool_size = 268435456"
	echo "$1: loaded @scale $2 in $(($(date +%s) - t)) s:" \
	    "$($db -N -e "SELECT CONCAT((SELECT COUNT(*) FROM vouchers), ' vouchers, ',
	        (SELECT COUNT(*) FROM pickup_cards), ' cards, ', (SELECT COUNT(*) FROM orders),
	        ' orders')")"
	python3 "$ROOT/tests/volume/bench.py" "$3" "$KAQUAN_VAR/figures.json"
	sh "$ROOT/conf/dev/stack.sh" down >/dev/null
}

echo "kaquan bench-volume: $(nproc) cores, $(date -u +%FT%TZ)"
if [ "${KAQUAN_VOLUME_WHAT:-}" = sweep ]; then
	one volume "${KAQUAN_VOLUME_SCALE:-1}" sweep
	exit
fi
one demo 0.00001 pages
one volume "${KAQUAN_VOLUME_SCALE:-1}" volume
python3 "$ROOT/tests/volume/bench.py" compare "$ROOT/var/bench-volume-demo/figures.json" \
    "$ROOT/var/bench-volume-volume/figures.json"
