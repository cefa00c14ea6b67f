/* http_track.c - the citizen's tracking page (tracking number + secret code: every
 * stage with its date, the registered-mail code once posted, why it was rejected or
 * returned) and the complaint form on it; the refund and the citizen's own actions
 * (cancel, a returned envelope's choice) are drawn by http_citizen.c.  The secret code
 * travels only in POST bodies, never in a URL.  HTTP worker threads; no SQL
 * (request_*, complaint_*). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anon.h"
#include "complaint.h"
#include "http_internal.h"
#include "log.h"
#include "refund.h"
#include "request.h"
#include "util.h"

int source_held_back(struct http_ctx *c, const char *action)
{
	struct db *db = http_db(c);
	struct wq_errbuf eb;
	char src[64];
	int fails = 0;
	http_source_of(c->addr, src, sizeof src);
	return db &&
	       !anon_fail_count(db, action, src, wq_now() - SECRET_SOURCE_WINDOW_SECONDS, &fails,
				&eb) &&
	       fails >= SECRET_FAILS_PER_SOURCE;
}

void source_failed(struct http_ctx *c, const char *action, const char *sample)
{
	struct db *db = http_db(c);
	struct wq_errbuf eb;
	char src[64];
	http_source_of(c->addr, src, sizeof src);
	if (db && anon_fail(db, action, src, sample, &eb))
		log_event(LOG_LEVEL_ERROR, "error", "http: counting a wrong code from %s: %s", src,
			  eb.msg);
}

/* keep: on WQ_OK the lookup's read transaction stays open (track_lookup_open) */
static int lookup(struct http_ctx *c, const char *tracking, const char *secret, int keep,
		  struct request *r, struct wq_errbuf *eb)
{
	char t[TRACKING_BYTES + 4], k[SECRET_CODE_BYTES + 4];
	validate_normalize(t, sizeof t, tracking ? tracking : "", 1);
	validate_normalize(k, sizeof k, secret ? secret : "", 1); /* drops the dashes too */
	for (char *p = t; *p; p++)
		if (*p == 'w')
			*p = 'W';
	if (!validate_match(c->app->val, "tracking", t))
		return wq_fail(eb, WQ_EINVAL, "tracking", "%s", tr(c, T_E_TRACKING));
	if (!validate_match(c->app->val, "secret", k))
		return wq_fail(eb, WQ_EINVAL, "secret", "%s", tr(c, T_E_SECRET));
	struct db *db = http_db(c);
	if (!db)
		return wq_fail(eb, WQ_EIO, NULL, "%s", tr(c, T_ERROR));
	/* one source guessing across many numbers: held back whatever the number */
	int wait = 0;
	char source[64];
	http_source_of(c->addr, source, sizeof source);
	struct source_check src = {"secret.wrong", source,
				   wq_now() - SECRET_SOURCE_WINDOW_SECONDS,
				   SECRET_FAILS_PER_SOURCE, 0};
	int rc = (keep ? request_get_citizen_open : request_get_citizen_from)(
		db, c->app->server_key, t, k, &src, r, &wait, eb);
	if (rc == WQ_EBUSY && src.held) {
		c->retry_after = 60;
		return wq_fail(eb, WQ_EBUSY, "secret", "%s", tr(c, T_TOO_MANY_TRIES));
	}
	if (rc == WQ_ENOTFOUND) {
		source_failed(c, "secret.wrong", t);
		wq_fail(eb, WQ_ENOTFOUND, "secret", "%s", tr(c, T_NOT_FOUND));
	} else if (rc == WQ_EBUSY && wait > 0) {
		c->retry_after = wait;
		wq_fail(eb, WQ_EBUSY, "secret", "%s", tr(c, T_TOO_MANY_TRIES));
	} else if (rc == WQ_EINVAL) {
		wq_fail(eb, WQ_EINVAL, "secret", "%s", tr(c, T_E_SECRET));
	}
	return rc;
}

int track_lookup(struct http_ctx *c, const char *tracking, const char *secret,
		 struct request *r, struct wq_errbuf *eb)
{
	return lookup(c, tracking, secret, 0, r, eb);
}

int track_lookup_open(struct http_ctx *c, const char *tracking, const char *secret,
		      struct request *r, struct wq_errbuf *eb)
{
	return lookup(c, tracking, secret, 1, r, eb);
}

int track_status(const struct http_ctx *c, int rc)
{
	return rc == WQ_EINVAL		       ? MHD_HTTP_UNPROCESSABLE_CONTENT
	       : rc == WQ_ENOTFOUND	       ? MHD_HTTP_NOT_FOUND
	       : rc == WQ_EBUSY && c->retry_after ? MHD_HTTP_TOO_MANY_REQUESTS
						 : MHD_HTTP_SERVICE_UNAVAILABLE;
}

/* The secret code as the forms carry it on: normalised, upper case. */
void track_secret_form(const char *k, char *out, size_t len)
{
	validate_normalize(out, len, k ? k : "", 1);
	for (char *p = out; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
}

void track_field_error(struct http_ctx *c, const char *field, const char *msg)
{
	if (!msg || !msg[0])
		return;
	buf_printf(&c->out, "<p class=\"err\" id=\"e-%s\">", field);
	buf_html(&c->out, msg);
	buf_puts(&c->out, "</p>\n");
}

void page_code_input(struct http_ctx *c, const char *name, const char *label, int maxlength,
		     const char *attrs, const char *value, const struct wq_errbuf *eb)
{
	struct buf *o = &c->out;
	int bad = eb && !strcmp(eb->field, name);
	buf_printf(o, "<label for=\"%s\">", name);
	buf_html(o, label);
	buf_printf(o, "</label><input id=\"%s\" name=\"%s\" dir=\"ltr\" maxlength=\"%d\" "
		      "%srequired%s value=\"",
		   name, name, maxlength, attrs, bad ? " aria-invalid=\"true\"" : "");
	buf_html(o, value ? value : "");
	buf_puts(o, "\">\n");
	if (bad)
		track_field_error(c, name, eb->msg);
}

static void lookup_form(struct http_ctx *c, const char *t, const char *k,
			const struct wq_errbuf *eb)
{
	struct buf *o = &c->out;
	buf_puts(o, "<form method=\"post\" action=\"/track\">\n");
	page_hidden(c, "lang", c->lang);
	page_code_input(c, "tracking", tr(c, T_TRACKING), 16, "", t, eb);
	page_code_input(c, "secret", tr(c, T_SECRET), 20, "autocomplete=\"off\" ", k, eb);
	buf_puts(o, "<button type=\"submit\">");
	buf_html(o, tr(c, T_TRACK_BTN));
	buf_puts(o, "</button>\n</form>\n");
}

int track_form(struct http_ctx *c)
{
	page_begin(c, tr(c, T_TRACK_TITLE));
	buf_puts(&c->out, "<h1>");
	buf_html(&c->out, tr(c, T_TRACK_TITLE));
	buf_puts(&c->out, "</h1>\n");
	lookup_form(c, "", "", NULL);
	page_end(c);
	return c->status;
}

void track_page(struct http_ctx *c, const struct request *r, const char *secret,
		       const char *complaint, enum txt complaint_err, enum txt notice)
{
	struct db *db = http_db(c);
	struct actor sys;
	struct wq_errbuf eb;
	struct req_event *ev = NULL;
	struct complaint *cs = NULL;
	int nev = 0, ncs = 0;
	actor_system(&sys);
	wq_errbuf_clear(&eb);
	/* the history, the complaints, the refunds and the re-dispatch read in one snapshot:
	 * one read transaction instead of one per statement (each took and released
	 * SQLite's shared-memory locks: fcntl, 13 % of the page's time, bench/README.md
	 * section 16); the lookup's own when track_lookup_open() left it open (section 20) */
	int snap = db && (db_in_transaction(db) || !db_begin_read(db, &eb));
	if (db)
		request_history(db, &sys, r->id, &ev, &nev, &eb);
	if (db)
		complaint_list_for_request(db, r->id, &cs, &ncs, &eb);
	struct buf *o = &c->out;
	char when[32];
	page_begin(c, tr(c, T_TRACK_TITLE));
	buf_puts(o, "<h1>");
	buf_html(o, tr(c, T_TRACK_TITLE));
	buf_puts(o, " <span class=\"ltr\">");
	buf_html(o, r->tracking);
	buf_puts(o, "</span></h1>\n");
	if (notice != T_COUNT) {
		buf_printf(o, "<p class=\"box%s\" role=\"status\" id=\"notice\">",
			   notice == T_COMPLAINT_SENT || citizen_notice_good(notice) ? "" : " bad");
		buf_html(o, tr(c, notice));
		buf_puts(o, "</p>\n");
	}
	buf_puts(o, "<p class=\"box\">");
	buf_html(o, tr(c, T_STATE));
	buf_printf(o, " : <b id=\"state\" data-state=\"%s\">", req_state_name(r->state));
	buf_html(o, req_state_label(r->state, c->lang));
	buf_puts(o, "</b>");
	if (r->mail_code[0]) {
		buf_puts(o, "<br>");
		buf_html(o, tr(c, T_MAIL_CODE));
		buf_puts(o, " : <b class=\"ltr\" id=\"mail_code\">");
		buf_html(o, r->mail_code);
		buf_puts(o, "</b>");
	}
	if ((r->state == RS_REJECTED || r->state == RS_RETURNED) && r->reject_reason[0]) {
		buf_puts(o, "<br>");
		buf_html(o, tr(c, r->state == RS_REJECTED ? T_REJECT_REASON : T_RETURN_REASON));
		buf_puts(o, " : ");
		buf_html(o, r->reject_reason);
	}
	buf_puts(o, "</p>\n");
	struct refund *fs = NULL;
	int nf = 0;
	if (db)
		refund_list(db, r->id, &fs, &nf, &eb);
	order_lines_track(c, r, fs, nf);
	citizen_refund_box(c, fs, nf);
	free(fs);
	redispatch_box(c, r);
	if (snap)
		db_commit(db, &eb); /* read only: nothing to write */
	buf_puts(o, "<h2>");
	buf_html(o, tr(c, T_HISTORY));
	buf_puts(o, "</h2>\n<table id=\"history\">\n<tr><th>");
	buf_html(o, tr(c, T_DATE));
	buf_puts(o, " <small id=\"time_zone\">(");
	buf_html(o, tr(c, T_TIME_ZONE));
	buf_puts(o, ")</small></th><th>");
	buf_html(o, tr(c, T_STATE));
	buf_puts(o, "</th></tr>\n");
	for (int i = 0; i < nev; i++) {
		if (ev[i].from == ev[i].to && i > 0)
			continue; /* a move between offices: not a stage for the citizen */
		wq_fmt_time(ev[i].at, when, sizeof when);
		buf_printf(o, "<tr data-state=\"%s\"><td class=\"ltr\">", req_state_name(ev[i].to));
		buf_html(o, when);
		buf_puts(o, "</td><td>");
		buf_html(o, req_state_label(ev[i].to, c->lang));
		buf_puts(o, "</td></tr>\n");
	}
	buf_puts(o, "</table>\n");
	if (ncs) {
		buf_puts(o, "<h2>");
		buf_html(o, tr(c, T_COMPLAINTS));
		buf_puts(o, "</h2>\n");
		for (int i = 0; i < ncs; i++) {
			wq_fmt_time(cs[i].opened_at, when, sizeof when);
			buf_puts(o, "<p class=\"box\"><span class=\"ltr\">");
			buf_html(o, when);
			buf_puts(o, "</span> — ");
			buf_html(o, cs[i].body);
			if (cs[i].answer[0]) {
				buf_puts(o, "<br><b>");
				buf_html(o, tr(c, T_ANSWER));
				buf_puts(o, " :</b> ");
				buf_html(o, cs[i].answer);
			}
			buf_puts(o, "</p>\n");
		}
	}
	citizen_forms(c, r, secret, notice);
	buf_puts(o, "<h2>");
	buf_html(o, tr(c, T_COMPLAINT_TITLE));
	buf_puts(o, "</h2>\n<form method=\"post\" action=\"/complaint\">\n");
	page_hidden(c, "lang", c->lang);
	page_hidden(c, "tracking", r->tracking);
	page_hidden(c, "secret", secret);
	http_csrf_field(c);
	buf_puts(o, "<label for=\"body\">");
	buf_html(o, tr(c, T_COMPLAINT_FIELD));
	buf_printf(o, "</label><textarea id=\"body\" name=\"body\" maxlength=\"1000\"%s>",
		   complaint_err != T_COUNT ? " aria-invalid=\"true\"" : "");
	buf_html(o, complaint ? complaint : "");
	buf_puts(o, "</textarea>\n");
	if (complaint_err != T_COUNT)
		track_field_error(c, "body", tr(c, complaint_err));
	buf_puts(o, "<button type=\"submit\">");
	buf_html(o, tr(c, T_SEND));
	buf_puts(o, "</button>\n</form>\n");
	page_end(c);
	free(ev);
	free(cs);
}

int track_show(struct http_ctx *c)
{
	const char *t = http_arg(c, "tracking"), *k = http_arg(c, "secret");
	struct request r;
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	/* the page is read in the lookup's snapshot: one read transaction per page */
	int rc = track_lookup_open(c, t, k, &r, &eb);
	if (rc) {
		c->status = track_status(c, rc);
		page_begin(c, tr(c, T_TRACK_TITLE));
		buf_puts(&c->out, "<h1>");
		buf_html(&c->out, tr(c, T_TRACK_TITLE));
		buf_puts(&c->out, "</h1>\n");
		lookup_form(c, t, "", &eb);
		page_end(c);
		return c->status;
	}
	char k2[SECRET_CODE_BYTES + 4];
	track_secret_form(k, k2, sizeof k2);
	track_page(c, &r, k2, "", T_COUNT, T_COUNT);
	return c->status;
}

int complaint_submit(struct http_ctx *c)
{
	const char *t = http_arg(c, "tracking"), *k = http_arg(c, "secret");
	const char *body = http_arg(c, "body");
	struct request r;
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	int lrc = track_lookup(c, t, k, &r, &eb);
	if (lrc)
		return page_message(c, track_status(c, lrc), tr(c, T_NOT_FOUND), eb.msg);
	char k2[SECRET_CODE_BYTES + 4];
	track_secret_form(k, k2, sizeof k2);
	if (!http_csrf_ok(c)) {
		c->status = MHD_HTTP_FORBIDDEN;
		track_page(c, &r, k2, body, T_COUNT, T_CSRF);
		return c->status;
	}
	if (!body || !validate_match(c->app->val, "complaint", body)) {
		c->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		track_page(c, &r, k2, body, T_E_COMPLAINT, T_FORM_ERRORS);
		return c->status;
	}
	int64_t id;
	int rc = complaint_open_citizen(http_db(c), r.id, r.tracking, body, c->addr, &id, &eb);
	if (rc == WQ_ECONFLICT) {
		c->status = MHD_HTTP_CONFLICT;
		track_page(c, &r, k2, body, T_COUNT, T_COMPLAINT_TOO_MANY);
	} else if (rc) {
		log_event(LOG_LEVEL_ERROR, "error", "http: complaint on %s: %s", r.tracking,
			  eb.msg);
		page_message(c, rc == WQ_EBUSY ? 503 : 500, tr(c, T_ERROR),
			     tr(c, rc == WQ_EBUSY ? T_BUSY : T_ERROR));
	} else {
		track_page(c, &r, k2, "", T_COUNT, T_COMPLAINT_SENT);
	}
	return c->status;
}

