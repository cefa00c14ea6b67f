/* widget.h - the shared widgets every role screen builds on, over term.h: the session
 * they work in (`struct ui`), the status line, key maps and the help built from them, a
 * scrollable, sortable, searchable table; the ids marked for a batch action; prompts
 * (text, yes/no, pick from a list); a form whose fields are checked against PCRE2
 * patterns.  Nothing here calls the screen layer: a widget that must redraw the frame
 * behind it (after a resize) calls ui->repaint, which the screen layer set.  UI child
 * only; no data access here. */
#ifndef WQ_WIDGET_H
#define WQ_WIDGET_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "msg.h"
#include "term.h"

struct ui;
struct screen;

/* ---- key maps (the screens' tables; help.c renders them) ---- */
enum {
	KM_WRITE = 1 << 0, /* changes data: must name the roles allowed */
	KM_BAR = 1 << 1,   /* shown on the bottom bar */
};

struct keymap {
	int key;
	const char *name;  /* short, for the bar: "claim" */
	const char *help;  /* one line, for the help overlay */
	unsigned roles;	   /* ROLE_BIT() set; 0 = every role (read-only actions only) */
	unsigned flags;	   /* KM_WRITE | KM_BAR */
	void (*run)(struct ui *ui);
};

/* ---- the running session ---- */
#define UI_STATUS_BYTES 256

struct ui {
	struct db *db;
	const struct config *cfg;
	struct actor actor;
	char scope_code[64]; /* "RBT-HAS-1", "RABAT"; "" when national */
	const struct screen *scr;
	void *state; /* the screen's own */
	struct term term;
	enum lang lang; /* of every text the screens show (msg.h) */
	/* Redraws the whole frame (the screen layer's painter): widgets call it after a
	 * resize, under their window. */
	void (*repaint)(struct ui *ui);
	char status[UI_STATUS_BYTES];
	int status_error;
	int reload; /* the screen must query again before painting */
	int quit;
	int64_t data_version;
	int notices_unread; /* notices sent to the account not opened yet: the title's mark */
};

/* The session's language's text for English en (msg.h). */
static inline __attribute__((format_arg(2))) const char *tr(const struct ui *ui,
							     const char *en)
{
	return msg_tr(ui->lang, en);
}

/* ---- status line (status.c) ---- */
void status_info(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void status_error(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* eb->msg as the data layer wrote it, prefixed with what we were doing. */
void status_wq(struct ui *ui, const char *doing, const struct wq_errbuf *eb);
/* eb's detail in the session's language into out: 0, or -1 when the table has neither
 * its key nor its sentence (out then holds the English sentence). */
int status_detail(struct ui *ui, const struct wq_errbuf *eb, char *out, size_t len);
void status_clear(struct ui *ui);
void status_paint(struct ui *ui);

/* ---- help (help.c): the overlay and the key bar, from key maps ---- */
/* The overlay: every row of maps[0] (the screen's) then maps[1] (every screen's). */
void help_show(struct ui *ui, const struct keymap *const maps[2]);
/* The bottom bar: "key name" for each KM_BAR row the role may use and, among maps[0]'s,
 * that shown (if any) keeps. */
void help_bar(struct ui *ui, const struct keymap *const maps[2], int (*shown)(struct ui *, int),
	      char *buf, size_t len);
/* "Enter", "Space", "F1", "PgDn", "c" */
const char *help_key_label(int key, char *buf, size_t len);

/* ---- table (table.c) ---- */
struct table_col {
	const char *title;
	int width; /* columns; 0: what is left */
	int right; /* right-aligned */
};

struct table {
	const struct table_col *cols;
	int ncols;
	void *ctx; /* the screen's state, given back to the callbacks */
	/* Text of a cell of data row `row`. */
	void (*cell)(void *ctx, int row, int col, char *buf, size_t len);
	/* Orders two data rows by column col (<0, 0, >0). NULL: column not sortable. */
	int (*cmp)(void *ctx, int a, int b, int col);
	int64_t (*row_id)(void *ctx, int row);
	/* Extra attribute of a data row (A_BOLD for overdue); NULL: none. */
	int (*row_attr)(void *ctx, int row);
	/* Mark shown before the row ('*' for marked); NULL: none. */
	int (*row_mark)(void *ctx, int row);
	const char *empty; /* shown when there are no rows */

	/* state, kept by table.c */
	int n;	     /* data rows */
	int *order;  /* display position -> data row */
	int cap;
	int cur, top;
	int height;  /* data rows visible at the last paint */
	int sort_col; /* -1: the order the rows came in */
	int sort_desc;
	char search[64];
};

/* New data: n rows; keeps the cursor on the row whose id was keep_id if still there. */
int table_set_rows(struct table *t, int n, int64_t keep_id);
void table_free(struct table *t);
/* The data row under the cursor, -1 if none. */
int table_cur(const struct table *t);
int64_t table_cur_id(const struct table *t);
/* A reload's new rows replace the old ones (freed) and the cursor stays on the same
 * request, wherever the reload put it. */
#define TABLE_REPLACE(t, slot, nslot, rows, n)              \
	do {                                                \
		int64_t keep_ = table_cur_id(t);            \
		free(slot);                                 \
		(slot) = (rows);                            \
		(nslot) = (n);                              \
		table_set_rows((t), (nslot), keep_);        \
	} while (0)
void table_move(struct table *t, int delta);
void table_home(struct table *t, int end);
void table_page(struct table *t, int dir);
/* Next sortable column (col < 0), or toggle the direction. */
void table_sort_next(struct table *t);
void table_sort_reverse(struct table *t);
/* Moves to the next row (after the cursor, wrapping) whose text holds needle
 * (case-insensitive for ASCII).  1 found, 0 not. */
int table_search(struct table *t, const char *needle);
/* Header at row y, rows below it up to height rows in all. */
void table_paint(struct ui *ui, struct table *t, int y, int height);
/* An age cell: "2d03h", "5h07m"; under an hour "12m" when minutes is set, else "0h12m". */
void table_age(int64_t secs, int minutes, char *buf, size_t len);
/* One unit, three columns at most: "3d" (j in French), "22h", "45m", ">99" (days): for
 * a first screen's every row. */
void table_age_short(int64_t secs, char *buf, size_t len);
/* A time in Morocco as the session's language writes it: "2026-11-03 14:05" in English,
 * "03/11/2026 14:05" in French and Arabic; "-" for none. */
void table_time(int64_t t, char *buf, size_t len);

/* ---- marks (marks.c): request ids marked for a batch action ---- */
struct request;
struct marks {
	int64_t *ids;
	int n, cap;
};
/* Index of id among the marks, -1 if unmarked. */
int marks_find(const struct marks *m, int64_t id);
void marks_toggle(struct marks *m, int64_t id);
/* Forgets the marks on requests no longer among the n rows (they left the list). */
void marks_keep(struct marks *m, const struct request *rows, int n);
void marks_free(struct marks *m);
/* The batch itself: fn on each marked request, with the version it was loaded with
 * among the n rows; then no marks and a reload.  Returns how many went through; *failed
 * how many did not, *first the first failure's error (for the status line). */
typedef int marks_fn(struct ui *ui, int64_t id, int64_t version, struct wq_errbuf *eb);
int marks_run(struct ui *ui, struct marks *m, const struct request *rows, int n,
	      marks_fn *fn, int *failed, struct wq_errbuf *first);

/* ---- prompts (prompt.c): modal, on the status line or a small window ---- */
/* Text on the status line; 1 entered, 0 cancelled (Esc). */
int prompt_text(struct ui *ui, const char *question, char *buf, size_t len);
/* 1 yes, 0 no or cancelled. */
int prompt_yesno(struct ui *ui, const char *question);
/* Picks one of n items in a window; typing filters the list.  Returns the index or -1. */
int prompt_pick(struct ui *ui, const char *title, const char *const *items, int n);
/* A window of lines to read (history, details); scrolls; any other key closes. */
void prompt_pager(struct ui *ui, const char *title, char *const *lines, int n);
/* Lines for the pager, built one printf at a time (a line that does not fit in memory
 * is left out); free them with sheet_lines_free(L.l, L.n). */
struct pager_lines {
	char **l;
	int n, cap;
};
int pager_add(struct pager_lines *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int pager_vadd(struct pager_lines *L, const char *fmt, va_list ap); /* 0, or -1 out of memory */
/* Typing into a UTF-8 buffer, for the prompts and the form: a key that types a
 * character (no function key, no control), appended if it fits in len bytes; the last
 * character removed. */
int prompt_is_text_key(int key);
void prompt_text_append(char *buf, size_t len, int key);
void prompt_text_backspace(char *buf);

/* ---- period (period.c): what the finance and treasury screens show ---- */
struct fin_period;
/* dir months back (-1) or forward (1); asks for the reload. */
void period_shift(struct ui *ui, struct fin_period *period, int dir);
/* Asks for a period in buf (len bytes), starting from the current one; 1 when it
 * changed (reload asked), 0 when cancelled or refused (the reason is on the status line). */
int period_ask(struct ui *ui, const char *title, struct fin_period *period, char *buf,
	       size_t len);

/* ---- form (form.c) ---- */
/* A note, an answer, a complaint: 3 to 900 readable characters, not only spaces, no
 * control characters. */
#define FORM_TEXT_PATTERN "(?=.*\\S)[^\\x00-\\x1f\\x7f]{3,900}"
struct form_field {
	const char *label;
	const char *pattern; /* PCRE2, UTF mode, matched against the whole value */
	const char *hint;    /* said when the value does not match */
	char *buf;
	size_t len;
};
/* Edits the fields in a window; Tab/Up/Down move, Enter on the last field submits.
 * Every field is checked against its pattern; a bad field shows its hint next to it
 * and keeps the form open.  1 submitted, 0 cancelled. */
int form_run(struct ui *ui, const char *title, struct form_field *f, int n);
/* Checks one value against a pattern; 1 match, 0 no match, -1 bad pattern. */
int form_match(const char *pattern, const char *value);

#endif
