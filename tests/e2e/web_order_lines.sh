#!/usr/bin/env bash
# One order, several documents (issue 13 item 4), over real HTTP on loopback: a citizen
# ticks the extract (2 copies) and the full copy (1) on the French form; the review page
# lists both lines and the sum (40.00 + 30.00 = 70.00); the order is paid once through
# the sandbox; the tracking page and the API show both lines.  Then agent1, over real
# SSH in tmux, rejects the full copy alone with a reason from the request sheet: the
# gateway is asked to refund 30.00 and nothing more, the extract goes on, the tracking
# page and the API show line 2 refused and its refund; `watiqa check` balances.  The
# API takes "lines":[{doc_type,copies}] (and the older doc_type/copies as one line);
# bad lines answer 422 naming the field (lines[1].copies...) and write nothing.  Pages
# stay under 20 KB.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

TWO=("doc_type=" "copies=" "lines[0].doc_type=extract" "lines[0].copies=2"
	"lines[1].doc_type=full_copy" "lines[1].copies=1")

# 1. the form: both boxes, each with its copies list, no JavaScript
[ "$(web_get /)" = 200 ] || fail "order form"
grep -q 'type="checkbox" id="lines\[0\].doc_type" name="lines\[0\].doc_type" value="extract" checked' \
	"$T/page.html" || fail "no extract box ticked on a fresh form"
grep -q 'type="checkbox" id="lines\[1\].doc_type" name="lines\[1\].doc_type" value="full_copy">' \
	"$T/page.html" || fail "no full copy box"
grep -q '<select id="lines\[1\].copies" name="lines\[1\].copies">' "$T/page.html" ||
	fail "no copies list for the full copy"
! grep -q '<script' "$T/page.html" || fail "the form has a script"
size=$(wc -c <"$T/page.html"); [ "$size" -lt 20480 ] || fail "order form is $size bytes"
ok "order form: a box and a copies list per document, the extract ticked ($size bytes)"

before=$(web_sql "select count(*) from requests")
[ "$(web_post_order /order "${TWO[@]}")" = 200 ] || { cat "$T/page.html"; fail "review"; }
[ "$(web_id "$T/page.html" fee-1)" = "40.00 DH" ] || fail "line 1: $(web_id "$T/page.html" fee-1)"
[ "$(web_id "$T/page.html" fee-2)" = "30.00 DH" ] || fail "line 2: $(web_id "$T/page.html" fee-2)"
[ "$(web_id "$T/page.html" total)" = "70.00 DH" ] || fail "total"
[ "$(web_id "$T/page.html" fee)" = "70.00" ] || fail "fee to pay"
grep -q 'name="lines\[1\].doc_type" value="full_copy"' "$T/page.html" ||
	fail "the review page does not carry line 2 to the confirmation"
[ "$(web_sql "select count(*) from requests")" = "$before" ] || fail "review wrote a row"
ok "review: extract x2 40.00 + full copy x1 30.00 = 70.00 DH"

# the review's "edit" goes back to the form with both boxes ticked
[ "$(web_post_order /order "${TWO[@]}" edit=1)" = 200 ] || fail "edit"
grep -q 'value="full_copy" checked' "$T/page.html" && grep -q 'value="extract" checked' \
	"$T/page.html" || fail "edit lost a box"
grep -q '<option selected>2</option>' "$T/page.html" || fail "edit lost the copies"

[ "$(web_post_order /order/confirm "${TWO[@]}")" = 303 ] || fail "confirm"
pay=$(web_location)
final=$(web_pay "$pay" 4000000000000002)
case $final in "$WQ_URL/paid?"*) ;; *) fail "gateway did not return: $final" ;; esac
T1=$(web_id "$T/paid.html" tracking)
S1=$(web_id "$T/paid.html" secret)
[ "$(web_sql "select state || ' ' || fee_centimes from requests where tracking = '$T1'")" = "paid 7000" ] ||
	fail "$T1 not paid 70.00"
[ "$(web_sql "select group_concat(l.line_no || ':' || l.doc_type || ':' || l.copies || ':' || l.fee_centimes, ' ')
	from request_lines l join requests r on r.id = l.request_id where r.tracking = '$T1'")" = \
	"1:extract:2:4000 2:full_copy:1:3000" ] || fail "lines of $T1"
[ "$(web_sql "select count(*) || ' ' || sum(amount_centimes) from payments p join requests r on
	r.id = p.request_id where r.tracking = '$T1'")" = "1 7000" ] || fail "one payment of 70.00"
ok "$T1: one order, one payment of 70.00, two lines"

[ "$(web_track "$T1" "$S1")" = 200 ] || fail "tracking page"
grep -q 'id="line-1" data-doc="extract" data-state="paid"' "$T/track.html" &&
	grep -q 'id="line-2" data-doc="full_copy" data-state="paid"' "$T/track.html" ||
	fail "the tracking page lacks a line"
size=$(wc -c <"$T/track.html"); [ "$size" -lt 20480 ] || fail "tracking page is $size bytes"
ok "tracking page lists both documents ($size bytes)"

# 2. the API: lines, the older single form, and bad lines naming their field
api() { # PATH JSON -> body in $T/api.json, prints the status
	curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "$2" "$WQ_URL$1"
}
py() { python3 -c "import json,sys; d=json.load(open('$T/api.json')); $1"; }
person='"commune":1,"record_number":"4321","record_year":"1985","last_name_ar":"بناني",
	"first_name_ar":"سعيد","last_name_lat":"Bennani","first_name_lat":"Said",
	"birth_date":"1985-01-20","address":"4 avenue Hassan II","postal_code":"10000",
	"city":"Rabat","phone":"0661000111"'
[ "$(api /api/v1/requests "{\"lang\":\"fr\",$person,\"lines\":[{\"doc_type\":\"full_copy\",
	\"copies\":3},{\"doc_type\":\"extract\",\"copies\":1}]}")" = 201 ] ||
	fail "API order with lines: $(cat "$T/api.json")"
py 'assert d["fee_centimes"] == 7000 + 2000, d; l = d["lines"]
assert [(x["line"], x["doc_type"], x["copies"], x["fee_centimes"]) for x in l] == \
	[(1, "full_copy", 3, 7000), (2, "extract", 1, 2000)], l' || fail "API lines: $(cat "$T/api.json")"
ok "API: lines [full copy x3, extract x1] -> 90.00, each line priced"
[ "$(api /api/v1/requests "{\"lang\":\"fr\",$person,\"doc_type\":\"extract\",\"copies\":2}")" = 201 ] ||
	fail "API order, older single form"
py 'assert d["fee_centimes"] == 4000 and len(d["lines"]) == 1, d' || fail "older form"
ok "API: the older doc_type/copies is one line"

fee=$(curl -s -g "$WQ_URL/api/v1/fee?lines[0].doc_type=extract&lines[0].copies=2&lines[1].doc_type=full_copy&lines[1].copies=1&country=FR")
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["fee_centimes"] == 4000 + 3000 + 4500, d' "$fee" ||
	fail "fee of two lines abroad: $fee"
st=$(curl -s -g -o "$T/api.json" -w '%{http_code}' "$WQ_URL/api/v1/fee?lines[0].doc_type=extract&lines[0].copies=0")
[ "$st" = 422 ] && [ "$(py "print(d['errors']['lines[0].copies'])")" = "De 1 à 10 exemplaires." ] ||
	fail "fee with bad copies: $st $(cat "$T/api.json")"
ok "GET /api/v1/fee with lines: 40.00 + 30.00 + postage to France 45.00 = 115.00; bad copies named"
rows() { web_sql "select (select count(*) from requests) || '/' || (select count(*) from request_lines)"; }
before=$(rows)
while IFS='|' read -r lines field expect; do
	[ -z "$lines" ] && continue
	[ "$(api /api/v1/requests "{\"lang\":\"fr\",$person,$lines}")" = 422 ] ||
		fail "$lines: not 422: $(cat "$T/api.json")"
	got=$(py "print(d['errors'].get('$field', ''))")
	[ "$got" = "$expect" ] || fail "$lines: $field said '$got' ($(cat "$T/api.json"))"
	[ "$(rows)" = "$before" ] || fail "$lines wrote a row"
	ok "422 $field: $got"
done <<'TABLE'
"lines":[{"doc_type":"extract","copies":1},{"doc_type":"full_copy","copies":11}]|lines[1].copies|De 1 à 10 exemplaires.
"lines":[{"doc_type":"extract","copies":1},{"doc_type":"extract","copies":2}]|lines[1].doc_type|Ce document est déjà demandé plus haut : un seul par type.
"lines":[{"doc_type":"acte","copies":1}]|lines[0].doc_type|Choisissez « extrait » ou « copie intégrale ».
"lines":[{"copies":1}]|lines[0].doc_type|Ce champ est obligatoire.
"lines":[]|lines|Cochez au moins un document.
"lines":[{"doc_type":"extract","copies":1},{"doc_type":"full_copy","copies":1},{"doc_type":"extract","copies":1}]|lines|Deux documents au plus : un extrait et une copie intégrale.
"lines":[{"doc_type":"extract","copies":1}],"doc_type":"extract","copies":1|doc_type|Donnez les documents soit par « lines », soit par doc_type et copies, pas les deux.
"lines":"extract"|lines|« lines » : une liste de documents, chacun {doc_type, copies}.
TABLE

# the form: a box ticked with a bad copies value, and no box ticked
web_get / >/dev/null
[ "$(web_post_order /order/confirm "${TWO[@]}" "lines[1].copies=12")" = 422 ] || fail "form copies"
[ "$(web_id "$T/page.html" "e-lines[1].copies")" = "De 1 à 10 exemplaires." ] || fail "form copies error"
grep -q 'id="lines\[1\].copies" name="lines\[1\].copies" aria-invalid="true"' "$T/page.html" ||
	fail "the list is not marked invalid"
web_get / >/dev/null
[ "$(web_post_order /order/confirm "doc_type=" "copies=" "lines[0].copies=2" "lines[1].copies=1")" = 422 ] ||
	fail "no box ticked"
[ "$(web_id "$T/page.html" e-lines)" = "Cochez au moins un document." ] || fail "no-box error"
[ "$(rows)" = "$before" ] || fail "a bad form wrote a row"
ok "form: 422 next to lines[1].copies, and 'tick at least one' with no box ticked; nothing written"

# 3. agent1, over real SSH in tmux, rejects the full copy alone from the queue
wq_login a agent1 watiqa-demo
wq_screen_wait a "Agent queue" 20
wq_type a /
wq_screen_wait a "Search:" 5
wq_type a -l "$T1"
wq_type a Enter
# the Queue view shows no document column (its first screen's bytes, bench/README
# section 17): the sheet (h) lists the two documents, Mine says "2 docs" once claimed
wq_screen_wait a "^>.$T1" 10
wq_type a h
wq_screen_wait a "2. full copy x1, fee 30.00 MAD" 10
wq_screen a | grep -q "1. extract x2, fee 40.00 MAD" || fail "the sheet lacks line 1"
wq_screen a | grep -q "Total fee: 70.00 MAD" || fail "the sheet lacks the total"
wq_type a Escape
wq_type a X
wq_screen_wait a "Reject which document" 5
wq_type a -l "full"
wq_type a Enter
wq_screen_wait a "record not found" 5
wq_type a Enter
wq_screen_wait a "Reject document 2: full copy x1" 5
wq_type a y
wq_screen_wait a "$T1: document 2 rejected" 10
ok "agent1 over SSH: the sheet lists both documents, X rejects the full copy with a reason"

wait_refund_rows() { # TRACKING COUNT STATE
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(web_sql "SELECT count(*) FROM refunds f JOIN requests r ON r.id = f.request_id
			WHERE r.tracking = '$1' AND f.state = '$3'")" = "$2" ] && return 0
		sleep 0.1
	done
	fail "$1: never $2 refunds $3"
}
wait_refund_rows "$T1" 1 refunded
txn=$(web_sql "SELECT p.gateway_ref FROM payments p JOIN requests r ON r.id = p.request_id
	WHERE r.tracking = '$T1'")
calls=$(curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$txn" '$2 == t')
[ "$(printf '%s\n' "$calls" | wc -l)" = 1 ] && [ "$(printf '%s\n' "$calls" | cut -f3)" = 3000 ] ||
	fail "the gateway's refunds of $txn: '$calls' (want one of 3000)"
[ "$(web_sql "SELECT r.state || ' ' || p.status FROM requests r JOIN payments p ON
	p.request_id = r.id WHERE r.tracking = '$T1'")" = "paid confirmed" ] ||
	fail "$T1 did not go on with its extract"
ok "the gateway refunded 30.00 of $txn, once; $T1 goes on (paid, its payment kept for 40.00)"
for ((i = 0; i < 100; i++)); do
	curl -s "$SANDBOX/sms/log" | grep "$T1" | grep -q 'le document « copie intégrale » ne peut être délivré. Motif : record not found' && break
	sleep 0.1
done
curl -s "$SANDBOX/sms/log" | grep "$T1" | grep -q 'le document « copie intégrale » ne peut être délivré' ||
	fail "the citizen was not texted which document was refused and why"
curl -s "$SANDBOX/sms/log" | grep "$T1" | grep -q '30,00 DH ont été remboursés\|30.00 DH ont été remboursés' ||
	fail "the citizen was not texted the refund of 30.00"
ok "$T1's citizen texted: the full copy refused (record not found), 30.00 refunded"

[ "$(web_track "$T1" "$S1")" = 200 ] || fail "tracking page after the rejection"
grep -q 'id="line-2" data-doc="full_copy" data-state="rejected"' "$T/track.html" ||
	fail "the tracking page does not show line 2 rejected"
grep -q 'id="line-1" data-doc="extract" data-state="paid"' "$T/track.html" || fail "line 1"
grep -q 'id="line-2-refund" data-state="refunded">30.00' "$T/track.html" ||
	fail "the tracking page lacks line 2's refund"
grep -q 'Refusé : record not found' "$T/track.html" || fail "the reason is not shown"
[ "$(web_id "$T/track.html" refund_amount)" = "30.00 DH" ] || fail "refund box"
[ "$(api /api/v1/track "{\"tracking\":\"$T1\",\"secret\":\"$S1\"}")" = 200 ] || fail "API track"
py 'l = d["lines"]; assert l[0]["state"] == "paid" and l[0]["refund"] is None, l
assert l[1]["state"] == "rejected" and l[1]["reject_reason"] == "record not found", l
assert l[1]["refund"]["amount_centimes"] == 3000 and l[1]["refund"]["state"] == "refunded", l
assert d["refund"]["amount_centimes"] == 3000, d' || fail "API track: $(cat "$T/api.json")"
ok "tracking page and API: line 2 refused (record not found), refunded 30.00; line 1 goes on"

# 4. the extract cannot be had either: X says the order has one document left, x rejects
#    the request, and the rest (40.00) goes back: the card gets 70.00 in all, no more
wq_type a X
wq_screen_wait a "$T1 holds one document: x rejects the request" 5
wq_type a x
wq_screen_wait a "record not found" 5
wq_type a Down Enter
wq_screen_wait a "Reject $T1" 5
wq_type a y
wq_screen_wait a "$T1 rejected" 10
wait_refund_rows "$T1" 2 refunded
calls=$(curl -s "$SANDBOX/sandbox/refunds" | awk -F'\t' -v t="$txn" '$2 == t' | cut -f3 | sort -n | tr '\n' ' ')
[ "$calls" = "3000 4000 " ] || fail "the gateway's refunds of $txn: '$calls' (want 3000 then 4000)"
[ "$(web_sql "SELECT r.state || ' ' || p.status || ' ' || (SELECT group_concat(l.state, ',')
	FROM request_lines l WHERE l.request_id = r.id) FROM requests r JOIN payments p ON
	p.request_id = r.id WHERE r.tracking = '$T1'")" = "rejected refunded rejected,rejected" ] ||
	fail "$T1 not rejected and wholly refunded"
for ((i = 0; i < 100; i++)); do
	curl -s "$SANDBOX/sms/log" | grep "$T1" | grep -q 'Le reste de votre paiement sera remboursé' && break
	sleep 0.1
done
curl -s "$SANDBOX/sms/log" | grep "$T1" | grep -q 'Le reste de votre paiement sera remboursé' ||
	fail "the rejection's SMS does not speak of the rest"
ok "the extract rejected too: $T1 rejected, the rest refunded (3000 + 4000 = the 7000 paid), texted"

wq check --db "$WQ_DB" >"$T/check.out" 2>&1 || { cat "$T/check.out"; fail "watiqa check"; }
ok "watiqa check: $(grep '^money' "$T/check.out")"
