/* db/db.h — the SQLite store: schema and migrations, ingest, queries, JSON.
 *
 * Every SQL statement of the program lives in db/. The database keeps one
 * catalog (categories, entries, notes, its source text) and every URL ever
 * linked with its check history, which survives edits of the catalog. */
#ifndef RD_DB_H
#define RD_DB_H

#include <stdint.h>
#include <stdio.h>

#include "../catalog/catalog.h"

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

typedef struct rd_ingest_stats {
    int unchanged; /* the same source was ingested already: nothing was written */
    int64_t categories, entries, notes, urls_new, urls_total;
} rd_ingest_stats;

/* Replaces the stored catalog with cat (parsed from source[0..len)) in one
 * transaction; URLs and their check history are kept. Ingesting the same
 * source again writes nothing and sets stats->unchanged. */
int rd_db_ingest(rd_db *db, const rd_catalog *cat, const char *source, size_t len,
                 rd_ingest_stats *stats, rd_error *err);

/* ---- queries ---- */

typedef struct rd_query {
    const char *category; /* name, slug, path or name path, any case; NULL for all */
    const char *search;   /* words to find (FTS5, prefix match); NULL for all */
} rd_query;

typedef struct rd_entry_row {
    int64_t id, parent_id; /* parent_id 0 at the top */
    int depth;             /* 0 for a result, 1 for its sub-entry, ... */
    const char *name, *url, *url_raw, *description, *category;
    int line, col;
    const char *result; /* latest check result, or NULL when never checked */
    int status_code;    /* 0 when none */
    const char *checked_at;
} rd_entry_row;

/* Calls cb for every matching entry in catalog order, each result followed by
 * its sub-entries. Strings are valid only during the call. A non-zero return
 * from cb stops the walk and is returned. A category that matches nothing is
 * RD_ENOTFOUND with a message that names it. */
int rd_db_query(rd_db *db, const rd_query *q, int (*cb)(const rd_entry_row *, void *),
                void *ud, rd_error *err);

/* The same entries as a JSON array built by SQLite, sub-entries nested under
 * "sub_entries". The caller frees *json with free(). */
int rd_db_query_json(rd_db *db, const rd_query *q, char **json, rd_error *err);

typedef struct rd_category_row {
    int64_t id;
    int depth;
    const char *name, *slug, *path, *kind;
    const char *description; /* a group's own words, "" otherwise */
    const char *url_raw;     /* a group's own link as written, or NULL */
    const char *url;         /* the same normalised, or NULL */
    int line;
    int64_t entries; /* entries in the category itself, sub-entries included */
    int64_t total;   /* with all sub-categories */
} rd_category_row;

/* Calls cb for every category in catalog order (a tree walk: parents first). */
int rd_db_categories(rd_db *db, int (*cb)(const rd_category_row *, void *), void *ud,
                     rd_error *err);
/* The category tree as JSON (nested "children"); the caller frees *json. */
int rd_db_categories_json(rd_db *db, char **json, rd_error *err);


/* Versions of the libraries behind the program, for --version. */
const char *rd_db_sqlite_version(void);


/* ---- link checks ---- */

/* A URL of the current catalog to check, in catalog order (first use). */
typedef struct rd_target {
    int64_t url_id;
    char *url;  /* normalised */
    char *kind; /* "web", "mailto", "file", "relative", "other" */
    /* the latest ok/redirect check younger than max_age, when there is one */
    int fresh;
    char *fresh_result, *fresh_final_url, *fresh_title;
    int fresh_status;
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
/* Records how the run ended ("completed", "interrupted", "deadline"). */
int rd_db_run_end(rd_db *db, int64_t run_id, const char *outcome, rd_error *err);

/* One checked URL of a run with one entry that links it, for reports: a URL
 * linked by several entries comes once per entry, `first` set on the first. */
typedef struct rd_report_row {
    const char *url, *result, *final_url, *error, *title;
    int status_code, redirects, first;
    int64_t elapsed_ms;
    const char *entry, *category; /* NULL when no entry links it any more */
    int line, col;
} rd_report_row;

/* Calls cb for every check of the run, by category and catalog order. */
int rd_db_report(rd_db *db, int64_t run_id, int (*cb)(const rd_report_row *, void *),
                 void *ud, rd_error *err);
/* Writes the run's checks to out as a JSON array: one object per URL (built by
 * SQLite) with the entries using it, written as each row comes, so a large
 * report is never one string in memory. */
int rd_db_report_json(rd_db *db, int64_t run_id, const char *file, FILE *out,
                      rd_error *err);

/* ---- the site (render) ---- */

typedef struct rd_site_summary {
    int64_t entries, categories, links, checked, failing;
    char last_check[40]; /* "" when never checked */
    char file[512];      /* the catalog's name */
} rd_site_summary;

/* Counts for the page header: links = URLs in the catalog, checked = with a
 * check, failing = whose latest check fails (rd_result_fails, not strict). */
int rd_db_site_summary(rd_db *db, rd_site_summary *s, rd_error *err);

typedef struct rd_site_entry {
    int64_t id;
    int depth; /* 0 for an entry of the category, 1 for a sub-entry, ... */
    int last_child; /* the next row is not its descendant */
    const char *name, *url, *url_raw, *description;
    int line;
    const char *result; /* latest check, NULL when never checked */
    int status_code;
    const char *final_url, *checked_at;
} rd_site_entry;

/* Entries of one category (not of its sub-categories), in catalog order,
 * each followed by its sub-entries. */
int rd_db_category_entries(rd_db *db, int64_t category_id,
                           int (*cb)(const rd_site_entry *, void *), void *ud, rd_error *err);

/* Notes of one category, in catalog order. */
int rd_db_category_notes(rd_db *db, int64_t category_id,
                         int (*cb)(const char *kind, const char *markdown, int line, void *),
                         void *ud, rd_error *err);

/* The latest check of every URL of the catalog that has one. */
int rd_db_latest_checks(rd_db *db,
                        int (*cb)(const char *url, const char *result, const char *final_url,
                                  void *),
                        void *ud, rd_error *err);

/* Writes the whole index as JSON to out (see render/index.schema.json): one
 * object, its categories written as each comes. */
int rd_db_index_json(rd_db *db, FILE *out, rd_error *err);

#endif
