/* db_login_int.h - what src/db_login.c asks of src/db_login_sync.c: the fsync of a try's
 * count run beside its hash, and a connection's first WAL fsync made early. */
#ifndef WQ_DB_LOGIN_INT_H
#define WQ_DB_LOGIN_INT_H

#include "db.h"

/* Starts fsyncing db's WAL on a thread; 1 when started.  Until login_bg_join the caller
 * must not touch db. */
int login_bg_start(struct db *db);
/* Waits for that fsync: SQLITE_OK, or the error that fails the try's answer (SQLITE_OK
 * when none was started). */
int login_bg_join(void);
/* The WAL's first fsync on db and SQLite's directory fsync with it, for a connection in
 * FULL, before a login needs them. */
void login_sync_early(struct db *db);

#endif
