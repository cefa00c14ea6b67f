#!/usr/bin/env bash
# A real headless Chromium orders an extract and a full copy in one order, in French
# (2 + 1 copies: 70.00) and in Arabic (1 + 3: 90.00) on a phone-sized screen, the review
# page listing both lines and the sum, pays at the sandbox and finds both documents on
# the tracking page (tests/browser/order_lines.py).  The database holds one payment per
# order and its two lines.  Screenshots: tests/out/browser/.
source "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null || fail "chromium is not installed (make test-deps)"
wq_start_server
out=$WQ_ROOT/tests/out/browser
python3 "$WQ_ROOT/tests/browser/order_lines.py" "$WQ_URL" "$out" >"$T/story" ||
	{ cat "$T/story"; fail "browser story"; }
grep '^ok' "$T/story" || true
while read -r _ lang t total; do
	got=$(sqlite3 "$WQ_DB" "select r.fee_centimes || ' ' || (select count(*) from payments p
		where p.request_id = r.id and p.status = 'confirmed') || ' ' || (select
		group_concat(l.doc_type || 'x' || l.copies, ',') from request_lines l where
		l.request_id = r.id) from requests r where r.tracking = '$t'")
	case $lang in
	fr) want="7000 1 extractx2,full_copyx1" ;;
	ar) want="9000 1 extractx1,full_copyx3" ;;
	esac
	[ "$got" = "$want" ] || fail "$lang order $t: $got, not $want"
	ok "$lang: $t paid $total once, its two lines stored"
done < <(grep '^order ' "$T/story")
[ "$(grep -c '^order ' "$T/story")" = 2 ] || fail "two orders expected"
