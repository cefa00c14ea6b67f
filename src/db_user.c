/* db_user.c - the data layer behind user.h: accounts, yescrypt hashes, SSH keys and
 * login checks.  Each change and each login (ok or failed) is audited in the same
 * transaction.  Runs in the CLI and in each SSH session process. */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "hash_region.h"
#include "user.h"
#include "util.h"
#include "validate.h"

int user_hash_password(const char *password, char *out, size_t outlen, struct wq_errbuf *eb)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	size_t len = strlen(password);
	if (len < PASSWORD_MIN_BYTES || len > PASSWORD_MAX_BYTES)
		return wq_fail(eb, WQ_EINVAL, "password",
			       "the password must be %d to %d characters", PASSWORD_MIN_BYTES,
			       PASSWORD_MAX_BYTES);
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt))
		return wq_fail(eb, WQ_EIO, "password", "cannot make a yescrypt salt");
	memset(&cd, 0, sizeof cd);
	const char *h = hash_region_crypt(password, salt, &cd);
	if (!h || h[0] == '*' || strlen(h) >= outlen)
		return wq_fail(eb, WQ_EIO, "password", "yescrypt hashing failed");
	strcpy(out, h);
	return WQ_OK;
}

int user_check_password(const char *password, const char *hash)
{
	struct crypt_data cd;
	memset(&cd, 0, sizeof cd);
	const char *h = hash_region_crypt(password, hash, &cd);
	if (!h || h[0] == '*' || strlen(h) != strlen(hash))
		return 0;
	unsigned diff = 0;
	for (size_t i = 0; hash[i]; i++)
		diff |= (unsigned)(h[i] ^ hash[i]);
	return diff == 0;
}

#define USER_COLS                                                                     \
	"u.id, u.username, u.full_name, u.role, u.scope_kind, u.scope_id,"            \
	" coalesce(CASE u.scope_kind WHEN 'office' THEN (SELECT code FROM offices"     \
	" WHERE id = u.scope_id) WHEN 'commune' THEN (SELECT code FROM communes"       \
	" WHERE id = u.scope_id) WHEN 'province' THEN (SELECT code FROM provinces"     \
	" WHERE id = u.scope_id) ELSE 'national' END, '?'), u.disabled,"              \
	" u.failed_logins, coalesce(u.last_login_at, 0),"                              \
	" (SELECT count(*) FROM user_keys k WHERE k.user_id = u.id), u.lang, u.bidi_reorder"

static void fill_user(sqlite3_stmt *st, void *row)
{
	struct user *u = row;
	char buf[32];
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, u->username, sizeof u->username);
	db_col_text(st, 2, u->full_name, sizeof u->full_name);
	db_col_text(st, 3, buf, sizeof buf);
	u->role = role_from_name(buf);
	db_col_text(st, 4, buf, sizeof buf);
	u->scope = scope_from_name(buf);
	u->scope_id = sqlite3_column_int64(st, 5);
	db_col_text(st, 6, u->scope_label, sizeof u->scope_label);
	u->disabled = sqlite3_column_int(st, 7);
	u->failed_logins = sqlite3_column_int(st, 8);
	u->last_login_at = sqlite3_column_int64(st, 9);
	u->key_count = sqlite3_column_int(st, 10);
	db_col_text(st, 11, u->lang, sizeof u->lang);
	u->bidi_reorder = sqlite3_column_int(st, 12);
}

static int get_user(struct db *db, const char *sql, const char *name, int64_t id,
		    struct user *out, struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	if (name)
		db_bind_text(st, 1, name);
	else
		sqlite3_bind_int64(st, 1, id);
	int rc = db_one(db, st, fill_user, out, eb);
	if (rc != WQ_ENOTFOUND)
		return rc;
	return name ? wq_fail(eb, WQ_ENOTFOUND, "username", "no account named '%s'", name)
		    : wq_fail(eb, WQ_ENOTFOUND, "user", "no account #%lld", (long long)id);
}

int user_get(struct db *db, const char *username, struct user *out, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u WHERE u.username = ?";
	return get_user(db, sql, username, 0, out, eb);
}

int user_get_by_id(struct db *db, int64_t id, struct user *out, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u WHERE u.id = ?";
	return get_user(db, sql, NULL, id, out, eb);
}

int db_actor_current(struct db *db, const struct actor *a, struct wq_errbuf *eb)
{
	struct user u;
	if (!a || a->user_id == 0)
		return WQ_OK; /* system, citizen: the server's own, not accounts */
	if (user_get_by_id(db, a->user_id, &u, NULL) != WQ_OK || u.disabled)
		return wq_fail(eb, WQ_EDENIED, "account", "account %s is disabled", a->username);
	if ((u.role != a->role || u.scope != a->scope || u.scope_id != a->scope_id) &&
	    !db_user_holds_role(db, a))
		return wq_fail(eb, WQ_EDENIED, "account",
			       "account %s is now %s of %s: open the screen again", a->username,
			       role_name(u.role), u.scope_label[0] ? u.scope_label : "national");
	return WQ_OK;
}

int user_list(struct db *db, enum role role, int64_t office_id, struct user **out, int *n,
	      struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u WHERE (?1 = '' OR u.role = ?1)"
				  " AND (?2 = 0 OR (u.scope_kind = 'office' AND u.scope_id = ?2))"
				  " ORDER BY u.username";
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, role == ROLE_NONE ? "" : role_name(role));
	sqlite3_bind_int64(st, 2, office_id);
	return db_collect(db, st, sizeof **out, fill_user, (void **)out, n, eb);
}

int db_scope_lookup(struct db *db, enum role role, const char *code, int64_t *id,
			struct wq_errbuf *eb)
{
	static const char *const sql[] = {
		[SCOPE_OFFICE] = "SELECT id FROM offices WHERE code = ?",
		[SCOPE_COMMUNE] = "SELECT id FROM communes WHERE code = ?",
		[SCOPE_PROVINCE] = "SELECT id FROM provinces WHERE code = ?",
	};
	enum scope_kind kind = role_scope_for(role, code);
	*id = 0;
	if (kind == SCOPE_NATIONAL)
		return WQ_OK;
	if (kind < SCOPE_OFFICE || kind > SCOPE_PROVINCE)
		return wq_fail(eb, WQ_EINVAL, "role", "unknown role");
	if (!code || !code[0])
		return wq_fail(eb, WQ_EINVAL, "scope", "a %s needs the code of a %s",
			       role_name(role), scope_name(kind));
	sqlite3_stmt *st = db_stmt(db, sql[kind], eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, code);
	int rc = db_one_id(db, st, id, eb);
	if (rc != WQ_ENOTFOUND)
		return rc;
	return wq_fail(eb, WQ_EINVAL, "scope", "no %s with code '%s'", scope_name(kind), code);
}

static int valid_username(const char *s, struct wq_errbuf *eb)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n >= USERNAME_MAX_BYTES)
		return wq_fail(eb, WQ_EINVAL, "username", "the username must be 2 to %d characters",
			       USERNAME_MAX_BYTES - 1);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '_') || (i == 0 && !(c >= 'a' && c <= 'z')))
			return wq_fail(eb, WQ_EINVAL, "username",
				       "the username must start with a lower-case letter and hold "
				       "only a-z, 0-9, '.', '-' or '_'");
	}
	return WQ_OK;
}

static int audit_by(struct db *db, const struct actor *by, const char *action,
		    const char *target, const char *detail, struct wq_errbuf *eb)
{
	return db_audit_append(db, by->user_id, by->username, action, target, detail, "", eb);
}

/* Accounts are the admin's (the admin screens) and the operator's (the CLI and the demo
 * run as system).  Checked here, in the data layer, so that no other role reaches them
 * by any path (tests/test_isolation.c found they did).  `self`: one's own password. */
int db_may_manage_accounts(const struct actor *by, const char *username, int self_ok,
			   struct wq_errbuf *eb)
{
	if (by && (by->role == ROLE_ADMIN || by->role == ROLE_SYSTEM))
		return WQ_OK;
	if (by && self_ok && by->user_id && username && !strcmp(by->username, username))
		return WQ_OK;
	return wq_fail(eb, WQ_EDENIED, "role", "only an administrator manages accounts");
}

static int do_add(struct db *db, const struct actor *by, const char *username,
		  const char *full_name, enum role role, const char *scope_code,
		  const char *hash, int64_t *id_out, struct wq_errbuf *eb)
{
	static const char sql[] =
		"INSERT INTO users (username, full_name, role, scope_kind, scope_id, password_hash,"
		" created_at) VALUES (?,?,?,?,?,?,?)";
	int64_t scope_id;
	int rc = db_scope_lookup(db, role, scope_code, &scope_id, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, full_name ? full_name : "");
	db_bind_text(st, 3, role_name(role));
	db_bind_text(st, 4, scope_name(role_scope_for(role, scope_code)));
	sqlite3_bind_int64(st, 5, scope_id);
	db_bind_text(st, 6, hash);
	sqlite3_bind_int64(st, 7, wq_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return wq_fail(eb, WQ_ECONFLICT, "username", "an account named '%s' already exists",
			       username);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (id_out)
		*id_out = sqlite3_last_insert_rowid(db_handle(db));
	char detail[128];
	snprintf(detail, sizeof detail, "role=%s scope=%s", role_name(role),
		 scope_code && scope_code[0] ? scope_code : "national");
	return audit_by(db, by, "user.add", username, detail, eb);
}

int user_add(struct db *db, const struct actor *by, const char *username,
	     const char *full_name, enum role role, const char *scope_code,
	     const char *password, int64_t *id_out, struct wq_errbuf *eb)
{
	char hash[256];
	int rc = valid_username(username, eb);
	if (rc)
		return rc;
	if ((rc = db_may_manage_accounts(by, NULL, 0, eb)))
		return rc;
	if (role == ROLE_NONE || role_scope(role) == SCOPE_NONE || role >= ROLE_SYSTEM)
		return wq_fail(eb, WQ_EINVAL, "role",
			       "role must be one of agent, supervisor, inspector, support, "
			       "finance, treasury, admin, post, officer");
	/* the admin screen's rule (VALIDATE_NAME_PATTERN): the name is printed raw by
	 * `watiqa user list` and on the screens; no name (NULL) is allowed */
	if (full_name && (rc = validate_name("full_name", full_name, eb)))
		return rc;
	/* hash outside the transaction: yescrypt takes tens of milliseconds */
	if ((rc = user_hash_password(password, hash, sizeof hash, eb)))
		return rc;
	DB_TX_AS(db, by, eb, do_add(db, by, username, full_name, role, scope_code, hash, id_out, eb));
}

/* Runs a prepared UPDATE ... WHERE username = ?last and checks one row changed. */
static int finish_update(struct db *db, sqlite3_stmt *st, const char *username,
			 struct wq_errbuf *eb)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (sqlite3_changes(db_handle(db)) != 1)
		return wq_fail(eb, WQ_ENOTFOUND, "username", "no account named '%s'", username);
	return WQ_OK;
}

static int do_disable(struct db *db, const struct actor *by, const char *username,
		      int disabled, struct wq_errbuf *eb)
{
	static const char sql[] = "UPDATE users SET disabled = ?, failed_logins = 0"
				  " WHERE username = ?";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int(st, 1, disabled);
	db_bind_text(st, 2, username);
	int rc = finish_update(db, st, username, eb);
	return rc ? rc : audit_by(db, by, disabled ? "user.disable" : "user.enable", username, "", eb);
}

int user_set_disabled(struct db *db, const struct actor *by, const char *username,
		      int disabled, struct wq_errbuf *eb)
{
	int rc = db_may_manage_accounts(by, username, 0, eb);
	if (rc)
		return rc;
	DB_TX_AS(db, by, eb, do_disable(db, by, username, disabled, eb));
}

static int do_passwd(struct db *db, const struct actor *by, const char *username,
		     const char *hash, struct wq_errbuf *eb)
{
	static const char sql[] = "UPDATE users SET password_hash = ?, failed_logins = 0,"
				  " must_change_password = ? WHERE username = ?";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, hash);
	/* an admin's reset must be changed at next login; one's own change need not */
	sqlite3_bind_int(st, 2, strcmp(by->username, username) != 0 && by->role == ROLE_ADMIN);
	db_bind_text(st, 3, username);
	int rc = finish_update(db, st, username, eb);
	return rc ? rc : audit_by(db, by, "user.passwd", username, "", eb);
}

int user_set_password(struct db *db, const struct actor *by, const char *username,
		      const char *password, struct wq_errbuf *eb)
{
	char hash[256];
	int rc = db_may_manage_accounts(by, username, 1, eb);
	if (!rc)
		rc = user_hash_password(password, hash, sizeof hash, eb);
	if (rc)
		return rc;
	DB_TX_AS(db, by, eb, do_passwd(db, by, username, hash, eb));
}

static int do_role(struct db *db, const struct actor *by, const char *username,
		   enum role role, const char *scope_code, struct wq_errbuf *eb)
{
	static const char sql[] = "UPDATE users SET role = ?, scope_kind = ?, scope_id = ?"
				  " WHERE username = ?";
	int64_t scope_id;
	int rc = db_scope_lookup(db, role, scope_code, &scope_id, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, role_name(role));
	db_bind_text(st, 2, scope_name(role_scope_for(role, scope_code)));
	sqlite3_bind_int64(st, 3, scope_id);
	db_bind_text(st, 4, username);
	if ((rc = finish_update(db, st, username, eb)))
		return rc;
	char detail[128];
	snprintf(detail, sizeof detail, "role=%s scope=%s", role_name(role),
		 scope_code && scope_code[0] ? scope_code : "national");
	return audit_by(db, by, "user.role", username, detail, eb);
}

int user_set_role(struct db *db, const struct actor *by, const char *username,
		  enum role role, const char *scope_code, struct wq_errbuf *eb)
{
	int rc = db_may_manage_accounts(by, username, 0, eb);
	if (rc)
		return rc;
	if (role == ROLE_NONE || role >= ROLE_SYSTEM)
		return wq_fail(eb, WQ_EINVAL, "role", "unknown role");
	DB_TX_AS(db, by, eb, do_role(db, by, username, role, scope_code, eb));
}

/* Splits "type base64 [comment]" and checks the type and the base64 alphabet. */
static int parse_key(const char *line, char *type, size_t tlen, char *b64, size_t blen,
		     char *comment, size_t clen, struct wq_errbuf *eb)
{
	static const char *const types[] = {"ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256",
					    "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
					    "sk-ssh-ed25519@openssh.com"};
	char buf[SSH_KEY_MAX_BYTES + 128];
	if (!line || strlen(line) >= sizeof buf)
		return wq_fail(eb, WQ_EINVAL, "key", "the key line is empty or too long");
	strcpy(buf, line);
	char *save, *t = strtok_r(buf, " \t\r\n", &save), *k = strtok_r(NULL, " \t\r\n", &save);
	char *c = strtok_r(NULL, "\r\n", &save);
	int known = 0;
	for (size_t i = 0; t && i < sizeof types / sizeof types[0]; i++)
		known |= !strcmp(t, types[i]);
	if (!known)
		return wq_fail(eb, WQ_EINVAL, "key",
			       "expected an OpenSSH public key line: 'ssh-ed25519 AAAA... comment'");
	if (!k || strlen(k) < 16 || strlen(k) >= blen || strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"abcdefghijklmnopqrstuvwxyz0123456789+/=") != strlen(k))
		return wq_fail(eb, WQ_EINVAL, "key", "the key's base64 part is missing or malformed");
	wq_strlcpy(type, t, tlen);
	wq_strlcpy(b64, k, blen);
	wq_strlcpy(comment, c ? c : "", clen);
	return WQ_OK;
}

static int do_key_add(struct db *db, const struct actor *by, const char *username,
		      const char *type, const char *b64, const char *comment,
		      struct wq_errbuf *eb)
{
	static const char sql[] = "INSERT INTO user_keys (user_id, key_type, key_b64, comment,"
				  " created_at) SELECT id, ?, ?, ?, ? FROM users WHERE username = ?";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, type);
	db_bind_text(st, 2, b64);
	db_bind_text(st, 3, comment);
	sqlite3_bind_int64(st, 4, wq_now());
	db_bind_text(st, 5, username);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return wq_fail(eb, WQ_ECONFLICT, "key", "%s already has this key", username);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (sqlite3_changes(db_handle(db)) != 1)
		return wq_fail(eb, WQ_ENOTFOUND, "username", "no account named '%s'", username);
	return audit_by(db, by, "user.key_add", username, comment, eb);
}

int user_key_add(struct db *db, const struct actor *by, const char *username,
		 const char *line, struct wq_errbuf *eb)
{
	char type[32], b64[SSH_KEY_MAX_BYTES], comment[64];
	int rc = parse_key(line, type, sizeof type, b64, sizeof b64, comment, sizeof comment, eb);
	if (!rc)
		rc = db_may_manage_accounts(by, username, 0, eb);
	if (rc)
		return rc;
	DB_TX_AS(db, by, eb, do_key_add(db, by, username, type, b64, comment, eb));
}

static int do_key_remove(struct db *db, const struct actor *by, const char *username,
			 int64_t key_id, struct wq_errbuf *eb)
{
	static const char sql[] = "DELETE FROM user_keys WHERE id = ? AND user_id ="
				  " (SELECT id FROM users WHERE username = ?)";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, key_id);
	db_bind_text(st, 2, username);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (sqlite3_changes(db_handle(db)) != 1)
		return wq_fail(eb, WQ_ENOTFOUND, "key", "%s has no key #%lld", username,
			       (long long)key_id);
	char detail[32];
	snprintf(detail, sizeof detail, "key #%lld", (long long)key_id);
	return audit_by(db, by, "user.key_remove", username, detail, eb);
}

int user_key_remove(struct db *db, const struct actor *by, const char *username,
		    int64_t key_id, struct wq_errbuf *eb)
{
	int rc = db_may_manage_accounts(by, username, 0, eb);
	if (rc)
		return rc;
	DB_TX_AS(db, by, eb, do_key_remove(db, by, username, key_id, eb));
}

static void fill_key(sqlite3_stmt *st, void *row)
{
	struct user_key *k = row;
	k->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, k->type, sizeof k->type);
	db_col_text(st, 2, k->b64, sizeof k->b64);
	db_col_text(st, 3, k->comment, sizeof k->comment);
}

int user_keys(struct db *db, const char *username, struct user_key **out, int *n,
	      struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT k.id, k.key_type, k.key_b64, k.comment FROM user_keys k"
				  " JOIN users u ON u.id = k.user_id WHERE u.username = ?"
				  " ORDER BY k.id";
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, username);
	return db_collect(db, st, sizeof **out, fill_key, (void **)out, n, eb);
}
