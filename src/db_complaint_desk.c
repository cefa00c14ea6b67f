/* db_complaint_desk.c - the data layer behind complaint_desk.h.  Reads are filtered by
 * the actor's scope in SQL: a province's inspector reads complaints.province_id = his
 * province (set when the complaint was filed: the province of the office holding the
 * request), national roles read all, office and commune roles read those on requests
 * of their offices.  Each move is one BEGIN IMMEDIATE transaction that re-reads the
 * row, checks the moves[] table (from which states, which roles, text needed), updates
 * with the version check, and appends the audit row; an answer also queues the
 * citizen's SMS/e-mail in the outbox in the same transaction, so it is never lost.
 * Runs in the UI child (and tests); never waits on anything but SQLite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint_desk.h"
#include "db_scope.h"
#include "escalate.h"
#include "outbox.h"
#include "request.h"
#include "util.h"

static const char *const cd_names[CD_COUNT] = {"open", "taken", "answered", "resolved",
					       "escalated"};

const char *cd_state_name(enum cd_state s)
{
	return (s >= 0 && s < CD_COUNT) ? cd_names[s] : "?";
}

static enum cd_state cd_state_from(const char *s)
{
	for (int i = 0; i < CD_COUNT; i++)
		if (!strcmp(s, cd_names[i]))
			return (enum cd_state)i;
	return CD_OPEN;
}

#define CD_BIT(s) (1u << (s))
#define INSPECTOR ROLE_BIT(ROLE_INSPECTOR)

/* Who may move a complaint from which states; the only place these rules live. */
static const struct cd_move {
	const char *verb;
	unsigned from; /* CD_BIT set */
	enum cd_state to;
	unsigned roles;
	int needs_text; /* the answer, or the escalation note */
} moves[] = {
	{"take", CD_BIT(CD_OPEN) | CD_BIT(CD_ESCALATED), CD_TAKEN, INSPECTOR, 0},
	{"answer", CD_BIT(CD_OPEN) | CD_BIT(CD_TAKEN) | CD_BIT(CD_ESCALATED), CD_ANSWERED,
	 INSPECTOR, 1},
	{"resolve", CD_BIT(CD_ANSWERED), CD_RESOLVED, INSPECTOR, 0},
	{"escalate", CD_BIT(CD_OPEN) | CD_BIT(CD_TAKEN) | CD_BIT(CD_ANSWERED), CD_ESCALATED,
	 INSPECTOR, 1},
	/* back to where it waited: open at its province, or escalated (do_move) */
	{"release", CD_BIT(CD_TAKEN), CD_OPEN, INSPECTOR, 0},
};

#define CD_COLS                                                                        \
	"c.id, c.request_id, c.province_id, r.tracking, o.code, r.state,"              \
	" r.last_name_lat || ' ' || r.first_name_lat, r.lang, c.state,"                 \
	" coalesce(ob.username, CASE WHEN EXISTS (SELECT 1 FROM escalation_complaints e"  \
	" WHERE e.request_id = c.request_id AND e.complaint_id = c.id) THEN 'system'"   \
	" ELSE '' END), coalesce(iu.username, ''), coalesce(c.inspector_id, 0),"         \
	" c.opened_at, coalesce(c.taken_at, 0), coalesce(c.answered_at, 0),"           \
	" coalesce(c.resolved_at, 0), coalesce(c.escalated_at, 0), coalesce(c.late_at, 0)," \
	" c.body, c.answer, c.escalation_note, coalesce(eu.username, ''), c.version"
#define CD_FROM                                                                     \
	" FROM complaints c JOIN requests r ON r.id = c.request_id"                  \
	" JOIN offices o ON o.id = r.office_id"                                       \
	" LEFT JOIN users ob ON ob.id = c.opened_by"                                 \
	" LEFT JOIN users iu ON iu.id = c.inspector_id"                              \
	" LEFT JOIN users eu ON eu.id = c.escalated_by"
/* ?1 is the actor's scope id */
#define CS_PROVINCE " c.province_id = ?1"
/* ?2: all (1) or unresolved only (0) */
#define LIST(sc)                                                                    \
	"SELECT " CD_COLS CD_FROM " WHERE" sc " AND (?2 OR c.state <> 'resolved')"  \
	" ORDER BY c.opened_at, c.id LIMIT 2000"
#define GET(sc) "SELECT " CD_COLS CD_FROM " WHERE c.id = ?2 AND" sc
#define FOR_REQ(sc) "SELECT " CD_COLS CD_FROM " WHERE c.request_id = ?2 AND" sc " ORDER BY c.id"

/* Indexed by enum scope_kind; SCOPE_NONE has no SQL and sees nothing. */
static const char *const list_sql[] = {NULL, LIST(SC_OFFICE), LIST(SC_COMMUNE),
				       LIST(CS_PROVINCE), LIST(SC_NATIONAL)};
/* the national inspector's queue: what was raised above a province */
#define CS_RAISED " ?1 = ?1 AND c.escalated_at IS NOT NULL"
static const char list_raised_sql[] = LIST(CS_RAISED);

/* An inspector with national scope: he works on what the provinces raised only. */
static int national_inspector(const struct actor *a)
{
	return a->role == ROLE_INSPECTOR && a->scope == SCOPE_NATIONAL;
}
static const char *const get_sql[] = {NULL, GET(SC_OFFICE), GET(SC_COMMUNE), GET(CS_PROVINCE),
				      GET(SC_NATIONAL)};
static const char *const for_req_sql[] = {NULL, FOR_REQ(SC_OFFICE), FOR_REQ(SC_COMMUNE),
					  FOR_REQ(CS_PROVINCE), FOR_REQ(SC_NATIONAL)};

/* late: marked, or still unanswered past the limit at the time of this read */
static void mark_late(struct cd_complaint *c, int64_t late_before)
{
	c->late = c->late_at != 0 ||
		  (!c->answered_at && c->state != CD_RESOLVED && late_before &&
		   c->opened_at < late_before);
}

static void fill_complaint(sqlite3_stmt *st, void *row)
{
	struct cd_complaint *c = row;
	char state[16];
	int k = 0;
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, k++);
	c->request_id = sqlite3_column_int64(st, k++);
	c->province_id = sqlite3_column_int64(st, k++);
	db_col_text(st, k++, c->tracking, sizeof c->tracking);
	db_col_text(st, k++, c->office_code, sizeof c->office_code);
	db_col_text(st, k++, c->req_state, sizeof c->req_state);
	db_col_text(st, k++, c->citizen, sizeof c->citizen);
	db_col_text(st, k++, c->lang, sizeof c->lang);
	db_col_text(st, k++, state, sizeof state);
	c->state = cd_state_from(state);
	db_col_text(st, k++, c->opened_by, sizeof c->opened_by);
	db_col_text(st, k++, c->inspector, sizeof c->inspector);
	c->inspector_id = sqlite3_column_int64(st, k++);
	c->opened_at = sqlite3_column_int64(st, k++);
	c->taken_at = sqlite3_column_int64(st, k++);
	c->answered_at = sqlite3_column_int64(st, k++);
	c->resolved_at = sqlite3_column_int64(st, k++);
	c->escalated_at = sqlite3_column_int64(st, k++);
	c->late_at = sqlite3_column_int64(st, k++);
	db_col_text(st, k++, c->body, sizeof c->body);
	db_col_text(st, k++, c->answer, sizeof c->answer);
	db_col_text(st, k++, c->escalation_note, sizeof c->escalation_note);
	db_col_text(st, k++, c->escalated_by, sizeof c->escalated_by);
	c->version = sqlite3_column_int64(st, k++);
	mark_late(c, 0);
}

/* Runs a list statement (?1 scope, ?2 bound by the caller) into a malloc'd array. */
static int fetch_all(struct db *db, sqlite3_stmt *st, int64_t late_before,
		     struct cd_complaint **out, int *n, struct wq_errbuf *eb)
{
	int rc = db_collect(db, st, sizeof **out, fill_complaint, (void **)out, n, eb);
	for (int i = 0; !rc && i < *n; i++)
		mark_late(&(*out)[i], late_before);
	return rc;
}

int complaint_desk_list(struct db *db, const struct actor *a, int all, int64_t late_before,
			struct cd_complaint **out, int *n, struct wq_errbuf *eb)
{
	int rc = db_scope_ok(a, eb);
	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, national_inspector(a) ? list_raised_sql : list_sql[a->scope],
				   eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int(st, 2, all != 0);
	return fetch_all(db, st, late_before, out, n, eb);
}

int complaint_desk_for_request(struct db *db, const struct actor *a, int64_t request_id,
			       struct cd_complaint **out, int *n, struct wq_errbuf *eb)
{
	int rc = db_scope_ok(a, eb);
	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, for_req_sql[a->scope], eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int64(st, 2, request_id);
	return fetch_all(db, st, 0, out, n, eb);
}

int complaint_desk_get(struct db *db, const struct actor *a, int64_t id,
		       struct cd_complaint *out, struct wq_errbuf *eb)
{
	int rc = db_scope_ok(a, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, get_sql[a->scope], eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int64(st, 2, id);
	if ((rc = db_one(db, st, fill_complaint, out, eb)) != WQ_ENOTFOUND)
		return rc;
	/* same answer for "no such complaint" and "another province's": no probing */
	return wq_fail(eb, WQ_ENOTFOUND, "complaint", "no complaint #%lld%s", (long long)id,
		       a->scope == SCOPE_NATIONAL ? "" : " in your scope");
}

/* ---- writes ---- */

static const struct cd_move *move_find(const char *verb)
{
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (!strcmp(moves[i].verb, verb))
			return &moves[i];
	return NULL;
}

static int move_check(const struct actor *a, const struct cd_move *m,
		      const struct cd_complaint *c, int64_t expected, const char *text,
		      struct wq_errbuf *eb)
{
	if (!(m->roles & ROLE_BIT(a->role)))
		return wq_fail(eb, WQ_EDENIED, "role", "a %s may not %s a complaint",
			       role_name(a->role), m->verb);
	if (national_inspector(a) && !c->escalated_at)
		return wq_fail(eb, WQ_EDENIED, "complaint",
			       "complaint #%lld is its province's: it was not raised above it",
			       (long long)c->id);
	if (expected && c->version != expected)
		return wq_fail(eb, WQ_ECONFLICT, "complaint",
			       "complaint #%lld changed since you loaded it: it is now %s%s%s",
			       (long long)c->id, cd_state_name(c->state),
			       c->inspector[0] ? " with " : "", c->inspector);
	if (!(m->from & CD_BIT(c->state)))
		return wq_fail(eb, WQ_ECONFLICT, "state", "complaint #%lld is %s: cannot %s it",
			       (long long)c->id, cd_state_name(c->state), m->verb);
	/* a taken complaint belongs to the inspector who took it */
	if (c->state == CD_TAKEN && c->inspector_id && c->inspector_id != a->user_id)
		return wq_fail(eb, WQ_EDENIED, "inspector", "complaint #%lld is taken by %s",
			       (long long)c->id, c->inspector);
	if (m->needs_text && (!text || !text[strspn(text, " \t")]))
		return wq_fail(eb, WQ_EINVAL, m->to == CD_ANSWERED ? "answer" : "note",
			       "%s needs a text", m->verb);
	if (text && strlen(text) >= NOTE_MAX_BYTES)
		return wq_fail(eb, WQ_EINVAL, "text", "the text is longer than %d bytes",
			       NOTE_MAX_BYTES - 1);
	return WQ_OK;
}

/* release: the holder gives it back (nobody holds it any more). */
static int update_complaint(struct db *db, const struct actor *a, const struct cd_complaint *c,
			    enum cd_state to, int release, const char *text, struct wq_errbuf *eb)
{
	static const char sql[] =
		"UPDATE complaints SET state = ?1,"
		" inspector_id = CASE WHEN ?1 IN ('taken', 'answered') THEN ?2 WHEN ?7 THEN NULL"
		" ELSE inspector_id END,"
		" taken_at = CASE WHEN ?1 = 'taken' THEN ?3 WHEN ?7 THEN NULL ELSE taken_at END,"
		" answer = CASE WHEN ?1 = 'answered' THEN ?4 ELSE answer END,"
		" answered_at = CASE WHEN ?1 = 'answered' THEN ?3 ELSE answered_at END,"
		" resolved_at = CASE WHEN ?1 = 'resolved' THEN ?3 ELSE resolved_at END,"
		" escalated_at = CASE WHEN ?1 = 'escalated' THEN ?3 ELSE escalated_at END,"
		" escalation_note = CASE WHEN ?1 = 'escalated' THEN ?4 ELSE escalation_note END,"
		" escalated_by = CASE WHEN ?1 = 'escalated' THEN ?2 ELSE escalated_by END,"
		" version = version + 1 WHERE id = ?5 AND version = ?6";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, cd_state_name(to));
	sqlite3_bind_int64(st, 2, a->user_id);
	sqlite3_bind_int64(st, 3, wq_now());
	db_bind_text(st, 4, text ? text : "");
	sqlite3_bind_int64(st, 5, c->id);
	sqlite3_bind_int64(st, 6, c->version);
	sqlite3_bind_int(st, 7, release);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (sqlite3_changes(db_handle(db)) != 1)
		return wq_fail(eb, WQ_ECONFLICT, "complaint", "the complaint changed meanwhile");
	return WQ_OK;
}

/* The citizen's phone and e-mail, read inside the transaction. */
static int contact_of(struct db *db, int64_t request_id, char *phone, char *email,
		      struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT phone, email FROM requests WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_col_text(st, 0, phone, 24);
		db_col_text(st, 1, email, 128);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return wq_fail(eb, WQ_ENOTFOUND, "request", "no request #%lld",
			       (long long)request_id);
	return rc == SQLITE_ROW ? WQ_OK : db_fail(db, rc, eb);
}

/* The answer goes to the citizen in his language, by SMS and (if given) e-mail. */
static int notify_answer(struct db *db, const struct cd_complaint *c, const char *answer,
			 struct wq_errbuf *eb)
{
	char phone[24] = "", email[128] = "", body[OUTBOX_BODY_BYTES];
	int rc = contact_of(db, c->request_id, phone, email, eb);
	if (rc)
		return rc;
	if (!strcmp(c->lang, "ar"))
		snprintf(body, sizeof body, "وثيقة %s: جواب على شكايتكم: %.380s", c->tracking,
			 answer);
	else
		snprintf(body, sizeof body, "Watiqa %s: reponse a votre reclamation: %.380s",
			 c->tracking, answer);
	if (phone[0] && (rc = outbox_enqueue(db, c->request_id, 0, "sms", phone, body, eb)))
		return rc;
	if (email[0] && (rc = outbox_enqueue(db, c->request_id, 0, "email", email, body, eb)))
		return rc;
	return WQ_OK;
}

static int do_move(struct db *db, const struct actor *a, int64_t id, int64_t expected,
		   const char *verb, const char *text, struct wq_errbuf *eb)
{
	const struct cd_move *m = move_find(verb);
	struct cd_complaint c;
	char target[32], detail[NOTE_MAX_BYTES + 32];
	int rc = complaint_desk_get(db, a, id, &c, eb); /* the scope check */
	if (rc || (rc = move_check(a, m, &c, expected, text, eb)))
		return rc;
	int release = !strcmp(m->verb, "release");
	enum cd_state to = release && c.escalated_at ? CD_ESCALATED : m->to;
	if ((rc = update_complaint(db, a, &c, to, release, text, eb)))
		return rc;
	if (m->to == CD_ANSWERED && (rc = notify_answer(db, &c, text, eb)))
		return rc;
	snprintf(target, sizeof target, "complaint %lld", (long long)id);
	snprintf(detail, sizeof detail, "%s %s%s%.900s", c.tracking, cd_state_name(c.state),
		 text ? ": " : "", text ? text : "");
	char action[32];
	snprintf(action, sizeof action, "complaint.%s", verb);
	return db_audit_append(db, a->user_id, a->username, action, target, detail, "", eb);
}

int complaint_desk_take(struct db *db, const struct actor *a, int64_t id,
			int64_t expected_version, struct wq_errbuf *eb)
{
	DB_TX_AS(db, a, eb, do_move(db, a, id, expected_version, "take", NULL, eb));
}

int complaint_desk_release(struct db *db, const struct actor *a, int64_t id,
			   int64_t expected_version, struct wq_errbuf *eb)
{
	DB_TX_AS(db, a, eb, do_move(db, a, id, expected_version, "release", NULL, eb));
}

int complaint_desk_answer(struct db *db, const struct actor *a, int64_t id,
			  int64_t expected_version, const char *answer, struct wq_errbuf *eb)
{
	DB_TX_AS(db, a, eb, do_move(db, a, id, expected_version, "answer", answer, eb));
}

int complaint_desk_resolve(struct db *db, const struct actor *a, int64_t id,
			   int64_t expected_version, struct wq_errbuf *eb)
{
	DB_TX_AS(db, a, eb, do_move(db, a, id, expected_version, "resolve", NULL, eb));
}

int complaint_desk_escalate(struct db *db, const struct actor *a, int64_t id,
			    int64_t expected_version, const char *note, struct wq_errbuf *eb)
{
	DB_TX_AS(db, a, eb, do_move(db, a, id, expected_version, "escalate", note, eb));
}

static int do_mark_late(struct db *db, const struct actor *a, int64_t late_before, int *n,
			struct wq_errbuf *eb)
{
	/* the ids first (scope in SQL), then one UPDATE per id with its audit row */
	struct cd_complaint *rows = NULL;
	int nrows = 0, rc = complaint_desk_list(db, a, 0, late_before, &rows, &nrows, eb);
	static const char sql[] = "UPDATE complaints SET late_at = ?1 WHERE id = ?2"
				  " AND late_at IS NULL AND answered_at IS NULL";
	for (int i = 0; !rc && i < nrows; i++) {
		struct cd_complaint *c = &rows[i];
		if (c->late_at || c->answered_at || c->opened_at >= late_before)
			continue;
		sqlite3_stmt *st = db_stmt(db, sql, eb);
		if (!st) {
			rc = WQ_EIO;
			break;
		}
		sqlite3_bind_int64(st, 1, wq_now());
		sqlite3_bind_int64(st, 2, c->id);
		int src = sqlite3_step(st);
		sqlite3_reset(st);
		if (src != SQLITE_DONE) {
			rc = db_fail(db, src, eb);
			break;
		}
		if (sqlite3_changes(db_handle(db)) != 1)
			continue;
		char target[32];
		snprintf(target, sizeof target, "complaint %lld", (long long)c->id);
		rc = db_audit_append(db, a->user_id, a->username, "complaint.late", target,
				     c->tracking, "", eb);
		(*n)++;
	}
	free(rows);
	return rc;
}

int complaint_desk_mark_late(struct db *db, const struct actor *a, int64_t late_before,
			     int *n, struct wq_errbuf *eb)
{
	*n = 0;
	DB_TX_AS(db, a, eb, do_mark_late(db, a, late_before, n, eb));
}

static int do_open(struct db *db, const struct actor *a, int64_t request_id, const char *body,
		   int64_t *id_out, struct wq_errbuf *eb)
{
	static const char sql[] =
		"INSERT INTO complaints (request_id, province_id, opened_at, opened_by, body)"
		" SELECT r.id, c.province_id, ?1, ?2, ?3 FROM requests r"
		" JOIN offices o ON o.id = r.office_id JOIN communes c ON c.id = o.commune_id"
		" WHERE r.id = ?4";
	static const char open_sql[] = "SELECT count(*) FROM complaints WHERE request_id = ?"
				       " AND state IN ('open', 'taken', 'escalated')";
	struct request r;
	int rc = request_get(db, a, request_id, &r, eb); /* the scope check */
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, open_sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	rc = sqlite3_step(st);
	int open = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, rc, eb);
	if (open >= COMPLAINT_MAX_OPEN)
		return wq_fail(eb, WQ_ECONFLICT, "complaint",
			       "%d complaints on %s are still open", open, r.tracking);
	if (!(st = db_stmt(db, sql, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, wq_now());
	sqlite3_bind_int64(st, 2, a->user_id);
	db_bind_text(st, 3, body);
	sqlite3_bind_int64(st, 4, request_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	*id_out = sqlite3_last_insert_rowid(db_handle(db));
	char target[32];
	snprintf(target, sizeof target, "complaint %lld", (long long)*id_out);
	return db_audit_append(db, a->user_id, a->username, "complaint.open", target, r.tracking,
			       "", eb);
}

int complaint_desk_open(struct db *db, const struct actor *a, int64_t request_id,
			const char *body, int64_t *id_out, struct wq_errbuf *eb)
{
	if (a->role != ROLE_SUPPORT && a->role != ROLE_INSPECTOR)
		return wq_fail(eb, WQ_EDENIED, "role", "a %s may not open complaints",
			       role_name(a->role));
	if (!body || !body[strspn(body, " \t")] || strlen(body) >= COMPLAINT_MAX_BYTES)
		return wq_fail(eb, WQ_EINVAL, "body", "the complaint is empty or longer than %d bytes",
			       COMPLAINT_MAX_BYTES - 1);
	DB_TX_AS(db, a, eb, do_open(db, a, request_id, body, id_out, eb));
}

struct overdue {
	int64_t id, opened_at;
};

static void fill_overdue(sqlite3_stmt *st, void *row)
{
	struct overdue *o = row;
	o->id = sqlite3_column_int64(st, 0);
	o->opened_at = sqlite3_column_int64(st, 1);
}

static int raise_one(struct db *db, int64_t id, int days, int64_t now, int *done,
		     struct wq_errbuf *eb)
{
	/* no note and no one: the screens say "raised by itself" in the reader's language */
	static const char sql[] =
		"UPDATE complaints SET state = 'escalated', escalated_at = ?1,"
		" escalation_note = '', escalated_by = NULL, version = version + 1"
		" WHERE id = ?2 AND state IN ('open', 'taken') AND escalated_at IS NULL";
	char note[120], target[32];
	snprintf(note, sizeof note, "unanswered %d working days at the province: raised by itself",
		 days);
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	*done = sqlite3_changes(db_handle(db)) == 1;
	if (!*done)
		return WQ_OK; /* answered or raised meanwhile */
	snprintf(target, sizeof target, "#%lld", (long long)id);
	return db_audit_append(db, 0, "system", "complaint.escalate", target, note, "", eb);
}

int complaint_desk_raise_overdue(struct db *db, const struct escalate_rules *r, int64_t now,
				 int *n, struct wq_errbuf *eb)
{
	/* the calendar bound first (working days are never fewer), then each one's own
	 * deadline in working days */
	static const char sql[] =
		"SELECT id, opened_at FROM complaints WHERE state IN ('open', 'taken')"
		" AND escalated_at IS NULL AND opened_at < ?1 ORDER BY opened_at LIMIT 500";
	struct overdue *rows = NULL;
	int got = 0, rc;
	*n = 0;
	if (r->complaint_days <= 0)
		return WQ_OK;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, escalate_bound(now, r->complaint_days));
	if ((rc = db_collect(db, st, sizeof *rows, fill_overdue, (void **)&rows, &got, eb)))
		return rc;
	for (int i = 0; i < got && !rc; i++) {
		int done = 0;
		if (escalate_deadline(r, rows[i].opened_at, r->complaint_days) >= now)
			continue;
		if ((rc = db_begin(db, eb)))
			break;
		rc = raise_one(db, rows[i].id, r->complaint_days, now, &done, eb);
		if (rc)
			db_rollback(db);
		else if (!(rc = db_commit(db, eb)))
			*n += done;
	}
	free(rows);
	return rc;
}
