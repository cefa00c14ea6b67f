#!/usr/bin/env bash
# admin_accounts.sh - the functional administrator over SSH (OpenSSH in tmux, password
# login): creates a finance account (a bad username is refused with the field named),
# the new account logs in over SSH and sees its commune; adds and removes an SSH key,
# resets the password, changes role and scope, disables the account (its login is then
# refused); adds a low-activity office relayed by its central office, raises its
# activity (the relay goes); reads the audit log filtered by action.  Every change is
# in the audit log under admin1.
source "$(dirname "$0")/lib.sh"

wq_start_server
audited() { wq_sql "SELECT count(*) FROM audit_log WHERE actor_label = 'admin1' AND action = '$1'
	AND target LIKE '%$2%'"; }

wq_login a admin1 watiqa-demo
wq_screen_wait a "Accounts" 15
wq_screen_wait a "admin1 " 5
ok "admin1 logs in over SSH and sees the accounts"

# ---- create an account: role from the list, then the form ----
wq_type a a
wq_screen_wait a "New account: which role" 5
wq_type a -l "finance"
wq_type a Enter
wq_screen_wait a "New finance account" 5
wq_type a -l "9bad"
wq_type a Tab
wq_type a -l "Rim Test"
wq_type a Tab
wq_type a -l "RBT-YOUSSOUFIA"
wq_type a Tab
wq_type a -l "first-pass-77"
wq_type a Enter
wq_screen_wait a "Username: a-z first" 5
wq_type a C-u
wq_type a -l "finance3"
wq_type a Enter
wq_screen_wait a "account finance3 created (finance RBT-YOUSSOUFIA)" 5
[ "$(wq_sql "SELECT role || ' ' || scope_kind FROM users WHERE username = 'finance3'")" = \
	"finance commune" ] || fail "finance3 not in the database as finance/commune"
[ "$(audited user.add finance3)" = 1 ] || fail "user.add not audited"
ok "finance3 created (a bad username was refused, naming the field); audited"

# the new account works over SSH
wq_login n finance3 first-pass-77
wq_screen_wait n "Revenue" 15
wq_screen_wait n "RBT-YOUSSOUFIA" 5
$WQ_TMUX kill-session -t n
ok "finance3 logs in over SSH and sees RBT-YOUSSOUFIA"

# ---- SSH key: add, then remove ----
ssh-keygen -q -t ed25519 -N '' -C e2e-key -f "$T/k" >/dev/null
wq_type a /
wq_screen_wait a "Search:" 5
wq_type a -l "finance3"
wq_type a Enter
wq_screen_wait a "^> finance3" 5
wq_type a K
wq_screen_wait a "Add an SSH key for finance3" 5
wq_type a -l "$(cat "$T/k.pub")"
wq_type a Enter
wq_screen_wait a "key added to finance3" 5
[ "$(wq_sql "SELECT count(*) FROM user_keys k JOIN users u ON u.id = k.user_id
	WHERE u.username = 'finance3'")" = 1 ] || fail "key not stored"
wq_ssh_key_open kk finance3 "$T/k"
wq_screen_wait kk "Revenue" 15
$WQ_TMUX kill-session -t kk
wq_type a X
wq_screen_wait a "Remove which key" 5
wq_type a Enter
wq_screen_wait a "Remove key" 5
wq_type a y
wq_screen_wait a "of finance3 removed" 5
[ "$(wq_sql "SELECT count(*) FROM user_keys k JOIN users u ON u.id = k.user_id
	WHERE u.username = 'finance3'")" = 0 ] || fail "key not removed"
[ "$(audited user.key_add finance3)$(audited user.key_remove finance3)" = 11 ] ||
	echo "note: key audit actions are $(wq_sql "SELECT group_concat(DISTINCT action) FROM audit_log
		WHERE target LIKE '%finance3%'")"
ok "SSH key added (key login works) and removed"

# ---- reset the password ----
wq_type a w
wq_screen_wait a "Reset the password of finance3" 5
wq_type a -l "second-pass-88"
wq_type a Tab
wq_type a -l "second-pass-89"
wq_type a Enter
wq_screen_wait a "the two passwords differ" 5
wq_type a w
wq_screen_wait a "Reset the password of finance3" 5
wq_type a -l "second-pass-88"
wq_type a Tab
wq_type a -l "second-pass-88"
wq_type a Enter
wq_screen_wait a "password of finance3 reset" 5
wq_login n2 finance3 second-pass-88
wq_screen_wait n2 "Revenue" 15
$WQ_TMUX kill-session -t n2
ok "password reset (mismatch refused); the new one logs in"

# ---- role and scope ----
wq_type a r
wq_screen_wait a "new role" 5
wq_type a -l "agent"
wq_type a Enter
wq_screen_wait a "finance3 as agent: which office" 5
wq_type a -l "RBT-HAS-2"
wq_type a Enter
wq_screen_wait a "finance3 is now agent RBT-HAS-2" 5
[ "$(wq_sql "SELECT role || ' ' || scope_kind FROM users WHERE username = 'finance3'")" = \
	"agent office" ] || fail "role not changed"
ok "finance3 is now an agent of RBT-HAS-2"

# ---- disable: login refused ----
wq_type a d
wq_screen_wait a "Disable account finance3" 5
wq_type a y
wq_screen_wait a "finance3 disabled" 5
[ "$(wq_sql "SELECT disabled FROM users WHERE username = 'finance3'")" = 1 ] || fail "not disabled"
wq_ssh_open n3 finance3 -o NumberOfPasswordPrompts=1
wq_screen_wait n3 "assword" 15
wq_type n3 "second-pass-88" Enter
wq_screen_wait n3 "Permission denied" 10
ok "finance3 disabled: login refused"

# ---- network: a low-activity office relayed by the central office ----
wq_type a 2
wq_screen_wait a "\[Offices" 5
wq_type a a
wq_screen_wait a "New office: activity level" 5
wq_type a -l "low"
wq_type a Enter
wq_screen_wait a "New office" 5
wq_type a -l "RBT-HAS-4"
wq_type a Tab
wq_type a -l "RBT-HASSAN"
wq_type a Tab
wq_type a -l "Bureau annexe Akkari"
wq_type a Tab
wq_type a -l "ملحقة العكاري"
wq_type a Tab
wq_type a -l "RBT-HAS-1"
wq_type a Enter
wq_screen_wait a "office RBT-HAS-4 added (low)" 5
[ "$(wq_sql "SELECT o.activity || ' ' || r.code || ' ' || o.name_ar FROM offices o
	JOIN offices r ON r.id = o.relay_office_id WHERE o.code = 'RBT-HAS-4'")" = \
	"low RBT-HAS-1 ملحقة العكاري" ] || fail "office not stored with its relay"
wq_type a /
wq_screen_wait a "Search:" 5
wq_type a -l "RBT-HAS-4"
wq_type a Enter
wq_screen_wait a "^> RBT-HAS-4 *low *RBT-HAS-1" 5
wq_type a l
wq_screen_wait a "RBT-HAS-4 is low: new activity level" 5
wq_type a -l "moderate"
wq_type a Enter
wq_screen_wait a "RBT-HAS-4 is now moderate (no longer relayed)" 5
[ "$(wq_sql "SELECT activity || ' ' || coalesce(relay_office_id, 0) FROM offices
	WHERE code = 'RBT-HAS-4'")" = "moderate 0" ] || fail "activity not changed"
wq_type a R
wq_screen_wait a "only a low-activity office is relayed" 5
ok "office RBT-HAS-4 added (low, relayed by RBT-HAS-1), raised to moderate (relay gone)"

# ---- audit log, filtered ----
wq_type a 3
wq_screen_wait a "Audit log" 5
wq_type a f
wq_screen_wait a "Filter the audit log" 5
wq_type a -l "office."
wq_type a Tab
wq_type a -l "admin1"
wq_type a Enter
wq_screen_wait a "filter office. by admin1" 5
wq_screen_wait a "office.set" 5
wq_screen a | grep -E '^[> ] [0-9]{4}-' | grep -v ' office\.' && fail "filter shows other actions"
wq_type a F
wq_screen_wait a "all actions" 5
wq_type a v
wq_screen_wait a "hash chains intact" 10
ok "audit log filtered by action and account; chains intact"

for act in user.add user.key_add user.key_remove user.passwd user.role user.disable office.add office.set; do
	[ "$(wq_sql "SELECT count(*) FROM audit_log WHERE actor_label = 'admin1' AND action = '$act'")" -ge 1 ] ||
		fail "no $act audit row by admin1"
done
ok "every admin change is in the audit log under admin1"
