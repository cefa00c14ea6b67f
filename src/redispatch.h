/* redispatch.h - a returned envelope sent again to a corrected address (issue 13,
 * item 3).  The citizen gives the address and pays the re-dispatch postage
 * (etc/fees.conf resend.postage) through the gateway under an order of its own,
 * "<tracking>-P<n>"; the gateway's confirmed payment moves the request from returned
 * back to ready with the new address, and the post desk hands the same documents over
 * with a new registered-mail code.  Postage is the post's money: it is kept in
 * postage_payments, apart from the commune's fees (db/210_redispatch.sql).  Called by
 * the HTTP threads as the system (the caller checked the citizen's secret code); SQL in
 * db_redispatch.c. */
#ifndef WQ_REDISPATCH_H
#define WQ_REDISPATCH_H

#include <stdint.h>

#include "db.h"
#include "err.h"
#include "limits.h"

#define REDISPATCH_ORDER_BYTES 24

struct redispatch {
	int64_t id, request_id;
	char order_ref[REDISPATCH_ORDER_BYTES]; /* the gateway's order */
	char tracking[TRACKING_BYTES];
	char address[ADDRESS_MAX_BYTES], postal_code[8], city[64];
	int64_t fee_centimes;
	int paid; /* 0: waiting for the postage */
	int64_t created_at, paid_at;
};

/* What a confirmed postage payment did (redispatch_mark_paid). */
enum redispatch_paid {
	REDISPATCH_SENT,      /* the request is ready again, with the new address */
	REDISPATCH_ALREADY,   /* this transaction was recorded before: nothing changed */
	REDISPATCH_OWED_BACK, /* charged, but nothing to send for it: recorded owed back */
};

/* 1 if s has the shape of a postage order ("W123456789X-P1"). */
int redispatch_order_shape(const char *s);
/* The citizen asks for the returned envelope of request_id to go to this address for
 * fee centimes: the waiting re-dispatch (its address replaced) or a new one.
 * WQ_ECONFLICT if the request is not (or no longer) returned. */
int redispatch_open(struct db *db, int64_t request_id, const char *address,
		    const char *postal_code, const char *city, int64_t fee,
		    struct redispatch *out, struct wq_errbuf *eb);
/* The re-dispatch of a gateway order; WQ_ENOTFOUND if none. */
int redispatch_by_order(struct db *db, const char *order_ref, struct redispatch *out,
			struct wq_errbuf *eb);
/* The request's latest re-dispatch; WQ_ENOTFOUND if none. */
int redispatch_for_request(struct db *db, int64_t request_id, struct redispatch *out,
			   struct wq_errbuf *eb);
/* The re-dispatches still waiting for their postage whose envelope is due to be destroyed
 * (returned or to_collect for longer than keep_seconds), oldest first, at most max. */
int redispatch_unpaid_due(struct db *db, int64_t keep_seconds, struct redispatch *out,
			  int max, int *n, struct wq_errbuf *eb);
/* The gateway confirmed txn paying amount for order_ref (the caller checked the amount
 * is the re-dispatch's fee).  One transaction; idempotent on txn. */
int redispatch_mark_paid(struct db *db, const char *order_ref, const char *txn,
			 int64_t amount, enum redispatch_paid *how, struct wq_errbuf *eb);

#endif
