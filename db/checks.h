/* db/checks.h — link checks: what to check, runs and their results (stored in
 * small batches), reports, and the latest check of each URL. */
#ifndef RD_DB_CHECKS_H
#define RD_DB_CHECKS_H

#include <stdint.h>
#include <stdio.h>

#include "../common/result.h"
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
    int64_t fresh_id;   /* the check reused */
    int fresh_findings; /* it has findings (kept with the cache hit) */
} rd_target;

/* The URLs to check. With max_age_ms > 0, each URL's latest good result
 * younger than that is returned with it (fresh). The caller frees the array
 * with rd_targets_free. */
int rd_db_targets(rd_db *db, int64_t max_age_ms, rd_target **out, size_t *n, rd_error *err);
void rd_targets_free(rd_target *t, size_t n);
/* Frees what one target holds (not the target itself). */
void rd_targets_free_one(rd_target *t);

/* The URLs (ids, ascending, into *ids, malloc'd: the caller frees it) of
 * the entries a line of lines[0..2n) (pairs of first and last line) falls
 * in: an entry spans from its line to the line before the next entry or
 * category, so a changed description under it counts. */
int rd_db_urls_on_lines(rd_db *db, const int *lines, size_t n, int64_t **ids, size_t *nids,
                        rd_error *err);

/* Something found wrong with a page that answered (DESIGN: "Findings"):
 * kind is "fragment-missing", "title-mismatch", "soft-404" or
 * "canonical-differs"; entry is the link text it concerns, NULL for every
 * entry linking the URL. */
typedef struct rd_page_finding {
    const char *kind, *entry, *detail;
} rd_page_finding;

/* One check as stored; strings may be NULL. */
typedef struct rd_check_row {
    const char *result; /* "ok", "broken", ... */
    int status_code;
    const char *final_url;
    int redirects;
    int64_t elapsed_ms, bytes;
    const char *error, *title;
    int64_t cached_from; /* a cache hit: the check it reused; else 0 */
    /* a fetched link: the transfers made, its 429 answers, and the time they
     * paused its host (refdex hosts); 0 for a link not fetched */
    int attempts, http429;
    int64_t paused_ms;
    const char *description, *canonical; /* what the page said of itself */
    const rd_page_finding *findings;
    size_t nfindings;
} rd_check_row;

/* The settings a run used, kept with it (as JSON), and its shard. */
typedef struct rd_run_options {
    int64_t timeout_ms, deadline_ms, max_age_ms, max_bytes, host_interval_ms;
    int concurrency, per_host, retries, head;
    int shard, shards; /* shard K (from 0) of N; shards 0: not sharded */
    int fail_after;    /* --fail-after K: 0 or 1, a failing link fails the run at once */
} rd_run_options;

/* What a link of a run says until its result is stored: the run ended (a
 * deadline, a signal, a kill) before this link was checked. */
#define RD_CHECK_UNFINISHED "the run ended before this link was checked"

/* Records the start of a run: when, its options and shard, the catalog
 * source it checks (a hash), and a uid of its own. Each of its targets[0..n)
 * gets a check of result 'cancelled' (RD_CHECK_UNFINISHED) that its result,
 * when there is one, replaces: whenever and however the run ends, every link
 * of it has a stored result, and ending it writes nothing per link. */
int rd_db_run_begin(rd_db *db, const rd_run_options *o, const rd_target *targets, size_t n,
                    int64_t *run_id, rd_error *err);
/* Stores one result (replacing the URL's placeholder) in the open batch (a transaction begun as
 * needed and committed every 64 results); rd_db_checks_commit commits it now. A caller that commits
 * at least every 100 ms loses, when killed, only the links in flight and those finished in the last
 * 100 ms. */
int rd_db_check_add(rd_db *db, int64_t run_id, int64_t url_id, const rd_check_row *c,
                    rd_error *err);
int rd_db_checks_commit(rd_db *db, rd_error *err);
/* Calls cb with the name of each entry of the run that links url_id (as
 * rd_db_report sees them), in catalog order; cb returns non-zero to stop. */
int rd_db_link_names(rd_db *db, int64_t url_id, int (*cb)(const char *name, void *), void *ud,
                     rd_error *err);
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
    /* a conclusive check that fails (rd_fails, strict): how many of the URL's
     * conclusive checks in a row up to this one failed, and when the first of
     * them was made; else 0 and NULL */
    int failing_runs;
    const char *failing_since;
    /* what it means for the run (RD_VERDICT): "fail" (it fails the run),
     * "flaky" (a warning: failing fewer than fail_after runs in a row, or
     * passing and failing in turn over its latest checks), or NULL */
    const char *verdict;
    int fail_after; /* its run's --fail-after K */
    /* its archived copy (check --archive) and that copy's date; else NULL */
    const char *archive_url, *archive_at;
    /* what was found wrong with the page that concerns this entry: one line
     * "kind<TAB>detail" each, or NULL (DESIGN: "Findings") */
    const char *findings;
    /* what was found wrong with the page, for every entry that links it: one
     * line "line<TAB>col<TAB>kind<TAB>detail" each, by entry (a finding of
     * the page itself at this row's entry), or NULL: for a report that
     * says a link once (JUnit) */
    const char *link_findings;
} rd_report_row;

/* Calls cb for every check of the run, by category and catalog order, with
 * the entries and positions of the catalog as it was when rd_db_run_begin
 * (or rd_db_run_info) was called on this handle. A merged run's checks are
 * those of the shard runs it gathers. strict: --strict's verdicts. */
int rd_db_report(rd_db *db, int64_t run_id, int strict, int (*cb)(const rd_report_row *, void *),
                 void *ud, rd_error *err);
/* Writes the run's checks to out as a JSON array: one object per URL (built by
 * SQLite) with the entries using it, written as each row comes, so a large
 * report is never one string in memory. */
int rd_db_report_json(rd_db *db, int64_t run_id, int strict, const char *file, FILE *out,
                      rd_error *err);

/* How many URLs of the run fail it (verdict "fail") and how many are flaky,
 * with --strict or not: what the exit code and every report count. */
int rd_db_run_verdicts(rd_db *db, int64_t run_id, int strict, size_t *failing, size_t *flaky,
                       rd_error *err);

/* What a SARIF log says besides its results. */
typedef struct rd_sarif_opts {
    const char *file;    /* the catalog as the user named it: the results' artifact */
    const char *version; /* refdex's, the tool's */
    int strict;          /* --strict: which results are errors */
    int offline;         /* the run found no network: no results, and says so */
    const char *note;    /* said as the run's notification (a missing shard); NULL: none */
} rd_sarif_opts;

/* Writes the run's report as a SARIF 2.1.0 log (built by SQLite's JSON
 * functions): the tool (refdex, its version, a rule per result kind), one
 * invocation, and a result per catalog link that is broken, error, redirect,
 * timeout, ratelimited, cancelled or blocked (a cache hit as the result it
 * reused), located at its entry's line and column. Results are written as
 * they are read. */
int rd_db_report_sarif(rd_db *db, int64_t run_id, const rd_sarif_opts *o, FILE *out, rd_error *err);

/* What a stored run was, for reporting it again without fetching. */
typedef struct rd_run_info {
    int64_t id;
    char outcome[16];  /* completed, interrupted, deadline, offline; "" while it runs */
    int shard, shards; /* a shard run: K of N; a merged run: -1 of N; else -1 and 0 */
    size_t count[RD_RES_COUNT], total;
    size_t findings; /* checks with findings */
    size_t catalog;  /* links of the catalog the database holds */
    int64_t elapsed_ms;
    int same_source;                     /* it checked the catalog the database holds now */
    char catalog_hash[17];               /* that catalog's source_hash (rd_fnv1a64 in hex) */
    int nmerged;                         /* a merged run: how many shards it gathers */
    char merged[5 * RD_MAX_SHARDS + 8];  /* their numbers, "0,1,3" */
    char missing[5 * RD_MAX_SHARDS + 8]; /* the shards of 0..N-1 not among them */
    char offline[5 * RD_MAX_SHARDS + 8]; /* those that found no network */
} rd_run_info;

/* Fills *info for run_id, or for the latest run that no merged run gathers
 * when run_id is 0 (RD_ENOTFOUND when there is none), and readies the handle
 * to report it (the current catalog's entries and positions). */
int rd_db_run_info(rd_db *db, int64_t run_id, rd_run_info *info, rd_error *err);

/* What rd_db_merge did. */
typedef struct rd_merge_stats {
    int64_t run_id;                      /* the merged run */
    int shards, nmerged;                 /* N, and how many the merged run gathers */
    int64_t runs, checks;                /* runs and checks copied (a run already there is not) */
    int new_catalog;                     /* out had no catalog: it was copied from the shards */
    char missing[5 * RD_MAX_SHARDS + 8]; /* shards of 0..N-1 it lacks, "2,3" */
} rd_merge_stats;

enum {
    /* merge: the merged run also gathers the shard runs of out's latest merged
     * run of the same catalog and N that the shards given do not replace, so
     * that more than SQLite's attach limit of shards merge in steps */
    RD_MERGE_ADD = 1
};

/* Folds the shard databases (each holding a finished `check --shard K/N` as
 * its latest sharded run) into the database at out_path (made when missing)
 * in one transaction: URLs, the runs out does not have yet (by uid) with
 * their checks, the catalog when out has none, and one merged run that
 * gathers the latest shard run of each file. Shards of another catalog (its
 * source's hash), of another N, a shard given twice, a file refdex did not
 * make: RD_EUSAGE, and nothing is changed (out is not made). At most
 * SQLite's limit of attached databases (10 by default) at once; more join in
 * steps with RD_MERGE_ADD. A merged run left gathering nothing (its shard
 * runs now another's) is removed. */
int rd_db_merge(const char *out_path, const char *const *shards, int n, int flags,
                rd_merge_stats *st, rd_error *err);

/* The latest check of every URL of the catalog that has one, with the
 * archived copy stored for it (check --archive; NULL for none). */
int rd_db_latest_checks(rd_db *db,
                        int (*cb)(const char *url, const char *result, const char *final_url,
                                  const char *archive_url, void *),
                        void *ud, rd_error *err);

#endif
