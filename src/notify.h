/* notify.h - the web side's background thread: turns new request events into outbox
 * messages, sends them through libcurl to the SMS/e-mail gateway with retries and
 * backoff, and expires requests left unpaid.  It owns its own database connection, so
 * a slow or failing gateway never holds up a request or a staff action. */
#ifndef WQ_NOTIFY_H
#define WQ_NOTIFY_H

#include "config.h"
#include "err.h"
#include "outbox.h"

#define NOTIFY_MAX_ATTEMPTS	10
#define NOTIFY_BACKOFF_SECONDS	2	/* first retry; doubles each time, capped */
#define NOTIFY_BACKOFF_MAX_SECONDS 3600
#define NOTIFY_SEND_TIMEOUT_MS	5000
#define EXPIRY_SWEEP_SECONDS	60

struct notifier;
struct db_group;

/* The outbox's writes go into group's commits (NULL: each its own); group must
 * outlive the notifier. */
int notify_start(const struct config *cfg, struct db_group *group, struct notifier **out,
		 struct wq_errbuf *eb);
void notify_stop(struct notifier *n);
/* The text of the message for one event in the request's language; 0 if the event
 * deserves no message (creation, a move back to the same state). */
int notify_message(const struct outbox_event *e, char *out, size_t len);
/* Seconds to wait before attempt number `attempts` + 1. */
int notify_backoff(int attempts);

#endif
