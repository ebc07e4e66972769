/* db/checks.h — link checks: what to check, runs and their results (stored in
 * small batches), reports, and the latest check of each URL. */
#ifndef RD_DB_CHECKS_H
#define RD_DB_CHECKS_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* A URL of the current catalog to check, in catalog order (first use). */
typedef struct rd_target {
    int64_t url_id;
    char *url;  /* normalised */
    char *kind; /* "web", "mailto", "file", "relative", "other" */
    /* the latest ok/redirect check younger than max_age, when there is one */
    int fresh;
    char *fresh_result, *fresh_final_url, *fresh_title;
    int fresh_status;
    int64_t fresh_id; /* the check reused */
} rd_target;

/* The URLs to check. With max_age_ms > 0, each URL's latest good result
 * younger than that is returned with it (fresh). The caller frees the array
 * with rd_targets_free. */
int rd_db_targets(rd_db *db, int64_t max_age_ms, rd_target **out, size_t *n, rd_error *err);
void rd_targets_free(rd_target *t, size_t n);

/* One check as stored; strings may be NULL. */
typedef struct rd_check_row {
    const char *result; /* "ok", "broken", ... */
    int status_code;
    const char *final_url;
    int redirects;
    int64_t elapsed_ms, bytes;
    const char *error, *title;
    int64_t cached_from; /* a cache hit: the check it reused; else 0 */
} rd_check_row;

/* The settings a run used, kept with it (as JSON). */
typedef struct rd_run_options {
    int64_t timeout_ms, deadline_ms, max_age_ms, max_bytes, host_interval_ms;
    int concurrency, per_host, retries, head;
} rd_run_options;

/* Records the start of a run. */
int rd_db_run_begin(rd_db *db, const rd_run_options *o, int64_t *run_id, rd_error *err);
/* Stores one result in the open batch (a transaction begun as needed and
 * committed every 64 results); rd_db_checks_commit commits it now. A caller
 * that commits at least every 100 ms loses, when killed, only the links in
 * flight and those finished in the last 100 ms. */
int rd_db_check_add(rd_db *db, int64_t run_id, int64_t url_id, const rd_check_row *c,
                    rd_error *err);
int rd_db_checks_commit(rd_db *db, rd_error *err);
/* Whether results wait in an open batch. */
int rd_db_batch_pending(const rd_db *db);
/* Records how the run ended ("completed", "interrupted", "deadline", or
 * "offline": no network, and then none of its checks becomes a status). A
 * stored check counts for its link's status when its result is conclusive
 * (rd_result_conclusive). */
int rd_db_run_end(rd_db *db, int64_t run_id, const char *outcome, rd_error *err);

/* One checked URL of a run with one entry that links it, for reports: a URL
 * linked by several entries comes once per entry, `first` set on the first. */
typedef struct rd_report_row {
    const char *url, *result, *final_url, *error, *title;
    int status_code, redirects, first;
    int64_t elapsed_ms;
    const char *entry, *category; /* NULL when no entry links it any more */
    int line, col;
    /* a cache hit: the result it reused and when that was checked; else NULL */
    const char *cached_result, *cached_at;
} rd_report_row;

/* Calls cb for every check of the run, by category and catalog order, with
 * the entries and positions of the catalog as it was when rd_db_run_begin
 * was called on this handle (the report of a run is made by its handle). */
int rd_db_report(rd_db *db, int64_t run_id, int (*cb)(const rd_report_row *, void *), void *ud,
                 rd_error *err);
/* Writes the run's checks to out as a JSON array: one object per URL (built by
 * SQLite) with the entries using it, written as each row comes, so a large
 * report is never one string in memory. */
int rd_db_report_json(rd_db *db, int64_t run_id, const char *file, FILE *out, rd_error *err);

/* The latest check of every URL of the catalog that has one. */
int rd_db_latest_checks(rd_db *db,
                        int (*cb)(const char *url, const char *result, const char *final_url,
                                  void *),
                        void *ud, rd_error *err);

#endif
