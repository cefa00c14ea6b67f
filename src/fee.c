/* fee.c - reads the fee table (etc/fees.conf) and prices a request.  Loaded by
 * http_server_start; pure afterwards (the HTTP threads share the table read-only).
 * Money is integer centimes throughout; amounts are parsed without floating point. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fee.h"
#include "limits.h"

int64_t fee_parse_mad(const char *s)
{
	int64_t v = 0;
	int digits = 0, decimals = -1;
	for (; *s; s++) {
		if (*s == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (!isdigit((unsigned char)*s) || digits > 9 || decimals >= 2)
			return -1;
		v = v * 10 + (*s - '0');
		digits++;
		if (decimals >= 0)
			decimals++;
	}
	if (!digits || decimals == 0)
		return -1;
	for (int d = decimals < 0 ? 0 : decimals; d < 2; d++)
		v *= 10;
	return v;
}

static struct fee_row *fee_row(struct fee_table *t, const char *type)
{
	for (int i = 0; i < 2; i++)
		if (!strcmp(t->rows[i].doc_type, type))
			return &t->rows[i];
	return NULL;
}

int fee_load(struct fee_table *t, const char *path, struct wq_errbuf *eb)
{
	memset(t, 0, sizeof *t);
	t->rows[0].doc_type = "extract";
	t->rows[1].doc_type = "full_copy";
	for (int i = 0; i < 2; i++)
		t->rows[i].first_centimes = t->rows[i].extra_centimes = -1;
	for (int z = 1; z < COUNTRY_ZONES; z++)
		t->postage_centimes[z] = -1;
	FILE *f = fopen(path, "r");
	if (!f)
		return wq_fail(eb, WQ_EIO, "fees", "%s: cannot open", path);
	char line[256];
	int lineno = 0, rc = WQ_OK;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char key[64], val[64], part[16];
		char *s = line;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		if (sscanf(s, "%63[a-z0-9_.] = %63s", key, val) != 2) {
			rc = wq_fail(eb, WQ_EINVAL, "fees", "%s:%d: expected 'type.first = MAD'",
				     path, lineno);
			break;
		}
		char *dot = strchr(key, '.');
		struct fee_row *r = NULL;
		int zone = 0;
		if (sscanf(key, "post.zone%d", &zone) == 1 && zone >= 1 && zone < COUNTRY_ZONES &&
		    fee_parse_mad(val) >= 0) { /* registered mail abroad, by zone */
			t->postage_centimes[zone] = fee_parse_mad(val);
			continue;
		}
		if (dot) {
			*dot = 0;
			snprintf(part, sizeof part, "%s", dot + 1);
			r = fee_row(t, key);
		}
		int64_t c = fee_parse_mad(val);
		if (dot && !strcmp(key, "resend") && !strcmp(part, "postage") && c > 0) {
			t->resend_centimes = c;
			continue;
		}
		if (!r || c < 0 || (strcmp(part, "first") && strcmp(part, "extra"))) {
			rc = wq_fail(eb, WQ_EINVAL, "fees", "%s:%d: unknown key or bad amount", path,
				     lineno);
			break;
		}
		if (!strcmp(part, "first"))
			r->first_centimes = c;
		else
			r->extra_centimes = c;
	}
	fclose(f);
	if (rc == WQ_OK && t->resend_centimes <= 0)
		rc = wq_fail(eb, WQ_EINVAL, "fees", "%s: resend.postage is required", path);
	for (int i = 0; rc == WQ_OK && i < 2; i++)
		if (t->rows[i].first_centimes <= 0 || t->rows[i].extra_centimes < 0)
			rc = wq_fail(eb, WQ_EINVAL, "fees", "%s: %s.first and %s.extra are required",
				     path, t->rows[i].doc_type, t->rows[i].doc_type);
	for (int z = 1; rc == WQ_OK && z < COUNTRY_ZONES; z++)
		if (t->postage_centimes[z] < 0)
			rc = wq_fail(eb, WQ_EINVAL, "fees", "%s: post.zone%d (registered mail abroad) "
				     "is required", path, z);
	return rc;
}

int fee_compute(const struct fee_table *t, const char *doc_type, int copies,
		int64_t *centimes, struct wq_errbuf *eb)
{
	const struct fee_row *r = NULL;
	for (int i = 0; doc_type && i < 2; i++)
		if (t->rows[i].doc_type && !strcmp(t->rows[i].doc_type, doc_type))
			r = &t->rows[i];
	if (!r)
		return wq_fail(eb, WQ_EINVAL, "doc_type", "unknown document type");
	if (copies < 1 || copies > MAX_COPIES)
		return wq_fail(eb, WQ_EINVAL, "copies", "copies must be 1 to %d", MAX_COPIES);
	*centimes = r->first_centimes + (int64_t)(copies - 1) * r->extra_centimes;
	return WQ_OK;
}

int64_t fee_postage(const struct fee_table *t, int zone)
{
	return zone >= 1 && zone < COUNTRY_ZONES ? t->postage_centimes[zone] : 0;
}
