#!/usr/bin/env bash
# Issue 11, item 6: every route of the table in src/http_route.c, asked with each method
# it does not answer (curl -X), gets 405 with an Allow header listing the methods it
# does and a body saying so (JSON under /api/, a page elsewhere), and nothing changes;
# HEAD answers as GET does wherever GET is taken; docs/api.md describes every /api/ route of the table.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

# "METHOD PATH" of every route, from the table itself
mapfile -t table < <(grep -o '{"\(GET\|POST\)", "/[^"]*"' "$WQ_ROOT/src/http_route.c" |
	sed 's/{"\([A-Z]*\)", "\([^"]*\)"/\1 \2/')
[ "${#table[@]}" -ge 16 ] || fail "only ${#table[@]} routes read from src/http_route.c"
declare -A allow
for r in "${table[@]}"; do
	m=${r%% *} p=${r#* }
	[ "$m" = GET ] && m="GET, HEAD"
	allow[$p]=${allow[$p]:+${allow[$p]}, }$m
done
rows() { web_sql "select (select count(*) from requests) || '/' || (select count(*) from audit_log) || '/' || (select count(*) from complaints)"; }
before=$(rows)
n=0
for p in "${!allow[@]}"; do
	for m in GET POST PUT DELETE PATCH OPTIONS; do
		case ", ${allow[$p]}," in *", $m,"*) continue ;; esac
		st=$(curl -s -X "$m" -D "$T/h" -o "$T/b" -w '%{http_code}' \
			-H 'Content-Type: application/json' --data-binary '{}' "$WQ_URL$p?lang=fr")
		[ "$st" = 405 ] || fail "$m $p answered $st"
		got=$(grep -i '^allow:' "$T/h" | sed 's/^[Aa]llow: //' | tr -d '\r')
		[ "$got" = "${allow[$p]}" ] || fail "$m $p: Allow '$got', expected '${allow[$p]}'"
		grep -q "méthode $m ; elle accepte : ${allow[$p]}" "$T/b" ||
			fail "$m $p: the body does not say so: $(head -c 300 "$T/b")"
		if [ "${p#/api/}" != "$p" ]; then
			grep -q '"error":"method_not_allowed"' "$T/b" || fail "$m $p: not a JSON error"
			grep -qi '^content-type: application/json' "$T/h" || fail "$m $p: not JSON"
		else
			grep -qi '^content-type: text/html' "$T/h" || fail "$m $p: not a page"
		fi
		n=$((n + 1))
	done
	if [ "${allow[$p]#GET}" != "${allow[$p]}" ]; then
		st=$(curl -s -I -o /dev/null -w '%{http_code}' "$WQ_URL$p")
		want=$(curl -s -o /dev/null -w '%{http_code}' "$WQ_URL$p")
		[ "$st" = "$want" ] || fail "HEAD $p answered $st, GET $want"
	fi
done
[ "$(rows)" = "$before" ] || fail "a refused method changed something ($before -> $(rows))"
ok "$n wrong methods on ${#allow[@]} paths: 405, Allow as in the route table, the body says which; nothing written"
st=$(curl -s -X DELETE -D "$T/h" -o "$T/b" -w '%{http_code}' "$WQ_URL/api/v1/track?lang=ar")
[ "$st" = 405 ] && grep -q 'لا يقبل الطريقة DELETE' "$T/b" || fail "the Arabic 405 body: $(cat "$T/b")"
ok "the 405 body in Arabic with lang=ar"
st=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$WQ_URL/no/such/route")
[ "$st" = 404 ] || fail "DELETE on an unknown path answered $st"
ok "an unknown path stays 404 whatever the method"

# the documentation names every API route of the table with its method
for r in "${table[@]}"; do
	case "$r" in *" /api/"*) ;; *) continue ;; esac
	grep -q "^### \`${r%% *} ${r#* }" "$WQ_ROOT/docs/api.md" || fail "docs/api.md does not describe $r"
done
ok "docs/api.md describes every /api/ route of the table"
