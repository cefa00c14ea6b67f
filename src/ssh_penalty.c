/* ssh_penalty.c - the SSH listener's refusals before it forks or hands over anything
 * (moved out of src/ssh_listen.c, which grew a spare): PerSourcePenalties-style penalties
 * per address, kept in a fixed table whose oldest entry gives way, and OpenSSH's
 * MaxStartups random early drop over unauthenticated connections.  No I/O but the log. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "limits.h"
#include "log.h"
#include "ssh_penalty.h"
#include "ssh_session.h"

struct penalty {
	char addr[SESSION_ADDR_BYTES];
	int64_t expiry_ms; /* 0: free slot */
};

static struct penalty penalties[PENALTY_SOURCES_MAX];

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct penalty *penalty_find(const char *addr, int create)
{
	struct penalty *free_slot = NULL, *oldest = NULL;
	int64_t now = now_ms();
	for (int i = 0; i < PENALTY_SOURCES_MAX; i++) {
		struct penalty *p = &penalties[i];
		if (p->expiry_ms != 0 && p->expiry_ms <= now)
			p->expiry_ms = 0; /* expired: free the slot */
		if (p->expiry_ms == 0) {
			if (!free_slot)
				free_slot = p;
			continue;
		}
		if (strcmp(p->addr, addr) == 0)
			return p;
		if (!oldest || p->expiry_ms < oldest->expiry_ms)
			oldest = p;
	}
	if (!create)
		return NULL;
	struct penalty *p = free_slot ? free_slot : oldest;
	snprintf(p->addr, sizeof p->addr, "%s", addr);
	p->expiry_ms = now;
	return p;
}

void penalty_add(const char *addr, int seconds, const char *why)
{
	struct penalty *p = penalty_find(addr, 1);
	int64_t now = now_ms();
	int was_active = p->expiry_ms - now > PENALTY_MIN_SECONDS * 1000;
	if (p->expiry_ms < now)
		p->expiry_ms = now;
	p->expiry_ms += (int64_t)seconds * 1000;
	if (p->expiry_ms > now + PENALTY_MAX_SECONDS * 1000)
		p->expiry_ms = now + PENALTY_MAX_SECONDS * 1000;
	if (!was_active && p->expiry_ms - now > PENALTY_MIN_SECONDS * 1000)
		log_event_for(LOG_LEVEL_WARNING, "refusal", NULL, addr,
			      "watiqa ssh: %s refused for a while (%s, repeatedly)", addr, why);
}

int penalty_active(const char *addr)
{
	struct penalty *p = penalty_find(addr, 0);
	return p && p->expiry_ms - now_ms() > PENALTY_MIN_SECONDS * 1000;
}

/* OpenSSH's drop(): refuse with probability rate% at begin, rising to 100% at full. */
int listen_should_drop(int startups)
{
	if (startups < MAX_STARTUPS_BEGIN)
		return 0;
	if (startups >= MAX_STARTUPS_FULL)
		return 1;
	unsigned p = 100 - MAX_STARTUPS_RATE;
	p *= (unsigned)(startups - MAX_STARTUPS_BEGIN);
	p /= MAX_STARTUPS_FULL - MAX_STARTUPS_BEGIN;
	p += MAX_STARTUPS_RATE;
	return arc4random_uniform(100) < p;
}
