/* check/run.c — one check run over the stored catalog's links. */
#include <curl/curl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../db/repos.h"
#include "check.h"

typedef struct run {
    rd_db *db;
    const rd_check_opts *o;
    rd_check_tally *t;
    rd_target *targets;
    size_t *web;           /* crawl index → target index */
    regex_t *ex, *in;      /* o->exclude's and o->include's, compiled */
    regex_t *remap;        /* o->remap's, compiled, */
    const char **remap_to; /* and their replacements */
    int nremap;
    char **fetched;   /* crawl index → the remapped URL fetched, or NULL */
    int64_t *changed; /* --diff: the URLs of changed entries, ascending */
    size_t nchanged;
    int nex, nin;
    int64_t batch_since; /* when the oldest uncommitted result came */
    rd_error *err;
    int db_failed;
    rd_repo_lookup *repos; /* --repos: the forges' stored answers */
} run;

/* Stores one result and counts it. Returns non-zero when the database
 * failed, which stops the run. */
static int record(run *r, size_t target, rd_result res, const rd_check_row *row)
{
    rd_check_tally *t = r->t;
    t->count[res]++;
    t->done++;
    t->failing += rd_result_fails(res, r->o->strict);
    if (!rd_db_batch_pending(r->db))
        r->batch_since = rd_now_ms();
    if (!r->db_failed &&
        rd_db_check_add(r->db, t->run_id, r->targets[target].url_id, row, r->err) < 0)
        r->db_failed = 1;
    if (r->o->on_result)
        r->o->on_result(r->o->ud, t);
    return r->db_failed;
}

/* Commits waiting results once they are RD_TICK_MS old, even when no other
 * result comes to push them (the last links may take their whole timeout). */
static void on_tick(void *ud, int64_t now)
{
    run *r = ud;
    if (!r->db_failed && rd_db_batch_pending(r->db) && now - r->batch_since >= RD_TICK_MS &&
        rd_db_checks_commit(r->db, r->err) < 0)
        r->db_failed = 1;
}

typedef struct names {
    char *name[RD_FINDINGS_MAX];
    size_t n;
} names;

static int keep_name(const char *name, void *ud)
{
    names *n = ud;
    if (name && (n->name[n->n] = strdup(name)))
        n->n++;
    return n->n == RD_FINDINGS_MAX - 3; /* room for the page's own findings */
}

/* What is wrong with the page (fragment, soft 404, canonical host, link
 * text against title) into *f; names holds the link texts it points into. */
static void find(run *r, size_t index, const rd_check *k, names *nm, rd_findings *f)
{
    size_t target = r->web[index];
    f->n = 0;
    const rd_page *p = k->page;
    if (!p || (k->result != RD_RES_OK && k->result != RD_RES_REDIRECT))
        return;
    if ((p->title[0] || p->og_title[0]) &&
        rd_db_link_names(r->db, r->targets[target].url_id, keep_name, nm, r->err) < 0)
        r->db_failed = 1;
    /* a mirror's moves are not the link's (--remap): judged by the catalog's URL */
    const char *final_url = r->fetched && r->fetched[index] ? NULL : k->final_url;
    rd_page_findings(r->targets[target].url, final_url, p, (const char *const *)nm->name, nm->n, f);
}

static int on_crawled(void *ud, size_t index, const rd_check *k)
{
    run *r = ud;
    names nm = {0};
    rd_findings f;
    find(r, index, k, &nm, &f);
    rd_check_row row = {.result = rd_result_name(k->result),
                        .status_code = k->status,
                        .final_url = k->final_url,
                        .redirects = k->redirects,
                        .elapsed_ms = k->elapsed_ms,
                        .bytes = k->bytes,
                        .error = k->error,
                        .title = k->page ? k->page->title : NULL,
                        .attempts = k->attempts,
                        .http429 = k->http429,
                        .paused_ms = k->paused_ms,
                        .description = k->page ? k->page->description : NULL,
                        .canonical = k->page ? k->page->canonical : NULL,
                        .findings = f.f,
                        .nfindings = f.n};
    char error[sizeof k->error + 600];
    if (r->fetched && r->fetched[index]) { /* --remap: where it was checked */
        int n = snprintf(error, sizeof error, "checked as %s", r->fetched[index]);
        if (k->result == RD_RES_REDIRECT && k->final_url)
            snprintf(error + n, sizeof error - (size_t)n, ": moved permanently to %s",
                     k->final_url);
        else if (k->error[0])
            snprintf(error + n, sizeof error - (size_t)n, ": %s", k->error);
        else if (k->status && k->result != RD_RES_OK)
            snprintf(error + n, sizeof error - (size_t)n, ": HTTP %d", k->status);
        row.final_url = NULL;
        row.error = error;
    }
    r->t->findings += f.n > 0;
    if (r->o->strict && f.n && !rd_result_fails(k->result, 1))
        r->t->failing_pages++; /* --strict: a finding fails the run (DESIGN: "Findings") */
    int stop = record(r, r->web[index], k->result, &row);
    for (size_t i = 0; i < nm.n; i++)
        free(nm.name[i]);
    return stop;
}

/* Relative and file: links name a file beside the catalog. */
static void check_file(run *r, size_t target, const char *url, const char *kind)
{
    char *path = NULL, *decoded = NULL;
    if (!strcmp(kind, "file")) {
        CURLU *u = curl_url();
        if (u && !curl_url_set(u, CURLUPART_URL, url, 0))
            curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE);
        curl_url_cleanup(u);
    } else {
        size_t n = strcspn(url, "?#");
        decoded = curl_easy_unescape(NULL, url, (int)n, NULL);
        const char *cat = r->o->catalog ? r->o->catalog : "";
        const char *slash = strrchr(cat, '/');
        int dir = slash ? (int)(slash - cat) + 1 : 0;
        if (decoded && (path = malloc((size_t)dir + strlen(decoded) + 1)))
            sprintf(path, "%.*s%s", dir, cat, decoded);
    }
    struct stat st;
    char why[300] = "";
    int ok = path && stat(path, &st) == 0;
    if (!ok)
        snprintf(why, sizeof why, "no such file: %s", path ? path : url);
    rd_check_row row = {.result = ok ? "ok" : "broken", .error = why};
    record(r, target, ok ? RD_RES_OK : RD_RES_BROKEN, &row);
    if (!strcmp(kind, "file"))
        curl_free(path);
    else
        free(path);
    curl_free(decoded);
}

static int matches_any(const regex_t *re, int n, const char *url)
{
    for (int i = 0; i < n; i++)
        if (regexec(&re[i], url, 0, NULL, 0) == 0)
            return 1;
    return 0;
}

int rd_remap_compile(const char *rule, regex_t *re, const char **to, rd_error *err)
{
    size_t n = strcspn(rule, " \t");
    const char *rest = rule + n + strspn(rule + n, " \t");
    if (n == 0 || !*rest || rest[strcspn(rest, " \t")])
        return rd_error_set(err, RD_EUSAGE, "--remap '%s': takes 'REGEX REPLACEMENT'", rule);
    char *pattern = strndup(rule, n);
    if (!pattern)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    int rc = regcomp(re, pattern, REG_EXTENDED);
    free(pattern);
    if (rc) {
        char msg[200];
        regerror(rc, re, msg, sizeof msg);
        return rd_error_set(err, RD_EUSAGE, "--remap '%s': %s", rule, msg);
    }
    *to = rest;
    return RD_OK;
}

/* url rewritten by the first --remap that matches, into a new string (the
 * caller frees it); NULL when none matches or out of memory. */
static char *remapped(const run *r, const char *url)
{
    for (int i = 0; i < r->nremap; i++) {
        regmatch_t m[10];
        if (regexec(&r->remap[i], url, 10, m, 0))
            continue;
        rd_buf out = {0};
        rd_buf_append(&out, url, (size_t)m[0].rm_so);
        for (const char *p = r->remap_to[i]; *p; p++) {
            int g = p[0] == '$' && p[1] >= '0' && p[1] <= '9' ? p[1] - '0' : -1;
            if (g < 0) {
                rd_buf_putc(&out, *p);
                continue;
            }
            if (m[g].rm_so >= 0)
                rd_buf_append(&out, url + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
            p++;
        }
        rd_buf_puts(&out, url + m[0].rm_eo);
        return rd_buf_take(&out);
    }
    return NULL;
}

static int compile_patterns(run *r)
{
    const rd_check_opts *o = r->o;
    r->remap = calloc((size_t)o->nremap + 1, sizeof *r->remap);
    r->remap_to = calloc((size_t)o->nremap + 1, sizeof *r->remap_to);
    if (!r->remap || !r->remap_to)
        return rd_error_set(r->err, RD_ENOMEM, "out of memory");
    for (; r->nremap < o->nremap; r->nremap++) {
        int rc = rd_remap_compile(o->remap[r->nremap], &r->remap[r->nremap],
                                  &r->remap_to[r->nremap], r->err);
        if (rc < 0)
            return rc;
    }
    r->ex = calloc((size_t)o->nexclude + 1, sizeof *r->ex);
    r->in = calloc((size_t)o->ninclude + 1, sizeof *r->in);
    if (!r->ex || !r->in)
        return rd_error_set(r->err, RD_ENOMEM, "out of memory");
    for (int k = 0; k < 2; k++) {
        const char *const *pat = k ? o->include : o->exclude;
        int n = k ? o->ninclude : o->nexclude;
        regex_t *re = k ? r->in : r->ex;
        int *done = k ? &r->nin : &r->nex;
        for (; *done < n; (*done)++) {
            int rc = regcomp(&re[*done], pat[*done], REG_EXTENDED | REG_NOSUB);
            if (rc) {
                char msg[200];
                regerror(rc, &re[*done], msg, sizeof msg);
                return rd_error_set(r->err, RD_EUSAGE, "--%s '%s': %s", k ? "include" : "exclude",
                                    pat[*done], msg);
            }
        }
    }
    return RD_OK;
}

/* --repos: checks a link to a repository itself by its forge's stored
 * answer. Returns 1 when it did. */
static int by_api(run *r, size_t target, const char *url)
{
    rd_repo_ref ref;
    if (!r->repos || !rd_repo_of_url(url, &ref))
        return 0;
    const char *rest = url + ref.rest;
    if (!(rest[0] == '\0' || rest[0] == '#' || (rest[0] == '/' && (!rest[1] || rest[1] == '#'))))
        return 0; /* a page of it (/blob/main/x.md) may be gone while it is not */
    char key[RD_REPO_NAME_MAX + 16];
    rd_repo_key(url, key, sizeof key);
    rd_repo_info info;
    int found = rd_repos_lookup(r->repos, key, &info, r->err);
    if (found < 0)
        r->db_failed = 1;
    if (found <= 0)
        return 0;
    static const char *const forge_names[] = {"", "GitHub", "GitLab", "Codeberg"};
    char error[400] = "", moved[RD_REPO_NAME_MAX + 300];
    rd_result res = RD_RES_OK;
    int status = 200;
    const char *final = NULL;
    if (info.gone) {
        res = RD_RES_BROKEN;
        status = 404;
        snprintf(error, sizeof error, "the repository is gone (%s's API does not know it)",
                 forge_names[ref.forge]);
    } else if (strcasecmp(info.name, ref.name)) {
        res = RD_RES_REDIRECT;
        status = 301;
        rd_repo_url(ref.forge, info.name, moved, sizeof moved);
        size_t n = strlen(moved);
        snprintf(moved + n, sizeof moved - n, "%s", rest);
        final = moved;
        snprintf(error, sizeof error, "renamed to %s (%s's API)", info.name,
                 forge_names[ref.forge]);
    }
    rd_check_row row = {.result = rd_result_name(res),
                        .status_code = status,
                        .final_url = final,
                        .redirects = final ? 1 : 0,
                        .error = error[0] ? error : NULL};
    record(r, target, res, &row);
    r->t->by_api++;
    return 1;
}

/* What the host rule of url says of it ([host "x"] treat =), u a handle to
 * reuse: RD_TREAT_CHECK when there is no rule. */
static rd_treat treat_of(const rd_crawl_opts *o, CURLU *u, const char *url)
{
    /* most URLs name no rule's host at all: a substring test first spares
     * them curl's parse (0.4 µs a URL; every run has the walled hosts'
     * default rules) */
    int named = 0;
    for (size_t i = 0; i < o->nhosts && !named; i++)
        named = strstr(url, o->hosts[i].host) != NULL;
    char *host = NULL;
    if (!named || !u || curl_url_set(u, CURLUPART_URL, url, 0) ||
        curl_url_get(u, CURLUPART_HOST, &host, 0))
        return RD_TREAT_CHECK;
    const rd_host_rule *rule = rd_host_rule_for(o, host);
    curl_free(host);
    return rule ? rule->treat : RD_TREAT_CHECK;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* --diff: whether no changed entry links the target. */
static int unchanged(const run *r, const rd_target *g)
{
    return r->o->diff_rev && (!r->nchanged || !bsearch(&g->url_id, r->changed, r->nchanged,
                                                       sizeof *r->changed, cmp_id));
}

/* Decides every target that needs no network (unchanged, excluded, cached,
 * mailto, files, other schemes) and lists the web ones in urls; returns how
 * many. */
static size_t sort_targets(run *r, const char **urls)
{
    size_t nweb = 0;
    CURLU *u = r->o->crawl.nhosts ? curl_url() : NULL;
    for (size_t i = 0; i < r->t->total && !r->db_failed; i++) {
        const rd_target *g = &r->targets[i];
        int excluded =
            matches_any(r->ex, r->nex, g->url) || (r->nin && !matches_any(r->in, r->nin, g->url));
        rd_treat treat =
            excluded || strcmp(g->kind, "web") ? RD_TREAT_CHECK : treat_of(&r->o->crawl, u, g->url);
        if (unchanged(r, g)) {
            char why[300];
            snprintf(why, sizeof why, "not changed since %.200s (--diff): not fetched",
                     r->o->diff_rev);
            rd_check_row row = {.result = "unchanged", .error = why};
            record(r, i, RD_RES_UNCHANGED, &row);
        } else if (treat == RD_TREAT_SKIP) {
            rd_check_row row = {.result = "excluded",
                                .error = "its host's treat = skip (refdex.ini)"};
            record(r, i, RD_RES_EXCLUDED, &row);
        } else if (treat == RD_TREAT_BLOCKED) {
            rd_check_row row = {.result = "blocked",
                                .error =
                                    "its host blocks link checkers (treat = blocked): not fetched"};
            record(r, i, RD_RES_BLOCKED, &row);
        } else if (excluded) {
            rd_check_row row = {.result = "excluded", .error = "--exclude/--include/.refdexignore"};
            record(r, i, RD_RES_EXCLUDED, &row);
        } else if (g->fresh) {
            rd_check_row row = {.result = "cached",
                                .status_code = g->fresh_status,
                                .final_url = g->fresh_final_url,
                                .title = g->fresh_title,
                                .cached_from = g->fresh_id};
            r->t->findings += g->fresh_findings != 0;
            r->t->failing_pages += r->o->strict && g->fresh_findings;
            record(r, i, RD_RES_CACHED, &row);
        } else if (!strcmp(g->kind, "mailto")) {
            rd_check_row row = {.result = "ok", .error = "e-mail address: syntax only"};
            record(r, i, RD_RES_OK, &row);
        } else if (!strcmp(g->kind, "relative") || !strcmp(g->kind, "file")) {
            check_file(r, i, g->url, g->kind);
        } else if (!strcmp(g->kind, "web") && by_api(r, i, g->url)) {
            /* checked by its forge's answer */
        } else if (!strcmp(g->kind, "web")) {
            r->web[nweb] = i;
            char *to = r->nremap ? remapped(r, g->url) : NULL;
            if (r->fetched) /* always, with --remap */
                r->fetched[nweb] = to;
            urls[nweb++] = to ? to : g->url;
        } else {
            rd_check_row row = {.result = "excluded", .error = "only http(s) links are fetched"};
            record(r, i, RD_RES_EXCLUDED, &row);
        }
    }
    curl_url_cleanup(u);
    return nweb;
}

int rd_shard_of_url(const char *url, int shards)
{
    CURLU *u = curl_url();
    char *host = NULL;
    if (u && !curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME))
        curl_url_get(u, CURLUPART_HOST, &host, 0);
    int k = rd_shard_of_host(host ? host : "", shards);
    curl_free(host);
    curl_url_cleanup(u);
    return k;
}

/* Keeps the targets of the run's shard, in their order, freeing the others. */
static void keep_shard(run *r)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->t->total; i++) {
        if (rd_shard_of_url(r->targets[i].url, r->o->shards) == r->o->shard)
            r->targets[kept++] = r->targets[i];
        else
            rd_targets_free_one(&r->targets[i]);
    }
    r->t->total = kept;
}

/* --offline: keeps the targets that need no network (files, relative links,
 * e-mail addresses), in their order, freeing the web ones, which it counts. */
static void keep_local(run *r)
{
    size_t kept = 0;
    for (size_t i = 0; i < r->t->total; i++) {
        if (strcmp(r->targets[i].kind, "web"))
            r->targets[kept++] = r->targets[i];
        else
            rd_targets_free_one(&r->targets[i]);
    }
    r->t->offline_web = r->t->total - kept;
    r->t->total = kept;
}

/* Fetches the web links under the run's context. The links the run ended
 * before they started are stored already (rd_db_run_begin's placeholders):
 * they are only counted. */
static int crawl_web(run *r, rd_ctx *ctx, const char **urls, size_t nweb, rd_crawl_stats *st)
{
    rd_crawl_opts co = r->o->crawl;
    co.tick = on_tick;
    memset(st, 0, sizeof *st);
    if (r->o->interrupted && r->o->interrupted(r->o->ud))
        rd_ctx_cancel(ctx);
    int rc = rd_crawl(&co, ctx, urls, nweb, on_crawled, r, st, r->err);
    rd_check_tally *t = r->t;
    t->count[RD_RES_CANCELLED] += st->unstarted;
    t->done += st->unstarted;
    t->failing += st->unstarted * (size_t)rd_result_fails(RD_RES_CANCELLED, r->o->strict);
    if (st->unstarted && r->o->on_result)
        r->o->on_result(r->o->ud, t);
    return rc;
}

/* Ends the run with its outcome, even after a failure: what was stored
 * stays. Says whether the network looked down. */
static int finish(run *r, const rd_crawl_stats *st, int rc)
{
    rd_check_tally *t = r->t;
    int interrupted = r->o->interrupted && r->o->interrupted(r->o->ud);
    t->hosts = st->hosts;
    t->host_pauses = st->host_pauses;
    /* no server of several hosts could be reached: nothing was checked, so
     * nothing is called broken (one dead host is just that) */
    t->network_down = !interrupted && st->hosts > 1 && st->resolved == 0 && st->refused == 0 &&
                      st->count[RD_RES_ERROR] == t->web;
    t->outcome = interrupted                   ? "interrupted"
                 : t->network_down             ? "offline"
                 : st->count[RD_RES_CANCELLED] ? "deadline"
                                               : "completed";
    rd_error end_err = {0};
    int ended = rd_db_run_end(r->db, t->run_id, t->outcome, &end_err);
    if (ended < 0 && rc == RD_OK) {
        rc = ended;
        *r->err = end_err;
    }
    /* what fails the run is read back from the history, as reports read it */
    if (rc == RD_OK && ended == RD_OK)
        rc = rd_db_run_verdicts(r->db, t->run_id, r->o->strict, &t->failing, &t->flaky, r->err);
    if (rc == RD_OK && ended == RD_OK) /* and, with --strict, the pages with findings */
        t->failing += t->failing_pages;
    t->elapsed_ms = rd_now_ms() - t->started_ms;
    return rc;
}

int rd_check_links(rd_db *db, const rd_check_opts *o, rd_check_tally *t, rd_error *err)
{
    memset(t, 0, sizeof *t);
    t->started_ms = rd_now_ms();
    t->outcome = "completed";
    /* the deadline is the whole run's: storing what needs no network, and
     * every link's placeholder, count against it too */
    rd_ctx ctx;
    rd_ctx_init(&ctx, t->started_ms, o->deadline_ms);
    run r = {.db = db, .o = o, .t = t, .err = err};
    rd_run_options ro = {o->crawl.timeout_ms,
                         o->deadline_ms,
                         o->max_age_ms,
                         o->crawl.max_bytes,
                         o->crawl.host_interval_ms,
                         o->crawl.concurrency,
                         o->crawl.per_host,
                         o->crawl.retries,
                         o->crawl.use_head,
                         o->shard,
                         o->shards,
                         o->fail_after};
    const char **urls = NULL;
    rd_crawl_stats st = {0};
    int rc = compile_patterns(&r);
    if (rc == RD_OK && o->repos)
        rc = rd_repos_lookup_open(db, o->repo_max_age_ms, &r.repos, err);
    if (rc == RD_OK)
        rc = rd_db_targets(db, o->max_age_ms, &r.targets, &t->total, err);
    t->catalog = t->total;
    if (rc == RD_OK && o->shards > 0)
        keep_shard(&r);
    if (rc == RD_OK && o->offline)
        keep_local(&r);
    if (rc == RD_OK && o->diff_rev)
        rc = rd_db_urls_on_lines(db, o->diff_lines, o->ndiff, &r.changed, &r.nchanged, err);
    if (rc == RD_OK)
        rc = rd_db_run_begin(db, &ro, r.targets, t->total, &t->run_id, err);
    if (rc == RD_OK) {
        r.web = malloc((t->total ? t->total : 1) * sizeof *r.web);
        urls = malloc((t->total ? t->total : 1) * sizeof *urls);
        if (o->nremap)
            r.fetched = calloc(t->total ? t->total : 1, sizeof *r.fetched);
        rc = r.web && urls && (r.fetched || !o->nremap)
                 ? RD_OK
                 : rd_error_set(err, RD_ENOMEM, "out of memory");
        if (rc == RD_OK)
            t->web = sort_targets(&r, urls);
        if (rc == RD_OK && !r.db_failed)
            rc = crawl_web(&r, &ctx, urls, t->web, &st);
        if (rc == RD_OK && r.db_failed)
            rc = err->code;
        rc = finish(&r, &st, rc);
        if (rc == RD_OK && o->archive && !t->network_down)
            rc = rd_check_archive(db, o, &ctx, t, err);
        t->elapsed_ms = rd_now_ms() - t->started_ms;
    }
    rd_targets_free(r.targets, t->total);
    rd_repos_lookup_close(r.repos);
    free(r.web);
    free(urls);
    for (int i = 0; i < r.nex; i++)
        regfree(&r.ex[i]);
    for (int i = 0; i < r.nin; i++)
        regfree(&r.in[i]);
    free(r.ex);
    free(r.in);
    for (int i = 0; i < r.nremap; i++)
        regfree(&r.remap[i]);
    free(r.remap);
    free(r.remap_to);
    for (size_t i = 0; r.fetched && i < t->web; i++)
        free(r.fetched[i]);
    free(r.fetched);
    free(r.changed);
    return rc;
}
