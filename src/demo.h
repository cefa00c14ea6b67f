/* demo.h - the demo network, accounts and requests loaded by `--demo`. */
#ifndef WQ_DEMO_H
#define WQ_DEMO_H

#include <stdio.h>

#include "db.h"
#include "err.h"

#define DEMO_PASSWORD "watiqa-demo"

/* Loads the demo into an empty database (no offices yet); does nothing and returns
 * WQ_OK with *loaded = 0 if the network already exists. */
int demo_load(struct db *db, int requests, int *loaded, struct wq_errbuf *eb);
/* Prints the demo accounts table. */
void demo_print_accounts(FILE *out);

#endif
