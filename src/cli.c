/* cli.c - the `watiqa` subcommands, one row each in cli_cmds[]: name, usage, the
 * number of positional arguments, and the function that runs it.  Usage text and
 * argument checks come from the rows.  Exit codes: 0 ok, 1 runtime failure, 2 bad
 * usage or bad input.  Runs in the operator's shell; the CLI acts as "system". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "history_text.h"
#include "config.h"
#include "db.h"
#include "db_sync.h"
#include "demo.h"
#include "log.h"
#include "office.h"
#include "request.h"
#include "endpoints.h"
#include "sandbox.h"
#include "serve.h"
#include "ui.h"
#include "unicode.h"
#include "user.h"
#include "util.h"

#include "cli_int.h"

int cli_fail_eb(struct cli_ctx *c)
{
	/* the data layer's field, said as the flag the operator typed it with */
	static const char *const flags[][2] = {{"full_name", "--name"}, {"name_ar", "--name-ar"}};
	const char *field = c->eb.field;
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (!strcmp(field, flags[i][0]))
			field = flags[i][1];
	fprintf(stderr, "watiqa: %s%s%s\n", field, field[0] ? ": " : "", c->eb.msg);
	return c->eb.code == WQ_EINVAL || c->eb.code == WQ_ENOTFOUND ||
			       c->eb.code == WQ_ECONFLICT || c->eb.code == WQ_EDENIED
		       ? 2
		       : 1;
}

int cli_read_password(struct cli_ctx *c, char *buf, size_t len)
{
	if (c->opt.password) {
		wq_strlcpy(buf, c->opt.password, len);
		return 0;
	}
	if (isatty(0))
		fprintf(stderr, "password: ");
	if (!fgets(buf, (int)len, stdin)) {
		fprintf(stderr, "watiqa: password: expected a password on standard input\n");
		return 2;
	}
	buf[strcspn(buf, "\r\n")] = 0;
	return 0;
}

/* ---- commands ---- */

static int cmd_serve(struct cli_ctx *c)
{
	if (endpoints_check(&c->cfg, &c->eb)) {
		fprintf(stderr, "watiqa serve: %s\n", c->eb.msg);
		return 2;
	}
	return serve_main(&c->cfg);
}

static int cmd_sandbox(struct cli_ctx *c)
{
	return sandbox_main(&c->cfg);
}

static int cmd_ui(struct cli_ctx *c)
{
	return ui_main(&c->cfg, c->argv[0], c->argc > 1 ? c->argv[1] : NULL);
}

/* The settings in effect, or (--man) the watiqa.conf(5) page made from their table. */
static int cmd_config(struct cli_ctx *c)
{
	if (c->opt.man)
		config_man(stdout);
	else
		config_print(stdout, &c->cfg);
	return ferror(stdout) ? 1 : 0;
}

static int cmd_migrate(struct cli_ctx *c)
{
	(void)c; /* serve_open_db applied them and said how many */
	return 0;
}

static int cmd_demo(struct cli_ctx *c)
{
	(void)c; /* serve_open_db did it: needs_db opens with demo set */
	return 0;
}


static int cmd_office_list(struct cli_ctx *c)
{
	struct office *o;
	int n;
	if (office_list(c->db, &o, &n, &c->eb))
		return cli_fail_eb(c);
	printf("%-12s %-15s %-9s %-10s %-12s %s\n", "CODE", "COMMUNE", "PROVINCE", "ACTIVITY",
	       "RELAYED BY", "NAME");
	for (int i = 0; i < n; i++)
		printf("%-12s %-15s %-9s %-10s %-12s %s%s\n", o[i].code, o[i].commune_code,
		       o[i].province_code, o[i].activity, o[i].relay_code[0] ? o[i].relay_code : "-",
		       o[i].name_fr, o[i].active ? "" : " (closed)");
	free(o);
	return 0;
}

static int cmd_office_add(struct cli_ctx *c)
{
	if (office_add(c->db, &c->sys, c->argv[0], c->argv[1], c->argv[3],
		       c->opt.name_ar ? c->opt.name_ar : "", c->argv[2],
		       c->opt.relay ? c->opt.relay : "", NULL, &c->eb))
		return cli_fail_eb(c);
	printf("office %s added\n", c->argv[0]);
	return 0;
}

static int cmd_province_add(struct cli_ctx *c)
{
	if (province_add(c->db, &c->sys, c->argv[0], c->argv[1], c->argv[2],
			 c->opt.name_ar ? c->opt.name_ar : "", &c->eb))
		return cli_fail_eb(c);
	printf("province %s added\n", c->argv[0]);
	return 0;
}

static int cmd_commune_add(struct cli_ctx *c)
{
	if (commune_add(c->db, &c->sys, c->argv[0], c->argv[1], c->argv[2], c->argv[3],
			c->opt.name_ar ? c->opt.name_ar : "", "", &c->eb))
		return cli_fail_eb(c);
	printf("commune %s added\n", c->argv[0]);
	return 0;
}

/* Without FILE: state_dir/backups/watiqa-<UTC time>.db, the directory made 0700. */
static int cmd_backup(struct cli_ctx *c)
{
	char path[PATH_MAX_BYTES + 64], dir[PATH_MAX_BYTES];
	if (c->argc > 0) {
		wq_strlcpy(path, c->argv[0], sizeof path);
	} else {
		time_t now = (time_t)wq_now();
		struct tm tm;
		char stamp[32];
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
		config_state_path(&c->cfg, "backups", dir, sizeof dir);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "watiqa: backup: cannot create %s: %s\n", dir,
				strerror(errno));
			return 1;
		}
		snprintf(path, sizeof path, "%s/watiqa-%s.db", dir, stamp);
	}
	if (db_backup(c->db, path, &c->eb))
		return cli_fail_eb(c);
	printf("backup written to %s\n", path);
	return 0;
}

/* The actor for `request` commands: --as USER, else the system. */
static int acting(struct cli_ctx *c, struct actor *a)
{
	if (!c->opt.as) {
		*a = c->sys;
		return 0;
	}
	return user_actor(c->db, c->opt.as, a, &c->eb) ? cli_fail_eb(c) : 0;
}

static int cmd_request_show(struct cli_ctx *c)
{
	struct actor a;
	struct request r;
	struct req_event *ev;
	int n, rc = acting(c, &a);
	if (rc)
		return rc;
	if (request_get_by_tracking(c->db, &a, c->argv[0], &r, &c->eb) ||
	    request_history(c->db, &a, r.id, &ev, &n, &c->eb))
		return cli_fail_eb(c);
	char fee[16];
	wq_fmt_money(r.fee_centimes, fee, sizeof fee);
	printf("%s  %s  %s x%d  %s MAD  office %s  agent %s  version %lld\n", r.tracking,
	       req_state_name(r.state), r.doc_type, r.copies, fee, r.office_code,
	       r.agent_name[0] ? r.agent_name : "-", (long long)r.version);
	printf("  %s %s / %s %s, born %s, record %s/%d (%s)\n", r.first_name_lat,
	       r.last_name_lat, r.first_name_ar, r.last_name_ar, r.birth_date, r.record_number,
	       r.record_year, r.commune_name);
	for (int i = 0; i < n; i++) {
		char when[32], note[NOTE_MAX_BYTES + 100];
		wq_fmt_time(ev[i].at, when, sizeof when);
		history_note(ev[i].note, note, sizeof note); /* English: no session language */
		printf("  %s  %-15s -> %-15s %-12s %s\n", when, req_state_name(ev[i].from),
		       req_state_name(ev[i].to), ev[i].actor, note);
	}
	free(ev);
	return 0;
}

static int cmd_request_move(struct cli_ctx *c)
{
	struct actor a;
	struct request r;
	int rc = acting(c, &a);
	if (rc)
		return rc;
	enum req_state to = req_state_from_name(c->argv[1]);
	if (to == RS_NONE) {
		fprintf(stderr, "watiqa: state: unknown state '%s'\n", c->argv[1]);
		return 2;
	}
	if (to == RS_CLAIMED && c->opt.note) {
		/* a claim records no note: dropping it would lose what the operator typed */
		fprintf(stderr, "watiqa: --note: a claim takes no note (give it with the next "
				"stage)\n");
		return 2;
	}
	if (request_get_by_tracking(c->db, &a, c->argv[0], &r, &c->eb))
		return cli_fail_eb(c);
	if (to == RS_WITH_POST)
		rc = request_hand_to_post(c->db, &a, r.id, 0, c->opt.note ? c->opt.note : "",
					  "deposit", &c->eb);
	else if (to == RS_CLAIMED)
		rc = request_claim(c->db, &a, r.id, 0, &c->eb);
	else
		rc = request_transition(c->db, &a, r.id, 0, to, c->opt.note ? c->opt.note : "",
					&c->eb);
	if (rc)
		return cli_fail_eb(c);
	printf("%s is now %s\n", r.tracking, req_state_name(to));
	return 0;
}

static int cmd_request_reassign(struct cli_ctx *c)
{
	struct actor a;
	struct request r;
	struct office o;
	int rc = acting(c, &a);
	if (rc)
		return rc;
	if (request_get_by_tracking(c->db, &a, c->argv[0], &r, &c->eb) ||
	    office_get_by_code(c->db, c->argv[1], &o, &c->eb) ||
	    request_reassign(c->db, &a, r.id, 0, o.id, c->opt.note ? c->opt.note : "", &c->eb))
		return cli_fail_eb(c);
	printf("%s moved to the queue of %s\n", r.tracking, o.code);
	return 0;
}

static int cmd_request_list(struct cli_ctx *c)
{
	struct actor a;
	struct request_filter f = {.limit = 50, .oldest_first = 1};
	struct request *r;
	int n, rc = acting(c, &a);
	if (rc)
		return rc;
	if (c->argc > 0) {
		enum req_state s = req_state_from_name(c->argv[0]);
		if (s == RS_NONE) {
			fprintf(stderr, "watiqa: state: unknown state '%s'\n", c->argv[0]);
			return 2;
		}
		f.states = STATE_BIT(s);
	}
	if (request_list(c->db, &a, &f, &r, &n, &c->eb))
		return cli_fail_eb(c);
	for (int i = 0; i < n; i++)
		printf("%s %-15s %-10s %-10s %s %s\n", r[i].tracking, req_state_name(r[i].state),
		       r[i].office_code, r[i].agent_name[0] ? r[i].agent_name : "-",
		       r[i].first_name_lat, r[i].last_name_lat);
	free(r);
	return 0;
}

static const struct cli_cmd cli_cmds[] = {
	{"serve", "[--demo] [--db PATH] [--ssh-port N] [--http-port N] [--bind ADDR]", 0, 0, 0,
	 cmd_serve, "run the SSH server and the citizen web endpoint"},
	{"sandbox", "[--port N]", 0, 0, 0, cmd_sandbox,
	 "run the loopback payment / SMS / post-tracking gateway"},
	{"ui", "USER [SCREEN]", 1, 2, 0, cmd_ui, "run a staff screen on this terminal"},
	{"config", "[--man]", 0, 0, 0, cmd_config,
	 "print the settings in effect, or the watiqa.conf(5) manual page (--man)"},
	{"migrate", "", 0, 0, 1, cmd_migrate, "create the database or bring its schema up to date"},
	{"demo", "", 0, 0, 1, cmd_demo, "create the database and load the demo data"},
	{"office list", "", 0, 0, 1, cmd_office_list, "list civil-status offices"},
	{"office add", "CODE COMMUNE-CODE ACTIVITY NAME [--name-ar NAME] [--relay CODE]", 4, 4, 1,
	 cmd_office_add, "add an office (activity: low, moderate, intensive)"},
	{"province add", "CODE KIND NAME [--name-ar NAME]", 3, 3, 1, cmd_province_add,
	 "add a province or prefecture (kind: province, prefecture)"},
	{"commune add", "CODE PROVINCE-CODE KIND NAME [--name-ar NAME]", 4, 4, 1, cmd_commune_add,
	 "add a commune (kind: urban, rural)"},
	{"request list", "[STATE] [--as USER]", 0, 1, 1, cmd_request_list,
	 "list requests (oldest paid first)"},
	{"request show", "TRACKING [--as USER]", 1, 1, 1, cmd_request_show,
	 "show a request and its history"},
	{"request move", "TRACKING STATE [--as USER] [--note TEXT]", 2, 2, 1, cmd_request_move,
	 "move a request to a new state (with_post: --note is the mail code)"},
	{"request reassign", "TRACKING OFFICE-CODE --note REASON [--as USER]", 2, 2, 1,
	 cmd_request_reassign, "send a request to another office's queue"},
	{"backup", "[FILE]", 0, 1, 1, cmd_backup,
	 "copy the database, safe while serving (default: state_dir/backups/watiqa-TIME.db)"},
};
static const int cli_cmds_count = sizeof cli_cmds / sizeof cli_cmds[0];

/* The i-th row of all the tables, in the order usage lists them: this file's, cli_audit.c's,
 * cli_lines.c's, cli_user.c's, cli_notice.c's. */
static const struct cli_cmd *cli_row(int i)
{
	static const struct {
		const struct cli_cmd *rows;
		const int *n;
	} tables[] = {{cli_cmds, &cli_cmds_count},
		      {cli_audit_cmds, &cli_audit_cmds_count},
		      {cli_lines_cmds, &cli_lines_cmds_count},
		      {cli_user_cmds, &cli_user_cmds_count},
		      {cli_notice_cmds, &cli_notice_cmds_count}};
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; i -= *tables[t++].n)
		if (i < *tables[t].n)
			return &tables[t].rows[i];
	return NULL;
}

static void usage(FILE *out)
{
	int i = 0;
	fprintf(out, "usage: watiqa COMMAND [ARGS] [--db PATH]\n\ncommands:\n");
	for (const struct cli_cmd *r; (r = cli_row(i)); i++)
		fprintf(out, "  %s %s\n      %s\n", r->name, r->args, r->help);
	fprintf(out, "\nsettings (watiqa.conf(5): the settings file, WATIQA_* variables, "
		     "flags; watiqa config prints them):\n");
	for (int i = 0; i < config_keys_count; i++)
		fprintf(out, "  %-22s %-28s %s\n", config_keys[i].key, config_keys[i].env,
			config_keys[i].help);
}

/* Finds the row for argv[1] or "argv[1] argv[2]"; *used gets the words consumed. */
static const struct cli_cmd *find_cmd(int argc, char **argv, int *used)
{
	const struct cli_cmd *r;
	for (int i = 0; (r = cli_row(i)); i++) {
		const char *name = r->name, *sp = strchr(name, ' ');
		if (!sp && !strcmp(argv[1], name)) {
			*used = 1;
			return r;
		}
		if (sp && argc > 2 && !strncmp(argv[1], name, (size_t)(sp - name)) &&
		    argv[1][sp - name] == 0 && !strcmp(argv[2], sp + 1)) {
			*used = 2;
			return r;
		}
	}
	return NULL;
}

static int parse_args(struct cli_ctx *c, int argc, char **argv)
{
	static const struct {
		const char *flag;
		size_t off;
	} opts[] = {
		{"--name", offsetof(struct cli_opts, name)},
		{"--name-ar", offsetof(struct cli_opts, name_ar)},
		{"--password", offsetof(struct cli_opts, password)},
		{"--relay", offsetof(struct cli_opts, relay)},
		{"--as", offsetof(struct cli_opts, as)},
		{"--note", offsetof(struct cli_opts, note)},
	};
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0 || !a[2]) {
			if (c->argc == MAX_POSITIONAL) {
				fprintf(stderr, "watiqa: too many arguments\n");
				return 2;
			}
			c->argv[c->argc++] = argv[i];
			continue;
		}
		int known = 0;
		for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
			if (strcmp(a, opts[k].flag))
				continue;
			if (i + 1 >= argc) {
				fprintf(stderr, "watiqa: %s: expected a value\n", a);
				return 2;
			}
			*(const char **)((char *)&c->opt + opts[k].off) = argv[++i];
			known = 1;
		}
		if (known)
			continue;
		if (!strcmp(a, "--man")) {
			c->opt.man = 1;
			continue;
		}
		const struct config_key *k = config_flag(a);
		if (!k) {
			fprintf(stderr, "watiqa: unknown option %s (see watiqa help)\n", a);
			return 2;
		}
		const char *value = "1";
		if (k->type != CFG_BOOL) {
			if (i + 1 >= argc) {
				fprintf(stderr, "watiqa: %s: expected a value\n", a);
				return 2;
			}
			value = argv[++i];
		}
		if (config_set(&c->cfg, k->key, value, &c->eb)) {
			fprintf(stderr, "watiqa: %s: %s\n", a, c->eb.msg);
			return 2;
		}
	}
	/* a note reaches the citizen's tracking page and the API's JSON: an escape or a
	 * bidi override would act there instead of reading as typed */
	if (c->opt.note && !utf8_is_shown(c->opt.note)) {
		fprintf(stderr, "watiqa: --note: expected printable text in valid UTF-8, "
				"without control characters (escape, newline, tab...) or "
				"invisible format characters (bidi overrides, zero-width marks)\n");
		return 2;
	}
	return 0;
}

int cli_main(int argc, char **argv)
{
	static struct cli_ctx ctx; /* large; static keeps it off the stack */
	struct cli_ctx *c = &ctx;
	int used, rc;
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const struct cli_cmd *cmd = find_cmd(argc, argv, &used);
	if (!cmd) {
		fprintf(stderr, "watiqa: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	if (cmd->run != cmd_config && wq_tz_init()) { /* config: also at build time */
		fprintf(stderr, "watiqa: time zone " WQ_TIME_ZONE " not found (%s/" WQ_TIME_ZONE
				"): install tzdata\n",
			getenv("TZDIR") ? getenv("TZDIR") : "/usr/share/zoneinfo");
		return 1;
	}
	if (config_init(&c->cfg, &c->eb)) {
		fprintf(stderr, "watiqa: %s\n", c->eb.msg);
		return 2;
	}
	if ((rc = parse_args(c, argc - 1 - used, argv + 1 + used)))
		return rc;
	config_finish(&c->cfg);
	endpoints_resolve(&c->cfg);
	/* serve and sandbox log in the foreground; a staff screen's stderr is its terminal,
	 * and the other commands say what they did on their output */
	if (log_init(c->cfg.log, c->cfg.log_level,
		     cmd->run == cmd_serve || cmd->run == cmd_sandbox, &c->eb)) {
		fprintf(stderr, "watiqa: %s\n", c->eb.msg);
		return 2;
	}
	if (c->argc < cmd->min_args || c->argc > cmd->max_args) {
		fprintf(stderr, "usage: watiqa %s %s\n", cmd->name, cmd->args);
		return 2;
	}
	actor_system(&c->sys);
	if (cmd->needs_db) {
		if (cmd->run == cmd_demo)
			c->cfg.demo = 1;
		if (serve_open_db(&c->cfg, &c->db,
				  cmd->run == cmd_demo || cmd->run == cmd_migrate ? stdout : NULL, &c->eb) ||
		    /* its own process: its commits cannot join the server's group, they
		     * let go of the write lock before their fsync (db_sync.h) */
		    db_sync_outside_lock(c->db, &c->eb)) {
			fprintf(stderr, "watiqa: %s\n", c->eb.msg);
			return 1;
		}
	}
	rc = cmd->run(c);
	db_close(c->db);
	return rc;
}
