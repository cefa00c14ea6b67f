/* db_anon.c - SQL for anon.h: the per-minute counters of strangers' failures.  Called
 * from the HTTP worker threads (each with its own connection) and the notifier's
 * prune; each write is one statement, atomic on its own. */
#include <string.h>

#include "anon.h"
#include "unicode.h"
#include "util.h"

int anon_fail(struct db *db, const char *action, const char *source, const char *sample,
	      struct wq_errbuf *eb)
{
	static const char sql[] =
		"INSERT INTO anon_failures (action, source, minute, count, sample)"
		" VALUES (?, ?, ?, 1, substr(?, 1, ?))"
		" ON CONFLICT (action, source, minute) DO UPDATE SET count = count + 1";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, action);
	db_bind_text(st, 2, source ? source : "");
	sqlite3_bind_int64(st, 3, wq_now() / 60);
	/* a stranger's text, printed by `watiqa audit strangers` on an operator's terminal:
	 * no escape sequence, bidi override or cut character reaches it */
	char shown[ANON_SAMPLE_BYTES + 1];
	utf8_shown(sample, shown, sizeof shown, ANON_SAMPLE_BYTES);
	db_bind_text(st, 4, shown);
	sqlite3_bind_int(st, 5, ANON_SAMPLE_BYTES);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

int anon_fail_count(struct db *db, const char *action, const char *source, int64_t since,
		    int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT coalesce(sum(count), 0) FROM anon_failures"
				  " WHERE action = ?1 AND (?2 IS NULL OR source = ?2)"
				  " AND minute >= ?3";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, action);
	if (source)
		db_bind_text(st, 2, source);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, since / 60);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? WQ_OK : db_fail(db, rc, eb);
}

int anon_fail_sums(struct db *db, int64_t since, struct anon_sum *out, int max, int *n,
		   struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT action, source, sum(count), count(*), min(minute) * 60, max(minute) * 60,"
		" (SELECT sample FROM anon_failures s WHERE s.action = a.action"
		"  AND s.source = a.source AND s.minute >= ?1 ORDER BY minute LIMIT 1)"
		" FROM anon_failures a WHERE minute >= ?1 GROUP BY action, source"
		" ORDER BY 3 DESC, 1, 2 LIMIT ?2";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, since / 60);
	sqlite3_bind_int(st, 2, max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		struct anon_sum *a = &out[(*n)++];
		memset(a, 0, sizeof *a);
		db_col_text(st, 0, a->action, sizeof a->action);
		db_col_text(st, 1, a->source, sizeof a->source);
		a->count = sqlite3_column_int(st, 2);
		a->minutes = sqlite3_column_int(st, 3);
		a->first_at = sqlite3_column_int64(st, 4);
		a->last_at = sqlite3_column_int64(st, 5);
		db_col_text(st, 6, a->sample, sizeof a->sample);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

int anon_fail_prune(struct db *db, int64_t before, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "DELETE FROM anon_failures WHERE minute < ?";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, before / 60);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	*n = sqlite3_changes(db_handle(db));
	return WQ_OK;
}
