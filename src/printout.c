/* printout.c - the printouts of printout.h, written as plain text (UTF-8, 80 columns)
 * that any printer spooler or fax gateway takes.  Reads through request.h, mail.h and
 * board.h, which check the actor's scope; writes only files.  Runs in the UI child.
 * No SQL here.  The sheet and the dispatch list are in the language of the account
 * that prints (the session's, msg.h: the one message table, which depends on nothing),
 * in logical order (a viewer or printer does its own bidi); dates and money the local
 * way.  What others than the account read stays as it was: the envelope's label (the
 * post and the citizen: the address in Latin, the country in French capitals as the
 * UPU asks, the name in both scripts) and the verification code's line (any
 * administration copies it from the document; its French words are its stable key). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "board.h"
#include "country.h"
#include "document.h"
#include "history_text.h"
#include "mail.h"
#include "msg.h"
#include "office.h"
#include "lines.h"
#include "printout.h"
#include "request.h"
#include "server_key.h"
#include "util.h"

static int open_out(const struct config *cfg, const char *name, char *path, size_t len,
		    FILE **f, struct wq_errbuf *eb)
{
	char dir[PATH_MAX_BYTES];
	const char *env = getenv("WATIQA_PRINT_DIR");
	if (env && env[0])
		snprintf(dir, sizeof dir, "%s", env);
	else
		config_state_path(cfg, "print", dir, sizeof dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return wq_fail(eb, WQ_EIO, NULL, "cannot create %s: %s", dir, strerror(errno));
	snprintf(path, len, "%s/%s", dir, name);
	if (!(*f = fopen(path, "w")))
		return wq_fail(eb, WQ_EIO, NULL, "cannot write %s: %s", path, strerror(errno));
	return WQ_OK;
}

static int close_out(FILE *f, const char *path, struct wq_errbuf *eb)
{
	if (ferror(f) | fclose(f))
		return wq_fail(eb, WQ_EIO, NULL, "cannot write %s", path);
	return WQ_OK;
}

/* A time as the session's language writes it (local date, Morocco time). */
static void local_time(int64_t t, char *buf, size_t len)
{
	char iso[32];
	wq_fmt_time(t, iso, sizeof iso);
	msg_date(msg_session(), iso, buf, len);
}

/* An order of several documents: each document's own verification code. */
static void print_codes(struct db *db, const struct actor *a, const unsigned char key[32],
			const struct request *r, int issue, FILE *f, const struct config *cfg)
{
	fprintf(f, "\nCodes de verification / verification codes:\n");
	for (int i = 0; i < r->nlines; i++) {
		char code[SECRET_CODE_BYTES];
		struct wq_errbuf eb;
		if (r->lines[i].rejected ||
		    document_code(db, a, key, r->id, r->lines[i].no, issue, code, &eb) || !code[0])
			continue;
		fprintf(f, "  %-16s x%-2d %s\n",
			strcmp(r->lines[i].doc_type, "full_copy") ? tr_now("extract")
								  : tr_now("full copy"),
			r->lines[i].copies, code);
	}
	fprintf(f, tr_now("  Any administration checks this document at %s/verify\n"),
		cfg->public_url);
}

int printout_sheet(struct db *db, const struct actor *a, const struct config *cfg,
		   int64_t request_id, char *path_out, size_t path_len, struct wq_errbuf *eb)
{
	struct request r;
	struct office o;
	struct board_event *ev = NULL;
	int nev = 0, rc;
	char name[64], t1[32], t2[32], money[32], line[NOTE_MAX_BYTES + 200];
	char code[SECRET_CODE_BYTES], address[400];
	unsigned char key[SERVER_KEY_BYTES];
	FILE *f;

	/* a file is a write: the account must still be what it was (db_actor_current) */
	if ((rc = db_actor_current(db, a, eb)) || (rc = request_get(db, a, request_id, &r, eb)) ||
	    (rc = office_get(db, r.office_id, &o, eb)))
		return rc;
	/* the production printout: office staff printing a produced request's sheet issue
	 * its document (a reprint gives the same code); anyone else sees the code if any */
	int staff = a->role == ROLE_AGENT || a->role == ROLE_SUPERVISOR || a->role == ROLE_OFFICER;
	int produced = r.state >= RS_IN_PRODUCTION && r.state <= RS_DELIVERED;
	if ((rc = server_key_get(cfg, key, eb)) ||
	    (rc = document_code(db, a, key, request_id, 0, staff && produced, code, eb)) ||
	    (rc = board_history(db, a, request_id, &ev, &nev, eb)))
		return rc;
	snprintf(name, sizeof name, "sheet-%s.txt", r.tracking);
	if ((rc = open_out(cfg, name, path_out, path_len, &f, eb))) {
		free(ev);
		return rc;
	}
	fprintf(f, "%s\n", tr_now("KINGDOM OF MOROCCO - CIVIL STATUS - WATIQA"));
	fprintf(f, tr_now("Request sheet   %s\n"), r.tracking);
	if (o.relay_code[0])
		/* the relayed office has no computer: this page is what reaches it */
		fprintf(f, tr_now("BY FAX  to office %s (%s)\n          from its central office %s\n"),
			o.code, o.name_fr, o.relay_code);
	fprintf(f, "\n");
	fprintf(f, tr_now("Office:    %s  %s\n"), o.code, o.name_fr);
	msg_money(msg_session(), r.fee_centimes, money, sizeof money);
	fprintf(f, tr_now("State:     %s%s%s\n"), tr_now(req_state_name(r.state)),
		r.agent_name[0] ? tr_now("   agent: ") : "", r.agent_name);
	if (r.nlines > 1) { /* an order of several documents: each one, then the fee */
		fprintf(f, tr_now("Documents: %d"), r.nlines);
		fprintf(f, "\n");
		for (int i = 0; i < r.nlines; i++) {
			const struct req_line *d = &r.lines[i];
			char fee[32];
			msg_money(msg_session(), d->fee_centimes, fee, sizeof fee);
			const char *type = strcmp(d->doc_type, "full_copy") ? tr_now("extract")
									      : tr_now("full copy");
			if (d->rejected)
				fprintf(f, tr_now("  %d. %s x%d, fee %s MAD - REJECTED: %s"), d->no,
					type, d->copies, fee, d->reject_reason);
			else
				fprintf(f, tr_now("  %d. %s x%d, fee %s MAD"), d->no, type,
					d->copies, fee);
			fprintf(f, "\n");
		}
		fprintf(f, tr_now("Total fee: %s MAD"), money);
	} else {
		fprintf(f, r.copies == 1 ? tr_now("Document:  %s, %d copy, fee %s MAD")
					 : tr_now("Document:  %s, %d copies, fee %s MAD"),
			strcmp(r.doc_type, "full_copy") ? tr_now("extract") : tr_now("full copy"),
			r.copies, money);
	}
	fprintf(f, "\n");
	fprintf(f, tr_now("Name:      %s %s"), r.last_name_lat, r.first_name_lat);
	fprintf(f, "\n");
	fprintf(f, tr_now("Name (ar): %s %s"), r.first_name_ar, r.last_name_ar);
	fprintf(f, "\n");
	msg_date(msg_session(), r.birth_date, t1, sizeof t1);
	fprintf(f, tr_now("Born:      %s, commune %s"), t1, r.commune_name);
	fprintf(f, "\n");
	fprintf(f, tr_now("Record:    no. %s, year %d"), r.record_number, r.record_year);
	fprintf(f, "\n");
	snprintf(address, sizeof address, "%s, %s %s%s%s", r.address, r.postal_code, r.city,
		 strcmp(r.country, "MA") ? ", " : "", strcmp(r.country, "MA") ? r.country : "");
	fprintf(f, tr_now("Address:   %s"), address);
	fprintf(f, "\n");
	fprintf(f, tr_now("Phone:     %s%s%s"), r.phone, "", "");
	fprintf(f, "\n");
	local_time(r.created_at, t1, sizeof t1);
	local_time(r.paid_at, t2, sizeof t2);
	fprintf(f, tr_now("Ordered:   %s   paid: %s  (Morocco time)"), t1, t2);
	fprintf(f, "\n");
	if (r.mail_code[0]) {
		fprintf(f, tr_now("Mail code: %s"), r.mail_code);
		fprintf(f, "\n");
	}
	if (code[0] && lines_open_count(&r) > 1) { /* one code per document */
		print_codes(db, a, key, &r, staff && produced, f, cfg);
	} else if (code[0]) {
		/* the code's line stays as it is in every language: see the top */
		fprintf(f, "\nCode de verification / verification code:  %s\n", code);
		fprintf(f, tr_now("  Any administration checks this document at %s/verify\n"),
			cfg->public_url);
	}
	fprintf(f, "\n");
	fprintf(f, tr_now("History (%d events)"), nev);
	fprintf(f, "\n");
	for (int i = 0; i < nev; i++) {
		char stage[96], who[200];
		history_stage(&ev[i], stage, sizeof stage);
		history_who(&ev[i], who, sizeof who);
		fprintf(f, "  %s  %s\n", stage, who);
		if (ev[i].note[0]) {
			history_note(ev[i].note, line, sizeof line);
			fprintf(f, "      %s\n", line);
		}
	}
	if (o.relay_code[0]) {
		fprintf(f, "\n");
		fprintf(f, tr_now("Stages done at %s: tell %s, which records them.\n"), o.code,
			o.relay_code);
	}
	fprintf(f, "\n");
	fprintf(f, tr_now("Printed by %s\n"), a->username);
	free(ev);
	return close_out(f, path_out, eb);
}

/* "Émirats arabes unis" -> "ÉMIRATS ARABES UNIS": ASCII and Latin-1's accented
 * letters (UTF-8 C3 A0..BE, bar the division sign), the letters of French names. */
static void upper_latin(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (unsigned char)(*p - 'a' + 'A');
		else if (*p == 0xc3 && p[1] >= 0xa0 && p[1] <= 0xbe && p[1] != 0xb7)
			*++p -= 0x20;
	}
}

int printout_label(struct db *db, const struct actor *a, const struct config *cfg,
		   int64_t request_id, char *path_out, size_t path_len, struct wq_errbuf *eb)
{
	struct envelope e;
	char name[64];
	FILE *f;
	int rc;
	if ((rc = db_actor_current(db, a, eb)) || (rc = mail_get(db, a, request_id, &e, eb)))
		return rc;
	snprintf(name, sizeof name, "label-%s.txt", e.tracking);
	if ((rc = open_out(cfg, name, path_out, path_len, &f, eb)))
		return rc;
	fprintf(f, "+------------------------------------------------------------+\n");
	fprintf(f, "| RECOMMANDE / REGISTERED        %-28s|\n",
		e.code[0] ? e.code : "code: ______________");
	fprintf(f, "+------------------------------------------------------------+\n");
	fprintf(f, "  From: Bureau d'etat civil %s\n        %s\n", e.office_code, e.office_name);
	fprintf(f, "\n  To:   %s\n        %s\n", e.name_lat, e.name_ar);
	fprintf(f, "        %s\n", e.address);
	fprintf(f, "        %s %s\n", e.postal_code, e.city);
	if (strcmp(e.country, "MA")) {
		/* abroad: the country of destination on a line of its own, in capitals and in
		 * French (the Universal Postal Union's rule), then its code */
		struct country_table t;
		struct wq_errbuf ceb;
		char path[PATH_MAX_BYTES + 64], up[sizeof t.c->name_fr];
		const struct country *k = NULL;
		config_path(cfg, "etc/countries.conf", path, sizeof path);
		if (country_load(path, &t, &ceb) == WQ_OK)
			k = country_find(&t, e.country);
		snprintf(up, sizeof up, "%s", k ? k->name_fr : e.country);
		upper_latin(up);
		fprintf(f, "        %s  (%s)\n", up, e.country);
		country_free(&t);
	}
	fprintf(f, "        tel. %s\n", e.phone);
	fprintf(f, "\n  Watiqa %s  (%s)\n", e.tracking, e.docs);
	return close_out(f, path_out, eb);
}

/* [start, end) of the Casablanca calendar day holding t. */
static void day_bounds(int64_t t, int64_t *start, int64_t *end, char *label, size_t len)
{
	char tmp[32];
	wq_fmt_time(t, tmp, sizeof tmp); /* sets TZ to Africa/Casablanca once */
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*start = (int64_t)mktime(&tm);
	strftime(label, len, "%Y-%m-%d", &tm);
	tm.tm_mday += 1;
	tm.tm_isdst = -1;
	*end = (int64_t)mktime(&tm);
}

/* The office is the actor's, one it relays, or within its commune, province or the
 * nation: the scope rule of the data layer's reads.  Without it an office out of scope
 * got a dispatch list saying "0 envelopes" (tests/test_isolation.c). */
static int office_in_scope(const struct actor *a, const struct office *o)
{
	switch (a->scope) {
	case SCOPE_OFFICE:
		return o->id == a->scope_id || o->relay_office_id == a->scope_id;
	case SCOPE_COMMUNE:
		return o->commune_id == a->scope_id;
	case SCOPE_PROVINCE:
		return o->province_id == a->scope_id;
	case SCOPE_NATIONAL:
		return 1;
	default:
		return 0;
	}
}

int printout_dispatch(struct db *db, const struct actor *a, const struct config *cfg,
		      int64_t office_id, int64_t day, int *count, char *path_out,
		      size_t path_len, struct wq_errbuf *eb)
{
	struct office o;
	struct envelope *e = NULL;
	struct mail_filter flt = {.office_id = office_id};
	char name[80], date[16], when[32];
	int n = 0, rc;
	FILE *f;

	*count = 0;
	if ((rc = db_actor_current(db, a, eb)))
		return rc;
	day_bounds(day, &flt.handed_from, &flt.handed_to, date, sizeof date);
	if ((rc = office_get(db, office_id, &o, eb)))
		return rc;
	if (!office_in_scope(a, &o))
		return wq_fail(eb, WQ_ENOTFOUND, "office", "no office #%lld in your scope",
			       (long long)office_id);
	if ((rc = mail_list(db, a, &flt, &e, &n, eb)))
		return rc;
	snprintf(name, sizeof name, "dispatch-%s-%s.txt", o.code, date);
	if ((rc = open_out(cfg, name, path_out, path_len, &f, eb))) {
		free(e);
		return rc;
	}
	char shown[32];
	msg_date(msg_session(), date, shown, sizeof shown);
	fprintf(f, "%s\n", tr_now("KINGDOM OF MOROCCO - CIVIL STATUS - WATIQA"));
	fprintf(f, tr_now("Daily dispatch list   %s\n"), shown);
	fprintf(f, tr_now("Times: Morocco time (%s)\n"), WQ_TIME_ZONE);
	fprintf(f, tr_now("Office %s  %s\n"), o.code, o.name_fr);
	fprintf(f, "\n%s\n",
		tr_now(" No  Registered     Tracking     Addressee                 City         How"));
	for (int i = 0; i < n; i++) {
		char city[80]; /* abroad, the country first: the post sorts those apart */
		snprintf(city, sizeof city, "%s%s%s", strcmp(e[i].country, "MA") ? e[i].country : "",
			 strcmp(e[i].country, "MA") ? " " : "", e[i].city);
		fprintf(f, "%3d  %-13s  %-11s  %-24.24s  %-11.11s  %s\n", i + 1, e[i].code,
			e[i].tracking, e[i].name_lat, city, tr_now(e[i].handed_how));
		local_time(e[i].handed_at, when, sizeof when);
		if (e[i].status != MS_WITH_POST)
			fprintf(f, tr_now("     handed %s, now %s\n"), when,
				tr_now(mail_status_name(e[i].status)));
		else
			fprintf(f, tr_now("     handed %s\n"), when);
	}
	fprintf(f, "\n");
	fprintf(f, n == 1 ? tr_now("Total: %d envelope\n") : tr_now("Total: %d envelopes\n"), n);
	fprintf(f, "\n%s\n",
		tr_now("Handed over by (office): ____________   Received by (post): ____________"));
	fprintf(f, tr_now("Printed by %s\n"), a->username);
	free(e);
	*count = n;
	return close_out(f, path_out, eb);
}
