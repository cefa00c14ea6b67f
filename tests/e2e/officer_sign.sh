#!/usr/bin/env bash
# officer_sign.sh - RBT-HAS-1's civil-status officer at his terminal, over OpenSSH: he
# sees what waits for his signature (his office's and the relayed RBT-HAS-3's, oldest
# first, nothing of another office), reads one's details, signs one, then a marked
# batch, sends one back to its agent with a reason; the list grows live when an agent
# submits; he cannot sign another office's documents.  A supervisor given the officer
# role too switches to it with @ and signs; taken back, his signature is refused.  The
# citizen's tracking page shows the signature stage in French and Arabic, and the
# agent seals only what was signed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

ui_serve_as officer1 "Signature"
source "$(dirname "$0")/web_lib.sh"
HAS1=$(wq_sql "SELECT id FROM offices WHERE code = 'RBT-HAS-1'")
waiting() { wq_sql "SELECT count(*) FROM requests WHERE state = 'awaiting_signature'
	AND office_id IN (SELECT id FROM offices WHERE id = $HAS1 OR relay_office_id = $HAS1)"; }
n=$(waiting)
[ "$n" -ge 4 ] || fail "the demo has $n requests waiting for signature at RBT-HAS-1"
oldest=$(wq_sql "SELECT tracking FROM requests WHERE state = 'awaiting_signature'
	AND office_id IN (SELECT id FROM offices WHERE id = $HAS1 OR relay_office_id = $HAS1)
	ORDER BY stage_at, id LIMIT 1")

ui_open_as o officer1
wq_screen_wait o "Signature" 15
wq_screen_wait o "To sign $n" 5
wq_screen_wait o "^>.$oldest " 5
wq_screen o | grep -q "RBT-AGD" && fail "another office's request on officer1's list"
ok "officer1 sees the $n requests of RBT-HAS-1 (and RBT-HAS-3) to sign, oldest ($oldest) first ($VIA)"

# the details of the first, then sign it
wq_type o Enter
wq_screen_wait o "$oldest: details and history" 5
wq_screen_wait o "in_production -> awaiting_signature" 5
wq_type o Escape
ui_wait_gone o "details and history" 5
wq_type o s
wq_screen_wait o "Sign the documents of $oldest" 5
wq_type o y
wq_screen_wait o "$oldest signed: its agent seals the envelope" 5
[ "$(ui_state "$oldest")" = signed ] || fail "$oldest is $(ui_state "$oldest")"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'request.sign'
	AND actor_label = 'officer1' AND target = '$oldest'")" = 1 ] || fail "signature not audited"
wq_screen_wait o "To sign $((n - 1))" 5
ok "details read, $oldest signed (history and audit by officer1)"

# a marked batch of two
two=$(wq_screen o | grep -o '^>.W[0-9]\{10\}' | cut -c3-)
wq_type o Space
wq_type o Space
wq_screen_wait o "2 marked" 5
wq_type o s
wq_screen_wait o "Sign the documents of the 2 marked requests" 5
wq_type o y
wq_screen_wait o "signed 2 requests" 5
[ "$(ui_state "$two")" = signed ] || fail "$two of the batch is $(ui_state "$two")"
wq_screen_wait o "To sign $((n - 3))" 5
ok "a marked batch of 2 signed"

# sent back to the agent with a reason
back=$(wq_screen o | grep -o '^>.W[0-9]\{10\}' | cut -c3-)
agent=$(wq_sql "SELECT u.username FROM requests r JOIN users u ON u.id = r.agent_id
	WHERE r.tracking = '$back'")
wq_type o b
wq_screen_wait o "Send back to the agent: why" 5
wq_type o -l "misspelt"
wq_type o Enter
wq_screen_wait o "Send $back back to $agent (misspelt name)" 5
wq_type o y
wq_screen_wait o "$back sent back to its agent" 5
[ "$(ui_state "$back")" = in_production ] || fail "$back is $(ui_state "$back")"
[ "$(wq_sql "SELECT e.note FROM request_events e JOIN requests r ON r.id = e.request_id
	WHERE r.tracking = '$back' ORDER BY e.id DESC LIMIT 1")" = "misspelt name" ] ||
	fail "the reason is not in $back's history"
ok "$back sent back to $agent: misspelt name"

# the agent submits it again from his screen: the officer's list grows by itself
ui_open_as a "$agent"
wq_screen_wait a "Agent queue" 15
wq_type a Tab
wq_screen_wait a "\[Mine" 5
ui_search a "$back"
wq_type a d
wq_screen_wait a "in_production -> awaiting_signature" 5
wq_type a y
wq_screen_wait a "$back is with the officer for signature" 5
wq_screen_wait o "To sign $((n - 3))" 5
ok "$agent submitted $back again; officer1's list followed live"

# another office's documents: refused, nothing changes
other=$(wq_sql "SELECT r.tracking FROM requests r JOIN offices o ON o.id = r.office_id
	WHERE o.code <> 'RBT-HAS-1' AND coalesce(o.relay_office_id, 0) <> $HAS1
	AND r.state = 'awaiting_signature' LIMIT 1")
[ -n "$other" ] || fail "no request waits for signature elsewhere in the demo"
set +e
out=$("$WATIQA_BIN" request move "$other" signed --as officer1 --db "$WQ_DB" 2>&1)
rc=$?
set -e
[ $rc = 2 ] || fail "officer1 signed $other of another office: $out"
[ "$(ui_state "$other")" = awaiting_signature ] || fail "$other changed"
ok "officer1 cannot sign $other of another office ($out)"

# a small office's supervisor is its officer too: @ switches, and the role is checked
wq user role-add supervisor1 officer RBT-HAS-1 >/dev/null || fail "role-add"
ui_open_as s supervisor1
wq_screen_wait s "Office board" 15
wq_type s @
wq_screen_wait s "acting as officer" 5
wq_screen_wait s "To sign" 5
mine=$(wq_screen s | grep -o '^>.W[0-9]\{10\}' | cut -c3-)
wq_type s s
wq_screen_wait s "Sign the documents of $mine" 5
wq_type s y
wq_screen_wait s "$mine signed" 5
[ "$(wq_sql "SELECT actor_label FROM request_events e JOIN requests r ON r.id = e.request_id
	WHERE r.tracking = '$mine' AND e.to_state = 'signed'")" = supervisor1 ] ||
	fail "$mine not signed by supervisor1"
wq user role-remove supervisor1 officer >/dev/null || fail "role-remove"
set +e
out=$("$WATIQA_BIN" request move "$(wq_sql "SELECT tracking FROM requests WHERE state =
	'awaiting_signature' AND office_id = $HAS1 LIMIT 1")" signed --as supervisor1 \
	--db "$WQ_DB" 2>&1)
rc=$?
set -e
[ $rc = 2 ] || fail "supervisor1 signed without the officer role: $out"
wq_screen_wait s "Office board" 30
ok "supervisor1 signed $mine as officer (@); without the role his screen went back to the board"

# the agent seals what was signed; the citizen's tracking page shows the stage (fr, ar)
body=$(web_order_leila)
t=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["tracking"])' "$body")
s=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$body")
pay=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["payment_url"])' "$body")
web_pay "$pay" 4000000000000002 >/dev/null
for st in claimed in_production awaiting_signature; do
	wq request move "$t" $st --as agent1 >/dev/null || fail "$t -> $st"
done
set +e
out=$("$WATIQA_BIN" request move "$t" ready --as agent1 --db "$WQ_DB" 2>&1)
rc=$?
set -e
[ $rc != 0 ] || fail "agent1 sealed $t unsigned"
[ "$(web_track "$t" "$s" fr)" = 200 ] || fail "tracking page"
grep -q 'data-state="awaiting_signature"' "$T/track.html" || fail "state not shown"
grep -q "documents en attente de signature de l" "$T/track.html" ||
	fail "French label of awaiting_signature"
wq request move "$t" signed --as officer1 >/dev/null || fail "$t -> signed"
[ "$(web_track "$t" "$s" ar)" = 200 ] || fail "tracking page (ar)"
grep -q 'data-state="signed"' "$T/track.html" || fail "signed not shown"
grep -q "الوثائق موقعة" "$T/track.html" || fail "Arabic label of signed"
wq request move "$t" ready --as agent1 >/dev/null || fail "$t -> ready once signed"
ok "$t: not sealed unsigned; the tracking page says awaiting signature (fr), signed (ar); sealed once signed"
