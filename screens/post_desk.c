/* post_desk.c - the post's screen (Barid Al-Maghrib, role post, scope its province).
 * Head line: how many sealed envelopes wait at each office.  Two views: "Waiting", the
 * sealed envelopes to collect at the offices (pickup) or that offices bring to the
 * agency (deposit), and "With post", the registered items on their way, to record
 * delivered or returned (with a reason), or to update from the post's tracking service
 * (libcurl, post_track.h).  A hand-over needs the UPU S10 code, refused with a clear
 * message when its check digit is wrong.  Also prints the envelope label and an
 * office's dispatch list of the day.  What it sees is decided by the data layer from
 * the actor.  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "mail.h"
#include "desk.h"
#include "post_track.h"
#include "printout.h"
#include "screen.h"
#include "util.h"
#include "widget.h"

#define SECONDS_PER_DAY 86400

enum { V_WAITING, V_WITH_POST, V_COUNT };
static const unsigned view_status[V_COUNT] = {MAIL_BIT(MS_SEALED), MAIL_BIT(MS_WITH_POST)};

struct pd_state {
	int view;
	struct envelope *rows[V_COUNT];
	int n[V_COUNT];
	struct table tab[V_COUNT];
	struct mail_office_count *offices;
	int noffices;
	int64_t now;
};

static struct pd_state *st(struct ui *ui)
{
	return ui->state;
}

/* tracking first, as on every staff screen (the search and the tests find it there) */
enum { C_TRACKING, C_OFFICE, C_CODE, C_HOW, C_SINCE, C_NAME, C_COUNT };
static const struct table_col cols[C_COUNT] = {
	[C_TRACKING] = {TX("Tracking"), 11, 0}, [C_OFFICE] = {TX("Office"), 9, 0},
	[C_CODE] = {TX("Code"), 13, 0},    [C_HOW] = {TX("How"), 7, 0},
	[C_SINCE] = {TX("Since"), 6, 1},   [C_NAME] = {TX("Addressee, city"), 0, 0},
};

#define CELL_FN(fn, v)                                                                 \
	static void fn(void *ctx, int row, int col, char *buf, size_t len)             \
	{                                                                              \
		struct pd_state *s = ctx;                                              \
		const struct envelope *e = &s->rows[v][row];                           \
		switch (col) {                                                         \
		case C_OFFICE: snprintf(buf, len, "%s", e->office_code); break;        \
		case C_TRACKING: snprintf(buf, len, "%s", e->tracking); break;         \
		case C_CODE: snprintf(buf, len, "%s", e->code); break;                 \
		case C_HOW: snprintf(buf, len, "%s", tr_now(e->handed_how)); break;    \
		case C_SINCE:                                                          \
			table_age(s->now - (e->handed_at ? e->handed_at : e->sealed_at), \
				  0, buf, len);                                          \
			break;                                                         \
		default: /* abroad: the country, for the international channel */     \
			snprintf(buf, len, "%s, %s%s%s%s", e->name_lat, e->city,       \
				 strcmp(e->country, "MA") ? " (" : "",                   \
				 strcmp(e->country, "MA") ? e->country : "",             \
				 strcmp(e->country, "MA") ? ")" : "");                   \
		}                                                                      \
	}
CELL_FN(cell_waiting, V_WAITING)
CELL_FN(cell_post, V_WITH_POST)

static int64_t id_waiting(void *ctx, int row)
{
	return ((struct pd_state *)ctx)->rows[V_WAITING][row].request_id;
}

static int64_t id_post(void *ctx, int row)
{
	return ((struct pd_state *)ctx)->rows[V_WITH_POST][row].request_id;
}

static int pd_open(struct ui *ui)
{
	struct pd_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->tab[V_WAITING] = (struct table){
		.cols = cols, .ncols = C_COUNT, .ctx = s, .cell = cell_waiting,
		.row_id = id_waiting, .sort_col = -1,
		.empty = TX("  No sealed envelope waits at the offices of your area."),
	};
	s->tab[V_WITH_POST] = (struct table){
		.cols = cols, .ncols = C_COUNT, .ctx = s, .cell = cell_post, .row_id = id_post,
		.sort_col = -1, .empty = TX("  No registered item on its way."),
	};
	ui->state = s;
	return 0;
}

static void pd_close(struct ui *ui)
{
	struct pd_state *s = st(ui);
	if (!s)
		return;
	for (int v = 0; v < V_COUNT; v++) {
		free(s->rows[v]);
		table_free(&s->tab[v]);
	}
	free(s->offices);
	free(s);
	ui->state = NULL;
}

static int pd_load(struct ui *ui)
{
	struct pd_state *s = st(ui);
	struct wq_errbuf eb = {0};
	s->now = wq_now();
	for (int v = 0; v < V_COUNT; v++) {
		struct mail_filter f = {.statuses = view_status[v]};
		struct envelope *rows = NULL;
		int n = 0;
		if (mail_list(ui->db, &ui->actor, &f, &rows, &n, &eb) != WQ_OK) {
			status_wq(ui, tr(ui, "loading the envelopes"), &eb);
			return -1;
		}
		TABLE_REPLACE(&s->tab[v], s->rows[v], s->n[v], rows, n);
	}
	free(s->offices);
	s->offices = NULL;
	if (mail_waiting_by_office(ui->db, &ui->actor, &s->offices, &s->noffices, &eb) != WQ_OK)
		status_wq(ui, tr(ui, "counting the envelopes"), &eb);
	return 0;
}

static void pd_paint(struct ui *ui)
{
	struct pd_state *s = st(ui);
	char line[512];
	size_t o = (size_t)snprintf(line, sizeof line, "%s", tr(ui, " Waiting at:"));
	for (int i = 0; i < s->noffices && o < sizeof line; i++)
		o += (size_t)snprintf(line + o, sizeof line - o, " %s %d", s->offices[i].office_code,
				      s->offices[i].waiting);
	if (!s->noffices)
		snprintf(line + o, sizeof line - o, "%s", tr(ui, " no office"));
	term_line(&ui->term, 1, A_BOLD, line, 0, 0, 0, 0);
	table_paint(ui, &s->tab[s->view], 2, ui->term.rows - 4);
}

static struct table *pd_table(struct ui *ui)
{
	return &st(ui)->tab[st(ui)->view];
}

static void pd_tabs(struct ui *ui, char *buf, size_t len)
{
	struct pd_state *s = st(ui);
	snprintf(buf, len, "%s%s %d%s %s%s %d%s", s->view == V_WAITING ? "[" : " ",
		 tr(ui, "Waiting"), s->n[V_WAITING], s->view == V_WAITING ? "]" : " ",
		 s->view == V_WITH_POST ? "[" : " ", tr(ui, "With post"), s->n[V_WITH_POST],
		 s->view == V_WITH_POST ? "]" : " ");
}

/* The envelope under the cursor, copied (the reload after a write replaces rows). */
static int current(struct ui *ui, struct envelope *out)
{
	struct pd_state *s = st(ui);
	int r = table_cur(&s->tab[s->view]);
	if (r < 0) {
		status_error(ui, tr(ui, "no envelope here"));
		return 0;
	}
	*out = s->rows[s->view][r];
	return 1;
}

/* ---- keys ---- */
static void key_view(struct ui *ui)
{
	st(ui)->view = (st(ui)->view + 1) % V_COUNT;
}

static void key_view_waiting(struct ui *ui)
{
	st(ui)->view = V_WAITING;
}

static void key_view_post(struct ui *ui)
{
	st(ui)->view = V_WITH_POST;
}

static void hand(struct ui *ui, const char *how)
{
	struct envelope e;
	struct wq_errbuf eb = {0};
	char code[32], q[120];
	if (!current(ui, &e))
		return;
	if (e.status != MS_SEALED) {
		status_error(ui, tr(ui, "%s is %s: only a sealed envelope is handed over"),
			     e.tracking,
			     tr(ui, mail_status_name(e.status)));
		return;
	}
	snprintf(q, sizeof q,
		 strcmp(how, "pickup") ? tr(ui, "Deposit of %s at %s - registered-mail code: ")
				       : tr(ui, "Pickup of %s at %s - registered-mail code: "),
		 e.tracking, e.office_code);
	if (!desk_code(ui, q, code, sizeof code))
		return;
	if (mail_hand(ui->db, &ui->actor, e.request_id, e.version, code, how, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "refused"), &eb);
		return;
	}
	status_info(ui, tr(ui, "%s %s: %s, registered as %s"), e.tracking,
		    strcmp(how, "pickup") ? tr(ui, "deposited at the agency") : tr(ui, "picked up"),
		    e.office_code, code);
	ui->reload = 1;
}

static void key_pickup(struct ui *ui)
{
	hand(ui, "pickup");
}

static void key_deposit(struct ui *ui)
{
	hand(ui, "deposit");
}

static int with_post(struct ui *ui, struct envelope *e)
{
	if (!current(ui, e))
		return 0;
	if (e->status != MS_WITH_POST) {
		status_error(ui, tr(ui, "%s is %s: not with the post"), e->tracking,
			     tr(ui, mail_status_name(e->status)));
		return 0;
	}
	return 1;
}

static void key_delivered(struct ui *ui)
{
	struct envelope e;
	struct wq_errbuf eb = {0};
	char q[120];
	if (!with_post(ui, &e))
		return;
	snprintf(q, sizeof q, tr(ui, "%s (%s) delivered to %.60s?"), e.code, e.tracking,
		 e.name_lat);
	if (!prompt_yesno(ui, q))
		return;
	if (mail_close(ui->db, &ui->actor, e.request_id, e.version, 1, "", &eb) != WQ_OK)
		status_wq(ui, e.tracking, &eb);
	else
		status_info(ui, tr(ui, "%s delivered"), e.code);
	ui->reload = 1;
}

static const char *const return_reasons[] = {
	TX("addressee unknown at this address"),
	TX("refused by the addressee"),
	TX("not collected at the agency (notice left)"),
	TX("incomplete address"),
	TX("other (type the reason)"),
};
#define RETURN_OTHER 4

static void key_returned(struct ui *ui)
{
	struct envelope e;
	struct wq_errbuf eb = {0};
	char reason[200] = "";
	if (!with_post(ui, &e))
		return;
	if (!desk_reason(ui, tr(ui, "Returned: why?"), return_reasons, RETURN_OTHER + 1,
			      RETURN_OTHER, reason, sizeof reason))
		return;
	if (mail_close(ui->db, &ui->actor, e.request_id, e.version, 0, reason, &eb) != WQ_OK)
		status_wq(ui, e.tracking, &eb);
	else
		status_info(ui, tr(ui, "%s returned: %s"), e.code, tr(ui, reason));
	ui->reload = 1;
}

/* Asks the post's tracking service (an HTTP call: the screen waits up to
 * POST_TRACK_TIMEOUT_SECONDS, with no transaction open). */
static void key_track(struct ui *ui)
{
	struct envelope e;
	struct track_status ts;
	struct wq_errbuf eb = {0};
	int changed = 0;
	if (!with_post(ui, &e))
		return;
	status_info(ui, tr(ui, "asking the post about %s..."), e.code);
	status_paint(ui);
	doupdate();
	if (post_track_sync(ui->db, &ui->actor, ui->cfg->post_url, e.request_id, &ts, &changed,
			    &eb) != WQ_OK) {
		status_wq(ui, e.code, &eb);
		return;
	}
	if (changed)
		status_info(ui, tr(ui, "%s: the post says %s%s%s; recorded"), e.code, ts.status,
			    ts.reason[0] ? " - " : "", ts.reason);
	else
		status_info(ui, tr(ui, "%s: the post says %s"), e.code, ts.status);
	ui->reload = 1;
}

static void key_history(struct ui *ui)
{
	struct envelope e;
	char title[80];
	if (!current(ui, &e))
		return;
	snprintf(title, sizeof title, tr(ui, "%s %s: history (Esc closes)"), e.tracking, e.code);
	desk_history(ui, e.request_id, title);
}

static void key_label(struct ui *ui)
{
	struct envelope e;
	if (current(ui, &e))
		desk_label(ui, e.request_id);
}

static void key_dispatch(struct ui *ui)
{
	struct envelope e;
	if (current(ui, &e))
		desk_dispatch(ui, e.office_id, e.office_code);
}

#define POST ROLE_BIT(ROLE_POST)

static const struct keymap pd_keys[] = {
	{'\t', "view", "switch between Waiting (sealed) and With post", 0, KM_BAR, key_view},
	{'1', "waiting", "sealed envelopes waiting at the offices", 0, 0, key_view_waiting},
	{'2', "with post", "registered items on their way", 0, 0, key_view_post},
	{'p', "pickup", "collected at the office: record it with its registered-mail code",
	 POST, KM_WRITE | KM_BAR, key_pickup},
	{'d', "deposit", "the office deposited it at the agency: record it with its code",
	 POST, KM_WRITE | KM_BAR, key_deposit},
	{'v', "delivered", "the addressee received it", POST, KM_WRITE | KM_BAR, key_delivered},
	{'r', "returned", "it came back undelivered (with a reason)", POST, KM_WRITE | KM_BAR,
	 key_returned},
	{'t', "track", "ask the post's tracking service and record its answer", POST,
	 KM_WRITE | KM_BAR, key_track},
	{'h', "hist", "history of the request", 0, 0, key_history},
	{'l', "label", "write the envelope label (address and code)", 0, 0, key_label},
	{'D', "dispatch", "write today's dispatch list of the envelope's office", 0, 0,
	 key_dispatch},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen post_desk_screen = {
	.name = "post_desk",
	.title = TX("Post desk"),
	.role = ROLE_POST,
	.roles = ROLE_BIT(ROLE_POST),
	.keys = pd_keys,
	.open = pd_open,
	.close = pd_close,
	.load = pd_load,
	.paint = pd_paint,
	.table = pd_table,
	.tabs = pd_tabs,
};
