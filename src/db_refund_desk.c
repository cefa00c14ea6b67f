/* db_refund_desk.c - the data layer behind refund_desk.h: finance's list of refused
 * refunds from both books (the fees' `refunds`, the postage's `postage_refunds`), the
 * two things finance may do with one (send it again with its own key, or record a
 * transfer, the citizen told), each a BEGIN IMMEDIATE transaction re-checking the
 * account and audited,
 * and the fees to recover per commune.  The commune an actor may act on is decided by
 * fin_scope_commune, as for every finance read.  Any process with a `struct db`. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_finance.h"
#include "outbox.h"
#include "refund.h"
#include "refund_desk.h"
#include "util.h"

/* A refused refund of table T (kind K: 0 fees, 1 postage), within commune ?1 (0: all). */
#define FAILED(T, K)                                                                  \
	"SELECT " #K ", f.id, f.request_id, r.tracking, f.idem_key, o.code,"           \
	" f.amount_centimes, coalesce(f.done_at, 0), f.attempts, f.last_error,"         \
	" r.first_name_lat || ' ' || r.last_name_lat, r.phone FROM " T " f"             \
	" JOIN requests r ON r.id = f.request_id JOIN offices o ON o.id = r.office_id"  \
	" WHERE f.state = 'refund_failed' AND (?1 = 0 OR o.commune_id = ?1)"

static void fill_failed(sqlite3_stmt *st, void *row)
{
	struct failed_refund *f = row;
	memset(f, 0, sizeof *f);
	f->postage = sqlite3_column_int(st, 0);
	f->id = sqlite3_column_int64(st, 1);
	f->request_id = sqlite3_column_int64(st, 2);
	db_col_text(st, 3, f->tracking, sizeof f->tracking);
	db_col_text(st, 4, f->idem_key, sizeof f->idem_key);
	db_col_text(st, 5, f->office_code, sizeof f->office_code);
	f->amount_centimes = sqlite3_column_int64(st, 6);
	f->failed_at = sqlite3_column_int64(st, 7);
	f->attempts = sqlite3_column_int(st, 8);
	db_col_text(st, 9, f->reason, sizeof f->reason);
	db_col_text(st, 10, f->citizen, sizeof f->citizen);
	db_col_text(st, 11, f->phone, sizeof f->phone);
}

int refund_desk_failed(struct db *db, const struct actor *a, int64_t commune_id,
		       struct failed_refund **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = FAILED("refunds", 0) " UNION ALL "
		FAILED("postage_refunds", 1) " ORDER BY 8, 2";
	int64_t commune;
	*out = NULL;
	*n = 0;
	int rc = fin_scope_commune(a, commune_id, &commune, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune);
	return db_collect(db, st, sizeof **out, fill_failed, (void **)out, n, eb);
}

int refund_desk_ref_ok(const char *ref)
{
	size_t n = ref ? strlen(ref) : 0;
	if (n < 4 || n > TRANSFER_REF_MAX || !isalnum((unsigned char)ref[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)ref[i]) && !strchr("/._-", ref[i]))
			return 0;
	return 1;
}

/* The statements of one book: [0] the fees, [1] the postage. */
#define ROW(T)                                                                        \
	"SELECT f.idem_key, r.tracking, f.amount_centimes, f.state, f.last_error,"     \
	" o.commune_id, f.request_id, r.phone, r.email, r.lang"                        \
	" FROM " T " f JOIN requests r ON r.id = f.request_id"                          \
	" JOIN offices o ON o.id = r.office_id WHERE f.id = ?"
#define RETRY(T)                                                                      \
	"UPDATE " T " SET state = 'refund_owed', next_attempt_at = ?3, done_at = NULL"  \
	" WHERE id = ?1 AND state = 'refund_failed'"
#define TRANSFER(T)                                                                   \
	"UPDATE " T " SET state = 'refunded', transfer_ref = ?2, done_at = ?3,"         \
	" settled_by = ?4 WHERE id = ?1 AND state = 'refund_failed'"
static const char *const row_sql[2] = {ROW("refunds"), ROW("postage_refunds")};

struct desk_row {
	char idem_key[48], tracking[TRACKING_BYTES], state[20], error[200];
	int64_t amount, commune_id;
	struct refund citizen; /* whom to tell, in which language */
};

static void fill_row(sqlite3_stmt *st, void *out)
{
	struct desk_row *r = out;
	db_col_text(st, 0, r->idem_key, sizeof r->idem_key);
	db_col_text(st, 1, r->tracking, sizeof r->tracking);
	r->amount = sqlite3_column_int64(st, 2);
	db_col_text(st, 3, r->state, sizeof r->state);
	db_col_text(st, 4, r->error, sizeof r->error);
	r->commune_id = sqlite3_column_int64(st, 5);
	memset(&r->citizen, 0, sizeof r->citizen);
	r->citizen.request_id = sqlite3_column_int64(st, 6);
	db_col_text(st, 7, r->citizen.phone, sizeof r->citizen.phone);
	db_col_text(st, 8, r->citizen.email, sizeof r->citizen.email);
	db_col_text(st, 9, r->citizen.lang, sizeof r->citizen.lang);
	wq_strlcpy(r->citizen.tracking, r->tracking, sizeof r->citizen.tracking);
	r->citizen.amount_centimes = r->amount;
}

/* The refused refund the actor may act on, read inside the transaction. */
static int desk_row(struct db *db, const struct actor *a, int postage, int64_t id,
		    struct desk_row *r, struct wq_errbuf *eb)
{
	int64_t commune;
	int rc;
	if (a->role != ROLE_FINANCE && a->role != ROLE_TREASURY)
		return wq_fail(eb, WQ_EDENIED, "role", "the %s role does not settle refunds",
			       role_name(a->role));
	if ((rc = fin_scope_commune(a, 0, &commune, eb)))
		return rc;
	sqlite3_stmt *st = db_stmt(db, row_sql[postage != 0], eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	rc = db_one(db, st, fill_row, r, eb);
	if (rc == WQ_ENOTFOUND || (!rc && commune && r->commune_id != commune))
		return wq_fail(eb, WQ_ENOTFOUND, "refund", "no refund #%lld in your commune",
			       (long long)id);
	if (!rc && strcmp(r->state, "refund_failed"))
		return wq_fail(eb, WQ_ECONFLICT, "state",
			       "the refund of %s is %s: only a refused refund is settled here",
			       r->tracking, r->state);
	return rc;
}

static int do_retry(struct db *db, const struct actor *a, int postage, int64_t id,
		    struct wq_errbuf *eb)
{
	static const char *const sql[2] = {RETRY("refunds"), RETRY("postage_refunds")};
	struct desk_row r;
	char detail[320], amount[24];
	/* sent again, it is an event of its own: its outcome told alone (db/280) */
	static const char alone[] =
		"UPDATE refunds SET owed_group = g.next FROM (SELECT coalesce(max(owed_group), 0)"
		" + 1 AS next FROM refunds) g WHERE refunds.id = ?1";
	int rc = desk_row(db, a, postage, id, &r, eb);
	if (rc || (rc = db_write_its(db, sql[postage != 0], id, "", wq_now(), eb)) ||
	    (!postage && (rc = db_write_its(db, alone, id, NULL, 0, eb))))
		return rc;
	wq_fmt_money(r.amount, amount, sizeof amount);
	snprintf(detail, sizeof detail, "%s %s %s MAD sent again (refused: %.200s)",
		 postage ? "postage" : "fee", r.tracking, amount, r.error);
	return db_audit_append(db, a->user_id, a->username, "refund.retry", r.idem_key, detail,
			       "", eb);
}

int refund_desk_retry(struct db *db, const struct actor *a, int postage, int64_t id,
		      struct wq_errbuf *eb)
{
	DB_TX_AS(db, a, eb, do_retry(db, a, postage, id, eb));
}

static int do_transfer(struct db *db, const struct actor *a, int postage, int64_t id,
		       const char *ref, struct wq_errbuf *eb)
{
	static const char *const sql[2] = {TRANSFER("refunds"), TRANSFER("postage_refunds")};
	/* the fee's payment follows its refund (db/150): refunded */
	static const char pay[] = "UPDATE payments SET status = 'refunded' WHERE id ="
				  " (SELECT payment_id FROM refunds WHERE id = ?1)"
				  " AND status = 'refund_owed'";
	struct desk_row r;
	char detail[320], amount[24];
	int rc = desk_row(db, a, postage, id, &r, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql[postage != 0], eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, ref);
	sqlite3_bind_int64(st, 3, wq_now());
	sqlite3_bind_int64(st, 4, a->user_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (!postage && (rc = db_write_its(db, pay, id, NULL, 0, eb)))
		return rc;
	/* the citizen learns where the money went, in the transaction that records it */
	char sms[OUTBOX_BODY_BYTES];
	r.citizen.postage = postage;
	refund_transfer_message(&r.citizen, ref, sms, sizeof sms);
	if ((rc = refund_tell(db, &r.citizen, sms, eb)))
		return rc;
	wq_fmt_money(r.amount, amount, sizeof amount);
	snprintf(detail, sizeof detail, "%s %s %s MAD paid by transfer %s (card refused: %.200s)",
		 postage ? "postage" : "fee", r.tracking, amount, ref, r.error);
	return db_audit_append(db, a->user_id, a->username, "refund.transfer", r.idem_key,
			       detail, "", eb);
}

int refund_desk_transfer(struct db *db, const struct actor *a, int postage, int64_t id,
			 const char *ref, struct wq_errbuf *eb)
{
	if (!refund_desk_ref_ok(ref))
		return wq_fail(eb, WQ_EINVAL, "transfer_ref",
			       "transfer reference: 4 to %d letters, digits, / . _ -"
			       " (the bank's reference of the transfer)",
			       TRANSFER_REF_MAX);
	DB_TX_AS(db, a, eb, do_transfer(db, a, postage, id, ref, eb));
}

static void fill_recover(sqlite3_stmt *st, void *row)
{
	struct commune_recover *c = row;
	memset(c, 0, sizeof *c);
	c->commune_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, c->code, sizeof c->code);
	db_col_text(st, 2, c->name, sizeof c->name);
	c->count = sqlite3_column_int(st, 3);
	c->centimes = sqlite3_column_int64(st, 4);
	c->transferred_centimes = sqlite3_column_int64(st, 5);
	c->oldest_at = sqlite3_column_int64(st, 6);
	c->recovered_centimes = sqlite3_column_int64(st, 7);
}

int refund_desk_recover(struct db *db, const struct actor *a, int64_t commune_id,
			struct commune_recover **out, int *n, struct wq_errbuf *eb)
{
	/* refund_book's `recover`, per commune that received the fee in a batch: what is
	 * still to recover, and what its later batches took back (db/281) */
	static const char sql[] =
		"SELECT s.commune_id, c.code, c.name_fr, sum(k.id IS NULL),"
		" sum(CASE WHEN k.id IS NULL THEN f.amount_centimes ELSE 0 END),"
		" sum(CASE WHEN k.id IS NULL AND s.state = 'transferred' THEN f.amount_centimes"
		" ELSE 0 END), coalesce(min(CASE WHEN k.id IS NULL THEN f.created_at END), 0),"
		" coalesce(sum(k.amount_centimes), 0) FROM" FIN_RECOVER_FROM
		" JOIN settlements s ON s.id = x.settlement_id JOIN communes c ON c.id = s.commune_id"
		" LEFT JOIN settlement_recoveries k ON k.refund_id = f.id"
		" WHERE" FIN_RECOVER " AND (?1 = 0 OR s.commune_id = ?1)"
		" GROUP BY s.commune_id ORDER BY 5 DESC, 2";
	int64_t commune;
	*out = NULL;
	*n = 0;
	int rc = fin_scope_commune(a, commune_id, &commune, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune);
	return db_collect(db, st, sizeof **out, fill_recover, (void **)out, n, eb);
}
