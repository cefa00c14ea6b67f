/* db_treasury.c - the data layer behind finance.h's treasury part: what each commune
 * is due, building the distribution batches (settlements) and marking them
 * transferred.  A build is one BEGIN IMMEDIATE transaction: it picks the earned fees
 * in no batch, writes one settlement per commune and its items, recomputes the totals
 * from the items it wrote (so a batch always reconciles to the centime), and audits
 * each batch.  settlement_items.request_id is UNIQUE: a fee is never paid out twice,
 * even if two treasury officers build at the same moment.  Any process with a db. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_finance.h"
#include "finance.h"
#include "util.h"

/* The fees of a commune (?1, 0: all) that a batch ending at ?2 takes. */
#define DUE_JOIN                                                                     \
	" FROM payments p JOIN requests r ON r.id = p.request_id"                     \
	" JOIN offices o ON o.id = r.office_id"
#define DUE_WHERE                                                                    \
	" WHERE p.status = 'confirmed' AND p.confirmed_at < ?2"                       \
	" AND (?1 = 0 OR o.commune_id = ?1)"                                          \
	" AND NOT EXISTS (SELECT 1 FROM settlement_items x WHERE x.request_id = r.id)"

static void fill_preview(sqlite3_stmt *st, void *row)
{
	struct settle_preview *s = row;
	memset(s, 0, sizeof *s);
	s->commune_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, s->commune_code, sizeof s->commune_code);
	db_col_text(st, 2, s->commune_name, sizeof s->commune_name);
	db_col_text(st, 3, s->post_account, sizeof s->post_account);
	s->count = sqlite3_column_int(st, 4);
	s->centimes = sqlite3_column_int64(st, 5);
	s->processing_count = sqlite3_column_int(st, 6);
	s->processing_centimes = sqlite3_column_int64(st, 7);
}

int treasury_preview(struct db *db, const struct actor *a, const struct fin_period *p,
		     struct settle_preview **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT c.id, c.code, c.name_fr, c.post_account,"
		" sum(CASE WHEN" FIN_EARNED " THEN 1 ELSE 0 END),"
		" sum(CASE WHEN" FIN_EARNED " THEN p.amount_centimes ELSE 0 END),"
		" sum(CASE WHEN" FIN_PROCESSING " THEN 1 ELSE 0 END),"
		" sum(CASE WHEN" FIN_PROCESSING " THEN p.amount_centimes ELSE 0 END)"
		DUE_JOIN " JOIN communes c ON c.id = o.commune_id"
		DUE_WHERE " AND (" FIN_EARNED " OR" FIN_PROCESSING ")"
		" GROUP BY o.commune_id ORDER BY c.code";
	int64_t commune;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = fin_scope_commune(a, 0, &commune, eb)))
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune);
	sqlite3_bind_int64(st, 2, p->to);
	return db_collect(db, st, sizeof **out, fill_preview, (void **)out, n, eb);
}

/* One batch for one commune, inside the open transaction. */
static int build_one(struct db *db, const struct actor *a, const struct fin_period *p,
		     int64_t commune, const char *code, int *items, int64_t *total,
		     struct wq_errbuf *eb)
{
	static const char ins[] =
		"INSERT INTO settlements (commune_id, period_start, period_end, request_count,"
		" total_centimes, state, built_at, built_by) VALUES (?1, ?2, ?3, 0, 0, 'built',"
		" ?4, nullif(?5, 0))";
	static const char items_sql[] =
		"INSERT INTO settlement_items (settlement_id, request_id, amount_centimes)"
		" SELECT ?3, r.id, p.amount_centimes" DUE_JOIN DUE_WHERE " AND" FIN_EARNED
		" ORDER BY p.confirmed_at, p.id";
	static const char totals[] =
		"UPDATE settlements SET request_count = (SELECT count(*) FROM settlement_items"
		" WHERE settlement_id = ?1), total_centimes = (SELECT coalesce(sum("
		"amount_centimes), 0) FROM settlement_items WHERE settlement_id = ?1)"
		" WHERE id = ?1 RETURNING request_count, total_centimes";
	sqlite3_stmt *st = db_stmt(db, ins, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune);
	sqlite3_bind_int64(st, 2, p->from);
	sqlite3_bind_int64(st, 3, p->to);
	sqlite3_bind_int64(st, 4, wq_now());
	sqlite3_bind_int64(st, 5, a->user_id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	int64_t id = sqlite3_last_insert_rowid(db_handle(db));

	if (!(st = db_stmt(db, items_sql, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune);
	sqlite3_bind_int64(st, 2, p->to);
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);

	if (!(st = db_stmt(db, totals, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*items = sqlite3_column_int(st, 0);
		*total = sqlite3_column_int64(st, 1);
		rc = sqlite3_step(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);

	char target[32], detail[160], period[40], money[32];
	fin_period_label(p, period, sizeof period);
	wq_fmt_money(*total, money, sizeof money);
	snprintf(target, sizeof target, "settlement %lld", (long long)id);
	snprintf(detail, sizeof detail, "%s %s: %d requests, %s MAD", code, period, *items,
		 money);
	return db_audit_append(db, a->user_id, a->username, "settlement.build", target, detail,
			       "", eb);
}

static int do_build(struct db *db, const struct actor *a, const struct fin_period *p,
		    int64_t commune_id, int *batches, int *items, int64_t *total,
		    struct wq_errbuf *eb)
{
	struct settle_preview *due = NULL;
	int n = 0;
	/* read inside the write lock: nobody can settle these between read and write */
	int rc = treasury_preview(db, a, p, &due, &n, eb);
	for (int i = 0; !rc && i < n; i++) {
		int k = 0;
		int64_t t = 0;
		if (due[i].count == 0 || (commune_id && due[i].commune_id != commune_id))
			continue;
		rc = build_one(db, a, p, due[i].commune_id, due[i].commune_code, &k, &t, eb);
		if (!rc && (k != due[i].count || t != due[i].centimes))
			rc = wq_fail(eb, WQ_ECONFLICT, "settlement",
				     "batch for %s does not match what was due; nothing built",
				     due[i].commune_code);
		if (!rc) {
			(*batches)++;
			*items += k;
			*total += t;
		}
	}
	free(due);
	return rc;
}

int treasury_build(struct db *db, const struct actor *a, const struct fin_period *p,
		   int64_t commune_id, int *batches, int *items, int64_t *total,
		   struct wq_errbuf *eb)
{
	*batches = *items = 0;
	*total = 0;
	if (a->role != ROLE_TREASURY)
		return wq_fail(eb, WQ_EDENIED, "role", "only the treasury builds batches");
	if (p->to > wq_now())
		return wq_fail(eb, WQ_EINVAL, "period",
			       "period: it has not ended yet; build once it is over");
	if (p->from >= p->to)
		return wq_fail(eb, WQ_EINVAL, "period", "period: empty");
	DB_TX(db, eb, do_build(db, a, p, commune_id, batches, items, total, eb));
}

static void fill_settlement(sqlite3_stmt *st, void *row)
{
	struct settlement *s = row;
	memset(s, 0, sizeof *s);
	s->id = sqlite3_column_int64(st, 0);
	s->commune_id = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, s->commune_code, sizeof s->commune_code);
	db_col_text(st, 3, s->post_account, sizeof s->post_account);
	s->period_start = sqlite3_column_int64(st, 4);
	s->period_end = sqlite3_column_int64(st, 5);
	s->count = sqlite3_column_int(st, 6);
	s->total_centimes = sqlite3_column_int64(st, 7);
	db_col_text(st, 8, s->state, sizeof s->state);
	s->built_at = sqlite3_column_int64(st, 9);
	s->transferred_at = sqlite3_column_int64(st, 10);
	db_col_text(st, 11, s->built_by, sizeof s->built_by);
	db_col_text(st, 12, s->transferred_by, sizeof s->transferred_by);
	db_col_text(st, 13, s->transfer_ref, sizeof s->transfer_ref);
}

#define SETTLE_SELECT                                                                   \
	"SELECT s.id, s.commune_id, c.code, c.post_account, s.period_start, s.period_end," \
	" s.request_count, s.total_centimes, s.state, s.built_at,"                         \
	" coalesce(s.transferred_at, 0), coalesce(ub.username, ''),"                     \
	" coalesce(ut.username, ''), s.transfer_ref FROM settlements s"                    \
	" JOIN communes c ON c.id = s.commune_id"                                         \
	" LEFT JOIN users ub ON ub.id = s.built_by"                                       \
	" LEFT JOIN users ut ON ut.id = s.transferred_by"

int treasury_batches(struct db *db, const struct actor *a, int64_t commune_id,
		     struct settlement **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = SETTLE_SELECT " WHERE (?1 = 0 OR s.commune_id = ?1)"
						" ORDER BY s.id DESC LIMIT 5000";
	int64_t commune;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = fin_scope_commune(a, commune_id, &commune, eb)))
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune);
	return db_collect(db, st, sizeof **out, fill_settlement, (void **)out, n, eb);
}

int treasury_batch_items(struct db *db, const struct actor *a, int64_t settlement_id,
			 struct fin_payment **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " FIN_PAY_COLS FIN_PAY_FROM
				  " WHERE i.settlement_id = ?2 AND (?1 = 0 OR s.commune_id = ?1)"
				  " ORDER BY p.confirmed_at, p.id";
	int64_t commune;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = fin_scope_commune(a, 0, &commune, eb)))
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune);
	sqlite3_bind_int64(st, 2, settlement_id);
	return fin_collect_payments(db, st, out, n, eb);
}

static int do_transfer(struct db *db, const struct actor *a, int64_t id, const char *ref,
		       struct wq_errbuf *eb)
{
	static const char one[] = SETTLE_SELECT " WHERE s.id = ?1";
	static const char upd[] =
		"UPDATE settlements SET state = 'transferred', transferred_at = ?2,"
		" transferred_by = nullif(?3, 0), transfer_ref = ?4"
		" WHERE id = ?1 AND state = 'built'";
	struct settlement s;
	sqlite3_stmt *st = db_stmt(db, one, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	int rc = db_one(db, st, fill_settlement, &s, eb);
	if (rc == WQ_ENOTFOUND)
		return wq_fail(eb, WQ_ENOTFOUND, "settlement", "no batch #%lld", (long long)id);
	if (rc)
		return rc;
	if (strcmp(s.state, "built"))
		return wq_fail(eb, WQ_ECONFLICT, "settlement",
			       "batch #%lld was already transferred by %s (ref %s)",
			       (long long)id, s.transferred_by, s.transfer_ref);
	if (!(st = db_stmt(db, upd, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, wq_now());
	sqlite3_bind_int64(st, 3, a->user_id);
	db_bind_text(st, 4, ref);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	char target[32], detail[160], money[32];
	wq_fmt_money(s.total_centimes, money, sizeof money);
	snprintf(target, sizeof target, "settlement %lld", (long long)id);
	snprintf(detail, sizeof detail, "%s %s MAD to %s, ref %s", s.commune_code, money,
		 s.post_account, ref);
	return db_audit_append(db, a->user_id, a->username, "settlement.transfer", target,
			       detail, "", eb);
}

int treasury_mark_transferred(struct db *db, const struct actor *a, int64_t settlement_id,
			      const char *transfer_ref, struct wq_errbuf *eb)
{
	if (a->role != ROLE_TREASURY)
		return wq_fail(eb, WQ_EDENIED, "role", "only the treasury marks transfers");
	if (!transfer_ref || strlen(transfer_ref) < 4 || strlen(transfer_ref) > 39)
		return wq_fail(eb, WQ_EINVAL, "reference",
			       "reference: the bank transfer reference, 4 to 39 characters");
	DB_TX(db, eb, do_transfer(db, a, settlement_id, transfer_ref, eb));
}
