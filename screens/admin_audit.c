/* admin_audit.c - the administrator's read-only view of the audit log: staff actions
 * newest first (logins, account and network changes, request stages, settlements),
 * filtered by action prefix ("user.", "login.fail") and by account; one row opened in
 * full; the hash chains verified on demand (the same check as `watiqa audit verify`).
 * The log is append-only in the database; nothing here writes.  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "screen.h"
#include "util.h"
#include "widget.h"

#define AUDIT_ROWS 2000 /* newest first: older rows come with a filter */
#define ACTION_PATTERN "[a-z._]{0,31}"
#define ACTOR_PATTERN "([a-z][a-z0-9._-]{1,30})?"

struct aud_state {
	struct audit_row *rows;
	int n;
	struct table tab;
	char action[32], actor[USERNAME_MAX_BYTES];
};

static struct aud_state *st(struct ui *ui)
{
	return ui->state;
}

enum { UC_AT, UC_ACTOR, UC_ACTION, UC_TARGET, UC_DETAIL, UC_COUNT };
static const struct table_col aud_cols[UC_COUNT] = {
	[UC_AT] = {TX("When"), 16, 0},	  [UC_ACTOR] = {TX("Actor"), 12, 0},
	[UC_ACTION] = {TX("Action"), 19, 0}, [UC_TARGET] = {TX("Target"), 13, 0},
	[UC_DETAIL] = {TX("Detail"), 0, 0},
};

static void aud_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	const struct audit_row *r = &((struct aud_state *)ctx)->rows[row];
	switch (col) {
	case UC_AT:
		table_time(r->at, buf, len);
		break;
	case UC_ACTOR:
		snprintf(buf, len, "%s", r->actor);
		break;
	case UC_ACTION:
		snprintf(buf, len, "%s", r->action);
		break;
	case UC_TARGET:
		snprintf(buf, len, "%s", r->target);
		break;
	default:
		snprintf(buf, len, "%s%s%s", r->detail, r->addr[0] ? tr_now(" from ") : "", r->addr);
	}
}

static int aud_cmp(void *ctx, int a, int b, int col)
{
	struct aud_state *s = ctx;
	if (col == UC_AT) /* ids follow time and break ties */
		return (s->rows[a].id > s->rows[b].id) - (s->rows[a].id < s->rows[b].id);
	char x[300], y[300];
	aud_cell(ctx, a, col, x, sizeof x);
	aud_cell(ctx, b, col, y, sizeof y);
	return strcmp(x, y);
}

static int64_t aud_id(void *ctx, int row)
{
	return ((struct aud_state *)ctx)->rows[row].id;
}

static int aud_attr(void *ctx, int row)
{
	/* failed logins are what an administrator looks for first */
	return strcmp(((struct aud_state *)ctx)->rows[row].action, "login.fail") ? A_NORMAL
										  : A_BOLD;
}

static int audit_open(struct ui *ui)
{
	struct aud_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->tab = (struct table){
		.cols = aud_cols, .ncols = UC_COUNT, .ctx = s, .cell = aud_cell,
		.cmp = aud_cmp, .row_id = aud_id, .row_attr = aud_attr, .sort_col = -1,
		.empty = TX("  No audit row matches. F clears the filter."),
	};
	ui->state = s;
	return 0;
}

static void audit_close(struct ui *ui)
{
	struct aud_state *s = st(ui);
	if (!s)
		return;
	free(s->rows);
	table_free(&s->tab);
	free(s);
	ui->state = NULL;
}

static int audit_load(struct ui *ui)
{
	struct aud_state *s = st(ui);
	struct wq_errbuf eb = {0};
	struct audit_row *rows = NULL;
	int n = 0;
	if (audit_list(ui->db, s->action, s->actor, AUDIT_ROWS, &rows, &n, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "loading the audit log"), &eb);
		return -1;
	}
	TABLE_REPLACE(&s->tab, s->rows, s->n, rows, n);
	return 0;
}

static void audit_paint(struct ui *ui)
{
	table_paint(ui, &st(ui)->tab, 1, ui->term.rows - 3);
}

static struct table *audit_table(struct ui *ui)
{
	return &st(ui)->tab;
}

static void audit_tabs(struct ui *ui, char *buf, size_t len)
{
	struct aud_state *s = st(ui);
	if (s->action[0] || s->actor[0])
		snprintf(buf, len, tr(ui, "filter %s%s%s%s  %d rows"), s->action[0] ? s->action : "",
			 s->action[0] && s->actor[0] ? " " : "", s->actor[0] ? tr(ui, "by ") : "",
			 s->actor, s->n);
	else
		snprintf(buf, len, tr(ui, "all actions  %d rows"), s->n);
}

static void key_filter(struct ui *ui)
{
	struct aud_state *s = st(ui);
	char action[32], actor[USERNAME_MAX_BYTES];
	memcpy(action, s->action, sizeof action);
	memcpy(actor, s->actor, sizeof actor);
	struct form_field f[] = {
		{TX("Action starts with"), ACTION_PATTERN,
		 TX("Action: a-z . _ (user. login.fail office. settlement.), or empty"), action,
		 sizeof action},
		{TX("Account"), ACTOR_PATTERN, TX("Account: a username (admin1), or empty for all"),
		 actor, sizeof actor},
	};
	if (!form_run(ui, tr(ui, "Filter the audit log"), f, 2))
		return;
	memcpy(s->action, action, sizeof action);
	memcpy(s->actor, actor, sizeof actor);
	ui->reload = 1;
}

static void key_clear(struct ui *ui)
{
	struct aud_state *s = st(ui);
	s->action[0] = s->actor[0] = '\0';
	ui->reload = 1;
	status_info(ui, tr(ui, "filter cleared"));
}

static void key_open(struct ui *ui)
{
	struct aud_state *s = st(ui);
	int r = table_cur(&s->tab);
	char when[32], title[64];
	char *lines[6];
	int n = 0;
	if (r < 0) {
		status_error(ui, tr(ui, "no audit row here"));
		return;
	}
	const struct audit_row *a = &s->rows[r];
	table_time(a->at, when, sizeof when);
	if (asprintf(&lines[n], tr(ui, "When:    %s"), when) >= 0)
		n++;
	if (asprintf(&lines[n], tr(ui, "Account: %s"), a->actor) >= 0)
		n++;
	if (asprintf(&lines[n], tr(ui, "Action:  %s"), a->action) >= 0)
		n++;
	if (asprintf(&lines[n], tr(ui, "Target:  %s"), a->target) >= 0)
		n++;
	if (asprintf(&lines[n], tr(ui, "Detail:  %s"), a->detail) >= 0)
		n++;
	if (asprintf(&lines[n], tr(ui, "From:    %s"), a->addr[0] ? a->addr : "-") >= 0)
		n++;
	snprintf(title, sizeof title, tr(ui, "Audit row #%lld (Esc closes)"), (long long)a->id);
	prompt_pager(ui, title, lines, n);
	for (int i = 0; i < n; i++)
		free(lines[i]);
}

static void key_verify(struct ui *ui)
{
	struct wq_errbuf eb = {0};
	int64_t bad_ev = 0, bad_au = 0;
	if (audit_verify(ui->db, &bad_ev, &bad_au, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "verify"), &eb);
		return;
	}
	if (bad_ev || bad_au)
		status_error(ui, tr(ui, "chain BROKEN: first bad request event #%lld, audit row #%lld"),
			     (long long)bad_ev, (long long)bad_au);
	else
		status_info(ui, tr(ui, "hash chains intact: request history and audit log"));
}

static void key_accounts(struct ui *ui)
{
	screen_open(ui, &admin_accounts_screen);
}

static void key_network(struct ui *ui)
{
	screen_open(ui, &admin_network_screen);
}

static const struct keymap audit_keys[] = {
	{'f', "filter", "filter by action prefix and by account", 0, KM_BAR, key_filter},
	{'F', "all", "clear the filter", 0, KM_BAR, key_clear},
	{KM_ENTER, "open", "the audit row in full", 0, KM_BAR, key_open},
	{'v', "verify", "check the hash chains of the history and the audit log", 0, KM_BAR,
	 key_verify},
	{'1', "accounts", "the staff accounts", 0, KM_BAR, key_accounts},
	{'2', "network", "the office network", 0, KM_BAR, key_network},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen admin_audit_screen = {
	.name = "admin_audit",
	.title = TX("Audit log"),
	.role = ROLE_NONE, /* reached from the admin's accounts screen (3) */
	.roles = ROLE_BIT(ROLE_ADMIN),
	.keys = audit_keys,
	.open = audit_open,
	.close = audit_close,
	.load = audit_load,
	.paint = audit_paint,
	.table = audit_table,
	.tabs = audit_tabs,
};
