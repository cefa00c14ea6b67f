/* ui_main.c - the staff terminal application's main loop.  Runs in the UI child (the
 * process the SSH session forkpty()s, or `watiqa ui USER` on a local terminal): opens
 * the database, finds the account's actor, starts wide-character ncurses on
 * stdin/stdout, opens the role's screen and loops: paint what changed, one doupdate,
 * wait up to a second for a key, dispatch it, and reload when PRAGMA data_version
 * moved.  Never calls libssh; no SQL here (screens call the domain layer). */
#include <curses.h>
#include <locale.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db_sync.h"
#include "office.h"
#include "screen.h"
#include "ui.h"
#include "user.h"

#define ESC_DELAY_MS 250 /* slow links split escape sequences; wait a bit for the rest */

static int64_t mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The code of the account's scope for the title bar, and its language and bidi
 * choice. */
static void scope_and_lang(struct ui *ui)
{
	struct office o;
	struct user u;
	struct wq_errbuf eb = {0};
	const struct actor *a = &ui->actor;
	int have_user = user_get(ui->db, a->username, &u, &eb) == WQ_OK;

	screen_set_lang(ui, have_user ? msg_lang(u.lang) : LANG_EN,
			have_user ? u.bidi_reorder : 1);
	if (a->scope == SCOPE_OFFICE && office_get(ui->db, a->scope_id, &o, &eb) == WQ_OK)
		snprintf(ui->scope_code, sizeof ui->scope_code, "%s", o.code);
	else if (a->scope == SCOPE_NATIONAL)
		ui->scope_code[0] = '\0';
	else if (have_user)
		snprintf(ui->scope_code, sizeof ui->scope_code, "%.40s", u.scope_label);
	else
		snprintf(ui->scope_code, sizeof ui->scope_code, "%lld", (long long)a->scope_id);
}

/* The terminal went away (ssh disconnect): stdin hangs up. */
static int input_gone(void)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
	if (poll(&p, 1, 0) < 0)
		return 1;
	return (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static const struct screen *pick_screen(struct ui *ui, const char *name)
{
	const struct screen *s;
	if (!name || !name[0])
		return screen_for_role(ui->actor.role);
	s = screen_by_name(name);
	if (!s) {
		fprintf(stderr, "watiqa ui: no screen named '%s'\n", name);
		return NULL;
	}
	if (!(s->roles & ROLE_BIT(ui->actor.role))) {
		fprintf(stderr, "watiqa ui: the %s role may not open the %s screen\n",
			role_name(ui->actor.role), s->name);
		return NULL;
	}
	return s;
}

/* The account as the database has it now, checked whenever another connection has
 * committed: disabled, or given another role or scope, this screen must go (the data
 * layer already refuses its writes).  0 it stays, else the UI_EXIT_* to leave with. */
static int account_changed(struct ui *ui)
{
	struct wq_errbuf eb = {0};
	struct user u;
	if (db_actor_current(ui->db, &ui->actor, &eb) != WQ_EDENIED)
		return 0; /* as it was, or the database busy: the next poll asks again */
	return user_get(ui->db, ui->actor.username, &u, &eb) == WQ_OK && !u.disabled
		       ? UI_EXIT_RELOAD
		       : UI_EXIT_DISABLED;
}

static int ui_loop(struct ui *ui)
{
	int dirty = 1, changed = 0;
	int64_t checked = ui->data_version;
	while (!ui->quit) {
		if (ui->data_version != checked) {
			checked = ui->data_version;
			if ((changed = account_changed(ui)))
				break;
		}
		if (dirty) {
			screen_paint(ui);
			/* a reload frees the lists it replaced and SQLite's scratch: give the
			 * free pages back, ~200 kB a screen (~30 us), rather than keep each
			 * session's high-water mark (bench/README.md section 17) */
			malloc_trim(0);
		}
		dirty = 0;
		int key = term_getkey(&ui->term);
		if (key < 0) {
			if (input_gone())
				break;
			if (ui->cfg->idle_timeout_seconds > 0 &&
			    mono_seconds() - ui->term.last_input > ui->cfg->idle_timeout_seconds)
				break;
			int64_t before = ui->data_version;
			screen_poll(ui);
			dirty = ui->data_version != before;
			continue;
		}
		dirty = 1;
		if (key == KM_FN(KEY_RESIZE)) {
			term_resize(&ui->term);
			continue;
		}
		status_clear(ui);
		screen_dispatch(ui, key);
		screen_poll(ui);
	}
	return changed;
}

int ui_main(const struct config *cfg, const char *username, const char *screen)
{
	struct ui ui;
	struct wq_errbuf eb = {0};
	const struct screen *s;
	SCREEN *term;
	int rc = 1;

	memset(&ui, 0, sizeof ui);
	ui.cfg = cfg;
	setlocale(LC_ALL, "");
	if (MB_CUR_MAX == 1)
		setlocale(LC_CTYPE, "C.UTF-8");

	/* a process per session: its stage declarations cannot join the web side's group;
	 * they let go of the write lock before their fsync (db_sync.h) */
	if (db_open_small(cfg->db_path, &ui.db, &eb) != WQ_OK ||
	    db_sync_outside_lock(ui.db, &eb) != WQ_OK) {
		fprintf(stderr, "watiqa ui: %s: %s\n", cfg->db_path, eb.msg);
		db_close(ui.db);
		return 1;
	}
	if (user_actor(ui.db, username, &ui.actor, &eb) != WQ_OK) {
		fprintf(stderr, "watiqa ui: %s: %s\n", username, eb.msg);
		db_close(ui.db);
		return 2;
	}
	scope_and_lang(&ui);
	/* `ssh -t USER@HOST totp`, or a role that needs a second factor the account has not
	 * (the session says so): the enrolment first, then the role's screen */
	int enrol_forced = getenv("WATIQA_TOTP_ENROL") != NULL;
	int enrol = enrol_forced || (screen && !strcmp(screen, "totp"));
	if (enrol && !enrol_forced)
		screen = NULL;
	if (!(s = pick_screen(&ui, screen))) {
		db_close(ui.db);
		return 2;
	}

	term = newterm(NULL, stdout, stdin);
	if (!term) {
		fprintf(stderr, "watiqa ui: cannot drive this terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		db_close(ui.db);
		return 1;
	}
	set_term(term);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	set_escdelay(ESC_DELAY_MS);
	curs_set(0);
	leaveok(stdscr, TRUE); /* no cursor moves after an update: fewer bytes */
	ui.term.last_input = mono_seconds();

	if (term_resize(&ui.term) == 0 &&
	    (!enrol || totp_enrol_screen(&ui, enrol_forced) == 0) && screen_open(&ui, s) == 0)
		rc = ui_loop(&ui);
	if (ui.scr && ui.scr->close)
		ui.scr->close(&ui);
	endwin();
	if (rc == UI_EXIT_DISABLED)
		printf("\r\nwatiqa: the account %s has been disabled; this session ends.\r\n",
		       ui.actor.username);
	delscreen(term);
	term_free(&ui.term);
	db_close(ui.db);
	return rc;
}
