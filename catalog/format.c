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
        if (p[i] != ' ' && p[i] != '\t')
            return 0;
    return 1;
}

/* ---- writing lines under the current item ---- */

/* Whether line p[0..n) is a thematic break ("- - -", "***", "_ _ _"). */
static int thematic_break(const char *p, size_t n)
{
    size_t i = 0, count = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    char c = i < n ? p[i] : 0;
    if (c != '-' && c != '*' && c != '_')
        return 0;
    for (; i < n; i++) {
        if (p[i] == c)
            count++;
        else if (p[i] != ' ' && p[i] != '\t')
            return 0;
    }
    return count >= 3;
}

/* Writes the pending markers and the first line of an item's content (p[0..n),
 * n may be 0). When they would read as a thematic break ("- " and "--", or
 * "* " and "**"), each marker goes on a line of its own and the content under
 * them: an item may start with its marker alone. */
static void put_marker_line(rd_fmt *f, const char *p, size_t n)
{
    rd_buf line = {0};
    rd_buf_append(&line, f->marker.data, f->marker.len);
    rd_buf_append(&line, p, n);
    if (!n) /* an empty item: the marker without its space */
        while (line.len && (line.data[line.len - 1] == ' ' || line.data[line.len - 1] == '\t'))
            line.len--;
    if (!thematic_break(line.data ? line.data : "", line.len)) {
        rd_buf_append(f->out, line.data, line.len);
    } else {
        /* the markers are the non-blank runs of the pending marker */
        const char *m = f->marker.data;
        size_t len = f->marker.len, i = 0, lead = 0;
        while (i < len) {
            size_t a = i;
            while (a < len && (m[a] == ' ' || m[a] == '\t'))
                a++;
            size_t b = a;
            while (b < len && m[b] != ' ' && m[b] != '\t')
                b++;
            if (b == a)
                break;
            if (lead) {
                rd_buf_putc(f->out, '\n');
                for (size_t k = 0; k < lead; k++)
                    rd_buf_putc(f->out, m[k] == '\t' ? '\t' : ' ');
                rd_buf_append(f->out, m + lead, b - lead);
            } else {
                rd_buf_append(f->out, m, b);
            }
            lead = b;
            i = b;
        }
        if (n) {
            rd_buf_putc(f->out, '\n');
            rd_buf_append(f->out, f->lead.data, f->lead.len);
            rd_buf_append(f->out, p, n);
        }
    }
    rd_buf_putc(f->out, '\n');
    f->oom |= line.oom;
    rd_buf_free(&line);
}

/* Writes one line of content: after the pending list marker when an item has
 * just begun, else after the lead of the item it is in. An empty line stays
 * empty (no trailing spaces); a line that starts with a NUL byte (which no
 * input holds) is written without the lead, as a lazy continuation line. */
static void put_line(rd_fmt *f, const char *p, size_t n)
{
    if (f->pending) {
        f->pending = 0;
        put_marker_line(f, p, n);
        return;
    }
    if (n && p[0] == '\0') {
        p++;
        n--;
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

/* Columns of indentation at the start of line p[0..n); *at gets where its
 * text starts. */
static int indentation(const char *p, size_t n, size_t *at)
{
    int col = 0;
    size_t i = 0;
    for (; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
        col = p[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    *at = i;
    return col;
}

/* Whether p[0..n) (indentation off) is a run of '=' or of '-' and nothing
 * but spaces after: a setext underline when it follows a paragraph line. */
static int underline_like(const char *p, size_t n)
{
    size_t i = 0;
    if (!n || (p[0] != '=' && p[0] != '-'))
        return 0;
    while (i < n && p[i] == p[0])
        i++;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    return i == n;
}

/* A line after a block's first, less its container's indentation in the
 * source, and the rest of its indentation as spaces (a tab is as wide as
 * where it starts, and the lead it goes under may be of another width).
 *
 * A lazy line (indented less than the item its paragraph is in) is one of
 * that paragraph all the same. Its indentation past the items it is in
 * stays in the paragraph's text (a code span over two lines keeps it), and
 * indented under the lead it could read as another thing ("- a" over "--"
 * is a heading once "--" is indented); so such a line stays lazy, with that
 * much indentation past the same items, written without the lead (marked
 * by a NUL byte, which no input holds). Other lazy lines go under the lead,
 * as indented past it as past the item they are in ("#" 4 columns in is
 * text, not a heading). */
static void body_line(const rd_fmt *f, const char *p, size_t n, int strip, rd_buf *out)
{
    size_t at;
    int col = indentation(p, n, &at), in = strip;
    if (at == n)
        return; /* blank */
    int depth = f->nstrips < RD_MAX_DEPTH ? f->nstrips : RD_MAX_DEPTH;
    if (col < strip) {
        int k = -1; /* the innermost item the line is in */
        while (k + 1 < depth && f->strips[k + 1] <= col)
            k++;
        int base = k >= 0 ? f->strips[k] : 0, to = k >= 0 ? f->cols[k] : 0;
        int under = underline_like(p + at, n - at), room = k + 1 < depth ? f->cols[k + 1] - to : 0;
        if (under && col - base >= room) /* its indentation is no text: as much as fits */
            col = base + room - 1;
        if ((col > base || under) && col - base < room) {
            rd_buf_putc(out, '\0');
            in = base - to;
        } else { /* under the lead, as indented past it as past the item it is in */
            in = base;
        }
    }
    for (int k = in; k < col; k++)
        rd_buf_putc(out, ' ');
    rd_buf_append(out, p + at, n - at);
}

/* The lines first..last of a block: the first from column col (0-based, in
 * bytes), the others as body_line says. */
static void lines_from(const rd_fmt *f, int first, int last, size_t col, int strip, rd_buf *out)
{
    size_t len;
    if (last > (int)f->nlines)
        last = (int)f->nlines;
    for (int l = first; l <= last; l++) {
        const char *p = rd_fmt_line(f, l, &len);
        if (l > first) {
            body_line(f, p, len, strip, out);
        } else {
            size_t skip = col < len ? col : len;
            rd_buf_append(out, p + skip, len - skip);
        }
        rd_buf_putc(out, '\n');
    }
}

/* The lines of a block with its container's indentation (strip columns) taken
 * off; the first line starts at the block's own column. Blank lines at its
 * end (an item's span takes them in) are dropped. */
static void block_lines(const rd_fmt *f, cmark_node *n, int strip, rd_buf *out)
{
    int first = cmark_node_get_start_line(n), last = cmark_node_get_end_line(n);
    if (last > (int)f->nlines)
        last = (int)f->nlines;
    while (last > first && blank_line(f, last))
        last--;
    lines_from(f, first, last, (size_t)cmark_node_get_start_column(n) - 1, strip, out);
}

/* The underline of setext heading n: the first line after its first that
 * is in its container and a run of '=' or '-' (cmark's end line for a setext
 * heading may be the line after it). */
static int underline(const rd_fmt *f, cmark_node *n, int strip)
{
    for (int l = cmark_node_get_start_line(n) + 1; l <= (int)f->nlines; l++) {
        size_t len, at;
        const char *p = rd_fmt_line(f, l, &len);
        int col = indentation(p, len, &at);
        if (col >= strip && col - strip <= 3 && underline_like(p + at, len - at))
            return l;
    }
    return (int)f->nlines;
}

/* Whether line p[0..n) of a paragraph ends in a hard line break: two spaces
 * or an unescaped backslash. */
static int hard_break(const char *p, size_t n)
{
    size_t spaces = 0, slashes = 0;
    while (spaces < n && p[n - 1 - spaces] == ' ')
        spaces++;
    while (slashes < n && p[n - 1 - slashes] == '\\')
        slashes++;
    return spaces >= 2 || slashes % 2;
}

/* The text of setext heading n, lines first..under-1 trimmed and joined by
 * spaces. -1 when a line ends in a hard break, which an ATX heading cannot
 * hold; when it is in an item (strip) over more than one line, as the item
 * is a note, and its line breaks are in the note's text; and when it starts
 * with "[": link reference definitions before its text are in its lines. */
static int setext_text(const rd_fmt *f, cmark_node *n, int under, int strip, rd_buf *text)
{
    int first = cmark_node_get_start_line(n);
    size_t len, at = (size_t)cmark_node_get_start_column(n) - 1;
    const char *p = rd_fmt_line(f, first, &len);
    if ((strip && under > first + 1) || (at < len && p[at] == '['))
        return -1;
    for (int l = first; l < under; l++) {
        p = rd_fmt_line(f, l, &len);
        if (l + 1 < under && hard_break(p, len))
            return -1;
        indentation(p, len, &at);
        if (l == first)
            at = (size_t)cmark_node_get_start_column(n) - 1;
        while (len > at && isspace((unsigned char)p[len - 1]))
            len--;
        if (text->len)
            rd_buf_putc(text, ' ');
        rd_buf_append(text, p + at, len > at ? len - at : 0);
    }
    return 0;
}

/* A heading as an ATX one with its text as written. A text that ends in a
 * run of '#' after a space (or is one) gets a closing sequence, or the run
 * would be taken for one. A setext heading over lines that end in a hard
 * break stays as written. */
static void heading(const rd_fmt *f, cmark_node *n, int strip, rd_buf *out)
{
    int level = cmark_node_get_heading_level(n);
    int first = cmark_node_get_start_line(n);
    size_t len;
    const char *p = rd_fmt_line(f, first, &len);
    size_t a = (size_t)cmark_node_get_start_column(n) - 1;
    while (a < len && p[a] == ' ')
        a++;
    rd_buf text = {0};
    if (cmark_node_get_end_line(n) == first) { /* ATX */
        while (a < len && p[a] == '#')
            a++;
        size_t b = len;
        while (b > a && isspace((unsigned char)p[b - 1]))
            b--;
        size_t c = b; /* an optional closing sequence of #s after a space */
        while (c > a && p[c - 1] == '#')
            c--;
        if (c < b && (c == a || p[c - 1] == ' ' || p[c - 1] == '\t'))
            b = c;
        rd_buf_append(&text, p + a, b - a);
    } else {
        int under = underline(f, n, strip);
        if (setext_text(f, n, under, strip, &text) < 0) {
            lines_from(f, first, under, (size_t)cmark_node_get_start_column(n) - 1, strip, out);
            rd_buf_free(&text);
            return;
        }
    }
    for (int i = 0; i < level; i++)
        rd_buf_putc(out, '#');
    const char *t = text.data ? text.data : "";
    while (isspace((unsigned char)*t))
        t++;
    size_t tl = strlen(t);
    while (tl && isspace((unsigned char)t[tl - 1]))
        tl--;
    if (tl) {
        rd_buf_putc(out, ' ');
        rd_buf_append(out, t, tl);
        size_t h = tl;
        while (h && t[h - 1] == '#')
            h--;
        if (h < tl && (h == 0 || t[h - 1] == ' ' || t[h - 1] == '\t'))
            rd_buf_puts(out, " #");
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

/* Appends each line of a code block's literal, after prefix when it is not
 * empty. */
static void literal_lines(const char *lit, const char *prefix, rd_buf *out)
{
    while (*lit) {
        const char *nl = strchr(lit, '\n');
        size_t n = nl ? (size_t)(nl - lit) : strlen(lit);
        if (n)
            rd_buf_puts(out, prefix);
        rd_buf_append(out, lit, n);
        rd_buf_putc(out, '\n');
        lit += n + (nl != NULL);
    }
}

/* The length of lit less the blank lines at its end. */
static size_t without_blank_end(const char *lit)
{
    size_t len = strlen(lit), keep = 0;
    for (size_t i = 0; i < len; i++)
        if (lit[i] != ' ' && lit[i] != '\t' && lit[i] != '\n')
            keep = i + 1;
    if (!keep)
        return 0;
    const char *nl = memchr(lit + keep, '\n', len - keep);
    return nl ? (size_t)(nl - lit) + 1 : len;
}

/* Indented code as a fence of backticks longer than any run in it. */
static void fence_code(const char *lit, rd_buf *out)
{
    size_t longest = 2, run = 0;
    for (const char *q = lit; *q; q++) {
        run = *q == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    for (size_t i = 0; i <= longest; i++)
        rd_buf_putc(out, '`');
    rd_buf_putc(out, '\n');
    literal_lines(lit, "", out);
    for (size_t i = 0; i <= longest; i++)
        rd_buf_putc(out, '`');
    rd_buf_putc(out, '\n');
}

/* A code block from its literal, so that its content stays exactly what
 * cmark read whatever the width of the new lead: indented code as four
 * spaces before each line; a fence as its opening line as written, indented
 * in its container as it was (its content lines get that indentation, which
 * cmark takes off them), the literal and its closing fence.
 *
 * A fence left open ran to the end of its container, which is elsewhere in
 * what fmt writes: it is closed, without the blank lines at its end (an
 * item's note has none either). Right after a list (after_list) any
 * indentation would make the block part of the list's last item, where
 * items are indented less than in the source: there a fence is not
 * indented, and indented code becomes a fence. */
static void code_block(const rd_fmt *f, cmark_node *n, int strip, int after_list, rd_buf *out)
{
    const char *lit = cmark_node_get_literal(n);
    lit = lit ? lit : "";
    if (!fenced(f, n, strip)) {
        if (after_list)
            fence_code(lit, out);
        else
            literal_lines(lit, "    ", out);
        return;
    }
    int l = cmark_node_get_start_line(n);
    size_t len, at = (size_t)cmark_node_get_start_column(n) - 1, k = at;
    const char *p = rd_fmt_line(f, l, &len);
    while (k < len && p[k] == p[at])
        k++;
    size_t fence = k - at;
    char c = p[at], indent[4] = "";
    int in = rd_columns(p, at) - strip;
    if (in > 0 && in < 4 && !after_list && !f->pending) /* on a marker line it is padding */
        memset(indent, ' ', (size_t)in);
    rd_buf_puts(out, indent);
    rd_buf_append(out, p + at, len - at);
    rd_buf_putc(out, '\n');
    for (const char *q = lit; *q; q++)
        l += *q == '\n';
    const char *close = NULL;
    if (++l <= (int)f->nlines) { /* the line after the literal: its closing fence? */
        p = rd_fmt_line(f, l, &len);
        if (rd_closing_fence(p, len, strip, c, fence))
            close = p;
    }
    rd_buf body = {0};
    rd_buf_append(&body, lit, close ? strlen(lit) : without_blank_end(lit));
    rd_buf_putc(&body, '\0');
    literal_lines(body.data ? body.data : "", indent, out);
    rd_buf_free(&body);
    if (close) {
        size_t i;
        int col = indentation(p, len, &i);
        /* as far in from the opening fence as it was (which may have lost its indentation) */
        int dropped = in > 0 && in < 4 ? in - (int)strlen(indent) : 0;
        for (int s = strip + dropped; s < col && s < strip + 3; s++)
            rd_buf_putc(out, ' ');
        rd_buf_append(out, p + i, len - i);
    } else {
        rd_buf_puts(out, indent);
        for (size_t i = 0; i < fence; i++)
            rd_buf_putc(out, c);
    }
    rd_buf_putc(out, '\n');
}

/* A block other than a list, as lines with the container's indentation off;
 * after_list when it comes right after a list. */
static void leaf(const rd_fmt *f, cmark_node *n, int strip, int after_list, rd_buf *out)
{
    cmark_node_type t = cmark_node_get_type(n);
    if (t == CMARK_NODE_HEADING) {
        heading(f, n, strip, out);
    } else if (t == CMARK_NODE_HTML_BLOCK) {
        /* the literal is the block exactly (cmark's end line for an HTML
         * block closed by "-->" and the like is one short); the spaces
         * before an HTML block are nothing in HTML, and they go right after
         * a list */
        const char *lit = cmark_node_get_literal(n);
        if (after_list ||
            f->pending) /* else in the list's last item, or it moves the item's text */
            while (*lit == ' ' || *lit == '\t')
                lit++;
        size_t len = strlen(lit);
        while (len && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
            len--;
        rd_buf_append(out, lit, len);
        rd_buf_putc(out, '\n');
    } else if (t == CMARK_NODE_CODE_BLOCK) {
        code_block(f, n, strip, after_list, out);
    } else {
        block_lines(f, n, strip, out);
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

/* Content column of an item in the source, as CommonMark reads it, so that
 * later lines lose exactly that much. */
static int content_column(const rd_fmt *f, cmark_node *item)
{
    int l = cmark_node_get_start_line(item);
    if (l < 1 || l > (int)f->nlines)
        return 0;
    size_t len;
    const char *p = rd_fmt_line(f, l, &len);
    return rd_item_content_column(p, len, (size_t)cmark_node_get_start_column(item) - 1);
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
    int strip = content_column(f, it);
    if (f->nstrips < RD_MAX_DEPTH) {
        f->strips[f->nstrips] = strip;
        f->cols[f->nstrips] = rd_columns(lead.data ? lead.data : "", lead.len);
    }
    f->nstrips++;
    children(f, it, strip, 0);
    f->nstrips--;
    if (f->pending) { /* an empty item: the marker alone, without its space */
        f->pending = 0;
        put_marker_line(f, "", 0);
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
static void ordered_marker(const rd_fmt *f, cmark_node *it, int next, char delim, char *marker,
                           size_t n)
{
    size_t len, at = (size_t)cmark_node_get_start_column(it) - 1, digits = 0;
    int l = cmark_node_get_start_line(it);
    const char *p = l >= 1 && l <= (int)f->nlines ? rd_fmt_line(f, l, &len) : NULL;
    while (p && at + digits < len && digits < 9 && isdigit((unsigned char)p[at + digits]))
        digits++;
    if (digits)
        snprintf(marker, n, "%.*s%c ", (int)digits, p + at, delim);
    else
        snprintf(marker, n, "%d%c ", next, delim);
}

/* Writes the lists from first to last (adjacent, of one type) as one list:
 * with one style of marker they would parse as one anyway. It is tight only
 * when they all were. Ordered items end in delim. */
static void list_run(rd_fmt *f, cmark_node *first, cmark_node *last, char delim)
{
    int tight = 1;
    for (cmark_node *l = first;; l = cmark_node_next(l)) {
        tight &= cmark_node_get_list_tight(l);
        if (l == last)
            break;
    }
    rd_buf lead = {0};
    if (f->width && f->pending) /* the first item goes on its parent's marker line: */
        rd_buf_append(&lead, f->lead.data, f->lead.len); /* the others under it */
    else if (f->width)
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
                ordered_marker(f, it, number++, delim, marker, sizeof marker);
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
            body_line(f, p, n, strip, &run);
            rd_buf_putc(&run, '\n');
        } else if (run.len) {
            put_lines(f, &run);
            rd_buf_reset(&run);
        }
    }
    f->oom |= run.oom;
    rd_buf_free(&run);
}

/* Whether list next goes on in the run of lists that ends with end: of one
 * type, with nothing but blank lines between them, and for ordered lists one
 * delimiter (CommonMark starts a new list, with its own first number, where
 * "1." items are followed by "2)" ones). */
static int joins(const rd_fmt *f, cmark_node *end, cmark_node *next)
{
    return next && cmark_node_get_type(next) == CMARK_NODE_LIST &&
           cmark_node_get_list_type(next) == cmark_node_get_list_type(end) &&
           (cmark_node_get_list_type(end) != CMARK_ORDERED_LIST ||
            cmark_node_get_list_delim(next) == cmark_node_get_list_delim(end)) &&
           !holds_text(f, last_line(end) + 1, cmark_node_get_start_line(next) - 1);
}

/* The blocks of the document (top) or of an item, with the lines between
 * them that no block holds; strip is the columns of the container's
 * indentation in the source. An item's first line (its marker's) is written
 * by item(). Adjacent lists of one type become one, unless lines lie between
 * them; ordered lists are "N." unless right after another ordered list,
 * whose delimiter they do not take, so that they stay lists of their own. */
static void children(rd_fmt *f, cmark_node *parent, int strip, int top)
{
    rd_buf block = {0};
    int first = 1, held = top ? 0 : cmark_node_get_start_line(parent);
    char delim = 0; /* the delimiter of an ordered list just written */
    for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c)) {
        if (holds_text(f, held + 1, cmark_node_get_start_line(c) - 1))
            delim = 0;
        unheld_lines(f, held + 1, cmark_node_get_start_line(c) - 1, strip, top, &first);
        separate(f, cmark_node_get_start_line(c), top, &first);
        if (cmark_node_get_type(c) == CMARK_NODE_LIST) {
            cmark_node *end = c;
            while (joins(f, end, cmark_node_next(end)))
                end = cmark_node_next(end);
            int ordered = cmark_node_get_list_type(c) == CMARK_ORDERED_LIST;
            delim = ordered ? (delim == '.' ? ')' : '.') : 0;
            list_run(f, c, end, delim);
            c = end;
        } else {
            delim = 0;
            rd_buf_reset(&block);
            cmark_node *prev = cmark_node_previous(c);
            int after_list = prev && cmark_node_get_type(prev) == CMARK_NODE_LIST;
            leaf(f, c, strip, after_list, &block);
            put_lines(f, &block);
        }
        held = last_line(c);
    }
    int end = top ? (int)f->nlines : last_line(parent);
    unheld_lines(f, held + 1, end, strip, top, &first);
    f->oom |= block.oom;
    rd_buf_free(&block);
}

/* A list style: the bullet and indent written, and each level's bullet. */
typedef struct fmt_look {
    rd_fmt_style style;
    char bullets[RD_FMT_LEVELS];
} fmt_look;

/* A text to format or to count the style of: its lines and cmark's tree,
 * which the writer and the count only read. */
typedef struct fmt_src {
    const char *text;
    size_t len;
    size_t *line;
    size_t nlines;
    cmark_node *doc;
} fmt_src;

/* Reads text[0..len) into *src. Returns 0, or -1 when out of memory (src
 * is then empty: src_free does nothing). */
static int src_read(const char *text, size_t len, fmt_src *src)
{
    *src = (fmt_src){.text = text, .len = len};
    rd_error err = {0};
    if (rd_text_lines("", text, len, &src->line, &src->nlines, &err) < 0 ||
        !(src->doc = rd_cmark_parse(text, len, CMARK_OPT_SOURCEPOS))) {
        free(src->line);
        *src = (fmt_src){0};
        return -1;
    }
    return 0;
}

static void src_free(fmt_src *src)
{
    if (src->doc)
        cmark_node_free(src->doc);
    free(src->line);
}

/* The style src has (rd_fmt_own_style), with what the user asked for
 * (want's non-zero fields) over it. */
static void look_of(const fmt_src *src, const rd_fmt_style *want, fmt_look *look)
{
    memset(look, 0, sizeof *look); /* padding too: looks are compared with memcmp */
    rd_fmt f = {.text = src->text, .len = src->len, .line = src->line, .nlines = src->nlines};
    rd_fmt_own_style(&f, src->doc, &look->style);
    memcpy(look->bullets, f.bullets, sizeof look->bullets);
    if (want->bullet) {
        look->style.bullet = want->bullet;
        memset(look->bullets, want->bullet, sizeof look->bullets);
    }
    if (want->indent)
        look->style.indent = want->indent;
}

/* Writes src in the style look into b. Returns 0, or -1 when out of
 * memory. */
static int write_in(const fmt_src *src, const fmt_look *look, rd_buf *b)
{
    rd_fmt f = {.text = src->text,
                .len = src->len,
                .line = src->line,
                .nlines = src->nlines,
                .out = b,
                .style = look->style};
    memcpy(f.bullets, look->bullets, sizeof f.bullets);
    children(&f, src->doc, 0, 1);
    rd_buf_free(&f.marker);
    rd_buf_free(&f.lead);
    return b->oom || f.oom || f.marker.oom ? -1 : 0;
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
    /* In the style the text has; but where writing it so makes a text whose
     * own style is another (an item moved onto its parent's marker line no
     * longer says nothing of the indent), in that one, so that formatting the
     * result again changes nothing: a few rounds find where it settles. */
    fmt_look look, seen;
    fmt_src src, written; /* one tree at a time: each is about 40 times its text */
    int bad = src_read(text, len, &src) < 0;
    if (!bad) {
        look_of(&src, &want, &look);
        bad = write_in(&src, &look, &b) < 0;
        src_free(&src);
    }
    for (int round = 0; !bad && round < 3; round++) {
        bad = src_read(b.data ? b.data : "", b.len, &written) < 0;
        if (bad)
            break;
        look_of(&written, &want, &seen);
        src_free(&written);
        if (!memcmp(&seen, &look, sizeof look))
            break;
        look = seen;
        rd_buf_reset(&b);
        bad = src_read(text, len, &src) < 0 || write_in(&src, &look, &b) < 0;
        src_free(&src);
    }
    if (bad) {
        rc = rd_error_set(err, RD_ENOMEM, "%s: out of memory", file);
    } else {
        /* the same catalog, or nothing: fmt must never lose what the user wrote */
        rc = rd_catalog_parse(file, b.data ? b.data : "", b.len, (long long)b.len + 1, &after, err);
        char why[256];
        if (rc == RD_OK && !rd_catalog_same(before, after, why, sizeof why))
            rc = rd_error_set(err, RD_EINTERNAL,
                              "%s: formatting would change the catalog (%s); nothing written", file,
                              why);
    }
    rd_catalog_free(before);
    rd_catalog_free(after);
    if (rc == RD_OK)
        *out = rd_buf_take(&b);
    rd_buf_free(&b);
    return rc;
}
