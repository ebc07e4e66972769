/* cli/repos.c — `refdex repos`: ingest, then fetch the metadata of every
 * repository the catalog links from its forge's API (check/repos.h), and say
 * what was found; also what `check --repos` runs before its link check. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void on_request(void *ud, const char *method, const char *url, size_t repos, int status,
                       int64_t remaining)
{
    (void)ud;
    fprintf(stderr, "refdex: %s %s (%zu %s): ", method, url, repos,
            repos == 1 ? "repository" : "repositories");
    if (status)
        fprintf(stderr, "HTTP %d", status);
    else
        fputs("no answer", stderr);
    if (remaining >= 0)
        fprintf(stderr, ", rate limit: %lld left", (long long)remaining);
    fputc('\n', stderr);
}

/* The tokens, from the environment (never from a flag: a command line is
 * seen by every user of the machine). */
static const char *token(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

int rd_run_repos(rd_config *cfg, rd_db *db, int cancel_fd, rd_repos_tally *t)
{
    rd_repos_opts o = cfg->repos;
    o.github_token = cfg->tokens[0] && *cfg->tokens[0] ? cfg->tokens[0] : token("GITHUB_TOKEN");
    o.gitlab_token = cfg->tokens[1] && *cfg->tokens[1] ? cfg->tokens[1] : token("GITLAB_TOKEN");
    o.gitea_token = cfg->tokens[2] && *cfg->tokens[2] ? cfg->tokens[2] : token("CODEBERG_TOKEN");
    o.allow_private = cfg->crawl.allow_private;
    o.user_agent = cfg->crawl.user_agent;
    o.cancel_fd = cancel_fd;
    if (cfg->verbosity > 0)
        o.on_request = on_request;
    rd_ctx run;
    rd_ctx_init(&run, rd_now_ms(), cfg->deadline_ms);
    rd_error err = {0};
    int rc = rd_repos_fetch(db, &o, &run, t, &err);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    if (t->left || t->stopped[0]) {
        char when[64] = "";
        time_t reset = (time_t)t->reset_at;
        struct tm tm;
        if (t->reset_at > 0 && gmtime_r(&reset, &tm))
            strftime(when, sizeof when, " until %Y-%m-%d %H:%M UTC", &tm);
        fprintf(stderr, "refdex: %s%s: stopped asking, %zu %s left unfetched%s\n", t->stopped, when,
                t->left, t->left == 1 ? "repository" : "repositories",
                !o.github_token && t->reset_at
                    ? "; with GITHUB_TOKEN set, GitHub's GraphQL API answers for 100 "
                      "repositories a request"
                    : "");
    }
    if (t->bad)
        fprintf(stderr,
                "refdex: %zu %s answered with what the forge does not send (a name or field of "
                "the wrong form); nothing was stored for them\n",
                t->bad, t->bad == 1 ? "repository was" : "repositories were");
    if (t->failed)
        fprintf(stderr, "refdex: %zu %s got no usable answer (the API failed)\n", t->failed,
                t->failed == 1 ? "repository" : "repositories");
    return RD_EXIT_OK;
}

/* What repos and stale do first: ingest FILE, open its database (*db, for
 * the caller to close; NULL when it could not be opened) and fetch what the
 * forges say of its repositories. Returns an exit code. */
static int ingest_and_fetch(rd_config *cfg, rd_db **db, rd_repos_tally *t)
{
    *db = NULL;
    int rc = rd_cli_ingest(cfg, cfg->verbosity > 0 ? stderr : NULL);
    if (rc != RD_EXIT_OK)
        return rc;
    rd_error err = {0};
    if (rd_db_open(cfg->db_path, 0, db, &err) < 0) {
        rd_cli_error(&err);
        return RD_EXIT_INTERNAL;
    }
    int cancel_fd = rd_cli_signals_on();
    rc = rd_run_repos(cfg, *db, cancel_fd, t);
    rd_cli_signals_off();
    return rc;
}

int rd_cmd_repos(rd_config *cfg)
{
    rd_db *db;
    rd_repos_tally t;
    int rc = ingest_and_fetch(cfg, &db, &t);
    rd_db_close(db);
    if (rc != RD_EXIT_OK)
        return rc;
    if (rd_cli_interrupted()) {
        fprintf(stderr, "refdex: interrupted; the answers so far are saved in %s\n", cfg->db_path);
        return RD_EXIT_INTERRUPTED;
    }
    if (cfg->verbosity >= 0)
        printf("%s: %zu repositories linked: %zu fresh in the cache, %zu asked in %zu API "
               "requests: %zu stored (%zu renamed, %zu archived, %zu gone), %zu left\n",
               cfg->file, t.linked, t.fresh, t.wanted - t.left, t.requests, t.stored.stored,
               t.stored.renamed, t.stored.archived, t.stored.gone, t.left);
    return RD_EXIT_OK;
}

int rd_cmd_stale(rd_config *cfg)
{
    int fmt = rd_report_format_parse(cfg->format ? cfg->format : "text");
    if (fmt < 0 || fmt == RD_REPORT_JUNIT) {
        fprintf(stderr, "refdex: stale --format is text, json, markdown or github, not '%s'\n",
                cfg->format);
        return RD_EXIT_USAGE;
    }
    rd_db *db;
    rd_repos_tally t;
    rd_error err = {0};
    int rc = ingest_and_fetch(cfg, &db, &t);
    if (!db)
        return rc;
    FILE *out = stdout;
    if (rc == RD_EXIT_OK && cfg->output && !(out = fopen(cfg->output, "w"))) {
        fprintf(stderr, "refdex: %s: %s\n", cfg->output, strerror(errno));
        rc = RD_EXIT_USAGE;
    }
    size_t found = 0;
    if (rc == RD_EXIT_OK) {
        char cutoff[32];
        time_t at = time(NULL) - (time_t)cfg->older_s;
        struct tm tm;
        gmtime_r(&at, &tm);
        strftime(cutoff, sizeof cutoff, "%Y-%m-%dT%H:%M:%SZ", &tm);
        int e = rd_stale_write(db, cutoff, cfg->older, cfg->file, (rd_report_format)fmt, out,
                               &found, &err);
        if (e < 0) {
            rd_cli_error(&err);
            rc = rd_exit_for(e);
        }
    }
    if (out != stdout && out && fclose(out) != 0) {
        fprintf(stderr, "refdex: %s: %s\n", cfg->output, strerror(errno));
        rc = RD_EXIT_INTERNAL;
    }
    rd_db_close(db);
    if (rc == RD_EXIT_OK && rd_cli_interrupted())
        return RD_EXIT_INTERRUPTED;
    return rc == RD_EXIT_OK && found ? RD_EXIT_FINDINGS : rc;
}
