/* db.h - the one door to SQLite.  Opening (WAL, busy timeout, synchronous=FULL),
 * migrations from db/NNN_*.sql, BEGIN IMMEDIATE transactions, a cache of prepared
 * statements, and the mapping of SQLite codes to wq_err.  sqlite3_* calls and SQL text
 * live only in src/db.c and src/db_<area>.c; everything else calls functions here.
 * A `struct db` belongs to one process and one thread at a time. */
#ifndef WQ_DB_H
#define WQ_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "actor.h"
#include "err.h"

struct db;

int db_open(const char *path, struct db **out, struct wq_errbuf *eb);
/* The same for a connection that a process per SSH session holds (the session while it
 * authenticates, the UI child): no lookaside (120 kB each) and a 64 KiB page cache, for
 * 500 sessions at once on one machine (bench/README.md section 17). */
int db_open_small(const char *path, struct db **out, struct wq_errbuf *eb);
void db_close(struct db *db);
/* Applies db/NNN_*.sql files found in dir that are not yet recorded; *applied gets the
 * count.  Each migration runs in its own transaction. */
int db_migrate(struct db *db, const char *dir, int *applied, struct wq_errbuf *eb);
int db_schema_version(struct db *db);

/* BEGIN IMMEDIATE: every write transaction takes the write lock first. */
int db_begin(struct db *db, struct wq_errbuf *eb);
/* A read transaction (one snapshot for several reads; no write lock): end it with
 * db_commit or db_rollback. */
int db_begin_read(struct db *db, struct wq_errbuf *eb);
int db_commit(struct db *db, struct wq_errbuf *eb);
void db_rollback(struct db *db);
/* 1 while a transaction begun on this connection is open (one a callee may read in). */
int db_in_transaction(struct db *db);

/* Bulk loading (demo, generators): synchronous=OFF until switched back. */
void db_bulk_mode(struct db *db, int on);

/* Changes when another connection commits; screens poll it to know when to reload. */
int64_t db_data_version(struct db *db);

int db_backup(struct db *db, const char *path, struct wq_errbuf *eb);
/* integrity_check plus lifecycle invariants; problems are printed to `out` one per line,
 * *problems gets their count. */
int db_check(struct db *db, void *out /* FILE* */, int *problems, struct wq_errbuf *eb);

/* ---- for src/db_<area>.c only ---- */
sqlite3 *db_handle(struct db *db);
/* Prepared once per connection (keyed by the address of the SQL text, which must be a
 * string literal or static), returned reset with bindings cleared. NULL on error. */
sqlite3_stmt *db_stmt(struct db *db, const char *sql, struct wq_errbuf *eb);
/* Maps an SQLite result code to wq_err, with the SQLite message in eb. */
int db_fail(struct db *db, int rc, struct wq_errbuf *eb);
/* Binds text, or NULL when s is NULL. */
int db_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Copies column text into dst (always NUL-terminated). */
void db_col_text(sqlite3_stmt *st, int col, char *dst, size_t dstlen);
/* Copies the current result row into one caller's struct. */
typedef void db_fill_fn(sqlite3_stmt *st, void *row);
/* Steps st to its end into a malloc'd array of `size`-byte rows, each set by fill();
 * *out is NULL when there are none.  On error nothing is kept (*out NULL, *n 0). */
int db_collect(struct db *db, sqlite3_stmt *st, size_t size, db_fill_fn *fill, void **out,
	       int *n, struct wq_errbuf *eb);
/* Steps st once: WQ_OK with the row given to fill(), WQ_ENOTFOUND with eb untouched when
 * there is none (the caller says what was missing), else the mapped SQLite error. */
int db_one(struct db *db, sqlite3_stmt *st, db_fill_fn *fill, void *row,
	   struct wq_errbuf *eb);
/* db_one() for an integer in column 0 (an id looked up by code). */
/* One write with parameters (?1 integer, ?2 text, ?3 integer), run to its end. */
int db_write_its(struct db *db, const char *sql, int64_t a, const char *text, int64_t b,
		 struct wq_errbuf *eb);
int db_one_id(struct db *db, sqlite3_stmt *st, int64_t *id, struct wq_errbuf *eb);
/* Appends a hash-chained row to request_events / audit_log (inside a transaction). */
int db_event_append(struct db *db, int64_t request_id, int64_t at, int64_t actor_id,
		    const char *actor_label, int64_t office_id, const char *from,
		    const char *to, const char *note, struct wq_errbuf *eb);
/* An order's lines (db/211, src/db_lines.c), inside the caller's transaction: written
 * with the new request r (its id set); every open line rejected with the request
 * (by: the account, 0 the system), each keeping the request's reason. */
struct request;
int db_lines_insert(struct db *db, const struct request *r, struct wq_errbuf *eb);
int db_lines_reject_open(struct db *db, int64_t request_id, int64_t by, const char *reason,
			 struct wq_errbuf *eb);
int db_audit_append(struct db *db, int64_t actor_id, const char *actor_label,
		    const char *action, const char *target, const char *detail,
		    const char *addr, struct wq_errbuf *eb);

/* The acting account as the database has it now, inside the caller's transaction: still
 * enabled, with the role and scope the actor was made with (issue 12 item 2: a disabled or
 * demoted account's open session keeps its old actor).  WQ_EDENIED, naming the account,
 * when not; the server's own actors (system, citizen: no account) pass.  Every write that
 * takes an actor runs it first, through DB_TX_AS (src/db_user.c). */
int db_actor_current(struct db *db, const struct actor *a, struct wq_errbuf *eb);
/* Does the account hold a's role and scope as one of its further roles (user_roles,
 * src/db_user_roles.c)?  1 yes, 0 no (or unreadable). */
int db_user_holds_role(struct db *db, const struct actor *a);
/* Accounts are managed by an administrator or the system (the CLI, the demo); self_ok:
 * also by the account itself (its password).  WQ_EDENIED otherwise (src/db_user.c). */
int db_may_manage_accounts(const struct actor *by, const char *username, int self_ok,
			   struct wq_errbuf *eb);
/* A scope code resolved to its id for the role's scope kind (0 for national roles). */
int db_scope_lookup(struct db *db, enum role role, const char *code, int64_t *id,
		    struct wq_errbuf *eb);

/* db_group.c's writer: while on, db_begin/db_commit/db_rollback are a savepoint of
 * the transaction the writer opened (one job of the group), not a transaction. */
void db_set_grouped(struct db *db, int on);

/* Runs `body` (an int-valued expression) between BEGIN IMMEDIATE and COMMIT, rolling
 * back on any error; returns from the calling function with the result. */
#define DB_TX(db, eb, body) DB_TX_AS(db, NULL, eb, body)

/* DB_TX for a write done by an actor: the account is re-checked (db_actor_current) in
 * the transaction, before `body` (a NULL actor: no account to check).  `make
 * check-layers` refuses DB_TX on an actor. */
#define DB_TX_AS(db, a, eb, body)                           \
	do {                                                \
		int tx_rc_ = db_begin((db), (eb));          \
		if (tx_rc_)                                 \
			return tx_rc_;                      \
		tx_rc_ = db_actor_current((db), (a), (eb)); \
		if (!tx_rc_)                                \
			tx_rc_ = (body);                    \
		if (tx_rc_) {                               \
			db_rollback(db);                    \
			return tx_rc_;                      \
		}                                           \
		return db_commit((db), (eb));               \
	} while (0)

#endif
