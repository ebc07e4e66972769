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

/* Where diagnostics go as lint finds them: text (or JSON) to out, counted
 * by severity. */
typedef struct diag_out {
    const rd_config *cfg;
    FILE *out;
    int color;
    rd_diags_writer *json; /* NULL for text */
    rd_error *err;
    lint_counts counts;
} diag_out;

static int print_diag(const rd_diag *d, void *ud)
{
    diag_out *o = ud;
    const rd_config *cfg = o->cfg;
    o->counts.errors += d->severity == RD_SEV_ERROR;
    o->counts.warnings += d->severity == RD_SEV_WARNING;
    o->counts.notes += d->severity == RD_SEV_NOTE;
    if (o->json)
        return rd_diags_json_add(o->json, d, o->err);
    /* -q keeps what fails the run: errors, and with --strict warnings */
    int fails = d->severity == RD_SEV_ERROR || (cfg->strict && d->severity == RD_SEV_WARNING);
    if (cfg->verbosity < 0 && !fails)
        return 0;
    /* as compilers colour them: the place bold, the severity by its kind */
    static const char *const sgr[] = {[RD_SEV_ERROR] = "\033[1;31m",
                                      [RD_SEV_WARNING] = "\033[1;35m",
                                      [RD_SEV_NOTE] = "\033[1;36m"};
    int c = o->color;
    fprintf(o->out, "%s%s:%d:%d:%s %s%s%s: %s: %s\n", c ? "\033[1m" : "", cfg->file, d->pos.line,
            d->pos.col, c ? "\033[0m" : "", c ? sgr[d->severity] : "",
            rd_severity_name(d->severity), c ? "\033[0m" : "", d->rule, d->message);
    return 0;
}

typedef struct lint_pass {
    rd_linter *l;
    diag_out *o;
    rd_error *err;
} lint_pass;

static int first_reading(void *ud, const rd_catalog *section)
{
    lint_pass *p = ud;
    int rc = rd_linter_first(p->l, section);
    return rc < 0 ? rd_error_set(p->err, rc, "%s: out of memory while linting", section->file)
                  : RD_OK;
}

static int second_reading(void *ud, const rd_catalog *section)
{
    lint_pass *p = ud;
    return rd_linter_section(p->l, section, print_diag, p->o, p->err);
}

/* Lints the catalog a section at a time (reading its text twice: see
 * rd_linter_new), printing each diagnostic as it is found, so that memory
 * does not grow with the entries. Stores the number of entries in
 * *nentries. Bad input is reported as a parse reports it. */
static int lint_text(const rd_config *cfg, const char *text, size_t len, int json, diag_out *o,
                     size_t *nentries)
{
    rd_error err = {0};
    rd_linter *l = NULL;
    rd_catalog *rest = NULL;
    lint_pass p = {NULL, o, &err};
    o->err = &err;
    double t0 = rd_cli_now_ms();
    int rc = rd_linter_new(cfg->file, &cfg->lint, &l, &err);
    p.l = l;
    if (rc == RD_OK)
        rc =
            rd_catalog_stream(cfg->file, text, len, cfg->max_input, first_reading, &p, &rest, &err);
    if (rc == RD_OK && cfg->verbosity > 0)
        fprintf(stderr, "refdex: read %s (%zu bytes) in %.1f ms\n", cfg->file, len,
                rd_cli_now_ms() - t0);
    if (rc == RD_OK) {
        *nentries = rest->entry_base;
        rc = rd_linter_whole(l, rest, &err);
    }
    rd_catalog_free(rest);
    rest = NULL;
    /* the text read well: from here on what is printed is the diagnostics */
    if (rc == RD_OK && json)
        rc = rd_diags_json_begin(cfg->file, o->out, &o->json, &err);
    if (rc == RD_OK)
        rc = rd_catalog_stream(cfg->file, text, len, cfg->max_input, second_reading, &p, &rest,
                               &err);
    if (rc == RD_OK)
        rc = rd_linter_end(l, print_diag, o);
    rd_diags_json_end(o->json);
    if (rc == RD_OK && json)
        fputc('\n', o->out);
    rd_catalog_free(rest);
    rd_linter_free(l);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    return RD_EXIT_OK;
}

/* Reads the catalog and lints it to out (as JSON when json), counting what
 * it found into *counts and its entries into *nentries; *text holds the
 * catalog's text after (the caller frees it). */
static int lint_file(const rd_config *cfg, FILE *out, int json, lint_counts *counts,
                     size_t *nentries, char **text, size_t *len)
{
    rd_error err = {0};
    diag_out o = {cfg, out, json ? 0 : rd_cli_color(cfg, out), NULL, NULL, {0}};
    *text = NULL;
    int rc = rd_read_file(cfg->file, cfg->max_input, text, len, &err);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    rc = lint_text(cfg, *text, *len, json, &o, nentries);
    *counts = o.counts;
    return rc;
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
    char *text = NULL;
    size_t len, nentries = 0;
    lint_counts counts = {0};
    char buf[96];
    int rc = lint_file(cfg, stdout, !strcmp(fmt, "json"), &counts, &nentries, &text, &len);
    if (rc == RD_EXIT_OK && cfg->verbosity >= 0 && strcmp(fmt, "json"))
        fprintf(stderr, "%s: %s in %zu %s%s\n", cfg->file, counts_text(&counts, buf, sizeof buf),
                nentries, rd_plural((long long)nentries, "entry", "entries"),
                cfg->strict && !counts.errors && counts.warnings ? " (--strict: warnings fail)"
                                                                 : "");
    else if (rc == RD_EXIT_OK && cfg->strict && !counts.errors && counts.warnings)
        fprintf(stderr, "%s: %zu %s with --strict\n", cfg->file, counts.warnings,
                rd_plural((long long)counts.warnings, "warning fails", "warnings fail"));
    if (rc == RD_EXIT_OK && lint_failed(cfg, &counts))
        rc = RD_EXIT_FINDINGS;
    free(text);
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
    char *text = NULL;
    size_t len, nentries = 0;
    lint_counts counts = {0};
    char buf[96];
    rd_error err = {0};
    /* lint, then store: each reads the text a section at a time */
    int rc = lint_file(cfg, stderr, 0, &counts, &nentries, &text, &len);
    if (rc == RD_EXIT_OK && cfg->verbosity >= 0)
        fprintf(stderr, "%s: %s\n", cfg->file, counts_text(&counts, buf, sizeof buf));
    if (rc == RD_EXIT_OK)
        rc = rd_cli_store(cfg, NULL, text, len, stderr);
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
    free(text);
    return rc;
}
