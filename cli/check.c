/* cli/check.c — `refdex check`: ingest, then check every link, store the
 * results, report. Signals cancel the run through a self-pipe. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The one piece of global state: the pipe a signal writes to. */
static int signal_pipe[2] = {-1, -1};
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    int saved = errno;
    got_signal = sig;
    if (signal_pipe[1] >= 0 && write(signal_pipe[1], "!", 1) < 0) {
        /* nothing to do: the flag is set */
    }
    errno = saved;
}

static int install_signals(void)
{
    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        return -1;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return 0;
}

static void remove_signals(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    close(signal_pipe[0]);
    close(signal_pipe[1]);
    signal_pipe[0] = signal_pipe[1] = -1;
}

typedef struct checker {
    rd_config *cfg;
    rd_db *db;
    int64_t run_id;
    rd_target *targets;
    size_t ntargets;
    size_t *web;   /* crawl index → target index */
    rd_report_summary sum;
    size_t failing;
    int64_t started_ms, last_progress_ms;
    int64_t batch_since; /* when the oldest uncommitted result came */
    int progress; /* stderr is a terminal */
    rd_error err;
    int db_failed;
} checker;

static void progress(checker *c, int final)
{
    int64_t now = rd_now_ms();
    if (!c->progress || (!final && now - c->last_progress_ms < 100))
        return;
    c->last_progress_ms = now;
    size_t done = 0;
    for (int r = 0; r < RD_RES_COUNT; r++)
        done += c->sum.count[r];
    double secs = (now - c->started_ms) / 1000.0, rate = secs > 0 ? done / secs : 0;
    if (final) {
        fputs("\r\033[K", stderr);
        return;
    }
    fprintf(stderr, "\r\033[K%zu/%zu checked, %zu failing, %.0f/s, ETA %.0f s", done,
            c->sum.total, c->failing, rate, rate > 0 ? (c->sum.total - done) / rate : 0.0);
}

/* Stores one result and counts it. */
static int record(checker *c, size_t t, rd_result r, const rd_check_row *row)
{
    c->sum.count[r]++;
    c->failing += rd_result_fails(r, c->cfg->strict);
    if (!rd_db_batch_pending(c->db))
        c->batch_since = rd_now_ms();
    if (!c->db_failed && rd_db_check_add(c->db, c->run_id, c->targets[t].url_id, row, &c->err) < 0)
        c->db_failed = 1;
    progress(c, 0);
    return c->db_failed; /* a database that fails stops the run */
}

/* Commits waiting results once they are RD_TICK_MS old, even when no other
 * result comes to push them (the last links may take their whole timeout). */
static void on_tick(void *ud, int64_t now)
{
    checker *c = ud;
    if (!c->db_failed && rd_db_batch_pending(c->db) && now - c->batch_since >= RD_TICK_MS &&
        rd_db_checks_commit(c->db, &c->err) < 0)
        c->db_failed = 1;
}

static int on_result(void *ud, size_t index, const rd_check *k)
{
    checker *c = ud;
    rd_check_row row = {rd_result_name(k->result), k->status, k->final_url, k->redirects,
                        k->elapsed_ms, k->bytes, k->error, k->title};
    return record(c, c->web[index], k->result, &row);
}

/* Relative and file: links name a file beside the catalog. */
static void check_file(checker *c, size_t t, const char *url, const char *kind)
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
        const char *slash = strrchr(c->cfg->file, '/');
        int dir = slash ? (int)(slash - c->cfg->file) + 1 : 0;
        if (decoded && (path = malloc((size_t)dir + strlen(decoded) + 1)))
            sprintf(path, "%.*s%s", dir, c->cfg->file, decoded);
    }
    struct stat st;
    char why[300] = "";
    int ok = path && stat(path, &st) == 0;
    if (!ok)
        snprintf(why, sizeof why, "no such file: %s", path ? path : url);
    rd_check_row row = {ok ? "ok" : "broken", 0, NULL, 0, 0, 0, why, NULL};
    record(c, t, ok ? RD_RES_OK : RD_RES_BROKEN, &row);
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

static int compile_patterns(const rd_config *cfg, regex_t *ex, regex_t *in)
{
    for (int k = 0; k < 2; k++) {
        const char *const *pat = k ? cfg->include : cfg->exclude;
        int n = k ? cfg->ninclude : cfg->nexclude;
        regex_t *re = k ? in : ex;
        for (int i = 0; i < n; i++) {
            int rc = regcomp(&re[i], pat[i], REG_EXTENDED | REG_NOSUB);
            if (rc) {
                char msg[200];
                regerror(rc, &re[i], msg, sizeof msg);
                fprintf(stderr, "refdex: --%s '%s': %s\n", k ? "include" : "exclude", pat[i],
                        msg);
                for (int j = 0; j < i; j++)
                    regfree(&re[j]);
                if (k)
                    for (int j = 0; j < cfg->nexclude; j++)
                        regfree(&ex[j]);
                return RD_EXIT_USAGE;
            }
        }
    }
    return RD_EXIT_OK;
}

/* Decides every target that needs no network (excluded, cached, mailto,
 * files, other schemes) and lists the web ones in urls. */
static size_t sort_targets(checker *c, const regex_t *ex, const regex_t *in, const char **urls)
{
    size_t nweb = 0;
    for (size_t t = 0; t < c->ntargets; t++) {
        const rd_target *g = &c->targets[t];
        int excluded = matches_any(ex, c->cfg->nexclude, g->url) ||
                       (c->cfg->ninclude && !matches_any(in, c->cfg->ninclude, g->url));
        if (excluded) {
            rd_check_row row = {"excluded", 0, NULL, 0, 0, 0, "--exclude/--include", NULL};
            record(c, t, RD_RES_EXCLUDED, &row);
        } else if (g->fresh) {
            rd_check_row row = {"cached", g->fresh_status, g->fresh_final_url, 0, 0, 0,
                                NULL, g->fresh_title};
            record(c, t, RD_RES_CACHED, &row);
        } else if (!strcmp(g->kind, "mailto")) {
            rd_check_row row = {"ok", 0, NULL, 0, 0, 0, "e-mail address: syntax only", NULL};
            record(c, t, RD_RES_OK, &row);
        } else if (!strcmp(g->kind, "relative") || !strcmp(g->kind, "file")) {
            check_file(c, t, g->url, g->kind);
        } else if (!strcmp(g->kind, "web")) {
            c->web[nweb] = t;
            urls[nweb++] = g->url;
        } else {
            rd_check_row row = {"excluded", 0, NULL, 0, 0, 0, "only http(s) links are fetched",
                                NULL};
            record(c, t, RD_RES_EXCLUDED, &row);
        }
    }
    return nweb;
}

static int crawl_web(checker *c, const char **urls, size_t nweb, rd_crawl_stats *st)
{
    rd_config *cfg = c->cfg;
    rd_ctx run;
    rd_ctx_init(&run, rd_now_ms(), cfg->deadline_ms);
    rd_crawl_opts o = cfg->crawl;
    o.cancel_fd = signal_pipe[0];
    o.tick = on_tick;
    memset(st, 0, sizeof *st);
    if (got_signal)
        rd_ctx_cancel(&run);
    int rc = rd_crawl(&o, &run, urls, nweb, on_result, c, st, &c->err);
    progress(c, 1);
    return rc;
}

int rd_run_check(rd_config *cfg, rd_report_format format, FILE *out, size_t *failing,
                 int *network_down)
{
    *network_down = 0;
    regex_t ex[RD_MAX_PATTERNS], in[RD_MAX_PATTERNS];
    int rc = compile_patterns(cfg, ex, in);
    if (rc != RD_EXIT_OK)
        return rc;
    checker c = {.cfg = cfg, .started_ms = rd_now_ms(), .progress = isatty(2) && cfg->verbosity >= 0};
    c.sum.strict = cfg->strict;
    rd_run_options ro = {cfg->crawl.timeout_ms, cfg->deadline_ms,   cfg->max_age_ms,
                         cfg->crawl.max_bytes,  cfg->crawl.host_interval_ms,
                         cfg->crawl.concurrency, cfg->crawl.per_host, cfg->crawl.retries,
                         cfg->crawl.use_head};
    const char **urls = NULL;
    rd_crawl_stats st = {0};
    size_t nweb = 0;
    int e = rd_db_open(cfg->db_path, 0, &c.db, &c.err);
    if (e == RD_OK)
        e = rd_db_targets(c.db, cfg->max_age_ms, &c.targets, &c.ntargets, &c.err);
    if (e == RD_OK && install_signals() < 0)
        e = rd_error_set(&c.err, RD_EINTERNAL, "cannot set up signal handling");
    if (e == RD_OK)
        e = rd_db_run_begin(c.db, &ro, &c.run_id, &c.err);
    if (e == RD_OK) {
        c.sum.total = c.ntargets;
        c.web = malloc((c.ntargets ? c.ntargets : 1) * sizeof *c.web);
        urls = malloc((c.ntargets ? c.ntargets : 1) * sizeof *urls);
        e = c.web && urls ? RD_OK : rd_error_set(&c.err, RD_ENOMEM, "out of memory");
    }
    if (e == RD_OK) {
        nweb = sort_targets(&c, ex, in, urls);
        if (!c.db_failed)
            e = crawl_web(&c, urls, nweb, &st);
    }
    if (e == RD_OK && c.db_failed)
        e = c.err.code;
    const char *outcome = got_signal ? "interrupted"
                          : st.count[RD_RES_CANCELLED] ? "deadline" : "completed";
    if (c.db && c.run_id) { /* even after a failure: what was stored stays */
        rd_error end_err = {0};
        int ended = rd_db_run_end(c.db, c.run_id, outcome, &end_err);
        if (ended < 0 && e == RD_OK) {
            e = ended;
            c.err = end_err;
        }
    }
    c.sum.elapsed_ms = rd_now_ms() - c.started_ms;
    /* no server of several hosts could be reached: say so, once, rather than
     * call every link broken (one dead host is just that); the text report is
     * then only its summary, the others keep every row */
    *network_down = !got_signal && st.hosts > 1 && st.resolved == 0 &&
                    st.count[RD_RES_ERROR] == nweb;
    if (e == RD_OK && *network_down && format == RD_REPORT_TEXT)
        rd_report_summary_line(&c.sum, out);
    else if (e == RD_OK)
        e = rd_report_write(c.db, c.run_id, cfg->file, format, &c.sum, out, &c.err);
    if (signal_pipe[0] >= 0)
        remove_signals();
    rd_db_close(c.db);
    rd_targets_free(c.targets, c.ntargets);
    free(c.web);
    free(urls);
    for (int i = 0; i < cfg->nexclude; i++)
        regfree(&ex[i]);
    for (int i = 0; i < cfg->ninclude; i++)
        regfree(&in[i]);
    *failing = c.failing;
    if (e < 0) {
        rd_cli_error(&c.err);
        return rd_exit_for(e);
    }
    if (got_signal) {
        fprintf(stderr, "refdex: interrupted; the results so far are saved in %s\n",
                cfg->db_path);
        return RD_EXIT_INTERRUPTED;
    }
    if (*network_down)
        fprintf(stderr, "refdex: the network looks unavailable: no server could be reached "
                        "for any of the %zu web links (%zu hosts); nothing was checked\n",
                nweb, st.hosts);
    return RD_EXIT_OK;
}

int rd_cmd_check(rd_config *cfg)
{
    int fmt = rd_report_format_parse(cfg->format ? cfg->format : "text");
    if (fmt < 0) {
        fprintf(stderr, "refdex: check --format is text, json, junit, github or markdown, "
                        "not '%s'\n", cfg->format);
        return RD_EXIT_USAGE;
    }
    int rc = rd_cli_ingest(cfg, cfg->verbosity > 0 ? stderr : NULL);
    if (rc != RD_EXIT_OK)
        return rc;
    FILE *out = stdout;
    if (cfg->output && !(out = fopen(cfg->output, "w"))) {
        fprintf(stderr, "refdex: %s: %s\n", cfg->output, strerror(errno));
        return RD_EXIT_USAGE;
    }
    size_t failing = 0;
    int network_down;
    rc = rd_run_check(cfg, (rd_report_format)fmt, out, &failing, &network_down);
    if (out != stdout && fclose(out) != 0) {
        fprintf(stderr, "refdex: %s: %s\n", cfg->output, strerror(errno));
        return RD_EXIT_INTERNAL;
    }
    if (rc == RD_EXIT_OK && network_down)
        rc = RD_EXIT_INTERNAL; /* nothing was really checked: not "broken" */
    else if (rc == RD_EXIT_OK && failing)
        rc = RD_EXIT_FINDINGS;
    return rc;
}
