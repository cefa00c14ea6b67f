/* test_isolation.c - one table: for each role, every action its screens and the web API
 * offer through the data layer, tried on a request, complaint, envelope, commune or
 * account outside the actor's scope (or beyond the role).  Each row must be refused
 * (any error code, or a read that returns nothing of the target) and leave every table
 * as it was, bar the audit log, where a refusal may be recorded.  The targets live in
 * another office of the same commune's province (RBT-AGD-1, agent3's), and in another
 * province (KENITRA), built by in-scope actors before the table runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "complaint_desk.h"
#include "config.h"
#include "demo.h"
#include "finance.h"
#include "mail.h"
#include "office.h"
#include "request.h"
#include "search.h"
#include "serve.h"
#include "user.h"
#include "util.h"

static char db_path[64];
static struct db *db;
static int pay_seq;

/* the targets, all out of the scope of the actors in the table */
static struct {
	int64_t paid, claimed, inprod, ready;	  /* at RBT-AGD-1 (agent3) */
	char paid_tracking[16];
	int64_t ken_ready, ken_withpost;	  /* at KEN-KEN-1, province KENITRA */
	int64_t ken_complaint;			  /* on ken_withpost */
	int64_t home_paid;			  /* at RBT-HAS-1: agent1's own office */
	int64_t agdal_commune, agd_office, has_office;
	int64_t agent3_id;
} tg;

static struct actor who(const char *name)
{
	struct actor a;
	struct wq_errbuf eb = {0};
	if (!strcmp(name, "system")) {
		actor_system(&a);
		return a;
	}
	if (user_actor(db, name, &a, &eb))
		fail_msg("no actor %s: %s", name, eb.msg);
	return a;
}

static int64_t office_id(const char *code)
{
	struct office o;
	struct wq_errbuf eb = {0};
	if (office_get_by_code(db, code, &o, &eb))
		fail_msg("office %s: %s", code, eb.msg);
	return o.id;
}

/* A paid request at an office, moved along by `by` to `to`. */
static int64_t request_at(const char *office_code, const char *by, enum req_state to)
{
	struct request r;
	struct office o;
	struct wq_errbuf eb = {0};
	char secret[SECRET_CODE_BYTES], ref[32];
	int already;
	memset(&r, 0, sizeof r);
	assert_int_equal(office_get_by_code(db, office_code, &o, &eb), WQ_OK);
	r.office_id = o.id;
	r.birth_commune_id = o.commune_id;
	strcpy(r.doc_type, "extract");
	r.copies = 1;
	r.fee_centimes = 2000;
	strcpy(r.record_number, "321");
	r.record_year = 1988;
	strcpy(r.first_name_ar, "زينب");
	strcpy(r.last_name_ar, "التازي");
	strcpy(r.first_name_lat, "Zineb");
	strcpy(r.last_name_lat, "Isolatedname");
	strcpy(r.birth_date, "1988-02-11");
	strcpy(r.phone, "0611223344");
	strcpy(r.address, "5 impasse Al Amal");
	strcpy(r.postal_code, "10000");
	strcpy(r.city, "Rabat");
	if (request_create(db, &r, secret, &eb))
		fail_msg("create: %s", eb.msg);
	snprintf(ref, sizeof ref, "ISO-%d", ++pay_seq);
	if (request_mark_paid(db, r.id, ref, r.fee_centimes, &already, &eb))
		fail_msg("pay: %s", eb.msg);
	struct actor a = who(by);
	static const enum req_state path[] = {RS_CLAIMED, RS_IN_PRODUCTION, RS_READY};
	for (size_t i = 0; i < sizeof path / sizeof path[0] && path[i] <= to; i++)
		if (request_transition(db, &a, r.id, 0, path[i], "", &eb))
			fail_msg("%s -> %s: %s", by, req_state_name(path[i]), eb.msg);
	if (to >= RS_WITH_POST) {
		char code[14];
		wq_s10_make("RR", 10000000u + (unsigned)pay_seq, "MA", code);
		if (request_hand_to_post(db, &a, r.id, 0, code, "pickup", &eb))
			fail_msg("hand to post: %s", eb.msg);
	}
	return r.id;
}

static int setup(void **state)
{
	(void)state;
	struct config cfg;
	struct wq_errbuf eb = {0};
	int loaded;
	snprintf(db_path, sizeof db_path, "/tmp/wq-test-isolation-%d.db", getpid());
	unlink(db_path);
	config_defaults(&cfg);
	wq_strlcpy(cfg.db_path, db_path, sizeof cfg.db_path);
	if (serve_open_db(&cfg, &db, NULL, &eb))
		fail_msg("open: %s", eb.msg);
	if (demo_load(db, 0, &loaded, &eb) || !loaded)
		fail_msg("demo: %s", eb.msg);
	struct actor sys = who("system");
	if (user_add(db, &sys, "agentken", "Agent Kenitra", ROLE_AGENT, "KEN-KEN-1",
		     "watiqa-demo", NULL, &eb))
		fail_msg("agentken: %s", eb.msg);
	tg.agd_office = office_id("RBT-AGD-1");
	tg.has_office = office_id("RBT-HAS-1");
	struct office o;
	office_get(db, tg.agd_office, &o, &eb);
	tg.agdal_commune = o.commune_id;
	tg.paid = request_at("RBT-AGD-1", "agent3", RS_PAID);
	tg.claimed = request_at("RBT-AGD-1", "agent3", RS_CLAIMED);
	tg.inprod = request_at("RBT-AGD-1", "agent3", RS_IN_PRODUCTION);
	tg.ready = request_at("RBT-AGD-1", "agent3", RS_READY);
	tg.ken_ready = request_at("KEN-KEN-1", "agentken", RS_READY);
	tg.ken_withpost = request_at("KEN-KEN-1", "agentken", RS_WITH_POST);
	tg.home_paid = request_at("RBT-HAS-1", "agent1", RS_PAID);
	struct request r;
	if (request_get(db, &sys, tg.paid, &r, &eb))
		fail_msg("get: %s", eb.msg);
	wq_strlcpy(tg.paid_tracking, r.tracking, sizeof tg.paid_tracking);
	struct actor insp2 = who("inspector2");
	if (complaint_desk_open(db, &insp2, tg.ken_withpost, "rien reçu", &tg.ken_complaint, &eb))
		fail_msg("complaint: %s", eb.msg);
	tg.agent3_id = who("agent3").user_id;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char path[80];
	db_close(db);
	unlink(db_path);
	snprintf(path, sizeof path, "%s-wal", db_path);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", db_path);
	unlink(path);
	return 0;
}

/* Everything but the audit log, as one string: any write shows. */
static char *fingerprint(void)
{
	static const char sql[] =
		"SELECT (SELECT group_concat(id || state || version || coalesce(agent_id, '-') ||"
		" office_id, ',') FROM requests) || '|' || (SELECT count(*) || max(id) FROM"
		" request_events) || '|' || (SELECT count(*) || group_concat(status || coalesce("
		"code, '')) FROM mail_items) || '|' || (SELECT count(*) || group_concat(state ||"
		" version || coalesce(inspector_id, '-') || answer) FROM complaints) || '|' ||"
		" (SELECT count(*) FROM payments) || '|' || (SELECT count(*) FROM settlements) ||"
		" '|' || (SELECT count(*) FROM request_notes) || '|' || (SELECT group_concat("
		"username || role || scope_id || disabled || password_hash) FROM users) || '|' ||"
		" (SELECT count(*) FROM outbox)";
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *s = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return s;
}

/* ---- the actions: each returns WQ_OK when the actor got what it asked ---- */
struct row;
typedef int (*action_fn)(const struct actor *a, const struct row *r, struct wq_errbuf *eb);
struct row {
	const char *actor, *what;
	action_fn run;
	int64_t *target;
};

#define ROWS_READ_EMPTY 1000 /* a read that answered but returned nothing of the target */

static int do_get(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	struct request q;
	return request_get(db, a, *r->target, &q, eb);
}
static int do_get_tracking(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	(void)r;
	struct request q;
	return request_get_by_tracking(db, a, tg.paid_tracking, &q, eb);
}
static int do_history(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	struct req_event *ev = NULL;
	int n = 0, rc = request_history(db, a, *r->target, &ev, &n, eb);
	free(ev);
	return rc ? rc : n ? WQ_OK : ROWS_READ_EMPTY;
}
static int do_board_history(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	struct board_event *ev = NULL;
	int n = 0, rc = board_history(db, a, *r->target, &ev, &n, eb);
	free(ev);
	return rc ? rc : n ? WQ_OK : ROWS_READ_EMPTY;
}
static int do_list_all(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	struct request_filter f = {.limit = 1000};
	struct request *rows = NULL;
	int n = 0, rc = request_list(db, a, &f, &rows, &n, eb);
	int seen = 0;
	for (int i = 0; i < n; i++)
		seen |= rows[i].id == *r->target;
	free(rows);
	return rc ? rc : seen ? WQ_OK : ROWS_READ_EMPTY;
}
static int do_search(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	(void)r;
	struct search_result res;
	int rc = search_requests(db, a, SEARCH_NAME, "Isolatedname", &res, eb);
	if (rc)
		return rc;
	int seen = 0;
	for (int i = 0; i < res.n; i++) {
		struct request q;
		struct actor sys = who("system");
		if (!request_get(db, &sys, res.hits[i].id, &q, NULL) && q.office_id != a->scope_id &&
		    a->scope == SCOPE_OFFICE)
			seen = 1;
	}
	search_result_free(&res);
	return seen ? WQ_OK : ROWS_READ_EMPTY;
}
static int do_payments(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	struct search_payment *p = NULL;
	int n = 0, rc = search_payments(db, a, *r->target, &p, &n, eb);
	free(p);
	return rc ? rc : n ? WQ_OK : ROWS_READ_EMPTY;
}
static int do_note(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return search_note_add(db, a, *r->target, "out of scope note", eb);
}
static int do_mail_get(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	struct envelope e;
	return mail_get(db, a, *r->target, &e, eb);
}
static int do_claim(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return request_claim(db, a, *r->target, 0, eb);
}
static int do_start(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return request_transition(db, a, *r->target, 0, RS_IN_PRODUCTION, "", eb);
}
static int do_seal(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return request_transition(db, a, *r->target, 0, RS_READY, "", eb);
}
static int do_release(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return request_transition(db, a, *r->target, 0, RS_PAID, "", eb);
}
static int do_reject(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return request_transition(db, a, *r->target, 0, RS_REJECTED, "record not found", eb);
}
static int do_assign_me(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return request_assign(db, a, *r->target, 0, who("agent1").user_id, eb);
}
static int do_assign_foreign(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return request_assign(db, a, *r->target, 0, tg.agent3_id, eb);
}
static int do_reassign_home(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return request_reassign(db, a, *r->target, 0, tg.has_office, "take it", eb);
}
static int do_hand(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	char code[14];
	wq_s10_make("RR", 20000000u + (unsigned)*r->target, "MA", code);
	return request_hand_to_post(db, a, *r->target, 0, code, "pickup", eb);
}
static int do_mail_hand(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	char code[14];
	wq_s10_make("RR", 30000000u + (unsigned)*r->target, "MA", code);
	return mail_hand(db, a, *r->target, 0, code, "deposit", eb);
}
static int do_mail_deliver(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return mail_close(db, a, *r->target, 0, 1, "", eb);
}
static int do_mail_return(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return mail_close(db, a, *r->target, 0, 0, "address unknown", eb);
}
static int do_cd_get(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	struct cd_complaint c;
	return complaint_desk_get(db, a, *r->target, &c, eb);
}
static int do_cd_take(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return complaint_desk_take(db, a, *r->target, 0, eb);
}
static int do_cd_answer(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return complaint_desk_answer(db, a, *r->target, 0, "done", eb);
}
static int do_cd_resolve(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return complaint_desk_resolve(db, a, *r->target, 0, eb);
}
static int do_cd_escalate(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	return complaint_desk_escalate(db, a, *r->target, 0, "up", eb);
}
static int do_cd_open(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	int64_t id;
	return complaint_desk_open(db, a, *r->target, "opened out of scope", &id, eb);
}
static int do_cd_for_request(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	struct cd_complaint *c = NULL;
	int n = 0, rc = complaint_desk_for_request(db, a, *r->target, &c, &n, eb);
	free(c);
	return rc ? rc : n ? WQ_OK : ROWS_READ_EMPTY;
}
static int do_fin_payments(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	struct fin_period p = {0, wq_now() + 86400};
	struct fin_payment *rows = NULL;
	int n = 0, rc = finance_payments(db, a, *r->target, &p, &rows, &n, eb);
	free(rows);
	return rc ? rc : n ? WQ_OK : ROWS_READ_EMPTY;
}
static int do_fin_summary(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	struct fin_period p = {0, wq_now() + 86400};
	struct fin_summary s;
	int rc = finance_summary(db, a, *r->target, &p, &s, eb);
	return rc ? rc : s.collected_count ? WQ_OK : ROWS_READ_EMPTY;
}
static int do_treasury_build(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	(void)r;
	struct fin_period p = {0, wq_now() + 86400};
	int batches, items;
	int64_t total;
	return treasury_build(db, a, &p, 0, &batches, &items, &total, eb);
}
static int do_disable(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	(void)r;
	return user_set_disabled(db, a, "agent3", 1, eb);
}
static int do_passwd(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	(void)r;
	return user_set_password(db, a, "agent3", "new-password-123", eb);
}
static int do_user_add(const struct actor *a, const struct row *r, struct wq_errbuf *eb)
{
	(void)r;
	return user_add(db, a, "intruder", "Intruder", ROLE_ADMIN, "", "intruder-pass", NULL, eb);
}

static const struct row rows[] = {
	/* an agent of RBT-HAS-1 on RBT-AGD-1's requests */
	{"agent1", "read a request", do_get, &tg.paid},
	{"agent1", "read by tracking number", do_get_tracking, &tg.paid},
	{"agent1", "read its history", do_history, &tg.paid},
	{"agent1", "see it in a list", do_list_all, &tg.paid},
	{"agent1", "find it by name", do_search, &tg.paid},
	{"agent1", "claim", do_claim, &tg.paid},
	{"agent1", "start production", do_start, &tg.claimed},
	{"agent1", "seal", do_seal, &tg.inprod},
	{"agent1", "release", do_release, &tg.claimed},
	{"agent1", "reject", do_reject, &tg.paid},
	{"agent1", "reassign to its office", do_reassign_home, &tg.paid},
	{"agent1", "hand to the post", do_hand, &tg.ready},
	{"agent1", "hand at the post desk", do_mail_hand, &tg.ready},
	{"agent1", "read the envelope", do_mail_get, &tg.ready},
	{"agent1", "add a note", do_note, &tg.paid},
	{"agent1", "read payments", do_payments, &tg.paid},
	{"agent1", "disable an account", do_disable, NULL},
	{"agent1", "change a password", do_passwd, NULL},
	{"agent1", "add an admin", do_user_add, NULL},
	{"agent1", "build a treasury batch", do_treasury_build, NULL},
	{"agent1", "read a commune's revenue", do_fin_payments, &tg.agdal_commune},
	/* the supervisor of RBT-HAS-1 */
	{"supervisor1", "read a request", do_get, &tg.claimed},
	{"supervisor1", "read its board history", do_board_history, &tg.claimed},
	{"supervisor1", "see it in a list", do_list_all, &tg.claimed},
	{"supervisor1", "assign it to an own agent", do_assign_me, &tg.paid},
	{"supervisor1", "assign own request to another office's agent", do_assign_foreign,
	 &tg.home_paid},
	{"supervisor1", "reassign to its office", do_reassign_home, &tg.claimed},
	{"supervisor1", "reject", do_reject, &tg.paid},
	{"supervisor1", "disable an account", do_disable, NULL},
	/* the inspector of RABAT on KENITRA */
	{"inspector1", "read a request", do_get, &tg.ken_withpost},
	{"inspector1", "see it in a list", do_list_all, &tg.ken_withpost},
	{"inspector1", "read a complaint", do_cd_get, &tg.ken_complaint},
	{"inspector1", "complaints of a request", do_cd_for_request, &tg.ken_withpost},
	{"inspector1", "take a complaint", do_cd_take, &tg.ken_complaint},
	{"inspector1", "answer a complaint", do_cd_answer, &tg.ken_complaint},
	{"inspector1", "resolve a complaint", do_cd_resolve, &tg.ken_complaint},
	{"inspector1", "escalate a complaint", do_cd_escalate, &tg.ken_complaint},
	{"inspector1", "open a complaint", do_cd_open, &tg.ken_ready},
	{"inspector1", "claim", do_claim, &tg.paid},
	/* the post of RABAT on KENITRA's envelopes */
	{"post1", "read the envelope", do_mail_get, &tg.ken_ready},
	{"post1", "hand at the post desk", do_mail_hand, &tg.ken_ready},
	{"post1", "deliver", do_mail_deliver, &tg.ken_withpost},
	{"post1", "return", do_mail_return, &tg.ken_withpost},
	{"post1", "claim", do_claim, &tg.paid},
	/* finance of RBT-HASSAN on RBT-AGDAL */
	{"finance1", "read a commune's payments", do_fin_payments, &tg.agdal_commune},
	{"finance1", "read a commune's summary", do_fin_summary, &tg.agdal_commune},
	{"finance1", "build a treasury batch", do_treasury_build, NULL},
	{"finance1", "claim", do_claim, &tg.paid},
	/* national roles beyond their role */
	{"support1", "claim", do_claim, &tg.paid},
	{"support1", "reject", do_reject, &tg.paid},
	{"support1", "hand to the post", do_hand, &tg.ready},
	{"support1", "build a treasury batch", do_treasury_build, NULL},
	{"support1", "disable an account", do_disable, NULL},
	{"treasury1", "claim", do_claim, &tg.paid},
	{"treasury1", "deliver", do_mail_deliver, &tg.ken_withpost},
	{"treasury1", "change a password", do_passwd, NULL},
};

static void test_every_row_is_refused(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *r = &rows[i];
		struct actor a = who(r->actor);
		struct wq_errbuf eb = {0};
		char *before = fingerprint();
		int rc = r->run(&a, r, &eb);
		char *after = fingerprint();
		int changed = strcmp(before, after) != 0;
		if (rc == WQ_OK || changed) {
			print_message("NOT ISOLATED: %s may %s (rc %d%s)\n", r->actor, r->what, rc,
				      changed ? ", data changed" : "");
			failures++;
		}
		free(before);
		free(after);
	}
	if (failures)
		fail_msg("%d of %zu out-of-scope actions were not refused", failures,
			 sizeof rows / sizeof rows[0]);
}

/* The table means something only if the same actions work in scope. */
static void test_in_scope_controls_succeed(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct actor a3 = who("agent3"), insp2 = who("inspector2");
	struct request q;
	struct cd_complaint c;
	assert_int_equal(request_get(db, &a3, tg.paid, &q, &eb), WQ_OK);
	assert_int_equal(complaint_desk_get(db, &insp2, tg.ken_complaint, &c, &eb), WQ_OK);
	struct actor f2 = who("finance2");
	struct fin_period p = {0, wq_now() + 86400};
	struct fin_summary s;
	assert_int_equal(finance_summary(db, &f2, tg.agdal_commune, &p, &s, &eb), WQ_OK);
	assert_true(s.collected_count > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_scope_controls_succeed),
		cmocka_unit_test(test_every_row_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
