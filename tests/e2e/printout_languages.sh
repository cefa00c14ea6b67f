#!/usr/bin/env bash
# printout_languages.sh - the staff printouts in the printing account's language, over
# OpenSSH: agent1 (French) and agent2 (Arabic) print a request sheet from their queue
# (p), post1 (French) the day's dispatch list (D); each file is in the account's
# language with local dates and money, the verification code's line as it always is,
# and agent3 (English) still prints the English sheet.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

wq_start_server
export WATIQA_PRINT_DIR=$T/print
"$WATIQA_BIN" user lang agent1 fr >/dev/null
"$WATIQA_BIN" user lang agent2 ar >/dev/null
"$WATIQA_BIN" user lang post1 fr >/dev/null

# print NAME USER: logs USER in, prints the sheet of the row under the cursor, prints
# the file's path
print_sheet() {
	wq_login "$1" "$2" watiqa-demo
	wq_screen_wait "$1" "Watiqa" 15
	sleep 0.5
	local t
	t=$(wq_screen "$1" | grep -o 'W[0-9]\{10\}' | head -1)
	[ -n "$t" ] || fail "$2 has no request on his screen"
	rm -f "$T/print/sheet-$t.txt" # agent1 and agent2 share an office: the same first row
	wq_type "$1" p
	for ((i = 0; i < 300; i++)); do
		[ -s "$T/print/sheet-$t.txt" ] && break
		sleep 0.1
	done
	[ -s "$T/print/sheet-$t.txt" ] || fail "$2 printed no sheet of $t"
	echo "$T/print/sheet-$t.txt"
}

fr=$(print_sheet f agent1)
for want in "^ROYAUME DU MAROC - ÉTAT CIVIL - WATIQA" "^Fiche de demande   W[0-9]\{10\}" \
	"^État : " "^Commandée : [0-3][0-9]/[01][0-9]/20[0-9][0-9] " "(heure du Maroc)" \
	"^Historique ([0-9]* événements)" "enregistré par " "^Imprimé par agent1"; do
	grep -q "$want" "$fr" || { cat "$fr" >&2; fail "French sheet lacks '$want'"; }
done
grep -q "Request sheet\|Printed by\|History" "$fr" && { cat "$fr" >&2; fail "English left on the French sheet"; }
wq_screen_wait f "fiche écrite dans" 5
ok "agent1 (French) printed $(basename "$fr") in French, dates dd/mm/yyyy"

ar=$(print_sheet a agent2)
for want in "^المملكة المغربية - الحالة المدنية - وثيقة" "^بطاقة الطلب   W[0-9]\{10\}" \
	"^السجل ([0-9]* أحداث)" "سجله " "^طبعه agent2"; do
	grep -q "$want" "$ar" || { cat "$ar" >&2; fail "Arabic sheet lacks '$want'"; }
done
grep -q "Request sheet\|Printed by\|Fiche de demande" "$ar" && { cat "$ar" >&2; fail "English or French left on the Arabic sheet"; }
ok "agent2 (Arabic) printed $(basename "$ar") in Arabic"

en=$(print_sheet e agent3)
grep -q "^Request sheet   W" "$en" && grep -q "^Printed by agent3" "$en" ||
	{ cat "$en" >&2; fail "the English sheet changed"; }
ok "agent3 (English) prints in English"

wq_login p post1 watiqa-demo
wq_screen_wait p "Watiqa" 15
wq_type p D
for ((i = 0; i < 50; i++)); do
	ls "$T"/print/dispatch-*.txt >/dev/null 2>&1 && break
	sleep 0.1
done
d=$(ls "$T"/print/dispatch-*.txt | head -1)
for want in "^Bordereau d'envoi du jour   [0-3][0-9]/[01][0-9]/20" "^Heures : heure du Maroc" \
	"^ N°  Recommandé" "^Total : [0-9]* enveloppe" "^Remis par (bureau)" "^Imprimé par post1"; do
	grep -q "$want" "$d" || { cat "$d" >&2; fail "French dispatch list lacks '$want'"; }
done
ok "post1 (French) printed $(basename "$d") in French"
