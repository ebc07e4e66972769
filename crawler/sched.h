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
    int64_t next_ok_ms; /* with an interval: not before this */
} rd_host;

typedef struct rd_sched {
    rd_host *hosts;
    size_t nhosts, cap;
    uint32_t *host_of; /* link index → host index */
    int inflight, concurrency, per_host;
    int64_t interval_ms;
    size_t rr; /* the host to look at first, for round-robin */
    size_t queued;
} rd_sched;

int rd_sched_init(rd_sched *s, size_t nlinks, int concurrency, int per_host, int64_t interval_ms);
void rd_sched_free(rd_sched *s);

/* Queues link under host (a name; copied on first use). front: ahead of the
 * others (a retry after back-off). */
int rd_sched_push(rd_sched *s, uint32_t link, const char *host, int front);

/* Queues link again under the host it had. */
int rd_sched_requeue(rd_sched *s, uint32_t link);

/* The next link that may start at `now`, taking a slot for it; -1 when none
 * may. *wake_ms gets the earliest time a host interval opens (0: none). */
int64_t rd_sched_next(rd_sched *s, int64_t now_ms, int64_t *wake_ms);

/* Gives back the slot of a link that finished or went into back-off. */
void rd_sched_release(rd_sched *s, uint32_t link);

#endif
