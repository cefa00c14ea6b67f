/* ssh_session_channel.c - the one session channel of an authenticated SSH connection and
 * the requests it may carry: pty-req, env (TERM, locale), shell, exec of a screen name and
 * window-change (passed to the pty as TIOCSWINSZ); subsystems (sftp, scp), x11 and agent
 * forwarding are refused.  Client data goes to the pty master.  Runs in the session process;
 * it only records what was asked: src/ssh_session_pump.c starts the UI. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ssh_session_int.h"

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

int session_on_data(ssh_session s, ssh_channel c, void *data, uint32_t len,
			   int is_stderr, void *userdata)
{
	struct session_ctx *ctx = userdata;
	const char *p = data;
	uint32_t done = 0;
	(void)s, (void)c, (void)is_stderr;
	ctx->last_input_ms = session_now_ms();
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

ssh_channel session_on_channel_open(ssh_session s, void *userdata)
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
