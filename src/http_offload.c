/* http_offload.c - the web side's calls to the outside world, off libmicrohttpd's
 * workers.  A worker serves every connection it was given, one after the other; a
 * payment callback waiting up to PAYMENT_CONFIRM_TIMEOUT_MS for the gateway's
 * confirmation, then for the group's fsync, held the worker's other connections (the
 * orders among them) for as long.  A handler that must call out hands its connection
 * here (http_offload): it is suspended, its work is run by one of OFFLOAD_THREADS
 * threads, first come first served, each with its own database connection (http_db:
 * the thread's, never the worker's), and it is resumed after; libmicrohttpd then calls
 * the handler's answer on a worker, as for the group's writes (http_group_write).
 * No SQL. */
#include <pthread.h>
#include <stdlib.h>

#include "http_internal.h"
#include "log.h"

/* calls to the gateway in flight at once; more wait their turn here, not on a worker */
#define OFFLOAD_THREADS 4

struct http_offload {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct http_ctx *head, *tail;
	int stop, started;
	pthread_t th[OFFLOAD_THREADS];
};

static void *offload_main(void *p)
{
	struct http_offload *o = p;
	pthread_mutex_lock(&o->mu);
	for (;;) {
		while (!o->head && !o->stop)
			pthread_cond_wait(&o->cv, &o->mu);
		struct http_ctx *c = o->head;
		if (!c)
			break;
		o->head = c->offload_next;
		if (!o->head)
			o->tail = NULL;
		pthread_mutex_unlock(&o->mu);
		log_context("", c->addr, "");
		c->db = NULL; /* this thread's connection, not the worker's */
		c->job.rc = c->offload_fn(c, &c->job.eb);
		c->db = NULL; /* the answer's worker uses its own */
		MHD_resume_connection(c->conn); /* MHD calls http_access again: the answer */
		pthread_mutex_lock(&o->mu);
	}
	pthread_mutex_unlock(&o->mu);
	return NULL;
}

struct http_offload *http_offload_start(void)
{
	struct http_offload *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	pthread_mutex_init(&o->mu, NULL);
	pthread_cond_init(&o->cv, NULL);
	for (; o->started < OFFLOAD_THREADS; o->started++)
		if (pthread_create(&o->th[o->started], NULL, offload_main, o))
			break;
	if (!o->started) {
		http_offload_stop(o);
		return NULL;
	}
	return o;
}

void http_offload_drain(struct http_offload *o)
{
	if (!o)
		return;
	pthread_mutex_lock(&o->mu);
	o->stop = 1;
	pthread_cond_broadcast(&o->cv);
	pthread_mutex_unlock(&o->mu);
	for (int i = 0; i < o->started; i++)
		pthread_join(o->th[i], NULL);
	o->started = 0;
}

void http_offload_stop(struct http_offload *o)
{
	if (!o)
		return;
	http_offload_drain(o);
	pthread_mutex_destroy(&o->mu);
	pthread_cond_destroy(&o->cv);
	free(o);
}

int http_offload(struct http_ctx *c, int (*fn)(struct http_ctx *c, struct wq_errbuf *eb),
		 int (*answer)(struct http_ctx *c, int rc, struct wq_errbuf *eb))
{
	struct http_offload *o = c->app->offload;
	c->offload_fn = fn;
	c->offload_next = NULL;
	c->job.rc = WQ_OK;
	wq_errbuf_clear(&c->job.eb);
	c->answer = answer;
	slow_mark(c->app->watch, c->conn, 0); /* read whole: not a slow client's */
	/* suspended before it is queued: a thread may be done with it at once */
	MHD_suspend_connection(c->conn);
	pthread_mutex_lock(&o->mu);
	int refused = o->stop;
	if (!refused) {
		if (o->tail)
			o->tail->offload_next = c;
		else
			o->head = c;
		o->tail = c;
		pthread_cond_signal(&o->cv);
	}
	pthread_mutex_unlock(&o->mu);
	if (refused) { /* stopping: answered at once with the refusal */
		c->job.rc = wq_fail(&c->job.eb, WQ_EBUSY, NULL,
				    "the server is stopping; please try again");
		MHD_resume_connection(c->conn);
	}
	return c->status;
}
