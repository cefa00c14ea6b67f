/* finance_refunds.c - the refunds finance must act on (finance role, one commune; the
 * treasury sees every commune): the refunds the card refused, fees and postage paid in
 * excess alike, each with the gateway's reason, the citizen to call and how many tries
 * were made; finance sends one again (r: the same idempotency key, so never paid twice)
 * or records that it was paid by a bank transfer (t, its reference).  A second view
 * lists the fees refunded after the treasury distributed them, per commune: the money
 * to recover from each.  Reached from the revenue screen (f).  What may be seen and
 * done is decided by the data layer from the actor (refund_desk.h); this file only
 * shows it and asks.  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refund_desk.h"
#include "screen.h"
#include "sheet.h"
#include "util.h"
#include "widget.h"

enum { FV_FAILED, FV_RECOVER, FV_COUNT };

struct fr_state {
	int view;
	struct failed_refund *failed;
	int nfailed;
	struct commune_recover *recover;
	int nrecover;
	struct table tab[FV_COUNT];
};

static struct fr_state *st(struct ui *ui)
{
	return ui->state;
}

static void money(int64_t c, char *buf, size_t len)
{
	msg_money(msg_session(), c, buf, len);
}

/* ---- refused refunds ---- */
enum { XC_AT, XC_TRACKING, XC_WHAT, XC_AMOUNT, XC_TRIES, XC_REASON, XC_COUNT };
static const struct table_col failed_cols[XC_COUNT] = {
	[XC_AT] = {TX("Refused at"), 16, 0}, [XC_TRACKING] = {TX("Tracking"), 11, 0},
	[XC_WHAT] = {TX("For"), 7, 0},	     [XC_AMOUNT] = {TX("Amount"), 9, 1},
	[XC_TRIES] = {TX("Tries"), 5, 1},    [XC_REASON] = {TX("Gateway's reason"), 0, 0},
};

/* The gateway's own word for the refusal ("card_refuses_refunds" out of "the gateway
 * refused the refund (HTTP 402: card_refuses_refunds)"); the whole sentence is on the
 * line under the table. */
static void reason_short(const char *reason, char *buf, size_t len)
{
	const char *p = strrchr(reason, '('), *q;
	if (p && (q = strstr(p, ": ")))
		p = q + 2;
	else if (p)
		p++;
	else
		p = reason;
	snprintf(buf, len, "%.*s", (int)strcspn(p, ")"), p);
}

static void failed_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	const struct failed_refund *f = &((struct fr_state *)ctx)->failed[row];
	switch (col) {
	case XC_AT: table_time(f->failed_at, buf, len); break;
	case XC_TRACKING: snprintf(buf, len, "%s", f->tracking); break;
	case XC_WHAT: snprintf(buf, len, "%s", f->postage ? tr_now("postage") : tr_now("fee")); break;
	case XC_AMOUNT: money(f->amount_centimes, buf, len); break;
	case XC_TRIES: snprintf(buf, len, "%d", f->attempts); break;
	default: reason_short(f->reason, buf, len);
	}
}

static int failed_cmp(void *ctx, int a, int b, int col)
{
	char p[200], q[200];
	const struct fr_state *s = ctx;
	const struct failed_refund *x = &s->failed[a], *y = &s->failed[b];
	if (col == XC_AT)
		return (x->failed_at > y->failed_at) - (x->failed_at < y->failed_at);
	if (col == XC_AMOUNT)
		return (x->amount_centimes > y->amount_centimes) -
		       (x->amount_centimes < y->amount_centimes);
	if (col == XC_TRIES)
		return x->attempts - y->attempts;
	failed_cell(ctx, a, col, p, sizeof p);
	failed_cell(ctx, b, col, q, sizeof q);
	return strcmp(p, q);
}

static int64_t failed_id(void *ctx, int row)
{
	const struct failed_refund *f = &((struct fr_state *)ctx)->failed[row];
	return f->id * 2 + f->postage; /* two books: ids may meet */
}

/* ---- fees to recover from communes ---- */
enum { RC_CODE, RC_COUNT_, RC_TOTAL, RC_PAID, RC_SINCE, RC_BACK, RC_NAME, RC_NCOLS };
static const struct table_col recover_cols[RC_NCOLS] = {
	[RC_CODE] = {TX("Commune"), 15, 0},    [RC_COUNT_] = {TX("Fees"), 5, 1},
	[RC_TOTAL] = {TX("To recover"), 11, 1}, [RC_PAID] = {TX("Transferred"), 11, 1},
	[RC_SINCE] = {TX("Since"), 10, 0},      [RC_BACK] = {TX("Taken back"), 11, 1},
	[RC_NAME] = {TX("Name"), 0, 0},
};

static void recover_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	const struct commune_recover *c = &((struct fr_state *)ctx)->recover[row];
	char t[32];
	switch (col) {
	case RC_CODE: snprintf(buf, len, "%s", c->code); break;
	case RC_COUNT_: snprintf(buf, len, "%d", c->count); break;
	case RC_TOTAL: money(c->centimes, buf, len); break;
	case RC_PAID: money(c->transferred_centimes, buf, len); break;
	case RC_BACK: money(c->recovered_centimes, buf, len); break;
	case RC_SINCE:
		table_time(c->oldest_at, t, sizeof t);
		snprintf(buf, len, "%.10s", t);
		break;
	default: snprintf(buf, len, "%s", c->name);
	}
}

static int recover_cmp(void *ctx, int a, int b, int col)
{
	const struct fr_state *s = ctx;
	const struct commune_recover *x = &s->recover[a], *y = &s->recover[b];
	int64_t u = col == RC_COUNT_ ? x->count : col == RC_PAID ? x->transferred_centimes
				     : col == RC_SINCE ? x->oldest_at
				     : col == RC_BACK  ? x->recovered_centimes : x->centimes;
	int64_t v = col == RC_COUNT_ ? y->count : col == RC_PAID ? y->transferred_centimes
				     : col == RC_SINCE ? y->oldest_at
				     : col == RC_BACK  ? y->recovered_centimes : y->centimes;
	if (col == RC_CODE || col == RC_NAME)
		return strcmp(col == RC_CODE ? x->code : x->name, col == RC_CODE ? y->code : y->name);
	return (u > v) - (u < v);
}

static int64_t recover_id(void *ctx, int row)
{
	return ((struct fr_state *)ctx)->recover[row].commune_id;
}

/* ---- screen hooks ---- */
static int fr_open(struct ui *ui)
{
	struct fr_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->tab[FV_FAILED] = (struct table){
		.cols = failed_cols, .ncols = XC_COUNT, .ctx = s, .cell = failed_cell,
		.cmp = failed_cmp, .row_id = failed_id, .sort_col = -1,
		.empty = TX("  No refund refused by the card: nothing to act on."),
	};
	s->tab[FV_RECOVER] = (struct table){
		.cols = recover_cols, .ncols = RC_NCOLS, .ctx = s, .cell = recover_cell,
		.cmp = recover_cmp, .row_id = recover_id, .sort_col = -1,
		.empty = TX("  No fee was refunded after its distribution: nothing to recover."),
	};
	ui->state = s;
	return 0;
}

static void fr_close(struct ui *ui)
{
	struct fr_state *s = st(ui);
	if (!s)
		return;
	free(s->failed);
	free(s->recover);
	for (int i = 0; i < FV_COUNT; i++)
		table_free(&s->tab[i]);
	free(s);
	ui->state = NULL;
}

static int fr_load(struct ui *ui)
{
	struct fr_state *s = st(ui);
	struct wq_errbuf eb = {0};
	struct failed_refund *failed = NULL;
	struct commune_recover *recover = NULL;
	int nf = 0, nr = 0;
	int rc = refund_desk_failed(ui->db, &ui->actor, 0, &failed, &nf, &eb);
	if (!rc)
		rc = refund_desk_recover(ui->db, &ui->actor, 0, &recover, &nr, &eb);
	if (rc) {
		free(failed);
		status_wq(ui, tr(ui, "loading the refused refunds"), &eb);
		return -1;
	}
	TABLE_REPLACE(&s->tab[FV_FAILED], s->failed, s->nfailed, failed, nf);
	TABLE_REPLACE(&s->tab[FV_RECOVER], s->recover, s->nrecover, recover, nr);
	return 0;
}

static void fr_paint(struct ui *ui)
{
	struct fr_state *s = st(ui);
	char line[200], m[32];
	int64_t sum = 0;
	if (s->view == FV_FAILED) {
		for (int i = 0; i < s->nfailed; i++)
			sum += s->failed[i].amount_centimes;
		money(sum, m, sizeof m);
		snprintf(line, sizeof line, tr(ui, " Refused by the card: %d, %s MAD to pay back"),
			 s->nfailed, m);
	} else {
		for (int i = 0; i < s->nrecover; i++)
			sum += s->recover[i].centimes;
		money(sum, m, sizeof m);
		snprintf(line, sizeof line,
			 tr(ui, " Fees refunded after their distribution: %s MAD to recover"), m);
	}
	term_line(&ui->term, 1, A_BOLD, line, 0, 0, 0, 0);
	table_paint(ui, &s->tab[s->view], 2, ui->term.rows - 5);
	/* whom to call about the refund under the cursor, and what the gateway said whole */
	int r = s->view == FV_FAILED ? table_cur(&s->tab[FV_FAILED]) : -1;
	line[0] = '\0';
	if (r >= 0)
		snprintf(line, sizeof line, tr(ui, " %s, %s (%s): %s"), s->failed[r].citizen,
			 s->failed[r].phone, s->failed[r].office_code, s->failed[r].reason);
	term_line(&ui->term, ui->term.rows - 3, A_NORMAL, line, 0, 0, 0, 0);
}

static struct table *fr_table(struct ui *ui)
{
	return &st(ui)->tab[st(ui)->view];
}

static void fr_tabs(struct ui *ui, char *buf, size_t len)
{
	struct fr_state *s = st(ui);
	snprintf(buf, len, "%s %d", s->view == FV_FAILED ? tr(ui, "Refused") : tr(ui, "Recover"),
		 s->view == FV_FAILED ? s->nfailed : s->nrecover);
}

/* ---- keys ---- */
static const struct failed_refund *cur_failed(struct ui *ui)
{
	struct fr_state *s = st(ui);
	int r = s->view == FV_FAILED ? table_cur(&s->tab[FV_FAILED]) : -1;
	if (r < 0) {
		status_error(ui, tr(ui, "no refused refund here (Tab: the refused refunds)"));
		return NULL;
	}
	return &s->failed[r];
}

static void key_view(struct ui *ui)
{
	st(ui)->view = (st(ui)->view + 1) % FV_COUNT;
}

static void key_retry(struct ui *ui)
{
	const struct failed_refund *f = cur_failed(ui);
	struct wq_errbuf eb = {0};
	char q[200], m[32], tracking[TRACKING_BYTES];
	if (!f)
		return;
	int64_t id = f->id; /* f points into rows a reload replaces */
	int postage = f->postage;
	wq_strlcpy(tracking, f->tracking, sizeof tracking);
	money(f->amount_centimes, m, sizeof m);
	snprintf(q, sizeof q, tr(ui, "Send the refund of %s (%s MAD) to the card again?"),
		 tracking, m);
	if (!prompt_yesno(ui, q))
		return;
	if (refund_desk_retry(ui->db, &ui->actor, postage, id, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "sending the refund again"), &eb);
		return;
	}
	status_info(ui, tr(ui, "refund of %s sent again with its key: it cannot be paid twice"),
		    tracking);
	ui->reload = 1;
}

static void key_transfer(struct ui *ui)
{
	const struct failed_refund *f = cur_failed(ui);
	struct wq_errbuf eb = {0};
	char ref[TRANSFER_REF_MAX + 1] = "", title[200], m[32], tracking[TRACKING_BYTES];
	if (!f)
		return;
	int64_t id = f->id;
	int postage = f->postage;
	wq_strlcpy(tracking, f->tracking, sizeof tracking);
	money(f->amount_centimes, m, sizeof m);
	snprintf(title, sizeof title, tr(ui, "Refund of %s (%s MAD) paid by transfer"), tracking,
		 m);
	struct form_field fld = {TX("Reference"), "[A-Za-z0-9][A-Za-z0-9/._-]{3,38}",
				 TX("Reference: 4 to 39 letters, digits, / . _ -"), ref, sizeof ref};
	if (!form_run(ui, title, &fld, 1))
		return;
	if (refund_desk_transfer(ui->db, &ui->actor, postage, id, ref, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "recording the transfer"), &eb);
		return;
	}
	status_info(ui, tr(ui, "refund of %s recorded paid by transfer %s"), tracking, ref);
	ui->reload = 1;
}

static void key_history(struct ui *ui)
{
	const struct failed_refund *f = cur_failed(ui);
	if (f)
		sheet_show(ui, f->request_id, f->tracking);
}

static void key_back(struct ui *ui)
{
	screen_open(ui, &finance_screen);
}

#define SETTLERS (ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_TREASURY))
static const struct keymap fr_keys[] = {
	{'\t', "view", "switch view: refused refunds, fees to recover from communes", 0, KM_BAR,
	 key_view},
	{'r', "retry", "send the refused refund to the card again (same key: never twice)",
	 SETTLERS, KM_WRITE | KM_BAR, key_retry},
	{'t', "transfer", "record the refused refund paid by a bank transfer (its reference)",
	 SETTLERS, KM_WRITE | KM_BAR, key_transfer},
	{'h', "hist", "details and history of the request", 0, KM_BAR, key_history},
	{KM_ENTER, "open", "details and history of the request", 0, 0, key_history},
	{'b', "back", "back to the revenue", 0, KM_BAR, key_back},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen finance_refunds_screen = {
	.name = "refunds",
	.title = TX("Refunds to act on"),
	.role = ROLE_FINANCE,
	.roles = ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_TREASURY),
	.keys = fr_keys,
	.open = fr_open,
	.close = fr_close,
	.load = fr_load,
	.paint = fr_paint,
	.table = fr_table,
	.tabs = fr_tabs,
};
