/* db_postage_refund.c - the data layer behind postage_refund.h: the refund row of a
 * postage payment owed back, written in the transaction that records it; the sender's
 * due list and the answers it records (each a short BEGIN IMMEDIATE transaction, the
 * citizen's message queued inside it, as db_refund.c does for the fees); the citizen's
 * view; the post's book for `watiqa check`.  Any process with a `struct db`; never
 * waits on the network (refund.c calls the gateway between these transactions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_finance.h"
#include "postage_refund.h"
#include "util.h"

int postage_refund_owe(struct db *db, int64_t postage_payment_id, struct wq_errbuf *eb)
{
	/* the key names the order and the payment: stable across retries and restarts */
	static const char sql[] =
		"INSERT OR IGNORE INTO postage_refunds (postage_payment_id, request_id,"
		" amount_centimes, idem_key, next_attempt_at, created_at)"
		" SELECT p.id, d.request_id, p.amount_centimes, 'RP-' || d.order_ref || '-' || p.id,"
		" ?3, ?3 FROM postage_payments p JOIN redispatches d ON d.id = p.redispatch_id"
		" WHERE p.id = ?1 AND p.status = 'owed_back'";
	return db_write_its(db, sql, postage_payment_id, NULL, wq_now(), eb);
}

/* refund_fill()'s columns, from the postage's tables (line 0: the postage is no line
 * of the order) */
#define COLS                                                                           \
	"f.id, f.request_id, f.postage_payment_id, f.amount_centimes, f.idem_key,"      \
	" 'postage', f.state, f.attempts, f.next_attempt_at, f.created_at,"              \
	" coalesce(f.sent_at, 0), coalesce(f.done_at, 0), f.last_error, f.gateway_ref,"  \
	" p.gateway_ref, r.tracking, r.phone, r.email, r.lang, 0"                        \
	" FROM postage_refunds f JOIN postage_payments p ON p.id = f.postage_payment_id" \
	" JOIN requests r ON r.id = f.request_id"

static void fill(sqlite3_stmt *st, void *row)
{
	refund_fill(st, row);
	((struct refund *)row)->postage = 1;
}

int postage_refund_due(struct db *db, int64_t now, struct refund *out, int max, int *n,
		       struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " COLS " WHERE f.state IN ('refund_owed', 'refund_sent')"
				  " AND f.next_attempt_at <= ? ORDER BY f.next_attempt_at, f.id LIMIT ?";
	struct refund *rows = NULL;
	int got = 0;
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	int rc = db_collect(db, st, sizeof *rows, fill, (void **)&rows, &got, eb);
	if (rc)
		return rc;
	*n = got < max ? got : max;
	if (*n)
		memcpy(out, rows, (size_t)*n * sizeof *rows);
	free(rows);
	return WQ_OK;
}

int postage_refund_for_request(struct db *db, int64_t request_id, struct refund *out,
			       struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " COLS " WHERE f.request_id = ? ORDER BY f.id DESC"
				  " LIMIT 1";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	int rc = db_one(db, st, fill, out, eb);
	if (rc == WQ_ENOTFOUND)
		return wq_fail(eb, WQ_ENOTFOUND, "refund", "no postage refund for request #%lld",
			       (long long)request_id);
	return rc;
}

int postage_refund_mark_sending(struct db *db, int64_t id, int64_t next_at,
				struct wq_errbuf *eb)
{
	/* now travels as text (?2): the INTEGER column stores it as the number it spells */
	static const char sql[] =
		"UPDATE postage_refunds SET state = 'refund_sent', attempts = attempts + 1,"
		" sent_at = coalesce(sent_at, ?2), next_attempt_at = ?3"
		" WHERE id = ?1 AND state IN ('refund_owed', 'refund_sent')";
	char now[24];
	snprintf(now, sizeof now, "%lld", (long long)wq_now());
	return db_write_its(db, sql, id, now, next_at, eb);
}

int postage_refund_mark_retry(struct db *db, int64_t id, const char *error,
			      struct wq_errbuf *eb)
{
	static const char sql[] = "UPDATE postage_refunds SET last_error = ?2"
				  " WHERE id = ?1 AND state = 'refund_sent'";
	return db_write_its(db, sql, id, error ? error : "", 0, eb);
}

/* refunded (?2 the gateway's refund id) or refused (?2 its reason), at ?3; the citizen
 * told in the same transaction, once: a second answer finds no row to move. */
static int settle(struct db *db, int64_t id, int refunded, const char *text, const char *sms,
		  struct wq_errbuf *eb)
{
	static const char done[] =
		"UPDATE postage_refunds SET state = 'refunded', gateway_ref = ?2, done_at = ?3,"
		" last_error = '' WHERE id = ?1 AND state IN ('refund_owed', 'refund_sent')";
	static const char failed[] =
		"UPDATE postage_refunds SET state = 'refund_failed', last_error = ?2, done_at = ?3"
		" WHERE id = ?1 AND state IN ('refund_owed', 'refund_sent')";
	static const char one[] = "SELECT " COLS " WHERE f.id = ?";
	int rc = db_write_its(db, refunded ? done : failed, id, text ? text : "", wq_now(), eb);
	if (rc || !sqlite3_changes(db_handle(db)))
		return rc;
	struct refund f;
	sqlite3_stmt *st = db_stmt(db, one, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	return (rc = db_one(db, st, fill, &f, eb)) ? rc : refund_tell(db, &f, sms, eb);
}

int postage_refund_mark_done(struct db *db, int64_t id, const char *gateway_ref,
			     const char *sms, struct wq_errbuf *eb)
{
	DB_TX(db, eb, settle(db, id, 1, gateway_ref, sms, eb));
}

int postage_refund_mark_failed(struct db *db, int64_t id, const char *error, const char *sms,
			       struct wq_errbuf *eb)
{
	DB_TX(db, eb, settle(db, id, 0, error, sms, eb));
}

static void fill_book(sqlite3_stmt *st, void *row)
{
	struct postage_book *b = row;
	b->collected = sqlite3_column_int64(st, 0);
	b->kept = sqlite3_column_int64(st, 1);
	b->refunds = sqlite3_column_int64(st, 2);
	b->refunded = sqlite3_column_int64(st, 3);
	b->refund_pending = sqlite3_column_int64(st, 4);
	b->refund_failed = sqlite3_column_int64(st, 5);
}

int postage_book(struct db *db, struct postage_book *out, struct wq_errbuf *eb)
{
#define SUM(from_where) "(SELECT coalesce(sum(amount_centimes), 0) FROM " from_where ")"
	static const char sql[] =
		"SELECT " SUM("postage_payments") ", " SUM("postage_payments WHERE status = 'confirmed'")
		", " SUM("postage_refunds") ", " SUM("postage_refunds WHERE state = 'refunded'")
		", " SUM("postage_refunds WHERE state IN ('refund_owed', 'refund_sent')")
		", " SUM("postage_refunds WHERE state = 'refund_failed'");
#undef SUM
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	return db_one(db, st, fill_book, out, eb);
}
