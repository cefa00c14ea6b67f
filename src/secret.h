/* secret.h - the citizen's secret code: 60 random bits written as 12 characters of
 * Crockford's base32 in three groups, "K7M4-9QXT-2HPB" (no I, L, O, U: nothing to
 * mistake for 1 or 0; typed back, case, dashes and spaces do not matter and O, I, L
 * read as 0, 1, 1).  Requests made before these codes keep their 6-character ones.
 * Stored only as an HMAC under the server key (db_citizen.c).  Pure functions. */
#ifndef WQ_SECRET_H
#define WQ_SECRET_H

#include <stddef.h>

#include "limits.h"

#define SECRET_CHARS 12		/* 60 bits */
#define SECRET_LEGACY_CHARS 6	/* the 30-bit codes of requests made before */

enum secret_kind { SECRET_BAD = 0, SECRET_NEW, SECRET_LEGACY };

/* A new code, grouped for reading: "K7M4-9QXT-2HPB". */
void secret_new(char out[SECRET_CODE_BYTES]);
/* The same shape from 8 given bytes (60 of their bits): a code derived rather than
 * drawn, as a document's verification code is (document.h). */
void secret_from_bytes(const unsigned char r[8], char out[SECRET_CODE_BYTES]);
/* What a citizen typed, in the one form that is hashed: 12 characters of the alphabet
 * (SECRET_NEW), or 6 upper-case letters and digits (SECRET_LEGACY); SECRET_BAD for
 * anything else.  out holds at least SECRET_CHARS + 1 bytes. */
enum secret_kind secret_canonical(const char *typed, char *out, size_t len);

#endif
