/* http_order.c - the order form's fields: one table of them (labels, input kind,
 * pattern, error text in both languages), checking a submission against the PCRE2
 * patterns, and drawing each field with its error.  The pages built from them (form,
 * review, confirmation) are http_order_page.c.  HTTP worker threads; no SQL
 * (commune_get, office_get; the commune lists are http_place.c). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_group.h"
#include "http_internal.h"
#include "local_day.h"
#include "log.h"
#include "office.h"
#include "request.h"
#include "util.h"

enum fkind {
	FK_TEXT, FK_TEL, FK_EMAIL, FK_DATE, FK_NUM, FK_COMMUNE, FK_OFFICE, FK_COUNTRY
};
enum fnorm { FN_SQUEEZE, FN_PHONE, FN_UPPER };

struct order_field {
	const char *name;
	const char *pattern; /* in etc/patterns.conf; NULL: checked in code */
	int required;
	enum fkind kind;
	enum fnorm norm;
	enum txt section; /* T_COUNT: same section as the row before */
	enum txt label, error;
	size_t off, size; /* where it goes in struct request (size 0: not a string) */
	const char *attrs;
};

#define RF(f) offsetof(struct request, f), sizeof(((struct request *)0)->f)
#define NOF 0, 0

static const struct order_field fields[] = {
	/* the documents (doc_type and copies, one or two lines) come first: http_lines.c */
	{"commune", NULL, 1, FK_COMMUNE, FN_SQUEEZE, T_SEC_RECORD, T_COMMUNE, T_E_COMMUNE, NOF, ""},
	/* "": I don't know (the commune's central office decides and forwards) */
	{"office", NULL, 0, FK_OFFICE, FN_SQUEEZE, T_COUNT, T_OFFICE, T_E_OFFICE, NOF, ""},
	{"record_number", "record_number", 1, FK_NUM, FN_PHONE, T_COUNT, T_RECORD_NUMBER,
	 T_E_RECORD_NUMBER, RF(record_number), " inputmode=\"numeric\" maxlength=\"6\""},
	{"record_year", "record_year", 1, FK_NUM, FN_PHONE, T_COUNT, T_RECORD_YEAR, T_E_RECORD_YEAR,
	 NOF, " inputmode=\"numeric\" maxlength=\"4\""},
	{"last_name_ar", "name_ar", 1, FK_TEXT, FN_SQUEEZE, T_SEC_PERSON, T_LAST_NAME_AR, T_E_NAME_AR,
	 RF(last_name_ar), " dir=\"rtl\" lang=\"ar\" maxlength=\"120\""},
	{"first_name_ar", "name_ar", 1, FK_TEXT, FN_SQUEEZE, T_COUNT, T_FIRST_NAME_AR, T_E_NAME_AR,
	 RF(first_name_ar), " dir=\"rtl\" lang=\"ar\" maxlength=\"120\""},
	{"last_name_lat", "name_lat", 1, FK_TEXT, FN_SQUEEZE, T_COUNT, T_LAST_NAME_LAT, T_E_NAME_LAT,
	 RF(last_name_lat), " dir=\"ltr\" maxlength=\"60\" autocomplete=\"family-name\""},
	{"first_name_lat", "name_lat", 1, FK_TEXT, FN_SQUEEZE, T_COUNT, T_FIRST_NAME_LAT,
	 T_E_NAME_LAT, RF(first_name_lat), " dir=\"ltr\" maxlength=\"60\" autocomplete=\"given-name\""},
	{"birth_date", "date", 1, FK_DATE, FN_SQUEEZE, T_COUNT, T_BIRTH_DATE, T_E_BIRTH_DATE,
	 RF(birth_date), " dir=\"ltr\" placeholder=\"1990-05-17\" maxlength=\"10\""},
	{"cin", "cin", 0, FK_TEXT, FN_UPPER, T_COUNT, T_CIN, T_E_CIN, RF(cin),
	 " dir=\"ltr\" maxlength=\"10\""},
	/* not required: an order without it (the API's older clients) goes to Morocco; the
	 * postal code and phone number are checked against it (http_country.c) */
	{"country", NULL, 0, FK_COUNTRY, FN_UPPER, T_SEC_DELIVERY, T_COUNTRY, T_E_COUNTRY,
	 RF(country), ""},
	{"address", "address", 1, FK_TEXT, FN_SQUEEZE, T_COUNT, T_ADDRESS, T_E_ADDRESS,
	 RF(address), " maxlength=\"200\" autocomplete=\"street-address\""},
	{"postal_code", NULL, 0, FK_TEXT, FN_UPPER, T_COUNT, T_POSTAL_CODE, T_E_POSTAL_CODE,
	 RF(postal_code), " dir=\"ltr\" maxlength=\"10\" autocomplete=\"postal-code\""},
	{"city", "city", 1, FK_TEXT, FN_SQUEEZE, T_COUNT, T_CITY, T_E_CITY, RF(city),
	 " maxlength=\"60\""},
	{"phone", NULL, 1, FK_TEL, FN_PHONE, T_COUNT, T_PHONE, T_E_PHONE, RF(phone),
	 " dir=\"ltr\" maxlength=\"20\" autocomplete=\"tel\""},
	{"email", "email", 0, FK_EMAIL, FN_SQUEEZE, T_COUNT, T_EMAIL, T_E_EMAIL, RF(email),
	 " dir=\"ltr\" maxlength=\"120\" autocomplete=\"email\""},
};
#define FIELD_COUNT (int)(sizeof fields / sizeof fields[0])
_Static_assert(FIELD_COUNT <= ORDER_FIELD_MAX, "raise ORDER_FIELD_MAX");


int order_field_count(void)
{
	return FIELD_COUNT;
}

const char *order_field_name(int i)
{
	return i >= 0 && i < FIELD_COUNT ? fields[i].name : "";
}

/* Today in Morocco, not in UTC: at 00:30 in Casablanca (23:30 UTC the day before, UTC+1
 * outside Ramadan) a birth of today is not in the future, nor is this year's record on
 * the first of January. */
static void today_in_morocco(struct tm *tm)
{
	time_t t = (time_t)(local_day(wq_now()) * 86400);
	gmtime_r(&t, tm);
}

static int current_year(void)
{
	struct tm tm;
	today_in_morocco(&tm);
	return tm.tm_year + 1900;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return 0;
	*out = (int)v;
	return 1;
}

/* A row's id as a form or the JSON sends it (trimmed): digits only, so "1abc", "1.9"
 * or "+1" name no commune or office (strtoll would have read a 1 in each). */
static int parse_id(const char *s, int64_t *out)
{
	int64_t v = 0;
	int digits = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || ++digits > 18)
			return 0;
		v = v * 10 + (*s - '0');
	}
	if (!digits || v < 1)
		return 0;
	*out = v;
	return 1;
}

/* One field of a submission: raw normalised into val (vlen bytes) and, when it holds,
 * copied into its place in r; the error to show, T_COUNT if none. */
static enum txt field_check(const struct validator *v, const struct order_field *f,
			    const char *raw, char *val, size_t vlen, struct request *r)
{
	if (raw && strlen(raw) >= vlen) {
		val[0] = 0;
		return T_E_TOO_LONG;
	}
	validate_normalize(val, vlen, raw, f->norm == FN_PHONE);
	if (f->norm == FN_UPPER)
		for (char *p = val; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	if (!val[0])
		return f->required ? T_E_REQUIRED : T_COUNT;
	int ok = f->pattern ? validate_match(v, f->pattern, val) : 1;
	if (ok && f->size && strlen(val) >= f->size)
		ok = 0;
	if (ok && f->size)
		memcpy((char *)r + f->off, val, strlen(val) + 1);
	return ok ? T_COUNT : f->error;
}

int order_address_validate(struct http_ctx *c, const char *country, struct address_input *in,
			   struct request *r)
{
	static const char *const names[ADDRESS_FIELDS] = {"address", "postal_code", "city"};
	struct order_input *oi = &in->in;
	memset(r, 0, sizeof *r);
	for (int i = 0; i < FIELD_COUNT; i++) {
		oi->val[i][0] = oi->hint[i][0] = 0;
		oi->err[i] = T_COUNT;
	}
	oi->nerr = 0;
	for (int k = 0; k < ADDRESS_FIELDS; k++) {
		in->name[k] = names[k];
		for (int i = 0; i < FIELD_COUNT; i++) {
			if (strcmp(fields[i].name, names[k]))
				continue;
			in->idx[k] = i;
			oi->err[i] = field_check(c->app->val, &fields[i], http_arg(c, names[k]),
						 oi->val[i], sizeof oi->val[i], r);
			oi->nerr += oi->err[i] != T_COUNT;
		}
	}
	/* the postal code by the delivery country's pattern, as on the order: the envelope
	 * goes again within the country it was ordered to (no phone asked here) */
	snprintf(oi->val[F_COUNTRY], sizeof oi->val[F_COUNTRY], "%s", country[0] ? country : "MA");
	order_check_delivery(c, oi, F_COUNTRY, F_POSTAL, F_PHONE, r);
	return oi->nerr;
}

const char *order_address_error(struct http_ctx *c, const struct address_input *in, int k,
				char *buf, size_t len)
{
	int i = in->idx[k];
	return in->in.err[i] == T_COUNT ? NULL : order_error_text(c, &in->in, i, buf, len);
}

void order_address_fields(struct http_ctx *c, const struct address_input *in)
{
	static const char *const names[ADDRESS_FIELDS] = {"address", "postal_code", "city"};
	static const enum txt labels[ADDRESS_FIELDS] = {T_ADDRESS, T_POSTAL_CODE, T_CITY};
	struct buf *o = &c->out;
	char msg[300];
	for (int k = 0; k < ADDRESS_FIELDS; k++) {
		for (int i = 0; i < FIELD_COUNT; i++) {
			const struct order_field *f = &fields[i];
			if (strcmp(f->name, names[k]))
				continue;
			const char *err = in ? order_address_error(c, in, k, msg, sizeof msg) : NULL;
			buf_printf(o, "<label for=\"%s\">", names[k]);
			buf_html(o, tr(c, labels[k]));
			buf_printf(o, "</label><input id=\"%s\" name=\"%s\"%s%s value=\"", names[k],
				   names[k], f->attrs, err ? " aria-invalid=\"true\"" : "");
			buf_html(o, in ? in->in.val[i] : "");
			buf_puts(o, "\">\n");
			if (err)
				track_field_error(c, names[k], err);
		}
	}
}

int order_validate(struct http_ctx *c, struct order_input *in, struct request *r)
{
	memset(r, 0, sizeof *r);
	in->nerr = 0;
	for (int i = 0; i < FIELD_COUNT; i++)
		if ((in->err[i] = field_check(c->app->val, &fields[i], http_arg(c, fields[i].name),
					      in->val[i], sizeof in->val[i], r)) != T_COUNT)
			in->nerr++;
	/* what a pattern cannot say */
	int year = 0, byear = 0;
	in->nerr += order_lines_read(c, &in->lines, !in->api);
	if (in->err[F_BIRTH] == T_COUNT) {
		char iso[11];
		if (!validate_date(in->val[F_BIRTH], iso, &byear) || strcmp(iso, "1900-01-01") < 0) {
			in->err[F_BIRTH] = T_E_BIRTH_DATE;
			in->nerr++;
		} else {
			char today[11];
			struct tm tm;
			today_in_morocco(&tm);
			strftime(today, sizeof today, "%Y-%m-%d", &tm);
			if (strcmp(iso, today) > 0) {
				in->err[F_BIRTH] = T_E_BIRTH_DATE;
				in->nerr++;
			} else {
				memcpy(r->birth_date, iso, sizeof iso);
			}
		}
	}
	if (in->err[F_RECYEAR] == T_COUNT) {
		if (!parse_int(in->val[F_RECYEAR], 1900, current_year(), &year) ||
		    (byear && year < byear)) {
			in->err[F_RECYEAR] = T_E_RECORD_YEAR;
			in->nerr++;
		} else {
			r->record_year = year;
		}
	}
	int64_t commune = 0;
	if (in->err[F_COMMUNE] == T_COUNT && in->commune_later && !in->val[F_OFFICE][0] &&
	    parse_id(in->val[F_COMMUNE], &commune)) {
		r->birth_commune_id = commune;
	} else if (in->err[F_COMMUNE] == T_COUNT) {
		int64_t id = 0;
		struct commune cm;
		struct db *db = http_db(c);
		struct wq_errbuf eb;
		int found = parse_id(in->val[F_COMMUNE], &id) && db &&
			    commune_get(db, id, &cm, &eb) == WQ_OK;
		if (found)
			snprintf(r->commune_name, sizeof r->commune_name, "%s",
				 !strcmp(c->lang, "ar") ? cm.name_ar : cm.name_fr);
		if (!found) {
			in->err[F_COMMUNE] = T_E_COMMUNE;
			in->nerr++;
		} else {
			r->birth_commune_id = id;
		}
	}
	if (in->err[F_OFFICE] == T_COUNT && in->val[F_OFFICE][0] && r->birth_commune_id) {
		/* one of the birth commune's open offices, else the field says so */
		int64_t id = 0;
		struct office of;
		struct db *db = http_db(c);
		struct wq_errbuf eb;
		if (parse_id(in->val[F_OFFICE], &id) && db && office_get(db, id, &of, &eb) == WQ_OK &&
		    of.active && of.commune_id == r->birth_commune_id) {
			r->office_id = id;
			snprintf(r->office_code, sizeof r->office_code, "%s", of.code);
		} else {
			in->err[F_OFFICE] = T_E_OFFICE;
			in->nerr++;
		}
	}
	order_check_delivery(c, in, F_COUNTRY, F_POSTAL, F_PHONE, r);
	snprintf(r->lang, sizeof r->lang, "%s", c->lang);
	if (!in->nerr) { /* the sum of the lines, and the postage abroad once */
		struct wq_errbuf eb;
		r->nlines = in->lines.n;
		memcpy(r->lines, in->lines.line, sizeof r->lines);
		if (lines_price(&c->app->fees, r->lines, r->nlines, &r->fee_centimes, &eb))
			in->nerr++; /* the table lacks a type: etc/fees.conf is checked at start */
		const struct country *k = country_find(&c->app->countries, r->country);
		r->fee_centimes += fee_postage(&c->app->fees, k ? k->zone : 0);
	}
	return in->nerr;
}

const char *order_error_text(struct http_ctx *c, const struct order_input *in, int i,
			     char *buf, size_t len)
{
	const char *t = tr(c, in->err[i]);
	if (!strstr(t, "%s"))
		return t;
	snprintf(buf, len, t, in->hint[i]); /* the texts with a %s take the example */
	return buf;
}

/* ---- drawing ---- */
int order_field_draw(struct http_ctx *c, int i, const struct order_input *in)
{
	const struct order_field *f = &fields[i];
	const char *val = in ? in->val[i] : "";
	enum txt err = in ? in->err[i] : T_COUNT;
	struct buf *o = &c->out;
	if (f->section != T_COUNT) {
		buf_puts(o, "<h2>");
		buf_html(o, tr(c, f->section));
		buf_puts(o, "</h2>\n");
	}
	if (f->kind == FK_COMMUNE) /* its label and lists depend on the network's size */
		return place_field(c, f->name, val, err);
	if (f->kind == FK_OFFICE) /* only where a commune has several */
		return place_office_field(c, f->name, in ? in->val[F_COMMUNE] : "", val, err);
	char etext[300];
	buf_printf(o, "<label for=\"%s\">", f->name);
	buf_html(o, tr(c, f->label));
	buf_puts(o, "</label>");
	const char *inv = err != T_COUNT ? " aria-invalid=\"true\"" : "";
	char desc[64] = "";
	if (err != T_COUNT)
		snprintf(desc, sizeof desc, " aria-describedby=\"e-%s\"", f->name);
	switch (f->kind) {
	case FK_COUNTRY: {
		char attrs[96];
		snprintf(attrs, sizeof attrs, "%s%s", inv, desc);
		country_field(c, f->name, val, attrs);
		break;
	}
	default: {
		const char *type = f->kind == FK_TEL ? "tel" : f->kind == FK_EMAIL ? "email" : "text";
		buf_printf(o, "<input id=\"%s\" name=\"%s\" type=\"%s\"%s%s%s%s value=\"", f->name,
			   f->name, type, f->required ? " required" : "", f->attrs, inv, desc);
		buf_html(o, val);
		buf_puts(o, "\">\n");
	}
	}
	if (err != T_COUNT) {
		buf_printf(o, "<p class=\"err\" id=\"e-%s\">", f->name);
		buf_html(o, in ? order_error_text(c, in, i, etext, sizeof etext) : tr(c, err));
		buf_puts(o, "</p>\n");
	}
	return WQ_OK;
}


void order_hidden_fields(struct http_ctx *c, const struct order_input *in)
{
	page_hidden(c, "lang", c->lang);
	order_lines_hidden(c, &in->lines);
	for (int i = 0; i < FIELD_COUNT; i++)
		page_hidden(c, fields[i].name, in->val[i]);
}

