/* cli/commands.c — reading and storing the catalog (for every command that
 * takes one), ingest, lint, and update (the main job). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int rd_cli_load(const rd_config *cfg, rd_catalog **cat, char **text, size_t *len)
{
    rd_error err = {0};
    double t0 = rd_cli_now_ms();
    int rc = rd_read_file(cfg->file, cfg->max_input, text, len, &err);
    if (rc == RD_OK)
        rc = rd_catalog_parse(cfg->file, *text, *len, cfg->max_input, cat, &err);
    if (rc < 0) {
        free(*text);
        *text = NULL;
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    if (cfg->verbosity > 0)
        fprintf(stderr, "refdex: read %s (%zu bytes) in %.1f ms\n", cfg->file, *len,
                rd_cli_now_ms() - t0);
    return RD_EXIT_OK;
}

typedef struct lint_counts {
    size_t errors, warnings, notes;
} lint_counts;

/* Prints diagnostics as text (or JSON) to out and counts them by severity. */
static int print_diags(const rd_config *cfg, const rd_diag *d, size_t n, FILE *out, int json,
                       lint_counts *counts)
{
    memset(counts, 0, sizeof *counts);
    for (size_t i = 0; i < n; i++) {
        counts->errors += d[i].severity == RD_SEV_ERROR;
        counts->warnings += d[i].severity == RD_SEV_WARNING;
        counts->notes += d[i].severity == RD_SEV_NOTE;
    }
    if (json) {
        rd_error err = {0};
        char *text;
        int rc = rd_diags_json(cfg->file, d, n, &text, &err);
        if (rc < 0) {
            rd_cli_error(&err);
            return rd_exit_for(rc);
        }
        fprintf(out, "%s\n", text);
        free(text);
        return RD_EXIT_OK;
    }
    int color = rd_cli_color(cfg, out);
    for (size_t i = 0; i < n; i++) {
        /* -q keeps what fails the run: errors, and with --strict warnings */
        int fails =
            d[i].severity == RD_SEV_ERROR || (cfg->strict && d[i].severity == RD_SEV_WARNING);
        if (cfg->verbosity < 0 && !fails)
            continue;
        /* as compilers colour them: the place bold, the severity by its kind */
        static const char *const sgr[] = {[RD_SEV_ERROR] = "\033[1;31m",
                                          [RD_SEV_WARNING] = "\033[1;35m",
                                          [RD_SEV_NOTE] = "\033[1;36m"};
        int c = color;
        fprintf(out, "%s%s:%d:%d:%s %s%s%s: %s: %s\n", c ? "\033[1m" : "", cfg->file, d[i].pos.line,
                d[i].pos.col, c ? "\033[0m" : "", c ? sgr[d[i].severity] : "",
                rd_severity_name(d[i].severity), c ? "\033[0m" : "", d[i].rule, d[i].message);
    }
    return RD_EXIT_OK;
}

/* "1 error, 2 warnings, 0 notes" into buf; returns buf. */
static const char *counts_text(const lint_counts *c, char *buf, size_t n)
{
    snprintf(buf, n, "%zu %s, %zu %s, %zu %s", c->errors,
             rd_plural((long long)c->errors, "error", "errors"), c->warnings,
             rd_plural((long long)c->warnings, "warning", "warnings"), c->notes,
             rd_plural((long long)c->notes, "note", "notes"));
    return buf;
}

static int lint_failed(const rd_config *cfg, const lint_counts *c)
{
    return c->errors > 0 || (cfg->strict && c->warnings > 0);
}

int rd_cmd_lint(rd_config *cfg)
{
    const char *fmt = cfg->format ? cfg->format : "text";
    if (strcmp(fmt, "text") && strcmp(fmt, "json")) {
        fprintf(stderr, "refdex: lint --format is text or json, not '%s'\n", fmt);
        return RD_EXIT_USAGE;
    }
    rd_catalog *cat = NULL;
    char *text = NULL;
    size_t len;
    int rc = rd_cli_load(cfg, &cat, &text, &len);
    if (rc != RD_EXIT_OK)
        return rc;
    rd_diag *d = NULL;
    size_t n = 0;
    rd_error err = {0};
    lint_counts counts = {0};
    char buf[96];
    if (rd_lint(cat, &cfg->lint, &d, &n, &err) < 0) {
        rd_cli_error(&err);
        rc = RD_EXIT_INTERNAL;
    } else {
        rc = print_diags(cfg, d, n, stdout, !strcmp(fmt, "json"), &counts);
    }
    if (rc == RD_EXIT_OK && cfg->verbosity >= 0 && strcmp(fmt, "json"))
        fprintf(stderr, "%s: %s in %zu %s%s\n", cfg->file, counts_text(&counts, buf, sizeof buf),
                cat->nentries, rd_plural((long long)cat->nentries, "entry", "entries"),
                cfg->strict && !counts.errors && counts.warnings ? " (--strict: warnings fail)"
                                                                 : "");
    else if (rc == RD_EXIT_OK && cfg->strict && !counts.errors && counts.warnings)
        fprintf(stderr, "%s: %zu %s with --strict\n", cfg->file, counts.warnings,
                rd_plural((long long)counts.warnings, "warning fails", "warnings fail"));
    if (rc == RD_EXIT_OK && lint_failed(cfg, &counts))
        rc = RD_EXIT_FINDINGS;
    rd_diags_free(d, n);
    free(text);
    rd_catalog_free(cat);
    return rc;
}

int rd_cli_store(const rd_config *cfg, const rd_catalog *cat, const char *text, size_t len,
                 FILE *out)
{
    rd_error err = {0};
    rd_db *db = NULL;
    rd_ingest_stats st;
    double t0 = rd_cli_now_ms();
    int rc = rd_db_open(cfg->db_path, 0, &db, &err);
    int flags = cfg->force ? RD_INGEST_REPLACE : 0;
    if (rc == RD_OK && cat)
        rc = rd_db_ingest(db, cat, text, len, flags, &st, &err);
    else if (rc == RD_OK) /* a section at a time */
        rc = rd_db_ingest_text(db, cfg->file, text, len, cfg->max_input, flags, &st, &err);
    rd_db_close(db);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    if (cfg->verbosity >= 0 && out) {
        if (st.unchanged)
            fprintf(out, "%s: unchanged since the last ingest into %s (%lld %s)\n", cfg->file,
                    cfg->db_path, (long long)st.entries, rd_plural(st.entries, "entry", "entries"));
        else
            fprintf(out, "%s: %lld %s in %lld %s, %lld %s; %lld %s in %s (%lld new)\n", cfg->file,
                    (long long)st.entries, rd_plural(st.entries, "entry", "entries"),
                    (long long)st.categories, rd_plural(st.categories, "category", "categories"),
                    (long long)st.notes, rd_plural(st.notes, "note", "notes"),
                    (long long)st.urls_total, rd_plural(st.urls_total, "URL", "URLs"), cfg->db_path,
                    (long long)st.urls_new);
    }
    if (cfg->verbosity > 0)
        fprintf(stderr, "refdex: stored in %.1f ms\n", rd_cli_now_ms() - t0);
    return RD_EXIT_OK;
}

int rd_cli_ingest(const rd_config *cfg, FILE *msgs)
{
    char *text = NULL;
    size_t len;
    rd_error err = {0};
    int rc = rd_read_file(cfg->file, cfg->max_input, &text, &len, &err);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    rc = rd_cli_store(cfg, NULL, text, len, msgs);
    free(text);
    return rc;
}

int rd_cmd_ingest(rd_config *cfg)
{
    return rd_cli_ingest(cfg, stdout);
}

int rd_cmd_update(rd_config *cfg)
{
    const char *fmt = cfg->format ? cfg->format : "table";
    if (strcmp(fmt, "table") && strcmp(fmt, "tsv") && strcmp(fmt, "json")) {
        fprintf(stderr, "refdex: update --format is table, tsv or json, not '%s'\n", fmt);
        return RD_EXIT_USAGE;
    }
    rd_catalog *cat = NULL;
    char *text = NULL;
    size_t len;
    int rc = rd_cli_load(cfg, &cat, &text, &len);
    rd_diag *d = NULL;
    size_t n = 0;
    lint_counts counts = {0};
    char buf[96];
    rd_error err = {0};
    if (rc == RD_EXIT_OK && rd_lint(cat, &cfg->lint, &d, &n, &err) < 0) {
        rd_cli_error(&err);
        rc = RD_EXIT_INTERNAL;
    }
    if (rc == RD_EXIT_OK)
        rc = print_diags(cfg, d, n, stderr, 0, &counts);
    if (rc == RD_EXIT_OK && cfg->verbosity >= 0)
        fprintf(stderr, "%s: %s\n", cfg->file, counts_text(&counts, buf, sizeof buf));
    if (rc == RD_EXIT_OK)
        rc = rd_cli_store(cfg, cat, text, len, stderr);
    if (rc == RD_EXIT_OK && !cfg->no_check) { /* reported; failing on it is check's job */
        size_t failing;
        int network_down;
        rc = rd_run_check(cfg, RD_REPORT_TEXT, stderr, &failing, &network_down);
    }
    if (rc == RD_EXIT_OK)
        rc = rd_render_to(cfg, stderr);
    if (rc == RD_EXIT_OK) {
        rd_db *db = NULL;
        int e = rd_db_open(cfg->db_path, RD_DB_READONLY, &db, &err);
        if (e == RD_OK)
            e = rd_print_categories(db, fmt, stdout, &err);
        rd_db_close(db);
        if (e < 0) {
            rd_cli_error(&err);
            rc = rd_exit_for(e);
        }
    }
    if (rc == RD_EXIT_OK && lint_failed(cfg, &counts))
        rc = RD_EXIT_FINDINGS;
    rd_diags_free(d, n);
    free(text);
    rd_catalog_free(cat);
    return rc;
}
