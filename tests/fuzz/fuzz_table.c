/* fuzz_table.c - libFuzzer harness for the terminal input handling of the shared
 * widgets that has a pure core.  An odd first byte: the input is keys (wide characters,
 * function keys, backspaces) typed into a prompt or form field through the line editor
 * of screens/prompt.c (prompt_is_text_key, prompt_text_append, prompt_text_backspace),
 * checking the buffer stays terminated, within its size and valid UTF-8.  An even one:
 * a stream of table actions (move, page, home/end, sort, reverse, search, reload with
 * more or fewer rows) on screens/table.c, checking the cursor and top row stay inside
 * the rows and the display order is a permutation; form_match() (screens/form.c) checks
 * the typed search text.  One in four even inputs is a line of text fitted and reordered
 * for the terminal as screens/term.c draws it (term_fit, then term_visual: FriBidi, left
 * to right or right to left, a highlight), checking the result is valid UTF-8 of the
 * same width, the highlight inside it.  Painting is not exercised (ncurses is never
 * started). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <locale.h>

#include "widget.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "C.UTF-8"); /* as the UI child runs (wide characters) */
	return 0;
}

static int utf8_ok(const unsigned char *s)
{
	while (*s) {
		int n = *s < 0x80 ? 0 : (*s & 0xe0) == 0xc0 ? 1 : (*s & 0xf0) == 0xe0 ? 2
			: (*s & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0)
			return 0;
		s++;
		while (n--)
			if ((*s++ & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/* Keys typed into a field of `size` bytes: each key is 3 input bytes (a wide character
 * or KEY_* code), backspaces and function keys mixed in as a terminal sends them. */
static void line_edit(const uint8_t *data, size_t size)
{
	char buf[64 + 8];
	size_t len = 1 + data[0] % 64;
	memset(buf, 0x7f, sizeof buf);
	buf[0] = 0;
	for (size_t i = 1; i + 2 < size; i += 3) {
		int key = data[i] | data[i + 1] << 8 | (data[i + 2] & 0x1f) << 16;
		if (data[i + 2] & 0x80)
			key = KEY_MIN + data[i] % (KEY_MAX - KEY_MIN); /* a function key */
		if (key == KEY_BACKSPACE || key == 127 || key == 8)
			prompt_text_backspace(buf);
		else if (prompt_is_text_key(key))
			prompt_text_append(buf, len, key);
		size_t n = strnlen(buf, sizeof buf);
		if (n >= len || (unsigned char)buf[len] != 0x7f || !utf8_ok((unsigned char *)buf))
			abort();
	}
}

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

/* A line as term_line() draws it: fitted, then reordered. */
static void bidi_line(const uint8_t *data, size_t size)
{
	char in[512], fit[2048], out[2048];
	struct term t = {.rows = 24, .cols = 80, .rtl = size > 1 && (data[1] & 1), .reorder = 1};
	int width = size > 2 ? 1 + data[2] % 80 : 80, hl_x = size > 3 ? data[3] % 90 : 0,
	    hl_w = size > 4 ? data[4] % 20 : 0;
	size_t n = size > 5 ? size - 5 : 0;
	if (n >= sizeof in)
		n = sizeof in - 1;
	memcpy(in, data + 5 > data + size ? data + size : data + 5, n);
	in[n] = '\0';
	int used = term_fit(in, width, 1, 0, fit, sizeof fit);
	if (hl_w <= 0 || hl_x >= width) /* as term_line() clamps it */
		hl_w = 0, hl_x = 0;
	else if (hl_x + hl_w > width)
		hl_w = width - hl_x;
	term_visual(&t, fit, out, sizeof out, &hl_x, &hl_w);
	if (!utf8_ok((const unsigned char *)out) || term_width(out) != used)
		abort();
	if (hl_w > 0 && (hl_x < 0 || hl_x + hl_w > used))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size && (data[0] & 1)) {
		line_edit(data, size);
		return 0;
	}
	if (size && data[0] % 8 == 2) {
		bidi_line(data, size);
		return 0;
	}
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
