/* lines.h - the documents of one order (db/211_request_lines.sql, issue 13 item 4).
 *
 * DESIGN.  An order is for one person and holds one line per document type: an
 * extract and/or a full copy, each with its copies (1 to MAX_COPIES).  One payment, one
 * tracking number, one envelope; the fee is the sum of the lines' fees per
 * etc/fees.conf (each line priced as an order of its own was: first copy, then each
 * further one), plus the registered mail abroad once per order.  Input comes as
 *   - the API's "lines":[{"doc_type":"extract","copies":2},{...}] (http_form.c flattens
 *     it to the keys lines[0].doc_type, lines[0].copies, ...), every element whole;
 *   - the order form's boxes: lines[0].doc_type=extract and lines[1].doc_type=full_copy
 *     ticked or not, each with its lines[i].copies list (a list next to a box left
 *     unticked is ignored: the citizen did not choose that document);
 *   - the older single doc_type/copies, read as one line (both forms at once: refused).
 * Each error names its field as the citizen's input does ("lines[1].copies"); a line
 * is numbered (1, 2) in the order given.  Which text an error shows is the caller's.
 * Pure: no I/O, no SQL; any thread. */
#ifndef WQ_LINES_H
#define WQ_LINES_H

#include <stdint.h>

#include "err.h"
#include "fee.h"
#include "request.h"

enum lines_err {
	LE_NONE,
	LE_REQUIRED,  /* lines[i].doc_type or lines[i].copies missing */
	LE_DOC_TYPE,  /* not extract or full_copy */
	LE_COPIES,    /* not 1..MAX_COPIES */
	LE_DUPLICATE, /* the same document type twice */
	LE_NO_LINE,   /* no document chosen ("lines") */
	LE_TOO_MANY,  /* more than ORDER_LINES_MAX lines ("lines") */
	LE_BOTH,      /* lines and the single doc_type/copies at once ("doc_type") */
	LE_NOT_LIST,  /* "lines" given, but not as a list of objects */
};

#define LINES_ERR_MAX (2 * ORDER_LINES_MAX + 2)

struct lines_error {
	char field[24]; /* "lines[1].copies", "lines", "doc_type", "copies" */
	enum lines_err err;
};

struct lines_input {
	int n;
	struct req_line line[ORDER_LINES_MAX]; /* no, doc_type, copies; fees by lines_price */
	int nerr;
	struct lines_error errs[LINES_ERR_MAX];
};

/* The submission's value for key, NULL when absent. */
typedef const char *(*lines_arg_fn)(void *ctx, const char *key);

/* Reads the lines of a submission; form: the order form's boxes (see above), else the
 * API.  Returns in->nerr (0: in->n >= 1 lines, numbered). */
int lines_read(struct lines_input *in, lines_arg_fn arg, void *ctx, int form);
/* A number of copies, "1".."10", digits only (a JSON number arrives as its text): 1
 * and *out set, or 0.  The order's parse, which the fee's quote must agree with. */
int lines_parse_copies(const char *s, int *out);
/* Each line's fee and their sum (postage not included). */
int lines_price(const struct fee_table *t, struct req_line *l, int n, int64_t *sum,
		struct wq_errbuf *eb);
/* The error on field (NULL: none). */
const struct lines_error *lines_error_on(const struct lines_input *in, const char *field);
/* "extrait", "نسخة موجزة", "extract" ("ar", "fr", else English); "full copy" ... */
const char *lines_doc_label(const char *doc_type, const char *lang);
/* The request's open lines (not rejected). */
int lines_open_count(const struct request *r);

#endif
