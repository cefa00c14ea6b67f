/* agent_queue_table.c - the agent screen's two tables: the Queue (paid, unclaimed, oldest
 * first) and Mine (by stage): the cells of a request row, the orders each column
 * sorts by, late rows (escalate.h: LATE, LATE+, ESC) in bold and the batch marks.  Reads only the rows
 * agent_queue.c loaded into struct aq_state.  UI child only; no SQL.
 *
 * The citizen's name in one script, the account's: Latin on English and French screens,
 * Arabic on Arabic ones; N shows the other script, h both (the request's sheet).  This
 * is the first screen an agent gets at login, often over a slow link: its 20 rows are
 * most of its bytes, and both scripts took ~30 B a row (an Arabic letter is 2 bytes, and
 * the Latin name was padded to its column to leave room for the Arabic one): 2.1-2.3 KB
 * for the screen, 2 s at 9.6 kbit/s.  The name is what an agent reads to tell requests
 * apart and to call the citizen; he reads it in one script, and the other is one key
 * away.  The name ends the row, unpadded: nothing after it to align. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent_queue.h"
#include "sheet.h"

static enum escalate_level level(const struct aq_state *s, const struct request *r)
{
	return escalate_level(&s->rules, r->state, r->paid_at, r->stage_at, s->now);
}

static void name_lat(const struct request *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s", r->last_name_lat, r->first_name_lat);
}

static void name_ar(const struct request *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s", r->first_name_ar, r->last_name_ar);
}

/* The names in Arabic: on an Arabic screen, unless N asked for the other script. */
static int names_ar(const struct aq_state *s)
{
	return (msg_session() == LANG_AR) != s->names_other;
}

static void name_cell(const struct aq_state *s, const struct request *r, char *buf,
		      size_t len)
{
	if (names_ar(s))
		name_ar(r, buf, len);
	else
		name_lat(r, buf, len);
}

/* Queue columns, the name's title saying its script.  No document column: which
 * document and how many copies matter once claimed (Mine has it, and h); the queue is
 * taken oldest first.  The age in one unit ("3d"): the Late column says what is
 * overdue, h the time of payment. */
enum { QC_TRACKING, QC_AGE, QC_LATE, QC_NAME, QC_COUNT };
#define QUEUE_COLS(name)                                                                   \
	{                                                                                  \
		[QC_TRACKING] = {TX("Tracking"), 11, 0}, [QC_AGE] = {TX("Age"), 3, 1},     \
		[QC_LATE] = {TX("Late"), 5, 0}, [QC_NAME] = {name, 0, 0},                  \
	}
static const struct table_col queue_cols[2][QC_COUNT] = {QUEUE_COLS(TX("Name")),
							  QUEUE_COLS("اسم")};

/* Mine columns */
enum { MC_TRACKING, MC_STATE, MC_AGE, MC_LATE, MC_DOC, MC_NAME, MC_COUNT };
#define MINE_COLS(name)                                                                    \
	{                                                                                  \
		[MC_TRACKING] = {TX("Tracking"), 11, 0}, [MC_STATE] = {TX("Stage"), 13, 0}, \
		[MC_AGE] = {TX("Age"), 6, 1}, [MC_LATE] = {TX("Late"), 5, 0},              \
		[MC_DOC] = {TX("Doc"), 7, 0}, [MC_NAME] = {name, 0, 0},                    \
	}
static const struct table_col mine_cols[2][MC_COUNT] = {MINE_COLS(TX("Name")),
							MINE_COLS("اسم")};

static void queue_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	struct aq_state *s = ctx;
	const struct request *r = &s->rows[VIEW_QUEUE][row];
	switch (col) {
	case QC_TRACKING:
		snprintf(buf, len, "%s", r->tracking);
		break;
	case QC_AGE:
		table_age_short(s->now - r->paid_at, buf, len);
		break;
	case QC_LATE:
		snprintf(buf, len, "%s", tr_now(escalate_label(level(s, r))));
		break;
	default:
		name_cell(s, r, buf, len);
	}
}

static void mine_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	struct aq_state *s = ctx;
	const struct request *r = &s->rows[VIEW_MINE][row];
	switch (col) {
	case MC_TRACKING:
		snprintf(buf, len, "%s", r->tracking);
		break;
	case MC_STATE: /* "awaiting_signature" is wider than the column */
		snprintf(buf, len, "%s",
			 tr_now(r->state == RS_AWAITING_SIGNATURE ? "to sign"
								  : req_state_name(r->state)));
		break;
	case MC_AGE:
		table_age(s->now - r->paid_at, 1, buf, len);
		break;
	case MC_LATE:
		snprintf(buf, len, "%s", tr_now(escalate_label(level(s, r))));
		break;
	case MC_DOC:
		sheet_doc_cell(r, buf, len);
		break;
	default:
		name_cell(s, r, buf, len);
	}
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_req(const struct aq_state *s, const struct request *a, const struct request *b,
		   const char *what)
{
	char x[2 * NAME_MAX_BYTES + 2], y[2 * NAME_MAX_BYTES + 2];
	if (!strcmp(what, "tracking"))
		return strcmp(a->tracking, b->tracking);
	if (!strcmp(what, "age"))
		return cmp_i64(b->paid_at, a->paid_at); /* youngest first: smallest age */
	if (!strcmp(what, "late"))
		return (int)level(s, b) - (int)level(s, a);
	if (!strcmp(what, "doc"))
		return strcmp(a->doc_type, b->doc_type);
	if (!strcmp(what, "state"))
		return (int)a->state - (int)b->state;
	if (names_ar(s)) {
		name_ar(a, x, sizeof x);
		name_ar(b, y, sizeof y);
		return strcmp(x, y);
	}
	name_lat(a, x, sizeof x);
	name_lat(b, y, sizeof y);
	return strcasecmp(x, y);
}

static int queue_cmp(void *ctx, int a, int b, int col)
{
	static const char *const by[QC_COUNT] = {"tracking", "age", "late", "name"};
	struct aq_state *s = ctx;
	return cmp_req(s, &s->rows[VIEW_QUEUE][a], &s->rows[VIEW_QUEUE][b], by[col]);
}

static int mine_cmp(void *ctx, int a, int b, int col)
{
	static const char *const by[MC_COUNT] = {"tracking", "state", "age", "late", "doc",
						 "name"};
	struct aq_state *s = ctx;
	return cmp_req(s, &s->rows[VIEW_MINE][a], &s->rows[VIEW_MINE][b], by[col]);
}

static int64_t queue_id(void *ctx, int row)
{
	return ((struct aq_state *)ctx)->rows[VIEW_QUEUE][row].id;
}

static int64_t mine_id(void *ctx, int row)
{
	return ((struct aq_state *)ctx)->rows[VIEW_MINE][row].id;
}

static int queue_attr(void *ctx, int row)
{
	struct aq_state *s = ctx;
	return level(s, &s->rows[VIEW_QUEUE][row]) ? A_BOLD : A_NORMAL;
}

static int mine_attr(void *ctx, int row)
{
	struct aq_state *s = ctx;
	return level(s, &s->rows[VIEW_MINE][row]) ? A_BOLD : A_NORMAL;
}

static int queue_mark(void *ctx, int row)
{
	struct aq_state *s = ctx;
	return marks_find(&s->marks, s->rows[VIEW_QUEUE][row].id) >= 0 ? '*' : ' ';
}

static int mine_order(const void *a, const void *b)
{
	const struct request *x = a, *y = b;
	if (x->state != y->state)
		return (int)x->state - (int)y->state;
	return cmp_i64(x->paid_at, y->paid_at);
}

void agent_queue_sort_mine(struct request *rows, int n)
{
	if (n > 1)
		qsort(rows, (size_t)n, sizeof *rows, mine_order);
}

void agent_queue_names(struct aq_state *s)
{
	s->tab[VIEW_QUEUE].cols = queue_cols[names_ar(s)];
	s->tab[VIEW_MINE].cols = mine_cols[names_ar(s)];
}

void agent_queue_tables(struct aq_state *s)
{
	s->tab[VIEW_QUEUE] = (struct table){
		.cols = queue_cols[names_ar(s)], .ncols = QC_COUNT, .ctx = s, .cell = queue_cell,
		.cmp = queue_cmp, .row_id = queue_id, .row_attr = queue_attr,
		.row_mark = queue_mark, .sort_col = -1,
		.empty = TX("  The office queue is empty: no paid request waits."),
	};
	s->tab[VIEW_MINE] = (struct table){
		.cols = mine_cols[names_ar(s)], .ncols = MC_COUNT, .ctx = s, .cell = mine_cell,
		.cmp = mine_cmp, .row_id = mine_id, .row_attr = mine_attr, .sort_col = -1,
		.empty = TX("  You hold no request. Tab: back to the queue, c: claim one."),
	};
}
