/* cli_user.c - the `watiqa user ...` commands: accounts, passwords, SSH keys, the
 * screens' language, roles and the second factor.  One row each in cli_user_cmds[]
 * (src/cli.c lists and dispatches them with its own); the CLI acts as "system", and the
 * data layer audits each change.  Runs in the operator's shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "totp.h"
#include "user.h"

/* The role named on the command line, or 0 after saying what is expected. */
static enum role role_arg(const char *name)
{
	enum role role = role_from_name(name);
	if (role == ROLE_NONE || role >= ROLE_SYSTEM) {
		fprintf(stderr, "watiqa: role: expected agent, supervisor, inspector, support, "
				"finance, treasury, admin, post or officer, got '%s'\n", name);
		return ROLE_NONE;
	}
	return role;
}

static int cmd_user_add(struct cli_ctx *c)
{
	char pw[PASSWORD_MAX_BYTES + 2];
	enum role role = role_arg(c->argv[1]);
	if (role == ROLE_NONE)
		return 2;
	int rc = cli_read_password(c, pw, sizeof pw);
	if (rc)
		return rc;
	if (user_add(c->db, &c->sys, c->argv[0], c->opt.name, role, c->argc > 2 ? c->argv[2] : "",
		     pw, NULL, &c->eb))
		return cli_fail_eb(c);
	printf("account %s added (%s)\n", c->argv[0], role_name(role));
	return 0;
}

/* Another role or scope: the account's open screens reload as the new role's, its
 * kept screens end, and writes made with the old role are refused (issue 12 item 2). */
static int cmd_user_role(struct cli_ctx *c)
{
	enum role role = role_arg(c->argv[1]);
	if (role == ROLE_NONE)
		return 2;
	if (user_set_role(c->db, &c->sys, c->argv[0], role, c->argc > 2 ? c->argv[2] : "",
			  &c->eb))
		return cli_fail_eb(c);
	printf("account %s is now %s%s%s\n", c->argv[0], role_name(role), c->argc > 2 ? " of " : "",
	       c->argc > 2 ? c->argv[2] : "");
	return 0;
}

/* A further role (a supervisor who is also the office's officer): the account's
 * sessions switch to it with @. */
static int cmd_user_role_add(struct cli_ctx *c)
{
	enum role role = role_arg(c->argv[1]);
	if (role == ROLE_NONE)
		return 2;
	if (user_role_add(c->db, &c->sys, c->argv[0], role, c->argc > 2 ? c->argv[2] : "",
			  &c->eb))
		return cli_fail_eb(c);
	printf("account %s also holds %s%s%s\n", c->argv[0], role_name(role),
	       c->argc > 2 ? " of " : "", c->argc > 2 ? c->argv[2] : "");
	return 0;
}

static int cmd_user_role_remove(struct cli_ctx *c)
{
	enum role role = role_arg(c->argv[1]);
	if (role == ROLE_NONE)
		return 2;
	if (user_role_remove(c->db, &c->sys, c->argv[0], role, &c->eb))
		return cli_fail_eb(c);
	printf("account %s no longer holds %s\n", c->argv[0], role_name(role));
	return 0;
}

static int cmd_user_list(struct cli_ctx *c)
{
	struct user *u;
	int n;
	if (user_list(c->db, ROLE_NONE, 0, &u, &n, &c->eb))
		return cli_fail_eb(c);
	printf("%-14s %-11s %-15s %-8s %-4s %-7s %s\n", "USERNAME", "ROLE", "SCOPE", "STATUS",
	       "KEYS", "TOTP", "NAME");
	for (int i = 0; i < n; i++) {
		/* the second factor: on, pending (shown, not confirmed), needed (the role
		 * must have one and has none), or - */
		struct totp_status ts = {0};
		totp_status(c->db, u[i].username, &ts, NULL);
		const char *totp = ts.enrolled ? "on"
				   : ts.pending ? "pending"
				   : totp_role_required(&c->cfg, u[i].role) ? "needed"
									     : "-";
		printf("%-14s %-11s %-15s %-8s %-4d %-7s %s\n", u[i].username,
		       role_name(u[i].role), u[i].scope_label, u[i].disabled ? "disabled" : "active",
		       u[i].key_count, totp, u[i].full_name);
	}
	free(u);
	return 0;
}

static int cmd_user_disable(struct cli_ctx *c)
{
	if (user_set_disabled(c->db, &c->sys, c->argv[0], 1, &c->eb))
		return cli_fail_eb(c);
	printf("account %s disabled\n", c->argv[0]);
	return 0;
}

static int cmd_user_enable(struct cli_ctx *c)
{
	if (user_set_disabled(c->db, &c->sys, c->argv[0], 0, &c->eb))
		return cli_fail_eb(c);
	printf("account %s enabled\n", c->argv[0]);
	return 0;
}

static int cmd_user_lang(struct cli_ctx *c)
{
	if (user_set_lang(c->db, &c->sys, c->argv[0], c->argv[1], &c->eb))
		return cli_fail_eb(c);
	printf("account %s: screens in %s\n", c->argv[0], c->argv[1]);
	return 0;
}

static int cmd_user_bidi(struct cli_ctx *c)
{
	const char *v = c->argv[1];
	if (strcmp(v, "on") && strcmp(v, "off")) {
		fprintf(stderr, "watiqa: reorder: expected on or off, got '%s'\n", v);
		return 2;
	}
	if (user_set_bidi(c->db, &c->sys, c->argv[0], !strcmp(v, "on"), &c->eb))
		return cli_fail_eb(c);
	printf("account %s: right-to-left lines %s by the server\n", c->argv[0],
	       !strcmp(v, "on") ? "reordered" : "left to the terminal");
	return 0;
}

static int cmd_user_passwd(struct cli_ctx *c)
{
	char pw[PASSWORD_MAX_BYTES + 2];
	int rc = cli_read_password(c, pw, sizeof pw);
	if (rc)
		return rc;
	if (user_set_password(c->db, &c->sys, c->argv[0], pw, &c->eb))
		return cli_fail_eb(c);
	printf("password of %s changed\n", c->argv[0]);
	return 0;
}

static int cmd_user_key_add(struct cli_ctx *c)
{
	if (user_key_add(c->db, &c->sys, c->argv[0], c->argv[1], &c->eb))
		return cli_fail_eb(c);
	printf("key added to %s\n", c->argv[0]);
	return 0;
}

/* Prints what the account's owner needs to enrol: the secret, the QR code of its
 * otpauth:// URI, and the recovery codes (shown this once). */
static void print_totp(const char *username, const char *b32,
		       char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES])
{
	char uri[256], **rows;
	int n, w;
	totp_uri(username, b32, uri, sizeof uri);
	printf("second factor of %s (TOTP, 30 s, 6 digits)\nsecret: %s\n%s\n", username, b32,
	       uri);
	if (totp_qr_text(uri, &rows, &n, &w) == 0) {
		for (int i = 0; i < n; i++)
			printf("%s\n", rows[i]);
		totp_qr_free(rows, n);
	}
	printf("recovery codes (each works once; keep them apart from the phone):\n");
	for (int i = 0; i < TOTP_RECOVERY_COUNT; i++)
		printf("  %s\n", codes[i]);
}

static int cmd_user_totp_init(struct cli_ctx *c)
{
	char b32[TOTP_SECRET_B32_BYTES], codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES];
	if (totp_admin_init(c->db, &c->cfg, &c->sys, c->argv[0], b32, sizeof b32, codes, &c->eb))
		return cli_fail_eb(c);
	print_totp(c->argv[0], b32, codes);
	return 0;
}

static int cmd_user_totp_reset(struct cli_ctx *c)
{
	if (totp_reset(c->db, &c->sys, c->argv[0], &c->eb))
		return cli_fail_eb(c);
	printf("second factor of %s removed\n", c->argv[0]);
	return 0;
}

const struct cli_cmd cli_user_cmds[] = {
	{"user add", "USER ROLE [SCOPE-CODE] [--name NAME] [--password PW]", 2, 3, 1, cmd_user_add,
	 "add an account (password from --password or standard input)"},
	{"user list", "", 0, 0, 1, cmd_user_list, "list accounts"},
	{"user disable", "USER", 1, 1, 1, cmd_user_disable, "refuse every login of an account"},
	{"user enable", "USER", 1, 1, 1, cmd_user_enable, "allow an account to log in again"},
	{"user totp-init", "USER", 1, 1, 1, cmd_user_totp_init,
	 "give an account a new second factor (TOTP): prints its secret, QR code and recovery "
	 "codes"},
	{"user totp-reset", "USER", 1, 1, 1, cmd_user_totp_reset,
	 "remove an account's second factor (lost phone); it enrols again with ssh -t USER@HOST "
	 "totp"},
	{"user role", "USER ROLE [SCOPE-CODE]", 2, 3, 1, cmd_user_role,
	 "give an account another role or scope (its open screens follow)"},
	{"user role-add", "USER ROLE [SCOPE-CODE]", 2, 3, 1, cmd_user_role_add,
	 "let an account hold a further role too (supervisor and officer of a small office); "
	 "@ switches its screens"},
	{"user role-remove", "USER ROLE", 2, 2, 1, cmd_user_role_remove,
	 "take a further role back from an account"},
	{"user passwd", "USER [--password PW]", 1, 1, 1, cmd_user_passwd,
	 "set a password (from --password or standard input)"},
	{"user key-add", "USER 'ssh-ed25519 AAAA... comment'", 2, 2, 1, cmd_user_key_add,
	 "add an SSH public key to an account"},
	{"user lang", "USER fr|ar|en", 2, 2, 1, cmd_user_lang,
	 "the language of the account's screens"},
	{"user bidi", "USER on|off", 2, 2, 1, cmd_user_bidi,
	 "on: the server reorders Arabic lines (terminals without bidi); off: the terminal does"},
};
const int cli_user_cmds_count = sizeof cli_user_cmds / sizeof cli_user_cmds[0];
