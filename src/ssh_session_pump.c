/* ssh_session_pump.c - the UI child of one SSH session and the bytes between it and the
 * channel.  On shell/exec it forkpty()s the UI child, which runs ui_main() on the pty slave
 * and never touches libssh, or takes over the account's screen kept from a dropped link
 * (src/ssh_detach.c: it pumps the keeper's pty master and asks the keeper, the UI child's
 * parent, for its end and its status).  It drains all the pty has before one channel write
 * so that one ncurses refresh travels as one SSH packet; at the end it stops the UI and
 * passes its exit status on.  Runs in the session process. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "db.h"
#include "ssh_detach.h"
#include "ssh_session_int.h"
#include "ui.h"

#define SESSION_PUMP_BYTES	 65536 /* one channel write at most */
#define SESSION_COALESCE_MS	 2     /* wait this long for the rest of a refresh */
#define SESSION_COALESCE_MAX_MS	 10
/* A new UI writes its terminal's set-up at once, then its first screen once the rows are
 * read from the database: sent as they come, that is two SSH packets (~36 B more on a
 * link that is often slow), and nothing can be read before the rows anyway.  So the
 * first screen waits for a quiet of FIRST_MS, at most FIRST_MAX_MS. */
#define SESSION_FIRST_MS	 30
#define SESSION_FIRST_MAX_MS	 300

static char pump_buf[SESSION_PUMP_BYTES];

/* Reads all the pty has (waiting a moment for the rest of a refresh), then one write. */
int session_on_pty_output(socket_t fd, int revents, void *userdata)
{
	struct session_ctx *ctx = userdata;
	char *buf = pump_buf;
	size_t len = 0;
	int64_t start = session_now_ms();
	(void)revents;
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof pump_buf - len);
		if (n > 0) {
			len += (size_t)n;
			if (len < sizeof pump_buf)
				continue;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			int waited = (int)(session_now_ms() - start);
			int first = ctx->first_screen;
			if (len > 0 &&
			    waited < (first ? SESSION_FIRST_MAX_MS : SESSION_COALESCE_MAX_MS)) {
				struct pollfd pfd = {.fd = fd, .events = POLLIN};
				if (poll(&pfd, 1, first ? SESSION_FIRST_MS : SESSION_COALESCE_MS) > 0)
					continue;
			}
		} else {
			ctx->master_eof = 1; /* EIO: every slave fd is closed, the UI ended */
		}
		if (len > 0 && ctx->chan && !ctx->chan_closed) {
			if (ssh_channel_write(ctx->chan, buf, (uint32_t)len) == SSH_ERROR)
				ctx->chan_closed = 1;
			ctx->bytes_out += len;
			if (!ctx->settled) { /* its first screen (or a kept one's) */
				session_report(ctx, SESSION_REPORT_SETTLED);
				ctx->settled = 1;
			}
			ctx->first_screen = 0;
		}
		if (len == sizeof pump_buf && !ctx->master_eof) {
			len = 0;
			continue;
		}
		return 0;
	}
}

static void session_child_env(const struct session_ctx *ctx)
{
	setenv("TERM", ctx->term[0] ? ctx->term : "vt100", 1);
	/* ncursesw needs a UTF-8 locale whatever the server was started with */
	setenv("LANG", "C.UTF-8", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_CTYPE");
	if (ctx->client_lang[0])
		setenv("WATIQA_CLIENT_LANG", ctx->client_lang, 1);
	if (ctx->must_enrol)
		setenv("WATIQA_TOTP_ENROL", "1", 1);
	/* ncurses must take the size from the pty (it changes), not from these */
	unsetenv("COLUMNS");
	unsetenv("LINES");
}

/* libssh opens the client's window small and widens it (a 36-byte WINDOW_ADJUST) on the
 * first data the client sends, i.e. with the first key press: widen it now, with the
 * first screen.  A read asking for more than the window does that; the callbacks have
 * consumed any data, so nothing is read here. */
static void session_widen_window(struct session_ctx *ctx)
{
	int n = ssh_channel_read_timeout(ctx->chan, pump_buf, sizeof pump_buf, 0, 0);
	if (n > 0)
		session_on_data(ctx->ssh, ctx->chan, pump_buf, (uint32_t)n, 0, ctx);
}

/* The account's screen kept from a dropped link, if any: pump it instead of a new UI. */
static int session_take_over(struct session_ctx *ctx)
{
	struct detach_taken t;
	if (!detach_take(ctx->cfg, ctx->actor.username, ctx->screen, &ctx->ws, &t))
		return -1;
	fcntl(t.master, F_SETFL, fcntl(t.master, F_GETFL) | O_NONBLOCK);
	ctx->master = t.master;
	ctx->keeper_fd = t.ctl;
	ctx->ui_pid = t.ui_pid;
	if (ssh_event_add_fd(ctx->event, ctx->master, POLLIN, session_on_pty_output, ctx) !=
	    SSH_OK) {
		/* the keeper takes its screen back when its socket closes: start a new one */
		session_log(ctx, "cannot poll the kept screen's pty: starting a new one");
		close(ctx->master);
		close(ctx->keeper_fd);
		ctx->master = ctx->keeper_fd = -1;
		ctx->ui_pid = 0;
		return -1;
	}
	ctx->master_added = 1;
	session_widen_window(ctx);
	if (!t.resized)
		detach_request_redraw(ctx->keeper_fd);
	session_log(ctx, "reattached the screen detached %d s ago: %s %dx%d", t.detached_seconds,
		    ctx->term, (int)ctx->ws.ws_col, (int)ctx->ws.ws_row);
	char detail[64];
	snprintf(detail, sizeof detail, "after %d s", t.detached_seconds);
	struct db *db = session_db(ctx);
	struct wq_errbuf eb = {0};
	if (db && audit_log(db, &ctx->actor, "session.reattach", ctx->actor.username, detail,
			    ctx->addr, &eb) != WQ_OK)
		session_log(ctx, "audit session.reattach: %s", eb.msg);
	db_close(ctx->db);
	ctx->db = NULL;
	return 0;
}

int session_start_ui(struct session_ctx *ctx)
{
	if (session_take_over(ctx) == 0)
		return 0;
	int master = -1;
	pid_t pid = forkpty(&master, NULL, NULL, &ctx->ws);
	if (pid < 0) {
		session_log(ctx, "forkpty: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* UI child: no libssh from here on, not even to free it */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGTSTP, SIG_DFL); /* ncurses catches it: the keeper's redraw */
		signal(SIGALRM, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		/* the SSH socket, the listener pipe, anything else: not ours */
		log_close_fds_from(3, NULL, 0); /* but the operator's log */
		prctl(PR_SET_NAME, "wq-ui");
		session_child_env(ctx);
		int status = ui_main(ctx->cfg, ctx->actor.username,
				     ctx->screen[0] ? ctx->screen : NULL);
		fflush(stdout);
		_exit(status & 0xff);
	}
	fcntl(master, F_SETFD, FD_CLOEXEC);
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	ctx->master = master;
	ctx->ui_pid = pid;
	ctx->first_screen = 1;
	if (ssh_event_add_fd(ctx->event, master, POLLIN, session_on_pty_output, ctx) != SSH_OK) {
		session_log(ctx, "cannot poll the pty");
		return -1;
	}
	ctx->master_added = 1;
	session_widen_window(ctx);
	session_log(ctx, "session started: %s %dx%d%s%s", ctx->term, (int)ctx->ws.ws_col,
		    (int)ctx->ws.ws_row, ctx->screen[0] ? ", screen " : "", ctx->screen);
	return 0;
}

void session_close_master(struct session_ctx *ctx)
{
	if (ctx->master_added)
		ssh_event_remove_fd(ctx->event, ctx->master);
	ctx->master_added = 0;
	if (ctx->master >= 0 && !ctx->detach)
		close(ctx->master); /* a keeper to be keeps it */
	if (!ctx->detach)
		ctx->master = -1;
	if (ctx->keeper_fd >= 0)
		close(ctx->keeper_fd); /* the keeper takes the screen back, or has ended it */
	ctx->keeper_fd = -1;
}

int session_ui_reaped(struct session_ctx *ctx, int options)
{
	if (ctx->ui_pid <= 0 || ctx->ui_exited)
		return 1;
	int status;
	if (ctx->keeper_fd >= 0) {
		/* not our child: its parent, the keeper, says when it ended */
		int r = detach_wait_exit(ctx->keeper_fd,
					 (options & WNOHANG) ? 0 : SESSION_UI_HANGUP_MS * 4, &status);
		if (r != 0) {
			ctx->ui_exited = 1;
			ctx->ui_status = r > 0 ? status : 0;
		}
		return ctx->ui_exited;
	}
	pid_t r = waitpid(ctx->ui_pid, &status, options);
	if (r == ctx->ui_pid || (r < 0 && errno == ECHILD)) {
		ctx->ui_exited = 1;
		ctx->ui_status = r == ctx->ui_pid ? status : 0;
		return 1;
	}
	return 0;
}

/* Client gone: SIGHUP; server stopping or idle: SIGTERM, on which ncurses restores the
 * terminal.  Then a moment to exit, then SIGKILL. */
void session_stop_ui(struct session_ctx *ctx, int sig)
{
	if (ctx->ui_pid <= 0 || session_ui_reaped(ctx, WNOHANG))
		return;
	if (ctx->keeper_fd >= 0) {
		detach_request_end(ctx->keeper_fd, sig);
		session_ui_reaped(ctx, 0);
		return;
	}
	kill(ctx->ui_pid, sig);
	for (int i = 0; i < SESSION_UI_HANGUP_MS / 10; i++) {
		if (session_ui_reaped(ctx, WNOHANG))
			return;
		poll(NULL, 0, 10);
	}
	kill(ctx->ui_pid, SIGKILL);
	session_ui_reaped(ctx, 0);
}

/* The UI ended: pass its status on and close the channel like sshd does. */
void session_finish_channel(struct session_ctx *ctx, const char *note)
{
	if (!ctx->chan || ctx->chan_closed)
		return;
	/* on the channel's own stream, not stderr: the client writes its stdout and stderr
	 * from two buffers, and a note overtaking the screen's last bytes (ncurses leaving
	 * the alternate screen) was wiped with that screen */
	if (note)
		ssh_channel_write(ctx->chan, note, (uint32_t)strlen(note));
	int st = ctx->ui_status;
	if (ctx->ui_pid > 0 && WIFSIGNALED(st)) {
		const char *name = sigabbrev_np(WTERMSIG(st));
		ssh_channel_request_send_exit_signal(ctx->chan, name ? name : "KILL",
						     WCOREDUMP(st), "", "");
	} else {
		ssh_channel_request_send_exit_status(ctx->chan,
						     ctx->ui_pid > 0 ? WEXITSTATUS(st) : 2);
	}
	ssh_channel_send_eof(ctx->chan);
	ssh_channel_close(ctx->chan);
	int64_t until = session_now_ms() + SESSION_CLOSE_WAIT_MS;
	while (session_now_ms() < until && !(ssh_get_status(ctx->ssh) & (SSH_CLOSED | SSH_CLOSED_ERROR)) &&
	       !ctx->chan_closed)
		ssh_event_dopoll(ctx->event, 100);
}

