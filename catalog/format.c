/* catalog/format.c — the catalog in one canonical Markdown layout (`fmt`).
 *
 * Canonical: ATX headings; one blank line between top-level blocks (so around
 * every heading and comment marker), between the items of a loose list, and
 * inside an item only where the source has one; every bullet item with one
 * bullet character and every nested list with one indent; ordered items "N."
 * with their numbers as written; adjacent lists joined. The bullet and the
 * indent are by default the ones most of the document already uses (see
 * catalog/format_style.c), so that formatting a list changes only the lines
 * that were out of line with it.
 * Everything else is kept as written: the text of entries, notes, code, HTML.
 * Lines come from the source, so nothing is re-escaped.
 *
 * The writer recurses over list items; rd_catalog_parse has refused anything
 * nested deeper than RD_MAX_DEPTH before it runs, so the depth is bounded. */
#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "format.h"

/* Line l without its line break. */
const char *rd_fmt_line(const rd_fmt *f, int l, size_t *n)
{
    size_t a = f->line[l], b = f->line[l + 1];
    while (b > a && (f->text[b - 1] == '\n' || f->text[b - 1] == '\r'))
        b--;
    *n = b - a;
    return f->text + a;
}

static int blank_line(const rd_fmt *f, int l)
{
    size_t n;
    const char *p = rd_fmt_line(f, l, &n);
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)p[i]))
            return 0;
    return 1;
}

/* ---- writing lines under the current item ---- */

/* Writes one line of content: after the pending list marker when an item has
 * just begun, else after the lead of the item it is in. An empty line stays
 * empty (no trailing spaces). */
static void put_line(rd_fmt *f, const char *p, size_t n)
{
    if (f->pending) {
        rd_buf_append(f->out, f->marker.data, f->marker.len);
        f->pending = 0;
    } else if (n) {
        rd_buf_append(f->out, f->lead.data, f->lead.len);
    }
    rd_buf_append(f->out, p, n);
    rd_buf_putc(f->out, '\n');
}

/* put_line for each line of text (which ends with a newline). */
static void put_lines(rd_fmt *f, const rd_buf *text)
{
    const char *p = text->data, *end = text->data + text->len;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        put_line(f, p, n);
        p += n + 1;
    }
}

/* The lines of a block with its container's indentation (strip columns) taken
 * off; the first line starts at the block's own column, unless whole_first.
 * Blank lines at its end (an item's span takes them in) are dropped. */
static void block_lines(const rd_fmt *f, cmark_node *n, int strip, int whole_first, rd_buf *out)
{
    int first = cmark_node_get_start_line(n), last = cmark_node_get_end_line(n);
    if (last > (int)f->nlines)
        last = (int)f->nlines;
    while (last > first && blank_line(f, last))
        last--;
    size_t len;
    for (int l = first; l <= last; l++) {
        const char *p = rd_fmt_line(f, l, &len);
        if (l > first || whole_first) {
            rd_unindent(p, len, strip, out);
            rd_buf_putc(out, '\n');
            continue;
        }
        size_t skip = (size_t)cmark_node_get_start_column(n) - 1;
        if (skip > len)
            skip = len;
        rd_buf_append(out, p + skip, len - skip);
        rd_buf_putc(out, '\n');
    }
}

/* The text of a setext heading: its lines up to the underline, joined. */
static void setext_text(const rd_fmt *f, cmark_node *n, rd_buf *text)
{
    int first = cmark_node_get_start_line(n), last = cmark_node_get_end_line(n);
    for (int l = first; l <= last && l <= (int)f->nlines; l++) {
        size_t len, k = 0;
        const char *p = rd_fmt_line(f, l, &len);
        while (k < len && k < 3 && p[k] == ' ')
            k++;
        if (l > first && k < len && (p[k] == '=' || p[k] == '-')) {
            char u = p[k];
            while (k < len && p[k] == u)
                k++;
            while (k < len && isspace((unsigned char)p[k]))
                k++;
            if (k == len)
                break; /* the underline */
        }
        if (text->len)
            rd_buf_putc(text, ' ');
        rd_buf_append(text, p, len);
    }
}

/* An ATX heading's text as written, whatever its kind in the source. */
static void heading(const rd_fmt *f, cmark_node *n, rd_buf *out)
{
    int level = cmark_node_get_heading_level(n);
    for (int i = 0; i < level; i++)
        rd_buf_putc(out, '#');
    size_t len;
    const char *p = rd_fmt_line(f, cmark_node_get_start_line(n), &len);
    size_t a = (size_t)cmark_node_get_start_column(n) - 1;
    while (a < len && p[a] == ' ')
        a++;
    rd_buf text = {0};
    if (a < len && p[a] == '#') {
        while (a < len && p[a] == '#')
            a++;
        size_t b = len;
        while (b > a && isspace((unsigned char)p[b - 1]))
            b--;
        size_t c = b; /* an optional closing sequence of #s after a space */
        while (c > a && p[c - 1] == '#')
            c--;
        if (c < b && (c == a || p[c - 1] == ' '))
            b = c;
        rd_buf_append(&text, p + a, b - a);
    } else {
        setext_text(f, n, &text);
    }
    const char *t = text.data ? text.data : "";
    while (isspace((unsigned char)*t))
        t++;
    size_t tl = strlen(t);
    while (tl && isspace((unsigned char)t[tl - 1]))
        tl--;
    if (tl) {
        rd_buf_putc(out, ' ');
        rd_buf_append(out, t, tl);
    }
    rd_buf_putc(out, '\n');
    rd_buf_free(&text);
}

/* Whether code block n is fenced, in a container whose text starts at column
 * strip. Indented code may start with ``` too: it is the one that starts 4
 * columns or more into its container. */
static int fenced(const rd_fmt *f, cmark_node *n, int strip)
{
    size_t len;
    const char *p = rd_fmt_line(f, cmark_node_get_start_line(n), &len);
    size_t at = (size_t)cmark_node_get_start_column(n) - 1;
    if (at + 3 > len || rd_columns(p, at) - strip >= 4)
        return 0;
    return !strncmp(p + at, "```", 3) || !strncmp(p + at, "~~~", 3);
}

/* A block other than a list, as lines with the container's indentation off. */
static void leaf(const rd_fmt *f, cmark_node *n, int strip, rd_buf *out)
{
    cmark_node_type t = cmark_node_get_type(n);
    if (t == CMARK_NODE_HEADING) {
        heading(f, n, out);
    } else if (t == CMARK_NODE_HTML_BLOCK) {
        /* the literal is the block exactly (cmark's end line for an HTML
         * block closed by "-->" and the like is one short) */
        const char *lit = cmark_node_get_literal(n);
        size_t len = strlen(lit);
        while (len && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
            len--;
        rd_buf_append(out, lit, len);
        rd_buf_putc(out, '\n');
    } else if (t == CMARK_NODE_CODE_BLOCK) {
        /* Indented code keeps its own indentation, and a fence its indentation
         * in the container, which comes off its lines: only a fence on its
         * item's marker line starts where the marker leaves it. */
        cmark_node *item = cmark_node_parent(n);
        int on_marker = cmark_node_get_type(item) == CMARK_NODE_ITEM &&
                        cmark_node_get_start_line(item) == cmark_node_get_start_line(n);
        int is_fenced = fenced(f, n, strip);
        if (on_marker && !is_fenced) /* "+     x": code right after the marker */
            rd_buf_puts(out, "    ");
        block_lines(f, n, strip, !on_marker, out);
    } else {
        block_lines(f, n, strip, 0, out);
    }
}

/* ---- lists ---- */

static void children(rd_fmt *f, cmark_node *parent, int strip, int top);

/* The lead of a list nested in the current item: the item's marker column
 * plus the indent, but never less than the marker's width (the list would
 * not be nested: "10. " needs 4) nor more than 3 past it (it would be code or
 * paragraph text). A tab indent is topped up with spaces when a wide marker
 * needs more than the tab gives. */
static void nested_lead(const rd_fmt *f, rd_buf *out)
{
    size_t at = f->lead.len - (size_t)f->width; /* where the item's marker starts */
    rd_buf_append(out, f->lead.data, at);
    int base = rd_columns(f->lead.data, at), col = base, want;
    if (f->style.indent == RD_FMT_TAB) {
        rd_buf_putc(out, '\t');
        want = col = rd_columns(out->data, out->len);
    } else {
        want = base + f->style.indent;
    }
    if (want < base + f->width)
        want = base + f->width;
    if (want > base + f->width + 3)
        want = base + f->width + 3;
    for (; col < want; col++)
        rd_buf_putc(out, ' ');
}

/* Content column of an item in the source: where its first block starts,
 * counted in columns, so that later lines lose exactly that much. */
static int content_column(const rd_fmt *f, cmark_node *item)
{
    cmark_node *fc = cmark_node_first_child(item);
    if (!fc)
        return 0;
    size_t len;
    const char *p = rd_fmt_line(f, cmark_node_get_start_line(fc), &len);
    size_t at = (size_t)cmark_node_get_start_column(fc) - 1;
    return rd_columns(p, at < len ? at : len);
}

/* What follows an item's marker on its line when no block of the item starts
 * there: nothing, or a link reference definition (which is no block). */
static const char *marker_rest(const rd_fmt *f, cmark_node *it, size_t *n)
{
    cmark_node *fc = cmark_node_first_child(it);
    int l = cmark_node_get_start_line(it);
    *n = 0;
    if ((fc && cmark_node_get_start_line(fc) == l) || l < 1 || l > (int)f->nlines)
        return NULL;
    size_t len, at = (size_t)cmark_node_get_start_column(it) - 1;
    const char *p = rd_fmt_line(f, l, &len);
    if (at < len && strchr("-*+", p[at]))
        at++;
    while (at < len && isdigit((unsigned char)p[at]))
        at++;
    if (at < len && (p[at] == '.' || p[at] == ')'))
        at++;
    while (at < len && (p[at] == ' ' || p[at] == '\t'))
        at++;
    *n = at < len ? len - at : 0;
    return p + at;
}

/* Writes one item: its marker after the list's lead (or right after the
 * marker of an item that has just begun: "- - x"), its blocks after a lead as
 * wide as the marker. */
static void item(rd_fmt *f, cmark_node *it, const char *marker, const rd_buf *list_lead)
{
    rd_buf start = {0}, lead = {0};
    if (f->pending)
        rd_buf_append(&start, f->marker.data, f->marker.len);
    else
        rd_buf_append(&start, list_lead->data, list_lead->len);
    rd_buf_puts(&start, marker);
    for (size_t i = 0; i < start.len; i++) /* the lead is the start with its markers blanked */
        rd_buf_putc(&lead, start.data[i] == '\t' ? '\t' : ' ');
    rd_buf saved_lead = f->lead;
    int saved_width = f->width;
    f->lead = lead;
    f->width = (int)strlen(marker);
    rd_buf_reset(&f->marker);
    rd_buf_append(&f->marker, start.data, start.len);
    f->pending = 1;
    size_t rest_len;
    const char *rest = marker_rest(f, it, &rest_len);
    if (rest_len)
        put_line(f, rest, rest_len);
    children(f, it, content_column(f, it), 0);
    if (f->pending) { /* an empty item: the marker alone, without its space */
        rd_buf_append(f->out, f->marker.data, f->marker.len ? f->marker.len - 1 : 0);
        rd_buf_putc(f->out, '\n');
        f->pending = 0;
    }
    f->oom |= start.oom | f->lead.oom;
    rd_buf_free(&f->lead);
    f->lead = saved_lead;
    f->width = saved_width;
    rd_buf_free(&start);
}

/* An ordered item's marker: its number as written (a prose item is a note,
 * and "1." renders apart from "2."; lists numbered 1, 1, 1 stay so), then ". ".
 * The list's next number when the source says none. */
static void ordered_marker(const rd_fmt *f, cmark_node *it, int next, char *marker, size_t n)
{
    size_t len, at = (size_t)cmark_node_get_start_column(it) - 1, digits = 0;
    int l = cmark_node_get_start_line(it);
    const char *p = l >= 1 && l <= (int)f->nlines ? rd_fmt_line(f, l, &len) : NULL;
    while (p && at + digits < len && digits < 9 && isdigit((unsigned char)p[at + digits]))
        digits++;
    if (digits)
        snprintf(marker, n, "%.*s. ", (int)digits, p + at);
    else
        snprintf(marker, n, "%d. ", next);
}

/* Writes the lists from first to last (adjacent, of one type) as one list:
 * with one style of marker they would parse as one anyway. It is tight only
 * when they all were. */
static void list_run(rd_fmt *f, cmark_node *first, cmark_node *last)
{
    int tight = 1;
    for (cmark_node *l = first;; l = cmark_node_next(l)) {
        tight &= cmark_node_get_list_tight(l);
        if (l == last)
            break;
    }
    rd_buf lead = {0};
    if (f->width)
        nested_lead(f, &lead);
    int ordered = cmark_node_get_list_type(first) == CMARK_ORDERED_LIST;
    int number = cmark_node_get_list_start(first), first_item = 1, depth = 0;
    for (cmark_node *up = cmark_node_parent(first); up; up = cmark_node_parent(up))
        depth += cmark_node_get_type(up) == CMARK_NODE_LIST;
    char bullet = f->bullets[depth < RD_FMT_LEVELS ? depth : RD_FMT_LEVELS - 1];
    for (cmark_node *l = first;; l = cmark_node_next(l)) {
        for (cmark_node *it = cmark_node_first_child(l); it; it = cmark_node_next(it)) {
            if (!first_item && !tight)
                rd_buf_putc(f->out, '\n');
            first_item = 0;
            char marker[32] = {bullet, ' ', '\0'};
            if (ordered)
                ordered_marker(f, it, number++, marker, sizeof marker);
            item(f, it, marker, &lead);
        }
        if (l == last)
            break;
    }
    f->oom |= lead.oom;
    rd_buf_free(&lead);
}

/* Whether the source has a blank line just before line l. */
static int blank_before(const rd_fmt *f, int l)
{
    return l > 1 && l - 1 <= (int)f->nlines && blank_line(f, l - 1);
}

/* Writes the blank line that goes before a block starting at source line l,
 * unless it is the first of its container: always at the top, and inside an
 * item exactly where the source has one (a blank line between two blocks of
 * an item makes its list loose, so one added there would change how the item
 * reads: a label item with entries nested right under it, in a loose list). */
static void separate(rd_fmt *f, int l, int top, int *first)
{
    if (!*first && (top || blank_before(f, l)))
        rd_buf_putc(f->out, '\n');
    *first = 0;
}

/* The last source line of block n. cmark's end line falls short for an HTML
 * block closed by "-->" and the like, and so for a container ending in one. */
static int last_line(cmark_node *n)
{
    int last = cmark_node_get_end_line(n);
    for (;;) {
        cmark_node_type t = cmark_node_get_type(n);
        if (t != CMARK_NODE_DOCUMENT && t != CMARK_NODE_BLOCK_QUOTE && t != CMARK_NODE_LIST &&
            t != CMARK_NODE_ITEM)
            break;
        if (!cmark_node_last_child(n))
            return last;
        n = cmark_node_last_child(n);
        if (cmark_node_get_end_line(n) > last)
            last = cmark_node_get_end_line(n);
    }
    if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK) {
        const char *lit = cmark_node_get_literal(n);
        size_t len = strlen(lit);
        int lines = len && lit[len - 1] != '\n' && lit[len - 1] != '\r'; /* no break at its end */
        for (const char *p = lit; *p; p++)
            lines += *p == '\n' || (*p == '\r' && p[1] != '\n');
        int end = cmark_node_get_start_line(n) + lines - 1;
        if (end > last)
            last = end;
    }
    return last;
}

/* Whether source lines from..to hold something other than blank lines. */
static int holds_text(const rd_fmt *f, int from, int to)
{
    for (int l = from; l <= to && l <= (int)f->nlines; l++)
        if (!blank_line(f, l))
            return 1;
    return 0;
}

/* Writes the lines from..to of the source that no block holds: link
 * reference definitions, which cmark takes out of the tree (a paragraph of
 * nothing else leaves no node behind), yet which links elsewhere need. Each
 * run of them is a block. */
static void unheld_lines(rd_fmt *f, int from, int to, int strip, int top, int *first)
{
    rd_buf run = {0};
    if (to > (int)f->nlines)
        to = (int)f->nlines;
    for (int l = from; l <= to + 1; l++) {
        if (l <= to && !blank_line(f, l)) {
            if (!run.len)
                separate(f, l, top, first);
            size_t n;
            const char *p = rd_fmt_line(f, l, &n);
            rd_unindent(p, n, strip, &run);
            rd_buf_putc(&run, '\n');
        } else if (run.len) {
            put_lines(f, &run);
            rd_buf_reset(&run);
        }
    }
    f->oom |= run.oom;
    rd_buf_free(&run);
}

/* The blocks of the document (top) or of an item, with the lines between
 * them that no block holds; strip is the columns of the container's
 * indentation in the source. An item's first line (its marker's) is written
 * by item(). Adjacent lists of one type become one, unless lines lie between
 * them. */
static void children(rd_fmt *f, cmark_node *parent, int strip, int top)
{
    rd_buf block = {0};
    int first = 1, held = top ? 0 : cmark_node_get_start_line(parent);
    for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c)) {
        unheld_lines(f, held + 1, cmark_node_get_start_line(c) - 1, strip, top, &first);
        separate(f, cmark_node_get_start_line(c), top, &first);
        if (cmark_node_get_type(c) == CMARK_NODE_LIST) {
            cmark_node *end = c, *next;
            while ((next = cmark_node_next(end)) && cmark_node_get_type(next) == CMARK_NODE_LIST &&
                   cmark_node_get_list_type(next) == cmark_node_get_list_type(c) &&
                   !holds_text(f, last_line(end) + 1, cmark_node_get_start_line(next) - 1))
                end = next;
            list_run(f, c, end);
            c = end;
        } else {
            rd_buf_reset(&block);
            leaf(f, c, strip, &block);
            put_lines(f, &block);
        }
        held = last_line(c);
    }
    int end = top ? (int)f->nlines : last_line(parent);
    unheld_lines(f, held + 1, end, strip, top, &first);
    f->oom |= block.oom;
    rd_buf_free(&block);
}

int rd_markdown_format(const char *file, const char *text, size_t len, const rd_fmt_style *style,
                       char **out, rd_error *err)
{
    *out = NULL;
    rd_fmt_style want = style ? *style : (rd_fmt_style){0};
    if ((want.bullet && !strchr("-*+", want.bullet)) ||
        (want.indent != RD_FMT_TAB && (want.indent < 0 || want.indent > RD_FMT_MAX_INDENT)))
        return rd_error_set(err, RD_EUSAGE, "%s: no such list style", file);
    rd_catalog *before = NULL, *after = NULL;
    int rc = rd_catalog_parse(file, text, len, (long long)len + 1, &before, err); /* UTF-8, depth */
    if (rc < 0)
        return rc;
    rd_buf b = {0};
    rd_fmt f = {.text = text, .len = len, .out = &b};
    rc = rd_text_lines(file, text, len, &f.line, &f.nlines, err);
    cmark_node *doc = rc < 0 ? NULL : cmark_parse_document(text, len, CMARK_OPT_SOURCEPOS);
    if (doc) {
        rd_fmt_own_style(&f, doc, &f.style);
        if (want.bullet) {
            f.style.bullet = want.bullet;
            memset(f.bullets, want.bullet, sizeof f.bullets);
        }
        if (want.indent)
            f.style.indent = want.indent;
        children(&f, doc, 0, 1);
    }
    if (rc == RD_OK && (!doc || b.oom || f.oom || f.marker.oom)) {
        rc = rd_error_set(err, RD_ENOMEM, "%s: out of memory", file);
    } else if (rc == RD_OK) {
        /* the same catalog, or nothing: fmt must never lose what the user wrote */
        rc = rd_catalog_parse(file, b.data ? b.data : "", b.len, (long long)b.len + 1, &after, err);
        char why[256];
        if (rc == RD_OK && !rd_catalog_same(before, after, why, sizeof why))
            rc = rd_error_set(err, RD_EINTERNAL,
                              "%s: formatting would change the catalog (%s); nothing written", file,
                              why);
    }
    if (doc)
        cmark_node_free(doc);
    free(f.line);
    rd_buf_free(&f.marker);
    rd_buf_free(&f.lead);
    rd_catalog_free(before);
    rd_catalog_free(after);
    if (rc == RD_OK)
        *out = rd_buf_take(&b);
    rd_buf_free(&b);
    return rc;
}
