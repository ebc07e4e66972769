/* db/history.h — the checks of one URL over time (`history`). */
#ifndef RD_DB_HISTORY_H
#define RD_DB_HISTORY_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* One stored check of a URL; strings may be NULL. */
typedef struct rd_history_row {
    int64_t check_id, run_id;
    const char *checked_at, *result, *final_url, *error;
    int status_code, redirects;
    int64_t elapsed_ms;
    int conclusive; /* it counts (or counted) for the link's status */
    const char
        *outcome; /* its run's: completed, interrupted, deadline, offline; NULL while it runs */
    const char *cached_result, *cached_at; /* a cache hit: the check it reused; else NULL */
} rd_history_row;

/* Finds the URL that `what` names: a stored URL (as given, or as `normalised`
 * when not NULL), else an entry of the stored catalog whose name or link as
 * written is `what` (names in any ASCII case). Hands its id and a copy of the
 * URL (the caller frees it) back. None: RD_ENOTFOUND; a name of entries with
 * different URLs: RD_EUSAGE, the message listing them. */
int rd_db_find_url(rd_db *db, const char *what, const char *normalised, int64_t *url_id, char **url,
                   rd_error *err);

/* Calls cb for every stored check of the URL, newest first. Strings are valid
 * only during the call; a non-zero return from cb stops the walk and is
 * returned. */
int rd_db_history(rd_db *db, int64_t url_id, int (*cb)(const rd_history_row *, void *), void *ud,
                  rd_error *err);

/* The same checks written to out as a JSON array built by SQLite, a row at a
 * time. */
int rd_db_history_json(rd_db *db, int64_t url_id, FILE *out, rd_error *err);

/* What rd_db_prune did. */
typedef struct rd_prune_stats {
    int64_t checks, urls; /* checks removed, and of how many URLs */
    int64_t kept;         /* checks left */
} rd_prune_stats;

/* Keeps the latest `keep` checks of each URL (by checked_at) and removes the
 * others, in one transaction, except a URL's status (its latest conclusive
 * check) and a check that a kept cache hit reused (cached_from): those stay
 * too. Runs are left as they are. keep < 1 is RD_EUSAGE. */
int rd_db_prune(rd_db *db, int64_t keep, rd_prune_stats *st, rd_error *err);

/* Rebuilds the file without its free pages (VACUUM); outside a transaction. */
int rd_db_vacuum(rd_db *db, rd_error *err);

#endif
