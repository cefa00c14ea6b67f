/* db_user_roles.c - the data layer behind an account's further roles (user.h,
 * db/190_officers.sql): where a small office needs it, one person is its supervisor and
 * its civil-status officer.  The main role stays in users.role (sessions open with it);
 * the others are rows of user_roles, each with its own scope.  db_actor_current() asks
 * db_user_holds_role() so that a session switched to a further role is checked on every
 * write like the main one.  Runs in the CLI and in the UI child. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "user.h"
#include "util.h"

int db_user_holds_role(struct db *db, const struct actor *a)
{
	static const char sql[] = "SELECT 1 FROM user_roles WHERE user_id = ? AND role = ?"
				  " AND scope_kind = ? AND scope_id = ?";
	int64_t one = 0;
	sqlite3_stmt *st = db_stmt(db, sql, NULL);
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, a->user_id);
	db_bind_text(st, 2, role_name(a->role));
	db_bind_text(st, 3, scope_name(a->scope));
	sqlite3_bind_int64(st, 4, a->scope_id);
	return db_one_id(db, st, &one, NULL) == WQ_OK && one == 1;
}

static int staff_role(enum role role, struct wq_errbuf *eb)
{
	if (role == ROLE_NONE || role >= ROLE_SYSTEM)
		return wq_fail(eb, WQ_EINVAL, "role",
			       "role must be one of agent, supervisor, inspector, support, "
			       "finance, treasury, admin, post, officer");
	return WQ_OK;
}

static int do_role_add(struct db *db, const struct actor *by, const char *username,
		       enum role role, const char *scope_code, struct wq_errbuf *eb)
{
	static const char sql[] = "INSERT INTO user_roles (user_id, role, scope_kind, scope_id,"
				  " created_at) VALUES (?,?,?,?,?)";
	struct user u;
	int64_t scope_id;
	int rc = user_get(db, username, &u, eb);
	if (rc || (rc = db_scope_lookup(db, role, scope_code, &scope_id, eb)))
		return rc;
	if (u.role == role)
		return wq_fail(eb, WQ_ECONFLICT, "role", "%s is already %s (the main role)",
			       username, role_name(role));
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, u.id);
	db_bind_text(st, 2, role_name(role));
	db_bind_text(st, 3, scope_name(role_scope_for(role, scope_code)));
	sqlite3_bind_int64(st, 4, scope_id);
	sqlite3_bind_int64(st, 5, wq_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return wq_fail(eb, WQ_ECONFLICT, "role", "%s already holds the %s role", username,
			       role_name(role));
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	char detail[128];
	snprintf(detail, sizeof detail, "role=%s scope=%s", role_name(role),
		 scope_code && scope_code[0] ? scope_code : "national");
	return db_audit_append(db, by->user_id, by->username, "user.role_add", username, detail,
			       "", eb);
}

int user_role_add(struct db *db, const struct actor *by, const char *username,
		  enum role role, const char *scope_code, struct wq_errbuf *eb)
{
	int rc = db_may_manage_accounts(by, username, 0, eb);
	if (rc || (rc = staff_role(role, eb)))
		return rc;
	DB_TX_AS(db, by, eb, do_role_add(db, by, username, role, scope_code, eb));
}

static int do_role_remove(struct db *db, const struct actor *by, const char *username,
			  enum role role, struct wq_errbuf *eb)
{
	static const char sql[] = "DELETE FROM user_roles WHERE role = ?"
				  " AND user_id = (SELECT id FROM users WHERE username = ?)";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, role_name(role));
	db_bind_text(st, 2, username);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (sqlite3_changes(db_handle(db)) != 1)
		return wq_fail(eb, WQ_ENOTFOUND, "role", "%s holds no further %s role", username,
			       role_name(role));
	return db_audit_append(db, by->user_id, by->username, "user.role_remove", username,
			       role_name(role), "", eb);
}

int user_role_remove(struct db *db, const struct actor *by, const char *username,
		     enum role role, struct wq_errbuf *eb)
{
	int rc = db_may_manage_accounts(by, username, 0, eb);
	if (rc || (rc = staff_role(role, eb)))
		return rc;
	DB_TX_AS(db, by, eb, do_role_remove(db, by, username, role, eb));
}

static void fill_role(sqlite3_stmt *st, void *row)
{
	struct user_role *r = row;
	char buf[32];
	memset(r, 0, sizeof *r);
	db_col_text(st, 0, buf, sizeof buf);
	r->role = role_from_name(buf);
	db_col_text(st, 1, buf, sizeof buf);
	r->scope = scope_from_name(buf);
	r->scope_id = sqlite3_column_int64(st, 2);
	db_col_text(st, 3, r->scope_label, sizeof r->scope_label);
}

int user_roles(struct db *db, const char *username, struct user_role *out, int *n,
	       struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT x.role, x.scope_kind, x.scope_id, coalesce(CASE x.scope_kind"
		" WHEN 'office' THEN (SELECT code FROM offices WHERE id = x.scope_id)"
		" WHEN 'commune' THEN (SELECT code FROM communes WHERE id = x.scope_id)"
		" WHEN 'province' THEN (SELECT code FROM provinces WHERE id = x.scope_id)"
		" ELSE 'national' END, '?') FROM (SELECT 0 AS k, role, scope_kind, scope_id"
		" FROM users WHERE username = ?1 UNION ALL SELECT 1, r.role, r.scope_kind,"
		" r.scope_id FROM user_roles r JOIN users u ON u.id = r.user_id"
		" WHERE u.username = ?1) x ORDER BY x.k, x.role";
	struct user_role *rows = NULL;
	int got = 0;
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, username);
	int rc = db_collect(db, st, sizeof *rows, fill_role, (void **)&rows, &got, eb);
	if (rc)
		return rc;
	if (!got) {
		free(rows);
		return wq_fail(eb, WQ_ENOTFOUND, "username", "no account named '%s'", username);
	}
	for (int i = 0; i < got && i < USER_ROLES_MAX; i++)
		out[(*n)++] = rows[i];
	free(rows);
	return WQ_OK;
}

int user_actor_as(struct db *db, const char *username, enum role role, struct actor *a,
		  struct wq_errbuf *eb)
{
	struct user_role roles[USER_ROLES_MAX];
	int n = 0, rc = user_actor(db, username, a, eb);
	if (rc || role == ROLE_NONE || role == a->role)
		return rc;
	if ((rc = user_roles(db, username, roles, &n, eb)))
		return rc;
	for (int i = 0; i < n; i++)
		if (roles[i].role == role) {
			a->role = role;
			a->scope = roles[i].scope;
			a->scope_id = roles[i].scope_id;
			return WQ_OK;
		}
	return wq_fail(eb, WQ_ENOTFOUND, "role", "%s does not hold the %s role", username,
		       role_name(role));
}
