/* db_login.c - the data layer of a staff login: the password or key check, the throttle
 * and the audit of each try.  A try is checked against its throttle buckets and counted
 * in them in one BEGIN IMMEDIATE transaction before the password is hashed, so parallel
 * guesses cannot all pass one check (issue 12 item 3).  Unknown names, known names and
 * throttled names cost the same: the dummy hash is made when the listener starts (not on
 * a connection's first try) and a throttled try computes one too (item 4).
 * A network an account logged in from before, and a key, are not held back by strangers'
 * failures; strangers are throttled per account and per source (item 5).  The two
 * transactions of a try share one fsync, made before the answer: the count is visible to
 * every other process from its COMMIT, so parallel guesses are held, and a try whose
 * count a power cut could lose was never answered (login_sync).  An SSH session instead
 * answers first: the count's fsync runs beside the hash and the outcome's after the
 * answer (user_login_password_answer_first, src/db_login_sync.c says why that holds).
 * Runs in each SSH session process (and in unit tests). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "anon.h"
#include "audit.h"
#include "db.h"
#include "limits.h"
#include "user.h"
#include "db_login_int.h"
#include "db_sync.h"
#include "util.h"

/* The statements of a login, prepared ahead by user_login_warm. */
static const char hash_sql[] = "SELECT password_hash FROM users WHERE id = ?";
static const char known_net_sql[] = "SELECT 1 FROM login_known WHERE user_id = ? AND net = ?";
static const char bucket_wait_sql[] = "SELECT fails, last_at FROM login_buckets WHERE bucket = ?";
static const char bucket_add_sql[] =
	"INSERT INTO login_buckets (bucket, fails, last_at) VALUES (?1, max(?2, 0), ?3)"
	" ON CONFLICT (bucket) DO UPDATE SET"
	" fails = max(CASE WHEN ?3 - last_at >= ?4 THEN 0 ELSE fails END + ?2, 0),"
	" last_at = CASE WHEN ?2 > 0 THEN ?3 ELSE last_at END";
static const char second_factor_sql[] =
	"SELECT 1 FROM user_totp WHERE user_id = ? AND confirmed = 1";
static const char ok_sql[] = "UPDATE users SET failed_logins = 0, last_login_at = ?2"
			     " WHERE id = ?1";
static const char bad_sql[] = "UPDATE users SET failed_logins = failed_logins + 1,"
			      " last_failed_at = ?2 WHERE id = ?1";
static const char purge_sql[] = "DELETE FROM login_buckets WHERE last_at < ?";
static const char clear_sql[] = "DELETE FROM login_buckets WHERE bucket = ?";

/* Made once before any session forks (user_login_prepare), so that every session has it. */
static char login_dummy_hash[256];
static int64_t login_hash_us; /* the last check's cost, for the listener's log */
static long login_hash_checks; /* every check made, so tests see which paths pay for one */
static struct db *login_unsettled; /* answered first, its outcome's fsync still due */

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The check of a password against a hash, timed. */
static int login_check_timed(const char *password, const char *hash)
{
	int64_t t0 = mono_us();
	login_hash_checks++;
	int ok = user_check_password(password, hash);
	login_hash_us = mono_us() - t0;
	return ok;
}

int user_login_prepare(void)
{
	if (login_dummy_hash[0])
		return (int)(login_hash_us / 1000);
	if (user_hash_password("no-such-account", login_dummy_hash, sizeof login_dummy_hash,
			       NULL) != WQ_OK)
		snprintf(login_dummy_hash, sizeof login_dummy_hash, "*");
	/* the middle of three: the first pays for pages a fresh process has not touched */
	int64_t t[3];
	for (int i = 0; i < 3; i++) {
		login_check_timed("warm-up-password", login_dummy_hash);
		t[i] = login_hash_us;
	}
	login_hash_us = t[0] > t[1] ? (t[1] > t[2] ? t[1] : t[0] > t[2] ? t[2] : t[0])
				    : (t[0] > t[2] ? t[0] : t[1] > t[2] ? t[2] : t[1]);
	return (int)(login_hash_us / 1000);
}

long user_login_hash_checks(void)
{
	return login_hash_checks;
}

/* ---- one fsync per try ---- */

/* The connection's synchronous level: 2 FULL, 1 NORMAL, 0 OFF, -1 unknown. */
static int login_sync_level(struct db *db)
{
	static const char sql[] = "PRAGMA synchronous";
	sqlite3_stmt *st = db_stmt(db, sql, NULL);
	int level = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	if (st)
		sqlite3_reset(st);
	return level;
}

/* A try's transactions commit without an fsync of their own (synchronous=NORMAL): each
 * is visible to every process from its COMMIT, which is what holds parallel guesses; then
 * login_sync fsyncs the WAL once, before the try is answered.  Frames are appended in
 * order, so that one fsync holds the try's count and its outcome: a power cut before it
 * can lose both, but then nobody was told anything about the password.  The fsync is
 * also made with the write lock let go (db_sync.c says why that is safe), so parallel
 * logins do not queue behind it.  Only a connection in FULL (a session's) is changed;
 * one whose commits sync themselves (db_sync.h) keeps doing so.  1 when deferred. */
static int login_defer_sync(struct db *db)
{
	return login_sync_level(db) == 2 &&
	       sqlite3_exec(db_handle(db), "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) ==
		       SQLITE_OK;
}

/* The fsync login_defer_sync put off, and FULL again; rc is the try's result so far: a
 * failed fsync turns an answer into an error, so nothing is told that is not on disk. */
static int login_sync(struct db *db, int deferred, int rc, struct wq_errbuf *eb)
{
	if (!deferred)
		return rc;
	sqlite3 *conn = db_handle(db);
	int src = db_sync_wal(conn, "main");
	sqlite3_exec(conn, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	if (src != SQLITE_OK && (rc == WQ_OK || rc == WQ_EDENIED))
		return db_fail(db, src, eb);
	return rc;
}

void user_login_warm(struct db *db)
{
	static const char *const sqls[] = {hash_sql,	      known_net_sql, bucket_wait_sql,
					   bucket_add_sql,    second_factor_sql, ok_sql,
					   bad_sql,	      purge_sql,	 clear_sql};
	struct user u;
	user_get(db, "", &u, NULL); /* reads the schema, the bulk of the work */
	for (size_t i = 0; i < sizeof sqls / sizeof *sqls; i++)
		db_stmt(db, sqls[i], NULL);
	if (login_sync_level(db) == 2)
		login_sync_early(db);
}

int user_login_settle(struct wq_errbuf *eb)
{
	struct db *db = login_unsettled;
	login_unsettled = NULL;
	return db ? login_sync(db, 1, WQ_OK, eb) : WQ_OK;
}

/* The networks of an address: `src` the source that is throttled (an IPv4 address, an
 * IPv6 /64), `known` what a success makes known for the account (IPv4 /24, IPv6 /64). */
static void login_nets(const char *addr, char *src, char *known, size_t size)
{
	unsigned char b[16];
	if (inet_pton(AF_INET6, addr, b) == 1 &&
	    !(memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)) {
		char txt[INET6_ADDRSTRLEN];
		memset(b + 8, 0, 8);
		inet_ntop(AF_INET6, b, txt, sizeof txt);
		snprintf(src, size, "%s/64", txt);
		snprintf(known, size, "%s/64", txt);
		return;
	}
	if (inet_pton(AF_INET6, addr, b) == 1)
		memmove(b, b + 12, 4); /* ::ffff:a.b.c.d */
	else if (inet_pton(AF_INET, addr, b) != 1) {
		snprintf(src, size, "%s", addr); /* not an address: taken as it is */
		snprintf(known, size, "%s", addr);
		return;
	}
	snprintf(src, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	snprintf(known, size, "%u.%u.%u.0/24", b[0], b[1], b[2]);
}

/* Seconds a bucket still holds tries back (0: none). */
static int64_t bucket_wait(struct db *db, const char *bucket, int free_fails, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, bucket_wait_sql, NULL);
	int64_t wait = 0;
	if (!st)
		return 0;
	db_bind_text(st, 1, bucket);
	if (sqlite3_step(st) == SQLITE_ROW) {
		int fails = sqlite3_column_int(st, 0);
		int64_t last = sqlite3_column_int64(st, 1);
		if (now - last < LOGIN_FORGET_SECONDS && fails >= free_fails) {
			int shift = fails - free_fails;
			int64_t delay = shift > 20 ? LOGIN_DELAY_MAX_SECONDS
						   : (int64_t)LOGIN_DELAY_BASE_SECONDS << shift;
			if (delay > LOGIN_DELAY_MAX_SECONDS)
				delay = LOGIN_DELAY_MAX_SECONDS;
			wait = wq_wait_left(last, delay, now);
		}
	}
	sqlite3_reset(st);
	return wait;
}

/* Counts a try (+1) or takes a successful one back (-1); a count older than
 * LOGIN_FORGET_SECONDS starts again. */
static int bucket_add(struct db *db, const char *bucket, int delta, int64_t now,
		      struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, bucket_add_sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, bucket);
	sqlite3_bind_int(st, 2, delta);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, LOGIN_FORGET_SECONDS);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

/* One try, as decided in its first transaction. */
struct login_try {
	const char *username, *addr, *method;
	int found, disabled, known;
	struct user u;
	char hash[256];
	char src[64], net[64];
	char buckets[2][96]; /* what this try was counted in ("" = none) */
	int64_t wait;	     /* > 0: throttled, not checked */
};

static void login_try_init(struct login_try *t, const char *username, const char *addr,
			   const char *method)
{
	memset(t, 0, sizeof *t);
	t->username = username;
	t->addr = addr ? addr : "";
	t->method = method;
}

static int login_known_net(struct db *db, struct login_try *t)
{
	sqlite3_stmt *st = db_stmt(db, known_net_sql, NULL);
	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, t->u.id);
	db_bind_text(st, 2, t->net);
	int known = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return known;
}

/* The buckets a try from t->addr counts in: its own (account, network) when the network
 * is known, else the source's and, for a real account, the account's strangers'. */
static void login_bucket_names(struct login_try *t)
{
	if (t->known) {
		snprintf(t->buckets[0], sizeof t->buckets[0], "k:%lld:%s", (long long)t->u.id,
			 t->net);
		return;
	}
	snprintf(t->buckets[0], sizeof t->buckets[0], "s:%s", t->src);
	if (t->found)
		snprintf(t->buckets[1], sizeof t->buckets[1], "a:%lld", (long long)t->u.id);
}

/* Once the whole login has passed: the network is the account's from now on. */
static int login_remember(struct db *db, int64_t user_id, const char *net, int64_t now,
			  struct wq_errbuf *eb)
{
	static const char sql[] =
		"INSERT INTO login_known (user_id, net, last_ok_at) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (user_id, net) DO UPDATE SET last_ok_at = ?3";
	return db_write_its(db, sql, user_id, net, now, eb);
}

/* Does a code follow the password or key?  Then the login is not whole yet. */
static int login_has_second_factor(struct db *db, int64_t user_id)
{
	sqlite3_stmt *st = db_stmt(db, second_factor_sql, NULL);
	if (!st)
		return 1; /* unknown: the code's check will remember the network */
	sqlite3_bind_int64(st, 1, user_id);
	int yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

int user_login_second_factor(struct db *db, int64_t user_id, const char *addr, int ok,
			     struct wq_errbuf *eb)
{
	struct login_try t;
	login_try_init(&t, "", addr, "code");
	login_nets(t.addr, t.src, t.net, sizeof t.src);
	t.found = 1;
	t.u.id = user_id;
	t.known = login_known_net(db, &t);
	int64_t now = wq_now();
	if (ok)
		return login_remember(db, user_id, t.net, now, eb);
	/* a wrong code counts like a wrong password: the password alone buys no guesses */
	login_bucket_names(&t);
	for (int i = 0; i < 2; i++)
		if (t.buckets[i][0] && bucket_add(db, t.buckets[i], 1, now, eb) != WQ_OK)
			return WQ_EIO;
	return WQ_OK;
}

/* A refusal that a stranger can cause at will (a throttled try, any try at a name that is
 * no account) is counted in anon_failures, one row per action, source and minute: the
 * hash-chained audit log is the staff's and nobody outside may grow it (issue 12 item
 * 7).  The rest is audited: a checked try at a real account, bounded by the throttle. */
static int login_record(struct db *db, const struct login_try *t, const char *action,
			const char *detail, struct wq_errbuf *eb)
{
	if (t->found && strcmp(action, "login.throttled") != 0)
		return db_audit_append(db, t->u.id, t->username, action, t->username, detail,
				       t->addr, eb);
	char sample[ANON_SAMPLE_BYTES];
	snprintf(sample, sizeof sample, "%.40s: %s", t->username, detail);
	return anon_fail(db, action, t->src, sample, eb);
}

/* The first transaction: who this is, which buckets apply, throttled or counted. */
static int login_begin_tx(struct db *db, struct login_try *t, int counted,
			  struct wq_errbuf *eb)
{
	int64_t now = wq_now();
	t->found = user_get(db, t->username, &t->u, NULL) == WQ_OK;
	t->disabled = t->found && t->u.disabled;
	if (t->found) {
		sqlite3_stmt *st = db_stmt(db, hash_sql, eb);
		if (!st)
			return WQ_EIO;
		sqlite3_bind_int64(st, 1, t->u.id);
		if (sqlite3_step(st) == SQLITE_ROW)
			db_col_text(st, 0, t->hash, sizeof t->hash);
		sqlite3_reset(st);
		t->known = login_known_net(db, t);
	}
	if (!counted)
		return WQ_OK; /* a key: nothing to guess, nothing to hold back */
	login_bucket_names(t);
	t->wait = bucket_wait(db, t->buckets[0], t->known ? LOGIN_FAILS_FREE
							  : LOGIN_SOURCE_FAILS_FREE, now);
	if (t->buckets[1][0]) {
		int64_t w = bucket_wait(db, t->buckets[1], LOGIN_FAILS_FREE, now);
		if (w > t->wait)
			t->wait = w;
	}
	if (t->wait > 0) {
		/* refused without looking at the password; counted, so that a guessing
		 * campaign shows */
		char detail[80];
		snprintf(detail, sizeof detail, "%s, %lld s left", t->method, (long long)t->wait);
		t->buckets[0][0] = t->buckets[1][0] = '\0';
		return login_record(db, t, "login.throttled", detail, eb);
	}
	for (int i = 0; i < 2; i++)
		if (t->buckets[i][0] && bucket_add(db, t->buckets[i], 1, now, eb) != WQ_OK)
			return WQ_EIO;
	return WQ_OK;
}

static int login_begin(struct db *db, struct login_try *t, int counted, struct wq_errbuf *eb)
{
	login_nets(t->addr, t->src, t->net, sizeof t->src);
	DB_TX(db, eb, login_begin_tx(db, t, counted, eb));
}

/* The second transaction: the outcome, audited; a success makes its network known and
 * takes back what its try was counted. */
static int login_end_tx(struct db *db, struct login_try *t, int ok, const char *how,
			struct wq_errbuf *eb)
{
	int64_t now = wq_now();
	if (t->found) {
		sqlite3_stmt *st = db_stmt(db, ok ? ok_sql : bad_sql, eb);
		if (!st)
			return WQ_EIO;
		sqlite3_bind_int64(st, 1, t->u.id);
		sqlite3_bind_int64(st, 2, now);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, rc, eb);
	}
	if (ok) {
		for (int i = 0; i < 2; i++)
			if (t->buckets[i][0] && bucket_add(db, t->buckets[i], -1, now, eb) != WQ_OK)
				return WQ_EIO;
		if (!login_has_second_factor(db, t->u.id) &&
		    login_remember(db, t->u.id, t->net, now, eb) != WQ_OK)
			return WQ_EIO;
		sqlite3_stmt *st;
		if (t->known) {
			/* the account's own network got in: its own failures start again */
			st = db_stmt(db, clear_sql, eb);
			if (!st)
				return WQ_EIO;
			db_bind_text(st, 1, t->buckets[0]);
			sqlite3_step(st);
			sqlite3_reset(st);
		}
		st = db_stmt(db, purge_sql, eb);
		if (st) {
			sqlite3_bind_int64(st, 1, now - LOGIN_FORGET_SECONDS);
			sqlite3_step(st);
			sqlite3_reset(st);
		}
	}
	return login_record(db, t, ok ? "login.ok" : "login.fail", how, eb);
}

static void to_actor(const struct user *u, struct actor *a)
{
	memset(a, 0, sizeof *a);
	a->user_id = u->id;
	wq_strlcpy(a->username, u->username, sizeof a->username);
	a->role = u->role;
	a->scope = u->scope;
	a->scope_id = u->scope_id;
}

/* matched: the password or key was right for the name; it lets in only an account that
 * exists and is enabled.  WQ_OK in, WQ_EDENIED refused (audited), else an error. */
static int login_end(struct db *db, struct login_try *t, int matched, const char *wrong,
		     struct actor *a, struct wq_errbuf *eb)
{
	char how[64];
	int ok = matched && t->found && !t->disabled;
	snprintf(how, sizeof how, "%s%s%s", t->method, ok ? "" : ", ",
		 ok ? "" : !t->found ? "unknown account" : t->disabled ? "account disabled" : wrong);
	int rc = db_begin(db, eb);
	/* login.ok is the first factor's: say so when a code must follow (totp.ok, or
	 * totp.fail, is the login's end) */
	if (!rc && ok && login_has_second_factor(db, t->u.id))
		snprintf(how, sizeof how, "%s, code asked", t->method);
	if (!rc)
		rc = login_end_tx(db, t, ok, how, eb);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db, eb)))
		return rc;
	if (!ok)
		return WQ_EDENIED;
	to_actor(&t->u, a);
	return WQ_OK;
}

int user_actor(struct db *db, const char *username, struct actor *a, struct wq_errbuf *eb)
{
	struct user u;
	int rc = user_get(db, username, &u, eb);
	if (rc)
		return rc;
	if (u.disabled)
		return wq_fail(eb, WQ_EDENIED, "username", "account %s is disabled", username);
	to_actor(&u, a);
	return WQ_OK;
}

/* late: the answer goes before the outcome's fsync (user_login_settle makes it); the
 * count's is made beside the hash.  Else one fsync for both, before returning. */
static int login_password(struct db *db, const char *username, const char *password,
			  const char *addr, int late, struct actor *a, struct wq_errbuf *eb)
{
	static struct login_try t;
	login_try_init(&t, username, addr, "password");
	user_login_prepare(); /* done by the listener already; here for the CLI and tests */
	int rc = user_login_settle(eb); /* an earlier try's, before this one writes */
	if (rc)
		return rc;
	int deferred = login_defer_sync(db);
	rc = login_begin(db, &t, 1, eb);
	if (rc)
		return login_sync(db, deferred, rc, eb);
	int bg = late && deferred && login_bg_start(db);
	if (t.wait > 0) {
		/* the hash a checked try would cost, really computed: a wait would not slow
		 * down with the machine as the hash does, and the time would tell */
		login_check_timed(password ? password : "", login_dummy_hash);
		int src = login_bg_join();
		if (bg) {
			/* the refusal's only record was in the count's transaction, synced */
			sqlite3_exec(db_handle(db), "PRAGMA synchronous=FULL", NULL, NULL, NULL);
			rc = src == SQLITE_OK ? WQ_OK : db_fail(db, src, eb);
		} else {
			rc = login_sync(db, deferred, WQ_OK, eb);
		}
		if (rc)
			return rc;
		return wq_fail(eb, WQ_EDENIED, "username",
			       "too many failed logins for this account: try again in %lld s",
			       (long long)t.wait);
	}
	/* the same hash for an unknown or disabled account, so timing does not tell */
	int ok = login_check_timed(password ? password : "",
				   t.found && t.hash[0] ? t.hash : login_dummy_hash);
	int src = login_bg_join(); /* before the connection is touched again */
	rc = login_end(db, &t, ok && t.hash[0], "wrong password", a, eb);
	if (bg && src != SQLITE_OK && (rc == WQ_OK || rc == WQ_EDENIED))
		rc = db_fail(db, src, eb); /* the count is not on disk: no answer */
	if (bg && (rc == WQ_OK || rc == WQ_EDENIED))
		login_unsettled = db;
	else
		rc = login_sync(db, deferred, rc, eb);
	if (rc != WQ_EDENIED)
		return rc;
	return wq_fail(eb, WQ_EDENIED, "password", "wrong username or password");
}

int user_login_password(struct db *db, const char *username, const char *password,
			const char *addr, struct actor *a, struct wq_errbuf *eb)
{
	return login_password(db, username, password, addr, 0, a, eb);
}

int user_login_password_answer_first(struct db *db, const char *username,
				     const char *password, const char *addr, struct actor *a,
				     struct wq_errbuf *eb)
{
	return login_password(db, username, password, addr, 1, a, eb);
}

int user_login_key(struct db *db, const char *username, const char *key_type,
		   const char *key_b64, const char *addr, struct actor *a,
		   struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT 1 FROM user_keys WHERE user_id = ? AND key_type = ?"
				  " AND key_b64 = ?";
	static struct login_try t;
	login_try_init(&t, username, addr, "publickey");
	int rc = user_login_settle(eb);
	if (rc)
		return rc;
	int deferred = login_defer_sync(db);
	rc = login_begin(db, &t, 0, eb);
	if (rc)
		return login_sync(db, deferred, rc, eb);
	int match = 0;
	if (t.found) {
		sqlite3_stmt *st = db_stmt(db, sql, eb);
		if (!st)
			return login_sync(db, deferred, WQ_EIO, eb);
		sqlite3_bind_int64(st, 1, t.u.id);
		db_bind_text(st, 2, key_type);
		db_bind_text(st, 3, key_b64);
		match = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
	}
	rc = login_sync(db, deferred, login_end(db, &t, match, "key not registered", a, eb), eb);
	if (rc != WQ_EDENIED)
		return rc;
	return wq_fail(eb, WQ_EDENIED, "key", "key not accepted for %s", username);
}
