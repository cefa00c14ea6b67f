/* pay_inquiry.c - before an unpaid order expires, the gateway is asked whether it was
 * paid after all.  The gateway tells us of a payment by its callback, and the citizen's
 * browser by its return; when serve is down as the card is charged (a restart, an
 * upgrade), the gateway's few tries of its callback find nobody and the return may be
 * lost too: the card was charged, the order stayed pending_payment and the minute's
 * sweep expired it a day later, the money kept and nothing owed back.  Now the sweep
 * asks first (payment.h step 6, an inquiry by our own order number: nothing a stranger
 * typed reaches the gateway), and a paid order is recorded as its callback would have
 * (request_mark_paid, idempotent on txn) instead of expired.  An order the gateway
 * cannot be asked about (down, slow, nonsense) is not expired this minute.  The same for
 * a returned envelope's re-dispatch postage before the envelope is destroyed.  Runs on
 * the web side's sender thread (notify.c), outside any transaction. */
#include <string.h>

#include "limits.h"
#include "log.h"
#include "pay_inquiry.h"
#include "payment.h"
#include "request.h"

int paid_in_group(struct db *db, void *arg, struct wq_errbuf *eb)
{
	struct paid_job *j = arg;
	return request_mark_paid(db, j->id, j->txn, j->amount_centimes, j->already, eb);
}

int postage_in_group(struct db *db, void *arg, struct wq_errbuf *eb)
{
	struct postage_job *j = arg;
	return redispatch_mark_paid(db, j->order, j->txn, j->amount_centimes, j->how, eb);
}

static int run_job(struct db *db, struct db_group *group, db_group_fn fn, void *arg,
		   struct wq_errbuf *eb)
{
	return group ? db_group_run(group, fn, arg, eb) : fn(db, arg, eb);
}

int64_t pay_inquiry_unpaid(const struct config *cfg, struct db *db, struct db_group *group)
{
	struct unpaid_due due[PAY_INQUIRY_BATCH];
	struct wq_errbuf eb;
	int n = 0;
	int64_t upto = 0;
	wq_errbuf_clear(&eb);
	if (request_unpaid_due(db, PAYMENT_EXPIRY_SECONDS, due, PAY_INQUIRY_BATCH, &n, &eb)) {
		log_event(LOG_LEVEL_ERROR, "error", "pay inquiry: unpaid orders: %s", eb.msg);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		struct payment_status st;
		if (payment_inquiry(cfg, due[i].tracking, &st, &eb)) {
			log_event(LOG_LEVEL_WARNING, "error", "pay inquiry: %s not expired this "
				  "minute, the gateway could not say whether it was paid: %s",
				  due[i].tracking, eb.msg);
			break;
		}
		if (!strcmp(st.status, "paid") && st.amount_centimes != due[i].fee_centimes) {
			log_event(LOG_LEVEL_ERROR, "error", "pay inquiry: %s: the gateway's txn %s "
				  "is for %lld centimes, the fee %lld: not recorded",
				  due[i].tracking, st.txn, (long long)st.amount_centimes,
				  (long long)due[i].fee_centimes);
		} else if (!strcmp(st.status, "paid")) {
			int already = 0;
			struct paid_job j = {due[i].id, st.txn, st.amount_centimes, &already};
			if (run_job(db, group, paid_in_group, &j, &eb)) {
				log_event(LOG_LEVEL_ERROR, "error", "pay inquiry: recording %s of %s: %s",
					  st.txn, due[i].tracking, eb.msg);
				break;
			}
			log_event(LOG_LEVEL_INFO, "payment", "payment %s found at the gateway: %s, "
				  "%lld centimes (its callback never came)", st.txn,
				  due[i].tracking, (long long)st.amount_centimes);
		}
		upto = due[i].id;
	}
	return upto;
}

int pay_inquiry_postage(const struct config *cfg, struct db *db, struct db_group *group,
			int64_t keep_seconds)
{
	struct redispatch due[PAY_INQUIRY_BATCH];
	struct wq_errbuf eb;
	int n = 0;
	wq_errbuf_clear(&eb);
	if (redispatch_unpaid_due(db, keep_seconds, due, PAY_INQUIRY_BATCH, &n, &eb)) {
		log_event(LOG_LEVEL_ERROR, "error", "pay inquiry: postage orders: %s", eb.msg);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		struct payment_status st;
		if (payment_inquiry(cfg, due[i].order_ref, &st, &eb)) {
			log_event(LOG_LEVEL_WARNING, "error", "pay inquiry: no envelope destroyed this "
				  "minute, the gateway could not say whether %s was paid: %s",
				  due[i].order_ref, eb.msg);
			return 0;
		}
		if (strcmp(st.status, "paid"))
			continue;
		if (st.amount_centimes != due[i].fee_centimes) {
			log_event(LOG_LEVEL_ERROR, "error", "pay inquiry: %s: the gateway's txn %s "
				  "is for %lld centimes, the postage %lld: not recorded",
				  due[i].order_ref, st.txn, (long long)st.amount_centimes,
				  (long long)due[i].fee_centimes);
			continue;
		}
		enum redispatch_paid how;
		struct postage_job j = {due[i].order_ref, st.txn, st.amount_centimes, &how};
		if (run_job(db, group, postage_in_group, &j, &eb)) {
			log_event(LOG_LEVEL_ERROR, "error", "pay inquiry: recording %s of %s: %s",
				  st.txn, due[i].order_ref, eb.msg);
			return 0;
		}
		log_event(LOG_LEVEL_INFO, "payment", "postage %s found at the gateway: %s, %lld "
			  "centimes (its callback never came); %s back to the post desk", st.txn,
			  due[i].order_ref, (long long)st.amount_centimes, due[i].tracking);
	}
	return 1;
}
