/* catalog/catalog.h — the catalog model: Markdown in, plain data out, and the
 * catalog's Markdown rewritten in canonical style (`fmt`).
 *
 * rd_catalog_parse reads a Markdown list with cmark and builds categories
 * (headings and `<!-- name -->` markers), entries (list items that start with a
 * link, plus link-less identifier items), sub-entries and notes, each with its
 * source position. The model is plain data meant to be read: every string and
 * array lives in the catalog's arena and goes away with rd_catalog_free.
 * rd_markdown_format turns a catalog's text into the same catalog's text in
 * one layout, and checks that with rd_catalog_same. */
#ifndef RD_CATALOG_H
#define RD_CATALOG_H

#include <stddef.h>

#include "../common/rd.h"

typedef struct rd_pos {
    int line; /* 1-based */
    int col;  /* 1-based, in bytes */
} rd_pos;

typedef enum rd_category_kind {
    RD_CAT_HEADING, /* a Markdown heading */
    RD_CAT_MARKER,  /* an HTML comment `<!-- name -->` under a heading */
    RD_CAT_TOP      /* content before the first heading */
} rd_category_kind;

typedef struct rd_category {
    rd_category_kind kind;
    const char *name; /* as written, trimmed */
    const char *slug; /* URL- and file-name-safe, unique in the catalog, stable */
    const char *path; /* slugs from the root, joined with '/': "ref/log" */
    int level;        /* heading level; a marker is its heading's level + 1 */
    int parent;       /* index into categories, -1 at the top */
    rd_pos pos;
} rd_category;

typedef enum rd_url_kind {
    RD_URL_NONE,     /* the entry has no link */
    RD_URL_WEB,      /* http or https */
    RD_URL_MAILTO,   /* mailto: */
    RD_URL_FILE,     /* file: */
    RD_URL_RELATIVE, /* a path relative to the catalog */
    RD_URL_OTHER,    /* another scheme (ftp:, git:, ...) */
    RD_URL_UNSAFE,   /* javascript:, data:, vbscript: — never a live link */
    RD_URL_INVALID   /* could not be parsed */
} rd_url_kind;

typedef struct rd_entry {
    const char *name;        /* link text (or the identifier), trimmed */
    const char *url_raw;     /* destination as written, trimmed; NULL without link */
    const char *url;         /* normalised; NULL without link or when invalid */
    rd_url_kind url_kind;
    int missing_scheme;      /* written as host/path; url got "https://" */
    const char *url_error;   /* why the URL is invalid, or NULL */
    const char *description; /* plain text; "" when there is none */
    int category;            /* index into categories */
    int parent;              /* index into entries for a sub-entry, else -1 */
    rd_pos pos;              /* the list item */
    rd_pos link_pos;         /* the link (the item's text for link-less entries) */
} rd_entry;

typedef enum rd_note_kind {
    RD_NOTE_PARAGRAPH,
    RD_NOTE_CODE,  /* fenced or indented code block */
    RD_NOTE_QUOTE, /* block quote */
    RD_NOTE_ITEM,  /* a prose list item (not an entry) */
    RD_NOTE_HTML   /* an HTML block other than a category marker */
} rd_note_kind;

typedef struct rd_note {
    rd_note_kind kind;
    const char *markdown; /* the source lines, as written */
    int category;         /* index into categories, -1 before the first heading */
    rd_pos pos;
} rd_note;

typedef struct rd_catalog {
    const char *file; /* the name used in messages */
    rd_category *categories;
    size_t ncategories;
    rd_entry *entries; /* in document order; a parent comes before its children */
    size_t nentries;
    rd_note *notes;
    size_t nnotes;
    size_t nnav; /* in-page anchor links (a table of contents), not entries */
    rd_arena *arena;
} rd_catalog;

/* Limits that keep hostile input from costing unbounded time or memory. */
enum {
    RD_MAX_DEPTH = 64, /* nested lists, quotes and inline spans (emphasis, links) */
};
#define RD_DEFAULT_MAX_INPUT (32LL << 20)

/* Parses len bytes of Markdown named `file` (for messages). The text must be
 * UTF-8 without NUL bytes, at most RD_DEFAULT_MAX_INPUT unless the caller has
 * raised max_input (0 means the default). On success returns 0 and stores a
 * new catalog in *out: the caller frees it with rd_catalog_free. On bad input
 * returns RD_EINPUT with "file:line:col: problem" in err. */
int rd_catalog_parse(const char *file, const char *text, size_t len, long long max_input,
                     rd_catalog **out, rd_error *err);

/* Reads and parses the file at path. Errors name the file: missing, a
 * directory, unreadable, too large, not text. Same ownership as above. */
int rd_catalog_load(const char *path, long long max_input, rd_catalog **out, rd_error *err);

/* Reads a whole regular file into a malloc'd buffer (NUL-terminated; the caller
 * frees it), refusing directories and files over max_bytes. */
int rd_read_file(const char *path, long long max_bytes, char **data, size_t *len, rd_error *err);

/* The byte offset of a source position in text (lines end at "\n", "\r\n"
 * or "\r", as cmark counts them); len when it lies past the end. */
size_t rd_text_offset(const char *text, size_t len, rd_pos pos);

/* Frees the catalog and all it holds; NULL is harmless. */
void rd_catalog_free(rd_catalog *cat);

/* Number of entries in category c itself (sub-entries included). */
size_t rd_catalog_count(const rd_catalog *cat, int c);

/* Whether a and b hold the same categories, entries (name, URL as written,
 * description, nesting) and notes (the same when they render the same),
 * whatever their positions. When not, says where in why. */
int rd_catalog_same(const rd_catalog *a, const rd_catalog *b, char *why, size_t n);

/* ---- fmt ---- */

/* How fmt writes lists. A field left 0 means "as most of the document does". */
typedef struct rd_fmt_style {
    char bullet; /* '-', '*' or '+' for every bullet item */
    int indent;  /* a nested item's indent from its parent item's marker: 1..8
                  * spaces, or RD_FMT_TAB; kept from the marker's width (so it
                  * nests) to 3 columns more (so it is not code) */
} rd_fmt_style;
enum { RD_FMT_TAB = -1, RD_FMT_MAX_INDENT = 8 };

/* The catalog text in canonical style (see catalog/format.c), with lists in
 * *style (NULL: the document's own). Refuses, with RD_EINTERNAL, to return
 * text whose catalog would differ from the input's; a style out of range is
 * RD_EUSAGE. The caller frees *out. */
int rd_markdown_format(const char *file, const char *text, size_t len,
                       const rd_fmt_style *style, char **out, rd_error *err);

/* ---- URLs ---- */

typedef struct rd_url_info {
    rd_url_kind kind;
    int missing_scheme;
    char *normalised; /* malloc'd; NULL for RD_URL_NONE/INVALID */
    char error[160];  /* for RD_URL_INVALID */
} rd_url_info;

/* Classifies and normalises a link destination with curl's URL API: trims it,
 * turns "host.tld/path" into "https://host.tld/path", lower-cases scheme and
 * host, drops a default port, and keeps path, query and fragment. The caller
 * frees info->normalised. Returns 0, or RD_ENOMEM. */
int rd_url_normalise(const char *raw, rd_url_info *info);

/* ---- slugs ---- */

/* Writes a URL-safe slug of name into b: ASCII letters and digits lower-cased,
 * other ASCII runs as '-', and each non-ASCII code point as "u" + hex. */
void rd_slugify(const char *name, rd_buf *b);

/* ---- lint ---- */

typedef enum rd_severity { RD_SEV_NOTE, RD_SEV_WARNING, RD_SEV_ERROR } rd_severity;

typedef struct rd_diag {
    rd_severity severity;
    const char *rule; /* "missing-scheme", "duplicate-url", ... (static) */
    rd_pos pos;
    char message[400];
} rd_diag;

/* Runs every lint rule over the catalog. On success stores a malloc'd array
 * sorted by position in *out (the caller frees it) and its length in *n. */
int rd_lint(const rd_catalog *cat, rd_diag **out, size_t *n, rd_error *err);

/* "note", "warning" or "error". */
const char *rd_severity_name(rd_severity s);

#endif
