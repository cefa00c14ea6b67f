/* http_accept.c - the web side's listening socket and the one thread that accepts on
 * it, handing each connection to libmicrohttpd (MHD_add_connection), which gives it to
 * worker (socket + i) mod threads, the first with room: the connections are dealt out
 * in turn.  libmicrohttpd's own way, every worker accepting from the shared socket up
 * to 11 in a row at a wake-up, put the 32 connections wrk opens together 22/7/3 on
 * three workers, or all 16 a test opens on one: those workers' connections waited for
 * one thread's turn on the cores, and every worker that read the database also waited
 * on the others in SQLite's shared-memory lock (bench/README.md sections 26 and 30).
 * While http_max_connections are open, nothing is accepted: the rest wait
 * in the kernel's backlog, as they did when libmicrohttpd listened itself.  No SQL. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_internal.h"
#include "log.h"

/* how often a thread waiting for a client looks whether it is to stop */
#define ACCEPT_POLL_MS 200

struct http_acceptor {
	struct MHD_Daemon *mhd;
	int fd;
	unsigned limit;
	atomic_uint *open; /* connections started and not closed (http_server.c) */
	atomic_int stop;
	pthread_t thread;
};

int http_listen(const struct sockaddr *sa, socklen_t len, int *port)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int on = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (sa->sa_family == AF_INET6) /* IPv6 only, as libmicrohttpd bound it */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	struct sockaddr_storage bound;
	socklen_t blen = sizeof bound;
	if (bind(fd, sa, len) || listen(fd, SOMAXCONN) ||
	    getsockname(fd, (struct sockaddr *)&bound, &blen)) {
		close(fd);
		return -1;
	}
	*port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
						  : ((struct sockaddr_in *)&bound)->sin_port);
	return fd;
}

static void pause_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};
	nanosleep(&ts, NULL);
}

/* The count is told by libmicrohttpd's workers when they take a connection in, so
 * one just handed may not be in it yet: the limit can be passed by the few accepted in
 * that moment, never refused below it */
static int at_limit(struct http_acceptor *a)
{
	return atomic_load(a->open) >= a->limit;
}

static void *accept_loop(void *arg)
{
	struct http_acceptor *a = arg;
	while (!atomic_load(&a->stop)) {
		/* the limit is read once a client waits, not before waiting for one: read
		 * before, it missed the connections started while this thread slept */
		struct pollfd p = {.fd = a->fd, .events = POLLIN};
		if (poll(&p, 1, ACCEPT_POLL_MS) <= 0)
			continue;
		if (at_limit(a)) {
			pause_ms(10);
			continue;
		}
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		int fd = accept4(a->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				pause_ms(10); /* out of descriptors: let some close */
			continue;     /* EINTR, ECONNABORTED; EINVAL once shut down */
		}
		/* refused (the address's limit, no memory): MHD closes the socket */
		MHD_add_connection(a->mhd, fd, (struct sockaddr *)&ss, len);
	}
	return NULL;
}

struct http_acceptor *http_accept_start(struct MHD_Daemon *mhd, int fd, unsigned limit,
				       atomic_uint *open)
{
	struct http_acceptor *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->mhd = mhd;
	a->fd = fd;
	a->limit = limit;
	a->open = open;
	if (pthread_create(&a->thread, NULL, accept_loop, a)) {
		free(a);
		return NULL;
	}
	return a;
}

void http_accept_stop(struct http_acceptor *a)
{
	if (!a)
		return;
	atomic_store(&a->stop, 1);
	shutdown(a->fd, SHUT_RDWR); /* wakes the poll() under way */
	pthread_join(a->thread, NULL);
	close(a->fd);
	free(a);
}
