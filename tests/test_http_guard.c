/* test_http_guard.c - src/http_guard.c: the source a limit counts (an IPv4 address, the
 * /64 of an IPv6 one: issue 12, hole 6, a guesser cannot spread over the 2^64 addresses
 * of its own subscription) and the per-minute rate by source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http_internal.h"

static void test_source(void **state)
{
	(void)state;
	char s[64];
	http_source_of("192.0.2.7", s, sizeof s);
	assert_string_equal(s, "192.0.2.7");
	http_source_of("2001:db8:1:2:aaaa:bbbb:cccc:dddd", s, sizeof s);
	assert_string_equal(s, "2001:db8:1:2::/64");
	http_source_of("2001:db8:1:2::1", s, sizeof s);
	assert_string_equal(s, "2001:db8:1:2::/64");
	http_source_of("2001:db8:1:3::1", s, sizeof s);
	assert_string_equal(s, "2001:db8:1:3::/64");
	http_source_of("::ffff:192.0.2.7", s, sizeof s);
	assert_string_equal(s, "192.0.2.7");
	http_source_of("::1", s, sizeof s);
	assert_string_equal(s, "::/64");
	http_source_of("?", s, sizeof s);
	assert_string_equal(s, "?");
}

static void test_rate_per_64(void **state)
{
	(void)state;
	setenv("WATIQA_FAKE_NOW", "2000000000", 1);
	struct http_rate *r = http_rate_new(3);
	assert_non_null(r);
	/* three requests from three addresses of one /64 use up its minute */
	assert_true(http_rate_allow(r, "2001:db8:7:7::1"));
	assert_true(http_rate_allow(r, "2001:db8:7:7::2"));
	assert_true(http_rate_allow(r, "2001:db8:7:7:ffff:1:2:3"));
	assert_false(http_rate_allow(r, "2001:db8:7:7::4"));
	/* the next /64 and an IPv4 address are their own sources */
	assert_true(http_rate_allow(r, "2001:db8:7:8::1"));
	assert_true(http_rate_allow(r, "192.0.2.1"));
	/* the next minute starts again */
	setenv("WATIQA_FAKE_NOW", "2000000060", 1);
	assert_true(http_rate_allow(r, "2001:db8:7:7::5"));
	http_rate_free(r);
	unsetenv("WATIQA_FAKE_NOW");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_rate_per_64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
