/* history_text.h - a request's history as text in the session's language (msg.h: the
 * screens' one message table, which depends on nothing): the move of an event, who
 * recorded it for which office, and its note, where the relay office's signature on a
 * relayed office's behalf, stored without words (lifecycle.h), is said in the reader's
 * language.  Pure functions of an event; the screens, the printouts and the CLI (in
 * English) use them, so that no raw note marker reaches a person. */
#ifndef WQ_HISTORY_TEXT_H
#define WQ_HISTORY_TEXT_H

#include <stddef.h>

#include "board.h"

/* "02/12/2026 23:03  nouvelle -> payée": the local time and the move. */
void history_stage(const struct board_event *e, char *buf, size_t len);
/* "enregistré par agent1 à RBT-HAS-1 pour RBT-HAS-3" ("for .." when the offices differ). */
void history_who(const struct board_event *e, char *buf, size_t len);
/* The note as a person reads it: "signé pour le compte de RBT-HAS-3 (bureau relayé)"
 * and the officer's own note, or the note itself. */
void history_note(const char *note, char *buf, size_t len);

#endif
