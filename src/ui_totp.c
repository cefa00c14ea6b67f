/* ui_totp.c - the account enrols its own second factor, in its SSH session (issue 12
 * item 13): the secret as base32 text and as a QR code drawn in the terminal, the code
 * the app then shows to confirm it, and the recovery codes, shown this once.  Opened by
 * `ssh -t USER@HOST totp`, or first thing when the account's role needs a second factor
 * it has not (then it cannot be skipped: leaving ends the session).  Runs in the UI
 * child, on ncurses already started by ui_main(); the data layer is totp.h's. */
#include <curses.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "totp.h"
#include "ui_totp.h"

#define TEXT_COLS 43 /* the text on the left; the QR code to its right (35 columns) */

static void title(const char *username)
{
	erase();
	attron(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvprintw(0, 1, "Watiqa | Second factor | %s", username);
	attroff(A_REVERSE);
}

/* A key, or -1 when the terminal is gone. */
static int key(void)
{
	for (;;) {
		int k = getch();
		if (k != ERR)
			return k;
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		if (poll(&p, 1, 0) < 0 || (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
			return -1;
	}
}

/* Digits typed at (y, x) into code; 1 on Enter with 6 digits, 0 to leave, -1 gone. */
static int read_code(int y, int x, char code[TOTP_DIGITS + 1])
{
	int n = 0;
	code[0] = '\0';
	for (;;) {
		mvprintw(y, x, "%-6s", code);
		move(y, x + n);
		refresh();
		int k = key();
		if (k < 0)
			return -1;
		if (k == 27 || k == 'q')
			return 0;
		if ((k == KEY_BACKSPACE || k == 127 || k == 8) && n > 0)
			code[--n] = '\0';
		else if (k >= '0' && k <= '9' && n < TOTP_DIGITS)
			code[n++] = (char)k, code[n] = '\0';
		else if ((k == '\r' || k == '\n' || k == KEY_ENTER) && n == TOTP_DIGITS)
			return 1;
	}
}

static void draw_secret(const char *username, const char *b32)
{
	char uri[256], **rows;
	int n, w;
	title(username);
	mvprintw(2, 1, "1. In an authenticator app (Aegis,");
	mvprintw(3, 1, "   FreeOTP, Google Authenticator...)");
	mvprintw(4, 1, "   scan the code, or type this secret:");
	move(6, 4);
	for (int i = 0; b32[i]; i++) {
		if (i && i % 4 == 0)
			addch(' ');
		addch((chtype)(unsigned char)b32[i]);
	}
	mvprintw(8, 1, "2. Type the 6 digits the app shows");
	mvprintw(9, 1, "   now, then Enter (q: leave).");
	mvprintw(11, 4, "Code:");
	totp_uri(username, b32, uri, sizeof uri);
	if (totp_qr_text(uri, &rows, &n, &w) == 0) {
		int col = COLS - w - 1 > TEXT_COLS ? COLS - w - 1 : TEXT_COLS;
		for (int i = 0; i < n && 1 + i < LINES; i++)
			mvaddstr(1 + i, col, rows[i]);
		totp_qr_free(rows, n);
	}
}

static int show_recovery(const char *username,
			 char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES])
{
	title(username);
	mvprintw(2, 1, "The second factor is on: each login now asks the app's code.");
	mvprintw(4, 1, "Recovery codes, for a lost phone: each works once, in place of a code.");
	mvprintw(5, 1, "Write them down now and keep them apart from the phone; they are not");
	mvprintw(6, 1, "shown again.");
	for (int i = 0; i < TOTP_RECOVERY_COUNT; i++)
		mvprintw(8 + i / 2, 4 + (i % 2) * 20, "%s", codes[i]);
	mvprintw(9 + TOTP_RECOVERY_COUNT / 2, 1, "Enter: continue.");
	refresh();
	for (;;) {
		int k = key();
		if (k < 0)
			return -1;
		if (k == '\r' || k == '\n' || k == KEY_ENTER)
			return 0;
	}
}

static int say(const char *username, const char *msg)
{
	title(username);
	mvprintw(2, 1, "%s", msg);
	mvprintw(4, 1, "Enter: continue.");
	refresh();
	for (int k; (k = key()) != '\r' && k != '\n' && k != KEY_ENTER;)
		if (k < 0)
			return -1;
	return 0;
}

int ui_totp_enrol(struct db *db, const struct config *cfg, const struct actor *a, int forced)
{
	char b32[TOTP_SECRET_B32_BYTES], code[TOTP_DIGITS + 1];
	char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES];
	struct wq_errbuf eb = {0};
	int rc = totp_begin(db, cfg, a, b32, sizeof b32, &eb);
	if (rc == WQ_ECONFLICT)
		return forced ? 0 : say(a->username, eb.msg);
	if (rc)
		return say(a->username, eb.msg) < 0 ? -1 : 1;
	timeout(1000);
	curs_set(1);
	draw_secret(a->username, b32);
	if (forced)
		mvprintw(13, 1, "Your role needs it before anything else.");
	for (;;) {
		int got = read_code(11, 10, code);
		if (got <= 0) {
			curs_set(0);
			return got < 0 ? -1 : forced ? 1 : 0;
		}
		memset(&eb, 0, sizeof eb);
		if (totp_confirm(db, cfg, a, code, codes, &eb) == WQ_OK)
			break;
		mvprintw(13, 1, "%-41.41s", eb.msg);
		mvprintw(14, 1, "%-41s", "Try again with the code shown now.");
	}
	curs_set(0);
	return show_recovery(a->username, codes) < 0 ? -1 : 0;
}
