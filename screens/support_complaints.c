/* support_complaints.c - support's list of every complaint in the country (c from the
 * support screen): the open ones first (open, taken, escalated), then answered and
 * resolved, each group oldest first, live; narrowed by state (f), province (p) or
 * office (b), x clears the filters, / finds text in the rows.  Enter opens the
 * complaint's request on support's page of everything (support.h), Esc comes back to
 * the same row; Tab or c goes back to the search.  Which complaints are readable is
 * decided by the data layer from the actor (support: national); this file only
 * shows and narrows them.  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint_desk.h"
#include "office.h"
#include "screen.h"
#include "support.h"
#include "util.h"
#include "widget.h"

#define SECONDS_PER_DAY 86400
#define SC_STATE_ANY (-1)

struct sc_state {
	struct cd_complaint *all; /* as loaded, open first then by age */
	int nall;
	int *idx; /* the rows the filters let through, indexes into all */
	int nidx;
	struct table tab;
	int64_t now;
	int state;	   /* enum cd_state, or SC_STATE_ANY */
	char province[16]; /* "" any */
	char office[16];   /* "" any */
	struct office *offices; /* for the province of each complaint's office */
	int noffices;
};

static struct sc_state *st(struct ui *ui)
{
	return ui->state;
}

static const struct cd_complaint *row_at(const struct sc_state *s, int row)
{
	return &s->all[s->idx[row]];
}

static const char *province_of(const struct sc_state *s, const char *office_code)
{
	for (int i = 0; i < s->noffices; i++)
		if (!strcmp(s->offices[i].code, office_code))
			return s->offices[i].province_code;
	return "";
}

enum { SCC_ID, SCC_AGE, SCC_STATE, SCC_TRACKING, SCC_PROVINCE, SCC_OFFICE, SCC_TEXT, SCC_COUNT };
static const struct table_col cols[SCC_COUNT] = {
	[SCC_ID] = {"#", 4, 1},		   [SCC_AGE] = {TX("Age"), 6, 1},
	[SCC_STATE] = {TX("State"), 9, 0},	   [SCC_TRACKING] = {TX("Tracking"), 11, 0},
	[SCC_PROVINCE] = {TX("Province"), 8, 0}, [SCC_OFFICE] = {TX("Office"), 10, 0},
	[SCC_TEXT] = {TX("Complaint"), 0, 0},
};

static const char *state_text(enum cd_state s)
{
	return s == CD_OPEN ? tr_now(CTX("complaint", "open")) : tr_now(cd_state_name(s));
}

static void cell(void *ctx, int row, int col, char *buf, size_t len)
{
	struct sc_state *s = ctx;
	const struct cd_complaint *c = row_at(s, row);
	switch (col) {
	case SCC_ID:
		snprintf(buf, len, "%lld", (long long)c->id);
		break;
	case SCC_AGE:
		table_age(s->now - c->opened_at, 0, buf, len);
		break;
	case SCC_STATE:
		snprintf(buf, len, "%s", state_text(c->state));
		break;
	case SCC_TRACKING:
		snprintf(buf, len, "%s", c->tracking);
		break;
	case SCC_PROVINCE:
		snprintf(buf, len, "%s", province_of(s, c->office_code));
		break;
	case SCC_OFFICE:
		snprintf(buf, len, "%s", c->office_code);
		break;
	default:
		snprintf(buf, len, "%s", c->body);
	}
}

static int cmp(void *ctx, int a, int b, int col)
{
	struct sc_state *s = ctx;
	const struct cd_complaint *x = row_at(s, a), *y = row_at(s, b);
	char p[600], q[600];
	if (col == SCC_ID || col == SCC_AGE)
		return x->id < y->id ? -1 : x->id > y->id;
	if (col == SCC_STATE)
		return (int)x->state - (int)y->state;
	cell(ctx, a, col, p, sizeof p);
	cell(ctx, b, col, q, sizeof q);
	return strcmp(p, q);
}

static int64_t row_id(void *ctx, int row)
{
	return row_at(ctx, row)->id;
}

static int row_attr(void *ctx, int row)
{
	const struct cd_complaint *c = row_at(ctx, row);
	return c->late && !c->answered_at ? A_BOLD : A_NORMAL;
}

/* Open first (open, taken, escalated: someone still owes the citizen an answer), then
 * answered, then resolved; each group oldest first. */
static int group(enum cd_state s)
{
	return s == CD_RESOLVED ? 2 : s == CD_ANSWERED ? 1 : 0;
}

static int by_open_then_age(const void *a, const void *b)
{
	const struct cd_complaint *x = a, *y = b;
	if (group(x->state) != group(y->state))
		return group(x->state) - group(y->state);
	if (x->opened_at != y->opened_at)
		return x->opened_at < y->opened_at ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Rebuilds the filtered rows; the cursor stays on complaint `keep` if still shown. */
static void apply(struct sc_state *s, int64_t keep)
{
	s->nidx = 0;
	for (int i = 0; i < s->nall; i++) {
		const struct cd_complaint *c = &s->all[i];
		if ((s->state == SC_STATE_ANY || (int)c->state == s->state) &&
		    (!s->province[0] || !strcmp(province_of(s, c->office_code), s->province)) &&
		    (!s->office[0] || !strcmp(c->office_code, s->office)))
			s->idx[s->nidx++] = i;
	}
	table_set_rows(&s->tab, s->nidx, keep);
}

/* ---- screen hooks ---- */
static int sc_open(struct ui *ui)
{
	struct sc_state *s = calloc(1, sizeof *s);
	struct wq_errbuf eb = {0};
	if (!s)
		return -1;
	s->state = SC_STATE_ANY;
	s->tab = (struct table){
		.cols = cols, .ncols = SCC_COUNT, .ctx = s, .cell = cell, .cmp = cmp,
		.row_id = row_id, .row_attr = row_attr, .sort_col = -1,
		.empty = TX("  No complaint matches (x clears the filters)."),
	};
	ui->state = s;
	if (office_list(ui->db, &s->offices, &s->noffices, &eb))
		status_wq(ui, tr(ui, "listing the offices"), &eb);
	return 0;
}

static void sc_close(struct ui *ui)
{
	struct sc_state *s = st(ui);
	if (!s)
		return;
	free(s->all);
	free(s->idx);
	free(s->offices);
	table_free(&s->tab);
	free(s);
	ui->state = NULL;
}

static int sc_load(struct ui *ui)
{
	struct sc_state *s = st(ui);
	struct cd_complaint *rows = NULL;
	struct wq_errbuf eb = {0};
	int n = 0;
	s->now = wq_now();
	int64_t late_before = s->now - (int64_t)ui->cfg->complaint_answer_days * SECONDS_PER_DAY;
	if (complaint_desk_list(ui->db, &ui->actor, 1, late_before, &rows, &n, &eb)) {
		status_wq(ui, tr(ui, "loading the complaints"), &eb);
		return -1;
	}
	int *idx = calloc((size_t)n + 1, sizeof *idx);
	if (!idx) {
		free(rows);
		return -1;
	}
	if (n > 1)
		qsort(rows, (size_t)n, sizeof *rows, by_open_then_age);
	int64_t keep = table_cur_id(&s->tab);
	free(s->all);
	free(s->idx);
	s->all = rows;
	s->nall = n;
	s->idx = idx;
	apply(s, keep);
	return 0;
}

static void sc_paint(struct ui *ui)
{
	table_paint(ui, &st(ui)->tab, 1, ui->term.rows - 3);
}

static struct table *sc_table(struct ui *ui)
{
	return &st(ui)->tab;
}

static void sc_tabs(struct ui *ui, char *buf, size_t len)
{
	struct sc_state *s = st(ui);
	int open = 0;
	for (int i = 0; i < s->nall; i++)
		open += group(s->all[i].state) == 0;
	if (s->state == SC_STATE_ANY && !s->province[0] && !s->office[0]) {
		snprintf(buf, len, tr(ui, "Open %d | %d/%d"), open, s->nidx, s->nall);
		return;
	}
	/* filtered: what narrows the list, then how many of all are shown */
	snprintf(buf, len, "%s%s%s%s%s %d/%d",
		 s->state == SC_STATE_ANY ? "" : state_text((enum cd_state)s->state),
		 s->state != SC_STATE_ANY && s->province[0] ? " " : "", s->province,
		 s->office[0] ? " " : "", s->office, s->nidx, s->nall);
}

/* ---- keys ---- */
static void key_open(struct ui *ui)
{
	struct sc_state *s = st(ui);
	int r = table_cur(&s->tab);
	if (r < 0) {
		status_error(ui, tr(ui, "no complaint here"));
		return;
	}
	const struct cd_complaint *c = row_at(s, r);
	char tracking[TRACKING_BYTES];
	memcpy(tracking, c->tracking, sizeof tracking);
	support_request_page(ui, c->request_id, tracking);
}

static void key_state(struct ui *ui)
{
	struct sc_state *s = st(ui);
	s->state = s->state + 1 >= CD_COUNT ? SC_STATE_ANY : s->state + 1;
	apply(s, table_cur_id(&s->tab));
}

/* Picks one of the codes the loaded complaints have (provinces or offices). */
static void pick_code(struct ui *ui, int province, char *out, size_t len)
{
	struct sc_state *s = st(ui);
	const char **items = calloc((size_t)s->nall + 2, sizeof *items);
	int n = 0;
	if (!items)
		return;
	items[n++] = tr(ui, "(any)");
	for (int i = 0; i < s->nall; i++) {
		const char *code = province ? province_of(s, s->all[i].office_code)
					    : s->all[i].office_code;
		int seen = !code[0];
		for (int k = 1; k < n && !seen; k++)
			seen = !strcmp(items[k], code);
		if (!seen)
			items[n++] = code;
	}
	int k = prompt_pick(ui, province ? tr(ui, "Complaints of which province?")
					 : tr(ui, "Complaints of which office?"),
			    items, n);
	if (k == 0)
		out[0] = '\0';
	else if (k > 0)
		snprintf(out, len, "%s", items[k]);
	free(items);
	apply(s, table_cur_id(&s->tab));
}

static void key_province(struct ui *ui)
{
	pick_code(ui, 1, st(ui)->province, sizeof st(ui)->province);
}

static void key_office(struct ui *ui)
{
	pick_code(ui, 0, st(ui)->office, sizeof st(ui)->office);
}

static void key_clear(struct ui *ui)
{
	struct sc_state *s = st(ui);
	s->state = SC_STATE_ANY;
	s->province[0] = s->office[0] = '\0';
	apply(s, table_cur_id(&s->tab));
}

static void key_back(struct ui *ui)
{
	screen_open(ui, &support_screen);
}

static const struct keymap sc_keys[] = {
	{KM_ENTER, "request", "open the complaint's request (details, history, payments...)", 0,
	 KM_BAR, key_open},
	{'f', "state", "show complaints in the next state only: open, taken... (then all)", 0,
	 KM_BAR, key_state},
	{'p', "province", "show one province's complaints", 0, KM_BAR, key_province},
	{'b', "office", "show one office's complaints", 0, KM_BAR, key_office},
	{'x', "all", "clear the filters", 0, KM_BAR, key_clear},
	{'\t', "search", "back to the request search", 0, 0, key_back},
	{'c', "search", "back to the request search", 0, 0, key_back},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen support_complaints_screen = {
	.name = "support_complaints",
	.title = TX("All complaints"),
	.role = ROLE_NONE,
	.roles = ROLE_BIT(ROLE_SUPPORT),
	.keys = sc_keys,
	.open = sc_open,
	.close = sc_close,
	.load = sc_load,
	.paint = sc_paint,
	.table = sc_table,
	.tabs = sc_tabs,
};
