/* supervisor_board_table.c - the supervisor board's table: the cells of an open
 * request (stage, agent, office, age, LATE / LATE+ / ESC), the order each column sorts
 * by, late rows in bold and the batch marks.  Reads only the rows supervisor_board.c loaded
 * into struct sb_state.  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "supervisor_board.h"

enum escalate_level supervisor_board_level(const struct sb_state *s, const struct request *r)
{
	return escalate_level(&s->rules, r->state, r->paid_at, r->stage_at, s->now);
}

enum { C_TRACKING, C_STAGE, C_AGENT, C_OFFICE, C_AGE, C_LATE, C_NAME, C_COUNT };
static const struct table_col cols[C_COUNT] = {
	[C_TRACKING] = {TX("Tracking"), 11, 0}, [C_STAGE] = {TX("Stage"), 9, 0},
	[C_AGENT] = {TX("Agent"), 8, 0},	    [C_OFFICE] = {TX("Office"), 9, 0},
	[C_AGE] = {TX("Age"), 6, 1},	    [C_LATE] = {TX("Late"), 5, 0},
	[C_NAME] = {TX("Name"), 0, 0},
};

static const char *stage_short(enum req_state s)
{
	switch (s) {
	case RS_PAID: return tr_now("queue");
	case RS_IN_PRODUCTION: return tr_now("in prod");
	case RS_AWAITING_SIGNATURE: return tr_now("to sign");
	case RS_WITH_POST: return tr_now("with post");
	case RS_TO_COLLECT: return tr_now("collect");
	default: return tr_now(req_state_name(s));
	}
}

const struct request *supervisor_board_row(struct sb_state *s, int row)
{
	return &s->rows[s->idx[row]];
}

static void cell(void *ctx, int row, int col, char *buf, size_t len)
{
	struct sb_state *s = ctx;
	const struct request *r = supervisor_board_row(s, row);
	switch (col) {
	case C_TRACKING: snprintf(buf, len, "%s", r->tracking); break;
	case C_STAGE: snprintf(buf, len, "%s", stage_short(r->state)); break;
	case C_AGENT: snprintf(buf, len, "%s", r->agent_name); break;
	case C_OFFICE: snprintf(buf, len, "%s", r->office_code); break;
	case C_AGE: table_age(s->now - r->paid_at, 0, buf, len); break;
	case C_LATE: snprintf(buf, len, "%s", tr_now(escalate_label(supervisor_board_level(s, r)))); break;
	default: snprintf(buf, len, "%s %s", r->last_name_lat, r->first_name_lat);
	}
}

static int cmp(void *ctx, int a, int b, int col)
{
	struct sb_state *s = ctx;
	const struct request *x = supervisor_board_row(s, a), *y = supervisor_board_row(s, b);
	switch (col) {
	case C_TRACKING: return strcmp(x->tracking, y->tracking);
	case C_STAGE: return (int)x->state - (int)y->state;
	case C_AGENT: return strcmp(x->agent_name, y->agent_name);
	case C_OFFICE: return strcmp(x->office_code, y->office_code);
	case C_AGE: return (y->paid_at > x->paid_at) - (y->paid_at < x->paid_at);
	case C_LATE: return (int)supervisor_board_level(s, y) - (int)supervisor_board_level(s, x);
	default: return strcasecmp(x->last_name_lat, y->last_name_lat);
	}
}

static int64_t row_id(void *ctx, int row)
{
	return supervisor_board_row(ctx, row)->id;
}

static int row_attr(void *ctx, int row)
{
	return supervisor_board_level(ctx, supervisor_board_row(ctx, row)) ? A_BOLD : A_NORMAL;
}

static int row_mark(void *ctx, int row)
{
	struct sb_state *s = ctx;
	return marks_find(&s->marks, supervisor_board_row(s, row)->id) >= 0 ? '*' : ' ';
}

void supervisor_board_table(struct sb_state *s)
{
	s->tab = (struct table){
		.cols = cols, .ncols = C_COUNT, .ctx = s, .cell = cell, .cmp = cmp,
		.row_id = row_id, .row_attr = row_attr, .row_mark = row_mark, .sort_col = -1,
		.empty = TX("  No open request in this view."),
	};
}
