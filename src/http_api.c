/* http_api.c - the JSON API (/api/v1/...) mirroring the pages: provinces, communes,
 * fee, order, track (with the refund), complaint, cancel, a returned envelope's choice.  Same validation, same texts (in "lang" or
 * Accept-Language) as the HTML side; errors name their field.  No cookies, so no CSRF
 * token: a browser cannot send application/json across sites without a CORS
 * preflight, which we never allow.  HTTP worker threads; no SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint.h"
#include "http_internal.h"
#include "office.h"
#include "redispatch.h"
#include "refund.h"
#include "request.h"
#include "util.h"

/* Every commune, or with ?province=CODE that province's only (a national list is
 * ~1,500 rows: clients should go by province, as the order form does). */
int api_communes(struct http_ctx *c)
{
	struct commune *list = NULL;
	int n = 0, rc;
	struct wq_errbuf eb;
	struct db *db = http_db(c);
	const char *code = http_arg(c, "province");
	if (!db)
		return api_error(c, 503, "busy", tr(c, T_BUSY));
	if (code) {
		struct province p;
		rc = province_get_by_code(db, code, &p, &eb);
		if (rc == WQ_ENOTFOUND) {
			buf_puts(&c->out, "{\"error\":\"not_found\",\"errors\":{\"province\":");
			buf_json_str(&c->out, tr(c, T_E_PROVINCE));
			buf_puts(&c->out, "}}\n");
			return api_reply(c, 404);
		}
		if (!rc)
			rc = commune_list_in_province(db, p.id, &list, &n, &eb);
	} else {
		rc = commune_list(db, &list, &n, &eb);
	}
	if (rc)
		return api_error(c, 503, "busy", tr(c, T_BUSY));
	buf_puts(&c->out, "{\"communes\":[");
	for (int i = 0; i < n; i++) {
		buf_printf(&c->out, "%s{\"id\":%lld,\"code\":", i ? "," : "", (long long)list[i].id);
		buf_json_str(&c->out, list[i].code);
		buf_puts(&c->out, ",\"province\":");
		buf_json_str(&c->out, list[i].province_code);
		buf_puts(&c->out, ",\"name_fr\":");
		buf_json_str(&c->out, list[i].name_fr);
		buf_puts(&c->out, ",\"name_ar\":");
		buf_json_str(&c->out, list[i].name_ar);
		buf_puts(&c->out, "}");
	}
	buf_puts(&c->out, "]}\n");
	free(list);
	return api_reply(c, 200);
}

int api_provinces(struct http_ctx *c)
{
	struct province *list = NULL;
	int n = 0;
	struct wq_errbuf eb;
	struct db *db = http_db(c);
	if (!db || province_list(db, &list, &n, &eb))
		return api_error(c, 503, "busy", tr(c, T_BUSY));
	buf_puts(&c->out, "{\"provinces\":[");
	for (int i = 0; i < n; i++) {
		buf_puts(&c->out, i ? ",{\"code\":" : "{\"code\":");
		buf_json_str(&c->out, list[i].code);
		buf_puts(&c->out, ",\"kind\":");
		buf_json_str(&c->out, list[i].kind);
		buf_puts(&c->out, ",\"name_fr\":");
		buf_json_str(&c->out, list[i].name_fr);
		buf_puts(&c->out, ",\"name_ar\":");
		buf_json_str(&c->out, list[i].name_ar);
		buf_puts(&c->out, "}");
	}
	buf_puts(&c->out, "]}\n");
	free(list);
	return api_reply(c, 200);
}

int api_fee(struct http_ctx *c)
{
	const char *type = http_arg(c, "doc_type"), *copies = http_arg(c, "copies");
	int64_t fee;
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	int n = 1;
	struct lines_input li;
	/* parsed as an order's copies: a quote for "2abc" or 4294967297 (atoi wrapped it
	 * to 1) would be for an order the order form refuses */
	if (copies && !lines_parse_copies(copies, &n)) {
		buf_puts(&c->out, "{\"error\":\"invalid\",\"errors\":{\"copies\":");
		buf_json_str(&c->out, tr(c, T_E_COPIES));
		buf_puts(&c->out, "}}\n");
		return api_reply(c, 422);
	}
	if (http_arg(c, "lines[0].doc_type") || http_arg(c, "lines[0].copies")) {
		/* an order of several documents: ?lines[0].doc_type=extract&lines[0].copies=2
		 * &lines[1].doc_type=full_copy..., the sum of the lines, each error named */
		if (order_lines_read(c, &li, 0) ||
		    lines_price(&c->app->fees, li.line, li.n, &fee, &eb)) {
			int nerr = 0;
			buf_puts(&c->out, "{\"error\":\"invalid\",\"errors\":{");
			order_lines_api_errors(c, &li, &nerr);
			buf_puts(&c->out, "}}\n");
			return api_reply(c, 422);
		}
	} else if (fee_compute(&c->app->fees, type ? type : "extract", n, &fee, &eb)) {
		buf_puts(&c->out, "{\"error\":\"invalid\",\"errors\":{");
		buf_json_str(&c->out, eb.field);
		buf_puts(&c->out, ":");
		buf_json_str(&c->out, tr(c, !strcmp(eb.field, "copies") ? T_E_COPIES : T_E_DOC_TYPE));
		buf_puts(&c->out, "}}\n");
		return api_reply(c, 422);
	}
	/* delivered abroad: the registered mail of the country's zone */
	const char *cc = http_arg(c, "country");
	const struct country *k = country_find(&c->app->countries, cc && cc[0] ? cc : "MA");
	if (!k) {
		buf_puts(&c->out, "{\"error\":\"invalid\",\"errors\":{\"country\":");
		buf_json_str(&c->out, tr(c, T_E_COUNTRY));
		buf_puts(&c->out, "}}\n");
		return api_reply(c, 422);
	}
	int64_t postage = fee_postage(&c->app->fees, k->zone);
	char mad[24];
	wq_fmt_money(fee + postage, mad, sizeof mad);
	buf_printf(&c->out, "{\"fee_centimes\":%lld,\"fee\":\"%s\",\"currency\":\"MAD\","
			    "\"country\":\"%s\",\"zone\":%d,\"postage_centimes\":%lld}\n",
		   (long long)(fee + postage), mad, k->code, k->zone, (long long)postage);
	return api_reply(c, 200);
}

static int order_answer(struct http_ctx *c, int rc, struct wq_errbuf *eb)
{
	struct order_later *l = c->later;
	if (rc == WQ_ECONFLICT && !strcmp(eb->field, "phone")) {
		buf_puts(&c->out, "{\"error\":\"too_many_unpaid\",\"errors\":{\"phone\":");
		buf_json_str(&c->out, tr(c, T_E_PHONE_UNPAID));
		buf_puts(&c->out, "}}\n");
		return api_reply(c, 409);
	}
	if (rc)
		return api_error(c, rc == WQ_EBUSY ? 503 : 500, "internal",
				 tr(c, rc == WQ_EBUSY ? T_BUSY : T_ERROR));
	char fee[24];
	struct buf url;
	buf_init(&url);
	pay_checkout_url(c, &l->r, &url);
	wq_fmt_money(l->r.fee_centimes, fee, sizeof fee);
	buf_puts(&c->out, "{\"tracking\":");
	buf_json_str(&c->out, l->r.tracking);
	buf_puts(&c->out, ",\"secret\":");
	buf_json_str(&c->out, l->secret);
	buf_printf(&c->out, ",\"state\":\"%s\",\"fee_centimes\":%lld,\"fee\":\"%s\","
			    "\"currency\":\"MAD\",\"payment_url\":",
		   req_state_name(l->r.state), (long long)l->r.fee_centimes, fee);
	buf_json_str(&c->out, buf_str(&url));
	order_lines_json(c, &l->r, NULL, 0);
	buf_puts(&c->out, "}\n");
	buf_free(&url);
	return api_reply(c, 201);
}

int api_order(struct http_ctx *c)
{
	struct order_later *l = order_later_new(c);
	if (!l)
		return api_error(c, 500, "internal", tr(c, T_ERROR));
	l->in.api = 1;
	if (order_validate(c, &l->in, &l->r)) {
		buf_puts(&c->out, "{\"error\":\"invalid\",\"message\":");
		buf_json_str(&c->out, tr(c, T_FORM_ERRORS));
		buf_puts(&c->out, ",\"errors\":{");
		int nerr = 0;
		order_lines_api_errors(c, &l->in.lines, &nerr);
		for (int i = 0; i < order_field_count(); i++) {
			if (l->in.err[i] == T_COUNT)
				continue;
			buf_puts(&c->out, nerr++ ? "," : "");
			buf_json_str(&c->out, order_field_name(i));
			buf_puts(&c->out, ":");
			char etext[300];
			buf_json_str(&c->out, order_error_text(c, &l->in, i, etext, sizeof etext));
		}
		buf_puts(&c->out, "}}\n");
		return api_reply(c, 422);
	}
	return order_create_later(c, l, order_answer);
}

static int api_lookup(struct http_ctx *c, struct request *r)
{
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	int rc = track_lookup(c, http_arg(c, "tracking"), http_arg(c, "secret"), r, &eb);
	if (!rc)
		return 0;
	int st = track_status(c, rc);
	buf_printf(&c->out, "{\"error\":\"%s\",\"errors\":{",
		   st == 422 ? "invalid" : st == 404 ? "not_found" : st == 429 ? "too_many_tries"
									: "busy");
	buf_json_str(&c->out, eb.field[0] ? eb.field : "tracking");
	buf_puts(&c->out, ":");
	buf_json_str(&c->out, eb.msg);
	buf_puts(&c->out, "}}\n");
	return api_reply(c, st);
}

/* ,"refund":{...} or null: the fee going back to the card, as the tracking page says. */
void api_refund_obj(struct http_ctx *c, const char *key, const struct refund *f)
{
	struct buf *o = &c->out;
	char amount[24], when[32];
	int64_t at = f->done_at ? f->done_at : f->created_at;
	wq_fmt_money(f->amount_centimes, amount, sizeof amount);
	wq_fmt_time(at, when, sizeof when);
	buf_printf(o, ",\"%s\":{\"state\":\"%s\",\"label\":", key, refund_state_name(f->state));
	buf_json_str(o, refund_state_label(f->state, c->lang));
	buf_printf(o, ",\"amount_centimes\":%lld,\"amount\":\"%s\",\"currency\":\"MAD\","
		      "\"at\":%lld,\"local_time\":",
		   (long long)f->amount_centimes, amount, (long long)at);
	buf_json_str(o, when);
	buf_puts(o, "}");
}

static void refund_json(struct http_ctx *c, const struct request *r)
{
	struct refund f;
	if (citizen_refund_sum(c, r, &f))
		api_refund_obj(c, "refund", &f);
	else
		buf_puts(&c->out, ",\"refund\":null");
}

int api_cancel(struct http_ctx *c)
{
	struct request r;
	struct wq_errbuf eb;
	enum txt why = T_COUNT;
	if (api_lookup(c, &r))
		return c->status;
	wq_errbuf_clear(&eb);
	int rc = track_cancel(c, &r, &why, &eb);
	if (rc == WQ_ECONFLICT)
		return api_error(c, 409, why == T_CANCEL_TOO_LATE ? "too_late" : "not_cancellable",
				 tr(c, why));
	if (rc)
		return api_error(c, rc == WQ_EBUSY ? 503 : 500, "internal",
				 tr(c, rc == WQ_EBUSY ? T_BUSY : T_ERROR));
	buf_puts(&c->out, "{\"tracking\":");
	buf_json_str(&c->out, r.tracking);
	buf_printf(&c->out, ",\"state\":\"%s\",\"message\":", req_state_name(RS_CANCELLED));
	buf_json_str(&c->out, tr(c, T_CANCELLED));
	refund_json(c, &r);
	buf_puts(&c->out, "}\n");
	return api_reply(c, 200);
}

/* A returned envelope's choice that did not go through (not WQ_EINVAL). */
static int returned_failed(struct http_ctx *c, int rc, enum txt why)
{
	if (rc == WQ_ECONFLICT)
		return api_error(c, 409, "not_returned", tr(c, why));
	return api_error(c, rc == WQ_EBUSY ? 503 : 500, "internal",
			 tr(c, rc == WQ_EBUSY ? T_BUSY : T_ERROR));
}

/* {"choice":"resend","address","postal_code","city"}: the corrected address checked
 * as the order's, then the postage's own gateway order and where to pay it. */
static int api_resend(struct http_ctx *c, const struct request *r)
{
	struct address_input in;
	struct redispatch d;
	struct wq_errbuf eb;
	enum txt why;
	wq_errbuf_clear(&eb);
	int rc = track_resend(c, r, &in, &d, &why, &eb);
	if (rc == WQ_EINVAL) {
		buf_puts(&c->out, "{\"error\":\"invalid\",\"errors\":{");
		char msg[300];
		for (int k = 0, n = 0; k < ADDRESS_FIELDS; k++) {
			const char *e = order_address_error(c, &in, k, msg, sizeof msg);
			if (!e)
				continue;
			buf_printf(&c->out, "%s\"%s\":", n++ ? "," : "", in.name[k]);
			buf_json_str(&c->out, e);
		}
		buf_puts(&c->out, "}}\n");
		return api_reply(c, 422);
	}
	if (rc)
		return returned_failed(c, rc, why);
	char amount[24];
	struct buf url;
	buf_init(&url);
	pay_postage_url(c, &d, &url);
	wq_fmt_money(d.fee_centimes, amount, sizeof amount);
	buf_puts(&c->out, "{\"tracking\":");
	buf_json_str(&c->out, r->tracking);
	buf_puts(&c->out, ",\"state\":\"returned\",\"postage\":{\"order\":");
	buf_json_str(&c->out, d.order_ref);
	buf_printf(&c->out, ",\"amount_centimes\":%lld,\"amount\":", (long long)d.fee_centimes);
	buf_json_str(&c->out, amount);
	buf_puts(&c->out, ",\"state\":\"pending_payment\"},\"payment_url\":");
	buf_json_str(&c->out, buf_str(&url));
	buf_puts(&c->out, "}\n");
	buf_free(&url);
	return api_reply(c, 200);
}

/* {"choice":"collect"|"refund"} for an envelope the post brought back, or "resend". */
int api_returned(struct http_ctx *c)
{
	struct request r;
	struct wq_errbuf eb;
	enum txt why = T_COUNT;
	const char *choice = http_arg(c, "choice");
	if (api_lookup(c, &r))
		return c->status;
	wq_errbuf_clear(&eb);
	if (choice && !strcmp(choice, "resend"))
		return api_resend(c, &r);
	int rc = track_returned(c, &r, choice, &why, &eb);
	if (rc == WQ_EINVAL) {
		buf_puts(&c->out, "{\"error\":\"invalid\",\"errors\":{\"choice\":");
		buf_json_str(&c->out, tr(c, T_E_CHOICE));
		buf_puts(&c->out, "}}\n");
		return api_reply(c, 422);
	}
	if (rc)
		return returned_failed(c, rc, why);
	int collect = !strcmp(choice, "collect");
	buf_puts(&c->out, "{\"tracking\":");
	buf_json_str(&c->out, r.tracking);
	buf_printf(&c->out, ",\"state\":\"%s\",\"message\":",
		   req_state_name(collect ? RS_TO_COLLECT : RS_DESTROYED));
	buf_json_str(&c->out, tr(c, collect ? T_CHOSEN_COLLECT : T_CHOSEN_REFUND));
	refund_json(c, &r);
	buf_puts(&c->out, "}\n");
	return api_reply(c, 200);
}

int api_track(struct http_ctx *c)
{
	struct request r;
	if (api_lookup(c, &r))
		return c->status;
	struct actor sys;
	struct wq_errbuf eb;
	struct req_event *ev = NULL;
	int n = 0;
	actor_system(&sys);
	request_history(http_db(c), &sys, r.id, &ev, &n, &eb);
	struct buf *o = &c->out;
	buf_puts(o, "{\"tracking\":");
	buf_json_str(o, r.tracking);
	buf_printf(o, ",\"state\":\"%s\",\"state_label\":", req_state_name(r.state));
	buf_json_str(o, req_state_label(r.state, c->lang));
	buf_printf(o, ",\"doc_type\":\"%s\",\"copies\":%d,\"fee_centimes\":%lld,\"mail_code\":",
		   r.doc_type, r.copies, (long long)r.fee_centimes);
	buf_json_str(o, r.mail_code);
	struct refund *fs = NULL;
	int nf = 0;
	refund_list(http_db(c), r.id, &fs, &nf, &eb);
	order_lines_json(c, &r, fs, nf);
	free(fs);
	buf_puts(o, ",\"reject_reason\":");
	buf_json_str(o, r.state == RS_REJECTED ? r.reject_reason : "");
	buf_puts(o, ",\"return_reason\":");
	buf_json_str(o, r.state == RS_RETURNED ? r.reject_reason : "");
	refund_json(c, &r);
	redispatch_json(c, &r);
	buf_puts(o, ",\"time_zone\":\"" WQ_TIME_ZONE "\",\"stages\":[");
	int first = 1;
	for (int i = 0; i < n; i++) {
		if (ev[i].from == ev[i].to && i > 0)
			continue;
		char when[32];
		wq_fmt_time(ev[i].at, when, sizeof when);
		buf_printf(o, "%s{\"state\":\"%s\",\"at\":%lld,\"local_time\":", first ? "" : ",",
			   req_state_name(ev[i].to), (long long)ev[i].at);
		buf_json_str(o, when);
		buf_puts(o, ",\"label\":");
		buf_json_str(o, req_state_label(ev[i].to, c->lang));
		buf_puts(o, "}");
		first = 0;
	}
	buf_puts(o, "]}\n");
	free(ev);
	return api_reply(c, 200);
}

int api_complaint(struct http_ctx *c)
{
	struct request r;
	if (api_lookup(c, &r))
		return c->status;
	const char *body = http_arg(c, "body");
	if (!body || !validate_match(c->app->val, "complaint", body)) {
		buf_puts(&c->out, "{\"error\":\"invalid\",\"errors\":{\"body\":");
		buf_json_str(&c->out, tr(c, T_E_COMPLAINT));
		buf_puts(&c->out, "}}\n");
		return api_reply(c, 422);
	}
	int64_t id;
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	int rc = complaint_open_citizen(http_db(c), r.id, r.tracking, body, c->addr, &id, &eb);
	if (rc == WQ_ECONFLICT)
		return api_error(c, 409, "too_many", tr(c, T_COMPLAINT_TOO_MANY));
	if (rc)
		return api_error(c, rc == WQ_EBUSY ? 503 : 500, "internal", tr(c, T_ERROR));
	buf_printf(&c->out, "{\"complaint_id\":%lld,\"state\":\"open\",\"message\":",
		   (long long)id);
	buf_json_str(&c->out, tr(c, T_COMPLAINT_SENT));
	buf_puts(&c->out, "}\n");
	return api_reply(c, 201);
}
