/* cli/config.c — the config file (refdex.ini, read with inih): a [check]
 * section whose keys are check's long options, and `refdex config`, which
 * prints the settings in effect and where each came from. Flags override the
 * file; repeated keys (header, exclude, include) add to the flags' values. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* The [check] keys, in the order `refdex config` prints them. */
static const char *const config_keys[RD_CONFIG_KEYS] = {
    "timeout",      "deadline",     "concurrency",   "per-host",  "host-interval", "retries",
    "method",       "max-bytes",    "accept",        "max-age",   "allow-private", "user-agent",
    "header",       "exclude",      "include",       "remap",     "fail-after",    "archive",
    "archive-api",  "github-api",   "gitlab-api",    "gitea-api", "repo-max-age",  "repos",
    "github-token", "gitlab-token", "codeberg-token"};

int rd_config_key(const char *name)
{
    for (int i = 0; i < RD_CONFIG_KEYS; i++)
        if (!strcmp(config_keys[i], name))
            return i;
    return -1;
}

void rd_config_mark(rd_config *cfg, const char *name)
{
    int k = rd_config_key(name);
    if (k >= 0)
        cfg->origin[k] = cfg->origin_now;
}

void rd_config_free(rd_config *cfg)
{
    for (int i = 0; i < cfg->nhost_rules; i++)
        free(cfg->rule_accept[i]);
    cfg->nhost_rules = 0;
    for (int i = 0; i < cfg->nignore; i++)
        free(cfg->ignore[i]);
    free(cfg->ignore);
    free(cfg->ignore_line);
    free(cfg->ignore_path);
    cfg->ignore = NULL;
    cfg->ignore_line = NULL;
    cfg->ignore_path = NULL;
    cfg->nignore = 0;
    for (int i = 0; i < cfg->nconfig_values; i++)
        free(cfg->config_values[i]);
    cfg->nconfig_values = 0;
    free(cfg->config_path);
    cfg->config_path = NULL;
}

typedef struct loader {
    rd_config *cfg;
    FILE *f;
    int line;     /* the line inih has read last */
    int too_long; /* the line that did not fit inih's buffer, 0: none */
    int rc;       /* RD_EXIT_USAGE after the first error, said */
} loader;

/* inih's reader: fgets, counting lines, so that a key knows its line. A
 * line inih would cut in two stops the read instead. */
static char *read_line(char *str, int num, void *ud)
{
    loader *l = ud;
    if (l->rc != RD_EXIT_OK || l->too_long || !fgets(str, num, l->f))
        return NULL;
    l->line++;
    size_t n = strlen(str);
    if (n + 1 == (size_t)num && str[n - 1] != '\n' && !feof(l->f)) {
        l->too_long = l->line;
        return NULL;
    }
    return str;
}

/* value with each ${NAME} replaced by the environment's NAME (a new string
 * the caller frees); NULL after saying why. */
static char *expand_env(const char *value, const char *key, const char *where)
{
    char missing[128] = "";
    char *out = rd_expand_env(value, missing, sizeof missing);
    if (!out && missing[0])
        fprintf(stderr, "refdex: %s: %s names ${%s}, which is not set\n", where, key, missing);
    else if (!out)
        fputs("refdex: out of memory\n", stderr);
    return out;
}

/* The rule of section 'host "NAME"', made on its first key; NULL after
 * saying why (a bad name, too many). */
static rd_host_rule *host_rule(rd_config *cfg, const char *section, const char *where, int line)
{
    size_t n = strlen(section);
    if (strncmp(section, "host \"", 6) || n < 8 || section[n - 1] != '"' ||
        strcspn(section + 6, "\" \t/") != n - 7) {
        fprintf(stderr,
                "refdex: %s: unknown section [%s]; refdex.ini has [check] and "
                "[host \"NAME\"]\n",
                where, section);
        return NULL;
    }
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(n - 7), section + 6);
    for (int i = 0; i < cfg->nhost_rules; i++)
        if (!strcasecmp(cfg->host_rules[i].host, name)) {
            if (!cfg->rule_line[i]) /* a default rule, now the file's */
                cfg->rule_line[i] = line;
            return &cfg->host_rules[i];
        }
    if (cfg->nhost_rules == RD_MAX_HOST_RULES || cfg->nconfig_values == RD_CONFIG_VALUES) {
        fprintf(stderr, "refdex: %s: more than %d [host] sections\n", where, RD_MAX_HOST_RULES);
        return NULL;
    }
    for (char *c = name; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    char *host = strdup(name);
    if (!host) {
        fputs("refdex: out of memory\n", stderr);
        return NULL;
    }
    cfg->config_values[cfg->nconfig_values++] = host;
    int k = cfg->nhost_rules++;
    cfg->rule_line[k] = line;
    cfg->host_rules[k] = (rd_host_rule){
        .host = host, .interval_ms = -1, .method = -1, .headers = cfg->rule_headers[k]};
    cfg->crawl.hosts = cfg->host_rules;
    cfg->crawl.nhosts = (size_t)cfg->nhost_rules;
    return &cfg->host_rules[k];
}

/* A key of a [host "NAME"] section. value is kept (in cfg->config_values).
 * Returns an exit code, after saying why. */
static int host_key(rd_config *cfg, rd_host_rule *r, const char *key, const char *value,
                    const char *where)
{
    int k = (int)(r - cfg->host_rules);
    char *end;
    long v = strtol(value, &end, 10);
    if (!strcmp(key, "concurrency")) {
        if (*value < '0' || *value > '9' || *end || v < 1 || v > 65536)
            goto bad;
        r->per_host = (int)v;
    } else if (!strcmp(key, "interval")) {
        if (rd_parse_duration_ms(value, &r->interval_ms) != RD_OK || r->interval_ms < 0)
            goto bad;
    } else if (!strcmp(key, "method")) {
        if (strcmp(value, "get") && strcmp(value, "head"))
            goto bad;
        r->method = !strcmp(value, "head");
    } else if (!strcmp(key, "accept")) {
        free(cfg->rule_accept[k]);
        cfg->rule_accept[k] = NULL;
        if (rd_parse_status_ranges(value, &cfg->rule_accept[k], &r->naccept) < 0)
            goto bad;
        r->accept = cfg->rule_accept[k];
    } else if (!strcmp(key, "treat")) {
        if (strcmp(value, "check") && strcmp(value, "skip") && strcmp(value, "blocked"))
            goto bad;
        r->treat = !strcmp(value, "check")  ? RD_TREAT_CHECK
                   : !strcmp(value, "skip") ? RD_TREAT_SKIP
                                            : RD_TREAT_BLOCKED;
    } else if (!strcmp(key, "header")) {
        size_t name = strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "0123456789!#$%&'*+-.^_`|~");
        if (name == 0 || value[name] != ':') {
            fprintf(stderr,
                    "refdex: %s: header takes 'Name: value'; the text given is not "
                    "shown, as it may hold a secret\n",
                    where);
            return RD_EXIT_USAGE;
        }
        if (r->nheaders == RD_MAX_RULE_HEADERS) {
            fprintf(stderr, "refdex: %s: at most %d headers a host\n", where, RD_MAX_RULE_HEADERS);
            return RD_EXIT_USAGE;
        }
        cfg->rule_headers[k][r->nheaders++] = value;
    } else {
        fprintf(stderr, "refdex: %s: unknown key '%s' in [host \"%s\"]\n", where, key, r->host);
        return RD_EXIT_USAGE;
    }
    return RD_EXIT_OK;
bad:
    fprintf(stderr, "refdex: %s: %s in [host \"%s\"] takes %s, not '%s'\n", where, key, r->host,
            !strcmp(key, "concurrency") ? "a whole number from 1 to 65536"
            : !strcmp(key, "interval")  ? "a duration such as 500ms, 5s or 2m"
            : !strcmp(key, "method")    ? "get or head"
            : !strcmp(key, "accept")    ? "statuses such as 200..299,403"
                                        : "check, skip or blocked",
            value);
    return RD_EXIT_USAGE;
}

static int on_key(void *ud, const char *section, const char *name, const char *value)
{
    loader *l = ud;
    rd_config *cfg = l->cfg;
    char where[1100];
    snprintf(where, sizeof where, "%s:%d", cfg->config_path, l->line);
    if (l->rc != RD_EXIT_OK)
        return 0;
    l->rc = RD_EXIT_USAGE;
    if (*section && strcmp(section, "check")) {
        rd_host_rule *r = host_rule(cfg, section, where, l->line);
        char *v = r && cfg->nconfig_values < RD_CONFIG_VALUES ? strdup(value) : NULL;
        if (r && !v)
            fprintf(stderr, "refdex: %s: too many values, or out of memory\n", where);
        if (!v)
            return 0;
        cfg->config_values[cfg->nconfig_values++] = v;
        l->rc = host_key(cfg, r, name, v, where);
        return l->rc == RD_EXIT_OK;
    }
    if (strcmp(section, "check")) {
        fprintf(stderr, "refdex: %s: key '%s' outside a section; put it under [check]\n", where,
                name);
        return 0;
    }
    if (rd_config_key(name) < 0) {
        fprintf(stderr, "refdex: %s: unknown key '%s' in [check]\n", where, name);
        return 0;
    }
    if (cfg->nconfig_values == RD_CONFIG_VALUES) {
        fprintf(stderr, "refdex: %s: more than %d values\n", where, RD_CONFIG_VALUES);
        return 0;
    }
    int token = rd_config_key(name) >= RD_CONFIG_TOKEN_KEY;
    char *v = strcmp(name, "header") && !token ? strdup(value) : expand_env(value, name, where);
    if (!v)
        return 0;
    cfg->config_values[cfg->nconfig_values++] = v;
    cfg->origin_now = l->line;
    if (token) { /* a secret: no flag takes it (a command line is seen by all) */
        cfg->tokens[rd_config_key(name) - RD_CONFIG_TOKEN_KEY] = v;
        rd_config_mark(cfg, name);
        l->rc = RD_EXIT_OK;
        return 1;
    }
    l->rc = rd_cli_option(cfg, name, v, where);
    if (l->rc == RD_EXIT_OK)
        rd_config_mark(cfg, name);
    return l->rc == RD_EXIT_OK;
}

static int load_file(rd_config *cfg, const char *path, const char *catalog);

enum { RD_IGNORE_MAX = 10000 }; /* patterns in .refdexignore, at most */

/* One line of .refdexignore: a pattern kept in cfg, or nothing for a blank
 * line or a # comment. Returns an exit code, after saying why. */
static int ignore_line(rd_config *cfg, char *text, int line)
{
    size_t n = strlen(text);
    while (n && strchr(" \t\r\n", text[n - 1]))
        text[--n] = '\0';
    while (*text == ' ' || *text == '\t')
        text++;
    if (!*text || *text == '#')
        return RD_EXIT_OK;
    regex_t re;
    int bad = regcomp(&re, text, REG_EXTENDED | REG_NOSUB);
    if (bad) {
        char msg[200];
        regerror(bad, &re, msg, sizeof msg);
        fprintf(stderr, "refdex: %s:%d: not a regular expression (POSIX extended): %s\n",
                cfg->ignore_path, line, msg);
        return RD_EXIT_USAGE;
    }
    regfree(&re);
    if (cfg->nignore == RD_IGNORE_MAX) {
        fprintf(stderr, "refdex: %s:%d: more than %d patterns\n", cfg->ignore_path, line,
                RD_IGNORE_MAX);
        return RD_EXIT_USAGE;
    }
    if (!(cfg->nignore & (cfg->nignore - 1))) { /* 0, 1, 2, 4...: grow */
        size_t cap = cfg->nignore ? (size_t)cfg->nignore * 2 : 1;
        char **p = realloc(cfg->ignore, cap * sizeof *p);
        if (p)
            cfg->ignore = p;
        int *l = p ? realloc(cfg->ignore_line, cap * sizeof *l) : NULL;
        if (l)
            cfg->ignore_line = l;
        if (!p || !l) {
            fputs("refdex: out of memory\n", stderr);
            return RD_EXIT_INTERNAL;
        }
    }
    if (!(cfg->ignore[cfg->nignore] = strdup(text))) {
        fputs("refdex: out of memory\n", stderr);
        return RD_EXIT_INTERNAL;
    }
    cfg->ignore_line[cfg->nignore++] = line;
    return RD_EXIT_OK;
}

/* Reads .refdexignore beside the catalog (./ without one), when it exists:
 * one regex a line, as --exclude takes, blank lines and # comments aside. */
static int load_ignore(rd_config *cfg, const char *catalog)
{
    cfg->ignore_path = catalog ? rd_cli_beside(catalog, ".refdexignore") : strdup(".refdexignore");
    if (!cfg->ignore_path) {
        fputs("refdex: out of memory\n", stderr);
        return RD_EXIT_INTERNAL;
    }
    FILE *f = fopen(cfg->ignore_path, "r");
    if (!f) {
        if (errno == ENOENT) {
            free(cfg->ignore_path);
            cfg->ignore_path = NULL;
            return RD_EXIT_OK;
        }
        fprintf(stderr, "refdex: cannot read %s: %s\n", cfg->ignore_path, strerror(errno));
        return RD_EXIT_USAGE;
    }
    char *text = NULL;
    size_t cap = 0;
    int rc = RD_EXIT_OK, line = 0;
    while (rc == RD_EXIT_OK && getline(&text, &cap, f) >= 0)
        rc = ignore_line(cfg, text, ++line);
    if (rc == RD_EXIT_OK && ferror(f)) {
        fprintf(stderr, "refdex: cannot read %s: %s\n", cfg->ignore_path, strerror(errno));
        rc = RD_EXIT_USAGE;
    }
    free(text);
    fclose(f);
    return rc;
}

/* Hosts known to answer any link checker with a wall (LinkedIn's HTTP 999):
 * treat = blocked unless refdex.ini says otherwise ([host "NAME"] treat =
 * check). */
static const char *const walled_hosts[] = {"linkedin.com", "www.linkedin.com"};

static void add_default_rules(rd_config *cfg)
{
    for (size_t i = 0; i < sizeof walled_hosts / sizeof *walled_hosts; i++) {
        int k = cfg->nhost_rules++;
        cfg->rule_line[k] = 0;
        cfg->host_rules[k] = (rd_host_rule){.host = walled_hosts[i],
                                            .interval_ms = -1,
                                            .method = -1,
                                            .headers = cfg->rule_headers[k],
                                            .treat = RD_TREAT_BLOCKED};
    }
    cfg->crawl.hosts = cfg->host_rules;
    cfg->crawl.nhosts = (size_t)cfg->nhost_rules;
}

int rd_config_load(rd_config *cfg, const char *path, const char *catalog)
{
    add_default_rules(cfg);
    int rc = load_file(cfg, path, catalog);
    return rc == RD_EXIT_OK ? load_ignore(cfg, catalog) : rc;
}

/* The config file: --config's, or refdex.ini beside the catalog. */
static int load_file(rd_config *cfg, const char *path, const char *catalog)
{
    cfg->config_path = path      ? strdup(path)
                       : catalog ? rd_cli_beside(catalog, "refdex.ini")
                                 : strdup("refdex.ini");
    if (!cfg->config_path) {
        fputs("refdex: out of memory\n", stderr);
        return RD_EXIT_INTERNAL;
    }
    loader l = {.cfg = cfg, .f = fopen(cfg->config_path, "r")};
    if (!l.f) {
        if (!path && errno == ENOENT) { /* none beside the catalog: the defaults */
            free(cfg->config_path);
            cfg->config_path = NULL;
            return RD_EXIT_OK;
        }
        fprintf(stderr, "refdex: cannot read the config file %s: %s\n", cfg->config_path,
                strerror(errno));
        return RD_EXIT_USAGE;
    }
    int at = ini_parse_stream(read_line, &l, on_key, &l);
    if (ferror(l.f)) {
        fprintf(stderr, "refdex: cannot read the config file %s: %s\n", cfg->config_path,
                strerror(errno));
        l.rc = RD_EXIT_USAGE;
    } else if (l.rc == RD_EXIT_OK && l.too_long) {
        fprintf(stderr,
                "refdex: %s:%d: a line longer than %d bytes (a long secret goes in the "
                "environment, named as ${NAME})\n",
                cfg->config_path, l.too_long, INI_MAX_LINE - 2);
        l.rc = RD_EXIT_USAGE;
    } else if (l.rc == RD_EXIT_OK && at > 0) {
        fprintf(stderr, "refdex: %s:%d: not a [section], a 'key = value' or a comment\n",
                cfg->config_path, at);
        l.rc = RD_EXIT_USAGE;
    } else if (l.rc == RD_EXIT_OK && at < 0) {
        fputs("refdex: out of memory\n", stderr);
        l.rc = RD_EXIT_INTERNAL;
    }
    fclose(l.f);
    cfg->origin_now = 0;
    return l.rc;
}

/* ---- refdex config ---- */

static void print_origin(const rd_config *cfg, const char *key, int origin)
{
    if (origin > 0)
        printf("  # %s:%d\n", cfg->config_path, origin);
    else
        printf(origin < 0 ? "  # flag --%s\n" : "  # default\n", key);
}

/* A duration as its key takes it back ("3s", "1500ms"); 0 as `zero` says it:
 * "none" for a deadline or a max-age that is not there, "0" for no interval. */
static void print_ms(int64_t ms, const char *zero)
{
    static const struct {
        const char *unit;
        int64_t ms;
    } units[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};
    size_t u = 0;
    while (ms % units[u].ms) /* the largest unit it is a whole number of: 1d, 90s */
        u++;
    if (!ms)
        fputs(zero, stdout);
    else
        printf("%lld%s", (long long)(ms / units[u].ms), units[u].unit);
}

/* A size as --max-bytes takes it back: 1M, 64K, 1000. */
static void print_size(int64_t bytes)
{
    static const char units[] = "GMK";
    for (int u = 0; u < 3; u++) {
        int64_t unit = (int64_t)1 << (10 * (3 - u));
        if (bytes && bytes % unit == 0) {
            printf("%lld%c", (long long)(bytes / unit), units[u]);
            return;
        }
    }
    printf("%lld", (long long)bytes);
}

/* One value of key i; a header's value is never shown. */
static void print_value(const rd_config *cfg, int i)
{
    const rd_crawl_opts *o = &cfg->crawl;
    switch (i) {
    case 0: print_ms(o->timeout_ms, "0"); break;
    case 1: print_ms(cfg->deadline_ms, "none"); break;
    case 2: printf("%d", o->concurrency); break;
    case 3: printf("%d", o->per_host); break;
    case 4: print_ms(o->host_interval_ms, "0"); break;
    case 5: printf("%d", o->retries); break;
    case 6: fputs(o->use_head ? "head" : "get", stdout); break;
    case 7: print_size(o->max_bytes); break;
    case 8:
        for (size_t r = 0; r < o->naccept; r++)
            printf(o->accept[r].lo == o->accept[r].hi ? "%s%d" : "%s%d..%d", r ? "," : "",
                   o->accept[r].lo, o->accept[r].hi);
        break;
    case 9: print_ms(cfg->max_age_ms, "none"); break;
    case 10: fputs(o->allow_private ? "true" : "false", stdout); break;
    case 11: fputs(o->user_agent, stdout); break;
    case 19: fputs(cfg->repos.github_api, stdout); break;
    case 20: fputs(cfg->repos.gitlab_api, stdout); break;
    case 21: fputs(cfg->repos.gitea_api, stdout); break;
    case 22: print_ms(cfg->repos.max_age_ms, "0"); break;
    case 23: fputs(cfg->check_repos ? "true" : "false", stdout); break;
    case 24:
    case 25:
    case 26: fputs(cfg->tokens[i - RD_CONFIG_TOKEN_KEY] ? "(not shown)" : "", stdout); break;
    }
}

/* header, exclude, include: a line per value, each with its origin. */
static void print_list(const rd_config *cfg, const char *key, const char *const *v,
                       const int *origin, int n)
{
    if (n == 0) {
        printf("%s =", key);
        print_origin(cfg, key, 0);
    }
    for (int i = 0; i < n; i++) {
        if (!strcmp(key, "header"))
            printf("%s = %.*s: (not shown)", key, (int)strcspn(v[i], ":"), v[i]);
        else
            printf("%s = %s", key, v[i]);
        print_origin(cfg, key, origin[i]);
    }
}

int rd_cmd_config(rd_config *cfg)
{
    if (cfg->config_path)
        printf("# config file: %s\n", cfg->config_path);
    else
        printf("# config file: none (no %s)\n",
               cfg->file ? "refdex.ini beside the catalog" : "./refdex.ini");
    for (int i = 0; i < 12; i++) {
        printf("%s = ", config_keys[i]);
        print_value(cfg, i);
        print_origin(cfg, config_keys[i], cfg->origin[i]);
    }
    print_list(cfg, "header", cfg->headers, cfg->header_origin, cfg->nheaders);
    print_list(cfg, "exclude", cfg->exclude, cfg->exclude_origin, cfg->nexclude);
    print_list(cfg, "include", cfg->include, cfg->include_origin, cfg->ninclude);
    print_list(cfg, "remap", cfg->remap, cfg->remap_origin, cfg->nremap);
    printf("fail-after = %d", cfg->fail_after > 1 ? cfg->fail_after : 1);
    print_origin(cfg, "fail-after", cfg->origin[rd_config_key("fail-after")]);
    printf("archive = %s", cfg->archive ? "true" : "false");
    print_origin(cfg, "archive", cfg->origin[rd_config_key("archive")]);
    printf("archive-api = %s", cfg->archive_api ? cfg->archive_api : RD_ARCHIVE_API_DEFAULT);
    print_origin(cfg, "archive-api", cfg->origin[rd_config_key("archive-api")]);
    for (int i = 19; i < RD_CONFIG_KEYS; i++) {
        printf("%s = ", config_keys[i]);
        print_value(cfg, i);
        print_origin(cfg, config_keys[i], cfg->origin[i]);
    }
    for (int i = 0; i < cfg->nhost_rules; i++) {
        const rd_host_rule *r = &cfg->host_rules[i];
        static const char *const treat[] = {"check", "skip", "blocked"};
        if (cfg->rule_line[i])
            printf("[host \"%s\"]  # %s:%d\n", r->host, cfg->config_path, cfg->rule_line[i]);
        else
            printf("[host \"%s\"]  # default: a host known to refuse link checkers\n", r->host);
        printf("  treat = %s\n", treat[r->treat]);
        if (r->per_host)
            printf("  concurrency = %d\n", r->per_host);
        if (r->interval_ms >= 0) {
            fputs("  interval = ", stdout);
            print_ms(r->interval_ms, "0");
            putchar('\n');
        }
        if (r->method >= 0)
            printf("  method = %s\n", r->method ? "head" : "get");
        for (size_t a = 0; a < r->naccept; a++)
            printf(r->accept[a].lo == r->accept[a].hi ? "%s%d" : "%s%d..%d",
                   a ? "," : "  accept = ", r->accept[a].lo, r->accept[a].hi);
        if (r->naccept)
            putchar('\n');
        for (size_t h = 0; h < r->nheaders; h++)
            printf("  header = %.*s: (not shown)\n", (int)strcspn(r->headers[h], ":"),
                   r->headers[h]);
    }
    if (!cfg->ignore_path)
        printf("# ignore file: none\n");
    else if (!cfg->nignore)
        printf("# ignore file: %s, no patterns\n", cfg->ignore_path);
    for (int i = 0; i < cfg->nignore; i++)
        printf("ignore = %s  # %s:%d\n", cfg->ignore[i], cfg->ignore_path, cfg->ignore_line[i]);
    return RD_EXIT_OK;
}
