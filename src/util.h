/* util.h - small pure helpers shared by every process: time, hashing, random codes,
 * the tracking number's check digit, bounded string copy. */
#ifndef WQ_UTIL_H
#define WQ_UTIL_H

#include <stddef.h>
#include <stdint.h>

int64_t wq_now(void); /* UTC seconds; WATIQA_FAKE_NOW (seconds) overrides, for tests */
/* Whole seconds a throttle still holds back, at `now`, a try counted at `last_at` with a
 * delay of `delay` s (0: none).  Both are whole seconds, so a try stamped S may have been
 * made as late as S + 0.999: it is held until S + delay has fully passed (now >
 * last_at + delay), a real wait of delay to delay + 1 s, never less than said.  The
 * result rounds the real time left up, so a client that waits it is let in. */
int64_t wq_wait_left(int64_t last_at, int64_t delay, int64_t now);
/* Every time shown is Morocco's, whatever the server's TZ: the zone, and the words
 * that say so next to times (web pages carry their own translations). */
#define WQ_TIME_ZONE "Africa/Casablanca"
#define WQ_TIME_LABEL "Morocco time"
/* Makes the process's local time Africa/Casablanca (TZ set and tzset(), once), whatever
 * TZ was.  -1 when the zone file is missing (no tzdata): glibc would then quietly use
 * UTC, an hour off. */
int wq_tz_init(void);
/* "YYYY-MM-DD HH:MM" in Africa/Casablanca. */
void wq_fmt_time(int64_t t, char *dst, size_t len);
void wq_sha256_hex(const void *data, size_t len, char out[65]);
void wq_hmac_sha256_hex(const char *key, const void *data, size_t len, char out[65]);
/* The same with a binary key of keylen bytes. */
void wq_hmac_sha256_raw_hex(const void *key, size_t keylen, const void *data, size_t len,
			    char out[65]);
int wq_random_bytes(void *buf, size_t len);
/* n bytes as 2n lower-case hex digits and a NUL. */
void wq_hex(const unsigned char *in, size_t n, char *out);
/* Luhn check digit of a string of digits. */
int wq_luhn_digit(const char *digits);
/* New tracking number: 'W' + 9 random digits + Luhn digit of those 9. */
void wq_tracking_new(char out[12]);
int wq_tracking_valid(const char *s);
/* Secret code the citizen gets with the tracking number: 6 characters, no look-alikes. */
/* Copies at most dstlen-1 bytes, always terminates; returns strlen(src). */
size_t wq_strlcpy(char *dst, const char *src, size_t dstlen);
/* Formats centimes as "20.00". */
void wq_fmt_money(int64_t centimes, char *dst, size_t len);

/* UPU S10 registered-mail code "RR123456789MA": 2 letters, 8 digits, check digit,
 * 2-letter country. */
int wq_s10_valid(const char *code);
/* Builds a valid code from a service prefix, an 8-digit serial and a country. */
void wq_s10_make(const char *prefix, unsigned serial, const char *country, char out[14]);

#endif
