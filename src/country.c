/* country.c - reading etc/countries.conf (country.h).  The grammar, one line each:
 *   CC = zone | name in French | name in Arabic
 *   CC.dial = calling code | trunk prefix or -
 *   CC.examples = phone number | postal code or -
 * blank lines and # comments aside.  A CC.* line follows its CC line. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

/* Splits s at " | " into at most n trimmed parts; how many. */
static int split(char *s, char **parts, int n)
{
	int k = 0;
	while (k < n) {
		char *bar = strchr(s, '|');
		if (bar)
			*bar = 0;
		parts[k++] = trim(s);
		if (!bar)
			return k;
		s = bar + 1;
	}
	return k + 1; /* one part too many */
}

static int copy(char *dst, size_t len, const char *src)
{
	if (!*src || strlen(src) >= len)
		return 0;
	memcpy(dst, src, strlen(src) + 1);
	return 1;
}

static int all_digits(const char *s, size_t lo, size_t hi)
{
	size_t n = strlen(s);
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return n >= lo && n <= hi;
}

static int line_fail(struct country_table *t, struct wq_errbuf *eb, int lineno, const char *why)
{
	country_free(t);
	return wq_fail(eb, WQ_EINVAL, "countries", "line %d: %s", lineno, why);
}

/* One line (s, NUL-terminated, trimmed, not a comment) into t. */
static const char *parse_line(struct country_table *t, char *s)
{
	char *eq = strchr(s, '=');
	if (!eq)
		return "expected 'CC = ...'";
	*eq = 0;
	char *key = trim(s), *val = trim(eq + 1), *parts[3];
	if (!isupper((unsigned char)key[0]) || !isupper((unsigned char)key[1]) ||
	    (key[2] && key[2] != '.'))
		return "a key is a country's two capital letters";
	if (!key[2]) { /* CC = zone | name_fr | name_ar */
		if (split(val, parts, 3) != 3)
			return "expected 'CC = zone | French name | Arabic name'";
		if (country_find(t, key))
			return "a country given twice";
		if (t->n == COUNTRIES_MAX)
			return "too many countries";
		struct country *c = &t->c[t->n];
		memset(c, 0, sizeof *c);
		memcpy(c->code, key, 2);
		if (strlen(parts[0]) != 1 || parts[0][0] < '0' || parts[0][0] >= '0' + COUNTRY_ZONES)
			return "the zone is 0 to 3";
		c->zone = parts[0][0] - '0';
		if ((c->zone == 0) != !strcmp(key, "MA"))
			return "zone 0 is Morocco's, and Morocco's alone";
		if (!copy(c->name_fr, sizeof c->name_fr, parts[1]) ||
		    !copy(c->name_ar, sizeof c->name_ar, parts[2]))
			return "a name is missing or too long";
		t->n++;
		return NULL;
	}
	struct country *c = t->n ? &t->c[t->n - 1] : NULL;
	if (!c || memcmp(c->code, key, 2))
		return "a CC.* line follows its CC line";
	if (!strcmp(key + 2, ".dial")) {
		if (split(val, parts, 2) != 2 || !all_digits(parts[0], 1, 3) ||
		    (strcmp(parts[1], "-") && !all_digits(parts[1], 1, 2)))
			return "expected 'CC.dial = calling code | trunk prefix or -'";
		memcpy(c->dial, parts[0], strlen(parts[0]) + 1);
		if (strcmp(parts[1], "-"))
			memcpy(c->trunk, parts[1], strlen(parts[1]) + 1);
		return NULL;
	}
	if (!strcmp(key + 2, ".examples")) {
		if (split(val, parts, 2) != 2 ||
		    !copy(c->phone_example, sizeof c->phone_example, parts[0]) ||
		    !copy(c->postal_example, sizeof c->postal_example, parts[1]))
			return "expected 'CC.examples = phone number | postal code or -'";
		return NULL;
	}
	return "unknown key (CC, CC.dial or CC.examples)";
}

int country_parse(const char *text, size_t len, struct country_table *t, struct wq_errbuf *eb)
{
	memset(t, 0, sizeof *t);
	if (!(t->c = calloc(COUNTRIES_MAX, sizeof *t->c)))
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	char line[1024];
	size_t pos = 0;
	int lineno = 0;
	while (pos < len) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		if (end - pos >= sizeof line)
			return line_fail(t, eb, lineno, "line too long");
		if (memchr(text + pos, 0, end - pos))
			return line_fail(t, eb, lineno, "a NUL byte");
		memcpy(line, text + pos, end - pos);
		line[end - pos] = 0;
		pos = end + 1;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		const char *why = parse_line(t, s);
		if (why)
			return line_fail(t, eb, lineno, why);
	}
	const struct country *ma = country_find(t, "MA");
	if (!ma) {
		country_free(t);
		return wq_fail(eb, WQ_EINVAL, "countries", "Morocco (MA) is missing");
	}
	if (ma != t->c) { /* Morocco first, the others keep their order */
		struct country m = *ma;
		memmove(t->c + 1, t->c, (size_t)(ma - t->c) * sizeof *t->c);
		t->c[0] = m;
	}
	return WQ_OK;
}

int country_load(const char *path, struct country_table *t, struct wq_errbuf *eb)
{
	memset(t, 0, sizeof *t);
	FILE *f = fopen(path, "r");
	if (!f)
		return wq_fail(eb, WQ_EIO, "countries", "%s: cannot open", path);
	static const size_t max = 256 * 1024;
	char *text = malloc(max);
	size_t n = text ? fread(text, 1, max, f) : 0;
	int toolong = text && n == max;
	fclose(f);
	if (!text)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	int rc = toolong ? wq_fail(eb, WQ_EINVAL, "countries", "%s: over 256 KiB", path)
			 : country_parse(text, n, t, eb);
	free(text);
	if (rc && eb && !toolong) {
		char msg[sizeof eb->msg];
		snprintf(msg, sizeof msg, "%s", eb->msg);
		wq_fail(eb, rc, "countries", "%s: %s", path, msg);
	}
	return rc;
}

void country_free(struct country_table *t)
{
	free(t->c);
	t->c = NULL;
	t->n = 0;
}

const struct country *country_find(const struct country_table *t, const char *code)
{
	if (!code || strlen(code) != 2)
		return NULL;
	char cc[3] = {(char)toupper((unsigned char)code[0]), (char)toupper((unsigned char)code[1]), 0};
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->c[i].code, cc))
			return &t->c[i];
	return NULL;
}

const struct country *country_by_dial(const struct country_table *t, const char *digits)
{
	const struct country *best = NULL;
	size_t best_len = 0;
	for (int i = 0; i < t->n; i++) {
		size_t n = strlen(t->c[i].dial);
		if (n && n > best_len && !strncmp(digits, t->c[i].dial, n)) {
			best = &t->c[i];
			best_len = n;
		}
	}
	return best;
}
