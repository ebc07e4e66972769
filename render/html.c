/* render/html.c — the HTML index (index.html, c/<slug>.html) and index.json.
 *
 * Pages are libxml2 trees serialised by libxml2: every name, description and
 * URL goes in as a text node or an attribute value, so it is escaped by
 * construction; notes are rendered by cmark in its safe mode (raw HTML and
 * javascript: links dropped) and parsed into the tree. Only http, https and
 * mailto URLs become links. The same database renders the same bytes. */
#include <cmark.h>
#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render.h"

extern const char rd_asset_site_css[], rd_asset_filter_js[];

typedef struct site {
    rd_db *db;
    const char *outdir;
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
    char line[400];
    snprintf(line, sizeof line,
             "%lld entries in %lld categories · %lld links, %lld checked, %lld failing%s%s",
             (long long)s->sum.entries, (long long)s->sum.categories, (long long)s->sum.links,
             (long long)s->sum.checked, (long long)s->sum.failing,
             s->sum.last_check[0] ? " · last check " : "", s->sum.last_check);
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
    if ((!strcmp(e->result, "broken") || !strcmp(e->result, "ratelimited")) && e->status_code) {
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
        xmlNodePtr to = el(li, safe_href(e->final_url) ? "a" : "span", "→ moved");
        attr(to, "class", "moved");
        if (safe_href(e->final_url)) {
            attr(to, "href", e->final_url);
            attr(to, "title", e->final_url);
        }
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
static int add_section(site *s, xmlNodePtr parent, const rd_category_row *c)
{
    xmlNodePtr sec = el(parent, "section", NULL);
    attr(sec, "class", "category");
    attr(sec, "id", c->slug);
    xmlNodePtr h2 = el(sec, "h2", NULL);
    xmlNodePtr a = el(h2, "a", c->name);
    rd_buf_reset(&s->scratch);
    rd_buf_printf(&s->scratch, "c/%s.html", c->slug);
    attr(a, "href", s->scratch.data);
    attr(el(h2, "span", c->path), "class", "path");
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

/* Whether path holds exactly data[0..n). */
static int same_file(const char *path, const xmlChar *data, size_t n)
{
    struct stat st;
    if (stat(path, &st) < 0 || (size_t)st.st_size != n)
        return 0;
    FILE *f = fopen(path, "rb");
    char *old = f ? malloc(n + 1) : NULL;
    int same = old && fread(old, 1, n + 1, f) == n && !memcmp(old, data, n);
    free(old);
    if (f)
        fclose(f);
    return same;
}

/* Serialises doc to path in UTF-8, through a temporary file and a rename. A
 * page that would not change is left as it is (and keeps its time stamp). */
static int save(site *s, htmlDocPtr doc, const char *path)
{
    xmlOutputBufferPtr ob = xmlAllocOutputBuffer(NULL);
    if (!ob)
        return rd_error_set(s->err, RD_ENOMEM, "out of memory");
    htmlDocContentDumpFormatOutput(ob, doc, "UTF-8", 0);
    const xmlChar *data = xmlOutputBufferGetContent(ob);
    size_t n = xmlOutputBufferGetSize(ob);
    int rc = RD_OK;
    if (!data) {
        rc = rd_error_set(s->err, RD_ENOMEM, "out of memory");
    } else if (!same_file(path, data, n)) {
        rd_buf tmp = {0};
        rd_buf_printf(&tmp, "%s.tmp", path);
        FILE *f = tmp.data ? fopen(tmp.data, "wb") : NULL;
        int ok = f && fwrite(data, 1, n, f) == n;
        ok = f && fclose(f) == 0 && ok;
        if (!ok || rename(tmp.data, path) < 0) {
            rc = rd_error_set(s->err, RD_EIO, "%s: cannot write: %s", path, strerror(errno));
            if (tmp.data)
                unlink(tmp.data);
        }
        rd_buf_free(&tmp);
    }
    xmlOutputBufferClose(ob);
    return rc;
}

typedef struct nav_state {
    site *s;
    xmlNodePtr lists[RD_MAX_DEPTH + 2]; /* the nav <ul> at each depth */
    xmlNodePtr last_li[RD_MAX_DEPTH + 2];
    xmlNodePtr main;
    int rc;
} nav_state;

/* For each category in tree order: a nav item, a section of the index, and a
 * page of its own. */
static int on_category(const rd_category_row *c, void *ud)
{
    nav_state *n = ud;
    site *s = n->s;
    int d = c->depth < RD_MAX_DEPTH ? c->depth : RD_MAX_DEPTH;
    if (d > 0 && !n->lists[d]) {
        n->lists[d] = el(n->last_li[d - 1], "ul", NULL);
    }
    n->lists[d + 1] = NULL;
    xmlNodePtr li = el(n->lists[d], "li", NULL);
    n->last_li[d] = li;
    rd_buf_reset(&s->scratch);
    rd_buf_printf(&s->scratch, "#%s", c->slug);
    attr(el(li, "a", c->name), "href", s->scratch.data);
    char count[32];
    snprintf(count, sizeof count, "%lld", (long long)c->total);
    attr(el(li, "span", count), "class", "count");
    int rc = add_section(s, n->main, c);
    /* the category's own page: the same section, copied */
    xmlNodePtr body;
    htmlDocPtr doc = page_new(c->name, &body);
    xmlNodePtr base = xmlNewDocNode(doc, NULL, BAD_CAST "base", NULL);
    attr(base, "href", "../");
    xmlAddPrevSibling(xmlDocGetRootElement(doc)->children->children, base);
    header(s, body, c->path, 1);
    xmlNodePtr main = el(body, "main", NULL);
    if (rc == RD_OK)
        xmlAddChild(main, xmlDocCopyNode(n->main->last, doc, 1));
    add_script(body);
    rd_buf path = {0};
    rd_buf_printf(&path, "%s/c/%s.html", s->outdir, c->slug);
    if (rc == RD_OK)
        rc = path.oom ? RD_ENOMEM : save(s, doc, path.data);
    rd_buf_free(&path);
    xmlFreeDoc(doc);
    return rc;
}

static int write_json(site *s)
{
    char *json = NULL;
    int rc = rd_db_index_json(s->db, &json, s->err);
    rd_buf path = {0}, tmp = {0};
    rd_buf_printf(&path, "%s/index.json", s->outdir);
    rd_buf_printf(&tmp, "%s/index.json.tmp", s->outdir);
    if (rc == RD_OK) {
        FILE *f = fopen(tmp.data, "wb");
        int ok = f && fputs(json, f) >= 0 && fputc('\n', f) != EOF;
        ok = f && fclose(f) == 0 && ok;
        if (!ok || rename(tmp.data, path.data) < 0) {
            rc = rd_error_set(s->err, RD_EIO, "%s: cannot write: %s", path.data, strerror(errno));
            unlink(tmp.data);
        }
    }
    free(json);
    rd_buf_free(&path);
    rd_buf_free(&tmp);
    return rc;
}

static int make_dirs(const char *outdir, rd_error *err)
{
    rd_buf b = {0};
    rd_buf_printf(&b, "%s/c", outdir);
    int rc = RD_OK;
    if ((mkdir(outdir, 0777) < 0 && errno != EEXIST) || (mkdir(b.data, 0777) < 0 && errno != EEXIST))
        rc = rd_error_set(err, RD_EIO, "%s: cannot create: %s", outdir, strerror(errno));
    rd_buf_free(&b);
    return rc;
}

int rd_render_site(rd_db *db, const char *outdir, rd_error *err)
{
    site s = {.db = db, .outdir = outdir, .err = err};
    int rc = make_dirs(outdir, err);
    if (rc == RD_OK)
        rc = rd_db_site_summary(db, &s.sum, err);
    if (rc < 0)
        return rc;
    xmlNodePtr body;
    htmlDocPtr doc = page_new(s.sum.file[0] ? s.sum.file : "refdex", &body);
    header(&s, body, s.sum.file[0] ? s.sum.file : "refdex", 0);
    xmlNodePtr layout = el(body, "div", NULL);
    attr(layout, "class", "layout");
    xmlNodePtr nav = el(layout, "nav", NULL);
    attr(nav, "aria-label", "Categories");
    nav_state n = {.s = &s, .main = NULL};
    n.lists[0] = el(nav, "ul", NULL);
    n.main = el(layout, "main", NULL);
    rc = rd_db_categories(db, on_category, &n, err);
    add_script(body);
    rd_buf path = {0};
    rd_buf_printf(&path, "%s/index.html", outdir);
    if (rc == RD_OK)
        rc = save(&s, doc, path.data);
    rd_buf_free(&path);
    xmlFreeDoc(doc);
    if (rc == RD_OK)
        rc = write_json(&s);
    rd_buf_free(&s.scratch);
    return rc;
}
