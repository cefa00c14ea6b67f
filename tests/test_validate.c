/* test_validate.c - the patterns of etc/patterns.conf (through src/validate.c) and the
 * body decoders of src/http_form.c: what each pattern accepts and refuses, invisible
 * format characters refused by every pattern, calendar dates, normalisation, UTF-8
 * checks, form and flat-JSON decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http_form.h"
#include "limits.h"
#include "unicode.h"
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
	{"secret", "K7M49QXT2HPB", 1}, {"secret", "K7M49QXT2HP", 0}, {"secret", "AB23CDE", 0},
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

/* A value each pattern accepts; every pattern of etc/patterns.conf must have one here,
 * so that a new pattern is tried against the format characters too. */
static const struct {
	const char *pattern, *value;
} samples[] = {
	{"phone", "0612345678"},	{"cin", "BE123456"},	   {"record_number", "1234"},
	{"record_year", "1990"},	{"postal_code", "10080"}, {"name_ar", "محمد"},
	{"name_lat", "Mohamed"},	{"email", "ab@cd.ma"},	   {"date", "1990-05-17"},
	{"address", "12 rue des Fleurs"}, {"city", "Rabat"},   {"tracking", "W1234567890"},
	{"secret", "AB23CD"},		{"complaint", "Rien reçu après dix jours."},
};

static const char *sample_of(const char *pattern)
{
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		if (!strcmp(samples[i].pattern, pattern))
			return samples[i].value;
	return NULL;
}

static void put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		out[2] = 0;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		out[3] = 0;
	} else {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		out[4] = 0;
	}
}

/* Issue 12, hole 10: U+061C and U+0600 passed into name_ar.  Every pattern of the
 * file, with a format character at the start, inside and at the end of a value it
 * accepts, refuses it. */
static void test_format_chars(void **state)
{
	(void)state;
	static const unsigned long marks[] = {
		0x061C, 0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x08E2,
		0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D,
		0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x2060, 0xFEFF, 0x00AD, 0xE0041,
	};
	FILE *f = fopen("etc/patterns.conf", "r");
	assert_non_null(f);
	char line[2048];
	int tried = 0;
	while (fgets(line, sizeof line, f)) {
		char name[64];
		if (line[0] == '#' || sscanf(line, " %63[A-Za-z_.] =", name) != 1)
			continue;
		if (strchr(name, '.'))
			continue; /* a country's variant: tests/test_country.c */
		const char *ok = sample_of(name);
		if (!ok)
			fail_msg("pattern %s has no sample in test_format_chars", name);
		if (!validate_match(v, name, ok))
			fail_msg("%s: sample '%s' refused", name, ok);
		size_t n = strlen(ok), mid = n / 2;
		while (mid > 0 && ((unsigned char)ok[mid] & 0xc0) == 0x80)
			mid--; /* between two characters */
		for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
			char mk[8], val[256];
			put_utf8(mk, marks[m]);
			assert_true(uc_is_format(marks[m]));
			snprintf(val, sizeof val, "%s%s", mk, ok);
			if (validate_match(v, name, val))
				fail_msg("%s accepts U+%04lX before '%s'", name, marks[m], ok);
			snprintf(val, sizeof val, "%.*s%s%s", (int)mid, ok, mk, ok + mid);
			if (validate_match(v, name, val))
				fail_msg("%s accepts U+%04lX inside '%s'", name, marks[m], ok);
			snprintf(val, sizeof val, "%s%s", ok, mk);
			if (validate_match(v, name, val))
				fail_msg("%s accepts U+%04lX after '%s'", name, marks[m], ok);
		}
		tried++;
	}
	fclose(f);
	assert_int_equal(tried, (int)(sizeof samples / sizeof samples[0]));
	/* the scan itself: format characters found, their neighbours not */
	assert_true(utf8_has_format("ab\xe2\x80\x8f" "cd"));
	assert_false(utf8_has_format("محمد عبد الله"));
	assert_false(uc_is_format(0x0606)); /* ARABIC-INDIC CUBE ROOT: Sm, not Cf */
	assert_false(uc_is_format(0x2010));
	assert_false(utf8_has_format("\xe2\x80")); /* cut short: not a character */
	/* staff text kept as typed: well-formed, nothing that acts instead of showing */
	assert_true(utf8_is_shown("صفحة ناقصة - page manquante (2/3)"));
	assert_true(utf8_is_shown(""));
	assert_false(utf8_is_shown("a\x1b[2Jb"));
	assert_false(utf8_is_shown("two\nlines"));
	assert_false(utf8_is_shown("x\x7f"));
	assert_false(utf8_is_shown("x\xc2\x9b" "1m")); /* C1 CSI */
	assert_false(utf8_is_shown("x\xe2\x80\xae" "y")); /* RIGHT-TO-LEFT OVERRIDE */
	assert_false(utf8_is_shown("\xff"));
	assert_false(utf8_is_shown("\xe2\x80")); /* cut short */
	assert_false(utf8_is_shown("\xc0\xaf")); /* overlong '/' */
}

/* A stranger's text shown back or printed for an operator: controls, format characters
 * and bad bytes become '?', and the cut falls between characters. */
static void test_shown(void **state)
{
	(void)state;
	char out[32];
	utf8_shown("\x1b]0;X\x07\xe2\x80\xae" "AB\xc2\x85\x7f", out, sizeof out, 20);
	assert_string_equal(out, "?]0;X??AB??");
	utf8_shown("\xff\xc0\xaf" "a\xe2\x80", out, sizeof out, 20); /* stray, overlong, cut */
	assert_string_equal(out, "???a??");
	utf8_shown("abcdefghijklmnopqr\xd9\x84\xd9\x84", out, sizeof out, 19);
	assert_string_equal(out, "abcdefghijklmnopqr"); /* not half of U+0644 */
	utf8_shown("محمد", out, 5, 20); /* len bounds it too */
	assert_string_equal(out, "مح");
	utf8_shown(NULL, out, sizeof out, 20);
	assert_string_equal(out, "");
	utf8_shown("K7M4-9QXT-2HPB", out, sizeof out, 20);
	assert_string_equal(out, "K7M4-9QXT-2HPB");
}

static void test_masked(void **state)
{
	(void)state;
	char out[64];
	utf8_masked("12 avenue Hassan II, Bloc-C", out, sizeof out);
	assert_string_equal(out, "12 a***** H***** I*, B***-C");
	utf8_masked("شارع الحسن 5", out, sizeof out); /* a letter of two bytes, one '*' */
	assert_string_equal(out, "ش*** ا**** 5");
	utf8_masked("ab\x1b\xe2\x80\xae", out, sizeof out);
	assert_string_equal(out, "a*??");
	utf8_masked("abcdef", out, 4);
	assert_string_equal(out, "a**");
	utf8_masked(NULL, out, sizeof out);
	assert_string_equal(out, "");
}

/* A staff-typed name: whole in a NAME_MAX_BYTES buffer at the most characters allowed
 * (2 bytes each: Arabic), one more refused, nothing beyond U+07FF. */
static void test_names(void **state)
{
	(void)state;
	char name[4 * 50] = "", more[4 * 50];
	struct wq_errbuf eb = {0};
	for (int i = 0; i < VALIDATE_NAME_MAX_CHARS; i++)
		strcat(name, "\xd8\xa8"); /* U+0628 ARABIC LETTER BEH */
	assert_true(strlen(name) < NAME_MAX_BYTES);
	assert_int_equal(validate_name("name", name, &eb), WQ_OK);
	snprintf(more, sizeof more, "%s\xd8\xa8", name);
	assert_int_equal(validate_name("name", more, &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "name");
	assert_int_equal(validate_name("name", "Bureau central Hassan", &eb), WQ_OK);
	assert_int_equal(validate_name("name", "المكتب المركزي حسان", &eb), WQ_OK);
	assert_int_equal(validate_name("name", "A", &eb), WQ_OK);
	static const char *const bad[] = {"", " Hassan", "Hassan ", "Has\tsan", "Has\x1b[1msan",
		"Has\xc2\x85san", "Has\xe2\x80\xaesan", "Has\xe2\x81\xa6san", "Has\xffsan",
		"Has\xd8", "Has\xf0\x9f\x98\x80san", "\xe2\xb4\xb0\xe2\xb4\xb0", "Hassan\n", "\xc2\xa0Hassan"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (validate_name("full_name", bad[i], &eb) != WQ_EINVAL)
			fail_msg("validate_name takes bad[%zu]", i);
	assert_int_equal(validate_name("full_name", NULL, &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "full_name");
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
	/* digits only where the pattern has them: no sign, no space */
	assert_false(validate_date("1990-+5-17", iso, &y));
	assert_false(validate_date(" 1990-5-17", iso, &y));
	assert_false(validate_date("17/05/199 ", iso, &y));
	assert_false(validate_date("1990/05/17", iso, &y));
	assert_true(validate_date("31/12/2999", iso, &y));
	assert_string_equal(iso, "2999-12-31");
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
	/* bare, only JSON's own words and numbers */
	j = "{\"f\":false,\"n\":-0.5e+3,\"z\":0,\"e\":1E9}";
	assert_int_equal(form_parse_json(&f, j, strlen(j)), FORM_OK);
	assert_string_equal(form_get(&f, "f"), "false");
	assert_string_equal(form_get(&f, "n"), "-0.5e+3");
	assert_string_equal(form_get(&f, "z"), "0");
	assert_string_equal(form_get(&f, "e"), "1E9");
	form_free(&f);
	static const char *const bad[] = {"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
					  "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}", "{\"a\":1} x",
					  "{\"a\":{\"b\":1}}", "{\"city\":rabat}", "{\"a\":tru}",
					  "{\"a\":nulls}", "{\"a\":1abc}", "{\"a\":+1}", "{\"a\":01}",
					  "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":-}",
					  "{\"a\":1e+}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (form_parse_json(&f, bad[i], strlen(bad[i])) == FORM_OK)
			fail_msg("accepted %s", bad[i]);
		form_free(&f);
	}
	assert_int_equal(form_parse_json(&f, "{\"a\":\"\xff\"}", 8), FORM_EUTF8);
	form_free(&f);
	/* a list of flat objects (an order's lines), flattened to KEY[i].k */
	j = "{\"lines\":[{\"doc_type\":\"extract\",\"copies\":2}, {\"copies\":null}, {}],"
	    "\"x\":[]}";
	assert_int_equal(form_parse_json(&f, j, strlen(j)), FORM_OK);
	assert_string_equal(form_get(&f, "lines[0].doc_type"), "extract");
	assert_string_equal(form_get(&f, "lines[0].copies"), "2");
	assert_string_equal(form_get(&f, "lines[1].copies"), "");
	assert_null(form_get(&f, "lines"));
	assert_null(form_get(&f, "x"));
	form_free(&f);
	static const char *const bad_lists[] = {"{\"l\":[1]}", "{\"l\":[[]]}",
		"{\"l\":[{\"a\":[]}]}", "{\"l\":[{\"a\":{}}]}", "{\"l\":[{}", "{\"l\":[{},]}"};
	for (size_t i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++) {
		if (form_parse_json(&f, bad_lists[i], strlen(bad_lists[i])) == FORM_OK)
			fail_msg("accepted %s", bad_lists[i]);
		form_free(&f);
	}
	/* at most 100 elements; and the prefixes' room is bounded, whatever the body */
	char big[2048] = "{\"l\":[";
	for (int i = 0; i < 101; i++)
		strcat(big, i ? ",{}" : "{}");
	strcat(big, "]}");
	assert_int_equal(form_parse_json(&f, big, strlen(big)), FORM_EBAD);
	form_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patterns), cmocka_unit_test(test_missing_pattern_refused),
		cmocka_unit_test(test_dates),	 cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_utf8),	 cmocka_unit_test(test_form),
		cmocka_unit_test(test_json),	 cmocka_unit_test(test_format_chars),
		cmocka_unit_test(test_shown),
		cmocka_unit_test(test_masked),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
