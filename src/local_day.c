/* local_day.c - Morocco's local day from the tz database, the one place that knows it.
 * Morocco is UTC+1 but goes back to UTC+0 for Ramadan (about 8 February - 9 March in
 * 2027, other weeks every year), so a fixed +1 h puts an evening's counts on the next
 * day for a month a year.  The offsets are read once from glibc under the zone that
 * wq_tz_init() sets for every time shown (localtime_r's tm_gmtoff), stepping a day at a
 * time through 1970-2100 and bisecting each change to its second, into a table of
 * transitions (~250): after that a lookup is a binary search without locks or TZ, cheap
 * enough for SQLite to call on every row (db.c registers local_day(t) on each
 * connection).  Morocco never changes twice within a day, which the daily step relies
 * on.  watiqa refuses to start without the zone file (cli.c: install tzdata, which
 * Debian 12 has as Priority: required and debian/control depends on); another user of
 * the code without it counts UTC+1 all year, and one warning says so.  No SQL; any
 * process, any thread. */
#include <pthread.h>
#include <time.h>

#include "local_day.h"
#include "log.h"
#include "util.h"

#define SECONDS_PER_DAY 86400
#define FALLBACK_OFFSET_SECONDS 3600 /* Morocco's legal time outside Ramadan */
#define TABLE_FROM 0LL		     /* 1970-01-01 */
#define TABLE_TO 4102444800LL	     /* 2100-01-01: the zone file's own rule after */
#define MAX_TRANSITIONS 1024

static struct {
	int64_t at; /* from this instant on ... */
	int offset; /* ... this offset, until the next row */
} table[MAX_TRANSITIONS];
static int ntable;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static int zone_offset(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	return localtime_r(&tt, &tm) ? (int)tm.tm_gmtoff : FALLBACK_OFFSET_SECONDS;
}

static void table_build(void)
{
	if (wq_tz_init()) {
		log_event(LOG_LEVEL_WARNING, "tz.missing",
			  "time zone %s not found: local days counted at UTC+1 all year",
			  WQ_TIME_ZONE);
		table[0].at = TABLE_FROM;
		table[0].offset = FALLBACK_OFFSET_SECONDS;
		ntable = 1;
		return;
	}
	table[0].at = TABLE_FROM;
	table[0].offset = zone_offset(TABLE_FROM);
	ntable = 1;
	for (int64_t t = TABLE_FROM + SECONDS_PER_DAY; t <= TABLE_TO; t += SECONDS_PER_DAY) {
		int off = zone_offset(t);
		if (off == table[ntable - 1].offset)
			continue;
		int64_t lo = t - SECONDS_PER_DAY, hi = t; /* old offset at lo, new at hi */
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;
			if (zone_offset(mid) == off)
				hi = mid;
			else
				lo = mid;
		}
		if (ntable == MAX_TRANSITIONS)
			break;
		table[ntable].at = hi;
		table[ntable].offset = off;
		ntable++;
	}
}

int local_day_offset(int64_t t)
{
	pthread_once(&table_once, table_build);
	int lo = 0, hi = ntable; /* the last row at or before t, the first before 1970 */
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;
		if (table[mid].at <= t)
			lo = mid;
		else
			hi = mid;
	}
	return table[lo].offset;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

int64_t local_day(int64_t t)
{
	return floor_div(t + local_day_offset(t), SECONDS_PER_DAY);
}

int64_t local_day_start(int64_t day)
{
	/* Morocco changes at 02:00 or 03:00, never at midnight: the offset an hour before
	 * the UTC midnight of the date is the offset of its local midnight, or the one
	 * after it when the change fell in between */
	int64_t t = day * SECONDS_PER_DAY;
	int64_t start = t - local_day_offset(t - FALLBACK_OFFSET_SECONDS);
	return t - local_day_offset(start);
}
