/* totp.h - the staff's second factor (issue 12 item 13): RFC 6238 codes and recovery
 * codes (src/totp.c, no database), and the accounts' enrolment, reset and login check
 * (src/db_totp.c, every step audited; the secrets sealed under the server key).  Asked by the SSH login through
 * keyboard-interactive after the password or key (src/ssh_session_auth.c); enrolled from
 * the account's own session (screens/totp_enrol.c) or by an admin (`watiqa user totp-init`). */
#ifndef WQ_TOTP_H
#define WQ_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "config.h"
#include "db.h"
#include "err.h"

#define TOTP_SECRET_BYTES	20 /* 160 bits, RFC 4226's recommendation */
#define TOTP_SECRET_B32_BYTES	33 /* 32 base32 characters and NUL */
#define TOTP_DIGITS		6
#define TOTP_STEP_SECONDS	30
#define TOTP_WINDOW_STEPS	1  /* a code of the step before or after is taken too */
#define TOTP_RECOVERY_COUNT	8
#define TOTP_RECOVERY_CHARS	10 /* ~49 bits each, shown as xxxxx-xxxxx */
#define TOTP_RECOVERY_BYTES	(TOTP_RECOVERY_CHARS + 2)
/* "e1:" and hex of a 12-byte nonce, the 32 characters and a 16-byte tag, and NUL */
#define TOTP_SEALED_BYTES	(3 + 2 * (12 + 32 + 16) + 1)

/* ---- src/totp.c ---- */
int totp_secret_new(char *b32, size_t size);
/* The code of one 30 s step; -1 on a bad secret. */
int totp_code(const char *b32, int64_t step, char out[TOTP_DIGITS + 1]);
int64_t totp_step(int64_t unix_seconds);
/* The step code matches at now (within TOTP_WINDOW_STEPS), if later than last_step;
 * -1 when none: wrong, malformed, or already used (a replay). */
int64_t totp_match(const char *b32, const char *code, int64_t now, int64_t last_step);
int totp_recovery_new(char *out, size_t size);
/* As typed ("ABCDE FGHIJ", "abcdefghij") to the stored form "abcde-fghij". */
void totp_recovery_normalize(const char *in, char *out, size_t size);
void totp_uri(const char *username, const char *b32, char *out, size_t size);
/* The secret as the database keeps it: AES-256-GCM under a key derived from the server key
 * (state_dir/server.key, outside the database), so that a copy of the database or of a
 * backup does not hold the staff's second factors.  0, or -1 (on open: not ours, or
 * altered). */
int totp_seal(const unsigned char server_key[32], const char *b32, char *out, size_t size);
int totp_unseal(const unsigned char server_key[32], const char *sealed, char *b32, size_t size);
/* The text as a QR code in UTF-8 rows (*width_out columns each); totp_qr_free() them. */
int totp_qr_text(const char *text, char ***rows_out, int *n_out, int *width_out);
void totp_qr_free(char **rows, int n);

/* ---- src/db_totp.c ---- */
struct totp_status {
	int enrolled; /* a confirmed secret: the login asks for a code */
	int pending;  /* a secret shown, not yet confirmed by a code */
	int recovery_left;
};
int totp_status(struct db *db, const char *username, struct totp_status *out,
		struct wq_errbuf *eb);
/* Must this account have a second factor (its role is in cfg->totp_roles, and the
 * server is not a demo)?  Enrolled or not. */
int totp_role_required(const struct config *cfg, enum role role);

/* The account enrols itself: a new secret, pending until totp_confirm() gets a code
 * from it.  Refused (WQ_ECONFLICT) when one is already confirmed: an admin resets it. */
int totp_begin(struct db *db, const struct config *cfg, const struct actor *a, char *b32,
	       size_t size, struct wq_errbuf *eb);
/* The code proves the app has the secret: confirmed, and the recovery codes made (shown
 * once, stored hashed). */
int totp_confirm(struct db *db, const struct config *cfg, const struct actor *a, const char *code,
		 char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES], struct wq_errbuf *eb);
/* An admin (or the CLI's system actor) enrols an account directly (confirmed), or
 * removes its second factor. */
int totp_admin_init(struct db *db, const struct config *cfg, const struct actor *by,
		    const char *username, char *b32, size_t size,
		    char codes[TOTP_RECOVERY_COUNT][TOTP_RECOVERY_BYTES], struct wq_errbuf *eb);
int totp_reset(struct db *db, const struct actor *by, const char *username,
	       struct wq_errbuf *eb);

/* At login, after the first factor: a code (once: its step is recorded, no replay) or an
 * unused recovery code (then used up).  WQ_OK or WQ_EDENIED; audited either way. */
int totp_login(struct db *db, const struct config *cfg, const char *username,
	       const char *answer, const char *addr, int *used_recovery, struct wq_errbuf *eb);

#endif
