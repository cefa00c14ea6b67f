#!/usr/bin/env bash
# An envelope comes back from the post; the citizen is not left with nothing.  F sees
# why on the tracking page (French), the date by which to choose, and chooses to collect
# it at the office; the supervisor sees it on the board's Back view over SSH and hands
# it over against the CIN on the order (a wrong CIN is refused).  G chooses a refund
# through the JSON API: the envelope is destroyed and the fee goes back to the card.
# H never chooses: past returned_keep_days the server destroys it and refunds.  The
# fees of F (collected) are the commune's, G's and H's are not; `watiqa check` balances.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

state() { web_sql "SELECT state FROM requests WHERE tracking = '$1'"; }
choose() { # TRACKING SECRET [CHOICE]: POST /returned from the tracking page
	local args=(--data-urlencode lang=fr --data-urlencode "tracking=$1"
		--data-urlencode "secret=$2" --data-urlencode "csrf=$(web_token "$T/track.html")")
	[ -n "${3:-}" ] && args+=(--data-urlencode "choice=$3")
	curl -s -b "$WEB_JAR" -c "$WEB_JAR" -o "$T/choice.html" -w '%{http_code}' "${args[@]}" \
		"$WQ_URL/returned"
}

# 1. F: why, by when, and the choice to collect
web_returned_order F
[ "$(web_track "$F_T" "$F_S")" = 200 ] || fail "tracking page of F"
grep -q 'id="state" data-state="returned"' "$T/track.html" || fail "F not shown returned"
grep -q 'Motif du retour : refused by the addressee' "$T/track.html" || fail "no reason shown"
want=$(TZ=Africa/Casablanca date -d "@$(( $(web_sql "SELECT stage_at FROM requests
	WHERE tracking = '$F_T'") + 15 * 86400 ))" '+%Y-%m-%d')
web_id "$T/track.html" deadline | grep -q "^$want" ||
	fail "deadline $(web_id "$T/track.html" deadline), want $want"
for ch in resend collect refund; do
	grep -q "id=\"choice-$ch\"" "$T/track.html" || fail "choice $ch is not offered"
done
size=$(wc -c <"$T/track.html"); [ "$size" -lt 20480 ] || fail "tracking page is $size bytes"
[ "$(choose "$F_T" "$F_S")" = 422 ] && grep -q 'id="e-choice"' "$T/choice.html" ||
	fail "no choice: no error next to the field"
[ "$(state "$F_T")" = returned ] || fail "an empty choice changed F"
ok "F ($F_T): reason, deadline $want and the three choices shown ($size bytes); an empty choice refused"
[ "$(choose "$F_T" "$F_S" collect)" = 200 ] || { cat "$T/choice.html"; fail "collect"; }
[ "$(state "$F_T")" = to_collect ] || fail "F is $(state "$F_T")"
grep -q 'id="to_collect"' "$T/choice.html" || fail "the page does not say where to collect"
[ "$(choose "$F_T" "$F_S" refund)" = 409 ] || fail "a second choice was accepted"
[ "$(state "$F_T")" = to_collect ] && [ -z "$(refund_state "$F_T")" ] || fail "F changed"
ok "F chose to collect at the office; a second choice is refused (409)"

# 2. the office: supervisor1's board over SSH (its office and the one it relays), Back
#    view, hand-over against the CIN
back=$(web_sql "SELECT count(*) FROM requests r JOIN offices o ON o.id = r.office_id
	WHERE (o.code = 'RBT-HAS-1' OR o.relay_office_id = (SELECT id FROM offices
	WHERE code = 'RBT-HAS-1')) AND r.state IN ('returned', 'to_collect')")
wq_login s supervisor1 watiqa-demo
wq_screen_wait s "Office board" 20
wq_screen_wait s "Back $back |" 10
wq_type s 7
wq_screen_wait s "\[Back $back\]" 5
wq_screen s | grep -q "$F_T collect " || { wq_screen s; fail "F not on the Back view"; }
ok "supervisor1 sees the $back envelopes back from the post (F among them) on the board"
wq_type s /
wq_screen_wait s "Search:" 5
wq_type s -l "$F_T"
wq_type s Enter
wq_screen_wait s "^>.$F_T" 5
wq_type s d
wq_screen_wait s "delivered" 5
wq_type s Enter
wq_screen_wait s "which CIN" 5
wq_type s -l "ZZ999999"
wq_type s Enter
wq_screen_wait s "not the one on the order" 5
[ "$(state "$F_T")" = to_collect ] || fail "handed over against a wrong CIN"
wq_type s d
wq_screen_wait s "delivered" 5
wq_type s Enter
wq_screen_wait s "which CIN" 5
wq_type s -l "ab123456"
wq_type s Enter
wq_screen_wait s "$F_T is now delivered" 5
[ "$(state "$F_T")" = delivered ] || fail "F is $(state "$F_T")"
web_sql "SELECT note FROM request_events e JOIN requests r ON r.id = e.request_id
	WHERE r.tracking = '$F_T' ORDER BY e.id DESC LIMIT 1" | grep -q "CIN AB123456 checked" ||
	fail "the hand-over does not record the CIN"
ok "F handed over at the counter against its CIN (a wrong one refused), recorded"

# 3. G: a refund through the API
web_returned_order G
st=$(curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"tracking\":\"$G_T\",\"secret\":\"$G_S\",\"choice\":\"keep\"}" "$WQ_URL/api/v1/returned")
[ "$st" = 422 ] && grep -q '"choice"' "$T/api.json" || fail "API accepted choice keep ($st)"
st=$(curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"tracking\":\"$G_T\",\"secret\":\"$G_S\",\"choice\":\"refund\"}" "$WQ_URL/api/v1/returned")
[ "$st" = 200 ] && grep -q '"state":"destroyed"' "$T/api.json" || fail "API refund: $st $(cat "$T/api.json")"
wait_refund "$G_T" refunded
web_track "$G_T" "$G_S" >/dev/null
grep -q 'id="refund" data-state="refunded"' "$T/track.html" || fail "G's page lacks the refund"
ok "G ($G_T) chose the refund through the API: destroyed, refunded to the card"

# 4. H: no choice in time.  Its return is moved 16 days back; the server's sweep runs at
#    start, so it is restarted
web_returned_order H
web_sql "UPDATE requests SET stage_at = stage_at - 16 * 86400 WHERE tracking = '$H_T'"
wq_serve_again TERM
for ((i = 0; i < 300; i++)); do [ "$(state "$H_T")" = destroyed ] && break; sleep 0.1; done
[ "$(state "$H_T")" = destroyed ] || fail "H is $(state "$H_T") after the sweep"
wait_refund "$H_T" refunded
web_sql "SELECT note FROM request_events e JOIN requests r ON r.id = e.request_id
	WHERE r.tracking = '$H_T' ORDER BY e.id DESC LIMIT 1" | grep -q "destroyed" ||
	fail "the destruction is not recorded"
ok "H ($H_T) left without a choice past 15 days: destroyed (recorded) and refunded"

# 5. the money
for t in "$G_T" "$H_T"; do
	[ "$(web_sql "SELECT count(*) FROM fees_unsettled u JOIN requests r ON r.id = u.request_id
		WHERE r.tracking = '$t'")" = 0 ] || fail "$t's refunded fee is still due to the commune"
done
[ "$(web_sql "SELECT p.status FROM payments p JOIN requests r ON r.id = p.request_id
	WHERE r.tracking = '$F_T'")" = confirmed ] || fail "F's fee is not the commune's"
wq check --db "$WQ_DB" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "watiqa check"; }
ok "F's fee earned, G's and H's refunded, never due to the commune; $(grep '^money' "$T/check.out")"
