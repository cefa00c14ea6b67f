/* db_mail.c - the data layer behind mail.h: envelopes and registered-mail items.
 * Every read is one prepared statement filtered by the actor's scope in SQL (the same
 * rule as requests: an office sees its own and the offices it relays, a post account
 * its province); writes go through request_hand_to_post() / request_transition(), so
 * the state, version, scope and lifecycle checks, the event and the audit row are the
 * request's own, and migration 010's triggers move mail_items in that transaction.
 * Any process holding a `struct db`; never blocks on anything but SQLite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_scope.h"
#include "mail.h"
#include "request.h"
#include "util.h"

#define ENV_COLS                                                                        \
	"r.id, r.tracking, r.state, r.version, r.office_id, o.code, o.name_fr,"         \
	" coalesce(ro.code, ''), r.last_name_lat || ' ' || r.first_name_lat,"           \
	" r.first_name_ar || ' ' || r.last_name_ar, r.address, r.postal_code, r.city,"  \
	" r.phone, r.doc_type, r.copies, m.status, coalesce(m.code, ''), m.sealed_at,"  \
	" coalesce(su.username, ''), coalesce(m.handed_at, 0),"                         \
	" coalesce(m.handed_how, ''), coalesce(m.closed_at, 0), r.reject_reason,"      \
	" r.country, coalesce((SELECT group_concat(CASE l.doc_type WHEN 'extract'"      \
	" THEN 'extract' ELSE 'full copy' END || ' x' || l.copies, ' + ') FROM"          \
	" request_lines l WHERE l.request_id = r.id AND l.state = 'open'), '')"
#define ENV_FROM                                                                        \
	" FROM mail_items m JOIN requests r ON r.id = m.request_id"                     \
	" JOIN offices o ON o.id = r.office_id"                                         \
	" LEFT JOIN offices ro ON ro.id = o.relay_office_id"                            \
	" LEFT JOIN users su ON su.id = m.sealed_by"
#define LIST_WHERE                                                               \
	" AND (?2 = '' OR instr(?2, ',' || m.status || ',') > 0)"                 \
	" AND (?3 = 0 OR r.office_id = ?3)"                                      \
	" AND (?4 = 0 OR (m.handed_at >= ?4 AND m.handed_at < ?5))"
#define LIST(sc)                                                                 \
	"SELECT " ENV_COLS ENV_FROM " WHERE" sc LIST_WHERE                       \
	" ORDER BY o.code, coalesce(m.handed_at, m.sealed_at), r.id LIMIT ?6"
#define GET(sc) "SELECT " ENV_COLS ENV_FROM " WHERE m.request_id = ?2 AND" sc
#define WAITING(sc)                                                              \
	"SELECT r.office_id, o.code, count(*) FROM mail_items m"                 \
	" JOIN requests r ON r.id = m.request_id JOIN offices o ON o.id = r.office_id" \
	" WHERE m.status = 'sealed' AND" sc " GROUP BY r.office_id ORDER BY o.code"

/* Indexed by enum scope_kind; SCOPE_NONE sees nothing. */
static const char *const list_sql[] = {NULL, LIST(SC_OFFICE), LIST(SC_COMMUNE),
					LIST(SC_PROVINCE), LIST(SC_NATIONAL)};
static const char *const get_sql[] = {NULL, GET(SC_OFFICE), GET(SC_COMMUNE),
				       GET(SC_PROVINCE), GET(SC_NATIONAL)};
static const char *const waiting_sql[] = {NULL, WAITING(SC_OFFICE), WAITING(SC_COMMUNE),
					   WAITING(SC_PROVINCE), WAITING(SC_NATIONAL)};

static const char *const status_names[MS_COUNT] = {"sealed", "with_post", "delivered",
						   "returned"};

const char *mail_status_name(enum mail_status s)
{
	return (s >= 0 && s < MS_COUNT) ? status_names[s] : "?";
}

static enum mail_status status_from(const char *s)
{
	for (int i = 0; i < MS_COUNT; i++)
		if (!strcmp(s, status_names[i]))
			return i;
	return MS_SEALED;
}

static void fill_envelope(sqlite3_stmt *st, void *row)
{
	struct envelope *e = row;
	char buf[20];
	int c = 0;
	memset(e, 0, sizeof *e);
	e->request_id = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, e->tracking, sizeof e->tracking);
	db_col_text(st, c++, buf, sizeof buf);
	e->state = req_state_from_name(buf);
	e->version = sqlite3_column_int64(st, c++);
	e->office_id = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, e->office_code, sizeof e->office_code);
	db_col_text(st, c++, e->office_name, sizeof e->office_name);
	db_col_text(st, c++, e->relay_code, sizeof e->relay_code);
	db_col_text(st, c++, e->name_lat, sizeof e->name_lat);
	db_col_text(st, c++, e->name_ar, sizeof e->name_ar);
	db_col_text(st, c++, e->address, sizeof e->address);
	db_col_text(st, c++, e->postal_code, sizeof e->postal_code);
	db_col_text(st, c++, e->city, sizeof e->city);
	db_col_text(st, c++, e->phone, sizeof e->phone);
	db_col_text(st, c++, e->doc_type, sizeof e->doc_type);
	e->copies = sqlite3_column_int(st, c++);
	db_col_text(st, c++, buf, sizeof buf);
	e->status = status_from(buf);
	db_col_text(st, c++, e->code, sizeof e->code);
	e->sealed_at = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, e->sealed_by, sizeof e->sealed_by);
	e->handed_at = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, e->handed_how, sizeof e->handed_how);
	e->closed_at = sqlite3_column_int64(st, c++);
	db_col_text(st, c++, e->reason, sizeof e->reason);
	db_col_text(st, c++, e->country, sizeof e->country);
	db_col_text(st, c++, e->docs, sizeof e->docs);
}

int mail_list(struct db *db, const struct actor *a, const struct mail_filter *f,
	      struct envelope **out, int *n, struct wq_errbuf *eb)
{
	char states[80] = "";
	size_t used = 0;
	*out = NULL;
	*n = 0;
	int rc = db_scope_ok(a, eb);
	if (rc)
		return rc;
	if (f->statuses) {
		used += (size_t)snprintf(states, sizeof states, ",");
		for (int s = 0; s < MS_COUNT; s++)
			if (f->statuses & MAIL_BIT(s))
				used += (size_t)snprintf(states + used, sizeof states - used,
							 "%s,", status_names[s]);
	}
	sqlite3_stmt *st = db_stmt(db, list_sql[a->scope], eb);
	if (!st)
		return WQ_EIO;
	int limit = f->limit > 0 ? f->limit : 1000;
	sqlite3_bind_int64(st, 1, a->scope_id);
	db_bind_text(st, 2, states);
	sqlite3_bind_int64(st, 3, f->office_id);
	sqlite3_bind_int64(st, 4, f->handed_from);
	sqlite3_bind_int64(st, 5, f->handed_to);
	sqlite3_bind_int(st, 6, limit);
	return db_collect(db, st, sizeof **out, fill_envelope, (void **)out, n, eb);
}

int mail_get(struct db *db, const struct actor *a, int64_t request_id, struct envelope *out,
	     struct wq_errbuf *eb)
{
	int rc = db_scope_ok(a, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, get_sql[a->scope], eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int64(st, 2, request_id);
	if ((rc = db_one(db, st, fill_envelope, out, eb)) != WQ_ENOTFOUND)
		return rc;
	return wq_fail(eb, WQ_ENOTFOUND, "request",
		       "no sealed envelope for request #%lld%s", (long long)request_id,
		       a->scope == SCOPE_NATIONAL ? "" : " in your scope");
}

static void fill_waiting(sqlite3_stmt *st, void *row)
{
	struct mail_office_count *c = row;
	c->office_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, c->office_code, sizeof c->office_code);
	c->waiting = sqlite3_column_int(st, 2);
}

int mail_waiting_by_office(struct db *db, const struct actor *a,
			   struct mail_office_count **out, int *n, struct wq_errbuf *eb)
{
	int rc = db_scope_ok(a, eb);
	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, waiting_sql[a->scope], eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	return db_collect(db, st, sizeof **out, fill_waiting, (void **)out, n, eb);
}

/* The S10 check digit over the 8-digit serial (UPU S10 weights 8 6 4 2 3 5 9 7). */
static int s10_digit(const char *serial)
{
	static const int weights[8] = {8, 6, 4, 2, 3, 5, 9, 7};
	int sum = 0;
	for (int i = 0; i < 8; i++)
		sum += (serial[i] - '0') * weights[i];
	int c = 11 - sum % 11;
	return c == 10 ? 0 : c == 11 ? 5 : c;
}

int mail_code_check(const char *code, struct wq_errbuf *eb)
{
	size_t len = code ? strlen(code) : 0;
	if (len != 13)
		return wq_fail(eb, WQ_EINVAL, "code",
			       "a registered-mail code has 13 characters, like RR123456785MA "
			       "(this one has %zu)", len);
	for (int i = 0; i < 13; i++) {
		int letter = code[i] >= 'A' && code[i] <= 'Z';
		int digit = code[i] >= '0' && code[i] <= '9';
		if ((i < 2 || i > 10) && !letter)
			return wq_fail(eb, WQ_EINVAL, "code",
				       "%s: 2 capital letters, 9 digits, then the country "
				       "(2 letters)", code);
		if (i >= 2 && i <= 10 && !digit)
			return wq_fail(eb, WQ_EINVAL, "code",
				       "%s: characters 3 to 11 must be digits", code);
	}
	int want = s10_digit(code + 2);
	if (code[10] - '0' != want)
		return wq_fail(eb, WQ_EINVAL, "code",
			       "%s: wrong check digit %c, should be %d (mistyped?)",
			       code, code[10], want);
	return WQ_OK;
}

int mail_hand(struct db *db, const struct actor *a, int64_t request_id,
	      int64_t expected_version, const char *code, const char *how,
	      struct wq_errbuf *eb)
{
	int rc = mail_code_check(code, eb);
	if (rc)
		return rc;
	return request_hand_to_post(db, a, request_id, expected_version, code, how, eb);
}

int mail_close(struct db *db, const struct actor *a, int64_t request_id,
	       int64_t expected_version, int delivered, const char *reason,
	       struct wq_errbuf *eb)
{
	return request_transition(db, a, request_id, expected_version,
				  delivered ? RS_DELIVERED : RS_RETURNED, reason ? reason : "",
				  eb);
}
