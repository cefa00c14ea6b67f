/* desk.c - the shared pieces of desk.h: history pager, code prompt, reason
 * and office pickers, label and dispatch-list printouts.  Reads through board.h / mail.h /
 * printout.h, which check the actor's scope.  UI child only; no SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "mail.h"
#include "office.h"
#include "desk.h"
#include "history_text.h"
#include "printout.h"
#include "util.h"
#include "widget.h"

/* Reason free text: something readable, no control characters. */
#define REASON_PATTERN "(?=.*\\S)[^\\x00-\\x1f\\x7f]{3,190}"

void desk_history(struct ui *ui, int64_t request_id, const char *title)
{
	struct board_event *ev = NULL;
	struct wq_errbuf eb = {0};
	char **lines;
	int n = 0, nl = 0;
	if (board_history(ui->db, &ui->actor, request_id, &ev, &n, &eb) != WQ_OK) {
		status_wq(ui, "history", &eb);
		return;
	}
	/* three lines an event, to fit 80 columns: stage, who for which office, note */
	lines = calloc((size_t)(3 * n + 1), sizeof *lines);
	for (int i = 0; lines && i < n; i++) {
		char buf[NOTE_MAX_BYTES + 200], who[160];
		char note[NOTE_MAX_BYTES + 100];
		history_stage(&ev[i], buf, sizeof buf);
		lines[nl++] = strdup(buf);
		history_who(&ev[i], who, sizeof who);
		snprintf(buf, sizeof buf, "      %s", who);
		lines[nl++] = strdup(buf);
		if (ev[i].note[0]) {
			history_note(ev[i].note, note, sizeof note);
			snprintf(buf, sizeof buf, "      %s", note);
			lines[nl++] = strdup(buf);
		}
	}
	if (lines)
		prompt_pager(ui, title, lines, nl);
	for (int i = 0; lines && i < nl; i++)
		free(lines[i]);
	free(lines);
	free(ev);
}

int desk_code(struct ui *ui, const char *question, char *code, size_t len)
{
	struct wq_errbuf eb = {0};
	code[0] = '\0';
	if (!prompt_text(ui, question, code, len) || !code[0]) {
		status_info(ui, "nothing recorded");
		return 0;
	}
	for (char *p = code; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	/* the data layer checks again; asking first gives the precise message */
	if (mail_code_check(code, &eb) != WQ_OK) {
		status_wq(ui, "refused", &eb);
		return 0;
	}
	return 1;
}

int desk_reason(struct ui *ui, const char *title, const char *const *reasons, int n,
		     int other, char *buf, size_t len)
{
	int k = prompt_pick(ui, title, reasons, n);
	if (k < 0)
		return 0;
	if (k != other) {
		snprintf(buf, len, "%s", reasons[k]);
		return 1;
	}
	buf[0] = '\0';
	struct form_field f = {"Reason", REASON_PATTERN, "3 to 190 characters, not only spaces",
			       buf, len};
	return form_run(ui, title, &f, 1);
}

int desk_production_sheet(struct ui *ui, int64_t request_id, char *path, size_t len)
{
	struct wq_errbuf eb = {0};
	if (printout_sheet(ui->db, &ui->actor, ui->cfg, request_id, path, len, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "print"), &eb);
		return -1;
	}
	return 0;
}

void desk_label(struct ui *ui, int64_t request_id)
{
	struct wq_errbuf eb = {0};
	char path[PATH_MAX_BYTES + 64];
	if (printout_label(ui->db, &ui->actor, ui->cfg, request_id, path, sizeof path,
			   &eb) != WQ_OK)
		status_wq(ui, "label", &eb);
	else
		status_info(ui, "label written to %s", path);
}

void desk_dispatch(struct ui *ui, int64_t office_id, const char *office_code)
{
	struct wq_errbuf eb = {0};
	char path[PATH_MAX_BYTES + 64];
	int n = 0;
	if (printout_dispatch(ui->db, &ui->actor, ui->cfg, office_id, wq_now(), &n, path,
			      sizeof path, &eb) != WQ_OK)
		status_wq(ui, "dispatch list", &eb);
	else
		status_info(ui, "%s: %d envelopes today, list written to %s", office_code, n, path);
}

int64_t desk_pick_office(struct ui *ui, const char *title, int64_t except, char *code,
			 size_t len)
{
	struct office *offices = NULL;
	struct wq_errbuf eb = {0};
	int no = 0, m = 0, k;
	int64_t id = 0;
	if (office_list(ui->db, &offices, &no, &eb) != WQ_OK) {
		status_wq(ui, "listing the offices", &eb);
		return 0;
	}
	const char **items = calloc((size_t)no + 1, sizeof *items);
	int *at = calloc((size_t)no + 1, sizeof *at);
	char (*labels)[160] = calloc((size_t)no + 1, sizeof *labels);
	for (int i = 0; items && at && labels && i < no; i++) {
		if (!offices[i].active || offices[i].id == except)
			continue;
		snprintf(labels[m], sizeof labels[m], "%-10s %.80s (%.50s)", offices[i].code,
			 offices[i].name_fr, offices[i].commune_name);
		items[m] = labels[m];
		at[m++] = i;
	}
	if (items && at && labels && (k = prompt_pick(ui, title, items, m)) >= 0) {
		id = offices[at[k]].id;
		snprintf(code, len, "%s", offices[at[k]].code);
	}
	free(items);
	free(at);
	free(labels);
	free(offices);
	return id;
}
