/* post_track.c - asks the post's tracking service where a registered item is
 * (libcurl, bounded time and body) and records delivered / returned through mail.h.
 * Runs in the UI child of a post account (the post desk's "update" key); never holds
 * a database transaction across the HTTP call.  No SQL here. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "post_track.h"
#include "util.h"

struct body {
	char buf[POST_TRACK_MAX_BODY_BYTES + 1];
	size_t len;
	int overflow;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
	struct body *b = ud;
	size_t n = size * nmemb;
	if (b->len + n > POST_TRACK_MAX_BODY_BYTES) {
		b->overflow = 1;
		return 0; /* aborts the transfer: the answer is never this long */
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = 0;
	return n;
}

/* The value of "key" in a flat JSON object: a string (unescaped for \" and \\ only:
 * codes and statuses are ASCII) or a number.  0 found, -1 not. */
static int json_value(const char *body, const char *key, char *dst, size_t len)
{
	char pat[40];
	snprintf(pat, sizeof pat, "\"%s\"", key);
	const char *p = strstr(body, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p++ != ':')
		return -1;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	size_t n = 0;
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (n + 1 < len)
				dst[n++] = *p;
		}
		if (*p != '"')
			return -1;
	} else {
		while (*p && (*p == '-' || (*p >= '0' && *p <= '9')) && n + 1 < len)
			dst[n++] = *p++;
		if (!n)
			return -1;
	}
	dst[n] = 0;
	return 0;
}

int post_track_parse(const char *body, struct track_status *out, struct wq_errbuf *eb)
{
	char at[24] = "";
	memset(out, 0, sizeof *out);
	if (json_value(body, "status", out->status, sizeof out->status) ||
	    json_value(body, "code", out->code, sizeof out->code))
		return wq_fail(eb, WQ_EGATEWAY, "post", "the tracking service answered "
			       "without a code or status");
	if (strcmp(out->status, "in_transit") && strcmp(out->status, "delivered") &&
	    strcmp(out->status, "returned"))
		return wq_fail(eb, WQ_EGATEWAY, "post", "unknown tracking status '%s'",
			       out->status);
	if (!json_value(body, "at", at, sizeof at))
		out->at = strtoll(at, NULL, 10);
	json_value(body, "reason", out->reason, sizeof out->reason);
	return WQ_OK;
}

int post_track_fetch(const char *post_url, const char *code, struct track_status *out,
		     struct wq_errbuf *eb)
{
	static struct body b; /* 4 KB: off the stack of the UI child */
	char url[512], err[CURL_ERROR_SIZE] = "";
	long status = 0;
	memset(out, 0, sizeof *out);
	if (!post_url || !post_url[0])
		return wq_fail(eb, WQ_EGATEWAY, "post", "no post tracking service configured "
			       "(post_url)");
	if (!wq_s10_valid(code)) /* the code goes into the URL: only [A-Z0-9] */
		return wq_fail(eb, WQ_EINVAL, "code", "not a registered-mail code: %s", code);
	snprintf(url, sizeof url, "%s/track/%s", post_url, code);
	CURL *c = curl_easy_init();
	if (!c)
		return wq_fail(eb, WQ_EIO, NULL, "cannot start an HTTP client");
	b.len = 0;
	b.overflow = 0;
	b.buf[0] = 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)POST_TRACK_TIMEOUT_SECONDS);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "watiqa-post-track/1");
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK)
		return wq_fail(eb, WQ_EGATEWAY, "post", "tracking service unreachable: %s",
			       b.overflow ? "answer too long" : err[0] ? err : curl_easy_strerror(rc));
	if (status == 404)
		return wq_fail(eb, WQ_ENOTFOUND, "code", "the post does not know %s yet", code);
	if (status != 200)
		return wq_fail(eb, WQ_EGATEWAY, "post", "tracking service answered HTTP %ld",
			       status);
	if ((rc = post_track_parse(b.buf, out, eb)))
		return (int)rc;
	if (strcmp(out->code, code))
		return wq_fail(eb, WQ_EGATEWAY, "post", "asked for %s, the service answered "
			       "about %s", code, out->code);
	return WQ_OK;
}

int post_track_sync(struct db *db, const struct actor *a, const char *post_url,
		    int64_t request_id, struct track_status *out, int *changed,
		    struct wq_errbuf *eb)
{
	struct envelope e;
	int rc;
	*changed = 0;
	if ((rc = mail_get(db, a, request_id, &e, eb)))
		return rc;
	if (e.status != MS_WITH_POST || !e.code[0])
		return wq_fail(eb, WQ_ECONFLICT, "request", "%s is not with the post (%s)",
			       e.tracking, mail_status_name(e.status));
	if ((rc = post_track_fetch(post_url, e.code, out, eb)))
		return rc;
	if (!strcmp(out->status, "in_transit"))
		return WQ_OK;
	/* version from before the call: if a clerk recorded it meanwhile, this conflicts
	 * instead of writing it twice */
	int delivered = !strcmp(out->status, "delivered");
	char reason[240];
	if (delivered)
		snprintf(reason, sizeof reason, "post tracking: delivered");
	else
		snprintf(reason, sizeof reason, "post tracking: %s",
			 out->reason[0] ? out->reason : "returned by the post");
	if ((rc = mail_close(db, a, request_id, e.version, delivered, reason, eb)))
		return rc;
	*changed = 1;
	return WQ_OK;
}
