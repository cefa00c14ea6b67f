/* db_escalate.c - the data layer behind escalate.h's lists and sweep.  The SQL picks,
 * through an index and the actor's scope, the open requests paid long enough ago that
 * they may be at the level asked (a calendar bound: n working days are at least n
 * days); escalate_level() then decides on each, in C, with the working-day calendar.
 * The sweep opens each complaint in its own short BEGIN IMMEDIATE transaction with its
 * audit row.  Runs in the UI child (lists) and the web side's notify thread (sweep). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_scope.h"
#include "complaint.h"
#include "escalate.h"
#include "util.h"


#define OPEN_STATES                                                                 \
	" r.state IN ('paid', 'claimed', 'in_production', 'awaiting_signature', 'signed',"  \
	" 'ready', 'with_post')"
#define ESC_COLS                                                                        \
	"r.id, r.tracking, r.state, o.code, coalesce(u.username, ''),"                  \
	" r.last_name_lat || ' ' || r.first_name_lat, r.lang, r.paid_at,"              \
	" coalesce(r.stage_at, r.updated_at), coalesce(x.complaint_id, 0)"
#define ESC_FROM                                                                        \
	" FROM requests r JOIN offices o ON o.id = r.office_id"                         \
	" LEFT JOIN users u ON u.id = r.agent_id"                                       \
	" LEFT JOIN escalation_complaints x ON x.request_id = r.id"
/* ?1 scope id, ?2 paid before, ?3 limit; read through requests_state_office
 * (state, office_id, paid_at): a range per open state and office of the scope */
#define LIST(sc)                                                                        \
	"SELECT " ESC_COLS ESC_FROM " WHERE" OPEN_STATES " AND r.paid_at < ?2 AND" sc   \
	" ORDER BY r.paid_at, r.id LIMIT ?3"

static const char *const list_sql[] = {NULL, LIST(SC_OFFICE), LIST(SC_COMMUNE),
				       LIST(SC_PROVINCE), LIST(SC_NATIONAL)};

static void fill_escalation(sqlite3_stmt *st, void *row)
{
	struct escalation *e = row;
	char state[20];
	int c = 0;
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, e->tracking, sizeof e->tracking);
	db_col_text(st, c++, state, sizeof state);
	e->state = req_state_from_name(state);
	db_col_text(st, c++, e->office_code, sizeof e->office_code);
	db_col_text(st, c++, e->agent, sizeof e->agent);
	db_col_text(st, c++, e->citizen, sizeof e->citizen);
	db_col_text(st, c++, e->lang, sizeof e->lang);
	e->paid_at = sqlite3_column_int64(st, c++);
	e->stage_at = sqlite3_column_int64(st, c++);
	e->complaint_id = sqlite3_column_int64(st, c++);
}

/* Fewest calendar days after payment at which a request can reach `level`. */
static int min_days(const struct escalate_rules *r, enum escalate_level level)
{
	int best = -1;
	if (level <= ESC_ON_TIME)
		return 0;
	int extra = level == ESC_LATE ? 0 : level == ESC_SUPERVISOR ? r->supervisor_days
								    : r->inspector_days;
	for (int s = 0; s < RS_COUNT; s++)
		if (r->stage_days[s] > 0 && (best < 0 || r->stage_days[s] + extra < best))
			best = r->stage_days[s] + extra;
	if (r->window_days > 0 && (best < 0 || r->window_days < best))
		best = r->window_days;
	return best < 0 ? 0 : best;
}

static int level_first(const void *a, const void *b)
{
	const struct escalation *x = a, *y = b;
	if (x->level != y->level)
		return (int)y->level - (int)x->level;
	return (x->paid_at > y->paid_at) - (x->paid_at < y->paid_at);
}

int escalate_list(struct db *db, const struct actor *a, const struct escalate_rules *r,
		  int64_t now, enum escalate_level min_level, struct escalation **out, int *n,
		  struct wq_errbuf *eb)
{
	struct escalation *rows = NULL;
	int k = 0, rc;
	*out = NULL;
	*n = 0;
	if ((rc = db_scope_ok(a, eb)))
		return rc;
	sqlite3_stmt *st = db_stmt(db, list_sql[a->scope], eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int64(st, 2, escalate_bound(now, min_days(r, min_level)));
	sqlite3_bind_int(st, 3, ESCALATE_LIST_LIMIT);
	if ((rc = db_collect(db, st, sizeof *rows, fill_escalation, (void **)&rows, &k, eb)))
		return rc;
	int kept = 0;
	for (int i = 0; i < k; i++) {
		rows[i].level = escalate_level(r, rows[i].state, rows[i].paid_at,
					       rows[i].stage_at, now);
		if (rows[i].level >= min_level)
			rows[kept++] = rows[i];
	}
	if (kept > 1)
		qsort(rows, (size_t)kept, sizeof *rows, level_first);
	if (!kept) {
		free(rows);
		rows = NULL;
	}
	*out = rows;
	*n = kept;
	return WQ_OK;
}

/* One complaint for request_id, unless it has one or is no longer open; *opened 0/1. */
static int open_one(struct db *db, int64_t request_id, const char *tracking,
		    const char *body, int window_days, int64_t now, int *opened,
		    struct wq_errbuf *eb)
{
	/* the province of the office that holds the request, as a citizen's complaint */
	static const char ins[] =
		"INSERT INTO complaints (request_id, province_id, opened_at, opened_by, body)"
		" SELECT r.id, c.province_id, ?2, NULL, ?3 FROM requests r"
		" JOIN offices o ON o.id = r.office_id JOIN communes c ON c.id = o.commune_id"
		" WHERE r.id = ?1 AND" OPEN_STATES
		" AND NOT EXISTS (SELECT 1 FROM escalation_complaints x WHERE x.request_id = r.id)";
	static const char rec[] = "INSERT INTO escalation_complaints (request_id, complaint_id,"
				  " opened_at) VALUES (?, ?, ?)";
	*opened = 0;
	sqlite3_stmt *st = db_stmt(db, ins, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, now);
	db_bind_text(st, 3, body);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (sqlite3_changes(db_handle(db)) != 1)
		return WQ_OK; /* delivered or closed meanwhile, or already done */
	int64_t complaint = sqlite3_last_insert_rowid(db_handle(db));
	if (!(st = db_stmt(db, rec, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, complaint);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	char detail[96];
	snprintf(detail, sizeof detail, "complaint %lld: delivery window of %d working days missed",
		 (long long)complaint, window_days);
	*opened = 1;
	return db_audit_append(db, 0, "system", "complaint.auto_open", tracking, detail, "", eb);
}

int escalate_sweep(struct db *db, const struct escalate_rules *r, int64_t now, int *opened,
		   int *more, struct wq_errbuf *eb)
{
	/* the kingdom's open requests paid before the window's calendar bound and without
	 * their complaint: the open states of requests_state_office (63,000 rows of 10
	 * million on bench/gen's kingdom), then one primary-key probe each */
	static const char sql[] =
		"SELECT " ESC_COLS ESC_FROM " WHERE" OPEN_STATES " AND r.paid_at < ?1"
		" AND x.request_id IS NULL ORDER BY r.paid_at LIMIT ?2";
	struct escalation *rows = NULL;
	int n = 0, rc;
	*opened = 0;
	*more = 0;
	if (r->window_days <= 0)
		return WQ_OK;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, escalate_bound(now, r->window_days));
	sqlite3_bind_int(st, 2, ESCALATE_SWEEP_BATCH + 1);
	if ((rc = db_collect(db, st, sizeof *rows, fill_escalation, (void **)&rows, &n, eb)))
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		/* a deadline never comes sooner for a later payment: the first request still
		 * within its window ends the sweep */
		if (!escalate_window_missed(r, rows[i].state, rows[i].paid_at, now))
			break;
		if (i == ESCALATE_SWEEP_BATCH) {
			*more = 1;
			break;
		}
		char body[COMPLAINT_MAX_BYTES];
		int one = 0;
		escalate_complaint_body(rows[i].lang, rows[i].tracking, rows[i].paid_at,
					r->window_days, body, sizeof body);
		if ((rc = db_begin(db, eb)))
			break;
		rc = open_one(db, rows[i].id, rows[i].tracking, body, r->window_days, now, &one,
			      eb);
		if (rc)
			db_rollback(db);
		else if (!(rc = db_commit(db, eb)))
			*opened += one;
	}
	free(rows);
	return rc;
}
