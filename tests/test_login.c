/* test_login.c - src/db_login.c against a real SQLite file: strangers' guesses are
 * throttled per account and per source; parallel guesses (20 processes, 20 addresses) get
 * no more than the free tries between them; a network the account logged in from before,
 * and a key, are not held back by strangers; a throttled try costs as long as a checked
 * one; a try's two transactions share one fsync, or for an SSH session the count's is
 * made beside the hash and the outcome's after the answer.  Times are set with WATIQA_FAKE_NOW so
 * that no test sleeps through a delay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db_sync.h"
#include "limits.h"
#include "serve.h"
#include "totp.h"
#include "user.h"
#include "util.h"

#include "fixture.h"
#include "testlib.h"

#define DEMO_PASSWORD "watiqa-demo"
#define TEST_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILLP8faDte2FYAI1hbNEyrHb8Tz/K8bZxV8l57B8NFOt unit"

static int64_t t0;

/* The fixture's database is open: the clock the tests count from. */
static int ready(void)
{
	t0 = wq_now();
	return 0;
}

/* The clock the data layer sees: t0 + seconds. */
static void at(int64_t seconds)
{
	char now[32];
	snprintf(now, sizeof now, "%lld", (long long)(t0 + seconds));
	setenv("WATIQA_FAKE_NOW", now, 1);
}

static int try_pw(const char *user, const char *pw, const char *addr, struct wq_errbuf *eb)
{
	struct actor a;
	return user_login_password(db, user, pw, addr, &a, eb);
}

static int count(const char *action, const char *target)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db),
					    "SELECT count(*) FROM audit_log WHERE action = ?1"
					    " AND target = ?2", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Strangers' refusals counted in anon_failures (issue 12 item 7), not audited. */
static int anon(const char *action)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db),
					    "SELECT coalesce(sum(count), 0) FROM anon_failures"
					    " WHERE action = ?", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Strangers (addresses agent2 never logged in from) get LOGIN_FAILS_FREE tries; then the
 * right password from another stranger waits too, until the delay has passed. */
static void test_strangers_are_throttled_per_account(void **state)
{
	struct wq_errbuf eb;
	(void)state;
	at(0);
	for (int i = 0; i < LOGIN_FAILS_FREE; i++)
		assert_int_equal(try_pw("agent2", "guess-guess", "192.0.2.1", &eb), WQ_EDENIED);
	assert_int_equal(try_pw("agent2", DEMO_PASSWORD, "198.51.100.7", &eb), WQ_EDENIED);
	/* tries are stamped in whole seconds and the fifth may have come at 0.999: the delay
	 * runs until second LOGIN_DELAY_BASE_SECONDS has fully passed (wq_wait_left), one
	 * second more than the delay as told; at that second, when as little as 1.001 s may
	 * have gone by, the right password still waits */
	assert_non_null(strstr(eb.msg, "too many failed logins"));
	char told[48];
	snprintf(told, sizeof told, "try again in %d s", LOGIN_DELAY_BASE_SECONDS + 1);
	assert_non_null(strstr(eb.msg, told));
	assert_int_equal(anon("login.throttled"), 1);
	assert_int_equal(count("login.throttled", "agent2"), 0); /* not in the audit log */
	assert_int_equal(count("login.fail", "agent2"), LOGIN_FAILS_FREE);
	at(LOGIN_DELAY_BASE_SECONDS);
	assert_int_equal(try_pw("agent2", DEMO_PASSWORD, "198.51.100.7", &eb), WQ_EDENIED);
	assert_non_null(strstr(eb.msg, "try again in 1 s"));
	at(LOGIN_DELAY_BASE_SECONDS + 1);
	assert_int_equal(try_pw("agent2", DEMO_PASSWORD, "198.51.100.7", NULL), WQ_OK);
	/* that network is agent2's now: a typo from it is checked, not held back */
	assert_int_equal(try_pw("agent2", "typo-typo", "198.51.100.8", &eb), WQ_EDENIED);
	assert_null(strstr(eb.msg, "too many"));
	/* while the guesser is still a stranger: its next try waits again */
	assert_int_equal(try_pw("agent2", "guess-again", "192.0.2.1", &eb), WQ_EDENIED);
	at(LOGIN_DELAY_BASE_SECONDS + 2);
	assert_int_equal(try_pw("agent2", "guess-again", "192.0.2.1", &eb), WQ_EDENIED);
	assert_non_null(strstr(eb.msg, "too many"));
}

/* Item 5: 40 strangers' guesses lock agent3's account for strangers, not for agent3 at
 * a network it logged in from before (another address of its /24), nor with its key. */
static void test_known_network_and_key_are_not_locked_out(void **state)
{
	struct wq_errbuf eb;
	struct actor a, admin = testlib_who(db, "admin1");
	(void)state;
	at(100);
	assert_int_equal(try_pw("agent3", DEMO_PASSWORD, "203.0.113.5", NULL), WQ_OK);
	assert_int_equal(user_key_add(db, &admin, "agent3", TEST_KEY, &eb), WQ_OK);
	for (int i = 0; i < 40; i++) {
		char addr[32];
		snprintf(addr, sizeof addr, "10.%d.0.1", i);
		try_pw("agent3", "guess-guess", addr, NULL);
	}
	assert_int_equal(try_pw("agent3", DEMO_PASSWORD, "10.99.0.1", &eb), WQ_EDENIED);
	assert_non_null(strstr(eb.msg, "too many"));
	assert_int_equal(try_pw("agent3", DEMO_PASSWORD, "203.0.113.77", &eb), WQ_OK);
	char type[32], b64[128];
	assert_int_equal(sscanf(TEST_KEY, "%31s %127s", type, b64), 2);
	assert_int_equal(user_login_key(db, "agent3", type, b64, "10.99.0.2", &a, &eb), WQ_OK);
	assert_string_equal(a.username, "agent3");
}

/* One source guessing many names is throttled per source: after
 * LOGIN_SOURCE_FAILS_FREE failures even a real name from it waits; others do not. */
static void test_one_source_is_throttled_over_all_names(void **state)
{
	struct wq_errbuf eb;
	(void)state;
	at(200);
	for (int i = 0; i < LOGIN_SOURCE_FAILS_FREE; i++) {
		char name[32];
		snprintf(name, sizeof name, "nobody%d", i);
		assert_int_equal(try_pw(name, "guess-guess", "2001:db8:7:7::1", &eb), WQ_EDENIED);
		assert_null(strstr(eb.msg, "too many"));
	}
	/* another address of the same /64 is the same source */
	assert_int_equal(try_pw("post1", DEMO_PASSWORD, "2001:db8:7:7:abcd::9", &eb), WQ_EDENIED);
	assert_non_null(strstr(eb.msg, "too many"));
	assert_int_equal(try_pw("post1", DEMO_PASSWORD, "2001:db8:7:8::1", NULL), WQ_OK);
	/* names that are no account leave the audit log alone */
	assert_int_equal(count("login.fail", "nobody0"), 0);
	assert_true(anon("login.fail") >= LOGIN_SOURCE_FAILS_FREE);
}

/* Item 3: 20 processes, each its own connection and address, guess agent1's password at
 * once; the check and the count are one transaction, so only the free tries are checked. */
static void test_parallel_guesses_get_only_the_free_tries(void **state)
{
	enum { N = 20 };
	(void)state;
	at(300);
	pid_t kids[N];
	int throttled_before = anon("login.throttled");
	int go[2];
	assert_int_equal(pipe(go), 0);
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			struct db *mine;
			struct wq_errbuf eb;
			struct actor a;
			char addr[32], c;
			close(go[1]);
			if (db_open(db_path, &mine, &eb))
				_exit(2);
			snprintf(addr, sizeof addr, "198.18.%d.1", i);
			if (read(go[0], &c, 1) < 0) /* all start together */
				_exit(2);
			int rc = user_login_password(mine, "agent1", "guess-guess", addr, &a, &eb);
			db_close(mine);
			_exit(rc == WQ_EDENIED ? 0 : 1);
		}
	}
	close(go[0]);
	close(go[1]); /* EOF wakes them all */
	for (int i = 0; i < N; i++) {
		int st;
		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(count("login.fail", "agent1"), LOGIN_FAILS_FREE);
	assert_int_equal(anon("login.throttled") - throttled_before, N - LOGIN_FAILS_FREE);
}

/* With a second factor the password alone makes no network known, and wrong codes count
 * in the throttle like wrong passwords: a stolen password buys no run of code guesses. */
static void test_second_factor_counts_and_remembers(void **state)
{
	struct actor sys;
	struct wq_errbuf eb;
	char b32[TOTP_SECRET_B32_BYTES], codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES];
	char code[TOTP_DIGITS + 1];
	int recovery;
	(void)state;
	actor_system(&sys);
	at(500);
	assert_int_equal(totp_admin_init(db, &cfg, &sys, "finance1", b32, sizeof b32, codes, &eb), WQ_OK);
	assert_int_equal(try_pw("finance1", DEMO_PASSWORD, "192.0.2.50", NULL), WQ_OK);
	/* not known yet: strangers' rules still apply to 192.0.2.0/24 */
	for (int i = 0; i < LOGIN_FAILS_FREE; i++)
		assert_int_equal(totp_login(db, &cfg, "finance1", "000000", "192.0.2.50", &recovery, &eb),
				 WQ_EDENIED);
	assert_int_equal(try_pw("finance1", DEMO_PASSWORD, "192.0.2.51", &eb), WQ_EDENIED);
	assert_non_null(strstr(eb.msg, "too many"));
	at(500 + LOGIN_DELAY_BASE_SECONDS + 1);
	assert_int_equal(try_pw("finance1", DEMO_PASSWORD, "192.0.2.50", NULL), WQ_OK);
	totp_code(b32, totp_step(wq_now()), code);
	assert_int_equal(totp_login(db, &cfg, "finance1", code, "192.0.2.50", &recovery, &eb), WQ_OK);
	/* the whole login passed: its network is finance1's now, a typo there is checked */
	assert_int_equal(try_pw("finance1", "typo-typo", "192.0.2.99", &eb), WQ_EDENIED);
	assert_null(strstr(eb.msg, "too many"));
}

/* A throttled answer must cost what a checked one does, or its speed would tell that the
 * account is throttled: both compute one hash (the figures are in bench/ssh_login_timing.sh). */
static void test_throttled_costs_what_a_check_costs(void **state)
{
	struct wq_errbuf eb;
	(void)state;
	at(400);
	user_login_prepare();
	long n = user_login_hash_checks();
	user_login_prepare();
	assert_int_equal(user_login_hash_checks(), n); /* made once per process */
	for (int i = 0; i < LOGIN_FAILS_FREE; i++) {
		n = user_login_hash_checks();
		assert_int_equal(try_pw("support1", "guess-guess", "192.0.2.200", &eb), WQ_EDENIED);
		assert_int_equal(user_login_hash_checks(), n + 1);
	}
	n = user_login_hash_checks();
	assert_int_equal(try_pw("support1", "guess-guess", "192.0.2.200", &eb), WQ_EDENIED);
	assert_non_null(strstr(eb.msg, "too many"));
	assert_int_equal(user_login_hash_checks(), n + 1);
	n = user_login_hash_checks();
	assert_int_equal(try_pw("nobody-here", "guess-guess", "192.0.2.201", &eb), WQ_EDENIED);
	assert_int_equal(user_login_hash_checks(), n + 1);
}

/* A try's count and its outcome share one fsync of the WAL, made before the answer (the
 * count is seen by other connections from its COMMIT: the parallel test above): a right
 * password, wrong ones and a throttled one each cost one, on a connection in FULL, which
 * is left in FULL; one whose commits sync themselves gets no extra. */
static void test_one_fsync_per_try(void **state)
{
	struct db *mine;
	struct wq_errbuf eb;
	struct actor a;
	int throttled = 0;
	(void)state;
	at(600);
	assert_int_equal(db_open(db_path, &mine, &eb), WQ_OK);
	long long n = db_sync_count();
	assert_int_equal(user_login_password(mine, "agent3", DEMO_PASSWORD, "192.0.2.77", &a, &eb),
			 WQ_OK);
	assert_int_equal(db_sync_count(), n + 1);
	for (int i = 0; i <= LOGIN_FAILS_FREE && !throttled; i++) {
		n = db_sync_count();
		assert_int_equal(user_login_password(mine, "agent3", "guess-guess", "198.51.100.77",
						     &a, &eb),
				 WQ_EDENIED);
		assert_int_equal(db_sync_count(), n + 1);
		throttled = strstr(eb.msg, "too many") != NULL;
	}
	assert_true(throttled);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(mine), "PRAGMA synchronous", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2);
	sqlite3_finalize(st);
	/* a connection whose commits sync themselves (db_sync.h): its hook's fsyncs only */
	assert_int_equal(db_sync_outside_lock(mine, &eb), WQ_OK);
	n = db_sync_count();
	assert_int_equal(user_login_password(mine, "agent3", DEMO_PASSWORD, "192.0.2.77", &a, &eb),
			 WQ_OK);
	assert_int_equal(db_sync_count(), n + 2);
	db_close(mine);
}

static int sync_level(struct db *d)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(d), "PRAGMA synchronous", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int level = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return level;
}

/* An SSH session's try (user_login_password_answer_first): the count is fsynced by the
 * time it returns (beside the hash), the outcome is committed (another connection sees
 * it) and its fsync is made by user_login_settle, which puts the connection back in FULL;
 * the next try settles a forgotten one before it writes; a throttled try leaves nothing
 * to settle. */
static void test_answer_first_settles_after(void **state)
{
	struct db *mine;
	struct wq_errbuf eb;
	struct actor a;
	(void)state;
	at(1200);
	assert_int_equal(db_open(db_path, &mine, &eb), WQ_OK);
	int oks = count("login.ok", "agent2");
	long long n = db_sync_count();
	assert_int_equal(user_login_password_answer_first(mine, "agent2", DEMO_PASSWORD,
							  "192.0.2.88", &a, &eb),
			 WQ_OK);
	assert_string_equal(a.username, "agent2");
	assert_int_equal(db_sync_count(), n + 1);	   /* the count's, beside the hash */
	assert_int_equal(count("login.ok", "agent2"), oks + 1); /* committed, seen by others */
	assert_int_equal(sync_level(mine), 1);
	assert_int_equal(user_login_settle(&eb), WQ_OK);
	assert_int_equal(db_sync_count(), n + 2);
	assert_int_equal(sync_level(mine), 2);
	assert_int_equal(user_login_settle(&eb), WQ_OK); /* nothing due: no fsync */
	assert_int_equal(db_sync_count(), n + 2);
	/* wrong ones, never settled by the caller: each next try settles the last first */
	int throttled = 0;
	for (int i = 0; i <= LOGIN_FAILS_FREE && !throttled; i++) {
		n = db_sync_count();
		assert_int_equal(user_login_password_answer_first(mine, "agent2", "guess-guess",
								  "198.51.100.88", &a, &eb),
				 WQ_EDENIED);
		throttled = strstr(eb.msg, "too many") != NULL;
		/* the count's fsync, and the previous try's outcome's when one was due */
		assert_int_equal(db_sync_count(), n + (i ? 2 : 1));
	}
	assert_true(throttled);
	assert_int_equal(sync_level(mine), 2); /* the throttled try's record was its count */
	n = db_sync_count();
	assert_int_equal(user_login_settle(&eb), WQ_OK);
	assert_int_equal(db_sync_count(), n);
	db_close(mine);
}

int main(void)
{
	static const struct fixture fx = {"login", 0, .ready = ready};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strangers_are_throttled_per_account),
		cmocka_unit_test(test_known_network_and_key_are_not_locked_out),
		cmocka_unit_test(test_one_source_is_throttled_over_all_names),
		cmocka_unit_test(test_parallel_guesses_get_only_the_free_tries),
		cmocka_unit_test(test_second_factor_counts_and_remembers),
		cmocka_unit_test(test_throttled_costs_what_a_check_costs),
		cmocka_unit_test(test_one_fsync_per_try),
		cmocka_unit_test(test_answer_first_settles_after),
	};
	return fixture_run_group(&fx, tests);
}
