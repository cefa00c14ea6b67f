/* ssh_keep.c - the keeper of a screen whose link dropped (the other half of
 * src/ssh_detach.c).  The session process, libssh freed, holds the UI child's pty master,
 * reads and drops what the UI draws and listens on the account's socket for
 * detach_seconds; it hands the master to a later session of the same account, stays the
 * UI child's parent (reaps it, reports its status, takes the screen back if that link
 * drops too) and ends the UI when the time is up, the server stops or a newer kept screen
 * of the account replaces it.  No libssh; SQL only through audit_log(). */
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
#include <unistd.h>

#include "audit.h"
#include "db.h"
#include "log.h"
#include "ssh_detach_int.h"

static volatile sig_atomic_t keep_stop;

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
	log_event_for(LOG_LEVEL_INFO, "ssh", kp->k->actor.username, NULL, "ssh %s@%s: %s",
		      kp->k->actor.username, kp->k->addr, msg);
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
			detach_msg_send(kp->ctl, DM_EXITED, kp->ui_status, NULL, NULL, 0, -1);
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
		    detach_msg_send(old_fd, DM_REPLACE, 0, kp->k->actor.username, NULL, 0, -1) == 0) {
			struct detach_msg m;
			while (detach_msg_recv(old_fd, &m, NULL, 0) == 1)
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
	kp->detached_at = detach_now_ms();
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
	if (!detach_peer_ok(fd) || detach_msg_recv(fd, &m, NULL, 0) != 1 ||
	    strcmp(m.user, kp->k->actor.username) != 0) {
		keep_log(kp, "refused a connection to the detached screen");
		detach_msg_send(fd, DM_NO, 0, NULL, NULL, 0, -1);
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
		detach_msg_send(fd, DM_NO, 0, NULL, NULL, 0, -1);
		close(fd);
		return;
	}
	int64_t away = detach_now_ms() - kp->detached_at;
	if (detach_msg_send(fd, DM_TAKEN, (int)kp->k->ui_pid, NULL, NULL, away, kp->k->master) < 0) {
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
	int r = detach_msg_recv(kp->ctl, &m, NULL, MSG_DONTWAIT);
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
		int64_t now = detach_now_ms();
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
