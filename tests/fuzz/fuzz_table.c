/* fuzz_table.c - libFuzzer harness for the terminal input handling of the shared
 * widgets that has a pure core (screens/table.c): the input is a stream of key
 * actions (move, page, home/end, sort, reverse, search, reload with more or fewer rows)
 * applied to a table, checking after each that the cursor and the top row stay inside
 * the rows and that the display order is a permutation.  form_match() (screens/form.c)
 * checks the search text as a typed value.  Painting is not exercised. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widget.h"

#define MAX_ROWS 300

static int ids[MAX_ROWS];
static char text[MAX_ROWS][24];
static const struct table_col cols[] = {{"id", 6, 1}, {"name", 0, 0}};

static void cell(void *ctx, int row, int col, char *buf, size_t len)
{
	(void)ctx;
	if (col == 0)
		snprintf(buf, len, "%d", ids[row]);
	else
		snprintf(buf, len, "%s", text[row]);
}
static int cmp(void *ctx, int a, int b, int col)
{
	(void)ctx;
	return col == 0 ? ids[a] - ids[b] : strcmp(text[a], text[b]);
}
static int64_t row_id(void *ctx, int row)
{
	(void)ctx;
	return ids[row];
}

static void check(const struct table *t)
{
	if (t->n < 0 || t->n > MAX_ROWS)
		abort();
	if (t->n == 0)
		return;
	if (t->cur < 0 || t->cur >= t->n || t->top < 0 || t->top > t->cur)
		abort();
	static unsigned char seen[MAX_ROWS];
	memset(seen, 0, sizeof seen);
	for (int i = 0; i < t->n; i++) {
		if (t->order[i] < 0 || t->order[i] >= t->n || seen[t->order[i]]++)
			abort();
	}
	if (table_cur(t) < 0 || table_cur(t) >= t->n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table t;
	memset(&t, 0, sizeof t);
	t.cols = cols;
	t.ncols = 2;
	t.cell = cell;
	t.cmp = cmp;
	t.row_id = row_id;
	t.sort_col = -1;
	t.height = 10;
	for (int i = 0; i < MAX_ROWS; i++) {
		ids[i] = (i * 37) % 101;
		snprintf(text[i], sizeof text[i], "row %c%d", 'a' + i % 26, i);
	}
	table_set_rows(&t, data && size ? data[0] % 40 : 5, 0);
	for (size_t i = 1; i < size; i++) {
		uint8_t k = data[i], arg = i + 1 < size ? data[i + 1] : 0;
		switch (k % 10) {
		case 0: table_move(&t, (int8_t)arg); i++; break;
		case 1: table_page(&t, arg & 1 ? 1 : -1); i++; break;
		case 2: table_home(&t, arg & 1); i++; break;
		case 3: table_sort_next(&t); break;
		case 4: table_sort_reverse(&t); break;
		case 5: t.height = arg % 30; i++; break;
		case 6: table_set_rows(&t, arg % (MAX_ROWS + 1), table_cur_id(&t)); i++; break;
		case 7: table_set_rows(&t, arg % (MAX_ROWS + 1), arg); i++; break;
		default: {
			/* a search typed at the prompt: the rest of the input up to a NUL */
			char needle[64];
			size_t n = 0;
			while (++i < size && data[i] && n < sizeof needle - 1)
				needle[n++] = (char)data[i];
			needle[n] = 0;
			table_search(&t, needle);
			/* patterns are the program's, values the user's */
			form_match("[a-z ]{1,20}[0-9]*", needle);
			form_match("(?=.{2,60}$)\\p{Latin}+(?:[ '.-]{1,2}\\p{Latin}+)*", needle);
		}
		}
		check(&t);
	}
	table_free(&t);
	return 0;
}
