#!/usr/bin/env bash
# inspector_complaints.sh - citizens complain through the web API; the inspector of
# RABAT logs in with a real ssh client and sees his province's complaints only (an old
# one marked LATE), takes one, reads the request and its history, answers it (the
# answer shows on the citizen's tracking page and reaches the SMS sandbox), resolves
# it, escalates the late one with a note; the inspector of KENITRA sees only his; the
# dashboard shows RABAT's offices with the figures the database holds, by office and
# by commune, over another period, with a trend line.
source "$(dirname "$0")/lib.sh"
wq_start_server
source "$(dirname "$0")/web_lib.sh"

# the demo files a few complaints of its own: this story counts only the ones it files
wq_sql "DELETE FROM complaints"
SECRET=K7M2-QP4X-9TRB
HASH=$(web_secret_hash "$SECRET")
# the n-th claimed request of a province (the demo's secret codes are unknown: give
# the ones we use a code the citizen "kept")
pick() {
	wq_sql "SELECT r.tracking FROM requests r JOIN offices o ON o.id = r.office_id
		JOIN communes c ON c.id = o.commune_id JOIN provinces p ON p.id = c.province_id
		WHERE p.code = '$1' AND r.state = 'claimed' ORDER BY r.id LIMIT 1 OFFSET ${2:-0}"
}
complain() {
	curl -s -H 'Content-Type: application/json' \
		-d "{\"tracking\":\"$1\",\"secret\":\"$SECRET\",\"lang\":\"fr\",\"body\":\"$2\"}" \
		"$WQ_URL/api/v1/complaints"
}
TR=$(pick RABAT 0)
TR2=$(pick RABAT 1)
TK=$(pick KENITRA 0)
[ -n "$TR" ] && [ -n "$TR2" ] && [ -n "$TK" ] || fail "demo lacks claimed requests"
wq_sql "UPDATE requests SET secret_hash = '$HASH' WHERE tracking IN ('$TR', '$TR2', '$TK')"
complain "$TR" "Rien recu depuis dix jours, merci de verifier." | grep -q complaint_id ||
	fail "complaint on $TR refused"
complain "$TR2" "Le bureau ne repond pas au telephone." | grep -q complaint_id ||
	fail "complaint on $TR2 refused"
complain "$TK" "Mon extrait de Kenitra n'arrive pas." | grep -q complaint_id ||
	fail "complaint on $TK refused"
cid() { wq_sql "SELECT c.id FROM complaints c JOIN requests r ON r.id = c.request_id
	WHERE r.tracking = '$1'"; }
cstate() { wq_sql "SELECT state FROM complaints WHERE id = $(cid "$1")"; }
# the second is three days old: past complaint_answer_days (2)
wq_sql "UPDATE complaints SET opened_at = opened_at - 3 * 86400 WHERE id = $(cid "$TR2")"
ok "three complaints filed through /api/v1/complaints ($TR, $TR2 in RABAT; $TK in KENITRA)"

# ---- inspector1 over ssh: his province only ----
wq_login i1 inspector1 watiqa-demo
wq_screen_wait i1 "Complaints" 15
wq_screen_wait i1 "Open 2 | late 1" 10
wq_screen i1 | grep -q "$TR" || fail "$TR not shown to inspector1"
wq_screen i1 | grep -q "$TR2.*\|LATE.*$TR2" || fail "$TR2 not shown"
wq_screen i1 | grep -q "$TK" && fail "KENITRA's $TK shown to inspector1"
wq_screen i1 | grep "$TR2" | grep -q LATE || fail "$TR2 not marked LATE"
wq_screen i1 | grep "$TR " | grep -q LATE && fail "$TR marked LATE"
[ -n "$(wq_sql "SELECT late_at FROM complaints WHERE id = $(cid "$TR2")")" ] ||
	fail "late mark not recorded"
ok "inspector1 sees RABAT's 2 complaints, not KENITRA's; the old one is LATE (recorded)"

# take the fresh one
wq_type i1 /
wq_screen_wait i1 "Search:" 5
wq_type i1 -l "$TR"
wq_type i1 Enter
wq_screen_wait i1 "^>.*$TR" 5
wq_type i1 t
wq_screen_wait i1 "is yours" 5
[ "$(cstate "$TR")" = taken ] || fail "complaint not taken: $(cstate "$TR")"
ok "take: complaint $(cid "$TR") is inspector1's"
# given back (u), audited, and taken again
wq_type i1 u
wq_screen_wait i1 "complaint #$(cid "$TR") is back in the queue" 5
[ "$(cstate "$TR")" = open ] || fail "complaint not given back: $(cstate "$TR")"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'complaint.release'
	AND actor_label = 'inspector1'")" = 1 ] || fail "the release is not audited"
wq_type i1 t
wq_screen_wait i1 "complaint #$(cid "$TR") is yours" 5
[ "$(cstate "$TR")" = taken ] || fail "complaint not taken again: $(cstate "$TR")"
ok "given back with u (audited) and taken again"

# read it with the request and its history
wq_type i1 v
wq_screen_wait i1 "Rien recu depuis dix jours" 5
wq_screen_wait i1 "History (" 5
wq_type i1 Space
wq_screen_wait i1 "paid -> claimed" 5
wq_type i1 Escape
wq_screen_wait i1 "Open 2" 5
ok "the complaint, the request and its full history"

# answer: stored, on the tracking page, notified
ANSWER="Votre extrait part demain par courrier recommande."
wq_type i1 a
wq_screen_wait i1 "Answer to the citizen" 5
wq_type i1 -l "$ANSWER"
wq_type i1 Enter
wq_screen_wait i1 "answered: the citizen is notified" 5
[ "$(cstate "$TR")" = answered ] || fail "not answered: $(cstate "$TR")"
[ "$(wq_sql "SELECT answer FROM complaints WHERE id = $(cid "$TR")")" = "$ANSWER" ] ||
	fail "answer not stored"
[ "$(web_track "$TR" "$SECRET")" = 200 ] || fail "tracking page"
grep -q "$ANSWER" "$T/track.html" || fail "the answer is not on the tracking page"
for _ in $(seq 50); do
	curl -s "$SANDBOX/sms/log" | grep "$TR" | grep -qF "$ANSWER" && break
	sleep 0.2
done
curl -s "$SANDBOX/sms/log" | grep "$TR" | grep -qF "$ANSWER" ||
	{ wq_sql "SELECT id, state, attempts, channel, last_error FROM outbox WHERE body LIKE '%reclamation%'";
	  wq_sql "SELECT state, count(*) FROM outbox GROUP BY state";
	  curl -s "$SANDBOX/sms/log" | wc -l; fail "the answer did not reach the SMS sandbox"; }
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'complaint.answer'
	AND actor_label = 'inspector1' AND detail LIKE '$TR%'")" = 1 ] || fail "answer not audited"
ok "answer stored, shown on the tracking page, sent by SMS, audited"

wq_type i1 r
wq_screen_wait i1 "as resolved?" 5
wq_type i1 y
wq_screen_wait i1 "resolved" 5
[ "$(cstate "$TR")" = resolved ] || fail "not resolved"
wq_screen_wait i1 "Open 1 |" 5
ok "resolve: it leaves the open queue"

# escalate the late one with a note
wq_type i1 g
wq_screen_wait i1 "^>.*$TR2" 5
wq_type i1 e
wq_screen_wait i1 "Escalate complaint" 5
wq_type i1 -l "Le bureau est ferme depuis une semaine"
wq_type i1 Enter
wq_screen_wait i1 "escalated" 5
[ "$(cstate "$TR2")" = escalated ] || fail "not escalated"
ok "escalate with a note"

# ---- inspector2 (KENITRA) sees only his ----
wq_login i2 inspector2 watiqa-demo
wq_screen_wait i2 "Complaints" 15
wq_screen_wait i2 "$TK" 10
wq_screen i2 | grep -q "$TR\|$TR2" && fail "inspector2 sees RABAT's complaints"
wq_screen_wait i2 "Open 1 |" 5
ok "inspector2 sees KENITRA's complaint only"

# ---- the dashboard ----
wq_type i1 Tab
wq_screen_wait i1 "Dashboard" 5
wq_screen_wait i1 "TOTAL" 5
wq_screen i1 | grep -q "KEN-\|SET-" && fail "dashboard shows offices outside RABAT"
wq_screen i1 | grep -q "RBT-HAS-1" || fail "no RBT-HAS-1 row"
# the local midnight 29 days before today's (the dashboard's last 30 days, local_day.c)
DAY0=$(TZ=Africa/Casablanca date -d "$(TZ=Africa/Casablanca date +%F) -29 days" +%s)
paid=$(wq_sql "SELECT count(*) FROM requests WHERE paid_at >= $DAY0 AND office_id IN
	(SELECT o.id FROM offices o JOIN communes c ON c.id = o.commune_id
	 JOIN provinces p ON p.id = c.province_id WHERE p.code = 'RABAT')")
shown=$(wq_screen i1 | grep "TOTAL" | awk '{print $2}')
[ "$shown" = "$paid" ] || fail "dashboard total paid $shown, database $paid"
wq_screen i1 | grep -Eq "Paid/day +.*([▁▂▃▄▅▆▇█]|[_.:=+*#-])" || fail "no trend line"
wq_screen i1 | grep -q "(30 days)" || fail "not 30 days"
ok "dashboard: RABAT's offices, total paid $paid as in the database, trend drawn"
wq_type i1 p
wq_screen_wait i1 "(90 days)" 5
wq_type i1 c
wq_screen_wait i1 "by commune" 5
wq_screen_wait i1 "RBT-HASSAN" 5
wq_type i1 Enter
wq_screen_wait i1 "Paid -> post: median" 5
wq_type i1 Escape
ok "90 days, by commune, a row's detail"
wq_type i1 Tab
wq_screen_wait i1 "Complaints" 5
wq_type i1 q
