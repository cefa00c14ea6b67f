/* db_sync.h - commits that let go of SQLite's write lock before their fsync, for the
 * connections of processes that cannot join the web side's group commit (db_group.h):
 * an SSH session's UI, the command line.  See db_group.c for why. */
#ifndef WQ_DB_SYNC_H
#define WQ_DB_SYNC_H

#include "db.h"

/* From now on each write transaction of db commits without an fsync under the lock
 * (synchronous=NORMAL) and then, the lock released but before the COMMIT returns,
 * fsyncs the WAL: the commit is still acknowledged only once on disk (an fsync that
 * fails makes the COMMIT fail), while other processes' writers go on meanwhile and the
 * kernel serves concurrent fsyncs of the WAL together.  Waits for the lock in short
 * steps (db_sync_busy) rather than SQLite's 1..100 ms sleeps. */
int db_sync_outside_lock(struct db *db, struct wq_errbuf *eb);
/* SQLite's busy handler for a writer that must not oversleep: sleeps of 0.1 to 1 ms
 * until DB_BUSY_TIMEOUT_MS have passed.  Installed by db_sync_outside_lock and on the
 * group's writer. */
void db_sync_busy(struct db *db);
/* For a WAL hook of one's own (the group's writer): the fsync of the WAL that
 * db_sync_outside_lock's hook makes, when conn is in synchronous=NORMAL; an SQLite
 * result code, to return from the hook. */
int db_sync_wal(sqlite3 *conn, const char *name);
/* WAL fsyncs made by db_sync_outside_lock's connections in this process (tests). */
long long db_sync_count(void);

#endif
