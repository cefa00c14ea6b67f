/* db_treasury_due.c - the treasury's batch preview from the running totals (db/250:
 * treasury_due, what each commune is due per day of payment, kept by triggers in the
 * transactions that confirm, refund, cancel, move or batch a fee), the same preview
 * recomputed from the payments themselves, and the check that the two agree.
 *
 * A preview for a period ending at `to` adds the whole days before `to` from the totals
 * and reads from the rows only what is paid between the last day boundary and `to`
 * (nothing when `to` is a local midnight at +01:00; an hour of fees in the weeks at
 * +00:00; under a day for any other end): both in one read transaction, so they agree.
 * The totals hold only days with fees still due, a couple of months per commune: the
 * preview reads a few tens of thousands of rows whatever the years behind (616 ms ->
 * bench/README.md section 15 on 10 million requests).  Any process with a db. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_finance.h"
#include "finance.h"
#include "util.h"

/* Days as treasury_due counts them: day d holds the fees confirmed in
 * [d * 86400 - 3600, (d + 1) * 86400 - 3600) (db/250). */
#define DUE_DAY(t) (((t) + 3600) / 86400)
#define DUE_DAY_START(d) ((d) * 86400 - 3600)

static int cmp_commune(const void *a, const void *b)
{
	const struct settle_preview *const *x = a, *const *y = b;
	return (*x)->commune_id < (*y)->commune_id ? -1 : (*x)->commune_id > (*y)->commune_id;
}

/* Adds the totals of the days before `day` to rows (every commune asked for). */
static int add_totals(struct db *db, int64_t commune, int64_t day, struct settle_preview *rows,
		      int n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT commune_id, sum(earned), sum(earned_centimes), sum(waiting),"
		" sum(waiting_centimes) FROM treasury_due"
		" WHERE (?1 = 0 OR commune_id = ?1) AND day < ?2 GROUP BY commune_id";
	struct settle_preview **by_id = n ? malloc(sizeof *by_id * (size_t)n) : NULL;
	if (n && !by_id)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	for (int i = 0; i < n; i++)
		by_id[i] = &rows[i];
	qsort(by_id, (size_t)n, sizeof *by_id, cmp_commune);
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st) {
		free(by_id);
		return WQ_EIO;
	}
	sqlite3_bind_int64(st, 1, commune);
	sqlite3_bind_int64(st, 2, day);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct settle_preview key = {.commune_id = sqlite3_column_int64(st, 0)}, *k = &key;
		struct settle_preview **hit = bsearch(&k, by_id, (size_t)n, sizeof *by_id,
						      cmp_commune);
		if (!hit)
			continue; /* a commune the read of the communes did not see */
		(*hit)->count += sqlite3_column_int(st, 1);
		(*hit)->centimes += sqlite3_column_int64(st, 2);
		(*hit)->processing_count += sqlite3_column_int(st, 3);
		(*hit)->processing_centimes += sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	free(by_id);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

/* The communes with something due or waiting, in code order; frees rows when empty. */
static void keep_due(struct settle_preview *rows, int nrows, struct settle_preview **out,
		     int *n)
{
	*n = 0;
	for (int i = 0; i < nrows; i++)
		if (rows[i].count || rows[i].processing_count)
			rows[(*n)++] = rows[i];
	if (*n)
		*out = rows;
	else
		free(rows);
}

static int preview(struct db *db, const struct actor *a, const struct fin_period *p,
		   int from_totals, struct settle_preview **out, int *n, struct wq_errbuf *eb)
{
	struct settle_preview *rows;
	int64_t commune, day = DUE_DAY(p->to);
	int nrows, rc;
	*out = NULL;
	*n = 0;
	if ((rc = fin_scope_commune(a, 0, &commune, eb)))
		return rc;
	/* one snapshot for both reads (unless the caller's transaction is one already) */
	int own_tx = from_totals && sqlite3_get_autocommit(db_handle(db));
	if (own_tx && (rc = db_begin_read(db, eb)))
		return rc;
	rc = treasury_due_read(db, commune, from_totals ? DUE_DAY_START(day) : 0, p->to, &rows,
			       &nrows, eb);
	if (!rc && from_totals && (rc = add_totals(db, commune, day, rows, nrows, eb)))
		free(rows);
	if (own_tx && rc)
		db_rollback(db);
	else if (own_tx && (rc = db_commit(db, eb)))
		free(rows);
	if (!rc)
		keep_due(rows, nrows, out, n);
	return rc;
}

int treasury_preview(struct db *db, const struct actor *a, const struct fin_period *p,
		     struct settle_preview **out, int *n, struct wq_errbuf *eb)
{
	return preview(db, a, p, 1, out, n, eb);
}

int treasury_preview_rows(struct db *db, const struct actor *a, const struct fin_period *p,
			  struct settle_preview **out, int *n, struct wq_errbuf *eb)
{
	return preview(db, a, p, 0, out, n, eb);
}

int treasury_due_check(struct db *db, void *outp, int *problems, struct wq_errbuf *eb)
{
	/* the truth per commune and day from treasury_fees (the payments, their requests
	 * and the batches), the totals beside it; a commune is reported once, with its
	 * sums both ways and the number of days that differ */
	static const char sql[] =
		"WITH truth AS (SELECT commune_id, day, sum(earned) AS en,"
		" sum(earned * centimes) AS ec, sum(1 - earned) AS wn,"
		" sum((1 - earned) * centimes) AS wc FROM treasury_fees WHERE true"
		" GROUP BY commune_id, day),"
		" both_ways AS (SELECT commune_id, day, en, ec, wn, wc, 0 AS ken, 0 AS kec,"
		" 0 AS kwn, 0 AS kwc FROM truth UNION ALL SELECT commune_id, day, 0, 0, 0, 0,"
		" earned, earned_centimes, waiting, waiting_centimes FROM treasury_due),"
		" per_day AS (SELECT commune_id, sum(en) AS en, sum(ec) AS ec, sum(wn) AS wn,"
		" sum(wc) AS wc, sum(ken) AS ken, sum(kec) AS kec, sum(kwn) AS kwn,"
		" sum(kwc) AS kwc FROM both_ways GROUP BY commune_id, day"
		" HAVING sum(en) <> sum(ken) OR sum(ec) <> sum(kec) OR sum(wn) <> sum(kwn)"
		" OR sum(wc) <> sum(kwc))"
		" SELECT coalesce(c.code, '#' || d.commune_id), count(*), sum(d.ken), sum(d.kec),"
		" sum(d.kwn), sum(d.kwc), sum(d.en), sum(d.ec), sum(d.wn), sum(d.wc)"
		" FROM per_day d LEFT JOIN communes c ON c.id = d.commune_id"
		" GROUP BY d.commune_id ORDER BY 1";
	FILE *out = outp;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char m[4][32];
		for (int i = 0; i < 4; i++)
			wq_fmt_money(sqlite3_column_int64(st, 3 + 2 * i), m[i], sizeof m[i]);
		fprintf(out, "treasury totals differing from the payments: %s: kept %lld earned"
			" %s MAD, %lld waiting %s MAD; the payments say %lld earned %s MAD,"
			" %lld waiting %s MAD (%d day%s differ)\n",
			(const char *)sqlite3_column_text(st, 0),
			(long long)sqlite3_column_int64(st, 2), m[0],
			(long long)sqlite3_column_int64(st, 4), m[1],
			(long long)sqlite3_column_int64(st, 6), m[2],
			(long long)sqlite3_column_int64(st, 8), m[3], sqlite3_column_int(st, 1),
			sqlite3_column_int(st, 1) == 1 ? "" : "s");
		(*problems)++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}
