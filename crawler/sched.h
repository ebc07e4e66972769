/* crawler/sched.h — who goes next: a FIFO queue per host, round-robin over
 * hosts, a global and a per-host limit, an optional interval per host.
 * Plain data beside the curl loop; no I/O. */
#ifndef RD_SCHED_H
#define RD_SCHED_H

#include <stddef.h>
#include <stdint.h>

typedef struct rd_host {
    char *name;
    uint32_t *queue; /* link indices, a ring */
    size_t head, len, cap;
    int inflight;
    int64_t next_ok_ms;  /* with an interval: not before this */
    int64_t paused_ms;   /* rate limited: nothing starts before this */
    int64_t backoff_ms;  /* the last pause taken without a stated time (0: none) */
    int limit;           /* in flight at most: the run's per_host unless set */
    int64_t interval_ms; /* the run's interval unless set */
} rd_host;

/* A rate-limited host's pause when the server does not say how long: the
 * first, and the most (each one after the first doubles the last). */
enum { RD_HOST_BACKOFF_MS = 1000, RD_HOST_BACKOFF_MAX_MS = 60000 };

typedef struct rd_sched {
    rd_host *hosts;
    size_t nhosts, cap;
    uint32_t *host_of; /* link index → host index */
    int inflight, concurrency, per_host;
    int64_t interval_ms;
    size_t rr; /* the host to look at first, for round-robin */
    size_t queued;
    size_t pauses; /* how many times a host was paused */
} rd_sched;

int rd_sched_init(rd_sched *s, size_t nlinks, int concurrency, int per_host, int64_t interval_ms);
void rd_sched_free(rd_sched *s);

/* Queues link under host (a name; copied on first use). front: ahead of the
 * others (a retry after back-off). */
int rd_sched_push(rd_sched *s, uint32_t link, const char *host, int front);

/* Sets the limit and the interval of the host of link (a rule for it). */
void rd_sched_host_limits(rd_sched *s, uint32_t link, int limit, int64_t interval_ms);

/* Queues link again under the host it had. */
int rd_sched_requeue(rd_sched *s, uint32_t link);

/* The next link that may start at `now`, taking a slot for it; -1 when none
 * may. *wake_ms gets the earliest time a host interval or a host's pause
 * ends for a host with links waiting (0: none). */
int64_t rd_sched_next(rd_sched *s, int64_t now_ms, int64_t *wake_ms);

/* The server of link's host asked us to slow down (429, or 503 with a time
 * to wait): nothing more of that host starts until the pause ends, while the
 * other hosts go on. stated_ms is the time the server stated (-1: none; then
 * the host's own back-off, from RD_HOST_BACKOFF_MS doubling up to
 * RD_HOST_BACKOFF_MAX_MS, and none while the host is paused already: the
 * requests in flight when it paused answer the same); limit_ms, when > 0, is
 * the latest the pause may end (the run's deadline). A pause never shortens
 * one already running.
 * Returns when the host's pause ends. */
int64_t rd_sched_pause(rd_sched *s, uint32_t link, int64_t now_ms, int64_t stated_ms,
                       int64_t limit_ms);

/* When the pause of link's host ends (0 or a past time: it is not paused). */
int64_t rd_sched_paused_until(const rd_sched *s, uint32_t link);

/* The host of link answered without asking to slow down: its next pause
 * without a stated time starts again from the first. */
void rd_sched_host_ok(rd_sched *s, uint32_t link);

/* Gives back the slot of a link that finished or went into back-off. */
void rd_sched_release(rd_sched *s, uint32_t link);

#endif
