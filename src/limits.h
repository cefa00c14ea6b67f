/* limits.h - every fixed limit of the system, with its unit in its name. */
#ifndef WQ_LIMITS_H
#define WQ_LIMITS_H

#define DB_BUSY_TIMEOUT_MS	5000
#define PATH_MAX_BYTES		512
#define USERNAME_MAX_BYTES	32
#define NAME_MAX_BYTES		128	/* a person's name, Arabic or Latin, UTF-8 */
#define NOTE_MAX_BYTES		1000
#define NOTICE_MAX_BYTES	500	/* a notice to an office: short, read on an 80-column screen */
#define ADDRESS_MAX_BYTES	300
#define TRACKING_BYTES		12	/* "W" + 9 digits + Luhn digit, plus NUL and spare */
#define SECRET_CODE_BYTES	16	/* "K7M4-9QXT-2HPB" (60 bits, secret.h) plus NUL and spare */
/* Wrong secret codes for one tracking number: SECRET_FAILS_FREE in a row, then each
 * further try (right or wrong) waits SECRET_DELAY_BASE_SECONDS, doubling, at most
 * SECRET_DELAY_MAX_SECONDS; the right code clears it.  From one source (an IPv4
 * address, an IPv6 /64), at most SECRET_FAILS_PER_SOURCE wrong codes in
 * SECRET_SOURCE_WINDOW_SECONDS, whatever the tracking numbers. */
#define SECRET_FAILS_FREE	5
#define SECRET_DELAY_BASE_SECONDS 2
#define SECRET_DELAY_MAX_SECONDS 900
#define SECRET_FAILS_PER_SOURCE	30
#define SECRET_SOURCE_WINDOW_SECONDS 600
#define SECRET_TRIES_KEEP_SECONDS (24 * 3600) /* then a number's count starts again */
#define PASSWORD_MIN_BYTES	8
#define PASSWORD_MAX_BYTES	128
#define SSH_KEY_MAX_BYTES	8192

#define LOGIN_GRACE_SECONDS	30
#define MAX_AUTH_TRIES		4
#define MAX_STARTUPS_BEGIN	10	/* OpenSSH MaxStartups 10:30:60 */
#define MAX_STARTUPS_RATE	30
#define MAX_STARTUPS_FULL	60
/* Login throttle buckets (src/db_login.c): strangers' failures per account, and failures
 * from a network the account logged in from before, get LOGIN_FAILS_FREE tries; one
 * source (IPv4 address, IPv6 /64) gets LOGIN_SOURCE_FAILS_FREE over all accounts.  Then
 * each try waits LOGIN_DELAY_BASE_SECONDS, doubling with each further failure, at most
 * LOGIN_DELAY_MAX_SECONDS.  A bucket quiet for LOGIN_FORGET_SECONDS starts again. */
#define LOGIN_FAILS_FREE	5
#define LOGIN_SOURCE_FAILS_FREE	10
#define LOGIN_DELAY_BASE_SECONDS 2
#define LOGIN_DELAY_MAX_SECONDS	900
#define LOGIN_FORGET_SECONDS	(24 * 3600)
#define CLIENT_ALIVE_SECONDS	300
#define CLIENT_ALIVE_COUNT	3


/* Per-address penalties, OpenSSH 9.8 PerSourcePenalties defaults: a session that ends
 * after failed authentication costs its address 5 s, one that never tried 1 s, one that
 * ran out of login grace 10 s, one that crashed 90 s; penalties add up to at most
 * 600 s, and the address is refused while more than 15 s remain. */
#define PENALTY_AUTHFAIL_SECONDS 5
#define PENALTY_NOAUTH_SECONDS	 1
#define PENALTY_GRACE_SECONDS	 10
#define PENALTY_CRASH_SECONDS	 90
#define PENALTY_MAX_SECONDS	 600
#define PENALTY_MIN_SECONDS	 15
#define PENALTY_SOURCES_MAX	 4096

#define MAX_BODY_BYTES		16384
#define MAX_COPIES		10
/* Lines of one order: an extract and/or a full copy, one line per document type
 * (db/211_request_lines.sql). */
#define ORDER_LINES_MAX		2
#define PAYMENT_EXPIRY_SECONDS	(24 * 3600)
/* A treasury build pauses this long between two communes' transactions, so that the
 * payments waiting in SQLite's busy handler (which polls, it does not queue) get the
 * write lock instead of the next commune (bench/README.md, treasury build). */
#define TREASURY_BUILD_GAP_MS	5

#endif
