/* term.c - what reaches the terminal, and the only file that writes text to it.  Keeps,
 * for each row, the text and attributes it was last drawn with, and touches a row only
 * when that changes: together with ncurses' own cell diff this keeps a cursor move to a
 * few dozen bytes on the wire.  Also fits UTF-8 text (Arabic and Latin names) to a
 * number of columns, replacing control characters so that data can never send escape
 * sequences, draws fitted text into the widgets' windows, and reads keys.  For
 * terminals that do no bidi of their own, each line is reordered here from logical to
 * visual order with GNU FriBidi (right to left for Arabic screens, brackets mirrored),
 * after it was fitted to its width, so that columns keep their widths.
 * Includes nothing of the screens above it (term.h only).  UI child only. */
#include <curses.h>
#include <fribidi.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "term.h"

#define POLL_TENTHS 10 /* getch waits this long before the screen polls the database */
#define LINE_CHARS 1024 /* characters a line may hold, reordered */
#define LINE_BYTES 4096
/* Reordering and mirroring, no Arabic shaping: presentation forms take 3 bytes a letter
 * where the letters take 2, which took the Arabic agent queue past its 2.4 KB first
 * screen (bench/README.md); a terminal that shapes joins the letters itself. */
#define BIDI_FLAGS (FRIBIDI_FLAGS_DEFAULT)

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
	while (left > 0 && used <= width) { /* zero-width marks after the last column too */
		wchar_t wc;
		size_t k = mbrtowc(&wc, p, left, &st);
		int w;
		int bad = k == (size_t)-1 || k == (size_t)-2 || k == 0;
		if (bad) { /* a byte that is no UTF-8 is shown as '?', never sent as it is */
			memset(&st, 0, sizeof st);
			wc = L'?';
			k = 1;
		}
		w = wcwidth(wc);
		if (bad || wc < 0x20 || wc == 0x7f || (wc >= 0x80 && wc < 0xa0) || w < 0) {
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

/* Right-to-left letters (Hebrew to Arabic extended, presentation forms) or a mark
 * that asks for right to left. */
static int has_rtl(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p >= 0xd6 && *p <= 0xdf) || (*p == 0xe0 && p[1] >= 0xa0 && p[1] <= 0xa3) ||
		    (*p == 0xef && p[1] >= 0xac && p[1] <= 0xbb) ||
		    (*p == 0xe2 && p[1] == 0x80 && p[2] == 0x8f))
			return 1;
	return 0;
}

/* Zero-width marks that steered the algorithm; the terminal gets none of them. */
static int is_mark(FriBidiChar c)
{
	return c == 0x200e || c == 0x200f || c == 0xfeff || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

static int char_cols(FriBidiChar c)
{
	int w = wcwidth((wchar_t)c);
	return w < 0 ? 1 : w;
}

void term_visual(const struct term *t, const char *in, char *out, size_t cap, int *hl_x,
		 int *hl_w)
{
	static FriBidiChar log[LINE_CHARS], vis[LINE_CHARS];
	static FriBidiCharType types[LINE_CHARS];
	static FriBidiBracketType brackets[LINE_CHARS];
	static FriBidiLevel levels[LINE_CHARS];
	static FriBidiStrIndex map[LINE_CHARS];
	static int col_of[LINE_CHARS];
	FriBidiParType base = t->rtl ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
	size_t inlen = strlen(in), o = 0;
	FriBidiStrIndex len;
	int col = 0, lo = -1, hi = -1;

	if (!t->reorder || inlen >= LINE_CHARS) {
		snprintf(out, cap, "%s", in); /* a terminal with bidi uses the marks */
		return;
	}
	if (!t->rtl && !has_rtl(in)) {
		/* nothing to reorder: only the marks go */
		for (size_t i = 0; i < inlen && o + 1 < cap; i++) {
			if ((unsigned char)in[i] == 0xe2 && (unsigned char)in[i + 1] == 0x80 &&
			    ((unsigned char)in[i + 2] == 0x8e || (unsigned char)in[i + 2] == 0x8f)) {
				i += 2;
				continue;
			}
			out[o++] = in[i];
		}
		out[o] = '\0';
		return;
	}
	len = (FriBidiStrIndex)fribidi_charset_to_unicode(FRIBIDI_CHAR_SET_UTF8, in,
							  (FriBidiStrIndex)inlen, log);
	for (FriBidiStrIndex i = 0; i < len; i++) {
		col_of[i] = col;
		col += is_mark(log[i]) ? 0 : char_cols(log[i]);
		map[i] = i;
	}
	fribidi_get_bidi_types(log, len, types);
	fribidi_get_bracket_types(log, len, types, brackets);
	if (!fribidi_get_par_embedding_levels_ex(types, brackets, len, &base, levels)) {
		snprintf(out, cap, "%s", in);
		return;
	}
	memcpy(vis, log, (size_t)len * sizeof *vis);
	fribidi_shape(BIDI_FLAGS, levels, len, NULL, vis);
	if (!fribidi_reorder_line(BIDI_FLAGS, types, len, 0, base, levels, vis, map)) {
		snprintf(out, cap, "%s", in);
		return;
	}
	col = 0;
	for (FriBidiStrIndex v = 0; v < len; v++) {
		char mb[8];
		mbstate_t st;
		size_t k;
		int lc = col_of[map[v]];
		if (is_mark(vis[v]))
			continue;
		if (*hl_w > 0 && lc >= *hl_x && lc < *hl_x + *hl_w) {
			if (lo < 0)
				lo = col;
			hi = col + char_cols(vis[v]);
		}
		col += char_cols(vis[v]);
		memset(&st, 0, sizeof st);
		k = wcrtomb(mb, (wchar_t)vis[v], &st);
		if (k == (size_t)-1 || o + k + 1 > cap)
			break;
		memcpy(out + o, mb, k);
		o += k;
	}
	out[o] = '\0';
	if (*hl_w > 0 && lo >= 0)
		*hl_x = lo, *hl_w = hi - lo;
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
	fit = malloc(cap * 2);
	if (!fit)
		return;
	/* right to left: the whole width, so that the line's start lands on the right */
	term_fit(text, width, pad || t->rtl, 0, fit + cap, cap);
	if (hl_w <= 0 || hl_x >= width)
		hl_w = 0, hl_x = 0, hl_attr = 0;
	else if (hl_x + hl_w > width)
		hl_w = width - hl_x;
	term_visual(t, fit + cap, fit, cap, &hl_x, &hl_w);
	if (l->valid && l->attr == attr && l->hl_x == hl_x && l->hl_w == hl_w &&
	    l->hl_attr == hl_attr && strcmp(l->text, fit) == 0) {
		free(fit);
		return;
	}
	/* a right-to-left line was padded on its left: those blanks are cleared, not
	 * written in the row's attribute (bold spaces cost bytes on every row) */
	int lead = 0;
	if (t->rtl && !pad)
		while (fit[lead] == ' ')
			lead++;
	if (lead) {
		move(y, 0);
		clrtoeol();
	}
	attrset(attr);
	mvaddstr(y, lead, fit + lead);
	attrset(A_NORMAL);
	if (!lead && term_width(fit) < width)
		clrtoeol();
	if (hl_w > 0)
		mvchgat(y, hl_x, hl_w, hl_attr == TERM_PLAIN ? A_NORMAL : (attr_t)(attr | hl_attr),
			0, NULL);
	memcpy(l->text, fit, strlen(fit) + 1);
	l->attr = attr;
	l->hl_x = hl_x;
	l->hl_w = hl_w;
	l->hl_attr = hl_attr;
	l->valid = 1;
	free(fit);
}

int term_put(const struct term *t, WINDOW *w, int y, int x, int width, int attr,
	     const char *text, int pad)
{
	char logical[LINE_BYTES], fit[LINE_BYTES];
	int used, hl_x = 0, hl_w = 0;
	if (width <= 0)
		return 0;
	used = term_fit(text, width, pad, 0, logical, sizeof logical);
	term_visual(t, logical, fit, sizeof fit, &hl_x, &hl_w);
	if (t->rtl && used < width)
		x += width - used; /* right to left: flush with the right edge */
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
