/* gen.c - builds a database the size of the kingdom for the benchmarks: 75 prefectures
 * and provinces, ~1,500 communes, ~2,500 offices (some relayed), ~20,000 staff accounts
 * sharing one yescrypt hash, and N requests (--requests) spread over three years, each
 * with a history consistent with its state, its payments, its envelope and now and then
 * a complaint.  The schema comes from `watiqa migrate --db PATH` (run that first); this
 * program only fills it, straight through SQLite with synchronous=OFF, no journal, big
 * transactions, and the big tables' indexes and triggers dropped during the load and
 * recreated at the end from their own SQL, so the result has exactly the schema's
 * indexes.  The event hash chain is computed with the formula of db_event_append(), in
 * time order (the events of all requests interleave as they would have happened), so
 * `watiqa audit verify` holds on the result.  Bench code: may call sqlite3 directly. */
#include <crypt.h>
#include <errno.h>
#include <math.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "finance.h"
#include "gen_vocab.h"
#include "names.h"
#include "util.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define HOUR 3600
#define DAY (24 * HOUR)
#define COMMUNES_PER_PROVINCE 20
#define URBAN_PER_PROVINCE 4
#define BENCH_PASSWORD "watiqa-bench"
#define PAYMENT_EXPIRY (24 * HOUR) /* PAYMENT_EXPIRY_SECONDS in src/limits.h */

enum { ACT_LOW, ACT_MODERATE, ACT_INTENSIVE };
static const char *const activity_names[] = {"low", "moderate", "intensive"};
/* enum req_state order (src/lifecycle.h), plus the pseudo state "new" */
enum { S_PENDING, S_PAID, S_CLAIMED, S_INPROD, S_READY, S_WITHPOST, S_DELIVERED,
       S_REJECTED, S_RETURNED, S_EXPIRED, S_NEW };
static const char *const state_names[] = {"pending_payment", "paid", "claimed",
	"in_production", "ready", "with_post", "delivered", "rejected", "returned", "expired",
	"new"};
enum { NK_NONE, NK_CODE, NK_REJECT, NK_RETURN, NK_REASSIGN, NK_ASSIGN };

struct g_office {
	int64_t id;
	int commune, province;
	int activity;
	int relay; /* index of the relaying office, -1 */
	char code[16];
	int64_t agent0, sup0; /* first user ids */
	int nagents, nsups;
	double cum_weight;
};
struct g_commune {
	int64_t id;
	int province;
	int office0, noffices; /* indexes into offices[] */
};
struct g_province {
	int64_t id;
	int64_t post0, insp0;
	int npost, ninsp;
};

/* One history row waiting in the time-ordered heap until every earlier row is out. */
struct g_event {
	int64_t at;
	uint32_t seq;
	int32_t req;
	int32_t actor; /* user id, 0 citizen, -1 system */
	int32_t office; /* office id */
	uint8_t from, to, note_kind, note_arg;
	int32_t note_int;
};

static struct {
	struct g_province prov[N_OF(gen_provinces)];
	struct g_commune *communes;
	int ncommunes;
	struct g_office *offices;
	int noffices;
	char (*usernames)[24];
	int64_t nusers;
	struct g_event *heap;
	size_t nheap, capheap;
	uint32_t seq;
	char prev_hash[65];
	int64_t nevents, npayments, nmail, ncomplaints;
	uint64_t rng;
	unsigned mail_serial;
	sqlite3 *db;
	sqlite3_stmt *ins_req, *ins_ev, *ins_pay, *ins_mail, *ins_compl, *ins_item;
	/* monthly distribution batches: months[k] is a period (Morocco time); the months
	 * ending before settle_limit were built on the 5th of the next month and
	 * transferred; their totals per commune add up in batch_count/batch_total */
	struct fin_period months[200];
	int nmonths;
	int64_t settle_limit;
	int *batch_count;
	int64_t *batch_total, nitems, nbatches;
	int64_t treasurer;
	EVP_MD_CTX *md;
	const EVP_MD *sha;
} G;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "gen: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- randomness: deterministic for a seed, so two runs build the same kingdom ---- */
static uint64_t rnd64(void)
{
	uint64_t z = (G.rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static unsigned rnd(unsigned n) { return (unsigned)(rnd64() % n); }
static double rndf(void) { return (double)(rnd64() >> 11) / 9007199254740992.0; }
/* exponential delay with the given mean, at least min seconds */
static int64_t rexp(double mean, int64_t min)
{
	int64_t d = (int64_t)(-log(1.0 - rndf()) * mean);
	return d < min ? min : d;
}

/* ---- SQL helpers ---- */
static void exec(const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(G.db, sql, NULL, NULL, &err) != SQLITE_OK)
		die("%s: %s", sql, err ? err : "?");
}
static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(G.db, sql, -1, &st, NULL) != SQLITE_OK)
		die("prepare %s: %s", sql, sqlite3_errmsg(G.db));
	return st;
}
static void step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		die("step: %s (%s)", sqlite3_errmsg(G.db), sqlite3_sql(st));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}
static void bt(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}
static void bi(sqlite3_stmt *st, int i, int64_t v) { sqlite3_bind_int64(st, i, v); }
static void bi_or_null(sqlite3_stmt *st, int i, int64_t v)
{
	if (v > 0)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static void sha256_hex(const char *buf, size_t len, char out[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int n = 0;
	if (!EVP_DigestInit_ex(G.md, G.sha, NULL) || !EVP_DigestUpdate(G.md, buf, len) ||
	    !EVP_DigestFinal_ex(G.md, md, &n))
		die("sha256 failed");
	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[64] = 0;
}

/* ---- the network ---- */
static void gen_network(int64_t t0, const char *pwhash)
{
	sqlite3_stmt *ip = prep("INSERT INTO provinces (id, code, kind, name_fr, name_ar)"
				" VALUES (?,?,?,?,?)");
	sqlite3_stmt *ic = prep("INSERT INTO communes (id, province_id, code, kind, name_fr,"
				" name_ar, post_account) VALUES (?,?,?,?,?,?,?)");
	sqlite3_stmt *io = prep("INSERT INTO offices (id, commune_id, code, name_fr, name_ar,"
				" activity, relay_office_id) VALUES (?,?,?,?,?,?,?)");
	sqlite3_stmt *iu = prep("INSERT INTO users (id, username, full_name, role, scope_kind,"
				" scope_id, password_hash, created_at) VALUES (?,?,?,?,?,?,?,?)");
	int np = N_OF(gen_provinces);
	G.ncommunes = np * COMMUNES_PER_PROVINCE;
	G.communes = calloc((size_t)G.ncommunes, sizeof *G.communes);
	G.offices = calloc((size_t)G.ncommunes * 6, sizeof *G.offices);
	G.usernames = calloc(40000, sizeof *G.usernames);
	if (!G.communes || !G.offices || !G.usernames)
		die("out of memory");
	int64_t uid = 0;
	char name[160], name_ar[160], code[32], buf[64];
#define ADD_USER(fmt_name, role, kind, scope)                                             \
	do {                                                                              \
		uid++;                                                                    \
		snprintf(G.usernames[uid], sizeof G.usernames[0], "%s", fmt_name);        \
		snprintf(buf, sizeof buf, "%s %s", names_given[rnd(names_given_count)][1],    \
			 names_family[rnd(names_family_count)][1]);                           \
		bi(iu, 1, uid);                                                           \
		bt(iu, 2, G.usernames[uid]);                                              \
		bt(iu, 3, buf);                                                           \
		bt(iu, 4, role);                                                          \
		bt(iu, 5, kind);                                                          \
		bi(iu, 6, scope);                                                         \
		bt(iu, 7, pwhash);                                                        \
		bi(iu, 8, t0 - 30 * DAY);                                                 \
		step(iu);                                                                 \
	} while (0)
	char uname[24];
	for (int p = 0; p < np; p++) {
		struct g_province *pv = &G.prov[p];
		pv->id = p + 1;
		bi(ip, 1, pv->id);
		bt(ip, 2, gen_provinces[p].code);
		bt(ip, 3, gen_provinces[p].kind);
		snprintf(name, sizeof name, "%s %s",
			 !strcmp(gen_provinces[p].kind, "prefecture") ? "Préfecture de"
									       : "Province de", gen_provinces[p].fr);
		bt(ip, 4, name);
		snprintf(name_ar, sizeof name_ar, "%s %s",
			 !strcmp(gen_provinces[p].kind, "prefecture") ? "عمالة" : "إقليم", gen_provinces[p].ar);
		bt(ip, 5, name_ar);
		step(ip);
		pv->insp0 = uid + 1;
		pv->ninsp = 3;
		for (int k = 0; k < pv->ninsp; k++) {
			snprintf(uname, sizeof uname, "insp%02d_%d", p + 1, k + 1);
			ADD_USER(uname, "inspector", "province", pv->id);
		}
		pv->post0 = uid + 1;
		pv->npost = 2;
		for (int k = 0; k < pv->npost; k++) {
			snprintf(uname, sizeof uname, "post%02d_%d", p + 1, k + 1);
			ADD_USER(uname, "post", "province", pv->id);
		}
	}
	int no = 0;
	for (int c = 0; c < G.ncommunes; c++) {
		struct g_commune *cm = &G.communes[c];
		int p = c / COMMUNES_PER_PROVINCE, k = c % COMMUNES_PER_PROVINCE;
		int urban = k < URBAN_PER_PROVINCE;
		cm->id = c + 1;
		cm->province = p;
		snprintf(code, sizeof code, "%.6s-%02d", gen_provinces[p].code, k + 1);
		if (urban) {
			snprintf(name, sizeof name, "%s %s", gen_provinces[p].fr,
				 gen_district[k % N_OF(gen_district)][0]);
			snprintf(name_ar, sizeof name_ar, "%s %s", gen_provinces[p].ar,
				 gen_district[k % N_OF(gen_district)][1]);
		} else {
			/* prefix and root from the commune number: unique within the province */
			int a = (p * 7 + k) % N_OF(gen_commune_prefix);
			int b = (p * 13 + k * 5) % N_OF(gen_commune_root);
			snprintf(name, sizeof name, "%s %s", gen_commune_prefix[a][0],
				 gen_commune_root[b][0]);
			snprintf(name_ar, sizeof name_ar, "%s %s", gen_commune_prefix[a][1],
				 gen_commune_root[b][1]);
		}
		bi(ic, 1, cm->id);
		bi(ic, 2, G.prov[p].id);
		bt(ic, 3, code);
		bt(ic, 4, urban ? "urban" : "rural");
		bt(ic, 5, name);
		bt(ic, 6, name_ar);
		snprintf(buf, sizeof buf, "BAM-%04d-%04d", p + 1, 2000 + k);
		bt(ic, 7, buf);
		step(ic);
		snprintf(uname, sizeof uname, "fin%04d", c + 1);
		ADD_USER(uname, "finance", "commune", cm->id);
		/* offices: an urban commune has a central office and 1-4 more, a rural one
		 * an office and sometimes a relayed annex */
		int n = urban ? 2 + (int)rnd(4) : 1 + (rnd(100) < 25);
		cm->office0 = no;
		cm->noffices = n;
		for (int j = 0; j < n; j++) {
			struct g_office *o = &G.offices[no];
			o->id = no + 1;
			o->commune = c;
			o->province = p;
			o->relay = -1;
			if (j == 0)
				o->activity = urban ? ACT_INTENSIVE : (rnd(100) < 40 ? ACT_MODERATE
										: ACT_LOW);
			else if (urban)
				o->activity = rnd(100) < 55 ? ACT_MODERATE : ACT_LOW;
			else
				o->activity = ACT_LOW;
			if (j > 0 && o->activity == ACT_LOW && (!urban || rnd(100) < 50))
				o->relay = cm->office0;
			snprintf(o->code, sizeof o->code, "%s-%d", code, j + 1);
			snprintf(name, sizeof name, "%s %s", j == 0 ? "Bureau central" : "Annexe",
				 j == 0 ? gen_provinces[p].fr : gen_district[(j + k) % 9][0]);
			snprintf(name_ar, sizeof name_ar, "%s %s",
				 j == 0 ? "المكتب المركزي" : "ملحقة",
				 j == 0 ? gen_provinces[p].ar : gen_district[(j + k) % 9][1]);
			bi(io, 1, o->id);
			bi(io, 2, cm->id);
			bt(io, 3, o->code);
			bt(io, 4, name);
			bt(io, 5, name_ar);
			bt(io, 6, activity_names[o->activity]);
			bi_or_null(io, 7, o->relay >= 0 ? G.offices[o->relay].id : 0);
			step(io);
			/* staff: a relayed annex has none of its own (the central office
			 * records its stages) */
			static const int agents[] = {2, 8, 20}, sups[] = {1, 1, 2};
			o->nagents = o->relay >= 0 ? 0 : agents[o->activity];
			o->nsups = o->relay >= 0 ? 0 : sups[o->activity];
			o->agent0 = uid + 1;
			for (int a = 0; a < o->nagents; a++) {
				snprintf(uname, sizeof uname, "ag%04d_%02d", no + 1, a + 1);
				ADD_USER(uname, "agent", "office", o->id);
			}
			o->sup0 = uid + 1;
			for (int a = 0; a < o->nsups; a++) {
				snprintf(uname, sizeof uname, "sup%04d_%d", no + 1, a + 1);
				ADD_USER(uname, "supervisor", "office", o->id);
			}
			no++;
		}
	}
	G.noffices = no;
	for (int k = 0; k < 60; k++) {
		snprintf(uname, sizeof uname, "support%02d", k + 1);
		ADD_USER(uname, "support", "national", 0);
	}
	for (int k = 0; k < 10; k++) {
		snprintf(uname, sizeof uname, "treasury%02d", k + 1);
		ADD_USER(uname, "treasury", "national", 0);
		snprintf(uname, sizeof uname, "admin%02d", k + 1);
		ADD_USER(uname, "admin", "national", 0);
	}
	G.nusers = uid;
	/* how many requests each office gets: by activity, the big city offices most */
	static const double weight[] = {1.5, 5, 22};
	double cum = 0;
	for (int i = 0; i < G.noffices; i++) {
		struct g_office *o = &G.offices[i];
		double w = weight[o->activity];
		if (o->activity == ACT_INTENSIVE && G.communes[o->commune].id % 20 == 1)
			w *= 2.5; /* the province's chief town */
		cum += w;
		o->cum_weight = cum;
	}
	for (int i = 0; i < G.noffices; i++)
		G.offices[i].cum_weight /= cum;
	sqlite3_finalize(ip);
	sqlite3_finalize(ic);
	sqlite3_finalize(io);
	sqlite3_finalize(iu);
}

static int pick_office(void)
{
	double x = rndf();
	int lo = 0, hi = G.noffices - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (G.offices[mid].cum_weight < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The office whose staff records the stages: the relay for a relayed annex. */
static const struct g_office *handler(int o)
{
	return G.offices[o].relay >= 0 ? &G.offices[G.offices[o].relay] : &G.offices[o];
}

/* ---- the heap that puts every request's history rows in time order ---- */
static int ev_less(const struct g_event *a, const struct g_event *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}
static void heap_push(const struct g_event *e)
{
	if (G.nheap == G.capheap) {
		G.capheap = G.capheap ? G.capheap * 2 : 1 << 16;
		G.heap = realloc(G.heap, G.capheap * sizeof *G.heap);
		if (!G.heap)
			die("out of memory");
	}
	size_t i = G.nheap++;
	G.heap[i] = *e;
	G.heap[i].seq = G.seq++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!ev_less(&G.heap[i], &G.heap[p]))
			break;
		struct g_event t = G.heap[i];
		G.heap[i] = G.heap[p];
		G.heap[p] = t;
		i = p;
	}
}
static void heap_pop(struct g_event *out)
{
	*out = G.heap[0];
	G.heap[0] = G.heap[--G.nheap];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < G.nheap && ev_less(&G.heap[l], &G.heap[m]))
			m = l;
		if (r < G.nheap && ev_less(&G.heap[r], &G.heap[m]))
			m = r;
		if (m == i)
			break;
		struct g_event t = G.heap[i];
		G.heap[i] = G.heap[m];
		G.heap[m] = t;
		i = m;
	}
}

/* Writes one history row, chained to the previous one as db_event_append() does. */
static void write_event(const struct g_event *e)
{
	char note[200], buf[600], hash[65];
	const char *label = e->actor > 0 ? G.usernames[e->actor]
				: e->actor == 0 ? "citizen" : "system";
	switch (e->note_kind) {
	case NK_CODE:
		wq_s10_make("RR", (unsigned)e->note_int, "MA", note);
		break;
	case NK_REJECT:
		snprintf(note, sizeof note, "%s", gen_reject_reasons[e->note_arg]);
		break;
	case NK_RETURN:
		snprintf(note, sizeof note, "%s", gen_return_reasons[e->note_arg]);
		break;
	case NK_REASSIGN:
		snprintf(note, sizeof note, "reassigned from %s to %s: %s",
			 G.offices[e->office - 1].code, G.offices[e->note_int].code,
			 "the record is held at that office");
		break;
	case NK_ASSIGN:
		snprintf(note, sizeof note, "assigned to %s", G.usernames[e->note_int]);
		break;
	default:
		note[0] = 0;
	}
	int64_t actor_id = e->actor > 0 ? e->actor : 0;
	int len = snprintf(buf, sizeof buf, "%s|%lld|%lld|%lld|%s|%lld|%s|%s|%s", G.prev_hash,
			   (long long)e->req, (long long)e->at, (long long)actor_id, label,
			   (long long)e->office, state_names[e->from], state_names[e->to], note);
	sha256_hex(buf, (size_t)len, hash);
	sqlite3_stmt *st = G.ins_ev;
	bi(st, 1, e->req);
	bi(st, 2, e->at);
	bi_or_null(st, 3, actor_id);
	sqlite3_bind_text(st, 4, label, -1, SQLITE_STATIC);
	bi(st, 5, e->office);
	sqlite3_bind_text(st, 6, state_names[e->from], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, state_names[e->to], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, G.prev_hash, 64, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, hash, 64, SQLITE_STATIC);
	step(st);
	memcpy(G.prev_hash, hash, sizeof hash);
	G.nevents++;
}

static void flush_events_before(int64_t t)
{
	struct g_event e;
	while (G.nheap && G.heap[0].at < t) {
		heap_pop(&e);
		write_event(&e);
	}
}

/* ---- one request: its planned life, cut at `now` ---- */
struct plan {
	struct g_event ev[16];
	int n;
};
static void plan_add(struct plan *p, int64_t *t, int32_t actor, int office, int from, int to,
		     int nk, int narg, int32_t nint)
{
	if (p->n)
		*t = *t > p->ev[p->n - 1].at ? *t : p->ev[p->n - 1].at + 1;
	struct g_event *e = &p->ev[p->n++];
	memset(e, 0, sizeof *e);
	e->at = *t;
	e->actor = actor;
	e->office = (int32_t)G.offices[office].id;
	e->from = (uint8_t)from;
	e->to = (uint8_t)to;
	e->note_kind = (uint8_t)nk;
	e->note_arg = (uint8_t)narg;
	e->note_int = nint;
}

static int64_t pick_agent(const struct g_office *h)
{
	return h->agent0 + rnd((unsigned)h->nagents);
}

static void gen_request(int64_t id, int64_t created, int64_t now)
{
	struct plan p = {.n = 0};
	int office = pick_office();
	int office0 = office;
	int64_t t = created;
	int64_t paid_at = 0, ready_at = 0, post_at = 0, closed_at = 0;
	int64_t agent = 0, sealed_by = 0;
	unsigned serial = 0;
	int reject_kind = -1, return_kind = -1, failed_attempt = rnd(100) < 4;
	/* states are planned with the lifecycle table's moves only */
	plan_add(&p, &t, 0, office, S_NEW, S_PENDING, 0, 0, 0);
	if (rnd(1000) < 70) { /* never paid: the expiry job closes it after a day */
		t += PAYMENT_EXPIRY + rnd(HOUR);
		plan_add(&p, &t, -1, office, S_PENDING, S_EXPIRED, 0, 0, 0);
		failed_attempt = rnd(100) < 30;
		goto planned;
	}
	t += rexp(1.5 * HOUR, 30);
	if (t > created + 20 * HOUR)
		t = created + 20 * HOUR;
	plan_add(&p, &t, -1, office, S_PENDING, S_PAID, 0, 0, 0);
	paid_at = t;
	const struct g_office *h = handler(office);
	if (rnd(1000) < 10) { /* sent to another office of the commune (or the province) */
		const struct g_commune *cm = &G.communes[G.offices[office].commune];
		int to = cm->noffices > 1 ? cm->office0 + (int)rnd((unsigned)cm->noffices) : office;
		if (to == office)
			to = G.communes[cm->province * COMMUNES_PER_PROVINCE +
					rnd(COMMUNES_PER_PROVINCE)].office0;
		if (to != office) {
			t += rexp(6 * HOUR, 600);
			plan_add(&p, &t, (int32_t)(h->sup0 + rnd((unsigned)h->nsups)), office,
				 S_PAID, S_PAID, NK_REASSIGN, 0, to);
			office = to;
			h = handler(office);
		}
	}
	static const double queue_mean[] = {30 * HOUR, 12 * HOUR, 18 * HOUR};
	t += rexp(queue_mean[h->activity], 120);
	if (rnd(1000) < 15) { /* rejected straight from the queue */
		reject_kind = (int)rnd(N_OF(gen_reject_reasons));
		plan_add(&p, &t, (int32_t)pick_agent(h), office, S_PAID, S_REJECTED, NK_REJECT,
			 reject_kind, 0);
		goto planned;
	}
	agent = pick_agent(h);
	if (rnd(100) < 6)
		plan_add(&p, &t, (int32_t)(h->sup0 + rnd((unsigned)h->nsups)), office, S_PAID,
			 S_CLAIMED, NK_ASSIGN, 0, (int32_t)agent);
	else
		plan_add(&p, &t, (int32_t)agent, office, S_PAID, S_CLAIMED, 0, 0, 0);
	if (rnd(100) < 2) { /* released to the queue, claimed again by someone else */
		t += rexp(2 * HOUR, 60);
		plan_add(&p, &t, (int32_t)agent, office, S_CLAIMED, S_PAID, 0, 0, 0);
		t += rexp(4 * HOUR, 60);
		agent = pick_agent(h);
		plan_add(&p, &t, (int32_t)agent, office, S_PAID, S_CLAIMED, 0, 0, 0);
	}
	t += rexp(1 * HOUR, 60);
	plan_add(&p, &t, (int32_t)agent, office, S_CLAIMED, S_INPROD, 0, 0, 0);
	if (rnd(1000) < 20) {
		t += rexp(3 * HOUR, 60);
		reject_kind = (int)rnd(N_OF(gen_reject_reasons));
		plan_add(&p, &t, (int32_t)agent, office, S_INPROD, S_REJECTED, NK_REJECT,
			 reject_kind, 0);
		goto planned;
	}
	t += rexp(8 * HOUR, 300);
	plan_add(&p, &t, (int32_t)agent, office, S_INPROD, S_READY, 0, 0, 0);
	ready_at = t;
	sealed_by = agent;
	t += rexp(18 * HOUR, 600);
	serial = 10000000u + G.mail_serial++;
	plan_add(&p, &t, (int32_t)agent, office, S_READY, S_WITHPOST, NK_CODE, 0, (int32_t)serial);
	post_at = t;
	t += DAY + rexp(3 * DAY, 0);
	const struct g_province *pv = &G.prov[G.offices[office].province];
	int32_t postman = (int32_t)(pv->post0 + rnd((unsigned)pv->npost));
	if (rnd(1000) < 15) {
		return_kind = (int)rnd(N_OF(gen_return_reasons));
		plan_add(&p, &t, postman, office, S_WITHPOST, S_RETURNED, NK_RETURN, return_kind, 0);
	} else {
		plan_add(&p, &t, postman, office, S_WITHPOST, S_DELIVERED, 0, 0, 0);
	}
	closed_at = t;
planned:;
	/* cut at now: the request is in the state of its last past event */
	int n = 0;
	while (n < p.n && p.ev[n].at <= now)
		n++;
	int cur_office = office0, state = S_PENDING;
	agent = 0;
	for (int i = 0; i < n; i++) {
		struct g_event *e = &p.ev[i];
		e->req = (int32_t)id;
		state = e->to;
		if (e->note_kind == NK_REASSIGN)
			cur_office = e->note_int;
		if (e->to == S_CLAIMED)
			agent = e->note_kind == NK_ASSIGN ? e->note_int : e->actor;
		if (e->from == S_CLAIMED && e->to == S_PAID)
			agent = 0;
		heap_push(e);
	}
	int64_t updated = p.ev[n - 1].at;
	if (paid_at > now)
		paid_at = 0;

	/* the request row */
	char tracking[16], digits[10], secret[8], shash[65], buf[160];
	uint64_t d = ((uint64_t)id * 387420489ULL + 123456789ULL) % 1000000000ULL;
	snprintf(digits, sizeof digits, "%09llu", (unsigned long long)d);
	snprintf(tracking, sizeof tracking, "W%s%d", digits, wq_luhn_digit(digits));
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 6; i++)
		secret[i] = alphabet[rnd(sizeof alphabet - 1)];
	secret[6] = 0;
	sha256_hex(secret, 6, shash);
	int full = rnd(100) < 30, copies = 1 + (rnd(100) < 30) + (rnd(100) < 10) * (int)rnd(4);
	int64_t fee = (full ? 3000 : 2000) + (int64_t)(copies - 1) * 2000;
	int g = (int)rnd(names_given_count), f = (int)rnd(names_family_count);
	int by = 1940 + (int)rnd(84);
	sqlite3_stmt *st = G.ins_req;
	int c = 1;
	bi(st, c++, id);
	bt(st, c++, tracking);
	bt(st, c++, shash);
	bt(st, c++, full ? "full_copy" : "extract");
	bi(st, c++, copies);
	bi(st, c++, G.communes[G.offices[office0].commune].id);
	snprintf(buf, sizeof buf, "%u", 1 + rnd(4000));
	bt(st, c++, buf);
	bi(st, c++, by);
	bt(st, c++, names_given[g][0]);
	bt(st, c++, names_family[f][0]);
	bt(st, c++, names_given[g][1]);
	bt(st, c++, names_family[f][1]);
	snprintf(buf, sizeof buf, "%04d-%02u-%02u", by, 1 + rnd(12), 1 + rnd(28));
	bt(st, c++, buf);
	if (rnd(100) < 70)
		snprintf(buf, sizeof buf, "%c%c%06u", 'A' + rnd(26), 'A' + rnd(26), rnd(1000000));
	else
		buf[0] = 0;
	bt(st, c++, buf);
	snprintf(buf, sizeof buf, "0%u%08u", 6 + rnd(2), rnd(100000000));
	bt(st, c++, buf);
	if (rnd(100) < 30)
		snprintf(buf, sizeof buf, "%s.%s%u@example.ma", names_given[g][1], names_family[f][1],
			 rnd(100));
	else
		buf[0] = 0;
	bt(st, c++, buf);
	int city = (int)rnd(N_OF(gen_cities));
	snprintf(buf, sizeof buf, "%u %s", 1 + rnd(200), gen_streets[rnd(N_OF(gen_streets))]);
	bt(st, c++, buf);
	bt(st, c++, gen_cities[city][0]);
	bt(st, c++, gen_cities[city][1]);
	bt(st, c++, rnd(100) < 45 ? "ar" : "fr");
	bi(st, c++, fee);
	bt(st, c++, state_names[state]);
	bi(st, c++, G.offices[cur_office].id);
	bi_or_null(st, c++, agent);
	bt(st, c++, state == S_REJECTED   ? gen_reject_reasons[reject_kind]
		    : state == S_RETURNED ? gen_return_reasons[return_kind]
					  : "");
	bi(st, c++, n);
	bi(st, c++, created);
	bi_or_null(st, c++, paid_at);
	bi(st, c++, updated);
	step(st);

	/* payments: the confirmed one commits with the move to paid; a failed try before */
	sqlite3_stmt *ip = G.ins_pay;
	if (failed_attempt) {
		snprintf(buf, sizeof buf, "GWF%011lld", (long long)id);
		bi(ip, 1, id);
		bt(ip, 2, buf);
		bi(ip, 3, fee);
		bt(ip, 4, state == S_PENDING ? "initiated" : "failed");
		bi(ip, 5, created + 60);
		sqlite3_bind_null(ip, 6);
		step(ip);
		G.npayments++;
	}
	if (paid_at) {
		const char *status = "confirmed";
		if (state == S_REJECTED)
			status = updated < now - 15 * DAY ? "refunded" : "refund_owed";
		snprintf(buf, sizeof buf, "GW%012lld", (long long)id);
		bi(ip, 1, id);
		bt(ip, 2, buf);
		bi(ip, 3, fee);
		bt(ip, 4, status);
		bi(ip, 5, paid_at - 20);
		bi(ip, 6, paid_at);
		step(ip);
		G.npayments++;
	}
	/* the fee goes to the commune in the first batch built after it was earned */
	if (paid_at && ready_at && ready_at <= now && state != S_REJECTED) {
		int k = 0;
		while (k < G.nmonths && G.months[k].to <= paid_at)
			k++;
		while (k < G.nmonths && G.months[k].to + 4 * DAY < ready_at)
			k++;
		if (k < G.nmonths && G.months[k].to <= G.settle_limit) {
			int cm = G.offices[cur_office].commune;
			int64_t sid = (int64_t)k * G.ncommunes + cm + 1;
			bi(G.ins_item, 1, sid);
			bi(G.ins_item, 2, id);
			bi(G.ins_item, 3, fee);
			step(G.ins_item);
			G.batch_count[sid - 1]++;
			G.batch_total[sid - 1] += fee;
			G.nitems++;
		}
	}
	/* the envelope: sealed when ready (migration 010's trigger does it live), with
	 * its registered-mail code once it left the office */
	if (ready_at && ready_at <= now) {
		char code[16];
		int handed = post_at && post_at <= now;
		wq_s10_make("RR", serial, "MA", code);
		sqlite3_stmt *im = G.ins_mail;
		bi(im, 1, id);
		if (handed)
			bt(im, 2, code);
		bi(im, 3, ready_at);
		bi(im, 4, sealed_by);
		bi_or_null(im, 5, handed ? post_at : 0);
		if (handed)
			bt(im, 6, rnd(100) < 70 ? "pickup" : "deposit");
		bt(im, 7, handed ? state_names[state] : "sealed");
		bi_or_null(im, 8, state == S_DELIVERED || state == S_RETURNED ? closed_at : 0);
		step(im);
		G.nmail++;
	}
	/* complaints: the slow, the returned and some rejected */
	int complain = (state == S_DELIVERED && closed_at - paid_at > 8 * DAY && rnd(100) < 6) ||
		       (state == S_RETURNED && rnd(100) < 30) ||
		       (state == S_REJECTED && rnd(100) < 8) ||
		       (state == S_PAID && now - paid_at > 5 * DAY && rnd(100) < 20);
	if (complain) {
		const struct g_province *pv2 = &G.prov[G.offices[cur_office].province];
		int64_t opened = updated + rexp(2 * DAY, 3600);
		if (opened > now)
			opened = now - rnd(HOUR);
		int answered = opened < now - 3 * DAY;
		sqlite3_stmt *ic = G.ins_compl;
		bi(ic, 1, id);
		bi(ic, 2, pv2->id);
		bi(ic, 3, opened);
		bt(ic, 4, gen_complaints[rnd(N_OF(gen_complaints))]);
		bt(ic, 5, answered ? (rnd(100) < 80 ? "resolved" : "answered") : "open");
		bi_or_null(ic, 6, answered ? pv2->insp0 + rnd((unsigned)pv2->ninsp) : 0);
		bt(ic, 7, answered ? "Nous avons vérifié votre demande." : "");
		bi_or_null(ic, 8, answered ? opened + rexp(DAY, 600) : 0);
		step(ic);
		G.ncomplaints++;
	}
}

/* ---- indexes and triggers of the big tables: dropped for the load, then rebuilt ---- */
struct saved_sql {
	char *name, *sql;
};
static struct saved_sql *saved;
static int nsaved;

static void drop_big_indexes(void)
{
	sqlite3_stmt *st = prep(
		"SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
		" AND sql IS NOT NULL AND tbl_name IN ('requests', 'request_events', 'payments',"
		" 'mail_items', 'complaints', 'settlements', 'settlement_items') ORDER BY type = 'trigger', rowid");
	while (sqlite3_step(st) == SQLITE_ROW) {
		saved = realloc(saved, sizeof *saved * (size_t)(nsaved + 1));
		saved[nsaved].name = strdup((const char *)sqlite3_column_text(st, 1));
		saved[nsaved].sql = strdup((const char *)sqlite3_column_text(st, 2));
		nsaved++;
	}
	sqlite3_finalize(st);
	char sql[300];
	for (int i = 0; i < nsaved; i++) {
		int trig = !strncmp(saved[i].sql, "CREATE TRIGGER", 14) ||
			   !strncmp(saved[i].sql, "CREATE TEMP TRIGGER", 19);
		snprintf(sql, sizeof sql, "DROP %s \"%s\"", trig ? "TRIGGER" : "INDEX",
			 saved[i].name);
		exec(sql);
	}
}

static void rebuild_big_indexes(void)
{
	for (int i = 0; i < nsaved; i++) {
		double t0 = now_s();
		exec(saved[i].sql);
		fprintf(stderr, "gen: rebuilt %-28s %6.1f s\n", saved[i].name, now_s() - t0);
	}
}

/* A summary table, when the schema has it, refilled by sql (its migration's backfill). */
static void rebuild_summary(const char *table, const char *sql)
{
	sqlite3_stmt *has = prep("SELECT count(*) FROM sqlite_master WHERE name = ?1");
	sqlite3_bind_text(has, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(has) == SQLITE_ROW && sqlite3_column_int(has, 0)) {
		double tr = now_s();
		exec(sql);
		fprintf(stderr, "gen: rebuilt %s %6.1f s\n", table, now_s() - tr);
	}
	sqlite3_finalize(has);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: gen --db PATH [--requests N] [--seed N] [--now EPOCH] [--years N] "
		"[--analyze]\n"
		"  fills a database freshly made by `watiqa migrate --db PATH`\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	long long nreq = 100000, seed = 20261126;
	int64_t now = (int64_t)time(NULL) / HOUR * HOUR;
	int years = 3, analyze = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--requests") && i + 1 < argc)
			nreq = atoll(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = atoll(argv[++i]);
		else if (!strcmp(argv[i], "--now") && i + 1 < argc)
			now = atoll(argv[++i]);
		else if (!strcmp(argv[i], "--years") && i + 1 < argc)
			years = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--analyze"))
			analyze = 1;
		else
			usage();
	}
	if (!path || nreq < 1 || nreq > 2000000000LL || years < 1)
		usage();
	G.rng = (uint64_t)seed;
	G.md = EVP_MD_CTX_new();
	G.sha = EVP_sha256();
	memset(G.prev_hash, '0', 64);
	double t_start = now_s();

	if (sqlite3_open_v2(path, &G.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die("cannot open %s (run `watiqa migrate --db %s` first): %s", path, path,
		    sqlite3_errmsg(G.db));
	sqlite3_stmt *chk = prep("SELECT (SELECT count(*) FROM sqlite_master WHERE name ="
				 " 'schema_migrations'), (SELECT count(*) FROM sqlite_master"
				 " WHERE name = 'requests')");
	if (sqlite3_step(chk) != SQLITE_ROW || !sqlite3_column_int(chk, 0) ||
	    !sqlite3_column_int(chk, 1))
		die("%s has no schema: run `watiqa migrate --db %s` first", path, path);
	sqlite3_finalize(chk);
	chk = prep("SELECT (SELECT count(*) FROM requests) + (SELECT count(*) FROM offices)"
		   " + (SELECT count(*) FROM users)");
	if (sqlite3_step(chk) != SQLITE_ROW || sqlite3_column_int64(chk, 0) != 0)
		die("%s is not empty: gen fills a fresh database only", path);
	sqlite3_finalize(chk);

	/* the load is all or nothing anyway: no journal, no fsync, a big cache */
	exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
	     "PRAGMA cache_size=-1000000; PRAGMA temp_store=FILE; PRAGMA threads=4;"
	     "PRAGMA foreign_keys=OFF");
	drop_big_indexes();

	/* one yescrypt hash for every account: hashing 20,000 would take minutes */
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	memset(&cd, 0, sizeof cd);
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt))
		die("yescrypt salt: %s", strerror(errno));
	const char *pwhash = crypt_r(BENCH_PASSWORD, salt, &cd);
	if (!pwhash || pwhash[0] != '$')
		die("yescrypt failed");

	int64_t t0 = now - (int64_t)years * 365 * DAY;
	exec("BEGIN");
	gen_network(t0, pwhash);
	exec("COMMIT");
	fprintf(stderr, "gen: %zu provinces, %d communes, %d offices, %lld accounts (password %s)\n",
		(size_t)N_OF(gen_provinces), G.ncommunes, G.noffices, (long long)G.nusers,
		BENCH_PASSWORD);

	G.ins_req = prep(
		"INSERT INTO requests (id, tracking, secret_hash, doc_type, copies,"
		" birth_commune_id, record_number, record_year, first_name_ar, last_name_ar,"
		" first_name_lat, last_name_lat, birth_date, cin, phone, email, address,"
		" postal_code, city, lang, fee_centimes, state, office_id, agent_id,"
		" reject_reason, version, created_at, paid_at, updated_at)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	G.ins_ev = prep("INSERT INTO request_events (request_id, at, actor_id, actor_label,"
			" office_id, from_state, to_state, note, prev_hash, hash)"
			" VALUES (?,?,?,?,?,?,?,?,?,?)");
	G.ins_pay = prep("INSERT INTO payments (request_id, gateway_ref, amount_centimes, status,"
			 " created_at, confirmed_at) VALUES (?,?,?,?,?,?)");
	G.ins_mail = prep("INSERT INTO mail_items (request_id, code, sealed_at, sealed_by,"
			  " handed_at, handed_how, status, closed_at) VALUES (?,?,?,?,?,?,?,?)");
	G.ins_compl = prep("INSERT INTO complaints (request_id, province_id, opened_at, body,"
			   " state, inspector_id, answer, answered_at) VALUES (?,?,?,?,?,?,?,?)");

	G.ins_item = prep("INSERT INTO settlement_items (settlement_id, request_id,"
			  " amount_centimes) VALUES (?,?,?)");
	struct fin_period last;
	fin_period_month(now, -1, &last);
	G.settle_limit = last.from;
	for (int k = 0;; k++) {
		fin_period_month(t0, k, &G.months[k]);
		G.nmonths = k + 1;
		if (G.months[k].to > now || k + 1 == N_OF(G.months))
			break;
	}
	G.batch_count = calloc((size_t)G.nmonths * (size_t)G.ncommunes, sizeof *G.batch_count);
	G.batch_total = calloc((size_t)G.nmonths * (size_t)G.ncommunes, sizeof *G.batch_total);
	if (!G.batch_count || !G.batch_total)
		die("out of memory");
	G.treasurer = G.nusers; /* the last account is a treasury one */
	while (G.nusers && strncmp(G.usernames[G.treasurer], "treasury", 8))
		G.treasurer--;

	/* creation times: busier every year (+25 %/year), during the day (07:00-22:00 UTC) */
	double span_days = (double)years * 365, growth = 0.25 * years;
	exec("BEGIN");
	double t_load = now_s();
	for (long long i = 1; i <= nreq; i++) {
		double u = ((double)i - 0.5) / (double)nreq;
		double x = (-1 + sqrt(1 + 2 * growth * (1 + growth / 2) * u)) / growth;
		double day = x * span_days;
		int64_t dayi = (int64_t)day;
		int64_t created = t0 + dayi * DAY + 7 * HOUR +
				  (int64_t)((day - (double)dayi) * 15 * HOUR);
		if (created > now)
			created = now;
		flush_events_before(created);
		gen_request(i, created, now);
		if (i % 500000 == 0) {
			exec("COMMIT; BEGIN");
			double el = now_s() - t_load;
			fprintf(stderr, "gen: %lld requests, %lld events, %.0f s (%.0f req/s)\n", i,
				(long long)G.nevents, el, (double)i / el);
		}
	}
	flush_events_before(INT64_MAX);
	sqlite3_stmt *is = prep(
		"INSERT INTO settlements (id, commune_id, period_start, period_end, request_count,"
		" total_centimes, state, built_at, built_by, transferred_at, transferred_by,"
		" transfer_ref) VALUES (?,?,?,?,?,?,'transferred',?,?,?,?,?)");
	for (int k = 0; k < G.nmonths; k++) {
		for (int cm = 0; cm < G.ncommunes; cm++) {
			int64_t sid = (int64_t)k * G.ncommunes + cm + 1;
			if (!G.batch_count[sid - 1])
				continue;
			char ref[40];
			snprintf(ref, sizeof ref, "VIR-%04d-%06lld", k + 1, (long long)sid);
			bi(is, 1, sid);
			bi(is, 2, G.communes[cm].id);
			bi(is, 3, G.months[k].from);
			bi(is, 4, G.months[k].to);
			bi(is, 5, G.batch_count[sid - 1]);
			bi(is, 6, G.batch_total[sid - 1]);
			bi(is, 7, G.months[k].to + 4 * DAY);
			bi(is, 8, G.treasurer);
			bi(is, 9, G.months[k].to + 6 * DAY);
			bi(is, 10, G.treasurer);
			bt(is, 11, ref);
			step(is);
			G.nbatches++;
		}
	}
	sqlite3_finalize(is);
	exec("COMMIT");
	fprintf(stderr, "gen: loaded %lld requests, %lld events, %lld payments, %lld envelopes,"
		" %lld complaints in %.0f s\n", nreq, (long long)G.nevents,
		(long long)G.npayments, (long long)G.nmail, (long long)G.ncomplaints,
		now_s() - t_load);
	sqlite3_finalize(G.ins_req);
	sqlite3_finalize(G.ins_ev);
	sqlite3_finalize(G.ins_pay);
	sqlite3_finalize(G.ins_mail);
	sqlite3_finalize(G.ins_compl);
	sqlite3_finalize(G.ins_item);
	fprintf(stderr, "gen: %lld distribution batches (%lld fees) up to the month before last\n",
		(long long)G.nbatches, (long long)G.nitems);

	rebuild_big_indexes();
	/* summary tables the dropped triggers would have kept (db/090_scale_indexes.sql,
	 * db/091_*, db/250_treasury_due.sql below), rebuilt as their migrations fill them */
	rebuild_summary("revenue_daily",
			"DELETE FROM revenue_daily;"
			"INSERT INTO revenue_daily (commune_id, day, payments, centimes)"
			" SELECT o.commune_id, (p.confirmed_at + 3600) / 86400, count(*),"
			" sum(p.amount_centimes) FROM payments p JOIN requests r ON r.id = p.request_id"
			" JOIN offices o ON o.id = r.office_id WHERE p.confirmed_at IS NOT NULL"
			" GROUP BY 1, 2");
	rebuild_summary("fees_unsettled",
			"DELETE FROM fees_unsettled;"
			"INSERT OR REPLACE INTO fees_unsettled (payment_id, request_id, confirmed_at)"
			" SELECT p.id, p.request_id, coalesce(p.confirmed_at, p.created_at)"
			" FROM payments p WHERE p.status = 'confirmed' AND NOT EXISTS"
			" (SELECT 1 FROM settlement_items x WHERE x.request_id = p.request_id)");
	/* each order's one document as its line 1, as db/211_request_lines.sql fills it
	 * (without it `watiqa check` finds every order's lines short of its fee) */
	rebuild_summary("request_lines",
			"DELETE FROM request_lines;"
			"INSERT INTO request_lines (request_id, line_no, doc_type, copies,"
			" fee_centimes, state, reject_reason, rejected_at)"
			" SELECT id, 1, doc_type, copies, fee_centimes,"
			" CASE state WHEN 'rejected' THEN 'rejected' ELSE 'open' END,"
			" CASE state WHEN 'rejected' THEN reject_reason ELSE '' END,"
			" CASE state WHEN 'rejected' THEN updated_at END FROM requests");
	sqlite3_stmt *has;
	has = prep("SELECT count(*) FROM sqlite_master WHERE name = 'refunds'");
	if (sqlite3_step(has) == SQLITE_ROW && sqlite3_column_int(has, 0)) {
		/* the refund row of each rejection (db/150_refunds.sql), as the migration does */
		double tr = now_s();
		exec("DELETE FROM refunds;"
		     "INSERT INTO refunds (request_id, payment_id, line_no, amount_centimes, idem_key,"
		     " reason, state, next_attempt_at, created_at, done_at)"
		     " SELECT p.request_id, p.id, 1, p.amount_centimes, 'RF-' || r.tracking || '-' || p.id,"
		     " CASE WHEN r.state = 'rejected' THEN 'rejected' ELSE 'other' END,"
		     " CASE p.status WHEN 'refunded' THEN 'refunded' ELSE 'refund_owed' END,"
		     " r.updated_at, r.updated_at, CASE p.status WHEN 'refunded' THEN r.updated_at END"
		     " FROM payments p JOIN requests r ON r.id = p.request_id"
		     " WHERE p.status IN ('refund_owed', 'refunded')");
		fprintf(stderr, "gen: rebuilt refunds %6.1f s\n", now_s() - tr);
	}
	sqlite3_finalize(has);
	/* last: what a fee keeps depends on the refunds just written (FIN_KEPT) */
	rebuild_summary("treasury_due",
			"DELETE FROM treasury_due;"
			"INSERT INTO treasury_due (commune_id, day, earned, earned_centimes, waiting,"
			" waiting_centimes) SELECT commune_id, day, sum(earned), sum(earned * centimes),"
			" sum(1 - earned), sum((1 - earned) * centimes) FROM treasury_fees WHERE true"
			" GROUP BY commune_id, day");
	if (analyze) {
		double ta = now_s();
		exec("ANALYZE");
		fprintf(stderr, "gen: ANALYZE %.1f s\n", now_s() - ta);
	}
	/* the server opens it in WAL mode; leave it that way */
	exec("PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL");
	sqlite3_close(G.db);
	EVP_MD_CTX_free(G.md);
	fprintf(stderr, "gen: done in %.0f s: %s (now = %lld)\n", now_s() - t_start, path,
		(long long)now);
	return 0;
}
