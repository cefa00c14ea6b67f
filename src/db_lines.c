/* db_lines.c - the data layer behind an order's lines (db/211_request_lines.sql,
 * lines.h): writing them with the order, rejecting one, and rejecting the open ones
 * with the whole request.
 *
 * DESIGN.  Rejecting one line is one BEGIN IMMEDIATE transaction: the request read in
 * the actor's scope, the right to reject it asked of lifecycle_check() (a line is
 * rejected by whoever may reject the request, from the same states, with a reason),
 * the line marked rejected, its fee owed back through refund_owe_line() (the refund
 * machinery of refund.h: one refund row per line, never two), the request's version
 * moved (so that another screen's stale copy cannot act on it unawares) and the
 * history noted with an event that stays in the same state, audited
 * request.reject_line.  When it was the last open line, the request itself is
 * rejected by the same transaction (request_move_in_tx), which refunds what is left.
 * Any process with a `struct db`. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "lines.h"
#include "refund.h"
#include "request.h"
#include "util.h"

int db_lines_insert(struct db *db, const struct request *r, struct wq_errbuf *eb)
{
	static const char sql[] = "INSERT INTO request_lines (request_id, line_no, doc_type,"
				  " copies, fee_centimes) VALUES (?, ?, ?, ?, ?)";
	for (int i = 0; i < r->nlines; i++) {
		sqlite3_stmt *st = db_stmt(db, sql, eb);
		if (!st)
			return WQ_EIO;
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_int(st, 2, r->lines[i].no);
		db_bind_text(st, 3, r->lines[i].doc_type);
		sqlite3_bind_int(st, 4, r->lines[i].copies);
		sqlite3_bind_int64(st, 5, r->lines[i].fee_centimes);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, rc, eb);
	}
	return WQ_OK;
}

/* ?1 request, ?2 the line (0: every open one), ?3 time, ?4 the account (0: none), ?5
 * the reason; *changed gets how many lines moved. */
static int mark_rejected(struct db *db, int64_t request_id, int line_no, int64_t by,
			 const char *reason, int *changed, struct wq_errbuf *eb)
{
	static const char sql[] =
		"UPDATE request_lines SET state = 'rejected', reject_reason = ?5,"
		" rejected_at = ?3, rejected_by = nullif(?4, 0)"
		" WHERE request_id = ?1 AND (?2 = 0 OR line_no = ?2) AND state = 'open'";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int(st, 2, line_no);
	sqlite3_bind_int64(st, 3, wq_now());
	sqlite3_bind_int64(st, 4, by);
	db_bind_text(st, 5, reason ? reason : "");
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (changed)
		*changed = sqlite3_changes(db_handle(db));
	return WQ_OK;
}

int db_lines_reject_open(struct db *db, int64_t request_id, int64_t by, const char *reason,
			 struct wq_errbuf *eb)
{
	return mark_rejected(db, request_id, 0, by, reason, NULL, eb);
}

/* The request's version moves with a line: whoever loaded it before sees it changed. */
static int bump(struct db *db, int64_t id, int64_t version, struct wq_errbuf *eb)
{
	static const char sql[] = "UPDATE requests SET version = version + 1, updated_at = ?3"
				  " WHERE id = ?1 AND version = ?2";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, version);
	sqlite3_bind_int64(st, 3, wq_now());
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (sqlite3_changes(db_handle(db)) != 1)
		return wq_fail(eb, WQ_ECONFLICT, "request", "the request changed meanwhile");
	return WQ_OK;
}

static int do_line_reject(struct db *db, const struct actor *a, int64_t id, int64_t expected,
			  int line_no, const char *reason, struct wq_errbuf *eb)
{
	struct request r;
	int rc = request_get(db, a, id, &r, eb);
	if (rc)
		return rc;
	if (expected && r.version != expected)
		return wq_fail(eb, WQ_ECONFLICT, "request",
			       "%s changed since you loaded it: it is now %s", r.tracking,
			       req_state_name(r.state));
	int is_own = r.agent_id && r.agent_id == a->user_id;
	if ((rc = lifecycle_check(a, r.state, RS_REJECTED, is_own, reason, eb)))
		return rc;
	const struct req_line *l = NULL;
	for (int i = 0; i < r.nlines; i++)
		if (r.lines[i].no == line_no)
			l = &r.lines[i];
	if (!l)
		return wq_fail(eb, WQ_ENOTFOUND, "line", "%s has no line %d", r.tracking,
			       line_no);
	if (l->rejected)
		return wq_fail(eb, WQ_ECONFLICT, "line", "line %d of %s is already rejected",
			       line_no, r.tracking);
	char note[NOTE_MAX_BYTES];
	snprintf(note, sizeof note, "line %d rejected (%s x%d): %s", line_no,
		 lines_doc_label(l->doc_type, "en"), l->copies, reason);
	int changed = 0, last = lines_open_count(&r) == 1;
	if ((rc = mark_rejected(db, id, line_no, a->user_id, reason, &changed, eb)))
		return rc;
	if (!changed)
		return wq_fail(eb, WQ_ECONFLICT, "line", "line %d of %s changed meanwhile",
			       line_no, r.tracking);
	/* the last one: the request goes with it, and what is left is refunded (a
	 * one-line order's reason reads as the request's, as before lines) */
	if (last)
		return request_move_in_tx(db, a, id, r.version, RS_REJECTED,
					  r.nlines == 1 ? reason : note, eb);
	if ((rc = refund_owe_line(db, id, line_no, "rejected", eb)) ||
	    (rc = bump(db, id, r.version, eb)))
		return rc;
	const char *st = req_state_name(r.state);
	if ((rc = db_event_append(db, id, wq_now(), a->user_id, a->username, r.office_id, st, st,
				  note, eb)))
		return rc;
	return db_audit_append(db, a->user_id, a->username, "request.reject_line", r.tracking,
			       note, "", eb);
}

int request_line_reject(struct db *db, const struct actor *a, int64_t id,
			int64_t expected_version, int line_no, const char *reason,
			struct wq_errbuf *eb)
{
	if (line_no < 1 || line_no > ORDER_LINES_MAX)
		return wq_fail(eb, WQ_EINVAL, "line", "line: 1 to %d", ORDER_LINES_MAX);
	if (!reason || !reason[0])
		return wq_fail(eb, WQ_EINVAL, "reason", "reason: say why the line is rejected");
	if (strlen(reason) >= sizeof ((struct req_line *)0)->reject_reason)
		return wq_fail(eb, WQ_EINVAL, "reason", "reason: at most %d bytes",
			       (int)sizeof ((struct req_line *)0)->reject_reason - 1);
	DB_TX_AS(db, a, eb, do_line_reject(db, a, id, expected_version, line_no, reason, eb));
}
