/* crawler/transfer.c — one transfer: the easy handle, its options and its
 * body callback. Which addresses it may connect to is crawler/policy.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    slot *s = ud;
    size_t n = size * nmemb, take = n;
    int64_t max = s->eng->o->max_bytes;
    if (s->body + (int64_t)n > max) {
        take = (size_t)(max - s->body);
        s->capped = 1;
    }
    if (s->keep_page && s->page.len < s->keep_max)
        rd_buf_append(&s->page, data,
                      take < s->keep_max - s->page.len ? take : s->keep_max - s->page.len);
    s->body += (int64_t)take;
    s->check.bytes += (int64_t)take;
    return s->capped ? 0 : n; /* 0 stops the transfer: the cap holds */
}

/* The length of "scheme://authority" of a URL, 0 when it has none. */
static size_t origin_len(const char *url)
{
    const char *sep = strstr(url, "://");
    if (!sep)
        return 0;
    return (size_t)(sep + 3 - url) + strcspn(sep + 3, "/?#");
}

/* Whether the hop's URL has the link's scheme, host and port: the user's
 * headers (tokens) go there and nowhere else. */
static int same_origin(const char *a, const char *b)
{
    size_t n = origin_len(a);
    return n && n == origin_len(b) && !strncasecmp(a, b, n);
}

static CURL *easy_get(engine *g)
{
    if (g->npool)
        return g->pool[--g->npool];
    return curl_easy_init();
}

/* The headers of the slot's transfer: the run's, then its host rule's with
 * ${NAME} read from the environment now, into s->headers (freed when the
 * transfer ends). Returns RD_OK, or RD_EINPUT with the reason in s->refused
 * (a variable that is not set: its name, never a value). */
static int rule_headers(engine *g, slot *s)
{
    for (const struct curl_slist *l = g->headers; l; l = l->next) {
        struct curl_slist *more = curl_slist_append(s->headers, l->data);
        if (!more)
            return RD_ENOMEM;
        s->headers = more;
    }
    for (size_t i = 0; i < s->rule->nheaders; i++) {
        char missing[64] = "";
        char *h = rd_expand_env(s->rule->headers[i], missing, sizeof missing);
        if (!h && missing[0]) {
            snprintf(s->refused, sizeof s->refused, "a header for %s names ${%s}, which is not set",
                     s->rule->host, missing);
            return RD_EINPUT;
        }
        struct curl_slist *l = h ? curl_slist_append(s->headers, h) : NULL;
        if (h)
            explicit_bzero(h, strlen(h));
        free(h);
        if (!l)
            return RD_ENOMEM;
        s->headers = l;
    }
    return RD_OK;
}

void rd_transfer_end(engine *g, slot *s)
{
    curl_slist_free_all(s->headers);
    s->headers = NULL;
    if (!s->easy)
        return;
    curl_multi_remove_handle(g->multi, s->easy);
    curl_easy_reset(s->easy);
    if (g->npool < g->cap_pool)
        g->pool[g->npool++] = s->easy;
    else
        curl_easy_cleanup(s->easy);
    s->easy = NULL;
}

int rd_transfer_start(engine *g, slot *s, int64_t now_ms)
{
    CURL *e = easy_get(g);
    if (!e)
        return RD_ENOMEM;
    const rd_crawl_opts *o = g->o;
    int64_t left = rd_ctx_remaining_ms(&s->ctx, now_ms);
    s->body = 0;
    s->capped = 0;
    s->keep_page = !s->head;
    /* a page's head says what it is; a #fragment may name any element of it,
     * so then the whole (capped) body is read, up to RD_PAGE_KEEP_WHOLE */
    s->keep_max = RD_PAGE_KEEP;
    if (strchr(g->urls[s->link], '#'))
        s->keep_max = o->max_bytes < RD_PAGE_KEEP_WHOLE ? (size_t)o->max_bytes : RD_PAGE_KEEP_WHOLE;
    rd_buf_reset(&s->page);
    s->check.attempts++;
    curl_easy_setopt(e, CURLOPT_URL, s->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, s);
    curl_easy_setopt(e, CURLOPT_NOBODY, (long)s->head);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); /* hop by hop, each one checked */
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(left > 0 ? left : 1));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
    /* no proxy, whatever the environment says (http_proxy, ALL_PROXY...):
     * through a proxy the socket callback would see only the proxy's address,
     * and the address policy could not hold */
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, rd_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, s);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
    s->refused[0] = '\0';
    if (same_origin(s->url, g->urls[s->link])) {
        if (s->rule && s->rule->nheaders) {
            int rc = rule_headers(g, s);
            if (rc < 0) {
                curl_slist_free_all(s->headers);
                s->headers = NULL;
                curl_easy_reset(e);
                curl_easy_cleanup(e);
                s->check.attempts--;
                return rc;
            }
        }
        if (s->headers || g->headers)
            curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers ? s->headers : g->headers);
    }
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    /* over TLS, wait for the first connection to a host to say whether it
     * multiplexes (HTTP/2) rather than opening more; plain http is HTTP/1.1 */
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, (long)!strncmp(s->url, "https:", 6));
    /* memory per transfer in flight: 1 KiB (curl's least) instead of 16 KiB
     * is 60 MB less with 4,096 in flight, for the same time */
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 1024L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf);
#if LIBCURL_VERSION_NUM >= 0x075700 /* 7.87.0 */
    /* a transfer ended while its name is being resolved must not wait for
     * the resolver's thread (getaddrinfo cannot be interrupted): without
     * this, ending a run waits for the slowest DNS answer in flight */
    curl_easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
#endif
    s->easy = e;
    s->refused[0] = '\0';
    s->errbuf[0] = '\0';
    if (curl_multi_add_handle(g->multi, e) != CURLM_OK) {
        s->easy = NULL;
        curl_easy_cleanup(e);
        return RD_EINTERNAL;
    }
    return RD_OK;
}
