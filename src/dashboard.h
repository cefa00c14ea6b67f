/* dashboard.h - processing figures per office or per commune over a period, for the
 * inspector (his province) and national roles: requests paid in the period by their
 * stage now, the median and 90th-percentile time from payment to the post (from the
 * request history, never from a counter), the backlog and overdue count now, and a
 * daily series (paid, and handed to the post) for a trend line.  The scope filter is
 * in the SQL; the percentiles are computed here from the durations. */
#ifndef WQ_DASHBOARD_H
#define WQ_DASHBOARD_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "lifecycle.h"
#include "limits.h"

#define DASH_MAX_DAYS 366
/* Days are Morocco's calendar days (local_day.h: UTC+1, UTC+0 during Ramadan): an
 * evening request is on the day the citizen saw. */

enum dash_group { DASH_BY_OFFICE = 0, DASH_BY_COMMUNE };

struct dash_row {
	int64_t id;	 /* office or commune id; 0 for the total */
	char code[16];
	char name[NAME_MAX_BYTES];
	int by_state[RS_COUNT]; /* requests paid in the period, by their state now */
	int paid;		/* paid in the period */
	int dispatched;		/* handed to the post in the period (with a paid event) */
	int64_t median_seconds, p90_seconds; /* paid -> with_post; -1 when none */
	int backlog;  /* now: paid, claimed, in production or ready */
	int overdue;  /* of the backlog, paid before now - overdue days */
};

struct dashboard {
	enum dash_group group;
	int64_t from, to; /* [from, to), UTC seconds, on day boundaries (Morocco time) */
	int days;
	struct dash_row *rows; /* ordered by code */
	int n;
	struct dash_row total;
	int *trend_paid;       /* days entries: paid that day, whole scope */
	int *trend_dispatched; /* days entries: handed to the post that day */
};

/* Day boundary (Morocco time) at or before t. */
int64_t dashboard_day_start(int64_t t);
/* Fills d for [from, to) as `a` may see it; overdue_days from the config. */
int dashboard_load(struct db *db, const struct actor *a, enum dash_group group, int64_t from,
		   int64_t to, int overdue_days, struct dashboard *d, struct wq_errbuf *eb);
void dashboard_free(struct dashboard *d);
/* Value at fraction q (0.5, 0.9) of sorted v[n], nearest rank; -1 when n == 0. */
int64_t dashboard_percentile(const int64_t *v, int n, double q);

#endif
