#!/usr/bin/env bash
# national_requests.sh - a request raised by a province reaches the national inspection
# over OpenSSH: inspector1 (RABAT) raises a late request of his province from his
# escalations (E, l, e) with a note; it appears on inspector0's national queue (N)
# without a key; inspector0 reads it and answers the province; inspector1 reads the
# answer on his list of what RABAT raised (N, A), in the request's history, and as a
# notice whose mark comes live on his title line; inspector2 (KENITRA) does not see it.
# Also: inspector0's complaint queue, empty, says so without naming a province.
source "$(dirname "$0")/lib.sh"

wq_start_server
TRC=$(wq_sql "SELECT r.tracking FROM requests r JOIN offices o ON o.id = r.office_id
	JOIN communes c ON c.id = o.commune_id JOIN provinces p ON p.id = c.province_id
	WHERE p.code = 'RABAT' AND r.state = 'paid'
	AND NOT EXISTS (SELECT 1 FROM request_raises x WHERE x.request_id = r.id)
	ORDER BY r.paid_at, r.id LIMIT 1")
[ -n "$TRC" ] || fail "no paid request in RABAT in the demo"
ID=$(wq_sql "SELECT id FROM requests WHERE tracking = '$TRC'")

wq_login n inspector0 watiqa-demo
wq_screen_wait n "Complaints" 15
wq_screen_wait n "No complaint was raised to the national inspection" 5
wq_screen n | grep -q "province" && fail "inspector0's empty queue names a province"
wq_type n N
wq_screen_wait n "National inspection" 5
wq_screen n | grep -q "$TRC" && fail "$TRC on the national queue before it is raised"
ok "inspector0: no complaint raised, the national queue without $TRC (the demo's: $(wq_sql "SELECT count(*) FROM request_raises WHERE state = 'raised'") waiting)"

wq_login i inspector1 watiqa-demo
wq_screen_wait i "Complaints" 15
wq_type i E
wq_screen_wait i "Escalations" 5
wq_type i l
wq_screen_wait i "every late request" 5
wq_type i /
wq_screen_wait i "Search:" 5
wq_type i -l "$TRC"
wq_type i Enter
wq_screen_wait i "^>.$TRC" 5
wq_type i e
wq_screen_wait i "Raise $TRC to the national inspection" 5
wq_type i -l "Le bureau ne traite plus la file depuis lundi"
wq_type i Enter
wq_screen_wait i "$TRC raised to the national inspection" 5
[ "$(wq_sql "SELECT state || '|' || note || '|' || (SELECT username FROM users WHERE id = raised_by)
	FROM request_raises WHERE request_id = $ID")" = "raised|Le bureau ne traite plus la file depuis lundi|inspector1" ] ||
	fail "raise: $(wq_sql "SELECT * FROM request_raises WHERE request_id = $ID")"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'request.raise' AND target = '$TRC'
	AND actor_label = 'inspector1'")" = 1 ] || fail "the raise is not audited"
ok "inspector1 raised $TRC with a note (audited)"

# a second raise while the first waits is refused, and says why
wq_type i e
wq_screen_wait i "Raise $TRC to the national inspection" 5
wq_type i -l "encore"
wq_type i Enter
wq_screen_wait i "already waits for the national answer" 5
[ "$(wq_sql "SELECT count(*) FROM request_raises WHERE request_id = $ID")" = 1 ] ||
	fail "raised twice"
ok "raised again while it waits: refused, nothing written"

wq_screen_wait n "$TRC" 10
wq_screen n | grep "$TRC" | grep -q "inspector1" || fail "the row does not say who raised it"
ok "$TRC on inspector0's national queue without a key, raised by inspector1"

ANSWER="Vu avec le bureau: renfort de la province jeudi, envoi avant vendredi."
U0=$(wq_sql "SELECT count(*) FROM notice_recipients x JOIN users u ON u.id = x.user_id
	WHERE u.username = 'inspector1' AND x.read_at IS NULL")
! wq_screen i | head -1 | grep -q "M: $((U0 + 1)) new" || fail "inspector1's mark before the answer"
wq_type n /
wq_screen_wait n "Search:" 5
wq_type n -l "$TRC"
wq_type n Enter
wq_screen_wait n "^>.*$TRC" 5
wq_type n v
wq_screen_wait n "Why: *Le bureau ne traite plus la file depuis lundi" 5
wq_type n Escape
wq_type n a
wq_screen_wait n "Answer to the province on $TRC" 5
wq_type n -l "$ANSWER"
wq_type n Enter
wq_screen_wait n "answered: the province reads the answer" 5
[ "$(wq_sql "SELECT state || '|' || answer || '|' || (SELECT username FROM users WHERE id = inspector_id)
	FROM request_raises WHERE request_id = $ID")" = "answered|$ANSWER|inspector0" ] ||
	fail "answer: $(wq_sql "SELECT * FROM request_raises WHERE request_id = $ID")"
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'request.raise_answer'
	AND target = '$TRC' AND actor_label = 'inspector0'")" = 1 ] || fail "answer not audited"
ok "inspector0 read the note and answered the province (audited)"

# the answer tells inspector1, who raised it: his title line's mark, live, without a key
wq_screen_wait i "M: $((U0 + 1)) new" 10
wq_screen i | head -1 | grep -q "M: $((U0 + 1)) new" || fail "the mark is not on the title line"
[ "$(wq_sql "SELECT count(*) FROM notices n JOIN notice_recipients x ON x.notice_id = n.id
	JOIN users u ON u.id = x.user_id WHERE n.author_label = 'inspector0'
	AND u.username = 'inspector1' AND n.body = '$TRC: $ANSWER'")" = 1 ] ||
	fail "no notice of the answer to inspector1"
# and the request's history holds it, its state kept (nothing for the citizen's page)
[ "$(wq_sql "SELECT actor_label || '|' || (from_state = to_state) FROM request_events
	WHERE request_id = $ID ORDER BY id DESC LIMIT 1")" = "inspector0|1" ] ||
	fail "the answer is not the request's last event"
ok "inspector1's title line shows 'M: $((U0 + 1)) new' after the answer; the answer is in $TRC's history"

wq_type i N
wq_screen_wait i "National inspection" 5
wq_type i A
wq_screen_wait i "answered ones too" 5
wq_screen_wait i "$TRC" 5
wq_type i /
wq_screen_wait i "Search:" 5
wq_type i -l "$TRC"
wq_type i Enter
wq_screen_wait i "^>.*$TRC" 5
wq_screen i | grep "$TRC" | grep -q "answered" || fail "not shown answered"
wq_type i v
wq_screen_wait i "Answered: .* by inspector0" 5
wq_screen_wait i "Answer: *Vu avec le bureau: renfort de la province jeudi" 5
wq_type i Space # the history is on the next page
wq_screen_wait i "inspector0 *paid -> paid" 5
wq_screen_wait i "  answer of the national inspection: Vu avec le bureau" 5
wq_type i Escape
ok "inspector1 reads inspector0's answer on what RABAT raised, and in $TRC's history"

# the notice on his list (M), from inspector0, the tracking number and the answer
wq_type i M
wq_screen_wait i "Notices" 5
wq_screen_wait i "inspector0 .*$TRC: Vu avec le bureau" 5
wq_type i Escape
ok "inspector1's notices list the answer's notice from inspector0"

wq_login k inspector2 watiqa-demo
wq_screen_wait k "Complaints" 15
wq_type k N
wq_screen_wait k "National inspection" 5
wq_type k A
wq_screen_wait k "answered ones too" 5
sleep 0.5
wq_screen k | grep -q "$TRC" && fail "inspector2 (KENITRA) sees RABAT's $TRC"
for t in $(wq_screen k | grep -o 'W[0-9]\{10\}'); do
	p=$(wq_sql "SELECT p.code FROM requests r JOIN offices o ON o.id = r.office_id
		JOIN communes c ON c.id = o.commune_id JOIN provinces p ON p.id = c.province_id
		WHERE r.tracking = '$t'")
	[ "$p" = KENITRA ] || fail "$t of $p on inspector2's list"
done
ok "inspector2 (KENITRA) sees none of RABAT's raises"
