/* catalog/format.c — the catalog in one canonical Markdown style (`fmt`).
 *
 * Canonical: ATX headings; one blank line between top-level blocks (so around
 * every heading and comment marker); list items with "-" (ordered ones "N."),
 * nested by the width of their marker; adjacent lists joined. Everything else
 * is kept as written: the text of entries, notes, code, HTML. Lines come from
 * the source, so nothing is re-escaped. */
#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "internal.h"

typedef struct src {
    const char *text;
    size_t len;
    size_t *line; /* byte offset of each line start, 1-based, with a sentinel */
    size_t nlines;
} src;

/* Line l without its line break. */
static const char *line_at(const src *s, int l, size_t *n)
{
    size_t a = s->line[l], b = s->line[l + 1];
    while (b > a && (s->text[b - 1] == '\n' || s->text[b - 1] == '\r'))
        b--;
    *n = b - a;
    return s->text + a;
}

static int blank_line(const src *s, int l)
{
    size_t n;
    const char *p = line_at(s, l, &n);
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)p[i]))
            return 0;
    return 1;
}

/* The lines of a block with its container's indentation (up to strip spaces)
 * taken off; the first line starts at the block's own column. Blank lines at
 * its end (an item's span takes them in) are dropped. */
static void block_lines(const src *s, cmark_node *n, int strip, rd_buf *out)
{
    int first = cmark_node_get_start_line(n), last = cmark_node_get_end_line(n);
    if (last > (int)s->nlines)
        last = (int)s->nlines;
    while (last > first && blank_line(s, last))
        last--;
    size_t len;
    for (int l = first; l <= last; l++) {
        const char *p = line_at(s, l, &len);
        size_t skip = 0;
        if (l == first) {
            skip = (size_t)cmark_node_get_start_column(n) - 1;
        } else {
            while (skip < (size_t)strip && skip < len && p[skip] == ' ')
                skip++;
        }
        if (skip > len)
            skip = len;
        rd_buf_append(out, p + skip, len - skip);
        rd_buf_putc(out, '\n');
    }
}

/* An ATX heading's text as written, whatever its kind in the source. */
static void heading(const src *s, cmark_node *n, rd_buf *out)
{
    int level = cmark_node_get_heading_level(n);
    for (int i = 0; i < level; i++)
        rd_buf_putc(out, '#');
    int first = cmark_node_get_start_line(n), last = cmark_node_get_end_line(n);
    size_t len;
    const char *p = line_at(s, first, &len);
    size_t a = 0;
    while (a < len && p[a] == ' ')
        a++;
    int atx = a < len && p[a] == '#';
    rd_buf text = {0};
    if (atx) {
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
    } else { /* setext: the text lines up to the underline, joined */
        for (int l = first; l <= last && l <= (int)s->nlines; l++) {
            p = line_at(s, l, &len);
            size_t k = 0;
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
            if (text.len)
                rd_buf_putc(&text, ' ');
            rd_buf_append(&text, p, len);
        }
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

static void children(const src *s, cmark_node *parent, int strip, int top, int tight,
                     rd_buf *out);

/* Indented code keeps its own indentation: only the container's comes off. */
static void code_or_block(const src *s, cmark_node *n, int strip, rd_buf *out)
{
    size_t len;
    const char *p0 = line_at(s, cmark_node_get_start_line(n), &len);
    size_t at = (size_t)cmark_node_get_start_column(n) - 1;
    int fenced = at + 3 <= len && (!strncmp(p0 + at, "```", 3) || !strncmp(p0 + at, "~~~", 3));
    if (cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK && !fenced) {
        int first = cmark_node_get_start_line(n), last = cmark_node_get_end_line(n);
        size_t n_;
        while (last > first && blank_line(s, last))
            last--;
        for (int l = first; l <= last; l++) {
            const char *p = line_at(s, l, &n_);
            size_t skip = 0;
            while (skip < (size_t)strip && skip < n_ && p[skip] == ' ')
                skip++;
            rd_buf_append(out, p + skip, n_ - skip);
            rd_buf_putc(out, '\n');
        }
        return;
    }
    block_lines(s, n, strip, out);
}

/* Writes body under a list marker: the first line after it, the others
 * indented by its width (blank lines stay empty). */
static void under_marker(const char *marker, const rd_buf *body, rd_buf *out)
{
    size_t width = strlen(marker);
    if (!body->len) {
        rd_buf_append(out, marker, width - 1); /* an empty item: "-" alone */
        rd_buf_putc(out, '\n');
        return;
    }
    const char *p = body->data, *end = body->data + body->len;
    for (int first = 1; p < end; first = 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (first)
            rd_buf_puts(out, marker);
        else if (n)
            for (size_t i = 0; i < width; i++)
                rd_buf_putc(out, ' ');
        rd_buf_append(out, p, n);
        rd_buf_putc(out, '\n');
        p += n + 1;
    }
}

static void items(const src *s, cmark_node *list, int tight, int *number, int *first_item,
                  rd_buf *out)
{
    int ordered = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST;
    for (cmark_node *item = cmark_node_first_child(list); item; item = cmark_node_next(item)) {
        if (!*first_item && !tight)
            rd_buf_putc(out, '\n');
        *first_item = 0;
        char marker[32] = "- ";
        if (ordered)
            snprintf(marker, sizeof marker, "%d. ", (*number)++);
        cmark_node *fc = cmark_node_first_child(item);
        rd_buf body = {0};
        children(s, item, fc ? cmark_node_get_start_column(fc) - 1 : 0, 0, tight, &body);
        under_marker(marker, &body, out);
        rd_buf_free(&body);
    }
}

/* The blocks of the document (top) or of an item. Adjacent lists of one type
 * are written as one list, since with one style of marker they would parse
 * as one anyway; the result is tight only when they all were. */
static void children(const src *s, cmark_node *parent, int strip, int top, int tight,
                     rd_buf *out)
{
    int first = 1;
    for (cmark_node *c = cmark_node_first_child(parent); c;) {
        if (!first && (top || !tight))
            rd_buf_putc(out, '\n');
        first = 0;
        cmark_node_type t = cmark_node_get_type(c);
        if (t == CMARK_NODE_LIST) {
            cmark_node *end = c;
            int run_tight = cmark_node_get_list_tight(c);
            while (cmark_node_next(end) &&
                   cmark_node_get_type(cmark_node_next(end)) == CMARK_NODE_LIST &&
                   cmark_node_get_list_type(cmark_node_next(end)) == cmark_node_get_list_type(c)) {
                end = cmark_node_next(end);
                run_tight &= cmark_node_get_list_tight(end);
            }
            int number = cmark_node_get_list_start(c), first_item = 1;
            for (cmark_node *l = c;; l = cmark_node_next(l)) {
                items(s, l, run_tight, &number, &first_item, out);
                if (l == end)
                    break;
            }
            c = cmark_node_next(end);
            continue;
        }
        if (t == CMARK_NODE_HEADING) {
            heading(s, c, out);
        } else if (t == CMARK_NODE_HTML_BLOCK) {
            /* the literal is the block exactly (cmark's end line for an HTML
             * block closed by "-->" and the like is one short) */
            const char *lit = cmark_node_get_literal(c);
            size_t n = strlen(lit);
            while (n && (lit[n - 1] == '\n' || lit[n - 1] == '\r'))
                n--;
            rd_buf_append(out, lit, n);
            rd_buf_putc(out, '\n');
        } else {
            code_or_block(s, c, strip, out);
        }
        c = cmark_node_next(c);
    }
}

int rd_markdown_format(const char *file, const char *text, size_t len, char **out,
                       rd_error *err)
{
    *out = NULL;
    rd_catalog *before = NULL, *after = NULL;
    int rc = rd_catalog_parse(file, text, len, 0, &before, err); /* UTF-8, depth, size */
    if (rc < 0)
        return rc;
    src s = {text, len, NULL, 0};
    rc = rd_text_lines(file, text, len, &s.line, &s.nlines, err);
    if (rc < 0) {
        rd_catalog_free(before);
        return rc;
    }
    cmark_node *doc = cmark_parse_document(text, len, CMARK_OPT_SOURCEPOS);
    rd_buf b = {0};
    if (doc)
        children(&s, doc, 0, 1, 0, &b);
    if (!doc || b.oom) {
        rc = rd_error_set(err, RD_ENOMEM, "%s: out of memory", file);
    } else {
        /* the same catalog, or nothing: fmt must never lose what the user wrote */
        rc = rd_catalog_parse(file, b.data ? b.data : "", b.len, 0, &after, err);
        char why[256];
        if (rc == RD_OK && !rd_catalog_same(before, after, why, sizeof why))
            rc = rd_error_set(err, RD_EINTERNAL,
                              "%s: formatting would change the catalog (%s); nothing written",
                              file, why);
    }
    if (doc)
        cmark_node_free(doc);
    free(s.line);
    rd_catalog_free(before);
    rd_catalog_free(after);
    if (rc == RD_OK)
        *out = rd_buf_take(&b);
    rd_buf_free(&b);
    return rc;
}
