/* document.h - verifiable documents: every document an office produces carries a
 * verification code printed on its sheet, "K7M4-9QXT-2HPB" (60 bits, secret.h's shape),
 * which any administration checks on /verify: the document type, the issuing office,
 * the date, the person's initials, and whether it is still valid (the request was not
 * rejected, cancelled, destroyed or refunded since).  Nothing more personal.
 *
 * The code is never stored: it is derived under the server key (server_key.h) from a
 * random nonce in the row, and looked up by its HMAC under the same key, so that the
 * database alone neither reveals a code nor checks one (db/180_documents.sql). */
#ifndef WQ_DOCUMENT_H
#define WQ_DOCUMENT_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "lifecycle.h"
#include "limits.h"

/* What /verify may say about a document: no name, no birth data, no address. */
struct doc_check {
	char doc_type[12];    /* "extract" | "full_copy" */
	char office_code[16]; /* the issuing office */
	char office_name_fr[NAME_MAX_BYTES], office_name_ar[NAME_MAX_BYTES];
	int64_t issued_at;
	char initials[24];    /* "L. I.": first name, then last name, Latin letters */
	int valid;
	/* why it is not valid: "rejected", "cancelled", "destroyed", "refunded"; "" if valid */
	char revoked[12];
};

/* The outcomes a lookup is counted under, one counter per local day (verify_daily). */
enum verify_outcome { VO_VALID, VO_NOT_VALID, VO_UNKNOWN, VO_MALFORMED, VO_HELD_BACK,
		      VO_COUNT };
const char *verify_outcome_name(enum verify_outcome o);

/* The verification code of request_id's document, "XXXX-XXXX-XXXX", in code_out: the
 * document of the order's line line_no (db/211: one document per line, each its own
 * code), 0 the first line not rejected; a rejected line has none (WQ_ECONFLICT).  With
 * issue set and no document yet, one is issued (an agent, supervisor or officer of the
 * office, a request whose production has been declared: in production or past it, not
 * rejected or cancelled); without it, "" when there is none.  The request is read through the
 * actor's scope (WQ_ENOTFOUND outside it); WQ_EDENIED for another role, WQ_ECONFLICT
 * for a request not produced. */
int document_code(struct db *db, const struct actor *a, const unsigned char key[32],
		  int64_t request_id, int line_no, int issue, char code_out[SECRET_CODE_BYTES],
		  struct wq_errbuf *eb);
/* Anyone's lookup of a typed code (case, dashes and spaces do not matter; O, I, L read
 * as 0, 1, 1): WQ_OK and out filled, WQ_ENOTFOUND for no such document, WQ_EINVAL
 * (field "code") for something not of a code's shape.  Counted (verify_daily). */
int document_verify(struct db *db, const unsigned char key[32], const char *typed,
		    struct doc_check *out, struct wq_errbuf *eb);
/* One more lookup of outcome today (a held-back one, which never reaches the lookup). */
int verify_count(struct db *db, enum verify_outcome o, struct wq_errbuf *eb);
/* The counts of local day `day` (local_day.h), by outcome. */
int verify_counts(struct db *db, int64_t day, int counts[VO_COUNT], struct wq_errbuf *eb);

#endif
