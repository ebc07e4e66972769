/* render/page.h — the HTML pages' parts (internal to render/): tree helpers,
 * and one category's section (section.c) that html.c puts on the index and
 * on its top-level section's page. */
#ifndef RD_RENDER_PAGE_H
#define RD_RENDER_PAGE_H

#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <stddef.h>

#include "../common/queue.h"
#include "render.h"

/* A child element of parent, with text (escaped by libxml2) when not NULL;
 * NULL when it cannot be made (out of memory, or parent NULL). */
xmlNodePtr rd_el(xmlNodePtr parent, const char *name, const char *text);
/* An attribute of n (NULL: nothing). */
void rd_attr(xmlNodePtr n, const char *name, const char *value);
/* Whether rd_el or rd_attr failed in this thread since the last call (which
 * it forgets): a tree built so is not whole, and must not be written. */
int rd_tree_failed(void);

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

/* What the sections read of each category (feed.c): the pages' notes and
 * entries, read in the caller's thread as they are asked for, or read ahead
 * in a thread of its own, which also writes index.json from the rows. */
typedef struct rd_feed {
    rd_pages *pages;
    int json;           /* index.json is written as the categories are read */
    int threaded;       /* read ahead: the rest is the two threads' */
    const int64_t *ids; /* the categories, in the order they are asked for */
    size_t n;
    size_t chunk_bytes;
    rd_queue q;
    pthread_t thread;
    struct chunk *fill; /* the reading thread's: the chunk being filled */
    int64_t reading;    /* and the category it reads */
    int rc;             /* and how the reading ended, once q is closed */
    int stopped;        /* and whether it ended because the caller stopped it */
    rd_error err;
    struct chunk *in; /* the caller's: the chunk being taken */
} rd_feed;

/* Reads in the caller's thread: rd_feed_notes and rd_feed_entries are
 * rd_pages_notes and rd_pages_entries, and with json they open and close
 * each category's object of index.json around them (rd_pages_json_*). */
void rd_feed_here(rd_feed *f, rd_pages *pages, int json);

/* Starts reading the categories ids[0..n) ahead (their index.json objects
 * written as they are read), in chunks of chunk_bytes (0: 256 KiB); with
 * no thread to be had, reads as rd_feed_here(f, pages, 1) does. ids stays
 * the caller's until rd_feed_finish. */
void rd_feed_start(rd_feed *f, rd_pages *pages, const int64_t *ids, size_t n, size_t chunk_bytes);

/* The notes, then the entries, of the next category, which must be
 * category_id: what rd_pages_notes and rd_pages_entries give, in order. */
int rd_feed_notes(rd_feed *f, int64_t category_id,
                  int (*cb)(const char *kind, const char *markdown, int line, void *), void *ud,
                  rd_error *err);
int rd_feed_entries(rd_feed *f, int64_t category_id, int (*cb)(const rd_site_entry *, void *),
                    void *ud, rd_error *err);

/* Ends the reading (stopped, if the caller did not take everything) and
 * returns rc, or the reading's error when rc is RD_OK. */
int rd_feed_finish(rd_feed *f, int rc, rd_error *err);

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
int rd_section_add(rd_feed *feed, const rd_category_row *c, const char *page_href,
                   int remote_images, xmlNodePtr parent, const rd_section_out *out,
                   rd_section_info *info, rd_error *err);

#endif
