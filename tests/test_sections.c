/* tests/test_sections.c — a catalog read a section at a time is the catalog
 * read whole: every category, entry, note, in-page link, anchor and finding,
 * with its position, on every list in tests/ and on shapes where a heading
 * line is not a heading (code, HTML) or a link's definition is elsewhere. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "catalog/internal.h"
#include "harness.h"

static void put_pos(rd_buf *b, rd_pos p)
{
    rd_buf_printf(b, "@%d:%d", p.line, p.col);
}

static const char *str(const char *s)
{
    return s ? s : "(null)";
}

static void dump_categories(const rd_catalog *c, rd_buf *b)
{
    for (size_t i = 0; i < c->ncategories; i++) {
        const rd_category *k = &c->categories[i];
        rd_buf_printf(b, "C %d %s|%s|%s|%d|%d|%s|%s|%s|%s", (int)k->kind, k->name, k->slug, k->path,
                      k->level, k->parent, str(k->description), str(k->url_raw), str(k->url),
                      str(k->anchor));
        put_pos(b, k->pos);
        rd_buf_putc(b, '\n');
    }
}

static void dump_entries(const rd_catalog *c, rd_buf *b)
{
    for (size_t i = 0; i < c->nentries; i++) {
        const rd_entry *e = &c->entries[i];
        rd_buf_printf(b, "E %s|%s|%s|%d|%d|%s|%s|%d|%d|%s|%zu|%zu", e->name, str(e->url_raw),
                      str(e->url), (int)e->url_kind, e->missing_scheme, str(e->url_error),
                      e->description, e->category, e->parent, str(e->separator), e->inline_len,
                      e->prose_len);
        put_pos(b, e->pos);
        put_pos(b, e->link_pos);
        rd_buf_putc(b, '\n');
    }
}

static void dump_notes(const rd_catalog *c, rd_buf *b)
{
    for (size_t i = 0; i < c->nnotes; i++) {
        rd_buf_printf(b, "N %d %d %s", (int)c->notes[i].kind, c->notes[i].category,
                      c->notes[i].markdown);
        put_pos(b, c->notes[i].pos);
        rd_buf_putc(b, '\n');
    }
}

static void dump_rest(const rd_catalog *c, rd_buf *b)
{
    for (size_t i = 0; i < c->nnav; i++) {
        rd_buf_printf(b, "V %s|%s", c->nav[i].text, c->nav[i].target);
        put_pos(b, c->nav[i].pos);
        rd_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < c->nids; i++)
        rd_buf_printf(b, "I %s %d\n", c->ids[i].id, c->ids[i].line);
    for (size_t i = 0; i < c->nfindings; i++) {
        rd_buf_printf(b, "F %s %s", c->findings[i].rule, c->findings[i].message);
        put_pos(b, c->findings[i].pos);
        rd_buf_putc(b, '\n');
    }
}

/* Everything the model holds, one line per thing. */
static void dump(const rd_catalog *c, rd_buf *b)
{
    dump_categories(c, b);
    dump_entries(c, b);
    dump_notes(c, b);
    dump_rest(c, b);
}

/* The first line where two dumps differ, or NULL. */
static const char *first_difference(const char *a, const char *b)
{
    const char *line = a;
    for (; *a && *a == *b; a++, b++)
        if (*a == '\n')
            line = a + 1;
    return *a == *b ? NULL : line;
}

/* Parses text whole and a section per heading (and in sections of 64 bytes
 * on), and checks the two catalogs are the same in every field. */
static void same_both_ways(const char *name, const char *text, size_t len)
{
    static const size_t sizes[] = {1, 64, 4096};
    rd_catalog *whole = NULL;
    rd_error err = {0};
    int rc = rd_catalog_read(name, text, len, 0, SIZE_MAX, NULL, NULL, &whole, &err);
    rd_buf want = {0};
    if (rc == RD_OK)
        dump(whole, &want);
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        rd_catalog *parts = NULL;
        rd_error err2 = {0};
        int rc2 = rd_catalog_read(name, text, len, 0, sizes[s], NULL, NULL, &parts, &err2);
        CHECK_INT(rc2, rc);
        if (rc != RD_OK) {
            CHECK_STR(err2.msg, err.msg);
        } else if (rc2 == RD_OK) {
            rd_buf got = {0};
            dump(parts, &got);
            const char *diff =
                first_difference(want.data ? want.data : "", got.data ? got.data : "");
            if (diff)
                fprintf(stderr, "%s (sections of %zu bytes): differs from here:\n%.300s\n", name,
                        sizes[s], diff);
            CHECK(diff == NULL);
            rd_buf_free(&got);
        }
        rd_catalog_free(parts);
    }
    rd_buf_free(&want);
    rd_catalog_free(whole);
}

/* check on every .md file in dir (and every file, with any_name). */
static int each_file_with(const char *dir, int any_name,
                          void (*check)(const char *, const char *, size_t))
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || (!any_name && (l < 4 || strcmp(de->d_name + l - 3, ".md"))))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        char *text;
        size_t len;
        rd_error err = {0};
        if (rd_read_file(path, RD_DEFAULT_MAX_INPUT, &text, &len, &err) != RD_OK)
            continue;
        check(path, text, len);
        free(text);
        n++;
    }
    closedir(d);
    return n;
}

static int each_file(const char *dir, int any_name)
{
    return each_file_with(dir, any_name, same_both_ways);
}

RD_TEST(sections_real_lists)
{
    /* the six published lists, the seed and the shapes lists use */
    CHECK(each_file(RD_TEST_DIR "/data", 0) >= 8);
    CHECK(each_file(RD_TEST_DIR "/parse", 0) >= 10);
}

RD_TEST(sections_test_cases)
{
    CHECK(each_file(RD_TEST_DIR "/lint", 0) >= 2);
    CHECK(each_file(RD_TEST_DIR "/fmt", 0) > 5);
    CHECK(each_file(RD_TEST_DIR "/../fuzz/corpus", 1) > 3);
    CHECK(each_file(RD_TEST_DIR "/../fuzz/crashes", 1) > 0);
}

#define SAME(text) same_both_ways(#text, text, strlen(text))

RD_TEST(sections_heading_lines_that_are_not_headings)
{
    /* in a fenced code block, open to the end or closed just before */
    SAME("# A\n- [a](https://a.example)\n```\n# not a heading\n- [b](https://b.example)\n```\n"
         "# B\n- [c](https://c.example)\n");
    SAME("# A\n```\n# in code to the end\n\n# still code\n");
    SAME("# A\n~~~~\n```\n# code\n~~~\n# code\n~~~~\n# B\n- [c](https://c.example)\n");
    /* in an HTML block: one that ends at a blank line, one that ends at "-->" */
    SAME("# A\n<div>\n# in the div\n- [h](https://h.example)\n</div>\n\n# B\n- [c](https://c"
         ".example)\n");
    SAME("# A\n<!--\n# commented out\n- [x](https://x.example)\n-->\n# B\n- x\n<!-- m -->\n"
         "- [y](https://y.example)\n");
    SAME("<details>\n<summary>s</summary>\n\n# H\n- [d](https://d.example)\n</details>\n# C\n");
    /* in a list item (indented: code of the item) and a quote (closes it) */
    SAME("# A\n- [a](https://a.example)\n\n      # code in the item\n# B\n> quote\n# C\n> "
         "lazy\nline\n# D\n");
    /* setext headings, and "#" lines that are not headings at all */
    SAME("Title\n=====\n#hashtag\n# A\nSub\n---\n####### seven\n#\n# B\n");
}

RD_TEST(sections_inside_lists)
{
    /* a long list splits between its items: loose, tight, with nested
     * items, descriptions on later lines and sub-entries */
    SAME("# A\n- [a](https://a.example) - A.\n\n- [b](https://b.example)\n  more words\n"
         "  - [b1](https://b1.example)\n- gorm\n  ORM.\n- prose item\n- [c](https://c.example)"
         "\n");
    /* a list after one of other bullets (mixed-bullets), a first item, a
     * rule that looks like an item, an ordered list, an item in a quote */
    SAME("# A\n- [a](https://a.example)\n- [b](https://b.example)\n* [c](https://c.example)\n"
         "* [d](https://d.example)\n- - -\n- [e](https://e.example)\n1. [f](https://f.example)"
         "\n2. [g](https://g.example)\n> - [h](https://h.example)\n- [i](https://i.example)\n");
    /* a group whose entries span what would be sections */
    SAME("# A\n- Group - words\n  - [a](https://a.example)\n  - [b](https://b.example)\n- "
         "[c](https://c.example)\n- Other\n  - [d](https://d.example)\n");
    /* an item under a comment marker, and a lazy line */
    SAME("# A\n<!-- m -->\n- [a](https://a.example) - x\nlazy line\n- [b](https://b.example)"
         "\n<!-- n -->\n- [c](https://c.example)\n");
}

RD_TEST(sections_link_definitions_read_whole)
{
    /* a reference-style entry whose definition is in another section */
    const char *t = "# A\n- [x][ref] - an entry\n\n# B\n- [y](https://y.example)\n\n"
                    "[ref]: https://x.example/ref\n";
    SAME(t);
    rd_catalog *c = NULL;
    rd_error err = {0};
    REQUIRE(rd_catalog_read("t.md", t, strlen(t), 0, 1, NULL, NULL, &c, &err) == RD_OK);
    REQUIRE(c->nentries == 2);
    CHECK_STR(c->entries[0].url, "https://x.example/ref");
    rd_catalog_free(c);
}

RD_TEST(sections_generated_catalog)
{
    /* many headings at every level, lists, quotes and notes between them */
    rd_buf b = {0};
    for (int i = 0; i < 400; i++) {
        rd_buf_printf(&b, "%.*s Part %d\n\n", 1 + i % 4, "####", i);
        if (i % 7 == 0)
            rd_buf_printf(&b, "> note %d\n", i);
        if (i % 11 == 0)
            rd_buf_printf(&b, "```\n# code %d\n```\n", i);
        for (int j = 0; j < i % 5; j++)
            rd_buf_printf(&b,
                          "- [e%d-%d](https://h%d.example/%d) - Entry %d.\n  - [s](https://"
                          "s.example/%d/%d)\n",
                          i, j, i % 13, j, j, i, j);
        rd_buf_puts(&b, "\n");
    }
    REQUIRE(!b.oom);
    same_both_ways("generated", b.data, b.len);
    rd_buf_free(&b);
}

/* What a stream hands on, gathered: the entries and notes of each section
 * (numbered from the whole catalog's start), and how many sections came. */
typedef struct gathered {
    rd_buf entries, notes;
    size_t sections, next_entry, next_note, most;
    int bad_base;
} gathered;

static int gather(void *ud, const rd_catalog *cat)
{
    gathered *g = ud;
    g->sections++;
    g->bad_base |= cat->entry_base != g->next_entry || cat->note_base != g->next_note;
    dump_entries(cat, &g->entries);
    dump_notes(cat, &g->notes);
    g->next_entry = cat->entry_base + cat->nentries;
    g->next_note = cat->note_base + cat->nnotes;
    if (cat->nentries > g->most)
        g->most = cat->nentries;
    return 0;
}

/* A catalog handed on a section at a time is, gathered, the whole catalog;
 * and no section holds the entries of another. section_bytes 0: read by
 * rd_catalog_stream, whose sections are read ahead in a thread. */
static void same_streamed(const char *name, const char *text, size_t len, size_t section_bytes,
                          size_t *sections, size_t *most)
{
    rd_catalog *whole = NULL, *rest = NULL;
    rd_error err = {0};
    REQUIRE(rd_catalog_parse(name, text, len, 0, &whole, &err) == RD_OK);
    gathered g = {0};
    if (section_bytes) /* else as ingest reads: a section ahead, in a thread */
        REQUIRE(rd_catalog_read(name, text, len, 0, section_bytes, gather, &g, &rest, &err) ==
                RD_OK);
    else
        REQUIRE(rd_catalog_stream(name, text, len, 0, gather, &g, &rest, &err) == RD_OK);
    CHECK(!g.bad_base);
    CHECK_INT(rest->nentries, 0);
    CHECK_INT(rest->entry_base, whole->nentries);
    CHECK_INT(rest->note_base, whole->nnotes);
    rd_buf want = {0}, got = {0};
    dump(whole, &want);
    dump_categories(rest, &got);
    rd_buf_append(&got, g.entries.data ? g.entries.data : "", g.entries.len);
    rd_buf_append(&got, g.notes.data ? g.notes.data : "", g.notes.len);
    dump_rest(rest, &got);
    const char *diff = first_difference(want.data, got.data ? got.data : "");
    if (diff)
        fprintf(stderr, "%s streamed: differs from here:\n%.300s\n", name, diff);
    CHECK(diff == NULL);
    *sections = g.sections;
    *most = g.most;
    rd_buf_free(&want);
    rd_buf_free(&got);
    rd_buf_free(&g.entries);
    rd_buf_free(&g.notes);
    rd_catalog_free(whole);
    rd_catalog_free(rest);
}

RD_TEST(sections_streamed)
{
    char *text;
    size_t len, sections, most;
    rd_error err = {0};
    REQUIRE(rd_read_file(RD_TEST_DIR "/data/awesome-go.md", 0, &text, &len, &err) == RD_OK);
    same_streamed("awesome-go.md", text, len, 16 << 10, &sections, &most);
    CHECK(sections > 20); /* 16 KiB sections of a 300 KB list */
    CHECK(most < 400);    /* of its 3,000 entries */
    same_streamed("awesome-go.md", text, len, 1 << 20, &sections, &most);
    CHECK_INT(sections, 1); /* sections larger than the list: one */
    free(text);
    REQUIRE(rd_read_file(RD_TEST_DIR "/data/seed.md", 0, &text, &len, &err) == RD_OK);
    same_streamed("seed.md", text, len, 1, &sections, &most);
    CHECK(sections > 3);
    free(text);
}

/* awesome-go.md n times over, each copy under a heading of its own: a list
 * of several sections of the size ingest reads. */
static char *repeated_list(int n, size_t *len)
{
    char *one;
    size_t one_len;
    rd_error err = {0};
    if (rd_read_file(RD_TEST_DIR "/data/awesome-go.md", 0, &one, &one_len, &err) != RD_OK)
        return NULL;
    rd_buf b = {0};
    for (int i = 0; i < n; i++) {
        rd_buf_printf(&b, "\n# Copy %d\n\n", i);
        rd_buf_append(&b, one, one_len);
    }
    free(one);
    *len = b.len;
    return b.oom ? NULL : rd_buf_take(&b);
}

RD_TEST(sections_read_ahead)
{
    size_t len, sections, most;
    char *text = repeated_list(12, &len);
    REQUIRE(text);
    CHECK(len > 3 * RD_SECTION_BYTES);
    same_streamed("twelve.md", text, len, 0, &sections, &most);
    CHECK(sections >= 3);
    free(text);
}

typedef struct stopping {
    int calls, stop_at;
} stopping;

static int stop_at(void *ud, const rd_catalog *cat)
{
    (void)cat;
    stopping *s = ud;
    return ++s->calls == s->stop_at ? RD_EDB : 0; /* as a failed store would */
}

/* What a section's store returns stops the reading, whichever thread reads:
 * the caller gets that error, no catalog, and nothing leaks. */
RD_TEST(sections_read_ahead_stops)
{
    size_t len;
    char *text = repeated_list(12, &len);
    REQUIRE(text);
    for (int at = 1; at <= 3; at++) {
        stopping s = {0, at};
        rd_catalog *rest = (rd_catalog *)&s; /* set to NULL on failure */
        rd_error err = {0};
        int rc = rd_catalog_stream("twelve.md", text, len, 0, stop_at, &s, &rest, &err);
        CHECK_INT(rc, RD_EDB);
        CHECK_INT(s.calls, at);
        CHECK(rest == NULL);
        CHECK(strstr(err.msg, "twelve.md: stopped while reading") != NULL);
    }
    free(text);
}

/* Reads every category's name, as a store does (ingest's put_categories),
 * and takes a while about it, as a store does, so that the reading gets
 * ahead. */
static int read_names(void *ud, const rd_catalog *cat)
{
    size_t *sum = ud;
    usleep(20 * 1000);
    for (size_t i = 0; i < cat->ncategories; i++)
        *sum += strlen(cat->categories[i].name);
    return 0;
}

/* Bad input after several sections: the reading thread stops with its error
 * while the sections it passed on are still being stored, and what they
 * point into lives until they are (ASan would say otherwise). */
RD_TEST(sections_read_ahead_bad_tail)
{
    size_t len;
    char *text = repeated_list(12, &len);
    REQUIRE(text);
    rd_buf b = {0};
    rd_buf_append(&b, text, len);
    rd_buf_puts(&b, "# Deep\n\n");
    for (int i = 0; i < 70; i++)
        rd_buf_printf(&b, "%*s- x\n", 2 * i, "");
    REQUIRE(!b.oom);
    size_t sum = 0;
    rd_catalog *rest = NULL;
    rd_error err = {0};
    int rc = rd_catalog_stream("deep.md", b.data, b.len, 0, read_names, &sum, &rest, &err);
    CHECK_INT(rc, RD_EINPUT);
    CHECK(rest == NULL);
    CHECK(sum > 0);
    CHECK(strstr(err.msg, "deep.md:") != NULL);
    rd_buf_free(&b);
    free(text);
}

/* ---- lint, a section at a time ---- */

static void put_diag(rd_buf *b, const rd_diag *d)
{
    rd_buf_printf(b, "%d:%d %s %s %s\n", d->pos.line, d->pos.col, rd_severity_name(d->severity),
                  d->rule, d->message);
}

static int put_emitted(const rd_diag *d, void *ud)
{
    put_diag(ud, d);
    return 0;
}

typedef struct linting {
    rd_linter *l;
    rd_buf *out;
    rd_error *err;
    size_t sections;
} linting;

static int lint_first(void *ud, const rd_catalog *cat)
{
    linting *x = ud;
    x->sections++;
    return rd_linter_first(x->l, cat);
}

static int lint_second(void *ud, const rd_catalog *cat)
{
    linting *x = ud;
    return rd_linter_section(x->l, cat, put_emitted, x->out, x->err);
}

/* What lint says of the text read whole, and read twice a section at a time
 * (section_bytes as rd_catalog_read takes it; 0: rd_catalog_stream), with
 * every rule on: the same diagnostics in the same order. Stores the
 * sections of the streamed reading in *sections. */
static void lint_same(const char *name, const char *text, size_t len, size_t section_bytes,
                      size_t *sections)
{
    rd_lint_opts all = {~0ull};
    rd_linter *x0 = NULL;
    rd_catalog *whole = NULL, *rest = NULL;
    rd_error err = {0};
    rd_diag *d = NULL;
    size_t n = 0;
    rd_buf want = {0}, got = {0};
    *sections = 0;
    if (rd_catalog_parse(name, text, len, 0, &whole, &err) == RD_EINPUT) {
        /* bad input: the first reading refuses it too, and nothing is said */
        REQUIRE(rd_linter_new(name, &all, &x0, &err) == RD_OK);
        linting bad = {x0, &got, &err, 0};
        CHECK_INT(rd_catalog_read(name, text, len, 0, section_bytes ? section_bytes : 1, lint_first,
                                  &bad, &rest, &err),
                  RD_EINPUT);
        rd_linter_free(x0);
        return;
    }
    REQUIRE(whole);
    REQUIRE(rd_lint(whole, &all, &d, &n, &err) == RD_OK);
    for (size_t i = 0; i < n; i++)
        put_diag(&want, &d[i]);
    rd_diags_free(d, n);
    rd_catalog_free(whole);
    linting x = {NULL, &got, &err, 0};
    REQUIRE(rd_linter_new(name, &all, &x.l, &err) == RD_OK);
    for (int pass = 0; pass < 2; pass++) {
        int (*fn)(void *, const rd_catalog *) = pass ? lint_second : lint_first;
        if (pass)
            REQUIRE(rd_linter_whole(x.l, rest, &err) == RD_OK);
        rd_catalog_free(rest);
        rest = NULL;
        if (section_bytes)
            REQUIRE(rd_catalog_read(name, text, len, 0, section_bytes, fn, &x, &rest, &err) ==
                    RD_OK);
        else
            REQUIRE(rd_catalog_stream(name, text, len, 0, fn, &x, &rest, &err) == RD_OK);
    }
    CHECK_INT(rd_linter_end(x.l, put_emitted, &got), 0);
    rd_linter_free(x.l);
    rd_catalog_free(rest);
    const char *diff = first_difference(want.data ? want.data : "", got.data ? got.data : "");
    if (diff)
        fprintf(stderr, "%s linted in sections of %zu: differs from here:\n%.300s\n", name,
                section_bytes, diff);
    CHECK(diff == NULL);
    rd_buf_free(&want);
    rd_buf_free(&got);
    *sections = x.sections;
}

static void lint_both_ways(const char *name, const char *text, size_t len)
{
    size_t sections;
    lint_same(name, text, len, 1, &sections);
    lint_same(name, text, len, 4096, &sections);
}

/* lint reads a catalog twice a section at a time, and says what it said of
 * the whole text: on every list in tests/, at every split point. */
RD_TEST(sections_lint_test_lists)
{
    CHECK(each_file_with(RD_TEST_DIR "/data", 0, lint_both_ways) >= 8);
    CHECK(each_file_with(RD_TEST_DIR "/parse", 0, lint_both_ways) >= 10);
    CHECK(each_file_with(RD_TEST_DIR "/lint", 0, lint_both_ways) >= 2);
    CHECK(each_file_with(RD_TEST_DIR "/fmt", 0, lint_both_ways) > 5);
    CHECK(each_file_with(RD_TEST_DIR "/../fuzz/corpus", 1, lint_both_ways) > 3);
}

/* What crosses sections: a URL linked again sections later (and by a group
 * label), a table of contents at the end naming headings of the first
 * section, a second title, the order of a category's entries across a
 * split; read as ingest reads, a section ahead. */
RD_TEST(sections_lint_across_sections)
{
    size_t len;
    char *text = repeated_list(3, &len);
    REQUIRE(text);
    rd_buf b = {0};
    rd_buf_append(&b, text, len);
    rd_buf_puts(&b, "\n## Contents\n\n- [Copy 0](#copy-0)\n- [Copy 1](#copy-1)\n"
                    "- [Nowhere](#nowhere)\n\n"
                    "- Gin group - [gin](https://github.com/gin-gonic/gin)\n"
                    "  - [x](https://x.example/) - An entry under it.\n");
    REQUIRE(!b.oom);
    size_t sections;
    lint_same("three.md", b.data, b.len, 0, &sections);
    CHECK(sections >= 3);
    lint_same("three.md", b.data, b.len, 64 << 10, &sections);
    CHECK(sections > 10);
    rd_buf_free(&b);
    free(text);
}

/* ---- parse's dump, a section at a time ---- */

static int dump_one(void *ud, const rd_catalog *cat)
{
    return rd_dumper_section(ud, cat);
}

/* What `parse` prints of the text read whole and read a section at a time
 * (section_bytes as rd_catalog_read takes it): the same bytes. */
static void dump_same(const char *name, const char *text, size_t len, size_t section_bytes)
{
    rd_catalog *whole = NULL, *rest = NULL;
    rd_error err = {0};
    if (rd_catalog_parse(name, text, len, 0, &whole, &err) != RD_OK)
        return; /* bad input: refused before anything is printed (cli/dump.c) */
    char *want = NULL, *got = NULL;
    size_t nwant = 0, ngot = 0;
    FILE *w = open_memstream(&want, &nwant), *g = open_memstream(&got, &ngot);
    REQUIRE(w && g);
    rd_dumper *d = NULL;
    REQUIRE(rd_dumper_new(w, &d) == RD_OK);
    CHECK_INT(rd_dumper_section(d, whole), RD_OK);
    CHECK_INT(rd_dumper_end(d, whole), RD_OK);
    rd_dumper_free(d);
    rd_catalog_free(whole);
    REQUIRE(rd_dumper_new(g, &d) == RD_OK);
    if (section_bytes)
        CHECK_INT(rd_catalog_read(name, text, len, 0, section_bytes, dump_one, d, &rest, &err),
                  RD_OK);
    else
        CHECK_INT(rd_catalog_stream(name, text, len, 0, dump_one, d, &rest, &err), RD_OK);
    if (rest)
        CHECK_INT(rd_dumper_end(d, rest), RD_OK);
    rd_dumper_free(d);
    rd_catalog_free(rest);
    fclose(w);
    fclose(g);
    const char *diff = first_difference(want, got);
    if (diff)
        fprintf(stderr, "%s dumped in sections of %zu: differs from here:\n%.300s\n", name,
                section_bytes, diff);
    CHECK(diff == NULL);
    CHECK(nwant > 0 || len == 0);
    free(want);
    free(got);
}

static void dump_both_ways(const char *name, const char *text, size_t len)
{
    dump_same(name, text, len, 1);
    dump_same(name, text, len, 4096);
}

/* parse prints a catalog a section at a time, and prints what it printed
 * of the whole text: on every list in tests/, at every split point (each
 * category whole, its groups, notes and sub-entries after its entries). */
RD_TEST(sections_dump_test_lists)
{
    CHECK(each_file_with(RD_TEST_DIR "/data", 0, dump_both_ways) >= 8);
    CHECK(each_file_with(RD_TEST_DIR "/parse", 0, dump_both_ways) >= 10);
    CHECK(each_file_with(RD_TEST_DIR "/lint", 0, dump_both_ways) >= 2);
    CHECK(each_file_with(RD_TEST_DIR "/fmt", 0, dump_both_ways) > 5);
    CHECK(each_file_with(RD_TEST_DIR "/../fuzz/corpus", 1, dump_both_ways) > 3);
    size_t len;
    char *text = repeated_list(3, &len);
    REQUIRE(text);
    dump_same("three.md", text, len, 0); /* read ahead, as the command reads */
    free(text);
}
