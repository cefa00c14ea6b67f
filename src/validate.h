/* validate.h - the PCRE2 patterns of etc/patterns.conf, compiled once at start and
 * matched against whole values by the HTTP threads (compiled code is shared read-only;
 * each match gets its own match data, so any thread may call validate_match). */
#ifndef WQ_VALIDATE_H
#define WQ_VALIDATE_H

#include <stddef.h>

#include "err.h"

struct validator;

/* Loads and compiles every pattern; fails naming the first missing or bad one. */
int validate_load(const char *path, struct validator **out, struct wq_errbuf *eb);
void validate_free(struct validator *v);
/* 1 if the file defines the pattern `name` (a country's variant, say). */
int validate_has(const struct validator *v, const char *name);
/* 1 if the whole of s matches the named pattern, 0 if not (or no such pattern, or s
 * holds a Unicode format character, whatever the pattern).  A name may be a listed
 * one's variant for a country, "postal_code.FR", when the file defines it. */
int validate_match(const struct validator *v, const char *name, const char *s);
/* Trims, squeezes inner runs of blanks to one space, drops separators people type in
 * phone numbers when phone != 0; writes at most dstlen-1 bytes. */
void validate_normalize(char *dst, size_t dstlen, const char *src, int phone);
/* A real calendar date, "YYYY-MM-DD" or "DD/MM/YYYY"; writes ISO form to iso[11]. */
int validate_date(const char *s, char iso[11], int *year);

#endif
