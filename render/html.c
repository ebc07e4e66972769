/* render/html.c — the HTML index (index.html, c/<slug>.html) and index.json.
 *
 * Pages are libxml2 trees serialised by libxml2: every name, description and
 * URL goes in as a text node or an attribute value, so it is escaped by
 * construction; notes are rendered by cmark in its safe mode (raw HTML and
 * javascript: links dropped) and parsed into the tree. Only http, https and
 * mailto URLs become links. The same database renders the same bytes. Files
 * are written through render/outdir.c, which keeps to the files refdex wrote. */
#include <cmark.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <stdlib.h>
#include <string.h>

#include "../common/file.h"
#include "outdir.h"
#include "render.h"

extern const char rd_asset_site_css[], rd_asset_filter_js[];

typedef struct site {
    rd_db *db;
    rd_outdir out;
    rd_site_summary sum;
    rd_error *err;
    xmlNodePtr stack[RD_MAX_DEPTH + 2]; /* the <ul> for each depth while adding entries */
    rd_buf scratch;
    const char *category_path;
} site;

static xmlNodePtr el(xmlNodePtr parent, const char *name, const char *text)
{
    return xmlNewTextChild(parent, NULL, BAD_CAST name, text ? BAD_CAST text : NULL);
}

static void attr(xmlNodePtr n, const char *name, const char *value)
{
    xmlSetProp(n, BAD_CAST name, BAD_CAST value);
}

static int safe_href(const char *url)
{
    return url && (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7) ||
                   !strncmp(url, "mailto:", 7));
}

/* A new page: <!DOCTYPE html>, head with the inline CSS, body. */
static htmlDocPtr page_new(const char *title, xmlNodePtr *body)
{
    htmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
    /* UTF-8 in and out: notes are parsed as UTF-8, and text is written as is
     * rather than as character references */
    doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
    xmlCreateIntSubset(doc, BAD_CAST "html", NULL, NULL);
    xmlNodePtr html = xmlNewDocNode(doc, NULL, BAD_CAST "html", NULL);
    xmlDocSetRootElement(doc, html);
    attr(html, "lang", "en");
    xmlNodePtr head = el(html, "head", NULL);
    attr(el(head, "meta", NULL), "charset", "utf-8");
    xmlNodePtr vp = el(head, "meta", NULL);
    attr(vp, "name", "viewport");
    attr(vp, "content", "width=device-width, initial-scale=1");
    el(head, "title", title);
    el(head, "style", rd_asset_site_css);
    *body = el(html, "body", NULL);
    return doc;
}

static void header(site *s, xmlNodePtr body, const char *title, int sub)
{
    xmlNodePtr h = el(body, "header", NULL);
    el(h, "h1", title);
    char line[400], when[48] = "";
    if (s->sum.last_check[0]) /* 2026-11-25T10:27:42.666Z → 2026-11-25 10:27 UTC */
        snprintf(when, sizeof when, " · last check %.10s %.5s UTC", s->sum.last_check,
                 s->sum.last_check + (strlen(s->sum.last_check) > 11 ? 11 : 0));
    snprintf(line, sizeof line,
             "%lld entries in %lld categories · %lld links, %lld checked, %lld failing%s",
             (long long)s->sum.entries, (long long)s->sum.categories, (long long)s->sum.links,
             (long long)s->sum.checked, (long long)s->sum.failing, when);
    xmlNodePtr p = el(h, "p", line);
    attr(p, "class", "summary");
    if (sub) {
        xmlNodePtr back = el(p, "a", " · all categories");
        attr(back, "href", "index.html"); /* the page's <base> is the site's root */
    }
    xmlNodePtr q = el(h, "input", NULL);
    attr(q, "id", "q");
    attr(q, "type", "search");
    attr(q, "placeholder", "Filter by name, description or category");
    attr(q, "aria-label", "Filter entries");
}

/* ---- entries ---- */

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

static void add_search_text(site *s, const rd_site_entry *e, xmlNodePtr li)
{
    rd_buf *b = &s->scratch;
    rd_buf_reset(b);
    rd_buf_puts(b, e->name);
    rd_buf_putc(b, ' ');
    rd_buf_puts(b, e->description);
    rd_buf_putc(b, ' ');
    rd_buf_puts(b, s->category_path);
    for (size_t i = 0; i < b->len; i++)
        if (b->data[i] >= 'A' && b->data[i] <= 'Z')
            b->data[i] = (char)(b->data[i] - 'A' + 'a');
    attr(li, "data-search", b->data ? b->data : "");
}

static int add_entry(const rd_site_entry *e, void *ud)
{
    site *s = ud;
    int d = e->depth < RD_MAX_DEPTH ? e->depth : RD_MAX_DEPTH;
    xmlNodePtr ul = s->stack[d];
    if (!ul) /* a sub-entry whose parent is in the list: its <ul> was made for it */
        return 0;
    xmlNodePtr li = el(ul, "li", NULL);
    attr(li, "class", "entry");
    add_search_text(s, e, li);
    xmlNodePtr name = el(li, safe_href(e->url) ? "a" : "span", e->name[0] ? e->name : e->url_raw);
    attr(name, "class", "name");
    if (safe_href(e->url))
        attr(name, "href", e->url);
    char buf[64];
    const char *badge = badge_text(e, buf, sizeof buf);
    if (badge) {
        xmlNodePtr b = el(li, "span", badge);
        char cls[64];
        snprintf(cls, sizeof cls, "badge %s", e->result ? e->result : "unchecked");
        attr(b, "class", cls);
    }
    if (e->result && !strcmp(e->result, "redirect") && e->final_url) {
        rd_buf_reset(&s->scratch);
        rd_buf_printf(&s->scratch, "→ %s", e->final_url);
        xmlNodePtr to = el(li, safe_href(e->final_url) ? "a" : "span", s->scratch.data);
        attr(to, "class", "moved");
        if (safe_href(e->final_url))
            attr(to, "href", e->final_url);
    }
    if (e->checked_at) {
        char day[11];
        snprintf(day, sizeof day, "%s", e->checked_at);
        xmlNodePtr t = el(li, "time", day);
        attr(t, "class", "when");
        attr(t, "datetime", e->checked_at);
    }
    if (!e->url && e->url_raw == NULL) {
        xmlNodePtr b = el(li, "span", "no link");
        attr(b, "class", "badge");
    }
    if (e->description[0])
        attr(el(li, "span", e->description), "class", "desc");
    /* the next rows may be its sub-entries: they go in a <ul> of its own */
    if (d + 1 <= RD_MAX_DEPTH)
        s->stack[d + 1] = e->last_child ? NULL : el(li, "ul", NULL);
    if (s->stack[d + 1])
        attr(s->stack[d + 1], "class", "entries");
    return 0;
}

/* ---- notes: cmark's safe HTML, parsed into the tree ---- */

static int add_note(const char *kind, const char *markdown, int line, void *ud)
{
    xmlNodePtr div = ud;
    (void)kind, (void)line;
    char *html = cmark_markdown_to_html(markdown, strlen(markdown), CMARK_OPT_DEFAULT);
    if (!html)
        return 0;
    xmlNodePtr list = NULL;
    if (xmlParseInNodeContext(div, html, (int)strlen(html),
                              HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                  HTML_PARSE_NOIMPLIED,
                              &list) == XML_ERR_OK &&
        list)
        xmlAddChildList(div, list);
    else
        xmlFreeNodeList(list);
    free(html);
    return 0;
}

/* One category: heading, notes, entries. Its links are relative to the site's
 * root: category pages say so with <base href="../">. */
static int add_section(site *s, xmlNodePtr parent, const rd_category_row *c, const char *page)
{
    xmlNodePtr sec = el(parent, "section", NULL);
    attr(sec, "class", "category");
    attr(sec, "id", c->slug);
    xmlNodePtr h2 = el(sec, "h2", NULL);
    xmlNodePtr a = el(h2, "a", c->name);
    rd_buf_reset(&s->scratch);
    rd_buf_printf(&s->scratch, "c/%s.html", page);
    attr(a, "href", s->scratch.data);
    attr(el(h2, "span", c->path), "class", "path");
    if (c->description && c->description[0])
        attr(el(sec, "p", c->description), "class", "about");
    if (c->url_raw) { /* a group's own link, shown as written */
        xmlNodePtr p = el(sec, "p", NULL);
        attr(p, "class", "about");
        xmlNodePtr link = el(p, safe_href(c->url) ? "a" : "span", c->url_raw);
        if (safe_href(c->url))
            attr(link, "href", c->url);
    }
    xmlNodePtr notes = el(sec, "div", NULL);
    attr(notes, "class", "notes");
    int rc = rd_db_category_notes(s->db, c->id, add_note, notes, s->err);
    if (!notes->children) {
        xmlUnlinkNode(notes);
        xmlFreeNode(notes);
    }
    xmlNodePtr ul = el(sec, "ul", NULL);
    attr(ul, "class", "entries");
    memset(s->stack, 0, sizeof s->stack);
    s->stack[0] = ul;
    s->category_path = c->path;
    if (rc == RD_OK)
        rc = rd_db_category_entries(s->db, c->id, add_entry, s, s->err);
    if (!ul->children) {
        xmlUnlinkNode(ul);
        xmlFreeNode(ul);
    }
    return rc;
}

/* ---- pages ---- */

static void add_script(xmlNodePtr body)
{
    el(body, "script", rd_asset_filter_js);
}

/* Appends the UTF-8 serialisation of node (a whole document when node is
 * NULL) to out: libxml2 writes every byte of the markup. */
static int dump(htmlDocPtr doc, xmlNodePtr node, rd_buf *out)
{
    xmlOutputBufferPtr ob = xmlAllocOutputBuffer(NULL);
    if (!ob)
        return RD_ENOMEM;
    if (node)
        htmlNodeDumpFormatOutput(ob, doc, node, "UTF-8", 0);
    else
        htmlDocContentDumpFormatOutput(ob, doc, "UTF-8", 0);
    const xmlChar *data = xmlOutputBufferGetContent(ob);
    if (data)
        rd_buf_append(out, (const char *)data, xmlOutputBufferGetSize(ob));
    xmlOutputBufferClose(ob);
    return data && !out->oom ? RD_OK : RD_ENOMEM;
}

/* A page is written as its skeleton cut where the sections go: the part
 * before, the sections, the part after. */
#define SECTIONS_MARK "<!--refdex:sections-->"

typedef struct frame {
    rd_buf head, tail;
} frame;

/* Serialises a skeleton whose <main> holds only the mark, and cuts it there. */
static int cut(htmlDocPtr doc, xmlNodePtr main, frame *f)
{
    xmlAddChild(main, xmlNewDocComment(doc, BAD_CAST "refdex:sections"));
    rd_buf all = {0};
    int rc = dump(doc, NULL, &all);
    const char *m = rc == RD_OK ? strstr(all.data, SECTIONS_MARK) : NULL;
    if (m) {
        rd_buf_append(&f->head, all.data, (size_t)(m - all.data));
        rd_buf_puts(&f->tail, m + strlen(SECTIONS_MARK));
    }
    rd_buf_free(&all);
    return m && !f->head.oom && !f->tail.oom ? RD_OK : RD_ENOMEM;
}

static void frame_free(frame *f)
{
    rd_buf_free(&f->head);
    rd_buf_free(&f->tail);
}

typedef struct nav_state {
    site *s;
    xmlNodePtr lists[RD_MAX_DEPTH + 2]; /* the nav <ul> at each depth */
    xmlNodePtr last_li[RD_MAX_DEPTH + 2];
    rd_category_row *rows; /* the categories, kept for the second pass */
    char (*pages)[RD_PAGE_NAME_MAX]; /* the file name of each one's page */
    size_t n, cap, pages_cap;
    int oom;
} nav_state;

/* First pass, for each category in tree order: a nav item, and a copy of the
 * row for the second pass. */
static int on_category(const rd_category_row *c, void *ud)
{
    nav_state *n = ud;
    site *s = n->s;
    int d = c->depth < RD_MAX_DEPTH ? c->depth : RD_MAX_DEPTH;
    if (d > 0 && !n->lists[d])
        n->lists[d] = el(n->last_li[d - 1], "ul", NULL);
    n->lists[d + 1] = NULL;
    xmlNodePtr li = el(n->lists[d], "li", NULL);
    n->last_li[d] = li;
    rd_buf_reset(&s->scratch);
    rd_buf_printf(&s->scratch, "#%s", c->slug);
    attr(el(li, "a", c->name), "href", s->scratch.data);
    char count[32];
    snprintf(count, sizeof count, "%lld", (long long)c->total);
    attr(el(li, "span", count), "class", "count");
    rd_category_row *rows = rd_grow(n->rows, &n->cap, n->n, sizeof *rows);
    if (!rows)
        return n->oom = RD_ENOMEM;
    n->rows = rows;
    char(*pages)[RD_PAGE_NAME_MAX] = rd_grow(n->pages, &n->pages_cap, n->n, sizeof *pages);
    if (!pages)
        return n->oom = RD_ENOMEM;
    n->pages = pages;
    rd_page_name(c->slug, n->pages[n->n]);
    rd_category_row *r = &n->rows[n->n++];
    *r = *c;
    r->name = strdup(c->name);
    r->slug = strdup(c->slug);
    r->path = strdup(c->path);
    r->kind = NULL;
    r->description = strdup(c->description ? c->description : "");
    r->url_raw = c->url_raw ? strdup(c->url_raw) : NULL;
    r->url = c->url ? strdup(c->url) : NULL;
    return r->name && r->slug && r->path && r->description && (r->url_raw || !c->url_raw) &&
                   (r->url || !c->url)
               ? 0
               : (n->oom = RD_ENOMEM);
}

/* Second pass, for each category: its section, built in a scratch document,
 * serialised once into the index and once into a page of its own, then
 * freed, so the whole site is never one tree in memory. */
static int write_category(site *s, const rd_category_row *c, const char *page, rd_buf *index)
{
    htmlDocPtr scratch = htmlNewDocNoDtD(NULL, NULL);
    scratch->encoding = xmlStrdup(BAD_CAST "UTF-8");
    xmlNodePtr holder = xmlNewDocNode(scratch, NULL, BAD_CAST "main", NULL);
    xmlDocSetRootElement(scratch, holder);
    int rc = add_section(s, holder, c, page);
    rd_buf sec = {0};
    if (rc == RD_OK)
        rc = dump(scratch, holder->children, &sec);
    xmlFreeDoc(scratch);
    rd_buf_append(index, sec.data ? sec.data : "", sec.len);
    /* the page: a small skeleton around the same bytes */
    xmlNodePtr body;
    htmlDocPtr doc = page_new(c->name, &body);
    xmlNodePtr base = xmlNewDocNode(doc, NULL, BAD_CAST "base", NULL);
    attr(base, "href", "../");
    xmlAddPrevSibling(xmlDocGetRootElement(doc)->children->children, base);
    header(s, body, c->path, 1);
    frame f = {0};
    xmlNodePtr main = el(body, "main", NULL);
    add_script(body);
    if (rc == RD_OK)
        rc = cut(doc, main, &f);
    xmlFreeDoc(doc);
    rd_buf html = {0}, path = {0};
    rd_buf_append(&html, f.head.data, f.head.len);
    rd_buf_append(&html, sec.data ? sec.data : "", sec.len);
    rd_buf_append(&html, f.tail.data, f.tail.len);
    rd_buf_printf(&path, "c/%s.html", page);
    if (rc == RD_OK)
        rc = html.oom || path.oom ? RD_ENOMEM
                                  : rd_outdir_write(&s->out, path.data, html.data, html.len);
    rd_buf_free(&html);
    rd_buf_free(&path);
    rd_buf_free(&sec);
    frame_free(&f);
    return rc;
}

static int write_json(site *s)
{
    rd_buf path = {0};
    rd_buf_printf(&path, "%s/index.json", s->out.dir);
    rd_replace r;
    int rc = path.oom ? rd_error_set(s->err, RD_ENOMEM, "out of memory")
                      : rd_replace_begin(&r, path.data, 0, s->err);
    if (rc == RD_OK)
        rc = rd_db_index_json(s->db, r.f, s->err);
    if (rc == RD_OK)
        rc = rd_replace_commit(&r, s->err);
    else if (!path.oom)
        rd_replace_abort(&r);
    rd_buf_free(&path);
    return rc == RD_OK ? rd_outdir_written(&s->out, "index.json") : rc;
}

/* Every file this render writes, checked against the folder before any is
 * written. */
static int plan(site *s, const nav_state *n)
{
    int rc = rd_outdir_plan(&s->out, "index.html");
    if (rc == RD_OK)
        rc = rd_outdir_plan(&s->out, "index.json");
    char path[RD_PAGE_NAME_MAX + 16];
    for (size_t i = 0; rc == RD_OK && i < n->n; i++) {
        snprintf(path, sizeof path, "c/%s.html", n->pages[i]);
        rc = rd_outdir_plan(&s->out, path);
    }
    return rc;
}

int rd_render_site_with(rd_db *db, const char *outdir, const rd_render_opts *opts,
                        rd_error *err)
{
    site s = {.db = db, .err = err};
    int rc = rd_outdir_open(&s.out, outdir, opts && opts->force, err);
    if (rc == RD_OK)
        rc = rd_db_site_summary(db, &s.sum, err);
    const char *title = s.sum.file[0] ? s.sum.file : "refdex";
    xmlNodePtr body;
    htmlDocPtr doc = page_new(title, &body);
    header(&s, body, title, 0);
    xmlNodePtr layout = el(body, "div", NULL);
    attr(layout, "class", "layout");
    xmlNodePtr nav = el(layout, "nav", NULL);
    attr(nav, "aria-label", "Categories");
    nav_state n = {.s = &s};
    n.lists[0] = el(nav, "ul", NULL);
    xmlNodePtr main = el(layout, "main", NULL);
    add_script(body);
    if (rc == RD_OK)
        rc = rd_db_categories(db, on_category, &n, err);
    if (rc == RD_OK && n.oom)
        rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    if (rc == RD_OK)
        rc = plan(&s, &n);
    if (rc == RD_OK)
        rc = rd_outdir_begin(&s.out);
    frame f = {0};
    if (rc == RD_OK && cut(doc, main, &f) < 0)
        rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    xmlFreeDoc(doc);
    rd_buf index = {0};
    rd_buf_append(&index, f.head.data, f.head.len);
    for (size_t i = 0; rc == RD_OK && i < n.n; i++)
        rc = write_category(&s, &n.rows[i], n.pages[i], &index);
    rd_buf_append(&index, f.tail.data, f.tail.len);
    if (rc == RD_OK)
        rc = index.oom ? rd_error_set(err, RD_ENOMEM, "out of memory")
                       : rd_outdir_write(&s.out, "index.html", index.data, index.len);
    rd_buf_free(&index);
    frame_free(&f);
    for (size_t i = 0; i < n.n; i++) {
        free((char *)n.rows[i].name);
        free((char *)n.rows[i].slug);
        free((char *)n.rows[i].path);
        free((char *)n.rows[i].description);
        free((char *)n.rows[i].url_raw);
        free((char *)n.rows[i].url);
    }
    free(n.rows);
    free(n.pages);
    if (rc == RD_OK)
        rc = write_json(&s);
    if (rc == RD_OK)
        rc = rd_outdir_finish(&s.out);
    rd_buf_free(&s.scratch);
    rd_outdir_free(&s.out);
    return rc;
}

int rd_render_site(rd_db *db, const char *outdir, rd_error *err)
{
    return rd_render_site_with(db, outdir, NULL, err);
}
