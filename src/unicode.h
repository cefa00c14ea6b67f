/* unicode.h - the Unicode format characters (general category Cf: bidi marks and
 * embeddings, zero-width joiners, the Arabic number signs...).  Invisible, they make a
 * name read differently on a staff screen, a printout or an SMS than it was stored, so
 * no text a person types may hold one (web fields through validate_match, staff
 * fields at the keyboard through prompt_is_text_key, the command line's notes through
 * utf8_is_shown, which refuses control characters and malformed UTF-8 too).  Pure
 * functions. */
#ifndef WQ_UNICODE_H
#define WQ_UNICODE_H

#include <stddef.h>

/* 1 if the code point is of category Cf (Unicode 15.1). */
int uc_is_format(unsigned long cp);
/* 1 if the UTF-8 string holds a format character (invalid sequences are skipped:
 * utf8_is_shown is the check for those). */
int utf8_has_format(const char *s);
/* 1 if the code point may be shown as typed: not a control character (C0, DEL, C1)
 * nor a format character.  What a staff prompt takes at the keyboard. */
int uc_is_shown(unsigned long cp);
/* 1 if s is well-formed UTF-8 and every character of it uc_is_shown: text staff
 * type on the command line (a note), which goes on to a citizen's page and JSON. */
int utf8_is_shown(const char *s);
/* A stranger's text as it may be shown back or printed on a terminal: at most max
 * bytes (and len - 1) of s, cut between characters, each control character (C0, DEL,
 * C1), format character or invalid byte written '?'. */
void utf8_shown(const char *s, char *out, size_t len, size_t max);
/* An address as the tracking page shows it: each word's first letter, the others '*';
 * digits, spaces and punctuation kept ("12 avenue Hassan II" -> "12 a***** H***** I*");
 * controls and format characters '?'; cut between characters to len - 1 bytes. */
void utf8_masked(const char *s, char *out, size_t len);

#endif
