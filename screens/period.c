/* period.c - the period the finance and treasury screens show: a month back or
 * forward, or one typed as a day, a month, a year or FROM..TO (local days).  The
 * screen owns the struct fin_period; this file changes it and asks for the reload.
 * UI child only; no data access. */
#include "finance.h"
#include "widget.h"

#define PERIOD_PATTERN "\\d{4}(-\\d{2}(-\\d{2})?)?(\\.\\.\\d{4}(-\\d{2}(-\\d{2})?)?)?"
#define PERIOD_HINT TX("Period: 2025-11, 2025-11-03, 2025 or 2025-01..2025-06")

void period_shift(struct ui *ui, struct fin_period *period, int dir)
{
	fin_period_month(period->from, dir, period);
	ui->reload = 1;
}

int period_ask(struct ui *ui, const char *title, struct fin_period *period, char *buf,
	       size_t len)
{
	struct fin_period p;
	struct wq_errbuf eb = {0};
	fin_period_label(period, buf, len);
	struct form_field f = {TX("Period"), PERIOD_PATTERN, PERIOD_HINT, buf, len};
	if (!form_run(ui, title, &f, 1))
		return 0;
	if (fin_period_parse(buf, &p, &eb) != WQ_OK) {
		status_error(ui, "%s", eb.msg);
		return 0;
	}
	*period = p;
	ui->reload = 1;
	return 1;
}
