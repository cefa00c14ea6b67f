/* test_escalate.c - deadlines that escalate by themselves (src/escalate.c,
 * src/db_escalate.c): working days across weekends, holidays and the local midnight;
 * the level of a request at each stage as time passes; the sweep, on a demo database
 * twelve days later, opens exactly one complaint per missed delivery window (in the
 * citizen's language, audited), none for delivered, rejected or returned requests,
 * nothing more the second time; and the lists keep to the actor's scope.  Checked
 * against plain SQL where the database is concerned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "demo.h"
#include "complaint_desk.h"
#include "escalate.h"
#include "request.h"
#include "serve.h"
#include "user.h"
#include "util.h"

#include "fixture.h"
#include "testlib.h"

/* Local (Morocco) wall time as seconds since the epoch: UTC+1, no date here in Ramadan. */
static int64_t at(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi};
	return (int64_t)timegm(&tm) - 3600;
}

static struct escalate_rules defaults(void)
{
	struct config c;
	struct escalate_rules r;
	config_defaults(&c);
	escalate_rules_from_config(&r, &c);
	return r;
}

/* ---- working days ---- */
static void test_weekend(void **state)
{
	(void)state;
	struct escalate_rules r = defaults();
	/* 2026-11-27 is a Friday */
	assert_true(escalate_is_working_day(&r, at(2026, 11, 27, 10, 0)));
	assert_false(escalate_is_working_day(&r, at(2026, 11, 28, 10, 0)));
	assert_false(escalate_is_working_day(&r, at(2026, 11, 29, 10, 0)));
	assert_true(escalate_is_working_day(&r, at(2026, 11, 30, 10, 0)));
	/* Friday 10:00 + 1 working day: Monday 10:00; + 0: itself */
	assert_int_equal(escalate_deadline(&r, at(2026, 11, 27, 10, 0), 1), at(2026, 11, 30, 10, 0));
	assert_int_equal(escalate_deadline(&r, at(2026, 11, 27, 10, 0), 0), at(2026, 11, 27, 10, 0));
	/* paid on Saturday: the clock starts Monday at midnight, Monday counts whole */
	assert_int_equal(escalate_deadline(&r, at(2026, 11, 28, 10, 0), 1), at(2026, 12, 1, 0, 0));
	assert_int_equal(escalate_deadline(&r, at(2026, 11, 29, 23, 59), 2), at(2026, 12, 2, 0, 0));
	/* Wednesday + 5: the next Wednesday, over one weekend */
	assert_int_equal(escalate_deadline(&r, at(2026, 11, 25, 9, 0), 5), at(2026, 12, 2, 9, 0));
	/* Friday 23:30 local is Friday 22:30 UTC; 00:30 local Saturday is Friday in UTC */
	assert_true(escalate_is_working_day(&r, at(2026, 11, 27, 23, 30)));
	assert_false(escalate_is_working_day(&r, at(2026, 11, 28, 0, 30)));
	assert_int_equal(escalate_deadline(&r, at(2026, 11, 27, 23, 30), 1), at(2026, 11, 30, 23, 30));
	/* a year's end: Thursday 2026-12-31 + 2 over New Year's Day (no holidays loaded) */
	assert_int_equal(escalate_deadline(&r, at(2026, 12, 31, 8, 0), 2), at(2027, 1, 4, 8, 0));
}

static void test_holidays(void **state)
{
	(void)state;
	struct escalate_rules r = defaults();
	assert_int_equal(escalate_add_holiday(&r, "2026-11-18"), WQ_OK); /* Independence Day */
	assert_false(escalate_is_working_day(&r, at(2026, 11, 18, 12, 0)));
	/* Tuesday + 1 skips the Wednesday holiday; + 5 runs to the next Wednesday */
	assert_int_equal(escalate_deadline(&r, at(2026, 11, 17, 10, 0), 1), at(2026, 11, 19, 10, 0));
	assert_int_equal(escalate_deadline(&r, at(2026, 11, 17, 10, 0), 5), at(2026, 11, 25, 10, 0));
	/* paid on the holiday itself: counted from Thursday midnight */
	assert_int_equal(escalate_deadline(&r, at(2026, 11, 18, 10, 0), 1), at(2026, 11, 20, 0, 0));
	/* a holiday on a Friday before a weekend: Thursday + 1 is Monday */
	assert_int_equal(escalate_add_holiday(&r, "2027-01-01"), WQ_OK);
	assert_int_equal(escalate_deadline(&r, at(2026, 12, 31, 8, 0), 1), at(2027, 1, 4, 8, 0));
	/* bad dates are refused */
	assert_int_equal(escalate_add_holiday(&r, "2026-02-30"), WQ_EINVAL);
	assert_int_equal(escalate_add_holiday(&r, "2026-13-01"), WQ_EINVAL);
	assert_int_equal(escalate_add_holiday(&r, "tomorrow"), WQ_EINVAL);
	assert_int_equal(escalate_add_holiday(&r, "2026-1-1"), WQ_EINVAL);
	assert_int_equal(r.nholidays, 2);
}

static void test_holidays_file(void **state)
{
	(void)state;
	struct config c;
	struct escalate_rules r;
	struct wq_errbuf eb = {0};
	config_defaults(&c);
	assert_int_equal(escalate_rules_load(&r, &c, &eb), WQ_OK);
	assert_true(r.nholidays >= 30);
	assert_false(escalate_is_working_day(&r, at(2026, 11, 18, 12, 0)));
	assert_false(escalate_is_working_day(&r, at(2027, 7, 30, 12, 0)));
	assert_true(escalate_is_working_day(&r, at(2026, 11, 19, 12, 0)));
	assert_int_equal(r.stage_days[RS_PAID], c.deadline_queue_days);
	assert_int_equal(r.window_days, 5);
	/* a file that does not exist: weekends only; a broken one: said where */
	snprintf(c.holidays_file, sizeof c.holidays_file, "/nonexistent/holidays.conf");
	assert_int_equal(escalate_rules_load(&r, &c, &eb), WQ_OK);
	assert_int_equal(r.nholidays, 0);
	char bad[] = "/tmp/wq-test-holidays-XXXXXX";
	int fd = mkstemp(bad);
	assert_true(fd >= 0);
	assert_true(write(fd, "# ok\n2026-01-01 New Year\nsoon\n", 30) == 30);
	close(fd);
	snprintf(c.holidays_file, sizeof c.holidays_file, "%s", bad);
	assert_int_equal(escalate_rules_load(&r, &c, &eb), WQ_EINVAL);
	assert_non_null(strstr(eb.msg, ":3:"));
	unlink(bad);
}

/* ---- levels ---- */
static void test_levels_queue(void **state)
{
	(void)state;
	struct escalate_rules r = defaults(); /* queue 1, +1 supervisor, +2 inspector */
	int64_t paid = at(2026, 11, 23, 9, 0); /* Monday */
	assert_int_equal(escalate_level(&r, RS_PAID, paid, paid, paid + 3600), ESC_ON_TIME);
	assert_int_equal(escalate_level(&r, RS_PAID, paid, paid, at(2026, 11, 24, 9, 0)),
			 ESC_ON_TIME);
	assert_int_equal(escalate_level(&r, RS_PAID, paid, paid, at(2026, 11, 24, 9, 1)),
			 ESC_LATE);
	assert_int_equal(escalate_level(&r, RS_PAID, paid, paid, at(2026, 11, 25, 9, 1)),
			 ESC_SUPERVISOR);
	assert_int_equal(escalate_level(&r, RS_PAID, paid, paid, at(2026, 11, 26, 9, 1)),
			 ESC_INSPECTOR);
	/* paid on a Friday: the weekend does not count */
	int64_t fri = at(2026, 11, 27, 16, 0);
	assert_int_equal(escalate_level(&r, RS_PAID, fri, fri, at(2026, 11, 29, 23, 0)),
			 ESC_ON_TIME);
	assert_int_equal(escalate_level(&r, RS_PAID, fri, fri, at(2026, 11, 30, 17, 0)),
			 ESC_LATE);
	assert_string_equal(escalate_label(ESC_ON_TIME), "");
	assert_string_equal(escalate_label(ESC_LATE), "LATE");
	assert_string_equal(escalate_label(ESC_SUPERVISOR), "LATE+");
	assert_string_equal(escalate_label(ESC_INSPECTOR), "ESC");
}

static void test_levels_stages_and_window(void **state)
{
	(void)state;
	struct escalate_rules r = defaults();
	int64_t paid = at(2026, 11, 23, 9, 0), claimed = at(2026, 11, 24, 9, 0);
	/* production: 2 working days from the claim, whatever the queue took */
	assert_int_equal(escalate_level(&r, RS_CLAIMED, paid, claimed, at(2026, 11, 26, 8, 0)),
			 ESC_ON_TIME);
	assert_int_equal(escalate_level(&r, RS_IN_PRODUCTION, paid, claimed,
					at(2026, 11, 26, 10, 0)), ESC_LATE);
	assert_int_equal(escalate_level(&r, RS_IN_PRODUCTION, paid, claimed,
					at(2026, 11, 27, 10, 0)), ESC_SUPERVISOR);
	/* the window (paid + 5 = Monday 30 09:00) missed: the inspector, at any stage */
	assert_false(escalate_window_missed(&r, RS_READY, paid, at(2026, 11, 30, 9, 0)));
	assert_true(escalate_window_missed(&r, RS_READY, paid, at(2026, 11, 30, 9, 1)));
	int64_t ready = at(2026, 11, 30, 8, 0);
	assert_int_equal(escalate_level(&r, RS_READY, paid, ready, at(2026, 11, 30, 8, 30)),
			 ESC_ON_TIME);
	assert_int_equal(escalate_level(&r, RS_READY, paid, ready, at(2026, 11, 30, 9, 30)),
			 ESC_INSPECTOR);
	/* with the post: no office deadline, only the window */
	int64_t posted = at(2026, 11, 25, 12, 0);
	assert_int_equal(escalate_level(&r, RS_WITH_POST, paid, posted, at(2026, 11, 27, 12, 0)),
			 ESC_ON_TIME);
	assert_int_equal(escalate_level(&r, RS_WITH_POST, paid, posted, at(2026, 12, 1, 12, 0)),
			 ESC_INSPECTOR);
	/* closed requests are never late, whatever the time */
	int64_t later = at(2027, 6, 1, 12, 0);
	const enum req_state closed[] = {RS_DELIVERED, RS_REJECTED, RS_RETURNED, RS_EXPIRED,
					 RS_PENDING_PAYMENT};
	for (size_t i = 0; i < sizeof closed / sizeof *closed; i++) {
		assert_int_equal(escalate_level(&r, closed[i], paid, paid, later), ESC_ON_TIME);
		assert_false(escalate_window_missed(&r, closed[i], paid, later));
	}
	/* a stage without a deadline (0) is never flagged, the window still holds */
	r.stage_days[RS_PAID] = 0;
	assert_int_equal(escalate_level(&r, RS_PAID, paid, paid, at(2026, 11, 27, 12, 0)),
			 ESC_ON_TIME);
	assert_int_equal(escalate_level(&r, RS_PAID, paid, paid, at(2026, 12, 1, 12, 0)),
			 ESC_INSPECTOR);
	r.window_days = 0;
	assert_int_equal(escalate_level(&r, RS_PAID, paid, paid, later), ESC_ON_TIME);
}

static void test_complaint_body(void **state)
{
	(void)state;
	char b[600];
	escalate_complaint_body("fr", "W1234567890", at(2026, 11, 23, 0, 30), 5, b, sizeof b);
	assert_non_null(strstr(b, "Délai annoncé dépassé"));
	assert_non_null(strstr(b, "W1234567890"));
	assert_non_null(strstr(b, "2026-11-23")); /* the local date, not UTC's 22nd */
	escalate_complaint_body("ar", "W1234567890", at(2026, 11, 23, 9, 0), 5, b, sizeof b);
	assert_non_null(strstr(b, "تم تجاوز الأجل المعلن"));
}

/* ---- the database: sweep and scope ---- */
static int64_t q1(const char *sql, int64_t p1)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db_handle(db)));
	sqlite3_bind_int64(st, 1, p1);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_stage_at_follows_state(void **state)
{
	(void)state;
	/* every paid request's stage time is its last state change, from the history */
	assert_int_equal(q1("SELECT count(*) FROM requests r WHERE r.state <> 'pending_payment'"
			    " AND r.stage_at IS NOT (SELECT max(e.at) FROM request_events e"
			    " WHERE e.request_id = r.id AND e.to_state <> e.from_state)", 0), 0);
	assert_true(q1("SELECT count(*) FROM requests WHERE state = 'paid'", 0) > 0);
}

static void test_sweep_opens_one_per_missed_window(void **state)
{
	(void)state;
	struct escalate_rules r;
	struct wq_errbuf eb = {0};
	assert_int_equal(escalate_rules_load(&r, &cfg, &eb), WQ_OK);
	int64_t now = wq_now() + 12 * 86400; /* every open demo request is past its window */
	struct actor sys = testlib_who(db, "system");
	struct escalation *all = NULL;
	int nall = 0, missed = 0;
	assert_int_equal(escalate_list(db, &sys, &r, now, ESC_ON_TIME, &all, &nall, &eb), WQ_OK);
	for (int i = 0; i < nall; i++)
		missed += escalate_window_missed(&r, all[i].state, all[i].paid_at, now);
	int64_t open = q1("SELECT count(*) FROM requests WHERE state IN ('paid', 'claimed',"
			  " 'in_production', 'awaiting_signature', 'signed', 'ready', 'with_post')", 0);
	assert_int_equal(nall, open);
	assert_int_equal(missed, open);
	assert_true(missed > 20);
	int64_t before = q1("SELECT count(*) FROM complaints", 0);

	/* nothing is due today: the demo's requests are at most four days old */
	int opened = 0, more = 0;
	assert_int_equal(escalate_sweep(db, &r, wq_now(), &opened, &more, &eb), WQ_OK);
	assert_int_equal(opened, 0);

	int total = 0;
	do {
		assert_int_equal(escalate_sweep(db, &r, now, &opened, &more, &eb), WQ_OK);
		total += opened;
	} while (more);
	assert_int_equal(total, missed);
	assert_int_equal(q1("SELECT count(*) FROM complaints", 0), before + missed);
	/* one per open request, none on a closed one, each opened by nobody */
	assert_int_equal(q1("SELECT count(*) FROM escalation_complaints x JOIN requests r"
			    " ON r.id = x.request_id WHERE r.state IN ('paid', 'claimed',"
			    " 'in_production', 'awaiting_signature', 'signed', 'ready', 'with_post')", 0), missed);
	assert_int_equal(q1("SELECT count(*) FROM escalation_complaints", 0), missed);
	assert_int_equal(q1("SELECT count(*) FROM complaints c JOIN escalation_complaints x"
			    " ON x.complaint_id = c.id WHERE c.opened_by IS NULL AND c.opened_at = ?"
			    " AND c.state = 'open'", now), missed);
	assert_int_equal(q1("SELECT count(*) FROM complaints c JOIN requests r ON r.id ="
			    " c.request_id WHERE r.state IN ('delivered', 'rejected', 'returned',"
			    " 'expired', 'pending_payment') AND (c.body LIKE 'Délai annoncé%'"
			    " OR c.body LIKE 'تم تجاوز الأجل المعلن%')", 0), 0);
	assert_true(q1("SELECT count(*) FROM requests WHERE state IN ('delivered', 'rejected')",
		       0) > 0);
	/* in the citizen's language */
	assert_int_equal(q1("SELECT count(*) FROM complaints c JOIN escalation_complaints x"
			    " ON x.complaint_id = c.id JOIN requests r ON r.id = c.request_id"
			    " WHERE (r.lang = 'fr') <> (c.body LIKE 'Délai annoncé dépassé%')", 0),
			 0);
	/* the province of the office that holds the request */
	assert_int_equal(q1("SELECT count(*) FROM complaints c JOIN escalation_complaints x"
			    " ON x.complaint_id = c.id JOIN requests r ON r.id = c.request_id"
			    " JOIN offices o ON o.id = r.office_id JOIN communes m ON m.id ="
			    " o.commune_id WHERE m.province_id <> c.province_id", 0), 0);
	/* audited, one row each */
	struct audit_row *ar = NULL;
	int nar = 0;
	assert_int_equal(audit_list(db, "complaint.auto_open", NULL, 5000, &ar, &nar, &eb), WQ_OK);
	assert_int_equal(nar, missed);
	assert_string_equal(ar[0].actor, "system");
	free(ar);
	/* the inspector reads who opened it: the system, not the citizen */
	struct actor insp = testlib_who(db, "inspector1");
	struct cd_complaint *cl = NULL;
	int ncl = 0, auto_seen = 0;
	assert_int_equal(complaint_desk_list(db, &insp, 1, 0, &cl, &ncl, &eb), WQ_OK);
	for (int i = 0; i < ncl; i++)
		if (!strncmp(cl[i].body, "Délai annoncé", strlen("Délai annoncé")) ||
		    !strncmp(cl[i].body, "تم تجاوز الأجل المعلن", strlen("تم تجاوز الأجل المعلن")))
			auto_seen += !strcmp(cl[i].opened_by, "system") ? 1 : -1000;
	free(cl);
	assert_true(auto_seen > 0);

	/* the second time, a day later: nothing more */
	assert_int_equal(escalate_sweep(db, &r, now + 86400, &opened, &more, &eb), WQ_OK);
	assert_int_equal(opened, 0);
	assert_int_equal(more, 0);
	assert_int_equal(q1("SELECT count(*) FROM complaints", 0), before + missed);

	/* the lists show the complaint */
	struct escalation *esc = NULL;
	int nesc = 0;
	assert_int_equal(escalate_list(db, &sys, &r, now, ESC_INSPECTOR, &esc, &nesc, &eb), WQ_OK);
	assert_int_equal(nesc, missed);
	for (int i = 0; i < nesc; i++)
		assert_true(esc[i].complaint_id > 0);
	free(esc);
	free(all);
}

/* Every row an actor's list gives is in the actor's scope; together the three inspectors
 * see what the kingdom has. */
static void test_scope(void **state)
{
	(void)state;
	struct escalate_rules r;
	struct wq_errbuf eb = {0};
	escalate_rules_from_config(&r, &cfg);
	int64_t now = wq_now() + 3 * 86400;
	static const struct {
		const char *who, *prefix;
	} cases[] = {
		{"inspector1", "RBT-"}, {"inspector2", "KEN-"}, {"agent1", "RBT-HAS-"},
		{"supervisor2", "RBT-AGD-1"}, {"finance1", "RBT-HAS-"},
	};
	int seen_rbt = 0;
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		struct actor a = testlib_who(db, cases[k].who);
		struct escalation *rows = NULL;
		int n = 0;
		assert_int_equal(escalate_list(db, &a, &r, now, ESC_LATE, &rows, &n, &eb), WQ_OK);
		for (int i = 0; i < n; i++) {
			if (strncmp(rows[i].office_code, cases[k].prefix, strlen(cases[k].prefix)))
				fail_msg("%s sees %s of %s", cases[k].who, rows[i].tracking,
					 rows[i].office_code);
			assert_true(rows[i].level >= ESC_LATE);
			if (i)
				assert_true(rows[i - 1].level >= rows[i].level);
		}
		if (!strcmp(cases[k].who, "inspector1"))
			seen_rbt = n;
		free(rows);
	}
	struct actor sys = testlib_who(db, "system");
	struct escalation *rows = NULL;
	int n = 0, rbt = 0;
	assert_int_equal(escalate_list(db, &sys, &r, now, ESC_LATE, &rows, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		rbt += !strncmp(rows[i].office_code, "RBT-", 4);
	assert_true(rbt > 0);
	assert_int_equal(seen_rbt, rbt);
	free(rows);
	/* an account without a scope sees nothing */
	struct actor none = sys;
	none.scope = SCOPE_NONE;
	assert_int_equal(escalate_list(db, &none, &r, now, ESC_LATE, &rows, &n, &eb), WQ_EDENIED);
}

int main(void)
{
	static const struct fixture fx = {"escalate", 300};
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_weekend),
		cmocka_unit_test(test_holidays),
		cmocka_unit_test(test_holidays_file),
		cmocka_unit_test(test_levels_queue),
		cmocka_unit_test(test_levels_stages_and_window),
		cmocka_unit_test(test_complaint_body),
	};
	const struct CMUnitTest data[] = {
		cmocka_unit_test(test_stage_at_follows_state),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_sweep_opens_one_per_missed_window),
	};
	int rc = cmocka_run_group_tests_name("escalate: arithmetic", pure, NULL, NULL);
	return rc | fixture_run_group(&fx, data);
}
