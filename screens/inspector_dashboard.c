/* inspector_dashboard.c - the dashboards: per office or per commune of the actor's
 * scope (an inspector's province, national for support and admin), over a chosen
 * period: requests paid by their stage now, median and 90th-percentile time from
 * payment to the post (from the history), backlog and overdue now; then the total
 * and two daily trend lines drawn with block characters (▁▂▃▄▅▆▇█, or ASCII when the
 * terminal is not UTF-8).  Figures come from dashboard_load(); the screen reloads
 * only when the database changed or the period did.  UI child only; no SQL. */
#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dashboard.h"
#include "local_day.h"
#include "screen.h"
#include "util.h"
#include "widget.h"

#define SECONDS_PER_DAY 86400
#define TREND_ROWS 3 /* paid, to the post, and the dates under them */

static const int periods[] = {7, 30, 90, 365};
#define NPERIODS ((int)(sizeof periods / sizeof periods[0]))

struct db_state {
	struct dashboard d;
	int period;	       /* index in periods[], or -1 for dates typed */
	int64_t from, to;      /* the period asked for */
	enum dash_group group;
	struct table tab;
};

static struct db_state *st(struct ui *ui)
{
	return ui->state;
}

static void fmt_dur(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s >= SECONDS_PER_DAY)
		snprintf(buf, len, tr_now("%.1fd"), (double)s / SECONDS_PER_DAY);
	else
		snprintf(buf, len, tr_now("%dh"), (int)((s + 1800) / 3600));
	/* 2,5 j: a decimal comma in French and Arabic */
	if (msg_session() != LANG_EN)
		for (char *p = buf; *p; p++)
			if (*p == '.')
				*p = ',';
}

static void fmt_day(int64_t t, char *buf, size_t len)
{
	char full[32];
	wq_fmt_time(t, full, sizeof full);
	full[10] = '\0';
	msg_date(msg_session(), full, buf, len);
}

enum { DC_CODE, DC_PAID, DC_WAIT, DC_PROD, DC_POST, DC_REJ, DC_MED, DC_P90, DC_BACKLOG,
       DC_OVERDUE, DC_NAME, DC_COUNT };
static const struct table_col dc_cols[DC_COUNT] = {
	[DC_CODE] = {TX("Code"), 11, 0},   [DC_PAID] = {TX("Paid"), 5, 1},
	[DC_WAIT] = {TX("Queue"), 5, 1},   [DC_PROD] = {TX("Prod"), 5, 1},
	[DC_POST] = {TX("Post"), 5, 1},    [DC_REJ] = {TX("Rej"), 4, 1},
	[DC_MED] = {TX("Median"), 6, 1},   [DC_P90] = {"P90", 6, 1},
	[DC_BACKLOG] = {TX("Backlg"), 6, 1}, [DC_OVERDUE] = {TX("Late"), 5, 1},
	[DC_NAME] = {TX("Name"), 0, 0},
};

static void row_cell(const struct dash_row *r, int col, char *buf, size_t len)
{
	const int *s = r->by_state;
	switch (col) {
	case DC_CODE:
		snprintf(buf, len, "%s", r->code);
		break;
	case DC_PAID:
		snprintf(buf, len, "%d", r->paid);
		break;
	case DC_WAIT: /* in the office queue or claimed, nothing produced yet */
		snprintf(buf, len, "%d", s[RS_PAID] + s[RS_CLAIMED]);
		break;
	case DC_PROD:
		snprintf(buf, len, "%d", s[RS_IN_PRODUCTION] + s[RS_AWAITING_SIGNATURE] + s[RS_SIGNED] +
						 s[RS_READY]);
		break;
	case DC_POST:
		snprintf(buf, len, "%d", s[RS_WITH_POST] + s[RS_DELIVERED]);
		break;
	case DC_REJ:
		snprintf(buf, len, "%d", s[RS_REJECTED] + s[RS_RETURNED] + s[RS_TO_COLLECT] + s[RS_DESTROYED]);
		break;
	case DC_MED:
		fmt_dur(r->median_seconds, buf, len);
		break;
	case DC_P90:
		fmt_dur(r->p90_seconds, buf, len);
		break;
	case DC_BACKLOG:
		snprintf(buf, len, "%d", r->backlog);
		break;
	case DC_OVERDUE:
		snprintf(buf, len, "%d", r->overdue);
		break;
	default:
		snprintf(buf, len, "%s", r->name);
	}
}

static void dc_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	row_cell(&((struct db_state *)ctx)->d.rows[row], col, buf, len);
}

static int64_t dc_num(const struct dash_row *r, int col)
{
	const int *s = r->by_state;
	switch (col) {
	case DC_PAID: return r->paid;
	case DC_WAIT: return s[RS_PAID] + s[RS_CLAIMED];
	case DC_PROD:
		return s[RS_IN_PRODUCTION] + s[RS_AWAITING_SIGNATURE] + s[RS_SIGNED] + s[RS_READY];
	case DC_POST: return s[RS_WITH_POST] + s[RS_DELIVERED];
	case DC_REJ: return s[RS_REJECTED] + s[RS_RETURNED] + s[RS_TO_COLLECT] + s[RS_DESTROYED];
	case DC_MED: return r->median_seconds;
	case DC_P90: return r->p90_seconds;
	case DC_BACKLOG: return r->backlog;
	default: return r->overdue;
	}
}

static int dc_cmp(void *ctx, int a, int b, int col)
{
	struct db_state *s = ctx;
	const struct dash_row *x = &s->d.rows[a], *y = &s->d.rows[b];
	if (col == DC_CODE)
		return strcmp(x->code, y->code);
	if (col == DC_NAME)
		return strcmp(x->name, y->name);
	/* numbers: the largest first is what one looks for */
	int64_t p = dc_num(x, col), q = dc_num(y, col);
	return p > q ? -1 : p < q;
}

static int64_t dc_id(void *ctx, int row)
{
	return ((struct db_state *)ctx)->d.rows[row].id;
}

static int dc_attr(void *ctx, int row)
{
	return ((struct db_state *)ctx)->d.rows[row].overdue > 0 ? A_BOLD : A_NORMAL;
}

static void set_period(struct db_state *s, int idx)
{
	int64_t tomorrow = local_day(wq_now()) + 1;
	s->period = idx;
	s->to = local_day_start(tomorrow);
	s->from = local_day_start(tomorrow - periods[idx]);
}

static int dash_open(struct ui *ui)
{
	struct db_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->tab = (struct table){
		.cols = dc_cols, .ncols = DC_COUNT, .ctx = s, .cell = dc_cell, .cmp = dc_cmp,
		.row_id = dc_id, .row_attr = dc_attr, .sort_col = -1,
		.empty = TX("  No office in your scope."),
	};
	set_period(s, 1);
	ui->state = s;
	return 0;
}

static void dash_close(struct ui *ui)
{
	struct db_state *s = st(ui);
	if (!s)
		return;
	dashboard_free(&s->d);
	table_free(&s->tab);
	free(s);
	ui->state = NULL;
}

static int dash_load(struct ui *ui)
{
	struct db_state *s = st(ui);
	struct dashboard d;
	struct wq_errbuf eb = {0};
	if (s->period >= 0)
		set_period(s, s->period); /* "last 30 days" moves with the clock */
	if (dashboard_load(ui->db, &ui->actor, s->group, s->from, s->to, ui->cfg->overdue_days,
			   &d, &eb)) {
		status_wq(ui, tr(ui, "loading the dashboard"), &eb);
		return -1;
	}
	int64_t keep = table_cur_id(&s->tab);
	dashboard_free(&s->d);
	s->d = d;
	table_set_rows(&s->tab, d.n, keep);
	return 0;
}

/* ---- the trend ---- */
static int utf8_terminal(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

/* One line of bars for v[0..n) squeezed or spread over width columns. */
static void sparkline(const int *v, int n, int width, int max, char *out, size_t len)
{
	static const char *const blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	static const char ascii[] = "_.-:=+*#";
	int utf8 = utf8_terminal();
	size_t o = 0;
	int cols = n < width ? n : width;
	out[0] = '\0';
	for (int c = 0; c < cols && o + 8 < len; c++) {
		/* the days that fall in this column: their sum, as an average per day */
		int a = (int)((int64_t)c * n / cols), b = (int)((int64_t)(c + 1) * n / cols);
		int64_t sum = 0;
		for (int i = a; i < b; i++)
			sum += v[i];
		int avg = b > a ? (int)(sum / (b - a)) : 0;
		int level = max > 0 ? (int)((int64_t)avg * 7 / max) : 0;
		if (avg == 0) {
			out[o++] = ' ';
		} else if (utf8) {
			o += (size_t)snprintf(out + o, len - o, "%s", blocks[level]);
		} else {
			out[o++] = ascii[level];
		}
	}
	out[o] = '\0';
}

static int trend_max(const int *v, int n)
{
	int m = 0;
	for (int i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

static void paint_trend(struct ui *ui, int y)
{
	struct db_state *s = st(ui);
	char bars[1200], line[1400], a[16], b[16];
	int label = 14, width = ui->term.cols - label - 10;
	int max = trend_max(s->d.trend_paid, s->d.days);
	int m2 = trend_max(s->d.trend_dispatched, s->d.days);
	if (m2 > max)
		max = m2; /* one scale for both lines: they compare */
	sparkline(s->d.trend_paid, s->d.days, width, max, bars, sizeof bars);
	snprintf(line, sizeof line, tr(ui, " Paid/day     %s"), bars);
	term_line(&ui->term, y, A_NORMAL, line, 0, 0, 0, 0);
	sparkline(s->d.trend_dispatched, s->d.days, width, max, bars, sizeof bars);
	snprintf(line, sizeof line, tr(ui, " To post/day  %s"), bars);
	term_line(&ui->term, y + 1, A_NORMAL, line, 0, 0, 0, 0);
	fmt_day(s->d.from, a, sizeof a);
	fmt_day(s->d.to - 1, b, sizeof b);
	int cols = s->d.days < width ? s->d.days : width;
	snprintf(line, sizeof line, tr(ui, "              %-*s%s  (top = %d/day)"),
		 cols > 12 ? cols - 10 : 2, a, b, max);
	term_line(&ui->term, y + 2, A_NORMAL, line, 0, 0, 0, 0);
}

static void dash_paint(struct ui *ui)
{
	struct db_state *s = st(ui);
	char line[400], a[16], b[16], cell[64];
	int bottom = ui->term.rows - 3; /* last body row */
	int trend_y = bottom - TREND_ROWS + 1;
	int total_y = trend_y - 1;
	fmt_day(s->d.from, a, sizeof a);
	fmt_day(s->d.to - 1, b, sizeof b);
	snprintf(line, sizeof line, tr(ui, " %s to %s (%d days), by %s; times paid -> post"),
		 a, b, s->d.days, tr(ui, s->group == DASH_BY_OFFICE ? "office" : "commune"));
	term_line(&ui->term, 1, A_BOLD, line, 0, 0, 0, 0);
	if (total_y - 2 < 2) { /* too small for the table: the total only */
		total_y = 2;
	} else {
		table_paint(ui, &s->tab, 2, total_y - 2);
	}
	/* the total row under the table, in the table's columns */
	size_t o = (size_t)snprintf(line, sizeof line, "  ");
	for (int c = 0; c < DC_COUNT - 1; c++) {
		char fit[64];
		row_cell(&s->d.total, c, cell, sizeof cell);
		term_fit(cell, dc_cols[c].width, 1, dc_cols[c].right, fit, sizeof fit);
		o += (size_t)snprintf(line + o, sizeof line - o, "%s ", fit);
	}
	term_line(&ui->term, total_y, A_BOLD, line, 0, 0, 0, 0);
	if (trend_y > total_y)
		paint_trend(ui, trend_y);
}

static struct table *dash_table(struct ui *ui)
{
	return &st(ui)->tab;
}

static void dash_tabs(struct ui *ui, char *buf, size_t len)
{
	struct db_state *s = st(ui);
	snprintf(buf, len, tr(ui, "%d %s | late %d"), s->d.n,
		 s->group == DASH_BY_OFFICE ? tr(ui, "offices") : tr(ui, "communes"),
		 s->d.total.overdue);
}

/* ---- keys ---- */
static void key_period(struct ui *ui)
{
	struct db_state *s = st(ui);
	set_period(s, s->period < 0 ? 0 : (s->period + 1) % NPERIODS);
	ui->reload = 1;
	status_info(ui, tr(ui, "last %d days"), periods[s->period]);
}

/* The day number (local_day.h) of a typed date. */
static int parse_day(const char *text, int64_t *day)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(text, "%Y-%m-%d", &tm);
	if (!end || *end)
		return -1;
	*day = (int64_t)timegm(&tm) / SECONDS_PER_DAY;
	return 0;
}

static void key_dates(struct ui *ui)
{
	struct db_state *s = st(ui);
	char from[16] = "", to[16] = "";
	struct form_field f[2] = {
		{TX("From (YYYY-MM-DD)"), "\\d{4}-\\d{2}-\\d{2}", TX("a date like 2024-05-01"), from,
		 sizeof from},
		{TX("To, included"), "\\d{4}-\\d{2}-\\d{2}", TX("a date like 2024-05-31"), to,
		 sizeof to},
	};
	int64_t a, b;
	if (!form_run(ui, tr(ui, "Dashboard period"), f, 2))
		return;
	if (parse_day(from, &a) || parse_day(to, &b) || b < a) {
		status_error(ui, tr(ui, "not a period: %s to %s"), from, to);
		return;
	}
	if (b - a + 1 > DASH_MAX_DAYS) {
		status_error(ui, tr(ui, "a period is at most %d days"), DASH_MAX_DAYS);
		return;
	}
	s->period = -1;
	s->from = local_day_start(a); /* midnights in Morocco */
	s->to = local_day_start(b + 1);
	ui->reload = 1;
}

static void key_group(struct ui *ui)
{
	struct db_state *s = st(ui);
	s->group = s->group == DASH_BY_OFFICE ? DASH_BY_COMMUNE : DASH_BY_OFFICE;
	s->tab.cur = s->tab.top = 0;
	ui->reload = 1;
}

static void key_detail(struct ui *ui)
{
	struct db_state *s = st(ui);
	int r = table_cur(&s->tab);
	char *lines[RS_COUNT + 8], title[80], buf[RS_COUNT + 8][200], m[16], p[16];
	int n = 0;
	if (r < 0)
		return;
	const struct dash_row *d = &s->d.rows[r];
	snprintf(buf[n++], sizeof buf[0], "%s  %s", d->code, d->name);
	snprintf(buf[n++], sizeof buf[0], tr(ui, "Paid in the period: %d, by their stage now:"),
		 d->paid);
	for (int i = RS_PAID; i < RS_COUNT; i++)
		if (i != RS_EXPIRED)
			snprintf(buf[n++], sizeof buf[0], "  %-14s %6d", tr(ui, req_state_name(i)),
				 d->by_state[i]);
	fmt_dur(d->median_seconds, m, sizeof m);
	fmt_dur(d->p90_seconds, p, sizeof p);
	snprintf(buf[n++], sizeof buf[0], tr(ui, "Handed to the post in the period: %d"),
		 d->dispatched);
	snprintf(buf[n++], sizeof buf[0], tr(ui, "Paid -> post: median %s, 90th percentile %s"), m,
		 p);
	snprintf(buf[n++], sizeof buf[0], tr(ui, "Backlog now: %d, of which overdue: %d"),
		 d->backlog, d->overdue);
	for (int i = 0; i < n; i++)
		lines[i] = buf[i];
	snprintf(title, sizeof title, tr(ui, "%s (Esc closes)"), d->code);
	prompt_pager(ui, title, lines, n);
}

/* Back to the role's own screen: the inspector's complaints, support's search. */
static void key_back(struct ui *ui)
{
	const struct screen *home = screen_for_role(ui->actor.role);
	if (home == &inspector_dashboard_screen || home == &placeholder_screen) {
		status_error(ui, tr(ui, "this is your only screen"));
		return;
	}
	screen_open(ui, home);
}

#define DASH_ROLES (ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_SUPPORT) | ROLE_BIT(ROLE_ADMIN))

static const struct keymap dash_keys[] = {
	{'p', "period", "next period: last 7, 30, 90, 365 days", 0, KM_BAR, key_period},
	{'P', "dates", "type the first and last day of the period", 0, 0, key_dates},
	{'c', "by commune", "group by office or by commune", 0, KM_BAR, key_group},
	{KM_ENTER, "detail", "every stage, times and backlog of the row", 0, KM_BAR,
	 key_detail},
	{'\t', "back", "back to your own screen (complaints, search)", 0, KM_BAR, key_back},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen inspector_dashboard_screen = {
	.name = "dashboard",
	.title = TX("Dashboard"),
	.role = ROLE_INSPECTOR,
	.roles = DASH_ROLES,
	.keys = dash_keys,
	.open = dash_open,
	.close = dash_close,
	.load = dash_load,
	.paint = dash_paint,
	.table = dash_table,
	.tabs = dash_tabs,
};
