/* payment.h - the card payment gateway protocol, both sides of it: what our server signs
 * and checks (http_payment.c) and what the sandbox gateway checks and signs (sandbox.c).
 *
 * Protocol (all amounts in centimes, MAD; sig = hex HMAC-SHA256 with the shared
 * gateway_secret over the fields joined by '|', led by the message kind):
 *  1. Checkout (browser, redirected by us):
 *     GET {gateway}/pay?merchant&order&amount&currency=MAD&return&callback&ts&sig
 *     sig over "checkout|merchant|order|amount|currency|return|callback|ts".
 *  2. Callback (gateway -> us, server to server, once the card is charged or declined):
 *     POST {callback} form: txn&order&amount&status(paid|declined)&ts&sig
 *     sig over "callback|txn|order|amount|status|ts".  A bad sig is refused (403) and
 *     audited; a good one is never trusted alone: step 3 confirms it.
 *  3. Confirmation (us -> gateway, libcurl):
 *     GET {gateway}/api/txn?merchant&txn&ts&sig, sig over "confirm|merchant|txn|ts"
 *     -> 200 {"txn":..,"order":..,"amount":N,"status":"paid|declined|pending"}.
 *     Only status paid, the same order and the exact fee mark the request paid
 *     (request_mark_paid, idempotent on txn).
 *  4. Return (browser, redirected by the gateway): GET {return}?order&txn&status,
 *     unsigned: we show what our database says, confirming with step 3 if the
 *     callback has not arrived yet.
 *  5. Refund (us -> gateway, libcurl, src/refund.c):
 *     POST {gateway}/api/refund form: merchant&txn&amount&key&ts&sig,
 *     sig over "refund|merchant|txn|amount|key|ts"; key is our idempotency key, one per
 *     refund, the same on every try: the gateway refunds a key once and answers a
 *     repeated key with the refund it made.
 *     -> 200 {"refund":..,"txn":..,"amount":N,"key":..,"status":"refunded"}
 *     -> 402 {"status":"refused","error":..} the card or issuer refuses (final),
 *        404 unknown txn, 409 more than what is left of the payment (final);
 *     anything else (5xx, no answer in time) is tried again later.
 *  6. Inquiry (us -> gateway, libcurl): what became of an order whose callback and
 *     return may both have been lost (serve restarting as the card was charged):
 *     GET {gateway}/api/order?merchant&order&ts&sig, sig over "inquiry|merchant|order|ts"
 *     -> 200 {"order":..,"txn":..,"amount":N,"status":"paid"}, its first paid txn, or
 *        {"order":..,"status":"none"} when none was paid (never tried, declined,
 *        still pending).  Asked before an unpaid order is expired (notify.c) and by
 *        the citizen's "pay again" (http_payment.c), so that neither expires nor
 *        charges again an order the card has paid. */
#ifndef WQ_PAYMENT_H
#define WQ_PAYMENT_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "http_buf.h"

#define PAYMENT_CONFIRM_TIMEOUT_MS 5000
#define PAYMENT_REFUND_TIMEOUT_MS 5000

struct payment_status {
	char txn[65];
	char order[24];
	int64_t amount_centimes;
	char status[16]; /* paid | declined | pending */
};

/* HMAC over parts joined by '|'. */
void payment_sign(const char *secret, const char *const *parts, int n, char out[65]);
/* Constant-time comparison of two signatures. */
int payment_sig_equal(const char *a, const char *b);
/* Appends the checkout URL for an order to url. */
void payment_checkout_url(const struct config *cfg, const char *order, int64_t amount,
			  const char *return_url, const char *callback_url, int64_t ts,
			  struct buf *url);
/* Checks a callback's fields; 1 if the signature is right. */
int payment_callback_valid(const char *secret, const char *txn, const char *order,
			   const char *amount, const char *status, const char *ts,
			   const char *sig);
/* Step 3 with libcurl: WQ_OK and st filled, WQ_ENOTFOUND for an unknown txn,
 * WQ_EGATEWAY when the gateway is down, slow or answers nonsense. */
int payment_confirm(const struct config *cfg, const char *txn, struct payment_status *st,
		    struct wq_errbuf *eb);
/* Step 6: WQ_OK and st filled (status "paid" with its txn and amount, or "none"),
 * WQ_EGATEWAY when the gateway is down, slow or answers nonsense. */
int payment_inquiry(const struct config *cfg, const char *order, struct payment_status *st,
		    struct wq_errbuf *eb);
/* Step 5: WQ_OK with ref (the gateway's refund id, ref_len bytes) when refunded;
 * WQ_EDENIED when the gateway refuses for good (eb says why); WQ_EGATEWAY when it did
 * not answer or answered nonsense (try again, with the same key). */
int payment_refund(const struct config *cfg, const char *txn, int64_t amount,
		   const char *key, char *ref, size_t ref_len, struct wq_errbuf *eb);
/* A JSON string or number field of a flat object ("" / -1 when absent). */
void payment_json_str(const char *json, const char *key, char *out, size_t len);
int64_t payment_json_int(const char *json, const char *key);

#endif
