/* cli/dump.c — `parse`: how refdex reads a catalog, as a tree a person (and a
 * data-file test) can read: each category with its entries, sub-entries and
 * notes, then the navigation links and the findings, each with LINE:COL. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A string in double quotes, with \n, \t, \" and \\ escaped. */
static void quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        switch (*s) {
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        default: fputc(*s, out);
        }
    }
    fputc('"', out);
}

static const char *kind_name(rd_category_kind k)
{
    switch (k) {
    case RD_CAT_HEADING: return "heading";
    case RD_CAT_MARKER: return "marker";
    case RD_CAT_GROUP: return "group";
    default: return "top";
    }
}

static const char *note_name(rd_note_kind k)
{
    static const char *const names[] = {"paragraph", "code", "quote", "item", "html"};
    return names[k];
}

static void dump_category(const rd_catalog *cat, size_t c, int depth, FILE *out)
{
    const rd_category *g = &cat->categories[c];
    fprintf(out, "%*s%s ", 2 * depth, "", kind_name(g->kind));
    quoted(out, g->name);
    fprintf(out, " %s %d:%d", g->path, g->pos.line, g->pos.col);
    if (g->url_raw)
        fprintf(out, " <%s>", g->url_raw);
    if (g->description[0]) {
        fputc(' ', out);
        quoted(out, g->description);
    }
    fputc('\n', out);
}

static void dump_entry(const rd_entry *e, int depth, FILE *out)
{
    fprintf(out, "%*sentry ", 2 * depth, "");
    quoted(out, e->name);
    fprintf(out, " %d:%d", e->link_pos.line, e->link_pos.col);
    if (e->url_raw)
        fprintf(out, " <%s>", e->url_raw);
    if (e->description[0]) {
        fputc(' ', out);
        quoted(out, e->description);
    }
    fputc('\n', out);
}

/* Depth of each category in the tree, from its parent's (parents come first). */
static int *category_depths(const rd_catalog *cat)
{
    int *depth = malloc((cat->ncategories + 1) * sizeof *depth);
    for (size_t i = 0; depth && i < cat->ncategories; i++) {
        int p = cat->categories[i].parent;
        depth[i] = p >= 0 ? depth[p] + 1 : 0;
    }
    return depth;
}

/* Indices of entries and notes bucketed by category, in document order:
 * first[c]..first[c + 1] in order[]. */
static int bucket(size_t ncat, size_t n, const int *category_of, size_t stride, size_t **first,
                  size_t **order)
{
    *first = calloc(ncat + 2, sizeof **first);
    *order = malloc((n + 1) * sizeof **order);
    if (!*first || !*order)
        return RD_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        int c = *(const int *)((const char *)category_of + i * stride);
        (*first)[c + 2]++;
    }
    for (size_t c = 0; c < ncat; c++)
        (*first)[c + 2] += (*first)[c + 1];
    for (size_t i = 0; i < n; i++) {
        int c = *(const int *)((const char *)category_of + i * stride);
        (*order)[(*first)[c + 1]++] = i;
    }
    return RD_OK;
}

static int dump(const rd_catalog *cat, FILE *out)
{
    int *depth = category_depths(cat);
    size_t *efirst = NULL, *eorder = NULL, *nfirst = NULL, *norder = NULL;
    int rc = depth ? RD_OK : RD_ENOMEM;
    if (rc == RD_OK && cat->nentries)
        rc = bucket(cat->ncategories, cat->nentries, &cat->entries[0].category,
                    sizeof *cat->entries, &efirst, &eorder);
    if (rc == RD_OK && cat->nnotes)
        rc = bucket(cat->ncategories, cat->nnotes, &cat->notes[0].category, sizeof *cat->notes,
                    &nfirst, &norder);
    int *edepth = rc == RD_OK ? malloc((cat->nentries + 1) * sizeof *edepth) : NULL;
    for (size_t c = 0; edepth && c < cat->ncategories; c++) {
        dump_category(cat, c, depth[c], out);
        for (size_t k = efirst ? efirst[c] : 0; efirst && k < efirst[c + 1]; k++) {
            const rd_entry *e = &cat->entries[eorder[k]];
            edepth[eorder[k]] = e->parent >= 0 ? edepth[e->parent] + 1 : depth[c] + 1;
            dump_entry(e, edepth[eorder[k]], out);
        }
        for (size_t k = nfirst ? nfirst[c] : 0; nfirst && k < nfirst[c + 1]; k++) {
            const rd_note *n = &cat->notes[norder[k]];
            fprintf(out, "%*snote %s %d:%d ", 2 * depth[c] + 2, "", note_name(n->kind), n->pos.line,
                    n->pos.col);
            quoted(out, n->markdown);
            fputc('\n', out);
        }
    }
    for (size_t i = 0; edepth && i < cat->nnav; i++)
        fprintf(out, "nav #%s %d:%d\n", cat->nav[i].target, cat->nav[i].pos.line,
                cat->nav[i].pos.col);
    for (size_t i = 0; edepth && i < cat->nfindings; i++)
        fprintf(out, "finding %s %d:%d %s\n", cat->findings[i].rule, cat->findings[i].pos.line,
                cat->findings[i].pos.col, cat->findings[i].message);
    if (!edepth)
        rc = RD_ENOMEM;
    free(edepth);
    free(depth);
    free(efirst);
    free(eorder);
    free(nfirst);
    free(norder);
    return rc;
}

int rd_cmd_parse(rd_config *cfg)
{
    rd_catalog *cat = NULL;
    char *text = NULL;
    size_t len;
    int rc = rd_cli_load(cfg, &cat, &text, &len);
    if (rc != RD_EXIT_OK)
        return rc;
    if (dump(cat, stdout) < 0) {
        fputs("refdex: out of memory\n", stderr);
        rc = RD_EXIT_INTERNAL;
    }
    rd_catalog_free(cat);
    free(text);
    return rc;
}

/* ---- links ---- */

typedef struct links_state {
    rd_links *l;
    rd_error *err;
} links_state;

static int links_section(void *ud, const rd_catalog *cat)
{
    links_state *s = ud;
    return rd_links_add(s->l, cat, s->err);
}

int rd_cmd_links(rd_config *cfg)
{
    const char *fmt = cfg->format ? cfg->format : "text";
    if (strcmp(fmt, "text") && strcmp(fmt, "json")) {
        fprintf(stderr, "refdex: links --format is text or json, not '%s'\n", fmt);
        return RD_EXIT_USAGE;
    }
    char *text = NULL;
    size_t len;
    rd_error err = {0};
    int rc = rd_read_file(cfg->file, cfg->max_input, &text, &len, &err);
    links_state s = {NULL, &err};
    if (rc == RD_OK)
        rc = rd_links_begin(&s.l, stdout, cfg->file, !strcmp(fmt, "json"), &err);
    rd_catalog *rest = NULL;
    if (rc == RD_OK)
        rc =
            rd_catalog_stream(cfg->file, text, len, cfg->max_input, links_section, &s, &rest, &err);
    size_t n = rd_links_end(s.l);
    rd_catalog_free(rest);
    free(text);
    if (rc < 0) {
        rd_cli_error(&err);
        return rd_exit_for(rc);
    }
    if (cfg->verbosity >= 0)
        fprintf(stderr, "%s: %zu link%s\n", cfg->file, n, n == 1 ? "" : "s");
    return RD_EXIT_OK;
}
