/* http_page.c - the frame around every HTML page (etc/web/layout.html with its
 * placeholders filled, the language switch), one-message pages, and JSON replies.
 * Runs in the HTTP worker threads; writes only into the request's own buffer. */
#include <stdio.h>
#include <string.h>

#include "http_internal.h"
#include "log.h"

struct switch_args {
	struct buf *b;
	int n;
};

static enum MHD_Result copy_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	(void)kind;
	struct switch_args *a = cls;
	if (!key || !strcmp(key, "lang") || a->n >= 8)
		return MHD_YES;
	buf_puts(a->b, "&");
	buf_url(a->b, key);
	buf_puts(a->b, "=");
	buf_url(a->b, value ? value : "");
	a->n++;
	return MHD_YES;
}

/* Emits layout text between from and to, filling {{name}} placeholders. */
static void layout_emit(struct http_ctx *c, const char *from, const char *to,
			const char *title)
{
	const char *other = strcmp(c->lang, "ar") ? "ar" : "fr";
	while (from < to) {
		const char *open = strstr(from, "{{");
		if (!open || open >= to) {
			buf_add(&c->out, from, (size_t)(to - from));
			return;
		}
		buf_add(&c->out, from, (size_t)(open - from));
		const char *close = strstr(open, "}}");
		if (!close)
			return;
		size_t n = (size_t)(close - open - 2);
		const char *k = open + 2;
#define IS(name) (n == sizeof name - 1 && !memcmp(k, name, n))
		if (IS("lang"))
			buf_puts(&c->out, c->lang);
		else if (IS("dir"))
			buf_puts(&c->out, strcmp(c->lang, "ar") ? "ltr" : "rtl");
		else if (IS("title"))
			buf_html(&c->out, title);
		else if (IS("site"))
			buf_html(&c->out, tr(c, T_SITE));
		else if (IS("nav_order"))
			buf_html(&c->out, tr(c, T_NAV_ORDER));
		else if (IS("nav_track"))
			buf_html(&c->out, tr(c, T_NAV_TRACK));
		else if (IS("switch_label"))
			buf_html(&c->out, tr(c, T_SWITCH));
		else if (IS("switch_lang"))
			buf_puts(&c->out, other);
		else if (IS("switch_href")) {
			/* the same page in the other language; a POSTed page falls back to its
			 * empty form (the citizen's input is not carried in a link).  The path
			 * comes from the route table, never from the request: "//evil.example/x"
			 * would make a link off the site */
			struct buf h;
			buf_init(&h);
			const char *path = http_route_known(c->url) ? c->url : "/";
			if (!strcmp(c->method, "POST"))
				path = !strcmp(c->url, "/track") || !strcmp(c->url, "/complaint")
					       ? "/track"
				       : !strcmp(c->url, "/verify") ? "/verify" : "/";
			buf_puts(&h, path);
			buf_printf(&h, "?lang=%s", other);
			if (!strcmp(c->method, "GET") && http_route_known(c->url) &&
			    !c->plain_switch) {
				struct switch_args a = {&h, 0};
				MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, copy_arg, &a);
			}
			buf_html(&c->out, buf_str(&h));
			buf_free(&h);
		}
#undef IS
		from = close + 2;
	}
}

void page_begin(struct http_ctx *c, const char *title)
{
	const char *l = c->app->layout;
	const char *body = strstr(l, "{{body}}");
	c->ctype = "text/html; charset=utf-8";
	layout_emit(c, l, body ? body : l + strlen(l), title);
}

void page_end(struct http_ctx *c)
{
	const char *l = c->app->layout;
	const char *body = strstr(l, "{{body}}");
	if (body)
		layout_emit(c, body + 8, l + strlen(l), "");
	if (c->out.len > PAGE_MAX_BYTES) /* a list or a text grew past the budget: say so */
		log_event(LOG_LEVEL_WARNING, "error",
			  "http: %s %s page is %zu bytes, over the %d-byte budget", c->method,
			  c->url, c->out.len, PAGE_MAX_BYTES);
}

int page_message(struct http_ctx *c, int status, const char *title, const char *text)
{
	buf_reset(&c->out);
	c->ncookies = 0;
	c->location[0] = 0;
	page_begin(c, title);
	buf_puts(&c->out, "<h1>");
	buf_html(&c->out, title);
	buf_puts(&c->out, "</h1>\n<p class=\"box bad\">");
	buf_html(&c->out, text);
	buf_puts(&c->out, "</p>\n");
	page_end(c);
	c->status = status;
	return status;
}

void page_hidden(struct http_ctx *c, const char *name, const char *value)
{
	buf_puts(&c->out, "<input type=\"hidden\" name=\"");
	buf_html(&c->out, name);
	buf_puts(&c->out, "\" value=\"");
	buf_html(&c->out, value ? value : "");
	buf_puts(&c->out, "\">\n");
}

int api_reply(struct http_ctx *c, int status)
{
	c->ctype = "application/json";
	c->status = status;
	return status;
}

int api_error(struct http_ctx *c, int status, const char *code, const char *message)
{
	buf_reset(&c->out);
	buf_puts(&c->out, "{\"error\":");
	buf_json_str(&c->out, code);
	buf_puts(&c->out, ",\"message\":");
	buf_json_str(&c->out, message);
	buf_puts(&c->out, "}\n");
	return api_reply(c, status);
}
