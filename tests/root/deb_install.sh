#!/usr/bin/env bash
# deb_install.sh - the package on a fresh Debian 12 (issue 11 item 3): `apt install
# ./watiqa_*.deb` in a new copy of the cached debootstrap root; the system user, the
# conffile, /var/lib/watiqa 0700, the share directory; the unit's own ExecStartPre and
# ExecStart (read from the installed watiqa.service: a chroot has no systemd) run as its
# User=; the first admin created as the README says; an OpenSSH login; the backup unit's
# command and its rotation; then a newer package (this tree with a bumped changelog and
# one more migration) upgraded over it: the service's restart migrates, the login, the
# host key, the accounts and the edited conffile are still there; `apt remove` keeps
# /var/lib/watiqa and `apt purge`, asking nothing, removes it.  Runs as root on the host.
#   bash tests/root/deb_install.sh [watiqa_VERSION_ARCH.deb [NEWER.deb]]
#   (default: make deb; the newer one from newer_deb.sh)
source "$(dirname "$0")/rootlib.sh"
wqr_begin deb-install

wqr_step "the packages"
wqr_two_debs "$@"

wqr_step "fresh root"
wqr_fresh
R=$WQR_ROOT
wqr_host_tools

wqr_step "apt install ./$(basename "$deb1")"
cp "$deb1" "$R/tmp/"
wqr_in "$R" "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/$(basename "$deb1")" \
	>"$LOGS/apt-install.log" 2>&1 </dev/null || { tail -30 "$LOGS/apt-install.log" >&2; wqr_fail "apt install"; }
wqr_ok "installed $v1"

wqr_step "what the package set up"
rstat() { chroot "$R" stat -c "$1" "$2"; } # names as the root knows them
wqr_in "$R" "getent passwd watiqa" | grep >/dev/null -- '^watiqa:.*:/var/lib/watiqa:/usr/sbin/nologin$' ||
	wqr_fail "no watiqa system user with home /var/lib/watiqa: $(wqr_in "$R" 'getent passwd watiqa')"
uid=$(wqr_in "$R" "id -u watiqa")
[ "$uid" -lt 1000 ] || wqr_fail "watiqa's uid $uid is not a system uid"
[ "$(rstat '%a %U %G' /var/lib/watiqa)" = "700 watiqa watiqa" ] ||
	wqr_fail "/var/lib/watiqa is $(rstat '%a %U %G' /var/lib/watiqa), expected 700 watiqa watiqa"
wqr_in "$R" "dpkg-query -W -f='\${Conffiles}' watiqa" | grep >/dev/null -- '^ /etc/watiqa/watiqa.conf ' ||
	wqr_fail "/etc/watiqa/watiqa.conf is not a conffile"
[ "$(rstat '%a %U %G' /etc/watiqa/watiqa.conf)" = "640 root watiqa" ] ||
	wqr_fail "/etc/watiqa/watiqa.conf is $(rstat '%a %U %G' /etc/watiqa/watiqa.conf)"
ls "$R"/usr/share/watiqa/db/*.sql >/dev/null && [ -d "$R/usr/share/watiqa/etc/web" ] ||
	wqr_fail "no migrations or web texts in /usr/share/watiqa"
for u in watiqa.service watiqa-backup.service watiqa-backup.timer; do
	[ -f "$R/lib/systemd/system/$u" ] || wqr_fail "no $u installed"
done
# enabled for the next boot (deb-systemd-helper works without a running systemd)
[ -L "$R/etc/systemd/system/multi-user.target.wants/watiqa.service" ] || wqr_fail "watiqa.service not enabled"
[ -L "$R/etc/systemd/system/timers.target.wants/watiqa-backup.timer" ] || wqr_fail "watiqa-backup.timer not enabled"
wqr_ok "user watiqa (uid $uid), /var/lib/watiqa 0700, conffile 0640 root:watiqa, share dir, units enabled"

# The operator's edit of the settings, as the README says; the upgrade must keep it.
read -r ssh_port http_port <<<"$(wqr_free_ports 2)"
wqr_settings "$R" "$ssh_port" "$http_port"

# What systemd would run for UNIT (Type=simple: the main process stays in front): each
# ExecStartPre, then ExecStart in the background, as its User=, with the unit's UMask,
# from /, with a service's clean environment.  SERVICE_PID: the main process.
unit_user() { sed -n 's/^User=//p' "$R/lib/systemd/system/$1" | tail -1; }
unit_lines() { sed -n "s/^$2=//p" "$R/lib/systemd/system/$1"; }
as_unit() { # UNIT COMMAND-LINE
	local user
	user=$(unit_user "$1")
	chroot "$R" /usr/bin/setpriv --reuid="$user" --regid="$user" --init-groups \
		/usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/var/lib/watiqa USER="$user" LOGNAME="$user" LANG=C.UTF-8 \
		/bin/sh -c "umask 077; cd /; exec $2"
}
service_start() {
	local line n=0
	while IFS= read -r line; do
		n=$((n + 1))
		as_unit watiqa.service "$line" >>"$LOGS/service-pre.log" 2>&1 ||
			{ tail -20 "$LOGS/service-pre.log" >&2; wqr_fail "ExecStartPre=$line failed"; }
	done < <(unit_lines watiqa.service ExecStartPre)
	[ $n -ge 1 ] || wqr_fail "watiqa.service has no ExecStartPre (the migration step)"
	line=$(unit_lines watiqa.service ExecStart)
	[ -n "$line" ] || wqr_fail "watiqa.service has no ExecStart"
	: >"$LOGS/service.log"
	as_unit watiqa.service "$line" >>"$LOGS/service.log" 2>&1 </dev/null &
	SERVICE_PID=$!
	wqr_wait_log "$LOGS/service.log" "ssh listening on 127.0.0.1:$ssh_port" 60 "$SERVICE_PID"
	echo "ran: $(unit_lines watiqa.service ExecStartPre | tr '\n' ';') then $line (pid $SERVICE_PID)"
}
service_stop() { # as systemd: TERM to the main process, then whatever is left of the unit
	local i
	kill -TERM "$SERVICE_PID" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$SERVICE_PID" 2>/dev/null && wqr_fail "watiqa serve still runs 10 s after TERM"
	wait "$SERVICE_PID" 2>/dev/null || true
	wqr_kill_in "$R"
}

wqr_step "the unit's ExecStartPre and ExecStart, as watiqa"
service_start
grep -q "schema version" "$LOGS/service-pre.log" || wqr_fail "the migration step said nothing"
[ -f "$R/var/lib/watiqa/watiqa.db" ] || wqr_fail "no database in /var/lib/watiqa"
[ -f "$R/var/lib/watiqa/ssh_host_ed25519_key" ] || wqr_fail "no host key in /var/lib/watiqa"
bad=$(find "$R/var/lib/watiqa" ! -uid "$uid" -o -type f -perm /077 | sed "s|^$R||")
[ -z "$bad" ] || wqr_fail "state not watiqa's alone: $bad"
wqr_ok "migrated and serving; database, host key in /var/lib/watiqa, all 0600/0700 watiqa's"

wqr_step "first admin, as the README says"
# the README: sudo -u watiqa watiqa user add NAME admin --name "FULL NAME" (password asked)
echo "$WQR_ADMIN_PW" | wqr_in "$R" "cd /root && sudo -u watiqa watiqa user add nadia admin --name 'Nadia Alami'" ||
	wqr_fail "sudo -u watiqa watiqa user add"
echo "$WQR_ADMIN_PW" | wqr_in "$R" "sudo -u watiqa watiqa user add karim support --name 'Karim Bennani'" ||
	wqr_fail "a second account"
wqr_in "$R" "sudo -u watiqa watiqa user list" | tee "$LOGS/users-before.txt"
grep -q '^nadia ' "$LOGS/users-before.txt" || wqr_fail "nadia not listed"

wqr_step "ssh nadia (OpenSSH, password)"
known=$LOGS/known_hosts
WQR_SSH_OPTS="-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=$known" \
	wqr_ssh_screen "$ssh_port" nadia "$WQR_ADMIN_PW" '^ Watiqa \| .* \| nadia, admin \| ' '^> karim '
wqr_ok "the first admin logs in over OpenSSH and sees the admin screen"

wqr_step "the backup unit's command and its rotation"
mkdir -p "$R/var/lib/watiqa/backups"
old=$R/var/lib/watiqa/backups/watiqa-20000101T000000Z.db
echo old >"$old" && touch -d '30 days ago' "$old"
chroot "$R" chown -R watiqa:watiqa /var/lib/watiqa/backups
keep=$(sed -n 's/^Environment=WATIQA_BACKUP_KEEP_DAYS=//p' "$R/lib/systemd/system/watiqa-backup.service")
[ -n "$keep" ] || wqr_fail "watiqa-backup.service sets no WATIQA_BACKUP_KEEP_DAYS"
as_unit watiqa-backup.service "env WATIQA_BACKUP_KEEP_DAYS=$keep $(unit_lines watiqa-backup.service ExecStart)" \
	>"$LOGS/backup.log" 2>&1 || { cat "$LOGS/backup.log" >&2; wqr_fail "the backup command failed"; }
cat "$LOGS/backup.log"
n=$(ls "$R"/var/lib/watiqa/backups/watiqa-*.db | wc -l)
[ ! -e "$old" ] && [ "$n" = 1 ] || wqr_fail "rotation: $n backups, the 30-day-old one $( [ -e "$old" ] && echo kept || echo removed)"
b=$(ls "$R"/var/lib/watiqa/backups/watiqa-*.db)
[ "$(rstat '%a %U' "${b#$R}")" = "600 watiqa" ] || wqr_fail "backup $b is $(rstat '%a %U' "${b#$R}")"
head -c 16 "$b" | grep >/dev/null -- "SQLite format 3" || wqr_fail "backup $b is not an SQLite database"
wqr_ok "backup written (0600 watiqa), the one older than $keep days removed"

wqr_step "upgrade to $v2"
# the unit keeps running through the unpack and is restarted after it (dh's
# --restart-after-upgrade): here, stopped and started again by hand
cp "$deb2" "$R/tmp/"
wqr_in "$R" "DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/$(basename "$deb2")" \
	>"$LOGS/apt-upgrade.log" 2>&1 </dev/null || { tail -30 "$LOGS/apt-upgrade.log" >&2; wqr_fail "apt upgrade"; }
[ "$(wqr_in "$R" "dpkg-query -W -f='\${Version}' watiqa")" = "$v2" ] || wqr_fail "version after upgrade"
service_stop
: >"$LOGS/service-pre.log"
service_start
grep -q "1 migration applied" "$LOGS/service-pre.log" ||
	{ cat "$LOGS/service-pre.log" >&2; wqr_fail "the restart's ExecStartPre did not apply the new migration"; }
grep -q "^ssh_port = $ssh_port$" "$R/etc/watiqa/watiqa.conf" || wqr_fail "the edited conffile was not kept"
wqr_ok "upgraded; the restart migrated (999_upgrade_probe), the edited settings kept"

wqr_step "after the upgrade: same data, same host key"
wqr_in "$R" "sudo -u watiqa watiqa user list" >"$LOGS/users-after.txt"
# the same accounts, roles and scopes (nadia's second factor was enrolled in between)
diff <(awk '{ print $1, $2, $3 }' "$LOGS/users-before.txt") <(awk '{ print $1, $2, $3 }' "$LOGS/users-after.txt") ||
	wqr_fail "the accounts changed across the upgrade"
WQR_SSH_OPTS="-o StrictHostKeyChecking=yes -o UserKnownHostsFile=$known" \
	wqr_ssh_screen "$ssh_port" nadia "$WQR_ADMIN_PW" '^ Watiqa \| .* \| nadia, admin \| ' '^> karim '
wqr_ok "the same accounts; nadia logs in again, the host key unchanged"
service_stop

wqr_step "apt remove keeps /var/lib/watiqa"
wqr_in "$R" "DEBIAN_FRONTEND=noninteractive apt-get remove -y -q watiqa" >"$LOGS/apt-remove.log" 2>&1 </dev/null ||
	{ tail -20 "$LOGS/apt-remove.log" >&2; wqr_fail "apt remove"; }
[ ! -e "$R/usr/bin/watiqa" ] || wqr_fail "/usr/bin/watiqa still there after remove"
[ -f "$R/var/lib/watiqa/watiqa.db" ] && [ -f "$R/etc/watiqa/watiqa.conf" ] ||
	wqr_fail "remove took the database or the settings"
wqr_ok "removed; the database and the settings kept"

wqr_step "apt purge asks nothing and removes it"
# no terminal, no answers: a question would fail or hang (and the timeout end it)
timeout 120 chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	apt-get purge -y -q watiqa >"$LOGS/apt-purge.log" 2>&1 </dev/null ||
	{ tail -20 "$LOGS/apt-purge.log" >&2; wqr_fail "apt purge"; }
[ ! -e "$R/var/lib/watiqa" ] || wqr_fail "/var/lib/watiqa still there after purge"
[ ! -e "$R/etc/watiqa" ] || wqr_fail "/etc/watiqa still there after purge"
wqr_ok "purged: /var/lib/watiqa and /etc/watiqa gone"
wqr_step done
echo "deb install, upgrade, remove, purge: ok"
