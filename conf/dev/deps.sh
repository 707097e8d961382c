#!/bin/sh
# deps.sh - installs the Debian packages kaquan builds, runs and tests with,
# when any is missing (apt-get, as root).  Used by `make deps`, `make run`,
# `make test` and CI.
set -eu

PKGS="build-essential pkg-config libfcgi-dev libmariadb-dev libxml2-dev
libpcre2-dev libcrypt-dev libjansson-dev libsodium-dev libsystemd-dev libcmocka-dev mariadb-server mariadb-client
nginx-light wrk curl python3 ca-certificates procps tzdata clang
libclang-rt-14-dev chromium fonts-noto-cjk systemd groff-base logrotate galera-4 rsync
mariadb-backup debhelper lintian"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
# the browser tests drive chromium with puppeteer-core (tests/browser):
# any node >= 18 with its npm will do
for c in node npm; do
	command -v $c >/dev/null 2>&1 || missing="$missing nodejs npm"
done
missing=$(echo "$missing" | tr ' ' '\n' | sort -u | tr '\n' ' ')
missing=${missing# }
[ -n "$missing" ] && missing=" $missing"
# nginx-light or any other nginx flavour will do
if echo "$missing" | grep -q nginx-light && command -v nginx >/dev/null 2>&1; then
	missing=$(echo "$missing" | sed 's/ nginx-light//')
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "kaquan: missing packages:$missing" >&2
	echo "kaquan: install them (sudo apt-get install$missing) and run again" >&2
	exit 1
fi
echo "kaquan: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# the packages must not start system services: the stack is private
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
