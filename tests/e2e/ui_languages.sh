#!/usr/bin/env bash
# ui_languages.sh - a member of staff reads the screens in French or Arabic over a real
# OpenSSH login: the operator sets agent1's language with `watiqa user lang` (a bad
# code refused, nothing changed), agent1 logs in to French screens, switches with L to
# Arabic (kept at the next login), where each line comes reordered right to left with
# the tracking numbers still readable and the cursor on the right, turns the server's
# reordering off with Ctrl-R for a terminal that does bidi itself (logical order sent),
# and back to English; the admin sets agent2's language from the accounts screen.  Every
# change is audited.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

# the probe logs in as another account: a dropped session is kept for reattaching
ui_serve_as inspector1 "Watiqa"
lang() { wq_sql "SELECT lang || ' ' || bidi_reorder FROM users WHERE username = '$1'"; }

# the operator's command line
set +e
"$WATIQA_BIN" user lang agent1 xx >"$T/bad.out" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || fail "user lang agent1 xx: exit $rc, expected 2"
grep -q "lang" "$T/bad.out" || fail "the refusal does not name the field: $(cat "$T/bad.out")"
[ "$(lang agent1)" = "en 1" ] || fail "a refused code changed the account: $(lang agent1)"
"$WATIQA_BIN" user lang agent1 fr >/dev/null || fail "user lang agent1 fr"
[ "$(lang agent1)" = "fr 1" ] || fail "agent1 not French: $(lang agent1)"
ok "watiqa user lang: fr accepted, xx refused (exit 2, nothing changed)"

ui_open_as a agent1
wq_screen_wait a "File agent" 15
wq_screen_wait a "c:prendre" 5
wq_screen_wait a "bureau RBT-HAS-1" 5
ok "agent1 logs in to French screens"

# L: the next language, Arabic, kept in the account
wq_type a L
wq_screen_wait a "نوعلا روباط | Watiqa" 10
[ "$(lang agent1)" = "ar 1" ] || fail "L did not keep Arabic: $(lang agent1)"
row=$(ui_row a 2)
# the cursor's row: its '>' column is the rightmost, mirrored to '<'; the next row's is blank
cursor_end=' W[0-9]{10} <$'
[[ $row =~ $cursor_end ]] || fail "Arabic row: the tracking number and cursor not on the right: '$row'"
next=$(ui_row a 3)
[[ $next =~ \ W[0-9]{10}$ ]] || fail "Arabic row: the tracking number not on the right: '$next'"
[[ $row =~ LATE\+|ESC|LATE ]] || fail "Arabic row: the deadline code not readable: '$row'"
hdr=$(ui_row a 1)
[[ $hdr =~ عبتتلا$ ]] || fail "Arabic header: the tracking column not on the right: '$hdr'"
ok "L: Arabic, right to left, tracking numbers and codes readable, the cursor's column on the right"

wq_type a q
sleep 1
ui_open_as b agent1
wq_screen_wait b "نوعلا روباط | Watiqa" 15
ok "Arabic kept at the next login"

# Ctrl-R: the terminal does bidi itself; the server sends logical order
wq_type b C-r
wq_screen_wait b "^ Watiqa | طابور العون" 10
[ "$(lang agent1)" = "ar 0" ] || fail "Ctrl-R not kept: $(lang agent1)"
ok "Ctrl-R: logical order for a terminal with its own bidi (kept)"
wq_type b C-r
wq_screen_wait b "نوعلا روباط | Watiqa" 10
wq_type b L
wq_screen_wait b "Agent queue" 10
[ "$(lang agent1)" = "en 1" ] || fail "back to English not kept: $(lang agent1)"
ok "L again: English"

# the administrator sets another account's language
ui_open_as c admin1
wq_screen_wait c "Accounts" 15
ui_search c agent2
wq_type c l
wq_screen_wait c "which language" 5
wq_type c -l "French"
wq_type c Enter
wq_screen_wait c "agent2: screens in French" 5
[ "$(lang agent2)" = "fr 1" ] || fail "admin's choice not stored: $(lang agent2)"
ok "admin1 sets agent2's language from the accounts screen"

n=$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'user.lang' AND target = 'agent1'
	AND actor_label = 'agent1'")
[ "$n" = 2 ] || fail "agent1's own language changes: $n audit rows, expected 2"
n=$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'user.lang' AND target = 'agent2'
	AND actor_label = 'admin1' AND detail = 'lang=fr'")
[ "$n" = 1 ] || fail "admin1's change of agent2: $n audit rows, expected 1"
m=$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'user.bidi' AND target = 'agent1'")
[ "$m" = 2 ] || fail "bidi changes not audited ($m rows)"
ok "every change audited (user.lang, user.bidi)"
