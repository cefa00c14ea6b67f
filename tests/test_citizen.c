/* test_citizen.c - src/db_citizen.c and the outbox's rule for unpaid orders (issue 12,
 * holes 1, 6, 8): secret codes of 60 bits stored as an HMAC under the server key, a
 * back-off per tracking number after wrong codes (existing number or not), the older
 * unsalted hashes rewrapped with their codes still valid, unpaid orders per phone
 * capped, their personal data purged after retention, and no message ever queued for
 * a request that was never paid.  On a real SQLite file with the demo network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "office.h"
#include "outbox.h"
#include "request.h"
#include "secret.h"
#include "fixture.h"
#include "testlib.h"

static const unsigned char key[32] = "0123456789abcdef0123456789abcdef";

static int create(const char *phone, int max_unpaid, char secret[SECRET_CODE_BYTES],
		  struct request *r, struct wq_errbuf *eb)
{
	struct office o;
	memset(r, 0, sizeof *r);
	assert_int_equal(office_get(db, 1, &o, eb), WQ_OK);
	r->birth_commune_id = o.commune_id;
	strcpy(r->doc_type, "extract");
	r->copies = 1;
	r->fee_centimes = 2000;
	strcpy(r->record_number, "123");
	r->record_year = 1990;
	strcpy(r->first_name_ar, "محمد");
	strcpy(r->last_name_ar, "العلوي");
	strcpy(r->first_name_lat, "Mohammed");
	strcpy(r->last_name_lat, "Alaoui");
	strcpy(r->birth_date, "1990-03-14");
	strcpy(r->phone, phone);
	strcpy(r->email, "victim@example.ma");
	strcpy(r->address, "12 rue Oued Sebou");
	strcpy(r->postal_code, "10000");
	strcpy(r->city, "Rabat");
	return request_create(db, r, key, max_unpaid, secret, eb);
}

static void sql_text(const char *sql, char *out, size_t len)
{
	sqlite3_stmt *st;
	out[0] = 0;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static int lookup(const char *tracking, const char *code, int *wait)
{
	struct request r;
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	return request_get_citizen(db, key, tracking, code, &r, wait, &eb);
}

/* The sender's starting point (outbox_watermark, db/290): its first start does not text
 * the history the database was loaded with, and a restart before its first message
 * still texts what happened since that start: it was the newest event at each start
 * while the outbox was empty, and a paid request's events before a restart were never
 * texted (tests/e2e/web_unpaid_messages.sh restarts so). */
static void test_starting_point_kept(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	struct outbox_event ev[4];
	int64_t first = -1, again = -1;
	int k = 0;
	const char *newest = "SELECT coalesce(max(id), 0) FROM request_events";
	assert_int_equal(testlib_sql_int(db, "SELECT count(*) FROM outbox", 0), 0);
	testlib_paid_request(db, "RBT-HAS-1", 4000, "SP-LOADED-1"); /* the history loaded */
	int64_t loaded = testlib_sql_int(db, newest, 0);
	assert_true(loaded > 0);
	assert_int_equal(outbox_watermark(db, &first, &eb), WQ_OK);
	assert_int_equal(first, loaded);
	int64_t id = testlib_paid_request(db, "RBT-HAS-1", 4000, "SP-START-1");
	assert_true(testlib_sql_int(db, newest, 0) > loaded);
	/* a restart, the outbox still empty: the same point, so the payment is read */
	assert_int_equal(outbox_watermark(db, &again, &eb), WQ_OK);
	assert_int_equal(again, first);
	assert_int_equal(outbox_events_after(db, again, ev, 4, &k, &eb), WQ_OK);
	assert_true(k >= 1);
	assert_int_equal(ev[k - 1].request_id, id);
	/* once a message was queued, its event is the point */
	assert_int_equal(outbox_enqueue(db, id, ev[k - 1].event_id, "sms", "0699000009", "x", &eb),
			 WQ_OK);
	assert_int_equal(outbox_watermark(db, &again, &eb), WQ_OK);
	assert_int_equal(again, ev[k - 1].event_id);
	assert_int_equal(testlib_sql_int(db, "SELECT count(*) FROM notify_start", 0), 1);
}

static void test_code_stored_as_hmac(void **state)
{
	(void)state;
	struct request r;
	struct wq_errbuf eb;
	char secret[SECRET_CODE_BYTES], sql[200], stored[128], canon[16], sha[65];
	assert_int_equal(create("0611000001", 0, secret, &r, &eb), WQ_OK);
	assert_int_equal(secret_canonical(secret, canon, sizeof canon), SECRET_NEW);
	snprintf(sql, sizeof sql, "SELECT secret_hash FROM requests WHERE id = %lld",
		 (long long)r.id);
	sql_text(sql, stored, sizeof stored);
	assert_int_equal(strlen(stored), 67);
	assert_memory_equal(stored, "h1:", 3);
	wq_sha256_hex(canon, strlen(canon), sha);
	assert_null(strstr(stored, sha)); /* not the unsalted hash any more */
	int wait;
	assert_int_equal(lookup(r.tracking, secret, &wait), WQ_OK);
	/* typed back in lower case, without dashes, O for 0 */
	char typed[16];
	snprintf(typed, sizeof typed, "%s", canon);
	for (char *p = typed; *p; p++)
		*p = (char)(*p == '0' ? 'o' : *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	assert_int_equal(lookup(r.tracking, typed, &wait), WQ_OK);
	assert_int_equal(lookup(r.tracking, "K7M4-9QXT-2HPB", &wait), WQ_ENOTFOUND);
	assert_int_equal(lookup(r.tracking, "K7M4-9QXT", &wait), WQ_EINVAL);
}

static void test_backoff(void **state)
{
	(void)state;
	struct request r;
	struct wq_errbuf eb;
	char secret[SECRET_CODE_BYTES];
	int wait = 0;
	assert_int_equal(create("0611000002", 0, secret, &r, &eb), WQ_OK);
	setenv("WATIQA_FAKE_NOW", "2000000000", 1);
	for (int i = 0; i < SECRET_FAILS_FREE; i++)
		assert_int_equal(lookup(r.tracking, "K7M4-9QXT-2HPB", &wait), WQ_ENOTFOUND);
	/* held back now: even the right code waits, and is not even checked.  Tries are
	 * stamped in whole seconds and the last may have come at 2000000000.999, so the wait
	 * runs until 2000000000 + delay has fully passed: one second more than the delay
	 * (wq_wait_left), so that nobody gets in before the delay's full length */
	assert_int_equal(lookup(r.tracking, secret, &wait), WQ_EBUSY);
	assert_int_equal(wait, SECRET_DELAY_BASE_SECONDS + 1);
	char sql[200], fails[16];
	snprintf(sql, sizeof sql, "SELECT fails FROM secret_tries WHERE tracking = '%s'",
		 r.tracking);
	sql_text(sql, fails, sizeof fails);
	assert_string_equal(fails, "5");
	/* at 2000000002 as little as 1.001 s may have passed: still held */
	setenv("WATIQA_FAKE_NOW", "2000000002", 1);
	assert_int_equal(lookup(r.tracking, secret, &wait), WQ_EBUSY);
	assert_int_equal(wait, 1);
	/* the wait over, a wrong code doubles it; the right code clears the count */
	setenv("WATIQA_FAKE_NOW", "2000000003", 1);
	assert_int_equal(lookup(r.tracking, "K7M4-9QXT-2HPB", &wait), WQ_ENOTFOUND);
	assert_int_equal(lookup(r.tracking, secret, &wait), WQ_EBUSY);
	assert_int_equal(wait, 2 * SECRET_DELAY_BASE_SECONDS + 1);
	setenv("WATIQA_FAKE_NOW", "2000000007", 1);
	assert_int_equal(lookup(r.tracking, secret, &wait), WQ_EBUSY);
	assert_int_equal(wait, 1);
	setenv("WATIQA_FAKE_NOW", "2000000008", 1);
	assert_int_equal(lookup(r.tracking, secret, &wait), WQ_OK);
	sql_text(sql, fails, sizeof fails);
	assert_string_equal(fails, "");
	/* a number that exists nowhere is held back the same way: no telling which exist */
	char nobody[12];
	snprintf(nobody, sizeof nobody, "W100000000%d", wq_luhn_digit("100000000"));
	assert_true(wq_tracking_valid(nobody));
	for (int i = 0; i < SECRET_FAILS_FREE; i++)
		assert_int_equal(lookup(nobody, "K7M4-9QXT-2HPB", &wait), WQ_ENOTFOUND);
	assert_int_equal(lookup(nobody, "K7M4-9QXT-2HPB", &wait), WQ_EBUSY);
	/* at most SECRET_DELAY_MAX_SECONDS however many (told as one more, as above) */
	for (int i = 0; i < 30; i++) {
		char now[24];
		snprintf(now, sizeof now, "%d", 2000001000 + i * 1000);
		setenv("WATIQA_FAKE_NOW", now, 1);
		lookup(nobody, "K7M4-9QXT-2HPB", &wait);
	}
	assert_int_equal(lookup(nobody, "K7M4-9QXT-2HPB", &wait), WQ_EBUSY);
	assert_int_equal(wait, SECRET_DELAY_MAX_SECONDS + 1);
	/* a day left alone, the count is forgotten: the free tries again */
	int pruned = 0;
	setenv("WATIQA_FAKE_NOW", "2000200000", 1);
	assert_int_equal(request_secret_tries_prune(db, wq_now() - SECRET_TRIES_KEEP_SECONDS,
						    &pruned, &eb),
			 WQ_OK);
	assert_true(pruned >= 1);
	assert_int_equal(lookup(nobody, "K7M4-9QXT-2HPB", &wait), WQ_ENOTFOUND);
	unsetenv("WATIQA_FAKE_NOW");
}

static void test_legacy_rewrapped(void **state)
{
	(void)state;
	struct request r;
	struct wq_errbuf eb;
	char secret[SECRET_CODE_BYTES], sha[65], sql[300], stored[128];
	int n = 0, wait;
	assert_int_equal(create("0611000003", 0, secret, &r, &eb), WQ_OK);
	/* as the schema before db/101 stored it: unsalted SHA-256 of a 6-character code */
	wq_sha256_hex("AB23CD", 6, sha);
	snprintf(sql, sizeof sql, "UPDATE requests SET secret_hash = '%s' WHERE id = %lld", sha,
		 (long long)r.id);
	assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(request_secrets_rewrap(db, key, &n, &eb), WQ_OK);
	assert_true(n >= 1);
	snprintf(sql, sizeof sql, "SELECT secret_hash FROM requests WHERE id = %lld",
		 (long long)r.id);
	sql_text(sql, stored, sizeof stored);
	assert_memory_equal(stored, "h0:", 3);
	assert_null(strstr(stored, sha));
	assert_int_equal(lookup(r.tracking, "ab23cd", &wait), WQ_OK);
	assert_int_equal(lookup(r.tracking, "AB23CE", &wait), WQ_ENOTFOUND);
	assert_int_equal(request_secrets_rewrap(db, key, &n, &eb), WQ_OK);
	assert_int_equal(n, 0); /* once */
	/* no unsalted hash left anywhere, the demo's included */
	char left[16];
	sql_text("SELECT count(*) FROM requests WHERE secret_hash NOT LIKE 'h_:%'", left,
		 sizeof left);
	assert_string_equal(left, "0");
}

static void test_unpaid_per_phone(void **state)
{
	(void)state;
	struct request r;
	struct wq_errbuf eb;
	char secret[SECRET_CODE_BYTES], before[16], after[16];
	for (int i = 0; i < 3; i++)
		assert_int_equal(create("0699000001", 3, secret, &r, &eb), WQ_OK);
	sql_text("SELECT count(*) FROM requests", before, sizeof before);
	wq_errbuf_clear(&eb);
	assert_int_equal(create("0699000001", 3, secret, &r, &eb), WQ_ECONFLICT);
	assert_string_equal(eb.field, "phone");
	sql_text("SELECT count(*) FROM requests", after, sizeof after);
	assert_string_equal(before, after);
	/* another phone is not held back; a paid order frees its place */
	assert_int_equal(create("0699000002", 3, secret, &r, &eb), WQ_OK);
	sql_text("SELECT id FROM requests WHERE phone = '0699000001' LIMIT 1", before,
		 sizeof before);
	int already;
	assert_int_equal(request_mark_paid(db, atoll(before), "T-unpaid-1", 2000, &already, &eb),
			 WQ_OK);
	assert_int_equal(create("0699000001", 3, secret, &r, &eb), WQ_OK);
}

static void test_never_paid_never_texted_and_purged(void **state)
{
	(void)state;
	struct request unpaid, paid;
	struct wq_errbuf eb;
	char secret[SECRET_CODE_BYTES], sql[300], got[64];
	int already, n;
	assert_int_equal(create("0677000001", 0, secret, &unpaid, &eb), WQ_OK);
	assert_int_equal(create("0677000002", 0, secret, &paid, &eb), WQ_OK);
	assert_int_equal(request_mark_paid(db, paid.id, "T-purge-1", 2000, &already, &eb), WQ_OK);
	/* a message for the unpaid order is not queued; for the paid one it is */
	assert_int_equal(outbox_enqueue(db, unpaid.id, 0, "sms", "0677000001", "x", &eb), WQ_OK);
	assert_int_equal(outbox_enqueue(db, paid.id, 0, "sms", "0677000002", "x", &eb), WQ_OK);
	sql_text("SELECT group_concat(recipient) FROM outbox WHERE recipient LIKE '067700000%'",
		 got, sizeof got);
	assert_string_equal(got, "0677000002");
	/* expired, then past retention: personal data erased, number and history kept */
	setenv("WATIQA_FAKE_NOW", "4102444800", 1);
	assert_int_equal(request_expire_unpaid(db, PAYMENT_EXPIRY_SECONDS, &n, &eb), WQ_OK);
	assert_int_equal(request_purge_unpaid(db, 4102444800 - 30 * 86400, &n, &eb), WQ_OK);
	assert_true(n >= 1);
	snprintf(sql, sizeof sql,
		 "SELECT tracking || '|' || phone || email || last_name_lat || address || cin ||"
		 " '|' || (purged_at IS NOT NULL) FROM requests WHERE id = %lld",
		 (long long)unpaid.id);
	sql_text(sql, got, sizeof got);
	char want[64];
	snprintf(want, sizeof want, "%s||1", unpaid.tracking);
	assert_string_equal(got, want);
	snprintf(sql, sizeof sql, "SELECT phone || '|' || (purged_at IS NULL) FROM requests"
		 " WHERE id = %lld", (long long)paid.id);
	sql_text(sql, got, sizeof got);
	assert_string_equal(got, "0677000002|1");
	unsetenv("WATIQA_FAKE_NOW");
}

int main(void)
{
	static const struct fixture fx = {"citizen", 0};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starting_point_kept),
		cmocka_unit_test(test_code_stored_as_hmac),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_legacy_rewrapped),
		cmocka_unit_test(test_unpaid_per_phone),
		cmocka_unit_test(test_never_paid_never_texted_and_purged),
	};
	return fixture_run_group(&fx, tests);
}
