/* crawler/fetch.c — one small GET whose body is wanted (an API's answer, such
 * as the archive lookup's), under a context and the same address policy as
 * link checks: no proxy, no redirect followed, the body capped. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

typedef struct fetch {
    const rd_crawl_opts *o;
    rd_buf *body;
    size_t max;
    int too_large;
    char refused[160];
} fetch;

static size_t fetch_body(char *data, size_t size, size_t nmemb, void *ud)
{
    fetch *f = ud;
    size_t n = size * nmemb;
    if (f->body->len + n > f->max) {
        f->too_large = 1;
        return 0; /* stops the transfer: the cap holds */
    }
    rd_buf_append(f->body, data, n);
    return f->body->oom ? 0 : n;
}

/* The address policy, as rd_open_socket applies it to links. */
static curl_socket_t fetch_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    fetch *f = ud;
    (void)purpose;
    const char *why = rd_address_refusal(&a->addr, f->o->allow_private);
    if (why) {
        snprintf(f->refused, sizeof f->refused, "refused to connect: %s", why);
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

/* Stops the transfer when the run is cancelled (the signal's self-pipe). */
static int fetch_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    fetch *f = ud;
    (void)dt, (void)dn, (void)ut, (void)un;
    struct pollfd p = {.fd = f->o->cancel_fd, .events = POLLIN};
    return f->o->cancel_fd >= 0 && poll(&p, 1, 0) > 0;
}

int rd_fetch_small(const rd_crawl_opts *o, const rd_ctx *ctx, const char *url, size_t max,
                   rd_buf *body, int *status, rd_error *err)
{
    *status = 0;
    int64_t left = rd_ctx_remaining_ms(ctx, rd_now_ms());
    if (left < 0)
        return rd_error_set(err, RD_EUSAGE, "a fetch needs a deadline");
    if (left == 0 || rd_ctx_state_at(ctx, rd_now_ms()) != RD_CTX_LIVE)
        return rd_error_set(err, RD_EINPUT, "no time left before the deadline");
    CURL *e = curl_easy_init();
    if (!e)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    fetch f = {.o = o, .body = body, .max = max};
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_PROXY, ""); /* as for links: the policy must see the address */
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, fetch_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &f);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, fetch_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &f);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, fetch_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &f);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)left);
    curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    CURLcode c = curl_easy_perform(e);
    long code = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(e);
    *status = (int)code;
    if (c == CURLE_OK)
        return body->oom ? rd_error_set(err, RD_ENOMEM, "out of memory") : RD_OK;
    if (f.refused[0])
        return rd_error_set(err, RD_EINPUT, "%s", f.refused);
    if (f.too_large || c == CURLE_FILESIZE_EXCEEDED)
        return rd_error_set(err, RD_EINPUT, "the answer is larger than %zu bytes", max);
    if (c == CURLE_OPERATION_TIMEDOUT)
        return rd_error_set(err, RD_EINPUT, "no answer in time (%lld ms)", (long long)left);
    if (c == CURLE_ABORTED_BY_CALLBACK)
        return rd_error_set(err, RD_EINPUT, "cancelled");
    return rd_error_set(err, RD_EINPUT, "%s", errbuf[0] ? errbuf : curl_easy_strerror(c));
}
