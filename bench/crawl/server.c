/* bench/crawl/server.c — the loopback fixture server of the crawl benchmark.
 *
 * One libmicrohttpd daemon per address 127.0.0.1 … 127.0.0.NADDR, all on one
 * port, each with its own epoll thread. A request never blocks a thread: a
 * delayed answer suspends the connection and puts it on a timer heap; one
 * timer thread resumes it when it is due, and the handler answers then.
 * What to do is in the path, so the catalog generator controls it:
 *
 *   /ok/MS/ID    200 (a small HTML page) after MS milliseconds
 *   /nf/MS/ID    404 after MS milliseconds
 *   /mv/MS/ID    301 to /t/ID after MS milliseconds
 *   /t/ID        200 at once (the target of /mv)
 *   /rl/MS/ID    429 with "Retry-After: 1" at once the first time for ID,
 *                then 200 after MS milliseconds
 *   /hang/ID     never answers: the connection is held until the server stops
 *   anything else 404 at once
 *
 * The server stops on SIGTERM or SIGINT, or by itself after its lifetime
 * (-t SECONDS). It never listens outside 127.0.0.0/8.
 *
 * usage: crawl_server [-p BASE_PORT] [-a NADDR] [-t LIFETIME_S] [-r READY_FILE]
 * It tries BASE_PORT, BASE_PORT+1, … (20 at most) until one is free on every
 * address, then writes "PORT" to READY_FILE (or stdout). */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

enum { MAX_ADDR = 250, MAX_IDS = 1 << 22, PORT_TRIES = 20 };

typedef enum phase { PH_NEW, PH_WAITING, PH_HELD } phase;

/* One request's state, from its first handler call to its completion. */
typedef struct req {
    phase ph;
} req;

typedef struct timer {
    int64_t due_ms;
    struct MHD_Connection *c;
} timer;

/* Everything the threads share; only the main thread writes `daemons`. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    timer *heap;
    size_t nheap, capheap;
    struct MHD_Connection **held; /* /hang connections, until the end */
    size_t nheld, capheld;
    atomic_int stopping;
    atomic_uchar limited[MAX_IDS]; /* /rl ids that got their 429 */
    struct MHD_Response *page, *not_found, *limit, *target;
    struct MHD_Daemon *daemons[MAX_ADDR];
    int ndaemons;
} S = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the timer heap (under S.lock) ---- */

static int heap_push(int64_t due, struct MHD_Connection *c)
{
    if (S.nheap == S.capheap) {
        size_t cap = S.capheap ? S.capheap * 2 : 1024;
        timer *h = realloc(S.heap, cap * sizeof *h);
        if (!h)
            return -1;
        S.heap = h;
        S.capheap = cap;
    }
    size_t i = S.nheap++;
    while (i > 0 && S.heap[(i - 1) / 2].due_ms > due) {
        S.heap[i] = S.heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    S.heap[i] = (timer){due, c};
    return 0;
}

static timer heap_pop(void)
{
    timer top = S.heap[0], last = S.heap[--S.nheap];
    size_t i = 0;
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= S.nheap)
            break;
        if (k + 1 < S.nheap && S.heap[k + 1].due_ms < S.heap[k].due_ms)
            k++;
        if (S.heap[k].due_ms >= last.due_ms)
            break;
        S.heap[i] = S.heap[k];
        i = k;
    }
    if (S.nheap)
        S.heap[i] = last;
    return top;
}

/* Resumes connections whose time has come; sleeps until the next one (at
 * most 200 ms, so it sees `stopping`). */
static void *timer_main(void *arg)
{
    (void)arg;
    enum { BATCH = 256 };
    struct MHD_Connection *due[BATCH];
    pthread_mutex_lock(&S.lock);
    while (!atomic_load(&S.stopping)) {
        int64_t now = now_ms();
        size_t n = 0;
        while (S.nheap && S.heap[0].due_ms <= now && n < BATCH)
            due[n++] = heap_pop().c;
        if (n) {
            pthread_mutex_unlock(&S.lock);
            for (size_t i = 0; i < n; i++)
                MHD_resume_connection(due[i]);
            pthread_mutex_lock(&S.lock);
            continue;
        }
        int64_t until = S.nheap && S.heap[0].due_ms < now + 200 ? S.heap[0].due_ms : now + 200;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t ns = (int64_t)ts.tv_nsec + (until - now) * 1000000;
        ts.tv_sec += ns / 1000000000;
        ts.tv_nsec = ns % 1000000000;
        pthread_cond_timedwait(&S.wake, &S.lock, &ts);
    }
    pthread_mutex_unlock(&S.lock);
    return NULL;
}

/* ---- requests ---- */

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status,
                              struct MHD_Response *shared)
{
    return MHD_queue_response(c, status, shared);
}

static enum MHD_Result redirect_to_target(struct MHD_Connection *c, const char *id)
{
    char loc[64];
    snprintf(loc, sizeof loc, "/t/%s", id);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(5, (void *)"moved", MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Location", loc);
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_MOVED_PERMANENTLY, r);
    MHD_destroy_response(r);
    return ret;
}

/* Suspends c until due (or for good when due < 0). */
static enum MHD_Result suspend(struct MHD_Connection *c, req *q, int64_t due)
{
    MHD_suspend_connection(c);
    pthread_mutex_lock(&S.lock);
    int rc;
    if (due >= 0) {
        q->ph = PH_WAITING;
        rc = heap_push(due, c);
        pthread_cond_signal(&S.wake);
    } else {
        q->ph = PH_HELD;
        rc = 0;
        if (S.nheld == S.capheld) {
            size_t cap = S.capheld ? S.capheld * 2 : 256;
            struct MHD_Connection **h = realloc(S.held, cap * sizeof *h);
            if (h) {
                S.held = h;
                S.capheld = cap;
            } else {
                rc = -1;
            }
        }
        if (rc == 0)
            S.held[S.nheld++] = c;
    }
    pthread_mutex_unlock(&S.lock);
    if (rc < 0) { /* out of memory: let the connection go rather than lose it */
        MHD_resume_connection(c);
        q->ph = PH_HELD;
    }
    return MHD_YES;
}

/* "/KIND/MS/ID" or "/KIND/ID": the kind's length, the latency, the id text. */
static int parse_path(const char *url, char *kind, size_t nk, long *ms, const char **id)
{
    const char *p = url + 1, *slash = strchr(p, '/');
    if (*url != '/' || !slash || (size_t)(slash - p) >= nk)
        return -1;
    memcpy(kind, p, (size_t)(slash - p));
    kind[slash - p] = '\0';
    p = slash + 1;
    *ms = 0;
    slash = strchr(p, '/');
    if (slash) {
        *ms = strtol(p, NULL, 10);
        p = slash + 1;
    }
    *id = p;
    return 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **state)
{
    (void)cls, (void)method, (void)version, (void)data;
    req *q = *state;
    if (!q) { /* headers so far: answer on the next call */
        if (!(q = calloc(1, sizeof *q)))
            return MHD_NO;
        *state = q;
        return MHD_YES;
    }
    if (*data_size) { /* a body: ignore it */
        *data_size = 0;
        return MHD_YES;
    }
    if (atomic_load(&S.stopping) || q->ph == PH_HELD)
        return MHD_NO; /* close: the server is going away */
    char kind[8];
    long ms;
    const char *id;
    if (parse_path(url, kind, sizeof kind, &ms, &id) < 0)
        return answer(c, MHD_HTTP_NOT_FOUND, S.not_found);
    if (q->ph == PH_NEW && !strcmp(kind, "rl")) {
        unsigned long n = strtoul(id, NULL, 10) % MAX_IDS;
        if (!atomic_exchange(&S.limited[n], 1))
            return answer(c, MHD_HTTP_TOO_MANY_REQUESTS, S.limit);
    }
    if (!strcmp(kind, "hang"))
        return suspend(c, q, -1);
    if (q->ph == PH_NEW && ms > 0 && strcmp(kind, "t"))
        return suspend(c, q, now_ms() + ms);
    if (!strcmp(kind, "ok") || !strcmp(kind, "rl") || !strcmp(kind, "t"))
        return answer(c, MHD_HTTP_OK, !strcmp(kind, "t") ? S.target : S.page);
    if (!strcmp(kind, "mv"))
        return redirect_to_target(c, id);
    return answer(c, MHD_HTTP_NOT_FOUND, S.not_found);
}

static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    free(*state);
    *state = NULL;
}

/* ---- start and stop ---- */

static struct MHD_Response *shared(const char *body, const char *ctype)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
    if (r)
        MHD_add_response_header(r, "Content-Type", ctype);
    return r;
}

static int make_responses(void)
{
    static const char page[] = "<!DOCTYPE html><html><head><title>crawl bench</title></head>"
                               "<body><p>ok</p></body></html>";
    static const char target[] = "<!DOCTYPE html><html><head><title>moved here</title>"
                                 "</head><body><p>ok</p></body></html>";
    S.page = shared(page, "text/html; charset=utf-8");
    S.target = shared(target, "text/html; charset=utf-8");
    S.not_found = shared("not found", "text/plain");
    S.limit = shared("slow down", "text/plain");
    if (!S.page || !S.target || !S.not_found || !S.limit)
        return -1;
    return MHD_add_response_header(S.limit, "Retry-After", "1") == MHD_YES ? 0 : -1;
}

static void stop_all(void)
{
    for (int i = 0; i < S.ndaemons; i++)
        MHD_stop_daemon(S.daemons[i]);
    S.ndaemons = 0;
}

/* Binds every address on one port; 0 when all of them could. */
static int start_on(int port, int naddr)
{
    for (int k = 1; k <= naddr; k++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        a.sin_addr.s_addr = htonl(0x7F000000u | (uint32_t)k); /* 127.0.0.k, never 0.0.0.0 */
        struct MHD_Daemon *d = MHD_start_daemon(
            MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO, 0, NULL, NULL,
            handle, NULL, MHD_OPTION_SOCK_ADDR, &a, MHD_OPTION_CONNECTION_LIMIT, 16384u,
            MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u, MHD_OPTION_CONNECTION_TIMEOUT, 0u,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)8192, MHD_OPTION_NOTIFY_COMPLETED,
            completed, NULL, MHD_OPTION_END);
        if (!d) {
            stop_all();
            return -1;
        }
        S.daemons[S.ndaemons++] = d;
    }
    return 0;
}

/* Resumes held and waiting connections so they close, then stops. */
static void shut_down(pthread_t timer_thread)
{
    atomic_store(&S.stopping, 1);
    pthread_mutex_lock(&S.lock);
    pthread_cond_signal(&S.wake);
    pthread_mutex_unlock(&S.lock);
    pthread_join(timer_thread, NULL);
    for (size_t i = 0; i < S.nheld; i++)
        MHD_resume_connection(S.held[i]);
    while (S.nheap)
        MHD_resume_connection(heap_pop().c);
    struct timespec ts = {0, 100 * 1000000L}; /* let the daemons close them */
    nanosleep(&ts, NULL);
    stop_all();
}

static void raise_fd_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

int main(int argc, char **argv)
{
    int port = 18080, naddr = 50, lifetime = 600, opt;
    const char *ready = NULL;
    while ((opt = getopt(argc, argv, "p:a:t:r:")) != -1) {
        switch (opt) {
        case 'p': port = atoi(optarg); break;
        case 'a': naddr = atoi(optarg); break;
        case 't': lifetime = atoi(optarg); break;
        case 'r': ready = optarg; break;
        default:
            fprintf(stderr, "usage: crawl_server [-p PORT] [-a NADDR] [-t LIFETIME_S] "
                            "[-r READY_FILE]\n");
            return 2;
        }
    }
    if (naddr < 1 || naddr > MAX_ADDR || lifetime < 1 || port < 1 || port > 65535) {
        fprintf(stderr, "crawl_server: bad -a, -t or -p\n");
        return 2;
    }
    raise_fd_limit();
    /* SIGTERM and SIGINT are taken by sigtimedwait below, in no other thread */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&S.wake, &ca);
    if (make_responses() < 0) {
        fprintf(stderr, "crawl_server: out of memory\n");
        return 1;
    }
    int tries = 0;
    while (start_on(port, naddr) < 0)
        if (++tries == PORT_TRIES || ++port > 65535) {
            fprintf(stderr, "crawl_server: no free port on 127.0.0.1..%d (%s)\n", naddr,
                    strerror(errno));
            return 1;
        }
    pthread_t timer_thread;
    if (pthread_create(&timer_thread, NULL, timer_main, NULL)) {
        stop_all();
        return 1;
    }
    FILE *out = ready ? fopen(ready, "w") : stdout;
    if (out) {
        fprintf(out, "%d\n", port);
        if (out != stdout)
            fclose(out);
        else
            fflush(out);
    }
    int64_t end = now_ms() + (int64_t)lifetime * 1000;
    for (int64_t left; (left = end - now_ms()) > 0;) {
        struct timespec life = {left / 1000, (left % 1000) * 1000000L};
        if (sigtimedwait(&stop, NULL, &life) >= 0 || errno != EINTR)
            break; /* a signal, or the lifetime is over */
    }
    alarm(10); /* the shutdown itself must not hang: SIGALRM ends the process */
    shut_down(timer_thread);
    return 0;
}
