/* crawler/internal.h — the engine's state, shared by engine.c, transfer.c,
 * policy.c (the address policy) and page.c (what a page says). */
#ifndef RD_CRAWLER_INTERNAL_H
#define RD_CRAWLER_INTERNAL_H

#include <curl/curl.h>

#include "crawler.h"
#include "sched.h"

enum { RD_MAX_REDIRECTS = 10, RD_PAGE_KEEP = 32 * 1024, RD_PAGE_KEEP_WHOLE = 4 * 1024 * 1024 };

typedef struct engine engine;

/* A link from its first transfer to its result: in flight, or backing off. */
typedef struct slot {
    engine *eng;
    uint32_t link;
    size_t active_at; /* index in eng->active */
    rd_ctx ctx;       /* the link's context: every transfer runs under it */
    int64_t started_ms;
    int64_t wake_ms;            /* > 0 while backing off */
    int holds_slot;             /* counts against the scheduler's limits now */
    CURL *easy;                 /* the transfer in flight, or NULL */
    char *url;                  /* the URL of the current hop */
    const rd_host_rule *rule;   /* of the link's host, or NULL */
    struct curl_slist *headers; /* the transfer's, when it has a rule's; NULL: g->headers */
    char *visited[RD_MAX_REDIRECTS + 1];
    int head;      /* the current transfer is a HEAD */
    int failures;  /* retryable failures so far */
    int permanent; /* a 301/308 was followed */
    int connected; /* some transfer reached a server */
    int capped;    /* we stopped reading at max_bytes */
    int64_t body;  /* body bytes of the current transfer */
    rd_buf page;   /* the first bytes of an HTML body, for what it says (page.c) */
    int keep_page;
    size_t keep_max;              /* of the body kept in page */
    char refused[128];            /* why the address was refused, or "" */
    char errbuf[CURL_ERROR_SIZE]; /* curl's words on the last failure */
    rd_check check;
    struct slot *next_free;
} slot;

struct engine {
    const rd_crawl_opts *o;
    rd_ctx *run;
    const char *const *urls;
    size_t n;
    rd_crawl_cb cb;
    void *ud;
    rd_crawl_stats *stats;
    CURLM *multi;
    int epfd;
    int64_t timer_ms; /* curl's timer, absolute; -1: none */
    rd_sched sched;
    slot **slot_of;    /* link → its slot while it has one */
    uint8_t *finished; /* link → it has its result (a woken back-off may still be queued) */
    slot **active;
    size_t nactive, cap_active;
    slot *free_slots;
    struct curl_slist *headers;        /* o->headers, for curl; NULL: none */
    const rd_host_rule **rule_of_host; /* the sched's host index → its rule, or NULL */
    size_t cap_rules;
    CURL **pool; /* easy handles to reuse */
    size_t npool, cap_pool;
    rd_page page; /* what the page of the link being finished said (rd_check.page) */
    int stop;     /* the callback asked to stop */
    int failed;   /* an internal error: out of memory, epoll */
};

/* ---- transfer.c ---- */

/* Starts the slot's next transfer (its url, head flag) under its context. */
int rd_transfer_start(engine *g, slot *s, int64_t now_ms);

/* Takes the finished transfer off the multi handle and back to the pool. */
void rd_transfer_end(engine *g, slot *s);

/* ---- policy.c: which resolved addresses may be connected to ---- */

/* Why an address must not be fetched ("link-local", ...), or NULL. */
const char *rd_address_refusal(const struct sockaddr *sa, int allow_private);

/* curl's open-socket callback (ud: the slot): opens the socket, or refuses an
 * address rd_address_refusal refuses and says why in the slot's `refused`. */
curl_socket_t rd_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a);

/* ---- page.c ---- */

/* The <title> of an HTML page, squeezed to one line, in out (may be ""):
 * rd_page_read's, cut to outsz. */
void rd_html_title(const char *html, size_t len, char *out, size_t outsz);

#endif
