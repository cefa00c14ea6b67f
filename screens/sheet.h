/* sheet.h - a request's details and history as lines of text, for a pager. */
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
/* Adds a line (a copy of text) to such lines; text cut into lines of `width` columns,
 * the first after prefix, the next ones indented. */
void sheet_add(char ***l, int *n, int *cap, const char *text);
void sheet_add_wrapped(char ***l, int *n, int *cap, const char *prefix, const char *text,
		       int width);
struct request;
/* A table's document cell: "extr x3", "full x1", or "2 docs" for an order of several
 * (the one left when the other was rejected shows as itself). */
void sheet_doc_cell(const struct request *r, char *buf, size_t len);
struct ui;
/* Those lines in a pager titled with the tracking number; a refusal goes to the status
 * line. */
void sheet_show(struct ui *ui, int64_t id, const char *tracking);

#endif
