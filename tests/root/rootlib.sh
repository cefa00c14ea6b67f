# rootlib.sh - shared by the fresh-root proofs (first_contact.sh, deb_install.sh): a
# scratch copy of the cached debootstrap root (mkroot.sh), its mounts, commands run in
# it as root or as a user, and a cleanup that, on every exit path, ends the processes
# running inside the copies, unmounts them and removes them.  Source it; set -e is on.
# Steps print "== step: NAME" and their seconds, so that a failure names its step.
set -euo pipefail
WQR_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WQR_CACHE=${WQR_CACHE:-/var/tmp/watiqa-roots}
WQR_ROOTS=()          # scratch roots made by this script, cleaned on exit
WQR_TMPS=()           # other scratch directories, removed on exit
WQR_BEFORE_CLEANUP=() # commands run first on exit (a container to power off)
WQR_STEP=start
WQR_T0=$(date +%s)
WQR_STEP_T0=$WQR_T0

wqr_now() { date +%s; }
wqr_step() {
	local t
	t=$(wqr_now)
	[ "$WQR_STEP" = start ] || echo "   ($WQR_STEP: $((t - WQR_STEP_T0)) s)"
	WQR_STEP=$1
	WQR_STEP_T0=$t
	echo "== step: $1"
}
wqr_fail() { echo "FAILED at step '$WQR_STEP': $*" >&2; exit 1; }
wqr_ok() { echo "ok - $*"; }

# wqr_begin NAME: refuses to run but as root (chroot, mount, nspawn) and makes an empty
# log directory, LOGS (WQR_LOGS, default /var/tmp/watiqa-NAME).
wqr_begin() {
	[ "$(id -u)" = 0 ] || { echo "$1: run it as root (chroot, mount)" >&2; exit 2; }
	LOGS=${WQR_LOGS:-/var/tmp/watiqa-$1}
	rm -rf "$LOGS" && mkdir -p "$LOGS"
	echo "$1: logs in $LOGS"
}
# the first admin's password in the package tests (8 to 128 bytes)
WQR_ADMIN_PW='Watiqa-first-admin-1'

# Pids of the processes whose root directory is ROOT (they were started in it by us).
wqr_procs_in() {
	local root=$1 p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && echo "${p#/proc/}"
	done
	return 0
}

# Ends what runs inside ROOT: TERM, up to 10 s, then KILL.
wqr_kill_in() {
	local root=$1 pids i
	pids=$(wqr_procs_in "$root")
	[ -n "$pids" ] || return 0
	kill -TERM $pids 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		pids=$(wqr_procs_in "$root")
		[ -n "$pids" ] || return 0
		sleep 0.1
	done
	echo "killing what is left in $root: $pids" >&2
	kill -KILL $pids 2>/dev/null || true
	sleep 0.5
}

wqr_umount() {
	local root=$1 m
	# deepest first; lazy as a last resort so that the removal never walks into /dev
	for m in $(awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	if awk -v r="$root/" 'index($2, r) == 1 { f = 1 } END { exit !f }' /proc/mounts; then
		echo "still mounted under $root:" >&2
		awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts >&2
		return 1
	fi
}

# The packages a root downloaded, linked into the shared download cache for the next.
wqr_keep_downloads() {
	local f
	for f in "$1"/var/cache/apt/archives/*.deb; do
		[ -f "$f" ] && [ ! -e "$WQR_CACHE/apt-archives/${f##*/}" ] && ln "$f" "$WQR_CACHE/apt-archives/" 2>/dev/null
	done
	return 0
}

wqr_cleanup() {
	local rc=$? r
	set +e
	for r in "${WQR_BEFORE_CLEANUP[@]:-}"; do [ -n "$r" ] && $r; done
	tmux -L "wqr$$" kill-server 2>/dev/null
	for r in "${WQR_ROOTS[@]:-}"; do
		[ -n "$r" ] || continue
		wqr_kill_in "$r"
		wqr_keep_downloads "$r"
		if wqr_umount "$r"; then
			[ "${WQR_KEEP:-0}" = 1 ] && echo "kept $r" || rm -rf --one-file-system "$(dirname "$r")"
		else
			echo "left $r in place: it still has mounts" >&2
			rc=1
		fi
	done
	for r in "${WQR_TMPS[@]:-}"; do [ -n "$r" ] && rm -rf --one-file-system "$r"; done
	[ "$WQR_STEP" = start ] || echo "   ($WQR_STEP: $(($(wqr_now) - WQR_STEP_T0)) s)"
	echo "total: $(($(wqr_now) - WQR_T0)) s"
	[ $rc = 0 ] || echo "FAILED (step '$WQR_STEP', exit $rc)" >&2
	exit $rc
}
trap wqr_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wqr_fresh: copies the cached root to a new scratch directory, mounts proc, sys, dev
# (with dev/pts and dev/shm), links in the shared apt downloads; sets WQR_ROOT to its
# path (not a $(...): the root must be known to this shell's cleanup).  Everything it
# mounts is undone by the cleanup.
wqr_fresh() {
	local cached scratch root
	cached=$(bash "$WQR_SRC/tests/root/mkroot.sh") || wqr_fail "no cached root"
	scratch=$(mktemp -d /var/tmp/watiqa-fresh.XXXXXX)
	root=$scratch/root
	WQR_ROOTS+=("$root")
	WQR_ROOT=$root
	cp -a "$cached" "$root" || wqr_fail "copying $cached"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	# a chroot shares the host's name; an installed Debian knows its own in /etc/hosts
	hostname >"$root/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
		"$(hostname)" >"$root/etc/hosts"
	mount -t proc proc "$root/proc"
	mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
	mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
	# downloads only, as hard links (what apt installs is decided inside the root as on
	# any machine); each copy has its own directory, so that two copies' apt never wait
	# on one lock, and gives what it fetched back at cleanup (wqr_keep_downloads)
	mkdir -p "$WQR_CACHE/apt-archives"
	find "$WQR_CACHE/apt-archives" -maxdepth 1 -name '*.deb' -exec cp -l -t "$root/var/cache/apt/archives/" {} + 2>/dev/null || true
	echo "fresh root at $root (a copy of $cached)"
}

# wqr_in ROOT CMD: runs CMD (a shell line) as root in ROOT, with a login environment.
wqr_in() {
	local root=$1; shift
	chroot "$root" /usr/bin/env -i HOME=/root TERM=${TERM:-xterm} LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -lc "$*"
}
# wqr_as ROOT USER CMD: the same as USER, through a login shell (as after ssh or su -).
wqr_as() {
	local root=$1 user=$2; shift 2
	chroot "$root" /usr/sbin/runuser -l "$user" -c "$*"
}

# wqr_sudo_user ROOT USER: a user in group sudo, without a password for sudo (as a
# fresh cloud image's default user is).
wqr_sudo_user() {
	local root=$1 user=$2
	wqr_in "$root" "useradd -m -s /bin/bash -G sudo $user &&
		echo '$user ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/$user && chmod 440 /etc/sudoers.d/$user"
}

# wqr_clone ROOT DIR OWNER: a git clone of this checkout's committed HEAD at DIR in ROOT.
wqr_clone() {
	local root=$1 dir=$2 owner=$3
	git clone -q --no-hardlinks "$WQR_SRC" "$root$dir" || wqr_fail "git clone into $dir"
	chroot "$root" chown -R "$owner:" "$dir"
	echo "cloned $(git -C "$WQR_SRC" rev-parse --short HEAD) into $dir"
}

# wqr_wait_log FILE PATTERN SECONDS [PID]: waits for PATTERN in FILE; fails early when
# PID (the process that writes it) is gone.
wqr_wait_log() {
	local file=$1 pattern=$2 secs=$3 pid=${4:-} i
	for ((i = 0; i < secs; i++)); do
		grep -q -- "$pattern" "$file" 2>/dev/null && return 0
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			grep -q -- "$pattern" "$file" 2>/dev/null && return 0
			echo "--- last lines of $file:" >&2; tail -40 "$file" >&2
			wqr_fail "the process ended before '$pattern' appeared"
		fi
		sleep 1
	done
	echo "--- last lines of $file:" >&2; tail -40 "$file" >&2
	wqr_fail "'$pattern' did not appear in $secs s"
}

# The host's ssh client and tmux reach a server in a root over 127.0.0.1 (a chroot
# shares the network); oathtool is the staff's authenticator app.
wqr_host_tools() {
	local missing=
	command -v ssh >/dev/null || missing="$missing openssh-client"
	command -v tmux >/dev/null || missing="$missing tmux"
	command -v oathtool >/dev/null || missing="$missing oathtool"
	[ -z "$missing" ] && return 0
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
}

# wqr_screen_until CMD: waits (up to 10 s) until CMD, given the screen on its input,
# succeeds: what was typed is answered before anything is typed again.  CMD reads all
# of its input (no grep -q: under pipefail the writer's SIGPIPE would fail the pipe).
wqr_screen_until() {
	local j
	for ((j = 0; j < 100; j++)); do
		tmux -L "wqr$$" capture-pane -p -t '=ssh:' | eval "$1" && return 0
		sleep 0.1
	done
	return 1
}

# wqr_ssh_screen PORT USER PASSWORD PATTERN...: logs in with OpenSSH in a tmux pane,
# typing the password at the prompt, and waits until the screen matches every PATTERN
# (grep -E); prints its first lines and closes it.  The second factor is met as a person
# with an authenticator app meets it (oathtool): an account whose role needs one and has
# none enrols (the secret read off the screen into WQR_TOTP_SECRET, its code typed, the
# recovery codes passed); an enrolled one is asked a code after the password, which gets
# the next step's (the one of the enrolment may not be taken twice).  WQR_SSH_OPTS
# replaces the host-key options (default: accept any, remember none).
wqr_ssh_screen() {
	local port=$1 user=$2 pw=$3 i p all=0 screen
	shift 3
	local tm="tmux -L wqr$$"
	$tm new-session -d -s ssh -x 80 -y 24 \
		"ssh -p $port ${WQR_SSH_OPTS:--o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null} \
		 -o PubkeyAuthentication=no -o PreferredAuthentications=password,keyboard-interactive \
		 $user@127.0.0.1; echo ssh exited \$?; sleep 30"
	for ((i = 0; i < 300; i++)); do
		$tm capture-pane -p -t '=ssh:' | grep >/dev/null -- assword && break
		sleep 0.1
	done
	$tm capture-pane -p -t '=ssh:' | grep >/dev/null -- assword || {
		$tm capture-pane -p -t '=ssh:' >&2; wqr_fail "no password prompt from ssh $user@127.0.0.1:$port"; }
	$tm send-keys -t '=ssh:' "$pw" Enter
	for ((i = 0; i < 300; i++)); do
		screen=$($tm capture-pane -p -t '=ssh:')
		all=1
		for p in "$@"; do grep -Eq -- "$p" <<<"$screen" || all=0; done
		[ $all = 1 ] && break
		if grep -q "Code (6 digits" <<<"$screen" && [ -n "${WQR_TOTP_SECRET:-}" ]; then
			p=$(grep -c "Code (6 digits" <<<"$screen")
			$tm send-keys -t '=ssh:' "$(oathtool --totp -b "$WQR_TOTP_SECRET" -N 'now + 30 seconds')" Enter
			wqr_screen_until "[ \$(grep -c 'Code (6 digits') != $p ]" || true
		elif grep -q "Second factor" <<<"$screen" && grep -q "Recovery codes" <<<"$screen"; then
			$tm send-keys -t '=ssh:' Enter
			wqr_screen_until "! grep >/dev/null 'Recovery codes'" || true
		elif grep -q "Second factor" <<<"$screen" && grep -q "Code:" <<<"$screen"; then
			WQR_TOTP_SECRET=$(grep -o '^    \([A-Z2-7]\{4\} \)\{7\}[A-Z2-7]\{4\}' <<<"$screen" | tr -d ' ')
			[ ${#WQR_TOTP_SECRET} = 32 ] || { echo "$screen" >&2; wqr_fail "no second-factor secret on $user's screen"; }
			echo "$user enrols a second factor (secret ${WQR_TOTP_SECRET:0:4}...)"
			$tm send-keys -t '=ssh:' "$(oathtool --totp -b "$WQR_TOTP_SECRET")" Enter
			wqr_screen_until "grep >/dev/null 'Recovery codes'" ||
				{ $tm capture-pane -p -t '=ssh:' >&2; wqr_fail "$user's enrolment code was not taken"; }
		fi
		sleep 0.1
	done
	if [ $all = 0 ]; then
		echo "--- screen:" >&2; $tm capture-pane -p -t '=ssh:' >&2
		wqr_fail "$user's screen never matched: $*"
	fi
	$tm capture-pane -p -t '=ssh:' | head -3
	$tm kill-server 2>/dev/null || true
}

# A TCP port on 127.0.0.1 that something listens on?
wqr_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wqr_two_debs [DEB [NEWER_DEB]]: the package to install and the one to upgrade to, in
# deb1/v1 and deb2/v2; made when not given (make deb here; tests/root/newer_deb.sh).
wqr_two_debs() {
	if [ $# -ge 1 ]; then
		deb1=$(realpath "$1")
	else
		make -C "$WQR_SRC" --no-print-directory deb >"$LOGS/make-deb.log" 2>&1 ||
			{ tail -30 "$LOGS/make-deb.log" >&2; wqr_fail "make deb"; }
		deb1=$(ls -t "$WQR_SRC"/watiqa_*.deb | head -1)
	fi
	[ -f "$deb1" ] || wqr_fail "no package at $deb1"
	if [ $# -ge 2 ]; then
		deb2=$(realpath "$2")
	else
		local up
		up=$(mktemp -d /var/tmp/watiqa-upgrade.XXXXXX)
		WQR_TMPS+=("$up")
		deb2=$(bash "$WQR_SRC/tests/root/newer_deb.sh" "$up") || wqr_fail "building the newer package"
	fi
	[ -f "$deb2" ] || wqr_fail "no package at $deb2"
	v1=$(dpkg-deb -f "$deb1" Version)
	v2=$(dpkg-deb -f "$deb2" Version)
	dpkg --compare-versions "$v2" gt "$v1" || wqr_fail "$v2 is not newer than $v1"
	echo "package: $deb1 ($v1); upgrade to: $deb2 ($v2)"
}

# wqr_free_ports N: N TCP ports free on 127.0.0.1 (the kernel picks them).
wqr_free_ports() {
	python3 -c 'import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
[s.bind(("127.0.0.1", 0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])' "$1"
}

# wqr_settings ROOT SSH_PORT HTTP_PORT: the operator's edit of the installed
# /etc/watiqa/watiqa.conf that the README asks for: the gateway's own secret (serve
# refuses the demo's) and, here, ports free on this machine.
wqr_settings() {
	local root=$1 secret
	secret=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
	sed -i "s/^ssh_port = .*/ssh_port = $2/; s/^http_port = .*/http_port = $3/;
		s/^gateway_secret = .*/gateway_secret = $secret/" "$root/etc/watiqa/watiqa.conf"
	grep -q "^ssh_port = $2$" "$root/etc/watiqa/watiqa.conf" || wqr_fail "editing watiqa.conf"
}
