/* refund.c - the sender of refunds (refund.h): run by the web side's notifier thread
 * with its own connection.  Each due refund is marked sent (one more attempt, the next
 * try scheduled) in its own short transaction *before* the gateway call, and the answer
 * is recorded in another after it: no transaction is held across the network, and a
 * kill -9 at any point leaves either an owed row (never called) or a sent row (maybe
 * called), which is sent again with the same idempotency key, so the gateway refunds
 * it once.  No SQL here (db_refund.c). */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "log.h"
#include "notify.h"
#include "payment.h"
#include "refund.h"
#include "util.h"

#define REFUND_BATCH 10

void refund_message(const struct refund *r, int refunded, char *out, size_t len)
{
	char amount[24];
	int ar = !strcmp(r->lang, "ar");
	wq_fmt_money(r->amount_centimes, amount, sizeof amount);
	if (refunded)
		snprintf(out, len,
			 ar ? "وثيقة: طلبك %s: تم إرجاع %s درهم إلى بطاقتك البنكية."
			    : "Watiqa : votre demande %s : %s DH ont été remboursés sur votre carte.",
			 r->tracking, amount);
	else
		snprintf(out, len,
			 ar ? "وثيقة: طلبك %s: تعذر إرجاع %s درهم إلى بطاقتك. ستتصل بك المصلحة المالية."
			    : "Watiqa : votre demande %s : le remboursement de %s DH sur votre carte "
			      "a été refusé. Le service financier vous contactera.",
			 r->tracking, amount);
}

/* One refund: sent, then what the gateway said recorded.  Returns 0 if the row could
 * not even be marked (the database is busy: the next round tries again). */
static int send_one(struct db *db, const struct config *cfg, const struct refund *r)
{
	struct wq_errbuf eb, geb;
	char ref[64], sms[OUTBOX_BODY_BYTES];
	wq_errbuf_clear(&eb);
	wq_errbuf_clear(&geb);
	int64_t next = wq_now() + notify_backoff(r->attempts);
	if (refund_mark_sending(db, r->id, next, &eb)) {
		log_event(LOG_LEVEL_ERROR, "error", "refund: %s: %s", r->idem_key, eb.msg);
		return 0;
	}
	int rc = payment_refund(cfg, r->txn, r->amount_centimes, r->idem_key, ref, sizeof ref,
				&geb);
	if (rc == WQ_OK) {
		refund_message(r, 1, sms, sizeof sms);
		rc = refund_mark_done(db, r->id, ref, sms, &eb);
	} else if (rc == WQ_EDENIED) {
		refund_message(r, 0, sms, sizeof sms);
		log_event(LOG_LEVEL_WARNING, "payment", "refund: %s refused: %s", r->idem_key,
			  geb.msg);
		rc = refund_mark_failed(db, r->id, geb.msg, sms, &eb);
	} else {
		/* no answer: stays sent, tried again at `next` with the same key */
		rc = refund_mark_retry(db, r->id, geb.msg, &eb);
	}
	if (rc)
		log_event(LOG_LEVEL_ERROR, "error",
			  "refund: recording %s: %s (sent again later)", r->idem_key, eb.msg);
	return 1;
}

int refund_send_due(struct db *db, const struct config *cfg, int *sent)
{
	struct refund due[REFUND_BATCH];
	struct wq_errbuf eb;
	int n = 0;
	*sent = 0;
	wq_errbuf_clear(&eb);
	if (refund_due(db, wq_now(), due, REFUND_BATCH, &n, &eb)) {
		log_event(LOG_LEVEL_ERROR, "error", "refund: %s", eb.msg);
		return 0;
	}
	for (int i = 0; i < n; i++)
		*sent += send_one(db, cfg, &due[i]);
	return n == REFUND_BATCH;
}
