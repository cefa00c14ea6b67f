/* ssh_spare.c - a session process forked before its connection comes (issue 15 item 4).
 * Forking per connection put the fork, the child's copy-on-write faults and libssh's
 * set-up between the client's connect and the server's banner, and opening and
 * preparing the database between "none" and the password; a login waited for both.
 * The listener keeps one spare: forked with its report pipe and one end of a socket
 * pair, it prepares what needs no connection (session_prepare: libssh's objects, the
 * signals, the database opened and the login's statements prepared, the password hash's
 * memory faulted in), then waits.  The
 * listener still accepts and decides (MaxStartups, penalties) as before, then hands the
 * accepted socket and the peer's address over the pair (SCM_RIGHTS); the spare renames
 * itself wq-ssh-session and serves the connection as a forked session would.  A spare
 * is not a startup nor a failure (no penalty when it ends unused); it leaves when the
 * listener stops or goes (a signal, or the pair's end closed).  The listener side
 * (when to fork one) is in src/ssh_listen.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ssh_session.h"
#include "ssh_spare.h"
#include "ssh_spare_warm.h"

int spare_hand_over(int pair_fd, int fd, const char *addr)
{
	char buf[SESSION_ADDR_BYTES];
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof u);
	memset(buf, 0, sizeof buf);
	snprintf(buf, sizeof buf, "%s", addr);
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.space,
			   .msg_controllen = sizeof u.space};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	ssize_t n;
	do
		n = sendmsg(pair_fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof buf ? 0 : -1;
}

/* The connection, or -1 when the spare is to leave (the listener stopped or went). */
static int spare_receive(int pair_fd, char *addr, size_t addrlen)
{
	char buf[SESSION_ADDR_BYTES];
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.space,
			   .msg_controllen = sizeof u.space};
	/* no retry on EINTR: every signal a spare can get (TERM, INT, HUP) means stop */
	ssize_t n = recvmsg(pair_fd, &m, 0);
	struct cmsghdr *c = n == (ssize_t)sizeof buf ? CMSG_FIRSTHDR(&m) : NULL;
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	buf[sizeof buf - 1] = '\0';
	snprintf(addr, addrlen, "%s", buf);
	return fd;
}

void spare_run(const struct config *cfg, int pair_fd, int report_fd, ssh_key host_key)
{
	struct session_start st = {.cfg = cfg, .fd = -1, .report_fd = report_fd,
				   .host_key = host_key};
	session_prepare(&st, 1);
	spare_warm();
	char addr[SESSION_ADDR_BYTES];
	int fd = spare_receive(pair_fd, addr, sizeof addr);
	if (fd < 0)
		_exit(0);
	close(pair_fd);
	prctl(PR_SET_NAME, "wq-ssh-session");
	session_serve(fd, addr);
}
