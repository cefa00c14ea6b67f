/* stage_commits.c - figures, not a test: PROCS processes (as SSH sessions declaring
 * stages, each its own connection) commit one-row transactions into one WAL database at
 * once, either as before (synchronous=FULL: the fsync under SQLite's write lock) or
 * through db_sync.h (the lock let go before the fsync, the WAL fsynced before the COMMIT
 * returns); "steps" is the first with db_sync_busy's short waits alone, to tell the
 * two apart.  Prints commits a second over all and each commit's median and p99.
 * bench/stage_commits.sh builds and runs it both ways. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "db_sync.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: stage_commits full|steps|sync PROCS COMMITS DB\n");
		return 2;
	}
	int sync = !strcmp(argv[1], "sync"), procs = atoi(argv[2]), n = atoi(argv[3]);
	const char *path = argv[4];
	struct wq_errbuf eb;
	struct db *db;
	unlink(path);
	if (db_open(path, &db, &eb) ||
	    sqlite3_exec(db_handle(db), "CREATE TABLE t (id INTEGER PRIMARY KEY, who INT)", NULL,
			 NULL, NULL) != SQLITE_OK)
		return 1;
	db_close(db); /* none across fork() */
	int fds[2];
	if (pipe(fds))
		return 1;
	double t0 = now_ms();
	for (int p = 0; p < procs; p++) {
		if (fork())
			continue;
		double *lat = calloc((size_t)n, sizeof *lat);
		if (!lat || db_open(path, &db, &eb) || (sync && db_sync_outside_lock(db, &eb)))
			_exit(1);
		if (!strcmp(argv[1], "steps"))
			db_sync_busy(db);
		sqlite3_stmt *st;
		sqlite3_prepare_v2(db_handle(db), "INSERT INTO t (who) VALUES (?)", -1, &st, NULL);
		for (int i = 0; i < n; i++) {
			double a = now_ms();
			if (db_begin(db, &eb)) {
				fprintf(stderr, "stage_commits: %s\n", eb.msg);
				_exit(1);
			}
			sqlite3_bind_int(st, 1, p);
			sqlite3_step(st);
			sqlite3_reset(st);
			if (db_commit(db, &eb)) {
				fprintf(stderr, "stage_commits: %s\n", eb.msg);
				_exit(1);
			}
			lat[i] = now_ms() - a;
		}
		sqlite3_finalize(st);
		db_close(db);
		if (write(fds[1], lat, sizeof *lat * (size_t)n) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	size_t total = (size_t)procs * (size_t)n, got = 0;
	double *all = calloc(total, sizeof *all);
	ssize_t r;
	while (all && got < total * sizeof *all &&
	       (r = read(fds[0], (char *)all + got, total * sizeof *all - got)) > 0)
		got += (size_t)r;
	int bad = 0;
	for (int p = 0; p < procs; p++) {
		int st;
		wait(&st);
		bad += !WIFEXITED(st) || WEXITSTATUS(st);
	}
	double secs = (now_ms() - t0) / 1e3;
	if (bad || got != total * sizeof *all) {
		fprintf(stderr, "stage_commits: %d processes failed\n", bad);
		return 1;
	}
	qsort(all, total, sizeof *all, cmp);
	printf("%-5s %2d processes x %d commits: %7.0f commits/s, commit median %.2f ms, p99 %.2f ms\n",
	       argv[1], procs, n, (double)total / secs, all[total / 2], all[total * 99 / 100]);
	return 0;
}
