#!/bin/sh
# prev.sh - the previous release's tree and binaries in build/prev (src/,
# built with its own Makefile in src/build/), for the upgrade tests: the
# release before this one is PREV, a commit of this repository's history
# (issue 28's end, before issue 29 added migrations 017 and 018).  Kept
# between runs; rebuilt when PREV changes.  Prints the directory.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PREV=${KAQUAN_PREV:-067c74e}
DIR=$ROOT/build/prev
commit=$(git -C "$ROOT" rev-parse --verify -q "$PREV^{commit}") || {
	echo "upgrade: the previous release $PREV is not in this clone's history" >&2
	exit 1
}
if [ "$(cat "$DIR/commit" 2>/dev/null)" != "$commit" ] ||
    [ ! -x "$DIR/src/build/kaquan-fcgi" ]; then
	rm -rf "$DIR"
	mkdir -p "$DIR/src"
	git -C "$ROOT" archive "$commit" | tar -x -C "$DIR/src"
	make -C "$DIR/src" -s -j2 all > "$DIR/build.log" 2>&1 || {
		tail -20 "$DIR/build.log" >&2
		echo "upgrade: the previous release did not build: see $DIR/build.log" >&2
		exit 1
	}
	echo "$commit" > "$DIR/commit"
fi
echo "$DIR"
