/* db_complaint.c - SQL for complaints (see complaint.h).  Called from the HTTP worker
 * threads with their own connection; one short BEGIN IMMEDIATE transaction per write,
 * with its audit row in the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint.h"
#include "util.h"

static int count_open(struct db *db, int64_t request_id, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT count(*) FROM complaints WHERE request_id = ?"
				  " AND state IN ('open', 'taken', 'escalated')";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? WQ_OK : db_fail(db, rc, eb);
}

static int do_open(struct db *db, int64_t request_id, const char *tracking, const char *body,
		   const char *addr, int64_t *id_out, struct wq_errbuf *eb)
{
	/* the province of the office that holds the request, not of the birth commune:
	 * its inspector oversees that office */
	static const char sql[] =
		"INSERT INTO complaints (request_id, province_id, opened_at, body)"
		" SELECT r.id, c.province_id, ?, ? FROM requests r"
		" JOIN offices o ON o.id = r.office_id JOIN communes c ON c.id = o.commune_id"
		" WHERE r.id = ?";
	int open, rc = count_open(db, request_id, &open, eb);
	if (rc)
		return rc;
	if (open >= COMPLAINT_MAX_OPEN)
		return wq_fail(eb, WQ_ECONFLICT, "complaint",
			       "%d complaints on this request are still open", open);
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, wq_now());
	db_bind_text(st, 2, body);
	sqlite3_bind_int64(st, 3, request_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (sqlite3_changes(db_handle(db)) != 1)
		return wq_fail(eb, WQ_ENOTFOUND, "tracking", "no such request");
	*id_out = sqlite3_last_insert_rowid(db_handle(db));
	char detail[32];
	snprintf(detail, sizeof detail, "complaint %lld", (long long)*id_out);
	return db_audit_append(db, 0, "citizen", "complaint.open", tracking, detail, addr, eb);
}

int complaint_open_citizen(struct db *db, int64_t request_id, const char *tracking,
			   const char *body, const char *addr, int64_t *id_out,
			   struct wq_errbuf *eb)
{
	if (!body || strlen(body) >= COMPLAINT_MAX_BYTES)
		return wq_fail(eb, WQ_EINVAL, "body", "the complaint is empty or too long");
	int rc = db_begin(db, eb);
	if (rc)
		return rc;
	rc = do_open(db, request_id, tracking, body, addr ? addr : "", id_out, eb);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, eb);
}

static void fill_complaint(sqlite3_stmt *st, void *row)
{
	struct complaint *c = row;
	c->id = sqlite3_column_int64(st, 0);
	c->request_id = sqlite3_column_int64(st, 1);
	c->province_id = sqlite3_column_int64(st, 2);
	c->opened_at = sqlite3_column_int64(st, 3);
	c->answered_at = sqlite3_column_int64(st, 4);
	db_col_text(st, 5, c->body, sizeof c->body);
	db_col_text(st, 6, c->state, sizeof c->state);
	db_col_text(st, 7, c->answer, sizeof c->answer);
}

int complaint_list_for_request(struct db *db, int64_t request_id, struct complaint **out,
			       int *n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT id, request_id, province_id, opened_at, coalesce(answered_at, 0), body,"
		" state, answer FROM complaints WHERE request_id = ? ORDER BY id LIMIT 50";
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	return db_collect(db, st, sizeof **out, fill_complaint, (void **)out, n, eb);
}
