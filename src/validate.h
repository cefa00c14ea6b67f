/* validate.h - the PCRE2 patterns of etc/patterns.conf, compiled once at start and
 * matched against whole values by the HTTP threads (compiled code is shared read-only;
 * each match gets its own match data, so any thread may call validate_match); and the
 * rule for the names staff type, shared by the admin screens and the data layer. */
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

/* A name staff give an account or a place (office, commune, province): 1 to
 * VALIDATE_NAME_MAX_CHARS characters, no space at either end, none a control or format
 * character (the CLI prints it raw, the web serves it in JSON), none beyond U+07FF
 * (Latin with its accents and Arabic are below): at most 2 bytes each, so a
 * NAME_MAX_BYTES column buffer holds it whole, never cut inside a character, and a
 * commune's long name ("Commune rurale d'Aït Sidi Bou Othmane") fits.  One pattern for
 * the admin screens' forms and the data layer. */
#define VALIDATE_NAME_MAX_CHARS 63
#define VALIDATE_STR_(x) #x
#define VALIDATE_STR(x) VALIDATE_STR_(x)
#define VALIDATE_NAME_PATTERN                                                            \
	"(?=.{1," VALIDATE_STR(VALIDATE_NAME_MAX_CHARS) "}\\z)(?!\\p{Z})"                   \
	"[^\\p{C}\\p{Zl}\\p{Zp}\\x{800}-\\x{10ffff}]+(?<!\\p{Z})"
/* WQ_OK, or WQ_EINVAL naming field and saying what VALIDATE_NAME_PATTERN expects. */
int validate_name(const char *field, const char *s, struct wq_errbuf *eb);

#endif
