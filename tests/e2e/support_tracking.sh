#!/usr/bin/env bash
# support_tracking.sh - a support agent, logged in with a real ssh client, helps a
# citizen on the phone: finds the request by national ID, by phone in the
# international form, by a partial Latin name, by a PCRE2 pattern; reads its details,
# history, payments, notifications and complaints on one page; adds an internal note;
# sends the payment SMS again (it reaches the SMS sandbox a second time); opens a
# complaint for the citizen, which the province's inspector then sees; reaches the
# national dashboard and comes back.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

# a claimed request of RABAT (inspector1's province), and what the citizen says on the phone
row=$(wq_sql "SELECT r.tracking, r.cin, r.phone, r.last_name_lat, r.id FROM requests r
	JOIN offices o ON o.id = r.office_id JOIN communes c ON c.id = o.commune_id
	JOIN provinces p ON p.id = c.province_id
	WHERE p.code = 'RABAT' AND r.state = 'claimed' AND r.cin <> '' ORDER BY r.id LIMIT 1")
IFS='|' read -r TR CIN PHONE LAST RID <<<"$row"
[ -n "$TR" ] || fail "demo lacks a claimed request in RABAT"
# one notification of that request to resend: a move the notifier turns into an SMS
wq request move "$TR" in_production --as "$(wq_sql "SELECT u.username FROM users u
	JOIN requests r ON r.agent_id = u.id WHERE r.id = $RID")" --db "$WQ_DB" >/dev/null
for _ in $(seq 50); do
	[ "$(wq_sql "SELECT count(*) FROM outbox WHERE request_id = $RID AND state = 'sent'")" -ge 1 ] && break
	sleep 0.2
done
[ "$(wq_sql "SELECT count(*) FROM outbox WHERE request_id = $RID AND state = 'sent'")" -ge 1 ] ||
	fail "no notification sent for $TR"
sms_before=$(curl -s "$SANDBOX/sms/log" | grep -c "$TR" || true)
ok "request $TR (CIN $CIN, phone $PHONE, $LAST) has a notification sent"

wq_login s support1 watiqa-demo
wq_screen_wait s "Support" 15
wq_screen_wait s "s:find" 5

find() { # find TEXT EXPECTED-KIND
	wq_type s s
	wq_screen_wait s "Find (" 5
	wq_type s C-u
	wq_type s -l "$1"
	wq_type s Enter
	wq_screen_wait s "\[$2\]" 10
}
find "$(echo "$CIN" | tr 'A-Z' 'a-z')" CIN
wq_screen_wait s "$TR" 5
ok "found by CIN typed in lower case"
find "+212 ${PHONE:1}" phone
wq_screen_wait s "$TR" 5
ok "found by phone in the international form"
find "$(echo "${LAST:0:5}" | tr 'A-Z' 'a-z')" name
wq_screen s | grep -q "found" || fail "no count"
ok "partial Latin name: $(wq_screen s | sed -n 2p | sed 's/  */ /g')"
find "/^${TR:0:7}\\d{4}\\b/" pattern
wq_screen_wait s "$TR" 5
find "/(unclosed/" pattern # the header keeps the last search; the status says why
wq_screen_wait s "pattern error" 5
find "$TR" tracking
wq_screen_wait s "^>.$TR" 5
ok "PCRE2 pattern finds it; a bad pattern says where it is wrong; tracking number"

# everything on one page
wq_type s Enter
wq_screen_wait s "everything (Esc closes)" 5
wq_screen_wait s "History (" 5
for _ in 1 2 3; do wq_type s Space; done
wq_screen_wait s "Notifications (" 5
wq_screen s | grep -q "Payments (1)" || wq_screen s | grep -q "Complaints (0)" ||
	fail "payments or complaints section missing"
wq_type s Escape
wq_screen_wait s "s:find" 5
ok "details, history, payments, notifications, complaints"

# an internal note
wq_type s N
wq_screen_wait s "Internal note on $TR" 5
wq_type s -l "Citoyen appele: adresse confirmee"
wq_type s Enter
wq_screen_wait s "note added to $TR" 5
[ "$(wq_sql "SELECT count(*) FROM request_notes WHERE request_id = $RID
	AND body = 'Citoyen appele: adresse confirmee'")" = 1 ] || fail "note not stored"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'request.note' AND target = '$TR'
	AND actor_label = 'support1'")" = 1 ] || fail "note not audited"
ok "internal note stored and audited"

# resend a notification
wq_type s R
wq_screen_wait s "Send which notification again" 5
wq_type s Enter
wq_screen_wait s "queued again" 5
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'notify.resend' AND target = '$TR'")" = 1 ] ||
	fail "resend not audited"
for _ in $(seq 50); do
	[ "$(curl -s "$SANDBOX/sms/log" | grep -c "$TR" || true)" -gt "$sms_before" ] && break
	sleep 0.2
done
[ "$(curl -s "$SANDBOX/sms/log" | grep -c "$TR" || true)" -gt "$sms_before" ] ||
	fail "the resent notification did not reach the sandbox"
ok "notification resent: it reached the SMS sandbox again"

# a complaint for the citizen; the inspector of RABAT has it
wq_type s C
wq_screen_wait s "Complaint on $TR, for the citizen" 5
wq_type s -l "Le citoyen signale un retard de deux semaines"
wq_type s Enter
wq_screen_wait s "opened on $TR" 5
[ "$(wq_sql "SELECT count(*) FROM complaints c JOIN users u ON u.id = c.opened_by
	WHERE c.request_id = $RID AND u.username = 'support1' AND c.state = 'open'")" = 1 ] ||
	fail "complaint not stored as opened by support1"
wq_login i inspector1 watiqa-demo
wq_screen_wait i "Complaints" 15
wq_screen_wait i "$TR" 10
ok "complaint opened for the citizen; inspector1 sees it"

# the national dashboard and back
wq_type s Tab
wq_screen_wait s "Dashboard" 5
wq_screen_wait s "TOTAL" 5
wq_screen s | grep -q "KEN-\|RBT-\|SET-" || fail "no office on the national dashboard"
wq_type s Tab
wq_screen_wait s "Support" 5
ok "national dashboard and back"
wq_type s q
