/* http_form.h - request bodies into key/value pairs: application/x-www-form-urlencoded
 * (the HTML forms, the gateway's callback) and flat JSON objects (the /api/v1 calls),
 * with lists of flat objects flattened (an order's "lines").
 * Values are decoded, NUL-free and valid UTF-8, or the whole body is refused.
 * Duplicate keys: the first wins; fields past FORM_MAX_FIELDS are ignored. */
#ifndef WQ_HTTP_FORM_H
#define WQ_HTTP_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS 48

enum form_rc { FORM_OK = 0, FORM_EBAD, FORM_EUTF8 };

struct form {
	int n;
	char *store; /* one allocation holding every decoded key and value */
	const char *key[FORM_MAX_FIELDS];
	const char *val[FORM_MAX_FIELDS];
};

int form_parse_urlencoded(struct form *f, const char *body, size_t len);
/* A flat object: {"k": "string" | number | true | false | null, ...}, where a value
 * may also be a list of flat objects, "k":[{"a":1},{"a":2}], stored as k[0].a, k[1].a
 * (at most 100 elements). */
int form_parse_json(struct form *f, const char *body, size_t len);
const char *form_get(const struct form *f, const char *key);
void form_free(struct form *f);
/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int utf8_valid(const char *s, size_t len);

#endif
