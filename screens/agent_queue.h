/* agent_queue.h - private to screens/agent_queue*.c: the agent screen's state, shared
 * by its keys and hooks (agent_queue.c) and its two tables (agent_queue_table.c: what
 * a row shows, how it sorts and stands out).  UI child only; no SQL. */
#ifndef WQ_AGENT_QUEUE_H
#define WQ_AGENT_QUEUE_H

#include <stdint.h>

#include "escalate.h"
#include "request.h"
#include "widget.h"

enum { VIEW_QUEUE, VIEW_MINE, VIEW_COUNT };

struct aq_state {
	int view;
	struct request *rows[VIEW_COUNT];
	int n[VIEW_COUNT];
	struct table tab[VIEW_COUNT];
	struct marks marks; /* queued requests marked for a batch claim */
	int64_t now;	 /* when the rows were loaded: ages are as of then */
	struct escalate_rules rules; /* stage deadlines: a row's level (LATE, LATE+, ESC) */
	int names_other; /* N: the names in the script the account's language does not use */
};

/* Sets up the Queue and Mine tables over s's rows. */
void agent_queue_tables(struct aq_state *s);
/* The tables' name columns in the script asked (after N or a change of language). */
void agent_queue_names(struct aq_state *s);
/* "Mine" reads by stage: claimed first, then in production, to sign, signed, ready. */
void agent_queue_sort_mine(struct request *rows, int n);

#endif
