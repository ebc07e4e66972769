/* catalog/lint.c — what is wrong or doubtful in a catalog, as diagnostics. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "catalog.h"

const char *rd_severity_name(rd_severity s)
{
    return s == RD_SEV_ERROR ? "error" : s == RD_SEV_WARNING ? "warning" : "note";
}

typedef struct diags {
    rd_diag *v;
    size_t n, cap;
    int oom;
} diags;

static rd_diag *add(diags *d, rd_severity sev, const char *rule, rd_pos pos)
{
    if (d->oom)
        return NULL;
    rd_diag *v = rd_grow(d->v, &d->cap, d->n, sizeof *v);
    if (!v) {
        d->oom = 1;
        return NULL;
    }
    d->v = v;
    rd_diag *g = &d->v[d->n++];
    g->severity = sev;
    g->rule = rule;
    g->pos = pos;
    g->message[0] = '\0';
    return g;
}

#define SAY(g, ...)                                                                            \
    do {                                                                                       \
        if (g)                                                                                 \
            snprintf((g)->message, sizeof (g)->message, __VA_ARGS__);                          \
    } while (0)

static void lint_entry(diags *d, const rd_entry *e)
{
    rd_diag *g;
    if (!e->url_raw) {
        g = add(d, RD_SEV_NOTE, "no-url", e->link_pos);
        SAY(g, "'%s' has no link", e->name);
        return;
    }
    if (!e->name[0]) {
        g = add(d, RD_SEV_WARNING, "empty-name", e->link_pos);
        SAY(g, "the link to %s has no text", e->url_raw);
    }
    switch (e->url_kind) {
    case RD_URL_INVALID:
        g = add(d, RD_SEV_ERROR, "bad-url", e->link_pos);
        SAY(g, "'%s' is not a valid URL: %s", e->url_raw, e->url_error ? e->url_error : "?");
        break;
    case RD_URL_UNSAFE:
        g = add(d, RD_SEV_ERROR, "unsafe-scheme", e->link_pos);
        SAY(g, "'%.60s' uses a scheme that is never made a live link", e->url_raw);
        break;
    case RD_URL_WEB:
        if (e->missing_scheme) {
            g = add(d, RD_SEV_WARNING, "missing-scheme", e->link_pos);
            SAY(g, "'%s' has no scheme; read as %s", e->url_raw, e->url);
        } else if (strncmp(e->url, "http://", 7) == 0) {
            g = add(d, RD_SEV_NOTE, "http-not-https", e->link_pos);
            SAY(g, "%s is plain http; prefer https where the site offers it", e->url);
        }
        break;
    default:
        break;
    }
}

static int by_position(const void *a, const void *b)
{
    const rd_diag *x = a, *y = b;
    if (x->pos.line != y->pos.line)
        return x->pos.line < y->pos.line ? -1 : 1;
    if (x->pos.col != y->pos.col)
        return x->pos.col < y->pos.col ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

int rd_lint(const rd_catalog *cat, rd_diag **out, size_t *n, rd_error *err)
{
    diags d = {0};
    rd_strmap urls = {0};
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < cat->nentries && !d.oom; i++) {
        const rd_entry *e = &cat->entries[i];
        lint_entry(&d, e);
        if (!e->url || e->url_kind == RD_URL_RELATIVE)
            continue;
        int first;
        int added = rd_strmap_add(&urls, e->url, (int)i, &first);
        if (added < 0) {
            d.oom = 1;
        } else if (added == 0) {
            const rd_entry *f = &cat->entries[first];
            rd_diag *g = add(&d, RD_SEV_WARNING, "duplicate-url", e->link_pos);
            SAY(g, "%s is also linked at line %d ('%s')", e->url, f->link_pos.line, f->name);
        }
    }
    rd_strmap_free(&urls);
    if (d.oom) {
        free(d.v);
        return rd_error_set(err, RD_ENOMEM, "%s: out of memory while linting", cat->file);
    }
    if (d.n)
        qsort(d.v, d.n, sizeof *d.v, by_position);
    *out = d.v;
    *n = d.n;
    return RD_OK;
}
