/* notice.h - messages to offices (issue 14 item 4): an inspector, a supervisor or an
 * admin writes a short notice to one office, the offices of a province or one account;
 * its recipients read it on any screen (M), the sender sees who read it and when, and
 * both reply in the same thread.  Who may write to whom is decided here, in the writing
 * transaction, from the actor: a supervisor to its office and the accounts in it, a
 * province's inspector to the offices and accounts of its province, a national
 * inspector and an admin anywhere; any account may reply in a thread it was sent or
 * started, nobody else.  An account reads only the notices it wrote or that were
 * addressed to it (to it, or to its office or province when they were sent).  Every
 * write is audited (notice.send, notice.reply, notice.read).  SQL in db_notice.c. */
#ifndef WQ_NOTICE_H
#define WQ_NOTICE_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"
#include "limits.h"

enum notice_to { NOTICE_TO_OFFICE, NOTICE_TO_PROVINCE, NOTICE_TO_ACCOUNT, NOTICE_TO_COUNT };

/* "office", "province", "account" */
const char *notice_to_name(enum notice_to to);

/* One notice as the actor may read it. */
struct notice {
	int64_t id, thread_id;
	char author[USERNAME_MAX_BYTES];
	char to_kind[12];  /* "office", "province", "account" or "reply" */
	char to_label[64]; /* the office or province code, the account; a reply's recipient */
	int64_t sent_at;
	char body[NOTICE_MAX_BYTES];
	int mine;	 /* the actor wrote it */
	int64_t read_at; /* addressed to the actor: when it read it (0: not yet) */
	int recipients;	 /* the actor's own: how many accounts it went to */
	int readers;	 /* ... and how many of them have read it */
};

/* A thread as the actor's list shows it: its first notice, its size, what is unread. */
struct notice_thread {
	int64_t thread_id;
	int64_t last_at; /* the newest notice the actor may read */
	char author[USERNAME_MAX_BYTES];
	char to_label[64];
	char body[NOTICE_MAX_BYTES]; /* the first notice's */
	int notices;		     /* those of the thread the actor may read */
	int unread;		     /* addressed to the actor and not read yet */
	int mine;		     /* the actor started it */
};

struct notice_receipt {
	char username[USERNAME_MAX_BYTES];
	int64_t read_at; /* 0: not read yet */
};

/* A new thread to office/province code or account name `to` (a province: the accounts
 * of its offices and its own, inspector and post); *id_out its id (also the thread's).  WQ_EDENIED beyond the actor's role or scope (field "to"), WQ_EINVAL for an
 * empty or too long text (field "notice") or a target nobody would read. */
int notice_send(struct db *db, const struct actor *a, enum notice_to kind, const char *to,
		const char *body, int64_t *id_out, struct wq_errbuf *eb);
/* notice_send() inside the caller's transaction, which has checked the actor (DB_TX_AS):
 * a notice that goes with another write (the national answer to the province's
 * inspector who raised the request, db_national.c), so that both or neither happen. */
int notice_send_in_tx(struct db *db, const struct actor *a, enum notice_to kind,
		      const char *to, const char *body, int64_t *id_out, struct wq_errbuf *eb);
/* A reply in thread_id by its author (to the accounts the thread was sent to) or by one
 * of them (to its author); WQ_ENOTFOUND for a thread the actor is not part of. */
int notice_reply(struct db *db, const struct actor *a, int64_t thread_id, const char *body,
		 int64_t *id_out, struct wq_errbuf *eb);
/* How many notices addressed to the actor it has not opened (the title line's mark). */
int notice_unread(struct db *db, const struct actor *a, int *n, struct wq_errbuf *eb);
/* The actor's threads, the latest activity first; *out malloc'd. */
int notice_threads(struct db *db, const struct actor *a, struct notice_thread **out, int *n,
		   struct wq_errbuf *eb);
/* The notices of a thread the actor may read, oldest first; *out malloc'd.
 * WQ_ENOTFOUND when it may read none. */
int notice_thread_get(struct db *db, const struct actor *a, int64_t thread_id,
		      struct notice **out, int *n, struct wq_errbuf *eb);
/* Marks what the thread holds for the actor as read now (the sender's receipt);
 * *n how many were unread.  Audited when there were some. */
int notice_mark_read(struct db *db, const struct actor *a, int64_t thread_id, int *n,
		     struct wq_errbuf *eb);
/* Who a notice of the actor's own went to and when each read it (readers first, in the
 * order they read, then the others by name).  WQ_ENOTFOUND for anyone else's. */
int notice_receipts(struct db *db, const struct actor *a, int64_t notice_id,
		    struct notice_receipt **out, int *n, struct wq_errbuf *eb);

#endif
