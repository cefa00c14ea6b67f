/* ssh_detach.c - sessions that survive a dropped link, as tmux and mosh users know them.
 * When the client of a session goes without the UI having ended, the session process
 * (libssh freed) becomes the keeper of its UI child: it holds the pty master, reads and
 * drops what the UI draws, and listens on the account's socket, <db dir>/sessions/
 * <account>.sock (0600, directory 0700), for detach_seconds.  A later session that has
 * authenticated as the same account connects (both ends check that the peer runs as this
 * uid and is another child of the listener; the keeper checks the account name), gets the
 * pty master by SCM_RIGHTS and pumps it itself; the keeper stays the UI child's parent,
 * so it reaps it and reports its status, and takes the screen back if that link drops
 * too.  The UI child notices nothing: the same pty, its ncurses state, its half-typed
 * prompt.  Runs in session processes only; no libssh, SQL only through audit_log(). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "db.h"
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

static volatile sig_atomic_t keep_stop;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the socket and its peer ---- */

/* Account names are checked when accounts are made; here the name also becomes a file
 * name, so anything unusual simply does not detach. */
static int detach_path(const struct config *cfg, const char *user, int make_dir, char *path,
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
	const char *slash = strrchr(cfg->db_path, '/');
	if (slash)
		snprintf(dir, sizeof dir, "%.*s/sessions", (int)(slash - cfg->db_path),
			 cfg->db_path);
	else
		snprintf(dir, sizeof dir, "sessions");
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
static void detach_addr(const char *path, struct sockaddr_un *sun)
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
static int detach_peer_ok(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof cr;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || cr.uid != geteuid())
		return 0;
	return proc_ppid(cr.pid) == getppid();
}

static void detach_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = DETACH_IO_TIMEOUT_MS / 1000,
			     .tv_usec = (DETACH_IO_TIMEOUT_MS % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static int msg_send(int fd, char type, int value, const char *user, const char *screen,
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
static int msg_recv(int fd, struct detach_msg *m, int *got_fd, int flags)
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

static int detach_connect(const char *path)
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
	if (!detach_peer_ok(fd) || msg_send(fd, DM_HELLO, 0, username, screen, 0, -1) < 0 ||
	    msg_recv(fd, &m, &master, 0) != 1 || m.type != DM_TAKEN || master < 0 ||
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
	msg_send(ctl, DM_REDRAW, 0, NULL, NULL, 0, -1);
}

void detach_request_end(int ctl, int sig)
{
	msg_send(ctl, DM_END, sig, NULL, NULL, 0, -1);
}

int detach_wait_exit(int ctl, int timeout_ms, int *status)
{
	int64_t until = now_ms() + timeout_ms;
	for (;;) {
		struct detach_msg m;
		int r = msg_recv(ctl, &m, NULL, MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			return -1;
		if (r == 1 && m.type == DM_EXITED) {
			*status = m.value;
			return 1;
		}
		if (r == 1)
			continue;
		int left = (int)(until - now_ms());
		if (left <= 0)
			return 0;
		struct pollfd p = {.fd = ctl, .events = POLLIN};
		poll(&p, 1, left);
	}
}

/* ---- the keeper ---- */

struct keeper {
	struct detach_keep *k;
	char path[PATH_MAX_BYTES + 64];
	dev_t dev;
	ino_t ino;	  /* of the socket file we bound, so we unlink only ours */
	int listen_fd;	  /* while detached */
	int ctl;	  /* while a taker pumps the screen */
	int64_t detached_at, deadline;
	int ui_exited, ui_status;
};

static void keep_log(const struct keeper *kp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void keep_log(const struct keeper *kp, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "watiqa[%d] ssh %s@%s: %s\n", (int)getpid(), kp->k->actor.username,
		kp->k->addr, msg);
}

static void keep_report(const struct keeper *kp, char what)
{
	if (kp->k->report_fd >= 0 && write(kp->k->report_fd, &what, 1) < 0) {
		/* the listener is gone: it stops us too */
	}
}

static void keep_audit(const struct keeper *kp, const char *action, const char *detail)
{
	struct db *db = NULL;
	struct wq_errbuf eb = {0};
	if (db_open(kp->k->cfg->db_path, &db, &eb) == WQ_OK)
		audit_log(db, &kp->k->actor, action, kp->k->actor.username, detail, kp->k->addr,
			  &eb);
	if (eb.msg[0])
		keep_log(kp, "audit %s: %s", action, eb.msg);
	db_close(db);
}

static void keep_on_stop(int sig)
{
	(void)sig;
	keep_stop = 1;
}

static void keep_on_child(int sig)
{
	(void)sig; /* only to wake poll() */
}

/* Reaps the UI child if it ended; a stopped one (job control) is continued. */
static int keep_ui_reaped(struct keeper *kp, int options)
{
	if (kp->ui_exited)
		return 1;
	for (;;) {
		int status;
		pid_t r = waitpid(kp->k->ui_pid, &status, options | WUNTRACED);
		if (r == kp->k->ui_pid && WIFSTOPPED(status)) {
			kill(kp->k->ui_pid, SIGCONT);
			continue;
		}
		if (r == kp->k->ui_pid || (r < 0 && errno == ECHILD)) {
			kp->ui_exited = 1;
			kp->ui_status = r == kp->k->ui_pid ? status : 0;
			return 1;
		}
		if (r < 0 && errno == EINTR)
			continue;
		return 0;
	}
}

static void keep_end_ui(struct keeper *kp, int sig)
{
	if (keep_ui_reaped(kp, WNOHANG))
		return;
	kill(kp->k->ui_pid, sig);
	for (int i = 0; i < DETACH_UI_HANGUP_MS / 10; i++) {
		if (keep_ui_reaped(kp, WNOHANG))
			return;
		if (kp->ctl < 0) {
			/* nobody reads the pty: drain it so that endwin cannot block */
			char buf[4096];
			while (read(kp->k->master, buf, sizeof buf) > 0)
				;
		}
		poll(NULL, 0, 10);
	}
	kill(kp->k->ui_pid, SIGKILL);
	keep_ui_reaped(kp, 0);
}

static void keep_unlisten(struct keeper *kp)
{
	struct stat st;
	if (kp->listen_fd < 0)
		return;
	if (lstat(kp->path, &st) == 0 && st.st_dev == kp->dev && st.st_ino == kp->ino)
		unlink(kp->path);
	close(kp->listen_fd);
	kp->listen_fd = -1;
}

static void keep_exit(struct keeper *kp) __attribute__((noreturn));
static void keep_exit(struct keeper *kp)
{
	if (kp->ctl >= 0) {
		if (kp->ui_exited)
			msg_send(kp->ctl, DM_EXITED, kp->ui_status, NULL, NULL, 0, -1);
		close(kp->ctl);
	}
	keep_unlisten(kp);
	close(kp->k->master);
	if (kp->k->report_fd >= 0)
		close(kp->k->report_fd);
	_exit(0);
}

/* Binds the account's socket; a keeper already there (an older drop) is told to end its
 * UI and go, a socket nobody answers on is stale and removed. */
static int keep_listen(struct keeper *kp)
{
	struct sockaddr_un sun;
	detach_addr(kp->path, &sun);
	for (int tries = 0; tries < DETACH_BIND_TRIES; tries++) {
		int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return -1;
		mode_t old = umask(077);
		int rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
		umask(old);
		struct stat st;
		if (rc == 0 && chmod(kp->path, 0600) == 0 && listen(fd, 4) == 0 &&
		    lstat(kp->path, &st) == 0) {
			kp->dev = st.st_dev;
			kp->ino = st.st_ino;
			kp->listen_fd = fd;
			return 0;
		}
		close(fd);
		if (rc == 0 || errno != EADDRINUSE)
			return -1;
		int old_fd = detach_connect(kp->path);
		if (old_fd < 0) {
			unlink(kp->path);
			continue;
		}
		if (detach_peer_ok(old_fd) &&
		    msg_send(old_fd, DM_REPLACE, 0, kp->k->actor.username, NULL, 0, -1) == 0) {
			struct detach_msg m;
			while (msg_recv(old_fd, &m, NULL, 0) == 1)
				; /* until it closes: it has unlinked its socket by then */
			keep_log(kp, "replaces an older detached screen");
		}
		close(old_fd);
	}
	return -1;
}

/* The link dropped: nobody pumps the screen; wait for a taker or the end of the time. */
static void keep_detach(struct keeper *kp, const char *why)
{
	if (keep_listen(kp) < 0) {
		keep_log(kp, "cannot keep the screen (%s): ending it", kp->path);
		keep_end_ui(kp, SIGHUP);
		keep_exit(kp);
	}
	kp->detached_at = now_ms();
	kp->deadline = kp->detached_at + kp->k->cfg->detach_seconds * 1000LL;
	char detail[80];
	snprintf(detail, sizeof detail, "%s; kept %d s", why, kp->k->cfg->detach_seconds);
	keep_log(kp, "detached (%s): screen kept %d s for the next login", why,
		 kp->k->cfg->detach_seconds);
	keep_report(kp, SESSION_REPORT_DETACHED);
	keep_audit(kp, "session.detach", detail);
}

/* Tells the UI to paint the whole screen again for the new client.  ncurses catches
 * SIGTSTP: endwin, stop (a job-control stop is discarded in the UI's orphaned process
 * group, and a stop we see is continued), then a doupdate that sends every cell -- in
 * whatever loop the UI is, a half-typed prompt included.  A UI without that handler gets
 * Ctrl-L, the screens' redraw key. */
static void keep_redraw(struct keeper *kp)
{
	char name[64], line[128];
	unsigned long long caught = 0;
	snprintf(name, sizeof name, "/proc/%d/status", (int)kp->k->ui_pid);
	FILE *f = fopen(name, "r");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "SigCgt: %llx", &caught) == 1)
			break;
	if (f)
		fclose(f);
	if (caught & (1ULL << (SIGTSTP - 1))) {
		kill(kp->k->ui_pid, SIGTSTP);
	} else if (write(kp->k->master, "\f", 1) < 0) {
		/* the UI is gone; its end is seen next */
	}
}

static void keep_accept(struct keeper *kp)
{
	int fd = accept4(kp->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	struct detach_msg m;
	if (fd < 0)
		return;
	detach_timeouts(fd);
	if (!detach_peer_ok(fd) || msg_recv(fd, &m, NULL, 0) != 1 ||
	    strcmp(m.user, kp->k->actor.username) != 0) {
		keep_log(kp, "refused a connection to the detached screen");
		msg_send(fd, DM_NO, 0, NULL, NULL, 0, -1);
		close(fd);
		return;
	}
	if (m.type == DM_REPLACE) {
		keep_log(kp, "detached screen replaced by a newer one: ending it");
		keep_unlisten(kp);
		keep_end_ui(kp, SIGHUP);
		close(fd);
		keep_exit(kp);
	}
	if (m.type != DM_HELLO || (m.screen[0] && strcmp(m.screen, kp->k->screen) != 0) ||
	    keep_ui_reaped(kp, WNOHANG)) {
		msg_send(fd, DM_NO, 0, NULL, NULL, 0, -1);
		close(fd);
		return;
	}
	int64_t away = now_ms() - kp->detached_at;
	if (msg_send(fd, DM_TAKEN, (int)kp->k->ui_pid, NULL, NULL, away, kp->k->master) < 0) {
		close(fd);
		return;
	}
	keep_unlisten(kp);
	kp->ctl = fd;
	keep_report(kp, SESSION_REPORT_REATTACHED);
	keep_log(kp, "screen taken over after %lld s", (long long)(away / 1000));
}

/* A message from the session pumping the screen; 0 when it is gone. */
static int keep_ctl(struct keeper *kp)
{
	struct detach_msg m;
	int r = msg_recv(kp->ctl, &m, NULL, MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 1;
	if (r != 1)
		return 0;
	if (m.type == DM_REDRAW) {
		keep_redraw(kp);
	} else if (m.type == DM_END) {
		int sig = m.value == SIGTERM || m.value == SIGHUP ? m.value : SIGTERM;
		keep_log(kp, "the session pumping the screen ends it (%s)", sigabbrev_np(sig));
		keep_end_ui(kp, sig);
		keep_exit(kp);
	}
	return 1;
}

void detach_keep(struct detach_keep *k)
{
	static struct keeper keeper;
	struct keeper *kp = &keeper;
	memset(kp, 0, sizeof *kp);
	kp->k = k;
	kp->listen_fd = kp->ctl = -1;

	pid_t listener = getppid();
	prctl(PR_SET_NAME, "wq-ssh-keeper");
	prctl(PR_SET_PDEATHSIG, SIGTERM); /* no listener, no server: no screen to keep */
	struct sigaction sa = {.sa_handler = keep_on_stop}; /* no SA_RESTART: poll wakes */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = keep_on_child;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	fcntl(k->master, F_SETFL, fcntl(k->master, F_GETFL) | O_NONBLOCK);
	if (getppid() != listener)
		keep_stop = 1;

	if (detach_path(k->cfg, k->actor.username, 1, kp->path, sizeof kp->path) < 0) {
		keep_log(kp, "no socket for this account's screen: ending it");
		keep_end_ui(kp, SIGHUP);
		keep_exit(kp);
	}
	keep_detach(kp, "link lost");
	for (;;) {
		if (keep_stop) {
			keep_log(kp, "stopped by the server");
			keep_end_ui(kp, SIGTERM);
			keep_exit(kp);
		}
		if (keep_ui_reaped(kp, WNOHANG)) {
			keep_log(kp, "%s screen ended (status %d)", kp->ctl < 0 ? "detached" : "kept",
				 WIFEXITED(kp->ui_status) ? WEXITSTATUS(kp->ui_status) : -1);
			keep_exit(kp);
		}
		int64_t now = now_ms();
		if (kp->ctl < 0 && now >= kp->deadline) {
			keep_log(kp, "nobody came back in %d s: screen ended",
				 k->cfg->detach_seconds);
			keep_end_ui(kp, SIGHUP);
			keep_exit(kp);
		}
		int timeout = DETACH_POLL_MS;
		if (kp->ctl < 0 && kp->deadline - now < timeout)
			timeout = (int)(kp->deadline - now);
		/* detached: read and drop what the UI draws; taken: the taker reads it, we only
		 * watch for its end (POLLHUP) */
		struct pollfd p[2] = {
			{.fd = k->master, .events = kp->ctl < 0 ? POLLIN : 0},
			{.fd = kp->ctl >= 0 ? kp->ctl : kp->listen_fd, .events = POLLIN},
		};
		int r = poll(p, 2, timeout);
		if (r <= 0)
			continue;
		if (kp->ctl < 0 && (p[0].revents & POLLIN)) {
			char buf[4096];
			while (read(k->master, buf, sizeof buf) > 0)
				;
		}
		if (p[0].revents & (POLLHUP | POLLERR))
			poll(NULL, 0, 20); /* the UI closed its terminal: reaped above, soon */
		if (!p[1].revents)
			continue;
		if (kp->ctl < 0) {
			keep_accept(kp);
		} else if (!keep_ctl(kp)) {
			close(kp->ctl);
			kp->ctl = -1;
			keep_detach(kp, "link lost again");
		}
	}
}
