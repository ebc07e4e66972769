/* catalog/catalog.h — the catalog model: Markdown in, plain data out, and the
 * catalog's Markdown rewritten in canonical style (`fmt`).
 *
 * rd_catalog_parse reads a Markdown list with cmark and builds categories
 * (headings, `<!-- name -->` markers and group labels), entries (list items
 * that start with a link, plus link-less identifier items), sub-entries and
 * notes, each with its source position. The model is plain data meant to be
 * read: every string and array lives in the catalog's arena and goes away
 * with rd_catalog_free. rd_markdown_format turns a catalog's text into the
 * same catalog's text in one layout, and checks that with rd_catalog_same. */
#ifndef RD_CATALOG_H
#define RD_CATALOG_H

#include <stddef.h>
#include <stdio.h>

#include "../common/rd.h"
#include "../common/result.h"

typedef struct rd_pos {
    int line; /* 1-based */
    int col;  /* 1-based, in bytes */
} rd_pos;

typedef enum rd_category_kind {
    RD_CAT_HEADING, /* a Markdown heading */
    RD_CAT_MARKER,  /* an HTML comment `<!-- name -->` under a heading */
    RD_CAT_TOP,     /* content before the first heading */
    RD_CAT_GROUP    /* a link-less list item whose nested list holds entries */
} rd_category_kind;

typedef struct rd_category {
    rd_category_kind kind;
    const char *name; /* as written, trimmed */
    const char *slug; /* URL- and file-name-safe, unique in the catalog, stable */
    const char *path; /* slugs from the root, joined with '/': "ref/log" */
    int level;        /* heading level; a marker or group is its parent's level + 1 */
    int parent;       /* index into categories, -1 at the top */
    rd_pos pos;
    /* a group's own words after its label ("- Lunar - text") and its own link
     * ("- KeyStore - [awesome-keystore](url)"); "" and NULL for other kinds */
    const char *description;
    const char *url_raw; /* as written, trimmed */
    const char *url;     /* normalised; NULL when invalid */
    const char *anchor;  /* a heading's id on GitHub ("awesome-c--"), else NULL */
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
    const char *name;    /* link text (or the identifier), trimmed */
    const char *url_raw; /* destination as written, trimmed; NULL without link */
    const char *url;     /* normalised; NULL without link or when invalid */
    rd_url_kind url_kind;
    int missing_scheme;      /* written as host/path; url got "https://" */
    const char *url_error;   /* why the URL is invalid, or NULL */
    const char *description; /* plain text; "" when there is none */
    int category;            /* index into categories */
    int parent;              /* index into entries for a sub-entry, else -1 */
    rd_pos pos;              /* the list item */
    rd_pos link_pos;         /* the link (the item's text for link-less entries) */
    /* what stood between the link and its description as written (" - ",
     * ": ", "" ...), and how many bytes of description came from the link's
     * own line; the style rules of lint read them */
    const char *separator;
    size_t inline_len;
    size_t prose_len; /* of those, how many are prose (not trailing tags) */
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

/* An in-page link (`[Tools](#tools)`), as a table of contents has them. */
typedef struct rd_nav {
    const char *text;   /* the link text */
    const char *target; /* the fragment, without '#' */
    rd_pos pos;
} rd_nav;

/* An id or name of raw HTML (`<a name="x"></a>`), a target of in-page links. */
typedef struct rd_anchor {
    const char *id;
    int line;
} rd_anchor;

/* Something CommonMark reads silently that a person most likely did not
 * mean (a missing space after a bullet, an odd indent...): the parser sees
 * it, lint reports it under `rule`. */
typedef struct rd_finding {
    const char *rule; /* static */
    rd_pos pos;
    const char *message;
} rd_finding;

typedef struct rd_catalog {
    const char *file; /* the name used in messages */
    rd_category *categories;
    size_t ncategories;
    rd_entry *entries; /* in document order; a parent comes before its children */
    size_t nentries;
    rd_note *notes;
    size_t nnotes;
    /* the number in the whole catalog of entries[0] and notes[0]: 0, except
     * in a catalog handed on a section at a time (rd_catalog_stream) */
    size_t entry_base, note_base;
    rd_nav *nav; /* in-page anchor links (a table of contents), not entries */
    size_t nnav;
    rd_anchor *ids; /* HTML anchors (`<a name="x">`, `id="x"`) */
    size_t nids;
    rd_finding *findings; /* in document order */
    size_t nfindings;
    rd_arena *arena;
} rd_catalog;

/* Limits that keep hostile input from costing unbounded time or memory. */
enum {
    RD_MAX_DEPTH = 64, /* nested lists, quotes and inline spans (emphasis, links) */
};
#define RD_DEFAULT_MAX_INPUT (32LL << 20)

/* The version of what rd_catalog_parse makes of a text. Raise it whenever the
 * same Markdown gives a different catalog, so that a stored catalog is read
 * again even though its source has not changed. 2: groups, badges, links at
 * any depth. 3: a link whose text spans lines is at the line it starts on.
 * 4: a code note is its code as cmark read it. */
enum { RD_MODEL_VERSION = 4 };

/* Parses len bytes of Markdown named `file` (for messages). The text must be
 * UTF-8 without NUL bytes, at most RD_DEFAULT_MAX_INPUT unless the caller has
 * raised max_input (0 means the default). On success returns 0 and stores a
 * new catalog in *out: the caller frees it with rd_catalog_free. On bad input
 * returns RD_EINPUT with "file:line:col: problem" in err. */
int rd_catalog_parse(const char *file, const char *text, size_t len, long long max_input,
                     rd_catalog **out, rd_error *err);

/* Reads text as rd_catalog_parse does, a section at a time (the text
 * between two headings, 256 KiB or more), and calls fn after each: then cat
 * holds every category so far (with slugs), in-page link, anchor and
 * finding, but the entries and notes of that section only. entries[0] is
 * entry number cat->entry_base of the whole catalog, and an entry's parent
 * counts from the whole catalog's start too (a parent is always in the same
 * section); likewise notes. What fn was given of them is gone after it
 * returns, so the memory used is one section's entries, not the whole
 * text's. fn returns 0 to go on, or an RD_E* code (with err set) that stops
 * the reading; rd_catalog_stream then returns it. On success *out holds
 * what is left (no entries, no notes; their totals in entry_base and
 * note_base). */
int rd_catalog_stream(const char *file, const char *text, size_t len, long long max_input,
                      int (*fn)(void *ud, const rd_catalog *cat), void *ud, rd_catalog **out,
                      rd_error *err);

/* Reads a whole regular file into a malloc'd buffer (NUL-terminated; the caller
 * frees it), refusing directories and files over max_bytes. */
int rd_read_file(const char *path, long long max_bytes, char **data, size_t *len, rd_error *err);

/* rd_fnv1a64 of a file's bytes as rd_read_file would read them (refusing
 * what it refuses), a MiB at a time: not held whole. */
int rd_hash_file(const char *path, long long max_bytes, uint64_t *hash, rd_error *err);

/* The byte offset of a source position in text (lines end at "\n", "\r\n"
 * or "\r", as cmark counts them); len when it lies past the end. */
size_t rd_text_offset(const char *text, size_t len, rd_pos pos);

/* The same, going on from where the last call through c left off (c
 * zeroed at first): positions asked for in order cost one pass over the
 * text, not one each. */
typedef struct rd_text_cursor {
    size_t at; /* where line `line` starts */
    int line;
} rd_text_cursor;
size_t rd_text_offset_from(const char *text, size_t len, rd_pos pos, rd_text_cursor *c);

/* cmark_markdown_to_html, but out of memory ends the process with
 * "refdex: out of memory" and exit code 3, as everywhere cmark is used
 * here, rather than with cmark's abort (catalog/cmem.c). Free the result. */
char *rd_markdown_to_html(const char *text, size_t len, int options);

/* Frees the catalog and all it holds; NULL is harmless. */
void rd_catalog_free(rd_catalog *cat);

/* Whether a and b hold the same categories (with a group's words and link),
 * entries (name, URL as written, description, nesting), navigation targets
 * and notes (the same when they render the same), whatever their positions.
 * When not, says where in why. */
int rd_catalog_same(const rd_catalog *a, const rd_catalog *b, char *why, size_t n);

/* ---- parse: the model as text ---- */

/* What `refdex parse` prints of a catalog (each category with its entries,
 * sub-entries and notes, then in-page links and findings), written to out
 * a section at a time: rd_dumper_section with each section that
 * rd_catalog_stream hands on (or with a whole catalog), then rd_dumper_end
 * with what is left. A category is printed when no later section can add
 * to it (a heading after it has begun); till then what it has waits as
 * text. Each returns 0, RD_ENOMEM, or RD_EINTERNAL when a section adds to
 * a category already printed. The caller frees *d with rd_dumper_free. */
typedef struct rd_dumper rd_dumper;
int rd_dumper_new(FILE *out, rd_dumper **d);
int rd_dumper_section(rd_dumper *d, const rd_catalog *section);
int rd_dumper_end(rd_dumper *d, const rd_catalog *rest);
void rd_dumper_free(rd_dumper *d);

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
int rd_markdown_format(const char *file, const char *text, size_t len, const rd_fmt_style *style,
                       char **out, rd_error *err);

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

/* Writes into b the anchor GitHub gives a heading whose text is name (as
 * rendered, untrimmed): lower case, spaces as '-', punctuation and symbols
 * left out, letters of every script kept. */
void rd_github_anchor(const char *name, rd_buf *b);

/* ---- fix: links that moved ---- */

/* What fix knows of a URL: the result of its latest check. */
typedef struct rd_fix_check {
    rd_result result;
    const char *final_url; /* for a redirect, where it ends; may be NULL */
    /* fix --archive: the link's archived copy (an http(s) URL); a link whose
     * check fails (broken, error) moves to it. NULL: none, or not asked */
    const char *archive_url;
} rd_fix_check;

/* Looks up the latest check of a normalised URL; NULL when there is none. */
typedef const rd_fix_check *(*rd_fix_lookup)(const char *url, void *ud);

/* One link fix changes, or leaves alone and says why. */
typedef struct rd_fix {
    int entry;       /* index into the catalog's entries */
    size_t at, len;  /* the bytes of the text replaced */
    char *with;      /* the new destination (malloc'd), as written into the text */
    const char *why; /* "moved permanently", "no scheme" */
    int skipped;     /* left as is: note says why */
    char note[320];
} rd_fix;

/* Plans the fixes of cat (parsed from text): a link whose latest check is a
 * permanent redirect moves to its target, a dead one (broken, error) to its
 * archived copy when the lookup gives one, a scheme-less one gets https://. A
 * target that is a login page, the site's root, not http(s), or not found in
 * the text is skipped. Stores a malloc'd array in *out (free it with
 * rd_fix_free) and its length in *n. The links are looked for in text from
 * where c (not NULL) was left by the section before (zeroed for the first),
 * so that the sections of a catalog, planned in order, cost one pass over
 * the text. */
int rd_fix_plan(const rd_catalog *cat, const char *text, size_t len, rd_text_cursor *c,
                rd_fix_lookup lookup, void *ud, rd_fix **out, size_t *n, rd_error *err);

/* Applies the planned fixes that are not skipped (sorting f by offset) and
 * stores the new text in *out (the caller frees it). Refuses, with
 * RD_EINTERNAL, text that would not parse to the same catalog with exactly
 * those links changed. */
int rd_fix_apply(const rd_catalog *cat, const char *text, size_t len, rd_fix *f, size_t n,
                 char **out, rd_error *err);

void rd_fix_free(rd_fix *f, size_t n);

/* Writes url into out as a Markdown link destination: only http(s) (returns 0
 * otherwise), with spaces, controls, non-ASCII bytes and ()<>"`\ and the like
 * percent-encoded, and an '&' that would start a character reference
 * ("&amp;", "&#39;") written "&amp;", so that the link reads back as url. */
int rd_fix_destination(const char *url, rd_buf *out);

/* ---- lint ---- */

typedef enum rd_severity { RD_SEV_NOTE, RD_SEV_WARNING, RD_SEV_ERROR } rd_severity;

typedef struct rd_diag {
    rd_severity severity;
    const char *rule; /* "missing-scheme", "duplicate-url", ... (static) */
    rd_pos pos;
    const char *message; /* malloc'd: rd_diags_free frees it */
} rd_diag;

/* A lint rule: its name (what --disable takes), its severity, whether it is
 * on by default, and one line on what it reports. */
typedef struct rd_lint_rule {
    const char *name;
    rd_severity severity;
    int on;
    const char *about;
} rd_lint_rule;

/* Every rule, in a fixed order; *n gets how many. */
const rd_lint_rule *rd_lint_rules(size_t *n);

/* Which rules run: a bit per rule of rd_lint_rules. */
typedef struct rd_lint_opts {
    unsigned long long on;
} rd_lint_opts;

/* The rules that are on by default. */
void rd_lint_opts_default(rd_lint_opts *o);
/* Switches the rules named in list ("a,b" or "a b") on or off. An unknown
 * name is RD_EUSAGE, with a message that names it. */
int rd_lint_opts_set(rd_lint_opts *o, const char *list, int on, rd_error *err);

/* Runs the rules that opts has on (NULL: the defaults) over the catalog. On
 * success stores a malloc'd array sorted by position in *out (the caller frees
 * it with rd_diags_free) and its length in *n. */
int rd_lint(const rd_catalog *cat, const rd_lint_opts *opts, rd_diag **out, size_t *n,
            rd_error *err);

void rd_diags_free(rd_diag *d, size_t n);

/* A catalog linted a section at a time (what rd_lint finds, in the same
 * order), so that memory does not grow with its entries: the text is read
 * twice with rd_catalog_stream. The first reading hands each section to
 * rd_linter_first (which notes the URLs that duplicate-url compares), and
 * then what it leaves, the whole catalog's categories, in-page links and
 * findings, to rd_linter_whole. The second hands each section to
 * rd_linter_section, which calls emit for its diagnostics in position
 * order, with those of the whole catalog that come before them; then
 * rd_linter_end emits the rest. A diagnostic lives during the call; a
 * non-zero return from emit stops and is returned. */
typedef struct rd_linter rd_linter;
typedef int (*rd_lint_emit)(const rd_diag *d, void *ud);
/* opts NULL: the defaults. The caller frees *out with rd_linter_free. */
int rd_linter_new(const char *file, const rd_lint_opts *opts, rd_linter **out, rd_error *err);
int rd_linter_first(rd_linter *l, const rd_catalog *section); /* RD_ENOMEM */
int rd_linter_whole(rd_linter *l, const rd_catalog *cat, rd_error *err);
int rd_linter_section(rd_linter *l, const rd_catalog *section, rd_lint_emit emit, void *ud,
                      rd_error *err);
int rd_linter_end(rd_linter *l, rd_lint_emit emit, void *ud);
void rd_linter_free(rd_linter *l);

/* "note", "warning" or "error". */
const char *rd_severity_name(rd_severity s);

#endif
