/* fuzz_countries.c - libFuzzer harness for the delivery countries' file parser
 * (src/country.c): the input is a countries.conf given to country_parse(); what it
 * accepts must hold Morocco first, every code two capital letters, zones 0 to 3 with 0
 * Morocco's alone, and the lookups by code and by calling code must not read past a
 * field.  Finds crashes, overflows of the fixed-size fields and UB. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct country_table t;
	struct wq_errbuf eb = {0};
	if (country_parse((const char *)data, size, &t, &eb) != WQ_OK)
		return 0;
	if (t.n < 1 || strcmp(t.c[0].code, "MA") || t.c[0].zone != 0)
		abort();
	for (int i = 0; i < t.n; i++) {
		const struct country *k = &t.c[i];
		if (strlen(k->code) != 2 || k->code[0] < 'A' || k->code[0] > 'Z' ||
		    k->zone < 0 || k->zone >= COUNTRY_ZONES || (k->zone == 0) != (i == 0) ||
		    country_find(&t, k->code) != k)
			abort();
		if (k->dial[0] && !country_by_dial(&t, k->dial))
			abort();
	}
	char digits[24];
	size_t n = size < sizeof digits - 1 ? size : sizeof digits - 1;
	memcpy(digits, data, n);
	digits[n] = 0;
	country_by_dial(&t, digits);
	country_free(&t);
	return 0;
}
