/* crawler/sched.c — per-host FIFO queues, round-robin, limits. */
#include <stdlib.h>
#include <string.h>

#include "sched.h"

#include "../common/rd.h"

int rd_sched_init(rd_sched *s, size_t nlinks, int concurrency, int per_host, int64_t interval_ms)
{
    memset(s, 0, sizeof *s);
    s->concurrency = concurrency > 0 ? concurrency : 1;
    s->per_host = per_host > 0 ? per_host : 1;
    s->interval_ms = interval_ms;
    s->host_of = malloc((nlinks ? nlinks : 1) * sizeof *s->host_of);
    return s->host_of ? RD_OK : RD_ENOMEM;
}

void rd_sched_free(rd_sched *s)
{
    for (size_t i = 0; i < s->nhosts; i++) {
        free(s->hosts[i].name);
        free(s->hosts[i].queue);
    }
    free(s->hosts);
    free(s->host_of);
    memset(s, 0, sizeof *s);
}

/* Hosts are few (tens to thousands) and looked up once per link. */
static long find_host(rd_sched *s, const char *name)
{
    for (size_t i = s->nhosts; i-- > 0;)
        if (!strcmp(s->hosts[i].name, name))
            return (long)i;
    rd_host *hosts = rd_grow(s->hosts, &s->cap, s->nhosts, sizeof *hosts);
    if (!hosts)
        return -1;
    s->hosts = hosts;
    rd_host *h = &s->hosts[s->nhosts];
    memset(h, 0, sizeof *h);
    h->limit = s->per_host;
    h->interval_ms = s->interval_ms;
    if (!(h->name = strdup(name)))
        return -1;
    return (long)s->nhosts++;
}

static int enqueue(rd_sched *s, rd_host *h, uint32_t link, int front)
{
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 8;
        uint32_t *q = malloc(cap * sizeof *q);
        if (!q)
            return RD_ENOMEM;
        for (size_t i = 0; i < h->len; i++)
            q[i] = h->queue[(h->head + i) % h->cap];
        free(h->queue);
        h->queue = q;
        h->head = 0;
        h->cap = cap;
    }
    if (front) {
        h->head = (h->head + h->cap - 1) % h->cap;
        h->queue[h->head] = link;
    } else {
        h->queue[(h->head + h->len) % h->cap] = link;
    }
    h->len++;
    s->queued++;
    return RD_OK;
}

int rd_sched_push(rd_sched *s, uint32_t link, const char *host, int front)
{
    long i = find_host(s, host);
    if (i < 0)
        return RD_ENOMEM;
    s->host_of[link] = (uint32_t)i;
    return enqueue(s, &s->hosts[i], link, front);
}

void rd_sched_host_limits(rd_sched *s, uint32_t link, int limit, int64_t interval_ms)
{
    rd_host *h = &s->hosts[s->host_of[link]];
    h->limit = limit > 0 ? limit : 1;
    h->interval_ms = interval_ms;
}

int rd_sched_requeue(rd_sched *s, uint32_t link)
{
    return enqueue(s, &s->hosts[s->host_of[link]], link, 1);
}

int64_t rd_sched_next(rd_sched *s, int64_t now_ms, int64_t *wake_ms)
{
    *wake_ms = 0;
    if (s->inflight >= s->concurrency || s->queued == 0)
        return -1;
    for (size_t k = 0; k < s->nhosts; k++) {
        size_t i = (s->rr + k) % s->nhosts;
        rd_host *h = &s->hosts[i];
        if (h->len == 0 || h->inflight >= h->limit)
            continue;
        int64_t opens =
            h->paused_ms > h->next_ok_ms || !h->interval_ms ? h->paused_ms : h->next_ok_ms;
        if (now_ms < opens) {
            if (!*wake_ms || opens < *wake_ms)
                *wake_ms = opens;
            continue;
        }
        uint32_t link = h->queue[h->head];
        h->head = (h->head + 1) % h->cap;
        h->len--;
        s->queued--;
        h->inflight++;
        s->inflight++;
        h->next_ok_ms = now_ms + h->interval_ms;
        s->rr = i + 1; /* the next host goes first next time */
        return link;
    }
    return -1;
}

int64_t rd_sched_pause(rd_sched *s, uint32_t link, int64_t now_ms, int64_t stated_ms,
                       int64_t limit_ms)
{
    rd_host *h = &s->hosts[s->host_of[link]];
    int64_t wait = stated_ms;
    if (wait < 0 && h->paused_ms > now_ms)
        return h->paused_ms; /* an answer to a request sent before the pause */
    if (wait < 0) {
        wait = !h->backoff_ms                                ? RD_HOST_BACKOFF_MS
               : h->backoff_ms >= RD_HOST_BACKOFF_MAX_MS / 2 ? RD_HOST_BACKOFF_MAX_MS
                                                             : h->backoff_ms * 2;
        h->backoff_ms = wait;
    }
    int64_t until = now_ms + wait;
    if (limit_ms > 0 && until > limit_ms)
        until = limit_ms;
    if (until > h->paused_ms) {
        if (h->paused_ms <= now_ms)
            s->pauses++; /* a new pause, not one made longer */
        h->paused_ms = until;
    }
    return h->paused_ms;
}

int64_t rd_sched_paused_until(const rd_sched *s, uint32_t link)
{
    return s->hosts[s->host_of[link]].paused_ms;
}

void rd_sched_host_ok(rd_sched *s, uint32_t link)
{
    s->hosts[s->host_of[link]].backoff_ms = 0;
}

void rd_sched_release(rd_sched *s, uint32_t link)
{
    s->hosts[s->host_of[link]].inflight--;
    s->inflight--;
}
