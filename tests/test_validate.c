/* test_validate.c - the patterns of etc/patterns.conf (through src/validate.c) and the
 * body decoders of src/http_form.c: what each pattern accepts and refuses, calendar
 * dates, normalisation, UTF-8 checks, form and flat-JSON decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http_form.h"
#include "validate.h"

static struct validator *v;

static int setup(void **state)
{
	(void)state;
	struct wq_errbuf eb;
	return validate_load("etc/patterns.conf", &v, &eb);
}

static int teardown(void **state)
{
	(void)state;
	validate_free(v);
	return 0;
}

struct vcase {
	const char *pattern, *value;
	int ok;
};

static const struct vcase cases[] = {
	{"phone", "0612345678", 1}, {"phone", "0712345678", 1}, {"phone", "0537123456", 1},
	{"phone", "+212612345678", 1}, {"phone", "+33612345678", 1}, {"phone", "0033612345678", 1},
	{"phone", "0812345678", 0}, {"phone", "061234567", 0}, {"phone", "06123456789", 0},
	{"phone", "0612345678\n", 0}, {"phone", "", 0}, {"phone", "+2120612345678", 0},
	{"cin", "BE123456", 1}, {"cin", "A12345", 1}, {"cin", "123456", 0}, {"cin", "ABC123", 0},
	{"cin", "BE1234567", 0},
	{"record_number", "1", 1}, {"record_number", "123456", 1}, {"record_number", "1234567", 0},
	{"record_number", "12a", 0}, {"record_number", "١٢٣", 0},
	{"record_year", "1990", 1}, {"record_year", "2024", 1}, {"record_year", "1850", 0},
	{"record_year", "90", 0},
	{"postal_code", "10080", 1}, {"postal_code", "75011", 1}, {"postal_code", "SW1A 1AA", 1},
	{"postal_code", "1", 0}, {"postal_code", "<script>", 0},
	{"name_ar", "محمد", 1}, {"name_ar", "عبد الله", 1}, {"name_ar", "بن-علي", 1},
	{"name_ar", "Mohamed", 0}, {"name_ar", "محمد1", 0}, {"name_ar", "محمد٣", 0},
	{"name_ar", "م", 0}, {"name_ar", " محمد", 0},
	{"name_lat", "Mohamed", 1}, {"name_lat", "El Idrissi", 1}, {"name_lat", "Aït-Ben", 1},
	{"name_lat", "O'Brien", 1}, {"name_lat", "Zoé", 1}, {"name_lat", "محمد", 0},
	{"name_lat", "M0hamed", 0}, {"name_lat", "A", 0}, {"name_lat", "Bob<", 0},
	{"email", "m.alaoui@example.ma", 1}, {"email", "a+b@x.co", 1}, {"email", "nope", 0},
	{"email", "a@b", 0}, {"email", "a@@b.ma", 0},
	{"date", "1990-05-17", 1}, {"date", "17/05/1990", 1}, {"date", "17 mai 1990", 0},
	{"address", "12 rue des Fleurs, Agdal", 1}, {"address", "١٢ زنقة الورود، أكدال", 1},
	{"address", "abc", 0}, {"address", "12 rue\x01 X", 0},
	{"city", "Rabat", 1}, {"city", "الرباط", 1}, {"city", "Sidi Kacem", 1}, {"city", "R4bat", 0},
	{"tracking", "W1234567890", 1}, {"tracking", "W123456789", 0}, {"tracking", "X1234567890", 0},
	{"secret", "AB23CD", 1}, {"secret", "AB23C", 0}, {"secret", "AB23CD!", 0},
	{"complaint", "Rien reçu après dix jours.", 1}, {"complaint", "court", 0},
	{"complaint", "ligne un\nligne deux", 1},
};

static void test_patterns(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = validate_match(v, cases[i].pattern, cases[i].value);
		if (got != cases[i].ok)
			fail_msg("%s '%s': expected %d, got %d", cases[i].pattern, cases[i].value,
				 cases[i].ok, got);
	}
	assert_int_equal(validate_match(v, "no_such_pattern", "x"), 0);
	assert_int_equal(validate_match(v, "city", "Rab\xc3\x28t"), 0); /* invalid UTF-8 */
}

static void test_missing_pattern_refused(void **state)
{
	(void)state;
	struct validator *w = NULL;
	struct wq_errbuf eb;
	assert_int_not_equal(validate_load("etc/fees.conf", &w, &eb), 0);
	assert_null(w);
}

static void test_dates(void **state)
{
	(void)state;
	char iso[11];
	int y;
	assert_true(validate_date("2000-02-29", iso, &y));
	assert_string_equal(iso, "2000-02-29");
	assert_int_equal(y, 2000);
	assert_true(validate_date("17/05/1990", iso, &y));
	assert_string_equal(iso, "1990-05-17");
	assert_false(validate_date("1900-02-29", iso, &y));
	assert_false(validate_date("1990-13-01", iso, &y));
	assert_false(validate_date("1990-04-31", iso, &y));
	assert_false(validate_date("1990-4-3", iso, &y));
}

static void test_normalize(void **state)
{
	(void)state;
	char out[64];
	validate_normalize(out, sizeof out, "  06 12-34.56 78 ", 1);
	assert_string_equal(out, "0612345678");
	validate_normalize(out, sizeof out, "  El   Idrissi\t", 0);
	assert_string_equal(out, "El Idrissi");
	validate_normalize(out, 6, "محمد", 0); /* never cuts a character in two */
	assert_string_equal(out, "مح");
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(utf8_valid("محمد Zoé", strlen("محمد Zoé")));
	assert_false(utf8_valid("\xc3\x28", 2));
	assert_false(utf8_valid("\xc0\xaf", 2));	     /* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3));	     /* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(utf8_valid("\xe2\x82", 2));	     /* truncated */
}

static void test_form(void **state)
{
	(void)state;
	struct form f;
	const char *body = "a=1&b=%D9%85%D8%AD%D9%85%D8%AF&c=x+y&a=2&empty=&flag";
	assert_int_equal(form_parse_urlencoded(&f, body, strlen(body)), FORM_OK);
	assert_string_equal(form_get(&f, "a"), "1"); /* first wins */
	assert_string_equal(form_get(&f, "b"), "محمد");
	assert_string_equal(form_get(&f, "c"), "x y");
	assert_string_equal(form_get(&f, "empty"), "");
	assert_string_equal(form_get(&f, "flag"), "");
	assert_null(form_get(&f, "nope"));
	form_free(&f);
	assert_int_equal(form_parse_urlencoded(&f, "a=%zz", 5), FORM_EBAD);
	form_free(&f);
	assert_int_equal(form_parse_urlencoded(&f, "a=%4", 4), FORM_EBAD);
	form_free(&f);
	assert_int_equal(form_parse_urlencoded(&f, "a=%00", 5), FORM_EBAD);
	form_free(&f);
	assert_int_equal(form_parse_urlencoded(&f, "a=%C3%28", 8), FORM_EUTF8);
	form_free(&f);
}

static void test_json(void **state)
{
	(void)state;
	struct form f;
	const char *j = " {\"a\": \"x\\\"y\", \"n\": 12, \"t\": true, \"z\": null,"
			" \"u\": \"\\u0645\\ud83d\\ude00\"} ";
	assert_int_equal(form_parse_json(&f, j, strlen(j)), FORM_OK);
	assert_string_equal(form_get(&f, "a"), "x\"y");
	assert_string_equal(form_get(&f, "n"), "12");
	assert_string_equal(form_get(&f, "t"), "true");
	assert_string_equal(form_get(&f, "z"), "");
	assert_string_equal(form_get(&f, "u"), "م😀");
	form_free(&f);
	static const char *const bad[] = {"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
					  "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}", "{\"a\":1} x",
					  "{\"a\":{\"b\":1}}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (form_parse_json(&f, bad[i], strlen(bad[i])) == FORM_OK)
			fail_msg("accepted %s", bad[i]);
		form_free(&f);
	}
	assert_int_equal(form_parse_json(&f, "{\"a\":\"\xff\"}", 8), FORM_EUTF8);
	form_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns), cmocka_unit_test(test_missing_pattern_refused),
		cmocka_unit_test(test_dates),	 cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_utf8),	 cmocka_unit_test(test_form),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
