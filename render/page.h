/* render/page.h — the HTML pages' parts (internal to render/): tree helpers,
 * and one category's section (section.c) that html.c puts on the index and
 * on its top-level section's page. */
#ifndef RD_RENDER_PAGE_H
#define RD_RENDER_PAGE_H

#include <libxml/HTMLtree.h>
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

/* Appends ob's bytes to out and closes ob (which this takes). */
int rd_html_take(xmlOutputBufferPtr ob, rd_buf *out);

/* Appends the UTF-8 serialisation of first (and, with siblings, of the
 * nodes after it) to out: libxml2 writes every byte of the markup. first
 * may be NULL (nothing). */
int rd_html_dump(xmlNodePtr first, int siblings, rd_buf *out);

/* Entries a section holds in its tree before it writes them out. */
#define RD_SECTION_EVERY 1024

/* Where a section's HTML goes while it is made: a section of more than
 * `every` entries (0: RD_SECTION_EVERY) appends what is finished of it to
 * buf and calls flush, which writes buf out and empties it. */
typedef struct rd_section_out {
    rd_buf *buf;
    int (*flush)(void *ud); /* 0, or a negative RD_E* code with the error set */
    void *ud;
    size_t every;
} rd_section_out;

/* Adds the section of category c to parent: heading (linked to page_href),
 * then its notes and entries interleaved in source order. Notes are cmark's
 * safe HTML; images in them become their alt text unless remote_images. A
 * note made of in-page links alone ("back to top") or of raw HTML that cmark
 * drops does not count as content.
 *
 * With out, a section that grows past out->every entries is written to
 * out->buf as it is made (out->flush empties it) and, finished, is taken
 * out of parent, the last of its bytes left in out->buf: parent is then as
 * it was, and the section (which has entries, so content) is all in out.
 * Without out (NULL), the whole section stays in parent. */
int rd_section_add(rd_pages *pages, const rd_category_row *c, const char *page_href,
                   int remote_images, xmlNodePtr parent, const rd_section_out *out,
                   rd_section_info *info, rd_error *err);

#endif
