/* testlib.h - what the data-layer tests share over a database (the fresh one of a group
 * is tests/fixture.c's): the actor of a demo account by name, an officer to sign, orders
 * paid or not, a value read straight from the file and `watiqa check`'s count of
 * problems.  Header-only (static inline), beside fixture.o in each tests/test_*.c's
 * binary.  Include after <cmocka.h>; a failure here fails the test with the reason. */
#ifndef WQ_TESTLIB_H
#define WQ_TESTLIB_H

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "demo.h"
#include "office.h"
#include "refund.h"
#include "request.h"
#include "serve.h"
#include "user.h"
#include "util.h"

/* A demo account's actor; "system" and "citizen" are the built-in ones. */
static inline struct actor testlib_who(struct db *db, const char *name)
{
	struct actor a;
	struct wq_errbuf eb;
	if (!strcmp(name, "system")) {
		actor_system(&a);
		return a;
	}
	if (!strcmp(name, "citizen")) {
		actor_citizen(&a);
		return a;
	}
	if (user_actor(db, name, &a, &eb))
		fail_msg("no actor %s: %s", name, eb.msg);
	return a;
}

/* The civil-status officer who signs for an office: officer1 at RBT-HAS-1 (and for the
 * office it relays), else one made for the test ("of.rbt-agd-1"). */
static inline struct actor testlib_officer(struct db *db, int64_t office_id)
{
	struct office o, at;
	struct user *users = NULL;
	struct wq_errbuf eb;
	struct actor a, sys;
	char name[USERNAME_MAX_BYTES];
	int n = 0;
	actor_system(&sys);
	if (office_get(db, office_id, &o, &eb) ||
	    office_get_by_code(db, o.relay_code[0] ? o.relay_code : o.code, &at, &eb) ||
	    user_list(db, ROLE_OFFICER, at.id, &users, &n, &eb))
		fail_msg("officer of office #%lld: %s", (long long)office_id, eb.msg);
	if (n > 0)
		wq_strlcpy(name, users[0].username, sizeof name);
	free(users);
	if (n == 0) {
		snprintf(name, sizeof name, "of.%s", at.code);
		for (char *p = name; *p; p++)
			*p = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
		if (user_add(db, &sys, name, "Officer", ROLE_OFFICER, at.code, "test-password-1",
			     NULL, &eb))
			fail_msg("officer %s: %s", name, eb.msg);
	}
	if (user_actor(db, name, &a, &eb))
		fail_msg("officer %s: %s", name, eb.msg);
	return a;
}

/* A request in production, submitted by `agent` and signed by its office's officer:
 * ready to be sealed. */
static inline int testlib_sign(struct db *db, const struct actor *agent, int64_t id,
			       struct wq_errbuf *eb)
{
	struct request r;
	struct actor sys, officer;
	actor_system(&sys);
	int rc = request_transition(db, agent, id, 0, RS_AWAITING_SIGNATURE, "", eb);
	if (rc || (rc = request_get(db, &sys, id, &r, eb)))
		return rc;
	officer = testlib_officer(db, r.office_id);
	return request_transition(db, &officer, id, 0, RS_SIGNED, "", eb);
}

/* A new web order at the office `office_code`, not paid yet: its id.  An extract for
 * `fee` centimes and, when full_copy_fee is not 0, a full copy as its second line. */
static inline int64_t testlib_unpaid(struct db *db, const char *office_code, int64_t fee,
				     int64_t full_copy_fee)
{
	struct request r;
	struct office o;
	struct wq_errbuf eb;
	char secret[SECRET_CODE_BYTES];
	memset(&r, 0, sizeof r);
	if (office_get_by_code(db, office_code, &o, &eb))
		fail_msg("office %s: %s", office_code, eb.msg);
	r.office_id = o.id;
	r.birth_commune_id = o.commune_id;
	strcpy(r.doc_type, "extract");
	r.copies = 1;
	r.fee_centimes = fee + full_copy_fee;
	if (full_copy_fee) {
		r.nlines = 2;
		strcpy(r.lines[0].doc_type, "extract");
		r.lines[0].copies = 1;
		r.lines[0].fee_centimes = fee;
		strcpy(r.lines[1].doc_type, "full_copy");
		r.lines[1].copies = 1;
		r.lines[1].fee_centimes = full_copy_fee;
	}
	strcpy(r.record_number, "78");
	r.record_year = 1990;
	strcpy(r.first_name_ar, "سعاد");
	strcpy(r.last_name_ar, "الفاسي");
	strcpy(r.first_name_lat, "Souad");
	strcpy(r.last_name_lat, "Testlib");
	strcpy(r.birth_date, "1990-06-01");
	strcpy(r.phone, "0612121213");
	strcpy(r.address, "3 rue de la Paix");
	strcpy(r.postal_code, "10000");
	strcpy(r.city, "Rabat");
	strcpy(r.lang, "fr");
	if (request_create(db, &r, NULL, 0, secret, &eb))
		fail_msg("create: %s", eb.msg);
	return r.id;
}

/* ... and paid `fee` through gateway ref `ref` (unique per call): its id. */
static inline int64_t testlib_paid_request(struct db *db, const char *office_code,
					   int64_t fee, const char *ref)
{
	struct wq_errbuf eb;
	int already;
	int64_t id = testlib_unpaid(db, office_code, fee, 0);
	if (request_mark_paid(db, id, ref, fee, &already, &eb))
		fail_msg("pay: %s", eb.msg);
	return id;
}

/* Column 0 of sql's first row with ?1 = arg (-1 when none); as text into out. */
static inline int64_t testlib_sql_int(struct db *db, const char *sql, int64_t arg)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db_handle(db)));
	sqlite3_bind_int64(st, 1, arg);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

static inline void testlib_sql_text(struct db *db, const char *sql, int64_t arg, char *out,
				    size_t len)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db_handle(db)));
	sqlite3_bind_int64(st, 1, arg);
	out[0] = 0;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		wq_strlcpy(out, (const char *)sqlite3_column_text(st, 0), len);
	sqlite3_finalize(st);
}

/* How many problems `watiqa check` finds (db_check), its report thrown away. */
static inline int testlib_problems(struct db *db)
{
	struct wq_errbuf eb;
	int n = -1;
	FILE *out = fopen("/dev/null", "w");
	if (!out || db_check(db, out, &n, &eb))
		fail_msg("check: %s", eb.msg);
	fclose(out);
	return n;
}

/* The money reconciles to the centime (collected - refunds = distributed + due - to
 * recover; refunds = refunded + pending + failed) and check finds nothing; the book in b. */
static inline void testlib_assert_balanced(struct db *db, struct money_book *b)
{
	struct wq_errbuf eb;
	assert_int_equal(refund_book(db, b, &eb), WQ_OK);
	assert_int_equal(b->collected - b->refunds, b->distributed + b->due - b->recover);
	assert_int_equal(b->refunds, b->refunded + b->refund_pending + b->refund_failed);
	assert_int_equal(testlib_problems(db), 0);
}

#endif
