#!/usr/bin/env bash
# The record's office.  Hassan (Rabat) has three civil-status offices: the order form
# offers them, "I don't know" first.  A citizen who knows picks the low-activity annex
# RBT-HAS-3 (relayed by RBT-HAS-1): the order goes there, and RBT-HAS-1's supervisor
# sees it on his board over OpenSSH and prints its fax sheet.  One who does not know
# leaves the default: the order goes to the central office RBT-HAS-1, whose supervisor
# forwards it to RBT-HAS-3 from his board (the reassignment path, reason "birth
# registered at another office").  An account of RBT-HAS-3 itself sees both, and not
# RBT-HAS-1's own.  An office of another commune, or no number, is refused next to the
# field, and nothing is written.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"
ui_serve_as supervisor1 "Office board"
source "$(dirname "$0")/web_lib.sh"

HASSAN=$(web_sql "SELECT id FROM communes WHERE code = 'RBT-HASSAN'")
HAS1=$(web_sql "SELECT id FROM offices WHERE code = 'RBT-HAS-1'")
HAS3=$(web_sql "SELECT id FROM offices WHERE code = 'RBT-HAS-3'")
# an office of another commune that has several (so the form lists it too)
OTHER=$(web_sql "SELECT id FROM offices o WHERE commune_id <> $HASSAN AND active = 1 AND
	(SELECT count(*) FROM offices x WHERE x.commune_id = o.commune_id AND x.active) > 1 LIMIT 1")
OTHER_NAME=$(web_sql "SELECT name_fr FROM offices WHERE id = $OTHER")
office_of() { web_sql "SELECT o.code FROM requests r JOIN offices o ON o.id = r.office_id
	WHERE r.tracking = '$1'"; }

# the form: the offices of communes that have several, "I don't know" first
[ "$(web_get /)" = 200 ] || fail "order form"
grep -q '<select id="office" name="office"><option value="">Je ne sais pas' "$T/page.html" ||
	fail "no office list with 'Je ne sais pas' first"
grep -q "<option value=\"$HAS3\">Bureau annexe Diour Jamaa</option>" "$T/page.html" ||
	fail "RBT-HAS-3 not offered"
grep -q "<option value=\"$OTHER\">$OTHER_NAME</option>" "$T/page.html" ||
	fail "$OTHER_NAME (another commune with several offices) not offered"
size=$(wc -c <"$T/page.html"); [ "$size" -lt 20480 ] || fail "order form is $size bytes"
ok "order form offers the offices of Hassan, 'Je ne sais pas' first ($size bytes)"
[ "$(web_get '/?lang=ar')" = 200 ] || fail "Arabic order form"
grep -q '<option value="">لا أعرف' "$T/page.html" || fail "no 'I don't know' in Arabic"
size=$(wc -c <"$T/page.html"); [ "$size" -lt 20480 ] || fail "Arabic order form is $size bytes"
ok "and in Arabic ($size bytes)"

# bad choices: named next to the field, nothing written
web_get / >/dev/null
before=$(web_sql "SELECT count(*) FROM requests")
for bad in "$OTHER" 99999 abc; do
	st=$(web_post_order /order/confirm commune="$HASSAN" office="$bad")
	[ "$st" = 422 ] || fail "office=$bad answered $st"
	grep -q 'id="e-office">Choisissez un bureau de la commune de naissance' "$T/page.html" ||
		fail "office=$bad: no error next to the office field"
	grep -q 'id="office" name="office" aria-invalid="true"' "$T/page.html" ||
		fail "office=$bad: the field is not marked invalid"
done
[ "$(web_sql "SELECT count(*) FROM requests")" = "$before" ] || fail "a bad office wrote a row"
ok "an office of another commune, an unknown one, a word: refused next to the field"
# the commune chosen, the list narrows to its offices, the choice kept
grep -q "<option value=\"$OTHER\">$OTHER_NAME" "$T/page.html" && fail "another commune's office listed"
ok "once Hassan is chosen, only its offices are listed"

# order PHONE-SUFFIX [office=ID]: ordered through the form, reviewed, paid; prints tracking
order() {
	local phone="06 61 22 33 $1"; shift
	web_get / >/dev/null
	local st
	st=$(web_post_order /order commune="$HASSAN" phone="$phone" "$@")
	[ "$st" = 200 ] || { cat "$T/page.html" >&2; fail "review answered $st"; }
	cp "$T/page.html" "$T/review.html"
	st=$(web_post_order /order/confirm commune="$HASSAN" phone="$phone" "$@")
	[ "$st" = 303 ] || fail "confirm answered $st"
	web_pay "$(web_location)" 4000000000000002 >/dev/null
	web_id "$T/paid.html" tracking
}
t3=$(order 41 office="$HAS3")
grep -q "Bureau annexe Diour Jamaa" "$T/review.html" || fail "review does not name the office"
[ "$(office_of "$t3")" = RBT-HAS-3 ] || fail "$t3 is at $(office_of "$t3")"
[ "$(web_sql "SELECT state FROM requests WHERE tracking = '$t3'")" = paid ] || fail "$t3 not paid"
ok "$t3 ordered for RBT-HAS-3 (named on the review page) is in RBT-HAS-3's queue"
t1=$(order 42 office=)
[ "$(office_of "$t1")" = RBT-HAS-1 ] || fail "$t1 ('I don't know') is at $(office_of "$t1")"
ok "$t1 ('Je ne sais pas') went to the central office RBT-HAS-1"

# the relay office's view over OpenSSH: the relayed office's order, its fax sheet
ui_open_as s supervisor1
wq_screen_wait s "Office board" 15
ui_search s "$t3"
wq_screen_wait s "^>.$t3 queue .*RBT-HAS-3" 5
wq_type s p
wq_screen_wait s "sheet written to" 5
grep -q "BY FAX.*to office RBT-HAS-3" "$T/print/sheet-$t3.txt" || fail "no fax sheet for $t3"
ok "supervisor1 (RBT-HAS-1) sees $t3 of RBT-HAS-3 on his board and prints its fax sheet ($VIA)"

# ...and forwards the "I don't know" order from the central office's queue
ui_search s "$t1"
wq_screen_wait s "^>.$t1 queue .*RBT-HAS-1" 5
wq_type s a
wq_screen_wait s "to which office" 5
wq_type s -l "HAS-3"
wq_screen_wait s "> RBT-HAS-3" 5
wq_type s Enter
wq_screen_wait s "Reassign: why" 5
wq_type s Enter
wq_screen_wait s "Send $t1" 5
wq_type s y
wq_screen_wait s "$t1 sent to RBT-HAS-3" 5
[ "$(office_of "$t1")" = RBT-HAS-3 ] || fail "$t1 is at $(office_of "$t1")"
[ "$(web_sql "SELECT count(*) FROM request_events e JOIN requests r ON r.id = e.request_id
	WHERE r.tracking = '$t1'
	AND e.note LIKE 'reassigned from RBT-HAS-1 to RBT-HAS-3: birth registered%'")" = 1 ] ||
	fail "no reassign event for $t1"
ui_search s "$t1"
wq_screen_wait s "^>.$t1 queue .*RBT-HAS-3" 5
ok "supervisor1 forwarded $t1 to RBT-HAS-3; it stays on his board as the relay office"

# the relayed office's own account sees both, not the central office's own requests
wq user add annex3 agent RBT-HAS-3 --name "Agent Diour Jamaa" --password watiqa-demo-3 \
	--db "$WQ_DB" >/dev/null
list=$(wq request list paid --as annex3 --db "$WQ_DB")
grep -q "$t3" <<<"$list" || fail "annex3 does not see $t3"
grep -q "$t1" <<<"$list" || fail "annex3 does not see $t1"
own=$(web_sql "SELECT tracking FROM requests WHERE office_id = $HAS1 AND state = 'paid' LIMIT 1")
grep -q "$own" <<<"$list" && fail "annex3 sees $own of RBT-HAS-1"
out=$(wq request show "$own" --as annex3 --db "$WQ_DB" 2>&1) && fail "annex3 read $own: $out"
ok "RBT-HAS-3's own account sees $t3 and $t1, not RBT-HAS-1's $own"

# the JSON API takes the same field, with the same check
body=$(curl -s -H 'Content-Type: application/json' -d "{\"lang\":\"fr\",
	\"doc_type\":\"extract\",\"copies\":\"1\",\"commune\":\"$HASSAN\",\"office\":\"$OTHER\",
	\"record_number\":\"55\",\"record_year\":\"1990\",\"last_name_ar\":\"العلوي\",
	\"first_name_ar\":\"محمد\",\"last_name_lat\":\"Alaoui\",\"first_name_lat\":\"Mohamed\",
	\"birth_date\":\"1990-05-17\",\"address\":\"12 rue des Fleurs\",\"postal_code\":\"10080\",
	\"city\":\"Rabat\",\"phone\":\"0661223343\"}" -w ' %{http_code}' "$WQ_URL/api/v1/requests")
case $body in *'"office":"Choisissez un bureau'*' 422') ;; *) fail "API with another commune's office: $body" ;; esac
ok "the API refuses another commune's office on the field office (422)"
