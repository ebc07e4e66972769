/* cli/query.c — `query`, `categories`, `history` and `prune`: tables, TSV, JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int rd_display_width(const char *s)
{
    int w = 0;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = rd_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len == 0)
            len = 1, cp = '?';
        w += rd_is_cjk(cp) ? 2 : 1;
        i += (size_t)len;
    }
    return w;
}

/* Prints s padded with spaces to width columns. */
static void pad(FILE *out, const char *s, int width)
{
    fputs(s, out);
    for (int w = rd_display_width(s); w < width; w++)
        fputc(' ', out);
}

/* A TSV field: tabs and line breaks become spaces. */
static void tsv_field(FILE *out, const char *s, int last)
{
    for (; s && *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
    fputc(last ? '\n' : '\t', out);
}

int rd_cli_table_format(const char *cmd, const char *fmt)
{
    if (!strcmp(fmt, "table") || !strcmp(fmt, "tsv") || !strcmp(fmt, "json"))
        return RD_EXIT_OK;
    fprintf(stderr, "refdex: %s --format is table, tsv or json, not '%s'\n", cmd, fmt);
    return RD_EXIT_USAGE;
}

int rd_cli_open_read(const rd_config *cfg, rd_db **db)
{
    rd_error err = {0};
    int rc = rd_db_open(cfg->db_path, RD_DB_READONLY, db, &err);
    if (rc < 0) {
        rd_cli_error(&err);
        if (rc == RD_ENOTFOUND)
            fprintf(stderr,
                    "refdex: looked for %s%s; ingest, update and check keep a "
                    "catalog's database beside it (docs/list.md: docs/refdex.db), so "
                    "run this there or give --db PATH\n",
                    cfg->db_path, cfg->db_owned ? " in this folder" : " (--db)");
        return rd_exit_for(rc);
    }
    return RD_EXIT_OK;
}

/* ---- query ---- */

typedef struct row {
    int depth, line;
    int64_t stars;   /* -1: not known */
    char pushed[11]; /* its repository's last push, YYYY-MM-DD, or "" */
    int archived;
    char *name, *url, *category, *status, *description;
    char *category_name; /* the table shows names, as the user wrote them */
    char *title;         /* the page's, at its status check */
    char *findings;      /* "soft-404,title-mismatch" */
} row;

typedef struct rows {
    row *v;
    size_t n, cap;
    int oom;
    int repos; /* the table shows stars and last push (--sort stars|pushed) */
} rows;

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

static int collect(const rd_entry_row *r, void *ud)
{
    rows *rs = ud;
    row *v = rd_grow(rs->v, &rs->cap, rs->n, sizeof *v);
    if (!v)
        return rs->oom = RD_ENOMEM;
    rs->v = v;
    const char *status = r->result ? r->result : r->url ? "unchecked" : "";
    row *o = &rs->v[rs->n++];
    *o = (row){r->depth,
               r->line,
               r->stars,
               "",
               r->archived,
               dup_or_empty(r->name),
               dup_or_empty(r->url),
               dup_or_empty(r->category),
               dup_or_empty(status),
               dup_or_empty(r->description),
               dup_or_empty(r->category_name),
               dup_or_empty(r->title),
               dup_or_empty(r->findings)};
    if (r->pushed_at)
        snprintf(o->pushed, sizeof o->pushed, "%.10s", r->pushed_at);
    if (!o->name || !o->url || !o->category || !o->status || !o->description || !o->category_name ||
        !o->title || !o->findings)
        return rs->oom = RD_ENOMEM;
    return 0;
}

static void free_rows(rows *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        free(rs->v[i].name);
        free(rs->v[i].url);
        free(rs->v[i].category);
        free(rs->v[i].status);
        free(rs->v[i].description);
        free(rs->v[i].category_name);
        free(rs->v[i].title);
        free(rs->v[i].findings);
    }
    free(rs->v);
}

/* Entries grouped under their category, names aligned, descriptions below. */
static void print_table(const rows *rs, FILE *out)
{
    int wname = 4, wstatus = 6;
    for (size_t i = 0; i < rs->n; i++) {
        int w = rd_display_width(rs->v[i].name) + 2 * rs->v[i].depth;
        if (w > wname)
            wname = w;
        if ((int)strlen(rs->v[i].status) > wstatus)
            wstatus = (int)strlen(rs->v[i].status);
    }
    if (wname > 40)
        wname = 40;
    const char *group = NULL;
    for (size_t i = 0; i < rs->n; i++) {
        const row *r = &rs->v[i];
        if (!group || strcmp(group, r->category_name)) {
            fprintf(out, "%s%s\n", group ? "\n" : "", r->category_name);
            group = r->category_name;
        }
        fprintf(out, "  %*s", 2 * r->depth, "");
        pad(out, r->name, wname - 2 * r->depth);
        fputs("  ", out);
        pad(out, r->status[0] ? r->status : "-", wstatus);
        if (rs->repos) {
            char stars[24] = "-";
            if (r->stars >= 0)
                snprintf(stars, sizeof stars, "%lld", (long long)r->stars);
            fprintf(out, "  %7s  %-10s %-8s", stars, r->pushed[0] ? r->pushed : "-",
                    r->archived ? "archived" : "");
        }
        fprintf(out, "  %s\n", r->url[0] ? r->url : "(no link)");
        /* what the page says it is, and what is wrong with it */
        if (r->title[0])
            fprintf(out, "  %*s%*s  page: %s\n", wname, "", wstatus + 2, "", r->title);
        if (r->findings[0])
            fprintf(out, "  %*s%*s  findings: %s\n", wname, "", wstatus + 2, "", r->findings);
        const char *d = r->description;
        while (*d) {
            size_t n = strcspn(d, "\n");
            fprintf(out, "  %*s%*s  %s%.*s\n", wname, "", wstatus + 2, "",
                    rs->repos ? "                              " : "", (int)n, d);
            d += n + (d[n] == '\n');
        }
    }
}

int rd_cmd_query(rd_config *cfg)
{
    const char *fmt = cfg->format ? cfg->format : "table";
    int rc = rd_cli_table_format("query", fmt);
    rd_db *db = NULL;
    if (rc == RD_EXIT_OK)
        rc = rd_cli_open_read(cfg, &db);
    if (rc != RD_EXIT_OK)
        return rc;
    rd_query q = {cfg->category, cfg->search, cfg->status, cfg->since[0] ? cfg->since : NULL,
                  cfg->sort};
    rd_error err = {0};
    int e;
    if (!strcmp(fmt, "json")) {
        char *json = NULL;
        e = rd_db_query_json(db, &q, &json, &err);
        if (e == RD_OK)
            printf("%s\n", json);
        free(json);
    } else {
        rows rs = {.repos = cfg->sort && strcmp(cfg->sort, "name")};
        e = rd_db_query(db, &q, collect, &rs, &err);
        if (rs.oom)
            rd_error_set(&err, RD_ENOMEM, "out of memory");
        if (e == RD_OK && !strcmp(fmt, "tsv")) {
            fputs("category\tdepth\tname\turl\tstatus\tline\tdescription\ttitle\tfindings\n",
                  stdout);
            for (size_t i = 0; i < rs.n; i++) {
                const row *r = &rs.v[i];
                printf("%s\t%d\t", r->category, r->depth);
                tsv_field(stdout, r->name, 0);
                tsv_field(stdout, r->url, 0);
                printf("%s\t%d\t", r->status, r->line);
                tsv_field(stdout, r->description, 0);
                tsv_field(stdout, r->title, 0);
                tsv_field(stdout, r->findings, 1);
            }
        } else if (e == RD_OK) {
            print_table(&rs, stdout);
            if (cfg->verbosity >= 0)
                fprintf(stderr, "%zu %s\n", rs.n, rd_plural((long long)rs.n, "entry", "entries"));
        }
        free_rows(&rs);
    }
    rd_db_close(db);
    if (e < 0) {
        rd_cli_error(&err);
        return rd_exit_for(e);
    }
    return RD_EXIT_OK;
}

/* ---- categories ---- */

typedef struct cat_print {
    FILE *out;
    int tsv;
} cat_print;

static int print_category(const rd_category_row *r, void *ud)
{
    cat_print *cp = ud;
    if (cp->tsv) {
        fprintf(cp->out, "%s\t%d\t", r->path, r->depth);
        tsv_field(cp->out, r->name, 0);
        fprintf(cp->out, "%lld\t%lld\t%d\n", (long long)r->entries, (long long)r->total, r->line);
        return 0;
    }
    fprintf(cp->out, "%*s", 2 * r->depth, "");
    pad(cp->out, r->name, 32 - 2 * r->depth);
    fprintf(cp->out, " %7lld %7lld  %s\n", (long long)r->entries, (long long)r->total, r->path);
    return 0;
}

int rd_print_categories(rd_db *db, const char *format, FILE *out, rd_error *err)
{
    if (!strcmp(format, "json")) {
        char *json = NULL;
        int rc = rd_db_categories_json(db, &json, err);
        if (rc == RD_OK)
            fprintf(out, "%s\n", json);
        free(json);
        return rc;
    }
    cat_print cp = {out, !strcmp(format, "tsv")};
    if (cp.tsv)
        fputs("path\tdepth\tname\tentries\ttotal\tline\n", out);
    else
        fprintf(out, "%-32s %7s %7s  %s\n", "CATEGORY", "ENTRIES", "TOTAL", "PATH");
    return rd_db_categories(db, print_category, &cp, err);
}

int rd_cmd_categories(rd_config *cfg)
{
    const char *fmt = cfg->format ? cfg->format : "table";
    int rc = rd_cli_table_format("categories", fmt);
    rd_db *db = NULL;
    if (rc == RD_EXIT_OK)
        rc = rd_cli_open_read(cfg, &db);
    if (rc != RD_EXIT_OK)
        return rc;
    rd_error err = {0};
    int e = rd_print_categories(db, fmt, stdout, &err);
    rd_db_close(db);
    if (e < 0) {
        rd_cli_error(&err);
        return rd_exit_for(e);
    }
    return RD_EXIT_OK;
}

/* ---- history ---- */

typedef struct history_print {
    FILE *out;
    int tsv;
    size_t n, uncounted;
} history_print;

/* What a check found, in words: its error, where it was sent, what a cache
 * hit reused, and why it does not count for the link's status. */
static void history_detail(FILE *out, const rd_history_row *r)
{
    const char *sep = "  ";
    if (r->error && r->error[0])
        fprintf(out, "%s", r->error), sep = "; ";
    if (r->final_url && r->final_url[0] && r->redirects > 0)
        fprintf(out, "%sto %s", sep, r->final_url), sep = "; ";
    if (r->cached_result)
        fprintf(out, "%sreused %s of %s", sep, r->cached_result, r->cached_at), sep = "; ";
    if (r->outcome && !strcmp(r->outcome, "offline"))
        fprintf(out, "%sthe run found no network", sep);
}

static int print_history(const rd_history_row *r, void *ud)
{
    history_print *hp = ud;
    FILE *out = hp->out;
    hp->n++;
    hp->uncounted += !r->conclusive;
    if (hp->tsv) {
        fprintf(out, "%s\t%s\t%d\t%lld\t%d\t%lld\t", r->checked_at, r->result, r->status_code,
                (long long)r->elapsed_ms, r->conclusive, (long long)r->run_id);
        tsv_field(out, r->redirects > 0 && r->final_url ? r->final_url : "", 0);
        tsv_field(out, r->error, 1);
        return 0;
    }
    char code[16] = "-";
    if (r->status_code > 0)
        snprintf(code, sizeof code, "%d", r->status_code);
    fprintf(out, "%-24s  %c %-11s  %4s  %6lld ms", r->checked_at, r->conclusive ? ' ' : '*',
            r->result, code, (long long)r->elapsed_ms);
    history_detail(out, r);
    fputc('\n', out);
    return 0;
}

int rd_cmd_history(rd_config *cfg)
{
    const char *fmt = cfg->format ? cfg->format : "table";
    int rc = rd_cli_table_format("history", fmt);
    rd_db *db = NULL;
    if (rc == RD_EXIT_OK)
        rc = rd_cli_open_read(cfg, &db);
    if (rc != RD_EXIT_OK)
        return rc;
    rd_error err = {0};
    rd_url_info info = {0};
    int e = rd_url_normalise(cfg->subject, &info);
    int64_t url_id = 0;
    char *url = NULL;
    if (e == RD_OK)
        e = rd_db_find_url(db, cfg->subject, info.normalised, &url_id, &url, &err);
    else
        rd_error_set(&err, e, "out of memory");
    free(info.normalised);
    history_print hp = {stdout, !strcmp(fmt, "tsv"), 0, 0};
    if (e == RD_OK && !strcmp(fmt, "json")) {
        e = rd_db_history_json(db, url_id, stdout, &err);
    } else if (e == RD_OK) {
        if (hp.tsv)
            fputs("checked_at\tresult\tstatus\telapsed_ms\tconclusive\trun\tfinal_url\terror\n",
                  stdout);
        else
            printf("%s\n", url);
        e = rd_db_history(db, url_id, print_history, &hp, &err);
        if (e == RD_OK && !hp.tsv && hp.n == 0)
            printf("never checked\n");
        if (e == RD_OK && !hp.tsv && cfg->verbosity >= 0)
            fprintf(stderr, "%zu %s%s\n", hp.n, rd_plural((long long)hp.n, "check", "checks"),
                    hp.uncounted ? "; * does not count for the link's status" : "");
    }
    free(url);
    rd_db_close(db);
    if (e < 0) {
        rd_cli_error(&err);
        return rd_exit_for(e);
    }
    return RD_EXIT_OK;
}

/* ---- prune ---- */

int rd_cmd_prune(rd_config *cfg)
{
    if (cfg->keep < 1) {
        fputs("refdex: prune needs --keep N: how many checks of each link to keep\n"
              "Try 'refdex prune --help'.\n",
              stderr);
        return RD_EXIT_USAGE;
    }
    rd_db *db = NULL;
    int rc = rd_cli_open_read(cfg, &db); /* read-only first: a missing database is not made */
    rd_db_close(db);
    if (rc != RD_EXIT_OK)
        return rc;
    rd_error err = {0};
    int e = rd_db_open(cfg->db_path, 0, &db, &err);
    rd_prune_stats st;
    double t0 = rd_cli_now_ms();
    if (e == RD_OK)
        e = rd_db_prune(db, cfg->keep, &st, &err);
    if (e == RD_OK && cfg->verbosity >= 0)
        fprintf(stderr, "%s: removed %lld %s of %lld %s; %lld kept\n", cfg->db_path,
                (long long)st.checks, rd_plural(st.checks, "check", "checks"), (long long)st.urls,
                rd_plural(st.urls, "link", "links"), (long long)st.kept);
    if (e == RD_OK && cfg->vacuum)
        e = rd_db_vacuum(db, &err);
    if (e == RD_OK && cfg->verbosity > 0)
        fprintf(stderr, "prune%s took %.0f ms\n", cfg->vacuum ? " and vacuum" : "",
                rd_cli_now_ms() - t0);
    rd_db_close(db);
    if (e < 0) {
        rd_cli_error(&err);
        return rd_exit_for(e);
    }
    return RD_EXIT_OK;
}
