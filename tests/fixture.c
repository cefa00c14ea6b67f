/* fixture.c - the fresh database of a unit-test group (see fixture.h): cmocka's group
 * setup and teardown, the same for every tests/test_*.c that runs on the demo network, so
 * that none carries its own copy of opening, loading and removing a database file.  A
 * failure here fails the group with its reason; it runs in the test binary's one process
 * and leaves nothing in /tmp when the group ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "err.h"
#include "serve.h"
#include "util.h"

#include "fixture.h"

struct db *db;
char db_path[64];
struct config cfg;
char print_dir[80];

static const struct fixture *fx;

void fixture_clear_prints(void)
{
	DIR *d = opendir(print_dir);
	struct dirent *e;
	char path[400];
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", print_dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
}

static int fixture_setup(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	int loaded;
	snprintf(db_path, sizeof db_path, "/tmp/wq-test-%s-%d.db", fx->name, getpid());
	unlink(db_path);
	/* the targets of a group are made on the real clock, whatever ran before */
	unsetenv("WATIQA_FAKE_NOW");
	if (fx->prints) {
		snprintf(print_dir, sizeof print_dir, "/tmp/wq-test-%s-%d.print", fx->name,
			 getpid());
		if (mkdir(print_dir, 0700) != 0)
			fixture_clear_prints();
		setenv("WATIQA_PRINT_DIR", print_dir, 1);
	}
	config_defaults(&cfg);
	wq_strlcpy(cfg.db_path, db_path, sizeof cfg.db_path);
	if (serve_open_db(&cfg, &db, NULL, &eb))
		fail_msg("open %s: %s", db_path, eb.msg);
	if (demo_load(db, fx->requests, &loaded, &eb) || !loaded)
		fail_msg("demo: %s", eb.msg);
	return fx->ready ? fx->ready() : 0;
}

static int fixture_teardown(void **state)
{
	(void)state;
	char side[80];
	if (fx->done)
		fx->done();
	db_close(db);
	db = NULL;
	unlink(db_path);
	snprintf(side, sizeof side, "%s-wal", db_path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", db_path);
	unlink(side);
	if (fx->prints) {
		fixture_clear_prints();
		rmdir(print_dir);
		unsetenv("WATIQA_PRINT_DIR");
	}
	unsetenv("WATIQA_FAKE_NOW");
	return 0;
}

int fixture_run(const struct fixture *f, const struct CMUnitTest *tests, size_t n)
{
	fx = f;
	return _cmocka_run_group_tests(f->name, tests, n, fixture_setup, fixture_teardown);
}
