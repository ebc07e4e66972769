/* check/archive.c — after a run, archived copies of the links it found dead
 * (check --archive): each asked of the Wayback Machine's availability API
 * (or the one --archive-api names), a few at most, one at a time, each under
 * its own limit and all under the run's deadline; every answer stored. */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

typedef struct want {
    int64_t url_id;
    char *url, *when;
} want;

typedef struct wants {
    want v[RD_ARCHIVE_LOOKUPS_MAX];
    size_t n;
} wants;

static int keep_want(int64_t url_id, const char *url, const char *when, void *ud)
{
    wants *w = ud;
    want *x = &w->v[w->n];
    x->url_id = url_id;
    x->url = strdup(url);
    x->when = strdup(when ? when : "");
    w->n++; /* counted now, so that it is freed whatever happens */
    return x->url && x->when ? 0 : RD_ENOMEM;
}

/* The API's URL for one link: base?url=URL&timestamp=WHEN. NULL when out of
 * memory; the caller frees it. */
static char *api_url(const char *base, const want *x)
{
    char *url = curl_easy_escape(NULL, x->url, 0);
    if (!url)
        return NULL;
    rd_buf b = {0};
    rd_buf_printf(&b, "%s%surl=%s", base, strchr(base, '?') ? "&" : "?", url);
    if (x->when[0])
        rd_buf_printf(&b, "&timestamp=%s", x->when);
    curl_free(url);
    return rd_buf_take(&b);
}

/* Asks about one link; a failure of the API is said in t (the first one's
 * words), not the run's. Returns RD_OK, or a database or memory error. */
static int look_up(rd_db *db, const rd_check_opts *o, const rd_ctx *run, const want *x,
                   rd_check_tally *t, rd_error *err)
{
    rd_ctx one;
    rd_ctx_child(&one, run, rd_now_ms(), RD_ARCHIVE_TIMEOUT_MS);
    char *url = api_url(o->archive_api, x);
    if (!url)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    rd_buf body = {0};
    rd_error why = {0};
    int status = 0;
    int rc = rd_fetch_small(&o->crawl, &one, url, RD_ARCHIVE_BODY_MAX, &body, &status, &why);
    free(url);
    if (rc == RD_OK && status != 200)
        rc = rd_error_set(&why, RD_EINPUT, "the archive answered HTTP %d", status);
    rd_archive a;
    if (rc == RD_OK)
        rc = rd_archive_parse(db, body.data ? body.data : "", body.len, &a, &why);
    rd_buf_free(&body);
    if (rc == RD_EINPUT) {
        if (!t->archive_failed++)
            snprintf(t->archive_error, sizeof t->archive_error, "%.200s: %.190s", x->url, why.msg);
        return RD_OK;
    }
    if (rc < 0)
        return rd_error_set(err, rc, "%s", why.msg);
    t->archive_found += (size_t)a.found;
    t->archive_none += (size_t)!a.found;
    return rd_db_archive_store(db, x->url_id, &a, err);
}

int rd_check_archive(rd_db *db, const rd_check_opts *o, const rd_ctx *run, rd_check_tally *t,
                     rd_error *err)
{
    wants *w = calloc(1, sizeof *w);
    if (!w)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    int rc = rd_db_archive_wanted(db, t->run_id, o->strict, RD_ARCHIVE_LOOKUPS_MAX, keep_want, w,
                                  &t->archive_left, err);
    if (rc == RD_ENOMEM)
        rc = rd_error_set(err, rc, "out of memory");
    rd_ctx all;
    rd_ctx_child(&all, run, rd_now_ms(), RD_ARCHIVE_TOTAL_MS);
    for (size_t i = 0; rc == RD_OK && i < w->n; i++) {
        if (rd_ctx_state_at(&all, rd_now_ms()) != RD_CTX_LIVE) {
            t->archive_left += w->n - i; /* out of time: asked next time */
            break;
        }
        rc = look_up(db, o, &all, &w->v[i], t, err);
    }
    for (size_t i = 0; i < w->n; i++) {
        free(w->v[i].url);
        free(w->v[i].when);
    }
    free(w);
    return rc;
}
