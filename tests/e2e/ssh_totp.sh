#!/usr/bin/env bash
# ssh_totp.sh - the staff's second factor over real OpenSSH, codes from oathtool (issue
# 12 item 13).  supervisor1 enrols from his own session (ssh -t ... totp: the secret as
# text and a QR code, a code to confirm, recovery codes shown once); from then on the
# password is followed by a keyboard-interactive code prompt: the app's code lets him in
# once (the same code again is refused: no replay), a recovery code works once; an admin
# resets it from the CLI and the code is no longer asked.  admin1, given one by the CLI,
# logs in with his key and then the code.  The database keeps the secret sealed under the
# server key, not readable.  Demo mode asks nobody without a secret; a
# server without --demo makes supervisor1 (a role that needs one) enrol before his
# screen.  Every step is in the audit log.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"
command -v oathtool >/dev/null || fail "oathtool not installed (make deps-test)"
wq_start_server
n_audit() { wq_sql "SELECT count(*) FROM audit_log WHERE action = '$1' AND target = '$2'"; }
# code SECRET [OFFSET_SECONDS]: the app's code now (or that many seconds later)
code() { oathtool --totp -b "$1" ${2:+-N "now + $2 seconds"}; }
ssh_cmd="ssh -p $WQ_SSH_PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"

"$WATIQA_BIN" help >"$T/help.txt"
grep -q "user totp-init USER" "$T/help.txt" || fail "watiqa help does not list totp-init"
grep -q "user totp-reset USER" "$T/help.txt" || fail "watiqa help does not list totp-reset"
ok "watiqa help lists user totp-init and user totp-reset"

# ---- demo: no code asked of an account without one ----
wq_login a supervisor1 watiqa-demo
wq_screen_wait a "Office board" 15
$WQ_TMUX kill-session -t a
[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE action LIKE 'totp.%'")" = 0 ] || fail "totp rows already"
ok "demo: supervisor1 logs in with his password alone"

# ---- enrolment from his own session ----
$WQ_TMUX new-session -d -s e -x 80 -y 24 "$ssh_cmd -o PubkeyAuthentication=no -t supervisor1@127.0.0.1 totp; sleep 30"
wq_screen_wait e "assword" 15
wq_type e watiqa-demo Enter
wq_screen_wait e "Second factor" 15
screen=$(wq_screen e)
grep -q "█" <<<"$screen" || { echo "$screen" >&2; fail "no QR code drawn"; }
secret=$(wq_screen e | grep -o '^    \([A-Z2-7]\{4\} \)\{7\}[A-Z2-7]\{4\}' | tr -d ' ')
[ "${#secret}" = 32 ] || { wq_screen e >&2; fail "no base32 secret on the screen: '$secret'"; }
wq_type e 000000 Enter
wq_screen_wait e "not the app's current one" 5
wq_type e BSpace BSpace BSpace BSpace BSpace BSpace
wq_type e "$(code "$secret")" Enter
wq_screen_wait e "Recovery codes" 5
mapfile -t recovery < <(wq_screen e | grep -o '[2-9a-hj-km-z]\{5\}-[2-9a-hj-km-z]\{5\}')
[ "${#recovery[@]}" = 8 ] || { wq_screen e >&2; fail "${#recovery[@]} recovery codes shown"; }
wq_type e Enter
wq_screen_wait e "Office board" 5
$WQ_TMUX kill-session -t e
[ "$(n_audit totp.begin supervisor1)" = 1 ] && [ "$(n_audit totp.enrolled supervisor1)" = 1 ] ||
	fail "enrolment not audited"
stored=$(wq_sql "SELECT secret FROM user_totp t JOIN users u ON u.id = t.user_id
	WHERE u.username = 'supervisor1'")
[ "${stored:0:3}" = e1: ] && [ "${stored/$secret/}" = "$stored" ] ||
	fail "the secret is stored readable: $stored"
ok "supervisor1 enrolled from his session: secret ${secret:0:4}..., QR code, a wrong code refused, 8 recovery codes; stored sealed (e1:...)"

# ---- password, then the code ----
login_code() { # NAME ANSWER [EXPECT]: password, then ANSWER at the code prompt
	wq_login "$1" supervisor1 watiqa-demo
	wq_screen_wait "$1" "Code (6 digits, or a recovery code)" 10
	wq_type "$1" "$2" Enter
}
# the enrolment used this step's code: the next step's (the window takes it) is new
next=$(code "$secret" 30)
login_code b "$next"
wq_screen_wait b "Office board" 10
wq_wait_for "$T/serve.log" "supervisor1@127.0.0.1: login ok (password + TOTP code)" 5
[ "$(n_audit totp.ok supervisor1)" = 1 ] || fail "totp.ok not audited"
[ "$(wq_sql "SELECT detail FROM audit_log WHERE action = 'login.ok' AND target = 'supervisor1'
	ORDER BY id DESC LIMIT 1")" = "password, code asked" ] || fail "login.ok does not say a code followed"
ok "password then the app's code (asked by keyboard-interactive): in, audited"

# the same code again, within its window: refused
login_code c "$next"
wq_screen_wait c "Code (6 digits, or a recovery code)" 10
sleep 0.5
grep -q "Office board" <<<"$(wq_screen c)" && fail "a code was taken twice"
[ "$(n_audit totp.fail supervisor1)" = 1 ] || fail "replay not audited as totp.fail"
ok "the same code a second time is refused (no replay in its window)"
# a recovery code, at the prompt asked again
wq_type c "${recovery[0]}" Enter
wq_screen_wait c "Office board" 10
[ "$(n_audit totp.recovery supervisor1)" = 1 ] || fail "recovery not audited"
login_code d "${recovery[0]}"
wq_screen_wait d "Code (6 digits, or a recovery code)" 10
sleep 0.5
grep -q "Office board" <<<"$(wq_screen d)" && fail "a recovery code was taken twice"
$WQ_TMUX kill-session -t d
ok "a recovery code lets him in once, not twice"

# ---- an admin resets it: no code asked ----
wq user totp-reset supervisor1 >/dev/null
[ "$(n_audit totp.reset supervisor1)" = 1 ] || fail "reset not audited"
wq_login f supervisor1 watiqa-demo
wq_screen_wait f "Office board" 15
ok "after 'watiqa user totp-reset supervisor1' the password alone is enough again (audited)"

# ---- key, then the code: admin1 enrolled by the CLI ----
ssh-keygen -q -t ed25519 -N '' -C admin1 -f "$T/admin1_key"
wq user key-add admin1 "$(cat "$T/admin1_key.pub")" >/dev/null
wq user totp-init admin1 >"$T/init.out"
asecret=$(sed -n 's/^secret: //p' "$T/init.out")
grep -q "█" "$T/init.out" && [ "$(grep -c '^  [2-9a-z]\{5\}-' "$T/init.out")" = 8 ] ||
	fail "totp-init printed no QR code or recovery codes"
$WQ_TMUX new-session -d -s k -x 80 -y 24 "$ssh_cmd -o IdentitiesOnly=yes -i $T/admin1_key \
	-o PasswordAuthentication=no admin1@127.0.0.1; sleep 30"
wq_screen_wait k "Code (6 digits, or a recovery code)" 15
wq_type k "$(code "$asecret")" Enter
wq_wait_for "$T/serve.log" "admin1@127.0.0.1: login ok (ssh-ed25519 + TOTP code)" 10
ok "admin1: key, then the code (secret from watiqa user totp-init)"

# ---- agent2 enrols from the queue screen itself: T, the secret, a code, back ----
wq_login t agent2 watiqa-demo
wq_screen_wait t "Agent queue" 15
wq_type t T
wq_screen_wait t "Second factor" 10
tsecret=$(wq_screen t | grep -o '^    \([A-Z2-7]\{4\} \)\{7\}[A-Z2-7]\{4\}' | tr -d ' ')
[ "${#tsecret}" = 32 ] || { wq_screen t >&2; fail "T: no base32 secret on the screen"; }
wq_type t "$(code "$tsecret")" Enter
wq_screen_wait t "Recovery codes" 5
wq_type t Enter
wq_screen_wait t "Agent queue" 5
$WQ_TMUX kill-session -t t
[ "$(n_audit totp.enrolled agent2)" = 1 ] || fail "agent2's enrolment from the screen not audited"
wq_login u agent2 watiqa-demo
wq_screen_wait u "Code (6 digits, or a recovery code)" 10
$WQ_TMUX kill-session -t u
ok "agent2 pressed T on the queue, enrolled (audited), and the next login asks the code"

# ---- a real server (no --demo): a supervisor without a second factor enrols first ----
kill "$WQ_SERVE_PID"
wait "$WQ_SERVE_PID" 2>/dev/null || true
$WQ_TMUX kill-server 2>/dev/null || true
WATIQA_GATEWAY_SECRET=ssh-totp-test-secret-0123456789 "$WATIQA_BIN" serve --db "$WQ_DB" \
	--ssh-port "$WQ_SSH_PORT" --http-port "$WQ_HTTP_PORT" >"$T/serve2.log" 2>&1 &
WQ_SERVE_PID=$!
WQ_PIDS+=($WQ_SERVE_PID)
wq_wait_for "$T/serve2.log" "ssh listening on" 30
wq_login g supervisor1 watiqa-demo
wq_screen_wait g "Your role needs it before anything else" 15
wq_type g q
wq_wait_for "$T/serve2.log" "supervisor1@127.0.0.1: session ended (status 1" 10
grep -q "Office board" <<<"$(wq_screen g)" && fail "supervisor1 skipped the enrolment"
wq_login h agent1 watiqa-demo
wq_screen_wait h "W[0-9]\{10\}" 15
ok "without --demo supervisor1 must enrol before his board (leaving ends the session); agent1 (not a TOTP role) is not asked"
wq audit verify >/dev/null || fail "audit chain broken"
