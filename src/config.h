/* config.h - every setting, one row each in config_keys[] (config.c): file
 * (watiqa.conf, key = value), then WATIQA_* environment, then command-line flags.  An
 * empty value means the built-in default. */
#ifndef WQ_CONFIG_H
#define WQ_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "limits.h"

struct config {
	char db_path[PATH_MAX_BYTES];
	char share_dir[PATH_MAX_BYTES]; /* where db/ and etc/ are */
	char state_dir[PATH_MAX_BYTES]; /* what serve writes: keys, sockets, printouts */
	char log[16];			/* auto, stderr, syslog, none (src/log.h) */
	char log_level[16];		/* error, warning, info, debug */
	char bind[64];
	int ssh_port;
	int http_port;
	char host_key[PATH_MAX_BYTES];	/* ed25519 host key, generated on first start */
	char public_url[256];		/* how citizens reach the web side */
	int demo;
	int overdue_days;		/* paid this long ago and not with the post: overdue */
	/* deadlines in working days (escalate.h): per stage, the citizen's window, and
	 * how far past a stage deadline the supervisor, then the inspector, see it */
	int deadline_queue_days, deadline_production_days, deadline_post_days;
	int delivery_window_days;
	int escalate_supervisor_days, escalate_inspector_days;
	char holidays_file[PATH_MAX_BYTES]; /* under share_dir unless absolute */
	int complaint_answer_days;	/* complaint unanswered this long: marked */
	int complaint_escalate_days;	/* working days with its province, then national */
	int escalate_national_days;	/* an ESC request: working days, then national */
	int returned_keep_days;		/* returned envelope without a choice: destroyed */
	int idle_timeout_seconds;	/* SSH session without input */
	int detach_seconds;		/* screen kept after a dropped link (src/ssh_detach.c) */
	char totp_roles[128];		/* roles that must have a second factor (totp.h) */
	char gateway_base_url[256];	/* the three below, when they are empty (endpoints.h) */
	char gateway_url[256];		/* payment gateway (sandbox in demo) */
	char gateway_merchant[64];
	char gateway_secret[128];	/* HMAC key shared with the gateway */
	char sms_url[256];		/* SMS / e-mail HTTP gateway */
	char post_url[256];		/* post's tracking service */
	int sandbox_port;
	int http_threads;
	int http_max_connections;
	int http_rate_per_minute;	/* requests per source per minute */
	/* what an unpaid order may cost someone else (issue 12, hole 1) */
	int unpaid_orders_per_phone;	/* open at once; 0: no limit */
	int unpaid_retention_days;	/* then its personal data is erased */
	int sms_per_phone_per_day, email_per_address_per_day;
};

enum config_type { CFG_STR, CFG_INT, CFG_BOOL };

struct config_key {
	const char *key;   /* in watiqa.conf */
	const char *env;   /* WATIQA_... */
	const char *flag;  /* --db, or NULL */
	enum config_type type;
	const char *def;
	size_t offset;
	size_t size; /* for strings */
	const char *help;
};

extern const struct config_key config_keys[];
extern const int config_keys_count;

void config_defaults(struct config *c);
/* Reads a key = value file; a missing file is fine when !required. */
int config_load_file(struct config *c, const char *path, int required, struct wq_errbuf *eb);
void config_load_env(struct config *c);
/* Sets one key (by conf key or flag name without dashes). */
int config_set(struct config *c, const char *key, const char *value, struct wq_errbuf *eb);
/* Finds a flag row: "--db" -> row; NULL if unknown. */
const struct config_key *config_flag(const char *flag);
/* Loads defaults, the settings file, env.  The file is $WATIQA_CONFIG if set, else
 * /etc/watiqa/watiqa.conf if it exists (system build only), else
 * share_dir/etc/watiqa.conf.  Flags are applied by the caller with config_set, then
 * config_finish. */
int config_init(struct config *c, struct wq_errbuf *eb);
/* The settings file config_init reads (see above) into path; 1 if it must exist. */
int config_file(const struct config *c, char *path, size_t len);
/* `watiqa config`: the settings in effect, "key = value" (src/config_doc.c). */
void config_print(FILE *out, const struct config *c);
/* `watiqa config --man`: the watiqa.conf(5) page in roff, from config_keys[]. */
void config_man(FILE *out);
/* Fills the settings whose default derives from others: state_dir (the database's
 * directory), host_key (state_dir/ssh_host_ed25519_key). */
void config_finish(struct config *c);
/* Builds "state_dir/name" into dst; with state_dir unset, beside the database.  -1 if
 * it does not fit. */
int config_state_path(const struct config *c, const char *name, char *dst, size_t len);
/* Builds "share_dir/rel" into dst. */
void config_path(const struct config *c, const char *rel, char *dst, size_t len);

#endif
