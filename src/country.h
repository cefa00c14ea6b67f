/* country.h - the countries a document may be sent to (etc/countries.conf): ISO 3166-1
 * code, registered-mail zone, names in French and Arabic, and for the main countries of
 * the diaspora the calling code, the trunk prefix and examples of a phone number and a
 * postal code (their patterns are etc/patterns.conf's phone.CC and postal_code.CC).
 * Loaded once at start, then read-only (any thread).  Pure but for reading the file. */
#ifndef WQ_COUNTRY_H
#define WQ_COUNTRY_H

#include <stddef.h>

#include "err.h"

#define COUNTRY_ZONES 4 /* 0: Morocco (postage in the document fee), 1..3 abroad */
#define COUNTRIES_MAX 300

struct country {
	char code[3];
	int zone;
	char name_fr[80], name_ar[120];
	char dial[5];	       /* "33"; "" when the file gives none */
	char trunk[3];	       /* "0" dropped from a national number; "" none */
	char phone_example[24]; /* "6 12 34 56 78" */
	char postal_example[16]; /* "75011"; "-": the country has no postal codes */
};

struct country_table {
	struct country *c; /* Morocco first, then in the file's order */
	int n;
};

/* Parses the text of a countries.conf (len bytes, need not end in NUL).  WQ_EINVAL,
 * field "countries", naming the line, for anything else than its grammar; Morocco must
 * be in it.  On failure t is empty. */
int country_parse(const char *text, size_t len, struct country_table *t, struct wq_errbuf *eb);
int country_load(const char *path, struct country_table *t, struct wq_errbuf *eb);
void country_free(struct country_table *t);
/* The country of an ISO code ("FR", any case); NULL if none. */
const struct country *country_find(const struct country_table *t, const char *code);
/* The country of the calling code an international number starts with ("33612..."
 * without its "+"): the longest match among those with a calling code; NULL if none.
 * Countries sharing a code (US, CA: 1) answer the first. */
const struct country *country_by_dial(const struct country_table *t, const char *digits);

#endif
