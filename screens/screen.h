/* screen.h - the staff terminal's screen framework: the `struct ui` a session runs
 * (database, actor, terminal line cache, status line), the `struct screen` each role
 * screen exports (one file, one const struct), and the key maps that drive both the
 * keys and the help.  Runs in the UI child only (ncurses, one per process); screens call
 * request_*() and friends, never db_*() or SQL. */
#ifndef WQ_SCREEN_H
#define WQ_SCREEN_H

#include <stdint.h>

#include "actor.h"
#include "config.h"
#include "db.h"
#include "err.h"

struct ui;
struct table;

/* ---- key maps ---- */
/* Keys are the wide character typed, or KM_FN(KEY_xxx) for an ncurses function key. */
#define KM_FN(k) (0x40000000 | (k))
#define KM_CTRL(c) ((c) & 0x1f)
#define KM_ENTER '\n'
#define KM_ESC 27
#define KM_BACKSPACE 127

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

/* ---- screens ---- */
struct screen {
	const char *name;  /* "agent_queue": the name an ssh exec may ask for */
	const char *title; /* "Agent queue" */
	enum role role;	   /* the role whose default screen this is */
	unsigned roles;	   /* roles that may open it */
	const struct keymap *keys; /* ends with a row whose key is 0 */
	int (*open)(struct ui *ui);   /* allocates ui->state; 0 ok */
	void (*close)(struct ui *ui); /* frees ui->state */
	/* Queries the data layer into ui->state.  Called at open, when db_data_version()
	 * moved, and after this session wrote (ui->reload).  Never paints. */
	int (*load)(struct ui *ui);
	/* Draws the body (rows 1 .. ui->rows-3) from the cached rows, through term_line(),
	 * which skips rows that did not change. */
	void (*paint)(struct ui *ui);
	/* The table the navigation keys move in (NULL: none). */
	struct table *(*table)(struct ui *ui);
	/* Text for the title bar's right side ("Queue 12 | Mine 3"), may be NULL. */
	void (*tabs)(struct ui *ui, char *buf, size_t len);
};

/* Screens that exist; screen.c lists them in one table. */
extern const struct screen agent_queue_screen;
extern const struct screen supervisor_board_screen;
extern const struct screen post_desk_screen;
extern const struct screen finance_screen;
extern const struct screen treasury_screen;
extern const struct screen admin_accounts_screen;
extern const struct screen admin_network_screen;
extern const struct screen admin_audit_screen;
extern const struct screen inspector_complaints_screen;
extern const struct screen inspector_dashboard_screen;
extern const struct screen inspector_escalations_screen;
extern const struct screen support_screen;
extern const struct screen placeholder_screen;

/* The screen for a role (placeholder_screen when none exists yet). */
const struct screen *screen_for_role(enum role r);
/* A screen by name, or NULL. */
const struct screen *screen_by_name(const char *name);
int screen_count(void);
const struct screen *screen_at(int i);
/* Keys every screen has (help, quit, moving, search, sort, redraw). */
extern const struct keymap screen_common_keys[];
/* Looks the key up in the screen's map then the common one, checks the role, runs it. */
void screen_dispatch(struct ui *ui, int key);
/* "Enter", "Space", "F1", "PgDn", "c" */
const char *screen_key_label(int key, char *buf, size_t len);

/* ---- the running session ---- */
#define UI_STATUS_BYTES 256

struct term_line {
	char *text; /* as last drawn (UTF-8, fitted) */
	int attr, hl_x, hl_w, hl_attr;
	int valid;
};

struct ui {
	struct db *db;
	const struct config *cfg;
	struct actor actor;
	char scope_label[64]; /* "office CAS-01" */
	const struct screen *scr;
	void *state; /* the screen's own */
	int rows, cols;
	struct term_line *lines;
	int nlines;
	char status[UI_STATUS_BYTES];
	int status_error;
	int reload; /* the screen must query again before painting */
	int quit;
	int64_t data_version;
	int64_t last_input; /* monotonic seconds */
};

/* ---- terminal output (term.c): a cache of what each row shows ---- */
/* Draws row y as text (attr on the whole row, hl_attr on columns hl_x..hl_x+hl_w-1)
 * unless the row already shows exactly that.  pad: fill to the last column (for rows
 * in reverse video).  Control characters and bad UTF-8 are shown as '?'. */
void term_line(struct ui *ui, int y, int attr, const char *text, int pad, int hl_x,
	       int hl_w, int hl_attr);
/* Forgets what rows show (after resize, Ctrl-L, screen switch). */
void term_invalidate(struct ui *ui);
/* Reallocates the cache for the terminal's current size. */
int term_resize(struct ui *ui);
void term_free(struct ui *ui);
/* Fits UTF-8 src into `width` columns (pad with spaces if pad, right-align if right);
 * returns the columns used. */
int term_fit(const char *src, int width, int pad, int right, char *dst, size_t dstlen);
/* Columns that UTF-8 s takes. */
int term_width(const char *s);
/* Waits up to the poll interval for a key: a wide char, KM_FN(k), or -1 (none).
 * Enter, Backspace and keypad Enter are normalised to KM_ENTER / KM_BACKSPACE. */
int term_getkey(struct ui *ui);

/* ---- status line (status.c) ---- */
void status_info(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void status_error(struct ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* eb->msg as the data layer wrote it, prefixed with what we were doing. */
void status_wq(struct ui *ui, const char *doing, const struct wq_errbuf *eb);
void status_clear(struct ui *ui);
void status_paint(struct ui *ui);

/* ---- the frame (screen.c) ---- */
/* Title bar, body, status line and key bar; ends with wnoutrefresh + doupdate. */
void screen_paint(struct ui *ui);
/* Switches to another screen (werase: the only place besides Ctrl-L). */
int screen_open(struct ui *ui, const struct screen *s);
/* Re-queries when another connection committed (or ui->reload). */
void screen_poll(struct ui *ui);

/* ---- help (help.c) ---- */
void help_show(struct ui *ui);
/* The bottom bar: "key name" for each KM_BAR row the role may use. */
void help_bar(struct ui *ui, char *buf, size_t len);

#endif
