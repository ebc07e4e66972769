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

#endif
