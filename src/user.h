/* user.h - staff accounts: creation, passwords (yescrypt), SSH public keys, login
 * checks.  Every change is audited by the data layer in the same transaction. */
#ifndef WQ_USER_H
#define WQ_USER_H

#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "err.h"

struct user {
	int64_t id;
	char username[USERNAME_MAX_BYTES];
	char full_name[NAME_MAX_BYTES];
	enum role role;
	enum scope_kind scope;
	int64_t scope_id;
	char scope_label[NAME_MAX_BYTES]; /* office/commune/province code, or "national" */
	int disabled;
	int failed_logins;
	int64_t last_login_at;
	int key_count;
	char lang[4];	  /* the screens' language: "fr", "ar" or "en" */
	int bidi_reorder; /* 1: the server reorders right-to-left text (terminal has no bidi) */
};

struct user_key {
	int64_t id;
	char type[32];
	char b64[SSH_KEY_MAX_BYTES];
	char comment[64];
};

/* `by` is the admin (or system, for the CLI) doing it; scope_code names the office,
 * commune or province by its code ("" for national roles). */
int user_add(struct db *db, const struct actor *by, const char *username,
	     const char *full_name, enum role role, const char *scope_code,
	     const char *password, int64_t *id_out, struct wq_errbuf *eb);
int user_set_disabled(struct db *db, const struct actor *by, const char *username,
		      int disabled, struct wq_errbuf *eb);
int user_set_password(struct db *db, const struct actor *by, const char *username,
		      const char *password, struct wq_errbuf *eb);
int user_set_role(struct db *db, const struct actor *by, const char *username,
		  enum role role, const char *scope_code, struct wq_errbuf *eb);
/* The account's screen language ("fr", "ar" or "en") and whether the server reorders
 * right-to-left lines (db_user_prefs.c).  An administrator sets them for anyone, each
 * user for themself; audited as user.lang / user.bidi. */
int user_set_lang(struct db *db, const struct actor *by, const char *username,
		  const char *lang, struct wq_errbuf *eb);
int user_set_bidi(struct db *db, const struct actor *by, const char *username,
		  int reorder, struct wq_errbuf *eb);
/* Further roles (src/db_user_roles.c): where a small office needs it an account holds
 * more than its main role, each with its scope (a supervisor who is also the office's
 * officer).  Its sessions open as the main role and switch with a key; every write checks
 * the role acted as is still held.  Admin or system only; audited user.role_add and
 * user.role_remove. */
struct user_role {
	enum role role;
	enum scope_kind scope;
	int64_t scope_id;
	char scope_label[NAME_MAX_BYTES]; /* office/commune/province code, or "national" */
};
#define USER_ROLES_MAX 8
int user_role_add(struct db *db, const struct actor *by, const char *username,
		  enum role role, const char *scope_code, struct wq_errbuf *eb);
int user_role_remove(struct db *db, const struct actor *by, const char *username,
		     enum role role, struct wq_errbuf *eb);
/* Every role the account holds, its main role first: out[USER_ROLES_MAX]. */
int user_roles(struct db *db, const char *username, struct user_role *out, int *n,
	       struct wq_errbuf *eb);
/* The actor for one of the account's roles (the main one if role is ROLE_NONE);
 * WQ_ENOTFOUND if the account does not hold it. */
int user_actor_as(struct db *db, const char *username, enum role role, struct actor *a,
		  struct wq_errbuf *eb);
/* line: an OpenSSH public key line "ssh-ed25519 AAAA... comment". */
int user_key_add(struct db *db, const struct actor *by, const char *username,
		 const char *line, struct wq_errbuf *eb);
int user_key_remove(struct db *db, const struct actor *by, const char *username,
		    int64_t key_id, struct wq_errbuf *eb);
int user_keys(struct db *db, const char *username, struct user_key **out, int *n,
	      struct wq_errbuf *eb);
int user_get(struct db *db, const char *username, struct user *out, struct wq_errbuf *eb);
int user_get_by_id(struct db *db, int64_t id, struct user *out, struct wq_errbuf *eb);
/* role ROLE_NONE: all roles; scope_id 0: any. */
int user_list(struct db *db, enum role role, int64_t office_id, struct user **out, int *n,
	      struct wq_errbuf *eb);

/* Login (src/db_login.c): checks the password of an enabled account; on success fills
 * `a`, makes addr's network known for the account and audits login.ok; on failure
 * audits login.fail with addr.  Same WQ_EDENIED answer, after the same time, for an
 * unknown user, a wrong password, a disabled account and a throttled try. */
int user_login_password(struct db *db, const char *username, const char *password,
			const char *addr, struct actor *a, struct wq_errbuf *eb);
/* As user_login_password, for an SSH session that answers at once: the try's count is
 * durable when it returns (its fsync ran beside the hash), the outcome is committed but
 * its fsync is left to user_login_settle, to be called once the answer has gone and
 * before anything else is done on that connection (src/db_login_sync.c). */
int user_login_password_answer_first(struct db *db, const char *username,
				     const char *password, const char *addr, struct actor *a,
				     struct wq_errbuf *eb);
/* The fsync a login answered first left due (none: WQ_OK); an error means the outcome may
 * not be on disk: the session must end without acting on it. */
int user_login_settle(struct wq_errbuf *eb);
/* Key login: the key (type + base64 blob) must be one of the user's keys. */
int user_login_key(struct db *db, const char *username, const char *key_type,
		   const char *key_b64, const char *addr, struct actor *a,
		   struct wq_errbuf *eb);
/* After the second factor, in its transaction (src/db_totp.c): a right code makes
 * addr's network known for the account (the password alone does not, when a code
 * follows it); a wrong code counts in the throttle as a wrong password would. */
int user_login_second_factor(struct db *db, int64_t user_id, const char *addr, int ok,
			     struct wq_errbuf *eb);
/* Makes the dummy hash that unknown names are checked against and times one check;
 * the SSH listener calls it before forking any session.  Returns the check's ms. */
int user_login_prepare(void);
/* Prepares on db what a login will run (the schema, the throttle's and the outcome's
 * statements): an SSH session calls it during the key exchange, while the client
 * computes, so that the password's answer does not wait for it. */
void user_login_warm(struct db *db);
/* How many password hashes the login paths have checked in this process (the dummy one
 * included): lets tests see that a throttled or unknown name pays for one as a real try
 * does, without timing anything. */
long user_login_hash_checks(void);
/* Fills the actor for an account (no password check): for the CLI's `ui` command. */
int user_actor(struct db *db, const char *username, struct actor *a, struct wq_errbuf *eb);

/* yescrypt hash of password into out (>= 128 bytes). */
int user_hash_password(const char *password, char *out, size_t outlen, struct wq_errbuf *eb);
int user_check_password(const char *password, const char *hash);

#endif
