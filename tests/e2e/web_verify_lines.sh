#!/usr/bin/env bash
# web_verify_lines.sh - one verification code per produced document (issue 13 items 4
# and 7): an order of an extract and a full copy, paid, is declared in production by
# agent1 over SSH; the production sheet lists both documents and carries one code for
# each; /api/v1/verify answers each with its own document type, valid.  agent1 then
# rejects the full copy alone (X): its code answers "not valid" (rejected), the
# extract's stays valid (another document's refund does not revoke it).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"
ui_serve_as agent1 "Agent queue"
source "$(dirname "$0")/web_lib.sh"

body=$(curl -s -H 'Content-Type: application/json' -d '{"lang":"fr",
	"lines":[{"doc_type":"extract","copies":2},{"doc_type":"full_copy","copies":1}],
	"commune":1,"record_number":"987","record_year":"1979","last_name_ar":"الإدريسي",
	"first_name_ar":"ليلى","last_name_lat":"Idrissi","first_name_lat":"Leila",
	"birth_date":"1979-08-02","address":"9 rue Moulay Youssef","postal_code":"10000",
	"city":"Rabat","phone":"0662123457"}' "$WQ_URL/api/v1/requests")
t=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["tracking"])' "$body")
pay=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["payment_url"])' "$body")
web_pay "$pay" 4000000000000002 >/dev/null
wq request move "$t" claimed --as agent1 --db "$WQ_DB" >/dev/null || fail "$t not claimed"

ui_open_as a agent1
wq_screen_wait a "Agent queue" 15
wq_type a Tab
wq_screen_wait a "\[Mine" 5
ui_search a "$t"
wq_screen a | grep -q "^>.$t.*2 docs" || fail "Mine does not show 2 docs"
wq_type a d
wq_screen_wait a "claimed -> in_production" 5
wq_type a y
wq_screen_wait a "sheet with its verification code written to" 10
sheet=$T/print/sheet-$t.txt
c1=$(sed -n 's/^  extract *x2  *\([0-9A-Z-]*\)$/\1/p' "$sheet")
c2=$(sed -n 's/^  full copy *x1  *\([0-9A-Z-]*\)$/\1/p' "$sheet")
[[ $c1 =~ ^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$ && $c2 =~ ^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$ &&
	$c1 != "$c2" ]] || { cat "$sheet" >&2; fail "not one code per document: '$c1' '$c2'"; }
grep -q "1. extract x2, fee 40" "$sheet" && grep -q "2. full copy x1, fee 30" "$sheet" ||
	{ cat "$sheet" >&2; fail "the sheet does not list the documents"; }
[ "$(web_sql "SELECT group_concat(d.doc_type, ',') FROM documents d JOIN requests r ON
	r.id = d.request_id WHERE r.tracking = '$t' ORDER BY d.id")" = "extract,full_copy" ] ||
	fail "not one document row per line"
ok "the production sheet lists both documents, each with its own code ($c1, $c2)"

check() { # CODE -> "doc_type valid"
	curl -s -H 'Content-Type: application/json' -d "{\"code\":\"$1\"}" "$WQ_URL/api/v1/verify" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["doc_type"], d["valid"])'
}
[ "$(check "$c1")" = "extract True" ] && [ "$(check "$c2")" = "full_copy True" ] ||
	fail "verify: $(check "$c1") / $(check "$c2")"
ok "/api/v1/verify: each code names its own document, both valid"

wq_type a X
wq_screen_wait a "Reject which document" 5
wq_type a -l "full"
wq_type a Enter
wq_screen_wait a "record not found" 5
wq_type a Enter
wq_screen_wait a "Reject document 2" 5
wq_type a y
wq_screen_wait a "$t: document 2 rejected" 10
[ "$(check "$c2")" = "full_copy False" ] || fail "the rejected document's code: $(check "$c2")"
[ "$(check "$c1")" = "extract True" ] || fail "the extract's code after the other's refund: $(check "$c1")"
ok "the full copy rejected: its code answers not valid, the extract's stays valid"
