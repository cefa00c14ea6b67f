/* finance_screen.h - shared by the revenue screen's two files only: finance.c (the
 * screen: its state, loading, keys) and finance_views.c (what each view draws: the
 * tables' columns and cells, the Money view).  UI child only; no SQL. */
#ifndef WQ_FINANCE_SCREEN_H
#define WQ_FINANCE_SCREEN_H

#include "finance.h"
#include "refund.h"
#include "widget.h"

enum { V_DAYS, V_MONTHS, V_PAYMENTS, V_MONEY, V_REFUNDS, V_COUNT };
extern const char *const finance_view_names[V_COUNT];

struct fin_state {
	int view;
	struct fin_period period;
	int64_t commune_id; /* 0: the finance officer's own */
	char commune[16];
	struct fin_revenue_row *rev[2]; /* [0] by day, [1] by month */
	int nrev[2];
	struct fin_payment *pay;
	int npay;
	struct fin_summary sum;
	struct fin_refund_day *ref;
	int nref;
	struct fin_refund_totals reftot;
	struct table tab[V_COUNT]; /* one per view; Money has none */
	int loaded;
};

/* The tables of the views that have one (finance_views.c). */
void finance_views_init(struct fin_state *s);
/* The Money view in rows y0 .. y0 + height - 1. */
void finance_paint_money(struct ui *ui, struct fin_state *s, int y0, int height);
/* Money as the session's language writes it (6 380,00 in French and Arabic). */
void finance_money(int64_t c, char *buf, size_t len);

#endif
