#!/usr/bin/env bash
# web_abroad.sh - Moroccans abroad (issue 13 item 5).  The order form offers the
# delivery country (every ISO 3166 country, Morocco first and chosen); a citizen in
# Paris orders with a French address and her French mobile in its national form: the
# review adds the registered mail of zone 1 to the fee, the phone is kept in E.164.
# Postal codes and phone numbers are checked by the country's pattern, every refusal
# next to its field saying what is expected (with the country's example); other
# countries (United States, United Kingdom, Emirates without postal codes, China
# without a national pattern) through the JSON API; the fee API prices by country.
# The post's clerk sees the country on the desk over SSH and the label carries it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"
ui_serve_as post1 "Post desk"
source "$(dirname "$0")/web_lib.sh"
fees() { awk -F' *= *' -v k="$1" '$1 == k { print $2 }' "$WQ_ROOT/etc/fees.conf"; }
cents() { python3 -c 'import sys; print(round(float(sys.argv[1]) * 100))' "$1"; }

# 1. the form: the country list, Morocco first and chosen, then the diaspora's
# countries; every other country in further parts of the list (buttons, no script)
for lang in fr ar; do
	: >"$T/codes"
	k=0 parts=1
	while [ $k -lt $parts ]; do
		[ "$(web_get "/?lang=$lang&kpage=$k")" = 200 ] || fail "GET / part $k ($lang)"
		size=$(wc -c <"$T/page.html")
		[ "$size" -lt 20480 ] || fail "the order form ($lang, countries part $k) is $size bytes"
		parts=$(python3 - "$T/page.html" "$lang" "$k" "$T/codes" <<'PY' || fail "the country list ($lang, part $k)"
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
lang, k = sys.argv[2], int(sys.argv[3])
m = re.search(r'<select id="country" name="country"[^>]*>(.*?)</select>', s)
assert m, "no country list"
opts = re.findall(r'<option value="?([A-Z]{2})"?( selected)?>([^<]*)', m.group(1))
assert [o[0] for o in opts if o[1]] == ["MA"], "Morocco is not the one chosen"
assert opts[0][0] == "MA", opts[0]
names = [o[2] for o in opts[1:]]
if k == 0:
    want = {"fr": "France", "ar": "فرنسا"}[lang]
    assert want in names, want
    assert {"FR", "ES", "IT", "BE", "NL", "DE", "GB", "US", "CA", "AE", "SA"} <= {o[0] for o in opts}
    assert re.search(r'name="kpage" value="1" id="more-kpage"', s), "no way to other countries"
else:
    opts = opts[1:]  # Morocco, the chosen one, rides along
names = [o[2] for o in opts if o[0] != "MA"]
assert names == sorted(names), "not in the order of their names"
open(sys.argv[4], "a").write("".join(o[0] + "\n" for o in opts))
p = re.search(r'(?:partie|الجزء) 1 (?:sur|من) (\d+)', s) if k == 0 else None
print(p.group(1) if p else sys.argv[5] if len(sys.argv) > 5 else 0)
PY
)
		[ $k = 0 ] && total=$parts
		parts=$total
		echo "  order form ($lang), countries part $((k + 1))/$parts: $size bytes"
		k=$((k + 1))
	done
	[ "$(sort -u "$T/codes" | wc -l)" = 248 ] || fail "$lang: $(sort -u "$T/codes" | wc -l) countries reachable"
	grep -qx EH "$T/codes" && fail "Western Sahara listed as a foreign country"
done
ok "the form offers Morocco first and chosen, the diaspora's countries, then all 248 over $total parts (fr, ar), each page under 20 KB"

# another part of the list from the filled form keeps what was typed, checks nothing
web_get / >/dev/null
st=$(web_post_order /order kpage=2 country=JP postal_code= city=Tokyo)
[ "$st" = 200 ] && grep -q 'value="Tokyo"' "$T/page.html" && ! grep -q 'class="err"' "$T/page.html" &&
	grep -q '<option value=JP selected>' "$T/page.html" || fail "kpage from the form ($st)"
ok "a part of the countries' list from the filled form: input kept, Japan still chosen, no error"

# 2. Paris: French address, French mobile in national form
web_get / >/dev/null
st=$(web_post_order /order country=FR "address=12 rue de la Roquette" postal_code=75011 \
	city=Paris "phone=06 12 34 56 78" copies=1 last_name_lat=Benali first_name_lat=Samira)
[ "$st" = 200 ] || { web_id "$T/page.html" e-phone; fail "review for Paris: $st"; }
want=$(( $(cents "$(fees extract.first)") + $(cents "$(fees post.zone1)") ))
[ "$(web_id "$T/page.html" fee | tr -d ' ')" = "$(python3 -c "print('%.2f' % ($want / 100))")" ] ||
	fail "fee $(web_id "$T/page.html" fee), want $want centimes"
[ "$(web_id "$T/page.html" postage)" = "$(fees post.zone1)" ] || fail "postage not shown"
grep -q "75011 Paris, France" "$T/page.html" || fail "the review does not show the country"
st=$(web_post_order /order/confirm country=FR "address=12 rue de la Roquette" postal_code=75011 \
	city=Paris "phone=06 12 34 56 78" copies=1 last_name_lat=Benali first_name_lat=Samira)
[ "$st" = 303 ] || fail "confirm for Paris: $st"
web_pay "$(web_location)" 4000000000000002 >/dev/null
read -r tFR country phone pc fee < <(web_sql -separator ' ' "SELECT tracking, country, phone,
	postal_code, fee_centimes FROM requests WHERE last_name_lat = 'Benali'")
[ "$country $phone $pc $fee" = "FR +33612345678 75011 $want" ] ||
	fail "stored: $country $phone $pc $fee"
[ "$(web_sql "SELECT state FROM requests WHERE tracking = '$tFR'")" = paid ] || fail "$tFR not paid"
ok "Paris ($tFR): fee with the zone 1 registered mail ($want centimes), phone kept as +33612345678"

# 3. refusals, each next to its field, saying what is expected
while IFS='|' read -r pairs field expect; do
	[ -z "$pairs" ] && continue
	web_get / >/dev/null
	read -ra kv <<<"$pairs"
	st=$(web_post_order /order/confirm "${kv[@]}")
	got=$(web_id "$T/page.html" "e-$field")
	[ "$st" = 422 ] && [ "$got" = "$expect" ] || fail "$pairs: $st, '$got' (want '$expect')"
	grep -q "id=\"$field\"[^>]*aria-invalid=\"true\"" "$T/page.html" || fail "$field not marked"
	ok "$pairs -> $field: $got"
done <<'TABLE'
country=FR postal_code=7501|postal_code|Code postal invalide pour ce pays (ex. 75011).
country=GB postal_code=75011|postal_code|Code postal invalide pour ce pays (ex. SW1A 1AA).
country=FR phone=12345|phone|Numéro invalide : un numéro de ce pays (ex. 06 12 34 56 78) ou +indicatif du pays et le numéro.
country=US postal_code=10001 phone=1234567890|phone|Numéro invalide : un numéro de ce pays (ex. 212 555 0123) ou +indicatif du pays et le numéro.
country=FR postal_code=75011 phone=+33123|phone|Numéro invalide : +indicatif du pays puis le numéro, 8 à 15 chiffres (ex. +44 7400 123456).
country=CN postal_code=100000 phone=13800000000|phone|Numéro invalide : +indicatif du pays puis le numéro, 8 à 15 chiffres (ex. +44 7400 123456).
country=ZZ|country|Choisissez un pays de la liste.
country=MA postal_code=75011A|postal_code|Code postal invalide (ex. 10000).
TABLE
[ -z "$(web_sql "SELECT tracking FROM requests WHERE country <> 'FR' AND country <> 'MA'")" ] ||
	fail "a refused order was written"

# 4. the JSON API: other countries, in Arabic errors too
api() { curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "$1" "$WQ_URL/api/v1/requests"; }
base='"doc_type":"extract","copies":1,"commune":1,"record_number":"55","record_year":"1985",
	"last_name_ar":"العلوي","first_name_ar":"أمين","first_name_lat":"Amine",
	"birth_date":"1985-01-02","address":"1 Main Street"'
while IFS='|' read -r cc last pc city ph want_pc want_ph; do
	[ -z "$cc" ] && continue
	st=$(api "{$base,\"lang\":\"fr\",\"country\":\"$cc\",\"last_name_lat\":\"$last\",
		\"postal_code\":\"$pc\",\"city\":\"$city\",\"phone\":\"$ph\"}")
	[ "$st" = 201 ] || fail "$cc: $st $(cat "$T/api.json")"
	got=$(web_sql "SELECT postal_code || '|' || phone || '|' || country FROM requests
		WHERE last_name_lat = '$last'")
	[ "$got" = "$want_pc|$want_ph|$cc" ] || fail "$cc stored $got"
	ok "$cc through the API: '$pc' '$ph' stored as '$want_pc' '$want_ph'"
done <<'TABLE'
US|Carter|10001-1234|New York|(212) 555-0123|10001-1234|+12125550123
GB|Smith|sw1a 1aa|London|07400 123456|SW1A 1AA|+447400123456
AE|Haddad||Dubai|+971 50 123 4567||+971501234567
CN|Wang|100000|Beijing|+86 138 0000 0000|100000|+8613800000000
BE|Peeters|1000|Bruxelles|0032 470 12 34 56|1000|+32470123456
MA|Bouzoubaa|10000|Rabat|0612345678|10000|0612345678
TABLE
st=$(api "{$base,\"lang\":\"ar\",\"country\":\"NL\",\"last_name_lat\":\"Visser\",
	\"postal_code\":\"75011\",\"city\":\"Amsterdam\",\"phone\":\"0612345678\"}")
[ "$st" = 422 ] && grep -q '"postal_code":"رمز بريدي غير صحيح لهذا البلد (مثال 1012 AB)."' "$T/api.json" ||
	fail "NL postal code: $st $(cat "$T/api.json")"
ok "NL with a French postal code refused through the API, in Arabic, with the Dutch example"
for q in "country=US|$(( $(cents "$(fees extract.first)") + $(cents "$(fees post.zone3)") ))|3" \
	"country=SN|$(( $(cents "$(fees extract.first)") + $(cents "$(fees post.zone2)") ))|2" \
	"|$(cents "$(fees extract.first)")|0"; do
	IFS='|' read -r arg want zone <<<"$q"
	curl -s "$WQ_URL/api/v1/fee?doc_type=extract&copies=1&$arg" >"$T/fee.json"
	grep -q "\"fee_centimes\":$want,.*\"zone\":$zone," "$T/fee.json" || fail "fee $arg: $(cat "$T/fee.json")"
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$WQ_URL/api/v1/fee?country=XX")" = 422 ] ||
	fail "fee for country XX"
ok "/api/v1/fee prices by the country's zone (US zone 3, SN zone 2, Morocco none); XX refused"

# 5. the post: the country on the desk and on the label
for st in claimed:agent1 in_production:agent1 awaiting_signature:agent1 signed:officer1 \
	ready:agent1; do
	wq request move "$tFR" "${st%%:*}" --as "${st#*:}" --db "$WQ_DB" >/dev/null ||
		fail "$tFR -> $st"
done
ui_open_as p post1
wq_screen_wait p "Post desk" 15
ui_search p "$tFR"
wq_screen p | grep -q "$tFR.*Benali Samira, Paris (FR)" || { wq_screen p; fail "no country on the desk"; }
wq_type p l
wq_screen_wait p "label written to" 5
label=$T/print/label-$tFR.txt
grep -q "^ *75011 Paris$" "$label" && grep -q "^ *FRANCE  (FR)$" "$label" &&
	grep -q "tel. +33612345678" "$label" || { cat "$label"; fail "the label lacks the country"; }
ok "post1 sees 'Paris (FR)' on the desk; the label ends with FRANCE (FR) and the E.164 phone"
code=$(python3 -c '
w=[8,6,4,2,3,5,9,7]; s="27182818"; c=11-sum(int(a)*b for a,b in zip(s,w))%11
c={10:0,11:5}.get(c,c); print("RR%s%dMA"%(s,c))')
wq_type p p
wq_screen_wait p "Pickup of $tFR" 5
wq_type p -l "$code"
wq_type p Enter
wq_screen_wait p "$tFR picked up" 5
wq_type p 2
wq_screen_wait p "\[With post" 5
ui_search p "$tFR"
wq_type p D
wq_screen_wait p "envelopes today, list written to" 5
grep -h "$tFR" "$T"/print/dispatch-*.txt | grep -q "Benali Samira *FR Paris" ||
	{ cat "$T"/print/dispatch-*.txt; fail "the dispatch list does not say FR"; }
ok "handed to the post as $code; the day's dispatch list says 'FR Paris'"

# 6. Chromium orders from Madrid through the form (when it is installed)
if command -v chromium >/dev/null; then
	tES=$(python3 "$WQ_ROOT/tests/browser/abroad_order.py" "$WQ_URL" "$WQ_ROOT/tests/out/browser" |
		tail -1) || fail "Chromium from Madrid"
	want=$(( $(cents "$(fees full_copy.first)") + $(cents "$(fees post.zone1)") ))
	got=$(web_sql "SELECT country || ' ' || phone || ' ' || postal_code || ' ' || fee_centimes
		|| ' ' || state FROM requests WHERE tracking = '$tES'")
	[ "$got" = "ES +34612345678 28014 $want paid" ] || fail "Madrid's order: $got"
	ok "Chromium picked Spain, typed 612 34 56 78: $tES paid $want centimes, phone +34612345678"
else
	echo "note: chromium is not installed: the browser order skipped (make test-deps)"
fi
