/* crawler/page.c — what is read from a fetched page: its <title>. */
#include <libxml/HTMLparser.h>
#include <string.h>

#include "internal.h"

void rd_html_title(const char *html, size_t len, char *out, size_t outsz)
{
    out[0] = '\0';
    if (!len || len > 0x7fffffff)
        return;
    htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, NULL,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET);
    if (!doc)
        return;
    /* <title> sits in <head>: look there without walking the whole tree */
    xmlNodePtr root = xmlDocGetRootElement(doc), head = NULL, t = NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n && !head; n = n->next)
        if (n->type == XML_ELEMENT_NODE && !xmlStrcasecmp(n->name, BAD_CAST "head"))
            head = n;
    for (xmlNodePtr n = head ? head->children : NULL; n && !t; n = n->next)
        if (n->type == XML_ELEMENT_NODE && !xmlStrcasecmp(n->name, BAD_CAST "title"))
            t = n;
    xmlChar *text = t ? xmlNodeGetContent(t) : NULL;
    size_t o = 0;
    int space = 0;
    for (const xmlChar *c = text; c && *c;) {
        if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r') {
            space = o > 0;
            c++;
            continue;
        }
        /* copy whole, valid UTF-8 sequences only, so a cut never splits a
         * character and a page's bad bytes become U+FFFD */
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
    xmlFree(text);
    xmlFreeDoc(doc);
}
