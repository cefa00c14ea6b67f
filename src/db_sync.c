/* db_sync.c - the commit of db_sync.h: SQLite's WAL hook, called after a COMMIT has
 * released the write lock and before the COMMIT returns, fsyncs the WAL through
 * SQLite's own file handle of it (SQLITE_FCNTL_JOURNAL_POINTER).  In WAL mode with
 * synchronous=NORMAL, SQLite still syncs the WAL before each checkpoint, the database
 * after it and the WAL's header when it is reused, so nothing can be half-copied; what
 * NORMAL alone gives up, the last commits on a power cut, the hook's fsync takes back
 * before anyone is told.  Frames are appended in order, so an fsync covers every commit
 * before it, whichever process wrote it.  The one difference from FULL: another
 * connection may read a commit during the fsync that makes it durable; whatever it then
 * writes comes later in the WAL and is acknowledged after an fsync that covers both. */
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "db_sync.h"
#include "limits.h"

/* SQLite checkpoints at 1000 frames when no hook is set; a hook replaces that */
#define SYNC_CHECKPOINT_FRAMES 1000

static atomic_llong syncs;

static int level_of(void *p, int n, char **v, char **names)
{
	(void)n, (void)names;
	*(int *)p = v[0] ? v[0][0] - '0' : -1;
	return 0;
}

int db_sync_wal(sqlite3 *conn, const char *name)
{
	/* only in NORMAL: FULL synced already, OFF is a bulk load (db_bulk_mode) */
	int level = -1;
	if (sqlite3_exec(conn, "PRAGMA synchronous", level_of, &level, NULL) != SQLITE_OK)
		return SQLITE_IOERR_FSYNC;
	if (level != 1)
		return SQLITE_OK;
	sqlite3_file *wal = NULL;
	if (sqlite3_file_control(conn, name, SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK ||
	    !wal || !wal->pMethods)
		return SQLITE_IOERR_FSYNC;
	int rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
	if (rc == SQLITE_OK)
		atomic_fetch_add(&syncs, 1);
	return rc; /* not OK: the COMMIT reports it, nobody is told it is done */
}

static int synced_commit(void *p, sqlite3 *conn, const char *name, int frames)
{
	(void)p;
	int rc = db_sync_wal(conn, name);
	if (rc == SQLITE_OK && frames >= SYNC_CHECKPOINT_FRAMES) /* SQLite's own hook's */
		sqlite3_wal_checkpoint_v2(conn, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return rc;
}

static int busy_step(void *p, int tries)
{
	(void)p;
	/* 0.1 ms, doubling to 1 ms: the lock is held for a commit's writes, no fsync */
	long us = tries < 4 ? 100L << tries : 1000;
	long waited = tries < 4 ? 100L * ((1L << tries) - 1) : 1500 + (tries - 4) * 1000L;
	if (waited >= DB_BUSY_TIMEOUT_MS * 1000L)
		return 0;
	struct timespec ts = {0, us * 1000};
	nanosleep(&ts, NULL);
	return 1;
}

void db_sync_busy(struct db *db)
{
	sqlite3_busy_handler(db_handle(db), busy_step, NULL);
}

int db_sync_outside_lock(struct db *db, struct wq_errbuf *eb)
{
	sqlite3 *conn = db_handle(db);
	int rc = sqlite3_exec(conn, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, eb);
	sqlite3_wal_hook(conn, synced_commit, NULL);
	db_sync_busy(db);
	return WQ_OK;
}

long long db_sync_count(void)
{
	return atomic_load(&syncs);
}
