/* msg.c - looking a screen text up in the message table (msg_table.c) and writing
 * dates and money the local way.  The table is sorted once, on first use, into an
 * index searched by its English text; the UI child is one thread.  No terminal, no
 * data access. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

static const struct msg_row **index_rows;
static enum lang session_lang;
static size_t index_n;

static int row_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct msg_row *const *)a)->en,
		      (*(const struct msg_row *const *)b)->en);
}

static int build_index(void)
{
	if (index_rows)
		return 0;
	index_rows = malloc(msg_table_rows * sizeof *index_rows);
	if (!index_rows)
		return -1;
	for (size_t i = 0; i < msg_table_rows; i++)
		index_rows[i] = &msg_table[i];
	qsort(index_rows, msg_table_rows, sizeof *index_rows, row_cmp);
	index_n = msg_table_rows;
	return 0;
}

const struct msg_row *msg_find(const char *en)
{
	struct msg_row key = {en, NULL, NULL};
	const struct msg_row *kp = &key, **hit;
	if (!en || build_index() != 0)
		return NULL;
	hit = bsearch(&kp, index_rows, index_n, sizeof *index_rows, row_cmp);
	return hit ? *hit : NULL;
}

const char *msg_tr(enum lang l, const char *en)
{
	const struct msg_row *r;
	const char *ctx_end = en ? strchr(en, '\004') : NULL;
	if (l == LANG_EN || !en || !en[0] || !(r = msg_find(en)))
		return ctx_end ? ctx_end + 1 : en;
	return l == LANG_FR ? r->fr : r->ar;
}

void msg_use(enum lang l)
{
	session_lang = l;
}

enum lang msg_session(void)
{
	return session_lang;
}

const char *tr_now(const char *en)
{
	return msg_tr(session_lang, en);
}

enum lang msg_lang(const char *code)
{
	if (code && !strcmp(code, "fr"))
		return LANG_FR;
	if (code && !strcmp(code, "ar"))
		return LANG_AR;
	return LANG_EN;
}

const char *msg_lang_code(enum lang l)
{
	return l == LANG_FR ? "fr" : l == LANG_AR ? "ar" : "en";
}

void msg_money(enum lang l, int64_t centimes, char *buf, size_t len)
{
	char digits[32], grouped[64];
	int neg = centimes < 0;
	uint64_t c = neg ? (uint64_t)0 - (uint64_t)centimes : (uint64_t)centimes;
	size_t n, o = 0;

	if (l == LANG_EN) {
		snprintf(buf, len, "%s%llu.%02llu", neg ? "-" : "",
			 (unsigned long long)(c / 100), (unsigned long long)(c % 100));
		return;
	}
	/* thousands by a no-break space, centimes after a comma: 12 345,50.  The no-break
	 * space is a number separator to the bidi algorithm: 6 290,00 stays one number in
	 * an Arabic line (a plain space would put 290,00 before the 6). */
	n = (size_t)snprintf(digits, sizeof digits, "%llu", (unsigned long long)(c / 100));
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			grouped[o++] = '\xc2';
			grouped[o++] = '\xa0';
		}
		grouped[o++] = digits[i];
	}
	grouped[o] = '\0';
	snprintf(buf, len, "%s%s,%02llu", neg ? "-" : "", grouped,
		 (unsigned long long)(c % 100));
}

void msg_date(enum lang l, const char *iso, char *buf, size_t len)
{
	int ok = strlen(iso) >= 10 && iso[4] == '-' && iso[7] == '-';
	if (l == LANG_EN || !ok) {
		snprintf(buf, len, "%s", iso);
		return;
	}
	snprintf(buf, len, "%.2s/%.2s/%.4s%s", iso + 8, iso + 5, iso, iso + 10);
}
