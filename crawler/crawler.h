/* crawler/crawler.h — checking links concurrently with libcurl's multi interface.
 *
 * rd_crawl checks a list of http(s) URLs under one run context: each link gets
 * its own child context (--timeout) shared by all its transfers (HEAD, the GET
 * fallback, retries, redirect hops), scheduled under a global and a per-host
 * limit, and ends with a definite result that is handed to a callback as soon
 * as it is known. The crawler never prints and never touches the database. */
#ifndef RD_CRAWLER_H
#define RD_CRAWLER_H

#include <stddef.h>
#include <stdint.h>

#include "../common/rd.h"
#include "../common/result.h"
#include "context.h"

/* What a fetched HTML page says of itself (crawler/page.c). Every string is
 * UTF-8 on one line, "" when the page has none. */
enum {
    RD_FRAGMENT_NONE = 0, /* the link has no fragment to look for (or one no element names) */
    RD_FRAGMENT_FOUND,    /* an element's id or name is the fragment */
    RD_FRAGMENT_MISSING,  /* the whole page was read and none is */
    RD_FRAGMENT_UNKNOWN   /* none in the part read (the page was cut): not said missing */
};

typedef struct rd_page {
    char title[256];       /* <title> in <head> */
    char og_title[256];    /* <meta property="og:title"> */
    char site_name[128];   /* <meta property="og:site_name"> */
    char description[512]; /* <meta name="description"> */
    char canonical[1024];  /* <link rel="canonical" href>, as written */
    char heading[256];     /* the first <h1> */
    int fragment;          /* RD_FRAGMENT_* */
} rd_page;

/* Reads html[0..len) (a page's first bytes, `whole` when that is all of it)
 * into *p with libxml2's HTML parser: recovering, no network, no messages.
 * encoding is the HTTP header's charset (NULL: the page's <meta charset>,
 * else UTF-8 or Latin-1 as libxml2 guesses); text comes out as UTF-8.
 * fragment ("#x", "x" or NULL) is looked for among the ids and names. */
void rd_page_read(const char *html, size_t len, const char *encoding, const char *fragment,
                  int whole, rd_page *p);

typedef struct rd_check {
    rd_result result;
    int status;            /* the last HTTP status, 0 when none */
    const char *final_url; /* after redirects, NULL when there were none; valid in the callback */
    int redirects;         /* hops followed */
    int attempts;          /* transfers made (HEAD, GET, retries) */
    int http429;           /* 429 answers it got */
    int64_t paused_ms;     /* how much its 429s (or 503s with a wait) paused its host */
    int64_t elapsed_ms;    /* from the link's start to its result */
    int64_t bytes;         /* body bytes read */
    char error[256];       /* why, for error/timeout/broken; "" otherwise */
    /* what an HTML page said, when one was read; else NULL. Valid in the
     * callback (one for the crawler: a slot of each transfer in flight would
     * cost 2.4 KB each, 10 MB at --concurrency 4096) */
    const rd_page *page;
} rd_check;

typedef struct rd_status_range {
    int lo, hi;
} rd_status_range;

/* What a host's links get instead of the run's settings ([host "NAME"] in
 * refdex.ini). A field left at its "none" value keeps the run's. */
typedef enum rd_treat {
    RD_TREAT_CHECK = 0, /* fetched, as every link */
    RD_TREAT_SKIP,      /* not fetched: excluded */
    RD_TREAT_BLOCKED    /* not fetched: blocked, as a host known to refuse link checkers */
} rd_treat;

typedef struct rd_host_rule {
    const char *host;              /* lower-case; matches that host exactly, not its subdomains */
    int per_host;                  /* transfers in flight to it; 0: the run's --per-host */
    int64_t interval_ms;           /* least time between two requests to it; -1: the run's */
    int method;                    /* 0 GET, 1 HEAD first; -1: the run's */
    const rd_status_range *accept; /* NULL: the run's */
    size_t naccept;
    /* "Name: value" each, sent to the link's origin after the run's headers;
     * ${NAME} in a value is the environment's NAME, read as each request is
     * made and never kept (a link whose variable is not set is an error) */
    const char *const *headers;
    size_t nheaders;
    rd_treat treat;
} rd_host_rule;

typedef struct rd_crawl_opts {
    int concurrency;               /* transfers in flight at most (default 128) */
    int per_host;                  /* per host (default 8) */
    int64_t host_interval_ms;      /* least time between two requests to a host (0) */
    int64_t timeout_ms;            /* per link (default 20 s) */
    int retries;                   /* after the first attempt (default 2) */
    int64_t max_bytes;             /* of a body (default 1 MiB) */
    int use_head;                  /* HEAD first, GET when the server refuses HEAD */
    int allow_private;             /* loopback and private addresses may be fetched */
    const rd_status_range *accept; /* statuses counted as ok (default 200..299) */
    size_t naccept;
    const char *user_agent;
    /* Request headers, each "Name: value", sent with every request of a link
     * and with its redirect hops to the same scheme, host and port (never to
     * another origin: a token for one host is not handed to the next). The
     * values may be secrets: the crawler never puts them in a result. */
    const char *const *headers;
    size_t nheaders;
    const rd_host_rule *hosts; /* rules by host, in no order */
    size_t nhosts;
    int cancel_fd; /* readable when the run must stop (a signal's self-pipe), or -1 */
    /* Called on every turn of the loop, at least every RD_TICK_MS, with the
     * callback's ud (for work that must not wait for the next result, such as
     * committing a batch); NULL for none. */
    void (*tick)(void *ud, int64_t now_ms);
} rd_crawl_opts;

enum { RD_TICK_MS = 100 };

/* The defaults, in one place. */
void rd_crawl_opts_default(rd_crawl_opts *o);

/* Called once per link that started (or could not: a URL without a host),
 * in the order results are known. `index` is the link's position in the
 * input. Return non-zero to stop the run (every link in flight then ends as
 * cancelled). A link still waiting for its turn when the run ends (its
 * deadline, a cancel, a stop) gets no call: it is cancelled, counted in
 * rd_crawl_stats.unstarted, and the caller, which knows which links it has
 * heard of, says so for all of them at once. */
typedef int (*rd_crawl_cb)(void *ud, size_t index, const rd_check *check);

typedef struct rd_crawl_stats {
    size_t done, count[RD_RES_COUNT];
    int64_t elapsed_ms;
    size_t resolved;    /* links whose host resolved and connected, for "network down?" */
    size_t refused;     /* links whose address the policy refused: the policy, not the network */
    size_t hosts;       /* distinct hosts among the links */
    size_t unstarted;   /* links the run ended before they started (cancelled, no callback) */
    size_t host_pauses; /* times a rate-limited host (429, 503 with a wait) was paused */
} rd_crawl_stats;

/* Checks urls[0..n) under `run`. Returns 0 when every link has a result
 * (cancelled ones included), or an RD_E* code when the crawler itself failed. */
int rd_crawl(const rd_crawl_opts *o, rd_ctx *run, const char *const *urls, size_t n, rd_crawl_cb cb,
             void *ud, rd_crawl_stats *stats, rd_error *err);

/* One GET of url (http or https) whose body is wanted, such as an API's
 * answer: under ctx (which must have a deadline), the address policy and
 * user agent of o, no proxy, no redirect followed, its cancel_fd heeded.
 * Appends the body to *body (at most max bytes) and sets *status to the HTTP
 * status. A refused address, a failed or timed out transfer, a body over
 * max: RD_EINPUT with why in err. */
int rd_fetch_small(const rd_crawl_opts *o, const rd_ctx *ctx, const char *url, size_t max,
                   rd_buf *body, int *status, rd_error *err);

/* The rule for host (compared without case), or NULL. */
const rd_host_rule *rd_host_rule_for(const rd_crawl_opts *o, const char *host);

/* text with each ${NAME} replaced by the environment's NAME, into a new
 * string the caller frees; NULL when out of memory or when a NAME is not set
 * (then *missing, when not NULL, gets that NAME, cut to `cap` bytes). */
char *rd_expand_env(const char *text, char *missing, size_t cap);

/* Parses "200..299,403" into a malloc'd array (the caller frees it). */
int rd_parse_status_ranges(const char *text, rd_status_range **out, size_t *n);

#endif
