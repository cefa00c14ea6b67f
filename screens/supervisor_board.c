/* supervisor_board.c - the office supervisor's board.  Two head lines: the office's
 * open requests by stage (queue, claimed, in production, ready, with the post) with the
 * overdue count, and each agent's load; below, every open request of the office (and of
 * the low-activity offices it relays), filtered by stage, late ones in bold and
 * marked LATE, LATE+ (raised to the supervisor) or ESC (raised to the inspector) by
 * their stage deadlines in working days (escalate.h).  From here the supervisor assigns a request to an agent, declares the
 * stage of any request of the office, hands an envelope to the post, reassigns one or a
 * marked batch to another office with a reason, reads the history (who recorded what
 * for which office) and prints the sheet (fax for a relayed office), the envelope label
 * and the day's dispatch list.  What he sees and may touch is decided by the data
 * layer from his actor; rows refresh when another session commits (data_version).
 * UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "board.h"
#include "mail.h"
#include "desk.h"
#include "printout.h"
#include "request.h"
#include "screen.h"
#include "supervisor_board.h"
#include "util.h"
#include "widget.h"

#define SB_LIST_LIMIT 1000
#define SECONDS_PER_DAY 86400
#define OPEN_STATES                                                                     \
	(STATE_BIT(RS_PAID) | STATE_BIT(RS_CLAIMED) | STATE_BIT(RS_IN_PRODUCTION) |     \
	 STATE_BIT(RS_AWAITING_SIGNATURE) | STATE_BIT(RS_SIGNED) |                       \
	 STATE_BIT(RS_READY) | STATE_BIT(RS_WITH_POST) | STATE_BIT(RS_RETURNED) |        \
	 STATE_BIT(RS_TO_COLLECT))

/* The filters over the office's open requests, in Tab order. */
enum { V_ALL, V_QUEUE, V_CLAIMED, V_PROD, V_READY, V_POST, V_LATE, V_BACK, V_COUNT };
static const struct {
	const char *name;
	enum req_state state; /* RS_NONE: no state filter */
} views[V_COUNT] = {
	[V_ALL] = {TX("All"), RS_NONE},	     [V_QUEUE] = {TX("Queue"), RS_PAID},
	[V_CLAIMED] = {TX("Claimed"), RS_CLAIMED}, [V_PROD] = {TX("Prod"), RS_IN_PRODUCTION},
	[V_READY] = {TX("Ready"), RS_READY},     [V_POST] = {TX("Post"), RS_WITH_POST},
	[V_LATE] = {TX("Late"), RS_NONE},	     [V_BACK] = {TX("Back"), RS_NONE},
};

static struct sb_state *st(struct ui *ui)
{
	return ui->state;
}

/* Rebuilds the view's row index from the loaded rows; the cursor stays on request
 * `keep` if it is still shown. */
static void view_apply(struct sb_state *s, int64_t keep)
{
	s->nidx = s->late = s->raised = 0;
	for (int i = 0; i < s->nrows; i++) {
		const struct request *r = &s->rows[i];
		enum escalate_level lv = supervisor_board_level(s, r);
		s->late += lv >= ESC_LATE;
		s->raised += lv >= ESC_SUPERVISOR;
		/* Back: envelopes the post brought back, waiting for the citizen's choice
		 * or for the citizen at the counter */
		int back = r->state == RS_RETURNED || r->state == RS_TO_COLLECT;
		/* Prod: being produced, waiting for the officer's signature, or signed */
		int prod = r->state == RS_IN_PRODUCTION || r->state == RS_AWAITING_SIGNATURE ||
			   r->state == RS_SIGNED;
		int in = s->view == V_ALL || (s->view == V_LATE   ? lv >= ESC_LATE
					      : s->view == V_BACK ? back
					      : s->view == V_PROD ? prod
								  : r->state == views[s->view].state);
		if (in)
			s->idx[s->nidx++] = i;
	}
	table_set_rows(&s->tab, s->nidx, keep);
}

/* ---- screen hooks ---- */
static int sb_open(struct ui *ui)
{
	struct sb_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	supervisor_board_table(s);
	ui->state = s;
	struct wq_errbuf eb = {0};
	if (escalate_rules_load(&s->rules, ui->cfg, &eb))
		status_wq(ui, tr(ui, "reading the holidays (weekends still count)"), &eb);
	return 0;
}

static void sb_close(struct ui *ui)
{
	struct sb_state *s = st(ui);
	if (!s)
		return;
	free(s->rows);
	free(s->idx);
	free(s->agents);
	marks_free(&s->marks);
	table_free(&s->tab);
	free(s);
	ui->state = NULL;
}

static int sb_load(struct ui *ui)
{
	struct sb_state *s = st(ui);
	struct request_filter f = {.states = OPEN_STATES, .oldest_first = 1,
				   .limit = SB_LIST_LIMIT};
	struct wq_errbuf eb = {0};
	struct request *rows = NULL;
	struct agent_load *agents = NULL;
	int n = 0, na = 0;

	s->now = wq_now();
	s->overdue_before = s->now - (int64_t)ui->cfg->overdue_days * SECONDS_PER_DAY;
	if (request_list(ui->db, &ui->actor, &f, &rows, &n, &eb) != WQ_OK ||
	    board_counts(ui->db, &ui->actor, s->overdue_before, &s->counts, &eb) != WQ_OK ||
	    board_agent_loads(ui->db, &ui->actor, s->overdue_before, &agents, &na, &eb) !=
		    WQ_OK) {
		free(rows);
		status_wq(ui, tr(ui, "loading the board"), &eb);
		return -1;
	}
	int *idx = malloc((size_t)(n > 0 ? n : 1) * sizeof *idx);
	if (!idx) {
		free(rows);
		free(agents);
		status_error(ui, tr(ui, "out of memory"));
		return -1;
	}
	/* the cursor's request, read before the rows it points into are replaced */
	int64_t keep = table_cur_id(&s->tab);
	free(s->rows);
	free(s->idx);
	free(s->agents);
	s->rows = rows;
	s->nrows = n;
	s->idx = idx;
	s->agents = agents;
	s->nagents = na;
	view_apply(s, keep);
	marks_keep(&s->marks, rows, n);
	return 0;
}

static void sb_paint(struct ui *ui)
{
	struct sb_state *s = st(ui);
	const struct board_counts *c = &s->counts;
	char line[512];
	size_t o = 0;

	int back = c->stage[RS_RETURNED] + c->stage[RS_TO_COLLECT];
	int prod = c->stage[RS_IN_PRODUCTION] + c->stage[RS_AWAITING_SIGNATURE] +
		   c->stage[RS_SIGNED];
	/* envelopes back from the post are counted only when there are some: the line is
	 * full at 80 columns in Arabic */
	if (back)
		snprintf(line, sizeof line,
			 tr(ui, " Queue %d  Claimed %d  Prod %d  Ready %d  Post %d  Back %d | Late %d,"
				" raised %d"),
			 c->stage[RS_PAID], c->stage[RS_CLAIMED], prod,
			 c->stage[RS_READY], c->stage[RS_WITH_POST], back, s->late, s->raised);
	else
		snprintf(line, sizeof line,
			 tr(ui, " Queue %d  Claimed %d  Prod %d  Ready %d  Post %d  | Late %d, raised %d"),
			 c->stage[RS_PAID], c->stage[RS_CLAIMED], prod,
			 c->stage[RS_READY], c->stage[RS_WITH_POST], s->late, s->raised);
	term_line(&ui->term, 1, A_BOLD, line, 0, 0, 0, 0);
	/* agent load: claimed/in production/ready, and how many of those are late */
	o = (size_t)snprintf(line, sizeof line, "%s", tr(ui, " Agents c/p/r:"));
	for (int i = 0; i < s->nagents && o < sizeof line; i++) {
		const struct agent_load *l = &s->agents[i];
		/* the LRM keeps a late agent's '!' after their figures in Arabic */
		o += (size_t)snprintf(line + o, sizeof line - o, " %s %d/%d/%d%s\xe2\x80\x8e",
				      l->username,
				      l->claimed, l->in_production, l->ready,
				      l->overdue ? "!" : "");
	}
	if (!s->nagents)
		snprintf(line + o, sizeof line - o, "%s", tr(ui, " (no agent in this office)"));
	term_line(&ui->term, 2, A_NORMAL, line, 0, 0, 0, 0);
	table_paint(ui, &s->tab, 3, ui->term.rows - 5);
}

static struct table *sb_table(struct ui *ui)
{
	return &st(ui)->tab;
}

static void sb_tabs(struct ui *ui, char *buf, size_t len)
{
	struct sb_state *s = st(ui);
	char marks[24] = "";
	if (s->marks.n)
		snprintf(marks, sizeof marks, "%d* ", s->marks.n);
	snprintf(buf, len, "%s[%s %d]", marks, tr(ui, views[s->view].name), s->nidx);
}

static const struct request *current(struct ui *ui)
{
	struct sb_state *s = st(ui);
	int r = table_cur(&s->tab);
	if (r < 0) {
		status_error(ui, tr(ui, "no request here"));
		return NULL;
	}
	return supervisor_board_row(s, r);
}

/* The requests an action applies to: the marked ones, else the one under the
 * cursor.  Copies (id, version, tracking), since the reload after each write replaces
 * the rows. */
struct target {
	int64_t id, version;
	char tracking[TRACKING_BYTES];
	enum req_state state;
};

static int targets(struct ui *ui, struct target **out)
{
	struct sb_state *s = st(ui);
	int n = 0;
	*out = calloc((size_t)(s->marks.n ? s->marks.n : 1), sizeof **out);
	if (!*out)
		return 0;
	for (int i = 0; i < s->nrows && s->marks.n; i++)
		if (marks_find(&s->marks, s->rows[i].id) >= 0)
			(*out)[n++] = (struct target){s->rows[i].id, s->rows[i].version, "",
						      s->rows[i].state};
	if (!s->marks.n) {
		const struct request *r = current(ui);
		if (!r)
			return 0;
		(*out)[n++] = (struct target){r->id, r->version, "", r->state};
	}
	for (int i = 0; i < n; i++)
		for (int k = 0; k < s->nrows; k++)
			if (s->rows[k].id == (*out)[i].id)
				memcpy((*out)[i].tracking, s->rows[k].tracking, TRACKING_BYTES);
	return n;
}

/* Says how a batch went: "done 3" or the first failure. */
static void batch_status(struct ui *ui, const char *verb, int ok, int failed,
			 const struct wq_errbuf *first, const char *what)
{
	if (failed)
		status_error(ui, tr(ui, "%s %d, %d failed: %s"), tr(ui, verb), ok, failed,
			     first->msg);
	else
		status_info(ui, "%s %s", what, tr(ui, verb));
	st(ui)->marks.n = 0;
	ui->reload = 1;
}

/* ---- keys ---- */
static void key_view(struct ui *ui)
{
	struct sb_state *s = st(ui);
	s->view = (s->view + 1) % V_COUNT;
	view_apply(s, table_cur_id(&s->tab));
}

#define VIEW_KEY(fn, v)                        \
	static void fn(struct ui *ui)          \
	{                                      \
		st(ui)->view = (v);            \
		view_apply(st(ui), table_cur_id(&st(ui)->tab)); \
	}
VIEW_KEY(key_v0, V_ALL)
VIEW_KEY(key_v1, V_QUEUE)
VIEW_KEY(key_v2, V_CLAIMED)
VIEW_KEY(key_v3, V_PROD)
VIEW_KEY(key_v4, V_READY)
VIEW_KEY(key_v5, V_POST)
VIEW_KEY(key_v6, V_LATE)
VIEW_KEY(key_v7, V_BACK)

static void key_mark(struct ui *ui)
{
	const struct request *r = current(ui);
	if (!r)
		return;
	marks_toggle(&st(ui)->marks, r->id);
	table_move(&st(ui)->tab, 1);
}

static void key_assign(struct ui *ui)
{
	struct sb_state *s = st(ui);
	struct target *t = NULL;
	const char *items[64];
	char labels[64][96], what[64];
	struct wq_errbuf eb = {0}, first = {0};
	int n = targets(ui, &t), ok = 0, failed = 0, k, na = s->nagents < 64 ? s->nagents : 64;

	if (!n || !na) {
		if (n && !na)
			status_error(ui, tr(ui, "this office has no agent to assign to"));
		free(t);
		return;
	}
	for (int i = 0; i < na; i++) {
		snprintf(labels[i], sizeof labels[i], tr(ui, "%-12s %-24.24s holds %d"),
			 s->agents[i].username, s->agents[i].full_name,
			 s->agents[i].claimed + s->agents[i].in_production);
		items[i] = labels[i];
	}
	snprintf(what, sizeof what, n > 1 ? tr(ui, "Assign %d requests to which agent?")
					  : tr(ui, "Assign %d request to which agent?"), n);
	if ((k = prompt_pick(ui, what, items, na)) < 0) {
		status_info(ui, tr(ui, "not assigned"));
		free(t);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (request_assign(ui->db, &ui->actor, t[i].id, t[i].version, s->agents[k].user_id,
				   &eb) == WQ_OK)
			ok++;
		else if (!failed++)
			first = eb;
	}
	snprintf(what, sizeof what, tr(ui, "%s to %s:"),
		 n == 1 ? t[0].tracking : tr(ui, "requests"), s->agents[k].username);
	batch_status(ui, TX("assigned"), ok, failed, &first, what);
	free(t);
}

static const char *const reject_reasons[] = {
	TX("record not found"), TX("the data do not match the record"),
	TX("illegible or incomplete request"), TX("duplicate request"),
};
static const char *const reassign_reasons[] = {
	TX("birth registered at another office"),
	TX("relayed office: its central office handles it"),
	TX("office overloaded"),
	TX("other (type the reason)"),
};
#define REASSIGN_OTHER 3

static void hand_to_post(struct ui *ui, const struct request *r)
{
	struct wq_errbuf eb = {0};
	char code[32], tracking[TRACKING_BYTES];
	memcpy(tracking, r->tracking, sizeof tracking);
	int64_t id = r->id, version = r->version;
	char q[80];
	snprintf(q, sizeof q, tr(ui, "Registered-mail code for %s: "), tracking);
	if (!desk_code(ui, q, code, sizeof code))
		return;
	if (mail_hand(ui->db, &ui->actor, id, version, code, "deposit", &eb) != WQ_OK)
		status_wq(ui, tracking, &eb);
	else
		status_info(ui, tr(ui, "%s deposited at the post agency as %s"), tracking, code);
	ui->reload = 1;
}

/* Declare the stage: the choices are the lifecycle's rows a supervisor may take from
 * the request's state (claiming goes through assign: a supervisor does not hold
 * requests himself). */
/* A returned envelope is handed over at the counter against the citizen's CIN, the
 * one on the order when it has one; the note records it. */
static int collect_cin(struct ui *ui, const struct request *r, char *note, size_t len)
{
	char cin[40] = "";
	if (!prompt_text(ui, tr(ui, "Handed over against which CIN?"), cin, sizeof cin) || !cin[0])
		return 0;
	for (char *p = cin; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	if (strlen(cin) < 3 || strlen(cin) > 12 || (r->cin[0] && strcmp(cin, r->cin))) {
		status_error(ui, tr(ui, "CIN %s is not the one on the order%s%s: not handed over"), cin,
			     r->cin[0] ? ", " : "", r->cin);
		return 0;
	}
	snprintf(note, len, "collected at the office, CIN %s checked", cin);
	return 1;
}

static void key_stage(struct ui *ui)
{
	const struct request *r = current(ui);
	const char *items[8];
	char labels[8][80], reason[200] = "", q[200];
	enum req_state to[8];
	struct wq_errbuf eb = {0};
	int n = 0, k;

	if (!r)
		return;
	for (int i = 0; i < transitions_count && n < 8; i++) {
		const struct transition *t = &transitions[i];
		if (t->from != r->state || !(t->roles & ROLE_BIT(ui->actor.role)) ||
		    t->to == RS_CLAIMED)
			continue;
		snprintf(labels[n], sizeof labels[n], "%-13s %s", tr(ui, req_state_name(t->to)),
			 req_state_label(t->to, msg_lang_code(ui->lang)));
		items[n] = labels[n];
		to[n++] = t->to;
	}
	if (!n) {
		status_error(ui, "%s: %s, %s", r->tracking, tr(ui, req_state_name(r->state)),
			     r->state == RS_PAID
				     ? tr(ui, "assign it to an agent (A)")
				     : tr(ui, "no stage the office can declare from here"));
		return;
	}
	snprintf(q, sizeof q, tr(ui, "%s is %s: declare which stage?"), r->tracking,
		 tr(ui, req_state_name(r->state)));
	if ((k = prompt_pick(ui, q, items, n)) < 0)
		return;
	if (to[k] == RS_WITH_POST) {
		hand_to_post(ui, r);
		return;
	}
	if (to[k] == RS_REJECTED &&
	    !desk_reason(ui, tr(ui, "Reject: why?"), reject_reasons, 4, -1, reason, sizeof reason))
		return;
	if (r->state == RS_TO_COLLECT && !collect_cin(ui, r, reason, sizeof reason))
		return;
	char tracking[TRACKING_BYTES];
	memcpy(tracking, r->tracking, sizeof tracking);
	int64_t id = r->id;
	char path[PATH_MAX_BYTES + 64];
	if (request_transition(ui->db, &ui->actor, r->id, r->version, to[k], reason, &eb) !=
	    WQ_OK)
		status_wq(ui, tracking, &eb);
	else if (to[k] != RS_IN_PRODUCTION)
		status_info(ui, tr(ui, "%s is now %s"), tracking, tr(ui, req_state_name(to[k])));
	else if (!desk_production_sheet(ui, id, path, sizeof path)) /* its documents' code */
		status_info(ui,
			    tr(ui, "%s is now %s; sheet with its verification code written to %s"),
			    tracking, tr(ui, req_state_name(to[k])), path);
	ui->reload = 1;
}

static void key_post(struct ui *ui)
{
	const struct request *r = current(ui);
	if (!r)
		return;
	if (r->state != RS_READY) {
		status_error(ui, tr(ui, "%s is %s: only a ready (sealed) envelope goes to the post"),
			     r->tracking, tr(ui, req_state_name(r->state)));
		return;
	}
	hand_to_post(ui, r);
}

static void key_reassign(struct ui *ui)
{
	struct target *t = NULL;
	struct wq_errbuf eb = {0}, first = {0};
	char reason[200], code[16], q[300];
	int n = targets(ui, &t), ok = 0, failed = 0;
	int64_t to;

	snprintf(q, sizeof q,
		 n > 1 ? tr(ui, "Reassign %d requests to which office? (type to filter)")
		       : tr(ui, "Reassign %d request to which office? (type to filter)"), n);
	if (!n || !(to = desk_pick_office(ui, q, ui->actor.scope_id, code, sizeof code)) ||
	    !desk_reason(ui, tr(ui, "Reassign: why?"), reassign_reasons, 4, REASSIGN_OTHER, reason,
			 sizeof reason)) {
		if (n)
			status_info(ui, tr(ui, "not reassigned"));
		free(t);
		return;
	}
	snprintf(q, sizeof q, tr(ui, "Send %s to %s (%s)?"),
		 n == 1 ? t[0].tracking : tr(ui, "the marked requests"), code, tr(ui, reason));
	if (!prompt_yesno(ui, q)) {
		free(t);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (request_reassign(ui->db, &ui->actor, t[i].id, t[i].version, to, reason,
				     &eb) == WQ_OK)
			ok++;
		else if (!failed++)
			first = eb;
	}
	snprintf(q, sizeof q, tr(ui, "%s sent to %s:"),
		 n == 1 ? t[0].tracking : tr(ui, "requests"), code);
	batch_status(ui, n == 1 ? TX("done") : TX("reassigned"), ok, failed, &first, q);
	free(t);
}

static void key_history(struct ui *ui)
{
	const struct request *r = current(ui);
	char title[80];
	if (!r)
		return;
	snprintf(title, sizeof title, tr(ui, "%s at %s: history (Esc closes)"), r->tracking,
		 r->office_code);
	desk_history(ui, r->id, title);
}

static void key_print(struct ui *ui)
{
	const struct request *r = current(ui);
	struct wq_errbuf eb = {0};
	char path[PATH_MAX_BYTES + 64];
	if (r && printout_sheet(ui->db, &ui->actor, ui->cfg, r->id, path, sizeof path,
				&eb) != WQ_OK)
		status_wq(ui, tr(ui, "print the sheet"), &eb);
	else if (r)
		status_info(ui, tr(ui, "sheet written to %s"), path);
}

static void key_label(struct ui *ui)
{
	const struct request *r = current(ui);
	if (r)
		desk_label(ui, r->id);
}

/* The day's dispatch list of the office of the request under the cursor (a relayed
 * office has its own), else of the supervisor's office. */
static void key_dispatch(struct ui *ui)
{
	struct sb_state *s = st(ui);
	int r = table_cur(&s->tab);
	if (r >= 0)
		desk_dispatch(ui, supervisor_board_row(s, r)->office_id, supervisor_board_row(s, r)->office_code);
	else
		desk_dispatch(ui, ui->actor.scope_id, ui->scope_code);
}

#define SUP ROLE_BIT(ROLE_SUPERVISOR)

static const struct keymap sb_keys[] = {
	{'\t', "view", "next view: All, Queue, Claimed, Prod, Ready, Post, Late, Back", 0, KM_BAR,
	 key_view},
	{'0', "all", "show every open request of the office", 0, 0, key_v0},
	{'1', "queue", "show the queue (paid, nobody holds it)", 0, 0, key_v1},
	{'2', "claimed", "show the claimed requests", 0, 0, key_v2},
	{'3', "prod", "show the requests in production", 0, 0, key_v3},
	{'4', "ready", "show the ready envelopes", 0, 0, key_v4},
	{'5', "post", "show the requests with the post", 0, 0, key_v5},
	{'6', "late", "show the late requests (LATE, LATE+, ESC)", 0, 0, key_v6},
	{'7', "returns", "show the envelopes back from the post (to choose, to collect)", 0, 0,
	 key_v7},
	{' ', "mark", "mark or unmark a request for a batch (assign, reassign)", 0, 0, key_mark},
	{'A', "assign", "give the request (or the marked ones) to an agent", SUP,
	 KM_WRITE | KM_BAR, key_assign},
	{'d', "stage", "declare the stage of the request", SUP, KM_WRITE | KM_BAR, key_stage},
	{'m', "post", "hand a ready envelope to the post with its code", SUP, KM_WRITE,
	 key_post},
	{'a', "reassign", "send the request (or the marked ones) to another office", SUP,
	 KM_WRITE | KM_BAR, key_reassign},
	{'h', "hist", "history: who recorded each stage, for which office", 0, KM_BAR,
	 key_history},
	{'p', "print", "write the request sheet (fax for a relayed office)", 0, KM_BAR,
	 key_print},
	{'l', "label", "write the envelope label (address, registered-mail code)", 0, 0,
	 key_label},
	{'D', "dispatch", "write today's dispatch list of the request's office", 0, 0,
	 key_dispatch},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen supervisor_board_screen = {
	.name = "supervisor_board",
	.title = TX("Office board"),
	.role = ROLE_SUPERVISOR,
	.roles = ROLE_BIT(ROLE_SUPERVISOR),
	.keys = sb_keys,
	.open = sb_open,
	.close = sb_close,
	.load = sb_load,
	.paint = sb_paint,
	.table = sb_table,
	.tabs = sb_tabs,
};
