/* ssh_spare.h - the spare session process (src/ssh_spare.c): forked by the listener
 * before a connection comes, handed the accepted socket over a socket pair. */
#ifndef WQ_SSH_SPARE_H
#define WQ_SSH_SPARE_H

#include <libssh/libssh.h>

#include "config.h"

/* The listener's side: the accepted socket fd and the peer's address to the spare at
 * the other end of pair_fd; 0 when sent (fd is then the spare's too: close ours). */
int spare_hand_over(int pair_fd, int fd, const char *addr);
/* The spare's side, in the forked process: prepares, waits for its connection on
 * pair_fd and serves it to its end; exits without one when the listener stops or goes. */
void spare_run(const struct config *cfg, int pair_fd, int report_fd, ssh_key host_key)
	__attribute__((noreturn));

#endif
