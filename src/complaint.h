/* complaint.h - citizens' complaints about a request: opened from the tracking page or
 * the API, routed to the inspector of the province of the request's office. */
#ifndef WQ_COMPLAINT_H
#define WQ_COMPLAINT_H

#include <stdint.h>

#include "db.h"
#include "err.h"
#include "limits.h"

#define COMPLAINT_MAX_BYTES	 NOTE_MAX_BYTES
#define COMPLAINT_MAX_OPEN	 3	/* open complaints per request at once */

struct complaint {
	int64_t id, request_id, province_id;
	int64_t opened_at, answered_at;
	char body[COMPLAINT_MAX_BYTES];
	char state[12]; /* open | taken | answered | resolved | escalated */
	char answer[NOTE_MAX_BYTES];
};

/* The citizen opens a complaint on request_id (already authenticated by tracking number
 * and secret code).  Audited as complaint.open with addr.  WQ_ECONFLICT when
 * COMPLAINT_MAX_OPEN are still open. */
int complaint_open_citizen(struct db *db, int64_t request_id, const char *tracking,
			   const char *body, const char *addr, int64_t *id_out,
			   struct wq_errbuf *eb);
/* Oldest first; *out malloc'd (free it). */
int complaint_list_for_request(struct db *db, int64_t request_id, struct complaint **out,
			       int *n, struct wq_errbuf *eb);

#endif
