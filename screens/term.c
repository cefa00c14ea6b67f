/* term.c - what reaches the terminal, and the only file that writes text to it.  Keeps,
 * for each row, the text and attributes it was last drawn with, and touches a row only
 * when that changes: together with ncurses' own cell diff this keeps a cursor move to a
 * few dozen bytes on the wire.  Also fits UTF-8 text (Arabic and Latin names) to a
 * number of columns, replacing control characters so that data can never send escape
 * sequences, draws fitted text into the widgets' windows, and reads keys.  Includes
 * nothing of the screens above it (term.h only).  UI child only. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "term.h"

#define POLL_TENTHS 10 /* getch waits this long before the screen polls the database */

int term_fit(const char *src, int width, int pad, int right, char *dst, size_t dstlen)
{
	mbstate_t st;
	size_t o = 0;
	int used = 0;
	const char *p = src ? src : "";
	size_t left = strlen(p);
	char tmp[1024];
	size_t t = 0;

	memset(&st, 0, sizeof st);
	if (dstlen == 0)
		return 0;
	while (left > 0 && used < width) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, p, left, &st);
		int w;
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			wc = L'?';
			k = 1;
		}
		w = wcwidth(wc);
		if (wc < 0x20 || wc == 0x7f || (wc >= 0x80 && wc < 0xa0) || w < 0) {
			if (used + 1 > width)
				break;
			w = 1;
			if (t + 1 < sizeof tmp)
				tmp[t++] = '?';
		} else {
			if (used + w > width)
				break;
			if (t + k < sizeof tmp) {
				memcpy(tmp + t, p, k);
				t += k;
			}
		}
		used += w;
		p += k;
		left -= k;
	}
	if (right && pad)
		for (int i = used; i < width && o + 1 < dstlen; i++)
			dst[o++] = ' ';
	if (o + t >= dstlen)
		t = dstlen - o - 1;
	memcpy(dst + o, tmp, t);
	o += t;
	if (pad && !right)
		for (int i = used; i < width && o + 1 < dstlen; i++)
			dst[o++] = ' ';
	dst[o] = '\0';
	return pad ? (used > width ? used : width) : used;
}

int term_width(const char *s)
{
	char buf[1024];
	return term_fit(s, 4000, 0, 0, buf, sizeof buf);
}

void term_free(struct term *t)
{
	for (int i = 0; i < t->nlines; i++)
		free(t->lines[i].text);
	free(t->lines);
	t->lines = NULL;
	t->nlines = 0;
}

int term_resize(struct term *t)
{
	term_free(t);
	getmaxyx(stdscr, t->rows, t->cols);
	if (t->rows < 1 || t->cols < 1)
		t->rows = 1, t->cols = 1;
	t->lines = calloc((size_t)t->rows, sizeof *t->lines);
	if (!t->lines)
		return -1;
	t->nlines = t->rows;
	for (int i = 0; i < t->rows; i++) {
		t->lines[i].text = calloc((size_t)t->cols * 4 + 8, 1);
		if (!t->lines[i].text)
			return -1;
	}
	return 0;
}

void term_invalidate(struct term *t)
{
	for (int i = 0; i < t->nlines; i++)
		t->lines[i].valid = 0;
}

void term_line(struct term *t, int y, int attr, const char *text, int pad, int hl_x,
	       int hl_w, int hl_attr)
{
	struct term_line *l;
	size_t cap;
	char *fit;
	int width;

	if (y < 0 || y >= t->nlines)
		return;
	l = &t->lines[y];
	cap = (size_t)t->cols * 4 + 8;
	/* never the bottom-right cell: writing it scrolls some terminals */
	width = (y == t->rows - 1) ? t->cols - 1 : t->cols;
	fit = malloc(cap);
	if (!fit)
		return;
	term_fit(text, width, pad, 0, fit, cap);
	if (hl_w <= 0 || hl_x >= width)
		hl_w = 0, hl_x = 0, hl_attr = 0;
	else if (hl_x + hl_w > width)
		hl_w = width - hl_x;
	if (l->valid && l->attr == attr && l->hl_x == hl_x && l->hl_w == hl_w &&
	    l->hl_attr == hl_attr && strcmp(l->text, fit) == 0) {
		free(fit);
		return;
	}
	attrset(attr);
	mvaddstr(y, 0, fit);
	attrset(A_NORMAL);
	if (term_width(fit) < width)
		clrtoeol();
	if (hl_w > 0)
		mvchgat(y, hl_x, hl_w, (attr_t)(attr | hl_attr), 0, NULL);
	memcpy(l->text, fit, strlen(fit) + 1);
	l->attr = attr;
	l->hl_x = hl_x;
	l->hl_w = hl_w;
	l->hl_attr = hl_attr;
	l->valid = 1;
	free(fit);
}

int term_put(WINDOW *w, int y, int x, int width, int attr, const char *text, int pad)
{
	char fit[1024];
	int used;
	if (width <= 0)
		return 0;
	used = term_fit(text, width, pad, 0, fit, sizeof fit);
	wattrset(w, attr);
	mvwaddstr(w, y, x, fit);
	wattrset(w, A_NORMAL);
	return used;
}

static int64_t mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int term_getkey(struct term *t)
{
	wint_t wc;
	int rc;

	timeout(POLL_TENTHS * 100);
	rc = get_wch(&wc);
	if (rc == ERR)
		return -1;
	t->last_input = mono_seconds();
	if (rc == KEY_CODE_YES) {
		switch (wc) {
		case KEY_ENTER:
			return KM_ENTER;
		case KEY_BACKSPACE:
			return KM_BACKSPACE;
		default:
			return KM_FN((int)wc);
		}
	}
	if (wc == '\r')
		return KM_ENTER;
	if (wc == 8)
		return KM_BACKSPACE;
	return (int)wc;
}
