#!/usr/bin/env bash
# cli_reject_line.sh - `watiqa request reject-line TRACKING LINE --note REASON --as USER`
# against a running server: agent1 claims a paid two-document order of his office, then,
# from the shell, rejects its full copy: that document's fee alone is owed back (one
# refund row, line 2), the request stays his and goes on with the extract, the history
# says so.  Refused with exit 2 and the field named, nothing written: a line that is not a
# number or not on the order, no reason, no --as, an unknown account; agent3 (another
# office) is refused too.  Rejecting the extract then rejects the request and refunds the
# rest: the refunds add up to the payment.
source "$(dirname "$0")/lib.sh"

wq_start_server
T2=$(wq_sql "SELECT r.tracking FROM requests r JOIN offices o ON o.id = r.office_id
	WHERE o.code = 'RBT-HAS-1' AND r.state = 'paid' AND (SELECT count(*) FROM request_lines l
	WHERE l.request_id = r.id AND l.state = 'open') = 2 ORDER BY r.id LIMIT 1")
[ -n "$T2" ] || fail "the demo has no paid two-document order at RBT-HAS-1"
wq request move "$T2" claimed --as agent1 >/dev/null || fail "agent1 could not claim $T2"
state() { wq_sql "SELECT r.state || ' ' || (SELECT group_concat(l.state, ',') FROM
	(SELECT state FROM request_lines WHERE request_id = r.id ORDER BY line_no) l) || ' ' ||
	(SELECT count(*) FROM refunds f WHERE f.request_id = r.id) FROM requests r
	WHERE r.tracking = '$T2'"; }
[ "$(state)" = "claimed open,open 0" ] || fail "$T2 before: $(state)"

expect_2() { # MESSAGE-PATTERN CMD...
	local pat=$1; shift
	set +e; "$@" >"$T/out" 2>"$T/err"; local rc=$?; set -e
	[ $rc = 2 ] || { cat "$T/err"; fail "'$*' exited $rc, expected 2"; }
	grep -q -- "$pat" "$T/err" || { cat "$T/err"; fail "'$*': message lacks '$pat'"; }
}
expect_2 "^watiqa: line: expected the document's number on the order (1 to 2), got 'two'" \
	wq request reject-line "$T2" two --note "acte introuvable" --as agent1
expect_2 "^watiqa: line: expected" wq request reject-line "$T2" 3 --note "x" --as agent1
expect_2 "^watiqa: --as: the agent who rejects" wq request reject-line "$T2" 2 --note "x"
expect_2 "^watiqa: --as: no account named 'nobody'" \
	wq request reject-line "$T2" 2 --note "x" --as nobody
expect_2 "^watiqa: reason" wq request reject-line "$T2" 2 --as agent1
set +e; wq request reject-line "$T2" 2 --note "x" --as agent3 >"$T/out" 2>"$T/err"; rc=$?; set -e
[ $rc != 0 ] || fail "agent3 (another office) rejected a document of $T2"
[ "$(state)" = "claimed open,open 0" ] || fail "a refused rejection changed $T2: $(state)"
ok "a bad line, no reason, no or an unknown --as: exit 2, field named; agent3 refused ($(head -c 70 "$T/err")); nothing written"

out=$(wq request reject-line "$T2" 2 --note "volet II illisible" --as agent1) ||
	fail "agent1 could not reject line 2 of $T2"
[ "$out" = "$T2: document 2 rejected, its fee owed back to the card" ] || fail "said: $out"
[ "$(state)" = "claimed open,rejected 1" ] || fail "$T2 after line 2: $(state)"
fee2=$(wq_sql "SELECT l.fee_centimes FROM request_lines l JOIN requests r ON r.id = l.request_id
	WHERE r.tracking = '$T2' AND l.line_no = 2")
[ "$(wq_sql "SELECT f.line_no || ' ' || f.amount_centimes FROM refunds f JOIN requests r
	ON r.id = f.request_id WHERE r.tracking = '$T2'")" = "2 $fee2" ] ||
	fail "the refund is not line 2's fee ($fee2)"
[ "$(wq_sql "SELECT count(*) FROM request_events e JOIN requests r ON r.id = e.request_id
	WHERE r.tracking = '$T2' AND e.actor_label = 'agent1'
	AND e.note = 'line 2 rejected (full copy x' || (SELECT copies FROM request_lines l
	WHERE l.request_id = r.id AND l.line_no = 2) || '): volet II illisible'")" = 1 ] ||
	fail "the history does not note line 2's rejection by agent1"
ok "agent1 rejects $T2's line 2 from the shell: its fee ($fee2 centimes) alone owed back, the extract goes on, in the history"

expect_2 "^watiqa: line: line 2 of $T2 is already rejected" \
	wq request reject-line "$T2" 2 --note "encore" --as agent1
wq request reject-line "$T2" 1 --note "acte introuvable" --as agent1 >/dev/null ||
	fail "agent1 could not reject line 1 of $T2"
[ "$(state)" = "rejected rejected,rejected 2" ] || fail "$T2 after line 1: $(state)"
[ "$(wq_sql "SELECT (SELECT sum(amount_centimes) FROM refunds f WHERE f.request_id = r.id)
	= p.amount_centimes FROM requests r JOIN payments p ON p.request_id = r.id
	WHERE r.tracking = '$T2'")" = 1 ] || fail "the refunds of $T2 do not add up to its payment"
ok "the last document rejected rejects $T2, the refunds add up to the payment"
