/* ssh_session_int.h - what the parts of one SSH session process share: the session's
 * state (`struct session_ctx`) and the few functions one part calls in another.  The
 * parts: src/ssh_session.c (set-up, the loop, timers), src/ssh_session_auth.c (the auth
 * methods), src/ssh_session_channel.c (the channel and its pty requests) and
 * src/ssh_session_pump.c (the UI child and the bytes between it and the channel).
 * Only those files include it. */
#ifndef WQ_SSH_SESSION_INT_H
#define WQ_SSH_SESSION_INT_H

#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include "actor.h"
#include "log.h"
#include "ssh_session.h"
#include "user.h"

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
	int warm_due;  /* "none" answered: open and prepare db now (src/ssh_session_auth.c) */

	char user[USERNAME_MAX_BYTES]; /* last name tried, then the account */
	int auth_tries;
	int code_asked;	 /* first factor passed, the TOTP code asked (src/ssh_session_totp.c) */
	int must_enrol;	 /* the role needs a second factor the account has not: enrol first */
	char method[32]; /* the first factor, for the log */
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
	int first_screen; /* the UI's first screen is not sent yet (ssh_session_pump.c) */
	int settled;	  /* SESSION_REPORT_SETTLED sent: a screen has reached the client */
	int ui_exited;
	int ui_status;
	int chan_closed;  /* the client closed the channel */
	int keeper_fd;	  /* the screen was taken over: the keeper's socket, else -1 */
	int link_lost;	  /* the client went or stopped answering: keep the screen */
	int detach;	  /* ... and this process becomes its keeper */
	int64_t started_ms, last_input_ms, last_alive_ms;
	unsigned long long bytes_out;
};

/* ssh_session.c: shared helpers */
int64_t session_now_ms(void);
/* A line of the operator's log for an event (login, logout, refusal, error). */
void session_event(const struct session_ctx *ctx, enum log_level level, const char *event,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void session_log(const struct session_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void session_report(const struct session_ctx *ctx, char what);
/* Copies a client-supplied name for the logs, keeping only printable ASCII. */
void session_set_user(struct session_ctx *ctx, const char *name);
int session_name_ok(const char *s, size_t max, const char *extra);
/* The database, opened on first need (authentication, the reattach audit). */
struct db *session_db(struct session_ctx *ctx);
/* The fsync a password try answered first left due (user_login_settle); WQ_OK or logged. */
int session_settle(struct session_ctx *ctx);

/* ssh_session_auth.c: the server callbacks for "none", password and public key */
int session_auth_none(ssh_session s, const char *user, void *userdata);
int session_auth_password(ssh_session s, const char *user, const char *password,
			  void *userdata);
int session_auth_pubkey(ssh_session s, const char *user, struct ssh_key_struct *pubkey,
			char signature_state, void *userdata);

void session_auth_ok(struct session_ctx *ctx, const char *method);
void session_auth_failed(struct session_ctx *ctx, const char *method, const char *why);

/* ssh_session_totp.c: the second factor, through keyboard-interactive */
/* The first factor passed: SSH_AUTH_SUCCESS, or SSH_AUTH_PARTIAL with the code asked. */
int session_first_factor_ok(struct session_ctx *ctx, const char *method);
/* libssh's message callback: the keyboard-interactive exchange; 1 = default answer. */
int session_on_message(ssh_session s, ssh_message msg, void *userdata);

/* ssh_session_channel.c: the one session channel and its requests */
ssh_channel session_on_channel_open(ssh_session s, void *userdata);
int session_on_data(ssh_session s, ssh_channel c, void *data, uint32_t len, int is_stderr,
		    void *userdata);

/* ssh_session_pump.c: the UI child (or a kept screen) and its pty */
int session_on_pty_output(socket_t fd, int revents, void *userdata);
int session_start_ui(struct session_ctx *ctx);
void session_close_master(struct session_ctx *ctx);
int session_ui_reaped(struct session_ctx *ctx, int options);
void session_stop_ui(struct session_ctx *ctx, int sig);
void session_finish_channel(struct session_ctx *ctx, const char *note);

#endif
