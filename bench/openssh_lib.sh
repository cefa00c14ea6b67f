# openssh_lib.sh - OpenSSH's sshd beside Watiqa in the same bench run, so that its login
# time and its memory per session are measured on the same machine under the same load
# (issue 15 item 4: Watiqa's figures are asked as ratios of OpenSSH's).  Sourced by
# bench/ssh_sessions.sh after tests/e2e/lib.sh ($T, fail, wq_free_port).
#
# The sshd is Debian's (openssh-server, installed here if missing; its service is not
# started: the bench runs its own).  It listens on a free loopback port with a config of
# its own and checks one password, that of a bench account "wqbench" whose shadow entry
# is agent1's own yescrypt hash from the Watiqa database: the same hash at the same cost,
# so that neither server's login is cheaper by its hash.  The account is not added to
# the machine: sshd runs in a private mount namespace (unshare -m) where /etc/passwd,
# /etc/group and /etc/shadow are copies with the account added.  Root only (sshd's
# privilege separation and password checks need it); without root the bench says why
# and goes on without OpenSSH's figures.

OSSH_DIR=$T/openssh
OSSH_PORT=
OSSH_PID=

# openssh_start HASH: sshd on 127.0.0.1:$OSSH_PORT, wqbench's password hash HASH.
# 0 when it listens; else prints why and returns 1.
openssh_start() {
	local hash=$1
	if [ "$(id -u)" != 0 ]; then
		echo "openssh: not measured: sshd checks passwords and separates privileges as root only"
		return 1
	fi
	if [ ! -x /usr/sbin/sshd ]; then
		echo "openssh: installing openssh-server (its service is not started)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			openssh-server >"$T/apt.log" 2>&1 || { cat "$T/apt.log"; return 1; }
	fi
	mkdir -p "$OSSH_DIR/home" /run/sshd # the privilege-separation directory sshd wants
	chmod 755 /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$OSSH_DIR/host_ed25519" || return 1
	cp /etc/passwd /etc/group /etc/shadow "$OSSH_DIR/"
	echo "wqbench:x:61000:61000:watiqa bench:$OSSH_DIR/home:/bin/sh" >>"$OSSH_DIR/passwd"
	echo "wqbench:x:61000:" >>"$OSSH_DIR/group"
	echo "wqbench:$hash:19000:0:99999:7:::" >>"$OSSH_DIR/shadow"
	chown 61000:61000 "$OSSH_DIR/home"
	OSSH_PORT=$(wq_free_port)
	# Debian's defaults otherwise (MaxStartups 10:30:100 included); no PAM: the
	# password is checked against the shadow entry by crypt(), as Watiqa checks its own
	cat >"$OSSH_DIR/sshd_config" <<-CONF
		Port $OSSH_PORT
		ListenAddress 127.0.0.1
		HostKey $OSSH_DIR/host_ed25519
		PidFile $OSSH_DIR/sshd.pid
		UsePAM no
		PasswordAuthentication yes
		KbdInteractiveAuthentication no
		PubkeyAuthentication no
		PermitRootLogin no
		AuthorizedKeysFile none
		StrictModes no
		UseDNS no
		PrintMotd no
		PrintLastLog no
	CONF
	unshare -m sh -c "mount --bind '$OSSH_DIR/passwd' /etc/passwd &&
		mount --bind '$OSSH_DIR/group' /etc/group &&
		mount --bind '$OSSH_DIR/shadow' /etc/shadow &&
		exec /usr/sbin/sshd -D -f '$OSSH_DIR/sshd_config' -E '$OSSH_DIR/sshd.log'" &
	OSSH_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		grep -q "Server listening" "$OSSH_DIR/sshd.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "openssh: sshd did not start:"; cat "$OSSH_DIR/sshd.log" 2>/dev/null
	return 1
}

openssh_stop() {
	[ -n "$OSSH_PID" ] || return 0
	# the listener first, then what is left of its sessions (they are its descendants)
	local kids
	kids=$(pgrep -P "$OSSH_PID" || true)
	kill "$OSSH_PID" 2>/dev/null || true
	for k in $kids; do pkill -TERM -P "$k" 2>/dev/null || true; kill "$k" 2>/dev/null || true; done
	wait "$OSSH_PID" 2>/dev/null || true
	OSSH_PID=
}

# login_ms PORT USER PASSWORD: milliseconds from starting the client (sshpass + OpenSSH's ssh) to
# authenticated, as ssh's LocalCommand sees it (run once the user is authenticated); the
# remote side's answer does not count (Watiqa refuses a command without a terminal).
login_ms() {
	local stamp=$T/login.stamp t0
	rm -f "$stamp"
	t0=$(date +%s%N)
	sshpass -p "$3" ssh -F /dev/null -p "$1" -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o PubkeyAuthentication=no \
		-o PreferredAuthentications=password -o PermitLocalCommand=yes \
		-o "LocalCommand=date +%%s%%N >$stamp" "$2@127.0.0.1" true </dev/null >/dev/null 2>&1 || true
	# a login that did not happen is said, and leaves no figure (n= shows it)
	if [ -s "$stamp" ]; then
		awk -v a="$t0" -v b="$(cat "$stamp")" 'BEGIN { printf "%.1f\n", (b - a) / 1e6 }'
	else
		echo "login_ms: no login as $2 on port $1" >&2
	fi
}
