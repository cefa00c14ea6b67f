/* test_foundation.c - the small pure pieces every layer leans on: error texts in both
 * languages, the config table against etc/watiqa.conf, tracking numbers, S10 codes,
 * money formatting, migrations applied exactly once, where state goes and the server
 * key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "server_key.h"
#include "secret.h"
#include "util.h"

static void test_every_error_has_both_languages(void **state)
{
	(void)state;
	for (int code = 0; code < WQ_ERR_COUNT; code++) {
		const char *fr = wq_strerror(code, "fr"), *ar = wq_strerror(code, "ar");
		const char *en = wq_strerror(code, "en");
		assert_non_null(fr);
		assert_non_null(ar);
		assert_true(strlen(fr) > 1 && strlen(ar) > 1);
		assert_string_not_equal(fr, en);
		assert_string_not_equal(ar, fr);
	}
	assert_string_equal(wq_strerror(WQ_ERR_COUNT, "fr"), "unknown error");
}

/* etc/watiqa.conf names exactly the keys of config_keys[], each once. */
static void test_config_file_matches_table(void **state)
{
	(void)state;
	FILE *f = fopen("etc/watiqa.conf", "r");
	assert_non_null(f);
	int seen[64] = {0};
	char line[512];
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char key[64];
		assert_int_equal(sscanf(line, " %63[a-z_] =", key), 1);
		int found = -1;
		for (int i = 0; i < config_keys_count; i++)
			if (!strcmp(config_keys[i].key, key))
				found = i;
		if (found < 0)
			fail_msg("etc/watiqa.conf names unknown key %s", key);
		seen[found]++;
	}
	fclose(f);
	for (int i = 0; i < config_keys_count; i++)
		if (seen[i] != 1)
			fail_msg("key %s appears %d times in etc/watiqa.conf", config_keys[i].key,
				 seen[i]);
	struct config c;
	struct wq_errbuf eb;
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, "etc/watiqa.conf", 1, &eb), WQ_OK);
	assert_int_equal(c.ssh_port, 2222);
	assert_int_equal(c.http_port, 8080);
}

static void test_config_rejects_bad_values(void **state)
{
	(void)state;
	struct config c;
	struct wq_errbuf eb;
	config_defaults(&c);
	assert_int_equal(config_set(&c, "ssh_port", "twenty", &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "ssh_port");
	assert_int_equal(c.ssh_port, 2222);
	assert_int_equal(config_set(&c, "no_such_key", "1", &eb), WQ_EINVAL);
	assert_int_equal(config_set(&c, "demo", "maybe", &eb), WQ_EINVAL);
	assert_int_equal(config_set(&c, "--ssh-port", "2200", &eb), WQ_OK);
	assert_int_equal(c.ssh_port, 2200);
	setenv("WATIQA_HTTP_PORT", "9191", 1);
	config_load_env(&c);
	unsetenv("WATIQA_HTTP_PORT");
	assert_int_equal(c.http_port, 9191);
	char path[] = "/tmp/wq-conf-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "ssh_port = 22x\n", 15), 15);
	close(fd);
	assert_int_equal(config_load_file(&c, path, 1, &eb), WQ_EINVAL);
	assert_non_null(strstr(eb.msg, ":1:"));
	unlink(path);
}

static void test_tracking_numbers_carry_a_check_digit(void **state)
{
	(void)state;
	for (int i = 0; i < 1000; i++) {
		char t[12];
		wq_tracking_new(t);
		assert_int_equal(strlen(t), 11);
		assert_true(wq_tracking_valid(t));
		/* any single changed digit is caught */
		char bad[12];
		memcpy(bad, t, sizeof bad);
		bad[5] = (char)(bad[5] == '9' ? '0' : bad[5] + 1);
		assert_false(wq_tracking_valid(bad));
	}
	assert_false(wq_tracking_valid("W12345"));
	assert_false(wq_tracking_valid("X1234567897"));
	assert_int_equal(wq_luhn_digit("7992739871"), 3); /* the textbook example */
}

static void test_s10_codes(void **state)
{
	(void)state;
	assert_true(wq_s10_valid("RR473124829GB"));  /* UPU's published example */
	assert_false(wq_s10_valid("RR473124828GB")); /* wrong check digit */
	assert_false(wq_s10_valid("RR47312482GB"));
	assert_false(wq_s10_valid("rr473124829GB"));
	char code[14];
	wq_s10_make("RR", 12345678u, "MA", code);
	assert_string_equal(code, "RR123456785MA");
	assert_true(wq_s10_valid(code));
}

static void test_money_and_secrets(void **state)
{
	(void)state;
	char buf[32], s1[SECRET_CODE_BYTES], s2[SECRET_CODE_BYTES], canon[16];
	wq_fmt_money(2000, buf, sizeof buf);
	assert_string_equal(buf, "20.00");
	wq_fmt_money(-5, buf, sizeof buf);
	assert_string_equal(buf, "-0.05");
	/* secret codes: 12 characters of Crockford's base32 in three groups (60 bits), read
	 * back whatever the case, dashes and spaces, O as 0 and I, L as 1 */
	secret_new(s1);
	secret_new(s2);
	assert_int_equal(strlen(s1), 14);
	assert_true(s1[4] == '-' && s1[9] == '-');
	assert_string_not_equal(s1, s2);
	assert_null(strpbrk(s1, "ILOU"));
	assert_int_equal(secret_canonical(s1, canon, sizeof canon), SECRET_NEW);
	assert_int_equal(strlen(canon), 12);
	assert_int_equal(secret_canonical("k7m4 9qxt-2hpb", canon, sizeof canon), SECRET_NEW);
	assert_string_equal(canon, "K7M49QXT2HPB");
	assert_int_equal(secret_canonical("O0IL-0000-0000", canon, sizeof canon), SECRET_NEW);
	assert_string_equal(canon, "001100000000");
	assert_int_equal(secret_canonical("UUUU-0000-0000", canon, sizeof canon), SECRET_BAD);
	assert_int_equal(secret_canonical("K7M4-9QXT-2HP", canon, sizeof canon), SECRET_BAD);
	assert_int_equal(secret_canonical("K7M4-9QXT-2HPBX", canon, sizeof canon), SECRET_BAD);
	assert_int_equal(secret_canonical("K7M4-9QXT-2HP!", canon, sizeof canon), SECRET_BAD);
	assert_int_equal(secret_canonical("ab23cd", canon, sizeof canon), SECRET_LEGACY);
	assert_string_equal(canon, "AB23CD");
	assert_int_equal(secret_canonical(NULL, canon, sizeof canon), SECRET_BAD);
	/* 60 bits: every character is used, over many codes */
	char seen[256] = {0};
	for (int i = 0; i < 2000; i++) {
		secret_new(s1);
		for (char *p = s1; *p; p++)
			seen[(unsigned char)*p] = 1;
	}
	for (const char *a = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; *a; a++)
		assert_true(seen[(unsigned char)*a]);
}

static void test_migrations_apply_once(void **state)
{
	(void)state;
	char path[64];
	struct db *db;
	struct wq_errbuf eb;
	int applied;
	snprintf(path, sizeof path, "/tmp/wq-test-migrate-%d.db", getpid());
	unlink(path);
	assert_int_equal(db_open(path, &db, &eb), WQ_OK);
	assert_int_equal(db_migrate(db, "db", &applied, &eb), WQ_OK);
	assert_true(applied >= 1);
	int version = db_schema_version(db);
	assert_true(version >= 1);
	assert_int_equal(db_migrate(db, "db", &applied, &eb), WQ_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(db_schema_version(db), version);
	db_close(db);
	unlink(path);
}

/* A migration numbered below one already applied (written on another branch) still
 * runs once. */
static void test_late_lower_numbered_migration_runs(void **state)
{
	(void)state;
	char dir[] = "/tmp/wq-mig-XXXXXX", path[128], dbpath[160];
	struct db *db;
	struct wq_errbuf eb;
	int applied;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/001_a.sql", dir);
	FILE *f = fopen(path, "w");
	fputs("CREATE TABLE a (x);", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/030_c.sql", dir);
	f = fopen(path, "w");
	fputs("CREATE TABLE c (x);", f);
	fclose(f);
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
	assert_int_equal(db_open(dbpath, &db, &eb), WQ_OK);
	assert_int_equal(db_migrate(db, dir, &applied, &eb), WQ_OK);
	assert_int_equal(applied, 2);
	snprintf(path, sizeof path, "%s/020_b.sql", dir);
	f = fopen(path, "w");
	fputs("CREATE TABLE b (x);", f);
	fclose(f);
	assert_int_equal(db_migrate(db, dir, &applied, &eb), WQ_OK);
	assert_int_equal(applied, 1);
	assert_int_equal(db_migrate(db, dir, &applied, &eb), WQ_OK);
	assert_int_equal(applied, 0);
	/* a broken migration is reported with its name and leaves nothing behind */
	snprintf(path, sizeof path, "%s/040_bad.sql", dir);
	f = fopen(path, "w");
	fputs("CREATE TABLE d (x); CREATE TABLE a (x);", f);
	fclose(f);
	assert_int_equal(db_migrate(db, dir, &applied, &eb), WQ_EIO);
	assert_non_null(strstr(eb.msg, "040_bad.sql"));
	assert_int_equal(db_schema_version(db), 30);
	db_close(db);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* State goes beside the database unless state_dir says; an empty value is the default. */
static void test_state_dir_defaults_beside_the_database(void **state)
{
	(void)state;
	struct config c;
	struct wq_errbuf eb;
	char path[PATH_MAX_BYTES];
	config_defaults(&c);
	assert_int_equal(c.db_path[0], '/'); /* absolute: the binary runs from anywhere */
	assert_int_equal(c.share_dir[0], '/');
	assert_int_equal(config_set(&c, "db", "/srv/w/watiqa.db", &eb), WQ_OK);
	config_state_path(&c, "print", path, sizeof path);
	assert_string_equal(path, "/srv/w/print");
	assert_int_equal(config_set(&c, "state_dir", "/var/lib/wq", &eb), WQ_OK);
	config_state_path(&c, "print", path, sizeof path);
	assert_string_equal(path, "/var/lib/wq/print");
	assert_int_equal(config_set(&c, "state_dir", "", &eb), WQ_OK);
	assert_int_equal(config_set(&c, "ssh_port", "", &eb), WQ_OK);
	assert_int_equal(c.ssh_port, 2222);
	config_finish(&c);
	assert_string_equal(c.state_dir, "/srv/w");
	assert_string_equal(c.host_key, "/srv/w/ssh_host_ed25519_key");
}

/* Created once (0600, 32 bytes), the same on the next call; HMAC-SHA256 as RFC 2104. */
static void test_server_key(void **state)
{
	(void)state;
	struct config c;
	struct wq_errbuf eb;
	char dir[64], path[96], hex[65];
	unsigned char k1[32], k2[32], fixed[32];
	struct stat st;
	snprintf(dir, sizeof dir, "/tmp/wq-test-key-%d", getpid());
	config_defaults(&c);
	wq_strlcpy(c.state_dir, dir, sizeof c.state_dir);
	assert_int_equal(server_key_get(&c, k1, &eb), WQ_OK);
	assert_int_equal(server_key_get(&c, k2, &eb), WQ_OK);
	assert_memory_equal(k1, k2, 32);
	snprintf(path, sizeof path, "%s/server.key", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 32);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	for (int i = 0; i < 32; i++)
		fixed[i] = (unsigned char)i;
	server_key_hmac(fixed, "W123456789|ABCD-EFGH", hex); /* python3 hmac gives the same */
	assert_string_equal(hex, "b49697aa6af021deea068d23f2fbb0d4149860f37c67f1fca01f8abaf95f2bbf");
	/* RFC 4231 cases 2 (a key shorter than the block) and 6 (longer: hashed first) */
	wq_hmac_sha256_hex("Jefe", "what do ya want for nothing?", 28, hex);
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	unsigned char big[131];
	memset(big, 0xaa, sizeof big);
	const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	wq_hmac_sha256_raw_hex(big, sizeof big, m6, strlen(m6), hex);
	assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	/* a truncated key file is refused, not silently used */
	FILE *f = fopen(path, "w");
	fputs("short", f);
	fclose(f);
	assert_int_equal(server_key_get(&c, k2, &eb), WQ_EIO);
	assert_string_equal(eb.field, "server_key");
	unlink(path);
	rmdir(dir);
}

/* Log lines: the fields, the level filter, a rolled-back write leaves no line. */
static void test_log_lines(void **state)
{
	(void)state;
	char path[] = "/tmp/wq-test-log-XXXXXX", buf[2048] = "";
	struct wq_errbuf eb;
	int fd = mkstemp(path), saved = dup(2);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	assert_int_equal(log_init("stderr", "info", 0, &eb), WQ_OK);
	log_context("agent1", "10.0.0.7", "");
	log_session_new();
	log_event(LOG_LEVEL_INFO, "login", "hello\nforged line");
	log_event(LOG_LEVEL_DEBUG, "debug", "not written at info");
	log_defer(1, LOG_LEVEL_INFO, "state", "agent1", "rolled back");
	log_discard();
	log_defer(1, LOG_LEVEL_INFO, "state", "agent1", "committed");
	log_commit();
	assert_int_equal(log_init("stderr", "chatty", 0, &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "log_level");
	assert_int_equal(log_init("journal", "info", 0, &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "log");
	dup2(saved, 2);
	close(saved);
	assert_true(pread(fd, buf, sizeof buf - 1, 0) > 0);
	close(fd);
	unlink(path);
	assert_non_null(strstr(buf, "info: hello?forged line (event=login account=agent1 "
				    "addr=10.0.0.7 session="));
	assert_null(strstr(buf, "not written"));
	assert_null(strstr(buf, "rolled back"));
	assert_non_null(strstr(buf, "committed (event=state account=agent1"));
	assert_int_equal(log_init("none", "info", 0, &eb), WQ_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_error_has_both_languages),
		cmocka_unit_test(test_config_file_matches_table),
		cmocka_unit_test(test_config_rejects_bad_values),
		cmocka_unit_test(test_tracking_numbers_carry_a_check_digit),
		cmocka_unit_test(test_s10_codes),
		cmocka_unit_test(test_money_and_secrets),
		cmocka_unit_test(test_migrations_apply_once),
		cmocka_unit_test(test_late_lower_numbered_migration_runs),
		cmocka_unit_test(test_state_dir_defaults_beside_the_database),
		cmocka_unit_test(test_server_key),
		cmocka_unit_test(test_log_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
