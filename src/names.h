/* names.h - given and family names, {Arabic, Latin} pairs (names.c). */
#ifndef WQ_NAMES_H
#define WQ_NAMES_H

extern const char *const names_given[][2];
extern const int names_given_count;
extern const char *const names_family[][2];
extern const int names_family_count;

#endif
