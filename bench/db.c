/* db.c - times the queries behind each screen on a big database (bench/gen): an agent's
 * queue page, a supervisor's board, an inspector's province dashboard for a month, the
 * support search by name and by tracking number, the treasury's batch preview for a
 * month.  Each is the project's own function (linked from the build/src objects), called as the
 * screen calls it, repeated --runs times; prints the first (cold) run, median, p90 and
 * max in milliseconds.  Prints figures, never passes or fails on a time.  Bench code:
 * reads the database directly only to pick realistic actors and arguments. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "dashboard.h"
#include "db.h"
#include "finance.h"
#include "request.h"
#include "search.h"
#include "util.h"

#define MAX_RUNS 1000

struct ctx {
	struct db *db;
	struct actor agent, sup, insp, support, treasury;
	int64_t office_id, province_id;
	int64_t month_from, month_to;
	char name_prefix[32];
	char trackings[64][16];
	int ntrackings;
	int run;
};

static double ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what, const struct wq_errbuf *eb)
{
	fprintf(stderr, "bench/db: %s: %s\n", what, eb ? eb->msg : "");
	exit(1);
}

/* ---- the queries, each returning a row count so nothing is optimised away ---- */

static int q_agent_queue(struct ctx *c)
{
	struct request_filter f = {.states = STATE_BIT(RS_PAID), .agent_id = -1,
				   .oldest_first = 1, .limit = 20};
	struct request *r;
	int n;
	struct wq_errbuf eb = {0};
	if (request_list(c->db, &c->agent, &f, &r, &n, &eb))
		die("request_list", &eb);
	free(r);
	return n;
}

static int q_agent_mine(struct ctx *c)
{
	struct request_filter f = {.states = STATE_BIT(RS_CLAIMED) | STATE_BIT(RS_IN_PRODUCTION) |
					     STATE_BIT(RS_READY),
				   .agent_id = c->agent.user_id, .oldest_first = 1, .limit = 20};
	struct request *r;
	int n;
	struct wq_errbuf eb = {0};
	if (request_list(c->db, &c->agent, &f, &r, &n, &eb))
		die("request_list mine", &eb);
	free(r);
	return n;
}

static int q_board(struct ctx *c)
{
	struct board_counts bc;
	struct agent_load *loads;
	struct request *r;
	int n, nl;
	struct wq_errbuf eb = {0};
	int64_t overdue_before = wq_now() - 5 * 86400;
	struct request_filter f = {.states = STATE_BIT(RS_PAID) | STATE_BIT(RS_CLAIMED) |
					     STATE_BIT(RS_IN_PRODUCTION) | STATE_BIT(RS_READY),
				   .oldest_first = 1, .limit = 20};
	if (board_counts(c->db, &c->sup, overdue_before, &bc, &eb))
		die("board_counts", &eb);
	if (board_agent_loads(c->db, &c->sup, overdue_before, &loads, &nl, &eb))
		die("board_agent_loads", &eb);
	free(loads);
	if (request_list(c->db, &c->sup, &f, &r, &n, &eb))
		die("request_list board", &eb);
	free(r);
	return n + nl;
}

static int q_dashboard(struct ctx *c)
{
	struct dashboard d;
	struct wq_errbuf eb = {0};
	if (dashboard_load(c->db, &c->insp, DASH_BY_OFFICE, c->month_from, c->month_to, 5, &d,
			   &eb))
		die("dashboard_load", &eb);
	int n = d.total.dispatched;
	dashboard_free(&d);
	return n;
}

static int q_search_name(struct ctx *c)
{
	struct search_result res;
	struct wq_errbuf eb = {0};
	if (search_requests(c->db, &c->support, SEARCH_NAME, c->name_prefix, &res, &eb))
		die("search_requests name", &eb);
	int n = res.n;
	search_result_free(&res);
	return n;
}

static int q_search_tracking(struct ctx *c)
{
	struct search_result res;
	struct wq_errbuf eb = {0};
	const char *t = c->trackings[c->run % c->ntrackings];
	if (search_requests(c->db, &c->support, SEARCH_TRACKING, t, &res, &eb))
		die("search_requests tracking", &eb);
	int n = res.n;
	search_result_free(&res);
	return n;
}

static int q_tracking_page(struct ctx *c)
{
	struct request r;
	struct req_event *ev;
	int n;
	struct wq_errbuf eb = {0};
	const char *t = c->trackings[(c->run + 7) % c->ntrackings];
	if (request_get_by_tracking(c->db, &c->support, t, &r, &eb) ||
	    request_history(c->db, &c->support, r.id, &ev, &n, &eb))
		die("tracking page", &eb);
	free(ev);
	return n;
}

typedef int preview_fn(struct db *, const struct actor *, const struct fin_period *,
		       struct settle_preview **, int *, struct wq_errbuf *);

static int preview_month(struct ctx *c, preview_fn *fn, const char *name)
{
	struct fin_period p = {c->month_from, c->month_to};
	struct settle_preview *rows;
	int n;
	struct wq_errbuf eb = {0};
	if (fn(c->db, &c->treasury, &p, &rows, &n, &eb))
		die(name, &eb);
	free(rows);
	return n;
}

static int q_treasury(struct ctx *c)
{
	return preview_month(c, treasury_preview, "treasury_preview");
}

/* The same preview recomputed from the payments (every undistributed fee): what
 * treasury_preview did before the running totals of db/250, in the same run. */
static int q_treasury_rows(struct ctx *c)
{
	return preview_month(c, treasury_preview_rows, "treasury_preview_rows");
}

/* `watiqa check`'s comparison of the running totals with the payments (db/250): a pass
 * over every payment; returns the communes that differ (0 expected). */
static int q_totals_check(struct ctx *c)
{
	struct wq_errbuf eb = {0};
	int problems = 0;
	FILE *devnull = fopen("/dev/null", "w");
	if (!devnull || treasury_due_check(c->db, devnull, &problems, &eb))
		die("treasury_due_check", &eb);
	fclose(devnull);
	return problems;
}

/* The treasury's question in plain SQL: money confirmed per commune over the month,
 * from the payments themselves, then from db/090's revenue_daily summary. */
static int q_sql(struct ctx *c, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_handle(c->db), sql, -1, &st, NULL) != SQLITE_OK)
		return -1; /* the summary table is not there (before migration 090) */
	sqlite3_bind_int64(st, 1, c->month_from);
	sqlite3_bind_int64(st, 2, c->month_to);
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_finalize(st);
	return n;
}

static int q_revenue_payments(struct ctx *c)
{
	return q_sql(c, "SELECT o.commune_id, count(*), sum(p.amount_centimes) FROM payments p"
			" JOIN requests r ON r.id = p.request_id JOIN offices o ON o.id = r.office_id"
			" WHERE p.status = 'confirmed' AND p.confirmed_at >= ?1"
			" AND p.confirmed_at < ?2 GROUP BY o.commune_id");
}

static int q_revenue_summary(struct ctx *c)
{
	return q_sql(c, "SELECT commune_id, sum(payments), sum(centimes) FROM revenue_daily"
			" WHERE day >= (?1 + 3600) / 86400 AND day < (?2 + 3600) / 86400"
			" GROUP BY commune_id");
}

/* ---- proposed SQL: what the owners of the slow queries could change (bench/README.md) */

/* request_list with the state set bound as a JSON array: the index on (office_id,
 * state, paid_at) then reads only the matching rows (instr() hides the state from it). */
static int q_queue_proposed(struct ctx *c)
{
	static const char sql[] =
		"SELECT r.id, r.tracking, r.doc_type, r.copies, r.birth_commune_id, bc.name_fr,"
		" r.record_number, r.record_year, r.first_name_ar, r.last_name_ar,"
		" r.first_name_lat, r.last_name_lat, r.birth_date, r.cin, r.phone, r.email,"
		" r.address, r.postal_code, r.city, r.lang, r.fee_centimes, r.state, r.office_id,"
		" o.code, coalesce(r.agent_id, 0), coalesce(u.username, ''), r.reject_reason,"
		" r.version, r.created_at, coalesce(r.paid_at, 0), r.updated_at,"
		" coalesce(m.code, '')"
		" FROM requests r JOIN offices o ON o.id = r.office_id"
		" JOIN communes bc ON bc.id = r.birth_commune_id"
		" LEFT JOIN users u ON u.id = r.agent_id"
		" LEFT JOIN mail_items m ON m.request_id = r.id"
		" WHERE r.office_id IN (SELECT id FROM offices WHERE id = ?1 OR relay_office_id = ?1)"
		" AND r.state IN (SELECT value FROM json_each(?2))"
		" AND (?3 = 0 OR r.office_id = ?3)"
		" AND (?4 = 0 OR (?4 = -1 AND r.agent_id IS NULL) OR r.agent_id = ?4)"
		" ORDER BY r.paid_at, r.id LIMIT ?5 OFFSET ?6";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_handle(c->db), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, c->agent.scope_id);
	sqlite3_bind_text(st, 2, "[\"paid\"]", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, 0);
	sqlite3_bind_int64(st, 4, -1);
	sqlite3_bind_int(st, 5, 20);
	sqlite3_bind_int(st, 6, 0);
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_finalize(st);
	return n;
}

/* treasury_preview starting from db/091's fees_unsettled (payments and settlement_items
 * still decide): a month or two of fees instead of every payment ever made. */
static int q_treasury_proposed(struct ctx *c)
{
	return q_sql(c,
		"SELECT c.id, c.code, c.name_fr, c.post_account,"
		" sum(CASE WHEN r.state IN ('ready', 'with_post', 'delivered', 'returned')"
		" THEN 1 ELSE 0 END),"
		" sum(CASE WHEN r.state IN ('ready', 'with_post', 'delivered', 'returned')"
		" THEN p.amount_centimes ELSE 0 END),"
		" sum(CASE WHEN r.state IN ('paid', 'claimed', 'in_production') THEN 1 ELSE 0 END),"
		" sum(CASE WHEN r.state IN ('paid', 'claimed', 'in_production')"
		" THEN p.amount_centimes ELSE 0 END)"
		" FROM fees_unsettled d CROSS JOIN payments p ON p.id = d.payment_id"
		" JOIN requests r ON r.id = p.request_id JOIN offices o ON o.id = r.office_id"
		" JOIN communes c ON c.id = o.commune_id"
		" WHERE d.confirmed_at < ?2 AND ?1 = ?1 AND p.status = 'confirmed'"
		" AND p.confirmed_at < ?2"
		" AND NOT EXISTS (SELECT 1 FROM settlement_items x WHERE x.request_id = r.id)"
		" AND r.state IN ('ready', 'with_post', 'delivered', 'returned', 'paid', 'claimed',"
		" 'in_production') GROUP BY o.commune_id ORDER BY c.code");
}

static const struct bench_query {
	const char *name, *kind, *call;
	int (*run)(struct ctx *c);
} queries[] = {
	{"agent queue page", "interactive", "request_list(agent, paid, unclaimed, oldest, 20)",
	 q_agent_queue},
	{"agent queue page (proposed SQL)", "interactive", "state IN (json_each(?2))",
	 q_queue_proposed},
	{"agent's own requests", "interactive", "request_list(agent, mine, oldest, 20)",
	 q_agent_mine},
	{"supervisor board", "interactive",
	 "board_counts + board_agent_loads + request_list(20)", q_board},
	{"support search: name prefix", "interactive", "search_requests(NAME)", q_search_name},
	{"support search: tracking", "interactive", "search_requests(TRACKING)",
	 q_search_tracking},
	{"tracking page + history", "interactive", "request_get_by_tracking + request_history",
	 q_tracking_page},
	{"inspector dashboard, 1 month", "dashboard", "dashboard_load(province, by office)",
	 q_dashboard},
	{"treasury batch preview, 1 month", "dashboard", "treasury_preview(month)", q_treasury},
	{"treasury preview from the rows", "dashboard", "treasury_preview_rows(month)",
	 q_treasury_rows},
	{"treasury preview (proposed SQL)", "dashboard", "from fees_unsettled (091)",
	 q_treasury_proposed},
	{"totals check, every payment", "check", "treasury_due_check (watiqa check)", q_totals_check},
	{"revenue per commune, 1 month", "dashboard", "SQL over payments", q_revenue_payments},
	{"revenue per commune (summary)", "dashboard", "SQL over revenue_daily (090)",
	 q_revenue_summary},
};

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* ---- picking the actors and arguments from the data ---- */

static sqlite3_stmt *q(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench/db: %s: %s\n", sql, sqlite3_errmsg(h));
		exit(1);
	}
	return st;
}

static void actor_from(sqlite3 *h, struct actor *a, enum role role, enum scope_kind sk,
		       const char *where, int64_t arg)
{
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT id, username, scope_id FROM users WHERE %s ORDER BY id"
				  " LIMIT 1", where);
	sqlite3_stmt *st = q(h, sql);
	sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) != SQLITE_ROW) {
		fprintf(stderr, "bench/db: no account for %s\n", where);
		exit(1);
	}
	memset(a, 0, sizeof *a);
	a->user_id = sqlite3_column_int64(st, 0);
	wq_strlcpy(a->username, (const char *)sqlite3_column_text(st, 1), sizeof a->username);
	a->role = role;
	a->scope = sk;
	a->scope_id = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
}

static void setup(struct ctx *c, const char *month)
{
	sqlite3 *h = db_handle(c->db);
	/* the busiest queue in the kingdom: the worst case for an agent's page */
	sqlite3_stmt *st = q(h, "SELECT office_id, count(*) n FROM requests WHERE state = 'paid'"
				" GROUP BY office_id ORDER BY n DESC LIMIT 1");
	if (sqlite3_step(st) != SQLITE_ROW) {
		fprintf(stderr, "bench/db: no paid request: is this a bench/gen database?\n");
		exit(1);
	}
	int64_t office = sqlite3_column_int64(st, 0);
	int queued = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	/* a relayed annex has no staff: its relay's agents see its queue */
	st = q(h, "SELECT coalesce(relay_office_id, id) FROM offices WHERE id = ?");
	sqlite3_bind_int64(st, 1, office);
	sqlite3_step(st);
	c->office_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = q(h, "SELECT c.province_id FROM offices o JOIN communes c ON c.id = o.commune_id"
		  " WHERE o.id = ?");
	sqlite3_bind_int64(st, 1, c->office_id);
	sqlite3_step(st);
	c->province_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	actor_from(h, &c->agent, ROLE_AGENT, SCOPE_OFFICE,
		   "role = 'agent' AND scope_kind = 'office' AND scope_id = ?1", c->office_id);
	actor_from(h, &c->sup, ROLE_SUPERVISOR, SCOPE_OFFICE,
		   "role = 'supervisor' AND scope_kind = 'office' AND scope_id = ?1", c->office_id);
	actor_from(h, &c->insp, ROLE_INSPECTOR, SCOPE_PROVINCE,
		   "role = 'inspector' AND scope_id = ?1", c->province_id);
	actor_from(h, &c->support, ROLE_SUPPORT, SCOPE_NATIONAL, "role = 'support' AND ?1 = ?1",
		   0);
	actor_from(h, &c->treasury, ROLE_TREASURY, SCOPE_NATIONAL,
		   "role = 'treasury' AND ?1 = ?1", 0);
	/* the month: the last whole one before the newest request, unless given */
	st = q(h, "SELECT max(created_at) FROM requests");
	sqlite3_step(st);
	int64_t newest = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	struct fin_period p;
	struct wq_errbuf eb = {0};
	if (month) {
		if (fin_period_parse(month, &p, &eb))
			die("--month", &eb);
	} else {
		fin_period_month(newest, -1, &p);
	}
	c->month_from = p.from;
	c->month_to = p.to;
	/* tracking numbers spread over the whole table */
	st = q(h, "SELECT tracking FROM requests WHERE id = ?");
	int64_t maxid = 0;
	sqlite3_stmt *m = q(h, "SELECT max(id) FROM requests");
	sqlite3_step(m);
	maxid = sqlite3_column_int64(m, 0);
	sqlite3_finalize(m);
	for (int i = 0; i < 64; i++) {
		sqlite3_bind_int64(st, 1, 1 + (int64_t)((uint64_t)(i + 1) * 2654435761u % maxid));
		if (sqlite3_step(st) == SQLITE_ROW)
			wq_strlcpy(c->trackings[c->ntrackings++],
				   (const char *)sqlite3_column_text(st, 0), 16);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	char label[40];
	fin_period_label(&p, label, sizeof label);
	printf("# %lld requests; office #%lld (%d queued, agent %s, supervisor %s); "
	       "province #%lld (inspector %s); month %s; name prefix '%s'\n",
	       (long long)maxid, (long long)c->office_id, queued, c->agent.username,
	       c->sup.username, (long long)c->province_id, c->insp.username, label,
	       c->name_prefix);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *month = NULL, *only = NULL;
	int runs = 50;
	struct ctx c;
	memset(&c, 0, sizeof c);
	wq_strlcpy(c.name_prefix, "Benj", sizeof c.name_prefix);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--month") && i + 1 < argc)
			month = argv[++i];
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			wq_strlcpy(c.name_prefix, argv[++i], sizeof c.name_prefix);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr, "usage: db --db PATH [--runs N] [--month YYYY-MM] "
					"[--name PREFIX] [--only SUBSTRING]\n");
			return 2;
		}
	}
	if (!path || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: db --db PATH [--runs N]\n");
		return 2;
	}
	struct wq_errbuf eb = {0};
	if (db_open(path, &c.db, &eb))
		die(path, &eb);
	setup(&c, month);
	printf("%-34s %-11s %8s %8s %8s %8s %7s\n", "query", "kind", "first", "median", "p90",
	       "max", "rows");
	static double t[MAX_RUNS];
	for (size_t k = 0; k < sizeof queries / sizeof queries[0]; k++) {
		const struct bench_query *bq = &queries[k];
		if (only && !strstr(bq->name, only))
			continue;
		int rows = 0, nruns = runs;
		double first = 0;
		for (c.run = 0; c.run <= nruns; c.run++) {
			double t0 = ms_now();
			rows = bq->run(&c);
			double dt = ms_now() - t0;
			if (c.run == 0) {
				first = dt; /* cold: statement prepared, pages read */
				if (first > 1000 && nruns > 5)
					nruns = 5; /* seconds a run: a few runs say enough */
			} else {
				t[c.run - 1] = dt;
			}
		}
		if (rows < 0) {
			printf("%-34s %-11s %8s\n", bq->name, bq->kind, "n/a");
			continue;
		}
		qsort(t, (size_t)nruns, sizeof t[0], cmp_d);
		double med = t[nruns / 2], p90 = t[(nruns * 9 + 9) / 10 - 1];
		/* a check has no goal: it reads everything, once, off the screens' path */
		double goal = !strcmp(bq->kind, "interactive") ? 10
			      : !strcmp(bq->kind, "dashboard") ? 200 : 1e12;
		printf("%-34s %-11s %8.2f %8.2f %8.2f %8.2f %7d%s%s\n", bq->name, bq->kind, first, med,
		       p90, t[nruns - 1], rows, med > goal ? "  (over goal)" : "",
		       nruns < runs ? "  (5 runs)" : "");
		fflush(stdout);
	}
	db_close(c.db);
	return 0;
}
