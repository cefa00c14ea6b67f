/* finance.c - the revenue collector's screen (finance role, one commune): what the
 * commune's paid requests brought in over a period, by day and by month and by
 * document type; the payments one by one; "Money": what the post collected for the
 * commune against what the treasury has batched and transferred, to the centime; and
 * the refunds day by day (owed, paid back, refused by the card).
 * Exports the period's payments to CSV.  The treasury may open it too and pick any
 * commune (c).  Which commune's money shows is decided by the data layer from the
 * actor (finance.h); this file loads it and holds the keys, finance_views.c draws
 * each view.  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finance.h"
#include "finance_screen.h"
#include "office.h"
#include "refund.h"
#include "screen.h"
#include "sheet.h"
#include "util.h"
#include "widget.h"

const char *const finance_view_names[V_COUNT] = {TX("Day"), TX("Month"), TX("Pay"),
						  TX("Money"), TX("Refund")};

static struct fin_state *st(struct ui *ui)
{
	return ui->state;
}

/* Money as the session's language writes it (6 380,00 in French and Arabic). */
void finance_money(int64_t c, char *buf, size_t len)
{
	msg_money(msg_session(), c, buf, len);
}

/* ---- screen hooks ---- */
static int finance_open(struct ui *ui)
{
	struct fin_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	fin_period_month(wq_now(), 0, &s->period);
	finance_views_init(s);
	ui->state = s;
	if (ui->actor.role != ROLE_FINANCE) {
		/* national actors start on the first commune; c picks another */
		struct commune *c = NULL;
		struct wq_errbuf eb = {0};
		int n = 0;
		if (commune_list(ui->db, &c, &n, &eb) == WQ_OK && n > 0)
			s->commune_id = c[0].id;
		free(c);
	}
	return 0;
}

static void finance_close(struct ui *ui)
{
	struct fin_state *s = st(ui);
	if (!s)
		return;
	free(s->rev[0]);
	free(s->rev[1]);
	free(s->pay);
	free(s->ref);
	for (int i = 0; i < V_COUNT; i++)
		table_free(&s->tab[i]);
	free(s);
	ui->state = NULL;
}

static int finance_load(struct ui *ui)
{
	struct fin_state *s = st(ui);
	struct wq_errbuf eb = {0};
	struct fin_revenue_row *rev[2] = {NULL, NULL};
	struct fin_payment *pay = NULL;
	struct fin_refund_day *ref = NULL;
	int nrev[2] = {0, 0}, npay = 0, nref = 0;
	int64_t id;
	int rc = finance_commune(ui->db, &ui->actor, s->commune_id, &id, s->commune, &eb);
	if (!rc)
		rc = finance_revenue(ui->db, &ui->actor, s->commune_id, &s->period, FIN_BY_DAY,
				     &rev[0], &nrev[0], &eb);
	if (!rc)
		rc = finance_revenue(ui->db, &ui->actor, s->commune_id, &s->period,
				     FIN_BY_MONTH, &rev[1], &nrev[1], &eb);
	if (!rc)
		rc = finance_payments(ui->db, &ui->actor, s->commune_id, &s->period, &pay, &npay,
				      &eb);
	if (!rc)
		rc = finance_summary(ui->db, &ui->actor, s->commune_id, &s->period, &s->sum, &eb);
	if (!rc)
		rc = finance_refunds(ui->db, &ui->actor, s->commune_id, &s->period, &ref, &nref,
				     &s->reftot, &eb);
	if (rc) {
		free(rev[0]);
		free(rev[1]);
		free(pay);
		free(ref);
		status_wq(ui, tr(ui, "loading the revenue"), &eb);
		return -1;
	}
	for (int g = 0; g < 2; g++) {
		TABLE_REPLACE(&s->tab[g], s->rev[g], s->nrev[g], rev[g], nrev[g]);
	}
	TABLE_REPLACE(&s->tab[V_PAYMENTS], s->pay, s->npay, pay, npay);
	TABLE_REPLACE(&s->tab[V_REFUNDS], s->ref, s->nref, ref, nref);
	s->loaded = 1;
	return 0;
}

static void finance_paint(struct ui *ui)
{
	struct fin_state *s = st(ui);
	char line[256], period[40], c[32], r[32], net[32];
	fin_period_name(&s->period, period, sizeof period);
	finance_money(s->sum.collected_centimes, c, sizeof c);
	finance_money(s->sum.centimes[FB_REFUND], r, sizeof r);
	finance_money(s->sum.collected_centimes - s->sum.centimes[FB_REFUND], net, sizeof net);
	snprintf(line, sizeof line, tr(ui, " %s %s  collected %s (%d)  refund %s  net %s"),
		 s->commune, period, c, s->sum.collected_count, r, net);
	term_line(&ui->term, 1, A_BOLD, line, 0, 0, 0, 0);
	if (s->view == V_MONEY)
		finance_paint_money(ui, s, 2, ui->term.rows - 4);
	else
		table_paint(ui, &s->tab[s->view], 2, ui->term.rows - 4);
}

static struct table *finance_table(struct ui *ui)
{
	struct fin_state *s = st(ui);
	return s->view == V_MONEY ? NULL : &s->tab[s->view];
}

/* The current view by name, the others by the key that opens them: five names do
 * not fit beside the title at 80 columns. */
static void finance_tabs(struct ui *ui, char *buf, size_t len)
{
	struct fin_state *s = st(ui);
	size_t o = 0;
	buf[0] = '\0';
	for (int v = 0; v < V_COUNT && o < len; v++) {
		if (s->view == v)
			o += (size_t)snprintf(buf + o, len - o, "%s[%s]", v ? " " : "",
					      tr(ui, finance_view_names[v]));
		else
			o += (size_t)snprintf(buf + o, len - o, "%s%d", v ? " " : "", v + 1);
	}
}

/* ---- keys ---- */
static void key_view(struct ui *ui)
{
	st(ui)->view = (st(ui)->view + 1) % V_COUNT;
}
static void key_days(struct ui *ui)
{
	st(ui)->view = V_DAYS;
}
static void key_months(struct ui *ui)
{
	st(ui)->view = V_MONTHS;
}
static void key_payments(struct ui *ui)
{
	st(ui)->view = V_PAYMENTS;
}
static void key_money(struct ui *ui)
{
	st(ui)->view = V_MONEY;
}
static void key_refunds(struct ui *ui)
{
	st(ui)->view = V_REFUNDS;
}

static void key_act(struct ui *ui)
{
	screen_open(ui, &finance_refunds_screen);
}

static void key_prev(struct ui *ui)
{
	period_shift(ui, &st(ui)->period, -1);
}
static void key_next(struct ui *ui)
{
	period_shift(ui, &st(ui)->period, 1);
}

static void key_period(struct ui *ui)
{
	char buf[40];
	if (period_ask(ui, tr(ui, "Show which period? (local days)"), &st(ui)->period, buf,
		       sizeof buf))
		status_info(ui, tr(ui, "period %s"), buf);
}

static void key_commune(struct ui *ui)
{
	struct fin_state *s = st(ui);
	struct commune *c = NULL;
	struct wq_errbuf eb = {0};
	int n = 0, k;
	if (ui->actor.role == ROLE_FINANCE) {
		status_error(ui, tr(ui, "you collect for %s only"), s->commune);
		return;
	}
	if (commune_list(ui->db, &c, &n, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "listing the communes"), &eb);
		return;
	}
	char (*labels)[160] = calloc((size_t)n + 1, sizeof *labels);
	const char **items = calloc((size_t)n + 1, sizeof *items);
	if (labels && items) {
		for (int i = 0; i < n; i++) {
			snprintf(labels[i], sizeof labels[i], "%-15s %.60s (%s)", c[i].code,
				 c[i].name_fr, c[i].province_code);
			items[i] = labels[i];
		}
		k = prompt_pick(ui, tr(ui, "Which commune? (type to filter)"), items, n);
		if (k >= 0) {
			s->commune_id = c[k].id;
			ui->reload = 1;
		}
	}
	free(labels);
	free(items);
	free(c);
}

static void key_export(struct ui *ui)
{
	struct fin_state *s = st(ui);
	struct wq_errbuf eb = {0};
	char path[PATH_MAX_BYTES + 80];
	if (finance_export_csv(ui->db, &ui->actor, s->commune_id, &s->period, ui->cfg,
			       path, sizeof path, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "export"), &eb);
		return;
	}
	status_info(ui, tr(ui, "CSV (%d payments): %s"), s->npay, path);
}

static void key_history(struct ui *ui)
{
	struct fin_state *s = st(ui);
	int r;
	if (s->view != V_PAYMENTS || (r = table_cur(&s->tab[V_PAYMENTS])) < 0) {
		status_error(ui, tr(ui, "history is for a payment: 3 shows the payments"));
		return;
	}
	sheet_show(ui, s->pay[r].request_id, s->pay[r].tracking);
}

static const struct keymap finance_keys[] = {
	{'\t', "view", "switch view: Days, Months, Payments, Money, Refunds", 0, KM_BAR,
	 key_view},
	{'1', "days", "revenue by day, by document type", 0, 0, key_days},
	{'2', "months", "revenue by month, by document type", 0, 0, key_months},
	{'3', "payments", "the period's payments one by one", 0, 0, key_payments},
	{'4', "money", "collected by the post versus distributed by the treasury", 0, 0,
	 key_money},
	{'5', "refunds", "refunds by day: owed, paid back, refused by the card", 0, 0,
	 key_refunds},
	{'f', "to act", "refunds refused by the card, fees to recover from communes", 0, 0,
	 key_act},
	{'[', "prev", "the month before", 0, KM_BAR, key_prev},
	{']', "next", "the month after", 0, KM_BAR, key_next},
	{'p', "period", "choose a period: a day, a month, a year or FROM..TO", 0, KM_BAR,
	 key_period},
	{'c', "commune", "treasury: show another commune", 0, 0, key_commune},
	{'e', "export", "write the period's payments to a CSV file", 0, KM_BAR, key_export},
	{'h', "hist", "Payments: details and history of the request", 0, KM_BAR, key_history},
	{KM_ENTER, "open", "Payments: details and history of the request", 0, 0, key_history},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen finance_screen = {
	.name = "finance",
	.title = TX("Revenue"),
	.role = ROLE_FINANCE,
	.roles = ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_TREASURY),
	.keys = finance_keys,
	.open = finance_open,
	.close = finance_close,
	.load = finance_load,
	.paint = finance_paint,
	.table = finance_table,
	.tabs = finance_tabs,
};
