/* cli/check.c — `refdex check`: ingest, then check every link (check/), and
 * report. Signals cancel the run through a self-pipe; progress is drawn on a
 * terminal. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

int rd_cli_signals_on(void)
{
    return install_signals() < 0 ? -1 : signal_pipe[0];
}

void rd_cli_signals_off(void)
{
    if (signal_pipe[0] >= 0)
        remove_signals();
}

int rd_cli_interrupted(void)
{
    return got_signal != 0;
}

/* Progress on a terminal: a line redrawn at most every 100 ms. */
typedef struct progress {
    int on; /* stderr is a terminal */
    int64_t last_ms;
} progress;

static void draw(void *ud, const rd_check_tally *t)
{
    progress *p = ud;
    int64_t now = rd_now_ms();
    if (!p->on || now - p->last_ms < 100)
        return;
    p->last_ms = now;
    double secs = (now - t->started_ms) / 1000.0, rate = secs > 0 ? t->done / secs : 0;
    fprintf(stderr, "\r\033[K%zu/%zu checked, %zu failing, %.0f/s, ETA %.0f s", t->done, t->total,
            t->failing, rate, rate > 0 ? (t->total - t->done) / rate : 0.0);
}

static int interrupted(void *ud)
{
    (void)ud;
    return got_signal != 0;
}

/* Transfers in flight each hold a socket (and curl's resolver a pipe): raise
 * the soft limit on open files to the hard one, and keep --concurrency under
 * what that allows, saying so once, so that no link fails for want of a
 * descriptor (EMFILE is not the link's fault). */
static void fit_descriptors(rd_config *cfg)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t want = rl.rlim_max == RLIM_INFINITY ? 1048576 : rl.rlim_max;
        rl.rlim_cur = want;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
            getrlimit(RLIMIT_NOFILE, &rl);
    }
    long spare = rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_cur - 64;
    long most = spare / 3 > 1 ? spare / 3 : 1;
    if (cfg->crawl.concurrency > most) {
        if (cfg->verbosity >= 0)
            fprintf(stderr,
                    "refdex: %d transfers in flight would need more open files than the "
                    "limit (%ld) allows; using %ld\n",
                    cfg->crawl.concurrency, (long)rl.rlim_cur, most);
        cfg->crawl.concurrency = (int)most;
    }
}

/* What --archive did, on stderr: lookups that failed or were left always
 * (unless -q), the counts with -v. */
static void say_archive(const rd_config *cfg, const rd_check_tally *t)
{
    if (!cfg->archive || cfg->verbosity < 0)
        return;
    if (cfg->verbosity > 0)
        fprintf(stderr, "refdex: archived copies: %zu found, %zu with none\n", t->archive_found,
                t->archive_none);
    if (t->archive_failed)
        fprintf(stderr, "refdex: %zu archive lookup%s failed (%s); asked again next run\n",
                t->archive_failed, t->archive_failed == 1 ? "" : "s", t->archive_error);
    if (t->archive_left)
        fprintf(stderr,
                "refdex: %zu dead link%s not looked up in the archive (at most %d a run, "
                "%d s in all, within --deadline); asked next run\n",
                t->archive_left, t->archive_left == 1 ? "" : "s", RD_ARCHIVE_LOOKUPS_MAX,
                RD_ARCHIVE_TOTAL_MS / 1000);
}

int rd_run_check(rd_config *cfg, rd_report_format format, FILE *out, size_t *failing,
                 int *network_down)
{
    *network_down = 0;
    *failing = 0;
    fit_descriptors(cfg);
    progress p = {.on = isatty(2) && cfg->verbosity >= 0};
    /* --exclude and the config's, then .refdexignore's */
    const char **exclude = malloc((size_t)(cfg->nexclude + cfg->nignore + 1) * sizeof *exclude);
    if (!exclude) {
        fputs("refdex: out of memory\n", stderr);
        return RD_EXIT_INTERNAL;
    }
    for (int i = 0; i < cfg->nexclude; i++)
        exclude[i] = cfg->exclude[i];
    for (int i = 0; i < cfg->nignore; i++)
        exclude[cfg->nexclude + i] = cfg->ignore[i];
    rd_check_opts o = {.crawl = cfg->crawl,
                       .deadline_ms = cfg->deadline_ms,
                       .max_age_ms = cfg->max_age_ms,
                       .exclude = exclude,
                       .include = cfg->include,
                       .nexclude = cfg->nexclude + cfg->nignore,
                       .ninclude = cfg->ninclude,
                       .remap = cfg->remap,
                       .nremap = cfg->nremap,
                       .diff_rev = cfg->diff_rev,
                       .diff_lines = cfg->diff_lines,
                       .ndiff = cfg->ndiff,
                       .catalog = cfg->file,
                       .strict = cfg->strict,
                       .fail_after = cfg->fail_after,
                       .archive = cfg->archive,
                       .archive_api = cfg->archive_api ? cfg->archive_api : RD_ARCHIVE_API_DEFAULT,
                       .offline = cfg->offline,
                       .shard = cfg->shard,
                       .shards = cfg->shards,
                       .on_result = draw,
                       .interrupted = interrupted,
                       .ud = &p};
    rd_check_tally t = {0};
    rd_error err = {0};
    rd_db *db = NULL;
    int e = rd_db_open(cfg->db_path, 0, &db, &err);
    if (e == RD_OK && install_signals() < 0)
        e = rd_error_set(&err, RD_EINTERNAL, "cannot set up signal handling");
    o.crawl.cancel_fd = signal_pipe[0];
    if (e == RD_OK && cfg->check_repos) {
        /* the forges' answers first, under the same --deadline */
        double t0 = rd_cli_now_ms();
        rd_repos_tally rt;
        int rc = rd_run_repos(cfg, db, signal_pipe[0], &rt);
        if (rc != RD_EXIT_OK) {
            remove_signals();
            rd_db_close(db);
            free(exclude);
            return rc;
        }
        if (cfg->verbosity > 0)
            fprintf(stderr, "refdex: --repos: %zu repositories, %zu asked in %zu API requests\n",
                    rt.linked, rt.wanted - rt.left, rt.requests);
        if (o.deadline_ms > 0) {
            int64_t spent = (int64_t)(rd_cli_now_ms() - t0);
            o.deadline_ms = o.deadline_ms > spent ? o.deadline_ms - spent : 1;
        }
        o.repos = 1;
        o.repo_max_age_ms = cfg->repos.max_age_ms;
    }
    if (e == RD_OK)
        e = rd_check_links(db, &o, &t, &err);
    if (e == RD_OK)
        say_archive(cfg, &t);
    if (e == RD_OK && cfg->verbosity > 0) {
        char took[32], deadline[32];
        rd_duration_text(cfg->deadline_ms, deadline, sizeof deadline);
        fprintf(stderr, "refdex: the run took %s (--deadline %s), outcome %s\n",
                rd_duration_text(t.elapsed_ms, took, sizeof took),
                cfg->deadline_ms ? deadline : "none", t.outcome);
    }
    if (p.on)
        fputs("\r\033[K", stderr);
    rd_report_summary sum = {.total = t.total,
                             .elapsed_ms = t.elapsed_ms,
                             .strict = cfg->strict,
                             .offline = t.network_down,
                             .shard = cfg->shard,
                             .shards = cfg->shards,
                             .catalog = t.catalog,
                             .host_pauses = t.host_pauses,
                             .failing = t.failing,
                             .flaky = t.flaky,
                             .offline_web = t.offline_web,
                             .color = rd_cli_color(cfg, out),
                             .findings = t.findings};
    memcpy(sum.count, t.count, sizeof sum.count);
    *network_down = t.network_down;
    if (e == RD_OK)
        e = rd_report_write(db, t.run_id, cfg->file, format, &sum, out, &err);
    if (signal_pipe[0] >= 0)
        remove_signals();
    rd_db_close(db);
    free(exclude);
    *failing = t.failing;
    if (e < 0) {
        rd_cli_error(&err);
        return rd_exit_for(e);
    }
    if (got_signal) {
        fprintf(stderr, "refdex: interrupted; the results so far are saved in %s\n", cfg->db_path);
        return RD_EXIT_INTERRUPTED;
    }
    if (t.network_down)
        fprintf(stderr,
                "refdex: the network looks unavailable: no server could be reached "
                "for any of the %zu web links (%zu hosts); nothing was checked\n",
                t.web, t.hosts);
    return RD_EXIT_OK;
}

/* A shard number K of n from the environment variable name. */
static int shard_from_env(const char *name, int n, int *k)
{
    const char *v = getenv(name);
    char *end;
    long x = v ? strtol(v, &end, 10) : -1;
    if (!v || !*v) {
        fprintf(stderr,
                "refdex: --shards %d takes the shard from %s (set by a Kubernetes Indexed "
                "Job), which is not set; give --shard K/%d instead\n",
                n, name, n);
        return RD_EXIT_USAGE;
    }
    if (*v < '0' || *v > '9' || *end || x >= n) {
        fprintf(stderr, "refdex: %s is '%s'; with --shards %d it must be a number from 0 to %d\n",
                name, v, n, n - 1);
        return RD_EXIT_USAGE;
    }
    *k = (int)x;
    return RD_EXIT_OK;
}

int rd_cli_shard(rd_config *cfg)
{
    char why[200];
    const char *env = getenv("REFDEX_SHARD");
    cfg->shards = 0;
    if (cfg->shard_arg && cfg->shards_arg) {
        fputs("refdex: give --shard K/N or --shards N, not both\n", stderr);
        return RD_EXIT_USAGE;
    }
    if (cfg->shards_arg) {
        cfg->shards = cfg->shards_arg;
        return shard_from_env("JOB_COMPLETION_INDEX", cfg->shards, &cfg->shard);
    }
    const char *text = cfg->shard_arg ? cfg->shard_arg : env && *env ? env : NULL;
    if (!text)
        return RD_EXIT_OK;
    if (rd_parse_shard(text, &cfg->shard, &cfg->shards, why, sizeof why) < 0) {
        fprintf(stderr, "refdex: %s '%s': %s\n", cfg->shard_arg ? "--shard" : "REFDEX_SHARD", text,
                why);
        return RD_EXIT_USAGE;
    }
    return RD_EXIT_OK;
}

int rd_cmd_check(rd_config *cfg)
{
    int fmt = rd_report_format_parse(cfg->format ? cfg->format : "text");
    if (fmt < 0) {
        fprintf(stderr,
                "refdex: check --format is text, json, junit, github, markdown or sarif, "
                "not '%s'\n",
                cfg->format);
        return RD_EXIT_USAGE;
    }
    int rc = rd_cli_shard(cfg);
    if (rc == RD_EXIT_OK && cfg->diff_rev) /* before anything is written */
        rc = rd_cli_diff(cfg);
    if (rc != RD_EXIT_OK)
        return rc;
    rc = rd_cli_ingest(cfg, cfg->verbosity > 0 ? stderr : NULL);
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
