#!/usr/bin/env bash
# mkroot.sh - a fresh Debian 12 as a new user gets it: a debootstrap minbase bookworm
# root with build-essential, git, make and sudo (a "user with sudo" needs it), and the
# sources a Debian installer writes (main, updates, security).  Built once into a cache
# under /var/tmp keyed by a hash of what goes in, then reused; prints the cached root's
# path.  Callers copy it (rootlib.sh's wqr_fresh) and never change the cached one.
# Runs as root on Debian; installs debootstrap on the host when missing.
set -euo pipefail
SUITE=bookworm
MIRROR=${WQR_MIRROR:-http://deb.debian.org/debian}
PACKAGES=build-essential,git,make,sudo
CACHE=${WQR_CACHE:-/var/tmp/watiqa-roots}
# the recipe's version: bump it when what this script does to the root changes
RECIPE=1
key=$(printf '%s\n' "$SUITE" minbase "$MIRROR" "$PACKAGES" "$RECIPE" | sha256sum | cut -c1-16)
root=$CACHE/$SUITE-minbase-$key

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -w 1200 9 || { echo "mkroot: another build holds $CACHE/.lock for 20 min" >&2; exit 1; }
if [ -f "$root/.complete" ]; then
	echo "$root"
	exit 0
fi
if ! command -v debootstrap >/dev/null; then
	echo "mkroot: installing debootstrap on the host" >&2
	apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
fi
tmp=$root.tmp
rm -rf --one-file-system "$tmp"
echo "mkroot: debootstrap --variant=minbase $SUITE (+$PACKAGES) into $tmp" >&2
start=$(date +%s)
if ! debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$tmp" "$MIRROR" \
	>"$CACHE/debootstrap.log" 2>&1; then
	tail -30 "$CACHE/debootstrap.log" >&2
	echo "mkroot: debootstrap failed (log: $CACHE/debootstrap.log)" >&2
	rm -rf --one-file-system "$tmp"
	exit 1
fi
cat >"$tmp/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb ${MIRROR%/debian}/debian-security $SUITE-security main
EOF
# nothing left from the build: no package lists, no downloads
rm -rf "$tmp"/var/lib/apt/lists/* "$tmp"/var/cache/apt/archives/*.deb
touch "$tmp/.complete"
mv "$tmp" "$root"
echo "mkroot: built in $(($(date +%s) - start)) s" >&2
echo "$root"
