/* request.h - the citizen's request and every operation on it, for screens and the
 * HTTP handlers.  Each function that writes is one short transaction in the data layer
 * that checks state, version and the actor's scope and appends to the history. */
#ifndef WQ_REQUEST_H
#define WQ_REQUEST_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "lifecycle.h"
#include "limits.h"

/* One document of an order (db/211): its type, copies and fee; open (it follows the
 * request's stage) or rejected alone by the agent, its fee refunded (lines.h). */
struct req_line {
	int no; /* 1, 2 */
	char doc_type[12];
	int copies;
	int64_t fee_centimes;
	int rejected;
	char reject_reason[200];
};

struct request {
	int64_t id;
	char tracking[TRACKING_BYTES];
	char doc_type[12]; /* "extract" | "full_copy": the first line's */
	int copies;
	/* the documents ordered, by line number; request_create: none means one line of
	 * doc_type and copies at the whole fee */
	int nlines;
	struct req_line lines[ORDER_LINES_MAX];
	int64_t birth_commune_id;
	char commune_name[NAME_MAX_BYTES]; /* French name of the commune of birth */
	char record_number[16];
	int record_year;
	char first_name_ar[NAME_MAX_BYTES], last_name_ar[NAME_MAX_BYTES];
	char first_name_lat[NAME_MAX_BYTES], last_name_lat[NAME_MAX_BYTES];
	char birth_date[11]; /* YYYY-MM-DD */
	char cin[16];
	char phone[24];
	char email[128];
	char address[ADDRESS_MAX_BYTES];
	char postal_code[12]; /* "10000", "SW1A 1AA" */
	char city[64];
	char country[3]; /* ISO 3166-1 of the delivery address (country.h); "MA" */
	char lang[3]; /* "ar" | "fr" */
	int64_t fee_centimes;
	enum req_state state;
	int64_t office_id;
	char office_code[16];
	int64_t agent_id; /* 0: unclaimed */
	char agent_name[USERNAME_MAX_BYTES];
	char reject_reason[200];
	int64_t version;
	int64_t created_at, paid_at, updated_at;
	char mail_code[16]; /* registered-mail code once with the post */
	int64_t stage_at;   /* when it entered its current state (escalate.h) */
};

struct req_event {
	int64_t id;
	int64_t at;
	char actor[USERNAME_MAX_BYTES];
	char office_code[16]; /* office the stage was recorded for */
	enum req_state from, to;
	char note[NOTE_MAX_BYTES];
};

/* What a list shows.  The actor's scope always narrows it further. */
struct request_filter {
	unsigned states;  /* bit set of (1u << RS_*); 0: all */
	int64_t office_id; /* 0: every office in scope */
	int64_t agent_id;  /* 0: any; -1: unclaimed only */
	int oldest_first;  /* by paid_at (queue order); else newest first */
	int limit, offset;
};
#define STATE_BIT(s) (1u << (s))

/* ---- reading ---- */
int request_get(struct db *db, const struct actor *a, int64_t id, struct request *out,
		struct wq_errbuf *eb);
int request_get_by_tracking(struct db *db, const struct actor *a, const char *tracking,
			    struct request *out, struct wq_errbuf *eb);
/* *out is malloc'd (free() it); *n rows. */
int request_list(struct db *db, const struct actor *a, const struct request_filter *f,
		 struct request **out, int *n, struct wq_errbuf *eb);
int request_count(struct db *db, const struct actor *a, const struct request_filter *f,
		  int *n, struct wq_errbuf *eb);
int request_history(struct db *db, const struct actor *a, int64_t id, struct req_event **out,
		    int *n, struct wq_errbuf *eb);
/* Citizen access (db_citizen.c): tracking number + secret code, checked against the
 * HMAC under the server key, in one transaction with the tracking number's wrong-code
 * counter (limits.h, SECRET_FAILS_FREE): WQ_OK and out filled; WQ_ENOTFOUND if either
 * is wrong (the same for a number that does not exist), counted; WQ_EINVAL if the code
 * is not of a code's shape; WQ_EBUSY with *wait_seconds > 0 while the number is held
 * back after wrong codes (the code not even checked, nothing changes). */
int request_get_citizen(struct db *db, const unsigned char key[32], const char *tracking,
			const char *secret, struct request *out, int *wait_seconds,
			struct wq_errbuf *eb);
/* A source (anon_failures) held back once it has `max` failures of `action` since
 * `since`: request_get_citizen_from() checks it first, in the lookup's transaction, and
 * answers WQ_EBUSY with held = 1 (nothing else read or counted). */
struct source_check {
	const char *action, *source;
	int64_t since;
	int max, held;
};
int request_get_citizen_from(struct db *db, const unsigned char key[32], const char *tracking,
			     const char *secret, struct source_check *src, struct request *out,
			     int *wait_seconds, struct wq_errbuf *eb);
/* The same, and on WQ_OK the read transaction the request was read in is left open:
 * the caller reads the rest of its page in that snapshot and ends it with db_commit().
 * On any other answer no transaction is open. */
int request_get_citizen_open(struct db *db, const unsigned char key[32], const char *tracking,
			     const char *secret, struct source_check *src, struct request *out,
			     int *wait_seconds, struct wq_errbuf *eb);
/* The secret_hash of a new request for this code (h1: HMAC under key); with key NULL
 * a hash no code matches (the demo's requests, whose codes nobody was given). */
void request_secret_hash(const unsigned char *key, const char *code, char out[72]);
/* Rewraps the unsalted SHA-256 hashes of older requests as 'h0:' HMAC(key, hash) (their
 * 6-character codes keep working); *n gets how many.  Run by the web side at start. */
int request_secrets_rewrap(struct db *db, const unsigned char key[32], int *n,
			   struct wq_errbuf *eb);
/* Forgets the wrong-code counts of tracking numbers left alone since `before` (a day on,
 * a number starts again with its free tries); *n gets how many. */
int request_secret_tries_prune(struct db *db, int64_t before, int *n, struct wq_errbuf *eb);
/* Open unpaid orders (pending_payment) with this phone number. */
int request_unpaid_for_phone(struct db *db, const char *phone, int *n, struct wq_errbuf *eb);
/* Erases the personal data of requests expired unpaid before `before` (names, birth
 * record, birth date, CIN, phone, e-mail, address), keeping number, dates and history;
 * at most 500 a call, *n gets how many. */
int request_purge_unpaid(struct db *db, int64_t before, int *n, struct wq_errbuf *eb);

/* ---- writing (staff) ---- expected_version 0 means "whatever it is now" */
int request_transition(struct db *db, const struct actor *a, int64_t id,
		       int64_t expected_version, enum req_state to, const char *note,
		       struct wq_errbuf *eb);
/* A move by the system inside a transaction the caller opened (another data-layer file
 * that writes more in the same commit: db_redispatch.c), checked as request_transition. */
int request_system_move_in_tx(struct db *db, int64_t id, enum req_state to, const char *note,
			      struct wq_errbuf *eb);
int request_claim(struct db *db, const struct actor *a, int64_t id, int64_t expected_version,
		  struct wq_errbuf *eb);
/* One line of an order rejected with a reason (db_lines.c): whoever may reject the
 * request (lifecycle.c) may reject one of its lines.  The line's fee is owed back
 * (refund.h) in the same transaction, the history notes it and the request's version
 * moves; the other lines go on.  The last open line rejected rejects the request (and
 * what was not yet refunded goes back).  WQ_ENOTFOUND (field line) for no such line,
 * WQ_ECONFLICT when it is already rejected or the version moved. */
int request_line_reject(struct db *db, const struct actor *a, int64_t id,
			int64_t expected_version, int line_no, const char *reason,
			struct wq_errbuf *eb);
/* A move inside a transaction the caller opened, checked as request_transition
 * (db_lines.c rejecting the last line rejects the request). */
int request_move_in_tx(struct db *db, const struct actor *a, int64_t id, int64_t expected,
		       enum req_state to, const char *note, struct wq_errbuf *eb);
/* Supervisor: give a queued or claimed request to an agent of the office. */
int request_assign(struct db *db, const struct actor *a, int64_t id, int64_t expected_version,
		   int64_t agent_id, struct wq_errbuf *eb);
/* Move a queued or claimed request to another office's queue, with a reason. */
int request_reassign(struct db *db, const struct actor *a, int64_t id,
		     int64_t expected_version, int64_t to_office_id, const char *reason,
		     struct wq_errbuf *eb);

/* The sealed envelope leaves the office (ready -> with_post) with its registered-mail
 * code (UPU S10, check digit verified); how: "pickup" (the post collected it) or
 * "deposit" (the office took it to the agency). */
int request_hand_to_post(struct db *db, const struct actor *a, int64_t id,
			 int64_t expected_version, const char *code, const char *how,
			 struct wq_errbuf *eb);

/* ---- writing (citizen and system) ---- */
/* Validated input in `in` (state, ids and times ignored): creates the request in
 * pending_payment at in->office_id (an open office of the birth commune, WQ_EINVAL
 * field office otherwise), or when 0 at the commune's central office; fills in->id, in->tracking,
 * and secret_out (the code the citizen keeps, stored as an HMAC under key: see
 * request_secret_hash).  WQ_ECONFLICT (field phone) when the phone number already has
 * max_unpaid_per_phone unpaid orders open (0: no limit). */
int request_create(struct db *db, struct request *in, const unsigned char *key,
		   int max_unpaid_per_phone, char secret_out[SECRET_CODE_BYTES],
		   struct wq_errbuf *eb);
/* Payment confirmed: the payment row and the move to `paid` commit together.
 * Idempotent on gateway_ref: a second call with the same ref changes nothing and
 * returns WQ_OK with *already = 1.  A second payment of a request already paid through
 * another is recorded and owed back (refund.h) at once: WQ_OK with *already = 2. */
int request_mark_paid(struct db *db, int64_t id, const char *gateway_ref,
		      int64_t amount_centimes, int *already, struct wq_errbuf *eb);
/* A signed callback announced txn for this request but the gateway could not confirm
 * it yet: the txn is kept (payments row 'initiated'), so that the citizen's return may
 * ask again.  A txn already known changes nothing. */
int request_payment_seen(struct db *db, int64_t id, const char *txn, int64_t amount_centimes,
			 struct wq_errbuf *eb);
/* 1 in *known if txn is a payment of this request that a signed callback announced:
 * only such a txn is ever sent to the gateway from the return page. */
int request_payment_known(struct db *db, int64_t id, const char *txn, int *known,
			  struct wq_errbuf *eb);
/* The citizen (known by the secret code, which the caller checked) cancels a paid
 * request still in the queue: it becomes cancelled and its fee a refund owed, in one
 * transaction.  WQ_ECONFLICT once an agent has claimed it (or it is in any other state). */
int request_cancel_citizen(struct db *db, int64_t id, struct wq_errbuf *eb);
/* The citizen's choice for an envelope the post brought back (state returned):
 * "collect" (to_collect: the office hands it over against the CIN) or "refund"
 * (destroyed, the fee owed back).  WQ_ECONFLICT when the request is not returned (or
 * WQ_EDENIED when only the office may move it from where it is). */
int request_returned_choice(struct db *db, int64_t id, const char *choice,
			    struct wq_errbuf *eb);
/* Envelopes back from the post (returned, or to_collect and never collected) older
 * than keep_seconds are destroyed by the office and refunded; *n gets the count. */
int request_destroy_unclaimed(struct db *db, int64_t keep_seconds, int *n,
			      struct wq_errbuf *eb);
/* Unpaid requests older than max_age_seconds become expired; *n gets the count. */
int request_expire_unpaid(struct db *db, int64_t max_age_seconds, int *n,
			  struct wq_errbuf *eb);
/* The same for those whose id is at most upto_id: the ones the gateway was asked about
 * (notify.c asks, in id order, before it lets an order expire). */
int request_expire_unpaid_upto(struct db *db, int64_t max_age_seconds, int64_t upto_id,
			       int *n, struct wq_errbuf *eb);

/* An unpaid request due to expire: what the gateway is asked about. */
struct unpaid_due {
	int64_t id, fee_centimes;
	char tracking[TRACKING_BYTES];
};
/* The unpaid requests older than max_age_seconds, oldest id first, at most max. */
int request_unpaid_due(struct db *db, int64_t max_age_seconds, struct unpaid_due *out,
		       int max, int *n, struct wq_errbuf *eb);

#endif
