/* util.c - time, hashing, random codes and check digits shared by every process.
 * Pure helpers with no global state but the time zone, set once on first use. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "limits.h"
#include "util.h"

int64_t wq_now(void)
{
	const char *fake = getenv("WATIQA_FAKE_NOW");
	if (fake && *fake)
		return strtoll(fake, NULL, 10);
	return (int64_t)time(NULL);
}

int64_t wq_wait_left(int64_t last_at, int64_t delay, int64_t now)
{
	int64_t left = last_at + delay + 1 - now;
	return left > 0 ? left : 0;
}

int wq_tz_init(void)
{
	static int state; /* 0 not yet, 1 done, -1 no zone file */
	if (!state) {
		/* Morocco: UTC+1 outside Ramadan; the zone database knows the exceptions */
		const char *dir = getenv("TZDIR");
		char path[PATH_MAX_BYTES];
		snprintf(path, sizeof path, "%s/" WQ_TIME_ZONE,
			 dir && dir[0] ? dir : "/usr/share/zoneinfo");
		state = access(path, R_OK) == 0 ? 1 : -1;
		setenv("TZ", WQ_TIME_ZONE, 1);
		tzset();
	}
	return state > 0 ? 0 : -1;
}

void wq_fmt_time(int64_t t, char *dst, size_t len)
{
	wq_tz_init();
	if (t <= 0) {
		snprintf(dst, len, "-");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(dst, len, "%Y-%m-%d %H:%M", &tm);
}

void wq_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = 0;
}

/* HMAC-SHA256 by its definition (RFC 2104) over a digest fetched once: OpenSSL 3's
 * HMAC() goes through EVP_Q_mac, which looks the MAC and the digest up by name at every
 * call; a tracking page makes two (its secret code, the complaint form's CSRF token)
 * and they were 7 % of its time (bench/README.md section 16). */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static int digest2(EVP_MD_CTX *ctx, const void *a, size_t alen, const void *b, size_t blen,
		   unsigned char md[SHA256_DIGEST_LENGTH])
{
	return EVP_DigestInit_ex2(ctx, sha256_md, NULL) && EVP_DigestUpdate(ctx, a, alen) &&
	       EVP_DigestUpdate(ctx, b, blen) && EVP_DigestFinal_ex(ctx, md, NULL);
}

/* SHA256() looks the digest up by name at every call too (EVP_Q_digest): each order's
 * history event hashes its chain link with it, a fifth of db_event_append's time */
void wq_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	pthread_once(&sha256_once, sha256_fetch);
	if (!sha256_md || !EVP_Digest(data, len, md, NULL, sha256_md, NULL))
		SHA256(data, len, md);
	wq_hex(md, sizeof md, out);
}

void wq_hmac_sha256_raw_hex(const void *key, size_t keylen, const void *data, size_t len,
			    char out[65])
{
	enum { BLOCK = 64 };
	unsigned char k[BLOCK] = {0}, pad[BLOCK], inner[SHA256_DIGEST_LENGTH],
		      md[SHA256_DIGEST_LENGTH];
	pthread_once(&sha256_once, sha256_fetch);
	if (keylen > BLOCK)
		SHA256(key, keylen, k);
	else
		memcpy(k, key, keylen);
	EVP_MD_CTX *ctx = sha256_md ? EVP_MD_CTX_new() : NULL;
	int ok = ctx != NULL;
	for (int i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	ok = ok && digest2(ctx, pad, BLOCK, data, len, inner);
	for (int i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	ok = ok && digest2(ctx, pad, BLOCK, inner, sizeof inner, md);
	EVP_MD_CTX_free(ctx);
	if (!ok) { /* no digest to fetch (out of memory): OpenSSL's own, slower */
		unsigned int mdlen = 0;
		HMAC(EVP_sha256(), key, (int)keylen, data, len, md, &mdlen);
	}
	wq_hex(md, sizeof md, out);
}

void wq_hmac_sha256_hex(const char *key, const void *data, size_t len, char out[65])
{
	wq_hmac_sha256_raw_hex(key, strlen(key), data, len, out);
}

int wq_random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;
	while (len) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int wq_luhn_digit(const char *digits)
{
	int sum = 0, dbl = 1;
	for (int i = (int)strlen(digits) - 1; i >= 0; i--, dbl = !dbl) {
		int d = digits[i] - '0';
		if (dbl && (d *= 2) > 9)
			d -= 9;
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

void wq_tracking_new(char out[12])
{
	unsigned char r[9];
	wq_random_bytes(r, sizeof r);
	out[0] = 'W';
	for (int i = 0; i < 9; i++)
		out[1 + i] = (char)('0' + r[i] % 10);
	out[1] = (char)('1' + r[0] % 9); /* no leading zero: easier to read aloud */
	out[10] = 0;
	out[10] = (char)('0' + wq_luhn_digit(out + 1));
	out[11] = 0;
}

int wq_tracking_valid(const char *s)
{
	if (!s || strlen(s) != 11 || s[0] != 'W')
		return 0;
	char digits[10];
	for (int i = 0; i < 9; i++) {
		if (s[1 + i] < '0' || s[1 + i] > '9')
			return 0;
		digits[i] = s[1 + i];
	}
	digits[9] = 0;
	return s[10] == '0' + wq_luhn_digit(digits);
}

size_t wq_strlcpy(char *dst, const char *src, size_t dstlen)
{
	size_t n = strlen(src);
	if (dstlen) {
		size_t c = n < dstlen - 1 ? n : dstlen - 1;
		memcpy(dst, src, c);
		dst[c] = 0;
	}
	return n;
}

void wq_fmt_money(int64_t centimes, char *dst, size_t len)
{
	const char *sign = centimes < 0 ? "-" : "";
	int64_t a = centimes < 0 ? -centimes : centimes;
	snprintf(dst, len, "%s%lld.%02lld", sign, (long long)(a / 100), (long long)(a % 100));
}

static int s10_check(const char *digits8)
{
	static const int weights[8] = {8, 6, 4, 2, 3, 5, 9, 7};
	int sum = 0;
	for (int i = 0; i < 8; i++)
		sum += (digits8[i] - '0') * weights[i];
	int c = 11 - sum % 11;
	return c == 10 ? 0 : c == 11 ? 5 : c;
}

int wq_s10_valid(const char *code)
{
	if (!code || strlen(code) != 13)
		return 0;
	for (int i = 0; i < 13; i++) {
		int letter = code[i] >= 'A' && code[i] <= 'Z';
		int digit = code[i] >= '0' && code[i] <= '9';
		if ((i < 2 || i > 10) ? !letter : !digit)
			return 0;
	}
	return code[10] - '0' == s10_check(code + 2);
}

void wq_s10_make(const char *prefix, unsigned serial, const char *country, char out[14])
{
	char digits[9];
	snprintf(digits, sizeof digits, "%08u", serial % 100000000u);
	out[0] = prefix[0];
	out[1] = prefix[1];
	memcpy(out + 2, digits, 8);
	out[10] = (char)('0' + s10_check(digits));
	out[11] = country[0];
	out[12] = country[1];
	out[13] = 0;
}
