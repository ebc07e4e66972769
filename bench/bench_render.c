/* bench/bench_render.c — how long `render` takes for a large catalog.
 *
 *     refdex_bench_render CATALOG.md [--repeat N] [--checked]
 *
 * Ingests CATALOG into a fresh database (not timed); with --checked, stores a
 * check for every URL first (every 20th broken, every 50th a redirect), so
 * badges and the summary have something to show. Then renders the whole site
 * (index.html, a page per category, index.json) N times (default 3) into a
 * fresh folder and prints the fastest and median times, the entries, the bytes
 * written, and the peak RSS of the process. */
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
        rc = rd_db_run_begin(db, &o, &run, err);
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
                            0};
        rc = rd_db_check_add(db, run, t[i].url_id, &row, err);
    }
    if (rc == RD_OK)
        rc = rd_db_run_end(db, run, "completed", err);
    rd_targets_free(t, rc == RD_OK ? n : 0);
    return rc;
}

static long long dir_bytes(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "du -sb '%s' 2>/dev/null", dir);
    FILE *p = popen(cmd, "r");
    long long b = 0;
    if (p && fscanf(p, "%lld", &b) != 1)
        b = 0;
    if (p)
        pclose(p);
    return b;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CATALOG.md [--repeat N] [--checked]\n", argv[0]);
        return 2;
    }
    int repeat = 3, checked = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--checked"))
            checked = 1;
    }
    char dir[] = "/tmp/refdex-bench-render-XXXXXX", db_path[600], out[600];
    if (!mkdtemp(dir))
        return perror("mkdtemp"), 3;
    snprintf(db_path, sizeof db_path, "%s/bench.db", dir);
    snprintf(out, sizeof out, "%s/site", dir);
    rd_error err = {0};
    char *text;
    size_t len;
    rd_catalog *cat = NULL;
    rd_db *db = NULL;
    rd_ingest_stats st;
    int rc = rd_read_file(argv[1], 1LL << 30, &text, &len, &err);
    if (rc == RD_OK)
        rc = rd_catalog_parse(argv[1], text, len, 1LL << 30, &cat, &err);
    if (rc == RD_OK)
        rc = rd_db_open(db_path, 0, &db, &err);
    if (rc == RD_OK)
        rc = rd_db_ingest(db, cat, text, len, RD_INGEST_REPLACE, &st, &err);
    if (rc == RD_OK && checked)
        rc = fake_checks(db, &err);
    double *ms = calloc((size_t)repeat, sizeof *ms);
    for (int i = 0; rc == RD_OK && i < repeat; i++) {
        double t0 = now_ms();
        rc = rd_render_site(db, out, &err);
        ms[i] = now_ms() - t0;
    }
    if (rc < 0) {
        fprintf(stderr, "bench_render: %s\n", err.msg);
        return 3;
    }
    qsort(ms, (size_t)repeat, sizeof *ms, cmp_double);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("render: %lld entries, %lld categories%s: min %.0f ms, median %.0f ms over %d runs; "
           "%.1f MB written; peak RSS %.1f MB (target <= 1000 ms: %s)\n",
           (long long)st.entries, (long long)st.categories, checked ? ", all checked" : "", ms[0],
           ms[repeat / 2], repeat, dir_bytes(out) / 1e6, ru.ru_maxrss / 1024.0,
           ms[repeat / 2] <= 1000 ? "met" : "MISSED");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_render: could not remove %s\n", dir);
    rd_db_close(db);
    rd_catalog_free(cat);
    free(text);
    free(ms);
    return 0;
}
