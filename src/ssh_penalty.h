/* ssh_penalty.h - the SSH listener's refusals (src/ssh_penalty.c): penalties per source
 * address, and MaxStartups. */
#ifndef WQ_SSH_PENALTY_H
#define WQ_SSH_PENALTY_H

/* Adds seconds to addr's penalty (capped), logging when it starts to refuse. */
void penalty_add(const char *addr, int seconds, const char *why);
/* Is addr refused now? */
int penalty_active(const char *addr);
/* With startups unauthenticated connections, is the next one dropped? */
int listen_should_drop(int startups);

#endif
