/* catalog/dump.c — what `parse` prints: how refdex reads a catalog, as a
 * tree a person (and a data-file test) can read: each category with its
 * entries, sub-entries and notes, then the navigation links and the
 * findings, each with LINE:COL.
 *
 * It is written a section at a time (rd_catalog_stream). A category is
 * printed whole (its line, its entries, then its notes) in catalog order,
 * so what a section gives a category other than the one being printed is
 * kept as text until that category's turn: a category is done when a
 * heading after it begins (nothing before a heading gets more), so what is
 * kept is a heading's groups and notes, not the catalog. */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

typedef struct pending {
    rd_buf entries, notes; /* printed, waiting for the category's turn */
} pending;

struct rd_dumper {
    FILE *out;
    int *depth; /* of each category in the tree */
    pending *wait;
    size_t ncats, cap; /* categories known, and the room in depth and wait */
    size_t next;       /* the category being printed: its line is out */
    int started;       /* whether next's line is out */
    int *edepth;       /* of the section's entries */
    size_t ecap;
    int oom;
};

/* A string in double quotes, with \n, \t, \" and \\ escaped. */
static void quoted(rd_buf *b, const char *s)
{
    rd_buf_putc(b, '"');
    for (; s && *s; s++) {
        switch (*s) {
        case '\n': rd_buf_puts(b, "\\n"); break;
        case '\t': rd_buf_puts(b, "\\t"); break;
        case '"': rd_buf_puts(b, "\\\""); break;
        case '\\': rd_buf_puts(b, "\\\\"); break;
        default: rd_buf_putc(b, *s);
        }
    }
    rd_buf_putc(b, '"');
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

static void put_category(const rd_category *g, int depth, rd_buf *b)
{
    rd_buf_printf(b, "%*s%s ", 2 * depth, "", kind_name(g->kind));
    quoted(b, g->name);
    rd_buf_printf(b, " %s %d:%d", g->path, g->pos.line, g->pos.col);
    if (g->url_raw)
        rd_buf_printf(b, " <%s>", g->url_raw);
    if (g->description[0]) {
        rd_buf_putc(b, ' ');
        quoted(b, g->description);
    }
    rd_buf_putc(b, '\n');
}

static void put_entry(const rd_entry *e, int depth, rd_buf *b)
{
    rd_buf_printf(b, "%*sentry ", 2 * depth, "");
    quoted(b, e->name);
    rd_buf_printf(b, " %d:%d", e->link_pos.line, e->link_pos.col);
    if (e->url_raw)
        rd_buf_printf(b, " <%s>", e->url_raw);
    if (e->description[0]) {
        rd_buf_putc(b, ' ');
        quoted(b, e->description);
    }
    rd_buf_putc(b, '\n');
}

int rd_dumper_new(FILE *out, rd_dumper **d)
{
    *d = calloc(1, sizeof **d);
    if (!*d)
        return RD_ENOMEM;
    (*d)->out = out;
    return RD_OK;
}

static void flush(rd_dumper *d, rd_buf *b)
{
    if (b->len)
        fwrite(b->data, 1, b->len, d->out);
    d->oom |= b->oom;
    rd_buf_free(b);
}

/* Notes the categories the catalog has now: their depths, room to wait. */
static int know_categories(rd_dumper *d, const rd_catalog *cat)
{
    if (cat->ncategories > d->cap) {
        size_t cap = cat->ncategories * 2;
        int *depth = realloc(d->depth, cap * sizeof *depth);
        if (depth)
            d->depth = depth;
        pending *wait = depth ? realloc(d->wait, cap * sizeof *wait) : NULL;
        if (!wait)
            return RD_ENOMEM;
        d->wait = wait;
        memset(wait + d->cap, 0, (cap - d->cap) * sizeof *wait);
        d->cap = cap;
    }
    for (size_t i = d->ncats; i < cat->ncategories; i++) { /* parents come first */
        int p = cat->categories[i].parent;
        d->depth[i] = p >= 0 ? d->depth[p] + 1 : 0;
    }
    d->ncats = cat->ncategories;
    return RD_OK;
}

/* Prints the categories before `until` that are not out yet, whole, and
 * starts the next one there is (its line, then the entries that waited). */
static void print_until(rd_dumper *d, const rd_catalog *cat, size_t until)
{
    while (d->next < d->ncats) {
        if (!d->started) {
            rd_buf line = {0};
            put_category(&cat->categories[d->next], d->depth[d->next], &line);
            flush(d, &line);
            flush(d, &d->wait[d->next].entries);
            d->started = 1;
        }
        if (d->next >= until)
            break;
        flush(d, &d->wait[d->next].notes);
        d->next++;
        d->started = 0;
    }
}

int rd_dumper_section(rd_dumper *d, const rd_catalog *cat)
{
    if (know_categories(d, cat) < 0)
        return RD_ENOMEM;
    print_until(d, cat, d->next); /* the first category's line */
    if (cat->nentries > d->ecap) {
        free(d->edepth);
        d->ecap = cat->nentries;
        if (!(d->edepth = malloc(d->ecap * sizeof *d->edepth)))
            return d->ecap = 0, RD_ENOMEM;
    }
    rd_buf now = {0};
    for (size_t i = 0; i < cat->nentries; i++) {
        const rd_entry *e = &cat->entries[i];
        size_t c = (size_t)e->category;
        d->edepth[i] = 0;
        if (e->category < 0) /* in no category: not printed */
            continue;
        if (c < d->next || c >= d->ncats) /* a category already printed */
            return RD_EINTERNAL;
        /* a parent is in the same section */
        d->edepth[i] =
            e->parent >= 0 ? d->edepth[(size_t)e->parent - cat->entry_base] + 1 : d->depth[c] + 1;
        put_entry(e, d->edepth[i], c == d->next ? &now : &d->wait[c].entries);
        if (now.len > (64 << 10))
            flush(d, &now);
    }
    flush(d, &now);
    for (size_t i = 0; i < cat->nnotes; i++) {
        const rd_note *n = &cat->notes[i];
        size_t c = (size_t)n->category;
        if (n->category < 0)
            continue;
        if (c < d->next || c >= d->ncats)
            return RD_EINTERNAL;
        rd_buf *b = &d->wait[c].notes;
        rd_buf_printf(b, "%*snote %s %d:%d ", 2 * d->depth[c] + 2, "", note_name(n->kind),
                      n->pos.line, n->pos.col);
        quoted(b, n->markdown);
        rd_buf_putc(b, '\n');
    }
    /* nothing before the last heading gets more */
    size_t last = 0;
    for (size_t i = d->ncats; i-- > d->next;)
        if (cat->categories[i].kind == RD_CAT_HEADING) {
            last = i;
            break;
        }
    print_until(d, cat, last);
    for (size_t i = d->next; i < d->ncats; i++)
        d->oom |= d->wait[i].entries.oom || d->wait[i].notes.oom;
    return d->oom ? RD_ENOMEM : RD_OK;
}

int rd_dumper_end(rd_dumper *d, const rd_catalog *cat)
{
    if (know_categories(d, cat) < 0)
        return RD_ENOMEM;
    print_until(d, cat, d->ncats);
    for (size_t i = 0; i < cat->nnav; i++)
        fprintf(d->out, "nav #%s %d:%d\n", cat->nav[i].target, cat->nav[i].pos.line,
                cat->nav[i].pos.col);
    for (size_t i = 0; i < cat->nfindings; i++)
        fprintf(d->out, "finding %s %d:%d %s\n", cat->findings[i].rule, cat->findings[i].pos.line,
                cat->findings[i].pos.col, cat->findings[i].message);
    return d->oom ? RD_ENOMEM : RD_OK;
}

void rd_dumper_free(rd_dumper *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->cap; i++) {
        rd_buf_free(&d->wait[i].entries);
        rd_buf_free(&d->wait[i].notes);
    }
    free(d->wait);
    free(d->depth);
    free(d->edepth);
    free(d);
}
