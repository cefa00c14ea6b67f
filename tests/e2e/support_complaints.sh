#!/usr/bin/env bash
# support_complaints.sh - support1, over OpenSSH, lists every complaint in the country
# (c from the search): the open ones first, oldest first; narrows by state, province and
# office and clears the filters; the list follows live when an inspector takes one;
# opens a complaint's request on the page of everything and comes back to the same row;
# Tab goes back to the search.  No other role opens the list.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

ui_serve_as support1 "Support"
total=$(wq_sql "SELECT count(*) FROM complaints")
[ "$total" -ge 5 ] || fail "the demo has $total complaints"
first=$(wq_sql "SELECT id FROM complaints ORDER BY CASE state WHEN 'resolved' THEN 2
	WHEN 'answered' THEN 1 ELSE 0 END, opened_at, id LIMIT 1")
in_prov() { wq_sql "SELECT count(*) FROM complaints c JOIN requests r ON r.id = c.request_id
	JOIN offices o ON o.id = r.office_id JOIN communes m ON m.id = o.commune_id
	JOIN provinces p ON p.id = m.province_id WHERE p.code = '$1'"; }

ui_open_as s support1
wq_screen_wait s "Support" 15
wq_type s c
wq_screen_wait s "All complaints" 5
wq_screen_wait s "Open $total | $total/$total" 5
wq_screen_wait s "^> *$first " 5
ok "support1 lists the $total complaints of the country, the oldest open one (#$first) first ($VIA)"

# an inspector takes one of RABAT's: it leaves the open ones without a key here
ui_open_as i inspector1
wq_screen_wait i "Complaints" 15
wq_type i t
wq_screen_wait i "is yours" 5
taken=$(wq_sql "SELECT id FROM complaints WHERE state = 'taken' LIMIT 1")
[ -n "$taken" ] || fail "inspector1 took nothing"
wq_screen_wait s "^. *$taken [0-9dhm ]*taken " 5
ok "inspector1 took #$taken: taken on support1's list without a key"

# by state: open, then taken
open=$(wq_sql "SELECT count(*) FROM complaints WHERE state = 'open'")
wq_type s f
wq_screen_wait s "open $open/$total" 5
wq_type s f
wq_screen_wait s "taken 1/$total" 5
wq_screen_wait s "^> *$taken .*taken" 5
wq_type s x
wq_screen_wait s " Open $total | $total/$total" 5
ok "state filter: $open open, 1 taken; x shows all again"

# by province, then by office
k=$(in_prov KENITRA)
wq_type s p
wq_screen_wait s "Complaints of which province" 5
wq_type s -l KENITRA
wq_type s Enter
wq_screen_wait s "KENITRA $k/$total" 5
wq_screen s | grep -q "RBT-" && fail "a RABAT office's complaint shown under KENITRA"
office=$(wq_screen s | grep -o 'KEN-[A-Z]*-[0-9]' | head -1)
n_office=$(wq_sql "SELECT count(*) FROM complaints c JOIN requests r ON r.id = c.request_id
	JOIN offices o ON o.id = r.office_id WHERE o.code = '$office'")
wq_type s b
wq_screen_wait s "Complaints of which office" 5
wq_type s -l "$office"
wq_type s Enter
wq_screen_wait s "KENITRA $office $n_office/$total" 5
ok "KENITRA: $k complaints; office $office: $n_office"

# from a complaint to its request and back
row=$(wq_screen s | grep -o '^> *[0-9]*' | tr -dc 0-9)
tr=$(wq_sql "SELECT r.tracking FROM complaints c JOIN requests r ON r.id = c.request_id
	WHERE c.id = $row")
wq_type s Enter
wq_screen_wait s "$tr: everything (Esc closes)" 5
wq_type s Escape
ui_wait_gone s "everything (Esc closes)" 5
wq_screen_wait s "^> *$row .*$tr" 5
wq_type s x
wq_type s Tab
wq_screen_wait s "Watiqa | Support" 5
ok "complaint #$row opened $tr's page and came back to it; Tab back to the search"

# no other role opens the list
set +e
out=$(WATIQA_DB=$WQ_DB "$WATIQA_BIN" ui inspector1 support_complaints 2>&1 </dev/null)
rc=$?
set -e
[ $rc = 2 ] || fail "inspector1 opened support's complaint list: $out"
ok "inspector1 may not open it ($out)"
