#!/usr/bin/env bash
# deb_systemd.sh - the package under a real systemd (issue 11 item 3): a fresh copy of
# the cached debootstrap root with systemd, booted with systemd-nspawn (the host's
# network, its own PID 1), and in it, as an operator would, through nsenter:
# `apt install ./watiqa_*.deb` (the maintainer scripts start the unit: it stops at
# once, exit 2, on the demo's gateway secret, and is not restarted), the settings set,
# `systemctl restart watiqa` (its ExecStartPre migrates, all the sandbox of the unit
# applies), the first admin as the README says, an OpenSSH login, the log in the
# journal, the backup started by hand and its timer waiting; then `apt install` of a
# newer package: dpkg restarts the unit, whose migration step applies the new migration,
# and the same account logs in to the same host key; `apt remove` stops it and keeps
# /var/lib/watiqa, `apt purge` removes it.  Runs as root; every wait bounded.
#   bash tests/root/deb_systemd.sh [watiqa_VERSION_ARCH.deb [NEWER.deb]]
source "$(dirname "$0")/rootlib.sh"
wqr_begin deb-systemd

wqr_step "the packages"
wqr_two_debs "$@"

wqr_step "fresh root with systemd"
if ! command -v systemd-nspawn >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd-container
fi
wqr_host_tools
wqr_fresh
R=$WQR_ROOT
# not /tmp: the booted system mounts a fresh one
cp "$deb1" "$deb2" "$R/root/"
wqr_in "$R" "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q systemd systemd-sysv" \
	>"$LOGS/apt-systemd.log" 2>&1 </dev/null || { tail -20 "$LOGS/apt-systemd.log" >&2; wqr_fail "apt install systemd"; }
# nspawn brings its own /proc, /sys, /dev
wqr_umount "$R" || wqr_fail "unmounting before the boot"

wqr_step "boot (systemd-nspawn -b)"
# --keep-unit, --register=no: no D-Bus or machined on the host; the host's network
setsid systemd-nspawn -D "$R" -b --keep-unit --register=no --console=pipe \
	>"$LOGS/boot.log" 2>&1 </dev/null &
nspawn_pid=$!
init=
for ((i = 0; i < 300; i++)); do
	init=$(pgrep -P "$nspawn_pid" -x systemd || true)
	[ -n "$init" ] && break
	kill -0 "$nspawn_pid" 2>/dev/null || { cat "$LOGS/boot.log" >&2; wqr_fail "systemd-nspawn ended"; }
	sleep 0.1
done
[ -n "$init" ] || { cat "$LOGS/boot.log" >&2; wqr_fail "no systemd in the container after 30 s"; }
# in_box CMD: a shell line run inside the booted container (its namespaces and root)
in_box() {
	nsenter -t "$init" -m -u -i -p -r -w /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=xterm \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "$*"
}
# the container powered off on every exit path; its root is then unmounted and removed
box_off() {
	kill -TERM "$nspawn_pid" 2>/dev/null || return 0
	for ((i = 0; i < 300; i++)); do kill -0 "$nspawn_pid" 2>/dev/null || return 0; sleep 0.1; done
	echo "the container did not stop in 30 s: killed" >&2
	kill -KILL -- "-$nspawn_pid" 2>/dev/null || true
}
WQR_BEFORE_CLEANUP+=(box_off)
# systemctl answers once the container's systemd has made its socket
for ((i = 0; i < 600; i++)); do
	in_box "test -S /run/systemd/private" && break
	sleep 0.1
done
state=$(in_box "timeout 120 systemctl is-system-running --wait" || true)
case $state in
running | degraded) ;;
*) in_box "systemctl --failed --no-pager" >&2 || true; wqr_fail "the container's boot ended '$state'" ;;
esac
[ "$state" = running ] || in_box "systemctl --failed --no-pager --plain" | sed 's/^/  (degraded: failed unit, not ours) /'
wqr_ok "booted: systemd $state"

# wait_unit UNIT STATE SECONDS: until systemctl is-active says STATE
wait_unit() {
	local got
	for ((i = 0; i < $3 * 10; i++)); do
		got=$(in_box "systemctl is-active $1" || true)
		[ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	in_box "systemctl status $1 --no-pager" >&2 || true
	wqr_fail "$1 is '$got', expected '$2' within $3 s"
}
journal() { in_box "journalctl -b --no-pager -o cat -u $1"; }

wqr_step "apt install ./$(basename "$deb1") (the unit refuses the demo's secret)"
in_box "DEBIAN_FRONTEND=noninteractive apt-get install -y -q /root/$(basename "$deb1")" \
	>"$LOGS/apt-install.log" 2>&1 </dev/null || { tail -30 "$LOGS/apt-install.log" >&2; wqr_fail "apt install"; }
in_box "systemctl is-enabled watiqa.service watiqa-backup.timer" | tr '\n' ' ' | grep >/dev/null -- '^enabled enabled ' ||
	wqr_fail "watiqa.service and watiqa-backup.timer not both enabled"
wait_unit watiqa.service failed 30
journal watiqa.service >"$LOGS/journal-1.txt"
grep -q gateway_secret "$LOGS/journal-1.txt" || { cat "$LOGS/journal-1.txt" >&2; wqr_fail "the journal does not say why"; }
[ "$(in_box "systemctl show -P ExecMainStatus watiqa")" = 2 ] || wqr_fail "exit status not 2"
sleep 6 # one RestartSec: a restart would have come by now
[ "$(in_box "systemctl show -P NRestarts watiqa")" = 0 ] || wqr_fail "restarted after a settings error"
wqr_ok "started by the package, stopped on the demo's secret (exit 2, not restarted): $(grep gateway_secret "$LOGS/journal-1.txt" | head -1)"

wqr_step "settings, systemctl restart watiqa"
read -r ssh_port http_port <<<"$(wqr_free_ports 2)"
wqr_settings "$R" "$ssh_port" "$http_port"
in_box "systemctl restart watiqa" || wqr_fail "systemctl restart watiqa"
wait_unit watiqa.service active 30
for ((i = 0; i < 300; i++)); do
	journal watiqa.service | grep >/dev/null -- "ssh listening on 127.0.0.1:$ssh_port" && break
	sleep 0.1
done
journal watiqa.service | grep >/dev/null -- "ssh listening on 127.0.0.1:$ssh_port" ||
	{ journal watiqa.service | tail -20 >&2; wqr_fail "no 'ssh listening' in the journal"; }
# every process of the program (the listener and sessions rename themselves) is watiqa's
users=$(in_box 'for p in /proc/[0-9]*; do [ "$(readlink $p/exe)" = /usr/bin/watiqa ] && stat -c %U $p; done | sort | uniq -c')
[ "$(echo "$users" | awk '{print $2}' | sort -u)" = watiqa ] || wqr_fail "the program's processes run as: $users"
# the figure of bench/README.md, on the installed unit as it runs
exposure=$(in_box "systemd-analyze security --no-pager watiqa.service" | sed -n 's/.*Overall exposure level for watiqa.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' ||
	wqr_fail "systemd-analyze security watiqa.service: exposure '$exposure', goal <= 2.0"
wqr_ok "active under systemd as watiqa, sandboxed as the unit says (systemd-analyze security: $exposure), listening on $ssh_port"

wqr_step "first admin, as the README says; ssh"
echo "$WQR_ADMIN_PW" | in_box "sudo -u watiqa watiqa user add nadia admin --name 'Nadia Alami'" ||
	wqr_fail "sudo -u watiqa watiqa user add"
known=$LOGS/known_hosts
WQR_SSH_OPTS="-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=$known" \
	wqr_ssh_screen "$ssh_port" nadia "$WQR_ADMIN_PW" '^ Watiqa \| .* \| nadia, admin \| '
for ((i = 0; i < 50; i++)); do journal watiqa.service | grep >/dev/null -- "nadia.*login ok" && break; sleep 0.1; done
journal watiqa.service | grep "nadia.*login ok" | tail -1 | grep . ||
	{ journal watiqa.service | tail -20 >&2; wqr_fail "nadia's login is not in the journal"; }
wqr_ok "nadia logs in over OpenSSH; journalctl -u watiqa has the login"

wqr_step "systemctl start watiqa-backup; the timer"
in_box "systemctl start watiqa-backup" || { journal watiqa-backup.service >&2; wqr_fail "the backup unit failed"; }
journal watiqa-backup.service | grep "backup written to" || wqr_fail "no backup in the journal"
in_box "ls /var/lib/watiqa/backups/watiqa-*.db" >/dev/null || wqr_fail "no backup file"
in_box "systemctl list-timers --no-pager watiqa-backup.timer" | grep >/dev/null -- 'watiqa-backup.timer' ||
	wqr_fail "watiqa-backup.timer is not waiting"
wqr_ok "backup written by the unit; the timer waits: $(in_box "systemctl show -P NextElapseUSecRealtime watiqa-backup.timer")"

wqr_step "upgrade to $v2 (dpkg restarts the unit)"
before=$(in_box "systemctl show -P MainPID watiqa")
in_box "DEBIAN_FRONTEND=noninteractive apt-get install -y -q /root/$(basename "$deb2")" \
	>"$LOGS/apt-upgrade.log" 2>&1 </dev/null || { tail -30 "$LOGS/apt-upgrade.log" >&2; wqr_fail "apt upgrade"; }
wait_unit watiqa.service active 30
after=$(in_box "systemctl show -P MainPID watiqa")
[ "$after" != "$before" ] || wqr_fail "the unit was not restarted by the upgrade (main pid $before)"
for ((i = 0; i < 100; i++)); do journal watiqa.service | grep >/dev/null -- "1 migration applied" && break; sleep 0.1; done
journal watiqa.service | grep "1 migration applied" ||
	{ journal watiqa.service | tail -20 >&2; wqr_fail "the restarted unit did not apply the new migration"; }
WQR_SSH_OPTS="-o StrictHostKeyChecking=yes -o UserKnownHostsFile=$known" \
	wqr_ssh_screen "$ssh_port" nadia "$WQR_ADMIN_PW" '^ Watiqa \| .* \| nadia, admin \| '
wqr_ok "restarted by the upgrade (pid $before -> $after), migrated; nadia logs in to the same host key"

wqr_step "apt remove, apt purge"
in_box "DEBIAN_FRONTEND=noninteractive apt-get remove -y -q watiqa" >"$LOGS/apt-remove.log" 2>&1 </dev/null ||
	{ tail -20 "$LOGS/apt-remove.log" >&2; wqr_fail "apt remove"; }
[ "$(in_box "systemctl is-active watiqa" || true)" != active ] || wqr_fail "watiqa still active after remove"
in_box "test -f /var/lib/watiqa/watiqa.db" || wqr_fail "remove took the database"
in_box "timeout 120 apt-get purge -y -q watiqa" >"$LOGS/apt-purge.log" 2>&1 </dev/null ||
	{ tail -20 "$LOGS/apt-purge.log" >&2; wqr_fail "apt purge"; }
in_box "test ! -e /var/lib/watiqa && test ! -e /etc/watiqa" || wqr_fail "purge left /var/lib/watiqa or /etc/watiqa"
wqr_ok "remove stopped the unit and kept the data; purge removed it"
wqr_step done
echo "deb under systemd: install, settings, restart, login, backup, upgrade, remove, purge: ok"
