/* status.c - the status line (second row from the bottom): what the last action did,
 * or what went wrong.  Errors are in reverse video and start with "!" so that they
 * read on a monochrome terminal.  A message stays until the next key.  With no message
 * the line says, on its right, that every time shown is Morocco's.  UI child only. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>

#include "util.h"
#include "widget.h"

static void status_set(struct ui *ui, int error, const char *fmt, va_list ap)
{
	vsnprintf(ui->status, sizeof ui->status, fmt, ap);
	ui->status_error = error;
}

void status_info(struct ui *ui, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	status_set(ui, 0, fmt, ap);
	va_end(ap);
}

void status_error(struct ui *ui, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	status_set(ui, 1, fmt, ap);
	va_end(ap);
}

int status_detail(struct ui *ui, const struct wq_errbuf *eb, char *out, size_t len)
{
	if (ui->lang == LANG_EN) {
		snprintf(out, len, "%s", eb->msg);
		return 0;
	}
	if (eb->nargs >= 0 && eb->fmt[0] && msg_find(eb->fmt)) {
		/* the arguments a table row names (a state, a role, a verb) are words too */
		struct wq_errbuf t = *eb;
		for (int i = 0; i < t.nargs; i++)
			if (msg_find(eb->args[i]))
				snprintf(t.args[i], sizeof t.args[i], "%s", tr(ui, eb->args[i]));
		if (wq_err_render(&t, tr(ui, t.fmt), out, len) == 0)
			return 0;
	}
	if (msg_find(eb->msg)) {
		snprintf(out, len, "%s", tr(ui, eb->msg));
		return 0;
	}
	snprintf(out, len, "%s", eb->msg);
	return -1;
}

/* The data layer's detail is an English sentence and its key (err.h): translated by
 * the table when it has the key; any other follows the code's name in the session's
 * language. */
void status_wq(struct ui *ui, const char *doing, const struct wq_errbuf *eb)
{
	const char *what = wq_strerror(eb->code, msg_lang_code(ui->lang));
	char detail[UI_STATUS_BYTES];
	if (!eb->msg[0])
		status_error(ui, "%s: %s", doing, what);
	else if (status_detail(ui, eb, detail, sizeof detail) == 0)
		status_error(ui, "%s: %s", doing, detail);
	else
		status_error(ui, "%s: %s (%s)", doing, what, eb->msg);
}

void status_clear(struct ui *ui)
{
	ui->status[0] = '\0';
	ui->status_error = 0;
}

void status_paint(struct ui *ui)
{
	char buf[UI_STATUS_BYTES + 4];
	if (ui->status_error) {
		snprintf(buf, sizeof buf, "! %s", ui->status);
		term_line(&ui->term, ui->term.rows - 2, A_REVERSE | A_BOLD, buf, 0, 0, 0, 0);
	} else if (ui->status[0]) {
		term_line(&ui->term, ui->term.rows - 2, A_NORMAL, ui->status, 0, 0, 0, 0);
	} else {
		/* an operator reading from abroad or a server in UTC: say whose clock */
		const char *times = tr(ui, "times: Morocco time");
		int pad = ui->term.cols - term_width(times) - 1;
		pad = pad < 0 ? 0 : pad > UI_STATUS_BYTES - 32 ? UI_STATUS_BYTES - 32 : pad;
		snprintf(buf, sizeof buf, "%*s%s", pad, "", times);
		/* plain as the rows above and the key bar below it: dim, it cost two
		 * changes of attribute (15 B) on every first screen */
		term_line(&ui->term, ui->term.rows - 2, A_NORMAL, buf, 0, 0, 0, 0);
	}
}
