/* http_form.c - decodes form and flat-JSON bodies into a struct form.  Runs in the HTTP
 * worker threads and the sandbox; pure (no I/O, no SQL).  A body that is not well
 * formed, holds a NUL or is not UTF-8 is refused whole: nothing half-decoded reaches a
 * handler. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_form.h"

int utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + len;
	while (s < end) {
		unsigned c = *s;
		if (c < 0x80) {
			s++;
			continue;
		}
		int n;
		unsigned min, cp;
		if ((c & 0xe0) == 0xc0) {
			n = 1, min = 0x80, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, min = 0x800, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return 0;
		}
		if (end - s <= n)
			return 0;
		for (int i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		s += n + 1;
	}
	return 1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes src[0..len) into dst (NUL-terminated); -1 on a bad escape or a NUL. */
static long url_decode(char *dst, const char *src, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = src[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= len)
				return -1;
			int h = hexval((unsigned char)src[i + 1]), l = hexval((unsigned char)src[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			c = (char)(h * 16 + l);
			i += 2;
		}
		if (c == 0)
			return -1;
		dst[o++] = c;
	}
	dst[o] = 0;
	return (long)o;
}

static int form_add(struct form *f, const char *k, const char *v)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->key[i], k))
			return 0; /* first wins */
	if (f->n >= FORM_MAX_FIELDS)
		return 0;
	f->key[f->n] = k;
	f->val[f->n] = v;
	f->n++;
	return 0;
}

int form_parse_urlencoded(struct form *f, const char *body, size_t len)
{
	memset(f, 0, sizeof *f);
	/* each pair stores its key and value NUL-terminated: a pair without '=' ("b&")
	 * takes 3 bytes for 2 of input, so twice the input is the bound */
	f->store = malloc(2 * len + 2);
	if (!f->store)
		return FORM_EBAD;
	char *o = f->store;
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && body[j] != '&')
			j++;
		/* one pair: body[i..j) */
		size_t eq = i;
		while (eq < j && body[eq] != '=')
			eq++;
		if (j > i) {
			char *k = o;
			long kl = url_decode(k, body + i, eq - i);
			if (kl < 0)
				return FORM_EBAD;
			o += kl + 1;
			char *v = o;
			long vl = eq < j ? url_decode(v, body + eq + 1, j - eq - 1) : (*v = 0, 0);
			if (vl < 0)
				return FORM_EBAD;
			o += vl + 1;
			if (!utf8_valid(k, (size_t)kl) || !utf8_valid(v, (size_t)vl))
				return FORM_EUTF8;
			form_add(f, k, v);
		}
		i = j + 1;
	}
	return FORM_OK;
}

/* ---- flat JSON ---- */
struct jp {
	const char *s, *end;
	char *o, *cap; /* the store's end */
};

#define ARRAY_ROOM 1024

static void jp_ws(struct jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static void put_utf8(char **o, unsigned cp)
{
	unsigned char *u = (unsigned char *)*o;
	if (cp < 0x80) {
		*u++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*u++ = (unsigned char)(0xc0 | (cp >> 6));
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*u++ = (unsigned char)(0xe0 | (cp >> 12));
		*u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*u++ = (unsigned char)(0xf0 | (cp >> 18));
		*u++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		*u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	*o = (char *)u;
}

static int jp_hex4(struct jp *p, unsigned *cp)
{
	if (p->end - p->s < 4)
		return -1;
	*cp = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)p->s[i]);
		if (h < 0)
			return -1;
		*cp = *cp * 16 + (unsigned)h;
	}
	p->s += 4;
	return 0;
}

/* A string (after the opening quote) into p->o; returns its start or NULL. */
static char *jp_string(struct jp *p)
{
	char *start = p->o;
	while (p->s < p->end && *p->s != '"') {
		unsigned char c = (unsigned char)*p->s++;
		if (c < 0x20)
			return NULL;
		if (c != '\\') {
			*p->o++ = (char)c;
			continue;
		}
		if (p->s >= p->end)
			return NULL;
		char e = *p->s++;
		unsigned cp;
		switch (e) {
		case '"': *p->o++ = '"'; break;
		case '\\': *p->o++ = '\\'; break;
		case '/': *p->o++ = '/'; break;
		case 'b': *p->o++ = '\b'; break;
		case 'f': *p->o++ = '\f'; break;
		case 'n': *p->o++ = '\n'; break;
		case 'r': *p->o++ = '\r'; break;
		case 't': *p->o++ = '\t'; break;
		case 'u':
			if (jp_hex4(p, &cp))
				return NULL;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				unsigned lo;
				if (p->end - p->s < 6 || p->s[0] != '\\' || p->s[1] != 'u')
					return NULL;
				p->s += 2;
				if (jp_hex4(p, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return NULL;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if ((cp >= 0xdc00 && cp <= 0xdfff) || cp == 0) {
				return NULL;
			}
			put_utf8(&p->o, cp);
			break;
		default:
			return NULL;
		}
	}
	if (p->s >= p->end)
		return NULL;
	p->s++; /* closing quote */
	*p->o++ = 0;
	return start;
}

/* 1 if the n bytes at s are a JSON number (RFC 8259: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?). */
static int json_number(const char *s, size_t n)
{
	const char *e = s + n;
	if (s < e && *s == '-')
		s++;
	if (s < e && *s == '0')
		s++;
	else if (s < e && *s >= '1' && *s <= '9')
		while (s < e && *s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (s < e && *s == '.') {
		const char *d = ++s;
		while (s < e && *s >= '0' && *s <= '9')
			s++;
		if (s == d)
			return 0;
	}
	if (s < e && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < e && (*s == '+' || *s == '-'))
			s++;
		const char *d = s;
		while (s < e && *s >= '0' && *s <= '9')
			s++;
		if (s == d)
			return 0;
	}
	return s == e;
}

/* A scalar value (after the spaces): a string, or a number, true, false, null copied
 * as text ("null" becomes "").  Returns its start in p->o, NULL if it is neither: a
 * bare word ("city":rabat) is malformed JSON, not a string. */
static char *jp_scalar(struct jp *p)
{
	if (p->s < p->end && *p->s == '"') {
		p->s++;
		return jp_string(p);
	}
	const char *st = p->s;
	while (p->s < p->end && (strchr("+-.0123456789eE", *p->s) || (*p->s >= 'a' && *p->s <= 'z')))
		p->s++;
	size_t n = (size_t)(p->s - st);
	if (!json_number(st, n) && !(n == 4 && !memcmp(st, "true", 4)) &&
	    !(n == 5 && !memcmp(st, "false", 5)) && !(n == 4 && !memcmp(st, "null", 4)))
		return NULL;
	char *v = p->o;
	if (!(n == 4 && !memcmp(st, "null", 4))) {
		memcpy(p->o, st, n);
		p->o += n;
	}
	*p->o++ = 0;
	return v;
}

static int jp_list(struct jp *p, struct form *f, const char *key);

/* After '{': a flat object's pairs, up to its '}'.  At the top (key NULL) a value may
 * be a list of such objects (jp_list); in a list, object i's keys are stored as
 * KEY[i].k (lines.h: the order's "lines").  That prefix is more than the input spelt:
 * it is written only while the rest of the body still fits in the store's room behind
 * it, else the body is refused (ARRAY_ROOM bytes of prefixes: ~60 pairs). */
static int jp_object(struct jp *p, struct form *f, const char *key, int i)
{
	jp_ws(p);
	if (p->s < p->end && *p->s == '}') {
		p->s++;
		return 0;
	}
	for (;;) {
		jp_ws(p);
		if (p->s >= p->end || *p->s++ != '"')
			return -1;
		char *k = p->o;
		if (key) {
			size_t plen = strlen(key) + 6; /* "[99]." and the NUL */
			if (p->o + plen + 2 * (size_t)(p->end - p->s) + 2 > p->cap)
				return -1;
			p->o += snprintf(p->o, plen, "%s[%d].", key, i);
		}
		if (!jp_string(p)) /* after the prefix, if any: one string */
			return -1;
		jp_ws(p);
		if (p->s >= p->end || *p->s++ != ':')
			return -1;
		jp_ws(p);
		if (!key && p->s < p->end && *p->s == '[') {
			p->s++;
			if (jp_list(p, f, k))
				return -1;
		} else {
			char *v = jp_scalar(p);
			if (!v)
				return -1;
			form_add(f, k, v);
		}
		jp_ws(p);
		if (p->s >= p->end)
			return -1;
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		return *p->s++ == '}' ? 0 : -1;
	}
}

/* After '[': at most 100 flat objects, the list's key prefixed to their keys. */
static int jp_list(struct jp *p, struct form *f, const char *key)
{
	jp_ws(p);
	if (p->s < p->end && *p->s == ']') {
		p->s++;
		return 0;
	}
	for (int i = 0;; i++) {
		jp_ws(p);
		if (p->s >= p->end || *p->s++ != '{' || i > 99 || jp_object(p, f, key, i))
			return -1;
		jp_ws(p);
		if (p->s >= p->end)
			return -1;
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		return *p->s++ == ']' ? 0 : -1;
	}
}

int form_parse_json(struct form *f, const char *body, size_t len)
{
	memset(f, 0, sizeof *f);
	if (!utf8_valid(body, len))
		return FORM_EUTF8;
	if (memchr(body, 0, len))
		return FORM_EBAD;
	/* decoded output is never longer than the input (a \u escape of 6 bytes gives <= 3,
	 * a surrogate pair of 12 gives 4; literals copied as is), but for the keys of a
	 * list's objects (jp_object), which get their prefix within ARRAY_ROOM */
	size_t cap = 2 * len + 2 + ARRAY_ROOM;
	f->store = malloc(cap);
	if (!f->store)
		return FORM_EBAD;
	struct jp p = {body, body + len, f->store, f->store + cap};
	jp_ws(&p);
	if (p.s >= p.end || *p.s++ != '{' || jp_object(&p, f, NULL, 0))
		return FORM_EBAD;
	jp_ws(&p);
	return p.s == p.end ? FORM_OK : FORM_EBAD;
}

const char *form_get(const struct form *f, const char *key)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->key[i], key))
			return f->val[i];
	return NULL;
}

void form_free(struct form *f)
{
	free(f->store);
	memset(f, 0, sizeof *f);
}
