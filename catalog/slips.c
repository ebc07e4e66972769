/* catalog/slips.c — what CommonMark reads silently but a person most likely
 * did not mean, found on the document's tree and its source lines:
 *
 *   no-space-after-bullet  `-[gong](url)` glued to the item above as its text
 *   glued-line             `**[back to top](#x)**` with no blank line before it
 *   odd-indent             a 3-space indent that nests an item by accident
 *   mixed-bullets          `*` after `-`: CommonMark starts a new list
 *   bold-heading           `**Tools**` on a line of its own instead of a heading
 *   table-links            links in a table (not CommonMark): not entries
 *   html-hides-list        list lines swallowed by an HTML block (`<details>`)
 *
 * It also collects the ids and names of HTML anchors, for lint's check of the
 * table of contents. Each finding is reported by lint under its rule. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct slips {
    rd_catalog *cat;
    const char *text;
    const size_t *line_start;
    size_t nlines;
    rd_slip_state *st; /* kept across the sections of one document */
    int line0;         /* the section's first line less one: cmark counts from its start */
    int oom;
} slips;

/* A block's first and last line in the whole document. */
static int start_line(const slips *s, cmark_node *n)
{
    return cmark_node_get_start_line(n) + s->line0;
}

static int end_line(const slips *s, cmark_node *n)
{
    return cmark_node_get_end_line(n) + s->line0;
}

static void add(slips *s, const char *rule, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void add(slips *s, const char *rule, int line, int col, const char *fmt, ...)
{
    rd_catalog *cat = s->cat;
    rd_finding *arr = rd_grow(cat->findings, &s->st->cap_find, cat->nfindings, sizeof *arr);
    if (!arr) {
        s->oom = 1;
        return;
    }
    cat->findings = arr;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *m = rd_arena_strdup(cat->arena, msg);
    if (!m)
        s->oom = 1;
    arr[cat->nfindings++] = (rd_finding){rule, {line, col}, m ? m : ""};
}

/* Line l of the source without its line break. */
static const char *line_at(const slips *s, int l, size_t *n)
{
    if (l < 1 || (size_t)l > s->nlines) {
        *n = 0;
        return "";
    }
    size_t a = s->line_start[l], b = s->line_start[l + 1];
    while (b > a && (s->text[b - 1] == '\n' || s->text[b - 1] == '\r'))
        b--;
    *n = b - a;
    return s->text + a;
}

/* Columns of leading whitespace (a tab to the next multiple of 4) and, in
 * *bytes, how many bytes they take. */
static int indent_of(const char *p, size_t n, size_t *bytes)
{
    int w = 0;
    size_t i = 0;
    for (; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
        w = p[i] == '\t' ? (w / 4 + 1) * 4 : w + 1;
    if (bytes)
        *bytes = i;
    return w;
}

static int is_type(cmark_node *n, cmark_node_type t)
{
    return n && cmark_node_get_type(n) == t;
}

/* At most 60 bytes of a line, for a message (cut at a UTF-8 boundary). */
static int quote_len(const char *p, size_t n)
{
    if (n <= 60)
        return (int)n;
    size_t k = 60;
    while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
        k--;
    return (int)k;
}

/* The lines of a paragraph after its first: one that starts with a bullet
 * glued to a link, or a lazy continuation that starts with a link. */
static void paragraph_lines(slips *s, cmark_node *para)
{
    cmark_node *item = cmark_node_parent(para);
    int in_item = is_type(item, CMARK_NODE_ITEM);
    int content_col = cmark_node_get_start_column(para) - 1;
    int first = start_line(s, para), last = end_line(s, para);
    cmark_node *lead = cmark_node_first_child(para);
    int starts_emph = is_type(lead, CMARK_NODE_EMPH) || is_type(lead, CMARK_NODE_STRONG);
    for (int l = first; l <= last; l++) {
        size_t n, k;
        const char *p = line_at(s, l, &n);
        int w = indent_of(p, n, &k);
        const char *q = p + k;
        size_t rest = n - k;
        /* `*[x](url)*`, or a paragraph that CommonMark read as emphasis */
        int emphasis = q[0] == '*' && (memmem(q, rest, ")*", 2) || (l == first && starts_emph));
        if (rest >= 2 && strchr("-*+", q[0]) && q[1] == '[' && !emphasis) {
            int ql = quote_len(q, rest);
            add(s, "no-space-after-bullet", l, (int)k + 1,
                "'%.*s%s' has no space after '%c', so it is read as text of the line above, "
                "not as an item; put a space after the '%c'",
                ql, q, (size_t)ql < rest ? "..." : "", q[0], q[0]);
            continue;
        }
        if (l == first || !in_item || w >= content_col)
            continue;
        size_t e = 0;
        while (e < rest && e < 2 && (q[e] == '*' || q[e] == '_'))
            e++;
        /* a wrapped sentence may go on with a link; a line glued after a
         * finished one ("Beats drums." then "**[back to top](#x)**") is a slip */
        size_t pn;
        const char *prev = line_at(s, l - 1, &pn);
        while (pn && (prev[pn - 1] == ' ' || prev[pn - 1] == '\t'))
            pn--;
        int finished = pn && strchr(".!?)*>", prev[pn - 1]);
        int ql = quote_len(q, rest);
        if (e < rest && q[e] == '[' && (finished || e > 0))
            add(s, "glued-line", l, (int)k + 1,
                "'%.*s%s' follows the item above with no blank line, so it is read as part "
                "of that item's text; put a blank line before it",
                ql, q, (size_t)ql < rest ? "..." : "");
    }
}

/* A nested item indented by an odd number of columns more than its parent
 * item, and not to the parent's text: most likely a slip of one space. */
static void item_indent(slips *s, cmark_node *item)
{
    cmark_node *parent = cmark_node_parent(cmark_node_parent(item));
    if (!is_type(parent, CMARK_NODE_ITEM))
        return;
    size_t n, pn;
    const char *p = line_at(s, start_line(s, item), &n);
    const char *pp = line_at(s, start_line(s, parent), &pn);
    int rel = indent_of(p, n, NULL) - indent_of(pp, pn, NULL);
    cmark_node *text = cmark_node_first_child(parent);
    int content =
        text ? cmark_node_get_start_column(text) - cmark_node_get_start_column(parent) : rel;
    if (rel != content && rel % 2 == 1)
        add(s, "odd-indent", start_line(s, item), cmark_node_get_start_column(item),
            "this item is indented %d spaces more than the item at line %d, so it is read "
            "as nested in it; indent it %d spaces to nest it, or not at all",
            rel, start_line(s, parent), content);
}

/* The bullet character an item was written with. */
static char bullet_of(const slips *s, cmark_node *item)
{
    size_t n;
    const char *p = line_at(s, start_line(s, item), &n);
    size_t at = (size_t)cmark_node_get_start_column(item) - 1;
    return at < n ? p[at] : '?';
}

static void list_bullets(slips *s, cmark_node *list)
{
    /* looking back at the list just before, and at its last item: both are
     * always in the section being read (a section may begin inside a long
     * list, never at its first item) */
    cmark_node *prev = cmark_node_previous(list);
    if (!is_type(prev, CMARK_NODE_LIST) || cmark_node_get_list_type(list) != CMARK_BULLET_LIST ||
        cmark_node_get_list_type(prev) != CMARK_BULLET_LIST)
        return;
    cmark_node *a = cmark_node_last_child(prev), *b = cmark_node_first_child(list);
    if (!a || !b)
        return;
    char x = bullet_of(s, a), y = bullet_of(s, b);
    if (x != y)
        add(s, "mixed-bullets", start_line(s, b), cmark_node_get_start_column(b),
            "a '%c' item after '%c' items (the last on line %d) starts a new list; use one "
            "bullet character in a list",
            y, x, start_line(s, a));
}

static int count_links(cmark_node *node)
{
    int k = 0;
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
        k += ev == CMARK_EVENT_ENTER && is_type(cmark_iter_get_node(it), CMARK_NODE_LINK);
    cmark_iter_free(it);
    return k;
}

/* A delimiter row of a table: pipes, dashes, colons and spaces, with a dash. */
static int delimiter_row(const char *p, size_t n)
{
    int dash = 0, pipe = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strchr("|-: \t", p[i]))
            return 0;
        dash |= p[i] == '-';
        pipe |= p[i] == '|';
    }
    return dash && pipe;
}

/* A paragraph at the top: a table whose links are not entries, or bold text
 * standing alone where a heading belongs. */
static void top_paragraph(slips *s, cmark_node *para)
{
    int first = start_line(s, para), last = end_line(s, para);
    size_t n1, n2;
    const char *l1 = line_at(s, first, &n1), *l2 = line_at(s, first + 1, &n2);
    int links;
    if (last > first && memchr(l1, '|', n1) && delimiter_row(l2, n2) &&
        (links = count_links(para)) > 0) {
        add(s, "table-links", first, cmark_node_get_start_column(para),
            "a table (lines %d-%d) holds %d link%s; tables are not CommonMark, so its rows are "
            "not read as entries and their links are not checked",
            first, last, links, links == 1 ? "" : "s");
        return;
    }
    cmark_node *only = cmark_node_first_child(para);
    if (!is_type(only, CMARK_NODE_STRONG) || cmark_node_next(only) || count_links(only) > 0)
        return;
    /* a short title, not a sentence in bold (nor italics, which lists use to
     * describe a section) */
    rd_buf b = {0};
    rd_flatten(only, &b);
    const char *t = b.data ? b.data : "";
    size_t n = b.len;
    while (n && t[n - 1] == ' ')
        n--;
    int sentence = n > 60 || (n && strchr(".!?", t[n - 1])) ||
                   (n >= 3 && (!memcmp(t + n - 3, "\xE3\x80\x82", 3) || /* 。 */
                               !memcmp(t + n - 3, "\xEF\xBC\x81", 3))); /* ！ */
    if (n && !sentence)
        add(s, "bold-heading", first, cmark_node_get_start_column(para),
            "'%.*s' is bold text on a line of its own; make it a heading so that it is a "
            "category",
            (int)n, t);
    s->oom |= b.oom;
    rd_buf_free(&b);
}

/* List lines inside an HTML block: without a blank line after `<details>` or
 * `<div>`, CommonMark keeps what follows as HTML, and the items are lost. */
static void html_block(slips *s, cmark_node *html)
{
    const char *lit = cmark_node_get_literal(html);
    int line = start_line(s, html), hidden = 0, first = 0;
    for (const char *p = lit; *p; line++) {
        size_t n = strcspn(p, "\n");
        size_t k = 0;
        indent_of(p, n, &k);
        if (n > k + 3 && strchr("-*+", p[k]) && p[k + 1] == ' ' && p[k + 2] == '[' &&
            memchr(p + k, ']', n - k)) {
            hidden++;
            if (!first)
                first = line;
        }
        p += n + (p[n] == '\n');
    }
    if (hidden)
        add(s, "html-hides-list", first, 1,
            "%d list line%s from here on %s inside an HTML block, so %s not read as "
            "entries; put a blank line after the HTML tag above",
            hidden, hidden == 1 ? "" : "s", hidden == 1 ? "sits" : "sit",
            hidden == 1 ? "it is" : "they are");
}

/* Adds the values of name="..." and id="..." attributes in raw HTML. */
static void html_ids(slips *s, const char *html, int line)
{
    for (const char *p = html; (p = strpbrk(p, "ni")) != NULL; p++) {
        size_t k = !strncmp(p, "name=", 5) ? 5 : !strncmp(p, "id=", 3) ? 3 : 0;
        if (!k || (p > html && (isalnum((unsigned char)p[-1]) || p[-1] == '-')))
            continue;
        char q = p[k];
        if (q != '"' && q != '\'')
            continue;
        const char *v = p + k + 1, *end = strchr(v, q);
        if (!end)
            return;
        rd_anchor *arr = rd_grow(s->cat->ids, &s->st->cap_ids, s->cat->nids, sizeof *arr);
        char *id = arr ? rd_arena_strndup(s->cat->arena, v, (size_t)(end - v)) : NULL;
        if (arr)
            s->cat->ids = arr;
        if (!id) {
            s->oom = 1;
            return;
        }
        s->cat->ids[s->cat->nids++] = (rd_anchor){id, line};
        p = end;
    }
}

/* An inline's line: cmark gives source positions to blocks only. */
static int line_of(const slips *s, cmark_node *n)
{
    while (n && !cmark_node_get_start_line(n))
        n = cmark_node_parent(n);
    return n ? start_line(s, n) : 0;
}

/* The anchors among a paragraph's or heading's inlines (`## <a name="x"></a>
 * Title`); the walk then skips the inlines, which hold nothing else. */
static void inline_ids(slips *s, cmark_node *block, cmark_iter *it)
{
    for (cmark_node *k = cmark_node_first_child(block); k; k = cmark_node_next(k))
        if (is_type(k, CMARK_NODE_HTML_INLINE))
            html_ids(s, cmark_node_get_literal(k), line_of(s, block));
    cmark_iter_reset(it, block, CMARK_EVENT_EXIT);
}

int rd_find_slips(rd_catalog *cat, rd_slip_state *st, cmark_node *doc, int line0, const char *text,
                  const size_t *line_start, size_t nlines)
{
    slips s = {.cat = cat,
               .text = text,
               .line_start = line_start,
               .nlines = nlines,
               .st = st,
               .line0 = line0};
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while (!s.oom && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH:
            paragraph_lines(&s, n);
            if (is_type(cmark_node_parent(n), CMARK_NODE_DOCUMENT))
                top_paragraph(&s, n);
            inline_ids(&s, n, it);
            break;
        case CMARK_NODE_HEADING: inline_ids(&s, n, it); break;
        case CMARK_NODE_ITEM: item_indent(&s, n); break;
        case CMARK_NODE_LIST: list_bullets(&s, n); break;
        case CMARK_NODE_HTML_BLOCK:
            html_block(&s, n);
            html_ids(&s, cmark_node_get_literal(n), start_line(&s, n));
            break;
        default: break;
        }
    }
    cmark_iter_free(it);
    return s.oom ? RD_ENOMEM : RD_OK;
}
