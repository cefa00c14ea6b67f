/* payment.c - the gateway protocol of payment.h: signing, checking, and the
 * server-to-server confirmation through libcurl.  Called from HTTP worker threads and
 * from the sandbox; no SQL (marking paid is request_mark_paid's job). */
#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payment.h"
#include "util.h"

void payment_sign(const char *secret, const char *const *parts, int n, char out[65])
{
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < n; i++) {
		if (i)
			buf_add(&b, "|", 1);
		buf_puts(&b, parts[i] ? parts[i] : "");
	}
	wq_hmac_sha256_hex(secret, buf_str(&b), b.len, out);
	buf_free(&b);
}

int payment_sig_equal(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

void payment_checkout_url(const struct config *cfg, const char *order, int64_t amount,
			  const char *return_url, const char *callback_url, int64_t ts,
			  struct buf *url)
{
	char amt[24], tss[24], sig[65];
	snprintf(amt, sizeof amt, "%" PRId64, amount);
	snprintf(tss, sizeof tss, "%" PRId64, ts);
	const char *parts[] = {"checkout", cfg->gateway_merchant, order, amt, "MAD",
			       return_url, callback_url, tss};
	payment_sign(cfg->gateway_secret, parts, 8, sig);
	buf_puts(url, cfg->gateway_url);
	buf_puts(url, "/pay?merchant=");
	buf_url(url, cfg->gateway_merchant);
	buf_puts(url, "&order=");
	buf_url(url, order);
	buf_printf(url, "&amount=%s&currency=MAD&return=", amt);
	buf_url(url, return_url);
	buf_puts(url, "&callback=");
	buf_url(url, callback_url);
	buf_printf(url, "&ts=%s&sig=%s", tss, sig);
}

int payment_callback_valid(const char *secret, const char *txn, const char *order,
			   const char *amount, const char *status, const char *ts,
			   const char *sig)
{
	if (!txn || !order || !amount || !status || !ts || !sig)
		return 0;
	char want[65];
	const char *parts[] = {"callback", txn, order, amount, status, ts};
	payment_sign(secret, parts, 6, want);
	return payment_sig_equal(want, sig);
}

void payment_json_str(const char *json, const char *key, char *out, size_t len)
{
	char pat[48];
	snprintf(pat, sizeof pat, "\"%s\":\"", key);
	out[0] = 0;
	const char *p = strstr(json, pat);
	if (!p)
		return;
	p += strlen(pat);
	size_t n = 0;
	while (p[n] && p[n] != '"' && p[n] != '\\' && n + 1 < len)
		n++;
	memcpy(out, p, n);
	out[n] = 0;
}

int64_t payment_json_int(const char *json, const char *key)
{
	char pat[48];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(json, pat);
	if (!p)
		return -1;
	char *end;
	long long v = strtoll(p + strlen(pat), &end, 10);
	return end == p + strlen(pat) ? -1 : (int64_t)v;
}

static size_t collect(char *data, size_t size, size_t n, void *userp)
{
	struct buf *b = userp;
	if (b->len + size * n > 8192)
		return 0; /* a confirmation is small: anything bigger is not one */
	buf_add(b, data, size * n);
	return size * n;
}

/* A signed server-to-server call: GET when post is NULL.  *code gets the HTTP status
 * (0 when none came), body what the gateway answered. */
static CURLcode gateway_call(const char *url, const char *post, long timeout_ms, long *code,
			     struct buf *body)
{
	CURL *h = curl_easy_init();
	*code = 0;
	if (!h)
		return CURLE_FAILED_INIT;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	if (post)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
	CURLcode cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, code);
	curl_easy_cleanup(h);
	return cc;
}

int payment_refund(const struct config *cfg, const char *txn, int64_t amount,
		   const char *key, char *ref, size_t ref_len, struct wq_errbuf *eb)
{
	char amt[24], tss[24], sig[65], got[72], status[16], err[64];
	snprintf(amt, sizeof amt, "%" PRId64, amount);
	snprintf(tss, sizeof tss, "%" PRId64, wq_now());
	const char *parts[] = {"refund", cfg->gateway_merchant, txn, amt, key, tss};
	payment_sign(cfg->gateway_secret, parts, 6, sig);
	struct buf url, form, body;
	buf_init(&url);
	buf_init(&form);
	buf_init(&body);
	buf_puts(&url, cfg->gateway_url);
	buf_puts(&url, "/api/refund");
	buf_puts(&form, "merchant=");
	buf_url(&form, cfg->gateway_merchant);
	buf_puts(&form, "&txn=");
	buf_url(&form, txn);
	buf_printf(&form, "&amount=%s&key=", amt);
	buf_url(&form, key);
	buf_printf(&form, "&ts=%s&sig=%s", tss, sig);
	long code;
	CURLcode cc = gateway_call(buf_str(&url), buf_str(&form), PAYMENT_REFUND_TIMEOUT_MS,
				   &code, &body);
	const char *j = buf_str(&body);
	payment_json_str(j, "refund", ref, ref_len);
	payment_json_str(j, "key", got, sizeof got);
	payment_json_str(j, "status", status, sizeof status);
	payment_json_str(j, "error", err, sizeof err);
	int rc = WQ_OK;
	if (cc != CURLE_OK)
		rc = wq_fail(eb, WQ_EGATEWAY, "gateway", "refund call failed: %s",
			     curl_easy_strerror(cc));
	else if (code == 402 || code == 404 || code == 409)
		rc = wq_fail(eb, WQ_EDENIED, "gateway", "the gateway refused the refund (HTTP %ld%s%s)",
			     code, err[0] ? ": " : "", err);
	else if (code != 200)
		rc = wq_fail(eb, WQ_EGATEWAY, "gateway", "refund answered HTTP %ld", code);
	else if (strcmp(status, "refunded") || strcmp(got, key) || !ref[0] ||
		 payment_json_int(j, "amount") != amount)
		rc = wq_fail(eb, WQ_EGATEWAY, "gateway", "refund answer for another refund");
	buf_free(&url);
	buf_free(&form);
	buf_free(&body);
	return rc;
}

/* Steps 3 and 6: a signed GET of {gateway}{path}?merchant&KEY=VALUE&ts&sig, sig over
 * "kind|merchant|value|ts", its JSON answer into st. */
static int gateway_status(const struct config *cfg, const char *path, const char *kind,
			  const char *key, const char *value, struct payment_status *st,
			  struct wq_errbuf *eb)
{
	memset(st, 0, sizeof *st);
	char tss[24], sig[65];
	snprintf(tss, sizeof tss, "%" PRId64, wq_now());
	const char *parts[] = {kind, cfg->gateway_merchant, value, tss};
	payment_sign(cfg->gateway_secret, parts, 4, sig);
	struct buf url, body;
	buf_init(&url);
	buf_init(&body);
	buf_puts(&url, cfg->gateway_url);
	buf_puts(&url, path);
	buf_puts(&url, "?merchant=");
	buf_url(&url, cfg->gateway_merchant);
	buf_printf(&url, "&%s=", key);
	buf_url(&url, value);
	buf_printf(&url, "&ts=%s&sig=%s", tss, sig);
	long code;
	CURLcode cc = gateway_call(buf_str(&url), NULL, PAYMENT_CONFIRM_TIMEOUT_MS, &code, &body);
	buf_free(&url);
	int rc = WQ_OK;
	if (cc != CURLE_OK) {
		rc = wq_fail(eb, WQ_EGATEWAY, "gateway", "%s failed: %s", kind,
			     curl_easy_strerror(cc));
	} else if (code == 404) {
		rc = wq_fail(eb, WQ_ENOTFOUND, key, "the gateway does not know %s", value);
	} else if (code != 200) {
		rc = wq_fail(eb, WQ_EGATEWAY, "gateway", "%s answered HTTP %ld", kind, code);
	} else {
		const char *j = buf_str(&body);
		payment_json_str(j, "txn", st->txn, sizeof st->txn);
		payment_json_str(j, "order", st->order, sizeof st->order);
		payment_json_str(j, "status", st->status, sizeof st->status);
		st->amount_centimes = payment_json_int(j, "amount");
		if (!st->status[0])
			rc = wq_fail(eb, WQ_EGATEWAY, "gateway", "%s answered without a status", kind);
	}
	buf_free(&body);
	return rc;
}

int payment_confirm(const struct config *cfg, const char *txn, struct payment_status *st,
		    struct wq_errbuf *eb)
{
	int rc = gateway_status(cfg, "/api/txn", "confirm", "txn", txn, st, eb);
	if (rc == WQ_OK && strcmp(st->txn, txn))
		rc = wq_fail(eb, WQ_EGATEWAY, "gateway", "confirmation for another txn");
	return rc;
}

int payment_inquiry(const struct config *cfg, const char *order, struct payment_status *st,
		    struct wq_errbuf *eb)
{
	int rc = gateway_status(cfg, "/api/order", "inquiry", "order", order, st, eb);
	if (rc == WQ_OK && strcmp(st->order, order))
		rc = wq_fail(eb, WQ_EGATEWAY, "gateway", "inquiry answered for another order");
	else if (rc == WQ_OK && !strcmp(st->status, "paid") && !st->txn[0])
		rc = wq_fail(eb, WQ_EGATEWAY, "gateway", "inquiry: paid without a txn");
	return rc;
}
