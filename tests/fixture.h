/* fixture.h - the fresh database a group of unit tests runs against, made in one place:
 * before the group's first test a new SQLite file in /tmp, migrated and loaded with the
 * demo network (regions, communes, offices, accounts) and some generated requests, the
 * clock real (WATIQA_FAKE_NOW unset) and, if asked, an empty printout directory; after
 * its last test the file, its WAL and shared-memory files and the printouts removed.  A
 * test file includes it after <cmocka.h>, keeps its own data in its tests (or a `ready`
 * hook) and ends main with fixture_run_group().  tests/fixture.c is linked into every
 * unit-test binary; the helpers over a database are in testlib.h. */
#ifndef WQ_TEST_FIXTURE_H
#define WQ_TEST_FIXTURE_H

#include <stddef.h>

#include "config.h"
#include "db.h"

/* The group's database, its file and the configuration it was opened with. */
extern struct db *db;
extern char db_path[64];
extern struct config cfg;
/* The printout directory (WATIQA_PRINT_DIR), when the fixture asks for one. */
extern char print_dir[80];

struct fixture {
	const char *name;	/* the group's, and in the file's: /tmp/wq-test-<name>-<pid>.db */
	int requests;		/* generated beside the demo network */
	int prints;		/* not 0: printouts go to an empty print_dir of the group's */
	int (*ready)(void);	/* NULL, or what the group adds once the database is open */
	void (*done)(void);	/* NULL, or what it lets go of before the database goes */
};

/* Runs the cmocka group `tests` (n of them) on a fresh database as `f` says; cmocka's
 * result (the number of tests that failed). */
int fixture_run(const struct fixture *f, const struct CMUnitTest *tests, size_t n);
#define fixture_run_group(f, tests) fixture_run((f), (tests), sizeof(tests) / sizeof((tests)[0]))

/* Removes every printout in print_dir, the directory kept. */
void fixture_clear_prints(void);

#endif
