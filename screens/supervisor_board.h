/* supervisor_board.h - private to screens/supervisor_board*.c: the board's state,
 * shared by its keys and hooks (supervisor_board.c) and its table
 * (supervisor_board_table.c: what a row shows, how it sorts and stands out).
 * UI child only; no SQL. */
#ifndef WQ_SUPERVISOR_BOARD_H
#define WQ_SUPERVISOR_BOARD_H

#include <stdint.h>

#include "board.h"
#include "escalate.h"
#include "request.h"
#include "widget.h"

struct sb_state {
	int view;
	struct request *rows; /* every open request in scope */
	int nrows;
	int *idx; /* table row -> rows[] for the current view */
	int nidx;
	struct table tab;
	struct board_counts counts;
	struct agent_load *agents;
	int nagents;
	struct marks marks; /* requests marked for a batch assign or reassign */
	int64_t now, overdue_before;
	struct escalate_rules rules; /* stage deadlines: a row's level (LATE, LATE+, ESC) */
	int late, raised;	     /* rows at level 1 or more, 2 or more */
};

/* Sets up the table over the current view's rows (s->idx). */
void supervisor_board_table(struct sb_state *s);
/* The request shown at table row `row` of the current view. */
const struct request *supervisor_board_row(struct sb_state *s, int row);
/* How late the request is (escalate.h): 0 on time .. ESC_INSPECTOR. */
enum escalate_level supervisor_board_level(const struct sb_state *s, const struct request *r);

#endif
