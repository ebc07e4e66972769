/* render/page.h — the HTML pages' parts (internal to render/): tree helpers,
 * and one category's section (section.c) that html.c puts on the index and
 * on its top-level section's page. */
#ifndef RD_RENDER_PAGE_H
#define RD_RENDER_PAGE_H

#include <libxml/tree.h>
#include <stddef.h>

#include "render.h"

/* A child element of parent, with text (escaped by libxml2) when not NULL. */
xmlNodePtr rd_el(xmlNodePtr parent, const char *name, const char *text);
void rd_attr(xmlNodePtr n, const char *name, const char *value);

/* Whether url may become a link: http, https and mailto only. */
int rd_safe_href(const char *url);

/* "2026-11-25T10:27:42.666Z" as "2026-11-25 10:27 UTC" in out[0..n). */
void rd_when(const char *iso, char *out, size_t n);

/* What the status filter offers: each result, then "unchecked". */
enum { RD_ST_UNCHECKED = RD_RES_COUNT, RD_ST_COUNT };

typedef struct rd_section_info {
    int content;                 /* entries, or notes that say something */
    size_t nstatus[RD_ST_COUNT]; /* its entries with a link, by status */
} rd_section_info;

/* Adds the section of category c to parent: heading (linked to page_href),
 * then its notes and entries interleaved in source order. Notes are cmark's
 * safe HTML; images in them become their alt text unless remote_images. A
 * note made of in-page links alone ("back to top") or of raw HTML that cmark
 * drops does not count as content. */
int rd_section_add(rd_pages *pages, const rd_category_row *c, const char *page_href,
                   int remote_images, xmlNodePtr parent, rd_section_info *info, rd_error *err);

#endif
