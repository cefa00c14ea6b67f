#!/usr/bin/env bash
# national_take.sh - the national queue's take step over OpenSSH, with two national
# inspectors: inspector0 takes the demo's waiting raise (t); inspector9 (a second national
# inspector, added by the CLI, screens in French) sees inspector0's name in its row
# without a key, and cannot answer it, take it or give it back: the status line says who
# holds it, no form opens, nothing is written; inspector0 reads "Taken: ... by inspector0"
# in its view, gives it back (r); it shows waiting again on inspector9's screen, who
# answers it (a takes it first, then the form).  A complaint raised by inspector1 is
# taken and given back the same way.  Each take and release audited.
source "$(dirname "$0")/lib.sh"

wq_start_server
wq user add inspector9 inspector --name "Inspectrice nationale" --password watiqa-demo-9 |
	grep -q added || fail "user add inspector9"
wq user lang inspector9 fr >/dev/null || fail "user lang inspector9"
row=$(wq_sql "SELECT x.id, r.tracking FROM request_raises x JOIN requests r ON r.id = x.request_id
	WHERE x.state = 'raised' ORDER BY x.raised_at, x.id LIMIT 1")
IFS='|' read -r X TRC <<<"$row"
[ -n "$X" ] || fail "no waiting raise in the demo"
holder() { wq_sql "SELECT coalesce((SELECT username FROM users WHERE id = taken_by), '-')
	|| '|' || state FROM request_raises WHERE id = $X"; }
audits() { wq_sql "SELECT count(*) FROM audit_log WHERE action = '$1' AND target = '$TRC'"; }

wq_login n inspector0 watiqa-demo
wq_screen_wait n "Complaints" 15
wq_type n N
wq_screen_wait n "National inspection" 5
wq_screen_wait n "waiting *$TRC" 5
wq_login m inspector9 watiqa-demo-9
wq_screen_wait m "Plaintes" 15
wq_type m N
wq_screen_wait m "Inspection nationale" 5
wq_screen_wait m "attente *$TRC" 5
ok "$TRC waits on both national inspectors' queues"

wq_type n /
wq_screen_wait n "Search:" 5
wq_type n -l "$TRC"
wq_type n Enter
wq_screen_wait n "^>.*$TRC" 5
wq_type n t
wq_screen_wait n "$TRC is yours: a answers it" 5
[ "$(holder)" = "inspector0|raised" ] || fail "after the take: $(holder)"
[ "$(audits request.raise_take)" = 1 ] || fail "the take is not audited"
wq_screen_wait n "inspector0 *$TRC" 5
# inspector9's screen shows who holds it, live, without a key
wq_screen_wait m "inspector0 *$TRC" 10
ok "inspector0 took $TRC (audited); inspector9 sees inspector0 in its row without a key"

wq_type m /
wq_screen_wait m "Chercher" 5
wq_type m -l "$TRC"
wq_type m Enter
wq_screen_wait m "^>.*$TRC" 5
for k in a t r; do
	wq_screen_wait m "^>.*$TRC" 5
	wq_type m "$k"
	wq_screen_wait m "$TRC est prise par inspector0" 5
	wq_screen m | grep -q "Réponse à la province" && fail "$k: a form opened for inspector9"
	[ "$(holder)" = "inspector0|raised" ] || fail "$k by inspector9 changed it: $(holder)"
	# another status line before the next key, so that its refusal is its own
	wq_type m A
	wq_screen_wait m "les répondues aussi\|ce qui attend une réponse" 5
done
[ "$(audits request.raise_answer)" = 0 ] || fail "an answer was written"
ok "inspector9 cannot answer, take or give back $TRC: 'est prise par inspector0', nothing written"

wq_type n v
wq_screen_wait n "Taken: .* by inspector0" 5
wq_type n Escape
wq_type n r
wq_screen_wait n "$TRC is back in the queue" 5
[ "$(holder)" = "-|raised" ] || fail "after the release: $(holder)"
[ "$(audits request.raise_release)" = 1 ] || fail "the release is not audited"
wq_screen_wait m "attente *$TRC" 10
ok "inspector0 read who holds it, gave $TRC back (audited); inspector9 sees it waiting again"

ANSWER="Archives provinciales saisies : le registre arrive lundi."
wq_type m a
wq_screen_wait m "Réponse à la province sur $TRC" 5
[ "$(holder)" = "inspector9|raised" ] || fail "a did not take it first: $(holder)"
wq_type m -l "$ANSWER"
wq_type m Enter
wq_screen_wait m "répondue : la province lit la réponse" 5
[ "$(holder)" = "inspector9|answered" ] || fail "after the answer: $(holder)"
[ "$(wq_sql "SELECT answer || '|' || (SELECT username FROM users WHERE id = inspector_id)
	FROM request_raises WHERE id = $X")" = "$ANSWER|inspector9" ] || fail "the answer"
[ "$(audits request.raise_take)" = 2 ] || fail "the second take is not audited"
ok "inspector9 took $TRC with a and answered it"

# a complaint on the same queue: taken and given back the same way
row=$(wq_sql "SELECT c.id, r.tracking FROM complaints c JOIN requests r ON r.id = c.request_id
	JOIN provinces p ON p.id = c.province_id WHERE p.code = 'RABAT' AND c.state = 'open'
	ORDER BY c.opened_at, c.id LIMIT 1")
IFS='|' read -r C CTRC <<<"$row"
[ -n "$C" ] || fail "no open complaint in RABAT in the demo"
cstate() { wq_sql "SELECT state || '|' || coalesce((SELECT username FROM users
	WHERE id = inspector_id), '-') FROM complaints WHERE id = $C"; }
wq_login i inspector1 watiqa-demo
wq_screen_wait i "Complaints" 15
wq_type i /
wq_screen_wait i "Search:" 5
wq_type i -l "$CTRC"
wq_type i Enter
wq_screen_wait i "^>.*$CTRC" 5
wq_type i e
wq_screen_wait i "Escalate complaint" 5
wq_type i -l "Le bureau ne repond plus depuis une semaine"
wq_type i Enter
wq_screen_wait i "escalated" 5
wq_screen_wait n "complaint .*waiting *$CTRC" 10
wq_type n /
wq_screen_wait n "Search:" 5
wq_type n -l "$CTRC"
wq_type n Enter
wq_screen_wait n "^>.*$CTRC" 5
wq_type n t
wq_screen_wait n "$CTRC is yours: a answers it" 5
[ "$(cstate)" = "taken|inspector0" ] || fail "the complaint after the take: $(cstate)"
wq_screen_wait m "plainte .*inspector0 *$CTRC" 10
wq_type m /
wq_screen_wait m "Chercher" 5
wq_type m -l "$CTRC"
wq_type m Enter
wq_screen_wait m "^>.*$CTRC" 5
wq_type m r
wq_screen_wait m "la plainte n° $C est prise par inspector0" 5
[ "$(cstate)" = "taken|inspector0" ] || fail "inspector9 gave it back: $(cstate)"
wq_type n r
wq_screen_wait n "$CTRC is back in the queue" 5
[ "$(cstate)" = "escalated|-" ] || fail "the complaint after the release: $(cstate)"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'complaint.release'
	AND actor_label = 'inspector0' AND target = 'complaint $C'")" = 1 ] ||
	fail "the complaint's release is not audited"
wq_screen_wait m "plainte .*attente *$CTRC" 10
ok "complaint #$C ($CTRC) raised by inspector1: taken by inspector0, not given back by inspector9, given back by inspector0 (audited), waiting again on both screens"
