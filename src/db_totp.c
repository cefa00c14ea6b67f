/* db_totp.c - the data layer behind totp.h's accounts part: each account's TOTP secret
 * (sealed under the server key; pending, then confirmed by a code from the app), the
 * step last accepted (so a code is
 * taken once), one-use recovery codes kept as yescrypt hashes, and the audit of every
 * step (totp.begin, totp.enrolled, totp.reset, totp.ok, totp.fail, totp.recovery).  The
 * login check takes the write lock before reading the last step, so two sessions racing
 * with one code cannot both pass.  Runs in SSH session processes, the UI child and the
 * CLI. */
#include <string.h>

#include "db.h"
#include "server_key.h"
#include "totp.h"
#include "user.h"
#include "util.h"

int totp_role_required(const struct config *cfg, enum role role)
{
	if (cfg->demo)
		return 0; /* the demo forces nothing, as it forces no password change */
	const char *name = role_name(role);
	size_t len = strlen(name);
	for (const char *p = cfg->totp_roles; (p = strstr(p, name)); p += len)
		if ((p == cfg->totp_roles || p[-1] == ',' || p[-1] == ' ') &&
		    (p[len] == '\0' || p[len] == ',' || p[len] == ' '))
			return 1;
	return 0;
}

static int user_id_of(struct db *db, const char *username, int64_t *id, struct wq_errbuf *eb)
{
	struct user u;
	int rc = user_get(db, username, &u, eb);
	if (!rc)
		*id = u.id;
	return rc;
}

int totp_status(struct db *db, const char *username, struct totp_status *out,
		struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT (SELECT confirmed FROM user_totp WHERE user_id = ?1),"
		" (SELECT count(*) FROM user_recovery_codes WHERE user_id = ?1 AND used_at IS NULL)";
	int64_t id;
	memset(out, 0, sizeof *out);
	int rc = user_id_of(db, username, &id, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int is_null = sqlite3_column_type(st, 0) == SQLITE_NULL;
		out->enrolled = !is_null && sqlite3_column_int(st, 0);
		out->pending = !is_null && !out->enrolled;
		out->recovery_left = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? WQ_OK : db_fail(db, rc, eb);
}

static int audit(struct db *db, const struct actor *by, const char *action,
		 const char *target, const char *detail, const char *addr, struct wq_errbuf *eb)
{
	return db_audit_append(db, by ? by->user_id : 0, by ? by->username : target, action,
			       target, detail, addr ? addr : "", eb);
}

/* The server key, for sealing and opening secrets. */
static int totp_key(const struct config *cfg, unsigned char key[SERVER_KEY_BYTES],
		    struct wq_errbuf *eb)
{
	return server_key_get(cfg, key, eb);
}

/* A secret for user_id (confirmed or pending), sealed, replacing any, and no recovery
 * codes. */
static int put_secret(struct db *db, const unsigned char *key, int64_t user_id,
		      const char *b32, int confirmed, struct wq_errbuf *eb)
{
	char sealed[TOTP_SEALED_BYTES];
	if (totp_seal(key, b32, sealed, sizeof sealed) != 0)
		return wq_fail(eb, WQ_EIO, "totp", "cannot seal the secret");
	static const char delq[] = "DELETE FROM user_recovery_codes WHERE user_id = ?1"
				   " AND ?2 IS NOT NULL AND ?3 IS NOT NULL";
	static const char putq[] =
		"INSERT OR REPLACE INTO user_totp (user_id, secret, confirmed, last_step,"
		" created_at) VALUES (?1, ?2, ?3, 0, strftime('%s','now'))";
	int rc = db_write_its(db, delq, user_id, "", 0, eb);
	return rc ? rc : db_write_its(db, putq, user_id, sealed, confirmed, eb);
}

/* Fresh recovery codes for user_id: shown once in codes, kept hashed. */
static int put_recovery(struct db *db, int64_t user_id,
			char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES], struct wq_errbuf *eb)
{
	static const char sql[] = "INSERT INTO user_recovery_codes (user_id, code_hash)"
				  " VALUES (?1, ?2)";
	for (int i = 0; i < TOTP_RECOVERY_COUNT; i++) {
		char hash[256];
		int rc;
		if (totp_recovery_new(codes[i], TOTP_RECOVERY_BYTES) != 0 ||
		    user_hash_password(codes[i], hash, sizeof hash, eb) != WQ_OK)
			return wq_fail(eb, WQ_EIO, "totp", "cannot make recovery codes");
		if ((rc = db_write_its(db, sql, user_id, hash, 0, eb)))
			return rc;
	}
	return WQ_OK;
}

static int do_begin(struct db *db, const unsigned char *key, const struct actor *a,
		    const char *b32, struct wq_errbuf *eb)
{
	struct totp_status ts;
	int rc = totp_status(db, a->username, &ts, eb);
	if (rc)
		return rc;
	if (ts.enrolled)
		return wq_fail(eb, WQ_ECONFLICT, "totp",
			       "%s already has a second factor: an administrator resets it",
			       a->username);
	if ((rc = put_secret(db, key, a->user_id, b32, 0, eb)))
		return rc;
	return audit(db, a, "totp.begin", a->username, "secret shown", "", eb);
}

int totp_begin(struct db *db, const struct config *cfg, const struct actor *a, char *b32,
	       size_t size, struct wq_errbuf *eb)
{
	unsigned char key[SERVER_KEY_BYTES];
	if (!a->user_id)
		return wq_fail(eb, WQ_EDENIED, "totp", "only a staff account has a second factor");
	int rc = totp_key(cfg, key, eb);
	if (rc)
		return rc;
	if (totp_secret_new(b32, size) != 0)
		return wq_fail(eb, WQ_EIO, "totp", "cannot make a secret");
	DB_TX_AS(db, a, eb, do_begin(db, key, a, b32, eb));
}

static int do_confirm(struct db *db, const unsigned char *key, const struct actor *a,
		      const char *code, char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES],
		      struct wq_errbuf *eb)
{
	static const char getq[] = "SELECT secret FROM user_totp WHERE user_id = ?"
				   " AND confirmed = 0";
	static const char okq[] = "UPDATE user_totp SET confirmed = 1, last_step = ?1"
				  " WHERE user_id = ?3 AND ?2 IS NOT NULL";
	char sealed[TOTP_SEALED_BYTES + 8] = "", b32[TOTP_SECRET_B32_BYTES] = "";
	sqlite3_stmt *st = db_stmt(db, getq, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		db_col_text(st, 0, sealed, sizeof sealed);
	sqlite3_reset(st);
	if (sealed[0] && totp_unseal(key, sealed, b32, sizeof b32) != 0)
		return wq_fail(eb, WQ_EIO, "totp", "the secret does not open with this server key");
	if (!b32[0])
		return wq_fail(eb, WQ_ENOTFOUND, "totp", "no second factor being enrolled");
	int64_t step = totp_match(b32, code, wq_now(), 0);
	if (step < 0)
		return wq_fail(eb, WQ_EINVAL, "code",
			       "the code is not the app's current one: 6 digits, within 30 s");
	int rc = db_write_its(db, okq, step, "", a->user_id, eb);
	if (!rc)
		rc = put_recovery(db, a->user_id, codes, eb);
	return rc ? rc : audit(db, a, "totp.enrolled", a->username, "by the account", "", eb);
}

int totp_confirm(struct db *db, const struct config *cfg, const struct actor *a, const char *code,
		 char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES], struct wq_errbuf *eb)
{
	unsigned char key[SERVER_KEY_BYTES];
	int rc = totp_key(cfg, key, eb);
	if (rc)
		return rc;
	DB_TX_AS(db, a, eb, do_confirm(db, key, a, code ? code : "", codes, eb));
}

static int may_manage(const struct actor *by, struct wq_errbuf *eb)
{
	if (by && (by->role == ROLE_ADMIN || by->role == ROLE_SYSTEM))
		return WQ_OK;
	return wq_fail(eb, WQ_EDENIED, "role", "only an administrator manages accounts");
}

static int do_admin_init(struct db *db, const unsigned char *key, const struct actor *by,
			 const char *username, const char *b32,
			 char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES], struct wq_errbuf *eb)
{
	int64_t id;
	int rc = user_id_of(db, username, &id, eb);
	if (!rc)
		rc = put_secret(db, key, id, b32, 1, eb);
	if (!rc)
		rc = put_recovery(db, id, codes, eb);
	return rc ? rc : audit(db, by, "totp.enrolled", username, "by an administrator", "", eb);
}

int totp_admin_init(struct db *db, const struct config *cfg, const struct actor *by,
		    const char *username, char *b32, size_t size,
		    char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES], struct wq_errbuf *eb)
{
	unsigned char key[SERVER_KEY_BYTES];
	int rc = may_manage(by, eb);
	if (rc || (rc = totp_key(cfg, key, eb)))
		return rc;
	if (totp_secret_new(b32, size) != 0)
		return wq_fail(eb, WQ_EIO, "totp", "cannot make a secret");
	DB_TX_AS(db, by, eb, do_admin_init(db, key, by, username, b32, codes, eb));
}

static int do_reset(struct db *db, const struct actor *by, const char *username,
		    struct wq_errbuf *eb)
{
	static const char totpq[] = "DELETE FROM user_totp WHERE user_id = ?1"
				    " AND ?2 IS NOT NULL AND ?3 IS NOT NULL";
	static const char codesq[] = "DELETE FROM user_recovery_codes WHERE user_id = ?1"
				     " AND ?2 IS NOT NULL AND ?3 IS NOT NULL";
	int64_t id;
	int rc = user_id_of(db, username, &id, eb);
	if (!rc)
		rc = db_write_its(db, totpq, id, "", 0, eb);
	if (!rc)
		rc = db_write_its(db, codesq, id, "", 0, eb);
	return rc ? rc : audit(db, by, "totp.reset", username, "second factor removed", "", eb);
}

int totp_reset(struct db *db, const struct actor *by, const char *username,
	       struct wq_errbuf *eb)
{
	int rc = may_manage(by, eb);
	if (rc)
		return rc;
	DB_TX_AS(db, by, eb, do_reset(db, by, username, eb));
}

/* An unused recovery code of user_id matching answer: used up.  1 found, 0 not. */
static int use_recovery(struct db *db, int64_t user_id, const char *answer,
			struct wq_errbuf *eb)
{
	static const char listq[] = "SELECT id, code_hash FROM user_recovery_codes"
				    " WHERE user_id = ? AND used_at IS NULL";
	static const char useq[] = "UPDATE user_recovery_codes SET used_at = ?3"
				   " WHERE id = ?1 AND ?2 IS NOT NULL";
	char code[TOTP_RECOVERY_BYTES + 8];
	totp_recovery_normalize(answer, code, sizeof code);
	if (strlen(code) != TOTP_RECOVERY_CHARS + 1)
		return 0;
	sqlite3_stmt *st = db_stmt(db, listq, eb);
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, user_id);
	int64_t found = 0;
	while (!found && sqlite3_step(st) == SQLITE_ROW) {
		char hash[256];
		db_col_text(st, 1, hash, sizeof hash);
		if (user_check_password(code, hash))
			found = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return found && db_write_its(db, useq, found, "", wq_now(), eb) == WQ_OK;
}

static int do_login(struct db *db, const unsigned char *key, const char *username,
		    const char *answer, const char *addr, int *used_recovery, int *ok,
		    struct wq_errbuf *eb)
{
	static const char getq[] = "SELECT t.user_id, t.secret, t.last_step FROM user_totp t"
				   " JOIN users u ON u.id = t.user_id"
				   " WHERE u.username = ? AND t.confirmed = 1 AND u.disabled = 0";
	static const char stepq[] = "UPDATE user_totp SET last_step = ?3"
				    " WHERE user_id = ?1 AND ?2 IS NOT NULL";
	char sealed[TOTP_SEALED_BYTES + 8] = "", b32[TOTP_SECRET_B32_BYTES] = "";
	int64_t id = 0, last = 0;
	sqlite3_stmt *st = db_stmt(db, getq, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, username);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, sealed, sizeof sealed);
		last = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (id && totp_unseal(key, sealed, b32, sizeof b32) != 0)
		b32[0] = '\0'; /* not ours (another server key) or altered: no code matches */
	int64_t step = id && b32[0] ? totp_match(b32, answer, wq_now(), last) : -1;
	const char *how = "wrong or used code";
	if (step >= 0) {
		int rc = db_write_its(db, stepq, id, "", step, eb);
		if (rc)
			return rc;
		*ok = 1;
		how = "code";
	} else if (id && use_recovery(db, id, answer, eb)) {
		*ok = *used_recovery = 1;
		how = "recovery code (used up)";
	}
	if (id) {
		int rc = user_login_second_factor(db, id, addr ? addr : "", *ok, eb);
		if (rc)
			return rc;
	}
	struct actor who = {.user_id = id};
	wq_strlcpy(who.username, username, sizeof who.username);
	return audit(db, &who, *ok ? (*used_recovery ? "totp.recovery" : "totp.ok") : "totp.fail",
		     username, how, addr, eb);
}

int totp_login(struct db *db, const struct config *cfg, const char *username,
	       const char *answer, const char *addr, int *used_recovery, struct wq_errbuf *eb)
{
	unsigned char key[SERVER_KEY_BYTES];
	int ok = 0, rc = totp_key(cfg, key, eb);
	*used_recovery = 0;
	if (rc || (rc = db_begin(db, eb)))
		return rc;
	rc = do_login(db, key, username, answer ? answer : "", addr, used_recovery, &ok, eb);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db, eb)))
		return rc;
	return ok ? WQ_OK : wq_fail(eb, WQ_EDENIED, "code", "wrong code");
}
