/* anon.h - failures by strangers (forged payment callbacks, unknown txns, wrong secret
 * codes), counted per action, source and minute in one row (db/100_anon_failures.sql)
 * rather than one audit row each: the hash-chained audit log is the staff's, and
 * nobody outside may grow it at will.  The counts also feed limits per source. */
#ifndef WQ_ANON_H
#define WQ_ANON_H

#include <stdint.h>

#include "db.h"
#include "err.h"

#define ANON_SAMPLE_BYTES 200
#define ANON_KEEP_SECONDS (90 * 86400)

/* One more failure of `action` from `source` this minute; `sample` (cut to
 * ANON_SAMPLE_BYTES) is kept for the minute's first.  One statement. */
int anon_fail(struct db *db, const char *action, const char *source, const char *sample,
	      struct wq_errbuf *eb);
/* Failures of `action` from `source` since `since` (unix time, rounded down to its
 * minute); source NULL: from everywhere. */
int anon_fail_count(struct db *db, const char *action, const char *source, int64_t since,
		    int *n, struct wq_errbuf *eb);
/* Failures since `since`, summed per action and source, most first (the operator's
 * `watiqa audit strangers`); at most max rows in out, *n filled. */
struct anon_sum {
	char action[32];
	char source[64];
	int count, minutes;	 /* failures, and over how many minutes */
	int64_t first_at, last_at; /* the start of the first and of the last minute */
	char sample[ANON_SAMPLE_BYTES + 1];
};
int anon_fail_sums(struct db *db, int64_t since, struct anon_sum *out, int max, int *n,
		   struct wq_errbuf *eb);
/* Forgets the minutes before `before`; *n gets the rows removed. */
int anon_fail_prune(struct db *db, int64_t before, int *n, struct wq_errbuf *eb);

#endif
