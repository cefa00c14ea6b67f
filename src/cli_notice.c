/* cli_notice.c - `watiqa notice send`: an operator's script or a cron job writes a notice
 * to an office, a province's offices or an account, as the account named by --as (the
 * notice's author: the screens' M shows it from him, replies go back to him).  The same
 * data-layer call as the screen's `w` (notice_send), so the same rules hold: who may
 * write to whom, checked against the author's role and scope in the writing transaction,
 * the text's length, the audit row.  One row in cli_notice_cmds[] (src/cli.c lists and
 * dispatches it).  Runs in the operator's shell. */
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "notice.h"
#include "user.h"

/* "office:RBT-HAS-1" into its kind and what follows the colon; -1 for anything else. */
static int recipient(const char *arg, const char **to)
{
	const char *colon = strchr(arg, ':');
	for (int k = 0; colon && k < NOTICE_TO_COUNT; k++)
		if (strlen(notice_to_name((enum notice_to)k)) == (size_t)(colon - arg) &&
		    !strncmp(arg, notice_to_name((enum notice_to)k), (size_t)(colon - arg))) {
			*to = colon + 1;
			return k;
		}
	return -1;
}

static int cmd_notice_send(struct cli_ctx *c)
{
	struct actor author;
	const char *to = NULL;
	int64_t id;
	int kind = recipient(c->argv[0], &to);
	if (kind < 0) {
		fprintf(stderr, "watiqa: to: expected office:CODE, province:CODE or account:NAME, "
				"got '%s'\n", c->argv[0]);
		return 2;
	}
	if (!c->opt.as) {
		fprintf(stderr, "watiqa: --as: the account that writes the notice is needed "
				"(an inspector, a supervisor or an admin)\n");
		return 2;
	}
	if (user_actor(c->db, c->opt.as, &author, &c->eb)) {
		fprintf(stderr, "watiqa: --as: %s\n", c->eb.msg);
		return 2;
	}
	if (notice_send(c->db, &author, (enum notice_to)kind, to, c->argv[1], &id, &c->eb))
		return cli_fail_eb(c);
	printf("notice #%lld sent by %s to %s %s\n", (long long)id, author.username,
	       notice_to_name((enum notice_to)kind), to);
	return 0;
}

const struct cli_cmd cli_notice_cmds[] = {
	{"notice send", "TO TEXT --as USER", 2, 2, 1, cmd_notice_send,
	 "write a notice as USER to TO (office:CODE, province:CODE or account:NAME), as on the "
	 "screens (M, w), with their rules of who writes to whom"},
};
const int cli_notice_cmds_count = sizeof cli_notice_cmds / sizeof cli_notice_cmds[0];
