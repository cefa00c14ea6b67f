/* desk.h - pieces the supervisor board and the post desk share (the agent queue too,
 * for its reasons): the history pager (who recorded each stage for which office), the
 * registered-mail code prompt, a reason picked from a list, an office picked from the
 * network, and the label / dispatch-list printouts with their status messages.
 * UI child only; no SQL. */
#ifndef WQ_DESK_H
#define WQ_DESK_H

#include <stddef.h>
#include <stdint.h>

#include "screen.h"

/* History of a request in a pager; title names it. */
void desk_history(struct ui *ui, int64_t request_id, const char *title);
/* Asks for a code (typed in any case, stored in capitals); 1 if a valid S10 code was
 * entered, else 0 with the reason on the status line. */
int desk_code(struct ui *ui, const char *question, char *code, size_t len);
/* Picks a reason from `reasons`; the row `other` (-1: none) asks for free text. */
int desk_reason(struct ui *ui, const char *title, const char *const *reasons, int n,
		     int other, char *buf, size_t len);
/* Picks an active office other than `except`; its id (0: cancelled), code in code. */
int64_t desk_pick_office(struct ui *ui, const char *title, int64_t except, char *code,
			 size_t len);
void desk_label(struct ui *ui, int64_t request_id);
/* Production declared: the production printout at once, the sheet that goes with the
 * documents and carries their verification code (document.h), its path in path.
 * 0, or -1 with the reason on the status line. */
int desk_production_sheet(struct ui *ui, int64_t request_id, char *path, size_t len);
void desk_dispatch(struct ui *ui, int64_t office_id, const char *office_code);

#endif
