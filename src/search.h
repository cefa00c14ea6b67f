/* search.h - what support needs to follow a request: finding it (tracking number,
 * national ID, phone, partial name in Arabic or Latin, or a PCRE2 pattern), its
 * payments and notifications, staff-only notes, and sending a notification again.
 * Reads are filtered by the actor's scope in SQL; writes are short audited
 * transactions. */
#ifndef WQ_SEARCH_H
#define WQ_SEARCH_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "limits.h"

#define SEARCH_MAX_HITS 200
/* A pattern (or a name found by no prefix) is matched in C against the newest this
 * many requests in scope: bounded work on any size of database. */
#define SEARCH_SCAN_ROWS 200000
#define SEARCH_QUERY_BYTES 128

enum search_kind {
	SEARCH_AUTO = 0, /* guessed from the text */
	SEARCH_TRACKING,
	SEARCH_CIN,
	SEARCH_PHONE,
	SEARCH_NAME,
	SEARCH_PATTERN, /* PCRE2, case-insensitive, over tracking, CIN, phone, e-mail, names, city */
	SEARCH_KIND_COUNT
};

struct search_hit {
	int64_t id;
	char tracking[TRACKING_BYTES];
	char state[20];
	char office_code[16];
	char name_lat[2 * NAME_MAX_BYTES + 2]; /* "Last First" */
	char name_ar[2 * NAME_MAX_BYTES + 2];  /* "First Last" */
	char cin[16];
	char phone[24];
	int64_t created_at;
};

struct search_result {
	enum search_kind kind; /* what was searched (after guessing) */
	struct search_hit *hits; /* newest first */
	int n;
	int truncated; /* more matched than SEARCH_MAX_HITS */
	int scanned;   /* rows matched in C (pattern, or name fallback); 0 if indexed only */
};

const char *search_kind_name(enum search_kind k);
/* "W123..." tracking, "/re/" or "re:..." pattern, mostly digits phone, letters then
 * digits CIN, else name. */
enum search_kind search_guess(const char *q);
int search_requests(struct db *db, const struct actor *a, enum search_kind kind,
		    const char *q, struct search_result *out, struct wq_errbuf *eb);
void search_result_free(struct search_result *r);

struct search_payment {
	int64_t id, amount_centimes, created_at, confirmed_at;
	char gateway_ref[68];
	char status[16];
};
struct search_notice {
	int64_t id, created_at, sent_at;
	char channel[8], recipient[128], state[10];
	int attempts;
	char last_error[128];
	char body[480];
};
struct search_note {
	int64_t id, at;
	char author[USERNAME_MAX_BYTES];
	char body[NOTE_MAX_BYTES];
};

/* Each: rows of one request the actor may see (WQ_ENOTFOUND otherwise); malloc'd. */
int search_payments(struct db *db, const struct actor *a, int64_t request_id,
		    struct search_payment **out, int *n, struct wq_errbuf *eb);
int search_notices(struct db *db, const struct actor *a, int64_t request_id,
		   struct search_notice **out, int *n, struct wq_errbuf *eb);
int search_notes(struct db *db, const struct actor *a, int64_t request_id,
		 struct search_note **out, int *n, struct wq_errbuf *eb);
/* An internal note (never shown to the citizen).  Support and inspectors. */
int search_note_add(struct db *db, const struct actor *a, int64_t request_id,
		    const char *body, struct wq_errbuf *eb);
/* Queues notification notice_id again as a new pending outbox row (the old row stays
 * as it was: the history of what was sent is kept).  *new_id gets the new row. */
int search_resend(struct db *db, const struct actor *a, int64_t notice_id, int64_t *new_id,
		  struct wq_errbuf *eb);

#endif
