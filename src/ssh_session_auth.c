/* ssh_session_auth.c - the auth methods of one SSH session process: password (checked
 * against the yescrypt hash through user_login_password()), public key (a probe answered
 * only for a key the account has, then the signed attempt) and "none" (the question that
 * comes first, whose answer starts the database's set-up).  Each failure counts towards
 * MAX_AUTH_TRIES and is reported to the listener; success stops the grace alarm (the
 * session's database connection is closed after the answer: session_loop).  Runs in the session
 * process before authentication; never touches the channel or the pty. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "limits.h"
#include "ssh_session_int.h"

void session_auth_ok(struct session_ctx *ctx, const char *method)
{
	alarm(0);
	ctx->authed = 1;
	session_set_user(ctx, ctx->actor.username);
	session_report(ctx, SESSION_REPORT_AUTH_OK);
	/* the database connection is closed once the answer has gone (session_loop) */
	ctx->last_input_ms = ctx->last_alive_ms = session_now_ms();
	log_context(ctx->actor.username, NULL, NULL);
	session_event(ctx, LOG_LEVEL_INFO, "login", "login ok (%s)", method);
}

void session_auth_failed(struct session_ctx *ctx, const char *method, const char *why)
{
	ctx->auth_tries++;
	session_report(ctx, SESSION_REPORT_AUTH_FAIL);
	session_event(ctx, LOG_LEVEL_WARNING, "refusal", "login refused (%s%s%s), attempt %d of %d",
		      method, why[0] ? ": " : "", why, ctx->auth_tries, MAX_AUTH_TRIES);
	if (ctx->auth_tries >= MAX_AUTH_TRIES) {
		/* like sshd: the last failure is a disconnect, not one more prompt */
		session_event(ctx, LOG_LEVEL_WARNING, "refusal",
			      "too many authentication failures");
		ssh_session_set_disconnect_message(ctx->ssh, "Too many authentication failures");
		ssh_disconnect(ctx->ssh);
	}
}

/* "none", a client's first question (which methods are there?), answered as libssh
 * would: refused, with the methods.  The database connection the next try needs is
 * opened and prepared just after that answer has gone (session_loop), while the client
 * asks its user for the password or signs with its key, rather than after the password
 * has come. */
int session_auth_none(ssh_session s, const char *user, void *userdata)
{
	struct session_ctx *ctx = userdata;
	(void)s, (void)user;
	ctx->warm_due = !ctx->db && !ctx->authed;
	return SSH_AUTH_DENIED;
}

int session_auth_password(ssh_session s, const char *user, const char *password,
				 void *userdata)
{
	struct session_ctx *ctx = userdata;
	struct wq_errbuf eb = {0};
	(void)s;
	if (ctx->authed || ctx->code_asked || ctx->auth_tries >= MAX_AUTH_TRIES)
		return SSH_AUTH_DENIED; /* after the first factor only the code is taken */
	session_set_user(ctx, user);
	struct db *db = session_db(ctx);
	if (!db || strlen(user) >= USERNAME_MAX_BYTES || strlen(password) > PASSWORD_MAX_BYTES) {
		session_auth_failed(ctx, "password", db ? "too long" : "database unavailable");
		return SSH_AUTH_DENIED;
	}
	/* answered before the outcome's fsync, which session_loop makes next */
	int rc = user_login_password_answer_first(db, user, password, ctx->addr, &ctx->actor,
						  &eb);
	if (rc == WQ_OK)
		return session_first_factor_ok(ctx, "password");
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

int session_auth_pubkey(ssh_session s, const char *user, struct ssh_key_struct *pubkey,
			       char signature_state, void *userdata)
{
	struct session_ctx *ctx = userdata;
	struct wq_errbuf eb = {0};
	char *b64 = NULL;
	(void)s;
	if (ctx->authed || ctx->code_asked || ctx->auth_tries >= MAX_AUTH_TRIES)
		return SSH_AUTH_DENIED; /* after the first factor only the code is taken */
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
			result = session_first_factor_ok(ctx, type);
		} else {
			session_auth_failed(ctx, "publickey", rc == WQ_EDENIED ? "" : eb.msg);
		}
	} else {
		session_auth_failed(ctx, "publickey", "bad signature");
	}
	ssh_string_free_char(b64);
	return result;
}
