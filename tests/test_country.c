/* test_country.c - the delivery countries (src/country.c, etc/countries.conf): the file
 * as shipped (every ISO country but Western Sahara, Morocco first and alone in zone 0,
 * the diaspora's countries with a calling code), each country's examples accepted by its
 * own patterns in etc/patterns.conf (and refused by a neighbour's where they differ),
 * the calling-code lookup, and bad files refused naming the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "country.h"
#include "validate.h"

static void test_shipped(void **state)
{
	(void)state;
	struct country_table t;
	struct wq_errbuf eb = {0};
	struct validator *v;
	assert_int_equal(country_load("etc/countries.conf", &t, &eb), WQ_OK);
	assert_int_equal(validate_load("etc/patterns.conf", &v, &eb), WQ_OK);
	assert_int_equal(t.n, 248);
	assert_string_equal(t.c[0].code, "MA");
	assert_int_equal(t.c[0].zone, 0);
	assert_null(country_find(&t, "EH"));
	static const char *const diaspora[] = {"FR", "ES", "IT", "BE", "NL", "DE", "GB",
					       "US", "CA", "AE", "SA"};
	for (size_t i = 0; i < sizeof diaspora / sizeof *diaspora; i++) {
		const struct country *k = country_find(&t, diaspora[i]);
		assert_non_null(k);
		assert_true(k->dial[0] && k->phone_example[0] && k->postal_example[0]);
	}
	int with_dial = 0;
	for (int i = 0; i < t.n; i++) {
		const struct country *k = &t.c[i];
		assert_true(k->zone >= 0 && k->zone < COUNTRY_ZONES);
		assert_int_equal(k->zone == 0, i == 0);
		if (!k->dial[0])
			continue;
		with_dial++;
		/* the phone example, its spaces dropped, is a national significant number */
		char name[24], nat[24], *o = nat;
		for (const char *p = k->phone_example; *p; p++)
			if (*p != ' ')
				*o++ = *p;
		*o = 0;
		snprintf(name, sizeof name, "phone.%s", k->code);
		if (!validate_match(v, name, nat))
			fail_msg("%s: phone example '%s' refused by %s", k->code, nat, name);
		snprintf(name, sizeof name, "postal_code.%s", k->code);
		if (strcmp(k->postal_example, "-") && !validate_match(v, name, k->postal_example))
			fail_msg("%s: postal example '%s' refused", k->code, k->postal_example);
	}
	assert_true(with_dial >= 20);
	/* patterns that tell countries apart */
	assert_false(validate_match(v, "postal_code.NL", "75011"));
	assert_true(validate_match(v, "postal_code.GB", "EC1A 1BB"));
	assert_false(validate_match(v, "postal_code.GB", "12345"));
	assert_true(validate_match(v, "postal_code.CA", "K1A 0B1"));
	assert_false(validate_match(v, "postal_code.US", "1234"));
	assert_false(validate_match(v, "phone.US", "1234567890")); /* area code 123 */
	assert_false(validate_has(v, "postal_code.AE")); /* no postal codes there */
	assert_false(validate_match(v, "postal_code.ZZ", "12345"));
	/* calling codes: the longest match */
	assert_string_equal(country_by_dial(&t, "33612345678")->code, "FR");
	assert_string_equal(country_by_dial(&t, "971501234567")->code, "AE");
	assert_string_equal(country_by_dial(&t, "212612345678")->code, "MA");
	assert_null(country_by_dial(&t, "8613800000000")); /* China: no calling code given */
	assert_string_equal(country_find(&t, "fr")->code, "FR");
	assert_null(country_find(&t, "F"));
	assert_null(country_find(&t, NULL));
	validate_free(v);
	country_free(&t);
}

static int parse(const char *text, char *why, size_t len)
{
	struct country_table t;
	struct wq_errbuf eb = {0};
	int rc = country_parse(text, strlen(text), &t, &eb);
	snprintf(why, len, "%s", eb.msg);
	if (!rc) {
		assert_string_equal(t.c[0].code, "MA");
		country_free(&t);
	}
	return rc;
}

static void test_bad_files(void **state)
{
	(void)state;
	char why[256];
	assert_int_equal(parse("FR = 1 | France | فرنسا\nMA = 0 | Maroc | المغرب\n"
			       "MA.dial = 212 | 0\n", why, sizeof why), WQ_OK);
	assert_int_equal(parse("FR = 1 | France | فرنسا\n", why, sizeof why), WQ_EINVAL);
	assert_non_null(strstr(why, "Morocco"));
	static const char *const bad[] = {
		"MA = 0 | Maroc\n",			       /* a name missing */
		"MA = 1 | Maroc | المغرب\n",		       /* Morocco abroad */
		"MA = 0 | Maroc | المغرب\nFR = 0 | France | فرنسا\n", /* zone 0 abroad */
		"MA = 0 | Maroc | المغرب\nFR = 4 | France | فرنسا\n", /* no such zone */
		"MA = 0 | Maroc | المغرب\nMA = 0 | Maroc | المغرب\n", /* twice */
		"ma = 0 | Maroc | المغرب\n",
		"MA = 0 | Maroc | المغرب\nFR.dial = 33 | 0\n", /* before its country */
		"MA = 0 | Maroc | المغرب\nMA.dial = +212 | 0\n",
		"MA = 0 | Maroc | المغرب\nMA.dial = 2120 | 0\n",
		"MA = 0 | Maroc | المغرب\nMA.examples = 0612345678\n",
		"MA = 0 | Maroc | المغرب\nMA.colour = green\n",
		"MA = 0 | Maroc | المغرب | extra\n",
		"MA 0 Maroc\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (parse(bad[i], why, sizeof why) != WQ_EINVAL || !strstr(why, "line"))
			fail_msg("accepted or unnamed: %s (%s)", bad[i], why);
	char nul[] = "MA = 0 | Maroc | المغرب\nFR = 1 | Fr\0nce | x\n";
	struct country_table t;
	struct wq_errbuf eb = {0};
	assert_int_equal(country_parse(nul, sizeof nul - 1, &t, &eb), WQ_EINVAL);
	assert_int_not_equal(country_load("/nonexistent/countries.conf", &t, &eb), WQ_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_bad_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
