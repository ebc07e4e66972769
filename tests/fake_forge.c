/* tests/fake_forge.c — a fake GitHub (GraphQL and REST), GitLab and Gitea API
 * on 127.0.0.1, for `refdex repos`, `check --repos` and `stale`. Prints its
 * port on the first line, then a line per request: "METHOD PATH repos=N
 * auth=yes|no" (never the token), and serves until SIGTERM or --lifetime
 * seconds (default 120).
 *
 * A repository's answer follows from its name: a repository or owner whose
 * name starts with "gone" does not exist; "old-X" was renamed to
 * "moved/X"; "arch-X" is archived, last pushed 2019-05-01; "evil-X" answers
 * with a canonical name that is Markdown ("evil/x](javascript:alert(1))");
 * "stale-X" was last pushed 2020-01-01; any other is alive, pushed
 * 2026-10-01, with stars from its name's bytes.
 *
 * Options: --token T (GraphQL needs "Authorization: Bearer T"; REST with it
 * has no limit), --rest-limit N (REST without a token answers N requests,
 * then 403 with X-RateLimit-Remaining: 0), --secondary N (the first N
 * requests answer 403 with Retry-After: --retry-after S, default 1),
 * --mode malformed|huge|slow|nodata (every answer is that). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *token, *mode = "normal";
static int rest_limit = -1, secondary, retry_after = 1;
static atomic_int rest_used, requests;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(buf *b, const char *fmt, ...)
{
    char tmp[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* The JSON object of repository owner/name in GraphQL's (graphql 1) or
 * REST's field names, into b; 0 when it does not exist. */
static int repo_json(buf *b, const char *owner, const char *name, int graphql, int gitlab)
{
    if (!strncmp(owner, "gone", 4) || !strncmp(name, "gone", 4))
        return 0;
    char canon[512];
    const char *pushed = "2026-10-01T00:00:00Z";
    int archived = 0, stars = 0;
    for (const char *p = name; *p; p++)
        stars += (unsigned char)*p;
    if (!strncmp(name, "old-", 4))
        snprintf(canon, sizeof canon, "moved/%s", name + 4);
    else if (!strncmp(name, "evil-", 5))
        snprintf(canon, sizeof canon, "evil/x](javascript:alert(1))");
    else
        snprintf(canon, sizeof canon, "%s/%s", owner, name);
    if (!strncmp(name, "arch-", 5))
        archived = 1, pushed = "2019-05-01T10:00:00Z";
    if (!strncmp(name, "stale-", 6))
        pushed = "2020-01-01T00:00:00Z";
    if (graphql)
        putf(b,
             "{\"nameWithOwner\":\"%s\",\"stargazerCount\":%d,\"forkCount\":%d,\"isArchived\":%s,"
             "\"pushedAt\":\"%s\",\"defaultBranchRef\":{\"name\":\"main\"},"
             "\"licenseInfo\":{\"spdxId\":\"MIT\"},\"description\":\"The %s library\","
             "\"primaryLanguage\":{\"name\":\"Go\"}}",
             canon, stars, stars / 10, archived ? "true" : "false", pushed, name);
    else if (gitlab)
        putf(b,
             "{\"id\":1,\"path_with_namespace\":\"%s\",\"star_count\":%d,\"forks_count\":%d,"
             "\"archived\":%s,\"last_activity_at\":\"%s\",\"default_branch\":\"main\","
             "\"license\":{\"key\":\"mit\"},\"description\":\"The %s library\"}",
             canon, stars, stars / 10, archived ? "true" : "false", pushed, name);
    else
        putf(b,
             "{\"full_name\":\"%s\",\"stargazers_count\":%d,\"stars_count\":%d,"
             "\"forks_count\":%d,\"archived\":%s,\"pushed_at\":\"%s\",\"updated_at\":\"%s\","
             "\"default_branch\":\"main\",\"license\":{\"spdx_id\":\"MIT\"},"
             "\"description\":\"The %s library\",\"language\":\"Go\"}",
             canon, stars, stars, stars / 10, archived ? "true" : "false", pushed, pushed, name);
    return 1;
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, buf *b, int remaining,
                              long reset, int after)
{
    if (!strcmp(mode, "malformed")) {
        b->n = 0;
        puts_(b, "{\"data\":{\"r0\":{\"nameWithOwner\":");
    } else if (!strcmp(mode, "nodata")) {
        b->n = 0;
        puts_(b, "{\"errors\":[{\"type\":\"RATE_LIMITED\",\"message\":\"slow\"}]}");
    } else if (!strcmp(mode, "huge")) {
        b->n = 0;
        puts_(b, "{\"data\":{\"pad\":\"");
        char block[1024];
        memset(block, 'x', sizeof block);
        for (int i = 0; i < 10 * 1024; i++) /* 10 MiB */
            put(b, block, sizeof block);
        puts_(b, "\"}}");
    } else if (!strcmp(mode, "slow")) {
        for (int i = 0; i < 300 && !stop; i++)
            usleep(100 * 1000);
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(b->n, b->p, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    char v[32];
    if (remaining >= 0) {
        snprintf(v, sizeof v, "%d", remaining);
        MHD_add_response_header(r, "X-RateLimit-Remaining", v);
        snprintf(v, sizeof v, "%ld", reset);
        MHD_add_response_header(r, "X-RateLimit-Reset", v);
    }
    if (after >= 0) {
        snprintf(v, sizeof v, "%d", after);
        MHD_add_response_header(r, "Retry-After", v);
    }
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* The aliases of a GraphQL query: rN:repository(owner:\"O\",name:\"N\"). */
static int graphql(buf *out, const char *q)
{
    int n = 0;
    puts_(out, "{\"data\":{");
    buf errors = {0};
    const char *p = q;
    while ((p = strstr(p, ":repository(owner:\\\""))) {
        const char *alias = p;
        while (alias > q && alias[-1] != '{' && alias[-1] != ' ')
            alias--;
        char a[16], owner[128], name[128];
        snprintf(a, sizeof a, "%.*s", (int)(p - alias), alias);
        if (sscanf(p, ":repository(owner:\\\"%127[^\\]\\\",name:\\\"%127[^\\]", owner, name) != 2)
            break;
        putf(out, "%s\"%s\":", n ? "," : "", a);
        if (!repo_json(out, owner, name, 1, 0)) {
            puts_(out, "null");
            putf(&errors, "%s{\"type\":\"NOT_FOUND\",\"path\":[\"%s\"],\"message\":\"no %s/%s\"}",
                 errors.n ? "," : "", a, owner, name);
        }
        n++;
        p++;
    }
    puts_(out, "}");
    if (errors.n) {
        puts_(out, ",\"errors\":[");
        put(out, errors.p, errors.n);
        puts_(out, "]");
    }
    puts_(out, "}");
    free(errors.p);
    return n;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)cls, (void)version;
    buf *body = *state;
    if (!body) {
        *state = calloc(1, sizeof(buf));
        return MHD_YES;
    }
    if (*upload_size) {
        put(body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    int authed = 0;
    if (auth && token) {
        char want[512];
        snprintf(want, sizeof want, "Bearer %s", token);
        authed = !strcmp(auth, want);
    }
    int k = atomic_fetch_add(&requests, 1);
    long reset = (long)time(NULL) + 3600;
    buf out = {0};
    puts_(&out, "");
    enum MHD_Result ret;
    int repos = 0;
    if (k < secondary) {
        puts_(&out, "{\"message\":\"You have exceeded a secondary rate limit\"}");
        ret = answer(c, 403, &out, -1, 0, retry_after);
    } else if (!strcmp(url, "/graphql") && !strcmp(method, "POST")) {
        if (!authed) {
            puts_(&out, "{\"message\":\"Bad credentials\"}");
            ret = answer(c, 401, &out, -1, 0, -1);
        } else {
            repos = graphql(&out, body->p ? body->p : "");
            ret = answer(c, 200, &out, 5000 - k, reset, -1);
        }
    } else {
        char owner[256] = "", name[256] = "";
        int gitlab = 0, remaining = -1;
        if (!strncmp(url, "/api/v4/projects/", 17)) {
            gitlab = 1;
            const char *path = url + 17, *slash = strrchr(path, '/');
            if (slash)
                snprintf(owner, sizeof owner, "%.*s", (int)(slash - path), path),
                    snprintf(name, sizeof name, "%s", slash + 1);
        } else {
            const char *path = !strncmp(url, "/repos/", 7)           ? url + 7
                               : !strncmp(url, "/repositories/", 14) ? url + 14
                               : !strncmp(url, "/api/v1/repos/", 14) ? url + 14
                                                                     : NULL;
            if (path)
                sscanf(path, "%255[^/]/%255s", owner, name);
        }
        int github = !strncmp(url, "/repos/", 7) || !strncmp(url, "/repositories/", 14);
        if (github && !authed && rest_limit >= 0) {
            int used = atomic_fetch_add(&rest_used, 1);
            remaining = rest_limit - used - 1;
            if (remaining < 0) {
                puts_(&out, "{\"message\":\"API rate limit exceeded\"}");
                ret = answer(c, 403, &out, 0, reset, -1);
                goto done;
            }
        }
        repos = 1;
        if (!owner[0] || !name[0]) {
            puts_(&out, "{\"message\":\"Not Found\"}");
            ret = answer(c, 404, &out, remaining, reset, -1);
        } else if (github && !strncmp(url, "/repos/", 7) && !strncmp(name, "old-", 4)) {
            /* GitHub answers a renamed repository's old name with a redirect */
            char loc[600];
            snprintf(loc, sizeof loc, "/repositories/%s/%s", owner, name);
            struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
            MHD_add_response_header(r, "Location", loc);
            ret = MHD_queue_response(c, 301, r);
            MHD_destroy_response(r);
        } else if (repo_json(&out, owner, name, 0, gitlab))
            ret = answer(c, 200, &out, remaining, reset, -1);
        else {
            puts_(&out, "{\"message\":\"Not Found\"}");
            ret = answer(c, 404, &out, remaining, reset, -1);
        }
    }
done:
    printf("%s %s repos=%d auth=%s\n", method, url, repos, authed ? "yes" : auth ? "wrong" : "no");
    fflush(stdout);
    free(out.p);
    return ret;
}

static void done_request(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls, (void)c, (void)code;
    buf *b = *state;
    if (b)
        free(b->p);
    free(b);
    *state = NULL;
}

int main(int argc, char **argv)
{
    int lifetime = 120;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--lifetime"))
            lifetime = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--token"))
            token = argv[i + 1];
        else if (!strcmp(argv[i], "--rest-limit"))
            rest_limit = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--secondary"))
            secondary = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--retry-after"))
            retry_after = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--mode"))
            mode = argv[i + 1];
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                         NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED,
                         done_request, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "fake_forge: cannot start\n");
        return 1;
    }
    printf("%d\n", MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
    fflush(stdout);
    for (int t = 0; !stop && t < lifetime * 10; t++)
        usleep(100 * 1000);
    MHD_stop_daemon(d);
    return 0;
}
