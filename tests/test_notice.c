/* test_notice.c - messages to offices (src/db_notice.c) on a demo database: a notice
 * to an office reaches the accounts of that office as they are when it is sent and
 * nobody else (an account moved keeps what it was sent, and is sent its new office's);
 * reading it is the sender's receipt; replies go from a recipient to the
 * author and from the author to every recipient; who may write to whom (supervisor,
 * province and national inspectors, admin, the roles that may only reply); a notice
 * too long or empty names its field and writes nothing; each write is audited.
 * Checked against plain SQL where the database is concerned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notice.h"

#include "fixture.h"
#include "testlib.h"

static int ready(void)
{
	struct wq_errbuf eb = {0};
	/* an account in the province of KENITRA, which the demo staffs only with requests */
	struct actor sys = testlib_who(db, "system");
	if (user_add(db, &sys, "agentken", "Agent Kenitra", ROLE_AGENT, "KEN-KEN-1",
		     "watiqa-demo", NULL, &eb))
		fail_msg("agentken: %s", eb.msg);
	return 0;
}

static int64_t sql_int(const char *sql, const char *arg)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

static int unread(const char *name)
{
	struct actor a = testlib_who(db, name);
	struct wq_errbuf eb = {0};
	int n = -1;
	assert_int_equal(notice_unread(db, &a, &n, &eb), WQ_OK);
	return n;
}

static int64_t send_as(const char *name, enum notice_to to, const char *code,
		       const char *body, int want)
{
	struct actor a = testlib_who(db, name);
	struct wq_errbuf eb = {0};
	int64_t id = -1;
	int rc = notice_send(db, &a, to, code, body, &id, &eb);
	if (rc != want)
		fail_msg("%s -> %s %s: got %d (%s), wanted %d", name, notice_to_name(to), code, rc,
			 eb.msg, want);
	return id;
}

/* The accounts an office has now, in plain SQL: main role or a further one there. */
static int64_t office_accounts(const char *code)
{
	return sql_int("SELECT count(*) FROM users u, offices o WHERE o.code = ?1"
		       " AND u.disabled = 0 AND ((u.scope_kind = 'office' AND u.scope_id = o.id)"
		       " OR u.id IN (SELECT user_id FROM user_roles WHERE scope_kind = 'office'"
		       " AND scope_id = o.id))",
		       code);
}

static void test_office_notice_read_and_replied(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct actor insp = testlib_who(db, "inspector1"), agent1 = testlib_who(db, "agent1"),
		     agent2 = testlib_who(db, "agent2"), agent3 = testlib_who(db, "agent3");
	int64_t th = send_as("inspector1", NOTICE_TO_OFFICE, "RBT-HAS-1",
			     "Inventaire des registres vendredi à 10 h", WQ_OK);
	assert_true(th > 0);
	int64_t sent_to = office_accounts("RBT-HAS-1");
	assert_true(sent_to >= 4); /* agent1, agent2, supervisor1, officer1 */
	assert_int_equal(sql_int("SELECT count(*) FROM notice_recipients WHERE notice_id = "
				 "(SELECT max(id) FROM notices)", NULL),
			 sent_to);
	assert_int_equal(unread("agent1"), 1);
	assert_int_equal(unread("supervisor1"), 1);
	assert_int_equal(unread("agent3"), 0);	   /* RBT-AGD-1 */
	assert_int_equal(unread("inspector1"), 0); /* its own */

	/* agent3 has no such thread; agent1 has it, unread */
	struct notice_thread *ts = NULL;
	struct notice *ns = NULL;
	int n = 0;
	assert_int_equal(notice_threads(db, &agent3, &ts, &n, &eb), WQ_OK);
	assert_int_equal(n, 0);
	free(ts);
	assert_int_equal(notice_thread_get(db, &agent3, th, &ns, &n, &eb), WQ_ENOTFOUND);
	assert_int_equal(notice_threads(db, &agent1, &ts, &n, &eb), WQ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ts[0].thread_id, th);
	assert_int_equal(ts[0].unread, 1);
	assert_string_equal(ts[0].author, "inspector1");
	assert_string_equal(ts[0].to_label, "RBT-HAS-1");
	assert_false(ts[0].mine);
	free(ts);

	/* agent1 reads: its receipt, and nobody else's */
	assert_int_equal(notice_mark_read(db, &agent1, th, &n, &eb), WQ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(unread("agent1"), 0);
	assert_int_equal(unread("agent2"), 1);
	assert_int_equal(notice_mark_read(db, &agent1, th, &n, &eb), WQ_OK);
	assert_int_equal(n, 0); /* nothing more to read: no second audit row */
	assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'notice.read'"
				 " AND actor_label = 'agent1'", NULL),
			 1);
	struct notice_receipt *rs = NULL;
	assert_int_equal(notice_receipts(db, &insp, th, &rs, &n, &eb), WQ_OK);
	assert_int_equal(n, sent_to);
	assert_string_equal(rs[0].username, "agent1"); /* readers first */
	assert_true(rs[0].read_at > 0);
	for (int i = 1; i < n; i++)
		assert_int_equal(rs[i].read_at, 0);
	free(rs);
	assert_int_equal(notice_receipts(db, &agent1, th, &rs, &n, &eb), WQ_ENOTFOUND);
	assert_int_equal(notice_thread_get(db, &insp, th, &ns, &n, &eb), WQ_OK);
	assert_int_equal(n, 1);
	assert_true(ns[0].mine);
	assert_int_equal(ns[0].recipients, sent_to);
	assert_int_equal(ns[0].readers, 1);
	free(ns);

	/* agent1 replies: to the inspector alone */
	int64_t r1 = 0;
	assert_int_equal(notice_reply(db, &agent1, th, "Bien reçu, registres prêts", &r1, &eb),
			 WQ_OK);
	assert_int_equal(unread("inspector1"), 1);
	assert_int_equal(unread("agent2"), 1); /* still the first notice only */
	assert_int_equal(notice_thread_get(db, &agent2, th, &ns, &n, &eb), WQ_OK);
	assert_int_equal(n, 1);
	free(ns);
	assert_int_equal(notice_thread_get(db, &insp, th, &ns, &n, &eb), WQ_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ns[1].author, "agent1");
	assert_string_equal(ns[1].to_kind, "reply");
	assert_string_equal(ns[1].to_label, "inspector1");
	assert_int_equal(ns[1].thread_id, th);
	free(ns);
	/* agent3, not in the thread, may not reply in it */
	int64_t bad = 0;
	assert_int_equal(notice_reply(db, &agent3, th, "je m'invite", &bad, &eb), WQ_ENOTFOUND);
	assert_string_equal(eb.field, "notice");

	/* the inspector answers the thread: every recipient of the first notice */
	assert_int_equal(notice_reply(db, &insp, th, "Merci, à vendredi", &r1, &eb), WQ_OK);
	assert_int_equal(unread("agent1"), 1);
	assert_int_equal(unread("agent2"), 2);
	assert_int_equal(unread("inspector1"), 1);
	assert_int_equal(notice_mark_read(db, &agent2, th, &n, &eb), WQ_OK);
	assert_int_equal(n, 2);
	assert_int_equal(notice_threads(db, &insp, &ts, &n, &eb), WQ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ts[0].notices, 3);
	assert_int_equal(ts[0].unread, 1); /* agent1's reply */
	assert_true(ts[0].mine);
	free(ts);

	assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'notice.send'"
				 " AND actor_label = 'inspector1' AND detail LIKE 'to office RBT-HAS-1%'",
				 NULL),
			 1);
	assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'notice.reply'",
				 NULL),
			 2);
}

/* Recipients are the accounts as they were at sending: one added after reads nothing. */
static void test_recipients_fixed_when_sent(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct actor sys = testlib_who(db, "system");
	int64_t th = send_as("supervisor1", NOTICE_TO_OFFICE, "RBT-HAS-1",
			     "Réunion de service lundi", WQ_OK);
	assert_int_equal(user_add(db, &sys, "agentnew", "Nouvel agent", ROLE_AGENT, "RBT-HAS-1",
				  "watiqa-demo", NULL, &eb),
			 WQ_OK);
	struct actor fresh = testlib_who(db, "agentnew");
	struct notice *ns = NULL;
	int n = 0;
	assert_int_equal(unread("agentnew"), 0);
	assert_int_equal(notice_thread_get(db, &fresh, th, &ns, &n, &eb), WQ_ENOTFOUND);
	assert_int_equal(notice_reply(db, &fresh, th, "et moi ?", &(int64_t){0}, &eb),
			 WQ_ENOTFOUND);
	/* a disabled account is sent nothing */
	assert_int_equal(user_set_disabled(db, &sys, "agentnew", 1, &eb), WQ_OK);
	int64_t before = office_accounts("RBT-HAS-1");
	send_as("supervisor1", NOTICE_TO_OFFICE, "RBT-HAS-1", "Deuxième avis", WQ_OK);
	assert_int_equal(sql_int("SELECT count(*) FROM notice_recipients WHERE notice_id = "
				 "(SELECT max(id) FROM notices)", NULL),
			 before - 1); /* the author is not sent its own */

	/* an agent moved to another office keeps what it was sent, and from then on is sent
	 * what its new office is sent, not what its old one is */
	assert_int_equal(user_add(db, &sys, "agentmove", "Agent muté", ROLE_AGENT, "RBT-HAS-1",
				  "watiqa-demo", NULL, &eb),
			 WQ_OK);
	int64_t old = send_as("supervisor1", NOTICE_TO_OFFICE, "RBT-HAS-1", "Avant la mutation",
			      WQ_OK);
	assert_int_equal(user_set_role(db, &sys, "agentmove", ROLE_AGENT, "RBT-AGD-1", &eb), WQ_OK);
	struct actor moved = testlib_who(db, "agentmove");
	assert_int_equal(notice_thread_get(db, &moved, old, &ns, &n, &eb), WQ_OK);
	free(ns);
	send_as("supervisor1", NOTICE_TO_OFFICE, "RBT-HAS-1", "Après la mutation", WQ_OK);
	assert_int_equal(unread("agentmove"), 1);
	send_as("supervisor2", NOTICE_TO_OFFICE, "RBT-AGD-1", "Bienvenue à Agdal", WQ_OK);
	assert_int_equal(unread("agentmove"), 2);
	/* and its old supervisor may no longer write to it */
	send_as("supervisor1", NOTICE_TO_ACCOUNT, "agentmove", "reviens", WQ_ENOTFOUND);
}

static void test_who_may_write_to_whom(void **state)
{
	(void)state;
	/* a supervisor: its office and the accounts in it */
	send_as("supervisor1", NOTICE_TO_ACCOUNT, "agent2", "Passez me voir", WQ_OK);
	send_as("supervisor1", NOTICE_TO_OFFICE, "RBT-AGD-1", "hors bureau", WQ_EDENIED);
	send_as("supervisor1", NOTICE_TO_ACCOUNT, "agent3", "hors bureau", WQ_ENOTFOUND);
	send_as("supervisor1", NOTICE_TO_ACCOUNT, "nosuchuser", "personne", WQ_ENOTFOUND);
	send_as("supervisor1", NOTICE_TO_PROVINCE, "RABAT", "toute la province", WQ_EDENIED);
	/* a province's inspector: its province's offices and accounts */
	send_as("inspector1", NOTICE_TO_OFFICE, "RBT-AGD-1", "contrôle mardi", WQ_OK);
	send_as("inspector1", NOTICE_TO_ACCOUNT, "supervisor2", "rapport attendu", WQ_OK);
	int64_t p = send_as("inspector1", NOTICE_TO_PROVINCE, "RABAT", "circulaire", WQ_OK);
	assert_true(sql_int("SELECT count(*) FROM notice_recipients WHERE notice_id = "
			    "(SELECT max(id) FROM notices)", NULL) >
		    office_accounts("RBT-HAS-1") + office_accounts("RBT-AGD-1") - 1);
	assert_true(p > 0);
	send_as("inspector1", NOTICE_TO_OFFICE, "KEN-KEN-1", "autre province", WQ_EDENIED);
	send_as("inspector1", NOTICE_TO_PROVINCE, "KENITRA", "autre province", WQ_EDENIED);
	send_as("inspector1", NOTICE_TO_ACCOUNT, "inspector2", "autre province", WQ_ENOTFOUND);
	send_as("inspector1", NOTICE_TO_ACCOUNT, "admin1", "national", WQ_ENOTFOUND);
	/* national: anywhere */
	send_as("inspector0", NOTICE_TO_PROVINCE, "KENITRA", "note nationale", WQ_OK);
	assert_int_equal(unread("agentken"), 1);
	assert_int_equal(unread("inspector2"), 1); /* the province's own accounts too */
	assert_int_equal(unread("post2"), 1);
	assert_int_equal(unread("post1"), 1); /* RABAT: inspector1's circular, nothing of KENITRA */
	send_as("inspector0", NOTICE_TO_ACCOUNT, "inspector2", "à vous", WQ_OK);
	assert_int_equal(unread("inspector2"), 2);
	send_as("admin1", NOTICE_TO_OFFICE, "KEN-KEN-1", "maintenance ce soir", WQ_OK);
	assert_int_equal(unread("agentken"), 2);
	send_as("supervisor1", NOTICE_TO_ACCOUNT, "agentken", "hors bureau", WQ_ENOTFOUND);
	send_as("admin1", NOTICE_TO_OFFICE, "NO-SUCH-1", "nulle part", WQ_ENOTFOUND);
	send_as("admin1", NOTICE_TO_ACCOUNT, "admin1", "moi-même", WQ_EINVAL);
	/* the others may only reply */
	send_as("agent1", NOTICE_TO_OFFICE, "RBT-HAS-1", "à tous", WQ_EDENIED);
	send_as("agent1", NOTICE_TO_ACCOUNT, "agent2", "psst", WQ_EDENIED);
	send_as("support1", NOTICE_TO_OFFICE, "RBT-HAS-1", "support", WQ_EDENIED);
	send_as("officer1", NOTICE_TO_OFFICE, "RBT-HAS-1", "signatures", WQ_EDENIED);
	send_as("post1", NOTICE_TO_OFFICE, "RBT-HAS-1", "tournée", WQ_EDENIED);
	send_as("finance1", NOTICE_TO_OFFICE, "RBT-HAS-1", "recettes", WQ_EDENIED);
}

static void test_bad_text_names_its_field(void **state)
{
	(void)state;
	struct actor insp = testlib_who(db, "inspector1");
	struct wq_errbuf eb = {0};
	char long_body[NOTICE_MAX_BYTES + 10];
	int64_t id = 0, before = sql_int("SELECT count(*) FROM notices", NULL);
	int64_t audit = sql_int("SELECT count(*) FROM audit_log", NULL);
	memset(long_body, 'a', sizeof long_body - 1);
	long_body[sizeof long_body - 1] = '\0';
	assert_int_equal(notice_send(db, &insp, NOTICE_TO_OFFICE, "RBT-HAS-1", long_body, &id, &eb),
			 WQ_EINVAL);
	assert_string_equal(eb.field, "notice");
	assert_non_null(strstr(eb.msg, "longer than 499 bytes"));
	/* 499 bytes fit; 500 do not */
	long_body[NOTICE_MAX_BYTES] = '\0';
	assert_int_equal(notice_send(db, &insp, NOTICE_TO_OFFICE, "RBT-HAS-1", long_body, &id, &eb),
			 WQ_EINVAL);
	long_body[NOTICE_MAX_BYTES - 1] = '\0';
	assert_int_equal(notice_reply(db, &insp, 1, "", &id, &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "notice");
	assert_non_null(strstr(eb.msg, "empty"));
	assert_int_equal(notice_send(db, &insp, NOTICE_TO_OFFICE, "RBT-HAS-1", "   ", &id, &eb),
			 WQ_EINVAL);
	assert_int_equal(notice_send(db, &insp, NOTICE_TO_OFFICE, "RBT-HAS-1",
				     "efface\x1b[2J l'écran", &id, &eb),
			 WQ_EINVAL);
	assert_string_equal(eb.field, "notice");
	assert_int_equal(notice_send(db, &insp, NOTICE_TO_OFFICE, "RBT-HAS-1",
				     "\xe2\x80\xae" "inversé", &id, &eb),
			 WQ_EINVAL);
	assert_int_equal(notice_send(db, &insp, NOTICE_TO_OFFICE, "", "à qui ?", &id, &eb),
			 WQ_EINVAL);
	assert_string_equal(eb.field, "to");
	assert_int_equal(sql_int("SELECT count(*) FROM notices", NULL), before);
	assert_int_equal(sql_int("SELECT count(*) FROM audit_log", NULL), audit);
	/* the longest allowed, in Arabic, goes through whole */
	char ar[NOTICE_MAX_BYTES] = "";
	while (strlen(ar) + 2 < NOTICE_MAX_BYTES - 1)
		strcat(ar, "ب");
	assert_int_equal(notice_send(db, &insp, NOTICE_TO_OFFICE, "RBT-HAS-1", ar, &id, &eb),
			 WQ_OK);
	struct notice *ns = NULL;
	int n = 0;
	assert_int_equal(notice_thread_get(db, &insp, id, &ns, &n, &eb), WQ_OK);
	assert_string_equal(ns[0].body, ar);
	free(ns);
}

/* The threads come latest activity first even when it all happened within one second
 * (the clock's unit): a reply to the older thread puts it back on top. */
static void test_latest_activity_first_within_a_second(void **state)
{
	(void)state;
	struct wq_errbuf eb = {0};
	struct actor agent1 = testlib_who(db, "agent1");
	char later[24];
	snprintf(later, sizeof later, "%lld", (long long)wq_now() + 60);
	setenv("WATIQA_FAKE_NOW", later, 1); /* after every other test's threads, and frozen */
	int64_t a = send_as("inspector1", NOTICE_TO_OFFICE, "RBT-HAS-1", "Premier fil", WQ_OK);
	int64_t b = send_as("inspector1", NOTICE_TO_OFFICE, "RBT-HAS-1", "Second fil", WQ_OK);
	int64_t r = 0;
	assert_int_equal(notice_reply(db, &agent1, a, "Réponse au premier", &r, &eb), WQ_OK);
	struct notice_thread *ts = NULL;
	int n = 0;
	assert_int_equal(notice_threads(db, &agent1, &ts, &n, &eb), WQ_OK);
	unsetenv("WATIQA_FAKE_NOW");
	assert_true(n >= 2);
	assert_int_equal(ts[0].thread_id, a);
	assert_int_equal(ts[0].last_at, ts[1].last_at);
	assert_int_equal(ts[1].thread_id, b);
	free(ts);
}

int main(void)
{
	static const struct fixture fx = {"notice", 0, .ready = ready};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_office_notice_read_and_replied),
		cmocka_unit_test(test_recipients_fixed_when_sent),
		cmocka_unit_test(test_who_may_write_to_whom),
		cmocka_unit_test(test_bad_text_names_its_field),
		cmocka_unit_test(test_latest_activity_first_within_a_second),
	};
	return fixture_run_group(&fx, tests);
}
