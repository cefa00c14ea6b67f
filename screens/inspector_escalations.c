/* inspector_escalations.c - the province inspector's escalations: the open requests of
 * his province raised to him by themselves (escalate.h: late by more than
 * escalate_inspector_days working days past a stage deadline, or past the delivery
 * window announced to the citizen), most late first, with the stage, office, agent and
 * the complaint the system opened for the citizen; one key shows every late request
 * instead, another raises one to the national inspection with a note (national.h).  Which requests he sees is decided by the data layer from his actor (his
 * province only); this file only shows them.  Reached from the complaints screen (E).
 * UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalate.h"
#include "national.h"
#include "screen.h"
#include "sheet.h"
#include "util.h"
#include "widget.h"

struct ie_state {
	struct escalation *rows;
	int n;
	enum escalate_level min; /* ESC_INSPECTOR, or ESC_LATE for every late request */
	struct escalate_rules rules;
	struct table tab;
	int64_t now;
};

static struct ie_state *st(struct ui *ui)
{
	return ui->state;
}

enum { IE_TRACKING, IE_LEVEL, IE_STAGE, IE_OFFICE, IE_AGENT, IE_PAID, IE_COMPLAINT,
       IE_NAME, IE_COUNT };
static const struct table_col ie_cols[IE_COUNT] = {
	[IE_TRACKING] = {TX("Tracking"), 11, 0}, [IE_LEVEL] = {TX("Late"), 5, 0},
	[IE_STAGE] = {TX("Stage"), 9, 0},	     [IE_OFFICE] = {TX("Office"), 9, 0},
	[IE_AGENT] = {TX("Agent"), 8, 0},	     [IE_PAID] = {TX("Paid"), 6, 1},
	[IE_COMPLAINT] = {TX("Cmpl"), 5, 1},     [IE_NAME] = {TX("Name"), 0, 0},
};

static const char *stage_short(enum req_state s)
{
	switch (s) {
	case RS_PAID: return tr_now("queue");
	case RS_IN_PRODUCTION: return tr_now("in prod");
	case RS_AWAITING_SIGNATURE: return tr_now("to sign");
	case RS_WITH_POST: return tr_now("with post");
	default: return tr_now(req_state_name(s));
	}
}

static void ie_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	struct ie_state *s = ctx;
	const struct escalation *e = &s->rows[row];
	switch (col) {
	case IE_TRACKING: snprintf(buf, len, "%s", e->tracking); break;
	case IE_LEVEL: snprintf(buf, len, "%s", tr_now(escalate_label(e->level))); break;
	case IE_STAGE: snprintf(buf, len, "%s", stage_short(e->state)); break;
	case IE_OFFICE: snprintf(buf, len, "%s", e->office_code); break;
	case IE_AGENT: snprintf(buf, len, "%s", e->agent); break;
	case IE_PAID: table_age(s->now - e->paid_at, 0, buf, len); break;
	case IE_COMPLAINT:
		if (e->complaint_id)
			snprintf(buf, len, "#%lld", (long long)e->complaint_id);
		else
			buf[0] = '\0';
		break;
	default: snprintf(buf, len, "%s", e->citizen);
	}
}

static int ie_cmp(void *ctx, int a, int b, int col)
{
	struct ie_state *s = ctx;
	const struct escalation *x = &s->rows[a], *y = &s->rows[b];
	char p[160], q[160];
	switch (col) {
	case IE_LEVEL: return (int)y->level - (int)x->level;
	case IE_STAGE: return (int)x->state - (int)y->state;
	case IE_PAID: return (y->paid_at > x->paid_at) - (y->paid_at < x->paid_at);
	case IE_COMPLAINT: return (x->complaint_id > y->complaint_id) -
				  (x->complaint_id < y->complaint_id);
	default:
		ie_cell(ctx, a, col, p, sizeof p);
		ie_cell(ctx, b, col, q, sizeof q);
		return strcmp(p, q);
	}
}

static int64_t ie_id(void *ctx, int row)
{
	return ((struct ie_state *)ctx)->rows[row].id;
}

static int ie_attr(void *ctx, int row)
{
	return ((struct ie_state *)ctx)->rows[row].level >= ESC_INSPECTOR ? A_BOLD : A_NORMAL;
}

static int ie_open(struct ui *ui)
{
	struct ie_state *s = calloc(1, sizeof *s);
	struct wq_errbuf eb = {0};
	if (!s)
		return -1;
	s->min = ESC_INSPECTOR;
	s->tab = (struct table){
		.cols = ie_cols, .ncols = IE_COUNT, .ctx = s, .cell = ie_cell, .cmp = ie_cmp,
		.row_id = ie_id, .row_attr = ie_attr, .sort_col = -1,
		.empty = TX("  No request of your province is escalated to you."),
	};
	ui->state = s;
	if (escalate_rules_load(&s->rules, ui->cfg, &eb))
		status_wq(ui, tr(ui, "reading the holidays (weekends still count)"), &eb);
	return 0;
}

static void ie_close(struct ui *ui)
{
	struct ie_state *s = st(ui);
	if (!s)
		return;
	free(s->rows);
	table_free(&s->tab);
	free(s);
	ui->state = NULL;
}

static int ie_load(struct ui *ui)
{
	struct ie_state *s = st(ui);
	struct escalation *rows = NULL;
	struct wq_errbuf eb = {0};
	int n = 0;
	s->now = wq_now();
	if (escalate_list(ui->db, &ui->actor, &s->rules, s->now, s->min, &rows, &n, &eb)) {
		status_wq(ui, tr(ui, "loading the escalations"), &eb);
		return -1;
	}
	TABLE_REPLACE(&s->tab, s->rows, s->n, rows, n);
	return 0;
}

static void ie_paint(struct ui *ui)
{
	table_paint(ui, &st(ui)->tab, 1, ui->term.rows - 3);
}

static struct table *ie_table(struct ui *ui)
{
	return &st(ui)->tab;
}

static void ie_tabs(struct ui *ui, char *buf, size_t len)
{
	struct ie_state *s = st(ui);
	snprintf(buf, len, "%s %d", s->min == ESC_INSPECTOR ? tr(ui, "Escalated") : tr(ui, "Late"),
		 s->n);
}

/* ---- keys ---- */
static void key_view(struct ui *ui)
{
	struct ie_state *s = st(ui);
	int r = table_cur(&s->tab);
	if (r < 0) {
		status_error(ui, tr(ui, "no request here"));
		return;
	}
	sheet_show(ui, s->rows[r].id, s->rows[r].tracking);
}

static void key_late(struct ui *ui)
{
	struct ie_state *s = st(ui);
	s->min = s->min == ESC_INSPECTOR ? ESC_LATE : ESC_INSPECTOR;
	ui->reload = 1;
	status_info(ui, "%s", s->min == ESC_INSPECTOR
				      ? tr(ui, "showing the requests escalated to you")
				      : tr(ui, "showing every late request of the province"));
}

static void key_raise(struct ui *ui)
{
	struct ie_state *s = st(ui);
	struct wq_errbuf eb = {0};
	char text[NOTE_MAX_BYTES] = "", title[120], tracking[TRACKING_BYTES];
	int r = table_cur(&s->tab);
	if (r < 0) {
		status_error(ui, tr(ui, "no request here"));
		return;
	}
	int64_t id = s->rows[r].id;
	snprintf(tracking, sizeof tracking, "%s", s->rows[r].tracking);
	snprintf(title, sizeof title, tr(ui, "Raise %s to the national inspection: why?"),
		 tracking);
	struct form_field f = {TX("Note"), FORM_TEXT_PATTERN,
			       TX("3 to 900 characters, not only spaces"), text, sizeof text};
	if (!form_run(ui, title, &f, 1)) {
		status_info(ui, tr(ui, "not raised"));
		return;
	}
	if (national_raise_request(ui->db, &ui->actor, id, text, &eb))
		status_wq(ui, tr(ui, "raising the request"), &eb);
	else
		status_info(ui, tr(ui, "%s raised to the national inspection (N shows its answer)"),
			    tracking);
	ui->reload = 1;
}

static void key_national(struct ui *ui)
{
	screen_open(ui, &inspector_raised_screen);
}

static void key_complaints(struct ui *ui)
{
	screen_open(ui, &inspector_complaints_screen);
}

static const struct keymap ie_keys[] = {
	{KM_ENTER, "view", "the request's details and full history", 0, 0, key_view},
	{'v', "view", "the request's details and full history", 0, KM_BAR, key_view},
	{'l', "all late", "every late request of the province, or the escalated only", 0,
	 KM_BAR, key_late},
	{'e', "raise", "raise the request to the national inspection, with a note",
	 ROLE_BIT(ROLE_INSPECTOR), KM_WRITE | KM_BAR, key_raise},
	{'N', "national", "what was raised to the national inspection, and its answers", 0, 0,
	 key_national},
	{'\t', "complaints", "back to the complaints", 0, KM_BAR, key_complaints},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen inspector_escalations_screen = {
	.name = "escalations",
	.title = TX("Escalations"),
	.role = ROLE_INSPECTOR,
	.roles = ROLE_BIT(ROLE_INSPECTOR),
	.keys = ie_keys,
	.open = ie_open,
	.close = ie_close,
	.load = ie_load,
	.paint = ie_paint,
	.table = ie_table,
	.tabs = ie_tabs,
};
