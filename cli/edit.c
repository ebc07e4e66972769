/* cli/edit.c — commands that rewrite the catalog: fmt and fix. Both write
 * through a temporary file and a rename, so the catalog is never half written. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/file.h"
#include "cli.h"

/* Replaces the catalog at path with data[0..len), atomically, keeping its
 * permissions and owner, and through a symlink to the file it names. */
static int write_atomically(const char *path, const char *data, size_t len)
{
    rd_error err = {0};
    if (rd_write_file(path, data, len, RD_REPLACE_FOLLOW, &err) < 0) {
        rd_cli_error(&err);
        return -1;
    }
    return 0;
}

/* Where a and b first differ, as one hunk of lines: enough for --check. */
static void show_difference(const char *file, const char *a, const char *b)
{
    int line = 1;
    while (*a && *a == *b) {
        line += *a == '\n';
        a++, b++;
    }
    while (line > 1 && a[-1] != '\n') /* back to the start of the line */
        a--, b--;
    const char *ends[2] = {a + strlen(a), b + strlen(b)};
    for (int k = 0; k < 2; k++) {
        const char *p = k ? b : a;
        for (int shown = 0; p < ends[k] && shown < 6; shown++) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            printf("%s:%d: %c %.*s\n", file, line + shown, k ? '+' : '-', (int)n, p);
            p += n + (nl != NULL);
        }
    }
}

int rd_cmd_fmt(rd_config *cfg)
{
    char *text = NULL, *out = NULL;
    size_t len;
    rd_error err = {0};
    int rc = rd_read_file(cfg->file, cfg->max_input, &text, &len, &err);
    if (rc == RD_OK)
        rc = rd_markdown_format(cfg->file, text, len, &cfg->fmt_style, &out, &err);
    if (rc < 0) {
        rd_cli_error(&err);
        free(text);
        return rd_exit_for(rc);
    }
    int same = strlen(out) == len && !memcmp(out, text, len);
    int ret = RD_EXIT_OK;
    if (cfg->fmt_check) {
        if (!same) {
            show_difference(cfg->file, text, out);
            fprintf(stderr, "%s: not in canonical form; 'refdex fmt -w %s' rewrites it\n",
                    cfg->file, cfg->file);
            ret = RD_EXIT_FINDINGS;
        }
    } else if (cfg->fmt_write) {
        if (!same && write_atomically(cfg->file, out, strlen(out)) < 0)
            ret = RD_EXIT_INTERNAL;
        else if (cfg->verbosity >= 0)
            fprintf(stderr, "%s: %s\n", cfg->file, same ? "already canonical" : "rewritten");
    } else {
        fputs(out, stdout);
    }
    free(text);
    free(out);
    return ret;
}

/* ---- fix ---- */

typedef struct last_check {
    char *url, *final;
    rd_fix_check check;
} last_check;

typedef struct latest {
    rd_strmap index; /* url → position in v */
    last_check *v;
    size_t n, cap;
} latest;

static int keep_latest(const char *url, const char *result, const char *final_url, void *ud)
{
    latest *l = ud;
    last_check *v = rd_grow(l->v, &l->cap, l->n, sizeof *v);
    if (!v)
        return RD_ENOMEM;
    l->v = v;
    last_check *c = &l->v[l->n];
    int r = rd_result_parse(result);
    *c = (last_check){strdup(url), final_url ? strdup(final_url) : NULL,
                      {r < 0 ? RD_RES_COUNT : (rd_result)r, NULL}};
    c->check.final_url = c->final;
    l->n++; /* counted now, so free_latest frees it whatever happens next */
    if (!c->url || (final_url && !c->final))
        return RD_ENOMEM;
    return rd_strmap_add(&l->index, c->url, (int)l->n - 1, NULL) < 0 ? RD_ENOMEM : 0;
}

static const rd_fix_check *lookup_latest(const char *url, void *ud)
{
    const latest *l = ud;
    int k = rd_strmap_get(&l->index, url);
    return k >= 0 ? &l->v[k].check : NULL;
}

static void free_latest(latest *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].url);
        free(l->v[i].final);
    }
    free(l->v);
    rd_strmap_free(&l->index);
}

/* Says each planned fix (stdout) and each link left alone (stderr); returns
 * how many change. */
static size_t say_fixes(const rd_config *cfg, const rd_catalog *cat, const rd_fix *f, size_t n)
{
    size_t changes = 0;
    for (size_t i = 0; i < n; i++) {
        const rd_entry *e = &cat->entries[f[i].entry];
        if (f[i].skipped) {
            fprintf(stderr, "%s:%d:%d: left as is: %s\n", cfg->file, e->link_pos.line,
                    e->link_pos.col, f[i].note);
            continue;
        }
        printf("%s:%d:%d: %s -> %s (%s)\n", cfg->file, e->link_pos.line, e->link_pos.col,
               e->url_raw, f[i].with, f[i].why);
        changes++;
    }
    return changes;
}

int rd_cmd_fix(rd_config *cfg)
{
    rd_catalog *cat = NULL;
    char *text = NULL, *out = NULL;
    size_t len, n = 0;
    int rc = rd_cli_load(cfg, &cat, &text, &len);
    if (rc != RD_EXIT_OK)
        return rc;
    latest l = {0};
    rd_error err = {0};
    rd_db *db = NULL;
    rd_fix *f = NULL;
    int e = rd_db_open(cfg->db_path, RD_DB_READONLY, &db, &err);
    if (e == RD_ENOTFOUND) /* never checked: only scheme-less links to fix */
        e = RD_OK;
    else if (e == RD_OK)
        e = rd_db_latest_checks(db, keep_latest, &l, &err);
    rd_db_close(db);
    if (e == RD_OK)
        e = rd_fix_plan(cat, text, len, lookup_latest, &l, &f, &n, &err);
    size_t changes = e == RD_OK ? say_fixes(cfg, cat, f, n) : 0;
    if (e == RD_OK && changes)
        e = rd_fix_apply(cat, text, len, f, n, &out, &err);
    if (e < 0) {
        rd_cli_error(&err);
        rc = rd_exit_for(e);
    } else if (changes == 0 && cfg->verbosity >= 0) {
        fprintf(stderr, "%s: nothing to fix\n", cfg->file);
    } else if (changes && cfg->fmt_check && cfg->verbosity >= 0) {
        fprintf(stderr, "%s: %zu links would change (--dry-run: not written)\n", cfg->file,
                changes);
    } else if (changes && !cfg->fmt_check && write_atomically(cfg->file, out, strlen(out)) < 0) {
        rc = RD_EXIT_INTERNAL;
    } else if (changes && !cfg->fmt_check && cfg->verbosity >= 0) {
        fprintf(stderr, "%s: %zu links fixed\n", cfg->file, changes);
    }
    rd_fix_free(f, n);
    free(out);
    free_latest(&l);
    free(text);
    rd_catalog_free(cat);
    return rc;
}
