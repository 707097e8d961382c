#!/bin/sh
# tests/deb/run.sh - the Debian package end to end (make test-deb, issue 30):
# make deb, lintian on the .deb (no error, no warning), apt-get install of
# it, then what an operator finds (the version, the kaquan user and
# kaquan-web group, the units with kaquan.socket enabled and nothing else,
# the files, the example as a conffile, a configuration written from it that
# the installed kaquan-fcgi --check accepts as the kaquan user), then
# dpkg --purge and nothing of it left.  As root; needs no running systemd
# (deb-systemd-helper works on the files, deb-systemd-invoke does nothing
# without /run/systemd/system).  Prints "deb: ok" or "deb: FAILED <why>";
# the logs are in build/deb-test/.
set -u
cd "$(dirname "$0")/../.."
top=$(pwd)
logs=$top/build/deb-test
t0=$(date +%s)
installed=0

say() { echo "deb-test: $*"; }
fail() { echo "deb: FAILED $*"; exit 1; }
cleanup() {
	# a failure after the install leaves no package behind
	if [ "$installed" = 1 ] && dpkg-query -W -f='${Status}' kaquan 2>/dev/null |
	    grep -qv 'not-installed'; then
		dpkg --purge kaquan >>"$logs/cleanup.log" 2>&1 || true
	fi
	[ -n "${policy_rc:-}" ] && rm -f /usr/sbin/policy-rc.d
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" = 0 ] || fail "needs root (it installs and purges the package)"
if dpkg-query -W -f='${Status}' kaquan 2>/dev/null | grep -q 'ok installed\|config-files'; then
	fail "kaquan is installed on this machine already (dpkg --purge kaquan first)"
fi
rm -rf "$logs" && mkdir -p "$logs"

export DEBIAN_FRONTEND=noninteractive
# nothing this test installs may start a system service
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	policy_rc=1
fi
missing=""
for p in debhelper lintian; do
	dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
if [ -n "$missing" ]; then
	say "installing$missing"
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; } \
	    >"$logs/apt.log" 2>&1 || fail "apt-get install$missing (see $logs/apt.log)"
fi

# one version: the changelog's, the Makefile's and the binaries'
version=$(dpkg-parsechangelog -l conf/debian/changelog -SVersion)
mkversion=$(make -s --no-print-directory --eval 'kq-version: ; @echo $(VERSION)' kq-version)
[ "$version" = "$mkversion" ] ||
    fail "the Makefile's VERSION ($mkversion) is not the changelog's ($version)"
deb=build/deb/kaquan_${version}_$(dpkg --print-architecture).deb

t=$(date +%s)
make --no-print-directory deb </dev/null >"$logs/build.log" 2>&1 ||
    fail "make deb (see $logs/build.log)"
[ -f "$deb" ] || fail "make deb made no $deb"
say "make deb: $deb in $(( $(date +%s) - t )) s"

t=$(date +%s)
lintian --fail-on error,warning "$deb" >"$logs/lintian.log" 2>&1 ||
    fail "lintian: $(grep -E '^[EW]:' "$logs/lintian.log" | head -3 | tr '\n' ' ')(see $logs/lintian.log)"
say "lintian: no error or warning ($(grep -c '^[IPX]:' "$logs/lintian.log") info tags), in $(( $(date +%s) - t )) s"

getent passwd kaquan >/dev/null && user_before=1 || user_before=0
installed=1
apt-get install -y --no-install-recommends "./$deb" >"$logs/install.log" 2>&1 ||
    fail "apt-get install ./$deb (see $logs/install.log)"

# --- what the package installed
out=$(kaquan-fcgi --version 2>&1)
[ "$out" = "kaquan-fcgi $version" ] || fail "kaquan-fcgi --version says '$out', not $version"
out=$(kaquanctl --version 2>&1)
[ "$out" = "kaquanctl $version" ] || fail "kaquanctl --version says '$out', not $version"
[ "$(command -v kaquan-fcgi)" = /usr/sbin/kaquan-fcgi ] || fail "kaquan-fcgi is not /usr/sbin/kaquan-fcgi"
[ "$(command -v kaquanctl)" = /usr/bin/kaquanctl ] || fail "kaquanctl is not /usr/bin/kaquanctl"

getent passwd kaquan >/dev/null || fail "no user kaquan after the install"
getent group kaquan-web >/dev/null || fail "no group kaquan-web after the install"
id -nG www-data | tr ' ' '\n' | grep -qx kaquan-web || fail "www-data is not in kaquan-web"

unitdir=""
for d in /lib/systemd/system /usr/lib/systemd/system; do
	[ -f $d/kaquan.service ] && { unitdir=$d; break; }
done
[ -n "$unitdir" ] || fail "no kaquan.service in /lib/systemd/system"
for u in kaquan.socket kaquan.service kaquan-sweep.service kaquan-sweep.timer; do
	[ -f $unitdir/$u ] || fail "no $unitdir/$u"
done
grep -qx 'ExecStart=/usr/sbin/kaquan-fcgi --config /etc/kaquan/kaquan.conf' $unitdir/kaquan.service ||
    fail "kaquan.service does not start /usr/sbin/kaquan-fcgi with /etc/kaquan/kaquan.conf"
link=/etc/systemd/system/sockets.target.wants/kaquan.socket
[ -L $link ] || fail "kaquan.socket is not enabled (no $link)"
case $(readlink $link) in */systemd/system/kaquan.socket) ;; *) fail "$link points elsewhere";; esac
for l in /etc/systemd/system/multi-user.target.wants/kaquan.service \
    /etc/systemd/system/timers.target.wants/kaquan-sweep.timer; do
	[ ! -e "$l" ] && [ ! -L "$l" ] || fail "$l: enabled before any configuration"
done

for f in /usr/share/kaquan/templates/static /usr/share/kaquan/sql/001_init.sql \
    /usr/share/kaquan/openapi.json /usr/share/kaquan/nginx-site.conf \
    /usr/share/man/man8/kaquan-fcgi.8.gz /usr/share/man/man8/kaquanctl.8.gz \
    /usr/lib/sysusers.d/kaquan.conf /etc/logrotate.d/kaquan \
    /etc/kaquan/kaquan.conf.example /usr/share/doc/kaquan/copyright; do
	[ -e "$f" ] || fail "no $f"
done
conffiles=$(dpkg-query -W -f='${Conffiles}\n' kaquan)
for f in /etc/kaquan/kaquan.conf.example /etc/logrotate.d/kaquan; do
	echo "$conffiles" | grep -q " $f " || fail "$f is not a conffile"
done
[ ! -e /etc/kaquan/kaquan.conf ] || fail "the package wrote /etc/kaquan/kaquan.conf itself"

# --- the operator's first step (README): the configuration from the
# example, readable by kaquan alone; the installed binary checks it and the
# installed templates as the kaquan user
key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
sed -e "s/^code_key = .*/code_key = $key/" /etc/kaquan/kaquan.conf.example \
    > /etc/kaquan/kaquan.conf
chown root:kaquan /etc/kaquan/kaquan.conf && chmod 0640 /etc/kaquan/kaquan.conf
runuser -u kaquan -- /usr/sbin/kaquan-fcgi --config /etc/kaquan/kaquan.conf --check \
    >"$logs/check.log" 2>&1 ||
    fail "kaquan-fcgi --check of the example's configuration: $(tail -1 "$logs/check.log")"
# and the logs the service would have written (LogsDirectory=kaquan)
install -d -o kaquan -g kaquan -m 0755 /var/log/kaquan
echo "a line" > /var/log/kaquan/kaquan.log
say "installed: version, user and group, units (kaquan.socket enabled), files, kaquan-fcgi --check"

# --- an upgrade (the same version again: postinst configure with the old
# version) keeps the operator's configuration and what is enabled; a removal
# keeps the configuration
cp -p /etc/kaquan/kaquan.conf "$logs/kaquan.conf"
dpkg -i "$deb" >"$logs/upgrade.log" 2>&1 || fail "dpkg -i $deb over itself (see $logs/upgrade.log)"
cmp -s /etc/kaquan/kaquan.conf "$logs/kaquan.conf" || fail "the upgrade changed /etc/kaquan/kaquan.conf"
[ -L $link ] || fail "kaquan.socket is not enabled after the upgrade"
[ ! -e /etc/systemd/system/multi-user.target.wants/kaquan.service ] ||
    fail "kaquan.service enabled by the upgrade"
dpkg-query -L kaquan > "$logs/files.txt"
dpkg --remove kaquan >"$logs/remove.log" 2>&1 || fail "dpkg --remove kaquan (see $logs/remove.log)"
[ ! -e /usr/sbin/kaquan-fcgi ] || fail "/usr/sbin/kaquan-fcgi is left after the removal"
for f in /etc/kaquan/kaquan.conf /etc/kaquan/kaquan.conf.example; do
	[ -f $f ] || fail "the removal took $f (only a purge may)"
done
say "upgraded in place (configuration and units as they were), removed (configuration kept)"

# --- purge: nothing left
dpkg --purge kaquan >"$logs/purge.log" 2>&1 || fail "dpkg --purge kaquan (see $logs/purge.log)"
installed=0
if dpkg-query -W -f='${Status}' kaquan 2>/dev/null | grep -qv 'not-installed'; then
	fail "kaquan still known to dpkg after the purge: $(dpkg-query -W -f='${Status}' kaquan)"
fi
while read -r f; do
	[ -d "$f" ] && continue		# directories shared with other packages
	[ -e "$f" ] || [ -L "$f" ] && fail "$f is left after the purge"
done < "$logs/files.txt"
for d in /etc/kaquan /var/log/kaquan /usr/share/kaquan /usr/share/doc/kaquan; do
	[ ! -e $d ] || fail "$d is left after the purge"
done
left=$(find /etc/systemd /var/lib/systemd/deb-systemd-helper-enabled \
    /var/lib/systemd/deb-systemd-helper-masked -name '*kaquan*' 2>/dev/null | head -3)
[ -z "$left" ] || fail "unit links or state left after the purge: $left"
if getent passwd kaquan >/dev/null; then
	[ "$user_before" = 1 ] && users="were there before" || users="stay (Debian leaves system users)"
else
	users="are gone"
fi
say "purged: no file, configuration, log or unit link left; the kaquan user and kaquan-web group $users"
say "$(( $(date +%s) - t0 )) s in all"
echo "deb: ok"
