/* confirm_cost.c - what the treasury's running totals (db/250) add to one payment
 * confirmation: request_mark_paid(), the project's own function (one BEGIN IMMEDIATE ..
 * COMMIT: the payment, the move to paid, its event, and the triggers), timed on two
 * copies of one generated database, one with the totals and one without (db/250's
 * view, table and triggers dropped: the schema before), alternately, so that both see
 * the same machine at the same moment.  First with synchronous=FULL, as the server
 * commits (the fsync dominates), then with synchronous=OFF (the statements alone).
 * It WRITES (new requests, paid): run it on scratch copies, never on the kingdom's.
 * Prints figures, never passes or fails on a time. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "request.h"
#include "util.h"

#define MAX_RUNS 2000

static double ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench/confirm_cost: %s: %s\n", what, msg);
	exit(1);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int has_totals(struct db *db)
{
	sqlite3_stmt *st;
	int yes = 0;
	if (sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM sqlite_master WHERE name ="
			       " 'treasury_due'", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		yes = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return yes;
}

/* n unpaid web orders at the first office that takes one (bench data: any person). */
static void orders(struct db *db, int64_t *ids, int n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_handle(db), "SELECT id, commune_id FROM offices ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		die("offices", sqlite3_errmsg(db_handle(db)));
	struct wq_errbuf eb = {0};
	char secret[SECRET_CODE_BYTES];
	for (int i = 0; i < n;) {
		struct request r;
		memset(&r, 0, sizeof r);
		if (i == 0 && sqlite3_step(st) != SQLITE_ROW)
			die("orders", "no office takes a web order");
		r.office_id = sqlite3_column_int64(st, 0);
		r.birth_commune_id = sqlite3_column_int64(st, 1);
		strcpy(r.doc_type, "extract");
		r.copies = 1;
		r.fee_centimes = 2000;
		strcpy(r.record_number, "1234");
		r.record_year = 1990;
		strcpy(r.first_name_ar, "سعاد");
		strcpy(r.last_name_ar, "الفاسي");
		strcpy(r.first_name_lat, "Souad");
		strcpy(r.last_name_lat, "Bench");
		strcpy(r.birth_date, "1990-06-01");
		strcpy(r.phone, "0612121212");
		strcpy(r.address, "3 rue de la Paix");
		strcpy(r.postal_code, "10000");
		strcpy(r.city, "Rabat");
		strcpy(r.lang, "fr");
		if (request_create(db, &r, NULL, 0, secret, &eb)) {
			if (i == 0)
				continue; /* this office takes none: the next one */
			die("request_create", eb.msg);
		}
		ids[i++] = r.id;
	}
	sqlite3_finalize(st);
}

static double confirm(struct db *db, int64_t id, const char *tag, int i)
{
	char ref[48];
	int already = 0;
	struct wq_errbuf eb = {0};
	snprintf(ref, sizeof ref, "BENCH-%s-%d-%lld", tag, i, (long long)wq_now());
	double t0 = ms_now();
	if (request_mark_paid(db, id, ref, 2000, &already, &eb) || already)
		die("request_mark_paid", eb.msg);
	return ms_now() - t0;
}

static void report(const char *mode, double *with, double *without, int n)
{
	qsort(with, (size_t)n, sizeof *with, cmp_d);
	qsort(without, (size_t)n, sizeof *without, cmp_d);
	double a = with[n / 2], b = without[n / 2];
	printf("%-22s with totals median %7.3f ms p90 %7.3f | without median %7.3f ms p90 %7.3f"
	       " | +%.3f ms, ratio %.3f\n", mode, a, with[(n * 9 + 9) / 10 - 1], b,
	       without[(n * 9 + 9) / 10 - 1], a - b, b > 0 ? a / b : 0);
}

int main(int argc, char **argv)
{
	const char *after = NULL, *before = NULL;
	int runs = 200;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			after = argv[++i];
		else if (!strcmp(argv[i], "--before") && i + 1 < argc)
			before = argv[++i];
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else
			after = NULL, i = argc;
	}
	if (!after || !before || runs < 5 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: confirm_cost --db COPY_WITH_TOTALS --before COPY_WITHOUT"
				" [--runs N]   (both are written to)\n");
		return 2;
	}
	struct db *a, *b;
	struct wq_errbuf eb = {0};
	if (db_open(after, &a, &eb))
		die(after, eb.msg);
	if (db_open(before, &b, &eb))
		die(before, eb.msg);
	if (!has_totals(a) || has_totals(b))
		die("schema", "--db must have treasury_due (db/250) and --before must not");
	static int64_t ia[2 * MAX_RUNS], ib[2 * MAX_RUNS];
	static double ta[MAX_RUNS], tb[MAX_RUNS];
	orders(a, ia, 2 * runs);
	orders(b, ib, 2 * runs);
	for (int phase = 0; phase < 2; phase++) {
		db_bulk_mode(a, phase);
		db_bulk_mode(b, phase);
		for (int i = 0; i < runs; i++) {
			int k = phase * runs + i;
			/* which goes first alternates too: neither always finds the disk idle */
			if (i % 2) {
				ta[i] = confirm(a, ia[k], "A", k);
				tb[i] = confirm(b, ib[k], "B", k);
			} else {
				tb[i] = confirm(b, ib[k], "B", k);
				ta[i] = confirm(a, ia[k], "A", k);
			}
		}
		report(phase ? "synchronous=OFF" : "synchronous=FULL", ta, tb, runs);
	}
	db_close(a);
	db_close(b);
	return 0;
}
