/* crawler/api.c — one request to a forge's API (crawler/api.h). A plain easy
 * transfer: a run makes its API requests one after another (a GraphQL
 * request holds 100 repositories), so there is nothing to multiplex. */
#include "api.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "internal.h"

typedef struct call {
    const rd_api_request *req;
    const rd_ctx *ctx;
    rd_api_response *resp;
    int capped;
    char refused[128];
} call;

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    call *c = ud;
    size_t n = size * nmemb;
    if (c->resp->body.len + n > RD_API_MAX_BYTES) {
        c->capped = 1;
        return 0;
    }
    rd_buf_append(&c->resp->body, data, n);
    return n;
}

static int64_t header_number(const char *v, size_t n)
{
    char tmp[32];
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    char *end;
    long long x = strtoll(tmp, &end, 10);
    while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
        end++;
    return *end || x < 0 ? -1 : (int64_t)x;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    call *c = ud;
    size_t n = size * nmemb;
    static const struct {
        const char *name;
        size_t off;
    } known[] = {{"x-ratelimit-remaining:", offsetof(rd_api_response, limit_remaining)},
                 {"x-ratelimit-reset:", offsetof(rd_api_response, limit_reset)},
                 {"retry-after:", offsetof(rd_api_response, retry_after_s)}};
    if (n > 5 && !strncmp(data, "HTTP/", 5)) { /* a new answer (after a redirect) */
        c->resp->limit_remaining = c->resp->limit_reset = c->resp->retry_after_s = -1;
        return n;
    }
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        size_t k = strlen(known[i].name);
        if (n > k && !strncasecmp(data, known[i].name, k)) {
            const char *v = data + k;
            size_t vn = n - k;
            while (vn && (*v == ' ' || *v == '\t'))
                v++, vn--;
            *(int64_t *)((char *)c->resp + known[i].off) = header_number(v, vn);
        }
    }
    return n;
}

static int on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t x, curl_off_t y)
{
    call *c = ud;
    (void)a, (void)b, (void)x, (void)y;
    if (rd_ctx_state_at(c->ctx, rd_now_ms()) != RD_CTX_LIVE)
        return 1;
    if (c->req->cancel_fd >= 0) {
        struct pollfd p = {c->req->cancel_fd, POLLIN, 0};
        if (poll(&p, 1, 0) > 0)
            return 1;
    }
    return 0;
}

static curl_socket_t open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    call *c = ud;
    (void)purpose;
    const char *why = rd_address_refusal(&a->addr, c->req->allow_private);
    if (why) {
        char ip[INET6_ADDRSTRLEN] = "?";
        const void *p = a->family == AF_INET
                            ? (const void *)&((struct sockaddr_in *)&a->addr)->sin_addr
                            : (const void *)&((struct sockaddr_in6 *)&a->addr)->sin6_addr;
        inet_ntop(a->family, p, ip, sizeof ip);
        snprintf(c->refused, sizeof c->refused, "refused to connect to %s: %s", ip, why);
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

/* The header lines of the request; auth holds the token's line, which the
 * caller wipes. */
static struct curl_slist *request_headers(const rd_api_request *req, char **auth)
{
    struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
    if (h && req->body)
        h = curl_slist_append(h, "Content-Type: application/json");
    *auth = NULL;
    if (h && req->token) {
        size_t n = strlen(req->token) + 32;
        if (!(*auth = malloc(n)))
            return h;
        snprintf(*auth, n, "Authorization: Bearer %s", req->token);
        struct curl_slist *with = curl_slist_append(h, *auth);
        h = with ? with : h;
    }
    return h;
}

/* Wipes a curl_slist's strings (curl copied the token's line into it). */
static void wipe_headers(struct curl_slist *h)
{
    for (struct curl_slist *p = h; p; p = p->next)
        memset(p->data, 0, strlen(p->data));
    curl_slist_free_all(h);
}

int rd_api_fetch(const rd_api_request *req, const rd_ctx *ctx, rd_api_response *resp, rd_error *err)
{
    memset(resp, 0, sizeof *resp);
    resp->limit_remaining = resp->limit_reset = resp->retry_after_s = -1;
    int64_t left = rd_ctx_remaining_ms(ctx, rd_now_ms());
    if (left == 0 || rd_ctx_state_at(ctx, rd_now_ms()) != RD_CTX_LIVE)
        return rd_error_set(err, RD_EIO, "%s: the run's deadline has passed", req->url);
    if (req->timeout_ms > 0 && (left < 0 || req->timeout_ms < left))
        left = req->timeout_ms;
    CURL *e = curl_easy_init();
    if (!e)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    call c = {.req = req, .ctx = ctx, .resp = resp};
    char errbuf[CURL_ERROR_SIZE] = "", *auth = NULL;
    struct curl_slist *headers = request_headers(req, &auth);
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    if (req->body)
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
    curl_easy_setopt(e, CURLOPT_USERAGENT, req->user_agent);
    /* a renamed repository's REST answer is a redirect to its new address;
     * curl does not send the Authorization header to another host */
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_PROXY, ""); /* as link checks: the policy sees the real address */
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &c);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(left > 0 ? left : 0));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &c);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &c);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &c);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    CURLcode cc = curl_easy_perform(e);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    resp->status = (int)status;
    curl_easy_cleanup(e);
    wipe_headers(headers);
    if (auth) {
        memset(auth, 0, strlen(auth));
        free(auth);
    }
    if (cc == CURLE_OK)
        return RD_OK;
    rd_buf_free(&resp->body);
    if (c.capped)
        return rd_error_set(err, RD_EIO, "%s: the answer is larger than %d MiB", req->url,
                            RD_API_MAX_BYTES >> 20);
    if (c.refused[0])
        return rd_error_set(err, RD_EIO, "%s: %s", req->url, c.refused);
    if (cc == CURLE_ABORTED_BY_CALLBACK || cc == CURLE_OPERATION_TIMEDOUT)
        return rd_error_set(
            err, RD_EIO, "%s: stopped: the run's deadline passed, or it was interrupted", req->url);
    return rd_error_set(err, RD_EIO, "%s: %s", req->url,
                        errbuf[0] ? errbuf : curl_easy_strerror(cc));
}
