/* refund.c - the sender of refunds (refund.h): run by the web side's notifier thread
 * with its own connection.  Each due refund is marked sent (one more attempt, the next
 * try scheduled) in its own short transaction *before* the gateway call, and the answer
 * is recorded in another after it: no transaction is held across the network, and a
 * kill -9 at any point leaves either an owed row (never called) or a sent row (maybe
 * called), which is sent again with the same idempotency key, so the gateway refunds
 * it once.  The fees' refunds and the postage owed back (postage_refund.h) are two
 * books of the same outbox: one row of `books` each, sent by the same loop.  Each mark
 * goes into the web side's group commit (db_group.h) when there is one: its fsync
 * shared with the orders and payments of the moment.  No SQL here (db_refund.c,
 * db_postage_refund.c). */
#include <stdio.h>
#include <string.h>

#include "db_group.h"
#include "log.h"
#include "notify.h"
#include "payment.h"
#include "postage_refund.h"
#include "refund.h"
#include "util.h"

#define REFUND_BATCH 10

void refund_message(const struct refund *r, int refunded, char *out, size_t len)
{
	/* [postage][refunded][ar]: tracking, then amount */
	static const char *const text[2][2][2] = {
		{{"Watiqa : votre demande %s : le remboursement de %s DH sur votre carte "
		  "a été refusé. Le service financier vous contactera.",
		  "وثيقة: طلبك %s: تعذر إرجاع %s درهم إلى بطاقتك. ستتصل بك المصلحة المالية."},
		 {"Watiqa : votre demande %s : %s DH ont été remboursés sur votre carte.",
		  "وثيقة: طلبك %s: تم إرجاع %s درهم إلى بطاقتك البنكية."}},
		{{"Watiqa : votre demande %s : le remboursement des frais d'envoi payés en trop "
		  "(%s DH) a été refusé par votre carte. Le service financier vous contactera.",
		  "وثيقة: طلبك %s: رفضت بطاقتك إرجاع رسوم الإرسال المدفوعة زيادة (%s درهم). "
		  "ستتصل بك المصلحة المالية."},
		 {"Watiqa : votre demande %s : les frais d'envoi payés en trop (%s DH) ont été "
		  "remboursés sur votre carte.",
		  "وثيقة: طلبك %s: تم إرجاع رسوم الإرسال المدفوعة زيادة (%s درهم) إلى بطاقتك."}},
	};
	char amount[24];
	wq_fmt_money(r->amount_centimes, amount, sizeof amount);
	snprintf(out, len, text[r->postage != 0][refunded != 0][!strcmp(r->lang, "ar")],
		 r->tracking, amount);
}

void refund_group_message(const struct refund *r, int64_t refunded, int64_t refused,
			  char *out, size_t len)
{
	struct refund all = *r;
	if (!refunded || !refused) { /* all one way: the message of one refund, summed */
		all.amount_centimes = refunded ? refunded : refused;
		refund_message(&all, refunded != 0, out, len);
		return;
	}
	char back[24], kept[24];
	wq_fmt_money(refunded, back, sizeof back);
	wq_fmt_money(refused, kept, sizeof kept);
	snprintf(out, len,
		 strcmp(r->lang, "ar")
			 ? "Watiqa : votre demande %s : %s DH ont été remboursés sur votre carte ; "
			   "le remboursement de %s DH a été refusé. Le service financier vous "
			   "contactera."
			 : "وثيقة: طلبك %s: تم إرجاع %s درهم إلى بطاقتك البنكية، وتعذر إرجاع %s "
			   "درهم. ستتصل بك المصلحة المالية.",
		 r->tracking, back, kept);
}

void refund_transfer_message(const struct refund *r, const char *ref, char *out, size_t len)
{
	/* [postage][ar]: tracking, amount, then the transfer's reference */
	static const char *const text[2][2] = {
		{"Watiqa : votre demande %s : %s DH vous ont été remboursés par virement bancaire "
		 "(réf. %s).",
		 "وثيقة: طلبك %s: تم إرجاع %s درهم إليكم بتحويل بنكي (المرجع %s)."},
		{"Watiqa : votre demande %s : les frais d'envoi payés en trop (%s DH) vous ont été "
		 "remboursés par virement bancaire (réf. %s).",
		 "وثيقة: طلبك %s: تم إرجاع رسوم الإرسال المدفوعة زيادة (%s درهم) إليكم بتحويل "
		 "بنكي (المرجع %s)."},
	};
	char amount[24];
	wq_fmt_money(r->amount_centimes, amount, sizeof amount);
	snprintf(out, len, text[r->postage != 0][!strcmp(r->lang, "ar")], r->tracking, amount,
		 ref);
}

/* The two books of refunds the sender serves, each through its own data layer. */
static const struct refund_book {
	int (*due)(struct db *, int64_t, struct refund *, int, int *, struct wq_errbuf *);
	int (*sending)(struct db *, int64_t, int64_t, struct wq_errbuf *);
	int (*done)(struct db *, int64_t, const char *, const char *, struct wq_errbuf *);
	int (*failed)(struct db *, int64_t, const char *, const char *, struct wq_errbuf *);
	int (*retry)(struct db *, int64_t, const char *, struct wq_errbuf *);
} books[2] = {
	{refund_due, refund_mark_sending, refund_mark_done, refund_mark_failed,
	 refund_mark_retry},
	{postage_refund_due, postage_refund_mark_sending, postage_refund_mark_done,
	 postage_refund_mark_failed, postage_refund_mark_retry},
};

/* One mark of a refund's, in its book: sending, done, failed or retry. */
struct mark {
	const struct refund_book *b;
	enum { M_SENDING, M_DONE, M_FAILED, M_RETRY } kind;
	int64_t id, next;
	const char *text, *sms;
};

static int mark_in(struct db *db, void *arg, struct wq_errbuf *eb)
{
	const struct mark *m = arg;
	switch (m->kind) {
	case M_SENDING:
		return m->b->sending(db, m->id, m->next, eb);
	case M_DONE:
		return m->b->done(db, m->id, m->text, m->sms, eb);
	case M_FAILED:
		return m->b->failed(db, m->id, m->text, m->sms, eb);
	default:
		return m->b->retry(db, m->id, m->text, eb);
	}
}

/* Acknowledged on disk either way: in the group's COMMIT, or in the mark's own. */
static int mark(struct db *db, struct db_group *g, struct mark m, struct wq_errbuf *eb)
{
	return g ? db_group_run(g, mark_in, &m, eb) : mark_in(db, &m, eb);
}

/* One refund: sent, then what the gateway said recorded.  Returns 0 if the row could
 * not even be marked (the database is busy: the next round tries again). */
static int send_one(struct db *db, struct db_group *g, const struct config *cfg,
		    const struct refund *r)
{
	struct wq_errbuf eb, geb;
	char ref[64], sms[OUTBOX_BODY_BYTES];
	wq_errbuf_clear(&eb);
	wq_errbuf_clear(&geb);
	int64_t next = wq_now() + notify_backoff(r->attempts);
	const struct refund_book *b = &books[r->postage != 0];
	if (mark(db, g, (struct mark){b, M_SENDING, r->id, next, NULL, NULL}, &eb)) {
		log_event(LOG_LEVEL_ERROR, "error", "refund: %s: %s", r->idem_key, eb.msg);
		return 0;
	}
	int rc = payment_refund(cfg, r->txn, r->amount_centimes, r->idem_key, ref, sizeof ref,
				&geb);
	if (rc == WQ_OK) {
		refund_message(r, 1, sms, sizeof sms);
		rc = mark(db, g, (struct mark){b, M_DONE, r->id, 0, ref, sms}, &eb);
	} else if (rc == WQ_EDENIED) {
		refund_message(r, 0, sms, sizeof sms);
		log_event(LOG_LEVEL_WARNING, "payment", "refund: %s refused: %s", r->idem_key,
			  geb.msg);
		rc = mark(db, g, (struct mark){b, M_FAILED, r->id, 0, geb.msg, sms}, &eb);
	} else {
		/* no answer: stays sent, tried again at `next` with the same key */
		rc = mark(db, g, (struct mark){b, M_RETRY, r->id, 0, geb.msg, NULL}, &eb);
	}
	if (rc)
		log_event(LOG_LEVEL_ERROR, "error",
			  "refund: recording %s: %s (sent again later)", r->idem_key, eb.msg);
	return 1;
}

int refund_send_due(struct db *db, struct db_group *g, const struct config *cfg, int *sent)
{
	struct refund due[REFUND_BATCH];
	struct wq_errbuf eb;
	int more = 0;
	*sent = 0;
	for (int k = 0; k < 2; k++) {
		int n = 0;
		wq_errbuf_clear(&eb);
		if (books[k].due(db, wq_now(), due, REFUND_BATCH, &n, &eb)) {
			log_event(LOG_LEVEL_ERROR, "error", "refund: %s", eb.msg);
			continue;
		}
		for (int i = 0; i < n; i++)
			*sent += send_one(db, g, cfg, &due[i]);
		more |= n == REFUND_BATCH;
	}
	return more;
}
