/* test_totp.c - src/totp.c: RFC 6238's SHA-1 test vectors (truncated to 6 digits), the
 * window and the refusal of a used step, base32 secrets (what oathtool reads), recovery
 * codes typed any way, and the QR code's size on an 80x24 screen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "totp.h"

/* "12345678901234567890" (RFC 6238 appendix B), base32 */
#define RFC_SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void test_rfc6238_vectors(void **state)
{
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"},
		 {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}};
	char out[TOTP_DIGITS + 1];
	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		assert_int_equal(totp_code(RFC_SECRET, totp_step(v[i].t), out), 0);
		assert_string_equal(out, v[i].code);
	}
	/* lower case and spaces, as people copy it */
	assert_int_equal(totp_code("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", 1, out), 0);
	assert_int_equal(totp_code("not base32!", 1, out), -1);
}

static void test_match_window_and_replay(void **state)
{
	char code[TOTP_DIGITS + 1];
	int64_t now = 1234567890, step = totp_step(now);
	(void)state;
	totp_code(RFC_SECRET, step, code);
	assert_int_equal(totp_match(RFC_SECRET, code, now, 0), step);
	assert_int_equal(totp_match(RFC_SECRET, code, now + 30, 0), step); /* a step late */
	assert_int_equal(totp_match(RFC_SECRET, code, now + 90, 0), -1);   /* too late */
	assert_int_equal(totp_match(RFC_SECRET, code, now, step), -1);	    /* used: replay */
	totp_code(RFC_SECRET, step + 1, code);
	assert_int_equal(totp_match(RFC_SECRET, code, now, step), step + 1);
	assert_int_equal(totp_match(RFC_SECRET, "12345", now, 0), -1);
	assert_int_equal(totp_match(RFC_SECRET, "12345a", now, 0), -1);
}

static void test_secret_and_recovery_codes(void **state)
{
	char a[TOTP_SECRET_B32_BYTES], b[TOTP_SECRET_B32_BYTES], r[TOTP_RECOVERY_BYTES];
	char n[32];
	(void)state;
	assert_int_equal(totp_secret_new(a, sizeof a), 0);
	assert_int_equal(totp_secret_new(b, sizeof b), 0);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
	assert_string_not_equal(a, b);
	assert_int_equal(totp_recovery_new(r, sizeof r), 0);
	assert_int_equal(strlen(r), TOTP_RECOVERY_CHARS + 1);
	assert_int_equal(r[TOTP_RECOVERY_CHARS / 2], '-');
	assert_null(strpbrk(r, "01ilo"));
	totp_recovery_normalize("ABCDE FGHJK", n, sizeof n);
	assert_string_equal(n, "abcde-fghjk");
	totp_recovery_normalize("abcdefghjk", n, sizeof n);
	assert_string_equal(n, "abcde-fghjk");
}

static void test_qr_fits_the_screen(void **state)
{
	char secret[TOTP_SECRET_B32_BYTES], uri[256], **rows;
	int n, w;
	(void)state;
	totp_secret_new(secret, sizeof secret);
	totp_uri("supervisor12345", secret, uri, sizeof uri);
	assert_int_equal(totp_qr_text(uri, &rows, &n, &w), 0);
	assert_true(w <= 40 && n <= 18); /* beside and below the secret on 80x24 */
	totp_qr_free(rows, n);
}

/* Sealed under the server key: opens with it, not with another, not once altered. */
static void test_sealed_secret(void **state)
{
	unsigned char key[32], other[32];
	char b32[TOTP_SECRET_B32_BYTES], sealed[TOTP_SEALED_BYTES], back[TOTP_SECRET_B32_BYTES];
	(void)state;
	memset(key, 7, sizeof key);
	memset(other, 8, sizeof other);
	totp_secret_new(b32, sizeof b32);
	assert_int_equal(totp_seal(key, b32, sealed, sizeof sealed), 0);
	assert_int_equal(strncmp(sealed, "e1:", 3), 0);
	assert_null(strstr(sealed, b32));
	assert_int_equal(totp_unseal(key, sealed, back, sizeof back), 0);
	assert_string_equal(back, b32);
	assert_int_equal(totp_unseal(other, sealed, back, sizeof back), -1);
	sealed[10] = sealed[10] == 'a' ? 'b' : 'a';
	assert_int_equal(totp_unseal(key, sealed, back, sizeof back), -1);
	assert_int_equal(totp_unseal(key, b32, back, sizeof back), -1); /* plain text: refused */
}

/* The per-role setting: names matched whole, never with --demo. */
static void test_roles_that_need_it(void **state)
{
	struct config cfg;
	(void)state;
	config_defaults(&cfg);
	assert_int_equal(cfg.demo, 0);
	assert_true(totp_role_required(&cfg, ROLE_ADMIN));
	assert_true(totp_role_required(&cfg, ROLE_TREASURY));
	assert_true(totp_role_required(&cfg, ROLE_FINANCE));
	assert_true(totp_role_required(&cfg, ROLE_SUPERVISOR));
	assert_false(totp_role_required(&cfg, ROLE_AGENT));
	assert_false(totp_role_required(&cfg, ROLE_POST));
	snprintf(cfg.totp_roles, sizeof cfg.totp_roles, "agent, post");
	assert_true(totp_role_required(&cfg, ROLE_AGENT));
	assert_true(totp_role_required(&cfg, ROLE_POST));
	assert_false(totp_role_required(&cfg, ROLE_ADMIN));
	cfg.demo = 1;
	assert_false(totp_role_required(&cfg, ROLE_AGENT));
	cfg.demo = 0;
	cfg.totp_roles[0] = '\0';
	assert_false(totp_role_required(&cfg, ROLE_ADMIN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_match_window_and_replay),
		cmocka_unit_test(test_secret_and_recovery_codes),
		cmocka_unit_test(test_qr_fits_the_screen),
		cmocka_unit_test(test_roles_that_need_it),
		cmocka_unit_test(test_sealed_secret),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
