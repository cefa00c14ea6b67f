/* treasury_build.c - times treasury_build() of one period for the whole kingdom on a
 * generated database (bench/gen) and how long it holds SQLite's write lock: each
 * BEGIN IMMEDIATE .. COMMIT of the build is timed through a trace callback, and a
 * forked writer commits one row at a time meanwhile, as payments would, recording the
 * longest it waited.  It BUILDS THE BATCHES, so it modifies the database: run it on a
 * scratch copy, never on the kingdom's.  Prints figures, never passes or fails on a
 * time.  Bench code: reads and writes the database directly for the probe only. */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "finance.h"
#include "util.h"

static double ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct {
	double begun, max, sum;
	int n;
} hold;

static int on_trace(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx, (void)x;
	const char *sql = sqlite3_sql(p);
	if (!sql)
		return 0;
	if (type == SQLITE_TRACE_STMT && !strcmp(sql, "BEGIN IMMEDIATE"))
		hold.begun = ms_now();
	else if (type == SQLITE_TRACE_PROFILE && hold.begun > 0 &&
		 (!strcmp(sql, "COMMIT") || !strcmp(sql, "ROLLBACK"))) { /* ended: fsync included */
		double ms = ms_now() - hold.begun;
		hold.max = ms > hold.max ? ms : hold.max;
		hold.sum += ms;
		hold.n++;
		hold.begun = 0;
	}
	return 0;
}

static volatile sig_atomic_t stop;
static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* The writer: one row per transaction until told to stop; prints its longest wait. */
static void probe(const char *path)
{
	sqlite3 *h;
	double max = 0;
	long n = 0;
	signal(SIGTERM, on_term);
	if (sqlite3_open(path, &h) != SQLITE_OK)
		_exit(1);
	sqlite3_busy_timeout(h, 600000);
	while (!stop) {
		double t0 = ms_now();
		if (sqlite3_exec(h, "BEGIN IMMEDIATE; INSERT INTO bench_probe (at) VALUES (1);"
				    " COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			_exit(2);
		double ms = ms_now() - t0;
		max = ms > max ? ms : max;
		n++;
		usleep(2000);
	}
	printf("writer alongside: %ld commits, longest wait for the lock %.1f ms\n", n, max);
	fflush(stdout);
	sqlite3_close(h);
	_exit(0);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *period = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--db"))
			path = argv[i + 1];
		else if (!strcmp(argv[i], "--period"))
			period = argv[i + 1];
	}
	if (!path || !period) {
		fprintf(stderr, "usage: treasury_build --db SCRATCH_COPY --period YYYY-MM\n"
				"  builds the period's batches for every commune: modifies the db\n");
		return 2;
	}
	setenv("TZ", "Africa/Casablanca", 1);
	struct db *db;
	struct wq_errbuf eb = {0};
	struct fin_period p;
	if (db_open(path, &db, &eb) || fin_period_parse(period, &p, &eb)) {
		fprintf(stderr, "treasury_build: %s\n", eb.msg);
		return 1;
	}
	sqlite3 *h = db_handle(db);
	sqlite3_exec(h, "CREATE TABLE IF NOT EXISTS bench_probe (at INTEGER)", NULL, NULL, NULL);
	struct actor a = {.role = ROLE_TREASURY, .scope = SCOPE_NATIONAL};
	sqlite3_stmt *st;
	sqlite3_prepare_v2(h, "SELECT id, username FROM users WHERE role = 'treasury' LIMIT 1",
			   -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW) {
		a.user_id = sqlite3_column_int64(st, 0);
		wq_strlcpy(a.username, (const char *)sqlite3_column_text(st, 1), sizeof a.username);
	}
	sqlite3_finalize(st);

	fflush(stdout);
	pid_t kid = fork();
	if (kid == 0)
		probe(path);
	sqlite3_trace_v2(h, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE, on_trace, NULL);
	int batches, items;
	int64_t total;
	double t0 = ms_now();
	int rc = treasury_build(db, &a, &p, 0, &batches, &items, &total, &eb);
	double ms = ms_now() - t0;
	kill(kid, SIGTERM);
	waitpid(kid, NULL, 0);
	char money[32];
	wq_fmt_money(total, money, sizeof money);
	printf("treasury_build %s: rc %d %s\n", period, rc, rc ? eb.msg : "");
	printf("built %d batches, %d requests, %s MAD in %.0f ms\n", batches, items, money, ms);
	printf("write transactions: %d, longest %.1f ms, average %.1f ms, all together %.0f ms\n",
	       hold.n, hold.max, hold.n ? hold.sum / hold.n : 0, hold.sum);
	db_close(db);
	return rc != 0;
}
