#!/usr/bin/env bash
# Citizens order and pay through the web API (one in three orders an extract and a full
# copy at once; one in four cancels at once, so refunds, a two-document order's one per
# document, are on their way to the gateway) while an agent declares stages; the server
# is killed with kill -9 at 5 random moments and started again each time.  Afterwards
# every payment, stage and cancellation the clients saw acknowledged is in the database,
# every refund owed was made by the gateway exactly once (none lost in flight, none
# doubled by a retry after the crash, a payment's line refunds adding up to it), each
# citizen told of the refund once, no history is half-written, `watiqa check` (the money
# balanced to the centime) and `watiqa audit verify` pass.  ~60 s.
# bench/crash.sh is the long version (CRASH_KILLS, default 50).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/crash_lib.sh"
export WATIQA_HTTP_RATE=1000000   # the driver's load comes from one address
wq_start_server
crash_run "${CRASH_KILLS:-5}" 1500 5000
crash_check
