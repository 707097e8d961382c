#!/bin/sh
# bench.sh - `make bench`: the figures of SPEC §9, measured with wrk against
# a private stack (optimised build), each beside baselines from the same run:
# a static file of the same size served by the same nginx, a bare libfcgi
# "hello" of the same size through the same nginx, and for My Vouchers the
# same page in PHP on php-fpm (tests/php/vouchers.php; php-fpm and
# php-mysql are installed here when missing, for the bench only).  It ends
# with one "bench: NAME VALUE" line per figure, for machines.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export KAQUAN_VAR=$ROOT/var/bench
export KAQUAN_BUILD=$ROOT/build
export KAQUAN_DEMO=1
DURATION=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-16}
POSTS=${PICKUP_SECONDS:-5}

# a fresh stack: the figures do not depend on what an earlier run left
sh "$ROOT/conf/dev/stack.sh" down >/dev/null 2>&1 || true
rm -rf "$KAQUAN_VAR"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# no two-person approval: the bench makes its batches and issues alone
KAQUAN_PORT=$port KAQUAN_APPROVAL_CAP=0 sh "$ROOT/conf/dev/stack.sh" up
. "$KAQUAN_VAR/kaquan.env"
URL=$KAQUAN_URL
BENCH=$KAQUAN_VAR/bench
mkdir -p "$BENCH"
hello_pid=
cleanup() {
	[ -n "$hello_pid" ] && kill "$hello_pid" 2>/dev/null
	pkill -f "$BENCH/hello" 2>/dev/null || true
	pkill -f "$BENCH/floor" 2>/dev/null || true
	[ -f "$BENCH/php-fpm.pid" ] && kill "$(cat "$BENCH/php-fpm.pid")" 2>/dev/null
	sh "$ROOT/conf/dev/stack.sh" down >/dev/null 2>&1
}
FIGURES=$BENCH/figures
: > "$FIGURES"
figure() { echo "bench: $1 $2" >> "$FIGURES"; }	# figure NAME VALUE
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
trap cleanup EXIT INT TERM

# wrk [wrk args] URL → "req/s p99_ms"
measure() {
	wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" > "$KAQUAN_VAR/wrk.out" 2>&1
	rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$KAQUAN_VAR/wrk.out")
	p99=$(awk '$1 == "99%" { v = $2;
		if (v ~ /us$/) { sub("us", "", v); v /= 1000 }
		else if (v ~ /ms$/) { sub("ms", "", v) }
		else if (v ~ /s$/) { sub("s", "", v); v *= 1000 }
		printf "%.2f", v }' "$KAQUAN_VAR/wrk.out")
	if grep -q "Non-2xx\|Socket errors" "$KAQUAN_VAR/wrk.out"; then
		echo "bench: errors from $*:" >&2	# every page measured is a 200
		grep "Non-2xx\|Socket errors" "$KAQUAN_VAR/wrk.out" >&2
		exit 1
	fi
	echo "$rps $p99"
}

# the baselines for a page of SIZE bytes: a static file and a bare FastCGI
# hello, both through the same nginx
baselines() {
	head -c "$1" /dev/zero | tr '\0' 'x' > "$BENCH/page.html"
	[ -n "$hello_pid" ] && kill "$hello_pid" 2>/dev/null
	pkill -f "$BENCH/hello" 2>/dev/null || true
	sleep 0.2
	rm -f "$KAQUAN_VAR/run/hello.sock"
	"$BENCH/hello" "$KAQUAN_VAR/run/hello.sock" "$1" &
	hello_pid=$!
	n=50
	while [ ! -S "$KAQUAN_VAR/run/hello.sock" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
}

row() {	# row NAME "rps p99" [BASELINE-RPS]
	set -- "$1" $2 "${3:-}"
	if [ -n "$4" ]; then
		printf '  %-34s %9s req/s  p99 %6s ms  %5.1f%%\n' "$1" "$2" "$3" \
		    "$(awk -v a="$2" -v b="$4" 'BEGIN { print 100 * a / b }')"
	else
		printf '  %-34s %9s req/s  p99 %6s ms\n' "$1" "$2" "$3"
	fi
}

cc -O2 -o "$BENCH/hello" "$ROOT/tests/hello.c" $(pkg-config --cflags --libs fcgi)
cc -O2 -o "$BENCH/floor" "$ROOT/tests/floor.c" $(pkg-config --cflags --libs fcgi libmariadb)
echo "kaquan bench: $(nproc) cores, wrk -t2 -c$CONNS -d${DURATION}s, $(date -u +%FT%TZ)"
echo "(the last column: the page's rate as a share of its baseline's: the hello's for /login, the floor's for My Vouchers)"
echo

# the member of the figures: an account of its own, so it holds exactly
# the 20 vouchers of SPEC §9 (the demo account has the demo's besides)
"$KAQUAN_BUILD/kaquanctl" --config "$KAQUAN_CONF" account add --uin 100900 \
    --name "bench" > /dev/null
echo "bench1234" | "$KAQUAN_BUILD/kaquanctl" --config "$KAQUAN_CONF" user add \
    --uin 100900 --login bench --owner > /dev/null
KAQUAN_URL=$URL KAQUAN_CONF=$KAQUAN_CONF \
    python3 "$ROOT/tests/bench_setup.py" 40000 20000 > "$KAQUAN_VAR/setup.out"
cookie=$(sed -n 1p "$BENCH/member.env")

size=$(curl -s "$URL/login" | wc -c)
baselines "$size"
echo "GET /login ($size bytes)"
static=$(measure "$URL/_bench/page.html")
hello=$(measure "$URL/_hello")
row "bare FastCGI hello, same size" "$hello"
row "static file, same size" "$static"
login=$(measure "$URL/login")
row "GET /login" "$login" "${hello%% *}"
figure login_vs_hello "$(ratio "${login%% *}" "${hello%% *}")"
echo

sock=$KAQUAN_VAR/run/mysql.sock
q() { mariadb --no-defaults --socket="$sock" -u"$(id -un)" -N -B kaquan -e "$1"; }

# The PHP peer: php-fpm with as many processes as kaquan has workers and
# opcache on, the same database, the same session, and the SQL kaquan
# prepares for the page (from MariaDB's general log: new workers prepare
# their statements on first use).
php_peer() {
	if ! ls /usr/sbin/php-fpm* >/dev/null 2>&1 ||
	    ! ls /etc/php/*/mods-available/mysqli.ini >/dev/null 2>&1; then
		echo "(installing php-fpm and php-mysql for the PHP peer)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends php-fpm php-mysql > "$KAQUAN_VAR/log/apt-php.log" 2>&1
	fi
	fpm=$(ls /usr/sbin/php-fpm* | sort | tail -1)
	q "SET GLOBAL general_log_file = '$BENCH/general.log'; SET GLOBAL general_log = 1"
	kill -HUP "$(cat "$KAQUAN_VAR/run/kaquan.pid")"
	sleep 1
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		curl -s -o /dev/null -H "Cookie: $cookie" "$URL/user/vouchers"
		# past the last page: the count kaquan runs when a list is longer
		curl -s -o /dev/null -H "Cookie: $cookie" "$URL/user/vouchers?page=2"
	done
	q "SET GLOBAL general_log = 0"
	sql() { sed -n "s/.*Prepare\t\($1.*\)/\1/p" "$BENCH/general.log" | head -1; }
	{
		echo "<?php"
		echo "const DB_SOCKET = '$sock';"
		echo "const DB_USER = 'kaquan';"
		echo "const DB_PASSWORD = '$(cat "$KAQUAN_VAR/db.password")';"
		echo "const DB_NAME = 'kaquan';"
		echo "const DISPLAY_TZ = 'Asia/Shanghai';"
		echo "const IDLE_MINUTES = 30;"
		echo "const ABSOLUTE_HOURS = 12;"
		printf "const SESSION_SQL = <<<'SQL'\n%s\nSQL;\n" "$(sql 'SELECT s.csrf.* JOIN users u')"
		printf "const LIST_SQL = <<<'SQL'\n%s\nSQL;\n" "$(sql 'SELECT STRAIGHT_JOIN')"
		printf "const COUNT_SQL = <<<'SQL'\n%s\nSQL;\n" \
		    "$(sql 'SELECT COUNT(\*) FROM (SELECT 1 FROM vouchers v FORCE')"
		echo "const PRODUCTS = ["
		q "SELECT code, name FROM products" | sed "s/'/\\\\'/g; s/^\([^\t]*\)\t\(.*\)/  '\1' => '\2',/"
		echo "];"
	} > "$BENCH/queries.php"
	cp "$ROOT/tests/php/vouchers.php" "$BENCH/vouchers.php"
	cat > "$BENCH/php-fpm.conf" <<FPM
[global]
pid = $BENCH/php-fpm.pid
error_log = $KAQUAN_VAR/log/php-fpm.log
daemonize = yes
[bench]
user = $(id -un)
listen = $KAQUAN_VAR/run/php.sock
listen.mode = 0600
pm = static
pm.max_children = $(sed -n 's/^workers = //p' "$KAQUAN_CONF")
FPM
	rm -f "$BENCH/php-fpm.pid"
	"$fpm" -R -y "$BENCH/php-fpm.conf" -d opcache.enable=1 \
	    -d opcache.validate_timestamps=0
	n=50
	while [ ! -S "$KAQUAN_VAR/run/php.sock" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	# the same rows, values and count on both pages, or the comparison is void
	fields='data-\(field\|value\|total\)="[^"]*"'
	curl -s -H "Cookie: $cookie" "$URL/user/vouchers" | grep -o "$fields" > "$BENCH/kaquan.rows"
	curl -s -H "Cookie: $cookie" "$URL/_php" | grep -o "$fields" > "$BENCH/php.rows"
	if ! cmp -s "$BENCH/kaquan.rows" "$BENCH/php.rows" || [ ! -s "$BENCH/php.rows" ]; then
		echo "bench: the PHP page differs from kaquan's:" >&2
		diff "$BENCH/kaquan.rows" "$BENCH/php.rows" | head >&2
		exit 1
	fi
}

# The floor (SPEC §9): tests/floor.c sends the database what one request
# of the page sends in the steady state and writes the bytes the page
# wrote.  The statements come from the general log: it is on while the
# workers restart and prepare theirs (MariaDB writes the bound values into
# an Execute's text only for statements prepared while it logs), then ten
# requests after the warm-up, when the session is cached, are the steady
# state; tests/floor_sql.py pairs each of their Executes with its Prepare.
floor() {
	q "SET GLOBAL general_log_file = '$BENCH/steady.log'; SET GLOBAL general_log = 1"
	kill -HUP "$(cat "$KAQUAN_VAR/run/kaquan.pid")"
	sleep 1
	for i in $(seq 40); do
		curl -s -o /dev/null -H "Cookie: $cookie" "$URL/user/vouchers"
	done
	mark=$(wc -l < "$BENCH/steady.log")
	for i in 1 2 3 4 5 6 7 8 9 10; do
		curl -s -o /dev/null -H "Cookie: $cookie" "$URL/user/vouchers"
	done
	q "SET GLOBAL general_log = 0"
	tail -n +"$((mark + 1))" "$BENCH/steady.log" |
	    sed -n 's/^.* Execute\t//p' > "$BENCH/steady.all"
	# the same statements each request, but for the time bound in (now)
	awk '{ k = $0; gsub(/TIMESTAMP'"'"'[^'"'"']*'"'"'/, "T", k) } !seen[k]++' \
	    "$BENCH/steady.all" > "$BENCH/steady.one"
	if [ $(($(wc -l < "$BENCH/steady.one") * 10)) -ne "$(wc -l < "$BENCH/steady.all")" ]; then
		echo "bench: the page's requests did not send the same statements:" >&2
		cut -c1-120 "$BENCH/steady.all" >&2
		exit 1
	fi
	python3 "$ROOT/tests/floor_sql.py" "$BENCH/steady.log" "$BENCH/steady.one" > "$BENCH/floor.sql"
	{
		printf 'Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n'
		curl -s -D - -o /dev/null -H "Cookie: $cookie" "$URL/user/vouchers" |
		    grep -i '^\(X-Content\|Content-Security\|X-Frame\|Referrer\|Cache-Control\|X-Request\)'
		printf '\r\n'
		curl -s -H "Cookie: $cookie" "$URL/user/vouchers"
	} > "$BENCH/floor.page"
	rm -f "$KAQUAN_VAR/run/hello.sock"
	pkill -f "$BENCH/hello" 2>/dev/null || true
	hello_pid=
	"$BENCH/floor" "$KAQUAN_VAR/run/hello.sock" "$(sed -n 's/^workers = //p' "$KAQUAN_CONF")" \
	    "$sock" kaquan "$KAQUAN_VAR/db.password" kaquan "$BENCH/floor.sql" \
	    "$BENCH/floor.page" 2> "$KAQUAN_VAR/log/floor.log" &
	hello_pid=$!
	n=50
	while [ ! -S "$KAQUAN_VAR/run/hello.sock" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	if ! curl -s "$URL/_hello" | cmp -s - "$BENCH/kaquan.page" ||
	    ! grep -q "returns $rows rows\|returns $((rows + 1)) rows" "$KAQUAN_VAR/log/floor.log"; then
		echo "bench: the floor's page or rows differ from kaquan's:" >&2
		cat "$KAQUAN_VAR/log/floor.log" >&2
		exit 1
	fi
}

size=$(curl -s -H "Cookie: $cookie" "$URL/user/vouchers" | wc -c)
rows=$(curl -s -H "Cookie: $cookie" "$URL/user/vouchers" | grep -o '<tr data-id=' | wc -l)
baselines "$size"
php_peer
echo "GET /user/vouchers, logged in, $rows vouchers on the page ($size bytes)"
echo "  (SPEC §9: >= 85% of the floor and >= 3x the PHP page, p99 < 5 ms)"
hello=$(measure "$URL/_hello")
static=$(measure "$URL/_bench/page.html")
php=$(measure -H "Cookie: $cookie" "$URL/_php")
mine=$(measure -H "Cookie: $cookie" "$URL/user/vouchers")
curl -s -H "Cookie: $cookie" "$URL/user/vouchers" > "$BENCH/kaquan.page"
floor
bottom=$(measure "$URL/_hello")
row "bare FastCGI hello, same size" "$hello"
row "static file, same size" "$static"
row "the floor: the page's SQL, printf" "$bottom"
row "the same page in PHP (php-fpm)" "$php" "${bottom%% *}"
row "GET /user/vouchers" "$mine" "${bottom%% *}"
echo "  kaquan / PHP: $(ratio "${mine%% *}" "${php%% *}")x"
echo "  kaquan / floor: $(ratio "${mine%% *}" "${bottom%% *}")"
figure vouchers_per_s "${mine%% *}"
figure floor_per_s "${bottom%% *}"
figure vouchers_vs_floor "$(ratio "${mine%% *}" "${bottom%% *}")"
figure vouchers_vs_hello "$(ratio "${mine%% *}" "${hello%% *}")"
figure vouchers_vs_php "$(ratio "${mine%% *}" "${php%% *}")"
figure vouchers_p99_ms "${mine##* }"
figure php_per_s "${php%% *}"
figure php_p99_ms "${php##* }"
echo

# lines SCRIPT FILE [ARGS]: wrk for POSTS seconds with tests/SCRIPT, its two
# threads each sending every other line of FILE once → secs, bad
lines() {
	script=$1
	shift
	wrk -t2 -c"$CONNS" -d"${POSTS}s" -s "$ROOT/tests/$script" "$URL" -- \
	    "$BENCH" 2 "$@" > "$KAQUAN_VAR/wrk.out" 2>&1
	secs=$(sed -n 's/.*requests in \([0-9.]*\)s.*/\1/p' "$KAQUAN_VAR/wrk.out")
	bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$KAQUAN_VAR/wrk.out")
}
posts() { lines post.lua "$@"; }	# posts FILE PATH FIELD [EXTRA]
# rate WORDS N FIGURE: N done in the last run's secs, said and kept
rate() {
	awk -v w="$1:" -v n="$2" -v s="$secs" \
	    'BEGIN { printf "  %-43s %.0f /s (%d in %ss)\n", w, n / s, n, s }'
	figure "$3" "$(awk -v n="$2" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')"
}

echo "pickup cards (SPEC §9: create 100,000 <= 1.5 s, download <= 0.3 s, >= 2,000 pick-ups/s)"
sed -n 's/^create_100k_s \(.*\)/  create a 100,000-card batch (admin form):  \1 s/p;
    s/^download_100k_s \(.*\)/  download its codes.txt:                     \1 s/p' "$KAQUAN_VAR/setup.out"
figure batch_100k_s "$(sed -n 's/^create_100k_s //p' "$KAQUAN_VAR/setup.out")"
figure codes_download_s "$(sed -n 's/^download_100k_s //p' "$KAQUAN_VAR/setup.out")"
batch=$(sed -n 's/^pickup_batch //p' "$KAQUAN_VAR/setup.out")
posts cards.txt /user/pickup/confirm card "&os=debian12"
used=$(q "SELECT COUNT(*) FROM pickup_cards WHERE batch_id = $batch AND status = 'used'")
double=$(q "SELECT COUNT(*) FROM (SELECT card_id FROM orders WHERE card_id IS NOT NULL GROUP BY card_id HAVING COUNT(*) > 1) d")
rate "pick-ups of distinct cards over HTTP" "$used" pickups_per_s
echo "  not 303: ${bad:-0}; cards in two orders: $double"
doubles=$double
echo

echo "vouchers (SPEC §9: redemptions of distinct codes, zero double use)"
posts codes.txt /user/redeem/confirm code
redeemed=$(q "SELECT COUNT(*) FROM voucher_ledger WHERE kind = 'activate'")
double=$(q "SELECT COUNT(*) FROM (SELECT voucher_id FROM voucher_ledger WHERE kind = 'activate' GROUP BY voucher_id HAVING COUNT(*) > 1) d")
rate "redemptions of distinct codes over HTTP" "$redeemed" redemptions_per_s
echo "  not 303: ${bad:-0}; codes redeemed twice: $double"
figure double_use "$((doubles + double))"
echo

# The host platform's API (issue 12): the payment callback, signed, on
# confirmed orders of the bench member (made here in SQL: the figure is the
# payment, not the set-up), each paid once.
echo "API (signed POST /api/v1/orders/ID/pay, each a different confirmed order)"
key=$("$KAQUAN_BUILD/kaquanctl" --config "$KAQUAN_CONF" apikey add --name bench --scope orders:write)
first=$(q "SELECT COALESCE(MAX(id), 0) FROM orders")
q "INSERT INTO orders (uin, product, billing, scenario, months, amount, cash,
    status, pay_by) SELECT 100900, 'cvm', 'prepaid', 'purchase', 1, 10000, 10000,
    'confirmed', UTC_TIMESTAMP() + INTERVAL 1 HOUR FROM seq_1_to_40000"
q "SELECT id FROM orders WHERE id > $first ORDER BY id" |
    python3 "$ROOT/tests/api_sign.py" $key > "$BENCH/api.txt"
lines api.lua api.txt
paid=$(q "SELECT COUNT(*) FROM orders WHERE id > $first AND status = 'paid'")
rate "order payments over the API" "$paid" api_pays_per_s
echo "  not 200: ${bad:-0}"
echo

# Discounts (SPEC §10, issue 28): members of their own (accounts, users
# and sessions made here in SQL: the figure is the claim, not the login),
# each claiming one coupon of an unlimited campaign, then confirming an
# order of its own with one promo code of a large total limit (one row
# every confirmation takes its use from, as a limited code must).
echo "discounts (issue 28: claims and promo-code confirmations by distinct members, >= 2,000/s)"
n=30000
u0=300000000
q "INSERT INTO accounts (uin, name) SELECT $u0 + seq, CONCAT('bench ', seq) FROM seq_1_to_$n;
   INSERT INTO users (uin, login, password_hash, is_owner)
     SELECT $u0 + seq, CONCAT('bench-', seq), '!', 1
     FROM seq_1_to_$n;
   INSERT INTO sessions (token_hash, kind, principal_id, csrf, created_at, last_seen_at)
     SELECT UNHEX(SHA2(SHA2(CONCAT('kq-bench-', u.uin), 256), 256)), 'member', u.id,
     SHA2(CONCAT('kq-csrf-', u.uin), 256), UTC_TIMESTAMP(), UTC_TIMESTAMP()
     FROM users u WHERE u.uin > $u0 AND u.uin <= $u0 + $n"
coupon=$(sed -n 's/^coupon_campaign //p' "$KAQUAN_VAR/setup.out")
promo=$(sed -n 's/^promo_code //p' "$KAQUAN_VAR/setup.out")
q "SELECT CONCAT('/user/coupons/claim kq_member=', SHA2(CONCAT('kq-bench-', uin), 256),
     ' csrf=', SHA2(CONCAT('kq-csrf-', uin), 256), '&campaign=$coupon')
   FROM accounts WHERE uin > $u0 AND uin <= $u0 + $n ORDER BY uin" > "$BENCH/claims.txt"
lines sessions.lua claims.txt
sleep 1		# the last requests wrk sent, answered
claimed=$(q "SELECT COUNT(*) FROM coupons WHERE campaign_id = $coupon")
double=$(q "SELECT COUNT(*) FROM (SELECT uin FROM coupons WHERE campaign_id = $coupon
    GROUP BY uin HAVING COUNT(*) > 1) d")
rate "coupon claims by distinct members" "$claimed" claims_per_s
echo "  not 303: ${bad:-0}; members with two coupons: $double"
first=$(q "SELECT COALESCE(MAX(id), 0) FROM orders")
q "INSERT INTO orders (uin, product, billing, scenario, months, amount, cash, description,
    status) SELECT $u0 + seq, 'cvm', 'prepaid', 'purchase', 1, 10000, 10000, 'bench',
    'pending' FROM seq_1_to_$n"
q "SELECT CONCAT('/user/orders/', id, '/confirm kq_member=', SHA2(CONCAT('kq-bench-', uin), 256),
     ' csrf=', SHA2(CONCAT('kq-csrf-', uin), 256), '&voucher=&coupon=&promo_code=$promo')
   FROM orders WHERE id > $first ORDER BY id" > "$BENCH/confirms.txt"
lines sessions.lua confirms.txt
sleep 1
confirmed=$(q "SELECT COUNT(*) FROM orders WHERE id > $first AND status = 'confirmed'
    AND discount > 0")
uses=$(q "SELECT COUNT(*) FROM discount_uses u JOIN campaigns c ON c.id = u.campaign_id
    WHERE c.code = '$promo'")
taken=$(q "SELECT SUM(n.taken) FROM campaign_counts n JOIN campaigns c ON c.id = n.campaign_id
    WHERE c.code = '$promo'")
rate "confirmations with one promo code" "$confirmed" promo_confirms_per_s
echo "  not 303: ${bad:-0}; uses $uses, counted $taken"
figure discount_miscount "$(( (uses - confirmed) + (taken - confirmed) + double ))"
echo

# SPEC §11: the reports read a row a month from the rollup, so a page costs
# the same over the bench's ledgers as over a million more; the rollup that
# keeps them (kaquanctl sweep) reads the new rows once, in chunks
echo "reports (SPEC §11: well under a second at millions of ledger rows)"
admin_cookie=$(sed -n 1p "$BENCH/admin.env")
db="mariadb --no-defaults --socket=$KAQUAN_VAR/run/mysql.sock -u$(id -un) kaquan"
rollup() {	# rollup → the seconds kaquanctl sweep took
	t0=$(date +%s.%N)
	"$KAQUAN_BUILD/kaquanctl" --config "$KAQUAN_CONF" sweep > "$KAQUAN_VAR/sweep.out"
	awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}
reports() {	# reports LABEL → the cost page's rate; rows a line each
	for r in liability cost orders cards; do
		m=$(measure -H "Cookie: $admin_cookie" "$URL/admin/reports/$r")
		row "GET /admin/reports/$r ($1)" "$m"
		if [ "$r" = cost ]; then echo "${m%% *}" > "$KAQUAN_VAR/cost.rps"; fi
	done
}
rollup > /dev/null
reports "the bench's ledgers"
cost0=$(cat "$KAQUAN_VAR/cost.rps")
# a million ledger rows of the bench's vouchers, spread over two years
$db -e "INSERT INTO voucher_ledger (voucher_id, kind, amount, balance, status, actor, created_at)
    SELECT v.id, IF(s.seq MOD 2, 'freeze', 'release'), 0, v.balance,
           IF(s.seq MOD 2, 'frozen', 'available'), 'bench',
           UTC_TIMESTAMP() - INTERVAL (1000000 - s.seq) * 63 SECOND
    FROM seq_1_to_1000000 s JOIN (SELECT id, balance, ROW_NUMBER() OVER (ORDER BY id) AS n
         FROM vouchers WHERE status = 'available' LIMIT 1000) v ON v.n = s.seq MOD 1000 + 1
    ORDER BY s.seq"
secs=$(rollup)
rolled=$(sed -n 's/.* \([0-9]*\) rows rolled up.*/\1/p' "$KAQUAN_VAR/sweep.out")
echo "  the rollup of $rolled new ledger rows: $secs s"
figure rollup_rows_per_s "$(awk -v n="$rolled" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')"
reports "and a million ledger rows more"
cost1=$(cat "$KAQUAN_VAR/cost.rps")
figure report_cost_per_s "$cost1"
figure report_million_vs_bench "$(ratio "$cost1" "$cost0")"
echo

echo "workers (SPEC §9: RSS <= 8 MiB after 100,000 requests)"
master=$(cat "$KAQUAN_VAR/run/kaquan.pid")
rss=0
for pid in $(pgrep -P "$master"); do
	kib=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	awk -v pid="$pid" -v k="$kib" 'BEGIN { printf "  worker %s: RSS %.1f MiB\n", pid, k / 1024 }'
	[ "$kib" -gt "$rss" ] && rss=$kib
done
total=$(grep -vc ' /_' "$KAQUAN_VAR/log/access.log")
echo "  after $total kaquan requests in this run, spread over $(pgrep -c -P "$master") workers"
figure worker_rss_mib "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
figure kaquan_requests "$total"
echo
cat "$FIGURES"
