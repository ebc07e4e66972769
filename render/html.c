/* render/html.c — the site: index.html, c/<page>.html and index.json.
 *
 * index.html holds every category's section; c/<page>.html holds one
 * top-level section (a child of the list's title heading, or a category at
 * the top) with the sections below it, each with its anchor. Both are
 * written as they are made, a section at a time: the sections are built in
 * a small tree of their own, serialised to both files, and freed, so memory
 * stays the size of one section and the category list, whatever the size of
 * the catalog. What the page header needs before the sections (which
 * categories have something to show, the counts by status) is read first.
 *
 * Pages are libxml2 trees serialised by libxml2: every name, description and
 * URL goes in as a text node or an attribute value, so it is escaped by
 * construction; notes are rendered by cmark in its safe mode (raw HTML and
 * javascript: links dropped) and parsed into the tree (section.c). Only http,
 * https and mailto URLs become links, and the pages load nothing from the
 * network. The same database renders the same bytes. Files are written
 * through render/outdir.c, which keeps to the files refdex wrote. */
#include <libxml/HTMLtree.h>
#include <stdlib.h>
#include <string.h>

#include "../common/file.h"
#include "outdir.h"
#include "page.h"

extern const char rd_asset_site_css[], rd_asset_filter_js[];

#define NO_UNIT ((size_t)-1)

/* A category, kept from the first pass for the others. */
typedef struct cat {
    rd_category_row row; /* its strings owned */
    rd_section_info info;
    int heading;                 /* a heading, not a marker or a group */
    int in_nav;                  /* it has content, or a sub-category has */
    size_t unit;                 /* the category whose page it is on; NO_UNIT: the index only */
    size_t on_page[RD_ST_COUNT]; /* a unit's: the entries on its page, by status */
    /* a unit's: its page's header counts (rd_site_summary's), and the last
     * URL counted in them */
    int64_t entries, links, checked, failing, last_url;
    char last_check[40];
    char page[RD_PAGE_NAME_MAX];
} cat;

typedef struct id_index {
    int64_t id;
    size_t i;
} id_index;

typedef struct site {
    rd_db *db;
    rd_pages *pages;
    rd_feed feed; /* what the sections read, through pages */
    rd_render_opts opts;
    rd_site_summary sum;
    rd_error *err;
    cat *cats;
    size_t n, cap;
    id_index *ids;             /* cats by id, for the counts */
    size_t total[RD_ST_COUNT]; /* the entries by status */
    int oom;
    rd_buf section; /* the section being written */
    rd_buf scratch;
    htmlDocPtr doc; /* where sections are built, one at a time, in holder */
    xmlNodePtr holder;
    rd_outdir out;
    rd_outstream *index, *page, *json; /* the files being written */
    FILE *json_file;                   /* index.json, through json */
    rd_error json_err;                 /* what failed in writing it (in the thread that reads) */
    int to_index, to_page;             /* whether the section being made goes to each */
    rd_buf index_tail, page_tail;
    int whole;        /* index.html holds every section (not only the tree) */
    int64_t last_url; /* the last URL counted in the summary */
} site;

/* ---- page skeletons ---- */

/* A new page: <!DOCTYPE html>, head with the inline CSS, body. The content
 * policy lets the page load nothing but its own inline style and script
 * (and, with remote_images, images). */
static htmlDocPtr page_new(const site *s, const char *title, xmlNodePtr *body)
{
    htmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
    *body = NULL;
    if (!doc)
        return NULL; /* out of memory: open_framed says it */
    /* UTF-8 in and out: notes are parsed as UTF-8, and text is written as is
     * rather than as character references */
    if (!(doc->encoding = xmlStrdup(BAD_CAST "UTF-8"))) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlCreateIntSubset(doc, BAD_CAST "html", NULL, NULL);
    xmlNodePtr html = xmlNewDocNode(doc, NULL, BAD_CAST "html", NULL);
    xmlDocSetRootElement(doc, html);
    rd_attr(html, "lang", "en");
    xmlNodePtr head = rd_el(html, "head", NULL);
    rd_attr(rd_el(head, "meta", NULL), "charset", "utf-8");
    xmlNodePtr csp = rd_el(head, "meta", NULL);
    rd_attr(csp, "http-equiv", "Content-Security-Policy");
    rd_attr(csp, "content",
            s->opts.remote_images ? "default-src 'none'; style-src 'unsafe-inline'; "
                                    "script-src 'unsafe-inline'; img-src http: https:"
                                  : "default-src 'none'; style-src 'unsafe-inline'; "
                                    "script-src 'unsafe-inline'");
    xmlNodePtr vp = rd_el(head, "meta", NULL);
    rd_attr(vp, "name", "viewport");
    rd_attr(vp, "content", "width=device-width, initial-scale=1");
    rd_el(head, "title", title);
    rd_el(head, "style", rd_asset_site_css);
    *body = rd_el(html, "body", NULL);
    return doc;
}

/* The filter: words, a status, and what they match. Shown by the script:
 * without it the page shows everything and offers no filter. */
static void add_filter(xmlNodePtr header, const size_t *nstatus)
{
    xmlNodePtr f = rd_el(header, "div", NULL);
    rd_attr(f, "class", "filter");
    rd_attr(f, "hidden", "");
    xmlNodePtr q = rd_el(f, "input", NULL);
    rd_attr(q, "id", "q");
    rd_attr(q, "type", "search");
    rd_attr(q, "placeholder", "Filter by name, description, category or URL");
    rd_attr(q, "aria-label", "Filter entries");
    xmlNodePtr sel = rd_el(f, "select", NULL);
    rd_attr(sel, "id", "status");
    rd_attr(sel, "aria-label", "Link status");
    rd_attr(rd_el(sel, "option", "any status"), "value", "");
    size_t failing = 0;
    rd_buf match = {0};
    for (int r = 0; r < RD_RES_COUNT; r++)
        if (rd_result_fails((rd_result)r, 0)) {
            failing += nstatus[r];
            rd_buf_printf(&match, "%s%s", match.len ? " " : "", rd_result_name((rd_result)r));
        }
    char text[64];
    snprintf(text, sizeof text, "failing (%zu)", failing);
    xmlNodePtr o = rd_el(sel, "option", text);
    rd_attr(o, "value", "failing");
    rd_attr(o, "data-match", match.data ? match.data : "");
    rd_buf_free(&match);
    for (int st = 0; st < RD_ST_COUNT; st++) {
        const char *name = st == RD_ST_UNCHECKED ? "unchecked" : rd_result_name((rd_result)st);
        int conclusive = st == RD_ST_UNCHECKED || rd_result_conclusive((rd_result)st);
        if (!conclusive && !nstatus[st])
            continue; /* never a link's status */
        snprintf(text, sizeof text, "%s (%zu)", name, nstatus[st]);
        rd_attr(rd_el(sel, "option", text), "value", name);
    }
    /* the order within each category: the page's own is the catalog's */
    xmlNodePtr sort = rd_el(f, "select", NULL);
    rd_attr(sort, "id", "sort");
    rd_attr(sort, "aria-label", "Order within a category");
    static const char *const orders[][2] = {{"", "catalog order"},
                                            {"name", "by name"},
                                            {"stars", "by stars"},
                                            {"pushed", "by last push"}};
    for (size_t i = 0; i < sizeof orders / sizeof *orders; i++)
        rd_attr(rd_el(sort, "option", orders[i][1]), "value", orders[i][0]);
    xmlNodePtr m = rd_el(f, "p", NULL);
    rd_attr(m, "id", "matches");
    rd_attr(m, "role", "status");
}

/* The page header: title, counts (the whole catalog's on the index, the
 * category's own on its page), the filter. */
static void header(site *s, xmlNodePtr body, const char *title, const rd_site_summary *sum,
                   const cat *c)
{
    xmlNodePtr h = rd_el(body, "header", NULL);
    rd_el(h, "h1", title);
    char when[48] = "", count[96], line[400];
    if (sum->last_check[0]) {
        memcpy(when, " · last check ", sizeof " · last check ");
        rd_when(sum->last_check, when + strlen(when), sizeof when - strlen(when));
    }
    long long n = (long long)sum->entries;
    const char *entries = n == 1 ? "entry" : "entries";
    if (c && c->row.total > c->row.entries)
        snprintf(count, sizeof count, "%lld %s, %lld of them in sub-categories", n, entries,
                 (long long)(c->row.total - c->row.entries));
    else if (c)
        snprintf(count, sizeof count, "%lld %s", n, entries);
    else
        snprintf(count, sizeof count, "%lld %s in %lld %s", n, entries, (long long)sum->categories,
                 rd_plural(sum->categories, "category", "categories"));
    snprintf(line, sizeof line, "%s · %lld %s, %lld checked, %lld failing%s%s", count,
             (long long)sum->links, sum->links == 1 ? "link" : "links", (long long)sum->checked,
             (long long)sum->failing, when,
             sum->offline ? " · the last check found no network, so no link was checked" : "");
    if (!c && !s->whole)
        strncat(line, " · each section's entries are on its page", sizeof line - strlen(line) - 1);
    xmlNodePtr p = rd_el(h, "p", line);
    rd_attr(p, "class", "summary");
    if (c) {
        xmlNodePtr back = rd_el(p, "a", " · all categories");
        rd_attr(back, "href", "index.html"); /* the page's <base> is the site's root */
    }
    if (c || s->whole)
        add_filter(h, c ? c->on_page : s->total);
}

static void add_script(xmlNodePtr body)
{
    rd_el(body, "script", rd_asset_filter_js);
}

/* ---- serialising ---- */

/* A page is written as its skeleton cut where the sections go: the part
 * before, the sections as they are made, the part after. */
#define SECTIONS_MARK "<!--refdex:sections-->"

/* Serialises a skeleton with the mark last in main, writes what comes
 * before it to out, and keeps what comes after in tail. */
static int open_framed(site *s, htmlDocPtr doc, xmlNodePtr main, const char *path,
                       rd_outstream *out, rd_buf *tail)
{
    xmlNodePtr mark = xmlNewDocComment(doc, BAD_CAST "refdex:sections");
    if (!doc || !main || !mark || !xmlAddChild(main, mark) || rd_tree_failed()) {
        if (mark && !mark->parent)
            xmlFreeNode(mark);
        return rd_error_set(s->err, RD_ENOMEM, "out of memory");
    }
    rd_buf all = {0};
    xmlOutputBufferPtr ob = xmlAllocOutputBuffer(NULL);
    int rc = RD_ENOMEM;
    if (ob) {
        htmlDocContentDumpFormatOutput(ob, doc, "UTF-8", 0);
        rc = rd_html_take(ob, &all);
    }
    const char *m = rc == RD_OK && all.data ? strstr(all.data, SECTIONS_MARK) : NULL;
    rd_buf_reset(tail);
    if (m)
        rd_buf_puts(tail, m + strlen(SECTIONS_MARK));
    if (!m || tail->oom)
        rc = rd_error_set(s->err, RD_ENOMEM, "out of memory");
    else if ((rc = rd_outdir_stream(&s->out, path, out)) == RD_OK &&
             (rc = rd_outstream_put(out, all.data, (size_t)(m - all.data))) < 0)
        rd_outstream_abort(out);
    rd_buf_free(&all);
    return rc;
}

static int close_framed(rd_outstream *out, const rd_buf *tail)
{
    int rc = rd_outstream_put(out, tail->data, tail->len);
    if (rc < 0) {
        rd_outstream_abort(out);
        return rc;
    }
    return rd_outstream_commit(out);
}

/* ---- the categories ---- */

/* First pass, for each category in tree order: a copy of its row. */
static int keep_category(const rd_category_row *c, void *ud)
{
    site *s = ud;
    cat *v = rd_grow(s->cats, &s->cap, s->n, sizeof *v);
    if (!v)
        return s->oom = RD_ENOMEM;
    s->cats = v;
    cat *k = &s->cats[s->n++];
    *k = (cat){.row = *c, .heading = c->kind && !strcmp(c->kind, "heading"), .unit = NO_UNIT};
    rd_category_row *r = &k->row;
    r->name = strdup(c->name);
    r->slug = strdup(c->slug);
    r->path = strdup(c->path);
    r->name_path = strdup(c->name_path ? c->name_path : c->path);
    r->kind = NULL;
    r->description = strdup(c->description ? c->description : "");
    r->url_raw = c->url_raw ? strdup(c->url_raw) : NULL;
    r->url = c->url ? strdup(c->url) : NULL;
    return r->name && r->slug && r->path && r->name_path && r->description &&
                   (r->url_raw || !c->url_raw) && (r->url || !c->url)
               ? 0
               : (s->oom = RD_ENOMEM);
}

static void free_categories(site *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free((char *)s->cats[i].row.name);
        free((char *)s->cats[i].row.slug);
        free((char *)s->cats[i].row.path);
        free((char *)s->cats[i].row.name_path);
        free((char *)s->cats[i].row.description);
        free((char *)s->cats[i].row.url_raw);
        free((char *)s->cats[i].row.url);
    }
    free(s->cats);
    free(s->ids);
}

static int depth_of(const cat *c)
{
    return c->row.depth < RD_MAX_DEPTH ? c->row.depth : RD_MAX_DEPTH;
}

static int by_id(const void *a, const void *b)
{
    int64_t x = ((const id_index *)a)->id, y = ((const id_index *)b)->id;
    return x < y ? -1 : x > y;
}

/* One entry's link and status, in the order of their URLs: counted by
 * status in its category, and as a link (once per URL) in the site's
 * summary and in its page's. */
static int count_link(const rd_link_row *r, void *ud)
{
    site *s = ud;
    id_index key = {r->category_id, 0}, *hit = bsearch(&key, s->ids, s->n, sizeof key, by_id);
    if (!hit)
        return 0;
    cat *c = &s->cats[hit->i], *u = c->unit != NO_UNIT ? &s->cats[c->unit] : NULL;
    if (u)
        u->entries++;
    if (!r->url_id)
        return 0;
    int st = r->result ? rd_result_parse(r->result) : -1;
    c->info.nstatus[st >= 0 ? st : RD_ST_UNCHECKED]++;
    int checked = r->checked, failing = r->result && rd_result_name_fails(r->result, 0);
    if (r->url_id != s->last_url) {
        s->last_url = r->url_id;
        s->sum.links++;
        s->sum.checked += checked;
        s->sum.failing += failing;
    }
    if (u && u->last_url != r->url_id) {
        u->last_url = r->url_id;
        u->links++;
        u->checked += checked;
        u->failing += failing;
    }
    if (u && r->checked_at && strcmp(r->checked_at, u->last_check) > 0)
        snprintf(u->last_check, sizeof u->last_check, "%s", r->checked_at);
    return 0;
}

/* Writes what is made of the section in s->section to the files it goes to,
 * and empties it. */
static int put_section(void *ud)
{
    site *s = ud;
    int rc = RD_OK;
    if (s->to_index)
        rc = rd_outstream_put(s->index, s->section.data, s->section.len);
    if (rc == RD_OK && s->to_page)
        rc = rd_outstream_put(s->page, s->section.data, s->section.len);
    rd_buf_reset(&s->section);
    return rc;
}

static void drop_node(xmlNodePtr n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* Builds c's section in s->doc and writes it with put_section
 * (a category with nothing to show leaves only an anchor, so that in-page
 * links to it still land), or, with probe, only finds out whether it has
 * something to show. */
static int build_section(site *s, cat *c, int probe)
{
    xmlNodePtr holder = s->holder;
    rd_buf_reset(&s->scratch);
    if (c->unit == NO_UNIT)
        rd_buf_printf(&s->scratch, "index.html#%s", c->row.slug);
    else if (c == &s->cats[c->unit])
        rd_buf_printf(&s->scratch, "c/%s.html", c->page);
    else
        rd_buf_printf(&s->scratch, "c/%s.html#%s", s->cats[c->unit].page, c->row.slug);
    rd_section_info info = {0};
    rd_section_out out = {&s->section, put_section, s, s->opts.section_every};
    rd_buf_reset(&s->section);
    int rc = rd_section_add(&s->feed, &c->row, s->scratch.data ? s->scratch.data : "",
                            s->opts.remote_images, holder, probe ? NULL : &out, &info, s->err);
    c->info.content = info.content;
    if (rc == RD_OK && !probe && !info.content) {
        xmlNodePtr sec = holder->children;
        xmlUnlinkNode(sec);
        xmlFreeNode(sec);
        xmlNodePtr anchor = rd_el(holder, "span", NULL);
        rd_attr(anchor, "id", c->row.slug);
        rd_attr(anchor, "class", "anchor");
        if (rd_tree_failed())
            rc = rd_error_set(s->err, RD_ENOMEM, "out of memory");
    }
    if (rc == RD_OK && !probe && rd_html_dump(holder->children, 1, &s->section) < 0)
        rc = rd_error_set(s->err, RD_ENOMEM, "out of memory");
    if (rc == RD_OK && !probe)
        rc = put_section(s);
    while (holder->children) /* an empty holder for the next */
        drop_node(holder->children);
    return rc;
}

/* Whether each category has something to show: entries or its own words
 * say so at once; a category with neither has its notes looked at. */
static int find_content(site *s)
{
    int rc = RD_OK;
    for (size_t i = 0; rc == RD_OK && i < s->n; i++) {
        cat *c = &s->cats[i];
        c->info.content = c->row.entries > 0 || c->row.description[0] || c->row.url_raw;
        if (!c->info.content)
            rc = build_section(s, c, 1);
    }
    return rc;
}

/* Which categories the navigation lists (and so have a page or a section):
 * those with content, and those above them. Children follow their parent
 * in tree order, so a walk backwards sees them first. */
static void mark_nav(site *s)
{
    char below[RD_MAX_DEPTH + 2] = {0};
    for (size_t i = s->n; i-- > 0;) {
        int d = depth_of(&s->cats[i]);
        s->cats[i].in_nav = s->cats[i].info.content || below[d + 1];
        for (int k = d + 1; k < RD_MAX_DEPTH + 2; k++)
            below[k] = 0;
        below[d] |= (char)s->cats[i].in_nav;
    }
}

/* Which page each category is on: a category at the top, or a child of the
 * list's title heading, has a page of its own, and everything below it is
 * on that page; the title's own section is on the index only. */
static void find_units(site *s)
{
    size_t title = NO_UNIT, parent[RD_MAX_DEPTH + 2];
    for (size_t i = 0; s->sum.title[0] && i < s->n && title == NO_UNIT; i++)
        if (s->cats[i].heading)
            title = i;
    for (size_t i = 0; i < s->n; i++) {
        cat *c = &s->cats[i];
        int d = depth_of(c);
        size_t up = d > 0 ? parent[d - 1] : NO_UNIT;
        parent[d] = i;
        if (d == 0)
            c->unit = i == title ? NO_UNIT : i;
        else if (up == title)
            c->unit = i;
        else
            c->unit = s->cats[up].unit;
        if (c->unit == i)
            rd_page_name(c->row.slug, c->page);
    }
}

static void nav_item(xmlNodePtr ul, const cat *c, const char *href)
{
    xmlNodePtr li = rd_el(ul, "li", NULL);
    rd_attr(rd_el(li, "a", c->row.name), "href", href);
    char count[32];
    snprintf(count, sizeof count, "%lld", (long long)c->row.total);
    rd_attr(rd_el(li, "span", count), "class", "count");
}

/* The category tree, folded away on a narrow screen (site.css opens it on
 * a wide one). */
static void add_nav(site *s, xmlNodePtr layout)
{
    xmlNodePtr nav = rd_el(layout, "nav", NULL);
    rd_attr(nav, "aria-label", "Categories");
    xmlNodePtr details = rd_el(nav, "details", NULL);
    rd_attr(details, "id", "toc");
    xmlNodePtr summary = rd_el(details, "summary", "Categories");
    char count[32];
    snprintf(count, sizeof count, "%lld", (long long)s->sum.categories);
    rd_attr(rd_el(summary, "span", count), "class", "count");
    xmlNodePtr lists[RD_MAX_DEPTH + 2] = {0}, last_li[RD_MAX_DEPTH + 2] = {0};
    lists[0] = rd_el(details, "ul", NULL);
    for (size_t i = 0; i < s->n; i++) {
        const cat *c = &s->cats[i];
        if (!c->in_nav)
            continue;
        int d = depth_of(c);
        while (d > 0 && !last_li[d - 1]) /* not under a listed parent: cannot be */
            d--;
        if (d > 0 && !lists[d])
            lists[d] = rd_el(last_li[d - 1], "ul", NULL);
        lists[d + 1] = NULL;
        last_li[d + 1] = NULL;
        rd_buf_reset(&s->scratch);
        if (s->whole || c->unit == NO_UNIT) /* its section is on the index */
            rd_buf_printf(&s->scratch, "#%s", c->row.slug);
        else if (c->unit == i)
            rd_buf_printf(&s->scratch, "c/%s.html", c->page);
        else
            rd_buf_printf(&s->scratch, "c/%s.html#%s", s->cats[c->unit].page, c->row.slug);
        nav_item(lists[d], c, s->scratch.data ? s->scratch.data : "#");
        last_li[d] = lists[d] ? lists[d]->last : NULL; /* NULL: out of memory, said after */
    }
}

/* Opens the page of category i (a unit) and writes its top: the header
 * with the numbers of everything on it, and links to the sections below
 * its own. */
static int open_page(site *s, size_t i, const char *site_title)
{
    const cat *c = &s->cats[i];
    rd_site_summary sum = {.entries = c->entries,
                           .links = c->links,
                           .checked = c->checked,
                           .failing = c->failing,
                           .offline = s->sum.offline};
    memcpy(sum.last_check, c->last_check, sizeof sum.last_check);
    rd_buf_reset(&s->scratch);
    rd_buf_printf(&s->scratch, "%s · %s", c->row.name, site_title);
    xmlNodePtr body;
    htmlDocPtr doc = page_new(s, s->scratch.data ? s->scratch.data : "", &body);
    xmlNodePtr base = xmlNewDocNode(doc, NULL, BAD_CAST "base", NULL);
    rd_attr(base, "href", "../"); /* links are relative to the site's root */
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL, head = root ? root->children : NULL;
    if (!base || !head || !head->children) { /* out of memory */
        xmlFreeNode(base);
        xmlFreeDoc(doc);
        return rd_error_set(s->err, RD_ENOMEM, "out of memory");
    }
    xmlAddPrevSibling(head->children, base); /* first in head: before what refers to links */
    header(s, body, c->row.name, &sum, c);
    xmlNodePtr layout = rd_el(body, "div", NULL);
    rd_attr(layout, "class", "layout");
    xmlNodePtr main = rd_el(layout, "main", NULL), ul = NULL;
    for (size_t j = i + 1; j < s->n && depth_of(&s->cats[j]) > depth_of(c); j++) {
        const cat *sub = &s->cats[j];
        if (!sub->in_nav || depth_of(sub) != depth_of(c) + 1)
            continue;
        if (!ul) {
            xmlNodePtr subs = rd_el(main, "nav", NULL);
            rd_attr(subs, "class", "subs");
            rd_attr(subs, "aria-label", "Sub-categories");
            rd_el(subs, "h2", "Sub-categories");
            ul = rd_el(subs, "ul", NULL);
        }
        char href[2 * RD_PAGE_NAME_MAX + 16];
        snprintf(href, sizeof href, "c/%s.html#%s", c->page, sub->row.slug);
        nav_item(ul, sub, href);
    }
    add_script(body);
    char path[RD_PAGE_NAME_MAX + 16];
    snprintf(path, sizeof path, "c/%s.html", c->page);
    int rc = open_framed(s, doc, main, path, s->page, &s->page_tail);
    xmlFreeDoc(doc);
    return rc;
}

static int open_index(site *s, const char *title)
{
    xmlNodePtr body;
    htmlDocPtr doc = page_new(s, title, &body);
    header(s, body, title, &s->sum, NULL);
    xmlNodePtr layout = rd_el(body, "div", NULL);
    rd_attr(layout, "class", "layout");
    add_nav(s, layout);
    xmlNodePtr main = rd_el(layout, "main", NULL);
    add_script(body);
    int rc = open_framed(s, doc, main, "index.html", s->index, &s->index_tail);
    xmlFreeDoc(doc);
    return rc;
}

/* Writes every section to the index and to its page, a page being opened
 * at its first category and closed after its last. */
static int write_pages(site *s, const char *title)
{
    /* the rows are read (and index.json written) in a thread of their own,
     * a few hundred kilobytes ahead of the HTML made of them */
    int64_t *ids = malloc((s->n + 1) * sizeof *ids);
    if (!ids)
        return rd_error_set(s->err, RD_ENOMEM, "out of memory");
    for (size_t i = 0; i < s->n; i++)
        ids[i] = s->cats[i].row.id;
    if (s->opts.one_thread)
        rd_feed_here(&s->feed, s->pages, 1);
    else
        rd_feed_start(&s->feed, s->pages, ids, s->n, s->opts.read_chunk);
    int rc = open_index(s, title);
    size_t unit = NO_UNIT;
    s->to_page = 0;
    for (size_t i = 0; rc == RD_OK && i < s->n; i++) {
        cat *c = &s->cats[i];
        if (c->unit != unit && s->to_page) {
            s->to_page = 0;
            rc = close_framed(s->page, &s->page_tail);
        }
        unit = c->unit;
        if (rc == RD_OK && c->unit == i && c->in_nav && (rc = open_page(s, i, title)) == RD_OK)
            s->to_page = 1;
        s->to_index = s->whole || c->unit == NO_UNIT;
        if (rc == RD_OK)
            rc = build_section(s, c, 0);
    }
    if (rc == RD_OK && s->to_page) {
        s->to_page = 0;
        rc = close_framed(s->page, &s->page_tail);
    }
    rc = rd_feed_finish(&s->feed, rc, s->err);
    free(ids);
    if (rc == RD_OK)
        return close_framed(s->index, &s->index_tail);
    if (s->to_page)
        rd_outstream_abort(s->page);
    rd_outstream_abort(s->index);
    return rc;
}

static ssize_t json_write(void *stream, const char *buf, size_t n)
{
    return rd_outstream_put(stream, buf, n) == RD_OK ? (ssize_t)n : -1;
}

/* index.json, written by SQLite through a stream of the folder's own as
 * the pages read each category (rd_pages_json_*). */
static int json_open(site *s)
{
    int rc = rd_outdir_stream(&s->out, "index.json", s->json);
    if (rc < 0)
        return rc;
    s->json->err = &s->json_err;
    FILE *f = fopencookie(s->json, "w", (cookie_io_functions_t){.write = json_write});
    if (!f) {
        rd_outstream_abort(s->json);
        return rd_error_set(s->err, RD_ENOMEM, "out of memory");
    }
    setvbuf(f, NULL, _IOFBF, 1 << 16);
    s->json_file = f;
    return rd_pages_json_begin(s->pages, f, s->err);
}

/* Writes the end of index.json and puts it with the files to put in place,
 * or (rc not RD_OK) drops it. */
static int json_close(site *s, int rc)
{
    FILE *f = s->json_file;
    if (!f)
        return rc;
    s->json_file = NULL;
    if (rc == RD_OK)
        rc = rd_pages_json_end(s->pages, s->err);
    int written = !ferror(f), closed = fclose(f) == 0; /* the last bytes go out here */
    if (rc == RD_OK && s->json_err.code) {
        *s->err = s->json_err;
        rc = s->json_err.code;
    } else if (rc == RD_OK && !(written && closed)) {
        rc = rd_error_set(s->err, RD_EIO, "%s/index.json: cannot write", s->out.dir);
    }
    if (rc == RD_OK)
        return rd_outstream_commit(s->json);
    rd_outstream_abort(s->json);
    return rc;
}

/* Every file this render writes, checked against the folder before any is. */
static int plan(site *s)
{
    int rc = rd_outdir_plan(&s->out, "index.html");
    if (rc == RD_OK)
        rc = rd_outdir_plan(&s->out, "index.json");
    char path[RD_PAGE_NAME_MAX + 16];
    for (size_t i = 0; rc == RD_OK && i < s->n; i++) {
        if (s->cats[i].unit != i || !s->cats[i].in_nav)
            continue;
        snprintf(path, sizeof path, "c/%s.html", s->cats[i].page);
        rc = rd_outdir_plan(&s->out, path);
    }
    return rc;
}

/* The list's title heading, else the catalog's file name. */
static const char *site_title(const site *s)
{
    const char *slash = strrchr(s->sum.file, '/');
    return s->sum.title[0]  ? s->sum.title
           : slash          ? slash + 1
           : s->sum.file[0] ? s->sum.file
                            : "refdex";
}

/* What the pages' tops need: the categories, which have something to show,
 * their counts by status, and which page each is on. */
static int read_categories(site *s)
{
    int rc = rd_db_categories(s->db, keep_category, s, s->err);
    if (rc == RD_OK && s->oom)
        rc = rd_error_set(s->err, RD_ENOMEM, "out of memory");
    if (rc == RD_OK && !(s->ids = calloc(s->n + 1, sizeof *s->ids)))
        rc = rd_error_set(s->err, RD_ENOMEM, "out of memory");
    for (size_t i = 0; rc == RD_OK && i < s->n; i++)
        s->ids[i] = (id_index){s->cats[i].row.id, i};
    if (rc == RD_OK) {
        qsort(s->ids, s->n, sizeof *s->ids, by_id);
        find_units(s);
        rc = rd_db_link_rows(s->db, count_link, s, s->err);
    }
    rd_feed_here(&s->feed, s->pages, 0);
    if (rc == RD_OK)
        rc = find_content(s);
    for (size_t i = 0; rc == RD_OK && i < s->n; i++)
        for (int st = 0; st < RD_ST_COUNT; st++) {
            s->total[st] += s->cats[i].info.nstatus[st];
            if (s->cats[i].unit != NO_UNIT)
                s->cats[s->cats[i].unit].on_page[st] += s->cats[i].info.nstatus[st];
        }
    mark_nav(s);
    /* the header's count of categories is the navigation's: those with
     * something to show and those above them (not a table of contents) */
    s->sum.categories = 0;
    for (size_t i = 0; i < s->n; i++)
        s->sum.categories += s->cats[i].in_nav;
    return rc;
}

/* libxml2's messages: none. What fails is said by the return codes (and its
 * default, printing to stderr, printed garbage when out of memory). */
static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int rd_render_site_with(rd_db *db, const char *outdir, const rd_render_opts *opts, rd_error *err)
{
    xmlSetGenericErrorFunc(NULL, quiet);
    site s = {.db = db, .err = err};
    if (opts)
        s.opts = *opts;
    s.index = calloc(1, sizeof *s.index);
    s.page = calloc(1, sizeof *s.page);
    s.json = calloc(1, sizeof *s.json);
    int rc = s.index && s.page && s.json ? RD_OK : rd_error_set(err, RD_ENOMEM, "out of memory");
    if (rc == RD_OK)
        rc = rd_outdir_open(&s.out, outdir, s.opts.force, err);
    /* one document for every section: a document of its own each would
     * make (and free) its tables of ids thousands of times; its names
     * (li, class, href...) are kept once in its dictionary, not copied for
     * every node */
    if (rc == RD_OK && (s.doc = htmlNewDocNoDtD(NULL, NULL)) &&
        (s.doc->encoding = xmlStrdup(BAD_CAST "UTF-8")) && (s.doc->dict = xmlDictCreate()) &&
        (s.holder = xmlNewDocNode(s.doc, NULL, BAD_CAST "main", NULL)))
        xmlDocSetRootElement(s.doc, s.holder);
    else if (rc == RD_OK)
        rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    if (rc == RD_OK) /* first: it reads the database without a map, the summary too */
        rc = rd_pages_open(db, &s.pages, err);
    if (rc == RD_OK)
        rc = rd_db_site_head(db, &s.sum, err);
    int most = s.opts.index_max > 0 ? s.opts.index_max : RD_INDEX_MAX_DEFAULT;
    s.whole = s.sum.entries <= most;
    if (rc == RD_OK) /* and the summary's counts of links */
        rc = read_categories(&s);
    if (rc == RD_OK)
        rc = plan(&s);
    if (rc == RD_OK)
        rc = rd_outdir_begin(&s.out);
    if (rc == RD_OK)
        rc = json_open(&s);
    if (rc == RD_OK)
        rc = write_pages(&s, site_title(&s));
    rc = json_close(&s, rc);
    if (rc == RD_OK)
        rc = rd_outdir_finish(&s.out);
    if (rc == RD_OK && (s.scratch.oom || s.section.oom))
        rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    rd_pages_close(s.pages);
    if (s.doc)
        xmlFreeDoc(s.doc);
    free_categories(&s);
    rd_buf_free(&s.section);
    rd_buf_free(&s.scratch);
    rd_buf_free(&s.index_tail);
    rd_buf_free(&s.page_tail);
    free(s.index);
    free(s.page);
    free(s.json);
    rd_outdir_free(&s.out);
    return rc;
}

int rd_render_site(rd_db *db, const char *outdir, rd_error *err)
{
    return rd_render_site_with(db, outdir, NULL, err);
}
