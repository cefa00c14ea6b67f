/* db_outbox.c - SQL for the notification outbox (see outbox.h).  Called by the sender
 * thread of the web side (src/notify.c) with its own connection.  Every write is one
 * short BEGIN IMMEDIATE transaction; nothing here waits on the network. */
#include <string.h>

#include "outbox.h"
#include "util.h"

int outbox_watermark(struct db *db, int64_t *event_id, struct wq_errbuf *eb)
{
	/* the first start's newest event, kept (db/290): no history texted, nothing since
	 * skipped, however many restarts come before the first message */
	static const char mark_sql[] = "INSERT OR IGNORE INTO notify_start (id, event_id, at)"
				       " SELECT 1, coalesce(max(id), 0), ? FROM request_events";
	static const char sql[] = "SELECT coalesce((SELECT max(event_id) FROM outbox),"
				  " (SELECT event_id FROM notify_start WHERE id = 1), 0)";
	sqlite3_stmt *st = db_stmt(db, mark_sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, wq_now());
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (!(st = db_stmt(db, sql, eb)))
		return WQ_EIO;
	rc = sqlite3_step(st);
	*event_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? WQ_OK : db_fail(db, rc, eb);
}

/* The last column counts the order's documents rejected one by one before this event,
 * by their own same-state events ("line N rejected (", as db_lines.c writes and notify.c
 * reads): event ids, not times, because a document and then the rest can be rejected
 * within one second, and the request's own rejection stamps the lines it closes too. */
int outbox_events_after(struct db *db, int64_t after, struct outbox_event *out, int max,
			int *n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT e.id, e.request_id, e.at, e.from_state, e.to_state, r.tracking, r.phone,"
		" r.email, r.lang, r.fee_centimes, coalesce(m.code, ''), e.note,"
		" (SELECT count(*) FROM request_events p WHERE p.request_id = e.request_id"
		"  AND p.id < e.id AND p.from_state = p.to_state"
		"  AND p.note LIKE 'line % rejected (%')"
		" FROM request_events e JOIN requests r ON r.id = e.request_id"
		" LEFT JOIN mail_items m ON m.request_id = r.id"
		" WHERE e.id > ? ORDER BY e.id LIMIT ?";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, max);
	int rc;
	char from[20], to[20];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		struct outbox_event *e = &out[(*n)++];
		memset(e, 0, sizeof *e);
		e->event_id = sqlite3_column_int64(st, 0);
		e->request_id = sqlite3_column_int64(st, 1);
		e->at = sqlite3_column_int64(st, 2);
		db_col_text(st, 3, from, sizeof from);
		db_col_text(st, 4, to, sizeof to);
		e->from = req_state_from_name(from);
		e->to = req_state_from_name(to);
		db_col_text(st, 5, e->tracking, sizeof e->tracking);
		db_col_text(st, 6, e->phone, sizeof e->phone);
		db_col_text(st, 7, e->email, sizeof e->email);
		db_col_text(st, 8, e->lang, sizeof e->lang);
		e->fee_centimes = sqlite3_column_int64(st, 9);
		db_col_text(st, 10, e->mail_code, sizeof e->mail_code);
		db_col_text(st, 11, e->note, sizeof e->note);
		e->lines_refunded_before = sqlite3_column_int(st, 12);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

/* One statement: atomic on its own, and inside a caller's transaction it joins it (the
 * complaint desk queues its answer in the transaction that records the answer). */
static int outbox_write(struct db *db, sqlite3_stmt *st, struct wq_errbuf *eb)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

int outbox_enqueue(struct db *db, int64_t request_id, int64_t event_id, const char *channel,
		   const char *recipient, const char *body, struct wq_errbuf *eb)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO outbox (request_id, event_id, channel, recipient, body,"
		" state, attempts, next_attempt_at, created_at) SELECT ?1, ?2, ?3, ?4, ?5,"
		" 'pending', 0, ?6, ?6"
		" WHERE EXISTS (SELECT 1 FROM requests WHERE id = ?1 AND paid_at IS NOT NULL)";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	if (event_id)
		sqlite3_bind_int64(st, 2, event_id);
	else
		sqlite3_bind_null(st, 2);
	db_bind_text(st, 3, channel);
	db_bind_text(st, 4, recipient);
	db_bind_text(st, 5, body);
	sqlite3_bind_int64(st, 6, wq_now());
	return outbox_write(db, st, eb);
}

int outbox_sent_to(struct db *db, const char *channel, const char *recipient, int64_t since,
		   int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT count(*) FROM outbox WHERE recipient = ?"
				  " AND channel = ? AND sent_at >= ? AND state = 'sent'";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, recipient);
	db_bind_text(st, 2, channel);
	sqlite3_bind_int64(st, 3, since);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? WQ_OK : db_fail(db, rc, eb);
}

int outbox_due(struct db *db, int64_t now, struct outbox_msg *out, int max, int *n,
	       struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT id, coalesce(request_id, 0), channel, recipient, body, attempts"
		" FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?"
		" ORDER BY next_attempt_at, id LIMIT ?";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		struct outbox_msg *m = &out[(*n)++];
		m->id = sqlite3_column_int64(st, 0);
		m->request_id = sqlite3_column_int64(st, 1);
		db_col_text(st, 2, m->channel, sizeof m->channel);
		db_col_text(st, 3, m->recipient, sizeof m->recipient);
		db_col_text(st, 4, m->body, sizeof m->body);
		m->attempts = sqlite3_column_int(st, 5);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

int outbox_mark_sent(struct db *db, int64_t id, struct wq_errbuf *eb)
{
	static const char sql[] = "UPDATE outbox SET state = 'sent', attempts = attempts + 1,"
				  " sent_at = ?, last_error = '' WHERE id = ? AND state = 'pending'";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, wq_now());
	sqlite3_bind_int64(st, 2, id);
	return outbox_write(db, st, eb);
}

int outbox_mark_retry(struct db *db, int64_t id, int64_t next_at, int max_attempts,
		      const char *error, struct wq_errbuf *eb)
{
	static const char sql[] =
		"UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?,"
		" state = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' END"
		" WHERE id = ? AND state = 'pending'";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, next_at);
	db_bind_text(st, 2, error ? error : "");
	sqlite3_bind_int(st, 3, max_attempts);
	sqlite3_bind_int64(st, 4, id);
	return outbox_write(db, st, eb);
}

int outbox_counts(struct db *db, int *pending, int *sent, int *failed, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'sent'), 0),"
		" coalesce(sum(state = 'failed'), 0) FROM outbox";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*pending = sqlite3_column_int(st, 0);
		*sent = sqlite3_column_int(st, 1);
		*failed = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? WQ_OK : db_fail(db, rc, eb);
}
