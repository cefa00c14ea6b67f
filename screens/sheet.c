/* sheet.c - the request sheet: a plain-text page (details and full history) that an
 * office prints, or that a central office faxes to a relayed low-activity office.
 * Also the detail lines the screens show in a pager.  Written under $WATIQA_PRINT_DIR,
 * else print/ next to the database (var/print/ by default).  UI child only; reads
 * through request_get() / request_history(), which check the actor's scope. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "request.h"
#include "sheet.h"
#include "util.h"

static int add(char ***lines, int *n, int *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int add(char ***lines, int *n, int *cap, const char *fmt, ...)
{
	va_list ap;
	char buf[1400];
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (*n >= *cap) {
		int c = *cap * 2 + 32;
		char **l = realloc(*lines, (size_t)c * sizeof *l);
		if (!l)
			return -1;
		*lines = l;
		*cap = c;
	}
	(*lines)[*n] = strdup(buf);
	if (!(*lines)[*n])
		return -1;
	(*n)++;
	return 0;
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
	wq_fmt_money(r.fee_centimes, money, sizeof money);
	add(&l, &n, &cap, "Request %s   state: %s%s%s", r.tracking, req_state_name(r.state),
	    r.agent_id ? "   agent: " : "", r.agent_id ? r.agent_name : "");
	add(&l, &n, &cap, "Office:    %s", r.office_code);
	add(&l, &n, &cap, "Document:  %s, %d cop%s, fee %s MAD",
	    strcmp(r.doc_type, "full_copy") == 0 ? "full copy" : "extract", r.copies,
	    r.copies == 1 ? "y" : "ies", money);
	add(&l, &n, &cap, "Name:      %s %s", r.last_name_lat, r.first_name_lat);
	add(&l, &n, &cap, "Name (ar): %s %s", r.first_name_ar, r.last_name_ar);
	add(&l, &n, &cap, "Born:      %s, commune %s", r.birth_date, r.commune_name);
	add(&l, &n, &cap, "Record:    no. %s, year %d", r.record_number, r.record_year);
	add(&l, &n, &cap, "Address:   %s", r.address);
	add(&l, &n, &cap, "           %s %s", r.postal_code, r.city);
	add(&l, &n, &cap, "Phone:     %s%s%s", r.phone, r.email[0] ? "   e-mail: " : "",
	    r.email);
	if (r.cin[0])
		add(&l, &n, &cap, "CIN:       %s", r.cin);
	wq_fmt_time(r.created_at, t1, sizeof t1);
	if (r.paid_at)
		wq_fmt_time(r.paid_at, t2, sizeof t2);
	else
		snprintf(t2, sizeof t2, "not paid");
	add(&l, &n, &cap, "Ordered:   %s   paid: %s  (Casablanca time)", t1, t2);
	if (r.reject_reason[0])
		add(&l, &n, &cap, "Rejected:  %s", r.reject_reason);
	if (r.mail_code[0])
		add(&l, &n, &cap, "Mail code: %s", r.mail_code);
	add(&l, &n, &cap, "%s", "");
	add(&l, &n, &cap, "History (%d events)", nev);
	for (int i = 0; i < nev; i++) {
		wq_fmt_time(ev[i].at, t1, sizeof t1);
		add(&l, &n, &cap, "%s  %-12s %s -> %s%s%s", t1, ev[i].actor,
		    req_state_name(ev[i].from), req_state_name(ev[i].to),
		    ev[i].office_code[0] ? "  @" : "", ev[i].office_code);
		if (ev[i].note[0])
			add(&l, &n, &cap, "                  %s", ev[i].note);
	}
	free(ev);
	*out = l;
	*nout = n;
	return WQ_OK;
}

void sheet_lines_free(char **lines, int n)
{
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static void print_dir(const char *db_path, char *dst, size_t len)
{
	const char *env = getenv("WATIQA_PRINT_DIR");
	const char *slash;
	if (env && env[0]) {
		snprintf(dst, len, "%s", env);
		return;
	}
	slash = strrchr(db_path, '/');
	if (slash)
		snprintf(dst, len, "%.*s/print", (int)(slash - db_path), db_path);
	else
		snprintf(dst, len, "print");
}

int sheet_write(struct db *db, const struct actor *a, const char *db_path, int64_t id,
		char *path_out, size_t path_len, struct wq_errbuf *eb)
{
	char **l = NULL, dir[512], tracking[TRACKING_BYTES] = "";
	int n = 0, rc;
	FILE *f;

	if ((rc = sheet_lines(db, a, id, &l, &n, eb)) != WQ_OK)
		return rc;
	if (n > 0)
		sscanf(l[0], "Request %11s", tracking);
	print_dir(db_path, dir, sizeof dir);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		sheet_lines_free(l, n);
		return wq_fail(eb, WQ_EIO, NULL, "cannot create %s: %s", dir, strerror(errno));
	}
	snprintf(path_out, path_len, "%s/%s.txt", dir, tracking);
	f = fopen(path_out, "w");
	if (!f) {
		sheet_lines_free(l, n);
		return wq_fail(eb, WQ_EIO, NULL, "cannot write %s: %s", path_out,
			       strerror(errno));
	}
	fprintf(f, "ROYAUME DU MAROC - ETAT CIVIL - WATIQA\n");
	fprintf(f, "Fiche de demande / request sheet\n\n");
	for (int i = 0; i < n; i++)
		fprintf(f, "%s\n", l[i]);
	fprintf(f, "\nPrinted by %s\n", a->username);
	rc = fclose(f) == 0 ? WQ_OK
			     : wq_fail(eb, WQ_EIO, NULL, "cannot write %s", path_out);
	sheet_lines_free(l, n);
	return rc;
}
