/* http_server.c - the citizen web endpoint of `watiqa serve`: starts libmicrohttpd
 * (internal polling thread with epoll, a pool of worker threads, connection and memory
 * limits), routes each request through one table, bounds bodies, decodes them, applies
 * the per-address rate limit, CSRF checks and security headers, and gives each worker
 * thread its own database connection.  Also starts the notification/expiry thread
 * (notify.c).  Handlers live in http_order.c, http_payment.c, http_track.c, http_api.c;
 * no SQL here. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http_internal.h"
#include "http_server.h"
#include "notify.h"
#include "util.h"

#define RATE_SLOTS 4096
#define RATE_PROBES 8

struct rate_slot {
	char addr[48];
	int64_t window; /* minute number */
	int count;
};

struct http_rate {
	pthread_mutex_t mu;
	int per_minute;
	struct rate_slot slot[RATE_SLOTS];
};

/* One connection as the slow-request watchdog sees it (its MHD socket context). */
struct slow_conn {
	struct slow_conn *prev, *next;
	int fd;
	int64_t since; /* monotonic seconds: the connection's start or its last answer */
	int reading;   /* a request is still coming in (or none yet) */
	int cut;       /* already shut down by the watchdog */
};

struct slow_watch {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int running, stop;
	struct slow_conn *head;
};

struct http_server {
	struct http_app app;
	struct MHD_Daemon *mhd;
	struct notifier *notifier;
	struct slow_watch watch;
};

/* ---- routes ---- */
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
	{"POST", "/api/v1/payments/callback", pay_callback, R_FORM | R_API},
	{"GET", "/api/v1/provinces", api_provinces, R_API},
	{"GET", "/api/v1/communes", api_communes, R_API},
	{"GET", "/api/v1/fee", api_fee, R_API},
	{"POST", "/api/v1/requests", api_order, R_JSON | R_API},
	{"POST", "/api/v1/track", api_track, R_JSON | R_API},
	{"POST", "/api/v1/complaints", api_complaint, R_JSON | R_API},
	{"POST", "/api/v1/cancel", api_cancel, R_JSON | R_API},
};
#define ROUTE_COUNT (int)(sizeof routes / sizeof routes[0])

/* ---- per-thread database ---- */
static void db_key_close(void *p)
{
	db_close(p);
}

struct db *http_db(struct http_ctx *c)
{
	if (c->db)
		return c->db;
	struct db *db = pthread_getspecific(c->app->db_key);
	if (!db) {
		struct wq_errbuf eb;
		wq_errbuf_clear(&eb);
		if (db_open(c->app->cfg.db_path, &db, &eb) != WQ_OK) {
			fprintf(stderr, "http: cannot open %s: %s\n", c->app->cfg.db_path, eb.msg);
			return NULL;
		}
		pthread_setspecific(c->app->db_key, db);
	}
	return c->db = db;
}

/* ---- arguments, cookies ---- */
const char *http_arg(struct http_ctx *c, const char *key)
{
	const char *v = form_get(&c->form, key);
	if (!v)
		v = MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, key);
	return v;
}

const char *http_cookie(struct http_ctx *c, const char *name)
{
	return MHD_lookup_connection_value(c->conn, MHD_COOKIE_KIND, name);
}

void http_set_cookie(struct http_ctx *c, const char *name, const char *value, int max_age)
{
	if (c->ncookies >= 3)
		return;
	int secure = !strncmp(c->app->base_url, "https:", 6);
	snprintf(c->cookies[c->ncookies++], sizeof c->cookies[0],
		 "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=%s%s", name, value, max_age,
		 strcmp(name, "wq_csrf") ? "Lax" : "Strict", secure ? "; Secure" : "");
}

void http_redirect(struct http_ctx *c, const char *location)
{
	snprintf(c->location, sizeof c->location, "%s", location);
	c->status = MHD_HTTP_SEE_OTHER;
	buf_reset(&c->out);
	c->ctype = "text/plain; charset=utf-8";
}

/* ---- CSRF: token = ts "." HMAC(key, nonce "|" ts), nonce in a SameSite cookie ---- */
static void csrf_token(const struct http_app *app, const char *nonce, long long ts,
		       char *out, size_t len)
{
	char msg[96], mac[65];
	int n = snprintf(msg, sizeof msg, "%s|%lld", nonce, ts);
	wq_hmac_sha256_hex(app->csrf_key, msg, (size_t)n, mac);
	snprintf(out, len, "%lld.%s", ts, mac);
}

static int csrf_nonce_ok(const char *s)
{
	if (!s || strlen(s) != 32)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

void http_csrf_field(struct http_ctx *c)
{
	const char *nonce = http_cookie(c, "wq_csrf");
	if (!csrf_nonce_ok(nonce)) {
		if (!c->csrf_nonce[0]) {
			unsigned char r[16];
			wq_random_bytes(r, sizeof r);
			for (int i = 0; i < 16; i++)
				snprintf(c->csrf_nonce + 2 * i, 3, "%02x", r[i]);
			http_set_cookie(c, "wq_csrf", c->csrf_nonce, 7 * 24 * 3600);
		}
		nonce = c->csrf_nonce;
	}
	char tok[96];
	csrf_token(c->app, nonce, (long long)wq_now(), tok, sizeof tok);
	page_hidden(c, "csrf", tok);
}

static int ct_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int http_csrf_ok(struct http_ctx *c)
{
	const char *nonce = http_cookie(c, "wq_csrf");
	const char *tok = form_get(&c->form, "csrf");
	if (!csrf_nonce_ok(nonce) || !tok)
		return 0;
	char *dot;
	long long ts = strtoll(tok, &dot, 10);
	long long now = (long long)wq_now();
	if (*dot != '.' || ts > now + 60 || now - ts > CSRF_MAX_AGE_SECONDS)
		return 0;
	char want[96];
	csrf_token(c->app, nonce, ts, want, sizeof want);
	return ct_equal(want, tok);
}

/* ---- rate limit: a fixed one-minute window per client address ---- */
static int rate_allow(struct http_rate *r, const char *addr)
{
	if (r->per_minute <= 0)
		return 1;
	int64_t minute = wq_now() / 60;
	uint32_t h = 2166136261u;
	for (const char *p = addr; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	pthread_mutex_lock(&r->mu);
	struct rate_slot *s = NULL, *stale = NULL;
	for (int i = 0; i < RATE_PROBES; i++) {
		struct rate_slot *t = &r->slot[(h + (uint32_t)i) % RATE_SLOTS];
		if (!strcmp(t->addr, addr)) {
			s = t;
			break;
		}
		if (!stale && t->window != minute)
			stale = t;
	}
	if (!s) {
		s = stale ? stale : &r->slot[h % RATE_SLOTS];
		wq_strlcpy(s->addr, addr, sizeof s->addr);
		s->window = minute;
		s->count = 0;
	}
	if (s->window != minute) {
		s->window = minute;
		s->count = 0;
	}
	int ok = ++s->count <= r->per_minute;
	pthread_mutex_unlock(&r->mu);
	return ok;
}

/* ---- slow clients: a deadline for reading each request ----
 * libmicrohttpd's connection timeout counts idle time only: a client sending one header
 * byte a second (slowloris) never trips it and keeps its connection for ever; enough of
 * them fill the connection limit.  So every connection is listed (MHD's connection
 * notifications, on the worker threads), and a watchdog thread shuts down the socket of
 * one whose request is not entirely read HTTP_REQUEST_READ_SECONDS after the connection
 * started or its previous answer went out; MHD then sees the close and frees it.  MHD
 * notifies CLOSED before it closes the socket, under the same lock: no fd is reused
 * under the watchdog's feet. */
static int64_t mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

static void slow_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
			enum MHD_ConnectionNotificationCode code)
{
	struct slow_watch *w = cls;
	struct slow_conn *e = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci || ci->connect_fd < 0 || !(e = calloc(1, sizeof *e)))
			return;
		e->fd = ci->connect_fd;
		e->since = mono_seconds();
		e->reading = 1;
		pthread_mutex_lock(&w->mu);
		e->next = w->head;
		if (w->head)
			w->head->prev = e;
		w->head = e;
		pthread_mutex_unlock(&w->mu);
		*socket_context = e;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && e) {
		pthread_mutex_lock(&w->mu);
		if (e->prev)
			e->prev->next = e->next;
		else
			w->head = e->next;
		if (e->next)
			e->next->prev = e->prev;
		pthread_mutex_unlock(&w->mu);
		free(e);
		*socket_context = NULL;
	}
}

/* The request on CONN has been read (reading = 0) or answered (1: the next one may come). */
static void slow_mark(struct http_app *app, struct MHD_Connection *conn, int reading)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct slow_conn *e = ci ? ci->socket_context : NULL;
	if (!e || !app->watch)
		return;
	pthread_mutex_lock(&app->watch->mu);
	e->reading = reading;
	if (reading)
		e->since = mono_seconds();
	pthread_mutex_unlock(&app->watch->mu);
}

static void *slow_watchdog(void *arg)
{
	struct slow_watch *w = arg;
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&w->cv, &w->mu, &until);
		int64_t now = mono_seconds();
		int n = 0;
		for (struct slow_conn *e = w->head; e; e = e->next)
			if (e->reading && !e->cut && now - e->since >= HTTP_REQUEST_READ_SECONDS) {
				shutdown(e->fd, SHUT_RDWR);
				e->cut = 1;
				n++;
			}
		if (n)
			fprintf(stderr, "http: cut %d connection%s: request not read within %d s\n",
				n, n > 1 ? "s" : "", HTTP_REQUEST_READ_SECONDS);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* ---- responses ---- */
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
	if (c->status == MHD_HTTP_TOO_MANY_REQUESTS)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "60");
	for (int i = 0; i < c->ncookies; i++)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, c->cookies[i]);
	slow_mark(c->app, c->conn, 0); /* answered: no longer a slow request */
	enum MHD_Result ok = MHD_queue_response(c->conn, (unsigned)c->status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result fail_early(struct http_ctx *c, int status, enum txt t, int api)
{
	lang_pick(c);
	if (api)
		api_error(c, status, status == 429 ? "rate_limited" : "too_large", tr(c, t));
	else
		page_message(c, status, tr(c, t), tr(c, t));
	return send_response(c);
}

static int is_api(const char *url)
{
	return !strncmp(url, "/api/", 5);
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

static enum MHD_Result dispatch(struct http_ctx *c)
{
	const struct route *rt = NULL;
	int path_known = 0;
	for (int i = 0; i < ROUTE_COUNT; i++) {
		if (strcmp(routes[i].path, c->url))
			continue;
		path_known = 1;
		if (!strcmp(routes[i].method, c->method) ||
		    (!strcmp(c->method, "HEAD") && !strcmp(routes[i].method, "GET"))) {
			rt = &routes[i];
			break;
		}
	}
	int api = rt ? (rt->flags & R_API) != 0 : is_api(c->url);
	int bad_args = 0;
	MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, check_arg, &bad_args);
	if (!rt) {
		lang_pick(c);
		int st = path_known ? MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_NOT_FOUND;
		if (api)
			api_error(c, st, "not_found", tr(c, T_NO_PAGE));
		else
			page_message(c, st, tr(c, T_NO_PAGE), tr(c, T_NO_PAGE));
		return send_response(c);
	}
	if (c->too_big)
		return fail_early(c, MHD_HTTP_CONTENT_TOO_LARGE, T_TOO_BIG, api);
	int frc = FORM_OK;
	if (rt->flags & (R_FORM | R_JSON)) {
		const char *ct = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_TYPE);
		const char *want = rt->flags & R_JSON ? "application/json"
						      : "application/x-www-form-urlencoded";
		if (!ct || strncasecmp(ct, want, strlen(want))) {
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
	if (!strcmp(c->method, "HEAD"))
		buf_reset(&c->out);
	return send_response(c);
}

static void client_addr(struct MHD_Connection *conn, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, len, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)len);
}

static enum MHD_Result http_access(void *cls, struct MHD_Connection *conn, const char *url,
				   const char *method, const char *version,
				   const char *upload_data, size_t *upload_data_size,
				   void **con_cls)
{
	(void)version;
	struct http_ctx *c = *con_cls;
	if (!c) {
		c = calloc(1, sizeof *c);
		if (!c)
			return MHD_NO;
		c->app = cls;
		c->conn = conn;
		c->method = method;
		c->url = url;
		c->status = MHD_HTTP_OK;
		client_addr(conn, c->addr, sizeof c->addr);
		*con_cls = c;
		if (!rate_allow(c->app->rate, c->addr))
			return fail_early(c, MHD_HTTP_TOO_MANY_REQUESTS, T_RATE, is_api(url));
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > MAX_BODY_BYTES)
			/* answered before the body is read: MHD then closes the connection */
			return fail_early(c, MHD_HTTP_CONTENT_TOO_LARGE, T_TOO_BIG, is_api(url));
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (c->body_in.len + *upload_data_size > MAX_BODY_BYTES)
			c->too_big = 1; /* chunked upload past the bound: drained, then refused */
		else
			buf_add(&c->body_in, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return dispatch(c);
}

static void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			   enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	slow_mark(cls, conn, 1); /* the next request on this connection starts its clock */
	struct http_ctx *c = *con_cls;
	if (!c)
		return;
	form_free(&c->form);
	buf_free(&c->body_in);
	buf_free(&c->out);
	free(c);
	*con_cls = NULL;
}

/* ---- start / stop ---- */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (!b.data)
		buf_add(&b, "", 0);
	return b.data;
}

static void origin_of(const char *url, char *out, size_t len)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *slash = strchr(p, '/');
	size_t n = slash ? (size_t)(slash - url) : strlen(url);
	snprintf(out, len, "%.*s", (int)n, url);
}

static int app_init(struct http_app *app, const struct config *cfg, struct wq_errbuf *eb)
{
	char path[PATH_MAX_BYTES + 64];
	app->cfg = *cfg;
	config_path(cfg, "etc/patterns.conf", path, sizeof path);
	int rc = validate_load(path, &app->val, eb);
	if (rc)
		return rc;
	config_path(cfg, "etc/fees.conf", path, sizeof path);
	if ((rc = fee_load(&app->fees, path, eb)))
		return rc;
	config_path(cfg, "etc/web/layout.html", path, sizeof path);
	if (!(app->layout = read_text(path)) || !strstr(app->layout, "{{body}}"))
		return wq_fail(eb, WQ_EIO, "web", "%s: missing or without {{body}}", path);
	unsigned char key[32];
	if (wq_random_bytes(key, sizeof key))
		return wq_fail(eb, WQ_EIO, NULL, "no random bytes for the CSRF key");
	for (int i = 0; i < 32; i++)
		snprintf(app->csrf_key + 2 * i, 3, "%02x", key[i]);
	origin_of(cfg->gateway_url, app->gateway_origin, sizeof app->gateway_origin);
	snprintf(app->csp, sizeof app->csp,
		 "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
		 "form-action 'self' %s; base-uri 'none'; frame-ancestors 'none'",
		 app->gateway_origin);
	app->rate = calloc(1, sizeof *app->rate);
	if (!app->rate)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	pthread_mutex_init(&app->rate->mu, NULL);
	app->rate->per_minute = cfg->http_rate_per_minute;
	if (pthread_key_create(&app->db_key, db_key_close))
		return wq_fail(eb, WQ_EIO, NULL, "pthread_key_create failed");
	return WQ_OK;
}

int http_server_start(const struct config *cfg, struct http_server **out,
		      struct wq_errbuf *eb)
{
	*out = NULL;
	struct http_server *s = calloc(1, sizeof *s);
	if (!s)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = app_init(&s->app, cfg, eb);
	if (rc) {
		free(s);
		return rc;
	}
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	if (inet_pton(AF_INET, cfg->bind, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)cfg->http_port);
		sa = (struct sockaddr *)&sin;
	} else if (inet_pton(AF_INET6, cfg->bind, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)cfg->http_port);
		sa = (struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
	} else {
		free(s);
		return wq_fail(eb, WQ_EINVAL, "bind", "bind address '%s' is not an IP address",
			       cfg->bind);
	}
	unsigned threads = cfg->http_threads > 0 ? (unsigned)cfg->http_threads : 1;
	pthread_mutex_init(&s->watch.mu, NULL);
	pthread_cond_init(&s->watch.cv, NULL);
	s->app.watch = &s->watch;
	s->mhd = MHD_start_daemon(
		flags, (uint16_t)cfg->http_port, NULL, NULL, http_access, &s->app,
		MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->http_max_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_SECONDS,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY_BYTES,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS_PER_ADDRESS,
		MHD_OPTION_NOTIFY_CONNECTION, slow_notify, &s->watch,
		MHD_OPTION_NOTIFY_COMPLETED, http_completed, &s->app, MHD_OPTION_END);
	if (!s->mhd) {
		free(s);
		return wq_fail(eb, WQ_EIO, "http_port", "cannot listen on %s:%d", cfg->bind,
			       cfg->http_port);
	}
	int port = cfg->http_port;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	if (di && di->port)
		port = di->port;
	if (cfg->public_url[0])
		snprintf(s->app.base_url, sizeof s->app.base_url, "%s", cfg->public_url);
	else
		snprintf(s->app.base_url, sizeof s->app.base_url, "http://%s%s%s:%d",
			 sa->sa_family == AF_INET6 ? "[" : "",
			 !strcmp(cfg->bind, "0.0.0.0") ? "127.0.0.1"
			 : !strcmp(cfg->bind, "::")    ? "::1"
						       : cfg->bind,
			 sa->sa_family == AF_INET6 ? "]" : "", port);
	if ((rc = notify_start(cfg, &s->notifier, eb))) {
		MHD_stop_daemon(s->mhd);
		free(s);
		return rc;
	}
	s->watch.running = !pthread_create(&s->watch.thread, NULL, slow_watchdog, &s->watch);
	if (!s->watch.running)
		fprintf(stderr, "http: no watchdog thread: slow requests are not cut\n");
	printf("http listening on %s:%d\n", cfg->bind, port);
	fflush(stdout);
	*out = s;
	return WQ_OK;
}

void http_server_stop(struct http_server *s)
{
	if (!s)
		return;
	notify_stop(s->notifier);
	MHD_stop_daemon(s->mhd);
	if (s->watch.running) {
		pthread_mutex_lock(&s->watch.mu);
		s->watch.stop = 1;
		pthread_cond_signal(&s->watch.cv);
		pthread_mutex_unlock(&s->watch.mu);
		pthread_join(s->watch.thread, NULL);
	}
	validate_free(s->app.val);
	free(s->app.layout);
	free(s->app.rate);
	free(s);
}
