/* config.c - the table of settings and the three ways to set them.  Each row gives
 * the key in watiqa.conf, the environment name, the flag, type, default and help;
 * the parser, the defaults and `watiqa config` are all driven by that one table. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

#define S(field) offsetof(struct config, field), sizeof(((struct config *)0)->field)
#define I(field) offsetof(struct config, field), sizeof(int)

/* The layout the binary was built for (Makefile): a dev build reads its checkout and
 * keeps its database in the checkout's var/; a system build (make PREFIX=/usr) reads
 * /usr/share/watiqa, /etc/watiqa/watiqa.conf and keeps its state in /var/lib/watiqa.
 * Absolute paths, so that the binary works from any working directory. */
#ifndef WATIQA_SHARE
#define WATIQA_SHARE "."
#endif
#ifndef WATIQA_DB_DEFAULT
#define WATIQA_DB_DEFAULT "var/watiqa.db"
#endif
#ifndef WATIQA_SYSCONF
#define WATIQA_SYSCONF "" /* dev build: no system-wide settings file */
#endif

const struct config_key config_keys[] = {
	{"db", "WATIQA_DB", "--db", CFG_STR, WATIQA_DB_DEFAULT, S(db_path), "SQLite database file"},
	{"share_dir", "WATIQA_SHARE", "--share", CFG_STR, WATIQA_SHARE, S(share_dir),
	 "directory holding db/ (migrations) and etc/ (texts, fees, patterns)"},
	{"state_dir", "WATIQA_STATE_DIR", "--state-dir", CFG_STR, "", S(state_dir),
	 "directory of the host key, server key, session sockets, printouts and backups "
	 "(default: the database's directory)"},
	{"log", "WATIQA_LOG", "--log", CFG_STR, "auto", S(log),
	 "where events go: auto (syslog under systemd, else stderr for serve and sandbox), "
	 "stderr, syslog or none"},
	{"log_level", "WATIQA_LOG_LEVEL", "--log-level", CFG_STR, "info", S(log_level),
	 "least priority logged: error, warning, info or debug"},
	{"bind", "WATIQA_BIND", "--bind", CFG_STR, "127.0.0.1", S(bind), "address to listen on"},
	{"ssh_port", "WATIQA_SSH_PORT", "--ssh-port", CFG_INT, "2222", I(ssh_port), "SSH port"},
	{"http_port", "WATIQA_HTTP_PORT", "--http-port", CFG_INT, "8080", I(http_port),
	 "citizen web port"},
	{"host_key", "WATIQA_HOST_KEY", "--host-key", CFG_STR, "", S(host_key),
	 "SSH host key (ed25519), created on first start (default: "
	 "state_dir/ssh_host_ed25519_key)"},
	{"public_url", "WATIQA_PUBLIC_URL", "--public-url", CFG_STR, "", S(public_url),
	 "URL citizens use to reach the web side (default http://bind:http_port)"},
	{"demo", "WATIQA_DEMO", "--demo", CFG_BOOL, "0", I(demo),
	 "load the demo network and accounts into an empty database"},
	{"overdue_days", "WATIQA_OVERDUE_DAYS", NULL, CFG_INT, "3", I(overdue_days),
	 "days after payment before a request not yet with the post is overdue"},
	{"deadline_queue_days", "WATIQA_DEADLINE_QUEUE_DAYS", NULL, CFG_INT, "1",
	 I(deadline_queue_days), "working days from payment to a claim (0: no deadline)"},
	{"deadline_production_days", "WATIQA_DEADLINE_PRODUCTION_DAYS", NULL, CFG_INT, "2",
	 I(deadline_production_days), "working days from the claim to the sealed envelope"},
	{"deadline_post_days", "WATIQA_DEADLINE_POST_DAYS", NULL, CFG_INT, "1",
	 I(deadline_post_days), "working days from the sealed envelope to the post"},
	{"delivery_window_days", "WATIQA_DELIVERY_WINDOW_DAYS", NULL, CFG_INT, "5",
	 I(delivery_window_days),
	 "working days from payment to delivery announced to the citizen; past it, a "
	 "complaint is opened on the citizen's behalf"},
	{"escalate_supervisor_days", "WATIQA_ESCALATE_SUPERVISOR_DAYS", NULL, CFG_INT, "1",
	 I(escalate_supervisor_days),
	 "working days past a stage deadline before the supervisor's board raises it"},
	{"escalate_inspector_days", "WATIQA_ESCALATE_INSPECTOR_DAYS", NULL, CFG_INT, "2",
	 I(escalate_inspector_days),
	 "working days past a stage deadline before the province inspector sees it"},
	{"holidays_file", "WATIQA_HOLIDAYS_FILE", NULL, CFG_STR, "etc/holidays.conf",
	 S(holidays_file), "national holidays (YYYY-MM-DD name), not working days"},
	{"complaint_answer_days", "WATIQA_COMPLAINT_ANSWER_DAYS", NULL, CFG_INT, "2",
	 I(complaint_answer_days), "days before an unanswered complaint is marked late"},
	{"complaint_escalate_days", "WATIQA_COMPLAINT_ESCALATE_DAYS", NULL, CFG_INT, "5",
	 I(complaint_escalate_days),
	 "working days an unanswered complaint stays with its province's inspector before it "
	 "goes up to the national inspection by itself (0: never)"},
	{"escalate_national_days", "WATIQA_ESCALATE_NATIONAL_DAYS", NULL, CFG_INT, "3",
	 I(escalate_national_days),
	 "working days a request stays escalated at its province's inspector (ESC) before it "
	 "goes up to the national inspection by itself (0: never)"},
	{"returned_keep_days", "WATIQA_RETURNED_KEEP_DAYS", NULL, CFG_INT, "15",
	 I(returned_keep_days),
	 "days a returned envelope waits for the citizen's choice (or collection) before it is "
	 "destroyed and the fee refunded"},
	{"idle_timeout_seconds", "WATIQA_IDLE_TIMEOUT", NULL, CFG_INT, "1800",
	 I(idle_timeout_seconds), "SSH session closed after this long without input"},
	{"detach_seconds", "WATIQA_DETACH_SECONDS", NULL, CFG_INT, "300", I(detach_seconds),
	 "a dropped SSH link keeps its screen this long for the account's next login (0: never)"},
	{"totp_roles", "WATIQA_TOTP_ROLES", NULL, CFG_STR, "admin,treasury,finance,supervisor",
	 S(totp_roles),
	 "roles that must have a second factor (TOTP) to log in over SSH, comma-separated "
	 "(none: empty; never required with --demo)"},
	{"gateway_base_url", "WATIQA_GATEWAY_BASE_URL", "--gateway-base-url", CFG_STR, "",
	 S(gateway_base_url),
	 "where serve reaches the payment gateway (BASE), SMS (BASE/sms) and post tracking "
	 "(BASE/post); empty: the sandbox, http://127.0.0.1:sandbox_port; https unless "
	 "loopback"},
	{"gateway_url", "WATIQA_GATEWAY_URL", "--gateway-url", CFG_STR, "", S(gateway_url),
	 "payment gateway base URL (empty: gateway_base_url)"},
	{"gateway_merchant", "WATIQA_GATEWAY_MERCHANT", NULL, CFG_STR, "watiqa-demo",
	 S(gateway_merchant), "merchant id at the payment gateway"},
	{"gateway_secret", "WATIQA_GATEWAY_SECRET", NULL, CFG_STR, "sandbox-secret-change-me",
	 S(gateway_secret),
	 "HMAC key shared with the payment gateway; serve refuses this default outside "
	 "--demo"},
	{"sms_url", "WATIQA_SMS_URL", NULL, CFG_STR, "", S(sms_url),
	 "SMS / e-mail gateway endpoint (empty: gateway_base_url/sms)"},
	{"post_url", "WATIQA_POST_URL", NULL, CFG_STR, "", S(post_url),
	 "post tracking service base URL (empty: gateway_base_url/post)"},
	{"sandbox_port", "WATIQA_SANDBOX_PORT", "--port", CFG_INT, "8090", I(sandbox_port),
	 "port of `watiqa sandbox`"},
	{"http_threads", "WATIQA_HTTP_THREADS", NULL, CFG_INT, "3", I(http_threads),
	 "HTTP worker threads, the connections dealt to them in turn; about the cores and one "
	 "more (no worker waits for the group commit's fsync: its connection is suspended)"},
	{"http_max_connections", "WATIQA_HTTP_MAX_CONNECTIONS", NULL, CFG_INT, "512",
	 I(http_max_connections), "HTTP connection limit"},
	{"http_rate_per_minute", "WATIQA_HTTP_RATE", NULL, CFG_INT, "600",
	 I(http_rate_per_minute),
	 "HTTP requests per client source (IPv4 address, IPv6 /64) per minute"},
	{"unpaid_orders_per_phone", "WATIQA_UNPAID_ORDERS_PER_PHONE", NULL, CFG_INT, "3",
	 I(unpaid_orders_per_phone),
	 "unpaid orders one phone number may have open at once (0: no limit)"},
	{"unpaid_retention_days", "WATIQA_UNPAID_RETENTION_DAYS", NULL, CFG_INT, "30",
	 I(unpaid_retention_days),
	 "days after which an order that expired unpaid loses its personal data (names, "
	 "birth record, phone, e-mail, address); its number and history stay"},
	{"sms_per_phone_per_day", "WATIQA_SMS_PER_PHONE_PER_DAY", NULL, CFG_INT, "10",
	 I(sms_per_phone_per_day),
	 "SMS sent to one phone number in 24 hours at most; past it they are dropped"},
	{"email_per_address_per_day", "WATIQA_EMAIL_PER_ADDRESS_PER_DAY", NULL, CFG_INT, "10",
	 I(email_per_address_per_day),
	 "e-mails sent to one address in 24 hours at most; past it they are dropped"},
};
const int config_keys_count = sizeof config_keys / sizeof config_keys[0];

static const struct config_key *config_find(const char *key)
{
	for (int i = 0; i < config_keys_count; i++)
		if (strcmp(config_keys[i].key, key) == 0)
			return &config_keys[i];
	return NULL;
}

const struct config_key *config_flag(const char *flag)
{
	for (int i = 0; i < config_keys_count; i++)
		if (config_keys[i].flag && strcmp(config_keys[i].flag, flag) == 0)
			return &config_keys[i];
	return NULL;
}

static int config_apply(struct config *c, const struct config_key *k, const char *value,
			struct wq_errbuf *eb)
{
	char *field = (char *)c + k->offset;
	if (!value[0])
		value = k->def; /* "key =" in a file: the built-in default */
	if (k->type == CFG_STR) {
		if (strlen(value) >= k->size)
			return wq_fail(eb, WQ_EINVAL, k->key, "%s: value longer than %zu bytes",
				       k->key, k->size - 1);
		memcpy(field, value, strlen(value) + 1);
		return WQ_OK;
	}
	if (k->type == CFG_BOOL) {
		int b;
		if (!strcmp(value, "1") || !strcmp(value, "yes") || !strcmp(value, "true"))
			b = 1;
		else if (!strcmp(value, "0") || !strcmp(value, "no") || !strcmp(value, "false"))
			b = 0;
		else
			return wq_fail(eb, WQ_EINVAL, k->key, "%s: expected yes or no, got '%s'",
				       k->key, value);
		memcpy(field, &b, sizeof b);
		return WQ_OK;
	}
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < 0 || v > 1000000000)
		return wq_fail(eb, WQ_EINVAL, k->key,
			       "%s: expected a whole number, got '%s'", k->key, value);
	int iv = (int)v;
	memcpy(field, &iv, sizeof iv);
	return WQ_OK;
}

int config_set(struct config *c, const char *key, const char *value, struct wq_errbuf *eb)
{
	const struct config_key *k = config_find(key);
	if (!k && key[0] == '-')
		k = config_flag(key);
	if (!k)
		return wq_fail(eb, WQ_EINVAL, key, "unknown setting '%s'", key);
	return config_apply(c, k, value, eb);
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	for (int i = 0; i < config_keys_count; i++)
		config_apply(c, &config_keys[i], config_keys[i].def, NULL);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

int config_load_file(struct config *c, const char *path, int required, struct wq_errbuf *eb)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!required && errno == ENOENT)
			return WQ_OK;
		return wq_fail(eb, WQ_EIO, "config", "%s: %s", path, strerror(errno));
	}
	char line[1024];
	int lineno = 0, rc = WQ_OK;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = wq_fail(eb, WQ_EINVAL, "config", "%s:%d: line too long", path, lineno);
			break;
		}
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = wq_fail(eb, WQ_EINVAL, "config", "%s:%d: expected 'key = value'",
				     path, lineno);
			break;
		}
		*eq = 0;
		char *key = trim(s), *value = trim(eq + 1);
		struct wq_errbuf sub;
		wq_errbuf_clear(&sub);
		if (config_set(c, key, value, &sub) != WQ_OK) {
			rc = wq_fail(eb, WQ_EINVAL, sub.field, "%s:%d: %s", path, lineno, sub.msg);
			break;
		}
	}
	fclose(f);
	return rc;
}

void config_load_env(struct config *c)
{
	for (int i = 0; i < config_keys_count; i++) {
		const char *v = getenv(config_keys[i].env);
		if (v)
			config_apply(c, &config_keys[i], v, NULL);
	}
}

void config_path(const struct config *c, const char *rel, char *dst, size_t len)
{
	if (rel[0] == '/' || !strcmp(c->share_dir, ".") || !c->share_dir[0])
		snprintf(dst, len, "%s", rel);
	else
		snprintf(dst, len, "%s/%s", c->share_dir, rel);
}

/* The settings file: WATIQA_CONFIG, else the system one (/etc/watiqa/watiqa.conf in a
 * system build) when it exists, else share_dir/etc/watiqa.conf (missing is fine). */
int config_file(const struct config *c, char *path, size_t len)
{
	const char *file = getenv("WATIQA_CONFIG");
	if (file && file[0]) {
		snprintf(path, len, "%s", file);
		return 1;
	}
	if (WATIQA_SYSCONF[0] && access(WATIQA_SYSCONF, F_OK) == 0) {
		snprintf(path, len, "%s", WATIQA_SYSCONF);
		return 1;
	}
	config_path(c, "etc/watiqa.conf", path, len);
	return 0;
}

int config_init(struct config *c, struct wq_errbuf *eb)
{
	config_defaults(c);
	const char *share = getenv("WATIQA_SHARE");
	if (share)
		config_set(c, "share_dir", share, NULL);
	char path[PATH_MAX_BYTES + 32];
	int required = config_file(c, path, sizeof path);
	int rc = config_load_file(c, path, required, eb);
	if (rc)
		return rc;
	config_load_env(c);
	return WQ_OK;
}

/* The directory state lives in: state_dir, else the database's directory. */
static void config_state_dir(const struct config *c, char *dst, size_t len)
{
	const char *slash = strrchr(c->db_path, '/');
	if (c->state_dir[0])
		snprintf(dst, len, "%s", c->state_dir);
	else if (slash == c->db_path)
		snprintf(dst, len, "/");
	else if (slash)
		snprintf(dst, len, "%.*s", (int)(slash - c->db_path), c->db_path);
	else
		snprintf(dst, len, ".");
}

int config_state_path(const struct config *c, const char *name, char *dst, size_t len)
{
	char dir[PATH_MAX_BYTES];
	config_state_dir(c, dir, sizeof dir);
	int n = snprintf(dst, len, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

void config_finish(struct config *c)
{
	char dir[PATH_MAX_BYTES];
	config_state_dir(c, dir, sizeof dir);
	wq_strlcpy(c->state_dir, dir, sizeof c->state_dir);
	if (!c->host_key[0])
		config_state_path(c, "ssh_host_ed25519_key", c->host_key, sizeof c->host_key);
}
