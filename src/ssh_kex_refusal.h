/* ssh_kex_refusal.h - what a client is told when the key exchange fails
 * (src/ssh_kex_refusal.c). */
#ifndef WQ_SSH_KEX_REFUSAL_H
#define WQ_SSH_KEX_REFUSAL_H

#include <libssh/libssh.h>

struct kex_refusal {
	int fd;				/* a copy of the connection's socket, -1 when none */
	struct ssh_counter_struct sent; /* bytes libssh really wrote (not buffered) */
};

/* Before the key exchange on fd: keeps a copy of fd and counts what ssh writes. */
void kex_refusal_watch(struct kex_refusal *r, ssh_session ssh, int fd);
/* The key exchange succeeded: the copy closed, the counting stopped. */
void kex_refusal_done(struct kex_refusal *r, ssh_session ssh);
/* The key exchange failed and libssh closed its socket: when the client was left with
 * nothing (or only "SSH-2.0-<banner>\r\n", banner as set on the bind), sends it what it
 * lacks and an SSH_MSG_DISCONNECT (key exchange failed) saying why; closes the copy. */
void kex_refusal_send(struct kex_refusal *r, const char *banner, const char *why);

#endif
