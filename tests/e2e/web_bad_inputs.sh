#!/usr/bin/env bash
# Bad input, one field at a time: each answered with 422, the error next to its field
# in the page's language, the other input kept, and no row written.  Then what the
# server refuses whole: a missing CSRF token, invalid UTF-8, an oversized body, a
# wrong content type; unknown fields are ignored; the JSON API names the field.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

rows() { web_sql "select (select count(*) from requests) || '/' || (select count(*) from request_events)"; }
web_get / >/dev/null
before=$(rows)

# field | bad value | the French error expected next to it
while IFS='|' read -r field value expect; do
	[ -z "$field" ] && continue
	web_get / >/dev/null
	st=$(web_post_order /order/confirm "$field=$value")
	[ "$st" = 422 ] || fail "$field='$value' answered $st"
	got=$(web_id "$T/page.html" "e-$field")
	[ "$got" = "$expect" ] || fail "$field='$value': expected '$expect', got '$got'"
	grep -q 'aria-invalid="true"' "$T/page.html" || fail "$field not marked invalid"
	# the other input is kept
	[ "$field" = city ] || grep -q 'name="city" type="text" required maxlength="60" value="Rabat"' "$T/page.html" ||
		fail "$field: city not kept"
	[ "$(rows)" = "$before" ] || fail "$field='$value' wrote a row"
	ok "$field='$value' -> $got"
done <<'TABLE'
phone|12345|Numéro invalide : 06XXXXXXXX, 07XXXXXXXX ou +indicatif du pays.
phone|0812345678|Numéro invalide : 06XXXXXXXX, 07XXXXXXXX ou +indicatif du pays.
phone||Ce champ est obligatoire.
cin|123456|CIN invalide : 1 ou 2 lettres puis des chiffres (ex. BE123456).
record_number|12a4|Numéro de 1 à 6 chiffres.
record_number|1234567|Numéro de 1 à 6 chiffres.
record_year|1850|Année à 4 chiffres, ni avant la naissance ni dans le futur.
record_year|1985|Année à 4 chiffres, ni avant la naissance ni dans le futur.
record_year|2999|Année à 4 chiffres, ni avant la naissance ni dans le futur.
postal_code|1|Code postal invalide (ex. 10000).
last_name_ar|Alaoui|Lettres arabes uniquement (2 à 60).
first_name_ar|محمد1|Lettres arabes uniquement (2 à 60).
last_name_lat|العلوي|Lettres latines uniquement (2 à 60).
first_name_lat|M0hamed|Lettres latines uniquement (2 à 60).
birth_date|1990-02-30|Date invalide : AAAA-MM-JJ ou JJ/MM/AAAA, pas dans le futur.
birth_date|2990-01-01|Date invalide : AAAA-MM-JJ ou JJ/MM/AAAA, pas dans le futur.
birth_date|17 mai 1990|Date invalide : AAAA-MM-JJ ou JJ/MM/AAAA, pas dans le futur.
email|pas-un-email|Adresse e-mail invalide.
address|abc|Adresse de 5 à 200 caractères.
city|R4bat|Nom de ville invalide.
commune|9999|Choisissez une commune de la liste.
commune|1abc|Choisissez une commune de la liste.
commune|1.9|Choisissez une commune de la liste.
commune|+1|Choisissez une commune de la liste.
commune||Ce champ est obligatoire.
copies|11|De 1 à 10 exemplaires.
copies|0|De 1 à 10 exemplaires.
doc_type|birth_certificate|Choisissez « extrait » ou « copie intégrale ».
TABLE

# the same in Arabic: the message is Arabic, next to the field
web_get '/?lang=ar' >/dev/null
st=$(web_post_order /order/confirm lang=ar phone=12345)
[ "$st" = 422 ] || fail "Arabic bad phone answered $st"
[ "$(web_id "$T/page.html" e-phone)" = "رقم غير صحيح: 06XXXXXXXX أو 07XXXXXXXX أو +رمز البلد." ] ||
	fail "Arabic phone error: $(web_id "$T/page.html" e-phone)"
grep -q 'dir="rtl"' "$T/page.html" || fail "Arabic error page not rtl"
ok "Arabic page: the error is in Arabic"

# unknown fields are ignored; a valid order with extras still reaches the review
web_get / >/dev/null
[ "$(web_post_order /order admin=1 state=paid fee_centimes=1)" = 200 ] || fail "extra fields"
[ "$(web_id "$T/page.html" fee)" = 40.00 ] || fail "extra fields changed the fee"
ok "unknown fields ignored (fee stays 40.00)"

# no CSRF token, or a forged one: refused, nothing written, the form comes back filled
web_get / >/dev/null
[ "$(web_post_order /order/confirm csrf=)" = 403 ] || fail "missing CSRF accepted"
[ "$(web_post_order /order/confirm csrf=1.abc)" = 403 ] || fail "forged CSRF accepted"
grep -q 'value="Alaoui"' "$T/page.html" || fail "CSRF page lost the input"
st=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$(web_token "$T/page.html")" \
	-d lang=fr "$WQ_URL/order/confirm")
[ "$st" = 403 ] || fail "token without its cookie accepted ($st)"
ok "missing, forged or cookieless CSRF token refused with 403"

# invalid UTF-8, oversized body, wrong content type
st=$(curl -s -o "$T/u.html" -w '%{http_code}' -b "$WEB_JAR" --data-binary $'lang=fr&city=Rab%C3%28t' "$WQ_URL/order/confirm")
[ "$st" = 400 ] || fail "invalid UTF-8 answered $st"
grep -q 'UTF-8' "$T/u.html" || fail "invalid UTF-8: no message"
head -c 20000 /dev/zero | tr '\0' a >"$T/big"
st=$(curl -s -o /dev/null -w '%{http_code}' -b "$WEB_JAR" --data-binary @"$T/big" "$WQ_URL/order/confirm")
[ "$st" = 413 ] || fail "20000-byte body answered $st"
st=$(curl -s -o /dev/null -w '%{http_code}' -b "$WEB_JAR" -H 'Transfer-Encoding: chunked' \
	--data-binary @"$T/big" "$WQ_URL/order/confirm")
[ "$st" = 413 ] || fail "chunked 20000-byte body answered $st"
st=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' -d 'x' "$WQ_URL/order")
[ "$st" = 415 ] || fail "text/plain body answered $st"
for ct in application/x-www-form-urlencodedXYZ application/x-www-form-urlencoded2; do
	st=$(curl -s -o /dev/null -w '%{http_code}' -H "Content-Type: $ct" -d 'x' "$WQ_URL/order")
	[ "$st" = 415 ] || fail "Content-Type $ct answered $st"
done
st=$(curl -s -o /dev/null -w '%{http_code}' -b "$WEB_JAR" \
	-H 'Content-Type: application/x-www-form-urlencoded; charset=utf-8' -d 'lang=fr' "$WQ_URL/order")
[ "$st" != 415 ] || fail "a form with its charset answered 415"
ok "invalid UTF-8 (400), body over MAX_BODY_BYTES (413, also chunked), wrong type (415, also a longer name starting with the right one)"

# a commune of the network without any office: the order's own write finds none to
# send it to (order_confirm leaves the commune to it), said next to the field as above
wq commune add RBT-NOOFFICE RABAT rural "Sans bureau" --name-ar "بلا مكتب" --db "$WQ_DB" >/dev/null ||
	fail "commune add"
bare=$(web_sql "select id from communes where code = 'RBT-NOOFFICE'")
before=$(rows)
web_get / >/dev/null
st=$(web_post_order /order/confirm "commune=$bare")
[ "$st" = 422 ] || fail "commune without an office answered $st"
[ "$(web_id "$T/page.html" e-commune)" = "Choisissez une commune de la liste." ] ||
	fail "commune without an office: $(web_id "$T/page.html" e-commune)"
[ "$(rows)" = "$before" ] || fail "commune without an office wrote a row"
ok "commune without an office -> 422 next to the field, nothing written"

# the JSON API names each bad field
curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"lang":"fr","doc_type":"extract","copies":1,"commune":1,"phone":"123"}' \
	"$WQ_URL/api/v1/requests" >"$T/st"
[ "$(cat "$T/st")" = 422 ] || fail "API bad order answered $(cat "$T/st")"
python3 - "$T/api.json" <<'PY' || fail "API errors: $(cat "$T/api.json")"
import json, sys
e = json.load(open(sys.argv[1]))["errors"]
assert e["phone"].startswith("Numéro invalide"), e
assert "record_number" in e and "last_name_ar" in e and "commune" not in e, e
PY
# a commune id with something after its digits is no commune (it was read as 1)
api_order() { # a valid order but for the JSON value of commune given
	echo '{"lang":"fr","doc_type":"extract","copies":1,"commune":'"$1"',"record_number":"987",
		"record_year":"1979","last_name_ar":"الإدريسي","first_name_ar":"ليلى",
		"last_name_lat":"Idrissi","first_name_lat":"Leila","birth_date":"1979-08-02",
		"address":"9 rue Moulay Youssef","postal_code":"10000","city":"Rabat","phone":"0662123456"}'
}
for commune in '"1abc"' '1.9' '1e0'; do
	st=$(curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "$(api_order "$commune")" "$WQ_URL/api/v1/requests")
	[ "$st" = 422 ] || fail "API commune $commune answered $st"
	python3 -c 'import json,sys; e = json.load(open(sys.argv[1]))["errors"]; assert list(e) == ["commune"], e' \
		"$T/api.json" || fail "API commune $commune: $(cat "$T/api.json")"
done
st=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary $'{"city":"\xff"}' "$WQ_URL/api/v1/requests")
[ "$st" = 400 ] || fail "API invalid UTF-8 answered $st"
st=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"city":' "$WQ_URL/api/v1/requests")
[ "$st" = 400 ] || fail "API broken JSON answered $st"
# a bare word is no JSON string: refused whole as broken JSON, not read as "rabat"
for word in rabat tru nulls 1abc +1; do
	st=$(curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "$(api_order 1 | sed "s/\"city\":\"Rabat\"/\"city\":$word/")" "$WQ_URL/api/v1/requests")
	[ "$st" = 400 ] && grep -q '"error":"bad_body"' "$T/api.json" ||
		fail "API with \"city\":$word answered $st: $(cat "$T/api.json")"
done
ok "JSON API: 422 naming each bad field, 400 for bad UTF-8, broken JSON or a bare word"

# the fee's quote reads copies as the order does: no quote for what it refuses
for copies in 2abc 4294967297 -4294967295 1.9 +2 11 0 ''; do
	st=$(curl -s -o "$T/fee.json" -w '%{http_code}' "$WQ_URL/api/v1/fee?doc_type=extract&copies=$copies")
	[ "$st" = 422 ] && grep -q '"errors":{"copies":"De 1 à 10 exemplaires."}' "$T/fee.json" ||
		fail "fee for copies='$copies' answered $st: $(cat "$T/fee.json")"
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$WQ_URL/api/v1/fee?doc_type=extract&copies=10")" = 200 ] ||
	fail "fee for 10 copies refused"
ok "GET /api/v1/fee: copies 2abc, 4294967297, -4294967295, 1.9... refused (422, copies) as the order refuses them"

[ "$(rows)" = "$before" ] || fail "some bad input wrote a row ($before -> $(rows))"
ok "no row written by any bad input ($before requests/events before and after)"

# security headers on every page
curl -s -D "$T/h" -o /dev/null "$WQ_URL/"
for h in "Content-Security-Policy: default-src 'none'" "X-Content-Type-Options: nosniff" \
	"X-Frame-Options: DENY" "Referrer-Policy: no-referrer"; do
	grep -qi "^$h" "$T/h" || fail "missing header $h"
done
ok "security headers present"
