/* ssh_session.h - between the listener (src/ssh_listen.c) and the session process it
 * forks for each connection (src/ssh_session.c): what the session is handed, and the
 * one-byte reports it sends back up its pipe so that the listener can count
 * unauthenticated connections (MaxStartups) and throttle addresses that keep failing,
 * without ever parsing client data itself. */
#ifndef WQ_SSH_SESSION_H
#define WQ_SSH_SESSION_H

#include <libssh/libssh.h>

#include "config.h"

/* Reports written by the session on its pipe to the listener. */
#define SESSION_REPORT_AUTH_OK	 'A' /* authenticated: no longer counts as a startup */
#define SESSION_REPORT_AUTH_FAIL 'F' /* one failed attempt (password or signed key) */
#define SESSION_REPORT_GRACE	 'G' /* login grace time ran out */
#define SESSION_REPORT_DETACHED	 'D' /* link lost, the screen kept (src/ssh_detach.c) */
#define SESSION_REPORT_REATTACHED 'R' /* ... and taken over by a later session */
/* logged in and its first screen sent: the login's work is done, the next spare may be
 * forked without taking CPU from it (src/ssh_listen.c) */
#define SESSION_REPORT_SETTLED	 'S'

#define SESSION_ADDR_BYTES 48

struct session_start {
	const struct config *cfg;
	int fd;				/* the accepted TCP socket (TCP_NODELAY set) */
	char addr[SESSION_ADDR_BYTES];	/* peer address, for logs and the audit log */
	int report_fd;			/* write end of the pipe to the listener */
	ssh_key host_key;		/* the session's own copy (after fork) */
};

/* Runs one SSH connection to its end in the current (forked) process, then exits. */
void session_run(struct session_start *st) __attribute__((noreturn));
/* session_run in two steps, for a spare process forked before its connection comes
 * (src/ssh_spare.c): what needs no connection (libssh's objects, the signals; warm: the
 * database opened and the login's statements prepared; st->fd and st->addr unused),
 * then the connection, run to its end. */
void session_prepare(const struct session_start *st, int warm);
void session_serve(int fd, const char *addr) __attribute__((noreturn));

#endif
