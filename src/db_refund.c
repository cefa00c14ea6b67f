/* db_refund.c - the data layer behind refund.h: the refund row written with the move
 * that owes it, the sender's due list and the answers it records (each one short
 * BEGIN IMMEDIATE transaction, the citizen's message queued inside it), the citizen's
 * view of a refund, finance's refunds by day (scoped by fin_scope_commune) and the
 * whole book for `watiqa check`.  Any process with a `struct db`; never waits on the
 * network: the gateway call happens between these transactions (refund.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_finance.h"
#include "outbox.h"
#include "refund.h"
#include "util.h"

static const char *const state_names[REFUND_STATE_COUNT] = {
	[REFUND_OWED] = "refund_owed", [REFUND_SENT] = "refund_sent",
	[REFUND_DONE] = "refunded", [REFUND_FAILED] = "refund_failed"};

const char *refund_state_name(enum refund_state s)
{
	return s >= 0 && s < REFUND_STATE_COUNT ? state_names[s] : "?";
}

enum refund_state refund_state_from_name(const char *s)
{
	for (int i = 0; i < REFUND_STATE_COUNT; i++)
		if (s && !strcmp(s, state_names[i]))
			return i;
	return REFUND_OWED;
}

const char *refund_state_label(enum refund_state s, const char *lang)
{
	static const char *const label[REFUND_STATE_COUNT][3] = {
		[REFUND_OWED] = {"refund owed", "remboursement à venir", "استرجاع المبلغ مرتقب"},
		[REFUND_SENT] = {"refund in progress", "remboursement en cours",
				 "استرجاع المبلغ جار"},
		[REFUND_DONE] = {"refunded to the card", "remboursé sur votre carte",
				 "تم إرجاع المبلغ إلى بطاقتك"},
		[REFUND_FAILED] = {"refund refused by the card, the service will contact you",
				   "remboursement refusé par la carte, le service vous contactera",
				   "رفضت البطاقة الاسترجاع، ستتصل بك المصلحة"},
	};
	if (s < 0 || s >= REFUND_STATE_COUNT)
		return "?";
	int l = lang && !strcmp(lang, "fr") ? 1 : lang && !strcmp(lang, "ar") ? 2 : 0;
	return label[s][l];
}

/* The rows just owed for request_id (no group yet) are one event's: one group of their
 * own (db/280), so that the citizen hears of them once, when the last is settled. */
static const char group_sql[] =
	"UPDATE refunds SET owed_group = g.next FROM (SELECT coalesce(max(owed_group), 0) + 1"
	" AS next FROM refunds) g WHERE refunds.request_id = ?1 AND refunds.owed_group IS NULL";

/* Inside the caller's transaction: the refund rows of request_id's confirmed payment
 * for line line_no, or (0) for every line not refunded yet and then the rest of the
 * payment (the postage abroad); the payment becomes refund_owed once its refunds
 * cover it.  UNIQUE (payment_id, line_no) keeps a line from being refunded twice: a
 * line already refunded is skipped (and not even tried: db/250's BEFORE INSERT trigger
 * would take its fee out of the treasury's totals for a row that OR IGNORE drops).  The keys name the request,
 * the payment and the line: stable across retries and restarts, never reused.  This
 * is the one place where a fee starts going back (the treasury's running totals hook
 * here). */
static int owe(struct db *db, int64_t request_id, int line_no, const char *reason,
	       struct wq_errbuf *eb)
{
	static const char lines[] =
		"INSERT OR IGNORE INTO refunds (request_id, payment_id, line_no, amount_centimes,"
		" idem_key, reason, state, next_attempt_at, created_at)"
		" SELECT p.request_id, p.id, l.line_no, l.fee_centimes,"
		" 'RF-' || r.tracking || '-' || p.id || '-' || l.line_no,"
		" ?2, 'refund_owed', ?3, ?3 FROM payments p JOIN requests r ON r.id = p.request_id"
		" JOIN request_lines l ON l.request_id = r.id"
		" WHERE p.request_id = ?1 AND p.status = 'confirmed' AND (?4 = 0 OR l.line_no = ?4)"
		" AND NOT EXISTS (SELECT 1 FROM refunds x WHERE x.payment_id = p.id"
		" AND x.line_no = l.line_no) ORDER BY l.line_no";
	static const char rest[] =
		"INSERT OR IGNORE INTO refunds (request_id, payment_id, line_no, amount_centimes,"
		" idem_key, reason, state, next_attempt_at, created_at)"
		" SELECT p.request_id, p.id, 0, p.amount_centimes - coalesce(f.s, 0),"
		" 'RF-' || r.tracking || '-' || p.id || '-0', ?2, 'refund_owed', ?3, ?3"
		" FROM payments p JOIN requests r ON r.id = p.request_id"
		" LEFT JOIN (SELECT payment_id, sum(amount_centimes) AS s FROM refunds"
		"  WHERE request_id = ?1 GROUP BY payment_id) f ON f.payment_id = p.id"
		" WHERE p.request_id = ?1 AND p.status = 'confirmed'"
		" AND p.amount_centimes > coalesce(f.s, 0)"
		" AND ?4 = 0";
	static const char upd[] =
		"UPDATE payments SET status = 'refund_owed' WHERE request_id = ?1"
		" AND status = 'confirmed' AND amount_centimes <= (SELECT"
		" coalesce(sum(f.amount_centimes), 0) FROM refunds f WHERE f.payment_id = payments.id)";
	const char *const sqls[] = {lines, rest, group_sql, upd};
	int64_t now = wq_now();
	for (int i = 0; i < 4; i++) {
		sqlite3_stmt *st = db_stmt(db, sqls[i], eb);
		if (!st)
			return WQ_EIO;
		sqlite3_bind_int64(st, 1, request_id);
		if (i < 2) {
			db_bind_text(st, 2, reason);
			sqlite3_bind_int64(st, 3, now);
			sqlite3_bind_int(st, 4, line_no);
		}
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, rc, eb);
	}
	return WQ_OK;
}

int refund_owe(struct db *db, int64_t request_id, const char *reason, struct wq_errbuf *eb)
{
	return owe(db, request_id, 0, reason, eb);
}

int refund_owe_line(struct db *db, int64_t request_id, int line_no, const char *reason,
		    struct wq_errbuf *eb)
{
	if (line_no < 1)
		return wq_fail(eb, WQ_EINVAL, "line", "no line %d", line_no);
	return owe(db, request_id, line_no, reason, eb);
}

int refund_owe_duplicate(struct db *db, int64_t request_id, const char *ref, int64_t amount,
			 struct wq_errbuf *eb)
{
	static const char pay[] =
		"INSERT INTO payments (request_id, gateway_ref, amount_centimes, status, created_at,"
		" confirmed_at) VALUES (?1, ?2, ?3, 'refund_owed', ?4, ?4)"
		" ON CONFLICT (gateway_ref) DO NOTHING";
	static const char ins[] =
		"INSERT OR IGNORE INTO refunds (request_id, payment_id, amount_centimes, idem_key,"
		" reason, state, next_attempt_at, created_at)"
		" SELECT p.request_id, p.id, p.amount_centimes, 'RF-' || r.tracking || '-' || p.id,"
		" 'other', 'refund_owed', ?3, ?3 FROM payments p JOIN requests r ON r.id = p.request_id"
		" WHERE p.gateway_ref = ?2 AND p.request_id = ?1 AND p.status = 'refund_owed'";
	sqlite3_stmt *st = db_stmt(db, pay, eb);
	if (!st)
		return WQ_EIO;
	int64_t now = wq_now();
	sqlite3_bind_int64(st, 1, request_id);
	db_bind_text(st, 2, ref);
	sqlite3_bind_int64(st, 3, amount);
	sqlite3_bind_int64(st, 4, now);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (!(st = db_stmt(db, ins, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	db_bind_text(st, 2, ref);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	return db_write_its(db, group_sql, request_id, NULL, 0, eb);
}

#define REFUND_COLS                                                                   \
	"f.id, f.request_id, f.payment_id, f.amount_centimes, f.idem_key, f.reason,"   \
	" f.state, f.attempts, f.next_attempt_at, f.created_at, coalesce(f.sent_at, 0)," \
	" coalesce(f.done_at, 0), f.last_error, f.gateway_ref, p.gateway_ref,"          \
	" r.tracking, r.phone, r.email, r.lang, f.line_no"
#define REFUND_FROM                                                                   \
	" FROM refunds f JOIN payments p ON p.id = f.payment_id"                       \
	" JOIN requests r ON r.id = f.request_id"

void refund_fill(sqlite3_stmt *st, void *row)
{
	struct refund *f = row;
	char state[20];
	memset(f, 0, sizeof *f);
	f->id = sqlite3_column_int64(st, 0);
	f->request_id = sqlite3_column_int64(st, 1);
	f->payment_id = sqlite3_column_int64(st, 2);
	f->amount_centimes = sqlite3_column_int64(st, 3);
	db_col_text(st, 4, f->idem_key, sizeof f->idem_key);
	db_col_text(st, 5, f->reason, sizeof f->reason);
	db_col_text(st, 6, state, sizeof state);
	f->state = refund_state_from_name(state);
	f->attempts = sqlite3_column_int(st, 7);
	f->next_attempt_at = sqlite3_column_int64(st, 8);
	f->created_at = sqlite3_column_int64(st, 9);
	f->sent_at = sqlite3_column_int64(st, 10);
	f->done_at = sqlite3_column_int64(st, 11);
	db_col_text(st, 12, f->last_error, sizeof f->last_error);
	db_col_text(st, 13, f->gateway_ref, sizeof f->gateway_ref);
	db_col_text(st, 14, f->txn, sizeof f->txn);
	db_col_text(st, 15, f->tracking, sizeof f->tracking);
	db_col_text(st, 16, f->phone, sizeof f->phone);
	db_col_text(st, 17, f->email, sizeof f->email);
	db_col_text(st, 18, f->lang, sizeof f->lang);
	f->line_no = sqlite3_column_int(st, 19);
}

int refund_for_request(struct db *db, int64_t request_id, struct refund *out,
		       struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " REFUND_COLS REFUND_FROM
				  " WHERE f.request_id = ? ORDER BY f.id DESC LIMIT 1";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	int rc = db_one(db, st, refund_fill, out, eb);
	if (rc == WQ_ENOTFOUND)
		return wq_fail(eb, WQ_ENOTFOUND, "refund", "no refund for request #%lld",
			       (long long)request_id);
	return rc;
}

int refund_list(struct db *db, int64_t request_id, struct refund **out, int *n,
		struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " REFUND_COLS REFUND_FROM
				  " WHERE f.request_id = ? ORDER BY f.id";
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	return db_collect(db, st, sizeof **out, refund_fill, (void **)out, n, eb);
}

int refund_due(struct db *db, int64_t now, struct refund *out, int max, int *n,
	       struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " REFUND_COLS REFUND_FROM
				  " WHERE f.state IN ('refund_owed', 'refund_sent')"
				  " AND f.next_attempt_at <= ? ORDER BY f.next_attempt_at, f.id"
				  " LIMIT ?";
	*n = 0;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max);
	int rc = SQLITE_DONE; /* max 0: nothing asked */
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		refund_fill(st, &out[(*n)++]);
	if (*n == max)
		rc = SQLITE_DONE;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

/* One UPDATE of a refund: ?1 its id, ?2 a time, ?3 a text (unused ones are left
 * unbound); *changed is 0 when the row was not in a state to move. */
static int refund_update(struct db *db, const char *sql, int64_t id, int64_t t,
			 const char *text, int *changed, struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	int params = sqlite3_bind_parameter_count(st);
	sqlite3_bind_int64(st, 1, id);
	if (params >= 2)
		sqlite3_bind_int64(st, 2, t);
	if (params >= 3)
		db_bind_text(st, 3, text ? text : "");
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (changed)
		*changed = sqlite3_changes(db_handle(db));
	return WQ_OK;
}

int refund_mark_sending(struct db *db, int64_t id, int64_t next_at, struct wq_errbuf *eb)
{
	static const char sql[] =
		"UPDATE refunds SET state = 'refund_sent', attempts = attempts + 1,"
		" sent_at = coalesce(sent_at, ?3), next_attempt_at = ?2"
		" WHERE id = ?1 AND state IN ('refund_owed', 'refund_sent')";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, next_at);
	sqlite3_bind_int64(st, 3, wq_now());
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

int refund_mark_retry(struct db *db, int64_t id, const char *error, struct wq_errbuf *eb)
{
	static const char sql[] = "UPDATE refunds SET last_error = ?3"
				  " WHERE id = ?1 AND state = 'refund_sent'";
	return refund_update(db, sql, id, 0, error, NULL, eb);
}

int refund_tell(struct db *db, const struct refund *f, const char *sms, struct wq_errbuf *eb)
{
	int rc = WQ_OK;
	if (!sms || !sms[0])
		return rc;
	if (f->phone[0] && (rc = outbox_enqueue(db, f->request_id, 0, "sms", f->phone, sms, eb)))
		return rc;
	if (f->email[0])
		rc = outbox_enqueue(db, f->request_id, 0, "email", f->email, sms, eb);
	return rc;
}

/* What the refunds owed with one event (db/280) came to. */
struct group_state {
	int rows, open;
	int64_t refunded, refused;
};

static void fill_group(sqlite3_stmt *st, void *row)
{
	struct group_state *g = row;
	g->rows = sqlite3_column_int(st, 0);
	g->open = sqlite3_column_int(st, 1);
	g->refunded = sqlite3_column_int64(st, 2);
	g->refused = sqlite3_column_int64(st, 3);
}

/* The citizen's message on both channels, in the transaction that settles the refund.
 * One event, one message (db/280): a refund owed with others (an order's lines refunded
 * together) tells nothing until the last of them is settled, which tells what came back
 * in all and what the card refused.  A refund alone tells its own outcome (sms). */
static int tell_citizen(struct db *db, int64_t id, const char *sms, struct wq_errbuf *eb)
{
	static const char group_sql[] =
		"SELECT count(*), sum(g.state IN ('refund_owed', 'refund_sent')),"
		" sum(CASE g.state WHEN 'refunded' THEN g.amount_centimes ELSE 0 END),"
		" sum(CASE g.state WHEN 'refund_failed' THEN g.amount_centimes ELSE 0 END)"
		" FROM refunds f JOIN refunds g ON g.owed_group = f.owed_group WHERE f.id = ?";
	static const char row_sql[] = "SELECT " REFUND_COLS REFUND_FROM " WHERE f.id = ?";
	struct group_state g = {0};
	struct refund f;
	char all[OUTBOX_BODY_BYTES];
	sqlite3_stmt *st = db_stmt(db, group_sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	int rc = db_one(db, st, fill_group, &g, eb);
	if (rc || (g.rows > 1 && g.open)) /* (a row of before db/280 has no group: alone) */
		return rc;
	if (!(st = db_stmt(db, row_sql, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = db_one(db, st, refund_fill, &f, eb)))
		return rc;
	if (g.rows > 1) {
		refund_group_message(&f, g.refunded, g.refused, all, sizeof all);
		sms = all;
	}
	return refund_tell(db, &f, sms, eb);
}

static int do_settle(struct db *db, int64_t id, int refunded, const char *text,
		     const char *sms, struct wq_errbuf *eb)
{
	static const char done[] =
		"UPDATE refunds SET state = 'refunded', done_at = ?2, gateway_ref = ?3,"
		" last_error = '' WHERE id = ?1 AND state IN ('refund_owed', 'refund_sent')";
	static const char failed[] =
		"UPDATE refunds SET state = 'refund_failed', done_at = ?2, last_error = ?3"
		" WHERE id = ?1 AND state IN ('refund_owed', 'refund_sent')";
	/* refunded once every refund of the payment (its lines, the rest) is */
	static const char pay[] = "UPDATE payments SET status = 'refunded' WHERE id ="
				  " (SELECT payment_id FROM refunds WHERE id = ?1)"
				  " AND status = 'refund_owed' AND NOT EXISTS (SELECT 1 FROM"
				  " refunds f WHERE f.payment_id = payments.id"
				  " AND f.state <> 'refunded')";
	int changed = 0;
	int rc = refund_update(db, refunded ? done : failed, id, wq_now(), text, &changed, eb);
	if (rc || !changed)
		return rc; /* already settled: a second answer changes nothing */
	if (refunded && (rc = refund_update(db, pay, id, 0, "", NULL, eb)))
		return rc;
	return tell_citizen(db, id, sms, eb);
}

int refund_mark_done(struct db *db, int64_t id, const char *gateway_ref, const char *sms,
		     struct wq_errbuf *eb)
{
	DB_TX(db, eb, do_settle(db, id, 1, gateway_ref, sms, eb));
}

int refund_mark_failed(struct db *db, int64_t id, const char *error, const char *sms,
		       struct wq_errbuf *eb)
{
	DB_TX(db, eb, do_settle(db, id, 0, error, sms, eb));
}

/* ---- finance ---- */

struct refund_event {
	int64_t at, centimes;
	int kind; /* 0 owed, 1 refunded, 2 failed */
};

static void fill_event(sqlite3_stmt *st, void *row)
{
	struct refund_event *e = row;
	e->at = sqlite3_column_int64(st, 0);
	e->centimes = sqlite3_column_int64(st, 1);
	e->kind = sqlite3_column_int(st, 2);
}

static void fill_totals(sqlite3_stmt *st, void *row)
{
	struct fin_refund_totals *t = row;
	char state[20];
	db_col_text(st, 0, state, sizeof state);
	enum refund_state s = refund_state_from_name(state);
	t->count[s] += sqlite3_column_int(st, 1);
	t->centimes[s] += sqlite3_column_int64(st, 2);
}

int finance_refunds(struct db *db, const struct actor *a, int64_t commune_id,
		    const struct fin_period *p, struct fin_refund_day **out, int *n,
		    struct fin_refund_totals *totals, struct wq_errbuf *eb)
{
	/* ?1 is the commune decided from the actor: the scope filter.  What happened to
	 * each refund in the period, one row per happening, in time order. */
#define COMMUNE_REFUNDS                                                               \
	" FROM refunds f JOIN requests r ON r.id = f.request_id"                       \
	" JOIN offices o ON o.id = r.office_id WHERE o.commune_id = ?1"
	static const char sql[] =
		"SELECT at, centimes, kind FROM ("
		" SELECT f.created_at AS at, f.amount_centimes AS centimes, 0 AS kind"
		COMMUNE_REFUNDS " AND f.created_at >= ?2 AND f.created_at < ?3"
		" UNION ALL SELECT f.done_at, f.amount_centimes,"
		" CASE f.state WHEN 'refunded' THEN 1 ELSE 2 END" COMMUNE_REFUNDS
		" AND f.done_at >= ?2 AND f.done_at < ?3) ORDER BY at";
	static const char tot[] = "SELECT f.state, count(*), sum(f.amount_centimes)"
		COMMUNE_REFUNDS " GROUP BY f.state";
#undef COMMUNE_REFUNDS
	struct refund_event *ev = NULL;
	struct fin_refund_day *days = NULL;
	int nev = 0, m = 0, rc;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = fin_commune_stmt(db, a, &commune_id, sql, p, &rc, eb);
	if (!st)
		return rc;
	if ((rc = db_collect(db, st, sizeof *ev, fill_event, (void **)&ev, &nev, eb)))
		return rc;
	if (totals) {
		memset(totals, 0, sizeof *totals);
		if (!(st = db_stmt(db, tot, eb))) {
			free(ev);
			return WQ_EIO;
		}
		sqlite3_bind_int64(st, 1, commune_id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			fill_totals(st, totals);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			free(ev);
			return db_fail(db, rc, eb);
		}
	}
	days = calloc((size_t)nev + 1, sizeof *days);
	if (!days) {
		free(ev);
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	}
	/* grouped here, not in SQL: a local day is not a fixed UTC offset */
	for (int i = 0; i < nev; i++) {
		char key[11];
		fin_local_day(ev[i].at, key);
		if (m == 0 || strcmp(days[m - 1].day, key))
			memcpy(days[m++].day, key, sizeof key);
		struct fin_refund_day *d = &days[m - 1];
		if (ev[i].kind == 0) {
			d->owed_count++;
			d->owed_centimes += ev[i].centimes;
		} else if (ev[i].kind == 1) {
			d->refunded_count++;
			d->refunded_centimes += ev[i].centimes;
		} else {
			d->failed_count++;
			d->failed_centimes += ev[i].centimes;
		}
	}
	free(ev);
	*out = days;
	*n = m;
	return WQ_OK;
}

static void fill_book(sqlite3_stmt *st, void *row)
{
	struct money_book *b = row;
	b->collected = sqlite3_column_int64(st, 0);
	b->refunds = sqlite3_column_int64(st, 1);
	b->distributed = sqlite3_column_int64(st, 2);
	b->due = sqlite3_column_int64(st, 3);
	b->refunded = sqlite3_column_int64(st, 4);
	b->refund_pending = sqlite3_column_int64(st, 5);
	b->refund_failed = sqlite3_column_int64(st, 6);
	b->recover = sqlite3_column_int64(st, 7);
	b->recovered = sqlite3_column_int64(st, 8);
}

int refund_book(struct db *db, struct money_book *out, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT (SELECT coalesce(sum(amount_centimes), 0) FROM payments p WHERE" FIN_PAID "),"
		" (SELECT coalesce(sum(amount_centimes), 0) FROM refunds),"
		" (SELECT coalesce(sum(amount_centimes), 0) FROM settlement_items),"
		" (SELECT coalesce(sum(" FIN_KEPT "), 0) FROM payments p"
		"  WHERE p.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM settlement_items x"
		"  WHERE x.request_id = p.request_id)),"
		" (SELECT coalesce(sum(amount_centimes), 0) FROM refunds WHERE state = 'refunded'),"
		" (SELECT coalesce(sum(amount_centimes), 0) FROM refunds"
		"  WHERE state IN ('refund_owed', 'refund_sent')),"
		" (SELECT coalesce(sum(amount_centimes), 0) FROM refunds"
		"  WHERE state = 'refund_failed'),"
		" (SELECT coalesce(sum(f.amount_centimes), 0) FROM" FIN_RECOVER_FROM
		" WHERE" FIN_RECOVER "),"
		" (SELECT coalesce(sum(amount_centimes), 0) FROM settlement_recoveries)";
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	return db_one(db, st, fill_book, out, eb);
}
