/* db_finance.c - the data layer behind finance.h's reads for a commune: its payments,
 * revenue by day or month and document type, and where the money stands (processing,
 * refund owed, awaiting a batch, in a batch, transferred).  The commune every query
 * reads is decided from the actor here (finance: its own; treasury, admin: the one
 * named) and bound into the SQL, so no path shows another commune's money.
 * Treasury writes are in db_treasury.c.  Any process with a `struct db`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_finance.h"
#include "finance.h"
#include "util.h"

int fin_scope_commune(const struct actor *a, int64_t want, int64_t *commune,
		      struct wq_errbuf *eb)
{
	switch (a->role) {
	case ROLE_FINANCE:
		if (a->scope != SCOPE_COMMUNE || a->scope_id <= 0)
			return wq_fail(eb, WQ_EDENIED, "scope", "account %s has no commune",
				       a->username);
		if (want && want != a->scope_id)
			return wq_fail(eb, WQ_EDENIED, "commune",
				       "commune: you collect for your own commune only");
		*commune = a->scope_id;
		return WQ_OK;
	case ROLE_TREASURY:
	case ROLE_ADMIN:
		*commune = want; /* national: 0 means every commune where allowed */
		return WQ_OK;
	default:
		return wq_fail(eb, WQ_EDENIED, "role", "the %s role has no access to revenue",
			       role_name(a->role));
	}
}

enum fin_bucket fin_bucket_of(enum req_state s, const char *pay_status,
			      const char *settle_state)
{
	if (s == RS_REJECTED || !strcmp(pay_status, "refund_owed") ||
	    !strcmp(pay_status, "refunded"))
		return FB_REFUND;
	if (!strcmp(settle_state, "transferred"))
		return FB_TRANSFERRED;
	if (settle_state[0])
		return FB_BATCHED;
	if (s == RS_READY || s == RS_WITH_POST || s == RS_DELIVERED)
		return FB_AWAITING;
	return FB_PROCESSING;
}

void fin_row_to_payment(sqlite3_stmt *st, void *row)
{
	struct fin_payment *r = row;
	char state[20], settle[16];
	memset(r, 0, sizeof *r);
	r->request_id = sqlite3_column_int64(st, 0);
	r->payment_id = sqlite3_column_int64(st, 1);
	r->confirmed_at = sqlite3_column_int64(st, 2);
	r->amount_centimes = sqlite3_column_int64(st, 3);
	db_col_text(st, 4, r->tracking, sizeof r->tracking);
	db_col_text(st, 5, r->doc_type, sizeof r->doc_type);
	r->copies = sqlite3_column_int(st, 6);
	db_col_text(st, 7, r->office_code, sizeof r->office_code);
	db_col_text(st, 8, r->gateway_ref, sizeof r->gateway_ref);
	db_col_text(st, 9, r->pay_status, sizeof r->pay_status);
	db_col_text(st, 10, state, sizeof state);
	r->state = req_state_from_name(state);
	r->settlement_id = sqlite3_column_int64(st, 11);
	db_col_text(st, 12, settle, sizeof settle);
	r->refunded_centimes = sqlite3_column_int64(st, 13);
	r->full_copy_centimes = sqlite3_column_int64(st, 14);
	r->nlines = sqlite3_column_int(st, 15);
	r->settled_centimes = sqlite3_column_int64(st, 16);
	r->bucket = fin_bucket_of(r->state, r->pay_status, settle);
}

int fin_collect_payments(struct db *db, sqlite3_stmt *st, struct fin_payment **out, int *n,
			 struct wq_errbuf *eb)
{
	return db_collect(db, st, sizeof **out, fin_row_to_payment, (void **)out, n, eb);
}

static void fill_code(sqlite3_stmt *st, void *code)
{
	db_col_text(st, 0, code, 16);
}

int finance_commune(struct db *db, const struct actor *a, int64_t commune_id, int64_t *id,
		    char code[16], struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT code FROM communes WHERE id = ?1";
	int rc = fin_scope_commune(a, commune_id, id, eb);
	if (rc)
		return rc;
	if (!*id)
		return wq_fail(eb, WQ_EINVAL, "commune", "commune: choose one");
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, *id);
	if ((rc = db_one(db, st, fill_code, code, eb)) != WQ_ENOTFOUND)
		return rc;
	return wq_fail(eb, WQ_ENOTFOUND, "commune", "no commune #%lld", (long long)*id);
}

sqlite3_stmt *fin_commune_stmt(struct db *db, const struct actor *a, int64_t *commune_id,
			       const char *sql, const struct fin_period *p, int *rc,
			       struct wq_errbuf *eb)
{
	char code[16];
	if ((*rc = finance_commune(db, a, *commune_id, commune_id, code, eb)))
		return NULL;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st) {
		*rc = WQ_EIO;
		return NULL;
	}
	sqlite3_bind_int64(st, 1, *commune_id);
	sqlite3_bind_int64(st, 2, p->from);
	sqlite3_bind_int64(st, 3, p->to);
	return st;
}

int finance_payments(struct db *db, const struct actor *a, int64_t commune_id,
		     const struct fin_period *p, struct fin_payment **out, int *n,
		     struct wq_errbuf *eb)
{
	/* ?1 is the commune decided from the actor: the scope filter */
	static const char sql[] = "SELECT " FIN_PAY_COLS FIN_PAY_FROM
				  " WHERE o.commune_id = ?1 AND " FIN_PAID
				  " AND p.confirmed_at >= ?2 AND p.confirmed_at < ?3"
				  " ORDER BY p.confirmed_at, p.id";
	int rc;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = fin_commune_stmt(db, a, &commune_id, sql, p, &rc, eb);
	return st ? fin_collect_payments(db, st, out, n, eb) : rc;
}

static void fill_line(sqlite3_stmt *st, void *row)
{
	struct fin_payment *r = row;
	fin_row_to_payment(st, r);
	r->line_no = sqlite3_column_int(st, 17);
	db_col_text(st, 18, r->doc_type, sizeof r->doc_type);
	r->copies = sqlite3_column_int(st, 19);
	r->amount_centimes = sqlite3_column_int64(st, 20);
	r->refunded_centimes = sqlite3_column_int64(st, 21);
	if (r->refunded_centimes && r->refunded_centimes >= r->amount_centimes) {
		r->bucket = FB_REFUND; /* this document's fee went back: never distributed */
		r->settlement_id = 0;
	}
}

int finance_payment_lines(struct db *db, const struct actor *a, int64_t commune_id,
			  const struct fin_period *p, struct fin_payment **out, int *n,
			  struct wq_errbuf *eb)
{
	/* ?1 the commune decided from the actor (the scope filter).  A refund of the whole
	 * payment (line 0, older orders and second payments) refunds every row of it; the
	 * lines' sum beyond the payment (a second payment of another amount) gives one row */
#define LINES_OF_P "(SELECT coalesce(sum(fl.fee_centimes), 0) FROM request_lines fl" \
		   " WHERE fl.request_id = r.id)"
#define WHOLE_REFUND "EXISTS (SELECT 1 FROM refunds fw WHERE fw.payment_id = p.id" \
		     " AND fw.line_no = 0 AND fw.amount_centimes = p.amount_centimes)"
#define PAID_IN " WHERE o.commune_id = ?1 AND " FIN_PAID \
		" AND p.confirmed_at >= ?2 AND p.confirmed_at < ?3"
	static const char sql[] =
		"SELECT " FIN_PAY_COLS ", l.line_no, l.doc_type, l.copies, l.fee_centimes,"
		" CASE WHEN " WHOLE_REFUND " THEN l.fee_centimes ELSE (SELECT"
		" coalesce(sum(fr.amount_centimes), 0) FROM refunds fr WHERE fr.payment_id = p.id"
		" AND fr.line_no = l.line_no) END, l.line_no AS k" FIN_PAY_FROM
		" JOIN request_lines l ON l.request_id = r.id" PAID_IN
		" AND p.amount_centimes >= " LINES_OF_P
		" UNION ALL SELECT " FIN_PAY_COLS ", 0, 'postage', 0,"
		" p.amount_centimes - " LINES_OF_P ", CASE WHEN " WHOLE_REFUND
		" THEN p.amount_centimes - " LINES_OF_P " ELSE (SELECT"
		" coalesce(sum(fr.amount_centimes), 0) FROM refunds fr WHERE fr.payment_id = p.id"
		" AND fr.line_no = 0) END, 99" FIN_PAY_FROM PAID_IN
		" AND p.amount_centimes > " LINES_OF_P
		" UNION ALL SELECT " FIN_PAY_COLS ", 0, r.doc_type, r.copies, p.amount_centimes,"
		" (SELECT coalesce(sum(fr.amount_centimes), 0) FROM refunds fr"
		" WHERE fr.payment_id = p.id), 0" FIN_PAY_FROM PAID_IN
		" AND p.amount_centimes < " LINES_OF_P
		" ORDER BY 3, 2, 23";
#undef LINES_OF_P
#undef WHOLE_REFUND
#undef PAID_IN
	int rc;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = fin_commune_stmt(db, a, &commune_id, sql, p, &rc, eb);
	return st ? db_collect(db, st, sizeof **out, fill_line, (void **)out, n, eb) : rc;
}

/* Grouping is done here, not in SQL: a local day is not a fixed UTC offset. */
int finance_revenue(struct db *db, const struct actor *a, int64_t commune_id,
		    const struct fin_period *p, enum fin_group g, struct fin_revenue_row **out,
		    int *n, struct wq_errbuf *eb)
{
	struct fin_payment *pay = NULL;
	struct fin_revenue_row *rows = NULL;
	int npay = 0, m = 0;
	int rc = finance_payments(db, a, commune_id, p, &pay, &npay, eb);
	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	rows = calloc((size_t)npay + 1, sizeof *rows);
	if (!rows) {
		free(pay);
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	}
	for (int i = 0; i < npay; i++) {
		char key[11];
		fin_local_day(pay[i].confirmed_at, key);
		if (g == FIN_BY_MONTH)
			key[7] = '\0';
		/* payments come in time order: a new key starts a new row */
		if (m == 0 || strcmp(rows[m - 1].key, key)) {
			memcpy(rows[m].key, key, sizeof key);
			m++;
		}
		struct fin_revenue_row *r = &rows[m - 1];
		int t = strcmp(pay[i].doc_type, "full_copy") == 0;
		int64_t full = pay[i].full_copy_centimes;
		if (pay[i].nlines > 1 && full > 0 && full < pay[i].amount_centimes) {
			/* an extract and a full copy in one order (db/211): each document under
			 * its type, the full copy at its line's fee, the rest (the extract, the
			 * postage abroad) under the extract */
			r->count[0]++;
			r->count[1]++;
			r->centimes[0] += pay[i].amount_centimes - full;
			r->centimes[1] += full;
		} else {
			r->count[t]++;
			r->centimes[t] += pay[i].amount_centimes;
		}
		if (pay[i].bucket == FB_REFUND) {
			r->refund_count++;
			r->refund_centimes += pay[i].amount_centimes;
		} else if (pay[i].refunded_centimes) { /* a line of the order refunded */
			r->refund_count++;
			r->refund_centimes += pay[i].refunded_centimes;
		}
	}
	free(pay);
	*out = rows;
	*n = m;
	return WQ_OK;
}

int finance_summary(struct db *db, const struct actor *a, int64_t commune_id,
		    const struct fin_period *p, struct fin_summary *out, struct wq_errbuf *eb)
{
	/* what the commune received, or is to receive: each batch less the fees it took
	 * back (db/281) */
	static const char sql[] = "SELECT state, count(*), coalesce(sum(total_centimes - (SELECT"
				  " coalesce(sum(k.amount_centimes), 0) FROM settlement_recoveries k"
				  " WHERE k.settlement_id = settlements.id)), 0)"
				  " FROM settlements WHERE commune_id = ?1 GROUP BY state";
	struct fin_payment *pay = NULL;
	char code[16], state[16];
	int npay = 0;
	memset(out, 0, sizeof *out);
	int rc = finance_commune(db, a, commune_id, &commune_id, code, eb);
	if (rc || (rc = finance_payments(db, a, commune_id, p, &pay, &npay, eb)))
		return rc;
	for (int i = 0; i < npay; i++) {
		out->count[pay[i].bucket]++;
		out->centimes[pay[i].bucket] += pay[i].amount_centimes;
		out->collected_count++;
		out->collected_centimes += pay[i].amount_centimes;
	}
	free(pay);
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_text(st, 0, state, sizeof state);
		int c = sqlite3_column_int(st, 1);
		int64_t sum = sqlite3_column_int64(st, 2);
		if (!strcmp(state, "transferred")) {
			out->batches_transferred += c;
			out->transferred_centimes += sum;
		} else {
			out->batches_built += c;
			out->built_centimes += sum;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}
