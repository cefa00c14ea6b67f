/* http_buf.h - a growable byte buffer for building pages and JSON, with the escaping
 * each output needs (HTML text and attributes, JSON strings, URL components).
 * Pure: no I/O, no SQL; any thread may use its own buffer. */
#ifndef WQ_HTTP_BUF_H
#define WQ_HTTP_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len, cap;
	int oom; /* an allocation failed: the content is truncated */
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Escapes & < > " ' for HTML text and attribute values. */
void buf_html(struct buf *b, const char *s);
/* A JSON string literal, quotes included. */
void buf_json_str(struct buf *b, const char *s);
/* Percent-encodes everything but unreserved characters (RFC 3986). */
void buf_url(struct buf *b, const char *s);
/* Returns the NUL-terminated content ("" when empty). */
const char *buf_str(struct buf *b);

#endif
