/* outbox.h - notifications to citizens (SMS, e-mail) waiting to be sent.  Rows are
 * derived from the request history (one per event and channel, idempotent on the
 * event), then sent by the web side's sender thread with retries and backoff
 * (src/notify.c).  Nothing here talks to the network. */
#ifndef WQ_OUTBOX_H
#define WQ_OUTBOX_H

#include <stdint.h>

#include "db.h"
#include "err.h"
#include "lifecycle.h"
#include "limits.h"

#define OUTBOX_BODY_BYTES 480

/* An event of the history that may deserve a notification, with what the message needs. */
struct outbox_event {
	int64_t event_id, request_id, at;
	enum req_state from, to;
	char tracking[TRACKING_BYTES];
	char phone[24], email[128];
	char lang[3];
	int64_t fee_centimes;
	char mail_code[16];
	char note[200];
	int lines_refunded_before; /* lines of the order rejected (refunded) before it */
};

struct outbox_msg {
	int64_t id, request_id;
	char channel[8]; /* sms | email */
	char recipient[128];
	char body[OUTBOX_BODY_BYTES];
	int attempts;
};

/* Highest event id already turned into outbox rows; if none ever was, the newest event
 * at the first call on this database, recorded then (the history before the first start
 * is not notified, what came after it is, whatever restarts came between).  Writes once:
 * an error (busy) is to be retried before any event is read. */
int outbox_watermark(struct db *db, int64_t *event_id, struct wq_errbuf *eb);
/* Events after `after`, oldest first, at most max; *n rows filled in out[]. */
int outbox_events_after(struct db *db, int64_t after, struct outbox_event *out, int max,
			int *n, struct wq_errbuf *eb);
/* Queues one message; event_id 0 when it does not come from a request event (an
 * inspector's answer).  A second call for the same event and channel changes nothing,
 * and so does a call for a request that was never paid: no message ever goes to the
 * phone or e-mail of an order nobody paid for (anyone may type anyone's into the form).
 * One statement: it joins the caller's transaction if one is open. */
int outbox_enqueue(struct db *db, int64_t request_id, int64_t event_id, const char *channel,
		   const char *recipient, const char *body, struct wq_errbuf *eb);
/* Messages sent on `channel` to `recipient` since `since` (the notifier's daily caps). */
int outbox_sent_to(struct db *db, const char *channel, const char *recipient, int64_t since,
		   int *n, struct wq_errbuf *eb);
/* Pending messages due at `now`, oldest first. */
int outbox_due(struct db *db, int64_t now, struct outbox_msg *out, int max, int *n,
	       struct wq_errbuf *eb);
int outbox_mark_sent(struct db *db, int64_t id, struct wq_errbuf *eb);
/* One more failed attempt: retried at next_at, or `failed` once max_attempts is reached. */
int outbox_mark_retry(struct db *db, int64_t id, int64_t next_at, int max_attempts,
		      const char *error, struct wq_errbuf *eb);
/* Counts by state, for tests and the operator. */
int outbox_counts(struct db *db, int *pending, int *sent, int *failed, struct wq_errbuf *eb);

#endif
