/* postage_refund.h - a re-dispatch's postage charged with nothing to send for it (paid
 * twice, or paid after the envelope was collected or destroyed) goes back to the card
 * (issue 13, items 1 and 3).  postage_refund_owe() writes the refund row in the
 * transaction that records the payment owed back; the notifier's refund sender
 * (refund.c) sends it through the gateway's refund call as it sends the fees' refunds,
 * with the same money states, an idempotency key per row and the same retries, and the
 * citizen is told.  The rows live apart from the fees' (db/220): postage is the post's
 * money, never the commune's.  SQL in db_postage_refund.c; no screen code. */
#ifndef WQ_POSTAGE_REFUND_H
#define WQ_POSTAGE_REFUND_H

#include <stdint.h>

#include "db.h"
#include "err.h"
#include "refund.h"

/* Inside the caller's transaction: the postage payment postage_payment_id, recorded
 * owed back, gets its refund row (a second call writes nothing more). */
int postage_refund_owe(struct db *db, int64_t postage_payment_id, struct wq_errbuf *eb);

/* The sender's side, as refund.h's for the fees: the rows come back with postage = 1. */
int postage_refund_due(struct db *db, int64_t now, struct refund *out, int max, int *n,
		       struct wq_errbuf *eb);
int postage_refund_mark_sending(struct db *db, int64_t id, int64_t next_at,
				struct wq_errbuf *eb);
int postage_refund_mark_done(struct db *db, int64_t id, const char *gateway_ref,
			     const char *sms, struct wq_errbuf *eb);
int postage_refund_mark_failed(struct db *db, int64_t id, const char *error, const char *sms,
			       struct wq_errbuf *eb);
int postage_refund_mark_retry(struct db *db, int64_t id, const char *error,
			      struct wq_errbuf *eb);

/* The request's latest postage refund (tracking page, API); WQ_ENOTFOUND if none. */
int postage_refund_for_request(struct db *db, int64_t request_id, struct refund *out,
			       struct wq_errbuf *eb);

/* The post's money, apart from the commune's: postage the card paid, what of it is
 * owed back by state.  collected - refunds = kept (postage that paid a re-dispatch). */
struct postage_book {
	int64_t collected, kept, refunds;
	int64_t refunded, refund_pending, refund_failed;
};
int postage_book(struct db *db, struct postage_book *out, struct wq_errbuf *eb);

#endif
