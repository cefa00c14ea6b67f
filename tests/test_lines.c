/* test_lines.c - one order, several documents (src/lines.c, src/db_lines.c,
 * db/211_request_lines.sql) on a real SQLite file with the demo network: the three
 * shapes of input read into lines, each error naming its field; a two-line order whose
 * fee is the sum of its lines (and the postage abroad); one line rejected refunds that
 * line alone (the payment stays confirmed, the other line goes on, a second rejection
 * of it is refused), the last line rejected rejects the request and refunds the rest;
 * the gateway's answers settle each line's refund and the payment once all are; the
 * treasury distributes only what was not refunded and the book balances to the
 * centime, `watiqa check` finding nothing. */
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
#include "fee.h"
#include "finance.h"
#include "lines.h"
#include "notify.h"
#include "outbox.h"
#include "office.h"
#include "refund.h"
#include "request.h"

#include "fixture.h"
#include "testlib.h"

/* ---- input ---- */
struct kv {
	const char *k[12], *v[12];
};

static const char *kv_get(void *ctx, const char *key)
{
	struct kv *p = ctx;
	for (int i = 0; i < 12 && p->k[i]; i++)
		if (!strcmp(p->k[i], key))
			return p->v[i];
	return NULL;
}

static void expect_error(struct kv *in, int form, const char *field, enum lines_err e)
{
	struct lines_input li;
	assert_true(lines_read(&li, kv_get, in, form) > 0);
	assert_int_equal(li.n, 0);
	const struct lines_error *err = lines_error_on(&li, field);
	if (!err)
		fail_msg("no error on %s (first: %s)", field, li.nerr ? li.errs[0].field : "-");
	assert_int_equal(err->err, e);
}

static void test_reading_lines(void **state)
{
	(void)state;
	struct lines_input li;
	/* the API's list, in the order given */
	struct kv api = {{"lines[0].doc_type", "lines[0].copies", "lines[1].doc_type",
			  "lines[1].copies"},
			 {"full_copy", "1", "extract", "3"}};
	assert_int_equal(lines_read(&li, kv_get, &api, 0), 0);
	assert_int_equal(li.n, 2);
	assert_string_equal(li.line[0].doc_type, "full_copy");
	assert_int_equal(li.line[0].no, 1);
	assert_int_equal(li.line[1].copies, 3);
	assert_int_equal(li.line[1].no, 2);
	/* the older single form: one line */
	struct kv old = {{"doc_type", "copies"}, {"extract", "2"}};
	assert_int_equal(lines_read(&li, kv_get, &old, 0), 0);
	assert_int_equal(li.n, 1);
	assert_int_equal(li.line[0].copies, 2);
	/* the form: a box left unticked is not a line, its copies list ignored */
	struct kv form = {{"lines[0].copies", "lines[1].doc_type", "lines[1].copies"},
			  {"4", "full_copy", "2"}};
	assert_int_equal(lines_read(&li, kv_get, &form, 1), 0);
	assert_int_equal(li.n, 1);
	assert_string_equal(li.line[0].doc_type, "full_copy");
	assert_int_equal(li.line[0].no, 1);
	/* ... but the API names the half-given element */
	expect_error(&form, 0, "lines[0].doc_type", LE_REQUIRED);

	struct kv copies = {{"lines[0].doc_type", "lines[0].copies", "lines[1].doc_type",
			     "lines[1].copies"},
			    {"extract", "1", "full_copy", "11"}};
	expect_error(&copies, 0, "lines[1].copies", LE_COPIES);
	copies.v[3] = "2x";
	expect_error(&copies, 0, "lines[1].copies", LE_COPIES);
	copies.v[3] = "";
	expect_error(&copies, 1, "lines[1].copies", LE_REQUIRED);
	struct kv twice = {{"lines[0].doc_type", "lines[0].copies", "lines[1].doc_type",
			    "lines[1].copies"},
			   {"extract", "1", "extract", "2"}};
	expect_error(&twice, 0, "lines[1].doc_type", LE_DUPLICATE);
	struct kv bad = {{"lines[0].doc_type", "lines[0].copies"}, {"birth_certificate", "1"}};
	expect_error(&bad, 0, "lines[0].doc_type", LE_DOC_TYPE);
	struct kv three = {{"lines[0].doc_type", "lines[0].copies", "lines[1].doc_type",
			    "lines[1].copies", "lines[2].doc_type", "lines[2].copies"},
			   {"extract", "1", "full_copy", "1", "extract", "1"}};
	expect_error(&three, 0, "lines", LE_TOO_MANY);
	struct kv both = {{"doc_type", "copies", "lines[0].doc_type", "lines[0].copies"},
			  {"extract", "1", "full_copy", "1"}};
	expect_error(&both, 0, "doc_type", LE_BOTH);
	struct kv none = {{"lang"}, {"fr"}};
	expect_error(&none, 1, "lines", LE_NO_LINE);
	struct kv unticked = {{"lines[0].copies", "lines[1].copies"}, {"1", "1"}};
	expect_error(&unticked, 1, "lines", LE_NO_LINE);
	struct kv scalar = {{"lines"}, {"extract"}};
	expect_error(&scalar, 0, "lines", LE_NOT_LIST);
	struct kv old_bad = {{"doc_type", "copies"}, {"extract", "0"}};
	expect_error(&old_bad, 0, "copies", LE_COPIES);
}

/* ---- the data layer ---- */
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

static void assert_balanced(void)
{
	struct money_book b;
	testlib_assert_balanced(db, &b);
}

/* A paid order at RBT-HAS-1: 2 extracts and 1 full copy, priced by etc/fees.conf, plus
 * postage (0 in Morocco). */
static int64_t two_line_order(int64_t postage, int64_t *fee)
{
	static int seq;
	struct request r;
	struct office o;
	struct fee_table t;
	struct wq_errbuf eb;
	char secret[SECRET_CODE_BYTES], ref[32];
	int already;
	memset(&r, 0, sizeof r);
	assert_int_equal(fee_load(&t, "etc/fees.conf", &eb), WQ_OK);
	assert_int_equal(office_get_by_code(db, "RBT-HAS-1", &o, &eb), WQ_OK);
	r.office_id = o.id;
	r.birth_commune_id = o.commune_id;
	r.nlines = 2;
	strcpy(r.lines[0].doc_type, "extract");
	r.lines[0].copies = 2;
	strcpy(r.lines[1].doc_type, "full_copy");
	r.lines[1].copies = 1;
	int64_t sum;
	assert_int_equal(lines_price(&t, r.lines, 2, &sum, &eb), WQ_OK);
	assert_int_equal(r.lines[0].fee_centimes, 4000); /* 20 + 20 */
	assert_int_equal(r.lines[1].fee_centimes, 3000);
	r.fee_centimes = sum + postage;
	strcpy(r.record_number, "88");
	r.record_year = 1992;
	strcpy(r.first_name_ar, "سعاد");
	strcpy(r.last_name_ar, "الفاسي");
	strcpy(r.first_name_lat, "Souad");
	strcpy(r.last_name_lat, "Linetest");
	strcpy(r.birth_date, "1992-06-01");
	strcpy(r.phone, "0612121213");
	strcpy(r.address, "3 rue de la Paix");
	strcpy(r.postal_code, "10000");
	strcpy(r.city, "Rabat");
	strcpy(r.lang, "fr");
	if (request_create(db, &r, NULL, 0, secret, &eb))
		fail_msg("create: %s", eb.msg);
	snprintf(ref, sizeof ref, "LT-%d-%d", getpid(), ++seq);
	if (request_mark_paid(db, r.id, ref, r.fee_centimes, &already, &eb))
		fail_msg("pay: %s", eb.msg);
	*fee = r.fee_centimes;
	return r.id;
}

static void test_one_line_rejected_refunds_that_line(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor agent = who("agent1"), other = who("agent3");
	struct request r;
	int64_t fee, id = two_line_order(0, &fee);
	assert_int_equal(fee, 7000);
	assert_int_equal(request_get(db, &agent, id, &r, &eb), WQ_OK);
	assert_int_equal(r.nlines, 2);
	assert_string_equal(r.doc_type, "extract"); /* the first line stands for it */
	assert_int_equal(request_claim(db, &agent, id, 0, &eb), WQ_OK);

	/* another office's agent: refused, nothing changes */
	int64_t v = sql_int("SELECT version FROM requests WHERE id = ?", id);
	assert_int_not_equal(request_line_reject(db, &other, id, 0, 2, "x", &eb), WQ_OK);
	assert_int_equal(request_line_reject(db, &agent, id, 0, 3, "x", &eb), WQ_EINVAL);
	assert_int_equal(request_line_reject(db, &agent, id, 0, 2, "", &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "reason");
	assert_int_equal(request_line_reject(db, &agent, id, v + 7, 2, "x", &eb), WQ_ECONFLICT);
	assert_int_equal(sql_int("SELECT count(*) FROM refunds WHERE request_id = ?", id), 0);

	/* the full copy rejected: its 30.00 alone goes back */
	assert_int_equal(request_line_reject(db, &agent, id, v, 2, "volet II illisible", &eb),
			 WQ_OK);
	assert_int_equal(sql_int("SELECT count(*) FROM refunds WHERE request_id = ?", id), 1);
	assert_int_equal(sql_int("SELECT amount_centimes FROM refunds WHERE request_id = ?"
				 " AND line_no = 2", id), 3000);
	assert_int_equal(sql_int("SELECT status = 'confirmed' FROM payments WHERE request_id = ?",
				 id), 1);
	assert_int_equal(request_get(db, &agent, id, &r, &eb), WQ_OK);
	assert_int_equal(r.state, RS_CLAIMED);
	assert_int_equal(r.version, v + 1);
	assert_true(r.lines[1].rejected);
	assert_string_equal(r.lines[1].reject_reason, "volet II illisible");
	assert_false(r.lines[0].rejected);
	assert_int_equal(sql_int("SELECT count(*) FROM request_events WHERE request_id = ?"
				 " AND note LIKE 'line 2 rejected%'", id), 1);
	/* again: refused, no second refund */
	assert_int_equal(request_line_reject(db, &agent, id, 0, 2, "encore", &eb), WQ_ECONFLICT);
	assert_int_equal(sql_int("SELECT count(*) FROM refunds WHERE request_id = ?", id), 1);
	assert_balanced();

	/* the gateway refunds it: the payment stays confirmed for the extract */
	int64_t fid = sql_int("SELECT id FROM refunds WHERE request_id = ?", id);
	assert_int_equal(refund_mark_sending(db, fid, wq_now() + 60, &eb), WQ_OK);
	assert_int_equal(refund_mark_done(db, fid, "RFD-1", "sms", &eb), WQ_OK);
	assert_int_equal(sql_int("SELECT status = 'confirmed' FROM payments WHERE request_id = ?",
				 id), 1);
	assert_balanced();

	/* the extract produced and sealed: the treasury distributes 40.00, not 70.00 */
	struct actor officer = who("officer1"), tre = who("treasury1");
	static const enum req_state path[] = {RS_IN_PRODUCTION, RS_AWAITING_SIGNATURE, RS_SIGNED,
					      RS_READY};
	for (size_t i = 0; i < sizeof path / sizeof *path; i++)
		if (request_transition(db, path[i] == RS_SIGNED ? &officer : &agent, id, 0,
				       path[i], "", &eb))
			fail_msg("%s: %s", req_state_name(path[i]), eb.msg);
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
	assert_int_equal(sql_int("SELECT amount_centimes FROM settlement_items WHERE request_id = ?",
				 id), 4000);
	/* the batch's list of items says 40.00 for it too, and adds up to the batch */
	struct fin_payment *it = NULL;
	int n = 0;
	int64_t sid = sql_int("SELECT settlement_id FROM settlement_items WHERE request_id = ?", id);
	assert_int_equal(treasury_batch_items(db, &tre, sid, &it, &n, &eb), WQ_OK);
	int64_t sum = 0, mine = 0;
	for (int i = 0; i < n; i++) {
		sum += it[i].amount_centimes;
		if (it[i].request_id == id)
			mine = it[i].amount_centimes;
	}
	free(it);
	assert_int_equal(mine, 4000);
	assert_int_equal(sum, sql_int("SELECT total_centimes FROM settlements WHERE id = ?", sid));
	assert_balanced();
}

static void test_last_line_rejects_the_request(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor agent = who("agent1");
	struct request r;
	int64_t fee, id = two_line_order(4500, &fee); /* delivered abroad: postage 45.00 */
	assert_int_equal(fee, 11500);
	assert_int_equal(request_claim(db, &agent, id, 0, &eb), WQ_OK);
	assert_int_equal(request_line_reject(db, &agent, id, 0, 1, "acte introuvable", &eb), WQ_OK);
	assert_int_equal(request_line_reject(db, &agent, id, 0, 2, "acte introuvable", &eb), WQ_OK);
	assert_int_equal(request_get(db, &agent, id, &r, &eb), WQ_OK);
	assert_int_equal(r.state, RS_REJECTED);
	assert_true(r.lines[0].rejected && r.lines[1].rejected);
	/* line 1, line 2, then the rest (the postage): everything back, once */
	assert_int_equal(sql_int("SELECT count(*) FROM refunds WHERE request_id = ?", id), 3);
	assert_int_equal(sql_int("SELECT sum(amount_centimes) FROM refunds WHERE request_id = ?",
				 id), 11500);
	assert_int_equal(sql_int("SELECT amount_centimes FROM refunds WHERE request_id = ?"
				 " AND line_no = 0", id), 4500);
	/* both documents rejected within the same second: the request's rejection still
	 * counts the one before it, so the citizen reads "the rest", not the whole fee */
	int64_t ev = sql_int("SELECT max(id) FROM request_events WHERE request_id = ?", id);
	struct outbox_event oe;
	int got = 0;
	assert_int_equal(outbox_events_after(db, ev - 1, &oe, 1, &got, &eb), WQ_OK);
	assert_int_equal(got, 1);
	assert_int_equal(oe.to, RS_REJECTED);
	assert_int_equal(oe.lines_refunded_before, 1);
	assert_int_equal(sql_int("SELECT status = 'refund_owed' FROM payments WHERE"
				 " request_id = ?", id), 1);
	assert_balanced();
	/* settled one by one: the payment is refunded with the last */
	sqlite3_stmt *st;
	int64_t ids[3];
	int n = 0;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), "SELECT id FROM refunds WHERE"
					    " request_id = ? ORDER BY id", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	while (n < 3 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sql_int("SELECT status = 'refunded' FROM payments WHERE"
					 " request_id = ?", id), 0);
		assert_int_equal(refund_mark_done(db, ids[i], "RFD", "sms", &eb), WQ_OK);
	}
	assert_int_equal(sql_int("SELECT status = 'refunded' FROM payments WHERE request_id = ?",
				 id), 1);
	assert_balanced();

	/* a whole rejection of a two-line order: both lines rejected, all refunded */
	int64_t id2 = two_line_order(0, &fee);
	assert_int_equal(request_transition(db, &agent, id2, 0, RS_REJECTED, "hors ressort",
					    &eb), WQ_OK);
	assert_int_equal(sql_int("SELECT count(*) FROM request_lines WHERE request_id = ?"
				 " AND state = 'rejected'", id2), 2);
	assert_int_equal(sql_int("SELECT sum(amount_centimes) FROM refunds WHERE request_id = ?",
				 id2), 7000);
	/* a cancellation after one line was refunded: the rest only */
	int64_t id3 = two_line_order(0, &fee);
	assert_int_equal(db_begin(db, &eb), WQ_OK);
	assert_int_equal(refund_owe_line(db, id3, 1, "rejected", &eb), WQ_OK);
	assert_int_equal(refund_owe_line(db, id3, 1, "rejected", &eb), WQ_OK); /* no twice */
	assert_int_equal(refund_owe(db, id3, "cancelled", &eb), WQ_OK);
	assert_int_equal(db_commit(db, &eb), WQ_OK);
	assert_int_equal(sql_int("SELECT count(*) FROM refunds WHERE request_id = ?", id3), 2);
	assert_int_equal(sql_int("SELECT sum(amount_centimes) FROM refunds WHERE request_id = ?",
				 id3), 7000);
	/* the line tried twice took nothing out of the treasury's totals (db/250's BEFORE
	 * INSERT trigger fired for the row that OR IGNORE then dropped: -2 fees, -60.00) */
	assert_balanced();
}

/* The refunds of the order's lines settled one by one (sent, then answered) and what
 * the citizen was texted of them (the outbox's SMS with no event: refund messages). */
static int64_t settle_all(int64_t id, int refused_line, char *sms, size_t len)
{
	static const char told[] = "SELECT %s FROM outbox WHERE request_id = ? AND channel = 'sms'"
				   " AND body LIKE '%%rembours%%' AND body NOT LIKE '%%seront rembours%%'";
	char sql[256];
	struct wq_errbuf eb;
	struct refund *f = NULL;
	int n = 0, first = -1;
	snprintf(sql, sizeof sql, told, "count(*)");
	int64_t before = sql_int(sql, id);
	assert_int_equal(refund_list(db, id, &f, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++) {
		char one[OUTBOX_BODY_BYTES];
		if (f[i].state != REFUND_OWED)
			continue;
		/* nothing told while one of them is still out */
		assert_int_equal(sql_int(sql, id), before);
		assert_int_equal(refund_mark_sending(db, f[i].id, wq_now() + 60, &eb), WQ_OK);
		refund_message(&f[i], f[i].line_no != refused_line, one, sizeof one);
		if (f[i].line_no == refused_line)
			assert_int_equal(refund_mark_failed(db, f[i].id, "card blocked", one, &eb),
					 WQ_OK);
		else
			assert_int_equal(refund_mark_done(db, f[i].id, "RFD", one, &eb), WQ_OK);
		first = first < 0 ? i : first;
	}
	/* a second answer for one of them tells nothing more */
	if (first >= 0)
		assert_int_equal(refund_mark_done(db, f[first].id, "RFD", "again", &eb), WQ_OK);
	free(f);
	snprintf(sql, sizeof sql, told, "group_concat(body, ' | ')");
	testlib_sql_text(db, sql, id, sms, len);
	snprintf(sql, sizeof sql, told, "count(*)");
	return sql_int(sql, id);
}

/* A whole two-document order rejected: one gateway refund per line (each its own key),
 * but one message to the citizen, sent with the last answer, saying what came back in
 * all; the card refusing one line's: one message saying both.  A line refunded before
 * (its own event) was told by itself. */
static void test_whole_order_refund_told_once(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor agent = who("agent1");
	char sms[1024];
	int64_t fee, id = two_line_order(0, &fee);
	assert_int_equal(request_transition(db, &agent, id, 0, RS_REJECTED, "hors ressort", &eb),
			 WQ_OK);
	assert_int_equal(sql_int("SELECT count(DISTINCT idem_key) FROM refunds WHERE"
				 " request_id = ?", id), 2);
	assert_int_equal(sql_int("SELECT count(DISTINCT owed_group) FROM refunds WHERE"
				 " request_id = ?", id), 1);
	assert_int_equal(settle_all(id, 0, sms, sizeof sms), 1);
	assert_non_null(strstr(sms, ": 70.00 DH ont été remboursés sur votre carte."));
	assert_int_equal(sql_int("SELECT status = 'refunded' FROM payments WHERE request_id = ?",
				 id), 1);

	/* the card refuses the full copy's refund: one message, both amounts */
	int64_t id2 = two_line_order(0, &fee);
	assert_int_equal(request_transition(db, &agent, id2, 0, RS_REJECTED, "hors ressort",
					    &eb), WQ_OK);
	assert_int_equal(settle_all(id2, 2, sms, sizeof sms), 1);
	assert_non_null(strstr(sms, ": 40.00 DH ont été remboursés sur votre carte ; le "
				    "remboursement de 30.00 DH a été refusé."));

	/* one document refused first (its own event, its own message), then the rest */
	int64_t id3 = two_line_order(0, &fee);
	assert_int_equal(request_claim(db, &agent, id3, 0, &eb), WQ_OK);
	assert_int_equal(request_line_reject(db, &agent, id3, 0, 2, "volet II illisible", &eb),
			 WQ_OK);
	assert_int_equal(settle_all(id3, 0, sms, sizeof sms), 1);
	assert_non_null(strstr(sms, ": 30.00 DH ont été remboursés"));
	assert_int_equal(request_transition(db, &agent, id3, 0, RS_REJECTED, "acte introuvable",
					    &eb), WQ_OK);
	assert_int_equal(sql_int("SELECT count(DISTINCT owed_group) FROM refunds WHERE"
				 " request_id = ?", id3), 2);
	assert_int_equal(settle_all(id3, 0, sms, sizeof sms), 2);
	assert_non_null(strstr(sms, "30.00 DH ont été remboursés sur votre carte. | "));
	assert_non_null(strstr(sms, ": 40.00 DH ont été remboursés sur votre carte."));
	assert_balanced();
}

/* finance1's rows of payment `id` from the per-document export: "doc:amount:refunded"
 * joined by spaces, and the sum of their amounts. */
static int64_t export_rows(int64_t id, char *out, size_t len)
{
	struct actor fin = who("finance1");
	struct fin_period all = {0, wq_now() + 1};
	struct fin_payment *rows = NULL;
	struct wq_errbuf eb;
	int n = 0;
	int64_t sum = 0;
	size_t at = 0;
	assert_int_equal(finance_payment_lines(db, &fin, 0, &all, &rows, &n, &eb), WQ_OK);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (rows[i].request_id != id)
			continue;
		at += (size_t)snprintf(out + at, len - at, "%s%d:%s:%lld:%lld:%s", at ? " " : "",
				       rows[i].line_no, rows[i].doc_type,
				       (long long)rows[i].amount_centimes,
				       (long long)rows[i].refunded_centimes,
				       fin_bucket_name(rows[i].bucket));
		sum += rows[i].amount_centimes;
	}
	free(rows);
	return sum;
}

/* The finance CSV lists each document of an order at its own fee (an order of an
 * extract and a full copy was one row under "extract"): a rejected document's row is
 * refunded and never distributed, the postage abroad a row of its own; each payment's
 * rows add up to it, and the file has one row per document. */
static void test_export_per_document(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct actor agent = who("agent1"), fin = who("finance1");
	char got[400];
	int64_t fee, id = two_line_order(0, &fee);
	assert_int_equal(export_rows(id, got, sizeof got), 7000);
	assert_string_equal(got, "1:extract:4000:0:processing 2:full_copy:3000:0:processing");
	assert_int_equal(request_claim(db, &agent, id, 0, &eb), WQ_OK);
	assert_int_equal(request_line_reject(db, &agent, id, 0, 2, "volet II illisible", &eb),
			 WQ_OK);
	assert_int_equal(export_rows(id, got, sizeof got), 7000);
	assert_string_equal(got, "1:extract:4000:0:processing 2:full_copy:3000:3000:refund owed");
	/* abroad: the postage is a row of its own; the whole order rejected, all refunded */
	int64_t id2 = two_line_order(4500, &fee);
	assert_int_equal(request_transition(db, &agent, id2, 0, RS_REJECTED, "hors ressort", &eb),
			 WQ_OK);
	assert_int_equal(export_rows(id2, got, sizeof got), 11500);
	assert_string_equal(got, "1:extract:4000:4000:refund owed 2:full_copy:3000:3000:refund owed"
				 " 0:postage:4500:4500:refund owed");

	/* the file: a header, then one row per document, the amounts adding up */
	char path[600], dir[64], line[512];
	struct fin_period all = {0, wq_now() + 1};
	snprintf(dir, sizeof dir, "/tmp/wq-test-lines-export-%d", getpid());
	setenv("WATIQA_PRINT_DIR", dir, 1);
	assert_int_equal(finance_export_csv(db, &fin, 0, &all, &cfg, path, sizeof path, &eb),
			 WQ_OK);
	unsetenv("WATIQA_PRINT_DIR");
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int rows = 0, mine = 0;
	double sum = 0;
	char tracking[TRACKING_BYTES];
	testlib_sql_text(db, "SELECT tracking FROM requests WHERE id = ?", id2, tracking,
			 sizeof tracking);
	assert_non_null(fgets(line, sizeof line, f));
	assert_non_null(strstr(line, ",settlement,line,refunded_mad\r\n"));
	while (fgets(line, sizeof line, f)) {
		char *c = line;
		for (int k = 0; k < 5 && c; k++)
			c = strchr(c + 1, ',');
		assert_non_null(c);
		sum += strtod(c + 1, NULL);
		rows++;
		mine += strstr(line, tracking) != NULL;
	}
	fclose(f);
	unlink(path);
	rmdir(dir);
	assert_int_equal(mine, 3);
	struct fin_payment *pay = NULL;
	int n = 0;
	assert_int_equal(finance_payment_lines(db, &fin, 0, &all, &pay, &n, &eb), WQ_OK);
	free(pay);
	assert_int_equal(rows, n);
	struct fin_summary s;
	assert_int_equal(finance_summary(db, &fin, 0, &all, &s, &eb), WQ_OK);
	assert_int_equal((int64_t)(sum * 100 + 0.5), s.collected_centimes);
}

/* The citizen hears of a rejected line: which document, why, its fee coming back. */
static void test_line_rejection_message(void **state)
{
	(void)state;
	struct outbox_event e;
	char out[OUTBOX_BODY_BYTES];
	memset(&e, 0, sizeof e);
	e.from = e.to = RS_CLAIMED;
	strcpy(e.tracking, "W1234567897");
	strcpy(e.lang, "fr");
	strcpy(e.note, "line 2 rejected (full copy x1): volet II illisible");
	assert_int_equal(notify_message(&e, out, sizeof out), 1);
	assert_non_null(strstr(out, "W1234567897"));
	assert_non_null(strstr(out, "« copie intégrale »"));
	assert_non_null(strstr(out, "Motif : volet II illisible."));
	strcpy(e.lang, "ar");
	strcpy(e.note, "line 1 rejected (extract x3): السجل مفقود");
	assert_int_equal(notify_message(&e, out, sizeof out), 1);
	assert_non_null(strstr(out, "موجز"));
	assert_non_null(strstr(out, "السجل مفقود"));
	/* the last one rejected after another: the rest comes back, not the whole fee */
	e.to = RS_REJECTED;
	e.fee_centimes = 7000;
	e.lines_refunded_before = 1;
	strcpy(e.lang, "fr");
	strcpy(e.note, "line 1 rejected (extract x2): record not found");
	assert_int_equal(notify_message(&e, out, sizeof out), 1);
	assert_non_null(strstr(out, "Le reste de votre paiement sera remboursé"));
	assert_null(strstr(out, "70.00"));
	e.lines_refunded_before = 0;
	assert_int_equal(notify_message(&e, out, sizeof out), 1);
	assert_non_null(strstr(out, "Les 70.00 DH seront remboursés"));
	e.to = RS_CLAIMED;
	/* a move between offices stays silent, as before */
	strcpy(e.note, "wrong office");
	assert_int_equal(notify_message(&e, out, sizeof out), 0);
}

int main(void)
{
	static const struct fixture fx = {"lines", 30};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reading_lines),
		cmocka_unit_test(test_one_line_rejected_refunds_that_line),
		cmocka_unit_test(test_last_line_rejects_the_request),
		cmocka_unit_test(test_whole_order_refund_told_once),
		cmocka_unit_test(test_export_per_document),
		cmocka_unit_test(test_line_rejection_message),
	};
	setenv("TZ", "Africa/Casablanca", 1);
	return fixture_run_group(&fx, tests);
}
