/* db_dashboard.c - the data layer behind dashboard.h.  Four queries, each an index
 * range, none a per-row subquery: the offices in scope; requests paid in the period by
 * office, state and day (requests_office_paid); the backlog now (requests_queue); and
 * the with_post events of the period (request_events_dispatch) joined to the
 * request's first paid event (request_events_paid), which gives each processing time from
 * the history.  Grouping by commune, totals, percentiles and the daily series are
 * computed here.  Read-only; runs in the UI child and in tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "db_scope.h"
#include "local_day.h"
#include "util.h"

#define SECONDS_PER_DAY 86400

/* ?1 is the actor's scope id; the offices the actor may see */
#define OS_OFFICE " (o.id = ?1 OR o.relay_office_id = ?1)"
#define OS_COMMUNE " o.commune_id = ?1"
#define OS_PROVINCE " c.province_id = ?1"
#define OS_NATIONAL " ?1 = ?1"
#define OFFICES(sc)                                                                 \
	"SELECT o.id, o.code, o.name_fr, c.id, c.code, c.name_fr FROM offices o"    \
	" JOIN communes c ON c.id = o.commune_id WHERE" sc " ORDER BY o.code"
#define IN_SCOPE(col, sc)                                                          \
	" " col " IN (SELECT o.id FROM offices o JOIN communes c ON c.id = o.commune_id" \
	" WHERE" sc ")"
/* ?2 from, ?3 to; days are Morocco's (local_day.h) */
#define PAID(sc)                                                                    \
	"SELECT r.office_id, r.state, local_day(r.paid_at), count(*) FROM requests r" \
	" WHERE" IN_SCOPE("r.office_id", sc) " AND r.paid_at >= ?2 AND r.paid_at < ?3"   \
	" GROUP BY 1, 2, 3"
/* ?2 overdue cutoff */
#define BACKLOG(sc)                                                                 \
	"SELECT r.office_id, count(*), sum(r.paid_at < ?2) FROM requests r WHERE"    \
	IN_SCOPE("r.office_id", sc)                                                  \
	" AND r.state IN ('paid', 'claimed', 'in_production', 'awaiting_signature', 'signed',"\
	" 'ready') GROUP BY 1"
/* the paid event that counts is the one out of pending_payment (or expired, for a
 * late payment): a reassignment also writes a paid event, but the clock does not
 * restart for the citizen */
#define DURATIONS(sc)                                                               \
	"SELECT w.office_id, local_day(w.at), w.at - p.at FROM request_events w"  \
	" JOIN request_events p ON p.request_id = w.request_id AND p.to_state = 'paid'" \
	" AND p.from_state IN ('pending_payment', 'expired')"                         \
	" WHERE w.to_state = 'with_post' AND w.at >= ?2 AND w.at < ?3 AND"           \
	IN_SCOPE("w.office_id", sc)

#define PER_SCOPE(m) {NULL, m(OS_OFFICE), m(OS_COMMUNE), m(OS_PROVINCE), m(OS_NATIONAL)}
static const char *const offices_sql[] = PER_SCOPE(OFFICES);
static const char *const paid_sql[] = PER_SCOPE(PAID);
static const char *const backlog_sql[] = PER_SCOPE(BACKLOG);
static const char *const durations_sql[] = PER_SCOPE(DURATIONS);

int64_t dashboard_day_start(int64_t t)
{
	return local_day_start(local_day(t));
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int64_t dashboard_percentile(const int64_t *v, int n, double q)
{
	if (n <= 0)
		return -1;
	/* nearest rank: the smallest value with at least q of the values at or below it */
	int k = (int)(q * n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

/* Where each office goes: its own row, or its commune's. */
struct office_map {
	int64_t office_id;
	int row;
};

static int map_cmp(const void *a, const void *b)
{
	return cmp_i64(&((const struct office_map *)a)->office_id,
		       &((const struct office_map *)b)->office_id);
}

static int row_of(const struct office_map *map, int n, int64_t office_id)
{
	struct office_map key = {office_id, 0};
	const struct office_map *m = bsearch(&key, map, (size_t)n, sizeof *map, map_cmp);
	return m ? m->row : -1;
}

static int load_rows(struct db *db, const struct actor *a, struct dashboard *d,
		     struct office_map **map_out, int *nmap, struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, offices_sql[a->scope], eb);
	int rc, cap = 0, mcap = 0;
	struct office_map *map = NULL;
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t oid = sqlite3_column_int64(st, 0), cid = sqlite3_column_int64(st, 3);
		int64_t gid = d->group == DASH_BY_OFFICE ? oid : cid;
		int col = d->group == DASH_BY_OFFICE ? 1 : 4, row = -1;
		for (int i = 0; i < d->n && row < 0; i++)
			if (d->rows[i].id == gid)
				row = i;
		if (row < 0) {
			if (d->n == cap) {
				cap = cap ? cap * 2 : 32;
				struct dash_row *p = realloc(d->rows, (size_t)cap * sizeof *p);
				if (!p)
					break;
				d->rows = p;
			}
			row = d->n++;
			memset(&d->rows[row], 0, sizeof d->rows[row]);
			d->rows[row].id = gid;
			db_col_text(st, col, d->rows[row].code, sizeof d->rows[row].code);
			db_col_text(st, col + 1, d->rows[row].name, sizeof d->rows[row].name);
		}
		if (*nmap == mcap) {
			mcap = mcap ? mcap * 2 : 32;
			struct office_map *p = realloc(map, (size_t)mcap * sizeof *p);
			if (!p)
				break;
			map = p;
		}
		map[(*nmap)++] = (struct office_map){oid, row};
	}
	sqlite3_reset(st);
	*map_out = map;
	if (rc != SQLITE_DONE)
		return rc == SQLITE_ROW ? wq_fail(eb, WQ_EIO, NULL, "out of memory")
					: db_fail(db, rc, eb);
	qsort(map, (size_t)*nmap, sizeof *map, map_cmp);
	return WQ_OK;
}

static int load_paid(struct db *db, const struct actor *a, struct dashboard *d,
		     const struct office_map *map, int nmap, struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, paid_sql[a->scope], eb);
	int64_t first_day = local_day(d->from);
	char state[20];
	int rc;
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int64(st, 2, d->from);
	sqlite3_bind_int64(st, 3, d->to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int row = row_of(map, nmap, sqlite3_column_int64(st, 0));
		db_col_text(st, 1, state, sizeof state);
		enum req_state s = req_state_from_name(state);
		int64_t day = sqlite3_column_int64(st, 2) - first_day;
		int count = sqlite3_column_int(st, 3);
		if (row < 0 || s == RS_NONE)
			continue;
		d->rows[row].by_state[s] += count;
		d->rows[row].paid += count;
		if (day >= 0 && day < d->days)
			d->trend_paid[day] += count;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

static int load_backlog(struct db *db, const struct actor *a, struct dashboard *d,
			const struct office_map *map, int nmap, int64_t cutoff,
			struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, backlog_sql[a->scope], eb);
	int rc;
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int64(st, 2, cutoff);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int row = row_of(map, nmap, sqlite3_column_int64(st, 0));
		if (row < 0)
			continue;
		d->rows[row].backlog += sqlite3_column_int(st, 1);
		d->rows[row].overdue += sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

/* One duration, tagged with the row it belongs to, for sorting by (row, seconds). */
struct dur {
	int row;
	int64_t seconds;
};

static int dur_cmp(const void *a, const void *b)
{
	const struct dur *x = a, *y = b;
	if (x->row != y->row)
		return x->row - y->row;
	return cmp_i64(&x->seconds, &y->seconds);
}

static void percentiles(struct dashboard *d, struct dur *v, int n, int64_t *all)
{
	if (n == 0) /* nothing reached the post in the period; qsort must not see NULL */
		return;
	for (int i = 0; i < n; i++)
		all[i] = v[i].seconds;
	qsort(all, (size_t)n, sizeof *all, cmp_i64);
	d->total.median_seconds = dashboard_percentile(all, n, 0.5);
	d->total.p90_seconds = dashboard_percentile(all, n, 0.9);
	qsort(v, (size_t)n, sizeof *v, dur_cmp);
	for (int i = 0; i < n;) {
		int j = i;
		while (j < n && v[j].row == v[i].row)
			j++;
		/* the run v[i..j) is one row's durations, sorted */
		for (int k = i; k < j; k++)
			all[k - i] = v[k].seconds;
		d->rows[v[i].row].median_seconds = dashboard_percentile(all, j - i, 0.5);
		d->rows[v[i].row].p90_seconds = dashboard_percentile(all, j - i, 0.9);
		i = j;
	}
}

static int load_durations(struct db *db, const struct actor *a, struct dashboard *d,
			  const struct office_map *map, int nmap, struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, durations_sql[a->scope], eb);
	int64_t first_day = local_day(d->from);
	struct dur *v = NULL;
	int n = 0, cap = 0, rc;
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	sqlite3_bind_int64(st, 2, d->from);
	sqlite3_bind_int64(st, 3, d->to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int row = row_of(map, nmap, sqlite3_column_int64(st, 0));
		int64_t day = sqlite3_column_int64(st, 1) - first_day;
		if (row < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			struct dur *p = realloc(v, (size_t)cap * sizeof *p);
			if (!p)
				break;
			v = p;
		}
		v[n++] = (struct dur){row, sqlite3_column_int64(st, 2)};
		d->rows[row].dispatched++;
		if (day >= 0 && day < d->days)
			d->trend_dispatched[day]++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return rc == SQLITE_ROW ? wq_fail(eb, WQ_EIO, NULL, "out of memory")
					: db_fail(db, rc, eb);
	}
	int64_t *all = malloc(sizeof *all * (size_t)(n ? n : 1));
	if (!all) {
		free(v);
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	}
	percentiles(d, v, n, all);
	free(all);
	free(v);
	return WQ_OK;
}

static void totals(struct dashboard *d)
{
	int64_t med = d->total.median_seconds, p90 = d->total.p90_seconds;
	memset(&d->total, 0, sizeof d->total);
	snprintf(d->total.code, sizeof d->total.code, "TOTAL");
	for (int i = 0; i < d->n; i++) {
		const struct dash_row *r = &d->rows[i];
		for (int s = 0; s < RS_COUNT; s++)
			d->total.by_state[s] += r->by_state[s];
		d->total.paid += r->paid;
		d->total.dispatched += r->dispatched;
		d->total.backlog += r->backlog;
		d->total.overdue += r->overdue;
	}
	d->total.median_seconds = med;
	d->total.p90_seconds = p90;
}

/* A deferred read transaction: one snapshot for the four queries, no write lock. */
static int read_begin(struct db *db, struct wq_errbuf *eb)
{
	static const char sql[] = "BEGIN DEFERRED";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? WQ_OK : db_fail(db, rc, eb);
}

static void read_end(struct db *db)
{
	static const char sql[] = "COMMIT";
	sqlite3_stmt *st = db_stmt(db, sql, NULL);
	if (st) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

int dashboard_load(struct db *db, const struct actor *a, enum dash_group group, int64_t from,
		   int64_t to, int overdue_days, struct dashboard *d, struct wq_errbuf *eb)
{
	struct office_map *map = NULL;
	int nmap = 0, rc;
	memset(d, 0, sizeof *d);
	if ((rc = db_scope_ok(a, eb)))
		return rc;
	d->group = group;
	d->from = dashboard_day_start(from);
	d->to = local_day_start(local_day(to - 1) + 1);
	d->days = (int)(local_day(to - 1) + 1 - local_day(d->from));
	if (to <= from || d->days > DASH_MAX_DAYS)
		return wq_fail(eb, WQ_EINVAL, "period", "the period must be 1 to %d days",
			       DASH_MAX_DAYS);
	d->trend_paid = calloc((size_t)d->days, sizeof *d->trend_paid);
	d->trend_dispatched = calloc((size_t)d->days, sizeof *d->trend_dispatched);
	d->total.median_seconds = d->total.p90_seconds = -1;
	if (!d->trend_paid || !d->trend_dispatched) {
		dashboard_free(d);
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	}
	/* every read in one snapshot: the figures add up even while agents write */
	rc = read_begin(db, eb);
	if (!rc)
		rc = load_rows(db, a, d, &map, &nmap, eb);
	for (int i = 0; i < d->n; i++)
		d->rows[i].median_seconds = d->rows[i].p90_seconds = -1;
	if (!rc)
		rc = load_paid(db, a, d, map, nmap, eb);
	if (!rc)
		rc = load_backlog(db, a, d, map, nmap,
				  wq_now() - (int64_t)overdue_days * SECONDS_PER_DAY, eb);
	if (!rc)
		rc = load_durations(db, a, d, map, nmap, eb);
	if (sqlite3_get_autocommit(db_handle(db)) == 0)
		read_end(db);
	free(map);
	if (rc) {
		dashboard_free(d);
		return rc;
	}
	totals(d);
	return WQ_OK;
}

void dashboard_free(struct dashboard *d)
{
	free(d->rows);
	free(d->trend_paid);
	free(d->trend_dispatched);
	memset(d, 0, sizeof *d);
}
