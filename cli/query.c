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

/* Entries are printed as they are read, never held: the table's widths come
 * from a first reading of the same query, so memory does not grow with the
 * catalog (8,000,000 entries held as rows took 2.7 GB). */
typedef struct table {
    FILE *out;
    int repos; /* the table shows stars and last push (--sort stars|pushed) */
    int tsv;
    int wname, wstatus;
    char *group; /* the category of the last row printed (malloc'd) */
    size_t n;
    int oom;
} table;

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static const char *row_status(const rd_entry_row *r)
{
    return r->result ? r->result : r->url ? "unchecked" : "";
}

/* The first reading: how wide names and statuses are. */
static int measure(const rd_entry_row *r, void *ud)
{
    table *t = ud;
    int w = rd_display_width(or_empty(r->name)) + 2 * r->depth;
    if (w > t->wname)
        t->wname = w;
    if ((int)strlen(row_status(r)) > t->wstatus)
        t->wstatus = (int)strlen(row_status(r));
    return 0;
}

static int print_tsv(const rd_entry_row *r, void *ud)
{
    table *t = ud;
    FILE *out = t->out;
    t->n++;
    fprintf(out, "%s\t%d\t", or_empty(r->category), r->depth);
    tsv_field(out, or_empty(r->name), 0);
    tsv_field(out, or_empty(r->url), 0);
    fprintf(out, "%s\t%d\t", row_status(r), r->line);
    tsv_field(out, or_empty(r->description), 0);
    tsv_field(out, or_empty(r->title), 0);
    tsv_field(out, or_empty(r->findings), 1);
    return 0;
}

/* Entries grouped under their category, names aligned, descriptions below. */
static int print_row(const rd_entry_row *r, void *ud)
{
    table *t = ud;
    FILE *out = t->out;
    const char *category = or_empty(r->category_name), *status = row_status(r);
    int wname = t->wname, wstatus = t->wstatus;
    if (!t->group || strcmp(t->group, category)) {
        fprintf(out, "%s%s\n", t->group ? "\n" : "", category);
        free(t->group);
        if (!(t->group = strdup(category)))
            return t->oom = RD_ENOMEM;
    }
    t->n++;
    fprintf(out, "  %*s", 2 * r->depth, "");
    pad(out, or_empty(r->name), wname - 2 * r->depth);
    fputs("  ", out);
    pad(out, status[0] ? status : "-", wstatus);
    if (t->repos) {
        char stars[24] = "-", pushed[11] = "";
        if (r->stars >= 0)
            snprintf(stars, sizeof stars, "%lld", (long long)r->stars);
        if (r->pushed_at) /* its repository's last push, YYYY-MM-DD */
            snprintf(pushed, sizeof pushed, "%.10s", r->pushed_at);
        fprintf(out, "  %7s  %-10s %-8s", stars, pushed[0] ? pushed : "-",
                r->archived ? "archived" : "");
    }
    fprintf(out, "  %s\n", r->url && r->url[0] ? r->url : "(no link)");
    /* what the page says it is, and what is wrong with it */
    if (r->title && r->title[0])
        fprintf(out, "  %*s%*s  page: %s\n", wname, "", wstatus + 2, "", r->title);
    if (r->findings && r->findings[0])
        fprintf(out, "  %*s%*s  findings: %s\n", wname, "", wstatus + 2, "", r->findings);
    const char *d = or_empty(r->description);
    while (*d) {
        size_t n = strcspn(d, "\n");
        fprintf(out, "  %*s%*s  %s%.*s\n", wname, "", wstatus + 2, "",
                t->repos ? "                              " : "", (int)n, d);
        d += n + (d[n] == '\n');
    }
    return 0;
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
    table t = {.out = stdout,
               .repos = cfg->sort && strcmp(cfg->sort, "name"),
               .tsv = !strcmp(fmt, "tsv"),
               .wname = 4,
               .wstatus = 6};
    if (!strcmp(fmt, "json")) {
        e = rd_db_query_json_write(db, &q, stdout, &err);
        if (e == RD_OK)
            putchar('\n');
    } else if (t.tsv) {
        fputs("category\tdepth\tname\turl\tstatus\tline\tdescription\ttitle\tfindings\n", stdout);
        e = rd_db_query(db, &q, print_tsv, &t, &err);
    } else {
        e = rd_db_query(db, &q, measure, &t, &err);
        if (t.wname > 40)
            t.wname = 40;
        if (e == RD_OK)
            e = rd_db_query(db, &q, print_row, &t, &err);
        if (t.oom)
            rd_error_set(&err, RD_ENOMEM, "out of memory");
        if (e == RD_OK && cfg->verbosity >= 0)
            fprintf(stderr, "%zu %s\n", t.n, rd_plural((long long)t.n, "entry", "entries"));
        free(t.group);
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
