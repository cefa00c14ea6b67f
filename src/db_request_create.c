/* db_request_create.c - the data layer behind request_create(): the citizen's order
 * written in pending_payment with its lines (db/211: one row per document, their fees
 * summing to the order's fee with the postage abroad), the first event of its history
 * and its tracking number, in one BEGIN IMMEDIATE transaction (under which the open
 * unpaid orders of the phone number are counted and the chosen office checked again).
 * Any process with a `struct db`. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "office.h"
#include "request.h"
#include "secret.h"
#include "util.h"

/* What request.h promises of the input, checked before any write: an order without
 * lines is one line of doc_type and copies at the whole fee (the demo, older tests);
 * lines are of known types, once each, 1 to MAX_COPIES copies, their fees positive and
 * not above the order's fee (the rest is the postage abroad). */
static int create_check(struct request *in, struct wq_errbuf *eb)
{
	if (in->nlines == 0) {
		in->nlines = 1;
		memset(&in->lines[0], 0, sizeof in->lines[0]);
		in->lines[0].no = 1;
		wq_strlcpy(in->lines[0].doc_type, in->doc_type, sizeof in->lines[0].doc_type);
		in->lines[0].copies = in->copies;
		in->lines[0].fee_centimes = in->fee_centimes;
	}
	if (in->nlines < 0 || in->nlines > ORDER_LINES_MAX)
		return wq_fail(eb, WQ_EINVAL, "lines", "an order holds 1 to %d lines",
			       ORDER_LINES_MAX);
	int64_t sum = 0;
	for (int i = 0; i < in->nlines; i++) {
		struct req_line *l = &in->lines[i];
		char field[40]; /* "lines[-2147483648].doc_type" fits */
		snprintf(field, sizeof field, "lines[%d].doc_type", i);
		if (strcmp(l->doc_type, "extract") && strcmp(l->doc_type, "full_copy"))
			return wq_fail(eb, WQ_EINVAL, field,
				       "document type must be extract or full_copy");
		for (int k = 0; k < i; k++)
			if (!strcmp(in->lines[k].doc_type, l->doc_type))
				return wq_fail(eb, WQ_EINVAL, field, "%s ordered twice",
					       l->doc_type);
		snprintf(field, sizeof field, "lines[%d].copies", i);
		if (l->copies < 1 || l->copies > MAX_COPIES)
			return wq_fail(eb, WQ_EINVAL, field, "copies must be between 1 and %d",
				       MAX_COPIES);
		if (l->fee_centimes <= 0)
			return wq_fail(eb, WQ_EINVAL, "fee", "a line's fee must be positive");
		l->no = i + 1;
		sum += l->fee_centimes;
	}
	if (in->fee_centimes <= 0 || sum > in->fee_centimes)
		return wq_fail(eb, WQ_EINVAL, "fee",
			       "the fee must be positive and at least the sum of the lines");
	/* the first line stands for the order where one document is read */
	wq_strlcpy(in->doc_type, in->lines[0].doc_type, sizeof in->doc_type);
	in->copies = in->lines[0].copies;
	return WQ_OK;
}

static int do_create(struct db *db, struct request *in, const char *secret_hash,
		     int max_unpaid_per_phone, struct wq_errbuf *eb)
{
	static const char ins[] =
		"INSERT INTO requests (tracking, secret_hash, doc_type, copies,"
		" birth_commune_id, record_number, record_year, first_name_ar, last_name_ar,"
		" first_name_lat, last_name_lat, birth_date, cin, phone, email, address,"
		" postal_code, city, lang, fee_centimes, state, office_id, created_at,"
		" updated_at, country) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
		" 'pending_payment',?,?,?,?)";
	int rc, unpaid = 0;
	/* counted under the write lock: two orders at once cannot both be the last one */
	if (max_unpaid_per_phone > 0 &&
	    (rc = request_unpaid_for_phone(db, in->phone, &unpaid, eb)))
		return rc;
	if (max_unpaid_per_phone > 0 && unpaid >= max_unpaid_per_phone)
		return wq_fail(eb, WQ_ECONFLICT, "phone",
			       "%d unpaid orders are already open for this phone number: pay one "
			       "or let it expire first", unpaid);
	if (!in->office_id) {
		/* chosen here, under the write lock, among the commune's open offices: no
		 * second look needed */
		if ((rc = office_for_commune(db, in->birth_commune_id, &in->office_id, eb)))
			return rc;
	} else { /* the citizen's choice: checked again under the write lock */
		struct office o;
		if ((rc = office_get(db, in->office_id, &o, eb)))
			return rc == WQ_ENOTFOUND ? wq_fail(eb, WQ_EINVAL, "office",
							    "no such office") : rc;
		if (!o.active || o.commune_id != in->birth_commune_id)
			return wq_fail(eb, WQ_EINVAL, "office",
				       "office %s is not an open office of the birth commune",
				       o.code);
	}
	for (int attempt = 0;; attempt++) {
		wq_tracking_new(in->tracking);
		sqlite3_stmt *st = db_stmt(db, ins, eb);
		if (!st)
			return WQ_EIO;
		int64_t now = wq_now();
		int c = 1;
		db_bind_text(st, c++, in->tracking);
		db_bind_text(st, c++, secret_hash);
		db_bind_text(st, c++, in->doc_type);
		sqlite3_bind_int(st, c++, in->copies);
		sqlite3_bind_int64(st, c++, in->birth_commune_id);
		db_bind_text(st, c++, in->record_number);
		sqlite3_bind_int(st, c++, in->record_year);
		db_bind_text(st, c++, in->first_name_ar);
		db_bind_text(st, c++, in->last_name_ar);
		db_bind_text(st, c++, in->first_name_lat);
		db_bind_text(st, c++, in->last_name_lat);
		db_bind_text(st, c++, in->birth_date);
		db_bind_text(st, c++, in->cin);
		db_bind_text(st, c++, in->phone);
		db_bind_text(st, c++, in->email);
		db_bind_text(st, c++, in->address);
		db_bind_text(st, c++, in->postal_code);
		db_bind_text(st, c++, in->city);
		db_bind_text(st, c++, in->lang[0] ? in->lang : "fr");
		sqlite3_bind_int64(st, c++, in->fee_centimes);
		sqlite3_bind_int64(st, c++, in->office_id);
		sqlite3_bind_int64(st, c++, now);
		sqlite3_bind_int64(st, c++, now);
		db_bind_text(st, c++, in->country[0] ? in->country : "MA");
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE) {
			in->id = sqlite3_last_insert_rowid(db_handle(db));
			in->state = RS_PENDING_PAYMENT;
			in->created_at = in->updated_at = now;
			in->version = 1;
			if ((rc = db_lines_insert(db, in, eb)))
				return rc;
			return db_event_append(db, in->id, now, 0, "citizen", in->office_id, "new",
					       "pending_payment", "", eb);
		}
		/* a tracking number already taken (one in a billion): draw another */
		if (rc != SQLITE_CONSTRAINT_UNIQUE || attempt > 5)
			return db_fail(db, rc, eb);
	}
}

int request_create(struct db *db, struct request *in, const unsigned char *key,
		   int max_unpaid_per_phone, char secret_out[SECRET_CODE_BYTES],
		   struct wq_errbuf *eb)
{
	char hash[72];
	int rc = create_check(in, eb);
	if (rc)
		return rc;
	secret_new(secret_out);
	request_secret_hash(key, secret_out, hash);
	DB_TX(db, eb, do_create(db, in, hash, max_unpaid_per_phone, eb));
}

