/* check/check.h — checking the links of the stored catalog, one run: which
 * links need no network (excluded by pattern, a fresh result cached, e-mail
 * addresses, files beside the catalog), the others fetched by the crawler,
 * every result stored as it comes, and whether the network was there at all.
 *
 * It reads and writes the database (db/) and drives the crawler (crawler/);
 * it never prints: progress goes to a callback, and signals, progress lines
 * and reports are the caller's. */
#ifndef RD_CHECK_H
#define RD_CHECK_H

#include <regex.h>

#include "../crawler/crawler.h"
#include "../db/archive.h"
#include "../db/checks.h"

/* --exclude, --include: each at most, on a command line (rd_check_opts
 * takes any number: an ignore file's patterns join the --exclude ones) */
enum { RD_MAX_PATTERNS = 32 };

/* What a run has done so far, and at its end how it went. */
typedef struct rd_check_tally {
    int64_t run_id;
    size_t total;   /* links of the catalog (of the shard, in a sharded run) */
    size_t catalog; /* links of the whole catalog */
    size_t done, count[RD_RES_COUNT];
    /* results that fail the run: while it goes, those that fail
     * (rd_result_fails); at its end, the URLs whose verdict is "fail" (a
     * failing link within --fail-after is flaky instead: see RD_VERDICT) */
    size_t failing;
    size_t flaky;         /* at its end: the URLs whose verdict is "flaky" (warnings) */
    size_t findings;      /* links whose page has findings (rd_page_findings) */
    size_t failing_pages; /* with --strict, those of them whose result passes: they fail */
    size_t web, hosts;    /* links fetched over the network, and their hosts */
    size_t host_pauses;   /* times a rate-limited host was paused */
    size_t offline_web;   /* --offline: web links left out of the run */
    size_t by_api;        /* links checked by their forge's answer (--repos) */
    int64_t started_ms, elapsed_ms;
    int network_down;    /* links on several hosts, and not one server reached */
    const char *outcome; /* "completed", "interrupted" or "deadline" */
    /* --archive: dead links whose archived copy was found, that have none,
     * whose lookup failed (the first one's words), and not asked (over
     * RD_ARCHIVE_LOOKUPS_MAX, or the deadline came) */
    size_t archive_found, archive_none, archive_failed, archive_left;
    char archive_error[400];
} rd_check_tally;

typedef struct rd_check_opts {
    rd_crawl_opts crawl;        /* its cancel_fd stops the run (a signal's self-pipe) */
    int64_t deadline_ms;        /* for the whole run; 0: none */
    int64_t max_age_ms;         /* reuse a good result younger than this; 0: never */
    const char *const *exclude; /* POSIX extended regexes: skip URLs matching any */
    const char *const *include; /* check only URLs matching one */
    int nexclude, ninclude;
    /* "REGEX REPLACEMENT" each (--remap): a web URL matching REGEX (POSIX
     * extended) is fetched as REPLACEMENT, where $1..$9 are its groups; the
     * first that matches wins. The result is stored for the catalog's URL,
     * saying where it was checked, and never with the fetched URL's moves as
     * the link's (fix must not point the catalog at the mirror). */
    const char *const *remap;
    int nremap;
    /* check --diff REV: only the links of entries whose lines (of the
     * catalog now) are in diff_lines, pairs of first and last line, are
     * checked; the others are stored as 'unchanged', not fetched. NULL:
     * every link is checked. */
    const char *diff_rev;
    const int *diff_lines;
    size_t ndiff;        /* pairs */
    const char *catalog; /* the catalog's path: relative links are beside it */
    int strict;          /* timeouts, rate limits and cancellations fail too */
    int fail_after;      /* --fail-after K: a link fails the run only when it failed in its
                            latest K conclusive checks, this one included (0, 1: at once) */
    /* --archive: look up an archived copy of each link whose verdict is
     * "fail", with the availability API at archive_api (rd_check_archive) */
    int archive;
    const char *archive_api;
    int offline;       /* check only local links (files, relative, mailto): the web
                          links are left out of the run, not fetched nor stored */
    int shard, shards; /* check only the links whose host is in shard K of N
                          (rd_shard_of_host); shards 0: every link */
    /* --repos: a link to a repository itself (rd_repo_of_url, nothing after
     * its name but a '/' or a #fragment) whose forge answered within
     * repo_max_age_ms (rd_repos_fetch, before the run) is checked by that
     * answer and not fetched: ok, redirect to its canonical URL when it was
     * renamed, broken when it is gone */
    int repos;
    int64_t repo_max_age_ms;
    /* Called after each result is stored (progress); may be NULL. */
    void (*on_result)(void *ud, const rd_check_tally *t);
    /* Whether the run was stopped by the user (a signal) rather than its
     * deadline, for its outcome; may be NULL. */
    int (*interrupted)(void *ud);
    void *ud;
} rd_check_opts;

/* The shard (0 to shards-1) of a normalised URL: rd_shard_of_host of its host
 * as curl's URL API reads it, "" when it has none (mailto:, files). */
int rd_shard_of_url(const char *url, int shards);

/* Checks every link of the catalog stored in db (or of its shard) as one run,
 * storing each result, and fills *t. A pattern that does not compile is RD_EUSAGE and
 * nothing is stored. Whatever happens after the run began, it ends with an
 * outcome, and what was stored stays. */
/* Splits "REGEX REPLACEMENT" at its first space and compiles REGEX into
 * *re (the caller regfree's it on success); *to gets REPLACEMENT. Returns
 * RD_OK, or RD_EUSAGE with why in err. */
int rd_remap_compile(const char *rule, regex_t *re, const char **to, rd_error *err);

/* What was found wrong with the page of one link (check/findings.c). */
enum { RD_FINDINGS_MAX = 8 };
typedef struct rd_findings {
    rd_page_finding f[RD_FINDINGS_MAX]; /* kind: a string constant; entry: one of the names given */
    char detail[RD_FINDINGS_MAX][640];
    size_t n;
} rd_findings;

/* The findings of a page that answered: url is the catalog's (its
 * #fragment), final_url where its redirects ended (NULL: none), p what the
 * page said, names[0..nnames) the texts of the entries linking it (a
 * title-mismatch is said of each that shares nothing with the page). */
void rd_page_findings(const char *url, const char *final_url, const rd_page *p,
                      const char *const *names, size_t nnames, rd_findings *f);

/* Whether link text shares nothing meaningful with a page's title, og:title
 * and URL path: words compared without case, punctuation or separators (- _
 * / .), a CJK text by its characters, generic words (go, package, github,
 * docs...) left out. 0 when that cannot be judged (no title, nothing but
 * generic words, a CJK text against a page with no CJK). */
int rd_title_mismatch(const char *text, const char *title, const char *og_title, const char *path);

int rd_check_links(rd_db *db, const rd_check_opts *o, rd_check_tally *t, rd_error *err);

/* The default of --archive-api: the Wayback Machine's availability API. */
#define RD_ARCHIVE_API_DEFAULT "https://archive.org/wayback/available"

/* For the run t->run_id has ended: asks o->archive_api about each link whose
 * verdict is "fail" and whose archive answer is missing or old, at most
 * RD_ARCHIVE_LOOKUPS_MAX, each within RD_ARCHIVE_TIMEOUT_MS and all within
 * RD_ARCHIVE_TOTAL_MS and the run's deadline, and stores each answer (db/archive.h). A lookup that
 * fails (the API unreachable, refused by the address policy, slow, too large, or its answer
 * refused) is counted in t, not an error; a database error is. */
int rd_check_archive(rd_db *db, const rd_check_opts *o, const rd_ctx *run, rd_check_tally *t,
                     rd_error *err);

/* The lines a `git diff -U0` (text[0..len)) adds or changes on its new side,
 * as pairs of first and last line into *lines (malloc'd; the caller frees
 * it), *n pairs. A pure deletion adds none. Returns RD_OK, or RD_ENOMEM. */
int rd_diff_lines(const char *text, size_t len, int **lines, size_t *n);

#endif
