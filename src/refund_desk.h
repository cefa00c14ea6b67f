/* refund_desk.h - finance acts on the refunds that did not go through, and sees the
 * money to recover from communes (issue 13, item 1: refund_failed surfaced to finance).
 * A refund the card refused (fees and postage alike, refund.h, postage_refund.h) is
 * listed with the gateway's reason; finance sends it again (the same idempotency key,
 * so the gateway can never pay it twice) or records that the citizen was paid by other
 * means (a bank transfer's reference): each one transaction, audited.  A fee refunded
 * after it was distributed to a commune (an envelope destroyed after the treasury's
 * batch) is listed per commune: money the commune must give back, which its next batch
 * takes back (db_treasury.c, db/281).  Scope as finance.h:
 * a finance officer his commune, the treasury any.  SQL in db_refund_desk.c. */
#ifndef WQ_REFUND_DESK_H
#define WQ_REFUND_DESK_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "limits.h"

#define TRANSFER_REF_MAX 39

struct failed_refund {
	int postage; /* 0 a fee (refunds), 1 postage paid in excess (postage_refunds) */
	int64_t id, request_id;
	char tracking[TRACKING_BYTES], idem_key[48], office_code[16];
	int64_t amount_centimes, failed_at;
	int attempts;
	char reason[200]; /* what the gateway said */
	char citizen[130], phone[24];
};

/* Refused refunds of commune_id (0: the actor's own, or every commune for the
 * treasury), oldest refusal first; *out malloc'd. */
int refund_desk_failed(struct db *db, const struct actor *a, int64_t commune_id,
		       struct failed_refund **out, int *n, struct wq_errbuf *eb);
/* The refused refund `id` of the book (postage 0/1) is due again now, with its key.
 * WQ_ENOTFOUND outside the actor's commune, WQ_ECONFLICT if it is not refused (any
 * more).  Finance and treasury only. */
int refund_desk_retry(struct db *db, const struct actor *a, int postage, int64_t id,
		      struct wq_errbuf *eb);
/* The refused refund was paid by a transfer whose reference is ref: refunded, never
 * sent again.  WQ_EINVAL naming "transfer_ref" for a bad reference, nothing changed. */
int refund_desk_transfer(struct db *db, const struct actor *a, int postage, int64_t id,
			 const char *ref, struct wq_errbuf *eb);
/* 1 if ref may be a transfer reference, as the treasury's batches take them: 4 to
 * TRANSFER_REF_MAX letters, digits, '/', '.', '_' or '-', starting with a letter or
 * digit. */
int refund_desk_ref_ok(const char *ref);

/* Fees refunded after they were distributed, per commune that received them: count,
 * centimes and oldest_at are what is still to recover; the commune's next batch takes
 * them back (db/281), recovered_centimes what its batches took back already. */
struct commune_recover {
	int64_t commune_id;
	char code[16], name[96];
	int count;
	int64_t centimes, transferred_centimes; /* of which the batch was already paid */
	int64_t oldest_at;
	int64_t recovered_centimes;
};
int refund_desk_recover(struct db *db, const struct actor *a, int64_t commune_id,
			struct commune_recover **out, int *n, struct wq_errbuf *eb);

#endif
