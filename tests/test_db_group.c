/* test_db_group.c - group commit (src/db_group.c) on a real SQLite file: jobs from many
 * threads at once share transactions (fewer groups than jobs), every acknowledged job's
 * row is there, and a job that fails leaves nothing while the jobs committed in the
 * same group with it stay; a caller's later job never lands before its earlier one.
 * Jobs handed over without waiting (db_group_submit, the web side's) are called back
 * once committed, in the order they were handed over though groups overlap (the
 * writer writing the next while the syncer fsyncs the ones before), and refused at once
 * after the writer drained; the WAL is copied into
 * the database by the checkpointer, not left to grow, and the database file is flushed
 * before the writer is held for the WAL to start over.  Other processes' commits
 * (db_sync.h: an SSH session's, the command line's) interleave with the group's, each
 * acknowledged after a WAL fsync of its own process, and all of them are there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "db_group.h"
#include "db_sync.h"
#include <sys/wait.h>

#define THREADS 8
#define PER_THREAD 40

static char db_path[64];
static struct db_group *group;

struct put {
	int who, n; /* n % 7 == 3: the job fails after writing */
};

static int do_put(struct db *db, const struct put *p, struct wq_errbuf *eb)
{
	char sql[96];
	snprintf(sql, sizeof sql, "INSERT INTO t (who, n) VALUES (%d, %d)", p->who, p->n);
	if (sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL) != SQLITE_OK)
		return wq_fail(eb, WQ_EIO, NULL, "insert");
	if (p->n % 7 == 3)
		return wq_fail(eb, WQ_EINVAL, "n", "refused after writing");
	return WQ_OK;
}

static int put(struct db *db, void *arg, struct wq_errbuf *eb)
{
	DB_TX(db, eb, do_put(db, arg, eb));
}

static void *client(void *arg)
{
	int who = (int)(intptr_t)arg;
	for (int n = 0; n < PER_THREAD; n++) {
		struct put p = {who, n};
		struct wq_errbuf eb;
		int rc = db_group_run(group, put, &p, &eb);
		if (rc != (n % 7 == 3 ? WQ_EINVAL : WQ_OK))
			return (void *)1;
	}
	return NULL;
}

static long long count(sqlite3 *c, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK);
	long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

/* A new database at db_path (/tmp/wq_NAME_PID.db) with the tables the jobs write. */
static struct db *fresh(const char *name, const char *tables)
{
	struct wq_errbuf eb;
	struct db *db;
	snprintf(db_path, sizeof db_path, "/tmp/wq_%s_%d.db", name, (int)getpid());
	unlink(db_path);
	assert_int_equal(db_open(db_path, &db, &eb), WQ_OK);
	assert_int_equal(sqlite3_exec(db_handle(db), tables, NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static void test_groups_share_commits(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct db *db = fresh("group", "CREATE TABLE t (id INTEGER PRIMARY KEY, who INT, n INT)");
	assert_int_equal(db_group_start(db_path, &group, &eb), WQ_OK);
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, client, (void *)(intptr_t)i), 0);
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(th[i], &r);
		assert_null(r);
	}
	long long groups, jobs;
	db_group_counts(group, &groups, &jobs);
	db_group_stop(group);
	assert_int_equal(jobs, THREADS * PER_THREAD);
	assert_true(groups < jobs); /* some jobs shared a commit */
	printf("group commit: %lld jobs in %lld groups\n", jobs, groups);
	sqlite3 *c = db_handle(db);
	int failing = 0;
	for (int n = 0; n < PER_THREAD; n++)
		failing += n % 7 == 3;
	assert_int_equal(count(c, "SELECT count(*) FROM t"), THREADS * (PER_THREAD - failing));
	assert_int_equal(count(c, "SELECT count(*) FROM t WHERE n % 7 = 3"), 0);
	/* each caller's rows in the order it asked */
	assert_int_equal(count(c, "SELECT count(*) FROM t a JOIN t b ON a.who = b.who"
				  " AND a.n < b.n AND a.id > b.id"),
			 0);
	db_close(db);
	unlink(db_path);
}

/* ---- without waiting ---- */
static pthread_mutex_t cb_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cb_cv = PTHREAD_COND_INITIALIZER;
static int called, called_ok;
static int called_order[256]; /* each callback's job, in the order called back */

struct sub {
	struct db_group_job job; /* first: then() gets back to the sub */
	struct put p;
};

static int put_sub(struct db *db, void *arg, struct wq_errbuf *eb)
{
	struct sub *s = arg;
	return put(db, &s->p, eb);
}

static void sub_done(struct db_group_job *j)
{
	pthread_mutex_lock(&cb_mu);
	if (called < 256)
		called_order[called] = ((struct sub *)(void *)j)->p.n;
	called++;
	called_ok += j->rc == WQ_OK;
	pthread_cond_signal(&cb_cv);
	pthread_mutex_unlock(&cb_mu);
}

static int wal_pad(struct db *db, void *arg, struct wq_errbuf *eb)
{
	(void)arg;
	/* ~16 pages of new rows a job */
	if (sqlite3_exec(db_handle(db),
			 "INSERT INTO pad (b) SELECT randomblob(3000) FROM"
			 " (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4)"
			 " a, (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) b",
			 NULL, NULL, NULL) != SQLITE_OK)
		return wq_fail(eb, WQ_EIO, NULL, "pad");
	return WQ_OK;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long long)st.st_size;
}

static void test_submit_calls_back_then_drain_refuses(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct db *db = fresh("group_sub", "CREATE TABLE t (id INTEGER PRIMARY KEY, who INT, n INT);"
					   "CREATE TABLE pad (id INTEGER PRIMARY KEY, b BLOB)");
	assert_int_equal(db_group_start(db_path, &group, &eb), WQ_OK);
	enum { N = 200 }; /* more than GROUP_MAX: several groups, overlapping */
	static struct sub subs[N];
	for (int i = 0; i < N; i++) {
		subs[i] = (struct sub){.job = {.fn = put_sub, .arg = &subs[i], .then = sub_done},
				       .p = {0, i}};
		assert_int_equal(db_group_submit(group, &subs[i].job, &eb), WQ_OK);
	}
	pthread_mutex_lock(&cb_mu);
	while (called < N)
		pthread_cond_wait(&cb_cv, &cb_mu);
	pthread_mutex_unlock(&cb_mu);
	int failing = 0;
	for (int n = 0; n < N; n++)
		failing += n % 7 == 3;
	assert_int_equal(called_ok, N - failing);
	for (int i = 0; i < N; i++) /* first come, first answered */
		assert_int_equal(called_order[i], i);
	/* called back: on disk, seen by another connection */
	assert_int_equal(count(db_handle(db), "SELECT count(*) FROM t"), N - failing);

	/* past CHECKPOINT_FRAMES the database file itself grows (the WAL is copied) */
	long long before = file_size(db_path);
	for (int i = 0; i < 100; i++)
		assert_int_equal(db_group_run(group, wal_pad, NULL, &eb), WQ_OK);
	long long after = before;
	/* up to 30 s: the checkpointer is a thread of its own, late on a loaded machine */
	for (int i = 0; i < 600 && after <= before + 256 * 4096; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
		after = file_size(db_path);
	}
	printf("database file %lld -> %lld bytes while the group wrote\n", before, after);
	assert_true(after > before + 256 * 4096); /* only the checkpointer copies */

	db_group_drain(group); /* the checkpointer stopped: the file's size stays */
	/* grown in whole chunks: a checkpoint's fdatasync seldom finds a new block to
	 * journal (db_group.c, checkpoint_conn) */
	assert_int_equal(file_size(db_path) % (8 << 20), 0);
	struct sub late = {.job = {.fn = put_sub, .arg = &late, .then = sub_done}, .p = {1, 0}};
	assert_int_equal(db_group_submit(group, &late.job, &eb), WQ_EBUSY);
	assert_int_equal(db_group_run(group, put, &late.p, &eb), WQ_EBUSY);
	db_group_stop(group);
	assert_int_equal(called, N); /* the refused one never called back */
	assert_int_equal(count(db_handle(db), "SELECT count(*) FROM t WHERE who = 1"), 0);
	db_close(db);
	unlink(db_path);
}

static void test_other_processes_commit_beside_the_group(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct db *db = fresh("group_sync", "CREATE TABLE t (id INTEGER PRIMARY KEY, who INT, n INT)");
	db_close(db); /* no connection across fork(), as serve forks its listener first */
	enum { KIDS = 3, EACH = 30 };
	pid_t kids[KIDS];
	for (int k = 0; k < KIDS; k++) {
		if ((kids[k] = fork()) == 0) { /* a session's UI: its own connection */
			struct db *mine;
			struct wq_errbuf keb;
			if (db_open(db_path, &mine, &keb) || db_sync_outside_lock(mine, &keb))
				_exit(2);
			for (int n = 0; n < EACH; n++) {
				struct put p = {100 + k, 7 * n}; /* n % 7 != 3: never refused */
				if (put(mine, &p, &keb)) {
					fprintf(stderr, "child %d: %s\n", k, keb.msg);
					_exit(3);
				}
			}
			/* one fsync per commit, made by this process */
			_exit(db_sync_count() >= EACH ? 0 : 4);
		}
		assert_true(kids[k] > 0);
	}
	assert_int_equal(db_open(db_path, &db, &eb), WQ_OK);
	assert_int_equal(db_group_start(db_path, &group, &eb), WQ_OK);
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, client, (void *)(intptr_t)i), 0);
	for (int i = 0; i < 2; i++) {
		void *r;
		pthread_join(th[i], &r);
		assert_null(r);
	}
	for (int k = 0; k < KIDS; k++) {
		int st = -1;
		assert_int_equal(waitpid(kids[k], &st, 0), kids[k]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	db_group_stop(group);
	assert_int_equal(count(db_handle(db), "SELECT count(*) FROM t WHERE who >= 100"),
			 KIDS * EACH);
	int failing = 0;
	for (int n = 0; n < PER_THREAD; n++)
		failing += n % 7 == 3;
	assert_int_equal(count(db_handle(db), "SELECT count(*) FROM t WHERE who < 100"),
			 2 * (PER_THREAD - failing));
	db_close(db);
	unlink(db_path);
}

/* ---- a writer that never stops ---- */
#define RESTART_FRAMES 16000 /* db_group.c's */
static int page_bytes; /* the database's page size: churn's rows are 3/4 of a page */
static int churn(struct db *db, void *arg, struct wq_errbuf *eb)
{
	/* 16 new pages a job, and the pages of the job 128 before freed: each job of a
	 * group writes pages of its own (~16 frames), the database stays near 8 MB */
	int job = (int)(intptr_t)arg;
	char sql[400];
	snprintf(sql, sizeof sql,
		 "INSERT INTO pad (job, b) SELECT %d, randomblob(%d) FROM"
		 " (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) a,"
		 " (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) b;"
		 " DELETE FROM pad WHERE job = %d",
		 job, page_bytes * 3 / 4, job - 128);
	if (sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL) != SQLITE_OK)
		return wq_fail(eb, WQ_EIO, NULL, "churn");
	return WQ_OK;
}

static int churned;
static void churn_done(struct db_group_job *j)
{
	(void)j;
	pthread_mutex_lock(&cb_mu);
	churned++;
	pthread_cond_signal(&cb_cv);
	pthread_mutex_unlock(&cb_mu);
}

/* CHURN_JOBS jobs queued at once on a fresh group over DB, all acknowledged, the group
 * stopped: the writer is never idle between groups */
#define CHURN_JOBS 4000
static void churn_all(struct db *db)
{
	struct wq_errbuf eb;
	page_bytes = (int)count(db_handle(db), "PRAGMA page_size");
	churned = 0;
	assert_int_equal(db_group_start(db_path, &group, &eb), WQ_OK);
	static struct db_group_job jobs[CHURN_JOBS];
	for (int i = 0; i < CHURN_JOBS; i++) {
		jobs[i] = (struct db_group_job){
			.fn = churn, .arg = (void *)(intptr_t)i, .then = churn_done};
		assert_int_equal(db_group_submit(group, &jobs[i], &eb), WQ_OK);
	}
	pthread_mutex_lock(&cb_mu);
	while (churned < CHURN_JOBS)
		pthread_cond_wait(&cb_cv, &cb_mu);
	pthread_mutex_unlock(&cb_mu);
	for (int i = 0; i < CHURN_JOBS; i++)
		assert_int_equal(jobs[i].rc, WQ_OK);
	db_group_stop(group);
}

/* Every job queued at once: the writer is never idle between groups, so the
 * checkpointer can never catch up by itself; the WAL still starts over and stays near
 * RESTART_FRAMES instead of holding all ~64,000 frames written. */
static void test_wal_starts_over_under_a_writer_that_never_stops(void **state)
{
	(void)state;
	struct db *db = fresh("group_wal", "CREATE TABLE pad (id INTEGER PRIMARY KEY, job INT, b BLOB);"
					   "CREATE INDEX pad_job ON pad (job)");
	churn_all(db);
	char wal[80];
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	long long frames = file_size(wal) / (page_bytes + 24);
	printf("%d jobs written; the WAL holds %lld frames at most\n", CHURN_JOBS, frames);
	/* past it: what the writer appended while the checkpointer caught up, the group in
	 * flight when it held the writer back, a retry's worth */
	assert_true(frames < 2 * RESTART_FRAMES);
	db_close(db);
	unlink(db_path);
	unlink(wal);
}

/* ---- a VFS over the default one that watches, for one test, how the main database
 * file is written and fsynced: by checkpoints (SQLite marks each one's copies with the
 * file controls CKPT_START and CKPT_DONE, then fsyncs the file if it copied the whole
 * WAL) or by a flush of its own (db_group.c, sync_database) ---- */
static sqlite3_vfs *real_vfs, count_vfs;
static pthread_mutex_t count_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	long long unsynced, copied; /* bytes written since the last fsync; by this checkpoint */
	int in_ckpt, ckpt_done;	    /* copying; copied, its fsync next */
	int flushed;		    /* the last fsync was a flush of its own */
	int flushes, ckpt_syncs;    /* fsyncs: flushes, checkpoints' */
	long long after_flush_max;  /* the most a checkpoint's fsync carried after a flush */
	int carried_more;	    /* such fsyncs that carried more than their own copies */
} seen;

struct cfile {
	sqlite3_file base;
	int flags;
	sqlite3_file *real; /* right after this struct, szOsFile */
};
#define REAL(f) (((struct cfile *)(f))->real)
#define IS_MAIN(f) (((struct cfile *)(f))->flags & SQLITE_OPEN_MAIN_DB)

static int c_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off)
{
	if (IS_MAIN(f)) {
		pthread_mutex_lock(&count_mu);
		seen.unsynced += n;
		if (seen.in_ckpt)
			seen.copied += n;
		pthread_mutex_unlock(&count_mu);
	}
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}
static int c_sync(sqlite3_file *f, int flags)
{
	if (IS_MAIN(f)) {
		pthread_mutex_lock(&count_mu);
		if (seen.ckpt_done) { /* a checkpoint's, after it copied the whole WAL */
			seen.ckpt_syncs++;
			if (seen.flushed) {
				if (seen.unsynced > seen.after_flush_max)
					seen.after_flush_max = seen.unsynced;
				seen.carried_more += seen.unsynced > seen.copied;
			}
			seen.flushed = 0;
		} else if (!seen.in_ckpt) { /* outside any checkpoint */
			seen.flushes++;
			seen.flushed = 1;
		}
		seen.ckpt_done = 0;
		seen.unsynced = 0;
		pthread_mutex_unlock(&count_mu);
	}
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int c_fcntl(sqlite3_file *f, int op, void *a)
{
	if (IS_MAIN(f) && (op == SQLITE_FCNTL_CKPT_START || op == SQLITE_FCNTL_CKPT_DONE)) {
		pthread_mutex_lock(&count_mu);
		seen.in_ckpt = op == SQLITE_FCNTL_CKPT_START;
		seen.ckpt_done = op == SQLITE_FCNTL_CKPT_DONE;
		if (seen.in_ckpt)
			seen.copied = 0;
		pthread_mutex_unlock(&count_mu);
	}
	return REAL(f)->pMethods->xFileControl(REAL(f), op, a);
}
static int c_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }
static int c_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}
static int c_truncate(sqlite3_file *f, sqlite3_int64 n)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), n);
}
static int c_size(sqlite3_file *f, sqlite3_int64 *n)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), n);
}
static int c_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int c_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int c_reserved(sqlite3_file *f, int *r)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r);
}
static int c_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int c_dev(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int c_shm_map(sqlite3_file *f, int i, int sz, int ext, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), i, sz, ext, p);
}
static int c_shm_lock(sqlite3_file *f, int off, int n, int fl)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, fl);
}
static void c_shm_barrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int c_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int c_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, p);
}
static int c_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}
static const sqlite3_io_methods c_io = {
	3,	   c_close,	c_read,	  c_write,	  c_truncate,	 c_sync,	c_size,
	c_lock,	   c_unlock,	c_reserved, c_fcntl,	  c_sector,	 c_dev,		c_shm_map,
	c_shm_lock, c_shm_barrier, c_shm_unmap, c_fetch, c_unfetch};

static int c_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
	(void)v;
	struct cfile *c = (struct cfile *)f;
	c->real = (sqlite3_file *)(c + 1);
	c->flags = flags;
	int rc = real_vfs->xOpen(real_vfs, name, c->real, flags, out);
	c->base.pMethods = c->real->pMethods ? &c_io : NULL;
	return rc;
}

static void count_vfs_install(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	count_vfs = *real_vfs;
	count_vfs.zName = "count";
	count_vfs.pNext = NULL;
	count_vfs.szOsFile = (int)sizeof(struct cfile) + real_vfs->szOsFile;
	count_vfs.xOpen = c_open;
	memset(&seen, 0, sizeof seen);
	assert_int_equal(sqlite3_vfs_register(&count_vfs, 1), SQLITE_OK);
}

static void count_vfs_remove(void)
{
	sqlite3_vfs_unregister(&count_vfs);
	sqlite3_vfs_register(real_vfs, 1);
}

/* The checkpointer that holds the writer for the WAL to start over flushes the
 * database file first, while the writer still runs.  A checkpoint that leaves frames
 * behind does not fsync the database; only one that copies the whole WAL does, and
 * without the flush that one, under the hold, carried every copy the others had made
 * since the WAL last started over while the writer waited (db_group.c, sync_database).
 * So: the checkpointer flushes the file of its own, and the checkpoint's fsync that
 * follows carries no more than that checkpoint copied itself. */
static void test_database_flushed_before_the_writer_is_held(void **state)
{
	(void)state;
	struct db *db = fresh("group_flush", "CREATE TABLE pad (id INTEGER PRIMARY KEY, job INT, b BLOB);"
					     "CREATE INDEX pad_job ON pad (job)");
	count_vfs_install(); /* the group's connections only */
	churn_all(db);
	count_vfs_remove();
	printf("database fsyncs: %d flushes of the checkpointer's own, %d by checkpoints;"
	       " after a flush, a checkpoint's fsync carried %lld bytes at most\n",
	       seen.flushes, seen.ckpt_syncs, seen.after_flush_max);
	assert_true(seen.flushes >= 1);
	assert_int_equal(seen.carried_more, 0);
	db_close(db);
	unlink(db_path);
	char wal[80];
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	unlink(wal);
}

/* A database db_open creates has 1 KiB pages: an order's index entries on random keys
 * each cost the WAL a 1 KiB frame instead of 4 (db.c).  One made before keeps its 4 KiB
 * pages (SQLite cannot change them in WAL mode) and the group writes it as before. */
static void test_new_database_small_pages_old_one_kept(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct db *db = fresh("group_page", "CREATE TABLE t (who INT, n INT)");
	assert_int_equal(count(db_handle(db), "PRAGMA page_size"), 1024);
	db_close(db);
	unlink(db_path);
	char wal[80];
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	unlink(wal);

	sqlite3 *old; /* as an earlier release made it */
	assert_int_equal(sqlite3_open(db_path, &old), SQLITE_OK);
	assert_int_equal(sqlite3_exec(old, "PRAGMA page_size=4096; PRAGMA journal_mode=WAL;"
					   "CREATE TABLE t (who INT, n INT)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(old);
	assert_int_equal(db_open(db_path, &db, &eb), WQ_OK);
	assert_int_equal(count(db_handle(db), "PRAGMA page_size"), 4096);
	assert_int_equal(db_group_start(db_path, &group, &eb), WQ_OK);
	struct put p = {1, 1};
	assert_int_equal(db_group_run(group, put, &p, &eb), WQ_OK);
	db_group_stop(group);
	assert_int_equal(count(db_handle(db), "SELECT count(*) FROM t"), 1);
	assert_int_equal(count(db_handle(db), "PRAGMA page_size"), 4096);
	db_close(db);
	unlink(db_path);
	unlink(wal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_share_commits),
		cmocka_unit_test(test_submit_calls_back_then_drain_refuses),
		cmocka_unit_test(test_other_processes_commit_beside_the_group),
		cmocka_unit_test(test_wal_starts_over_under_a_writer_that_never_stops),
		cmocka_unit_test(test_database_flushed_before_the_writer_is_held),
		cmocka_unit_test(test_new_database_small_pages_old_one_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
