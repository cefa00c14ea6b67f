#!/usr/bin/env bash
# The operator's command line on a real database file: demo load, accounts, keys,
# offices, backup, check; bad arguments get a clear message and exit 2, change nothing.
source "$(dirname "$0")/lib.sh"
DB=$T/op.db
export WATIQA_DB=$DB

wq demo >"$T/demo.out"
grep -q "agent1 .*agent .*RBT-HAS-1" "$T/demo.out" || fail "demo accounts not printed"
wq migrate | grep -q "schema version" || fail "migrate"
ok "demo database created"

# exit codes: 2 for bad usage / bad input, with the field named
expect_2() { # MESSAGE-PATTERN CMD...
	local pat=$1; shift
	set +e; "$@" >"$T/out" 2>"$T/err"; local rc=$?; set -e
	[ $rc = 2 ] || { cat "$T/err"; fail "'$*' exited $rc, expected 2"; }
	grep -q -- "$pat" "$T/err" || { cat "$T/err"; fail "'$*': message lacks '$pat'"; }
}
counts="select count(*) from users; select count(*) from audit_log;
	select count(*) from provinces; select count(*) from communes; select count(*) from offices"
before=$(sqlite3 "$DB" "$counts")
expect_2 "usage: watiqa user add" wq user add onlyname
expect_2 "role: expected agent" wq user add zed wizard RBT-HAS-1 --password longenough1
expect_2 "scope" wq user add zed agent NO-SUCH --password longenough1
expect_2 "password" wq user add zed agent RBT-HAS-1 --password short
expect_2 "username" wq user add Zed agent RBT-HAS-1 --password longenough1
expect_2 "already exists" wq user add agent1 agent RBT-HAS-1 --password longenough1
expect_2 "unknown command" wq frobnicate
expect_2 "unknown option" wq user list --colour
expect_2 "ssh-port" wq migrate --ssh-port many
expect_2 "activity" wq office add NEW-1 RBT-HASSAN huge "Bureau X"
expect_2 "relay" wq office add NEW-1 RBT-HASSAN moderate "Bureau X" --relay RBT-HAS-1
expect_2 "key" wq user key-add agent1 "not a key"
# a full name is printed raw by user list: the admin screen's rule (no control or
# format character, valid UTF-8, no space at either end, 63 characters at most)
for bad in $'Zed\e[2J' $'Zed\x01' $'Zed\xe2\x80\xae' $'Zed\xff' ' Zed' 'Zed ' "$(printf 'z%.0s' $(seq 64))"; do
	expect_2 "^watiqa: --name: expected 1 to 63 characters" \
		wq user add zed agent RBT-HAS-1 --password longenough1 --name "$bad"
done
# a place's name is printed raw and served in JSON, and read back into 128 bytes
long=$(printf 'ب%.0s' $(seq 64)) # 128 bytes, one character too many
for bad in $'Ville\e[31m' $'Ville\xff' $'Ville\xe2\x80\xae' ' Ville' 'Ville ' "$long"; do
	expect_2 "^watiqa: name: expected 1 to 63 characters" wq commune add NEW-C RABAT urban "$bad"
done
expect_2 "^watiqa: name: expected" wq province add NEW-P province $'Prov\x07ince'
expect_2 "^watiqa: name: expected" wq office add NEW-1 RBT-HASSAN low $'Bureau\xe2\x80\x8f X'
expect_2 "^watiqa: --name-ar: expected" wq commune add NEW-C RABAT urban Ville --name-ar $'\xd8'
after=$(sqlite3 "$DB" "$counts")
[ "$before" = "$after" ] || fail "a refused command changed the database"
ok "bad arguments: exit 2, field named, nothing changed"

# a note goes to the citizen's tracking page and the API's JSON: an escape, a control,
# a bidi override or a zero-width mark, or bytes that are not UTF-8, are refused
tr=$(wq request list paid --as agent1 | head -1 | cut -d' ' -f1)
expect_2 "^watiqa: --note: a claim takes no note" \
	wq request move "$tr" claimed --as agent1 --note "claimed by phone"
[ "$(sqlite3 "$DB" "select state from requests where tracking='$tr'")" = paid ] ||
	fail "a claim with a note was taken (its note dropped)"
wq request move "$tr" claimed --as agent1 >/dev/null
before=$(sqlite3 "$DB" "select count(*) from request_events; select state from requests where tracking='$tr'")
for bad in $'\e[2J' $'a\x01b' $'two\nlines' $'\xff\xfe' $'\xc2\x9b1m' $'\xe2\x80\xae' $'a\xe2\x80\x8bb'; do
	expect_2 "^watiqa: --note: expected printable text" \
		wq request move "$tr" rejected --as agent1 --note "missing page $bad"
done
expect_2 "^watiqa: --note:" wq request reassign "$tr" RBT-HAS-2 --note $'\e]0;x\a'
after=$(sqlite3 "$DB" "select count(*) from request_events; select state from requests where tracking='$tr'")
[ "$before" = "$after" ] || fail "a refused note changed the request"
wq request move "$tr" rejected --as agent1 --note "صفحة ناقصة - page manquante" | grep -q "is now rejected"
ok "request move: a note with controls, format characters or bad UTF-8 refused, --note named"

wq user add zineb agent RBT-HAS-2 --name "Zineb Aznag" --password 'a-long-pass' | grep -q added
echo 'another-pass' | wq user passwd zineb | grep -q changed
wq user list | grep -q "^zineb .*agent .*RBT-HAS-2 .*active" || fail "user list"
ssh-keygen -q -t ed25519 -N '' -f "$T/key" -C zineb@laptop
wq user key-add zineb "$(cat "$T/key.pub")" | grep -q "key added"
wq user list | grep -q "^zineb .* 1 " || fail "key count"
wq user disable zineb | grep -q disabled
wq user list | grep -q "^zineb .*disabled" || fail "disable"
n=$(sqlite3 "$DB" "select count(*) from audit_log where target='zineb' and action like 'user.%'")
[ "$n" = 4 ] || fail "expected 4 audit rows for zineb, got $n"
ok "user add, passwd, key-add, disable: done and audited"

wq office add RBT-HAS-4 RBT-HASSAN low "Annexe Bab El Had" --relay RBT-HAS-1 | grep -q added
wq office list | grep -q "^RBT-HAS-4 .*low .*RBT-HAS-1" || fail "office list"
ok "office add with a relay"
name=$(printf 'ب%.0s' $(seq 63)) # 126 bytes
wq commune add RBT-LONG RABAT urban "Aït Ourir" --name-ar "$name" | grep -q added
[ "$(sqlite3 "$DB" "select name_ar from communes where code='RBT-LONG'")" = "$name" ] ||
	fail "a 63-letter Arabic name not stored whole"
ok "a place's name: controls, format characters, bad UTF-8, outer spaces, 64 characters refused; 63 taken"

# a second start applies no migration
v1=$(sqlite3 "$DB" "select count(*) from schema_migrations")
wq migrate >/dev/null
v2=$(sqlite3 "$DB" "select count(*) from schema_migrations")
[ "$v1" = "$v2" ] || fail "migrations applied twice"
ok "migrations recorded once"

# backup while another process writes
( for i in $(seq 1 30); do wq request move "$(wq request list paid --as agent1 | head -1 | cut -d' ' -f1)" claimed --as agent1 >/dev/null 2>&1 || true; done ) &
writer=$!
wq backup "$T/copy.db" | grep -q "backup written"
wait $writer
[ "$(sqlite3 "$T/copy.db" 'pragma integrity_check')" = ok ] || fail "backup not intact"
WATIQA_DB=$T/copy.db wq check | grep -q "check ok" || fail "check on backup"
ok "online backup while writing"

wq check | grep -q "check ok: 0 problems" || fail "check"
# tamper with the past: check names the broken row and fails
sqlite3 "$DB" "drop trigger request_events_no_update; update request_events set note='edited' where id=5"
set +e; wq check >"$T/check.out"; rc=$?; set -e
[ $rc = 1 ] || fail "check should fail on a tampered history (rc $rc)"
grep -q "hash chain broken at event #5" "$T/check.out" || { cat "$T/check.out"; fail "check message"; }
ok "check finds a tampered history row"
