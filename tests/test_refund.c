/* test_refund.c - money going back (src/refund.c, src/db_refund.c) on a real SQLite file
 * with the demo network: a rejection or a citizen's cancellation owes the fee back in
 * the same transaction (the refund row, the payment refund_owed), a claimed request
 * cannot be cancelled and nothing changes; the money states move owed -> sent ->
 * refunded | refund_failed and no further (a second answer changes nothing, the
 * citizen is told once); the book balances to the centime (collected - refunds =
 * distributed + due) through rejections, refunds and a treasury batch, and `watiqa
 * check` names a refunded fee slipped into a batch; finance reads refunds per day.
 * An envelope back from the post: the citizen's choice (collect -> handed over against
 * the CIN; refund -> destroyed and refunded), the sweep that destroys and refunds the
 * ones left without a choice, and a fee distributed before the return: refunded all the
 * same, to recover from the commune, the book still balanced.  A second payment of a
 * paid request is owed back at once.  A returned envelope sent again: its postage kept
 * apart from the fees, the request ready with the new address, the first registered
 * code never used again, a payment with nothing to send owed back and refunded. */
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
#include "finance.h"
#include "office.h"
#include "notify.h"
#include "outbox.h"
#include "postage_refund.h"
#include "redispatch.h"
#include "refund.h"
#include "request.h"

#include "fixture.h"
#include "testlib.h"

static int pay_seq;

static struct actor who(const char *name)
{
	return testlib_who(db, name);
}

static int64_t sql_int(const char *sql, int64_t arg)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, arg);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

static void sql_text(const char *sql, int64_t arg, char *out, size_t len)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, arg);
	out[0] = 0;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		wq_strlcpy(out, (const char *)sqlite3_column_text(st, 0), len);
	sqlite3_finalize(st);
}

/* A request paid at RBT-HAS-1 (agent1's office), fee in centimes. */
static int64_t paid_request(int64_t fee)
{
	struct request r;
	struct office o;
	struct wq_errbuf eb;
	char secret[SECRET_CODE_BYTES], ref[32];
	int already;
	memset(&r, 0, sizeof r);
	assert_int_equal(office_get_by_code(db, "RBT-HAS-1", &o, &eb), WQ_OK);
	r.office_id = o.id;
	r.birth_commune_id = o.commune_id;
	strcpy(r.doc_type, "extract");
	r.copies = 1;
	r.fee_centimes = fee;
	strcpy(r.record_number, "77");
	r.record_year = 1991;
	strcpy(r.first_name_ar, "سعاد");
	strcpy(r.last_name_ar, "الفاسي");
	strcpy(r.first_name_lat, "Souad");
	strcpy(r.last_name_lat, "Refundtest");
	strcpy(r.birth_date, "1991-06-01");
	strcpy(r.phone, "0612121212");
	strcpy(r.email, "souad@example.ma");
	strcpy(r.address, "3 rue de la Paix");
	strcpy(r.postal_code, "10000");
	strcpy(r.city, "Rabat");
	strcpy(r.lang, "fr");
	if (request_create(db, &r, NULL, 0, secret, &eb))
		fail_msg("create: %s", eb.msg);
	snprintf(ref, sizeof ref, "RT-%d-%d", getpid(), ++pay_seq);
	if (request_mark_paid(db, r.id, ref, fee, &already, &eb))
		fail_msg("pay: %s", eb.msg);
	return r.id;
}

static void assert_balanced(void)
{
	struct money_book b;
	testlib_assert_balanced(db, &b);
	assert_true(b.collected > 0);
}

static void test_rejection_and_cancellation_owe_the_fee(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct refund f;
	struct actor agent = who("agent1");
	char s[24];
	int64_t rej = paid_request(2000), can = paid_request(3500), claimed = paid_request(2000);

	assert_int_equal(request_transition(db, &agent, rej, 0, RS_REJECTED, "acte introuvable",
					    &eb), WQ_OK);
	assert_int_equal(refund_for_request(db, rej, &f, &eb), WQ_OK);
	assert_int_equal(f.state, REFUND_OWED);
	assert_int_equal(f.amount_centimes, 2000);
	assert_string_equal(f.reason, "rejected");
	assert_non_null(strstr(f.idem_key, f.tracking));
	sql_text("SELECT status FROM payments WHERE request_id = ?", rej, s, sizeof s);
	assert_string_equal(s, "refund_owed");

	/* the citizen's cancellation, while the request waits in the queue */
	assert_int_equal(request_cancel_citizen(db, can, &eb), WQ_OK);
	assert_int_equal(refund_for_request(db, can, &f, &eb), WQ_OK);
	assert_string_equal(f.reason, "cancelled");
	assert_int_equal(f.amount_centimes, 3500);
	sql_text("SELECT state FROM requests WHERE id = ?", can, s, sizeof s);
	assert_string_equal(s, "cancelled");
	sql_text("SELECT actor_label FROM request_events WHERE request_id = ? ORDER BY id DESC",
		 can, s, sizeof s);
	assert_string_equal(s, "citizen");
	/* a second time: the request is no longer in the queue */
	assert_int_equal(request_cancel_citizen(db, can, &eb), WQ_ECONFLICT);
	assert_int_equal(sql_int("SELECT count(*) FROM refunds WHERE request_id = ?", can), 1);

	/* once an agent has claimed it, the office is working: no cancellation */
	assert_int_equal(request_claim(db, &agent, claimed, 0, &eb), WQ_OK);
	int64_t version = sql_int("SELECT version FROM requests WHERE id = ?", claimed);
	assert_int_equal(request_cancel_citizen(db, claimed, &eb), WQ_ECONFLICT);
	assert_non_null(strstr(eb.msg, "claimed"));
	assert_int_equal(sql_int("SELECT version FROM requests WHERE id = ?", claimed), version);
	assert_int_equal(refund_for_request(db, claimed, &f, &eb), WQ_ENOTFOUND);
	sql_text("SELECT status FROM payments WHERE request_id = ?", claimed, s, sizeof s);
	assert_string_equal(s, "confirmed");
	/* refund_owe again on an owed fee writes nothing more */
	assert_int_equal(db_begin(db, &eb), WQ_OK);
	assert_int_equal(refund_owe(db, rej, "rejected", &eb), WQ_OK);
	assert_int_equal(db_commit(db, &eb), WQ_OK);
	assert_int_equal(sql_int("SELECT count(*) FROM refunds WHERE request_id = ?", rej), 1);
	assert_balanced();
}

static void test_money_states(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct refund due[50], f;
	struct actor agent = who("agent1");
	int n;
	int64_t ok_id = paid_request(2000), ko_id = paid_request(4000);
	assert_int_equal(request_transition(db, &agent, ok_id, 0, RS_REJECTED, "x", &eb), WQ_OK);
	assert_int_equal(request_transition(db, &agent, ko_id, 0, RS_REJECTED, "y", &eb), WQ_OK);
	int64_t now = wq_now();
	assert_int_equal(refund_due(db, now, due, 50, &n, &eb), WQ_OK);
	int64_t ok = 0, ko = 0;
	for (int i = 0; i < n; i++) {
		if (due[i].request_id == ok_id)
			ok = due[i].id;
		if (due[i].request_id == ko_id)
			ko = due[i].id;
		assert_true(due[i].state == REFUND_OWED || due[i].state == REFUND_SENT);
	}
	assert_true(ok && ko);
	assert_int_equal(refund_for_request(db, ok_id, &f, &eb), WQ_OK);
	assert_true(f.txn[0] && f.phone[0] && f.email[0]);

	/* sent before the call: a crash now leaves it due again at next_at, same key */
	assert_int_equal(refund_mark_sending(db, ok, now + 60, &eb), WQ_OK);
	assert_int_equal(refund_for_request(db, ok_id, &f, &eb), WQ_OK);
	assert_int_equal(f.state, REFUND_SENT);
	assert_int_equal(f.attempts, 1);
	assert_int_equal(refund_due(db, now, due, 50, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		assert_int_not_equal(due[i].id, ok);
	assert_int_equal(refund_due(db, now + 60, due, 50, &n, &eb), WQ_OK);
	int seen = 0;
	for (int i = 0; i < n; i++)
		seen += due[i].id == ok;
	assert_int_equal(seen, 1);
	assert_int_equal(refund_mark_retry(db, ok, "timeout", &eb), WQ_OK);
	assert_int_equal(refund_for_request(db, ok_id, &f, &eb), WQ_OK);
	assert_string_equal(f.last_error, "timeout");
	assert_int_equal(f.state, REFUND_SENT);

	int64_t before = sql_int("SELECT count(*) FROM outbox WHERE request_id = ?", ok_id);
	char sms[OUTBOX_BODY_BYTES], st[24];
	refund_message(&f, 1, sms, sizeof sms);
	assert_non_null(strstr(sms, "20,00") ? strstr(sms, "20,00") : strstr(sms, "20.00"));
	assert_int_equal(refund_mark_done(db, ok, "RFD-1", sms, &eb), WQ_OK);
	assert_int_equal(refund_for_request(db, ok_id, &f, &eb), WQ_OK);
	assert_int_equal(f.state, REFUND_DONE);
	assert_string_equal(f.gateway_ref, "RFD-1");
	assert_true(f.done_at > 0);
	sql_text("SELECT status FROM payments WHERE request_id = ?", ok_id, st, sizeof st);
	assert_string_equal(st, "refunded");
	/* the citizen is told on both channels, once */
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE request_id = ?", ok_id),
			 before + 2);
	assert_int_equal(refund_mark_done(db, ok, "RFD-2", sms, &eb), WQ_OK);
	assert_int_equal(refund_mark_failed(db, ok, "late refusal", sms, &eb), WQ_OK);
	assert_int_equal(refund_for_request(db, ok_id, &f, &eb), WQ_OK);
	assert_int_equal(f.state, REFUND_DONE);
	assert_string_equal(f.gateway_ref, "RFD-1");
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE request_id = ?", ok_id),
			 before + 2);

	/* refused by the card: final, for finance; the payment stays owed */
	assert_int_equal(refund_mark_sending(db, ko, now, &eb), WQ_OK);
	assert_int_equal(refund_mark_failed(db, ko, "card_refuses_refunds", "refusé", &eb), WQ_OK);
	assert_int_equal(refund_for_request(db, ko_id, &f, &eb), WQ_OK);
	assert_int_equal(f.state, REFUND_FAILED);
	sql_text("SELECT status FROM payments WHERE request_id = ?", ko_id, st, sizeof st);
	assert_string_equal(st, "refund_owed");
	assert_int_equal(refund_due(db, now + 86400, due, 50, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		assert_int_not_equal(due[i].id, ko);
	assert_int_equal(refund_mark_done(db, ko, "RFD-3", "", &eb), WQ_OK);
	assert_int_equal(refund_for_request(db, ko_id, &f, &eb), WQ_OK);
	assert_int_equal(f.state, REFUND_FAILED);
	assert_balanced();
}

static void test_book_balances_through_a_batch(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor tre = who("treasury1"), agent = who("agent1");
	int64_t rej = paid_request(2000);
	assert_int_equal(request_transition(db, &agent, rej, 0, RS_REJECTED, "z", &eb), WQ_OK);
	struct fin_period p = {0, wq_now()};
	int batches = 0, items = 0;
	int64_t total = 0;
	assert_int_equal(treasury_build(db, &tre, &p, 0, &batches, &items, &total, &eb), WQ_OK);
	assert_true(batches > 0);
	assert_int_equal(sql_int("SELECT count(*) FROM settlement_items WHERE request_id = ?",
				 rej), 0);
	assert_balanced();

	/* a refunded fee slipped into a batch: the check names it and the book is off */
	sqlite3 *h = db_handle(db);
	char sql[256];
	snprintf(sql, sizeof sql, "INSERT INTO settlement_items VALUES ((SELECT max(id) FROM"
		 " settlements), %lld, 2000); UPDATE settlements SET total_centimes ="
		 " total_centimes + 2000 WHERE id = (SELECT max(id) FROM settlements)",
		 (long long)rej);
	assert_int_equal(sqlite3_exec(h, "SAVEPOINT bad", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(testlib_problems(db), 2);
	assert_int_equal(sqlite3_exec(h, "ROLLBACK TO bad; RELEASE bad", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(testlib_problems(db), 0);
}

static void test_finance_refunds_by_day(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor fin = who("finance1"), agent = who("agent1");
	struct fin_refund_day *days = NULL;
	struct fin_refund_totals tot, tot2;
	struct refund f;
	int n = 0;
	struct fin_period p = {wq_now() - 86400, wq_now() + 86400};
	assert_int_equal(finance_refunds(db, &fin, 0, &p, &days, &n, &tot, &eb), WQ_OK);
	free(days);
	int64_t id = paid_request(2500);
	assert_int_equal(request_transition(db, &agent, id, 0, RS_REJECTED, "z", &eb), WQ_OK);
	assert_int_equal(refund_for_request(db, id, &f, &eb), WQ_OK);
	assert_int_equal(refund_mark_done(db, f.id, "RFD-DAY", "", &eb), WQ_OK);
	assert_int_equal(finance_refunds(db, &fin, 0, &p, &days, &n, &tot2, &eb), WQ_OK);
	assert_true(n >= 1);
	char today[11];
	fin_local_day(wq_now(), today);
	int found = 0;
	for (int i = 0; i < n; i++)
		if (!strcmp(days[i].day, today)) {
			found = 1;
			assert_true(days[i].owed_count >= 1 && days[i].refunded_count >= 1);
			assert_true(days[i].refunded_centimes >= 2500);
		}
	assert_true(found);
	free(days);
	assert_int_equal(tot2.count[REFUND_DONE], tot.count[REFUND_DONE] + 1);
	assert_int_equal(tot2.centimes[REFUND_DONE], tot.centimes[REFUND_DONE] + 2500);
	/* another commune's finance officer is refused */
	struct actor fin2 = who("finance2");
	int64_t mine = sql_int("SELECT o.commune_id FROM offices o WHERE o.code = 'RBT-HAS-1'"
			       " AND ?1 = ?1", 0);
	assert_int_equal(finance_refunds(db, &fin2, mine, &p, &days, &n, NULL, &eb), WQ_EDENIED);
	assert_null(days);
}

/* A paid request of RBT-HAS-1 produced by agent1 and handed to the post. */
static int64_t posted_request(void)
{
	struct wq_errbuf eb;
	struct actor agent = who("agent1");
	char code[14];
	int64_t id = paid_request(2000);
	assert_int_equal(request_claim(db, &agent, id, 0, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &agent, id, 0, RS_IN_PRODUCTION, "", &eb), WQ_OK);
	assert_int_equal(testlib_sign(db, &agent, id, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &agent, id, 0, RS_READY, "", &eb), WQ_OK);
	wq_s10_make("RR", (unsigned)(50000000 + id), "MA", code);
	assert_int_equal(request_hand_to_post(db, &agent, id, 0, code, "pickup", &eb), WQ_OK);
	return id;
}

/* ... and brought back by the post: returned. */
static int64_t returned_request(void)
{
	struct wq_errbuf eb;
	struct actor post = who("post1");
	int64_t id = posted_request();
	assert_int_equal(request_transition(db, &post, id, 0, RS_RETURNED, "refused by the addressee",
					    &eb), WQ_OK);
	return id;
}

static void test_returned_envelope_choices(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct refund f;
	struct actor agent = who("agent1");
	char s[40];
	int64_t collect = returned_request(), refund = returned_request();

	assert_int_equal(request_returned_choice(db, collect, "resend", &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "choice");
	assert_int_equal(request_returned_choice(db, collect, "collect", &eb), WQ_OK);
	sql_text("SELECT state FROM requests WHERE id = ?", collect, s, sizeof s);
	assert_string_equal(s, "to_collect");
	/* a second choice: no longer waiting for one (only the sweep destroys it now) */
	assert_int_equal(request_returned_choice(db, collect, "refund", &eb), WQ_EDENIED);
	assert_int_equal(request_returned_choice(db, collect, "collect", &eb), WQ_ECONFLICT);
	assert_int_equal(refund_for_request(db, collect, &f, &eb), WQ_ENOTFOUND);
	/* handed over at the counter: the CIN is the reason, required */
	int rc = request_transition(db, &agent, collect, 0, RS_DELIVERED, "", &eb);
	if (rc != WQ_EINVAL)
		fail_msg("handed over without a CIN: %d %s", rc, eb.msg);
	assert_int_equal(request_transition(db, &agent, collect, 0, RS_DELIVERED,
					    "collected at the office, CIN BE123456 checked", &eb),
			 WQ_OK);
	sql_text("SELECT status FROM payments WHERE request_id = ?", collect, s, sizeof s);
	assert_string_equal(s, "confirmed");

	assert_int_equal(request_returned_choice(db, refund, "refund", &eb), WQ_OK);
	sql_text("SELECT state FROM requests WHERE id = ?", refund, s, sizeof s);
	assert_string_equal(s, "destroyed");
	assert_int_equal(refund_for_request(db, refund, &f, &eb), WQ_OK);
	assert_string_equal(f.reason, "returned");
	assert_int_equal(f.state, REFUND_OWED);
	assert_balanced();
}

static void test_unclaimed_envelopes_destroyed(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct refund f;
	char s[40];
	int n = 0;
	int64_t old = returned_request(), recent = returned_request(), waiting = returned_request();
	assert_int_equal(request_returned_choice(db, waiting, "collect", &eb), WQ_OK);
	/* sixteen days on the shelf for two of them */
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE requests SET stage_at = stage_at - 16 * 86400"
		 " WHERE id IN (%lld, %lld)", (long long)old, (long long)waiting);
	assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(request_destroy_unclaimed(db, 15 * 86400, &n, &eb), WQ_OK);
	assert_int_equal(n, 2);
	sql_text("SELECT state FROM requests WHERE id = ?", old, s, sizeof s);
	assert_string_equal(s, "destroyed");
	sql_text("SELECT state FROM requests WHERE id = ?", waiting, s, sizeof s);
	assert_string_equal(s, "destroyed");
	sql_text("SELECT state FROM requests WHERE id = ?", recent, s, sizeof s);
	assert_string_equal(s, "returned");
	sql_text("SELECT note FROM request_events WHERE request_id = ? ORDER BY id DESC", old, s,
		 sizeof s);
	assert_non_null(strstr(s, "destroyed"));
	assert_int_equal(refund_for_request(db, old, &f, &eb), WQ_OK);
	assert_string_equal(f.reason, "returned");
	assert_int_equal(request_destroy_unclaimed(db, 15 * 86400, &n, &eb), WQ_OK);
	assert_int_equal(n, 0);
	assert_balanced();
}

/* The fee went to the commune in a batch while the envelope was with the post; it came
 * back and was destroyed: the citizen is refunded, the commune owes it back. */
static void test_refund_after_distribution(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor tre = who("treasury1");
	struct money_book b;
	struct actor post = who("post1");
	int64_t id = posted_request();
	/* a period that has ended: the clock moved on a little */
	int64_t t = wq_now();
	char later[24];
	snprintf(later, sizeof later, "%lld", (long long)t + 5);
	setenv("WATIQA_FAKE_NOW", later, 1);
	struct fin_period p = {0, t + 1};
	int batches = 0, items = 0;
	int64_t total = 0;
	int rc = treasury_build(db, &tre, &p, 0, &batches, &items, &total, &eb);
	unsetenv("WATIQA_FAKE_NOW");
	if (rc)
		fail_msg("build: %s", eb.msg);
	assert_int_equal(sql_int("SELECT count(*) FROM settlement_items WHERE request_id = ?", id), 1);
	assert_int_equal(request_transition(db, &post, id, 0, RS_RETURNED, "addressee unknown",
					    &eb), WQ_OK);
	assert_int_equal(request_returned_choice(db, id, "refund", &eb), WQ_OK);
	assert_int_equal(refund_book(db, &b, &eb), WQ_OK);
	assert_true(b.recover >= 2000);
	assert_balanced();
}

/* Paid twice through two transactions (two tabs): the second is kept and owed back at
 * once; the same callback again changes nothing. */
static void test_second_payment_owed_back(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct refund f;
	char ref[40], s[24];
	int already = -1;
	int64_t id = paid_request(2000);
	snprintf(ref, sizeof ref, "RT-%d-dup", getpid());
	assert_int_equal(request_mark_paid(db, id, ref, 2000, &already, &eb), WQ_OK);
	assert_int_equal(already, 2);
	sql_text("SELECT state FROM requests WHERE id = ?", id, s, sizeof s);
	assert_string_equal(s, "paid");
	assert_int_equal(sql_int("SELECT count(*) FROM payments WHERE request_id = ?"
				 " AND status = 'confirmed'", id), 1);
	assert_int_equal(refund_for_request(db, id, &f, &eb), WQ_OK);
	assert_int_equal(f.amount_centimes, 2000);
	assert_string_equal(f.txn, ref);
	assert_string_equal(f.reason, "other");
	assert_int_equal(request_mark_paid(db, id, ref, 2000, &already, &eb), WQ_OK);
	assert_int_equal(already, 1);
	assert_int_equal(sql_int("SELECT count(*) FROM refunds WHERE request_id = ?", id), 1);
	assert_balanced();
}

/* Sent again to a corrected address once the postage is paid (redispatch.h). */
static void test_redispatch(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct redispatch d, d2;
	struct actor agent = who("agent1");
	enum redispatch_paid how;
	char s[80], first[14], code[14];
	int64_t id = returned_request(), paid = paid_request(2000);
	int64_t fees = sql_int("SELECT sum(amount_centimes) FROM payments WHERE ?", 1);
	sql_text("SELECT code FROM mail_items WHERE request_id = ?", id, first, sizeof first);

	/* only a returned envelope is sent again */
	assert_int_equal(redispatch_open(db, paid, "1 rue A", "10000", "Rabat", 1500, &d, &eb),
			 WQ_ECONFLICT);
	assert_int_equal(redispatch_open(db, id, "1 rue A", "10000", "Rabat", 1500, &d, &eb), WQ_OK);
	/* the address corrected again before paying: the same order takes it */
	assert_int_equal(redispatch_open(db, id, "12 avenue Hassan II", "20000", "Casablanca", 1500,
					 &d2, &eb), WQ_OK);
	assert_string_equal(d.order_ref, d2.order_ref);
	assert_true(redispatch_order_shape(d.order_ref));
	assert_false(redispatch_order_shape(d.tracking));
	assert_false(redispatch_order_shape("W123456789X-P1"));
	assert_false(redispatch_order_shape("W1234567890-P0"));

	assert_int_equal(redispatch_mark_paid(db, d.order_ref, "PT-1", 1500, &how, &eb), WQ_OK);
	assert_int_equal(how, REDISPATCH_SENT);
	sql_text("SELECT state || '|' || address || '|' || city FROM requests WHERE id = ?", id, s,
		 sizeof s);
	assert_string_equal(s, "ready|12 avenue Hassan II|Casablanca");
	sql_text("SELECT status || coalesce(code, '-') FROM mail_items WHERE request_id = ?", id, s,
		 sizeof s);
	assert_string_equal(s, "sealed-");
	/* the same callback again: nothing */
	assert_int_equal(redispatch_mark_paid(db, d.order_ref, "PT-1", 1500, &how, &eb), WQ_OK);
	assert_int_equal(how, REDISPATCH_ALREADY);
	assert_int_equal(sql_int("SELECT count(*) FROM postage_payments WHERE ?", 1), 1);
	/* postage is not a fee: the commune's book unchanged, balanced */
	assert_int_equal(sql_int("SELECT sum(amount_centimes) FROM payments WHERE ?", 1), fees);
	assert_balanced();

	/* the post desk: the first code refused, a new one recorded */
	assert_int_equal(request_hand_to_post(db, &agent, id, 0, first, "pickup", &eb),
			 WQ_ECONFLICT);
	assert_string_equal(eb.field, "code");
	wq_s10_make("RR", (unsigned)(60000000 + id), "MA", code);
	assert_int_equal(request_hand_to_post(db, &agent, id, 0, code, "pickup", &eb), WQ_OK);
	assert_int_equal(sql_int("SELECT count(*) FROM mail_past WHERE request_id = ?", id), 1);

	/* the order paid a second time: charged, nothing to send: owed back, named by check */
	assert_int_equal(redispatch_mark_paid(db, d.order_ref, "PT-2", 1500, &how, &eb), WQ_OK);
	assert_int_equal(how, REDISPATCH_OWED_BACK);
	sql_text("SELECT state FROM requests WHERE id = ?", id, s, sizeof s);
	assert_string_equal(s, "with_post");
	/* ... and goes back to the card: its refund row, apart from the fees' */
	struct refund f, due[8];
	struct postage_book pb;
	int n = 0;
	assert_int_equal(postage_refund_for_request(db, id, &f, &eb), WQ_OK);
	assert_true(f.postage && f.state == REFUND_OWED && f.amount_centimes == 1500);
	assert_string_equal(f.txn, "PT-2");
	assert_int_equal(postage_refund_due(db, wq_now(), due, 8, &n, &eb), WQ_OK);
	assert_true(n == 1 && due[0].id == f.id && !strncmp(due[0].idem_key, "RP-", 3));
	int64_t told = sql_int("SELECT count(*) FROM outbox WHERE request_id = ?", id);
	assert_int_equal(postage_refund_mark_sending(db, f.id, wq_now() + 60, &eb), WQ_OK);
	refund_message(&f, 1, s, sizeof s);
	for (int i = 0; i < 2; i++) /* a second answer changes nothing */
		assert_int_equal(postage_refund_mark_done(db, f.id, i ? "RFD-X" : "RFD-P", s, &eb), 0);
	assert_int_equal(postage_refund_for_request(db, id, &f, &eb), WQ_OK);
	assert_true(f.state == REFUND_DONE && !strcmp(f.gateway_ref, "RFD-P") && f.attempts == 1);
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE request_id = ?", id), told + 2);
	assert_int_equal(postage_book(db, &pb, &eb), WQ_OK);
	assert_true(pb.collected - pb.refunds == pb.kept && pb.refunded == 1500);
	assert_int_equal(testlib_problems(db), 0);
	assert_int_equal(redispatch_mark_paid(db, "W0000000000-P1", "PT-3", 1500, &how, &eb),
			 WQ_ENOTFOUND);
	/* the citizen's message on a return names the three choices, whole, in both languages */
	struct outbox_event ev = {.to = RS_RETURNED, .from = RS_WITH_POST, .fee_centimes = 2000};
	char body[OUTBOX_BODY_BYTES];
	strcpy(ev.tracking, "W1234567897");
	memset(ev.note, 'x', 150);
	strcpy(ev.lang, "fr");
	assert_int_equal(notify_message(&ev, body, sizeof body), 1);
	assert_non_null(strstr(body, "renvoi à une adresse corrigée, retrait au bureau ou "
				     "remboursement."));
	strcpy(ev.lang, "ar");
	assert_int_equal(notify_message(&ev, body, sizeof body), 1);
	assert_non_null(strstr(body, "إعادة الإرسال إلى عنوان مصحح أو السحب من المكتب أو "
				     "استرجاع المبلغ."));
}

int main(void)
{
	static const struct fixture fx = {"refund", 60};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rejection_and_cancellation_owe_the_fee),
		cmocka_unit_test(test_money_states),
		cmocka_unit_test(test_book_balances_through_a_batch),
		cmocka_unit_test(test_finance_refunds_by_day),
		cmocka_unit_test(test_returned_envelope_choices),
		cmocka_unit_test(test_unclaimed_envelopes_destroyed),
		cmocka_unit_test(test_refund_after_distribution),
		cmocka_unit_test(test_second_payment_owed_back),
		cmocka_unit_test(test_redispatch),
	};
	setenv("TZ", "Africa/Casablanca", 1);
	return fixture_run_group(&fx, tests);
}
