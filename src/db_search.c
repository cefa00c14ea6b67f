/* db_search.c - the data layer behind search.h.  Every query carries the actor's scope
 * in SQL (support is national; an office, commune or province sees its own offices'
 * requests).  Tracking number, CIN and phone are index lookups; a name is a prefix
 * range on the name indexes of migration 020 (LIKE on NOCASE for Latin, GLOB for
 * Arabic), with further words checked here; a PCRE2 pattern, and a name no prefix
 * found, are matched here against the newest SEARCH_SCAN_ROWS requests in scope, so
 * the cost is bounded whatever the size of the database.  Runs in the UI child. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db_scope.h"
#include "request.h"
#include "search.h"
#include "util.h"

static const char *const kind_names[SEARCH_KIND_COUNT] = {"auto", "tracking", "CIN", "phone",
							   "name", "pattern"};

const char *search_kind_name(enum search_kind k)
{
	return (k >= 0 && k < SEARCH_KIND_COUNT) ? kind_names[k] : "?";
}

enum search_kind search_guess(const char *q)
{
	size_t n = strlen(q), digits = 0, alpha = 0, lead_alpha = 0;
	if (n >= 2 && (q[0] == '/' || !strncmp(q, "re:", 3)))
		return SEARCH_PATTERN;
	if (wq_tracking_valid(q) || (n == 11 && (q[0] == 'W' || q[0] == 'w')))
		return SEARCH_TRACKING;
	while (lead_alpha < n && isalpha((unsigned char)q[lead_alpha]))
		lead_alpha++;
	for (size_t i = 0; i < n; i++) {
		digits += isdigit((unsigned char)q[i]) != 0;
		alpha += isalpha((unsigned char)q[i]) != 0;
	}
	if (digits >= 6 && alpha == 0)
		return SEARCH_PHONE;
	if (lead_alpha >= 1 && lead_alpha <= 2 && digits >= 1 && digits + lead_alpha == n)
		return SEARCH_CIN;
	return SEARCH_NAME;
}

#define HIT_COLS                                                                      \
	"SELECT r.id, r.tracking, r.state, o.code, r.last_name_lat || ' ' || r.first_name_lat," \
	" r.first_name_ar || ' ' || r.last_name_ar, r.cin, r.phone, r.created_at,"        \
	" r.tracking || ' ' || r.cin || ' ' || r.phone || ' ' || r.email || ' ' ||"        \
	" r.last_name_lat || ' ' || r.first_name_lat || ' ' || r.first_name_ar || ' ' ||"  \
	" r.last_name_ar || ' ' || r.city"                                                 \
	" FROM requests r JOIN offices o ON o.id = r.office_id WHERE"
/* ?1 the actor's scope id */
#define SS_OFFICE SC_OFFICE " AND"
#define SS_COMMUNE SC_COMMUNE " AND"
#define SS_PROVINCE SC_PROVINCE " AND"
#define SS_NATIONAL SC_NATIONAL " AND"
#define PER_SCOPE(where)                                                                 \
	{                                                                                \
		NULL, HIT_COLS SS_OFFICE where, HIT_COLS SS_COMMUNE where,               \
			HIT_COLS SS_PROVINCE where, HIT_COLS SS_NATIONAL where           \
	}

#define FETCH_LIMIT 1000 /* rows an indexed lookup returns before the words filter */

static const char *const by_tracking[] = PER_SCOPE(" r.tracking = ?2 LIMIT 1");
/* cin <> '': the words of requests_cin's WHERE (db/275), without which the planner
 * may not read that partial index; an empty CIN is never searched for */
static const char *const by_cin[] = PER_SCOPE(" r.cin = ?2 AND r.cin <> '' LIMIT " "1000");
static const char *const by_phone[] = PER_SCOPE(" r.phone IN (?2, ?3) LIMIT " "1000");
/* no ORDER BY: the OR of four index ranges stays a union of ranges; sorted in C */
static const char *const by_name[] = PER_SCOPE(
	" (r.last_name_lat LIKE ?2 ESCAPE '\\' OR r.first_name_lat LIKE ?2 ESCAPE '\\'"
	" OR r.last_name_ar GLOB ?3 OR r.first_name_ar GLOB ?3) LIMIT " "1000");
/* the newest rows, walking the primary key backwards */
static const char *const by_scan[] = PER_SCOPE(" 1 ORDER BY r.id DESC LIMIT ?2");

struct matcher {
	enum search_kind kind;
	char words[4][SEARCH_QUERY_BYTES]; /* name words, lower-cased ASCII */
	int nwords;
	pcre2_code *re;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	int substring; /* names: words anywhere, not only at a name's start */
};

static int word_at(const char *hay, const char *w, int anywhere)
{
	size_t n = strlen(w);
	for (const char *p = hay; *p; p++) {
		int start = p == hay || *(p - 1) == ' ';
		if ((anywhere || start) && !strncasecmp(p, w, n))
			return 1;
	}
	return 0;
}

/* The text column holds every searchable field, space-separated. */
static int matches(const struct matcher *m, const char *text)
{
	if (m->kind == SEARCH_PATTERN)
		return pcre2_match(m->re, (PCRE2_SPTR)text, strlen(text), 0, 0, m->md, m->mc) >= 0;
	if (m->kind != SEARCH_NAME)
		return 1;
	for (int i = 0; i < m->nwords; i++)
		if (!word_at(text, m->words[i], m->substring))
			return 0;
	return 1;
}

static int hit_newest_first(const void *a, const void *b)
{
	const struct search_hit *x = a, *y = b;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* Steps st, keeping rows that the matcher accepts, up to SEARCH_MAX_HITS. */
static int collect(struct db *db, sqlite3_stmt *st, const struct matcher *m,
		   struct search_result *res, struct wq_errbuf *eb)
{
	char text[1400];
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_text(st, 9, text, sizeof text);
		if (m->kind == SEARCH_PATTERN || m->substring)
			res->scanned++;
		if (!matches(m, text))
			continue;
		if (res->n >= SEARCH_MAX_HITS) {
			res->truncated = 1;
			break;
		}
		struct search_hit *h = &res->hits[res->n++];
		memset(h, 0, sizeof *h);
		h->id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, h->tracking, sizeof h->tracking);
		db_col_text(st, 2, h->state, sizeof h->state);
		db_col_text(st, 3, h->office_code, sizeof h->office_code);
		db_col_text(st, 4, h->name_lat, sizeof h->name_lat);
		db_col_text(st, 5, h->name_ar, sizeof h->name_ar);
		db_col_text(st, 6, h->cin, sizeof h->cin);
		db_col_text(st, 7, h->phone, sizeof h->phone);
		h->created_at = sqlite3_column_int64(st, 8);
	}
	sqlite3_reset(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? WQ_OK : db_fail(db, rc, eb);
}

/* Splits a name query into words; drops LIKE/GLOB wildcards, which the user did not
 * mean (the search is a prefix search already). */
static int name_words(struct matcher *m, const char *q, struct wq_errbuf *eb)
{
	char buf[SEARCH_QUERY_BYTES], *save = NULL;
	wq_strlcpy(buf, q, sizeof buf);
	for (char *w = strtok_r(buf, " \t", &save); w && m->nwords < 4;
	     w = strtok_r(NULL, " \t", &save)) {
		char *o = m->words[m->nwords];
		for (; *w; w++)
			if (!strchr("%_*?[]\\", *w))
				*o++ = *w;
		*o = '\0';
		if (m->words[m->nwords][0])
			m->nwords++;
	}
	if (!m->nwords || strlen(m->words[0]) < 2)
		return wq_fail(eb, WQ_EINVAL, "query", "type at least 2 letters of a name");
	/* the longest word drives the index lookup: fewest rows */
	for (int i = 1; i < m->nwords; i++)
		if (strlen(m->words[i]) > strlen(m->words[0])) {
			char t[SEARCH_QUERY_BYTES];
			memcpy(t, m->words[0], sizeof t);
			memcpy(m->words[0], m->words[i], sizeof t);
			memcpy(m->words[i], t, sizeof t);
		}
	return WQ_OK;
}

static int pattern_compile(struct matcher *m, const char *q, struct wq_errbuf *eb)
{
	char pat[SEARCH_QUERY_BYTES];
	int err;
	PCRE2_SIZE off;
	if (q[0] == '/') {
		wq_strlcpy(pat, q + 1, sizeof pat);
		size_t n = strlen(pat);
		if (n && pat[n - 1] == '/')
			pat[n - 1] = '\0';
	} else {
		wq_strlcpy(pat, strncmp(q, "re:", 3) ? q : q + 3, sizeof pat);
	}
	m->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_CASELESS,
			      &err, &off, NULL);
	if (!m->re) {
		PCRE2_UCHAR msg[120];
		pcre2_get_error_message(err, msg, sizeof msg);
		return wq_fail(eb, WQ_EINVAL, "query", "pattern error at %zu: %s", (size_t)off,
			       (const char *)msg);
	}
	m->md = pcre2_match_data_create_from_pattern(m->re, NULL);
	m->mc = pcre2_match_context_create(NULL);
	if (!m->md || !m->mc)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	/* a pattern that backtracks without end fails that row, never hangs the screen */
	pcre2_set_match_limit(m->mc, 100000);
	return WQ_OK;
}

static void matcher_free(struct matcher *m)
{
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mc);
	pcre2_code_free(m->re);
}

/* Binds and runs the statement of one kind. */
static int run_kind(struct db *db, const struct actor *a, struct matcher *m, const char *q,
		    struct search_result *res, struct wq_errbuf *eb)
{
	char p2[SEARCH_QUERY_BYTES + 8], p3[SEARCH_QUERY_BYTES + 8];
	const char *const *sqls;
	switch (m->kind) {
	case SEARCH_TRACKING:
		sqls = by_tracking;
		snprintf(p2, sizeof p2, "%s", q);
		p2[0] = (char)toupper((unsigned char)p2[0]);
		break;
	case SEARCH_CIN:
		sqls = by_cin;
		snprintf(p2, sizeof p2, "%s", q);
		for (char *p = p2; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		break;
	case SEARCH_PHONE: {
		/* stored as typed on the order form: 06... or +2126...; look for both */
		char d[32];
		size_t o = 0;
		for (const char *p = q; *p && o + 1 < sizeof d; p++)
			if (isdigit((unsigned char)*p) || (*p == '+' && o == 0))
				d[o++] = *p;
		d[o] = '\0';
		sqls = by_phone;
		snprintf(p2, sizeof p2, "%s", d);
		if (!strncmp(d, "+212", 4))
			snprintf(p3, sizeof p3, "0%s", d + 4);
		else if (!strncmp(d, "00212", 5))
			snprintf(p3, sizeof p3, "0%s", d + 5);
		else if (d[0] == '0')
			snprintf(p3, sizeof p3, "+212%s", d + 1);
		else
			snprintf(p3, sizeof p3, "%s", d);
		break;
	}
	case SEARCH_NAME:
		sqls = m->substring ? by_scan : by_name;
		snprintf(p2, sizeof p2, "%s%%", m->words[0]);
		snprintf(p3, sizeof p3, "%s*", m->words[0]);
		break;
	default:
		sqls = by_scan;
	}
	sqlite3_stmt *st = db_stmt(db, sqls[a->scope], eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->scope_id);
	if (sqls == by_scan) {
		sqlite3_bind_int(st, 2, SEARCH_SCAN_ROWS);
	} else {
		db_bind_text(st, 2, p2);
		if (m->kind == SEARCH_PHONE || m->kind == SEARCH_NAME)
			db_bind_text(st, 3, p3);
	}
	return collect(db, st, m, res, eb);
}

int search_requests(struct db *db, const struct actor *a, enum search_kind kind,
		    const char *q, struct search_result *out, struct wq_errbuf *eb)
{
	struct matcher m;
	char query[SEARCH_QUERY_BYTES];
	int rc;
	memset(out, 0, sizeof *out);
	memset(&m, 0, sizeof m);
	if ((rc = db_scope_ok(a, eb)))
		return rc;
	if (!q || strlen(q) >= sizeof query)
		return wq_fail(eb, WQ_EINVAL, "query", "the search is longer than %d bytes",
			       (int)sizeof query - 1);
	/* trim: pasted text often carries spaces */
	while (*q == ' ' || *q == '\t')
		q++;
	wq_strlcpy(query, q, sizeof query);
	for (size_t n = strlen(query); n && (query[n - 1] == ' ' || query[n - 1] == '\t');)
		query[--n] = '\0';
	if (!query[0])
		return wq_fail(eb, WQ_EINVAL, "query", "type what to search for");
	m.kind = kind == SEARCH_AUTO ? search_guess(query) : kind;
	out->kind = m.kind;
	if (m.kind == SEARCH_NAME && (rc = name_words(&m, query, eb)))
		return rc;
	if (m.kind == SEARCH_PATTERN && (rc = pattern_compile(&m, query, eb))) {
		matcher_free(&m);
		return rc;
	}
	out->hits = malloc(sizeof *out->hits * SEARCH_MAX_HITS);
	if (!out->hits) {
		matcher_free(&m);
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	}
	rc = run_kind(db, a, &m, query, out, eb);
	/* no name starts so: look for the words inside names, in the newest requests */
	if (!rc && m.kind == SEARCH_NAME && out->n == 0) {
		m.substring = 1;
		rc = run_kind(db, a, &m, query, out, eb);
	}
	matcher_free(&m);
	if (rc) {
		search_result_free(out);
		return rc;
	}
	qsort(out->hits, (size_t)out->n, sizeof *out->hits, hit_newest_first);
	return WQ_OK;
}

void search_result_free(struct search_result *r)
{
	free(r->hits);
	r->hits = NULL;
	r->n = 0;
}

/* ---- one request's payments, notifications and notes ---- */

/* The scope check for every per-request read and write: the actor may see it. */
static int visible(struct db *db, const struct actor *a, int64_t request_id,
		   struct request *r, struct wq_errbuf *eb)
{
	return request_get(db, a, request_id, r, eb);
}

/* Every row of sql (?1: the request) once the actor may see the request. */
static int per_request(struct db *db, const struct actor *a, int64_t request_id,
		       const char *sql, size_t size, db_fill_fn *fill, void **out, int *n,
		       struct wq_errbuf *eb)
{
	struct request r;
	int rc = visible(db, a, request_id, &r, eb);
	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	return db_collect(db, st, size, fill, out, n, eb);
}

static void fill_payment(sqlite3_stmt *st, void *row)
{
	struct search_payment *p = row;
	p->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, p->gateway_ref, sizeof p->gateway_ref);
	p->amount_centimes = sqlite3_column_int64(st, 2);
	db_col_text(st, 3, p->status, sizeof p->status);
	p->created_at = sqlite3_column_int64(st, 4);
	p->confirmed_at = sqlite3_column_int64(st, 5);
}

int search_payments(struct db *db, const struct actor *a, int64_t request_id,
		    struct search_payment **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT id, gateway_ref, amount_centimes, status, created_at,"
		" coalesce(confirmed_at, 0) FROM payments WHERE request_id = ? ORDER BY id";
	return per_request(db, a, request_id, sql, sizeof **out, fill_payment, (void **)out, n, eb);
}

static void fill_notice(sqlite3_stmt *st, void *row)
{
	struct search_notice *x = row;
	x->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, x->channel, sizeof x->channel);
	db_col_text(st, 2, x->recipient, sizeof x->recipient);
	db_col_text(st, 3, x->state, sizeof x->state);
	x->attempts = sqlite3_column_int(st, 4);
	x->created_at = sqlite3_column_int64(st, 5);
	x->sent_at = sqlite3_column_int64(st, 6);
	db_col_text(st, 7, x->last_error, sizeof x->last_error);
	db_col_text(st, 8, x->body, sizeof x->body);
}

int search_notices(struct db *db, const struct actor *a, int64_t request_id,
		   struct search_notice **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT id, channel, recipient, state, attempts, created_at, coalesce(sent_at, 0),"
		" last_error, body FROM outbox WHERE request_id = ? ORDER BY id";
	return per_request(db, a, request_id, sql, sizeof **out, fill_notice, (void **)out, n, eb);
}

static void fill_note(sqlite3_stmt *st, void *row)
{
	struct search_note *x = row;
	x->id = sqlite3_column_int64(st, 0);
	x->at = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, x->author, sizeof x->author);
	db_col_text(st, 3, x->body, sizeof x->body);
}

int search_notes(struct db *db, const struct actor *a, int64_t request_id,
		 struct search_note **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT n.id, n.at, coalesce(u.username, '?'), n.body FROM request_notes n"
		" LEFT JOIN users u ON u.id = n.author_id WHERE n.request_id = ? ORDER BY n.id";
	return per_request(db, a, request_id, sql, sizeof **out, fill_note, (void **)out, n, eb);
}

static int do_note_add(struct db *db, const struct actor *a, int64_t request_id,
		       const char *body, struct wq_errbuf *eb)
{
	static const char sql[] =
		"INSERT INTO request_notes (request_id, author_id, at, body) VALUES (?, ?, ?, ?)";
	struct request r;
	int rc = visible(db, a, request_id, &r, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_int64(st, 2, a->user_id);
	sqlite3_bind_int64(st, 3, wq_now());
	db_bind_text(st, 4, body);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	return db_audit_append(db, a->user_id, a->username, "request.note", r.tracking, body,
			       "", eb);
}

int search_note_add(struct db *db, const struct actor *a, int64_t request_id,
		    const char *body, struct wq_errbuf *eb)
{
	if (a->role != ROLE_SUPPORT && a->role != ROLE_INSPECTOR && a->role != ROLE_SUPERVISOR)
		return wq_fail(eb, WQ_EDENIED, "role", "a %s may not add notes",
			       role_name(a->role));
	if (!body || !body[strspn(body, " \t")] || strlen(body) >= NOTE_MAX_BYTES)
		return wq_fail(eb, WQ_EINVAL, "note", "the note is empty or longer than %d bytes",
			       NOTE_MAX_BYTES - 1);
	DB_TX_AS(db, a, eb, do_note_add(db, a, request_id, body, eb));
}

static int do_resend(struct db *db, const struct actor *a, int64_t notice_id, int64_t *new_id,
		     struct wq_errbuf *eb)
{
	static const char get[] = "SELECT request_id, channel FROM outbox WHERE id = ?";
	static const char ins[] =
		"INSERT INTO outbox (request_id, channel, recipient, body, state, attempts,"
		" next_attempt_at, created_at) SELECT request_id, channel, recipient, body,"
		" 'pending', 0, ?2, ?2 FROM outbox WHERE id = ?1";
	struct request r;
	char channel[8] = "", detail[64];
	int64_t request_id = 0;
	sqlite3_stmt *st = db_stmt(db, get, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, notice_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		request_id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, channel, sizeof channel);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	/* a notification of a request out of scope reads as absent */
	if (rc == SQLITE_DONE || !request_id || visible(db, a, request_id, &r, eb))
		return wq_fail(eb, WQ_ENOTFOUND, "notice", "no notification #%lld%s",
			       (long long)notice_id,
			       a->scope == SCOPE_NATIONAL ? "" : " in your scope");
	if (!(st = db_stmt(db, ins, eb)))
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, notice_id);
	sqlite3_bind_int64(st, 2, wq_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	*new_id = sqlite3_last_insert_rowid(db_handle(db));
	snprintf(detail, sizeof detail, "%s #%lld again as #%lld", channel, (long long)notice_id,
		 (long long)*new_id);
	return db_audit_append(db, a->user_id, a->username, "notify.resend", r.tracking, detail,
			       "", eb);
}

int search_resend(struct db *db, const struct actor *a, int64_t notice_id, int64_t *new_id,
		  struct wq_errbuf *eb)
{
	*new_id = 0;
	if (a->role != ROLE_SUPPORT && a->role != ROLE_INSPECTOR)
		return wq_fail(eb, WQ_EDENIED, "role", "a %s may not resend notifications",
			       role_name(a->role));
	DB_TX_AS(db, a, eb, do_resend(db, a, notice_id, new_id, eb));
}
