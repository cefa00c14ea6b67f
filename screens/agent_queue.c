/* agent_queue.c - the civil-status agent's screen.  Two views: "Queue", the office's
 * paid requests nobody has claimed (oldest first, age shown, a request past its stage
 * deadline marked LATE, LATE+ or ESC by how far: escalate.h), and
 * "Mine", the requests this agent claimed, grouped by stage.  From here the agent
 * claims one request or a marked batch, declares the stages (claimed -> in production
 * -> awaiting the officer's signature; once the officer signed, -> ready), rejects with a reason from a list, releases, reassigns to another office,
 * reads a request's history and prints its sheet.  Which requests he sees is decided
 * by the data layer from his actor (his office only); this file only shows them.
 * UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_queue.h"
#include "desk.h"
#include "office.h"
#include "printout.h"
#include "request.h"
#include "screen.h"
#include "sheet.h"
#include "util.h"
#include "widget.h"

#define AQ_LIST_LIMIT 1000
#define SECONDS_PER_DAY 86400

static struct aq_state *st(struct ui *ui)
{
	return ui->state;
}

/* ---- screen hooks ---- */
static int agent_queue_open(struct ui *ui)
{
	struct aq_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	agent_queue_tables(s);
	ui->state = s;
	struct wq_errbuf eb = {0};
	if (escalate_rules_load(&s->rules, ui->cfg, &eb))
		status_wq(ui, tr(ui, "reading the holidays (weekends still count)"), &eb);
	return 0;
}

static void agent_queue_close(struct ui *ui)
{
	struct aq_state *s = st(ui);
	if (!s)
		return;
	for (int v = 0; v < VIEW_COUNT; v++) {
		free(s->rows[v]);
		table_free(&s->tab[v]);
	}
	marks_free(&s->marks);
	free(s);
	ui->state = NULL;
}

static int agent_queue_load(struct ui *ui)
{
	struct aq_state *s = st(ui);
	struct request_filter f[VIEW_COUNT] = {
		[VIEW_QUEUE] = {.states = STATE_BIT(RS_PAID), .agent_id = -1,
				.oldest_first = 1, .limit = AQ_LIST_LIMIT},
		[VIEW_MINE] = {.states = STATE_BIT(RS_CLAIMED) | STATE_BIT(RS_IN_PRODUCTION) |
					 STATE_BIT(RS_AWAITING_SIGNATURE) |
					 STATE_BIT(RS_SIGNED) | STATE_BIT(RS_READY),
			       .agent_id = ui->actor.user_id, .oldest_first = 1,
			       .limit = AQ_LIST_LIMIT},
	};
	struct wq_errbuf eb = {0};

	s->now = wq_now();
	for (int v = 0; v < VIEW_COUNT; v++) {
		struct request *rows = NULL;
		int n = 0;
		if (request_list(ui->db, &ui->actor, &f[v], &rows, &n, &eb) != WQ_OK) {
			status_wq(ui, tr(ui, "loading the requests"), &eb);
			return -1;
		}
		if (v == VIEW_MINE)
			agent_queue_sort_mine(rows, n);
		TABLE_REPLACE(&s->tab[v], s->rows[v], s->n[v], rows, n);
	}
	marks_keep(&s->marks, s->rows[VIEW_QUEUE], s->n[VIEW_QUEUE]);
	return 0;
}

static void agent_queue_paint(struct ui *ui)
{
	struct aq_state *s = st(ui);
	agent_queue_names(s); /* L may have changed the language */
	table_paint(ui, &s->tab[s->view], 1, ui->term.rows - 3);
}

static struct table *agent_queue_table(struct ui *ui)
{
	struct aq_state *s = st(ui);
	return &s->tab[s->view];
}

static void agent_queue_tabs(struct ui *ui, char *buf, size_t len)
{
	struct aq_state *s = st(ui);
	char marks[24] = "";
	if (s->marks.n)
		snprintf(marks, sizeof marks, tr(ui, "%d marked  "), s->marks.n);
	snprintf(buf, len, "%s%s%s %d%s %s%s %d%s", marks, s->view == VIEW_QUEUE ? "[" : " ",
		 tr(ui, "Queue"), s->n[VIEW_QUEUE], s->view == VIEW_QUEUE ? "]" : " ",
		 s->view == VIEW_MINE ? "[" : " ", tr(ui, "Mine"), s->n[VIEW_MINE],
		 s->view == VIEW_MINE ? "]" : " ");
}

/* The request under the cursor, or NULL with a message. */
static const struct request *current(struct ui *ui)
{
	struct aq_state *s = st(ui);
	int r = table_cur(&s->tab[s->view]);
	if (r < 0) {
		status_error(ui, tr(ui, "no request here"));
		return NULL;
	}
	return &s->rows[s->view][r];
}

/* ---- keys ---- */
static void key_view(struct ui *ui)
{
	struct aq_state *s = st(ui);
	s->view = (s->view + 1) % VIEW_COUNT;
}

static void key_view_queue(struct ui *ui)
{
	st(ui)->view = VIEW_QUEUE;
}

static void key_view_mine(struct ui *ui)
{
	st(ui)->view = VIEW_MINE;
}

static void key_mark(struct ui *ui)
{
	struct aq_state *s = st(ui);
	const struct request *r;
	if (s->view != VIEW_QUEUE) {
		status_error(ui, tr(ui, "marks are for claiming: Tab to the Queue view"));
		return;
	}
	if (!(r = current(ui)))
		return;
	marks_toggle(&s->marks, r->id);
	table_move(&s->tab[VIEW_QUEUE], 1);
}

static int claim_one(struct ui *ui, int64_t id, int64_t version, struct wq_errbuf *eb)
{
	return request_claim(ui->db, &ui->actor, id, version, eb);
}

static void claim_batch(struct ui *ui)
{
	struct aq_state *s = st(ui);
	struct wq_errbuf first = {0};
	int failed;
	int ok = marks_run(ui, &s->marks, s->rows[VIEW_QUEUE], s->n[VIEW_QUEUE], claim_one,
			   &failed, &first);
	if (failed)
		status_error(ui, tr(ui, "claimed %d, %d failed: %s"), ok, failed, first.msg);
	else
		status_info(ui, tr(ui, "claimed %d requests: they are in Mine (Tab)"), ok);
}

static void key_claim(struct ui *ui)
{
	struct aq_state *s = st(ui);
	const struct request *r;
	struct wq_errbuf eb = {0};

	if (s->view != VIEW_QUEUE) {
		status_error(ui, tr(ui, "claim from the Queue view (Tab)"));
		return;
	}
	if (s->marks.n) {
		claim_batch(ui);
		return;
	}
	if (!(r = current(ui)))
		return;
	if (request_claim(ui->db, &ui->actor, r->id, r->version, &eb) != WQ_OK) {
		char doing[64];
		snprintf(doing, sizeof doing, tr(ui, "claim %s"), r->tracking);
		status_wq(ui, doing, &eb);
	} else {
		status_info(ui, tr(ui, "claimed %s: it is in Mine (Tab)"), r->tracking);
	}
	ui->reload = 1;
}

static void key_history(struct ui *ui);

static void key_enter(struct ui *ui)
{
	if (st(ui)->view == VIEW_QUEUE)
		key_claim(ui);
	else
		key_history(ui);
}

/* Runs one transition on the current request and says how it went. */
static int transition(struct ui *ui, const struct request *r, enum req_state to,
		      const char *note, const char *done)
{
	struct wq_errbuf eb = {0};
	char doing[64];
	char tracking[TRACKING_BYTES];
	/* r points into rows that the reload below replaces */
	memcpy(tracking, r->tracking, sizeof tracking);
	int rc = request_transition(ui->db, &ui->actor, r->id, r->version, to, note, &eb);
	if (rc != WQ_OK) {
		snprintf(doing, sizeof doing, "%s", tracking);
		status_wq(ui, doing, &eb);
	} else {
		status_info(ui, "%s %s", tracking, tr(ui, done));
	}
	ui->reload = 1;
	return rc;
}

/* Production declared: the sheet with the documents' verification code, at once. */
static void print_production(struct ui *ui, int64_t id, const char *tracking)
{
	char path[600];
	if (!desk_production_sheet(ui, id, path, sizeof path))
		status_info(ui,
			    tr(ui, "%s is in production; sheet with its verification code "
				   "written to %s"),
			    tracking, path);
}

static void key_stage(struct ui *ui)
{
	const struct request *r = current(ui);
	enum req_state to;
	char q[160];

	if (!r)
		return;
	switch (r->state) {
	case RS_CLAIMED:
		to = RS_IN_PRODUCTION;
		break;
	case RS_IN_PRODUCTION:
		to = RS_AWAITING_SIGNATURE;
		break;
	case RS_SIGNED:
		to = RS_READY;
		break;
	case RS_AWAITING_SIGNATURE:
		status_error(ui, tr(ui, "%s waits for the officer's signature"), r->tracking);
		return;
	case RS_PAID:
		status_error(ui, tr(ui, "%s is not claimed yet: c claims it"), r->tracking);
		return;
	default:
		status_error(ui, tr(ui, "%s is %s: no further stage here"), r->tracking,
			     tr(ui, req_state_name(r->state)));
		return;
	}
	snprintf(q, sizeof q, "%s: %s -> %s (%s)?", r->tracking,
		 tr(ui, req_state_name(r->state)), tr(ui, req_state_name(to)),
		 req_state_label(to, msg_lang_code(ui->lang)));
	if (!prompt_yesno(ui, q))
		return;
	int64_t id = r->id;
	char tracking[TRACKING_BYTES];
	memcpy(tracking, r->tracking, sizeof tracking);
	const char *done = to == RS_READY		? TX("is ready (sealed envelope)")
			   : to == RS_AWAITING_SIGNATURE ? TX("is with the officer for signature")
							 : TX("is in production");
	if (transition(ui, r, to, "", done) == WQ_OK && to == RS_IN_PRODUCTION)
		print_production(ui, id, tracking);
}

static const char *const reject_reasons[] = {
	TX("record not found"),
	TX("the data do not match the record"),
	TX("illegible or incomplete request"),
	TX("duplicate request"),
	TX("record held by another office"),
	TX("other (type the reason)"),
};
#define REJECT_OTHER 5

static const char *const reassign_reasons[] = {
	TX("birth registered at another office"),
	TX("relayed office: its central office handles it"),
	TX("office overloaded"),
	TX("other (type the reason)"),
};
#define REASSIGN_OTHER 3

static void key_reject(struct ui *ui)
{
	const struct request *r = current(ui);
	char reason[200], q[300];
	if (!r)
		return;
	if (!desk_reason(ui, tr(ui, "Reject: why?"), reject_reasons,
			 (int)(sizeof reject_reasons / sizeof reject_reasons[0]), REJECT_OTHER,
			 reason, sizeof reason)) {
		status_info(ui, tr(ui, "not rejected"));
		return;
	}
	snprintf(q, sizeof q, tr(ui, "Reject %s (%s)? A refund will be owed."), r->tracking,
		 tr(ui, reason));
	if (!prompt_yesno(ui, q))
		return;
	transition(ui, r, RS_REJECTED, reason, TX("rejected"));
}

/* One document of an order rejected, the others produced (issue 13 item 4): which
 * one, why, then its fee alone is refunded.  The last open one rejects the request. */
static void key_reject_line(struct ui *ui)
{
	const struct request *r = current(ui);
	char text[ORDER_LINES_MAX][96], reason[200], q[400], money[32];
	const char *items[ORDER_LINES_MAX];
	int no[ORDER_LINES_MAX], m = 0;
	if (!r)
		return;
	for (int i = 0; i < r->nlines; i++) {
		const struct req_line *l = &r->lines[i];
		if (l->rejected)
			continue;
		msg_money(msg_session(), l->fee_centimes, money, sizeof money);
		snprintf(text[m], sizeof text[m], tr(ui, "document %d: %s x%d, fee %s MAD"), l->no,
			 tr(ui, strcmp(l->doc_type, "full_copy") ? "extract" : "full copy"),
			 l->copies, money);
		items[m] = text[m];
		no[m++] = l->no;
	}
	if (m < 2) {
		status_error(ui, tr(ui, "%s holds one document: x rejects the request"),
			     r->tracking);
		return;
	}
	int k = prompt_pick(ui, tr(ui, "Reject which document?"), items, m);
	if (k < 0 || !desk_reason(ui, tr(ui, "Reject: why?"), reject_reasons,
				  (int)(sizeof reject_reasons / sizeof reject_reasons[0]),
				  REJECT_OTHER, reason, sizeof reason)) {
		status_info(ui, tr(ui, "not rejected"));
		return;
	}
	snprintf(q, sizeof q, tr(ui, "Reject %s of %s (%s)? Its fee will be refunded, the "
				  "other documents go on."),
		 items[k], r->tracking, tr(ui, reason));
	if (!prompt_yesno(ui, q))
		return;
	struct wq_errbuf eb = {0};
	char tracking[TRACKING_BYTES];
	memcpy(tracking, r->tracking, sizeof tracking); /* the reload replaces r */
	if (request_line_reject(ui->db, &ui->actor, r->id, r->version, no[k], reason, &eb))
		status_wq(ui, tracking, &eb);
	else
		status_info(ui, tr(ui, "%s: document %d rejected, its fee to be refunded"),
			    tracking, no[k]);
	ui->reload = 1;
}

static void key_release(struct ui *ui)
{
	const struct request *r = current(ui);
	char q[160];
	if (!r)
		return;
	if (r->state != RS_CLAIMED) {
		status_error(ui, tr(ui, "%s is %s: only a claimed request goes back to the queue"),
			     r->tracking, tr(ui, req_state_name(r->state)));
		return;
	}
	snprintf(q, sizeof q, tr(ui, "Put %s back in the office queue?"), r->tracking);
	if (!prompt_yesno(ui, q))
		return;
	transition(ui, r, RS_PAID, "released to the queue", TX("is back in the queue"));
}

static void key_reassign(struct ui *ui)
{
	const struct request *r = current(ui);
	struct office *offices = NULL;
	const char **items = NULL;
	int64_t *ids = NULL;
	struct wq_errbuf eb = {0};
	int n = 0, m = 0, k;
	char reason[200], q[400], (*labels)[200] = NULL;

	if (!r)
		return;
	if (office_list(ui->db, &offices, &n, &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "listing the offices"), &eb);
		return;
	}
	items = calloc((size_t)n + 1, sizeof *items);
	ids = calloc((size_t)n + 1, sizeof *ids);
	labels = calloc((size_t)n + 1, sizeof *labels);
	if (!items || !ids || !labels)
		goto out;
	for (int i = 0; i < n; i++) {
		if (offices[i].id == r->office_id || !offices[i].active)
			continue;
		snprintf(labels[m], sizeof labels[m], "%-10s %.90s (%.80s)", offices[i].code,
			 offices[i].name_fr, offices[i].commune_name);
		items[m] = labels[m];
		ids[m++] = offices[i].id;
	}
	k = prompt_pick(ui, tr(ui, "Reassign to which office? (type to filter)"), items, m);
	if (k < 0) {
		status_info(ui, tr(ui, "not reassigned"));
		goto out;
	}
	if (!desk_reason(ui, tr(ui, "Reassign: why?"), reassign_reasons,
			 (int)(sizeof reassign_reasons / sizeof reassign_reasons[0]),
			 REASSIGN_OTHER, reason, sizeof reason)) {
		status_info(ui, tr(ui, "not reassigned"));
		goto out;
	}
	snprintf(q, sizeof q, tr(ui, "Send %s to %.60s (%s)?"), r->tracking, items[k],
		 tr(ui, reason));
	if (!prompt_yesno(ui, q))
		goto out;
	if (request_reassign(ui->db, &ui->actor, r->id, r->version, ids[k], reason, &eb) !=
	    WQ_OK) {
		snprintf(q, sizeof q, tr(ui, "reassign %s"), r->tracking);
		status_wq(ui, q, &eb);
	} else {
		status_info(ui, tr(ui, "%s sent to %.40s"), r->tracking, items[k]);
	}
	ui->reload = 1;
out:
	free(items);
	free(ids);
	free(labels);
	free(offices);
}

static void key_history(struct ui *ui)
{
	const struct request *r = current(ui);
	if (r)
		sheet_show(ui, r->id, r->tracking);
}

static void key_names(struct ui *ui)
{
	struct aq_state *s = st(ui);
	s->names_other = !s->names_other;
	agent_queue_names(s);
}

static void key_print(struct ui *ui)
{
	const struct request *r = current(ui);
	struct wq_errbuf eb = {0};
	char path[600];
	if (!r)
		return;
	if (printout_sheet(ui->db, &ui->actor, ui->cfg, r->id, path, sizeof path,
			   &eb) != WQ_OK) {
		status_wq(ui, tr(ui, "print"), &eb);
		return;
	}
	status_info(ui, tr(ui, "sheet written to %s"), path);
}

/* The bottom bar names what acts on the view shown: the Queue is claimed from, the rest
 * (stages, reject, release, reassign, print) is done to what one holds, in Mine.  The
 * Queue view is the first screen: its bar is ~45 B (Arabic ~65 B) shorter, and ? lists
 * every key in both. */
static int agent_queue_bar_key(struct ui *ui, int key)
{
	if (st(ui)->view == VIEW_QUEUE)
		return key == '\t' || key == 'c' || key == 'h';
	return key != 'c';
}

#define OFFICE_STAFF (ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_SUPERVISOR))

static const struct keymap agent_queue_keys[] = {
	{'\t', "view", "switch between the office Queue and Mine (my requests)", 0, KM_BAR,
	 key_view},
	{'1', "queue", "show the office queue of paid, unclaimed requests", 0, 0,
	 key_view_queue},
	{'2', "mine", "show the requests I claimed, by stage", 0, 0, key_view_mine},
	{KM_ENTER, "open", "Queue: claim the request; Mine: details and history",
	 OFFICE_STAFF, KM_WRITE, key_enter},
	{' ', "mark", "mark or unmark a queued request for a batch claim", 0, 0, key_mark},
	{'c', "claim", "claim the request (or every marked one)", OFFICE_STAFF,
	 KM_WRITE | KM_BAR, key_claim},
	{'d', "stage",
	 "declare the next stage: in production, to the officer to sign, ready once signed",
	 OFFICE_STAFF,
	 KM_WRITE | KM_BAR, key_stage},
	{'x', "reject", "reject the request with a reason (refund owed)", OFFICE_STAFF,
	 KM_WRITE | KM_BAR, key_reject},
	{'X', "reject doc", "reject one document of the order with a reason",
	 OFFICE_STAFF, KM_WRITE, key_reject_line},
	{'r', "release", "put a claimed request back in the office queue", OFFICE_STAFF,
	 KM_WRITE | KM_BAR, key_release},
	{'a', "reassign", "send the request to another office, with a reason", OFFICE_STAFF,
	 KM_WRITE | KM_BAR, key_reassign},
	{'h', "hist", "details and full history of the request", 0, KM_BAR, key_history},
	{'p', "print", "write the request sheet to a file for the printer", 0, KM_BAR,
	 key_print},
	{'N', "names", "the citizens' names in the other script (Latin or Arabic)", 0, 0,
	 key_names},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen agent_queue_screen = {
	.name = "agent_queue",
	.title = TX("Agent queue"),
	.role = ROLE_AGENT,
	.roles = ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_SUPERVISOR),
	.keys = agent_queue_keys,
	.open = agent_queue_open,
	.close = agent_queue_close,
	.load = agent_queue_load,
	.paint = agent_queue_paint,
	.table = agent_queue_table,
	.tabs = agent_queue_tabs,
	.bar_key = agent_queue_bar_key,
};
