#!/usr/bin/env bash
# Issue 12, holes 6 and 8 (secrets): the secret code is 60 bits written for people
# (K7M4-9QXT-2HPB: no I, L, O, U; read back in any case, with or without the dashes),
# stored as an HMAC under the server key, not a SHA-256 of the code; wrong codes for a
# tracking number are answered 404 five times, then 429 with Retry-After, the right code
# included, whether the number exists or not; a source that tries many numbers is held
# back too; GET /paid shows the codes only to the browser that ordered: anyone else
# gets one page, the same for a paid number, an unpaid one and one that does not exist.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

web_get / >/dev/null
[ "$(web_post_order /order/confirm phone=0622000001)" = 303 ] || fail "order"
pay=$(web_location)
t=$(web_sql "select tracking from requests order by id desc limit 1")
web_pay "$pay" 4000000000000002 >/dev/null
code=$(web_id "$T/paid.html" secret)
[[ $code =~ ^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){2}$ ]] || fail "code '$code'"
stored=$(web_sql "select secret_hash from requests where tracking='$t'")
[ "$stored" = "$(web_secret_hash "$code")" ] || fail "stored '$stored' is not the HMAC under the server key"
sha=$(printf %s "${code//-/}" | sha256sum | cut -d' ' -f1)
[ "$(web_sql "select count(*) from requests where secret_hash like '%$sha%'")" = 0 ] || fail "the unsalted hash is stored"
[ "$(stat -c %a "$(dirname "$WQ_DB")/server.key")" = 600 ] || fail "server.key is not 0600"
ok "code $code: 60 bits, stored as h1:HMAC under state_dir/server.key (0600), no SHA-256 of it"
typed=$(printf %s "${code//-/}" | tr 'A-Z' 'a-z' | sed 's/0/o/g')
[ "$(web_track "$t" "$typed")" = 200 ] || fail "the code typed '$typed' refused"
ok "typed back as '$typed' (lower case, no dashes, any 0 as o): accepted"

# ---- back-off per tracking number ----
wrong=K7M4-9QXT-2HPB
[ "$wrong" = "$code" ] && wrong=K7M4-9QXT-2HPC
for i in 1 2 3 4 5; do
	[ "$(web_track "$t" "$wrong")" = 404 ] || fail "wrong code $i not 404"
done
st=$(curl -s -D "$T/h" -o "$T/track.html" -w '%{http_code}' --data-urlencode "tracking=$t" \
	--data-urlencode "secret=$code" --data-urlencode lang=fr "$WQ_URL/track")
[ "$st" = 429 ] || fail "the right code after 5 wrong answered $st"
# the 2 s delay holds until the 5th wrong code's second plus 2 has fully passed (stamps
# are whole seconds: 2 s at least whatever the fraction the 5th came in), so the 429s
# below come inside it; Retry-After rounds the time left up, 3 s at most, and waiting it
# is enough
ra=$(grep -i '^retry-after:' "$T/h" | tr -dc 0-9)
[ -n "$ra" ] && [ "$ra" -ge 1 ] || fail "no Retry-After"
[ "$ra" -le 3 ] || fail "Retry-After $ra s for a 2 s delay"
grep -q 'id="e-secret"' "$T/track.html" || fail "the 429 says nothing next to the code"
st=$(curl -s -o "$T/api.json" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"tracking\":\"$t\",\"secret\":\"$code\"}" "$WQ_URL/api/v1/track")
[ "$st" = 429 ] && grep -q '"too_many_tries","errors":{"secret"' "$T/api.json" || fail "API: $st $(cat "$T/api.json")"
sleep "$ra"
[ "$(web_track "$t" "$code")" = 200 ] || fail "the right code after the wait"
[ "$(web_sql "select count(*) from secret_tries where tracking='$t'")" = 0 ] || fail "count not cleared"
ok "5 wrong codes: 404; then 429 (Retry-After $ra s) even for the right code, page and API; after it, 200 and the count cleared"
nobody=W1000000008
[ -z "$(web_sql "select 1 from requests where tracking='$nobody'")" ] || fail "$nobody exists"
for i in 1 2 3 4 5; do [ "$(web_track "$nobody" "$wrong")" = 404 ] || fail "nobody $i"; done
[ "$(web_track "$nobody" "$wrong")" = 429 ] || fail "a number that does not exist is not held back alike"
ok "a number that does not exist: the same 404s then 429"

# ---- /paid only for the browser that ordered ----
web_get / >/dev/null
[ "$(web_post_order /order/confirm phone=0622000002)" = 303 ] || fail "second order"
t2=$(web_sql "select tracking from requests order by id desc limit 1")
[ "$(curl -s -b "$WEB_JAR" -o "$T/mine.html" -w '%{http_code}' "$WQ_URL/paid?order=$t2&lang=fr")" = 200 ] || fail "/paid, own browser"
grep -q "id=\"tracking\">$t2<" "$T/mine.html" && grep -q 'id="secret"' "$T/mine.html" ||
	fail "the ordering browser does not see its codes"
for o in "$t" "$t2" "$nobody"; do
	curl -s -o "$T/other-$o.html" -w '%{http_code}\n' "$WQ_URL/paid?order=$o&status=paid&lang=fr" >"$T/st-$o"
	[ "$(cat "$T/st-$o")" = 200 ] || fail "/paid?order=$o from another browser answered $(cat "$T/st-$o")"
	grep -q "$o" "$T/other-$o.html" && fail "/paid?order=$o from another browser names it"
	grep -q 'id="elsewhere"' "$T/other-$o.html" || fail "/paid?order=$o: not the neutral page"
done
cmp -s "$T/other-$t.html" "$T/other-$nobody.html" && cmp -s "$T/other-$t2.html" "$T/other-$nobody.html" ||
	fail "the pages differ between a paid, an unpaid and a nonexistent number"
ok "/paid: the ordering browser sees $t2 and its code; another gets one page for paid, unpaid and nonexistent numbers"

# ---- one source trying many numbers ----
n=0 st=404
while [ "$st" != 429 ] && [ "$n" -lt 60 ]; do
	n=$((n + 1))
	num=$(web_tracking_of "$(printf '2%08d' "$n")")
	st=$(web_track "$num" "$wrong")
done
[ "$st" = 429 ] || fail "60 numbers tried from one source, never held back"
[ "$(web_track "$t" "$code")" = 429 ] || fail "the source is held back for its own number too"
ok "one source, wrong codes on $n different numbers: then 429 for every number from it"
