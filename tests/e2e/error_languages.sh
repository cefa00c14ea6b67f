#!/usr/bin/env bash
# error_languages.sh - the data layer's refusals read in the account's language on the
# status line, over OpenSSH.  inspector1 (French) and inspector2 (Arabic) each raise a
# request of their province to the national inspection, then raise it again: the data
# layer refuses (the raise waits for its answer) with an English sentence and its key;
# the screen shows the key's translation with the tracking number put back in, in
# French, and in Arabic (reordered by the server: its words read reversed in the pane).
source "$(dirname "$0")/lib.sh"

wq_start_server
"$WATIQA_BIN" user lang inspector1 fr >/dev/null
"$WATIQA_BIN" user lang inspector2 ar >/dev/null

# raise_twice NAME USER: the row under the cursor of USER's escalations (every late
# request), raised once then again; prints its tracking number
raise_twice() {
	wq_login "$1" "$2" watiqa-demo
	wq_screen_wait "$1" "Watiqa" 15
	wq_type "$1" E
	sleep 0.5
	wq_type "$1" l
	# the list of every late request, not the screen before it (a fixed 0.8 s was read
	# too early on a loaded machine): its status line, in French or Arabic (each Arabic
	# word reversed in the pane)
	wq_screen_wait "$1" "toutes les demandes en retard\|$(printf '%s' 'المتأخرة' | rev)" 10
	# and its first row: the list is read again after the key, the status line may come
	# with the paint before (once, at load 14, the pane had no tracking number yet)
	wq_screen_wait "$1" 'W[0-9]\{10\}' 30
	local t
	t=$(wq_screen "$1" | grep -o 'W[0-9]\{10\}' | head -1)
	[ -n "$t" ] || fail "$2 has no late request"
	for note in "Premier signalement du retard" "Second signalement du retard"; do
		wq_type "$1" e
		sleep 0.5
		wq_type "$1" -l "$note"
		wq_type "$1" Enter
		sleep 0.8
	done
	echo "$t"
}
status() { wq_screen "$1" | tail -n 2 | head -n 1; }

t=$(raise_twice f inspector1)
wq_screen_wait f "! remontée de la demande: $t attend déjà la réponse nationale" 5
status f | grep -q "already\|waits" && fail "English left on the status line: $(status f)"
[ "$(wq_sql "SELECT count(*) FROM request_raises x JOIN requests r ON r.id = x.request_id
	WHERE r.tracking = '$t' AND x.state = 'raised'")" = 1 ] || fail "$t raised twice"
ok "inspector1 (French): $(status f | cut -c1-78)"

t2=$(raise_twice a inspector2)
# the Arabic line is reordered for display: each Arabic word reads reversed in the pane
for w in الوطني الجواب ينتظر; do
	r=$(printf '%s' "$w" | rev)
	wq_screen_wait a "$r" 5
done
status a | grep -q "$t2" || fail "the tracking number is not on the Arabic status line: $(status a)"
status a | grep -q "already\|waits\|attend" && fail "English or French left: $(status a)"
ok "inspector2 (Arabic): the refusal in Arabic with $t2 kept readable"
