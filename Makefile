# kaquan - one plain Makefile.  `make` builds build/kaquan-fcgi and
# build/kaquanctl; `make test` builds a sanitizer copy under build/asan/ and
# runs the unit tests, then the HTTP tests against a private stack.

# the release (--version of both binaries): the one source is the first
# line of conf/debian/changelog, whose version `make deb` packages
ifndef VERSION
VERSION := $(or $(shell head -n1 conf/debian/changelog 2>/dev/null | cut -d' ' -f2 | tr -d '()'),unknown)
endif
PKGS     = fcgi libmariadb libxml-2.0 libpcre2-8 libcrypt jansson libsodium libsystemd
CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
WARN     = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-missing-field-initializers
# core/ is the library below the front line: it compiles without fcgi/'s
# headers, so a layering mistake is a compile error
CPPFLAGS = -Icore -D_GNU_SOURCE -DKQ_VERSION='"$(VERSION)"' $(shell pkg-config --cflags $(PKGS))
FCGI_CPPFLAGS = $(CPPFLAGS) -Ifcgi -I$(BUILD)
LDLIBS   = $(shell pkg-config --libs $(PKGS))
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer
# each object's header dependencies, written by the compiler
DEPFLAGS = -MMD -MP

BUILD   ?= build
CORE_SRC = $(wildcard core/*.c core/*/*.c)
FCGI_SRC = $(wildcard fcgi/*.c)
CLI_SRC  = $(wildcard cli/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
# the unit tests that need no database (make check)
UNIT_PURE = $(filter-out $(shell grep -l '"dbtest.h"' $(UNIT_SRC)),$(UNIT_SRC))

CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o)
FCGI_OBJ = $(FCGI_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# request parsing and routing are pure and unit-tested without the worker
FCGI_PURE = $(BUILD)/fcgi/request.o $(BUILD)/fcgi/router.o

.PHONY: all deps run up down test check unit bench bench-volume soak clean asan fuzz \
	fuzz-build \
	golden install cluster-up cluster-down test-cluster deb test-deb test-restore test-upgrade
all: $(BUILD)/kaquan-fcgi $(BUILD)/kaquanctl

# the libraries, once per build directory: a missing one stops the build
# with pkg-config's own words
$(BUILD)/.pkgs:
	@pkg-config --print-errors --exists $(PKGS)
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/core/%.o: core/%.c | $(BUILD)/.pkgs
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/%.o: %.c | $(BUILD)/.pkgs
	@mkdir -p $(dir $@)
	$(CC) $(FCGI_CPPFLAGS) $(CFLAGS) $(DEPFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/libkaquan.a: $(CORE_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/kaquan-fcgi: $(FCGI_OBJ) $(BUILD)/libkaquan.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# the migrations this build knows (kaquan-fcgi refuses a schema it cannot
# serve, core/db/migrate.c): the highest NNN of sql/, looked at by every
# make and rewritten only when it moved (a file added or taken away)
$(BUILD)/schema.h: FORCE
	@mkdir -p $(BUILD)
	@n=$$(ls sql | sed -n 's/^0*\([0-9][0-9]*\)_.*\.sql$$/\1/p' | sort -n | tail -1); \
	    echo "#define KQ_SCHEMA $${n:-0}" > $@.tmp; \
	    cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/fcgi/main.o: $(BUILD)/schema.h
FORCE:

$(BUILD)/kaquanctl: $(CLI_OBJ) $(BUILD)/libkaquan.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# (a test's header dependencies beside it would read as one more test)
$(BUILD)/tests/%: tests/unit/%.c $(FCGI_PURE) $(BUILD)/libkaquan.a | $(BUILD)/.pkgs
	@mkdir -p $(dir $@) $(BUILD)/deps
	$(CC) $(FCGI_CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -MF $(BUILD)/deps/$*.d $(WARN) \
	    $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(LDLIBS) -lcmocka

-include $(wildcard $(BUILD)/core/*.d $(BUILD)/core/*/*.d $(BUILD)/fcgi/*.d \
    $(BUILD)/cli/*.d $(BUILD)/deps/*.d build/fuzz/deps/*.d)

unit: $(UNIT_BIN)

# The sanitizer build the tests run against.
asan:
	$(MAKE) BUILD=build/asan CFLAGS="-O1 -g $(SAN)" all unit

# The tests that need no database, in seconds, for the edit-compile loop:
# the tree's layers (tests/layers.py), the pure unit tests (forms, codes,
# money, clock, templates and the golden pages, request parsing, the shared
# page) with the sanitizers.
CHECK_BIN = $(UNIT_PURE:tests/unit/%.c=build/asan/tests/%)
check:
	@python3 tests/layers.py
	@$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g $(SAN)" $(CHECK_BIN)
	@for t in $(CHECK_BIN); do $$t > build/asan/check.out 2>&1 || \
	    { cat build/asan/check.out; echo "check: $$t failed"; exit 1; }; \
	    grep -h '^\[  PASSED' build/asan/check.out | sed "s|^|$${t##*/}: |"; done

# libFuzzer targets (clang): request parsing, forms, template compilation.
# make test runs each for FUZZ_SECONDS (10); make fuzz for 300 by default.
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_SAN = -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang \
	    CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	    build/fuzz/libkaquan.a build/fuzz/fcgi/request.o
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/fcgi/request.o build/fuzz/libkaquan.a
	@mkdir -p build/fuzz/deps
	clang $(FCGI_CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer $(DEPFLAGS) \
	    -MF build/fuzz/deps/$*.d $(WARN) $(LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) $(LDLIBS)

fuzz: deps fuzz-build
	@sh tests/fuzz/run.sh $${FUZZ_SECONDS:-300}

# Regenerates tests/golden/*.view from the real handlers (a private stack
# whose workers write each page's view) and *.html from the templates, and
# shows the change.
golden: deps asan
	@sh tests/golden/capture.sh
	@KAQUAN_GOLDEN_UPDATE=1 build/asan/tests/test_golden >/dev/null
	@git --no-pager diff --stat -- tests/golden; git --no-pager diff -- tests/golden

deps:
	@sh conf/dev/deps.sh

run: deps all
	@sh conf/dev/stack.sh run

up: deps all
	@sh conf/dev/stack.sh up

down:
	@sh conf/dev/stack.sh down

test: deps
	@$(MAKE) --no-print-directory asan fuzz-build
	@sh tests/run.sh

bench: deps all
	@sh tests/bench.sh

# SPEC §9 Volume (issue 27): the pages, exports and sweep on a demo-sized
# data set and on a provider's (tests/volume/load.sql), side by side
bench-volume: deps all
	@sh tests/bench_volume.sh

# Issue 13's scale-out on this machine: 3 MariaDB Galera nodes, 2 kaquan
# hosts, one nginx upstream (conf/dev/cluster.sh), and the tests that race
# across them (make test runs them too, with the sanitizer build: about a
# minute).
cluster-up: deps all
	@sh conf/dev/cluster.sh up

cluster-down:
	@sh conf/dev/cluster.sh down

test-cluster: deps all
	@sh tests/cluster/run.sh

# A mixed load for SOAK_SECONDS (1200): worker RSS and descriptors stay
# flat, no 5xx, the books check.  Not part of make test.
soak: deps all
	@sh tests/soak.sh

# make install [PREFIX=/usr/local] [DESTDIR=…]: the binaries, templates,
# migrations, an example configuration, the systemd units (with the
# installed paths) and the man pages.  The units go where systemd looks for
# a package's (UNITDIR); the configuration stays an example until copied.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
DATADIR    ?= $(PREFIX)/share/kaquan
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
SYSUSERSDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/sysusers.d,$(PREFIX)/lib/sysusers.d)
UNITS      = kaquan.socket kaquan.service kaquan-sweep.service kaquan-sweep.timer

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR) \
	    $(DESTDIR)$(SYSCONFDIR)/kaquan $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/kaquan-fcgi $(DESTDIR)$(SBINDIR)/kaquan-fcgi
	install -m 0755 $(BUILD)/kaquanctl $(DESTDIR)$(BINDIR)/kaquanctl
	rm -rf $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/sql
	cp -R templates sql $(DESTDIR)$(DATADIR)/
	install -m 0644 fcgi/openapi.json $(DESTDIR)$(DATADIR)/openapi.json
	sed -e 's|/usr/share/kaquan|$(DATADIR)|g' conf/kaquan.conf.example \
	    > $(DESTDIR)$(SYSCONFDIR)/kaquan/kaquan.conf.example
	install -m 0644 conf/nginx/kaquan.conf $(DESTDIR)$(DATADIR)/nginx-site.conf
	install -d $(DESTDIR)$(DATADIR)/mariadb
	install -m 0644 conf/mariadb/60-kaquan.cnf $(DESTDIR)$(DATADIR)/mariadb/60-kaquan.cnf
	for u in $(UNITS); do \
		sed -e 's|@BINDIR@|$(BINDIR)|g; s|@SBINDIR@|$(SBINDIR)|g' \
		    -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' conf/systemd/$$u \
		    > $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -m 0644 conf/systemd/kaquan.sysusers $(DESTDIR)$(SYSUSERSDIR)/kaquan.conf
	install -d $(DESTDIR)$(SYSCONFDIR)/logrotate.d
	install -m 0644 conf/logrotate.d/kaquan $(DESTDIR)$(SYSCONFDIR)/logrotate.d/kaquan
	install -m 0644 fcgi/kaquan-fcgi.8 cli/kaquanctl.8 $(DESTDIR)$(MANDIR)/man8/

# make deb: build/deb/kaquan_VERSION_ARCH.deb, built by debhelper from
# conf/debian (the top level keeps no debian/) in a copy of the tree under
# build/deb/src; dpkg-buildpackage leaves the package beside that copy.
# make test-deb builds it, runs lintian, installs and purges it (as root).
DEB_DIR = build/deb
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	cp -R Makefile README.md cli conf core fcgi sql templates $(DEB_DIR)/src/
	cp -R conf/debian $(DEB_DIR)/src/debian
	cd $(DEB_DIR)/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    dpkg-buildpackage -us -uc -b -Jauto
	@echo "deb: $(DEB_DIR)/kaquan_$(VERSION)_$$(dpkg --print-architecture).deb"

test-deb:
	@sh tests/deb/run.sh

# Upgrades (issue 30): the previous release's binary serves this release's
# schema (make test runs it too; the rolling upgrade is test-cluster's)
test-upgrade: deps all
	@sh tests/upgrade/run.sh

# Backups (issue 30): a hot mariadb-backup under load, restored to the end
# of the binary log and to a moment (make test runs it too)
test-restore: deps all
	@sh tests/restore.sh

clean:
	rm -rf build
