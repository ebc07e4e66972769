/* tests/test_crawler.c — contexts without the network, then the crawler
 * against the fixture server on 127.0.0.1. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crawler/crawler.h"
#include "crawler/internal.h"
#include "fixture.h"
#include "harness.h"

RD_TEST(context_tree)
{
    rd_ctx run, a, b;
    rd_ctx_init(&run, 1000, 5000);      /* deadline 6000 */
    rd_ctx_child(&a, &run, 1000, 2000); /* own deadline 3000 */
    rd_ctx_child(&b, &run, 2000, 0);    /* only the parent's */
    CHECK_INT(rd_ctx_deadline(&a), 3000);
    CHECK_INT(rd_ctx_deadline(&b), 6000);
    CHECK_INT(rd_ctx_remaining_ms(&a, 2500), 500);
    CHECK_INT(rd_ctx_remaining_ms(&a, 3500), 0);
    CHECK_INT(rd_ctx_state_at(&a, 2999), RD_CTX_LIVE);
    CHECK_INT(rd_ctx_state_at(&a, 3000), RD_CTX_DEADLINE);
    CHECK_INT(rd_ctx_state_at(&b, 5999), RD_CTX_LIVE);
    CHECK_INT(rd_ctx_state_at(&b, 6000), RD_CTX_DEADLINE);
    /* a child never outlives its parent */
    rd_ctx c;
    rd_ctx_child(&c, &a, 1000, 60000);
    CHECK_INT(rd_ctx_deadline(&c), 3000);
    /* cancelling the parent cancels the children, and wins over a deadline */
    rd_ctx_cancel(&run);
    CHECK_INT(rd_ctx_state_at(&b, 2000), RD_CTX_CANCELLED);
    CHECK_INT(rd_ctx_state_at(&c, 9000), RD_CTX_CANCELLED);
    /* no deadline at all */
    rd_ctx free_run;
    rd_ctx_init(&free_run, 0, 0);
    CHECK_INT(rd_ctx_remaining_ms(&free_run, 123), -1);
    CHECK_INT(rd_ctx_state_at(&free_run, 1 << 30), RD_CTX_LIVE);
}

RD_TEST(durations_and_ranges)
{
    int64_t ms = 0;
    CHECK(rd_parse_duration_ms("500ms", &ms) == RD_OK && ms == 500);
    CHECK(rd_parse_duration_ms("5s", &ms) == RD_OK && ms == 5000);
    CHECK(rd_parse_duration_ms("2m", &ms) == RD_OK && ms == 120000);
    CHECK(rd_parse_duration_ms("1h", &ms) == RD_OK && ms == 3600000);
    CHECK(rd_parse_duration_ms("7d", &ms) == RD_OK && ms == 7 * 86400000LL);
    CHECK(rd_parse_duration_ms("30", &ms) == RD_OK && ms == 30000);
    CHECK(rd_parse_duration_ms("5x", &ms) == RD_EUSAGE);
    CHECK(rd_parse_duration_ms("-5s", &ms) == RD_EUSAGE);
    CHECK(rd_parse_duration_ms("", &ms) == RD_EUSAGE);
    rd_status_range *r;
    size_t n;
    REQUIRE(rd_parse_status_ranges("200..299,403", &r, &n) == RD_OK);
    CHECK(n == 2 && r[0].lo == 200 && r[0].hi == 299 && r[1].lo == 403 && r[1].hi == 403);
    free(r);
    CHECK(rd_parse_status_ranges("200..", &r, &n) == RD_EUSAGE);
    CHECK(rd_parse_status_ranges("299..200", &r, &n) == RD_EUSAGE);
    CHECK(rd_parse_status_ranges("20", &r, &n) == RD_EUSAGE);
    CHECK(rd_parse_status_ranges("200,", &r, &n) == RD_EUSAGE);
}

/* ---- against the fixture ---- */

typedef struct got {
    rd_check c;
    char final_url[256];
    char title[256]; /* the page's, when it had one */
    int calls;
} got;

typedef struct run_result {
    got *g;
    rd_crawl_stats stats;
    int rc;
} run_result;

static int collect(void *ud, size_t index, const rd_check *c)
{
    got *g = &((got *)ud)[index];
    g->c = *c;
    g->c.final_url = NULL;
    g->c.page = NULL; /* valid in the callback only: its title is kept */
    snprintf(g->title, sizeof g->title, "%s", c->page ? c->page->title : "");
    snprintf(g->final_url, sizeof g->final_url, "%s", c->final_url ? c->final_url : "");
    g->calls++;
    return 0;
}

static rd_fixture *fx;
static char urls_buf[64][128];

/* Builds http://127.0.0.1:PORT/path URLs. */
static const char *const *fixture_urls(const char *const *paths, size_t n)
{
    static const char *ptrs[64];
    for (size_t i = 0; i < n; i++) {
        if (!strncmp(paths[i], "http", 4))
            snprintf(urls_buf[i], sizeof urls_buf[i], "%s", paths[i]);
        else
            snprintf(urls_buf[i], sizeof urls_buf[i], "http://127.0.0.1:%d%s", rd_fixture_port(fx),
                     paths[i]);
        ptrs[i] = urls_buf[i];
    }
    return ptrs;
}

static run_result crawl(const rd_crawl_opts *o, int64_t deadline_ms, const char *const *paths,
                        size_t n)
{
    run_result r = {calloc(n, sizeof(got)), {0}, 0};
    rd_ctx run;
    rd_ctx_init(&run, rd_now_ms(), deadline_ms);
    rd_error err = {0};
    r.rc = rd_crawl(o, &run, fixture_urls(paths, n), n, collect, r.g, &r.stats, &err);
    if (r.rc)
        fprintf(stderr, "rd_crawl: %s\n", err.msg);
    return r;
}

static rd_crawl_opts fixture_opts(void)
{
    rd_crawl_opts o;
    rd_crawl_opts_default(&o);
    o.allow_private = 1;
    o.timeout_ms = 5000;
    return o;
}

/* Runs a case with the fixture server up (fx), and stops it after. */
static void fixture_case(void (*fn)(void))
{
    fx = rd_fixture_start();
    if (!fx) {
        CHECK(!"the fixture server did not start");
        return;
    }
    fn();
    rd_fixture_stop(fx);
    fx = NULL;
}

RD_TEST_WITH(results, fixture_case)
{
    static const char *const paths[] = {"/ok/a",  "/status/404", "/flaky/r1", "/chain/3",
                                        "/found", "/perm",       "/loop/a",   "/status/503"};
    rd_crawl_opts o = fixture_opts();
    run_result r = crawl(&o, 0, paths, 8);
    REQUIRE(r.rc == RD_OK);
    got *g = r.g;
    for (int i = 0; i < 8; i++)
        CHECK_INT(g[i].calls, 1);
    CHECK_INT(g[0].c.result, RD_RES_OK);
    CHECK_INT(g[0].c.status, 200);
    CHECK_STR(g[0].title, "Fixture a");
    CHECK(g[0].c.bytes > 50);
    CHECK_INT(g[1].c.result, RD_RES_BROKEN);
    CHECK_INT(g[1].c.status, 404);
    CHECK_STR(g[1].c.error, "HTTP 404");
    CHECK_INT(g[2].c.result, RD_RES_OK); /* 500, then 200 on the retry */
    CHECK_INT(g[2].c.attempts, 2);
    CHECK_INT(g[3].c.result, RD_RES_REDIRECT); /* 301 ×3: permanent */
    CHECK_INT(g[3].c.redirects, 3);
    CHECK(strstr(g[3].final_url, "/chain/0") != NULL);
    CHECK_INT(g[4].c.result, RD_RES_OK); /* 302: informational */
    CHECK_INT(g[4].c.redirects, 1);
    CHECK(strstr(g[4].final_url, "/ok/found") != NULL);
    CHECK_INT(g[5].c.result, RD_RES_REDIRECT); /* 308 */
    CHECK_INT(g[6].c.result, RD_RES_ERROR);
    CHECK_STR(g[6].c.error, "redirect loop");
    CHECK_INT(g[7].c.result, RD_RES_BROKEN); /* 503 three times */
    CHECK_INT(g[7].c.attempts, 3);
    CHECK_INT(r.stats.done, 8);
    CHECK_INT(r.stats.resolved, 8);
    free(r.g);
}

RD_TEST_WITH(head_then_get, fixture_case)
{
    static const char *const paths[] = {"/nohead", "/ok/h"};
    rd_crawl_opts o = fixture_opts();
    o.use_head = 1;
    run_result r = crawl(&o, 0, paths, 2);
    REQUIRE(r.rc == RD_OK);
    CHECK_INT(r.g[0].c.result, RD_RES_OK);
    CHECK_INT(r.g[0].c.attempts, 2); /* HEAD 405, then GET */
    CHECK_INT(r.g[1].c.attempts, 1);
    CHECK_INT(r.g[1].c.bytes, 0); /* HEAD reads no body */
    free(r.g);
}

RD_TEST_WITH(retry_after, fixture_case)
{
    /* on two hosts: a host's 429 pauses all of it (rate_limit_* below) */
    char other[96];
    snprintf(other, sizeof other, "http://localhost:%d/limited/r2?s=30", rd_fixture_port(fx));
    const char *const paths[] = {"/limited/r1?s=1", other};
    rd_crawl_opts o = fixture_opts();
    o.timeout_ms = 3000;
    int64_t t0 = rd_now_ms();
    run_result r = crawl(&o, 0, paths, 2);
    REQUIRE(r.rc == RD_OK);
    CHECK_INT(r.g[0].c.result, RD_RES_OK); /* waited 1 s, then 200 */
    CHECK(r.g[0].c.elapsed_ms >= 950 && r.g[0].c.elapsed_ms < rd_test_max_ms(2500));
    CHECK_INT(r.g[1].c.result, RD_RES_RATELIMITED); /* 30 s does not fit in 3 s */
    CHECK(strstr(r.g[1].c.error, "waiting 30 s (Retry-After) would pass") != NULL);
    CHECK(r.g[1].c.elapsed_ms < rd_test_max_ms(1000));
    CHECK(rd_now_ms() - t0 < rd_test_max_ms(2500));
    free(r.g);
}

/* A Retry-After as large as a number gets neither overflows the clock (the
 * sanitizer build would say) nor lets the link retry at once. */
RD_TEST_WITH(retry_after_huge, fixture_case)
{
    static const char *const paths[] = {"/limited/huge?s=9223372036854775807"};
    rd_crawl_opts o = fixture_opts();
    o.timeout_ms = 2000;
    run_result r = crawl(&o, 0, paths, 1);
    REQUIRE(r.rc == RD_OK);
    CHECK_INT(r.g[0].c.result, RD_RES_RATELIMITED);
    CHECK_INT(r.g[0].c.attempts, 1);
    CHECK(strstr(r.g[0].c.error, "would pass the link's deadline") != NULL);
    free(r.g);
}

/* A 429 with no Retry-After a number (0, a date past, a number too large)
 * waits our own back-off; when that does not fit, the error says so, not
 * that Retry-After asked for 0 s. */
RD_TEST_WITH(retry_after_unreadable, fixture_case)
{
    static const char *const paths[] = {"/limited/z?s=0",
                                        "/limited/p?s=Wed,%2021%20Oct%202015%2007:28:00%20GMT",
                                        "/limited/o?s=99999999999999999999"};
    rd_crawl_opts o = fixture_opts();
    o.timeout_ms = 150; /* the first back-off is 200 ms at least */
    run_result r = crawl(&o, 0, paths, 3);
    REQUIRE(r.rc == RD_OK);
    for (int i = 0; i < 3; i++) {
        CHECK_INT(r.g[i].c.result, RD_RES_RATELIMITED);
        if (!strstr(r.g[i].c.error, " to try again would pass the link's deadline"))
            fprintf(stderr, "  %s: %s\n", paths[i], r.g[i].c.error);
        CHECK(strstr(r.g[i].c.error, " to try again would pass the link's deadline") != NULL);
        CHECK(strstr(r.g[i].c.error, "Retry-After") == NULL);
    }
    free(r.g);
}

RD_TEST_WITH(timeout_holds, fixture_case)
{
    static const char *const paths[] = {"/hang", "/drip"};
    rd_crawl_opts o = fixture_opts();
    o.timeout_ms = 1200;
    int64_t t0 = rd_now_ms();
    run_result r = crawl(&o, 0, paths, 2);
    int64_t took = rd_now_ms() - t0;
    REQUIRE(r.rc == RD_OK);
    for (int i = 0; i < 2; i++) {
        CHECK_INT(r.g[i].c.result, RD_RES_TIMEOUT);
        CHECK(r.g[i].c.elapsed_ms >= 1200 && r.g[i].c.elapsed_ms < rd_test_max_ms(1700));
    }
    CHECK(took < rd_test_max_ms(1800)); /* both at their deadline, not later */
    free(r.g);
}

RD_TEST_WITH(body_cap, fixture_case)
{
    static const char *const paths[] = {"/endless"};
    rd_crawl_opts o = fixture_opts();
    o.max_bytes = 100000;
    run_result r = crawl(&o, 0, paths, 1);
    REQUIRE(r.rc == RD_OK);
    CHECK_INT(r.g[0].c.result, RD_RES_OK);
    CHECK_INT(r.g[0].c.bytes, 100000);
    CHECK(r.g[0].c.elapsed_ms < rd_test_max_ms(2000));
    free(r.g);
}

RD_TEST_WITH(per_host_limit, fixture_case)
{
    const char *paths[24];
    for (int i = 0; i < 24; i++)
        paths[i] = "/slow/150";
    rd_crawl_opts o = fixture_opts();
    o.per_host = 3;
    run_result r = crawl(&o, 0, paths, 24);
    REQUIRE(r.rc == RD_OK);
    CHECK_INT(rd_fixture_max_inflight(fx), 3);
    CHECK_INT(r.stats.count[RD_RES_OK], 24);
    /* 24 links, 3 at a time, 150 ms each: 8 rounds */
    CHECK(r.stats.elapsed_ms >= 8 * 150 && r.stats.elapsed_ms < rd_test_max_ms(8 * 150 + 800));
    free(r.g);
}

RD_TEST_WITH(host_interval, fixture_case)
{
    const char *paths[5];
    for (int i = 0; i < 5; i++)
        paths[i] = "/ok/spaced";
    rd_crawl_opts o = fixture_opts();
    o.host_interval_ms = 200;
    run_result r = crawl(&o, 0, paths, 5);
    REQUIRE(r.rc == RD_OK);
    CHECK_INT(r.stats.count[RD_RES_OK], 5);
    /* five requests to one host, 200 ms apart: the last starts 800 ms in */
    CHECK(r.stats.elapsed_ms >= 800 && r.stats.elapsed_ms < rd_test_max_ms(1500));
    free(r.g);
}

/* A link woken from back-off waits for its host, and its deadline passes
 * there: it ends once, as a timeout, and is not started again later.
 * The timing is by construction, not by luck: the flaky link's first answer
 * (a 500) takes 200 ms, so the hang starts 200 ms after it and holds the
 * host's one slot until 200 ms after the flaky link's deadline; the flaky
 * link wakes from back-off (200-300 ms) long before that, and waits. */
RD_TEST_WITH(deadline_while_requeued, fixture_case)
{
    static const char *const paths[] = {"/flaky/requeued?ms=200", "/hang"};
    rd_crawl_opts o = fixture_opts();
    o.per_host = 1;
    o.timeout_ms = 900;
    run_result r = crawl(&o, 0, paths, 2);
    REQUIRE(r.rc == RD_OK);
    CHECK_INT(r.g[0].calls, 1);
    CHECK_INT(r.g[1].calls, 1);
    CHECK_INT(r.stats.done, 2);
    CHECK_INT(r.g[0].c.result, RD_RES_TIMEOUT);
    CHECK_INT(r.g[0].c.attempts, 1); /* the 500; its retry never started */
    CHECK(r.g[0].c.elapsed_ms >= 900 && r.g[0].c.elapsed_ms < rd_test_max_ms(1100));
    CHECK_INT(r.g[1].c.result, RD_RES_TIMEOUT);
    CHECK_INT(rd_fixture_hits(fx, NULL), 2); /* one request each */
    free(r.g);
}

/* Links of a rate-limited host (127.0.0.1, every answer a 429) behind
 * those of a host that answers (localhost, the same server): builds the
 * paths, the throttled ones with `query` (Retry-After and such). */
static const char *const *storm_paths(const char *id, const char *query, int n)
{
    static char buf[64][96];
    static const char *paths[64];
    for (int i = 0; i < 2 * n && i < 64; i++) {
        if (i < n)
            snprintf(buf[i], sizeof buf[i], "/throttle/%s?i=%d%s", id, i, query);
        else
            snprintf(buf[i], sizeof buf[i], "http://localhost:%d/ok/%d", rd_fixture_port(fx), i);
        paths[i] = buf[i];
    }
    return paths;
}

/* A 429 pauses its whole host: with Retry-After: 1, a host that answers
 * nothing else gets two requests a second (its per-host limit), not one per
 * link and retry, while the other host's links all go through; the run
 * still ends at its deadline. */
RD_TEST_WITH(rate_limit_pauses_host, fixture_case)
{
    rd_crawl_opts o = fixture_opts();
    o.per_host = 2;
    o.timeout_ms = 3000;
    int64_t t0 = rd_now_ms();
    run_result r = crawl(&o, 2500, storm_paths("storm", "&s=1", 30), 60);
    int64_t took = rd_now_ms() - t0;
    REQUIRE(r.rc == RD_OK);
    int hits = rd_fixture_hits(fx, "storm");
    CHECK(hits >= 2 && hits <= 8); /* at 0, 1 and 2 s: 6 (without the pause: 90) */
    CHECK_INT(r.stats.count[RD_RES_OK], 30);
    for (int i = 30; i < 60; i++)
        CHECK_INT(r.g[i].c.result, RD_RES_OK);
    /* the storm's links: the two on their third 429 at 2 s end rate limited,
     * the others are cancelled at the deadline */
    CHECK_INT(r.stats.count[RD_RES_CANCELLED] + r.stats.count[RD_RES_RATELIMITED], 30);
    CHECK(r.stats.host_pauses >= 2 && r.stats.host_pauses <= 4);
    CHECK(took >= 2500 && took < rd_test_max_ms(3000));
    free(r.g);
}

/* Without a Retry-After, a 429 still pauses its host, 1 s and then longer;
 * a 503 with X-RateLimit-Reset pauses it for that long. */
RD_TEST_WITH(rate_limit_default_backoff, fixture_case)
{
    rd_crawl_opts o = fixture_opts();
    o.per_host = 2;
    o.timeout_ms = 3000;
    run_result r = crawl(&o, 2500, storm_paths("quiet", "", 30), 60);
    REQUIRE(r.rc == RD_OK);
    int hits = rd_fixture_hits(fx, "quiet");
    CHECK(hits >= 2 && hits <= 6); /* at 0 and 1 s, then a 2 s pause passes the deadline */
    CHECK_INT(r.stats.count[RD_RES_OK], 30);
    free(r.g);
    r = crawl(&o, 2500, storm_paths("reset", "&status=503&reset=2", 30), 60);
    REQUIRE(r.rc == RD_OK);
    hits = rd_fixture_hits(fx, "reset");
    CHECK(hits >= 2 && hits <= 4); /* at 0 and 2 s */
    CHECK_INT(r.stats.count[RD_RES_OK], 30);
    free(r.g);
    /* a 429 the user accepts (--accept 200..299,429) is an answer, not a pause */
    static const rd_status_range with_429[] = {{200, 299}, {429, 429}};
    o.accept = with_429;
    o.naccept = 2;
    r = crawl(&o, 2500, storm_paths("accepted", "", 10), 20);
    REQUIRE(r.rc == RD_OK);
    CHECK_INT(r.stats.count[RD_RES_OK], 20);
    CHECK_INT(r.stats.host_pauses, 0);
    CHECK_INT(rd_fixture_hits(fx, "accepted"), 10);
    free(r.g);
}

/* A pause longer than what is left of the run ends with the run, at its
 * deadline: a Retry-After of 30 s does not keep a 1.5 s run going, and the
 * host gets no more requests meanwhile. */
RD_TEST_WITH(rate_limit_pause_ends_at_deadline, fixture_case)
{
    rd_crawl_opts o = fixture_opts();
    o.per_host = 2;
    o.timeout_ms = 60000; /* the links could wait 30 s; the run cannot */
    int64_t t0 = rd_now_ms();
    run_result r = crawl(&o, 1500, storm_paths("long", "&s=30", 10), 20);
    int64_t took = rd_now_ms() - t0;
    REQUIRE(r.rc == RD_OK);
    CHECK(took >= 1500 && took < rd_test_max_ms(2000));
    CHECK_INT(rd_fixture_hits(fx, "long"), 2);
    CHECK_INT(r.stats.count[RD_RES_OK], 10);
    /* the two links asked cannot wait 30 s in a run that has 1.5 s: rate
     * limited; the host's other links wait for the pause, cut at the run's
     * deadline, and are cancelled there, never asked */
    CHECK_INT(r.stats.count[RD_RES_RATELIMITED], 2);
    CHECK(strstr(r.g[0].c.error, "waiting 30 s (Retry-After) would pass") != NULL);
    CHECK_INT(r.stats.count[RD_RES_CANCELLED], 8);
    CHECK_INT(r.stats.unstarted, 8);
    free(r.g);
}

/* A link whose own Retry-After fits its deadline still ends rate limited,
 * at once, when its host was paused for longer meanwhile: it is not asked
 * again, nor left to time out. */
RD_TEST_WITH(rate_limit_host_pause_past_link, fixture_case)
{
    static const char *const paths[] = {"/limited/w1?s=1", "/limited/w2?s=30"};
    rd_crawl_opts o = fixture_opts();
    o.timeout_ms = 3000;
    int64_t t0 = rd_now_ms();
    run_result r = crawl(&o, 0, paths, 2);
    REQUIRE(r.rc == RD_OK);
    CHECK_INT(r.g[0].c.result, RD_RES_RATELIMITED);
    CHECK_INT(r.g[1].c.result, RD_RES_RATELIMITED);
    CHECK_INT(rd_fixture_hits(fx, NULL), 2);
    CHECK(rd_now_ms() - t0 < rd_test_max_ms(1500)); /* w1's second at most, not its 3 s */
    free(r.g);
}

RD_TEST_WITH(refused_addresses, fixture_case)
{
    static const char *const paths[] = {"http://169.254.169.254/latest/meta-data/",
                                        "http://[fe80::1]/", "/ok/private"};
    rd_crawl_opts o = fixture_opts();
    o.allow_private = 0;
    run_result r = crawl(&o, 0, paths, 3);
    REQUIRE(r.rc == RD_OK);
    CHECK_INT(r.g[0].c.result, RD_RES_ERROR);
    CHECK(strstr(r.g[0].c.error, "169.254.169.254: a link-local address") != NULL);
    CHECK_INT(r.g[1].c.result, RD_RES_ERROR);
    CHECK_INT(r.g[2].c.result, RD_RES_ERROR);
    CHECK(strstr(r.g[2].c.error, "loopback address (allow with --allow-private)") != NULL);
    CHECK_INT(r.stats.resolved, 0);
    o.allow_private = 1; /* link-local stays refused */
    r = (free(r.g), crawl(&o, 0, paths, 3));
    CHECK_INT(r.g[0].c.result, RD_RES_ERROR);
    CHECK_INT(r.g[2].c.result, RD_RES_OK);
    free(r.g);
}

RD_TEST_WITH(run_deadline_cancels_all, fixture_case)
{
    const char *paths[12];
    for (int i = 0; i < 12; i++)
        paths[i] = i < 10 ? "/hang" : "/ok/quick";
    rd_crawl_opts o = fixture_opts();
    o.timeout_ms = 20000;
    o.per_host = 4; /* most of the hangs wait in the queue */
    int64_t t0 = rd_now_ms();
    run_result r = crawl(&o, 600, paths, 12);
    int64_t took = rd_now_ms() - t0;
    REQUIRE(r.rc == RD_OK);
    CHECK(took >= 600 && took < rd_test_max_ms(1100));
    CHECK_INT(r.stats.done, 12);
    /* the first four hangs hold the host's four slots until the run's end, so
     * the quick links queued behind them never start: all twelve are
     * cancelled; the four in flight are said one by one, the eight that never
     * started only counted (the caller stores them at once) */
    CHECK_INT(r.stats.count[RD_RES_CANCELLED], 12);
    CHECK_INT(r.stats.unstarted, 8);
    CHECK_INT(rd_fixture_hits(fx, NULL), 4);
    int called = 0;
    for (int i = 0; i < 12; i++) {
        CHECK(r.g[i].calls <= 1);
        if (!r.g[i].calls)
            continue;
        called++;
        CHECK_INT(r.g[i].c.result, RD_RES_CANCELLED);
        CHECK_STR(r.g[i].c.error, "the run's deadline passed");
        CHECK(r.g[i].c.elapsed_ms < rd_test_max_ms(1100));
    }
    CHECK_INT(called, 4);
    CHECK_INT(r.g[10].calls + r.g[11].calls, 0);
    free(r.g);
}

static void *write_later(void *fd)
{
    usleep(300 * 1000);
    if (write(*(int *)fd, "x", 1) != 1)
        perror("write");
    return NULL;
}

RD_TEST_WITH(cancel_ends_at_once, fixture_case)
{
    const char *paths[6];
    for (int i = 0; i < 6; i++)
        paths[i] = "/hang";
    int p[2];
    REQUIRE(pipe(p) == 0);
    rd_crawl_opts o = fixture_opts();
    o.cancel_fd = p[0];
    pthread_t t;
    pthread_create(&t, NULL, write_later, &p[1]);
    int64_t t0 = rd_now_ms();
    run_result r = crawl(&o, 0, paths, 6);
    int64_t took = rd_now_ms() - t0;
    pthread_join(t, NULL);
    REQUIRE(r.rc == RD_OK);
    /* well before the links' 5 s timeout; a loaded machine may take a while
     * to run the writer and wake the crawl, so not to the millisecond */
    CHECK(took >= 300 && took < rd_test_max_ms(1500));
    CHECK_INT(r.stats.count[RD_RES_CANCELLED], 6);
    CHECK_STR(r.g[5].c.error, "the run was cancelled");
    close(p[0]);
    close(p[1]);
    free(r.g);
}

RD_TEST_WITH(connection_refused, fixture_case)
{
    static const char *const paths[] = {"http://127.0.0.1:1/"};
    rd_crawl_opts o = fixture_opts();
    run_result r = crawl(&o, 0, paths, 1);
    REQUIRE(r.rc == RD_OK);
    CHECK_INT(r.g[0].c.result, RD_RES_ERROR);
    CHECK_INT(r.g[0].c.attempts, 3); /* retried twice */
    CHECK(strstr(r.g[0].c.error, "onnect") != NULL);
    CHECK_INT(r.stats.resolved, 0);
    free(r.g);
}

/* A page's title comes out as valid UTF-8 whatever bytes the page holds. */
RD_TEST(title_is_utf8)
{
    static const char page[] = "<html><head><meta charset=\"utf-8\"><title> a\xff\xfe b\xc3"
                               "</title></head></html>";
    char title[64];
    rd_html_title(page, sizeof page - 1, title, sizeof title);
    CHECK(title[0] == 'a');
    size_t n = strlen(title);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = rd_utf8_decode((const unsigned char *)title + i, n - i, &cp);
        CHECK(len > 0);
        i += len > 0 ? (size_t)len : 1;
    }
}
