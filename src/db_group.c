/* db_group.c - the writer and syncer threads behind db_group.h.  A group is every job
 * queued when the writer comes round (up to GROUP_MAX, in arrival order): BEGIN
 * IMMEDIATE, each job between SAVEPOINT and RELEASE (db_begin/db_commit on a grouped
 * connection), one COMMIT.  The COMMIT appends the group's frames to the WAL and lets go
 * of the write lock without an fsync (synchronous=NORMAL); the group then waits in the
 * syncer's queue, and the writer takes the next one at once.  The syncer fsyncs the WAL
 * once for every group committed since its last fsync (frames are appended in order: one
 * fsync covers them all) and only then answers their callers, group by group in the
 * order they were taken.  Under load a group is what arrived while the writer wrote the
 * one before, and an fsync covers what was committed while the one before ran.
 *
 * One writer, one connection.  With two writers taking turns (each writing while the
 * other waited for its fsync), each began every transaction with a page cache the other
 * had made stale: SQLite drops a connection's whole cache when another connection has
 * written, so every group read its index pages back from the WAL and the file (pread was
 * 7.6 % of the server's CPU under orders, bench/README.md section 24).  A single
 * connection keeps its cache warm between groups; only the staff's writes, from other
 * processes, make it stale.
 *
 * Callers that wait (db_group_run) hold their thread until their group is answered.  The
 * web side's workers do not: libmicrohttpd's pool gives each worker thread its own
 * connections, and a worker waiting for an fsync held every other connection it had
 * (32 connections on 16 workers: 7 workers had them all, groups of 2 to 4 orders, p99
 * 235 ms; bench/README.md section 16).  They submit (db_group_submit), suspend the
 * connection and serve the others; then() resumes it.
 *
 * The staff's side cannot join a group.  Each SSH connection is a process of its own
 * (forked by the listener, and its UI child), and so is each command line: a SQLite
 * transaction belongs to one connection of one process, and a stage declaration is
 * read and written in its transaction (the state, the version, the scope and the actor
 * checked in SQL, lifecycle.c).  Sharing the web side's transaction would mean sending
 * each staff write, as data, to the server's writer over a socket and running it there
 * on the session's word for its actor: every write the screens make turned into a
 * message, a second way in to the data layer, and a session that cannot write when the
 * web side is down.  What the staff's commits can share is the fsync: db_sync.c commits
 * them with the write lock let go before the fsync (synchronous=NORMAL, then the WAL
 * fsynced by SQLite's WAL hook before the COMMIT returns), so a stage declaration holds
 * the lock only while its frames are appended, the web group's writer and the other
 * sessions write meanwhile, and the kernel serves fsyncs of the same file together.
 * The writer waits for the lock in short steps (db_sync_busy), not SQLite's sleeps of
 * 1 to 100 ms that served writers in no order.  Within the web side, first come first
 * served is the queue's order; between processes it is the lock's, held for a few
 * hundred microseconds instead of an fsync.
 *
 * A group is answered only after the groups taken before it, even one that wrote
 * nothing or failed: it may have read what they wrote.  If the fsync fails, every group
 * it would have covered is answered with the error (their rows are in the WAL and may
 * have been read, as a COMMIT whose fsync fails in SQLite's own FULL mode leaves them);
 * nothing is acknowledged that is not on disk. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "db_group.h"
#include "db_sync.h"
#include "log.h"

#define GROUP_MAX 64
/* groups committed and waiting for their fsync at most: past it the writer waits, so
 * a disk that stalls holds back new transactions instead of queueing them without end */
#define GROUP_PIPELINE 8
/* WAL frames after which the checkpointer copies them into the database (SQLite's own
 * automatic checkpoint is at 1000, in the committing connection), and again each time
 * the WAL has grown by as much */
#define CHECKPOINT_FRAMES 1000
/* The steps (8 MB) in which the checkpointer grows the database file (checkpoint_conn) */
#define DB_CHUNK_BYTES (8 << 20)
/* WAL frames (16 MB at 1 KiB pages, 64 MB at 4) past which the writer pauses between
 * two groups for the checkpointer's last few frames, so that the WAL starts over
 * (wal_grew) */
#define RESTART_FRAMES 16000

struct group {
	struct db_group_job *jobs[GROUP_MAX];
	int n;
	int wrote; /* its COMMIT appended frames: the syncer's fsync must cover them */
};

struct db_group {
	struct db *db; /* the writer's connection */
	pthread_t writer_thread, sync_thread, ckpt_thread;
	int writer_running, sync_running, ckpt_running;
	int pipelined; /* NORMAL + the hook: the syncer fsyncs; otherwise COMMIT did */
	sqlite3_file *wal; /* the writer's own handle on the WAL, for the syncer's fsync */
	pthread_mutex_t mu;
	pthread_cond_t work, done, synced, ckpt_work;
	struct db_group_job *head, *tail;
	int stop, writer_done;
	/* committed groups waiting for the fsync: a ring, oldest at ring[first] */
	struct group ring[GROUP_PIPELINE];
	int first, count;
	int appended; /* the hook's word for the group being committed */
	int ckpt_frames, ckpt_asked; /* the WAL's size told the checkpointer, and at last ask */
	int restart_wanted, restart_after; /* the WAL to start over; asked again past this size */
	int ckpt_hold, in_group; /* the writer held back; the writer is serving a group */
	struct db *ckpt_db;
	/* so far: jobs / fsyncs is the jobs per fsync */
	long long groups, jobs, fsyncs, ckpts, restarts;
};

static void serve_group(struct db_group *g, struct group *gr)
{
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	int rc = db_begin(g->db, &eb);
	if (!rc) {
		db_set_grouped(g->db, 1);
		for (int i = 0; i < gr->n; i++) {
			wq_errbuf_clear(&gr->jobs[i]->eb);
			gr->jobs[i]->rc = gr->jobs[i]->fn(g->db, gr->jobs[i]->arg, &gr->jobs[i]->eb);
		}
		db_set_grouped(g->db, 0);
		rc = db_commit(g->db, &eb);
	}
	if (rc) /* nothing of the group is in the WAL: every job says so */
		for (int i = 0; i < gr->n; i++) {
			gr->jobs[i]->rc = rc;
			gr->jobs[i]->eb = eb;
		}
}

/* After each COMMIT of the writer's (SQLite's WAL hook, the write lock let go): no
 * fsync here, the syncer makes it.  Past CHECKPOINT_FRAMES the checkpointer is woken;
 * SQLite would otherwise checkpoint inside that COMMIT: the group that pushed the WAL
 * past 1000 frames copied ~4 MB into the database and fsynced it before its callers
 * were answered (commits of 20-90 ms, bench/README.md section 16).  Once past, it is
 * woken again only when the WAL has grown by as much again, or started over: woken at
 * every commit, it checkpointed ~340 times a second, each with two fsyncs of its own
 * beside the groups' (bench/README.md section 23).
 *
 * The WAL starts over only at a BEGIN that finds every frame copied, and a writer that
 * never stops appends while each copy runs: woken per 1000 frames, the checkpointer never
 * caught up and the WAL grew to 400 MB in ten seconds of orders.  So past RESTART_FRAMES
 * the checkpointer copies what it can and flushes the database file (sync_database),
 * then holds the writer between two groups and copies the last frames (3-4 ms with
 * their fsync); the next BEGIN starts the WAL over.
 * If a reader still needed the old frames, it is tried again CHECKPOINT_FRAMES later. */
static int wal_grew(void *p, sqlite3 *conn, const char *name, int frames)
{
	struct db_group *g = p;
	sqlite3_file *wal = NULL;
	if (!g->wal && (sqlite3_file_control(conn, name, SQLITE_FCNTL_JOURNAL_POINTER, &wal) !=
				SQLITE_OK || !wal || !wal->pMethods))
		return SQLITE_IOERR_FSYNC; /* no handle to fsync with: nobody is told */
	pthread_mutex_lock(&g->mu);
	if (!g->wal)
		g->wal = wal;
	g->appended = 1;
	if (frames < g->ckpt_asked) { /* the WAL started over */
		g->ckpt_asked = g->restart_after = 0;
		g->restarts++;
	}
	if (frames >= RESTART_FRAMES && frames >= g->restart_after) {
		g->restart_wanted = 1;
		g->restart_after = frames + CHECKPOINT_FRAMES;
		g->ckpt_asked = g->ckpt_frames = frames;
		pthread_cond_signal(&g->ckpt_work);
	} else if (frames >= CHECKPOINT_FRAMES && frames - g->ckpt_asked >= CHECKPOINT_FRAMES) {
		g->ckpt_asked = g->ckpt_frames = frames;
		pthread_cond_signal(&g->ckpt_work);
	}
	pthread_mutex_unlock(&g->mu);
	return SQLITE_OK;
}

/* PASSIVE: copies what no reader still needs, beside the writer (only the checkpoint
 * lock is taken), never waits; what is left goes next time.  Called and returns with
 * g->mu held. */
static void checkpoint(struct db_group *g)
{
	pthread_mutex_unlock(&g->mu);
	int log = 0, done = 0;
	int rc = sqlite3_wal_checkpoint_v2(db_handle(g->ckpt_db), NULL, SQLITE_CHECKPOINT_PASSIVE,
					   &log, &done);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_event(LOG_LEVEL_WARNING, "error", "checkpoint: %s", sqlite3_errstr(rc));
	pthread_mutex_lock(&g->mu);
	g->ckpts++;
}

/* The database file's copies made so far, flushed while the writer still runs.  A
 * checkpoint that leaves frames behind (every one beside the writer) does not fsync the
 * database: only the one that copies the whole WAL does, before the WAL may start over.
 * That one is the checkpoint under the hold, and its fsync flushed what all the partial
 * ones had copied since the last restart, ~16,000 frames' pages: 9-11 ms on average,
 * up to 25, every group of the 32 connections waiting (most of the orders over 20 ms,
 * bench/README.md section 33).  Flushed here first, the held checkpoint's fsync has only
 * its own few frames' pages left.  Called and returns with g->mu held. */
static void sync_database(struct db_group *g)
{
	pthread_mutex_unlock(&g->mu);
	sqlite3_file *f = NULL;
	int rc = sqlite3_file_control(db_handle(g->ckpt_db), "main", SQLITE_FCNTL_FILE_POINTER,
				      &f);
	if (rc == SQLITE_OK && f && f->pMethods)
		rc = f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
	/* nothing is lost: the held checkpoint fsyncs the file again before the restart */
	if (rc != SQLITE_OK)
		log_event(LOG_LEVEL_WARNING, "error", "database fsync before a checkpoint: %s",
			  sqlite3_errstr(rc));
	pthread_mutex_lock(&g->mu);
}

static void *checkpointer(void *p)
{
	struct db_group *g = p;
	log_context("web", "", "checkpoint");
	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (!g->ckpt_frames && !g->stop)
			pthread_cond_wait(&g->ckpt_work, &g->mu);
		if (g->stop)
			break;
		g->ckpt_frames = 0;
		int restart = g->restart_wanted;
		g->restart_wanted = 0;
		checkpoint(g); /* beside the writer: most of the frames */
		if (!restart)
			continue;
		sync_database(g); /* beside the writer too */
		g->ckpt_hold = 1; /* the writer takes no new group */
		while (g->in_group && !g->stop)
			pthread_cond_wait(&g->ckpt_work, &g->mu);
		if (!g->stop)
			checkpoint(g); /* what the writer appended meanwhile */
		g->ckpt_hold = 0;
		pthread_cond_signal(&g->work);
	}
	g->ckpt_hold = 0;
	pthread_cond_signal(&g->work);
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

static void *writer(void *p)
{
	struct db_group *g = p;
	log_context("web", "", "group");
	pthread_mutex_lock(&g->mu);
	for (;;) {
		/* jobs, room in the pipeline (the disk may be behind) and no checkpoint
		 * holding the writer back; or, stopping, nothing left to take */
		while (!(g->stop && !g->head) &&
		       (!g->head || g->count == GROUP_PIPELINE || (g->ckpt_hold && !g->stop)))
			pthread_cond_wait(&g->work, &g->mu);
		if (!g->head)
			break;
		struct group *gr = &g->ring[(g->first + g->count) % GROUP_PIPELINE];
		gr->n = 0;
		while (g->head && gr->n < GROUP_MAX) {
			gr->jobs[gr->n++] = g->head;
			g->head = g->head->next;
		}
		if (!g->head)
			g->tail = NULL;
		g->appended = 0;
		g->in_group = 1;
		pthread_mutex_unlock(&g->mu);
		serve_group(g, gr);
		pthread_mutex_lock(&g->mu);
		g->in_group = 0;
		if (g->ckpt_hold)
			pthread_cond_signal(&g->ckpt_work);
		gr->wrote = g->appended;
		g->count++; /* to the syncer, in the order taken */
		pthread_cond_signal(&g->synced);
	}
	g->writer_done = 1;
	pthread_cond_signal(&g->synced);
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* The groups given, answered in order; fsync_rc the fsync's outcome for those that
 * wrote.  The callbacks run outside the lock (they take libmicrohttpd's); a job called
 * back is its caller's again, perhaps freed: not touched after. */
static void answer(struct db_group *g, int n, int fsync_rc)
{
	for (int k = 0; k < n; k++) {
		struct group *gr = &g->ring[(g->first + k) % GROUP_PIPELINE];
		for (int i = 0; i < gr->n; i++) {
			struct db_group_job *j = gr->jobs[i];
			if (fsync_rc != SQLITE_OK && gr->wrote && !j->rc)
				j->rc = wq_fail(&j->eb, WQ_EIO, NULL,
						"the write could not be made durable (%s); "
						"please try again", sqlite3_errstr(fsync_rc));
			if (j->then) {
				gr->jobs[i] = NULL;
				j->then(j);
			}
		}
	}
}

static void *syncer(void *p)
{
	struct db_group *g = p;
	log_context("web", "", "fsync");
	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (!g->count && !g->writer_done)
			pthread_cond_wait(&g->synced, &g->mu);
		if (!g->count)
			break; /* the writer has stopped and everything is answered */
		int n = g->count, wrote = 0; /* the groups committed before this fsync */
		for (int k = 0; k < n; k++)
			wrote |= g->ring[(g->first + k) % GROUP_PIPELINE].wrote;
		sqlite3_file *wal = g->wal;
		pthread_mutex_unlock(&g->mu);
		int rc = SQLITE_OK;
		if (wrote && g->pipelined) {
			rc = wal ? wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL) : SQLITE_IOERR_FSYNC;
			if (rc != SQLITE_OK)
				log_event(LOG_LEVEL_ERROR, "error", "WAL fsync: %s", sqlite3_errstr(rc));
		}
		answer(g, n, rc);
		pthread_mutex_lock(&g->mu);
		for (int k = 0; k < n; k++) {
			struct group *gr = &g->ring[g->first];
			for (int i = 0; i < gr->n; i++)
				if (gr->jobs[i])
					gr->jobs[i]->done = 1;
			g->groups++;
			g->jobs += gr->n;
			g->first = (g->first + 1) % GROUP_PIPELINE;
		}
		g->count -= n;
		g->fsyncs += wrote;
		pthread_cond_broadcast(&g->done);
		pthread_cond_signal(&g->work); /* room in the pipeline */
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* The checkpointer's connection, the one that writes the database file.  It grows the
 * file DB_CHUNK_BYTES at a time (SQLITE_FCNTL_CHUNK_SIZE: SQLite writes the new blocks
 * out at once), so a checkpoint's fdatasync of the file seldom finds a new block or a
 * new size for ext4 to journal.  Grown page by page under the orders' appends, nearly
 * every checkpoint's fdatasync waited for a journal commit, and with it for what the
 * other processes had given the disk; the WAL's fdatasync stalled beside it (both
 * 40-100 ms at once).  With it, three runs of orders in turns against three without:
 * p99 19.0 / 33.1 / 11.2 ms against 44.3 / 36.4 / 51.1 (bench/README.md section 29). */
static int checkpoint_conn(const char *path, struct db **out)
{
	int rc = db_open(path, out, NULL);
	if (rc == WQ_OK) {
		int chunk = DB_CHUNK_BYTES;
		sqlite3_file_control(db_handle(*out), "main", SQLITE_FCNTL_CHUNK_SIZE, &chunk);
	}
	return rc;
}

int db_group_start(const char *path, struct db_group **out, struct wq_errbuf *eb)
{
	struct db_group *g = calloc(1, sizeof *g);
	*out = NULL;
	if (!g)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->work, NULL);
	pthread_cond_init(&g->done, NULL);
	pthread_cond_init(&g->synced, NULL);
	pthread_cond_init(&g->ckpt_work, NULL);
	int rc = db_open(path, &g->db, eb);
	if (rc) {
		db_group_stop(g);
		return rc;
	}
	/* checkpoints beside the writer, not in its COMMITs (wal_grew); without the
	 * thread, SQLite's own (in the COMMIT) stays, and so does the fsync inside the
	 * COMMIT (FULL): the syncer only answers */
	if (checkpoint_conn(path, &g->ckpt_db) == WQ_OK &&
	    !pthread_create(&g->ckpt_thread, NULL, checkpointer, g)) {
		g->ckpt_running = 1;
		sqlite3 *conn = db_handle(g->db);
		if (sqlite3_exec(conn, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) == SQLITE_OK) {
			sqlite3_wal_hook(conn, wal_grew, g);
			g->pipelined = 1;
		} else {
			sqlite3_exec(conn, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
		}
	}
	db_sync_busy(g->db);
	if (pthread_create(&g->sync_thread, NULL, syncer, g)) {
		db_group_stop(g);
		return wq_fail(eb, WQ_EIO, NULL, "cannot start the group-commit syncer");
	}
	g->sync_running = 1;
	if (pthread_create(&g->writer_thread, NULL, writer, g)) {
		db_group_stop(g);
		return wq_fail(eb, WQ_EIO, NULL, "cannot start the group-commit writer");
	}
	g->writer_running = 1;
	*out = g;
	return WQ_OK;
}

void db_group_drain(struct db_group *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	if (!g->writer_running) /* the syncer must not wait for a writer that never ran */
		g->writer_done = 1;
	pthread_cond_broadcast(&g->work);
	pthread_cond_broadcast(&g->synced);
	pthread_cond_signal(&g->ckpt_work);
	pthread_mutex_unlock(&g->mu);
	if (g->writer_running) {
		pthread_join(g->writer_thread, NULL);
		g->writer_running = 0;
	}
	if (g->sync_running) {
		pthread_join(g->sync_thread, NULL);
		g->sync_running = 0;
	}
	if (g->ckpt_running) {
		pthread_join(g->ckpt_thread, NULL);
		g->ckpt_running = 0;
	}
	/* what the disk was asked for, said once: bench/web.sh reads it */
	if (g->jobs)
		log_event(LOG_LEVEL_INFO, "group_commit",
			  "%lld jobs in %lld groups, %lld WAL fsyncs, %lld checkpoints, "
			  "%lld WAL restarts", g->jobs, g->groups, g->fsyncs, g->ckpts, g->restarts);
}

void db_group_stop(struct db_group *g)
{
	if (!g)
		return;
	db_group_drain(g);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->work);
	pthread_cond_destroy(&g->done);
	pthread_cond_destroy(&g->synced);
	pthread_cond_destroy(&g->ckpt_work);
	db_close(g->ckpt_db);
	db_close(g->db);
	free(g);
}

/* Queues j; 0, or WQ_EBUSY once the writer is stopping.  Called with g->mu held. */
static int enqueue(struct db_group *g, struct db_group_job *j, struct wq_errbuf *eb)
{
	if (g->stop)
		return wq_fail(eb, WQ_EBUSY, NULL, "the server is stopping; please try again");
	j->next = NULL;
	j->done = 0;
	if (g->tail)
		g->tail->next = j;
	else
		g->head = j;
	g->tail = j;
	pthread_cond_signal(&g->work);
	return WQ_OK;
}

int db_group_run(struct db_group *g, db_group_fn fn, void *arg, struct wq_errbuf *eb)
{
	struct db_group_job j = {.fn = fn, .arg = arg};
	pthread_mutex_lock(&g->mu);
	int rc = enqueue(g, &j, eb);
	while (!rc && !j.done)
		pthread_cond_wait(&g->done, &g->mu);
	pthread_mutex_unlock(&g->mu);
	if (rc)
		return rc;
	if (j.rc && eb)
		*eb = j.eb;
	return j.rc;
}

int db_group_submit(struct db_group *g, struct db_group_job *j, struct wq_errbuf *eb)
{
	pthread_mutex_lock(&g->mu);
	int rc = enqueue(g, j, eb);
	pthread_mutex_unlock(&g->mu);
	return rc;
}

void db_group_counts(struct db_group *g, long long *groups, long long *jobs)
{
	pthread_mutex_lock(&g->mu);
	*groups = g->groups;
	*jobs = g->jobs;
	pthread_mutex_unlock(&g->mu);
}
