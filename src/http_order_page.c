/* http_order_page.c - the order's pages: the form (its fields from http_order.c), the
 * review page with the fee, and creating the request in pending_payment before sending
 * the citizen to the gateway.  HTTP worker threads; no SQL (request_create through the
 * group commit, which answers once the request is on disk: http_group_write;
 * office_get). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"
#include "log.h"
#include "office.h"
#include "request.h"
#include "util.h"

static int draw_form(struct http_ctx *c, const struct order_input *in, enum txt notice)
{
	/* a GET on a large network starts with the province (nothing typed yet to lose) */
	int step = in ? PLACE_FORM : place_step(c);
	if (step < 0)
		return page_message(c, MHD_HTTP_SERVICE_UNAVAILABLE, tr(c, T_ERROR), tr(c, T_BUSY));
	page_begin(c, tr(c, T_ORDER_TITLE));
	struct buf *o = &c->out;
	buf_puts(o, "<h1>");
	buf_html(o, tr(c, T_ORDER_TITLE));
	buf_puts(o, "</h1>\n<p>");
	buf_html(o, tr(c, T_ORDER_INTRO));
	buf_puts(o, "</p>\n");
	char first[16], extra[16], line[300];
	wq_fmt_money(c->app->fees.rows[0].first_centimes, first, sizeof first);
	wq_fmt_money(c->app->fees.rows[0].extra_centimes, extra, sizeof extra);
	snprintf(line, sizeof line, tr(c, T_FEE_TABLE), first, extra);
	buf_puts(o, "<p>");
	buf_html(o, tr(c, T_EXTRACT));
	buf_puts(o, " : ");
	buf_html(o, line);
	wq_fmt_money(c->app->fees.rows[1].first_centimes, first, sizeof first);
	wq_fmt_money(c->app->fees.rows[1].extra_centimes, extra, sizeof extra);
	snprintf(line, sizeof line, tr(c, T_FEE_TABLE), first, extra);
	buf_puts(o, "<br>");
	buf_html(o, tr(c, T_FULL_COPY));
	buf_puts(o, " : ");
	buf_html(o, line);
	buf_puts(o, "</p>\n");
	if (notice != T_COUNT) {
		buf_puts(o, "<p class=\"box bad\" role=\"alert\">");
		buf_html(o, tr(c, notice));
		buf_puts(o, "</p>\n");
	}
	if (step == PLACE_PROVINCE_FIRST) {
		if (place_province_form(c) != WQ_OK)
			return page_message(c, MHD_HTTP_SERVICE_UNAVAILABLE, tr(c, T_ERROR),
					    tr(c, T_BUSY));
		page_end(c);
		return c->status;
	}
	buf_puts(o, "<form method=\"post\" action=\"/order\" novalidate>\n");
	/* the default button (Enter in a field) is the first in the form: "continue",
	 * not one of the place list buttons below */
	buf_puts(o, "<button type=\"submit\" class=\"def\" tabindex=\"-1\" aria-hidden=\"true\">");
	buf_html(o, tr(c, T_CONTINUE));
	buf_puts(o, "</button>\n");
	page_hidden(c, "lang", c->lang);
	http_csrf_field(c);
	order_lines_draw(c, in ? &in->lines : NULL);
	for (int i = 0; i < order_field_count(); i++)
		if (order_field_draw(c, i, in) != WQ_OK)
			return page_message(c, MHD_HTTP_SERVICE_UNAVAILABLE, tr(c, T_ERROR),
					    tr(c, T_BUSY));
	buf_puts(o, "<button type=\"submit\" id=\"continue\">");
	buf_html(o, tr(c, T_CONTINUE));
	buf_puts(o, "</button>\n</form>\n");
	page_end(c);
	return c->status;
}

int order_form(struct http_ctx *c)
{
	return draw_form(c, NULL, T_COUNT);
}

static void summary_row(struct http_ctx *c, enum txt label, const char *value)
{
	buf_puts(&c->out, "<tr><th>");
	buf_html(&c->out, tr(c, label));
	buf_puts(&c->out, "</th><td>");
	buf_html(&c->out, value);
	buf_puts(&c->out, "</td></tr>\n");
}

int order_review(struct http_ctx *c)
{
	struct order_input *in = calloc(1, sizeof *in);
	struct request r;
	if (!in)
		return page_message(c, 500, tr(c, T_ERROR), tr(c, T_ERROR));
	int csrf = http_csrf_ok(c);
	int nerr = order_validate(c, in, &r);
	if (http_arg(c, "edit") || place_navigating(c) || country_navigating(c)) {
		/* back from the review page, or another province or part of a place list:
		 * the form, filled, no errors */
		for (int i = 0; i < order_field_count(); i++)
			in->err[i] = T_COUNT;
		in->lines.nerr = 0;
		draw_form(c, in, T_COUNT);
	} else if (!csrf) {
		c->status = MHD_HTTP_FORBIDDEN;
		draw_form(c, in, T_CSRF);
	} else if (nerr) {
		c->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		draw_form(c, in, T_FORM_ERRORS);
	} else {
		char fee[24];
		wq_fmt_money(r.fee_centimes, fee, sizeof fee);
		page_begin(c, tr(c, T_REVIEW_TITLE));
		struct buf *o = &c->out;
		buf_puts(o, "<h1>");
		buf_html(o, tr(c, T_REVIEW_TITLE));
		buf_puts(o, "</h1>\n");
		const struct country *k = country_find(&c->app->countries, r.country);
		int64_t postage = fee_postage(&c->app->fees, k ? k->zone : 0);
		order_lines_review(c, &r, postage);
		buf_puts(o, "<table>\n");
		summary_row(c, T_COMMUNE, r.commune_name);
		struct office of;
		struct wq_errbuf eb;
		struct db *db = http_db(c);
		if (r.office_id && db && office_get(db, r.office_id, &of, &eb) == WQ_OK)
			summary_row(c, T_OFFICE, !strcmp(c->lang, "ar") ? of.name_ar : of.name_fr);
		char rec[48];
		snprintf(rec, sizeof rec, "%s / %d", r.record_number, r.record_year);
		summary_row(c, T_RECORD_NUMBER, rec);
		char name[2 * NAME_MAX_BYTES + 4];
		snprintf(name, sizeof name, "%s %s", r.first_name_ar, r.last_name_ar);
		summary_row(c, T_LAST_NAME_AR, name);
		snprintf(name, sizeof name, "%s %s", r.first_name_lat, r.last_name_lat);
		summary_row(c, T_LAST_NAME_LAT, name);
		summary_row(c, T_BIRTH_DATE, r.birth_date);
		char addr[ADDRESS_MAX_BYTES + 240];
		snprintf(addr, sizeof addr, "%s, %s %s%s%s", r.address, r.postal_code, r.city,
			 k && k->zone ? ", " : "",
			 !k || !k->zone ? "" : strcmp(c->lang, "ar") ? k->name_fr : k->name_ar);
		summary_row(c, T_ADDRESS, addr);
		summary_row(c, T_PHONE, r.phone);
		if (r.email[0])
			summary_row(c, T_EMAIL, r.email);
		buf_puts(o, "</table>\n<p class=\"box\">");
		buf_html(o, tr(c, T_FEE));
		buf_puts(o, " : <b class=\"ltr\" id=\"fee\">");
		buf_html(o, fee);
		buf_puts(o, "</b> ");
		buf_html(o, tr(c, T_MAD));
		if (postage) {
			char p[24];
			wq_fmt_money(postage, p, sizeof p);
			buf_puts(o, " (");
			buf_html(o, tr(c, T_POSTAGE));
			buf_printf(o, " : <span class=\"ltr\" id=\"postage\">%s</span> ", p);
			buf_html(o, tr(c, T_MAD));
			buf_puts(o, ")");
		}
		buf_puts(o, "</p>\n<p>");
		buf_html(o, tr(c, T_PAY_NOTE));
		buf_puts(o, "</p>\n<form method=\"post\" action=\"/order/confirm\">\n");
		order_hidden_fields(c, in);
		http_csrf_field(c);
		buf_puts(o, "<button type=\"submit\" id=\"pay\">");
		buf_html(o, tr(c, T_PAY));
		buf_puts(o, "</button><button type=\"submit\" class=\"alt\" name=\"edit\" value=\"1\" "
			    "formaction=\"/order\">");
		buf_html(o, tr(c, T_EDIT));
		buf_puts(o, "</button>\n</form>\n");
		page_end(c);
	}
	free(in);
	return c->status;
}

static int create_in_group(struct db *db, void *arg, struct wq_errbuf *eb)
{
	struct order_later *l = arg;
	return request_create(db, &l->r, l->key, l->max_unpaid, l->secret, eb);
}

struct order_later *order_later_new(struct http_ctx *c)
{
	struct order_later *l = calloc(1, sizeof *l);
	if (l) {
		free(c->later);
		c->later = l;
		l->key = c->app->server_key;
		l->max_unpaid = c->app->cfg.unpaid_orders_per_phone;
	}
	return l;
}

int order_create_later(struct http_ctx *c, struct order_later *l,
		       int (*answer)(struct http_ctx *c, int rc, struct wq_errbuf *eb))
{
	/* committed with the other writes of the moment, answered once on disk */
	return http_group_write(c, create_in_group, l, answer);
}

static int confirm_answer(struct http_ctx *c, int rc, struct wq_errbuf *eb)
{
	struct order_later *l = c->later;
	if (rc == WQ_ECONFLICT && !strcmp(eb->field, "phone")) {
		/* as many unpaid orders open for this phone as allowed: said next to it */
		l->in.err[F_PHONE] = T_E_PHONE_UNPAID;
		c->status = MHD_HTTP_CONFLICT;
		draw_form(c, &l->in, T_FORM_ERRORS);
	} else if (rc == WQ_ENOTFOUND && !strcmp(eb->field, "commune")) {
		/* no such commune, or none of its offices open: checked by the write itself
		 * (commune_later), said next to the field as order_validate would */
		l->in.err[F_COMMUNE] = T_E_COMMUNE;
		l->in.nerr++;
		c->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		draw_form(c, &l->in, T_FORM_ERRORS);
	} else if (rc) {
		log_event(LOG_LEVEL_ERROR, "error", "http: request_create: %s", eb->msg);
		page_message(c, rc == WQ_EBUSY ? 503 : 500, tr(c, T_ERROR),
			     tr(c, rc == WQ_EBUSY ? T_BUSY : T_ERROR));
	} else {
		/* the citizen's codes ride in a cookie through the gateway and back, so the
		 * confirmation page can show them; the gateway never sees the code */
		struct buf url;
		char cookie[64];
		buf_init(&url);
		pay_checkout_url(c, &l->r, &url);
		snprintf(cookie, sizeof cookie, "%s.%s", l->r.tracking, l->secret);
		http_set_cookie(c, "wq_order", cookie, 24 * 3600);
		http_redirect(c, buf_str(&url));
		buf_free(&url);
	}
	return c->status;
}

int order_confirm(struct http_ctx *c)
{
	struct order_later *l = order_later_new(c);
	if (!l)
		return page_message(c, 500, tr(c, T_ERROR), tr(c, T_ERROR));
	int csrf = http_csrf_ok(c);
	l->in.commune_later = 1;
	int nerr = order_validate(c, &l->in, &l->r);
	if (!csrf) {
		c->status = MHD_HTTP_FORBIDDEN;
		draw_form(c, &l->in, T_CSRF);
	} else if (nerr) {
		c->status = MHD_HTTP_UNPROCESSABLE_CONTENT;
		draw_form(c, &l->in, T_FORM_ERRORS);
	} else {
		order_create_later(c, l, confirm_answer);
	}
	return c->status;
}
