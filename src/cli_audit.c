/* cli_audit.c - `watiqa check` and `watiqa audit ...`: what an operator reads to know the
 * data is whole and who knocked.  check runs db_check's invariants, both hash chains and
 * the two money books (the fees' and the post's) and exits 1 on any problem; audit
 * verify walks the chains alone; audit strangers and audit lookups count what strangers
 * tried and the codes checked on /verify, from their counters, not the audit log.  Read
 * only; runs in the operator's shell as "system".  Rows in cli_audit_cmds[] (src/cli.c
 * lists and dispatches them). */
#include <stdio.h>
#include <stdlib.h>

#include "anon.h"
#include "audit.h"
#include "cli_int.h"
#include "document.h"
#include "local_day.h"
#include "postage_refund.h"
#include "refund.h"
#include "util.h"

static int cmd_check(struct cli_ctx *c)
{
	int problems;
	int64_t bad_ev, bad_audit;
	if (db_check(c->db, stdout, &problems, &c->eb) ||
	    audit_verify(c->db, &bad_ev, &bad_audit, &c->eb))
		return cli_fail_eb(c);
	if (bad_ev)
		printf("request history: hash chain broken at event #%lld\n", (long long)bad_ev),
			problems++;
	if (bad_audit)
		printf("audit log: hash chain broken at row #%lld\n", (long long)bad_audit),
			problems++;
	struct money_book b;
	char m[6][24];
	if (refund_book(c->db, &b, &c->eb))
		return cli_fail_eb(c);
	/* what a later batch took back is no longer distributed nor still to recover */
	wq_fmt_money(b.collected, m[0], sizeof m[0]);
	wq_fmt_money(b.refunds, m[1], sizeof m[1]);
	wq_fmt_money(b.distributed - b.recovered, m[2], sizeof m[2]);
	wq_fmt_money(b.due, m[3], sizeof m[3]);
	wq_fmt_money(b.recover - b.recovered, m[4], sizeof m[4]);
	wq_fmt_money(b.recovered, m[5], sizeof m[5]);
	printf("money: collected %s - refunds %s = distributed %s + due %s MAD", m[0], m[1],
	       m[2], m[3]);
	if (b.recover - b.recovered) /* fees refunded after their commune received them */
		printf(" - to recover from communes %s", m[4]);
	if (b.recovered)
		printf(" (taken back in later batches %s)", m[5]);
	printf("\n");
	struct postage_book pb; /* the post's money, apart from the commune's fees */
	if (postage_book(c->db, &pb, &c->eb))
		return cli_fail_eb(c);
	wq_fmt_money(pb.collected, m[0], sizeof m[0]);
	wq_fmt_money(pb.refunds, m[1], sizeof m[1]);
	wq_fmt_money(pb.kept, m[2], sizeof m[2]);
	wq_fmt_money(pb.refunded, m[3], sizeof m[3]);
	printf("postage: collected %s - owed back %s (refunded %s) = kept %s MAD\n", m[0], m[1],
	       m[3], m[2]);
	printf("%s: %d problem%s\n", problems ? "check failed" : "check ok", problems,
	       problems == 1 ? "" : "s");
	return problems ? 1 : 0;
}

/* What strangers tried (anon.h): counted per source and minute, not in the audit log. */
static int cmd_audit_strangers(struct cli_ctx *c)
{
	char *end = NULL;
	long hours = c->argc ? strtol(c->argv[0], &end, 10) : 24;
	if (c->argc && (*end || hours < 1 || hours > 24 * 90)) {
		fprintf(stderr, "watiqa: HOURS: expected a whole number from 1 to %d, got '%s'\n",
			24 * 90, c->argv[0]);
		return 2;
	}
	struct anon_sum rows[50];
	int n = 0;
	if (anon_fail_sums(c->db, wq_now() - hours * 3600, rows, 50, &n, &c->eb))
		return cli_fail_eb(c);
	printf("%-16s %-28s %7s %7s  %-16s  first\n", "action", "source", "count", "minutes",
	       "last");
	for (int i = 0; i < n; i++) {
		char last[32];
		wq_fmt_time(rows[i].last_at, last, sizeof last);
		printf("%-16s %-28s %7d %7d  %-16s  %s\n", rows[i].action, rows[i].source,
		       rows[i].count, rows[i].minutes, last, rows[i].sample);
	}
	if (!n)
		printf("no failures by strangers in the last %ld hour%s\n", hours,
		       hours == 1 ? "" : "s");
	return 0;
}

/* The verification codes checked on /verify, per local day and outcome (document.h). */
static int cmd_audit_lookups(struct cli_ctx *c)
{
	char *end = NULL;
	long days = c->argc ? strtol(c->argv[0], &end, 10) : 7;
	if (c->argc && (*end || days < 1 || days > 366)) {
		fprintf(stderr, "watiqa: DAYS: expected a whole number from 1 to 366, got '%s'\n",
			c->argv[0]);
		return 2;
	}
	int64_t today = local_day(wq_now());
	printf("%-10s", "day");
	for (int o = 0; o < VO_COUNT; o++)
		printf(" %9s", verify_outcome_name(o));
	printf("\n");
	for (int64_t d = today - days + 1; d <= today; d++) {
		int n[VO_COUNT];
		char date[32];
		if (verify_counts(c->db, d, n, &c->eb))
			return cli_fail_eb(c);
		wq_fmt_time(d * 86400 + 43200, date, sizeof date); /* noon: the day's date */
		date[10] = 0;
		printf("%-10s", date);
		for (int o = 0; o < VO_COUNT; o++)
			printf(" %9d", n[o]);
		printf("\n");
	}
	return 0;
}

static int cmd_audit_verify(struct cli_ctx *c)
{
	int64_t bad_ev, bad_audit;
	if (audit_verify(c->db, &bad_ev, &bad_audit, &c->eb))
		return cli_fail_eb(c);
	if (!bad_ev && !bad_audit) {
		printf("both hash chains verify\n");
		return 0;
	}
	if (bad_ev)
		printf("request history: first broken row is event #%lld\n", (long long)bad_ev);
	if (bad_audit)
		printf("audit log: first broken row is #%lld\n", (long long)bad_audit);
	return 1;
}

const struct cli_cmd cli_audit_cmds[] = {
	{"check", "", 0, 0, 1, cmd_check, "integrity check, lifecycle invariants, hash chains"},
	{"audit verify", "", 0, 0, 1, cmd_audit_verify,
	 "verify the hash chains of the history and the audit log"},
	{"audit strangers", "[HOURS]", 0, 1, 1, cmd_audit_strangers,
	 "failures by strangers (forged callbacks, wrong codes, unknown accounts) per source, "
	 "last 24 hours"},
	{"audit lookups", "[DAYS]", 0, 1, 1, cmd_audit_lookups,
	 "documents' verification codes checked on /verify, per day and outcome, last 7 days"},
};
const int cli_audit_cmds_count = sizeof cli_audit_cmds / sizeof cli_audit_cmds[0];
