/* crawler/engine.c — the multi loop: contexts, scheduling, outcomes.
 *
 * libcurl's socket API with epoll: curl says which sockets to watch and when
 * its timer fires; the loop sleeps until the nearest of that timer, a link's
 * deadline, a back-off wake-up or a host interval, and never longer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* ---- slots ---- */

static slot *slot_new(engine *g, uint32_t link, int64_t now)
{
    slot *s = g->free_slots;
    if (s)
        g->free_slots = s->next_free;
    else if (!(s = malloc(sizeof *s)))
        return NULL;
    memset(s, 0, sizeof *s);
    s->eng = g;
    s->link = link;
    s->started_ms = now;
    rd_ctx_child(&s->ctx, g->run, now, g->o->timeout_ms);
    s->rule = g->rule_of_host[g->sched.host_of[link]];
    s->head = s->rule && s->rule->method >= 0 ? s->rule->method : g->o->use_head;
    if (!(s->url = strdup(g->urls[link]))) {
        s->next_free = g->free_slots;
        g->free_slots = s;
        return NULL;
    }
    slot **a = rd_grow(g->active, &g->cap_active, g->nactive, sizeof *a);
    if (!a) {
        free(s->url);
        s->next_free = g->free_slots;
        g->free_slots = s;
        return NULL;
    }
    g->active = a;
    s->active_at = g->nactive;
    g->active[g->nactive++] = s;
    g->slot_of[link] = s;
    return s;
}

/* Hands the result to the caller and frees what the link held. */
static void finish(engine *g, slot *s, rd_result r, int64_t now)
{
    rd_transfer_end(g, s);
    if (s->holds_slot)
        rd_sched_release(&g->sched, s->link);
    s->check.result = r;
    s->check.elapsed_ms = now - s->started_ms;
    s->check.final_url = s->visited[0] && strcmp(s->url, g->urls[s->link]) ? s->url : NULL;
    g->finished[s->link] = 1;
    g->stats->done++;
    g->stats->count[r]++;
    g->stats->resolved += s->connected;
    if (g->cb(g->ud, s->link, &s->check))
        g->stop = 1;
    for (int i = 0; i <= RD_MAX_REDIRECTS; i++)
        free(s->visited[i]);
    free(s->url);
    rd_buf_free(&s->page);
    g->slot_of[s->link] = NULL;
    slot *last = g->active[--g->nactive];
    g->active[s->active_at] = last;
    last->active_at = s->active_at;
    s->next_free = g->free_slots;
    g->free_slots = s;
}

/* Ends a link with an error text. */
static void fail(engine *g, slot *s, rd_result r, int64_t now, const char *why)
{
    snprintf(s->check.error, sizeof s->check.error, "%s", why);
    finish(g, s, r, now);
}

/* The link's context ended: its own deadline is a timeout; the run's end
 * (deadline or cancel) is a cancellation. */
static void ended(engine *g, slot *s, int64_t now)
{
    rd_ctx_state run = rd_ctx_state_at(g->run, now);
    if (run != RD_CTX_LIVE) {
        fail(g, s, RD_RES_CANCELLED, now,
             run == RD_CTX_CANCELLED ? "the run was cancelled" : "the run's deadline passed");
        return;
    }
    char limit[32]; /* the --timeout given ("3 s"), not the ms the clock saw past it */
    snprintf(s->check.error, sizeof s->check.error, "no answer within %s",
             rd_duration_text(g->o->timeout_ms, limit, sizeof limit));
    finish(g, s, RD_RES_TIMEOUT, now);
}

/* Waits before the next attempt, within the link's deadline: the slot goes
 * back to the scheduler meanwhile. Returns 0 when the wait does not fit. */
static int back_off(engine *g, slot *s, int64_t delay_ms, int64_t now)
{
    int64_t left = rd_ctx_remaining_ms(&s->ctx, now);
    if (left >= 0 && delay_ms >= left)
        return 0;
    rd_transfer_end(g, s);
    if (s->holds_slot) {
        rd_sched_release(&g->sched, s->link);
        s->holds_slot = 0;
    }
    s->wake_ms = now + (delay_ms > 0 ? delay_ms : 1);
    return 1;
}

/* Exponential back-off with jitter: 200 ms, 400 ms, 800 ms... plus up to half. */
static int64_t retry_delay(int failures)
{
    int64_t base = 200LL << (failures > 8 ? 8 : failures - 1);
    return base + rand() % (base / 2 + 1);
}

/* ---- outcomes ---- */

/* Whether the link's host rule, else the run, accepts status. */
static int accepted(const rd_crawl_opts *o, const slot *s, long status)
{
    const rd_status_range *r = o->accept;
    size_t n = o->naccept;
    if (s->rule && s->rule->accept) {
        r = s->rule->accept;
        n = s->rule->naccept;
    }
    for (size_t i = 0; i < n; i++)
        if (status >= r[i].lo && status <= r[i].hi)
            return 1;
    return 0;
}

/* Follows a 3xx to its Location, as a new hop under the same context. */
static void redirect(engine *g, slot *s, long status, const char *location, int64_t now)
{
    int hops = s->check.redirects;
    if (hops >= RD_MAX_REDIRECTS) {
        fail(g, s, RD_RES_ERROR, now, "more than 10 redirects");
        return;
    }
    if (!strcmp(s->url, location)) {
        fail(g, s, RD_RES_ERROR, now, "redirect loop");
        return;
    }
    for (int i = 0; i < hops && s->visited[i]; i++)
        if (!strcmp(s->visited[i], location)) {
            fail(g, s, RD_RES_ERROR, now, "redirect loop");
            return;
        }
    char *next = strdup(location);
    if (!next) {
        fail(g, s, RD_RES_ERROR, now, "out of memory");
        return;
    }
    s->visited[hops] = s->url;
    s->url = next;
    s->check.redirects++;
    s->permanent |= status == 301 || status == 308;
    if (status == 303)
        s->head = 0;
    rd_transfer_end(g, s);
    if (rd_transfer_start(g, s, now) < 0)
        fail(g, s, RD_RES_ERROR, now, s->refused[0] ? s->refused : "could not start a transfer");
}

/* How long the server asked us to wait, in ms, or -1 when it did not say:
 * Retry-After (seconds or an HTTP date, read by curl), or X-RateLimit-Reset
 * (seconds, or the Unix time when it is one). A day at most: a server's
 * number must not overflow the clock. */
static int64_t stated_wait_ms(CURL *e)
{
    curl_off_t retry_after = 0;
    curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &retry_after);
    int64_t secs = retry_after > 0 ? (int64_t)retry_after : -1;
    struct curl_header *h;
    if (secs < 0 &&
        curl_easy_header(e, "X-RateLimit-Reset", 0, CURLH_HEADER, -1, &h) == CURLHE_OK) {
        char *end;
        long long v = strtoll(h->value, &end, 10);
        if (end != h->value && v > 0)
            secs = v > 1000000000LL ? v - (long long)time(NULL) : v;
        if (secs < 0)
            secs = 0; /* a reset in the past: go on now */
    }
    if (secs < 0)
        return -1;
    return (secs > 86400 ? 86400 : secs) * 1000;
}

/* 429, or 503 with a time to wait: the whole host pauses (rd_sched_pause,
 * up to the run's deadline), and the link waits for it to end when that fits
 * its own deadline and it has tries left. Returns 1 when the link is
 * handled (backing off or finished), 0 for a 503 to report as broken. */
static int throttled(engine *g, slot *s, long status, int64_t stated, int64_t now)
{
    int64_t before = rd_sched_paused_until(&g->sched, s->link);
    int64_t until = rd_sched_pause(&g->sched, s->link, now, stated, rd_ctx_deadline(g->run));
    g->stats->host_pauses = g->sched.pauses;
    /* the time this answer added to its host's pause is the link's, so a
     * host's paused time is the sum over its links (refdex hosts) */
    int64_t from = before > now ? before : now;
    if (until > from)
        s->check.paused_ms += until - from;
    s->check.http429 += status == 429;
    int64_t wait = stated >= 0 ? stated : until - now;
    if (status == 503)
        return s->failures++ < g->o->retries && back_off(g, s, wait, now);
    int tries_left = s->failures++ < g->o->retries + 1;
    if (tries_left && back_off(g, s, wait, now))
        return 1;
    if (!tries_left)
        snprintf(s->check.error, sizeof s->check.error,
                 "HTTP 429: still rate limited after %d tries", s->failures);
    else {
        char w[32]; /* with no time stated (or none curl could read): the host's own back-off */
        snprintf(s->check.error, sizeof s->check.error,
                 "HTTP 429: rate limited; waiting %s%s would pass the link's deadline",
                 rd_duration_text(wait, w, sizeof w),
                 stated >= 0 ? " (Retry-After)" : " to try again");
    }
    finish(g, s, RD_RES_RATELIMITED, now);
    return 1;
}

/* A bot wall rather than an answer about the page: LinkedIn's 999, or a
 * 403/503 that is Cloudflare's challenge (its cf-mitigated: challenge
 * header, or the challenge page's "Just a moment..." title). Says why in
 * the link's error and returns 1; 0 otherwise. */
static int walled(slot *s, long status, const char *ctype)
{
    if (status == 999) {
        snprintf(s->check.error, sizeof s->check.error,
                 "HTTP 999: the host refuses link checkers (a bot wall)");
        return 1;
    }
    if (status != 403 && status != 503)
        return 0;
    struct curl_header *h;
    if (curl_easy_header(s->easy, "cf-mitigated", 0, CURLH_HEADER, -1, &h) == CURLHE_OK &&
        !strcasecmp(h->value, "challenge")) {
        snprintf(s->check.error, sizeof s->check.error,
                 "HTTP %ld: a Cloudflare challenge (cf-mitigated: challenge), not the page",
                 status);
        return 1;
    }
    char title[64] = "";
    if (s->page.len && ctype && strstr(ctype, "html"))
        rd_html_title(s->page.data, s->page.len, title, sizeof title);
    if (!strncmp(title, "Just a moment", 13)) {
        snprintf(s->check.error, sizeof s->check.error,
                 "HTTP %ld: a bot challenge page (\"%s\"), not the page", status, title);
        return 1;
    }
    return 0;
}

/* What the page says (crawler/page.c), in the charset its header names. */
static void read_page(engine *g, slot *s, const char *ctype)
{
    char charset[64] = "";
    const char *cs = ctype;
    while (*cs && strncasecmp(cs, "charset=", 8))
        cs++;
    if (*cs) {
        cs += 8;
        cs += *cs == '"';
        snprintf(charset, sizeof charset, "%.*s", (int)strcspn(cs, "\"; \t"), cs);
    }
    int whole = !s->capped && (int64_t)s->page.len == s->body;
    rd_page_read(s->page.data, s->page.len, charset, strchr(g->urls[s->link], '#'), whole,
                 &g->page);
    s->check.page = &g->page; /* finish() hands it to the callback at once */
}

static void on_http(engine *g, slot *s, long status, int64_t now)
{
    const rd_crawl_opts *o = g->o;
    char *location = NULL, *ctype = NULL;
    s->check.status = (int)status;
    curl_easy_getinfo(s->easy, CURLINFO_REDIRECT_URL, &location);
    curl_easy_getinfo(s->easy, CURLINFO_CONTENT_TYPE, &ctype);
    if (!accepted(o, s, status) && walled(s, status, ctype)) {
        rd_sched_host_ok(&g->sched, s->link); /* it answered: not a rate limit */
        finish(g, s, RD_RES_BLOCKED, now);
        return;
    }
    /* a status the user accepts (--accept 200..299,429) is an answer */
    int slow_down = !accepted(o, s, status) && (status == 429 || status == 503);
    int64_t stated = slow_down ? stated_wait_ms(s->easy) : -1;
    if (slow_down && (status == 429 || stated >= 0)) {
        if (throttled(g, s, status, stated, now))
            return;
    } else {
        rd_sched_host_ok(&g->sched, s->link);
    }
    if (status >= 300 && status < 400 && location && !accepted(o, s, status)) {
        redirect(g, s, status, location, now);
        return;
    }
    if (s->head && (status == 405 || status == 501 || status == 400 || status == 403)) {
        s->head = 0; /* servers that refuse HEAD: ask again with GET */
        rd_transfer_end(g, s);
        if (rd_transfer_start(g, s, now) < 0)
            fail(g, s, RD_RES_ERROR, now,
                 s->refused[0] ? s->refused : "could not start a transfer");
        return;
    }
    if (accepted(o, s, status)) {
        if (s->page.len && ctype && strstr(ctype, "html"))
            read_page(g, s, ctype);
        finish(g, s, s->permanent ? RD_RES_REDIRECT : RD_RES_OK, now);
        return;
    }
    int paused = status == 503 && stated >= 0; /* tried already, in throttled() */
    if (status >= 500 && !paused && s->failures++ < o->retries &&
        back_off(g, s, retry_delay(s->failures), now))
        return;
    snprintf(s->check.error, sizeof s->check.error, "HTTP %ld", status);
    finish(g, s, RD_RES_BROKEN, now);
}

static int retryable(CURLcode rc)
{
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
           rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE || rc == CURLE_HTTP2 ||
           rc == CURLE_HTTP2_STREAM;
}

/* A transfer ended: decide what the link does next. */
static void on_done(engine *g, slot *s, CURLcode rc, int64_t now)
{
    long status = 0;
    char *ip = NULL;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(s->easy, CURLINFO_PRIMARY_IP, &ip);
    s->connected |= status > 0 || (ip && *ip);
    if (rc == CURLE_WRITE_ERROR && s->capped)
        rc = CURLE_OK; /* we stopped reading at --max-bytes: the status stands */
    if (rc == CURLE_OK && status > 0) {
        on_http(g, s, status, now);
        return;
    }
    if (s->refused[0]) {
        g->stats->refused++;
        fail(g, s, RD_RES_ERROR, now, s->refused);
        return;
    }
    if (rc == CURLE_OPERATION_TIMEDOUT || rd_ctx_state_at(&s->ctx, now) != RD_CTX_LIVE) {
        ended(g, s, now);
        return;
    }
    if (retryable(rc) && s->failures++ < g->o->retries &&
        back_off(g, s, retry_delay(s->failures), now))
        return;
    const char *why = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_OUT_OF_MEMORY && s->connected) /* what libcurl says of huge headers */
        why = "the server's response headers were too large to read";
    fail(g, s, RD_RES_ERROR, now, why);
}

/* ---- curl's callbacks for the socket API ---- */

static int on_socket(CURL *e, curl_socket_t fd, int what, void *ud, void *known)
{
    engine *g = ud;
    (void)e;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(g->epfd, EPOLL_CTL_DEL, fd, NULL);
        curl_multi_assign(g->multi, fd, NULL);
        return 0;
    }
    struct epoll_event ev = {0};
    ev.data.fd = fd;
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    if (epoll_ctl(g->epfd, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0 && !known &&
        errno == EEXIST)
        epoll_ctl(g->epfd, EPOLL_CTL_MOD, fd, &ev);
    if (!known)
        curl_multi_assign(g->multi, fd, g);
    return 0;
}

static int on_timer(CURLM *m, long timeout_ms, void *ud)
{
    engine *g = ud;
    (void)m;
    g->timer_ms = timeout_ms < 0 ? -1 : rd_now_ms() + timeout_ms;
    return 0;
}

/* ---- the loop ---- */

static void reap(engine *g)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(g->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        slot *s = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
        on_done(g, s, msg->data.result, rd_now_ms());
    }
}

/* A result for a link that never started (cancelled before its turn, or a
 * URL without a host). */
static void report_unstarted(engine *g, uint32_t link, rd_result r, const char *why)
{
    rd_check c = {.result = r};
    snprintf(c.error, sizeof c.error, "%s", why);
    g->finished[link] = 1;
    g->stats->done++;
    g->stats->count[r]++;
    if (g->cb(g->ud, link, &c))
        g->stop = 1;
}

/* Ends every link still open, at once: the run was cancelled or its
 * deadline passed. Links that never started are only counted: the caller
 * has their outcome already (rd_crawl's contract), and a million callbacks
 * would be a million writes past the deadline. */
static void end_run(engine *g, int64_t now)
{
    const char *why = g->stop || rd_ctx_state_at(g->run, now) == RD_CTX_CANCELLED
                          ? "the run was cancelled"
                          : "the run's deadline passed";
    while (g->nactive)
        fail(g, g->active[g->nactive - 1], RD_RES_CANCELLED, now, why);
    size_t unstarted = g->n - g->stats->done;
    g->stats->unstarted = unstarted;
    g->stats->done += unstarted;
    g->stats->count[RD_RES_CANCELLED] += unstarted;
}

/* Ends links whose own deadline passed (their transfers go at once), and
 * wakes those whose back-off is over. Returns the nearest time to look again. */
static int64_t sweep(engine *g, int64_t now)
{
    int64_t next = 0;
    for (size_t i = 0; i < g->nactive;) {
        slot *s = g->active[i];
        if (rd_ctx_state_at(&s->ctx, now) != RD_CTX_LIVE) {
            ended(g, s, now); /* moves another slot to i */
            continue;
        }
        if (s->wake_ms && s->wake_ms <= now) {
            s->wake_ms = 0;
            /* its host was paused meanwhile for longer than the link has */
            int64_t d = rd_ctx_deadline(&s->ctx),
                    paused = rd_sched_paused_until(&g->sched, s->link);
            int st = s->check.status;
            if ((st == 429 || st == 503) && d && paused >= d) {
                snprintf(s->check.error, sizeof s->check.error,
                         "HTTP %d: the host asked for a pause that would pass the link's deadline",
                         st);
                finish(g, s, st == 429 ? RD_RES_RATELIMITED : RD_RES_BROKEN, now);
                continue;
            }
            if (rd_sched_requeue(&g->sched, s->link) < 0)
                g->failed = 1;
        }
        int64_t d = rd_ctx_deadline(&s->ctx);
        if (d && (!next || d < next))
            next = d;
        if (s->wake_ms && (!next || s->wake_ms < next))
            next = s->wake_ms;
        i++;
    }
    return next;
}

/* Starts every link the scheduler allows now. */
static int64_t dispatch(engine *g, int64_t now)
{
    int64_t wake = 0, link;
    while (!g->failed && (link = rd_sched_next(&g->sched, now, &wake)) >= 0) {
        if (g->finished[link]) { /* woken from back-off, then its deadline passed */
            rd_sched_release(&g->sched, (uint32_t)link);
            continue;
        }
        slot *s = g->slot_of[link];
        if (!s && !(s = slot_new(g, (uint32_t)link, now))) {
            g->failed = 1;
            break;
        }
        s->holds_slot = 1;
        if (rd_transfer_start(g, s, now) < 0)
            fail(g, s, RD_RES_ERROR, now,
                 s->refused[0] ? s->refused : "could not start a transfer");
    }
    return wake;
}

/* How long to sleep: until the nearest of curl's timer, a deadline, a
 * back-off wake-up or a host interval. */
static int wait_ms(const engine *g, int64_t now, int64_t next_event, int64_t sched_wake)
{
    int64_t t = -1;
    int64_t cand[3] = {g->timer_ms, next_event ? next_event : -1, sched_wake ? sched_wake : -1};
    for (int i = 0; i < 3; i++)
        if (cand[i] >= 0 && (t < 0 || cand[i] < t))
            t = cand[i];
    int64_t run_deadline = rd_ctx_deadline(g->run);
    if (run_deadline && (t < 0 || run_deadline < t))
        t = run_deadline;
    /* never longer than a tick, so a pending batch of results is committed */
    if (t < 0)
        return RD_TICK_MS;
    t -= now;
    return t <= 0 ? 0 : t > RD_TICK_MS ? RD_TICK_MS : (int)t;
}

static void poll_once(engine *g, int timeout)
{
    struct epoll_event ev[64];
    int n = epoll_wait(g->epfd, ev, 64, timeout);
    int running;
    for (int i = 0; i < n; i++) {
        int fd = ev[i].data.fd;
        if (fd == g->o->cancel_fd) {
            rd_ctx_cancel(g->run);
            continue;
        }
        int flags = (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                    (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                    (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(g->multi, fd, flags, &running);
        reap(g);
    }
    if (g->timer_ms >= 0 && rd_now_ms() >= g->timer_ms) {
        g->timer_ms = -1;
        curl_multi_socket_action(g->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        reap(g);
    }
}

/* A host seen first with link: its rule, and the limits the rule sets. */
static int new_host(engine *g, uint32_t link, const char *name)
{
    const rd_host_rule **r =
        rd_grow(g->rule_of_host, &g->cap_rules, g->sched.nhosts - 1, sizeof *r);
    if (!r)
        return RD_ENOMEM;
    g->rule_of_host = r;
    const rd_host_rule *rule = rd_host_rule_for(g->o, name);
    r[g->sched.nhosts - 1] = rule;
    if (rule && (rule->per_host > 0 || rule->interval_ms >= 0))
        rd_sched_host_limits(&g->sched, link, rule->per_host > 0 ? rule->per_host : g->o->per_host,
                             rule->interval_ms >= 0 ? rule->interval_ms : g->o->host_interval_ms);
    return RD_OK;
}

/* Queues every link under its host; a URL without one ends at once. */
static int queue_links(engine *g)
{
    CURLU *u = curl_url();
    if (!u)
        return RD_ENOMEM;
    int rc = RD_OK;
    for (size_t i = 0; i < g->n && rc == RD_OK; i++) {
        char *host = NULL;
        CURLUcode uc = curl_url_set(u, CURLUPART_URL, g->urls[i], 0);
        if (uc == CURLUE_OK)
            uc = curl_url_get(u, CURLUPART_HOST, &host, 0);
        size_t hosts = g->sched.nhosts;
        if (uc == CURLUE_OK)
            rc = rd_sched_push(&g->sched, (uint32_t)i, host, 0);
        if (uc == CURLUE_OK && rc == RD_OK && g->sched.nhosts > hosts)
            rc = new_host(g, (uint32_t)i, host);
        else if (uc != CURLUE_OK)
            report_unstarted(g, (uint32_t)i, RD_RES_ERROR, curl_url_strerror(uc));
        curl_free(host);
    }
    curl_url_cleanup(u);
    return rc;
}

static int engine_init(engine *g)
{
    g->timer_ms = -1;
    g->epfd = epoll_create1(EPOLL_CLOEXEC);
    g->multi = curl_multi_init();
    g->slot_of = calloc(g->n ? g->n : 1, sizeof *g->slot_of);
    g->finished = calloc(g->n ? g->n : 1, 1);
    g->cap_pool = (size_t)g->o->concurrency;
    g->pool = calloc(g->cap_pool ? g->cap_pool : 1, sizeof *g->pool);
    if (g->epfd < 0 || !g->multi || !g->slot_of || !g->finished || !g->pool ||
        rd_sched_init(&g->sched, g->n, g->o->concurrency, g->o->per_host, g->o->host_interval_ms) <
            0)
        return RD_ENOMEM;
    for (size_t i = 0; i < g->o->nheaders; i++) {
        struct curl_slist *l = curl_slist_append(g->headers, g->o->headers[i]);
        if (!l)
            return RD_ENOMEM;
        g->headers = l;
    }
    curl_multi_setopt(g->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(g->multi, CURLMOPT_SOCKETDATA, g);
    curl_multi_setopt(g->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(g->multi, CURLMOPT_TIMERDATA, g);
    curl_multi_setopt(g->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    int most = g->o->per_host; /* connections to a host: its limit, a rule's if higher */
    for (size_t i = 0; i < g->o->nhosts; i++)
        if (g->o->hosts[i].per_host > most)
            most = g->o->hosts[i].per_host;
    curl_multi_setopt(g->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)most);
    if (g->o->cancel_fd >= 0) {
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = g->o->cancel_fd};
        epoll_ctl(g->epfd, EPOLL_CTL_ADD, g->o->cancel_fd, &ev);
    }
    return RD_OK;
}

static void engine_free(engine *g)
{
    while (g->nactive) /* only after an internal failure */
        finish(g, g->active[g->nactive - 1], RD_RES_CANCELLED, rd_now_ms());
    for (size_t i = 0; i < g->npool; i++)
        curl_easy_cleanup(g->pool[i]);
    while (g->free_slots) {
        slot *s = g->free_slots;
        g->free_slots = s->next_free;
        free(s);
    }
    if (g->multi)
        curl_multi_cleanup(g->multi);
    if (g->epfd >= 0)
        close(g->epfd);
    rd_sched_free(&g->sched);
    curl_slist_free_all(g->headers);
    free(g->rule_of_host);
    free(g->slot_of);
    free(g->finished);
    free(g->active);
    free(g->pool);
}

int rd_crawl(const rd_crawl_opts *o, rd_ctx *run, const char *const *urls, size_t n, rd_crawl_cb cb,
             void *ud, rd_crawl_stats *stats, rd_error *err)
{
    engine g = {
        .o = o, .run = run, .urls = urls, .n = n, .cb = cb, .ud = ud, .stats = stats, .epfd = -1};
    memset(stats, 0, sizeof *stats);
    int64_t t0 = rd_now_ms();
    int rc = engine_init(&g);
    if (rc == RD_OK)
        rc = queue_links(&g);
    while (rc == RD_OK && stats->done < n && !g.failed) {
        int64_t now = rd_now_ms();
        if (g.stop || rd_ctx_state_at(run, now) != RD_CTX_LIVE) {
            end_run(&g, now);
            break;
        }
        int64_t next = sweep(&g, now);
        int64_t wake = dispatch(&g, now);
        if (o->tick)
            o->tick(ud, now);
        if (stats->done < n)
            poll_once(&g, wait_ms(&g, rd_now_ms(), next, wake));
    }
    if (rc == RD_OK && g.failed)
        rc = RD_ENOMEM;
    stats->hosts = g.sched.nhosts;
    engine_free(&g);
    stats->elapsed_ms = rd_now_ms() - t0;
    if (rc < 0)
        return rd_error_set(err, rc, "the link checker failed: %s",
                            rc == RD_ENOMEM ? "out of memory" : "internal error");
    return RD_OK;
}
