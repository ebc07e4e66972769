/* crawler/page.c — what is read from a fetched page: its <title>, meta
 * description, og:title and og:site_name, canonical link, first <h1>, and
 * whether the link's #fragment names an element of it. One parse with
 * libxml2's HTML parser (recovering, no network, silent), one walk. */
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* text squeezed to one line (runs of white space become one space, none at
 * either end) into out; whole, valid UTF-8 sequences only, so a cut never
 * splits a character and a page's bad bytes become U+FFFD */
static void squeeze(const xmlChar *text, char *out, size_t outsz)
{
    size_t o = 0;
    int space = 0;
    for (const xmlChar *c = text; c && *c;) {
        if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == '\f') {
            space = o > 0;
            c++;
            continue;
        }
        uint32_t cp;
        int valid = rd_utf8_decode(c, strlen((const char *)c), &cp);
        size_t n = valid ? (size_t)valid : 1, w = valid ? n : 3;
        if (o + space + w + 1 > outsz)
            break;
        if (space)
            out[o++] = ' ';
        space = 0;
        memcpy(out + o, valid ? (const char *)c : "\xEF\xBF\xBD", w);
        o += w;
        c += n;
    }
    out[o] = '\0';
}

static void take_text(xmlNodePtr n, char *out, size_t outsz)
{
    xmlChar *text = xmlNodeGetContent(n);
    squeeze(text, out, outsz);
    xmlFree(text);
}

static void take_attr(xmlNodePtr n, const char *name, char *out, size_t outsz)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    squeeze(v, out, outsz);
    xmlFree(v);
}

static int attr_is(xmlNodePtr n, const char *name, const char *value)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    int is = v && !xmlStrcasecmp(v, BAD_CAST value);
    xmlFree(v);
    return is;
}

/* rel="canonical" among rel's space-separated tokens */
static int rel_canonical(xmlNodePtr n)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST "rel");
    int is = 0;
    for (const char *p = (const char *)v; p && *p && !is;) {
        p += strspn(p, " \t\n\r\f");
        size_t len = strcspn(p, " \t\n\r\f");
        is = len == 9 && !strncasecmp(p, "canonical", 9);
        p += len;
    }
    xmlFree(v);
    return is;
}

/* Whether the element's id or name is the fragment, as written or as
 * GitHub's rendered Markdown writes it (`user-content-` before the id a
 * heading gets; the link names the heading without it). */
static int names_fragment(xmlNodePtr n, const char *frag)
{
    static const char *const attrs[] = {"id", "name"};
    int is = 0;
    for (int i = 0; i < 2 && !is; i++) {
        xmlChar *v = xmlGetProp(n, BAD_CAST attrs[i]);
        const char *s = (const char *)v;
        if (s) {
            if (!strncmp(s, "user-content-", 13) && strncmp(frag, "user-content-", 13))
                s += 13;
            is = !strcmp(s, frag);
        }
        xmlFree(v);
    }
    return is;
}

static void on_element(xmlNodePtr n, const char *frag, rd_page *p)
{
    const char *name = (const char *)n->name;
    if (frag && p->fragment != RD_FRAGMENT_FOUND && names_fragment(n, frag))
        p->fragment = RD_FRAGMENT_FOUND;
    if (!strcasecmp(name, "title") && !p->title[0] && n->parent &&
        !xmlStrcasecmp(n->parent->name, BAD_CAST "head"))
        take_text(n, p->title, sizeof p->title);
    else if (!strcasecmp(name, "h1") && !p->heading[0])
        take_text(n, p->heading, sizeof p->heading);
    else if (!strcasecmp(name, "meta")) {
        if (!p->description[0] && attr_is(n, "name", "description"))
            take_attr(n, "content", p->description, sizeof p->description);
        else if (!p->og_title[0] &&
                 (attr_is(n, "property", "og:title") || attr_is(n, "name", "og:title")))
            take_attr(n, "content", p->og_title, sizeof p->og_title);
        else if (!p->site_name[0] &&
                 (attr_is(n, "property", "og:site_name") || attr_is(n, "name", "og:site_name")))
            take_attr(n, "content", p->site_name, sizeof p->site_name);
    } else if (!strcasecmp(name, "link") && !p->canonical[0] && rel_canonical(n))
        take_attr(n, "href", p->canonical, sizeof p->canonical);
}

/* A fragment that names no element by design: the top of the page, a
 * client-side route (#/path, #!path), a text fragment (#:~:text=), or a
 * line of a source file on GitHub (#L10, #L10-L20), which its script marks. */
static int fragment_checkable(const char *f)
{
    if (!*f || !strcasecmp(f, "top") || *f == '/' || *f == '!' || !strncmp(f, ":~:", 3))
        return 0;
    if (f[0] == 'L' && f[1] >= '0' && f[1] <= '9')
        return 0;
    return 1;
}

/* The fragment percent-decoded into out (as a browser compares it). */
static void decode_fragment(const char *f, char *out, size_t outsz)
{
    size_t o = 0;
    for (; *f && o + 1 < outsz; f++) {
        unsigned hi, lo;
        if (*f == '%' && sscanf(f + 1, "%1x%1x", &hi, &lo) == 2) {
            out[o++] = (char)(hi << 4 | lo);
            f += 2;
        } else
            out[o++] = *f;
    }
    out[o] = '\0';
}

void rd_page_read(const char *html, size_t len, const char *encoding, const char *fragment,
                  int whole, rd_page *p)
{
    memset(p, 0, sizeof *p);
    char frag[512];
    if (fragment && *fragment == '#')
        fragment++;
    int check_fragment = fragment && fragment_checkable(fragment);
    if (check_fragment) {
        decode_fragment(fragment, frag, sizeof frag);
        p->fragment = RD_FRAGMENT_MISSING;
    }
    if (!len || len > 0x7fffffff)
        return;
    int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
    /* the HTTP header's charset wins over the page's own <meta charset>; one
     * libxml2 cannot convert is left to the page */
    htmlDocPtr doc =
        encoding && *encoding ? htmlReadMemory(html, (int)len, NULL, encoding, opts) : NULL;
    if (!doc)
        doc = htmlReadMemory(html, (int)len, NULL, NULL, opts);
    if (!doc)
        return;
    /* iterative walk in document order: no recursion on deep pages */
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr n = root; n;) {
        if (n->type == XML_ELEMENT_NODE)
            on_element(n, check_fragment ? frag : NULL, p);
        int descend = n->type == XML_ELEMENT_NODE && n->children &&
                      strcasecmp((const char *)n->name, "title");
        if (descend) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        n = n && n != root ? n->next : NULL;
    }
    /* part of the page was not read: an id may be in the rest */
    if (p->fragment == RD_FRAGMENT_MISSING && !whole)
        p->fragment = RD_FRAGMENT_UNKNOWN;
    xmlFreeDoc(doc);
}

void rd_html_title(const char *html, size_t len, char *out, size_t outsz)
{
    rd_page p;
    rd_page_read(html, len, NULL, NULL, 1, &p);
    squeeze(BAD_CAST p.title, out, outsz);
}
