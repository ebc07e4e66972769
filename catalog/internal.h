/* catalog/internal.h — shared by the files of catalog/, not part of its interface. */
#ifndef RD_CATALOG_INTERNAL_H
#define RD_CATALOG_INTERNAL_H

#include <cmark.h>

#include "catalog.h"

/* Refuses text that is not UTF-8 or holds NUL bytes, naming file, line and
 * column; on success stores a malloc'd array (the caller frees it) of where
 * each line starts, 1-based, with a sentinel at [nlines + 1] == len. A line
 * ends at "\n", "\r\n" or a lone "\r", as cmark counts lines. */
int rd_text_lines(const char *file, const char *text, size_t len, size_t **line_start,
                  size_t *nlines, rd_error *err);

/* Writes a size as people read it ("512 bytes", "1.5 KiB", "32.0 MiB") into
 * buf and returns buf. */
const char *rd_size_text(long long bytes, char *buf, size_t n);

/* Appends p[0..n) less up to cols columns of its leading spaces and tabs (a
 * tab stops every 4 columns, as in CommonMark): a container's indentation
 * comes off a line whether it was written with spaces or tabs. A tab that
 * reaches past cols stays. */
void rd_unindent(const char *p, size_t n, int cols, rd_buf *out);

/* The columns p[0..n) takes, with tabs stopping every 4. */
int rd_columns(const char *p, size_t n);

/* The column where the blocks of a list item start, as CommonMark reads it,
 * for an item whose marker starts at byte at of line p[0..n): after the
 * marker and the 1 to 4 spaces that follow it, or 1 past the marker when 5
 * or more do (its first block is indented code) or nothing does. */
int rd_item_content_column(const char *p, size_t n, size_t at);

/* Whether line p[0..n) closes a fence of at least len characters c, in a
 * container whose blocks start at column strip. */
int rd_closing_fence(const char *p, size_t n, int strip, char c, size_t len);

/* ---- inline.c: what the inlines of a list item say ---- */

/* Appends the plain text of node's subtree: literals, a space for a soft break,
 * a newline for a hard break or between blocks. Raw HTML and images (badges,
 * logos) are not text and are left out. */
void rd_flatten(cmark_node *node, rd_buf *b);

/* The link that makes an item an entry: the first inline of its first
 * paragraph, also as `[[name](url)]` (sets *bracketed) and inside emphasis
 * (`**[name](url)**`). NULL when the item does not start with a link. */
cmark_node *rd_leading_link(cmark_node *item, int *bracketed);

/* Whether a link points into the page itself ("#anchor"). */
int rd_is_anchor_link(cmark_node *link);

/* Appends the text of the paragraph after link (link may sit inside emphasis);
 * *prose_end gets where its prose ends in b, before the tags lists put at the
 * end of a line (links, code spans, badges, brackets). */
void rd_text_after(cmark_node *link, rd_buf *b, size_t *prose_end);

/* How many bytes of s a separator before a description takes: spaces, then
 * "-", ":", "–" or "—", then spaces; a short tag before a " - " is taken
 * with it (":zap: - "). Only the spaces when there is none. */
size_t rd_skip_separator(const char *s);

/* Names an entry whose link holds only images: the words after the link up to
 * a " - " (their length in *used), or else the URL's last path segment. */
void rd_badge_name(const char *url, const char *rest, rd_buf *name, size_t *used);

/* The identifier a link-less item consists of ("gorm", "database/sql",
 * "reflect.DeepEqual"), or NULL when the item is prose. */
const char *rd_identifier_item(cmark_node *item);

/* Reads a group's label, "Name", "Name - words" or "Name - [text](url)", into
 * name and desc; returns its own link (not an anchor), or NULL. */
cmark_node *rd_group_label(cmark_node *item, rd_buf *name, rd_buf *desc);

/* Whether a comment's text is a tool directive (`BEGIN mktoc`, `toc`,
 * `markdownlint-disable`, `lint disable`...), which is never a category. */
int rd_is_directive(const char *name);

/* ---- url.c ---- */

/* rd_url_normalise with curl's URL API for every URL, never the fast path
 * for "https://host/path" (for tests: the two must agree). */
int rd_url_normalise_curl(const char *raw, rd_url_info *info);

/* ---- cmem.c ---- */

/* The allocator to give cmark for one section's tree, and the release of
 * all that tree at once (per thread; nothing may be kept from it). */
cmark_mem *rd_cmark_mem(void);
void rd_cmark_mem_release(void);
/* cmark_parse_document with malloc's memory, out of memory ending the
 * process as in cmem.c (cmark's own allocator aborts). */
cmark_node *rd_cmark_parse(const char *text, size_t len, int options);

/* ---- parse.c ---- */

/* How much text rd_catalog_parse gives cmark at once, at least: a section
 * ends before the next heading that no block reaches past, so cmark's tree
 * is never the whole document's. */
#define RD_SECTION_BYTES ((size_t)1 << 18)

/* rd_catalog_parse (fn NULL) or rd_catalog_stream with sections of
 * section_bytes or more (1: a section at every heading it can, as the tests
 * read; SIZE_MAX: the whole text at once). A text that may define link
 * references is read whole. */
int rd_catalog_read(const char *file, const char *text, size_t len, long long max_input,
                    size_t section_bytes, int (*fn)(void *ud, const rd_catalog *cat), void *ud,
                    rd_catalog **out, rd_error *err);

/* ---- slips.c ---- */

/* What rd_find_slips keeps from one section of a document to the next. */
typedef struct rd_slip_state {
    size_t cap_find, cap_ids;
} rd_slip_state;

/* Adds to cat->findings what CommonMark reads silently in doc but a person
 * most likely did not mean; see the rules in lint.c. doc is the section of
 * text that starts after line line0 (0 for a whole document); line_start and
 * nlines are the whole text's lines. Returns RD_ENOMEM or 0. */
int rd_find_slips(rd_catalog *cat, rd_slip_state *st, cmark_node *doc, int line0, const char *text,
                  const size_t *line_start, size_t nlines);

#endif
