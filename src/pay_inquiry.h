/* pay_inquiry.h - a card payment the server never heard of, found before it is lost
 * (pay_inquiry.c). */
#ifndef WQ_PAY_INQUIRY_H
#define WQ_PAY_INQUIRY_H

#include <stdint.h>

#include "config.h"
#include "db.h"
#include "db_group.h"
#include "redispatch.h"

/* At most this many unpaid orders asked about a minute: a backlog (the gateway down for
 * a day) drains over the next minutes without holding the sender's messages back */
#define PAY_INQUIRY_BATCH 50

/* A payment to record in the group commit, as the gateway confirmed it. */
struct paid_job {
	int64_t id;
	const char *txn;
	int64_t amount_centimes;
	int *already; /* request_mark_paid's: 0 new, 1 the same txn again, 2 a second one */
};
int paid_in_group(struct db *db, void *arg, struct wq_errbuf *eb);

/* A re-dispatch's postage, recorded in the group commit as a fee is. */
struct postage_job {
	const char *order, *txn;
	int64_t amount_centimes;
	enum redispatch_paid *how;
};
int postage_in_group(struct db *db, void *arg, struct wq_errbuf *eb);

/* Asks the gateway (step 6 of payment.h) about each unpaid order old enough to expire,
 * oldest first, and records the payment of any it says was paid, so that it is not
 * expired.  Returns the highest id it has an answer for: the sweep expires none above
 * it (an order the gateway could not be asked about waits for the next minute).  db:
 * the caller's connection for reads; group: where the payments are written (NULL: on
 * db itself). */
int64_t pay_inquiry_unpaid(const struct config *cfg, struct db *db, struct db_group *group);

/* The same for the postage orders of returned envelopes due to be destroyed after
 * keep_seconds: a postage the gateway says was paid sends the envelope again (it is not
 * destroyed).  1 when the gateway answered for each (the envelopes may be destroyed),
 * 0 when it could not be asked (none is destroyed this minute). */
int pay_inquiry_postage(const struct config *cfg, struct db *db, struct db_group *group,
			int64_t keep_seconds);

#endif
