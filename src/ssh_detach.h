/* ssh_detach.h - sessions that survive a dropped link (src/ssh_detach.c): the keeper a
 * session process becomes when its client goes while the UI child lives, and the calls a
 * later session of the same account makes to take that screen over. */
#ifndef WQ_SSH_DETACH_H
#define WQ_SSH_DETACH_H

#include <sys/ioctl.h>
#include <sys/types.h>

#include "actor.h"
#include "config.h"
#include "ssh_session.h"

#define DETACH_SCREEN_BYTES 33

/* What a session hands over when it becomes the keeper of its UI child. */
struct detach_keep {
	const struct config *cfg;
	struct actor actor;		     /* the authenticated account */
	char addr[SESSION_ADDR_BYTES];	     /* where the link that dropped came from */
	char screen[DETACH_SCREEN_BYTES];    /* "" = the role's default */
	int report_fd;			     /* to the listener */
	int master;			     /* the pty master */
	pid_t ui_pid;			     /* our child */
};

/* Keeps the UI child and its pty for cfg->detach_seconds, listening on the account's
 * socket for a later session of the same account; ends the UI when the time is up, when
 * the server stops or when a newer detached session of the account replaces this one.
 * Called after the libssh session is freed; never returns. */
void detach_keep(struct detach_keep *k) __attribute__((noreturn));

/* The screen a session took over: the pty master (ours to read, write and resize), the
 * UI child's pid (the keeper's child, never signalled directly) and the keeper's socket. */
struct detach_taken {
	int master;
	int ctl;
	pid_t ui_pid;
	int detached_seconds; /* how long nobody was attached */
	int resized;	      /* the new size differs: ncurses repaints it all by itself */
};

/* After authentication only: takes over the account's detached screen, if there is one
 * for this screen name ("" = any), and sizes it to ws.  1 taken, 0 none. */
int detach_take(const struct config *cfg, const char *username, const char *screen,
		const struct winsize *ws, struct detach_taken *out);

/* Asks the keeper to repaint the whole screen (after the new client is being pumped). */
void detach_request_redraw(int ctl);

/* Asks the keeper to end the UI with sig (idle timeout, server stopping). */
void detach_request_end(int ctl, int sig);

/* Waits up to timeout_ms for the keeper to report the UI's end: 1 with its wait status,
 * -1 when the keeper is gone (status unknown), 0 not yet. */
int detach_wait_exit(int ctl, int timeout_ms, int *status);

#endif
