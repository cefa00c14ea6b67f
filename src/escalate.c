/* escalate.c - working days and escalation levels (see escalate.h): pure functions of
 * the rules, a request's times and `now`, so that the screens (UI child), the sweep
 * (the web side's notify thread) and the tests all agree.  Days are Morocco's calendar
 * days (local_day.h: UTC+1, UTC+0 during Ramadan), without touching TZ.
 * Reads one file, the holidays, when the rules are loaded; no SQL. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escalate.h"
#include "local_day.h"

#define SECONDS_PER_DAY 86400

void escalate_rules_from_config(struct escalate_rules *r, const struct config *cfg)
{
	memset(r, 0, sizeof *r);
	r->stage_days[RS_PAID] = cfg->deadline_queue_days;
	r->stage_days[RS_CLAIMED] = cfg->deadline_production_days;
	r->stage_days[RS_IN_PRODUCTION] = cfg->deadline_production_days;
	/* the officer's signature is part of production: the same allowance */
	r->stage_days[RS_AWAITING_SIGNATURE] = cfg->deadline_production_days;
	r->stage_days[RS_SIGNED] = cfg->deadline_production_days;
	r->stage_days[RS_READY] = cfg->deadline_post_days;
	r->window_days = cfg->delivery_window_days;
	r->supervisor_days = cfg->escalate_supervisor_days;
	r->inspector_days = cfg->escalate_inspector_days;
	r->complaint_days = cfg->complaint_escalate_days;
	r->national_days = cfg->escalate_national_days;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

int escalate_add_holiday(struct escalate_rules *r, const char *ymd)
{
	int y, m, d, used = 0;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (sscanf(ymd, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 || y < 1970 ||
	    m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return WQ_EINVAL;
	if (r->nholidays >= ESCALATE_MAX_HOLIDAYS)
		return WQ_EINVAL;
	r->holidays[r->nholidays++] = (int32_t)days_from_civil(y, m, d);
	qsort(r->holidays, (size_t)r->nholidays, sizeof r->holidays[0], cmp_i32);
	return WQ_OK;
}

int escalate_rules_load(struct escalate_rules *r, const struct config *cfg,
			struct wq_errbuf *eb)
{
	char path[PATH_MAX_BYTES * 2 + 2], line[256];
	int lineno = 0;
	escalate_rules_from_config(r, cfg);
	config_path(cfg, cfg->holidays_file, path, sizeof path);
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? WQ_OK
				       : wq_fail(eb, WQ_EIO, "holidays", "%s: %s", path,
						 strerror(errno));
	while (fgets(line, sizeof line, f)) {
		char *p = line + strspn(line, " \t");
		lineno++;
		if (*p == '#' || *p == '\n' || !*p)
			continue;
		if (escalate_add_holiday(r, p) != WQ_OK) {
			fclose(f);
			return wq_fail(eb, WQ_EINVAL, "holidays",
				       "%s:%d: expected YYYY-MM-DD (at most %d dates)", path,
				       lineno, ESCALATE_MAX_HOLIDAYS);
		}
	}
	fclose(f);
	return WQ_OK;
}

int64_t escalate_day(int64_t t)
{
	return local_day(t);
}

int64_t escalate_bound(int64_t now, int days)
{
	/* a local day lasts 23 hours when Ramadan ends: `days` days are at least
	 * days * 86400 - 3600 s */
	return now - (int64_t)days * SECONDS_PER_DAY + 3600 + 1;
}

static int day_is_working(const struct escalate_rules *r, int64_t day)
{
	int dow = (int)((day % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday; 0: Sunday */
	if (dow == 0 || dow == 6)
		return 0;
	int32_t key = (int32_t)day;
	return !bsearch(&key, r->holidays, (size_t)r->nholidays, sizeof key, cmp_i32);
}

int escalate_is_working_day(const struct escalate_rules *r, int64_t t)
{
	return day_is_working(r, escalate_day(t));
}

int64_t escalate_deadline(const struct escalate_rules *r, int64_t t, int days)
{
	int64_t day = escalate_day(t);
	int64_t tod = t - local_day_start(day);
	if (!day_is_working(r, day)) {
		tod = 0;
		while (!day_is_working(r, ++day))
			;
	}
	for (int i = 0; i < days; i++)
		while (!day_is_working(r, ++day))
			;
	return local_day_start(day) + tod;
}

static int is_open(enum req_state s)
{
	return s == RS_PAID || s == RS_CLAIMED || s == RS_IN_PRODUCTION ||
	       s == RS_AWAITING_SIGNATURE || s == RS_SIGNED || s == RS_READY || s == RS_WITH_POST;
}

int escalate_window_missed(const struct escalate_rules *r, enum req_state state,
			   int64_t paid_at, int64_t now)
{
	return is_open(state) && paid_at > 0 && r->window_days > 0 &&
	       now > escalate_deadline(r, paid_at, r->window_days);
}

enum escalate_level escalate_level(const struct escalate_rules *r, enum req_state state,
				   int64_t paid_at, int64_t stage_at, int64_t now)
{
	if (!is_open(state))
		return ESC_ON_TIME;
	if (escalate_window_missed(r, state, paid_at, now))
		return ESC_INSPECTOR;
	int days = r->stage_days[state];
	int64_t since = stage_at > 0 ? stage_at : paid_at;
	if (days <= 0 || since <= 0)
		return ESC_ON_TIME;
	if (now > escalate_deadline(r, since, days + r->inspector_days))
		return ESC_INSPECTOR;
	if (now > escalate_deadline(r, since, days + r->supervisor_days))
		return ESC_SUPERVISOR;
	return now > escalate_deadline(r, since, days) ? ESC_LATE : ESC_ON_TIME;
}

int escalate_national_due(const struct escalate_rules *r, enum req_state state,
			  int64_t paid_at, int64_t stage_at, int64_t now)
{
	if (!is_open(state) || r->national_days <= 0)
		return 0;
	/* the day it reached the province inspector (ESC), then national_days more */
	if (r->window_days > 0 && paid_at > 0 &&
	    now > escalate_deadline(r, paid_at, r->window_days + r->national_days))
		return 1;
	int days = r->stage_days[state];
	int64_t since = stage_at > 0 ? stage_at : paid_at;
	return days > 0 && since > 0 &&
	       now > escalate_deadline(r, since, days + r->inspector_days + r->national_days);
}

const char *escalate_label(enum escalate_level level)
{
	static const char *const labels[] = {"", "LATE", "LATE+", "ESC"};
	return level >= ESC_ON_TIME && level <= ESC_INSPECTOR ? labels[level] : "";
}

/* "2026-11-18", the local date of t. */
static void fmt_day(int64_t t, char *buf, size_t len)
{
	/* civil_from_days (H. Hinnant) */
	int64_t z = escalate_day(t) + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	int64_t y = yoe + era * 400 + (m <= 2);
	snprintf(buf, len, "%04lld-%02d-%02d", (long long)y, m, d);
}

void escalate_complaint_body(const char *lang, const char *tracking, int64_t paid_at,
			     int window_days, char *buf, size_t len)
{
	char day[48];
	fmt_day(paid_at, day, sizeof day);
	if (lang && !strcmp(lang, "ar"))
		snprintf(buf, len,
			 "تم تجاوز الأجل المعلن: الطلب %s المؤدى عنه يوم %s لم يصل بعد %d أيام "
			 "عمل. فتحت هذه الشكاية تلقائيا باسم المواطن.",
			 tracking, day, window_days);
	else
		snprintf(buf, len,
			 "Délai annoncé dépassé : la demande %s payée le %s n'est pas livrée "
			 "après %d jours ouvrables. Réclamation ouverte automatiquement au nom "
			 "du citoyen.",
			 tracking, day, window_days);
}
