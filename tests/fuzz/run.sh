#!/bin/sh
# run.sh SECONDS - runs every libFuzzer target under build/fuzz/ for SECONDS
# each, from its corpus in tests/fuzz/corpus/NAME (new inputs it finds go to
# var/fuzz/NAME, crashes to var/fuzz/NAME-crash-*).  Prints one line a
# target, "fuzz NAME ok|FAILED", and exits non-zero when one failed.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_EACH=${1:-10}
rc=0
for bin in "$ROOT"/build/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	work=$ROOT/var/fuzz/$name
	mkdir -p "$work"
	if "$bin" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 \
	    -artifact_prefix="$ROOT/var/fuzz/$name-" "$work" \
	    "$ROOT/tests/fuzz/corpus/$name" > "$ROOT/var/fuzz/$name.log" 2>&1; then
		echo "fuzz $name ok ($(grep -o 'Done [0-9]* runs' "$ROOT/var/fuzz/$name.log" | head -1))"
	else
		echo "fuzz $name FAILED (see var/fuzz/$name.log)"
		tail -30 "$ROOT/var/fuzz/$name.log"
		rc=1
	fi
done
exit $rc
