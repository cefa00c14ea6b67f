/* finance_views.c - what each view of the revenue screen (finance.c) draws from the
 * rows it loaded: the revenue by day and by month, the payments one by one, the refunds
 * day by day (their columns, cells, order and emphasis), and the Money view (the
 * commune's money by where it stands, the treasury's batches, the refunds by state).
 * UI child only; no SQL, no loading. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finance_screen.h"
#include "screen.h"
#include "util.h"

#define money finance_money

/* ---- revenue tables (days and months share columns) ---- */
enum { RC_KEY, RC_NEXT, RC_EXT, RC_NFULL, RC_FULL, RC_TOTAL, RC_REFUND, RC_NET, RC_COUNT };
static const struct table_col day_cols[RC_COUNT] = {
	[RC_KEY] = {TX("Day"), 10, 0},	 [RC_NEXT] = {TX("Ext#"), 4, 1},
	[RC_EXT] = {TX("Extract"), 10, 1},	 [RC_NFULL] = {TX("Ful#"), 4, 1},
	[RC_FULL] = {TX("Full copy"), 10, 1}, [RC_TOTAL] = {TX("Collected"), 11, 1},
	[RC_REFUND] = {TX("Refund"), 10, 1}, [RC_NET] = {TX("Net"), 0, 1},
};
static const struct table_col month_cols[RC_COUNT] = {
	[RC_KEY] = {TX("Month"), 10, 0},	 [RC_NEXT] = {TX("Ext#"), 4, 1},
	[RC_EXT] = {TX("Extract"), 10, 1},	 [RC_NFULL] = {TX("Ful#"), 4, 1},
	[RC_FULL] = {TX("Full copy"), 10, 1}, [RC_TOTAL] = {TX("Collected"), 11, 1},
	[RC_REFUND] = {TX("Refund"), 10, 1}, [RC_NET] = {TX("Net"), 0, 1},
};

static int64_t rev_value(const struct fin_revenue_row *r, int col)
{
	switch (col) {
	case RC_NEXT:
		return r->count[0];
	case RC_EXT:
		return r->centimes[0];
	case RC_NFULL:
		return r->count[1];
	case RC_FULL:
		return r->centimes[1];
	case RC_TOTAL:
		return r->centimes[0] + r->centimes[1];
	case RC_REFUND:
		return r->refund_centimes;
	default:
		return r->centimes[0] + r->centimes[1] - r->refund_centimes;
	}
}

static void rev_cell(const struct fin_revenue_row *r, int col, char *buf, size_t len)
{
	if (col == RC_KEY)
		msg_date(msg_session(), r->key, buf, len);
	else if (col == RC_NEXT || col == RC_NFULL)
		snprintf(buf, len, "%lld", (long long)rev_value(r, col));
	else
		money(rev_value(r, col), buf, len);
}

static void day_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	rev_cell(&((struct fin_state *)ctx)->rev[0][row], col, buf, len);
}

static void month_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	rev_cell(&((struct fin_state *)ctx)->rev[1][row], col, buf, len);
}

static int rev_cmp(const struct fin_revenue_row *a, const struct fin_revenue_row *b, int col)
{
	if (col == RC_KEY)
		return strcmp(a->key, b->key);
	int64_t x = rev_value(a, col), y = rev_value(b, col);
	return x < y ? -1 : x > y;
}

static int day_cmp(void *ctx, int a, int b, int col)
{
	struct fin_state *s = ctx;
	return rev_cmp(&s->rev[0][a], &s->rev[0][b], col);
}

static int month_cmp(void *ctx, int a, int b, int col)
{
	struct fin_state *s = ctx;
	return rev_cmp(&s->rev[1][a], &s->rev[1][b], col);
}

static int64_t rev_id(void *ctx, int row)
{
	(void)ctx;
	return row + 1; /* rows are dates in order: keep the cursor on the same position */
}

/* ---- payments table ---- */
enum { PC_AT, PC_TRACKING, PC_DOC, PC_OFFICE, PC_AMOUNT, PC_MONEY, PC_BATCH, PC_COUNT };
static const struct table_col pay_cols[PC_COUNT] = {
	[PC_AT] = {TX("Paid at"), 16, 0},	  [PC_TRACKING] = {TX("Tracking"), 11, 0},
	[PC_DOC] = {TX("Doc"), 7, 0},	  [PC_OFFICE] = {TX("Office"), 9, 0},
	[PC_AMOUNT] = {TX("Amount"), 9, 1},	  [PC_MONEY] = {TX("Money"), 14, 0},
	[PC_BATCH] = {TX("Batch"), 0, 1},
};

static void pay_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	const struct fin_payment *p = &((struct fin_state *)ctx)->pay[row];
	switch (col) {
	case PC_AT:
		table_time(p->confirmed_at, buf, len);
		break;
	case PC_TRACKING:
		snprintf(buf, len, "%s", p->tracking);
		break;
	case PC_DOC:
		snprintf(buf, len, "%s x%d",
			 strcmp(p->doc_type, "full_copy") ? tr_now("extr") : tr_now("full"),
			 p->copies);
		break;
	case PC_OFFICE:
		snprintf(buf, len, "%s", p->office_code);
		break;
	case PC_AMOUNT:
		money(p->amount_centimes, buf, len);
		break;
	case PC_MONEY:
		snprintf(buf, len, "%s", tr_now(fin_bucket_name(p->bucket)));
		break;
	default:
		if (p->settlement_id)
			snprintf(buf, len, "#%lld", (long long)p->settlement_id);
		else
			buf[0] = '\0';
	}
}

static int pay_cmp(void *ctx, int a, int b, int col)
{
	const struct fin_state *s = ctx;
	const struct fin_payment *x = &s->pay[a], *y = &s->pay[b];
	int64_t u, v;
	switch (col) {
	case PC_TRACKING:
		return strcmp(x->tracking, y->tracking);
	case PC_DOC:
		return strcmp(x->doc_type, y->doc_type);
	case PC_OFFICE:
		return strcmp(x->office_code, y->office_code);
	case PC_AMOUNT:
		u = x->amount_centimes, v = y->amount_centimes;
		break;
	case PC_MONEY:
		u = x->bucket, v = y->bucket;
		break;
	case PC_BATCH:
		u = x->settlement_id, v = y->settlement_id;
		break;
	default:
		u = x->confirmed_at, v = y->confirmed_at;
	}
	return u < v ? -1 : u > v;
}

static int64_t pay_id(void *ctx, int row)
{
	return ((struct fin_state *)ctx)->pay[row].request_id;
}

static int pay_attr(void *ctx, int row)
{
	/* a refund owed is money the commune must not count on */
	return ((struct fin_state *)ctx)->pay[row].bucket == FB_REFUND ? A_BOLD : A_NORMAL;
}

/* ---- refunds by day ---- */
enum { FC_DAY, FC_NOWED, FC_OWED, FC_NDONE, FC_DONE, FC_NFAIL, FC_FAIL, FC_COUNT };
static const struct table_col refund_cols[FC_COUNT] = {
	[FC_DAY] = {TX("Day"), 10, 0},	    [FC_NOWED] = {TX("Owed#"), 5, 1},
	[FC_OWED] = {TX("Owed"), 10, 1},	    [FC_NDONE] = {TX("Paid#"), 5, 1},
	[FC_DONE] = {TX("Paid back"), 10, 1},   [FC_NFAIL] = {TX("Ref#"), 4, 1},
	[FC_FAIL] = {TX("Refused"), 0, 1},
};

static int64_t refund_value(const struct fin_refund_day *d, int col)
{
	switch (col) {
	case FC_NOWED:
		return d->owed_count;
	case FC_OWED:
		return d->owed_centimes;
	case FC_NDONE:
		return d->refunded_count;
	case FC_DONE:
		return d->refunded_centimes;
	case FC_NFAIL:
		return d->failed_count;
	default:
		return d->failed_centimes;
	}
}

static void refund_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	const struct fin_refund_day *d = &((struct fin_state *)ctx)->ref[row];
	if (col == FC_DAY)
		msg_date(msg_session(), d->day, buf, len);
	else if (col == FC_NOWED || col == FC_NDONE || col == FC_NFAIL)
		snprintf(buf, len, "%lld", (long long)refund_value(d, col));
	else
		money(refund_value(d, col), buf, len);
}

static int refund_cmp(void *ctx, int a, int b, int col)
{
	const struct fin_state *s = ctx;
	if (col == FC_DAY)
		return strcmp(s->ref[a].day, s->ref[b].day);
	int64_t x = refund_value(&s->ref[a], col), y = refund_value(&s->ref[b], col);
	return x < y ? -1 : x > y;
}

static int refund_attr(void *ctx, int row)
{
	/* refused by the card: finance must reach the citizen another way */
	return ((struct fin_state *)ctx)->ref[row].failed_count ? A_BOLD : A_NORMAL;
}

void finance_views_init(struct fin_state *s)
{
	s->tab[V_DAYS] = (struct table){
		.cols = day_cols, .ncols = RC_COUNT, .ctx = s, .cell = day_cell,
		.cmp = day_cmp, .row_id = rev_id, .sort_col = -1,
		.empty = TX("  No payment in this period. [ and ] change the month, p any period."),
	};
	s->tab[V_MONTHS] = (struct table){
		.cols = month_cols, .ncols = RC_COUNT, .ctx = s, .cell = month_cell,
		.cmp = month_cmp, .row_id = rev_id, .sort_col = -1,
		.empty = TX("  No payment in this period. p: a longer period (2025, 2025-01..2025-06)."),
	};
	s->tab[V_PAYMENTS] = (struct table){
		.cols = pay_cols, .ncols = PC_COUNT, .ctx = s, .cell = pay_cell,
		.cmp = pay_cmp, .row_id = pay_id, .row_attr = pay_attr, .sort_col = -1,
		.empty = TX("  No payment in this period."),
	};
	s->tab[V_REFUNDS] = (struct table){
		.cols = refund_cols, .ncols = FC_COUNT, .ctx = s, .cell = refund_cell,
		.cmp = refund_cmp, .row_id = rev_id, .row_attr = refund_attr, .sort_col = -1,
		.empty = TX("  No refund owed, paid back or refused in this period."),
	};
}

/* The Money view: one line per bucket, the sum under them, then the batches. */
void finance_paint_money(struct ui *ui, struct fin_state *s, int y0, int height)
{
	char line[256], m[32], period[40];
	const struct fin_summary *u = &s->sum;
	static const char *const what[FB_COUNT] = {
		[FB_PROCESSING] = TX("paid, documents not produced yet"),
		[FB_REFUND] = TX("rejected after payment: refund owed"),
		[FB_AWAITING] = TX("earned, awaiting a treasury batch"),
		[FB_BATCHED] = TX("in a treasury batch, not transferred"),
		[FB_TRANSFERRED] = TX("transferred to the commune"),
	};
	int y = y0;
	fin_period_label(&s->period, period, sizeof period);
#define MLINE(attr, ...)                                             \
	do {                                                         \
		if (y < y0 + height) {                               \
			snprintf(line, sizeof line, __VA_ARGS__);    \
			term_line(&ui->term, y++, attr, line, 0, 0, 0, 0); \
		}                                                    \
	} while (0)
	MLINE(A_BOLD, tr(ui, "  Requests of %s paid %s"), s->commune, period);
	money(u->collected_centimes, m, sizeof m);
	MLINE(A_NORMAL, tr(ui, "  %-40s %6d %14s MAD"),
	      tr(ui, "collected by the post (card payments)"), u->collected_count, m);
	for (int b = 0; b < FB_COUNT; b++) {
		money(u->centimes[b], m, sizeof m);
		MLINE(A_NORMAL, "    %-38s %6d %14s", tr(ui, what[b]), u->count[b], m);
	}
	MLINE(A_NORMAL, "%s", "");
	MLINE(A_BOLD, tr(ui, "  Treasury batches for %s (all periods)"), s->commune);
	money(u->built_centimes, m, sizeof m);
	MLINE(A_NORMAL, "    %-38s %6d %14s", tr(ui, "built, awaiting transfer"), u->batches_built,
	      m);
	money(u->transferred_centimes, m, sizeof m);
	MLINE(A_NORMAL, "    %-38s %6d %14s", tr(ui, "transferred"), u->batches_transferred, m);
	static const char *const refund_what[REFUND_STATE_COUNT] = {
		[REFUND_OWED] = TX("to send to the card"),
		[REFUND_SENT] = TX("sent, the gateway has not answered"),
		[REFUND_DONE] = TX("paid back to the card"),
		[REFUND_FAILED] = TX("REFUSED by the card: f to act on them"),
	};
	MLINE(A_BOLD, tr(ui, "  Refunds of %s (all periods)"), s->commune);
	for (int f = 0; f < REFUND_STATE_COUNT; f++) {
		money(s->reftot.centimes[f], m, sizeof m);
		MLINE(f == REFUND_FAILED && s->reftot.count[f] ? A_BOLD : A_NORMAL,
		      "    %-38s %6d %14s", tr(ui, refund_what[f]), s->reftot.count[f], m);
	}
	MLINE(A_NORMAL, "%s", "");
	MLINE(A_NORMAL, "%s",
	      tr(ui, "  A fee is distributed once the documents exist (ready or later);"));
	MLINE(A_NORMAL, "%s",
	      tr(ui, "  a request rejected after payment is refunded, never distributed."));
#undef MLINE
	while (y < y0 + height)
		term_line(&ui->term, y++, A_NORMAL, "", 0, 0, 0, 0);
}

