/* cli_lines.c - `watiqa request reject-line`: one document of an order rejected from the
 * shell, as the agent's X does on the queue screen.  For an office that works from a
 * script, or an operator mending an order after a phone call with the office: the same
 * data-layer call (request_line_reject), so the same rules hold (who may reject the
 * request may reject one of its documents, a reason is needed, that document's fee alone
 * goes back, the last open one rejects the request and refunds the rest).  --as is
 * required: a rejection is an agent's decision and is written in the history under his
 * name.  One row in cli_lines_cmds[] (src/cli.c lists and dispatches it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_int.h"
#include "limits.h"
#include "request.h"
#include "user.h"

static int cmd_reject_line(struct cli_ctx *c)
{
	struct actor a;
	struct request r;
	char *end;
	errno = 0;
	long line = strtol(c->argv[1], &end, 10);
	if (errno || *end || end == c->argv[1] || line < 1 || line > ORDER_LINES_MAX) {
		fprintf(stderr, "watiqa: line: expected the document's number on the order "
				"(1 to %d), got '%s'\n", ORDER_LINES_MAX, c->argv[1]);
		return 2;
	}
	if (!c->opt.as) {
		fprintf(stderr, "watiqa: --as: the agent who rejects the document is needed\n");
		return 2;
	}
	if (user_actor(c->db, c->opt.as, &a, &c->eb)) {
		fprintf(stderr, "watiqa: --as: %s\n", c->eb.msg);
		return 2;
	}
	if (request_get_by_tracking(c->db, &a, c->argv[0], &r, &c->eb) ||
	    request_line_reject(c->db, &a, r.id, 0, (int)line, c->opt.note ? c->opt.note : "",
				&c->eb))
		return cli_fail_eb(c);
	printf("%s: document %ld rejected, its fee owed back to the card\n", r.tracking, line);
	return 0;
}

const struct cli_cmd cli_lines_cmds[] = {
	{"request reject-line", "TRACKING LINE --note REASON --as USER", 2, 2, 1, cmd_reject_line,
	 "reject one document of an order (LINE: 1, 2) with a reason, as the queue's X: its "
	 "fee alone goes back; the last one rejects the request"},
};
const int cli_lines_cmds_count = sizeof cli_lines_cmds / sizeof cli_lines_cmds[0];
