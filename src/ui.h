/* ui.h - the staff terminal application: runs the account's role screen with ncurses
 * on the process's own terminal (stdin/stdout).  Started by the SSH session on the pty
 * slave, or directly by `watiqa ui USER` for local use and tests.  Never calls libssh. */
#ifndef WQ_UI_H
#define WQ_UI_H

#include "config.h"

/* screen: NULL for the role's default screen, or a screen name (ssh exec). */
int ui_main(const struct config *cfg, const char *username, const char *screen);

#endif
