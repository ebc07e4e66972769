/* bench/bench_render.c — how long `render` takes for a large catalog.
 *
 *     refdex_bench_render CATALOG.md [--repeat N] [--checked]
 *     refdex_bench_render --prepare DB CATALOG.md [--checked]
 *     refdex_bench_render --db DB [--repeat N] [--target-ms MS] [--target-mb MB] [--keep DIR]
 *                         [--sites DIR] [--one-thread]
 *
 * The first form ingests CATALOG into a fresh database (not timed); with
 * --checked, stores a check for every URL first (every 20th broken, every
 * 50th a redirect), so badges and the summary have something to show. Then
 * it renders the whole site N times (default 3), each into a fresh folder, and
 * prints the fastest and median times, the entries, the bytes written, and
 * the peak RSS of the process. --prepare only makes the database DB (kept);
 * --db renders a database made so, in a process that never parsed or
 * ingested anything, so the peak RSS is render's own (a million entries take
 * half a minute and gigabytes to ingest: they are ingested once). --keep
 * renders into DIR too, after the timed runs, and keeps it there (to compare
 * the bytes of two builds). --sites DIR writes the timed sites under DIR
 * instead of $TMPDIR and leaves them there for the caller to remove: on an
 * ext4 volume without a journal, making files in the minute after many were
 * deleted costs several times what it costs otherwise (the allocator passes
 * over recently freed inodes), so a benchmark that removes its sites
 * between runs measures its own cleanup. --one-thread reads the rows in
 * the thread that writes the HTML (rd_render_opts.one_thread), as render
 * did before it read them ahead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "db/checks.h"
#include "db/db.h"
#include "db/ingest.h"
#include "render/render.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* User and system CPU time of the process so far. */
static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Stores a check for each URL of the catalog, in one run. */
static int fake_checks(rd_db *db, rd_error *err)
{
    rd_target *t;
    size_t n;
    int64_t run;
    rd_run_options o = {0};
    int rc = rd_db_targets(db, 0, &t, &n, err);
    if (rc == RD_OK)
        rc = rd_db_run_begin(db, &o, t, n, &run, err);
    for (size_t i = 0; rc == RD_OK && i < n; i++) {
        int broken = i % 20 == 7, moved = i % 50 == 3;
        rd_check_row row = {broken  ? "broken"
                            : moved ? "redirect"
                                    : "ok",
                            broken ? 404 : 200,
                            moved ? "https://moved.example/new" : NULL,
                            moved,
                            120,
                            5000,
                            broken ? "HTTP 404" : NULL,
                            "A page",
                            0,
                            1,
                            0,
                            0,
                            NULL,
                            NULL,
                            NULL,
                            0};
        rc = rd_db_check_add(db, run, t[i].url_id, &row, err);
    }
    if (rc == RD_OK)
        rc = rd_db_run_end(db, run, "completed", err);
    rd_targets_free(t, rc == RD_OK ? n : 0);
    return rc;
}

/* Bytes of the regular files under dir whose names match the find(1)
 * arguments (`-name '*.html'`), and how many there are. */
static long long files_bytes(const char *dir, const char *which, long long *count)
{
    char cmd[1024];
    snprintf(
        cmd, sizeof cmd,
        "find '%s' -type f %s -printf '%%s\\n' | awk '{ s += $1; n++ } END { print s + 0, n + 0 "
        "}'",
        dir, which);
    FILE *p = popen(cmd, "r");
    long long b = 0, n = 0;
    if (!p || fscanf(p, "%lld %lld", &b, &n) != 2)
        b = n = 0;
    if (p)
        pclose(p);
    if (count)
        *count = n;
    return b;
}

/* Ingests the catalog at path into db, with a check for every URL when
 * checked. */
static int prepare(rd_db *db, const char *path, int checked, rd_error *err)
{
    char *text = NULL;
    size_t len;
    rd_catalog *cat = NULL;
    rd_ingest_stats st;
    int rc = rd_read_file(path, 1LL << 30, &text, &len, err);
    if (rc == RD_OK)
        rc = rd_catalog_parse(path, text, len, 1LL << 30, &cat, err);
    if (rc == RD_OK)
        rc = rd_db_ingest(db, cat, text, len, RD_INGEST_REPLACE, &st, err);
    if (rc == RD_OK && checked)
        rc = fake_checks(db, err);
    rd_catalog_free(cat);
    free(text);
    return rc;
}

typedef struct args {
    const char *catalog, *db, *prepare, *keep, *sites;
    int repeat, checked, one_thread;
    double target_ms, target_mb;
} args;

static int parse_args(int argc, char **argv, args *a)
{
    *a = (args){.repeat = 3, .target_ms = 1000, .target_mb = 0};
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--repeat") && v)
            a->repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--checked"))
            a->checked = 1;
        else if (!strcmp(argv[i], "--db") && v)
            a->db = argv[++i];
        else if (!strcmp(argv[i], "--prepare") && v)
            a->prepare = argv[++i];
        else if (!strcmp(argv[i], "--keep") && v)
            a->keep = argv[++i];
        else if (!strcmp(argv[i], "--one-thread"))
            a->one_thread = 1;
        else if (!strcmp(argv[i], "--sites") && v)
            a->sites = argv[++i];
        else if (!strcmp(argv[i], "--target-ms") && v)
            a->target_ms = atof(argv[++i]);
        else if (!strcmp(argv[i], "--target-mb") && v)
            a->target_mb = atof(argv[++i]);
        else if (argv[i][0] != '-' && !a->catalog)
            a->catalog = argv[i];
        else
            return -1;
    }
    if (a->repeat < 1 || (a->prepare && !a->catalog) || (!a->db && !a->catalog) ||
        (a->db && a->prepare))
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    args a;
    if (parse_args(argc, argv, &a) < 0) {
        fprintf(stderr,
                "usage: %s CATALOG.md [--repeat N] [--checked]\n"
                "       %s --prepare DB CATALOG.md [--checked]\n"
                "       %s --db DB [--repeat N] [--target-ms MS] [--target-mb MB] [--keep DIR]\n"
                "              [--sites DIR] [--one-thread]\n",
                argv[0], argv[0], argv[0]);
        return 2;
    }
    /* the site goes under $TMPDIR (default /tmp), or under --sites: a tmpfs
     * there leaves the file system's share out of the time */
    const char *tmp = a.sites ? a.sites : getenv("TMPDIR");
    char dir[512], db_path[600], out[600];
    snprintf(dir, sizeof dir, "%s/refdex-bench-render-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return perror("mkdtemp"), 3;
    snprintf(db_path, sizeof db_path, "%s", a.prepare ? a.prepare : a.db ? a.db : "");
    if (!a.prepare && !a.db)
        snprintf(db_path, sizeof db_path, "%s/bench.db", dir);
    snprintf(out, sizeof out, "%s/site", dir);
    rd_error err = {0};
    rd_db *db = NULL;
    int rc = RD_OK;
    if (a.db) { /* a database made by an older refdex is migrated first (not timed) */
        rc = rd_db_open(db_path, 0, &db, &err);
        rd_db_close(db);
        db = NULL;
    }
    if (rc == RD_OK) /* read-only, as `refdex render` opens it */
        rc = rd_db_open(db_path, a.db ? RD_DB_READONLY : 0, &db, &err);
    if (rc == RD_OK && !a.db)
        rc = prepare(db, a.catalog, a.checked, &err);
    double *ms = calloc((size_t)a.repeat, sizeof *ms), *cpu = calloc((size_t)a.repeat, sizeof *cpu);
    for (int i = 0; rc == RD_OK && !a.prepare && i < a.repeat; i++) {
        snprintf(out, sizeof out, "%s/site-%d", dir, i); /* a fresh folder: every file is made */
        double t0 = now_ms(), c0 = cpu_ms();
        rd_render_opts o = {.one_thread = a.one_thread};
        rc = rd_render_site_with(db, out, &o, &err);
        ms[i] = now_ms() - t0;
        cpu[i] = cpu_ms() - c0;
    }
    if (rc == RD_OK && a.keep && !a.prepare)
        rc = rd_render_site(db, a.keep, &err);
    /* after: read before, through the connection's map of the file, the
     * summary would count up to 256 MB of it in render's peak RSS */
    rd_site_summary sum = {0};
    if (rc == RD_OK)
        rc = rd_db_site_summary(db, &sum, &err);
    if (rc < 0) {
        fprintf(stderr, "bench_render: %s\n", err.msg);
        return 3;
    }
    if (a.prepare) {
        printf("prepared %s: %lld entries, %lld categories, %lld links, %lld checked\n", db_path,
               (long long)sum.entries, (long long)sum.categories, (long long)sum.links,
               (long long)sum.checked);
    } else {
        qsort(ms, (size_t)a.repeat, sizeof *ms, cmp_double);
        qsort(cpu, (size_t)a.repeat, sizeof *cpu, cmp_double);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        long long nfiles, nhtml;
        long long all = files_bytes(out, "", &nfiles),
                  html = files_bytes(out, "-name '*.html'", &nhtml);
        double rss = ru.ru_maxrss / 1024.0, median = ms[a.repeat / 2];
        printf("render: %lld entries, %lld categories%s: min %.0f ms, median %.0f ms over %d runs; "
               "%lld files, %.1f MB written, %.1f MB of HTML in %lld files (%.0f bytes per entry); "
               "CPU median %.0f ms; peak RSS %.1f MB (target <= %.0f ms: %s",
               (long long)sum.entries, (long long)sum.categories, sum.checked ? ", checked" : "",
               ms[0], median, a.repeat, nfiles, all / 1e6, html / 1e6, nhtml,
               sum.entries ? (double)html / (double)sum.entries : 0.0, cpu[a.repeat / 2], rss,
               a.target_ms, median <= a.target_ms ? "met" : "MISSED");
        if (a.target_mb > 0)
            printf("; <= %.0f MB: %s", a.target_mb, rss <= a.target_mb ? "met" : "MISSED");
        printf(")\n");
        printf("render_ms %.1f %.1f\ncpu_ms %.1f %.1f\nrss_mb %.1f\nhtml_bytes %lld\nfiles "
               "%lld\nentries %lld\n",
               ms[0], median, cpu[0], cpu[a.repeat / 2], rss, html, nfiles, (long long)sum.entries);
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (!a.sites && system(cmd) != 0)
        fprintf(stderr, "bench_render: could not remove %s\n", dir);
    rd_db_close(db);
    free(ms);
    free(cpu);
    return 0;
}
