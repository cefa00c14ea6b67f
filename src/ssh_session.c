/* ssh_session.c - one SSH connection, in the process the listener forked for it.
 * Owns one `struct session_ctx` (src/ssh_session_int.h): the libssh session and its one
 * channel, a database connection opened after the fork and only while authenticating, and
 * the UI child.  This file sets the session up (host key, callbacks, key exchange, grace
 * alarm) and runs its ssh_event loop with the timers (idle, keepalive) until the UI ends,
 * the link drops or the server stops.  Before authentication only the auth callbacks act
 * (src/ssh_session_auth.c); after it only the session channel (src/ssh_session_channel.c);
 * src/ssh_session_pump.c runs the UI child and pumps its pty; a failed key exchange is
 * explained to the client by src/ssh_kex_refusal.c.  When the link drops (not on
 * 'q', idle timeout or server stop) the process becomes the keeper of its UI child
 * (src/ssh_detach.c). */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "hash_region.h"
#include "limits.h"
#include "ssh_detach.h"
#include "ssh_kex_refusal.h"
#include "ssh_session_int.h"
#include "ui.h"
#include "user.h"

/* What the server offers (ssh-audit clean, issue 12): curve25519 key exchange only (this
 * libssh has no sntrup761x25519), AEAD ciphers, etm MACs (unused with AEAD, offered for
 * completeness), the ed25519 host key.  libssh appends kex-strict-s-v00@openssh.com, the
 * Terrapin countermeasure, to whatever key exchange is set.  OpenSSH >= 6.5 and PuTTY >=
 * 0.68 (0.76 for aes-gcm) speak these.  The banner names no software: ssh-audit matches
 * "libssh_0.10.6" against libssh 0.7.2's CVEs, and a version helps nobody but a scanner.
 * A host key of another type (an installed server's existing RSA or ECDSA key, which its
 * users' known_hosts hold) is offered with its own algorithms: session_hostkey_algorithms. */
#define SESSION_BANNER "Watiqa" /* libssh sends "SSH-2.0-" SESSION_BANNER "\r\n" */
static const struct {
	enum ssh_bind_options_e opt;
	const char *value;
} session_algorithms[] = {
	{SSH_BIND_OPTIONS_KEY_EXCHANGE, "curve25519-sha256,curve25519-sha256@libssh.org"},
	{SSH_BIND_OPTIONS_CIPHERS_C_S,
	 "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com"},
	{SSH_BIND_OPTIONS_CIPHERS_S_C,
	 "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com"},
	{SSH_BIND_OPTIONS_HMAC_C_S, "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com"},
	{SSH_BIND_OPTIONS_HMAC_S_C, "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com"},
	{SSH_BIND_OPTIONS_BANNER, SESSION_BANNER},
};

/* The signature algorithms of the host key's type: ssh-ed25519 for the key Watiqa makes;
 * SHA-2 only for RSA (no ssh-rsa, SHA-1).  With only ssh-ed25519 offered, a server whose
 * host key is RSA accepted no client at all. */
static const char *session_hostkey_algorithms(ssh_key key)
{
	switch (ssh_key_type(key)) {
	case SSH_KEYTYPE_RSA:
		return "rsa-sha2-512,rsa-sha2-256";
	case SSH_KEYTYPE_ECDSA_P256:
		return "ecdsa-sha2-nistp256";
	case SSH_KEYTYPE_ECDSA_P384:
		return "ecdsa-sha2-nistp384";
	case SSH_KEYTYPE_ECDSA_P521:
		return "ecdsa-sha2-nistp521";
	default:
		return "ssh-ed25519";
	}
}

/* What a client whose key exchange failed is told (src/ssh_kex_refusal.c), from the
 * table above: libssh's own error is no use to it (and after a lost KEXINIT it is only
 * "Socket error").  /etc/ssh/libssh_server_config may narrow the lists further. */
static char kex_offer[384];
static struct kex_refusal kex_refusal = {.fd = -1};

static void session_offer(ssh_key key)
{
	const char *kex = "", *ciphers = "";
	for (size_t i = 0; i < sizeof session_algorithms / sizeof *session_algorithms; i++)
		if (session_algorithms[i].opt == SSH_BIND_OPTIONS_KEY_EXCHANGE)
			kex = session_algorithms[i].value;
		else if (session_algorithms[i].opt == SSH_BIND_OPTIONS_CIPHERS_S_C)
			ciphers = session_algorithms[i].value;
	snprintf(kex_offer, sizeof kex_offer,
		 "key exchange refused: this server offers only key exchange %s; host key %s; "
		 "ciphers %s",
		 kex, session_hostkey_algorithms(key), ciphers);
}

static volatile sig_atomic_t session_stop;
static int grace_report_fd = -1;
static char grace_msg[128]; /* written by the SIGALRM handler, so prepared beforehand */

int64_t session_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line of the operator's log (log.h), its text as sshd's: "ssh user@addr: what". */
static void session_vlog(const struct session_ctx *ctx, enum log_level level,
			 const char *event, const char *fmt, va_list ap)
{
	char msg[400];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (ctx->user[0])
		log_event_for(level, event, ctx->user, NULL, "ssh %s@%s: %s", ctx->user, ctx->addr,
			      msg);
	else
		log_event_for(level, event, "", NULL, "ssh %s: %s", ctx->addr, msg);
}

void session_log(const struct session_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	session_vlog(ctx, LOG_LEVEL_INFO, "ssh", fmt, ap);
	va_end(ap);
}

void session_event(const struct session_ctx *ctx, enum log_level level, const char *event,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	session_vlog(ctx, level, event, fmt, ap);
	va_end(ap);
}

void session_report(const struct session_ctx *ctx, char what)
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

void session_set_user(struct session_ctx *ctx, const char *name)
{
	size_t j = 0;
	for (size_t i = 0; name[i] && j + 1 < sizeof ctx->user; i++)
		ctx->user[j++] = (name[i] > 32 && name[i] < 127) ? name[i] : '?';
	ctx->user[j] = '\0';
}

int session_name_ok(const char *s, size_t max, const char *extra)
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

struct db *session_db(struct session_ctx *ctx)
{
	if (!ctx->db) {
		struct wq_errbuf eb = {0};
		if (db_open_small(ctx->cfg->db_path, &ctx->db, &eb) != WQ_OK) {
			session_event(ctx, LOG_LEVEL_ERROR, "error", "cannot open database: %s",
				      eb.msg);
			ctx->db = NULL;
		}
	}
	return ctx->db;
}

/* A password try is answered before its outcome's fsync (src/db_login_sync.c): that
 * fsync is made here, as soon as the answer has gone and before anything else (the next
 * try, a channel, the UI).  If it fails, the login may not be on disk: the session ends
 * without acting on it. */
int session_settle(struct session_ctx *ctx)
{
	struct wq_errbuf eb = {0};
	int rc = user_login_settle(&eb);
	if (rc != WQ_OK)
		session_event(ctx, LOG_LEVEL_ERROR, "error", "login not recorded: %s", eb.msg);
	return rc;
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
	int64_t now = session_now_ms();
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

/* The UI left because the account got another role or scope (UI_EXIT_RELOAD): the same
 * connection gets the new role's screen, from a new UI child that loads the account
 * afresh.  1 when a new one is to start. */
static int session_ui_reload(struct session_ctx *ctx)
{
	if (!WIFEXITED(ctx->ui_status) || WEXITSTATUS(ctx->ui_status) != UI_EXIT_RELOAD ||
	    ctx->chan_closed)
		return 0;
	struct wq_errbuf eb = {0};
	struct db *db = session_db(ctx);
	if (!db || user_actor(db, ctx->actor.username, &ctx->actor, &eb) != WQ_OK) {
		session_log(ctx, "account changed and cannot be read again: %s", eb.msg);
		db_close(ctx->db);
		ctx->db = NULL;
		return 0;
	}
	db_close(ctx->db);
	ctx->db = NULL;
	session_log(ctx, "account is now %s: opening its screen", role_name(ctx->actor.role));
	session_close_master(ctx);
	ctx->ui_pid = 0;
	ctx->ui_exited = ctx->ui_status = ctx->master_eof = 0;
	ctx->screen[0] = '\0'; /* the new role's own screen */
	return 1;
}

static void session_loop(struct session_ctx *ctx)
{
	char note[160];
	note[0] = '\0';
	for (;;) {
		int rc = ssh_event_dopoll(ctx->event, SESSION_POLL_MS);
		if (ctx->db && session_settle(ctx) != WQ_OK)
			break;
		int status = ssh_get_status(ctx->ssh);
		if (status & (SSH_CLOSED | SSH_CLOSED_ERROR)) {
			session_event(ctx, LOG_LEVEL_INFO, ctx->authed ? "logout" : "ssh",
				      ctx->authed ? "client disconnected" : "closed before login");
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
		if (ctx->warm_due) {
			/* "none" was answered: the client reads its password meanwhile */
			struct db *db = session_db(ctx);
			if (db)
				user_login_warm(db);
			ctx->warm_due = 0;
		}
		if (!ctx->authed) {
			if (ctx->auth_tries >= MAX_AUTH_TRIES)
				break;
			continue;
		}
		if (ctx->db) {
			/* logged in, the answer sent: the UI child opens its own connection.
			 * Hold none across the session, and give its freed pages (and a hash
			 * region a key login left unused) back before the UI child is forked,
			 * or both would keep them */
			db_close(ctx->db);
			ctx->db = NULL;
			hash_region_release();
			malloc_trim(0);
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
			if (session_ui_reload(ctx))
				continue;
			session_event(ctx, LOG_LEVEL_INFO, "logout",
				      "session ended (status %d, %llu bytes sent)",
				      WIFEXITED(ctx->ui_status) ? WEXITSTATUS(ctx->ui_status) : -1,
				      ctx->bytes_out);
			break;
		}
		int64_t idle = session_now_ms() - ctx->last_input_ms;
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

/* The key exchange, driven here rather than inside libssh so that each packet read is
 * acknowledged at once (TCP_QUICKACK).  After the server's KEXINIT the client sends its
 * own KEXINIT and then its key share, a small packet; the server has nothing to send in
 * between, so Linux delays its ACK (40 ms), and the client's Nagle holds the key share
 * until that ACK comes: every login paid 40 ms there (bench/README section 21).  The flag
 * is not sticky: it is set again after every read. */
static int session_key_exchange(struct session_ctx *ctx)
{
	int fd = ssh_get_fd(ctx->ssh), one = 1, rc;
	ssh_set_blocking(ctx->ssh, 0);
	while ((rc = ssh_handle_key_exchange(ctx->ssh)) == SSH_AGAIN) {
#ifdef TCP_QUICKACK
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#endif
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (ssh_get_poll_flags(ctx->ssh) & SSH_WRITE_PENDING)
			p.events |= POLLOUT;
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break; /* rc is SSH_AGAIN: the caller logs the failure */
	}
	ssh_set_blocking(ctx->ssh, 1);
	return rc;
}

static struct session_ctx ctx_storage;
static ssh_bind session_bind; /* from session_prepare to the connection's accept */

void session_prepare(const struct session_start *st, int warm)
{
	struct session_ctx *ctx = &ctx_storage;
	memset(ctx, 0, sizeof *ctx);
	ctx->cfg = st->cfg;
	ctx->report_fd = st->report_fd;
	ctx->master = -1;
	ctx->keeper_fd = -1;
	snprintf(ctx->term, sizeof ctx->term, "vt100");
	grace_report_fd = st->report_fd;
	struct sigaction sa = {.sa_handler = session_on_alarm};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = session_on_stop; /* no SA_RESTART: poll returns at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	session_bind = ssh_bind_new();
	ctx->ssh = ssh_new();
	int set = session_bind && ctx->ssh &&
		  ssh_bind_options_set(session_bind, SSH_BIND_OPTIONS_IMPORT_KEY, st->host_key) ==
			  SSH_OK;
	for (size_t i = 0; set && i < sizeof session_algorithms / sizeof *session_algorithms; i++)
		set = ssh_bind_options_set(session_bind, session_algorithms[i].opt,
					   session_algorithms[i].value) == SSH_OK;
	if (set)
		set = ssh_bind_options_set(session_bind, SSH_BIND_OPTIONS_HOSTKEY_ALGORITHMS,
					   session_hostkey_algorithms(st->host_key)) == SSH_OK;
	session_offer(st->host_key);
	/* libssh reads its global server config (/etc/ssh/libssh_server_config) once, in
	 * ssh_bind_accept_fd unless done before: here, ahead of a spare's connection; after
	 * our options, as the accept did (the file, if any, still has the last word) */
	if (set)
		set = ssh_bind_options_parse_config(session_bind, NULL) == SSH_OK;
	if (!set) {
		session_event(ctx, LOG_LEVEL_ERROR, "error", "cannot set up the session: %s",
			      session_bind ? ssh_get_error(session_bind) : "out of memory");
		_exit(1);
	}
	if (warm) {
		/* a spare (src/ssh_spare.c): the database a login needs, ready before the
		 * connection comes rather than while its client types */
		struct db *db = session_db(ctx);
		if (db)
			user_login_warm(db);
		/* and the password hash's 16 MiB, faulted in now, not during the hash */
		hash_region_reserve();
	}
}

void session_serve(int fd, const char *addr)
{
	struct session_ctx *ctx = &ctx_storage;
	ctx->started_ms = session_now_ms();
	snprintf(ctx->addr, sizeof ctx->addr, "%s", addr);
	snprintf(grace_msg, sizeof grace_msg, "watiqa[%d] ssh %.47s: login grace time exceeded\n",
		 (int)getpid(), ctx->addr);
	log_context("", ctx->addr, NULL);
	log_session_new(); /* on every line of this connection and of its UI child */
	alarm(LOGIN_GRACE_SECONDS);
	int flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	if (ssh_bind_accept_fd(session_bind, ctx->ssh, fd) != SSH_OK) {
		session_event(ctx, LOG_LEVEL_ERROR, "error", "cannot set up the session: %s",
			      ssh_get_error(session_bind));
		_exit(1);
	}
	/* the session holds its own copy of the host key now: drop the bind at once, as
	 * libssh's fork server does, so that the UI child forked below does not inherit it
	 * (valgrind saw it there as 1288 bytes definitely lost per session) */
	ssh_bind_free(session_bind);
	session_bind = NULL;
	ctx->server_cb.userdata = ctx;
	ctx->server_cb.auth_none_function = session_auth_none;
	ctx->server_cb.auth_password_function = session_auth_password;
	ctx->server_cb.auth_pubkey_function = session_auth_pubkey;
	ctx->server_cb.channel_open_request_session_function = session_on_channel_open;
	ssh_callbacks_init(&ctx->server_cb);
	ssh_set_server_callbacks(ctx->ssh, &ctx->server_cb);
	ssh_set_message_callback(ctx->ssh, session_on_message, ctx);
	ssh_set_auth_methods(ctx->ssh, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY);

	kex_refusal_watch(&kex_refusal, ctx->ssh, fd);
	if (session_key_exchange(ctx) != SSH_OK) {
		session_log(ctx, "key exchange failed: %s", ssh_get_error(ctx->ssh));
		kex_refusal_send(&kex_refusal, SESSION_BANNER, kex_offer);
		ssh_free(ctx->ssh);
		_exit(1);
	}
	kex_refusal_done(&kex_refusal, ctx->ssh);
	ctx->event = ssh_event_new();
	if (!ctx->event || ssh_event_add_session(ctx->event, ctx->ssh) != SSH_OK) {
		session_log(ctx, "cannot poll the session");
		_exit(1);
	}
	session_loop(ctx);

	if (ctx->db) {
		session_settle(ctx);
		db_close(ctx->db);
	}
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

void session_run(struct session_start *st)
{
	session_prepare(st, 0);
	session_serve(st->fd, st->addr);
}
