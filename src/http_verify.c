/* http_verify.c - /verify, where any administration checks a document's verification
 * code (document.h): a form, then the answer: the document type, the issuing office,
 * the date, the person's initials and whether it is still valid, nothing more.  The
 * JSON twin is /api/v1/verify (docs/api.md).  Wrong codes count against the source as
 * the tracking page's do (source_held_back); every lookup is counted per day by the
 * data layer.  HTTP worker threads; no SQL. */
#include <stdio.h>
#include <string.h>

#include "document.h"
#include "http_internal.h"
#include "log.h"
#include "secret.h"
#include "unicode.h"
#include "util.h"

#define VERIFY_FAILS "verify.wrong"

/* The lookup with its limits: WQ_OK and d filled, or a WQ_* code with the sentence in
 * eb (field "code"); a 429's wait in c->retry_after. */
static int lookup(struct http_ctx *c, const char *typed, struct doc_check *d,
		  struct wq_errbuf *eb)
{
	struct db *db = http_db(c);
	struct wq_errbuf ceb;
	if (!db)
		return wq_fail(eb, WQ_EIO, NULL, "%s", tr(c, T_ERROR));
	if (source_held_back(c, VERIFY_FAILS)) {
		verify_count(db, VO_HELD_BACK, &ceb);
		c->retry_after = 60;
		return wq_fail(eb, WQ_EBUSY, "code", "%s", tr(c, T_VERIFY_TOO_MANY));
	}
	int rc = document_verify(db, c->app->server_key, typed ? typed : "", d, eb);
	if (rc == WQ_EINVAL)
		return wq_fail(eb, WQ_EINVAL, "code", "%s", tr(c, T_E_VERIFY_CODE));
	if (rc == WQ_ENOTFOUND) {
		char sample[24];
		snprintf(sample, sizeof sample, "%.20s", typed);
		source_failed(c, VERIFY_FAILS, sample);
		return wq_fail(eb, WQ_ENOTFOUND, "code", "%s", tr(c, T_VERIFY_UNKNOWN));
	}
	if (rc) {
		log_event(LOG_LEVEL_ERROR, "error", "http: verify: %s", eb->msg);
		return wq_fail(eb, rc, NULL, "%s", tr(c, rc == WQ_EBUSY ? T_BUSY : T_ERROR));
	}
	return WQ_OK;
}

static int status_of(const struct http_ctx *c, int rc)
{
	return rc == WQ_EINVAL		       ? MHD_HTTP_UNPROCESSABLE_CONTENT
	       : rc == WQ_ENOTFOUND	       ? MHD_HTTP_NOT_FOUND
	       : rc == WQ_EBUSY && c->retry_after ? MHD_HTTP_TOO_MANY_REQUESTS
	       : rc == WQ_EBUSY		       ? MHD_HTTP_SERVICE_UNAVAILABLE
						 : MHD_HTTP_INTERNAL_SERVER_ERROR;
}

/* The code as typed, shown back: its canonical form when it has a code's shape, else
 * its first 20 bytes without control or format characters, cut between characters. */
static void shown_code(const char *typed, char *out, size_t len)
{
	char canon[SECRET_CHARS + 1];
	if (secret_canonical(typed, canon, sizeof canon) == SECRET_NEW)
		snprintf(out, len, "%.4s-%.4s-%.4s", canon, canon + 4, canon + 8);
	else
		utf8_shown(typed, out, len, 20);
}

/* Why a document is no longer valid, in the page's language. */
static const char *why_text(struct http_ctx *c, const char *revoked)
{
	if (!strcmp(revoked, "refunded"))
		return tr(c, T_VERIFY_REFUNDED);
	return req_state_label(req_state_from_name(revoked), c->lang);
}

static void form(struct http_ctx *c, const char *code, const struct wq_errbuf *eb)
{
	struct buf *o = &c->out;
	buf_puts(o, "<form method=\"post\" action=\"/verify\">\n");
	page_hidden(c, "lang", c->lang);
	page_code_input(c, "code", tr(c, T_VERIFY_CODE), 20,
			"autocomplete=\"off\" autocapitalize=\"characters\" ", code, eb);
	buf_puts(o, "<button type=\"submit\">");
	buf_html(o, tr(c, T_VERIFY_BTN));
	buf_puts(o, "</button>\n</form>\n");
}

static void heading(struct http_ctx *c)
{
	page_begin(c, tr(c, T_VERIFY_TITLE));
	buf_puts(&c->out, "<h1>");
	buf_html(&c->out, tr(c, T_VERIFY_TITLE));
	buf_puts(&c->out, "</h1>\n<p>");
	buf_html(&c->out, tr(c, T_VERIFY_INTRO));
	buf_puts(&c->out, "</p>\n");
}

int verify_form(struct http_ctx *c)
{
	heading(c);
	form(c, "", NULL);
	page_end(c);
	return c->status;
}

static void row(struct buf *o, const char *id, const char *label, const char *value, int ltr)
{
	buf_puts(o, "<tr><th>");
	buf_html(o, label);
	buf_printf(o, "</th><td id=\"%s\"%s>", id, ltr ? " class=\"ltr\"" : "");
	buf_html(o, value);
	buf_puts(o, "</td></tr>\n");
}

static void answer(struct http_ctx *c, const char *code, const struct doc_check *d)
{
	struct buf *o = &c->out;
	char date[32];
	wq_fmt_time(d->issued_at, date, sizeof date);
	date[10] = 0; /* the day, Casablanca time */
	buf_printf(o, "<p class=\"box%s\" role=\"status\" id=\"verdict\" data-valid=\"%s\">",
		   d->valid ? "" : " bad", d->valid ? "valid" : "not_valid");
	buf_html(o, tr(c, d->valid ? T_VERIFY_VALID : T_VERIFY_NOT_VALID));
	buf_puts(o, "</p>\n<table id=\"document\">\n");
	row(o, "checked_code", tr(c, T_VERIFY_CODE), code, 1);
	row(o, "doc_type", tr(c, T_DOC_TYPE),
	    tr(c, strcmp(d->doc_type, "full_copy") ? T_EXTRACT : T_FULL_COPY), 0);
	char office[2 * NAME_MAX_BYTES + 24];
	snprintf(office, sizeof office, "%s (%s)",
		 strcmp(c->lang, "ar") ? d->office_name_fr : d->office_name_ar, d->office_code);
	row(o, "office", tr(c, T_VERIFY_OFFICE), office, 0);
	row(o, "issued", tr(c, T_VERIFY_ISSUED), date, 1);
	row(o, "initials", tr(c, T_VERIFY_INITIALS), d->initials, 1);
	if (!d->valid)
		row(o, "why", tr(c, T_VERIFY_WHY), why_text(c, d->revoked), 0);
	buf_puts(o, "</table>\n<p><small>");
	buf_html(o, tr(c, T_VERIFY_ONLY));
	buf_puts(o, "</small></p>\n");
}

int verify_show(struct http_ctx *c)
{
	const char *typed = http_arg(c, "code");
	char code[32];
	struct doc_check d;
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	shown_code(typed, code, sizeof code);
	int rc = lookup(c, typed, &d, &eb);
	c->status = rc ? status_of(c, rc) : MHD_HTTP_OK;
	heading(c);
	if (rc == WQ_OK) {
		answer(c, code, &d);
		form(c, "", NULL);
	} else if (rc == WQ_ENOTFOUND || (rc == WQ_EBUSY && c->retry_after)) {
		buf_printf(&c->out, "<p class=\"box bad\" role=\"status\" id=\"verdict\" "
				    "data-valid=\"%s\">",
			   rc == WQ_ENOTFOUND ? "unknown" : "held_back");
		buf_html(&c->out, eb.msg);
		buf_puts(&c->out, "</p>\n");
		form(c, code, NULL);
	} else {
		form(c, code, &eb);
	}
	page_end(c);
	return c->status;
}

int api_verify(struct http_ctx *c)
{
	const char *typed = http_arg(c, "code");
	char code[32];
	struct doc_check d;
	struct wq_errbuf eb;
	struct buf *o = &c->out;
	wq_errbuf_clear(&eb);
	shown_code(typed, code, sizeof code);
	int rc = lookup(c, typed, &d, &eb);
	if (rc) {
		int st = status_of(c, rc);
		buf_printf(o, "{\"error\":\"%s\",\"errors\":{\"code\":",
			   st == 422   ? "invalid"
			   : st == 404 ? "unknown"
			   : st == 429 ? "too_many_tries"
				       : "busy");
		buf_json_str(o, eb.msg);
		buf_puts(o, "}}\n");
		return api_reply(c, st);
	}
	char date[32];
	wq_fmt_time(d.issued_at, date, sizeof date);
	date[10] = 0;
	buf_puts(o, "{\"code\":");
	buf_json_str(o, code);
	buf_printf(o, ",\"valid\":%s,\"revoked\":", d.valid ? "true" : "false");
	if (d.valid)
		buf_puts(o, "null");
	else
		buf_json_str(o, d.revoked);
	buf_printf(o, ",\"doc_type\":\"%s\",\"office\":{\"code\":", d.doc_type);
	buf_json_str(o, d.office_code);
	buf_puts(o, ",\"name_fr\":");
	buf_json_str(o, d.office_name_fr);
	buf_puts(o, ",\"name_ar\":");
	buf_json_str(o, d.office_name_ar);
	buf_printf(o, "},\"issued_at\":%lld,\"issued_on\":", (long long)d.issued_at);
	buf_json_str(o, date);
	buf_puts(o, ",\"initials\":");
	buf_json_str(o, d.initials);
	buf_puts(o, ",\"message\":");
	buf_json_str(o, tr(c, d.valid ? T_VERIFY_VALID : T_VERIFY_NOT_VALID));
	buf_puts(o, "}\n");
	return api_reply(c, 200);
}
