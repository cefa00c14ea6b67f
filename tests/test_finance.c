/* test_finance.c - the money: on a generated demo data set the treasury's batches hold
 * exactly the earned fees (sum of paid fees, to the centime); a request is never in two
 * batches, even when two processes build at once, and a build failing between communes
 * leaves the batches before it and the rest due; a rejected-after-payment request is a
 * refund, never distributed; a finance officer reads only his commune; the CSV export
 * has exact bytes; periods follow Moroccan local days (Ramadan's UTC+0 included). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "demo.h"
#include "finance.h"
#include "office.h"
#include "request.h"
#include "serve.h"
#include "user.h"
#include "util.h"

#include "fixture.h"
#include "testlib.h"

#define DEMO_REQUESTS 300
/* an envelope back from the post is held until collected or destroyed (finance.h) */
#define EARNED_BIT (STATE_BIT(RS_READY) | STATE_BIT(RS_WITH_POST) | STATE_BIT(RS_DELIVERED))

static struct actor who(const char *name)
{
	return testlib_who(db, name);
}

static int64_t commune_id(const char *code)
{
	struct commune *c = NULL;
	struct wq_errbuf eb;
	int n = 0;
	int64_t id = 0;
	assert_int_equal(commune_list(db, &c, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		if (!strcmp(c[i].code, code))
			id = c[i].id;
	free(c);
	assert_true(id > 0);
	return id;
}

/* What the treasury owes, counted the other way: every request a national actor sees,
 * earned (documents produced), paid before `to`, in no batch yet. */
static void expected_due(int64_t to, int *count, int64_t *centimes)
{
	struct actor support = who("support1");
	struct request_filter f = {.states = EARNED_BIT, .limit = 100000};
	struct request *r = NULL;
	struct wq_errbuf eb;
	int n = 0;
	assert_int_equal(request_list(db, &support, &f, &r, &n, &eb), WQ_OK);
	*count = 0;
	*centimes = 0;
	for (int i = 0; i < n; i++)
		if (r[i].paid_at < to) {
			(*count)++;
			*centimes += r[i].fee_centimes;
		}
	free(r);
}

static void batches_total(int *count, int64_t *centimes, int *nbatches)
{
	struct actor t = who("treasury1");
	struct settlement *s = NULL;
	struct wq_errbuf eb;
	int n = 0;
	assert_int_equal(treasury_batches(db, &t, 0, &s, &n, &eb), WQ_OK);
	*count = 0;
	*centimes = 0;
	for (int i = 0; i < n; i++) {
		*count += s[i].count;
		*centimes += s[i].total_centimes;
		/* each batch equals the sum of its own items */
		struct fin_payment *it = NULL;
		int m = 0;
		int64_t sum = 0;
		assert_int_equal(treasury_batch_items(db, &t, s[i].id, &it, &m, &eb), WQ_OK);
		for (int k = 0; k < m; k++)
			sum += it[k].amount_centimes;
		assert_int_equal(m, s[i].count);
		assert_int_equal(sum, s[i].total_centimes);
		free(it);
	}
	*nbatches = n;
	free(s);
}

static void test_periods(void **state)
{
	(void)state;
	struct fin_period p;
	struct wq_errbuf eb;
	char label[40];
	assert_int_equal(fin_period_parse("2025-11", &p, &eb), WQ_OK);
	assert_int_equal(p.from, 1761951600); /* 2025-11-01 00:00 +01:00 */
	assert_int_equal(p.to, 1764543600);
	fin_period_label(&p, label, sizeof label);
	assert_string_equal(label, "2025-11-01..2025-11-30");
	/* Ramadan 2025: Morocco is on UTC+0, a local day starts at 00:00 UTC */
	assert_int_equal(fin_period_parse("2025-03-15", &p, &eb), WQ_OK);
	assert_int_equal(p.from, 1741996800);
	assert_int_equal(p.to, 1742083200);
	assert_int_equal(fin_period_parse("2025-03-15..2025-11", &p, &eb), WQ_OK);
	assert_int_equal(p.to, 1764543600);
	assert_int_equal(fin_period_parse("2025-13", &p, &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "period");
	assert_int_equal(fin_period_parse("2025-02-29", &p, &eb), WQ_EINVAL);
	assert_int_equal(fin_period_parse("2025-11..2025-10", &p, &eb), WQ_EINVAL);
	assert_int_equal(fin_period_parse("nov", &p, &eb), WQ_EINVAL);
}

static void test_csv_exact_bytes(void **state)
{
	(void)state;
	struct fin_payment rows[2];
	memset(rows, 0, sizeof rows);
	rows[0] = (struct fin_payment){.request_id = 7, .confirmed_at = 1764151200,
				       .amount_centimes = 6000, .copies = 2,
				       .state = RS_DELIVERED, .settlement_id = 3,
				       .bucket = FB_TRANSFERRED, .line_no = 2};
	strcpy(rows[0].tracking, "W1234567897");
	strcpy(rows[0].doc_type, "full_copy");
	strcpy(rows[0].office_code, "RBT-HAS-1");
	strcpy(rows[0].gateway_ref, "PAY-1");
	strcpy(rows[0].pay_status, "confirmed");
	rows[1] = (struct fin_payment){.request_id = 8, .confirmed_at = 1741996800,
				       .amount_centimes = 2005, .copies = 1,
				       .state = RS_REJECTED, .bucket = FB_REFUND, .line_no = 1,
				       .refunded_centimes = 2005};
	strcpy(rows[1].tracking, "W0000000001");
	strcpy(rows[1].doc_type, "extract");
	strcpy(rows[1].office_code, "RBT-HAS-3");
	strcpy(rows[1].gateway_ref, "ref,with \"quotes\"");
	strcpy(rows[1].pay_status, "confirmed");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(finance_csv_write(f, rows, 2), 0);
	fclose(f);
	const char *want =
		"confirmed_at,tracking,doc_type,copies,office,amount_mad,payment_ref,"
		"payment_status,request_state,money_status,settlement,line,refunded_mad\r\n"
		"2025-11-26 11:00,W1234567897,full_copy,2,RBT-HAS-1,60.00,PAY-1,confirmed,"
		"delivered,transferred,3,2,0.00\r\n"
		"2025-03-15 00:00,W0000000001,extract,1,RBT-HAS-3,20.05,"
		"\"ref,with \"\"quotes\"\"\",confirmed,rejected,refund owed,,1,20.05\r\n";
	assert_string_equal(buf, want);
	assert_int_equal(len, strlen(want));
	free(buf);
}

/* finance1 (RBT-HASSAN) never reads RBT-AGDAL's money, by any function. */
static void test_finance_scope(void **state)
{
	(void)state;
	struct actor f1 = who("finance1"), f2 = who("finance2"), ag = who("agent1");
	struct fin_period all = {0, wq_now() + 1};
	struct fin_payment *p = NULL;
	struct fin_revenue_row *rev = NULL;
	struct fin_summary sum;
	struct settle_preview *pre = NULL;
	struct wq_errbuf eb;
	int64_t hassan = commune_id("RBT-HASSAN"), agdal = commune_id("RBT-AGDAL");
	int n = 0, n2 = 0;

	assert_int_equal(finance_payments(db, &f1, agdal, &all, &p, &n, &eb), WQ_EDENIED);
	assert_string_equal(eb.field, "commune");
	assert_int_equal(finance_revenue(db, &f1, agdal, &all, FIN_BY_DAY, &rev, &n, &eb),
			 WQ_EDENIED);
	assert_int_equal(finance_summary(db, &f1, agdal, &all, &sum, &eb), WQ_EDENIED);
	assert_int_equal(finance_payments(db, &ag, hassan, &all, &p, &n, &eb), WQ_EDENIED);
	assert_int_equal(finance_payments(db, &ag, 0, &all, &p, &n, &eb), WQ_EDENIED);

	assert_int_equal(finance_payments(db, &f1, 0, &all, &p, &n, &eb), WQ_OK);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		struct office o;
		assert_int_equal(office_get_by_code(db, p[i].office_code, &o, &eb), WQ_OK);
		assert_int_equal(o.commune_id, hassan);
	}
	struct fin_payment *q = NULL;
	assert_int_equal(finance_payments(db, &f2, 0, &all, &q, &n2, &eb), WQ_OK);
	for (int i = 0; i < n2; i++)
		for (int k = 0; k < n; k++)
			assert_int_not_equal(q[i].request_id, p[k].request_id);
	free(q);

	/* revenue rows and the summary add up to the payments, to the centime */
	int64_t paid = 0, byday = 0;
	for (int i = 0; i < n; i++)
		paid += p[i].amount_centimes;
	assert_int_equal(finance_revenue(db, &f1, 0, &all, FIN_BY_DAY, &rev, &n2, &eb), WQ_OK);
	for (int i = 0; i < n2; i++)
		byday += rev[i].centimes[0] + rev[i].centimes[1];
	free(rev);
	assert_int_equal(byday, paid);
	assert_int_equal(finance_summary(db, &f1, 0, &all, &sum, &eb), WQ_OK);
	int64_t buckets = 0;
	for (int b = 0; b < FB_COUNT; b++)
		buckets += sum.centimes[b];
	assert_int_equal(sum.collected_centimes, paid);
	assert_int_equal(buckets, paid);
	assert_int_equal(sum.collected_count, n);
	free(p);

	/* the treasury preview shows finance1 his commune only */
	assert_int_equal(treasury_preview(db, &f1, &all, &pre, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++)
		assert_int_equal(pre[i].commune_id, hassan);
	free(pre);
}

/* The preview, commune by commune, is what the payments themselves say (read through
 * finance_payments, another query); communes come in code order. */
static void check_preview_against_payments(const struct settle_preview *pre, int n,
					   int64_t to)
{
	struct actor t = who("treasury1");
	struct fin_period all = {0, wq_now() + 1};
	struct wq_errbuf eb;
	for (int i = 0; i < n; i++) {
		struct fin_payment *pay = NULL;
		int m = 0, cnt = 0, proc = 0;
		int64_t c = 0, pc = 0;
		if (i)
			assert_true(strcmp(pre[i - 1].commune_code, pre[i].commune_code) < 0);
		assert_int_equal(finance_payments(db, &t, pre[i].commune_id, &all, &pay, &m, &eb),
				 WQ_OK);
		for (int k = 0; k < m; k++) {
			if (pay[k].confirmed_at >= to || strcmp(pay[k].pay_status, "confirmed"))
				continue;
			if (pay[k].bucket == FB_AWAITING) {
				cnt++;
				c += pay[k].amount_centimes;
			} else if (pay[k].bucket == FB_PROCESSING &&
				   (pay[k].state == RS_PAID || pay[k].state == RS_CLAIMED ||
				    pay[k].state == RS_IN_PRODUCTION ||
				    pay[k].state == RS_AWAITING_SIGNATURE || pay[k].state == RS_SIGNED)) {
				proc++;
				pc += pay[k].amount_centimes;
			}
		}
		free(pay);
		assert_int_equal(pre[i].count, cnt);
		assert_int_equal(pre[i].centimes, c);
		assert_int_equal(pre[i].processing_count, proc);
		assert_int_equal(pre[i].processing_centimes, pc);
		assert_true(cnt > 0 || proc > 0);
	}
}

/* Each commune's batch is its own transaction: a build failing at the second commune
 * (a fault injected under the lock, as a full disk would) leaves the first commune's
 * batch built, audited and out of the preview, and the others due, unchanged, for the
 * next build (test_build_race_and_totals builds them). */
static void test_build_stops_between_communes(void **state)
{
	(void)state;
	struct actor t = who("treasury1");
	struct fin_period p = {0, wq_now()};
	struct settle_preview *pre = NULL, *after = NULL;
	struct settlement *s = NULL;
	struct wq_errbuf eb;
	int n = 0, n2 = 0, ns = 0, b, items, want_n, sum_n = 0, first = -1, second = -1;
	int64_t total, want_c, sum_c = 0;
	char sql[300];

	expected_due(p.to, &want_n, &want_c);
	assert_int_equal(treasury_preview(db, &t, &p, &pre, &n, &eb), WQ_OK);
	check_preview_against_payments(pre, n, p.to);
	for (int i = 0; i < n; i++) {
		sum_n += pre[i].count;
		sum_c += pre[i].centimes;
		if (pre[i].count && first < 0)
			first = i;
		else if (pre[i].count && second < 0)
			second = i;
	}
	assert_int_equal(sum_n, want_n); /* nothing is in a batch yet */
	assert_int_equal(sum_c, want_c);
	assert_true(first >= 0 && second > first);

	snprintf(sql, sizeof sql,
		 "CREATE TEMP TRIGGER test_fault BEFORE INSERT ON main.settlements"
		 " WHEN new.commune_id = %lld BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
		 (long long)pre[second].commune_id);
	assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(treasury_build(db, &t, &p, 0, &b, &items, &total, &eb), WQ_ECONFLICT);
	assert_int_equal(sqlite3_exec(db_handle(db), "DROP TRIGGER temp.test_fault", NULL, NULL,
				      NULL), SQLITE_OK);
	assert_non_null(strstr(eb.msg, pre[second].commune_code));
	assert_non_null(strstr(eb.msg, "1 batches built before it stand"));
	assert_int_equal(b, 1);
	assert_int_equal(items, pre[first].count);
	assert_int_equal(total, pre[first].centimes);

	assert_int_equal(treasury_batches(db, &t, 0, &s, &ns, &eb), WQ_OK);
	assert_int_equal(ns, 1);
	assert_int_equal(s[0].commune_id, pre[first].commune_id);
	assert_int_equal(s[0].count, pre[first].count);
	assert_int_equal(s[0].total_centimes, pre[first].centimes);
	free(s);

	/* the first commune is no longer due; every other one exactly as before */
	assert_int_equal(treasury_preview(db, &t, &p, &after, &n2, &eb), WQ_OK);
	check_preview_against_payments(after, n2, p.to);
	for (int i = 0, k = 0; i < n; i++) {
		if (i == first && !pre[i].processing_count)
			continue;
		assert_true(k < n2);
		assert_int_equal(after[k].commune_id, pre[i].commune_id);
		assert_int_equal(after[k].count, i == first ? 0 : pre[i].count);
		assert_int_equal(after[k].centimes, i == first ? 0 : pre[i].centimes);
		assert_int_equal(after[k].processing_count, pre[i].processing_count);
		k++;
	}
	free(pre);
	free(after);
}

/* Builds in two processes at once: each earned fee lands in exactly one batch. */
static void test_build_race_and_totals(void **state)
{
	(void)state;
	struct actor t = who("treasury1"), f1 = who("finance1");
	struct fin_period p = {0, wq_now()};
	struct wq_errbuf eb;
	int want_n, got_n, nb, b, items;
	int64_t want_c, got_c, total;

	expected_due(p.to, &want_n, &want_c);
	assert_true(want_n > 20);
	/* only the treasury builds; a period must be over */
	assert_int_equal(treasury_build(db, &f1, &p, 0, &b, &items, &total, &eb), WQ_EDENIED);
	struct fin_period future = {0, wq_now() + 86400};
	assert_int_equal(treasury_build(db, &t, &future, 0, &b, &items, &total, &eb),
			 WQ_EINVAL);
	assert_string_equal(eb.field, "period");

	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			struct db *mine;
			struct actor me;
			if (serve_open_db(&cfg, &mine, NULL, &eb) || user_actor(mine, "treasury1", &me, &eb))
				_exit(3);
			int rc = treasury_build(mine, &me, &p, 0, &b, &items, &total, &eb);
			db_close(mine);
			_exit(rc == WQ_OK ? 0 : 4);
		}
	}
	for (int k = 0; k < 2; k++) {
		int status;
		assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	batches_total(&got_n, &got_c, &nb);
	assert_int_equal(got_n, want_n);
	assert_int_equal(got_c, want_c);
	assert_true(nb >= 1);

	/* again: nothing is due, nothing is built */
	assert_int_equal(treasury_build(db, &t, &p, 0, &b, &items, &total, &eb), WQ_OK);
	assert_int_equal(b, 0);
	assert_int_equal(items, 0);
	int n2;
	int64_t c2;
	expected_due(p.to, &n2, &c2); /* earned fees all settled now */
	batches_total(&got_n, &got_c, &nb);
	assert_int_equal(got_n, n2);
}

/* A request produced after the batch joins the next one, once; a rejected one never. */
static void test_carry_over_and_refund(void **state)
{
	(void)state;
	struct actor t = who("treasury1"), ag = who("agent1"), f1 = who("finance1");
	struct request_filter f = {.states = STATE_BIT(RS_PAID), .agent_id = -1, .limit = 10,
				   .oldest_first = 1};
	struct request *q = NULL;
	struct wq_errbuf eb;
	int n = 0, b, items, before_n, nb;
	int64_t total, before_c;

	assert_int_equal(request_list(db, &ag, &f, &q, &n, &eb), WQ_OK);
	assert_true(n >= 2);
	int64_t done = q[0].id, rejected = q[1].id, fee = q[0].fee_centimes;
	free(q);
	assert_int_equal(request_claim(db, &ag, done, 0, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &ag, done, 0, RS_IN_PRODUCTION, "", &eb), WQ_OK);
	assert_int_equal(testlib_sign(db, &ag, done, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &ag, done, 0, RS_READY, "", &eb), WQ_OK);
	assert_int_equal(request_transition(db, &ag, rejected, 0, RS_REJECTED,
					    "record not found", &eb), WQ_OK);
	batches_total(&before_n, &before_c, &nb);
	/* an old period: the newly earned request, paid long ago, is carried into it */
	struct fin_period p = {0, wq_now()};
	assert_int_equal(treasury_build(db, &t, &p, 0, &b, &items, &total, &eb), WQ_OK);
	assert_int_equal(b, 1);
	assert_int_equal(items, 1);
	assert_int_equal(total, fee);

	struct fin_period all = {0, wq_now() + 1};
	struct fin_payment *pay = NULL;
	assert_int_equal(finance_payments(db, &f1, 0, &all, &pay, &n, &eb), WQ_OK);
	int seen_done = 0, seen_rej = 0;
	for (int i = 0; i < n; i++) {
		if (pay[i].request_id == done) {
			seen_done = 1;
			assert_int_equal(pay[i].bucket, FB_BATCHED);
		}
		if (pay[i].request_id == rejected) {
			seen_rej = 1;
			assert_int_equal(pay[i].bucket, FB_REFUND);
			assert_int_equal(pay[i].settlement_id, 0);
		}
	}
	free(pay);
	assert_true(seen_done && seen_rej);
}

static void test_mark_transferred(void **state)
{
	(void)state;
	struct actor t = who("treasury1"), f1 = who("finance1");
	struct settlement *s = NULL;
	struct audit_row *au = NULL;
	struct wq_errbuf eb;
	int n = 0, na = 0;
	assert_int_equal(treasury_batches(db, &f1, 0, &s, &n, &eb), WQ_OK);
	assert_true(n > 0);
	int64_t id = s[0].id, hassan = commune_id("RBT-HASSAN");
	for (int i = 0; i < n; i++)
		assert_int_equal(s[i].commune_id, hassan);
	free(s);
	assert_int_equal(treasury_mark_transferred(db, &f1, id, "VIR-2025-0001", &eb),
			 WQ_EDENIED);
	assert_int_equal(treasury_mark_transferred(db, &t, id, "x", &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "reference");
	assert_int_equal(treasury_mark_transferred(db, &t, id, "VIR-2025-0001", &eb), WQ_OK);
	assert_int_equal(treasury_mark_transferred(db, &t, id, "VIR-2025-0002", &eb),
			 WQ_ECONFLICT);
	assert_int_equal(audit_list(db, "settlement.", "treasury1", 100, &au, &na, &eb), WQ_OK);
	int builds = 0, transfers = 0;
	for (int i = 0; i < na; i++) {
		builds += !strcmp(au[i].action, "settlement.build");
		transfers += !strcmp(au[i].action, "settlement.transfer");
	}
	free(au);
	assert_true(builds >= 2);
	assert_int_equal(transfers, 1);
	/* the finance officer sees it as transferred */
	struct fin_summary sum;
	struct fin_period all = {0, wq_now() + 1};
	assert_int_equal(finance_summary(db, &f1, 0, &all, &sum, &eb), WQ_OK);
	assert_int_equal(sum.batches_transferred, 1);
	assert_true(sum.count[FB_TRANSFERRED] > 0);
	assert_int_equal(sum.centimes[FB_TRANSFERRED], sum.transferred_centimes);
}

static void test_export_file(void **state)
{
	(void)state;
	struct actor f1 = who("finance1");
	struct fin_period all = {0, wq_now() + 1};
	struct wq_errbuf eb;
	char path[600], dir[64];
	snprintf(dir, sizeof dir, "/tmp/wq-test-finance-export-%d", getpid());
	setenv("WATIQA_PRINT_DIR", dir, 1);
	assert_int_equal(finance_export_csv(db, &f1, 0, &all, &cfg, path, sizeof path, &eb),
			 WQ_OK);
	assert_non_null(strstr(path, "/revenue-RBT-HASSAN-"));
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[512];
	int lines = 0;
	while (fgets(line, sizeof line, f))
		lines++;
	fclose(f);
	struct fin_payment *p = NULL;
	int n = 0;
	assert_int_equal(finance_payment_lines(db, &f1, 0, &all, &p, &n, &eb), WQ_OK);
	free(p);
	assert_int_equal(lines, n + 1);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	static const struct fixture fx = {"finance", DEMO_REQUESTS};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_csv_exact_bytes),
		cmocka_unit_test(test_finance_scope),
		cmocka_unit_test(test_build_stops_between_communes),
		cmocka_unit_test(test_build_race_and_totals),
		cmocka_unit_test(test_carry_over_and_refund),
		cmocka_unit_test(test_mark_transferred),
		cmocka_unit_test(test_export_file),
	};
	setenv("TZ", "Africa/Casablanca", 1);
	return fixture_run_group(&fx, tests);
}
