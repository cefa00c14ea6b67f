/* serve.h - `watiqa serve`: opens and migrates the database, loads the demo if asked,
 * starts the web side and runs the SSH listener. */
#ifndef WQ_SERVE_H
#define WQ_SERVE_H

#include "config.h"
#include "db.h"

int serve_main(const struct config *cfg);
/* Opens cfg->db_path (creating its directory), applies migrations and, if cfg->demo,
 * loads the demo into an empty database.  Prints what it did to `log` (may be NULL). */
int serve_open_db(const struct config *cfg, struct db **out, FILE *log, struct wq_errbuf *eb);

#endif
