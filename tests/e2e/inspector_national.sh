#!/usr/bin/env bash
# inspector_national.sh - the national inspector (inspector0) over OpenSSH receives what
# a province raises above it, and nothing else of the provinces: inspector1 (RABAT)
# escalates a complaint with a note, it appears on inspector0's queue without a key;
# inspector0 takes it and answers the citizen; inspector1 sees it answered, with the
# answer, on his own list.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

ui_serve_as inspector0 "Complaints"
row=$(wq_sql "SELECT c.id, r.tracking FROM complaints c JOIN requests r ON r.id = c.request_id
	JOIN provinces p ON p.id = c.province_id WHERE p.code = 'RABAT' AND c.state = 'open'
	ORDER BY c.opened_at, c.id LIMIT 1")
IFS='|' read -r C TRC <<<"$row"
[ -n "$C" ] || fail "no open complaint in RABAT in the demo"
[ "$(wq_sql "SELECT count(*) FROM complaints WHERE escalated_at IS NOT NULL")" = 0 ] ||
	fail "the demo already has escalated complaints"

ui_open_as n inspector0
wq_screen_wait n "Complaints" 15
wq_screen_wait n "inspector0, inspector | national" 5
wq_screen_wait n "No complaint was raised to the national inspection" 5
ok "inspector0 (national) sees none of the provinces' $(wq_sql "SELECT count(*) FROM complaints") complaints before one is raised ($VIA)"

ui_open_as i inspector1
wq_screen_wait i "Complaints" 15
wq_type i /
wq_screen_wait i "Search:" 5
wq_type i -l "$TRC"
wq_type i Enter
wq_screen_wait i "^>.*$TRC" 5
wq_type i e
wq_screen_wait i "Escalate complaint" 5
wq_type i -l "Le bureau ne repond plus depuis une semaine"
wq_type i Enter
wq_screen_wait i "escalated" 5
wq_screen_wait n "$TRC" 10
ok "inspector1 raised #$C ($TRC): on inspector0's queue without a key"

ANSWER="Le dossier est repris par l'inspection nationale; envoi sous 48 h."
wq_type n t
wq_screen_wait n "is yours" 5
wq_type n a
wq_screen_wait n "Answer to the citizen" 5
wq_type n -l "$ANSWER"
wq_type n Enter
wq_screen_wait n "answered: the citizen is notified" 5
[ "$(wq_sql "SELECT state || '|' || answer FROM complaints WHERE id = $C")" = "answered|$ANSWER" ] ||
	fail "not answered: $(wq_sql "SELECT state, answer FROM complaints WHERE id = $C")"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'complaint.answer'
	AND actor_label = 'inspector0'")" = 1 ] || fail "answer not audited"
ok "inspector0 took #$C and answered the citizen (audited)"

wq_screen_wait i "answered.*$TRC" 10
wq_type i v
wq_screen_wait i "Answer: *Le dossier est repris par l.inspection nationale" 5
wq_screen_wait i "Inspector: inspector0" 5
wq_type i Escape
ok "inspector1 sees #$C answered by the national inspection, with the answer"
