/* endpoints.c - resolves the outside services' URLs from one base and checks them
 * before serve starts (endpoints.h).  Parsing is libcurl's URL parser, the same that
 * will fetch them.  Pure but for that; runs once in the command-line process. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "endpoints.h"

void endpoints_resolve(struct config *cfg)
{
	char base[sizeof cfg->gateway_base_url];
	if (cfg->gateway_base_url[0])
		snprintf(base, sizeof base, "%s", cfg->gateway_base_url);
	else
		snprintf(base, sizeof base, "http://127.0.0.1:%d", cfg->sandbox_port);
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = 0; /* "https://pay.example/" and "https://pay.example" alike */
	if (!cfg->gateway_url[0])
		snprintf(cfg->gateway_url, sizeof cfg->gateway_url, "%s", base);
	if (!cfg->sms_url[0])
		snprintf(cfg->sms_url, sizeof cfg->sms_url, "%s/sms", base);
	if (!cfg->post_url[0])
		snprintf(cfg->post_url, sizeof cfg->post_url, "%s/post", base);
}

/* The scheme and host of url (lower-case scheme); 0 if it does not parse. */
static int url_parts(const char *url, char *scheme, size_t slen, char *host, size_t hlen)
{
	CURLU *u = curl_url();
	char *s = NULL, *h = NULL;
	int ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK;
	if (ok) {
		snprintf(scheme, slen, "%s", s);
		snprintf(host, hlen, "%s", h);
	}
	curl_free(s);
	curl_free(h);
	curl_url_cleanup(u);
	return ok;
}

static int host_loopback(const char *h)
{
	if (!strcasecmp(h, "localhost") || !strcmp(h, "[::1]") || !strcmp(h, "::1"))
		return 1;
	/* 127.0.0.0/8; libcurl has already written the short forms ("127.1",
	 * "2130706433") as the dotted quad it will connect to */
	unsigned a, b, c, d;
	char tail;
	return sscanf(h, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b < 256 &&
	       c < 256 && d < 256;
}

int endpoints_loopback(const char *url)
{
	char scheme[16], host[256];
	return url_parts(url, scheme, sizeof scheme, host, sizeof host) && host_loopback(host);
}

static int check_url(const char *key, const char *url, struct wq_errbuf *eb)
{
	char scheme[16], host[256];
	if (!url_parts(url, scheme, sizeof scheme, host, sizeof host) ||
	    (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")))
		return wq_fail(eb, WQ_EINVAL, key,
			       "%s: '%s' is not an http:// or https:// URL", key, url);
	if (!strcasecmp(scheme, "http") && !host_loopback(host))
		return wq_fail(eb, WQ_EINVAL, key,
			       "%s: '%s' is plain http to another machine: use https:// (the "
			       "certificate is checked), or a loopback address", key, url);
	return WQ_OK;
}

int endpoints_check(const struct config *cfg, struct wq_errbuf *eb)
{
	if (!cfg->demo && !strcmp(cfg->gateway_secret, ENDPOINTS_DEMO_SECRET))
		return wq_fail(eb, WQ_EINVAL, "gateway_secret",
			       "gateway_secret is still the sandbox's '%s': set the secret "
			       "agreed with the payment gateway (or run with --demo)",
			       ENDPOINTS_DEMO_SECRET);
	if (!cfg->demo && strlen(cfg->gateway_secret) < ENDPOINTS_SECRET_MIN_BYTES)
		return wq_fail(eb, WQ_EINVAL, "gateway_secret",
			       "gateway_secret must be at least %d characters",
			       ENDPOINTS_SECRET_MIN_BYTES);
	int rc;
	if ((rc = check_url("gateway_url", cfg->gateway_url, eb)) ||
	    (rc = check_url("sms_url", cfg->sms_url, eb)) ||
	    (rc = check_url("post_url", cfg->post_url, eb)))
		return rc;
	return WQ_OK;
}
