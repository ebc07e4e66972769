/* db/db.h — the SQLite store: opening it, its schema and migrations.
 *
 * Every SQL statement of the program lives in db/. The database keeps one
 * catalog (categories, entries, notes, its source text) and every URL ever
 * linked with its check history, which survives edits of the catalog. What
 * is done with it is in one header per concern: db/ingest.h (storing a
 * catalog), db/query.h (entries and categories for people), db/checks.h (link
 * checks: targets, results, reports), db/history.h (a link's checks over
 * time, and pruning them), db/archive.h (archived copies of dead links) and
 * db/pages.h (what the HTML and JSON index read).
 *
 * Strings handed to a callback (a row) belong to SQLite and live only until
 * the callback returns: copy what you keep. */
#ifndef RD_DB_H
#define RD_DB_H

#include <stdint.h>
#include <stdio.h>

#include "../common/rd.h"

typedef struct rd_db rd_db;

enum { RD_DB_READONLY = 1 }; /* open flags; the default creates and migrates */

/* The schema version this build writes (PRAGMA user_version). */
int rd_db_schema_latest(void);

/* Opens (creating and migrating unless RD_DB_READONLY) the database at path.
 * On success stores a handle in *out that the caller closes with rd_db_close.
 * A missing file with RD_DB_READONLY is RD_ENOTFOUND. */
int rd_db_open(const char *path, int flags, rd_db **out, rd_error *err);
/* Closes the handle; NULL is harmless. */
void rd_db_close(rd_db *db);
/* The schema version of the open database. */
int rd_db_schema_version(rd_db *db);

/* Versions of the libraries behind the program, for --version. */
const char *rd_db_sqlite_version(void);

#endif
