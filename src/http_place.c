/* http_place.c - the birth place on the order form: a commune of the office network.
 * On a small network it is one list of every commune; on a large one (the kingdom:
 * ~1,500 communes in ~75 provinces) the citizen first picks the province (a GET step,
 * or a button inside the filled form that keeps the input), then one of its communes.
 * Every list is drawn in parts of at most PLACE_LIST_MAX_BYTES, walked with submit
 * buttons, so no page passes PAGE_MAX_BYTES whatever the network's size; no
 * JavaScript.  HTTP worker threads; no SQL (commune_*, province_*). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "office.h"

/* The options of one list, drawn once; parts are cut from them by byte count. */
struct choices {
	struct buf html;
	size_t *at; /* at[i]: where option i starts in html; at[n]: the end */
	int n, cap;
	int selected; /* index of the selected option, -1 */
	size_t limit; /* bytes of options a part holds at most */
};

static void choices_init(struct choices *ch)
{
	memset(ch, 0, sizeof *ch);
	buf_init(&ch->html);
	ch->selected = -1;
	ch->limit = PLACE_LIST_MAX_BYTES;
}

static void choices_free(struct choices *ch)
{
	buf_free(&ch->html);
	free(ch->at);
}

static int choices_add(struct choices *ch, const char *value, const char *label, int selected)
{
	if (ch->n + 2 > ch->cap) {
		int cap = ch->cap ? ch->cap * 2 : 64;
		size_t *at = realloc(ch->at, sizeof *at * (size_t)cap);
		if (!at)
			return -1;
		ch->at = at;
		ch->cap = cap;
	}
	ch->at[ch->n] = ch->html.len;
	if (selected)
		ch->selected = ch->n;
	buf_puts(&ch->html, "<option value=\"");
	buf_html(&ch->html, value);
	buf_puts(&ch->html, selected ? "\" selected>" : "\">");
	buf_html(&ch->html, label);
	buf_puts(&ch->html, "</option>");
	ch->at[++ch->n] = ch->html.len;
	return ch->html.oom ? -1 : 0;
}

/* Part *part (clamped) of the list: options [*from, *to).  Returns the number of parts.
 * A part holds as many options as fit in ch->limit bytes, at least one. */
static int choices_part(const struct choices *ch, int *part, int *from, int *to)
{
	int parts = 0, start = 0, want = *part < 0 ? 0 : *part;
	*from = *to = 0;
	do {
		int end = start;
		while (end < ch->n &&
		       (end == start || ch->at[end + 1] - ch->at[start] <= ch->limit))
			end++;
		if (parts <= want) { /* the wanted part, or the last one if it is past the end */
			*from = start;
			*to = end;
			*part = parts;
		}
		parts++;
		start = end;
	} while (start < ch->n);
	return parts;
}

static void error_line(struct http_ctx *c, const char *id, enum txt err)
{
	if (err == T_COUNT)
		return;
	buf_printf(&c->out, "<p class=\"err\" id=\"e-%s\">", id);
	buf_html(&c->out, tr(c, err));
	buf_puts(&c->out, "</p>\n");
}

/* <select> with part `part` of the list (plus the selected option if it lies in another
 * part), its error (id e-ERR_ID), then the buttons to the other parts, named PAGER. */
static void choices_select(struct http_ctx *c, const struct choices *ch, const char *name,
			   int part, const char *pager, const char *err_id, enum txt err)
{
	struct buf *o = &c->out;
	int from, to, parts = choices_part(ch, &part, &from, &to);
	buf_printf(o, "<select id=\"%s\" name=\"%s\" required", name, name);
	if (err != T_COUNT)
		buf_printf(o, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", err_id);
	buf_puts(o, "><option value=\"\">");
	buf_html(o, tr(c, T_CHOOSE));
	buf_puts(o, "</option>");
	int sel = ch->selected;
	if (sel >= 0 && (sel < from || sel >= to))
		buf_add(o, ch->html.data + ch->at[sel], ch->at[sel + 1] - ch->at[sel]);
	if (to > from)
		buf_add(o, ch->html.data + ch->at[from], ch->at[to] - ch->at[from]);
	buf_puts(o, "</select>\n");
	error_line(c, err_id, err);
	list_pager(c, pager, part, parts, T_LIST_NEXT);
}

void list_pager(struct http_ctx *c, const char *pager, int part, int parts, enum txt next)
{
	struct buf *o = &c->out;
	if (parts < 2)
		return;
	char line[64];
	snprintf(line, sizeof line, tr(c, T_LIST_PART), part + 1, parts);
	buf_puts(o, "<p>");
	buf_html(o, line);
	if (part > 0) {
		buf_printf(o, "<br><button type=\"submit\" class=\"alt\" name=\"%s\" value=\"%d\" "
			      "formnovalidate>", pager, part - 1);
		buf_html(o, tr(c, T_LIST_PREV));
		buf_puts(o, "</button>");
	}
	if (part + 1 < parts) {
		buf_printf(o, "%s<button type=\"submit\" class=\"alt\" name=\"%s\" value=\"%d\" "
			      "id=\"more-%s\" formnovalidate>", part > 0 ? "" : "<br>", pager,
			   part + 1, pager);
		buf_html(o, tr(c, next));
		buf_puts(o, "</button>");
	}
	buf_puts(o, "</p>\n");
}

static int is_ar(const struct http_ctx *c)
{
	return !strcmp(c->lang, "ar");
}

static int by_name_fr(const void *a, const void *b)
{
	return strcmp(((const struct commune *)a)->name_fr, ((const struct commune *)b)->name_fr);
}

static int by_name_ar(const void *a, const void *b)
{
	return strcmp(((const struct commune *)a)->name_ar, ((const struct commune *)b)->name_ar);
}

static int province_by_name_fr(const void *a, const void *b)
{
	return strcmp(((const struct province *)a)->name_fr,
		      ((const struct province *)b)->name_fr);
}

static int province_by_name_ar(const void *a, const void *b)
{
	return strcmp(((const struct province *)a)->name_ar,
		      ((const struct province *)b)->name_ar);
}

/* Communes as options, in the page's alphabetical order; `selected` is an id or "". */
static int commune_choices(struct http_ctx *c, struct commune *list, int n,
			   const char *selected, struct choices *ch)
{
	qsort(list, (size_t)n, sizeof *list, is_ar(c) ? by_name_ar : by_name_fr);
	for (int i = 0; i < n; i++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)list[i].id);
		if (choices_add(ch, id, is_ar(c) ? list[i].name_ar : list[i].name_fr,
				selected && !strcmp(id, selected)))
			return WQ_EIO;
	}
	return WQ_OK;
}

static int province_choices(struct http_ctx *c, const char *selected, struct choices *ch)
{
	struct province *list = NULL;
	struct wq_errbuf eb;
	int n = 0, rc = province_list(http_db(c), &list, &n, &eb);
	if (rc)
		return rc;
	ch->limit = PLACE_PROVINCE_MAX_BYTES;
	qsort(list, (size_t)n, sizeof *list, is_ar(c) ? province_by_name_ar : province_by_name_fr);
	for (int i = 0; i < n && !rc; i++)
		if (choices_add(ch, list[i].code, is_ar(c) ? list[i].name_ar : list[i].name_fr,
				selected && !strcmp(list[i].code, selected)))
			rc = WQ_EIO;
	free(list);
	return rc;
}

/* 1 in *flat (and the list in ch) when every commune fits in one part. */
static int flat_list(struct http_ctx *c, const char *selected, struct choices *ch, int *flat)
{
	struct db *db = http_db(c);
	struct wq_errbuf eb;
	struct commune *list = NULL;
	int n = 0, rc;
	*flat = 0;
	if (!db)
		return WQ_EIO;
	if ((rc = commune_count(db, &n, &eb)) || n > PLACE_FLAT_MAX_COMMUNES)
		return rc;
	if ((rc = commune_list(db, &list, &n, &eb)))
		return rc;
	rc = commune_choices(c, list, n, selected, ch);
	free(list);
	int part = 0, from, to;
	*flat = !rc && choices_part(ch, &part, &from, &to) == 1;
	return rc;
}

/* The province the citizen is in: the "province" argument, else the given commune's.
 * p->id 0 when none; *perr says why a given province was not taken. */
static int chosen_province(struct http_ctx *c, const char *commune, struct province *p,
			   enum txt *perr)
{
	struct db *db = http_db(c);
	struct wq_errbuf eb;
	const char *code = http_arg(c, "province");
	memset(p, 0, sizeof *p);
	*perr = T_COUNT;
	if (!db)
		return WQ_EIO;
	if (code && code[0]) {
		int rc = province_get_by_code(db, code, p, &eb);
		if (rc == WQ_ENOTFOUND) {
			memset(p, 0, sizeof *p);
			*perr = T_E_PROVINCE;
			return WQ_OK;
		}
		return rc;
	}
	long long id = commune ? strtoll(commune, NULL, 10) : 0;
	if (id <= 0)
		return WQ_OK;
	struct commune cm;
	int rc = commune_get(db, id, &cm, &eb);
	if (rc)
		return rc == WQ_ENOTFOUND ? WQ_OK : rc;
	rc = province_get_by_code(db, cm.province_code, p, &eb);
	if (rc == WQ_ENOTFOUND)
		memset(p, 0, sizeof *p);
	return rc == WQ_ENOTFOUND ? WQ_OK : rc;
}

static int arg_int(struct http_ctx *c, const char *key)
{
	const char *v = http_arg(c, key);
	int n = v ? atoi(v) : 0;
	return n > 0 ? n : 0;
}

int place_navigating(struct http_ctx *c)
{
	return form_get(&c->form, "step") || form_get(&c->form, "ppage") ||
	       form_get(&c->form, "cpage");
}

int place_step(struct http_ctx *c)
{
	struct choices ch;
	struct province p;
	enum txt perr;
	int flat, rc;
	choices_init(&ch);
	rc = flat_list(c, NULL, &ch, &flat);
	choices_free(&ch);
	if (rc)
		return -1;
	if (flat)
		return PLACE_FORM;
	if (chosen_province(c, http_arg(c, "commune"), &p, &perr))
		return -1;
	return p.id && !http_arg(c, "ppage") ? PLACE_FORM : PLACE_PROVINCE_FIRST;
}

int place_province_form(struct http_ctx *c)
{
	struct buf *o = &c->out;
	struct choices ch;
	struct province p;
	enum txt err = T_COUNT;
	const char *code = http_arg(c, "province");
	choices_init(&ch);
	if (chosen_province(c, NULL, &p, &err) || province_choices(c, code, &ch)) {
		choices_free(&ch);
		return WQ_EIO;
	}
	if (err == T_COUNT && code && !code[0] && !http_arg(c, "ppage"))
		err = T_E_REQUIRED; /* "continue" without a choice */
	if (err != T_COUNT)
		c->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
	buf_puts(o, "<p>");
	buf_html(o, tr(c, T_PROVINCE_FIRST));
	buf_puts(o, "</p>\n<form method=\"get\" action=\"/\" id=\"province-step\">\n");
	page_hidden(c, "lang", c->lang);
	buf_puts(o, "<label for=\"province\">");
	buf_html(o, tr(c, T_PROVINCE));
	buf_puts(o, "</label>");
	choices_select(c, &ch, "province", arg_int(c, "ppage"), "ppage", "province", err);
	buf_puts(o, "<button type=\"submit\" id=\"province-go\">");
	buf_html(o, tr(c, T_CONTINUE));
	buf_puts(o, "</button>\n</form>\n");
	choices_free(&ch);
	return WQ_OK;
}

int place_field(struct http_ctx *c, const char *name, const char *commune, enum txt err)
{
	struct buf *o = &c->out;
	struct db *db = http_db(c);
	struct wq_errbuf eb;
	struct choices ch;
	int flat, rc;
	choices_init(&ch);
	if ((rc = flat_list(c, commune, &ch, &flat)))
		goto out;
	if (flat) {
		buf_printf(o, "<label for=\"%s\">", name);
		buf_html(o, tr(c, T_COMMUNE));
		buf_puts(o, "</label>");
		choices_select(c, &ch, name, 0, "cpage", name, err);
		goto out;
	}
	choices_free(&ch);
	choices_init(&ch);
	struct province p;
	enum txt perr;
	if ((rc = chosen_province(c, commune, &p, &perr)))
		goto out;
	const char *step = form_get(&c->form, "step");
	if (!p.id || (step && !strcmp(step, "province")) || http_arg(c, "ppage")) {
		/* the province chooser in place of the communes; the rest stays filled */
		if ((rc = province_choices(c, p.id ? p.code : http_arg(c, "province"), &ch)))
			goto out;
		buf_puts(o, "<label for=\"province\">");
		buf_html(o, tr(c, T_PROVINCE));
		buf_puts(o, "</label>");
		/* a commune error shows here too: this is where the commune is chosen */
		choices_select(c, &ch, "province", arg_int(c, "ppage"), "ppage",
			       perr != T_COUNT ? "province" : name, perr != T_COUNT ? perr : err);
		buf_puts(o, "<button type=\"submit\" class=\"alt\" name=\"step\" value=\"communes\" "
			    "id=\"show-communes\" formnovalidate>");
		buf_html(o, tr(c, T_SHOW_COMMUNES));
		buf_puts(o, "</button>\n");
		goto out;
	}
	struct commune *list = NULL;
	int n = 0;
	if ((rc = commune_list_in_province(db, p.id, &list, &n, &eb)))
		goto out;
	rc = commune_choices(c, list, n, commune, &ch);
	free(list);
	if (rc)
		goto out;
	page_hidden(c, "province", p.code);
	buf_puts(o, "<p class=\"box\">");
	buf_html(o, tr(c, T_PROVINCE));
	buf_puts(o, " : <b id=\"province-name\">");
	buf_html(o, is_ar(c) ? p.name_ar : p.name_fr);
	buf_puts(o, "</b><br><button type=\"submit\" class=\"alt\" name=\"step\" value=\"province\" "
		    "id=\"change-province\" formnovalidate>");
	buf_html(o, tr(c, T_CHANGE_PROVINCE));
	buf_puts(o, "</button></p>\n");
	buf_printf(o, "<label for=\"%s\">", name);
	buf_html(o, tr(c, T_COMMUNE));
	buf_puts(o, "</label>");
	choices_select(c, &ch, name, arg_int(c, "cpage"), "cpage", name, err);
out:
	choices_free(&ch);
	return rc;
}

/* The offices, grouped under their commune's name when several communes are listed. */
static void office_options(struct http_ctx *c, const struct office *list, int n,
			   const char *selected)
{
	struct buf *o = &c->out;
	int groups = n > 0 && list[0].commune_id != list[n - 1].commune_id;
	for (int i = 0; i < n; i++) {
		if (groups && (i == 0 || list[i].commune_id != list[i - 1].commune_id)) {
			buf_puts(o, i ? "</optgroup><optgroup label=\"" : "<optgroup label=\"");
			buf_html(o, is_ar(c) ? list[i].commune_name_ar : list[i].commune_name);
			buf_puts(o, "\">");
		}
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)list[i].id);
		buf_printf(o, "<option value=\"%s\"%s>", id,
			   selected && !strcmp(id, selected) ? " selected" : "");
		buf_html(o, is_ar(c) ? list[i].name_ar : list[i].name_fr);
		buf_puts(o, "</option>");
	}
	if (groups)
		buf_puts(o, "</optgroup>");
}

int place_office_field(struct http_ctx *c, const char *name, const char *commune,
		       const char *office, enum txt err)
{
	struct db *db = http_db(c);
	struct wq_errbuf eb;
	struct office *list = NULL;
	struct province p;
	enum txt perr;
	int n = 0, rc, flat = 0;
	if (!db)
		return WQ_EIO;
	long long cid = commune ? strtoll(commune, NULL, 10) : 0;
	if (cid > 0 && (rc = office_list_shared(db, 0, cid, &list, &n, &eb)))
		return rc;
	if (!n) { /* no commune chosen, or one with a single office: the lists shown */
		free(list);
		list = NULL;
		if ((rc = chosen_province(c, commune, &p, &perr)))
			return rc;
		if (!p.id) {
			struct choices ch;
			choices_init(&ch);
			rc = flat_list(c, commune, &ch, &flat);
			choices_free(&ch);
			if (rc)
				return rc;
		}
		if ((p.id || flat) && (rc = office_list_shared(db, p.id, 0, &list, &n, &eb)))
			return rc;
	}
	if (!n && err == T_COUNT) {
		free(list);
		return WQ_OK;
	}
	struct buf *o = &c->out;
	buf_printf(o, "<label for=\"%s\">", name);
	buf_html(o, tr(c, T_OFFICE));
	buf_printf(o, "</label><select id=\"%s\" name=\"%s\"", name, name);
	if (err != T_COUNT)
		buf_printf(o, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", name);
	buf_puts(o, "><option value=\"\">");
	buf_html(o, tr(c, T_OFFICE_UNKNOWN));
	buf_puts(o, "</option>");
	office_options(c, list, n, office);
	buf_puts(o, "</select>\n");
	if (err != T_COUNT) {
		buf_printf(o, "<p class=\"err\" id=\"e-%s\">", name);
		buf_html(o, tr(c, err));
		buf_puts(o, "</p>\n");
	}
	free(list);
	return WQ_OK;
}
