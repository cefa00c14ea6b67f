/* ssh_server.h - the SSH side of `watiqa serve`: a listener that forks one process per
 * connection (src/ssh_listen.c), the session process (src/ssh_session.c) and the UI
 * child it starts on a pty (src/ui_main.c). */
#ifndef WQ_SSH_SERVER_H
#define WQ_SSH_SERVER_H

#include "config.h"
#include "err.h"

/* Binds cfg->bind:cfg->ssh_port, creating cfg->host_key if missing, prints
 * "ssh listening on ADDR:PORT" once accepting, and serves until SIGTERM/SIGINT. */
int ssh_listen_run(const struct config *cfg, struct wq_errbuf *eb);

#endif
