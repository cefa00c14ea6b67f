/* inspector_raised.c - what was raised to the national inspection (national.h): the
 * requests a province's inspector raised with a note or that stayed past their deadline
 * at province level, and the complaints raised the same way.  For a national inspector
 * it is his queue (waiting ones first): he takes one (the others see his name in its
 * State and cannot answer it, until he gives it back), reads it with its request and
 * history and answers it (a request: to the province; a complaint: to the citizen, as
 * on the complaints screen).  For a province's inspector it is what his province
 * raised, with the national answer.  Which rows each sees is decided by the data layer
 * from his actor; this file only shows them.  Reached by N from the complaints and
 * escalations.  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint_desk.h"
#include "national.h"
#include "screen.h"
#include "sheet.h"
#include "util.h"
#include "widget.h"

struct ir_state {
	struct raised *rows;
	int n;
	int all; /* answered ones too */
	int waiting;
	struct table tab;
	int64_t now;
};

static struct ir_state *st(struct ui *ui)
{
	return ui->state;
}

enum { IR_KIND, IR_AGE, IR_STATE, IR_TRACKING, IR_PROVINCE, IR_OFFICE, IR_BY, IR_NOTE,
       IR_COUNT };
static const struct table_col ir_cols[IR_COUNT] = {
	[IR_KIND] = {TX("Kind"), 9, 0},	    [IR_AGE] = {TX("Age"), 6, 1},
	[IR_STATE] = {TX("State"), 10, 0},	    [IR_TRACKING] = {TX("Tracking"), 11, 0},
	[IR_PROVINCE] = {TX("Province"), 8, 0}, [IR_OFFICE] = {TX("Office"), 10, 0},
	[IR_BY] = {TX("By"), 10, 0},	    [IR_NOTE] = {TX("Note"), 0, 0},
};

static const char *kind_text(const struct raised *x)
{
	return x->kind == RAISED_REQUEST ? tr_now("request") : tr_now("complaint");
}

static const char *by_text(const struct raised *x)
{
	return x->raised_by[0] ? x->raised_by : tr_now("itself");
}

/* The sweep stores no note: its reason is said here, in the reader's language. */
static const char *note_text(const struct raised *x)
{
	if (x->note[0])
		return x->note;
	return x->kind == RAISED_REQUEST ? tr_now("past its deadline at the province")
					 : tr_now("unanswered at the province past its deadline");
}

static void ir_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	struct ir_state *s = ctx;
	const struct raised *x = &s->rows[row];
	switch (col) {
	case IR_KIND: snprintf(buf, len, "%s", kind_text(x)); break;
	case IR_AGE: table_age(s->now - x->raised_at, 0, buf, len); break;
	case IR_STATE: /* who holds a taken one: the others see they cannot answer it */
		snprintf(buf, len, "%s", x->answered	? tr_now("answered")
					 : x->holder[0] ? x->holder
							: tr_now("waiting"));
		break;
	case IR_TRACKING: snprintf(buf, len, "%s", x->tracking); break;
	case IR_PROVINCE: snprintf(buf, len, "%s", x->province_code); break;
	case IR_OFFICE: snprintf(buf, len, "%s", x->office_code); break;
	case IR_BY: snprintf(buf, len, "%s", by_text(x)); break;
	default: snprintf(buf, len, "%s", x->answered ? x->answer : note_text(x));
	}
}

static int ir_cmp(void *ctx, int a, int b, int col)
{
	struct ir_state *s = ctx;
	const struct raised *x = &s->rows[a], *y = &s->rows[b];
	char p[NOTE_MAX_BYTES], q[NOTE_MAX_BYTES];
	switch (col) {
	case IR_AGE: return (x->raised_at > y->raised_at) - (x->raised_at < y->raised_at);
	case IR_STATE: return x->answered - y->answered;
	default:
		ir_cell(ctx, a, col, p, sizeof p);
		ir_cell(ctx, b, col, q, sizeof q);
		return strcmp(p, q);
	}
}

static int64_t ir_id(void *ctx, int row)
{
	const struct raised *x = &((struct ir_state *)ctx)->rows[row];
	return x->kind == RAISED_REQUEST ? x->id : -x->id; /* one id space for both kinds */
}

static int ir_attr(void *ctx, int row)
{
	return ((struct ir_state *)ctx)->rows[row].answered ? A_NORMAL : A_BOLD;
}

static int ir_open(struct ui *ui)
{
	struct ir_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->tab = (struct table){
		.cols = ir_cols, .ncols = IR_COUNT, .ctx = s, .cell = ir_cell, .cmp = ir_cmp,
		.row_id = ir_id, .row_attr = ir_attr, .sort_col = -1,
		.empty = ui->actor.scope == SCOPE_NATIONAL
				 ? TX("  Nothing raised to the national inspection waits.")
				 : TX("  Your province raised nothing that waits (A: answered too)."),
	};
	ui->state = s;
	return 0;
}

static void ir_close(struct ui *ui)
{
	struct ir_state *s = st(ui);
	if (!s)
		return;
	free(s->rows);
	table_free(&s->tab);
	free(s);
	ui->state = NULL;
}

static int ir_load(struct ui *ui)
{
	struct ir_state *s = st(ui);
	struct raised *rows = NULL;
	struct wq_errbuf eb = {0};
	int n = 0;
	s->now = wq_now();
	if (national_list(ui->db, &ui->actor, s->all, &rows, &n, &eb)) {
		status_wq(ui, tr(ui, "loading what was raised"), &eb);
		return -1;
	}
	s->waiting = 0;
	for (int i = 0; i < n; i++)
		s->waiting += !rows[i].answered;
	TABLE_REPLACE(&s->tab, s->rows, s->n, rows, n);
	return 0;
}

static void ir_paint(struct ui *ui)
{
	table_paint(ui, &st(ui)->tab, 1, ui->term.rows - 3);
}

static struct table *ir_table(struct ui *ui)
{
	return &st(ui)->tab;
}

static void ir_tabs(struct ui *ui, char *buf, size_t len)
{
	struct ir_state *s = st(ui);
	snprintf(buf, len, tr(ui, "waiting %d/%d"), s->waiting, s->n);
}

static const struct raised *current(struct ui *ui)
{
	struct ir_state *s = st(ui);
	int r = table_cur(&s->tab);
	if (r < 0) {
		status_error(ui, tr(ui, "nothing here"));
		return NULL;
	}
	return &s->rows[r];
}

/* ---- keys ---- */
static void key_view(struct ui *ui)
{
	const struct raised *x = current(ui);
	struct wq_errbuf eb = {0};
	char **sheet = NULL, **l = NULL, t[32], line[300], title[100];
	int nsheet = 0, n = 0, cap = 0, w = ui->term.cols - 16;
	if (!x)
		return;
	snprintf(line, sizeof line, tr(ui, "Raised to the national inspection: %s %s (%s)"),
		 kind_text(x), x->tracking, x->province_code);
	sheet_add(&l, &n, &cap, line);
	table_time(x->raised_at, t, sizeof t);
	if (x->raised_by[0])
		snprintf(line, sizeof line, tr(ui, "Raised:    %s by %s"), t, x->raised_by);
	else
		snprintf(line, sizeof line, tr(ui, "Raised:    %s by itself"), t);
	sheet_add(&l, &n, &cap, line);
	sheet_add_wrapped(&l, &n, &cap, tr(ui, "Why:       "), note_text(x), w);
	if (x->holder[0]) {
		table_time(x->taken_at, t, sizeof t);
		snprintf(line, sizeof line, tr(ui, "Taken:     %s by %s"), t, x->holder);
		sheet_add(&l, &n, &cap, line);
	}
	if (x->answered) {
		table_time(x->answered_at, t, sizeof t);
		snprintf(line, sizeof line, tr(ui, "Answered:  %s by %s"), t, x->answered_by);
		sheet_add(&l, &n, &cap, line);
		sheet_add_wrapped(&l, &n, &cap, tr(ui, "Answer:    "), x->answer, w);
	} else {
		sheet_add(&l, &n, &cap, tr(ui, "Answer:    (waiting)"));
	}
	sheet_add(&l, &n, &cap, "");
	if (sheet_lines(ui->db, &ui->actor, x->request_id, &sheet, &nsheet, &eb) == WQ_OK) {
		for (int i = 0; i < nsheet; i++)
			sheet_add(&l, &n, &cap, sheet[i]);
		sheet_lines_free(sheet, nsheet);
	} else {
		char detail[UI_STATUS_BYTES];
		status_detail(ui, &eb, detail, sizeof detail);
		snprintf(line, sizeof line, tr(ui, "(request: %s)"), detail);
		sheet_add(&l, &n, &cap, line);
	}
	snprintf(title, sizeof title, tr(ui, "%s: raised, answer and history (Esc closes)"),
		 x->tracking);
	prompt_pager(ui, title, l, n);
	sheet_lines_free(l, n);
}

static int mine(struct ui *ui, const struct raised *r)
{
	return !strcmp(r->holder, ui->actor.username);
}

/* Takes r (a request as national_take_request, a complaint as on the complaints
 * screen); 0 or the error, said on the status line. */
static int take(struct ui *ui, const struct raised *r)
{
	struct wq_errbuf eb = {0};
	int rc = r->kind == RAISED_REQUEST
			 ? national_take_request(ui->db, &ui->actor, r->id, r->version, &eb)
			 : complaint_desk_take(ui->db, &ui->actor, r->id, r->version, &eb);
	if (rc)
		status_wq(ui, tr(ui, "taking"), &eb);
	ui->reload = 1;
	return rc;
}

static void key_take(struct ui *ui)
{
	const struct raised *x = current(ui);
	if (!x)
		return;
	struct raised r = *x;
	if (mine(ui, &r))
		status_info(ui, "%s %s", r.tracking, tr(ui, "is yours already: a answers it"));
	else if (!take(ui, &r))
		status_info(ui, "%s %s", r.tracking, tr(ui, "is yours: a answers it"));
}

/* Gives what one took back to the national queue. */
static void key_release(struct ui *ui)
{
	const struct raised *x = current(ui);
	struct wq_errbuf eb = {0};
	if (!x)
		return;
	struct raised r = *x;
	if (r.kind == RAISED_REQUEST
		    ? national_release_request(ui->db, &ui->actor, r.id, r.version, &eb)
		    : complaint_desk_release(ui->db, &ui->actor, r.id, r.version, &eb))
		status_wq(ui, tr(ui, "releasing"), &eb);
	else
		status_info(ui, "%s %s", r.tracking, tr(ui, "is back in the queue"));
	ui->reload = 1;
}

/* A request's answer goes to the province that raised it; a complaint's to the citizen,
 * as on the complaints screen (complaint_desk_answer).  Taken first, before the form:
 * one held by another is refused before anything is typed, and nobody else answers it
 * while the form is open. */
static void key_answer(struct ui *ui)
{
	const struct raised *x = current(ui);
	struct wq_errbuf eb = {0};
	char text[NOTE_MAX_BYTES] = "", title[120], tracking[TRACKING_BYTES];
	if (!x)
		return;
	struct raised r = *x; /* the rows may be reloaded while the form is open */
	if (!r.answered && !mine(ui, &r) && take(ui, &r))
		return;
	snprintf(tracking, sizeof tracking, "%s", r.tracking);
	snprintf(title, sizeof title,
		 r.kind == RAISED_REQUEST ? tr(ui, "Answer to the province on %s")
					  : tr(ui, "Answer to the citizen on %s (shown on the tracking page)"),
		 tracking);
	struct form_field f = {TX("Answer"), FORM_TEXT_PATTERN,
			       TX("3 to 900 characters, not only spaces"), text, sizeof text};
	if (!form_run(ui, title, &f, 1)) {
		status_info(ui, tr(ui, "not answered"));
		return;
	}
	/* held by the actor now: nobody else moves it, whatever its version */
	int64_t v = r.answered ? r.version : 0;
	int rc = r.kind == RAISED_REQUEST
			 ? national_answer_request(ui->db, &ui->actor, r.id, v, text, &eb)
			 : complaint_desk_answer(ui->db, &ui->actor, r.id, v, text, &eb);
	if (rc)
		status_wq(ui, tr(ui, "answering"), &eb);
	else
		status_info(ui, "%s %s", tracking,
			    r.kind == RAISED_REQUEST ? tr(ui, "answered: the province reads the answer")
						     : tr(ui, "answered: the citizen is notified"));
	ui->reload = 1;
}

static void key_all(struct ui *ui)
{
	struct ir_state *s = st(ui);
	s->all = !s->all;
	ui->reload = 1;
	status_info(ui, "%s", s->all ? tr(ui, "showing the answered ones too")
				     : tr(ui, "showing what waits for an answer"));
}

static void key_complaints(struct ui *ui)
{
	screen_open(ui, &inspector_complaints_screen);
}

static const struct keymap ir_keys[] = {
	{KM_ENTER, "view", "the raise, its answer, the request and its full history", 0, 0,
	 key_view},
	{'v', "view", "the raise, its answer, the request and its full history", 0, KM_BAR,
	 key_view},
	{'a', "answer", "answer what was raised (national inspection only)",
	 ROLE_BIT(ROLE_INSPECTOR), KM_WRITE | KM_BAR, key_answer},
	{'t', "take", "take it: yours to answer, the others see your name in its State",
	 ROLE_BIT(ROLE_INSPECTOR), KM_WRITE | KM_BAR, key_take},
	{'r', "release", "give what you took back to the national queue",
	 ROLE_BIT(ROLE_INSPECTOR), KM_WRITE | KM_BAR, key_release},
	{'A', "all", "show the answered ones too, or hide them", 0, KM_BAR, key_all},
	{'\t', "complaints", "back to the complaints", 0, KM_BAR, key_complaints},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen inspector_raised_screen = {
	.name = "national",
	.title = TX("National inspection"),
	.role = ROLE_INSPECTOR,
	.roles = ROLE_BIT(ROLE_INSPECTOR),
	.keys = ir_keys,
	.open = ir_open,
	.close = ir_close,
	.load = ir_load,
	.paint = ir_paint,
	.table = ir_table,
	.tabs = ir_tabs,
};
