/* cli_int.h - what the files of the `watiqa` command line share (src/cli.c: the main
 * table and dispatch, the serving, office, request and backup commands; src/cli_audit.c:
 * check and the audit's reports; src/cli_user.c: the accounts' commands; src/cli_notice.c:
 * notices; src/cli_lines.c: one document rejected): the context a command runs in and
 * the row that names it. */
#ifndef WQ_CLI_INT_H
#define WQ_CLI_INT_H

#include <stddef.h>

#include "actor.h"
#include "config.h"
#include "db.h"
#include "err.h"

#define MAX_POSITIONAL 8

/* Options of the subcommands (besides the config flags, which any command takes). */
struct cli_opts {
	const char *name, *name_ar, *password, *relay, *as, *note, *to_office;
	int password_stdin;
	int man; /* --man (watiqa config) */
};

struct cli_ctx {
	struct config cfg;
	struct cli_opts opt;
	int argc; /* positional */
	char *argv[MAX_POSITIONAL];
	struct db *db;
	struct actor sys;
	struct wq_errbuf eb;
};

struct cli_cmd {
	const char *name; /* "user add" */
	const char *args; /* usage of the arguments */
	int min_args, max_args;
	int needs_db;
	int (*run)(struct cli_ctx *c);
	const char *help;
};

/* Prints eb's error; the exit code it calls for (2 bad input, 1 failure). */
int cli_fail_eb(struct cli_ctx *c);
/* The password from --password or one line of standard input; 0 or the exit code. */
int cli_read_password(struct cli_ctx *c, char *buf, size_t len);

/* src/cli_user.c: the "user ..." rows */
extern const struct cli_cmd cli_user_cmds[];
extern const int cli_user_cmds_count;
/* src/cli_notice.c: the "notice ..." rows */
extern const struct cli_cmd cli_notice_cmds[];
extern const int cli_notice_cmds_count;
/* src/cli_audit.c: "check" and the "audit ..." rows */
extern const struct cli_cmd cli_audit_cmds[];
extern const int cli_audit_cmds_count;
/* src/cli_lines.c: "request reject-line" */
extern const struct cli_cmd cli_lines_cmds[];
extern const int cli_lines_cmds_count;

#endif
