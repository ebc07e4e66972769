/* render/render.h — what refdex writes for people and programs: the HTML and
 * JSON index, and check reports (text, JSON, JUnit XML, GitHub annotations,
 * Markdown, SARIF). XML is built with libxml2, JSON by SQLite; nothing here prints on
 * its own: output goes to the FILE the caller gives. The catalog's own Markdown
 * (`fmt`) is catalog/'s: see rd_markdown_format in catalog/catalog.h. */
#ifndef RD_RENDER_H
#define RD_RENDER_H

#include <stdio.h>

#include "../catalog/catalog.h"
#include "../common/result.h"
#include "../db/checks.h"
#include "../db/pages.h"
#include "../db/query.h"
#include "../db/repos.h"

typedef enum rd_report_format {
    RD_REPORT_TEXT,
    RD_REPORT_JSON,
    RD_REPORT_JUNIT,
    RD_REPORT_GITHUB,
    RD_REPORT_MARKDOWN,
    RD_REPORT_SARIF
} rd_report_format;

/* "text", "json", ... → the format; -1 when unknown. */
int rd_report_format_parse(const char *name);

typedef struct rd_report_summary {
    size_t count[RD_RES_COUNT];
    size_t total;
    int64_t elapsed_ms;
    int strict;  /* --strict: timeouts, rate limits and cancellations fail too */
    int offline; /* the run found no network: every format says so, none lists a link */
    /* a shard run: shard K (from 0) of N, and the links of the whole catalog;
     * a merged run: shard -1 of N, the shards it gathers and those missing
     * ("0,1,3", "2"; "" or NULL for none). shards 0: neither. */
    int shard, shards;
    size_t catalog;
    const char *merged, *missing;
    size_t host_pauses; /* times a rate-limited host was paused */
    /* URLs that fail the run, and flaky ones (warnings): rd_db_run_verdicts */
    size_t failing, flaky;
    size_t offline_web; /* check --offline: web links not fetched (nor reported) */
    int color;          /* the text report: results in ANSI colours (for a terminal) */
    /* links whose page has findings (DESIGN: "Findings"): warnings, and with
     * strict failures */
    size_t findings;
} rd_report_summary;

/* What a report says of the shards of its run, as a sentence without a final
 * period into buf (empty when the run was not sharded); returns whether any
 * shard is missing. */
int rd_report_shards_note(const rd_report_summary *s, char *buf, size_t n);

/* Lint diagnostics as a JSON array (file, line, col, severity, rule,
 * message), built by SQLite's JSON functions. The caller frees *json. */
int rd_diags_json(const char *file, const rd_diag *d, size_t n, char **json, rd_error *err);
/* The same array written to out a diagnostic at a time: begin writes "[",
 * add one object, end "]" (when begin succeeded) and frees w. */
typedef struct rd_diags_writer rd_diags_writer;
int rd_diags_json_begin(const char *file, FILE *out, rd_diags_writer **w, rd_error *err);
int rd_diags_json_add(rd_diags_writer *w, const rd_diag *d, rd_error *err);
void rd_diags_json_end(rd_diags_writer *w);

/* "N links: A ok, B broken ... in S s", the text report's last line, with
 * "; rate-limited hosts paused N times" when they were. */
void rd_report_summary_line(const rd_report_summary *s, FILE *out);

/* Writes the report of run_id in `format` to out. `file` is the catalog's
 * name as the user wrote it, for file:line:col. A run that found no network
 * (sum->offline) is reported as that, in every format, with no link called
 * failing. */
int rd_report_write(rd_db *db, int64_t run_id, const char *file, rd_report_format format,
                    const rd_report_summary *sum, FILE *out, rd_error *err);

/* `refdex links`: every link of a catalog (an entry with a destination),
 * with its entry, category and position, as text (FILE:LINE:COL: URL —
 * NAME [CATEGORY] a line) or a JSON array (objects built by SQLite's JSON
 * functions), written as each section of the catalog is added. */
typedef struct rd_links rd_links;
/* Starts writing to out; the caller ends with rd_links_end. */
int rd_links_begin(rd_links **l, FILE *out, const char *file, int json, rd_error *err);
/* Writes the links of cat's entries (a section of a catalog, or a whole one). */
int rd_links_add(rd_links *l, const rd_catalog *cat, rd_error *err);
/* Ends the output and frees l; returns how many links were written. */
size_t rd_links_end(rd_links *l);

/* The report of `refdex stale` (text, json, markdown or github) to out:
 * each entry whose repository is gone, renamed, archived or not pushed to
 * since cutoff (ISO 8601; `older` is how the user said it, "2y"), at
 * file:line:col. *found gets how many findings there were. */
int rd_stale_write(rd_db *db, const char *cutoff, const char *older, const char *file,
                   rd_report_format format, FILE *out, size_t *found, rd_error *err);

/* "3 years ago", "5 months ago", "today" for an ISO 8601 date, into out
 * ("" when it is not one). */
void rd_time_ago(const char *iso, char *out, size_t cap);

/* index.html holds every entry of a catalog of at most this many; of a
 * larger one (a page of tens of megabytes no browser reads well), the
 * category tree linked to the section pages, which hold the entries. */
#define RD_INDEX_MAX_DEFAULT 20000

typedef struct rd_render_opts {
    int force;         /* write into a folder that holds files refdex did not write */
    int remote_images; /* keep notes' images from the web (default: their alt text) */
    int index_max;     /* the most entries index.html holds; 0: RD_INDEX_MAX_DEFAULT */
    /* the entries of a section held in memory before they are written out
     * (the bytes are the same whatever it is); 0: a default of 1024 */
    size_t section_every;
    /* the rows are read in the thread that writes the HTML, not in one of
     * their own, and in chunks of read_chunk bytes (0: 256 KiB) when they
     * are (the bytes written are the same either way) */
    int one_thread;
    size_t read_chunk;
} rd_render_opts;

/* Writes the site into outdir (made if missing): index.html with every
 * category that has something to show (or, beyond opts->index_max entries,
 * the category tree), c/<page>.html for each top-level section with the
 * sections below it, index.json, and .refdex-manifest, the list of what it
 * wrote. Files are replaced atomically (a temporary file, then rename); the
 * files of the last render that this one does not write are removed, and no
 * other file is touched. A folder with files but no manifest is refused
 * (RD_EUSAGE) unless opts->force. opts may be NULL (the defaults). */
int rd_render_site_with(rd_db *db, const char *outdir, const rd_render_opts *opts, rd_error *err);

/* rd_render_site_with and the default options. */
int rd_render_site(rd_db *db, const char *outdir, rd_error *err);

#endif
