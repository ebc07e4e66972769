/* db/pages.h — what the HTML and JSON index read: the summary, each
 * category's entries and notes, and the whole index as JSON. */
#ifndef RD_DB_PAGES_H
#define RD_DB_PAGES_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

typedef struct rd_site_summary {
    int64_t entries, categories, links, checked, failing;
    char last_check[40]; /* "" when never checked */
    char file[512];      /* the catalog's name */
    char title[1024];    /* the list's title heading, "" when it has none */
    int offline;         /* the last check run found no network */
} rd_site_summary;

/* Counts for the page header: links = URLs in the catalog, checked = with a
 * status, failing = whose status fails (rd_result_fails, not strict). The
 * title is the first heading when it is a level-1 heading (`# Awesome Go`),
 * cut to 300 characters. */
int rd_db_site_summary(rd_db *db, rd_site_summary *s, rd_error *err);

/* rd_db_site_summary without what needs every entry: links, checked and
 * failing are 0 (render counts them from rd_db_link_rows). */
int rd_db_site_head(rd_db *db, rd_site_summary *s, rd_error *err);

/* An entry's link and its latest conclusive check, for counting. */
typedef struct rd_link_row {
    int64_t category_id;
    int64_t url_id;         /* 0 for an entry without a link */
    const char *result;     /* NULL when never checked */
    const char *checked_at; /* NULL when never checked */
    int checked;            /* it has a conclusive check */
} rd_link_row;

/* Calls cb for every entry, sub-entries included, in the order of their
 * URL (entries without one first), so that the entries sharing a URL come
 * together: one pass gives every count the page headers show. */
int rd_db_link_rows(rd_db *db, int (*cb)(const rd_link_row *, void *), void *ud, rd_error *err);

typedef struct rd_site_entry {
    int64_t id;
    int depth; /* 0 for an entry of the category, 1 for a sub-entry, ... */
    const char *name, *url, *url_raw, *description;
    int line;
    const char *result; /* latest check, NULL when never checked */
    int status_code;
    const char *final_url, *checked_at;
    const char *error; /* the check's error text ("no answer within 20000 ms"), or NULL */
    /* a status that fails: how many conclusive checks in a row failed, and
     * when the first was made (rd_report_row's); else 0 and NULL */
    int failing_runs;
    const char *failing_since;
    const char *title;    /* the page's <title> at that check, or NULL */
    const char *findings; /* what is wrong with the page: "kind<TAB>detail" lines, or NULL */
    /* a status that fails: its archived copy (check --archive) and the
     * copy's date; else NULL */
    const char *archive_url, *archive_at;
    /* its repository (refdex repos), when known: canonical name (NULL when
     * not known), stars (-1), last push (NULL), archived, gone */
    const char *repo;
    int64_t stars;
    const char *pushed_at;
    int archived, gone;
} rd_site_entry;

/* What the pages read of each category, with its statements prepared once
 * (a site of 50,000 categories reads 100,000 times). Open it with
 * rd_pages_open and close it with rd_pages_close (NULL is harmless); in
 * between, the connection reads in one transaction (when it was in none),
 * so everything read from it is of one snapshot. */
typedef struct rd_pages rd_pages;
int rd_pages_open(rd_db *db, rd_pages **out, rd_error *err);
void rd_pages_close(rd_pages *p);

/* Entries of one category (not of its sub-categories), in catalog order,
 * each followed by its sub-entries. */
int rd_pages_entries(rd_pages *p, int64_t category_id, int (*cb)(const rd_site_entry *, void *),
                     void *ud, rd_error *err);

/* Notes of one category, in catalog order. */
int rd_pages_notes(rd_pages *p, int64_t category_id,
                   int (*cb)(const char *kind, const char *markdown, int line, void *), void *ud,
                   rd_error *err);

/* index.json (see render/index.schema.json), written to out as the pages
 * read the catalog: rd_pages_json_begin writes its top, then for every
 * category in catalog order (ord) rd_pages_json_category writes the
 * category's object, rd_pages_entries adds its entries to it as it reads
 * them, and rd_pages_json_category_end closes it; rd_pages_json_end writes
 * the end, and fails when an object had a shape it cannot nest. Nothing is
 * kept but the depth of the entry being written. */
int rd_pages_json_begin(rd_pages *p, FILE *out, rd_error *err);
int rd_pages_json_category(rd_pages *p, int64_t category_id, rd_error *err);
int rd_pages_json_category_end(rd_pages *p);
int rd_pages_json_end(rd_pages *p, rd_error *err);

#endif
