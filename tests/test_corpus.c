/* tests/test_corpus.c — the parser on a large real list (awesome-go's README),
 * checked against counts made independently, line by line, without cmark. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "harness.h"

#define CORPUS RD_TEST_DIR "/data/awesome-go.md"

typedef struct line_counts {
    int headings;     /* "#" to "######" then a space, outside code fences */
    int entries;      /* "- [text](dest" with dest not an in-page "#anchor" */
    int nested;       /* of those, indented two or more spaces */
    int anchors;      /* list items that link to "#anchor" (the table of contents) */
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

static void corpus_counts(void)
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
    printf("awesome-go: %d headings, %d link items (%d nested), %d anchor items\n",
           want.headings, want.entries, want.nested, want.anchors);
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

static void corpus_categories(void)
{
    rd_catalog *cat = NULL;
    rd_error err = {0};
    REQUIRE(rd_catalog_load(CORPUS, 0, &cat, &err) == RD_OK);
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

int main(int argc, char **argv)
{
    static const rd_test_case cases[] = {
        {"corpus_counts", corpus_counts},
        {"corpus_categories", corpus_categories},
    };
    return rd_test_main(argc, argv, cases, sizeof cases / sizeof *cases);
}
