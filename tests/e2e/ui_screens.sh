#!/usr/bin/env bash
# ui_screens.sh - the saved-screen tests of tests/screens/<screen>_<case>: each file
# names an account, its screens' language (lang:, English if none) and the keys typed,
# then the 80x24 screen expected afterwards.
# Tracking numbers, ages and times (which change with each demo load and with the
# clock) are masked on both sides.  WQ_SCREENS_UPDATE=1 rewrites the expected screens.
# Also: every demo account opens a screen (its role's, or the one that says there is
# none yet) and leaves with q.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ui_lib.sh"

# One fixed moment, a Wednesday 10:00 in Rabat, for the demo load and every screen: the
# Late column counts working days (escalate.h), so which rows are late depends on the
# weekday, not only on the ages.
export WATIQA_FAKE_NOW=1795597200
ui_setup
mask() {
	sed -E 's/W[0-9]{10}/W##########/g; s/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}/DATE/g;
		s/[0-9]{2}\/[0-9]{2}\/[0-9]{4} [0-9]{2}:[0-9]{2}/DATE/g;
		s/ *([0-9]+[dj][0-9]{2}h|[0-9]+h[0-9]{2}(m|min)?|[0-9]+(m|min))( |$)/ AGE\4/g; s/ +$//'
}

n=0
for f in "$WQ_ROOT"/tests/screens/*_*; do
	[ -f "$f" ] || continue
	case=$(basename "$f")
	user=$(sed -n 's/^user: //p' "$f" | head -1)
	keys=$(sed -n 's/^keys: //p' "$f" | head -1)
	lang=$(sed -n 's/^lang: //p' "$f" | head -1)
	"$WATIQA_BIN" user lang "$user" "${lang:-en}" >/dev/null || fail "$case: user lang"
	ui_open "$case" "$user"
	wq_screen_wait "$case" "Watiqa" 10
	sleep 0.5
	for k in $keys; do
		wq_type "$case" "$k"
		sleep 0.4
	done
	sleep 0.5
	got=$(wq_screen "$case" | mask)
	if [ "${WQ_SCREENS_UPDATE:-0}" = 1 ]; then
		{ sed '/^---$/q' "$f"; printf '%s\n' "$got"; } >"$T/new" && mv "$T/new" "$f"
		ok "$case updated"
	else
		want=$(sed '1,/^---$/d' "$f")
		if [ "$got" != "$want" ]; then
			diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") >&2 || true
			fail "$case: the screen differs (- expected, + shown)"
		fi
		ok "$case"
	fi
	wq_type "$case" q
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no saved screens in tests/screens"

for u in agent1 supervisor1 inspector1 support1 finance1 treasury1 admin1 post1 officer1 inspector0; do
	"$WATIQA_BIN" user lang "$u" en >/dev/null # the saved screens above may have changed it
	ui_open "r-$u" "$u"
	wq_screen_wait "r-$u" "Watiqa |" 10
	wq_screen_wait "r-$u" "$u" 5
	wq_type "r-$u" q
	wq_screen_wait "r-$u" "ui exited" 5
	[ ! -s "$T/ui-r-$u.err" ] || { cat "$T/ui-r-$u.err" >&2; fail "$u: ui wrote to stderr"; }
done
ok "every role opens a screen and leaves with q"
