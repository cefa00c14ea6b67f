/* db_treasury.c - the data layer behind finance.h's treasury part: what each commune
 * is due read from the payments, building the distribution batches (settlements) and
 * marking them transferred.  The preview adds up running totals (db_treasury_due.c)
 * and reads from here only the fees of its last hours.  Any process with a db.
 *
 * What is due starts from fees_unsettled (db/091: the confirmed payments in no batch,
 * kept by triggers in the transactions that confirm, refund or batch them; a month or
 * two of fees, not every payment ever made), joined to payments and requests, which
 * still decide; offices and communes are read once and matched in C, so one pass
 * serves every commune.  A build reads what is due once, outside any write lock, then
 * builds each commune's batch in its own short BEGIN IMMEDIATE transaction: it inserts
 * the settlement and the items of the payments read, checking each again under the
 * lock (confirmed, paid before the period's end, earned, still the commune's, in no
 * batch), recomputes the totals from the items it wrote (a batch always reconciles to
 * the centime) and audits the batch.  A commune whose fees another build took in the
 * meantime gets no batch.  A crash or an error between communes leaves the communes
 * before it built and the rest still in fees_unsettled: building again builds only
 * those.  settlement_items.request_id is UNIQUE: a fee is never paid out twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "db_finance.h"
#include "finance.h"
#include "limits.h"
#include "util.h"

/* One commune's due fees; ids (build only) are the earned payments' ids, oldest first. */
struct due_commune {
	struct settle_preview pv;
	int64_t *ids;
	int nids, cap;
};

struct due_set {
	struct due_commune *c; /* communes in code order */
	int nc;
	struct id_slot *by_commune, *by_office; /* sorted by id, for bsearch */
	int nby_commune, nby_office;
};

struct id_slot {
	int64_t id;
	int64_t slot; /* index into due_set.c (a commune id while loading) */
};

static int cmp_slot(const void *a, const void *b)
{
	const struct id_slot *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int slot_of(const struct id_slot *v, int n, int64_t id)
{
	struct id_slot key = {.id = id}, *hit = bsearch(&key, v, (size_t)n, sizeof *v, cmp_slot);
	return hit ? (int)hit->slot : -1;
}

static void due_free(struct due_set *d)
{
	for (int i = 0; i < d->nc; i++)
		free(d->c[i].ids);
	free(d->c);
	free(d->by_commune);
	free(d->by_office);
	memset(d, 0, sizeof *d);
}

static void fill_commune(sqlite3_stmt *st, void *row)
{
	struct due_commune *c = row;
	memset(c, 0, sizeof *c);
	c->pv.commune_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, c->pv.commune_code, sizeof c->pv.commune_code);
	db_col_text(st, 2, c->pv.commune_name, sizeof c->pv.commune_name);
	db_col_text(st, 3, c->pv.post_account, sizeof c->pv.post_account);
}

static void fill_office(sqlite3_stmt *st, void *row)
{
	struct id_slot *o = row;
	o->id = sqlite3_column_int64(st, 0);
	o->slot = sqlite3_column_int64(st, 1); /* the commune id until mapped */
}

static int push_id(struct due_commune *c, int64_t id)
{
	if (c->nids == c->cap) {
		int cap = c->cap ? c->cap * 2 : 64;
		int64_t *more = realloc(c->ids, sizeof *more * (size_t)cap);
		if (!more)
			return -1;
		c->ids = more;
		c->cap = cap;
	}
	c->ids[c->nids++] = id;
	return 0;
}

/* The communes (?1: one, 0: all) and their offices, then every unsettled fee paid
 * in [from, to) of those offices, summed per commune; with want_ids, the earned
 * payments' ids too.  One read transaction, so the three reads agree. */
static int due_read(struct db *db, int64_t commune, int64_t from, int64_t to, int want_ids,
		    struct due_set *d, struct wq_errbuf *eb)
{
	static const char communes_sql[] =
		"SELECT id, code, name_fr, post_account FROM communes"
		" WHERE (?1 = 0 OR id = ?1) ORDER BY code";
	static const char offices_sql[] =
		"SELECT id, commune_id FROM offices WHERE (?1 = 0 OR commune_id = ?1)"
		" ORDER BY id";
	/* in fees_unsettled order (confirmed_at): each commune's ids come oldest first */
	static const char fees_sql[] =
		"SELECT r.office_id," FIN_EARNED "," FIN_KEPT ", p.id"
		" FROM fees_unsettled d CROSS JOIN payments p ON p.id = d.payment_id"
		" JOIN requests r ON r.id = p.request_id"
		" WHERE d.confirmed_at < ?2 AND d.confirmed_at >= ?3 AND p.status = 'confirmed'"
		" AND p.confirmed_at < ?2 AND p.confirmed_at >= ?3"
		" AND (?1 = 0 OR r.office_id IN (SELECT id FROM offices WHERE commune_id = ?1))"
		" AND (" FIN_EARNED " OR" FIN_PROCESSING ")"
		" AND NOT EXISTS (SELECT 1 FROM settlement_items x WHERE x.request_id = r.id)";
	static const char begin_sql[] = "BEGIN";
	static const char end_sql[] = "COMMIT";
	sqlite3_stmt *st;
	int rc, own_tx = sqlite3_get_autocommit(db_handle(db));

	memset(d, 0, sizeof *d);
	if (own_tx) {
		if (!(st = db_stmt(db, begin_sql, eb)))
			return WQ_EIO;
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, rc, eb);
	}
	if (!(st = db_stmt(db, communes_sql, eb))) {
		rc = WQ_EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, commune);
	if ((rc = db_collect(db, st, sizeof *d->c, fill_commune, (void **)&d->c, &d->nc, eb)))
		goto out;
	if (d->nc && !(d->by_commune = malloc(sizeof *d->by_commune * (size_t)d->nc))) {
		rc = wq_fail(eb, WQ_EIO, NULL, "out of memory");
		goto out;
	}
	for (int i = 0; i < d->nc; i++)
		d->by_commune[i] = (struct id_slot){d->c[i].pv.commune_id, i};
	d->nby_commune = d->nc;
	qsort(d->by_commune, (size_t)d->nc, sizeof *d->by_commune, cmp_slot);

	if (!(st = db_stmt(db, offices_sql, eb))) {
		rc = WQ_EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, commune);
	if ((rc = db_collect(db, st, sizeof *d->by_office, fill_office, (void **)&d->by_office,
			     &d->nby_office, eb)))
		goto out;
	for (int i = 0; i < d->nby_office; i++) /* commune id -> its slot; sorted by id */
		d->by_office[i].slot = slot_of(d->by_commune, d->nby_commune,
					       d->by_office[i].slot);

	if (!(st = db_stmt(db, fees_sql, eb))) {
		rc = WQ_EIO;
		goto out;
	}
	sqlite3_bind_int64(st, 1, commune);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int64(st, 3, from);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = slot_of(d->by_office, d->nby_office, sqlite3_column_int64(st, 0));
		if (k < 0)
			continue; /* not an office of the commune asked for */
		struct settle_preview *pv = &d->c[k].pv;
		int64_t amount = sqlite3_column_int64(st, 2);
		if (sqlite3_column_int(st, 1)) {
			pv->count++;
			pv->centimes += amount;
			if (want_ids && push_id(&d->c[k], sqlite3_column_int64(st, 3))) {
				rc = SQLITE_NOMEM;
				break;
			}
		} else {
			pv->processing_count++;
			pv->processing_centimes += amount;
		}
	}
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
out:
	if (own_tx && (st = db_stmt(db, end_sql, NULL))) {
		sqlite3_step(st); /* a read: ending it cannot lose anything */
		sqlite3_reset(st);
	}
	if (rc)
		due_free(d);
	return rc;
}

int treasury_due_read(struct db *db, int64_t commune, int64_t from, int64_t to,
		      struct settle_preview **out, int *n, struct wq_errbuf *eb)
{
	struct due_set d;
	int rc = due_read(db, commune, from, to, 0, &d, eb);
	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	struct settle_preview *rows = d.nc ? malloc(sizeof *rows * (size_t)d.nc) : NULL;
	if (d.nc && !rows) {
		due_free(&d);
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	}
	for (int i = 0; i < d.nc; i++)
		rows[i] = d.c[i].pv;
	*out = rows;
	*n = d.nc;
	due_free(&d);
	return WQ_OK;
}

/* "[12,15,19]": the payments a batch takes, bound as one JSON array. */
static char *ids_json(const int64_t *ids, int n)
{
	size_t cap = 3 + (size_t)n * 21, len = 0;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	s[len++] = '[';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%lld", i ? "," : "",
					(long long)ids[i]);
	s[len++] = ']';
	s[len] = '\0';
	return s;
}

/* Inside the batch's transaction: the fees the commune owes back (refunded after an
 * earlier batch distributed them, FIN_RECOVER_FROM) taken back from batch `id`, oldest
 * refund first, as many whole ones as its total covers (a batch never goes below zero:
 * the rest waits for the next), each once (db/281's UNIQUE refund_id). */
static int take_back(struct db *db, int64_t id, int64_t commune, int64_t total, int *n,
		     int64_t *centimes, struct wq_errbuf *eb)
{
	static const char ins[] =
		"INSERT INTO settlement_recoveries (settlement_id, refund_id, from_settlement_id,"
		" amount_centimes) SELECT ?1, rid, sid, amount FROM (SELECT f.id AS rid,"
		" x.settlement_id AS sid, f.amount_centimes AS amount, sum(f.amount_centimes)"
		" OVER (ORDER BY f.id) AS running FROM" FIN_RECOVER_FROM " WHERE" FIN_RECOVER
		" AND x.settlement_id <> ?1 AND (SELECT commune_id FROM settlements"
		" WHERE id = x.settlement_id) = ?2 AND NOT EXISTS (SELECT 1"
		" FROM settlement_recoveries k WHERE k.refund_id = f.id)) WHERE running <= ?3"
		" ORDER BY rid";
	static const char sum[] = "SELECT count(*), coalesce(sum(amount_centimes), 0)"
				  " FROM settlement_recoveries WHERE settlement_id = ?1";
	sqlite3_stmt *st = db_stmt(db, ins, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, commune);
	sqlite3_bind_int64(st, 3, total);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (!(st = db_stmt(db, sum, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = sqlite3_column_int(st, 0);
		*centimes = sqlite3_column_int64(st, 1);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

/* One commune's batch, inside its own write transaction: the payments read before,
 * each checked again under the lock.  *items 0: another build took them (the
 * caller rolls back, nothing is left). */
static int build_one(struct db *db, const struct actor *a, const struct fin_period *p,
		     const struct due_commune *c, const char *ids, int *items,
		     int64_t *total, struct wq_errbuf *eb)
{
	static const char ins[] =
		"INSERT INTO settlements (commune_id, period_start, period_end, request_count,"
		" total_centimes, state, built_at, built_by) VALUES (?1, ?2, ?3, 0, 0, 'built',"
		" ?4, nullif(?5, 0))";
	static const char items_sql[] =
		"INSERT INTO settlement_items (settlement_id, request_id, amount_centimes)"
		" SELECT ?3, r.id," FIN_KEPT " FROM json_each(?4) j"
		" CROSS JOIN payments p ON p.id = j.value"
		" JOIN requests r ON r.id = p.request_id JOIN offices o ON o.id = r.office_id"
		" WHERE o.commune_id = ?1 AND p.status = 'confirmed' AND p.confirmed_at < ?2"
		" AND" FIN_EARNED
		" AND NOT EXISTS (SELECT 1 FROM settlement_items x WHERE x.request_id = r.id)"
		" ORDER BY p.confirmed_at, p.id";
	static const char totals[] =
		"UPDATE settlements SET request_count = (SELECT count(*) FROM settlement_items"
		" WHERE settlement_id = ?1), total_centimes = (SELECT coalesce(sum("
		"amount_centimes), 0) FROM settlement_items WHERE settlement_id = ?1)"
		" WHERE id = ?1 RETURNING request_count, total_centimes";
	int64_t commune = c->pv.commune_id;
	sqlite3_stmt *st = db_stmt(db, ins, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune);
	sqlite3_bind_int64(st, 2, p->from);
	sqlite3_bind_int64(st, 3, p->to);
	sqlite3_bind_int64(st, 4, wq_now());
	sqlite3_bind_int64(st, 5, a->user_id);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	int64_t id = sqlite3_last_insert_rowid(db_handle(db));

	if (!(st = db_stmt(db, items_sql, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune);
	sqlite3_bind_int64(st, 2, p->to);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_text(st, 4, ids, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st); /* ids is the caller's, freed after */
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);

	if (!(st = db_stmt(db, totals, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*items = sqlite3_column_int(st, 0);
		*total = sqlite3_column_int64(st, 1);
		rc = sqlite3_step(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (*items == 0)
		return WQ_OK;
	int taken = 0;
	int64_t back = 0;
	if ((rc = take_back(db, id, commune, *total, &taken, &back, eb)))
		return rc;

	char target[32], detail[320], period[40], money[32], less[160] = "";
	fin_period_label(p, period, sizeof period);
	wq_fmt_money(*total, money, sizeof money);
	snprintf(target, sizeof target, "settlement %lld", (long long)id);
	if (taken) {
		char m[32], net[32];
		wq_fmt_money(back, m, sizeof m);
		wq_fmt_money(*total - back, net, sizeof net);
		snprintf(less, sizeof less, ", less %s MAD taken back (%d fees), %s MAD to transfer",
			 m, taken, net);
	}
	snprintf(detail, sizeof detail, "%s %s: %d requests, %s MAD%s", c->pv.commune_code,
		 period, *items, money, less);
	return db_audit_append(db, a->user_id, a->username, "settlement.build", target, detail,
			       "", eb);
}

/* One commune, one transaction: committed with its items, or nothing at all. */
static int build_commune(struct db *db, const struct actor *a, const struct fin_period *p,
			 const struct due_commune *c, int *items, int64_t *total,
			 struct wq_errbuf *eb)
{
	char *ids = ids_json(c->ids, c->nids);
	if (!ids)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	int rc = db_begin(db, eb);
	if (!rc)
		rc = db_actor_current(db, a, eb);
	if (!rc)
		rc = build_one(db, a, p, c, ids, items, total, eb);
	free(ids);
	if (rc || *items == 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, eb);
}

int treasury_build(struct db *db, const struct actor *a, const struct fin_period *p,
		   int64_t commune_id, int *batches, int *items, int64_t *total,
		   struct wq_errbuf *eb)
{
	struct due_set d;
	*batches = *items = 0;
	*total = 0;
	if (a->role != ROLE_TREASURY)
		return wq_fail(eb, WQ_EDENIED, "role", "only the treasury builds batches");
	if (p->to > wq_now())
		return wq_fail(eb, WQ_EINVAL, "period",
			       "period: it has not ended yet; build once it is over");
	if (p->from >= p->to)
		return wq_fail(eb, WQ_EINVAL, "period", "period: empty");
	/* read once, no lock held: the commune transactions check each fee again */
	int rc = due_read(db, commune_id, 0, p->to, 1, &d, eb);
	for (int i = 0; !rc && i < d.nc; i++) {
		int k = 0;
		int64_t t = 0;
		if (d.c[i].nids == 0)
			continue;
		if (*batches)
			usleep(TREASURY_BUILD_GAP_MS * 1000); /* the lock to waiting payments */
		rc = build_commune(db, a, p, &d.c[i], &k, &t, eb);
		if (rc && *batches && eb) { /* the batches before it stand: say so */
			char msg[sizeof eb->msg];
			snprintf(msg, sizeof msg, "%.15s: %.150s (%d batches built before it"
				 " stand; build again for the rest)", d.c[i].pv.commune_code,
				 eb->msg, *batches);
			wq_strlcpy(eb->msg, msg, sizeof eb->msg);
		}
		if (!rc && k) {
			(*batches)++;
			*items += k;
			*total += t;
		}
	}
	due_free(&d);
	return rc;
}

static void fill_settlement(sqlite3_stmt *st, void *row)
{
	struct settlement *s = row;
	memset(s, 0, sizeof *s);
	s->id = sqlite3_column_int64(st, 0);
	s->commune_id = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, s->commune_code, sizeof s->commune_code);
	db_col_text(st, 3, s->post_account, sizeof s->post_account);
	s->period_start = sqlite3_column_int64(st, 4);
	s->period_end = sqlite3_column_int64(st, 5);
	s->count = sqlite3_column_int(st, 6);
	s->total_centimes = sqlite3_column_int64(st, 7);
	db_col_text(st, 8, s->state, sizeof s->state);
	s->built_at = sqlite3_column_int64(st, 9);
	s->transferred_at = sqlite3_column_int64(st, 10);
	db_col_text(st, 11, s->built_by, sizeof s->built_by);
	db_col_text(st, 12, s->transferred_by, sizeof s->transferred_by);
	db_col_text(st, 13, s->transfer_ref, sizeof s->transfer_ref);
	s->recovered_count = sqlite3_column_int(st, 14);
	s->recovered_centimes = sqlite3_column_int64(st, 15);
}

#define SETTLE_SELECT                                                                   \
	"SELECT s.id, s.commune_id, c.code, c.post_account, s.period_start, s.period_end," \
	" s.request_count, s.total_centimes, s.state, s.built_at,"                         \
	" coalesce(s.transferred_at, 0), coalesce(ub.username, ''),"                     \
	" coalesce(ut.username, ''), s.transfer_ref,"                                    \
	" (SELECT count(*) FROM settlement_recoveries k WHERE k.settlement_id = s.id),"    \
	" (SELECT coalesce(sum(k.amount_centimes), 0) FROM settlement_recoveries k"        \
	"  WHERE k.settlement_id = s.id) FROM settlements s"                               \
	" JOIN communes c ON c.id = s.commune_id"                                         \
	" LEFT JOIN users ub ON ub.id = s.built_by"                                       \
	" LEFT JOIN users ut ON ut.id = s.transferred_by"

int treasury_batches(struct db *db, const struct actor *a, int64_t commune_id,
		     struct settlement **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = SETTLE_SELECT " WHERE (?1 = 0 OR s.commune_id = ?1)"
						" ORDER BY s.id DESC LIMIT 5000";
	int64_t commune;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = fin_scope_commune(a, commune_id, &commune, eb)))
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune);
	return db_collect(db, st, sizeof **out, fill_settlement, (void **)out, n, eb);
}

int treasury_batch_items(struct db *db, const struct actor *a, int64_t settlement_id,
			 struct fin_payment **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] = "SELECT " FIN_PAY_COLS FIN_PAY_FROM
				  " WHERE i.settlement_id = ?2 AND (?1 = 0 OR s.commune_id = ?1)"
				  " ORDER BY p.confirmed_at, p.id";
	int64_t commune;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = fin_scope_commune(a, 0, &commune, eb)))
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, commune);
	sqlite3_bind_int64(st, 2, settlement_id);
	if ((rc = fin_collect_payments(db, st, out, n, eb)))
		return rc;
	/* what the batch took of each: the fee less its lines refunded before (db/211),
	 * so that the items add up to the batch's total */
	for (int i = 0; i < *n; i++)
		(*out)[i].amount_centimes = (*out)[i].settled_centimes;
	return WQ_OK;
}

static int do_transfer(struct db *db, const struct actor *a, int64_t id, const char *ref,
		       struct wq_errbuf *eb)
{
	static const char one[] = SETTLE_SELECT " WHERE s.id = ?1";
	static const char upd[] =
		"UPDATE settlements SET state = 'transferred', transferred_at = ?2,"
		" transferred_by = nullif(?3, 0), transfer_ref = ?4"
		" WHERE id = ?1 AND state = 'built'";
	struct settlement s;
	sqlite3_stmt *st = db_stmt(db, one, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	int rc = db_one(db, st, fill_settlement, &s, eb);
	if (rc == WQ_ENOTFOUND)
		return wq_fail(eb, WQ_ENOTFOUND, "settlement", "no batch #%lld", (long long)id);
	if (rc)
		return rc;
	if (strcmp(s.state, "built"))
		return wq_fail(eb, WQ_ECONFLICT, "settlement",
			       "batch #%lld was already transferred by %s (ref %s)",
			       (long long)id, s.transferred_by, s.transfer_ref);
	if (!(st = db_stmt(db, upd, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, wq_now());
	sqlite3_bind_int64(st, 3, a->user_id);
	db_bind_text(st, 4, ref);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	char target[32], detail[160], money[32];
	/* what leaves the treasury: the batch less what it took back */
	wq_fmt_money(s.total_centimes - s.recovered_centimes, money, sizeof money);
	snprintf(target, sizeof target, "settlement %lld", (long long)id);
	snprintf(detail, sizeof detail, "%s %s MAD to %s, ref %s", s.commune_code, money,
		 s.post_account, ref);
	return db_audit_append(db, a->user_id, a->username, "settlement.transfer", target,
			       detail, "", eb);
}

int treasury_mark_transferred(struct db *db, const struct actor *a, int64_t settlement_id,
			      const char *transfer_ref, struct wq_errbuf *eb)
{
	if (a->role != ROLE_TREASURY)
		return wq_fail(eb, WQ_EDENIED, "role", "only the treasury marks transfers");
	if (!transfer_ref || strlen(transfer_ref) < 4 || strlen(transfer_ref) > 39)
		return wq_fail(eb, WQ_EINVAL, "reference",
			       "reference: the bank transfer reference, 4 to 39 characters");
	DB_TX_AS(db, a, eb, do_transfer(db, a, settlement_id, transfer_ref, eb));
}
