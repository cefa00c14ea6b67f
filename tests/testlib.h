/* testlib.h - what the data-layer tests share: a fresh database in /tmp loaded with the
 * demo network (and generated requests) for a test group, its removal, and the actor of
 * a demo account by name.  Header-only (static inline): the Makefile builds each
 * tests/test_*.c into its own binary with the objects, nothing else.  Include after
 * <cmocka.h>; a failure here fails the group with the reason. */
#ifndef WQ_TESTLIB_H
#define WQ_TESTLIB_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "demo.h"
#include "serve.h"
#include "user.h"
#include "util.h"

/* Opens a new migrated database at /tmp/wq-test-<name>-<pid>.db (its path in path),
 * loaded with the demo network and `requests` generated requests; cfg gets the
 * configuration it was opened with. */
static inline struct db *testlib_open(const char *name, int requests, char *path,
				      size_t len, struct config *cfg)
{
	struct db *db;
	struct wq_errbuf eb;
	int loaded;
	snprintf(path, len, "/tmp/wq-test-%s-%d.db", name, getpid());
	unlink(path);
	config_defaults(cfg);
	wq_strlcpy(cfg->db_path, path, sizeof cfg->db_path);
	if (serve_open_db(cfg, &db, NULL, &eb))
		fail_msg("open: %s", eb.msg);
	if (demo_load(db, requests, &loaded, &eb) || !loaded)
		fail_msg("demo: %s", eb.msg);
	return db;
}

/* Closes db and removes its file with the WAL and shared-memory files. */
static inline void testlib_remove(struct db *db, const char *path)
{
	char side[80];
	db_close(db);
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

/* A demo account's actor; "system" and "citizen" are the built-in ones. */
static inline struct actor testlib_who(struct db *db, const char *name)
{
	struct actor a;
	struct wq_errbuf eb;
	if (!strcmp(name, "system")) {
		actor_system(&a);
		return a;
	}
	if (!strcmp(name, "citizen")) {
		actor_citizen(&a);
		return a;
	}
	if (user_actor(db, name, &a, &eb))
		fail_msg("no actor %s: %s", name, eb.msg);
	return a;
}

#endif
