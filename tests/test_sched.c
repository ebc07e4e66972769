/* tests/test_sched.c — the crawler's scheduler (crawler/sched.c) alone, on a
 * clock the test sets: which link starts next, under which limits, and when a
 * host interval lets the next one go. No network, no wall clock. */
#include <stdio.h>
#include <string.h>

#include "common/rd.h"
#include "crawler/sched.h"
#include "harness.h"

/* Takes every link the scheduler lets start at now, in order, as "0 3 5";
 * the time the caller should look again goes to *wake. */
static const char *take(rd_sched *s, int64_t now, int64_t *wake)
{
    static char out[256];
    size_t len = 0;
    int64_t link;
    out[0] = '\0';
    while ((link = rd_sched_next(s, now, wake)) >= 0 && len < sizeof out - 12)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%lld", len ? " " : "",
                                (long long)link);
    return out;
}

/* Queues links first..last (inclusive) under host, at the back. */
static int push(rd_sched *s, uint32_t first, uint32_t last, const char *host)
{
    for (uint32_t l = first; l <= last; l++)
        if (rd_sched_push(s, l, host, 0) != RD_OK)
            return -1;
    return 0;
}

/* One link of each host in turn, each host's links in the order queued. */
RD_TEST(round_robin_over_hosts)
{
    rd_sched s;
    int64_t wake = -1;
    REQUIRE(rd_sched_init(&s, 6, 100, 100, 0) == RD_OK);
    REQUIRE(push(&s, 0, 2, "a.example") == 0);
    REQUIRE(push(&s, 3, 4, "b.example") == 0);
    REQUIRE(push(&s, 5, 5, "c.example") == 0);
    CHECK_INT(s.nhosts, 3);
    CHECK_STR(take(&s, 0, &wake), "0 3 5 1 4 2");
    CHECK_INT(wake, 0); /* nothing to wait for */
    CHECK_INT(s.inflight, 6);
    CHECK_INT(s.queued, 0);
    rd_sched_free(&s);
}

/* No more than the global limit at once, whatever the hosts. */
RD_TEST(global_limit)
{
    rd_sched s;
    int64_t wake = -1;
    REQUIRE(rd_sched_init(&s, 5, 2, 8, 0) == RD_OK);
    REQUIRE(push(&s, 0, 2, "a.example") == 0);
    REQUIRE(push(&s, 3, 4, "b.example") == 0);
    CHECK_STR(take(&s, 0, &wake), "0 3");
    CHECK_INT(wake, 0); /* a release, not the clock, lets the next one go */
    CHECK_STR(take(&s, 60000, &wake), "");
    rd_sched_release(&s, 3);
    CHECK_STR(take(&s, 0, &wake), "1");
    rd_sched_release(&s, 0);
    rd_sched_release(&s, 1);
    CHECK_STR(take(&s, 0, &wake), "4 2");
    CHECK_INT(s.inflight, 2);
    rd_sched_free(&s);
}

/* No more than per_host links of one host at once; the other hosts go on. */
RD_TEST(per_host_limit)
{
    rd_sched s;
    int64_t wake = -1;
    REQUIRE(rd_sched_init(&s, 6, 100, 2, 0) == RD_OK);
    REQUIRE(push(&s, 0, 3, "a.example") == 0);
    REQUIRE(push(&s, 4, 5, "b.example") == 0);
    CHECK_STR(take(&s, 0, &wake), "0 4 1 5");
    CHECK_INT(s.hosts[0].inflight, 2);
    CHECK_INT(s.hosts[1].inflight, 2);
    rd_sched_release(&s, 4); /* b has a slot, but nothing queued */
    CHECK_STR(take(&s, 0, &wake), "");
    rd_sched_release(&s, 1); /* a's slot back */
    CHECK_STR(take(&s, 0, &wake), "2");
    CHECK_STR(take(&s, 0, &wake), "");
    rd_sched_release(&s, 0);
    CHECK_STR(take(&s, 0, &wake), "3");
    CHECK_INT(s.hosts[0].inflight, 2);
    CHECK_INT(s.inflight, 3);
    rd_sched_free(&s);
}

/* A host with limits of its own ([host "NAME"] in refdex.ini) keeps them,
 * while the other hosts keep the run's. */
RD_TEST(host_limits_of_its_own)
{
    rd_sched s;
    int64_t wake = -1;
    REQUIRE(rd_sched_init(&s, 8, 100, 1, 0) == RD_OK);
    REQUIRE(push(&s, 0, 3, "a.example") == 0);
    REQUIRE(push(&s, 4, 7, "b.example") == 0);
    rd_sched_host_limits(&s, 0, 3, 0);   /* a: 3 at once */
    rd_sched_host_limits(&s, 4, 1, 500); /* b: one, 500 ms apart */
    CHECK_STR(take(&s, 0, &wake), "0 4 1 2");
    CHECK_INT(s.hosts[0].inflight, 3);
    rd_sched_release(&s, 4);
    CHECK_STR(take(&s, 499, &wake), "");
    CHECK_INT(wake, 500);
    CHECK_STR(take(&s, 500, &wake), "5");
    rd_sched_free(&s);
}

/* A link of a host may not start before the interval since the host's last
 * start has passed; wake says when it may. */
RD_TEST(host_interval)
{
    rd_sched s;
    int64_t wake = -1;
    REQUIRE(rd_sched_init(&s, 4, 100, 100, 100) == RD_OK);
    REQUIRE(push(&s, 0, 2, "a.example") == 0);
    REQUIRE(push(&s, 3, 3, "b.example") == 0);
    CHECK_STR(take(&s, 1000, &wake), "0 3"); /* one per host: each has its own interval */
    CHECK_INT(wake, 1100);
    CHECK_STR(take(&s, 1099, &wake), "");
    CHECK_INT(wake, 1100);
    CHECK_STR(take(&s, 1100, &wake), "1");
    CHECK_INT(wake, 1200);
    /* the interval runs from a start: a link that ends early opens nothing */
    rd_sched_release(&s, 0);
    rd_sched_release(&s, 1);
    CHECK_STR(take(&s, 1150, &wake), "");
    CHECK_INT(wake, 1200);
    CHECK_STR(take(&s, 1250, &wake), "2"); /* a late look starts it at once */
    CHECK_STR(take(&s, 1250, &wake), "");
    CHECK_INT(wake, 0); /* nothing queued: nothing to wake for */
    rd_sched_free(&s);

    /* with several hosts waiting, wake is the earliest of them */
    REQUIRE(rd_sched_init(&s, 4, 100, 100, 100) == RD_OK);
    REQUIRE(push(&s, 0, 1, "a.example") == 0);
    REQUIRE(push(&s, 2, 3, "b.example") == 0);
    CHECK_STR(take(&s, 0, &wake), "0 2"); /* a and b may start again at 100 */
    CHECK_INT(wake, 100);
    rd_sched_free(&s);
    REQUIRE(rd_sched_init(&s, 4, 100, 100, 100) == RD_OK);
    REQUIRE(push(&s, 0, 1, "a.example") == 0);
    REQUIRE(push(&s, 2, 3, "b.example") == 0);
    CHECK_STR(take(&s, 0, &wake), "0 2");
    CHECK_STR(take(&s, 100, &wake), "1 3");
    CHECK_INT(s.queued, 0);
    rd_sched_free(&s);
    REQUIRE(rd_sched_init(&s, 4, 1, 100, 100) == RD_OK); /* one at a time: b starts later */
    REQUIRE(push(&s, 0, 1, "a.example") == 0);
    REQUIRE(push(&s, 2, 3, "b.example") == 0);
    CHECK_STR(take(&s, 0, &wake), "0");
    rd_sched_release(&s, 0);
    CHECK_STR(take(&s, 30, &wake), "2"); /* b's first: no interval yet */
    rd_sched_release(&s, 2);
    CHECK_STR(take(&s, 60, &wake), "");
    CHECK_INT(wake, 100); /* a at 100, b at 130: the earlier */
    CHECK_STR(take(&s, 100, &wake), "1");
    rd_sched_release(&s, 1);
    CHECK_STR(take(&s, 110, &wake), "");
    CHECK_INT(wake, 130);
    CHECK_STR(take(&s, 130, &wake), "3");
    rd_sched_free(&s);
}

/* A link back from back-off goes ahead of its host's queue, under its host. */
RD_TEST(requeue_goes_first)
{
    rd_sched s;
    int64_t wake = -1;
    REQUIRE(rd_sched_init(&s, 5, 100, 1, 0) == RD_OK);
    REQUIRE(push(&s, 0, 2, "a.example") == 0);
    REQUIRE(push(&s, 3, 4, "b.example") == 0);
    CHECK_STR(take(&s, 0, &wake), "0 3");
    rd_sched_release(&s, 0); /* 0 backs off: its slot goes to 1 */
    CHECK_STR(take(&s, 0, &wake), "1");
    CHECK_INT(rd_sched_requeue(&s, 0), RD_OK); /* back, while 1 holds a's slot */
    rd_sched_release(&s, 3);
    CHECK_INT(rd_sched_requeue(&s, 3), RD_OK);
    CHECK_INT(s.hosts[0].len, 2);
    CHECK_INT(s.hosts[1].len, 2);
    CHECK_STR(take(&s, 0, &wake), "3"); /* b's slot: 3 before 4 */
    rd_sched_release(&s, 1);
    CHECK_STR(take(&s, 0, &wake), "0"); /* a's slot: 0 before 2 */
    rd_sched_release(&s, 0);
    rd_sched_release(&s, 3);
    CHECK_STR(take(&s, 0, &wake), "4 2"); /* round-robin goes on from b */
    rd_sched_free(&s);
    /* push with front = 1 goes first too */
    REQUIRE(rd_sched_init(&s, 3, 100, 100, 0) == RD_OK);
    REQUIRE(push(&s, 0, 1, "a.example") == 0);
    CHECK_INT(rd_sched_push(&s, 2, "a.example", 1), RD_OK);
    CHECK_STR(take(&s, 0, &wake), "2 0 1");
    rd_sched_free(&s);
}

/* A host's queue keeps its order as it grows past its first size, wrapped
 * around the end of its ring. */
RD_TEST(queue_grows_in_order)
{
    rd_sched s;
    int64_t wake = -1;
    REQUIRE(rd_sched_init(&s, 40, 100, 100, 0) == RD_OK);
    REQUIRE(push(&s, 0, 6, "a.example") == 0);
    CHECK_INT(rd_sched_next(&s, 0, &wake), 0);  /* the ring's head moves on */
    REQUIRE(push(&s, 7, 8, "a.example") == 0);  /* the tail wraps */
    REQUIRE(push(&s, 9, 30, "a.example") == 0); /* it grows, twice */
    CHECK_INT(rd_sched_push(&s, 31, "a.example", 1), RD_OK);
    CHECK_INT(s.queued, 31);
    CHECK_STR(take(&s, 0, &wake), "31 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 "
                                  "23 24 25 26 27 28 29 30");
    rd_sched_free(&s);
    REQUIRE(rd_sched_init(&s, 40, 100, 100, 0) == RD_OK);
    REQUIRE(push(&s, 0, 6, "a.example") == 0);
    CHECK_STR(take(&s, 0, &wake), "0 1 2 3 4 5 6");
    REQUIRE(push(&s, 7, 8, "a.example") == 0);
    CHECK_STR(take(&s, 0, &wake), "7 8");
    REQUIRE(push(&s, 9, 14, "a.example") == 0);  /* from the middle of the ring */
    REQUIRE(push(&s, 15, 30, "a.example") == 0); /* and past its end */
    CHECK_INT(rd_sched_push(&s, 31, "a.example", 1), RD_OK);
    CHECK_STR(take(&s, 0, &wake),
              "31 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30");
    rd_sched_free(&s);
}

/* A rate-limited host pauses: nothing more of it starts until the pause
 * ends, while the other hosts go on; a pause is never made shorter, and
 * never goes past the limit it is given (the run's deadline). */
RD_TEST(pause_holds_one_host)
{
    rd_sched s;
    int64_t wake = -1;
    REQUIRE(rd_sched_init(&s, 6, 100, 1, 0) == RD_OK);
    REQUIRE(push(&s, 0, 2, "a.example") == 0);
    REQUIRE(push(&s, 3, 5, "b.example") == 0);
    CHECK_STR(take(&s, 0, &wake), "0 3");
    CHECK_INT(rd_sched_pause(&s, 0, 0, 1000, 0), 1000); /* 0 got a 429, Retry-After: 1 */
    CHECK_INT(s.pauses, 1);
    rd_sched_release(&s, 0); /* 0 backs off; a's slot is free, but a is paused */
    rd_sched_release(&s, 3);
    CHECK_STR(take(&s, 10, &wake), "4");
    CHECK_INT(wake, 1000);
    CHECK_INT(rd_sched_requeue(&s, 0), RD_OK);
    rd_sched_release(&s, 4);
    CHECK_STR(take(&s, 999, &wake), "5");
    CHECK_INT(wake, 1000);
    CHECK_STR(take(&s, 1000, &wake), "0"); /* the pause is over: the link that waited first */
    CHECK_INT(wake, 0);
    /* longer wins; a shorter one changes nothing; the limit caps it */
    CHECK_INT(rd_sched_pause(&s, 0, 1000, 5000, 0), 6000);
    CHECK_INT(rd_sched_pause(&s, 1, 1100, 100, 0), 6000);
    CHECK_INT(s.pauses, 2);
    CHECK_INT(rd_sched_pause(&s, 0, 1200, 60000, 9000), 9000);
    rd_sched_release(&s, 0);
    CHECK_STR(take(&s, 8999, &wake), "");
    CHECK_INT(wake, 9000);
    CHECK_STR(take(&s, 9000, &wake), "1");
    rd_sched_free(&s);
    /* with an interval too, the later of the two opens the host */
    REQUIRE(rd_sched_init(&s, 2, 100, 100, 500) == RD_OK);
    REQUIRE(push(&s, 0, 1, "a.example") == 0);
    CHECK_STR(take(&s, 0, &wake), "0");
    rd_sched_pause(&s, 0, 0, 200, 0);
    CHECK_STR(take(&s, 300, &wake), "");
    CHECK_INT(wake, 500);
    rd_sched_pause(&s, 0, 300, 700, 0);
    CHECK_STR(take(&s, 500, &wake), "");
    CHECK_INT(wake, 1000);
    CHECK_STR(take(&s, 1000, &wake), "1");
    rd_sched_free(&s);
}

/* Without a stated time, a host's pauses grow: 1 s, then twice the last,
 * up to a minute; an answer that is not a "slow down" starts them over. */
RD_TEST(pause_backoff_grows)
{
    rd_sched s;
    REQUIRE(rd_sched_init(&s, 1, 100, 100, 0) == RD_OK);
    REQUIRE(push(&s, 0, 0, "a.example") == 0);
    char got[200] = "";
    size_t len = 0;
    int64_t now = 0;
    for (int i = 0; i < 9; i++) {
        int64_t until = rd_sched_pause(&s, 0, now, -1, 0);
        len += (size_t)snprintf(got + len, sizeof got - len, "%s%lld", i ? " " : "",
                                (long long)(until - now));
        now = until;
    }
    CHECK_STR(got, "1000 2000 4000 8000 16000 32000 60000 60000 60000");
    CHECK_INT(s.pauses, 9);
    /* the other requests in flight when it paused get their 429 too: the
     * pause stands, and the next one is no longer for them */
    int64_t until = rd_sched_pause(&s, 0, now, -1, 0);
    CHECK_INT(rd_sched_pause(&s, 0, now + 10, -1, 0), until);
    CHECK_INT(rd_sched_pause(&s, 0, now + 20, -1, 0), until);
    CHECK_INT(s.pauses, 10);
    now = until;
    rd_sched_host_ok(&s, 0);
    CHECK_INT(rd_sched_pause(&s, 0, now, -1, 0) - now, 1000);
    now += 1000; /* that pause is over: the next is 2 s, but a limit caps it */
    CHECK_INT(rd_sched_pause(&s, 0, now, -1, now + 500) - now, 500);
    rd_sched_free(&s);
}

/* A release gives back the link's slot under the global limit and under its
 * host's, and nothing else. */
RD_TEST(release_gives_back_slots)
{
    rd_sched s;
    int64_t wake = -1;
    REQUIRE(rd_sched_init(&s, 4, 2, 1, 0) == RD_OK);
    REQUIRE(push(&s, 0, 1, "a.example") == 0);
    REQUIRE(push(&s, 2, 3, "b.example") == 0);
    CHECK_STR(take(&s, 0, &wake), "0 2");
    CHECK_INT(s.inflight, 2);
    rd_sched_release(&s, 2);
    CHECK_INT(s.inflight, 1);
    CHECK_INT(s.hosts[0].inflight, 1);
    CHECK_INT(s.hosts[1].inflight, 0);
    CHECK_STR(take(&s, 0, &wake), "3"); /* b's slot, not a's */
    rd_sched_release(&s, 0);
    CHECK_STR(take(&s, 0, &wake), "1");
    CHECK_INT(s.inflight, 2);
    rd_sched_release(&s, 1);
    rd_sched_release(&s, 3);
    CHECK_INT(s.inflight, 0);
    CHECK_INT(s.hosts[0].inflight + s.hosts[1].inflight, 0);
    rd_sched_free(&s);
}
