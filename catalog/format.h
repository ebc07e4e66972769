/* catalog/format.h — shared by catalog/format.c (the writer) and
 * catalog/format_style.c (the document's own list style); not part of
 * catalog/'s interface. */
#ifndef RD_CATALOG_FORMAT_H
#define RD_CATALOG_FORMAT_H

#include <cmark.h>

#include "catalog.h"
#include "internal.h"

enum { RD_FMT_LEVELS = 8 }; /* deeper lists take the deepest level's bullet */

typedef struct rd_fmt {
    const char *text;
    size_t len;
    size_t *line; /* where each line starts, from rd_text_lines */
    size_t nlines;
    rd_fmt_style style;          /* what is written: a bullet and an indent, never 0 */
    char bullets[RD_FMT_LEVELS]; /* the bullet of each level of nested lists */
    rd_buf *out;
    rd_buf lead;              /* what each line of the current item's blocks starts with */
    rd_buf marker;            /* how the first line of an item not yet written starts */
    int pending;              /* that marker is still to be written */
    int width;                /* the current item's marker width; 0 outside items */
    int strips[RD_MAX_DEPTH]; /* the content column in the source of each item the writer is in, */
    int cols[RD_MAX_DEPTH];   /* and in what it writes */
    int nstrips;
    int oom;
} rd_fmt;

/* Line l (1-based) of the source without its line break; its length in *n. */
const char *rd_fmt_line(const rd_fmt *f, int l, size_t *n);

/* Fills *style with the list style most of the document uses: the bullet of
 * most bullet items, the indent of most nested items relative to their
 * parent item; and f->bullets with the bullet most items of each level of
 * nesting use ("*" at the top, "-" below is a style too), the document's
 * where a level has none. Either is what appears first on a tie, and '-' or
 * 2 (as wide as the marker) when the document has no such items. */
void rd_fmt_own_style(rd_fmt *f, cmark_node *doc, rd_fmt_style *style);

#endif
