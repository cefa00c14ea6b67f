/* db_document.c - SQL for document.h: a produced document's row (issued once per
 * request and type, in one transaction with the scope and state check), the lookup of
 * a typed code by its HMAC, and the per-day counters of lookups.  Called from the UI
 * child (printing the production sheet) and the HTTP worker threads, each with its
 * own connection. */
#include <stdio.h>
#include <string.h>

#include "document.h"
#include "local_day.h"
#include "request.h"
#include "secret.h"
#include "server_key.h"
#include "util.h"

static const char *const outcome_names[VO_COUNT] = {
	[VO_VALID] = "valid",	       [VO_NOT_VALID] = "not_valid", [VO_UNKNOWN] = "unknown",
	[VO_MALFORMED] = "malformed", [VO_HELD_BACK] = "held_back",
};

const char *verify_outcome_name(enum verify_outcome o)
{
	return (int)o >= 0 && o < VO_COUNT ? outcome_names[o] : "";
}

/* The code of a nonce: 60 bits of HMAC(key, "document:" nonce), in secret.h's shape. */
static void code_of(const unsigned char key[32], const char *nonce, char out[SECRET_CODE_BYTES])
{
	char msg[80], mac[65];
	unsigned char b[8];
	snprintf(msg, sizeof msg, "document:%s", nonce);
	server_key_hmac(key, msg, mac);
	for (int i = 0; i < 8; i++) {
		unsigned hi = (unsigned)(mac[2 * i] <= '9' ? mac[2 * i] - '0' : mac[2 * i] - 'a' + 10);
		unsigned lo = (unsigned)(mac[2 * i + 1] <= '9' ? mac[2 * i + 1] - '0'
							       : mac[2 * i + 1] - 'a' + 10);
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	secret_from_bytes(b, out);
}

/* What a code is looked up by: 'd1:' HMAC(key, "verify:" canonical code). */
static void hash_of(const unsigned char key[32], const char *canon, char out[72])
{
	char msg[40], mac[65];
	snprintf(msg, sizeof msg, "verify:%s", canon);
	server_key_hmac(key, msg, mac);
	snprintf(out, 72, "d1:%s", mac);
}

static int produced(enum req_state s)
{
	switch (s) {
	case RS_IN_PRODUCTION:
	case RS_AWAITING_SIGNATURE:
	case RS_SIGNED:
	case RS_READY:
	case RS_WITH_POST:
	case RS_DELIVERED:
	case RS_RETURNED:
	case RS_TO_COLLECT:
		return 1;
	default:
		return 0;
	}
}

static void fill_nonce(sqlite3_stmt *st, void *row)
{
	db_col_text(st, 0, row, 40);
}

static int nonce_get(struct db *db, int64_t request_id, const char *doc_type, char nonce[40],
		     struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT nonce FROM documents WHERE request_id = ? AND doc_type = ?";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	db_bind_text(st, 2, doc_type);
	return db_one(db, st, fill_nonce, nonce, eb);
}

static int issue(struct db *db, const struct actor *a, const unsigned char key[32],
		 const struct request *r, const char *doc_type, char nonce[40],
		 struct wq_errbuf *eb)
{
	static const char sql[] =
		"INSERT INTO documents (request_id, doc_type, office_id, nonce, code_hash,"
		" issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?)";
	unsigned char rnd[16];
	char code[SECRET_CODE_BYTES], canon[SECRET_CHARS + 1], hash[72];
	wq_random_bytes(rnd, sizeof rnd);
	for (int i = 0; i < 16; i++)
		snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);
	code_of(key, nonce, code);
	secret_canonical(code, canon, sizeof canon);
	hash_of(key, canon, hash);
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, r->id);
	db_bind_text(st, 2, doc_type);
	sqlite3_bind_int64(st, 3, r->office_id);
	db_bind_text(st, 4, nonce);
	db_bind_text(st, 5, hash);
	sqlite3_bind_int64(st, 6, wq_now());
	if (a->user_id)
		sqlite3_bind_int64(st, 7, a->user_id);
	else
		sqlite3_bind_null(st, 7);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

int document_code(struct db *db, const struct actor *a, const unsigned char key[32],
		  int64_t request_id, int line_no, int want_issue,
		  char code_out[SECRET_CODE_BYTES], struct wq_errbuf *eb)
{
	struct request r;
	char nonce[40] = "";
	int rc;
	code_out[0] = 0;
	if (want_issue && a->role != ROLE_AGENT && a->role != ROLE_SUPERVISOR &&
	    a->role != ROLE_OFFICER)
		return wq_fail(eb, WQ_EDENIED, NULL, "only the office's agents, supervisors and "
			       "officers issue documents");
	/* issuing is a write: the account must still be what it was */
	if (want_issue && (rc = db_actor_current(db, a, eb)))
		return rc;
	if ((rc = db_begin(db, eb)))
		return rc;
	if ((rc = request_get(db, a, request_id, &r, eb))) /* the scope check */
		goto out;
	/* one document per line of the order (db/211): the one asked, else the first not
	 * rejected; a rejected line is never issued */
	const char *doc_type = NULL;
	for (int i = 0; i < r.nlines && !doc_type; i++)
		if (line_no ? r.lines[i].no == line_no : !r.lines[i].rejected)
			doc_type = r.lines[i].rejected ? NULL : r.lines[i].doc_type;
	if (!doc_type && r.nlines) {
		rc = wq_fail(eb, WQ_ECONFLICT, "line", "%s: line %d is not a document to issue",
			     r.tracking, line_no);
		goto out;
	}
	if (!doc_type)
		doc_type = r.doc_type;
	rc = nonce_get(db, r.id, doc_type, nonce, eb);
	if (rc == WQ_ENOTFOUND && !want_issue) {
		rc = WQ_OK;
		goto out;
	}
	if (rc == WQ_ENOTFOUND) {
		if (!produced(r.state)) {
			rc = wq_fail(eb, WQ_ECONFLICT, "request",
				     "%s is %s: a document is issued once its production is "
				     "declared", r.tracking, req_state_name(r.state));
			goto out;
		}
		rc = issue(db, a, key, &r, doc_type, nonce, eb);
	}
	if (!rc)
		code_of(key, nonce, code_out);
out:
	if (rc) {
		db_rollback(db);
		code_out[0] = 0;
		return rc;
	}
	return db_commit(db, eb);
}

/* "L." for "Leila": the first character (a whole UTF-8 one), upper case if ASCII. */
static size_t initial(const char *name, char *out, size_t len)
{
	size_t n = 0;
	while (*name == ' ')
		name++;
	if (!*name || len < 7)
		return 0;
	unsigned char c = (unsigned char)*name;
	size_t w = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	for (size_t i = 0; i < w && name[i]; i++)
		out[n++] = name[i];
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	out[n++] = '.';
	out[n] = 0;
	return n;
}

static void fill_check(sqlite3_stmt *st, void *row)
{
	struct doc_check *d = row;
	char first[NAME_MAX_BYTES], last[NAME_MAX_BYTES], state[12];
	db_col_text(st, 0, d->doc_type, sizeof d->doc_type);
	db_col_text(st, 1, d->office_code, sizeof d->office_code);
	db_col_text(st, 2, d->office_name_fr, sizeof d->office_name_fr);
	db_col_text(st, 3, d->office_name_ar, sizeof d->office_name_ar);
	d->issued_at = sqlite3_column_int64(st, 4);
	db_col_text(st, 5, first, sizeof first);
	db_col_text(st, 6, last, sizeof last);
	db_col_text(st, 7, state, sizeof state);
	int refunds = sqlite3_column_int(st, 8);
	size_t n = initial(first, d->initials, sizeof d->initials);
	if (n)
		d->initials[n++] = ' ';
	initial(last, d->initials + n, sizeof d->initials - n);
	enum req_state s = req_state_from_name(state);
	d->revoked[0] = 0;
	if (s == RS_REJECTED || s == RS_CANCELLED || s == RS_DESTROYED || s == RS_EXPIRED)
		snprintf(d->revoked, sizeof d->revoked, "%s", state);
	else if (refunds)
		snprintf(d->revoked, sizeof d->revoked, "refunded");
	d->valid = !d->revoked[0];
}

int document_verify(struct db *db, const unsigned char key[32], const char *typed,
		    struct doc_check *out, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT d.doc_type, o.code, o.name_fr, o.name_ar, d.issued_at, r.first_name_lat,"
		" r.last_name_lat, CASE l.state WHEN 'rejected' THEN 'rejected' ELSE r.state END,"
		" (SELECT count(*) FROM refunds f WHERE f.request_id = r.id"
		"  AND f.line_no = coalesce(l.line_no, 1))"
		" FROM documents d JOIN requests r ON r.id = d.request_id"
		" LEFT JOIN request_lines l ON l.request_id = r.id AND l.doc_type = d.doc_type"
		" JOIN offices o ON o.id = d.office_id WHERE d.code_hash = ?";
	char canon[SECRET_CHARS + 1], hash[72];
	struct wq_errbuf ceb;
	memset(out, 0, sizeof *out);
	if (secret_canonical(typed, canon, sizeof canon) != SECRET_NEW) {
		verify_count(db, VO_MALFORMED, &ceb);
		return wq_fail(eb, WQ_EINVAL, "code", "a verification code has 12 letters and "
			       "digits, as XXXX-XXXX-XXXX");
	}
	hash_of(key, canon, hash);
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, hash);
	int rc = db_one(db, st, fill_check, out, eb);
	if (rc == WQ_OK || rc == WQ_ENOTFOUND)
		verify_count(db, rc ? VO_UNKNOWN : out->valid ? VO_VALID : VO_NOT_VALID, &ceb);
	if (rc == WQ_ENOTFOUND)
		return wq_fail(eb, WQ_ENOTFOUND, "code", "no document has this code");
	return rc;
}

int verify_count(struct db *db, enum verify_outcome o, struct wq_errbuf *eb)
{
	static const char sql[] =
		"INSERT INTO verify_daily (day, outcome, count) VALUES (?, ?, 1)"
		" ON CONFLICT (day, outcome) DO UPDATE SET count = count + 1";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, local_day(wq_now()));
	db_bind_text(st, 2, verify_outcome_name(o));
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

int verify_counts(struct db *db, int64_t day, int counts[VO_COUNT], struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT outcome, count FROM verify_daily WHERE day = ?";
	memset(counts, 0, sizeof(int) * VO_COUNT);
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, day);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		for (int o = 0; name && o < VO_COUNT; o++)
			if (!strcmp(name, outcome_names[o]))
				counts[o] = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}
