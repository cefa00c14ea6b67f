#!/usr/bin/env bash
# Issue 12, holes 9, 10, 11, over real HTTP: the 404 page links only to the site's own
# routes (GET //evil.example/x once rendered href="//evil.example/x?lang=ar"); an
# invisible format character (U+061C, U+200F, U+202E, U+2066...) in any text field of
# the order is refused with 422 naming the field, and nothing is written; `serve`
# refuses to start (exit 2, naming the setting) with the sandbox's gateway secret
# outside --demo, or with plain http to another machine.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

# ---- 9: links from known routes only ----
for path in '//evil.example/x' '//evil.example/x?lang=fr' '///evil.example' \
	'/\evil.example/x' '/%2F%2Fevil.example/x' '/track/..//evil.example' '/nope?a=//evil'; do
	st=$(curl -s -o "$T/404.html" -w '%{http_code}' --path-as-is "$WQ_URL$path")
	[ "$st" = 404 ] || fail "GET $path answered $st"
	if grep -o 'href="[^"]*"' "$T/404.html" | grep -qv 'href="/[^/\\]'; then
		grep -o 'href="[^"]*"' "$T/404.html" >&2
		fail "GET $path: a link that is not a path of the site"
	fi
	grep -q 'evil' "$T/404.html" && fail "GET $path: the page repeats the path"
done
grep -q 'href="/?lang=ar"' "$T/404.html" || fail "the 404's language switch is not the home page"
ok "404 pages link to the site's own routes only (7 paths tried, //evil.example/x among them)"
# a known page keeps its own path and arguments in the switch
web_get '/?province=RABAT' >/dev/null
grep -q 'href="/?lang=ar&amp;province=RABAT"' "$T/page.html" || fail "known route lost its switch"
ok "a known page's language switch keeps its path and arguments"

# ---- 10: format characters refused in every text field ----
rows() { web_sql "select (select count(*) from requests) || '/' || (select count(*) from request_events)"; }
before=$(rows)
declare -A marks=([061C]=$'\u061c' [0600]=$'\u0600' [200E]=$'\u200e' [200F]=$'\u200f'
	[202A]=$'\u202a' [202E]=$'\u202e' [2066]=$'\u2066' [2069]=$'\u2069' [FEFF]=$'\ufeff')
n=0
for field in last_name_ar first_name_ar last_name_lat first_name_lat address city cin \
	postal_code phone email record_number; do
	for m in 061C 202E 2066; do
		v=${WEB_VALID[$field]}
		bad="${v:0:2}${marks[$m]}${v:2}"
		web_get / >/dev/null
		st=$(web_post_order /order/confirm "$field=$bad")
		[ "$st" = 422 ] || fail "$field with U+$m answered $st"
		[ -n "$(web_id "$T/page.html" "e-$field")" ] || fail "$field with U+$m: no error next to it"
		n=$((n + 1))
	done
done
# the attack of the review: U+061C and U+0600 around an Arabic name, every mark
for m in "${!marks[@]}"; do
	for bad in "${marks[$m]}العلوي" "العل${marks[$m]}وي" "العلوي${marks[$m]}"; do
		web_get / >/dev/null
		st=$(web_post_order /order/confirm "last_name_ar=$bad")
		[ "$st" = 422 ] || fail "last_name_ar with U+$m answered $st"
		n=$((n + 1))
	done
done
# the JSON API and the complaint text too
body=$(python3 -c 'import json,sys; print(json.dumps({"doc_type":"extract","copies":"1","commune":"1","record_number":"1234","record_year":"1990","last_name_ar":"\u061cالعلوي","first_name_ar":"محمد","last_name_lat":"Alaoui","first_name_lat":"Mohamed","birth_date":"1990-05-17","address":"12 rue des Fleurs","postal_code":"10080","city":"Rabat","phone":"0612345678"}))')
st=$(curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" "$WQ_URL/api/v1/requests")
[ "$st" = 422 ] || fail "API order with U+061C answered $st"
grep -q '"last_name_ar"' "$T/api.json" || fail "API error does not name last_name_ar: $(cat "$T/api.json")"
[ "$(rows)" = "$before" ] || fail "a refused order wrote rows ($before -> $(rows))"
ok "format characters refused in every text field ($n orders + the API), nothing written"

# ---- 11: what serve refuses to start with ----
serve_exit() { # prints the exit code; stderr in $T/refused.log
	local rc=0
	# timeout, not a watchdog in the background: $(serve_exit) would wait for the
	# watchdog's end of its pipe, 20 s a call
	timeout 20 env "$@" "$WATIQA_BIN" serve --db "$T/other.db" --ssh-port "$(wq_free_port)" \
		--http-port "$(wq_free_port)" >"$T/refused.out" 2>"$T/refused.log" </dev/null || rc=$?
	echo "$rc"
}
rc=$(serve_exit WATIQA_GATEWAY_SECRET=sandbox-secret-change-me)
[ "$rc" = 2 ] || fail "serve without --demo and the sandbox secret exited $rc"
grep -q gateway_secret "$T/refused.log" || fail "the refusal does not name gateway_secret: $(cat "$T/refused.log")"
[ -e "$T/other.db" ] && fail "the refused serve created its database"
ok "serve without --demo and with the default gateway_secret: exit 2, '$(head -c 90 "$T/refused.log")...'"
good=WATIQA_GATEWAY_SECRET=a-real-secret-agreed-with-the-bank
for kv in WATIQA_GATEWAY_URL=http://pay.example.ma WATIQA_SMS_URL=http://sms.example.ma/send \
	WATIQA_POST_URL=http://10.1.2.3/post WATIQA_GATEWAY_BASE_URL=http://gw.example.ma; do
	rc=$(serve_exit -u WATIQA_GATEWAY_URL -u WATIQA_SMS_URL -u WATIQA_POST_URL "$good" "$kv")
	[ "$rc" = 2 ] || fail "serve with $kv exited $rc"
	grep -q 'https://' "$T/refused.log" || fail "$kv: the refusal does not say https: $(cat "$T/refused.log")"
	ok "serve with $kv: exit 2 ($(grep -o '^watiqa serve: [a-z_]*' "$T/refused.log"))"
done
