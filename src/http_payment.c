/* http_payment.c - card payment, the server's side of it: the redirect to the gateway,
 * the gateway's signed callback, the server-to-server confirmation and inquiry, and the
 * payment recorded (the citizen's return and "pay again": http_pay_return.c).
 * The protocol is written out at the top of payment.h.  A request becomes paid only
 * after the callback's HMAC is right AND the gateway confirms the same order and the
 * exact fee over libcurl; request_mark_paid is idempotent on the gateway's txn, so a
 * replayed callback changes nothing.  A forged callback is refused (403) and counted
 * per source and minute (anon.h: strangers do not write into the audit log); the
 * gateway is sent only a txn a signed callback announced, or asked about our own
 * order number.  HTTP worker threads, but the callback's confirmation: asked from an
 * offload thread (http_offload.c), so that no worker, and none of its other
 * connections, waits for the gateway.  No SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anon.h"
#include "audit.h"
#include "db_group.h"
#include "http_internal.h"
#include "log.h"
#include "pay_inquiry.h"
#include "payment.h"
#include "redispatch.h"
#include "request.h"
#include "util.h"

static void checkout(struct http_ctx *c, const char *order, int64_t amount, const char *lang,
		     struct buf *url)
{
	char ret[400], cb[400];
	snprintf(ret, sizeof ret, "%s/paid?lang=%s", c->app->base_url, lang[0] ? lang : "fr");
	snprintf(cb, sizeof cb, "%s/api/v1/payments/callback", c->app->base_url);
	payment_checkout_url(&c->app->cfg, order, amount, ret, cb, wq_now(), url);
}

void pay_checkout_url(struct http_ctx *c, const struct request *r, struct buf *url)
{
	checkout(c, r->tracking, r->fee_centimes, r->lang, url);
}

void pay_postage_url(struct http_ctx *c, const struct redispatch *d, struct buf *url)
{
	checkout(c, d->order_ref, d->fee_centimes, c->lang, url);
}

static void audit(struct http_ctx *c, const char *action, const char *target,
		  const char *detail)
{
	struct actor sys;
	struct wq_errbuf eb;
	actor_system(&sys);
	wq_errbuf_clear(&eb);
	struct db *db = http_db(c);
	log_event(LOG_LEVEL_WARNING, "payment", "%s %s: %s", action, target ? target : "",
		  detail);
	if (!db || audit_log(db, &sys, action, target ? target : "", detail, c->addr, &eb))
		log_event(LOG_LEVEL_ERROR, "error", "http: audit %s %s failed: %s", action,
			  target ? target : "", eb.msg);
}

/* A stranger's failure: one more in its source's row for this minute. */
static void stranger(struct http_ctx *c, const char *action, const char *detail)
{
	struct wq_errbuf eb;
	char src[64];
	wq_errbuf_clear(&eb);
	http_source_of(c->addr, src, sizeof src);
	struct db *db = http_db(c);
	if (!db || anon_fail(db, action, src, detail, &eb))
		log_event(LOG_LEVEL_ERROR, "error", "http: counting %s from %s failed: %s", action,
			  src, eb.msg);
}

enum settle { SETTLE_PAID, SETTLE_ALREADY, SETTLE_NOT_PAID, SETTLE_MISMATCH,
	      SETTLE_GATEWAY, SETTLE_ERROR };

/* Asks the gateway about txn: SETTLE_PAID when it confirms a payment of amount for
 * order (what the callback said is never trusted alone), st filled. */
static enum settle confirm(struct http_ctx *c, const char *order, int64_t amount,
			   const char *txn, struct payment_status *st)
{
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	int rc = payment_confirm(&c->app->cfg, txn, st, &eb);
	if (rc == WQ_ENOTFOUND) {
		char d[120];
		snprintf(d, sizeof d, "%s txn %.64s", order, txn);
		stranger(c, "payment.unknown", d);
		return SETTLE_MISMATCH;
	}
	if (rc)
		return SETTLE_GATEWAY;
	if (strcmp(st->status, "paid"))
		return SETTLE_NOT_PAID;
	if (strcmp(st->order, order) || st->amount_centimes != amount) {
		char d[160];
		snprintf(d, sizeof d, "txn %.64s confirms order %s amount %lld, fee %lld", txn,
			 st->order, (long long)st->amount_centimes, (long long)amount);
		audit(c, "payment.mismatch", order, d);
		return SETTLE_MISMATCH;
	}
	return SETTLE_PAID;
}

/* Confirms txn with the gateway and marks the request paid if it holds. */
static enum settle settle(struct http_ctx *c, const struct request *r, const char *txn)
{
	struct payment_status st;
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	enum settle how = confirm(c, r->tracking, r->fee_centimes, txn, &st);
	if (how != SETTLE_PAID)
		return how;
	int rc;
	int already = 0;
	struct paid_job j = {r->id, txn, st.amount_centimes, &already};
	rc = db_group_run(c->app->group, paid_in_group, &j, &eb);
	if (rc == WQ_OK && already == 2) {
		/* paid twice through two transactions: the second is recorded and owed back */
		char d[256];
		snprintf(d, sizeof d, "second payment %.64s: refund owed", txn);
		audit(c, "payment.duplicate", r->tracking, d);
		return SETTLE_ALREADY;
	}
	if (rc) {
		log_event(LOG_LEVEL_ERROR, "error", "http: request_mark_paid %s: %s",
			  r->tracking, eb.msg);
		return SETTLE_ERROR;
	}
	if (!already)
		log_event(LOG_LEVEL_INFO, "payment", "payment %s confirmed: %s, %lld centimes",
			  txn, r->tracking, (long long)st.amount_centimes);
	return already ? SETTLE_ALREADY : SETTLE_PAID;
}

/* The postage of a re-dispatch (its own order, "<tracking>-P<n>"): confirmed with the
 * gateway like a fee, then recorded apart from the fees; the request goes back to the
 * post desk.  Idempotent on txn; a payment that can send nothing is kept owed back. */
static enum settle settle_postage(struct http_ctx *c, const struct redispatch *d,
				  const char *txn)
{
	struct payment_status st;
	struct wq_errbuf eb;
	enum redispatch_paid how;
	wq_errbuf_clear(&eb);
	enum settle s = confirm(c, d->order_ref, d->fee_centimes, txn, &st);
	if (s != SETTLE_PAID)
		return s;
	struct postage_job j = {d->order_ref, txn, st.amount_centimes, &how};
	int rc = db_group_run(c->app->group, postage_in_group, &j, &eb);
	if (rc) {
		log_event(LOG_LEVEL_ERROR, "error", "http: postage %s of %s: %s", txn, d->order_ref,
			  eb.msg);
		return SETTLE_ERROR;
	}
	if (how == REDISPATCH_OWED_BACK) {
		char m[160];
		snprintf(m, sizeof m, "postage %.64s for %s: nothing to send, owed back", txn,
			 d->order_ref);
		audit(c, "postage.owed_back", d->tracking, m);
	} else if (how == REDISPATCH_SENT) {
		log_event(LOG_LEVEL_INFO, "payment", "postage %s confirmed: %s, %lld centimes; "
			  "%s back to the post desk", txn, d->order_ref,
			  (long long)st.amount_centimes, d->tracking);
	}
	return how == REDISPATCH_SENT ? SETTLE_PAID : SETTLE_ALREADY;
}

static int system_request(struct http_ctx *c, const char *tracking, struct request *r)
{
	struct actor sys;
	struct wq_errbuf eb;
	actor_system(&sys);
	wq_errbuf_clear(&eb);
	struct db *db = http_db(c);
	if (!tracking || !validate_match(c->app->val, "tracking", tracking))
		return WQ_ENOTFOUND;
	return db ? request_get_by_tracking(db, &sys, tracking, r, &eb) : WQ_EIO;
}

/* The order's payment found and recorded: txn when a signed callback announced it, else
 * the gateway is asked what became of the order (step 6: its callback and the return
 * both lost, serve restarting as the card was charged).  postage_order: a re-dispatch's
 * own order, r its request.  On an offload thread. */
static enum settle settle_order(struct http_ctx *c, const struct request *r,
				const char *postage_order, const char *txn)
{
	char found[sizeof ((struct payment_status *)0)->txn];
	if (!txn || !txn[0]) {
		struct payment_status st;
		struct wq_errbuf eb;
		wq_errbuf_clear(&eb);
		if (payment_inquiry(&c->app->cfg, postage_order ? postage_order : r->tracking, &st,
				    &eb))
			return SETTLE_GATEWAY;
		if (strcmp(st.status, "paid"))
			return SETTLE_NOT_PAID;
		snprintf(found, sizeof found, "%s", st.txn);
		txn = found;
	}
	if (!postage_order)
		return settle(c, r, txn);
	struct redispatch d;
	struct wq_errbuf deb;
	wq_errbuf_clear(&deb);
	if (!http_db(c) || redispatch_by_order(http_db(c), postage_order, &d, &deb) ||
	    strcmp(d.tracking, r->tracking))
		return SETTLE_ERROR;
	return settle_postage(c, &d, txn);
}

int pay_find_paid(struct http_ctx *c, struct request *r, const char *postage_order,
		  const char *txn)
{
	enum settle how = settle_order(c, r, postage_order, txn);
	if (how != SETTLE_PAID && how != SETTLE_ALREADY)
		return 0;
	system_request(c, r->tracking, r);
	return 1;
}

static int settle_error(struct http_ctx *c, enum settle how);

/* A paid callback's state while the gateway is asked (c->later). */
struct callback_later {
	int postage;
	struct request r;
	struct redispatch d;
	char txn[72];
	int64_t amount;
	enum settle how;
};
static int callback_settle(struct http_ctx *c, struct wq_errbuf *eb);
static int callback_answer(struct http_ctx *c, int rc, struct wq_errbuf *eb);

int pay_callback(struct http_ctx *c)
{
	const char *txn = http_arg(c, "txn"), *order = http_arg(c, "order"),
		   *amount = http_arg(c, "amount"), *status = http_arg(c, "status"),
		   *ts = http_arg(c, "ts"), *sig = http_arg(c, "sig");
	if (!payment_callback_valid(c->app->cfg.gateway_secret, txn, order, amount, status, ts,
				    sig)) {
		char d[200];
		snprintf(d, sizeof d, "bad signature: order=%.16s txn=%.40s amount=%.20s status=%.12s",
			 order ? order : "", txn ? txn : "", amount ? amount : "",
			 status ? status : "");
		stranger(c, "payment.forged", d);
		return api_error(c, MHD_HTTP_FORBIDDEN, "bad_signature",
				 "callback signature does not verify");
	}
	if (strlen(txn) > 64)
		return api_error(c, MHD_HTTP_BAD_REQUEST, "bad_txn", "txn too long");
	struct request r;
	struct redispatch d;
	struct wq_errbuf deb;
	int postage = redispatch_order_shape(order);
	int rc = postage ? (http_db(c) ? redispatch_by_order(http_db(c), order, &d, &deb) : WQ_EIO)
			 : WQ_OK;
	if (!rc)
		rc = system_request(c, postage ? d.tracking : order, &r);
	if (rc)
		return api_error(c, rc == WQ_ENOTFOUND ? 404 : 500, "unknown_order", order);
	if (strcmp(status, "paid")) {
		audit(c, postage ? "postage.declined" : "payment.declined", r.tracking, txn);
		buf_printf(&c->out, "{\"ok\":true,\"state\":\"%s\"}\n", req_state_name(r.state));
		return api_reply(c, 200);
	}
	/* the gateway is asked off this worker: its other connections go on meanwhile */
	struct callback_later *l = calloc(1, sizeof *l);
	if (!l)
		return api_error(c, 500, "internal", "out of memory");
	free(c->later);
	c->later = l;
	l->postage = postage;
	l->r = r;
	if (postage)
		l->d = d;
	snprintf(l->txn, sizeof l->txn, "%s", txn);
	l->amount = strtoll(amount, NULL, 10);
	return http_offload(c, callback_settle, callback_answer);
}

/* On an offload thread: the gateway's confirmation, and the payment recorded. */
static int callback_settle(struct http_ctx *c, struct wq_errbuf *eb)
{
	struct callback_later *l = c->later;
	(void)eb;
	if (l->postage) {
		l->how = settle_postage(c, &l->d, l->txn);
		return WQ_OK;
	}
	l->how = settle(c, &l->r, l->txn);
	if (l->how == SETTLE_GATEWAY && l->amount == l->r.fee_centimes) {
		/* signed but not confirmable now: kept, so that the citizen's return may ask
		 * again (the return page asks about no other txn) */
		struct wq_errbuf keb;
		wq_errbuf_clear(&keb);
		if (request_payment_seen(http_db(c), l->r.id, l->txn, l->r.fee_centimes, &keb))
			log_event(LOG_LEVEL_ERROR, "error", "http: keeping txn %s of %s: %s", l->txn,
				  l->r.tracking, keb.msg);
	}
	return WQ_OK;
}

/* Back on a worker: the callback's answer. */
static int callback_answer(struct http_ctx *c, int rc, struct wq_errbuf *eb)
{
	struct callback_later *l = c->later;
	if (rc) /* not run: the server is stopping; the gateway calls again */
		return api_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "busy", eb->msg);
	switch (l->how) {
	case SETTLE_PAID:
		buf_puts(&c->out, l->postage ? "{\"ok\":true,\"state\":\"ready\"}\n"
					     : "{\"ok\":true,\"state\":\"paid\"}\n");
		return api_reply(c, 200);
	case SETTLE_ALREADY:
		buf_puts(&c->out, "{\"ok\":true,\"already\":true}\n");
		return api_reply(c, 200);
	default:
		return settle_error(c, l->how);
	}
}

/* The callback's answer when the payment could not be settled now. */
static int settle_error(struct http_ctx *c, enum settle how)
{
	switch (how) {
	case SETTLE_NOT_PAID:
		return api_error(c, MHD_HTTP_CONFLICT, "not_paid",
				 "the gateway does not confirm this payment");
	case SETTLE_MISMATCH:
		return api_error(c, MHD_HTTP_CONFLICT, "mismatch",
				 "the confirmation does not match the order");
	case SETTLE_GATEWAY:
		/* the gateway retries its callback later */
		return api_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "gateway",
				 "cannot confirm with the gateway now");
	default:
		return api_error(c, 500, "internal", "could not record the payment");
	}
}
