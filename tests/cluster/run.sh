#!/bin/sh
# run.sh - make test-cluster: the cluster of conf/dev/cluster.sh (3 Galera
# nodes, 2 kaquan hosts behind one nginx upstream), then, against it, the
# HTTP tests that race (one card, one code, one voucher, one review, one
# Idempotency-Key), the randomized workload, and tests/cluster's own (a
# node and a host killed under load; sessions and limits across hosts).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
sh "$ROOT/conf/dev/cluster.sh" down >/dev/null 2>&1
# the previous release, for the rolling upgrade (README: Upgrades)
KAQUAN_PREV=$(sh "$ROOT/tests/upgrade/prev.sh") || exit 1
export KAQUAN_PREV
# ports no run before still holds (an SST's rsync port lingers in
# TIME_WAIT for a minute): a base whose twelve ports all bind, and nginx's
free=$(python3 - <<'PY'
import random, socket
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        return True
    except OSError:
        return False
    finally:
        s.close()
for _ in range(200):
    base = random.randrange(20000, 40000, 100)
    if all(free(base + o) for o in (1, 2, 3, 11, 12, 13, 21, 22, 23, 31, 32, 33, 50)):
        print(base, base + 50)
        break
PY
)
export KAQUAN_CLUSTER_BASE=${free% *} KAQUAN_CLUSTER_PORT=${free#* }
sh "$ROOT/conf/dev/cluster.sh" up || exit 1
set -a
. "$ROOT/var/cluster/kaquan.env"
KAQUAN_BUILD=${KAQUAN_BUILD:-$ROOT/build}
set +a
rc=0
python3 "$ROOT/tests/http/run.py" concurrent racing race || rc=1
KAQUAN_TESTS=$ROOT/tests/cluster python3 "$ROOT/tests/http/run.py" || rc=1
if [ $rc != 0 ]; then	# tests/run.sh shows this part whole
	echo "== what the failure left"
	tail -n 20 "$ROOT"/var/cluster/log/host*.log
	sh "$ROOT/conf/dev/cluster.sh" status
	echo "== end of what the failure left"
fi
grep -h -A8 "runtime error:" "$ROOT"/var/cluster/log/host*.log 2>/dev/null | head -40
# a template that asked for a value its handler did not give (check_views)
if grep -h ": view: " "$ROOT"/var/cluster/log/host*.log 2>/dev/null | head -20 | grep .; then
	echo "cluster: templates asked for values their handlers did not give"
	rc=1
fi
sh "$ROOT/conf/dev/cluster.sh" down
exit $rc
