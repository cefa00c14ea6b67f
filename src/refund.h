/* refund.h - money going back to the citizen's card (DESIGN.md, "Money has a way back").
 * A paid request that is rejected or cancelled owes its fee back: refund_owe() writes
 * the refund row in the transaction that moves the request, so the books never
 * disagree.  The web side's notifier thread then calls refund_send_due(), which sends
 * each due refund to the gateway (payment_refund(), libcurl, one idempotency key per
 * refund) and records the answer: refunded, refused (refund_failed, for finance), or
 * no answer (retried with backoff, the same key, until the gateway answers).  The
 * citizen is told by SMS/e-mail through the outbox in the transaction that records the
 * answer.  SQL in db_refund.c; the sending loop in refund.c; no screen code. */
#ifndef WQ_REFUND_H
#define WQ_REFUND_H

#include <stdint.h>
#include <stdio.h>

#include "actor.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "finance.h"

enum refund_state { REFUND_OWED, REFUND_SENT, REFUND_DONE, REFUND_FAILED, REFUND_STATE_COUNT };

struct refund {
	int64_t id, request_id, payment_id;
	int line_no; /* the order's line refunded (db/211); 0: the rest of the payment */
	int64_t amount_centimes;
	char idem_key[48];
	char reason[12]; /* rejected | cancelled | returned | other */
	enum refund_state state;
	int attempts;
	int64_t next_attempt_at, created_at, sent_at, done_at;
	char last_error[200];
	char gateway_ref[64];
	/* for the gateway call and the message */
	char txn[72];
	char tracking[TRACKING_BYTES];
	char phone[24], email[128], lang[3];
	int postage; /* 0: a fee (refunds); 1: a re-dispatch's postage (postage_refund.h) */
};

const char *refund_state_name(enum refund_state s); /* "refund_owed" ... */
/* For people: "remboursement en cours" ... (lang "ar", "fr", else English). */
const char *refund_state_label(enum refund_state s, const char *lang);
enum refund_state refund_state_from_name(const char *s); /* REFUND_OWED if unknown */

/* Inside the caller's transaction: what request_id's confirmed payment still holds is
 * owed back (reason: rejected, cancelled...): one refund row per line not refunded yet,
 * and one for the rest (the postage abroad); the payment becomes refund_owed.  Nothing
 * when the request has no confirmed payment (already owed, or never paid). */
int refund_owe(struct db *db, int64_t request_id, const char *reason, struct wq_errbuf *eb);
/* Inside the caller's transaction: line line_no's fee alone is owed back (one line of
 * an order rejected); the payment stays confirmed for the rest.  A line already
 * refunded writes nothing more. */
int refund_owe_line(struct db *db, int64_t request_id, int line_no, const char *reason,
		    struct wq_errbuf *eb);

/* Inside the caller's transaction: a payment `ref` of `amount` for a request already
 * paid through another is recorded as refund_owed, with its refund row (reason other).
 * A second call for the same ref writes nothing more. */
int refund_owe_duplicate(struct db *db, int64_t request_id, const char *ref, int64_t amount,
			 struct wq_errbuf *eb);

/* The request's refund for the citizen's tracking page and the API (the caller has
 * checked the secret code).  WQ_ENOTFOUND when nothing is owed. */
int refund_for_request(struct db *db, int64_t request_id, struct refund *out,
		       struct wq_errbuf *eb);

/* Every refund of the request, oldest first (a line's, the rest's, a second
 * payment's): *out malloc'd. */
int refund_list(struct db *db, int64_t request_id, struct refund **out, int *n,
		struct wq_errbuf *eb);

/* ---- the sender (notifier thread) ---- */
/* Refunds due at `now` (owed, or sent without an answer), oldest first, at most max. */
int refund_due(struct db *db, int64_t now, struct refund *out, int max, int *n,
	       struct wq_errbuf *eb);
/* owed/sent -> sent, one more attempt, next try at next_at: written before the call,
 * so that a crash during it leaves a row that is sent again (with the same key). */
int refund_mark_sending(struct db *db, int64_t id, int64_t next_at, struct wq_errbuf *eb);
/* The gateway answered: refunded (payment refunded too) or refused (refund_failed);
 * the citizen's message is queued in the same transaction.  A second call changes
 * nothing. */
int refund_mark_done(struct db *db, int64_t id, const char *gateway_ref, const char *sms,
		     struct wq_errbuf *eb);
int refund_mark_failed(struct db *db, int64_t id, const char *error, const char *sms,
		       struct wq_errbuf *eb);
/* No answer (timeout, 5xx): the error is kept, the row stays due at next_at. */
int refund_mark_retry(struct db *db, int64_t id, const char *error, struct wq_errbuf *eb);
/* Sends what is due through cfg's gateway; *sent gets how many calls were made.  The
 * marks go into group g's commits (NULL: each its own, on db).  Returns 1 if a full
 * batch was due (more may be waiting). */
struct db_group;
int refund_send_due(struct db *db, struct db_group *g, const struct config *cfg, int *sent);
/* The citizen's message for a refund's outcome, in the request's language. */
void refund_message(const struct refund *r, int refunded, char *out, size_t len);
/* ... and for the refunds owed by one event (an order's lines, db/280), once all are
 * settled: `refunded` came back to the card, the card refused `refused` (either 0). */
void refund_group_message(const struct refund *r, int64_t refunded, int64_t refused,
			  char *out, size_t len);
/* ... and for a refused refund that finance paid by a bank transfer (its reference). */
void refund_transfer_message(const struct refund *r, const char *ref, char *out, size_t len);

/* ---- finance ---- */
/* Refunds of one local day, by what happened that day. */
struct fin_refund_day {
	char day[11];
	int owed_count;	   /* became owed that day (rejection, cancellation) */
	int64_t owed_centimes;
	int refunded_count; /* paid back that day */
	int64_t refunded_centimes;
	int failed_count; /* refused by the card that day */
	int64_t failed_centimes;
};
/* Where the commune's refunds stand now, whatever the period. */
struct fin_refund_totals {
	int count[REFUND_STATE_COUNT];
	int64_t centimes[REFUND_STATE_COUNT];
};
/* Day by day over p for the commune the actor may read (finance.h's scope rule);
 * totals (may be NULL) get the states of all the commune's refunds. */
int finance_refunds(struct db *db, const struct actor *a, int64_t commune_id,
		    const struct fin_period *p, struct fin_refund_day **out, int *n,
		    struct fin_refund_totals *totals, struct wq_errbuf *eb);

/* The whole book, for `watiqa check`: card payments that took money, refunds
 * (any state: owed money is already the citizen's), fees distributed in batches, fees
 * still due (confirmed, in no batch), and refunds of fees already distributed (an
 * envelope destroyed after its fee went to the commune: to recover from it), of which
 * `recovered` the commune's later batches took back (db/281).
 * collected - refunds = distributed + due - recover, that is
 * collected - refunds = (distributed - recovered) + due - (recover - recovered):
 * what the communes kept, what is still due, what they still owe back. */
struct money_book {
	int64_t collected, refunds, distributed, due, recover, recovered;
	int64_t refunded, refund_pending, refund_failed; /* refunds split by state */
};
int refund_book(struct db *db, struct money_book *out, struct wq_errbuf *eb);

#endif
