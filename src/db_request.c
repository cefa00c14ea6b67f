/* db_request.c - the data layer behind request.h's reads: one request, lists, counts and
 * histories, every one filtered by the actor's scope in SQL (db_scope.h).  The writes
 * are in db_request_write.c.  Runs in any process that holds a `struct db`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_scope.h"
#include "office.h"
#include "request.h"
#include "util.h"

#define REQ_COLS                                                                           \
	"r.id, r.tracking, r.doc_type, r.copies, r.birth_commune_id, bc.name_fr,"          \
	" r.record_number, r.record_year, r.first_name_ar, r.last_name_ar,"                \
	" r.first_name_lat, r.last_name_lat, r.birth_date, r.cin, r.phone, r.email,"       \
	" r.address, r.postal_code, r.city, r.lang, r.fee_centimes, r.state, r.office_id," \
	" o.code, coalesce(r.agent_id, 0), coalesce(u.username, ''), r.reject_reason,"     \
	" r.version, r.created_at, coalesce(r.paid_at, 0), r.updated_at,"                  \
	" coalesce(m.code, ''), coalesce(r.stage_at, r.updated_at), r.country,"         \
	LINE_COLS("l1") "," LINE_COLS("l2")
/* the order's lines (at most ORDER_LINES_MAX: one join each) */
#define LINE_COLS(l)                                                                     \
	" coalesce(" l ".doc_type, ''), coalesce(" l ".copies, 0),"                     \
	" coalesce(" l ".fee_centimes, 0), " l ".state = 'rejected',"                   \
	" coalesce(" l ".reject_reason, '')"
#define REQ_FROM                                                                 \
	" FROM requests r JOIN offices o ON o.id = r.office_id"                   \
	" JOIN communes bc ON bc.id = r.birth_commune_id"                         \
	" LEFT JOIN users u ON u.id = r.agent_id"                                 \
	" LEFT JOIN mail_items m ON m.request_id = r.id"                          \
	" LEFT JOIN request_lines l1 ON l1.request_id = r.id AND l1.line_no = 1"  \
	" LEFT JOIN request_lines l2 ON l2.request_id = r.id AND l2.line_no = 2"
#define LIST_WHERE                                                               \
	" AND r.state IN (SELECT value FROM json_each(?2))"                      \
	" AND (?3 = 0 OR r.office_id = ?3)"                                      \
	" AND (?4 = 0 OR (?4 = -1 AND r.agent_id IS NULL) OR r.agent_id = ?4)"
#define ORDER_QUEUE " ORDER BY r.paid_at, r.id LIMIT ?5 OFFSET ?6"
#define ORDER_RECENT " ORDER BY r.updated_at DESC, r.id DESC LIMIT ?5 OFFSET ?6"
#define LIST(sc, order) "SELECT " REQ_COLS REQ_FROM " WHERE" sc LIST_WHERE order
#define COUNT(sc) "SELECT count(*) FROM requests r WHERE" sc LIST_WHERE
#define GET(sc) "SELECT " REQ_COLS REQ_FROM " WHERE r.id = ?2 AND" sc
#define BY_TRACKING(sc) "SELECT " REQ_COLS REQ_FROM " WHERE r.tracking = ?2 AND" sc

/* Indexed by enum scope_kind; SCOPE_NONE sees nothing (sql NULL). */
static const char *const list_queue_sql[] = {
	NULL, LIST(SC_OFFICE, ORDER_QUEUE), LIST(SC_COMMUNE, ORDER_QUEUE),
	LIST(SC_PROVINCE, ORDER_QUEUE), LIST(SC_NATIONAL, ORDER_QUEUE)};
static const char *const list_recent_sql[] = {
	NULL, LIST(SC_OFFICE, ORDER_RECENT), LIST(SC_COMMUNE, ORDER_RECENT),
	LIST(SC_PROVINCE, ORDER_RECENT), LIST(SC_NATIONAL, ORDER_RECENT)};
static const char *const count_sql[] = {NULL, COUNT(SC_OFFICE), COUNT(SC_COMMUNE),
					 COUNT(SC_PROVINCE), COUNT(SC_NATIONAL)};
static const char *const get_sql[] = {NULL, GET(SC_OFFICE), GET(SC_COMMUNE),
				       GET(SC_PROVINCE), GET(SC_NATIONAL)};
static const char *const tracking_sql[] = {NULL, BY_TRACKING(SC_OFFICE),
					    BY_TRACKING(SC_COMMUNE), BY_TRACKING(SC_PROVINCE),
					    BY_TRACKING(SC_NATIONAL)};
/* in scope or not, without reading the request (its seven joins) */
#define SEEN(sc) "SELECT r.id FROM requests r WHERE r.id = ?2 AND" sc
static const char *const seen_sql[] = {NULL, SEEN(SC_OFFICE), SEEN(SC_COMMUNE),
					SEEN(SC_PROVINCE), SEEN(SC_NATIONAL)};

static void fill_request(sqlite3_stmt *st, void *row)
{
	struct request *r = row;
	memset(r, 0, sizeof *r);
	char state[20];
	int c = 0;
	r->id = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, r->tracking, sizeof r->tracking);
	db_col_text(st, c++, r->doc_type, sizeof r->doc_type);
	r->copies = sqlite3_column_int(st, c++);
	r->birth_commune_id = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, r->commune_name, sizeof r->commune_name);
	db_col_text(st, c++, r->record_number, sizeof r->record_number);
	r->record_year = sqlite3_column_int(st, c++);
	db_col_text(st, c++, r->first_name_ar, sizeof r->first_name_ar);
	db_col_text(st, c++, r->last_name_ar, sizeof r->last_name_ar);
	db_col_text(st, c++, r->first_name_lat, sizeof r->first_name_lat);
	db_col_text(st, c++, r->last_name_lat, sizeof r->last_name_lat);
	db_col_text(st, c++, r->birth_date, sizeof r->birth_date);
	db_col_text(st, c++, r->cin, sizeof r->cin);
	db_col_text(st, c++, r->phone, sizeof r->phone);
	db_col_text(st, c++, r->email, sizeof r->email);
	db_col_text(st, c++, r->address, sizeof r->address);
	db_col_text(st, c++, r->postal_code, sizeof r->postal_code);
	db_col_text(st, c++, r->city, sizeof r->city);
	db_col_text(st, c++, r->lang, sizeof r->lang);
	r->fee_centimes = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, state, sizeof state);
	r->state = req_state_from_name(state);
	r->office_id = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, r->office_code, sizeof r->office_code);
	r->agent_id = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, r->agent_name, sizeof r->agent_name);
	db_col_text(st, c++, r->reject_reason, sizeof r->reject_reason);
	r->version = sqlite3_column_int64(st, c++);
	r->created_at = sqlite3_column_int64(st, c++);
	r->paid_at = sqlite3_column_int64(st, c++);
	r->updated_at = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, r->mail_code, sizeof r->mail_code);
	r->stage_at = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, r->country, sizeof r->country);
	for (int i = 0; i < ORDER_LINES_MAX; i++) {
		struct req_line *l = &r->lines[r->nlines];
		db_col_text(st, c++, l->doc_type, sizeof l->doc_type);
		l->copies = sqlite3_column_int(st, c++);
		l->fee_centimes = sqlite3_column_int64(st, c++);
		l->rejected = sqlite3_column_int(st, c++);
		db_col_text(st, c++, l->reject_reason, sizeof l->reject_reason);
		if (l->doc_type[0]) { /* numbered from 1 without gaps (db/211) */
			l->no = i + 1;
			r->nlines++;
		}
	}
}

/* Reads one request by id or tracking number within the actor's scope. */
static int get_one(struct db *db, const struct actor *a, const char *const *sqls, int64_t id,
		   const char *tracking, struct request *out, struct wq_errbuf *eb)
{
	int rc = db_scope_ok(a, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sqls[a->scope], eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	if (tracking)
		db_bind_text(st, 2, tracking);
	else
		sqlite3_bind_int64(st, 2, id);
	if ((rc = db_one(db, st, fill_request, out, eb)) != WQ_ENOTFOUND)
		return rc;
	if (tracking)
		return wq_fail(eb, WQ_ENOTFOUND, "tracking", "no request %s%s", tracking,
			       a->scope == SCOPE_NATIONAL ? "" : " in your scope");
	return wq_fail(eb, WQ_ENOTFOUND, "request", "no request #%lld%s", (long long)id,
		       a->scope == SCOPE_NATIONAL ? "" : " in your scope");
}

int request_get(struct db *db, const struct actor *a, int64_t id, struct request *out,
		struct wq_errbuf *eb)
{
	return get_one(db, a, get_sql, id, NULL, out, eb);
}

int request_get_by_tracking(struct db *db, const struct actor *a, const char *tracking,
			    struct request *out, struct wq_errbuf *eb)
{
	return get_one(db, a, tracking_sql, 0, tracking, out, eb);
}

/* The states of a filter as a JSON array for json_each(): an IN list the planner can
 * walk through the requests(office_id, state, paid_at) index (an instr() over a
 * string cannot use it: at 10 M requests the queue page read an office's whole history
 * to show 20 rows).  No filter means every state. */
static void state_set(unsigned states, char *buf, size_t len)
{
	size_t n = 0;
	if (!states)
		states = ~0u;
	n += (size_t)snprintf(buf + n, len - n, "[");
	for (int s = 0; s < RS_COUNT && n < len; s++)
		if (states & STATE_BIT(s))
			n += (size_t)snprintf(buf + n, len - n, "%s\"%s\"", n > 1 ? "," : "",
					      req_state_name(s));
	if (n < len)
		snprintf(buf + n, len - n, "]");
}

static sqlite3_stmt *bind_list(struct db *db, const struct actor *a, const char *sql,
			       const struct request_filter *f, struct wq_errbuf *eb)
{
	char states[200];
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return NULL;
	state_set(f->states, states, sizeof states);
	sqlite3_bind_int64(st, 1, a->scope_id);
	db_bind_text(st, 2, states);
	sqlite3_bind_int64(st, 3, f->office_id);
	sqlite3_bind_int64(st, 4, f->agent_id);
	return st;
}

int request_list(struct db *db, const struct actor *a, const struct request_filter *f,
		 struct request **out, int *n, struct wq_errbuf *eb)
{
	*out = NULL;
	*n = 0;
	int rc = db_scope_ok(a, eb);
	if (rc)
		return rc;
	const char *sql = (f->oldest_first ? list_queue_sql : list_recent_sql)[a->scope];
	sqlite3_stmt *st = bind_list(db, a, sql, f, eb);
	if (!st)
		return WQ_EIO;
	int limit = f->limit > 0 ? f->limit : 1000;
	sqlite3_bind_int(st, 5, limit);
	sqlite3_bind_int(st, 6, f->offset);
	return db_collect(db, st, sizeof **out, fill_request, (void **)out, n, eb);
}

int request_count(struct db *db, const struct actor *a, const struct request_filter *f,
		  int *n, struct wq_errbuf *eb)
{
	*n = 0;
	int rc = db_scope_ok(a, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = bind_list(db, a, count_sql[a->scope], f, eb);
	if (!st)
		return WQ_EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? WQ_OK : db_fail(db, rc, eb);
}

static void fill_event(sqlite3_stmt *st, void *row)
{
	struct req_event *e = row;
	char from[20], to[20];
	e->id = sqlite3_column_int64(st, 0);
	e->at = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, e->actor, sizeof e->actor);
	db_col_text(st, 3, e->office_code, sizeof e->office_code);
	db_col_text(st, 4, from, sizeof from);
	db_col_text(st, 5, to, sizeof to);
	db_col_text(st, 6, e->note, sizeof e->note);
	e->from = req_state_from_name(from);
	e->to = req_state_from_name(to);
}

int request_history(struct db *db, const struct actor *a, int64_t id, struct req_event **out,
		    int *n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT e.id, e.at, e.actor_label, coalesce(o.code, ''), e.from_state,"
		" e.to_state, e.note FROM request_events e LEFT JOIN offices o"
		" ON o.id = e.office_id WHERE e.request_id = ? ORDER BY e.id";
	*out = NULL;
	*n = 0;
	int rc = db_scope_ok(a, eb); /* the scope check */
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, seen_sql[a->scope], eb);
	if (!st)
		return WQ_EIO;
	int64_t seen;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int64(st, 2, id);
	if ((rc = db_one_id(db, st, &seen, eb)) == WQ_ENOTFOUND)
		return wq_fail(eb, WQ_ENOTFOUND, "request", "no request #%lld%s", (long long)id,
			       a->scope == SCOPE_NATIONAL ? "" : " in your scope");
	if (rc)
		return rc;
	st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	return db_collect(db, st, sizeof **out, fill_event, (void **)out, n, eb);
}

int request_unpaid_due(struct db *db, int64_t max_age_seconds, struct unpaid_due *out,
		       int max, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT id, tracking, fee_centimes FROM requests"
				  " WHERE state = 'pending_payment' AND created_at < ?"
				  " ORDER BY id LIMIT ?";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, wq_now() - max_age_seconds);
	sqlite3_bind_int(st, 2, max);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		struct unpaid_due *u = &out[(*n)++];
		u->id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, u->tracking, sizeof u->tracking);
		u->fee_centimes = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? WQ_OK : db_fail(db, rc, eb);
}
