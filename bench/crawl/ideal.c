/* bench/crawl/ideal.c — the makespan of a zero-overhead link checker for a plan.
 *
 * An event-driven simulation (a min-heap of events) of a scheduler with the
 * same policy as refdex's and no cost at all: links are queued in catalog
 * order in a FIFO per host (hosts numbered by first appearance); whenever a
 * slot is free under the global limit C and the per-host limit P, the next
 * link is taken round-robin over hosts (after host i, host i+1 is looked at
 * first). A link holds its slot for min(latency, what is left of its
 * deadline); a link that never answers holds it until its deadline (timeout
 * from its first start). A 429 link answers at once, gives its slot back for
 * Retry-After, and then goes back to the front of its host's queue and holds
 * a slot for its latency (refdex's back-off does the same); meanwhile its
 * whole host is paused: none of its links starts before the Retry-After has
 * passed (refdex's rd_sched_pause). A 301 holds its slot for its latency:
 * the redirect target answers at once.
 *
 * usage: crawl_ideal -c C -P P [-T TIMEOUT_MS] [-R RETRY_AFTER_MS] PLAN
 * Prints one line of key=value pairs: the ideal makespan, when its last link
 * first started, lower bounds for sanity (the slowest link; the sum of
 * latencies, and of slot time with timeouts, over C), and the result counts
 * the plan implies (timeout > Retry-After + latency assumed). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum kind { K_OK, K_404, K_301, K_HANG, K_429 } kind;

typedef struct plan {
    size_t n, nhosts;
    uint32_t *host; /* by first appearance, 0-based */
    int32_t *lat;
    kind *kind;
} plan;

typedef struct event {
    int64_t t;
    uint64_t seq; /* ties go in the order the events were made */
    uint32_t link;
    int wake; /* 1: a back-off ended; 2: a host's pause ended; 0: the link gives its slot back */
} event;

typedef struct heap {
    event *e;
    size_t n, cap;
} heap;

static int before(const event *a, const event *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static int heap_push(heap *h, event ev)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 1024;
        event *e = realloc(h->e, cap * sizeof *e);
        if (!e)
            return -1;
        h->e = e;
        h->cap = cap;
    }
    size_t i = h->n++;
    while (i > 0 && before(&ev, &h->e[(i - 1) / 2])) {
        h->e[i] = h->e[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->e[i] = ev;
    return 0;
}

static event heap_pop(heap *h)
{
    event top = h->e[0], last = h->e[--h->n];
    size_t i = 0;
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= h->n)
            break;
        if (k + 1 < h->n && before(&h->e[k + 1], &h->e[k]))
            k++;
        if (!before(&h->e[k], &last))
            break;
        h->e[i] = h->e[k];
        i = k;
    }
    if (h->n)
        h->e[i] = last;
    return top;
}

/* ---- reading the plan ---- */

static int parse_kind(const char *s, kind *k)
{
    static const char *const names[] = {"ok", "404", "301", "hang", "429"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, names[i])) {
            *k = (kind)i;
            return 0;
        }
    return -1;
}

static int read_plan(FILE *f, plan *p)
{
    size_t cap = 0;
    int32_t host_index[256];
    memset(host_index, -1, sizeof host_index);
    char line[256], kname[16];
    while (fgets(line, sizeof line, f)) {
        size_t idx;
        int host, lat;
        if (line[0] == '#')
            continue;
        if (sscanf(line, "%zu %d %d %15s", &idx, &host, &lat, kname) != 4 || idx != p->n ||
            host < 0 || host > 255 || lat < 0)
            return -1;
        if (p->n == cap) {
            cap = cap ? cap * 2 : 4096;
            uint32_t *h = realloc(p->host, cap * sizeof *h);
            int32_t *l = h ? realloc(p->lat, cap * sizeof *l) : NULL;
            kind *k = l ? realloc(p->kind, cap * sizeof *k) : NULL;
            if (h)
                p->host = h;
            if (l)
                p->lat = l;
            if (!k)
                return -1;
            p->kind = k;
        }
        if (host_index[host] < 0)
            host_index[host] = (int32_t)p->nhosts++;
        p->host[p->n] = (uint32_t)host_index[host];
        p->lat[p->n] = lat;
        if (parse_kind(kname, &p->kind[p->n]) < 0)
            return -1;
        p->n++;
    }
    return p->n ? 0 : -1;
}

/* ---- the simulation ---- */

typedef struct sim {
    const plan *p;
    int concurrency, per_host;
    int64_t timeout_ms, retry_after_ms;
    int64_t *started; /* first start of each link, -1 before */
    uint8_t *retried; /* the 429 was seen */
    int64_t *next;    /* per-host queues as linked lists of links */
    int64_t *qhead, *qtail;
    int *inflight_of;
    int64_t *paused; /* per host: nothing starts before this (a 429's Retry-After) */
    int inflight;
    size_t queued, rr;
    heap events;
    uint64_t seq;
} sim;

static void queue_back(sim *s, uint32_t link)
{
    uint32_t h = s->p->host[link];
    s->next[link] = -1;
    if (s->qtail[h] >= 0)
        s->next[s->qtail[h]] = link;
    else
        s->qhead[h] = link;
    s->qtail[h] = link;
    s->queued++;
}

static void queue_front(sim *s, uint32_t link)
{
    uint32_t h = s->p->host[link];
    s->next[link] = s->qhead[h];
    s->qhead[h] = link;
    if (s->qtail[h] < 0)
        s->qtail[h] = link;
    s->queued++;
}

/* The next link allowed to start at t, round-robin over hosts; -1 when none. */
static int64_t take_next(sim *s, int64_t t)
{
    if (s->inflight >= s->concurrency || !s->queued)
        return -1;
    size_t nh = s->p->nhosts;
    for (size_t k = 0; k < nh; k++) {
        size_t h = (s->rr + k) % nh;
        if (s->qhead[h] < 0 || s->inflight_of[h] >= s->per_host || t < s->paused[h])
            continue;
        int64_t link = s->qhead[h];
        s->qhead[h] = s->next[link];
        if (s->qhead[h] < 0)
            s->qtail[h] = -1;
        s->queued--;
        s->inflight_of[h]++;
        s->inflight++;
        s->rr = h + 1;
        return link;
    }
    return -1;
}

/* How long link holds the slot it just took at time t. */
static int64_t hold_ms(sim *s, uint32_t link, int64_t t)
{
    if (s->started[link] < 0)
        s->started[link] = t;
    int64_t left = s->started[link] + s->timeout_ms - t;
    kind k = s->p->kind[link];
    if (k == K_429 && !s->retried[link])
        return 0; /* the 429 comes at once */
    if (k == K_HANG)
        return left;
    return s->p->lat[link] < left ? s->p->lat[link] : left;
}

static int run(sim *s, int64_t *makespan)
{
    int64_t t = 0;
    *makespan = 0;
    for (size_t i = 0; i < s->p->n; i++)
        queue_back(s, (uint32_t)i);
    for (;;) {
        int64_t link;
        while ((link = take_next(s, t)) >= 0) {
            event ev = {t + hold_ms(s, (uint32_t)link, t), s->seq++, (uint32_t)link, 0};
            if (heap_push(&s->events, ev) < 0)
                return -1;
        }
        if (!s->events.n)
            break;
        event ev = heap_pop(&s->events);
        t = ev.t;
        if (ev.wake == 2)
            continue; /* a host's pause is over: the loop above starts its links */
        if (ev.wake) {
            queue_front(s, ev.link);
            continue;
        }
        s->inflight_of[s->p->host[ev.link]]--;
        s->inflight--;
        *makespan = t;
        int64_t left = s->started[ev.link] + s->timeout_ms - t;
        uint32_t h = s->p->host[ev.link];
        if (s->p->kind[ev.link] == K_429 && !s->retried[ev.link] &&
            s->paused[h] < t + s->retry_after_ms) {
            s->paused[h] = t + s->retry_after_ms;
            event open = {s->paused[h], s->seq++, ev.link, 2}; /* the host opens again */
            if (heap_push(&s->events, open) < 0)
                return -1;
        }
        if (s->p->kind[ev.link] == K_429 && !s->retried[ev.link] && s->retry_after_ms < left) {
            s->retried[ev.link] = 1;
            event w = {t + s->retry_after_ms, s->seq++, ev.link, 1};
            if (heap_push(&s->events, w) < 0)
                return -1;
        }
    }
    return s->queued ? -1 : 0;
}

static void bounds(const plan *p, const sim *s, int64_t *slowest, double *sum_lat, double *sum_hold)
{
    *slowest = 0;
    *sum_lat = *sum_hold = 0;
    for (size_t i = 0; i < p->n; i++) {
        int64_t own = p->kind[i] == K_HANG  ? s->timeout_ms
                      : p->kind[i] == K_429 ? s->retry_after_ms + p->lat[i]
                                            : p->lat[i];
        if (own > s->timeout_ms) /* the deadline cuts it short */
            own = s->timeout_ms;
        if (own > *slowest)
            *slowest = own;
        if (p->kind[i] != K_HANG)
            *sum_lat += p->lat[i];
        *sum_hold += p->kind[i] == K_HANG ? (double)s->timeout_ms : p->lat[i];
    }
}

int main(int argc, char **argv)
{
    sim s = {.concurrency = 128, .per_host = 8, .timeout_ms = 5000, .retry_after_ms = 1000};
    int opt;
    while ((opt = getopt(argc, argv, "c:P:T:R:")) != -1) {
        switch (opt) {
        case 'c': s.concurrency = atoi(optarg); break;
        case 'P': s.per_host = atoi(optarg); break;
        case 'T': s.timeout_ms = atol(optarg); break;
        case 'R': s.retry_after_ms = atol(optarg); break;
        default: s.concurrency = 0; break;
        }
    }
    if (optind != argc - 1 || s.concurrency < 1 || s.per_host < 1 || s.timeout_ms < 1) {
        fprintf(stderr, "usage: crawl_ideal -c C -P P [-T TIMEOUT_MS] [-R RETRY_AFTER_MS] PLAN\n");
        return 2;
    }
    plan p = {0};
    FILE *f = fopen(argv[optind], "r");
    if (!f || read_plan(f, &p) < 0) {
        fprintf(stderr, "crawl_ideal: %s: not a readable plan\n", argv[optind]);
        return 1;
    }
    fclose(f);
    s.p = &p;
    s.started = malloc(p.n * sizeof *s.started);
    s.retried = calloc(p.n, 1);
    s.next = malloc(p.n * sizeof *s.next);
    s.qhead = malloc(p.nhosts * sizeof *s.qhead);
    s.qtail = malloc(p.nhosts * sizeof *s.qtail);
    s.inflight_of = calloc(p.nhosts, sizeof *s.inflight_of);
    s.paused = calloc(p.nhosts, sizeof *s.paused);
    if (!s.started || !s.retried || !s.next || !s.qhead || !s.qtail || !s.inflight_of || !s.paused)
        return 1;
    for (size_t i = 0; i < p.n; i++)
        s.started[i] = -1;
    for (size_t h = 0; h < p.nhosts; h++)
        s.qhead[h] = s.qtail[h] = -1;
    int64_t makespan;
    if (run(&s, &makespan) < 0) {
        fprintf(stderr, "crawl_ideal: the simulation failed (out of memory?)\n");
        return 1;
    }
    int64_t slowest, last_start = 0;
    double sum_lat, sum_hold;
    for (size_t i = 0; i < p.n; i++)
        if (s.started[i] > last_start)
            last_start = s.started[i];
    bounds(&p, &s, &slowest, &sum_lat, &sum_hold);
    size_t count[5] = {0};
    for (size_t i = 0; i < p.n; i++)
        count[p.kind[i]]++;
    printf("ideal_ms=%lld last_start_ms=%lld slowest_ms=%lld sum_latency_over_c_ms=%.0f "
           "sum_hold_over_c_ms=%.0f "
           "links=%zu hosts=%zu expect_ok=%zu expect_broken=%zu expect_redirect=%zu "
           "expect_timeout=%zu\n",
           (long long)makespan, (long long)last_start, (long long)slowest, sum_lat / s.concurrency,
           sum_hold / s.concurrency, p.n, p.nhosts, count[K_OK] + count[K_429], count[K_404],
           count[K_301], count[K_HANG]);
    free(s.started);
    free(s.retried);
    free(s.next);
    free(s.qhead);
    free(s.qtail);
    free(s.inflight_of);
    free(s.paused);
    free(s.events.e);
    free(p.host);
    free(p.lat);
    free(p.kind);
    return 0;
}
