/* db/hosts.h — per-host statistics of stored checks (refdex hosts, after
 * lychee's --host-stats): requests, latency, results by kind, 429s and the
 * time a host was paused, over a run or since a date. */
#ifndef RD_DB_HOSTS_H
#define RD_DB_HOSTS_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* One host's numbers. Strings live until the callback returns. */
typedef struct rd_host_stats {
    const char *host;
    int64_t requests;  /* transfers made: retries, HEAD then GET, redirect hops */
    int64_t links;     /* checks of its links in the span, fetched or not */
    int64_t fetched;   /* of them, fetched: the latency is theirs */
    int64_t median_ms; /* nearest rank; -1 when none was fetched */
    int64_t p95_ms;
    int64_t http429;     /* 429 answers */
    int64_t paused_ms;   /* how long its 429s (and 503s with a wait) paused it */
    const char *results; /* "5 ok, 1 broken", by kind in rd_result order */
    const char *json;    /* the same as one JSON object (SQLite's) */
} rd_host_stats;

/* Calls cb for each host of the web links checked in run run_id (a merged
 * run: its shards'), or, with since (ISO 8601 text, compared with
 * checked_at) not NULL, in every check since then; most requests first. */
int rd_db_hosts(rd_db *db, int64_t run_id, const char *since,
                int (*cb)(const rd_host_stats *, void *), void *ud, rd_error *err);

#endif
