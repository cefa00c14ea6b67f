/* form.c - a small form in a window: labelled text fields, each checked against a
 * PCRE2 pattern (UTF mode, anchored to the whole value) when the form is submitted.
 * A field that does not match shows its hint next to it, in reverse video, and the
 * form stays open on it.  UI child only; no data access. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <curses.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widget.h"

int form_match(const char *pattern, const char *value)
{
	int errcode, rc;
	PCRE2_SIZE erroff;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &errcode,
				       &erroff, NULL);
	pcre2_match_data *md;
	if (!re)
		return -1;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	if (!md) {
		pcre2_code_free(re);
		return -1;
	}
	rc = pcre2_match(re, (PCRE2_SPTR)value, strlen(value), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return rc >= 0 ? 1 : 0;
}

/* The form's window for the terminal's current size: frame, title and key line. */
static WINDOW *form_window(struct ui *ui, const char *title, int n, int *h, int *w)
{
	*h = n * 2 + 3;
	*w = ui->term.cols - 4;
	if (*h > ui->term.rows - 2)
		*h = ui->term.rows - 2;
	WINDOW *win = newwin(*h, *w, (ui->term.rows - *h) / 2, 2);
	if (!win)
		return NULL;
	wborder(win, '|', '|', '-', '-', '+', '+', '+', '+'); /* ASCII: no charset switching */
	term_put(&ui->term, win, 0, 2, *w - 4, A_NORMAL, tr(ui, title), 0);
	term_put(&ui->term, win, *h - 1, 2, *w - 4, A_NORMAL,
		 tr(ui, " Tab: next field  Enter: submit  Esc: cancel "), 0);
	return win;
}

int form_run(struct ui *ui, const char *title, struct form_field *f, int n)
{
	int labelw = 0, cur = 0, ret = -1, h, w;
	char *bad = calloc((size_t)n, 1);
	char line[1024];
	WINDOW *win;

	if (!bad)
		return 0;
	for (int i = 0; i < n; i++)
		if (term_width(tr(ui, f[i].label)) > labelw)
			labelw = term_width(tr(ui, f[i].label));
	win = form_window(ui, title, n, &h, &w);
	if (!win) {
		free(bad);
		return 0;
	}
	curs_set(1);
	while (ret < 0) {
		int cx = 1, cy = 1;
		for (int i = 0; i < n && 1 + i * 2 + 1 < h - 1; i++) {
			int fw = w - 4 - labelw;
			const char *shown = f[i].buf;
			while (term_width(shown) >= fw && *shown)
				shown++;
			term_fit(tr(ui, f[i].label), labelw, 1, 1, line, sizeof line);
			term_put(&ui->term, win, 1 + i * 2, 1, labelw + 1,
				 i == cur ? A_BOLD : A_NORMAL, line, 1);
			term_put(&ui->term, win, 1 + i * 2, 2 + labelw, fw, A_UNDERLINE, shown, 1);
			term_put(&ui->term, win, 2 + i * 2, 2 + labelw, w - 4 - labelw,
				 bad[i] ? (A_REVERSE | A_BOLD) : A_NORMAL,
				 bad[i] ? tr(ui, f[i].hint) : "", 1);
			if (i == cur) {
				cy = 1 + i * 2;
				cx = 2 + labelw + term_width(shown);
			}
		}
		wmove(win, cy, cx);
		wnoutrefresh(stdscr);
		wnoutrefresh(win);
		doupdate();

		int key = term_getkey(&ui->term);
		if (key < 0)
			continue;
		if (key == KM_ESC) {
			ret = 0;
		} else if (key == '\t' || key == KM_FN(KEY_DOWN)) {
			cur = (cur + 1) % n;
		} else if (key == KM_FN(KEY_BTAB) || key == KM_FN(KEY_UP)) {
			cur = (cur + n - 1) % n;
		} else if (key == KM_ENTER) {
			int first_bad = -1;
			for (int i = 0; i < n; i++) {
				bad[i] = f[i].pattern && form_match(f[i].pattern, f[i].buf) != 1;
				if (bad[i] && first_bad < 0)
					first_bad = i;
			}
			if (first_bad < 0)
				ret = 1;
			else
				cur = first_bad;
		} else if (key == KM_BACKSPACE) {
			prompt_text_backspace(f[cur].buf);
		} else if (key == KM_CTRL('u')) {
			f[cur].buf[0] = '\0';
		} else if (key == KM_FN(KEY_RESIZE)) {
			/* keep what was typed: a reattached session (another window size) or a
			 * resized terminal finds its half-filled form redrawn, not cancelled */
			term_resize(&ui->term);
			term_invalidate(&ui->term);
			ui->repaint(ui);
			delwin(win);
			if (!(win = form_window(ui, title, n, &h, &w)))
				ret = 0;
		} else if (prompt_is_text_key(key)) {
			prompt_text_append(f[cur].buf, f[cur].len, key);
		}
	}
	curs_set(0);
	if (win)
		delwin(win);
	touchwin(stdscr);
	free(bad);
	return ret;
}
