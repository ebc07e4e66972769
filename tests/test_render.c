/* tests/test_render.c — what render/ writes for programs, checked exactly, and
 * how it writes a large section. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/checks.h"
#include "db/db.h"
#include "db/ingest.h"
#include "harness.h"
#include "render/render.h"

RD_TEST(diags_json)
{
    rd_diag d[2] = {{RD_SEV_WARNING, "missing-scheme", {45, 3}, "it's \"quoted\"\n"},
                    {RD_SEV_NOTE, "no-url", {127, 3}, "'gorm' has no link"}};
    char *json = NULL;
    rd_error err = {0};
    REQUIRE(rd_diags_json("cat\"alog.md", d, 2, &json, &err) == RD_OK);
    CHECK_STR(json, "[{\"file\":\"cat\\\"alog.md\",\"line\":45,\"col\":3,\"severity\":\"warning\","
                    "\"rule\":\"missing-scheme\",\"message\":\"it's \\\"quoted\\\"\\n\"},"
                    "{\"file\":\"cat\\\"alog.md\",\"line\":127,\"col\":3,\"severity\":\"note\","
                    "\"rule\":\"no-url\",\"message\":\"'gorm' has no link\"}]");
    free(json);
    REQUIRE(rd_diags_json("x.md", NULL, 0, &json, &err) == RD_OK);
    CHECK_STR(json, "[]");
    free(json);
}

/* ---- a large section ---- */

/* A list whose section "Big" holds n entries: every 97th with two
 * sub-entries (one of them with its own), a note every 10,007, names that
 * need escaping; and a small section after it. The caller frees it. */
static char *big_list(size_t n, size_t *len)
{
    rd_buf b = {0};
    rd_buf_puts(&b, "# List\n\n## Big\n\nWhat is <here> & why.\n\n");
    for (size_t i = 0; i < n; i++) {
        rd_buf_printf(&b, "- [e%zu <&>](https://ex.com/%zu) - about \"%zu\"\n", i, i, i);
        if (i % 97 == 0)
            rd_buf_printf(&b,
                          "  - [s%zu](https://s.ex/%zu)\n    - [t%zu](https://t.ex/)\n"
                          "  - [u%zu](mailto:u@ex.com)\n",
                          i, i, i, i);
        if (i % 10007 == 10006)
            rd_buf_printf(&b, "\nA note after %zu, [to the top](#list).\n\n", i);
    }
    rd_buf_puts(&b, "\nThe last note.\n\n## Small\n\n- [one](https://one.ex/)\n");
    *len = b.len;
    return b.data;
}

/* Ingests text into a fresh database named name in the build tree. */
static rd_db *ingest_list(const char *name, const char *text, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.db", RD_BINARY_DIR, name);
    const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
    rd_db *db = NULL;
    rd_error err = {0};
    rd_ingest_stats st;
    int rc = rd_db_open(path, 0, &db, &err);
    if (rc == RD_OK)
        rc = rd_db_ingest_text(db, "list.md", text, len, 0, 0, &st, &err);
    if (rc < 0) {
        fprintf(stderr, "ingest: %s\n", err.msg);
        rd_db_close(db);
        return NULL;
    }
    return db;
}

/* Renders db into dir (in the build tree), every index.html holding every
 * section; returns whether it did. */
static int render_to(rd_db *db, const char *dir, size_t every)
{
    char out[512];
    snprintf(out, sizeof out, "%s/%s", RD_BINARY_DIR, dir);
    rd_render_opts opts = {.force = 1, .index_max = 1 << 30, .section_every = every};
    rd_error err = {0};
    if (rd_render_site_with(db, out, &opts, &err) < 0) {
        fprintf(stderr, "render: %s\n", err.msg);
        return 0;
    }
    return 1;
}

/* How many times what is in text[0..len) (memmem, not strstr: a sanitizer
 * checks strstr's whole haystack at each call). */
static size_t count(const char *text, size_t len, const char *what)
{
    size_t n = 0, k = strlen(what);
    for (const char *p = text, *end = text + len; (p = memmem(p, (size_t)(end - p), what, k));
         p += k)
        n++;
    return n;
}

/* A section of 50,000 entries is written 7 at a time, 1,024 at a time (the
 * default) or whole, in the same bytes: on its page and on the
 * index, with its notes between the same entries. */
RD_TEST(large_section_same_bytes)
{
    size_t len, n = 50000;
    char *text = big_list(n, &len);
    rd_db *db = ingest_list("large_section", text, len);
    free(text);
    REQUIRE(db);
    const size_t every[] = {SIZE_MAX, 0, 7};
    const char *dirs[] = {"large_section_whole", "large_section_default", "large_section_7"};
    for (size_t k = 0; k < 3; k++)
        REQUIRE(render_to(db, dirs[k], every[k]));
    rd_db_close(db);
    const char *files[] = {"c/big.html", "index.html"};
    for (size_t f = 0; f < 2; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s/%s", RD_BINARY_DIR, dirs[0], files[f]);
        size_t whole_len = 0, part_len = 0;
        char *whole = NULL, *part = NULL;
        rd_error err = {0};
        REQUIRE(rd_read_file(path, 0, &whole, &whole_len, &err) == RD_OK);
        size_t entries = n + 3 * ((n + 96) / 97);
        CHECK_INT(count(whole, whole_len, "<li class=\"entry\""),
                  entries + (f == 1)); /* and Small's */
        CHECK_INT(count(whole, whole_len, "<div class=\"notes\">"), 2 + n / 10007);
        for (size_t k = 1; k < 3; k++) {
            snprintf(path, sizeof path, "%s/%s/%s", RD_BINARY_DIR, dirs[k], files[f]);
            REQUIRE(rd_read_file(path, 0, &part, &part_len, &err) == RD_OK);
            CHECK_INT(part_len, whole_len);
            CHECK(part_len == whole_len && !memcmp(part, whole, whole_len));
            printf("%s written %s: %zu bytes, the same as whole\n", files[f],
                   k == 1 ? "1024 entries at a time" : "7 entries at a time", part_len);
            free(part);
        }
        free(whole);
    }
}

/* ---- reading ahead ---- */

/* Stores a check of each URL of db in one run: every 7th broken (with why),
 * every 11th moved, the rest ok with a page title; every 13th with a
 * finding. */
static int store_checks(rd_db *db, rd_error *err)
{
    rd_target *t;
    size_t n;
    int64_t run;
    rd_run_options o = {0};
    int rc = rd_db_targets(db, 0, &t, &n, err);
    if (rc == RD_OK)
        rc = rd_db_run_begin(db, &o, t, n, &run, err);
    rd_page_finding finding = {"title-mismatch", NULL, "the page is called \"A page\""};
    for (size_t i = 0; rc == RD_OK && i < n; i++) {
        int broken = i % 7 == 3, moved = i % 11 == 5;
        rd_check_row row = {.result = broken  ? "broken"
                                      : moved ? "redirect"
                                              : "ok",
                            .status_code = broken ? 404 : 200,
                            .final_url = moved ? "https://moved.example/new" : NULL,
                            .redirects = moved,
                            .elapsed_ms = 120,
                            .bytes = 5000,
                            .error = broken ? "HTTP 404" : NULL,
                            .title = broken ? NULL : "A page <with> & \"quotes\"",
                            .attempts = 1,
                            .findings = i % 13 == 4 ? &finding : NULL,
                            .nfindings = i % 13 == 4};
        rc = rd_db_check_add(db, run, t[i].url_id, &row, err);
    }
    if (rc == RD_OK)
        rc = rd_db_run_end(db, run, "completed", err);
    rd_targets_free(t, rc == RD_OK ? n : 0);
    return rc;
}

/* The bytes of the file at dir/name (in the build tree), or NULL. */
static char *site_file(const char *dir, const char *name, size_t *len)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s/%s", RD_BINARY_DIR, dir, name);
    char *text = NULL;
    rd_error err = {0};
    return rd_read_file(path, 0, &text, len, &err) == RD_OK ? text : NULL;
}

/* The rows read in a thread of their own, handed over in chunks of 256 KiB
 * or of one row each (the reading thread then waits at every fourth), give
 * the site that reading them as they are wanted gives, byte for byte:
 * every page, the index and index.json, for a real list with notes,
 * sub-entries and checks. */
RD_TEST(read_ahead_same_bytes)
{
    size_t len;
    char *text = NULL;
    rd_error err = {0};
    REQUIRE(rd_read_file(RD_TEST_DIR "/data/awesome-go.md", 0, &text, &len, &err) == RD_OK);
    rd_db *db = ingest_list("read_ahead", text, len);
    free(text);
    REQUIRE(db);
    REQUIRE(store_checks(db, &err) == RD_OK);
    const char *dirs[] = {"read_ahead_here", "read_ahead_default", "read_ahead_row"};
    rd_render_opts opts[] = {
        {.force = 1, .one_thread = 1}, {.force = 1}, {.force = 1, .read_chunk = 1}};
    for (size_t k = 0; k < 3; k++) {
        char out[512];
        snprintf(out, sizeof out, "%s/%s", RD_BINARY_DIR, dirs[k]);
        int rc = rd_render_site_with(db, out, &opts[k], &err);
        if (rc < 0)
            fprintf(stderr, "render: %s\n", err.msg);
        REQUIRE(rc == RD_OK);
    }
    rd_db_close(db);
    size_t n_manifest;
    char *manifest = site_file(dirs[0], ".refdex-manifest", &n_manifest);
    REQUIRE(manifest);
    size_t files = 0, entries = 0;
    char *line = strchr(manifest, '\n'); /* after its first line, a hash and a path a line */
    for (char *end; line && (end = strchr(++line, '\n')); line = end) {
        *end = 0;
        if (!(line = strchr(line, ' ')))
            break;
        line++;
        size_t here_len, n;
        char *here = site_file(dirs[0], line, &here_len);
        REQUIRE(here);
        entries += count(here, here_len, "<li class=\"entry\"");
        for (size_t k = 1; k < 3; k++) {
            char *other = site_file(dirs[k], line, &n);
            int same = other && n == here_len && !memcmp(other, here, n);
            if (!same)
                printf("%s differs read %s\n", line, k == 1 ? "ahead" : "a row at a time");
            CHECK(same);
            free(other);
        }
        free(here);
        files++;
    }
    free(manifest);
    printf("%zu files the same read three ways (%zu entries on the pages)\n", files, entries);
    CHECK(files > 40);         /* index.html, index.json and a page per section */
    CHECK(entries > 2 * 3000); /* on the index and on their pages */
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Rendering a section of 100,000 entries takes no more memory than one of
 * 10,000 (it took 1.8 KB an entry). The databases are made first, so that
 * what grows is render's. */
RD_TEST(large_section_memory)
{
    size_t small_len, big_len;
    char *small_text = big_list(10000, &small_len), *big_text = big_list(100000, &big_len);
    rd_db *small = ingest_list("memory_small", small_text, small_len);
    rd_db *big = ingest_list("memory_big", big_text, big_len);
    free(small_text);
    free(big_text);
    REQUIRE(small && big);
    REQUIRE(render_to(small, "memory_small", 0));
    long before = peak_rss_kb();
    REQUIRE(render_to(big, "memory_big", 0));
    long grew = peak_rss_kb() - before;
    struct stat st;
    REQUIRE(stat(RD_BINARY_DIR "/memory_big/c/big.html", &st) == 0);
    printf("peak RSS %ld KB after 10,000 entries, +%ld KB after 100,000 (a page of %lld bytes)\n",
           before, grew, (long long)st.st_size);
#ifdef UNDER_ASAN
    printf("under AddressSanitizer freed memory is held in quarantine: growth not checked\n");
#else
    CHECK(grew < 16 * 1024);
#endif
    rd_db_close(small);
    rd_db_close(big);
}
