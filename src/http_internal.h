/* http_internal.h - what the src/http_*.c files share: the server's read-only state,
 * one request's context, the route handlers, the page texts in Arabic and French.
 * Not for use outside the web side. */
#ifndef WQ_HTTP_INTERNAL_H
#define WQ_HTTP_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "config.h"
#include "country.h"
#include "db.h"
#include "db_group.h"
#include "fee.h"
#include "http_buf.h"
#include "http_form.h"
#include "lines.h"
#include "request.h"
#include "validate.h"

#define CSRF_MAX_AGE_SECONDS	(2 * 3600)
#define HTTP_TIMEOUT_SECONDS	30	/* idle: MHD's own connection timeout */
/* a whole request (headers and body) must arrive within this many seconds of the
 * connection's start or of its previous answer, however it trickles (slowloris) */
#define HTTP_REQUEST_READ_SECONDS 20
/* A body declared longer than MAX_BODY_BYTES, up to this, is read and dropped before
 * the 413 (http_access): the client then reads its answer instead of a reset */
#define HTTP_DRAIN_BYTES (4 << 20)
/* connections one client address may hold at once (several citizens behind one
 * carrier NAT share an address: far above what one browser opens) */
#define HTTP_CONNECTIONS_PER_ADDRESS 64
/* libmicrohttpd's memory pool per connection: request line and headers, response
 * headers (a body goes to the handler in pieces, a page is sent from its own buffer).
 * It zeroes the pool between two requests on a connection and half of it again once
 * the headers are read: at 64 KB that was 96 KB of memset per page, 4 % of a tracking
 * page's time (bench/README.md section 20); a browser's request is under 2 KB */
#define HTTP_CONN_MEMORY_BYTES	(16 * 1024)
#define PAGE_MAX_BYTES		(20 * 1024)
/* a list of places is drawn in parts of at most this many bytes of <option>s, so that
 * the order form stays under PAGE_MAX_BYTES however large the network: communes in
 * parts of PLACE_LIST_MAX_BYTES (the form also carries a part of the delivery
 * countries' list, http_country.c), provinces of PLACE_PROVINCE_MAX_BYTES; up to PLACE_FLAT_MAX_COMMUNES communes
 * in one part: one list, no province */
#define PLACE_LIST_MAX_BYTES	(8 * 1024)
#define PLACE_PROVINCE_MAX_BYTES (8 * 1024)
#define PLACE_FLAT_MAX_COMMUNES	60

struct http_rate;
struct slow_watch;
struct notifier;
struct http_acceptor;
struct http_offload;

/* Built by http_server_start, read-only afterwards (shared by the worker threads). */
struct http_app {
	struct config cfg;
	struct validator *val;
	struct fee_table fees;
	struct country_table countries; /* etc/countries.conf: where documents may go */
	char *layout;		/* etc/web/layout.html */
	char csrf_key[65];	/* from the server key: a form outlives a restart */
	char base_url[320];	/* how the citizen's browser and the gateway reach us */
	char gateway_origin[256];
	char csp[600];
	unsigned char server_key[32]; /* secret codes are HMACs under it (server_key.h) */
	struct http_rate *rate;
	struct slow_watch *watch; /* cuts requests that trickle in (http_guard.c) */
	pthread_key_t db_key;	/* each worker thread's own connection */
	struct db_group *group;	/* orders and payments: one fsync per group (db_group.h) */
	struct http_offload *offload; /* the gateway's calls, off the workers (http_offload.c) */
};

/* One HTTP request, from its first byte to its response. */
struct http_ctx {
	struct http_app *app;
	struct MHD_Connection *conn;
	const char *method, *url;
	char addr[64];
	char lang[3];
	struct buf body_in;
	int too_big;
	struct form form; /* the decoded body (POST) */
	struct db *db;	  /* the thread's connection, opened on first use */
	/* response */
	int status;
	struct buf out;
	const char *ctype;
	char location[2048];
	char csrf_nonce[40]; /* the nonce cookie this response sets, if new */
	char csrf_tok[96];   /* the page's CSRF token, once made (http_csrf_field) */
	char cookies[3][320];
	int ncookies;
	char allow[64]; /* the Allow header of a 405 */
	int retry_after; /* seconds, for a 429 held back by wrong secret codes */
	int plain_switch; /* the language switch drops the query (a page that must not
			   * depend on what was asked: /paid for a stranger) */
	/* a corrected address refused, drawn again with its errors (http_citizen.c) */
	const struct address_input *resend;
	/* a write left to the group commit (http_group_write): the connection is
	 * suspended until it is on disk, then answer() draws the response; later is the
	 * handler's state for it (one allocation, freed with the request) */
	struct db_group_job job;
	int (*answer)(struct http_ctx *c, int rc, struct wq_errbuf *eb);
	void *later;
	/* a call out left to http_offload: run by its thread, then answer() as above */
	int (*offload_fn)(struct http_ctx *c, struct wq_errbuf *eb);
	struct http_ctx *offload_next;
};

/* ---- texts (http_text.c) ---- */
enum txt {
	T_SITE, T_NAV_ORDER, T_NAV_TRACK, T_SWITCH, T_ORDER_TITLE, T_ORDER_INTRO,
	T_SEC_DOC, T_SEC_RECORD, T_SEC_PERSON, T_SEC_DELIVERY,
	T_DOC_TYPE, T_EXTRACT, T_FULL_COPY, T_COPIES, T_COMMUNE, T_CHOOSE, T_RECORD_NUMBER,
	T_RECORD_YEAR, T_LAST_NAME_AR, T_FIRST_NAME_AR, T_LAST_NAME_LAT, T_FIRST_NAME_LAT,
	T_BIRTH_DATE, T_CIN, T_ADDRESS, T_POSTAL_CODE, T_CITY, T_PHONE, T_EMAIL,
	T_E_REQUIRED, T_E_DOC_TYPE, T_E_COPIES, T_E_COMMUNE, T_E_RECORD_NUMBER, T_E_RECORD_YEAR,
	T_E_NAME_AR, T_E_NAME_LAT, T_E_BIRTH_DATE, T_E_CIN, T_E_ADDRESS, T_E_POSTAL_CODE,
	T_E_CITY, T_E_PHONE, T_E_EMAIL, T_E_TOO_LONG, T_E_TRACKING, T_E_SECRET, T_E_COMPLAINT,
	T_FORM_ERRORS, T_CONTINUE, T_REVIEW_TITLE, T_FEE, T_MAD, T_PAY, T_EDIT, T_PAY_NOTE,
	T_FEE_TABLE, T_PAID_TITLE, T_TRACKING, T_SECRET, T_KEEP, T_DECLINED_TITLE,
	T_DECLINED_TEXT, T_RETRY, T_PENDING_TITLE, T_PENDING_TEXT, T_EXPIRES, T_SEE_TRACKING,
	T_TRACK_TITLE, T_TRACK_BTN, T_STATE, T_HISTORY, T_MAIL_CODE, T_NOT_FOUND, T_DATE,
	T_TIME_ZONE,
	T_COMPLAINT_TITLE, T_COMPLAINT_FIELD, T_COMPLAINT_SENT, T_COMPLAINT_TOO_MANY,
	T_COMPLAINTS, T_SEND, T_ANSWER, T_CSRF, T_RATE, T_BAD_INPUT, T_UTF8, T_TOO_BIG,
	T_NO_PAGE, T_ERROR, T_BUSY, T_GATEWAY_DOWN, T_SUMMARY, T_NO_SECRET, T_REJECT_REASON,
	T_PROVINCE, T_PROVINCE_FIRST, T_E_PROVINCE, T_SHOW_COMMUNES, T_CHANGE_PROVINCE,
	T_LIST_PREV, T_LIST_NEXT, T_LIST_PART,
	T_REFUND, T_CANCEL_TITLE, T_CANCEL_TEXT, T_CANCEL_CONFIRM, T_CANCEL_BTN, T_CANCELLED,
	T_CANCEL_TOO_LATE, T_CANCEL_NOT_PAID, T_E_CONFIRM, T_METHOD_TITLE, T_METHOD,
	T_TOO_MANY_TRIES, T_E_PHONE_UNPAID, T_PAID_ELSEWHERE,
	T_RETURN_REASON, T_RETURNED_TITLE, T_RETURNED_TEXT, T_CHOICE_COLLECT, T_CHOICE_REFUND,
	T_CHOOSE_BTN, T_CHOSEN_COLLECT, T_CHOSEN_REFUND, T_CHOICE_TOO_LATE, T_E_CHOICE,
	T_TO_COLLECT_TEXT, T_DEADLINE, T_CHOICE_RESEND, T_RESEND_POSTAGE, T_RESEND_PAID,
	T_RD_TITLE, T_RD_ADDRESS, T_RD_POSTAGE, T_RD_UNPAID, T_RD_PAID_ON, T_RD_READY, T_RD_CODE,
	T_POSTAGE_REFUND,
	T_VERIFY_TITLE, T_VERIFY_INTRO, T_VERIFY_CODE, T_VERIFY_BTN, T_E_VERIFY_CODE,
	T_VERIFY_UNKNOWN, T_VERIFY_VALID, T_VERIFY_NOT_VALID, T_VERIFY_OFFICE, T_VERIFY_ISSUED,
	T_VERIFY_INITIALS, T_VERIFY_WHY, T_VERIFY_REFUNDED, T_VERIFY_TOO_MANY, T_VERIFY_ONLY,
	T_OFFICE, T_OFFICE_UNKNOWN, T_E_OFFICE,
	T_COUNTRY, T_E_COUNTRY, T_E_POSTAL_ABROAD, T_E_POSTAL_INTL, T_E_PHONE_ABROAD,
	T_E_PHONE_INTL, T_POSTAGE, T_COUNTRY_MORE,
	/* an order's lines (http_lines.c) */
	T_SEC_DOCS, T_LINES_HINT, T_E_NO_LINE, T_E_LINES_MANY, T_E_LINE_TWICE, T_E_LINES_BOTH,
	T_E_LINES_LIST, T_TOTAL, T_LINE_FEE, T_LINE_REJECTED, T_COPIES_SHORT,
	T_COUNT
};
const char *tr(const struct http_ctx *c, enum txt t);
const char *tr_lang(const char *lang, enum txt t);

/* ---- routing (http_route.c) ---- */
/* 1 if some route answers at path (whatever the method). */
int http_route_known(const char *path);
/* The methods path answers, "GET, HEAD" or "POST", into out; 0 if none. */
int http_route_allow(const char *path, char *out, size_t len);
int http_is_api(const char *url);
/* Routes a request whose body has been read, runs its handler, queues the response. */
enum MHD_Result http_dispatch(struct http_ctx *c);
/* The response of a request whose handler left its write to the group commit
 * (http_group_write) or its call out to http_offload: its answer(), then the
 * response queued. */
enum MHD_Result http_dispatch_answer(struct http_ctx *c);
/* Answers at once with one message (429, 413): a page, or JSON under /api/. */
enum MHD_Result http_fail_early(struct http_ctx *c, int status, enum txt t, int api);

/* ---- calls out, off the workers (http_offload.c) ---- */
struct http_offload *http_offload_start(void); /* NULL if no thread could start */
/* Runs what is queued, then stops: later calls are answered at once (WQ_EBUSY).
 * Before the group's drain (the work may write through it) and MHD_stop_daemon. */
void http_offload_drain(struct http_offload *o);
void http_offload_stop(struct http_offload *o);
/* fn(c, eb) on an offload thread without holding this worker (its other connections
 * go on): the connection is suspended, and answer(c, rc, eb) draws the response once
 * fn returned rc.  fn's state lives in c->later; its http_db(c) is its thread's. */
int http_offload(struct http_ctx *c, int (*fn)(struct http_ctx *c, struct wq_errbuf *eb),
		 int (*answer)(struct http_ctx *c, int rc, struct wq_errbuf *eb));

/* ---- accepting (http_accept.c) ---- */
/* A listening TCP socket bound to sa (*port: the port bound, sa's own or the one the
 * kernel chose for 0), or -1. */
int http_listen(const struct sockaddr *sa, socklen_t len, int *port);
/* A thread accepting on fd, handing connections to mhd (started with
 * MHD_USE_NO_LISTEN_SOCKET) while *open (its connections started and not closed) is
 * under limit; NULL if none could start. */
struct http_acceptor *http_accept_start(struct MHD_Daemon *mhd, int fd, unsigned limit,
				       atomic_uint *open);
/* Stops accepting and closes the socket; before MHD_stop_daemon. */
void http_accept_stop(struct http_acceptor *a);

/* ---- guards (http_guard.c) ---- */
/* The source a limit counts: the IPv4 address, or the /64 of an IPv6 one
 * ("2001:db8:1:2::/64"); an IPv4-mapped IPv6 address is its IPv4 address. */
void http_source_of(const char *addr, char *out, size_t len);
/* The client's address of conn, as text ("?" if unknown). */
void http_client_addr(struct MHD_Connection *conn, char *out, size_t len);
struct http_rate *http_rate_new(int per_minute); /* per_minute 0: no limit */
void http_rate_free(struct http_rate *r);
/* 1 if the source of addr may send one more request this minute (and counts it). */
int http_rate_allow(struct http_rate *r, const char *addr);
struct slow_watch *slow_watch_new(void);
int slow_watch_start(struct slow_watch *w); /* 0, or -1 without a watchdog thread */
void slow_watch_free(struct slow_watch *w); /* stops the watchdog; after MHD stopped */
/* MHD_OPTION_NOTIFY_CONNECTION callback (cls: the slow_watch). */
void slow_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		 enum MHD_ConnectionNotificationCode code);
/* The request on conn has been read (reading 0) or answered (1: the next may come). */
void slow_mark(struct slow_watch *w, struct MHD_Connection *conn, int reading);

/* ---- server plumbing (http_server.c) ---- */
/* The thread's database connection; NULL (and a 500 page queued) if it cannot open. */
struct db *http_db(struct http_ctx *c);
/* fn(db, arg) in the next group commit without holding this worker thread (its other
 * connections go on): the handler returns at once, and answer(c, rc, eb) draws the
 * response once the write is on disk or failed.  arg lives in c->later. */
int http_group_write(struct http_ctx *c, db_group_fn fn, void *arg,
		     int (*answer)(struct http_ctx *c, int rc, struct wq_errbuf *eb));
/* A query argument or a body field (body first); NULL if absent. */
const char *http_arg(struct http_ctx *c, const char *key);
const char *http_cookie(struct http_ctx *c, const char *name);
void http_set_cookie(struct http_ctx *c, const char *name, const char *value, int max_age);
void http_redirect(struct http_ctx *c, const char *location);
/* CSRF: a hidden input for the form being drawn (sets the nonce cookie when absent),
 * and the check of a posted form. */
void http_csrf_field(struct http_ctx *c);
int http_csrf_ok(struct http_ctx *c);

/* ---- pages (http_page.c) ---- */
void page_begin(struct http_ctx *c, const char *title);
void page_end(struct http_ctx *c);
/* A whole page holding one message (errors, "not found"). */
int page_message(struct http_ctx *c, int status, const char *title, const char *text);
void page_hidden(struct http_ctx *c, const char *name, const char *value);
/* Sends a JSON body (already built in c->out). */
int api_reply(struct http_ctx *c, int status);
int api_error(struct http_ctx *c, int status, const char *code, const char *message);

/* ---- handlers ---- */
int order_form(struct http_ctx *c);	/* GET / */
int order_review(struct http_ctx *c);	/* POST /order */
int order_confirm(struct http_ctx *c);	/* POST /order/confirm */
int pay_again(struct http_ctx *c);	/* POST /pay */
int pay_return(struct http_ctx *c);	/* GET /paid */
int pay_callback(struct http_ctx *c);	/* POST /api/v1/payments/callback */
/* The payment of r's order (postage_order: a re-dispatch's, else r's fee) found and
 * recorded: txn when a signed callback announced it, else the gateway asked about the
 * order (payment.h step 6).  1 if it is now paid (r read again), else 0.  Asks the
 * gateway: off the workers only (an offload thread). */
int pay_find_paid(struct http_ctx *c, struct request *r, const char *postage_order,
		  const char *txn);
int track_form(struct http_ctx *c);	/* GET /track */
int track_show(struct http_ctx *c);	/* POST /track */
int complaint_submit(struct http_ctx *c); /* POST /complaint */
int cancel_submit(struct http_ctx *c);	/* POST /cancel */
int returned_submit(struct http_ctx *c); /* POST /returned */
int api_communes(struct http_ctx *c);	/* GET /api/v1/communes[?province=CODE] */
int api_provinces(struct http_ctx *c);
int api_fee(struct http_ctx *c);
int api_order(struct http_ctx *c);
int api_track(struct http_ctx *c);
int api_complaint(struct http_ctx *c);
int api_cancel(struct http_ctx *c);	/* POST /api/v1/cancel */
int api_returned(struct http_ctx *c);	/* POST /api/v1/returned */
int verify_form(struct http_ctx *c);	/* GET /verify */
int verify_show(struct http_ctx *c);	/* POST /verify */
int api_verify(struct http_ctx *c);	/* POST /api/v1/verify */

/* ---- the birth place: province, then commune (http_place.c) ---- */
enum place_step { PLACE_FORM = 0, PLACE_PROVINCE_FIRST = 1 };
/* GET of the order form: PLACE_PROVINCE_FIRST when the network is too large for one
 * commune list and no province is chosen yet (draw place_province_form() instead of
 * the form), PLACE_FORM otherwise, a negative value when the network cannot be read. */
int place_step(struct http_ctx *c);
/* The first step on a large network: a GET form choosing the province.  WQ_OK, or a
 * WQ_* code when the network cannot be read (nothing useful drawn). */
int place_province_form(struct http_ctx *c);
/* 1 when a posted order form only asks for another view of the place lists (change
 * of province, next part of a list): redraw it with the input kept, check nothing. */
int place_navigating(struct http_ctx *c);
/* The commune field of the order form: the lists, the province shown, the error
 * next to them.  WQ_OK, or a WQ_* code when the network cannot be read. */
int place_field(struct http_ctx *c, const char *name, const char *commune, enum txt err);
/* The record's office, where the birth commune has several: a list of those offices
 * (of the chosen commune, else of every commune the form lists) with "I don't know"
 * first (the commune's central office decides); nothing where no commune has several.
 * WQ_OK, or a WQ_* code when the network cannot be read. */
int place_office_field(struct http_ctx *c, const char *name, const char *commune,
		       const char *office, enum txt err);
/* "part 2 of 5" and the submit buttons (named pager, value the part) to the part before
 * and after (labelled `next`, id "more-PAGER") of a list drawn in parts. */
void list_pager(struct http_ctx *c, const char *pager, int part, int parts, enum txt next);

/* ---- shared between the HTML and JSON handlers (http_order.c, http_payment.c) ---- */
#define ORDER_FIELD_MAX 20
struct request;
/* Where some of the order form's fields are in its table (http_order.c). */
enum {
	F_COMMUNE, F_OFFICE, F_RECNUM, F_RECYEAR, F_BIRTH = 8, F_COUNTRY = 10, F_POSTAL = 12,
	F_PHONE = 14
};
struct order_input {
	char val[ORDER_FIELD_MAX][ADDRESS_MAX_BYTES];
	enum txt err[ORDER_FIELD_MAX]; /* T_COUNT: no error */
	char hint[ORDER_FIELD_MAX][40]; /* what the error's %s shows: "75011" */
	int nerr;
	int api;		  /* set by the caller: read as the API (lines.h) */
	/* set by the caller: the commune (when no office is chosen) is left to the write
	 * that follows, which reads it under its lock anyway (request_create: the
	 * commune's office), instead of a read transaction of its own on the worker */
	int commune_later;
	struct lines_input lines; /* the documents, with their errors */
};
/* http_lines.c: an order's documents (lines.h) on the form, the review page and in
 * the API.  order_lines_read: the lines of the submission (form: the boxes), their
 * number of errors. */
int order_lines_read(struct http_ctx *c, struct lines_input *li, int form);
/* The form's "documents" section: a box and a copies list per document type, as
 * submitted (li NULL: a fresh form, the extract ticked), each error under its field. */
void order_lines_draw(struct http_ctx *c, const struct lines_input *li);
void order_lines_hidden(struct http_ctx *c, const struct lines_input *li);
/* The review page's table of the lines, each fee, and the total (postage included). */
void order_lines_review(struct http_ctx *c, const struct request *r, int64_t postage);
/* ,"field":"text" for each line error (*n: how many written before, counted on). */
void order_lines_api_errors(struct http_ctx *c, const struct lines_input *li, int *n);
/* ,"lines":[...]: each line with its fee, state and refund (refunds: the request's). */
struct refund;
void order_lines_json(struct http_ctx *c, const struct request *r, const struct refund *f,
		      int nf);
/* The tracking page's table of the documents: each one's state and refund. */
void order_lines_track(struct http_ctx *c, const struct request *r, const struct refund *f,
		       int nf);
/* The sentence of field i's error, its example filled in. */
const char *order_error_text(struct http_ctx *c, const struct order_input *in, int i,
			     char *buf, size_t len);
/* http_country.c: the delivery country's list, and the checks that depend on the
 * country (postal code, phone number in E.164) of fields f_country, f_postal, f_phone,
 * setting r->country, r->postal_code and r->phone. */
void country_field(struct http_ctx *c, const char *name, const char *cur, const char *attrs);
/* 1 when a posted order form only asks for another part of the countries' list. */
int country_navigating(struct http_ctx *c);
void order_check_delivery(struct http_ctx *c, struct order_input *in, int f_country,
			  int f_postal, int f_phone, struct request *r);
int order_field_count(void);
const char *order_field_name(int i);
/* Field i with its label, the value typed and its error (in NULL: empty). */
int order_field_draw(struct http_ctx *c, int i, const struct order_input *in);
/* Every field as a hidden input (the review page carries the order to confirm). */
void order_hidden_fields(struct http_ctx *c, const struct order_input *in);
/* Reads, normalises and checks every field; fills r when there is no error. */
int order_validate(struct http_ctx *c, struct order_input *in, struct request *r);
/* The delivery address alone (a returned envelope sent again): address, postal_code,
 * city read, normalised and checked as the order form does (the postal code by the
 * pattern of the order's delivery country), each with its error. */
#define ADDRESS_FIELDS 3
struct address_input {
	struct order_input in;		/* the order form's fields, these three filled */
	int idx[ADDRESS_FIELDS];	/* where each is in it */
	const char *name[ADDRESS_FIELDS];
};
/* The number of bad fields; r's address, postal_code, city and country filled. */
int order_address_validate(struct http_ctx *c, const char *country, struct address_input *in,
			   struct request *r);
/* The sentence of field k's error (buf holds it), NULL when the field is good. */
const char *order_address_error(struct http_ctx *c, const struct address_input *in, int k,
				char *buf, size_t len);
/* The three inputs with their labels, the values typed and the errors (in NULL: empty). */
void order_address_fields(struct http_ctx *c, const struct address_input *in);
/* An order on its way to the group commit: the form read (in, r), then the request
 * created (r's tracking number and id, the citizen's secret code). */
struct order_later {
	struct order_input in;
	struct request r;
	char secret[SECRET_CODE_BYTES];
	const unsigned char *key;
	int max_unpaid;
};
/* A new one, as c->later (freed with the request); NULL when out of memory. */
struct order_later *order_later_new(struct http_ctx *c);
/* Creates l->r in the next group commit; answer(c, rc, eb) draws the response once it
 * is on disk (rc WQ_OK: l->r and l->secret filled, pay_checkout_url gives the gateway's
 * URL) or refused. */
int order_create_later(struct http_ctx *c, struct order_later *l,
		       int (*answer)(struct http_ctx *c, int rc, struct wq_errbuf *eb));
/* The gateway checkout URL for a request (payment.c signs it). */
void pay_checkout_url(struct http_ctx *c, const struct request *r, struct buf *url);
/* Tracking number + secret code from a form or JSON; WQ_OK and r filled, or an error
 * with the field in eb. */
int track_lookup(struct http_ctx *c, const char *tracking, const char *secret,
		 struct request *r, struct wq_errbuf *eb);
/* The same, and on WQ_OK the lookup's read transaction is left open for track_page(),
 * which reads in it and ends it (nothing may write on this connection in between). */
int track_lookup_open(struct http_ctx *c, const char *tracking, const char *secret,
		      struct request *r, struct wq_errbuf *eb);
/* The HTTP status of a track_lookup() failure: 422 (malformed), 404 (unknown number or
 * wrong code), 429 (held back after wrong codes: c->retry_after set), 503. */
int track_status(const struct http_ctx *c, int rc);
/* The tracking page of r (secret: the code the forms carry on), with a complaint being
 * written and its error, and a notice on top (T_COUNT: none). */
void track_page(struct http_ctx *c, const struct request *r, const char *secret,
		const char *complaint, enum txt complaint_err, enum txt notice);
/* Wrong codes from one source (an IPv4 address, an IPv6 /64), counted per action in
 * anon_failures: 1 when the source has had SECRET_FAILS_PER_SOURCE of `action` within
 * SECRET_SOURCE_WINDOW_SECONDS (held back, whatever it asks next); one more failure. */
int source_held_back(struct http_ctx *c, const char *action);
void source_failed(struct http_ctx *c, const char *action, const char *sample);
/* The secret code as the forms carry it on: normalised, upper case. */
void track_secret_form(const char *k, char *out, size_t len);
/* <p class="err" id="e-FIELD">msg</p> next to a field. */
void track_field_error(struct http_ctx *c, const char *field, const char *msg);
/* A labelled one-line code field (tracking number, secret or verification code: left to
 * right, its value kept) with its error under it when eb names it; attrs ends in a space. */
void page_code_input(struct http_ctx *c, const char *name, const char *label, int maxlength,
		     const char *attrs, const char *value, const struct wq_errbuf *eb);
/* http_citizen.c: the refund box, the forms of the citizen's own actions for r's
 * state (with the error the notice names), and whether a notice is good news. */
/* Every refund of the order as one (the sum; refused if any is, else the least advanced
 * state; the latest date): 1 and *out filled, 0 when nothing was refunded. */
struct refund;
int citizen_refund_sum(struct http_ctx *c, const struct request *r, struct refund *out);
/* That sum's box on the tracking page, from the order's refunds (f, n) already read. */
void citizen_refund_box(struct http_ctx *c, const struct refund *f, int n);
/* One refund's line (amount, state, date) under the label `what`, its ids prefixed
 * with id ("refund": #refund, #refund_amount, #refund_state, #refund_date). */
void citizen_refund_line(struct http_ctx *c, const struct refund *f, enum txt what,
			 const char *id);
/* http_redispatch.c: a returned envelope sent again to a corrected address, on the
 * tracking page and in the API's track answer (",\"redispatch\":{...}" or null). */
void redispatch_box(struct http_ctx *c, const struct request *r);
void redispatch_json(struct http_ctx *c, const struct request *r);
/* A refund as the API writes it: ",\"KEY\":{state, label, amount, date}" (http_api.c). */
void api_refund_obj(struct http_ctx *c, const char *key, const struct refund *f);
void citizen_forms(struct http_ctx *c, const struct request *r, const char *secret,
		   enum txt notice);
int citizen_notice_good(enum txt notice);
/* The citizen cancels the request track_lookup() found: WQ_OK, or WQ_ECONFLICT with
 * *why the sentence to show (claimed already, or not a paid request). */
int track_cancel(struct http_ctx *c, const struct request *r, enum txt *why,
		 struct wq_errbuf *eb);
/* The citizen's choice for an envelope back from the post ("collect" or "refund"):
 * WQ_OK, WQ_EINVAL for another choice, or WQ_ECONFLICT with *why when the envelope is
 * no longer waiting for a choice. */
int track_returned(struct http_ctx *c, const struct request *r, const char *choice,
		   enum txt *why, struct wq_errbuf *eb);
/* Or "resend": the corrected address read from the submission into in, and the
 * re-dispatch waiting for its postage in d: WQ_OK, WQ_EINVAL (in names the bad fields),
 * or WQ_ECONFLICT with *why. */
struct redispatch;
int track_resend(struct http_ctx *c, const struct request *r, struct address_input *in,
		 struct redispatch *d, enum txt *why, struct wq_errbuf *eb);
/* The gateway checkout URL for a re-dispatch's postage (its own order). */
void pay_postage_url(struct http_ctx *c, const struct redispatch *d, struct buf *url);

#endif
