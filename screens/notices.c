/* notices.c - the notices screen (M from any screen, M or Esc back to it): the threads
 * of notices the account wrote or was sent, the latest first, those with unread notices
 * in bold.  Enter opens a thread (its notices oldest first, and for the account's own
 * notices who read them and when), which marks it read: the sender's receipt; r replies
 * in the thread, w writes a new notice (supervisors, inspectors, admins) to an office, a
 * province or an account.  Who may write to whom and who reads what is the data layer's
 * (notice.h); this file only shows.  The title line's count of unread notices is
 * screen.c's, asked when PRAGMA data_version moves, like every screen's reload: no
 * poller of its own.  Bodies are shown as written, through term.c (sanitised, Arabic
 * reordered).  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notice.h"
#include "screen.h"
#include "sheet.h"
#include "util.h"
#include "widget.h"

/* a draft longer than a notice may be, so that the data layer says how long it is */
#define DRAFT_BYTES (NOTICE_MAX_BYTES + 300)

struct nt_state {
	struct notice_thread *rows;
	int n;
	struct table tab;
	int64_t now;
};

/* The screen M came from, to go back to; and a notice refused, kept to be typed again. */
static const struct screen *came_from;
static char draft[DRAFT_BYTES];

static struct nt_state *st(struct ui *ui)
{
	return ui->state;
}

enum { NTC_NEW, NTC_AGE, NTC_FROM, NTC_TO, NTC_TEXT, NTC_COUNT };
static const struct table_col cols[NTC_COUNT] = {
	[NTC_NEW] = {TX("New"), 5, 1},	   [NTC_AGE] = {TX("Age"), 6, 1},
	[NTC_FROM] = {TX("From"), 12, 0}, [NTC_TO] = {TX("To"), 12, 0},
	[NTC_TEXT] = {TX("Notice"), 0, 0},
};

static void cell(void *ctx, int row, int col, char *buf, size_t len)
{
	struct nt_state *s = ctx;
	const struct notice_thread *t = &s->rows[row];
	switch (col) {
	case NTC_NEW:
		snprintf(buf, len, "%.0d", t->unread);
		break;
	case NTC_AGE:
		table_age(s->now - t->last_at, 1, buf, len);
		break;
	case NTC_FROM:
		snprintf(buf, len, "%s", t->author);
		break;
	case NTC_TO:
		snprintf(buf, len, "%s", t->to_label);
		break;
	default:
		snprintf(buf, len, "%s%s", t->notices > 1 ? "+ " : "", t->body);
	}
}

static int cmp(void *ctx, int a, int b, int col)
{
	struct nt_state *s = ctx;
	char p[NOTICE_MAX_BYTES + 8], q[NOTICE_MAX_BYTES + 8];
	if (col == NTC_NEW)
		return s->rows[a].unread - s->rows[b].unread;
	if (col == NTC_AGE)
		return s->rows[a].last_at < s->rows[b].last_at ? 1
		       : s->rows[a].last_at > s->rows[b].last_at ? -1 : 0;
	cell(ctx, a, col, p, sizeof p);
	cell(ctx, b, col, q, sizeof q);
	return strcmp(p, q);
}

static int64_t row_id(void *ctx, int row)
{
	return ((struct nt_state *)ctx)->rows[row].thread_id;
}

static int row_attr(void *ctx, int row)
{
	return ((struct nt_state *)ctx)->rows[row].unread ? A_BOLD : A_NORMAL;
}

/* ---- screen hooks ---- */
static int nt_open(struct ui *ui)
{
	struct nt_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->tab = (struct table){
		.cols = cols, .ncols = NTC_COUNT, .ctx = s, .cell = cell, .cmp = cmp,
		.row_id = row_id, .row_attr = row_attr, .sort_col = -1,
		.empty = TX("  No notice yet: those sent to you or your office show here."),
	};
	ui->state = s;
	return 0;
}

static void nt_close(struct ui *ui)
{
	struct nt_state *s = st(ui);
	if (!s)
		return;
	free(s->rows);
	table_free(&s->tab);
	free(s);
	ui->state = NULL;
}

static int nt_load(struct ui *ui)
{
	struct nt_state *s = st(ui);
	struct notice_thread *rows = NULL;
	struct wq_errbuf eb = {0};
	int n = 0;
	s->now = wq_now();
	if (notice_threads(ui->db, &ui->actor, &rows, &n, &eb)) {
		status_wq(ui, tr(ui, "loading the notices"), &eb);
		return -1;
	}
	TABLE_REPLACE(&s->tab, s->rows, s->n, rows, n);
	return 0;
}

static void nt_paint(struct ui *ui)
{
	table_paint(ui, &st(ui)->tab, 1, ui->term.rows - 3);
}

static struct table *nt_table(struct ui *ui)
{
	return &st(ui)->tab;
}

static void nt_tabs(struct ui *ui, char *buf, size_t len)
{
	snprintf(buf, len, tr(ui, "Threads %d"), st(ui)->n);
}

static const struct notice_thread *current(struct ui *ui)
{
	struct nt_state *s = st(ui);
	int r = table_cur(&s->tab);
	if (r < 0) {
		status_error(ui, "%s", tr(ui, "no notice here"));
		return NULL;
	}
	return &s->rows[r];
}

/* ---- the thread in a pager ---- */
/* The body cut at spaces into lines of width columns (a word longer than that is cut). */
static void add_body(struct pager_lines *ls, const char *body, int width)
{
	char chunk[NOTICE_MAX_BYTES + 8];
	const char *p = body;
	while (*p) {
		term_fit(p, width, 0, 0, chunk, sizeof chunk);
		size_t k = strlen(chunk);
		if (p[k] && p[k] != ' ') {
			char *sp = strrchr(chunk, ' ');
			if (sp && sp > chunk)
				k = (size_t)(sp - chunk);
		}
		if (!k)
			break;
		pager_add(ls, "  %.*s", (int)k, p);
		p += k;
		while (*p == ' ')
			p++;
	}
}

/* Who a notice of the account's own went to: readers with the time, then the others. */
static void add_receipts(struct ui *ui, struct pager_lines *ls, const struct notice *m)
{
	struct notice_receipt *r = NULL;
	struct wq_errbuf eb = {0};
	char t[32];
	int n = 0;
	pager_add(ls, tr(ui, "  read by %d of %d:"), m->readers, m->recipients);
	if (notice_receipts(ui->db, &ui->actor, m->id, &r, &n, &eb)) {
		pager_add(ls, "  (%s)", eb.msg);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (r[i].read_at)
			table_time(r[i].read_at, t, sizeof t);
		pager_add(ls, "    %-16s %s", r[i].username,
			  r[i].read_at ? t : tr(ui, "not read yet"));
	}
	free(r);
}

static void key_open(struct ui *ui)
{
	const struct notice_thread *t = current(ui);
	struct wq_errbuf eb = {0};
	struct notice *ns = NULL;
	struct pager_lines ls = {0};
	char when[32], title[96];
	int n = 0, marked = 0;
	if (!t)
		return;
	int64_t id = t->thread_id;
	if (notice_thread_get(ui->db, &ui->actor, id, &ns, &n, &eb)) {
		status_wq(ui, tr(ui, "opening the notice"), &eb);
		return;
	}
	/* opening is reading: the sender's receipt, before the pager waits on the user */
	if (t->unread && notice_mark_read(ui->db, &ui->actor, id, &marked, &eb))
		status_wq(ui, tr(ui, "marking the notice read"), &eb);
	for (int i = 0; i < n; i++) {
		const struct notice *m = &ns[i];
		table_time(m->sent_at, when, sizeof when);
		pager_add(&ls, tr(ui, "%s  %s to %s%s"), when, m->author, m->to_label,
			  !m->mine && !m->read_at ? tr(ui, "  (new)") : "");
		add_body(&ls, m->body, ui->term.cols - 8);
		if (m->mine)
			add_receipts(ui, &ls, m);
		pager_add(&ls, "%s", "");
	}
	free(ns);
	snprintf(title, sizeof title, tr(ui, "Notice #%lld (r: reply, Esc closes)"),
		 (long long)id);
	prompt_pager(ui, title, ls.l, ls.n);
	sheet_lines_free(ls.l, ls.n);
	ui->reload = 1;
}

/* ---- writing ---- */
static void sent(struct ui *ui, int rc, int64_t id, const char *to, const struct wq_errbuf *eb)
{
	if (rc) {
		status_wq(ui, tr(ui, "notice not sent"), eb);
		return; /* the draft stays, to be typed again */
	}
	draft[0] = '\0';
	status_info(ui, tr(ui, "notice #%lld sent to %s"), (long long)id, to);
	ui->reload = 1;
}

static void key_reply(struct ui *ui)
{
	const struct notice_thread *t = current(ui);
	struct wq_errbuf eb = {0};
	int64_t id = 0;
	if (!t)
		return;
	int64_t thread = t->thread_id;
	char to[USERNAME_MAX_BYTES + 64];
	snprintf(to, sizeof to, "%s", t->mine ? t->to_label : t->author);
	if (!prompt_text(ui, tr(ui, "Reply: "), draft, sizeof draft) || !draft[0])
		return;
	int rc = notice_reply(ui->db, &ui->actor, thread, draft, &id, &eb);
	sent(ui, rc, id, to, &eb);
}

static void key_write(struct ui *ui)
{
	static const char *const kinds[NOTICE_TO_COUNT] = {
		TX("an office (its code)"), TX("the offices of a province (its code)"),
		TX("one account (its username)")};
	static const char *const asks[NOTICE_TO_COUNT] = {TX("Office code: "),
							  TX("Province code: "),
							  TX("Username: ")};
	const char *items[NOTICE_TO_COUNT];
	char code[64], to[96];
	struct wq_errbuf eb = {0};
	int64_t id = 0;
	for (int i = 0; i < NOTICE_TO_COUNT; i++)
		items[i] = tr(ui, kinds[i]);
	int k = prompt_pick(ui, tr(ui, "Write a notice to"), items, NOTICE_TO_COUNT);
	if (k < 0)
		return;
	/* an office or province of the writer's own, to start from */
	snprintf(code, sizeof code, "%s",
		 (k == NOTICE_TO_OFFICE && ui->actor.scope == SCOPE_OFFICE) ||
				 (k == NOTICE_TO_PROVINCE && ui->actor.scope == SCOPE_PROVINCE)
			 ? ui->scope_code
			 : "");
	if (!prompt_text(ui, tr(ui, asks[k]), code, sizeof code) || !code[0])
		return;
	if (!prompt_text(ui, tr(ui, "Notice: "), draft, sizeof draft) || !draft[0])
		return;
	snprintf(to, sizeof to, "%s", code);
	int rc = notice_send(ui->db, &ui->actor, (enum notice_to)k, code, draft, &id, &eb);
	sent(ui, rc, id, to, &eb);
}

static void key_back(struct ui *ui)
{
	const struct screen *s = came_from;
	if (!s || s == &notices_screen || !(s->roles & ROLE_BIT(ui->actor.role)))
		s = screen_for_role(ui->actor.role);
	screen_open(ui, s);
}

void notices_key(struct ui *ui)
{
	if (ui->scr == &notices_screen) {
		key_back(ui);
		return;
	}
	came_from = ui->scr;
	screen_open(ui, &notices_screen);
}

#define WRITERS (ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_ADMIN))
/* every staff role: a notice sent to it may be answered */
#define STAFF (((1u << (ROLE_OFFICER + 1)) - 1) & ~1u)

static const struct keymap nt_keys[] = {
	{KM_ENTER, "open", "read the thread (and who read your notices); marks it read", 0,
	 KM_BAR, key_open},
	{'r', "reply", "reply in the thread: to its author, or from its author to all", STAFF,
	 KM_WRITE | KM_BAR, key_reply},
	{'w', "write", "write a notice to an office, a province's offices or an account",
	 WRITERS, KM_WRITE | KM_BAR, key_write},
	{KM_ESC, "back", "back to the screen M was pressed on", 0, KM_BAR, key_back},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen notices_screen = {
	.name = "notices",
	.title = TX("Notices"),
	.role = ROLE_NONE,
	.roles = ~0u,
	.keys = nt_keys,
	.open = nt_open,
	.close = nt_close,
	.load = nt_load,
	.paint = nt_paint,
	.table = nt_table,
	.tabs = nt_tabs,
};
