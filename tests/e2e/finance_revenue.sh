#!/usr/bin/env bash
# finance_revenue.sh - a commune's revenue collector at an 80x24 terminal over SSH
# (OpenSSH in tmux, password login): sees his commune's revenue, by day, month and
# document type, for a period he types; the totals equal what the database holds for
# his commune, to the centime; the payments list shows only his commune's requests;
# the Money view splits the collected sum by where the money stands; the CSV export
# writes exactly the payments; finance2 of another commune sees other figures and is
# refused a commune that is not hers.
source "$(dirname "$0")/lib.sh"

export WATIQA_PRINT_DIR=$T/print
wq_start_server

# what the database says a commune collected (all time), as the screen prints money
collected() {
	wq_sql "SELECT printf('%d.%02d', s / 100, s % 100) || ' (' || n || ')' FROM
		(SELECT coalesce(sum(p.amount_centimes), 0) AS s, count(*) AS n FROM payments p
		 JOIN requests r ON r.id = p.request_id JOIN offices o ON o.id = r.office_id
		 JOIN communes c ON c.id = o.commune_id WHERE c.code = '$1'
		 AND p.status IN ('confirmed', 'refund_owed', 'refunded'))"
}
HASSAN=$(collected RBT-HASSAN)
AGDAL=$(collected RBT-AGDAL)
[ "$HASSAN" != "0.00 (0)" ] || fail "the demo has no payment for RBT-HASSAN"

wq_login f1 finance1 watiqa-demo
wq_screen_wait f1 "Revenue" 15
wq_screen_wait f1 "RBT-HASSAN" 5
ok "finance1 logs in over SSH and sees the revenue of RBT-HASSAN"

# a period that holds every demo payment
set_period() {
	wq_type "$1" p
	wq_screen_wait "$1" "Show which period" 5
	wq_type "$1" C-u
	wq_type "$1" -l "$2"
	wq_type "$1" Enter
}
set_period f1 "2020..2030"
wq_screen_wait f1 "RBT-HASSAN 2020-01-01..2030-12-31  collected $HASSAN" 5
ok "period 2020..2030: collected $HASSAN, as in the database"

# by month: the collected column adds up to the same sum
wq_type f1 2
wq_screen_wait f1 "\[Month\]" 5
sum=$(wq_screen f1 | grep -E '^[> ] 20[0-9]{2}-[0-9]{2} ' | sed 's/^>/ /' |
	awk '{s += $6 * 100} END {printf "%.2f", s / 100}')
[ "$sum" = "${HASSAN% *}" ] || fail "months add up to $sum, not ${HASSAN% *}"
ok "revenue by month adds up to the collected sum"

# a bad period is refused with the field named
wq_type f1 p
wq_screen_wait f1 "Show which period" 5
wq_type f1 C-u
wq_type f1 -l "last month"
wq_type f1 Enter
wq_screen_wait f1 "Period: 2025-11, 2025-11-03" 5
wq_type f1 Escape
ok "a period that is not a date is refused, naming the field"

# payments: every tracking number shown belongs to RBT-HASSAN
wq_type f1 3
wq_screen_wait f1 "\[Pay\]" 5
shown=$(wq_screen f1 | grep -o 'W[0-9]\{10\}')
[ -n "$shown" ] || fail "no payment shown"
for t in $shown; do
	c=$(wq_sql "SELECT c.code FROM requests r JOIN offices o ON o.id = r.office_id
		JOIN communes c ON c.id = o.commune_id WHERE r.tracking = '$t'")
	[ "$c" = RBT-HASSAN ] || fail "$t of commune $c shown to finance1"
done
ok "the payments list shows RBT-HASSAN requests only"

# Money: the buckets add up to what was collected
wq_type f1 4
wq_screen_wait f1 "collected by the post" 5
buckets=$(wq_screen f1 | grep -E 'not produced yet|refund owed|awaiting a treasury|in a treasury batch|transferred to the' |
	awk '{s += $NF * 100} END {printf "%.2f", s / 100}')
[ "$buckets" = "${HASSAN% *}" ] || fail "buckets add up to $buckets, not ${HASSAN% *}"
ok "Money: processing + refund + awaiting + batched + transferred = collected"

# CSV export: one row per document of each payment (an extract and a full copy paid
# at once are two rows, each at its fee), amounts add up
wq_type f1 e
wq_screen_wait f1 "CSV (" 5
csv=$T/print/revenue-RBT-HASSAN-2020-01-01_2030-12-31.csv
[ -s "$csv" ] || fail "no CSV at $csv"
lines=$(tail -n +2 "$csv" | cut -d, -f7 | sort -u | wc -l)
[ "$lines" = "$(echo "$HASSAN" | tr -dc '0-9 ' | awk '{print $2}')" ] || fail "CSV has $lines payments, expected $HASSAN"
head -1 "$csv" | grep -q $'^confirmed_at,tracking,doc_type,copies,office,amount_mad,.*,line,refunded_mad\r$' || fail "CSV header: $(head -1 "$csv")"
csum=$(tail -n +2 "$csv" | awk -F, '{s += $6 * 100} END {printf "%.2f", s / 100}')
[ "$csum" = "${HASSAN% *}" ] || fail "CSV amounts add up to $csum"
# a row per document, and one for the postage abroad beyond the documents' fees
docs=$(wq_sql "SELECT coalesce(sum(CASE WHEN p.amount_centimes < x.s THEN 1
	ELSE x.n + (p.amount_centimes > x.s) END), 0) FROM payments p
	JOIN requests r ON r.id = p.request_id JOIN offices o ON o.id = r.office_id
	JOIN communes c ON c.id = o.commune_id JOIN (SELECT request_id, count(*) AS n,
	sum(fee_centimes) AS s FROM request_lines GROUP BY request_id) x ON x.request_id = r.id
	WHERE c.code = 'RBT-HASSAN' AND p.status IN ('confirmed','refund_owed','refunded')")
[ "$(($(wc -l <"$csv") - 1))" = "$docs" ] || fail "CSV has $(($(wc -l <"$csv") - 1)) rows, $docs documents paid"
both=$(wq_sql "SELECT r.tracking || ' ' || l1.fee_centimes || ' ' || l2.fee_centimes FROM requests r
	JOIN offices o ON o.id = r.office_id JOIN communes c ON c.id = o.commune_id
	JOIN request_lines l1 ON l1.request_id = r.id AND l1.line_no = 1
	JOIN request_lines l2 ON l2.request_id = r.id AND l2.line_no = 2
	WHERE c.code = 'RBT-HASSAN' AND r.state NOT IN ('pending_payment', 'expired') LIMIT 1")
if [ -n "$both" ]; then
	set -- $both
	[ "$(grep -c ",$1,extract," "$csv")" = 1 ] && [ "$(grep -c ",$1,full_copy," "$csv")" = 1 ] ||
		fail "$1 (extract and full copy) is not one row per document: $(grep ",$1," "$csv")"
	[ "$(grep ",$1,extract," "$csv" | cut -d, -f6)" = "$(printf '%d.%02d' $(($2 / 100)) $(($2 % 100)))" ] ||
		fail "$1's extract row: $(grep ",$1,extract," "$csv")"
	ok "CSV: $1 holds an extract and a full copy: a row for each, at its fee"
fi
ok "CSV export: $lines payments, $docs documents, $csum MAD, CRLF"

# another commune's officer sees her own figures; no key gives her RBT-HASSAN
wq_login f2 finance2 watiqa-demo
wq_screen_wait f2 "RBT-AGDAL" 15
set_period f2 "2020..2030"
wq_screen_wait f2 "collected $AGDAL" 5
wq_type f2 c
wq_screen_wait f2 "you collect for RBT-AGDAL only" 5
wq_screen f2 | grep -q "RBT-HASSAN" && fail "finance2 sees RBT-HASSAN"
ok "finance2 sees RBT-AGDAL ($AGDAL) and cannot switch commune"
