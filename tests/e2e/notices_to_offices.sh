#!/usr/bin/env bash
# notices_to_offices.sh - messages to offices over OpenSSH (issue 14 item 4): inspector1
# (RABAT) writes a notice to office RBT-HAS-1 from its notices screen (M); agent1, of
# that office and reading its screens in French, sees the title line's mark appear
# without pressing a key, opens the list, reads the notice and replies; inspector1 sees
# the reply arrive the same way and, opening the thread, who read the notice and when;
# agent2, of the same office and reading in Arabic, sees the mark too and replies in
# Arabic, which inspector1 reads reordered for its terminal; agent3, of another office,
# sees no mark and an empty list; its supervisor may not write to RBT-HAS-1.  Each step
# audited.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

ui_serve_as inspector1 "Complaints"
wq user lang agent1 fr >/dev/null || fail "watiqa user lang agent1 fr"
wq user lang agent2 ar >/dev/null || fail "watiqa user lang agent2 ar"
BODY="Inventaire des registres vendredi à 10 h, merci de préparer les actes de 1990."
REPLY="Bien reçu, les registres seront prêts."
REPLY_AR="تم الاستلام شكرا"
# as the server draws it on a terminal without bidi: the Arabic run right to left
REPLY_AR_SHOWN="اركش مالتسالا مت"

ui_open_as a agent1
wq_screen_wait a "File agent" 15
wq_screen_wait a "RBT-HAS-1" 5
ui_open_as o agent3
wq_screen_wait o "RBT-AGD-1" 15
ui_open_as b agent2
wq_screen_wait b "RBT-HAS-1" 15
ui_open_as i inspector1
wq_screen_wait i "Complaints" 15

# inspector1 writes to the office from its notices screen
wq_type i M
wq_screen_wait i "Notices" 5
# only the demo's: the national answer to what he raised, read (no mark)
wq_screen_wait i "^> .*inspector0 *inspector1 *W[0-9]\{10\}: Vu avec le bureau" 5
wq_screen i | head -1 | grep -q "Threads 1 *$" ||
	fail "inspector1's list holds more than the demo's answer"
wq_screen i | head -1 | grep -q "M: " && fail "the demo's answer left a mark"
N0=$(wq_sql "SELECT count(*) FROM notices")
# too long: refused with the field and the limit named, nothing written, the text kept
LONG=$(printf 'Registre %.0s' $(seq 1 60))
LONG=${LONG% } # 539 bytes
wq_type i w
wq_screen_wait i "Write a notice to" 5
wq_type i Enter # an office
wq_screen_wait i "Office code:" 5
wq_type i -l "RBT-HAS-1"
wq_type i Enter
wq_screen_wait i "Notice:" 5
wq_type i -l "$LONG"
wq_type i Enter
wq_screen_wait i "notice not sent: the notice is longer than 499 bytes" 5
[ "$(wq_sql "SELECT count(*) FROM notices")" = "$N0" ] || fail "a notice too long was written"
ok "a notice of 539 bytes is refused, the field and its limit named; nothing written"
wq_type i w
wq_screen_wait i "Write a notice to" 5
wq_type i Enter
wq_screen_wait i "Office code:" 5
wq_type i -l "RBT-HAS-1"
wq_type i Enter
wq_screen_wait i "Notice: .*Registre Registre" 5 # the refused text, to be shortened
wq_type i C-u
wq_type i -l "$BODY"
wq_type i Enter
wq_screen_wait i "notice #[1-9][0-9]* sent to RBT-HAS-1" 5
N=$(wq_sql "SELECT max(id) FROM notices")
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = 'notice.send'
	AND actor_label = 'inspector1' AND target = 'notice $N'")" = 1 ] || fail "send not audited"
ok "inspector1 wrote notice #$N to RBT-HAS-1 ($(wq_sql "SELECT count(*) FROM notice_recipients WHERE notice_id = $N") accounts; audited) ($VIA)"

# agent1 (French) sees the mark live, without a key; agent3 sees nothing
wq_screen_wait a "M : 1 nouv\." 10
wq_screen "a" | head -1 | grep -q "File agent" || fail "agent1's title line lost its title"
sleep 1.5 # a poll or two more: agent3's screen had the same chance to change
! wq_screen o | grep -q "M: \|nouv\.\|جديد" || { wq_screen o >&2; fail "agent3 (RBT-AGD-1) got a mark"; }
wq_screen_wait b "ديدج" 5 # "M: 1 جديد", drawn right to left
ok "agent1 (RBT-HAS-1, in French) sees 'M : 1 nouv.' on its title line without a key, agent2 its Arabic mark; agent3 (RBT-AGD-1) nothing"

# agent1 opens the list, reads, replies
wq_type a M
wq_screen_wait a "Avis" 5
wq_screen_wait a "^>.*inspector1 *RBT-HAS-1 *Inventaire des registres" 5
wq_type a Enter
wq_screen_wait a "Avis n° $N" 5
wq_screen_wait a "inspector1 à RBT-HAS-1" 5
wq_screen_wait a "Inventaire des registres vendredi à 10 h, merci de préparer les actes" 5
wq_type a Escape
ui_wait_gone a "M : 1 nouv" 5
[ "$(wq_sql "SELECT read_at IS NOT NULL FROM notice_recipients r JOIN users u ON u.id = r.user_id
	WHERE r.notice_id = $N AND u.username = 'agent1'")" = 1 ] || fail "agent1's read not recorded"
[ "$(wq_sql "SELECT count(*) FROM notice_recipients r JOIN users u ON u.id = r.user_id
	WHERE r.notice_id = $N AND u.username = 'agent2' AND r.read_at IS NULL")" = 1 ] ||
	fail "agent2's copy was marked read by agent1's"
ui_row b 0 | grep -q "ديدج" || fail "agent2's mark went with agent1's reading"
wq_type a r
wq_screen_wait a "Réponse :" 5
wq_type a -l "$REPLY"
wq_type a Enter
wq_screen_wait a "avis n° [1-9][0-9]* envoyé à inspector1" 5
ok "agent1 read notice #$N (its receipt; agent2's still unread, its mark still on) and replied in French"

# agent2 (Arabic) reads it and replies in Arabic
wq_screen_wait i "M: 1 new" 10
wq_type b M
wq_screen_wait b "RBT-HAS-1 *inspector1" 5 # the columns mirrored
wq_type b Enter
wq_screen_wait b "Inventaire des registres vendredi" 5
wq_type b Escape
# the title line's mark gone (the list's column "جديد" stays)
for ((k = 0; k < 300; k++)); do ui_row b 0 | grep -q "ديدج" || break; sleep 0.1; done
! ui_row b 0 | grep -q "ديدج" || { wq_screen b >&2; fail "agent2's mark stayed after reading"; }
wq_type b r
wq_type b -l "$REPLY_AR"
wq_type b Enter
ar_replies() { wq_sql "SELECT count(*) FROM notices WHERE author_label = 'agent2' AND body = '$REPLY_AR'"; }
for ((k = 0; k < 300; k++)); do [ "$(ar_replies)" = 1 ] && break; sleep 0.1; done
[ "$(ar_replies)" = 1 ] || { wq_screen b >&2; fail "agent2's Arabic reply not stored as typed"; }
ok "agent2 (Arabic) read notice #$N and replied in Arabic"

# inspector1 sees the replies arrive, then the receipts and the replies in the thread
wq_screen_wait i "M: 2 new" 10
wq_type i Home # the newest thread is first; the cursor stayed on the demo's
wq_screen_wait i "^>  *2 .*inspector1 *RBT-HAS-1 *+ Inventaire" 5
wq_type i Enter
wq_screen_wait i "Notice #$N" 5
wq_screen_wait i "read by 2 of [0-9]*:" 5
wq_screen_wait i "agent1  *[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]" 5
wq_screen_wait i "agent2  *[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]" 5
wq_screen_wait i "officer1  *not read yet" 5
wq_screen_wait i "agent1 to inspector1" 5
wq_screen_wait i "Bien reçu, les registres seront prêts." 5
wq_screen_wait i "agent2 to inspector1" 5
wq_screen_wait i "$REPLY_AR_SHOWN" 5
wq_type i Escape
ui_wait_gone i "M: 2 new" 5
for act in notice.send notice.read notice.reply; do
	[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action = '$act'")" -ge 1 ] ||
		fail "no $act in the audit log"
done
ok "inspector1 sees the replies live (the Arabic one reordered), who read notice #$N and when (agent1, agent2) and who did not (officer1); send, read, reply audited"

# agent3, of another office: nothing in its list either
wq_type o M
wq_screen_wait o "No notice yet" 5
wq_type o M
wq_screen_wait o "Agent queue" 5
ok "agent3 (RBT-AGD-1) has no notice; M brings it back to its queue"

# a supervisor writes to its own office only: supervisor2 (RBT-AGD-1), in French, is
# refused RBT-HAS-1 in French
before=$(wq_sql "SELECT count(*) FROM notices")
wq user lang supervisor2 fr >/dev/null || fail "watiqa user lang supervisor2 fr"
ui_open_as s supervisor2
wq_screen_wait s "RBT-AGD-1" 15
wq_type s M
wq_screen_wait s "Avis" 5
wq_type s w
wq_screen_wait s "Écrire un avis à" 5
wq_type s Enter
wq_screen_wait s "Code du bureau : RBT-AGD-1" 5 # its own office to start from
wq_type s C-u
wq_type s -l "RBT-HAS-1"
wq_type s Enter
wq_screen_wait s "Avis :" 5
wq_type s -l "Prêtez-nous un registre"
wq_type s Enter
wq_screen_wait s "avis non envoyé: hors de votre périmètre : un superviseur écrit à son bureau" 5
[ "$(wq_sql "SELECT count(*) FROM notices")" = "$before" ] || fail "supervisor2's notice was written"
ok "supervisor2 (RBT-AGD-1) may not write to RBT-HAS-1: refused on its screen in French, nothing written"
