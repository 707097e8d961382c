#!/bin/sh
# bench.sh - `make bench`: figures of SPEC §9 measured with wrk against a
# private stack (optimised build), each beside a baseline from the same run:
# a static file of the same size served by the same nginx.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export KAQUAN_VAR=$ROOT/var/bench
export KAQUAN_BUILD=$ROOT/build
export KAQUAN_DEMO=1
DURATION=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-16}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KAQUAN_PORT=$port sh "$ROOT/conf/dev/stack.sh" up
trap 'sh "$ROOT/conf/dev/stack.sh" down >/dev/null 2>&1' EXIT INT TERM
URL=http://127.0.0.1:$port

# wrk URL → "req/s p99_ms"
measure() {
	wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$1" > "$KAQUAN_VAR/wrk.out" 2>&1
	rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$KAQUAN_VAR/wrk.out")
	p99=$(awk '$1 == "99%" { v = $2;
		if (v ~ /us$/) { sub("us", "", v); v /= 1000 }
		else if (v ~ /ms$/) { sub("ms", "", v) }
		else if (v ~ /s$/) { sub("s", "", v); v *= 1000 }
		printf "%.2f", v }' "$KAQUAN_VAR/wrk.out")
	errors=$(grep -c "Non-2xx\|Socket errors" "$KAQUAN_VAR/wrk.out" || true)
	[ "$errors" = 0 ] || { echo "bench: errors against $1:"; cat "$KAQUAN_VAR/wrk.out"; }
	echo "$rps $p99"
}

# a static file the size of the page under test
same_size_static() {
	size=$(curl -s "$URL$1" | wc -c)
	mkdir -p "$KAQUAN_VAR/bench"
	head -c "$size" /dev/zero | tr '\0' 'x' > "$KAQUAN_VAR/bench/page.html"
	echo "$size"
}

report() {	# report NAME "rps p99" BASELINE-NAME "rps p99"
	set -- "$1" $2 "$3" $4
	ratio=$(awk -v a="$2" -v b="$5" 'BEGIN { printf "%.1f", 100 * a / b }')
	printf '%-28s %10s req/s  p99 %7s ms\n' "$1" "$2" "$3"
	printf '%-28s %10s req/s  p99 %7s ms\n' "$4" "$5" "$6"
	printf '%-28s %9s%% of the baseline\n\n' "" "$ratio"
}

echo "kaquan bench: $(nproc) cores, wrk -c$CONNS -d${DURATION}s, $(date -u +%FT%TZ)"
size=$(same_size_static /login)
echo "GET /login is $size bytes"
login=$(measure "$URL/login")
static=$(measure "$URL/_bench/page.html")
report "GET /login" "$login" "static file, same size" "$static"

echo "pickup cards (SPEC §9: create 100,000 <= 1.5 s, download <= 0.3 s)"
. "$KAQUAN_VAR/kaquan.env"
KAQUAN_URL=$KAQUAN_URL KAQUAN_CONF=$KAQUAN_CONF \
    python3 "$ROOT/tests/bench_pickup.py" 40000 > "$KAQUAN_VAR/pickup.out"
sed -n 's/^create_100k_s /  create a 100,000-card batch (admin form): /p; s/^download_100k_s /  download its codes.txt:                  /p' \
    "$KAQUAN_VAR/pickup.out" | sed 's/$/ s/'
batch=$(sed -n 's/^pickup_batch //p' "$KAQUAN_VAR/pickup.out")
wrk -t2 -c"$CONNS" -d"${PICKUP_SECONDS:-5}s" -s "$ROOT/tests/pickup.lua" \
    "$URL" -- "$KAQUAN_VAR/bench" 2 > "$KAQUAN_VAR/wrk.out" 2>&1
total=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$KAQUAN_VAR/wrk.out")
secs=$(sed -n 's/.*requests in \([0-9.]*\)s.*/\1/p' "$KAQUAN_VAR/wrk.out")
bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$KAQUAN_VAR/wrk.out")
sock=$KAQUAN_VAR/run/mysql.sock
q() { mariadb --no-defaults --socket="$sock" -uroot -N -B kaquan -e "$1"; }
used=$(q "SELECT COUNT(*) FROM pickup_cards WHERE batch_id = $batch AND status = 'used'")
orders=$(q "SELECT COUNT(*) FROM orders o JOIN pickup_cards c ON c.id = o.card_id WHERE c.batch_id = $batch")
double=$(q "SELECT COUNT(*) FROM (SELECT card_id FROM orders WHERE card_id IS NOT NULL GROUP BY card_id HAVING COUNT(*) > 1) d")
awk -v n="$used" -v s="$secs" 'BEGIN { printf "  pick-ups of distinct cards over HTTP:      %.0f /s (%d in %ss, -c'"$CONNS"')\n", n / s, n, s }'
echo "  requests ${total:-?}, not 303: ${bad:-0}; cards used $used, their orders $orders, cards in two orders: $double"
