/* mail.h - the sealed envelope and its registered-mail item (mail_items): the post
 * desk's lists (envelopes waiting at each office, items with the post), hand-over with
 * a UPU S10 code, delivered / returned, and the day's dispatch list of an office.
 * Reads are filtered by the actor's scope in SQL; writes go through the request's
 * lifecycle (request_hand_to_post, request_transition), whose transaction also moves
 * the envelope (db/010_mail_follows_state.sql). */
#ifndef WQ_MAIL_H
#define WQ_MAIL_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "lifecycle.h"
#include "limits.h"

enum mail_status { MS_SEALED, MS_WITH_POST, MS_DELIVERED, MS_RETURNED, MS_COUNT };
#define MAIL_BIT(s) (1u << (s))

struct envelope {
	int64_t request_id;
	char tracking[TRACKING_BYTES];
	enum req_state state;
	int64_t version;
	int64_t office_id;
	char office_code[16], office_name[NAME_MAX_BYTES];
	char relay_code[16]; /* the central office that relays it, "" if none */
	char name_lat[2 * NAME_MAX_BYTES], name_ar[2 * NAME_MAX_BYTES];
	char address[ADDRESS_MAX_BYTES], postal_code[12], city[64], phone[24];
	char country[3]; /* ISO 3166-1 of the address: "MA" in Morocco */
	char doc_type[12];
	int copies;
	char docs[64]; /* what the envelope holds: "extract x2 + full copy x1" (db/211) */
	enum mail_status status;
	char code[16]; /* "" until handed to the post */
	int64_t sealed_at;
	char sealed_by[USERNAME_MAX_BYTES];
	int64_t handed_at;
	char handed_how[8]; /* "pickup" | "deposit" | "" */
	int64_t closed_at;
	char reason[200]; /* why it came back */
};

struct mail_filter {
	unsigned statuses;  /* MAIL_BIT() set; 0: all */
	int64_t office_id;  /* 0: every office in scope */
	int64_t handed_from, handed_to; /* handed_at in [from, to); 0, 0: any */
	int limit;	    /* 0: 1000 */
};

const char *mail_status_name(enum mail_status s);

/* *out malloc'd (free it).  Ordered by office, then oldest first. */
int mail_list(struct db *db, const struct actor *a, const struct mail_filter *f,
	      struct envelope **out, int *n, struct wq_errbuf *eb);
int mail_get(struct db *db, const struct actor *a, int64_t request_id, struct envelope *out,
	     struct wq_errbuf *eb);

/* Envelopes waiting (sealed) per office in scope, for the post desk's head line. */
struct mail_office_count {
	int64_t office_id;
	char office_code[16];
	int waiting;
};
int mail_waiting_by_office(struct db *db, const struct actor *a,
			   struct mail_office_count **out, int *n, struct wq_errbuf *eb);

/* Says precisely what is wrong with a registered-mail code (length, letters, or which
 * check digit it should have); WQ_OK if it is a valid S10 code. */
int mail_code_check(const char *code, struct wq_errbuf *eb);
/* The envelope leaves the office: how is "pickup" or "deposit". */
int mail_hand(struct db *db, const struct actor *a, int64_t request_id,
	      int64_t expected_version, const char *code, const char *how,
	      struct wq_errbuf *eb);
/* The post's outcome: delivered (note optional), or returned (reason required). */
int mail_close(struct db *db, const struct actor *a, int64_t request_id,
	       int64_t expected_version, int delivered, const char *reason,
	       struct wq_errbuf *eb);

#endif
