#!/usr/bin/env bash
# crash.sh - the long crash-safety run: like tests/e2e/crash_payment.sh but with
# CRASH_KILLS kill -9 (default 40) at random moments 300..4000 ms after each start, under
# CRASH_CITIZENS concurrent citizens (default 4), a quarter of whom cancel and are
# refunded; prints how much was acknowledged and checks that none of it was lost and
# that no refund was lost or made twice.  Exits non-zero on any loss (a correctness check, not
# a timing).  Run: WATIQA_BIN=build/watiqa bash bench/crash.sh
source "$(dirname "$0")/../tests/e2e/lib.sh"
source "$(dirname "$0")/../tests/e2e/crash_lib.sh"
export WATIQA_HTTP_RATE=1000000
export CRASH_CITIZENS=${CRASH_CITIZENS:-4}
KILLS=${CRASH_KILLS:-40}
start=$(date +%s)
wq_start_server
crash_run "$KILLS" 300 4000
crash_check
echo "crash.sh: $KILLS kills in $(( $(date +%s) - start )) s, $(wc -l <"$T/acks") payments, $(wc -l <"$T/moves") stages and $(wc -l <"$T/cancels") cancellations acknowledged, none lost; $(grep '^refunds:' "$T/verdict")"
