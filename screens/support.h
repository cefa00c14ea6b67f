/* support.h - private to screens/support*.c: the page of everything about one request
 * (details, history, payments, notifications, complaints, notes), shown from a search hit
 * (support.c) or from a complaint (support_complaints.c); Esc goes back to where it was
 * opened from.  UI child only; no SQL. */
#ifndef WQ_SUPPORT_H
#define WQ_SUPPORT_H

#include <stdint.h>

#include "widget.h"

void support_request_page(struct ui *ui, int64_t id, const char *tracking);

#endif
