/* test_endpoints.c - src/endpoints.c: one base URL moves the payment gateway, the SMS
 * gateway and the post tracking; the per-service URLs override it; and what serve
 * refuses to start with (issue 12, hole 11): the sandbox's secret outside demo, plain
 * http to another machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "config.h"
#include "endpoints.h"

static void blank(struct config *c)
{
	config_defaults(c);
	c->gateway_url[0] = c->sms_url[0] = c->post_url[0] = c->gateway_base_url[0] = 0;
}

static void test_resolve(void **state)
{
	(void)state;
	struct config c;
	blank(&c);
	c.sandbox_port = 9123;
	endpoints_resolve(&c);
	assert_string_equal(c.gateway_url, "http://127.0.0.1:9123");
	assert_string_equal(c.sms_url, "http://127.0.0.1:9123/sms");
	assert_string_equal(c.post_url, "http://127.0.0.1:9123/post");

	blank(&c);
	strcpy(c.gateway_base_url, "https://gw.example.ma/watiqa/");
	endpoints_resolve(&c);
	assert_string_equal(c.gateway_url, "https://gw.example.ma/watiqa");
	assert_string_equal(c.sms_url, "https://gw.example.ma/watiqa/sms");
	assert_string_equal(c.post_url, "https://gw.example.ma/watiqa/post");

	/* a service given on its own keeps its URL */
	blank(&c);
	strcpy(c.gateway_base_url, "https://gw.example.ma");
	strcpy(c.sms_url, "https://sms.example.ma/send");
	endpoints_resolve(&c);
	assert_string_equal(c.gateway_url, "https://gw.example.ma");
	assert_string_equal(c.sms_url, "https://sms.example.ma/send");
	assert_string_equal(c.post_url, "https://gw.example.ma/post");
}

static void test_loopback(void **state)
{
	(void)state;
	assert_true(endpoints_loopback("http://127.0.0.1:8090"));
	assert_true(endpoints_loopback("http://127.3.2.1/x"));
	assert_true(endpoints_loopback("http://localhost:8090/sms"));
	assert_true(endpoints_loopback("http://[::1]:8090"));
	assert_false(endpoints_loopback("http://127.0.0.1.evil.example/"));
	assert_false(endpoints_loopback("http://10.0.0.1/"));
	/* libcurl reads the short IPv4 forms as it will connect: 127.0.0.1 */
	assert_true(endpoints_loopback("http://2130706433/"));
	assert_true(endpoints_loopback("http://127.1/"));
	assert_false(endpoints_loopback("http://evil.example/?h=127.0.0.1"));
	assert_false(endpoints_loopback("not a url"));
}

static void test_check(void **state)
{
	(void)state;
	struct config c;
	struct wq_errbuf eb;
	config_defaults(&c);
	endpoints_resolve(&c);
	/* the default secret: refused outside demo, naming the setting */
	wq_errbuf_clear(&eb);
	assert_int_equal(endpoints_check(&c, &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "gateway_secret");
	assert_non_null(strstr(eb.msg, "gateway_secret"));
	c.demo = 1;
	assert_int_equal(endpoints_check(&c, &eb), WQ_OK);
	c.demo = 0;
	strcpy(c.gateway_secret, "short");
	assert_int_equal(endpoints_check(&c, &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "gateway_secret");
	strcpy(c.gateway_secret, "a-real-secret-of-32-characters!!");
	assert_int_equal(endpoints_check(&c, &eb), WQ_OK);

	/* plain http to another machine: refused, whichever service */
	static const struct {
		const char *key, *url;
		int ok;
	} cases[] = {
		{"gateway_url", "http://pay.example.ma", 0},
		{"gateway_url", "https://pay.example.ma", 1},
		{"gateway_url", "http://127.0.0.1.evil.example", 0},
		{"gateway_url", "ftp://127.0.0.1/", 0},
		{"gateway_url", "file:///etc/passwd", 0},
		{"sms_url", "http://sms.example.ma/send", 0},
		{"sms_url", "https://sms.example.ma/send", 1},
		{"sms_url", "http://localhost:8090/sms", 1},
		{"post_url", "http://10.1.2.3/post", 0},
		{"post_url", "http://[::1]:8090/post", 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct config k = c;
		char *field = !strcmp(cases[i].key, "gateway_url") ? k.gateway_url
			      : !strcmp(cases[i].key, "sms_url")   ? k.sms_url
								   : k.post_url;
		strcpy(field, cases[i].url);
		wq_errbuf_clear(&eb);
		int rc = endpoints_check(&k, &eb);
		if ((rc == WQ_OK) != cases[i].ok)
			fail_msg("%s = %s: expected %s, got %d (%s)", cases[i].key, cases[i].url,
				 cases[i].ok ? "ok" : "refused", rc, eb.msg);
		if (!cases[i].ok)
			assert_string_equal(eb.field, cases[i].key);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
