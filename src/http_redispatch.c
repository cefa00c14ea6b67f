/* http_redispatch.c - a returned envelope sent again to a corrected address, as its
 * citizen sees it once the choice is made, on the tracking page (fr/ar) and in the
 * API's track answer: the corrected address with its words masked (whoever holds the
 * two codes learns no more of it than its owner needs to recognise it), the postage
 * and whether it is paid, where the envelope stands, the new registered-mail code once
 * the post records it, and postage paid in excess with its refund.  HTTP worker
 * threads; no SQL (redispatch_*, postage_refund_*). */
#include <string.h>

#include "http_internal.h"
#include "postage_refund.h"
#include "redispatch.h"
#include "refund.h"
#include "request.h"
#include "unicode.h"
#include "util.h"

/* What the citizen is shown of the request's latest re-dispatch. */
struct shown {
	struct redispatch d;
	char address[ADDRESS_MAX_BYTES];
	const char *state; /* pending_payment, paid (ready again), or the request's state */
	const char *code;  /* the new registered-mail code, or NULL */
	struct refund excess;
	int has_excess;
};

/* 0 when there is nothing to show: no re-dispatch, or one left unpaid once the
 * envelope stopped waiting (collected, refunded). */
static int shown_load(struct http_ctx *c, const struct request *r, struct shown *s)
{
	struct db *db = http_db(c);
	struct wq_errbuf eb;
	memset(s, 0, sizeof *s);
	if (!db || redispatch_for_request(db, r->id, &s->d, &eb))
		return 0;
	if (!s->d.paid && r->state != RS_RETURNED)
		return 0;
	utf8_masked(s->d.address, s->address, sizeof s->address);
	s->state = !s->d.paid ? "pending_payment"
		   : r->state == RS_READY ? "paid" : req_state_name(r->state);
	/* sealed again, the envelope has no code until the post records the new one */
	if (s->d.paid && r->mail_code[0])
		s->code = r->mail_code;
	s->has_excess = !postage_refund_for_request(db, r->id, &s->excess, &eb);
	return 1;
}

static const char *state_label(struct http_ctx *c, const struct request *r,
			       const struct shown *s)
{
	return !s->d.paid ? tr(c, T_RD_UNPAID)
	       : r->state == RS_READY ? tr(c, T_RD_READY) : req_state_label(r->state, c->lang);
}

void redispatch_box(struct http_ctx *c, const struct request *r)
{
	struct shown s;
	struct buf *o = &c->out;
	char fee[24], when[32];
	if (!shown_load(c, r, &s))
		return;
	wq_fmt_money(s.d.fee_centimes, fee, sizeof fee);
	buf_printf(o, "<h2>");
	buf_html(o, tr(c, T_RD_TITLE));
	buf_printf(o, "</h2>\n<p class=\"box\" id=\"redispatch\" data-state=\"%s\">", s.state);
	buf_html(o, tr(c, T_RD_ADDRESS));
	buf_puts(o, " : <b id=\"redispatch_address\">");
	buf_html(o, s.address);
	buf_puts(o, ", <span class=\"ltr\">");
	buf_html(o, s.d.postal_code);
	buf_puts(o, "</span> ");
	buf_html(o, s.d.city);
	buf_puts(o, "</b><br>");
	buf_html(o, tr(c, T_RD_POSTAGE));
	buf_printf(o, " : <b class=\"ltr\" id=\"redispatch_postage\" data-paid=\"%d\">%s %s</b> ",
		   s.d.paid, fee, tr(c, T_MAD));
	if (s.d.paid) {
		wq_fmt_time(s.d.paid_at, when, sizeof when);
		buf_html(o, tr(c, T_RD_PAID_ON));
		buf_puts(o, " <span class=\"ltr\" id=\"redispatch_paid_at\">");
		buf_html(o, when);
		buf_puts(o, "</span>");
	} else {
		buf_html(o, tr(c, T_RD_UNPAID));
	}
	buf_puts(o, "<br>");
	buf_html(o, tr(c, T_STATE));
	buf_puts(o, " : <b id=\"redispatch_state\">");
	buf_html(o, state_label(c, r, &s));
	buf_puts(o, "</b>");
	if (s.code) {
		buf_puts(o, "<br>");
		buf_html(o, tr(c, T_RD_CODE));
		buf_puts(o, " : <b class=\"ltr\" id=\"redispatch_code\">");
		buf_html(o, s.code);
		buf_puts(o, "</b>");
	}
	buf_puts(o, "</p>\n");
	if (s.has_excess)
		citizen_refund_line(c, &s.excess, T_POSTAGE_REFUND, "postage_refund");
}

void redispatch_json(struct http_ctx *c, const struct request *r)
{
	struct shown s;
	struct buf *o = &c->out;
	char fee[24], when[32];
	if (!shown_load(c, r, &s)) {
		buf_puts(o, ",\"redispatch\":null");
		return;
	}
	wq_fmt_money(s.d.fee_centimes, fee, sizeof fee);
	buf_puts(o, ",\"redispatch\":{\"order\":");
	buf_json_str(o, s.d.order_ref);
	buf_puts(o, ",\"address\":");
	buf_json_str(o, s.address);
	buf_puts(o, ",\"postal_code\":");
	buf_json_str(o, s.d.postal_code);
	buf_puts(o, ",\"city\":");
	buf_json_str(o, s.d.city);
	buf_printf(o, ",\"postage_centimes\":%lld,\"postage\":\"%s\",\"currency\":\"MAD\","
		      "\"postage_paid\":%s,\"paid_at\":",
		   (long long)s.d.fee_centimes, fee, s.d.paid ? "true" : "false");
	if (s.d.paid) {
		wq_fmt_time(s.d.paid_at, when, sizeof when);
		buf_printf(o, "%lld,\"paid_local_time\":", (long long)s.d.paid_at);
		buf_json_str(o, when);
	} else {
		buf_puts(o, "null,\"paid_local_time\":null");
	}
	buf_printf(o, ",\"state\":\"%s\",\"label\":", s.state);
	buf_json_str(o, state_label(c, r, &s));
	buf_puts(o, ",\"mail_code\":");
	if (s.code)
		buf_json_str(o, s.code);
	else
		buf_puts(o, "null");
	if (s.has_excess)
		api_refund_obj(c, "postage_refund", &s.excess);
	else
		buf_puts(o, ",\"postage_refund\":null");
	buf_puts(o, "}");
}
