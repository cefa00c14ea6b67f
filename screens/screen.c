/* screen.c - the table of role screens and the one place keys are dispatched.
 * A role picks its screen from screens[]; an ssh exec may name one.  A role without a
 * screen yet gets placeholder_screen, which says so.  screen_dispatch() looks a key
 * up in the screen's key map, then in screen_common_keys[], checks the actor's role
 * against the row, and runs its handler: no other code switches on keys.  Also draws
 * the frame (title bar, status line, key bar).  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice.h"
#include "screen.h"
#include "user.h"
#include "util.h"
#include "widget.h"

/* One row per role screen.  Others add theirs here. */
static const struct screen *const screens[] = {
	&agent_queue_screen,
	&supervisor_board_screen,
	&post_desk_screen,
	&finance_screen,
	&finance_refunds_screen,
	&treasury_screen,
	&admin_accounts_screen,
	&admin_network_screen,
	&admin_audit_screen,
	&inspector_complaints_screen,
	&inspector_dashboard_screen,
	&inspector_escalations_screen,
	&inspector_raised_screen,
	&support_screen,
	&officer_sign_screen,
	&support_complaints_screen,
	&notices_screen,
	&placeholder_screen,
};
#define SCREENS_COUNT ((int)(sizeof screens / sizeof screens[0]))

int screen_count(void)
{
	return SCREENS_COUNT;
}

const struct screen *screen_at(int i)
{
	return (i >= 0 && i < SCREENS_COUNT) ? screens[i] : NULL;
}

const struct screen *screen_for_role(enum role r)
{
	for (int i = 0; i < SCREENS_COUNT; i++)
		if (screens[i]->role == r && r != ROLE_NONE)
			return screens[i];
	return &placeholder_screen;
}

const struct screen *screen_by_name(const char *name)
{
	for (int i = 0; i < SCREENS_COUNT; i++)
		if (name && strcmp(screens[i]->name, name) == 0)
			return screens[i];
	return NULL;
}

/* ---- keys every screen has ---- */
static struct table *active_table(struct ui *ui)
{
	return ui->scr->table ? ui->scr->table(ui) : NULL;
}

static void key_help(struct ui *ui)
{
	const struct keymap *const maps[2] = {ui->scr->keys, screen_common_keys};
	help_show(ui, maps);
}

static void key_quit(struct ui *ui)
{
	ui->quit = 1;
}

/* The account's own second factor from whatever screen it is on (issue 12 item 13), not
 * only through `ssh -t USER@HOST totp`: the enrolment, then this screen again, whole. */
static void key_totp(struct ui *ui)
{
	if (totp_enrol_screen(ui, 0) < 0)
		ui->quit = 1; /* the terminal is gone */
}

static void key_redraw(struct ui *ui)
{
	clearok(curscr, TRUE);
	term_invalidate(&ui->term);
}

#define TABLE_KEY(fn, body)                          \
	static void fn(struct ui *ui)                \
	{                                            \
		struct table *t = active_table(ui);  \
		if (t)                               \
			body;                        \
	}
TABLE_KEY(key_up, table_move(t, -1))
TABLE_KEY(key_down, table_move(t, 1))
TABLE_KEY(key_pgup, table_page(t, -1))
TABLE_KEY(key_pgdn, table_page(t, 1))
TABLE_KEY(key_home, table_home(t, 0))
TABLE_KEY(key_end, table_home(t, 1))
TABLE_KEY(key_sort, table_sort_next(t))
TABLE_KEY(key_sort_rev, table_sort_reverse(t))

static void search_from(struct ui *ui, struct table *t)
{
	if (!t->search[0])
		return;
	if (!table_search(t, t->search))
		status_error(ui, tr(ui, "not found: %s"), t->search);
	else
		status_info(ui, tr(ui, "/%s  (n: next)"), t->search);
}

static void key_search(struct ui *ui)
{
	struct table *t = active_table(ui);
	char buf[sizeof t->search];
	if (!t)
		return;
	buf[0] = '\0';
	if (!prompt_text(ui, tr(ui, "Search: "), buf, sizeof buf) || !buf[0])
		return;
	memcpy(t->search, buf, sizeof buf);
	search_from(ui, t);
}

static void key_search_next(struct ui *ui)
{
	struct table *t = active_table(ui);
	if (t && !t->search[0])
		status_error(ui, "%s", tr(ui, "no search yet: / to search"));
	else if (t)
		search_from(ui, t);
}

void screen_set_lang(struct ui *ui, enum lang l, int reorder)
{
	ui->lang = l;
	msg_use(l);
	ui->term.rtl = l == LANG_AR;
	ui->term.reorder = reorder;
	term_invalidate(&ui->term);
}

/* The next language (fr -> ar -> en -> fr), kept for the next logins. */
static void key_lang(struct ui *ui)
{
	static const enum lang next[LANG_COUNT] = {
		[LANG_EN] = LANG_FR, [LANG_FR] = LANG_AR, [LANG_AR] = LANG_EN};
	struct wq_errbuf eb = {0};
	enum lang l = next[ui->lang];
	if (user_set_lang(ui->db, &ui->actor, ui->actor.username, msg_lang_code(l), &eb)) {
		status_wq(ui, tr(ui, "language not changed"), &eb);
		return;
	}
	screen_set_lang(ui, l, ui->term.reorder);
	status_info(ui, "%s", tr(ui, "Screens in English (L: next language)"));
}

/* An account that holds more than one role (a small office's supervisor who is also
 * its officer: user.h) acts as the next one, on that role's screen; every write checks
 * the account still holds the role it acts as. */
static void key_role(struct ui *ui)
{
	struct user_role roles[USER_ROLES_MAX];
	struct wq_errbuf eb = {0};
	int n = 0, i = 0;
	if (user_roles(ui->db, ui->actor.username, roles, &n, &eb)) {
		status_wq(ui, tr(ui, "role not changed"), &eb);
		return;
	}
	while (i < n && roles[i].role != ui->actor.role)
		i++;
	if (n < 2) {
		status_info(ui, "%s", tr(ui, "this account holds one role"));
		return;
	}
	const struct user_role *r = &roles[(i + 1) % n];
	ui->actor.role = r->role;
	ui->actor.scope = r->scope;
	ui->actor.scope_id = r->scope_id;
	snprintf(ui->scope_code, sizeof ui->scope_code, "%s",
		 r->scope == SCOPE_NATIONAL ? "" : r->scope_label);
	screen_open(ui, screen_for_role(r->role));
	status_info(ui, tr(ui, "acting as %s (@: next role)"), tr(ui, role_name(r->role)));
}

static void key_reorder(struct ui *ui)
{
	struct wq_errbuf eb = {0};
	int on = !ui->term.reorder;
	if (user_set_bidi(ui->db, &ui->actor, ui->actor.username, on, &eb)) {
		status_wq(ui, tr(ui, "not changed"), &eb);
		return;
	}
	screen_set_lang(ui, ui->lang, on);
	status_info(ui, "%s", on ? tr(ui, "Arabic lines reordered by the server")
				: tr(ui, "Arabic lines left to the terminal's bidi"));
}

const struct keymap screen_common_keys[] = {
	{'?', "help", "list every key of this screen", 0, KM_BAR, key_help},
	{KM_FN(KEY_F(1)), "help", "list every key of this screen", 0, 0, key_help},
	{'q', "quit", "leave Watiqa (end the session)", 0, 0, key_quit},
	{KM_FN(KEY_UP), "up", "move to the row above", 0, 0, key_up},
	{KM_FN(KEY_DOWN), "down", "move to the row below", 0, 0, key_down},
	{'k', "up", "move to the row above", 0, 0, key_up},
	{'j', "down", "move to the row below", 0, 0, key_down},
	{KM_FN(KEY_PPAGE), "page up", "show the previous page of rows", 0, 0, key_pgup},
	{KM_FN(KEY_NPAGE), "page down", "show the next page of rows", 0, 0, key_pgdn},
	{KM_FN(KEY_HOME), "first", "go to the first row", 0, 0, key_home},
	{KM_FN(KEY_END), "last", "go to the last row", 0, 0, key_end},
	{'g', "first", "go to the first row", 0, 0, key_home},
	{'G', "last", "go to the last row", 0, 0, key_end},
	{'/', "search", "find a row containing some text", 0, 0, key_search},
	{'n', "next match", "find the next row matching the last search", 0, 0,
	 key_search_next},
	{'o', "sort", "sort by the next column", 0, 0, key_sort},
	{'O', "reverse", "reverse the sort order", 0, 0, key_sort_rev},
	{KM_CTRL('l'), "redraw", "redraw the whole screen (after line noise)", 0, 0,
	 key_redraw},
	{'L', "language", "screens in the next language: French, Arabic, English (kept)", 0,
	 0, key_lang},
	{'@', "role", "act as the account's next role (a supervisor who is also the officer)", 0,
	 0, key_role},
	{'T', "second factor", "enrol a second factor: an authenticator app's codes at login", 0,
	 0, key_totp},
	{'M', "notices", "notices to you and your office: read, reply, write (M again: back)", 0,
	 0, notices_key},
	{KM_CTRL('r'), "reorder", "Arabic lines: reordered here, or by the terminal's own bidi",
	 0, 0, key_reorder},
	{0, NULL, NULL, 0, 0, NULL},
};

static const struct keymap *key_find(const struct keymap *map, int key)
{
	for (; map && map->key; map++)
		if (map->key == key)
			return map;
	return NULL;
}

void screen_dispatch(struct ui *ui, int key)
{
	const struct keymap *k = key_find(ui->scr->keys, key);
	char label[16];

	if (!k)
		k = key_find(screen_common_keys, key);
	if (!k) {
		if (key == KM_ESC)
			return;
		status_error(ui, tr(ui, "no action on %s here; ? lists the keys"),
			     help_key_label(key, label, sizeof label));
		return;
	}
	if (k->roles && !(k->roles & ROLE_BIT(ui->actor.role))) {
		status_error(ui, tr(ui, "%s (%s) is not allowed for the %s role"), tr(ui, k->name),
			     help_key_label(key, label, sizeof label),
			     tr(ui, role_name(ui->actor.role)));
		return;
	}
	k->run(ui);
}

/* ---- the frame ---- */
/* The unread notices, asked where every screen learns that someone committed (one
 * indexed count); on an error the mark stays as it was until the next commit. */
static void notices_count(struct ui *ui)
{
	struct wq_errbuf eb = {0};
	int n = 0;
	if (notice_unread(ui->db, &ui->actor, &n, &eb) == WQ_OK)
		ui->notices_unread = n;
}

/* The title line's mark of unread notices goes at the start of its right side, the
 * screen's own counts staying at the right edge; when the line is too narrow for both
 * the left side (title, account, scope) gives way, never the mark.  A notice arriving
 * changes those few columns of the title line and nothing else.  The brand " Watiqa |"
 * goes first, then the end of the scope. */
static void title_mark(struct ui *ui, char *right, size_t len, char *left, size_t llen)
{
	char mark[64], both[200];
	if (ui->notices_unread <= 0)
		return;
	snprintf(mark, sizeof mark, tr(ui, "M: %d new"), ui->notices_unread);
	/* on an Arabic line, a right-to-left isolate: its "M: 1" not read as one Latin run
	 * with the office code before it */
	snprintf(both, sizeof both, "%s%s%s%s%s", ui->term.rtl ? "\xe2\x81\xa7" : "", mark,
		 ui->term.rtl ? "\xe2\x81\xa9" : "", right[0] ? "  " : "", right);
	wq_strlcpy(right, both, len);
	int room = ui->term.cols - term_width(right) - 2;
	static const char brand[] = " Watiqa |";
	if (room > 0 && term_width(left) > room && !strncmp(left, brand, sizeof brand - 1))
		memmove(left, left + sizeof brand - 1, strlen(left) - (sizeof brand - 1) + 1);
	if (room > 0 && term_width(left) > room) {
		char cut[256];
		term_fit(left, room, 0, 0, cut, sizeof cut);
		snprintf(left, llen, "%s", cut);
	}
}

int screen_open(struct ui *ui, const struct screen *s)
{
	if (ui->scr && ui->scr->close)
		ui->scr->close(ui);
	ui->state = NULL;
	ui->scr = s;
	ui->repaint = screen_paint;
	werase(stdscr);
	term_invalidate(&ui->term);
	if (s->open && s->open(ui) != 0)
		return -1;
	ui->data_version = db_data_version(ui->db);
	ui->reload = 0;
	notices_count(ui);
	if (s->load)
		s->load(ui);
	return 0;
}

void screen_poll(struct ui *ui)
{
	int64_t v = db_data_version(ui->db);
	if (v != ui->data_version || ui->reload) {
		ui->data_version = v;
		ui->reload = 0;
		notices_count(ui);
		if (ui->scr->load)
			ui->scr->load(ui);
	}
}

void screen_paint(struct ui *ui)
{
	char left[256], right[192], line[512], scope[96];
	int lw, rw, gap;

	if (ui->actor.scope == SCOPE_NATIONAL)
		snprintf(scope, sizeof scope, "%s", tr(ui, "national"));
	else
		snprintf(scope, sizeof scope, "%s %s", tr(ui, scope_name(ui->actor.scope)),
			 ui->scope_code);
	snprintf(left, sizeof left, " Watiqa | %s | %s, %s | %s", tr(ui, ui->scr->title),
		 ui->actor.username, tr(ui, role_name(ui->actor.role)), scope);
	right[0] = '\0';
	if (ui->scr->tabs)
		ui->scr->tabs(ui, right, sizeof right);
	title_mark(ui, right, sizeof right, left, sizeof left);
	lw = term_width(left);
	rw = term_width(right);
	gap = ui->term.cols - lw - rw - 1;
	if (gap < 1)
		gap = 1;
	snprintf(line, sizeof line, "%s%*s%s ", left, gap, "", right);
	term_line(&ui->term, 0, A_REVERSE, line, 1, 0, 0, 0);

	if (ui->term.rows >= 4)
		ui->scr->paint(ui);
	status_paint(ui);
	const struct keymap *const maps[2] = {ui->scr->keys, screen_common_keys};
	help_bar(ui, maps, ui->scr->bar_key, line, sizeof line);
	term_line(&ui->term, ui->term.rows - 1, A_NORMAL, line, 0, 0, 0, 0);
	wnoutrefresh(stdscr);
	doupdate();
}

/* ---- for roles whose screen is not written yet ---- */
static void placeholder_paint(struct ui *ui)
{
	char buf[160];
	snprintf(buf, sizeof buf, tr(ui, "  There is no screen for the role '%s' yet."),
		 tr(ui, role_name(ui->actor.role)));
	for (int y = 1; y < ui->term.rows - 2; y++) {
		if (y == 3)
			term_line(&ui->term, y, A_BOLD, buf, 0, 0, 0, 0);
		else if (y == 5)
			term_line(&ui->term, y, A_NORMAL, tr(ui, "  Press q to leave, ? for the keys."),
				  0, 0, 0, 0);
		else
			term_line(&ui->term, y, A_NORMAL, "", 0, 0, 0, 0);
	}
}

static const struct keymap placeholder_keys[] = {
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen placeholder_screen = {
	.name = "none",
	.title = TX("No screen"),
	.role = ROLE_NONE,
	.roles = ~0u,
	.keys = placeholder_keys,
	.paint = placeholder_paint,
};
