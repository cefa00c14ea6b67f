/* fuzz_lines.c - libFuzzer harness for an order's lines (src/lines.c) as the API and the
 * form hand them over: the body decoded by form_parse_json (its lists of flat objects
 * flattened to lines[i].doc_type...; src/http_form.c) or as a form, then read by
 * lines_read() in both modes and priced.  Checked: a reading with no error gives 1 to
 * ORDER_LINES_MAX lines, numbered from 1, of known types, once each, with 1 to
 * MAX_COPIES copies; with errors, no line and every error names a field.  The first
 * input byte picks the decoder and the mode; the rest is the body. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_form.h"
#include "lines.h"

static const char *arg(void *ctx, const char *key)
{
	return form_get(ctx, key);
}

static void check(const struct lines_input *li)
{
	if (li->nerr) {
		if (li->n)
			abort();
		for (int i = 0; i < li->nerr; i++)
			if (!li->errs[i].field[0] || li->errs[i].err == LE_NONE)
				abort();
		return;
	}
	if (li->n < 1 || li->n > ORDER_LINES_MAX)
		abort();
	for (int i = 0; i < li->n; i++) {
		const struct req_line *l = &li->line[i];
		if (l->no != i + 1 || l->copies < 1 || l->copies > MAX_COPIES ||
		    (strcmp(l->doc_type, "extract") && strcmp(l->doc_type, "full_copy")))
			abort();
		for (int k = 0; k < i; k++)
			if (!strcmp(li->line[k].doc_type, l->doc_type))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct form f;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	int rc = data[0] & 1 ? form_parse_json(&f, body, len) : form_parse_urlencoded(&f, body, len);
	if (rc == FORM_OK) {
		struct lines_input li;
		static struct fee_table t = {.rows = {{"extract", 2000, 2000}, {"full_copy", 3000, 2000}}};
		lines_read(&li, arg, &f, (data[0] >> 1) & 1);
		check(&li);
		int64_t sum = 0;
		struct wq_errbuf eb = {0};
		if (!li.nerr && (lines_price(&t, li.line, li.n, &sum, &eb) || sum <= 0))
			abort();
	}
	form_free(&f);
	return 0;
}
