/* finance.h - the money side: what a commune's paid requests brought in (the revenue
 * collector's view) and the treasury's distribution batches (settlements) that pay it
 * out to the communes.  Every read takes the actor and is narrowed to its commune in
 * SQL (a finance officer passes 0 or his own commune; any other is refused); treasury
 * and admin are national.  Writes (build a batch, mark it transferred) are treasury's,
 * one short transaction each, audited.
 *
 * Money rule, decided here: a request's fee is *earned* by its commune once the
 * documents exist (state ready, with_post or delivered: no rejection is possible after
 * ready).  An envelope the post brought back (returned, to_collect) is held until the
 * citizen collects it (delivered: earned) or it is destroyed (refunded).  Only earned fees are distributed.  A request rejected after
 * payment is never distributed: its fee is a refund owed to the citizen.  A paid request
 * still in the office (paid, claimed, in_production) waits: it enters the first batch
 * built after it is earned, whatever period it was paid in (carry-over), so no fee is
 * ever left out and none is counted twice (settlement_items.request_id is UNIQUE). */
#ifndef WQ_FINANCE_H
#define WQ_FINANCE_H

#include <stdint.h>
#include <stdio.h>

#include "actor.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "lifecycle.h"
#include "limits.h"

/* [from, to) in UTC seconds; built from local (Africa/Casablanca) calendar days. */
struct fin_period {
	int64_t from, to;
};

/* "2026-11" (a month), "2026-11-03" (a day), "2026" (a year) or
 * "2026-11-01..2026-11-15" (days, both included).  WQ_EINVAL with field "period". */
int fin_period_parse(const char *s, struct fin_period *p, struct wq_errbuf *eb);
/* The calendar month holding t, shifted by `months` (-1: the month before). */
void fin_period_month(int64_t t, int months, struct fin_period *p);
/* "2026-11-01..2026-11-30" (last day included). */
void fin_period_label(const struct fin_period *p, char *buf, size_t len);
/* Shortest name: "2026-11" for a whole month, "2026-11-03" for one day, else the label. */
void fin_period_name(const struct fin_period *p, char *buf, size_t len);
/* Local date of t: "2026-11-03" (day) or "2026-11" (month). */
void fin_local_day(int64_t t, char out[11]);

/* Where a paid request's money stands; each paid request is in exactly one. */
enum fin_bucket {
	FB_PROCESSING,	/* paid, the office has not produced the documents yet */
	FB_REFUND,	/* rejected after payment: owed back to the citizen */
	FB_AWAITING,	/* earned, in no batch yet */
	FB_BATCHED,	/* in a batch the treasury built, not transferred yet */
	FB_TRANSFERRED, /* in a batch the treasury transferred to the commune */
	FB_COUNT
};
const char *fin_bucket_name(enum fin_bucket b);

/* One paid request and its payment. */
struct fin_payment {
	int64_t request_id, payment_id;
	int64_t confirmed_at;
	int64_t amount_centimes;
	char tracking[TRACKING_BYTES];
	char doc_type[12];
	int copies;
	char office_code[16];
	char gateway_ref[72];
	char pay_status[16];
	enum req_state state;
	int64_t settlement_id; /* 0: in no batch */
	enum fin_bucket bucket;
	int64_t refunded_centimes; /* refunds of the payment so far (an order's lines) */
	int64_t full_copy_centimes; /* the full copy's line fee, when the order has one */
	int nlines;		    /* the order's documents (db/211) */
	int64_t settled_centimes;   /* what its batch took of it (0: in none) */
	int line_no; /* finance_payment_lines: the order's document, 0 the rest (postage) */
};

/* Revenue of one day or month, by document type ([0] extract, [1] full copy); an order
 * of both counts once under each, each with its line's fee. */
struct fin_revenue_row {
	char key[11]; /* "2026-11-03" or "2026-11" */
	int count[2];
	int64_t centimes[2];
	int refund_count; /* of the above, refunded in whole or in part (a rejected line) */
	int64_t refund_centimes;
};

enum fin_group { FIN_BY_DAY, FIN_BY_MONTH };

/* What the post collected for the commune over the period, split by bucket; also what
 * the treasury's batches hold for the commune, whatever period the requests were paid in. */
struct fin_summary {
	int count[FB_COUNT];
	int64_t centimes[FB_COUNT];
	int collected_count;
	int64_t collected_centimes; /* the sum of the buckets, to the centime */
	int batches_built, batches_transferred;
	/* all time, for the commune: what its batches pay it, less the fees they took
	 * back (refunded after an earlier batch, db/281) */
	int64_t built_centimes, transferred_centimes;
};

/* commune_id: 0 for the actor's own commune (finance); treasury and admin must name one. */
int finance_payments(struct db *db, const struct actor *a, int64_t commune_id,
		     const struct fin_period *p, struct fin_payment **out, int *n,
		     struct wq_errbuf *eb);
/* The same payments, one row per document of the order (db/211): its type, copies and
 * its line's fee (amount_centimes), what of it was refunded (refunded_centimes; its
 * money_status "refund owed" and no batch once refunded), then, when the payment holds
 * more than its lines (the postage abroad), a row "postage" (line_no 0) for the rest.
 * A payment's rows add up to it: the CSV export sums right by document type. */
int finance_payment_lines(struct db *db, const struct actor *a, int64_t commune_id,
			  const struct fin_period *p, struct fin_payment **out, int *n,
			  struct wq_errbuf *eb);
/* Rows in date order, only days/months that have payments. */
int finance_revenue(struct db *db, const struct actor *a, int64_t commune_id,
		    const struct fin_period *p, enum fin_group g, struct fin_revenue_row **out,
		    int *n, struct wq_errbuf *eb);
int finance_summary(struct db *db, const struct actor *a, int64_t commune_id,
		    const struct fin_period *p, struct fin_summary *out, struct wq_errbuf *eb);
/* The commune the actor's reads go to, with its code ("RBT-HASSAN"). */
int finance_commune(struct db *db, const struct actor *a, int64_t commune_id, int64_t *id,
		    char code[16], struct wq_errbuf *eb);

/* CSV of payments (RFC 4180, CRLF, header first, amounts as 20.00, times as local
 * "YYYY-MM-DD HH:MM"): the exact bytes tests compare. */
int finance_csv_write(FILE *f, const struct fin_payment *rows, int n);
/* Writes revenue-<COMMUNE>-<from>_<to>.csv under $WATIQA_PRINT_DIR, else under
 * $WATIQA_PRINT_DIR, else state_dir/export; path_out gets the file's path. */
int finance_export_csv(struct db *db, const struct actor *a, int64_t commune_id,
		       const struct fin_period *p, const struct config *cfg, char *path_out,
		       size_t path_len, struct wq_errbuf *eb);

/* ---- treasury ---- */
/* A commune's earned, not yet distributed fees (what a batch built now would hold). */
struct settle_preview {
	int64_t commune_id;
	char commune_code[16];
	char commune_name[NAME_MAX_BYTES];
	char post_account[40];
	int count;
	int64_t centimes;
	int processing_count; /* paid before the period's end, not earned yet: they wait */
	int64_t processing_centimes;
};

struct settlement {
	int64_t id, commune_id;
	char commune_code[16];
	char post_account[40];
	int64_t period_start, period_end;
	int count;
	int64_t total_centimes;
	char state[12]; /* built | transferred */
	int64_t built_at, transferred_at;
	char built_by[USERNAME_MAX_BYTES], transferred_by[USERNAME_MAX_BYTES];
	char transfer_ref[40];
	/* fees the commune owed back (refunded after an earlier batch), taken back from
	 * this one (db/281): it transfers total_centimes - recovered_centimes */
	int recovered_count;
	int64_t recovered_centimes;
};

/* Per commune (every commune for national actors, one for finance): what a batch for
 * a period ending at p->to would take.  Communes with nothing are left out. */
int treasury_preview(struct db *db, const struct actor *a, const struct fin_period *p,
		     struct settle_preview **out, int *n, struct wq_errbuf *eb);
/* The same, recomputed from the payments themselves (every undistributed fee), not
 * from the running totals treasury_preview adds up (db/250): what the totals must
 * equal; the bench times both. */
int treasury_preview_rows(struct db *db, const struct actor *a, const struct fin_period *p,
			  struct settle_preview **out, int *n, struct wq_errbuf *eb);
/* For db_check: one line to `out` (a FILE *) per commune whose running totals differ
 * from what the payments say, *problems counting them. */
int treasury_due_check(struct db *db, void *out, int *problems, struct wq_errbuf *eb);
/* Builds one batch per commune (commune_id 0: every commune with earned fees) from
 * the earned, undistributed fees paid before p->to.  Treasury only; the period must
 * have ended.  *batches, *items, *total get what was built (0 if nothing was due;
 * *total is what the batches distribute, before what they take back: each batch
 * takes back the fees its commune owes, refunded after an earlier batch, db/281).
 * Each commune's batch is its own short transaction: on an error (or a crash) the
 * batches built before it stand, *batches says how many, and the rest stay due for
 * the next build. */
int treasury_build(struct db *db, const struct actor *a, const struct fin_period *p,
		   int64_t commune_id, int *batches, int *items, int64_t *total,
		   struct wq_errbuf *eb);
/* Newest first; finance sees its commune's, national actors all (commune_id 0) or one. */
int treasury_batches(struct db *db, const struct actor *a, int64_t commune_id,
		     struct settlement **out, int *n, struct wq_errbuf *eb);
int treasury_batch_items(struct db *db, const struct actor *a, int64_t settlement_id,
			 struct fin_payment **out, int *n, struct wq_errbuf *eb);
/* built -> transferred with the bank transfer reference; treasury only. */
int treasury_mark_transferred(struct db *db, const struct actor *a, int64_t settlement_id,
			      const char *transfer_ref, struct wq_errbuf *eb);

#endif
