/* db_group.c - the writer thread behind db_group.h.  A group is every job queued when
 * the writer comes round (up to GROUP_MAX, in arrival order): BEGIN IMMEDIATE, each job
 * between SAVEPOINT and RELEASE (db_begin/db_commit on a grouped connection), one
 * COMMIT, then every caller of the group is woken.  While one group commits, the next
 * one queues: under load a group is as large as the writes that arrived during the
 * previous fsync. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "db_group.h"
#include "log.h"

#define GROUP_MAX 64

struct job {
	db_group_fn fn;
	void *arg;
	struct wq_errbuf eb;
	int rc, done;
	struct job *next;
};

struct db_group {
	struct db *db;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct job *head, *tail;
	int stop;
	long long groups, jobs; /* served so far: jobs / groups is the jobs per fsync */
};

static void serve_group(struct db_group *g, struct job **jobs, int n)
{
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	int rc = db_begin(g->db, &eb);
	if (!rc) {
		db_set_grouped(g->db, 1);
		for (int i = 0; i < n; i++) {
			wq_errbuf_clear(&jobs[i]->eb);
			jobs[i]->rc = jobs[i]->fn(g->db, jobs[i]->arg, &jobs[i]->eb);
		}
		db_set_grouped(g->db, 0);
		rc = db_commit(g->db, &eb);
	}
	if (rc) /* nothing of the group is on disk: every job says so */
		for (int i = 0; i < n; i++) {
			jobs[i]->rc = rc;
			jobs[i]->eb = eb;
		}
}

static void *writer(void *p)
{
	struct db_group *g = p;
	struct job *jobs[GROUP_MAX];
	log_context("web", "", "group");
	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (!g->head && !g->stop)
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
		pthread_mutex_unlock(&g->mu);
		serve_group(g, jobs, n);
		pthread_mutex_lock(&g->mu);
		g->groups++;
		g->jobs += n;
		for (int i = 0; i < n; i++)
			jobs[i]->done = 1;
		pthread_cond_broadcast(&g->done);
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
	int rc = db_open(path, &g->db, eb);
	if (rc) {
		free(g);
		return rc;
	}
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->work, NULL);
	pthread_cond_init(&g->done, NULL);
	if (pthread_create(&g->thread, NULL, writer, g)) {
		db_close(g->db);
		free(g);
		return wq_fail(eb, WQ_EIO, NULL, "cannot start the group-commit writer");
	}
	*out = g;
	return WQ_OK;
}

void db_group_stop(struct db_group *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	pthread_cond_signal(&g->work);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->work);
	pthread_cond_destroy(&g->done);
	db_close(g->db);
	free(g);
}

int db_group_run(struct db_group *g, db_group_fn fn, void *arg, struct wq_errbuf *eb)
{
	struct job j = {.fn = fn, .arg = arg};
	pthread_mutex_lock(&g->mu);
	if (g->stop) {
		pthread_mutex_unlock(&g->mu);
		return wq_fail(eb, WQ_EBUSY, NULL, "the server is stopping; please try again");
	}
	if (g->tail)
		g->tail->next = &j;
	else
		g->head = &j;
	g->tail = &j;
	pthread_cond_signal(&g->work);
	while (!j.done)
		pthread_cond_wait(&g->done, &g->mu);
	pthread_mutex_unlock(&g->mu);
	if (j.rc && eb)
		*eb = j.eb;
	return j.rc;
}

void db_group_counts(struct db_group *g, long long *groups, long long *jobs)
{
	pthread_mutex_lock(&g->mu);
	*groups = g->groups;
	*jobs = g->jobs;
	pthread_mutex_unlock(&g->mu);
}
