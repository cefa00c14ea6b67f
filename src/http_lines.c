/* http_lines.c - an order's documents (lines.h) on the citizen's side: the order form's
 * "documents" section, the review page's lines with their fees and the total, the API's
 * errors and "lines" array, and the tracking page's table of each document's state and
 * refund.
 *
 * DESIGN.  The form needs no JavaScript: one box per document type (extract, full
 * copy), each with its copies list, the extract ticked on a fresh form; the sum is on
 * the review page (each line, its fee, the postage abroad, the total) before the
 * citizen pays.  The citizen sees a line as the order's stage until it is rejected,
 * then "refused" with the agent's reason and its own refund; the refund box on top of
 * the tracking page sums every refund of the order (a line's, the rest's).  Field
 * names are the API's (lines[0].copies), in the page as ids ("e-lines[0].copies").
 * HTTP worker threads; no SQL (refund_list). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "refund.h"
#include "util.h"

static const char *const box_type[ORDER_LINES_MAX] = {"extract", "full_copy"};

static const char *line_arg(void *ctx, const char *key)
{
	return http_arg(ctx, key);
}

int order_lines_read(struct http_ctx *c, struct lines_input *li, int form)
{
	return lines_read(li, line_arg, c, form);
}

static enum txt err_text(enum lines_err e)
{
	switch (e) {
	case LE_REQUIRED: return T_E_REQUIRED;
	case LE_DOC_TYPE: return T_E_DOC_TYPE;
	case LE_COPIES: return T_E_COPIES;
	case LE_DUPLICATE: return T_E_LINE_TWICE;
	case LE_TOO_MANY: return T_E_LINES_MANY;
	case LE_BOTH: return T_E_LINES_BOTH;
	case LE_NOT_LIST: return T_E_LINES_LIST;
	default: return T_E_NO_LINE;
	}
}

static enum txt doc_txt(const char *doc_type)
{
	return doc_type && !strcmp(doc_type, "full_copy") ? T_FULL_COPY : T_EXTRACT;
}

static void field_error(struct http_ctx *c, const struct lines_error *e)
{
	buf_puts(&c->out, "<p class=\"err\" id=\"e-");
	buf_html(&c->out, e->field);
	buf_puts(&c->out, "\">");
	buf_html(&c->out, tr(c, err_text(e->err)));
	buf_puts(&c->out, "</p>\n");
}

/* Box k as the citizen left it: from the lines read, else from what was posted (a
 * submission with errors, the older single doc_type/copies), else a fresh form. */
static void box_state(struct http_ctx *c, const struct lines_input *li, int k, int *ticked,
		      char copies[4])
{
	*ticked = 0;
	snprintf(copies, 4, "1");
	if (li && li->n) {
		for (int i = 0; i < li->n; i++)
			if (!strcmp(li->line[i].doc_type, box_type[k])) {
				*ticked = 1;
				snprintf(copies, 4, "%d", li->line[i].copies);
			}
		return;
	}
	if (!li) {
		*ticked = k == 0;
		return;
	}
	char fd[40], fc[40];
	snprintf(fd, sizeof fd, "lines[%d].doc_type", k);
	snprintf(fc, sizeof fc, "lines[%d].copies", k);
	const char *d = http_arg(c, fd), *n = http_arg(c, fc), *single = http_arg(c, "doc_type");
	if (single && !strcmp(single, box_type[k])) {
		d = single;
		n = http_arg(c, "copies");
	}
	*ticked = d && d[0];
	if (n && strlen(n) < 3)
		snprintf(copies, 4, "%s", n);
}

void order_lines_draw(struct http_ctx *c, const struct lines_input *li)
{
	struct buf *o = &c->out;
	buf_puts(o, "<h2>");
	buf_html(o, tr(c, T_SEC_DOCS));
	buf_puts(o, "</h2>\n<p>");
	buf_html(o, tr(c, T_LINES_HINT));
	buf_puts(o, "</p>\n");
	/* errors that are no one box's (none chosen, too many, the older single fields):
	 * said on top, the first box marked */
	int top = 0;
	for (int i = 0; li && i < li->nerr; i++)
		if (strncmp(li->errs[i].field, "lines[", 6)) {
			field_error(c, &li->errs[i]);
			top = 1;
		}
	const char *single = http_arg(c, "doc_type");
	for (int k = 0; k < ORDER_LINES_MAX; k++) {
		char fd[40], fc[40], copies[4];
		int ticked;
		snprintf(fd, sizeof fd, "lines[%d].doc_type", k);
		snprintf(fc, sizeof fc, "lines[%d].copies", k);
		box_state(c, li, k, &ticked, copies);
		const struct lines_error *ed = li ? lines_error_on(li, fd) : NULL;
		const struct lines_error *ec = li ? lines_error_on(li, fc) : NULL;
		int bad_box = ed || (top && k == 0);
		int bad_copies = ec || (li && single && !strcmp(single, box_type[k]) &&
					lines_error_on(li, "copies"));
		buf_printf(o, "<p class=\"line\"><input type=\"checkbox\" id=\"%s\" name=\"%s\" "
			      "value=\"%s\"%s%s> <label for=\"%s\">", fd, fd, box_type[k],
			   ticked ? " checked" : "", bad_box ? " aria-invalid=\"true\"" : "", fd);
		buf_html(o, tr(c, doc_txt(box_type[k])));
		buf_printf(o, "</label> <label for=\"%s\">", fc);
		buf_html(o, tr(c, T_COPIES));
		buf_printf(o, "</label> <select id=\"%s\" name=\"%s\"%s>", fc, fc,
			   bad_copies ? " aria-invalid=\"true\"" : "");
		for (int n = 1; n <= MAX_COPIES; n++)
			buf_printf(o, "<option%s>%d</option>", atoi(copies) == n ? " selected" : "", n);
		buf_puts(o, "</select></p>\n");
		if (ed)
			field_error(c, ed);
		if (ec)
			field_error(c, ec);
	}
}

void order_lines_hidden(struct http_ctx *c, const struct lines_input *li)
{
	for (int i = 0; i < li->n; i++) {
		char name[40], v[8];
		snprintf(name, sizeof name, "lines[%d].doc_type", i);
		page_hidden(c, name, li->line[i].doc_type);
		snprintf(name, sizeof name, "lines[%d].copies", i);
		snprintf(v, sizeof v, "%d", li->line[i].copies);
		page_hidden(c, name, v);
	}
}

/* <table id="lines"> and its head: the document, then two columns. */
static void lines_table(struct http_ctx *c, enum txt second, enum txt third)
{
	const enum txt head[3] = {T_DOC_TYPE, second, third};
	buf_puts(&c->out, "<table id=\"lines\">\n<tr>");
	for (int i = 0; i < 3; i++) {
		buf_puts(&c->out, "<th>");
		buf_html(&c->out, tr(c, head[i]));
		buf_puts(&c->out, "</th>");
	}
	buf_puts(&c->out, "</tr>\n");
}

void order_lines_review(struct http_ctx *c, const struct request *r, int64_t postage)
{
	struct buf *o = &c->out;
	char m[24];
	lines_table(c, T_COPIES, T_LINE_FEE);
	for (int i = 0; i < r->nlines; i++) {
		const struct req_line *l = &r->lines[i];
		wq_fmt_money(l->fee_centimes, m, sizeof m);
		buf_printf(o, "<tr data-line=\"%d\" data-doc=\"%s\"><td>", l->no, l->doc_type);
		buf_html(o, tr(c, doc_txt(l->doc_type)));
		buf_printf(o, "</td><td class=\"ltr\">%d</td><td class=\"ltr\" id=\"fee-%d\">%s "
			      "%s</td></tr>\n", l->copies, l->no, m, tr(c, T_MAD));
	}
	if (postage) {
		wq_fmt_money(postage, m, sizeof m);
		buf_puts(o, "<tr><td colspan=\"2\">");
		buf_html(o, tr(c, T_POSTAGE));
		buf_printf(o, "</td><td class=\"ltr\">%s %s</td></tr>\n", m, tr(c, T_MAD));
	}
	wq_fmt_money(r->fee_centimes, m, sizeof m);
	buf_puts(o, "<tr><th colspan=\"2\">");
	buf_html(o, tr(c, T_TOTAL));
	buf_printf(o, "</th><th class=\"ltr\" id=\"total\">%s %s</th></tr>\n</table>\n", m,
		   tr(c, T_MAD));
}

void order_lines_api_errors(struct http_ctx *c, const struct lines_input *li, int *n)
{
	for (int i = 0; i < li->nerr; i++) {
		buf_puts(&c->out, (*n)++ ? "," : "");
		buf_json_str(&c->out, li->errs[i].field);
		buf_puts(&c->out, ":");
		buf_json_str(&c->out, tr(c, err_text(li->errs[i].err)));
	}
}

static const struct refund *line_refund(int no, const struct refund *f, int nf)
{
	for (int i = 0; i < nf; i++)
		if (f[i].line_no == no)
			return &f[i];
	return NULL;
}

void order_lines_json(struct http_ctx *c, const struct request *r, const struct refund *f,
		      int nf)
{
	struct buf *o = &c->out;
	buf_puts(o, ",\"lines\":[");
	for (int i = 0; i < r->nlines; i++) {
		const struct req_line *l = &r->lines[i];
		char m[24];
		wq_fmt_money(l->fee_centimes, m, sizeof m);
		buf_printf(o, "%s{\"line\":%d,\"doc_type\":\"%s\",\"copies\":%d,"
			      "\"fee_centimes\":%lld,\"fee\":\"%s\",\"state\":\"%s\",\"reject_reason\":",
			   i ? "," : "", l->no, l->doc_type, l->copies, (long long)l->fee_centimes, m,
			   l->rejected ? "rejected" : req_state_name(r->state));
		buf_json_str(o, l->rejected ? l->reject_reason : "");
		const struct refund *lf = line_refund(l->no, f, nf);
		if (lf)
			api_refund_obj(c, "refund", lf);
		else
			buf_puts(o, ",\"refund\":null");
		buf_puts(o, "}");
	}
	buf_puts(o, "]");
}

void order_lines_track(struct http_ctx *c, const struct request *r, const struct refund *f,
		       int nf)
{
	struct buf *o = &c->out;
	lines_table(c, T_STATE, T_REFUND);
	for (int i = 0; i < r->nlines; i++) {
		const struct req_line *l = &r->lines[i];
		const struct refund *lf = line_refund(l->no, f, nf);
		char m[24];
		buf_printf(o, "<tr id=\"line-%d\" data-doc=\"%s\" data-state=\"%s\"><td>", l->no,
			   l->doc_type, l->rejected ? "rejected" : req_state_name(r->state));
		buf_html(o, tr(c, doc_txt(l->doc_type)));
		buf_printf(o, " <span class=\"ltr\">×%d</span></td><td>", l->copies);
		if (l->rejected) {
			buf_html(o, tr(c, T_LINE_REJECTED));
			buf_puts(o, " : ");
			buf_html(o, l->reject_reason);
		} else {
			buf_html(o, req_state_label(r->state, c->lang));
		}
		buf_puts(o, "</td><td>");
		if (lf) {
			wq_fmt_money(lf->amount_centimes, m, sizeof m);
			buf_printf(o, "<span class=\"ltr\" id=\"line-%d-refund\" data-state=\"%s\">%s "
				      "%s</span> — ", l->no, refund_state_name(lf->state), m,
				   tr(c, T_MAD));
			buf_html(o, refund_state_label(lf->state, c->lang));
		}
		buf_puts(o, "</td></tr>\n");
	}
	buf_puts(o, "</table>\n");
}
