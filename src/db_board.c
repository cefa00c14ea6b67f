/* db_board.c - the data layer behind board.h: the supervisor board's counts by stage,
 * agent loads and the office-aware history.  Every query is filtered by the actor's
 * scope in SQL, like db_request.c.  Read-only; any process holding a `struct db`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "db.h"
#include "db_scope.h"
#include "request.h"
#include "util.h"

/* envelopes back from the post wait at the office: for the citizen's choice
 * (returned) or for the citizen himself (to_collect) */
#define OPEN_STATES                                                                  \
	" r.state IN ('paid', 'claimed', 'in_production', 'awaiting_signature', 'signed',"  \
	" 'ready', 'with_post', 'returned', 'to_collect')"
#define COUNTS(sc)                                                               \
	"SELECT r.state, count(*), sum(r.state IN ('paid', 'claimed', 'in_production'," \
	" 'awaiting_signature', 'signed', 'ready') AND r.paid_at < ?2)"                                           \
	" FROM requests r WHERE" OPEN_STATES " AND" sc " GROUP BY r.state"

static const char *const counts_sql[] = {NULL, COUNTS(SC_OFFICE), COUNTS(SC_COMMUNE),
					  COUNTS(SC_PROVINCE), COUNTS(SC_NATIONAL)};

int board_counts(struct db *db, const struct actor *a, int64_t overdue_before,
		 struct board_counts *out, struct wq_errbuf *eb)
{
	char state[20];
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = db_scope_ok(a, eb)))
		return rc;
	sqlite3_stmt *st = db_stmt(db, counts_sql[a->scope], eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int64(st, 2, overdue_before);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_text(st, 0, state, sizeof state);
		enum req_state s = req_state_from_name(state);
		if (s != RS_NONE)
			out->stage[s] = sqlite3_column_int(st, 1);
		out->overdue += sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

static void fill_load(sqlite3_stmt *st, void *row)
{
	struct agent_load *l = row;
	l->user_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, l->username, sizeof l->username);
	db_col_text(st, 2, l->full_name, sizeof l->full_name);
	l->claimed = sqlite3_column_int(st, 3);
	l->in_production = sqlite3_column_int(st, 4);
	l->ready = sqlite3_column_int(st, 5);
	l->overdue = sqlite3_column_int(st, 6);
}

int board_agent_loads(struct db *db, const struct actor *a, int64_t overdue_before,
		      struct agent_load **out, int *n, struct wq_errbuf *eb)
{
	/* Only an office has agents; the agents of the office also carry the requests
	 * of the low-activity offices it relays. */
	static const char sql[] =
		"SELECT u.id, u.username, u.full_name,"
		" count(CASE WHEN r.state = 'claimed' THEN 1 END),"
		" count(CASE WHEN r.state IN ('in_production', 'awaiting_signature', 'signed')"
		" THEN 1 END),"
		" count(CASE WHEN r.state = 'ready' THEN 1 END),"
		" count(CASE WHEN r.state <> 'ready' AND r.paid_at < ?2 THEN 1 END)"
		" FROM users u LEFT JOIN requests r ON r.agent_id = u.id"
		" AND r.state IN ('claimed', 'in_production', 'awaiting_signature', 'signed',"
		" 'ready')"
		" WHERE u.role = 'agent' AND u.scope_kind = 'office' AND u.scope_id = ?1"
		" AND u.disabled = 0 GROUP BY u.id ORDER BY u.username";
	*out = NULL;
	*n = 0;
	if (a->scope != SCOPE_OFFICE)
		return WQ_OK;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int64(st, 2, overdue_before);
	return db_collect(db, st, sizeof **out, fill_load, (void **)out, n, eb);
}

static void fill_event(sqlite3_stmt *st, void *row)
{
	struct board_event *e = row;
	char from[20], to[20];
	e->at = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, e->actor, sizeof e->actor);
	db_col_text(st, 2, e->actor_office, sizeof e->actor_office);
	db_col_text(st, 3, e->office, sizeof e->office);
	db_col_text(st, 4, from, sizeof from);
	db_col_text(st, 5, to, sizeof to);
	db_col_text(st, 6, e->note, sizeof e->note);
	e->from = req_state_from_name(from);
	e->to = req_state_from_name(to);
}

int board_history(struct db *db, const struct actor *a, int64_t request_id,
		  struct board_event **out, int *n, struct wq_errbuf *eb)
{
	/* The recorder's office is the account's office scope (staff do not move between
	 * offices often; the event keeps the request's office, which is what must not
	 * change). */
	static const char sql[] =
		"SELECT e.at, e.actor_label, coalesce(ao.code, ''), coalesce(o.code, ''),"
		" e.from_state, e.to_state, e.note FROM request_events e"
		" LEFT JOIN offices o ON o.id = e.office_id"
		" LEFT JOIN users u ON u.id = e.actor_id"
		" LEFT JOIN offices ao ON u.scope_kind = 'office' AND ao.id = u.scope_id"
		" WHERE e.request_id = ? ORDER BY e.id";
	struct request r;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = request_get(db, a, request_id, &r, eb))) /* the scope check */
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	return db_collect(db, st, sizeof **out, fill_event, (void **)out, n, eb);
}

