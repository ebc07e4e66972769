/* catalog/compare.c — whether two catalogs say the same thing, whatever their
 * layout: what `fmt` promises to keep. */
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Drops the seams of adjacent bullet lists ("</ul>\n<ul>\n"): fmt writes
 * a run of lists with one bullet, which CommonMark reads as one list. */
static void join_lists(char *html)
{
    static const char seam[] = "</ul>\n<ul>\n";
    char *w = html;
    for (const char *r = html; *r;) {
        if (!strncmp(r, seam, sizeof seam - 1)) {
            r += sizeof seam - 1;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}

/* Notes are Markdown: two notes are the same when they render the same
 * (so "+ item" and "- item" are, and "- a" then "* b" is "- a", "- b"). */
static int same_note(const rd_note *a, const rd_note *b)
{
    if (a->kind != b->kind || a->category != b->category)
        return 0;
    char *x = rd_markdown_to_html(a->markdown, strlen(a->markdown), CMARK_OPT_DEFAULT);
    char *y = rd_markdown_to_html(b->markdown, strlen(b->markdown), CMARK_OPT_DEFAULT);
    if (x && y) {
        join_lists(x);
        join_lists(y);
    }
    int same = x && y && !strcmp(x, y);
    free(x);
    free(y);
    return same;
}

int rd_catalog_same(const rd_catalog *a, const rd_catalog *b, char *why, size_t n)
{
    if (a->ncategories != b->ncategories || a->nentries != b->nentries || a->nnotes != b->nnotes ||
        a->nnav != b->nnav) {
        snprintf(why, n, "%zu/%zu categories, %zu/%zu entries, %zu/%zu notes", a->ncategories,
                 b->ncategories, a->nentries, b->nentries, a->nnotes, b->nnotes);
        return 0;
    }
    for (size_t i = 0; i < a->ncategories; i++) {
        const rd_category *x = &a->categories[i], *y = &b->categories[i];
        if (x->kind != y->kind || x->level != y->level || x->parent != y->parent ||
            !same_str(x->name, y->name) || !same_str(x->path, y->path) ||
            !same_str(x->description, y->description) || !same_str(x->url_raw, y->url_raw)) {
            snprintf(why, n, "category '%s' (line %d) differs", x->name, x->pos.line);
            return 0;
        }
    }
    for (size_t i = 0; i < a->nentries; i++) {
        const rd_entry *x = &a->entries[i], *y = &b->entries[i];
        if (x->category != y->category || x->parent != y->parent || !same_str(x->name, y->name) ||
            !same_str(x->url_raw, y->url_raw) || !same_str(x->description, y->description)) {
            snprintf(why, n, "entry '%s' (line %d) differs", x->name, x->pos.line);
            return 0;
        }
    }
    for (size_t i = 0; i < a->nnav; i++) {
        if (!same_str(a->nav[i].target, b->nav[i].target)) {
            snprintf(why, n, "the link to #%s (line %d) differs", a->nav[i].target,
                     a->nav[i].pos.line);
            return 0;
        }
    }
    for (size_t i = 0; i < a->nnotes; i++) {
        if (!same_note(&a->notes[i], &b->notes[i])) {
            snprintf(why, n, "the note at line %d differs", a->notes[i].pos.line);
            return 0;
        }
    }
    return 1;
}
