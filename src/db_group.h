/* db_group.h - group commit: writes that arrive together share one transaction and one
 * fsync.  One writer thread owns a connection; callers queue a job (a function that
 * writes through the ordinary data-layer calls, whose own transactions become
 * savepoints) and wait.  Jobs are served first come first served; a job that fails
 * rolls back only its savepoint; each caller gets its answer only after the COMMIT
 * holding its job is on disk (synchronous=FULL), or that COMMIT's error. */
#ifndef WQ_DB_GROUP_H
#define WQ_DB_GROUP_H

#include "db.h"
#include "err.h"

struct db_group;
typedef int (*db_group_fn)(struct db *db, void *arg, struct wq_errbuf *eb);

int db_group_start(const char *path, struct db_group **out, struct wq_errbuf *eb);
/* Serves what is queued, then stops the writer and closes its connection. */
void db_group_stop(struct db_group *g);
/* fn(db, arg, eb) in the next group transaction; its result once committed. */
int db_group_run(struct db_group *g, db_group_fn fn, void *arg, struct wq_errbuf *eb);
/* Groups committed and jobs served since the start. */
void db_group_counts(struct db_group *g, long long *groups, long long *jobs);

#endif
