# web_lib.sh - shared by the web_*.sh stories: a citizen with curl and a cookie jar.
# Source after lib.sh and wq_start_server.
WEB_JAR=$T/jar

# A field of the order form that passes every check; web_form_args overrides some.
declare -A WEB_VALID=(
	[lang]=fr [doc_type]=extract [copies]=2 [commune]=1 [record_number]=1234
	[record_year]=1990 [last_name_ar]=العلوي [first_name_ar]=محمد
	[last_name_lat]=Alaoui [first_name_lat]=Mohamed [birth_date]=1990-05-17
	[cin]=BE123456 [address]="12 rue des Fleurs, Agdal" [postal_code]=10080 [city]=Rabat
	[phone]="06 12 34 56 78" [email]=m.alaoui@example.ma
)

# The CSRF token of the last page fetched into FILE.
web_token() { grep -o 'name="csrf" value="[^"]*' "$1" | head -1 | sed 's/.*value="//'; }

# GET PATH into $T/page.html (cookie jar kept); prints the HTTP status.
web_get() {
	curl -s -b "$WEB_JAR" -c "$WEB_JAR" -o "$T/page.html" -w '%{http_code}' "$WQ_URL$1"
}

# POST PATH [key=value ...]: the valid order overridden by the pairs (key= removes
# the field), plus the CSRF token of $T/page.html; response in $T/page.html, headers
# in $T/headers; prints the HTTP status.
web_post_order() {
	local path=$1; shift
	declare -A f
	local k
	for k in "${!WEB_VALID[@]}"; do f[$k]=${WEB_VALID[$k]}; done
	f[csrf]=$(web_token "$T/page.html")
	local kv
	for kv in "$@"; do
		k=${kv%%=*}
		if [ "$kv" = "$k=" ]; then unset "f[$k]"; else f[$k]=${kv#*=}; fi
	done
	local args=()
	for k in "${!f[@]}"; do args+=(--data-urlencode "$k=${f[$k]}"); done
	curl -s -b "$WEB_JAR" -c "$WEB_JAR" -D "$T/headers" -o "$T/page.html.new" \
		-w '%{http_code}' "${args[@]}" "$WQ_URL$path"
	mv "$T/page.html.new" "$T/page.html"
}

# The Location header of the last web_post_order.
web_location() { grep -i '^location:' "$T/headers" | sed 's/^[Ll]ocation: //' | tr -d '\r'; }

# Pays at the sandbox with CARD from the gateway URL in $1; the final page (after
# redirects) in $T/paid.html; prints the final URL.
web_pay() {
	local url=$1 card=$2
	curl -s -o "$T/gateway.html" "$url"
	python3 - "$T/gateway.html" "$card" >"$T/payform" <<'PY'
import html, re, sys, urllib.parse
s = open(sys.argv[1], encoding="utf-8").read()
f = {k: html.unescape(v) for k, v in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', s)}
f["card"] = sys.argv[2]
print(urllib.parse.urlencode(f), end="")
PY
	curl -s -b "$WEB_JAR" -c "$WEB_JAR" -L -o "$T/paid.html" -w '%{url_effective}' \
		-d @"$T/payform" "${url%%/pay\?*}/pay"
}

# Text of the element with id ID in FILE.
web_id() { python3 -c '
import html, re, sys
s = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"id=\"%s\"[^>]*>([^<]*)" % re.escape(sys.argv[2]), s)
print(html.unescape(m.group(1)) if m else "")' "$1" "$2"; }

# POST /track with a tracking number and secret code; page in $T/track.html.
web_track() {
	curl -s -b "$WEB_JAR" -c "$WEB_JAR" -o "$T/track.html" -w '%{http_code}' \
		--data-urlencode "lang=${3:-fr}" --data-urlencode "tracking=$1" \
		--data-urlencode "secret=$2" "$WQ_URL/track"
}

web_sql() { sqlite3 -cmd ".timeout 5000" "$WQ_DB" "$@"; }
# The money state of a request's refund ("" when it owes none).
refund_state() { web_sql "SELECT f.state FROM refunds f JOIN requests r ON r.id = f.request_id
	WHERE r.tracking = '$1'"; }
# wait_refund TRACKING STATE [SECONDS]: until the refund is in STATE (the notifier sends
# refunds on its own time), or fail.
wait_refund() {
	local i secs
	secs=$(wq_wait_secs "${3:-20}")
	for ((i = 0; i < secs * 10; i++)); do
		[ "$(refund_state "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	fail "refund of $1 is '$(refund_state "$1")', never $2"
}
SANDBOX=http://127.0.0.1:$WQ_SANDBOX_PORT

# The secret_hash the server stores for CODE: HMAC-SHA256 under its server key (the
# state directory, beside the database), of the code as it is canonically typed.
web_secret_hash() {
	python3 - "$(dirname "$WQ_DB")/server.key" "$1" <<'PY'
import hmac, hashlib, sys
key = open(sys.argv[1], "rb").read()
code = sys.argv[2].replace("-", "").replace(" ", "").upper()
code = code.replace("O", "0").replace("I", "1").replace("L", "1")
print("h1:" + hmac.new(key, code.encode(), hashlib.sha256).hexdigest())
PY
}

# A tracking number of the right shape for DIGITS (9 digits): W, the digits, the Luhn
# digit, as wq_tracking_new() makes them (whether such a request exists or not).
web_tracking_of() {
	python3 -c 'import sys
d = sys.argv[1]; s = 0
for i, ch in enumerate(reversed(d)):
    x = int(ch) * (2 if i % 2 == 0 else 1)
    s += x - 9 if x > 9 else x
print("W%s%d" % (d, (10 - s % 10) % 10))' "$1"
}

# The JSON answer to one extract for Leila Idrissi (commune 1, CIN AB123456) ordered
# through the API (French).
web_order_leila() {
	curl -s -H 'Content-Type: application/json' -d '{"lang":"fr",
		"doc_type":"extract","copies":1,"commune":1,"record_number":"987",
		"record_year":"1979","last_name_ar":"الإدريسي","first_name_ar":"ليلى",
		"last_name_lat":"Idrissi","first_name_lat":"Leila","birth_date":"1979-08-02",
		"cin":"AB123456","address":"9 rue Moulay Youssef","postal_code":"10000",
		"city":"Rabat","phone":"0662123456","email":"leila@example.ma"}' "$WQ_URL/api/v1/requests"
}

# web_returned_order NAME: one extract ordered through the API, paid with the good card,
# brought by agent1 to the post (its registered-mail code in ${NAME}_C) and returned by
# post1 (refused); sets ${NAME}_T, ${NAME}_S.
web_returned_order() {
	local name=$1 body t s pay code
	body=$(web_order_leila)
	t=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["tracking"])' "$body")
	s=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["secret"])' "$body")
	pay=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["payment_url"])' "$body")
	web_pay "$pay" 4000000000000002 >/dev/null
	for st in claimed:agent1 in_production:agent1 awaiting_signature:agent1 signed:officer1 \
		ready:agent1; do
		wq request move "$t" "${st%%:*}" --as "${st#*:}" --db "$WQ_DB" >/dev/null ||
			fail "$t -> $st"
	done
	code=$(python3 -c 'import sys
n = "%08d" % (int(sys.argv[1][1:9]) % 10**8)
w = [8, 6, 4, 2, 3, 5, 9, 7]
c = 11 - sum(int(d) * k for d, k in zip(n, w)) % 11
print("RR%s%dMA" % (n, 0 if c == 10 else 5 if c == 11 else c))' "$t")
	wq request move "$t" with_post --note "$code" --as agent1 --db "$WQ_DB" >/dev/null ||
		fail "$t to the post with $code"
	wq request move "$t" returned --note "refused by the addressee" --as post1 --db "$WQ_DB" \
		>/dev/null || fail "$t returned"
	printf -v "${name}_T" %s "$t"
	printf -v "${name}_S" %s "$s"
	printf -v "${name}_C" %s "$code"
}
