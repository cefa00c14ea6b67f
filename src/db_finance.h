/* db_finance.h - shared by the finance side of the data layer only (db_finance.c,
 * db_treasury*.c, db_refund*.c, db_check.c's money rules): the
 * SQL pieces that say what a paid request is and when its fee is earned, so they agree
 * on the money rule of finance.h (db/250's treasury_fees view says it again in SQL),
 * and the scope decision for a commune; and the row of a refund, which db_refund.c and
 * db_postage_refund.c read alike. */
#ifndef WQ_DB_FINANCE_H
#define WQ_DB_FINANCE_H

#include <sqlite3.h>

#include "finance.h"
#include "refund.h"

/* A payment that took the citizen's money (refunds included: they were collected). */
#define FIN_PAID " p.status IN ('confirmed', 'refund_owed', 'refunded')"
/* What a confirmed payment p still holds for the commune: its amount less the
 * refunds of its lines already owed back (an order's line rejected, db/211). */
#define FIN_KEPT                                                                      \
	" (p.amount_centimes - (SELECT coalesce(sum(fk.amount_centimes), 0) FROM refunds fk" \
	" WHERE fk.payment_id = p.id))"
/* The documents exist and are on their way or delivered: the commune has earned the fee.
 * An envelope back from the post (returned, to_collect) is held until it is collected,
 * or destroyed and refunded. */
#define FIN_EARNED " r.state IN ('ready', 'with_post', 'delivered')"
/* Paid, still in the office: earned later, or rejected (refund). */
#define FIN_PROCESSING                                                              \
	" r.state IN ('paid', 'claimed', 'in_production', 'awaiting_signature', 'signed')"

/* A refund f of a fee a batch already distributed (an envelope back from the post,
 * refunded after its fee went to the commune): the commune owes it back, and its next
 * batch takes it back (db/281).  x is the item that distributed it:
 * "FROM" FIN_RECOVER_FROM " WHERE" FIN_RECOVER. */
#define FIN_RECOVER_FROM " refunds f JOIN settlement_items x ON x.request_id = f.request_id"
#define FIN_RECOVER " f.reason = 'returned'"

/* Columns read by fin_row_to_payment(), in its order. */
#define FIN_PAY_COLS                                                                  \
	"p.request_id, p.id, p.confirmed_at, p.amount_centimes, r.tracking, r.doc_type," \
	" r.copies, o.code, p.gateway_ref, p.status, r.state,"                          \
	" coalesce(i.settlement_id, 0), coalesce(s.state, ''),"                        \
	" (SELECT coalesce(sum(fr.amount_centimes), 0) FROM refunds fr WHERE fr.payment_id = p.id),"\
	" (SELECT coalesce(sum(fl.fee_centimes), 0) FROM request_lines fl"                \
	"  WHERE fl.request_id = r.id AND fl.doc_type = 'full_copy'),"                      \
	" (SELECT count(*) FROM request_lines fl WHERE fl.request_id = r.id),"             \
	" coalesce(i.amount_centimes, 0)"
#define FIN_PAY_FROM                                                                  \
	" FROM payments p JOIN requests r ON r.id = p.request_id"                      \
	" JOIN offices o ON o.id = r.office_id"                                        \
	" LEFT JOIN settlement_items i ON i.request_id = r.id"                         \
	" LEFT JOIN settlements s ON s.id = i.settlement_id"

/* The commune the actor may read: finance its own (want 0 or the same), treasury and
 * admin `want` (0: all).  WQ_EDENIED for any other role or commune. */
int fin_scope_commune(const struct actor *a, int64_t want, int64_t *commune,
		      struct wq_errbuf *eb);
/* sql (a static string) prepared with ?1 the commune the actor may read
 * (finance_commune: *commune_id is set to it) and ?2, ?3 the period's bounds; NULL with
 * *rc and eb set when refused or on error. */
sqlite3_stmt *fin_commune_stmt(struct db *db, const struct actor *a, int64_t *commune_id,
			       const char *sql, const struct fin_period *p, int *rc,
			       struct wq_errbuf *eb);
enum fin_bucket fin_bucket_of(enum req_state s, const char *pay_status,
			      const char *settle_state);
/* A db_fill_fn: one FIN_PAY_COLS row into a struct fin_payment. */
void fin_row_to_payment(sqlite3_stmt *st, void *row);
int fin_collect_payments(struct db *db, sqlite3_stmt *st, struct fin_payment **out, int *n,
			 struct wq_errbuf *eb);
/* Every commune asked for (0: all), in code order, with the undistributed fees
 * confirmed in [from, to) summed from the payments (db_treasury.c); empty ones too. */
int treasury_due_read(struct db *db, int64_t commune, int64_t from, int64_t to,
		      struct settle_preview **out, int *n, struct wq_errbuf *eb);

/* A struct refund (refund.h) from a row whose columns are, in order: id, request_id,
 * payment id, amount, idem_key, reason, state, attempts, next_attempt_at, created_at,
 * sent_at, done_at (0 when NULL), last_error, gateway_ref, the payment's txn, then the
 * request's tracking, phone, email, lang (db_refund.c). */
void refund_fill(sqlite3_stmt *st, void *row);
/* The refund's outcome told to the citizen on both channels, inside the caller's
 * transaction (nothing when sms is empty). */
int refund_tell(struct db *db, const struct refund *f, const char *sms, struct wq_errbuf *eb);

#endif
