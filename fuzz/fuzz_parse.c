/* fuzz/fuzz_parse.c — libFuzzer target: parse and lint any bytes, then check
 * the invariants the model promises in catalog/catalog.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

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
    rd_catalog_free(cat);
    return 0;
}
