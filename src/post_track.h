/* post_track.h - pulling a registered item's delivery status from the post's tracking
 * service over HTTP (libcurl), and recording the outcome.
 *
 * The service (the post's, or `watiqa sandbox` on loopback) answers
 *   GET {post_url}/track/{CODE}
 *   200 application/json {"code":"RR123456785MA","status":"in_transit","at":1767225600,
 *                         "reason":""}
 *       status: "in_transit" | "delivered" | "returned"; at: UTC seconds of that status;
 *       reason: why it came back (returned only; may be absent)
 *   404 the post does not know the code
 * Anything else is a gateway failure.  The call is made with no transaction open: the
 * outcome is then written like a person's (version-checked), so a pull racing a post
 * clerk changes nothing twice. */
#ifndef WQ_POST_TRACK_H
#define WQ_POST_TRACK_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

#define POST_TRACK_TIMEOUT_SECONDS 10
#define POST_TRACK_MAX_BODY_BYTES 4096

struct track_status {
	char code[16];
	char status[16]; /* in_transit | delivered | returned */
	int64_t at;
	char reason[200];
};

/* One GET; WQ_ENOTFOUND when the post does not know the code, WQ_EGATEWAY when the
 * service fails or answers something else. */
int post_track_fetch(const char *post_url, const char *code, struct track_status *out,
		     struct wq_errbuf *eb);
/* Asks the service about request_id's item (which must be with the post) and records
 * delivered or returned as actor `a` (a post account).  *changed: 1 if recorded. */
int post_track_sync(struct db *db, const struct actor *a, const char *post_url,
		    int64_t request_id, struct track_status *out, int *changed,
		    struct wq_errbuf *eb);

/* Parses the service's answer (exposed for the unit test). */
int post_track_parse(const char *body, struct track_status *out, struct wq_errbuf *eb);

#endif
