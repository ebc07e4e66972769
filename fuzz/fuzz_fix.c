/* fuzz/fuzz_fix.c — libFuzzer target: `fix` rewriting a catalog with the
 * redirect targets a server could send. The input is those targets, one a
 * line, then a line "%%", then the catalog's Markdown (no "%%" line: no
 * redirects, only scheme-less links are fixed). Each link's URL picks a
 * target by a hash (an empty line: not checked). When rd_fix_apply accepts,
 * the new text must read as the same catalog with only the planned links
 * changed, each to an http(s) destination with nothing Markdown would read
 * in it (an '&' that would start a character reference written "&amp;"),
 * and hold the same links and images, in the same order, with no others
 * changed. A refusal is allowed: nothing is written then (FUZZ_FIX_STRICT=1
 * makes it a failure, to look for needless ones). */
#include <cmark.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

enum { MAX_TARGETS = 16 };

typedef struct targets {
    char *line[MAX_TARGETS];
    size_t n;
    rd_fix_check check;
} targets;

static const rd_fix_check *lookup(const char *url, void *ud)
{
    targets *t = ud;
    if (!t->n)
        return NULL;
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *c = (const unsigned char *)url; *c; c++)
        h = (h ^ *c) * 16777619u;
    const char *to = t->line[h % t->n];
    if (!*to)
        return NULL;
    t->check = (rd_fix_check){.result = RD_RES_REDIRECT, .final_url = to};
    return &t->check;
}

/* Splits "T1\nT2\n%%\nMARKDOWN" into targets and the Markdown. */
static const char *split(const char *s, size_t len, targets *t, size_t *mdlen)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 2 <= len && !sep; i++)
        if ((i == 0 || s[i - 1] == '\n') && s[i] == '%' && s[i + 1] == '%' &&
            (i + 2 == len || s[i + 2] == '\n'))
            sep = s + i;
    if (!sep) {
        *mdlen = len;
        return s;
    }
    for (const char *p = s; p < sep && t->n < MAX_TARGETS;) {
        const char *nl = memchr(p, '\n', (size_t)(sep - p));
        size_t n = (size_t)((nl ? nl : sep) - p);
        t->line[t->n] = strndup(p, n); /* a NUL in the line cuts it, as in a C string */
        CHECK(t->line[t->n]);
        t->n++;
        p += n + 1;
    }
    const char *md = sep + 2 < s + len ? sep + 3 : s + len;
    *mdlen = (size_t)(s + len - md);
    return md;
}

typedef struct link {
    int image;
    char *url;
} link;

/* Every link and image of text, in document order. */
static link *links_of(const char *text, size_t len, size_t *n)
{
    cmark_node *doc = cmark_parse_document(text, len, CMARK_OPT_DEFAULT);
    CHECK(doc);
    link *v = NULL;
    size_t cap = 0;
    *n = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(node);
        if (ev != CMARK_EVENT_ENTER || (type != CMARK_NODE_LINK && type != CMARK_NODE_IMAGE))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            v = realloc(v, cap * sizeof *v);
            CHECK(v);
        }
        const char *url = cmark_node_get_url(node);
        v[*n].image = type == CMARK_NODE_IMAGE;
        v[*n].url = strdup(url ? url : "");
        CHECK(v[*n].url);
        (*n)++;
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
    return v;
}

static void links_free(link *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].url);
    free(v);
}

/* What Markdown reads from a destination fix wrote: each "&amp;" is an '&'
 * (fix writes so an '&' that would start a character reference). */
static char *read_back(const char *with)
{
    char *r = strdup(with), *o = r;
    CHECK(r);
    for (const char *c = with; *c; o++)
        if (!strncmp(c, "&amp;", 5)) {
            *o = '&';
            c += 5;
        } else {
            *o = *c++;
        }
    *o = '\0';
    return r;
}

static const rd_fix *fix_of(const rd_fix *f, size_t n, int entry)
{
    for (size_t k = 0; k < n; k++)
        if (!f[k].skipped && f[k].entry == entry)
            return &f[k];
    return NULL;
}

static void check_fixed(const rd_catalog *before, const char *text, size_t len, const rd_fix *f,
                        size_t nf, const char *out)
{
    for (size_t k = 0; k < nf; k++) {
        if (f[k].skipped)
            continue;
        const char *w = f[k].with;
        CHECK(!strncmp(w, "https://", 8) || !strncmp(w, "http://", 7));
        for (const unsigned char *c = (const unsigned char *)w; *c; c++)
            CHECK(*c > 0x20 && *c < 0x7F && !strchr("()<>\"`\\", *c));
    }
    rd_catalog *after = NULL;
    rd_error err;
    size_t olen = strlen(out);
    CHECK(rd_catalog_parse("fuzz.md", out, olen, (long long)olen + 1, &after, &err) == RD_OK);
    CHECK(after->nentries == before->nentries && after->ncategories == before->ncategories);
    CHECK(after->nnotes == before->nnotes);
    for (size_t i = 0; i < before->nentries; i++) {
        const rd_entry *x = &before->entries[i], *y = &after->entries[i];
        const rd_fix *fx = fix_of(f, nf, (int)i);
        CHECK(!strcmp(x->name, y->name) && !strcmp(x->description, y->description));
        CHECK(x->parent == y->parent && x->category == y->category);
        CHECK(!x->url_raw == !y->url_raw);
        if (x->url_raw) {
            char *want = read_back(fx ? fx->with : x->url_raw);
            CHECK(!strcmp(y->url_raw, fx ? want : x->url_raw));
            free(want);
        }
    }
    for (size_t i = 0; i < before->ncategories; i++)
        CHECK(!strcmp(before->categories[i].name, after->categories[i].name));
    for (size_t i = 0; i < before->nnotes; i++)
        CHECK(!strcmp(before->notes[i].markdown, after->notes[i].markdown));
    /* no link or image appears or goes, and only fixed links change */
    size_t na, nb;
    link *a = links_of(text, len, &na), *b = links_of(out, olen, &nb);
    CHECK(na == nb);
    for (size_t i = 0; i < na; i++) {
        CHECK(a[i].image == b[i].image);
        if (!strcmp(a[i].url, b[i].url))
            continue;
        int planned = 0;
        for (size_t k = 0; k < nf && !planned; k++) {
            char *want = f[k].skipped ? NULL : read_back(f[k].with);
            planned = want && !strcmp(b[i].url, want);
            free(want);
        }
        CHECK(planned);
    }
    links_free(a, na);
    links_free(b, nb);
    rd_catalog_free(after);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    targets t = {0};
    size_t len;
    const char *md = split((const char *)data, size, &t, &len);
    rd_catalog *cat = NULL;
    rd_error err;
    if (rd_catalog_parse("fuzz.md", md, len, 0, &cat, &err) == RD_OK) {
        rd_fix *f = NULL;
        size_t nf = 0;
        char *out = NULL;
        CHECK(rd_fix_plan(cat, md, len, &(rd_text_cursor){0, 0}, lookup, &t, &f, &nf, &err) ==
              RD_OK);
        for (size_t k = 0; k < nf; k++)
            CHECK(f[k].skipped ? f[k].note[0] != '\0' : f[k].with != NULL);
        int rc = rd_fix_apply(cat, md, len, f, nf, &out, &err);
        CHECK(rc == RD_OK || (rc == RD_EINTERNAL && err.msg[0]));
        if (rc != RD_OK && getenv("FUZZ_FIX_STRICT")) { /* to look for needless refusals */
            fprintf(stderr, "refused: %s\n", err.msg);
            for (size_t k = 0; k < nf; k++)
                if (!f[k].skipped)
                    fprintf(stderr, "  %s -> %s\n", cat->entries[f[k].entry].url_raw, f[k].with);
            abort();
        }
        if (rc == RD_OK)
            check_fixed(cat, md, len, f, nf, out);
        free(out);
        rd_fix_free(f, nf);
        rd_catalog_free(cat);
    }
    for (size_t i = 0; i < t.n; i++)
        free(t.line[i]);
    return 0;
}
