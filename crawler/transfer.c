/* crawler/transfer.c — one transfer: the easy handle, its callbacks, the
 * address policy, and the page title. */
#include <arpa/inet.h>
#include <libxml/HTMLparser.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

static int v4_in(uint32_t a, const char *net, int bits)
{
    struct in_addr n;
    inet_pton(AF_INET, net, &n);
    uint32_t mask = bits ? 0xFFFFFFFFu << (32 - bits) : 0;
    return (a & mask) == (ntohl(n.s_addr) & mask);
}

static const char *v4_refusal(uint32_t a, int allow_private)
{
    if (v4_in(a, "169.254.0.0", 16))
        return "a link-local address (cloud metadata lives there)";
    if (v4_in(a, "0.0.0.0", 8) || v4_in(a, "224.0.0.0", 4) || v4_in(a, "240.0.0.0", 4))
        return "not a unicast address";
    if (v4_in(a, "100.100.100.200", 32))
        return "a cloud metadata address";
    if (allow_private)
        return NULL;
    if (v4_in(a, "127.0.0.0", 8))
        return "a loopback address (allow with --allow-private)";
    if (v4_in(a, "10.0.0.0", 8) || v4_in(a, "172.16.0.0", 12) || v4_in(a, "192.168.0.0", 16) ||
        v4_in(a, "100.64.0.0", 10))
        return "a private address (allow with --allow-private)";
    return NULL;
}

const char *rd_address_refusal(const struct sockaddr *sa, int allow_private)
{
    if (sa->sa_family == AF_INET)
        return v4_refusal(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr),
                          allow_private);
    if (sa->sa_family != AF_INET6)
        return "not an internet address";
    const uint8_t *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(b, mapped, 12))
        return v4_refusal((uint32_t)b[12] << 24 | b[13] << 16 | b[14] << 8 | b[15],
                          allow_private);
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return "a link-local address";
    if (b[0] == 0xff)
        return "not a unicast address";
    static const uint8_t aws[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x54};
    if (!memcmp(b, aws, 16) || !memcmp(b, in6addr_any.s6_addr, 16))
        return "a cloud metadata or unspecified address";
    if (allow_private)
        return NULL;
    if (!memcmp(b, in6addr_loopback.s6_addr, 16))
        return "a loopback address (allow with --allow-private)";
    if ((b[0] & 0xfe) == 0xfc)
        return "a private address (allow with --allow-private)";
    return NULL;
}

/* Checked on the resolved address, for every connection: DNS rebinding
 * cannot get around it. */
static curl_socket_t on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    slot *s = ud;
    (void)purpose;
    const char *why = rd_address_refusal(&a->addr, s->eng->o->allow_private);
    if (why) {
        char ip[INET6_ADDRSTRLEN] = "?";
        const void *p = a->family == AF_INET
                            ? (const void *)&((struct sockaddr_in *)&a->addr)->sin_addr
                            : (const void *)&((struct sockaddr_in6 *)&a->addr)->sin6_addr;
        inet_ntop(a->family, p, ip, sizeof ip);
        snprintf(s->refused, sizeof s->refused, "refused to connect to %s: %s", ip, why);
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    slot *s = ud;
    size_t n = size * nmemb, take = n;
    int64_t max = s->eng->o->max_bytes;
    if (s->body + (int64_t)n > max) {
        take = (size_t)(max - s->body);
        s->capped = 1;
    }
    if (s->keep_page && s->page.len < RD_PAGE_KEEP)
        rd_buf_append(&s->page, data,
                      take < RD_PAGE_KEEP - s->page.len ? take : RD_PAGE_KEEP - s->page.len);
    s->body += (int64_t)take;
    s->check.bytes += (int64_t)take;
    return s->capped ? 0 : n; /* 0 stops the transfer: the cap holds */
}

static CURL *easy_get(engine *g)
{
    if (g->npool)
        return g->pool[--g->npool];
    return curl_easy_init();
}

void rd_transfer_end(engine *g, slot *s)
{
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
    rd_buf_reset(&s->page);
    s->check.attempts++;
    curl_easy_setopt(e, CURLOPT_URL, s->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, s);
    curl_easy_setopt(e, CURLOPT_NOBODY, (long)s->head);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); /* hop by hop, each one checked */
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(left > 0 ? left : 1));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, s);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    /* over TLS, wait for the first connection to a host to say whether it
     * multiplexes (HTTP/2) rather than opening more; plain http is HTTP/1.1 */
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, (long)!strncmp(s->url, "https:", 6));
    /* memory per transfer in flight: 1 KiB (curl's least) instead of 16 KiB
     * is 60 MB less with 4,096 in flight, for the same time */
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 1024L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf);
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

void rd_html_title(const char *html, size_t len, char *out, size_t outsz)
{
    out[0] = '\0';
    if (!len || len > 0x7fffffff)
        return;
    htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, NULL,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!doc)
        return;
    /* <title> sits in <head>: look there without walking the whole tree */
    xmlNodePtr root = xmlDocGetRootElement(doc), head = NULL, t = NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n && !head; n = n->next)
        if (n->type == XML_ELEMENT_NODE && !xmlStrcasecmp(n->name, BAD_CAST "head"))
            head = n;
    for (xmlNodePtr n = head ? head->children : NULL; n && !t; n = n->next)
        if (n->type == XML_ELEMENT_NODE && !xmlStrcasecmp(n->name, BAD_CAST "title"))
            t = n;
    xmlChar *text = t ? xmlNodeGetContent(t) : NULL;
    size_t o = 0;
    int space = 0;
    for (const xmlChar *c = text; c && *c;) {
        if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r') {
            space = o > 0;
            c++;
            continue;
        }
        /* copy whole UTF-8 sequences only, so a cut never splits a character */
        size_t n = *c < 0x80 ? 1 : *c >= 0xF0 ? 4 : *c >= 0xE0 ? 3 : 2;
        if (o + space + n + 1 > outsz)
            break;
        if (space)
            out[o++] = ' ';
        space = 0;
        for (size_t k = 0; k < n && *c; k++)
            out[o++] = (char)*c++;
    }
    out[o] = '\0';
    xmlFree(text);
    xmlFreeDoc(doc);
}
