/* sheet.c - a request's details and full history as lines of text, for the pager the
 * screens open on `h`.  (The printed sheet is src/printout.c's.)  UI child only; reads
 * through request_get() / request_history(), which check the actor's scope. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history_text.h"
#include "lines.h"
#include "request.h"
#include "sheet.h"
#include "util.h"
#include "widget.h"

static int add(char ***lines, int *n, int *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int add(char ***lines, int *n, int *cap, const char *fmt, ...)
{
	/* the sheet's (lines, n, cap) triple is a pager_lines: one line builder serves both */
	struct pager_lines L = {*lines, *n, *cap};
	va_list ap;
	va_start(ap, fmt);
	int rc = pager_vadd(&L, fmt, ap);
	va_end(ap);
	*lines = L.l;
	*n = L.n;
	*cap = L.cap;
	return rc;
}

static void sheet_documents(const struct request *r, char ***l, int *n, int *cap,
			    const char *total)
{
	char money[32];
	add(l, n, cap, tr_now("Documents: %d"), r->nlines);
	for (int i = 0; i < r->nlines; i++) {
		const struct req_line *d = &r->lines[i];
		const char *type = strcmp(d->doc_type, "full_copy") ? tr_now("extract")
								      : tr_now("full copy");
		msg_money(msg_session(), d->fee_centimes, money, sizeof money);
		if (d->rejected)
			add(l, n, cap, tr_now("  %d. %s x%d, fee %s MAD - REJECTED: %s"), d->no, type,
			    d->copies, money, d->reject_reason);
		else
			add(l, n, cap, tr_now("  %d. %s x%d, fee %s MAD"), d->no, type, d->copies,
			    money);
	}
	add(l, n, cap, tr_now("Total fee: %s MAD"), total);
}

int sheet_lines(struct db *db, const struct actor *a, int64_t id, char ***out, int *nout,
		struct wq_errbuf *eb)
{
	struct request r;
	struct req_event *ev = NULL;
	int nev = 0, n = 0, cap = 0, rc;
	char **l = NULL, t1[32], t2[32], money[32];

	*out = NULL;
	*nout = 0;
	if ((rc = request_get(db, a, id, &r, eb)) != WQ_OK)
		return rc;
	if ((rc = request_history(db, a, id, &ev, &nev, eb)) != WQ_OK)
		return rc;
	msg_money(msg_session(), r.fee_centimes, money, sizeof money);
	add(&l, &n, &cap, tr_now("Request %s   state: %s%s%s"), r.tracking, tr_now(req_state_name(r.state)),
	    r.agent_id ? tr_now("   agent: ") : "", r.agent_id ? r.agent_name : "");
	add(&l, &n, &cap, tr_now("Office:    %s"), r.office_code);
	if (r.nlines > 1) /* an order of several documents: each line, the rejected ones said */
		sheet_documents(&r, &l, &n, &cap, money);
	else
		add(&l, &n, &cap, r.copies == 1 ? tr_now("Document:  %s, %d copy, fee %s MAD")
						 : tr_now("Document:  %s, %d copies, fee %s MAD"),
		    strcmp(r.doc_type, "full_copy") == 0 ? tr_now("full copy") : tr_now("extract"),
		    r.copies, money);
	add(&l, &n, &cap, tr_now("Name:      %s %s"), r.last_name_lat, r.first_name_lat);
	add(&l, &n, &cap, tr_now("Name (ar): %s %s"), r.first_name_ar, r.last_name_ar);
	add(&l, &n, &cap, tr_now("Born:      %s, commune %s"), r.birth_date, r.commune_name);
	add(&l, &n, &cap, tr_now("Record:    no. %s, year %d"), r.record_number, r.record_year);
	add(&l, &n, &cap, tr_now("Address:   %s"), r.address);
	add(&l, &n, &cap, "           %s %s", r.postal_code, r.city);
	add(&l, &n, &cap, tr_now("Phone:     %s%s%s"), r.phone, r.email[0] ? tr_now("   e-mail: ") : "",
	    r.email);
	if (r.cin[0])
		add(&l, &n, &cap, tr_now("CIN:       %s"), r.cin);
	table_time(r.created_at, t1, sizeof t1);
	if (r.paid_at)
		table_time(r.paid_at, t2, sizeof t2);
	else
		snprintf(t2, sizeof t2, "%s", tr_now("not paid"));
	add(&l, &n, &cap, tr_now("Ordered:   %s   paid: %s  (Morocco time)"), t1, t2);
	if (r.reject_reason[0])
		add(&l, &n, &cap, tr_now("Rejected:  %s"), r.reject_reason);
	if (r.mail_code[0])
		add(&l, &n, &cap, tr_now("Mail code: %s"), r.mail_code);
	add(&l, &n, &cap, "%s", "");
	add(&l, &n, &cap, tr_now("History (%d events)"), nev);
	for (int i = 0; i < nev; i++) {
		table_time(ev[i].at, t1, sizeof t1);
		add(&l, &n, &cap, "%s  %-12s %s -> %s%s%s", t1, ev[i].actor,
		    tr_now(req_state_name(ev[i].from)), tr_now(req_state_name(ev[i].to)),
		    ev[i].office_code[0] ? "  @" : "", ev[i].office_code);
		if (ev[i].note[0]) {
			char note[NOTE_MAX_BYTES + 100];
			history_note(ev[i].note, note, sizeof note);
			add(&l, &n, &cap, "                  %s", note);
		}
	}
	free(ev);
	*out = l;
	*nout = n;
	return WQ_OK;
}

void sheet_add(char ***l, int *n, int *cap, const char *text)
{
	add(l, n, cap, "%s", text);
}

void sheet_add_wrapped(char ***l, int *n, int *cap, const char *prefix, const char *text,
		       int width)
{
	char chunk[1100];
	const char *p = text;
	int first = 1;
	size_t k;
	if (width < 20)
		width = 20;
	do {
		term_fit(p, width, 0, 0, chunk, sizeof chunk);
		k = strlen(chunk);
		add(l, n, cap, "%s%s", first ? prefix : "           ", chunk);
		p += k;
		first = 0;
	} while (*p && k > 0);
}

void sheet_doc_cell(const struct request *r, char *buf, size_t len)
{
	const char *type = r->doc_type;
	int copies = r->copies;
	if (lines_open_count(r) > 1) { /* several documents: the sheet (h) lists them */
		snprintf(buf, len, "%d %s", lines_open_count(r), tr_now("docs"));
		return;
	}
	for (int i = 0; i < r->nlines; i++) /* the one left when another was rejected */
		if (!r->lines[i].rejected) {
			type = r->lines[i].doc_type;
			copies = r->lines[i].copies;
		}
	snprintf(buf, len, "%s x%d", strcmp(type, "full_copy") == 0 ? tr_now("full") : tr_now("extr"),
		 copies);
}

void sheet_lines_free(char **lines, int n)
{
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void sheet_show(struct ui *ui, int64_t id, const char *tracking)
{
	struct wq_errbuf eb = {0};
	char **lines = NULL, title[80];
	int n = 0;
	if (sheet_lines(ui->db, &ui->actor, id, &lines, &n, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "history"), &eb);
		return;
	}
	snprintf(title, sizeof title, tr(ui, "%s: details and history (Esc closes)"), tracking);
	prompt_pager(ui, title, lines, n);
	sheet_lines_free(lines, n);
}
