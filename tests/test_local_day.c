/* test_local_day.c - Morocco's local day (src/local_day.c) from the tz database, inside
 * and outside Ramadan 2027 (UTC+0 from 7 February 02:00 UTC to 14 March 02:00 UTC):
 * the day of an instant and the midnight of a day, the table against glibc's own
 * reading of the zone every quarter hour for a decade, and the same days through the
 * real users on a real SQLite file: verify_daily's counters, the dashboard's period and
 * series, local_day() in SQL, working days (escalate.c) across Ramadan's end, the
 * treasury's preview (its totals bucketed at +01:00, db/250) equal to its rows at
 * Ramadan's midnights, and UTC+1 all year without the zone file.
 * Instants are passed in, never the wall clock's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dashboard.h"
#include "document.h"
#include "escalate.h"
#include "finance.h"
#include "local_day.h"

#include "fixture.h"
#include "testlib.h"

#define FEB_20_2027 20869	 /* day numbers: days since 1970-01-01 */
#define MAY_21_2027 20959
#define FEB_20_2330Z 1803166200	 /* 2027-02-20 23:30 UTC: 23:30 in Morocco (Ramadan) */
#define MAY_20_2330Z 1810855800	 /* 2027-05-20 23:30 UTC: 00:30 on the 21st */
#define RAMADAN_FROM 1801965600	 /* 2027-02-07 02:00 UTC, 03:00 -> 02:00 */
#define RAMADAN_TO 1804989600	 /* 2027-03-14 02:00 UTC, 02:00 -> 03:00 */

static void test_ramadan_2027(void **state)
{
	(void)state;
	assert_int_equal(local_day_offset(FEB_20_2330Z), 0);
	assert_int_equal(local_day_offset(MAY_20_2330Z), 3600);
	assert_int_equal(local_day(FEB_20_2330Z), FEB_20_2027);
	assert_int_equal(local_day(FEB_20_2330Z + 1800), FEB_20_2027 + 1);
	assert_int_equal(local_day(MAY_20_2330Z), MAY_21_2027);
	assert_int_equal(local_day(MAY_20_2330Z - 1801), MAY_21_2027 - 1);
	/* midnights: 00:00 UTC in Ramadan, 23:00 UTC the day before outside it */
	assert_int_equal(local_day_start(FEB_20_2027), (int64_t)FEB_20_2027 * 86400);
	assert_int_equal(local_day_start(MAY_21_2027), (int64_t)MAY_21_2027 * 86400 - 3600);
	/* the changes to the second */
	assert_int_equal(local_day_offset(RAMADAN_FROM - 1), 3600);
	assert_int_equal(local_day_offset(RAMADAN_FROM), 0);
	assert_int_equal(local_day_offset(RAMADAN_TO - 1), 0);
	assert_int_equal(local_day_offset(RAMADAN_TO), 3600);
	/* the days either side of each change start at their own midnight */
	for (int64_t d = RAMADAN_FROM / 86400 - 2; d <= RAMADAN_FROM / 86400 + 2; d++) {
		assert_int_equal(local_day(local_day_start(d)), d);
		assert_int_equal(local_day(local_day_start(d) - 1), d - 1);
	}
	for (int64_t d = RAMADAN_TO / 86400 - 2; d <= RAMADAN_TO / 86400 + 2; d++) {
		assert_int_equal(local_day(local_day_start(d)), d);
		assert_int_equal(local_day(local_day_start(d) - 1), d - 1);
	}
}

/* The table agrees with glibc's localtime_r under the zone (set by wq_tz_init) at every
 * quarter hour of 2019-2030, the years Morocco has gone to UTC+0 only for Ramadan. */
static void test_table_matches_zone(void **state)
{
	(void)state;
	assert_int_equal(wq_tz_init(), 0);
	int changes = 0, last = -1;
	for (int64_t t = 1546300800; t < 1924992000; t += 900) {
		time_t tt = (time_t)t;
		struct tm tm;
		assert_non_null(localtime_r(&tt, &tm));
		int off = local_day_offset(t);
		assert_int_equal(off, (int)tm.tm_gmtoff);
		int64_t date = (int64_t)timegm(&(struct tm){.tm_year = tm.tm_year,
							   .tm_mon = tm.tm_mon,
							   .tm_mday = tm.tm_mday}) / 86400;
		assert_int_equal(local_day(t), date);
		changes += last >= 0 && off != last;
		last = off;
	}
	assert_true(changes >= 2 * 10); /* Ramadan, there and back, every year */
}

static void set_paid_at(int64_t id, int64_t at)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), "UPDATE requests SET paid_at = ?"
					    " WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int64(st, 2, id);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* A lookup's counter is the local day's, at the instant WATIQA_FAKE_NOW says. */
static void test_verify_daily(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	int n[VO_COUNT];
	char now[24];
	snprintf(now, sizeof now, "%d", FEB_20_2330Z);
	setenv("WATIQA_FAKE_NOW", now, 1);
	assert_int_equal(verify_count(db, VO_UNKNOWN, &eb), WQ_OK);
	snprintf(now, sizeof now, "%d", MAY_20_2330Z);
	setenv("WATIQA_FAKE_NOW", now, 1);
	assert_int_equal(verify_count(db, VO_MALFORMED, &eb), WQ_OK);
	unsetenv("WATIQA_FAKE_NOW");
	assert_int_equal(verify_counts(db, FEB_20_2027, n, &eb), WQ_OK);
	assert_int_equal(n[VO_UNKNOWN], 1);
	assert_int_equal(verify_counts(db, FEB_20_2027 + 1, n, &eb), WQ_OK);
	assert_int_equal(n[VO_UNKNOWN], 0);
	assert_int_equal(verify_counts(db, MAY_21_2027, n, &eb), WQ_OK);
	assert_int_equal(n[VO_MALFORMED], 1);
	assert_int_equal(verify_counts(db, MAY_21_2027 - 1, n, &eb), WQ_OK);
	assert_int_equal(n[VO_MALFORMED], 0);
}

/* Two requests paid at 23:30 UTC, one in Ramadan, one after: the dashboard's period
 * starts at the local midnight and each is counted on the day Morocco saw. */
static void test_dashboard_days(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor sup = testlib_who(db, "support1"); /* the whole kingdom */
	struct dashboard d;
	set_paid_at(testlib_paid_request(db, "RBT-HAS-1", 2000, "tz-feb"), FEB_20_2330Z);
	set_paid_at(testlib_paid_request(db, "RBT-HAS-1", 2000, "tz-may"), MAY_20_2330Z);

	/* from an instant inside the first day to one inside the second */
	assert_int_equal(dashboard_load(db, &sup, DASH_BY_OFFICE, FEB_20_2330Z - 3600,
					FEB_20_2330Z + 3600, 3, &d, &eb), WQ_OK);
	assert_int_equal(d.from, (int64_t)FEB_20_2027 * 86400);
	assert_int_equal(d.days, 2);
	assert_int_equal(d.trend_paid[0], 1);
	assert_int_equal(d.trend_paid[1], 0);
	assert_int_equal(d.total.paid, 1);
	dashboard_free(&d);
	assert_int_equal(dashboard_day_start(FEB_20_2330Z), (int64_t)FEB_20_2027 * 86400);

	assert_int_equal(dashboard_load(db, &sup, DASH_BY_OFFICE, MAY_20_2330Z - 7200,
					MAY_20_2330Z + 3600, 3, &d, &eb), WQ_OK);
	assert_int_equal(d.from, (int64_t)(MAY_21_2027 - 1) * 86400 - 3600);
	assert_int_equal(d.to, (int64_t)(MAY_21_2027 + 1) * 86400 - 3600);
	assert_int_equal(d.days, 2);
	assert_int_equal(d.trend_paid[0], 0);
	assert_int_equal(d.trend_paid[1], 1);
	dashboard_free(&d);

	/* the same rule in SQL, on this connection */
	assert_int_equal(testlib_sql_int(db, "SELECT local_day(?1)", FEB_20_2330Z), FEB_20_2027);
	assert_int_equal(testlib_sql_int(db, "SELECT local_day(?1)", MAY_20_2330Z), MAY_21_2027);
	assert_int_equal(testlib_sql_int(db, "SELECT count(*) FROM requests WHERE"
					 " local_day(paid_at) = ?1", MAY_21_2027), 1);
}

/* Paid Thursday 2027-03-11 at 10:00 in Morocco (10:00 UTC, Ramadan), two working days
 * later is Monday the 15th at 10:00 in Morocco, 09:00 UTC: the same local time, 4 days
 * less an hour; the sweeps' calendar bound takes it in. */
static void test_working_days(void **state)
{
	(void)state;
	struct config c;
	struct escalate_rules r;
	config_defaults(&c);
	escalate_rules_from_config(&r, &c);
	int64_t paid = 1804759200, due = 1805101200;
	assert_int_equal(escalate_day(paid), paid / 86400);
	assert_int_equal(escalate_deadline(&r, paid, 2), due);
	assert_int_equal(due - paid, 4 * 86400 - 3600);
	assert_true(paid < escalate_bound(due + 1, 4)); /* 4 calendar days: taken in */
	assert_false(escalate_is_working_day(&r, local_day_start(paid / 86400 + 3))); /* Sunday */
}

/* The fees the treasury's preview counts up to `to`, from the running totals (db/250,
 * bucketed at +01:00) and from the rows: they must be the same, fee and centime. */
static int64_t fees_until(int64_t to, int64_t *centimes)
{
	struct actor t = testlib_who(db, "treasury1");
	struct fin_period p = {0, to};
	struct settle_preview *a = NULL, *b = NULL;
	struct wq_errbuf eb;
	int na = 0, nb = 0;
	int64_t count = 0, ca = 0, cb = 0;
	assert_int_equal(treasury_preview(db, &t, &p, &a, &na, &eb), WQ_OK);
	assert_int_equal(treasury_preview_rows(db, &t, &p, &b, &nb, &eb), WQ_OK);
	assert_int_equal(na, nb);
	for (int i = 0; i < na; i++) {
		assert_int_equal(a[i].commune_id, b[i].commune_id);
		assert_int_equal(a[i].count + a[i].processing_count,
				 b[i].count + b[i].processing_count);
		count += a[i].count + a[i].processing_count;
		ca += a[i].centimes + a[i].processing_centimes;
		cb += b[i].centimes + b[i].processing_centimes;
	}
	assert_int_equal(ca, cb);
	free(a);
	free(b);
	*centimes = ca;
	return count;
}

/* Two fees confirmed in a Ramadan evening, 22:30 and 23:30 UTC (Morocco's 20 February
 * both): the preview up to the local midnight that ends the 20th takes both, up to the
 * one that starts it neither, and the totals agree with the rows at each of those ends
 * and in between; `watiqa check` finds nothing. */
static void test_treasury_ramadan(void **state)
{
	(void)state;
	int64_t c0, c1, c2, c;
	assert_int_equal(testlib_sql_int(db, "UPDATE payments SET confirmed_at = ?1 - 3600"
					 " WHERE id = (SELECT min(payment_id) FROM treasury_fees)"
					 " RETURNING 1", FEB_20_2330Z), 1);
	assert_int_equal(testlib_sql_int(db, "UPDATE payments SET confirmed_at = ?1"
					 " WHERE id = (SELECT max(payment_id) FROM treasury_fees)"
					 " RETURNING 1", FEB_20_2330Z), 1);
	int64_t before = fees_until(local_day_start(FEB_20_2027), &c0);
	assert_int_equal(fees_until(FEB_20_2330Z - 3600, &c), before);
	assert_int_equal(fees_until(FEB_20_2330Z, &c1), before + 1);
	assert_int_equal(fees_until(local_day_start(FEB_20_2027 + 1), &c2), before + 2);
	assert_true(c0 < c1 && c1 < c2);
	assert_int_equal(fees_until(local_day_start(FEB_20_2027 + 2), &c), before + 2);
	assert_int_equal(testlib_problems(db), 0);
}

/* Without the zone file: UTC+1 all year.  Run in a child forked before anything in
 * this process read the zone (the table is built once per process). */
static int fallback_status = -1;

static void fallback_child(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		setenv("TZDIR", "/nonexistent-zoneinfo", 1);
		_exit(local_day_offset(FEB_20_2330Z) == 3600 && local_day(FEB_20_2330Z) ==
			FEB_20_2027 + 1 && local_day_start(MAY_21_2027) ==
			(int64_t)MAY_21_2027 * 86400 - 3600 ? 0 : 1);
	}
	if (pid > 0 && waitpid(pid, &fallback_status, 0) != pid)
		fallback_status = -1;
}

static void test_without_zone_file(void **state)
{
	(void)state;
	assert_true(WIFEXITED(fallback_status));
	assert_int_equal(WEXITSTATUS(fallback_status), 0);
}

int main(void)
{
	static const struct fixture fx = {"local_day", 10};
	fallback_child();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ramadan_2027),
		cmocka_unit_test(test_table_matches_zone),
		cmocka_unit_test(test_verify_daily),
		cmocka_unit_test(test_dashboard_days),
		cmocka_unit_test(test_working_days),
		cmocka_unit_test(test_treasury_ramadan),
		cmocka_unit_test(test_without_zone_file),
	};
	return fixture_run_group(&fx, tests);
}
