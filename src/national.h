/* national.h - the national inspection's queue of what the provinces raise above them:
 * requests a province's inspector raises with a note (or that stayed past their deadline
 * at province level, raised by the server's sweep), and the complaints raised the same
 * way (complaint_desk.h moves those).  A national inspector (an inspector with national
 * scope) reads them all and answers a raised request; a province's inspector reads what
 * his province raised and the national answer.  Every read is filtered by the actor in
 * SQL; every write is one short transaction with its audit row (src/db_national.c). */
#ifndef WQ_NATIONAL_H
#define WQ_NATIONAL_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "limits.h"

struct escalate_rules;

enum raised_kind { RAISED_REQUEST, RAISED_COMPLAINT };

/* One thing raised above a province, as the lists show it. */
struct raised {
	enum raised_kind kind;
	int64_t id; /* the raise (request) or the complaint */
	int64_t request_id;
	char tracking[TRACKING_BYTES];
	char office_code[16];
	char province_code[16];
	char req_state[20];
	char raised_by[USERNAME_MAX_BYTES]; /* "" when raised by itself (a deadline) */
	char note[NOTE_MAX_BYTES];	     /* "" when raised by itself */
	int64_t raised_at;
	int answered; /* answered since it was raised (by the national inspection) */
	char answered_by[USERNAME_MAX_BYTES];
	char answer[NOTE_MAX_BYTES];
	int64_t answered_at;
	int64_t version;
	char holder[USERNAME_MAX_BYTES]; /* the national inspector who took it, "" nobody */
	int64_t taken_at;
};

/* What was raised in the actor's reach, waiting ones first then oldest first; answered
 * ones too when all.  A national inspector: every province's; a province's inspector:
 * his province's; anyone else WQ_EDENIED.  *out malloc'd. */
int national_list(struct db *db, const struct actor *a, int all, struct raised **out,
		  int *n, struct wq_errbuf *eb);
/* A province's inspector raises a request of his province, with a note; WQ_ECONFLICT
 * when it already waits for the national answer. */
int national_raise_request(struct db *db, const struct actor *a, int64_t request_id,
			   const char *note, struct wq_errbuf *eb);
/* A national inspector takes a waiting raise (raise id), as an agent claims a request:
 * the others see that he holds it and cannot answer it (WQ_EDENIED, "taken by") until he
 * answers or gives it back; taking what one holds already changes nothing.
 * expected_version 0: whatever it is now; else WQ_ECONFLICT when it moved.  Audited
 * request.raise_take. */
int national_take_request(struct db *db, const struct actor *a, int64_t raise_id,
			  int64_t expected_version, struct wq_errbuf *eb);
/* The holder gives it back to the national queue; audited request.raise_release. */
int national_release_request(struct db *db, const struct actor *a, int64_t raise_id,
			     int64_t expected_version, struct wq_errbuf *eb);
/* A national inspector answers a raised request (raise id): one nobody holds, or that
 * he holds; expected_version 0: whatever it is now. */
int national_answer_request(struct db *db, const struct actor *a, int64_t raise_id,
			    int64_t expected_version, const char *answer,
			    struct wq_errbuf *eb);
/* The server's sweep: each open request at the province inspector's level past
 * r->national_days more working days (escalate_national_due), never raised before, is
 * raised by itself, audited request.raise by system; at most a batch a call, *n how many. */
int national_raise_overdue(struct db *db, const struct escalate_rules *r, int64_t now,
			   int *n, struct wq_errbuf *eb);

#endif
