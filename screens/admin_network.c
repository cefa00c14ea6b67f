/* admin_network.c - the administrator's view of the civil-status network: offices
 * (activity level, relay office, open or closed), communes (with their post account,
 * where the treasury pays their revenue) and provinces.  Adds any of the three, sets
 * an office's activity level and relay (a low-activity office whose requests the
 * commune's central office receives and handles), closes or reopens an office.  All
 * through office.h, which checks and audits each change.  UI child only; no SQL. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "office.h"
#include "screen.h"
#include "validate.h"
#include "widget.h"

#define ADMIN ROLE_BIT(ROLE_ADMIN)
#define CODE_PATTERN "[A-Z0-9][A-Z0-9-]{1,14}"
#define NAME_PATTERN VALIDATE_NAME_PATTERN /* the data layer's rule (db_office.c) */
#define NAME_FR_HINT TX("Name (fr): 1 to 63 characters, no space at either end")
#define NAME_AR_HINT TX("Name (ar): 1 to 63 characters, no space at either end")
#define ACCOUNT_PATTERN "[A-Z0-9][A-Z0-9 -]{3,38}"

enum { V_OFFICES, V_COMMUNES, V_PROVINCES, V_COUNT };
static const char *const view_names[V_COUNT] = {TX("Offices"), TX("Communes"), TX("Provinces")};

struct net_state {
	int view;
	struct office *off;
	struct commune *com;
	struct province *pro;
	int n[V_COUNT];
	struct table tab[V_COUNT];
};

static struct net_state *st(struct ui *ui)
{
	return ui->state;
}

enum { OC_CODE, OC_ACT, OC_RELAY, OC_OPEN, OC_COMMUNE, OC_NAME, OC_COUNT };
static const struct table_col off_cols[OC_COUNT] = {
	[OC_CODE] = {TX("Office"), 11, 0},	    [OC_ACT] = {TX("Activity"), 9, 0},
	[OC_RELAY] = {TX("Relayed by"), 10, 0}, [OC_OPEN] = {TX("Open"), 4, 0},
	[OC_COMMUNE] = {TX("Commune"), 14, 0},  [OC_NAME] = {TX("Name"), 0, 0},
};
enum { CC_CODE, CC_KIND, CC_PROV, CC_ACCOUNT, CC_NAME, CC_COUNT };
static const struct table_col com_cols[CC_COUNT] = {
	[CC_CODE] = {TX("Commune"), 15, 0}, [CC_KIND] = {TX("Kind"), 6, 0},
	[CC_PROV] = {TX("Province"), 9, 0}, [CC_ACCOUNT] = {TX("Post account"), 15, 0},
	[CC_NAME] = {TX("Name"), 0, 0},
};
enum { PC_CODE, PC_KIND, PC_FR, PC_AR, PC_COUNT };
static const struct table_col pro_cols[PC_COUNT] = {
	[PC_CODE] = {TX("Province"), 10, 0}, [PC_KIND] = {TX("Kind"), 10, 0},
	[PC_FR] = {TX("Name"), 30, 0},	 [PC_AR] = {"الاسم", 0, 0},
};

static void off_text(const struct office *o, int col, char *buf, size_t len)
{
	const char *const v[OC_COUNT] = {o->code, tr_now(o->activity), o->relay_code,
					  o->active ? tr_now("yes") : tr_now("NO"), o->commune_code,
					  o->name_fr};
	snprintf(buf, len, "%s", v[col]);
}
static void com_text(const struct commune *c, int col, char *buf, size_t len)
{
	const char *const v[CC_COUNT] = {c->code, tr_now(c->kind), c->province_code,
					  c->post_account, c->name_fr};
	snprintf(buf, len, "%s", v[col]);
}
static void pro_text(const struct province *p, int col, char *buf, size_t len)
{
	const char *const v[PC_COUNT] = {p->code, tr_now(p->kind), p->name_fr, p->name_ar};
	snprintf(buf, len, "%s", v[col]);
}

static void off_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	off_text(&((struct net_state *)ctx)->off[row], col, buf, len);
}
static void com_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	com_text(&((struct net_state *)ctx)->com[row], col, buf, len);
}
static void pro_cell(void *ctx, int row, int col, char *buf, size_t len)
{
	pro_text(&((struct net_state *)ctx)->pro[row], col, buf, len);
}

/* Every column is text: one comparison through the cell text serves all three. */
#define CMP_BY_TEXT(fn, field, text)                                       \
	static int fn(void *ctx, int a, int b, int col)                    \
	{                                                                  \
		struct net_state *s = ctx;                                 \
		char x[256], y[256];                                       \
		text(&s->field[a], col, x, sizeof x);                      \
		text(&s->field[b], col, y, sizeof y);                      \
		return strcmp(x, y);                                       \
	}
CMP_BY_TEXT(off_cmp, off, off_text)
CMP_BY_TEXT(com_cmp, com, com_text)
CMP_BY_TEXT(pro_cmp, pro, pro_text)

static int64_t off_id(void *ctx, int row)
{
	return ((struct net_state *)ctx)->off[row].id;
}
static int64_t com_id(void *ctx, int row)
{
	return ((struct net_state *)ctx)->com[row].id;
}
static int64_t pro_id(void *ctx, int row)
{
	return ((struct net_state *)ctx)->pro[row].id;
}
static int off_attr(void *ctx, int row)
{
	return ((struct net_state *)ctx)->off[row].active ? A_NORMAL : A_DIM;
}

static int network_open(struct ui *ui)
{
	struct net_state *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->tab[V_OFFICES] = (struct table){
		.cols = off_cols, .ncols = OC_COUNT, .ctx = s, .cell = off_cell, .cmp = off_cmp,
		.row_id = off_id, .row_attr = off_attr, .sort_col = -1,
		.empty = TX("  No office yet. a: add one (after its commune)."),
	};
	s->tab[V_COMMUNES] = (struct table){
		.cols = com_cols, .ncols = CC_COUNT, .ctx = s, .cell = com_cell, .cmp = com_cmp,
		.row_id = com_id, .sort_col = -1, .empty = TX("  No commune yet. a: add one."),
	};
	s->tab[V_PROVINCES] = (struct table){
		.cols = pro_cols, .ncols = PC_COUNT, .ctx = s, .cell = pro_cell, .cmp = pro_cmp,
		.row_id = pro_id, .sort_col = -1, .empty = TX("  No province yet. a: add one."),
	};
	ui->state = s;
	return 0;
}

static void network_close(struct ui *ui)
{
	struct net_state *s = st(ui);
	if (!s)
		return;
	free(s->off);
	free(s->com);
	free(s->pro);
	for (int v = 0; v < V_COUNT; v++)
		table_free(&s->tab[v]);
	free(s);
	ui->state = NULL;
}

static int network_load(struct ui *ui)
{
	struct net_state *s = st(ui);
	struct wq_errbuf eb = {0};
	struct office *o = NULL;
	struct commune *c = NULL;
	struct province *p = NULL;
	int n[V_COUNT] = {0};
	if (office_list(ui->db, &o, &n[V_OFFICES], &eb) ||
	    commune_list(ui->db, &c, &n[V_COMMUNES], &eb) ||
	    province_list(ui->db, &p, &n[V_PROVINCES], &eb)) {
		free(o);
		free(c);
		free(p);
		status_wq(ui, tr(ui, "loading the network"), &eb);
		return -1;
	}
	/* the cursor's ids are read from the old rows, before they go */
	int64_t keep[V_COUNT];
	for (int v = 0; v < V_COUNT; v++)
		keep[v] = table_cur_id(&s->tab[v]);
	free(s->off);
	free(s->com);
	free(s->pro);
	s->off = o;
	s->com = c;
	s->pro = p;
	for (int v = 0; v < V_COUNT; v++) {
		s->n[v] = n[v];
		table_set_rows(&s->tab[v], n[v], keep[v]);
	}
	return 0;
}

static void network_paint(struct ui *ui)
{
	struct net_state *s = st(ui);
	table_paint(ui, &s->tab[s->view], 1, ui->term.rows - 3);
}

static struct table *network_table(struct ui *ui)
{
	struct net_state *s = st(ui);
	return &s->tab[s->view];
}

static void network_tabs(struct ui *ui, char *buf, size_t len)
{
	struct net_state *s = st(ui);
	size_t o = 0;
	for (int v = 0; v < V_COUNT && o < len; v++)
		if (s->view == v) /* the count of the view shown only: 80 columns */
			o += (size_t)snprintf(buf + o, len - o, "[%s %d] ", tr(ui, view_names[v]),
					      s->n[v]);
		else
			o += (size_t)snprintf(buf + o, len - o, "%s ", tr(ui, view_names[v]));
}

static void done(struct ui *ui, int rc, const char *doing, const struct wq_errbuf *eb,
		 const char *ok)
{
	if (rc != WQ_OK)
		status_wq(ui, tr(ui, doing), eb);
	else
		status_info(ui, "%s", ok);
	ui->reload = 1;
}

/* Picks one of the items, shown in the session's language; the index is returned. */
static int pick_from(struct ui *ui, const char *title, const char *const *items, int n)
{
	const char *shown[8];
	for (int i = 0; i < n && i < 8; i++)
		shown[i] = tr(ui, items[i]);
	return prompt_pick(ui, title, n <= 8 ? shown : items, n);
}

static void add_office(struct ui *ui)
{
	static const char *const levels[] = {TX("low"), TX("moderate"), TX("intensive")};
	char code[16] = "", commune[16] = "", fr[NAME_MAX_BYTES] = "", ar[NAME_MAX_BYTES] = "",
	     relay[16] = "", msg[120];
	struct wq_errbuf eb = {0};
	int k = pick_from(ui, tr(ui, "New office: activity level?"), levels, 3);
	if (k < 0)
		return;
	struct form_field f[] = {
		{TX("Code"), CODE_PATTERN, TX("Code: 2-15 of A-Z 0-9 - (RBT-HAS-4)"), code,
		 sizeof code},
		{TX("Commune code"), CODE_PATTERN, TX("Commune code: an existing commune (RBT-HASSAN)"),
		 commune, sizeof commune},
		{TX("Name (fr)"), NAME_PATTERN, NAME_FR_HINT, fr, sizeof fr},
		{TX("Name (ar)"), NAME_PATTERN, NAME_AR_HINT, ar, sizeof ar},
		{TX("Relayed by"), "(" CODE_PATTERN ")?",
		 TX("Relayed by: the central office's code, or empty"), relay, sizeof relay},
	};
	if (!form_run(ui, tr(ui, "New office"), f, k == 0 ? 5 : 4))
		return;
	int rc = office_add(ui->db, &ui->actor, code, commune, fr, ar, levels[k], relay, NULL,
			    &eb);
	snprintf(msg, sizeof msg, tr(ui, "office %s added (%s)"), code, tr(ui, levels[k]));
	done(ui, rc, TX("add office"), &eb, msg);
}

static void add_commune(struct ui *ui)
{
	static const char *const kinds[] = {TX("urban"), TX("rural")};
	char code[16] = "", prov[16] = "", fr[NAME_MAX_BYTES] = "", ar[NAME_MAX_BYTES] = "",
	     account[40] = "", msg[120];
	struct wq_errbuf eb = {0};
	int k = pick_from(ui, tr(ui, "New commune: urban or rural?"), kinds, 2);
	if (k < 0)
		return;
	struct form_field f[] = {
		{TX("Code"), CODE_PATTERN, TX("Code: 2-15 of A-Z 0-9 - (RBT-TOUARGA)"), code,
		 sizeof code},
		{TX("Province code"), CODE_PATTERN, TX("Province code: an existing one (RABAT)"), prov,
		 sizeof prov},
		{TX("Name (fr)"), NAME_PATTERN, NAME_FR_HINT, fr, sizeof fr},
		{TX("Name (ar)"), NAME_PATTERN, NAME_AR_HINT, ar, sizeof ar},
		{TX("Post account"), ACCOUNT_PATTERN,
		 TX("Post account: the commune's account at Barid Al-Maghrib (BAM-0101-2213)"),
		 account, sizeof account},
	};
	if (!form_run(ui, tr(ui, "New commune"), f, 5))
		return;
	int rc = commune_add(ui->db, &ui->actor, code, prov, kinds[k], fr, ar, account, &eb);
	snprintf(msg, sizeof msg, tr(ui, "commune %s added"), code);
	done(ui, rc, TX("add commune"), &eb, msg);
}

static void add_province(struct ui *ui)
{
	static const char *const kinds[] = {TX("province"), TX("prefecture")};
	char code[16] = "", fr[NAME_MAX_BYTES] = "", ar[NAME_MAX_BYTES] = "", msg[120];
	struct wq_errbuf eb = {0};
	int k = pick_from(ui, tr(ui, "New: province or prefecture?"), kinds, 2);
	if (k < 0)
		return;
	struct form_field f[] = {
		{TX("Code"), CODE_PATTERN, TX("Code: 2-15 of A-Z 0-9 - (SALE)"), code, sizeof code},
		{TX("Name (fr)"), NAME_PATTERN, NAME_FR_HINT, fr, sizeof fr},
		{TX("Name (ar)"), NAME_PATTERN, NAME_AR_HINT, ar, sizeof ar},
	};
	if (!form_run(ui, tr(ui, "New province or prefecture"), f, 3))
		return;
	int rc = province_add(ui->db, &ui->actor, code, kinds[k], fr, ar, &eb);
	snprintf(msg, sizeof msg, tr(ui, "%s %s added"), tr(ui, kinds[k]), code);
	done(ui, rc, TX("add province"), &eb, msg);
}

static void key_add(struct ui *ui)
{
	switch (st(ui)->view) {
	case V_OFFICES:
		add_office(ui);
		break;
	case V_COMMUNES:
		add_commune(ui);
		break;
	default:
		add_province(ui);
	}
}

/* The office under the cursor, copied (a reload replaces the rows). */
static int cur_office(struct ui *ui, struct office *out)
{
	struct net_state *s = st(ui);
	int r = table_cur(&s->tab[V_OFFICES]);
	if (s->view != V_OFFICES || r < 0) {
		status_error(ui, tr(ui, "choose an office in the Offices view (Tab)"));
		return 0;
	}
	*out = s->off[r];
	return 1;
}

static void key_activity(struct ui *ui)
{
	static const char *const levels[] = {TX("low"), TX("moderate"), TX("intensive")};
	struct office o;
	struct wq_errbuf eb = {0};
	char title[80], msg[120];
	if (!cur_office(ui, &o))
		return;
	snprintf(title, sizeof title, tr(ui, "%s is %s: new activity level?"), o.code,
		 tr(ui, o.activity));
	int k = pick_from(ui, title, levels, 3);
	if (k < 0)
		return;
	/* only a low-activity office is relayed: a busier one keeps no relay */
	int rc = office_set(ui->db, &ui->actor, o.code, levels[k], k == 0 ? o.relay_code : "",
			    o.active, &eb);
	snprintf(msg, sizeof msg, tr(ui, "%s is now %s%s"), o.code, tr(ui, levels[k]),
		 k != 0 && o.relay_code[0] ? tr(ui, " (no longer relayed)") : "");
	done(ui, rc, TX("activity"), &eb, msg);
}

static void key_relay(struct ui *ui)
{
	struct net_state *s = st(ui);
	struct office o;
	struct wq_errbuf eb = {0};
	char title[80], msg[120];
	if (!cur_office(ui, &o))
		return;
	if (strcmp(o.activity, "low")) {
		status_error(ui, tr(ui, "%s is %s: only a low-activity office is relayed (l: level)"),
			     o.code, tr(ui, o.activity));
		return;
	}
	/* candidates: the open, busier offices of the same commune, and "none" */
	const char **items = calloc((size_t)s->n[V_OFFICES] + 1, sizeof *items);
	const char **codes = calloc((size_t)s->n[V_OFFICES] + 1, sizeof *codes);
	int m = 0;
	if (!items || !codes)
		goto out;
	items[m] = tr(ui, "(none: the office receives its own requests)");
	codes[m++] = "";
	for (int i = 0; i < s->n[V_OFFICES]; i++) {
		const struct office *c = &s->off[i];
		if (c->commune_id == o.commune_id && c->active && strcmp(c->activity, "low")) {
			items[m] = c->code;
			codes[m++] = c->code;
		}
	}
	snprintf(title, sizeof title, tr(ui, "%s: relayed by which office?"), o.code);
	int k = pick_from(ui, title, items, m);
	if (k >= 0) {
		char relay[16];
		snprintf(relay, sizeof relay, "%s", codes[k]);
		int rc = office_set(ui->db, &ui->actor, o.code, o.activity, relay, o.active, &eb);
		snprintf(msg, sizeof msg, "%s %s%s", o.code,
			 relay[0] ? tr(ui, "relayed by ") : tr(ui, "not relayed"), relay);
		done(ui, rc, TX("relay"), &eb, msg);
	}
out:
	free(items);
	free(codes);
}

static void key_open_close(struct ui *ui)
{
	struct office o;
	struct wq_errbuf eb = {0};
	char q[120], msg[120];
	if (!cur_office(ui, &o))
		return;
	snprintf(q, sizeof q,
		 o.active ? tr(ui, "Close office %s? Its queue stays; reassign it.")
			  : tr(ui, "Reopen office %s?"),
		 o.code);
	if (!prompt_yesno(ui, q))
		return;
	int rc = office_set(ui->db, &ui->actor, o.code, o.activity, o.relay_code, !o.active, &eb);
	snprintf(msg, sizeof msg, "%s %s", o.code, o.active ? tr(ui, "closed") : tr(ui, "reopened"));
	done(ui, rc, TX("open/close"), &eb, msg);
}

static void key_view(struct ui *ui)
{
	st(ui)->view = (st(ui)->view + 1) % V_COUNT;
}

static void key_accounts(struct ui *ui)
{
	screen_open(ui, &admin_accounts_screen);
}

static void key_audit(struct ui *ui)
{
	screen_open(ui, &admin_audit_screen);
}

static const struct keymap network_keys[] = {
	{'\t', "view", "switch view: Offices, Communes, Provinces", 0, KM_BAR, key_view},
	{'a', "add", "add an office, commune or province (by the view)", ADMIN,
	 KM_WRITE | KM_BAR, key_add},
	{'l', "level", "set the office's activity level (low, moderate, intensive)", ADMIN,
	 KM_WRITE | KM_BAR, key_activity},
	{'R', "relay", "choose the central office that relays a low-activity office", ADMIN,
	 KM_WRITE | KM_BAR, key_relay},
	{'c', "close", "close the office, or reopen it", ADMIN, KM_WRITE | KM_BAR,
	 key_open_close},
	{'1', "accounts", "the staff accounts", 0, KM_BAR, key_accounts},
	{'3', "audit", "the audit log of staff actions", 0, KM_BAR, key_audit},
	{0, NULL, NULL, 0, 0, NULL},
};

const struct screen admin_network_screen = {
	.name = "admin_network",
	.title = TX("Network"),
	.role = ROLE_NONE, /* reached from the admin's accounts screen (2) */
	.roles = ADMIN,
	.keys = network_keys,
	.open = network_open,
	.close = network_close,
	.load = network_load,
	.paint = network_paint,
	.table = network_table,
	.tabs = network_tabs,
};
