/* test_national.c - the national inspection's requests (src/db_national.c) on a demo
 * database: a raise, by a province's inspector or by the sweep, is a line of the
 * request's hash-chained history (state kept, note free of language) and `watiqa check`
 * still finds the chains whole; a national inspector takes a raise before answering it,
 * and what he holds is his until he gives it back (a complaint too).  The isolation rows and the answer's story are in
 * test_isolation.c; here what each step writes, checked against plain SQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complaint_desk.h"
#include "escalate.h"
#include "history_text.h"
#include "national.h"

#include "fixture.h"
#include "testlib.h"

static int pay_seq;

/* A paid request at a RABAT office: its id. */
static int64_t paid_in_rabat(void)
{
	char ref[32];
	snprintf(ref, sizeof ref, "NAT-%d", ++pay_seq);
	return testlib_paid_request(db, "RBT-HAS-1", 2000, ref);
}

/* The request's last event as "actor|from|to|note" (the note's marks as '^'). */
static void last_event(int64_t id, char *out, size_t len)
{
	testlib_sql_text(db, "SELECT actor_label || '|' || from_state || '|' || to_state || '|' ||"
			     " replace(note, char(31), '^') FROM request_events"
			     " WHERE request_id = ?1 ORDER BY id DESC LIMIT 1", id, out, len);
}

/* A province's raise is in the request's history with its note, said in the reader's
 * language; the chains stay whole. */
static void test_a_raise_is_in_the_history(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct actor insp = testlib_who(db, "inspector1");
	char got[300], text[300];
	int64_t id = paid_in_rabat();
	int64_t events = testlib_sql_int(db, "SELECT count(*) FROM request_events"
					     " WHERE request_id = ?1", id);
	assert_int_equal(national_raise_request(db, &insp, id, "le bureau ne répond pas", &eb),
			 WQ_OK);
	assert_int_equal(testlib_sql_int(db, "SELECT count(*) FROM request_events"
					     " WHERE request_id = ?1", id), events + 1);
	last_event(id, got, sizeof got);
	assert_string_equal(got, "inspector1|paid|paid|^raised^le bureau ne répond pas");
	testlib_sql_text(db, "SELECT note FROM request_events WHERE request_id = ?1"
			     " ORDER BY id DESC LIMIT 1", id, got, sizeof got);
	history_note(got, text, sizeof text);
	assert_string_equal(text, "raised to the national inspection: le bureau ne répond pas");
	/* refused (already waiting): nothing more in the history */
	assert_int_equal(national_raise_request(db, &insp, id, "encore", &eb), WQ_ECONFLICT);
	assert_int_equal(testlib_sql_int(db, "SELECT count(*) FROM request_events"
					     " WHERE request_id = ?1", id), events + 1);
	assert_int_equal(testlib_problems(db), 0);
}

/* The sweep's raise too, by "system", with no words: the reader's language says why. */
static void test_the_sweeps_raise_is_in_the_history(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct escalate_rules r;
	char got[300], text[300];
	int raised = 0;
	int64_t id = paid_in_rabat();
	escalate_rules_from_config(&r, &cfg);
	r.national_days = 3;
	/* each round raises a batch at most: until the request is reached */
	for (int round = 0; round < 100 && testlib_sql_int(db, "SELECT count(*) FROM"
				   " request_raises WHERE request_id = ?1", id) == 0; round++)
		assert_int_equal(national_raise_overdue(db, &r, wq_now() + 60 * 86400, &raised, &eb),
				 WQ_OK);
	last_event(id, got, sizeof got);
	assert_string_equal(got, "system|paid|paid|^raised^");
	testlib_sql_text(db, "SELECT note FROM request_events WHERE request_id = ?1"
			     " ORDER BY id DESC LIMIT 1", id, got, sizeof got);
	history_note(got, text, sizeof text);
	assert_string_equal(text,
			    "raised to the national inspection: past its deadline at the province");
	assert_int_equal(testlib_problems(db), 0);
}

static int audited(const char *action, int64_t raise_id)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE action = '%s' AND target ="
		 " (SELECT r.tracking FROM request_raises x JOIN requests r ON r.id = x.request_id"
		 " WHERE x.id = ?1)", action);
	return (int)testlib_sql_int(db, sql, raise_id);
}

/* What the national queue shows of raise_id. */
static struct raised listed(const char *who, int64_t raise_id)
{
	struct actor a = testlib_who(db, who);
	struct wq_errbuf eb = {0};
	struct raised *x = NULL, got;
	int n = 0, found = 0;
	assert_int_equal(national_list(db, &a, 1, &x, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		if (x[i].kind == RAISED_REQUEST && x[i].id == raise_id) {
			got = x[i];
			found = 1;
		}
	free(x);
	if (!found)
		fail_msg("raise #%lld not on %s's list", (long long)raise_id, who);
	return got;
}

/* The take step: a raise one national inspector took shows who holds it; another can
 * neither answer it, take it nor give it back, and is told who holds it; the holder gives
 * it back or answers it; each take and release audited.  A disabled account holds
 * nothing. */
static void test_a_taken_raise_is_its_holders(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct actor sys = testlib_who(db, "system"), prov = testlib_who(db, "inspector1");
	char tracking[TRACKING_BYTES];
	int64_t id = paid_in_rabat();
	assert_int_equal(national_raise_request(db, &prov, id, "rien ne bouge", &eb), WQ_OK);
	int64_t raise = testlib_sql_int(db, "SELECT id FROM request_raises WHERE request_id = ?1",
					id);
	testlib_sql_text(db, "SELECT tracking FROM requests WHERE id = ?1", id, tracking,
			 sizeof tracking);
	assert_int_equal(user_add(db, &sys, "inspector9", "Inspectrice nationale", ROLE_INSPECTOR,
				  "", "watiqa-demo", NULL, &eb), WQ_OK);
	struct actor nat = testlib_who(db, "inspector0"), nat9 = testlib_who(db, "inspector9");
	struct raised r = listed("inspector0", raise);
	assert_string_equal(r.holder, "");

	assert_int_equal(national_take_request(db, &prov, raise, 0, &eb), WQ_EDENIED);
	assert_int_equal(national_take_request(db, &nat, raise, r.version + 1, &eb), WQ_ECONFLICT);
	assert_int_equal(national_take_request(db, &nat, raise, r.version, &eb), WQ_OK);
	r = listed("inspector9", raise);
	assert_string_equal(r.holder, "inspector0");
	assert_true(r.taken_at > 0);
	assert_string_equal(listed("inspector1", raise).holder, "inspector0");
	assert_int_equal(audited("request.raise_take", raise), 1);
	/* taking it again changes nothing */
	assert_int_equal(national_take_request(db, &nat, raise, 0, &eb), WQ_OK);
	assert_int_equal(audited("request.raise_take", raise), 1);
	assert_int_equal(listed("inspector0", raise).version, r.version);

	/* the other national inspector: refused, told who holds it, nothing written */
	char want[120];
	snprintf(want, sizeof want, "%s is taken by inspector0", tracking);
	assert_int_equal(national_answer_request(db, &nat9, raise, 0, "je m'en charge", &eb),
			 WQ_EDENIED);
	assert_string_equal(eb.field, "inspector");
	assert_string_equal(eb.msg, want);
	assert_int_equal(national_take_request(db, &nat9, raise, 0, &eb), WQ_EDENIED);
	assert_string_equal(eb.msg, want);
	assert_int_equal(national_release_request(db, &nat9, raise, 0, &eb), WQ_EDENIED);
	assert_string_equal(eb.msg, want);
	r = listed("inspector0", raise);
	assert_string_equal(r.holder, "inspector0");
	assert_false(r.answered);

	/* given back: anyone's again; given back twice: nothing to give */
	assert_int_equal(national_release_request(db, &nat, raise, r.version, &eb), WQ_OK);
	assert_string_equal(listed("inspector0", raise).holder, "");
	assert_int_equal(audited("request.raise_release", raise), 1);
	assert_int_equal(national_release_request(db, &nat, raise, 0, &eb), WQ_ECONFLICT);
	assert_string_equal(eb.field, "state");

	/* inspector9 takes it; disabled, he holds nothing: inspector0 answers it */
	assert_int_equal(national_take_request(db, &nat9, raise, 0, &eb), WQ_OK);
	assert_int_equal(national_answer_request(db, &nat, raise, 0, "vu", &eb), WQ_EDENIED);
	assert_int_equal(user_set_disabled(db, &sys, "inspector9", 1, &eb), WQ_OK);
	assert_string_equal(listed("inspector0", raise).holder, "");
	assert_int_equal(national_answer_request(db, &nat, raise, 0, "vu avec le bureau", &eb),
			 WQ_OK);
	r = listed("inspector1", raise);
	assert_true(r.answered);
	assert_string_equal(r.answered_by, "inspector0");
	assert_int_equal(national_take_request(db, &nat, raise, 0, &eb), WQ_ECONFLICT);
	assert_int_equal(user_set_disabled(db, &sys, "inspector9", 0, &eb), WQ_OK);
	assert_int_equal(testlib_problems(db), 0);
}

/* A taken complaint is given back by who took it: open again at its province, or
 * waiting again on the national queue once raised; nobody else gives it back. */
static void test_a_taken_complaint_is_given_back(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct actor prov = testlib_who(db, "inspector1"), nat = testlib_who(db, "inspector0"),
		     nat9 = testlib_who(db, "inspector9");
	struct cd_complaint c;
	int64_t id;
	assert_int_equal(complaint_desk_open(db, &prov, paid_in_rabat(), "rien reçu", &id, &eb),
			 WQ_OK);
	assert_int_equal(complaint_desk_take(db, &prov, id, 0, &eb), WQ_OK);
	assert_int_equal(complaint_desk_release(db, &nat, id, 0, &eb), WQ_EDENIED);
	assert_int_equal(complaint_desk_release(db, &prov, id, 0, &eb), WQ_OK);
	assert_int_equal(complaint_desk_get(db, &prov, id, &c, &eb), WQ_OK);
	assert_int_equal(c.state, CD_OPEN);
	assert_string_equal(c.inspector, "");
	assert_int_equal(complaint_desk_release(db, &prov, id, 0, &eb), WQ_ECONFLICT);
	/* raised: inspector0 takes it; inspector9 cannot give it back, inspector0 can */
	assert_int_equal(complaint_desk_escalate(db, &prov, id, 0, "sans nouvelles", &eb), WQ_OK);
	assert_int_equal(complaint_desk_take(db, &nat, id, 0, &eb), WQ_OK);
	assert_int_equal(complaint_desk_release(db, &nat9, id, 0, &eb), WQ_EDENIED);
	assert_string_equal(eb.field, "inspector");
	assert_int_equal(complaint_desk_release(db, &nat, id, 0, &eb), WQ_OK);
	assert_int_equal(complaint_desk_get(db, &nat, id, &c, &eb), WQ_OK);
	assert_int_equal(c.state, CD_ESCALATED);
	assert_string_equal(c.inspector, "");
	assert_int_equal(testlib_sql_int(db, "SELECT count(*) FROM audit_log WHERE action ="
					     " 'complaint.release' AND target = 'complaint ' || ?1", id),
			 2);
	assert_int_equal(complaint_desk_take(db, &nat9, id, 0, &eb), WQ_OK);
	assert_int_equal(testlib_problems(db), 0);
}

/* The sweep reaches every request due, however many open ones come before it: here
 * 2,100 older ones, each moved to its stage an hour ago (not due), then one due (its
 * first stage past its days), with the delivery window off so that only the stages
 * count.  Last of the group: the older ones' dates are set by SQL. */
static void test_the_sweep_reaches_past_the_oldest(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct escalate_rules r;
	int64_t now = wq_now(), first = 0, due;
	int raised = 0;
	db_bulk_mode(db, 1);
	for (int i = 0; i < 2100; i++) {
		int64_t id = paid_in_rabat();
		first = first ? first : id;
	}
	due = paid_in_rabat();
	db_bulk_mode(db, 0);
	assert_int_equal(testlib_sql_int(db, "UPDATE requests SET paid_at = ?1 - 40 * 86400,"
					     " stage_at = ?1 - 3600 WHERE id >= (SELECT min(id) FROM"
					     " requests WHERE paid_at > ?1 - 600) RETURNING 0", now), 0);
	assert_int_equal(testlib_sql_int(db, "UPDATE requests SET paid_at = ?1 - 20 * 86400,"
					     " stage_at = ?1 - 20 * 86400 WHERE id = (SELECT max(id)"
					     " FROM requests) RETURNING 0", now), 0);
	escalate_rules_from_config(&r, &cfg);
	r.national_days = 3;
	r.window_days = 0;
	assert_int_equal(national_raise_overdue(db, &r, now, &raised, &eb), WQ_OK);
	assert_int_equal(testlib_sql_int(db, "SELECT count(*) FROM request_raises"
					     " WHERE request_id = ?1", due), 1);
	assert_int_equal(testlib_sql_int(db, "SELECT count(*) FROM request_raises"
					     " WHERE request_id >= ?1", first), 1);
}

int main(void)
{
	static const struct fixture fx = {"national", 0};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_raise_is_in_the_history),
		cmocka_unit_test(test_the_sweeps_raise_is_in_the_history),
		cmocka_unit_test(test_a_taken_raise_is_its_holders),
		cmocka_unit_test(test_a_taken_complaint_is_given_back),
		cmocka_unit_test(test_the_sweep_reaches_past_the_oldest),
	};
	return fixture_run_group(&fx, tests);
}
