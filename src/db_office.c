/* db_office.c - the data layer behind office.h: provinces, communes, offices and
 * relays.  Changes are audited in their transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "office.h"
#include "util.h"
#include "validate.h"

#define OFFICE_COLS                                                                 \
	"o.id, o.code, o.name_fr, o.name_ar, o.activity, o.commune_id, c.code,"     \
	" c.name_fr, c.province_id, p.code, coalesce(o.relay_office_id, 0),"        \
	" coalesce(r.code, ''), o.active, c.name_ar"
#define OFFICE_FROM                                                                 \
	" FROM offices o JOIN communes c ON c.id = o.commune_id"                    \
	" JOIN provinces p ON p.id = c.province_id"                                 \
	" LEFT JOIN offices r ON r.id = o.relay_office_id"

static void fill_office(sqlite3_stmt *st, void *row)
{
	struct office *o = row;
	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, o->code, sizeof o->code);
	db_col_text(st, 2, o->name_fr, sizeof o->name_fr);
	db_col_text(st, 3, o->name_ar, sizeof o->name_ar);
	db_col_text(st, 4, o->activity, sizeof o->activity);
	o->commune_id = sqlite3_column_int64(st, 5);
	db_col_text(st, 6, o->commune_code, sizeof o->commune_code);
	db_col_text(st, 7, o->commune_name, sizeof o->commune_name);
	o->province_id = sqlite3_column_int64(st, 8);
	db_col_text(st, 9, o->province_code, sizeof o->province_code);
	o->relay_office_id = sqlite3_column_int64(st, 10);
	db_col_text(st, 11, o->relay_code, sizeof o->relay_code);
	o->active = sqlite3_column_int(st, 12);
	db_col_text(st, 13, o->commune_name_ar, sizeof o->commune_name_ar);
}

int office_list(struct db *db, struct office **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " OFFICE_COLS OFFICE_FROM " ORDER BY o.code";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	return db_collect(db, st, sizeof **out, fill_office, (void **)out, n, eb);
}

int office_list_shared(struct db *db, int64_t province_id, int64_t commune_id,
			struct office **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT " OFFICE_COLS OFFICE_FROM
		" WHERE o.active = 1 AND (?1 = 0 OR c.province_id = ?1)"
		" AND (?2 = 0 OR o.commune_id = ?2)"
		" AND (SELECT count(*) FROM offices x WHERE x.commune_id = o.commune_id"
		" AND x.active = 1) > 1"
		" ORDER BY c.name_fr, c.id, CASE o.activity WHEN 'intensive' THEN 0"
		" WHEN 'moderate' THEN 1 ELSE 2 END, o.id";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, province_id);
	sqlite3_bind_int64(st, 2, commune_id);
	return db_collect(db, st, sizeof **out, fill_office, (void **)out, n, eb);
}

static int office_one(struct db *db, const char *sql, int64_t id, const char *code,
		      struct office *out, struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	if (code)
		db_bind_text(st, 1, code);
	else
		sqlite3_bind_int64(st, 1, id);
	int rc = db_one(db, st, fill_office, out, eb);
	if (rc != WQ_ENOTFOUND)
		return rc;
	return code ? wq_fail(eb, WQ_ENOTFOUND, "office", "no office with code '%s'", code)
		    : wq_fail(eb, WQ_ENOTFOUND, "office", "no office #%lld", (long long)id);
}

int office_get(struct db *db, int64_t id, struct office *out, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " OFFICE_COLS OFFICE_FROM " WHERE o.id = ?";
	return office_one(db, sql, id, NULL, out, eb);
}

int office_get_by_code(struct db *db, const char *code, struct office *out,
		       struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " OFFICE_COLS OFFICE_FROM " WHERE o.code = ?";
	return office_one(db, sql, 0, code, out, eb);
}

int office_for_commune(struct db *db, int64_t commune_id, int64_t *office_id,
		       struct wq_errbuf *eb)
{
	/* the busiest open office, the lowest id among equals: as ORDER BY rank, id LIMIT 1
	 * would say, but as one min() over the rank in the high bits, the id in the low
	 * 40, because every order asks it and the ORDER BY built a temporary b-tree each
	 * time (2-3 % of the server's CPU per order); no row when the commune has none */
	static const char sql[] =
		"SELECT min((CASE activity WHEN 'intensive' THEN 0 WHEN 'moderate' THEN 1"
		" ELSE 2 END) << 40 | id) & 1099511627775 FROM offices"
		" WHERE commune_id = ? AND active = 1 HAVING count(*) > 0";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune_id);
	int rc = db_one_id(db, st, office_id, eb);
	if (rc != WQ_ENOTFOUND)
		return rc;
	return wq_fail(eb, WQ_ENOTFOUND, "commune",
		       "no open civil-status office serves this commune");
}

static int lookup_id(struct db *db, const char *sql, const char *code, const char *what,
		     int64_t *id, struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, code);
	int rc = db_one_id(db, st, id, eb);
	if (rc != WQ_ENOTFOUND)
		return rc;
	return wq_fail(eb, WQ_EINVAL, what, "no %s with code '%s'", what, code);
}

static const char commune_id_sql[] = "SELECT id FROM communes WHERE code = ?";
static const char province_id_sql[] = "SELECT id FROM provinces WHERE code = ?";

static int check_activity(const char *activity, struct wq_errbuf *eb)
{
	if (activity && (!strcmp(activity, "low") || !strcmp(activity, "moderate") ||
			 !strcmp(activity, "intensive")))
		return WQ_OK;
	return wq_fail(eb, WQ_EINVAL, "activity", "activity must be low, moderate or intensive");
}

static int check_code(const char *code, const char *field, struct wq_errbuf *eb)
{
	size_t n = code ? strlen(code) : 0;
	if (n < 2 || n > 15 || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != n)
		return wq_fail(eb, WQ_EINVAL, field,
			       "%s code must be 2-15 characters of A-Z, 0-9 and '-'", field);
	return WQ_OK;
}

/* A relay must be an active, non-low office of the same commune. */
static int check_relay(struct db *db, const char *relay_code, int64_t commune_id,
		       int64_t *relay_id, struct wq_errbuf *eb)
{
	struct office r;
	*relay_id = 0;
	if (!relay_code || !relay_code[0])
		return WQ_OK;
	int rc = office_get_by_code(db, relay_code, &r, eb);
	if (rc)
		return wq_fail(eb, WQ_EINVAL, "relay", "no relay office with code '%s'", relay_code);
	if (r.commune_id != commune_id)
		return wq_fail(eb, WQ_EINVAL, "relay", "relay office %s is in another commune",
			       relay_code);
	if (!strcmp(r.activity, "low"))
		return wq_fail(eb, WQ_EINVAL, "relay",
			       "relay office %s is itself a low-activity office", relay_code);
	*relay_id = r.id;
	return WQ_OK;
}

/* The network is the admin's (the admin screens) and the operator's (the CLI and the
 * demo run as system): checked here so that no other role changes it by any path
 * (tests/test_isolation.c found any actor could). */
static int may_change_network(const struct actor *by, struct wq_errbuf *eb)
{
	if (by && (by->role == ROLE_ADMIN || by->role == ROLE_SYSTEM))
		return WQ_OK;
	return wq_fail(eb, WQ_EDENIED, "role", "only an administrator changes the network");
}

static int do_office_add(struct db *db, const struct actor *by, const char *code,
			 const char *commune_code, const char *name_fr, const char *name_ar,
			 const char *activity, const char *relay_code, int64_t *id_out,
			 struct wq_errbuf *eb)
{
	static const char sql[] = "INSERT INTO offices (commune_id, code, name_fr, name_ar,"
				  " activity, relay_office_id) VALUES (?,?,?,?,?,nullif(?,0))";
	int64_t commune_id, relay_id;
	int rc = lookup_id(db, commune_id_sql, commune_code, "commune", &commune_id, eb);
	if (rc || (rc = check_relay(db, relay_code, commune_id, &relay_id, eb)))
		return rc;
	if (relay_id && strcmp(activity, "low"))
		return wq_fail(eb, WQ_EINVAL, "relay", "only a low-activity office is relayed");
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune_id);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, name_fr);
	db_bind_text(st, 4, name_ar && name_ar[0] ? name_ar : name_fr);
	db_bind_text(st, 5, activity);
	sqlite3_bind_int64(st, 6, relay_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return wq_fail(eb, WQ_ECONFLICT, "code", "an office with code %s exists", code);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (id_out)
		*id_out = sqlite3_last_insert_rowid(db_handle(db));
	char detail[160];
	snprintf(detail, sizeof detail, "commune=%s activity=%s relay=%s", commune_code,
		 activity, relay_code && relay_code[0] ? relay_code : "-");
	return db_audit_append(db, by->user_id, by->username, "office.add", code, detail, "", eb);
}

/* A place's names go out raw on the CLI and in the web's JSON, and are cut at their
 * column buffer when read back: validate_name keeps them printable and whole.  An empty
 * Arabic name stands for "same as the French one". */
static int check_names(const char *name_fr, const char *name_ar, struct wq_errbuf *eb)
{
	int rc = validate_name("name", name_fr, eb);
	if (!rc && name_ar && name_ar[0])
		rc = validate_name("name_ar", name_ar, eb);
	return rc;
}

int office_add(struct db *db, const struct actor *by, const char *code,
	       const char *commune_code, const char *name_fr, const char *name_ar,
	       const char *activity, const char *relay_code, int64_t *id_out,
	       struct wq_errbuf *eb)
{
	int rc = may_change_network(by, eb);
	if (rc || (rc = check_code(code, "office", eb)) || (rc = check_activity(activity, eb)))
		return rc;
	if ((rc = check_names(name_fr, name_ar, eb)))
		return rc;
	DB_TX_AS(db, by, eb, do_office_add(db, by, code, commune_code, name_fr, name_ar, activity,
				 relay_code, id_out, eb));
}

static int do_office_set(struct db *db, const struct actor *by, const char *code,
			 const char *activity, const char *relay_code, int active,
			 struct wq_errbuf *eb)
{
	static const char sql[] = "UPDATE offices SET activity = ?, relay_office_id = nullif(?, 0),"
				  " active = ? WHERE id = ?";
	struct office o;
	int64_t relay_id;
	int rc = office_get_by_code(db, code, &o, eb);
	if (rc || (rc = check_relay(db, relay_code, o.commune_id, &relay_id, eb)))
		return rc;
	if (relay_id && strcmp(activity, "low"))
		return wq_fail(eb, WQ_EINVAL, "relay", "only a low-activity office is relayed");
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, activity);
	sqlite3_bind_int64(st, 2, relay_id);
	sqlite3_bind_int(st, 3, active);
	sqlite3_bind_int64(st, 4, o.id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	char detail[160];
	snprintf(detail, sizeof detail, "activity=%s relay=%s active=%d", activity,
		 relay_code && relay_code[0] ? relay_code : "-", active);
	return db_audit_append(db, by->user_id, by->username, "office.set", code, detail, "", eb);
}

int office_set(struct db *db, const struct actor *by, const char *code, const char *activity,
	       const char *relay_code, int active, struct wq_errbuf *eb)
{
	int rc = may_change_network(by, eb);
	if (!rc)
		rc = check_activity(activity, eb);
	if (rc)
		return rc;
	DB_TX_AS(db, by, eb, do_office_set(db, by, code, activity, relay_code, active, eb));
}

static void fill_commune(sqlite3_stmt *st, void *p)
{
	struct commune *c = p;
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, c->code, sizeof c->code);
	db_col_text(st, 2, c->name_fr, sizeof c->name_fr);
	db_col_text(st, 3, c->name_ar, sizeof c->name_ar);
	db_col_text(st, 4, c->kind, sizeof c->kind);
	c->province_id = sqlite3_column_int64(st, 5);
	db_col_text(st, 6, c->province_code, sizeof c->province_code);
	db_col_text(st, 7, c->post_account, sizeof c->post_account);
}

int commune_list(struct db *db, struct commune **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT c.id, c.code, c.name_fr, c.name_ar, c.kind,"
				  " c.province_id, p.code, c.post_account FROM communes c"
				  " JOIN provinces p ON p.id = c.province_id ORDER BY c.name_fr";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	return db_collect(db, st, sizeof **out, fill_commune, (void **)out, n, eb);
}

/* One commune by id; WQ_ENOTFOUND when there is none. */
int commune_get(struct db *db, int64_t id, struct commune *out, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT c.id, c.code, c.name_fr, c.name_ar, c.kind,"
				  " c.province_id, p.code, c.post_account FROM communes c"
				  " JOIN provinces p ON p.id = c.province_id WHERE c.id = ?";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	int rc = db_one(db, st, fill_commune, out, eb);
	if (rc != WQ_ENOTFOUND)
		return rc;
	return wq_fail(eb, WQ_ENOTFOUND, "commune", "no commune #%lld", (long long)id);
}

int commune_list_in_province(struct db *db, int64_t province_id, struct commune **out,
			     int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT c.id, c.code, c.name_fr, c.name_ar, c.kind,"
				  " c.province_id, p.code, c.post_account FROM communes c"
				  " JOIN provinces p ON p.id = c.province_id"
				  " WHERE c.province_id = ? ORDER BY c.name_fr";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, province_id);
	return db_collect(db, st, sizeof **out, fill_commune, (void **)out, n, eb);
}

int commune_count(struct db *db, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT count(*) FROM communes";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? WQ_OK : db_fail(db, rc, eb);
}

static int do_commune_add(struct db *db, const struct actor *by, const char *code,
			  const char *province_code, const char *kind, const char *name_fr,
			  const char *name_ar, const char *post_account, struct wq_errbuf *eb)
{
	static const char sql[] = "INSERT INTO communes (province_id, code, kind, name_fr, name_ar,"
				  " post_account) VALUES (?,?,?,?,?,?)";
	int64_t province_id;
	int rc = lookup_id(db, province_id_sql, province_code, "province", &province_id, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, province_id);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, kind);
	db_bind_text(st, 4, name_fr);
	db_bind_text(st, 5, name_ar && name_ar[0] ? name_ar : name_fr);
	db_bind_text(st, 6, post_account ? post_account : "");
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return wq_fail(eb, WQ_ECONFLICT, "code", "a commune with code %s exists", code);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	return db_audit_append(db, by->user_id, by->username, "commune.add", code, province_code,
			       "", eb);
}

int commune_add(struct db *db, const struct actor *by, const char *code,
		const char *province_code, const char *kind, const char *name_fr,
		const char *name_ar, const char *post_account, struct wq_errbuf *eb)
{
	int rc = may_change_network(by, eb);
	if (rc || (rc = check_code(code, "commune", eb)))
		return rc;
	if (!kind || (strcmp(kind, "urban") && strcmp(kind, "rural")))
		return wq_fail(eb, WQ_EINVAL, "kind", "a commune is urban or rural");
	if ((rc = check_names(name_fr, name_ar, eb)))
		return rc;
	DB_TX_AS(db, by, eb, do_commune_add(db, by, code, province_code, kind, name_fr, name_ar,
				  post_account, eb));
}

static void fill_province(sqlite3_stmt *st, void *p)
{
	struct province *v = p;
	memset(v, 0, sizeof *v);
	v->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, v->code, sizeof v->code);
	db_col_text(st, 2, v->kind, sizeof v->kind);
	db_col_text(st, 3, v->name_fr, sizeof v->name_fr);
	db_col_text(st, 4, v->name_ar, sizeof v->name_ar);
}

int province_list(struct db *db, struct province **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT id, code, kind, name_fr, name_ar FROM provinces"
				  " ORDER BY name_fr";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	return db_collect(db, st, sizeof **out, fill_province, (void **)out, n, eb);
}

int province_get_by_code(struct db *db, const char *code, struct province *out,
			 struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT id, code, kind, name_fr, name_ar FROM provinces"
				  " WHERE code = ?";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, code);
	int rc = db_one(db, st, fill_province, out, eb);
	if (rc != WQ_ENOTFOUND)
		return rc;
	return wq_fail(eb, WQ_ENOTFOUND, "province", "no province with code '%s'", code);
}

static int do_province_add(struct db *db, const struct actor *by, const char *code,
			   const char *kind, const char *name_fr, const char *name_ar,
			   struct wq_errbuf *eb)
{
	static const char sql[] = "INSERT INTO provinces (code, kind, name_fr, name_ar)"
				  " VALUES (?,?,?,?)";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, name_fr);
	db_bind_text(st, 4, name_ar && name_ar[0] ? name_ar : name_fr);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return wq_fail(eb, WQ_ECONFLICT, "code", "a province with code %s exists", code);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	return db_audit_append(db, by->user_id, by->username, "province.add", code, kind, "", eb);
}

int province_add(struct db *db, const struct actor *by, const char *code, const char *kind,
		 const char *name_fr, const char *name_ar, struct wq_errbuf *eb)
{
	int rc = may_change_network(by, eb);
	if (rc || (rc = check_code(code, "province", eb)))
		return rc;
	if (!kind || (strcmp(kind, "prefecture") && strcmp(kind, "province")))
		return wq_fail(eb, WQ_EINVAL, "kind", "kind must be prefecture or province");
	if ((rc = check_names(name_fr, name_ar, eb)))
		return rc;
	DB_TX_AS(db, by, eb, do_province_add(db, by, code, kind, name_fr, name_ar, eb));
}
