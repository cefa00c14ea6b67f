/* ui.h - the staff terminal application: runs the account's role screen with ncurses
 * on the process's own terminal (stdin/stdout).  Started by the SSH session on the pty
 * slave, or directly by `watiqa ui USER` for local use and tests.  Never calls libssh. */
#ifndef WQ_UI_H
#define WQ_UI_H

#include "config.h"

/* What ui_main() returns (the UI child's exit status): 0 the user left, 1 and 2 it could
 * not start; and when the account changed under the open screen (issue 12 item 2): */
#define UI_EXIT_RELOAD	 3 /* another role or scope: the session opens the new screen */
#define UI_EXIT_DISABLED 4 /* disabled: the session ends */

/* screen: NULL for the role's default screen, or a screen name (ssh exec). */
int ui_main(const struct config *cfg, const char *username, const char *screen);

#endif
