/* catalog/format_style.c — the list style a document already has, so that fmt
 * keeps it: the bullet character most of its bullet items use, and the indent
 * most of its nested items use relative to their parent item. A maintainer
 * who writes "* " and nests by four spaces gets a diff of the few lines that
 * were out of line, not of every item. */
#include <string.h>

#include "format.h"

/* Votes for the values of one choice (a bullet, an indent), and the order in
 * which each was first seen, for ties. */
typedef struct tally {
    size_t count[RD_FMT_MAX_INDENT + 1];
    size_t first[RD_FMT_MAX_INDENT + 1];
    size_t seen;
} tally;

static void vote(tally *t, int k)
{
    if (!t->count[k]++)
        t->first[k] = ++t->seen;
}

/* The value with most votes (the first seen of equals), or fallback. */
static int winner(const tally *t, int fallback)
{
    int best = -1;
    for (int k = 0; k <= RD_FMT_MAX_INDENT; k++)
        if (t->count[k] && (best < 0 || t->count[k] > t->count[best] ||
                            (t->count[k] == t->count[best] && t->first[k] < t->first[best])))
            best = k;
    return best < 0 ? fallback : best;
}

static int only_blanks(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t')
            return 0;
    return 1;
}

/* Whether a nested item's line and its parent's line lead to the parent's
 * column alike: the same characters, or the parent after the markers of items
 * begun on its line ("- + x", which fmt writes for an item whose first block
 * is a list) where the child's line has spaces. */
static int same_lead(const char *p, const char *pp, size_t pat)
{
    if (!memcmp(p, pp, pat))
        return 1;
    for (size_t i = 0; i < pat; i++)
        if (p[i] != ' ' || !pp[i] || !strchr(" -*+.)0123456789", pp[i]))
            return 0;
    return 1;
}

/* How a nested item sits under its parent item: the indent in spaces (1..8),
 * 0 for one tab, or -1 when that cannot be said (it or its list's first item
 * is on its parent's line, under a parent with nothing on its marker's line,
 * in a quote, or after mixed whitespace). An item aligned with its parent's
 * text counts as 2, which fmt writes as "as wide as the marker", so "1. " with
 * its items at 3 and "- " with its items at 2 are one style. */
static int nesting(const rd_fmt *f, cmark_node *it, cmark_node *parent)
{
    int l = cmark_node_get_start_line(it), pl = cmark_node_get_start_line(parent);
    if (l == pl || l < 1 || pl < 1 || l > (int)f->nlines || pl > (int)f->nlines)
        return -1;
    cmark_node *first = cmark_node_first_child(cmark_node_parent(it));
    if (first && cmark_node_get_start_line(first) == pl)
        return -1; /* under the list's first item, on its parent's line: no choice */
    size_t n, pn;
    const char *p = rd_fmt_line(f, l, &n), *pp = rd_fmt_line(f, pl, &pn);
    size_t at = (size_t)cmark_node_get_start_column(it) - 1;
    size_t pat = (size_t)cmark_node_get_start_column(parent) - 1;
    if (at > n || pat > pn || at <= pat || !only_blanks(p, at) || !same_lead(p, pp, pat))
        return -1;
    const char *rest = p + pat;
    size_t rn = at - pat;
    if (rn == 1 && rest[0] == '\t')
        return 0;
    if (rn > RD_FMT_MAX_INDENT || memchr(rest, '\t', rn))
        return -1;
    cmark_node *text = cmark_node_first_child(parent);
    if (!text || cmark_node_get_start_line(text) != pl)
        return -1; /* a bare marker line: fmt writes one to split "- --", and it says nothing */
    if ((size_t)cmark_node_get_start_column(text) - 1 == at)
        return 2;
    return (int)rn;
}

void rd_fmt_own_style(rd_fmt *f, cmark_node *doc, rd_fmt_style *style)
{
    static const char bullets[] = "-*+";
    tally bullet = {0}, indent = {0}, level[RD_FMT_LEVELS];
    memset(level, 0, sizeof level);
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while (it && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_ITEM)
            continue;
        cmark_node *list = cmark_node_parent(n), *parent = cmark_node_parent(list);
        int l = cmark_node_get_start_line(n);
        if (cmark_node_get_list_type(list) == CMARK_BULLET_LIST && l >= 1 && l <= (int)f->nlines) {
            size_t len, at = (size_t)cmark_node_get_start_column(n) - 1;
            const char *p = rd_fmt_line(f, l, &len);
            const char *b = at < len && p[at] ? strchr(bullets, p[at]) : NULL;
            int depth = 0;
            for (cmark_node *up = parent; up; up = cmark_node_parent(up))
                depth += cmark_node_get_type(up) == CMARK_NODE_LIST;
            if (b) {
                vote(&bullet, (int)(b - bullets));
                vote(&level[depth < RD_FMT_LEVELS ? depth : RD_FMT_LEVELS - 1], (int)(b - bullets));
            }
        }
        if (parent && cmark_node_get_type(parent) == CMARK_NODE_ITEM) {
            int k = nesting(f, n, parent);
            if (k >= 0)
                vote(&indent, k);
        }
    }
    if (it)
        cmark_iter_free(it);
    int overall = winner(&bullet, 0);
    style->bullet = bullets[overall];
    for (int d = 0, last = overall; d < RD_FMT_LEVELS; d++) { /* none: as the level above */
        last = winner(&level[d], last);
        f->bullets[d] = bullets[last];
    }
    int k = winner(&indent, 2);
    style->indent = k == 0 ? RD_FMT_TAB : k;
}
