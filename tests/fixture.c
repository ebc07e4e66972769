/* tests/fixture.c — the fixture server described in fixture.h. One thread per
 * connection, so a handler may sleep; every sleep checks `stopping`. */
#include "fixture.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_IDS = 256 };

/* Answers /page/, /seed/ and /big (fixture_pages.c). */
enum MHD_Result rd_fixture_page(struct MHD_Connection *c, const char *url);

struct rd_fixture {
    struct MHD_Daemon *d;
    int port;
    atomic_int stopping;
    atomic_int hits, inflight, max_inflight;
    pthread_mutex_t lock;
    char *ids[MAX_IDS]; /* "flaky:x", "limited:y", "count:z" */
    int id_hits[MAX_IDS];
    int nids;
    FILE *log;
};

/* Counts a hit for key and returns how many there were before. */
static int seen(rd_fixture *f, const char *kind, const char *id)
{
    char key[256];
    snprintf(key, sizeof key, "%s:%s", kind, id);
    pthread_mutex_lock(&f->lock);
    int before = 0, i;
    for (i = 0; i < f->nids && strcmp(f->ids[i], key); i++)
        ;
    if (i < f->nids)
        before = f->id_hits[i]++;
    else if (f->nids < MAX_IDS) {
        f->ids[f->nids] = strdup(key);
        f->id_hits[f->nids++] = 1;
    }
    pthread_mutex_unlock(&f->lock);
    return before;
}

/* Sleeps ms in small steps; returns 0 when the server is stopping. */
static int nap(rd_fixture *f, long ms)
{
    for (long t = 0; t < ms; t += 20) {
        if (atomic_load(&f->stopping))
            return 0;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return !atomic_load(&f->stopping);
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *body,
                                 const char *location, const char *retry_after)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
    if (location)
        MHD_add_response_header(r, "Location", location);
    if (retry_after)
        MHD_add_response_header(r, "Retry-After", retry_after);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* A "slow down" answer, with Retry-After and X-RateLimit-Reset when given. */
static enum MHD_Result throttle(struct MHD_Connection *c, unsigned status, const char *after,
                                const char *reset)
{
    static const char body[] = "slow down";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    if (after)
        MHD_add_response_header(r, "Retry-After", after);
    if (reset)
        MHD_add_response_header(r, "X-RateLimit-Reset", reset);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result page(struct MHD_Connection *c, const char *name)
{
    char body[512];
    snprintf(body, sizeof body,
             "<!DOCTYPE html><html><head><title>Fixture %s</title></head>"
             "<body><p>%s</p></body></html>",
             name, name);
    return send_text(c, 200, body, NULL, NULL);
}

/* /var/NAME: the status that the file var-NAME of the current folder holds
 * (200 without one), read at each request, so that a test changes what a
 * link answers between runs by writing the file. */
static enum MHD_Result variable(struct MHD_Connection *c, const char *name)
{
    char path[300];
    unsigned status = 200;
    snprintf(path, sizeof path, "var-%s",
             strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(name) ? name : "-");
    FILE *f = fopen(path, "r");
    if (f && fscanf(f, "%u", &status) != 1)
        status = 500;
    if (f)
        fclose(f);
    return status == 200 ? page(c, name) : send_text(c, status, "variable", NULL, NULL);
}

static enum MHD_Result send_json(struct MHD_Connection *c, const char *body)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_stream(rd_fixture *f, struct MHD_Connection *c, int drip);

/* /wayback/KIND?url=U&timestamp=T: a fake of the Wayback Machine's
 * availability API (see fixture.h). */
static enum MHD_Result wayback(rd_fixture *f, struct MHD_Connection *c, const char *kind)
{
    const char *u = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "url");
    char asked[600] = "", body[3000], snap[1200];
    for (size_t i = 0, n = 0; u && u[i] && n + 2 < sizeof asked; i++) { /* a JSON string */
        if (u[i] == '"' || u[i] == '\\')
            asked[n++] = '\\';
        asked[n++] = (unsigned char)u[i] < 0x20 ? ' ' : u[i];
        asked[n] = '\0';
    }
    if (!strcmp(kind, "hang")) {
        nap(f, 600000);
        return MHD_NO;
    }
    if (!strcmp(kind, "huge"))
        return send_stream(f, c, 0);
    if (!strcmp(kind, "bad"))
        return send_json(c, "<html>not json</html>");
    if (!strcmp(kind, "error"))
        return send_text(c, 503, "busy", NULL, NULL);
    const char *t = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "timestamp");
    if (!strcmp(kind, "echo")) /* the timestamp asked for, in the copy's URL */
        snprintf(snap, sizeof snap, "http://127.0.0.1:%d/web/%.14s/%s", f->port,
                 t && strspn(t, "0123456789") == strlen(t) ? t : "none", asked);
    else if (!strcmp(kind, "ok") || !strcmp(kind, "gone"))
        snprintf(snap, sizeof snap, "http://127.0.0.1:%d/web/20200102030405/%s", f->port, asked);
    else if (!strcmp(kind, "js"))
        snprintf(snap, sizeof snap, "javascript:alert(1)//%s", asked);
    else if (!strcmp(kind, "md"))
        snprintf(snap, sizeof snap,
                 "http://127.0.0.1:%d/web/1/x)+![p](http://127.0.0.2/pixel)+[evil](javascript:"
                 "alert(46))<b>",
                 f->port);
    else if (strcmp(kind, "none"))
        return send_text(c, 404, "no such fake", NULL, NULL);
    else
        snprintf(body, sizeof body, "{\"url\": \"%s\", \"archived_snapshots\": {}}", asked);
    if (strcmp(kind, "none"))
        snprintf(body, sizeof body,
                 "{\"url\": \"%s\", \"archived_snapshots\": {\"closest\": {\"status\": \"%s\","
                 " \"available\": true, \"url\": \"%s\", \"timestamp\": \"20200102030405\"}}}",
                 asked, strcmp(kind, "gone") ? "200" : "404", snap);
    return send_json(c, body);
}

typedef struct stream {
    rd_fixture *f;
    int drip; /* one byte a second, else endless */
    int sent;
} stream;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream *s = cls;
    (void)pos;
    if (s->drip) {
        if (s->sent >= 60 || !nap(s->f, 1000))
            return MHD_CONTENT_READER_END_OF_STREAM;
        buf[0] = 'x';
        s->sent++;
        return 1;
    }
    if (atomic_load(&s->f->stopping))
        return MHD_CONTENT_READER_END_WITH_ERROR;
    memset(buf, 'x', max);
    return (ssize_t)max;
}

static enum MHD_Result send_stream(rd_fixture *f, struct MHD_Connection *c, int drip)
{
    stream *s = calloc(1, sizeof *s);
    s->f = f;
    s->drip = drip;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, drip ? 1 : 16384, stream_read, s, free);
    MHD_add_response_header(r, "Content-Type", "text/html");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result slow(rd_fixture *f, struct MHD_Connection *c, long ms)
{
    int now = atomic_fetch_add(&f->inflight, 1) + 1;
    int max = atomic_load(&f->max_inflight);
    while (now > max && !atomic_compare_exchange_weak(&f->max_inflight, &max, now))
        ;
    nap(f, ms);
    atomic_fetch_sub(&f->inflight, 1);
    return page(c, "slow");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **state)
{
    rd_fixture *f = cls;
    (void)version, (void)data, (void)data_size;
    if (!*state) { /* headers only so far; answer on the second call */
        *state = f;
        return MHD_YES;
    }
    atomic_fetch_add(&f->hits, 1);
    if (f->log) {
        pthread_mutex_lock(&f->lock);
        fprintf(f->log, "%s %s\n", method, url);
        fflush(f->log);
        pthread_mutex_unlock(&f->lock);
    }
    int head = !strcmp(method, "HEAD");
    char loc[128];
    if (!strncmp(url, "/ok/", 4))
        return page(c, url + 4);
    if (!strncmp(url, "/page/", 6) || !strncmp(url, "/seed/", 6) || !strcmp(url, "/big"))
        return rd_fixture_page(c, url);
    if (!strncmp(url, "/status/", 8))
        return send_text(c, (unsigned)atoi(url + 8), "status", NULL, NULL);
    if (!strncmp(url, "/flaky/", 7)) {
        if (seen(f, "flaky", url + 7))
            return page(c, "flaky");
        const char *ms = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "ms");
        if (ms && !nap(f, atol(ms)))
            return MHD_NO;
        return send_text(c, 500, "oops", 0, 0);
    }
    if (!strncmp(url, "/chain/", 7)) {
        int n = atoi(url + 7);
        if (n <= 0)
            return page(c, "chain end");
        snprintf(loc, sizeof loc, "/chain/%d", n - 1);
        return send_text(c, 301, "moved", loc, NULL);
    }
    if (!strcmp(url, "/auth")) { /* 200 only with Authorization: $RD_FIXTURE_AUTH */
        const char *want = getenv("RD_FIXTURE_AUTH");
        const char *got = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        return send_text(c, want && *want && got && !strcmp(got, want) ? 200 : 401, "auth", NULL,
                         NULL);
    }
    if (!strcmp(url, "/auth-elsewhere")) { /* to /auth on 127.0.0.2 (--hosts 2) */
        snprintf(loc, sizeof loc, "http://127.0.0.2:%d/auth", f->port);
        return send_text(c, 302, "elsewhere", loc, NULL);
    }
    if (!strcmp(url, "/auth-here")) /* to /auth on this host */
        return send_text(c, 302, "here", "/auth", NULL);
    if (!strncmp(url, "/ua/", 4)) { /* 200 only with User-Agent: the rest of the path */
        const char *ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
        return send_text(c, ua && !strcmp(ua, url + 4) ? 200 : 403, "agent", NULL, NULL);
    }
    if (!strcmp(url, "/cf/header")) { /* Cloudflare's challenge, by its header */
        struct MHD_Response *r =
            MHD_create_response_from_buffer(9, (void *)"challenge", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "cf-mitigated", "challenge");
        enum MHD_Result ret = MHD_queue_response(c, 403, r);
        MHD_destroy_response(r);
        return ret;
    }
    if (!strcmp(url, "/cf/page")) /* its challenge page, by its title */
        return send_text(c, 503,
                         "<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
                         "<body>Checking your browser</body></html>",
                         NULL, NULL);
    if (!strcmp(url, "/sso"))
        return send_text(c, 301, "moved", "/login?next=/sso", NULL);
    if (!strcmp(url, "/login") || !strcmp(url, "/"))
        return page(c, url[1] ? "login" : "home");
    if (!strcmp(url, "/old-home"))
        return send_text(c, 301, "moved", "/", NULL);
    if (!strcmp(url, "/found"))
        return send_text(c, 302, "found", "/ok/found", NULL);
    if (!strcmp(url, "/perm"))
        return send_text(c, 308, "moved", "/ok/moved", NULL);
    if (!strcmp(url, "/loop/a") || !strcmp(url, "/loop/b"))
        return send_text(c, 302, "loop", url[6] == 'a' ? "/loop/b" : "/loop/a", NULL);
    if (!strcmp(url, "/nohead"))
        return head ? send_text(c, 405, "no HEAD", NULL, NULL) : page(c, "nohead");
    if (!strncmp(url, "/limited/", 9)) {
        const char *after = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "s");
        return seen(f, "limited", url + 9)
                   ? page(c, "limited")
                   : send_text(c, 429, "slow down", NULL, after ? after : "1");
    }
    if (!strncmp(url, "/throttle/", 10)) {
        seen(f, "count", url + 10);
        const char *status = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "status");
        const char *after = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "s");
        const char *reset = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "reset");
        return throttle(c, status ? (unsigned)atoi(status) : 429, after, reset);
    }
    if (!strcmp(url, "/hang")) {
        nap(f, 600000);
        return MHD_NO;
    }
    if (!strcmp(url, "/drip") || !strcmp(url, "/endless"))
        return send_stream(f, c, url[1] == 'd');
    if (!strncmp(url, "/slow/", 6))
        return slow(f, c, atol(url + 6));
    if (!strncmp(url, "/var/", 5))
        return variable(c, url + 5);
    if (!strncmp(url, "/wayback/", 9))
        return wayback(f, c, url + 9);
    if (!strncmp(url, "/count/", 7)) {
        seen(f, "count", url + 7);
        return page(c, "count");
    }
    return send_text(c, 404, "not found", NULL, NULL);
}

rd_fixture *rd_fixture_start(void)
{
    return rd_fixture_start_at("127.0.0.1", 0);
}

rd_fixture *rd_fixture_start_at(const char *addr, int port)
{
    rd_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    pthread_mutex_init(&f->lock, NULL);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1 || strncmp(addr, "127.", 4)) {
        rd_fixture_stop(f); /* loopback only: a test never listens elsewhere */
        return NULL;
    }
    f->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
                            NULL, NULL, handle, f, MHD_OPTION_SOCK_ADDR, &a,
                            MHD_OPTION_CONNECTION_LIMIT, 2000u, MHD_OPTION_END);
    const union MHD_DaemonInfo *info =
        f->d ? MHD_get_daemon_info(f->d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!info) {
        rd_fixture_stop(f);
        return NULL;
    }
    f->port = info->port;
    return f;
}

int rd_fixture_port(const rd_fixture *f)
{
    return f->port;
}

int rd_fixture_hits(rd_fixture *f, const char *id)
{
    if (!id)
        return atomic_load(&f->hits);
    char key[256];
    snprintf(key, sizeof key, "count:%s", id);
    int n = 0;
    pthread_mutex_lock(&f->lock);
    for (int i = 0; i < f->nids; i++)
        if (!strcmp(f->ids[i], key))
            n = f->id_hits[i];
    pthread_mutex_unlock(&f->lock);
    return n;
}

void rd_fixture_log(rd_fixture *f, FILE *log)
{
    f->log = log;
}

int rd_fixture_max_inflight(rd_fixture *f)
{
    return atomic_load(&f->max_inflight);
}

void rd_fixture_stop(rd_fixture *f)
{
    if (!f)
        return;
    atomic_store(&f->stopping, 1);
    if (f->d)
        MHD_stop_daemon(f->d);
    for (int i = 0; i < f->nids; i++)
        free(f->ids[i]);
    pthread_mutex_destroy(&f->lock);
    free(f);
}
