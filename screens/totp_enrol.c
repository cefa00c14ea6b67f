/* totp_enrol.c - the account enrols its own second factor, in its SSH session (issue 12
 * item 13): the secret as base32 text and as a QR code drawn in the terminal, the code
 * the app then shows to confirm it, and the recovery codes, shown this once.  Opened by
 * `ssh -t USER@HOST totp`, or first thing when the account's role needs a second factor
 * it has not (then it cannot be skipped: leaving ends the session).  Its text goes
 * through term.c and the message table like every screen's; the QR code stays left to
 * right on an Arabic screen (an isolate), or no app could read it.  UI child only; the
 * data layer is totp.h's. */
#include <curses.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "screen.h"
#include "totp.h"

#define TEXT_COLS 43 /* the text on the left; the QR code to its right (35 columns) */
#define MAX_ROWS 64

struct enrol_view {
	char text[MAX_ROWS][160]; /* the text part of each row */
	char **qr;		  /* the QR code's rows, from row 1 */
	int nqr, qr_w;
};

/* Every row: its text, and beside it (from qr_col) the QR code's row, kept left to right
 * inside a left-to-right isolate on an Arabic screen. */
static void paint(struct ui *ui, const struct enrol_view *v)
{
	char line[600], fit[400];
	int rows = ui->term.rows, cols = ui->term.cols;
	int qr_col = cols - v->qr_w - 1 > TEXT_COLS ? cols - v->qr_w - 1 : TEXT_COLS;
	for (int y = 1; y < rows && y < MAX_ROWS; y++) {
		int q = y - 1;
		if (v->qr && q < v->nqr) {
			term_fit(v->text[y], qr_col, 1, 0, fit, sizeof fit);
			snprintf(line, sizeof line, "%s%s%s%s", fit, ui->term.rtl ? "\xe2\x81\xa6" : "",
				 v->qr[q], ui->term.rtl ? "\xe2\x81\xa9" : "");
		} else {
			snprintf(line, sizeof line, "%s", v->text[y]);
		}
		term_line(&ui->term, y, A_NORMAL, line, 0, 0, 0, 0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static void start(struct ui *ui, struct enrol_view *v)
{
	char t[160];
	memset(v->text, 0, sizeof v->text);
	snprintf(t, sizeof t, " Watiqa | %s | %s", tr(ui, "Second factor"), ui->actor.username);
	werase(stdscr);
	term_invalidate(&ui->term);
	term_line(&ui->term, 0, A_REVERSE, t, 1, 0, 0, 0);
}

/* A key, or -1 when the terminal is gone. */
static int key(struct ui *ui)
{
	for (;;) {
		int k = term_getkey(&ui->term);
		if (k >= 0)
			return k;
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		if (poll(&p, 1, 0) < 0 || (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
			return -1;
	}
}

/* Digits typed on row y into code; 1 on Enter with 6 digits, 0 to leave, -1 gone. */
static int read_code(struct ui *ui, struct enrol_view *v, int y, char code[TOTP_DIGITS + 1])
{
	int n = 0;
	code[0] = '\0';
	for (;;) {
		snprintf(v->text[y], sizeof v->text[y], "    %s %s", tr(ui, "Code:"), code);
		paint(ui, v);
		if (!ui->term.rtl) { /* the cursor after the digits typed */
			move(y, term_width(v->text[y]));
			refresh();
		}
		int k = key(ui);
		if (k < 0)
			return -1;
		if (k == KM_ESC || k == 'q')
			return 0;
		if (k == KM_BACKSPACE && n > 0)
			code[--n] = '\0';
		else if (k >= '0' && k <= '9' && n < TOTP_DIGITS)
			code[n++] = (char)k, code[n] = '\0';
		else if (k == KM_ENTER && n == TOTP_DIGITS)
			return 1;
	}
}

static void draw_secret(struct ui *ui, struct enrol_view *v, const char *b32)
{
	char uri[256], *o;
	start(ui, v);
	snprintf(v->text[2], sizeof v->text[2], "%s", tr(ui, "1. In an authenticator app (Aegis,"));
	snprintf(v->text[3], sizeof v->text[3], "%s", tr(ui, "   FreeOTP, Google Authenticator...)"));
	snprintf(v->text[4], sizeof v->text[4], "%s", tr(ui, "   scan the code, or type this secret:"));
	o = v->text[6] + snprintf(v->text[6], sizeof v->text[6], "    ");
	for (int i = 0; b32[i] && o < v->text[6] + sizeof v->text[6] - 3; i++) {
		if (i && i % 4 == 0)
			*o++ = ' ';
		*o++ = b32[i];
	}
	*o = '\0';
	snprintf(v->text[8], sizeof v->text[8], "%s", tr(ui, "2. Type the 6 digits the app shows"));
	snprintf(v->text[9], sizeof v->text[9], "%s", tr(ui, "   now, then Enter (q: leave)."));
	totp_uri(ui->actor.username, b32, uri, sizeof uri);
	if (totp_qr_text(uri, &v->qr, &v->nqr, &v->qr_w) != 0)
		v->qr = NULL, v->nqr = v->qr_w = 0;
}

static int wait_enter(struct ui *ui, struct enrol_view *v)
{
	paint(ui, v);
	for (;;) {
		int k = key(ui);
		if (k < 0)
			return -1;
		if (k == KM_ENTER)
			return 0;
	}
}

static int show_recovery(struct ui *ui, char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES])
{
	struct enrol_view v = {0};
	start(ui, &v);
	snprintf(v.text[2], sizeof v.text[2], "%s",
		 tr(ui, "The second factor is on: each login now asks the app's code."));
	snprintf(v.text[4], sizeof v.text[4], "%s",
		 tr(ui, "Recovery codes, for a lost phone: each works once, in place of a code."));
	snprintf(v.text[5], sizeof v.text[5], "%s",
		 tr(ui, "Write them down now and keep them apart from the phone; they are not"));
	snprintf(v.text[6], sizeof v.text[6], "%s", tr(ui, "shown again."));
	for (int i = 0; i + 1 < TOTP_RECOVERY_COUNT; i += 2)
		snprintf(v.text[8 + i / 2], sizeof v.text[0], "    %-19s %s", codes[i], codes[i + 1]);
	if (TOTP_RECOVERY_COUNT % 2)
		snprintf(v.text[8 + TOTP_RECOVERY_COUNT / 2], sizeof v.text[0], "    %s",
			 codes[TOTP_RECOVERY_COUNT - 1]);
	snprintf(v.text[9 + TOTP_RECOVERY_COUNT / 2], sizeof v.text[0], "%s",
		 tr(ui, "Enter: continue."));
	return wait_enter(ui, &v);
}

static int say(struct ui *ui, const char *msg)
{
	struct enrol_view v = {0};
	start(ui, &v);
	snprintf(v.text[2], sizeof v.text[2], "%s", msg);
	snprintf(v.text[4], sizeof v.text[4], "%s", tr(ui, "Enter: continue."));
	return wait_enter(ui, &v);
}

int totp_enrol_screen(struct ui *ui, int forced)
{
	char b32[TOTP_SECRET_B32_BYTES], code[TOTP_DIGITS + 1];
	char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES];
	struct wq_errbuf eb = {0};
	struct enrol_view v = {0};
	int rc = totp_begin(ui->db, ui->cfg, &ui->actor, b32, sizeof b32, &eb), ret;
	if (rc == WQ_ECONFLICT)
		return forced ? 0 : say(ui, eb.msg);
	if (rc)
		return say(ui, eb.msg) < 0 ? -1 : 1;
	draw_secret(ui, &v, b32);
	if (forced)
		snprintf(v.text[13], sizeof v.text[13], "%s",
			 tr(ui, "Your role needs it before anything else."));
	curs_set(ui->term.rtl ? 0 : 1);
	for (;;) {
		int got = read_code(ui, &v, 11, code);
		if (got <= 0) {
			ret = got < 0 ? -1 : forced ? 1 : 0;
			goto out;
		}
		memset(&eb, 0, sizeof eb);
		if (totp_confirm(ui->db, ui->cfg, &ui->actor, code, codes, &eb) == WQ_OK)
			break;
		snprintf(v.text[13], sizeof v.text[13], "%.41s", eb.msg);
		snprintf(v.text[14], sizeof v.text[14], "%s",
			 tr(ui, "Try again with the code shown now."));
	}
	curs_set(0);
	ret = show_recovery(ui, codes) < 0 ? -1 : 0;
out:
	curs_set(0);
	if (v.qr)
		totp_qr_free(v.qr, v.nqr);
	werase(stdscr);
	term_invalidate(&ui->term);
	return ret;
}
