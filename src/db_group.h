/* db_group.h - group commit: writes that arrive together share one transaction and one
 * fsync.  One writer thread owns a connection; callers queue a job (a function that
 * writes through the ordinary data-layer calls, whose own transactions become
 * savepoints) and wait, or are called back.  Jobs are served first come first served;
 * a job that fails rolls back only its savepoint; each caller gets its answer only
 * after the COMMIT holding its job is on disk (the WAL fsynced), or that COMMIT's
 * error.  Groups may overlap (one writing while another's fsync runs); they are
 * committed and answered in the order they were taken. */
#ifndef WQ_DB_GROUP_H
#define WQ_DB_GROUP_H

#include "db.h"
#include "err.h"

struct db_group;
/* The per-item hook: one job's writes, run by the writer thread inside the group's
 * transaction (its db_begin/db_commit are a savepoint); WQ_OK or an error. */
typedef int (*db_group_fn)(struct db *db, void *arg, struct wq_errbuf *eb);

/* A job handed over with db_group_submit: the caller fills fn, arg and then, and keeps
 * the job alive until then() is called. */
struct db_group_job {
	db_group_fn fn;
	void *arg;
	/* called once by the writer thread when the job's COMMIT is on disk or failed (rc,
	 * eb say which); it must not block: the next group waits for it.  From then on the
	 * job is the caller's again. */
	void (*then)(struct db_group_job *j);
	int rc;
	struct wq_errbuf eb;
	/* the writer's */
	int done;
	struct db_group_job *next;
};

int db_group_start(const char *path, struct db_group **out, struct wq_errbuf *eb);
/* Serves what is queued and stops the writer: later jobs are refused at once
 * (WQ_EBUSY).  db_group_stop does it too; this is for a server that must see every
 * callback made before it stops its own threads. */
void db_group_drain(struct db_group *g);
/* Drains, then closes the writer's connection and frees g. */
void db_group_stop(struct db_group *g);
/* fn(db, arg, eb) in the next group transaction; its result once committed. */
int db_group_run(struct db_group *g, db_group_fn fn, void *arg, struct wq_errbuf *eb);
/* j->fn in the next group without waiting: j->then(j) follows.  WQ_EBUSY (then() not
 * called) when the writer has stopped. */
int db_group_submit(struct db_group *g, struct db_group_job *j, struct wq_errbuf *eb);
/* Groups committed and jobs served since the start. */
void db_group_counts(struct db_group *g, long long *groups, long long *jobs);

#endif
