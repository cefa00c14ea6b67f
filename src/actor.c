/* actor.c - names of roles and scopes, and which scope each role works in.
 * One table: adding a role is adding a row. Pure, no I/O. */
#include <string.h>

#include "actor.h"

static const struct {
	const char *name;
	enum scope_kind scope;
} roles[ROLE_COUNT] = {
	[ROLE_NONE] = {"none", SCOPE_NONE},
	[ROLE_AGENT] = {"agent", SCOPE_OFFICE},
	[ROLE_SUPERVISOR] = {"supervisor", SCOPE_OFFICE},
	[ROLE_INSPECTOR] = {"inspector", SCOPE_PROVINCE},
	[ROLE_SUPPORT] = {"support", SCOPE_NATIONAL},
	[ROLE_FINANCE] = {"finance", SCOPE_COMMUNE},
	[ROLE_TREASURY] = {"treasury", SCOPE_NATIONAL},
	[ROLE_ADMIN] = {"admin", SCOPE_NATIONAL},
	[ROLE_POST] = {"post", SCOPE_PROVINCE},
	[ROLE_OFFICER] = {"officer", SCOPE_OFFICE},
	[ROLE_SYSTEM] = {"system", SCOPE_NATIONAL},
	[ROLE_CITIZEN] = {"citizen", SCOPE_NONE},
};

static const char *scope_names[] = {"none", "office", "commune", "province", "national"};

const char *role_name(enum role r)
{
	return (r >= 0 && r < ROLE_COUNT) ? roles[r].name : "none";
}

enum role role_from_name(const char *s)
{
	for (int r = 1; r < ROLE_COUNT; r++)
		if (s && strcmp(s, roles[r].name) == 0)
			return r;
	return ROLE_NONE;
}

const char *scope_name(enum scope_kind s)
{
	return (s >= SCOPE_NONE && s <= SCOPE_NATIONAL) ? scope_names[s] : "none";
}

enum scope_kind scope_from_name(const char *s)
{
	for (int i = 1; i <= SCOPE_NATIONAL; i++)
		if (s && strcmp(s, scope_names[i]) == 0)
			return i;
	return SCOPE_NONE;
}

enum scope_kind role_scope(enum role r)
{
	return (r >= 0 && r < ROLE_COUNT) ? roles[r].scope : SCOPE_NONE;
}

enum scope_kind role_scope_for(enum role r, const char *code)
{
	if (r == ROLE_INSPECTOR && (!code || !code[0] || !strcmp(code, "national")))
		return SCOPE_NATIONAL;
	return role_scope(r);
}

void actor_system(struct actor *a)
{
	memset(a, 0, sizeof *a);
	strcpy(a->username, "system");
	a->role = ROLE_SYSTEM;
	a->scope = SCOPE_NATIONAL;
}

void actor_citizen(struct actor *a)
{
	memset(a, 0, sizeof *a);
	strcpy(a->username, "citizen");
	a->role = ROLE_CITIZEN;
	a->scope = SCOPE_NONE;
}
