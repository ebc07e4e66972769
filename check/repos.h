/* check/repos.h — fetching repositories' metadata from the forges' APIs for
 * the stored catalog's repository links: GitHub's GraphQL API (100
 * repositories a request) with a token, its REST API (a request each, 60 an
 * hour) without; GitLab's and Gitea's (Codeberg's) REST APIs. Each answer is
 * stored as it comes (db/repos.h). Rate limits are obeyed: a stated wait
 * (Retry-After) of up to a minute is waited, anything longer, or a spent
 * limit (X-RateLimit-Remaining: 0), stops that forge's requests and says how
 * many repositories were left. Every request runs under the run's context. */
#ifndef RD_CHECK_REPOS_H
#define RD_CHECK_REPOS_H

#include "../crawler/api.h"
#include "../db/repos.h"

enum { RD_GRAPHQL_BATCH = 100 };

typedef struct rd_repos_opts {
    /* API base URLs: GitHub's GraphQL at URL/graphql and REST at URL/repos/…,
     * GitLab's URL/projects/…, Gitea's URL/repos/… */
    const char *github_api, *gitlab_api, *gitea_api;
    /* tokens, or NULL; sent only to their forge's API, and never written
     * anywhere (messages, the database) */
    const char *github_token, *gitlab_token, *gitea_token;
    int64_t max_age_ms;  /* a repository fetched more recently is not asked again */
    int64_t timeout_ms;  /* per request */
    int64_t max_wait_ms; /* the longest Retry-After waited for (default 60 s) */
    int allow_private;   /* the address policy's, as for link checks */
    const char *user_agent;
    int cancel_fd; /* readable when the run must stop, or -1 */
    /* Called after each request (for -v): its method, URL (which holds no
     * token), how many repositories it asked for, the HTTP status (0 for
     * none) and X-RateLimit-Remaining (-1 when not sent); may be NULL. */
    void (*on_request)(void *ud, const char *method, const char *url, size_t repos, int status,
                       int64_t remaining);
    void *ud;
} rd_repos_opts;

/* The defaults, in one place. */
void rd_repos_opts_default(rd_repos_opts *o);

typedef struct rd_repos_tally {
    size_t linked;   /* repositories the catalog links */
    size_t fresh;    /* of those, answered within max_age: not asked */
    size_t wanted;   /* asked for, or to be */
    size_t requests; /* API requests made */
    size_t bad;      /* answers that were not what the forge sends (nothing stored) */
    size_t failed;   /* repositories whose request failed (no answer, 5xx) */
    size_t left;     /* not asked: a rate limit, the deadline, an API that is down */
    rd_repos_stored stored;
    int64_t reset_at;   /* when a spent limit resets (a Unix time), 0: none said */
    char stopped[1100]; /* why requests stopped early, "" when they did not */
} rd_repos_tally;

/* Fetches what the stored catalog's repository links need, under run. Returns
 * RD_OK when every request was made or stopped politely (t says how), or an
 * RD_E* code when the database failed. */
int rd_repos_fetch(rd_db *db, const rd_repos_opts *o, const rd_ctx *run, rd_repos_tally *t,
                   rd_error *err);

#endif
