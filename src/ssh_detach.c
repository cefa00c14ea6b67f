/* ssh_detach.c - sessions that survive a dropped link, as tmux and mosh users know them.
 * When the client of a session goes without the UI having ended, the session process
 * (libssh freed) becomes the keeper of its UI child: it holds the pty master, reads and
 * drops what the UI draws, and listens on the account's socket, <state_dir>/sessions/
 * <account>.sock (0600, directory 0700), for detach_seconds.  A later session that has
 * authenticated as the same account connects (both ends check that the peer runs as this
 * uid and is another child of the listener; the keeper checks the account name), gets the
 * pty master by SCM_RIGHTS and pumps it itself; the keeper stays the UI child's parent,
 * so it reaps it and reports its status, and takes the screen back if that link drops
 * too.  The UI child notices nothing: the same pty, its ncurses state, its half-typed
 * prompt.  Runs in session processes only; no libssh, SQL only through audit_log().
 * This file: the account's socket, its peer checks and messages, and the taker's side;
 * the keeper is src/ssh_keep.c. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ssh_detach_int.h"


int64_t detach_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the socket and its peer ---- */

/* Account names are checked when accounts are made; here the name also becomes a file
 * name, so anything unusual simply does not detach. */
int detach_path(const struct config *cfg, const char *user, int make_dir, char *path,
		       size_t len)
{
	char dir[PATH_MAX_BYTES + 16];
	size_t n = strlen(user);
	if (n == 0 || user[0] == '.' || n >= USERNAME_MAX_BYTES)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    user[i]))
			return -1;
	config_state_path(cfg, "sessions", dir, sizeof dir);
	if (make_dir && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	struct stat st;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return -1;
	if ((st.st_mode & 077) && (!make_dir || chmod(dir, 0700) < 0))
		return -1;
	struct sockaddr_un sun;
	if ((size_t)snprintf(path, len, "%s/%s.sock", dir, user) >= len ||
	    strlen(path) >= sizeof sun.sun_path)
		return -1;
	return 0;
}

/* The path fits: detach_path() checked it. */
void detach_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	size_t n = strlen(path);
	memcpy(sun->sun_path, path, n < sizeof sun->sun_path ? n : sizeof sun->sun_path - 1);
}

static pid_t proc_ppid(pid_t pid)
{
	char name[64], buf[512];
	snprintf(name, sizeof name, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(name, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')'); /* the command name may hold anything */
	int ppid;
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

/* The other end runs as this uid and was forked by the same listener. */
int detach_peer_ok(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof cr;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || cr.uid != geteuid())
		return 0;
	return proc_ppid(cr.pid) == getppid();
}

void detach_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = DETACH_IO_TIMEOUT_MS / 1000,
			     .tv_usec = (DETACH_IO_TIMEOUT_MS % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

int detach_msg_send(int fd, char type, int value, const char *user, const char *screen,
		    int64_t ms, int pass_fd)
{
	struct detach_msg m;
	memset(&m, 0, sizeof m);
	m.type = type;
	m.value = value;
	m.ms = ms;
	if (user)
		snprintf(m.user, sizeof m.user, "%s", user);
	if (screen)
		snprintf(m.screen, sizeof m.screen, "%s", screen);
	struct iovec iov = {.iov_base = &m, .iov_len = sizeof m};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	if (pass_fd >= 0) {
		memset(&u, 0, sizeof u);
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof u.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof m ? 0 : -1;
}

/* 1 a message (and *got_fd the descriptor it carried, else -1), 0 the peer closed,
 * -1 nothing (EAGAIN, timeout) or an error.  Descriptors nobody asked for are closed. */
int detach_msg_recv(int fd, struct detach_msg *m, int *got_fd, int flags)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = m, .iov_len = sizeof *m};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof u.buf};
	if (got_fd)
		*got_fd = -1;
	ssize_t n;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); n >= 0 && c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfd; i++) {
			int rfd;
			memcpy(&rfd, CMSG_DATA(c) + i * sizeof(int), sizeof rfd);
			if (got_fd && *got_fd < 0 && n == (ssize_t)sizeof *m)
				*got_fd = rfd;
			else
				close(rfd);
		}
	}
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof *m || (mh.msg_flags & MSG_CTRUNC)) {
		if (got_fd && *got_fd >= 0)
			close(*got_fd), *got_fd = -1;
		return -1;
	}
	m->user[sizeof m->user - 1] = '\0';
	m->screen[sizeof m->screen - 1] = '\0';
	return 1;
}

int detach_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	detach_addr(path, &sun);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		close(fd);
		return -1;
	}
	detach_timeouts(fd);
	return fd;
}

/* ---- the taker's side (a session after authentication) ---- */

int detach_take(const struct config *cfg, const char *username, const char *screen,
		const struct winsize *ws, struct detach_taken *out)
{
	char path[PATH_MAX_BYTES + 64];
	struct detach_msg m;
	int master = -1;
	if (cfg->detach_seconds <= 0 || detach_path(cfg, username, 0, path, sizeof path) < 0)
		return 0;
	int fd = detach_connect(path);
	if (fd < 0)
		return 0; /* nothing detached (or a stale socket: its next keeper replaces it) */
	if (!detach_peer_ok(fd) || detach_msg_send(fd, DM_HELLO, 0, username, screen, 0, -1) < 0 ||
	    detach_msg_recv(fd, &m, &master, 0) != 1 || m.type != DM_TAKEN || master < 0 ||
	    m.value <= 0) {
		if (master >= 0)
			close(master);
		close(fd);
		return 0;
	}
	struct winsize cur;
	out->resized = ioctl(master, TIOCGWINSZ, &cur) < 0 || cur.ws_row != ws->ws_row ||
		       cur.ws_col != ws->ws_col;
	if (out->resized)
		ioctl(master, TIOCSWINSZ, ws); /* SIGWINCH: ncurses resizes, and repaints */
	out->master = master;
	out->ctl = fd;
	out->ui_pid = (pid_t)m.value;
	out->detached_seconds = (int)(m.ms / 1000);
	return 1;
}

void detach_request_redraw(int ctl)
{
	detach_msg_send(ctl, DM_REDRAW, 0, NULL, NULL, 0, -1);
}

void detach_request_end(int ctl, int sig)
{
	detach_msg_send(ctl, DM_END, sig, NULL, NULL, 0, -1);
}

int detach_wait_exit(int ctl, int timeout_ms, int *status)
{
	int64_t until = detach_now_ms() + timeout_ms;
	for (;;) {
		struct detach_msg m;
		int r = detach_msg_recv(ctl, &m, NULL, MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			return -1;
		if (r == 1 && m.type == DM_EXITED) {
			*status = m.value;
			return 1;
		}
		if (r == 1)
			continue;
		int left = (int)(until - detach_now_ms());
		if (left <= 0)
			return 0;
		struct pollfd p = {.fd = ctl, .events = POLLIN};
		poll(&p, 1, left);
	}
}
