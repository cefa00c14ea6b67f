/* test_mail.c - envelopes and registered mail (mail.h), the supervisor board's queries
 * (board.h), printouts (printout.h) and the tracking answer parser (post_track.h),
 * against a real SQLite file with the demo network: the envelope follows the request's
 * state (migration 010), S10 codes are refused with a precise message, a relayed
 * office's history says who recorded what for which office, and a supervisor or a post
 * account cannot read or touch a request outside its scope by any function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "history_text.h"
#include "config.h"
#include "demo.h"
#include "mail.h"
#include "office.h"
#include "post_track.h"
#include "printout.h"
#include "request.h"
#include "serve.h"
#include "user.h"
#include "util.h"

#include "fixture.h"
#include "testlib.h"

static int seq;

static struct actor who(const char *name)
{
	return testlib_who(db, name);
}

static int64_t office_id(const char *code)
{
	struct office o;
	struct wq_errbuf eb;
	if (office_get_by_code(db, code, &o, &eb))
		fail_msg("office %s: %s", code, eb.msg);
	return o.id;
}

static struct request get(int64_t id)
{
	struct request r;
	struct wq_errbuf eb;
	struct actor sys;
	actor_system(&sys);
	assert_int_equal(request_get(db, &sys, id, &r, &eb), WQ_OK);
	return r;
}

/* A paid request at office `code`, then taken by `agent` up to state s. */
static int64_t request_at(const char *code, const char *agent, enum req_state s)
{
	struct request r;
	struct office o;
	struct wq_errbuf eb;
	char secret[SECRET_CODE_BYTES], ref[32];
	int already, rc = WQ_OK;
	memset(&r, 0, sizeof r);
	assert_int_equal(office_get(db, office_id(code), &o, &eb), WQ_OK);
	r.office_id = o.id;
	r.birth_commune_id = o.commune_id;
	strcpy(r.doc_type, "extract");
	r.copies = 1;
	r.fee_centimes = 2000;
	strcpy(r.record_number, "77");
	r.record_year = 1985;
	strcpy(r.first_name_ar, "زينب");
	strcpy(r.last_name_ar, "التازي");
	strcpy(r.first_name_lat, "Zineb");
	strcpy(r.last_name_lat, "Tazi");
	strcpy(r.birth_date, "1985-06-02");
	strcpy(r.phone, "0611223344");
	strcpy(r.address, "3 rue Patrice Lumumba");
	strcpy(r.postal_code, "10000");
	strcpy(r.city, "Rabat");
	assert_int_equal(request_create(db, &r, NULL, 0, secret, &eb), WQ_OK);
	snprintf(ref, sizeof ref, "MAIL-%d-%d", getpid(), ++seq);
	assert_int_equal(request_mark_paid(db, r.id, ref, 2000, &already, &eb), WQ_OK);
	struct actor a = who(agent);
	if (s >= RS_CLAIMED)
		rc = request_claim(db, &a, r.id, 0, &eb);
	if (!rc && s >= RS_IN_PRODUCTION)
		rc = request_transition(db, &a, r.id, 0, RS_IN_PRODUCTION, "", &eb);
	if (!rc && s >= RS_READY)
		rc = testlib_sign(db, &a, r.id, &eb);
	if (!rc && s >= RS_READY)
		rc = request_transition(db, &a, r.id, 0, RS_READY, "", &eb);
	if (rc)
		fail_msg("bringing a request to %s: %s", req_state_name(s), eb.msg);
	return r.id;
}

static void test_code_check_says_what_is_wrong(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	char good[14], bad[14];
	wq_s10_make("RR", 12345678, "MA", good);
	assert_int_equal(mail_code_check(good, &eb), WQ_OK);
	memcpy(bad, good, sizeof bad);
	bad[10] = bad[10] == '9' ? '0' : (char)(bad[10] + 1);
	assert_int_equal(mail_code_check(bad, &eb), WQ_EINVAL);
	assert_non_null(strstr(eb.msg, "wrong check digit"));
	char want[24];
	snprintf(want, sizeof want, "should be %c", good[10]);
	assert_non_null(strstr(eb.msg, want));
	assert_int_equal(mail_code_check("RR12345", &eb), WQ_EINVAL);
	assert_non_null(strstr(eb.msg, "13 characters"));
	assert_int_equal(mail_code_check("R1123456785MA", &eb), WQ_EINVAL);
	assert_int_equal(mail_code_check("RR1234567X5MA", &eb), WQ_EINVAL);
	/* and the write path refuses it too, leaving the request ready */
	int64_t id = request_at("RBT-HAS-1", "agent1", RS_READY);
	struct actor post = who("post1");
	assert_int_equal(mail_hand(db, &post, id, 0, bad, "pickup", &eb), WQ_EINVAL);
	assert_int_equal(get(id).state, RS_READY);
}

static void test_envelope_follows_the_request(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct envelope e;
	struct actor post = who("post1"), sup = who("supervisor1");
	char code[14];
	int64_t id = request_at("RBT-HAS-1", "agent1", RS_READY);

	/* ready: the sealed envelope exists, sealed by the agent who held it */
	assert_int_equal(mail_get(db, &sup, id, &e, &eb), WQ_OK);
	assert_int_equal(e.status, MS_SEALED);
	assert_string_equal(e.sealed_by, "agent1");
	assert_string_equal(e.code, "");
	/* picked up by the post with its code */
	wq_s10_make("RR", 40000000u + (unsigned)id, "MA", code);
	assert_int_equal(mail_hand(db, &post, id, get(id).version, code, "pickup", &eb), WQ_OK);
	assert_int_equal(mail_get(db, &post, id, &e, &eb), WQ_OK);
	assert_int_equal(e.status, MS_WITH_POST);
	assert_string_equal(e.code, code);
	assert_string_equal(e.handed_how, "pickup");
	assert_string_equal(get(id).mail_code, code); /* what the tracking page shows */
	/* the same code on another envelope is refused */
	int64_t other = request_at("RBT-HAS-1", "agent2", RS_READY);
	assert_int_equal(mail_hand(db, &post, other, 0, code, "deposit", &eb), WQ_ECONFLICT);
	/* delivered closes the item in the same transaction */
	assert_int_equal(mail_close(db, &post, id, 0, 1, "", &eb), WQ_OK);
	assert_int_equal(mail_get(db, &post, id, &e, &eb), WQ_OK);
	assert_int_equal(e.status, MS_DELIVERED);
	assert_true(e.closed_at > 0);
	/* returned needs a reason, and keeps it */
	wq_s10_make("RR", 50000000u + (unsigned)other, "MA", code);
	assert_int_equal(mail_hand(db, &sup, other, 0, code, "deposit", &eb), WQ_OK);
	assert_int_equal(mail_close(db, &post, other, 0, 0, "", &eb), WQ_EINVAL);
	assert_int_equal(mail_close(db, &post, other, 0, 0, "refused by the addressee", &eb),
			 WQ_OK);
	assert_int_equal(mail_get(db, &post, other, &e, &eb), WQ_OK);
	assert_int_equal(e.status, MS_RETURNED);
	assert_string_equal(e.reason, "refused by the addressee");
	/* a supervisor may not record the post's outcome */
	int64_t third = request_at("RBT-HAS-1", "agent1", RS_READY);
	wq_s10_make("RR", 60000000u + (unsigned)third, "MA", code);
	assert_int_equal(mail_hand(db, &post, third, 0, code, "pickup", &eb), WQ_OK);
	assert_int_equal(mail_close(db, &sup, third, 0, 1, "", &eb), WQ_EDENIED);
}

static void test_lists_and_dispatch(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor post1 = who("post1"), post2 = who("post2");
	struct envelope *rows;
	struct mail_office_count *counts;
	int n, nc;
	char code[14], path[600];
	int64_t id = request_at("RBT-AGD-1", "agent3", RS_READY);

	struct mail_filter sealed = {.statuses = MAIL_BIT(MS_SEALED)};
	assert_int_equal(mail_list(db, &post1, &sealed, &rows, &n, &eb), WQ_OK);
	int found = 0;
	for (int i = 0; i < n; i++) {
		assert_int_equal(rows[i].status, MS_SEALED);
		assert_int_equal(strncmp(rows[i].office_code, "RBT-", 4), 0); /* RABAT only */
		found |= rows[i].request_id == id;
	}
	free(rows);
	assert_true(found);
	/* post2 (KENITRA) sees none of RABAT's envelopes and cannot take this one */
	assert_int_equal(mail_list(db, &post2, &sealed, &rows, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		assert_int_equal(strncmp(rows[i].office_code, "KEN-", 4), 0);
	free(rows);
	wq_s10_make("RR", 70000000u + (unsigned)id, "MA", code);
	assert_int_equal(mail_hand(db, &post2, id, 0, code, "pickup", &eb), WQ_ENOTFOUND);
	assert_int_equal(mail_waiting_by_office(db, &post1, &counts, &nc, &eb), WQ_OK);
	assert_true(nc > 0);
	free(counts);

	/* handed today: on today's dispatch list of its office */
	assert_int_equal(mail_hand(db, &post1, id, 0, code, "pickup", &eb), WQ_OK);
	assert_int_equal(printout_dispatch(db, &post1, &cfg, office_id("RBT-AGD-1"), wq_now(),
					   &n, path, sizeof path, &eb), WQ_OK);
	assert_true(n >= 1);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char buf[8192];
	size_t len = fread(buf, 1, sizeof buf - 1, f);
	buf[len] = 0;
	fclose(f);
	assert_non_null(strstr(buf, code));
	assert_non_null(strstr(buf, "dispatch list"));
	assert_int_equal(printout_label(db, &post1, &cfg, id, path, sizeof path, &eb), WQ_OK);
	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(buf, 1, sizeof buf - 1, f);
	buf[len] = 0;
	fclose(f);
	assert_non_null(strstr(buf, code));
	assert_non_null(strstr(buf, "3 rue Patrice Lumumba"));
}

/* Every function a supervisor's keys reach, on a request of another office: not
 * found (its existence is not even confirmed), and nothing changed. */
static void test_supervisor_cannot_touch_another_office(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor sup1 = who("supervisor1"), agent3 = who("agent3"), agent1 = who("agent1");
	struct request r;
	struct envelope e;
	struct board_event *ev;
	int n;
	char path[600], code[14];
	int64_t queued = request_at("RBT-AGD-1", "agent3", RS_PAID);
	int64_t claimed = request_at("RBT-AGD-1", "agent3", RS_CLAIMED);
	int64_t ready = request_at("RBT-AGD-1", "agent3", RS_READY);
	struct request before = get(claimed);

	assert_int_equal(request_get(db, &sup1, queued, &r, &eb), WQ_ENOTFOUND);
	assert_int_equal(request_get_by_tracking(db, &sup1, before.tracking, &r, &eb),
			 WQ_ENOTFOUND);
	assert_int_equal(request_assign(db, &sup1, queued, 0, agent1.user_id, &eb), WQ_ENOTFOUND);
	assert_int_equal(request_assign(db, &sup1, claimed, 0, agent1.user_id, &eb),
			 WQ_ENOTFOUND);
	assert_int_equal(request_transition(db, &sup1, claimed, 0, RS_IN_PRODUCTION, "", &eb),
			 WQ_ENOTFOUND);
	assert_int_equal(request_transition(db, &sup1, queued, 0, RS_REJECTED, "x", &eb),
			 WQ_ENOTFOUND);
	assert_int_equal(request_reassign(db, &sup1, queued, 0, office_id("RBT-HAS-1"), "mine",
					  &eb), WQ_ENOTFOUND);
	wq_s10_make("RR", 80000000u + (unsigned)ready, "MA", code);
	assert_int_equal(mail_hand(db, &sup1, ready, 0, code, "deposit", &eb), WQ_ENOTFOUND);
	assert_int_equal(mail_get(db, &sup1, ready, &e, &eb), WQ_ENOTFOUND);
	assert_int_equal(board_history(db, &sup1, claimed, &ev, &n, &eb), WQ_ENOTFOUND);
	assert_int_equal(printout_sheet(db, &sup1, &cfg, claimed, path, sizeof path, &eb),
			 WQ_ENOTFOUND);
	assert_int_equal(printout_label(db, &sup1, &cfg, ready, path, sizeof path, &eb),
			 WQ_ENOTFOUND);
	struct request after = get(claimed);
	assert_int_equal(after.version, before.version);
	assert_int_equal(after.state, RS_CLAIMED);
	assert_int_equal(get(queued).office_id, office_id("RBT-AGD-1"));
	assert_int_equal(get(ready).state, RS_READY);
	/* and his own request cannot go to another office's agent */
	int64_t mine = request_at("RBT-HAS-1", "agent1", RS_PAID);
	assert_int_equal(request_assign(db, &sup1, mine, 0, agent3.user_id, &eb), WQ_EINVAL);
	assert_int_equal(request_assign(db, &sup1, mine, 0, agent1.user_id, &eb), WQ_OK);
	assert_string_equal(get(mine).agent_name, "agent1");
	/* an agent may not assign */
	int64_t another = request_at("RBT-HAS-1", "agent1", RS_PAID);
	assert_int_equal(request_assign(db, &agent1, another, 0, agent1.user_id, &eb),
			 WQ_EDENIED);
}

static void test_board_counts_and_loads(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor sup1 = who("supervisor1");
	struct board_counts c;
	struct agent_load *loads;
	int n, want;
	assert_int_equal(board_counts(db, &sup1, wq_now() - 3 * 86400, &c, &eb), WQ_OK);
	for (enum req_state s = RS_PAID; s <= RS_WITH_POST; s++) {
		struct request_filter f = {.states = STATE_BIT(s)};
		assert_int_equal(request_count(db, &sup1, &f, &want, &eb), WQ_OK);
		assert_int_equal(c.stage[s], want);
	}
	assert_int_equal(board_agent_loads(db, &sup1, wq_now() - 3 * 86400, &loads, &n, &eb),
			 WQ_OK);
	assert_int_equal(n, 2); /* agent1 and agent2 */
	assert_string_equal(loads[0].username, "agent1");
	struct request_filter f = {.states = STATE_BIT(RS_CLAIMED), .agent_id = loads[0].user_id};
	assert_int_equal(request_count(db, &sup1, &f, &want, &eb), WQ_OK);
	assert_int_equal(loads[0].claimed, want);
	free(loads);
}

static void test_relayed_office_history(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor sup1 = who("supervisor1"), sup2 = who("supervisor2");
	struct board_event *ev;
	int n, seen = 0;
	char line[1200], path[600];
	/* a request of RBT-HAS-3 (low activity, relayed by RBT-HAS-1) worked at RBT-HAS-1 */
	int64_t id = request_at("RBT-HAS-3", "agent1", RS_IN_PRODUCTION);
	assert_int_equal(testlib_sign(db, &sup1, id, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &sup1, id, 0, RS_READY, "", &eb), WQ_OK);
	assert_int_equal(board_history(db, &sup1, id, &ev, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++) {
		history_who(&ev[i], line, sizeof line); /* English: no session language */
		if (ev[i].to == RS_IN_PRODUCTION)
			seen |= !!strstr(line, "recorded by agent1 at RBT-HAS-1 for RBT-HAS-3");
		if (ev[i].to == RS_READY)
			seen |= 2 * !!strstr(line, "recorded by supervisor1 at RBT-HAS-1 for RBT-HAS-3");
	}
	free(ev);
	assert_int_equal(seen, 3);
	/* its sheet is headed for the fax */
	assert_int_equal(printout_sheet(db, &sup1, &cfg, id, path, sizeof path, &eb), WQ_OK);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char buf[8192];
	size_t len = fread(buf, 1, sizeof buf - 1, f);
	buf[len] = 0;
	fclose(f);
	assert_non_null(strstr(buf, "BY FAX"));
	assert_non_null(strstr(buf, "for RBT-HAS-3"));
	/* another office's supervisor does not see it */
	assert_int_equal(board_history(db, &sup2, id, &ev, &n, &eb), WQ_ENOTFOUND);
}

static void test_tracking_answer_parsing(void **state)
{
	(void)state;
	struct track_status t;
	struct wq_errbuf eb;
	assert_int_equal(post_track_parse("{\"code\":\"RR123456785MA\",\"status\":\"delivered\","
					  "\"at\":1767225600}", &t, &eb), WQ_OK);
	assert_string_equal(t.code, "RR123456785MA");
	assert_string_equal(t.status, "delivered");
	assert_int_equal(t.at, 1767225600);
	assert_int_equal(post_track_parse("{ \"status\" : \"returned\", \"code\": \"X\","
					  " \"reason\": \"refused \\\"no\\\"\" }", &t, &eb), WQ_OK);
	assert_string_equal(t.reason, "refused \"no\"");
	assert_int_equal(post_track_parse("{\"code\":\"X\",\"status\":\"lost\"}", &t, &eb),
			 WQ_EGATEWAY);
	assert_int_equal(post_track_parse("<html>502</html>", &t, &eb), WQ_EGATEWAY);
	/* nobody listens on port 1: a gateway error, not a crash or a hang */
	assert_int_equal(post_track_fetch("http://127.0.0.1:1/post", "RR123456785MA", &t, &eb),
			 WQ_EGATEWAY);
	assert_int_equal(post_track_fetch("http://127.0.0.1:1/post", "../etc", &t, &eb),
			 WQ_EINVAL);
}

int main(void)
{
	/* printouts go to the group's own WATIQA_PRINT_DIR */
	static const struct fixture fx = {"mail", 0, .prints = 1};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_check_says_what_is_wrong),
		cmocka_unit_test(test_envelope_follows_the_request),
		cmocka_unit_test(test_lists_and_dispatch),
		cmocka_unit_test(test_supervisor_cannot_touch_another_office),
		cmocka_unit_test(test_board_counts_and_loads),
		cmocka_unit_test(test_relayed_office_history),
		cmocka_unit_test(test_tracking_answer_parsing),
	};
	return fixture_run_group(&fx, tests);
}
