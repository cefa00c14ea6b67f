/* test_refund_desk.c - finance acts on refunds the card refused (src/db_refund_desk.c)
 * on a real SQLite file with the demo network: the refused refund is listed to its
 * commune's finance officer with the gateway's reason and to no other commune's; sent
 * again it is due at once with the same idempotency key (so the gateway can only pay
 * it once), audited; recorded paid by transfer it is refunded with its reference, the
 * payment refunded, audited, the citizen told, never sent again; a bad reference is refused naming the
 * field with nothing changed; neither works on a refund that is not refused, and
 * `watiqa check` names a refund paid both ways.  The fees refunded after a treasury
 * batch are listed per commune that received them, and its next batches take them back
 * (db/281): the oldest first, whole, never below zero, each once, the transfer of what is
 * left, the book balanced and `watiqa check` naming a fee taken back wrongly. */
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
#include "refund.h"
#include "refund_desk.h"
#include "request.h"

#include "fixture.h"
#include "testlib.h"

static int pay_seq;

static int64_t sql_int(const char *sql, int64_t arg)
{
	return testlib_sql_int(db, sql, arg);
}

static void sql_text(const char *sql, int64_t arg, char *out, size_t len)
{
	testlib_sql_text(db, sql, arg, out, len);
}

/* A request paid at RBT-HAS-1 (commune RBT-HASSAN, finance1's). */
static int64_t paid_request(void)
{
	char ref[32];
	snprintf(ref, sizeof ref, "RD-%d-%d", getpid(), ++pay_seq);
	return testlib_paid_request(db, "RBT-HAS-1", 2000, ref);
}

/* Rejected, its refund refused by the card: the refund's id. */
static int64_t refused_refund(void)
{
	struct wq_errbuf eb;
	struct actor agent = testlib_who(db, "agent1");
	struct refund f;
	int64_t id = paid_request();
	assert_int_equal(request_transition(db, &agent, id, 0, RS_REJECTED, "acte introuvable", &eb),
			 WQ_OK);
	assert_int_equal(refund_for_request(db, id, &f, &eb), WQ_OK);
	assert_int_equal(refund_mark_sending(db, f.id, wq_now() + 60, &eb), WQ_OK);
	assert_int_equal(refund_mark_failed(db, f.id, "card_refuses_refunds", "", &eb), WQ_OK);
	return f.id;
}

static int listed(const struct actor *a, int64_t id)
{
	struct failed_refund *rows = NULL;
	struct wq_errbuf eb;
	int n = 0, seen = 0;
	assert_int_equal(refund_desk_failed(db, a, 0, &rows, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		if (rows[i].id == id && !rows[i].postage) {
			seen = 1;
			assert_string_equal(rows[i].reason, "card_refuses_refunds");
			assert_string_equal(rows[i].phone, "0612121213");
			assert_int_equal(rows[i].amount_centimes, 2000);
		}
	free(rows);
	return seen;
}

static void test_retry_and_transfer(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor fin = testlib_who(db, "finance1"), other = testlib_who(db, "finance2");
	struct actor agent = testlib_who(db, "agent1");
	char key[48], s[80];
	int64_t id = refused_refund();
	sql_text("SELECT idem_key FROM refunds WHERE id = ?", id, key, sizeof key);
	assert_true(listed(&fin, id));
	assert_false(listed(&other, id));

	/* sent again: due now, the same key, one more audit row */
	int64_t audits = sql_int("SELECT count(*) FROM audit_log WHERE ?", 1);
	assert_int_equal(refund_desk_retry(db, &agent, 0, id, &eb), WQ_EDENIED);
	assert_int_equal(refund_desk_retry(db, &other, 0, id, &eb), WQ_ENOTFOUND);
	assert_int_equal(refund_desk_retry(db, &fin, 0, id, &eb), WQ_OK);
	sql_text("SELECT state || ' ' || idem_key FROM refunds WHERE id = ?", id, s, sizeof s);
	assert_true(!strncmp(s, "refund_owed ", 12) && !strcmp(s + 12, key));
	assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'refund.retry'"
				 " AND target = (SELECT idem_key FROM refunds WHERE id = ?)", id), 1);
	assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE ?", 1), audits + 1);
	/* an event of its own (db/280): its outcome is told alone, not with the refunds
	 * owed with it at the rejection */
	assert_int_equal(sql_int("SELECT count(*) FROM refunds WHERE owed_group ="
				 " (SELECT owed_group FROM refunds WHERE id = ?)", id), 1);
	assert_true(sql_int("SELECT owed_group FROM refunds WHERE id = ?", id) >
		    sql_int("SELECT max(owed_group) FROM refunds WHERE id <> ?", id));
	struct refund due[20];
	int n = 0, seen = 0;
	assert_int_equal(refund_due(db, wq_now(), due, 20, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		seen += due[i].id == id && !strcmp(due[i].idem_key, key);
	assert_int_equal(seen, 1);
	assert_false(listed(&fin, id));
	/* not refused any more: neither again nor a transfer */
	assert_int_equal(refund_desk_retry(db, &fin, 0, id, &eb), WQ_ECONFLICT);
	assert_int_equal(refund_desk_transfer(db, &fin, 0, id, "VIR-2026-0001", &eb), WQ_ECONFLICT);
	/* refused again by the card */
	assert_int_equal(refund_mark_sending(db, id, wq_now() + 60, &eb), WQ_OK);
	assert_int_equal(refund_mark_failed(db, id, "card_refuses_refunds", "", &eb), WQ_OK);

	/* a bad reference names its field and changes nothing */
	static const char *const bad[] = {"", "ab1", "VIR 2026", "-VIR2026", "VIR;DROP",
					  "0123456789012345678901234567890123456789"};
	audits = sql_int("SELECT count(*) FROM audit_log WHERE ?", 1);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(refund_desk_transfer(db, &fin, 0, id, bad[i], &eb), WQ_EINVAL);
		assert_string_equal(eb.field, "transfer_ref");
	}
	assert_int_equal(refund_desk_transfer(db, &fin, 0, id, NULL, &eb), WQ_EINVAL);
	sql_text("SELECT state || '|' || transfer_ref FROM refunds WHERE id = ?", id, s, sizeof s);
	assert_string_equal(s, "refund_failed|");
	assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE ?", 1), audits);

	/* paid by transfer: refunded with its reference, the payment too, never sent again */
	assert_int_equal(refund_desk_transfer(db, &other, 0, id, "VIR-2026-0001", &eb),
			 WQ_ENOTFOUND);
	assert_int_equal(refund_desk_transfer(db, &fin, 0, id, "VIR-2026/0001", &eb), WQ_OK);
	sql_text("SELECT f.state || '|' || f.transfer_ref || '|' || p.status FROM refunds f"
		 " JOIN payments p ON p.id = f.payment_id WHERE f.id = ?", id, s, sizeof s);
	assert_string_equal(s, "refunded|VIR-2026/0001|refunded");
	assert_int_equal(sql_int("SELECT settled_by = (SELECT id FROM users WHERE username ="
				 " 'finance1') FROM refunds WHERE id = ?", id), 1);
	assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'refund.transfer'"
				 " AND target = (SELECT idem_key FROM refunds WHERE id = ?)", id), 1);
	/* the citizen is told where the money went */
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE request_id = (SELECT request_id"
				 " FROM refunds WHERE id = ?) AND body LIKE '%remboursés par virement"
				 " bancaire (réf. VIR-2026/0001).'", id), 1);
	assert_int_equal(refund_due(db, wq_now() + 86400, due, 20, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		assert_int_not_equal(due[i].id, id);
	assert_int_equal(refund_desk_transfer(db, &fin, 0, id, "VIR-2026-0002", &eb), WQ_ECONFLICT);
	assert_int_equal(testlib_problems(db), 0);
	/* the gateway's refund on top of the transfer: check names it */
	assert_int_equal(sqlite3_exec(db_handle(db), "UPDATE refunds SET gateway_ref = 'RFD-X'"
				      " WHERE transfer_ref = 'VIR-2026/0001'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(testlib_problems(db), 1);
	assert_int_equal(sqlite3_exec(db_handle(db), "UPDATE refunds SET gateway_ref = ''"
				      " WHERE transfer_ref = 'VIR-2026/0001'", NULL, NULL, NULL), SQLITE_OK);
	/* the treasury acts on any commune's */
	int64_t id2 = refused_refund();
	struct actor tre = testlib_who(db, "treasury1");
	assert_int_equal(refund_desk_retry(db, &tre, 0, id2, &eb), WQ_OK);
	assert_int_equal(refund_desk_retry(db, &tre, 1, id2, &eb), WQ_ENOTFOUND); /* other book */
}

/* A fee distributed in a batch, then refunded (the envelope destroyed): to recover from
 * RBT-HASSAN, which finance1 sees and finance2 does not. */
static void test_recover_per_commune(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor agent = testlib_who(db, "agent1"), post = testlib_who(db, "post1");
	struct actor tre = testlib_who(db, "treasury1"), fin = testlib_who(db, "finance1");
	struct actor other = testlib_who(db, "finance2");
	char code[14], later[24];
	int64_t id = paid_request();
	assert_int_equal(request_claim(db, &agent, id, 0, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &agent, id, 0, RS_IN_PRODUCTION, "", &eb), WQ_OK);
	assert_int_equal(testlib_sign(db, &agent, id, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &agent, id, 0, RS_READY, "", &eb), WQ_OK);
	wq_s10_make("RR", (unsigned)(70000000 + id), "MA", code);
	assert_int_equal(request_hand_to_post(db, &agent, id, 0, code, "pickup", &eb), WQ_OK);
	int64_t t = wq_now();
	snprintf(later, sizeof later, "%lld", (long long)t + 5);
	setenv("WATIQA_FAKE_NOW", later, 1);
	struct fin_period p = {0, t + 1};
	int batches = 0, items = 0;
	int64_t total = 0;
	int rc = treasury_build(db, &tre, &p, 0, &batches, &items, &total, &eb);
	unsetenv("WATIQA_FAKE_NOW");
	if (rc)
		fail_msg("build: %s", eb.msg);
	assert_int_equal(request_transition(db, &post, id, 0, RS_RETURNED, "inconnu", &eb), WQ_OK);
	assert_int_equal(request_returned_choice(db, id, "refund", &eb), WQ_OK);

	struct commune_recover *rows = NULL;
	int n = 0;
	assert_int_equal(refund_desk_recover(db, &fin, 0, &rows, &n, &eb), WQ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].code, "RBT-HASSAN");
	assert_true(rows[0].count >= 1 && rows[0].centimes >= 2000);
	assert_int_equal(rows[0].transferred_centimes, 0);
	struct money_book b;
	assert_int_equal(refund_book(db, &b, &eb), WQ_OK);
	assert_int_equal(b.recover, rows[0].centimes); /* the whole book's, here one commune */
	free(rows);
	assert_int_equal(refund_desk_recover(db, &other, 0, &rows, &n, &eb), WQ_OK);
	assert_int_equal(n, 0);
	free(rows);
	int64_t hassan = sql_int("SELECT id FROM communes WHERE code = 'RBT-HASSAN' AND ?", 1);
	assert_int_equal(refund_desk_recover(db, &other, hassan, &rows, &n, &eb), WQ_EDENIED);
	assert_int_equal(refund_desk_recover(db, &tre, 0, &rows, &n, &eb), WQ_OK);
	assert_int_equal(n, 1);
	free(rows);
}

/* RBT-AGDAL (finance2's commune) builds its batch alone, up to a few seconds from now. */
static int64_t build_agdal(int *items, int64_t *total)
{
	struct wq_errbuf eb;
	struct actor tre = testlib_who(db, "treasury1");
	char later[24];
	int64_t t = wq_now(), agdal = sql_int("SELECT id FROM communes WHERE code = 'RBT-AGDAL'"
					       " AND ?", 1);
	snprintf(later, sizeof later, "%lld", (long long)t + 5);
	setenv("WATIQA_FAKE_NOW", later, 1);
	struct fin_period p = {0, t + 1};
	int batches = 0;
	int rc = treasury_build(db, &tre, &p, agdal, &batches, items, total, &eb);
	unsetenv("WATIQA_FAKE_NOW");
	if (rc)
		fail_msg("build: %s", eb.msg);
	return batches ? sql_int("SELECT max(id) FROM settlements WHERE commune_id = ?", agdal)
		       : 0;
}

/* A fee of `fee` paid at RBT-AGD-1, produced, signed and sealed (earned); with the post
 * too when `post` (so that it can come back). */
static int64_t agdal_earned(int64_t fee, int post)
{
	struct wq_errbuf eb;
	struct actor agent = testlib_who(db, "agent3");
	char ref[32], code[14];
	snprintf(ref, sizeof ref, "RD-%d-%d", getpid(), ++pay_seq);
	int64_t id = testlib_paid_request(db, "RBT-AGD-1", fee, ref);
	assert_int_equal(request_claim(db, &agent, id, 0, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &agent, id, 0, RS_IN_PRODUCTION, "", &eb), WQ_OK);
	assert_int_equal(testlib_sign(db, &agent, id, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &agent, id, 0, RS_READY, "", &eb), WQ_OK);
	if (post) {
		wq_s10_make("RR", (unsigned)(71000000 + id), "MA", code);
		assert_int_equal(request_hand_to_post(db, &agent, id, 0, code, "pickup", &eb),
				 WQ_OK);
	}
	return id;
}

static void batch_of(int64_t id, struct settlement *out)
{
	struct wq_errbuf eb;
	struct actor tre = testlib_who(db, "treasury1");
	struct settlement *s = NULL;
	int n = 0, found = 0;
	assert_int_equal(treasury_batches(db, &tre, 0, &s, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		if (s[i].id == id) {
			*out = s[i];
			found = 1;
		}
	free(s);
	assert_true(found);
}

/* What finance2 reads of RBT-AGDAL's fees to recover: still owed, and taken back. */
static void agdal_to_recover(int count, int64_t centimes, int64_t taken_back)
{
	struct wq_errbuf eb;
	struct actor f2 = testlib_who(db, "finance2");
	struct commune_recover *rows = NULL;
	int n = 0;
	assert_int_equal(refund_desk_recover(db, &f2, 0, &rows, &n, &eb), WQ_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].code, "RBT-AGDAL");
	assert_int_equal(rows[0].count, count);
	assert_int_equal(rows[0].centimes, centimes);
	assert_int_equal(rows[0].recovered_centimes, taken_back);
	free(rows);
}

/* Fees to recover are netted: the commune's next batch takes back what it owes (the
 * oldest refund first, whole ones, never below zero), each once, recorded; the recover
 * view, the book and `watiqa check` say so, and the transfer is of what is left. */
static void test_recovered_in_next_batch(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor post = testlib_who(db, "post1"), tre = testlib_who(db, "treasury1");
	struct money_book b0, b;
	struct settlement s;
	int items = 0;
	int64_t total = 0;
	testlib_assert_balanced(db, &b0);
	/* A (30.00) and B (20.00) distributed, then back from the post and refunded */
	int64_t a = agdal_earned(3000, 1), bb = agdal_earned(2000, 1);
	int64_t first = build_agdal(&items, &total);
	assert_true(first > 0);
	assert_int_equal(sql_int("SELECT count(*) FROM settlement_items WHERE settlement_id = ?"
				 " AND request_id IN (SELECT id FROM requests WHERE fee_centimes"
				 " IN (2000, 3000))", first), 2);
	int64_t ids[2] = {a, bb};
	for (int i = 0; i < 2; i++) {
		assert_int_equal(request_transition(db, &post, ids[i], 0, RS_RETURNED, "inconnu",
						    &eb), WQ_OK);
		assert_int_equal(request_returned_choice(db, ids[i], "refund", &eb), WQ_OK);
	}
	agdal_to_recover(2, 5000, 0);
	testlib_assert_balanced(db, &b);

	/* C (40.00): its batch takes back A's 30.00 (the oldest), not B's (40.00 < 50.00) */
	agdal_earned(4000, 0);
	int64_t second = build_agdal(&items, &total);
	assert_int_equal(total, 4000);
	batch_of(second, &s);
	assert_int_equal(s.total_centimes, 4000);
	assert_int_equal(s.recovered_count, 1);
	assert_int_equal(s.recovered_centimes, 3000);
	assert_int_equal(sql_int("SELECT f.request_id FROM settlement_recoveries k JOIN refunds f"
				 " ON f.id = k.refund_id WHERE k.settlement_id = ?", second), a);
	assert_int_equal(sql_int("SELECT from_settlement_id FROM settlement_recoveries"
				 " WHERE settlement_id = ?", second), first);
	agdal_to_recover(1, 2000, 3000);
	testlib_assert_balanced(db, &b);
	assert_int_equal(b.recovered - b0.recovered, 3000);
	assert_int_equal(b.recover - b0.recover, 5000);

	/* D (10.00): B's 20.00 does not fit, nothing is taken back; E (25.00) takes it */
	agdal_earned(1000, 0);
	int64_t third = build_agdal(&items, &total);
	batch_of(third, &s);
	assert_int_equal(s.total_centimes, 1000);
	assert_int_equal(s.recovered_centimes, 0);
	agdal_earned(2500, 0);
	int64_t fourth = build_agdal(&items, &total);
	batch_of(fourth, &s);
	assert_int_equal(s.total_centimes - s.recovered_centimes, 500);
	assert_int_equal(sql_int("SELECT f.request_id FROM settlement_recoveries k JOIN refunds f"
				 " ON f.id = k.refund_id WHERE k.settlement_id = ?", fourth), bb);
	agdal_to_recover(0, 0, 5000);
	/* a build with nothing due takes nothing back, and nothing twice */
	assert_int_equal(build_agdal(&items, &total), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM settlement_recoveries WHERE ?", 1), 2);

	/* the transfer is of what is left: 40.00 - 30.00; finance2 reads what RBT-AGDAL
	 * received or is to receive net of what was taken back */
	struct fin_summary sum;
	struct fin_period all = {0, wq_now() + 1};
	struct actor f2 = testlib_who(db, "finance2");
	assert_int_equal(finance_summary(db, &f2, 0, &all, &sum, &eb), WQ_OK);
	int64_t built = sum.built_centimes;
	assert_int_equal(treasury_mark_transferred(db, &tre, second, "VIR-AGDAL-0002", &eb), WQ_OK);
	assert_int_equal(finance_summary(db, &f2, 0, &all, &sum, &eb), WQ_OK);
	assert_int_equal(sum.built_centimes, built - 1000);
	assert_int_equal(sum.transferred_centimes, 1000);
	assert_int_equal(sum.batches_transferred, 1);
	char detail[200];
	sql_text("SELECT detail FROM audit_log WHERE action = 'settlement.transfer' AND target ="
		 " 'settlement ' || ?", second, detail, sizeof detail);
	assert_non_null(strstr(detail, "RBT-AGDAL 10.00 MAD to "));
	sql_text("SELECT detail FROM audit_log WHERE action = 'settlement.build' AND target ="
		 " 'settlement ' || ?", second, detail, sizeof detail);
	assert_non_null(strstr(detail, "less 30.00 MAD taken back (1 fees), 10.00 MAD to transfer"));
	testlib_assert_balanced(db, &b);
	assert_int_equal(b.recovered - b0.recovered, 5000);

	/* `watiqa check` names a fee taken back for more than its refund, or from the
	 * batch that takes it back instead of the one that paid it */
	static const char *const broken[] = {
		"UPDATE settlement_recoveries SET amount_centimes = amount_centimes + 1"
		" WHERE settlement_id = %lld",
		"UPDATE settlement_recoveries SET amount_centimes = amount_centimes - 1,"
		" from_settlement_id = settlement_id WHERE settlement_id = %lld",
	};
	for (int i = 0; i < 2; i++) {
		char sql[200];
		snprintf(sql, sizeof sql, broken[i], (long long)second);
		assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(testlib_problems(db), 1);
	}
	assert_int_equal(sql_int("UPDATE settlement_recoveries SET from_settlement_id = ?"
				 " WHERE from_settlement_id = settlement_id RETURNING 1", first), 1);
	assert_int_equal(testlib_problems(db), 0);
}

int main(void)
{
	static const struct fixture fx = {"refund_desk", 20};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_and_transfer),
		cmocka_unit_test(test_recover_per_commune),
		cmocka_unit_test(test_recovered_in_next_batch),
	};
	return fixture_run_group(&fx, tests);
}
