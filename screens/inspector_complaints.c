/* inspector_complaints.c - the provincial inspector's screen: the complaints of his
 * province as a queue (oldest first; unanswered past complaint_answer_days marked
 * LATE and in bold), from which he takes one, reads it with the request and its full
 * history, answers the citizen (the answer shows on the tracking page and goes out by
 * SMS/e-mail), resolves or escalates with a note.  Which complaints he sees is decided
 * by the data layer from his actor (his province only); this file only shows them.
 * Tab goes to the dashboards, E to the requests escalated to him by their deadlines
 * (inspector_escalations.c), N to what was raised to the national inspection
 * (inspector_raised.c).  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint_desk.h"
#include "screen.h"
#include "sheet.h"
#include "util.h"
#include "widget.h"

#define SECONDS_PER_DAY 86400

struct ic_state {
	struct cd_complaint *rows;
	int n;
	int all; /* show resolved ones too */
	struct table tab;
	int64_t now;
	int late, unanswered;
};

static struct ic_state *st(struct ui *ui)
{
	return ui->state;
}

enum { IC_ID, IC_AGE, IC_LATE, IC_STATE, IC_TRACKING, IC_OFFICE, IC_WHO, IC_TEXT, IC_COUNT };
static const struct table_col ic_cols[IC_COUNT] = {
	[IC_ID] = {"#", 4, 1},	       [IC_AGE] = {TX("Age"), 6, 1},
	[IC_LATE] = {TX("Late"), 4, 0},    [IC_STATE] = {TX("State"), 9, 0},
	[IC_TRACKING] = {TX("Tracking"), 11, 0}, [IC_OFFICE] = {TX("Office"), 10, 0},
	[IC_WHO] = {TX("Inspector"), 10, 0}, [IC_TEXT] = {TX("Complaint"), 0, 0},
};

/* The complaint's state in the session's language ("open" is also a key's name). */
static const char *state_text(enum cd_state st)
{
	return st == CD_OPEN ? tr_now(CTX("complaint", "open")) : tr_now(cd_state_name(st));
}

static void ic_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	struct ic_state *s = ctx;
	const struct cd_complaint *c = &s->rows[row];
	switch (col) {
	case IC_ID:
		snprintf(buf, len, "%lld", (long long)c->id);
		break;
	case IC_AGE:
		table_age(s->now - c->opened_at, 0, buf, len);
		break;
	case IC_LATE:
		snprintf(buf, len, "%s", c->late ? tr_now("LATE") : "");
		break;
	case IC_STATE:
		snprintf(buf, len, "%s", state_text(c->state));
		break;
	case IC_TRACKING:
		snprintf(buf, len, "%s", c->tracking);
		break;
	case IC_OFFICE:
		snprintf(buf, len, "%s", c->office_code);
		break;
	case IC_WHO:
		snprintf(buf, len, "%s", c->inspector);
		break;
	default:
		snprintf(buf, len, "%s", c->body);
	}
}

static int ic_cmp(void *ctx, int a, int b, int col)
{
	struct ic_state *s = ctx;
	const struct cd_complaint *x = &s->rows[a], *y = &s->rows[b];
	char p[600], q[600];
	switch (col) {
	case IC_ID:
	case IC_AGE:
		return x->id < y->id ? -1 : x->id > y->id;
	case IC_LATE:
		return y->late - x->late;
	case IC_STATE:
		return (int)x->state - (int)y->state;
	default:
		ic_cell(ctx, a, col, p, sizeof p);
		ic_cell(ctx, b, col, q, sizeof q);
		return strcmp(p, q);
	}
}

static int64_t ic_id(void *ctx, int row)
{
	return ((struct ic_state *)ctx)->rows[row].id;
}

static int ic_attr(void *ctx, int row)
{
	const struct cd_complaint *c = &((struct ic_state *)ctx)->rows[row];
	return c->late && !c->answered_at ? A_BOLD : A_NORMAL;
}

static int ic_open(struct ui *ui)
{
	struct ic_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->tab = (struct table){
		.cols = ic_cols, .ncols = IC_COUNT, .ctx = s, .cell = ic_cell, .cmp = ic_cmp,
		.row_id = ic_id, .row_attr = ic_attr, .sort_col = -1,
		.empty = ui->actor.scope == SCOPE_NATIONAL
				 ? TX("  No complaint was raised to the national inspection.")
				 : TX("  No complaint waits in your province."),
	};
	ui->state = s;
	return 0;
}

static void ic_close(struct ui *ui)
{
	struct ic_state *s = st(ui);
	if (!s)
		return;
	free(s->rows);
	table_free(&s->tab);
	free(s);
	ui->state = NULL;
}

static int ic_load(struct ui *ui)
{
	struct ic_state *s = st(ui);
	struct cd_complaint *rows = NULL;
	struct wq_errbuf eb = {0};
	int n = 0, unmarked = 0;
	s->now = wq_now();
	int64_t late_before = s->now - (int64_t)ui->cfg->complaint_answer_days * SECONDS_PER_DAY;
	if (complaint_desk_list(ui->db, &ui->actor, s->all, late_before, &rows, &n, &eb)) {
		status_wq(ui, tr(ui, "loading the complaints"), &eb);
		return -1;
	}
	s->late = s->unanswered = 0;
	for (int i = 0; i < n; i++) {
		s->late += rows[i].late && !rows[i].answered_at;
		s->unanswered += !rows[i].answered_at && rows[i].state != CD_RESOLVED;
		unmarked += rows[i].late && !rows[i].late_at;
	}
	/* the first look past the limit records the mark: "answered late" stays provable */
	if (unmarked && ui->actor.role == ROLE_INSPECTOR) {
		int marked = 0;
		if (complaint_desk_mark_late(ui->db, &ui->actor, late_before, &marked, &eb))
			status_wq(ui, tr(ui, "marking late complaints"), &eb);
	}
	TABLE_REPLACE(&s->tab, s->rows, s->n, rows, n);
	return 0;
}

static void ic_paint(struct ui *ui)
{
	table_paint(ui, &st(ui)->tab, 1, ui->term.rows - 3);
}

static struct table *ic_table(struct ui *ui)
{
	return &st(ui)->tab;
}

static void ic_tabs(struct ui *ui, char *buf, size_t len)
{
	struct ic_state *s = st(ui);
	snprintf(buf, len, tr(ui, "%s %d | late %d"), s->all ? tr(ui, "All") : tr(ui, "Open"), s->n,
		 s->late);
}

static const struct cd_complaint *current(struct ui *ui)
{
	struct ic_state *s = st(ui);
	int r = table_cur(&s->tab);
	if (r < 0) {
		status_error(ui, tr(ui, "no complaint here"));
		return NULL;
	}
	return &s->rows[r];
}

/* ---- keys ---- */
static void key_view(struct ui *ui)
{
	const struct cd_complaint *c = current(ui);
	struct wq_errbuf eb = {0};
	char **sheet = NULL, **l = NULL, t[32], line[300], title[80];
	int nsheet = 0, n = 0, cap = 0, w = ui->term.cols - 16;
	if (!c)
		return;
	snprintf(line, sizeof line, tr(ui, "Complaint #%lld on %s   state: %s%s"), (long long)c->id,
		 c->tracking, state_text(c->state), c->late ? "   LATE" : "");
	sheet_add(&l, &n, &cap, line);
	table_time(c->opened_at, t, sizeof t);
	snprintf(line, sizeof line, tr(ui, "Opened:    %s by %s"), t,
		 c->opened_by[0] ? c->opened_by : tr(ui, "the citizen"));
	sheet_add(&l, &n, &cap, line);
	if (c->inspector[0]) {
		snprintf(line, sizeof line, tr(ui, "Inspector: %s"), c->inspector);
		sheet_add(&l, &n, &cap, line);
	}
	sheet_add_wrapped(&l, &n, &cap, tr(ui, "Complaint: "), c->body, w);
	if (c->answered_at) {
		table_time(c->answered_at, t, sizeof t);
		snprintf(line, sizeof line, tr(ui, "Answered:  %s"), t);
		sheet_add(&l, &n, &cap, line);
		sheet_add_wrapped(&l, &n, &cap, tr(ui, "Answer:    "), c->answer, w);
	}
	if (c->escalated_at) {
		table_time(c->escalated_at, t, sizeof t);
		if (c->escalated_by[0])
			snprintf(line, sizeof line, tr(ui, "Raised:    %s by %s"), t, c->escalated_by);
		else
			snprintf(line, sizeof line, tr(ui, "Raised:    %s by itself"), t);
		sheet_add(&l, &n, &cap, line);
		/* the sweep stores no note: its reason is said here, in the reader's language */
		sheet_add_wrapped(&l, &n, &cap, tr(ui, "Escalated: "),
				  c->escalation_note[0]
					  ? c->escalation_note
					  : tr(ui, "unanswered at the province past its deadline"),
				  w);
	}
	sheet_add(&l, &n, &cap, "");
	if (sheet_lines(ui->db, &ui->actor, c->request_id, &sheet, &nsheet, &eb) == WQ_OK) {
		for (int i = 0; i < nsheet; i++)
			sheet_add(&l, &n, &cap, sheet[i]);
		sheet_lines_free(sheet, nsheet);
	} else {
		char detail[UI_STATUS_BYTES];
		status_detail(ui, &eb, detail, sizeof detail);
		snprintf(line, sizeof line, tr(ui, "(request: %s)"), detail);
		sheet_add(&l, &n, &cap, line);
	}
	snprintf(title, sizeof title, tr(ui, "Complaint #%lld: request and history (Esc closes)"),
		 (long long)c->id);
	prompt_pager(ui, title, l, n);
	sheet_lines_free(l, n);
}

/* Says how a complaint move went and reloads. */
static void moved(struct ui *ui, int rc, int64_t id, const char *doing, const char *done,
		  const struct wq_errbuf *eb)
{
	char what[64];
	snprintf(what, sizeof what, "%s #%lld", tr(ui, doing), (long long)id);
	if (rc)
		status_wq(ui, what, eb);
	else
		status_info(ui, tr(ui, "complaint #%lld %s"), (long long)id, tr(ui, done));
	ui->reload = 1;
}

static void key_take(struct ui *ui)
{
	const struct cd_complaint *c = current(ui);
	struct wq_errbuf eb = {0};
	if (!c)
		return;
	int64_t id = c->id;
	int rc = complaint_desk_take(ui->db, &ui->actor, id, c->version, &eb);
	moved(ui, rc, id, TX("take"), TX("is yours: a answers it"), &eb);
}

static void key_release(struct ui *ui)
{
	const struct cd_complaint *c = current(ui);
	struct wq_errbuf eb = {0};
	if (!c)
		return;
	int64_t id = c->id;
	int rc = complaint_desk_release(ui->db, &ui->actor, id, c->version, &eb);
	moved(ui, rc, id, TX("release"), TX("is back in the queue"), &eb);
}

static void key_answer(struct ui *ui)
{
	const struct cd_complaint *c = current(ui);
	struct wq_errbuf eb = {0};
	char text[NOTE_MAX_BYTES] = "", title[80];
	if (!c)
		return;
	int64_t id = c->id, version = c->version;
	snprintf(title, sizeof title,
		 tr(ui, "Answer to the citizen on %s (shown on the tracking page)"), c->tracking);
	struct form_field f = {TX("Answer"), FORM_TEXT_PATTERN,
			       TX("3 to 900 characters, not only spaces"), text, sizeof text};
	if (!form_run(ui, title, &f, 1)) {
		status_info(ui, tr(ui, "not answered"));
		return;
	}
	int rc = complaint_desk_answer(ui->db, &ui->actor, id, version, text, &eb);
	moved(ui, rc, id, TX("answer"), TX("answered: the citizen is notified"), &eb);
}

static void key_resolve(struct ui *ui)
{
	const struct cd_complaint *c = current(ui);
	struct wq_errbuf eb = {0};
	char q[120];
	if (!c)
		return;
	int64_t id = c->id, version = c->version;
	snprintf(q, sizeof q, tr(ui, "Close complaint #%lld on %s as resolved?"), (long long)id,
		 c->tracking);
	if (!prompt_yesno(ui, q))
		return;
	int rc = complaint_desk_resolve(ui->db, &ui->actor, id, version, &eb);
	moved(ui, rc, id, TX("resolve"), TX("resolved"), &eb);
}

static void key_escalate(struct ui *ui)
{
	const struct cd_complaint *c = current(ui);
	struct wq_errbuf eb = {0};
	char text[NOTE_MAX_BYTES] = "", title[80];
	if (!c)
		return;
	int64_t id = c->id, version = c->version;
	snprintf(title, sizeof title, tr(ui, "Escalate complaint #%lld: why?"), (long long)id);
	struct form_field f = {TX("Note"), FORM_TEXT_PATTERN,
			       TX("3 to 900 characters, not only spaces"), text, sizeof text};
	if (!form_run(ui, title, &f, 1)) {
		status_info(ui, tr(ui, "not escalated"));
		return;
	}
	int rc = complaint_desk_escalate(ui->db, &ui->actor, id, version, text, &eb);
	moved(ui, rc, id, TX("escalate"), TX("escalated"), &eb);
}

static void key_all(struct ui *ui)
{
	struct ic_state *s = st(ui);
	s->all = !s->all;
	ui->reload = 1;
	status_info(ui, "%s", s->all ? tr(ui, "showing every complaint, resolved too")
				     : tr(ui, "showing complaints not yet resolved"));
}

static void key_escalations(struct ui *ui)
{
	screen_open(ui, &inspector_escalations_screen);
}

static void key_national(struct ui *ui)
{
	screen_open(ui, &inspector_raised_screen);
}

static void key_dashboard(struct ui *ui)
{
	screen_open(ui, &inspector_dashboard_screen);
}

#define INSPECTOR ROLE_BIT(ROLE_INSPECTOR)

static const struct keymap ic_keys[] = {
	{KM_ENTER, "view", "the complaint, the request and its full history", 0, 0, key_view},
	{'v', "view", "the complaint, the request and its full history", 0, KM_BAR, key_view},
	{'t', "take", "take the complaint: it is yours to answer", INSPECTOR,
	 KM_WRITE | KM_BAR, key_take},
	{'u', "release", "give a complaint you took back: anyone's to take again", INSPECTOR,
	 KM_WRITE, key_release},
	{'a', "answer", "answer the citizen (tracking page, SMS and e-mail)", INSPECTOR,
	 KM_WRITE | KM_BAR, key_answer},
	{'r', "resolve", "close an answered complaint", INSPECTOR, KM_WRITE | KM_BAR,
	 key_resolve},
	{'e', "escalate", "raise the complaint above the province, with a note", INSPECTOR,
	 KM_WRITE | KM_BAR, key_escalate},
	{'A', "all", "show resolved complaints too, or hide them", 0, 0, key_all},
	{'E', "escalations", "requests of the province escalated to you by their deadlines",
	 0, 0, key_escalations},
	{'N', "national", "what was raised to the national inspection, and its answers", 0,
	 KM_BAR, key_national},
	{'\t', "dashboard", "go to the dashboards (processing times, backlog)", 0, KM_BAR,
	 key_dashboard},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen inspector_complaints_screen = {
	.name = "complaints",
	.title = TX("Complaints"),
	.role = ROLE_INSPECTOR,
	.roles = ROLE_BIT(ROLE_INSPECTOR),
	.keys = ic_keys,
	.open = ic_open,
	.close = ic_close,
	.load = ic_load,
	.paint = ic_paint,
	.table = ic_table,
	.tabs = ic_tabs,
};
