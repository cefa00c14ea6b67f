/* unicode.h - the Unicode format characters (general category Cf: bidi marks and
 * embeddings, zero-width joiners, the Arabic number signs...).  Invisible, they make a
 * name read differently on a staff screen, a printout or an SMS than it was stored, so
 * no text a person types may hold one (web fields through validate_match, staff
 * fields at the keyboard through prompt_is_text_key).  Pure functions. */
#ifndef WQ_UNICODE_H
#define WQ_UNICODE_H

/* 1 if the code point is of category Cf (Unicode 15.1). */
int uc_is_format(unsigned long cp);
/* 1 if the UTF-8 string holds a format character (invalid sequences are skipped:
 * utf8_valid is the check for those). */
int utf8_has_format(const char *s);

#endif
