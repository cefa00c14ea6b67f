#!/usr/bin/env bash
# Issue 11, item 6: one setting moves where serve sends payments, SMS and post tracking.
# Started with only the sandbox's port (WATIQA_SANDBOX_PORT), then with only
# gateway_base_url, and none of the three per-service URLs: the citizen is sent to the
# sandbox to pay, the payment is confirmed there, the SMS reaches it.
source "$(dirname "$0")/lib.sh"
for by in port base; do
	WQ_GATEWAY_BY=$by wq_start_server
	source "$(dirname "$0")/web_lib.sh"
	[ -z "${WATIQA_GATEWAY_URL:-}${WATIQA_SMS_URL:-}${WATIQA_POST_URL:-}" ] || fail "a per-service URL is set"
	web_get / >/dev/null
	st=$(web_post_order /order/confirm "phone=0611223344")
	[ "$st" = 303 ] || fail "$by: confirm answered $st"
	pay=$(web_location)
	case $pay in "$SANDBOX/pay?"*) ;; *) fail "$by: not sent to the sandbox: $pay" ;; esac
	tracking=$(web_sql "select tracking from requests order by id desc limit 1")
	final=$(web_pay "$pay" 4000000000000002)
	case $final in "$WQ_URL/paid?"*) ;; *) fail "$by: the sandbox did not send us back: $final" ;; esac
	[ "$(web_sql "select state from requests where tracking='$tracking'")" = paid ] ||
		fail "$by: not paid (the confirmation did not reach the sandbox)"
	for i in $(seq 100); do
		grep -q "^sms	0611223344	.*$tracking" <(curl -s "$SANDBOX/sms/log") && break
		sleep 0.2
	done
	grep -q "^sms	0611223344	.*$tracking" <(curl -s "$SANDBOX/sms/log") || fail "$by: no SMS at the sandbox"
	ok "serve told only by $by: payment at the sandbox, confirmed there, SMS there"
	kill "$WQ_SERVE_PID"; wait "$WQ_SERVE_PID" 2>/dev/null || true
	kill "${WQ_PIDS[-2]}" 2>/dev/null || true
	WQ_PIDS=()
	rm -f "$T"/watiqa.db*
done
