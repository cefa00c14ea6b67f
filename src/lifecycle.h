/* lifecycle.h - the request's states and the table of who may move a request from
 * which state to which (DESIGN.md, "The request's life"). Pure: no SQL, no I/O. */
#ifndef WQ_LIFECYCLE_H
#define WQ_LIFECYCLE_H

#include "actor.h"
#include "err.h"

enum req_state {
	RS_NONE = -1,
	RS_PENDING_PAYMENT = 0,
	RS_PAID,	  /* in the office queue */
	RS_CLAIMED,	  /* an agent took it */
	RS_IN_PRODUCTION, /* record found, documents being produced */
	RS_AWAITING_SIGNATURE, /* produced: waits for an officer of the office to sign */
	RS_SIGNED,	  /* signed by the officer: the agent seals the envelope */
	RS_READY,	  /* documents in a sealed envelope */
	RS_WITH_POST,	  /* registered-mail code attached */
	RS_DELIVERED,
	RS_REJECTED, /* record not found / data wrong; refund owed */
	RS_RETURNED, /* the post could not deliver */
	RS_EXPIRED,  /* never paid */
	RS_CANCELLED, /* by the citizen while in the queue; refund owed */
	RS_TO_COLLECT, /* returned, the citizen will collect it at the office (CIN) */
	RS_DESTROYED,  /* returned and destroyed (the citizen's choice, or no choice); refund owed */
	RS_COUNT
};

enum {
	TR_NEEDS_REASON = 1 << 0, /* a note is required (rejection, return) */
	TR_OWN_CLAIM = 1 << 1,	  /* an agent may do it only on a request he claimed */
	TR_SETS_AGENT = 1 << 2,	  /* the claiming agent is recorded */
	TR_CLEARS_AGENT = 1 << 3, /* back to the queue */
};

struct transition {
	enum req_state from, to;
	unsigned roles; /* ROLE_BIT() set */
	unsigned flags;
	const char *verb; /* "claim", "start", ... for the audit log and messages */
};

extern const struct transition transitions[];
extern const int transitions_count;

const char *req_state_name(enum req_state s);	     /* "paid" */
const char *req_state_label(enum req_state s, const char *lang); /* for people */
enum req_state req_state_from_name(const char *s); /* RS_NONE if unknown */
int req_state_is_final(enum req_state s);

const struct transition *lifecycle_find(enum req_state from, enum req_state to);
/* Is `a` allowed to move a request from `from` to `to`?  is_own: the request is
 * claimed by `a`.  Returns WQ_OK, or WQ_EDENIED / WQ_ECONFLICT / WQ_EINVAL with a
 * sentence in eb. Scope is checked by the data layer, which knows the offices. */
int lifecycle_check(const struct actor *a, enum req_state from, enum req_state to,
		    int is_own, const char *note, struct wq_errbuf *eb);

/* The history's note for a signature by the relay office's officer on a relayed
 * office's behalf, kept free of any language: "\x1f" "behalf CODE" "\x1f" then the
 * officer's own note (no one types a control character: the forms refuse them).  Each
 * reader says it in its own language (history_text.h). */
void lifecycle_behalf_note(const char *office_code, const char *note, char *buf, size_t len);
/* 1 when note is such a note (or the English one written before it: "signed on behalf
 * of CODE (relayed)[: note]"): the office's code into office, *rest at the officer's
 * own note ("" if none); else 0. */
int lifecycle_behalf_of(const char *note, char *office, size_t olen, const char **rest);
/* The history's note for the national inspection's answer to a raised request, free of
 * any language in the same way: "\x1f" "national" "\x1f" then the answer. */
void lifecycle_national_note(const char *answer, char *buf, size_t len);
/* The answer in such a note, or NULL for any other note. */
const char *lifecycle_national_of(const char *note);
/* The history's note for a raise to the national inspection, the same way: "\x1f"
 * "raised" "\x1f" then the province inspector's note, or nothing when the sweep raised
 * it (past its deadline at the province: the reader's language says so). */
void lifecycle_raise_note(const char *why, char *buf, size_t len);
/* The note of such a raise ("" when raised by itself), or NULL for any other note. */
const char *lifecycle_raise_of(const char *note);

#endif
