/* test_fee.c - the fee table (src/fee.c): etc/fees.conf as shipped, amounts parsed
 * without floating point, bad files refused, out-of-range copies refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fee.h"
#include "limits.h"

static void test_shipped_table(void **state)
{
	(void)state;
	struct fee_table t;
	struct wq_errbuf eb;
	int64_t c;
	assert_int_equal(fee_load(&t, "etc/fees.conf", &eb), WQ_OK);
	assert_int_equal(fee_compute(&t, "extract", 1, &c, &eb), WQ_OK);
	assert_int_equal(c, 2000); /* "from 20 dirhams" */
	assert_int_equal(t.resend_centimes, 1500);
	assert_int_equal(fee_compute(&t, "extract", 2, &c, &eb), WQ_OK);
	assert_int_equal(c, 4000);
	assert_int_equal(fee_compute(&t, "full_copy", 1, &c, &eb), WQ_OK);
	assert_true(c >= 2000);
	assert_int_equal(fee_compute(&t, "extract", 0, &c, &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "copies");
	assert_int_equal(fee_compute(&t, "extract", MAX_COPIES + 1, &c, &eb), WQ_EINVAL);
	assert_int_equal(fee_compute(&t, "passport", 1, &c, &eb), WQ_EINVAL);
	assert_string_equal(eb.field, "doc_type");
	assert_int_equal(fee_compute(&t, NULL, 1, &c, &eb), WQ_EINVAL);
}

static void test_parse_mad(void **state)
{
	(void)state;
	assert_int_equal(fee_parse_mad("20"), 2000);
	assert_int_equal(fee_parse_mad("20.5"), 2050);
	assert_int_equal(fee_parse_mad("20.05"), 2005);
	assert_int_equal(fee_parse_mad("0.10"), 10);
	assert_int_equal(fee_parse_mad("20.055"), -1);
	assert_int_equal(fee_parse_mad("20."), -1);
	assert_int_equal(fee_parse_mad("-1"), -1);
	assert_int_equal(fee_parse_mad("2e3"), -1);
	assert_int_equal(fee_parse_mad(""), -1);
}

static int load_text(const char *text, struct fee_table *t)
{
	char path[] = "/tmp/watiqa-fees-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	struct wq_errbuf eb;
	int rc = fee_load(t, path, &eb);
	unlink(path);
	return rc;
}

static void test_bad_files(void **state)
{
	(void)state;
	struct fee_table t;
	int64_t c;
	struct wq_errbuf eb;
	assert_int_equal(load_text("extract.first = 25\nextract.extra = 10\n"
				   "full_copy.first = 40.00\nfull_copy.extra = 0\n"
				   "post.zone1 = 45\npost.zone2 = 60.5\npost.zone3 = 80\n"
				   "resend.postage = 12.50\n", &t), WQ_OK);
	assert_int_equal(t.resend_centimes, 1250);
	assert_int_equal(fee_compute(&t, "extract", 3, &c, &eb), WQ_OK);
	assert_int_equal(c, 4500);
	assert_int_equal(fee_postage(&t, 0), 0);
	assert_int_equal(fee_postage(&t, 2), 6050);
	/* registered mail abroad is required, zone by zone */
	assert_int_not_equal(load_text("extract.first = 25\nextract.extra = 10\n"
				       "full_copy.first = 40.00\nfull_copy.extra = 0\n"
				       "post.zone1 = 45\npost.zone3 = 80\nresend.postage = 15\n", &t), WQ_OK);
	assert_int_not_equal(load_text("extract.first = 25\nextract.extra = 10\n"
				       "full_copy.first = 40.00\nfull_copy.extra = 0\n"
				       "post.zone1 = 45\npost.zone2 = 6,0\npost.zone3 = 80\n"
				       "resend.postage = 15\n", &t),
			     WQ_OK);
	/* the re-dispatch postage is required, and a real amount */
	assert_int_not_equal(load_text("extract.first = 25\nextract.extra = 10\n"
				       "full_copy.first = 40.00\nfull_copy.extra = 0\n"
				       "post.zone1 = 45\npost.zone2 = 60\npost.zone3 = 80\n", &t), WQ_OK);
	assert_int_not_equal(load_text("extract.first = 25\nextract.extra = 10\n"
				       "full_copy.first = 40.00\nfull_copy.extra = 0\n"
				       "post.zone1 = 45\npost.zone2 = 60\npost.zone3 = 80\n"
				       "resend.postage = 0\n", &t), WQ_OK);
	assert_int_not_equal(load_text("extract.first = 20\n", &t), WQ_OK); /* missing rows */
	assert_int_not_equal(load_text("extract.first = 20,00\n", &t), WQ_OK);
	assert_int_not_equal(load_text("passport.first = 20\n", &t), WQ_OK);
	assert_int_not_equal(load_text("extract.third = 20\n", &t), WQ_OK);
	assert_int_not_equal(fee_load(&t, "/nonexistent/fees.conf", &eb), WQ_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_table),
		cmocka_unit_test(test_parse_mad),
		cmocka_unit_test(test_bad_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
