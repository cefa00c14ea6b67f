/* ssh_detach_int.h - what the two sides of a kept screen share (src/ssh_detach.c, the
 * socket and the taker's side; src/ssh_keep.c, the keeper): the messages they exchange on
 * the account's SOCK_SEQPACKET socket and the helpers that make, check and talk over it.
 * Only those two files include it. */
#ifndef WQ_SSH_DETACH_INT_H
#define WQ_SSH_DETACH_INT_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include "limits.h"
#include "ssh_detach.h"

#define DETACH_IO_TIMEOUT_MS	3000 /* a peer that stalls a handshake is dropped */
#define DETACH_POLL_MS		1000
#define DETACH_UI_HANGUP_MS	500  /* SIGHUP (or SIGTERM), then SIGKILL after this */
#define DETACH_BIND_TRIES	4

/* One fixed-size message each way on the SOCK_SEQPACKET socket. */
enum detach_msg_type {
	DM_HELLO = 'H',	  /* taker -> keeper: user, screen; "give me the screen" */
	DM_REPLACE = 'Q', /* a newer keeper -> keeper: user; "end yours, I keep mine" */
	DM_TAKEN = 'O',	  /* keeper -> taker: value = UI pid, ms = detached; + the master */
	DM_NO = 'N',	  /* keeper -> taker: not for you (other account or screen) */
	DM_REDRAW = 'R',  /* taker -> keeper: the new client is pumped: repaint */
	DM_END = 'E',	  /* taker -> keeper: end the UI with signal `value` */
	DM_EXITED = 'X',  /* keeper -> taker: the UI ended, wait status `value` */
};

struct detach_msg {
	char type;
	int value;
	int64_t ms;
	char user[USERNAME_MAX_BYTES];
	char screen[DETACH_SCREEN_BYTES];
};

int64_t detach_now_ms(void);
/* The account's socket path, "" when the name cannot be a file name; 0 ok, -1 none. */
int detach_path(const struct config *cfg, const char *user, int make_dir, char *path,
		size_t size);
void detach_addr(const char *path, struct sockaddr_un *sun);
/* Is the peer this uid and another child of the listener? */
int detach_peer_ok(int fd);
void detach_timeouts(int fd);
int detach_msg_send(int fd, char type, int value, const char *user, const char *screen,
		    int64_t ms, int pass_fd);
int detach_msg_recv(int fd, struct detach_msg *m, int *got_fd, int flags);
int detach_connect(const char *path);

#endif
