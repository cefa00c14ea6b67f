/* audit.h - the staff actions log (append-only, hash-chained). */
#ifndef WQ_AUDIT_H
#define WQ_AUDIT_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct audit_row {
	int64_t id, at;
	char actor[USERNAME_MAX_BYTES];
	char action[32];
	char target[64];
	char detail[256];
	char addr[48];
};

/* One row in its own transaction (for logins and other events outside a write). */
int audit_log(struct db *db, const struct actor *a, const char *action, const char *target,
	      const char *detail, const char *addr, struct wq_errbuf *eb);
/* Newest first; action_prefix "" for all. */
int audit_list(struct db *db, const char *action_prefix, const char *actor, int limit,
	       struct audit_row **out, int *n, struct wq_errbuf *eb);
/* Recomputes both hash chains; *bad_id gets the first broken row id (0: all good). */
int audit_verify(struct db *db, int64_t *bad_events_id, int64_t *bad_audit_id,
		 struct wq_errbuf *eb);

#endif
