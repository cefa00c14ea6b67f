/* ssh_session.c - one SSH connection, in the process the listener forked for it.
 * Owns one `struct session_ctx`: the libssh session and its one channel, a database
 * connection opened after the fork and only while authenticating, and the UI child.
 * Before authentication only the auth callbacks act (password, public key; grace time,
 * MAX_AUTH_TRIES); after it only a session channel with pty-req, env (TERM, locale),
 * shell, exec of a screen name and window-change -- subsystems (sftp, scp), forwarding,
 * x11 and agent requests are refused.  On shell/exec it forkpty()s the UI child, which
 * runs ui_main() on the pty slave and never touches libssh; this process pumps bytes
 * between the channel and the pty master in one ssh_event loop, draining all the pty
 * has before one channel write so that one ncurses refresh travels as one SSH packet.
 * When the link drops (not on 'q', idle timeout or server stop) the process becomes the
 * keeper of its UI child (src/ssh_detach.c); a later session of the same account takes
 * that screen over instead of starting a UI child: it pumps the keeper's pty master and
 * asks the keeper, the UI child's parent, for its end and its status. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "actor.h"
#include "audit.h"
#include "db.h"
#include "limits.h"
#include "ssh_detach.h"
#include "ssh_session.h"
#include "ui.h"
#include "user.h"

#define SESSION_PUMP_BYTES	 65536 /* one channel write at most */
#define SESSION_COALESCE_MS	 2     /* wait this long for the rest of a refresh */
#define SESSION_COALESCE_MAX_MS	 10
#define SESSION_POLL_MS		 1000  /* timers (idle, keepalive) are checked this often */
#define SESSION_UI_HANGUP_MS	 500   /* SIGHUP, then SIGKILL after this */
#define SESSION_CLOSE_WAIT_MS	 2000  /* for the client to close after exit-status */
#define SESSION_SCREEN_NAME_MAX	 32
#define SESSION_TERM_MAX	 32

struct session_ctx {
	const struct config *cfg;
	ssh_session ssh;
	ssh_event event;
	ssh_channel chan;
	struct ssh_server_callbacks_struct server_cb;
	struct ssh_channel_callbacks_struct chan_cb;
	char addr[SESSION_ADDR_BYTES];
	int report_fd;
	struct db *db; /* open only while authenticating */

	char user[USERNAME_MAX_BYTES]; /* last name tried, then the account */
	int auth_tries;
	int authed;
	struct actor actor;

	int have_pty;
	char term[SESSION_TERM_MAX + 1];
	char client_lang[SESSION_TERM_MAX + 1];
	struct winsize ws;
	int want_ui;	 /* shell or exec accepted: start the UI child */
	int no_tty;	 /* ... but no pty was asked for: explain and close */
	char screen[SESSION_SCREEN_NAME_MAX + 1]; /* "" = the role's default */

	pid_t ui_pid;
	int master;	  /* pty master, -1 when none */
	int master_added; /* in the event */
	int master_eof;
	int ui_exited;
	int ui_status;
	int chan_closed;  /* the client closed the channel */
	int keeper_fd;	  /* the screen was taken over: the keeper's socket, else -1 */
	int link_lost;	  /* the client went or stopped answering: keep the screen */
	int detach;	  /* ... and this process becomes its keeper */
	int64_t started_ms, last_input_ms, last_alive_ms;
	unsigned long long bytes_out;
};

static char pump_buf[SESSION_PUMP_BYTES];
static volatile sig_atomic_t session_stop;
static int grace_report_fd = -1;
static char grace_msg[128]; /* written by the SIGALRM handler, so prepared beforehand */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void session_log(const struct session_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void session_log(const struct session_ctx *ctx, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (ctx->user[0])
		fprintf(stderr, "watiqa[%d] ssh %s@%s: %s\n", (int)getpid(), ctx->user, ctx->addr,
			msg);
	else
		fprintf(stderr, "watiqa[%d] ssh %s: %s\n", (int)getpid(), ctx->addr, msg);
}

static void session_report(const struct session_ctx *ctx, char what)
{
	if (ctx->report_fd >= 0 && write(ctx->report_fd, &what, 1) < 0) {
		/* the listener is gone; nothing to tell */
	}
}

/* Login grace time: like sshd, the session simply ends. */
static void session_on_alarm(int sig)
{
	char g = SESSION_REPORT_GRACE;
	(void)sig;
	if (grace_report_fd >= 0 && write(grace_report_fd, &g, 1) < 0) {
		/* ignore */
	}
	if (write(STDERR_FILENO, grace_msg, strlen(grace_msg)) < 0) {
		/* ignore */
	}
	_exit(1);
}

static void session_on_stop(int sig)
{
	(void)sig;
	session_stop = 1;
}

/* Copies a client-supplied name for the logs, keeping only printable ASCII. */
static void session_set_user(struct session_ctx *ctx, const char *name)
{
	size_t j = 0;
	for (size_t i = 0; name[i] && j + 1 < sizeof ctx->user; i++)
		ctx->user[j++] = (name[i] > 32 && name[i] < 127) ? name[i] : '?';
	ctx->user[j] = '\0';
}

static int session_name_ok(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr(extra, c)))
			return 0;
	}
	return 1;
}

/* ---- authentication ---- */

static struct db *session_db(struct session_ctx *ctx)
{
	if (!ctx->db) {
		struct wq_errbuf eb = {0};
		if (db_open(ctx->cfg->db_path, &ctx->db, &eb) != WQ_OK) {
			session_log(ctx, "cannot open database: %s", eb.msg);
			ctx->db = NULL;
		}
	}
	return ctx->db;
}

static void session_auth_ok(struct session_ctx *ctx, const char *method)
{
	alarm(0);
	ctx->authed = 1;
	session_set_user(ctx, ctx->actor.username);
	session_report(ctx, SESSION_REPORT_AUTH_OK);
	/* the UI child opens its own connection: hold none across the session */
	db_close(ctx->db);
	ctx->db = NULL;
	ctx->last_input_ms = ctx->last_alive_ms = now_ms();
	session_log(ctx, "login ok (%s)", method);
}

static void session_auth_failed(struct session_ctx *ctx, const char *method, const char *why)
{
	ctx->auth_tries++;
	session_report(ctx, SESSION_REPORT_AUTH_FAIL);
	session_log(ctx, "login refused (%s%s%s), attempt %d of %d", method, why[0] ? ": " : "",
		    why, ctx->auth_tries, MAX_AUTH_TRIES);
	if (ctx->auth_tries >= MAX_AUTH_TRIES) {
		/* like sshd: the last failure is a disconnect, not one more prompt */
		session_log(ctx, "too many authentication failures");
		ssh_session_set_disconnect_message(ctx->ssh, "Too many authentication failures");
		ssh_disconnect(ctx->ssh);
	}
}

static int session_auth_password(ssh_session s, const char *user, const char *password,
				 void *userdata)
{
	struct session_ctx *ctx = userdata;
	struct wq_errbuf eb = {0};
	(void)s;
	if (ctx->authed || ctx->auth_tries >= MAX_AUTH_TRIES)
		return SSH_AUTH_DENIED;
	session_set_user(ctx, user);
	struct db *db = session_db(ctx);
	if (!db || strlen(user) >= USERNAME_MAX_BYTES || strlen(password) > PASSWORD_MAX_BYTES) {
		session_auth_failed(ctx, "password", db ? "too long" : "database unavailable");
		return SSH_AUTH_DENIED;
	}
	int rc = user_login_password(db, user, password, ctx->addr, &ctx->actor, &eb);
	if (rc == WQ_OK) {
		session_auth_ok(ctx, "password");
		return SSH_AUTH_SUCCESS;
	}
	session_auth_failed(ctx, "password", rc == WQ_EDENIED ? "" : eb.msg);
	return SSH_AUTH_DENIED;
}

/* Is this key one of the user's, on an enabled account?  No audit: only a probe. */
static int session_key_listed(struct session_ctx *ctx, const char *user, const char *type,
			      const char *b64)
{
	struct wq_errbuf eb = {0};
	struct user u;
	struct user_key *keys = NULL;
	int n = 0, found = 0;
	struct db *db = session_db(ctx);
	if (!db || user_get(db, user, &u, &eb) != WQ_OK || u.disabled)
		return 0;
	if (user_keys(db, user, &keys, &n, &eb) != WQ_OK)
		return 0;
	for (int i = 0; i < n && !found; i++)
		found = strcmp(keys[i].type, type) == 0 && strcmp(keys[i].b64, b64) == 0;
	free(keys);
	return found;
}

static int session_auth_pubkey(ssh_session s, const char *user, struct ssh_key_struct *pubkey,
			       char signature_state, void *userdata)
{
	struct session_ctx *ctx = userdata;
	struct wq_errbuf eb = {0};
	char *b64 = NULL;
	(void)s;
	if (ctx->authed || ctx->auth_tries >= MAX_AUTH_TRIES)
		return SSH_AUTH_DENIED;
	session_set_user(ctx, user);
	const char *type = ssh_key_type_to_char(ssh_key_type(pubkey));
	if (!type || strlen(user) >= USERNAME_MAX_BYTES || ssh_key_is_private(pubkey) ||
	    ssh_pki_export_pubkey_base64(pubkey, &b64) != SSH_OK) {
		session_auth_failed(ctx, "publickey", "unusable key");
		return SSH_AUTH_DENIED;
	}
	int result = SSH_AUTH_DENIED;
	if (signature_state == SSH_PUBLICKEY_STATE_NONE) {
		/* the probe: say yes only for a key this user has, so the client signs */
		if (session_key_listed(ctx, user, type, b64))
			result = SSH_AUTH_SUCCESS;
		else
			session_auth_failed(ctx, "publickey", "key not listed");
	} else if (signature_state == SSH_PUBLICKEY_STATE_VALID) {
		struct db *db = session_db(ctx);
		int rc = db ? user_login_key(db, user, type, b64, ctx->addr, &ctx->actor, &eb)
			    : WQ_EIO;
		if (rc == WQ_OK) {
			session_auth_ok(ctx, type);
			result = SSH_AUTH_SUCCESS;
		} else {
			session_auth_failed(ctx, "publickey", rc == WQ_EDENIED ? "" : eb.msg);
		}
	} else {
		session_auth_failed(ctx, "publickey", "bad signature");
	}
	ssh_string_free_char(b64);
	return result;
}

/* ---- the channel ---- */

static int session_on_pty_request(ssh_session s, ssh_channel c, const char *term, int cols,
				  int rows, int px, int py, void *userdata)
{
	struct session_ctx *ctx = userdata;
	(void)s, (void)c;
	if (ctx->have_pty || ctx->want_ui)
		return -1;
	snprintf(ctx->term, sizeof ctx->term, "%s",
		 session_name_ok(term, SESSION_TERM_MAX, "-._+") ? term : "vt100");
	ctx->ws.ws_col = (unsigned short)(cols > 0 && cols < 1000 ? cols : 80);
	ctx->ws.ws_row = (unsigned short)(rows > 0 && rows < 1000 ? rows : 24);
	ctx->ws.ws_xpixel = (unsigned short)(px > 0 && px < 65536 ? px : 0);
	ctx->ws.ws_ypixel = (unsigned short)(py > 0 && py < 65536 ? py : 0);
	ctx->have_pty = 1;
	return 0;
}

static int session_on_window_change(ssh_session s, ssh_channel c, int cols, int rows, int px,
				    int py, void *userdata)
{
	struct session_ctx *ctx = userdata;
	(void)s, (void)c, (void)px, (void)py;
	if (!ctx->have_pty || cols <= 0 || rows <= 0 || cols >= 1000 || rows >= 1000)
		return -1;
	ctx->ws.ws_col = (unsigned short)cols;
	ctx->ws.ws_row = (unsigned short)rows;
	/* the kernel sends SIGWINCH to the UI child; ncurses resizes itself */
	if (ctx->master >= 0)
		ioctl(ctx->master, TIOCSWINSZ, &ctx->ws);
	return 0;
}

static int session_on_env(ssh_session s, ssh_channel c, const char *name, const char *value,
			  void *userdata)
{
	struct session_ctx *ctx = userdata;
	(void)s, (void)c;
	if (ctx->want_ui)
		return -1;
	if (strcmp(name, "TERM") == 0 && session_name_ok(value, SESSION_TERM_MAX, "-._+")) {
		snprintf(ctx->term, sizeof ctx->term, "%s", value);
		return 0;
	}
	if ((strcmp(name, "LANG") == 0 || strcmp(name, "LC_ALL") == 0) &&
	    session_name_ok(value, SESSION_TERM_MAX, "-._@")) {
		snprintf(ctx->client_lang, sizeof ctx->client_lang, "%s", value);
		return 0;
	}
	return -1; /* nothing else reaches the UI */
}

static int session_want_ui(struct session_ctx *ctx, const char *screen)
{
	if (!ctx->authed || ctx->want_ui)
		return -1;
	snprintf(ctx->screen, sizeof ctx->screen, "%s", screen ? screen : "");
	ctx->want_ui = 1;
	ctx->no_tty = !ctx->have_pty;
	return 0;
}

static int session_on_shell(ssh_session s, ssh_channel c, void *userdata)
{
	(void)s, (void)c;
	return session_want_ui(userdata, NULL);
}

/* `ssh -t agent1@host agent_queue`: the command is a screen name, nothing else. */
static int session_on_exec(ssh_session s, ssh_channel c, const char *command, void *userdata)
{
	struct session_ctx *ctx = userdata;
	(void)s, (void)c;
	if (!session_name_ok(command, SESSION_SCREEN_NAME_MAX, "_-")) {
		session_log(ctx, "exec refused: not a screen name");
		return -1;
	}
	return session_want_ui(ctx, command);
}

static int session_on_subsystem(ssh_session s, ssh_channel c, const char *subsystem,
				void *userdata)
{
	struct session_ctx *ctx = userdata;
	char name[33];
	(void)s, (void)c;
	session_name_ok(subsystem, 32, "-_.@") ? snprintf(name, sizeof name, "%s", subsystem)
					       : snprintf(name, sizeof name, "?");
	session_log(ctx, "subsystem %s refused", name);
	return -1;
}

static int session_on_data(ssh_session s, ssh_channel c, void *data, uint32_t len,
			   int is_stderr, void *userdata)
{
	struct session_ctx *ctx = userdata;
	const char *p = data;
	uint32_t done = 0;
	(void)s, (void)c, (void)is_stderr;
	ctx->last_input_ms = now_ms();
	if (ctx->master < 0 || ctx->master_eof)
		return (int)len; /* nobody to read it */
	while (done < len) {
		ssize_t n = write(ctx->master, p + done, len - done);
		if (n > 0) {
			done += (uint32_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			/* the UI child is busy: give it a moment, then drop the rest */
			struct pollfd pfd = {.fd = ctx->master, .events = POLLOUT};
			if (poll(&pfd, 1, 1000) > 0)
				continue;
		}
		break;
	}
	return (int)len;
}

static void session_on_channel_close(ssh_session s, ssh_channel c, void *userdata)
{
	struct session_ctx *ctx = userdata;
	(void)s, (void)c;
	ctx->chan_closed = 1;
}

static ssh_channel session_on_channel_open(ssh_session s, void *userdata)
{
	struct session_ctx *ctx = userdata;
	if (!ctx->authed || ctx->chan)
		return NULL; /* one session channel per connection */
	ctx->chan = ssh_channel_new(s);
	if (!ctx->chan)
		return NULL;
	memset(&ctx->chan_cb, 0, sizeof ctx->chan_cb);
	ctx->chan_cb.userdata = ctx;
	ctx->chan_cb.channel_data_function = session_on_data;
	ctx->chan_cb.channel_close_function = session_on_channel_close;
	ctx->chan_cb.channel_pty_request_function = session_on_pty_request;
	ctx->chan_cb.channel_pty_window_change_function = session_on_window_change;
	ctx->chan_cb.channel_env_request_function = session_on_env;
	ctx->chan_cb.channel_shell_request_function = session_on_shell;
	ctx->chan_cb.channel_exec_request_function = session_on_exec;
	ctx->chan_cb.channel_subsystem_request_function = session_on_subsystem;
	/* x11, auth-agent and the rest have no callback: libssh refuses them */
	ssh_callbacks_init(&ctx->chan_cb);
	ssh_set_channel_callbacks(ctx->chan, &ctx->chan_cb);
	return ctx->chan;
}

/* ---- the UI child and the pump ---- */

/* Reads all the pty has (waiting a moment for the rest of a refresh), then one write. */
static int session_on_pty_output(socket_t fd, int revents, void *userdata)
{
	struct session_ctx *ctx = userdata;
	char *buf = pump_buf;
	size_t len = 0;
	int64_t start = now_ms();
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
			int waited = (int)(now_ms() - start);
			if (len > 0 && waited < SESSION_COALESCE_MAX_MS) {
				struct pollfd pfd = {.fd = fd, .events = POLLIN};
				if (poll(&pfd, 1, SESSION_COALESCE_MS) > 0)
					continue;
			}
		} else {
			ctx->master_eof = 1; /* EIO: every slave fd is closed, the UI ended */
		}
		if (len > 0 && ctx->chan && !ctx->chan_closed) {
			if (ssh_channel_write(ctx->chan, buf, (uint32_t)len) == SSH_ERROR)
				ctx->chan_closed = 1;
			ctx->bytes_out += len;
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

static int session_start_ui(struct session_ctx *ctx)
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
		close_range(3, ~0U, 0);
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

static void session_close_master(struct session_ctx *ctx)
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

static int session_ui_reaped(struct session_ctx *ctx, int options)
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
static void session_stop_ui(struct session_ctx *ctx, int sig)
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
static void session_finish_channel(struct session_ctx *ctx, const char *note)
{
	if (!ctx->chan || ctx->chan_closed)
		return;
	if (note)
		ssh_channel_write_stderr(ctx->chan, note, (uint32_t)strlen(note));
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
	int64_t until = now_ms() + SESSION_CLOSE_WAIT_MS;
	while (now_ms() < until && !(ssh_get_status(ctx->ssh) & (SSH_CLOSED | SSH_CLOSED_ERROR)) &&
	       !ctx->chan_closed)
		ssh_event_dopoll(ctx->event, 100);
}

/* ---- timers ---- */

static int64_t session_ms_since_client_data(const struct session_ctx *ctx)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;
	if (getsockopt(ssh_get_fd(ctx->ssh), IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return 0;
	return ti.tcpi_last_data_recv;
}

/* OpenSSH's ClientAlive: after CLIENT_ALIVE_SECONDS without a byte from the client, ask
 * for an answer (keepalive@openssh.com); CLIENT_ALIVE_COUNT unanswered: drop. */
static int session_client_alive(struct session_ctx *ctx)
{
	int64_t now = now_ms();
	if (now - ctx->last_alive_ms < CLIENT_ALIVE_SECONDS * 1000LL)
		return 1;
	ctx->last_alive_ms = now;
	int64_t quiet = session_ms_since_client_data(ctx);
	if (quiet >= (int64_t)CLIENT_ALIVE_SECONDS * CLIENT_ALIVE_COUNT * 1000)
		return 0;
	if (quiet >= CLIENT_ALIVE_SECONDS * 1000LL) {
		/* without waiting for the answer: it arrives as data, seen by TCP_INFO.  libssh
		 * keeps the last answer's state until the next request, which then only
		 * clears it: the second call sends (or, one still pending, does nothing). */
		ssh_set_blocking(ctx->ssh, 0);
		ssh_send_keepalive(ctx->ssh);
		ssh_send_keepalive(ctx->ssh);
		ssh_set_blocking(ctx->ssh, 1);
	}
	return 1;
}

/* ---- the loop ---- */

static void session_loop(struct session_ctx *ctx)
{
	char note[160];
	note[0] = '\0';
	for (;;) {
		int rc = ssh_event_dopoll(ctx->event, SESSION_POLL_MS);
		int status = ssh_get_status(ctx->ssh);
		if (status & (SSH_CLOSED | SSH_CLOSED_ERROR)) {
			session_log(ctx, ctx->authed ? "client disconnected" : "closed before login");
			ctx->link_lost = 1;
			break;
		}
		if (rc == SSH_ERROR && errno != EINTR && !ssh_is_connected(ctx->ssh)) {
			session_log(ctx, "connection error: %s", ssh_get_error(ctx->ssh));
			ctx->link_lost = 1;
			break;
		}
		if (session_stop) {
			session_log(ctx, "stopped by the server");
			snprintf(note, sizeof note, "\r\nwatiqa: the server is stopping.\r\n");
			break;
		}
		if (!ctx->authed) {
			if (ctx->auth_tries >= MAX_AUTH_TRIES)
				break;
			continue;
		}
		if (ctx->chan_closed) {
			session_log(ctx, "channel closed by the client");
			ctx->link_lost = 1;
			break;
		}
		if (ctx->want_ui && ctx->no_tty) {
			static const char msg[] =
				"watiqa: a terminal is needed: use ssh -t (screen names: see ? in the app)\r\n";
			if (ctx->chan)
				ssh_channel_write_stderr(ctx->chan, msg, sizeof msg - 1);
			session_log(ctx, "shell/exec without a pty refused");
			ctx->ui_pid = 0;
			break;
		}
		if (ctx->want_ui && ctx->ui_pid == 0 && session_start_ui(ctx) < 0) {
			snprintf(note, sizeof note, "watiqa: cannot start the session\r\n");
			break;
		}
		if (ctx->ui_pid > 0 && (ctx->master_eof || session_ui_reaped(ctx, WNOHANG))) {
			/* drain what the UI wrote last (endwin), then report its status */
			if (!ctx->master_eof && ctx->master >= 0)
				session_on_pty_output(ctx->master, POLLIN, ctx);
			session_ui_reaped(ctx, 0);
			session_log(ctx, "session ended (status %d, %llu bytes sent)",
				    WIFEXITED(ctx->ui_status) ? WEXITSTATUS(ctx->ui_status) : -1,
				    ctx->bytes_out);
			break;
		}
		int64_t idle = now_ms() - ctx->last_input_ms;
		if (ctx->cfg->idle_timeout_seconds > 0 &&
		    idle >= ctx->cfg->idle_timeout_seconds * 1000LL) {
			session_log(ctx, "idle for %d s: closing", ctx->cfg->idle_timeout_seconds);
			int secs = ctx->cfg->idle_timeout_seconds;
			snprintf(note, sizeof note, "\r\nwatiqa: closed after %d %s without input.\r\n",
				 secs >= 120 ? secs / 60 : secs, secs >= 120 ? "minutes" : "seconds");
			break;
		}
		if (!session_client_alive(ctx)) {
			session_log(ctx, "client not answering keepalives: closing");
			ctx->link_lost = 1;
			break;
		}
	}
	int client_gone = (ssh_get_status(ctx->ssh) & (SSH_CLOSED | SSH_CLOSED_ERROR)) ||
			  ctx->chan_closed;
	/* a dropped link keeps the screen; 'q', the idle timeout and a stop do not */
	if (ctx->link_lost && !session_stop && ctx->cfg->detach_seconds > 0 && ctx->ui_pid > 0 &&
	    !session_ui_reaped(ctx, WNOHANG)) {
		if (ctx->keeper_fd >= 0)
			session_log(ctx, "link lost: the screen goes back to its keeper");
		else
			ctx->detach = 1;
		session_close_master(ctx);
		return;
	}
	if (ctx->ui_pid > 0 && !ctx->ui_exited) {
		session_stop_ui(ctx, client_gone ? SIGHUP : SIGTERM);
		/* let ncurses' last words (if any) reach a client still there */
		if (!client_gone && ctx->master >= 0)
			session_on_pty_output(ctx->master, POLLIN, ctx);
	}
	session_close_master(ctx);
	if (!client_gone && ctx->authed)
		session_finish_channel(ctx, note[0] ? note : NULL);
}

void session_run(struct session_start *st)
{
	static struct session_ctx ctx_storage;
	struct session_ctx *ctx = &ctx_storage;
	memset(ctx, 0, sizeof *ctx);
	ctx->cfg = st->cfg;
	ctx->report_fd = st->report_fd;
	ctx->master = -1;
	ctx->keeper_fd = -1;
	ctx->started_ms = now_ms();
	snprintf(ctx->addr, sizeof ctx->addr, "%s", st->addr);
	snprintf(ctx->term, sizeof ctx->term, "vt100");

	grace_report_fd = st->report_fd;
	snprintf(grace_msg, sizeof grace_msg, "watiqa[%d] ssh %.47s: login grace time exceeded\n",
		 (int)getpid(), ctx->addr);
	struct sigaction sa = {.sa_handler = session_on_alarm};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = session_on_stop; /* no SA_RESTART: poll returns at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	alarm(LOGIN_GRACE_SECONDS);

	ssh_bind bind = ssh_bind_new();
	ctx->ssh = ssh_new();
	if (!bind || !ctx->ssh ||
	    ssh_bind_options_set(bind, SSH_BIND_OPTIONS_IMPORT_KEY, st->host_key) != SSH_OK ||
	    ssh_bind_accept_fd(bind, ctx->ssh, st->fd) != SSH_OK) {
		session_log(ctx, "cannot set up the session: %s",
			    bind ? ssh_get_error(bind) : "out of memory");
		_exit(1);
	}
	/* the session holds its own copy of the host key now: drop the bind at once, as
	 * libssh's fork server does, so that the UI child forked below does not inherit it
	 * (valgrind saw it there as 1288 bytes definitely lost per session) */
	ssh_bind_free(bind);
	ctx->server_cb.userdata = ctx;
	ctx->server_cb.auth_password_function = session_auth_password;
	ctx->server_cb.auth_pubkey_function = session_auth_pubkey;
	ctx->server_cb.channel_open_request_session_function = session_on_channel_open;
	ssh_callbacks_init(&ctx->server_cb);
	ssh_set_server_callbacks(ctx->ssh, &ctx->server_cb);
	ssh_set_auth_methods(ctx->ssh, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY);

	if (ssh_handle_key_exchange(ctx->ssh) != SSH_OK) {
		session_log(ctx, "key exchange failed: %s", ssh_get_error(ctx->ssh));
		ssh_free(ctx->ssh);
		_exit(1);
	}
	ctx->event = ssh_event_new();
	if (!ctx->event || ssh_event_add_session(ctx->event, ctx->ssh) != SSH_OK) {
		session_log(ctx, "cannot poll the session");
		_exit(1);
	}
	session_loop(ctx);

	if (ctx->db)
		db_close(ctx->db);
	ssh_event_remove_session(ctx->event, ctx->ssh);
	ssh_event_free(ctx->event);
	if (!(ssh_get_status(ctx->ssh) & (SSH_CLOSED | SSH_CLOSED_ERROR)))
		ssh_disconnect(ctx->ssh);
	ssh_free(ctx->ssh);
	if (ctx->detach) {
		/* the libssh session and its socket are gone: keep the UI child for a while */
		static struct detach_keep keep;
		keep.cfg = ctx->cfg;
		keep.actor = ctx->actor;
		_Static_assert(sizeof keep.addr == sizeof ctx->addr, "addr");
		_Static_assert(sizeof keep.screen == sizeof ctx->screen, "screen");
		memcpy(keep.addr, ctx->addr, sizeof keep.addr);
		memcpy(keep.screen, ctx->screen, sizeof keep.screen);
		keep.report_fd = ctx->report_fd;
		keep.master = ctx->master;
		keep.ui_pid = ctx->ui_pid;
		detach_keep(&keep);
	}
	if (ctx->report_fd >= 0)
		close(ctx->report_fd);
	_exit(0);
}
