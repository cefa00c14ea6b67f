/* http_guard.c - what keeps one client from taking the web side for itself: the
 * per-source request rate (a fixed one-minute window; an IPv6 source is its /64, the
 * block one subscriber gets), connections per source, and the watchdog that cuts
 * requests trickling in (slowloris).  Shared by the HTTP worker threads under its own mutexes; no SQL. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http_internal.h"
#include "log.h"
#include "util.h"

#define RATE_SLOTS 4096
#define RATE_PROBES 8

struct rate_slot {
	char addr[48];
	int64_t window; /* minute number */
	int count;
};

struct http_rate {
	pthread_mutex_t mu;
	int per_minute;
	struct rate_slot slot[RATE_SLOTS];
};

/* One connection as the slow-request watchdog sees it (its MHD socket context). */
struct slow_conn {
	struct slow_conn *prev, *next;
	int fd;
	char src[64];  /* its source (http_source_of) */
	int64_t since; /* monotonic seconds: the connection's start or its last answer */
	int reading;   /* a request is still coming in (or none yet) */
	int cut;       /* already shut down by the watchdog */
};

struct slow_watch {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int running, stop;
	struct slow_conn *head;
};

/* ---- sources ---- */
void http_source_of(const char *addr, char *out, size_t len)
{
	struct in6_addr a6;
	snprintf(out, len, "%s", addr);
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return;
	if (IN6_IS_ADDR_V4MAPPED(&a6)) { /* ::ffff:1.2.3.4 is the IPv4 source 1.2.3.4 */
		inet_ntop(AF_INET, &a6.s6_addr[12], out, (socklen_t)len);
		return;
	}
	/* one subscriber holds a whole /64 and may use any address in it */
	memset(&a6.s6_addr[8], 0, 8);
	char net[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &a6, net, sizeof net);
	snprintf(out, len, "%s/64", net);
}

void http_client_addr(struct MHD_Connection *conn, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, len, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)len);
}

/* ---- rate limit: a fixed one-minute window per source ---- */
struct http_rate *http_rate_new(int per_minute)
{
	struct http_rate *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	pthread_mutex_init(&r->mu, NULL);
	r->per_minute = per_minute;
	return r;
}

void http_rate_free(struct http_rate *r)
{
	free(r);
}

int http_rate_allow(struct http_rate *r, const char *addr)
{
	if (!r || r->per_minute <= 0)
		return 1;
	char src[64];
	http_source_of(addr, src, sizeof src);
	int64_t minute = wq_now() / 60;
	unsigned h = 2166136261u;
	for (const char *p = src; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	pthread_mutex_lock(&r->mu);
	struct rate_slot *s = NULL, *stale = NULL;
	for (int i = 0; i < RATE_PROBES; i++) {
		struct rate_slot *t = &r->slot[(h + (unsigned)i) % RATE_SLOTS];
		if (!strcmp(t->addr, src)) {
			s = t;
			break;
		}
		if (!stale && t->window != minute)
			stale = t;
	}
	if (!s) {
		s = stale ? stale : &r->slot[h % RATE_SLOTS];
		wq_strlcpy(s->addr, src, sizeof s->addr);
		s->window = minute;
		s->count = 0;
	}
	if (s->window != minute) {
		s->window = minute;
		s->count = 0;
	}
	int ok = ++s->count <= r->per_minute;
	pthread_mutex_unlock(&r->mu);
	return ok;
}
/* ---- slow clients: a deadline for reading each request ----
 * libmicrohttpd's connection timeout counts idle time only: a client sending one header
 * byte a second (slowloris) never trips it and keeps its connection for ever; enough of
 * them fill the connection limit.  So every connection is listed (MHD's connection
 * notifications, on the worker threads), and a watchdog thread shuts down the socket of
 * one whose request is not entirely read HTTP_REQUEST_READ_SECONDS after the connection
 * started or its previous answer went out; MHD then sees the close and frees it.  MHD
 * notifies CLOSED before it closes the socket, under the same lock: no fd is reused
 * under the watchdog's feet. */
static int64_t mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

void slow_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		 enum MHD_ConnectionNotificationCode code)
{
	struct slow_watch *w = cls;
	struct slow_conn *e = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci || ci->connect_fd < 0 || !(e = calloc(1, sizeof *e)))
			return;
		e->fd = ci->connect_fd;
		e->since = mono_seconds();
		e->reading = 1;
		char addr[64];
		http_client_addr(conn, addr, sizeof addr);
		http_source_of(addr, e->src, sizeof e->src);
		pthread_mutex_lock(&w->mu);
		/* libmicrohttpd limits connections per address; an IPv6 subscriber has a
		 * whole /64 of them: the same limit per source, over its connections */
		int same = 0;
		for (struct slow_conn *o = w->head; o; o = o->next)
			same += !o->cut && !strcmp(o->src, e->src);
		if (same >= HTTP_CONNECTIONS_PER_ADDRESS) {
			shutdown(e->fd, SHUT_RDWR); /* MHD sees the close and frees it */
			e->cut = 1;
		}
		e->next = w->head;
		if (w->head)
			w->head->prev = e;
		w->head = e;
		pthread_mutex_unlock(&w->mu);
		*socket_context = e;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && e) {
		pthread_mutex_lock(&w->mu);
		if (e->prev)
			e->prev->next = e->next;
		else
			w->head = e->next;
		if (e->next)
			e->next->prev = e->prev;
		pthread_mutex_unlock(&w->mu);
		free(e);
		*socket_context = NULL;
	}
}

/* The request on CONN has been read (reading = 0) or answered (1: the next one may come). */
void slow_mark(struct slow_watch *w, struct MHD_Connection *conn, int reading)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct slow_conn *e = ci ? ci->socket_context : NULL;
	if (!e || !w)
		return;
	pthread_mutex_lock(&w->mu);
	e->reading = reading;
	if (reading)
		e->since = mono_seconds();
	pthread_mutex_unlock(&w->mu);
}

static void *slow_watchdog(void *arg)
{
	struct slow_watch *w = arg;
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&w->cv, &w->mu, &until);
		int64_t now = mono_seconds();
		int n = 0;
		for (struct slow_conn *e = w->head; e; e = e->next)
			if (e->reading && !e->cut && now - e->since >= HTTP_REQUEST_READ_SECONDS) {
				shutdown(e->fd, SHUT_RDWR);
				e->cut = 1;
				n++;
			}
		if (n)
			log_event(LOG_LEVEL_WARNING, "refusal",
				  "http: cut %d connection%s: request not read within %d s",
				  n, n > 1 ? "s" : "", HTTP_REQUEST_READ_SECONDS);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}


struct slow_watch *slow_watch_new(void)
{
	struct slow_watch *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	return w;
}

int slow_watch_start(struct slow_watch *w)
{
	w->running = !pthread_create(&w->thread, NULL, slow_watchdog, w);
	return w->running ? 0 : -1;
}

void slow_watch_free(struct slow_watch *w)
{
	if (!w)
		return;
	if (w->running) {
		pthread_mutex_lock(&w->mu);
		w->stop = 1;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	free(w); /* MHD is stopped first: every connection's entry is already freed */
}
