/* support.c - the support and assistance screen (national): find any request by
 * tracking number, national ID (CIN), phone, a partial name in Arabic or Latin, or a
 * PCRE2 pattern; read its details, full history, payments, notifications, complaints
 * and internal notes on one page; add a note; send a notification again; open a
 * complaint on the citizen's behalf (a citizen on the phone); c lists every complaint
 * (support_complaints.c), whose requests open on the same page.  Searching is
 * search_requests() (scope in the data layer); this file shows and asks.  The hits
 * stay as found until the next search: a reload refreshes the search, not a timer.
 * UI child only; no SQL. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint_desk.h"
#include "screen.h"
#include "search.h"
#include "sheet.h"
#include "support.h"
#include "util.h"
#include "widget.h"

struct sp_state {
	char query[SEARCH_QUERY_BYTES];
	struct search_result res;
	struct table tab;
	int searched;
};

static struct sp_state *st(struct ui *ui)
{
	return ui->state;
}

enum { SC_TRACKING, SC_STATE, SC_OFFICE, SC_CIN, SC_PHONE, SC_NAME, SC_NAME_AR, SC_COUNT };
static const struct table_col sp_cols[SC_COUNT] = {
	[SC_TRACKING] = {TX("Tracking"), 11, 0}, [SC_STATE] = {TX("State"), 13, 0},
	[SC_OFFICE] = {TX("Office"), 10, 0},     [SC_CIN] = {TX("CIN"), 9, 0},
	[SC_PHONE] = {TX("Phone"), 10, 0},	     [SC_NAME] = {TX("Name"), 12, 0},
	[SC_NAME_AR] = {"الاسم", 0, 0},
};

static void sp_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	const struct search_hit *h = &((struct sp_state *)ctx)->res.hits[row];
	const char *v[SC_COUNT] = {h->tracking, tr_now(h->state), h->office_code, h->cin,
				   h->phone, h->name_lat, h->name_ar};
	snprintf(buf, len, "%s", v[col]);
}

static int sp_cmp(void *ctx, int a, int b, int col)
{
	char x[300], y[300];
	sp_cell(ctx, a, col, x, sizeof x);
	sp_cell(ctx, b, col, y, sizeof y);
	return strcmp(x, y);
}

static int64_t sp_id(void *ctx, int row)
{
	return ((struct sp_state *)ctx)->res.hits[row].id;
}

static int sp_open(struct ui *ui)
{
	struct sp_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->tab = (struct table){
		.cols = sp_cols, .ncols = SC_COUNT, .ctx = s, .cell = sp_cell, .cmp = sp_cmp,
		.row_id = sp_id, .sort_col = -1,
		.empty = TX("  s: find a request by tracking number, CIN, phone, name or /pattern/"),
	};
	ui->state = s;
	return 0;
}

static void sp_close(struct ui *ui)
{
	struct sp_state *s = st(ui);
	if (!s)
		return;
	search_result_free(&s->res);
	table_free(&s->tab);
	free(s);
	ui->state = NULL;
}

static int run_search(struct ui *ui)
{
	struct sp_state *s = st(ui);
	struct search_result r;
	struct wq_errbuf eb = {0};
	if (search_requests(ui->db, &ui->actor, SEARCH_AUTO, s->query, &r, &eb)) {
		status_wq(ui, tr(ui, "search"), &eb);
		return -1;
	}
	int64_t keep = table_cur_id(&s->tab);
	search_result_free(&s->res);
	s->res = r;
	s->searched = 1;
	table_set_rows(&s->tab, r.n, keep);
	return 0;
}

static int sp_load(struct ui *ui)
{
	/* a stage moved somewhere: the states shown may be stale, search again */
	return st(ui)->searched ? run_search(ui) : 0;
}

static void sp_paint(struct ui *ui)
{
	struct sp_state *s = st(ui);
	char line[300];
	if (!s->searched)
		snprintf(line, sizeof line, "%s", tr(ui, " Search: (none yet)"));
	else
		snprintf(line, sizeof line, tr(ui, " Search: %s  [%s] %d found%s"), s->query,
			 tr(ui, search_kind_name(s->res.kind)), s->res.n,
			 s->res.truncated ? tr(ui, " (more: narrow the search)") : "");
	term_line(&ui->term, 1, A_BOLD, line, 0, 0, 0, 0);
	table_paint(ui, &s->tab, 2, ui->term.rows - 4);
}

static struct table *sp_table(struct ui *ui)
{
	return &st(ui)->tab;
}

static void sp_tabs(struct ui *ui, char *buf, size_t len)
{
	snprintf(buf, len, tr(ui, "%d found"), st(ui)->res.n);
}

static const struct search_hit *current(struct ui *ui)
{
	struct sp_state *s = st(ui);
	int r = table_cur(&s->tab);
	if (r < 0) {
		status_error(ui, tr(ui, "no request here: s searches"));
		return NULL;
	}
	return &s->res.hits[r];
}

/* ---- keys ---- */
static void key_find(struct ui *ui)
{
	struct sp_state *s = st(ui);
	char q[SEARCH_QUERY_BYTES];
	snprintf(q, sizeof q, "%s", s->query);
	if (!prompt_text(ui, tr(ui, "Find (tracking, CIN, phone, name, /pattern/): "), q, sizeof q) ||
	    !q[0])
		return;
	snprintf(s->query, sizeof s->query, "%s", q);
	s->tab.cur = s->tab.top = 0;
	if (run_search(ui) == 0)
		status_info(ui, tr(ui, "%d found by %s%s"), s->res.n,
			    tr(ui, search_kind_name(s->res.kind)),
			    s->res.scanned ? tr(ui, " (newest requests scanned)") : "");
}

static void add_payments(struct ui *ui, struct pager_lines *L, int64_t id)
{
	struct search_payment *p = NULL;
	struct wq_errbuf eb = {0};
	char t[32], m[32];
	int n = 0;
	if (search_payments(ui->db, &ui->actor, id, &p, &n, &eb))
		return;
	pager_add(L, tr(ui, "Payments (%d)"), n);
	for (int i = 0; i < n; i++) {
		table_time(p[i].created_at, t, sizeof t);
		msg_money(ui->lang, p[i].amount_centimes, m, sizeof m);
		pager_add(L, tr(ui, "  %s  %-10s %8s MAD  %s"), t, tr(ui, p[i].status), m,
		    p[i].gateway_ref);
	}
	free(p);
}

static void add_notices(struct ui *ui, struct pager_lines *L, int64_t id)
{
	struct search_notice *x = NULL;
	struct wq_errbuf eb = {0};
	char t[32];
	int n = 0;
	if (search_notices(ui->db, &ui->actor, id, &x, &n, &eb))
		return;
	pager_add(L, tr(ui, "Notifications (%d)"), n);
	for (int i = 0; i < n; i++) {
		table_time(x[i].created_at, t, sizeof t);
		pager_add(L, "  #%lld %s  %-5s %-8s x%d  %s", (long long)x[i].id, t, x[i].channel,
		    x[i].state, x[i].attempts, x[i].recipient);
		pager_add(L, "      %.200s", x[i].body);
		if (x[i].last_error[0])
			pager_add(L, tr(ui, "      error: %s"), x[i].last_error);
	}
	free(x);
}

static void add_complaints(struct ui *ui, struct pager_lines *L, int64_t id)
{
	struct cd_complaint *c = NULL;
	struct wq_errbuf eb = {0};
	char t[32];
	int n = 0;
	if (complaint_desk_for_request(ui->db, &ui->actor, id, &c, &n, &eb))
		return;
	pager_add(L, tr(ui, "Complaints (%d)"), n);
	for (int i = 0; i < n; i++) {
		table_time(c[i].opened_at, t, sizeof t);
		pager_add(L, tr(ui, "  #%lld %s  %-9s by %s%s%s"), (long long)c[i].id, t,
		    tr_now(cd_state_name(c[i].state)),
		    c[i].opened_by[0] ? c[i].opened_by : tr_now("citizen"),
		    c[i].inspector[0] ? tr_now(", inspector ") : "", c[i].inspector);
		pager_add(L, "      %.300s", c[i].body);
		if (c[i].answered_at)
			pager_add(L, tr(ui, "      answer: %.300s"), c[i].answer);
	}
	free(c);
}

static void add_notes(struct ui *ui, struct pager_lines *L, int64_t id)
{
	struct search_note *x = NULL;
	struct wq_errbuf eb = {0};
	char t[32];
	int n = 0;
	if (search_notes(ui->db, &ui->actor, id, &x, &n, &eb))
		return;
	pager_add(L, tr(ui, "Internal notes (%d, never shown to the citizen)"), n);
	for (int i = 0; i < n; i++) {
		table_time(x[i].at, t, sizeof t);
		pager_add(L, "  %s  %s: %.300s", t, x[i].author, x[i].body);
	}
	free(x);
}

void support_request_page(struct ui *ui, int64_t id, const char *tracking)
{
	struct wq_errbuf eb = {0};
	struct pager_lines L = {0};
	char **sheet = NULL, title[80];
	int nsheet = 0;
	if (sheet_lines(ui->db, &ui->actor, id, &sheet, &nsheet, &eb)) {
		status_wq(ui, tr(ui, "details"), &eb);
		return;
	}
	for (int i = 0; i < nsheet; i++)
		pager_add(&L, "%s", sheet[i]);
	sheet_lines_free(sheet, nsheet);
	pager_add(&L, "%s", "");
	add_payments(ui, &L, id);
	add_notices(ui, &L, id);
	add_complaints(ui, &L, id);
	add_notes(ui, &L, id);
	snprintf(title, sizeof title, tr(ui, "%s: everything (Esc closes)"), tracking);
	prompt_pager(ui, title, L.l, L.n);
	sheet_lines_free(L.l, L.n);
}

static void key_view(struct ui *ui)
{
	const struct search_hit *h = current(ui);
	if (h)
		support_request_page(ui, h->id, h->tracking);
}

static void key_note(struct ui *ui)
{
	const struct search_hit *h = current(ui);
	struct wq_errbuf eb = {0};
	char text[NOTE_MAX_BYTES] = "", title[80], tracking[TRACKING_BYTES];
	if (!h)
		return;
	int64_t id = h->id;
	snprintf(tracking, sizeof tracking, "%s", h->tracking);
	snprintf(title, sizeof title, tr(ui, "Internal note on %s (staff only)"), tracking);
	struct form_field f = {TX("Note"), FORM_TEXT_PATTERN, TX("3 to 900 characters, not only spaces"),
			       text, sizeof text};
	if (!form_run(ui, title, &f, 1))
		return;
	if (search_note_add(ui->db, &ui->actor, id, text, &eb))
		status_wq(ui, tr(ui, "note"), &eb);
	else
		status_info(ui, tr(ui, "note added to %s"), tracking);
}

static void key_resend(struct ui *ui)
{
	const struct search_hit *h = current(ui);
	struct search_notice *x = NULL;
	struct wq_errbuf eb = {0};
	char tracking[TRACKING_BYTES], t[32];
	int n = 0;
	if (!h)
		return;
	snprintf(tracking, sizeof tracking, "%s", h->tracking);
	if (search_notices(ui->db, &ui->actor, h->id, &x, &n, &eb)) {
		status_wq(ui, tr(ui, "notifications"), &eb);
		return;
	}
	if (n == 0) {
		status_error(ui, tr(ui, "%s has no notification to send again"), tracking);
		free(x);
		return;
	}
	char (*labels)[200] = calloc((size_t)n, sizeof *labels);
	const char **items = calloc((size_t)n, sizeof *items);
	if (labels && items) {
		for (int i = 0; i < n; i++) {
			table_time(x[i].created_at, t, sizeof t);
			snprintf(labels[i], sizeof labels[i], "#%lld %s %-5s %-7s %.100s",
				 (long long)x[i].id, t, x[i].channel, x[i].state, x[i].body);
			items[i] = labels[i];
		}
		int k = prompt_pick(ui, tr(ui, "Send which notification again?"), items, n);
		int64_t new_id = 0;
		if (k < 0)
			status_info(ui, tr(ui, "nothing sent"));
		else if (search_resend(ui->db, &ui->actor, x[k].id, &new_id, &eb))
			status_wq(ui, tr(ui, "resend"), &eb);
		else
			status_info(ui, tr(ui, "%s: %s to %s queued again (#%lld)"), tracking,
				    x[k].channel, x[k].recipient, (long long)new_id);
	}
	free(labels);
	free(items);
	free(x);
}

static void key_complain(struct ui *ui)
{
	const struct search_hit *h = current(ui);
	struct wq_errbuf eb = {0};
	char text[NOTE_MAX_BYTES] = "", title[80], tracking[TRACKING_BYTES];
	int64_t cid = 0;
	if (!h)
		return;
	int64_t id = h->id;
	snprintf(tracking, sizeof tracking, "%s", h->tracking);
	snprintf(title, sizeof title, tr(ui, "Complaint on %s, for the citizen"), tracking);
	struct form_field f = {TX("Complaint"), FORM_TEXT_PATTERN,
			       TX("3 to 900 characters, not only spaces"),
			       text, sizeof text};
	if (!form_run(ui, title, &f, 1))
		return;
	if (complaint_desk_open(ui->db, &ui->actor, id, text, &cid, &eb))
		status_wq(ui, tr(ui, "complaint"), &eb);
	else
		status_info(ui, tr(ui, "complaint #%lld opened on %s: the province's inspector has it"),
			    (long long)cid, tracking);
}

static void key_dashboard(struct ui *ui)
{
	screen_open(ui, &inspector_dashboard_screen);
}

static void key_complaints(struct ui *ui)
{
	screen_open(ui, &support_complaints_screen);
}

#define SUPPORT ROLE_BIT(ROLE_SUPPORT)

static const struct keymap sp_keys[] = {
	{'s', "find", "find requests: tracking, CIN, phone, name (ar/fr), /pattern/", 0,
	 KM_BAR, key_find},
	{KM_ENTER, "view", "details, history, payments, notifications, complaints, notes", 0,
	 KM_BAR, key_view},
	{'N', "note", "add an internal note (staff only)", SUPPORT, KM_WRITE | KM_BAR,
	 key_note},
	{'R', "resend", "send one of the request's notifications again", SUPPORT,
	 KM_WRITE | KM_BAR, key_resend},
	{'C', "complain", "open a complaint on the citizen's behalf", SUPPORT,
	 KM_WRITE | KM_BAR, key_complain},
	{'\t', "dashboard", "the national dashboards", 0, 0, key_dashboard},
	{'c', "complaints", "every complaint: open first, filter by state, province, office", 0,
	 KM_BAR, key_complaints},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen support_screen = {
	.name = "support",
	.title = TX("Support"),
	.role = ROLE_SUPPORT,
	.roles = SUPPORT,
	.keys = sp_keys,
	.open = sp_open,
	.close = sp_close,
	.load = sp_load,
	.paint = sp_paint,
	.table = sp_table,
	.tabs = sp_tabs,
};
