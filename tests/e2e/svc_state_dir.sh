#!/usr/bin/env bash
# Run as a service would run it: from / and from an empty directory, with no WATIQA_SHARE,
# the binary finds its migrations and texts where it was built for; everything it writes
# (host key, server key, session sockets, backups) lands in one state directory, owner-only
# (files 0600, directories 0700), and nothing in the working directory.
source "$(dirname "$0")/lib.sh"
unset WATIQA_SHARE WATIQA_HOST_KEY WATIQA_DB WATIQA_STATE_DIR WATIQA_CONFIG

mode() { stat -c %a "$1"; }
want_mode() { # FILE MODE
	[ -e "$1" ] || fail "$1 missing"
	[ "$(mode "$1")" = "$2" ] || fail "$1 has mode $(mode "$1"), expected $2"
}

# migrations found from / without any hint
(cd / && "$WATIQA_BIN" migrate --db "$T/from-root/watiqa.db") >"$T/migrate.out"
grep -q "migrations applied" "$T/migrate.out" || fail "migrate from /: $(cat "$T/migrate.out")"
want_mode "$T/from-root" 700
want_mode "$T/from-root/watiqa.db" 600
ok "migrate from / finds its migrations; new directory 0700, database 0600"

# a settings file named by WATIQA_CONFIG is read (and a wrong one refused, exit 2)
echo "no_such_setting = 1" >"$T/bad.conf"
set +e
(cd / && WATIQA_CONFIG=$T/bad.conf "$WATIQA_BIN" migrate --db "$T/x.db") 2>"$T/err"
rc=$?
set -e
[ $rc = 2 ] && grep -q "no_such_setting" "$T/err" || fail "WATIQA_CONFIG not read (rc $rc)"
ok "WATIQA_CONFIG names the settings file"

# serve from an empty working directory, database and state apart
mkdir -p "$T/cwd" "$T/db"
chmod 700 "$T/db"
WQ_DB=$T/db/watiqa.db
ST=$T/state
WQ_SSH_PORT=$(wq_free_port)
WQ_HTTP_PORT=$(wq_free_port)
WQ_SANDBOX_PORT=$(wq_free_port)
export WATIQA_GATEWAY_URL=http://127.0.0.1:$WQ_SANDBOX_PORT
export WATIQA_SMS_URL=http://127.0.0.1:$WQ_SANDBOX_PORT/sms
export WATIQA_POST_URL=http://127.0.0.1:$WQ_SANDBOX_PORT/post
cd "$T/cwd"
"$WATIQA_BIN" sandbox --port "$WQ_SANDBOX_PORT" >"$T/sandbox.log" 2>&1 &
WQ_PIDS+=($!)
WATIQA_STATE_DIR=$ST "$WATIQA_BIN" serve --demo --db "$WQ_DB" --ssh-port "$WQ_SSH_PORT" \
	--http-port "$WQ_HTTP_PORT" >"$T/serve.log" 2>&1 &
WQ_SERVE_PID=$!
WQ_PIDS+=($WQ_SERVE_PID)
wq_wait_for "$T/serve.log" "ssh listening on" 60
wq_wait_for "$T/serve.log" "http listening on" 10
wq_wait_for "$T/sandbox.log" "sandbox listening on" 10

# the web side read its texts from the share directory
curl -fsS "http://127.0.0.1:$WQ_HTTP_PORT/" >"$T/home.html" || fail "home page"
grep -qi "<html" "$T/home.html" || fail "home page has no html"
ok "serve from an empty directory: web texts and migrations found"

want_mode "$ST" 700
want_mode "$ST/ssh_host_ed25519_key" 600
want_mode "$ST/server.key" 600
[ "$(stat -c %s "$ST/server.key")" = 32 ] || fail "server.key is not 32 bytes"
want_mode "$WQ_DB" 600
want_mode "$WQ_DB-wal" 600
[ -e "$T/db/ssh_host_ed25519_key" ] && fail "host key written beside the database, not in state_dir"
ok "state_dir 0700 holds the host key and a 32-byte server key (0600); database and WAL 0600"

# a dropped link's kept screen: its socket is in state_dir/sessions
WQ_KEY_BEFORE=$(od -An -tx1 "$ST/server.key" | tr -d ' \n')
wq_login s agent1 watiqa-demo
wq_screen_wait s "W[0-9]" 20
$WQ_TMUX kill-session -t s
wq_wait_for "$T/serve.log" "agent1@127.0.0.1: detached" 10
[ -S "$ST/sessions/agent1.sock" ] || fail "no session socket in $ST/sessions"
want_mode "$ST/sessions" 700
ok "a kept screen's socket lives in state_dir/sessions (0700)"

# backup by default into state_dir/backups, owner-only
(cd / && WATIQA_STATE_DIR=$ST "$WATIQA_BIN" backup --db "$WQ_DB") >"$T/backup.out"
b=$(sed -n 's/^backup written to //p' "$T/backup.out")
case "$b" in "$ST"/backups/watiqa-*.db) ;; *) fail "backup went to '$b'" ;; esac
want_mode "$ST/backups" 700
want_mode "$b" 600
[ "$(sqlite3 "$b" 'pragma integrity_check')" = ok ] || fail "backup not intact"
ok "watiqa backup: state_dir/backups/, directory 0700, file 0600"

# restart from /: the same server key is kept, the web side still finds its texts
cd /
WATIQA_STATE_DIR=$ST wq_serve_again TERM
cd "$T/cwd"
[ "$(od -An -tx1 "$ST/server.key" | tr -d ' \n')" = "$WQ_KEY_BEFORE" ] || fail "server key changed"
grep -qi "<html" <(curl -fsS "http://127.0.0.1:$WQ_HTTP_PORT/") || fail "no home page when served from /"
ok "served from /: pages and migrations found; the server key survives the restart"

[ -z "$(ls -A "$T/cwd")" ] || fail "written into the working directory: $(ls -A "$T/cwd")"
ok "nothing written into the working directory"
