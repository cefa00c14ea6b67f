/* db_national.c - the data layer behind national.h.  The list is one statement over the
 * raised requests (request_raises) and the complaints raised above their province
 * (complaints.escalated_at), filtered in SQL by the actor: all for a national inspector,
 * his province's for a province's inspector.  Each write is one BEGIN IMMEDIATE
 * transaction that re-reads the row, checks who may act and the version, writes and
 * appends the audit row; a raise also its line of the request's history, an answer its
 * line and its notice to the inspector who raised it.  Runs in the UI child (lists,
 * raise, answer) and the web side's notify thread (the sweep); never waits on anything
 * but SQLite. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_scope.h"
#include "escalate.h"
#include "lifecycle.h"
#include "national.h"
#include "notice.h"
#include "request.h"
#include "unicode.h"
#include "util.h"

#define NATIONAL_LIST_LIMIT 2000
#define NATIONAL_SWEEP_PAGE 2000 /* candidates read at a time, every one read a sweep */
#define NATIONAL_SWEEP_BATCH 200 /* raised per sweep at most: the rest at the next one */

/* ?1 province id, ?2 all (1) or waiting only (0), ?3 national (1) or the province (0) */
static const char list_sql[] =
	"SELECT 0, x.id, x.request_id, r.tracking, o.code, p.code, r.state,"
	" coalesce(rb.username, ''), x.note, x.raised_at, x.state = 'answered',"
	" coalesce(iu.username, ''), x.answer, coalesce(x.answered_at, 0), x.version,"
	" CASE WHEN x.state = 'raised' THEN coalesce(tu.username, '') ELSE '' END,"
	" coalesce(x.taken_at, 0)"
	" FROM request_raises x JOIN requests r ON r.id = x.request_id"
	" JOIN offices o ON o.id = r.office_id JOIN provinces p ON p.id = x.province_id"
	" LEFT JOIN users rb ON rb.id = x.raised_by LEFT JOIN users iu ON iu.id = x.inspector_id"
	" LEFT JOIN users tu ON tu.id = x.taken_by AND tu.disabled = 0"
	" WHERE (?3 OR x.province_id = ?1) AND (?2 OR x.state = 'raised')"
	" UNION ALL "
	/* a complaint is answered nationally when its answer came after it was raised */
	"SELECT 1, c.id, c.request_id, r.tracking, o.code, p.code, r.state,"
	" coalesce(eb.username, ''), c.escalation_note, c.escalated_at,"
	" coalesce(c.answered_at >= c.escalated_at, 0),"
	" CASE WHEN c.answered_at >= c.escalated_at THEN coalesce(iu.username, '') ELSE '' END,"
	" CASE WHEN c.answered_at >= c.escalated_at THEN c.answer ELSE '' END,"
	" CASE WHEN c.answered_at >= c.escalated_at THEN c.answered_at ELSE 0 END, c.version,"
	" CASE WHEN c.state = 'taken' THEN coalesce(iu.username, '') ELSE '' END,"
	" CASE WHEN c.state = 'taken' THEN coalesce(c.taken_at, 0) ELSE 0 END"
	" FROM complaints c JOIN requests r ON r.id = c.request_id"
	" JOIN offices o ON o.id = r.office_id JOIN provinces p ON p.id = c.province_id"
	" LEFT JOIN users eb ON eb.id = c.escalated_by LEFT JOIN users iu ON iu.id = c.inspector_id"
	" WHERE c.escalated_at IS NOT NULL AND (?3 OR c.province_id = ?1)"
	" AND (?2 OR c.state IN ('escalated', 'taken'))"
	" ORDER BY 11, 10, 2 LIMIT ?4";

static void fill_raised(sqlite3_stmt *st, void *row)
{
	struct raised *x = row;
	int k = 0;
	memset(x, 0, sizeof *x);
	x->kind = sqlite3_column_int(st, k++) ? RAISED_COMPLAINT : RAISED_REQUEST;
	x->id = sqlite3_column_int64(st, k++);
	x->request_id = sqlite3_column_int64(st, k++);
	db_col_text(st, k++, x->tracking, sizeof x->tracking);
	db_col_text(st, k++, x->office_code, sizeof x->office_code);
	db_col_text(st, k++, x->province_code, sizeof x->province_code);
	db_col_text(st, k++, x->req_state, sizeof x->req_state);
	db_col_text(st, k++, x->raised_by, sizeof x->raised_by);
	db_col_text(st, k++, x->note, sizeof x->note);
	x->raised_at = sqlite3_column_int64(st, k++);
	x->answered = sqlite3_column_int(st, k++);
	db_col_text(st, k++, x->answered_by, sizeof x->answered_by);
	db_col_text(st, k++, x->answer, sizeof x->answer);
	x->answered_at = sqlite3_column_int64(st, k++);
	x->version = sqlite3_column_int64(st, k++);
	db_col_text(st, k++, x->holder, sizeof x->holder);
	x->taken_at = sqlite3_column_int64(st, k++);
}

static int national_inspector(const struct actor *a)
{
	return a->role == ROLE_INSPECTOR && a->scope == SCOPE_NATIONAL;
}

static int province_inspector(const struct actor *a)
{
	return a->role == ROLE_INSPECTOR && a->scope == SCOPE_PROVINCE && a->scope_id > 0;
}

int national_list(struct db *db, const struct actor *a, int all, struct raised **out,
		  int *n, struct wq_errbuf *eb)
{
	*out = NULL;
	*n = 0;
	if (!national_inspector(a) && !province_inspector(a))
		return wq_fail(eb, WQ_EDENIED, "role",
			       "what is raised to the national inspection is for inspectors");
	sqlite3_stmt *st = db_stmt(db, list_sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int(st, 2, all != 0);
	sqlite3_bind_int(st, 3, national_inspector(a));
	sqlite3_bind_int(st, 4, NATIONAL_LIST_LIMIT);
	return db_collect(db, st, sizeof **out, fill_raised, (void **)out, n, eb);
}

static int text_ok(const char *text, const char *field, struct wq_errbuf *eb)
{
	if (!text || !text[strspn(text, " \t")])
		return wq_fail(eb, WQ_EINVAL, field, "%s needs a text", field);
	if (strlen(text) >= NOTE_MAX_BYTES)
		return wq_fail(eb, WQ_EINVAL, field, "the text is longer than %d bytes",
			       NOTE_MAX_BYTES - 1);
	return WQ_OK;
}

/* The raise waiting on request_id, or 0. */
static int waiting_raise(struct db *db, int64_t request_id, int64_t *id, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT id FROM request_raises WHERE request_id = ? AND state = 'raised'";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	int rc = db_one_id(db, st, id, eb);
	if (rc == WQ_ENOTFOUND) {
		*id = 0;
		wq_errbuf_clear(eb);
		return WQ_OK;
	}
	return rc;
}

/* One raise of request_id: by (0: by itself), note ("" by itself). */
static int insert_raise(struct db *db, int64_t request_id, int64_t by, const char *note,
			int64_t now, struct wq_errbuf *eb)
{
	/* the province of the office that holds the request now */
	static const char sql[] =
		"INSERT INTO request_raises (request_id, province_id, raised_at, raised_by, note)"
		" SELECT r.id, c.province_id, ?2, nullif(?3, 0), ?4 FROM requests r"
		" JOIN offices o ON o.id = r.office_id JOIN communes c ON c.id = o.commune_id"
		" WHERE r.id = ?1";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, by);
	db_bind_text(st, 4, note);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

/* The raise and its line of the request's hash-chained history, in one transaction: the
 * state kept (the citizen's page and messages skip it), the note free of language
 * (history_text.c says it in the reader's).  by 0 / "system": the sweep. */
static int raise_with_history(struct db *db, int64_t request_id, int64_t by, const char *label,
			      int64_t office_id, enum req_state state, const char *note,
			      int64_t now, struct wq_errbuf *eb)
{
	char line[NOTE_MAX_BYTES];
	int rc = insert_raise(db, request_id, by, note, now, eb);
	if (rc)
		return rc;
	lifecycle_raise_note(note, line, sizeof line);
	return db_event_append(db, request_id, now, by, label, office_id, req_state_name(state),
			       req_state_name(state), line, eb);
}

static int do_raise(struct db *db, const struct actor *a, int64_t request_id,
		    const char *note, struct wq_errbuf *eb)
{
	struct request r;
	int64_t waiting;
	int rc = request_get(db, a, request_id, &r, eb); /* the scope check */
	if (rc || (rc = waiting_raise(db, request_id, &waiting, eb)))
		return rc;
	if (waiting)
		return wq_fail(eb, WQ_ECONFLICT, "request",
			       "%s already waits for the national answer",
			       r.tracking);
	if ((rc = raise_with_history(db, request_id, a->user_id, a->username, r.office_id, r.state,
				     note, wq_now(), eb)))
		return rc;
	return db_audit_append(db, a->user_id, a->username, "request.raise", r.tracking, note,
			       "", eb);
}

int national_raise_request(struct db *db, const struct actor *a, int64_t request_id,
			   const char *note, struct wq_errbuf *eb)
{
	if (!province_inspector(a))
		return wq_fail(eb, WQ_EDENIED, "role",
			       "only a province's inspector raises a request to the national "
			       "inspection");
	int rc = text_ok(note, "note", eb);
	if (rc)
		return rc;
	DB_TX_AS(db, a, eb, do_raise(db, a, request_id, note, eb));
}

struct raise_row {
	int64_t id, version, request_id, office_id, taken_by;
	char state[12], tracking[TRACKING_BYTES], req_state[20];
	char raised_by[USERNAME_MAX_BYTES]; /* "" by itself, or the account is disabled */
	char holder[USERNAME_MAX_BYTES];    /* who took it ("" nobody) */
};

static void fill_raise_row(sqlite3_stmt *st, void *row)
{
	struct raise_row *x = row;
	x->id = sqlite3_column_int64(st, 0);
	x->version = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, x->state, sizeof x->state);
	db_col_text(st, 3, x->tracking, sizeof x->tracking);
	x->request_id = sqlite3_column_int64(st, 4);
	x->office_id = sqlite3_column_int64(st, 5);
	db_col_text(st, 6, x->req_state, sizeof x->req_state);
	db_col_text(st, 7, x->raised_by, sizeof x->raised_by);
	x->taken_by = sqlite3_column_int64(st, 8);
	db_col_text(st, 9, x->holder, sizeof x->holder);
}

/* The raise as it is now, re-read in the writing transaction; checks the version the
 * screen loaded (0: whatever it is) and that it still waits for its answer. */
static int raise_load(struct db *db, int64_t raise_id, int64_t expected, struct raise_row *x,
		      struct wq_errbuf *eb)
{
	static const char get[] =
		"SELECT x.id, x.version, x.state, r.tracking, r.id, r.office_id, r.state,"
		" coalesce(u.username, ''), coalesce(t.id, 0), coalesce(t.username, '')"
		" FROM request_raises x JOIN requests r ON r.id = x.request_id"
		" LEFT JOIN users u ON u.id = x.raised_by AND u.disabled = 0"
		" LEFT JOIN users t ON t.id = x.taken_by AND t.disabled = 0 WHERE x.id = ?";
	sqlite3_stmt *st = db_stmt(db, get, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, raise_id);
	int rc = db_one(db, st, fill_raise_row, x, eb);
	if (rc == WQ_ENOTFOUND)
		return wq_fail(eb, WQ_ENOTFOUND, "raise", "nothing raised as #%lld",
			       (long long)raise_id);
	if (rc)
		return rc;
	if (expected && x->version != expected)
		return wq_fail(eb, WQ_ECONFLICT, "raise",
			       "%s changed since you loaded it", x->tracking);
	if (strcmp(x->state, "raised"))
		return wq_fail(eb, WQ_ECONFLICT, "state", "%s is already answered", x->tracking);
	return WQ_OK;
}

/* Runs the raise's bound UPDATE: exactly one row, or it moved meanwhile. */
static int raise_step(struct db *db, sqlite3_stmt *st, const struct raise_row *x,
		      struct wq_errbuf *eb)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (sqlite3_changes(db_handle(db)) != 1)
		return wq_fail(eb, WQ_ECONFLICT, "raise", "%s changed since you loaded it",
			       x->tracking);
	return WQ_OK;
}

/* Taken by another national inspector: his until he answers or gives it back (a
 * disabled account holds nothing: raise_load reads no holder for it). */
static int held_by_another(const struct actor *a, const struct raise_row *x,
			   struct wq_errbuf *eb)
{
	if (x->taken_by && x->taken_by != a->user_id)
		return wq_fail(eb, WQ_EDENIED, "inspector", "%s is taken by %s", x->tracking,
			       x->holder[0] ? x->holder : "?");
	return WQ_OK;
}

/* What goes with the answer, in its transaction: a line of the request's history (kept
 * free of language, history_text.c says it in the reader's) that leaves the state as it
 * is, so the citizen's page and messages skip it; and a notice to the province's
 * inspector who raised it, which marks his title line live.  A raise by the sweep has
 * nobody to tell: the province reads the answer on its list (N). */
static int answer_follows(struct db *db, const struct actor *a, const struct raise_row *x,
			  const char *answer, int64_t now, struct wq_errbuf *eb)
{
	char note[NOTE_MAX_BYTES], body[NOTICE_MAX_BYTES], text[NOTICE_MAX_BYTES];
	int64_t id;
	lifecycle_national_note(answer, note, sizeof note);
	int rc = db_event_append(db, x->request_id, now, a->user_id, a->username, x->office_id,
				 x->req_state, x->req_state, note, eb);
	if (rc || !x->raised_by[0])
		return rc;
	/* the tracking number and the answer: no sentence, so nothing to translate */
	snprintf(text, sizeof text, "%s: %s", x->tracking, answer);
	utf8_shown(text, body, sizeof body, sizeof body - 1);
	return notice_send_in_tx(db, a, NOTICE_TO_ACCOUNT, x->raised_by, body, &id, eb);
}

static int do_answer(struct db *db, const struct actor *a, int64_t raise_id,
		     int64_t expected, const char *answer, struct wq_errbuf *eb)
{
	static const char upd[] =
		"UPDATE request_raises SET state = 'answered', inspector_id = ?1, answer = ?2,"
		" answered_at = ?3, version = version + 1"
		" WHERE id = ?4 AND version = ?5 AND state = 'raised'";
	struct raise_row x;
	sqlite3_stmt *st;
	int rc = raise_load(db, raise_id, expected, &x, eb);
	if (rc || (rc = held_by_another(a, &x, eb)))
		return rc;
	if (!(st = db_stmt(db, upd, eb)))
		return WQ_EIO;
	int64_t now = wq_now();
	sqlite3_bind_int64(st, 1, a->user_id);
	db_bind_text(st, 2, answer);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, x.id);
	sqlite3_bind_int64(st, 5, x.version);
	if ((rc = raise_step(db, st, &x, eb)))
		return rc;
	if ((rc = answer_follows(db, a, &x, answer, now, eb)))
		return rc;
	return db_audit_append(db, a->user_id, a->username, "request.raise_answer", x.tracking,
			       answer, "", eb);
}

int national_answer_request(struct db *db, const struct actor *a, int64_t raise_id,
			    int64_t expected_version, const char *answer,
			    struct wq_errbuf *eb)
{
	if (!national_inspector(a))
		return wq_fail(eb, WQ_EDENIED, "role",
			       "only the national inspection answers a raised request");
	int rc = text_ok(answer, "answer", eb);
	if (rc)
		return rc;
	DB_TX_AS(db, a, eb, do_answer(db, a, raise_id, expected_version, answer, eb));
}

/* Takes (by = the actor) or gives back (by = 0) a waiting raise. */
static int do_hold(struct db *db, const struct actor *a, int64_t raise_id, int64_t expected,
		   int take, struct wq_errbuf *eb)
{
	static const char upd[] =
		"UPDATE request_raises SET taken_by = nullif(?1, 0),"
		" taken_at = CASE WHEN ?1 = 0 THEN NULL ELSE ?2 END, version = version + 1"
		" WHERE id = ?3 AND version = ?4 AND state = 'raised'";
	struct raise_row x;
	int rc = raise_load(db, raise_id, expected, &x, eb);
	if (rc || (rc = held_by_another(a, &x, eb)))
		return rc;
	if (take && x.taken_by == a->user_id)
		return WQ_OK; /* his already: nothing to write */
	if (!take && !x.taken_by)
		return wq_fail(eb, WQ_ECONFLICT, "state", "%s is not taken", x.tracking);
	sqlite3_stmt *st = db_stmt(db, upd, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, take ? a->user_id : 0);
	sqlite3_bind_int64(st, 2, wq_now());
	sqlite3_bind_int64(st, 3, x.id);
	sqlite3_bind_int64(st, 4, x.version);
	if ((rc = raise_step(db, st, &x, eb)))
		return rc;
	return db_audit_append(db, a->user_id, a->username,
			       take ? "request.raise_take" : "request.raise_release", x.tracking,
			       "", "", eb);
}

int national_take_request(struct db *db, const struct actor *a, int64_t raise_id,
			  int64_t expected_version, struct wq_errbuf *eb)
{
	if (!national_inspector(a))
		return wq_fail(eb, WQ_EDENIED, "role",
			       "only the national inspection takes a raised request");
	DB_TX_AS(db, a, eb, do_hold(db, a, raise_id, expected_version, 1, eb));
}

int national_release_request(struct db *db, const struct actor *a, int64_t raise_id,
			     int64_t expected_version, struct wq_errbuf *eb)
{
	if (!national_inspector(a))
		return wq_fail(eb, WQ_EDENIED, "role",
			       "only the national inspection takes a raised request");
	DB_TX_AS(db, a, eb, do_hold(db, a, raise_id, expected_version, 0, eb));
}

/* ---- the sweep ---- */

struct candidate {
	int64_t id, paid_at, stage_at, office_id;
	char tracking[TRACKING_BYTES];
	enum req_state state;
};

static void fill_candidate(sqlite3_stmt *st, void *row)
{
	struct candidate *c = row;
	char state[20];
	c->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, c->tracking, sizeof c->tracking);
	db_col_text(st, 2, state, sizeof state);
	c->state = req_state_from_name(state);
	c->paid_at = sqlite3_column_int64(st, 3);
	c->stage_at = sqlite3_column_int64(st, 4);
	c->office_id = sqlite3_column_int64(st, 5);
}

/* Fewest calendar days after payment at which a request can be due nationally. */
static int min_days(const struct escalate_rules *r)
{
	int best = r->window_days > 0 ? r->window_days : -1;
	for (int s = 0; s < RS_COUNT; s++)
		if (r->stage_days[s] > 0 && (best < 0 || r->stage_days[s] + r->inspector_days < best))
			best = r->stage_days[s] + r->inspector_days;
	return (best < 0 ? 0 : best) + r->national_days;
}

static int raise_itself(struct db *db, const struct candidate *c, int64_t now, int *done,
			struct wq_errbuf *eb)
{
	static const char still[] =
		"SELECT count(*) FROM request_raises WHERE request_id = ?";
	int64_t seen = 0;
	sqlite3_stmt *st = db_stmt(db, still, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, c->id);
	int rc = db_one_id(db, st, &seen, eb);
	if (rc || seen)
		return rc; /* raised meanwhile by the province */
	if ((rc = raise_with_history(db, c->id, 0, "system", c->office_id, c->state, "", now, eb)))
		return rc;
	*done = 1;
	return db_audit_append(db, 0, "system", "request.raise", c->tracking,
			       "past its deadline at the province", "", eb);
}

/* One page of candidates after (after_paid, after_id), oldest first, into *rows. */
static int sweep_page(struct db *db, int64_t bound, int64_t after_paid, int64_t after_id,
		      struct candidate **rows, int *got, struct wq_errbuf *eb)
{
	/* a range of requests_open_paid (db/286: its WHERE is this one's state list, word
	 * for word, or SQLite cannot use it), then one probe of request_raises each; named,
	 * as with no statistics SQLite took requests_state_office and sorted every open
	 * request for each page */
	static const char sql[] =
		"SELECT r.id, r.tracking, r.state, r.paid_at, coalesce(r.stage_at, r.updated_at),"
		" r.office_id FROM requests r INDEXED BY requests_open_paid WHERE r.state IN ('paid', 'claimed', 'in_production',"
		" 'awaiting_signature', 'signed', 'ready', 'with_post') AND r.paid_at < ?1"
		" AND (r.paid_at, r.id) > (?2, ?3)"
		" AND NOT EXISTS (SELECT 1 FROM request_raises x WHERE x.request_id = r.id)"
		" ORDER BY r.paid_at, r.id LIMIT ?4";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, bound);
	sqlite3_bind_int64(st, 2, after_paid);
	sqlite3_bind_int64(st, 3, after_id);
	sqlite3_bind_int(st, 4, NATIONAL_SWEEP_PAGE);
	return db_collect(db, st, sizeof **rows, fill_candidate, (void **)rows, got, eb);
}

int national_raise_overdue(struct db *db, const struct escalate_rules *r, int64_t now,
			   int *n, struct wq_errbuf *eb)
{
	/* the calendar bound first (n working days are at least n days), then each one's
	 * own deadline in working days, which a later payment may reach sooner (a stage
	 * moved recently is not due, a younger request stuck in its first stage is): so
	 * every candidate is read, a page at a time, each page its own short read; a
	 * request raised once (answered or not) is not raised again by itself: the answer
	 * said what to do with it */
	int64_t bound = escalate_bound(now, min_days(r));
	int64_t after_paid = INT64_MIN, after_id = 0;
	int rc = WQ_OK, got = NATIONAL_SWEEP_PAGE;
	*n = 0;
	if (r->national_days <= 0)
		return WQ_OK;
	while (!rc && got == NATIONAL_SWEEP_PAGE && *n < NATIONAL_SWEEP_BATCH) {
		struct candidate *rows = NULL;
		if ((rc = sweep_page(db, bound, after_paid, after_id, &rows, &got, eb)))
			break;
		for (int i = 0; i < got && !rc && *n < NATIONAL_SWEEP_BATCH; i++) {
			if (!escalate_national_due(r, rows[i].state, rows[i].paid_at,
						   rows[i].stage_at, now))
				continue;
			int done = 0;
			if ((rc = db_begin(db, eb)))
				break;
			rc = raise_itself(db, &rows[i], now, &done, eb);
			if (rc)
				db_rollback(db);
			else if (!(rc = db_commit(db, eb)))
				*n += done;
		}
		if (got > 0) {
			after_paid = rows[got - 1].paid_at;
			after_id = rows[got - 1].id;
		}
		free(rows);
	}
	return rc;
}
