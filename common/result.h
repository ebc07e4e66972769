/* common/result.h — the results of a link check: the one list of them, their
 * names as stored and shown, and which of them fail a run. The database's
 * CHECK constraint and render/index.schema.json are tested against it. */
#ifndef RD_RESULT_H
#define RD_RESULT_H

typedef enum rd_result {
    RD_RES_OK,
    RD_RES_REDIRECT,    /* a permanent hop (301/308): the catalog should change */
    RD_RES_BROKEN,      /* 4xx/5xx after retries */
    RD_RES_TIMEOUT,     /* the link's deadline passed */
    RD_RES_ERROR,       /* DNS, TLS, refused connection, refused address, bad URL */
    RD_RES_EXCLUDED,    /* --exclude / --include */
    RD_RES_CACHED,      /* a fresh earlier result reused (--max-age) */
    RD_RES_CANCELLED,   /* the run ended (deadline, Ctrl-C) first */
    RD_RES_RATELIMITED, /* 429 whose Retry-After does not fit the deadline */
    RD_RES_BLOCKED,     /* a bot wall: 999, a Cloudflare challenge, a host marked
                           treat = blocked; says nothing of the link */
    RD_RES_UNCHANGED,   /* check --diff: its entry's lines did not change; not fetched */
    RD_RES_COUNT
} rd_result;

/* The name stored and shown: "ok", "redirect", "broken", ... ("?" for none). */
const char *rd_result_name(rd_result r);

/* The result called name, or -1 when no result is. */
int rd_result_parse(const char *name);

/* Whether a result fails a check: broken and error; with strict (--strict)
 * also timeout, ratelimited, cancelled and blocked. */
int rd_result_fails(rd_result r, int strict);

/* Whether a result says something about the link itself, so that it may
 * become the link's status: ok, redirect, broken, error, timeout,
 * ratelimited. An excluded, cancelled, blocked or unchanged link and a cache hit
 * say nothing new
 * (and a run that found the network down says nothing: see check/). */
int rd_result_conclusive(rd_result r);

/* The same for a stored name; an unknown name does not fail. */
int rd_result_name_fails(const char *name, int strict);

#endif
