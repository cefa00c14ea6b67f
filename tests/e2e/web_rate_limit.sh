#!/usr/bin/env bash
# One address sending more than http_rate_per_minute requests gets 429 with
# Retry-After, in its language; the limit is per address.
source "$(dirname "$0")/lib.sh"
export WATIQA_HTTP_RATE=20
wq_start_server
wq_same_minute 15 # the 30 requests (~1 s) in one window
n429=0
for i in $(seq 30); do
	st=$(curl -s -o "$T/r.html" -D "$T/h" -w '%{http_code}' "$WQ_URL/track?lang=ar")
	[ "$st" = 429 ] && n429=$((n429 + 1))
done
[ "$n429" -ge 9 ] && [ "$n429" -le 11 ] || fail "expected ~10 refusals of 30 at 20/min, got $n429"
grep -qi '^Retry-After: 60' "$T/h" || fail "no Retry-After"
grep -q 'طلبات كثيرة' "$T/r.html" || fail "429 page not in Arabic"
ok "rate limit: $n429 of 30 requests refused with 429 at 20/minute"
