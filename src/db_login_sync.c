/* db_login_sync.c - the fsyncs of an SSH login, kept off the time the client waits for
 * (issue 15 item 4).  A try commits its count (the throttle's) before the password is
 * hashed; the WAL fsync that makes that count durable runs on a thread of its own while
 * the hash computes (the fsync waits on the disk, the hash on the CPU), and is joined
 * before the answer: a count a power cut could lose is still never answered.  The
 * outcome's transaction (login.ok / login.fail audited, the bucket taken back, the
 * network made known) commits before the answer and is made durable by one more fsync
 * once the answer has gone (user_login_settle), before the session does anything else:
 * before its next try, and before any channel, screen or write of the logged-in user.
 * Its frames follow the count's in the WAL, and any later commit's fsync covers them,
 * so whatever the user does durably holds the login's record too; a power cut in the
 * millisecond between the answer and that fsync loses a login under which nothing was
 * done, never a try's count.  Also the first fsync of a connection's WAL, which SQLite
 * follows by an fsync of the directory (the WAL was opened with O_CREAT), is made while
 * the client types its password (login_sync_early), not after the hash. */
#include <pthread.h>

#include "db_login_int.h"
#include "db_sync.h"

struct login_bg {
	pthread_t thread;
	sqlite3 *conn;
	int rc;
};

static struct login_bg bg;
static int bg_running;

/* The connection is the thread's until login_bg_join: the caller only hashes
 * meanwhile (NOMUTEX connections may be used by one thread at a time). */
static void *login_bg_main(void *p)
{
	struct login_bg *b = p;
	b->rc = db_sync_wal(b->conn, "main");
	return NULL;
}

int login_bg_start(struct db *db)
{
	if (bg_running)
		return 0;
	bg.conn = db_handle(db);
	bg.rc = SQLITE_OK;
	bg_running = pthread_create(&bg.thread, NULL, login_bg_main, &bg) == 0;
	return bg_running;
}

int login_bg_join(void)
{
	if (!bg_running)
		return SQLITE_OK;
	pthread_join(bg.thread, NULL);
	bg_running = 0;
	return bg.rc;
}

void login_sync_early(struct db *db)
{
	/* nothing written yet: an fsync of a clean WAL, and SQLite's one-time directory
	 * fsync with it; only in NORMAL does db_sync_wal sync, so for this one call */
	sqlite3 *conn = db_handle(db);
	if (sqlite3_exec(conn, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK)
		return;
	db_sync_wal(conn, "main");
	sqlite3_exec(conn, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
}
