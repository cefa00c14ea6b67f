/* ui_totp.h - the account enrols its own second factor from its session
 * (src/ui_totp.c). */
#ifndef WQ_UI_TOTP_H
#define WQ_UI_TOTP_H

#include "actor.h"
#include "config.h"
#include "db.h"

/* The enrolment dialog on the running ncurses screen.  forced: the role needs it, so
 * leaving is not continuing.  0 done (or nothing to do), 1 left without it, -1 the
 * terminal is gone. */
int ui_totp_enrol(struct db *db, const struct config *cfg, const struct actor *a, int forced);

#endif
