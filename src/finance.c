/* finance.c - the parts of finance.h that need no database: periods in local calendar
 * days (Africa/Casablanca, whose offset moves around Ramadan, so days are computed by
 * the zone database, never by a fixed +1h), bucket names and the CSV of payments.
 * db_finance.c calls these; nothing here calls back into the data layer (the export
 * file, which reads payments, is finance_export.c), so the two do not import each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "finance.h"
#include "util.h"

/* Local midnight of a calendar day (mktime normalises month 13, day 32...). */
static int64_t local_midnight(int y, int m, int d)
{
	struct tm tm = {0};
	wq_tz_init(); /* same zone as wq_fmt_time(): what staff call "a day" */
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static int valid_day(int y, int m, int d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

/* One "YYYY", "YYYY-MM" or "YYYY-MM-DD": [from, to) of that year, month or day. */
static int parse_one(const char *s, int64_t *from, int64_t *to)
{
	int y, m = 0, d = 0, used = 0;
	size_t len = strlen(s);
	if (len == 4 && sscanf(s, "%4d%n", &y, &used) == 1 && used == 4 && valid_day(y, 1, 1)) {
		*from = local_midnight(y, 1, 1);
		*to = local_midnight(y + 1, 1, 1);
		return 1;
	}
	if (len == 7 && sscanf(s, "%4d-%2d%n", &y, &m, &used) == 2 && used == 7 &&
	    valid_day(y, m, 1)) {
		*from = local_midnight(y, m, 1);
		*to = local_midnight(y, m + 1, 1);
		return 1;
	}
	if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 && used == 10 &&
	    valid_day(y, m, d)) {
		*from = local_midnight(y, m, d);
		*to = local_midnight(y, m, d + 1);
		return 1;
	}
	return 0;
}

int fin_period_parse(const char *s, struct fin_period *p, struct wq_errbuf *eb)
{
	char a[16], b[16];
	const char *dots = strstr(s, "..");
	int64_t f1, t1, f2, t2;
	if (!dots) {
		if (strlen(s) < sizeof a && parse_one(s, &p->from, &p->to))
			return WQ_OK;
	} else if ((size_t)(dots - s) < sizeof a && strlen(dots + 2) < sizeof b) {
		memcpy(a, s, (size_t)(dots - s));
		a[dots - s] = '\0';
		strcpy(b, dots + 2);
		if (parse_one(a, &f1, &t1) && parse_one(b, &f2, &t2)) {
			if (t2 <= f1)
				return wq_fail(eb, WQ_EINVAL, "period",
					       "period: %s ends before it starts", s);
			p->from = f1;
			p->to = t2;
			return WQ_OK;
		}
	}
	return wq_fail(eb, WQ_EINVAL, "period",
		       "period: '%s' is not YYYY, YYYY-MM, YYYY-MM-DD or FROM..TO", s);
}

void fin_period_month(int64_t t, int months, struct fin_period *p)
{
	struct tm tm;
	time_t tt = (time_t)t;
	wq_tz_init();
	localtime_r(&tt, &tm);
	p->from = local_midnight(tm.tm_year + 1900, tm.tm_mon + 1 + months, 1);
	p->to = local_midnight(tm.tm_year + 1900, tm.tm_mon + 2 + months, 1);
}

void fin_local_day(int64_t t, char out[11])
{
	struct tm tm;
	time_t tt = (time_t)t;
	wq_tz_init();
	localtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void fin_period_label(const struct fin_period *p, char *buf, size_t len)
{
	char a[11], b[11];
	fin_local_day(p->from, a);
	fin_local_day(p->to - 1, b); /* the last second of the period: its last day */
	snprintf(buf, len, "%s..%s", a, b);
}

void fin_period_name(const struct fin_period *p, char *buf, size_t len)
{
	struct fin_period m;
	char a[11];
	fin_local_day(p->from, a);
	fin_period_month(p->from, 0, &m);
	if (m.from == p->from && m.to == p->to) {
		snprintf(buf, len, "%.7s", a);
		return;
	}
	struct fin_period d;
	if (fin_period_parse(a, &d, NULL) == WQ_OK && d.to == p->to) {
		snprintf(buf, len, "%s", a);
		return;
	}
	fin_period_label(p, buf, len);
}

const char *fin_bucket_name(enum fin_bucket b)
{
	static const char *const names[FB_COUNT] = {
		[FB_PROCESSING] = "processing", [FB_REFUND] = "refund owed",
		[FB_AWAITING] = "awaiting batch", [FB_BATCHED] = "in batch",
		[FB_TRANSFERRED] = "transferred",
	};
	return (b >= 0 && b < FB_COUNT) ? names[b] : "?";
}

/* A CSV field: quoted only when it must be (RFC 4180). */
static void csv_field(FILE *f, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

int finance_csv_write(FILE *f, const struct fin_payment *rows, int n)
{
	char when[32], money[32], settle[24], copies[12], line[12], back[32];
	fputs("confirmed_at,tracking,doc_type,copies,office,amount_mad,payment_ref,"
	      "payment_status,request_state,money_status,settlement,line,refunded_mad\r\n",
	      f);
	for (int i = 0; i < n; i++) {
		const struct fin_payment *r = &rows[i];
		wq_fmt_time(r->confirmed_at, when, sizeof when);
		wq_fmt_money(r->amount_centimes, money, sizeof money);
		snprintf(copies, sizeof copies, "%d", r->copies);
		settle[0] = '\0';
		if (r->settlement_id)
			snprintf(settle, sizeof settle, "%lld", (long long)r->settlement_id);
		csv_field(f, when, 0);
		csv_field(f, r->tracking, 0);
		csv_field(f, r->doc_type, 0);
		csv_field(f, copies, 0);
		csv_field(f, r->office_code, 0);
		csv_field(f, money, 0);
		csv_field(f, r->gateway_ref, 0);
		csv_field(f, r->pay_status, 0);
		csv_field(f, req_state_name(r->state), 0);
		csv_field(f, fin_bucket_name(r->bucket), 0);
		csv_field(f, settle, 0);
		snprintf(line, sizeof line, "%d", r->line_no);
		wq_fmt_money(r->refunded_centimes, back, sizeof back);
		csv_field(f, line, 0);
		csv_field(f, back, 1);
	}
	return ferror(f) ? -1 : 0;
}
