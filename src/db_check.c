/* db_check.c - the database's two safety nets: `watiqa backup` (an online copy, in steps
 * so that writers wait for one step at a time) and `watiqa check`, SQLite's integrity
 * check, then every invariant of the data as one query listing the offending rows
 * (money reconciles to the centime, states follow the transitions, each refund once...),
 * then the treasury's running totals against the payments.  Out of db.c, which opens,
 * migrates and writes, because the list of invariants grows with every rule of money. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "db_finance.h"
#include "finance.h"
#include "limits.h"
#include "util.h"

int db_backup(struct db *db, const char *path, struct wq_errbuf *eb)
{
	sqlite3 *dst;
	char tmp[PATH_MAX_BYTES + 8];
	snprintf(tmp, sizeof tmp, "%s.part", path);
	unlink(tmp);
	if (sqlite3_open(tmp, &dst) != SQLITE_OK) {
		wq_fail(eb, WQ_EIO, "file", "cannot create %s: %s", tmp, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return WQ_EIO;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", db_handle(db), "main");
	int rc = SQLITE_OK;
	if (!b) {
		rc = sqlite3_errcode(dst);
	} else {
		/* Copy in steps so writers are held up for at most one step at a time; a
		 * write from another connection restarts the copy, which is what we want. */
		do {
			rc = sqlite3_backup_step(b, 256);
			if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
				sqlite3_sleep(20);
		} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
		sqlite3_backup_finish(b);
	}
	if (rc != SQLITE_DONE) {
		wq_fail(eb, WQ_EIO, "file", "backup failed: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		unlink(tmp);
		return WQ_EIO;
	}
	sqlite3_close(dst);
	chmod(tmp, 0600); /* a copy of everything: as private as the database */
	if (rename(tmp, path) != 0)
		return wq_fail(eb, WQ_EIO, "file", "cannot rename %s to %s: %s", tmp, path,
			       strerror(errno));
	return WQ_OK;
}

/* Each invariant is one query returning the offending rows' description. */
static const struct {
	const char *what;
	const char *sql;
} invariants[] = {
	{"claimed/in-production request without an agent",
	 "SELECT tracking FROM requests WHERE state IN ('claimed','in_production',"
	 "'awaiting_signature','signed')"
	 " AND agent_id IS NULL"},
	{"queued request still holding an agent",
	 "SELECT tracking FROM requests WHERE state = 'paid' AND agent_id IS NOT NULL"},
	{"paid-or-later request without a confirmed payment",
	 "SELECT r.tracking FROM requests r WHERE r.state NOT IN ('pending_payment','expired')"
	 " AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.request_id = r.id"
	 " AND p.status IN ('confirmed','refund_owed','refunded'))"},
	{"request whose state differs from its last event",
	 "SELECT r.tracking FROM requests r JOIN request_events e ON e.id ="
	 " (SELECT max(id) FROM request_events WHERE request_id = r.id)"
	 " WHERE e.to_state <> r.state"},
	{"request without history",
	 "SELECT r.tracking FROM requests r WHERE NOT EXISTS"
	 " (SELECT 1 FROM request_events e WHERE e.request_id = r.id)"},
	{"request with the post but no registered-mail code",
	 "SELECT r.tracking FROM requests r WHERE r.state IN ('with_post','delivered','returned')"
	 " AND NOT EXISTS (SELECT 1 FROM mail_items m WHERE m.request_id = r.id"
	 " AND m.code IS NOT NULL)"},
	{"paid amount differing from the fee",
	 "SELECT r.tracking FROM requests r JOIN payments p ON p.request_id = r.id"
	 " AND p.status = 'confirmed' WHERE p.amount_centimes <> r.fee_centimes"},
	{"settlement total differing from its items",
	 "SELECT s.id FROM settlements s WHERE s.total_centimes <>"
	 " (SELECT coalesce(sum(amount_centimes), 0) FROM settlement_items i"
	 " WHERE i.settlement_id = s.id)"},
	/* money has a way back (db/150_refunds.sql): every refund owed has its row, the
	 * row agrees with its payment, a refunded fee is never distributed, and the book
	 * balances to the centime */
	{"refund owed or made without its refund row",
	 "SELECT r.tracking FROM payments p JOIN requests r ON r.id = p.request_id"
	 " WHERE p.status IN ('refund_owed','refunded')"
	 " AND NOT EXISTS (SELECT 1 FROM refunds f WHERE f.payment_id = p.id)"},
	/* an order's lines are refunded one by one (db/211): a payment's refunds never
	 * exceed it, it is refund_owed once they cover it, refunded once all are */
	{"refund disagreeing with its payment",
	 "SELECT r.tracking || ' (' || f.s || ' of ' || p.amount_centimes || ', payment '"
	 " || p.status || ')' FROM payments p JOIN requests r ON r.id = p.request_id"
	 " JOIN (SELECT payment_id, sum(amount_centimes) AS s, sum(state <> 'refunded') AS open,"
	 " max(request_id) AS rq, min(request_id) AS rq0 FROM refunds GROUP BY payment_id) f"
	 " ON f.payment_id = p.id"
	 " WHERE f.s > p.amount_centimes OR f.rq <> p.request_id OR f.rq0 <> p.request_id"
	 " OR (p.status IN ('refund_owed','refunded')) <> (f.s = p.amount_centimes)"
	 " OR (p.status = 'refunded') <> (f.s = p.amount_centimes AND f.open = 0)"},
	{"line refund disagreeing with its line",
	 "SELECT r.tracking || ' line ' || f.line_no FROM refunds f"
	 " JOIN requests r ON r.id = f.request_id WHERE f.line_no > 0 AND NOT EXISTS"
	 " (SELECT 1 FROM request_lines l WHERE l.request_id = f.request_id"
	 " AND l.line_no = f.line_no AND l.fee_centimes = f.amount_centimes)"},
	{"rejected line whose fee is kept",
	 "SELECT r.tracking || ' line ' || l.line_no FROM request_lines l"
	 " JOIN requests r ON r.id = l.request_id JOIN payments p ON p.request_id = r.id"
	 " AND p.status IN ('confirmed','refund_owed','refunded')"
	 " WHERE l.state = 'rejected' AND NOT EXISTS (SELECT 1 FROM refunds f"
	 " WHERE f.payment_id = p.id AND f.line_no = l.line_no)"
	 " AND NOT EXISTS (SELECT 1 FROM refunds f WHERE f.payment_id = p.id AND f.line_no = 0"
	 " AND f.amount_centimes = p.amount_centimes)"},
	{"order whose lines do not add up to its fee",
	 "SELECT r.tracking FROM requests r WHERE (SELECT coalesce(sum(fee_centimes), 0)"
	 " FROM request_lines l WHERE l.request_id = r.id) NOT BETWEEN 1 AND r.fee_centimes"},
	{"rejected or cancelled request whose fee is kept",
	 "SELECT r.tracking FROM requests r JOIN payments p ON p.request_id = r.id"
	 " WHERE r.state IN ('rejected','cancelled') AND p.status = 'confirmed'"},
	/* an envelope destroyed after its fee went to the commune is refunded all the same:
	 * that fee is to recover from the commune (refund_book's `recover`) */
	{"refunded fee in a distribution batch",
	 "SELECT r.tracking FROM settlement_items x JOIN requests r ON r.id = x.request_id"
	 " JOIN payments p ON p.request_id = r.id AND p.status IN ('confirmed','refund_owed',"
	 "'refunded') AND NOT EXISTS (SELECT 1 FROM refunds d WHERE d.payment_id = p.id"
	 " AND d.line_no = 0 AND d.amount_centimes = p.amount_centimes)"
	 " WHERE x.amount_centimes <> p.amount_centimes - (SELECT"
	 " coalesce(sum(f.amount_centimes), 0) FROM refunds f WHERE f.payment_id = p.id"
	 " AND f.reason <> 'returned')"},
	/* a re-dispatch's postage is the post's money (db/210): never a fee, paid once
	 * for what was sent, and any other charge is owed back to the card by its own
	 * refund row (db/220) */
	{"re-dispatch sent without its postage",
	 "SELECT d.order_ref FROM redispatches d WHERE d.state = 'paid' AND (SELECT count(*)"
	 " FROM postage_payments p WHERE p.redispatch_id = d.id AND p.status = 'confirmed'"
	 " AND p.amount_centimes = d.fee_centimes) <> 1"},
	{"postage owed back to the card without its refund row",
	 "SELECT d.order_ref || ' txn ' || p.gateway_ref FROM postage_payments p"
	 " JOIN redispatches d ON d.id = p.redispatch_id WHERE p.status = 'owed_back'"
	 " AND NOT EXISTS (SELECT 1 FROM postage_refunds f WHERE f.postage_payment_id = p.id)"},
	{"postage refund disagreeing with its payment",
	 "SELECT f.idem_key FROM postage_refunds f JOIN postage_payments p"
	 " ON p.id = f.postage_payment_id JOIN redispatches d ON d.id = p.redispatch_id"
	 " WHERE p.status <> 'owed_back' OR f.amount_centimes <> p.amount_centimes"
	 " OR f.request_id <> d.request_id"},
	/* finance settles a refused refund by sending it again (its key unchanged) or by a
	 * transfer (db/221): never both, never without its audit row */
	{"refund paid both by the card and by transfer",
	 "SELECT idem_key FROM refunds WHERE transfer_ref <> '' AND gateway_ref <> ''"
	 " UNION ALL SELECT idem_key FROM postage_refunds WHERE transfer_ref <> ''"
	 " AND gateway_ref <> ''"},
	{"refund paid by transfer but not refunded, or without its audit row",
	 "SELECT f.idem_key FROM (SELECT idem_key, state, transfer_ref FROM refunds UNION ALL"
	 " SELECT idem_key, state, transfer_ref FROM postage_refunds) f"
	 " WHERE f.transfer_ref <> '' AND (f.state <> 'refunded' OR NOT EXISTS (SELECT 1"
	 " FROM audit_log a WHERE a.action = 'refund.transfer' AND a.target = f.idem_key))"},
	/* a commune's later batch takes back the fees it owes (db/281): each such fee once,
	 * from the commune that received it, for what was refunded, never more than the
	 * batch distributes */
	{"fee taken back that its commune did not owe",
	 "SELECT 'batch ' || k.settlement_id || ' refund ' || k.refund_id"
	 " FROM settlement_recoveries k JOIN settlements s ON s.id = k.settlement_id"
	 " JOIN settlements o ON o.id = k.from_settlement_id WHERE s.commune_id <> o.commune_id"
	 " OR k.settlement_id = k.from_settlement_id OR NOT EXISTS (SELECT 1 FROM"
	 FIN_RECOVER_FROM " WHERE" FIN_RECOVER " AND f.id = k.refund_id"
	 " AND x.settlement_id = k.from_settlement_id"
	 " AND f.amount_centimes = k.amount_centimes)"},
	{"batch taking back more than it distributes",
	 "SELECT s.id FROM settlements s WHERE s.total_centimes < (SELECT"
	 " coalesce(sum(k.amount_centimes), 0) FROM settlement_recoveries k"
	 " WHERE k.settlement_id = s.id)"},
	{"money does not balance (collected - refunds <> distributed + due - to recover)",
	 "SELECT printf('%d - %d <> %d + %d - %d', c, f, d, u, k) FROM (SELECT"
	 " (SELECT coalesce(sum(amount_centimes), 0) FROM payments"
	 "  WHERE status IN ('confirmed','refund_owed','refunded')) AS c,"
	 " (SELECT coalesce(sum(amount_centimes), 0) FROM refunds) AS f,"
	 " (SELECT coalesce(sum(amount_centimes), 0) FROM settlement_items) AS d,"
	 " (SELECT coalesce(sum(p.amount_centimes - (SELECT coalesce(sum(g.amount_centimes),"
	 "  0) FROM refunds g WHERE g.payment_id = p.id)), 0) FROM payments p"
	 "  WHERE p.status = 'confirmed' AND NOT EXISTS (SELECT 1 FROM settlement_items x"
	 "  WHERE x.request_id = p.request_id)) AS u,"
	 " (SELECT coalesce(sum(f.amount_centimes), 0) FROM" FIN_RECOVER_FROM
	 " WHERE" FIN_RECOVER ") AS k)"
	 " WHERE c - f <> d + u - k"},
};

int db_check(struct db *db, void *outp, int *problems, struct wq_errbuf *eb)
{
	FILE *out = outp;
	*problems = 0;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db_handle(db), "PRAGMA integrity_check", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, eb);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t && strcmp(t, "ok") != 0) {
			fprintf(out, "integrity: %s\n", t);
			(*problems)++;
		}
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < sizeof invariants / sizeof invariants[0]; i++) {
		rc = sqlite3_prepare_v2(db_handle(db), invariants[i].sql, -1, &st, NULL);
		if (rc != SQLITE_OK)
			return db_fail(db, rc, eb);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			fprintf(out, "%s: %s\n", invariants[i].what,
				(const char *)sqlite3_column_text(st, 0));
			(*problems)++;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, rc, eb);
	}
	/* the treasury's running totals (db/250) against the payments */
	return treasury_due_check(db, out, problems, eb);
}
