/* admin_accounts.c - the functional administrator's first screen: the staff accounts.
 * Create an account (role picked from the list, scope by code, first password), change
 * its role and scope, disable or enable it, reset its password, add and remove its SSH
 * keys.  Every change goes through user.h, which checks it and audits it in the same
 * transaction; forms check each field with a PCRE2 pattern first and name the field
 * that is wrong.  Keys 2 and 3 open the network and the audit log.  UI child only; no
 * SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "user.h"
#include "util.h"
#include "validate.h"
#include "widget.h"

#define ADMIN ROLE_BIT(ROLE_ADMIN)

/* Same rules as the data layer (db_user.c), said before the round trip. */
#define USERNAME_PATTERN "[a-z][a-z0-9._-]{1,30}"
#define USERNAME_HINT TX("Username: a-z first, then a-z 0-9 . _ - (2 to 31)")
#define NAME_PATTERN VALIDATE_NAME_PATTERN
#define NAME_HINT TX("Full name: 1 to 63 characters, no space at either end")
#define SCOPE_PATTERN "([A-Z0-9][A-Z0-9-]{1,14})?"
#define SCOPE_HINT TX("Scope: office, commune or province code (RBT-HAS-1); empty if national")
#define PASSWORD_PATTERN ".{8,128}"
#define PASSWORD_HINT TX("Password: 8 to 128 characters")
#define KEY_PATTERN "(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*( .{0,60})?"
#define KEY_HINT TX("Public key: one OpenSSH line, 'ssh-ed25519 AAAA... comment'")

struct acc_state {
	struct user *users;
	int n;
	struct table tab;
};

static struct acc_state *st(struct ui *ui)
{
	return ui->state;
}

enum { AC_USER, AC_ROLE, AC_SCOPE, AC_OFF, AC_KEYS, AC_LAST, AC_NAME, AC_COUNT };
static const struct table_col acc_cols[AC_COUNT] = {
	[AC_USER] = {TX("Username"), 13, 0}, [AC_ROLE] = {TX("Role"), 10, 0},
	[AC_SCOPE] = {TX("Scope"), 14, 0},	 [AC_OFF] = {TX("Off"), 3, 0},
	[AC_KEYS] = {TX("Keys"), 4, 1},	 [AC_LAST] = {TX("Last login"), 16, 0},
	[AC_NAME] = {TX("Name"), 0, 0},
};

static void acc_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	const struct user *u = &((struct acc_state *)ctx)->users[row];
	switch (col) {
	case AC_USER:
		snprintf(buf, len, "%s", u->username);
		break;
	case AC_ROLE:
		snprintf(buf, len, "%s", tr_now(role_name(u->role)));
		break;
	case AC_SCOPE:
		snprintf(buf, len, "%s", u->scope_label);
		break;
	case AC_OFF:
		snprintf(buf, len, "%s", u->disabled ? tr_now("OFF") : "");
		break;
	case AC_KEYS:
		snprintf(buf, len, "%d", u->key_count);
		break;
	case AC_LAST:
		table_time(u->last_login_at, buf, len);
		break;
	default:
		snprintf(buf, len, "%s", u->full_name);
	}
}

static int acc_cmp(void *ctx, int a, int b, int col)
{
	const struct acc_state *s = ctx;
	const struct user *x = &s->users[a], *y = &s->users[b];
	switch (col) {
	case AC_ROLE:
		return strcmp(role_name(x->role), role_name(y->role));
	case AC_SCOPE:
		return strcmp(x->scope_label, y->scope_label);
	case AC_OFF:
		return x->disabled - y->disabled;
	case AC_KEYS:
		return x->key_count - y->key_count;
	case AC_LAST:
		return (x->last_login_at > y->last_login_at) - (x->last_login_at < y->last_login_at);
	case AC_NAME:
		return strcmp(x->full_name, y->full_name);
	default:
		return strcmp(x->username, y->username);
	}
}

static int64_t acc_id(void *ctx, int row)
{
	return ((struct acc_state *)ctx)->users[row].id;
}

static int acc_attr(void *ctx, int row)
{
	/* a disabled account stays listed (its history names it) but dimmed */
	return ((struct acc_state *)ctx)->users[row].disabled ? A_DIM : A_NORMAL;
}

static int accounts_open(struct ui *ui)
{
	struct acc_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->tab = (struct table){
		.cols = acc_cols, .ncols = AC_COUNT, .ctx = s, .cell = acc_cell,
		.cmp = acc_cmp, .row_id = acc_id, .row_attr = acc_attr, .sort_col = -1,
		.empty = TX("  No account yet. a: create one."),
	};
	ui->state = s;
	return 0;
}

static void accounts_close(struct ui *ui)
{
	struct acc_state *s = st(ui);
	if (!s)
		return;
	free(s->users);
	table_free(&s->tab);
	free(s);
	ui->state = NULL;
}

static int accounts_load(struct ui *ui)
{
	struct acc_state *s = st(ui);
	struct wq_errbuf eb = {0};
	struct user *u = NULL;
	int n = 0;
	if (user_list(ui->db, ROLE_NONE, 0, &u, &n, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "loading the accounts"), &eb);
		return -1;
	}
	TABLE_REPLACE(&s->tab, s->users, s->n, u, n);
	return 0;
}

static void accounts_paint(struct ui *ui)
{
	table_paint(ui, &st(ui)->tab, 1, ui->term.rows - 3);
}

static struct table *accounts_table(struct ui *ui)
{
	return &st(ui)->tab;
}

static void accounts_tabs(struct ui *ui, char *buf, size_t len)
{
	snprintf(buf, len, tr(ui, "[1 Accounts %d] 2 Network  3 Audit"), st(ui)->n);
}

/* The account under the cursor (copied: a reload replaces the rows). */
static int current(struct ui *ui, struct user *out)
{
	struct acc_state *s = st(ui);
	int r = table_cur(&s->tab);
	if (r < 0) {
		status_error(ui, tr(ui, "no account here"));
		return 0;
	}
	*out = s->users[r];
	return 1;
}

/* Picks a staff role; ROLE_NONE if cancelled. */
static enum role pick_role(struct ui *ui, const char *title)
{
	static const enum role roles[] = {ROLE_AGENT,	ROLE_SUPERVISOR, ROLE_INSPECTOR,
					  ROLE_SUPPORT, ROLE_FINANCE,	 ROLE_TREASURY,
					  ROLE_ADMIN,	ROLE_POST,	 ROLE_OFFICER};
	enum { NROLES = sizeof roles / sizeof roles[0] };
	char labels[NROLES][64];
	const char *items[NROLES];
	for (int i = 0; i < NROLES; i++) {
		snprintf(labels[i], sizeof labels[i], tr(ui, "%-11s scope: %s"),
			 tr(ui, role_name(roles[i])), tr(ui, scope_name(role_scope(roles[i]))));
		items[i] = labels[i];
	}
	int k = prompt_pick(ui, title, items, NROLES);
	return k < 0 ? ROLE_NONE : roles[k];
}

static void done(struct ui *ui, int rc, const char *doing, const struct wq_errbuf *eb,
		 const char *ok)
{
	if (rc != WQ_OK)
		status_wq(ui, tr(ui, doing), eb);
	else
		status_info(ui, "%s", ok);
	ui->reload = 1;
}

static void key_add(struct ui *ui)
{
	char user[USERNAME_MAX_BYTES] = "", name[NAME_MAX_BYTES] = "", scope[16] = "",
	     pw[PASSWORD_MAX_BYTES + 1] = "", msg[160], title[80];
	struct wq_errbuf eb = {0};
	enum role r = pick_role(ui, tr(ui, "New account: which role?"));
	if (r == ROLE_NONE)
		return;
	struct form_field f[] = {
		{TX("Username"), USERNAME_PATTERN, USERNAME_HINT, user, sizeof user},
		{TX("Full name"), NAME_PATTERN, NAME_HINT, name, sizeof name},
		{TX("Scope code"), SCOPE_PATTERN, SCOPE_HINT, scope, sizeof scope},
		{TX("Password"), PASSWORD_PATTERN, PASSWORD_HINT, pw, sizeof pw},
	};
	snprintf(title, sizeof title, tr(ui, "New %s account (scope: %s code)"), tr(ui, role_name(r)),
		 scope_name(role_scope(r)));
	if (!form_run(ui, title, f, 4))
		return;
	int rc = user_add(ui->db, &ui->actor, user, name, r, scope, pw, NULL, &eb);
	snprintf(msg, sizeof msg, tr(ui, "account %s created (%s %s)"), user, tr(ui, role_name(r)),
		 scope[0] ? scope : tr(ui, "national"));
	done(ui, rc, TX("create account"), &eb, msg);
}

static void key_role(struct ui *ui)
{
	struct user u;
	char scope[16] = "", title[120], msg[160];
	struct wq_errbuf eb = {0};
	if (!current(ui, &u))
		return;
	snprintf(title, sizeof title, tr(ui, "%s is %s (%.40s): new role?"), u.username,
		 tr(ui, role_name(u.role)), u.scope_label);
	enum role r = pick_role(ui, title);
	if (r == ROLE_NONE)
		return;
	if (role_scope(r) != SCOPE_NATIONAL) {
		struct form_field f = {TX("Scope code"), SCOPE_PATTERN, SCOPE_HINT, scope,
				       sizeof scope};
		snprintf(title, sizeof title, tr(ui, "%s as %s: which %s?"), u.username,
			 tr(ui, role_name(r)), tr(ui, scope_name(role_scope(r))));
		if (!form_run(ui, title, &f, 1))
			return;
	}
	int rc = user_set_role(ui->db, &ui->actor, u.username, r, scope, &eb);
	snprintf(msg, sizeof msg, tr(ui, "%s is now %s %s"), u.username, tr(ui, role_name(r)),
		 scope[0] ? scope : tr(ui, "national"));
	done(ui, rc, TX("set role"), &eb, msg);
}

/* The account's screen language, picked from the three; the account finds it at its
 * next login (and may change it itself with L). */
static void key_lang(struct ui *ui)
{
	static const char *const codes[] = {"fr", "ar", "en"};
	const char *items[3] = {tr(ui, "French"), tr(ui, "Arabic"), tr(ui, "English")};
	struct user u;
	char title[120], msg[120];
	struct wq_errbuf eb = {0};
	int k;
	if (!current(ui, &u))
		return;
	snprintf(title, sizeof title, tr(ui, "%s's screens (now %s): which language?"), u.username,
		 u.lang);
	if ((k = prompt_pick(ui, title, items, 3)) < 0)
		return;
	int rc = user_set_lang(ui->db, &ui->actor, u.username, codes[k], &eb);
	snprintf(msg, sizeof msg, tr(ui, "%s: screens in %s from the next login"), u.username,
		 items[k]);
	done(ui, rc, TX("set language"), &eb, msg);
}

static void key_disable(struct ui *ui)
{
	struct user u;
	char q[120], msg[120];
	struct wq_errbuf eb = {0};
	if (!current(ui, &u))
		return;
	if (u.id == ui->actor.user_id && !u.disabled) {
		status_error(ui, tr(ui, "you cannot disable your own account"));
		return;
	}
	snprintf(q, sizeof q, u.disabled ? tr(ui, "Enable account %s?") : tr(ui, "Disable account %s?"),
		 u.username);
	if (!prompt_yesno(ui, q))
		return;
	int rc = user_set_disabled(ui->db, &ui->actor, u.username, !u.disabled, &eb);
	snprintf(msg, sizeof msg, "%s %s", u.username,
		 u.disabled ? tr(ui, "enabled") : tr(ui, "disabled"));
	done(ui, rc, TX("disable"), &eb, msg);
}

static void key_password(struct ui *ui)
{
	struct user u;
	char pw[PASSWORD_MAX_BYTES + 1] = "", again[PASSWORD_MAX_BYTES + 1] = "", title[80],
					       msg[120];
	struct wq_errbuf eb = {0};
	if (!current(ui, &u))
		return;
	struct form_field f[] = {
		{TX("New password"), PASSWORD_PATTERN, PASSWORD_HINT, pw, sizeof pw},
		{TX("Again"), PASSWORD_PATTERN, PASSWORD_HINT, again, sizeof again},
	};
	snprintf(title, sizeof title, tr(ui, "Reset the password of %s"), u.username);
	if (!form_run(ui, title, f, 2))
		return;
	if (strcmp(pw, again)) {
		status_error(ui, tr(ui, "Again: the two passwords differ; nothing changed"));
		return;
	}
	int rc = user_set_password(ui->db, &ui->actor, u.username, pw, &eb);
	snprintf(msg, sizeof msg, tr(ui, "password of %s reset"), u.username);
	done(ui, rc, TX("reset password"), &eb, msg);
}

static void key_key_add(struct ui *ui)
{
	struct user u;
	char line[1024] = "", title[80], msg[120];
	struct wq_errbuf eb = {0};
	if (!current(ui, &u))
		return;
	struct form_field f = {TX("Public key"), KEY_PATTERN, KEY_HINT, line, sizeof line};
	snprintf(title, sizeof title, tr(ui, "Add an SSH key for %s (paste one line)"), u.username);
	if (!form_run(ui, title, &f, 1))
		return;
	int rc = user_key_add(ui->db, &ui->actor, u.username, line, &eb);
	snprintf(msg, sizeof msg, tr(ui, "key added to %s"), u.username);
	done(ui, rc, TX("add key"), &eb, msg);
}

static void key_key_remove(struct ui *ui)
{
	struct user u;
	struct user_key *keys = NULL;
	struct wq_errbuf eb = {0};
	char q[160], msg[120];
	int n = 0;
	if (!current(ui, &u))
		return;
	if (user_keys(ui->db, u.username, &keys, &n, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "keys"), &eb);
		return;
	}
	if (n == 0) {
		status_error(ui, tr(ui, "%s has no SSH key"), u.username);
		free(keys);
		return;
	}
	char (*labels)[120] = calloc((size_t)n, sizeof *labels);
	const char **items = calloc((size_t)n, sizeof *items);
	if (labels && items) {
		for (int i = 0; i < n; i++) {
			size_t bl = strlen(keys[i].b64);
			/* the tail of the blob tells keys apart, as ssh-keygen -l users know */
			snprintf(labels[i], sizeof labels[i], "#%lld %s ...%s %s",
				 (long long)keys[i].id, keys[i].type,
				 keys[i].b64 + (bl > 12 ? bl - 12 : 0), keys[i].comment);
			items[i] = labels[i];
		}
		int k = prompt_pick(ui, tr(ui, "Remove which key?"), items, n);
		snprintf(q, sizeof q, tr(ui, "Remove key %.100s?"), k >= 0 ? items[k] : "");
		if (k >= 0 && prompt_yesno(ui, q)) {
			int rc = user_key_remove(ui->db, &ui->actor, u.username, keys[k].id, &eb);
			snprintf(msg, sizeof msg, tr(ui, "key #%lld of %s removed"),
				 (long long)keys[k].id, u.username);
			done(ui, rc, TX("remove key"), &eb, msg);
		}
	}
	free(labels);
	free(items);
	free(keys);
}

static void key_network(struct ui *ui)
{
	screen_open(ui, &admin_network_screen);
}

static void key_audit(struct ui *ui)
{
	screen_open(ui, &admin_audit_screen);
}

static const struct keymap accounts_keys[] = {
	{'a', "add", "create an account: role, username, name, scope, password", ADMIN,
	 KM_WRITE | KM_BAR, key_add},
	{'r', "role", "change the account's role and scope", ADMIN, KM_WRITE | KM_BAR,
	 key_role},
	{'d', "disable", "disable the account, or enable it again", ADMIN, KM_WRITE | KM_BAR,
	 key_disable},
	{'w', "password", "reset the account's password", ADMIN, KM_WRITE | KM_BAR,
	 key_password},
	{'K', "add key", "add an SSH public key to the account", ADMIN, KM_WRITE | KM_BAR,
	 key_key_add},
	{'X', "del key", "remove one of the account's SSH keys", ADMIN, KM_WRITE, key_key_remove},
	{'l', "language", "the language of the account's screens: French, Arabic, English",
	 ADMIN, KM_WRITE, key_lang},
	{'2', "network", "the office network: provinces, communes, offices", 0, KM_BAR,
	 key_network},
	{'3', "audit", "the audit log of staff actions", 0, KM_BAR, key_audit},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen admin_accounts_screen = {
	.name = "admin",
	.title = TX("Accounts"),
	.role = ROLE_ADMIN,
	.roles = ADMIN,
	.keys = accounts_keys,
	.open = accounts_open,
	.close = accounts_close,
	.load = accounts_load,
	.paint = accounts_paint,
	.table = accounts_table,
	.tabs = accounts_tabs,
};
