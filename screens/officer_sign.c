/* officer_sign.c - the civil-status officer's screen (ضابط الحالة المدنية): the
 * documents his office produced (and those of the low-activity offices it relays) that
 * wait for his signature, oldest first, reloaded live when another session commits.
 * Enter shows a request's details and history; he signs one, or a marked batch, or
 * sends one back to its agent with a reason.  Only once signed may the agent seal the
 * envelope (src/lifecycle.c).  Which requests he sees and may sign is decided by the
 * data layer from his actor (his office and the offices it relays); this file only shows
 * them.  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desk.h"
#include "request.h"
#include "screen.h"
#include "sheet.h"
#include "util.h"
#include "widget.h"

#define OS_LIST_LIMIT 1000

struct os_state {
	struct request *rows;
	int n;
	struct table tab;
	struct marks marks; /* requests marked for a batch signature */
	int64_t now;
};

static struct os_state *st(struct ui *ui)
{
	return ui->state;
}

/* ---- the table ---- */
enum { OC_TRACKING, OC_WAIT, OC_OFFICE, OC_AGENT, OC_DOC, OC_NAME, OC_NAME_AR, OC_COUNT };
static const struct table_col cols[OC_COUNT] = {
	[OC_TRACKING] = {TX("Tracking"), 11, 0}, [OC_WAIT] = {TX("Waiting"), 7, 1},
	[OC_OFFICE] = {TX("Office"), 10, 0},	 [OC_AGENT] = {TX("Agent"), 10, 0},
	[OC_DOC] = {TX("Doc"), 7, 0},		 [OC_NAME] = {TX("Name"), 18, 0},
	[OC_NAME_AR] = {"الاسم", 0, 0},
};

static void cell(void *ctx, int row, int col, char *buf, size_t len)
{
	struct os_state *s = ctx;
	const struct request *r = &s->rows[row];
	switch (col) {
	case OC_TRACKING:
		snprintf(buf, len, "%s", r->tracking);
		break;
	case OC_WAIT:
		table_age(s->now - r->stage_at, 1, buf, len);
		break;
	case OC_OFFICE:
		snprintf(buf, len, "%s", r->office_code);
		break;
	case OC_AGENT:
		snprintf(buf, len, "%s", r->agent_name);
		break;
	case OC_DOC:
		sheet_doc_cell(r, buf, len);
		break;
	case OC_NAME:
		snprintf(buf, len, "%s %s", r->last_name_lat, r->first_name_lat);
		break;
	default:
		snprintf(buf, len, "%s %s", r->first_name_ar, r->last_name_ar);
	}
}

static int cmp(void *ctx, int a, int b, int col)
{
	struct os_state *s = ctx;
	const struct request *x = &s->rows[a], *y = &s->rows[b];
	switch (col) {
	case OC_WAIT:
		return (x->stage_at < y->stage_at) - (x->stage_at > y->stage_at);
	case OC_OFFICE:
		return strcmp(x->office_code, y->office_code);
	case OC_AGENT:
		return strcmp(x->agent_name, y->agent_name);
	case OC_NAME:
		return strcmp(x->last_name_lat, y->last_name_lat);
	default:
		return strcmp(x->tracking, y->tracking);
	}
}

static int64_t row_id(void *ctx, int row)
{
	return ((struct os_state *)ctx)->rows[row].id;
}

static int row_mark(void *ctx, int row)
{
	struct os_state *s = ctx;
	return marks_find(&s->marks, s->rows[row].id) >= 0 ? '*' : ' ';
}

/* Oldest wait first: the list is the order he signs in. */
static int by_wait(const void *a, const void *b)
{
	const struct request *x = a, *y = b;
	if (x->stage_at != y->stage_at)
		return x->stage_at < y->stage_at ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* ---- screen hooks ---- */
static int officer_open(struct ui *ui)
{
	struct os_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->tab = (struct table){
		.cols = cols, .ncols = OC_COUNT, .ctx = s, .cell = cell, .cmp = cmp,
		.row_id = row_id, .row_mark = row_mark, .sort_col = -1,
		.empty = TX("  Nothing waits for your signature."),
	};
	ui->state = s;
	return 0;
}

static void officer_close(struct ui *ui)
{
	struct os_state *s = st(ui);
	if (!s)
		return;
	free(s->rows);
	table_free(&s->tab);
	marks_free(&s->marks);
	free(s);
	ui->state = NULL;
}

static int officer_load(struct ui *ui)
{
	struct os_state *s = st(ui);
	struct request_filter f = {.states = STATE_BIT(RS_AWAITING_SIGNATURE),
				   .oldest_first = 1, .limit = OS_LIST_LIMIT};
	struct request *rows = NULL;
	struct wq_errbuf eb = {0};
	int n = 0;

	s->now = wq_now();
	if (request_list(ui->db, &ui->actor, &f, &rows, &n, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "loading the requests"), &eb);
		return -1;
	}
	if (n > 1)
		qsort(rows, (size_t)n, sizeof *rows, by_wait);
	TABLE_REPLACE(&s->tab, s->rows, s->n, rows, n);
	marks_keep(&s->marks, s->rows, s->n);
	return 0;
}

static void officer_paint(struct ui *ui)
{
	table_paint(ui, &st(ui)->tab, 1, ui->term.rows - 3);
}

static struct table *officer_table(struct ui *ui)
{
	return &st(ui)->tab;
}

static void officer_tabs(struct ui *ui, char *buf, size_t len)
{
	struct os_state *s = st(ui);
	char marks[24] = "";
	if (s->marks.n)
		snprintf(marks, sizeof marks, tr(ui, "%d marked  "), s->marks.n);
	snprintf(buf, len, "%s%s %d", marks, tr(ui, "To sign"), s->n);
}

static const struct request *current(struct ui *ui)
{
	struct os_state *s = st(ui);
	int r = table_cur(&s->tab);
	if (r < 0) {
		status_error(ui, tr(ui, "no request here"));
		return NULL;
	}
	return &s->rows[r];
}

/* ---- keys ---- */
static void key_details(struct ui *ui)
{
	const struct request *r = current(ui);
	if (r)
		sheet_show(ui, r->id, r->tracking);
}

static void key_mark(struct ui *ui)
{
	struct os_state *s = st(ui);
	const struct request *r = current(ui);
	if (!r)
		return;
	marks_toggle(&s->marks, r->id);
	table_move(&s->tab, 1);
}

static int sign_one(struct ui *ui, int64_t id, int64_t version, struct wq_errbuf *eb)
{
	return request_transition(ui->db, &ui->actor, id, version, RS_SIGNED, "", eb);
}

static void sign_batch(struct ui *ui)
{
	struct os_state *s = st(ui);
	struct wq_errbuf first = {0};
	char q[120];
	int failed;

	snprintf(q, sizeof q, tr(ui, "Sign the documents of the %d marked requests?"),
		 s->marks.n);
	if (!prompt_yesno(ui, q))
		return;
	int ok = marks_run(ui, &s->marks, s->rows, s->n, sign_one, &failed, &first);
	if (failed)
		status_error(ui, tr(ui, "signed %d, %d failed: %s"), ok, failed, first.msg);
	else
		status_info(ui, tr(ui, "signed %d requests: their agents seal the envelopes"), ok);
}

static void key_sign(struct ui *ui)
{
	const struct request *r;
	struct wq_errbuf eb = {0};
	char q[200], tracking[TRACKING_BYTES];

	if (st(ui)->marks.n) {
		sign_batch(ui);
		return;
	}
	if (!(r = current(ui)))
		return;
	char docs[24];
	sheet_doc_cell(r, docs, sizeof docs); /* "extr x2", or "2 docs": one signature */
	snprintf(q, sizeof q, tr(ui, "Sign the documents of %s (%s %s, %s)?"), r->tracking,
		 r->last_name_lat, r->first_name_lat, docs);
	if (!prompt_yesno(ui, q))
		return;
	memcpy(tracking, r->tracking, sizeof tracking);
	if (request_transition(ui->db, &ui->actor, r->id, r->version, RS_SIGNED, "", &eb) !=
	    WQ_OK)
		status_wq(ui, tracking, &eb);
	else
		status_info(ui, tr(ui, "%s signed: its agent seals the envelope"), tracking);
	ui->reload = 1;
}

static const char *const back_reasons[] = {
	TX("the document does not match the record"),
	TX("misspelt name"),
	TX("wrong date"),
	TX("illegible or incomplete document"),
	TX("other (type the reason)"),
};
#define BACK_OTHER 4

static void key_back(struct ui *ui)
{
	const struct request *r = current(ui);
	struct wq_errbuf eb = {0};
	char reason[200], q[300], tracking[TRACKING_BYTES];
	if (!r)
		return;
	memcpy(tracking, r->tracking, sizeof tracking);
	if (!desk_reason(ui, tr(ui, "Send back to the agent: why?"), back_reasons,
			 (int)(sizeof back_reasons / sizeof back_reasons[0]), BACK_OTHER, reason,
			 sizeof reason)) {
		status_info(ui, tr(ui, "not sent back"));
		return;
	}
	snprintf(q, sizeof q, tr(ui, "Send %s back to %s (%s)?"), tracking, r->agent_name,
		 tr(ui, reason));
	if (!prompt_yesno(ui, q))
		return;
	if (request_transition(ui->db, &ui->actor, r->id, r->version, RS_IN_PRODUCTION, reason,
			       &eb) != WQ_OK)
		status_wq(ui, tracking, &eb);
	else
		status_info(ui, tr(ui, "%s sent back to its agent"), tracking);
	ui->reload = 1;
}

#define OFFICER ROLE_BIT(ROLE_OFFICER)

static const struct keymap officer_keys[] = {
	{KM_ENTER, "open", "details and history of the request", 0, 0, key_details},
	{'h', "details", "details and history of the request", 0, KM_BAR, key_details},
	{' ', "mark", "mark or unmark a request for a batch signature", 0, 0, key_mark},
	{'s', "sign", "sign the request's documents (or every marked request's)", OFFICER,
	 KM_WRITE | KM_BAR, key_sign},
	{'b', "send back", "send the request back to its agent, with a reason", OFFICER,
	 KM_WRITE | KM_BAR, key_back},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen officer_sign_screen = {
	.name = "officer_sign",
	.title = TX("Signature"),
	.role = ROLE_OFFICER,
	.roles = ROLE_BIT(ROLE_OFFICER),
	.keys = officer_keys,
	.open = officer_open,
	.close = officer_close,
	.load = officer_load,
	.paint = officer_paint,
	.table = officer_table,
	.tabs = officer_tabs,
};
