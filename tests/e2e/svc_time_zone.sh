#!/usr/bin/env bash
# Times are Morocco's whatever the server's TZ: the same request, served once with
# TZ=America/New_York and once with TZ=UTC, shows the same times on the citizen's
# tracking page, in the JSON API and on the printed sheet, and they are the
# Africa/Casablanca reading of the stored instants; the page, the sheet and the staff
# screen's status line say so.  Without the zone file the binary refuses to start.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"
export TZ=America/New_York
wq_start_server
source "$(dirname "$0")/web_lib.sh"

# a citizen orders and pays (server in New York's zone)
[ "$(web_get /)" = 200 ] || fail "order form"
[ "$(web_post_order /order)" = 200 ] || fail "order not accepted"
[ "$(web_post_order /order/confirm)" = 303 ] || fail "order not confirmed"
web_pay "$(web_location)" 4000000000000002 >/dev/null
tracking=$(web_id "$T/paid.html" tracking)
secret=$(web_id "$T/paid.html" secret)
[ -n "$tracking" ] && [ -n "$secret" ] || fail "no tracking number or secret on the paid page"
paid_at=$(web_sql "select max(at) from request_events e join requests r on r.id = e.request_id
	where r.tracking = '$tracking' and e.to_state = 'paid'")
want=$(TZ=Africa/Casablanca date -d "@$paid_at" '+%Y-%m-%d %H:%M')
ok "$tracking paid at $paid_at, in Morocco $want"

history() { sed -n '/id="history"/,/<\/table>/p' "$T/track.html" | grep -o '[0-9-]* [0-9:]*</td>'; }
[ "$(web_track "$tracking" "$secret")" = 200 ] || fail "tracking page (New York)"
ny_page=$(history)
grep -q "heure du Maroc" "$T/track.html" || fail "the tracking page does not say the times are Morocco's"
grep -q "$want</td>" "$T/track.html" || fail "paid time $want not on the page: $ny_page"
[ "$(web_track "$tracking" "$secret" ar)" = 200 ] || fail "tracking page in Arabic"
grep -q "توقيت المغرب" "$T/track.html" || fail "the Arabic page does not say توقيت المغرب"
api_track() {
	curl -s -H 'Content-Type: application/json' \
		-d "{\"tracking\":\"$tracking\",\"secret\":\"$secret\",\"lang\":\"fr\"}" "$WQ_URL/api/v1/track"
}
ny_api=$(api_track)
case "$ny_api" in *'"time_zone":"Africa/Casablanca"'*"\"local_time\":\"$want\""*) ;;
	*) fail "API: $ny_api" ;; esac
ok "TZ=America/New_York: the page shows $want (heure du Maroc / توقيت المغرب)"

# the staff side: the sheet of the first request of agent1's queue, printed from the
# screen run with TZ=$1; the status line says whose times
export WATIQA_PRINT_DIR=$T/print
sheet() { # NAME TZ
	$WQ_TMUX new-session -d -s "$1" -x 80 -y 24 \
		"env TZ=$2 TERM=xterm-256color WATIQA_DB='$WQ_DB' WATIQA_PRINT_DIR='$WATIQA_PRINT_DIR' \
		 '$WATIQA_BIN' ui agent1 2>'$T/ui-$1.err'; echo 'ui exited'; sleep 30"
	wq_screen_wait "$1" "Watiqa |" 10
	wq_screen_wait "$1" "times: Morocco time" 5
	first=$(ui_cursor_tracking "$1")
	wq_type "$1" p
	wq_screen_wait "$1" "sheet written to" 5
	wq_type "$1" q
	echo "$first $(grep '^Ordered:' "$T/print/sheet-$first.txt")"
}
ny_sheet=$(sheet s-ny America/New_York)
first=${ny_sheet%% *}
sheet_paid=$(TZ=Africa/Casablanca date -d "@$(web_sql "select paid_at from requests where tracking = '$first'")" '+%Y-%m-%d %H:%M')
case "$ny_sheet" in *"paid: $sheet_paid  (Morocco time)"*) ;;
	*) fail "sheet under New York's TZ: '$ny_sheet', expected paid: $sheet_paid (Morocco time)" ;; esac
ok "$first's sheet says paid: $sheet_paid (Morocco time); the status line: times: Morocco time"

# the same server restarted in UTC (--demo: the sandbox's secret; the data is kept)
export TZ=UTC
wq_serve_again TERM
[ "$(web_track "$tracking" "$secret")" = 200 ] || fail "tracking page (UTC)"
[ "$(history)" = "$ny_page" ] || fail "times moved with TZ: New York '$ny_page', UTC '$(history)'"
utc_api=$(api_track)
[ "$utc_api" = "$ny_api" ] || fail "the API's times moved with TZ"
utc_sheet=$(sheet s-utc UTC)
[ "$utc_sheet" = "$ny_sheet" ] || fail "sheet moved with TZ: '$ny_sheet' then '$utc_sheet'"
ok "TZ=UTC: the same times on the page, in the API and on the sheet"

# no zone file: a clear refusal, not UTC in disguise
set +e
TZDIR=$T/no-zoneinfo "$WATIQA_BIN" migrate --db "$WQ_DB" 2>"$T/tz.err"
rc=$?
set -e
[ $rc = 1 ] && grep -q "Africa/Casablanca.*tzdata" "$T/tz.err" || fail "missing zone: rc $rc, $(cat "$T/tz.err")"
ok "without the zone file: exit 1, 'install tzdata'"
