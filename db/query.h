/* db/query.h — entries by category and search, and the category tree, as
 * rows or JSON (for `query` and `categories`). */
#ifndef RD_DB_QUERY_H
#define RD_DB_QUERY_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

typedef struct rd_query {
    const char *category; /* name, slug, path or name path, any case; NULL for all */
    const char *search;   /* words to find (FTS5, prefix match); NULL for all */
    /* only entries whose link's status is this: ok, redirect, broken (a result
     * that fails a run), timeout, ratelimited, unchecked, or flaky (passing and
     * failing in turn over its latest checks); NULL for all */
    const char *status;
    /* only entries whose link's status began at or after this time (ISO 8601,
     * compared as text with checked_at: "2026-11-01" or "2026-11-01T10:00:00");
     * NULL for all */
    const char *since;
    /* the order of results within each category: "stars" (most first),
     * "pushed" (the latest push first), "name" (A to Z, no case), each by
     * its repository's metadata (refdex repos; those without come last, in
     * catalog order); a result's sub-entries stay under it. NULL: catalog
     * order */
    const char *sort;
} rd_query;

typedef struct rd_entry_row {
    int64_t id, parent_id; /* parent_id 0 at the top */
    int depth;             /* 0 for a result, 1 for its sub-entry, ... */
    const char *name, *url, *url_raw, *description;
    const char *category;      /* its path of slugs: ref/u7f51-u7edc */
    const char *category_name; /* its path of names, as written: ref/网络 */
    int line, col;
    const char *result; /* latest check result, or NULL when never checked */
    int status_code;    /* 0 when none */
    const char *checked_at;
    const char *title;    /* the page's <title> at that check, or NULL */
    const char *findings; /* kinds of finding on it for this entry, "soft-404,title-mismatch" */
    /* its repository's metadata (refdex repos), when it links one known */
    const char *repo;      /* canonical name, or NULL */
    int64_t stars;         /* -1 when not known */
    const char *pushed_at; /* NULL when not known */
    int archived, gone;
} rd_entry_row;

/* Calls cb for every matching entry in catalog order, each result followed by
 * its sub-entries. Strings are valid only during the call. A non-zero return
 * from cb stops the walk and is returned. A category that matches nothing is
 * RD_ENOTFOUND with a message that names it. */
int rd_db_query(rd_db *db, const rd_query *q, int (*cb)(const rd_entry_row *, void *), void *ud,
                rd_error *err);

/* The same entries as a JSON array built by SQLite, sub-entries nested under
 * "sub_entries", each with "repo": its repository's metadata (forge, name,
 * renamed, gone, stars, forks, archived, pushed_at, default_branch, license,
 * description, language, fetched_at) or null. The caller frees *json with
 * free(). */
int rd_db_query_json(rd_db *db, const rd_query *q, char **json, rd_error *err);
/* The same array written to out as the rows come (nothing held but the
 * entries still open around the current one), without a final newline. */
int rd_db_query_json_write(rd_db *db, const rd_query *q, FILE *out, rd_error *err);

typedef struct rd_category_row {
    int64_t id;
    int depth;
    const char *name, *slug, *path, *kind;
    const char *name_path;   /* the path of names, as written: ref/网络 */
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

#endif
