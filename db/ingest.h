/* db/ingest.h — storing a parsed catalog, in one transaction. */
#ifndef RD_DB_INGEST_H
#define RD_DB_INGEST_H

#include <stdint.h>
#include <stdio.h>

#include "../catalog/catalog.h"
#include "db.h"

typedef struct rd_ingest_stats {
    int unchanged; /* the same source was ingested already: nothing was written */
    int64_t categories, entries, notes, urls_new, urls_total;
} rd_ingest_stats;

enum {
    /* Replace a catalog that came from another file (without it that is
     * RD_EUSAGE: two catalogs in one folder would share its refdex.db) */
    RD_INGEST_REPLACE = 1
};

/* Replaces the stored catalog with cat (parsed from source[0..len)) in one
 * transaction; URLs and their check history are kept. Ingesting the same
 * source again writes nothing, takes no write lock, and sets
 * stats->unchanged. */
int rd_db_ingest(rd_db *db, const rd_catalog *cat, const char *source, size_t len, int flags,
                 rd_ingest_stats *stats, rd_error *err);

/* Reads text (named file in messages) as rd_catalog_stream does, a section
 * at a time, and stores each section as it comes, in one transaction: what
 * rd_db_ingest of the parsed text stores, without the whole catalog in
 * memory at once. Bad input (RD_EINPUT, "file:line:col: problem") rolls
 * back: the database is as it was. Unchanged text is not read at all. */
int rd_db_ingest_text(rd_db *db, const char *file, const char *text, size_t len,
                      long long max_input, int flags, rd_ingest_stats *stats, rd_error *err);

#endif
