# ui_lib.sh - helpers for the terminal-screen tests: a demo database of their own and
# `watiqa ui USER` panes in tmux, driven by send-keys and read by capture-pane.
# Source after lib.sh.

# ui_setup: a fresh demo database in $T; sets and exports WQ_DB / WATIQA_DB.
ui_setup() {
	WQ_DB=$T/ui.db
	export WATIQA_DB=$WQ_DB
	export WATIQA_PRINT_DIR=$T/print
	"$WATIQA_BIN" demo --db "$WQ_DB" >"$T/demo.log" 2>&1 || {
		cat "$T/demo.log" >&2
		fail "watiqa demo --db failed"
	}
	wq_demo_english
}

# ui_open NAME USER [SCREEN]: a tmux pane (80x24 unless WQ_COLS/WQ_ROWS) running the
# staff screen of USER on the test database.
ui_open() {
	local name=$1 user=$2 screen=${3:-}
	$WQ_TMUX new-session -d -s "$name" -x "${WQ_COLS:-80}" -y "${WQ_ROWS:-24}" \
		"env TERM=xterm-256color WATIQA_DB='$WQ_DB' WATIQA_PRINT_DIR='$WATIQA_PRINT_DIR' \
		 '$WATIQA_BIN' ui $user $screen 2>'$T/ui-$name.err'; echo 'ui exited'; sleep 30"
}

# ui_row NAME N: line N (0-based) of the pane.
ui_row() { wq_screen "$1" | sed -n "$(($2 + 1))p"; }

# ui_cursor_tracking NAME: the tracking number on the row with the cursor ('>').
ui_cursor_tracking() { wq_screen "$1" | grep -o '^>.W[0-9]\{10\}' | head -1 | cut -c3-; }

# ui_status NAME: the status line (second row from the bottom).
ui_status() { wq_screen "$1" | tail -n 2 | head -n 1; }

# ui_wait_gone NAME TEXT [SECONDS]: waits until the pane no longer shows TEXT.
ui_wait_gone() {
	local name=$1 text=$2 secs i
	secs=$(wq_wait_secs "${3:-10}")
	for ((i = 0; i < secs * 10; i++)); do
		wq_screen "$name" | grep -q -- "$text" || return 0
		sleep 0.1
	done
	wq_screen "$name" >&2
	fail "screen $name still shows '$text'"
}

# ui_search NAME TEXT: puts the cursor on the row holding TEXT (the / search).
ui_search() {
	wq_type "$1" /
	wq_screen_wait "$1" "Search:" 5
	wq_type "$1" -l "$2"
	wq_type "$1" Enter
	wq_screen_wait "$1" "^>.$2" 5
}

# ui_sql SQL: one value from the test database.
ui_sql() { sqlite3 -cmd ".timeout 5000" "$WQ_DB" "$1"; }

# ui_state TRACKING: the request's state in the database.
ui_state() { ui_sql "SELECT state FROM requests WHERE tracking = '$1'"; }

# ui_serve_as USER TITLE: starts the server (wq_start_server, printouts in $T/print) for
# a story told at a terminal, and picks in VIA how it reaches the screens: ssh in tmux
# (WQ_VIA, default ssh), or, should ssh login as USER not reach the screen titled TITLE
# on this build (the SSH side still in progress), `watiqa ui` panes on the server's
# database, and says so.
ui_serve_as() {
	local user=$1 title=$2 i
	wq_start_server
	export WATIQA_PRINT_DIR=$T/print
	VIA=${WQ_VIA:-ssh}
	if [ "$VIA" = ssh ]; then
		wq_login probe "$user" watiqa-demo
		for ((i = 0; i < 300; i++)); do
			wq_screen probe | grep -q "$title" && break
			sleep 0.1
		done
		if ! wq_screen probe | grep -q "$title"; then
			echo "note: ssh login does not reach a screen yet ($(grep -m1 'refused\|cannot' "$T/serve.log" || true)); using watiqa ui panes"
			VIA=ui
		fi
		$WQ_TMUX kill-session -t probe
	fi
}

# ui_open_as NAME USER: USER's screen in a pane named NAME, the way ui_serve_as picked.
ui_open_as() {
	if [ "$VIA" = ssh ]; then wq_login "$1" "$2" watiqa-demo; else ui_open "$1" "$2"; fi
}
