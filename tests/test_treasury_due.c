/* test_treasury_due.c - the treasury's running totals (db/250, src/db_treasury_due.c) on
 * a real SQLite file with the demo's requests: after every kind of move that changes
 * what a commune is due (a payment confirmed alone or in a group commit, a request
 * produced, rejected, cancelled, moved to another commune's office, a refund answered,
 * a batch built, an office moved, a line of an order refunded), the preview from the
 * totals equals the preview recomputed from the payments for periods ending at local
 * midnights and at any second, and `watiqa check` (db_check) finds nothing; totals
 * made to differ are caught, each commune named once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_group.h"
#include "finance.h"
#include "office.h"
#include "refund.h"
#include "request.h"

#include "fixture.h"
#include "testlib.h"

static struct actor who(const char *name)
{
	return testlib_who(db, name);
}

/* db_check's problems, with what it printed in out (NUL-terminated). */
static int check_problems(char *out, size_t len)
{
	struct wq_errbuf eb;
	int problems = -1;
	FILE *f = fmemopen(out, len, "w");
	assert_non_null(f);
	assert_int_equal(db_check(db, f, &problems, &eb), WQ_OK);
	fclose(f);
	out[len - 1] = '\0';
	return problems;
}

static void same_preview(int64_t to, const char *after)
{
	struct actor t = who("treasury1");
	struct fin_period p = {0, to};
	struct settle_preview *a = NULL, *b = NULL;
	struct wq_errbuf eb;
	int na = 0, nb = 0;
	assert_int_equal(treasury_preview(db, &t, &p, &a, &na, &eb), WQ_OK);
	assert_int_equal(treasury_preview_rows(db, &t, &p, &b, &nb, &eb), WQ_OK);
	if (na != nb)
		fail_msg("after %s, up to %lld: %d communes from the totals, %d from the rows",
			 after, (long long)to, na, nb);
	for (int i = 0; i < na; i++)
		if (a[i].commune_id != b[i].commune_id || a[i].count != b[i].count ||
		    a[i].centimes != b[i].centimes ||
		    a[i].processing_count != b[i].processing_count ||
		    a[i].processing_centimes != b[i].processing_centimes)
			fail_msg("after %s, up to %lld, %s: totals %d/%lld + %d/%lld, rows %d/%lld"
				 " + %d/%lld", after, (long long)to, a[i].commune_code, a[i].count,
				 (long long)a[i].centimes, a[i].processing_count,
				 (long long)a[i].processing_centimes, b[i].count,
				 (long long)b[i].centimes, b[i].processing_count,
				 (long long)b[i].processing_centimes);
	free(a);
	free(b);
}

/* The totals agree with the rows for month ends (local midnights) and for instants
 * every 10 h 17 s over the demo's two months; check finds nothing (nothing about the
 * totals when others_ok: a repair in SQL may break other rules), and no day is kept
 * with nothing due. */
static void agree_but(const char *after, int others_ok)
{
	char out[4096];
	int64_t now = wq_now();
	for (int m = -3; m <= 1; m++) {
		struct fin_period month;
		fin_period_month(now, m, &month);
		same_preview(month.from, after);
	}
	for (int k = 0; k < 150; k++)
		same_preview(now + 1 - k * (10 * 3600 + 17), after);
	int problems = check_problems(out, sizeof out);
	if (problems && (!others_ok || strstr(out, "treasury totals")))
		fail_msg("after %s: check: %s", after, out);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM treasury_due"
					    " WHERE earned = 0 AND waiting = 0", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
}

static void agree(const char *after)
{
	agree_but(after, 0);
}

/* One earned fee and one still in the office, at least, for the commune, up to now. */
static void due_of(const char *commune_code, int *earned, int *waiting)
{
	struct actor t = who("treasury1");
	struct fin_period p = {0, wq_now() + 1};
	struct settle_preview *pv = NULL;
	struct wq_errbuf eb;
	int n = 0;
	*earned = *waiting = 0;
	assert_int_equal(treasury_preview(db, &t, &p, &pv, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		if (!strcmp(pv[i].commune_code, commune_code)) {
			*earned = pv[i].count;
			*waiting = pv[i].processing_count;
		}
	free(pv);
}

static int64_t first_in(enum req_state s, const char *as, int skip)
{
	struct actor a = who(as);
	struct request_filter f = {.states = STATE_BIT(s), .limit = 50, .oldest_first = 1};
	struct request *r = NULL;
	struct wq_errbuf eb;
	int n = 0;
	assert_int_equal(request_list(db, &a, &f, &r, &n, &eb), WQ_OK);
	assert_true(n > skip);
	int64_t id = r[skip].id;
	free(r);
	return id;
}

static int pay(struct db *conn, int64_t id, const char *txn)
{
	struct request r;
	struct actor sys;
	struct wq_errbuf eb;
	int already = 0;
	actor_system(&sys);
	assert_int_equal(request_get(conn, &sys, id, &r, &eb), WQ_OK);
	return request_mark_paid(conn, id, txn, r.fee_centimes, &already, &eb);
}

struct pay_job {
	int64_t id;
	const char *txn;
};

static int pay_in_group(struct db *conn, void *arg, struct wq_errbuf *eb)
{
	struct pay_job *j = arg;
	(void)eb;
	return pay(conn, j->id, j->txn);
}

static void test_totals_follow_the_money(void **state)
{
	(void)state;
	struct actor ag = who("agent1"), sup = who("supervisor1"), t = who("treasury1");
	struct wq_errbuf eb;
	int e0, w0, e1, w1;
	agree("the demo's load");

	/* a payment confirmed alone, then two in one group commit */
	assert_int_equal(pay(db, testlib_unpaid(db, "RBT-HAS-1", 2000, 0), "T-DUE-1"), WQ_OK);
	agree("a payment");
	struct db_group *g;
	assert_int_equal(db_group_start(db_path, &g, &eb), WQ_OK);
	struct pay_job j1 = {testlib_unpaid(db, "RBT-HAS-1", 2000, 0), "T-DUE-2"};
	struct pay_job j2 = {testlib_unpaid(db, "RBT-AGD-1", 2000, 3000), "T-DUE-3"};
	assert_int_equal(db_group_run(g, pay_in_group, &j1, &eb), WQ_OK);
	assert_int_equal(db_group_run(g, pay_in_group, &j2, &eb), WQ_OK);
	db_group_stop(g);
	agree("payments in a group commit");

	/* produced: the fee moves from waiting to earned in RBT-HASSAN */
	due_of("RBT-HASSAN", &e0, &w0);
	int64_t done = first_in(RS_PAID, "agent1", 0);
	assert_int_equal(request_claim(db, &ag, done, 0, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &ag, done, 0, RS_IN_PRODUCTION, "", &eb), WQ_OK);
	assert_int_equal(testlib_sign(db, &ag, done, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &ag, done, 0, RS_READY, "", &eb), WQ_OK);
	due_of("RBT-HASSAN", &e1, &w1);
	assert_int_equal(e1, e0 + 1);
	assert_int_equal(w1, w0 - 1);
	agree("a request produced");

	/* one line of a two-line order rejected: its fee owed back, the order still waits
	 * for what it keeps (the full copy); then its last line: the request rejected */
	int64_t two = testlib_unpaid(db, "RBT-HAS-1", 2000, 3000);
	assert_int_equal(pay(db, two, "T-DUE-5"), WQ_OK);
	assert_int_equal(request_claim(db, &ag, two, 0, &eb), WQ_OK);
	assert_int_equal(request_line_reject(db, &ag, two, 0, 1, "record not found", &eb), WQ_OK);
	agree("a line refunded");
	char rf[300];
	snprintf(rf, sizeof rf, "CREATE TEMP TABLE rf AS SELECT * FROM refunds WHERE request_id ="
		 " %lld; DELETE FROM refunds WHERE request_id = %lld", (long long)two,
		 (long long)two);
	assert_int_equal(sqlite3_exec(db_handle(db), rf, NULL, NULL, NULL), SQLITE_OK);
	agree_but("a line's refund deleted in SQL", 1);
	assert_int_equal(sqlite3_exec(db_handle(db), "INSERT INTO refunds SELECT * FROM rf;"
				      " UPDATE refunds SET amount_centimes = amount_centimes - 1"
				      " WHERE id IN (SELECT id FROM rf)", NULL, NULL, NULL), SQLITE_OK);
	agree_but("a line's refund written back for less", 1);
	assert_int_equal(sqlite3_exec(db_handle(db), "UPDATE refunds SET amount_centimes ="
				      " amount_centimes + 1 WHERE id IN (SELECT id FROM rf);"
				      " DROP TABLE rf", NULL, NULL, NULL), SQLITE_OK);
	agree("the line's refund as it was");
	assert_int_equal(request_line_reject(db, &ag, two, 0, 2, "record not found", &eb), WQ_OK);
	agree("the last line refunded");

	/* rejected after payment, cancelled by the citizen: refunds owed, out of the due */
	int64_t rej = first_in(RS_PAID, "agent1", 0);
	assert_int_equal(request_claim(db, &ag, rej, 0, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &ag, rej, 0, RS_REJECTED, "record not found",
					    &eb), WQ_OK);
	agree("a rejection");
	assert_int_equal(request_cancel_citizen(db, first_in(RS_PAID, "agent1", 0), &eb), WQ_OK);
	due_of("RBT-HASSAN", &e0, &w0);
	assert_int_equal(e0, e1);
	assert_int_equal(w0, w1 - 2);
	agree("a cancellation");

	/* the refunds answered: one refunded, one refused */
	struct refund due[4];
	int n = 0;
	assert_int_equal(refund_due(db, wq_now() + 1, due, 4, &n, &eb), WQ_OK);
	assert_true(n >= 2);
	assert_int_equal(refund_mark_sending(db, due[0].id, wq_now() + 60, &eb), WQ_OK);
	assert_int_equal(refund_mark_done(db, due[0].id, "RF-OK-1", "", &eb), WQ_OK);
	assert_int_equal(refund_mark_failed(db, due[1].id, "card refused", "", &eb), WQ_OK);
	agree("refunds answered");

	/* moved to an office of another commune: RBT-HASSAN waits for one less, AGDAL more */
	int ae0, aw0, ae1, aw1;
	due_of("RBT-AGDAL", &ae0, &aw0);
	struct office agd;
	assert_int_equal(office_get_by_code(db, "RBT-AGD-1", &agd, &eb), WQ_OK);
	assert_int_equal(request_reassign(db, &sup, first_in(RS_PAID, "agent1", 0), 0, agd.id,
					  "born in Agdal", &eb), WQ_OK);
	due_of("RBT-HASSAN", &e1, &w1);
	due_of("RBT-AGDAL", &ae1, &aw1);
	assert_int_equal(w1, w0 - 1);
	assert_int_equal(aw1, aw0 + 1);
	agree("a reassignment to another commune");

	/* a payment row changed under a request still in the office (an operator's repair,
	 * a chargeback): out of the due, back in, moved to another day */
	char sql[400];
	int64_t moved = first_in(RS_PAID, "agent1", 0);
	snprintf(sql, sizeof sql, "UPDATE payments SET status = 'failed' WHERE request_id = %lld",
		 (long long)moved);
	assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
	due_of("RBT-HASSAN", &e0, &w0);
	assert_int_equal(w0, w1 - 1);
	agree_but("a payment unconfirmed", 1);
	snprintf(sql, sizeof sql, "UPDATE payments SET status = 'confirmed' WHERE request_id ="
		 " %lld", (long long)moved);
	assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
	agree("a payment confirmed again");
	assert_int_equal(sqlite3_exec(db_handle(db), "UPDATE payments SET confirmed_at ="
				      " confirmed_at - 86400 * 3, amount_centimes = amount_centimes"
				      " + 1 WHERE id = (SELECT max(id) FROM payments)", NULL, NULL, NULL),
			 SQLITE_OK);
	agree_but("a payment's time and amount changed", 1);
	assert_int_equal(sqlite3_exec(db_handle(db), "UPDATE payments SET amount_centimes ="
				      " amount_centimes - 1 WHERE id = (SELECT max(id) FROM payments)",
				      NULL, NULL, NULL), SQLITE_OK);
	agree("a payment's amount put back");

	/* batches built up to now: nothing earned is left due */
	int b, items;
	int64_t total;
	struct fin_period p = {0, wq_now()};
	assert_int_equal(treasury_build(db, &t, &p, 0, &b, &items, &total, &eb), WQ_OK);
	assert_true(b >= 1);
	due_of("RBT-HASSAN", &e1, &w1);
	assert_int_equal(e1, 0);
	agree("batches built");

	/* repairs in SQL: the payment failed again and another one recorded confirmed in
	 * its place */
	snprintf(sql, sizeof sql, "UPDATE payments SET status = 'failed' WHERE request_id = %lld;"
		 " INSERT INTO payments (request_id, gateway_ref, amount_centimes, status,"
		 " created_at, confirmed_at) SELECT id, 'T-DUE-4', fee_centimes, 'confirmed',"
		 " %lld, %lld FROM requests WHERE id = %lld", (long long)moved,
		 (long long)wq_now(), (long long)wq_now(), (long long)moved);
	assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
	agree("a payment replaced");

	/* an office moved to another commune (an operator's repair in SQL) takes its fees */
	assert_int_equal(sqlite3_exec(db_handle(db), "UPDATE offices SET commune_id = (SELECT id"
				      " FROM communes WHERE code = 'RBT-AGDAL') WHERE code ="
				      " 'RBT-HAS-1'", NULL, NULL, NULL), SQLITE_OK);
	due_of("RBT-AGDAL", &ae1, &aw1);
	assert_true(aw1 > aw0 + 1);
	agree("an office moved");
}

/* Totals made to differ from the payments: check names each commune that differs,
 * once, with both sums; put back, it passes again. */
static void test_check_catches_drift(void **state)
{
	(void)state;
	char out[4096];
	sqlite3 *h = db_handle(db);
	assert_int_equal(check_problems(out, sizeof out), 0);
	/* one commune's day counted twice as much, another's day lost */
	assert_int_equal(sqlite3_exec(h, "UPDATE treasury_due SET earned = earned + 1,"
				      " earned_centimes = earned_centimes + 2000 WHERE commune_id = (SELECT id"
				      " FROM communes WHERE code = 'RBT-AGDAL') AND day = (SELECT"
				      " max(day) FROM treasury_due WHERE commune_id = (SELECT id FROM"
				      " communes WHERE code = 'RBT-AGDAL'))", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE kept AS SELECT * FROM treasury_due"
				      " WHERE commune_id = (SELECT id FROM communes WHERE code ="
				      " 'KEN-KENITRA'); DELETE FROM treasury_due WHERE commune_id ="
				      " (SELECT id FROM communes WHERE code = 'KEN-KENITRA')",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(check_problems(out, sizeof out), 2);
	assert_non_null(strstr(out, "treasury totals differing from the payments: KEN-KENITRA:"
				    " kept 0 earned 0.00 MAD, 0 waiting 0.00 MAD; the payments say"));
	assert_non_null(strstr(out, "treasury totals differing from the payments: RBT-AGDAL:"));
	assert_non_null(strstr(out, "(1 day differ)"));
	assert_null(strstr(out, "RBT-HASSAN"));

	assert_int_equal(sqlite3_exec(h, "UPDATE treasury_due SET earned = earned - 1,"
				      " earned_centimes = earned_centimes - 2000 WHERE commune_id ="
				      " (SELECT id FROM communes WHERE code = 'RBT-AGDAL') AND day ="
				      " (SELECT max(day) FROM treasury_due WHERE commune_id = (SELECT"
				      " id FROM communes WHERE code = 'RBT-AGDAL'));"
				      " INSERT INTO treasury_due SELECT * FROM kept; DROP TABLE kept",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(check_problems(out, sizeof out), 0);
}

int main(void)
{
	static const struct fixture fx = {"treasury-due", 300};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totals_follow_the_money),
		cmocka_unit_test(test_check_catches_drift),
	};
	setenv("TZ", "Africa/Casablanca", 1);
	return fixture_run_group(&fx, tests);
}
