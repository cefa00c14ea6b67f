#!/usr/bin/env bash
# Citizens order and pay through the web API while an agent declares stages; the server
# is killed with kill -9 at 5 random moments and started again each time.  Afterwards
# every payment and stage the clients saw acknowledged is in the database, no history
# is half-written, `watiqa check` and `watiqa audit verify` pass.  ~40 s.
# bench/crash.sh is the long version (CRASH_KILLS, default 50).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/crash_lib.sh"
export WATIQA_HTTP_RATE=1000000   # the driver's load comes from one address
wq_start_server
crash_run "${CRASH_KILLS:-5}" 1500 5000
crash_check
