/* notify.c - the web side's background thread (started by http_server_start): every
 * second it turns request events newer than its watermark into outbox rows (one per
 * channel, idempotent on the event), sends what is due to the SMS/e-mail gateway
 * (cfg->sms_url) with libcurl, retrying with exponential backoff, sends the refunds due
 * to the payment gateway (refund.c), and once a minute expires requests left unpaid
 * (those the gateway says were not paid: pay_inquiry.c),
 * destroys (and refunds) returned envelopes nobody chose for, and runs the escalation
 * sweep (escalate.h: a complaint
 * for each request past its announced delivery window).  It has its own database connection and never holds a
 * transaction across a network call, so a dead gateway delays only its own messages.
 * The outbox's writes (a batch of events queued, each message or refund marked) go
 * into the web side's group commit (db_group.h) with the orders and payments of the
 * moment: one fsync shared, not one each (a batch of 100 events was up to 200), and so
 * do the minute's sweeps (expiry, purges, destroyed envelopes, escalations), each
 * bounded (500 requests, ESCALATE_SWEEP_BATCH), which committed alone with the write
 * lock held through their fsync.  Its own connection's commits (none left but in
 * tests without a group) let go of the lock before the fsync (db_sync.h). */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anon.h"
#include "complaint_desk.h"
#include "db_group.h"
#include "db_sync.h"
#include "escalate.h"
#include "lines.h"
#include "national.h"
#include "http_buf.h"
#include "log.h"
#include "lines.h"
#include "notify.h"
#include "pay_inquiry.h"
#include "refund.h"
#include "request.h"
#include "util.h"

#define EVENT_BATCH 100
#define SEND_BATCH 20

struct notifier {
	struct config cfg;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	struct db *db;
	struct db_group *group; /* the outbox's writes; NULL: each its own commit */
	struct escalate_rules rules;
};

/* A write of the outbox's, acknowledged once on disk: in the group, or alone. */
static int outbox_write_job(struct notifier *n, db_group_fn fn, void *arg,
			    struct wq_errbuf *eb)
{
	return n->group ? db_group_run(n->group, fn, arg, eb) : fn(n->db, arg, eb);
}

int notify_backoff(int attempts)
{
	int64_t d = NOTIFY_BACKOFF_SECONDS;
	for (int i = 0; i < attempts && d < NOTIFY_BACKOFF_MAX_SECONDS; i++)
		d *= 2;
	return d > NOTIFY_BACKOFF_MAX_SECONDS ? NOTIFY_BACKOFF_MAX_SECONDS : (int)d;
}

/* One document of an order rejected (db_lines.c notes "line N rejected (full copy x1):
 * reason" on an event that stays in its state): which one, why, and that its fee comes
 * back while the others go on.  Any other same-state event (a move between offices)
 * tells the citizen nothing. */
static int line_rejected_message(const struct outbox_event *e, char *out, size_t len)
{
	int no = 0, n = 0;
	const char *why = strstr(e->note, "): ");
	if (sscanf(e->note, "line %d rejected (%n", &no, &n) < 1 || n == 0 || !why)
		return 0;
	int ar = !strcmp(e->lang, "ar");
	const char *doc = lines_doc_label(strncmp(e->note + n, "full copy", 9) ? "extract"
									   : "full_copy",
					  ar ? "ar" : "fr");
	n = (int)(why + 3 - e->note);
	if (ar)
		snprintf(out, len, "وثيقة: طلبك %s: تعذر تسليم %s. السبب: %.100s. سيتم إرجاع رسمها "
			 "إلى بطاقتك، وتستمر باقي الوثائق.", e->tracking, doc, e->note + n);
	else
		snprintf(out, len, "Watiqa : votre demande %s : le document « %s » ne peut être "
			 "délivré. Motif : %.100s. Son droit sera remboursé sur votre carte ; les "
			 "autres documents suivent leur cours.", e->tracking, doc, e->note + n);
	return 1;
}

int notify_message(const struct outbox_event *e, char *out, size_t len)
{
	/* nothing for an order never paid: "expired" went to whatever phone and e-mail a
	 * stranger typed into the form (outbox_enqueue refuses such a request anyway) */
	if (e->from == e->to && e->to != RS_NONE)
		return line_rejected_message(e, out, len);
	if (e->to == RS_NONE || e->to == RS_PENDING_PAYMENT || e->to == RS_EXPIRED)
		return 0;
	/* the signature is the office's own step: the tracking page shows it, but the
	 * citizen's phone hears of production once, then of the sealed envelope */
	if (e->to == RS_AWAITING_SIGNATURE || e->to == RS_SIGNED ||
	    (e->to == RS_IN_PRODUCTION && e->from == RS_AWAITING_SIGNATURE))
		return 0;
	int ar = !strcmp(e->lang, "ar");
	const char *label = req_state_label(e->to, ar ? "ar" : "fr");
	char extra[360] = "";
	if (e->to == RS_PAID) {
		char fee[24];
		wq_fmt_money(e->fee_centimes, fee, sizeof fee);
		snprintf(extra, sizeof extra, ar ? " المبلغ المؤدى: %s درهم." : " Montant payé : %s DH.",
			 fee);
	} else if (e->to == RS_WITH_POST && e->mail_code[0]) {
		snprintf(extra, sizeof extra,
			 ar ? " رقم الإرسالية المضمونة: %s." : " Envoi recommandé n° %s.",
			 e->mail_code);
	} else if (e->to == RS_RETURNED) {
		/* the citizen has a choice to make: say where */
		snprintf(extra, sizeof extra,
			 ar ? " السبب: %.80s اختاروا في صفحة التتبع: إعادة الإرسال إلى عنوان مصحح أو "
			      "السحب من المكتب أو استرجاع المبلغ."
			    : " Motif : %.80s. Choisissez sur la page de suivi : renvoi à une adresse "
			      "corrigée, retrait au bureau ou remboursement.",
			 e->note);
	} else if (e->to == RS_REJECTED || e->to == RS_CANCELLED || e->to == RS_DESTROYED) {
		/* the fee goes back to the card: say so, the refund's own message follows */
		char fee[24];
		wq_fmt_money(e->fee_centimes, fee, sizeof fee);
		if (e->lines_refunded_before) /* a document's fee went back already */
			snprintf(extra, sizeof extra,
				 ar ? "%s%.100s سيتم إرجاع ما تبقى من المبلغ إلى بطاقتك."
				    : "%s%.100s Le reste de votre paiement sera remboursé sur "
				      "votre carte.",
				 e->note[0] ? (ar ? " السبب: " : " Motif : ") : "", e->note);
		else
			snprintf(extra, sizeof extra,
				 ar ? "%s%.100s سيتم إرجاع %s درهم إلى بطاقتك."
				    : "%s%.100s Les %s DH seront remboursés sur votre carte.",
				 e->note[0] ? (ar ? " السبب: " : " Motif : ") : "", e->note, fee);
	}
	snprintf(out, len, ar ? "وثيقة: طلبك %s: %s.%s" : "Watiqa : votre demande %s : %s.%s",
		 e->tracking, label, extra);
	return 1;
}

struct queue_job {
	const struct outbox_event *ev;
	int k, at; /* events, and the one being queued */
};

/* The batch's messages, each idempotent on its event and channel (INSERT OR IGNORE). */
static int queue_in_group(struct db *db, void *arg, struct wq_errbuf *eb)
{
	struct queue_job *q = arg;
	for (q->at = 0; q->at < q->k; q->at++) {
		const struct outbox_event *e = &q->ev[q->at];
		char body[OUTBOX_BODY_BYTES];
		int rc = WQ_OK;
		if (!notify_message(e, body, sizeof body))
			continue;
		if (e->phone[0])
			rc = outbox_enqueue(db, e->request_id, e->event_id, "sms", e->phone, body,
					    eb);
		if (!rc && e->email[0])
			rc = outbox_enqueue(db, e->request_id, e->event_id, "email", e->email,
					    body, eb);
		if (rc)
			return rc;
	}
	return WQ_OK;
}

/* The first start records its starting point (outbox_watermark): a write, in the group. */
static int watermark_in_group(struct db *db, void *arg, struct wq_errbuf *eb)
{
	return outbox_watermark(db, arg, eb);
}

/* Returns 1 if a full batch was read (more may be waiting). */
static int queue_events(struct notifier *n, int64_t *watermark)
{
	struct outbox_event ev[EVENT_BATCH];
	int k = 0;
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	if (outbox_events_after(n->db, *watermark, ev, EVENT_BATCH, &k, &eb) || !k)
		return 0;
	struct queue_job q = {ev, k, 0};
	if (outbox_write_job(n, queue_in_group, &q, &eb)) {
		/* busy, or the commit failed: the whole batch again next round */
		log_event(LOG_LEVEL_ERROR, "error", "notify: queueing event %lld: %s",
			  (long long)ev[q.at < k ? q.at : k - 1].event_id, eb.msg);
		return 0;
	}
	*watermark = ev[k - 1].event_id;
	return k == EVENT_BATCH;
}

struct mark_job {
	int64_t id, next_at;
	int max_attempts;
	const char *error; /* NULL: sent */
};

static int mark_in_group(struct db *db, void *arg, struct wq_errbuf *eb)
{
	const struct mark_job *m = arg;
	return m->error ? outbox_mark_retry(db, m->id, m->next_at, m->max_attempts, m->error, eb)
			: outbox_mark_sent(db, m->id, eb);
}

static size_t discard(char *d, size_t s, size_t nm, void *u)
{
	(void)d, (void)u;
	return s * nm;
}

/* One message to the gateway; 0 if it took it (2xx). */
static int send_one(struct notifier *n, const struct outbox_msg *m, char *err, size_t errlen)
{
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	struct buf body;
	buf_init(&body);
	buf_puts(&body, "channel=");
	buf_url(&body, m->channel);
	buf_puts(&body, "&to=");
	buf_url(&body, m->recipient);
	buf_puts(&body, "&body=");
	buf_url(&body, m->body);
	buf_printf(&body, "&ref=outbox-%lld", (long long)m->id);
	curl_easy_setopt(h, CURLOPT_URL, n->cfg.sms_url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)NOTIFY_SEND_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, buf_str(&body));
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)body.len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	CURLcode cc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	buf_free(&body);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(cc));
		return -1;
	}
	if (code < 200 || code > 299) {
		snprintf(err, errlen, "gateway answered HTTP %ld", code);
		return -1;
	}
	return 0;
}

/* Returns 1 if a full batch was due (more may be waiting). */
static int send_due(struct notifier *n)
{
	struct outbox_msg m[SEND_BATCH];
	int k = 0;
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	if (outbox_due(n->db, wq_now(), m, SEND_BATCH, &k, &eb))
		return 0;
	for (int i = 0; i < k; i++) {
		char err[200];
		int sent = 0, cap = strcmp(m[i].channel, "email") ? n->cfg.sms_per_phone_per_day
								   : n->cfg.email_per_address_per_day;
		/* a daily cap per recipient: past it the message is dropped, with the reason */
		struct mark_job mk = {m[i].id, 0, 0, NULL};
		if (cap > 0 && !outbox_sent_to(n->db, m[i].channel, m[i].recipient,
					       wq_now() - 86400, &sent, &eb) && sent >= cap) {
			snprintf(err, sizeof err, "daily cap: %d messages sent to this %s in 24 h",
				 sent, strcmp(m[i].channel, "email") ? "phone" : "address");
			mk = (struct mark_job){m[i].id, wq_now(), 0, err}; /* dropped at once */
		} else if (send_one(n, &m[i], err, sizeof err)) {
			mk = (struct mark_job){m[i].id, wq_now() + notify_backoff(m[i].attempts),
					       NOTIFY_MAX_ATTEMPTS, err};
		}
		outbox_write_job(n, mark_in_group, &mk, &eb);
		pthread_mutex_lock(&n->mu);
		int stop = n->stop;
		pthread_mutex_unlock(&n->mu);
		if (stop)
			return 0;
	}
	return k == SEND_BATCH;
}

/* What strangers leave behind, once a minute: the personal data of orders that expired
 * unpaid past unpaid_retention_days, the wrong-code counts of numbers left alone for
 * SECRET_TRIES_KEEP_SECONDS, the failure counters past ANON_KEEP_SECONDS. */
static void forget_unpaid(struct notifier *n, struct db *db)
{
	struct wq_errbuf eb;
	int k = 0;
	wq_errbuf_clear(&eb);
	if (n->cfg.unpaid_retention_days > 0 &&
	    request_purge_unpaid(db, wq_now() - (int64_t)n->cfg.unpaid_retention_days * 86400,
				 &k, &eb))
		log_event(LOG_LEVEL_ERROR, "error", "notify: purge of unpaid orders: %s", eb.msg);
	else if (k)
		log_event(LOG_LEVEL_INFO, "purge", "notify: personal data of %d unpaid order%s erased",
			  k, k == 1 ? "" : "s");
	if (request_secret_tries_prune(db, wq_now() - SECRET_TRIES_KEEP_SECONDS, &k, &eb))
		log_event(LOG_LEVEL_ERROR, "error", "notify: prune of wrong-code counts: %s",
			  eb.msg);
	if (anon_fail_prune(db, wq_now() - ANON_KEEP_SECONDS, &k, &eb))
		log_event(LOG_LEVEL_ERROR, "error", "notify: prune of failure counters: %s", eb.msg);
}

struct sweep_job {
	struct notifier *n;
	int64_t unpaid_upto; /* the unpaid orders the gateway answered for: ids up to this */
	int postage_known;   /* it answered for every postage order of an envelope due */
};

/* The minute's sweeps, in one group job: each part's error is logged and the others
 * still run (a failed part rolls back only its own savepoint). */
static int minute_sweeps_in_group(struct db *db, void *arg, struct wq_errbuf *unused)
{
	struct sweep_job *j = arg;
	struct notifier *n = j->n;
	struct wq_errbuf eb;
	int expired = 0;
	(void)unused;
	wq_errbuf_clear(&eb);
	if (j->unpaid_upto > 0 && request_expire_unpaid_upto(db, PAYMENT_EXPIRY_SECONDS,
							     j->unpaid_upto, &expired, &eb))
		log_event(LOG_LEVEL_ERROR, "error", "notify: expiry sweep: %s", eb.msg);
	forget_unpaid(n, db);
	if (j->postage_known &&
	    request_destroy_unclaimed(db, (int64_t)n->cfg.returned_keep_days * 86400, &expired,
				      &eb))
		log_event(LOG_LEVEL_ERROR, "error", "notify: returned envelopes sweep: %s", eb.msg);
	return WQ_OK;
}

/* Monotonic seconds: the sweep keeps its pace whatever WATIQA_FAKE_NOW says. */
static int64_t mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

struct escalate_job {
	struct notifier *n;
	int more; /* the sweep stopped at its batch */
};

/* The escalation sweeps, in one group job, each part's error logged. */
static int escalate_in_group(struct db *db, void *arg, struct wq_errbuf *unused)
{
	struct escalate_job *j = arg;
	struct notifier *n = j->n;
	int opened = 0, more = 0;
	struct wq_errbuf eb;
	(void)unused;
	wq_errbuf_clear(&eb);
	j->more = 0;
	if (escalate_sweep(db, &n->rules, wq_now(), &opened, &more, &eb)) {
		log_event(LOG_LEVEL_ERROR, "error", "notify: escalation sweep: %s", eb.msg);
		return WQ_OK;
	}
	if (opened)
		log_event(LOG_LEVEL_INFO, "complaint",
			  "notify: %d complaint%s opened for a missed delivery window",
			opened, opened == 1 ? "" : "s");
	/* and the complaints a province left unanswered go up to the national inspection */
	int raised = 0;
	if (complaint_desk_raise_overdue(db, &n->rules, wq_now(), &raised, &eb))
		log_event(LOG_LEVEL_ERROR, "error", "notify: complaints past the province: %s",
			  eb.msg);
	else if (raised)
		log_event(LOG_LEVEL_INFO, "complaint",
			  "notify: %d complaint%s raised to the national inspection", raised,
			  raised == 1 ? "" : "s");
	/* and the requests left late at the province inspector's level, the same way */
	raised = 0;
	if (national_raise_overdue(db, &n->rules, wq_now(), &raised, &eb))
		log_event(LOG_LEVEL_ERROR, "error", "notify: requests past the province: %s",
			  eb.msg);
	else if (raised)
		log_event(LOG_LEVEL_INFO, "escalation",
			  "notify: %d request%s raised to the national inspection", raised,
			  raised == 1 ? "" : "s");
	j->more = more;
	return WQ_OK;
}

/* Returns 1 if the sweep stopped at its batch (more may be waiting). */
static int escalate_due(struct notifier *n)
{
	struct escalate_job j = {n, 0};
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	if (outbox_write_job(n, escalate_in_group, &j, &eb)) {
		log_event(LOG_LEVEL_ERROR, "error", "notify: escalation sweep: %s", eb.msg);
		return 0;
	}
	return j.more;
}

static void *notify_main(void *arg)
{
	struct notifier *n = arg;
	struct wq_errbuf eb;
	int64_t watermark = 0, last_sweep = 0, last_escalate = 0;
	int escalate_more = 1; /* the first round sweeps at once */
	int marked = 0;	       /* no event read before the starting point is known */
	wq_errbuf_clear(&eb);
	for (;;) {
		pthread_mutex_lock(&n->mu);
		int stop = n->stop;
		pthread_mutex_unlock(&n->mu);
		if (stop)
			break;
		if (!marked && !(marked = !outbox_write_job(n, watermark_in_group, &watermark, &eb)))
			log_event(LOG_LEVEL_ERROR, "error", "notify: starting point: %s", eb.msg);
		int more = marked ? queue_events(n, &watermark) : 0, refunds = 0;
		/* money before messages: a burst of texts must not hold a refund back */
		more |= refund_send_due(n->db, n->group, &n->cfg, &refunds);
		more |= send_due(n);
		if (wq_now() - last_sweep >= EXPIRY_SWEEP_SECONDS) {
			last_sweep = wq_now();
			/* an unpaid order expires only once the gateway says it was not paid */
			struct sweep_job sj = {
				n, pay_inquiry_unpaid(&n->cfg, n->db, n->group),
				pay_inquiry_postage(&n->cfg, n->db, n->group,
						    (int64_t)n->cfg.returned_keep_days * 86400)};
			if (outbox_write_job(n, minute_sweeps_in_group, &sj, &eb))
				log_event(LOG_LEVEL_ERROR, "error", "notify: sweeps: %s", eb.msg);
		}
		if (escalate_more || mono_seconds() - last_escalate >= ESCALATE_SWEEP_SECONDS) {
			last_escalate = mono_seconds();
			escalate_more = escalate_due(n);
			more |= escalate_more;
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_mutex_lock(&n->mu);
		if (!n->stop && !more)
			pthread_cond_timedwait(&n->cv, &n->mu, &until);
		pthread_mutex_unlock(&n->mu);
	}
	return NULL;
}

int notify_start(const struct config *cfg, struct db_group *group, struct notifier **out,
		 struct wq_errbuf *eb)
{
	*out = NULL;
	struct notifier *n = calloc(1, sizeof *n);
	if (!n)
		return wq_fail(eb, WQ_EIO, NULL, "out of memory");
	n->cfg = *cfg;
	n->group = group;
	struct wq_errbuf heb;
	wq_errbuf_clear(&heb);
	if (escalate_rules_load(&n->rules, cfg, &heb)) /* deadlines still hold, weekends off */
		log_event(LOG_LEVEL_WARNING, "error", "notify: %s; counting weekends only",
			  heb.msg);
	int rc = db_open(cfg->db_path, &n->db, eb);
	if (!rc)
		rc = db_sync_outside_lock(n->db, eb);
	if (rc) {
		db_close(n->db);
		free(n);
		return rc;
	}
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	if (pthread_create(&n->thread, NULL, notify_main, n)) {
		db_close(n->db);
		free(n);
		return wq_fail(eb, WQ_EIO, NULL, "cannot start the notification thread");
	}
	*out = n;
	return WQ_OK;
}

void notify_stop(struct notifier *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->mu);
	n->stop = 1;
	pthread_cond_signal(&n->cv);
	pthread_mutex_unlock(&n->mu);
	pthread_join(n->thread, NULL);
	db_close(n->db);
	free(n);
}
