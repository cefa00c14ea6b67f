/* db.c - opening the database, migrations, transactions, the statement cache, the
 * hash-chained appends (backup and the consistency check are db_check.c's).  The only
 * place that maps SQLite result codes to wq_err.  One `struct db` per process (or per
 * HTTP thread). */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "limits.h"
#include "local_day.h"
#include "log.h"
#include "util.h"

#define STMT_CACHE_SLOTS 128
/* A small connection's page cache (PRAGMA cache_size, negative: KiB), instead of
 * SQLite's 2,000 KiB that a staff screen would fill over a day of searches: the pages
 * it drops are read again from the kernel's page cache, which every process shares. */
#define DB_SMALL_CACHE_KIB "-64"
/* The page size of a database this creates (db_open_as says why) */
#define DB_NEW_PAGE_SIZE "1024"

struct db {
	sqlite3 *conn;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE_SLOTS];
	int ncache;
	/* inside a group commit (db_group.c): transactions are savepoints of the group's,
	 * and log_mark the log lines pending before the current one */
	int grouped, log_mark;
};

int db_fail(struct db *db, int rc, struct wq_errbuf *eb)
{
	const char *msg = db && db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return wq_fail(eb, WQ_EBUSY, NULL,
			       "the database is busy (%s); please try again", msg);
	case SQLITE_CONSTRAINT:
		return wq_fail(eb, WQ_ECONFLICT, NULL, "conflicting data: %s", msg);
	case SQLITE_FULL:
		return wq_fail(eb, WQ_EIO, NULL, "disk full: %s", msg);
	default:
		return wq_fail(eb, WQ_EIO, NULL, "database error: %s", msg);
	}
}

static int exec(struct db *db, const char *sql, struct wq_errbuf *eb)
{
	char *err = NULL;
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		wq_fail(eb, (rc & 0xff) == SQLITE_BUSY ? WQ_EBUSY : WQ_EIO, NULL, "%s",
			err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return eb ? (int)eb->code : WQ_EIO;
	}
	return WQ_OK;
}

/* One transaction-control statement (BEGIN, COMMIT, SAVEPOINT...), prepared once per
 * connection: sqlite3_exec parsed it anew each time, a sixth of a tracking page's CPU.
 * SQL is a literal (db_stmt's cache keys on its address); errors as exec() gives them. */
static int ctl(struct db *db, const char *sql, struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return eb ? (int)eb->code : WQ_EIO;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return WQ_OK;
	return wq_fail(eb, (rc & 0xff) == SQLITE_BUSY ? WQ_EBUSY : WQ_EIO, NULL, "%s",
		       sqlite3_errmsg(db->conn));
}

/* No global count of SQLite's memory (nothing reads it): its mutex was taken on every
 * allocation of every connection.  Before the first connection, else refused (harmless). */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* local_day(t) in SQL: Morocco's day of t (local_day.h), so that a query grouping by
 * day counts as the C code does; NULL for NULL. */
static void sql_local_day(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	sqlite3_result_int64(ctx, local_day(sqlite3_value_int64(argv[0])));
}

static int db_open_as(const char *path, int small, struct db **out, struct wq_errbuf *eb)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_setup);
	*out = NULL;
	struct db *db = calloc(1, sizeof *db);
	if (!db)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	int rc = sqlite3_open_v2(path, &db->conn,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		wq_fail(eb, WQ_EIO, "db", "cannot open database %s: %s", path,
			db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
		sqlite3_close(db->conn);
		free(db);
		return WQ_EIO;
	}
	/* before any statement: lookaside is only given back while none of it is in use */
	if (small)
		sqlite3_db_config(db->conn, SQLITE_DBCONFIG_LOOKASIDE, NULL, 0, 0);
	sqlite3_busy_timeout(db->conn, DB_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db->conn, 1);
	if (sqlite3_create_function_v2(db->conn, "local_day", 1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
				       NULL, sql_local_day, NULL, NULL, NULL) != SQLITE_OK) {
		wq_fail(eb, WQ_EIO, "db", "cannot open database %s: %s", path,
			sqlite3_errmsg(db->conn));
		db_close(db);
		return WQ_EIO;
	}
	/* WAL: readers never block the writer; FULL: an acknowledged payment survives a
	 * power cut.  foreign_keys: a request cannot name an office that does not exist.
	 * page_size (a new database only: SQLite ignores it once the file has pages): an
	 * order dirties a leaf of each index on a random key, and the WAL takes the whole
	 * page for it; at 1 KiB instead of 4 the server writes 10.4-11.2 KiB an order
	 * instead of 17.7-20.5 (its WAL and its checkpoints' copies), and the disk's stalls
	 * under that load decide the order's p99 (bench/README.md sections 23 and 29).  The
	 * rows are small (a request ~200 B, an event ~180 B): four still fit a leaf.  A
	 * scan of every row reads as many bytes in 4x the pages (the totals check of
	 * 100,000 requests: 60 -> 93 ms, one run each at load 5). */
	rc = exec(db, "PRAGMA page_size=" DB_NEW_PAGE_SIZE ";"
		      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		      "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
		  eb);
	if (!rc && small)
		rc = exec(db, "PRAGMA cache_size=" DB_SMALL_CACHE_KIB ";", eb);
	if (rc) {
		db_close(db);
		return rc;
	}
	*out = db;
	return WQ_OK;
}

int db_open(const char *path, struct db **out, struct wq_errbuf *eb)
{
	return db_open_as(path, 0, out, eb);
}

int db_open_small(const char *path, struct db **out, struct wq_errbuf *eb)
{
	return db_open_as(path, 1, out, eb);
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->ncache; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->conn);
	free(db);
}

sqlite3 *db_handle(struct db *db)
{
	return db->conn;
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql, struct wq_errbuf *eb)
{
	for (int i = 0; i < db->ncache; i++) {
		if (db->cache[i].sql == sql) {
			sqlite3_stmt *st = db->cache[i].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		db_fail(db, rc, eb);
		return NULL;
	}
	if (db->ncache < STMT_CACHE_SLOTS) {
		db->cache[db->ncache].sql = sql;
		db->cache[db->ncache].st = st;
		db->ncache++;
	} else {
		/* Cache full: should not happen (statements are literals); keep it working by
		 * evicting the oldest slot. */
		sqlite3_finalize(db->cache[0].st);
		memmove(&db->cache[0], &db->cache[1], sizeof db->cache[0] * (STMT_CACHE_SLOTS - 1));
		db->cache[STMT_CACHE_SLOTS - 1].sql = sql;
		db->cache[STMT_CACHE_SLOTS - 1].st = st;
	}
	return st;
}

int db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	return s ? sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, idx);
}

void db_col_text(sqlite3_stmt *st, int col, char *dst, size_t dstlen)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	wq_strlcpy(dst, t ? (const char *)t : "", dstlen);
}

int db_collect(struct db *db, sqlite3_stmt *st, size_t size, db_fill_fn *fill, void **out,
	       int *n, struct wq_errbuf *eb)
{
	int rc, cap = 0;
	char *rows = NULL;
	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char *bigger = realloc(rows, size * (size_t)cap);
			if (!bigger) {
				rc = SQLITE_NOMEM;
				break;
			}
			rows = bigger;
		}
		fill(st, rows + size * (size_t)(*n)++);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(rows);
		*n = 0;
		return db_fail(db, rc, eb);
	}
	*out = rows;
	return WQ_OK;
}

int db_one(struct db *db, sqlite3_stmt *st, db_fill_fn *fill, void *row,
	   struct wq_errbuf *eb)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		fill(st, row);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return WQ_OK;
	return rc == SQLITE_DONE ? WQ_ENOTFOUND : db_fail(db, rc, eb);
}

static void fill_id(sqlite3_stmt *st, void *id)
{
	*(int64_t *)id = sqlite3_column_int64(st, 0);
}

int db_write_its(struct db *db, const char *sql, int64_t a, const char *text, int64_t b,
		 struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a);
	db_bind_text(st, 2, text);
	sqlite3_bind_int64(st, 3, b);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

int db_one_id(struct db *db, sqlite3_stmt *st, int64_t *id, struct wq_errbuf *eb)
{
	return db_one(db, st, fill_id, id, eb);
}

int db_begin(struct db *db, struct wq_errbuf *eb)
{
	if (db->grouped) {
		db->log_mark = log_pending();
		return ctl(db, "SAVEPOINT wq_job", eb);
	}
	return ctl(db, "BEGIN IMMEDIATE", eb);
}

int db_begin_read(struct db *db, struct wq_errbuf *eb)
{
	if (db->grouped) {
		db->log_mark = log_pending();
		return ctl(db, "SAVEPOINT wq_job", eb);
	}
	return ctl(db, "BEGIN DEFERRED", eb);
}

int db_commit(struct db *db, struct wq_errbuf *eb)
{
	if (db->grouped) { /* on disk with the group's COMMIT; its log lines then too */
		int rc = ctl(db, "RELEASE wq_job", eb);
		if (rc)
			db_rollback(db);
		return rc;
	}
	int rc = ctl(db, "COMMIT", eb);
	if (rc)
		db_rollback(db);
	else
		log_commit();
	return rc;
}

void db_rollback(struct db *db)
{
	if (db->grouped) { /* this job only: the group's earlier jobs stay */
		sqlite3_exec(db->conn, "ROLLBACK TO wq_job; RELEASE wq_job", NULL, NULL, NULL);
		log_discard_from(db->log_mark);
		return;
	}
	if (!sqlite3_get_autocommit(db->conn))
		ctl(db, "ROLLBACK", NULL);
	log_discard();
}

int db_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db->conn);
}

void db_set_grouped(struct db *db, int on)
{
	db->grouped = on;
}

void db_bulk_mode(struct db *db, int on)
{
	sqlite3_exec(db->conn, on ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=FULL", NULL,
		     NULL, NULL);
}

int64_t db_data_version(struct db *db)
{
	static const char sql[] = "PRAGMA data_version";
	sqlite3_stmt *st = db_stmt(db, sql, NULL);
	if (!st)
		return -1;
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return v;
}

/* ---- migrations ---- */

static int migration_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 8 && d->d_name[0] >= '0' && d->d_name[0] <= '9' &&
	       strcmp(d->d_name + n - 4, ".sql") == 0;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = 0;
	fclose(f);
	return buf;
}

int db_schema_version(struct db *db)
{
	static const char sql[] = "SELECT coalesce(max(version), 0) FROM schema_migrations";
	sqlite3_stmt *st = db_stmt(db, sql, NULL);
	if (!st)
		return 0;
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return v;
}

static int migration_applied(struct db *db, int version)
{
	static const char sql[] = "SELECT 1 FROM schema_migrations WHERE version = ?";
	sqlite3_stmt *st = db_stmt(db, sql, NULL);
	if (!st)
		return 0;
	sqlite3_bind_int(st, 1, version);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

int db_migrate(struct db *db, const char *dir, int *applied, struct wq_errbuf *eb)
{
	*applied = 0;
	int rc = exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			  "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
			  "applied_at INTEGER NOT NULL)",
		      eb);
	if (rc)
		return rc;
	struct dirent **names;
	int n = scandir(dir, &names, migration_filter, alphasort);
	if (n < 0)
		return wq_fail(eb, WQ_EIO, "db", "cannot read migrations in %s: %s", dir,
			       strerror(errno));
	rc = WQ_OK;
	for (int i = 0; i < n; i++) {
		int version = atoi(names[i]->d_name);
		/* every file not yet recorded, not just those above the highest: migrations
		 * written on parallel branches may land with numbers below one already run */
		if (rc || migration_applied(db, version))
			continue;
		char path[PATH_MAX_BYTES + 256];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		char *sql = read_file(path);
		if (!sql) {
			rc = wq_fail(eb, WQ_EIO, "db", "cannot read %s", path);
			continue;
		}
		if ((rc = db_begin(db, eb)) == WQ_OK && (rc = exec(db, sql, eb)) == WQ_OK) {
			static const char ins[] = "INSERT INTO schema_migrations VALUES (?, ?, ?)";
			sqlite3_stmt *st = db_stmt(db, ins, eb);
			if (!st) {
				rc = WQ_EIO;
			} else {
				sqlite3_bind_int(st, 1, version);
				db_bind_text(st, 2, names[i]->d_name);
				sqlite3_bind_int64(st, 3, wq_now());
				int src = sqlite3_step(st);
				sqlite3_reset(st);
				rc = src == SQLITE_DONE ? db_commit(db, eb) : db_fail(db, src, eb);
			}
		}
		if (rc) {
			char msg[sizeof eb->msg];
			snprintf(msg, sizeof msg, "%s", eb ? eb->msg : "");
			db_rollback(db);
			wq_fail(eb, rc, "db", "migration %s failed: %s", names[i]->d_name, msg);
		} else {
			(*applied)++;
		}
		free(sql);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* ---- hash chains ---- */

/* The hash of a row covers its content and the previous row's hash, so changing or
 * removing any past row breaks every hash after it (see audit_verify). */
static int chain_prev(struct db *db, const char *sql, char prev[65], struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		db_col_text(st, 0, prev, 65);
	else if (rc == SQLITE_DONE)
		memset(prev, '0', 64), prev[64] = 0;
	else
		return db_fail(db, rc, eb);
	sqlite3_reset(st);
	return WQ_OK;
}

int db_event_append(struct db *db, int64_t request_id, int64_t at, int64_t actor_id,
		    const char *actor_label, int64_t office_id, const char *from,
		    const char *to, const char *note, struct wq_errbuf *eb)
{
	static const char last[] = "SELECT hash FROM request_events ORDER BY id DESC LIMIT 1";
	static const char ins[] =
		"INSERT INTO request_events (request_id, at, actor_id, actor_label, office_id,"
		" from_state, to_state, note, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)";
	char prev[65], hash[65], *buf;
	int rc = chain_prev(db, last, prev, eb);
	if (rc)
		return rc;
	int len = asprintf(&buf, "%s|%lld|%lld|%lld|%s|%lld|%s|%s|%s", prev,
			   (long long)request_id, (long long)at, (long long)actor_id,
			   actor_label, (long long)office_id, from, to, note ? note : "");
	if (len < 0)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	wq_sha256_hex(buf, (size_t)len, hash);
	free(buf);
	sqlite3_stmt *st = db_stmt(db, ins, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, at);
	if (actor_id)
		sqlite3_bind_int64(st, 3, actor_id);
	db_bind_text(st, 4, actor_label);
	if (office_id)
		sqlite3_bind_int64(st, 5, office_id);
	db_bind_text(st, 6, from);
	db_bind_text(st, 7, to);
	db_bind_text(st, 8, note ? note : "");
	db_bind_text(st, 9, prev);
	db_bind_text(st, 10, hash);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (log_wanted(LOG_LEVEL_INFO)) {
		static const char q[] = "SELECT tracking FROM requests WHERE id = ?";
		char tracking[TRACKING_BYTES] = "";
		if ((st = db_stmt(db, q, NULL))) {
			sqlite3_bind_int64(st, 1, request_id);
			if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
				wq_strlcpy(tracking, (const char *)sqlite3_column_text(st, 0),
					   sizeof tracking);
			sqlite3_reset(st);
		}
		/* written when the transaction commits: a rolled-back move did not happen */
		log_defer(!sqlite3_get_autocommit(db->conn), LOG_LEVEL_INFO, "state", actor_label,
			  "request %s: %s -> %s by %s", tracking[0] ? tracking : "?", from, to,
			  actor_label);
	}
	return WQ_OK;
}

int db_audit_append(struct db *db, int64_t actor_id, const char *actor_label,
		    const char *action, const char *target, const char *detail,
		    const char *addr, struct wq_errbuf *eb)
{
	static const char last[] = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1";
	static const char ins[] =
		"INSERT INTO audit_log (at, actor_id, actor_label, action, target, detail,"
		" addr, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)";
	char prev[65], hash[65], *buf;
	int rc = chain_prev(db, last, prev, eb);
	if (rc)
		return rc;
	int64_t at = wq_now();
	int len = asprintf(&buf, "%s|%lld|%lld|%s|%s|%s|%s|%s", prev, (long long)at,
			   (long long)actor_id, actor_label, action, target ? target : "",
			   detail ? detail : "", addr ? addr : "");
	if (len < 0)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	wq_sha256_hex(buf, (size_t)len, hash);
	free(buf);
	sqlite3_stmt *st = db_stmt(db, ins, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, at);
	if (actor_id)
		sqlite3_bind_int64(st, 2, actor_id);
	db_bind_text(st, 3, actor_label);
	db_bind_text(st, 4, action);
	db_bind_text(st, 5, target ? target : "");
	db_bind_text(st, 6, detail ? detail : "");
	db_bind_text(st, 7, addr ? addr : "");
	db_bind_text(st, 8, prev);
	db_bind_text(st, 9, hash);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}
