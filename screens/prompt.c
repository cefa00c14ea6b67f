/* prompt.c - modal questions: a line of text or yes/no on the status line, a pick
 * list (typing filters it: 2,500 offices fit) and a pager for long read-only text,
 * both in a window over the screen.  While a prompt is open the screen does not
 * reload; when a window closes only the stdscr rows it covered are sent again
 * (touchwin + ncurses' diff).  UI child only; no data access. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "unicode.h"
#include "widget.h"

#define KEY_RESIZE_FN KM_FN(KEY_RESIZE)

static void on_resize(struct ui *ui)
{
	term_resize(&ui->term);
	term_invalidate(&ui->term);
}

void prompt_text_append(char *buf, size_t len, int key)
{
	char mb[8];
	mbstate_t st;
	size_t k, cur = strlen(buf);
	memset(&st, 0, sizeof st);
	k = wcrtomb(mb, (wchar_t)key, &st);
	if (k == (size_t)-1 || cur + k + 1 > len)
		return;
	memcpy(buf + cur, mb, k);
	buf[cur + k] = '\0';
}

void prompt_text_backspace(char *buf)
{
	size_t n = strlen(buf);
	while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	buf[n] = '\0';
}

int prompt_is_text_key(int key)
{
	/* a control or format character (escape, bidi mark, zero-width joiner) would not
	 * show as typed on the screens, pages and printouts the text goes to */
	return key >= 0 && !(key & KM_FN(0)) && uc_is_shown((unsigned)key);
}

/* Where the cursor goes after what was typed: the end of the line, or on a line term.c
 * reorders right to left, beside the last character typed where it was drawn (to its
 * right when it is Latin, to its left when it is Arabic). */
static int cursor_col(struct ui *ui, const char *line)
{
	char fit[UI_STATUS_BYTES * 8], vis[UI_STATUS_BYTES * 8];
	int w = term_width(line), x, hw = 1;
	size_t n = strlen(line);
	if (!ui->term.rtl || !ui->term.reorder || w == 0)
		return w;
	term_fit(line, ui->term.cols, 1, 0, fit, sizeof fit);
	x = w - 1;
	term_visual(&ui->term, fit, vis, sizeof vis, &x, &hw);
	unsigned char last = (unsigned char)line[n - 1];
	if (last == ' ')
		return x;
	return last < 0x80 ? x + 1 : (x > 0 ? x - 1 : 0);
}

int prompt_text(struct ui *ui, const char *question, char *buf, size_t len)
{
	char line[UI_STATUS_BYTES * 2];
	int ret = -1;

	curs_set(1);
	leaveok(stdscr, FALSE);
	while (ret < 0) {
		int y = ui->term.rows - 2, x;
		/* show the end of a long entry */
		const char *shown = buf;
		while (term_width(question) + term_width(shown) >= ui->term.cols - 1 && *shown)
			shown++;
		snprintf(line, sizeof line, "%s%s", question, shown);
		term_line(&ui->term, y, A_BOLD, line, 0, 0, 0, 0);
		x = cursor_col(ui, line);
		move(y, x < ui->term.cols ? x : ui->term.cols - 1);
		wnoutrefresh(stdscr);
		doupdate();

		int key = term_getkey(&ui->term);
		if (key < 0)
			continue;
		if (key == KM_ESC)
			ret = 0;
		else if (key == KM_ENTER)
			ret = 1;
		else if (key == KM_BACKSPACE || key == KM_FN(KEY_DC))
			prompt_text_backspace(buf);
		else if (key == KM_CTRL('u'))
			buf[0] = '\0';
		else if (key == KEY_RESIZE_FN) {
			on_resize(ui);
			ui->repaint(ui);
		} else if (prompt_is_text_key(key))
			prompt_text_append(buf, len, key);
	}
	curs_set(0);
	leaveok(stdscr, TRUE);
	status_clear(ui);
	return ret;
}

int prompt_yesno(struct ui *ui, const char *question)
{
	char line[UI_STATUS_BYTES * 2];
	snprintf(line, sizeof line, "%s %s ", question, tr(ui, "(y/n)"));
	for (;;) {
		term_line(&ui->term, ui->term.rows - 2, A_BOLD, line, 0, 0, 0, 0);
		wnoutrefresh(stdscr);
		doupdate();
		int key = term_getkey(&ui->term);
		/* y, or the language's own yes: o(ui), ن(عم) */
		if (key == 'y' || key == 'Y' || key == 'o' || key == 'O' || key == 0x0646) {
			status_clear(ui);
			return 1;
		}
		if (key == 'n' || key == 'N' || key == 0x0644 || key == KM_ESC || key == KM_ENTER) {
			status_info(ui, "%s", tr(ui, "cancelled"));
			return 0;
		}
		if (key == KEY_RESIZE_FN) {
			on_resize(ui);
			ui->repaint(ui);
		}
	}
}

/* ---- windows ---- */
static void win_line(const struct term *t, WINDOW *w, int y, int width, int attr, const char *text)
{
	term_put(t, w, y, 1, width, attr, text, 1);
}

static void win_close(struct ui *ui, WINDOW *w)
{
	delwin(w);
	touchwin(stdscr);
	(void)ui;
}

static WINDOW *win_open(struct ui *ui, int h, int w, const char *title)
{
	WINDOW *win;
	if (h > ui->term.rows - 2)
		h = ui->term.rows - 2;
	if (w > ui->term.cols)
		w = ui->term.cols;
	if (h < 3 || w < 10)
		return NULL;
	win = newwin(h, w, (ui->term.rows - h) / 2, (ui->term.cols - w) / 2);
	if (!win)
		return NULL;
	wborder(win, '|', '|', '-', '-', '+', '+', '+', '+'); /* ASCII: no charset switching */
	term_put(&ui->term, win, 0, 2, w - 4, A_NORMAL, title, 0);
	return win;
}

static int item_matches(const char *item, const char *filter)
{
	size_t n = strlen(filter);
	if (n == 0)
		return 1;
	for (; *item; item++)
		if (strncasecmp(item, filter, n) == 0)
			return 1;
	return 0;
}

int prompt_pick(struct ui *ui, const char *title, const char *const *items, int n)
{
	int *shown = malloc((size_t)(n > 0 ? n : 1) * sizeof *shown);
	char filter[64] = "", line[160];
	int ns = 0, cur = 0, top = 0, ret = -2, width = term_width(title) + 6;
	WINDOW *win;

	if (!shown)
		return -1;
	for (int i = 0; i < n; i++) {
		int w = term_width(items[i]) + 4;
		if (w > width)
			width = w;
	}
	if (width < 52)
		width = 52;
	win = win_open(ui, n + 3, width, title);
	if (!win) {
		free(shown);
		return -1;
	}
	int wh, ww;
	getmaxyx(win, wh, ww);
	int listh = wh - 3;
	while (ret == -2) {
		ns = 0;
		for (int i = 0; i < n; i++)
			if (item_matches(items[i], filter))
				shown[ns++] = i;
		if (cur >= ns)
			cur = ns - 1;
		if (cur < 0)
			cur = 0;
		if (cur < top)
			top = cur;
		if (cur >= top + listh)
			top = cur - listh + 1;
		for (int i = 0; i < listh; i++) {
			int p = top + i;
			if (p < ns) {
				snprintf(line, sizeof line, "%c %s", p == cur ? '>' : ' ',
					 items[shown[p]]);
				win_line(&ui->term, win, 1 + i, ww - 2, p == cur ? A_REVERSE : A_NORMAL, line);
			} else {
				win_line(&ui->term, win, 1 + i, ww - 2, A_NORMAL, "");
			}
		}
		snprintf(line, sizeof line, tr(ui, "filter: %s_  (Enter picks, Esc cancels)"),
			 filter);
		win_line(&ui->term, win, wh - 2, ww - 2, A_NORMAL, line);
		wnoutrefresh(stdscr);
		wnoutrefresh(win);
		doupdate();

		int key = term_getkey(&ui->term);
		if (key < 0)
			continue;
		if (key == KM_ESC)
			ret = -1;
		else if (key == KM_ENTER)
			ret = ns > 0 ? shown[cur] : -2;
		else if (key == KM_FN(KEY_UP))
			cur--;
		else if (key == KM_FN(KEY_DOWN))
			cur++;
		else if (key == KM_FN(KEY_PPAGE))
			cur -= listh;
		else if (key == KM_FN(KEY_NPAGE))
			cur += listh;
		else if (key == KM_BACKSPACE)
			prompt_text_backspace(filter);
		else if (key == KEY_RESIZE_FN) {
			/* same list, same filter, in a window fitted to the new size */
			on_resize(ui);
			ui->repaint(ui);
			win_close(ui, win);
			if (!(win = win_open(ui, n + 3, width, title))) {
				free(shown);
				return -1;
			}
			getmaxyx(win, wh, ww);
			listh = wh - 3;
			top = 0;
		} else if (prompt_is_text_key(key)) {
			prompt_text_append(filter, sizeof filter, key);
			cur = 0;
		}
	}
	win_close(ui, win);
	free(shown);
	return ret;
}

int pager_vadd(struct pager_lines *L, const char *fmt, va_list ap)
{
	char buf[1400];
	vsnprintf(buf, sizeof buf, fmt, ap);
	if (L->n >= L->cap) {
		int c = L->cap * 2 + 32;
		char **p = realloc(L->l, (size_t)c * sizeof *p);
		if (!p)
			return -1;
		L->l = p;
		L->cap = c;
	}
	if (!(L->l[L->n] = strdup(buf)))
		return -1;
	L->n++;
	return 0;
}

int pager_add(struct pager_lines *L, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = pager_vadd(L, fmt, ap);
	va_end(ap);
	return rc;
}

void prompt_pager(struct ui *ui, const char *title, char *const *lines, int n)
{
	WINDOW *win = win_open(ui, ui->term.rows - 2, ui->term.cols, title);
	int top = 0, done = 0, wh, ww;
	if (!win)
		return;
	getmaxyx(win, wh, ww);
	int h = wh - 2;
	while (!done) {
		if (top > n - h)
			top = n - h;
		if (top < 0)
			top = 0;
		for (int i = 0; i < h; i++)
			win_line(&ui->term, win, 1 + i, ww - 2, A_NORMAL, top + i < n ? lines[top + i] : "");
		if (n > h) {
			char more[48];
			snprintf(more, sizeof more, tr(ui, " %d-%d of %d "), top + 1,
				 top + h < n ? top + h : n, n);
			int mw = term_width(more);
			term_put(&ui->term, win, wh - 1, ww - 2 - mw, mw, A_NORMAL, more, 0);
		}
		wnoutrefresh(stdscr);
		wnoutrefresh(win);
		doupdate();
		int key = term_getkey(&ui->term);
		if (key < 0)
			continue;
		if (key == KM_FN(KEY_UP) || key == 'k')
			top--;
		else if (key == KM_FN(KEY_DOWN) || key == 'j')
			top++;
		else if (key == KM_FN(KEY_PPAGE))
			top -= h;
		else if (key == KM_FN(KEY_NPAGE) || key == ' ')
			top += h;
		else if (key == KEY_RESIZE_FN) {
			on_resize(ui);
			done = 1;
		} else
			done = 1;
	}
	win_close(ui, win);
}
