#!/usr/bin/env bash
# web_verify.sh - a produced document is verifiable (issue 13 item 7).  A citizen orders
# an extract for Leila Idrissi and pays; agent1, over SSH, declares it in production:
# the production sheet is written at once and carries the verification code.  Any
# administration then checks the code on /verify (French and Arabic) and through
# /api/v1/verify: extract, RBT-HAS-1, today, "L. I." and valid, and nothing more
# personal; the database holds no code.  Once the request is rejected the same code
# answers "not valid".  A wrong code answers "unknown" and is counted; one source's
# many wrong codes are held back (429) while another source is still answered; every
# lookup is counted per day.  Chromium, its scripts switched off, checks the code too.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"
ui_serve_as agent1 "Agent queue"
source "$(dirname "$0")/web_lib.sh"
T0=$(date +%s) # the document is issued after this

body=$(web_order_leila)
t=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["tracking"])' "$body")
pay=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["payment_url"])' "$body")
web_pay "$pay" 4000000000000002 >/dev/null
wq request move "$t" claimed --as agent1 --db "$WQ_DB" >/dev/null || fail "$t not claimed"
office=$(web_sql "SELECT o.code FROM requests r JOIN offices o ON o.id = r.office_id
	WHERE r.tracking = '$t'")

# 1. agent1 declares production over SSH: the production sheet carries the code
ui_open_as a agent1
wq_screen_wait a "Agent queue" 15
wq_type a Tab
wq_screen_wait a "\[Mine" 5
ui_search a "$t"
wq_type a d
wq_screen_wait a "claimed -> in_production" 5
wq_type a y
wq_screen_wait a "sheet with its verification code written to" 10
sheet=$T/print/sheet-$t.txt
code=$(sed -n 's/^Code de verification \/ verification code: *//p' "$sheet")
[[ $code =~ ^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$ ]] ||
	{ cat "$sheet" >&2; fail "no verification code on the sheet: '$code'"; }
grep -q "/verify" "$sheet" || fail "the sheet does not say where to check"
ok "agent1 declared $t in production over SSH ($VIA); the sheet carries $code"
[ "$(web_sql "SELECT count(*) FROM documents d JOIN requests r ON r.id = d.request_id
	WHERE r.tracking = '$t' AND d.doc_type = 'extract'")" = 1 ] || fail "no document row"
raw=${code//-/}
sqlite3 "$WQ_DB" .dump | grep -q -e "$code" -e "$raw" && fail "the database holds the code"
wq_type a p
wq_screen_wait a "sheet written to" 5
grep -q "verification code: *$code" "$sheet" || fail "a reprint changed the code"
ok "the database holds an HMAC, not the code; a reprint prints the same code"

# 2. the answer page, French and Arabic, valid with the initials only
# the server's day of a lookup (db_document.c), from here on: the story may cross midnight
# (local_day.c: the date in Africa/Casablanca as days since 1970, Ramadan's UTC+0 included)
DAY0=$(( $(date -u -d "$(TZ=Africa/Casablanca date +%F)" +%s) / 86400 ))
verify() { # CODE LANG [FILE]: POST /verify, the page in FILE ($T/verify.html)
	curl -s -o "${3:-$T/verify.html}" -w '%{http_code}' --data-urlencode "code=$1" \
		--data-urlencode "lang=$2" "$WQ_URL/verify"
}
[ "$(web_get /verify)" = 200 ] && grep -q 'action="/verify"' "$T/page.html" || fail "GET /verify"
grep -qi '<script' "$T/page.html" && fail "the form has a script"
lower=$(tr 'A-Z' 'a-z' <<<"$raw")
[ "$(verify "$lower" fr)" = 200 ] || { cat "$T/verify.html"; fail "verify $code"; }
grep -q 'id="verdict" data-valid="valid"' "$T/verify.html" || fail "not valid"
[ "$(web_id "$T/verify.html" initials)" = "L. I." ] || fail "initials $(web_id "$T/verify.html" initials)"
web_id "$T/verify.html" office | grep -q "($office)" || fail "office not shown"
# the document's own day in Morocco: issued during this story, so today, or yesterday
# when the story crossed midnight since (the date taken now would then be a day off)
issued=$(TZ=Africa/Casablanca sqlite3 "$WQ_DB" "SELECT date(d.issued_at, 'unixepoch',
	'localtime') FROM documents d JOIN requests r ON r.id = d.request_id
	WHERE r.tracking = '$t' AND d.issued_at BETWEEN $T0 AND $(date +%s)")
[ -n "$issued" ] && [ "$(web_id "$T/verify.html" issued)" = "$issued" ] ||
	fail "issued $(web_id "$T/verify.html" issued), the document's day '$issued'"
[ "$(web_id "$T/verify.html" doc_type)" = Extrait ] || fail "doc type"
for p in Leila Idrissi ليلى الإدريسي 987 1979 AB123456 Moulay 0662123456 leila "$t"; do
	grep -q "$p" "$T/verify.html" && fail "the answer shows '$p'"
done
grep -qi '<script' "$T/verify.html" && fail "the answer has a script"
size=$(wc -c <"$T/verify.html"); [ "$size" -lt 20480 ] || fail "answer page is $size bytes"
ok "/verify (typed in lower case, no dashes): valid, extract, $office, today, L. I.; nothing more ($size bytes)"
[ "$(verify "$code" ar "$T/verify_ar.html")" = 200 ] || fail "verify in Arabic"
grep -q 'dir="rtl"' "$T/verify_ar.html" && grep -q 'وثيقة أصلية وصالحة' "$T/verify_ar.html" ||
	fail "the Arabic answer"
ok "the Arabic page answers the same"
browsed=0 # lookups made by the browser
if command -v chromium >/dev/null; then
	browsed=2
	python3 "$WQ_ROOT/tests/browser/verify_document.py" "$WQ_URL" "$WQ_ROOT/tests/out/browser" \
		"$code" "L. I." || fail "Chromium on /verify"
	ok "Chromium, scripts off, phone-sized: the form and the answer work in French and Arabic"
else
	echo "note: chromium is not installed: the browser check skipped (make test-deps)"
fi

# 3. the JSON twin
st=$(curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"code\":\"$code\"}" "$WQ_URL/api/v1/verify")
[ "$st" = 200 ] || fail "api: $st $(cat "$T/api.json")"
python3 - "$T/api.json" "$code" "$office" <<'PY' || fail "api answer: $(cat "$T/api.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is True and d["revoked"] is None, d
assert d["code"] == sys.argv[2] and d["doc_type"] == "extract", d
assert d["office"]["code"] == sys.argv[3] and d["initials"] == "L. I.", d
assert set(d) == {"code", "valid", "revoked", "doc_type", "office", "issued_at", "issued_on",
                  "initials", "message"}, sorted(d)
PY
ok "/api/v1/verify answers the same, with no other field"

# 4. malformed and unknown codes; a rejected request's document is not valid
[ "$(verify "ABC" fr)" = 422 ] && grep -q 'id="e-code"' "$T/verify.html" ||
	fail "a malformed code is not refused next to the field"
wrong=$(python3 -c 'import random; a="0123456789ABCDEFGHJKMNPQRSTVWXYZ"
print("-".join("".join(random.choice(a) for _ in range(4)) for _ in range(3)))')
[ "$(verify "$wrong" fr)" = 404 ] && grep -q 'data-valid="unknown"' "$T/verify.html" ||
	fail "a wrong code is not unknown"
[ "$(web_sql "SELECT count FROM anon_failures WHERE action = 'verify.wrong'")" = 1 ] ||
	fail "the wrong code was not counted"
ok "a malformed code is refused at the field (422); a wrong one answers unknown (404), counted"
wq request move "$t" rejected --note "record not found" --as agent1 --db "$WQ_DB" >/dev/null ||
	fail "reject $t"
[ "$(verify "$code" fr)" = 200 ] && grep -q 'data-valid="not_valid"' "$T/verify.html" ||
	fail "a rejected request's document is still valid"
web_id "$T/verify.html" why | grep -qi "rejet" || fail "why: $(web_id "$T/verify.html" why)"
st=$(curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"code\":\"$code\"}" "$WQ_URL/api/v1/verify")
grep -q '"valid":false,"revoked":"rejected"' "$T/api.json" || fail "api: $(cat "$T/api.json")"
ok "once $t is rejected, its document answers not valid (page and API)"

# 5. many wrong codes from one source are held back; another source is still answered
held=''
for i in $(seq 1 40); do
	st=$(verify "$wrong" fr)
	if [ "$st" = 429 ]; then held=$i; break; fi
	[ "$st" = 404 ] || fail "wrong code $i: $st"
done
[ -n "$held" ] || fail "40 wrong codes were never held back"
[ "$(verify "$code" fr)" = 429 ] || fail "a held-back source still got an answer"
st=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 --data-urlencode "code=$code" \
	"http://127.0.0.2:$WQ_HTTP_PORT/verify" || true)
other="another source answered"
if [ "$st" = 000 ]; then
	other="(127.0.0.2 not reachable here: another source not tried)"
else
	[ "$st" = 200 ] || fail "another source is held back too ($st)"
fi
ok "one source held back after $held wrong codes (429) $other"

# 6. every lookup counted per day, one row per outcome: the story's days (one, or two
#    when it crossed midnight) add up to its lookups
lookups=$(wq audit lookups 2 --db "$WQ_DB")
DAY1=$(( $(date -u -d "$(TZ=Africa/Casablanca date +%F)" +%s) / 86400 ))
days=$((DAY1 - DAY0 + 1))
counts=$(web_sql "SELECT group_concat(outcome || '=' || n, ' ') FROM (SELECT outcome,
	sum(count) AS n FROM verify_daily WHERE day >= $DAY0 GROUP BY outcome ORDER BY outcome)")
echo "  counts of the story's $days day(s): $counts"
n_of() { web_sql "SELECT coalesce(sum(count), 0) FROM verify_daily WHERE day >= $DAY0 AND outcome = '$1'"; }
[ "$(n_of valid)" = $((3 + browsed)) ] || fail "valid lookups: $counts"
[ "$(n_of malformed)" = 1 ] || fail "malformed lookups: $counts"
[ "$(n_of unknown)" = "$held" ] || fail "unknown lookups: $counts (held back after $held)"
[ "$(web_sql "SELECT count(*) FROM verify_daily WHERE day < $DAY0 OR day > $DAY1")" = 0 ] ||
	fail "lookups counted outside the story's days: $(web_sql "SELECT * FROM verify_daily")"
[ "$(web_sql "SELECT count(*) FROM audit_log WHERE action LIKE '%verify%'")" = 0 ] ||
	fail "lookups written to the audit log"
ok "lookups counted per day by outcome ($counts), no audit row each"
line=$(tail -n "$days" <<<"$lookups" | awk '{ for (i = 2; i <= NF; i++) n[i] += $i }
	END { printf "%s", $1; for (i = 2; i <= NF; i++) printf " %d", n[i]; print "" }')
read -r _ v nv u m h <<<"$line"
[ "$v $nv $u $m $h" = "$((3 + browsed)) 2 $held 1 2" ] || fail "watiqa audit lookups: $line"
ok "watiqa audit lookups: $line"
