/* ssh_session_totp.c - the second factor of an SSH login (issue 12 item 13): when the
 * password or key of an account with a confirmed TOTP secret is right, the answer is a
 * partial success that leaves keyboard-interactive as the only method; the code (or a
 * recovery code) is asked in one prompt, for the same account only, and checked by
 * totp_login() (once per 30 s step, audited).  An account whose role needs a second
 * factor and that has none gets in to enrol first (the UI child starts with the
 * enrolment, screens/totp_enrol.c).  No PAM.  Runs in the session process before
 * authentication. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "ssh_session_int.h"
#include "totp.h"

int session_first_factor_ok(struct session_ctx *ctx, const char *method)
{
	struct totp_status ts;
	struct wq_errbuf eb = {0};
	struct db *db = session_db(ctx);
	if (!db || totp_status(db, ctx->actor.username, &ts, &eb) != WQ_OK) {
		/* no way to know whether a code is due: no login rather than no code */
		session_auth_failed(ctx, method, "second factor unknown");
		return SSH_AUTH_DENIED;
	}
	snprintf(ctx->method, sizeof ctx->method, "%s", method);
	if (ts.enrolled) {
		ctx->code_asked = 1;
		ssh_set_auth_methods(ctx->ssh, SSH_AUTH_METHOD_INTERACTIVE);
		session_log(ctx, "%s ok: second factor asked", method);
		return SSH_AUTH_PARTIAL;
	}
	ctx->must_enrol = totp_role_required(ctx->cfg, ctx->actor.role);
	char how[64];
	snprintf(how, sizeof how, "%s%s", method, ctx->must_enrol ? ", second factor to enrol" : "");
	session_auth_ok(ctx, how);
	return SSH_AUTH_SUCCESS;
}

/* The code typed at the prompt: in, or one more failed try. */
static int session_code_answer(struct session_ctx *ctx, ssh_message msg)
{
	struct wq_errbuf eb = {0};
	int recovery = 0;
	const char *answer = ssh_userauth_kbdint_getnanswers(ctx->ssh) == 1
				     ? ssh_userauth_kbdint_getanswer(ctx->ssh, 0)
				     : NULL;
	struct db *db = session_db(ctx);
	if (db && session_settle(ctx) != WQ_OK)
		db = NULL; /* the password's record first: the code is not checked without it */
	int rc = db && answer && strlen(answer) < 64
			 ? totp_login(db, ctx->cfg, ctx->actor.username, answer, ctx->addr, &recovery, &eb)
			 : WQ_EDENIED;
	if (rc == WQ_OK) {
		char how[64];
		snprintf(how, sizeof how, "%s + %s", ctx->method,
			 recovery ? "recovery code" : "TOTP code");
		session_auth_ok(ctx, how);
		ssh_message_auth_reply_success(msg, 0);
		return 0;
	}
	session_auth_failed(ctx, "second factor", rc == WQ_EDENIED ? "wrong or used code" : eb.msg);
	return 1; /* USERAUTH_FAILURE: keyboard-interactive again, while tries are left */
}

int session_on_message(ssh_session s, ssh_message msg, void *userdata)
{
	struct session_ctx *ctx = userdata;
	(void)s;
	if (ssh_message_type(msg) != SSH_REQUEST_AUTH ||
	    ssh_message_subtype(msg) != SSH_AUTH_METHOD_INTERACTIVE || !ctx->code_asked ||
	    ctx->authed || ctx->auth_tries >= MAX_AUTH_TRIES)
		return 1;
	if (ssh_message_auth_kbdint_is_response(msg))
		return session_code_answer(ctx, msg);
	/* the code is for the account whose first factor passed, not another name */
	const char *user = ssh_message_auth_user(msg);
	if (!user || strcmp(user, ctx->actor.username) != 0) {
		session_auth_failed(ctx, "second factor", "another account name");
		return 1;
	}
	static const char *prompts[] = {"Code (6 digits, or a recovery code): "};
	static char echo[] = {0};
	char instruction[96];
	snprintf(instruction, sizeof instruction, "Second factor of %s (authenticator app)",
		 ctx->actor.username);
	ssh_message_auth_interactive_request(msg, "Watiqa", instruction, 1, prompts, echo);
	return 0;
}
