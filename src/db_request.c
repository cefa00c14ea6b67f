/* db_request.c - the data layer behind request.h: every read filtered by the actor's
 * scope in SQL, every write one BEGIN IMMEDIATE transaction that re-reads the state and
 * version, asks lifecycle_check(), writes, and appends the event and the audit row.
 * Runs in any process that holds a `struct db`; never blocks on anything but SQLite. */
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
	" coalesce(m.code, ''), coalesce(r.stage_at, r.updated_at)"
#define REQ_FROM                                                                 \
	" FROM requests r JOIN offices o ON o.id = r.office_id"                   \
	" JOIN communes bc ON bc.id = r.birth_commune_id"                         \
	" LEFT JOIN users u ON u.id = r.agent_id"                                 \
	" LEFT JOIN mail_items m ON m.request_id = r.id"
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

int request_get_citizen(struct db *db, const char *tracking, const char *secret,
			struct request *out, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT secret_hash FROM requests WHERE tracking = ?";
	struct actor sys;
	actor_system(&sys);
	if (!wq_tracking_valid(tracking))
		return wq_fail(eb, WQ_ENOTFOUND, "tracking",
			       "unknown tracking number or wrong secret code");
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, tracking);
	char stored[65] = "", given[65];
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		db_col_text(st, 0, stored, sizeof stored);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	wq_sha256_hex(secret ? secret : "", secret ? strlen(secret) : 0, given);
	/* compare in constant time: the secret code is a password */
	unsigned diff = rc != SQLITE_ROW;
	for (int i = 0; i < 64; i++)
		diff |= (unsigned)(stored[i] ^ given[i]);
	if (diff)
		return wq_fail(eb, WQ_ENOTFOUND, "tracking",
			       "unknown tracking number or wrong secret code");
	return request_get_by_tracking(db, &sys, tracking, out, eb);
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
	struct request r;
	*out = NULL;
	*n = 0;
	int rc = request_get(db, a, id, &r, eb); /* the scope check */
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	return db_collect(db, st, sizeof **out, fill_event, (void **)out, n, eb);
}

/* ---- writes ---- */

/* The current row of a request, read inside the write transaction. */
struct current {
	enum req_state state;
	int64_t version, office_id, agent_id;
	char agent[USERNAME_MAX_BYTES], office_code[16], tracking[TRACKING_BYTES];
};

static int read_current(struct db *db, const struct actor *a, int64_t id, struct current *c,
			struct wq_errbuf *eb)
{
	struct request r;
	int rc = request_get(db, a, id, &r, eb);
	if (rc)
		return rc;
	c->state = r.state;
	c->version = r.version;
	c->office_id = r.office_id;
	c->agent_id = r.agent_id;
	wq_strlcpy(c->agent, r.agent_name, sizeof c->agent);
	wq_strlcpy(c->office_code, r.office_code, sizeof c->office_code);
	wq_strlcpy(c->tracking, r.tracking, sizeof c->tracking);
	return WQ_OK;
}

static int version_check(const struct current *c, int64_t expected, enum req_state to,
			 struct wq_errbuf *eb)
{
	if (c->state == RS_CLAIMED && to == RS_CLAIMED)
		return wq_fail(eb, WQ_ECONFLICT, "request", "%s is already claimed by %s",
			       c->tracking, c->agent);
	if (expected && c->version != expected)
		return wq_fail(eb, WQ_ECONFLICT, "request",
			       "%s changed since you loaded it: it is now %s%s%s", c->tracking,
			       req_state_name(c->state), c->agent[0] ? " with " : "", c->agent);
	return WQ_OK;
}

static int update_request(struct db *db, int64_t id, int64_t version, enum req_state to,
			  int64_t agent_id, int64_t office_id, const char *reason,
			  int set_paid, struct wq_errbuf *eb)
{
	static const char sql[] =
		"UPDATE requests SET state = ?1, agent_id = nullif(?2, 0), office_id = ?3,"
		" reject_reason = CASE WHEN ?4 IS NULL THEN reject_reason ELSE ?4 END,"
		" paid_at = CASE WHEN ?5 THEN ?6 ELSE paid_at END,"
		" stage_at = CASE WHEN state = ?1 THEN stage_at ELSE ?6 END,"
		" version = version + 1, updated_at = ?6 WHERE id = ?7 AND version = ?8";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, req_state_name(to));
	sqlite3_bind_int64(st, 2, agent_id);
	sqlite3_bind_int64(st, 3, office_id);
	db_bind_text(st, 4, reason);
	sqlite3_bind_int(st, 5, set_paid);
	sqlite3_bind_int64(st, 6, wq_now());
	sqlite3_bind_int64(st, 7, id);
	sqlite3_bind_int64(st, 8, version);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (sqlite3_changes(db_handle(db)) != 1)
		return wq_fail(eb, WQ_ECONFLICT, "request", "the request changed meanwhile");
	return WQ_OK;
}

/* Event + audit for a staff or system move, inside the open transaction. */
static int record(struct db *db, const struct actor *a, int64_t id, const struct current *c,
		  enum req_state to, const char *verb, const char *note, struct wq_errbuf *eb)
{
	int rc = db_event_append(db, id, wq_now(), a->user_id, a->username, c->office_id,
				 req_state_name(c->state), req_state_name(to), note, eb);
	if (rc || a->role == ROLE_SYSTEM || a->role == ROLE_CITIZEN)
		return rc;
	char action[40];
	snprintf(action, sizeof action, "request.%s", verb);
	return db_audit_append(db, a->user_id, a->username, action, c->tracking,
			       note ? note : "", "", eb);
}

static int do_transition_checked(struct db *db, const struct actor *a, int64_t id,
				 int64_t expected, enum req_state to, const char *note,
				 struct wq_errbuf *eb);

/* A rejected request was paid for and nothing will be delivered: the citizen is owed the
 * fee back, in the same transaction as the rejection so the books never disagree. */
static int payment_refund_owed(struct db *db, int64_t id, struct wq_errbuf *eb)
{
	static const char sql[] = "UPDATE payments SET status = 'refund_owed'"
				  " WHERE request_id = ? AND status = 'confirmed'";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

static int do_transition(struct db *db, const struct actor *a, int64_t id, int64_t expected,
			 enum req_state to, const char *note, struct wq_errbuf *eb)
{
	/* the post stage needs its registered-mail code: request_hand_to_post() */
	if (to == RS_WITH_POST)
		return wq_fail(eb, WQ_EINVAL, "code",
			       "handing to the post needs the registered-mail code");
	return do_transition_checked(db, a, id, expected, to, note, eb);
}

static int do_transition_checked(struct db *db, const struct actor *a, int64_t id,
				 int64_t expected, enum req_state to, const char *note,
				 struct wq_errbuf *eb)
{
	struct current c;
	int rc = read_current(db, a, id, &c, eb);
	if (rc || (rc = version_check(&c, expected, to, eb)))
		return rc;
	int is_own = c.agent_id && c.agent_id == a->user_id;
	if ((rc = lifecycle_check(a, c.state, to, is_own, note, eb)))
		return rc;
	const struct transition *t = lifecycle_find(c.state, to);
	int64_t agent = c.agent_id;
	if (t->flags & TR_SETS_AGENT)
		agent = a->user_id;
	if (t->flags & TR_CLEARS_AGENT)
		agent = 0;
	const char *reason = (to == RS_REJECTED || to == RS_RETURNED) ? note : NULL;
	rc = update_request(db, id, c.version, to, agent, c.office_id, reason, 0, eb);
	if (!rc && to == RS_REJECTED)
		rc = payment_refund_owed(db, id, eb);
	return rc ? rc : record(db, a, id, &c, to, t->verb, note, eb);
}

int request_transition(struct db *db, const struct actor *a, int64_t id,
		       int64_t expected_version, enum req_state to, const char *note,
		       struct wq_errbuf *eb)
{
	if (note && strlen(note) >= NOTE_MAX_BYTES)
		return wq_fail(eb, WQ_EINVAL, "note", "the note is longer than %d bytes",
			       NOTE_MAX_BYTES - 1);
	DB_TX(db, eb, do_transition(db, a, id, expected_version, to, note, eb));
}

int request_claim(struct db *db, const struct actor *a, int64_t id, int64_t expected_version,
		  struct wq_errbuf *eb)
{
	return request_transition(db, a, id, expected_version, RS_CLAIMED, "", eb);
}

static void fill_username(sqlite3_stmt *st, void *name)
{
	db_col_text(st, 0, name, USERNAME_MAX_BYTES);
}

static int agent_of_office(struct db *db, int64_t agent_id, int64_t office_id, char *name,
			   struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT username FROM users WHERE id = ? AND role = 'agent'"
				  " AND scope_kind = 'office' AND disabled = 0"
				  " AND (scope_id = ?2 OR scope_id IN"
				  " (SELECT relay_office_id FROM offices WHERE id = ?2))";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, agent_id);
	sqlite3_bind_int64(st, 2, office_id);
	int rc = db_one(db, st, fill_username, name, eb);
	if (rc != WQ_ENOTFOUND)
		return rc;
	return wq_fail(eb, WQ_EINVAL, "agent", "agent #%lld is not an active agent of this office",
		       (long long)agent_id);
}

static int do_assign(struct db *db, const struct actor *a, int64_t id, int64_t expected,
		     int64_t agent_id, struct wq_errbuf *eb)
{
	struct current c;
	char name[USERNAME_MAX_BYTES], note[80];
	int rc = read_current(db, a, id, &c, eb);
	if (rc)
		return rc;
	if (a->role != ROLE_SUPERVISOR)
		return wq_fail(eb, WQ_EDENIED, "role", "only a supervisor may assign requests");
	if (expected && c.version != expected)
		return version_check(&c, expected, RS_NONE, eb);
	if (c.state != RS_PAID && c.state != RS_CLAIMED)
		return wq_fail(eb, WQ_ECONFLICT, "state",
			       "%s is %s: only queued or claimed requests can be assigned",
			       c.tracking, req_state_name(c.state));
	if ((rc = agent_of_office(db, agent_id, c.office_id, name, eb)))
		return rc;
	snprintf(note, sizeof note, "assigned to %s", name);
	rc = update_request(db, id, c.version, RS_CLAIMED, agent_id, c.office_id, NULL, 0, eb);
	return rc ? rc : record(db, a, id, &c, RS_CLAIMED, "assign", note, eb);
}

int request_assign(struct db *db, const struct actor *a, int64_t id, int64_t expected_version,
		   int64_t agent_id, struct wq_errbuf *eb)
{
	DB_TX(db, eb, do_assign(db, a, id, expected_version, agent_id, eb));
}

static int do_reassign(struct db *db, const struct actor *a, int64_t id, int64_t expected,
		       int64_t to_office, const char *reason, struct wq_errbuf *eb)
{
	struct current c;
	struct office o;
	char note[NOTE_MAX_BYTES];
	int rc = read_current(db, a, id, &c, eb);
	if (rc)
		return rc;
	if (a->role != ROLE_AGENT && a->role != ROLE_SUPERVISOR)
		return wq_fail(eb, WQ_EDENIED, "role", "a %s may not reassign requests",
			       role_name(a->role));
	if (expected && c.version != expected)
		return version_check(&c, expected, RS_NONE, eb);
	if (c.state != RS_PAID && c.state != RS_CLAIMED)
		return wq_fail(eb, WQ_ECONFLICT, "state",
			       "%s is %s: only queued or claimed requests can be reassigned",
			       c.tracking, req_state_name(c.state));
	if (a->role == ROLE_AGENT && c.state == RS_CLAIMED && c.agent_id != a->user_id)
		return wq_fail(eb, WQ_EDENIED, "agent", "%s is claimed by %s, not by you",
			       c.tracking, c.agent);
	if (!reason || !reason[0])
		return wq_fail(eb, WQ_EINVAL, "reason", "a reason is required to reassign");
	if ((rc = office_get(db, to_office, &o, eb)))
		return rc;
	if (!o.active)
		return wq_fail(eb, WQ_EINVAL, "office", "office %s is closed", o.code);
	if (to_office == c.office_id)
		return wq_fail(eb, WQ_EINVAL, "office", "the request is already at office %s",
			       o.code);
	snprintf(note, sizeof note, "reassigned from %s to %s: %.900s", c.office_code, o.code,
		 reason);
	rc = update_request(db, id, c.version, RS_PAID, 0, to_office, NULL, 0, eb);
	return rc ? rc : record(db, a, id, &c, RS_PAID, "reassign", note, eb);
}

int request_reassign(struct db *db, const struct actor *a, int64_t id,
		     int64_t expected_version, int64_t to_office_id, const char *reason,
		     struct wq_errbuf *eb)
{
	if (reason && strlen(reason) >= 800)
		return wq_fail(eb, WQ_EINVAL, "reason", "the reason is longer than 800 bytes");
	DB_TX(db, eb, do_reassign(db, a, id, expected_version, to_office_id, reason, eb));
}

static int do_hand_to_post(struct db *db, const struct actor *a, int64_t id,
			   int64_t expected, const char *code, const char *how,
			   struct wq_errbuf *eb)
{
	static const char sql[] =
		"INSERT INTO mail_items (request_id, code, sealed_at, sealed_by, handed_at,"
		" handed_how, status) VALUES (?1, ?2, ?3, nullif(?4, 0), ?3, ?5, 'with_post')"
		" ON CONFLICT (request_id) DO UPDATE SET code = ?2, handed_at = ?3,"
		" handed_how = ?5, status = 'with_post'";
	int rc = do_transition_checked(db, a, id, expected, RS_WITH_POST, code, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, code);
	sqlite3_bind_int64(st, 3, wq_now());
	sqlite3_bind_int64(st, 4, a->user_id);
	db_bind_text(st, 5, how);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return wq_fail(eb, WQ_ECONFLICT, "code",
			       "registered-mail code %s is already used by another envelope", code);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	return WQ_OK;
}

int request_hand_to_post(struct db *db, const struct actor *a, int64_t id,
			 int64_t expected_version, const char *code, const char *how,
			 struct wq_errbuf *eb)
{
	if (!wq_s10_valid(code))
		return wq_fail(eb, WQ_EINVAL, "code",
			       "registered-mail code must look like RR123456789MA with a valid "
			       "check digit");
	if (!how || (strcmp(how, "pickup") && strcmp(how, "deposit")))
		return wq_fail(eb, WQ_EINVAL, "how", "hand-over must be pickup or deposit");
	DB_TX(db, eb, do_hand_to_post(db, a, id, expected_version, code, how, eb));
}

/* ---- citizen and system ---- */

static int do_create(struct db *db, struct request *in, const char *secret_hash,
		     struct wq_errbuf *eb)
{
	static const char ins[] =
		"INSERT INTO requests (tracking, secret_hash, doc_type, copies,"
		" birth_commune_id, record_number, record_year, first_name_ar, last_name_ar,"
		" first_name_lat, last_name_lat, birth_date, cin, phone, email, address,"
		" postal_code, city, lang, fee_centimes, state, office_id, created_at,"
		" updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
		" 'pending_payment',?,?,?)";
	int rc;
	if (!in->office_id && (rc = office_for_commune(db, in->birth_commune_id,
						       &in->office_id, eb)))
		return rc;
	for (int attempt = 0;; attempt++) {
		wq_tracking_new(in->tracking);
		sqlite3_stmt *st = db_stmt(db, ins, eb);
		if (!st)
			return WQ_EIO;
		int64_t now = wq_now();
		int c = 1;
		db_bind_text(st, c++, in->tracking);
		db_bind_text(st, c++, secret_hash);
		db_bind_text(st, c++, in->doc_type);
		sqlite3_bind_int(st, c++, in->copies);
		sqlite3_bind_int64(st, c++, in->birth_commune_id);
		db_bind_text(st, c++, in->record_number);
		sqlite3_bind_int(st, c++, in->record_year);
		db_bind_text(st, c++, in->first_name_ar);
		db_bind_text(st, c++, in->last_name_ar);
		db_bind_text(st, c++, in->first_name_lat);
		db_bind_text(st, c++, in->last_name_lat);
		db_bind_text(st, c++, in->birth_date);
		db_bind_text(st, c++, in->cin);
		db_bind_text(st, c++, in->phone);
		db_bind_text(st, c++, in->email);
		db_bind_text(st, c++, in->address);
		db_bind_text(st, c++, in->postal_code);
		db_bind_text(st, c++, in->city);
		db_bind_text(st, c++, in->lang[0] ? in->lang : "fr");
		sqlite3_bind_int64(st, c++, in->fee_centimes);
		sqlite3_bind_int64(st, c++, in->office_id);
		sqlite3_bind_int64(st, c++, now);
		sqlite3_bind_int64(st, c++, now);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE) {
			in->id = sqlite3_last_insert_rowid(db_handle(db));
			in->state = RS_PENDING_PAYMENT;
			in->created_at = in->updated_at = now;
			in->version = 1;
			return db_event_append(db, in->id, now, 0, "citizen", in->office_id, "new",
					       "pending_payment", "", eb);
		}
		/* a tracking number already taken (one in a billion): draw another */
		if (rc != SQLITE_CONSTRAINT_UNIQUE || attempt > 5)
			return db_fail(db, rc, eb);
	}
}

int request_create(struct db *db, struct request *in, char secret_out[SECRET_CODE_BYTES],
		   struct wq_errbuf *eb)
{
	char hash[65];
	if (strcmp(in->doc_type, "extract") && strcmp(in->doc_type, "full_copy"))
		return wq_fail(eb, WQ_EINVAL, "doc_type", "document type must be extract or full_copy");
	if (in->copies < 1 || in->copies > MAX_COPIES)
		return wq_fail(eb, WQ_EINVAL, "copies", "copies must be between 1 and %d",
			       MAX_COPIES);
	if (in->fee_centimes <= 0)
		return wq_fail(eb, WQ_EINVAL, "fee", "the fee must be positive");
	wq_secret_new(secret_out);
	wq_sha256_hex(secret_out, strlen(secret_out), hash);
	DB_TX(db, eb, do_create(db, in, hash, eb));
}

static int payment_find(struct db *db, const char *ref, int64_t *request_id, char *status,
			struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT request_id, status FROM payments WHERE gateway_ref = ?";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, ref);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*request_id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, status, 16);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return WQ_OK;
	return rc == SQLITE_DONE ? WQ_ENOTFOUND : db_fail(db, rc, eb);
}

static int do_mark_paid(struct db *db, int64_t id, const char *ref, int64_t amount,
			int *already, struct wq_errbuf *eb)
{
	static const char ins[] =
		"INSERT INTO payments (request_id, gateway_ref, amount_centimes, status,"
		" created_at, confirmed_at) VALUES (?1, ?2, ?3, 'confirmed', ?4, ?4)"
		" ON CONFLICT (gateway_ref) DO UPDATE SET status = 'confirmed', confirmed_at = ?4"
		" WHERE request_id = ?1 AND status <> 'confirmed'";
	struct actor sys;
	struct current c;
	char status[16];
	int64_t paid_for = 0;
	actor_system(&sys);
	int rc = payment_find(db, ref, &paid_for, status, eb);
	if (rc == WQ_OK && paid_for != id)
		return wq_fail(eb, WQ_EINVAL, "payment",
			       "payment %s belongs to another request", ref);
	if (rc == WQ_OK && !strcmp(status, "confirmed")) {
		*already = 1;
		return WQ_OK;
	}
	if (rc && rc != WQ_ENOTFOUND)
		return rc;
	if ((rc = read_current(db, &sys, id, &c, eb)))
		return rc;
	struct request r;
	if ((rc = request_get(db, &sys, id, &r, eb)))
		return rc;
	if (amount != r.fee_centimes)
		return wq_fail(eb, WQ_EINVAL, "amount",
			       "amount %lld differs from the fee %lld of %s", (long long)amount,
			       (long long)r.fee_centimes, r.tracking);
	if (c.state != RS_PENDING_PAYMENT && c.state != RS_EXPIRED) {
		/* paid through another payment already: the money is owed back */
		*already = 1;
		return wq_fail(eb, WQ_ECONFLICT, "payment", "%s is already %s", c.tracking,
			       req_state_name(c.state));
	}
	sqlite3_stmt *st = db_stmt(db, ins, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, ref);
	sqlite3_bind_int64(st, 3, amount);
	sqlite3_bind_int64(st, 4, wq_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	/* a payment that arrives after expiry is still honoured: the money was taken */
	const char *note = c.state == RS_EXPIRED ? "payment arrived after expiry" : "";
	rc = update_request(db, id, c.version, RS_PAID, 0, c.office_id, NULL, 1, eb);
	return rc ? rc : record(db, &sys, id, &c, RS_PAID, "pay", note, eb);
}

int request_mark_paid(struct db *db, int64_t id, const char *gateway_ref,
		      int64_t amount_centimes, int *already, struct wq_errbuf *eb)
{
	*already = 0;
	if (!gateway_ref || !gateway_ref[0] || strlen(gateway_ref) > 64)
		return wq_fail(eb, WQ_EINVAL, "gateway_ref", "missing or too long payment reference");
	DB_TX(db, eb, do_mark_paid(db, id, gateway_ref, amount_centimes, already, eb));
}

static int do_expire(struct db *db, int64_t cutoff, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT id FROM requests WHERE state = 'pending_payment'"
				  " AND created_at < ? ORDER BY id LIMIT 500";
	struct actor sys;
	actor_system(&sys);
	int64_t ids[500];
	int count = 0, rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, cutoff);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[count++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	for (int i = 0; i < count; i++) {
		if ((rc = do_transition(db, &sys, ids[i], 0, RS_EXPIRED, "not paid in time", eb)))
			return rc;
	}
	*n = count;
	return WQ_OK;
}

int request_expire_unpaid(struct db *db, int64_t max_age_seconds, int *n,
			  struct wq_errbuf *eb)
{
	*n = 0;
	DB_TX(db, eb, do_expire(db, wq_now() - max_age_seconds, n, eb));
}
