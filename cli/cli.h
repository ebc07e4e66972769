/* cli/cli.h — the command-line tool: settings, exit codes, sub-commands.
 * cli/ is the only place that prints or exits. */
#ifndef RD_CLI_H
#define RD_CLI_H

#include <curl/curl.h>
#include <stdio.h>

#include "../catalog/catalog.h"
#include "../check/check.h"
#include "../check/repos.h"
#include "../crawler/crawler.h"
#include "../db/checks.h"
#include "../db/db.h"
#include "../db/history.h"
#include "../db/ingest.h"
#include "../db/pages.h"
#include "../db/query.h"
#include "../render/render.h"

/* Exit codes: stable, documented in --help and the README. */
typedef enum rd_exit {
    RD_EXIT_OK = 0,       /* all good */
    RD_EXIT_FINDINGS = 1, /* broken links, lint errors (with --strict: warnings) */
    RD_EXIT_USAGE = 2,    /* bad usage or bad input; nothing was written */
    RD_EXIT_INTERNAL = 3, /* internal or database error */
    RD_EXIT_INTERRUPTED = 130
} rd_exit;

enum { RD_MAX_HEADERS = 32 };                             /* --header: at most */
enum { RD_CONFIG_KEYS = 27, RD_CONFIG_TOKEN_KEY = 24 };   /* the keys of [check] (cli/config.c) */
enum { RD_CONFIG_VALUES = 512 };                          /* values a config file may hold */
enum { RD_MAX_HOST_RULES = 64, RD_MAX_RULE_HEADERS = 8 }; /* [host "NAME"] sections, headers each */

/* Every setting, parsed once from argv; defaults are set in main(). */
typedef struct rd_config {
    const char *file;    /* the catalog, for commands that read one */
    const char *db_path; /* --db, or derived from the catalog's folder */
    char *db_owned;      /* storage for a derived db_path */
    int verbosity;       /* -q: -1, default 0, -v: 1 */
    int color;           /* --color: 0 auto (a terminal without NO_COLOR), 1 always, 2 never */
    const char *format;  /* --format; NULL for the command's default */
    int strict;          /* lint: warnings count as errors */
    const char *category, *search;
    const char *subject; /* history: a URL or an entry's name */
    const char *status;  /* query --status */
    const char *sort;    /* query --sort stars|pushed|name; NULL: catalog order */
    char since[24];      /* query --since as checked_at compares with it; "" when not given */
    int keep, vacuum;    /* prune --keep N (0: not given), --vacuum */
    long long max_input; /* --max-input, bytes */
    /* check */
    rd_crawl_opts crawl;
    rd_status_range *accept; /* --accept, owned */
    int64_t deadline_ms;     /* --deadline, 0: none */
    int64_t max_age_ms;      /* --max-age, 0: always check */
    int fail_after;          /* --fail-after K; 0: 1 */
    int archive;             /* check --archive, fix --archive */
    const char *archive_api; /* --archive-api; NULL: RD_ARCHIVE_API_DEFAULT */
    const char *exclude[RD_MAX_PATTERNS], *include[RD_MAX_PATTERNS];
    int nexclude, ninclude;
    const char *remap[RD_MAX_PATTERNS]; /* --remap 'REGEX REPLACEMENT' */
    int nremap;
    const char *headers[RD_MAX_HEADERS]; /* --header 'Name: value', as given */
    int nheaders;
    const char *output;     /* -o FILE */
    int no_check;           /* update: skip the link check */
    const char *out_dir;    /* render: --out, or "site" beside the catalog */
    int fmt_check;          /* fmt --check; fix --dry-run */
    int fmt_write;          /* fmt -w */
    rd_lint_opts lint;      /* --disable, --enable */
    int force;              /* --force: replace another file's catalog in the database */
    rd_render_opts render;  /* render, update: --force (the folder), --remote-images */
    rd_fmt_style fmt_style; /* fmt --bullet, --indent; 0: the catalog's own */
    char *out_owned;
    /* check --shard K/N, --shards N (K from the environment); report --run */
    const char *shard_arg;
    int shards_arg;
    int shard, shards; /* resolved: shards 0 when the run is not sharded */
    long long run_id;  /* report --run; 0: the latest */
    char **args;       /* merge: OUT and the shard databases */
    int merge_add;     /* merge --add */
    int nargs;
    /* the config file (refdex.ini): --config, or found beside the catalog */
    const char *config;                    /* --config FILE */
    char *config_path;                     /* the file read, NULL: none */
    char *config_values[RD_CONFIG_VALUES]; /* its values, which settings point into */
    int nconfig_values;
    /* where each setting comes from: 0 the default, -1 a flag, N line N of
     * the config file; per key of rd_config_key, and per repeated value */
    int origin[RD_CONFIG_KEYS];
    int header_origin[RD_MAX_HEADERS], exclude_origin[RD_MAX_PATTERNS],
        remap_origin[RD_MAX_PATTERNS], include_origin[RD_MAX_PATTERNS];
    int origin_now; /* the origin of what is being set */
    /* [host "NAME"] sections: cfg->crawl.hosts points here */
    rd_host_rule host_rules[RD_MAX_HOST_RULES];
    const char *rule_headers[RD_MAX_HOST_RULES][RD_MAX_RULE_HEADERS];
    rd_status_range *rule_accept[RD_MAX_HOST_RULES]; /* owned */
    int rule_line[RD_MAX_HOST_RULES];                /* where its section starts */
    int nhost_rules;
    /* .refdexignore beside the catalog: a regex a line, URLs to exclude */
    char *ignore_path; /* NULL: none */
    char **ignore;     /* its patterns, owned */
    int *ignore_line;
    int nignore;
    int offline; /* check --offline: local links only */
    /* check --diff REV: the catalog's lines changed since REV (pairs) */
    const char *diff_rev;
    int *diff_lines; /* owned */
    size_t ndiff;
    /* refdex repos, check --repos: the forges' APIs (--github-api ...) */
    rd_repos_opts repos;
    char api_url[3][1024]; /* --github-api, --gitlab-api, --gitea-api, without a final '/' */
    int check_repos;       /* check --repos */
    /* github-token, gitlab-token, codeberg-token in refdex.ini (${NAME} read
     * from the environment), over GITHUB_TOKEN...; NULL: none */
    const char *tokens[3];
    int64_t older_s;   /* stale --older, in seconds (default 2 years) */
    const char *older; /* as given ("2y") */
} rd_config;

/* Maps an RD_E* code to an exit code. */
rd_exit rd_exit_for(int code);

/* Prints "refdex: message" to stderr. */
void rd_cli_error(const rd_error *err);

/* Milliseconds on a monotonic clock, for the timings -v prints. */
double rd_cli_now_ms(void);

/* Whether text written to f gets colours: --color always or never, or by
 * default when f is a terminal and NO_COLOR is not set (no-color.org). */
int rd_cli_color(const rd_config *cfg, FILE *f);

int rd_cmd_ingest(rd_config *cfg);
int rd_cmd_lint(rd_config *cfg);
int rd_cmd_update(rd_config *cfg);
int rd_cmd_query(rd_config *cfg);
int rd_cmd_categories(rd_config *cfg);
int rd_cmd_history(rd_config *cfg);
int rd_cmd_prune(rd_config *cfg);
int rd_cmd_check(rd_config *cfg);
int rd_cmd_render(rd_config *cfg);
int rd_cmd_fmt(rd_config *cfg);
int rd_cmd_fix(rd_config *cfg);
int rd_cmd_parse(rd_config *cfg);
int rd_cmd_links(rd_config *cfg);
int rd_cmd_hosts(rd_config *cfg);
int rd_cmd_report(rd_config *cfg);
int rd_cmd_merge(rd_config *cfg);
int rd_cmd_config(rd_config *cfg);
int rd_cmd_repos(rd_config *cfg);
int rd_cmd_stale(rd_config *cfg);

/* Signals (SIGINT, SIGTERM) cancel a run through a self-pipe: on returns its
 * read end (-1 when it could not be set up), off restores the defaults, and
 * interrupted says whether one came. */
int rd_cli_signals_on(void);
void rd_cli_signals_off(void);
int rd_cli_interrupted(void);

/* Fetches the metadata of the stored catalog's repositories (check/repos.h)
 * with cfg's settings and the tokens of the environment, saying on stderr
 * what was left and why. Returns an exit code; *t says what was done. */
int rd_run_repos(rd_config *cfg, rd_db *db, int cancel_fd, rd_repos_tally *t);

/* The index of a [check] key ("timeout", the long option's name), or -1. */
int rd_config_key(const char *name);
/* Records that the key `name` (an option's long name) was set now, from
 * cfg->origin_now; nothing when it is not a config key. */
void rd_config_mark(rd_config *cfg, const char *name);
/* Reads the config file into cfg: `path` (--config) when given, else
 * refdex.ini beside `catalog` (./refdex.ini without one) when it exists;
 * then .refdexignore beside the catalog (or ./) into cfg->ignore.
 * A key or value that is wrong is said as FILE:LINE: and is RD_EXIT_USAGE.
 * rd_config_free frees what it keeps. Returns an exit code. */
int rd_config_load(rd_config *cfg, const char *path, const char *catalog);
void rd_config_free(rd_config *cfg);
/* Sets the check option `key` (its long name) to `value`, as the flag would,
 * any message prefixed with `where` ("refdex.ini:3"). Returns RD_EXIT_OK,
 * RD_EXIT_USAGE after saying why, or -1 when key is no [check] key. */
int rd_cli_option(rd_config *cfg, const char *key, const char *value, const char *where);

/* The shard of a check: --shard K/N; --shards N with K from
 * JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); or REFDEX_SHARD=K/N from
 * the environment (what a GitHub Actions matrix sets). Fills cfg->shard and
 * cfg->shards; says why and returns RD_EXIT_USAGE when they are not valid. */
int rd_cli_shard(rd_config *cfg);

/* check --diff: runs `git diff -U0 REV -- FILE` (no shell) beside
 * cfg->file into cfg->diff_lines. Not a git repository, no git, an unknown
 * REV: said, RD_EXIT_USAGE. Returns an exit code. */
int rd_cli_diff(rd_config *cfg);

/* Renders the site of the database into cfg->out_dir (made beside the
 * catalog when not given) and says where, unless quiet. Returns an exit code. */
int rd_render_to(rd_config *cfg, FILE *msgs);

/* Checks the links of the ingested catalog (cfg->file, already in the
 * database) and writes the report in `format` to out. *failing gets the
 * number of links that fail the check; *network_down is set when no server
 * could be reached for any web link (said on stderr). Returns an exit code. */
int rd_run_check(rd_config *cfg, rd_report_format format, FILE *out, size_t *failing,
                 int *network_down);

/* Reads and parses cfg->file; the caller frees *text and the catalog.
 * Prints why on failure and returns an exit code. */
int rd_cli_load(const rd_config *cfg, rd_catalog **cat, char **text, size_t *len);
/* Stores the catalog in cfg->db_path, or with cat NULL reads text a section
 * at a time into it (rd_db_ingest_text); says what happened on out unless
 * quiet. */
int rd_cli_store(const rd_config *cfg, const rd_catalog *cat, const char *text, size_t len,
                 FILE *out);

/* Reads cfg->file and stores it a section at a time (ingest, check,
 * render: what needs no whole catalog in memory). */
int rd_cli_ingest(const rd_config *cfg, FILE *msgs);

/* Whether fmt is table, tsv or json (what query, categories, history and
 * hosts write); says so for cmd and returns RD_EXIT_USAGE when not. */
int rd_cli_table_format(const char *cmd, const char *fmt);
/* Opens cfg->db_path read-only into *db; when it is not there, says where
 * it was looked for and how to make it. Returns an exit code. */
int rd_cli_open_read(const rd_config *cfg, rd_db **db);

/* Prints the category tree of an open database in cfg->format. */
int rd_print_categories(rd_db *db, const char *format, FILE *out, rd_error *err);

/* name in the folder of file ("docs/list.md", "refdex.db": "docs/refdex.db"); the
 * caller frees it. NULL when out of memory. */
char *rd_cli_beside(const char *file, const char *name);

/* Columns a UTF-8 string takes on a terminal (wide CJK characters count 2). */
int rd_display_width(const char *s);

#endif
