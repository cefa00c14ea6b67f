/* lines.c - reads and prices the documents of one order (lines.h says what a line is
 * and the three shapes a submission may give them in).  Pure: no I/O, no SQL; the HTTP
 * worker threads and the fuzzer (tests/fuzz/fuzz_lines.c) call it. */
#include <stdio.h>
#include <string.h>

#include "lines.h"

/* How far the API's list is looked at: lines past ORDER_LINES_MAX are refused, not
 * ignored (a client that sent three documents must not pay for two unknowingly). */
#define LINES_SCAN 8

static void add_err(struct lines_input *in, const char *field, enum lines_err e)
{
	if (in->nerr >= LINES_ERR_MAX || lines_error_on(in, field))
		return; /* one error per field: the first found */
	snprintf(in->errs[in->nerr].field, sizeof in->errs[in->nerr].field, "%s", field);
	in->errs[in->nerr++].err = e;
}

const struct lines_error *lines_error_on(const struct lines_input *in, const char *field)
{
	for (int i = 0; i < in->nerr; i++)
		if (!strcmp(in->errs[i].field, field))
			return &in->errs[i];
	return NULL;
}

static int known_type(const char *s)
{
	return !strcmp(s, "extract") || !strcmp(s, "full_copy");
}

int lines_parse_copies(const char *s, int *out)
{
	int v = 0, digits = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || ++digits > 2)
			return 0;
		v = v * 10 + (*s - '0');
	}
	if (!digits || v < 1 || v > MAX_COPIES)
		return 0;
	*out = v;
	return 1;
}

/* One line from its two values; f_doc and f_copies name them in errors. */
static void read_one(struct lines_input *in, const char *doc, const char *copies,
		     const char *f_doc, const char *f_copies)
{
	int ok = 1, n = 0;
	if (!doc || !doc[0]) {
		add_err(in, f_doc, LE_REQUIRED);
		ok = 0;
	} else if (!known_type(doc)) {
		add_err(in, f_doc, LE_DOC_TYPE);
		ok = 0;
	}
	if (!copies || !copies[0]) {
		add_err(in, f_copies, LE_REQUIRED);
		ok = 0;
	} else if (!lines_parse_copies(copies, &n)) {
		add_err(in, f_copies, LE_COPIES);
		ok = 0;
	}
	if (!ok)
		return;
	for (int k = 0; k < in->n; k++)
		if (!strcmp(in->line[k].doc_type, doc)) {
			add_err(in, f_doc, LE_DUPLICATE);
			return;
		}
	if (in->n >= ORDER_LINES_MAX)
		return; /* counted as too many by the caller */
	struct req_line *l = &in->line[in->n++];
	memset(l, 0, sizeof *l);
	l->no = in->n;
	snprintf(l->doc_type, sizeof l->doc_type, "%s", doc);
	l->copies = n;
}

int lines_read(struct lines_input *in, lines_arg_fn arg, void *ctx, int form)
{
	memset(in, 0, sizeof *in);
	const char *single = arg(ctx, "doc_type"), *single_copies = arg(ctx, "copies");
	int listed = 0; /* elements of the list given, ticked or not */
	if (arg(ctx, "lines")) /* "lines": "extract", or a list of strings */
		add_err(in, "lines", LE_NOT_LIST);
	for (int i = 0; i < LINES_SCAN; i++) {
		char fd[40], fc[40];
		snprintf(fd, sizeof fd, "lines[%d].doc_type", i);
		snprintf(fc, sizeof fc, "lines[%d].copies", i);
		const char *doc = arg(ctx, fd), *copies = arg(ctx, fc);
		if (!doc && !copies)
			continue;
		if (form && (!doc || !doc[0]))
			continue; /* the box left unticked: its copies list means nothing */
		listed++;
		if (i >= ORDER_LINES_MAX || in->n >= ORDER_LINES_MAX) {
			add_err(in, "lines", LE_TOO_MANY);
			continue;
		}
		read_one(in, doc, copies, fd, fc);
	}
	if (single && listed) {
		add_err(in, "doc_type", LE_BOTH);
	} else if (single || (!listed && single_copies)) {
		/* the older single document: its copies said as before */
		read_one(in, single, single_copies, "doc_type", "copies");
	}
	if (!in->n && !in->nerr)
		add_err(in, "lines", LE_NO_LINE);
	if (in->nerr)
		in->n = 0;
	return in->nerr;
}

int lines_price(const struct fee_table *t, struct req_line *l, int n, int64_t *sum,
		struct wq_errbuf *eb)
{
	*sum = 0;
	for (int i = 0; i < n; i++) {
		int rc = fee_compute(t, l[i].doc_type, l[i].copies, &l[i].fee_centimes, eb);
		if (rc)
			return rc;
		*sum += l[i].fee_centimes;
	}
	return WQ_OK;
}

const char *lines_doc_label(const char *doc_type, const char *lang)
{
	int full = doc_type && !strcmp(doc_type, "full_copy");
	if (lang && !strcmp(lang, "ar"))
		return full ? "نسخة كاملة" : "موجز";
	if (lang && !strcmp(lang, "fr"))
		return full ? "copie intégrale" : "extrait";
	return full ? "full copy" : "extract";
}

int lines_open_count(const struct request *r)
{
	int n = 0;
	for (int i = 0; i < r->nlines; i++)
		n += !r->lines[i].rejected;
	return n;
}
