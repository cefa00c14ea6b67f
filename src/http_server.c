/* http_server.c - the citizen web endpoint of `watiqa serve`: starts and stops
 * libmicrohttpd (a pool of worker threads with epoll, fed by http_accept.c's thread,
 * connection and memory limits), takes each request in (rate limit, body bound), gives
 * each worker thread its own database connection, and keeps the request's arguments,
 * cookies and CSRF tokens.  Also starts the notification/expiry thread (notify.c).
 * Routing is http_route.c, the guards (rate, slow clients) http_guard.c; no SQL here. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "db_group.h"
#include "db_sync.h"
#include "http_internal.h"
#include "http_server.h"
#include "log.h"
#include "notify.h"
#include "request.h"
#include "server_key.h"
#include "util.h"

struct http_server {
	struct http_app app;
	struct MHD_Daemon *mhd;
	struct http_acceptor *acceptor;
	/* connections libmicrohttpd has started and not yet closed: the acceptor's count
	 * for http_max_connections (conn_notify) */
	atomic_uint open;
	struct notifier *notifier;
};

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
		/* the writes still made here (a wrong code counted, a complaint, a
		 * cancellation) let go of the write lock before their fsync, not holding
		 * the group's writers for it (db_sync.h) */
		if (db_open(c->app->cfg.db_path, &db, &eb) != WQ_OK ||
		    db_sync_outside_lock(db, &eb) != WQ_OK) {
			log_event(LOG_LEVEL_ERROR, "error", "http: cannot open %s: %s",
				  c->app->cfg.db_path, eb.msg);
			db_close(db);
			return NULL;
		}
		pthread_setspecific(c->app->db_key, db);
	}
	return c->db = db;
}

/* ---- writes left to the group commit ---- */
static void group_written(struct db_group_job *j)
{
	struct http_ctx *c = (struct http_ctx *)(void *)((char *)j - offsetof(struct http_ctx, job));
	MHD_resume_connection(c->conn); /* MHD calls http_access again: the answer */
}

int http_group_write(struct http_ctx *c, db_group_fn fn, void *arg,
		     int (*answer)(struct http_ctx *c, int rc, struct wq_errbuf *eb))
{
	c->job = (struct db_group_job){.fn = fn, .arg = arg, .then = group_written};
	wq_errbuf_clear(&c->job.eb);
	c->answer = answer;
	slow_mark(c->app->watch, c->conn, 0); /* read whole: not a slow client's */
	/* suspended before the job is queued: the writer may be done with it at once */
	MHD_suspend_connection(c->conn);
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	/* queued, the job is the writer's until it is done (it may be already) */
	if (db_group_submit(c->app->group, &c->job, &eb)) {
		c->job.rc = eb.code; /* not queued: answered with the refusal */
		c->job.eb = eb;
		MHD_resume_connection(c->conn);
	}
	return c->status;
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

/* A new nonce's 16 bytes from this thread's store of getrandom()'s output, fetched 4 KB
 * at a time: one system call per 256 nonces, not one per page (a citizen without the
 * cookie, each tracking page of the benchmark, gets a new one).  The bytes are the
 * kernel's CSPRNG's as before, each used once. */
static void csrf_random(unsigned char out[16])
{
	static __thread unsigned char store[4096];
	static __thread size_t left;
	if (left < 16) {
		if (wq_random_bytes(store, sizeof store)) {
			wq_random_bytes(out, 16);
			return;
		}
		left = sizeof store;
	}
	memcpy(out, store + sizeof store - left, 16);
	memset(store + sizeof store - left, 0, 16); /* no copy of a given nonce left behind */
	left -= 16;
}

void http_csrf_field(struct http_ctx *c)
{
	if (!c->csrf_tok[0]) { /* one token per page: each of its forms carries it */
		const char *nonce = http_cookie(c, "wq_csrf");
		if (!csrf_nonce_ok(nonce)) {
			if (!c->csrf_nonce[0]) {
				unsigned char r[16];
				csrf_random(r);
				wq_hex(r, sizeof r, c->csrf_nonce);
				http_set_cookie(c, "wq_csrf", c->csrf_nonce, 7 * 24 * 3600);
			}
			nonce = c->csrf_nonce;
		}
		csrf_token(c->app, nonce, (long long)wq_now(), c->csrf_tok, sizeof c->csrf_tok);
	}
	page_hidden(c, "csrf", c->csrf_tok);
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
		http_client_addr(conn, c->addr, sizeof c->addr);
		*con_cls = c;
		if (!http_rate_allow(c->app->rate, c->addr))
			return http_fail_early(c, MHD_HTTP_TOO_MANY_REQUESTS, T_RATE,
					       http_is_api(url));
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
		if (declared > MAX_BODY_BYTES) {
			/* A client that asked to go on (Expect: 100-continue) waits for
			 * this answer, and one past HTTP_DRAIN_BYTES is not worth reading:
			 * answered at once, MHD then closes.  Any other is still sending
			 * when the answer goes: closed with its body unread, the kernel
			 * resets the connection, and the client may lose the 413 (1 MB
			 * bodies from curl: 10 of 200 under load, abuse_web).  Its body
			 * is read and dropped first, then refused (as a chunked one). */
			const char *ex = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
								     MHD_HTTP_HEADER_EXPECT);
			if (ex || declared > HTTP_DRAIN_BYTES)
				return http_fail_early(c, MHD_HTTP_CONTENT_TOO_LARGE, T_TOO_BIG,
						       http_is_api(url));
			c->too_big = 1;
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (c->too_big || c->body_in.len + *upload_data_size > MAX_BODY_BYTES)
			c->too_big = 1; /* past the bound: drained, then refused */
		else
			buf_add(&c->body_in, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	log_context("", c->addr, ""); /* this thread's lines name this client */
	if (c->answer) /* resumed: its write is on disk (or failed) */
		return http_dispatch_answer(c);
	return http_dispatch(c);
}

static void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			   enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	struct http_app *app = cls;
	slow_mark(app->watch, conn, 1); /* the next request on this connection starts its clock */
	struct http_ctx *c = *con_cls;
	if (!c)
		return;
	form_free(&c->form);
	buf_free(&c->body_in);
	buf_free(&c->out);
	free(c->later);
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
	config_path(cfg, "etc/countries.conf", path, sizeof path);
	if ((rc = country_load(path, &app->countries, eb)))
		return rc;
	config_path(cfg, "etc/web/layout.html", path, sizeof path);
	if (!(app->layout = read_text(path)) || !strstr(app->layout, "{{body}}"))
		return wq_fail(eb, WQ_EIO, "web", "%s: missing or without {{body}}", path);
	/* secret codes: HMACs under the server key; the older unsalted hashes rewrapped
	 * before the first citizen comes (db/101_citizen_secrets.sql) */
	if ((rc = server_key_get(cfg, app->server_key, eb)))
		return rc;
	struct db *db;
	int rewrapped = 0;
	if ((rc = db_open(cfg->db_path, &db, eb)))
		return rc;
	rc = request_secrets_rewrap(db, app->server_key, &rewrapped, eb);
	db_close(db);
	if (rc)
		return rc;
	if (rewrapped)
		printf("secret codes: %d older unsalted hashes rewrapped under the server key\n",
		       rewrapped);
	/* derived from the server key, not drawn at each start: a form a citizen loaded
	 * before a restart (an upgrade) is still taken after it, within its age */
	server_key_hmac(app->server_key, "csrf:form-key", app->csrf_key);
	origin_of(cfg->gateway_url, app->gateway_origin, sizeof app->gateway_origin);
	snprintf(app->csp, sizeof app->csp,
		 "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
		 "form-action 'self' %s; base-uri 'none'; frame-ancestors 'none'",
		 app->gateway_origin);
	app->rate = http_rate_new(cfg->http_rate_per_minute);
	app->watch = slow_watch_new();
	if (!app->rate || !app->watch)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	if (pthread_key_create(&app->db_key, db_key_close))
		return wq_fail(eb, WQ_EIO, NULL, "pthread_key_create failed");
	if (!(app->offload = http_offload_start()))
		return wq_fail(eb, WQ_EIO, NULL, "cannot start the gateway calls' threads");
	return db_group_start(cfg->db_path, &app->group, eb);
}

/* The threads app_init started, on a start that failed later. */
static void app_stop(struct http_app *app)
{
	http_offload_stop(app->offload);
	db_group_stop(app->group);
}

/* libmicrohttpd's start and close of each connection: the slow-client watch's, and the
 * count the acceptor holds to http_max_connections (a connection closed is only told
 * if its start was) */
static void conn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
			enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		atomic_fetch_add(&s->open, 1);
	else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
		atomic_fetch_sub(&s->open, 1);
	slow_notify(s->app.watch, conn, socket_context, code);
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
		app_stop(&s->app);
		free(s);
		return rc;
	}
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa;
	socklen_t salen;
	/* the listening socket is http_accept.c's, which spreads connections evenly over
	 * the workers */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_USE_NO_LISTEN_SOCKET |
			 MHD_ALLOW_SUSPEND_RESUME; /* http_group_write, http_offload */
	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	if (inet_pton(AF_INET, cfg->bind, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)cfg->http_port);
		sa = (struct sockaddr *)&sin;
		salen = sizeof sin;
	} else if (inet_pton(AF_INET6, cfg->bind, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)cfg->http_port);
		sa = (struct sockaddr *)&sin6;
		salen = sizeof sin6;
	} else {
		app_stop(&s->app);
		free(s);
		return wq_fail(eb, WQ_EINVAL, "bind", "bind address '%s' is not an IP address",
			       cfg->bind);
	}
	int port = cfg->http_port;
	int lfd = http_listen(sa, salen, &port);
	if (lfd < 0) {
		app_stop(&s->app);
		free(s);
		return wq_fail(eb, WQ_EIO, "http_port", "cannot listen on %s:%d", cfg->bind,
			       cfg->http_port);
	}
	unsigned threads = cfg->http_threads > 0 ? (unsigned)cfg->http_threads : 1;
	unsigned limit = (unsigned)cfg->http_max_connections;
	/* The whole limit is the acceptor's to keep (s->open): libmicrohttpd splits its own
	 * among the workers (4 over 3: 2, 1, 1) and reads a worker's count before the
	 * worker has taken the last connection in, so near the limit it closed connections
	 * that should have waited in the backlog (e2e web_connection_limit).  Each worker
	 * may hold all of them. */
	unsigned mhd_limit = limit > (unsigned)-1 / threads ? (unsigned)-1 : limit * threads;
	s->mhd = MHD_start_daemon(
		flags, 0, NULL, NULL, http_access, &s->app, MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_LIMIT, mhd_limit,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_SECONDS,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY_BYTES,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS_PER_ADDRESS,
		MHD_OPTION_NOTIFY_CONNECTION, conn_notify, s,
		MHD_OPTION_NOTIFY_COMPLETED, http_completed, &s->app, MHD_OPTION_END);
	if (s->mhd)
		s->acceptor = http_accept_start(s->mhd, lfd, limit, &s->open);
	if (!s->acceptor) {
		if (s->mhd)
			MHD_stop_daemon(s->mhd);
		close(lfd);
		app_stop(&s->app);
		free(s);
		return wq_fail(eb, WQ_EIO, "http_port", "cannot serve on %s:%d", cfg->bind,
			       cfg->http_port);
	}
	if (cfg->public_url[0])
		snprintf(s->app.base_url, sizeof s->app.base_url, "%s", cfg->public_url);
	else
		snprintf(s->app.base_url, sizeof s->app.base_url, "http://%s%s%s:%d",
			 sa->sa_family == AF_INET6 ? "[" : "",
			 !strcmp(cfg->bind, "0.0.0.0") ? "127.0.0.1"
			 : !strcmp(cfg->bind, "::")    ? "::1"
						       : cfg->bind,
			 sa->sa_family == AF_INET6 ? "]" : "", port);
	if ((rc = notify_start(cfg, s->app.group, &s->notifier, eb))) {
		http_accept_stop(s->acceptor);
		MHD_stop_daemon(s->mhd);
		app_stop(&s->app);
		free(s);
		return rc;
	}
	if (slow_watch_start(s->app.watch))
		log_event(LOG_LEVEL_WARNING, "error",
			  "http: no watchdog thread: slow requests are not cut");
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
	/* the calls out and then the writes queued are done and their connections
	 * resumed (later ones are refused at once): MHD stops with none suspended */
	http_offload_drain(s->app.offload);
	db_group_drain(s->app.group);
	http_accept_stop(s->acceptor);
	MHD_stop_daemon(s->mhd);
	http_offload_stop(s->app.offload);
	db_group_stop(s->app.group);
	slow_watch_free(s->app.watch);
	validate_free(s->app.val);
	country_free(&s->app.countries);
	free(s->app.layout);
	http_rate_free(s->app.rate);
	free(s);
}
