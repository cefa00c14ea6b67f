#!/usr/bin/env bash
# The manual pages cannot drift from the program: watiqa.conf(5), printed by the binary
# from its settings table, names every setting `watiqa help` lists; man/watiqa.8 has an
# entry for every command `watiqa help` lists; both render without a warning (groff
# -ww, man -l when installed); `make install` puts them in man8 and man5.
source "$(dirname "$0")/lib.sh"
PAGE8=$WQ_ROOT/man/watiqa.8
"$WATIQA_BIN" config --man >"$T/watiqa.conf.5"

# the lists as the program prints them
"$WATIQA_BIN" help >"$T/help"
sed -n '/^commands:/,/^settings/p' "$T/help" | grep '^  [a-z]' |
	sed -E 's/^  //; s/ +(\[|[A-Z]|'"'"'|-).*$//; s/ +$//' >"$T/commands"
sed -n '/^settings/,$p' "$T/help" | grep '^  [a-z]' | awk '{print $1}' >"$T/settings"
[ "$(wc -l <"$T/commands")" -ge 20 ] || fail "too few commands read from watiqa help: $(cat "$T/commands")"
[ "$(wc -l <"$T/settings")" -ge 20 ] || fail "too few settings read from watiqa help"
grep -qx "config" "$T/commands" || fail "watiqa help does not list config"

missing=$(while read -r k; do grep -qx "\.B $k" "$T/watiqa.conf.5" || echo "$k"; done <"$T/settings")
[ -z "$missing" ] || fail "settings missing from watiqa.conf(5): $missing"
ok "watiqa.conf(5) has an entry for each of the $(wc -l <"$T/settings") settings"

sed 's/\\-/-/g' "$PAGE8" >"$T/watiqa.8.plain" # roff's \- is a plain hyphen here
missing=$(while read -r c; do grep -q "^\.B watiqa $c\( \|$\)" "$T/watiqa.8.plain" || echo "$c"; done <"$T/commands")
[ -z "$missing" ] || fail "commands missing from man/watiqa.8: $missing"
ok "watiqa(8) has an entry for each of the $(wc -l <"$T/commands") commands"
# watiqa config: every setting in effect, the flag winning, a secret not shown
WATIQA_GATEWAY_SECRET=s3cret-value-here "$WATIQA_BIN" config --ssh-port 2999 >"$T/config.out"
missing=$(while read -r k; do grep -q "^$k = " "$T/config.out" || echo "$k"; done <"$T/settings")
[ -z "$missing" ] || fail "watiqa config does not print: $missing"
grep -qx "ssh_port = 2999" "$T/config.out" || fail "watiqa config: the flag did not win"
grep -q "s3cret" "$T/config.out" && fail "watiqa config shows the gateway secret"
grep -qx "gateway_secret = (hidden: set, 17 characters)" "$T/config.out" ||
	fail "watiqa config: $(grep gateway_secret "$T/config.out")"
ok "watiqa config prints every setting in effect, secrets hidden"

for s in "EXIT STATUS" FILES ENVIRONMENT EXAMPLES; do
	grep -q "^\.SH $s" "$PAGE8" || fail "watiqa(8) has no $s section"
done
ok "watiqa(8) has EXIT STATUS, FILES, ENVIRONMENT, EXAMPLES"

for p in "$PAGE8" "$T/watiqa.conf.5"; do
	w=$(groff -ww -z -man "$p" 2>&1)
	[ -z "$w" ] || fail "groff warns on $(basename "$p"): $w"
	if command -v man >/dev/null; then
		w=$(man --warnings -l "$p" 2>&1 >/dev/null)
		[ -z "$w" ] || fail "man -l warns on $(basename "$p"): $w"
		man -l "$p" 2>/dev/null | grep -q "watiqa" || fail "man -l renders nothing for $p"
	fi
done
ok "both pages render without warnings"

# make install: both pages in place (a system build into this temp root)
if [ "${WQ_MAN_INSTALL:-1}" = 1 ]; then
	make -s -C "$WQ_ROOT" install DESTDIR="$T/root" PREFIX=/usr >"$T/install.log" 2>&1 ||
		{ tail "$T/install.log" >&2; fail "make install failed"; }
	[ -s "$T/root/usr/share/man/man8/watiqa.8" ] || fail "watiqa.8 not installed"
	[ -s "$T/root/usr/share/man/man5/watiqa.conf.5" ] || fail "watiqa.conf.5 not installed"
	grep -q '/var/lib/watiqa/watiqa.db' "$T/root/usr/share/man/man5/watiqa.conf.5" ||
		fail "the installed watiqa.conf(5) does not give the installed database path"
	ok "make install puts watiqa.8 in man8 and watiqa.conf.5 (system defaults) in man5"
fi
