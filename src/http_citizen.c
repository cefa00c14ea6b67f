/* http_citizen.c - what the citizen does with his own request on the tracking page,
 * and the money coming back: the refund box (state, amount, date), cancelling a paid
 * request the office has not claimed yet, and choosing for an envelope the post
 * brought back (sent again to a corrected address for the postage, collected at the
 * office with the CIN, or refunded).  The HTML
 * forms (POST /cancel, /returned, CSRF-checked) and the checks the JSON API shares
 * (track_cancel, track_returned).  The data layer decides; this file only asks and
 * says why not.  HTTP worker threads; no SQL (request_*, refund_*). */
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "log.h"
#include "redispatch.h"
#include "refund.h"
#include "request.h"
#include "util.h"

int citizen_notice_good(enum txt notice)
{
	return notice == T_CANCELLED || notice == T_CHOSEN_COLLECT || notice == T_CHOSEN_REFUND;
}

void citizen_refund_line(struct http_ctx *c, const struct refund *f, enum txt what,
			 const char *id)
{
	char amount[24], when[32];
	wq_fmt_money(f->amount_centimes, amount, sizeof amount);
	wq_fmt_time(f->done_at ? f->done_at : f->created_at, when, sizeof when);
	struct buf *o = &c->out;
	buf_printf(o, "<p class=\"box%s\" id=\"%s\" data-state=\"%s\">",
		   f->state == REFUND_FAILED ? " bad" : "", id, refund_state_name(f->state));
	buf_html(o, tr(c, what));
	buf_printf(o, " : <b class=\"ltr\" id=\"%s_amount\">%s %s</b> — <span "
		      "id=\"%s_state\">", id, amount, tr(c, T_MAD), id);
	buf_html(o, refund_state_label(f->state, c->lang));
	buf_printf(o, "</span> <span class=\"ltr\" id=\"%s_date\">", id);
	buf_html(o, when);
	buf_puts(o, "</span></p>\n");
}

static int refund_total(const struct refund *f, int n, struct refund *out)
{
	if (!n)
		return 0;
	/* refused anywhere is said first (finance will call); else the least advanced;
	 * the date of the latest */
	static const int rank[REFUND_STATE_COUNT] = {
		[REFUND_FAILED] = 0, [REFUND_OWED] = 1, [REFUND_SENT] = 2, [REFUND_DONE] = 3};
	*out = f[n - 1];
	out->amount_centimes = 0;
	for (int i = 0; i < n; i++) {
		int64_t at = f[i].done_at ? f[i].done_at : f[i].created_at;
		out->amount_centimes += f[i].amount_centimes;
		if (rank[f[i].state] < rank[out->state])
			out->state = f[i].state;
		if (at > (out->done_at ? out->done_at : out->created_at)) {
			out->done_at = f[i].done_at;
			out->created_at = f[i].created_at;
		}
	}
	return 1;
}

int citizen_refund_sum(struct http_ctx *c, const struct request *r, struct refund *out)
{
	struct refund *f = NULL;
	struct wq_errbuf eb;
	struct db *db = http_db(c);
	int n = 0;
	int ok = db && !refund_list(db, r->id, &f, &n, &eb) && refund_total(f, n, out);
	free(f);
	return ok;
}

void citizen_refund_box(struct http_ctx *c, const struct refund *f, int n)
{
	struct refund sum;
	if (refund_total(f, n, &sum))
		citizen_refund_line(c, &sum, T_REFUND, "refund");
}

/* The postage of sending a returned envelope again: resend.postage within Morocco,
 * the registered mail abroad of the order's zone elsewhere (etc/fees.conf). */
static int64_t resend_postage(struct http_ctx *c, const struct request *r)
{
	const struct country *k = country_find(&c->app->countries, r->country);
	return k && k->zone ? fee_postage(&c->app->fees, k->zone) : c->app->fees.resend_centimes;
}

/* The opening of a form posting back to `action` with who the citizen is. */
static void form_begin(struct http_ctx *c, const struct request *r, const char *secret,
		       enum txt title, const char *action)
{
	struct buf *o = &c->out;
	buf_puts(o, "<h2>");
	buf_html(o, tr(c, title));
	buf_printf(o, "</h2>\n<form method=\"post\" action=\"/%s\" id=\"%s\">\n", action, action);
	page_hidden(c, "lang", c->lang);
	page_hidden(c, "tracking", r->tracking);
	page_hidden(c, "secret", secret);
	http_csrf_field(c);
}

static void deadline(struct http_ctx *c, const struct request *r)
{
	char when[32];
	int64_t at = (r->stage_at ? r->stage_at : r->updated_at) +
		     (int64_t)c->app->cfg.returned_keep_days * 86400;
	wq_fmt_time(at, when, sizeof when);
	buf_puts(&c->out, "<p>");
	buf_html(&c->out, tr(c, T_DEADLINE));
	buf_puts(&c->out, " : <b class=\"ltr\" id=\"deadline\">");
	buf_html(&c->out, when);
	buf_puts(&c->out, "</b></p>\n");
}

static void radio(struct http_ctx *c, const char *value, enum txt label)
{
	int checked = c->resend && !strcmp(value, "resend"); /* its address was refused */
	buf_printf(&c->out, "<label><input type=\"radio\" name=\"choice\" id=\"choice-%s\" "
			    "value=\"%s\" required%s> ", value, value, checked ? " checked" : "");
	buf_html(&c->out, tr(c, label));
	buf_puts(&c->out, "</label><br>\n");
}

/* Offered only while they can succeed; the data layer decides anyway. */
void citizen_forms(struct http_ctx *c, const struct request *r, const char *secret,
		   enum txt notice)
{
	struct buf *o = &c->out;
	if (r->state == RS_PAID) {
		form_begin(c, r, secret, T_CANCEL_TITLE, "cancel");
		buf_puts(o, "<p>");
		buf_html(o, tr(c, T_CANCEL_TEXT));
		buf_printf(o, "</p>\n<label><input type=\"checkbox\" id=\"confirm\" name=\"confirm\" "
			      "value=\"1\" required%s> ",
			   notice == T_E_CONFIRM ? " aria-invalid=\"true\"" : "");
		buf_html(o, tr(c, T_CANCEL_CONFIRM));
		buf_puts(o, "</label>\n");
		if (notice == T_E_CONFIRM)
			track_field_error(c, "confirm", tr(c, T_E_CONFIRM));
		buf_puts(o, "<button type=\"submit\" id=\"cancelbtn\">");
		buf_html(o, tr(c, T_CANCEL_BTN));
		buf_puts(o, "</button>\n</form>\n");
	} else if (r->state == RS_RETURNED) {
		form_begin(c, r, secret, T_RETURNED_TITLE, "returned");
		buf_puts(o, "<p>");
		buf_html(o, tr(c, T_RETURNED_TEXT));
		buf_puts(o, "</p>\n");
		deadline(c, r);
		char postage[24];
		wq_fmt_money(resend_postage(c, r), postage, sizeof postage);
		radio(c, "resend", T_CHOICE_RESEND);
		order_address_fields(c, c->resend);
		buf_puts(o, "<p>");
		buf_html(o, tr(c, T_RESEND_POSTAGE));
		buf_printf(o, " : <b class=\"ltr\" id=\"postage\">%s %s</b></p>\n", postage,
			   tr(c, T_MAD));
		radio(c, "collect", T_CHOICE_COLLECT);
		radio(c, "refund", T_CHOICE_REFUND);
		if (notice == T_E_CHOICE)
			track_field_error(c, "choice", tr(c, T_E_CHOICE));
		buf_puts(o, "<button type=\"submit\" id=\"choosebtn\">");
		buf_html(o, tr(c, T_CHOOSE_BTN));
		buf_puts(o, "</button>\n</form>\n");
	} else if (r->state == RS_TO_COLLECT) {
		buf_puts(o, "<p class=\"box\" id=\"to_collect\">");
		buf_html(o, tr(c, T_TO_COLLECT_TEXT));
		buf_puts(o, " (<span class=\"ltr\">");
		buf_html(o, r->office_code);
		buf_puts(o, "</span>)</p>\n");
		deadline(c, r);
	}
}

int track_cancel(struct http_ctx *c, const struct request *r, enum txt *why,
		 struct wq_errbuf *eb)
{
	struct db *db = http_db(c);
	if (!db)
		return wq_fail(eb, WQ_EIO, NULL, "%s", tr(c, T_ERROR));
	int rc = request_cancel_citizen(db, r->id, eb);
	if (rc == WQ_ECONFLICT) {
		struct request now;
		struct actor sys;
		actor_system(&sys);
		/* what stands in the way, read again: an agent may have claimed it meanwhile */
		int claimed = !request_get(db, &sys, r->id, &now, eb) &&
			      (now.state == RS_CLAIMED || now.state == RS_IN_PRODUCTION ||
			       now.state == RS_AWAITING_SIGNATURE || now.state == RS_SIGNED ||
			       now.state == RS_READY || now.state == RS_WITH_POST ||
			       now.state == RS_DELIVERED);
		*why = claimed ? T_CANCEL_TOO_LATE : T_CANCEL_NOT_PAID;
		wq_fail(eb, WQ_ECONFLICT, "state", "%s", tr(c, *why));
	}
	return rc;
}

int track_returned(struct http_ctx *c, const struct request *r, const char *choice,
		   enum txt *why, struct wq_errbuf *eb)
{
	struct db *db = http_db(c);
	*why = T_E_CHOICE;
	if (!choice || (strcmp(choice, "collect") && strcmp(choice, "refund")))
		return wq_fail(eb, WQ_EINVAL, "choice", "%s", tr(c, T_E_CHOICE));
	if (!db)
		return wq_fail(eb, WQ_EIO, NULL, "%s", tr(c, T_ERROR));
	int rc = request_returned_choice(db, r->id, choice, eb);
	if (rc == WQ_ECONFLICT || rc == WQ_EDENIED) { /* chosen already, or the sweep came */
		rc = WQ_ECONFLICT;
		*why = T_CHOICE_TOO_LATE;
		wq_fail(eb, WQ_ECONFLICT, "state", "%s", tr(c, *why));
	}
	return rc;
}

int track_resend(struct http_ctx *c, const struct request *r, struct address_input *in,
		 struct redispatch *d, enum txt *why, struct wq_errbuf *eb)
{
	struct db *db = http_db(c);
	struct request addr;
	*why = T_COUNT;
	if (order_address_validate(c, r->country, in, &addr))
		return wq_fail(eb, WQ_EINVAL, "address", "%s", tr(c, T_FORM_ERRORS));
	if (!db)
		return wq_fail(eb, WQ_EIO, NULL, "%s", tr(c, T_ERROR));
	int rc = redispatch_open(db, r->id, addr.address, addr.postal_code, addr.city,
				 resend_postage(c, r), d, eb);
	if (rc == WQ_ECONFLICT) {
		*why = T_CHOICE_TOO_LATE;
		wq_fail(eb, WQ_ECONFLICT, "state", "%s", tr(c, *why));
	}
	return rc;
}

/* The citizen chose to have the envelope sent again: the address checked, then to the
 * gateway for the postage (the return page finds the request by the order cookie). */
static int resend_submit(struct http_ctx *c, const struct request *r, const char *k,
			 const char *k2)
{
	struct address_input in;
	struct redispatch d;
	struct wq_errbuf eb;
	enum txt why;
	wq_errbuf_clear(&eb);
	int rc = track_resend(c, r, &in, &d, &why, &eb);
	if (rc == WQ_EINVAL) {
		c->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		c->resend = &in;
		track_page(c, r, k2, "", T_COUNT, T_FORM_ERRORS);
		c->resend = NULL;
		return c->status;
	}
	if (rc == WQ_ECONFLICT) {
		c->status = MHD_HTTP_CONFLICT;
		track_page(c, r, k2, "", T_COUNT, why);
		return c->status;
	}
	if (rc) {
		log_event(LOG_LEVEL_ERROR, "error", "http: re-dispatch of %s: %s", r->tracking,
			  eb.msg);
		return page_message(c, rc == WQ_EBUSY ? 503 : 500, tr(c, T_ERROR),
				    tr(c, rc == WQ_EBUSY ? T_BUSY : T_ERROR));
	}
	struct buf url;
	buf_init(&url);
	pay_postage_url(c, &d, &url);
	char cookie[64];
	snprintf(cookie, sizeof cookie, "%s.%s", r->tracking, k);
	http_set_cookie(c, "wq_order", cookie, 24 * 3600);
	http_redirect(c, buf_str(&url));
	buf_free(&url);
	return c->status;
}

/* POST /cancel and /returned: the request found by its code, the CSRF token, the
 * form's own field, then the move; the page shows the request as it is afterwards. */
static int act_submit(struct http_ctx *c, int cancel)
{
	const char *t = http_arg(c, "tracking"), *k = http_arg(c, "secret");
	const char *confirm = http_arg(c, "confirm"), *choice = http_arg(c, "choice");
	struct request r;
	struct wq_errbuf eb;
	char k2[SECRET_CODE_BYTES + 4];
	enum txt why = T_COUNT;
	wq_errbuf_clear(&eb);
	int rc = track_lookup(c, t, k, &r, &eb);
	if (rc)
		return page_message(c, track_status(c, rc), tr(c, T_NOT_FOUND), eb.msg);
	track_secret_form(k, k2, sizeof k2);
	if (!http_csrf_ok(c)) {
		c->status = MHD_HTTP_FORBIDDEN;
		track_page(c, &r, k2, "", T_COUNT, T_CSRF);
		return c->status;
	}
	if (!cancel && choice && !strcmp(choice, "resend"))
		return resend_submit(c, &r, k, k2);
	if (cancel && (!confirm || strcmp(confirm, "1"))) {
		rc = WQ_EINVAL;
		why = T_E_CONFIRM;
	} else {
		rc = cancel ? track_cancel(c, &r, &why, &eb) : track_returned(c, &r, choice, &why, &eb);
	}
	if (rc == WQ_EINVAL) {
		c->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		track_page(c, &r, k2, "", T_COUNT, why);
		return c->status;
	}
	if (rc && rc != WQ_ECONFLICT) {
		log_event(LOG_LEVEL_ERROR, "error", "http: %s of %s: %s",
			  cancel ? "cancel" : "choice", r.tracking, eb.msg);
		return page_message(c, rc == WQ_EBUSY ? 503 : 500, tr(c, T_ERROR),
				    tr(c, rc == WQ_EBUSY ? T_BUSY : T_ERROR));
	}
	if (track_lookup(c, t, k, &r, &eb))
		return page_message(c, 503, tr(c, T_ERROR), tr(c, T_ERROR));
	c->status = rc ? MHD_HTTP_CONFLICT : MHD_HTTP_OK;
	if (!rc)
		why = cancel ? T_CANCELLED
			     : !strcmp(choice, "collect") ? T_CHOSEN_COLLECT : T_CHOSEN_REFUND;
	track_page(c, &r, k2, "", T_COUNT, why);
	return c->status;
}

int cancel_submit(struct http_ctx *c)
{
	return act_submit(c, 1);
}

int returned_submit(struct http_ctx *c)
{
	return act_submit(c, 0);
}
