/* screen.h - the staff terminal's screen layer: the `struct screen` each role screen
 * exports (one file, one const struct), the table of them, the one key dispatch and the
 * frame (title bar, body, status line, key bar).  Layers, each using only those below:
 * term.h (text to the terminal) <- widget.h (status, prompts, help, table, form)
 * <- screen.h <- the role screens.  Runs in the UI child only (ncurses, one per
 * process); screens call request_*() and friends, never db_*() or SQL. */
#ifndef WQ_SCREEN_H
#define WQ_SCREEN_H

#include <stdint.h>

#include "widget.h"

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
	/* 0 leaves a KM_BAR key out of the bottom bar for now (it does nothing in this
	 * view; ? still lists it); NULL: every KM_BAR key shows. */
	int (*bar_key)(struct ui *ui, int key);
};

/* Screens that exist; screen.c lists them in one table. */
extern const struct screen agent_queue_screen;
extern const struct screen supervisor_board_screen;
extern const struct screen post_desk_screen;
extern const struct screen finance_screen;
extern const struct screen finance_refunds_screen;
extern const struct screen treasury_screen;
extern const struct screen admin_accounts_screen;
extern const struct screen admin_network_screen;
extern const struct screen admin_audit_screen;
extern const struct screen inspector_complaints_screen;
extern const struct screen inspector_dashboard_screen;
extern const struct screen inspector_escalations_screen;
extern const struct screen inspector_raised_screen;
extern const struct screen support_screen;
extern const struct screen officer_sign_screen;
extern const struct screen support_complaints_screen;
extern const struct screen notices_screen;
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

/* ---- the frame (screen.c) ---- */
/* Title bar, body, status line and key bar; ends with wnoutrefresh + doupdate.
 * screen_open() hands it to the widgets as ui->repaint. */
void screen_paint(struct ui *ui);
/* Switches to another screen (werase: the only place besides Ctrl-L). */
int screen_open(struct ui *ui, const struct screen *s);
/* The account enrols its own second factor (totp_enrol.c), before its screen.  forced:
 * the role needs it, so leaving is not continuing.  0 done (or nothing to do), 1 left
 * without it, -1 the terminal is gone. */
int totp_enrol_screen(struct ui *ui, int forced);
/* Shows every text in language l from now on, lines reordered for the terminal or not. */
void screen_set_lang(struct ui *ui, enum lang l, int reorder);
/* M on any screen (notices.c): the notices screen, or back from it to where M was
 * pressed. */
void notices_key(struct ui *ui);
/* Re-queries when another connection committed (or ui->reload), the title line's count
 * of unread notices with it. */
void screen_poll(struct ui *ui);

#endif
