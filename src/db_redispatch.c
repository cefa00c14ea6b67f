/* db_redispatch.c - the data layer behind redispatch.h: the citizen's corrected address
 * waiting for its postage, and the one transaction that, once the gateway confirmed
 * the postage, records it apart from the fees, keeps the envelope's first registered
 * item (mail_past), writes the new address and moves the request back to ready (the
 * lifecycle's "resend", as the system).  A payment that can send nothing (a second one,
 * or one after the envelope was collected or destroyed) is recorded owed back, never
 * lost, and its refund row written with it (postage_refund.h).  Any process with a `struct db`. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "postage_refund.h"
#include "redispatch.h"
#include "request.h"
#include "util.h"

#define COLS                                                                          \
	"d.id, d.request_id, d.order_ref, r.tracking, d.address, d.postal_code, d.city," \
	" d.fee_centimes, d.state = 'paid', d.created_at, coalesce(d.paid_at, 0)"       \
	" FROM redispatches d JOIN requests r ON r.id = d.request_id"

int redispatch_order_shape(const char *s)
{
	/* W + 10 digits (validate's "tracking" pattern decides the digits), -P, 1 to 3 */
	if (!s || s[0] != 'W')
		return 0;
	size_t i = 1;
	while (isdigit((unsigned char)s[i]))
		i++;
	if (i != 11 || s[i] != '-' || s[i + 1] != 'P')
		return 0;
	size_t n = 0;
	for (i += 2; isdigit((unsigned char)s[i]); i++)
		n++;
	return !s[i] && n >= 1 && n <= 3 && s[13] != '0';
}

static void read_row(sqlite3_stmt *st, struct redispatch *out)
{
	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(st, 0);
	out->request_id = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, out->order_ref, sizeof out->order_ref);
	db_col_text(st, 3, out->tracking, sizeof out->tracking);
	db_col_text(st, 4, out->address, sizeof out->address);
	db_col_text(st, 5, out->postal_code, sizeof out->postal_code);
	db_col_text(st, 6, out->city, sizeof out->city);
	out->fee_centimes = sqlite3_column_int64(st, 7);
	out->paid = sqlite3_column_int(st, 8);
	out->created_at = sqlite3_column_int64(st, 9);
	out->paid_at = sqlite3_column_int64(st, 10);
}

static int one(struct db *db, sqlite3_stmt *st, struct redispatch *out, struct wq_errbuf *eb)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_row(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return WQ_OK;
	return rc == SQLITE_DONE ? wq_fail(eb, WQ_ENOTFOUND, "order", "no such re-dispatch")
				 : db_fail(db, rc, eb);
}

int redispatch_by_order(struct db *db, const char *order_ref, struct redispatch *out,
			struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " COLS " WHERE d.order_ref = ?";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, order_ref);
	return one(db, st, out, eb);
}

int redispatch_unpaid_due(struct db *db, int64_t keep_seconds, struct redispatch *out,
			  int max, int *n, struct wq_errbuf *eb)
{
	/* the envelopes request_destroy_unclaimed would destroy, with a postage order open */
	static const char sql[] = "SELECT " COLS " WHERE d.state = 'pending_payment'"
				  " AND r.state IN ('returned', 'to_collect')"
				  " AND coalesce(r.stage_at, r.updated_at) < ? ORDER BY d.id LIMIT ?";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, wq_now() - keep_seconds);
	sqlite3_bind_int(st, 2, max);
	int rc;
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_row(st, &out[(*n)++]);
	if (*n == max)
		rc = SQLITE_DONE;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

int redispatch_for_request(struct db *db, int64_t request_id, struct redispatch *out,
			   struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " COLS " WHERE d.request_id = ? ORDER BY d.id DESC"
				  " LIMIT 1";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	return one(db, st, out, eb);
}

static int exec_stmt(struct db *db, sqlite3_stmt *st, struct wq_errbuf *eb)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

static int do_open(struct db *db, int64_t request_id, const char *address,
		   const char *postal_code, const char *city, int64_t fee,
		   struct redispatch *out, struct wq_errbuf *eb)
{
	/* the waiting one takes the new address: one order per attempt at paying */
	static const char upd[] =
		"UPDATE redispatches SET address = ?2, postal_code = ?3, city = ?4,"
		" fee_centimes = ?5 WHERE request_id = ?1 AND state = 'pending_payment'";
	static const char ins[] =
		"INSERT INTO redispatches (request_id, order_ref, address, postal_code, city,"
		" fee_centimes, created_at) SELECT ?1, r.tracking || '-P' ||"
		" (1 + (SELECT count(*) FROM redispatches WHERE request_id = ?1)),"
		" ?2, ?3, ?4, ?5, ?6 FROM requests r WHERE r.id = ?1";
	struct actor sys;
	struct request r;
	actor_system(&sys);
	int rc = request_get(db, &sys, request_id, &r, eb);
	if (rc)
		return rc;
	if (r.state != RS_RETURNED)
		return wq_fail(eb, WQ_ECONFLICT, "state", "%s is %s: nothing to send again",
			       r.tracking, req_state_name(r.state));
	/* the same parameters for both: ?6 unused by the update */
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st = db_stmt(db, i ? ins : upd, eb);
		if (!st)
			return WQ_EIO;
		sqlite3_bind_int64(st, 1, request_id);
		db_bind_text(st, 2, address);
		db_bind_text(st, 3, postal_code);
		db_bind_text(st, 4, city);
		sqlite3_bind_int64(st, 5, fee);
		if (i)
			sqlite3_bind_int64(st, 6, wq_now());
		if ((rc = exec_stmt(db, st, eb)))
			return rc;
		if (sqlite3_changes(db_handle(db)) > 0)
			break;
	}
	rc = redispatch_for_request(db, request_id, out, eb);
	if (!rc && out->paid) /* cannot be: a paid one moved the request to ready */
		rc = wq_fail(eb, WQ_ECONFLICT, "state", "%s was sent again already", r.tracking);
	return rc;
}

int redispatch_open(struct db *db, int64_t request_id, const char *address,
		    const char *postal_code, const char *city, int64_t fee,
		    struct redispatch *out, struct wq_errbuf *eb)
{
	if (fee <= 0)
		return wq_fail(eb, WQ_EINVAL, "fee", "the postage must be positive");
	DB_TX(db, eb, do_open(db, request_id, address, postal_code, city, fee, out, eb));
}

/* The envelope's item as it was (code, the address it went to, how it ended) kept in
 * mail_past; the current item made a sealed envelope again, waiting for its new code. */
static int reseal(struct db *db, int64_t request_id, struct wq_errbuf *eb)
{
	static const char keep[] =
		"INSERT INTO mail_past (request_id, code, address, postal_code, city, handed_at,"
		" handed_how, status, closed_at, reason) SELECT m.request_id, m.code, r.address,"
		" r.postal_code, r.city, m.handed_at, m.handed_how, m.status, m.closed_at,"
		" r.reject_reason FROM mail_items m JOIN requests r ON r.id = m.request_id"
		" WHERE m.request_id = ?1 AND m.code IS NOT NULL";
	static const char reset[] =
		"UPDATE mail_items SET code = NULL, sealed_at = ?2, handed_at = NULL,"
		" handed_how = NULL, status = 'sealed', closed_at = NULL WHERE request_id = ?1";
	sqlite3_stmt *st = db_stmt(db, keep, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	int rc = exec_stmt(db, st, eb);
	if (rc || !(st = db_stmt(db, reset, eb)))
		return rc ? rc : WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, wq_now());
	return exec_stmt(db, st, eb);
}

static int do_mark_paid(struct db *db, const char *order_ref, const char *txn, int64_t amount,
			enum redispatch_paid *how, struct wq_errbuf *eb)
{
	static const char known[] = "SELECT 1 FROM postage_payments WHERE gateway_ref = ?";
	static const char pay[] =
		"INSERT INTO postage_payments (redispatch_id, gateway_ref, amount_centimes, status,"
		" confirmed_at) VALUES (?1, ?2, ?3, ?4, ?5)";
	static const char paid[] = "UPDATE redispatches SET state = 'paid', paid_at = ?2"
				   " WHERE id = ?1";
	static const char addr[] = "UPDATE requests SET address = ?2, postal_code = ?3,"
				   " city = ?4, reject_reason = '' WHERE id = ?1";
	struct redispatch d;
	int rc = redispatch_by_order(db, order_ref, &d, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, known, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, txn);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		*how = REDISPATCH_ALREADY;
		return WQ_OK;
	}
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	struct actor sys;
	struct request r;
	actor_system(&sys);
	if ((rc = request_get(db, &sys, d.request_id, &r, eb)))
		return rc;
	*how = !d.paid && r.state == RS_RETURNED ? REDISPATCH_SENT : REDISPATCH_OWED_BACK;
	int64_t now = wq_now();
	if (!(st = db_stmt(db, pay, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, d.id);
	db_bind_text(st, 2, txn);
	sqlite3_bind_int64(st, 3, amount);
	db_bind_text(st, 4, *how == REDISPATCH_SENT ? "confirmed" : "owed_back");
	sqlite3_bind_int64(st, 5, now);
	if ((rc = exec_stmt(db, st, eb)))
		return rc;
	if (*how == REDISPATCH_OWED_BACK) /* back to the card by the refund sender */
		return postage_refund_owe(db, sqlite3_last_insert_rowid(db_handle(db)), eb);
	if (!(st = db_stmt(db, paid, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, d.id);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = exec_stmt(db, st, eb)) || (rc = reseal(db, d.request_id, eb)))
		return rc;
	if (!(st = db_stmt(db, addr, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, d.request_id);
	db_bind_text(st, 2, d.address);
	db_bind_text(st, 3, d.postal_code);
	db_bind_text(st, 4, d.city);
	if ((rc = exec_stmt(db, st, eb)))
		return rc;
	char note[ADDRESS_MAX_BYTES + 120];
	snprintf(note, sizeof note, "postage paid (%s): to %s, %s %s", d.order_ref, d.address,
		 d.postal_code, d.city);
	return request_system_move_in_tx(db, d.request_id, RS_READY, note, eb);
}

int redispatch_mark_paid(struct db *db, const char *order_ref, const char *txn,
			 int64_t amount, enum redispatch_paid *how, struct wq_errbuf *eb)
{
	if (!txn || !*txn || amount <= 0)
		return wq_fail(eb, WQ_EINVAL, "txn", "a postage payment needs its txn and amount");
	DB_TX(db, eb, do_mark_paid(db, order_ref, txn, amount, how, eb));
}
