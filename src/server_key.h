/* server_key.h - the server's own secret: 32 random bytes in state_dir/server.key (0600),
 * created on first start and kept outside the database, so that a copy of the database
 * or of a backup alone cannot reverse the secrets stored in it as HMACs. */
#ifndef WQ_SERVER_KEY_H
#define WQ_SERVER_KEY_H

#include "config.h"
#include "err.h"

#define SERVER_KEY_BYTES 32

/* Reads state_dir/server.key, creating it (and state_dir, 0700) on first use.  WQ_EIO
 * with field "server_key" if it cannot be read or created, or is not 32 bytes. */
int server_key_get(const struct config *cfg, unsigned char key[32], struct wq_errbuf *eb);
/* HMAC-SHA256 of msg under key, as 64 lowercase hex digits and a NUL. */
void server_key_hmac(const unsigned char key[32], const char *msg, char hex_out[65]);

#endif
