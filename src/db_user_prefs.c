/* db_user_prefs.c - the data layer behind an account's screen preferences (user.h):
 * its language and whether the server reorders right-to-left text.  An administrator
 * (or the operator's CLI) sets them for any account; a user only their own, from their
 * screen.  Each change is audited in its transaction.  Runs in the CLI and in the UI
 * child. */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "user.h"

static int may_set(const struct actor *by, const char *username, struct wq_errbuf *eb)
{
	if (by && (by->role == ROLE_ADMIN || by->role == ROLE_SYSTEM))
		return WQ_OK;
	if (by && by->user_id && username && !strcmp(by->username, username))
		return WQ_OK;
	return wq_fail(eb, WQ_EDENIED, "username",
		       "only an administrator sets another account's language");
}

/* One column of one account, then the audit row: sql binds (value, username). */
static int do_set(struct db *db, const struct actor *by, const char *sql, const char *text,
		  int num, const char *username, const char *action, const char *detail,
		  struct wq_errbuf *eb)
{
	sqlite3_stmt *st = db_stmt(db, sql, eb);
	if (!st)
		return WQ_EIO;
	if (text)
		db_bind_text(st, 1, text);
	else
		sqlite3_bind_int(st, 1, num);
	db_bind_text(st, 2, username);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, eb);
	if (sqlite3_changes(db_handle(db)) != 1)
		return wq_fail(eb, WQ_ENOTFOUND, "username", "no account named '%s'", username);
	return db_audit_append(db, by->user_id, by->username, action, username, detail, "", eb);
}

int user_set_lang(struct db *db, const struct actor *by, const char *username,
		  const char *lang, struct wq_errbuf *eb)
{
	static const char sql[] = "UPDATE users SET lang = ? WHERE username = ?";
	char detail[16];
	int rc = may_set(by, username, eb);
	if (rc)
		return rc;
	if (!lang || (strcmp(lang, "fr") && strcmp(lang, "ar") && strcmp(lang, "en")))
		return wq_fail(eb, WQ_EINVAL, "lang", "expected fr, ar or en, not '%s'",
			       lang ? lang : "");
	snprintf(detail, sizeof detail, "lang=%s", lang);
	DB_TX_AS(db, by, eb, do_set(db, by, sql, lang, 0, username, "user.lang", detail, eb));
}

int user_set_bidi(struct db *db, const struct actor *by, const char *username,
		  int reorder, struct wq_errbuf *eb)
{
	static const char sql[] = "UPDATE users SET bidi_reorder = ? WHERE username = ?";
	int rc = may_set(by, username, eb);
	if (rc)
		return rc;
	DB_TX_AS(db, by, eb, do_set(db, by, sql, NULL, reorder ? 1 : 0, username, "user.bidi",
			     reorder ? "reorder=on" : "reorder=off", eb));
}
