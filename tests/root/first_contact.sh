#!/usr/bin/env bash
# first_contact.sh - the README's two commands at their first try on a fresh Debian 12
# (issue 11): in a new copy of the cached debootstrap root, a git clone of this
# checkout's HEAD, then `make run` until "ssh listening", an OpenSSH login as agent1
# (the host's ssh in tmux, over 127.0.0.1: a chroot shares the network) that must show
# the agent queue, `make run` stopped; then, with --make-test, `make test` in the same
# root.  --as root, or --as NAME for a user with passwordless sudo created in the root.
# Runs as root on the host.  Every wait is bounded; every exit unmounts and cleans.
#   bash tests/root/first_contact.sh --as dev --make-test
source "$(dirname "$0")/rootlib.sh"
AS=root
MAKE_TEST=0
while [ $# -gt 0 ]; do
	case $1 in
	--as) AS=$2; shift 2 ;;
	--make-test) MAKE_TEST=1; shift ;;
	*) echo "usage: $0 [--as root|USER] [--make-test]" >&2; exit 2 ;;
	esac
done
wqr_begin "first-contact-$AS"

wqr_step "fresh root"
wqr_fresh
R=$WQR_ROOT
wqr_host_tools

wqr_step "user and clone"
if [ "$AS" = root ]; then
	home=/root
else
	wqr_sudo_user "$R" "$AS"
	home=/home/$AS
fi
wqr_clone "$R" "$home/watiqa" "$AS"

# The README's ports; when this machine already uses one (other work on a shared host),
# the run moves to free ones through the settings' environment variables.
env_line=
ssh_port=2222
if wqr_port_busy 2222 || wqr_port_busy 8080 || wqr_port_busy 8090; then
	ports=$(wqr_free_ports 3)
	read -r ssh_port http_port sb_port <<<"$ports"
	env_line="export WATIQA_SSH_PORT=$ssh_port WATIQA_HTTP_PORT=$http_port WATIQA_SANDBOX_PORT=$sb_port \
WATIQA_GATEWAY_URL=http://127.0.0.1:$sb_port WATIQA_SMS_URL=http://127.0.0.1:$sb_port/sms \
WATIQA_POST_URL=http://127.0.0.1:$sb_port/post;"
	echo "note: 2222/8080/8090 in use on this machine; this run uses $ports"
fi

wqr_step "make run (first invocation, as $AS)"
# its own session, so that the whole of it (make, sandbox, server) is stopped as one group
setsid chroot "$R" /usr/sbin/runuser -l "$AS" -c "$env_line cd watiqa && make run" \
	>"$LOGS/make-run.log" 2>&1 </dev/null &
run_pid=$!
wqr_wait_log "$LOGS/make-run.log" "ssh listening" 1500 "$run_pid"
grep -q "http listening" "$LOGS/make-run.log" || wqr_wait_log "$LOGS/make-run.log" "http listening" 30 "$run_pid"
wqr_ok "make run: the server listens ($(grep -c '' "$LOGS/make-run.log") lines of output)"

wqr_step "ssh agent1 (OpenSSH, password)"
# the queue, whatever the account's language: the title bar names agent1 and the office,
# and the rows are requests, the cursor on the first
wqr_ssh_screen "$ssh_port" agent1 watiqa-demo '^ Watiqa \| .* \| agent1, agent \| .*RBT-HAS-1' '^> W[0-9]{10} '
wqr_ok "agent1 logged in over OpenSSH and sees the agent queue"

wqr_step "stop make run"
# as Ctrl-C at its terminal would: SIGINT to make's process group (runuser -c gave
# the command a session of its own, so make's group is not the one started here)
make_pid=$(for p in $(wqr_procs_in "$R"); do
	[ "$(cat /proc/$p/comm 2>/dev/null)" != make ] || echo "$p"; done | head -1)
[ -n "$make_pid" ] || wqr_fail "no make process in the root"
kill -INT -- "-$(ps -o pgid= -p "$make_pid" | tr -d ' ')"
for ((i = 0; i < 100; i++)); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$run_pid" 2>/dev/null && wqr_fail "make run still runs 10 s after Ctrl-C (SIGINT)"
wait "$run_pid" 2>/dev/null || true
left=$(wqr_procs_in "$R")
[ -z "$left" ] || wqr_fail "processes left in the root after make run stopped: $(ps -o pid,args -p ${left//$'\n'/,})"
wqr_ok "make run stopped, nothing left running"

if [ "$MAKE_TEST" = 1 ]; then
	wqr_step "make test (first invocation, as $AS)"
	if ! timeout 2400 chroot "$R" /usr/sbin/runuser -l "$AS" -c "cd watiqa && make test" \
		>"$LOGS/make-test.log" 2>&1 </dev/null; then
		grep -E '^(FAILED|FAIL:|e2e:|== )' "$LOGS/make-test.log" | tail -40 >&2
		echo "--- last lines of $LOGS/make-test.log:" >&2; tail -30 "$LOGS/make-test.log" >&2
		wqr_fail "make test failed at its first invocation as $AS"
	fi
	grep -E '^e2e: |PASSED|FAILED' "$LOGS/make-test.log" | tail -5
	wqr_ok "make test passed at its first invocation as $AS"
fi
wqr_step done
echo "first contact as $AS: ok"
