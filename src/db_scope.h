/* db_scope.h - shared by the src/db_<area>.c files that read requests through the
 * actor's scope (requests, mail, complaints, the board, search): the one SQL condition
 * per scope kind and the check that the actor has a scope at all, so every area draws
 * the same line (an office sees its own requests and those of the offices it relays).
 * SQL text lives here only because src/db*.c is its sole includer. */
#ifndef WQ_DB_SCOPE_H
#define WQ_DB_SCOPE_H

#include "actor.h"
#include "err.h"

/* ?1 is the actor's scope id, r the requests row.  IN (subquery) rather than OR keeps
 * the requests(office_id, state, paid_at) index usable. */
#define SC_OFFICE " r.office_id IN (SELECT id FROM offices WHERE id = ?1 OR relay_office_id = ?1)"
#define SC_COMMUNE " r.office_id IN (SELECT id FROM offices WHERE commune_id = ?1)"
#define SC_PROVINCE                                                              \
	" r.office_id IN (SELECT o2.id FROM offices o2 JOIN communes c2"         \
	" ON c2.id = o2.commune_id WHERE c2.province_id = ?1)"
#define SC_NATIONAL " ?1 = ?1"

/* WQ_EDENIED for an account with no scope: nothing is readable, and the per-scope SQL
 * tables have no entry for SCOPE_NONE. */
static inline int db_scope_ok(const struct actor *a, struct wq_errbuf *eb)
{
	if (a->scope < SCOPE_OFFICE || a->scope > SCOPE_NATIONAL)
		return wq_fail(eb, WQ_EDENIED, "scope", "account %s has no scope", a->username);
	return WQ_OK;
}

#endif
