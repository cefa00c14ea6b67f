/* actor.h - who is acting: role, scope, and the label the history records.
 * Every data-layer call that reads or writes requests takes a `const struct actor *`;
 * the scope filter is applied there, never in a screen. */
#ifndef WQ_ACTOR_H
#define WQ_ACTOR_H

#include <stdint.h>

#include "limits.h"

enum role {
	ROLE_NONE = 0,
	ROLE_AGENT,	 /* office: claims requests, declares stages */
	ROLE_SUPERVISOR, /* office: whole board, assigns, reassigns */
	ROLE_INSPECTOR,	 /* province: complaints, dashboards */
	ROLE_SUPPORT,	 /* national: tracks any request */
	ROLE_FINANCE,	 /* commune: revenue collector */
	ROLE_TREASURY,	 /* national: distribution to communes */
	ROLE_ADMIN,	 /* national: accounts and office network */
	ROLE_POST,	 /* province: envelopes, registered mail */
	ROLE_OFFICER,	 /* office: the civil-status officer, signs the produced documents */
	ROLE_SYSTEM,	 /* the server itself: payments, expiry */
	ROLE_CITIZEN,	 /* the web side, known by tracking number + secret code */
	ROLE_COUNT
};

enum scope_kind {
	SCOPE_NONE = 0,
	SCOPE_OFFICE,
	SCOPE_COMMUNE,
	SCOPE_PROVINCE,
	SCOPE_NATIONAL,
};

struct actor {
	int64_t user_id; /* 0 for system and citizen */
	char username[USERNAME_MAX_BYTES];
	enum role role;
	enum scope_kind scope;
	int64_t scope_id; /* office, commune or province id; 0 when national */
};

#define ROLE_BIT(r) (1u << (r))

const char *role_name(enum role r);
enum role role_from_name(const char *s);	   /* ROLE_NONE if unknown */
const char *scope_name(enum scope_kind s);
enum scope_kind scope_from_name(const char *s); /* SCOPE_NONE if unknown */
/* The scope kind a role must have (agent -> office, inspector -> province...). */
enum scope_kind role_scope(enum role r);
/* The scope an account of role r gets for a scope code: role_scope(r), but an inspector
 * named with no code (or "national") is the national inspector, who receives what the
 * provinces raise above them. */
enum scope_kind role_scope_for(enum role r, const char *code);

/* Actors the server itself uses. */
void actor_system(struct actor *a);
void actor_citizen(struct actor *a);

#endif
