# Watiqa-C.  `make run` installs what is missing, builds, and serves the demo;
# `make test` builds and runs every test.  SAN=1 builds with ASan+UBSan.
PREFIX ?= /usr/local
DESTDIR ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

PKGS = libssh ncursesw sqlite3 libcurl libpcre2-8 libmicrohttpd libcrypt libcrypto fribidi libqrencode
DEBS = build-essential pkg-config libssh-dev libncurses-dev libsqlite3-dev \
       libcurl4-openssl-dev libpcre2-dev libmicrohttpd-dev libcrypt-dev libssl-dev \
       libcmocka-dev tzdata libfribidi-dev libqrencode-dev
# what the end-to-end tests drive: a real ssh client in tmux, curl, a headless browser
TEST_DEBS = openssh-client tmux curl sqlite3 chromium python3 procps clang libclang-rt-14-dev wrk ssh-audit sshpass oathtool groff-base

# Where the binary looks for its files (compiled in, absolute, so it runs from any
# directory; --share/--db/WATIQA_CONFIG still override).  A dev build (plain `make`)
# reads this checkout and keeps its database in var/; a system build (LAYOUT=system, which
# `make PREFIX=...` and `make install` select) reads $(PREFIX)/share/watiqa and
# /etc/watiqa/watiqa.conf and keeps its state in /var/lib/watiqa.  A system build goes
# to build-system/, so the dev binary of `make run` is never swapped under it.
ifeq ($(origin PREFIX),command line)
LAYOUT ?= system
endif
LAYOUT ?= dev
ifeq ($(LAYOUT),system)
WATIQA_SHARE ?= $(PREFIX)/share/watiqa
WATIQA_SYSCONF ?= /etc/watiqa/watiqa.conf
WATIQA_DB_DEFAULT ?= /var/lib/watiqa/watiqa.db
LAYOUT_SUFFIX = -system
else
WATIQA_SHARE ?= $(CURDIR)
WATIQA_SYSCONF ?=
WATIQA_DB_DEFAULT ?= $(CURDIR)/var/watiqa.db
LAYOUT_SUFFIX =
endif

ifdef SAN
BUILD = build-san$(LAYOUT_SUFFIX)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD = build$(LAYOUT_SUFFIX)
SANFLAGS =
endif

# CPPFLAGS and LDFLAGS come from the environment too: the package build (debian/rules)
# passes Debian's hardening flags (fortify, relro, bindnow) through them.
CFLAGS ?= -O2 -g
# Asked of pkg-config the first time a recipe needs them, not when make reads this file:
# on a fresh machine pkg-config and the -dev packages arrive with `deps`, after parsing
# (a `:=` here linked against nothing at the first `make run`).  Asked once, then kept.
PKG_CFLAGS = $(eval PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers \
	     -Isrc -Iscreens $(PKG_CFLAGS) $(SANFLAGS) $(CPPFLAGS) $(CFLAGS)
LIBS = $(PKG_LIBS) -lutil -lpthread -lm
LAYOUT_DEFS = -DWATIQA_SHARE='"$(WATIQA_SHARE)"' -DWATIQA_SYSCONF='"$(WATIQA_SYSCONF)"' \
	      -DWATIQA_DB_DEFAULT='"$(WATIQA_DB_DEFAULT)"'

SRCS = $(wildcard src/*.c) $(wildcard screens/*.c)
OBJS = $(patsubst %.c,$(BUILD)/%.o,$(SRCS))
LIB_OBJS = $(filter-out $(BUILD)/src/main.o,$(OBJS))
UNIT_SRCS = $(wildcard tests/test_*.c)
UNIT_BINS = $(patsubst tests/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
BIN = $(BUILD)/watiqa
# every story in tests/e2e except the shared helpers (*lib.sh); E2E='glob glob' or
# E2E='a|b' picks some (each a shell glob on the story's name, e.g. E2E='ssh_* web_abroad')
E2E_TESTS = $(filter-out %lib.sh,$(sort $(foreach p,$(or $(subst |, ,$(E2E)),*),$(wildcard tests/e2e/$(p).sh))))
DEPS_STAMP = var/.deps-ok

.PHONY: all deps test-deps run test unit e2e bench fuzz install clean check-layers man FORCE
all: $(BIN) $(if $(LAYOUT_SUFFIX),,watiqa) man

# Installs the Debian packages that are missing (once; the stamp remembers).
deps: $(DEPS_STAMP)
$(DEPS_STAMP): Makefile
	@mkdir -p var
	@missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

test-deps: deps
	@missing=$$(for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# Only config.c holds the layout; it is rebuilt when the paths change (a moved checkout,
# another PREFIX), which the stamp's content tells.
$(BUILD)/layout.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(WATIQA_SHARE) $(WATIQA_SYSCONF) $(WATIQA_DB_DEFAULT)' >$@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi
$(BUILD)/src/config.o: ALL_CFLAGS += $(LAYOUT_DEFS)
$(BUILD)/src/config.o: $(BUILD)/layout.stamp

# Every symbol bound at start (as the package's hardening=+all does): the SSH listener
# binds them once and the sessions it forks inherit them, where lazily each session bound
# them again on its first calls, during its login (~0.35 ms of each, bench/README.md
# section 35); and the table read-only from then on (full RELRO).
BIND_NOW = -Wl,-z,relro -Wl,-z,now
$(BIN): $(OBJS)
	$(CC) $(SANFLAGS) $(BIND_NOW) $(LDFLAGS) -o $@ $(OBJS) $(LIBS)

# ./watiqa at the top is the binary of the last plain build, for operators and scripts
watiqa: $(BIN)
	@if [ -z "$(SAN)" ]; then ln -sf $(BIN) watiqa; fi

# tests/fixture.c (a group's fresh database) is linked into every unit-test binary
UNIT_FIXTURE = $(BUILD)/tests/fixture.o
.SECONDARY: $(UNIT_FIXTURE)
$(BUILD)/tests/%: tests/%.c $(UNIT_FIXTURE) $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(UNIT_FIXTURE) $(LIB_OBJS) $(LIBS) -lcmocka

# The sandbox stands in for the payment gateway, the SMS gateway and the post's tracking
# service on loopback; it stops with the server.
run: deps all
	@mkdir -p var && chmod 700 var # the demo's state: its owner's alone
	@./watiqa sandbox >var/sandbox.log 2>&1 & sandbox=$$!; \
	trap 'kill $$sandbox 2>/dev/null' EXIT INT TERM; \
	./watiqa serve --demo

# the unit binaries E2E_JOBS at a time too (each uses its own temp files)
unit: $(UNIT_BINS)
	@RUN_LABEL=unit bash tests/e2e_run.sh $(E2E_JOBS) $(UNIT_BINS)

# End-to-end tests: each tests/e2e/*.sh gets the binary in WATIQA_BIN.
# E2E_JOBS stories at a time, each printed whole when it ends (tests/e2e_run.sh); they are
# independent (own temp dir, free ports, own tmux server), but a story marked
# '# e2e: alone' (something of the whole machine's) runs by itself after the others
E2E_JOBS ?= 2
e2e: $(BIN) test-deps
	@$(if $(E2E_TESTS),:,echo "E2E='$(E2E)': no story in tests/e2e matches (globs on names, e.g. E2E='ssh_*|web_abroad')" >&2; exit 2)
	@WATIQA_BIN=$(CURDIR)/$(BIN) bash tests/e2e_run.sh $(E2E_JOBS) $(E2E_TESTS)

check-layers:
	@bad=$$(grep -ln 'sqlite3_\|\bSELECT \|\bINSERT INTO\|\bUPDATE [a-z_]* SET' \
		$$(ls src/*.c screens/*.c 2>/dev/null | grep -v '^src/db')); \
	if [ -n "$$bad" ]; then echo "SQL outside src/db*.c: $$bad"; exit 1; fi
	@bad=$$(grep -n 'DB_TX(db, eb, [a-z_]*(db, \(a\|by\),' src/db*.c); \
	if [ -n "$$bad" ]; then echo "a write by an actor outside DB_TX_AS: $$bad"; exit 1; fi

# unit and e2e both run, whatever the first gives; the result is their conjunction
test: test-deps check-layers
	@$(MAKE) --no-print-directory unit; u=$$?; \
	$(MAKE) --no-print-directory e2e; e=$$?; \
	[ $$u = 0 ] && [ $$e = 0 ]

bench: all
	@for b in bench/*.sh; do [ -e "$$b" ] || continue; echo "== $$b"; WATIQA_BIN=$(CURDIR)/$(BIN) bash $$b; done

# Manual pages: watiqa(8) is written by hand (man/watiqa.8); watiqa.conf(5) is printed by
# the binary from its settings table, so that the page and the program cannot disagree.
MAN_CONF = $(BUILD)/man/watiqa.conf.5
man: $(MAN_CONF)
$(MAN_CONF): $(BIN)
	@mkdir -p $(dir $@)
	WATIQA_CONFIG=/dev/null $(BIN) config --man >$@.new && mv $@.new $@

# `make install` (PREFIX=/usr/local by default, DESTDIR for packaging) builds and
# installs the system layout, whatever the dev build is.
ifeq ($(LAYOUT),system)
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/watiqa/db $(DESTDIR)$(PREFIX)/share/watiqa/etc
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/watiqa
	install -m 644 db/*.sql $(DESTDIR)$(PREFIX)/share/watiqa/db/
	cp -r etc/. $(DESTDIR)$(PREFIX)/share/watiqa/etc/
	install -d $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 644 man/watiqa.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 644 $(MAN_CONF) $(DESTDIR)$(PREFIX)/share/man/man5/
else
install:
	@$(MAKE) --no-print-directory LAYOUT=system install
endif

clean:
	rm -rf build build-san build-system build-san-system watiqa

-include $(OBJS:.o=.d) $(UNIT_FIXTURE:.o=.d) $(UNIT_BINS:=.d)
-include mk/*.mk
