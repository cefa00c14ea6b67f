/* db_group.c - the writer thread behind db_group.h.  A group is every job queued when
 * the writer comes round (up to GROUP_MAX, in arrival order): BEGIN IMMEDIATE, each job
 * between SAVEPOINT and RELEASE (db_begin/db_commit on a grouped connection), one
 * COMMIT, then every caller of the group is answered.  While one group commits, the
 * next one queues: under load a group is as large as the writes that arrived during the
 * previous fsync.
 *
 * Callers that wait (db_group_run) hold their thread for the whole group.  The web
 * side's workers do not: libmicrohttpd's pool gives each worker thread its own
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
 * The group's own COMMIT does the same (wal_grew), and both wait for the lock in short
 * steps (db_sync_busy), not SQLite's sleeps of 1 to 100 ms that served writers in no
 * order.  Within the web side, first come first served is the queue's order; between
 * processes it is the lock's, held for a few hundred microseconds instead of an fsync.
 *
 * Groups overlap: GROUP_WRITERS threads, each with its own connection, take turns.  A
 * writer holds the turn from taking its jobs until its COMMIT has appended the frames
 * and let go of the write lock; then, while it waits for its fsync, the next writer
 * takes what arrived meanwhile and writes it.  With one writer, a job arriving during
 * a group's fsync waited for that fsync and then for its own (the order's p99 was the
 * disk's p99 twice over, bench/README.md section 19).  Groups are still committed in
 * the order they were taken, and answered in that order: a group may have read what
 * the one before it wrote, and is answered only once that is on disk too (its own
 * fsync covers every frame before it; a group that wrote nothing waits for the one
 * before it). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "db_group.h"
#include "db_sync.h"
#include "log.h"

#define GROUP_MAX 64
/* groups in flight at once: one writing, the others waiting for their fsync */
#define GROUP_WRITERS 2
/* WAL frames after which the checkpointer copies them into the database (SQLite's own
 * automatic checkpoint is at 1000, in the committing connection) */
#define CHECKPOINT_FRAMES 1000

struct writer {
	struct db_group *g;
	struct db *db;
	pthread_t thread;
	int running; /* not yet joined */
	int turn;    /* holds the turn: writing, its frames not yet appended */
};

struct db_group {
	struct writer w[GROUP_WRITERS];
	pthread_mutex_t mu;
	pthread_cond_t work, done, order;
	struct db_group_job *head, *tail;
	int stop;
	int writing;		  /* a writer holds the turn */
	long long taken, answered; /* groups numbered as taken; the last one answered */
	/* the checkpointer: its thread, its connection, and the WAL's size it was told */
	pthread_t ckpt_thread;
	int ckpt_running, ckpt_frames;
	pthread_cond_t ckpt_work;
	struct db *ckpt_db;
	long long groups, jobs; /* served so far: jobs / groups is the jobs per fsync */
};

static void serve_group(struct writer *w, struct db_group_job **jobs, int n)
{
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	int rc = db_begin(w->db, &eb);
	if (!rc) {
		db_set_grouped(w->db, 1);
		for (int i = 0; i < n; i++) {
			wq_errbuf_clear(&jobs[i]->eb);
			jobs[i]->rc = jobs[i]->fn(w->db, jobs[i]->arg, &jobs[i]->eb);
		}
		db_set_grouped(w->db, 0);
		rc = db_commit(w->db, &eb);
	}
	if (rc) /* nothing of the group is on disk: every job says so */
		for (int i = 0; i < n; i++) {
			jobs[i]->rc = rc;
			jobs[i]->eb = eb;
		}
}

/* The next writer may take jobs: w's frames are appended (or it wrote none, or failed). */
static void turn_release(struct writer *w)
{
	struct db_group *g = w->g;
	pthread_mutex_lock(&g->mu);
	if (w->turn) {
		w->turn = g->writing = 0;
		pthread_cond_broadcast(&g->work);
	}
	pthread_mutex_unlock(&g->mu);
}

/* After each COMMIT of a writer's (SQLite's WAL hook): the turn passes on, and past
 * CHECKPOINT_FRAMES the checkpointer is woken.  SQLite would otherwise checkpoint inside that COMMIT: the
 * group that pushed the WAL past 1000 frames copied ~4 MB into the database and
 * fsynced it before its callers were answered (commits of 20-90 ms, bench/README.md
 * section 16). */
static int wal_grew(void *p, sqlite3 *conn, const char *name, int frames)
{
	struct writer *w = p;
	struct db_group *g = w->g;
	turn_release(w); /* the write lock is let go: the next group may write */
	int rc = db_sync_wal(conn, name); /* the group's fsync, the write lock let go */
	if (rc != SQLITE_OK)
		return rc;
	if (frames >= CHECKPOINT_FRAMES) {
		pthread_mutex_lock(&g->mu);
		g->ckpt_frames = frames;
		pthread_cond_signal(&g->ckpt_work);
		pthread_mutex_unlock(&g->mu);
	}
	return SQLITE_OK;
}

/* PASSIVE: copies what no reader still needs, beside the writer (only the checkpoint
 * lock is taken), never waits; what is left goes next time. */
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
		pthread_mutex_unlock(&g->mu);
		int log = 0, done = 0;
		int rc = sqlite3_wal_checkpoint_v2(db_handle(g->ckpt_db), NULL,
						   SQLITE_CHECKPOINT_PASSIVE, &log, &done);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_event(LOG_LEVEL_WARNING, "error", "checkpoint: %s",
				  sqlite3_errstr(rc));
		pthread_mutex_lock(&g->mu);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

static void *writer(void *p)
{
	struct writer *w = p;
	struct db_group *g = w->g;
	struct db_group_job *jobs[GROUP_MAX];
	log_context("web", "", "group");
	pthread_mutex_lock(&g->mu);
	for (;;) {
		/* jobs and the turn, or, stopping, nothing left to take */
		while (!(g->head && !g->writing) && !(g->stop && !g->head))
			pthread_cond_wait(&g->work, &g->mu);
		if (!g->head)
			break;
		int n = 0;
		while (g->head && n < GROUP_MAX) {
			jobs[n++] = g->head;
			g->head = g->head->next;
		}
		if (!g->head)
			g->tail = NULL;
		g->writing = w->turn = 1;
		long long seq = ++g->taken;
		pthread_mutex_unlock(&g->mu);
		serve_group(w, jobs, n);
		turn_release(w); /* the hook did, unless nothing was appended */
		pthread_mutex_lock(&g->mu);
		while (g->answered != seq - 1) /* the groups before, on disk first */
			pthread_cond_wait(&g->order, &g->mu);
		pthread_mutex_unlock(&g->mu);
		/* the callbacks outside the lock (they take libmicrohttpd's); a job called
		 * back is its caller's again, perhaps freed: not touched after */
		for (int i = 0; i < n; i++) {
			struct db_group_job *j = jobs[i];
			if (j->then) {
				jobs[i] = NULL;
				j->then(j);
			}
		}
		pthread_mutex_lock(&g->mu);
		g->answered = seq;
		g->groups++;
		g->jobs += n;
		for (int i = 0; i < n; i++)
			if (jobs[i])
				jobs[i]->done = 1;
		pthread_cond_broadcast(&g->done);
		pthread_cond_broadcast(&g->order);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
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
	pthread_cond_init(&g->order, NULL);
	pthread_cond_init(&g->ckpt_work, NULL);
	for (int i = 0; i < GROUP_WRITERS; i++) {
		g->w[i].g = g;
		int rc = db_open(path, &g->w[i].db, eb);
		if (rc) {
			db_group_stop(g);
			return rc;
		}
	}
	/* checkpoints beside the writers, not in their COMMITs (wal_grew); without the
	 * thread, SQLite's own (in the COMMIT) stays, and so does the fsync under the
	 * lock: one group writes at a time */
	if (db_open(path, &g->ckpt_db, NULL) == WQ_OK &&
	    !pthread_create(&g->ckpt_thread, NULL, checkpointer, g)) {
		g->ckpt_running = 1;
		for (int i = 0; i < GROUP_WRITERS; i++) {
			/* the group's COMMIT lets go of the write lock before its fsync
			 * (db_sync.c), which the hook makes: the next group and the SSH
			 * side's writers need not wait for it */
			sqlite3 *conn = db_handle(g->w[i].db);
			if (sqlite3_exec(conn, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) !=
			    SQLITE_OK)
				sqlite3_exec(conn, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
			sqlite3_wal_hook(conn, wal_grew, &g->w[i]);
		}
	}
	for (int i = 0; i < GROUP_WRITERS; i++) {
		db_sync_busy(g->w[i].db);
		if (pthread_create(&g->w[i].thread, NULL, writer, &g->w[i])) {
			db_group_stop(g);
			return wq_fail(eb, WQ_EIO, NULL, "cannot start the group-commit writer");
		}
		g->w[i].running = 1;
	}
	*out = g;
	return WQ_OK;
}

void db_group_drain(struct db_group *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	pthread_cond_broadcast(&g->work);
	pthread_cond_signal(&g->ckpt_work);
	pthread_mutex_unlock(&g->mu);
	for (int i = 0; i < GROUP_WRITERS; i++)
		if (g->w[i].running) {
			pthread_join(g->w[i].thread, NULL);
			g->w[i].running = 0;
		}
	if (g->ckpt_running) {
		pthread_join(g->ckpt_thread, NULL);
		g->ckpt_running = 0;
	}
}

void db_group_stop(struct db_group *g)
{
	if (!g)
		return;
	db_group_drain(g);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->work);
	pthread_cond_destroy(&g->done);
	pthread_cond_destroy(&g->order);
	pthread_cond_destroy(&g->ckpt_work);
	db_close(g->ckpt_db);
	for (int i = 0; i < GROUP_WRITERS; i++)
		db_close(g->w[i].db);
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
