/* tests/test_corpus.c — the parser on real lists (awesome-go's README, line by
 * line without cmark; six published lists and the seed, against a count over
 * cmark's tree made here, apart from the parser). */
#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "harness.h"

#define CORPUS RD_TEST_DIR "/data/awesome-go.md"

typedef struct line_counts {
    int headings; /* "#" to "######" then a space, outside code fences */
    int entries;  /* "- [text](dest" with dest not an in-page "#anchor" */
    int nested;   /* of those, indented two or more spaces */
    int anchors;  /* list items that link to "#anchor" (the table of contents) */
} line_counts;

/* The independent count: a list item is a line of optional spaces, a bullet,
 * a space, then "[", the link text up to "]", and "(" right after. This is what
 * a person counts in an awesome list; cmark is not involved. */
static line_counts count_lines(const char *text)
{
    line_counts c = {0};
    int in_fence = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len >= 3 && !strncmp(line, "```", 3))
            in_fence = !in_fence;
        size_t ind = 0;
        while (ind < len && line[ind] == ' ')
            ind++;
        const char *p = line + ind;
        if (in_fence) {
            /* nothing in a code block counts */
        } else if (ind == 0 && *p == '#') {
            size_t h = 0;
            while (h < len && line[h] == '#')
                h++;
            c.headings += h <= 6 && (h == len || line[h] == ' ');
        } else if (len > ind + 3 && strchr("-*+", p[0]) && p[1] == ' ' && p[2] == '[') {
            const char *close = memchr(p, ']', len - ind);
            if (close && close[1] == '(') {
                if (close[2] == '#') {
                    c.anchors++;
                } else {
                    c.entries++;
                    c.nested += ind >= 2;
                }
            }
        }
        line += len + (end != NULL);
    }
    return c;
}

RD_TEST(corpus_counts)
{
    char *text;
    size_t len;
    rd_error err = {0};
    REQUIRE(rd_read_file(CORPUS, 0, &text, &len, &err) == RD_OK);
    line_counts want = count_lines(text);
    rd_catalog *cat = NULL;
    CHECK_INT(rd_catalog_parse("awesome-go.md", text, len, 0, &cat, &err), RD_OK);
    free(text);
    REQUIRE(cat);
    printf("awesome-go: %d headings, %d link items (%d nested), %d anchor items\n", want.headings,
           want.entries, want.nested, want.anchors);
    CHECK(want.entries > 3000); /* the count itself is sane */
    CHECK_INT(cat->ncategories, want.headings);
    CHECK_INT(cat->nentries, want.entries);
    size_t subs = 0, with_url = 0, with_desc = 0;
    for (size_t i = 0; i < cat->nentries; i++) {
        const rd_entry *e = &cat->entries[i];
        subs += e->parent >= 0;
        with_url += e->url != NULL && e->url_kind == RD_URL_WEB;
        with_desc += e->description[0] != '\0';
    }
    CHECK_INT(subs, want.nested);
    CHECK_INT(with_url, cat->nentries); /* every entry has a web URL */
    CHECK(with_desc > cat->nentries * 9 / 10);
    /* the table of contents is navigation, not entries: every line of it */
    CHECK_INT(cat->nnav, want.anchors);
    rd_catalog_free(cat);
}

RD_TEST(corpus_categories)
{
    rd_catalog *cat = NULL;
    rd_error err = {0};
    REQUIRE(rd_test_load_catalog(CORPUS, &cat, &err) == RD_OK);
    REQUIRE(cat->ncategories > 2);
    CHECK_STR(cat->categories[0].path, "awesome-go");
    CHECK_STR(cat->categories[1].path, "awesome-go/contents");
    size_t found = 0;
    for (size_t i = 0; i < cat->ncategories; i++) {
        const rd_category *c = &cat->categories[i];
        if (!strcmp(c->name, "Advanced Console UIs")) {
            CHECK_STR(c->path, "awesome-go/command-line/advanced-console-uis");
            CHECK_INT(c->level, 3);
            found++;
        }
        if (!strcmp(c->name, "Fuzzing and delta-debugging/reducing/shrinking")) {
            CHECK_STR(c->slug, "fuzzing-and-delta-debugging-reducing-shrinking");
            found++;
        }
    }
    CHECK_INT(found, 2);
    rd_catalog_free(cat);
}

/* The second count: every list item in cmark's tree, at any depth and under
 * any parent, whose first inline is a link (also inside emphasis, or after a
 * lone "[" as in `[[name](url)]`) that does not point into the page. */
static int first_inline_is_link(cmark_node *item)
{
    cmark_node *para = cmark_node_first_child(item);
    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
        return 0;
    cmark_node *n = cmark_node_first_child(para);
    if (n && cmark_node_get_type(n) == CMARK_NODE_TEXT) {
        const char *t = cmark_node_get_literal(n);
        while (*t == ' ')
            t++;
        if (t[0] == '[' && t[1] == '\0')
            n = cmark_node_next(n);
    }
    if (n &&
        (cmark_node_get_type(n) == CMARK_NODE_STRONG || cmark_node_get_type(n) == CMARK_NODE_EMPH))
        n = cmark_node_first_child(n);
    return n && cmark_node_get_type(n) == CMARK_NODE_LINK && cmark_node_get_url(n)[0] != '#';
}

static size_t tree_count(const char *text, size_t len)
{
    cmark_node *doc = cmark_parse_document(text, len, CMARK_OPT_DEFAULT);
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    size_t n = 0;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_ITEM)
            n += first_inline_is_link(node);
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
    return n;
}

/* Every link item of every list is an entry with its URL: within 0.5% of the
 * count above (items in block quotes, say, are notes), and never more. */
RD_TEST(every_link_item_is_an_entry)
{
    static const char *const lists[] = {"seed.md",
                                        "awesome-go.md",
                                        "awesome-nodejs.md",
                                        "awesome-cpp.md",
                                        "awesome-machine-learning.md",
                                        "awesome-mac-zh.md",
                                        "awesome-selfhosted.md"};
    printf("%-28s %10s %10s %8s\n", "list", "link items", "entries", "diff");
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        char path[512], *text;
        size_t len;
        rd_error err = {0};
        snprintf(path, sizeof path, "%s/data/%s", RD_TEST_DIR, lists[i]);
        REQUIRE(rd_read_file(path, 0, &text, &len, &err) == RD_OK);
        size_t want = tree_count(text, len), got = 0;
        rd_catalog *cat = NULL;
        CHECK_INT(rd_catalog_parse(lists[i], text, len, 0, &cat, &err), RD_OK);
        free(text);
        REQUIRE(cat);
        for (size_t k = 0; k < cat->nentries; k++)
            got += cat->entries[k].url_raw != NULL;
        printf("%-28s %10zu %10zu %+7.2f%%\n", lists[i], want, got,
               want ? 100.0 * ((double)got - (double)want) / (double)want : 0.0);
        CHECK(want > 0);
        CHECK(got <= want);
        CHECK(got * 1000 >= want * 995);
        rd_catalog_free(cat);
    }
}
