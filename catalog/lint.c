/* catalog/lint.c — what is wrong or doubtful in a catalog, as diagnostics.
 *
 * Every rule is in the table below, once: its name, severity, whether it is
 * on by default, and what it reports. Rules about links read the model; the
 * slips that CommonMark reads silently come from the parser (slips.c); the
 * style rules are those awesome lists check with awesome-lint. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const rd_lint_rule rules[] = {
    {"bad-url", RD_SEV_ERROR, 1, "a link that is not a valid URL"},
    {"no-entries", RD_SEV_WARNING, 1, "a catalog with no entries at all (the right file?)"},
    {"unsafe-scheme", RD_SEV_ERROR, 1, "javascript:, data: or vbscript: links"},
    {"missing-scheme", RD_SEV_WARNING, 1, "a link written as host/path, read as https://"},
    {"duplicate-url", RD_SEV_WARNING, 1, "the same URL linked twice (entries and groups)"},
    {"empty-name", RD_SEV_WARNING, 1, "a link with no text"},
    {"no-space-after-bullet", RD_SEV_WARNING, 1,
     "`-[x](url)`: read as text of the line above, not as an item"},
    {"glued-line", RD_SEV_WARNING, 1,
     "a line starting with a link glued to the item above (no blank line)"},
    {"odd-indent", RD_SEV_WARNING, 1, "an odd indent that nests an item by accident"},
    {"mixed-bullets", RD_SEV_WARNING, 1, "'*' after '-' (or '+'): a new list begins"},
    {"html-hides-list", RD_SEV_WARNING, 1, "list lines swallowed by an HTML block (<details>)"},
    {"dash-separator", RD_SEV_WARNING, 1, "link and description not separated by ' - '"},
    {"description-case", RD_SEV_WARNING, 1, "a description that starts with a small letter"},
    {"description-end", RD_SEV_WARNING, 1, "a description that does not end with . ! or ?"},
    {"name-in-description", RD_SEV_WARNING, 1, "a description that starts with the name"},
    {"toc-anchor", RD_SEV_WARNING, 1, "a table of contents link to no heading"},
    {"toc-missing", RD_SEV_WARNING, 1, "a heading the table of contents leaves out"},
    {"one-h1", RD_SEV_WARNING, 1, "more than one top-level heading"},
    {"bold-heading", RD_SEV_WARNING, 1, "bold text on a line of its own instead of a heading"},
    {"no-url", RD_SEV_NOTE, 1, "an entry without a link"},
    {"http-not-https", RD_SEV_NOTE, 1, "a plain http link"},
    {"table-links", RD_SEV_NOTE, 1, "links in a table, which are not read as entries"},
    {"alphabetical", RD_SEV_NOTE, 0, "entries of a category out of alphabetical order"},
};

enum { NRULES = sizeof rules / sizeof *rules };

const rd_lint_rule *rd_lint_rules(size_t *n)
{
    *n = NRULES;
    return rules;
}

const char *rd_severity_name(rd_severity s)
{
    return s == RD_SEV_ERROR ? "error" : s == RD_SEV_WARNING ? "warning" : "note";
}

static int rule_index(const char *name, size_t n)
{
    for (int i = 0; i < NRULES; i++)
        if (strlen(rules[i].name) == n && !strncmp(rules[i].name, name, n))
            return i;
    return -1;
}

void rd_lint_opts_default(rd_lint_opts *o)
{
    o->on = 0;
    for (int i = 0; i < NRULES; i++)
        if (rules[i].on)
            o->on |= 1ull << i;
}

int rd_lint_opts_set(rd_lint_opts *o, const char *list, int on, rd_error *err)
{
    for (const char *s = list; *s;) {
        size_t n = strcspn(s, ", ");
        if (n) {
            int i = rule_index(s, n);
            if (i < 0)
                return rd_error_set(err, RD_EUSAGE,
                                    "no lint rule is called '%.*s' (see 'refdex lint --rules')",
                                    (int)n, s);
            if (on)
                o->on |= 1ull << i;
            else
                o->on &= ~(1ull << i);
        }
        s += n + (s[n] != '\0');
    }
    return RD_OK;
}

typedef struct diags {
    const rd_lint_opts *opts;
    rd_diag *v;
    size_t n, cap;
    int oom;
} diags;

/* Adds a diagnostic of the named rule, unless the rule is off. */
static void say(diags *d, const char *rule, rd_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void say(diags *d, const char *rule, rd_pos pos, const char *fmt, ...)
{
    int r = rule_index(rule, strlen(rule));
    if (d->oom || r < 0 || !(d->opts->on & (1ull << r)))
        return;
    rd_diag *v = rd_grow(d->v, &d->cap, d->n, sizeof *v);
    if (!v) {
        d->oom = 1;
        return;
    }
    d->v = v;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *m = strdup(msg); /* a line a diagnostic: each as long as it is */
    if (!m) {
        d->oom = 1;
        return;
    }
    d->v[d->n++] = (rd_diag){rules[r].severity, rules[r].name, pos, m};
}

static void lint_url(diags *d, const rd_entry *e)
{
    if (!e->name[0])
        say(d, "empty-name", e->link_pos, "the link to %s has no text", e->url_raw);
    switch (e->url_kind) {
    case RD_URL_INVALID:
        say(d, "bad-url", e->link_pos, "'%s' is not a valid URL: %s", e->url_raw,
            e->url_error ? e->url_error : "?");
        break;
    case RD_URL_UNSAFE:
        say(d, "unsafe-scheme", e->link_pos, "'%.60s' uses a scheme that is never made a live link",
            e->url_raw);
        break;
    case RD_URL_WEB:
        if (e->missing_scheme)
            say(d, "missing-scheme", e->link_pos, "'%s' has no scheme; read as %s", e->url_raw,
                e->url);
        else if (strncmp(e->url, "http://", 7) == 0)
            say(d, "http-not-https", e->link_pos,
                "%s is plain http; prefer https where the site offers it", e->url);
        break;
    default: break;
    }
}

/* Where a description's sentence ends: before trailing tags in brackets
 * ("[MIT]", "**[Deprecated]**", an unclosed "(" before links) and closing
 * marks after its stop. */
static size_t prose_end(const char *s, size_t n)
{
    for (;;) {
        while (n && strchr(" \t\n\"'*_,;", s[n - 1]))
            n--;
        size_t open = n;
        while (open && s[open - 1] != '[' && s[open - 1] != '(' && s[open - 1] != ']' &&
               s[open - 1] != ')')
            open--;
        int tag = open && (s[open - 1] == '[' || s[open - 1] == '('); /* unclosed at the end */
        if (!tag && n && (s[n - 1] == ']' || s[n - 1] == ')')) {      /* a closed group */
            char close = s[n - 1], opener = close == ']' ? '[' : '(';
            size_t k = n - 1;
            while (k && s[k - 1] != opener)
                k--;
            tag = k && (k == 1 || strchr(" *.!?", s[k - 2]) ||
                        (k >= 4 && (unsigned char)s[k - 2] >= 0x80));
            open = k;
        }
        if (!tag || open - 1 == 0)
            return n;
        n = open - 1;
    }
}

/* The style of an entry's own line: `[name](url) - Description.` */
static void lint_style(diags *d, const rd_entry *e)
{
    if (!e->inline_len)
        return;
    const char *s = e->description;
    size_t n = e->inline_len;
    size_t sl = strlen(e->separator);
    if (sl < 3 || strcmp(e->separator + sl - 3, " - ") != 0 || e->separator[0] != ' ')
        say(d, "dash-separator", e->link_pos,
            "'%s' is separated from its description by '%s'; awesome lists use ' - '", e->name,
            e->separator);
    /* a first word with a capital inside ("iOS", "gRPC", "jQuery") is a name,
     * and one with a digit, dot, '_' or '/' an identifier ("i18n", "fs.watch") */
    size_t w = strcspn(s, " ");
    int name = 0;
    for (size_t i = 1; i < w && i < n; i++)
        name |= isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
                strchr("._/", s[i]) != NULL;
    if (islower((unsigned char)s[0]) && !name)
        say(d, "description-case", e->link_pos,
            "the description of '%s' starts with a small letter: '%.30s'", e->name, s);
    size_t end = prose_end(s, e->prose_len);
    static const char *const stops[] = {
        ".",           "!", "?", "\xE2\x80\xA6", "\xE3\x80\x82", "\xEF\xBC\x81",
        "\xEF\xBC\x9F"}; /* … 。 ！ ？ */
    int stopped = 0;
    for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
        size_t k = strlen(stops[i]);
        stopped |= end >= k && !memcmp(s + end - k, stops[i], k);
    }
    if (!stopped)
        say(d, "description-end", e->link_pos,
            "the description of '%s' does not end with '.', '!' or '?'", e->name);
    size_t nl = strlen(e->name);
    if (nl && n > nl && !strncasecmp(s, e->name, nl) && !isalnum((unsigned char)s[nl]))
        say(d, "name-in-description", e->link_pos,
            "the description of '%s' starts with its name; say what it is instead", e->name);
}

static void lint_entry(diags *d, const rd_entry *e)
{
    if (!e->url_raw) {
        say(d, "no-url", e->link_pos, "'%s' has no link", e->name);
        return;
    }
    lint_url(d, e);
    lint_style(d, e);
}

static void lint_headings(diags *d, const rd_catalog *cat)
{
    int h1 = -1;
    for (size_t i = 0; i < cat->ncategories; i++) {
        const rd_category *c = &cat->categories[i];
        if (c->kind != RD_CAT_HEADING || c->level != 1)
            continue;
        if (h1 >= 0)
            say(d, "one-h1", c->pos,
                "a second top-level heading ('%s'; the first is at line %d): a list has one "
                "title, and its sections are '##' headings",
                c->name, cat->categories[h1].pos.line);
        else
            h1 = (int)i;
    }
}

/* ---- the table of contents ---- */

/* An in-page target as a browser compares it: percent-decoded, ASCII
 * letters in lower case (GitHub's own anchors are all lower case). */
static void fold_target(const char *t, rd_buf *out)
{
    for (; *t; t++) {
        if (t[0] == '%' && isxdigit((unsigned char)t[1]) && isxdigit((unsigned char)t[2])) {
            char hex[3] = {t[1], t[2], 0};
            rd_buf_putc(out, (char)tolower((int)strtol(hex, NULL, 16)));
            t += 2;
        } else {
            rd_buf_putc(out, (char)tolower((unsigned char)*t));
        }
    }
}

/* The table of contents: the longest run of navigation links with at most
 * one line between them. Returns its length (0 without one) and its first
 * index in *from. */
static size_t toc_run(const rd_catalog *cat, size_t *from)
{
    size_t best = 0;
    *from = 0;
    for (size_t i = 0, start = 0; i < cat->nnav; i++) {
        if (i > 0 && cat->nav[i].pos.line > cat->nav[i - 1].pos.line + 2)
            start = i;
        if (i + 1 - start > best) {
            best = i + 1 - start;
            *from = start;
        }
    }
    return best >= 3 ? best : 0;
}

/* Anchors of the page: each heading's (a repeated one gets "-1", "-2"...,
 * as GitHub numbers them) and HTML ids. Keys live in the arena. */
static int page_anchors(const rd_catalog *cat, rd_arena *arena, rd_strmap *ids)
{
    rd_buf b = {0};
    int rc = RD_OK;
    for (size_t i = 0; i < cat->ncategories + cat->nids && rc == RD_OK; i++) {
        rd_buf_reset(&b);
        if (i < cat->ncategories) {
            if (!cat->categories[i].anchor)
                continue;
            rd_buf_puts(&b, cat->categories[i].anchor);
        } else {
            fold_target(cat->ids[i - cat->ncategories].id, &b);
        }
        size_t base = b.len;
        for (int k = 1; rc == RD_OK; k++) {
            char *key = rd_arena_strndup(arena, b.data ? b.data : "", b.len);
            int added = key ? rd_strmap_add(ids, key, (int)i, NULL) : RD_ENOMEM;
            if (added != 0 || i >= cat->ncategories) {
                rc = added < 0 ? added : RD_OK;
                break;
            }
            b.len = base;
            rd_buf_printf(&b, "-%d", k);
        }
    }
    rc = b.oom ? RD_ENOMEM : rc;
    rd_buf_free(&b);
    return rc;
}

/* The heading an anchor of page_anchors stands for: itself, or for an HTML
 * anchor the heading right below it (`<a name="x"></a>` then `## X`). */
static int heading_of(const rd_catalog *cat, int at)
{
    if ((size_t)at < cat->ncategories)
        return at;
    int line = cat->ids[(size_t)at - cat->ncategories].line;
    for (size_t i = 0; i < cat->ncategories; i++) { /* in document order */
        const rd_category *c = &cat->categories[i];
        if (c->kind == RD_CAT_HEADING && c->pos.line >= line)
            return c->pos.line <= line + 3 ? (int)i : -1;
    }
    return -1;
}

/* Each navigation link points at an anchor of the page; the table of
 * contents names every heading at the levels it covers. */
static void lint_toc(diags *d, const rd_catalog *cat)
{
    rd_arena *arena = rd_arena_new();
    rd_strmap ids = {0};
    rd_buf b = {0};
    unsigned char *linked = calloc(cat->ncategories + cat->nids + 1, 1);
    if (!arena || !linked || page_anchors(cat, arena, &ids) < 0)
        d->oom = 1;
    size_t from = 0, run = d->oom ? 0 : toc_run(cat, &from);
    int lo = 99, hi = 0;
    for (size_t i = 0; i < cat->nnav && !d->oom; i++) {
        rd_buf_reset(&b);
        fold_target(cat->nav[i].target, &b);
        int at = rd_strmap_get(&ids, b.data ? b.data : "");
        if (at < 0) {
            say(d, "toc-anchor", cat->nav[i].pos, "'#%s' ('%s') is not the anchor of a heading",
                cat->nav[i].target, cat->nav[i].text);
        } else if ((at = heading_of(cat, at)) >= 0) {
            linked[at] = 1; /* from the table of contents or another list of links */
            if (run && i >= from && i < from + run) { /* the levels the table covers */
                int level = cat->categories[at].level;
                lo = level < lo ? level : lo;
                hi = level > hi ? level : hi;
            }
        }
    }
    int end = run ? cat->nav[from + run - 1].pos.line : 0;
    for (size_t i = 0; run && i < cat->ncategories && !d->oom; i++) {
        const rd_category *c = &cat->categories[i];
        if (c->kind == RD_CAT_HEADING && c->pos.line > end && c->level >= lo && c->level <= hi &&
            !linked[i])
            say(d, "toc-missing", c->pos, "the table of contents (line %d) has no link to '%s'",
                cat->nav[from].pos.line, c->name);
    }
    d->oom |= b.oom;
    rd_buf_free(&b);
    free(linked);
    rd_strmap_free(&ids);
    rd_arena_free(arena);
}

static int by_position(const void *a, const void *b)
{
    const rd_diag *x = a, *y = b;
    if (x->pos.line != y->pos.line)
        return x->pos.line < y->pos.line ? -1 : 1;
    if (x->pos.col != y->pos.col)
        return x->pos.col < y->pos.col ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

/* ---- a catalog linted a section at a time ---- */

/* The first entry (or group) that links a URL: what a later one's
 * duplicate-url says. */
typedef struct first_link {
    int entry; /* its number in the whole catalog; -1 for a group's link */
    int line;
    const char *name; /* in the linter's arena */
} first_link;

struct rd_linter {
    const char *file;
    rd_lint_opts opts;
    rd_arena *arena; /* the URLs and names of first_links */
    rd_strmap urls;  /* URL → index into first */
    first_link *first;
    size_t nfirst, capfirst;
    size_t nentries; /* in the whole catalog, counted by the first reading */
    diags whole;     /* what needs the whole catalog, sorted; whole.v[next] is next */
    size_t next;     /* the first of whole not yet handed on */
    char **last;     /* alphabetical: each category's last top-level entry's name */
    size_t ncats;
    int oom;
};

int rd_linter_new(const char *file, const rd_lint_opts *opts, rd_linter **out, rd_error *err)
{
    rd_linter *l = calloc(1, sizeof *l);
    if (l && !(l->arena = rd_arena_new())) {
        free(l);
        l = NULL;
    }
    *out = l;
    if (!l)
        return rd_error_set(err, RD_ENOMEM, "%s: out of memory while linting", file);
    l->file = file;
    if (opts)
        l->opts = *opts;
    else
        rd_lint_opts_default(&l->opts);
    l->whole.opts = &l->opts;
    return RD_OK;
}

/* Notes the URL of an entry (entry >= 0) or a group: 1 when it is the
 * first to link it, else 0 with the first in *f. */
static int first_of(rd_linter *l, const char *url, int entry, int line, const char *name,
                    const first_link **f)
{
    int at = rd_strmap_get(&l->urls, url);
    if (at >= 0) {
        *f = &l->first[at];
        return 0;
    }
    first_link *v = rd_grow(l->first, &l->capfirst, l->nfirst, sizeof *v);
    char *key = rd_arena_strdup(l->arena, url), *n = rd_arena_strdup(l->arena, name);
    if (!v || !key || !n || rd_strmap_add(&l->urls, key, (int)l->nfirst, NULL) < 0) {
        l->first = v ? v : l->first;
        l->oom = 1;
        return 1;
    }
    l->first = v;
    l->first[l->nfirst++] = (first_link){entry, line, n};
    return 1;
}

/* A URL duplicate-url reads: an entry's (not a relative one's) or a group's. */
static const char *dup_url(const rd_entry *e)
{
    return e->url && e->url_kind != RD_URL_RELATIVE ? e->url : NULL;
}

int rd_linter_first(rd_linter *l, const rd_catalog *section)
{
    for (size_t i = 0; i < section->nentries && !l->oom; i++) {
        const rd_entry *e = &section->entries[i];
        const first_link *f;
        if (dup_url(e))
            first_of(l, e->url, (int)(section->entry_base + i), e->link_pos.line, e->name, &f);
    }
    l->nentries = section->entry_base + section->nentries;
    return l->oom ? RD_ENOMEM : RD_OK;
}

int rd_linter_whole(rd_linter *l, const rd_catalog *cat, rd_error *err)
{
    diags *d = &l->whole;
    if (l->nentries == 0)
        say(d, "no-entries", (rd_pos){1, 1},
            "%s has no entries: no list item starts with a link or is a name; is it the "
            "catalog you meant?",
            cat->file);
    /* a group's link after every entry's, as they are counted */
    for (size_t i = 0; i < cat->ncategories && !d->oom && !l->oom; i++) {
        const rd_category *c = &cat->categories[i];
        const first_link *f;
        if (c->url && !first_of(l, c->url, -1, c->pos.line, c->name, &f))
            say(d, "duplicate-url", c->pos, "%s is also linked at line %d ('%s')", c->url, f->line,
                f->name);
    }
    lint_headings(d, cat);
    lint_toc(d, cat);
    for (size_t i = 0; i < cat->nfindings && !d->oom; i++)
        say(d, cat->findings[i].rule, cat->findings[i].pos, "%s", cat->findings[i].message);
    l->ncats = cat->ncategories;
    if (!d->oom && !l->oom && (l->opts.on & (1ull << rule_index("alphabetical", 12))))
        l->oom = !(l->last = calloc(l->ncats + 1, sizeof *l->last));
    if (d->oom || l->oom)
        return rd_error_set(err, RD_ENOMEM, "%s: out of memory while linting", cat->file);
    /* glibc's qsort merges (stable): diagnostics at one place keep the order found */
    if (d->n)
        qsort(d->v, d->n, sizeof *d->v, by_position);
    return RD_OK;
}

/* Entries of each category (sub-entries aside) in alphabetical order. */
static void lint_order(rd_linter *l, diags *d, const rd_entry *e)
{
    if (!l->last || e->parent >= 0 || e->category < 0 || (size_t)e->category >= l->ncats)
        return;
    char **prev = &l->last[e->category];
    if (*prev && strcasecmp(*prev, e->name) > 0)
        say(d, "alphabetical", e->link_pos, "'%s' comes after '%s' but sorts before it", e->name,
            *prev);
    free(*prev);
    if (!(*prev = strdup(e->name)))
        d->oom = 1;
}

/* Hands on the whole catalog's diagnostics that come before pos (all with
 * at_end), then returns whether emit stopped. */
static int emit_whole(rd_linter *l, const rd_diag *before, rd_lint_emit emit, void *ud)
{
    int rc = 0;
    for (; rc == 0 && l->next < l->whole.n; l->next++) {
        if (before && by_position(&l->whole.v[l->next], before) > 0)
            break;
        rc = emit(&l->whole.v[l->next], ud);
    }
    return rc;
}

/* The diagnostics of a section's entries, unsorted, into d. */
static void lint_entries(rd_linter *l, const rd_catalog *section, diags *d)
{
    for (size_t i = 0; i < section->nentries && !d->oom; i++)
        lint_entry(d, &section->entries[i]);
    for (size_t i = 0; i < section->nentries && !d->oom; i++) {
        const rd_entry *e = &section->entries[i];
        int at = dup_url(e) ? rd_strmap_get(&l->urls, e->url) : -1;
        const first_link *f = at >= 0 ? &l->first[at] : NULL;
        if (f && f->entry != (int)(section->entry_base + i))
            say(d, "duplicate-url", e->link_pos, "%s is also linked at line %d ('%s')", e->url,
                f->line, f->name);
    }
    for (size_t i = 0; i < section->nentries && !d->oom; i++)
        lint_order(l, d, &section->entries[i]);
}

int rd_linter_section(rd_linter *l, const rd_catalog *section, rd_lint_emit emit, void *ud,
                      rd_error *err)
{
    diags d = {.opts = &l->opts};
    lint_entries(l, section, &d);
    int rc = RD_OK;
    if (d.oom) {
        rc = rd_error_set(err, RD_ENOMEM, "%s: out of memory while linting", l->file);
    } else {
        if (d.n)
            qsort(d.v, d.n, sizeof *d.v, by_position);
        /* a section's entries lie after those of the sections before it,
         * so merging with the whole catalog's keeps the order of rd_lint */
        for (size_t i = 0; i < d.n && rc == RD_OK; i++)
            if ((rc = emit_whole(l, &d.v[i], emit, ud)) == 0)
                rc = emit(&d.v[i], ud);
    }
    rd_diags_free(d.v, d.n);
    return rc;
}

int rd_linter_end(rd_linter *l, rd_lint_emit emit, void *ud)
{
    return emit_whole(l, NULL, emit, ud);
}

void rd_linter_free(rd_linter *l)
{
    if (!l)
        return;
    rd_diags_free(l->whole.v, l->whole.n);
    for (size_t i = 0; l->last && i < l->ncats; i++)
        free(l->last[i]);
    free(l->last);
    free(l->first);
    rd_strmap_free(&l->urls);
    rd_arena_free(l->arena);
    free(l);
}

int rd_lint(const rd_catalog *cat, const rd_lint_opts *opts, rd_diag **out, size_t *n,
            rd_error *err)
{
    rd_linter *l = NULL;
    *out = NULL;
    *n = 0;
    int rc = rd_linter_new(cat->file, opts, &l, err);
    if (rc == RD_OK && (rc = rd_linter_first(l, cat)) < 0)
        rd_error_set(err, rc, "%s: out of memory while linting", cat->file);
    if (rc == RD_OK)
        rc = rd_linter_whole(l, cat, err);
    if (rc < 0) {
        rd_linter_free(l);
        return rc;
    }
    /* all the diagnostics, sorted at once (what rd_linter_section's merge
     * must come to) */
    diags d = {.opts = &l->opts};
    lint_entries(l, cat, &d);
    for (size_t i = 0; i < l->whole.n && !d.oom; i++) {
        rd_diag *v = rd_grow(d.v, &d.cap, d.n, sizeof *v);
        d.oom = !v;
        if (v) {
            d.v = v;
            d.v[d.n++] = l->whole.v[i];
            l->whole.v[i].message = NULL; /* moved */
        }
    }
    rd_linter_free(l);
    if (d.oom) {
        rd_diags_free(d.v, d.n);
        return rd_error_set(err, RD_ENOMEM, "%s: out of memory while linting", cat->file);
    }
    if (d.n)
        qsort(d.v, d.n, sizeof *d.v, by_position);
    *out = d.v;
    *n = d.n;
    return RD_OK;
}

void rd_diags_free(rd_diag *d, size_t n)
{
    for (size_t i = 0; d && i < n; i++)
        free((char *)d[i].message);
    free(d);
}
