/* fuzz_form.c - libFuzzer harness for what the web side does with a request body before
 * any handler sees it: form decoding (application/x-www-form-urlencoded and flat JSON,
 * src/http_form.c), then every decoded value normalised and matched against every
 * pattern of etc/patterns.conf (src/validate.c), the date check, and the secret code's
 * reading (src/secret.c: what comes out is a code of the alphabet or nothing).  The first
 * input byte picks the decoder; the rest is the body. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_form.h"
#include "secret.h"
#include "validate.h"

static struct validator *val;
static char names[64][64];
static int nnames;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *root = getenv("WATIQA_SHARE");
	char path[512];
	snprintf(path, sizeof path, "%s/etc/patterns.conf", root ? root : ".");
	struct wq_errbuf eb = {0};
	if (validate_load(path, &val, &eb)) {
		fprintf(stderr, "fuzz_form: %s: %s\n", path, eb.msg);
		exit(1);
	}
	/* the pattern names, read from the same file */
	FILE *f = fopen(path, "r");
	char line[2048];
	while (f && fgets(line, sizeof line, f) && nnames < 64) {
		char name[64];
		if (line[0] != '#' && sscanf(line, " %63[a-z_0-9] =", name) == 1)
			snprintf(names[nnames++], sizeof names[0], "%s", name);
	}
	if (f)
		fclose(f);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct form f;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	int rc = (data[0] & 1) ? form_parse_json(&f, body, len)
			       : form_parse_urlencoded(&f, body, len);
	utf8_valid(body, len);
	if (rc != FORM_OK) {
		form_free(&f); /* the caller frees on failure too (src/http_server.c) */
		return 0;
	}
	for (int i = 0; i < f.n; i++) {
		char norm[512], iso[11];
		int year;
		if (!f.key[i] || !f.val[i])
			abort(); /* a decoded field always has both */
		validate_normalize(norm, sizeof norm, f.val[i], data[0] & 2);
		if (strlen(norm) >= sizeof norm)
			abort();
		for (int k = 0; k < nnames; k++)
			validate_match(val, names[k], norm);
		validate_date(norm, iso, &year);
		char canon[SECRET_CHARS + 1];
		enum secret_kind kind = secret_canonical(f.val[i], canon, sizeof canon);
		if (kind == SECRET_NEW &&
		    (strlen(canon) != SECRET_CHARS ||
		     strspn(canon, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") != SECRET_CHARS))
			abort();
		if (kind == SECRET_LEGACY && strlen(canon) != SECRET_LEGACY_CHARS)
			abort();
		form_get(&f, f.key[i]);
	}
	form_free(&f);
	return 0;
}
