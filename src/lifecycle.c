/* lifecycle.c - the transition table of DESIGN.md: from which state to which, who may
 * do it, and what it requires.  The data layer calls lifecycle_check() inside the
 * transaction, after reading the current state, before writing anything. */
#include <stdio.h>
#include <string.h>

#include "lifecycle.h"

#define STAFF_OFFICE (ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_SUPERVISOR))

const struct transition transitions[] = {
	{RS_PENDING_PAYMENT, RS_PAID, ROLE_BIT(ROLE_SYSTEM), 0, "pay"},
	{RS_PENDING_PAYMENT, RS_EXPIRED, ROLE_BIT(ROLE_SYSTEM), 0, "expire"},
	/* the gateway confirmed a payment after the expiry sweep: honour it */
	{RS_EXPIRED, RS_PAID, ROLE_BIT(ROLE_SYSTEM), 0, "pay"},
	{RS_PAID, RS_CLAIMED, STAFF_OFFICE, TR_SETS_AGENT, "claim"},
	{RS_CLAIMED, RS_PAID, STAFF_OFFICE, TR_OWN_CLAIM | TR_CLEARS_AGENT, "release"},
	{RS_CLAIMED, RS_IN_PRODUCTION, STAFF_OFFICE, TR_OWN_CLAIM, "start"},
	/* the civil-status officer of the office (or of its relay office) signs what was
	 * produced, or sends it back to the agent with a reason; only then is it sealed */
	{RS_IN_PRODUCTION, RS_AWAITING_SIGNATURE, STAFF_OFFICE, TR_OWN_CLAIM, "submit"},
	{RS_AWAITING_SIGNATURE, RS_SIGNED, ROLE_BIT(ROLE_OFFICER), 0, "sign"},
	{RS_AWAITING_SIGNATURE, RS_IN_PRODUCTION, ROLE_BIT(ROLE_OFFICER), TR_NEEDS_REASON,
	 "send back"},
	{RS_SIGNED, RS_READY, STAFF_OFFICE, TR_OWN_CLAIM, "seal"},
	{RS_PAID, RS_REJECTED, STAFF_OFFICE, TR_NEEDS_REASON, "reject"},
	{RS_CLAIMED, RS_REJECTED, STAFF_OFFICE, TR_OWN_CLAIM | TR_NEEDS_REASON, "reject"},
	{RS_IN_PRODUCTION, RS_REJECTED, STAFF_OFFICE, TR_OWN_CLAIM | TR_NEEDS_REASON, "reject"},
	/* the envelope leaves the office: picked up by the post or deposited at its agency */
	{RS_READY, RS_WITH_POST, STAFF_OFFICE | ROLE_BIT(ROLE_POST), 0, "post"},
	{RS_WITH_POST, RS_DELIVERED, ROLE_BIT(ROLE_POST), 0, "deliver"},
	{RS_WITH_POST, RS_RETURNED, ROLE_BIT(ROLE_POST), TR_NEEDS_REASON, "return"},
	/* the citizen changes his mind before any work: out of the queue, fee refunded;
	 * once claimed the office is working on it (request_cancel_citizen) */
	{RS_PAID, RS_CANCELLED, ROLE_BIT(ROLE_CITIZEN), 0, "cancel"},
	/* the envelope came back: the citizen chooses (request_returned_choice), or after
	 * returned_keep_days the office destroys it (request_destroy_unclaimed); either way
	 * a destroyed envelope's fee is refunded */
	{RS_RETURNED, RS_TO_COLLECT, ROLE_BIT(ROLE_CITIZEN), 0, "collect"},
	{RS_RETURNED, RS_DESTROYED, ROLE_BIT(ROLE_CITIZEN) | ROLE_BIT(ROLE_SYSTEM), 0, "destroy"},
	/* or it is sent again to a corrected address once the citizen has paid the postage
	 * (redispatch_mark_paid): back to the post desk, for a new registered-mail code */
	{RS_RETURNED, RS_READY, ROLE_BIT(ROLE_SYSTEM), 0, "resend"},
	{RS_TO_COLLECT, RS_DELIVERED, STAFF_OFFICE, TR_NEEDS_REASON, "hand over"},
	{RS_TO_COLLECT, RS_DESTROYED, ROLE_BIT(ROLE_SYSTEM), 0, "destroy"},
};
const int transitions_count = sizeof transitions / sizeof transitions[0];

static const struct {
	const char *name, *en, *fr, *ar;
} states[RS_COUNT] = {
	[RS_PENDING_PAYMENT] = {"pending_payment", "awaiting payment", "en attente de paiement",
				"في انتظار الأداء"},
	[RS_PAID] = {"paid", "paid, in the office queue", "payée, en file au bureau",
		     "مؤداة، في انتظار المعالجة"},
	[RS_CLAIMED] = {"claimed", "taken by an agent", "prise en charge",
			"قيد المعالجة من طرف عون"},
	[RS_IN_PRODUCTION] = {"in_production", "documents being produced",
			      "documents en cours d'établissement", "الوثائق في طور الإعداد"},
	[RS_AWAITING_SIGNATURE] = {"awaiting_signature", "documents awaiting the officer's signature",
				   "documents en attente de signature de l'officier",
				   "الوثائق في انتظار توقيع الضابط"},
	[RS_SIGNED] = {"signed", "documents signed, envelope being sealed",
		       "documents signés, pli en cours de fermeture",
		       "الوثائق موقعة، الظرف في طور الإغلاق"},
	[RS_READY] = {"ready", "ready, in a sealed envelope", "prête, sous pli fermé",
		      "جاهزة في ظرف مغلق"},
	[RS_WITH_POST] = {"with_post", "handed to the post", "remise à la poste",
			  "سلمت للبريد"},
	[RS_DELIVERED] = {"delivered", "delivered", "livrée", "تم التسليم"},
	[RS_REJECTED] = {"rejected", "rejected", "rejetée", "مرفوضة"},
	[RS_RETURNED] = {"returned", "returned by the post", "retournée par la poste",
			 "مرجعة من طرف البريد"},
	[RS_EXPIRED] = {"expired", "expired (not paid)", "expirée (non payée)",
			"منتهية الصلاحية (غير مؤداة)"},
	[RS_CANCELLED] = {"cancelled", "cancelled by the citizen", "annulée à votre demande",
			  "ملغاة بطلب منكم"},
	[RS_TO_COLLECT] = {"to_collect", "at the office, to collect with the CIN",
			   "au bureau, à retirer avec votre CIN",
			   "بالمكتب، تسحب ببطاقتكم الوطنية"},
	[RS_DESTROYED] = {"destroyed", "returned envelope destroyed, fee refunded",
			  "pli retourné détruit, frais remboursés",
			  "أتلف الظرف المرجع، ويرجع المبلغ"},
};

const char *req_state_name(enum req_state s)
{
	return (s >= 0 && s < RS_COUNT) ? states[s].name : "none";
}

const char *req_state_label(enum req_state s, const char *lang)
{
	if (s < 0 || s >= RS_COUNT)
		return "?";
	if (lang && !strcmp(lang, "ar"))
		return states[s].ar;
	if (lang && !strcmp(lang, "fr"))
		return states[s].fr;
	return states[s].en;
}

enum req_state req_state_from_name(const char *s)
{
	for (int i = 0; i < RS_COUNT; i++)
		if (s && !strcmp(s, states[i].name))
			return i;
	return RS_NONE;
}

int req_state_is_final(enum req_state s)
{
	return s == RS_DELIVERED || s == RS_REJECTED || s == RS_EXPIRED || s == RS_CANCELLED ||
	       s == RS_DESTROYED;
}

const struct transition *lifecycle_find(enum req_state from, enum req_state to)
{
	for (int i = 0; i < transitions_count; i++)
		if (transitions[i].from == from && transitions[i].to == to)
			return &transitions[i];
	return NULL;
}

int lifecycle_check(const struct actor *a, enum req_state from, enum req_state to,
		    int is_own, const char *note, struct wq_errbuf *eb)
{
	const struct transition *t = lifecycle_find(from, to);
	if (!t) {
		/* Is there any way to reach `to`?  Then the request moved under the caller
		 * (or he is early): a conflict, not a forbidden move. */
		for (int i = 0; i < transitions_count; i++)
			if (transitions[i].to == to)
				return wq_fail(eb, WQ_ECONFLICT, "state",
					       "the request is %s; it cannot become %s from there",
					       req_state_name(from), req_state_name(to));
		return wq_fail(eb, WQ_EINVAL, "state", "no request can become %s",
			       req_state_name(to));
	}
	if (!(t->roles & ROLE_BIT(a->role)))
		return wq_fail(eb, WQ_EDENIED, "role", "a %s may not %s a request (%s -> %s)",
			       role_name(a->role), t->verb, req_state_name(from),
			       req_state_name(to));
	if ((t->flags & TR_OWN_CLAIM) && a->role == ROLE_AGENT && !is_own)
		return wq_fail(eb, WQ_EDENIED, "agent",
			       "only the agent who claimed the request may %s it", t->verb);
	if ((t->flags & TR_NEEDS_REASON) && (!note || !note[0]))
		return wq_fail(eb, WQ_EINVAL, "reason", "a reason is required to %s a request",
			       t->verb);
	return WQ_OK;
}

#define BEHALF_MARK "\x1f" "behalf "
#define BEHALF_OLD "signed on behalf of "

void lifecycle_behalf_note(const char *office_code, const char *note, char *buf, size_t len)
{
	snprintf(buf, len, BEHALF_MARK "%s\x1f%.600s", office_code, note ? note : "");
}

int lifecycle_behalf_of(const char *note, char *office, size_t olen, const char **rest)
{
	const char *p, *end;
	if (!strncmp(note, BEHALF_MARK, strlen(BEHALF_MARK))) {
		p = note + strlen(BEHALF_MARK);
		if (!(end = strchr(p, '\x1f')))
			return 0;
		*rest = end + 1;
	} else if (!strncmp(note, BEHALF_OLD, strlen(BEHALF_OLD))) {
		p = note + strlen(BEHALF_OLD);
		if (!(end = strstr(p, " (relayed)")))
			return 0;
		*rest = end + strlen(" (relayed)");
		if (!strncmp(*rest, ": ", 2))
			*rest += 2;
	} else {
		return 0;
	}
	snprintf(office, olen, "%.*s", (int)(end - p), p);
	return 1;
}

#define NATIONAL_MARK "\x1f" "national" "\x1f"
#define RAISE_MARK "\x1f" "raised" "\x1f"

/* The text after mark at the start of note, or NULL. */
static const char *after_mark(const char *note, const char *mark)
{
	return strncmp(note, mark, strlen(mark)) ? NULL : note + strlen(mark);
}

void lifecycle_national_note(const char *answer, char *buf, size_t len)
{
	snprintf(buf, len, NATIONAL_MARK "%.900s", answer ? answer : "");
}

const char *lifecycle_national_of(const char *note)
{
	return after_mark(note, NATIONAL_MARK);
}

void lifecycle_raise_note(const char *why, char *buf, size_t len)
{
	snprintf(buf, len, RAISE_MARK "%.900s", why ? why : "");
}

const char *lifecycle_raise_of(const char *note)
{
	return after_mark(note, RAISE_MARK);
}
