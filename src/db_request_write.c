/* db_request_write.c - the data layer behind request.h's writes: every move is one
 * BEGIN IMMEDIATE transaction that re-reads the state and version within the actor's
 * scope (request_get), asks lifecycle_check(), writes, and appends the hash-chained
 * event and the audit row; the citizen's order and the gateway's payment too, where the
 * payment row and the move to `paid` commit together.  Runs in any process that holds a
 * `struct db`; never blocks on anything but SQLite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "office.h"
#include "refund.h"
#include "request.h"
#include "secret.h"
#include "util.h"

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
	/* a relayed office has no officer of its own: its relay office's signs for it,
	 * and the history says so */
	char behalf[NOTE_MAX_BYTES];
	if (to == RS_SIGNED && a->scope == SCOPE_OFFICE && a->scope_id != c.office_id) {
		lifecycle_behalf_note(c.office_code, note, behalf, sizeof behalf);
		note = behalf;
	}
	rc = update_request(db, id, c.version, to, agent, c.office_id, reason, 0, eb);
	/* paid for and nothing will be delivered: the fee is owed back, in the same
	 * transaction as the move so the books never disagree */
	if (!rc && to == RS_REJECTED && !(rc = db_lines_reject_open(db, id, a->user_id, note, eb)))
		rc = refund_owe(db, id, "rejected", eb);
	else if (!rc && to == RS_DESTROYED)
		rc = refund_owe(db, id, "returned", eb);
	return rc ? rc : record(db, a, id, &c, to, t->verb, note, eb);
}

int request_move_in_tx(struct db *db, const struct actor *a, int64_t id, int64_t expected,
		       enum req_state to, const char *note, struct wq_errbuf *eb)
{
	return do_transition(db, a, id, expected, to, note, eb);
}

int request_transition(struct db *db, const struct actor *a, int64_t id,
		       int64_t expected_version, enum req_state to, const char *note,
		       struct wq_errbuf *eb)
{
	if (note && strlen(note) >= NOTE_MAX_BYTES)
		return wq_fail(eb, WQ_EINVAL, "note", "the note is longer than %d bytes",
			       NOTE_MAX_BYTES - 1);
	DB_TX_AS(db, a, eb, do_transition(db, a, id, expected_version, to, note, eb));
}

int request_system_move_in_tx(struct db *db, int64_t id, enum req_state to, const char *note,
			      struct wq_errbuf *eb)
{
	struct actor sys;
	actor_system(&sys);
	return do_transition(db, &sys, id, 0, to, note, eb);
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
	DB_TX_AS(db, a, eb, do_assign(db, a, id, expected_version, agent_id, eb));
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
	DB_TX_AS(db, a, eb, do_reassign(db, a, id, expected_version, to_office_id, reason, eb));
}

static int do_hand_to_post(struct db *db, const struct actor *a, int64_t id,
			   int64_t expected, const char *code, const char *how,
			   struct wq_errbuf *eb)
{
	static const char past[] = "SELECT 1 FROM mail_past WHERE code = ?";
	static const char sql[] =
		"INSERT INTO mail_items (request_id, code, sealed_at, sealed_by, handed_at,"
		" handed_how, status) VALUES (?1, ?2, ?3, nullif(?4, 0), ?3, ?5, 'with_post')"
		" ON CONFLICT (request_id) DO UPDATE SET code = ?2, handed_at = ?3,"
		" handed_how = ?5, status = 'with_post'";
	int rc = do_transition_checked(db, a, id, expected, RS_WITH_POST, code, eb);
	if (rc)
		return rc;
	/* an envelope sent again keeps its first items there (db/210): none is reused */
	sqlite3_stmt *st = db_stmt(db, past, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return wq_fail(eb, WQ_ECONFLICT, "code",
			       "code %s was used for an earlier dispatch", code);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	st = db_stmt(db, sql, eb);
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
	DB_TX_AS(db, a, eb, do_hand_to_post(db, a, id, expected_version, code, how, eb));
}

/* ---- citizen and system ---- */

/* Read as the system (the citizen has no scope; the caller checked the secret code),
 * allowed by the table as the citizen.  A move that ends the request with nothing
 * delivered owes the fee back (refund_reason), in the same transaction. */
static int do_citizen_move(struct db *db, int64_t id, enum req_state to,
			   const char *refund_reason, struct wq_errbuf *eb)
{
	struct actor sys, cit;
	struct current c;
	actor_system(&sys);
	actor_citizen(&cit);
	int rc = read_current(db, &sys, id, &c, eb);
	if (rc)
		return rc;
	const struct transition *t = lifecycle_find(c.state, to);
	/* from a state with no way there the citizen is simply too late: a conflict,
	 * which the pages explain (one where only the office may: denied, by the table) */
	if (!t)
		return wq_fail(eb, WQ_ECONFLICT, "state",
			       "%s is %s: the citizen cannot make it %s", c.tracking,
			       req_state_name(c.state), req_state_name(to));
	if ((rc = lifecycle_check(&cit, c.state, to, 0, "", eb)))
		return rc;
	rc = update_request(db, id, c.version, to, c.agent_id, c.office_id, NULL, 0, eb);
	if (!rc && refund_reason)
		rc = refund_owe(db, id, refund_reason, eb);
	return rc ? rc : record(db, &cit, id, &c, to, t->verb, "", eb);
}

int request_cancel_citizen(struct db *db, int64_t id, struct wq_errbuf *eb)
{
	DB_TX(db, eb, do_citizen_move(db, id, RS_CANCELLED, "cancelled", eb));
}

int request_returned_choice(struct db *db, int64_t id, const char *choice,
			    struct wq_errbuf *eb)
{
	if (choice && !strcmp(choice, "collect"))
		DB_TX(db, eb, do_citizen_move(db, id, RS_TO_COLLECT, NULL, eb));
	if (choice && !strcmp(choice, "refund"))
		DB_TX(db, eb, do_citizen_move(db, id, RS_DESTROYED, "returned", eb));
	return wq_fail(eb, WQ_EINVAL, "choice", "choice must be collect or refund");
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
	/* this very payment is known and took the money (refunded since, maybe) */
	if (rc == WQ_OK && (!strcmp(status, "confirmed") || !strncmp(status, "refund", 6))) {
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
		/* paid through another payment already (two tabs, two cards): the card was
		 * charged, so the payment is kept and owed back at once */
		*already = 2;
		return refund_owe_duplicate(db, id, ref, amount, eb);
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

/* The system moves every request the query finds (ids, ?1 the cutoff, at most 500) to
 * `to`, in the caller's transaction. */
/* sql's ?1 is the cutoff, its ?2 (if any) the highest id */
static int do_sweep(struct db *db, const char *sql, int64_t cutoff, int64_t upto_id,
		    enum req_state to, const char *note, int *n, struct wq_errbuf *eb)
{
	struct actor sys;
	actor_system(&sys);
	int64_t ids[500];
	int count = 0, rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, cutoff);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, upto_id);
	while (count < 500 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[count++] = sqlite3_column_int64(st, 0);
	if (count == 500)
		rc = SQLITE_DONE;
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	for (int i = 0; i < count; i++)
		if ((rc = do_transition(db, &sys, ids[i], 0, to, note, eb)))
			return rc;
	*n = count;
	return WQ_OK;
}

int request_expire_unpaid_upto(struct db *db, int64_t max_age_seconds, int64_t upto_id,
			       int *n, struct wq_errbuf *eb)
{
	*n = 0;
	/* ids grow with created_at: every unpaid one at or below upto_id is among those
	 * request_unpaid_due listed (and asked about) */
	static const char sql[] = "SELECT id FROM requests WHERE state = 'pending_payment'"
				  " AND created_at < ?1 AND id <= ?2 ORDER BY id LIMIT 500";
	DB_TX(db, eb, do_sweep(db, sql, wq_now() - max_age_seconds, upto_id, RS_EXPIRED,
			       "not paid in time", n, eb));
}

int request_expire_unpaid(struct db *db, int64_t max_age_seconds, int *n,
			  struct wq_errbuf *eb)
{
	return request_expire_unpaid_upto(db, max_age_seconds, INT64_MAX, n, eb);
}

int request_destroy_unclaimed(struct db *db, int64_t keep_seconds, int *n,
			      struct wq_errbuf *eb)
{
	*n = 0;
	static const char sql[] = "SELECT id FROM requests WHERE state IN ('returned', 'to_collect')"
				  " AND coalesce(stage_at, updated_at) < ? ORDER BY id LIMIT 500";
	DB_TX(db, eb, do_sweep(db, sql, wq_now() - keep_seconds, 0, RS_DESTROYED,
			       "no choice in time: envelope destroyed", n, eb));
}
