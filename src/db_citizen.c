/* db_citizen.c - SQL for what a citizen reaches with a tracking number and a secret
 * code (request.h): the code checked against its HMAC under the server key, with the
 * tracking number's wrong-code counter in the same transaction (parallel guesses
 * cannot all slip under the limit); the rewrap of older unsalted hashes; the limits on
 * unpaid orders (open per phone, personal data purged after retention); payments a
 * signed callback announced.  Called from the HTTP worker threads and the notifier,
 * each with its own connection. */
#include <stdio.h>
#include <string.h>

#include "anon.h"
#include "request.h"
#include "secret.h"
#include "server_key.h"
#include "util.h"

/* The hash a code is stored as, by its kind: 'h1:' HMAC(key, code) for the 60-bit
 * codes, 'h0:' HMAC(key, SHA-256 hex of the code) for the older 6-character ones
 * (their unsalted hashes rewrapped, db/101_citizen_secrets.sql). */
static void hash_of(const unsigned char key[32], enum secret_kind kind, const char *canon,
		    char out[72])
{
	char mac[65];
	if (kind == SECRET_LEGACY) {
		char sha[65];
		wq_sha256_hex(canon, strlen(canon), sha);
		server_key_hmac(key, sha, mac);
	} else {
		server_key_hmac(key, canon, mac);
	}
	snprintf(out, 72, "%s%s", kind == SECRET_LEGACY ? "h0:" : "h1:", mac);
}

void request_secret_hash(const unsigned char *key, const char *code, char out[72])
{
	char canon[SECRET_CHARS + 1];
	enum secret_kind kind = secret_canonical(code, canon, sizeof canon);
	if (!key || kind == SECRET_BAD) {
		snprintf(out, 72, "h-:none"); /* no code hashes to this */
		return;
	}
	hash_of(key, kind, canon, out);
}

static int tries_get(struct db *db, const char *tracking, int *fails, int64_t *last_at,
		     struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT fails, last_at FROM secret_tries WHERE tracking = ?";
	*fails = 0;
	*last_at = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, tracking);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*fails = sqlite3_column_int(st, 0);
		*last_at = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

static int tries_write(struct db *db, const char *tracking, int failed, struct wq_errbuf *eb)
{
	static const char fail_sql[] =
		"INSERT INTO secret_tries (tracking, fails, last_at) VALUES (?1, 1, ?2)"
		" ON CONFLICT (tracking) DO UPDATE SET fails = fails + 1, last_at = ?2";
	static const char clear_sql[] = "DELETE FROM secret_tries WHERE tracking = ?1";
	sqlite3_stmt *st = db_stmt(db, failed ? fail_sql : clear_sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, tracking);
	if (failed)
		sqlite3_bind_int64(st, 2, wq_now());
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

/* Seconds the tracking number must still wait after `fails` wrong codes in a row. */
static int64_t tries_wait(int fails, int64_t last_at)
{
	if (fails < SECRET_FAILS_FREE)
		return 0;
	int64_t delay = SECRET_DELAY_BASE_SECONDS;
	for (int i = SECRET_FAILS_FREE; i < fails && delay < SECRET_DELAY_MAX_SECONDS; i++)
		delay *= 2;
	if (delay > SECRET_DELAY_MAX_SECONDS)
		delay = SECRET_DELAY_MAX_SECONDS;
	return wq_wait_left(last_at, delay, wq_now());
}

/* do_citizen in a read transaction: the check would write (a wrong code to count, a
 * count to clear) and must be done again in a write transaction. */
#define NEED_WRITE (-1)

/* The check, in the caller's transaction; WQ_OK, WQ_ENOTFOUND (counted) or WQ_EBUSY;
 * NEED_WRITE when !may_write and the check has something to write. */
static int do_citizen(struct db *db, const unsigned char key[32], const char *tracking,
		      enum secret_kind kind, const char *canon, int may_write,
		      int *wait_seconds, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT secret_hash FROM requests WHERE tracking = ?";
	int fails;
	int64_t last_at;
	int rc = tries_get(db, tracking, &fails, &last_at, eb);
	if (rc)
		return rc;
	int64_t wait = tries_wait(fails, last_at);
	if (wait > 0) {
		*wait_seconds = (int)wait;
		return wq_fail(eb, WQ_EBUSY, "secret",
			       "too many wrong codes for this tracking number: try again in %d s",
			       (int)wait);
	}
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, tracking);
	char stored[80] = "", given[72];
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		db_col_text(st, 0, stored, sizeof stored);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	/* the same HMAC whether the number exists or not; compared in constant time */
	hash_of(key, kind, canon, given);
	unsigned diff = rc != SQLITE_ROW || strlen(stored) != strlen(given);
	for (size_t i = 0; i < sizeof given && given[i]; i++)
		diff |= (unsigned)(stored[i] ^ given[i]);
	if ((diff || fails) && !may_write)
		return NEED_WRITE;
	if (diff) {
		if ((rc = tries_write(db, tracking, 1, eb)))
			return rc;
		return WQ_ENOTFOUND;
	}
	return fails ? tries_write(db, tracking, 0, eb) : WQ_OK;
}

int request_get_citizen(struct db *db, const unsigned char key[32], const char *tracking,
			const char *secret, struct request *out, int *wait_seconds,
			struct wq_errbuf *eb)
{
	return request_get_citizen_from(db, key, tracking, secret, NULL, out, wait_seconds, eb);
}

/* The source's wrong codes, counted in the lookup's own read transaction (one snapshot
 * and one round of SQLite's shared-memory locks less per page); a failed count holds
 * nothing back, as before. */
static int source_held(struct db *db, struct source_check *src)
{
	int fails = 0;
	src->held = src->source &&
		    !anon_fail_count(db, src->action, src->source, src->since, &fails, NULL) &&
		    fails >= src->max;
	return src->held;
}

/* keep: on WQ_OK, the read transaction stays open for the caller's other reads */
static int get_citizen(struct db *db, const unsigned char key[32], const char *tracking,
		       const char *secret, struct source_check *src, int keep,
		       struct request *out, int *wait_seconds, struct wq_errbuf *eb)
{
	struct actor sys;
	char canon[SECRET_CHARS + 1];
	*wait_seconds = 0;
	actor_system(&sys);
	enum secret_kind kind = secret_canonical(secret, canon, sizeof canon);
	int number_ok = wq_tracking_valid(tracking);
	/* a source held back is told so whatever it sends, malformed or not */
	if ((!number_ok || kind == SECRET_BAD) && src && source_held(db, src))
		return wq_fail(eb, WQ_EBUSY, "secret", "too many wrong codes from this address");
	if (!number_ok)
		return wq_fail(eb, WQ_ENOTFOUND, "tracking",
			       "unknown tracking number or wrong secret code");
	if (kind == SECRET_BAD)
		return wq_fail(eb, WQ_EINVAL, "secret",
			       "a secret code is 12 letters and digits, as K7M4-9QXT-2HPB");
	/* the right code with no wrong ones before it, most lookups, only reads: a read
	 * transaction, which does not queue for the write lock behind orders and payments */
	int rc = db_begin_read(db, eb);
	if (rc)
		return rc;
	if (src && source_held(db, src)) {
		db_rollback(db);
		return wq_fail(eb, WQ_EBUSY, "secret", "too many wrong codes from this address");
	}
	rc = do_citizen(db, key, tracking, kind, canon, 0, wait_seconds, eb);
	if (rc == WQ_OK)
		rc = request_get_by_tracking(db, &sys, tracking, out, eb);
	if (rc != NEED_WRITE) {
		if (rc) {
			db_rollback(db);
			return rc;
		}
		return keep ? WQ_OK : db_commit(db, eb);
	}
	db_rollback(db);
	if ((rc = db_begin(db, eb)))
		return rc;
	rc = do_citizen(db, key, tracking, kind, canon, 1, wait_seconds, eb);
	if (rc == WQ_EBUSY && *wait_seconds) {
		db_rollback(db); /* nothing written */
		return rc;
	}
	if (rc && rc != WQ_ENOTFOUND) {
		db_rollback(db);
		return rc;
	}
	int crc = db_commit(db, eb); /* a wrong code's count is kept */
	if (crc)
		return crc;
	if (rc == WQ_ENOTFOUND)
		return wq_fail(eb, WQ_ENOTFOUND, "tracking",
			       "unknown tracking number or wrong secret code");
	if (keep && (rc = db_begin_read(db, eb)))
		return rc;
	rc = request_get_by_tracking(db, &sys, tracking, out, eb);
	if (rc && keep)
		db_rollback(db);
	return rc;
}

int request_get_citizen_from(struct db *db, const unsigned char key[32], const char *tracking,
			     const char *secret, struct source_check *src, struct request *out,
			     int *wait_seconds, struct wq_errbuf *eb)
{
	return get_citizen(db, key, tracking, secret, src, 0, out, wait_seconds, eb);
}

int request_get_citizen_open(struct db *db, const unsigned char key[32], const char *tracking,
			     const char *secret, struct source_check *src, struct request *out,
			     int *wait_seconds, struct wq_errbuf *eb)
{
	return get_citizen(db, key, tracking, secret, src, 1, out, wait_seconds, eb);
}

static int do_rewrap(struct db *db, const unsigned char key[32], int *n, struct wq_errbuf *eb)
{
	static const char sel[] = "SELECT id, secret_hash FROM requests"
				  " WHERE secret_hash NOT LIKE 'h%:%' LIMIT 500";
	static const char upd[] = "UPDATE requests SET secret_hash = ? WHERE id = ?";
	int64_t ids[500];
	char old[500][72];
	int count = 0, rc;
	sqlite3_stmt *st = db_stmt(db, sel, eb);
	if (!st)
		return WQ_EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && count < 500) {
		ids[count] = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, old[count], sizeof old[count]);
		count++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, rc, eb);
	for (int i = 0; i < count; i++) {
		char mac[65], wrapped[72];
		server_key_hmac(key, old[i], mac);
		snprintf(wrapped, sizeof wrapped, "h0:%s", mac);
		if (!(st = db_stmt(db, upd, eb)))
			return WQ_EIO;
		db_bind_text(st, 1, wrapped);
		sqlite3_bind_int64(st, 2, ids[i]);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, rc, eb);
	}
	*n = count;
	return WQ_OK;
}

int request_secrets_rewrap(struct db *db, const unsigned char key[32], int *n,
			   struct wq_errbuf *eb)
{
	*n = 0;
	for (;;) {
		int k = 0, rc = db_begin(db, eb);
		if (rc)
			return rc;
		if ((rc = do_rewrap(db, key, &k, eb))) {
			db_rollback(db);
			return rc;
		}
		if ((rc = db_commit(db, eb)))
			return rc;
		*n += k;
		if (k < 500)
			return WQ_OK;
	}
}

int request_secret_tries_prune(struct db *db, int64_t before, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "DELETE FROM secret_tries WHERE last_at < ?";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, before);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	*n = sqlite3_changes(db_handle(db));
	return WQ_OK;
}

int request_unpaid_for_phone(struct db *db, const char *phone, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT count(*) FROM requests"
				  " WHERE phone = ? AND state = 'pending_payment'";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, phone);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? WQ_OK : db_fail(db, rc, eb);
}

static int do_purge(struct db *db, int64_t before, int *n, struct wq_errbuf *eb)
{
	/* paid_at IS NULL: never a request that was paid, even if it expired later */
	static const char sql[] =
		"UPDATE requests SET first_name_ar = '', last_name_ar = '', first_name_lat = '',"
		" last_name_lat = '', record_number = '', birth_date = '', cin = '', phone = '',"
		" email = '', address = '', postal_code = '', city = '', purged_at = ?1"
		" WHERE id IN (SELECT id FROM requests WHERE state = 'expired'"
		" AND paid_at IS NULL AND purged_at IS NULL AND created_at < ?2 LIMIT 500)";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, wq_now());
	sqlite3_bind_int64(st, 2, before);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	*n = sqlite3_changes(db_handle(db));
	return WQ_OK;
}

int request_purge_unpaid(struct db *db, int64_t before, int *n, struct wq_errbuf *eb)
{
	*n = 0;
	DB_TX(db, eb, do_purge(db, before, n, eb));
}

int request_payment_seen(struct db *db, int64_t id, const char *txn, int64_t amount_centimes,
			 struct wq_errbuf *eb)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO payments (request_id, gateway_ref, amount_centimes, status,"
		" created_at) VALUES (?, ?, ?, 'initiated', ?)";
	if (!txn || !txn[0] || strlen(txn) > 64)
		return wq_fail(eb, WQ_EINVAL, "txn", "missing or too long payment reference");
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, txn);
	sqlite3_bind_int64(st, 3, amount_centimes);
	sqlite3_bind_int64(st, 4, wq_now());
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

int request_payment_known(struct db *db, int64_t id, const char *txn, int *known,
			  struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT 1 FROM payments WHERE gateway_ref = ? AND request_id = ?";
	*known = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, txn ? txn : "");
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st);
	*known = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}
