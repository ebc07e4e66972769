/* check/repos.c — repositories' metadata from the forges' APIs (check/repos.h). */
#include "repos.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void rd_repos_opts_default(rd_repos_opts *o)
{
    memset(o, 0, sizeof *o);
    o->github_api = "https://api.github.com";
    o->gitlab_api = "https://gitlab.com/api/v4";
    o->gitea_api = "https://codeberg.org/api/v1";
    o->max_age_ms = 7LL * 24 * 3600 * 1000;
    o->timeout_ms = 30 * 1000;
    o->max_wait_ms = 60 * 1000;
    o->cancel_fd = -1;
}

typedef struct fetcher {
    rd_db *db;
    const rd_repos_opts *o;
    const rd_ctx *run;
    rd_repos_tally *t;
    rd_error *err;
} fetcher;

/* What to do after an answer. */
enum { GO_ON, RETRY, STOP };

/* Waits ms, or less when the run ends first; returns 0 when it ended. */
static int wait_ms(const fetcher *f, int64_t ms)
{
    int64_t until = rd_now_ms() + ms;
    for (;;) {
        int64_t now = rd_now_ms();
        if (rd_ctx_state_at(f->run, now) != RD_CTX_LIVE)
            return 0;
        if (now >= until)
            return 1;
        int64_t step = until - now < 100 ? until - now : 100;
        struct pollfd p = {f->o->cancel_fd, POLLIN, 0};
        if (poll(&p, f->o->cancel_fd >= 0 ? 1 : 0, (int)step) > 0)
            return 0;
    }
}

/* Decides after a rate-limited or refused answer: RETRY after waiting what
 * the API asked (when that fits), or STOP saying why. */
static int limited(fetcher *f, const char *forge, const rd_api_response *r, int tries)
{
    rd_repos_tally *t = f->t;
    if (r->retry_after_s >= 0) {
        int64_t ms = r->retry_after_s * 1000;
        int64_t left = rd_ctx_remaining_ms(f->run, rd_now_ms());
        if (tries < 3 && ms <= f->o->max_wait_ms && (left < 0 || ms < left) && wait_ms(f, ms))
            return RETRY;
        snprintf(t->stopped, sizeof t->stopped,
                 "%s's API asked to wait %lld s (Retry-After), longer than this run waits", forge,
                 (long long)r->retry_after_s);
        return STOP;
    }
    if (r->limit_remaining == 0) {
        t->reset_at = r->limit_reset > 0 ? r->limit_reset : 0;
        snprintf(t->stopped, sizeof t->stopped, "%s's API rate limit is spent", forge);
        return STOP;
    }
    return GO_ON;
}

/* One request, retried while the API asks to wait a little. Returns RD_OK
 * with the answer in r, or STOP (as a positive number) when the forge's
 * requests must end, or an RD_E* code. */
static int ask(fetcher *f, const char *forge, const char *url, const char *body, const char *token,
               size_t repos, rd_api_response *r)
{
    for (int tries = 0;; tries++) {
        rd_api_request req = {url,
                              body,
                              token,
                              f->o->allow_private,
                              f->o->timeout_ms,
                              f->o->user_agent ? f->o->user_agent : "refdex",
                              f->o->cancel_fd};
        rd_error e = {0};
        int rc = rd_api_fetch(&req, f->run, r, &e);
        f->t->requests++;
        if (f->o->on_request)
            f->o->on_request(f->o->ud, body ? "POST" : "GET", url, repos,
                             rc == RD_OK ? r->status : 0, rc == RD_OK ? r->limit_remaining : -1);
        if (rc == RD_ENOMEM)
            return rd_error_set(f->err, rc, "out of memory");
        if (rc < 0) {
            snprintf(f->t->stopped, sizeof f->t->stopped, "%s", e.msg);
            return STOP;
        }
        if (r->status == 401) {
            snprintf(f->t->stopped, sizeof f->t->stopped,
                     "%s's API refused the request (HTTP 401): %s", forge,
                     token ? "is the token right?" : "it needs a token");
            rd_buf_free(&r->body);
            return STOP;
        }
        if (r->status != 403 && r->status != 429)
            return RD_OK;
        int next = limited(f, forge, r, tries);
        if (next != RETRY) {
            if (next == GO_ON)
                return RD_OK; /* a 403 of its own: that repository's answer */
            rd_buf_free(&r->body);
            return STOP;
        }
        rd_buf_free(&r->body);
    }
}

/* After a good answer: a limit that this answer spent stops what follows. */
static int spent(fetcher *f, const char *forge, const rd_api_response *r)
{
    if (r->limit_remaining != 0)
        return 0;
    f->t->reset_at = r->limit_reset > 0 ? r->limit_reset : 0;
    snprintf(f->t->stopped, sizeof f->t->stopped, "%s's API rate limit is spent", forge);
    return 1;
}

static const char graphql_fields[] =
    "{nameWithOwner stargazerCount forkCount isArchived pushedAt defaultBranchRef{name}"
    " licenseInfo{spdxId} description primaryLanguage{name}}";

/* GitHub's GraphQL API, 100 repositories a request. Returns how many of w
 * were handled (the rest are left), or an RD_E* code. */
static long graphql(fetcher *f, rd_repo_want *w, size_t n)
{
    char url[2048];
    snprintf(url, sizeof url, "%s/graphql", f->o->github_api);
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < RD_GRAPHQL_BATCH ? n - done : RD_GRAPHQL_BATCH;
        rd_buf q = {0};
        rd_buf_puts(&q, "{\"query\":\"query{");
        for (size_t i = 0; i < k; i++) {
            const char *name = w[done + i].name, *slash = strchr(name, '/');
            /* names hold only [A-Za-z0-9._-] (rd_repo_of_url): nothing to escape */
            rd_buf_printf(&q, "r%zu:repository(owner:\\\"%.*s\\\",name:\\\"%s\\\")%s ", i,
                          (int)(slash - name), name, slash + 1, graphql_fields);
        }
        rd_buf_puts(&q, "}\"}");
        rd_api_response r;
        int rc = ask(f, "GitHub", url, q.data, f->o->github_token, k, &r);
        rd_buf_free(&q);
        if (rc < 0)
            return rc;
        if (rc == STOP)
            return (long)done;
        size_t bad = 0;
        rd_error e = {0};
        if (r.status == 200) {
            rc = rd_repos_answer_graphql(f->db, r.body.data ? r.body.data : "", r.body.len,
                                         w + done, k, &bad, &e);
            if (rc == RD_EINPUT)
                bad = k;
            else if (rc < 0) {
                rd_buf_free(&r.body);
                *f->err = e;
                return rc;
            }
            f->t->bad += bad;
        } else
            f->t->failed += k;
        rd_buf_free(&r.body);
        rc = rd_repos_store(f->db, &f->t->stored, f->err);
        if (rc < 0)
            return rc;
        done += k;
        if (spent(f, "GitHub", &r))
            return (long)done;
    }
    return (long)done;
}

/* The REST address of one repository. */
static void rest_url(const rd_repos_opts *o, const rd_repo_want *w, char *url, size_t cap)
{
    if (w->forge == RD_FORGE_GITLAB) {
        int n = snprintf(url, cap, "%s/projects/", o->gitlab_api);
        for (const char *p = w->name; *p && n + 4 < (int)cap; p++)
            n += snprintf(url + n, cap - (size_t)n, *p == '/' ? "%%2F" : "%c", *p);
        snprintf(url + n, cap - (size_t)n, "?license=true");
    } else
        snprintf(url, cap, "%s/repos/%s",
                 w->forge == RD_FORGE_GITHUB ? o->github_api : o->gitea_api, w->name);
}

/* A REST request per repository. Returns how many of w were handled. */
static long rest(fetcher *f, rd_repo_want *w, size_t n)
{
    static const char *const forge_names[] = {"", "GitHub", "GitLab", "Codeberg"};
    for (size_t i = 0; i < n; i++) {
        char url[2048];
        rest_url(f->o, &w[i], url, sizeof url);
        const char *token = w[i].forge == RD_FORGE_GITHUB   ? f->o->github_token
                            : w[i].forge == RD_FORGE_GITLAB ? f->o->gitlab_token
                                                            : f->o->gitea_token;
        const char *forge = forge_names[w[i].forge];
        rd_api_response r;
        int rc = ask(f, forge, url, NULL, token, 1, &r);
        if (rc < 0)
            return rc;
        if (rc == STOP)
            return (long)i;
        rd_error e = {0};
        if (r.status == 200 || r.status == 404 || r.status == 410 || r.status == 451) {
            rc = rd_repos_answer_rest(f->db, &w[i], r.status, r.body.data, r.body.len, &e);
            if (rc == RD_EINPUT)
                f->t->bad++;
            else if (rc < 0) {
                rd_buf_free(&r.body);
                *f->err = e;
                return rc;
            }
        } else
            f->t->failed++;
        rd_buf_free(&r.body);
        rc = rd_repos_store(f->db, &f->t->stored, f->err);
        if (rc < 0)
            return rc;
        if (spent(f, forge, &r))
            return (long)i + 1;
    }
    return (long)n;
}

int rd_repos_fetch(rd_db *db, const rd_repos_opts *o, const rd_ctx *run, rd_repos_tally *t,
                   rd_error *err)
{
    memset(t, 0, sizeof *t);
    rd_repo_want *w = NULL;
    size_t n = 0;
    int rc = rd_repos_wanted(db, o->max_age_ms, &w, &n, &t->linked, err);
    if (rc < 0)
        return rc;
    t->wanted = n;
    t->fresh = t->linked - n;
    fetcher f = {db, o, run, t, err};
    /* a forge at a time, each in the catalog's order: one forge's limit does
     * not stop the others */
    rd_repo_want *by_forge = malloc((n ? n : 1) * sizeof *by_forge);
    if (!by_forge) {
        rd_repos_wanted_free(w, n);
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    }
    size_t at = 0;
    for (int forge = RD_FORGE_GITHUB; forge <= RD_FORGE_CODEBERG; forge++)
        for (size_t i = 0; i < n; i++)
            if (w[i].forge == (rd_forge)forge)
                by_forge[at++] = w[i];
    free(w); /* its keys are by_forge's now */
    w = by_forge;
    for (size_t start = 0; rc == RD_OK && start < n;) {
        size_t k = 0;
        while (start + k < n && w[start + k].forge == w[start].forge)
            k++;
        char before[sizeof t->stopped];
        memcpy(before, t->stopped, sizeof before);
        t->stopped[0] = '\0';
        long done = w[start].forge == RD_FORGE_GITHUB && o->github_token ? graphql(&f, w + start, k)
                                                                         : rest(&f, w + start, k);
        if (done < 0)
            rc = (int)done;
        else
            t->left += k - (size_t)done;
        if (!t->stopped[0]) /* the first forge's reason stays when the next had none */
            memcpy(t->stopped, before, sizeof before);
        start += k;
    }
    rd_repos_wanted_free(w, n);
    return rc;
}
