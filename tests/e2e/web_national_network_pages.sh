#!/usr/bin/env bash
# On the demo network (10 communes) the order form is one page with one commune list.
# On a national one (75 provinces, ~750 communes, one province of 150 communes with
# long names) no page may pass 20 KB, in French or in Arabic: the citizen picks the
# province first (GET step), then a commune of it, the long list in parts; changing
# the province or the part keeps what was typed; an order placed in the big
# province's last part is paid and tracked.  Every size is measured with curl.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"
export WATIQA_BIN
BUDGET=20480
SIZES=$T/sizes

# page_size LABEL FILE: fails past the budget, remembers the size
page_size() {
	local n; n=$(wc -c <"$2")
	[ "$n" -lt "$BUDGET" ] || fail "$1 is $n bytes (budget $BUDGET)"
	printf '%6d  %s\n' "$n" "$1" >>"$SIZES"
}
# options NAME FILE: the values of the <option>s of select NAME, one a line
options() { python3 -c '
import re, sys
s = open(sys.argv[2], encoding="utf-8").read()
m = re.search(r"<select id=\"%s\"[^>]*>(.*?)</select>" % sys.argv[1], s, re.S)
print("\n".join(v for v in re.findall(r"<option value=\"([^\"]*)\"", m.group(1)) if v) if m else "")' "$1" "$2"; }

# ---- the demo network: one page, one list ----
[ "$(web_get /)" = 200 ] || fail "demo order form"
grep -q '<select id="commune"' "$T/page.html" || fail "demo form has no commune list"
grep -q 'id="province-step"' "$T/page.html" && fail "demo form asks for a province"
[ "$(options commune "$T/page.html" | wc -l)" = 10 ] || fail "demo list is not the 10 communes"
page_size "demo order form (fr)" "$T/page.html"
ok "demo network: one commune list of 10 on the order form"

# ---- a national network, through the operator's CLI ----
nprov=75 per=8 big=150
{
	for p in $(seq -w 1 $nprov); do
		echo "province add PRV$p province|Province de Nom-Très-Long-Pour-Tester $p|إقليم الاسم التجريبي الطويل جدا $p"
	done
} | while IFS='|' read -r cmd fr ar; do
	# shellcheck disable=SC2086
	wq $cmd "$fr" --name-ar "$ar" --db "$WQ_DB" >/dev/null || fail "$cmd"
done
{
	for p in $(seq -w 1 $nprov); do
		n=$per; [ "$p" = 01 ] && n=$big
		for c in $(seq -w 1 $n); do
			echo "C$p-$c|PRV$p|Commune rurale d'Aït Sidi Bou Othmane $p-$c|الجماعة القروية آيت سيدي بوعثمان $p-$c"
		done
	done
} | xargs -P 4 -d '\n' -n 1 bash -c 'IFS="|" read -r code prov fr ar <<<"$1"
	"$WATIQA_BIN" commune add "$code" "$prov" rural "$fr" --name-ar "$ar" --db "$WATIQA_DB" >/dev/null' _ ||
	fail "commune add"
ncom=$(web_sql "select count(*) from communes")
[ "$ncom" = $((10 + big + (nprov - 1) * per)) ] || fail "network has $ncom communes"
# an office for the commune the order below picks
pick=$(web_sql "select id from communes where code = 'C01-$big'")
wq office add OFF-C01-$big "C01-$big" intensive "Bureau central $big" --db "$WQ_DB" >/dev/null
ok "national network: $((nprov + 3)) provinces, $ncom communes (province PRV01: $big)"

# every commune of a province, over all the parts of its list (GET, cpage=k)
all_parts() { # LANG PROVINCE -> prints the number of parts; values in $T/all
	local lang=$1 prov=$2 k=0 parts=1
	: >"$T/all"
	while [ $k -lt $parts ]; do
		[ "$(web_get "/?lang=$lang&province=$prov&cpage=$k")" = 200 ] || fail "part $k of $prov"
		page_size "form, $prov part $((k + 1)) ($lang)" "$T/page.html"
		options commune "$T/page.html" >>"$T/all"
		parts=$(grep -o 'name="cpage" value="[0-9]*"' "$T/page.html" | sed 's/.*value="//; s/"//' |
			sort -n | tail -1)
		parts=$(( ${parts:-0} + 1 > k + 1 ? ${parts:-0} + 1 : k + 1 ))
		k=$((k + 1))
	done
	echo "$parts"
}

for lang in fr ar; do
	# step 1: the province, alone on a GET form
	[ "$(web_get "/?lang=$lang")" = 200 ] || fail "$lang: step page"
	grep -q 'id="province-step"' "$T/page.html" || fail "$lang: no province step"
	grep -q '<select id="commune"' "$T/page.html" && fail "$lang: communes before the province"
	[ "$(options province "$T/page.html" | wc -l)" = $((nprov + 3)) ] || fail "$lang: provinces"
	page_size "province step ($lang)" "$T/page.html"
	[ "$(web_get "/?lang=$lang&province=")" = 422 ] || fail "$lang: empty province accepted"
	[ -n "$(web_id "$T/page.html" e-province)" ] || fail "$lang: no error next to the province"
	[ "$(web_get "/?lang=$lang&province=NOWHERE")" = 422 ] || fail "$lang: unknown province"
	want=$([ $lang = fr ] && echo "Choisissez une province ou une préfecture de la liste." ||
		echo "اختر إقليما أو عمالة من اللائحة.")
	[ "$(web_id "$T/page.html" e-province)" = "$want" ] || fail "$lang: province error text"
	page_size "province step, error ($lang)" "$T/page.html"
	ok "$lang: the province comes first; an empty or unknown one is named next to the field"

	# step 2: the form with the communes of one province, the long one in parts
	parts=$(all_parts $lang PRV01)
	[ "$parts" -ge 2 ] || fail "$lang: $big long names fit one part?"
	[ "$(sort -u "$T/all" | wc -l)" = $big ] || fail "$lang: parts miss communes ($(sort -u "$T/all" | wc -l))"
	grep -qx "$pick" "$T/all" || fail "$lang: commune $pick unreachable"
	[ "$(web_get "/?lang=$lang&province=PRV02")" = 200 ] || fail "$lang: small province"
	[ "$(options commune "$T/page.html" | wc -l)" = $per ] || fail "$lang: PRV02 list"
	page_size "form, PRV02 ($lang)" "$T/page.html"
	ok "$lang: PRV01's $big communes in $parts parts, all reachable; PRV02 in one"

	# typed input survives a change of province, a part of the list, a new province
	web_get "/?lang=$lang&province=PRV01" >/dev/null
	st=$(web_post_order /order lang=$lang province=PRV01 commune= step=province)
	[ "$st" = 200 ] || fail "$lang: change of province answered $st"
	grep -q '<select id="province"' "$T/page.html" || fail "$lang: no province list in the form"
	grep -q 'value="PRV01" selected' "$T/page.html" || fail "$lang: current province not selected"
	grep -q 'value="Rabat"' "$T/page.html" && grep -q 'value="Alaoui"' "$T/page.html" ||
		fail "$lang: typed input lost on a change of province"
	grep -q 'class="err"' "$T/page.html" && fail "$lang: errors shown while navigating"
	page_size "form, choosing the province ($lang)" "$T/page.html"
	st=$(web_post_order /order lang=$lang province=PRV03 commune= step=communes)
	[ "$st" = 200 ] && [ "$(options commune "$T/page.html" | wc -l)" = $per ] ||
		fail "$lang: communes of the new province ($st)"
	grep -q 'value="Rabat"' "$T/page.html" || fail "$lang: typed input lost on new province"
	page_size "form, PRV03 after the change ($lang)" "$T/page.html"
	st=$(web_post_order /order lang=$lang province=PRV01 commune= cpage=$((parts - 1)))
	[ "$st" = 200 ] && options commune "$T/page.html" | grep -qx "$pick" ||
		fail "$lang: last part by button ($st)"
	grep -q 'value="Alaoui"' "$T/page.html" || fail "$lang: typed input lost on next part"
	page_size "form, last part by button ($lang)" "$T/page.html"
	ok "$lang: typed input kept across province change, new province, list parts"

	# every field wrong at once: every error next to its field, the page still fits
	st=$(curl -s -b "$WEB_JAR" -c "$WEB_JAR" -o "$T/page.html" -w '%{http_code}' \
		--data-urlencode "lang=$lang" --data-urlencode "csrf=$(web_token "$T/page.html")" \
		--data-urlencode "province=PRV01" "$WQ_URL/order")
	[ "$st" = 422 ] || fail "$lang: empty form answered $st"
	[ "$(grep -c 'class="err"' "$T/page.html")" -ge 12 ] || fail "$lang: errors missing"
	[ -n "$(web_id "$T/page.html" e-commune)" ] || fail "$lang: no error next to the commune"
	page_size "form, every field in error ($lang)" "$T/page.html"
	web_get "/?lang=$lang&province=PRV01" >/dev/null
	st=$(curl -s -b "$WEB_JAR" -c "$WEB_JAR" -o "$T/page.html" -w '%{http_code}' \
		--data-urlencode "lang=$lang" --data-urlencode "csrf=$(web_token "$T/page.html")" \
		"$WQ_URL/order")
	[ "$st" = 422 ] && [ -n "$(web_id "$T/page.html" e-commune)" ] ||
		fail "$lang: no province, no commune: error not next to the province list ($st)"
	page_size "form, every field in error, no province ($lang)" "$T/page.html"
	ok "$lang: every error next to its field, the commune's too"

	# the review page for a commune in the last part
	web_get "/?lang=$lang&province=PRV01&cpage=$((parts - 1))" >/dev/null
	st=$(web_post_order /order lang=$lang commune=$pick)
	[ "$st" = 200 ] && [ -n "$(web_id "$T/page.html" fee)" ] || fail "$lang: review ($st)"
	grep -q "بوعثمان 01-$big\|Othmane 01-$big" "$T/page.html" || fail "$lang: review commune"
	page_size "review ($lang)" "$T/page.html"
	# "edit" goes back to the commune's province, its part, the commune selected
	st=$(web_post_order /order lang=$lang commune=$pick edit=1)
	[ "$st" = 200 ] && grep -q "value=\"$pick\" selected" "$T/page.html" ||
		fail "$lang: edit lost the commune"
	grep -q 'name="province" value="PRV01"' "$T/page.html" || fail "$lang: edit lost the province"
	page_size "form after edit ($lang)" "$T/page.html"
	ok "$lang: review and back, commune $pick kept"
done

# one order through: paid, confirmation and tracking pages measured
web_get "/?lang=fr&province=PRV01" >/dev/null
[ "$(web_post_order /order/confirm commune=$pick)" = 303 ] || fail "confirm"
final=$(web_pay "$(web_location)" 4000000000000002)
case $final in "$WQ_URL/paid?"*) ;; *) fail "gateway did not return: $final" ;; esac
page_size "confirmation (fr)" "$T/paid.html"
tracking=$(web_id "$T/paid.html" tracking) secret=$(web_id "$T/paid.html" secret)
[ "$(web_sql "select o.code from requests r join offices o on o.id = r.office_id
	where r.tracking = '$tracking'")" = "OFF-C01-$big" ] || fail "order not at the commune's office"
for lang in fr ar; do
	[ "$(web_track "$tracking" "$secret" $lang)" = 200 ] || fail "tracking ($lang)"
	page_size "tracking ($lang)" "$T/track.html"
	[ "$(web_get "/track?lang=$lang")" = 200 ] || fail "track form ($lang)"
	page_size "tracking form ($lang)" "$T/page.html"
done
ok "order in the last part of PRV01 paid ($tracking), at its commune's office"

# the JSON API by province
curl -s "$WQ_URL/api/v1/provinces" >"$T/p.json"
curl -s "$WQ_URL/api/v1/communes?province=PRV01" >"$T/c.json"
st=$(curl -s -o "$T/x.json" -w '%{http_code}' "$WQ_URL/api/v1/communes?province=NOWHERE&lang=ar")
python3 - "$T/p.json" "$T/c.json" "$T/x.json" $((nprov + 3)) $big <<'PY' || fail "API by province"
import json, sys
p, c, x = (json.load(open(f)) for f in sys.argv[1:4])
assert len(p["provinces"]) == int(sys.argv[4]), len(p["provinces"])
assert len(c["communes"]) == int(sys.argv[5]) and {r["province"] for r in c["communes"]} == {"PRV01"}
assert x["errors"]["province"] == "اختر إقليما أو عمالة من اللائحة.", x
PY
[ "$st" = 404 ] || fail "API unknown province answered $st"
ok "API: /api/v1/provinces, /api/v1/communes?province=CODE ($big), unknown province 404"

grep -q 'over the .*-byte budget' "$T/serve.log" && fail "server drew a page past the budget"
sort -rn "$SIZES" | head -5 | sed 's/^/    /'
ok "$(wc -l <"$SIZES") pages measured, largest $(sort -rn "$SIZES" | head -1 | awk '{print $1}') bytes, all under $BUDGET"
