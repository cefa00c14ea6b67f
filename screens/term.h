/* term.h - the bottom layer of the staff screens: the one place text reaches the
 * terminal.  A `struct term` is the terminal as the screens see it (size, the text each
 * row last showed, when a key was last typed); term_line() fits, sanitises and draws a
 * row, term_getkey() reads a key.  Knows nothing above it: no screens, no widgets, no
 * session; everything else draws through here.  UI child only. */
#ifndef WQ_TERM_H
#define WQ_TERM_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

/* Keys are the wide character typed, or KM_FN(KEY_xxx) for an ncurses function key. */
#define KM_FN(k) (0x40000000 | (k))
#define KM_CTRL(c) ((c) & 0x1f)
#define KM_ENTER '\n'
#define KM_ESC 27
#define KM_BACKSPACE 127

struct term_line {
	char *text; /* as last drawn (UTF-8, fitted) */
	int attr, hl_x, hl_w, hl_attr;
	int valid;
};

struct term {
	int rows, cols;
	struct term_line *lines;
	int nlines;
	int64_t last_input; /* monotonic seconds */
	int rtl;	    /* the screens' text reads right to left (Arabic) */
	int reorder;	    /* reorder lines to visual order: the terminal does no bidi */
};

/* Draws row y as text (attr on the whole row, hl_attr on columns hl_x..hl_x+hl_w-1)
 * unless the row already shows exactly that.  pad: fill to the last column (for rows
 * in reverse video).  Control characters and bad UTF-8 are shown as '?'.  text is in
 * logical order; with t->reorder it is drawn in visual order (right-aligned when
 * t->rtl), hl_x and hl_w still counted in the logical text's columns; hl_attr TERM_PLAIN
 * draws those columns in plain video whatever attr is. */
#define TERM_PLAIN (-1)
void term_line(struct term *t, int y, int attr, const char *text, int pad, int hl_x,
	       int hl_w, int hl_attr);
/* Draws text fitted to width columns (padded if pad) at row y, column x of window w
 * (a pick list, the pager, a form): no cache, the widget's windows live for one
 * question.  Returns the columns used. */
int term_put(const struct term *t, WINDOW *w, int y, int x, int width, int attr,
	     const char *text, int pad);
/* The line in (fitted, logical order) as it is drawn: in visual order when t->reorder
 * (right to left when t->rtl), zero-width bidi marks dropped; the highlighted columns
 * *hl_x, *hl_w moved to where their characters went.  A line with nothing right to left
 * on a left-to-right screen is copied, marks dropped. */
void term_visual(const struct term *t, const char *in, char *out, size_t cap, int *hl_x,
		 int *hl_w);
/* Forgets what rows show (after resize, Ctrl-L, screen switch). */
void term_invalidate(struct term *t);
/* Reallocates the cache for the terminal's current size. */
int term_resize(struct term *t);
void term_free(struct term *t);
/* Fits UTF-8 src into `width` columns (pad with spaces if pad, right-align if right);
 * returns the columns used. */
int term_fit(const char *src, int width, int pad, int right, char *dst, size_t dstlen);
/* Columns that UTF-8 s takes. */
int term_width(const char *s);
/* Waits up to the poll interval for a key: a wide char, KM_FN(k), or -1 (none).
 * Enter, Backspace and keypad Enter are normalised to KM_ENTER / KM_BACKSPACE. */
int term_getkey(struct term *t);

#endif
