#!/usr/bin/env bash
# cli_notice.sh - `watiqa notice send TO TEXT --as USER` against a running server: the
# operator writes as inspector1 to office RBT-HAS-1, and agent1, logged in over OpenSSH,
# sees his title line's mark come without a key and reads the notice from inspector1;
# agent3 (another office) gets nothing.  The screens' rules hold: supervisor1 may not
# write to a province, agent1 may only reply; a bad recipient, a missing --as, an unknown
# account or office, an empty or too long text: exit 2, the field named, nothing written.
# The notice audited as notice.send by inspector1.
source "$(dirname "$0")/lib.sh"

wq_start_server
BODY="Inventaire des registres vendredi à 10 h (envoyé par le script de la province)."
count() { wq_sql "SELECT (SELECT count(*) FROM notices) || '|' ||
	(SELECT count(*) FROM audit_log WHERE action LIKE 'notice.%')"; }
unread() { wq_sql "SELECT count(*) FROM notice_recipients x JOIN users u ON u.id = x.user_id
	WHERE u.username = '$1' AND x.read_at IS NULL"; }

expect_2() { # MESSAGE-PATTERN CMD...
	local pat=$1; shift
	set +e; "$@" >"$T/out" 2>"$T/err"; local rc=$?; set -e
	[ $rc = 2 ] || { cat "$T/err"; fail "'$*' exited $rc, expected 2"; }
	grep -q -- "$pat" "$T/err" || { cat "$T/err"; fail "'$*': message lacks '$pat'"; }
}

before=$(count)
expect_2 "usage: watiqa notice send TO TEXT --as USER" wq notice send office:RBT-HAS-1
expect_2 "to: expected office:CODE, province:CODE or account:NAME, got 'RBT-HAS-1'" \
	wq notice send RBT-HAS-1 "$BODY" --as inspector1
expect_2 "to: expected office:CODE" wq notice send commune:RBT-HASSAN "$BODY" --as inspector1
expect_2 "^watiqa: --as: the account that writes the notice" wq notice send office:RBT-HAS-1 "$BODY"
expect_2 "^watiqa: --as: no account named 'nobody'" wq notice send office:RBT-HAS-1 "$BODY" --as nobody
expect_2 "^watiqa: to: no office NO-SUCH" wq notice send office:NO-SUCH "$BODY" --as inspector1
expect_2 "^watiqa: to: no account nobody" wq notice send account:nobody "$BODY" --as admin1
expect_2 "^watiqa: notice: the notice is empty" wq notice send office:RBT-HAS-1 "   " --as inspector1
expect_2 "^watiqa: notice: the notice is longer than 499 bytes" wq notice send office:RBT-HAS-1 "$(printf 'x%.0s' {1..500})" --as inspector1
expect_2 "^watiqa: to: outside your scope" wq notice send province:KENITRA "$BODY" --as supervisor1
expect_2 "^watiqa: role: your role may not write notices, only reply" wq notice send office:RBT-HAS-1 "$BODY" --as agent1
[ "$(count)" = "$before" ] || fail "a refused notice wrote something: $before -> $(count)"
ok "bad recipients, no --as, unknown names, empty or long texts, beyond the scope: exit 2, field named, nothing written"

wq_login a agent1 watiqa-demo
wq_screen_wait a "Agent queue" 15
wq_login o agent3 watiqa-demo
wq_screen_wait o "RBT-AGD-1" 15
U1=$(unread agent1)
U3=$(unread agent3)
wq notice send office:RBT-HAS-1 "$BODY" --as inspector1 >"$T/sent" || fail "notice send: $(cat "$T/sent")"
grep -q "^notice #[0-9]* sent by inspector1 to office RBT-HAS-1$" "$T/sent" || fail "said: $(cat "$T/sent")"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'notice.send' AND actor_label = 'inspector1'
	AND detail LIKE '%$BODY%'")" = 1 ] || fail "not audited as notice.send by inspector1"
ok "inspector1's notice sent from the command line, audited"

wq_screen_wait a "M: $((U1 + 1)) new" 10
wq_type a M
wq_screen_wait a "Notices" 5
wq_screen_wait a "inspector1 .*Inventaire des registres vendredi" 5
sleep 1
[ "$(unread agent3)" = "$U3" ] || fail "agent3 (RBT-AGD-1) was sent RBT-HAS-1's notice"
wq_screen o | head -1 | grep -q "M: " && fail "agent3's title line shows a mark"
ok "agent1 (RBT-HAS-1) sees the mark without a key and the notice from inspector1; agent3 nothing"
