/* db_audit.c - the data layer behind audit.h: one-off audit rows, the filtered list
 * for the admin screen, and offline verification of both hash chains. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "util.h"

int audit_log(struct db *db, const struct actor *a, const char *action, const char *target,
	      const char *detail, const char *addr, struct wq_errbuf *eb)
{
	DB_TX(db, eb, db_audit_append(db, a ? a->user_id : 0, a ? a->username : "system",
				      action, target, detail, addr, eb));
}

static void fill_row(sqlite3_stmt *st, void *row)
{
	struct audit_row *r = row;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->at = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, r->actor, sizeof r->actor);
	db_col_text(st, 3, r->action, sizeof r->action);
	db_col_text(st, 4, r->target, sizeof r->target);
	db_col_text(st, 5, r->detail, sizeof r->detail);
	db_col_text(st, 6, r->addr, sizeof r->addr);
}

int audit_list(struct db *db, const char *action_prefix, const char *actor, int limit,
	       struct audit_row **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT id, at, actor_label, action, target, detail, addr FROM audit_log"
		" WHERE (?1 = '' OR substr(action, 1, length(?1)) = ?1)"
		" AND (?2 = '' OR actor_label = ?2) ORDER BY id DESC LIMIT ?3";
	*out = NULL;
	*n = 0;
	if (limit <= 0 || limit > 10000)
		limit = 500;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, action_prefix ? action_prefix : "");
	db_bind_text(st, 2, actor ? actor : "");
	sqlite3_bind_int(st, 3, limit);
	return db_collect(db, st, sizeof **out, fill_row, (void **)out, n, eb);
}

/* Formats a row's hashed content after the previous hash, as db.c did when it
 * appended the row; the length, or -1 when out of memory. */
typedef int chain_fmt(sqlite3_stmt *st, const char *prev, char **buf);

static int event_content(sqlite3_stmt *st, const char *prev, char **buf)
{
	return asprintf(buf, "%s|%lld|%lld|%lld|%s|%lld|%s|%s|%s", prev,
			sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
			sqlite3_column_int64(st, 3), (const char *)sqlite3_column_text(st, 4),
			sqlite3_column_int64(st, 5), (const char *)sqlite3_column_text(st, 6),
			(const char *)sqlite3_column_text(st, 7),
			(const char *)sqlite3_column_text(st, 8));
}

static int audit_content(sqlite3_stmt *st, const char *prev, char **buf)
{
	return asprintf(buf, "%s|%lld|%lld|%s|%s|%s|%s|%s", prev, sqlite3_column_int64(st, 1),
			sqlite3_column_int64(st, 2), (const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 4),
			(const char *)sqlite3_column_text(st, 5),
			(const char *)sqlite3_column_text(st, 6),
			(const char *)sqlite3_column_text(st, 7));
}

/* Walks one chain in id order (column 0 the id, the last two prev_hash and hash),
 * recomputing each hash from the row and the previous hash; the first row whose stored
 * prev_hash or hash disagrees is the broken one. */
static int verify_chain(struct db *db, const char *sql, chain_fmt *content, int64_t *bad,
			struct wq_errbuf *eb)
{
	char prev[65], hash[65];
	memset(prev, '0', 64);
	prev[64] = 0;
	*bad = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	int rc, hash_col = sqlite3_column_count(st) - 1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *buf;
		int len = content(st, prev, &buf);
		if (len < 0)
			break;
		wq_sha256_hex(buf, (size_t)len, hash);
		free(buf);
		const char *sp = (const char *)sqlite3_column_text(st, hash_col - 1);
		const char *sh = (const char *)sqlite3_column_text(st, hash_col);
		if (!sp || !sh || strcmp(sp, prev) || strcmp(sh, hash)) {
			*bad = sqlite3_column_int64(st, 0);
			break;
		}
		memcpy(prev, hash, sizeof prev);
	}
	sqlite3_reset(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? WQ_OK : db_fail(db, rc, eb);
}

int audit_verify(struct db *db, int64_t *bad_events_id, int64_t *bad_audit_id,
		 struct wq_errbuf *eb)
{
	static const char events_sql[] =
		"SELECT id, request_id, at, coalesce(actor_id, 0), actor_label,"
		" coalesce(office_id, 0), from_state, to_state, note, prev_hash, hash"
		" FROM request_events ORDER BY id";
	static const char audit_sql[] =
		"SELECT id, at, coalesce(actor_id, 0), actor_label, action, target, detail, addr,"
		" prev_hash, hash FROM audit_log ORDER BY id";
	int rc = verify_chain(db, events_sql, event_content, bad_events_id, eb);
	return rc ? rc : verify_chain(db, audit_sql, audit_content, bad_audit_id, eb);
}
