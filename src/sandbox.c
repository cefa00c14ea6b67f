/* sandbox.c - `watiqa sandbox`: the outside world on loopback, so `make run` and the
 * tests drive the real libcurl code paths.  One libmicrohttpd server (a thread per
 * connection, so a callback to Watiqa can be confirmed by Watiqa while it waits) with:
 *
 *  Payment gateway (protocol: the comment at the top of payment.h)
 *    GET  /pay?merchant&order&amount&currency&return&callback&ts&sig   card form
 *    POST /pay   card number -> txn; test cards:
 *                4000000000000002 paid, 4000000000000010 declined,
 *                4000000000000028 never answers (stays pending, no callback, no return)
 *                4000000000000036 paid, but its refunds are refused (402)
 *                4000000000000044 paid, but the first refund call of each key times
 *                                 out (the refund is made, the answer comes after
 *                                 SBX_REFUND_SLOW_SECONDS, past our timeout)
 *                then: signed callback POST to `callback` (3 tries), 303 to `return`
 *    GET  /api/txn?merchant&txn&ts&sig    server-to-server confirmation (JSON)
 *    GET  /api/order?merchant&order&ts&sig  inquiry: the order's first paid txn (JSON)
 *    POST /api/refund merchant&txn&amount&key&ts&sig   refund (idempotent on key)
 *    POST /sandbox/unblock  txn=TXN       the bank of 4000000000000036 accepts that
 *                                         payment's refunds from now on
 *    GET  /sandbox/refunds                every refund made:
 *                                         "key<TAB>txn<TAB>amount<TAB>refund<TAB>calls"
 *    GET  /sandbox/callbacks              every callback sent: "url<TAB>body" lines
 *    GET  /sandbox/confirms               every confirmation asked: "txn<TAB>answer"
 *                                         lines, inquiries as "order ORDER<TAB>txn|none"
 *    POST /sandbox/confirm_fail  on=1|0   confirmations and inquiries answer 503 while on (the
 *                                         gateway's API down, its card form still up)
 *  SMS / e-mail gateway
 *    POST /sms  channel&to&body&ref       200, or 503 while failing
 *    GET  /sms/log                        "channel<TAB>to<TAB>ref<TAB>body" lines
 *    POST /sms/fail  on=1|0               start/stop failing (env WATIQA_SANDBOX_SMS_FAIL=1
 *                                         starts failing)
 *  Post tracking
 *    GET  /post/track/CODE                {"code":..,"status":"in_transit|delivered|returned"}
 *    POST /post/track/CODE  status=...    sets it
 * State lives in memory; nothing here touches the database. */
#include <curl/curl.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_buf.h"
#include "http_form.h"
#include "limits.h"
#include "log.h"
#include "payment.h"
#include "sandbox.h"
#include "util.h"

#define SBX_MAX_TXN 4096
#define SBX_MAX_LOG 2000
#define SBX_MAX_POST 256
#define SBX_MAX_REFUNDS 4096
#define SBX_REFUND_SLOW_SECONDS 8

struct sbx_txn {
	char txn[32], order[24], status[12];
	int64_t amount;
	char card[20];
};

struct sbx_refund {
	char key[72], txn[32], id[32];
	int64_t amount;
	int calls;
};

static struct {
	const struct config *cfg;
	pthread_mutex_t mu;
	struct sbx_txn txn[SBX_MAX_TXN];
	int ntxn;
	char *sms[SBX_MAX_LOG];
	int nsms;
	char *callbacks[SBX_MAX_LOG];
	int ncallbacks;
	char *confirms[SBX_MAX_LOG];
	int nconfirms;
	int sms_fail;
	int confirm_fail;
	struct sbx_refund refunds[SBX_MAX_REFUNDS];
	int nrefunds;
	struct {
		char code[24], status[16];
	} post[SBX_MAX_POST];
	int npost;
} sbx = {.mu = PTHREAD_MUTEX_INITIALIZER};

struct sbx_req {
	struct buf body;
	struct form form;
	int too_big;
};

static const char *arg(struct MHD_Connection *conn, struct sbx_req *r, const char *k)
{
	const char *v = form_get(&r->form, k);
	return v ? v : MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, k);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *ctype,
			     const char *body, const char *location)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (location)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
	enum MHD_Result ok = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static void log_line(char **log, int *n, const char *line)
{
	if (*n < SBX_MAX_LOG)
		log[(*n)++] = strdup(line);
}

static void dump_log(struct buf *out, char **log, int n)
{
	for (int i = 0; i < n; i++) {
		buf_puts(out, log[i]);
		buf_puts(out, "\n");
	}
}

/* ---- payment ---- */
static int checkout_valid(struct MHD_Connection *c, struct sbx_req *r)
{
	const char *parts[] = {"checkout",	   arg(c, r, "merchant"), arg(c, r, "order"),
			       arg(c, r, "amount"), arg(c, r, "currency"), arg(c, r, "return"),
			       arg(c, r, "callback"), arg(c, r, "ts")};
	for (int i = 1; i < 8; i++)
		if (!parts[i])
			return 0;
	if (strcmp(parts[1], sbx.cfg->gateway_merchant))
		return 0;
	char want[65];
	payment_sign(sbx.cfg->gateway_secret, parts, 8, want);
	return payment_sig_equal(want, arg(c, r, "sig"));
}

static enum MHD_Result pay_page(struct MHD_Connection *c, struct sbx_req *r, const char *msg)
{
	static const char *const keep[] = {"merchant", "order", "amount", "currency",
					   "return",   "callback", "ts", "sig"};
	struct buf b;
	buf_init(&b);
	char amount[24];
	wq_fmt_money(strtoll(arg(c, r, "amount"), NULL, 10), amount, sizeof amount);
	buf_puts(&b, "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		     "<title>Sandbox Bank — paiement</title></head><body>"
		     "<h1>Sandbox Bank</h1><p>Commande <b id=\"order\">");
	buf_html(&b, arg(c, r, "order"));
	buf_puts(&b, "</b> — montant <b id=\"amount\">");
	buf_html(&b, amount);
	buf_puts(&b, " MAD</b></p>");
	if (msg) {
		buf_puts(&b, "<p id=\"msg\">");
		buf_html(&b, msg);
		buf_puts(&b, "</p>");
	}
	buf_puts(&b, "<form method=\"post\" action=\"/pay\">");
	for (int i = 0; i < 8; i++) {
		buf_printf(&b, "<input type=\"hidden\" name=\"%s\" value=\"", keep[i]);
		buf_html(&b, arg(c, r, keep[i]));
		buf_puts(&b, "\">");
	}
	buf_puts(&b, "<label>Numéro de carte <input id=\"card\" name=\"card\" "
		     "inputmode=\"numeric\" value=\"\"></label><br>"
		     "<label>Expiration <input id=\"exp\" name=\"exp\" value=\"12/30\"></label><br>"
		     "<label>CVV <input id=\"cvv\" name=\"cvv\" value=\"123\"></label><br>"
		     "<button id=\"paybtn\" type=\"submit\">Payer</button></form>"
		     "<p>Cartes de test : 4000000000000002 acceptée, 4000000000000010 refusée, "
		     "4000000000000028 sans réponse, 4000000000000036 remboursements refusés, "
		     "4000000000000044 remboursement lent.</p></body></html>");
	enum MHD_Result ok = reply(c, 200, "text/html; charset=utf-8", buf_str(&b), NULL);
	buf_free(&b);
	return ok;
}

static size_t sink(char *d, size_t s, size_t n, void *u)
{
	(void)d, (void)u;
	return s * n;
}

static void send_callback(const char *url, const struct sbx_txn *t)
{
	char amount[24], ts[24], sig[65];
	snprintf(amount, sizeof amount, "%" PRId64, t->amount);
	snprintf(ts, sizeof ts, "%" PRId64, wq_now());
	const char *parts[] = {"callback", t->txn, t->order, amount, t->status, ts};
	payment_sign(sbx.cfg->gateway_secret, parts, 6, sig);
	struct buf body;
	buf_init(&body);
	buf_printf(&body, "txn=%s&order=", t->txn);
	buf_url(&body, t->order);
	buf_printf(&body, "&amount=%s&status=%s&ts=%s&sig=%s", amount, t->status, ts, sig);
	pthread_mutex_lock(&sbx.mu);
	struct buf line;
	buf_init(&line);
	buf_printf(&line, "%s\t%s", url, buf_str(&body));
	log_line(sbx.callbacks, &sbx.ncallbacks, buf_str(&line));
	buf_free(&line);
	pthread_mutex_unlock(&sbx.mu);
	for (int attempt = 0; attempt < 3; attempt++) {
		CURL *h = curl_easy_init();
		if (!h)
			break;
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, buf_str(&body));
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
		CURLcode cc = curl_easy_perform(h);
		long code = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_cleanup(h);
		if (cc == CURLE_OK && code >= 200 && code < 300)
			break;
		log_event(LOG_LEVEL_WARNING, "error", "sandbox: callback %s answered %ld (%s)", url,
			  code, curl_easy_strerror(cc));
		if (cc == CURLE_OK && code >= 400 && code < 500)
			break; /* refused: retrying will not change that */
		sleep(1);
	}
	buf_free(&body);
}

static enum MHD_Result pay_submit(struct MHD_Connection *c, struct sbx_req *r)
{
	if (!checkout_valid(c, r))
		return reply(c, 400, "text/plain", "bad checkout signature\n", NULL);
	const char *card = arg(c, r, "card");
	struct sbx_txn t;
	memset(&t, 0, sizeof t);
	if (card && (!strcmp(card, "4000000000000002") || !strcmp(card, "4000000000000036") ||
		     !strcmp(card, "4000000000000044")))
		strcpy(t.status, "paid");
	else if (card && !strcmp(card, "4000000000000010"))
		strcpy(t.status, "declined");
	else if (card && !strcmp(card, "4000000000000028"))
		strcpy(t.status, "pending");
	else
		return pay_page(c, r, "Carte inconnue de la banque de test.");
	unsigned char rnd[6];
	wq_random_bytes(rnd, sizeof rnd);
	snprintf(t.txn, sizeof t.txn, "SBX%02X%02X%02X%02X%02X%02X", rnd[0], rnd[1], rnd[2], rnd[3],
		 rnd[4], rnd[5]);
	wq_strlcpy(t.order, arg(c, r, "order"), sizeof t.order);
	wq_strlcpy(t.card, card, sizeof t.card);
	t.amount = strtoll(arg(c, r, "amount"), NULL, 10);
	pthread_mutex_lock(&sbx.mu);
	if (sbx.ntxn < SBX_MAX_TXN)
		sbx.txn[sbx.ntxn++] = t;
	pthread_mutex_unlock(&sbx.mu);
	if (!strcmp(t.status, "pending"))
		return reply(c, 200, "text/html; charset=utf-8",
			     "<!doctype html><title>Sandbox Bank</title><h1 id=\"pending\">"
			     "Transaction en cours de traitement…</h1>",
			     NULL);
	send_callback(arg(c, r, "callback"), &t);
	const char *ret = arg(c, r, "return");
	struct buf loc;
	buf_init(&loc);
	buf_puts(&loc, ret);
	buf_puts(&loc, strchr(ret, '?') ? "&order=" : "?order=");
	buf_url(&loc, t.order);
	buf_printf(&loc, "&txn=%s&status=%s", t.txn, t.status);
	enum MHD_Result ok = reply(c, 303, "text/plain", "", buf_str(&loc));
	buf_free(&loc);
	return ok;
}

/* Steps 3 and 6: a GET signed over "kind|merchant|KEY|ts".  1 and *answer queued (400
 * missing, 403 bad signature) when refused; 0 with *value the key's when it holds. */
static int signed_get_refused(struct MHD_Connection *c, struct sbx_req *r, const char *kind,
			      const char *key, const char **value, enum MHD_Result *answer)
{
	const char *parts[] = {kind, arg(c, r, "merchant"), arg(c, r, key), arg(c, r, "ts")};
	char want[65];
	if (!parts[1] || !parts[2] || !parts[3]) {
		*answer = reply(c, 400, "application/json", "{\"error\":\"missing\"}\n", NULL);
		return 1;
	}
	payment_sign(sbx.cfg->gateway_secret, parts, 4, want);
	if (!payment_sig_equal(want, arg(c, r, "sig"))) {
		*answer = reply(c, 403, "application/json", "{\"error\":\"bad_signature\"}\n",
				NULL);
		return 1;
	}
	*value = parts[2];
	return 0;
}

static enum MHD_Result txn_confirm(struct MHD_Connection *c, struct sbx_req *r)
{
	const char *txn;
	enum MHD_Result refused;
	if (signed_get_refused(c, r, "confirm", "txn", &txn, &refused))
		return refused;
	pthread_mutex_lock(&sbx.mu);
	int down = sbx.confirm_fail;
	pthread_mutex_unlock(&sbx.mu);
	if (down)
		return reply(c, 503, "application/json", "{\"error\":\"unavailable\"}\n", NULL);
	struct sbx_txn t;
	int found = 0;
	char line[160];
	pthread_mutex_lock(&sbx.mu);
	for (int i = 0; i < sbx.ntxn; i++)
		if (!strcmp(sbx.txn[i].txn, txn)) {
			t = sbx.txn[i];
			found = 1;
		}
	/* the tests' witness that an unknown txn never reaches the gateway */
	snprintf(line, sizeof line, "%.100s\t%s", txn, found ? t.status : "unknown");
	log_line(sbx.confirms, &sbx.nconfirms, line);
	pthread_mutex_unlock(&sbx.mu);
	if (!found)
		return reply(c, 404, "application/json", "{\"error\":\"unknown_txn\"}\n", NULL);
	char body[256];
	snprintf(body, sizeof body,
		 "{\"txn\":\"%s\",\"order\":\"%s\",\"amount\":%" PRId64 ",\"status\":\"%s\"}\n",
		 t.txn, t.order, t.amount, t.status);
	return reply(c, 200, "application/json", body, NULL);
}

/* Step 6: the order's first paid transaction, or "none". */
static enum MHD_Result order_inquiry(struct MHD_Connection *c, struct sbx_req *r)
{
	const char *order;
	enum MHD_Result refused;
	if (signed_get_refused(c, r, "inquiry", "order", &order, &refused))
		return refused;
	struct sbx_txn t;
	int found = 0, down;
	char line[160];
	pthread_mutex_lock(&sbx.mu);
	down = sbx.confirm_fail;
	for (int i = 0; i < sbx.ntxn && !found; i++)
		if (!strcmp(sbx.txn[i].order, order) && !strcmp(sbx.txn[i].status, "paid")) {
			t = sbx.txn[i];
			found = 1;
		}
	snprintf(line, sizeof line, "order %.40s\t%s", order,
		 down ? "down" : found ? t.txn : "none");
	log_line(sbx.confirms, &sbx.nconfirms, line);
	pthread_mutex_unlock(&sbx.mu);
	if (down)
		return reply(c, 503, "application/json", "{\"error\":\"unavailable\"}\n", NULL);
	char body[256];
	struct buf quoted;
	buf_init(&quoted);
	buf_json_str(&quoted, order);
	if (found)
		snprintf(body, sizeof body,
			 "{\"order\":%s,\"txn\":\"%s\",\"amount\":%" PRId64 ",\"status\":\"paid\"}\n",
			 buf_str(&quoted), t.txn, t.amount);
	else
		snprintf(body, sizeof body, "{\"order\":%s,\"status\":\"none\"}\n",
			 buf_str(&quoted));
	buf_free(&quoted);
	return reply(c, 200, "application/json", body, NULL);
}

static enum MHD_Result refund_answer(struct MHD_Connection *c, const struct sbx_refund *f)
{
	char body[320];
	snprintf(body, sizeof body,
		 "{\"refund\":\"%s\",\"txn\":\"%s\",\"amount\":%" PRId64
		 ",\"key\":\"%s\",\"status\":\"refunded\"}\n",
		 f->id, f->txn, f->amount, f->key);
	return reply(c, 200, "application/json", body, NULL);
}

/* A refund is made once per key; a repeated key gets the same refund back.  The sum of
 * a payment's refunds never exceeds what it took. */
static enum MHD_Result refund(struct MHD_Connection *c, struct sbx_req *r)
{
	const char *parts[] = {"refund", arg(c, r, "merchant"), arg(c, r, "txn"),
			       arg(c, r, "amount"), arg(c, r, "key"), arg(c, r, "ts")};
	char want[65];
	for (int i = 1; i < 6; i++)
		if (!parts[i] || !parts[i][0] || strlen(parts[i]) >= 64)
			return reply(c, 400, "application/json", "{\"error\":\"missing\"}\n", NULL);
	payment_sign(sbx.cfg->gateway_secret, parts, 6, want);
	if (strcmp(parts[1], sbx.cfg->gateway_merchant) || !payment_sig_equal(want, arg(c, r, "sig")))
		return reply(c, 403, "application/json", "{\"error\":\"bad_signature\"}\n", NULL);
	int64_t amount = strtoll(parts[3], NULL, 10);
	struct sbx_refund f;
	int found = 0, slow = 0;
	const char *refused = NULL;
	unsigned status = 200;
	pthread_mutex_lock(&sbx.mu);
	struct sbx_txn *t = NULL;
	for (int i = 0; i < sbx.ntxn; i++)
		if (!strcmp(sbx.txn[i].txn, parts[2]))
			t = &sbx.txn[i];
	for (int i = 0; i < sbx.nrefunds && !found; i++)
		if (!strcmp(sbx.refunds[i].key, parts[4])) {
			found = 1;
			sbx.refunds[i].calls++;
			f = sbx.refunds[i];
		}
	if (!found) {
		int64_t before = 0;
		for (int i = 0; t && i < sbx.nrefunds; i++)
			if (!strcmp(sbx.refunds[i].txn, t->txn))
				before += sbx.refunds[i].amount;
		if (!t || strcmp(t->status, "paid"))
			status = 404, refused = "unknown_txn";
		else if (!strcmp(t->card, "4000000000000036"))
			status = 402, refused = "card_refuses_refunds";
		else if (amount <= 0 || before + amount > t->amount)
			status = 409, refused = "amount_exceeds_payment";
		else if (sbx.nrefunds >= SBX_MAX_REFUNDS)
			status = 503, refused = "sandbox_full";
		if (!refused) {
			memset(&f, 0, sizeof f);
			wq_strlcpy(f.key, parts[4], sizeof f.key);
			wq_strlcpy(f.txn, t->txn, sizeof f.txn);
			unsigned char rnd[6];
			wq_random_bytes(rnd, sizeof rnd);
			snprintf(f.id, sizeof f.id, "RFD%02X%02X%02X%02X%02X%02X", rnd[0], rnd[1],
				 rnd[2], rnd[3], rnd[4], rnd[5]);
			f.amount = amount;
			f.calls = 1;
			sbx.refunds[sbx.nrefunds++] = f;
			slow = !strcmp(t->card, "4000000000000044");
		}
	}
	pthread_mutex_unlock(&sbx.mu);
	if (refused) {
		char body[128];
		snprintf(body, sizeof body, "{\"status\":\"refused\",\"error\":\"%s\"}\n", refused);
		return reply(c, status, "application/json", body, NULL);
	}
	if (slow) /* made, but the answer comes too late: the caller must ask again */
		sleep(SBX_REFUND_SLOW_SECONDS);
	return refund_answer(c, &f);
}

/* ---- SMS and post ---- */
static enum MHD_Result sms_post(struct MHD_Connection *c, struct sbx_req *r)
{
	pthread_mutex_lock(&sbx.mu);
	int fail = sbx.sms_fail;
	if (!fail) {
		struct buf line;
		buf_init(&line);
		const char *ch = arg(c, r, "channel"), *to = arg(c, r, "to"),
			   *ref = arg(c, r, "ref"), *body = arg(c, r, "body");
		buf_printf(&line, "%s\t%s\t%s\t%s", ch ? ch : "", to ? to : "", ref ? ref : "",
			   body ? body : "");
		for (char *p = line.data; p && *p; p++)
			if (*p == '\n')
				*p = ' ';
		log_line(sbx.sms, &sbx.nsms, buf_str(&line));
		buf_free(&line);
	}
	pthread_mutex_unlock(&sbx.mu);
	if (fail)
		return reply(c, 503, "text/plain", "sms gateway failing (sandbox)\n", NULL);
	return reply(c, 200, "application/json", "{\"queued\":true}\n", NULL);
}

static enum MHD_Result post_track(struct MHD_Connection *c, struct sbx_req *r, const char *m,
				  const char *code)
{
	if (!*code || strlen(code) >= 24)
		return reply(c, 404, "application/json", "{\"error\":\"unknown\"}\n", NULL);
	char status[16] = "in_transit";
	pthread_mutex_lock(&sbx.mu);
	int i;
	for (i = 0; i < sbx.npost; i++)
		if (!strcmp(sbx.post[i].code, code))
			break;
	if (!strcmp(m, "POST") && arg(c, r, "status") && strlen(arg(c, r, "status")) < 16) {
		if (i == sbx.npost && sbx.npost < SBX_MAX_POST)
			wq_strlcpy(sbx.post[sbx.npost++].code, code, 24);
		if (i < sbx.npost)
			wq_strlcpy(sbx.post[i].status, arg(c, r, "status"), 16);
	}
	if (i < sbx.npost)
		wq_strlcpy(status, sbx.post[i].status, sizeof status);
	pthread_mutex_unlock(&sbx.mu);
	char body[128];
	snprintf(body, sizeof body, "{\"code\":\"%s\",\"status\":\"%s\"}\n", code, status);
	return reply(c, 200, "application/json", body, NULL);
}

static enum MHD_Result sbx_access(void *cls, struct MHD_Connection *c, const char *url,
				  const char *m, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)cls, (void)version;
	struct sbx_req *r = *con_cls;
	if (!r) {
		*con_cls = r = calloc(1, sizeof *r);
		return r ? MHD_YES : MHD_NO;
	}
	if (*upload_size) {
		if (r->body.len + *upload_size > MAX_BODY_BYTES)
			r->too_big = 1;
		else
			buf_add(&r->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->too_big)
		return reply(c, 413, "text/plain", "too large\n", NULL);
	if (!strcmp(m, "POST") &&
	    form_parse_urlencoded(&r->form, buf_str(&r->body), r->body.len) != FORM_OK)
		return reply(c, 400, "text/plain", "bad form\n", NULL);
	if (!strcmp(url, "/pay") && !strcmp(m, "GET")) {
		if (!checkout_valid(c, r))
			return reply(c, 400, "text/plain", "bad checkout signature\n", NULL);
		return pay_page(c, r, NULL);
	}
	if (!strcmp(url, "/pay") && !strcmp(m, "POST"))
		return pay_submit(c, r);
	if (!strcmp(url, "/api/txn"))
		return txn_confirm(c, r);
	if (!strcmp(url, "/api/order"))
		return order_inquiry(c, r);
	if (!strcmp(url, "/api/refund") && !strcmp(m, "POST"))
		return refund(c, r);
	if (!strcmp(url, "/sandbox/refunds") && !strcmp(m, "GET")) {
		struct buf b;
		buf_init(&b);
		pthread_mutex_lock(&sbx.mu);
		for (int i = 0; i < sbx.nrefunds; i++)
			buf_printf(&b, "%s\t%s\t%" PRId64 "\t%s\t%d\n", sbx.refunds[i].key,
				   sbx.refunds[i].txn, sbx.refunds[i].amount, sbx.refunds[i].id,
				   sbx.refunds[i].calls);
		pthread_mutex_unlock(&sbx.mu);
		enum MHD_Result ok = reply(c, 200, "text/plain; charset=utf-8", buf_str(&b), NULL);
		buf_free(&b);
		return ok;
	}
	if (!strcmp(url, "/sms") && !strcmp(m, "POST"))
		return sms_post(c, r);
	if (!strcmp(url, "/sandbox/unblock") && !strcmp(m, "POST")) {
		/* the card's bank lifts its refusal of refunds for one payment */
		const char *txn = arg(c, r, "txn");
		int found = 0;
		pthread_mutex_lock(&sbx.mu);
		for (int i = 0; txn && i < sbx.ntxn; i++)
			if (!strcmp(sbx.txn[i].txn, txn) && (found = 1))
				wq_strlcpy(sbx.txn[i].card, "unblocked", sizeof sbx.txn[i].card);
		pthread_mutex_unlock(&sbx.mu);
		return reply(c, found ? 200 : 404, "text/plain", found ? "ok\n" : "unknown txn\n",
			     NULL);
	}
	if ((!strcmp(url, "/sms/fail") || !strcmp(url, "/sandbox/confirm_fail")) &&
	    !strcmp(m, "POST")) {
		const char *on = arg(c, r, "on");
		pthread_mutex_lock(&sbx.mu);
		*(url[1] == 's' && url[2] == 'm' ? &sbx.sms_fail : &sbx.confirm_fail) =
			on && !strcmp(on, "1");
		pthread_mutex_unlock(&sbx.mu);
		return reply(c, 200, "text/plain", "ok\n", NULL);
	}
	if ((!strcmp(url, "/sms/log") || !strcmp(url, "/sandbox/callbacks") ||
	     !strcmp(url, "/sandbox/confirms")) && !strcmp(m, "GET")) {
		struct buf b;
		buf_init(&b);
		pthread_mutex_lock(&sbx.mu);
		if (!strcmp(url, "/sms/log"))
			dump_log(&b, sbx.sms, sbx.nsms);
		else if (!strcmp(url, "/sandbox/confirms"))
			dump_log(&b, sbx.confirms, sbx.nconfirms);
		else
			dump_log(&b, sbx.callbacks, sbx.ncallbacks);
		pthread_mutex_unlock(&sbx.mu);
		enum MHD_Result ok = reply(c, 200, "text/plain; charset=utf-8", buf_str(&b), NULL);
		buf_free(&b);
		return ok;
	}
	if (!strncmp(url, "/post/track/", 12))
		return post_track(c, r, m, url + 12);
	return reply(c, 404, "text/plain", "not found\n", NULL);
}

static void sbx_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			  enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c, (void)toe;
	struct sbx_req *r = *con_cls;
	if (!r)
		return;
	buf_free(&r->body);
	form_free(&r->form);
	free(r);
	*con_cls = NULL;
}

int sandbox_main(const struct config *cfg)
{
	sbx.cfg = cfg;
	const char *f = getenv("WATIQA_SANDBOX_SMS_FAIL");
	sbx.sms_fail = f && !strcmp(f, "1");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* MHD's threads inherit the mask */
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)cfg->sandbox_port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
		(uint16_t)cfg->sandbox_port, NULL, NULL, sbx_access, NULL, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&sin, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
		MHD_OPTION_NOTIFY_COMPLETED, sbx_completed, NULL, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "watiqa sandbox: cannot listen on 127.0.0.1:%d\n", cfg->sandbox_port);
		return 1;
	}
	int port = cfg->sandbox_port;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (di && di->port)
		port = di->port;
	printf("sandbox listening on 127.0.0.1:%d\n", port);
	fflush(stdout);
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
