/* db/archive.h — archived copies of dead links (`check --archive`): what the
 * Wayback Machine's availability API answered, read with SQLite's JSON
 * functions and checked before anything keeps it, and the answers stored
 * per URL. */
#ifndef RD_DB_ARCHIVE_H
#define RD_DB_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

enum {
    RD_ARCHIVE_URL_MAX = 2048,     /* bytes of a snapshot URL kept, at most */
    RD_ARCHIVE_BODY_MAX = 65536,   /* bytes of an API answer read, at most */
    RD_ARCHIVE_TTL_DAYS = 30,      /* an answer is asked again after this */
    RD_ARCHIVE_LOOKUPS_MAX = 50,   /* lookups a run makes, at most */
    RD_ARCHIVE_TIMEOUT_MS = 10000, /* a lookup's own limit (and the run's deadline) */
    RD_ARCHIVE_TOTAL_MS = 60000    /* all the lookups of a run together, at most */
};

/* An archived copy of a URL, as the API told it and refdex checked it. */
typedef struct rd_archive {
    int found;                    /* a usable snapshot; else the fields are "" */
    char url[RD_ARCHIVE_URL_MAX]; /* http:// or https://, printable ASCII, no space */
    char date[24];                /* "2020-01-02T03:04:05Z", from its 14-digit timestamp */
    char status[8];               /* the status the archive recorded ("200"); "" unknown */
} rd_archive;

/* Reads an answer of the availability API (JSON: archived_snapshots.closest
 * with available, url, timestamp, status) from body[0..len) into *a, with
 * SQLite's JSON functions on db's connection. An answer without a snapshot,
 * or whose snapshot the archive recorded as a 4xx/5xx, is found = 0. An answer
 * that is not JSON, or a snapshot whose URL is not http(s) of printable ASCII
 * without spaces (at most RD_ARCHIVE_URL_MAX - 1 bytes), whose timestamp is
 * not 14 digits of a date, or whose fields are of the wrong type: RD_EINPUT,
 * why in err (without the answer's text), and *a says nothing found. */
int rd_archive_parse(rd_db *db, const char *body, size_t len, rd_archive *a, rd_error *err);

/* Calls cb for the URLs of run_id whose verdict (RD_VERDICT, strict) is
 * "fail" and that have no stored answer younger than RD_ARCHIVE_TTL_DAYS, in
 * catalog order, at most `max`; *left gets how many more there were. `when`
 * is the timestamp to ask for (YYYYMMDDhhmmss): the URL's latest passing
 * check, else when it joined the catalog. Strings live during the call. */
int rd_db_archive_wanted(rd_db *db, int64_t run_id, int strict, size_t max,
                         int (*cb)(int64_t url_id, const char *url, const char *when, void *ud),
                         void *ud, size_t *left, rd_error *err);

/* Stores the answer for url_id (replacing an older one), committed. */
int rd_db_archive_store(rd_db *db, int64_t url_id, const rd_archive *a, rd_error *err);

#endif
