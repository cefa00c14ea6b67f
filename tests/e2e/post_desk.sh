#!/usr/bin/env bash
# post_desk.sh - the post's clerk (post1, province RABAT) at an 80x24 terminal: sees the
# sealed envelopes waiting at each office of the province (none of KENITRA's); a
# registered-mail code with a wrong check digit is refused with a clear message and
# nothing changes; the right code records the pickup (the citizen's tracking shows it);
# the label and the office's dispatch list of the day are written; delivered is pulled
# from the post's tracking service (`watiqa sandbox`, over HTTP with libcurl); another
# item is recorded returned with a reason.  ssh in tmux, or `watiqa ui` panes if ssh
# login does not reach a screen yet on this build.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

ui_serve_as post1 "Post desk"

waiting=$(wq_sql "SELECT count(*) FROM mail_items m JOIN requests r ON r.id = m.request_id
	JOIN offices o ON o.id = r.office_id JOIN communes c ON c.id = o.commune_id
	JOIN provinces p ON p.id = c.province_id WHERE m.status = 'sealed' AND p.code = 'RABAT'")
[ "$waiting" -gt 1 ] || fail "fewer than 2 sealed envelopes in RABAT in the demo"
ui_open_as p post1
wq_screen_wait p "Post desk" 15
wq_screen_wait p "\[Waiting $waiting\]" 5
wq_screen_wait p "Waiting at: .*RBT-HAS-1 [0-9]" 5
for t in $(wq_screen p | grep -o 'W[0-9]\{10\}'); do
	o=$(wq_sql "SELECT o.code FROM requests r JOIN offices o ON o.id = r.office_id WHERE tracking = '$t'")
	case $o in RBT-*) ;; *) fail "$t of $o (outside RABAT) on post1's desk" ;; esac
done
ok "post1 ($VIA) sees $waiting sealed envelopes, by office, RABAT only"

# ---- a wrong check digit is refused, clearly; the right code is recorded ----
t1=$(ui_cursor_tracking p)
code=$(python3 -c '
w=[8,6,4,2,3,5,9,7]; s="31415926"; c=11-sum(int(a)*b for a,b in zip(s,w))%11
c={10:0,11:5}.get(c,c); print("RR%s%dMA"%(s,c))')
bad=${code:0:10}$(( (${code:10:1} + 1) % 10 ))MA
wq_type p p
wq_screen_wait p "Pickup of $t1" 5
wq_type p -l "$bad"
wq_type p Enter
wq_screen_wait p "refused: $bad: wrong check digit ${bad:10:1}, should be ${code:10:1}" 5
[ "$(ui_state "$t1")" = ready ] || fail "$t1 moved after a wrong code"
ok "code $bad refused: $(ui_status p | cut -c1-72)"
wq_type p p
wq_screen_wait p "Pickup of $t1" 5
wq_type p -l "$(echo "$code" | tr A-Z a-z)"
wq_type p Enter
wq_screen_wait p "$t1 picked up: .* registered as $code" 5
[ "$(ui_state "$t1")" = with_post ] || fail "$t1 is $(ui_state "$t1")"
[ "$(wq_sql "SELECT handed_how || ' ' || code FROM mail_items m JOIN requests r
	ON r.id = m.request_id WHERE tracking = '$t1'")" = "pickup $code" ] || fail "mail item not recorded"
ui_wait_gone p "^..$t1" 5
# the citizen's tracking page shows the code (the web side reads request.mail_code)
"$WATIQA_BIN" request show "$t1" --db "$WQ_DB" | grep -q "with_post" || fail "show"
[ "$(wq_sql "SELECT m.code FROM requests r JOIN mail_items m ON m.request_id = r.id
	WHERE tracking = '$t1'")" = "$code" ] || fail "request.mail_code is not $code"
ok "pickup of $t1 recorded as $code (lowercase typed, normalised)"

# ---- label and dispatch list ----
wq_type p 2
wq_screen_wait p "\[With post" 5
ui_search p "$t1"
wq_type p l
wq_screen_wait p "label written to" 5
grep -q "$code" "$T/print/label-$t1.txt" || fail "label has no code"
wq_type p D
wq_screen_wait p "envelopes today, list written to" 5
f=$(ls "$T"/print/dispatch-*-*.txt | head -1)
grep -q "$code" "$f" || fail "dispatch list $f has no $code"
ok "label and dispatch list ($(basename "$f")) written"

# ---- delivered, pulled from the post's tracking service ----
wq_type p t
wq_screen_wait p "$code: the post says in_transit" 10
curl -s -X POST -d status=delivered "$WATIQA_POST_URL/track/$code" >/dev/null
wq_type p t
wq_screen_wait p "$code: the post says delivered; recorded" 10
[ "$(ui_state "$t1")" = delivered ] || fail "$t1 is $(ui_state "$t1")"
[ "$(wq_sql "SELECT status FROM mail_items m JOIN requests r ON r.id = m.request_id
	WHERE tracking = '$t1'")" = delivered ] || fail "mail item not closed"
ok "tracking pull over HTTP recorded $code delivered"

# ---- returned with a reason ----
t2=$(wq_sql "SELECT r.tracking FROM requests r JOIN offices o ON o.id = r.office_id
	WHERE r.state = 'with_post' AND o.code LIKE 'RBT-%' LIMIT 1")
ui_search p "$t2"
wq_type p r
wq_screen_wait p "Returned: why" 5
wq_type p Down Enter
wq_screen_wait p "returned: refused by the addressee" 5
[ "$(ui_state "$t2")" = returned ] || fail "$t2 is $(ui_state "$t2")"
ok "$t2 returned with its reason"
wq_type p q
