/* table.c - the scrollable table every list screen uses: a display order over the
 * screen's rows (sorted by a column on demand), a cursor kept on the same row id when
 * the data is reloaded, paging, and text search.  Painting goes through term_line(),
 * so a cursor move rewrites two rows and a reload only the rows whose text changed.
 * The cursor is a '>' in a column of its own, always in plain video (no reverse, no
 * bold even on a bold row): a move sends two cells, about a dozen bytes; mirrored to
 * '<' at the right edge of a right-to-left screen.  UI child only; no data access. */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "widget.h"

#define CELL_BYTES 512
#define SECONDS_PER_DAY 86400

static int table_ensure(struct table *t, int n)
{
	if (n <= t->cap)
		return 0;
	int cap = n + 64;
	int *o = realloc(t->order, (size_t)cap * sizeof *o);
	if (!o)
		return -1;
	t->order = o;
	t->cap = cap;
	return 0;
}

static int table_cmp(const void *a, const void *b, void *arg)
{
	struct table *t = arg;
	int ra = *(const int *)a, rb = *(const int *)b;
	int c = t->cmp(t->ctx, ra, rb, t->sort_col);
	if (c == 0)
		c = ra - rb; /* stable: the order rows came in */
	return t->sort_desc ? -c : c;
}

static void table_sort(struct table *t)
{
	for (int i = 0; i < t->n; i++)
		t->order[i] = i;
	if (t->sort_col >= 0 && t->cmp && t->n > 1)
		qsort_r(t->order, (size_t)t->n, sizeof *t->order, table_cmp, t);
}

static void table_clamp(struct table *t)
{
	int h = t->height > 0 ? t->height : 1;
	if (t->cur >= t->n)
		t->cur = t->n - 1;
	if (t->cur < 0)
		t->cur = 0;
	if (t->top > t->cur)
		t->top = t->cur;
	if (t->cur >= t->top + h)
		t->top = t->cur - h + 1;
	if (t->top > t->n - h)
		t->top = t->n - h;
	if (t->top < 0)
		t->top = 0;
}

int table_set_rows(struct table *t, int n, int64_t keep_id)
{
	if (table_ensure(t, n) != 0)
		return -1;
	t->n = n;
	table_sort(t);
	if (keep_id && t->row_id)
		for (int i = 0; i < n; i++)
			if (t->row_id(t->ctx, t->order[i]) == keep_id) {
				t->cur = i;
				break;
			}
	table_clamp(t);
	return 0;
}

void table_free(struct table *t)
{
	free(t->order);
	t->order = NULL;
	t->cap = t->n = 0;
}

int table_cur(const struct table *t)
{
	return (t->n > 0 && t->cur >= 0 && t->cur < t->n) ? t->order[t->cur] : -1;
}

int64_t table_cur_id(const struct table *t)
{
	int r = table_cur(t);
	return (r >= 0 && t->row_id) ? t->row_id(t->ctx, r) : 0;
}

void table_move(struct table *t, int delta)
{
	t->cur += delta;
	table_clamp(t);
}

void table_home(struct table *t, int end)
{
	t->cur = end ? t->n - 1 : 0;
	table_clamp(t);
}

void table_page(struct table *t, int dir)
{
	int h = t->height > 1 ? t->height - 1 : 1;
	t->cur += dir * h;
	t->top += dir * h;
	table_clamp(t);
}

void table_sort_next(struct table *t)
{
	int64_t id = table_cur_id(t);
	if (!t->cmp)
		return;
	/* -1 (arrival order), then every column the comparator orders */
	t->sort_col = t->sort_col + 1 >= t->ncols ? -1 : t->sort_col + 1;
	t->sort_desc = 0;
	table_set_rows(t, t->n, id);
}

void table_sort_reverse(struct table *t)
{
	int64_t id = table_cur_id(t);
	t->sort_desc = !t->sort_desc;
	table_set_rows(t, t->n, id);
}

static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

int table_search(struct table *t, const char *needle)
{
	char buf[CELL_BYTES];
	for (int k = 1; k <= t->n; k++) {
		int pos = (t->cur + k) % t->n;
		for (int c = 0; c < t->ncols; c++) {
			t->cell(t->ctx, t->order[pos], c, buf, sizeof buf);
			if (contains_ci(buf, needle)) {
				t->cur = pos;
				table_clamp(t);
				return 1;
			}
		}
	}
	return 0;
}

/* Column widths for this terminal: fixed ones as given, the 0-width one takes the rest. */
static int col_width(const struct table *t, int c, int cols)
{
	if (t->cols[c].width > 0)
		return t->cols[c].width;
	int used = 2; /* cursor and mark */
	for (int i = 0; i < t->ncols; i++)
		if (t->cols[i].width > 0)
			used += t->cols[i].width + 1;
	return cols - used > 4 ? cols - used : 4;
}

/* Between two cells: a space; on a right-to-left screen a right-to-left mark before it,
 * so that two Latin cells side by side (tracking number, age) stay two cells in
 * right-to-left order and not one left-to-right run.  The mark takes no column and
 * term.c does not send it.  space: 0 for the mark alone (after the cursor). */
static const char *col_sep(const struct ui *ui, int space)
{
	if (ui->term.rtl)
		return space ? "\xe2\x80\x8f " : "\xe2\x80\x8f";
	return space ? " " : "";
}

/* A cell that starts left to right (a code, an amount: "LATE+", "-20.00") ends with a
 * left-to-right mark on a right-to-left screen, so that its last sign stays with it
 * instead of moving to the other side. */
static void ltr_cell(const struct ui *ui, char *cell, size_t len)
{
	size_t n = strlen(cell);
	unsigned char c0 = (unsigned char)cell[0];
	if (ui->term.rtl && n + 4 <= len && c0 < 0x80 && c0 != ' ' && n > 0 &&
	    (unsigned char)cell[n - 1] < 0x80)
		memcpy(cell + n, "\xe2\x80\x8e", 4);
}

static void row_text(struct ui *ui, struct table *t, int pos, char *line, size_t len)
{
	char cell[CELL_BYTES], fit[CELL_BYTES];
	size_t o = 0;
	int r = t->order[pos];
	int mark = t->row_mark ? t->row_mark(t->ctx, r) : ' ';

	/* right to left this column ends the row, and FriBidi mirrors the '>' to '<' */
	o += (size_t)snprintf(line, len, "%c%c%s", pos == t->cur ? '>' : ' ',
			      mark ? mark : ' ', col_sep(ui, 0));
	for (int c = 0; c < t->ncols && o < len; c++) {
		int w = col_width(t, c, ui->term.cols);
		t->cell(t->ctx, r, c, cell, sizeof cell);
		ltr_cell(ui, cell, sizeof cell);
		/* the last cell unpadded: a bold row's trailing blanks cost an erase each */
		term_fit(cell, w, c + 1 < t->ncols || t->cols[c].right, t->cols[c].right, fit,
			 sizeof fit);
		o += (size_t)snprintf(line + o, len - o, "%s%s", fit, col_sep(ui, c + 1 < t->ncols));
	}
}

void table_paint(struct ui *ui, struct table *t, int y, int height)
{
	char line[2048], fit[CELL_BYTES];
	size_t o;

	if (height < 2)
		return;
	t->height = height - 1;
	table_clamp(t);

	o = (size_t)snprintf(line, sizeof line, "  %s", col_sep(ui, 0));
	for (int c = 0; c < t->ncols && o < sizeof line; c++) {
		char title[64];
		int w = col_width(t, c, ui->term.cols);
		snprintf(title, sizeof title, "%s%s", tr(ui, t->cols[c].title),
			 c == t->sort_col ? (t->sort_desc ? "v" : "^") : "");
		term_fit(title, w, c + 1 < t->ncols || t->cols[c].right, t->cols[c].right, fit,
			 sizeof fit);
		o += (size_t)snprintf(line + o, sizeof line - o, "%s%s", fit,
				      col_sep(ui, c + 1 < t->ncols));
	}
	/* underlined from its first title to its last only (the cursor and mark columns
	 * plain): underlined blanks are sent one by one */
	term_line(&ui->term, y, A_UNDERLINE, line, 0, 0, 2, TERM_PLAIN);

	for (int i = 0; i < t->height; i++) {
		int pos = t->top + i;
		if (pos >= t->n) {
			term_line(&ui->term, y + 1 + i, A_NORMAL,
				  (t->n == 0 && i == 0 && t->empty) ? tr(ui, t->empty) : "", 0, 0,
				  0, 0);
			continue;
		}
		row_text(ui, t, pos, line, sizeof line);
		int attr = t->row_attr ? t->row_attr(t->ctx, t->order[pos]) : (int)A_NORMAL;
		/* the cursor and mark columns plain on a bold row too: else a move also
		 * pays for entering and leaving bold around each '>' or blank, and each
		 * bold row for its mark column's blank */
		term_line(&ui->term, y + 1 + i, attr, line, 0, 0, 2, TERM_PLAIN);
	}
}

void table_age(int64_t secs, int minutes, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	/* French writes a day "j"; Arabic keeps the Latin units, like the codes: an Arabic
	 * letter per cell would cost two bytes on every row of the queue */
	if (secs >= SECONDS_PER_DAY)
		snprintf(buf, len, tr_now("%dd%02dh"), (int)(secs / SECONDS_PER_DAY),
			 (int)(secs % SECONDS_PER_DAY / 3600));
	else if (secs >= 3600 || !minutes)
		snprintf(buf, len, tr_now("%dh%02dm"), (int)(secs / 3600), (int)(secs % 3600 / 60));
	else
		snprintf(buf, len, tr_now("%dm"), (int)(secs / 60));
}

void table_age_short(int64_t secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs >= 100LL * SECONDS_PER_DAY)
		snprintf(buf, len, ">99"); /* three columns at most */
	else if (secs >= SECONDS_PER_DAY)
		snprintf(buf, len, tr_now("%dd"), (int)(secs / SECONDS_PER_DAY));
	else if (secs >= 3600)
		snprintf(buf, len, tr_now("%dh"), (int)(secs / 3600));
	else
		snprintf(buf, len, tr_now("%dm"), (int)(secs / 60));
}

void table_time(int64_t t, char *buf, size_t len)
{
	char iso[32];
	wq_fmt_time(t, iso, sizeof iso);
	msg_date(msg_session(), iso, buf, len);
}
