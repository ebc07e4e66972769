/* render/section.c — one category's section: its heading, then its notes and
 * entries in the order of the source, so that a code example stays under the
 * entry it explains. Entries carry their status for the filter
 * (data-status; the words it reads from the entry's own text); a failed
 * check says why.
 *
 * A section is a small libxml2 tree, and a large one is written out as it
 * grows: every few hundred entries, the start tags of the section and of
 * its open list (once) and every finished node are serialised and freed, so
 * that memory does not grow with a section's entries. The bytes are those
 * of the whole tree serialised at once. */
#include <cmark.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "page.h"

/* Whether a node or attribute could not be made (libxml2 out of memory)
 * since rd_tree_failed was last asked, in this thread. */
static _Thread_local int tree_failed;

int rd_tree_failed(void)
{
    int failed = tree_failed;
    tree_failed = 0;
    return failed;
}

xmlNodePtr rd_el(xmlNodePtr parent, const char *name, const char *text)
{
    xmlNodePtr n =
        parent ? xmlNewTextChild(parent, NULL, BAD_CAST name, text ? BAD_CAST text : NULL) : NULL;
    if (!n)
        tree_failed = 1;
    return n;
}

void rd_attr(xmlNodePtr n, const char *name, const char *value)
{
    if (!n || !xmlSetProp(n, BAD_CAST name, BAD_CAST value))
        tree_failed = 1;
}

static int is_http(const char *url)
{
    return url && (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7));
}

int rd_safe_href(const char *url)
{
    return is_http(url) || (url && !strncmp(url, "mailto:", 7));
}

void rd_when(const char *iso, char *out, size_t n)
{
    snprintf(out, n, "%.10s %.5s UTC", iso, strlen(iso) > 11 ? iso + 11 : "");
}

typedef struct note {
    char *markdown;
    int line;
} note;

typedef struct section {
    int remote_images;
    xmlNodePtr sec;                     /* the <section> */
    xmlNodePtr stack[RD_MAX_DEPTH + 2]; /* the <ul> for each depth while adding entries */
    xmlNodePtr last[RD_MAX_DEPTH + 2];  /* the last <li> at each depth */
    rd_buf scratch;
    note *notes; /* the category's, in order; the next to place is notes[next] */
    size_t nnotes, cap, next;
    int oom;
    rd_section_info *info;
    /* writing as it grows (out not NULL) */
    const rd_section_out *out;
    size_t held;          /* entries in the tree */
    int started;          /* the section's start tag is written */
    xmlNodePtr open_list; /* the list whose start tag is written, or NULL */
    rd_buf section_end, list_end;
    xmlBufferPtr wbuf; /* what w wrote of the entry being made */
    xmlTextWriterPtr w;
    rd_error *err;
} section;

/* ---- serialising ---- */

int rd_html_take(xmlOutputBufferPtr ob, rd_buf *out)
{
    const xmlChar *data = xmlOutputBufferGetContent(ob);
    size_t n = xmlOutputBufferGetSize(ob);
    int failed = ob->error != 0; /* out of memory while serialising: what is there is cut */
    if (data && !failed)
        rd_buf_append(out, (const char *)data, n);
    xmlOutputBufferClose(ob);
    return !failed && (data || !n) && !out->oom ? RD_OK : RD_ENOMEM;
}

int rd_html_dump(xmlNodePtr first, int siblings, rd_buf *out)
{
    if (!first)
        return RD_OK;
    xmlOutputBufferPtr ob = xmlAllocOutputBuffer(NULL);
    if (!ob)
        return RD_ENOMEM;
    for (xmlNodePtr n = first; n; n = siblings ? n->next : NULL)
        htmlNodeDumpFormatOutput(ob, first->doc, n, "UTF-8", 0);
    return rd_html_take(ob, out);
}

#define OPEN_MARK "<!--refdex:open-->"

/* Appends n's start tag to out and keeps its end tag in end: a copy of n
 * with its attributes and a mark for children is serialised and cut at the
 * mark, so that libxml2 writes every byte. */
static int write_start(xmlNodePtr n, rd_buf *out, rd_buf *end)
{
    xmlNodePtr copy = xmlDocCopyNode(n, n->doc, 2); /* its attributes, not its children */
    xmlNodePtr mark = copy ? xmlNewDocComment(n->doc, BAD_CAST "refdex:open") : NULL;
    rd_buf all = {0};
    int rc = RD_ENOMEM;
    if (mark && xmlAddChild(copy, mark))
        rc = rd_html_dump(copy, 0, &all);
    else
        xmlFreeNode(mark);
    xmlFreeNode(copy);
    const char *m = NULL; /* the mark is the last child: its last occurrence */
    for (const char *at = rc == RD_OK ? all.data : NULL; at && (at = strstr(at, OPEN_MARK)); at++)
        m = at;
    if (m) {
        rd_buf_append(out, all.data, (size_t)(m - all.data));
        rd_buf_reset(end);
        rd_buf_puts(end, m + strlen(OPEN_MARK));
    }
    rd_buf_free(&all);
    return m && !out->oom && !end->oom ? RD_OK : RD_ENOMEM;
}

static void drop(xmlNodePtr n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* Serialises to out->buf what is finished of the section, and frees it:
 * the section's start tag (once), then its children; the open list (the
 * entries' list, unless `end`) keeps its start tag written and its entries
 * written and freed, as the next entry starts a new one. With end, the
 * section is finished: everything is written, its end tag too, and it is
 * taken out of the tree. */
static int write_done(section *s, int end)
{
    rd_buf *buf = s->out->buf;
    int rc = RD_OK;
    if (!s->started && (rc = write_start(s->sec, buf, &s->section_end)) == RD_OK)
        s->started = 1;
    for (xmlNodePtr n = s->sec->children, next; rc == RD_OK && n; n = next) {
        next = n->next;
        int open = n == s->stack[0] && !end;
        if (open && n != s->open_list && (rc = write_start(n, buf, &s->list_end)) == RD_OK)
            s->open_list = n;
        if (rc == RD_OK && n == s->open_list) {
            while (rc == RD_OK && n->children) {
                rc = rd_html_dump(n->children, 0, buf);
                drop(n->children);
            }
            if (open)
                continue;
            rd_buf_append(buf, s->list_end.data, s->list_end.len);
            s->open_list = NULL;
        } else if (rc == RD_OK) {
            rc = rd_html_dump(n, 0, buf);
        }
        drop(n);
    }
    if (rc == RD_OK && end) {
        rd_buf_append(buf, s->section_end.data, s->section_end.len);
        drop(s->sec);
        s->sec = NULL;
    }
    /* what was freed is no one's parent */
    memset(s->last, 0, sizeof s->last);
    memset(s->stack + 1, 0, sizeof s->stack - sizeof s->stack[0]);
    s->held = 0;
    return rc == RD_OK && buf->oom ? RD_ENOMEM : rc;
}

/* ---- notes: cmark's safe HTML, parsed into the tree ---- */

/* The node after n in document order within root, below n first unless
 * skip_children. */
static xmlNodePtr next_node(xmlNodePtr n, xmlNodePtr root, int skip_children)
{
    if (!skip_children && n->children)
        return n->children;
    for (; n && n != root; n = n->parent)
        if (n->next)
            return n->next;
    return NULL;
}

static xmlNodePtr ancestor(xmlNodePtr n, xmlNodePtr root, const char *name)
{
    for (n = n->parent; n && n != root; n = n->parent)
        if (n->type == XML_ELEMENT_NODE && !xmlStrcasecmp(n->name, BAD_CAST name))
            return n;
    return NULL;
}

/* An image is not fetched by the page (offline it is broken, online it
 * tells the image's host who reads): its alt text takes its place, a link
 * to the image when it is not in a link already. */
static void replace_image(section *s, xmlNodePtr img, xmlNodePtr root)
{
    xmlChar *src = xmlGetProp(img, BAD_CAST "src"), *alt = xmlGetProp(img, BAD_CAST "alt");
    const char *url = (const char *)src;
    if (s->remote_images && is_http(url)) {
        rd_attr(img, "loading", "lazy");
        rd_attr(img, "referrerpolicy", "no-referrer");
    } else {
        int link = is_http(url) && !ancestor(img, root, "a");
        xmlNodePtr n = xmlNewDocNode(img->doc, NULL, BAD_CAST(link ? "a" : "span"), NULL);
        if (alt && alt[0]) {
            xmlNodeAddContent(n, alt);
        } else { /* no words: the image's file name says more than nothing */
            const char *end = url ? url + strcspn(url, "?#") : NULL, *name = end;
            while (name && name > url && name[-1] != '/')
                name--;
            if (name && name < end && is_http(url))
                xmlNodeAddContentLen(n, BAD_CAST name, (int)(end - name));
            else
                xmlNodeAddContent(n, BAD_CAST "image");
        }
        rd_attr(n, "class", "img");
        if (link)
            rd_attr(n, "href", url);
        if (is_http(url)) {
            rd_buf_reset(&s->scratch);
            rd_buf_printf(&s->scratch, "image, not loaded: %s", url);
            rd_attr(n, "title", s->scratch.data ? s->scratch.data : "");
        }
        xmlReplaceNode(img, n);
        xmlFreeNode(img);
    }
    xmlFree(src);
    xmlFree(alt);
}

/* Whether a note's link may stay one: a relative address, or http, https or
 * mailto in any case (cmark has emptied javascript: and the like, but keeps
 * ftp:, tel:, an application's steam:...). A scheme is what a browser reads
 * as one: letters, digits, + - . before the first ':', '/', '?' or '#'. */
static int note_href_ok(const char *href)
{
    size_t n = strcspn(href, ":/?#");
    if (href[n] != ':' || !n ||
        strspn(href, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789+-.") < n)
        return 1;
    return (n == 4 && !strncasecmp(href, "http", 4)) ||
           (n == 5 && !strncasecmp(href, "https", 5)) ||
           (n == 6 && !strncasecmp(href, "mailto", 6));
}

/* An in-page link (`#contents`) goes to the index, where the sections are:
 * on a category page, whose <base> is the site's root, a bare fragment
 * would name the folder. A link to another scheme than the page allows
 * stays as its text. */
static void point_to_index(section *s, xmlNodePtr a)
{
    xmlChar *href = xmlGetProp(a, BAD_CAST "href");
    if (href && href[0] == '#') {
        rd_buf_reset(&s->scratch);
        rd_buf_printf(&s->scratch, "index.html%s", (const char *)href);
        rd_attr(a, "href", s->scratch.data ? s->scratch.data : "index.html");
    } else if (href && !note_href_ok((const char *)href)) {
        xmlUnsetProp(a, BAD_CAST "href");
    }
    xmlFree(href);
}

/* Takes comments (cmark's "raw HTML omitted") out, replaces images, points
 * in-page links at the index, and says whether anything is left to read
 * outside in-page links. */
static int tidy_note(section *s, xmlNodePtr box)
{
    int content = 0;
    for (xmlNodePtr n = box->children, next; n; n = next) {
        int img = n->type == XML_ELEMENT_NODE && !xmlStrcasecmp(n->name, BAD_CAST "img");
        next = next_node(n, box, n->type == XML_COMMENT_NODE || img);
        if (n->type == XML_COMMENT_NODE) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        } else if (img) {
            replace_image(s, n, box);
            content = 1;
        } else if (n->type == XML_ELEMENT_NODE && !xmlStrcasecmp(n->name, BAD_CAST "a")) {
            point_to_index(s, n);
        } else if (!content && n->type == XML_TEXT_NODE && n->content &&
                   n->content[strspn((const char *)n->content, " \t\r\n")]) {
            xmlNodePtr a = ancestor(n, box, "a");
            xmlChar *href = a ? xmlGetProp(a, BAD_CAST "href") : NULL;
            content = !href || strncmp((const char *)href, "index.html#", 11);
            xmlFree(href);
        }
    }
    return content;
}

/* Appends note n to div; returns whether it has content. */
static int add_note(section *s, xmlNodePtr div, const note *n)
{
    char *html =
        div ? rd_markdown_to_html(n->markdown, strlen(n->markdown), CMARK_OPT_DEFAULT) : NULL;
    if (!html)
        return s->oom = 1, 0;
    xmlNodePtr box = xmlNewDocNode(div->doc, NULL, BAD_CAST "div", NULL), list = NULL;
    int content = 0;
    xmlParserErrors parsed =
        box ? xmlParseInNodeContext(div, html, (int)strlen(html),
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                        HTML_PARSE_NOIMPLIED,
                                    &list)
            : XML_ERR_NO_MEMORY;
    if (parsed == XML_ERR_NO_MEMORY)
        s->oom = 1;
    if (parsed == XML_ERR_OK && list) {
        xmlAddChildList(box, list);
        content = tidy_note(s, box);
        while (box->children) {
            xmlNodePtr c = box->children;
            xmlUnlinkNode(c);
            xmlAddChild(div, c);
        }
    } else {
        xmlFreeNodeList(list);
    }
    xmlFreeNode(box);
    free(html);
    return content;
}

/* Places the notes that come before source line `before` (all of them when
 * before < 0) in one <div class="notes">; entries after it start a new list. */
static void place_notes(section *s, int before)
{
    xmlNodePtr div = NULL;
    for (; s->next < s->nnotes && (before < 0 || s->notes[s->next].line < before); s->next++) {
        if (!div) {
            div = rd_el(s->sec, "div", NULL);
            rd_attr(div, "class", "notes");
        }
        if (add_note(s, div, &s->notes[s->next]))
            s->info->content = 1;
    }
    if (div && !div->children) {
        xmlUnlinkNode(div);
        xmlFreeNode(div);
    } else if (div) {
        s->stack[0] = NULL;
    }
}

static int keep_note(const char *kind, const char *markdown, int line, void *ud)
{
    section *s = ud;
    (void)kind;
    note *v = rd_grow(s->notes, &s->cap, s->nnotes, sizeof *v);
    char *copy = v ? strdup(markdown) : NULL;
    if (v)
        s->notes = v;
    if (!copy)
        return RD_ENOMEM;
    s->notes[s->nnotes++] = (note){copy, line};
    return 0;
}

/* ---- entries ---- */

/* An entry's <li> is an element of the tree (its sub-entries' list goes in
 * it), and what it shows (its link, badges, dates, description) is written
 * by libxml2's xmlTextWriter, which escapes every text and attribute value
 * as it writes it, and put in the <li> as one text node that is serialised
 * as it is: a tree of a dozen nodes an entry, serialised and freed, was
 * three quarters of the time of a render. The bytes are the serialiser's
 * but for a '"' in text, written &quot;. */

static void w_start(section *s, const char *name)
{
    xmlTextWriterStartElement(s->w, BAD_CAST name);
}

static void w_attr(section *s, const char *name, const char *value)
{
    xmlTextWriterWriteAttribute(s->w, BAD_CAST name, BAD_CAST value);
}

/* An href as libxml2's HTML serialiser writes one: its escaping of <, >
 * and & (xmlEncodeEntitiesReentrant, as xmlEncodeAttributeEntities but for
 * "&{" in HTML attributes), then URI escaping (xmlURIEscapeStr), which
 * leaves nothing to escape. */
static void w_href(section *s, const char *url)
{
    /* (a URL of none of <, > and & and no control character is its own
     * escaping: most are) */
    int plain = 1;
    for (const unsigned char *c = (const unsigned char *)url; plain && *c; c++)
        plain = *c >= 0x20 && *c != '<' && *c != '>' && *c != '&';
    xmlChar *enc = plain ? NULL : xmlEncodeEntitiesReentrant(s->sec->doc, BAD_CAST url);
    const xmlChar *tmp = plain ? BAD_CAST url : enc;
    while (tmp && IS_BLANK_CH(*tmp))
        tmp++;
    xmlChar *escaped = tmp ? xmlURIEscapeStr(tmp, BAD_CAST "@/:=?;#%&,+") : NULL;
    if (escaped) {
        xmlTextWriterStartAttribute(s->w, BAD_CAST "href");
        xmlTextWriterWriteRaw(s->w, escaped);
        xmlTextWriterEndAttribute(s->w);
    } else {
        s->oom = 1;
    }
    xmlFree(escaped);
    xmlFree(enc);
}

static void w_text(section *s, const char *text)
{
    if (text && text[0])
        xmlTextWriterWriteString(s->w, BAD_CAST text);
}

static void w_end(section *s)
{
    xmlTextWriterFullEndElement(s->w);
}

/* <name class="cls">text</name> */
static void w_el(section *s, const char *name, const char *cls, const char *text)
{
    w_start(s, name);
    w_attr(s, "class", cls);
    w_text(s, text);
    w_end(s);
}

static const char *badge_text(const rd_site_entry *e, char *buf, size_t n)
{
    if (!e->url)
        return NULL;
    if (!e->result)
        return "unchecked";
    int r = rd_result_parse(e->result);
    if ((r == RD_RES_BROKEN || r == RD_RES_RATELIMITED) && e->status_code) {
        snprintf(buf, n, "%s %d", e->result, e->status_code);
        return buf;
    }
    return e->result;
}

/* Whether a check found no answer: it says why, and when, in a tooltip on
 * the badge and on a line of its own. */
static int has_reason(const rd_site_entry *e)
{
    int r = e->result ? rd_result_parse(e->result) : -1;
    return r == RD_RES_ERROR || r == RD_RES_TIMEOUT || r == RD_RES_RATELIMITED ||
           r == RD_RES_CANCELLED;
}

static void add_check(section *s, const rd_site_entry *e, xmlNodePtr li)
{
    char buf[64];
    const char *badge = badge_text(e, buf, sizeof buf);
    if (!badge) {
        w_el(s, "span", "badge", "no link");
        return;
    }
    int r = e->result ? rd_result_parse(e->result) : -1;
    const char *status = r >= 0 ? e->result : "unchecked";
    s->info->nstatus[r >= 0 ? r : RD_ST_UNCHECKED]++;
    rd_attr(li, "data-status", status);
    char cls[64], when[48] = "";
    snprintf(cls, sizeof cls, "badge %s", status);
    int reason = has_reason(e);
    const char *why = e->error && e->error[0] ? e->error : e->result;
    w_start(s, "span");
    w_attr(s, "class", cls);
    if (reason) {
        if (e->checked_at)
            rd_when(e->checked_at, when, sizeof when);
        rd_buf_reset(&s->scratch);
        rd_buf_printf(&s->scratch, "%s: %s%s%s", e->result, why, when[0] ? ", checked " : "", when);
        w_attr(s, "title", s->scratch.data ? s->scratch.data : "");
    }
    w_text(s, badge);
    w_end(s);
    if (r == RD_RES_REDIRECT && e->final_url) {
        int link = rd_safe_href(e->final_url);
        rd_buf_reset(&s->scratch);
        rd_buf_printf(&s->scratch, "→ %s", e->final_url);
        w_start(s, link ? "a" : "span");
        w_attr(s, "class", "moved");
        if (link)
            w_href(s, e->final_url);
        w_text(s, s->scratch.data);
        w_end(s);
    }
    if (reason) {
        w_start(s, "span");
        w_attr(s, "class", "why");
        w_text(s, why);
        if (when[0]) {
            w_text(s, " · checked ");
            w_start(s, "time");
            w_attr(s, "datetime", e->checked_at);
            w_text(s, when);
            w_end(s);
        }
        w_end(s);
    } else if (e->checked_at) {
        char day[11]; /* a valid date: the <time> needs no datetime */
        snprintf(day, sizeof day, "%s", e->checked_at);
        w_el(s, "time", "when", day);
    }
    if (e->failing_runs > 1 && e->failing_since) {
        char since[80];
        snprintf(since, sizeof since, "failing since %.10s (%d runs)", e->failing_since,
                 e->failing_runs);
        w_el(s, "span", "since", since);
    }
    if (e->archive_url && e->archive_at && is_http(e->archive_url)) {
        w_start(s, "a");
        w_attr(s, "class", "archived");
        w_href(s, e->archive_url);
        w_attr(s, "rel", "nofollow noopener");
        w_text(s, "archived copy");
        w_end(s);
        char day[11];
        snprintf(day, sizeof day, "%s", e->archive_at);
        w_el(s, "time", "archived-at", day);
    }
    /* what is wrong with the page that answered: a line each, its kind first */
    for (const char *l = e->findings; l && *l;) {
        size_t n = strcspn(l, "\n"), tab = strcspn(l, "\t");
        if (tab < n) {
            rd_buf_reset(&s->scratch);
            rd_buf_printf(&s->scratch, "%.*s: %.*s", (int)tab, l, (int)(n - tab - 1), l + tab + 1);
            w_el(s, "span", "finding", s->scratch.data ? s->scratch.data : "");
        }
        l += n + (l[n] != 0);
    }
}

/* Its repository's stars and last push ("3 years ago", the date as a
 * tooltip), an archived badge, and data-stars / data-pushed for sorting
 * in the page. */
static void add_repo(section *s, const rd_site_entry *e, xmlNodePtr li)
{
    if (!e->repo)
        return;
    char text[64], ago[64], day[11];
    if (e->gone) {
        w_el(s, "span", "badge gone", "gone");
        return;
    }
    w_start(s, "span");
    w_attr(s, "class", "repo");
    if (e->stars >= 0) {
        snprintf(text, sizeof text, "%lld", (long long)e->stars);
        rd_attr(li, "data-stars", text);
        snprintf(text, sizeof text, "★ %lld", (long long)e->stars);
        w_el(s, "span", "stars", text);
    }
    if (e->pushed_at) {
        rd_time_ago(e->pushed_at, ago, sizeof ago);
        snprintf(day, sizeof day, "%s", e->pushed_at);
        rd_attr(li, "data-pushed", e->pushed_at);
        if (e->stars >= 0)
            w_text(s, " · ");
        w_text(s, "pushed ");
        w_start(s, "time");
        w_attr(s, "datetime", e->pushed_at);
        snprintf(text, sizeof text, "last push %s", day);
        w_attr(s, "title", text);
        w_text(s, ago[0] ? ago : day);
        w_end(s);
    }
    w_end(s);
    if (e->archived)
        w_el(s, "span", "badge archived", "archived");
}

/* Puts what the writer wrote in li, as a text node serialised as it is. */
static void put_written(section *s, xmlNodePtr li)
{
    if (xmlTextWriterFlush(s->w) < 0) {
        s->oom = 1;
        return;
    }
    const xmlChar *bytes = xmlBufferContent(s->wbuf);
    int n = xmlBufferLength(s->wbuf);
    xmlNodePtr t = n > 0 ? xmlNewDocTextLen(li->doc, bytes, n) : NULL;
    if (n > 0 && !t)
        s->oom = 1;
    if (t) {
        t->name = xmlStringTextNoenc;
        if (!xmlAddChild(li, t)) {
            xmlFreeNode(t);
            s->oom = 1;
        }
    }
    xmlBufferEmpty(s->wbuf);
}

static int add_entry(const rd_site_entry *e, void *ud)
{
    section *s = ud;
    int d = e->depth < RD_MAX_DEPTH ? e->depth : RD_MAX_DEPTH;
    size_t every = s->out && s->out->every ? s->out->every : RD_SECTION_EVERY;
    if (d == 0 && s->out && s->held >= every) { /* the entries so far are finished */
        int rc = write_done(s, 0);
        if (rc == RD_OK)
            rc = s->out->flush(s->out->ud);
        if (rc < 0)
            return rc == RD_ENOMEM ? rd_error_set(s->err, rc, "out of memory") : rc;
    }
    s->held++;
    if (d == 0) { /* the notes above it come first */
        place_notes(s, e->line);
        if (!s->stack[0]) {
            s->stack[0] = rd_el(s->sec, "ul", NULL);
            rd_attr(s->stack[0], "class", "entries");
        }
    }
    if (d > 0 && !s->stack[d]) { /* the first sub-entry: a <ul> in its parent's <li> */
        if (!s->last[d - 1])
            return 0; /* no parent in the list: cannot be */
        s->stack[d] = rd_el(s->last[d - 1], "ul", NULL);
        rd_attr(s->stack[d], "class", "entries");
    }
    if (!s->w && !(s->wbuf = xmlBufferCreate()))
        return rd_error_set(s->err, RD_ENOMEM, "out of memory");
    if (!s->w && !(s->w = xmlNewTextWriterMemory(s->wbuf, 0)))
        return rd_error_set(s->err, RD_ENOMEM, "out of memory");
    xmlNodePtr ul = s->stack[d];
    s->info->content = 1;
    xmlNodePtr li = rd_el(ul, "li", NULL);
    if (!li)
        return rd_error_set(s->err, RD_ENOMEM, "out of memory");
    rd_attr(li, "class", "entry");
    int link = rd_safe_href(e->url);
    w_start(s, link ? "a" : "span");
    w_attr(s, "class", "name");
    if (link)
        w_href(s, e->url);
    if (e->title && e->title[0]) /* what the page calls itself, as the link's tooltip */
        w_attr(s, "title", e->title);
    w_text(s, e->name[0] ? e->name : e->url_raw);
    w_end(s);
    add_check(s, e, li);
    add_repo(s, e, li);
    if (e->description[0])
        w_el(s, "span", "desc", e->description);
    put_written(s, li);
    /* the next rows may be its sub-entries: they go in a <ul> of its own */
    s->last[d] = li;
    s->last[d + 1] = NULL;
    s->stack[d + 1] = NULL;
    return 0;
}

int rd_section_add(rd_feed *feed, const rd_category_row *c, const char *page_href,
                   int remote_images, xmlNodePtr parent, const rd_section_out *out,
                   rd_section_info *info, rd_error *err)
{
    section s = {.remote_images = remote_images, .info = info, .out = out, .err = err};
    memset(info, 0, sizeof *info);
    if (!(s.sec = rd_el(parent, "section", NULL)))
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    rd_attr(s.sec, "class", "category");
    rd_attr(s.sec, "id", c->slug);
    xmlNodePtr h2 = rd_el(s.sec, "h2", NULL);
    rd_attr(rd_el(h2, "a", c->name), "href", page_href);
    rd_attr(rd_el(h2, "span", c->name_path ? c->name_path : c->path), "class", "path");
    if (c->description && c->description[0]) {
        rd_attr(rd_el(s.sec, "p", c->description), "class", "about");
        info->content = 1;
    }
    if (c->url_raw) { /* a group's own link, shown as written */
        xmlNodePtr p = rd_el(s.sec, "p", NULL);
        rd_attr(p, "class", "about");
        xmlNodePtr link = rd_el(p, rd_safe_href(c->url) ? "a" : "span", c->url_raw);
        if (rd_safe_href(c->url))
            rd_attr(link, "href", c->url);
        info->content = 1;
    }
    int rc = rd_feed_notes(feed, c->id, keep_note, &s, err);
    if (rc == RD_ENOMEM)
        rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    if (rc == RD_OK)
        rc = rd_feed_entries(feed, c->id, add_entry, &s, err);
    if (rc == RD_OK)
        place_notes(&s, -1);
    if (rc == RD_OK && (s.oom || s.scratch.oom || rd_tree_failed()))
        rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    if (rc == RD_OK && s.started && write_done(&s, 1) < 0)
        rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    for (size_t i = 0; i < s.nnotes; i++)
        free(s.notes[i].markdown);
    free(s.notes);
    if (s.w)
        xmlFreeTextWriter(s.w);
    if (s.wbuf)
        xmlBufferFree(s.wbuf);
    rd_buf_free(&s.scratch);
    rd_buf_free(&s.section_end);
    rd_buf_free(&s.list_end);
    return rc;
}
