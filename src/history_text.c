/* history_text.c - history_text.h: a request's events in the session's language.  No
 * SQL, no terminal; any process (the UI child, the CLI in English) calls it. */
#include <stdio.h>
#include <string.h>

#include "history_text.h"
#include "lifecycle.h"
#include "msg.h"
#include "util.h"

void history_stage(const struct board_event *e, char *buf, size_t len)
{
	char iso[32], when[32];
	/* the citizen's first event comes from "new", which is no state */
	const char *from = e->from == RS_NONE ? tr_now(CTX("state", "new"))
					      : tr_now(req_state_name(e->from));
	wq_fmt_time(e->at, iso, sizeof iso);
	msg_date(msg_session(), iso, when, sizeof when);
	snprintf(buf, len, "%s  %s -> %s", when, from, tr_now(req_state_name(e->to)));
}

void history_who(const struct board_event *e, char *buf, size_t len)
{
	if (e->actor_office[0] && e->office[0] && strcmp(e->actor_office, e->office))
		snprintf(buf, len, tr_now("recorded by %s at %s for %s"), e->actor, e->actor_office,
			 e->office);
	else if (e->office[0])
		snprintf(buf, len, tr_now("recorded by %s at %s"), e->actor, e->office);
	else
		snprintf(buf, len, tr_now("recorded by %s"), e->actor);
}

void history_note(const char *note, char *buf, size_t len)
{
	char office[32];
	const char *rest = lifecycle_national_of(note);
	if (rest) {
		snprintf(buf, len, tr_now("answer of the national inspection: %s"), rest);
		return;
	}
	if ((rest = lifecycle_raise_of(note))) {
		snprintf(buf, len, tr_now("raised to the national inspection: %s"),
			 rest[0] ? rest : tr_now("past its deadline at the province"));
		return;
	}
	if (!lifecycle_behalf_of(note, office, sizeof office, &rest)) {
		snprintf(buf, len, "%s", note);
		return;
	}
	int n = snprintf(buf, len, tr_now("signed on behalf of %s (relayed)"), office);
	if (rest[0] && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ": %s", rest);
}
