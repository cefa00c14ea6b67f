#!/usr/bin/env bash
# relay_office.sh - a request of RBT-HAS-3, a low-activity office with no computer that
# RBT-HAS-1 relays, is processed at its central office: supervisor1 sees it on his
# board, prints its sheet for the fax, assigns it to agent1, who declares it in
# production and submits it for signature; officer1, RBT-HAS-1's officer, signs it on
# RBT-HAS-3's behalf (the history says so); supervisor1 declares it ready; the history
# says "recorded by agent1 at RBT-HAS-1 for RBT-HAS-3"; the events carry RBT-HAS-3 as the request's office; the
# post sees the envelope waiting at RBT-HAS-3; another office's agent cannot reach it.
# ssh in tmux, or `watiqa ui` panes if ssh login does not reach a screen yet.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

ui_serve_as agent1 "Agent queue"
HAS3=$(wq_sql "SELECT id FROM offices WHERE code = 'RBT-HAS-3'")
[ "$(wq_sql "SELECT r.code FROM offices o JOIN offices r ON r.id = o.relay_office_id
	WHERE o.id = $HAS3")" = RBT-HAS-1 ] || fail "RBT-HAS-3 is not relayed by RBT-HAS-1"
t=$(wq_sql "SELECT tracking FROM requests WHERE office_id = $HAS3 AND state = 'paid'
	ORDER BY paid_at LIMIT 1")
[ -n "$t" ] || fail "no queued request at RBT-HAS-3 in the demo"

ui_open_as s supervisor1
wq_screen_wait s "Office board" 15
ui_search s "$t"
wq_screen_wait s "^>.$t queue .*RBT-HAS-3" 5
ok "$t of RBT-HAS-3 is on RBT-HAS-1's board ($VIA)"

wq_type s p
wq_screen_wait s "sheet written to" 5
sheet=$T/print/sheet-$t.txt
grep -q "BY FAX.*to office RBT-HAS-3" "$sheet" || { cat "$sheet" >&2; fail "sheet not headed for the fax"; }
grep -q "from its central office RBT-HAS-1" "$sheet" || fail "sheet does not name the central office"
ok "request sheet for the fax written ($sheet)"

wq_type s A
wq_screen_wait s "to which agent" 5
wq_type s -l agent1
wq_type s Enter
wq_screen_wait s "$t to agent1: assigned" 5

ui_open_as a agent1
wq_screen_wait a "Agent queue" 15
wq_type a Tab
wq_screen_wait a "\[Mine" 5
ui_search a "$t"
wq_type a d
wq_screen_wait a "claimed -> in_production" 5
wq_type a y
wq_screen_wait a "$t is in production" 5
wq_screen_wait s "^>.$t in prod   agent1" 5
ok "agent1 (at RBT-HAS-1) declared $t in production; the board followed live"
grep -q "verification code: *[0-9A-Z]\{4\}-" "$sheet" || { cat "$sheet" >&2; fail "no verification code"; }
[ "$(wq_sql "SELECT o.code FROM documents d JOIN offices o ON o.id = d.office_id
	JOIN requests r ON r.id = d.request_id WHERE r.tracking = '$t'")" = RBT-HAS-3 ] ||
	fail "the document is not issued as RBT-HAS-3's"
ok "the production sheet carries the verification code of a document issued as RBT-HAS-3's"

wq_type a d
wq_screen_wait a "in_production -> awaiting_signature" 5
wq_type a y
wq_screen_wait a "$t is with the officer for signature" 5
wq_screen_wait s "^>.$t to sign   agent1" 5
ui_open_as o officer1
wq_screen_wait o "Signature" 15
ui_search o "$t"
wq_screen_wait o "^>.$t .*RBT-HAS-3 *agent1" 5
wq_type o s
wq_screen_wait o "Sign the documents of $t" 5
wq_type o y
wq_screen_wait o "$t signed: its agent seals the envelope" 5
[ "$(ui_state "$t")" = signed ] || fail "$t is $(ui_state "$t")"
[ "$(wq_sql "SELECT e.note FROM request_events e JOIN requests r ON r.id = e.request_id
	WHERE r.tracking = '$t' AND e.to_state = 'signed' AND e.actor_label = 'officer1'
	AND e.office_id = $HAS3")" = $'\x1f''behalf RBT-HAS-3'$'\x1f' ] ||
	fail "the signature of $t is not recorded on RBT-HAS-3's behalf"
wq_screen_wait s "^>.$t signed    agent1" 5
ok "officer1, RBT-HAS-1's officer, signed $t on RBT-HAS-3's behalf; the board followed"

wq_type s d
wq_screen_wait s "declare which stage" 5
wq_type s -l ready
wq_type s Enter
wq_screen_wait s "$t is now ready" 5
[ "$(ui_state "$t")" = ready ] || fail "$t is $(ui_state "$t")"
wq_type s h
wq_screen_wait s "recorded by agent1 at RBT-HAS-1 for RBT-HAS-3" 5
wq_screen_wait s "recorded by supervisor1 at RBT-HAS-1 for RBT-HAS-3" 5
wq_screen_wait s "signed on behalf of RBT-HAS-3 (relayed)" 5
wq_type s Escape
# the signature's note is kept without words: French and Arabic readers read it in
# theirs (L: the next language, French then Arabic, then back to English)
wq_type s L
wq_screen_wait s "Écrans en français" 5
wq_type s h
wq_screen_wait s "signé pour le compte de RBT-HAS-3 (bureau relayé)" 5
wq_screen_wait s "enregistré par agent1 à RBT-HAS-1 pour RBT-HAS-3" 5
wq_type s Escape
wq_type s L
sleep 0.5
wq_type s h
wq_screen_wait s "$(printf '%s' 'نيابة' | rev).*RBT-HAS-3\|RBT-HAS-3.*$(printf '%s' 'نيابة' | rev)" 5
wq_screen s | grep -q "signed on behalf\|signé pour" && fail "the Arabic history says it in another language"
wq_type s Escape
wq_type s L
wq_screen_wait s "Screens in English" 5
ok "the signature on RBT-HAS-3's behalf is stored without words, read in French and Arabic"
[ "$(wq_sql "SELECT count(*) FROM request_events e JOIN requests r ON r.id = e.request_id
	WHERE r.tracking = '$t' AND e.actor_label IN ('agent1', 'supervisor1', 'officer1')
	AND e.office_id <> $HAS3")" = 0 ] || fail "an event of $t is not recorded for RBT-HAS-3"
ok "history: recorded by agent1 / supervisor1 at RBT-HAS-1 for RBT-HAS-3"

# the post sees its envelope at RBT-HAS-3; another office's agent cannot reach it
ui_open_as p post1
wq_screen_wait p "Post desk" 15
wq_screen_wait p "Waiting at: .*RBT-HAS-3 [0-9]" 5
ui_search p "$t"
wq_screen_wait p "^>.$t RBT-HAS-3" 5
set +e
out=$("$WATIQA_BIN" request move "$t" with_post --note RR314159268MA --as agent3 --db "$WQ_DB" 2>&1)
rc=$?
set -e
[ $rc = 2 ] || fail "agent3 moved $t: $out"
[ "$(ui_state "$t")" = ready ] || fail "$t changed"
ok "post1 sees the envelope waiting at RBT-HAS-3; agent3 cannot touch it"
