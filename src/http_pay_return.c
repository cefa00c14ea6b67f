/* http_pay_return.c - the ordering browser's pages after the gateway: the return page
 * (GET /paid: what our database says of the order, its codes, what the citizen may do
 * next) and "pay again" (POST /pay).  Only the browser that ordered learns anything
 * (the wq_order cookie set at checkout, its code checked as any code is).  The return
 * is unsigned: a txn from its URL reaches the gateway only if a signed callback
 * announced it, else the gateway is asked about the order itself (payment.h step 6),
 * which also finds a payment whose callback was lost to a restart; "pay again" asks
 * the same before sending the card to a second checkout.  Both ask off the worker
 * (http_offload.c) through pay_find_paid (http_payment.c).  No SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "redispatch.h"
#include "request.h"
#include "util.h"

/* The request of ORDER and its code, from the wq_order cookie the ordering browser
 * got at checkout, checked as any code is (tries counted, back-off): 0 if there is no
 * such cookie for this order or its code is wrong. */
static int cookie_request(struct http_ctx *c, const char *order, struct request *r,
			  char *secret, size_t len)
{
	const char *ck = http_cookie(c, "wq_order");
	secret[0] = 0;
	if (!ck || !order)
		return 0;
	const char *dot = strchr(ck, '.');
	size_t tl = strlen(order);
	if (!dot || (size_t)(dot - ck) != tl || strncmp(ck, order, tl))
		return 0;
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	if (track_lookup(c, order, dot + 1, r, &eb))
		return 0;
	snprintf(secret, len, "%s", dot + 1);
	return 1;
}

static void codes_box(struct http_ctx *c, const char *tracking, const char *secret)
{
	struct buf *o = &c->out;
	buf_puts(o, "<div class=\"box\"><p>");
	buf_html(o, tr(c, T_TRACKING));
	buf_puts(o, " :<br><span class=\"code\" id=\"tracking\">");
	buf_html(o, tracking);
	buf_puts(o, "</span></p>");
	if (secret[0]) {
		buf_puts(o, "<p>");
		buf_html(o, tr(c, T_SECRET));
		buf_puts(o, " :<br><span class=\"code\" id=\"secret\">");
		buf_html(o, secret);
		buf_puts(o, "</span></p><p>");
		buf_html(o, tr(c, T_KEEP));
		buf_puts(o, "</p>");
	} else {
		buf_puts(o, "<p>");
		buf_html(o, tr(c, T_NO_SECRET));
		buf_puts(o, "</p>");
	}
	buf_puts(o, "</div>\n");
}

static void track_button(struct http_ctx *c, const char *tracking, const char *secret,
			 const char *action, enum txt label)
{
	buf_printf(&c->out, "<form method=\"post\" action=\"%s\">\n", action);
	page_hidden(c, "lang", c->lang);
	page_hidden(c, "tracking", tracking);
	page_hidden(c, "secret", secret);
	http_csrf_field(c);
	buf_puts(&c->out, "<button type=\"submit\">");
	buf_html(&c->out, tr(c, label));
	buf_puts(&c->out, "</button>\n</form>\n");
}

/* The return's second chance while the gateway is asked (c->later). */
struct return_later {
	struct request r;
	int postage;
	char secret[SECRET_CODE_BYTES + 4], txn[72], order[40];
};
static int return_settle(struct http_ctx *c, struct wq_errbuf *eb);
static int return_answer(struct http_ctx *c, int rc, struct wq_errbuf *eb);
static int return_page(struct http_ctx *c, const struct request *r, const char *secret,
		       int postage);
static int again_settle(struct http_ctx *c, struct wq_errbuf *eb);
static int again_answer(struct http_ctx *c, int rc, struct wq_errbuf *eb);

int pay_return(struct http_ctx *c)
{
	const char *order = http_arg(c, "order"), *txn = http_arg(c, "txn"),
		   *status = http_arg(c, "status");
	struct request r;
	char secret[SECRET_CODE_BYTES + 4], tracking[TRACKING_BYTES];
	/* a re-dispatch's postage comes back with its own order: its request's number */
	int postage = redispatch_order_shape(order);
	snprintf(tracking, sizeof tracking, "%.11s", order ? order : "");
	/* only the browser that ordered learns anything here: anyone else, whether the
	 * number exists, is paid or not, gets the same page */
	if (!cookie_request(c, postage ? tracking : order, &r, secret, sizeof secret)) {
		c->plain_switch = 1;
		page_begin(c, tr(c, T_TRACK_TITLE));
		buf_puts(&c->out, "<h1 id=\"result\">");
		buf_html(&c->out, tr(c, T_TRACK_TITLE));
		buf_puts(&c->out, "</h1>\n<p class=\"box\" id=\"elsewhere\">");
		buf_html(&c->out, tr(c, T_PAID_ELSEWHERE));
		buf_printf(&c->out, "</p>\n<p><a href=\"/track?lang=%s\">", c->lang);
		buf_html(&c->out, tr(c, T_NAV_TRACK));
		buf_puts(&c->out, "</a></p>\n");
		page_end(c);
		return c->status;
	}
	/* the gateway's confirmation failed when its callback came, or the callback never
	 * came (serve restarting as the card was charged): the return is a second chance.
	 * A txn that a signed callback announced is confirmed; any other is not taken from
	 * this unsigned URL (a made-up txn held a thread up to 5 s on the gateway): the
	 * gateway is asked about the order itself (step 6) */
	int waiting = postage ? r.state == RS_RETURNED : r.state == RS_PENDING_PAYMENT;
	if (waiting && txn && status && !strcmp(status, "paid") && strlen(txn) <= 64 &&
	    strlen(order) < sizeof ((struct return_later *)0)->order) {
		int known = 0;
		struct wq_errbuf keb;
		if (postage || request_payment_known(http_db(c), r.id, txn, &known, &keb))
			known = 0;
		/* asked off this worker, as the callback is; the page drawn after */
		struct return_later *l = calloc(1, sizeof *l);
		if (l) {
			free(c->later);
			c->later = l;
			l->r = r;
			l->postage = postage;
			snprintf(l->secret, sizeof l->secret, "%s", secret);
			snprintf(l->txn, sizeof l->txn, "%s", known ? txn : "");
			snprintf(l->order, sizeof l->order, "%s", order);
			return http_offload(c, return_settle, return_answer);
		}
	}
	return return_page(c, &r, secret, postage);
}

/* On an offload thread: the return's second chance with the gateway. */
static int return_settle(struct http_ctx *c, struct wq_errbuf *eb)
{
	struct return_later *l = c->later;
	(void)eb;
	pay_find_paid(c, &l->r, l->postage ? l->order : NULL, l->txn);
	return WQ_OK;
}

/* Back on a worker: the page with what is now known (still pending if not asked). */
static int return_answer(struct http_ctx *c, int rc, struct wq_errbuf *eb)
{
	struct return_later *l = c->later;
	(void)rc, (void)eb;
	return return_page(c, &l->r, l->secret, l->postage);
}

/* The return page for the ordering browser: r's state, its codes, what it may do. */
static int return_page(struct http_ctx *c, const struct request *rp, const char *secret,
		       int postage)
{
	const char *status = http_arg(c, "status");
	struct request r = *rp;
	enum txt title, text = T_COUNT;
	if (postage && r.state == RS_RETURNED) /* declined, or its callback still to come */
		title = status && !strcmp(status, "declined") ? T_DECLINED_TITLE : T_PENDING_TITLE;
	else if (postage)
		title = T_RESEND_PAID;
	else if (r.state == RS_PENDING_PAYMENT && status && !strcmp(status, "declined"))
		title = T_DECLINED_TITLE, text = T_DECLINED_TEXT;
	else if (r.state == RS_PENDING_PAYMENT)
		title = T_PENDING_TITLE, text = T_PENDING_TEXT;
	else if (r.state == RS_EXPIRED)
		title = T_PENDING_TITLE, text = T_EXPIRES;
	else
		title = T_PAID_TITLE;
	page_begin(c, tr(c, title));
	struct buf *o = &c->out;
	buf_puts(o, "<h1 id=\"result\">");
	buf_html(o, tr(c, title));
	buf_puts(o, "</h1>\n");
	if (text != T_COUNT) {
		buf_puts(o, "<p class=\"box bad\">");
		buf_html(o, tr(c, text));
		if (r.state == RS_PENDING_PAYMENT) {
			buf_puts(o, " ");
			buf_html(o, tr(c, T_EXPIRES));
		}
		buf_puts(o, "</p>\n");
	}
	codes_box(c, r.tracking, secret);
	if (secret[0] && r.state == RS_PENDING_PAYMENT)
		track_button(c, r.tracking, secret, "/pay", T_RETRY);
	if (secret[0])
		track_button(c, r.tracking, secret, "/track", T_SEE_TRACKING);
	page_end(c);
	return c->status;
}

int pay_again(struct http_ctx *c)
{
	struct request r;
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	if (!http_csrf_ok(c))
		return page_message(c, 403, tr(c, T_CSRF), tr(c, T_CSRF));
	const char *t = http_arg(c, "tracking"), *k = http_arg(c, "secret");
	int lrc = track_lookup(c, t, k, &r, &eb);
	if (lrc)
		return page_message(c, track_status(c, lrc), tr(c, T_NOT_FOUND), eb.msg);
	if (r.state != RS_PENDING_PAYMENT)
		return track_show(c);
	/* a payment the server never heard of (its callback and return lost to a restart)
	 * is found before the card is charged a second time: asked off this worker */
	struct return_later *l = calloc(1, sizeof *l);
	if (!l)
		return again_answer(c, WQ_OK, &eb);
	free(c->later);
	c->later = l;
	l->r = r;
	return http_offload(c, again_settle, again_answer);
}

/* On an offload thread: has the gateway a payment for this order already? */
static int again_settle(struct http_ctx *c, struct wq_errbuf *eb)
{
	struct return_later *l = c->later;
	(void)eb;
	pay_find_paid(c, &l->r, NULL, NULL);
	return WQ_OK;
}

/* Back on a worker: the tracking page if it was paid after all, else the checkout. */
static int again_answer(struct http_ctx *c, int rc, struct wq_errbuf *eb)
{
	struct return_later *l = c->later;
	(void)eb;
	if (rc == WQ_OK && l && l->r.state != RS_PENDING_PAYMENT)
		return track_show(c);
	struct request r;
	struct wq_errbuf leb;
	wq_errbuf_clear(&leb);
	const char *t = http_arg(c, "tracking"), *k = http_arg(c, "secret");
	if (l)
		r = l->r;
	else if (track_lookup(c, t, k, &r, &leb))
		return page_message(c, 500, tr(c, T_NOT_FOUND), leb.msg);
	struct buf url;
	buf_init(&url);
	pay_checkout_url(c, &r, &url);
	char cookie[64];
	snprintf(cookie, sizeof cookie, "%s.%s", r.tracking, k);
	http_set_cookie(c, "wq_order", cookie, 24 * 3600);
	http_redirect(c, buf_str(&url));
	buf_free(&url);
	return c->status;
}
