/* printout.h - what an office prints, as plain-text files under $WATIQA_PRINT_DIR
 * (else state_dir/print): the request sheet (faxed by a central office to
 * a relayed low-activity office), the envelope label (address and registered-mail
 * code), and the day's dispatch list handed to the post with the envelopes. */
#ifndef WQ_PRINTOUT_H
#define WQ_PRINTOUT_H

#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "config.h"
#include "db.h"
#include "err.h"

/* <dir>/sheet-<tracking>.txt: details and the history with who recorded each stage
 * for which office; a relayed office's sheet is headed for the fax. */
int printout_sheet(struct db *db, const struct actor *a, const struct config *cfg,
		   int64_t request_id, char *path_out, size_t path_len, struct wq_errbuf *eb);
/* <dir>/label-<tracking>.txt: the envelope's label. */
int printout_label(struct db *db, const struct actor *a, const struct config *cfg,
		   int64_t request_id, char *path_out, size_t path_len, struct wq_errbuf *eb);
/* <dir>/dispatch-<office>-<YYYY-MM-DD>.txt: envelopes of office_id handed to the post on
 * the (Casablanca) day containing `day`; *count gets how many. */
int printout_dispatch(struct db *db, const struct actor *a, const struct config *cfg,
		      int64_t office_id, int64_t day, int *count, char *path_out,
		      size_t path_len, struct wq_errbuf *eb);

#endif
