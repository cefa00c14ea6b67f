/* test_lifecycle.c - the transition table against a real SQLite file: every allowed
 * transition, every forbidden one (wrong role, wrong state, out of scope, not one's own
 * claim, missing reason, stale version), reassignment, payment idempotence, the hash
 * chain, and two processes racing to claim the same request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "demo.h"
#include "office.h"
#include "request.h"
#include "serve.h"
#include "user.h"
#include "util.h"

#include "fixture.h"
#include "testlib.h"

static int64_t home_office; /* RBT-HAS-1, agent1's office */
static int pay_seq;

static struct actor who(const char *name)
{
	return testlib_who(db, name);
}

static int ready(void)
{
	struct wq_errbuf eb;
	struct office o;
	if (office_get_by_code(db, "RBT-HAS-1", &o, &eb))
		fail_msg("office: %s", eb.msg);
	home_office = o.id;
	return 0;
}

/* A new request at agent1's office, unpaid. */
static int64_t new_request(void)
{
	struct request r;
	struct office o;
	struct wq_errbuf eb;
	char secret[SECRET_CODE_BYTES];
	memset(&r, 0, sizeof r);
	assert_int_equal(office_get(db, home_office, &o, &eb), WQ_OK);
	r.office_id = home_office;
	r.birth_commune_id = o.commune_id;
	strcpy(r.doc_type, "extract");
	r.copies = 1;
	r.fee_centimes = 2000;
	strcpy(r.record_number, "123");
	r.record_year = 1990;
	strcpy(r.first_name_ar, "محمد");
	strcpy(r.last_name_ar, "العلوي");
	strcpy(r.first_name_lat, "Mohammed");
	strcpy(r.last_name_lat, "Alaoui");
	strcpy(r.birth_date, "1990-03-14");
	strcpy(r.phone, "0612345678");
	strcpy(r.address, "12 rue Oued Sebou");
	strcpy(r.postal_code, "10000");
	strcpy(r.city, "Rabat");
	int rc = request_create(db, &r, NULL, 0, secret, &eb);
	if (rc)
		fail_msg("create: %s", eb.msg);
	assert_true(wq_tracking_valid(r.tracking));
	return r.id;
}

static struct request get(int64_t id)
{
	struct request r;
	struct wq_errbuf eb;
	struct actor sys = who("system");
	assert_int_equal(request_get(db, &sys, id, &r, &eb), WQ_OK);
	return r;
}

/* Walks a new request along the main path until it is in state s. */
static int64_t request_in(enum req_state s)
{
	struct wq_errbuf eb;
	struct actor agent = who("agent1"), post = who("post1"), officer = who("officer1");
	int64_t id = new_request();
	int already, rc = WQ_OK;
	char ref[32], code[14];
	if (s == RS_PENDING_PAYMENT)
		return id;
	if (s == RS_EXPIRED) {
		setenv("WATIQA_FAKE_NOW", "4102444800", 1); /* far future: everything expires */
		int n;
		rc = request_expire_unpaid(db, PAYMENT_EXPIRY_SECONDS, &n, &eb);
		unsetenv("WATIQA_FAKE_NOW");
		assert_int_equal(rc, WQ_OK);
		assert_int_equal(get(id).state, RS_EXPIRED);
		return id;
	}
	snprintf(ref, sizeof ref, "T-%d-%d", getpid(), ++pay_seq);
	assert_int_equal(request_mark_paid(db, id, ref, 2000, &already, &eb), WQ_OK);
	if (s == RS_PAID)
		return id;
	if (s == RS_CANCELLED) {
		assert_int_equal(request_cancel_citizen(db, id, &eb), WQ_OK);
		assert_int_equal(get(id).state, RS_CANCELLED);
		return id;
	}
	if (s == RS_REJECTED)
		rc = request_transition(db, &agent, id, 0, RS_REJECTED, "record not found", &eb);
	else
		rc = request_claim(db, &agent, id, 0, &eb);
	if (rc || s == RS_CLAIMED || s == RS_REJECTED)
		goto out;
	if ((rc = request_transition(db, &agent, id, 0, RS_IN_PRODUCTION, "", &eb)) ||
	    s == RS_IN_PRODUCTION)
		goto out;
	if ((rc = request_transition(db, &agent, id, 0, RS_AWAITING_SIGNATURE, "", &eb)) ||
	    s == RS_AWAITING_SIGNATURE)
		goto out;
	if ((rc = request_transition(db, &officer, id, 0, RS_SIGNED, "", &eb)) || s == RS_SIGNED)
		goto out;
	if ((rc = request_transition(db, &agent, id, 0, RS_READY, "", &eb)) || s == RS_READY)
		goto out;
	wq_s10_make("RR", (unsigned)(id * 31 + pay_seq), "MA", code);
	if ((rc = request_hand_to_post(db, &agent, id, 0, code, "deposit", &eb)) ||
	    s == RS_WITH_POST)
		goto out;
	rc = request_transition(db, &post, id, 0, s == RS_DELIVERED ? s : RS_RETURNED,
				"addressee moved", &eb);
	/* back from the post: the citizen's choice */
	if (!rc && (s == RS_TO_COLLECT || s == RS_DESTROYED))
		rc = request_returned_choice(db, id, s == RS_TO_COLLECT ? "collect" : "refund",
					     &eb);
out:
	if (rc)
		fail_msg("bringing a request to %s: %s", req_state_name(s), eb.msg);
	assert_int_equal(get(id).state, s);
	return id;
}

/* The actor of a role allowed by the row, for a request at agent1's office. */
static const char *actor_for(unsigned roles)
{
	if (roles & ROLE_BIT(ROLE_AGENT))
		return "agent1";
	if (roles & ROLE_BIT(ROLE_POST))
		return "post1";
	if (roles & ROLE_BIT(ROLE_OFFICER))
		return "officer1";
	if (roles & ROLE_BIT(ROLE_CITIZEN))
		return "citizen";
	return "system";
}

static int move(const struct actor *a, int64_t id, enum req_state to, const char *note,
		struct wq_errbuf *eb)
{
	struct request r = get(id);
	/* the citizen's one door: known by the secret code, no scope */
	if (to == RS_CANCELLED && a->role == ROLE_CITIZEN)
		return request_cancel_citizen(db, id, eb);
	if ((to == RS_TO_COLLECT || to == RS_DESTROYED) && a->role == ROLE_CITIZEN)
		return request_returned_choice(db, id, to == RS_TO_COLLECT ? "collect" : "refund",
					       eb);
	if (to == RS_WITH_POST) {
		char code[14];
		wq_s10_make("RR", (unsigned)(id * 97 + ++pay_seq), "MA", code);
		return request_hand_to_post(db, a, id, r.version, code, "pickup", eb);
	}
	if (r.state == RS_PENDING_PAYMENT || r.state == RS_EXPIRED) {
		if (to != RS_PAID || a->role != ROLE_SYSTEM)
			return request_transition(db, a, id, r.version, to, note, eb);
		char ref[32];
		int already;
		snprintf(ref, sizeof ref, "M-%d-%d", getpid(), ++pay_seq);
		return request_mark_paid(db, id, ref, 2000, &already, eb);
	}
	return request_transition(db, a, id, r.version, to, note, eb);
}

static void test_every_allowed_transition(void **state)
{
	(void)state;
	for (int i = 0; i < transitions_count; i++) {
		const struct transition *t = &transitions[i];
		int64_t id = request_in(t->from);
		struct actor a = who(actor_for(t->roles));
		struct wq_errbuf eb;
		int rc = move(&a, id, t->to, "a reason", &eb);
		if (rc)
			fail_msg("%s -> %s by %s: %s", req_state_name(t->from), req_state_name(t->to),
				 a.username, eb.msg);
		struct request r = get(id);
		assert_int_equal(r.state, t->to);
		struct req_event *ev;
		int n;
		struct actor sys = who("system");
		assert_int_equal(request_history(db, &sys, id, &ev, &n, &eb), WQ_OK);
		assert_int_equal(ev[n - 1].to, t->to);
		assert_int_equal(ev[n - 1].from, t->from);
		free(ev);
	}
}

static void test_every_wrong_role_is_denied(void **state)
{
	(void)state;
	static const char *const everyone[] = {"agent1", "supervisor1", "inspector1", "support1",
					       "finance1", "treasury1", "admin1", "post1",
					       "officer1", "system", "citizen"};
	for (int i = 0; i < transitions_count; i++) {
		const struct transition *t = &transitions[i];
		int64_t id = request_in(t->from);
		for (size_t k = 0; k < sizeof everyone / sizeof everyone[0]; k++) {
			struct actor a = who(everyone[k]);
			if (t->roles & ROLE_BIT(a.role))
				continue;
			struct request before = get(id);
			struct wq_errbuf eb;
			int rc = move(&a, id, t->to, "a reason", &eb);
			if (rc != WQ_EDENIED && rc != WQ_ENOTFOUND)
				fail_msg("%s did %s -> %s: rc %d %s", a.username,
					 req_state_name(t->from), req_state_name(t->to), rc, eb.msg);
			struct request after = get(id);
			assert_int_equal(after.version, before.version);
			assert_int_equal(after.state, before.state);
		}
	}
}

static void test_every_wrong_state_is_refused(void **state)
{
	(void)state;
	for (int from = 0; from < RS_COUNT; from++) {
		int64_t id = request_in(from);
		for (int to = 0; to < RS_COUNT; to++) {
			if (lifecycle_find(from, to))
				continue;
			/* try with every role that may reach `to` from somewhere */
			for (int i = 0; i < transitions_count; i++) {
				if (transitions[i].to != to)
					continue;
				struct actor a = who(actor_for(transitions[i].roles));
				struct request before = get(id);
				struct wq_errbuf eb;
				int rc = move(&a, id, to, "a reason", &eb);
				if (rc == WQ_OK)
					fail_msg("%s moved %s -> %s", a.username,
						 req_state_name(from), req_state_name(to));
				assert_int_equal(get(id).version, before.version);
			}
		}
	}
}

static void test_out_of_scope_is_invisible(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct request r;
	int64_t queued = request_in(RS_PAID), ready = request_in(RS_READY);
	struct actor other_agent = who("agent3"), other_post = who("post2"),
		     other_inspector = who("inspector2"), other_finance = who("finance2");
	assert_int_equal(request_get(db, &other_agent, queued, &r, &eb), WQ_ENOTFOUND);
	assert_int_equal(request_claim(db, &other_agent, queued, 0, &eb), WQ_ENOTFOUND);
	assert_int_equal(request_reassign(db, &other_agent, queued, 0, home_office, "x", &eb),
			 WQ_ENOTFOUND);
	assert_int_equal(request_get(db, &other_inspector, queued, &r, &eb), WQ_ENOTFOUND);
	assert_int_equal(request_get(db, &other_finance, queued, &r, &eb), WQ_ENOTFOUND);
	char code[14];
	wq_s10_make("RR", 424242u, "MA", code);
	assert_int_equal(request_hand_to_post(db, &other_post, ready, 0, code, "pickup", &eb),
			 WQ_ENOTFOUND);
	assert_int_equal(get(queued).state, RS_PAID);
	assert_int_equal(get(ready).state, RS_READY);
	/* the lists never show it either */
	struct request_filter f = {.states = STATE_BIT(RS_PAID), .limit = 1000};
	struct request *rows;
	int n;
	assert_int_equal(request_list(db, &other_agent, &f, &rows, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		assert_int_not_equal(rows[i].office_id, home_office);
	free(rows);
	struct actor mine = who("agent1");
	assert_int_equal(request_list(db, &mine, &f, &rows, &n, &eb), WQ_OK);
	assert_true(n > 0);
	free(rows);
}

static void test_only_own_claim_and_reasons(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor agent2 = who("agent2"), sup = who("supervisor1");
	int64_t id = request_in(RS_CLAIMED);
	assert_int_equal(request_transition(db, &agent2, id, 0, RS_IN_PRODUCTION, "", &eb),
			 WQ_EDENIED);
	assert_non_null(strstr(eb.msg, "claimed"));
	/* the supervisor may act on any request of the office */
	assert_int_equal(request_transition(db, &sup, id, 0, RS_IN_PRODUCTION, "", &eb), WQ_OK);
	assert_int_equal(request_transition(db, &sup, id, 0, RS_REJECTED, "", &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "reason");
	assert_int_equal(get(id).state, RS_IN_PRODUCTION);
}

static void test_rejection_owes_a_refund(void **state)
{
	(void)state;
	int64_t id = request_in(RS_REJECTED);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db),
					    "SELECT status FROM payments WHERE request_id = ?", -1,
					    &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "refund_owed");
	sqlite3_finalize(st);
}

static void test_stale_version_conflicts(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor agent = who("agent1");
	int64_t id = request_in(RS_PAID);
	int64_t v = get(id).version;
	assert_int_equal(request_claim(db, &agent, id, v, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &agent, id, v, RS_PAID, "", &eb), WQ_ECONFLICT);
	assert_int_equal(get(id).state, RS_CLAIMED);
}

static void test_reassign_moves_to_other_queue(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor agent = who("agent1"), agent3 = who("agent3");
	struct office other;
	struct request r;
	int64_t id = request_in(RS_CLAIMED);
	assert_int_equal(office_get_by_code(db, "RBT-AGD-1", &other, &eb), WQ_OK);
	assert_int_equal(request_reassign(db, &agent, id, 0, other.id, "", &eb), WQ_EINVAL);
	assert_int_equal(request_reassign(db, &agent, id, 0, other.id, "born in Agdal", &eb),
			 WQ_OK);
	r = get(id);
	assert_int_equal(r.state, RS_PAID);
	assert_int_equal(r.office_id, other.id);
	assert_int_equal(r.agent_id, 0);
	assert_int_equal(request_get(db, &agent, id, &r, &eb), WQ_ENOTFOUND);
	assert_int_equal(request_claim(db, &agent3, id, 0, &eb), WQ_OK);
}

static void test_payment_is_idempotent(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	int already;
	int64_t id = new_request();
	assert_int_equal(request_mark_paid(db, id, "IDEM-1", 1999, &already, &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "amount");
	assert_int_equal(get(id).state, RS_PENDING_PAYMENT);
	assert_int_equal(request_mark_paid(db, id, "IDEM-1", 2000, &already, &eb), WQ_OK);
	assert_int_equal(already, 0);
	int64_t v = get(id).version;
	assert_int_equal(request_mark_paid(db, id, "IDEM-1", 2000, &already, &eb), WQ_OK);
	assert_int_equal(already, 1);
	assert_int_equal(get(id).version, v);
	/* the same reference cannot pay for another request */
	int64_t other = new_request();
	assert_int_equal(request_mark_paid(db, other, "IDEM-1", 2000, &already, &eb), WQ_EINVAL);
	assert_int_equal(get(other).state, RS_PENDING_PAYMENT);
}

static void test_history_is_append_only_and_chained(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	int64_t bad_ev, bad_audit;
	request_in(RS_DELIVERED);
	assert_int_equal(audit_verify(db, &bad_ev, &bad_audit, &eb), WQ_OK);
	assert_int_equal(bad_ev, 0);
	assert_int_equal(bad_audit, 0);
	sqlite3 *raw = db_handle(db);
	assert_int_not_equal(sqlite3_exec(raw, "UPDATE request_events SET note = 'x'", 0, 0, 0),
			     SQLITE_OK);
	/* someone with the file removes the trigger and edits the past: verify finds it */
	assert_int_equal(sqlite3_exec(raw, "DROP TRIGGER request_events_no_update;"
				      "UPDATE request_events SET note = 'edited' WHERE id = 3;",
				      0, 0, 0),
			 SQLITE_OK);
	assert_int_equal(audit_verify(db, &bad_ev, &bad_audit, &eb), WQ_OK);
	assert_int_equal(bad_ev, 3);
}

/* Two processes, each with its own connection, claim the same request at once. */
static void test_two_processes_race_to_claim(void **state)
{
	(void)state;
	int64_t id = request_in(RS_PAID);
	int go[2], results[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(results), 0);
	pid_t pids[2];
	const char *names[2] = {"agent1", "agent2"};
	for (int k = 0; k < 2; k++) {
		pids[k] = fork();
		assert_true(pids[k] >= 0);
		if (pids[k] == 0) {
			struct db *mine;
			struct wq_errbuf eb;
			struct actor a;
			char buf[300], c;
			close(go[1]);
			if (db_open(db_path, &mine, &eb) || user_actor(mine, names[k], &a, &eb))
				_exit(100);
			if (read(go[0], &c, 1) != 0) /* wait until the parent closes the pipe */
				_exit(101);
			int rc = request_claim(mine, &a, id, 0, &eb);
			int len = snprintf(buf, sizeof buf, "%d %s\n", rc, rc ? eb.msg : names[k]);
			if (write(results[1], buf, (size_t)len) != len)
				_exit(102);
			db_close(mine);
			_exit(rc == WQ_OK ? 0 : rc == WQ_ECONFLICT ? 1 : 103);
		}
	}
	close(go[0]);
	close(results[1]);
	usleep(100000);
	close(go[1]); /* both start now */
	int wins = 0, losses = 0;
	for (int k = 0; k < 2; k++) {
		int status;
		assert_int_equal(waitpid(pids[k], &status, 0), pids[k]);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 0)
			wins++;
		else if (WEXITSTATUS(status) == 1)
			losses++;
		else
			fail_msg("child %d exited %d", k, WEXITSTATUS(status));
	}
	char out[700] = "";
	ssize_t got = read(results[0], out, sizeof out - 1);
	close(results[0]);
	assert_true(got > 0);
	out[got] = 0;
	assert_int_equal(wins, 1);
	assert_int_equal(losses, 1);
	struct request r = get(id);
	assert_int_equal(r.state, RS_CLAIMED);
	char expect[80];
	snprintf(expect, sizeof expect, "already claimed by %s", r.agent_name);
	if (!strstr(out, expect))
		fail_msg("loser's message should say '%s'; got: %s", expect, out);
}

int main(void)
{
	static const struct fixture fx = {"lifecycle", 0, .ready = ready};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allowed_transition),
		cmocka_unit_test(test_every_wrong_role_is_denied),
		cmocka_unit_test(test_every_wrong_state_is_refused),
		cmocka_unit_test(test_out_of_scope_is_invisible),
		cmocka_unit_test(test_only_own_claim_and_reasons),
		cmocka_unit_test(test_rejection_owes_a_refund),
		cmocka_unit_test(test_stale_version_conflicts),
		cmocka_unit_test(test_reassign_moves_to_other_queue),
		cmocka_unit_test(test_payment_is_idempotent),
		cmocka_unit_test(test_two_processes_race_to_claim),
		cmocka_unit_test(test_history_is_append_only_and_chained),
	};
	return fixture_run_group(&fx, tests);
}
