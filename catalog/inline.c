/* catalog/inline.c — reading the inlines of a list item: which link makes it
 * an entry, the entry's name and description, a group's label, and plain text
 * without badges. What real lists write is in tests/parse/: `[[name](url)]`,
 * `**[name](url)**`, `[![logo](img)](url)`, `- Label - words [link](url)`. */
#include <cmark.h>
#include <ctype.h>
#include <string.h>

#include "internal.h"

void rd_flatten(cmark_node *node, rd_buf *b)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_IMAGE: /* a badge or logo: its alt text is not the list's text */
            if (ev == CMARK_EVENT_ENTER && n != node)
                cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
            break;
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
        case CMARK_NODE_CODE_BLOCK: rd_buf_puts(b, cmark_node_get_literal(n)); break;
        case CMARK_NODE_SOFTBREAK: rd_buf_putc(b, ' '); break;
        case CMARK_NODE_LINEBREAK: rd_buf_putc(b, '\n'); break;
        case CMARK_NODE_PARAGRAPH:
        case CMARK_NODE_HEADING:
        case CMARK_NODE_ITEM:
            if (ev == CMARK_EVENT_ENTER && b->len && b->data[b->len - 1] != '\n')
                rd_buf_putc(b, '\n');
            break;
        default: break;
        }
    }
    cmark_iter_free(it);
}

static int is_type(cmark_node *n, cmark_node_type t)
{
    return n && cmark_node_get_type(n) == t;
}

/* A text node that is only an opening bracket, as in `[[name](url)]`. */
static int is_open_bracket(cmark_node *n)
{
    if (!is_type(n, CMARK_NODE_TEXT))
        return 0;
    const char *s = cmark_node_get_literal(n);
    while (isspace((unsigned char)*s))
        s++;
    if (*s++ != '[')
        return 0;
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

cmark_node *rd_leading_link(cmark_node *item, int *bracketed)
{
    cmark_node *para = cmark_node_first_child(item);
    *bracketed = 0;
    if (!is_type(para, CMARK_NODE_PARAGRAPH))
        return NULL;
    cmark_node *first = cmark_node_first_child(para);
    if (is_open_bracket(first) && is_type(cmark_node_next(first), CMARK_NODE_LINK)) {
        *bracketed = 1;
        return cmark_node_next(first);
    }
    /* `**[name](url)**`, `*[name](url)*`: the emphasis wraps the link */
    if (is_type(first, CMARK_NODE_STRONG) || is_type(first, CMARK_NODE_EMPH)) {
        cmark_node *inner = cmark_node_first_child(first);
        return is_type(inner, CMARK_NODE_LINK) ? inner : NULL;
    }
    return is_type(first, CMARK_NODE_LINK) ? first : NULL;
}

int rd_is_anchor_link(cmark_node *link)
{
    return cmark_node_get_url(link)[0] == '#';
}

/* Whether text written after a link is prose, not the tags lists put at the
 * end of a line ("(Demo, Source Code)", "`MIT` `Go`", badges): words, or a
 * full stop after a code span. */
static int is_prose(cmark_node *n, const char *s, size_t len)
{
    cmark_node_type t = cmark_node_get_type(n);
    if (t != CMARK_NODE_TEXT && t != CMARK_NODE_EMPH && t != CMARK_NODE_STRONG)
        return 0;
    cmark_node *only = cmark_node_first_child(n); /* `**[back to top](#top)**` is a link */
    if (t != CMARK_NODE_TEXT && is_type(only, CMARK_NODE_LINK) && !cmark_node_next(only))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80 || strchr(".!?", s[i]))
            return 1;
    return 0;
}

void rd_text_after(cmark_node *link, rd_buf *b, size_t *prose_end)
{
    *prose_end = b->len;
    for (cmark_node *at = link; at && !is_type(at, CMARK_NODE_PARAGRAPH);
         at = cmark_node_parent(at))
        for (cmark_node *n = cmark_node_next(at); n; n = cmark_node_next(n)) {
            size_t from = b->len;
            rd_flatten(n, b);
            if (is_prose(n, b->data ? b->data + from : "", b->len - from))
                *prose_end = b->len;
        }
}

/* Where a separator between a name and its description starts in s, and
 * its length in *n: " - ", " – ", " — " (spaces around a dash). NULL if none. */
static const char *find_separator(const char *s, size_t *n)
{
    static const char *const seps[] = {" - ", " \xE2\x80\x93 ", " \xE2\x80\x94 "};
    const char *best = NULL;
    for (size_t i = 0; i < sizeof seps / sizeof *seps; i++) {
        const char *at = strstr(s, seps[i]);
        if (at && (!best || at < best)) {
            best = at;
            *n = strlen(seps[i]);
        }
    }
    return best;
}

/* The length of a dash or colon at s that separates, or 0. */
static size_t dash_at(const char *s)
{
    if (s[0] == '-' || s[0] == ':')
        return 1;
    if (!strncmp(s, "\xE2\x80\x93", 3) || !strncmp(s, "\xE2\x80\x94", 3)) /* – — */
        return 3;
    return 0;
}

size_t rd_skip_separator(const char *s)
{
    size_t i = 0, n;
    while (isspace((unsigned char)s[i]))
        i++;
    /* a tag between the link and its dash: ":zap: - ", "`⚠` - " (a word
     * with no space; a colon only as an emoji code's) */
    size_t d = dash_at(s + i);
    const char *sep = !d || s[i] == ':' ? find_separator(s + i, &n) : NULL;
    size_t tag = sep ? (size_t)(sep - (s + i)) : 0;
    if (tag && tag <= 24 && !memchr(s + i, ' ', tag) &&
        (!d || (s[i] == ':' && tag > 2 && s[i + tag - 1] == ':'))) {
        i += tag + n - 1;
        d = 1;
    }
    if (!d)
        return i;
    i += d;
    while (isspace((unsigned char)s[i]))
        i++;
    return i;
}

/* The last non-empty path segment of a URL, or its host: what a badge-only
 * link is named when no words follow it. */
static void name_from_url(const char *url, rd_buf *out)
{
    const char *s = strstr(url, "://");
    s = s ? s + 3 : url;
    size_t n = strcspn(s, "?#");
    while (n && s[n - 1] == '/')
        n--;
    const char *seg = s;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/')
            seg = s + i + 1;
    rd_buf_append(out, seg, n - (size_t)(seg - s));
}

void rd_badge_name(const char *url, const char *rest, rd_buf *name, size_t *used)
{
    size_t n;
    const char *sep = find_separator(rest, &n);
    size_t end = sep ? (size_t)(sep - rest) : strlen(rest);
    size_t a = 0;
    while (a < end && isspace((unsigned char)rest[a]))
        a++;
    while (end > a && isspace((unsigned char)rest[end - 1]))
        end--;
    *used = 0;
    if (end > a && !(sep == NULL && dash_at(rest + a))) {
        rd_buf_append(name, rest + a, end - a);
        *used = sep ? (size_t)(sep - rest) : strlen(rest);
        return;
    }
    name_from_url(url, name);
}

const char *rd_identifier_item(cmark_node *item)
{
    cmark_node *para = cmark_node_first_child(item);
    if (!is_type(para, CMARK_NODE_PARAGRAPH))
        return NULL;
    cmark_node *t = cmark_node_first_child(para);
    if (!is_type(t, CMARK_NODE_TEXT) || cmark_node_next(t))
        return NULL;
    const char *s = cmark_node_get_literal(t);
    if (!isalpha((unsigned char)s[0]) && s[0] != '_')
        return NULL;
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr("_./-", *c))
            return NULL;
    return s;
}

/* Trims spaces and the given characters from both ends of b's text. */
static void trim(rd_buf *b, const char *also_lead, const char *also_trail)
{
    size_t a = 0, e = b->len;
    while (a < e && (isspace((unsigned char)b->data[a]) || strchr(also_lead, b->data[a])))
        a++;
    while (e > a && (isspace((unsigned char)b->data[e - 1]) || strchr(also_trail, b->data[e - 1])))
        e--;
    memmove(b->data, b->data + a, e - a);
    b->len = e - a;
    b->data[b->len] = '\0';
}

/* Whether s holds a letter, digit or any non-ASCII character. */
static int has_words(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
            return 1;
    return 0;
}

cmark_node *rd_group_label(cmark_node *item, rd_buf *name, rd_buf *desc)
{
    cmark_node *para = cmark_node_first_child(item), *link = NULL;
    if (!is_type(para, CMARK_NODE_PARAGRAPH))
        return NULL;
    rd_buf *to = name;
    for (cmark_node *n = cmark_node_first_child(para); n; n = cmark_node_next(n)) {
        if (is_type(n, CMARK_NODE_LINK) && !link && !rd_is_anchor_link(n)) {
            link = n; /* the group's own link: its URL, not its words */
            to = desc;
            continue;
        }
        size_t from = to->len;
        rd_flatten(n, to);
        size_t sn;
        const char *sep = to == name ? find_separator(to->data ? to->data + from : "", &sn) : NULL;
        if (sep) { /* "Lunar - A platform...": the rest describes the group */
            size_t at = (size_t)(sep - to->data);
            rd_buf_puts(desc, sep + sn);
            to->len = at;
            to->data[at] = '\0';
            to = desc;
        }
    }
    if (name->data)
        trim(name, "", "[(:");
    if (desc->data) {
        trim(desc, "])", "");
        if (!has_words(desc->data, desc->len))
            rd_buf_reset(desc);
    }
    return link;
}

/* Tool directives are comments that tools write into lists; they never name
 * a category. One list, matched at the start of the comment's text. */
static const char *const directives[] = {
    "markdownlint",
    "prettier-ignore",
    "START doctoc",
    "END doctoc",
    "DOCTOC",
    "toc",
    "/toc",
    "TOC",
    "/TOC",
    "BEGIN",
    "END",
    "lint ",
    "lint-",
    "textlint",
    "alex ",
    "cspell",
    "spell-checker",
    "vale ",
    "eslint",
    "omit in toc",
    "markdown-link-check",
    "AUTO-GENERATED",
    "ALL-CONTRIBUTORS",
    "remark-",
    "mdformat",
    "MarkdownTOC",
    "/MarkdownTOC",
};

int rd_is_directive(const char *name)
{
    for (size_t i = 0; i < sizeof directives / sizeof *directives; i++) {
        size_t n = strlen(directives[i]);
        if (strncmp(name, directives[i], n) != 0)
            continue;
        /* "toc" but not "tools"; "BEGIN" but not "BEGINNERS" */
        char next = name[n];
        if (!isalnum((unsigned char)next) || !isalnum((unsigned char)directives[i][n - 1]))
            return 1;
    }
    return 0;
}
