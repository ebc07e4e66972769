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
 * permissions and owner, through a symlink to the file it names, and only
 * if nobody changed it since it was read (read). Returns an exit code. */
static int write_atomically(const char *path, const char *data, size_t len, const rd_stamp *read)
{
    rd_error err = {0};
    int rc = rd_write_file(path, data, len, RD_REPLACE_FOLLOW, read, &err);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    return RD_EXIT_OK;
}

/* ---- fmt --check: a unified diff ---- */

typedef struct lines {
    const char **at; /* where each line starts */
    size_t *len;     /* its length, with its line break */
    size_t n;
} lines;

static int split_lines(const char *s, lines *l)
{
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == '\n';
    l->at = malloc(cap * sizeof *l->at);
    l->len = malloc(cap * sizeof *l->len);
    l->n = 0;
    if (!l->at || !l->len)
        return -1;
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        l->at[l->n] = p;
        l->len[l->n++] = n;
        p += n;
    }
    return 0;
}

static int same_line(const lines *a, size_t i, const lines *b, size_t j)
{
    return a->len[i] == b->len[j] && !memcmp(a->at[i], b->at[j], a->len[i]);
}

static void diff_line(char mark, const char *p, size_t n)
{
    printf("%c%.*s", mark, (int)n, p);
    if (!n || p[n - 1] != '\n')
        printf("\n\\ No newline at end of file\n");
}

/* Where a and b meet again after they part at i, j: the nearest pair of
 * equal lines within `window` lines of each, or the ends. */
static void resync(const lines *a, size_t i, const lines *b, size_t j, size_t *ri, size_t *rj)
{
    const size_t window = 200;
    for (size_t d = 1; d < 2 * window; d++)
        for (size_t x = 0; x <= d; x++) {
            size_t y = d - x;
            if (x < window && y < window && i + x < a->n && j + y < b->n &&
                same_line(a, i + x, b, j + y)) {
                *ri = i + x, *rj = j + y;
                return;
            }
        }
    *ri = a->n, *rj = b->n;
}

typedef struct op {
    char kind; /* ' ' the same, '-' only in a, '+' only in b */
    size_t i, j;
} op;

/* The edit from a to b, line by line: equal lines pass, and where they part
 * the nearest place they meet again is found (fmt's changes are local). */
static op *edit_script(const lines *a, const lines *b, size_t *n)
{
    op *v = malloc((a->n + b->n + 1) * sizeof *v);
    size_t x = 0, y = 0;
    *n = 0;
    while (v && (x < a->n || y < b->n)) {
        if (x < a->n && y < b->n && same_line(a, x, b, y)) {
            v[(*n)++] = (op){' ', x++, y++};
            continue;
        }
        size_t rx = a->n, ry = b->n;
        if (x < a->n && y < b->n)
            resync(a, x, b, y, &rx, &ry);
        for (; x < rx; x++)
            v[(*n)++] = (op){'-', x, y};
        for (; y < ry; y++)
            v[(*n)++] = (op){'+', x, y};
    }
    return v;
}

/* Prints how a (the file) becomes b (fmt's output) as a unified diff, with
 * three lines of context, as `diff -u` would. */
static void show_difference(const char *file, const char *a_text, const char *b_text)
{
    lines a = {0}, b = {0};
    size_t n = 0;
    op *v = NULL;
    if (split_lines(a_text, &a) < 0 || split_lines(b_text, &b) < 0 ||
        !(v = edit_script(&a, &b, &n))) {
        puts("(out of memory for the diff)");
        goto done;
    }
    printf("--- %s\n+++ %s (refdex fmt)\n", file, file);
    for (size_t k = 0; k < n;) {
        if (v[k].kind == ' ') {
            k++;
            continue;
        }
        size_t start = k >= 3 ? k - 3 : 0, end = k, same = 0;
        /* a hunk runs until six lines in a row are the same (or the end) */
        for (size_t m = k; m < n && same < 6; m++) {
            same = v[m].kind == ' ' ? same + 1 : 0;
            end = m + 1;
        }
        if (same >= 6)
            end -= 3; /* keep three lines of context after the last change */
        size_t na = 0, nb = 0;
        for (size_t m = start; m < end; m++) {
            na += v[m].kind != '+';
            nb += v[m].kind != '-';
        }
        printf("@@ -%zu,%zu +%zu,%zu @@\n", v[start].i + (na > 0), na, v[start].j + (nb > 0), nb);
        for (size_t m = start; m < end; m++) {
            const lines *src = v[m].kind == '+' ? &b : &a;
            size_t at = v[m].kind == '+' ? v[m].j : v[m].i;
            diff_line(v[m].kind, src->at[at], src->len[at]);
        }
        k = end;
    }
done:
    free(v);
    free(a.at), free(a.len), free(b.at), free(b.len);
}

int rd_cmd_fmt(rd_config *cfg)
{
    char *text = NULL, *out = NULL;
    size_t len;
    rd_error err = {0};
    rd_stamp read;
    rd_stamp_of(cfg->file, &read);
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
        if (!same)
            ret = write_atomically(cfg->file, out, strlen(out), &read);
        if (ret == RD_EXIT_OK && cfg->verbosity >= 0)
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
    char *url, *final, *archive;
    rd_fix_check check;
} last_check;

typedef struct latest {
    rd_strmap index; /* url → position in v */
    last_check *v;
    size_t n, cap;
    int archive; /* --archive: keep the archived copies */
} latest;

static int keep_latest(const char *url, const char *result, const char *final_url,
                       const char *archive_url, void *ud)
{
    latest *l = ud;
    last_check *v = rd_grow(l->v, &l->cap, l->n, sizeof *v);
    if (!v)
        return RD_ENOMEM;
    l->v = v;
    last_check *c = &l->v[l->n];
    int r = rd_result_parse(result);
    if (!l->archive)
        archive_url = NULL;
    *c = (last_check){strdup(url),
                      final_url ? strdup(final_url) : NULL,
                      archive_url ? strdup(archive_url) : NULL,
                      {r < 0 ? RD_RES_COUNT : (rd_result)r, NULL, NULL}};
    c->check.final_url = c->final;
    c->check.archive_url = c->archive;
    l->n++; /* counted now, so free_latest frees it whatever happens next */
    if (!c->url || (final_url && !c->final) || (archive_url && !c->archive))
        return RD_ENOMEM;
    return rd_strmap_add(&l->index, c->url, (int)l->n - 1, NULL) < 0 ? RD_ENOMEM : 0;
}

/* A repository renamed on its forge (refdex repos) is a permanent move of
 * every link naming it, unless a check of that link says more (a redirect
 * of its own, or broken). */
static int add_renamed(const char *url, const char *moved_to, void *ud)
{
    latest *l = ud;
    int k = rd_strmap_get(&l->index, url);
    if (k < 0)
        return keep_latest(url, "redirect", moved_to, NULL, ud);
    last_check *c = &l->v[k];
    if (c->check.result != RD_RES_OK)
        return 0;
    char *moved = strdup(moved_to);
    if (!moved)
        return RD_ENOMEM;
    free(c->final);
    c->final = moved;
    c->check.final_url = moved;
    c->check.result = RD_RES_REDIRECT;
    return 0;
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
        free(l->v[i].archive);
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

/* What fix plans a section at a time: each section's fixes said as it is
 * read, and the changes (not the links left alone) kept, their entries
 * numbered in the whole catalog. */
typedef struct fix_pass {
    const rd_config *cfg;
    const char *text;
    size_t len;
    latest *l;
    rd_fix *v;
    size_t n, cap, changes;
    rd_text_cursor at; /* where the last section's links were looked for */
    rd_error *err;
} fix_pass;

static int fix_section(void *ud, const rd_catalog *cat)
{
    fix_pass *p = ud;
    rd_fix *f = NULL;
    size_t n = 0;
    int rc = rd_fix_plan(cat, p->text, p->len, &p->at, lookup_latest, p->l, &f, &n, p->err);
    if (rc < 0)
        return rc;
    p->changes += say_fixes(p->cfg, cat, f, n);
    for (size_t i = 0; i < n && rc == RD_OK; i++) {
        if (f[i].skipped)
            continue;
        rd_fix *v = rd_grow(p->v, &p->cap, p->n, sizeof *v);
        if (!v) {
            rc = rd_error_set(p->err, RD_ENOMEM, "out of memory");
            break;
        }
        p->v = v;
        p->v[p->n] = f[i];
        p->v[p->n++].entry += (int)cat->entry_base;
        f[i].with = NULL; /* moved */
    }
    rd_fix_free(f, n);
    return rc;
}

static int no_section(void *ud, const rd_catalog *cat)
{
    (void)ud, (void)cat;
    return 0;
}

/* Reads the text (bad input refused before anything is said), then plans
 * and says its fixes a section at a time, so that a catalog with nothing
 * to fix is never held whole; the whole model is read only to apply
 * changes (rd_fix_apply checks the changed text against it). */
int rd_cmd_fix(rd_config *cfg)
{
    char *text = NULL, *out = NULL;
    size_t len;
    rd_stamp read;
    rd_stamp_of(cfg->file, &read);
    rd_error err = {0};
    rd_catalog *rest = NULL, *cat = NULL;
    double t0 = rd_cli_now_ms();
    int e = rd_read_file(cfg->file, cfg->max_input, &text, &len, &err);
    if (e == RD_OK)
        e = rd_catalog_stream(cfg->file, text, len, cfg->max_input, no_section, NULL, &rest, &err);
    rd_catalog_free(rest);
    rest = NULL;
    if (e < 0) {
        free(text);
        rd_cli_error(&err);
        return rd_exit_for(e);
    }
    if (cfg->verbosity > 0)
        fprintf(stderr, "refdex: read %s (%zu bytes) in %.1f ms\n", cfg->file, len,
                rd_cli_now_ms() - t0);
    latest l = {.archive = cfg->archive};
    rd_db *db = NULL;
    int rc = RD_EXIT_OK;
    e = rd_db_open(cfg->db_path, RD_DB_READONLY, &db, &err);
    if (e == RD_ENOTFOUND) /* never checked: only scheme-less links to fix */
        e = RD_OK;
    else if (e == RD_OK)
        e = rd_db_latest_checks(db, keep_latest, &l, &err);
    if (e == RD_OK && db)
        e = rd_repos_renamed(db, add_renamed, &l, &err);
    rd_db_close(db);
    fix_pass p = {.cfg = cfg, .text = text, .len = len, .l = &l, .err = &err};
    if (e == RD_OK)
        e = rd_catalog_stream(cfg->file, text, len, cfg->max_input, fix_section, &p, &rest, &err);
    size_t changes = p.changes;
    if (e == RD_OK && changes)
        e = rd_catalog_parse(cfg->file, text, len, cfg->max_input, &cat, &err);
    if (e == RD_OK && changes)
        e = rd_fix_apply(cat, text, len, p.v, p.n, &out, &err);
    if (e < 0) {
        rd_cli_error(&err);
        rc = rd_exit_for(e);
    } else if (changes == 0 && cfg->verbosity >= 0) {
        fprintf(stderr, "%s: nothing to fix\n", cfg->file);
    } else if (changes && cfg->fmt_check && cfg->verbosity >= 0) {
        fprintf(stderr, "%s: %zu %s (--dry-run: not written)\n", cfg->file, changes,
                rd_plural((long long)changes, "link would change", "links would change"));
    } else if (changes && !cfg->fmt_check) {
        rc = write_atomically(cfg->file, out, strlen(out), &read);
        if (rc == RD_EXIT_OK && cfg->verbosity >= 0)
            fprintf(stderr, "%s: %zu %s fixed\n", cfg->file, changes,
                    rd_plural((long long)changes, "link", "links"));
    }
    rd_fix_free(p.v, p.n);
    free(out);
    free_latest(&l);
    free(text);
    rd_catalog_free(rest);
    rd_catalog_free(cat);
    return rc;
}
