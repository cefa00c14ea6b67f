/* http_route.c - the one table of the web side's routes and what every request goes
 * through before its handler: the route by path and method (405 with an Allow header
 * when only the method is wrong), arguments that are valid UTF-8, the body's type and
 * decoding, the language; then the response with the security headers.  HTTP worker
 * threads; no SQL.  Handlers live in http_order.c, http_payment.c, http_track.c and
 * http_api.c; docs/api.md describes the JSON routes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_internal.h"

enum {
	R_FORM = 1 << 0, /* body is application/x-www-form-urlencoded */
	R_JSON = 1 << 1, /* body is application/json */
	R_API = 1 << 2,	 /* answers in JSON, errors too */
};

struct route {
	const char *method, *path;
	int (*handler)(struct http_ctx *c);
	unsigned flags;
};

static const struct route routes[] = {
	{"GET", "/", order_form, 0},
	{"GET", "/order", order_form, 0},
	{"POST", "/order", order_review, R_FORM},
	{"POST", "/order/confirm", order_confirm, R_FORM},
	{"POST", "/pay", pay_again, R_FORM},
	{"GET", "/paid", pay_return, 0},
	{"GET", "/track", track_form, 0},
	{"POST", "/track", track_show, R_FORM},
	{"POST", "/complaint", complaint_submit, R_FORM},
	{"POST", "/cancel", cancel_submit, R_FORM},
	{"POST", "/returned", returned_submit, R_FORM},
	{"GET", "/verify", verify_form, 0},
	{"POST", "/verify", verify_show, R_FORM},
	{"POST", "/api/v1/payments/callback", pay_callback, R_FORM | R_API},
	{"GET", "/api/v1/provinces", api_provinces, R_API},
	{"GET", "/api/v1/communes", api_communes, R_API},
	{"GET", "/api/v1/fee", api_fee, R_API},
	{"POST", "/api/v1/requests", api_order, R_JSON | R_API},
	{"POST", "/api/v1/track", api_track, R_JSON | R_API},
	{"POST", "/api/v1/complaints", api_complaint, R_JSON | R_API},
	{"POST", "/api/v1/cancel", api_cancel, R_JSON | R_API},
	{"POST", "/api/v1/returned", api_returned, R_JSON | R_API},
	{"POST", "/api/v1/verify", api_verify, R_JSON | R_API},
};
#define ROUTE_COUNT (int)(sizeof routes / sizeof routes[0])

int http_route_known(const char *path)
{
	for (int i = 0; path && i < ROUTE_COUNT; i++)
		if (!strcmp(routes[i].path, path))
			return 1;
	return 0;
}

int http_route_allow(const char *path, char *out, size_t len)
{
	size_t n = 0;
	out[0] = 0;
	for (int i = 0; path && i < ROUTE_COUNT; i++) {
		if (strcmp(routes[i].path, path))
			continue;
		const char *m = !strcmp(routes[i].method, "GET") ? "GET, HEAD" : routes[i].method;
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? ", " : "", m);
	}
	return n > 0 && n < len;
}

int http_is_api(const char *url)
{
	return !strncmp(url, "/api/", 5);
}

static void lang_pick(struct http_ctx *c)
{
	const char *l = form_get(&c->form, "lang");
	if (!l)
		l = MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, "lang");
	if (l && (!strcmp(l, "ar") || !strcmp(l, "fr"))) {
		snprintf(c->lang, sizeof c->lang, "%s", l);
		return;
	}
	const char *al = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	snprintf(c->lang, sizeof c->lang, "%s", al && !strncmp(al, "ar", 2) ? "ar" : "fr");
}

static enum MHD_Result send_response(struct http_ctx *c)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		c->out.len, c->out.data ? c->out.data : (void *)"", MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				c->ctype ? c->ctype : "text/plain; charset=utf-8");
	MHD_add_response_header(r, "Content-Security-Policy", c->app->csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Content-Language", c->lang);
	if (c->location[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, c->location);
	if (c->status == MHD_HTTP_TOO_MANY_REQUESTS) {
		char secs[16];
		snprintf(secs, sizeof secs, "%d", c->retry_after > 0 ? c->retry_after : 60);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
	}
	if (c->allow[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, c->allow);
	for (int i = 0; i < c->ncookies; i++)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, c->cookies[i]);
	slow_mark(c->app->watch, c->conn, 0); /* answered: no longer a slow request */
	enum MHD_Result ok = MHD_queue_response(c->conn, (unsigned)c->status, r);
	MHD_destroy_response(r);
	return ok;
}

enum MHD_Result http_fail_early(struct http_ctx *c, int status, enum txt t, int api)
{
	lang_pick(c);
	if (api)
		api_error(c, status, status == 429 ? "rate_limited" : "too_large", tr(c, t));
	else
		page_message(c, status, tr(c, t), tr(c, t));
	return send_response(c);
}

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	(void)kind;
	int *bad = cls;
	if ((key && !utf8_valid(key, strlen(key))) || (value && !utf8_valid(value, strlen(value))))
		*bad = 1;
	return MHD_YES;
}

/* A known path asked with a method it does not answer: 405, the methods it does in
 * an Allow header and in the body. */
static enum MHD_Result wrong_method(struct http_ctx *c, int api)
{
	char msg[400];
	http_route_allow(c->url, c->allow, sizeof c->allow);
	snprintf(msg, sizeof msg, tr(c, T_METHOD), c->method, c->allow);
	if (api) {
		buf_reset(&c->out);
		buf_puts(&c->out, "{\"error\":\"method_not_allowed\",\"message\":");
		buf_json_str(&c->out, msg);
		buf_puts(&c->out, ",\"allow\":");
		buf_json_str(&c->out, c->allow);
		buf_puts(&c->out, "}\n");
		api_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED);
	} else {
		page_message(c, MHD_HTTP_METHOD_NOT_ALLOWED, tr(c, T_METHOD_TITLE), msg);
	}
	return send_response(c);
}

enum MHD_Result http_dispatch(struct http_ctx *c)
{
	const struct route *rt = NULL;
	for (int i = 0; i < ROUTE_COUNT; i++) {
		if (strcmp(routes[i].path, c->url))
			continue;
		if (!strcmp(routes[i].method, c->method) ||
		    (!strcmp(c->method, "HEAD") && !strcmp(routes[i].method, "GET"))) {
			rt = &routes[i];
			break;
		}
	}
	int api = rt ? (rt->flags & R_API) != 0 : http_is_api(c->url);
	int bad_args = 0;
	MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, check_arg, &bad_args);
	if (!rt) {
		lang_pick(c);
		if (http_route_known(c->url))
			return wrong_method(c, api);
		if (api)
			api_error(c, MHD_HTTP_NOT_FOUND, "not_found", tr(c, T_NO_PAGE));
		else
			page_message(c, MHD_HTTP_NOT_FOUND, tr(c, T_NO_PAGE), tr(c, T_NO_PAGE));
		return send_response(c);
	}
	if (c->too_big)
		return http_fail_early(c, MHD_HTTP_CONTENT_TOO_LARGE, T_TOO_BIG, api);
	int frc = FORM_OK;
	if (rt->flags & (R_FORM | R_JSON)) {
		const char *ct = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_TYPE);
		const char *want = rt->flags & R_JSON ? "application/json"
						      : "application/x-www-form-urlencoded";
		/* the type itself, then its parameters if any ("; charset=utf-8"): not a
		 * prefix of another type ("application/jsonp") */
		size_t wl = strlen(want);
		if (!ct || strncasecmp(ct, want, wl) ||
		    (ct[wl] && ct[wl] != ';' && ct[wl] != ' ' && ct[wl] != '\t')) {
			lang_pick(c);
			if (api)
				api_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "content_type", want);
			else
				page_message(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, tr(c, T_BAD_INPUT),
					     tr(c, T_BAD_INPUT));
			return send_response(c);
		}
		frc = rt->flags & R_JSON
			      ? form_parse_json(&c->form, buf_str(&c->body_in), c->body_in.len)
			      : form_parse_urlencoded(&c->form, buf_str(&c->body_in),
						      c->body_in.len);
		if (frc != FORM_OK)
			form_free(&c->form);
	}
	lang_pick(c);
	if (frc != FORM_OK || bad_args) {
		enum txt t = frc == FORM_EBAD ? T_BAD_INPUT : T_UTF8;
		if (api)
			api_error(c, MHD_HTTP_BAD_REQUEST, frc == FORM_EBAD ? "bad_body" : "bad_utf8",
				  tr(c, t));
		else
			page_message(c, MHD_HTTP_BAD_REQUEST, tr(c, T_BAD_INPUT), tr(c, t));
		return send_response(c);
	}
	c->status = MHD_HTTP_OK;
	rt->handler(c);
	if (c->answer) /* suspended until its write is on disk: answered then */
		return MHD_YES;
	if (!strcmp(c->method, "HEAD"))
		buf_reset(&c->out);
	return send_response(c);
}

enum MHD_Result http_dispatch_answer(struct http_ctx *c)
{
	int (*answer)(struct http_ctx *, int, struct wq_errbuf *) = c->answer;
	c->answer = NULL;
	answer(c, c->job.rc, &c->job.eb);
	if (!strcmp(c->method, "HEAD"))
		buf_reset(&c->out);
	return send_response(c);
}
