/* board.h - what the supervisor's board shows besides the request rows: counts by
 * stage, each agent's load, overdue counts, and a history that says who recorded each
 * stage, from which office, for which office (relayed low-activity offices). */
#ifndef WQ_BOARD_H
#define WQ_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "lifecycle.h"
#include "limits.h"

/* Open requests in the actor's scope: paid (queue) .. with_post. */
struct board_counts {
	int stage[RS_COUNT];
	int overdue; /* paid before overdue_before and not yet with the post */
};
int board_counts(struct db *db, const struct actor *a, int64_t overdue_before,
		 struct board_counts *out, struct wq_errbuf *eb);

/* The agents of the actor's office and what each holds. */
struct agent_load {
	int64_t user_id;
	char username[USERNAME_MAX_BYTES];
	char full_name[NAME_MAX_BYTES];
	int claimed, in_production, ready, overdue;
};
int board_agent_loads(struct db *db, const struct actor *a, int64_t overdue_before,
		      struct agent_load **out, int *n, struct wq_errbuf *eb);

struct board_event {
	int64_t at;
	char actor[USERNAME_MAX_BYTES];
	char actor_office[16]; /* office of the account that recorded it, "" if none */
	char office[16];       /* the request's office the stage was recorded for */
	enum req_state from, to;
	char note[NOTE_MAX_BYTES];
};
/* History of a request the actor may see (scope checked), oldest first. */
int board_history(struct db *db, const struct actor *a, int64_t request_id,
		  struct board_event **out, int *n, struct wq_errbuf *eb);
/* An event as a person reads it, in the session's language: history_text.h. */

#endif
