/* fuzz/fuzz_http.c — libFuzzer target: the crawler against a server that
 * answers with any bytes. The input is the raw response (status line,
 * headers, body) that a server thread in this process sends on 127.0.0.1 to
 * every request; the real crawler (crawler/engine.c, transfer.c: status,
 * Retry-After, Location, the body cap, the title) checks one link with short
 * deadlines. Every link must get one definite result in bounded time, and an
 * ok or redirect result only an http(s) final URL and a valid title.
 *
 * Nothing leaves the machine: this program's getaddrinfo answers 127.0.0.1 for
 * every name, and its connect sends every IPv4 or IPv6 connection to the
 * server thread's port on 127.0.0.1, whatever a Location says. (Both replace
 * the C library's, for libcurl too, since the program defines them.) */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/rd.h"
#include "crawler/crawler.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_http: %s failed\n", #cond);                                      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

enum { LINK_TIMEOUT_MS = 250, RUN_DEADLINE_MS = 3000, MAX_BYTES = 4096 };

static int listen_fd = -1;
static uint16_t port; /* network order */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static const uint8_t *response;
static size_t response_len;

/* ---- name resolution and connections: loopback only ---- */

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    (void)node;
    struct {
        struct addrinfo ai;
        struct sockaddr_in sin;
    } *r = calloc(1, sizeof *r);
    if (!r)
        return EAI_MEMORY;
    r->sin.sin_family = AF_INET;
    r->sin.sin_port = htons((uint16_t)(service ? atoi(service) : 0));
    r->sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    r->ai.ai_family = AF_INET;
    r->ai.ai_socktype = hints && hints->ai_socktype ? hints->ai_socktype : SOCK_STREAM;
    r->ai.ai_protocol = hints ? hints->ai_protocol : 0;
    r->ai.ai_addrlen = sizeof r->sin;
    r->ai.ai_addr = (struct sockaddr *)&r->sin;
    *res = &r->ai;
    return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
    free(res); /* one block, as made above */
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
    if (sa && sa->sa_family == AF_INET) {
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = port};
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return (int)syscall(SYS_connect, fd, &sin, (socklen_t)sizeof sin);
    }
    if (sa && sa->sa_family == AF_INET6) { /* to 127.0.0.1, as ::ffff:127.0.0.1 */
        struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = port};
        sin6.sin6_addr.s6_addr[10] = sin6.sin6_addr.s6_addr[11] = 0xff;
        sin6.sin6_addr.s6_addr[12] = 127;
        sin6.sin6_addr.s6_addr[15] = 1;
        return (int)syscall(SYS_connect, fd, &sin6, (socklen_t)sizeof sin6);
    }
    if (sa && sa->sa_family == AF_UNIX)
        return (int)syscall(SYS_connect, fd, sa, len);
    errno = EAFNOSUPPORT;
    return -1;
}

/* ---- the server: the input, to every request ---- */

static void answer(int fd)
{
    struct timeval tv = {.tv_usec = 50 * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    char req[8192];
    size_t got = 0;
    for (;;) { /* the request's head, or what comes within 50 ms (a TLS hello) */
        ssize_t n = recv(fd, req + got, sizeof req - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n") || got == sizeof req - 1)
            break;
    }
    pthread_mutex_lock(&mu);
    const uint8_t *p = response;
    size_t left = response_len;
    while (left) {
        ssize_t n = send(fd, p, left, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        p += n;
        left -= (size_t)n;
    }
    pthread_mutex_unlock(&mu);
    shutdown(fd, SHUT_WR);
    close(fd);
}

static void *serve(void *ud)
{
    (void)ud;
    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd >= 0)
            answer(fd);
    }
    return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK);
    struct sockaddr_in sin = {.sin_family = AF_INET};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sin;
    listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(listen_fd >= 0);
    CHECK(bind(listen_fd, (struct sockaddr *)&sin, sizeof sin) == 0);
    CHECK(listen(listen_fd, 64) == 0);
    CHECK(getsockname(listen_fd, (struct sockaddr *)&sin, &len) == 0);
    port = sin.sin_port;
    pthread_t t;
    CHECK(pthread_create(&t, NULL, serve, NULL) == 0);
    pthread_detach(t);
    return 0;
}

/* ---- one link, checked against the input ---- */

typedef struct seen {
    int calls;
    int retry_after; /* the input has a Retry-After header */
} seen;

/* Whether needle (lower case) is in data, in any case. */
static int memmem_ci(const uint8_t *data, size_t size, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= size; i++) {
        size_t k = 0;
        while (k < n && (data[i + k] | (data[i + k] >= 'A' && data[i + k] <= 'Z' ? 0x20 : 0)) ==
                            (uint8_t)needle[k])
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

static int valid_utf8(const char *s)
{
    for (size_t i = 0, n = strlen(s); i < n;) {
        uint32_t cp;
        int k = rd_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (k <= 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

static int is_web(const char *url)
{
    return !strncmp(url, "http://", 7) || !strncmp(url, "https://", 8);
}

static int on_result(void *ud, size_t index, const rd_check *c)
{
    seen *s = ud;
    s->calls++;
    if (getenv("FUZZ_HTTP_VERBOSE")) /* what the crawler made of the input */
        fprintf(stderr, "%s %d after %d redirects, %d attempts, %lld ms, %lld bytes: %s%s%s%s\n",
                rd_result_name(c->result), c->status, c->redirects, c->attempts,
                (long long)c->elapsed_ms, (long long)c->bytes, c->error,
                c->final_url ? " final " : "", c->final_url ? c->final_url : "",
                c->page && c->page->title[0] ? " (title)" : "");
    CHECK(index == 0);
    rd_result r = c->result;
    CHECK(r == RD_RES_OK || r == RD_RES_REDIRECT || r == RD_RES_BROKEN || r == RD_RES_ERROR ||
          r == RD_RES_TIMEOUT || r == RD_RES_RATELIMITED || r == RD_RES_BLOCKED);
    /* a bot wall is 999, or Cloudflare's challenge on a 403 or 503 */
    CHECK(r != RD_RES_BLOCKED || c->status == 999 || c->status == 403 || c->status == 503);
    /* curl reads some malformed status lines as a status below 100 ("HTTP/201 .00"
     * is 1): such a link is broken, said "HTTP 1" */
    CHECK(c->status >= 0 && c->status <= 999);
    CHECK(c->redirects >= 0 && c->redirects <= 10);
    CHECK(c->attempts >= 1 && c->bytes >= 0 && c->bytes <= (int64_t)c->attempts * MAX_BYTES);
    CHECK(c->elapsed_ms >= 0 && c->elapsed_ms < RUN_DEADLINE_MS);
    CHECK(!c->page ||
          (strlen(c->page->title) < sizeof c->page->title && valid_utf8(c->page->title)));
    CHECK(strlen(c->error) < sizeof c->error);
    if (r == RD_RES_OK || r == RD_RES_REDIRECT) {
        CHECK(c->status >= 200 && c->status <= 299);
        CHECK(!c->final_url || is_web(c->final_url));
        CHECK(r == RD_RES_OK || c->final_url);
        CHECK(!c->error[0]);
    } else {
        CHECK(c->error[0]);
    }
    /* a wait said to pass the deadline is one: never 0 s; and Retry-After is
     * named only when the server sent one */
    CHECK(!strstr(c->error, "waiting 0 ms"));
    CHECK(!strstr(c->error, "(Retry-After)") || s->retry_after);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pthread_mutex_lock(&mu);
    response = data;
    response_len = size;
    pthread_mutex_unlock(&mu);

    rd_crawl_opts o;
    rd_crawl_opts_default(&o);
    o.concurrency = 1;
    o.per_host = 1;
    o.timeout_ms = LINK_TIMEOUT_MS;
    o.retries = 1;
    o.max_bytes = MAX_BYTES;
    o.allow_private = 1;
    o.use_head = (int)(size & 1); /* half the inputs go HEAD first */
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/start", (unsigned)ntohs(port));
    const char *urls[1] = {url};
    rd_ctx run;
    int64_t t0 = rd_now_ms();
    rd_ctx_init(&run, t0, RUN_DEADLINE_MS);
    seen s = {.retry_after = memmem_ci(data, size, "\nretry-after:")};
    rd_crawl_stats stats;
    rd_error err;
    CHECK(rd_crawl(&o, &run, urls, 1, on_result, &s, &stats, &err) == RD_OK);
    CHECK(s.calls == 1 && stats.done == 1);
    CHECK(rd_now_ms() - t0 < RUN_DEADLINE_MS);

    pthread_mutex_lock(&mu); /* the server thread may still be answering a last request */
    response = NULL;
    response_len = 0;
    pthread_mutex_unlock(&mu);
    return 0;
}
