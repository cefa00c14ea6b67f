/* db_notice.c - the data layer behind notice.h: notices, their recipients and receipts.
 * A notice's recipients are written in the transaction that sends it (the accounts of
 * the office or province as they are then, or the one account), and every read is a
 * join on them: an account reads a notice because a recipients row names it or because
 * it wrote it, never by its current scope.  Who may write to whom is checked inside the
 * writing transaction (DB_TX_AS re-reads the account first), against the target as it
 * is then.  Runs in the UI child (and tests); never waits on anything but SQLite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice.h"
#include "unicode.h"
#include "util.h"

static const char *const to_names[NOTICE_TO_COUNT] = {"office", "province", "account"};

const char *notice_to_name(enum notice_to to)
{
	return (to >= 0 && to < NOTICE_TO_COUNT) ? to_names[to] : "?";
}

/* The text of a notice: one line of printable text, not empty, at most
 * NOTICE_MAX_BYTES - 1 bytes, no invisible format character (as every typed text).  The
 * sentences are fixed, so that the screens show them in the account's language
 * (msg_table.c, "notices to offices"). */
_Static_assert(NOTICE_MAX_BYTES == 500, "the messages below say 499 bytes");
static int body_check(const char *body, struct wq_errbuf *eb)
{
	size_t len = body ? strlen(body) : 0;
	if (!len || !body[strspn(body, " ")])
		return wq_fail(eb, WQ_EINVAL, "notice", "the notice is empty: write its text");
	if (len >= NOTICE_MAX_BYTES)
		return wq_fail(eb, WQ_EINVAL, "notice",
			       "the notice is longer than 499 bytes (about 250 letters in Arabic): "
			       "shorten it");
	for (const unsigned char *p = (const unsigned char *)body; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return wq_fail(eb, WQ_EINVAL, "notice",
				       "the notice holds a control character: one line of text");
	if (utf8_has_format(body))
		return wq_fail(eb, WQ_EINVAL, "notice",
			       "the notice holds an invisible format character (a bidi mark?)");
	return WQ_OK;
}

/* ---- who may write to whom ---- */

/* The target as the transaction finds it. */
struct target {
	int64_t id;	    /* office, province or account */
	int64_t office_id;  /* the office (of an account of office scope) */
	int64_t province_id; /* its province; 0 for a national account */
	char label[64];
};

static int national_writer(const struct actor *a)
{
	return a->role == ROLE_ADMIN || (a->role == ROLE_INSPECTOR && a->scope == SCOPE_NATIONAL);
}

static int may_write(const struct actor *a, enum notice_to kind, const struct target *t,
		     struct wq_errbuf *eb)
{
	int ok;
	if (national_writer(a))
		return WQ_OK;
	if (a->role == ROLE_INSPECTOR && a->scope == SCOPE_PROVINCE)
		ok = t->province_id && t->province_id == a->scope_id;
	else if (a->role == ROLE_SUPERVISOR && a->scope == SCOPE_OFFICE)
		ok = kind != NOTICE_TO_PROVINCE && t->office_id == a->scope_id;
	else
		return wq_fail(eb, WQ_EDENIED, "role",
			       "your role may not write notices, only reply in a thread sent to you");
	if (ok)
		return WQ_OK;
	if (kind == NOTICE_TO_ACCOUNT) /* the same words for a stranger and nobody */
		return wq_fail(eb, WQ_ENOTFOUND, "to", "no account %s in your scope", t->label);
	/* fixed sentences, shown in the account's language (msg_table.c): the code is the
	 * one just typed */
	if (a->role == ROLE_SUPERVISOR)
		return wq_fail(eb, WQ_EDENIED, "to", "outside your scope: a supervisor writes to "
						     "its own office and the accounts in it");
	return wq_fail(eb, WQ_EDENIED, "to",
		       "outside your scope: an inspector writes within its province");
}

static void fill_target(sqlite3_stmt *st, void *row)
{
	struct target *t = row;
	t->id = sqlite3_column_int64(st, 0);
	t->office_id = sqlite3_column_int64(st, 1);
	t->province_id = sqlite3_column_int64(st, 2);
}

/* ?1 the code or username; columns: id, office id, province id */
static const char *const target_sql[NOTICE_TO_COUNT] = {
	"SELECT o.id, o.id, c.province_id FROM offices o JOIN communes c ON c.id = o.commune_id"
	" WHERE o.code = ?1",
	"SELECT id, 0, id FROM provinces WHERE code = ?1",
	"SELECT u.id, CASE u.scope_kind WHEN 'office' THEN u.scope_id ELSE 0 END,"
	" CASE u.scope_kind WHEN 'office' THEN (SELECT c.province_id FROM offices o"
	"   JOIN communes c ON c.id = o.commune_id WHERE o.id = u.scope_id)"
	" WHEN 'commune' THEN (SELECT province_id FROM communes WHERE id = u.scope_id)"
	" WHEN 'province' THEN u.scope_id ELSE 0 END"
	" FROM users u WHERE u.username = ?1 AND u.disabled = 0",
};

static int target_find(struct db *db, const struct actor *a, enum notice_to kind,
		       const char *to, struct target *t, struct wq_errbuf *eb)
{
	memset(t, 0, sizeof *t);
	if (kind < 0 || kind >= NOTICE_TO_COUNT)
		return wq_fail(eb, WQ_EINVAL, "to", "a notice goes to an office, a province or an "
						    "account");
	if (!to || !to[0] || strlen(to) >= sizeof t->label)
		return wq_fail(eb, WQ_EINVAL, "to", "which %s? give its %s", notice_to_name(kind),
			       kind == NOTICE_TO_ACCOUNT ? "username" : "code");
	wq_strlcpy(t->label, to, sizeof t->label);
	sqlite3_stmt *st = db_stmt(db, target_sql[kind], eb);
	if (!st)
		return WQ_EIO;
	db_bind_text(st, 1, to);
	int rc = db_one(db, st, fill_target, t, eb);
	if (rc != WQ_ENOTFOUND)
		return rc;
	if (kind == NOTICE_TO_ACCOUNT)
		return wq_fail(eb, WQ_ENOTFOUND, "to", "no account %s%s", to,
			       national_writer(a) ? "" : " in your scope");
	return wq_fail(eb, WQ_ENOTFOUND, "to", "no %s %s", notice_to_name(kind), to);
}

/* ---- writing ---- */

static int insert_notice(struct db *db, const struct actor *a, int64_t thread_id,
			 const char *kind, int64_t to_id, const char *to_label, const char *body,
			 int64_t *id_out, struct wq_errbuf *eb)
{
	static const char sql[] =
		"INSERT INTO notices (thread_id, author_id, author_label, to_kind, to_id, to_label,"
		" sent_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	static const char self_sql[] = "UPDATE notices SET thread_id = id WHERE id = ?1";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, thread_id);
	sqlite3_bind_int64(st, 2, a->user_id);
	db_bind_text(st, 3, a->username);
	db_bind_text(st, 4, kind);
	sqlite3_bind_int64(st, 5, to_id);
	db_bind_text(st, 6, to_label);
	sqlite3_bind_int64(st, 7, wq_now());
	db_bind_text(st, 8, body);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	*id_out = sqlite3_last_insert_rowid(db_handle(db));
	return thread_id ? WQ_OK : db_write_its(db, self_sql, *id_out, NULL, 0, eb);
}

/* The accounts of an office, of the offices of a province (and the province's own:
 * its inspector, its post), or one account, as they are now, bar the author and
 * disabled accounts; a further role held there counts (a supervisor who is also another
 * office's officer).  ?1 notice, ?2 author, ?3 the target's id. */
#define ACCOUNTS_AT(offices, province)                                                   \
	"INSERT INTO notice_recipients (notice_id, user_id) SELECT ?1, u.id FROM users u"  \
	" WHERE u.disabled = 0 AND u.id <> ?2 AND ((u.scope_kind = 'office' AND"           \
	" u.scope_id IN (" offices ")) OR u.id IN (SELECT ur.user_id FROM user_roles ur"   \
	" WHERE ur.scope_kind = 'office' AND ur.scope_id IN (" offices "))" province ")"
#define OF_PROVINCE                                                                      \
	" OR (u.scope_kind = 'province' AND u.scope_id = ?3) OR u.id IN (SELECT ur.user_id" \
	" FROM user_roles ur WHERE ur.scope_kind = 'province' AND ur.scope_id = ?3)"
static const char *const fanout_sql[NOTICE_TO_COUNT] = {
	ACCOUNTS_AT("?3", ""),
	ACCOUNTS_AT("SELECT o.id FROM offices o JOIN communes c ON c.id = o.commune_id"
		    " WHERE c.province_id = ?3", OF_PROVINCE),
	"INSERT INTO notice_recipients (notice_id, user_id) SELECT ?1, id FROM users"
	" WHERE id = ?3 AND id <> ?2 AND disabled = 0",
};

/* Runs a recipients INSERT; *n how many accounts it named. */
static int fan_out(struct db *db, const char *sql, int64_t notice_id, int64_t author,
		   int64_t target, int *n, struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, notice_id);
	sqlite3_bind_int64(st, 2, author);
	sqlite3_bind_int64(st, 3, target);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	*n = sqlite3_changes(db_handle(db));
	return WQ_OK;
}

static int audit_notice(struct db *db, const struct actor *a, const char *action, int64_t id,
			const char *to, int n, const char *body, struct wq_errbuf *eb)
{
	char target[32], detail[NOTICE_MAX_BYTES + 120];
	snprintf(target, sizeof target, "notice %lld", (long long)id);
	snprintf(detail, sizeof detail, "to %s (%d account%s): %s", to, n, n == 1 ? "" : "s",
		 body);
	return db_audit_append(db, a->user_id, a->username, action, target, detail, "", eb);
}

static int do_send(struct db *db, const struct actor *a, enum notice_to kind, const char *to,
		   const char *body, int64_t *id_out, struct wq_errbuf *eb)
{
	struct target t;
	char label[80];
	int n = 0, rc = target_find(db, a, kind, to, &t, eb);
	if (rc || (rc = may_write(a, kind, &t, eb)))
		return rc;
	if (kind == NOTICE_TO_ACCOUNT && t.id == a->user_id)
		return wq_fail(eb, WQ_EINVAL, "to", "a notice to yourself: write to someone else");
	if ((rc = insert_notice(db, a, 0, notice_to_name(kind), t.id, t.label, body, id_out, eb)) ||
	    (rc = fan_out(db, fanout_sql[kind], *id_out, a->user_id, t.id, &n, eb)))
		return rc;
	if (!n)
		return wq_fail(eb, WQ_EINVAL, "to", "%s %s has no account to read it",
			       notice_to_name(kind), t.label);
	snprintf(label, sizeof label, "%s %s", notice_to_name(kind), t.label);
	return audit_notice(db, a, "notice.send", *id_out, label, n, body, eb);
}

int notice_send(struct db *db, const struct actor *a, enum notice_to kind, const char *to,
		const char *body, int64_t *id_out, struct wq_errbuf *eb)
{
	int rc = body_check(body, eb);
	*id_out = 0;
	if (rc)
		return rc;
	DB_TX_AS(db, a, eb, do_send(db, a, kind, to, body, id_out, eb));
}

int notice_send_in_tx(struct db *db, const struct actor *a, enum notice_to kind,
		      const char *to, const char *body, int64_t *id_out, struct wq_errbuf *eb)
{
	int rc = body_check(body, eb);
	*id_out = 0;
	return rc ? rc : do_send(db, a, kind, to, body, id_out, eb);
}

/* The first notice of a thread: who started it, to whom. */
struct root {
	int64_t id, author_id;
	char author[USERNAME_MAX_BYTES];
	char to_label[64];
	int member; /* the actor wrote a notice of it or was sent one */
};

static void fill_root(sqlite3_stmt *st, void *row)
{
	struct root *r = row;
	r->id = sqlite3_column_int64(st, 0);
	r->author_id = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, r->author, sizeof r->author);
	db_col_text(st, 3, r->to_label, sizeof r->to_label);
	r->member = sqlite3_column_int(st, 4);
}

/* The thread's first notice, if the actor is part of the thread; the same answer for a
 * thread that does not exist and one of others (no probing). */
static int root_get(struct db *db, const struct actor *a, int64_t thread_id, struct root *r,
		    struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT t.id, t.author_id, t.author_label, t.to_label, EXISTS (SELECT 1 FROM"
		" notices n LEFT JOIN notice_recipients x ON x.notice_id = n.id AND x.user_id = ?2"
		" WHERE n.thread_id = t.id AND (n.author_id = ?2 OR x.user_id IS NOT NULL))"
		" FROM notices t WHERE t.id = ?1 AND t.thread_id = t.id";
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, thread_id);
	sqlite3_bind_int64(st, 2, a->user_id);
	memset(r, 0, sizeof *r);
	int rc = db_one(db, st, fill_root, r, eb);
	if (rc && rc != WQ_ENOTFOUND)
		return rc;
	if (rc || !r->member || !a->user_id)
		return wq_fail(eb, WQ_ENOTFOUND, "notice", "no notice thread #%lld sent to you",
			       (long long)thread_id);
	return WQ_OK;
}

/* A reply goes from the thread's author to every account the first notice went to, or
 * from one of them to the author alone (not to the whole office or province). */
static int do_reply(struct db *db, const struct actor *a, int64_t thread_id, const char *body,
		    int64_t *id_out, struct wq_errbuf *eb)
{
	static const char to_all_sql[] =
		"INSERT INTO notice_recipients (notice_id, user_id) SELECT ?1, user_id"
		" FROM notice_recipients WHERE notice_id = ?3 AND user_id <> ?2";
	struct root r;
	int n = 0, rc = root_get(db, a, thread_id, &r, eb);
	if (rc)
		return rc;
	int from_author = r.author_id == a->user_id;
	const char *to = from_author ? r.to_label : r.author;
	if ((rc = insert_notice(db, a, r.id, "reply", 0, to, body, id_out, eb)))
		return rc;
	rc = from_author ? fan_out(db, to_all_sql, *id_out, a->user_id, r.id, &n, eb)
			 : fan_out(db, fanout_sql[NOTICE_TO_ACCOUNT], *id_out, a->user_id,
				   r.author_id, &n, eb);
	if (rc)
		return rc;
	if (!n)
		return wq_fail(eb, WQ_EINVAL, "to", "nobody is left to read a reply in thread #%lld",
			       (long long)r.id);
	return audit_notice(db, a, "notice.reply", *id_out, to, n, body, eb);
}

int notice_reply(struct db *db, const struct actor *a, int64_t thread_id, const char *body,
		 int64_t *id_out, struct wq_errbuf *eb)
{
	int rc = body_check(body, eb);
	*id_out = 0;
	if (rc)
		return rc;
	DB_TX_AS(db, a, eb, do_reply(db, a, thread_id, body, id_out, eb));
}

static int do_mark_read(struct db *db, const struct actor *a, int64_t thread_id, int *n,
			struct wq_errbuf *eb)
{
	static const char sql[] =
		"UPDATE notice_recipients SET read_at = ?3 WHERE user_id = ?1 AND read_at IS NULL"
		" AND notice_id IN (SELECT id FROM notices WHERE thread_id = ?2)";
	struct root r;
	int rc = root_get(db, a, thread_id, &r, eb);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->user_id);
	sqlite3_bind_int64(st, 2, r.id);
	sqlite3_bind_int64(st, 3, wq_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (!(*n = sqlite3_changes(db_handle(db))))
		return WQ_OK;
	char target[32], detail[48];
	snprintf(target, sizeof target, "notice %lld", (long long)r.id);
	snprintf(detail, sizeof detail, "%d read", *n);
	return db_audit_append(db, a->user_id, a->username, "notice.read", target, detail, "",
			       eb);
}

int notice_mark_read(struct db *db, const struct actor *a, int64_t thread_id, int *n,
		     struct wq_errbuf *eb)
{
	*n = 0;
	DB_TX_AS(db, a, eb, do_mark_read(db, a, thread_id, n, eb));
}

/* ---- reading ---- */

int notice_unread(struct db *db, const struct actor *a, int *n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT count(*) FROM notice_recipients WHERE user_id = ?1 AND read_at IS NULL";
	int64_t v = 0;
	*n = 0;
	if (!a->user_id)
		return WQ_OK; /* the system and citizens are sent nothing */
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->user_id);
	int rc = db_one_id(db, st, &v, eb);
	*n = (int)v;
	return rc == WQ_ENOTFOUND ? WQ_OK : rc;
}

static void fill_thread(sqlite3_stmt *st, void *row)
{
	struct notice_thread *t = row;
	int k = 0;
	memset(t, 0, sizeof *t);
	t->thread_id = sqlite3_column_int64(st, k++);
	t->last_at = sqlite3_column_int64(st, k++);
	t->notices = sqlite3_column_int(st, k++);
	t->unread = sqlite3_column_int(st, k++);
	db_col_text(st, k++, t->author, sizeof t->author);
	db_col_text(st, k++, t->to_label, sizeof t->to_label);
	db_col_text(st, k++, t->body, sizeof t->body);
	t->mine = sqlite3_column_int(st, k++);
}

/* The latest activity is the thread's newest notice by id, not by sent_at: the clock
 * counts seconds, and a reply to an older thread within the second another thread began
 * must still bring it back on top. */
int notice_threads(struct db *db, const struct actor *a, struct notice_thread **out, int *n,
		   struct wq_errbuf *eb)
{
	static const char sql[] =
		"WITH seen(id) AS (SELECT id FROM notices WHERE author_id = ?1"
		" UNION SELECT notice_id FROM notice_recipients WHERE user_id = ?1)"
		" SELECT n.thread_id, max(n.sent_at), count(*),"
		" sum(x.user_id IS NOT NULL AND x.read_at IS NULL), t.author_label, t.to_label,"
		" t.body, t.author_id = ?1"
		" FROM seen s JOIN notices n ON n.id = s.id JOIN notices t ON t.id = n.thread_id"
		" LEFT JOIN notice_recipients x ON x.notice_id = n.id AND x.user_id = ?1"
		" GROUP BY n.thread_id ORDER BY max(n.id) DESC LIMIT 500";
	*out = NULL;
	*n = 0;
	if (!a->user_id)
		return WQ_OK;
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	sqlite3_bind_int64(st, 1, a->user_id);
	return db_collect(db, st, sizeof **out, fill_thread, (void **)out, n, eb);
}

/* Rows of sql (?1 the actor's account, ?2 id) into a malloc'd array; WQ_ENOTFOUND,
 * saying `missing` of id, when there are none (the same for another's and nothing). */
static int collect_for(struct db *db, const struct actor *a, const char *sql, int64_t id,
		       size_t size, db_fill_fn *fill, void **out, int *n, const char *missing,
		       struct wq_errbuf *eb)
{
	int rc = WQ_OK;
	*out = NULL;
	*n = 0;
	if (a->user_id) {
		sqlite3_stmt *st = db_stmt(db, sql, eb);
		if (!st)
			return WQ_EIO;
		sqlite3_bind_int64(st, 1, a->user_id);
		sqlite3_bind_int64(st, 2, id);
		rc = db_collect(db, st, size, fill, out, n, eb);
	}
	if (!rc && !*n)
		return wq_fail(eb, WQ_ENOTFOUND, "notice", missing, (long long)id);
	return rc;
}

static void fill_notice(sqlite3_stmt *st, void *row)
{
	struct notice *m = row;
	int k = 0;
	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(st, k++);
	m->thread_id = sqlite3_column_int64(st, k++);
	db_col_text(st, k++, m->author, sizeof m->author);
	db_col_text(st, k++, m->to_kind, sizeof m->to_kind);
	db_col_text(st, k++, m->to_label, sizeof m->to_label);
	m->sent_at = sqlite3_column_int64(st, k++);
	db_col_text(st, k++, m->body, sizeof m->body);
	m->mine = sqlite3_column_int(st, k++);
	m->read_at = sqlite3_column_int64(st, k++);
	m->recipients = sqlite3_column_int(st, k++);
	m->readers = sqlite3_column_int(st, k++);
}

int notice_thread_get(struct db *db, const struct actor *a, int64_t thread_id,
		      struct notice **out, int *n, struct wq_errbuf *eb)
{
	/* the counts of recipients and readers only for the actor's own notices */
	static const char sql[] =
		"SELECT n.id, n.thread_id, n.author_label, n.to_kind, n.to_label, n.sent_at, n.body,"
		" n.author_id = ?1, coalesce(x.read_at, 0),"
		" CASE WHEN n.author_id = ?1 THEN (SELECT count(*) FROM notice_recipients c"
		"   WHERE c.notice_id = n.id) ELSE 0 END,"
		" CASE WHEN n.author_id = ?1 THEN (SELECT count(*) FROM notice_recipients c"
		"   WHERE c.notice_id = n.id AND c.read_at IS NOT NULL) ELSE 0 END"
		" FROM notices n LEFT JOIN notice_recipients x ON x.notice_id = n.id"
		" AND x.user_id = ?1 WHERE n.thread_id = ?2"
		" AND (n.author_id = ?1 OR x.user_id IS NOT NULL) ORDER BY n.id";
	return collect_for(db, a, sql, thread_id, sizeof **out, fill_notice, (void **)out, n,
			   "no notice thread #%lld sent to you", eb);
}

static void fill_receipt(sqlite3_stmt *st, void *row)
{
	struct notice_receipt *r = row;
	db_col_text(st, 0, r->username, sizeof r->username);
	r->read_at = sqlite3_column_int64(st, 1);
}

int notice_receipts(struct db *db, const struct actor *a, int64_t notice_id,
		    struct notice_receipt **out, int *n, struct wq_errbuf *eb)
{
	static const char sql[] =
		"SELECT u.username, coalesce(r.read_at, 0) FROM notice_recipients r"
		" JOIN notices m ON m.id = r.notice_id JOIN users u ON u.id = r.user_id"
		" WHERE r.notice_id = ?2 AND m.author_id = ?1"
		" ORDER BY r.read_at IS NULL, r.read_at, u.username";
	return collect_for(db, a, sql, notice_id, sizeof **out, fill_receipt, (void **)out, n,
			   "no notice #%lld of yours", eb);
}
