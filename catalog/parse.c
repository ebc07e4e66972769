/* catalog/parse.c — Markdown (cmark AST) → catalog model.
 *
 * One pass over the document with cmark's iterator, no recursion: headings and
 * comment markers open categories; a list item that starts with a link is an
 * entry at any depth, and one nested in an entry's item is its sub-entry; a
 * link-less item whose nested lists hold entries is a group (a category of its
 * own); other items nested under an entry describe it; everything else a
 * reader wrote (paragraphs, code, quotes, prose items, HTML) is kept as a note
 * with its source lines.
 *
 * Each item the walk goes into is tagged (cmark's user data) with what it
 * became, so its children know their entry or group. */
#include <cmark.h>
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/queue.h"
#include "catalog.h"
#include "internal.h"

typedef struct parser {
    rd_catalog *cat;
    const char *text;
    size_t *line_start; /* byte offset of each line, 1-based: line_start[1] == 0 */
    size_t nlines;
    size_t cap_cat, cap_ent, cap_note, cap_nav;
    rd_buf *desc;     /* one description buffer per entry, moved to the arena at the end */
    int heading;      /* current heading category, -1 before the first */
    int marker;       /* current comment-marker category, -1 when none */
    int top;          /* the category for content before the first heading, -1 until needed */
    int line0;        /* lines before the section being read: cmark counts from its start */
    size_t described; /* entries before it, their descriptions already in the arena */
    rd_slip_state slips;
    rd_strmap slugs; /* the slugs given so far */
    size_t slugged;  /* categories that have one */
    rd_arena *sect;  /* the strings of entries and notes: the catalog's arena, or the
                      * section's when they are handed on a section at a time */
    int (*fn)(void *, const rd_catalog *);
    void *ud;
    struct ahead *ahead; /* set when read in a thread of its own (rd_catalog_stream) */
    int oom;
} parser;

static int pass_on(parser *p, rd_error *err);

static rd_pos pos_of(const parser *p, cmark_node *n)
{
    return (rd_pos){cmark_node_get_start_line(n) + p->line0, cmark_node_get_start_column(n)};
}

/* Where a link starts. cmark gives a link whose text spans lines the line
 * it ends on (and the column it starts at); its first child has the line. */
static rd_pos link_pos_of(const parser *p, cmark_node *link)
{
    rd_pos pos = pos_of(p, link);
    cmark_node *first = cmark_node_first_child(link);
    int line = first ? cmark_node_get_start_line(first) : 0;
    if (line > 0 && line + p->line0 < pos.line)
        pos.line = line + p->line0;
    return pos;
}

static char *copy_in(parser *p, rd_arena *a, const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    char *c = rd_arena_strndup(a, s, n);
    if (!c)
        p->oom = 1;
    return c ? c : "";
}

/* A trimmed copy that lives as long as the catalog (categories, links in
 * the page), or as the section (entries, notes). */
static char *trimmed_copy(parser *p, const char *s, size_t n)
{
    return copy_in(p, p->cat->arena, s, n);
}

static char *entry_copy(parser *p, const char *s, size_t n)
{
    return copy_in(p, p->sect, s, n);
}

static int add_category(parser *p, rd_category_kind kind, const char *name, int level, int parent,
                        rd_pos pos)
{
    rd_catalog *cat = p->cat;
    rd_category *arr = rd_grow(cat->categories, &p->cap_cat, cat->ncategories, sizeof *arr);
    if (!arr) {
        p->oom = 1;
        return -1;
    }
    cat->categories = arr;
    int i = (int)cat->ncategories++;
    arr[i] = (rd_category){kind, name, NULL, NULL, level, parent, pos, "", NULL, NULL, NULL};
    return i;
}

/* The category that content belongs to now: the marker, else the heading, else
 * a "(top)" category made the first time content comes before any heading. */
static int current_category(parser *p)
{
    if (p->marker >= 0)
        return p->marker;
    if (p->heading >= 0)
        return p->heading;
    if (p->top < 0)
        p->top = add_category(p, RD_CAT_TOP, "(top)", 0, -1, (rd_pos){1, 1});
    return p->top;
}

static void on_heading(parser *p, cmark_node *n)
{
    rd_buf b = {0};
    rd_flatten(n, &b);
    char *name = trimmed_copy(p, b.data ? b.data : "", b.len);
    rd_buf anchor = {
        0}; /* from the text as rendered: "Awesome C++ [![badge]..." gives "awesome-c-" */
    rd_github_anchor(b.data ? b.data : "", &anchor);
    char *id = rd_arena_strndup(p->cat->arena, anchor.data ? anchor.data : "", anchor.len);
    if (!id || b.oom || anchor.oom)
        p->oom = 1;
    rd_buf_free(&anchor);
    rd_buf_free(&b);
    int level = cmark_node_get_heading_level(n);
    int parent = p->heading;
    while (parent >= 0 && p->cat->categories[parent].level >= level)
        parent = p->cat->categories[parent].parent;
    p->heading = add_category(p, RD_CAT_HEADING, name, level, parent, pos_of(p, n));
    if (p->heading >= 0)
        p->cat->categories[p->heading].anchor = id;
    p->marker = -1;
}

/* Returns the name inside an HTML block that is exactly one `<!-- name -->`
 * comment on one line, or NULL. Tool directives (markdownlint, prettier, doctoc,
 * mktoc...: rd_is_directive) are comments, not categories. */
static char *marker_name(parser *p, const char *html)
{
    while (isspace((unsigned char)*html))
        html++;
    if (strncmp(html, "<!--", 4) != 0)
        return NULL;
    const char *body = html + 4, *end = strstr(body, "-->");
    if (!end)
        return NULL;
    const char *rest = end + 3;
    while (isspace((unsigned char)*rest))
        rest++;
    if (*rest || memchr(body, '\n', (size_t)(end - body)))
        return NULL;
    char *name = trimmed_copy(p, body, (size_t)(end - body));
    if (!*name || strlen(name) > 80 || rd_is_directive(name))
        return NULL;
    return name;
}

static int line_is_blank(const parser *p, int line)
{
    for (size_t i = p->line_start[line]; i < p->line_start[line + 1]; i++)
        if (!strchr(" \t\r\n", p->text[i]))
            return 0;
    return 1;
}

/* The column where the blocks of n's container start: 0 in the document,
 * an item's content column, -1 in anything else. */
static int container_column(const parser *p, cmark_node *n)
{
    cmark_node *up = cmark_node_parent(n);
    cmark_node_type t = up ? cmark_node_get_type(up) : CMARK_NODE_NONE;
    if (t == CMARK_NODE_DOCUMENT)
        return 0;
    int l = up ? cmark_node_get_start_line(up) + p->line0 : 0;
    if (t != CMARK_NODE_ITEM || l < 1 || (size_t)l > p->nlines)
        return -1;
    size_t s = p->line_start[l], e = p->line_start[l + 1];
    while (e > s && (p->text[e - 1] == '\n' || p->text[e - 1] == '\r'))
        e--;
    return rd_item_content_column(p->text + s, e - s, (size_t)cmark_node_get_start_column(up) - 1);
}

/* Whether the fence of c (run long) at line l, in a container whose blocks
 * start at column strip, is closed on the line after its literal. */
static int closed(const parser *p, int l, const char *lit, int strip, char c, size_t run)
{
    for (const char *q = lit; *q; q++)
        l += *q == '\n';
    if ((size_t)++l > p->nlines)
        return 0;
    size_t s = p->line_start[l], e = p->line_start[l + 1];
    while (e > s && (p->text[e - 1] == '\n' || p->text[e - 1] == '\r'))
        e--;
    return rd_closing_fence(p->text + s, e - s, strip, c, run);
}

/* The Markdown of code block n, made from what cmark read (its literal), so
 * that it renders as the same code wherever it sat: its source lines, less
 * their container's indentation, would not where a tab straddles that
 * indentation, and indented code would lose the indentation that makes it
 * code. A fence keeps its opening line as written and is closed. */
static void code_markdown(const parser *p, cmark_node *n, rd_buf *b)
{
    const char *lit = cmark_node_get_literal(n);
    lit = lit ? lit : "";
    int l = cmark_node_get_start_line(n) + p->line0;
    if (l < 1 || (size_t)l > p->nlines)
        l = 1;
    size_t s = p->line_start[l], e = p->line_start[l + 1];
    while (e > s && (p->text[e - 1] == '\n' || p->text[e - 1] == '\r'))
        e--;
    s += (size_t)cmark_node_get_start_column(n) - 1;
    s = s < e ? s : e;
    /* a fence's first line is its opening one; indented code's is its text */
    int fence = e - s >= 3 &&
                (!strncmp(p->text + s, "```", 3) || !strncmp(p->text + s, "~~~", 3)) &&
                !(!strncmp(lit, p->text + s, e - s) && lit[e - s] == '\n');
    size_t run = 0;
    if (fence) {
        while (s + run < e && p->text[s + run] == p->text[s])
            run++;
        rd_buf_append(b, p->text + s, e - s);
        rd_buf_putc(b, '\n');
    }
    const char *end = lit + strlen(lit);
    int strip = container_column(p, n);
    if (strip < 0) /* in a quote: the fence's own indentation, at most */
        strip = rd_columns(p->text + p->line_start[l], s - p->line_start[l]);
    if (fence && !closed(p, l, lit, strip, p->text[s], run)) {
        end = lit; /* an open fence ran to the end of its container: not its blank lines */
        for (const char *q = lit; *q; q++)
            if (*q != ' ' && *q != '\t' && *q != '\n')
                end = q + 1;
        if (end > lit)
            end = strchr(end, '\n') ? strchr(end, '\n') + 1 : end + strlen(end);
    }
    while (lit < end) {
        const char *nl = memchr(lit, '\n', (size_t)(end - lit));
        size_t len = nl ? (size_t)(nl - lit) : (size_t)(end - lit);
        if (len && !fence)
            rd_buf_puts(b, "    ");
        rd_buf_append(b, lit, len);
        rd_buf_putc(b, '\n');
        lit += len + (nl != NULL);
    }
    for (size_t i = 0; i < run; i++)
        rd_buf_putc(b, p->text[s]);
    while (b->len && b->data[b->len - 1] == '\n')
        b->len--;
}

/* Line p[0..n) with the tabs of its prefix (indentation, quote markers, list
 * markers and the spaces after them) as spaces, counted from its start; in
 * its indentation only up to column limit, past which a tab is the text of
 * indented code. */
static void expand_prefix(const char *p, size_t n, int limit, rd_buf *out)
{
    size_t i = 0;
    int col = 0;
    while (i < n) {
        size_t m = i;
        if (p[i] == '-' || p[i] == '*' || p[i] == '+') {
            m = i + 1;
        } else if (isdigit((unsigned char)p[i])) {
            while (m < n && m - i < 9 && isdigit((unsigned char)p[m]))
                m++;
            m = m < n && (p[m] == '.' || p[m] == ')') ? m + 1 : i;
        }
        if (m > i && (m == n || p[m] == ' ' || p[m] == '\t')) { /* a list marker */
            rd_buf_append(out, p + i, m - i);
            col += (int)(m - i);
            i = m;
            int ws = col;
            for (size_t k = i; k < n && (p[k] == ' ' || p[k] == '\t'); k++)
                ws = p[k] == '\t' ? (ws / 4 + 1) * 4 : ws + 1;
            if (ws - col > 4) { /* 1 column, then indented code: its 4, then its text */
                for (int code = col + 5; i < n && col < code && (p[i] == ' ' || p[i] == '\t'); i++)
                    for (int next = p[i] == '\t' ? (col / 4 + 1) * 4 : col + 1; col < next; col++)
                        rd_buf_putc(out, ' ');
                break;
            }
        } else if (p[i] == '>') {
            rd_buf_putc(out, '>');
            col++, i++;
        } else if (p[i] == ' ') {
            rd_buf_putc(out, ' ');
            col++, i++;
        } else if (p[i] == '\t' && col < limit) {
            for (int next = (col / 4 + 1) * 4; col < next; col++)
                rd_buf_putc(out, ' ');
            i++;
        } else {
            break;
        }
    }
    rd_buf_append(out, p + i, n - i);
}

static void add_note(parser *p, rd_note_kind kind, cmark_node *n, int category)
{
    rd_catalog *cat = p->cat;
    rd_note *arr = rd_grow(cat->notes, &p->cap_note, cat->nnotes, sizeof *arr);
    if (!arr) {
        p->oom = 1;
        return;
    }
    cat->notes = arr;
    if (kind == RD_NOTE_HTML) {
        /* the literal is the block exactly: cmark's end line for an HTML block
         * closed by "-->" and the like is one line short */
        const char *lit = cmark_node_get_literal(n);
        size_t len = strlen(lit);
        while (len && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
            len--;
        char *md = rd_arena_strndup(p->sect, lit, len);
        if (!md)
            p->oom = 1;
        arr[cat->nnotes++] = (rd_note){kind, md ? md : "", category, pos_of(p, n)};
        return;
    }
    rd_buf b = {0};
    if (kind == RD_NOTE_CODE) {
        code_markdown(p, n, &b);
        char *md = rd_arena_strndup(p->sect, b.data ? b.data : "", b.len);
        if (!md || b.oom)
            p->oom = 1;
        rd_buf_free(&b);
        arr[cat->nnotes++] = (rd_note){kind, md ? md : "", category, pos_of(p, n)};
        return;
    }
    int first = cmark_node_get_start_line(n) + p->line0;
    int last = cmark_node_get_end_line(n) + p->line0;
    size_t lead = (size_t)cmark_node_get_start_column(n) - 1; /* bytes before the block */
    if (first < 1)
        first = 1;
    if (last < first)
        last = first;
    if ((size_t)last > p->nlines)
        last = (int)p->nlines;
    while (last > first && line_is_blank(p, last)) /* an item's span takes in blank lines */
        last--;
    /* The block's own lines, less the indentation (in columns: tabs too) of
     * the container it sits in; tabs in the indentation and between list
     * markers as the spaces they stand for where they are, as they would
     * stand for others once that indentation is off. */
    int indent = 0, limit = 0;
    rd_buf line = {0};
    for (int l = first; l <= last; l++) {
        size_t s = p->line_start[l], e = p->line_start[l + 1];
        while (e > s && (p->text[e - 1] == '\n' || p->text[e - 1] == '\r'))
            e--;
        if (l == first) /* an item's lines are its marker's; a block's its container's */
            indent = kind == RD_NOTE_ITEM ? -1 : container_column(p, n);
        if (l == first && indent < 0)
            indent = rd_columns(p->text + s, lead < e - s ? lead : e - s);
        if (l == first) /* where indented code's text starts: 4 past the blocks' column */
            limit = 4 + (kind == RD_NOTE_ITEM ? rd_item_content_column(p->text + s, e - s, lead)
                                              : indent);
        rd_buf_reset(&line);
        expand_prefix(p->text + s, e - s, limit, &line);
        rd_unindent(line.data ? line.data : "", line.len, indent, &b);
        if (l < last)
            rd_buf_putc(&b, '\n');
    }
    char *md = rd_arena_strndup(p->sect, b.data ? b.data : "", b.len);
    if (!md || b.oom || line.oom)
        p->oom = 1;
    rd_buf_free(&b);
    rd_buf_free(&line);
    arr[cat->nnotes++] = (rd_note){kind, md ? md : "", category, pos_of(p, n)};
}

/* What an item the walk went into became: its entry or group, or nothing
 * (an item that only passes its context on, such as a table of contents
 * line, is tagged with its parent's tag). Kept in cmark's user data. */
enum { TAG_NONE = 0, TAG_ENTRY = 1, TAG_GROUP = 2 };

static intptr_t tag_of(int kind, int index)
{
    return ((intptr_t)index << 2) | kind;
}

static int tag_kind(intptr_t tag)
{
    return (int)(tag & 3);
}

static int tag_index(intptr_t tag)
{
    return (int)(tag >> 2);
}

static void set_tag(cmark_node *item, intptr_t tag)
{
    cmark_node_set_user_data(item, (void *)tag);
}

/* The tag of the item a node sits in (a block in an item, or an item in a
 * list in an item); TAG_NONE outside items. */
static intptr_t context_of(cmark_node *n)
{
    cmark_node *up = cmark_node_parent(n);
    if (up && cmark_node_get_type(up) == CMARK_NODE_LIST)
        up = cmark_node_parent(up);
    if (!up || cmark_node_get_type(up) != CMARK_NODE_ITEM)
        return TAG_NONE;
    return (intptr_t)cmark_node_get_user_data(up);
}

/* The category that what sits in a context belongs to. */
static int context_category(parser *p, intptr_t ctx)
{
    switch (tag_kind(ctx)) {
    case TAG_ENTRY: return p->cat->entries[tag_index(ctx)].category;
    case TAG_GROUP: return tag_index(ctx);
    default: return current_category(p);
    }
}

static int add_entry(parser *p, const char *name, int parent, int category, rd_pos pos,
                     rd_pos link_pos)
{
    rd_catalog *cat = p->cat;
    size_t cap = p->cap_ent;
    rd_entry *arr = rd_grow(cat->entries, &p->cap_ent, cat->nentries, sizeof *arr);
    if (arr && cap != p->cap_ent) {
        rd_buf *d = realloc(p->desc, p->cap_ent * sizeof *d);
        if (!d) {
            p->cap_ent = cap; /* arr is valid at the larger size; keep the smaller cap */
            cat->entries = arr;
            p->oom = 1;
            return -1;
        }
        memset(d + cap, 0, (p->cap_ent - cap) * sizeof *d);
        p->desc = d;
    }
    if (!arr) {
        p->oom = 1;
        return -1;
    }
    cat->entries = arr;
    int i = (int)cat->nentries++;
    arr[i] = (rd_entry){.name = name,
                        .category = category,
                        .parent = parent >= 0 ? parent + (int)cat->entry_base : -1,
                        .pos = pos,
                        .link_pos = link_pos,
                        .description = "",
                        .separator = ""};
    return i;
}

/* Reads a link destination: as written (trimmed) and normalised. */
static void read_url(parser *p, rd_arena *a, const char *raw, const char **url_raw,
                     rd_url_info *info, const char **url)
{
    *url_raw = copy_in(p, a, raw, strlen(raw));
    *url = NULL;
    if (rd_url_normalise(raw, info) < 0) {
        p->oom = 1;
        info->kind = RD_URL_INVALID;
        info->normalised = NULL;
        return;
    }
    if (info->normalised && !strcmp(info->normalised, *url_raw))
        *url = *url_raw; /* most links are written as they normalise */
    else if (info->normalised && !(*url = rd_arena_strdup(a, info->normalised)))
        p->oom = 1;
    free(info->normalised);
    info->normalised = NULL;
}

static void set_url(parser *p, rd_entry *e, const char *raw)
{
    rd_url_info info;
    read_url(p, p->sect, raw, &e->url_raw, &info, &e->url);
    e->url_kind = info.kind;
    e->missing_scheme = info.missing_scheme;
    if (info.kind == RD_URL_INVALID && !(e->url_error = rd_arena_strdup(p->sect, info.error)))
        p->oom = 1;
}

/* Appends one line of description, separated from what is there by a newline. */
static void describe(rd_buf *d, const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (!n)
        return;
    if (d->len)
        rd_buf_putc(d, '\n');
    rd_buf_append(d, s, n);
}

/* The separator as written, shared when it is the usual one. */
static const char *separator_copy(parser *p, const char *s, size_t n)
{
    if (n == 0)
        return "";
    if (n == 3 && !memcmp(s, " - ", 3))
        return " - ";
    char *c = rd_arena_strndup(p->sect, s, n);
    if (!c)
        p->oom = 1;
    return c ? c : "";
}

/* Makes an entry of an item that starts with `link`; returns its index. The
 * text after the link, less a separator ("-", "–", "—" or ":"), describes it.
 * A link that holds only a badge is named by the words after it, or its URL. */
static int on_link_item(parser *p, cmark_node *item, cmark_node *link, int bracketed, int owner,
                        int category)
{
    rd_buf b = {0}, rest = {0};
    rd_flatten(link, &b);
    size_t prose_end;
    rd_text_after(link, &rest, &prose_end);
    const char *s = rest.data ? rest.data : "";
    if (bracketed) { /* `[[name](url)] - desc`: the closing bracket is not text */
        while (isspace((unsigned char)*s))
            s++;
        s += *s == ']';
    }
    char *name = entry_copy(p, b.data ? b.data : "", b.len);
    if (!*name && cmark_node_first_child(link)) { /* a badge, not a link with no text */
        size_t used;
        rd_buf_reset(&b);
        rd_badge_name(cmark_node_get_url(link), s, &b, &used);
        name = entry_copy(p, b.data ? b.data : "", b.len);
        s += used;
    }
    size_t prose = rest.data && rest.data + prose_end > s ? (size_t)(rest.data + prose_end - s) : 0;
    int i = add_entry(p, name, owner, category, pos_of(p, item), link_pos_of(p, link));
    if (i >= 0) {
        rd_entry *e = &p->cat->entries[i];
        set_url(p, e, cmark_node_get_url(link));
        size_t k = rd_skip_separator(s);
        describe(&p->desc[i], s + k, strlen(s + k));
        e->inline_len = p->desc[i].len;
        if (e->inline_len)
            e->separator = separator_copy(p, s, k);
        e->prose_len = prose > k ? prose - k : 0; /* describe() dropped no leading space */
        if (e->prose_len > e->inline_len)
            e->prose_len = e->inline_len;
    }
    rd_buf_free(&b);
    rd_buf_free(&rest);
    return i;
}

/* Whether an item's nested lists hold an item that starts with a link (not
 * an anchor) at any depth: that makes a link-less item a group. */
static int holds_entries(cmark_node *item)
{
    cmark_iter *it = cmark_iter_new(item);
    cmark_event_type ev;
    int found = 0;
    while (!found && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || n == item)
            continue;
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_ITEM) {
            int bracketed;
            cmark_node *link = rd_leading_link(n, &bracketed);
            found = link && !rd_is_anchor_link(link);
        } else if (t != CMARK_NODE_LIST) {
            cmark_iter_reset(it, n, CMARK_EVENT_EXIT); /* only lists nest entries */
        }
    }
    cmark_iter_free(it);
    return found;
}

/* Makes a group category of a label item; returns its index. */
static int on_group(parser *p, cmark_node *item, int parent)
{
    rd_buf name = {0}, desc = {0};
    cmark_node *link = rd_group_label(item, &name, &desc);
    int level = p->cat->categories[parent].level + 1;
    int c = add_category(p, RD_CAT_GROUP, trimmed_copy(p, name.data ? name.data : "", name.len),
                         level, parent, pos_of(p, cmark_node_first_child(item)));
    if (c >= 0) {
        rd_category *g = &p->cat->categories[c];
        if (desc.len)
            g->description = trimmed_copy(p, desc.data, desc.len);
        if (link) {
            rd_url_info info;
            read_url(p, p->cat->arena, cmark_node_get_url(link), &g->url_raw, &info, &g->url);
        }
    }
    if (name.oom || desc.oom)
        p->oom = 1;
    rd_buf_free(&name);
    rd_buf_free(&desc);
    return c;
}

static void add_nav(parser *p, cmark_node *link)
{
    rd_catalog *cat = p->cat;
    rd_nav *arr = rd_grow(cat->nav, &p->cap_nav, cat->nnav, sizeof *arr);
    if (!arr) {
        p->oom = 1;
        return;
    }
    cat->nav = arr;
    rd_buf b = {0};
    rd_flatten(link, &b);
    const char *target = cmark_node_get_url(link) + 1;
    arr[cat->nnav++] = (rd_nav){trimmed_copy(p, b.data ? b.data : "", b.len),
                                trimmed_copy(p, target, strlen(target)), link_pos_of(p, link)};
    if (b.oom)
        p->oom = 1;
    rd_buf_free(&b);
}

/* A link-less item that is an identifier ("+ gorm") is an entry without a
 * link; the blocks after its line describe it. */
static void on_identifier(parser *p, cmark_node *item, const char *id, int category)
{
    cmark_node *para = cmark_node_first_child(item);
    char *name = rd_arena_strdup(p->sect, id);
    int i = name ? add_entry(p, name, -1, category, pos_of(p, item), pos_of(p, para)) : -1;
    rd_buf b = {0};
    for (cmark_node *n = cmark_node_next(para); n && i >= 0; n = cmark_node_next(n)) {
        rd_buf_reset(&b);
        rd_flatten(n, &b);
        describe(&p->desc[i], b.data ? b.data : "", b.len);
    }
    if (!name)
        p->oom = 1;
    rd_buf_free(&b);
}

/* Decides what a list item is and tags it. Returns 1 when the walk should go
 * on into the item's children, 0 when its subtree is done. */
static int on_item(parser *p, cmark_node *item)
{
    intptr_t ctx = context_of(item);
    int bracketed;
    cmark_node *link = rd_leading_link(item, &bracketed);
    if (link && rd_is_anchor_link(link)) { /* navigation: its nested lines may be entries */
        add_nav(p, link);
        set_tag(item, ctx);
        return 1;
    }
    int owner = tag_kind(ctx) == TAG_ENTRY ? tag_index(ctx) : -1;
    if (link) {
        int i = on_link_item(p, item, link, bracketed, owner, context_category(p, ctx));
        if (i >= 0) /* out of memory: the walk stops */
            set_tag(item, tag_of(TAG_ENTRY, i));
        return i >= 0;
    }
    cmark_node *first = cmark_node_first_child(item);
    if (holds_entries(item)) {
        if (!first || cmark_node_get_type(first) != CMARK_NODE_PARAGRAPH) {
            set_tag(item, ctx); /* "* * [x](url)": an item with no words of its own */
            return 1;
        }
        int c = on_group(p, item, context_category(p, ctx));
        if (c >= 0)
            set_tag(item, tag_of(TAG_GROUP, c));
        return c >= 0;
    }
    const char *id;
    if (owner >= 0) { /* a link-less line under an entry describes it */
        rd_buf b = {0};
        rd_flatten(item, &b);
        describe(&p->desc[owner], b.data ? b.data : "", b.len);
        rd_buf_free(&b);
    } else if ((id = rd_identifier_item(item))) {
        on_identifier(p, item, id, context_category(p, ctx));
    } else {
        add_note(p, RD_NOTE_ITEM, item, context_category(p, ctx));
    }
    return 0;
}

static int note_kind(cmark_node_type t, rd_note_kind *kind)
{
    switch (t) {
    case CMARK_NODE_PARAGRAPH: *kind = RD_NOTE_PARAGRAPH; return 1;
    case CMARK_NODE_CODE_BLOCK: *kind = RD_NOTE_CODE; return 1;
    case CMARK_NODE_BLOCK_QUOTE: *kind = RD_NOTE_QUOTE; return 1;
    case CMARK_NODE_HTML_BLOCK: *kind = RD_NOTE_HTML; return 1;
    default: return 0;
    }
}

/* A block other than a list or heading. In an item, the first paragraph is
 * the item's own line (read with the item); under an entry, a later paragraph
 * adds to its description; anything else is a note of its category. At the
 * top, a lone `<!-- name -->` comment is a marker category. */
static void on_block(parser *p, cmark_node *n, cmark_node_type t)
{
    cmark_node *parent = cmark_node_parent(n);
    int in_item = cmark_node_get_type(parent) == CMARK_NODE_ITEM;
    intptr_t ctx = in_item ? (intptr_t)cmark_node_get_user_data(parent) : TAG_NONE;
    rd_note_kind kind;
    const char *marker;
    if (in_item && t == CMARK_NODE_PARAGRAPH && n == cmark_node_first_child(parent))
        return;
    if (t == CMARK_NODE_HTML_BLOCK && !in_item &&
        (marker = marker_name(p, cmark_node_get_literal(n)))) {
        int parent_cat = p->heading >= 0 ? p->heading : current_category(p);
        int level = p->cat->categories[parent_cat].level + 1;
        p->marker = add_category(p, RD_CAT_MARKER, marker, level, parent_cat, pos_of(p, n));
    } else if (t == CMARK_NODE_PARAGRAPH && tag_kind(ctx) == TAG_ENTRY) {
        rd_buf b = {0};
        rd_flatten(n, &b);
        describe(&p->desc[tag_index(ctx)], b.data ? b.data : "", b.len);
        rd_buf_free(&b);
    } else if (note_kind(t, &kind)) {
        add_note(p, kind, n, context_category(p, ctx));
    }
}

static void walk(parser *p, cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while (!p->oom && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        int descend = 0;
        if (t == CMARK_NODE_DOCUMENT || t == CMARK_NODE_LIST)
            descend = 1;
        else if (t == CMARK_NODE_HEADING)
            on_heading(p, n);
        else if (t == CMARK_NODE_ITEM)
            descend = on_item(p, n);
        else
            on_block(p, n, t);
        if (!descend) /* skip the subtree: its EXIT moves on to the next sibling */
            cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
    }
    cmark_iter_free(it);
}

/* Nodes that make a level of nesting: a list (with its item), a quote, an
 * inline span. Leaves are entered but never exited, so they never count. */
static int is_level(cmark_node_type t)
{
    return t == CMARK_NODE_LIST || t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_EMPH ||
           t == CMARK_NODE_STRONG || t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE ||
           t == CMARK_NODE_CUSTOM_BLOCK || t == CMARK_NODE_CUSTOM_INLINE;
}

static int check_depth(cmark_node *doc, const char *file, int line0, rd_error *err)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    int depth = 0, rc = RD_OK;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (!is_level(cmark_node_get_type(n)))
            continue;
        if (ev == CMARK_EVENT_EXIT) {
            depth--;
        } else if (++depth > RD_MAX_DEPTH) {
            rc = rd_error_set(err, RD_EINPUT,
                              "%s:%d:%d: nested more than %d levels deep; refusing to read "
                              "further",
                              file, cmark_node_get_start_line(n) + line0,
                              cmark_node_get_start_column(n), RD_MAX_DEPTH);
            break;
        }
    }
    cmark_iter_free(it);
    return rc;
}

/* Gives every category a slug unique in the catalog ("-2", "-3"... on a
 * clash, in document order, so slugs are stable) and its path of slugs. */
static int assign_slugs(parser *p)
{
    rd_catalog *cat = p->cat;
    rd_strmap *seen = &p->slugs;
    rd_buf b = {0};
    int rc = RD_OK;
    for (size_t i = p->slugged; i < cat->ncategories && rc == RD_OK; i++) {
        rd_category *c = &cat->categories[i];
        rd_buf_reset(&b);
        rd_slugify(c->name, &b);
        if (b.len == 0)
            rd_buf_puts(&b, "section");
        size_t base = b.len;
        char *slug = NULL;
        for (int k = 2; rc == RD_OK; k++) {
            slug = rd_arena_strndup(cat->arena, b.data, b.len);
            rc = slug ? rd_strmap_add(seen, slug, (int)i, NULL) : RD_ENOMEM;
            if (rc == 1) {
                rc = RD_OK;
                break;
            }
            b.len = base;
            rd_buf_printf(&b, "-%d", k);
        }
        c->slug = slug;
        rd_buf_reset(&b);
        if (c->parent >= 0) {
            rd_buf_puts(&b, cat->categories[c->parent].path);
            rd_buf_putc(&b, '/');
        }
        rd_buf_puts(&b, c->slug ? c->slug : "");
        if (rc == RD_OK && (b.oom || !(c->path = rd_arena_strndup(cat->arena, b.data, b.len))))
            rc = RD_ENOMEM;
    }
    p->slugged = cat->ncategories;
    rd_buf_free(&b);
    return rc;
}

/* Moves the descriptions of the entries read since the last call into the
 * arena, so the per-entry buffers live for one section only. */
static void keep_descriptions(parser *p)
{
    for (size_t i = p->described; i < p->cat->nentries; i++) {
        if (p->desc[i].len) {
            char *d = rd_arena_strndup(p->sect, p->desc[i].data, p->desc[i].len);
            if (!d || p->desc[i].oom)
                p->oom = 1;
            else
                p->cat->entries[i].description = d;
        }
        rd_buf_free(&p->desc[i]);
    }
    p->described = p->cat->nentries;
}

static void parser_done(parser *p)
{
    for (size_t i = 0; i < p->cap_ent && p->desc; i++)
        rd_buf_free(&p->desc[i]);
    free(p->desc);
    free(p->line_start);
    rd_strmap_free(&p->slugs);
    if (p->sect != p->cat->arena)
        rd_arena_free(p->sect);
}

/* Hands the section just read on, and forgets its entries and notes. */
static int hand_on(parser *p, rd_error *err)
{
    rd_catalog *cat = p->cat;
    int rc = p->ahead ? pass_on(p, err) : p->fn(p->ud, cat);
    if (rc < 0) {
        if (err->code == 0)
            rd_error_set(err, rc, "%s: stopped while reading", cat->file);
        return rc;
    }
    cat->entry_base += cat->nentries;
    cat->nentries = 0;
    cat->note_base += cat->nnotes;
    cat->nnotes = 0;
    p->described = 0;
    if (!p->ahead) /* else the section's strings went with it */
        rd_arena_free(p->sect);
    if (!(p->sect = rd_arena_new()))
        p->oom = 1;
    return RD_OK;
}

/* Whether a section may end before line `line` of doc (a document whose
 * last line that is): when the line is a heading in the document, or an
 * item, not its list's first, of a list in the document. Nothing before it
 * is then open at it but that list, cmark reads every line before it as it
 * would in the whole text, and from it on as a new document would (a list
 * split there is two lists; nothing in the catalog depends on a list's
 * extent). Removes that line's block from doc, for the next section. */
static int next_starts_at(cmark_node *doc, int line)
{
    cmark_node *last = cmark_node_last_child(doc);
    if (!last)
        return 0;
    cmark_node_type t = cmark_node_get_type(last);
    if (t == CMARK_NODE_LIST && cmark_node_get_list_type(last) == CMARK_BULLET_LIST) {
        last = cmark_node_last_child(last);
        if (!last || !cmark_node_previous(last) || cmark_node_get_start_column(last) != 1)
            return 0;
    } else if (t != CMARK_NODE_HEADING) {
        return 0;
    }
    if (cmark_node_get_start_line(last) != line)
        return 0;
    cmark_node_unlink(last);
    return 1;
}

/* Reads lines first..last of the text as one cmark document into the
 * catalog. With split set, the section must be able to end before line
 * `last` (next_starts_at), which is left to the next section; when it
 * cannot, reads nothing and returns 0; else returns 1, or an error. */
static int read_section(parser *p, size_t first, size_t last, int split, rd_error *err)
{
    const char *file = p->cat->file;
    size_t a = p->line_start[first], b = p->line_start[last + 1];
    /* the tree goes as a whole when the section is read (catalog/cmem.c) */
    cmark_parser *cp = cmark_parser_new_with_mem(CMARK_OPT_SOURCEPOS, rd_cmark_mem());
    cmark_parser_feed(cp, p->text + a, b - a);
    cmark_node *doc = cmark_parser_finish(cp);
    cmark_parser_free(cp);
    if (split && !(split = next_starts_at(doc, (int)(last - first + 1)))) {
        rd_cmark_mem_release();
        return 0;
    }
    p->line0 = (int)first - 1;
    int rc = check_depth(doc, file, p->line0, err);
    if (rc == RD_OK) {
        walk(p, doc);
        if (!p->oom &&
            rd_find_slips(p->cat, &p->slips, doc, p->line0, p->text, p->line_start, p->nlines) < 0)
            p->oom = 1;
        if (!p->oom)
            keep_descriptions(p);
        if (!p->oom && assign_slugs(p) < 0)
            p->oom = 1;
    }
    rd_cmark_mem_release();
    if (rc == RD_OK && !p->oom && (p->fn || p->ahead))
        rc = hand_on(p, err);
    return rc < 0 ? rc : 1;
}

/* Whether line s[0..n) may start a section: an ATX heading or a bullet
 * item at its first column. */
static int section_line(const char *s, size_t n)
{
    size_t k = 0;
    if (n >= 1 && (s[0] == '-' || s[0] == '*' || s[0] == '+'))
        k = 1;
    else
        while (k < n && k < 7 && s[k] == '#')
            k++;
    return k >= 1 && k <= 6 &&
           (k == n || s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r');
}

/* Whether the text may define a link reference ("[label]: url"): a line with
 * "]:" after a "[". cmark keeps definitions to itself and lets a link use one
 * from anywhere in the document, so such a text is read whole. */
static int may_define_links(const char *text, size_t len)
{
    const char *end = text + len;
    for (const char *q = text; (q = memchr(q, ']', (size_t)(end - q))); q++) {
        if (q + 1 < end && q[1] == ':') {
            const char *ls = q;
            while (ls > text && ls[-1] != '\n' && ls[-1] != '\r')
                ls--;
            if (memchr(ls, '[', (size_t)(q - ls)))
                return 1;
        }
    }
    return 0;
}

static int read_catalog(const char *file, const char *text, size_t len, long long max_input,
                        size_t section_bytes, int (*fn)(void *, const rd_catalog *), void *ud,
                        struct ahead *ahead, rd_catalog **out, rd_error *err)
{
    *out = NULL;
    if (max_input <= 0)
        max_input = RD_DEFAULT_MAX_INPUT;
    char size[32], limit[32];
    if ((long long)len > max_input)
        return rd_error_set(err, RD_EINPUT, "%s: %s of text is over the %s limit", file,
                            rd_size_text((long long)len, size, sizeof size),
                            rd_size_text(max_input, limit, sizeof limit));
    rd_catalog *cat = calloc(1, sizeof *cat);
    rd_arena *arena = rd_arena_new();
    if (!cat || !arena) {
        free(cat);
        rd_arena_free(arena);
        return rd_error_set(err, RD_ENOMEM, "%s: out of memory", file);
    }
    cat->arena = arena;
    cat->file = rd_arena_strdup(arena, file);
    parser p = {.cat = cat,
                .text = text,
                .heading = -1,
                .marker = -1,
                .top = -1,
                .sect = fn || ahead ? rd_arena_new() : arena,
                .fn = fn,
                .ud = ud,
                .ahead = ahead};
    int rc = rd_text_lines(file, text, len, &p.line_start, &p.nlines, err);
    if (rc == RD_OK && (!cat->file || !p.sect))
        p.oom = 1;
    /* A section ends before a heading or a list's item at least
     * section_bytes on; when cmark does not read that line so where it
     * stands (it is in a code or HTML block, a quote, the list's first
     * item), the section grows past it, to twice its size. */
    size_t first = 1;
    if (rc == RD_OK && !p.oom && !may_define_links(text, len)) {
        size_t want = section_bytes;
        for (size_t l = 2; l <= p.nlines && rc == RD_OK && !p.oom; l++) {
            size_t at = p.line_start[l], size_here = at - p.line_start[first];
            if (size_here < want || !section_line(text + at, p.line_start[l + 1] - at))
                continue;
            rc = read_section(&p, first, l, 1, err);
            if (rc == 1) {
                first = l;
                want = section_bytes;
                rc = RD_OK;
            } else if (rc == 0) {
                want = 2 * size_here;
            }
        }
    }
    if (rc == RD_OK && !p.oom && p.nlines >= first)
        rc = read_section(&p, first, p.nlines, 0, err);
    if (rc > 0)
        rc = RD_OK;
    parser_done(&p);
    if (rc == RD_OK && p.oom)
        rc = rd_error_set(err, RD_ENOMEM, "%s: out of memory", file);
    if (rc < 0) {
        if (ahead) /* sections passed on may still be read: rd_catalog_stream frees it */
            *out = cat;
        else
            rd_catalog_free(cat);
        return rc;
    }
    *out = cat;
    return RD_OK;
}

int rd_catalog_read(const char *file, const char *text, size_t len, long long max_input,
                    size_t section_bytes, int (*fn)(void *, const rd_catalog *), void *ud,
                    rd_catalog **out, rd_error *err)
{
    return read_catalog(file, text, len, max_input, section_bytes, fn, ud, NULL, out, err);
}

int rd_catalog_parse(const char *file, const char *text, size_t len, long long max_input,
                     rd_catalog **out, rd_error *err)
{
    return rd_catalog_read(file, text, len, max_input, RD_SECTION_BYTES, NULL, NULL, out, err);
}

/* ---- reading a section ahead (rd_catalog_stream) ----
 *
 * The reading runs in a thread of its own while the caller's thread runs fn
 * on the section before: on two cores, storing a catalog takes the time of
 * the slower of the two, not of both. Each section read is passed on as a
 * copy of what it added to the catalog's arrays (its categories, entries and
 * notes) with the arena of the section's strings, so that the reading goes on
 * without touching what fn reads; the caller's thread keeps its own array of
 * the categories so far, and category strings live in the catalog's arena,
 * which only grows. At most AHEAD_MAX sections wait, so
 * memory stays a few sections' worth. */
enum { AHEAD_MAX = 2 };

typedef struct piece {
    rd_catalog view;    /* entries and notes are the piece's own; no nav, ids, findings */
    rd_category *added; /* the catalog's categories since the piece before */
    size_t nadded;
    rd_arena *strings;
} piece;

typedef struct ahead {
    rd_queue q;        /* the pieces, AHEAD_MAX at most waiting */
    size_t passed;     /* categories passed on so far (the reading thread's) */
    rd_category *cats; /* the categories handed to fn (the caller's thread's) */
    size_t ncats, cap_cats;
    /* the reading's arguments and result (read once q is closed) */
    const char *file, *text;
    size_t len;
    long long max_input;
    rd_catalog *out;
    rd_error err;
    int rc;
} ahead;

static void *memdup(const void *src, size_t n, int *oom)
{
    if (!n)
        return NULL;
    void *d = malloc(n);
    if (d)
        memcpy(d, src, n);
    else
        *oom = 1;
    return d;
}

static void piece_free(piece *pc)
{
    free(pc->added);
    free(pc->view.entries);
    free(pc->view.notes);
    rd_arena_free(pc->strings);
    free(pc);
}

/* hand_on's half in the reading thread: queues a copy of the section. */
static int pass_on(parser *p, rd_error *err)
{
    const rd_catalog *cat = p->cat;
    ahead *a = p->ahead;
    piece *pc = calloc(1, sizeof *pc);
    int oom = !pc;
    if (pc) {
        pc->view = *cat;
        pc->nadded = cat->ncategories - a->passed; /* a->passed is this thread's */
        pc->added = memdup(cat->categories + a->passed, pc->nadded * sizeof *pc->added, &oom);
        pc->view.categories = NULL; /* the caller's thread's whole (hand_to) */
        pc->view.entries = memdup(cat->entries, cat->nentries * sizeof *cat->entries, &oom);
        pc->view.notes = memdup(cat->notes, cat->nnotes * sizeof *cat->notes, &oom);
        pc->view.nav = NULL, pc->view.nnav = 0;
        pc->view.ids = NULL, pc->view.nids = 0;
        pc->view.findings = NULL, pc->view.nfindings = 0;
        pc->view.arena = NULL;
        pc->strings = p->sect;
    }
    if (oom) {
        if (pc) {
            pc->strings = NULL;
            piece_free(pc);
        }
        return rd_error_set(err, RD_ENOMEM, "%s: out of memory", cat->file);
    }
    if (rd_queue_put(&a->q, pc) < 0) { /* fn failed: the reading stops here */
        piece_free(pc);
        p->sect = NULL;      /* freed with the piece */
        return RD_EINTERNAL; /* the caller's error is the one returned */
    }
    a->passed = cat->ncategories;
    return RD_OK;
}

/* In the caller's thread: the piece's categories added to those before, and
 * fn given the whole, as rd_catalog_read gives it. */
static int hand_to(ahead *a, piece *pc, int (*fn)(void *, const rd_catalog *), void *ud)
{
    size_t need = a->ncats + pc->nadded;
    if (need > a->cap_cats) {
        size_t cap = need > 2 * a->cap_cats ? need : 2 * a->cap_cats;
        rd_category *c = cap < SIZE_MAX / sizeof *c ? realloc(a->cats, cap * sizeof *c) : NULL;
        if (!c)
            return RD_ENOMEM;
        a->cats = c;
        a->cap_cats = cap;
    }
    if (pc->nadded)
        memcpy(a->cats + a->ncats, pc->added, pc->nadded * sizeof *a->cats);
    a->ncats = need;
    pc->view.categories = a->cats;
    pc->view.ncategories = a->ncats;
    int rc = fn(ud, &pc->view);
    pc->view.categories = NULL;
    return rc;
}

static void *read_ahead(void *arg)
{
    ahead *a = arg;
    a->rc = read_catalog(a->file, a->text, a->len, a->max_input, RD_SECTION_BYTES, NULL, NULL, a,
                         &a->out, &a->err);
    rd_queue_close(&a->q); /* after a->rc: the caller's thread reads it once closed */
    return NULL;
}

int rd_catalog_stream(const char *file, const char *text, size_t len, long long max_input,
                      int (*fn)(void *ud, const rd_catalog *cat), void *ud, rd_catalog **out,
                      rd_error *err)
{
    if (len <= RD_SECTION_BYTES) /* one section: nothing to overlap */
        return rd_catalog_read(file, text, len, max_input, RD_SECTION_BYTES, fn, ud, out, err);
    *out = NULL;
    ahead a = {.file = file, .text = text, .len = len, .max_input = max_input};
    pthread_t t;
    if (rd_queue_init(&a.q, AHEAD_MAX) < 0)
        return rd_error_set(err, RD_ENOMEM, "%s: cannot start reading", file);
    if (pthread_create(&t, NULL, read_ahead, &a)) { /* no thread: read here, as before */
        rd_queue_destroy(&a.q);
        return rd_catalog_read(file, text, len, max_input, RD_SECTION_BYTES, fn, ud, out, err);
    }
    int rc = RD_OK;
    for (piece *pc; (pc = rd_queue_take(&a.q));) {
        if (rc == RD_OK) {
            rc = hand_to(&a, pc, fn, ud);
            if (rc == RD_ENOMEM && err->code == 0)
                rd_error_set(err, rc, "%s: out of memory", file);
            if (rc < 0) {
                if (err->code == 0)
                    rd_error_set(err, rc, "%s: stopped while reading", file);
                rd_queue_stop(&a.q); /* what still waits is taken and freed */
            }
        }
        piece_free(pc);
    }
    pthread_join(t, NULL);
    free(a.cats);
    rd_queue_destroy(&a.q);
    if (rc < 0) {
        rd_catalog_free(a.out);
        return rc;
    }
    if (a.rc < 0) {
        rd_catalog_free(a.out);
        *err = a.err;
        return a.rc;
    }
    *out = a.out;
    return RD_OK;
}

void rd_catalog_free(rd_catalog *cat)
{
    if (!cat)
        return;
    free(cat->categories);
    free(cat->entries);
    free(cat->notes);
    free(cat->nav);
    free(cat->ids);
    free(cat->findings);
    rd_arena_free(cat->arena);
    free(cat);
}
