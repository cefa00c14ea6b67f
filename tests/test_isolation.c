/* test_isolation.c - one table: for each role, every action its screens and the web API
 * offer through the data layer, tried on a request, complaint, envelope, commune, batch
 * or account outside the actor's scope (or beyond the role).  Each row must be refused
 * (WQ_EDENIED or WQ_ENOTFOUND, WQ_EINVAL only on a scope field, or a read that answers
 * with nothing of the target) and leave every table as it was: a hash of every row of
 * every table, the audit log included (bar logins, which nothing here does).  A row may
 * name a control: an actor who may do the same thing to the same target; it is run on
 * the same state and must succeed, which shows the refusal came from the scope or the
 * role and not from a wrong state or input; the database is then put back as it was
 * (SQLite's backup API).  A last test parses the headers src/ for every function taking a
 * `const struct actor *` and fails when one has no row: a new action must join the
 * table.  The targets are built by in-scope actors before the table runs:
 *   RBT-AGD-1 (agent3, supervisor2, officer2; commune RBT-AGDAL, province RABAT): paid,
 *     claimed, in production, awaiting signature, signed, ready, rejected (a refund owed),
 *     and a settlement of the commune;
 *   RBT-HAS-3 (relayed by RBT-HAS-1, its own agent agenthas3): a paid request, agent1's
 *     and agenthas3's, not agent3's;
 *   RBT-HAS-1: a paid request and one claimed by agent2;
 *   KEN-KEN-1 (province KENITRA): ready, with the post, three complaints (open, taken,
 *     answered), a staff note and a notification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <regex.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "board.h"
#include "complaint_desk.h"
#include "config.h"
#include "dashboard.h"
#include "escalate.h"
#include "db_finance.h"
#include "history_text.h"
#include "demo.h"
#include "document.h"
#include "finance.h"
#include "lifecycle.h"
#include "mail.h"
#include "national.h"
#include "notice.h"
#include "office.h"
#include "outbox.h"
#include "post_track.h"
#include "printout.h"
#include "refund.h"
#include "refund_desk.h"
#include "request.h"
#include "search.h"
#include "totp.h"
#include "serve.h"
#include "user.h"
#include "util.h"

#include "fixture.h"

/* The targets are made now (some writes take the clock, not WATIQA_FAKE_NOW); the
 * table runs three days later, by WATIQA_FAKE_NOW, when their first day is over. */
static int64_t T0;
#define T_NOW (T0 + 3 * 86400)

static sqlite3 *baseline; /* the state every row starts from */
static int pay_seq;

static struct {
	int64_t paid, claimed, inprod, ready;	/* at RBT-AGD-1 (agent3) */
	int64_t tosign, signed_;		/* at RBT-AGD-1: for officer2's signature, signed */
	int64_t rejected;			/* at RBT-AGD-1: its fee is a refund owed */
	int64_t has3_paid;			/* at RBT-HAS-3, relayed by RBT-HAS-1 */
	int64_t home_paid, home_claimed2;	/* at RBT-HAS-1; the second is agent2's */
	int64_t ken_ready, ken_withpost, ken_other; /* at KEN-KEN-1 */
	int64_t ken_c_open, ken_c_taken, ken_c_answered; /* complaints in KENITRA */
	int64_t ken_notice;			/* an outbox row of ken_withpost */
	int64_t ken_raise;			/* ken_ready raised by KENITRA to national */
	int64_t ken_held;			/* another raise, taken by inspector0 */
	int64_t agdal_commune, hassan_commune, ken_commune, agd_office, has_office, ken_office;
	int64_t agdal_batch;			/* settlement of RBT-AGDAL, built */
	int64_t agent3_key;			/* an SSH key of agent3 */
	int64_t agd_notice;			/* inspector1's notice to RBT-AGD-1 (unread) */
	int64_t agd_back;			/* at RBT-AGD-1: batched, returned, refunded */
	int64_t agd_refused;			/* its refund, refused by the card */
} tg;

static void set_now(int64_t t)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%lld", (long long)t);
	setenv("WATIQA_FAKE_NOW", buf, 1);
}

static struct actor who(const char *name)
{
	struct actor a;
	struct wq_errbuf eb = {0};
	if (!strcmp(name, "system")) {
		actor_system(&a);
		return a;
	}
	if (!strcmp(name, "citizen")) {
		actor_citizen(&a);
		return a;
	}
	if (user_actor(db, name, &a, &eb))
		fail_msg("no actor %s: %s", name, eb.msg);
	return a;
}

static int64_t office_id(const char *code)
{
	struct office o;
	struct wq_errbuf eb = {0};
	if (office_get_by_code(db, code, &o, &eb))
		fail_msg("office %s: %s", code, eb.msg);
	return o.id;
}

static struct request sys_get(int64_t id)
{
	struct actor sys = who("system");
	struct request r;
	struct wq_errbuf eb = {0};
	if (request_get(db, &sys, id, &r, &eb))
		fail_msg("request %lld: %s", (long long)id, eb.msg);
	return r;
}

static int64_t sql_int(const char *sql, int64_t arg)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, arg);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return v;
}

/* A paid request at an office, moved along by `by` up to `to`. */
static int64_t request_at(const char *office_code, const char *by, enum req_state to)
{
	struct request r;
	struct office o;
	struct wq_errbuf eb = {0};
	char secret[SECRET_CODE_BYTES], ref[32];
	int already;
	memset(&r, 0, sizeof r);
	assert_int_equal(office_get_by_code(db, office_code, &o, &eb), WQ_OK);
	r.office_id = o.id;
	r.birth_commune_id = o.commune_id;
	strcpy(r.doc_type, "extract");
	r.copies = 1;
	r.fee_centimes = 2000;
	strcpy(r.record_number, "321");
	r.record_year = 1988;
	strcpy(r.first_name_ar, "زينب");
	strcpy(r.last_name_ar, "التازي");
	strcpy(r.first_name_lat, "Zineb");
	strcpy(r.last_name_lat, "Isolatedname");
	strcpy(r.birth_date, "1988-02-11");
	strcpy(r.phone, "0611223344");
	strcpy(r.email, "zineb@example.ma");
	strcpy(r.address, "5 impasse Al Amal");
	strcpy(r.postal_code, "10000");
	strcpy(r.city, "Rabat");
	strcpy(r.lang, "fr");
	if (request_create(db, &r, NULL, 0, secret, &eb))
		fail_msg("create: %s", eb.msg);
	if (r.office_id != o.id)
		fail_msg("request for %s went to office #%lld", office_code, (long long)r.office_id);
	snprintf(ref, sizeof ref, "ISO-%d", ++pay_seq);
	if (request_mark_paid(db, r.id, ref, r.fee_centimes, &already, &eb))
		fail_msg("pay: %s", eb.msg);
	struct actor a = who(by);
	/* the office's officer signs: officer2 at RBT-AGD-1, officer1 at RBT-HAS-1 (and the
	 * office it relays), offken at KEN-KEN-1 */
	struct actor officer = who(!strcmp(office_code, "RBT-AGD-1")   ? "officer2"
				   : !strcmp(office_code, "KEN-KEN-1") ? "offken"
								       : "officer1");
	static const enum req_state path[] = {RS_CLAIMED, RS_IN_PRODUCTION,
					      RS_AWAITING_SIGNATURE, RS_SIGNED, RS_READY};
	for (size_t i = 0; i < sizeof path / sizeof path[0] && path[i] <= to; i++)
		if (request_transition(db, path[i] == RS_SIGNED ? &officer : &a, r.id, 0, path[i],
				       "", &eb))
			fail_msg("%s -> %s: %s", by, req_state_name(path[i]), eb.msg);
	if (to >= RS_WITH_POST) {
		char code[14];
		struct actor sup = who(!strcmp(by, "agent3") ? "supervisor2" : by);
		wq_s10_make("RR", 10000000u + (unsigned)pay_seq, "MA", code);
		if (request_hand_to_post(db, &sup, r.id, 0, code, "pickup", &eb))
			fail_msg("hand to post: %s", eb.msg);
	}
	return r.id;
}

static void db_copy(sqlite3 *to, sqlite3 *from)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	assert_non_null(b);
	assert_int_equal(sqlite3_backup_step(b, -1), SQLITE_DONE);
	assert_int_equal(sqlite3_backup_finish(b), SQLITE_OK);
}

/* The fixture's database is open on the real clock: the targets, and the baseline. */
static int ready(void)
{
	struct wq_errbuf eb = {0};
	T0 = wq_now();
	struct actor sys = who("system");
	if (user_add(db, &sys, "agentken", "Agent Kenitra", ROLE_AGENT, "KEN-KEN-1",
		     "watiqa-demo", NULL, &eb))
		fail_msg("agentken: %s", eb.msg);
	if (user_add(db, &sys, "supken", "Superviseur Kenitra", ROLE_SUPERVISOR, "KEN-KEN-1",
		     "watiqa-demo", NULL, &eb))
		fail_msg("supken: %s", eb.msg);
	/* a relayed office with an account of its own: it sees its requests, not its relay's */
	if (user_add(db, &sys, "agenthas3", "Agent Diour Jamaa", ROLE_AGENT, "RBT-HAS-3",
		     "watiqa-demo", NULL, &eb))
		fail_msg("agenthas3: %s", eb.msg);
	if (user_add(db, &sys, "officer2", "Officier Agdal", ROLE_OFFICER, "RBT-AGD-1",
		     "watiqa-demo", NULL, &eb) ||
	    user_add(db, &sys, "offken", "Officier Kenitra", ROLE_OFFICER, "KEN-KEN-1",
		     "watiqa-demo", NULL, &eb))
		fail_msg("officers: %s", eb.msg);
	/* a small office: its supervisor is its officer too */
	if (user_role_add(db, &sys, "supken", ROLE_OFFICER, "KEN-KEN-1", &eb))
		fail_msg("supken officer: %s", eb.msg);
	tg.agd_office = office_id("RBT-AGD-1");
	tg.has_office = office_id("RBT-HAS-1");
	tg.ken_office = office_id("KEN-KEN-1");
	struct office o;
	office_get(db, tg.agd_office, &o, &eb);
	tg.agdal_commune = o.commune_id;
	office_get(db, tg.has_office, &o, &eb);
	tg.hassan_commune = o.commune_id;
	office_get(db, tg.ken_office, &o, &eb);
	tg.ken_commune = o.commune_id;
	tg.paid = request_at("RBT-AGD-1", "agent3", RS_PAID);
	tg.claimed = request_at("RBT-AGD-1", "agent3", RS_CLAIMED);
	tg.inprod = request_at("RBT-AGD-1", "agent3", RS_IN_PRODUCTION);
	tg.ready = request_at("RBT-AGD-1", "agent3", RS_READY);
	tg.tosign = request_at("RBT-AGD-1", "agent3", RS_AWAITING_SIGNATURE);
	tg.signed_ = request_at("RBT-AGD-1", "agent3", RS_SIGNED);
	tg.rejected = request_at("RBT-AGD-1", "agent3", RS_PAID);
	struct actor agent3 = who("agent3");
	if (request_transition(db, &agent3, tg.rejected, 0, RS_REJECTED, "acte introuvable", &eb))
		fail_msg("reject: %s", eb.msg);
	tg.has3_paid = request_at("RBT-HAS-3", "agent1", RS_PAID);
	tg.home_paid = request_at("RBT-HAS-1", "agent1", RS_PAID);
	tg.home_claimed2 = request_at("RBT-HAS-1", "agent2", RS_CLAIMED);
	tg.ken_ready = request_at("KEN-KEN-1", "agentken", RS_READY);
	tg.ken_withpost = request_at("KEN-KEN-1", "supken", RS_WITH_POST);
	tg.ken_other = request_at("KEN-KEN-1", "agentken", RS_READY);

	struct actor insp2 = who("inspector2"), sup = who("support1");
	if (complaint_desk_open(db, &insp2, tg.ken_withpost, "rien reçu", &tg.ken_c_open, &eb) ||
	    complaint_desk_open(db, &insp2, tg.ken_ready, "en retard", &tg.ken_c_taken, &eb) ||
	    complaint_desk_take(db, &insp2, tg.ken_c_taken, 0, &eb) ||
	    complaint_desk_open(db, &insp2, tg.ken_other, "erreur de nom", &tg.ken_c_answered,
				&eb) ||
	    complaint_desk_take(db, &insp2, tg.ken_c_answered, 0, &eb) ||
	    complaint_desk_answer(db, &insp2, tg.ken_c_answered, 0, "corrigé", &eb) ||
	    search_note_add(db, &insp2, tg.ken_withpost, "le citoyen a appelé", &eb))
		fail_msg("complaints: %s", eb.msg);
	if (national_raise_request(db, &insp2, tg.ken_ready, "the office does not answer", &eb))
		fail_msg("raise: %s", eb.msg);
	tg.ken_raise = sql_int("SELECT max(id) FROM request_raises WHERE request_id = ?",
			       tg.ken_ready);
	/* a second national inspector, and a raise inspector0 took */
	struct actor nat0 = who("inspector0");
	int64_t held = request_at("KEN-KEN-1", "agentken", RS_CLAIMED);
	if (user_add(db, &sys, "inspnat2", "Inspectrice nationale", ROLE_INSPECTOR, "",
		     "watiqa-demo", NULL, &eb) ||
	    national_raise_request(db, &insp2, held, "no news", &eb))
		fail_msg("second national inspector: %s", eb.msg);
	tg.ken_held = sql_int("SELECT max(id) FROM request_raises WHERE request_id = ?", held);
	if (national_take_request(db, &nat0, tg.ken_held, 0, &eb))
		fail_msg("take: %s", eb.msg);
	int64_t ev = sql_int("SELECT max(id) FROM request_events WHERE request_id = ?",
			     tg.ken_withpost);
	if (outbox_enqueue(db, tg.ken_withpost, ev, "sms", "0611223344", "votre courrier", &eb))
		fail_msg("outbox: %s", eb.msg);
	tg.ken_notice = sql_int("SELECT max(id) FROM outbox WHERE request_id = ?", tg.ken_withpost);
	(void)sup;
	struct actor insp1 = who("inspector1");
	if (notice_send(db, &insp1, NOTICE_TO_OFFICE, "RBT-AGD-1", "inventaire vendredi",
			&tg.agd_notice, &eb))
		fail_msg("notice: %s", eb.msg);

	struct actor admin = who("admin1");
	struct user_key *keys = NULL;
	int nk = 0;
	if (user_key_add(db, &admin, "agent3",
			 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIsolationTestKeyOfAgentThree3 a3",
			 &eb) ||
	    user_keys(db, "agent3", &keys, &nk, &eb) || nk != 1)
		fail_msg("key: %s", eb.msg);
	tg.agent3_key = keys[0].id;
	free(keys);

	tg.agd_back = request_at("RBT-AGD-1", "agent3", RS_WITH_POST);

	/* the first day is over: the treasury builds RBT-AGDAL's batch (tg.ready is earned) */
	set_now(T_NOW);
	struct actor tre = who("treasury1");
	struct fin_period day = {T0 - 86400, T0 + 86400};
	int batches, items;
	int64_t total;
	if (treasury_build(db, &tre, &day, tg.agdal_commune, &batches, &items, &total, &eb) ||
	    batches != 1)
		fail_msg("batch: %s (%d)", eb.msg, batches);
	tg.agdal_batch = sql_int("SELECT max(id) FROM settlements WHERE commune_id = ?",
				 tg.agdal_commune);
	/* tg.agd_back, batched, comes back and is refunded: a fee to recover from RBT-AGDAL,
	 * and its refund refused by the card, for finance to act on */
	struct actor post1 = who("post1");
	struct refund back;
	if (request_transition(db, &post1, tg.agd_back, 0, RS_RETURNED, "inconnu", &eb) ||
	    request_returned_choice(db, tg.agd_back, "refund", &eb) ||
	    refund_for_request(db, tg.agd_back, &back, &eb) ||
	    refund_mark_sending(db, back.id, T_NOW + 60, &eb) ||
	    refund_mark_failed(db, back.id, "card_refuses_refunds", "", &eb))
		fail_msg("refused refund: %s", eb.msg);
	tg.agd_refused = back.id;

	assert_int_equal(sqlite3_open(":memory:", &baseline), SQLITE_OK);
	db_copy(baseline, db_handle(db));
	return 0;
}

static int print_dir_files(void)
{
	DIR *d = opendir(print_dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void done(void)
{
	sqlite3_close(baseline);
}

/* Every row of every table (the audit log without logins), hashed in any order: FNV-1a
 * per row, summed.  Files in the print directory count too. */
static uint64_t fingerprint(void)
{
	sqlite3 *h = db_handle(db);
	sqlite3_stmt *tables, *st;
	uint64_t sum = 0;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT name FROM sqlite_master WHERE type ="
					       " 'table' ORDER BY name", -1, &tables, NULL),
			 SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tables, 0);
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"%s", name,
			 strcmp(name, "audit_log") ? "" : " WHERE action NOT LIKE 'login.%'");
		assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			uint64_t x = 1469598103934665603ull;
			for (const char *p = name; *p; p++)
				x = (x ^ (unsigned char)*p) * 1099511628211ull;
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *v = sqlite3_column_text(st, c);
				int len = sqlite3_column_bytes(st, c);
				x = (x ^ (unsigned)sqlite3_column_type(st, c)) * 1099511628211ull;
				for (int i = 0; v && i < len; i++)
					x = (x ^ v[i]) * 1099511628211ull;
				x = (x ^ 0xff) * 1099511628211ull;
			}
			sum += x;
		}
		sqlite3_finalize(st);
	}
	sqlite3_finalize(tables);
	return sum + (uint64_t)print_dir_files() * 0x9e3779b97f4a7c15ull;
}

/* ---- the actions: each returns WQ_OK when the actor got what it asked ---- */
#define READ_EMPTY 1000 /* a read that answered but with nothing of the target */
#define POST_URL_DOWN "http://127.0.0.1:9" /* discard port: nobody answers */

typedef int (*action_fn)(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb);

static int seen(int rc, int yes)
{
	return rc ? rc : yes ? WQ_OK : READ_EMPTY;
}

static struct fin_period whole(void)
{
	struct fin_period p = {T0 - 86400, T0 + 86400};
	return p;
}

static int64_t user_id_of(const char *name)
{
	struct user u;
	return user_get(db, name, &u, NULL) ? 0 : u.id;
}

static int do_get(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct request q;
	return request_get(db, a, t, &q, eb);
}
static int do_get_tracking(const struct actor *a, int64_t t, const char *arg,
			   struct wq_errbuf *eb)
{
	(void)arg;
	struct request q, r = sys_get(t);
	return request_get_by_tracking(db, a, r.tracking, &q, eb);
}
static int do_history(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct req_event *ev = NULL;
	int n = 0, rc = request_history(db, a, t, &ev, &n, eb);
	free(ev);
	return seen(rc, n);
}
static int do_list(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct request_filter f = {.limit = 1000};
	struct request *rows = NULL;
	int n = 0, rc = request_list(db, a, &f, &rows, &n, eb), yes = 0;
	for (int i = 0; i < n; i++)
		yes |= rows[i].id == t;
	free(rows);
	return seen(rc, yes);
}
static int do_count(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct request_filter f = {.office_id = sys_get(t).office_id};
	int n = 0, rc = request_count(db, a, &f, &n, eb);
	return seen(rc, n);
}
/* The board's counts may only add up the requests of the office and those it relays. */
static int do_board_counts(const struct actor *a, int64_t t, const char *arg,
			   struct wq_errbuf *eb)
{
	(void)t;
	(void)arg;
	struct board_counts c;
	int rc = board_counts(db, a, 0, &c, eb);
	if (rc)
		return rc;
	int64_t total = 0, own = sql_int(
		"SELECT count(*) FROM requests r JOIN offices o ON o.id = r.office_id WHERE"
		" (o.id = ?1 OR o.relay_office_id = ?1) AND r.state IN ('paid', 'claimed',"
		" 'in_production', 'awaiting_signature', 'signed', 'ready', 'with_post')",
		a->scope_id);
	for (int s = 0; s < RS_COUNT; s++)
		total += c.stage[s];
	return seen(rc, total > own);
}
static int do_board_loads(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)t;
	struct agent_load *l = NULL;
	int n = 0, rc = board_agent_loads(db, a, 0, &l, &n, eb), yes = 0;
	for (int i = 0; i < n; i++)
		yes |= !strcmp(l[i].username, arg);
	free(l);
	return seen(rc, yes);
}
static int do_board_history(const struct actor *a, int64_t t, const char *arg,
			    struct wq_errbuf *eb)
{
	(void)arg;
	struct board_event *ev = NULL;
	int n = 0, rc = board_history(db, a, t, &ev, &n, eb);
	free(ev);
	return seen(rc, n);
}
/* The late-request lists (escalate.h), every level: is the target among them? */
static int do_escalate_list(const struct actor *a, int64_t t, const char *arg,
			    struct wq_errbuf *eb)
{
	(void)arg;
	struct config c;
	struct escalate_rules r;
	struct escalation *rows = NULL;
	int n = 0, yes = 0;
	config_defaults(&c);
	escalate_rules_from_config(&r, &c);
	int rc = escalate_list(db, a, &r, wq_now(), ESC_ON_TIME, &rows, &n, eb);
	for (int i = 0; i < n; i++)
		yes |= rows[i].id == t;
	free(rows);
	return seen(rc, yes);
}
/* arg: the state to move to. */
static int do_stage(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	return request_transition(db, a, t, 0, req_state_from_name(arg), "reason given", eb);
}
/* arg: the line to reject (an order's lines, db_lines.c). */
static int do_line_reject(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	return request_line_reject(db, a, t, 0, atoi(arg), "acte introuvable", eb);
}
/* A move inside a transaction, as db_lines.c makes it: the transaction and its check
 * of the acting account are the caller's (DB_TX_AS). */
static int do_move_in_tx(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	int rc = db_begin(db, eb);
	if (rc)
		return rc;
	if (!(rc = db_actor_current(db, a, eb)))
		rc = request_move_in_tx(db, a, t, 0, req_state_from_name(arg), "reason given", eb);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, eb);
}
static int do_claim(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	return request_claim(db, a, t, 0, eb);
}
/* arg: the agent to give it to. */
static int do_assign(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	return request_assign(db, a, t, 0, user_id_of(arg), eb);
}
/* arg: the office to send it to. */
static int do_reassign(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	return request_reassign(db, a, t, 0, office_id(arg), "wrong office", eb);
}
static int do_hand(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	char code[14];
	wq_s10_make("RR", 20000000u + (unsigned)t, "MA", code);
	return request_hand_to_post(db, a, t, 0, code, "pickup", eb);
}
static int do_mail_list(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct mail_filter f = {0};
	struct envelope *e = NULL;
	int n = 0, rc = mail_list(db, a, &f, &e, &n, eb), yes = 0;
	for (int i = 0; i < n; i++)
		yes |= e[i].request_id == t;
	free(e);
	return seen(rc, yes);
}
static int do_mail_get(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct envelope e;
	return mail_get(db, a, t, &e, eb);
}
static int do_mail_waiting(const struct actor *a, int64_t t, const char *arg,
			   struct wq_errbuf *eb)
{
	(void)arg;
	struct mail_office_count *c = NULL;
	int n = 0, rc = mail_waiting_by_office(db, a, &c, &n, eb), yes = 0;
	for (int i = 0; i < n; i++)
		yes |= c[i].office_id == sys_get(t).office_id;
	free(c);
	return seen(rc, yes);
}
static int do_mail_hand(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	char code[14];
	wq_s10_make("RR", 30000000u + (unsigned)t, "MA", code);
	return mail_hand(db, a, t, 0, code, "deposit", eb);
}
/* arg: "delivered" or "returned". */
static int do_mail_close(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	return mail_close(db, a, t, 0, !strcmp(arg, "delivered"), "address unknown", eb);
}
static int do_track(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct track_status s;
	int changed = 0;
	return post_track_sync(db, a, POST_URL_DOWN, t, &s, &changed, eb);
}
static int do_print_sheet(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)arg;
	char path[PATH_MAX_BYTES];
	return printout_sheet(db, a, &cfg, t, path, sizeof path, eb);
}
/* arg: "issue" (the production printout's document) or "read" (its code, if any). */
static int do_document(const struct actor *a, int64_t t, const char *arg,
		       struct wq_errbuf *eb)
{
	static const unsigned char key[32] = {7};
	char code[SECRET_CODE_BYTES];
	return document_code(db, a, key, t, 0, !strcmp(arg, "issue"), code, eb);
}
static int do_print_label(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)arg;
	char path[PATH_MAX_BYTES];
	return printout_label(db, a, &cfg, t, path, sizeof path, eb);
}
/* t: a request handed to the post on T0; the list of its office for that day. */
static int do_print_dispatch(const struct actor *a, int64_t t, const char *arg,
			     struct wq_errbuf *eb)
{
	(void)arg;
	char path[PATH_MAX_BYTES];
	int count = 0;
	int rc = printout_dispatch(db, a, &cfg, sys_get(t).office_id, T0, &count, path,
				   sizeof path, eb);
	return seen(rc, count);
}
/* Found by name: any hit at the target's office. */
static int do_search(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct search_result res;
	struct request r = sys_get(t);
	int rc = search_requests(db, a, SEARCH_NAME, "Isolatedname", &res, eb), yes = 0;
	if (rc)
		return rc;
	for (int i = 0; i < res.n; i++)
		yes |= !strcmp(res.hits[i].office_code, r.office_code);
	search_result_free(&res);
	return seen(rc, yes);
}
static int do_payments(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct search_payment *p = NULL;
	int n = 0, rc = search_payments(db, a, t, &p, &n, eb);
	free(p);
	return seen(rc, n);
}
static int do_notices(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct search_notice *p = NULL;
	int n = 0, rc = search_notices(db, a, t, &p, &n, eb);
	free(p);
	return seen(rc, n);
}
static int do_notes(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct search_note *p = NULL;
	int n = 0, rc = search_notes(db, a, t, &p, &n, eb);
	free(p);
	return seen(rc, n);
}
static int do_note_add(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	return search_note_add(db, a, t, "out of scope note", eb);
}
static int do_resend(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	int64_t id;
	return search_resend(db, a, t, &id, eb);
}
static int do_cd_list(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct cd_complaint *c = NULL;
	int n = 0, rc = complaint_desk_list(db, a, 1, 0, &c, &n, eb), yes = 0;
	for (int i = 0; i < n; i++)
		yes |= c[i].id == t;
	free(c);
	return seen(rc, yes);
}
static int do_cd_get(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct cd_complaint c;
	return complaint_desk_get(db, a, t, &c, eb);
}
static int do_cd_for_request(const struct actor *a, int64_t t, const char *arg,
			     struct wq_errbuf *eb)
{
	(void)arg;
	struct cd_complaint *c = NULL;
	int n = 0, rc = complaint_desk_for_request(db, a, t, &c, &n, eb);
	free(c);
	return seen(rc, n);
}
/* notices (notice.h): arg "office:CODE", "province:CODE" or "account:NAME" */
static int do_notice_send(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)t;
	int64_t id;
	const char *colon = strchr(arg, ':');
	enum notice_to to = !strncmp(arg, "office", 6)	   ? NOTICE_TO_OFFICE
			    : !strncmp(arg, "province", 8) ? NOTICE_TO_PROVINCE
							   : NOTICE_TO_ACCOUNT;
	return notice_send(db, a, to, colon + 1, "avis de test", &id, eb);
}
/* notice_send_in_tx in a transaction that checked the actor first, as the national
 * answer's does (DB_TX_AS, db_national.c) */
static int send_tx(const struct actor *a, const char *to, struct wq_errbuf *eb)
{
	int64_t id;
	DB_TX_AS(db, a, eb,
		 notice_send_in_tx(db, a, NOTICE_TO_ACCOUNT, to, "W0000000000: vu", &id, eb));
}
static int do_notice_send_tx(const struct actor *a, int64_t t, const char *arg,
			     struct wq_errbuf *eb)
{
	(void)t;
	return send_tx(a, arg, eb);
}
static int do_notice_reply(const struct actor *a, int64_t t, const char *arg,
			   struct wq_errbuf *eb)
{
	(void)arg;
	int64_t id;
	return notice_reply(db, a, t, "bien reçu", &id, eb);
}
static int do_notice_threads(const struct actor *a, int64_t t, const char *arg,
			     struct wq_errbuf *eb)
{
	(void)arg;
	struct notice_thread *ts = NULL;
	int n = 0, found = 0, rc = notice_threads(db, a, &ts, &n, eb);
	for (int i = 0; i < n; i++)
		found |= ts[i].thread_id == t;
	free(ts);
	return seen(rc, found);
}
static int do_notice_get(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	(void)arg;
	struct notice *ns = NULL;
	int n = 0, rc = notice_thread_get(db, a, t, &ns, &n, eb);
	free(ns);
	return seen(rc, n);
}
static int do_notice_read(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)arg;
	int n = 0, rc = notice_mark_read(db, a, t, &n, eb);
	return seen(rc, n);
}
static int do_notice_receipts(const struct actor *a, int64_t t, const char *arg,
			      struct wq_errbuf *eb)
{
	(void)arg;
	struct notice_receipt *r = NULL;
	int n = 0, rc = notice_receipts(db, a, t, &r, &n, eb);
	free(r);
	return seen(rc, n);
}
static int do_notice_unread(const struct actor *a, int64_t t, const char *arg,
			    struct wq_errbuf *eb)
{
	(void)arg;
	(void)t;
	int n = 0, rc = notice_unread(db, a, &n, eb);
	return seen(rc, n);
}
static int do_cd_take(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	return complaint_desk_take(db, a, t, 0, eb);
}
static int do_nat_list(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct raised *x = NULL;
	int n = 0, rc = national_list(db, a, 1, &x, &n, eb), yes = 0;
	for (int i = 0; i < n; i++)
		yes |= x[i].kind == RAISED_REQUEST && x[i].id == t;
	free(x);
	return seen(rc, yes);
}
static int do_nat_raise(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	return national_raise_request(db, a, t, "late at the office", eb);
}
static int do_nat_answer(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	(void)arg;
	return national_answer_request(db, a, t, 0, "send it by Friday", eb);
}
static int do_nat_take(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	return national_take_request(db, a, t, 0, eb);
}
static int do_nat_release(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)arg;
	return national_release_request(db, a, t, 0, eb);
}
static int do_cd_release(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	(void)arg;
	return complaint_desk_release(db, a, t, 0, eb);
}
static int do_cd_answer(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	return complaint_desk_answer(db, a, t, 0, "done", eb);
}
static int do_cd_resolve(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	(void)arg;
	return complaint_desk_resolve(db, a, t, 0, eb);
}
static int do_cd_escalate(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)arg;
	return complaint_desk_escalate(db, a, t, 0, "up", eb);
}
/* Marks late every unanswered complaint in scope: none must be another province's. */
static int do_cd_mark_late(const struct actor *a, int64_t t, const char *arg,
			   struct wq_errbuf *eb)
{
	(void)t;
	(void)arg;
	int n = 0, rc = complaint_desk_mark_late(db, a, T_NOW, &n, eb);
	return seen(rc, n);
}
static int do_cd_open(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	int64_t id;
	return complaint_desk_open(db, a, t, "opened out of scope", &id, eb);
}
/* t: a request; seen when the dashboard has a row for its office. */
static int do_dashboard(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct dashboard d;
	int64_t office = sys_get(t).office_id;
	memset(&d, 0, sizeof d);
	int rc = dashboard_load(db, a, DASH_BY_OFFICE, T0 - 86400, T_NOW, 5, &d, eb), yes = 0;
	if (rc)
		return rc;
	for (int i = 0; i < d.n; i++)
		yes |= d.rows[i].id == office && d.rows[i].paid > 0;
	dashboard_free(&d);
	return seen(rc, yes);
}
/* A commune's payments read one way or the other (whole, or by document). */
static int fin_payments_seen(int (*read)(struct db *, const struct actor *, int64_t,
					 const struct fin_period *, struct fin_payment **, int *,
					 struct wq_errbuf *),
			     const struct actor *a, int64_t t, struct wq_errbuf *eb)
{
	struct fin_period p = whole();
	struct fin_payment *rows = NULL;
	int n = 0, rc = read(db, a, t, &p, &rows, &n, eb);
	free(rows);
	return seen(rc, n);
}
static int do_fin_payments(const struct actor *a, int64_t t, const char *arg,
			   struct wq_errbuf *eb)
{
	(void)arg;
	return fin_payments_seen(finance_payments, a, t, eb);
}
static int do_fin_payment_lines(const struct actor *a, int64_t t, const char *arg,
				struct wq_errbuf *eb)
{
	(void)arg;
	return fin_payments_seen(finance_payment_lines, a, t, eb);
}
static int do_fin_revenue(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)arg;
	struct fin_period p = whole();
	struct fin_revenue_row *rows = NULL;
	int n = 0, rc = finance_revenue(db, a, t, &p, FIN_BY_DAY, &rows, &n, eb);
	free(rows);
	return seen(rc, n);
}
static int do_fin_summary(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)arg;
	struct fin_period p = whole();
	struct fin_summary s;
	int rc = finance_summary(db, a, t, &p, &s, eb);
	return seen(rc, !rc && s.collected_count);
}
static int do_fin_refunds(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)arg;
	struct fin_period p = whole();
	struct fin_refund_day *rows = NULL;
	struct fin_refund_totals tot;
	int n = 0, rc = finance_refunds(db, a, t, &p, &rows, &n, &tot, eb);
	free(rows);
	return seen(rc, n);
}
static int do_desk_failed(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)arg;
	struct failed_refund *rows = NULL;
	int n = 0, yes = 0, rc = refund_desk_failed(db, a, t, &rows, &n, eb);
	for (int i = 0; i < n; i++)
		yes |= rows[i].id == tg.agd_refused && !rows[i].postage;
	free(rows);
	return seen(rc, yes);
}
static int do_desk_recover(const struct actor *a, int64_t t, const char *arg,
			   struct wq_errbuf *eb)
{
	(void)arg;
	struct commune_recover *rows = NULL;
	int n = 0, yes = 0, rc = refund_desk_recover(db, a, t, &rows, &n, eb);
	for (int i = 0; i < n; i++)
		yes |= rows[i].commune_id == t;
	free(rows);
	return seen(rc, yes);
}
static int do_desk_retry(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	(void)arg;
	return refund_desk_retry(db, a, 0, t, eb);
}
static int do_desk_transfer(const struct actor *a, int64_t t, const char *arg,
			    struct wq_errbuf *eb)
{
	return refund_desk_transfer(db, a, 0, t, arg, eb);
}
static int do_fin_stmt(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	static const char sql[] = "SELECT ?1 WHERE ?2 < ?3";
	struct fin_period p = whole();
	int64_t c = t;
	int rc;
	sqlite3_stmt *st = fin_commune_stmt(db, a, &c, sql, &p, &rc, eb);
	return st ? seen(WQ_OK, c == t) : rc;
}
static int do_fin_commune(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)arg;
	int64_t id = 0;
	char code[16];
	int rc = finance_commune(db, a, t, &id, code, eb);
	return seen(rc, id == t);
}
static int do_fin_export(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct fin_period p = whole();
	char path[PATH_MAX_BYTES];
	return finance_export_csv(db, a, t, &p, &cfg, path, sizeof path, eb);
}
static int do_fin_scope(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	int64_t c = 0;
	int rc = fin_scope_commune(a, t, &c, eb);
	return seen(rc, c == t);
}
/* arg "rows": the preview recomputed from the payments instead of the totals */
static int do_tr_preview(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	struct fin_period p = {T0 - 86400, T_NOW};
	struct settle_preview *v = NULL;
	int n = 0, yes = 0;
	int rc = arg && !strcmp(arg, "rows") ? treasury_preview_rows(db, a, &p, &v, &n, eb)
					     : treasury_preview(db, a, &p, &v, &n, eb);
	for (int i = 0; i < n; i++)
		yes |= v[i].commune_id == t;
	free(v);
	return seen(rc, yes);
}
/* t: 0 for every commune. */
static int do_tr_build(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct fin_period p = whole();
	int batches = 0, items;
	int64_t total;
	int rc = treasury_build(db, a, &p, t, &batches, &items, &total, eb);
	return rc ? rc : WQ_OK;
}
static int do_tr_batches(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	(void)arg;
	struct settlement *s = NULL;
	int n = 0, rc = treasury_batches(db, a, t, &s, &n, eb), yes = 0;
	for (int i = 0; i < n; i++)
		yes |= s[i].commune_id == t;
	free(s);
	return seen(rc, yes);
}
static int do_tr_items(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)arg;
	struct fin_payment *rows = NULL;
	int n = 0, rc = treasury_batch_items(db, a, t, &rows, &n, eb);
	free(rows);
	return seen(rc, n);
}
static int do_tr_transfer(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)arg;
	return treasury_mark_transferred(db, a, t, "VIR-2026-0001", eb);
}
/* Another agent's claimed request: the rule itself says no. */
static int do_lifecycle(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)t;
	(void)arg;
	return lifecycle_check(a, RS_CLAIMED, RS_IN_PRODUCTION, 0, "", eb);
}
/* arg: the account acted on. */
static int do_user_add(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)t;
	return user_add(db, a, arg, "Intruder", ROLE_ADMIN, "", "intruder-pass-1", NULL, eb);
}
static int do_user_disable(const struct actor *a, int64_t t, const char *arg,
			   struct wq_errbuf *eb)
{
	(void)t;
	return user_set_disabled(db, a, arg, 1, eb);
}
/* another account's second factor: set (and printed) or removed by an admin only */
static int do_totp_init(const struct actor *a, int64_t t, const char *arg,
			struct wq_errbuf *eb)
{
	char b32[TOTP_SECRET_B32_BYTES], codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES];
	(void)t;
	return totp_admin_init(db, &cfg, a, arg, b32, sizeof b32, codes, eb);
}
static int do_totp_reset(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	(void)t;
	return totp_reset(db, a, arg, eb);
}
/* another account's screen language and bidi choice: its own or an admin's only */
static int do_user_lang(const struct actor *a, int64_t t, const char *arg,
			struct wq_errbuf *eb)
{
	(void)t;
	return user_set_lang(db, a, arg, "ar", eb);
}
static int do_user_bidi(const struct actor *a, int64_t t, const char *arg,
			struct wq_errbuf *eb)
{
	(void)t;
	return user_set_bidi(db, a, arg, 0, eb);
}
static int do_user_passwd(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)t;
	return user_set_password(db, a, arg, "new-password-123", eb);
}
static int do_user_role(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)t;
	return user_set_role(db, a, arg, ROLE_ADMIN, "", eb);
}
/* arg: the account; it becomes RBT-AGD-1's officer too */
static int do_user_role_add(const struct actor *a, int64_t t, const char *arg,
			    struct wq_errbuf *eb)
{
	(void)t;
	return user_role_add(db, a, arg, !strcmp(arg, "officer1") ? ROLE_SUPERVISOR : ROLE_OFFICER,
			     "RBT-AGD-1", eb);
}
static int do_user_role_remove(const struct actor *a, int64_t t, const char *arg,
			       struct wq_errbuf *eb)
{
	(void)t;
	return user_role_remove(db, a, arg, ROLE_OFFICER, eb);
}
static int do_key_add(const struct actor *a, int64_t t, const char *arg, struct wq_errbuf *eb)
{
	(void)t;
	return user_key_add(db, a, arg,
			    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIntruderKeyIntruderKeyXX x", eb);
}
static int do_key_remove(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	return user_key_remove(db, a, arg, t, eb);
}
static int do_office_add(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	(void)t;
	(void)arg;
	return office_add(db, a, "RBT-AGD-9", "RBT-AGDAL", "Bureau pirate", "", "moderate", "",
			  NULL, eb);
}
/* arg: the office closed. */
static int do_office_set(const struct actor *a, int64_t t, const char *arg,
			 struct wq_errbuf *eb)
{
	(void)t;
	return office_set(db, a, arg, "moderate", "", 0, eb);
}
static int do_commune_add(const struct actor *a, int64_t t, const char *arg,
			  struct wq_errbuf *eb)
{
	(void)t;
	(void)arg;
	return commune_add(db, a, "KEN-PIRATE", "KENITRA", "rural", "Pirate", "", "BAM-0", eb);
}
static int do_province_add(const struct actor *a, int64_t t, const char *arg,
			   struct wq_errbuf *eb)
{
	(void)t;
	(void)arg;
	return province_add(db, a, "PIRATE", "province", "Pirate", "", eb);
}

/* ---- the table ---- */
struct row {
	const char *fn;	      /* the header function it exercises */
	const char *actor;    /* who must be refused */
	const char *what;
	action_fn run;
	const int64_t *target; /* NULL: 0 */
	const char *arg;
	const char *control;  /* who may do it (NULL: none) */
	const char *ctl_arg;  /* the control's arg (NULL: arg) */
	int ctl_rc;	      /* what the control gets (WQ_OK but for a dead gateway) */
};

#define R(fn, actor, what, run, target, arg, control) \
	{#fn, actor, what, run, target, arg, control, NULL, WQ_OK}
/* every role but admin, on the admin's actions */
#define NON_ADMIN(fn, what, run, target, arg)                                        \
	R(fn, "agent1", what, run, target, arg, "admin1"),                           \
	R(fn, "supervisor1", what, run, target, arg, "admin1"),                      \
	R(fn, "inspector1", what, run, target, arg, "admin1"),                       \
	R(fn, "support1", what, run, target, arg, "admin1"),                         \
	R(fn, "finance1", what, run, target, arg, "admin1"),                         \
	R(fn, "treasury1", what, run, target, arg, "admin1"),                        \
	R(fn, "post1", what, run, target, arg, "admin1"),                            \
	R(fn, "citizen", what, run, target, arg, "admin1")
/* every role but treasury, on the treasury's writes */
#define NON_TREASURY(fn, what, run, target)                                          \
	R(fn, "agent1", what, run, target, NULL, "treasury1"),                       \
	R(fn, "supervisor1", what, run, target, NULL, "treasury1"),                  \
	R(fn, "inspector1", what, run, target, NULL, "treasury1"),                   \
	R(fn, "support1", what, run, target, NULL, "treasury1"),                     \
	R(fn, "finance1", what, run, target, NULL, "treasury1"),                     \
	R(fn, "finance2", what, run, target, NULL, "treasury1"),                     \
	R(fn, "admin1", what, run, target, NULL, "treasury1"),                       \
	R(fn, "post1", what, run, target, NULL, "treasury1"),                        \
	R(fn, "citizen", what, run, target, NULL, "treasury1")

static const int64_t zero = 0;

static const struct row rows[] = {
	/* an agent of RBT-HAS-1 on RBT-AGD-1's requests (agent3's office) */
	R(request_get, "agent1", "read a request", do_get, &tg.paid, NULL, "agent3"),
	R(request_get_by_tracking, "agent1", "read it by tracking number", do_get_tracking,
	  &tg.paid, NULL, "agent3"),
	R(request_history, "agent1", "read its history", do_history, &tg.paid, NULL, "agent3"),
	R(board_history, "agent1", "read who recorded each stage", do_board_history, &tg.paid,
	  NULL, "agent3"),
	R(escalate_list, "agent1", "see it among the late requests", do_escalate_list,
	  &tg.paid, NULL, "agent3"),
	R(escalate_list, "finance2", "see it among the late requests", do_escalate_list,
	  &tg.ken_withpost, NULL, "support1"),
	R(request_list, "agent1", "see it in a list", do_list, &tg.paid, NULL, "agent3"),
	R(request_count, "agent1", "count another office's requests", do_count, &tg.paid, NULL,
	  "agent3"),
	R(search_requests, "agent1", "find it by name", do_search, &tg.paid, NULL, "support1"),
	R(search_payments, "agent1", "read its payments", do_payments, &tg.paid, NULL,
	  "support1"),
	R(request_claim, "agent1", "claim", do_claim, &tg.paid, NULL, "agent3"),
	R(request_transition, "agent1", "start production", do_stage, &tg.claimed,
	  "in_production", "agent3"),
	R(request_transition, "agent1", "seal the envelope", do_stage, &tg.signed_, "ready",
	  "agent3"),
	R(request_transition, "agent1", "submit the documents for signature", do_stage,
	  &tg.inprod, "awaiting_signature", "agent3"),
	/* the officer signs for his office (and the offices it relays) only; no other role
	 * signs, and he does nothing else to a request */
	R(request_transition, "officer1", "sign another office's documents", do_stage,
	  &tg.tosign, "signed", "officer2"),
	R(request_transition, "officer1", "send another office's documents back", do_stage,
	  &tg.tosign, "in_production", "officer2"),
	R(request_transition, "offken", "sign another province's documents", do_stage,
	  &tg.tosign, "signed", "officer2"),
	R(request_transition, "supken", "sign another office's documents", do_stage,
	  &tg.tosign, "signed", "officer2"),
	R(request_transition, "agent3", "sign the documents (an agent)", do_stage, &tg.tosign,
	  "signed", "officer2"),
	R(request_transition, "supervisor2", "sign the documents (a supervisor)", do_stage,
	  &tg.tosign, "signed", "officer2"),
	R(request_transition, "inspector1", "sign the documents (an inspector)", do_stage,
	  &tg.tosign, "signed", "officer2"),
	R(request_transition, "officer2", "seal the envelope (an officer)", do_stage,
	  &tg.signed_, "ready", "agent3"),
	R(request_claim, "officer2", "claim (an officer)", do_claim, &tg.paid, NULL, "agent3"),
	R(request_list, "officer1", "see another office's documents to sign", do_list,
	  &tg.tosign, NULL, "officer2"),
	R(request_transition, "agent1", "release to the queue", do_stage, &tg.claimed, "paid",
	  "agent3"),
	R(request_transition, "agent1", "reject", do_stage, &tg.claimed, "rejected", "agent3"),
	R(request_line_reject, "agent1", "reject one line of an order", do_line_reject,
	  &tg.claimed, "1", "agent3"),
	R(request_line_reject, "finance2", "reject one line of an order", do_line_reject,
	  &tg.claimed, "1", "agent3"),
	R(request_line_reject, "officer1", "reject one line of an order", do_line_reject,
	  &tg.inprod, "1", "agent3"),
	R(request_move_in_tx, "agent1", "reject inside another write", do_move_in_tx,
	  &tg.claimed, "rejected", "agent3"),
	R(request_reassign, "agent1", "pull it to its own office", do_reassign, &tg.paid,
	  "RBT-HAS-1", "agent3"),
	R(request_hand_to_post, "agent1", "hand it to the post", do_hand, &tg.ready, NULL,
	  "supervisor2"),
	R(mail_get, "agent1", "read the envelope", do_mail_get, &tg.ready, NULL, "agent3"),
	R(mail_list, "agent1", "see the envelope in a list", do_mail_list, &tg.ready, NULL,
	  "agent3"),
	R(mail_hand, "agent1", "hand it at the post desk", do_mail_hand, &tg.ready, NULL,
	  "post1"),
	R(document_code, "agent1", "issue the document of a request in production", do_document,
	  &tg.inprod, "issue", "agent3"),
	R(document_code, "agent1", "read its verification code", do_document, &tg.inprod,
	  "read", "agent3"),
	R(document_code, "officer1", "issue the document of another office's request",
	  do_document, &tg.inprod, "issue", "agent3"),
	R(printout_sheet, "agent1", "print its production sheet", do_print_sheet, &tg.inprod,
	  NULL, "agent3"),
	R(printout_sheet, "agent1", "print the request sheet", do_print_sheet, &tg.paid, NULL,
	  "agent3"),
	R(printout_label, "agent1", "print the envelope label", do_print_label, &tg.ready, NULL,
	  "agent3"),
	R(search_note_add, "agent1", "add a staff note", do_note_add, &tg.paid, NULL,
	  "support1"),
	R(complaint_desk_open, "agent1", "open a complaint", do_cd_open, &tg.home_paid, NULL,
	  "support1"),
	/* ... and on its own office's request that agent2 holds */
	R(request_transition, "agent1", "start production of agent2's request", do_stage,
	  &tg.home_claimed2, "in_production", "agent2"),
	R(request_transition, "agent1", "release agent2's request", do_stage,
	  &tg.home_claimed2, "paid", "agent2"),
	R(request_assign, "agent1", "assign (a supervisor's move)", do_assign, &tg.home_paid,
	  "agent1", "supervisor1"),
	R(lifecycle_check, "agent1", "pass the rule for another agent's request", do_lifecycle,
	  NULL, NULL, NULL),
	R(user_set_role, "agent1", "make itself admin", do_user_role, NULL, "agent1", "admin1"),
	/* agent3 (RBT-AGD-1) on RBT-HAS-3, which RBT-HAS-1 relays */
	R(request_get, "agent3", "read a relayed office's request", do_get, &tg.has3_paid, NULL,
	  "agent1"),
	R(request_list, "agent3", "see it in a list", do_list, &tg.has3_paid, NULL, "agent1"),
	R(request_claim, "agent3", "claim it", do_claim, &tg.has3_paid, NULL, "agent1"),
	R(printout_sheet, "agent3", "print its sheet", do_print_sheet, &tg.has3_paid, NULL,
	  "agent1"),
	R(request_claim, "agent3", "claim it (its own office's agent may)", do_claim,
	  &tg.has3_paid, NULL, "agenthas3"),
	/* agenthas3 (RBT-HAS-3, relayed) on its relay office RBT-HAS-1's own requests */
	R(request_get, "agenthas3", "read its relay office's request", do_get, &tg.home_paid,
	  NULL, "agent1"),
	R(request_list, "agenthas3", "see it in a list", do_list, &tg.home_paid, NULL, "agent1"),
	R(request_claim, "agenthas3", "claim it", do_claim, &tg.home_paid, NULL, "agent1"),
	R(request_reassign, "agenthas3", "pull it to its office", do_reassign, &tg.home_paid,
	  "RBT-HAS-3", "agent1"),

	/* the supervisor of RBT-HAS-1 on RBT-AGD-1's */
	R(request_get, "supervisor1", "read a request", do_get, &tg.claimed, NULL,
	  "supervisor2"),
	R(board_history, "supervisor1", "read its board history", do_board_history,
	  &tg.claimed, NULL, "supervisor2"),
	R(request_list, "supervisor1", "see it on the board", do_list, &tg.claimed, NULL,
	  "supervisor2"),
	R(request_count, "supervisor1", "count another office's requests", do_count,
	  &tg.claimed, NULL, "supervisor2"),
	R(board_counts, "supervisor1", "count another office's stages", do_board_counts, NULL,
	  NULL, NULL),
	R(board_agent_loads, "supervisor1", "see another office's agent", do_board_loads, NULL,
	  "agent3", "supervisor2"),
	{"request_assign", "supervisor1", "assign it to an own agent", do_assign, &tg.paid,
	 "agent1", "supervisor2", "agent3", WQ_OK},
	{"request_assign", "supervisor1", "assign an own request to another office's agent",
	 do_assign, &tg.home_paid, "agent3", "supervisor1", "agent2", WQ_OK},
	{"request_assign", "supervisor1", "assign an own request to a post clerk", do_assign,
	 &tg.home_paid, "post1", "supervisor1", "agent2", WQ_OK},
	R(request_reassign, "supervisor1", "pull it to its office", do_reassign, &tg.claimed,
	  "RBT-HAS-1", "supervisor2"),
	R(request_transition, "supervisor1", "reject", do_stage, &tg.paid, "rejected",
	  "supervisor2"),
	R(request_transition, "supervisor1", "declare a stage", do_stage, &tg.claimed,
	  "in_production", "supervisor2"),
	R(request_hand_to_post, "supervisor1", "hand it to the post", do_hand, &tg.ready, NULL,
	  "supervisor2"),
	R(printout_sheet, "supervisor1", "print the request sheet", do_print_sheet,
	  &tg.claimed, NULL, "supervisor2"),
	R(printout_label, "supervisor1", "print the envelope label", do_print_label, &tg.ready,
	  NULL, "supervisor2"),
	R(printout_dispatch, "supervisor1", "print another office's dispatch list",
	  do_print_dispatch, &tg.ken_withpost, NULL, "supken"),
	R(mail_list, "supervisor1", "see the envelope", do_mail_list, &tg.ready, NULL,
	  "supervisor2"),
	/* the supervisor of RBT-AGD-1 on RBT-HAS-3, which is relayed by RBT-HAS-1 */
	R(request_get, "supervisor2", "read a relayed office's request", do_get,
	  &tg.has3_paid, NULL, "supervisor1"),
	{"request_assign", "supervisor2", "assign it to an own agent", do_assign,
	 &tg.has3_paid, "agent3", "supervisor1", "agent1", WQ_OK},

	/* the inspector of RABAT on KENITRA */
	R(request_get, "inspector1", "read a request", do_get, &tg.ken_withpost, NULL,
	  "inspector2"),
	R(request_get_by_tracking, "inspector1", "read it by tracking number", do_get_tracking,
	  &tg.ken_withpost, NULL, "inspector2"),
	R(request_history, "inspector1", "read its history", do_history, &tg.ken_withpost,
	  NULL, "inspector2"),
	R(board_history, "inspector1", "read who recorded each stage", do_board_history,
	  &tg.ken_withpost, NULL, "inspector2"),
	R(escalate_list, "inspector1", "see it among the late requests", do_escalate_list,
	  &tg.ken_withpost, NULL, "inspector2"),
	R(request_list, "inspector1", "see it in a list", do_list, &tg.ken_withpost, NULL,
	  "inspector2"),
	R(request_count, "inspector1", "count another province's requests", do_count,
	  &tg.ken_withpost, NULL, "inspector2"),
	R(search_requests, "inspector1", "find it by name", do_search, &tg.ken_withpost, NULL,
	  "inspector2"),
	R(search_payments, "inspector1", "read its payments", do_payments, &tg.ken_withpost,
	  NULL, "inspector2"),
	R(search_notices, "inspector1", "read its notifications", do_notices,
	  &tg.ken_withpost, NULL, "inspector2"),
	R(search_notes, "inspector1", "read its staff notes", do_notes, &tg.ken_withpost, NULL,
	  "inspector2"),
	R(search_note_add, "inspector1", "add a staff note", do_note_add, &tg.ken_withpost,
	  NULL, "inspector2"),
	R(search_resend, "inspector1", "send a notification again", do_resend, &tg.ken_notice,
	  NULL, "inspector2"),
	/* the national inspector works on what a province raised, nothing else of it */
	R(complaint_desk_take, "inspector0", "take a complaint its province holds", do_cd_take,
	  &tg.ken_c_open, NULL, "inspector2"),
	R(complaint_desk_answer, "inspector0", "answer a complaint its province holds",
	  do_cd_answer, &tg.ken_c_taken, NULL, "inspector2"),
	R(complaint_desk_list, "inspector0", "see a province's own complaint in its queue",
	  do_cd_list, &tg.ken_c_open, NULL, "inspector2"),
	/* the national inspection: a province raises its own requests only, the national
	 * inspector answers, and a province reads what it raised, not another's */
	R(national_raise_request, "inspector1", "raise another province's request",
	  do_nat_raise, &tg.ken_other, NULL, "inspector2"),
	R(national_raise_request, "inspector0", "raise a request (nothing is above it)",
	  do_nat_raise, &tg.ken_other, NULL, "inspector2"),
	R(national_raise_request, "supken", "raise a request of its office", do_nat_raise,
	  &tg.ken_other, NULL, "inspector2"),
	R(national_answer_request, "inspector2", "answer what its province raised",
	  do_nat_answer, &tg.ken_raise, NULL, "inspector0"),
	R(national_answer_request, "inspector1", "answer another province's raise",
	  do_nat_answer, &tg.ken_raise, NULL, "inspector0"),
	/* the take step: what one national inspector holds, another neither answers, takes
	 * nor gives back; a province's inspector takes nothing */
	R(national_answer_request, "inspnat2", "answer what another national inspector took",
	  do_nat_answer, &tg.ken_held, NULL, "inspector0"),
	R(national_take_request, "inspnat2", "take what another national inspector took",
	  do_nat_take, &tg.ken_held, NULL, "inspector0"),
	R(national_release_request, "inspnat2", "give back what another national inspector took",
	  do_nat_release, &tg.ken_held, NULL, "inspector0"),
	R(complaint_desk_release, "inspector1", "give back another province's complaint",
	  do_cd_release, &tg.ken_c_taken, NULL, "inspector2"),
	R(complaint_desk_release, "inspector0", "give back a complaint its province took",
	  do_cd_release, &tg.ken_c_taken, NULL, "inspector2"),
	R(complaint_desk_release, "support1", "give back a complaint", do_cd_release,
	  &tg.ken_c_taken, NULL, "inspector2"),
	R(national_take_request, "inspector2", "take what its province raised", do_nat_take,
	  &tg.ken_raise, NULL, "inspector0"),
	R(national_release_request, "inspector2", "give back what inspector0 took",
	  do_nat_release, &tg.ken_held, NULL, "inspector0"),
	R(national_list, "inspector1", "see another province's raise", do_nat_list,
	  &tg.ken_raise, NULL, "inspector2"),
	R(national_list, "support1", "see what the provinces raised", do_nat_list,
	  &tg.ken_raise, NULL, "inspector0"),
	R(national_list, "admin1", "see what the provinces raised", do_nat_list,
	  &tg.ken_raise, NULL, "inspector0"),
	R(complaint_desk_list, "inspector1", "see a complaint in its queue", do_cd_list,
	  &tg.ken_c_open, NULL, "inspector2"),
	R(complaint_desk_get, "inspector1", "read a complaint", do_cd_get, &tg.ken_c_open, NULL,
	  "inspector2"),
	R(complaint_desk_for_request, "inspector1", "read a request's complaints",
	  do_cd_for_request, &tg.ken_withpost, NULL, "inspector2"),
	R(complaint_desk_take, "inspector1", "take a complaint", do_cd_take, &tg.ken_c_open,
	  NULL, "inspector2"),
	R(complaint_desk_answer, "inspector1", "answer a complaint", do_cd_answer,
	  &tg.ken_c_taken, NULL, "inspector2"),
	R(complaint_desk_resolve, "inspector1", "resolve a complaint", do_cd_resolve,
	  &tg.ken_c_answered, NULL, "inspector2"),
	R(complaint_desk_escalate, "inspector1", "escalate a complaint", do_cd_escalate,
	  &tg.ken_c_taken, NULL, "inspector2"),
	R(complaint_desk_mark_late, "inspector1", "mark another province's complaints late",
	  do_cd_mark_late, NULL, NULL, "inspector2"),
	R(complaint_desk_open, "inspector1", "open a complaint", do_cd_open, &tg.ken_ready,
	  NULL, "inspector2"),
	R(dashboard_load, "inspector1", "see another province's office", do_dashboard,
	  &tg.ken_withpost, NULL, "inspector2"),
	R(request_claim, "inspector1", "claim", do_claim, &tg.paid, NULL, "agent3"),
	R(document_code, "inspector1", "issue a document", do_document, &tg.inprod, "issue",
	  "agent3"),
	R(request_transition, "inspector1", "reject", do_stage, &tg.paid, "rejected",
	  "supervisor2"),
	/* the inspector of KENITRA on RABAT */
	R(request_get, "inspector2", "read a request", do_get, &tg.paid, NULL, "inspector1"),
	R(complaint_desk_open, "inspector2", "open a complaint", do_cd_open, &tg.paid, NULL,
	  "inspector1"),
	R(dashboard_load, "inspector2", "see another province's office", do_dashboard,
	  &tg.paid, NULL, "inspector1"),

	/* the post of RABAT on KENITRA's envelopes, of SETTAT on RABAT's */
	R(mail_get, "post1", "read the envelope", do_mail_get, &tg.ken_ready, NULL, "post2"),
	R(mail_list, "post1", "see it in a list", do_mail_list, &tg.ken_ready, NULL, "post2"),
	R(mail_waiting_by_office, "post1", "count another province's waiting envelopes",
	  do_mail_waiting, &tg.ken_ready, NULL, "post2"),
	R(mail_hand, "post1", "record the pickup", do_mail_hand, &tg.ken_ready, NULL, "post2"),
	R(mail_close, "post1", "record it delivered", do_mail_close, &tg.ken_withpost,
	  "delivered", "post2"),
	R(mail_close, "post1", "record it returned", do_mail_close, &tg.ken_withpost,
	  "returned", "post2"),
	{"post_track_sync", "post1", "pull its tracking", do_track, &tg.ken_withpost, NULL,
	 "post2", NULL, WQ_EGATEWAY},
	R(printout_label, "post1", "print the envelope label", do_print_label, &tg.ken_ready,
	  NULL, "post2"),
	R(printout_dispatch, "post1", "print another office's dispatch list",
	  do_print_dispatch, &tg.ken_withpost, NULL, "post2"),
	R(request_history, "post1", "read its history", do_history, &tg.ken_withpost, NULL,
	  "post2"),
	R(board_history, "post1", "read who recorded each stage", do_board_history,
	  &tg.ken_withpost, NULL, "post2"),
	R(request_transition, "post1", "deliver through the lifecycle", do_stage,
	  &tg.ken_withpost, "delivered", "post2"),
	R(request_claim, "post1", "claim", do_claim, &tg.paid, NULL, "agent3"),
	R(document_code, "post1", "issue a document", do_document, &tg.inprod, "issue",
	  "agent3"),
	R(mail_get, "post3", "read the envelope", do_mail_get, &tg.ready, NULL, "post1"),
	R(mail_list, "post3", "see it in a list", do_mail_list, &tg.ready, NULL, "post1"),
	R(mail_hand, "post3", "record the pickup", do_mail_hand, &tg.ready, NULL, "post1"),

	/* finance of RBT-HASSAN on RBT-AGDAL, and the other way */
	R(finance_payments, "finance1", "read a commune's payments", do_fin_payments,
	  &tg.agdal_commune, NULL, "finance2"),
	R(finance_revenue, "finance1", "read a commune's revenue", do_fin_revenue,
	  &tg.agdal_commune, NULL, "finance2"),
	R(finance_summary, "finance1", "read a commune's money", do_fin_summary,
	  &tg.agdal_commune, NULL, "finance2"),
	/* refunds refused by the card, fees to recover: RBT-AGDAL's, by others */
	R(refund_desk_failed, "finance1", "list a commune's refused refunds", do_desk_failed,
	  &tg.agdal_commune, NULL, "finance2"),
	R(refund_desk_failed, "agent3", "list its commune's refused refunds", do_desk_failed,
	  &tg.agdal_commune, NULL, "finance2"),
	R(refund_desk_failed, "support1", "list a commune's refused refunds", do_desk_failed,
	  &tg.agdal_commune, NULL, "treasury1"),
	R(refund_desk_retry, "finance1", "send another commune's refund again", do_desk_retry,
	  &tg.agd_refused, NULL, "finance2"),
	R(refund_desk_retry, "agent3", "send its office's refund again", do_desk_retry,
	  &tg.agd_refused, NULL, "finance2"),
	R(refund_desk_retry, "admin1", "send a refund again", do_desk_retry, &tg.agd_refused,
	  NULL, "treasury1"),
	R(refund_desk_retry, "citizen", "send a refund again", do_desk_retry, &tg.agd_refused,
	  NULL, "finance2"),
	R(refund_desk_transfer, "finance1", "settle another commune's refund by transfer",
	  do_desk_transfer, &tg.agd_refused, "VIR-2026-0001", "finance2"),
	R(refund_desk_transfer, "supervisor2", "settle its office's refund by transfer",
	  do_desk_transfer, &tg.agd_refused, "VIR-2026-0001", "finance2"),
	R(refund_desk_transfer, "support1", "settle a refund by transfer", do_desk_transfer,
	  &tg.agd_refused, "VIR-2026-0001", "treasury1"),
	R(refund_desk_recover, "finance1", "read a commune's fees to recover", do_desk_recover,
	  &tg.agdal_commune, NULL, "finance2"),
	R(refund_desk_recover, "agent3", "read its commune's fees to recover", do_desk_recover,
	  &tg.agdal_commune, NULL, "treasury1"),
	R(refund_desk_recover, "inspector1", "read a commune's fees to recover",
	  do_desk_recover, &tg.agdal_commune, NULL, "finance2"),
	R(finance_refunds, "finance1", "read a commune's refunds", do_fin_refunds,
	  &tg.agdal_commune, NULL, "finance2"),
	R(finance_refunds, "agent3", "read its commune's refunds", do_fin_refunds,
	  &tg.agdal_commune, NULL, "finance2"),
	R(finance_refunds, "support1", "read a commune's refunds", do_fin_refunds,
	  &tg.agdal_commune, NULL, "treasury1"),
	R(finance_commune, "finance1", "switch to another commune", do_fin_commune,
	  &tg.agdal_commune, NULL, "finance2"),
	R(finance_export_csv, "finance1", "export a commune's payments", do_fin_export,
	  &tg.agdal_commune, NULL, "finance2"),
	R(fin_commune_stmt, "finance1", "query another commune", do_fin_stmt,
	  &tg.agdal_commune, NULL, "finance2"),
	R(fin_scope_commune, "finance1", "be given another commune", do_fin_scope,
	  &tg.agdal_commune, NULL, "finance2"),
	R(treasury_preview, "finance1", "see what another commune is due", do_tr_preview,
	  &tg.ken_commune, NULL, "treasury1"),
	R(treasury_preview_rows, "finance1", "see what another commune is due", do_tr_preview,
	  &tg.ken_commune, "rows", "treasury1"),
	R(treasury_preview_rows, "agent1", "see what a commune is due", do_tr_preview,
	  &tg.ken_commune, "rows", "treasury1"),
	R(treasury_batches, "finance1", "see another commune's batches", do_tr_batches,
	  &tg.agdal_commune, NULL, "finance2"),
	R(treasury_batch_items, "finance1", "read another commune's batch", do_tr_items,
	  &tg.agdal_batch, NULL, "finance2"),
	R(request_get, "finance1", "read a request of another commune", do_get, &tg.paid, NULL,
	  "finance2"),
	R(request_history, "finance1", "read its history", do_history, &tg.paid, NULL,
	  "finance2"),
	R(finance_payments, "finance2", "read a commune's payments", do_fin_payments,
	  &tg.hassan_commune, NULL, "finance1"),
	/* the export's rows, one per document (a commune's payments all the same) */
	R(finance_payment_lines, "finance1", "read a commune's payments by document",
	  do_fin_payment_lines, &tg.agdal_commune, NULL, "finance2"),
	R(finance_payment_lines, "finance2", "read a commune's payments by document",
	  do_fin_payment_lines, &tg.hassan_commune, NULL, "finance1"),
	R(finance_payment_lines, "agent1", "read a commune's payments by document",
	  do_fin_payment_lines, &tg.agdal_commune, NULL, "finance2"),
	R(finance_payment_lines, "support1", "read a commune's payments by document",
	  do_fin_payment_lines, &tg.agdal_commune, NULL, "finance2"),
	R(finance_payments, "agent1", "read a commune's payments", do_fin_payments,
	  &tg.agdal_commune, NULL, "finance2"),
	R(finance_payments, "inspector1", "read a commune's payments", do_fin_payments,
	  &tg.agdal_commune, NULL, "finance2"),
	R(finance_payments, "support1", "read a commune's payments", do_fin_payments,
	  &tg.agdal_commune, NULL, "finance2"),
	R(fin_scope_commune, "agent1", "be given a commune", do_fin_scope, &tg.agdal_commune,
	  NULL, "treasury1"),
	/* the treasury's writes: nobody else */
	NON_TREASURY(treasury_build, "build the distribution batches", do_tr_build, &zero),
	NON_TREASURY(treasury_mark_transferred, "mark a batch transferred", do_tr_transfer,
		     &tg.agdal_batch),

	/* national roles beyond their role */
	R(request_claim, "support1", "claim", do_claim, &tg.paid, NULL, "agent3"),
	R(document_code, "support1", "issue a document", do_document, &tg.inprod, "issue",
	  "agent3"),
	R(request_transition, "support1", "reject", do_stage, &tg.paid, "rejected",
	  "supervisor2"),
	R(request_transition, "support1", "declare a stage", do_stage, &tg.claimed,
	  "in_production", "agent3"),
	{"request_assign", "support1", "assign", do_assign, &tg.paid, "agent3", "supervisor2",
	 NULL, WQ_OK},
	R(request_reassign, "support1", "reassign", do_reassign, &tg.paid, "RBT-HAS-1",
	  "supervisor2"),
	R(request_hand_to_post, "support1", "hand to the post", do_hand, &tg.ready, NULL,
	  "supervisor2"),
	R(mail_hand, "support1", "record a pickup", do_mail_hand, &tg.ready, NULL, "post1"),
	R(mail_close, "support1", "record a delivery", do_mail_close, &tg.ken_withpost,
	  "delivered", "post2"),
	R(complaint_desk_take, "support1", "take a complaint", do_cd_take, &tg.ken_c_open, NULL,
	  "inspector2"),
	R(complaint_desk_answer, "support1", "answer a complaint", do_cd_answer,
	  &tg.ken_c_taken, NULL, "inspector2"),
	R(request_claim, "treasury1", "claim", do_claim, &tg.paid, NULL, "agent3"),
	R(document_code, "treasury1", "issue a document", do_document, &tg.inprod, "issue",
	  "agent3"),
	R(request_transition, "treasury1", "reject", do_stage, &tg.paid, "rejected",
	  "supervisor2"),
	R(mail_close, "treasury1", "record a delivery", do_mail_close, &tg.ken_withpost,
	  "delivered", "post2"),
	R(complaint_desk_take, "treasury1", "take a complaint", do_cd_take, &tg.ken_c_open,
	  NULL, "inspector2"),
	R(complaint_desk_open, "treasury1", "open a complaint", do_cd_open, &tg.paid, NULL,
	  "support1"),
	R(search_note_add, "treasury1", "add a staff note", do_note_add, &tg.paid, NULL,
	  "support1"),
	R(search_resend, "treasury1", "send a notification again", do_resend, &tg.ken_notice,
	  NULL, "support1"),
	R(request_claim, "admin1", "claim", do_claim, &tg.paid, NULL, "agent3"),
	R(document_code, "admin1", "issue a document", do_document, &tg.inprod, "issue",
	  "agent3"),
	R(request_transition, "admin1", "reject", do_stage, &tg.paid, "rejected",
	  "supervisor2"),
	R(mail_hand, "admin1", "record a pickup", do_mail_hand, &tg.ready, NULL, "post1"),
	R(mail_close, "admin1", "record a delivery", do_mail_close, &tg.ken_withpost,
	  "delivered", "post2"),
	R(complaint_desk_answer, "admin1", "answer a complaint", do_cd_answer, &tg.ken_c_taken,
	  NULL, "inspector2"),
	R(search_resend, "admin1", "send a notification again", do_resend, &tg.ken_notice,
	  NULL, "support1"),

	/* the web side's actor on the staff functions (it has tracking + code only) */
	R(request_get, "citizen", "read a request by id", do_get, &tg.paid, NULL, "agent3"),
	R(request_list, "citizen", "list requests", do_list, &tg.paid, NULL, "agent3"),
	R(search_requests, "citizen", "search requests", do_search, &tg.paid, NULL, "support1"),
	R(mail_get, "citizen", "read an envelope", do_mail_get, &tg.ready, NULL, "agent3"),
	R(request_claim, "citizen", "claim", do_claim, &tg.paid, NULL, "agent3"),
	R(document_code, "citizen", "issue a document", do_document, &tg.inprod, "issue",
	  "agent3"),
	R(complaint_desk_open, "citizen", "open a staff complaint", do_cd_open, &tg.paid, NULL,
	  "support1"),
	R(complaint_desk_get, "citizen", "read a complaint", do_cd_get, &tg.ken_c_open, NULL,
	  "inspector2"),
	R(search_payments, "citizen", "read payments", do_payments, &tg.paid, NULL, "support1"),

	/* accounts and the office network: the admin's only */
	NON_ADMIN(user_add, "add an admin account", do_user_add, NULL, "intruder"),
	NON_ADMIN(user_set_disabled, "disable an account", do_user_disable, NULL, "agent3"),
	NON_ADMIN(user_set_password, "reset another's password", do_user_passwd, NULL,
		  "agent3"),
	NON_ADMIN(user_set_role, "make an account admin", do_user_role, NULL, "agent3"),
	NON_ADMIN(user_role_add, "give an account a further role", do_user_role_add, NULL,
		  "agent3"),
	NON_ADMIN(user_role_remove, "take a further role back", do_user_role_remove, NULL,
		  "supken"),
	R(user_role_add, "officer1", "make itself an office's officer elsewhere",
	  do_user_role_add, NULL, "officer1", "admin1"),
	NON_ADMIN(user_set_lang, "set another's screen language", do_user_lang, NULL, "agent3"),
	NON_ADMIN(user_set_bidi, "set another's bidi choice", do_user_bidi, NULL, "agent3"),
	NON_ADMIN(user_key_add, "add an SSH key to an account", do_key_add, NULL, "agent3"),
	NON_ADMIN(totp_admin_init, "give an account a second factor (and read its secret)",
		  do_totp_init, NULL, "agent3"),
	NON_ADMIN(totp_reset, "remove an account's second factor", do_totp_reset, NULL, "agent3"),
	NON_ADMIN(user_key_remove, "remove an account's SSH key", do_key_remove,
		  &tg.agent3_key, "agent3"),
	/* notices to offices: who may write to whom, who reads a thread */
	R(notice_send, "supervisor1", "write to another office", do_notice_send, NULL,
	  "office:RBT-AGD-1", "supervisor2"),
	R(notice_send, "supervisor1", "write to another office's agent", do_notice_send, NULL,
	  "account:agent3", "supervisor2"),
	R(notice_send, "supervisor1", "write to its province", do_notice_send, NULL,
	  "province:RABAT", "inspector1"),
	R(notice_send, "inspector2", "write to an office of another province", do_notice_send,
	  NULL, "office:RBT-AGD-1", "inspector1"),
	R(notice_send, "inspector1", "write to an account of another province", do_notice_send,
	  NULL, "account:agentken", "inspector2"),
	R(notice_send, "inspector1", "write to another province", do_notice_send, NULL,
	  "province:KENITRA", "inspector0"),
	R(notice_send, "inspector1", "write to a national account", do_notice_send, NULL,
	  "account:support1", "admin1"),
	R(notice_send, "agent1", "write to its own office", do_notice_send, NULL,
	  "office:RBT-HAS-1", "supervisor1"),
	R(notice_send, "agent3", "write to its supervisor", do_notice_send, NULL,
	  "account:supervisor2", "inspector1"),
	R(notice_send, "officer1", "write to its office", do_notice_send, NULL,
	  "office:RBT-HAS-1", "supervisor1"),
	R(notice_send, "support1", "write to an office", do_notice_send, NULL,
	  "office:RBT-HAS-1", "inspector0"),
	R(notice_send, "treasury1", "write to an office", do_notice_send, NULL,
	  "office:RBT-HAS-1", "admin1"),
	R(notice_send, "post1", "write to an office", do_notice_send, NULL, "office:RBT-HAS-1",
	  "inspector1"),
	R(notice_send, "citizen", "write to an office", do_notice_send, NULL, "office:RBT-HAS-1",
	  "inspector1"),
	R(notice_send_in_tx, "inspector1", "write to an account of another province",
	  do_notice_send_tx, NULL, "inspector2", "inspector0"),
	R(notice_send_in_tx, "supervisor1", "write to another office's agent",
	  do_notice_send_tx, NULL, "agent3", "supervisor2"),
	R(notice_send_in_tx, "agent1", "write to its supervisor", do_notice_send_tx, NULL,
	  "supervisor1", "inspector1"),
	R(notice_reply, "agent1", "reply in another office's thread", do_notice_reply,
	  &tg.agd_notice, NULL, "agent3"),
	R(notice_reply, "supervisor1", "reply in another office's thread", do_notice_reply,
	  &tg.agd_notice, NULL, "supervisor2"),
	R(notice_reply, "inspector2", "reply in another inspector's thread", do_notice_reply,
	  &tg.agd_notice, NULL, "inspector1"),
	R(notice_reply, "admin1", "reply in a thread not sent to it", do_notice_reply,
	  &tg.agd_notice, NULL, "agent3"),
	R(notice_threads, "agent1", "see another office's thread", do_notice_threads,
	  &tg.agd_notice, NULL, "agent3"),
	R(notice_threads, "inspector0", "see a thread it was not sent", do_notice_threads,
	  &tg.agd_notice, NULL, "inspector1"),
	R(notice_thread_get, "agent1", "read another office's notice", do_notice_get,
	  &tg.agd_notice, NULL, "agent3"),
	R(notice_thread_get, "admin1", "read a notice it was not sent", do_notice_get,
	  &tg.agd_notice, NULL, "supervisor2"),
	R(notice_mark_read, "agent1", "mark another office's notice read", do_notice_read,
	  &tg.agd_notice, NULL, "agent3"),
	R(notice_receipts, "agent3", "read the receipts of a notice it was sent",
	  do_notice_receipts, &tg.agd_notice, NULL, "inspector1"),
	R(notice_receipts, "inspector2", "read another inspector's receipts",
	  do_notice_receipts, &tg.agd_notice, NULL, "inspector1"),
	R(notice_unread, "agent1", "count another office's notices", do_notice_unread, NULL,
	  NULL, "agent3"),
	NON_ADMIN(office_add, "add an office", do_office_add, NULL, NULL),
	NON_ADMIN(office_set, "close an office", do_office_set, NULL, "RBT-AGD-1"),
	NON_ADMIN(commune_add, "add a commune", do_commune_add, NULL, NULL),
	NON_ADMIN(province_add, "add a province", do_province_add, NULL, NULL),
};
#define NROWS (sizeof rows / sizeof rows[0])

/* Functions taking an actor that no screen or API offers as an action on a target. */
static const struct {
	const char *fn, *why;
} not_actions[] = {
	{"audit_log", "writes the acting account's own audit row (the server's payment "
		      "events); reads nothing, changes nothing of another"},
	{"totp_begin", "enrols the acting account's own second factor, no other's"},
	{"totp_confirm", "confirms the acting account's own second factor, no other's"},
	{"db_actor_current", "the check every write makes first (test_a_stale_actor_writes_"
			     "nothing); reads the acting account, changes nothing"},
	{"db_may_manage_accounts", "the role check of every account change (user_add, "
				   "user_set_role, user_role_add...: their rows); changes nothing"},
	{"db_user_holds_role", "part of db_actor_current (test_a_further_role_is_checked): "
			       "reads the acting account's own roles, changes nothing"},
};

/* A refusal: denied, not found (in scope), a read with nothing of the target, or a
 * malformed scope field. */
static int refused(int rc, const struct wq_errbuf *eb)
{
	static const char *const scope_fields[] = {"scope", "role", "commune", "office",
						   "agent", "request", "complaint"};
	if (rc == WQ_EDENIED || rc == WQ_ENOTFOUND || rc == READ_EMPTY)
		return 1;
	for (size_t i = 0; rc == WQ_EINVAL && i < sizeof scope_fields / sizeof *scope_fields; i++)
		if (!strcmp(eb->field, scope_fields[i]))
			return 1;
	return 0;
}

static const char *rc_name(int rc)
{
	static const char *const names[] = {"OK", "EINVAL", "ENOTFOUND", "EDENIED", "ECONFLICT",
					    "EBUSY", "EGATEWAY", "EIO"};
	return rc == READ_EMPTY ? "nothing of it" : rc >= 0 && rc < 8 ? names[rc] : "?";
}

static void test_every_row_is_refused(void **state)
{
	(void)state;
	int failures = 0, per_role[ROLE_COUNT] = {0};
	const uint64_t base = fingerprint();
	for (size_t i = 0; i < NROWS; i++) {
		const struct row *r = &rows[i];
		struct actor a = who(r->actor);
		struct wq_errbuf eb = {0};
		int64_t t = r->target ? *r->target : 0;
		per_role[a.role]++;
		int rc = r->run(&a, t, r->arg, &eb);
		int changed = fingerprint() != base;
		if (!refused(rc, &eb) || changed) {
			print_message("NOT ISOLATED: %s: %s may %s (%s%s%s%s)\n", r->fn, r->actor,
				      r->what, rc_name(rc), eb.msg[0] ? ": " : "", eb.msg,
				      changed ? "; data changed" : "");
			failures++;
		}
		if (changed) {
			db_copy(db_handle(db), baseline);
			fixture_clear_prints();
		}
		if (!r->control)
			continue;
		/* the same thing, in scope, on the same state: must work */
		struct actor c = who(r->control);
		struct wq_errbuf ceb = {0};
		int crc = r->run(&c, t, r->ctl_arg ? r->ctl_arg : r->arg, &ceb);
		if (crc != r->ctl_rc) {
			print_message("CONTROL FAILED: %s: %s could not %s (%s%s%s): the row proves "
				      "nothing\n", r->fn, r->control, r->what, rc_name(crc),
				      ceb.msg[0] ? ": " : "", ceb.msg);
			failures++;
		}
		db_copy(db_handle(db), baseline);
		fixture_clear_prints();
		assert_true(fingerprint() == base);
	}
	print_message("isolation: %zu rows:", NROWS);
	for (int k = 1; k < ROLE_COUNT; k++)
		if (per_role[k])
			print_message(" %s %d", role_name(k), per_role[k]);
	print_message("\n");
	if (failures)
		fail_msg("%d problems in %zu rows", failures, NROWS);
}

/* An account disabled, given another role or moved to another scope while its session
 * is open keeps its old actor in that session (issue 12 item 2).  Every row whose control
 * writes is run again by that control made stale each of these ways: it must be refused
 * (WQ_EDENIED) and change nothing.  The check is the data layer's (DB_TX_AS), so a new
 * write in the table is covered without a row of its own. */
static void sql_exec(const char *sql, const char *name)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void test_a_stale_actor_writes_nothing(void **state)
{
	static const char *const stale[][2] = {
		{"disabled", "UPDATE users SET disabled = 1 WHERE username = ?"},
		{"demoted", "UPDATE users SET role = CASE role WHEN 'post' THEN 'support'"
			    " ELSE 'post' END WHERE username = ?"},
		{"moved", "UPDATE users SET scope_id = scope_id + 100000 WHERE username = ?"},
	};
	(void)state;
	int failures = 0, writes = 0;
	const uint64_t base = fingerprint();
	for (size_t i = 0; i < NROWS; i++) {
		const struct row *r = &rows[i];
		if (!r->control || r->ctl_rc != WQ_OK)
			continue;
		struct actor c = who(r->control);
		if (c.user_id == 0)
			continue;
		int64_t t = r->target ? *r->target : 0;
		const char *arg = r->ctl_arg ? r->ctl_arg : r->arg;
		struct wq_errbuf eb = {0};
		int rc = r->run(&c, t, arg, &eb);
		int wrote = rc == WQ_OK && fingerprint() != base;
		db_copy(db_handle(db), baseline);
		fixture_clear_prints();
		if (!wrote)
			continue; /* a read: the session's end (within 5 s) covers it */
		writes++;
		for (size_t k = 0; k < sizeof stale / sizeof *stale; k++) {
			if (k == 2 && c.scope_id == 0)
				continue; /* national: no scope to move */
			sql_exec(stale[k][1], r->control);
			uint64_t before = fingerprint();
			memset(&eb, 0, sizeof eb);
			rc = r->run(&c, t, arg, &eb);
			if (rc != WQ_EDENIED || fingerprint() != before) {
				print_message("STALE ACTOR WROTE: %s: %s %s may still %s (%s%s%s)\n",
					      r->fn, stale[k][0], r->control, r->what, rc_name(rc),
					      eb.msg[0] ? ": " : "", eb.msg);
				failures++;
			}
			db_copy(db_handle(db), baseline);
			fixture_clear_prints();
		}
	}
	print_message("stale actors: %d writing rows, each tried disabled, demoted, moved\n",
		      writes);
	assert_true(writes >= 20);
	if (failures)
		fail_msg("%d writes by stale actors went through", failures);
}

/* A session acts as one of its account's roles at a time (user.h): supken, KEN-KEN-1's
 * supervisor, is its officer too and signs as such; an actor made up with a role the
 * account does not hold, or no longer holds, writes nothing. */
static void test_a_further_role_is_checked(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct actor sup, forged = who("agent3");
	int64_t id = request_at("KEN-KEN-1", "agentken", RS_AWAITING_SIGNATURE);
	struct actor sys = who("system");
	assert_int_equal(user_actor_as(db, "agent3", ROLE_OFFICER, &sup, &eb), WQ_ENOTFOUND);
	forged.role = ROLE_OFFICER; /* agent3 never held it */
	assert_int_equal(request_transition(db, &forged, id, 0, RS_SIGNED, "", &eb),
			 WQ_EDENIED);
	assert_int_equal(user_actor_as(db, "supken", ROLE_OFFICER, &sup, &eb), WQ_OK);
	assert_int_equal(sup.role, ROLE_OFFICER);
	/* acting as supervisor, he may not sign */
	struct actor as_sup = who("supken");
	assert_int_equal(request_transition(db, &as_sup, id, 0, RS_SIGNED, "", &eb), WQ_EDENIED);
	uint64_t base = fingerprint();
	assert_int_equal(user_role_remove(db, &sys, "supken", ROLE_OFFICER, &eb), WQ_OK);
	assert_int_equal(request_transition(db, &sup, id, 0, RS_SIGNED, "", &eb), WQ_EDENIED);
	assert_int_equal(user_role_add(db, &sys, "supken", ROLE_OFFICER, "KEN-KEN-1", &eb), WQ_OK);
	assert_int_equal(request_transition(db, &sup, id, 0, RS_SIGNED, "", &eb), WQ_OK);
	assert_int_not_equal(fingerprint(), base);
	db_copy(db_handle(db), baseline);
}

/* What a province raises reaches the national inspector (inspector0), who answers it;
 * the province then reads the answer on its own complaint. */
static void test_national_inspector_gets_what_is_raised(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct actor prov = who("inspector2"), nat = who("inspector0");
	struct cd_complaint *c = NULL, got;
	int n = 0, seen_it = 0;
	assert_int_equal(nat.scope, SCOPE_NATIONAL);
	assert_int_equal(complaint_desk_escalate(db, &prov, tg.ken_c_open, 0,
						 "the office does not answer", &eb), WQ_OK);
	assert_int_equal(complaint_desk_list(db, &nat, 0, 0, &c, &n, &eb), WQ_OK);
	for (int i = 0; i < n; i++) {
		seen_it |= c[i].id == tg.ken_c_open;
		assert_true(c[i].escalated_at != 0);
	}
	free(c);
	assert_true(seen_it);
	assert_int_equal(complaint_desk_take(db, &nat, tg.ken_c_open, 0, &eb), WQ_OK);
	assert_int_equal(complaint_desk_answer(db, &nat, tg.ken_c_open, 0, "the national answer",
					       &eb), WQ_OK);
	assert_int_equal(complaint_desk_get(db, &prov, tg.ken_c_open, &got, &eb), WQ_OK);
	assert_int_equal(got.state, CD_ANSWERED);
	assert_string_equal(got.answer, "the national answer");
	assert_string_equal(got.inspector, "inspector0");
	db_copy(db_handle(db), baseline);

	/* left unanswered past the province's deadline, a complaint goes up by itself */
	struct escalate_rules r;
	int raised = 0;
	escalate_rules_from_config(&r, &cfg);
	r.complaint_days = 3;
	assert_int_equal(complaint_desk_raise_overdue(db, &r, T0 + 86400, &raised, &eb), WQ_OK);
	assert_int_equal(raised, 0); /* within its days */
	assert_int_equal(complaint_desk_raise_overdue(db, &r, T0 + 30 * 86400, &raised, &eb),
			 WQ_OK);
	assert_true(raised >= 2); /* KENITRA's open and taken ones */
	assert_int_equal(complaint_desk_get(db, &nat, tg.ken_c_taken, &got, &eb), WQ_OK);
	assert_int_equal(got.state, CD_ESCALATED);
	/* no one's, no note: the screens say "raised by itself" in the reader's language */
	assert_string_equal(got.escalation_note, "");
	assert_string_equal(got.escalated_by, "");
	assert_int_equal(complaint_desk_get(db, &nat, tg.ken_c_answered, &got, &eb), WQ_OK);
	assert_int_equal(got.state, CD_ANSWERED); /* answered in time: stays */
	assert_int_equal(complaint_desk_take(db, &nat, tg.ken_c_taken, 0, &eb), WQ_OK);
	db_copy(db_handle(db), baseline);
}

static int raised_has(const struct actor *a, int all, enum raised_kind kind, int64_t id,
		      struct raised *out)
{
	struct raised *x = NULL;
	struct wq_errbuf eb = {0};
	int n = 0, found = 0;
	assert_int_equal(national_list(db, a, all, &x, &n, &eb), WQ_OK);
	for (int i = 0; i < n && !found; i++)
		if (x[i].kind == kind && x[i].id == id) {
			found = 1;
			if (out)
				*out = x[i];
		}
	free(x);
	return found;
}

/* A request a province raises reaches the national inspector, who answers it; the
 * province reads the answer on its list of what it raised (complaints too); a request
 * left past its deadline at province level is raised by the sweep, once. */
static void test_national_inspection_of_requests(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct actor prov = who("inspector2"), nat = who("inspector0"), rabat = who("inspector1");
	struct raised got;
	assert_true(raised_has(&nat, 0, RAISED_REQUEST, tg.ken_raise, &got));
	assert_string_equal(got.raised_by, "inspector2");
	assert_string_equal(got.province_code, "KENITRA");
	assert_false(got.answered);
	assert_false(raised_has(&rabat, 1, RAISED_REQUEST, tg.ken_raise, NULL));
	/* raised once: a second raise waits on the first's answer */
	assert_int_equal(national_raise_request(db, &prov, tg.ken_ready, "again", &eb),
			 WQ_ECONFLICT);
	assert_int_equal(national_raise_request(db, &prov, tg.ken_other, "", &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "note");
	assert_int_equal(national_answer_request(db, &nat, tg.ken_raise, got.version + 1, "x y z",
						 &eb), WQ_ECONFLICT);
	int unread = 0, unread_after = 0;
	int64_t events = sql_int("SELECT count(*) FROM request_events WHERE request_id = ?",
				 tg.ken_ready);
	assert_int_equal(notice_unread(db, &prov, &unread, &eb), WQ_OK);
	assert_int_equal(national_answer_request(db, &nat, tg.ken_raise, got.version,
						 "send it by Friday", &eb), WQ_OK);
	/* with it, in its transaction: a line of the request's history, the state kept, and
	 * a notice to inspector2 who raised it (his title line's mark) */
	assert_int_equal(sql_int("SELECT count(*) FROM request_events WHERE request_id = ?",
				 tg.ken_ready), events + 1);
	assert_int_equal(sql_int("SELECT e.from_state = r.state AND e.to_state = r.state"
				 " AND e.note = char(31) || 'national' || char(31) ||"
				 " 'send it by Friday' AND e.actor_label = 'inspector0'"
				 " FROM request_events e JOIN requests r ON r.id = e.request_id"
				 " WHERE e.request_id = ?1 ORDER BY e.id DESC LIMIT 1", tg.ken_ready), 1);
	char note[200];
	history_note("\x1fnational\x1fsend it by Friday", note, sizeof note);
	assert_string_equal(note, "answer of the national inspection: send it by Friday");
	assert_int_equal(notice_unread(db, &prov, &unread_after, &eb), WQ_OK);
	assert_int_equal(unread_after, unread + 1);
	assert_int_equal(sql_int("SELECT count(*) FROM notices n JOIN notice_recipients x"
				 " ON x.notice_id = n.id JOIN users u ON u.id = x.user_id"
				 " WHERE n.author_label = 'inspector0' AND u.username = 'inspector2'"
				 " AND n.body = (SELECT tracking FROM requests WHERE id = ?1)"
				 " || ': send it by Friday'", tg.ken_ready), 1);
	assert_int_equal(national_answer_request(db, &nat, tg.ken_raise, 0, "again", &eb),
			 WQ_ECONFLICT);
	assert_false(raised_has(&prov, 0, RAISED_REQUEST, tg.ken_raise, NULL)); /* answered */
	assert_true(raised_has(&prov, 1, RAISED_REQUEST, tg.ken_raise, &got));
	assert_true(got.answered);
	assert_string_equal(got.answer, "send it by Friday");
	assert_string_equal(got.answered_by, "inspector0");
	/* the province's complaints raised above it are on the same list, with the answer */
	assert_int_equal(complaint_desk_escalate(db, &prov, tg.ken_c_open, 0, "no answer", &eb),
			 WQ_OK);
	assert_true(raised_has(&prov, 0, RAISED_COMPLAINT, tg.ken_c_open, &got));
	assert_string_equal(got.raised_by, "inspector2");
	assert_int_equal(complaint_desk_answer(db, &nat, tg.ken_c_open, 0, "we called them", &eb),
			 WQ_OK);
	assert_true(raised_has(&prov, 1, RAISED_COMPLAINT, tg.ken_c_open, &got));
	assert_true(got.answered);
	assert_string_equal(got.answer, "we called them");
	db_copy(db_handle(db), baseline);

	/* the sweep: KENITRA's open requests, weeks later, raised by themselves, once */
	struct escalate_rules r;
	int raised = 0, again = 0;
	escalate_rules_from_config(&r, &cfg);
	r.national_days = 3;
	assert_int_equal(national_raise_overdue(db, &r, T0 + 3600, &raised, &eb), WQ_OK);
	assert_int_equal(raised, 0); /* on time */
	assert_int_equal(national_raise_overdue(db, &r, T0 + 40 * 86400, &raised, &eb), WQ_OK);
	assert_true(raised >= 3);
	assert_int_equal(national_raise_overdue(db, &r, T0 + 41 * 86400, &again, &eb), WQ_OK);
	assert_int_equal(again, 0);
	int64_t itself = sql_int("SELECT id FROM request_raises WHERE request_id = ?",
				 tg.ken_withpost);
	assert_true(itself > 0);
	assert_true(raised_has(&nat, 0, RAISED_REQUEST, itself, &got));
	assert_string_equal(got.raised_by, "");
	assert_string_equal(got.note, ""); /* the screens say why, in the reader's language */
	assert_true(raised_has(&prov, 0, RAISED_REQUEST, itself, NULL));
	assert_false(raised_has(&rabat, 0, RAISED_REQUEST, itself, NULL));
	assert_int_equal(sql_int("SELECT count(*) FROM request_raises WHERE request_id = ?",
				 tg.ken_ready), 1); /* the province's raise waits: not a second */
	r.national_days = 0;
	assert_int_equal(national_raise_overdue(db, &r, T0 + 90 * 86400, &raised, &eb), WQ_OK);
	assert_int_equal(raised, 0);
	db_copy(db_handle(db), baseline);
}

/* Every function of a header in src/ that takes a `const struct actor *` has a row (or says why
 * it is not an action); every row names such a function. */
static void test_table_covers_every_actor_function(void **state)
{
	(void)state;
	regex_t re;
	regmatch_t m[2];
	char names[256][64];
	int n = 0, missing = 0;
	assert_int_equal(regcomp(&re, "([a-z_][a-z0-9_]*)[[:space:]]*\\([^;{)]*const struct "
				      "actor[[:space:]]*\\*[^;{)]*\\)[[:space:]]*;",
				 REG_EXTENDED), 0);
	DIR *d = opendir("src");
	if (!d)
		fail_msg("run from the repository root: no src/");
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".h"))
			continue;
		char path[300];
		snprintf(path, sizeof path, "src/%s", e->d_name);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		static char text[1 << 18];
		size_t got = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		text[got] = 0;
		/* comments out: a prototype named in a comment is not one */
		for (char *c = strstr(text, "/*"); c; c = strstr(c, "/*")) {
			char *end = strstr(c + 2, "*/");
			end = end ? end + 2 : text + got;
			memset(c, ' ', (size_t)(end - c));
			c = end;
		}
		for (const char *p = text; !regexec(&re, p, 2, m, 0); p += m[0].rm_eo) {
			int l = (int)(m[1].rm_eo - m[1].rm_so);
			assert_true(n < 256 && l < 64);
			snprintf(names[n++], 64, "%.*s", l, p + m[1].rm_so);
		}
	}
	closedir(d);
	regfree(&re);
	assert_true(n > 40); /* the parse found the headers' functions */
	for (int i = 0; i < n; i++) {
		int found = 0;
		for (size_t k = 0; k < NROWS && !found; k++)
			found = !strcmp(rows[k].fn, names[i]);
		for (size_t k = 0; k < sizeof not_actions / sizeof *not_actions && !found; k++)
			found = !strcmp(not_actions[k].fn, names[i]);
		if (!found) {
			print_message("NO ROW: %s takes an actor; add it to rows[] in %s\n", names[i],
				      __FILE__);
			missing++;
		}
	}
	for (size_t k = 0; k < NROWS; k++) {
		int found = 0;
		for (int i = 0; i < n && !found; i++)
			found = !strcmp(rows[k].fn, names[i]);
		if (!found) {
			print_message("STALE ROW: %s is in no header any more\n", rows[k].fn);
			missing++;
		}
	}
	if (missing)
		fail_msg("%d functions taking an actor are not in the isolation table", missing);
}

int main(void)
{
	/* printouts go to the group's own WATIQA_PRINT_DIR, counted in the fingerprint */
	static const struct fixture fx = {"isolation", 0, .prints = 1, .ready = ready, .done = done};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_covers_every_actor_function),
		cmocka_unit_test(test_every_row_is_refused),
		cmocka_unit_test(test_a_stale_actor_writes_nothing),
		cmocka_unit_test(test_a_further_role_is_checked),
		cmocka_unit_test(test_national_inspector_gets_what_is_raised),
		cmocka_unit_test(test_national_inspection_of_requests),
	};
	return fixture_run_group(&fx, tests);
}
