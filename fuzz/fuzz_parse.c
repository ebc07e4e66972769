/* fuzz/fuzz_parse.c — libFuzzer target: parse and lint any bytes, then check
 * the invariants the model promises in catalog/catalog.h, and that the text
 * read a section at every place it can be split (catalog/parse.c) is the
 * same catalog, field by field, as the text read whole, and lints and
 * prints (`parse`) the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/internal.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_model(const rd_catalog *cat)
{
    int ncat = (int)cat->ncategories, nent = (int)cat->nentries;
    for (int i = 0; i < ncat; i++) {
        const rd_category *c = &cat->categories[i];
        CHECK(c->name && c->slug && c->path && c->description);
        CHECK(c->parent >= -1 && c->parent < i);
        /* a group sits under a category and has words of its own */
        CHECK(c->kind != RD_CAT_GROUP || (c->parent >= 0 && c->level > 0));
        CHECK(!c->url || c->url_raw);
        /* quadratic, so only on small models; the fuzzer keeps inputs small anyway */
        for (int j = 0; ncat < 200 && j < i; j++)
            CHECK(strcmp(c->slug, cat->categories[j].slug) != 0);
    }
    for (int i = 0; i < nent; i++) {
        const rd_entry *e = &cat->entries[i];
        CHECK(e->name && e->description);
        CHECK(e->category >= 0 && e->category < ncat);
        CHECK(e->parent >= -1 && e->parent < i);
        /* a sub-entry belongs to its parent's category */
        CHECK(e->parent < 0 || cat->entries[e->parent].category == e->category);
        CHECK(e->separator && e->prose_len <= e->inline_len);
        CHECK(e->inline_len <= strlen(e->description));
    }
    for (size_t i = 0; i < cat->nnav; i++)
        CHECK(cat->nav[i].text && cat->nav[i].target);
    for (size_t i = 0; i < cat->nfindings; i++)
        CHECK(cat->findings[i].rule && cat->findings[i].message[0]);
    for (size_t i = 0; i < cat->nnotes; i++) {
        const rd_note *n = &cat->notes[i];
        CHECK(n->markdown && n->category >= -1 && n->category < ncat);
    }
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static int same_pos(rd_pos a, rd_pos b)
{
    return a.line == b.line && a.col == b.col;
}

/* Every field of a and b, positions and findings included. */
static void check_same(const rd_catalog *a, const rd_catalog *b)
{
    CHECK(a->ncategories == b->ncategories && a->nentries == b->nentries);
    CHECK(a->nnotes == b->nnotes && a->nnav == b->nnav && a->nids == b->nids);
    CHECK(a->nfindings == b->nfindings);
    for (size_t i = 0; i < a->ncategories; i++) {
        const rd_category *x = &a->categories[i], *y = &b->categories[i];
        CHECK(x->kind == y->kind && x->level == y->level && x->parent == y->parent);
        CHECK(same_str(x->name, y->name) && same_str(x->slug, y->slug));
        CHECK(same_str(x->path, y->path) && same_str(x->description, y->description));
        CHECK(same_str(x->url_raw, y->url_raw) && same_str(x->url, y->url));
        CHECK(same_str(x->anchor, y->anchor) && same_pos(x->pos, y->pos));
    }
    for (size_t i = 0; i < a->nentries; i++) {
        const rd_entry *x = &a->entries[i], *y = &b->entries[i];
        CHECK(same_str(x->name, y->name) && same_str(x->url_raw, y->url_raw));
        CHECK(same_str(x->url, y->url) && x->url_kind == y->url_kind);
        CHECK(x->missing_scheme == y->missing_scheme && same_str(x->url_error, y->url_error));
        CHECK(same_str(x->description, y->description) && x->category == y->category);
        CHECK(x->parent == y->parent && same_pos(x->pos, y->pos));
        CHECK(same_pos(x->link_pos, y->link_pos) && same_str(x->separator, y->separator));
        CHECK(x->inline_len == y->inline_len && x->prose_len == y->prose_len);
    }
    for (size_t i = 0; i < a->nnotes; i++) {
        CHECK(a->notes[i].kind == b->notes[i].kind);
        CHECK(a->notes[i].category == b->notes[i].category);
        CHECK(same_str(a->notes[i].markdown, b->notes[i].markdown));
        CHECK(same_pos(a->notes[i].pos, b->notes[i].pos));
    }
    for (size_t i = 0; i < a->nnav; i++) {
        CHECK(same_str(a->nav[i].text, b->nav[i].text));
        CHECK(same_str(a->nav[i].target, b->nav[i].target));
        CHECK(same_pos(a->nav[i].pos, b->nav[i].pos));
    }
    for (size_t i = 0; i < a->nids; i++)
        CHECK(same_str(a->ids[i].id, b->ids[i].id) && a->ids[i].line == b->ids[i].line);
    for (size_t i = 0; i < a->nfindings; i++) {
        CHECK(same_str(a->findings[i].rule, b->findings[i].rule));
        CHECK(same_str(a->findings[i].message, b->findings[i].message));
        CHECK(same_pos(a->findings[i].pos, b->findings[i].pos));
    }
}

/* ---- lint and parse's dump, a section at a time ---- */

static int put_diag(const rd_diag *d, void *ud)
{
    fprintf(ud, "%d:%d %d %s %s\n", d->pos.line, d->pos.col, (int)d->severity, d->rule, d->message);
    return 0;
}

typedef struct streamed {
    rd_linter *l;
    rd_dumper *dump;
    FILE *out;
    int pass;
} streamed;

static int each_section(void *ud, const rd_catalog *cat)
{
    streamed *s = ud;
    if (s->dump)
        return rd_dumper_section(s->dump, cat);
    if (s->pass == 0)
        return rd_linter_first(s->l, cat);
    rd_error err;
    return rd_linter_section(s->l, cat, put_diag, s->out, &err);
}

/* What lint says and what parse prints of the text read a section at every
 * place it can end are what they say and print of the whole catalog. */
static void check_streamed(const rd_catalog *cat, const uint8_t *data, size_t size)
{
    rd_lint_opts all = {~0ull};
    rd_diag *d = NULL;
    size_t n = 0;
    rd_error err;
    char *want = NULL, *got = NULL;
    size_t nwant = 0, ngot = 0;
    FILE *w = open_memstream(&want, &nwant), *g = open_memstream(&got, &ngot);
    CHECK(w && g);
    CHECK(rd_lint(cat, &all, &d, &n, &err) == RD_OK);
    for (size_t i = 0; i < n; i++)
        put_diag(&d[i], w);
    rd_diags_free(d, n);
    rd_dumper *dump = NULL;
    CHECK(rd_dumper_new(w, &dump) == RD_OK);
    CHECK(rd_dumper_section(dump, cat) == RD_OK && rd_dumper_end(dump, cat) == RD_OK);
    rd_dumper_free(dump);
    streamed s = {NULL, NULL, g, 0};
    rd_catalog *rest = NULL;
    CHECK(rd_linter_new("fuzz.md", &all, &s.l, &err) == RD_OK);
    for (s.pass = 0; s.pass < 2; s.pass++) {
        if (s.pass)
            CHECK(rd_linter_whole(s.l, rest, &err) == RD_OK);
        rd_catalog_free(rest);
        CHECK(rd_catalog_read("fuzz.md", (const char *)data, size, 0, 1, each_section, &s, &rest,
                              &err) == RD_OK);
    }
    CHECK(rd_linter_end(s.l, put_diag, g) == 0);
    rd_linter_free(s.l);
    rd_catalog_free(rest);
    CHECK(rd_dumper_new(g, &s.dump) == RD_OK);
    CHECK(rd_catalog_read("fuzz.md", (const char *)data, size, 0, 1, each_section, &s, &rest,
                          &err) == RD_OK);
    CHECK(rd_dumper_end(s.dump, rest) == RD_OK);
    rd_dumper_free(s.dump);
    rd_catalog_free(rest);
    fclose(w);
    fclose(g);
    CHECK(nwant == ngot && !memcmp(want, got, nwant));
    free(want);
    free(got);
}

static int pos_le(rd_pos a, rd_pos b)
{
    return a.line < b.line || (a.line == b.line && a.col <= b.col);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rd_catalog *cat = NULL;
    rd_error err;
    if (rd_catalog_parse("fuzz.md", (const char *)data, size, 0, &cat, &err) != RD_OK)
        return 0;
    check_model(cat);
    rd_diag *diags = NULL;
    size_t ndiags = 0;
    if (rd_lint(cat, NULL, &diags, &ndiags, &err) == RD_OK)
        for (size_t i = 0; i < ndiags; i++) {
            CHECK(diags[i].rule && diags[i].message[0]);
            CHECK(i == 0 || pos_le(diags[i - 1].pos, diags[i].pos)); /* sorted by position */
        }
    rd_diags_free(diags, ndiags);
    /* the same text in sections: one at every place a section may end */
    rd_catalog *parts = NULL;
    rd_error err2;
    CHECK(rd_catalog_read("fuzz.md", (const char *)data, size, 0, 1, NULL, NULL, &parts, &err2) ==
          RD_OK);
    check_same(cat, parts);
    rd_catalog_free(parts);
    check_streamed(cat, data, size);
    rd_catalog_free(cat);
    return 0;
}
