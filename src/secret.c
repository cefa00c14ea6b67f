/* secret.c - making and reading back the citizen's secret codes (secret.h).  Pure;
 * called by the data layer when a request is created and looked up. */
#include <string.h>

#include "secret.h"
#include "util.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford */

void secret_new(char out[SECRET_CODE_BYTES])
{
	unsigned char r[8];
	wq_random_bytes(r, sizeof r);
	secret_from_bytes(r, out);
}

void secret_from_bytes(const unsigned char r[8], char out[SECRET_CODE_BYTES])
{
	unsigned long long bits = 0;
	for (int i = 0; i < 8; i++)
		bits = bits << 8 | r[i];
	int o = 0;
	for (int i = 0; i < SECRET_CHARS; i++) {
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = alphabet[bits & 31]; /* 5 bits a character, 60 in all */
		bits >>= 5;
	}
	out[o] = 0;
}

enum secret_kind secret_canonical(const char *typed, char *out, size_t len)
{
	char raw[SECRET_CHARS + 1];
	size_t n = 0;
	if (len < SECRET_CHARS + 1)
		return SECRET_BAD;
	out[0] = 0;
	for (const char *p = typed ? typed : ""; *p; p++) {
		char c = *p;
		if (c == '-' || c == ' ')
			continue;
		if (n == SECRET_CHARS)
			return SECRET_BAD;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return SECRET_BAD;
		raw[n++] = c;
	}
	raw[n] = 0;
	if (n == SECRET_LEGACY_CHARS) { /* an old code: compared as it was issued */
		memcpy(out, raw, n + 1);
		return SECRET_LEGACY;
	}
	if (n != SECRET_CHARS)
		return SECRET_BAD;
	for (size_t i = 0; i < n; i++) {
		char c = raw[i] == 'O' ? '0' : raw[i] == 'I' || raw[i] == 'L' ? '1' : raw[i];
		if (!strchr(alphabet, c)) /* U: not in Crockford's alphabet */
			return SECRET_BAD;
		out[i] = c;
	}
	out[n] = 0;
	return SECRET_NEW;
}
