/* treasury.c - the treasury's screen (national): "Due", what each commune has earned
 * and not yet received for a period (and what still waits in the offices), and
 * "Batches", the distribution batches built so far.  From here the treasury builds the
 * batches of a finished period (all communes, or the one under the cursor), reads a
 * batch's requests, and marks a batch transferred with its bank reference.  Totals and
 * the one-batch-per-request rule are kept by the data layer (finance.h); this file only
 * shows and asks.  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finance.h"
#include "refund_desk.h"
#include "screen.h"
#include "util.h"
#include "widget.h"

enum { V_DUE, V_BATCHES, V_COUNT };

struct tr_state {
	int view;
	struct fin_period period;
	struct settle_preview *due;
	int ndue;
	struct settlement *bat;
	int nbat;
	struct table tab[V_COUNT];
	int64_t due_total, wait_total;
	int due_count, wait_count;
	int64_t back_total; /* fees the communes owe back: their next batches take them */
	int back_communes;
};

static struct tr_state *st(struct ui *ui)
{
	return ui->state;
}

/* ---- Due ---- */
enum { DC_CODE, DC_ACCOUNT, DC_N, DC_DUE, DC_WN, DC_WAIT, DC_NAME, DC_COUNT };
static const struct table_col due_cols[DC_COUNT] = {
	[DC_CODE] = {TX("Commune"), 14, 0}, [DC_ACCOUNT] = {TX("Post account"), 14, 0},
	[DC_N] = {TX("Req"), 5, 1},		[DC_DUE] = {TX("Due MAD"), 11, 1},
	[DC_WN] = {TX("Wait"), 5, 1},	[DC_WAIT] = {TX("Waiting"), 10, 1},
	[DC_NAME] = {TX("Name"), 0, 0},
};

static void due_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	const struct settle_preview *d = &((struct tr_state *)ctx)->due[row];
	switch (col) {
	case DC_CODE:
		snprintf(buf, len, "%s", d->commune_code);
		break;
	case DC_ACCOUNT:
		snprintf(buf, len, "%s", d->post_account);
		break;
	case DC_N:
		snprintf(buf, len, "%d", d->count);
		break;
	case DC_DUE:
		msg_money(msg_session(), d->centimes, buf, len);
		break;
	case DC_WN:
		snprintf(buf, len, "%d", d->processing_count);
		break;
	case DC_WAIT:
		msg_money(msg_session(), d->processing_centimes, buf, len);
		break;
	default:
		snprintf(buf, len, "%s", d->commune_name);
	}
}

static int due_cmp(void *ctx, int a, int b, int col)
{
	const struct tr_state *s = ctx;
	const struct settle_preview *x = &s->due[a], *y = &s->due[b];
	int64_t u, v;
	switch (col) {
	case DC_N:
		u = x->count, v = y->count;
		break;
	case DC_DUE:
		u = x->centimes, v = y->centimes;
		break;
	case DC_WN:
		u = x->processing_count, v = y->processing_count;
		break;
	case DC_WAIT:
		u = x->processing_centimes, v = y->processing_centimes;
		break;
	case DC_NAME:
		return strcmp(x->commune_name, y->commune_name);
	default:
		return strcmp(x->commune_code, y->commune_code);
	}
	return u < v ? -1 : u > v;
}

static int64_t due_id(void *ctx, int row)
{
	return ((struct tr_state *)ctx)->due[row].commune_id;
}

/* ---- Batches ---- */
enum { BC_ID, BC_CODE, BC_PERIOD, BC_N, BC_TOTAL, BC_STATE, BC_REF, BC_COUNT };
static const struct table_col bat_cols[BC_COUNT] = {
	[BC_ID] = {"#", 4, 1},	       [BC_CODE] = {TX("Commune"), 14, 0},
	[BC_PERIOD] = {TX("Period"), 21, 0}, [BC_N] = {TX("Req"), 4, 1},
	[BC_TOTAL] = {TX("Total MAD"), 10, 1}, [BC_STATE] = {TX("State"), 11, 0},
	[BC_REF] = {TX("Transfer ref"), 0, 0},
};

static void bat_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	const struct settlement *b = &((struct tr_state *)ctx)->bat[row];
	struct fin_period p = {b->period_start, b->period_end};
	switch (col) {
	case BC_ID:
		snprintf(buf, len, "%lld", (long long)b->id);
		break;
	case BC_CODE:
		snprintf(buf, len, "%s", b->commune_code);
		break;
	case BC_PERIOD:
		fin_period_name(&p, buf, len);
		break;
	case BC_N:
		snprintf(buf, len, "%d", b->count);
		break;
	case BC_TOTAL: /* what the treasury transfers: less what the batch took back */
		msg_money(msg_session(), b->total_centimes - b->recovered_centimes, buf, len);
		break;
	case BC_STATE:
		snprintf(buf, len, "%s", tr_now(b->state));
		break;
	default:
		snprintf(buf, len, "%s", b->transfer_ref);
	}
}

static int bat_cmp(void *ctx, int a, int b, int col)
{
	const struct tr_state *s = ctx;
	const struct settlement *x = &s->bat[a], *y = &s->bat[b];
	int64_t u, v;
	switch (col) {
	case BC_CODE:
		return strcmp(x->commune_code, y->commune_code);
	case BC_STATE:
		return strcmp(x->state, y->state);
	case BC_REF:
		return strcmp(x->transfer_ref, y->transfer_ref);
	case BC_PERIOD:
		u = x->period_start, v = y->period_start;
		break;
	case BC_N:
		u = x->count, v = y->count;
		break;
	case BC_TOTAL:
		u = x->total_centimes - x->recovered_centimes,
		v = y->total_centimes - y->recovered_centimes;
		break;
	default:
		u = x->id, v = y->id;
	}
	return u < v ? -1 : u > v;
}

static int64_t bat_id(void *ctx, int row)
{
	return ((struct tr_state *)ctx)->bat[row].id;
}

static int bat_attr(void *ctx, int row)
{
	/* built and not yet paid out: what the treasury still has to do */
	return strcmp(((struct tr_state *)ctx)->bat[row].state, "built") ? A_NORMAL : A_BOLD;
}

/* ---- hooks ---- */
static int treasury_open(struct ui *ui)
{
	struct tr_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	/* the last finished month: the one a batch can be built for */
	fin_period_month(wq_now(), -1, &s->period);
	s->tab[V_DUE] = (struct table){
		.cols = due_cols, .ncols = DC_COUNT, .ctx = s, .cell = due_cell, .cmp = due_cmp,
		.row_id = due_id, .sort_col = -1,
		.empty = TX("  Nothing due: every earned fee paid before the period's end is in a batch."),
	};
	s->tab[V_BATCHES] = (struct table){
		.cols = bat_cols, .ncols = BC_COUNT, .ctx = s, .cell = bat_cell, .cmp = bat_cmp,
		.row_id = bat_id, .row_attr = bat_attr, .sort_col = -1,
		.empty = TX("  No batch built yet. Tab: Due, b: build the period's batches."),
	};
	ui->state = s;
	return 0;
}

static void treasury_close(struct ui *ui)
{
	struct tr_state *s = st(ui);
	if (!s)
		return;
	free(s->due);
	free(s->bat);
	for (int v = 0; v < V_COUNT; v++)
		table_free(&s->tab[v]);
	free(s);
	ui->state = NULL;
}

static int treasury_load(struct ui *ui)
{
	struct tr_state *s = st(ui);
	struct wq_errbuf eb = {0};
	struct settle_preview *due = NULL;
	struct settlement *bat = NULL;
	struct commune_recover *back = NULL;
	int ndue = 0, nbat = 0, nback = 0;
	if (treasury_preview(ui->db, &ui->actor, &s->period, &due, &ndue, &eb) != WQ_OK ||
	    treasury_batches(ui->db, &ui->actor, 0, &bat, &nbat, &eb) != WQ_OK ||
	    refund_desk_recover(ui->db, &ui->actor, 0, &back, &nback, &eb) != WQ_OK) {
		free(due);
		free(bat);
		status_wq(ui, tr(ui, "loading what is due"), &eb);
		return -1;
	}
	s->back_total = 0;
	s->back_communes = 0;
	for (int i = 0; i < nback; i++) {
		s->back_total += back[i].centimes;
		s->back_communes += back[i].centimes > 0;
	}
	free(back);
	TABLE_REPLACE(&s->tab[V_DUE], s->due, s->ndue, due, ndue);
	TABLE_REPLACE(&s->tab[V_BATCHES], s->bat, s->nbat, bat, nbat);
	s->due_total = s->wait_total = 0;
	s->due_count = s->wait_count = 0;
	for (int i = 0; i < ndue; i++) {
		s->due_count += due[i].count;
		s->due_total += due[i].centimes;
		s->wait_count += due[i].processing_count;
		s->wait_total += due[i].processing_centimes;
	}
	return 0;
}

static void treasury_paint(struct ui *ui)
{
	struct tr_state *s = st(ui);
	char line[256], period[40], due[32], wait[32];
	fin_period_name(&s->period, period, sizeof period);
	msg_money(ui->lang, s->due_total, due, sizeof due);
	msg_money(ui->lang, s->wait_total, wait, sizeof wait);
	/* "up to": fees paid earlier and earned since are carried into this period */
	snprintf(line, sizeof line,
		 tr(ui, " Up to %s: due %d requests %s MAD; still in offices %d (%s)"), period,
		 s->due_count, due, s->wait_count, wait);
	term_line(&ui->term, 1, A_BOLD, line, 0, 0, 0, 0);
	/* what the next batches will take back, under the table while there is any */
	table_paint(ui, &s->tab[s->view], 2, ui->term.rows - 4 - (s->back_total > 0));
	if (s->back_total > 0) {
		msg_money(ui->lang, s->back_total, due, sizeof due);
		snprintf(line, sizeof line,
			 tr(ui, " To take back: %s MAD from %d communes (fees refunded after a batch)"),
			 due, s->back_communes);
		term_line(&ui->term, ui->term.rows - 3, A_NORMAL, line, 0, 0, 0, 0);
	}
}

static struct table *treasury_table(struct ui *ui)
{
	struct tr_state *s = st(ui);
	return &s->tab[s->view];
}

static void treasury_tabs(struct ui *ui, char *buf, size_t len)
{
	struct tr_state *s = st(ui);
	snprintf(buf, len, "%s%s %d%s %s%s %d%s", s->view == V_DUE ? "[" : " ", tr(ui, "Due"),
		 s->ndue, s->view == V_DUE ? "]" : " ", s->view == V_BATCHES ? "[" : " ",
		 tr(ui, "Batches"), s->nbat, s->view == V_BATCHES ? "]" : " ");
}

/* ---- keys ---- */
static void key_view(struct ui *ui)
{
	st(ui)->view = (st(ui)->view + 1) % V_COUNT;
}
static void key_due(struct ui *ui)
{
	st(ui)->view = V_DUE;
}
static void key_batches(struct ui *ui)
{
	st(ui)->view = V_BATCHES;
}

static void key_prev(struct ui *ui)
{
	period_shift(ui, &st(ui)->period, -1);
}
static void key_next(struct ui *ui)
{
	period_shift(ui, &st(ui)->period, 1);
}

/* what banks put in a transfer reference */
#define REF_PATTERN "[A-Za-z0-9][A-Za-z0-9/._-]{3,38}"
#define REF_HINT TX("Reference: 4 to 39 letters, digits, / . _ -")

static void key_period(struct ui *ui)
{
	char buf[40];
	period_ask(ui, tr(ui, "Distribute which period? (local days)"), &st(ui)->period, buf,
		   sizeof buf);
}

static void build(struct ui *ui, int64_t commune, const char *what, int count, int64_t total)
{
	struct tr_state *s = st(ui);
	struct wq_errbuf eb = {0};
	char q[256], period[40], m[32];
	int batches, items;
	int64_t sum;
	if (count == 0) {
		status_error(ui, tr(ui, "nothing due for %s"), what);
		return;
	}
	fin_period_name(&s->period, period, sizeof period);
	msg_money(ui->lang, total, m, sizeof m);
	snprintf(q, sizeof q, tr(ui, "Build: %s up to %s, %d requests, %s MAD?"), what, period,
		 count, m);
	if (!prompt_yesno(ui, q))
		return;
	if (treasury_build(ui->db, &ui->actor, &s->period, commune, &batches, &items, &sum,
			   &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "build"), &eb);
		return;
	}
	msg_money(ui->lang, sum, m, sizeof m);
	status_info(ui, tr(ui, "built %d batches: %d requests, %s MAD (Tab: Batches)"), batches,
		    items, m);
	ui->reload = 1;
}

static void key_build_all(struct ui *ui)
{
	struct tr_state *s = st(ui);
	build(ui, 0, tr(ui, "all communes"), s->due_count, s->due_total);
}

static void key_build_one(struct ui *ui)
{
	struct tr_state *s = st(ui);
	int r = table_cur(&s->tab[V_DUE]);
	if (s->view != V_DUE || r < 0) {
		status_error(ui, tr(ui, "B builds for the commune under the cursor in Due (1)"));
		return;
	}
	char code[16];
	wq_strlcpy(code, s->due[r].commune_code, sizeof code);
	build(ui, s->due[r].commune_id, code, s->due[r].count, s->due[r].centimes);
}

static const struct settlement *cur_batch(struct ui *ui)
{
	struct tr_state *s = st(ui);
	int r = table_cur(&s->tab[V_BATCHES]);
	if (s->view != V_BATCHES || r < 0) {
		status_error(ui, tr(ui, "choose a batch in Batches (2)"));
		return NULL;
	}
	return &s->bat[r];
}

static void key_transfer(struct ui *ui)
{
	const struct settlement *b = cur_batch(ui);
	struct wq_errbuf eb = {0};
	char ref[40] = "", title[160], m[32];
	if (!b)
		return;
	if (strcmp(b->state, "built")) {
		status_error(ui, tr(ui, "batch #%lld is already transferred (ref %s)"),
			     (long long)b->id, b->transfer_ref);
		return;
	}
	int64_t id = b->id; /* b points into rows a reload replaces */
	msg_money(ui->lang, b->total_centimes - b->recovered_centimes, m, sizeof m);
	snprintf(title, sizeof title, tr(ui, "Batch #%lld: %s MAD to %s (%s) transferred"),
		 (long long)id, m, b->commune_code, b->post_account);
	struct form_field f = {TX("Reference"), REF_PATTERN, REF_HINT, ref, sizeof ref};
	if (!form_run(ui, title, &f, 1))
		return;
	if (treasury_mark_transferred(ui->db, &ui->actor, id, ref, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "transfer"), &eb);
		return;
	}
	status_info(ui, tr(ui, "batch #%lld marked transferred (ref %s)"), (long long)id, ref);
	ui->reload = 1;
}

static void key_items(struct ui *ui)
{
	const struct settlement *b = cur_batch(ui);
	struct fin_payment *it = NULL;
	struct wq_errbuf eb = {0};
	char title[120], m[32], when[32];
	int n = 0;
	if (!b)
		return;
	if (treasury_batch_items(ui->db, &ui->actor, b->id, &it, &n, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "batch"), &eb);
		return;
	}
	char **lines = calloc((size_t)n + 5, sizeof *lines);
	int k = 0;
	if (lines) {
		msg_money(ui->lang, b->total_centimes, m, sizeof m);
		if (asprintf(&lines[k], tr(ui, "%s  %s  %d requests  %s MAD  built by %s"),
			     b->commune_code, b->post_account, b->count, m, b->built_by) >= 0)
			k++;
		if (b->recovered_count) { /* fees the commune owed back, netted (db/281) */
			char back[32], net[32];
			msg_money(ui->lang, b->recovered_centimes, back, sizeof back);
			msg_money(ui->lang, b->total_centimes - b->recovered_centimes, net,
				  sizeof net);
			if (asprintf(&lines[k],
				     tr(ui, "less %s MAD taken back (%d refunded after a batch) = %s MAD"),
				     back, b->recovered_count, net) >= 0)
				k++;
		}
		for (int i = 0; i < n; i++) {
			table_time(it[i].confirmed_at, when, sizeof when);
			msg_money(ui->lang, it[i].amount_centimes, m, sizeof m);
			if (asprintf(&lines[k], "%s  %s  %-9s %-10s %9s  %s", when, it[i].tracking,
				     tr(ui, it[i].doc_type), it[i].office_code, m,
				     tr(ui, req_state_name(it[i].state))) >= 0)
				k++;
		}
		snprintf(title, sizeof title, tr(ui, "Batch #%lld (Esc closes)"), (long long)b->id);
		prompt_pager(ui, title, lines, k);
		for (int i = 0; i < k; i++)
			free(lines[i]);
		free(lines);
	}
	free(it);
}

static void key_enter(struct ui *ui)
{
	if (st(ui)->view == V_BATCHES)
		key_items(ui);
	else
		key_build_one(ui);
}

#define TREASURY ROLE_BIT(ROLE_TREASURY)

static const struct keymap treasury_keys[] = {
	{'\t', "view", "switch between Due (per commune) and Batches", 0, KM_BAR, key_view},
	{'1', "due", "what each commune has earned and not received", 0, 0, key_due},
	{'2', "batches", "the distribution batches built so far", 0, 0, key_batches},
	{'[', "prev", "the month before", 0, KM_BAR, key_prev},
	{']', "next", "the month after", 0, KM_BAR, key_next},
	{'p', "period", "choose the period to distribute (must be over to build)", 0, KM_BAR,
	 key_period},
	{'b', "build", "build the period's batches for every commune with fees due", TREASURY,
	 KM_WRITE | KM_BAR, key_build_all},
	{'B', "build one", "build the batch of the commune under the cursor", TREASURY,
	 KM_WRITE, key_build_one},
	{'t', "transferred", "mark the batch transferred, with the bank reference", TREASURY,
	 KM_WRITE | KM_BAR, key_transfer},
	{'h', "items", "the requests a batch pays for", 0, KM_BAR, key_items},
	{KM_ENTER, "open", "Due: build for this commune; Batches: its requests", TREASURY,
	 KM_WRITE, key_enter},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen treasury_screen = {
	.name = "treasury",
	.title = TX("Treasury"),
	.role = ROLE_TREASURY,
	.roles = ROLE_BIT(ROLE_TREASURY),
	.keys = treasury_keys,
	.open = treasury_open,
	.close = treasury_close,
	.load = treasury_load,
	.paint = treasury_paint,
	.table = treasury_table,
	.tabs = treasury_tabs,
};
