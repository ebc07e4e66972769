/* bench/bench_ingest.c — times parse + ingest of one catalog file.
 *
 *     refdex_bench_ingest FILE [--repeat N]
 *
 * Reads FILE once, then N times (default 5): rd_catalog_parse alone (timed
 * as parse), then rd_db_ingest_text, what `refdex ingest` does (parse and
 * store a section at a time: timed as the total; ingest is total less
 * parse), into a fresh database file in a temporary directory, opened as
 * the CLI opens it (rd_db_open(path, 0, ...): created, migrated, WAL). Prints
 * min and median of each phase, one `name  value...` line per measurement, so
 * the output pastes into a note as is and bench/run can pick fields with awk.
 * MB means 10^6 bytes everywhere. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "db/db.h"
#include "db/ingest.h"

enum { DEFAULT_REPEAT = 5, MAX_REPEAT = 1000 };

typedef struct bench_config {
    const char *file;
    int repeat;
} bench_config;

/* The times of one run, in milliseconds. */
typedef struct bench_run {
    double parse, ingest, total, open_close; /* total is parse + ingest */
} bench_run;

/* What the file held, from the last run (every run sees the same input). */
typedef struct bench_counts {
    size_t bytes, entries, categories, notes;
    long long urls;
} bench_counts;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int parse_args(int argc, char **argv, bench_config *cfg)
{
    cfg->file = NULL;
    cfg->repeat = DEFAULT_REPEAT;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > MAX_REPEAT)
                return -1;
            cfg->repeat = (int)n;
        } else if (argv[i][0] != '-' && !cfg->file) {
            cfg->file = argv[i];
        } else {
            return -1;
        }
    }
    return cfg->file ? 0 : -1;
}

/* Removes the database and the files SQLite keeps beside it; a file that is
 * not there is fine (WAL and SHM go away on a clean close). */
static void remove_db(const char *db_path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[4096 + 16]; /* db_path is under 4096 bytes (run_all checks) */
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(path, sizeof path, "%s%s", db_path, suffixes[i]);
        unlink(path);
    }
}

/* One measured run. Open and close are timed apart from ingest: they are the
 * schema creation and the WAL checkpoint, paid once per CLI call whatever the
 * catalog's size, and the targets are about parse + ingest. */
static int run_once(const char *db_path, const char *file, const char *text, size_t len,
                    bench_run *r, bench_counts *counts, rd_error *err)
{
    rd_catalog *cat = NULL;
    rd_db *db = NULL;
    rd_ingest_stats st;
    remove_db(db_path); /* fresh every time: a second ingest of the same bytes writes nothing */
    double t0 = now_ms();
    int rc = rd_catalog_parse(file, text, len, 0, &cat, err);
    double t1 = now_ms();
    if (rc == RD_OK)
        rc = rd_db_open(db_path, 0, &db, err);
    double t2 = now_ms();
    /* what refdex ingest does: the text read and stored a section at a
     * time; parse alone was timed above, ingest is the rest */
    if (rc == RD_OK)
        rc = rd_db_ingest_text(db, file, text, len, 0, RD_INGEST_REPLACE, &st, err);
    double t3 = now_ms();
    rd_db_close(db);
    double t4 = now_ms();
    if (rc == RD_OK) {
        *r = (bench_run){.parse = t1 - t0,
                         .ingest = (t3 - t2) - (t1 - t0),
                         .total = t3 - t2,
                         .open_close = (t2 - t1) + (t4 - t3)};
        *counts = (bench_counts){len, cat->nentries, cat->ncategories, cat->nnotes,
                                 (long long)st.urls_total};
    }
    rd_catalog_free(cat);
    remove_db(db_path);
    return rc;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v in place; returns the median (the mean of the middle two when n is even). */
static double median_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct summary {
    double min, median;
} summary;

/* min and median of one phase over n <= MAX_REPEAT runs; field picks the phase. */
static summary summarise(const bench_run *runs, int n, size_t field)
{
    double v[MAX_REPEAT];
    for (int i = 0; i < n; i++)
        v[i] = *(const double *)((const char *)&runs[i] + field);
    summary s = {.median = median_of(v, n)};
    s.min = v[0]; /* sorted by median_of */
    return s;
}

/* ru_maxrss is in kilobytes on Linux; this process read the file, parsed and
 * ingested it, so the peak is what `refdex ingest` needs for this input. */
static double peak_rss_mb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return (double)ru.ru_maxrss * 1024.0 / 1e6;
}

static void print_report(const bench_config *cfg, const bench_counts *c, const bench_run *runs)
{
    summary parse = summarise(runs, cfg->repeat, offsetof(bench_run, parse));
    summary ingest = summarise(runs, cfg->repeat, offsetof(bench_run, ingest));
    summary total = summarise(runs, cfg->repeat, offsetof(bench_run, total));
    summary oc = summarise(runs, cfg->repeat, offsetof(bench_run, open_close));
    double mb = (double)c->bytes / 1e6;
    printf("file           %s\n", cfg->file);
    printf("bytes          %zu\n", c->bytes);
    printf("entries        %zu\n", c->entries);
    printf("categories     %zu\n", c->categories);
    printf("notes          %zu\n", c->notes);
    printf("urls           %lld\n", c->urls);
    printf("runs           %d\n", cfg->repeat);
    printf("parse_ms       min %9.2f  median %9.2f\n", parse.min, parse.median);
    printf("ingest_ms      min %9.2f  median %9.2f\n", ingest.min, ingest.median);
    printf("total_ms       min %9.2f  median %9.2f  (parse + ingest)\n", total.min, total.median);
    printf("open_close_ms  min %9.2f  median %9.2f  (not in total)\n", oc.min, oc.median);
    /* "best" comes from the fastest run, "median" from the median total */
    printf("mb_per_s       best %8.2f  median %9.2f  (bytes / total)\n",
           total.min > 0 ? mb / (total.min / 1e3) : 0,
           total.median > 0 ? mb / (total.median / 1e3) : 0);
    printf("peak_rss_mb    %.1f\n", peak_rss_mb());
}

/* A private directory for the databases, under $TMPDIR when set, so the files
 * live on a real file system (not :memory:) as the CLI's database does. */
static int make_temp_dir(char *dir, size_t size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, size, "%s/refdex-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int run_all(const bench_config *cfg, const char *dir, const char *text, size_t len)
{
    bench_run *runs = calloc((size_t)cfg->repeat, sizeof *runs);
    bench_counts counts = {0};
    rd_error err = {0};
    char db_path[4096];
    int rc = runs ? RD_OK : RD_ENOMEM;
    if (snprintf(db_path, sizeof db_path, "%s/bench.db", dir) >= (int)sizeof db_path)
        rc = rd_error_set(&err, RD_EUSAGE, "%s: temporary directory path too long", dir);
    for (int i = 0; i < cfg->repeat && rc == RD_OK; i++)
        rc = run_once(db_path, cfg->file, text, len, &runs[i], &counts, &err);
    if (rc == RD_OK)
        print_report(cfg, &counts, runs);
    else if (rc == RD_ENOMEM && !runs)
        fprintf(stderr, "refdex_bench_ingest: out of memory\n");
    else
        fprintf(stderr, "refdex_bench_ingest: %s\n", err.msg);
    free(runs);
    return rc;
}

int main(int argc, char **argv)
{
    bench_config cfg;
    if (parse_args(argc, argv, &cfg) < 0) {
        fprintf(stderr,
                "usage: refdex_bench_ingest FILE [--repeat N]\n"
                "  times rd_catalog_parse + rd_db_ingest of FILE into a fresh\n"
                "  database N times (default %d, at most %d); prints min/median\n",
                DEFAULT_REPEAT, MAX_REPEAT);
        return 2;
    }
    rd_error err = {0};
    char *text = NULL;
    size_t len = 0;
    if (rd_read_file(cfg.file, RD_DEFAULT_MAX_INPUT, &text, &len, &err) < 0) {
        fprintf(stderr, "refdex_bench_ingest: %s\n", err.msg);
        return 1;
    }
    char dir[4096];
    if (make_temp_dir(dir, sizeof dir) < 0) {
        fprintf(stderr, "refdex_bench_ingest: cannot create %s: %s\n", dir, strerror(errno));
        free(text);
        return 1;
    }
    int rc = run_all(&cfg, dir, text, len);
    if (rmdir(dir) != 0)
        fprintf(stderr, "refdex_bench_ingest: cannot remove %s: %s\n", dir, strerror(errno));
    free(text);
    return rc == RD_OK ? 0 : 1;
}
