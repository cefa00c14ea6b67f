/* sheet.h - the request sheet: details and history as lines of text, for a pager or
 * for a printed page. */
#ifndef WQ_SHEET_H
#define WQ_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

/* Lines (malloc'd; free with sheet_lines_free) describing request id as `a` may see it. */
int sheet_lines(struct db *db, const struct actor *a, int64_t id, char ***out, int *n,
		struct wq_errbuf *eb);
void sheet_lines_free(char **lines, int n);
/* Writes the sheet to <print dir>/<tracking>.txt; path_out gets where. */
int sheet_write(struct db *db, const struct actor *a, const char *db_path, int64_t id,
		char *path_out, size_t path_len, struct wq_errbuf *eb);

#endif
