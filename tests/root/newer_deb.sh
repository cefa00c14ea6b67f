#!/usr/bin/env bash
# newer_deb.sh - the package an upgrade goes to, for the upgrade tests: this checkout's
# HEAD (a git clone into OUTDIR) with a changelog entry VERSION+upgrade1 above the top
# one and one more migration (db/999_upgrade_probe.sql) that only the upgraded
# service's own migration step can have applied; built with `make deb`.  Prints the
# .deb's path; the build's log is OUTDIR/make-deb.log.
#   bash tests/root/newer_deb.sh OUTDIR
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: newer_deb.sh OUTDIR}
mkdir -p "$out"
rm -rf "$out/src"
git clone -q "$src" "$out/src"
v1=$(dpkg-parsechangelog -l "$out/src/debian/changelog" -S Version)
v2=$v1+upgrade1
{
	printf 'watiqa (%s) bookworm; urgency=medium\n\n  * Upgrade test: one more migration.\n\n' "$v2"
	# now: later than the entry below (lintian wants the newest entry dated last)
	printf ' -- Watiqa-C maintainers <maintainers@watiqa.invalid>  %s\n\n' "$(date -R)"
	cat "$out/src/debian/changelog"
} >"$out/changelog" && mv "$out/changelog" "$out/src/debian/changelog"
echo "CREATE TABLE upgrade_probe (id INTEGER PRIMARY KEY);" >"$out/src/db/999_upgrade_probe.sql"
if ! make -C "$out/src" --no-print-directory deb >"$out/make-deb.log" 2>&1; then
	tail -30 "$out/make-deb.log" >&2
	echo "newer_deb.sh: make deb of $v2 failed (log: $out/make-deb.log)" >&2
	exit 1
fi
ls "$out/src"/watiqa_"$v2"_*.deb
