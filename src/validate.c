/* validate.c - compiles the patterns of etc/patterns.conf (PCRE2, UTF + UCP, anchored
 * at both ends) and matches values against them; plus the checks a pattern cannot do
 * (a real calendar date); and the check of a name staff type (validate_name).  Loaded
 * once by http_server_start, then read-only: the HTTP worker threads share it.  No SQL,
 * no I/O after loading. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "unicode.h"
#include "validate.h"

_Static_assert(VALIDATE_NAME_MAX_CHARS * 2 < NAME_MAX_BYTES,
	       "a name of the most characters allowed must fit its column buffer");

/* Every pattern the code relies on; the file must define each. */
static const char *const validate_names[] = {
	"phone", "cin", "record_number", "record_year", "postal_code", "name_ar", "name_lat",
	"email", "date", "address", "city", "tracking", "secret", "complaint",
};
#define VALIDATE_COUNT (int)(sizeof validate_names / sizeof validate_names[0])

/* Beside those, a listed name may have variants per country, "postal_code.FR",
 * "phone.GB" (the order form's delivery country, country.h): compiled the same way. */
#define VALIDATE_VARIANTS_MAX 256

struct validator {
	pcre2_code *code[VALIDATE_COUNT];
	int nvariants;
	char variant_name[VALIDATE_VARIANTS_MAX][24];
	pcre2_code *variant[VALIDATE_VARIANTS_MAX];
};

static int validate_index(const char *name)
{
	for (int i = 0; i < VALIDATE_COUNT; i++)
		if (!strcmp(validate_names[i], name))
			return i;
	return -1;
}

/* "postal_code.FR": a listed name, a dot, two capital letters. */
static int variant_name_ok(const char *name)
{
	const char *dot = strchr(name, '.');
	if (!dot || strlen(dot) != 3 || !isupper((unsigned char)dot[1]) ||
	    !isupper((unsigned char)dot[2]))
		return 0;
	char base[24];
	size_t n = (size_t)(dot - name);
	if (n >= sizeof base)
		return 0;
	memcpy(base, name, n);
	base[n] = 0;
	return validate_index(base) >= 0;
}

static pcre2_code **slot(const struct validator *v, const char *name)
{
	int i = validate_index(name);
	if (i >= 0)
		return (pcre2_code **)&v->code[i];
	for (int k = 0; k < v->nvariants; k++)
		if (!strcmp(v->variant_name[k], name))
			return (pcre2_code **)&v->variant[k];
	return NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

int validate_load(const char *path, struct validator **out, struct wq_errbuf *eb)
{
	*out = NULL;
	FILE *f = fopen(path, "r");
	if (!f)
		return wq_fail(eb, WQ_EIO, "patterns", "%s: cannot open", path);
	struct validator *v = calloc(1, sizeof *v);
	if (!v) {
		fclose(f);
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	}
	char line[2048];
	int lineno = 0, rc = WQ_OK;
	while (rc == WQ_OK && fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = wq_fail(eb, WQ_EINVAL, "patterns", "%s:%d: expected 'name = pattern'",
				     path, lineno);
			break;
		}
		*eq = 0;
		char *name = trim(s), *pat = trim(eq + 1);
		pcre2_code **dst = slot(v, name);
		if (!dst && variant_name_ok(name)) {
			if (v->nvariants == VALIDATE_VARIANTS_MAX) {
				rc = wq_fail(eb, WQ_EINVAL, "patterns", "%s:%d: more than %d "
					     "per-country patterns", path, lineno,
					     VALIDATE_VARIANTS_MAX);
				break;
			}
			snprintf(v->variant_name[v->nvariants], sizeof v->variant_name[0], "%s",
				 name);
			dst = &v->variant[v->nvariants++];
		}
		if (!dst) /* unknown names are allowed: a later version may use them */
			continue;
		int err;
		PCRE2_SIZE off;
		pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
					      PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED |
						      PCRE2_ENDANCHORED,
					      &err, &off, NULL);
		if (!c) {
			PCRE2_UCHAR msg[160];
			pcre2_get_error_message(err, msg, sizeof msg);
			rc = wq_fail(eb, WQ_EINVAL, "patterns", "%s:%d: %s: %s at offset %zu", path,
				     lineno, name, (char *)msg, (size_t)off);
			break;
		}
		pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
		if (*dst)
			pcre2_code_free(*dst);
		*dst = c;
	}
	fclose(f);
	for (int i = 0; rc == WQ_OK && i < VALIDATE_COUNT; i++)
		if (!v->code[i])
			rc = wq_fail(eb, WQ_EINVAL, "patterns", "%s: pattern '%s' is missing", path,
				     validate_names[i]);
	if (rc) {
		validate_free(v);
		return rc;
	}
	*out = v;
	return WQ_OK;
}

void validate_free(struct validator *v)
{
	if (!v)
		return;
	for (int i = 0; i < VALIDATE_COUNT; i++)
		pcre2_code_free(v->code[i]);
	for (int k = 0; k < v->nvariants; k++)
		pcre2_code_free(v->variant[k]);
	free(v);
}

int validate_has(const struct validator *v, const char *name)
{
	pcre2_code **c = v && name ? slot(v, name) : NULL;
	return c && *c;
}

int validate_match(const struct validator *v, const char *name, const char *s)
{
	pcre2_code **c = v && name ? slot(v, name) : NULL;
	if (!c || !*c || !s)
		return 0;
	/* whatever a pattern says: an invisible format character (a bidi mark in a name)
	 * would show the value otherwise than it is stored */
	if (utf8_has_format(s))
		return 0;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(*c, NULL);
	if (!md)
		return 0;
	/* invalid UTF-8 makes pcre2_match fail with a negative code: never a match */
	int rc = pcre2_match(*c, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

void validate_normalize(char *dst, size_t dstlen, const char *src, int phone)
{
	size_t o = 0;
	int space = 0;
	if (!dstlen)
		return;
	for (const char *p = src ? src : ""; *p && o + 1 < dstlen; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = 1;
			continue;
		}
		if (phone && (c == '-' || c == '.' || c == '(' || c == ')' || c == '/'))
			continue;
		if (space && o > 0 && !phone && o + 2 < dstlen)
			dst[o++] = ' ';
		space = 0;
		dst[o++] = (char)c;
	}
	dst[o] = 0;
	/* never cut a UTF-8 sequence in the middle */
	while (o > 0 && ((unsigned char)dst[o - 1] & 0xc0) == 0x80) {
		size_t k = o - 1;
		while (k > 0 && ((unsigned char)dst[k] & 0xc0) == 0x80)
			k--;
		unsigned char lead = (unsigned char)dst[k];
		size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
		if (o - k == need)
			break;
		o = k;
		dst[o] = 0;
	}
	if (o > 0 && (unsigned char)dst[o - 1] >= 0xc0)
		dst[--o] = 0;
}

/* n ASCII digits at s, or -1: sscanf took a sign or a space where the pattern wants a
 * digit, and was half of a valid order's date check */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int validate_date(const char *s, char iso[11], int *year)
{
	int y, m, d;
	if (!s || strlen(s) != 10)
		return 0;
	if (s[4] == '-' && s[7] == '-') { /* ISO */
		y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	} else if (s[2] == '/' && s[5] == '/') { /* day first, as written in Morocco */
		d = digits(s, 2), m = digits(s + 3, 2), y = digits(s + 6, 4);
	} else {
		return 0;
	}
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return 0;
	const int part[] = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10, -1, m / 10, m % 10,
			    -1, d / 10, d % 10};
	for (int i = 0; i < 10; i++)
		iso[i] = part[i] < 0 ? '-' : (char)('0' + part[i]);
	iso[10] = 0;
	if (year)
		*year = y;
	return 1;
}

int validate_name(const char *field, const char *s, struct wq_errbuf *eb)
{
	int errcode, rc = -1;
	PCRE2_SIZE erroff;
	/* compiled each time: staff add a name now and then, never in a hot path */
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)VALIDATE_NAME_PATTERN, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_ENDANCHORED,
				       &errcode, &erroff, NULL);
	pcre2_match_data *md = re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
	/* malformed UTF-8 makes pcre2_match fail: refused like any other mismatch */
	if (md && s)
		rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	if (rc >= 0)
		return WQ_OK;
	return wq_fail(eb, WQ_EINVAL, field,
		       "expected 1 to %d characters of valid UTF-8, no space at either end, "
		       "no control character (escape, newline, tab...), no invisible format "
		       "character (bidi override, zero-width mark), nothing beyond U+07FF (Latin and Arabic letters are below it)",
		       VALIDATE_NAME_MAX_CHARS);
}
