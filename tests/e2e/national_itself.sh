#!/usr/bin/env bash
# national_itself.sh - what a province leaves past its deadline goes up to the national
# inspection by itself, over OpenSSH.  The demo is loaded, then the server runs ten
# days later (WATIQA_FAKE_NOW, read by every process) with complaint_escalate_days 5
# and escalate_national_days 3 (set here, whatever the defaults): its sweep raises
# RABAT's unanswered complaint and the requests left late at province level, with no
# one's name and no note (audited as the system's); inspector0 reads the complaint
# "raised by itself" with the reason in English, takes and answers it; inspector1, in
# French, reads on his national list the same in French, and the answer.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

ui_setup # the demo, loaded now, in $T/ui.db
row=$(ui_sql "SELECT c.id, r.tracking FROM complaints c JOIN requests r ON r.id = c.request_id
	JOIN provinces p ON p.id = c.province_id WHERE p.code = 'RABAT' AND c.state = 'open'
	ORDER BY c.opened_at, c.id LIMIT 1")
IFS='|' read -r C TRC <<<"$row"
[ -n "$C" ] || fail "no open complaint in RABAT in the demo"
[ "$(ui_sql "SELECT count(*) FROM complaints WHERE escalated_at IS NOT NULL")" = 0 ] ||
	fail "the demo's complaints are already raised"
"$WATIQA_BIN" user lang inspector1 fr >/dev/null

mv "$WQ_DB" "$T/watiqa.db"
NOW=$(($(date +%s) + 10 * 86400))
export WATIQA_FAKE_NOW=$NOW WATIQA_COMPLAINT_ESCALATE_DAYS=5 WATIQA_ESCALATE_NATIONAL_DAYS=3
wq_start_server
"$WATIQA_BIN" user lang inspector1 fr >/dev/null # wq_start_server sets the demo's to English
for ((i = 0; i < 100; i++)); do
	[ "$(wq_sql "SELECT state FROM complaints WHERE id = $C")" = escalated ] && break
	sleep 0.2
done
[ "$(wq_sql "SELECT state || '|' || escalated_at || '|' || escalation_note || '|' ||
	coalesce(escalated_by, 'none') FROM complaints WHERE id = $C")" = "escalated|$NOW||none" ] ||
	fail "complaint #$C: $(wq_sql "SELECT state, escalated_at, escalation_note, escalated_by FROM complaints WHERE id = $C")"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'complaint.escalate'
	AND target = '#$C' AND actor_label = 'system'")" = 1 ] || fail "not audited once"
[ "$(wq_sql "SELECT count(*) FROM complaints WHERE answered_at IS NOT NULL AND
	escalated_at = $NOW AND answered_at < escalated_at")" = 0 ] || fail "an answered complaint went up"
ok "the sweep raised RABAT's complaint #$C ($TRC) by itself: no one's name, no note, audited"

for ((i = 0; i < 100; i++)); do
	[ "$(wq_sql "SELECT count(*) FROM request_raises WHERE raised_by IS NULL")" -gt 0 ] && break
	sleep 0.2
done
itself=$(wq_sql "SELECT count(*) FROM request_raises WHERE raised_by IS NULL AND note = ''")
[ "$itself" -gt 0 ] || fail "no request raised by itself"
[ "$(wq_sql "SELECT count(*) FROM request_raises x JOIN requests r ON r.id = x.request_id
	WHERE x.raised_by IS NULL AND r.state NOT IN ('paid', 'claimed', 'in_production',
	'awaiting_signature', 'signed', 'ready', 'with_post')")" = 0 ] ||
	fail "a delivered or closed request went up"
[ "$(wq_sql "SELECT count(*) FROM (SELECT request_id FROM request_raises GROUP BY request_id
	HAVING count(*) > 1)")" = 0 ] || fail "a request raised twice"
ok "$itself open requests past their deadline at province level raised by themselves, once each"

wq_login n inspector0 watiqa-demo
wq_screen_wait n "Complaints" 15
wq_screen_wait n "$TRC" 5
wq_type n /
wq_screen_wait n "Search:" 5
wq_type n -l "$TRC"
wq_type n Enter
wq_screen_wait n "^>.*$TRC" 5
wq_type n v
wq_screen_wait n "Raised: .* by itself" 5
wq_screen_wait n "Escalated: unanswered at the province past its deadline" 5
wq_type n Escape
ok "inspector0 reads #$C raised by itself, the reason in English"

ANSWER="Repris par l'inspection nationale: reponse du bureau sous 48 h."
wq_type n t
wq_screen_wait n "is yours" 5
wq_type n a
wq_screen_wait n "Answer to the citizen" 5
wq_type n -l "$ANSWER"
wq_type n Enter
wq_screen_wait n "answered: the citizen is notified" 5
[ "$(wq_sql "SELECT state FROM complaints WHERE id = $C")" = answered ] || fail "not answered"
wq_type n N
wq_screen_wait n "National inspection" 5
wq_screen_wait n "request .* itself *past it" 5
ok "inspector0 answered #$C; his national queue holds requests raised by themselves"

wq_login i inspector1 watiqa-demo
wq_screen_wait i "Plaintes" 15
wq_type i N
wq_screen_wait i "Inspection nationale" 5
wq_type i A
wq_screen_wait i "les répondues aussi" 5
wq_type i /
wq_screen_wait i "Chercher" 5
wq_type i -l "$TRC"
wq_type i Enter
wq_screen_wait i "^>.*$TRC" 5
wq_screen i | grep "$TRC" | grep -q "d'elle-m" || fail "not shown raised by itself, in French"
wq_type i v
wq_screen_wait i "Remontée : .* d'elle-même" 5
wq_screen_wait i "Motif : *sans réponse à la province au-delà de son délai" 5
wq_screen_wait i "Réponse : .* par inspector0" 5
wq_type i Escape
ok "inspector1 (French) reads #$C raised by itself and inspector0's answer, in French"
