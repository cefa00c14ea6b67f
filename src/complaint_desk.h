/* complaint_desk.h - the staff side of citizens' complaints: the inspector's province
 * queue, and the moves take -> answer -> resolve (or release what one took), or
 * escalate; support opening one on a citizen's behalf.  The citizen's side (filing from the tracking page) is complaint.h.
 * Every read is filtered by the actor's scope in SQL (an inspector sees his province's
 * complaints only); every write is one short transaction with its audit row.  The
 * answer is stored in complaints.answer / answered_at, which the tracking page shows,
 * and queued in the outbox as an SMS (and e-mail) to the citizen. */
#ifndef WQ_COMPLAINT_DESK_H
#define WQ_COMPLAINT_DESK_H

#include <stdint.h>

#include "actor.h"
#include "complaint.h"
#include "db.h"
#include "err.h"
#include "limits.h"

enum cd_state {
	CD_OPEN = 0,   /* filed, nobody took it */
	CD_TAKEN,      /* an inspector handles it */
	CD_ANSWERED,   /* the citizen got an answer */
	CD_RESOLVED,   /* closed */
	CD_ESCALATED,  /* raised above the province (with a note) */
	CD_COUNT
};

struct cd_complaint {
	int64_t id, request_id, province_id;
	char tracking[TRACKING_BYTES];
	char office_code[16];
	char req_state[20]; /* the request's state now */
	char citizen[2 * NAME_MAX_BYTES + 2]; /* "Last First" (Latin) */
	char lang[3];
	enum cd_state state;
	/* "" when the citizen filed it; "system" when the escalation sweep opened it for a
	 * missed delivery window */
	char opened_by[USERNAME_MAX_BYTES];
	char inspector[USERNAME_MAX_BYTES];
	int64_t inspector_id;
	int64_t opened_at, taken_at, answered_at, resolved_at, escalated_at, late_at;
	int late; /* unanswered past the limit (as of the read), or marked late */
	char body[COMPLAINT_MAX_BYTES];
	char answer[NOTE_MAX_BYTES];
	char escalation_note[NOTE_MAX_BYTES]; /* "" when raised by itself */
	char escalated_by[USERNAME_MAX_BYTES]; /* "" when raised by itself (or before 240) */
	int64_t version;
};

const char *cd_state_name(enum cd_state s);

/* The actor's complaints, oldest first; unresolved only unless all.  late_before: a
 * complaint opened before this time and not answered counts as late.  *out malloc'd. */
int complaint_desk_list(struct db *db, const struct actor *a, int all, int64_t late_before,
			struct cd_complaint **out, int *n, struct wq_errbuf *eb);
int complaint_desk_get(struct db *db, const struct actor *a, int64_t id,
		       struct cd_complaint *out, struct wq_errbuf *eb);
/* Complaints on one request (support, the request's detail), within scope. */
int complaint_desk_for_request(struct db *db, const struct actor *a, int64_t request_id,
			       struct cd_complaint **out, int *n, struct wq_errbuf *eb);

/* expected_version 0: whatever it is now; else WQ_ECONFLICT when it moved. */
int complaint_desk_take(struct db *db, const struct actor *a, int64_t id,
			int64_t expected_version, struct wq_errbuf *eb);
/* The inspector who took it gives it back: open again at its province, or waiting on
 * the national queue when it was raised; another inspector's is WQ_EDENIED. */
int complaint_desk_release(struct db *db, const struct actor *a, int64_t id,
			   int64_t expected_version, struct wq_errbuf *eb);
/* Stores the answer (shown on the tracking page) and notifies the citizen. */
int complaint_desk_answer(struct db *db, const struct actor *a, int64_t id,
			  int64_t expected_version, const char *answer, struct wq_errbuf *eb);
int complaint_desk_resolve(struct db *db, const struct actor *a, int64_t id,
			   int64_t expected_version, struct wq_errbuf *eb);
int complaint_desk_escalate(struct db *db, const struct actor *a, int64_t id,
			    int64_t expected_version, const char *note, struct wq_errbuf *eb);
/* Marks (late_at) every unanswered complaint in the actor's scope opened before
 * late_before; *n gets how many were newly marked.  Audited as complaint.late. */
int complaint_desk_mark_late(struct db *db, const struct actor *a, int64_t late_before,
			     int *n, struct wq_errbuf *eb);
/* The server's sweep: every complaint still open or taken at its province (never raised)
 * past r->complaint_days working days goes up to the national inspection by itself,
 * with a note saying so; each in its transaction, audited complaint.escalate by system.
 * *n gets how many. */
struct escalate_rules;
int complaint_desk_raise_overdue(struct db *db, const struct escalate_rules *r, int64_t now,
				 int *n, struct wq_errbuf *eb);
/* Support (or an inspector) opens a complaint for the citizen, e.g. on the phone. */
int complaint_desk_open(struct db *db, const struct actor *a, int64_t request_id,
			const char *body, int64_t *id_out, struct wq_errbuf *eb);

#endif
