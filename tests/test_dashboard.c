/* test_dashboard.c - the inspector's and support's data layer against a real demo
 * database: dashboard figures recomputed independently with plain SQL (counts by
 * stage, backlog, overdue, median and p90 from the history), province scope of the
 * dashboard and of complaints (an inspector never sees, takes or answers another
 * province's complaint), the complaint moves and their rules, the answer reaching the
 * outbox and the audit log, late marking, and support's search by every kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complaint.h"
#include "complaint_desk.h"
#include "config.h"
#include "dashboard.h"
#include "demo.h"
#include "local_day.h"
#include "request.h"
#include "search.h"
#include "serve.h"
#include "user.h"
#include "util.h"

#include "fixture.h"
#include "testlib.h"

static struct actor who(const char *name)
{
	return testlib_who(db, name);
}

/* One integer from plain SQL: the independent check. */
static int64_t q1(const char *sql, int64_t p1, int64_t p2)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db_handle(db)));
	sqlite3_bind_int64(st, 1, p1);
	sqlite3_bind_int64(st, 2, p2);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

#define PROVINCE_OFFICES                                                             \
	" IN (SELECT o.id FROM offices o JOIN communes c ON c.id = o.commune_id"     \
	" WHERE c.province_id = ?1)"

static void test_dashboard_matches_sql(void **state)
{
	(void)state;
	struct actor insp = who("inspector1");
	struct dashboard d;
	struct wq_errbuf eb;
	int64_t today = local_day(wq_now()); /* 60 local days, today the last */
	int64_t to = local_day_start(today + 1), from = local_day_start(today - 59);
	assert_int_equal(dashboard_load(db, &insp, DASH_BY_OFFICE, from, to, 3, &d, &eb), WQ_OK);
	assert_int_equal(d.days, 60);
	assert_true(d.n > 0);
	int64_t pid = insp.scope_id;
	assert_int_equal(d.total.paid,
			 q1("SELECT count(*) FROM requests WHERE paid_at >= ?2 AND office_id"
			    PROVINCE_OFFICES, pid, from));
	assert_int_equal(d.total.backlog,
			 q1("SELECT count(*) FROM requests WHERE state IN ('paid', 'claimed',"
			    " 'in_production', 'awaiting_signature', 'signed', 'ready') AND office_id"
			    PROVINCE_OFFICES, pid, 0));
	assert_int_equal(d.total.overdue,
			 q1("SELECT count(*) FROM requests WHERE state IN ('paid', 'claimed',"
			    " 'in_production', 'awaiting_signature', 'signed', 'ready') AND paid_at < ?2"
			    " AND office_id"
			    PROVINCE_OFFICES, pid, wq_now() - 3 * 86400));
	int sum = 0, trend = 0;
	for (int s = 0; s < RS_COUNT; s++)
		sum += d.total.by_state[s];
	for (int i = 0; i < d.days; i++)
		trend += d.trend_paid[i];
	assert_int_equal(sum, d.total.paid);
	assert_int_equal(trend, d.total.paid);

	/* the median and p90 from a different query: per-request correlated subqueries */
	static const char durs[] =
		"SELECT w.at - (SELECT min(p.at) FROM request_events p WHERE p.request_id ="
		" w.request_id AND p.to_state = 'paid') FROM request_events w"
		" WHERE w.to_state = 'with_post' AND w.at >= ?2 AND w.at < ?3 AND w.office_id"
		PROVINCE_OFFICES
		" ORDER BY 1";
	sqlite3_stmt *st;
	int64_t v[2000];
	int n = 0;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), durs, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to); /* the demo has stages in the future: not counted */
	while (sqlite3_step(st) == SQLITE_ROW && n < 2000)
		v[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_true(n > 0);
	assert_int_equal(d.total.dispatched, n);
	assert_int_equal(d.total.median_seconds, dashboard_percentile(v, n, 0.5));
	assert_int_equal(d.total.p90_seconds, dashboard_percentile(v, n, 0.9));
	assert_true(d.total.median_seconds <= d.total.p90_seconds);

	/* only RABAT's offices */
	for (int i = 0; i < d.n; i++)
		assert_memory_equal(d.rows[i].code, "RBT-", 4);
	struct dashboard c;
	assert_int_equal(dashboard_load(db, &insp, DASH_BY_COMMUNE, from, to, 3, &c, &eb), WQ_OK);
	assert_true(c.n > 0 && c.n <= d.n);
	assert_int_equal(c.total.paid, d.total.paid);
	assert_int_equal(c.total.median_seconds, d.total.median_seconds);
	dashboard_free(&c);

	/* national = the sum of the provinces */
	struct actor sup = who("support1"), insp2 = who("inspector2");
	struct dashboard all, k;
	assert_int_equal(dashboard_load(db, &sup, DASH_BY_OFFICE, from, to, 3, &all, &eb), WQ_OK);
	assert_int_equal(dashboard_load(db, &insp2, DASH_BY_OFFICE, from, to, 3, &k, &eb), WQ_OK);
	assert_true(all.total.paid >= d.total.paid + k.total.paid);
	for (int i = 0; i < k.n; i++)
		assert_memory_equal(k.rows[i].code, "KEN-", 4);
	dashboard_free(&all);
	dashboard_free(&k);
	dashboard_free(&d);
	/* a period too long is refused */
	assert_int_equal(dashboard_load(db, &insp, DASH_BY_OFFICE, to - 400 * 86400, to, 3, &d,
					&eb), WQ_EINVAL);
}

static void test_percentile(void **state)
{
	(void)state;
	int64_t v[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	assert_int_equal(dashboard_percentile(v, 10, 0.5), 5);
	assert_int_equal(dashboard_percentile(v, 10, 0.9), 9);
	assert_int_equal(dashboard_percentile(v, 1, 0.9), 1);
	assert_int_equal(dashboard_percentile(v, 0, 0.5), -1);
}

/* A paid request of the province named (RABAT or KENITRA). */
static int64_t request_in(const char *province, char *tracking)
{
	static const char sql[] =
		"SELECT r.id, r.tracking FROM requests r JOIN offices o ON o.id = r.office_id"
		" JOIN communes c ON c.id = o.commune_id JOIN provinces p ON p.id = c.province_id"
		" WHERE p.code = ? AND r.state = 'claimed' ORDER BY r.id LIMIT 1";
	sqlite3_stmt *st;
	int64_t id = 0;
	sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL);
	sqlite3_bind_text(st, 1, province, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		snprintf(tracking, TRACKING_BYTES, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	assert_true(id > 0);
	return id;
}

static void test_complaints_scope_and_moves(void **state)
{
	(void)state;
	struct actor i1 = who("inspector1"), i2 = who("inspector2"), sup = who("support1");
	struct actor agent = who("agent1");
	struct wq_errbuf eb;
	char trk_r[TRACKING_BYTES], trk_k[TRACKING_BYTES];
	int64_t rr = request_in("RABAT", trk_r), rk = request_in("KENITRA", trk_k);
	int64_t cr, ck, cs;
	/* the demo files complaints of its own: count from what is there */
	struct cd_complaint *rows;
	int n, base_r, base_k;
	assert_int_equal(complaint_desk_list(db, &i1, 0, 0, &rows, &base_r, &eb), WQ_OK);
	free(rows);
	assert_int_equal(complaint_desk_list(db, &i2, 0, 0, &rows, &base_k, &eb), WQ_OK);
	free(rows);
	assert_int_equal(complaint_open_citizen(db, rr, trk_r, "nothing since a week", "127.0.0.1",
						&cr, &eb), WQ_OK);
	assert_int_equal(complaint_open_citizen(db, rk, trk_k, "where are my papers", "127.0.0.1",
						&ck, &eb), WQ_OK);
	assert_int_equal(complaint_desk_open(db, &sup, rr, "citizen called: address changed",
					     &cs, &eb), WQ_OK);
	assert_int_equal(complaint_desk_open(db, &agent, rr, "x", &cs, &eb), WQ_EDENIED);

	/* inspector1 sees RABAT's two new ones, never KENITRA's */
	assert_int_equal(complaint_desk_list(db, &i1, 0, 0, &rows, &n, &eb), WQ_OK);
	assert_int_equal(n, base_r + 2);
	for (int i = 0; i < n; i++)
		assert_int_not_equal(rows[i].id, ck);
	free(rows);
	assert_int_equal(complaint_desk_list(db, &i2, 0, 0, &rows, &n, &eb), WQ_OK);
	assert_int_equal(n, base_k + 1);
	int seen_k = 0;
	for (int i = 0; i < n; i++)
		seen_k += rows[i].id == ck;
	assert_int_equal(seen_k, 1);
	free(rows);
	struct cd_complaint c;
	assert_int_equal(complaint_desk_get(db, &i1, ck, &c, &eb), WQ_ENOTFOUND);
	assert_int_equal(complaint_desk_take(db, &i1, ck, 0, &eb), WQ_ENOTFOUND);
	assert_int_equal(complaint_desk_answer(db, &i1, ck, 0, "ok", &eb), WQ_ENOTFOUND);
	assert_int_equal(complaint_desk_escalate(db, &i1, ck, 0, "up", &eb), WQ_ENOTFOUND);
	assert_int_equal(complaint_desk_for_request(db, &i1, rk, &rows, &n, &eb), WQ_OK);
	assert_int_equal(n, 0);
	free(rows);

	/* take, then answer: the answer is stored, notified, audited */
	assert_int_equal(complaint_desk_get(db, &i1, cr, &c, &eb), WQ_OK);
	assert_int_equal(complaint_desk_take(db, &i1, cr, c.version, &eb), WQ_OK);
	/* a stale version loses */
	assert_int_equal(complaint_desk_answer(db, &i1, cr, c.version, "late", &eb), WQ_ECONFLICT);
	assert_int_equal(complaint_desk_resolve(db, &i1, cr, 0, &eb), WQ_ECONFLICT); /* not answered */
	assert_int_equal(complaint_desk_answer(db, &i1, cr, 0, "   ", &eb), WQ_EINVAL);
	int64_t outbox_before = q1("SELECT count(*) FROM outbox WHERE request_id = ?1", rr, 0);
	assert_int_equal(complaint_desk_answer(db, &i1, cr, 0, "Your envelope leaves tomorrow.",
					       &eb), WQ_OK);
	assert_true(q1("SELECT count(*) FROM outbox WHERE request_id = ?1 AND state = 'pending'"
		       " AND body LIKE '%envelope leaves tomorrow%'", rr, 0) >= 1);
	assert_true(q1("SELECT count(*) FROM outbox WHERE request_id = ?1", rr, 0) > outbox_before);
	assert_int_equal(q1("SELECT count(*) FROM audit_log WHERE action = 'complaint.answer'"
			    " AND actor_label = 'inspector1'", 0, 0), 1);
	/* what the tracking page reads */
	struct complaint *cit;
	assert_int_equal(complaint_list_for_request(db, rr, &cit, &n, &eb), WQ_OK);
	int shown = 0;
	for (int i = 0; i < n; i++)
		shown += !strcmp(cit[i].answer, "Your envelope leaves tomorrow.") &&
			 cit[i].answered_at > 0;
	free(cit);
	assert_int_equal(shown, 1);
	assert_int_equal(complaint_desk_resolve(db, &i1, cr, 0, &eb), WQ_OK);
	assert_int_equal(complaint_desk_resolve(db, &i1, cr, 0, &eb), WQ_ECONFLICT);

	/* support's complaint: escalate needs a note; a support account cannot take */
	assert_int_equal(complaint_desk_take(db, &sup, cs, 0, &eb), WQ_EDENIED);
	assert_int_equal(complaint_desk_escalate(db, &i1, cs, 0, "", &eb), WQ_EINVAL);
	assert_int_equal(complaint_desk_escalate(db, &i1, cs, 0, "needs the ministry", &eb), WQ_OK);
	assert_int_equal(complaint_desk_get(db, &i1, cs, &c, &eb), WQ_OK);
	assert_int_equal(c.state, CD_ESCALATED);
	assert_string_equal(c.opened_by, "support1");

	/* late marking: KENITRA's complaint, as of a week later, by its own inspector */
	int marked = -1;
	assert_int_equal(complaint_desk_mark_late(db, &i1, wq_now() + 7 * 86400, &marked, &eb),
			 WQ_OK);
	assert_int_equal(q1("SELECT count(*) FROM complaints WHERE id = ?1 AND late_at IS NULL",
			    ck, 0), 1); /* inspector1 cannot mark KENITRA's */
	assert_int_equal(complaint_desk_mark_late(db, &i2, wq_now() + 7 * 86400, &marked, &eb),
			 WQ_OK);
	assert_int_equal(marked, base_k + 1); /* the demo's open ones in KENITRA too */
	assert_int_equal(complaint_desk_get(db, &i2, ck, &c, &eb), WQ_OK);
	assert_true(c.late && c.late_at > 0);
	assert_int_equal(complaint_desk_mark_late(db, &i2, wq_now() + 7 * 86400, &marked, &eb),
			 WQ_OK);
	assert_int_equal(marked, 0);
}

static void test_search(void **state)
{
	(void)state;
	struct actor sup = who("support1"), i1 = who("inspector1");
	struct search_result r;
	struct wq_errbuf eb;
	struct request req;
	char trk[TRACKING_BYTES];
	int64_t id = request_in("KENITRA", trk);
	assert_int_equal(request_get(db, &sup, id, &req, &eb), WQ_OK);

	assert_int_equal(search_guess(req.tracking), SEARCH_TRACKING);
	assert_int_equal(search_guess(req.cin), SEARCH_CIN);
	assert_int_equal(search_guess(req.phone), SEARCH_PHONE);
	assert_int_equal(search_guess("benn"), SEARCH_NAME);
	assert_int_equal(search_guess("/^W1.*9$/"), SEARCH_PATTERN);

	assert_int_equal(search_requests(db, &sup, SEARCH_AUTO, req.tracking, &r, &eb), WQ_OK);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.hits[0].id, id);
	search_result_free(&r);
	/* an inspector of another province does not find it */
	assert_int_equal(search_requests(db, &i1, SEARCH_AUTO, req.tracking, &r, &eb), WQ_OK);
	assert_int_equal(r.n, 0);
	search_result_free(&r);

	char lower[16];
	snprintf(lower, sizeof lower, "%s", req.cin);
	lower[0] = (char)(lower[0] | 0x20);
	assert_int_equal(search_requests(db, &sup, SEARCH_AUTO, lower, &r, &eb), WQ_OK);
	assert_true(r.n >= 1);
	search_result_free(&r);

	char intl[32];
	snprintf(intl, sizeof intl, "+212 %.22s", req.phone + 1);
	assert_int_equal(search_requests(db, &sup, SEARCH_AUTO, intl, &r, &eb), WQ_OK);
	assert_true(r.n >= 1);
	int found = 0;
	for (int i = 0; i < r.n; i++)
		found |= r.hits[i].id == id;
	assert_true(found);
	search_result_free(&r);

	/* names: a Latin prefix in any case, two words, Arabic, inside a name */
	char q[300];
	snprintf(q, sizeof q, "%.4s", req.last_name_lat);
	for (char *p = q; *p; p++)
		*p = (char)(*p | 0x20);
	assert_int_equal(search_requests(db, &sup, SEARCH_NAME, q, &r, &eb), WQ_OK);
	assert_true(r.n >= 1);
	search_result_free(&r);
	snprintf(q, sizeof q, "%s %s", req.first_name_lat, req.last_name_lat);
	assert_int_equal(search_requests(db, &sup, SEARCH_AUTO, q, &r, &eb), WQ_OK);
	found = 0;
	for (int i = 0; i < r.n; i++)
		found |= r.hits[i].id == id;
	assert_true(found);
	search_result_free(&r);
	assert_int_equal(search_requests(db, &sup, SEARCH_AUTO, req.last_name_ar, &r, &eb), WQ_OK);
	assert_true(r.n >= 1);
	search_result_free(&r);
	snprintf(q, sizeof q, "%.120s", req.last_name_lat + 2);
	assert_int_equal(search_requests(db, &sup, SEARCH_NAME, q, &r, &eb), WQ_OK);
	assert_true(r.n >= 1);
	search_result_free(&r);

	/* a PCRE2 pattern, and a bad one */
	snprintf(q, sizeof q, "/^%.6s\\d{5}\\b/", req.tracking);
	assert_int_equal(search_requests(db, &sup, SEARCH_AUTO, q, &r, &eb), WQ_OK);
	assert_true(r.n >= 1 && r.scanned > 0);
	search_result_free(&r);
	assert_int_equal(search_requests(db, &sup, SEARCH_AUTO, "/(unclosed/", &r, &eb), WQ_EINVAL);
	assert_int_equal(search_requests(db, &sup, SEARCH_AUTO, "x", &r, &eb), WQ_EINVAL);

	/* notes, notifications, resend */
	assert_int_equal(search_note_add(db, &sup, id, "citizen phoned, moved to Rabat", &eb),
			 WQ_OK);
	struct search_note *notes;
	int n;
	assert_int_equal(search_notes(db, &sup, id, &notes, &n, &eb), WQ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(notes[0].author, "support1");
	free(notes);
	assert_int_equal(search_notes(db, &i1, id, &notes, &n, &eb), WQ_ENOTFOUND);
	char ins[300];
	snprintf(ins, sizeof ins,
		 "INSERT INTO outbox (request_id, channel, recipient, body, state, attempts,"
		 " next_attempt_at, created_at) VALUES (%lld, 'sms', '0600000000', 'test',"
		 " 'failed', 10, 0, 0)", (long long)id);
	assert_int_equal(sqlite3_exec(db_handle(db), ins, NULL, NULL, NULL), SQLITE_OK);
	struct search_notice *x;
	assert_int_equal(search_notices(db, &sup, id, &x, &n, &eb), WQ_OK);
	assert_true(n >= 1);
	int64_t new_id;
	assert_int_equal(search_resend(db, &sup, x[0].id, &new_id, &eb), WQ_OK);
	assert_true(new_id > x[0].id);
	assert_int_equal(search_resend(db, &i1, x[0].id, &new_id, &eb), WQ_ENOTFOUND);
	free(x);
	assert_int_equal(q1("SELECT count(*) FROM audit_log WHERE action = 'notify.resend'", 0, 0),
			 1);
	struct search_payment *p;
	assert_int_equal(search_payments(db, &sup, id, &p, &n, &eb), WQ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].status, "confirmed");
	free(p);
}

int main(void)
{
	static const struct fixture fx = {"dashboard", 400};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_dashboard_matches_sql),
		cmocka_unit_test(test_complaints_scope_and_moves),
		cmocka_unit_test(test_search),
	};
	return fixture_run_group(&fx, tests);
}
