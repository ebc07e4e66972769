/* tests/test_check.c — a check run (check/) over a stored catalog, against
 * the fixture server on 127.0.0.1: what needs no network, what is fetched,
 * what is stored, and when the network looks down. */
#include <curl/curl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/check.h"
#include "db/ingest.h"
#include "fixture.h"
#include "harness.h"

typedef struct fx {
    rd_fixture *server;
    char dir[300], catalog[320], db[320];
    rd_db *h;
} fx;

/* Writes text as catalog.md in a fresh folder, ingests it into a fresh
 * database there, and opens it. */
static int setup(fx *f, const char *name, const char *text)
{
    if (snprintf(f->dir, sizeof f->dir, "%s/check-%s", RD_BINARY_DIR, name) >= 280)
        return -1;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", f->dir, f->dir);
    if (system(cmd) != 0)
        return -1;
    snprintf(f->catalog, sizeof f->catalog, "%s/catalog.md", f->dir);
    snprintf(f->db, sizeof f->db, "%s/refdex.db", f->dir);
    FILE *out = fopen(f->catalog, "w");
    if (!out || fputs(text, out) < 0 || fclose(out) != 0)
        return -1;
    rd_error err = {0};
    rd_catalog *cat = NULL;
    rd_ingest_stats st;
    int rc = rd_catalog_parse(f->catalog, text, strlen(text), 0, &cat, &err);
    if (rc == RD_OK)
        rc = rd_db_open(f->db, 0, &f->h, &err);
    if (rc == RD_OK)
        rc = rd_db_ingest(f->h, cat, text, strlen(text), 0, &st, &err);
    rd_catalog_free(cat);
    if (rc < 0)
        fprintf(stderr, "setup: %s\n", err.msg);
    return rc;
}

static rd_check_opts opts(const fx *f)
{
    rd_check_opts o = {0};
    rd_crawl_opts_default(&o.crawl);
    o.crawl.allow_private = 1;
    o.crawl.timeout_ms = 3000;
    o.crawl.retries = 0;
    o.catalog = f->catalog;
    return o;
}

static char *stored(const fx *f, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    char *out = NULL;
    sqlite3_open(f->db, &h);
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            out = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return out;
}

#define CHECK_STORED(f, sql, want)                                                                 \
    do {                                                                                           \
        char *got_ = stored(f, sql);                                                               \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

/* libcurl's global state, as the program sets it up around a run. */
static void with_curl(void (*body)(void))
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    body();
    curl_global_cleanup();
}

/* Each kind of link is decided where it should be, and stored once. */
RD_TEST_WITH(sorts_and_stores, with_curl)
{
    fx f = {0};
    REQUIRE((f.server = rd_fixture_start()) != NULL);
    char text[1024];
    int port = rd_fixture_port(f.server);
    snprintf(text, sizeof text,
             "## links\n"
             "- [fine](http://127.0.0.1:%d/ok/fine)\n"
             "- [gone](http://127.0.0.1:%d/status/404)\n"
             "- [skip](http://127.0.0.1:%d/ok/skipped)\n"
             "- [mail](mailto:someone@example.org)\n"
             "- [here](catalog.md)\n"
             "- [missing](no-such-file.md)\n"
             "- [ftp](ftp://example.org/x)\n",
             port, port, port);
    REQUIRE(setup(&f, "sorts", text) == RD_OK);
    rd_check_opts o = opts(&f);
    const char *ex[] = {"skipped$"};
    o.exclude = ex;
    o.nexclude = 1;
    rd_check_tally t;
    rd_error err = {0};
    CHECK_INT(rd_check_links(f.h, &o, &t, &err), RD_OK);
    CHECK_INT(t.total, 7);
    CHECK_INT(t.done, 7);
    CHECK_INT(t.web, 2); /* only the two http links that are not excluded go out */
    CHECK_INT(t.count[RD_RES_OK], 3);
    CHECK_INT(t.count[RD_RES_BROKEN], 2);
    CHECK_INT(t.count[RD_RES_EXCLUDED], 2);
    CHECK_INT(t.failing, 2);
    CHECK_INT(t.network_down, 0);
    CHECK_STR(t.outcome, "completed");
    char want[1024];
    snprintf(want, sizeof want,
             "http://127.0.0.1:%d/ok/fine=ok http://127.0.0.1:%d/status/404=broken "
             "http://127.0.0.1:%d/ok/skipped=excluded mailto:someone@example.org=ok "
             "catalog.md=ok no-such-file.md=broken ftp://example.org/x=excluded",
             port, port, port);
    CHECK_STORED(&f,
                 "SELECT group_concat(u.url || '=' || k.result, ' ') FROM (SELECT * FROM checks"
                 " ORDER BY url_id) k JOIN urls u ON u.id = k.url_id",
                 want);
    snprintf(want, sizeof want, "no such file: %s/no-such-file.md", f.dir);
    CHECK_STORED(&f,
                 "SELECT k.error FROM checks k JOIN urls u ON u.id = k.url_id"
                 " WHERE u.url = 'no-such-file.md'",
                 want);
    CHECK_STORED(&f, "SELECT outcome FROM runs", "completed");
    rd_db_close(f.h);
    rd_fixture_stop(f.server);
}

/* A good result younger than --max-age is reused, not fetched again. */
RD_TEST_WITH(cached_results, with_curl)
{
    fx f = {0};
    REQUIRE((f.server = rd_fixture_start()) != NULL);
    char text[256];
    snprintf(text, sizeof text, "- [c](http://127.0.0.1:%d/count/cached)\n",
             rd_fixture_port(f.server));
    REQUIRE(setup(&f, "cached", text) == RD_OK);
    rd_check_opts o = opts(&f);
    o.max_age_ms = 3600 * 1000;
    rd_check_tally t;
    rd_error err = {0};
    REQUIRE(rd_check_links(f.h, &o, &t, &err) == RD_OK);
    CHECK_INT(t.count[RD_RES_OK], 1);
    REQUIRE(rd_check_links(f.h, &o, &t, &err) == RD_OK);
    CHECK_INT(t.count[RD_RES_CACHED], 1);
    CHECK_INT(t.web, 0);
    CHECK_INT(rd_fixture_hits(f.server, "cached"), 1);
    rd_db_close(f.h);
    rd_fixture_stop(f.server);
}

/* No server of several hosts answers: the network looks down; one dead
 * host is only that. A bad pattern stores nothing. */
RD_TEST_WITH(network_down, with_curl)
{
    fx f = {0};
    REQUIRE(setup(&f, "down", "- [a](http://127.0.0.2:1/)\n- [b](http://127.0.0.3:1/)\n") == RD_OK);
    rd_check_opts o = opts(&f);
    rd_check_tally t;
    rd_error err = {0};
    REQUIRE(rd_check_links(f.h, &o, &t, &err) == RD_OK);
    CHECK_INT(t.count[RD_RES_ERROR], 2);
    CHECK_INT(t.hosts, 2);
    CHECK_INT(t.network_down, 1);
    rd_db_close(f.h);
    REQUIRE(setup(&f, "one-host", "- [a](http://127.0.0.2:1/a)\n- [b](http://127.0.0.2:1/b)\n") ==
            RD_OK);
    REQUIRE(rd_check_links(f.h, &o, &t, &err) == RD_OK);
    CHECK_INT(t.count[RD_RES_ERROR], 2);
    CHECK_INT(t.network_down, 0);
    const char *ex[] = {"(unclosed"};
    o.exclude = ex;
    o.nexclude = 1;
    CHECK_INT(rd_check_links(f.h, &o, &t, &err), RD_EUSAGE);
    CHECK(strstr(err.msg, "--exclude '(unclosed'") != NULL);
    CHECK_STORED(&f, "SELECT count(*) FROM runs", "1");
    rd_db_close(f.h);
}

/* A run that ends at its deadline stores one check for every link: the
 * links in flight say the deadline passed, those that never started that
 * the run ended first, the rest what they were; the run has one outcome. */
RD_TEST_WITH(deadline_stores_every_link, with_curl)
{
    fx f = {0};
    REQUIRE((f.server = rd_fixture_start()) != NULL);
    int port = rd_fixture_port(f.server);
    rd_buf text = {0};
    rd_buf_printf(&text, "## links\n- [mail](mailto:someone@example.org)\n");
    for (int i = 0; i < 2; i++)
        rd_buf_printf(&text, "- [hang %d](http://127.0.0.1:%d/hang?%d)\n", i, port, i);
    for (int i = 0; i < 500; i++) /* queued behind the two hangs on one host */
        rd_buf_printf(&text, "- [ok %d](http://127.0.0.1:%d/ok/%d)\n", i, port, i);
    REQUIRE(text.data && setup(&f, "deadline", text.data) == RD_OK);
    rd_check_opts o = opts(&f);
    o.crawl.per_host = 2;
    o.deadline_ms = 700;
    rd_check_tally t;
    rd_error err = {0};
    REQUIRE(rd_check_links(f.h, &o, &t, &err) == RD_OK);
    CHECK_INT(t.total, 503);
    CHECK_INT(t.done, 503);
    CHECK_INT(t.count[RD_RES_OK], 1);
    CHECK_INT(t.count[RD_RES_CANCELLED], 502);
    CHECK_STR(t.outcome, "deadline");
    CHECK_STORED(&f, "SELECT count(*) || ' ' || count(DISTINCT url_id) FROM checks", "503 503");
    CHECK_STORED(&f,
                 "SELECT group_concat(n || ' ' || result || ': ' || error, '; ') FROM (SELECT"
                 " count(*) AS n, result, coalesce(error, '-') AS error FROM checks"
                 " GROUP BY result, error ORDER BY n)",
                 "1 ok: e-mail address: syntax only; "
                 "2 cancelled: the run's deadline passed; "
                 "500 cancelled: the run ended before this link was checked");
    CHECK_STORED(&f, "SELECT count(*) || ' ' || outcome FROM runs WHERE finished_at IS NOT NULL",
                 "1 deadline");
    rd_buf_free(&text);
    rd_db_close(f.h);
    rd_fixture_stop(f.server);
}

/* check --diff reads git diff -U0's hunk headers: the new side's lines, a
 * count of 1 when not written, nothing for a pure deletion, and nothing from
 * a line that only looks like one (content lines start with +, - or space). */
RD_TEST(diff_lines)
{
    static const char diff[] = "diff --git a/catalog.md b/catalog.md\n"
                               "index 1..2 100644\n"
                               "--- a/catalog.md\n"
                               "+++ b/catalog.md\n"
                               "@@ -5 +5 @@ ## a\n"
                               "-- [old](https://a/)\n"
                               "+- [new](https://b/)\n"
                               "@@ -7,2 +6,0 @@\n"
                               "-x\n"
                               "-y\n"
                               "@@ -9,0 +9,3 @@ ## b\n"
                               "+@@ -1 +100 @@\n"
                               "+z\n"
                               "+w\n"
                               "@@ -20 +22,2 @@";
    int *lines = NULL;
    size_t n = 0;
    REQUIRE(rd_diff_lines(diff, sizeof diff - 1, &lines, &n) == RD_OK);
    CHECK_INT((long long)n, 3);
    int want[] = {5, 5, 9, 11, 22, 23};
    for (size_t i = 0; i < 6 && i < 2 * n; i++)
        CHECK_INT(lines[i], want[i]);
    free(lines);
    REQUIRE(rd_diff_lines("", 0, &lines, &n) == RD_OK);
    CHECK_INT((long long)n, 0);
    free(lines);
    /* not hunk headers: cut short, no numbers */
    static const char bad[] = "@@ -5 +x @@\n@@ -5 +5\n@@ - +5 @@\n";
    REQUIRE(rd_diff_lines(bad, sizeof bad - 1, &lines, &n) == RD_OK);
    CHECK_INT((long long)n, 0);
    free(lines);
}
