/* tests/test_catalog.c — the parser on the seed catalog (exact) and on edge cases. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "catalog/internal.h"
#include "catalog/repo.h"
#include "harness.h"

static rd_catalog *parse_text(const char *text)
{
    rd_catalog *cat = NULL;
    rd_error err = {0};
    if (rd_catalog_parse("t.md", text, strlen(text), 0, &cat, &err) < 0)
        fprintf(stderr, "parse failed: %s\n", err.msg);
    return cat;
}

static rd_catalog *load_seed(void)
{
    rd_catalog *cat = NULL;
    rd_error err = {0};
    if (rd_test_load_catalog(RD_TEST_DIR "/data/seed.md", &cat, &err) < 0)
        fprintf(stderr, "load failed: %s\n", err.msg);
    return cat;
}

/* Number of entries in category c itself (sub-entries included). */
static size_t entries_in(const rd_catalog *cat, int c)
{
    size_t n = 0;
    for (size_t i = 0; i < cat->nentries; i++)
        n += cat->entries[i].category == c;
    return n;
}

static const rd_entry *find_entry(const rd_catalog *cat, const char *name, int nth)
{
    for (size_t i = 0; i < cat->nentries; i++)
        if (!strcmp(cat->entries[i].name, name) && nth-- == 0)
            return &cat->entries[i];
    return NULL;
}

RD_TEST(seed_categories)
{
    rd_catalog *cat = load_seed();
    REQUIRE(cat);
    /* name, path, kind, entries (sub-entries included), line */
    static const struct {
        const char *name, *path;
        rd_category_kind kind;
        int entries, line;
    } want[] = {
        {"context", "context", RD_CAT_HEADING, 0, 2},
        {"imports", "imports", RD_CAT_HEADING, 4, 10},
        {"tips", "tips", RD_CAT_HEADING, 1, 16},
        {"ref", "ref", RD_CAT_HEADING, 2, 28},
        {"pkg", "ref/pkg", RD_CAT_MARKER, 7, 32},
        {"3rd pkg", "ref/3rd-pkg", RD_CAT_MARKER, 2, 41},
        {"k8s", "ref/k8s", RD_CAT_MARKER, 5, 49},
        {"others", "ref/others", RD_CAT_MARKER, 6, 56},
        {"网络", "ref/u7f51-u7edc", RD_CAT_MARKER, 6, 71},
        {"debug", "ref/debug", RD_CAT_MARKER, 3, 84},
        {"log", "ref/log", RD_CAT_MARKER, 5, 92},
        {"develop", "ref/develop", RD_CAT_MARKER, 12, 100},
        {"数据库", "ref/u6570-u636e-u5e93", RD_CAT_MARKER, 4, 125},
    };
    CHECK_INT(cat->ncategories, sizeof want / sizeof *want);
    for (size_t i = 0; i < cat->ncategories && i < sizeof want / sizeof *want; i++) {
        const rd_category *c = &cat->categories[i];
        CHECK_STR(c->name, want[i].name);
        CHECK_STR(c->path, want[i].path);
        CHECK_INT(c->kind, want[i].kind);
        CHECK_INT(c->pos.line, want[i].line);
        CHECK_INT(entries_in(cat, (int)i), want[i].entries);
        /* the nine markers sit under "ref"; headings at the top */
        CHECK_INT(c->parent, c->kind == RD_CAT_MARKER ? 3 : -1);
    }
    CHECK_INT(cat->nentries, 57);
    rd_catalog_free(cat);
}

RD_TEST(seed_entries)
{
    rd_catalog *cat = load_seed();
    REQUIRE(cat);
    /* the link with a space before ')' */
    const rd_entry *fmt = find_entry(cat, "fmt", 0);
    REQUIRE(fmt);
    CHECK_STR(fmt->url, "https://golang.org/pkg/fmt/");
    CHECK_STR(fmt->url_raw, "https://golang.org/pkg/fmt/");
    CHECK_INT(fmt->pos.line, 33);
    CHECK_INT(fmt->link_pos.col, 3);
    CHECK_STR(fmt->description, "");
    /* "[plot ]": the name is trimmed; the nested item is its description */
    const rd_entry *plot = find_entry(cat, "plot", 0);
    REQUIRE(plot);
    CHECK_STR(plot->description, "绘图");
    CHECK_STR(cat->categories[plot->category].path, "ref/others");
    /* the two scheme-less links */
    const rd_entry *errors = find_entry(cat, "errors", 0);
    REQUIRE(errors);
    CHECK_STR(errors->url_raw, "github.com/pkg/errors");
    CHECK_STR(errors->url, "https://github.com/pkg/errors");
    CHECK(errors->missing_scheme);
    CHECK_STR(errors->description, "add context to the failure path");
    const rd_entry *glog = find_entry(cat, "glog", 0);
    REQUIRE(glog);
    CHECK_STR(glog->url, "https://github.com/golang/glog");
    CHECK(glog->missing_scheme);
    /* a description of two nested lines */
    const rd_entry *negroni = find_entry(cat, "negroni", 0);
    REQUIRE(negroni);
    CHECK_STR(negroni->description, "http中间件\n添加日志或计算耗时");
    CHECK_STR(find_entry(cat, "Go 每日一库", 0)->url, "https://darjun.github.io/");
    rd_catalog_free(cat);
}

RD_TEST(seed_sub_entries)
{
    rd_catalog *cat = load_seed();
    REQUIRE(cat);
    const rd_entry *logr = find_entry(cat, "go-logr/logr", 0);
    REQUIRE(logr);
    REQUIRE(logr->parent >= 0);
    CHECK_STR(cat->entries[logr->parent].name, "glog");
    CHECK_INT(logr->pos.line, 95);
    CHECK_INT(logr->pos.col, 5);
    CHECK_STR(cat->categories[logr->category].path, "ref/log");
    size_t subs = 0;
    for (size_t i = 0; i < cat->nentries; i++)
        subs += cat->entries[i].parent >= 0;
    CHECK_INT(subs, 1);
    rd_catalog_free(cat);
}

RD_TEST(seed_linkless)
{
    rd_catalog *cat = load_seed();
    REQUIRE(cat);
    static const char *const names[] = {"io",   "log",         "time", "net", "reflect.DeepEqual",
                                        "gorm", "database/sql"};
    size_t linkless = 0;
    for (size_t i = 0; i < cat->nentries; i++)
        linkless += cat->entries[i].url_raw == NULL;
    CHECK_INT(linkless, 7);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        /* "log" is also a linked entry in ref/log: the link-less one comes first */
        const rd_entry *e = find_entry(cat, names[i], 0);
        REQUIRE(e);
        CHECK(e->url_raw == NULL && e->url == NULL);
        CHECK_INT(e->url_kind, RD_URL_NONE);
    }
    CHECK_STR(find_entry(cat, "reflect.DeepEqual", 0)->description,
              "func类型都为nil时相等，其他不相等");
    /* the last line of the file has no final newline */
    const rd_entry *sql = find_entry(cat, "database/sql", 0);
    CHECK_INT(sql->pos.line, 129);
    CHECK_STR(cat->categories[sql->category].name, "数据库");
    rd_catalog_free(cat);
}

RD_TEST(seed_notes)
{
    rd_catalog *cat = load_seed();
    REQUIRE(cat);
    REQUIRE(cat->nnotes == 3);
    CHECK_INT(cat->notes[0].kind, RD_NOTE_ITEM);
    CHECK_STR(cat->notes[0].markdown, "+ 简化请求在多个goroutine间的切换");
    CHECK_STR(cat->notes[1].markdown, "+ 每个reqeust都有一个goroutine处理\n"
                                      "    + 可能会创建额外的goroutine\n"
                                      "    + 多个goroutine处理一个request\n"
                                      "    + 如果request超时，则所有的goroutine都应该被终止");
    CHECK_STR(cat->categories[cat->notes[1].category].name, "context");
    CHECK_INT(cat->notes[2].kind, RD_NOTE_CODE);
    CHECK_INT(cat->notes[2].pos.line, 20);
    CHECK_STR(cat->categories[cat->notes[2].category].name, "tips");
    CHECK(strncmp(cat->notes[2].markdown, "```go\nArray1 :=", 15) == 0);
    CHECK(strstr(cat->notes[2].markdown, "// true\n```") != NULL);
    rd_catalog_free(cat);
}

RD_TEST(edge_top_and_anchors)
{
    rd_catalog *cat = parse_text("- [a](https://a.example/) - first\n"
                                 "- [Contents](#contents)\n"
                                 "  - [Sub](#sub)\n"
                                 "# Title\n"
                                 "- [b](https://b.example/): second\n");
    REQUIRE(cat);
    CHECK_INT(cat->nentries, 2);
    CHECK_INT(cat->nnav, 2); /* every anchor line, nested too, is navigation */
    CHECK_STR(cat->nav[0].text, "Contents");
    CHECK_STR(cat->nav[1].target, "sub");
    CHECK_INT(cat->nav[1].pos.line, 3);
    CHECK_STR(cat->categories[cat->entries[0].category].name, "(top)");
    CHECK_STR(cat->entries[0].description, "first");
    CHECK_STR(cat->entries[1].description, "second");
    CHECK_STR(cat->categories[cat->entries[1].category].path, "title");
    rd_catalog_free(cat);
}

RD_TEST(edge_nesting_and_slugs)
{
    rd_catalog *cat =
        parse_text("# A\n## B\n### C\n## B\n<!-- x y -->\n<!-- markdownlint-disable -->\n"
                   "* [e](http://E.Example:80/P?q#f) — dash\n"
                   "  more text\n"
                   "    * [s](https://s.example/)\n"
                   "      * [t](https://t.example/)\n"
                   "        plain line\n");
    REQUIRE(cat);
    REQUIRE(cat->ncategories == 5);
    CHECK_STR(cat->categories[2].path, "a/b/c");
    CHECK_STR(cat->categories[3].slug, "b-2"); /* the second "B" */
    CHECK_STR(cat->categories[4].path, "a/b-2/x-y");
    CHECK_INT(cat->nnotes, 1); /* the markdownlint directive is a note, not a category */
    REQUIRE(cat->nentries == 3);
    CHECK_STR(cat->entries[0].url, "http://e.example/P?q#f");
    CHECK_STR(cat->entries[0].description, "dash more text");
    CHECK_INT(cat->entries[1].parent, 0);
    CHECK_INT(cat->entries[2].parent, 1);
    CHECK_STR(cat->entries[2].description, "plain line");
    CHECK_INT(cat->entries[2].category, 4);
    rd_catalog_free(cat);
}

RD_TEST(edge_crlf_and_no_newline)
{
    rd_catalog *cat = parse_text("## x\r\n\r\n+ [a](https://a.example/)\r\n    + desc\r\n+ b");
    REQUIRE(cat);
    REQUIRE(cat->nentries == 2);
    CHECK_STR(cat->entries[0].description, "desc");
    CHECK_STR(cat->entries[1].name, "b");
    CHECK_INT(cat->entries[1].pos.line, 5);
    rd_catalog_free(cat);
}

RD_TEST(edge_prose_is_kept)
{
    rd_catalog *cat = parse_text("## x\nSome *prose* here.\n\n> quoted\n\n- just some words\n"
                                 "- see [this](https://x.example/) later\n\n<div>raw</div>\n");
    REQUIRE(cat);
    CHECK_INT(cat->nentries, 0);
    REQUIRE(cat->nnotes == 5);
    CHECK_INT(cat->notes[0].kind, RD_NOTE_PARAGRAPH);
    CHECK_STR(cat->notes[0].markdown, "Some *prose* here.");
    CHECK_INT(cat->notes[1].kind, RD_NOTE_QUOTE);
    CHECK_INT(cat->notes[2].kind, RD_NOTE_ITEM);
    CHECK_STR(cat->notes[3].markdown, "- see [this](https://x.example/) later");
    CHECK_INT(cat->notes[4].kind, RD_NOTE_HTML);
    rd_catalog_free(cat);
}

RD_TEST(bad_input_is_refused)
{
    static const struct {
        const char *text;
        size_t len;
        const char *msg;
    } bad[] = {
        {"## ok\nfine\xff\n", 12, "t.md:2:5: invalid UTF-8 (byte 0xFF)"},
        {"ab\ncd\0e", 8, "t.md:2:3: NUL byte"},
        {"\xed\xa0\x80", 3, "t.md:1:1: invalid UTF-8"}, /* a UTF-16 surrogate */
        {"\xc0\xaf", 2, "t.md:1:1: invalid UTF-8"},     /* an overlong '/' */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rd_catalog *cat = (rd_catalog *)1;
        rd_error err = {0};
        CHECK_INT(rd_catalog_parse("t.md", bad[i].text, bad[i].len, 0, &cat, &err), RD_EINPUT);
        CHECK(cat == NULL);
        CHECK(strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) == 0);
        if (strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)))
            fprintf(stderr, "  got: %s\n", err.msg);
    }
}

/* A source position's byte offset, with lines ended by "\n", "\r\n" or
 * "\r": asked for in order through one cursor, asked for backwards (the
 * cursor starts over), and past the end. */
RD_TEST(text_offsets_through_a_cursor)
{
    const char text[] = "ab\ncd\r\nef\rgh\n\nij";
    size_t len = sizeof text - 1;
    const struct {
        rd_pos pos;
        size_t at;
    } want[] = {{{1, 2}, 1}, {{2, 1}, 3},  {{3, 2}, 8},  {{4, 1}, 10},
                {{2, 2}, 4}, {{6, 2}, 15}, {{6, 9}, 16}, {{9, 1}, 16}};
    rd_text_cursor c = {0, 0};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        CHECK_INT(rd_text_offset_from(text, len, want[i].pos, &c), want[i].at);
        CHECK_INT(rd_text_offset(text, len, want[i].pos), want[i].at);
    }
}

/* A file hashed a MiB at a time gives the hash of its bytes read whole, and
 * refuses what reading it would. */
RD_TEST(hash_file_in_chunks)
{
    char path[] = "/tmp/refdex-hash-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    size_t len = (5u << 20) / 2 + 7; /* two and a half MiB and a bit */
    char *text = malloc(len);
    REQUIRE(text);
    for (size_t i = 0; i < len; i++)
        text[i] = (char)('a' + (i * 7919) % 26);
    REQUIRE(write(fd, text, len) == (ssize_t)len);
    close(fd);
    uint64_t h = 0;
    rd_error err = {0};
    CHECK_INT(rd_hash_file(path, 0, &h, &err), RD_OK);
    CHECK(h == rd_fnv1a64(text, len));
    CHECK(rd_fnv1a64_more(rd_fnv1a64("foo", 3), "bar", 3) == rd_fnv1a64("foobar", 6));
    CHECK_INT(rd_hash_file(path, 1 << 20, &h, &err), RD_EINPUT);
    CHECK(strstr(err.msg, "larger than the 1.0 MiB limit") != NULL);
    CHECK_INT(rd_hash_file("/tmp", 0, &h, &err), RD_EINPUT);
    CHECK(strstr(err.msg, "is a directory") != NULL);
    unlink(path);
    CHECK_INT(rd_hash_file(path, 0, &h, &err), RD_ENOTFOUND);
    free(text);
}

RD_TEST(deep_nesting_is_refused)
{
    size_t depth = 100000;
    char *text = malloc(2 * depth + 3);
    REQUIRE(text);
    for (size_t i = 0; i < depth; i++)
        memcpy(text + 2 * i, "> ", 2);
    memcpy(text + 2 * depth, "x\n", 3);
    rd_catalog *cat = NULL;
    rd_error err = {0};
    CHECK_INT(rd_catalog_parse("deep.md", text, strlen(text), 0, &cat, &err), RD_EINPUT);
    CHECK(strstr(err.msg, "deep.md:1:") == err.msg);
    CHECK(strstr(err.msg, "nested more than 64 levels") != NULL);
    free(text);
    /* 63 nested lists and a link in the last are 64 levels: fine */
    rd_buf b = {0};
    for (int i = 0; i < RD_MAX_DEPTH - 1; i++)
        rd_buf_puts(&b, "- ");
    rd_buf_puts(&b, "[x](https://x.example/)\n");
    cat = parse_text(b.data);
    CHECK(cat != NULL);
    /* items with no words of their own pass their nested items on: the link
     * at the bottom is an entry */
    CHECK_INT(cat ? cat->nentries : 0, 1);
    CHECK_INT(cat ? cat->nnotes : 0, 0);
    rd_catalog_free(cat);
    b.len -= strlen("[x](https://x.example/)\n");
    rd_buf_puts(&b, "> *x*\n"); /* 63 lists, a quote, an emphasis: 65 */
    cat = parse_text(b.data);
    CHECK(cat == NULL);
    rd_buf_free(&b);
}

RD_TEST(too_large_is_refused)
{
    rd_catalog *cat = NULL;
    rd_error err = {0};
    CHECK_INT(rd_catalog_parse("big.md", "0123456789", 10, 5, &cat, &err), RD_EINPUT);
    CHECK(strstr(err.msg, "big.md: ") == err.msg);
    CHECK(strstr(err.msg, "limit") != NULL);
}

/* Every input the fuzzer ever crashed on (fuzz/crashes/) gives the outcome
 * written here for it: a new file there needs its line in this table. */
static const struct {
    const char *file;
    int rc;            /* RD_OK, or RD_EINPUT with the message below */
    const char *error; /* the start of the message, for RD_EINPUT */
    size_t categories, entries, notes;
} crashes[] = {
    /* newlines only, at the line index's growth boundaries: an empty catalog */
    {"1022-newlines.md", RD_OK, NULL, 0, 0, 0},
    {"2046-newlines.md", RD_OK, NULL, 0, 0, 0},
    /* a broken link line, thematic breaks and stray words: prose in (top) */
    {"crash-e2007a80eb11ba5136983e40a93c9a16cf051bca", RD_OK, NULL, 1, 0, 44},
    /* fuzz_html: a note's ftp:, tel: and steam: links were live links on the page */
    {"html-note-schemes.md", RD_OK, NULL, 2, 1, 1},
    /* fuzz_fix: a redirect target with "&amp;" made fix refuse the whole file */
    {"fix-entity-target.md", RD_OK, NULL, 1, 2, 1},
    /* fuzz_http: a 429 whose back-off did not fit said "waiting 0s (Retry-After)" */
    {"http-429-retry-after-zero.http", RD_OK, NULL, 1, 0, 1},
    /* fuzz_fix: a link whose text spans lines was placed on its last line, and
     * fix, looking for it from there, refused the file */
    {"fix-link-across-lines.md", RD_OK, NULL, 1, 2, 1},
    /* fuzz_fmt: a nested list after its parent's marker lost its indent on a
     * second pass (fmt was not idempotent); a prose item is one note */
    {"fmt-nested-under-markers.md", RD_OK, NULL, 1, 0, 1},
    /* fuzz_fmt: a list whose first item fmt put on its parent's marker line
     * had its other items written at the catalog's indent, nested deeper
     * (with spaces, with tabs), or changed the indent a second pass chose */
    {"fmt-list-on-marker-line.md", RD_OK, NULL, 1, 1, 0},
    {"fmt-list-on-marker-line-tabs.md", RD_OK, NULL, 1, 1, 0},
    {"fmt-list-under-bare-ordered.md", RD_OK, NULL, 1, 0, 1},
    /* fuzz_fmt: a paragraph moved onto its bare item's marker line made the
     * list under it vote for another indent, so a second pass moved it */
    {"fmt-paragraph-on-marker-line.md", RD_OK, NULL, 1, 0, 1},
    /* fuzz_repos (its first byte picks a URL): ".git" off "...git" left a
     * repository named ".."; as a catalog, not text */
    {"repos-dotdot-git.bin", RD_EINPUT, "NUL byte", 0, 0, 0},
    /* fuzz_repos: "p.git.git" was read as "p.git", which written back read as "p" */
    {"repos-git-git.bin", RD_EINPUT, "NUL byte", 0, 0, 0},
    /* fuzz_repos: ".git" off a GitLab name left "-", where its own pages start */
    {"repos-gitlab-dash.bin", RD_EINPUT, "NUL byte", 0, 0, 0},
    /* fuzz_repos: an answer naming one alias twice ("r1" twice in "data")
     * was counted twice, and "bad" wrapped below 0 */
    {"repos-duplicate-alias.bin", RD_OK, NULL, 1, 0, 1},
    /* fuzz_archive: an object as an object's key, ending in a string, which
     * SQLite 3.40's json_valid takes and its json_extract crashes on */
    {"archive-object-as-key.json", RD_OK, NULL, 1, 0, 1},
};

RD_TEST(fuzz_crashes)
{
    size_t n = sizeof crashes / sizeof *crashes;
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/../fuzz/crashes/%s", RD_TEST_DIR, crashes[i].file);
        rd_catalog *cat = NULL;
        rd_error err = {0};
        int rc = rd_test_load_catalog(path, &cat, &err);
        if (rc != crashes[i].rc)
            fprintf(stderr, "  %s: %s\n", crashes[i].file, rc ? err.msg : "parsed");
        CHECK_INT(rc, crashes[i].rc);
        if (crashes[i].error)
            CHECK(strstr(err.msg, crashes[i].error) != NULL);
        CHECK_INT(cat ? cat->ncategories : 0, crashes[i].categories);
        CHECK_INT(cat ? cat->nentries : 0, crashes[i].entries);
        CHECK_INT(cat ? cat->nnotes : 0, crashes[i].notes);
        rd_catalog_free(cat);
    }
    DIR *d = opendir(RD_TEST_DIR "/../fuzz/crashes");
    REQUIRE(d);
    struct dirent *de;
    size_t found = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        size_t i = 0;
        while (i < n && strcmp(crashes[i].file, de->d_name))
            i++;
        if (i == n)
            fprintf(stderr, "  fuzz/crashes/%s: no outcome in test_catalog.c's table\n",
                    de->d_name);
        CHECK(i < n);
        found++;
    }
    closedir(d);
    CHECK_INT(found, n);
    /* the first one: a line count at the line index's growth boundary */
    for (int lines = 1020; lines < 1026; lines++) {
        char *text = malloc((size_t)lines + 1);
        REQUIRE(text);
        memset(text, '\n', (size_t)lines);
        text[lines] = '\0';
        rd_catalog *cat = parse_text(text);
        CHECK(cat != NULL && cat->nentries == 0);
        rd_catalog_free(cat);
        free(text);
    }
}

/* ---- fix ---- */

typedef struct fake_checks {
    const char *url[4];
    rd_fix_check check[4];
} fake_checks;

static const rd_fix_check *fake_lookup(const char *url, void *ud)
{
    fake_checks *f = ud;
    for (int i = 0; i < 4 && f->url[i]; i++)
        if (!strcmp(f->url[i], url))
            return &f->check[i];
    return NULL;
}

/* Plans and applies the fixes of text; returns the new text (or NULL). */
static char *fix_text(const char *text, fake_checks *fc, rd_fix **f, size_t *n, rd_catalog **cat)
{
    rd_error err = {0};
    *cat = parse_text(text);
    if (!*cat || rd_fix_plan(*cat, text, strlen(text), &(rd_text_cursor){0, 0}, fake_lookup, fc, f,
                             n, &err) < 0)
        return NULL;
    char *out = NULL;
    if (rd_fix_apply(*cat, text, strlen(text), *f, *n, &out, &err) < 0)
        fprintf(stderr, "apply: %s\n", err.msg);
    return out;
}

RD_TEST(fix_rules)
{
    const char *text = "## a\n- [moved](https://a.example/old) - Moved.\n"
                       "- [login](<https://b.example/x>)\n"
                       "- [bare](c.example/y)\n"
                       "- [root](https://d.example/deep/page)\n";
    fake_checks fc = {
        {"https://a.example/old", "https://b.example/x", "https://d.example/deep/page"},
        {{RD_RES_REDIRECT, "https://a.example/new", NULL},
         {RD_RES_REDIRECT, "https://b.example/login?next=/x", NULL},
         {RD_RES_REDIRECT, "https://d.example/", NULL}}};
    rd_fix *f = NULL;
    size_t n = 0;
    rd_catalog *cat = NULL;
    char *out = fix_text(text, &fc, &f, &n, &cat);
    REQUIRE(out);
    CHECK_STR(out, "## a\n- [moved](https://a.example/new) - Moved.\n"
                   "- [login](<https://b.example/x>)\n"
                   "- [bare](https://c.example/y)\n"
                   "- [root](https://d.example/deep/page)\n");
    REQUIRE(n == 4);
    /* one fix per entry: moved and bare change; login and root are left as
     * they are, each with its own reason */
    static const char *const notes[] = {NULL, "it goes to a login page", NULL,
                                        "it goes to the site's root page"};
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        int e = f[i].entry;
        REQUIRE(e >= 0 && e < 4 && !(seen & 1 << e));
        seen |= 1 << e;
        CHECK_INT(f[i].skipped, notes[e] != NULL);
        if (notes[e] && !strstr(f[i].note, notes[e]))
            fprintf(stderr, "  entry %d: note '%s' does not say '%s'\n", e, f[i].note, notes[e]);
        CHECK(!notes[e] || strstr(f[i].note, notes[e]));
    }
    free(out);
    rd_fix_free(f, n);
    rd_catalog_free(cat);
}

/* A target with what Markdown reads as a character reference ("&amp;",
 * "&#39;") keeps it: the link reads back as the target, byte for byte, and
 * the other links are fixed too, not the whole file refused. */
RD_TEST(fix_entity_in_target)
{
    const char *text = "- [x](https://e.example/a)\n- [y](https://e.example/b)\n";
    fake_checks fc = {{"https://e.example/a", "https://e.example/b"},
                      {{RD_RES_REDIRECT, "https://e.example/s?a=1&amp;b=2&#39;&copy&x", NULL},
                       {RD_RES_REDIRECT, "https://e.example/new", NULL}}};
    rd_fix *f = NULL;
    size_t n = 0;
    rd_catalog *cat = NULL;
    char *out = fix_text(text, &fc, &f, &n, &cat);
    REQUIRE(out);
    CHECK_STR(out, "- [x](https://e.example/s?a=1&amp;amp;b=2&amp;#39;&copy&x)\n"
                   "- [y](https://e.example/new)\n");
    rd_catalog *again = parse_text(out);
    REQUIRE(again);
    CHECK_STR(again->entries[0].url_raw, "https://e.example/s?a=1&amp;b=2&#39;&copy&x");
    CHECK_STR(again->entries[1].url_raw, "https://e.example/new");
    free(out);
    rd_fix_free(f, n);
    rd_catalog_free(cat);
    rd_catalog_free(again);
}

/* A link whose text spans lines is where its '[' is (cmark says the line it
 * ends on): lint and reports point there, and fix finds it, not the next
 * link with the same URL. */
RD_TEST(link_across_lines)
{
    const char *text = "- [i)\na](https://a.example/1)\n- [b](https://a.example/1)\n"
                       "- **[two\n  lines](https://b.example/2)**\n";
    rd_catalog *cat = parse_text(text);
    REQUIRE(cat && cat->nentries == 3);
    CHECK_INT(cat->entries[0].link_pos.line, 1);
    CHECK_INT(cat->entries[0].link_pos.col, 3);
    CHECK_INT(cat->entries[2].link_pos.line, 4);
    CHECK_INT(cat->entries[2].link_pos.col, 5);
    rd_catalog_free(cat);
    fake_checks fc = {{"https://a.example/1"}, {{RD_RES_REDIRECT, "https://a.example/new", NULL}}};
    rd_fix *f = NULL;
    size_t n = 0;
    char *out = fix_text(text, &fc, &f, &n, &cat);
    REQUIRE(out);
    CHECK_STR(out, "- [i)\na](https://a.example/new)\n- [b](https://a.example/new)\n"
                   "- **[two\n  lines](https://b.example/2)**\n");
    free(out);
    rd_fix_free(f, n);
    rd_catalog_free(cat);
}

/* fix --archive: a dead link (broken, error) moves to its archived copy,
 * which an API chose: escaped as a redirect's target is, never a link of
 * its own, and never when it is not http(s); a live link keeps its URL. */
RD_TEST(fix_archive)
{
    const char *text = "- [x](https://h.example/a) - Desc.\n- [y](https://h.example/b)\n"
                       "- [z](https://h.example/c)\n- [w](https://h.example/d)\n";
    fake_checks fc = {
        {"https://h.example/a", "https://h.example/b", "https://h.example/c",
         "https://h.example/d"},
        {{RD_RES_BROKEN, NULL,
          "http://web.example/web/1/x)+![p](http://h/pixel)+[evil](javascript:alert(46))<b>"},
         {RD_RES_ERROR, NULL, "javascript:alert(1)"},
         {RD_RES_OK, NULL, "http://web.example/web/2/c"},
         {RD_RES_ERROR, NULL, "https://web.example/web/20200102030405/https://h.example/d"}}};
    rd_fix *f = NULL;
    size_t n = 0;
    rd_catalog *cat = NULL;
    char *out = fix_text(text, &fc, &f, &n, &cat);
    REQUIRE(out);
    CHECK_STR(out, "- [x](http://web.example/web/1/x%29+![p]%28http://h/pixel%29+"
                   "[evil]%28javascript:alert%2846%29%29%3Cb%3E) - Desc.\n"
                   "- [y](https://h.example/b)\n- [z](https://h.example/c)\n"
                   "- [w](https://web.example/web/20200102030405/https://h.example/d)\n");
    rd_catalog *again = parse_text(out);
    REQUIRE(again);
    CHECK_INT(again->nentries, 4);
    CHECK_STR(again->entries[0].name, "x");
    CHECK_STR(again->entries[0].description, "Desc.");
    CHECK_INT(n, 3); /* x and w change, y is refused and says why, z is alive */
    for (size_t i = 0; i < n; i++) {
        CHECK_INT(f[i].skipped, f[i].entry == 1);
        if (f[i].entry == 1)
            CHECK(strstr(f[i].note, "is not an http(s) URL"));
        else
            CHECK_STR(f[i].why, "dead link: its archived copy");
    }
    free(out);
    rd_fix_free(f, n);
    rd_catalog_free(cat);
    rd_catalog_free(again);
}

/* A server chooses a redirect's target: it goes into the Markdown only
 * percent-encoded, as one link, and never when it is not http(s). */
RD_TEST(fix_hostile_targets)
{
    const char *text = "- [x](https://h.example/a) - Desc.\n- [y](https://h.example/b)\n"
                       "- [z](https://h.example/c)\n";
    fake_checks fc = {{"https://h.example/a", "https://h.example/b", "https://h.example/c"},
                      {{RD_RES_REDIRECT,
                        "https://h.example/ok?x=1)+![p](http://h/pixel)+"
                        "[evil](javascript:alert(46))<b>`",
                        NULL},
                       {RD_RES_REDIRECT, "javascript:alert(1)", NULL},
                       {RD_RES_REDIRECT, "https://h.example/x\n# Owned", NULL}}};
    rd_fix *f = NULL;
    size_t n = 0;
    rd_catalog *cat = NULL;
    char *out = fix_text(text, &fc, &f, &n, &cat);
    REQUIRE(out);
    /* only the first link changes: "javascript:" is left in it as text of an
     * https URL whose ")" are encoded (its brackets need not be), never a
     * link's destination of its own */
    CHECK_STR(out, "- [x](https://h.example/ok?x=1%29+![p]%28http://h/pixel%29+"
                   "[evil]%28javascript:alert%2846%29%29%3Cb%3E%60) - Desc.\n"
                   "- [y](https://h.example/b)\n- [z](https://h.example/c)\n");
    rd_catalog *again = parse_text(out);
    REQUIRE(again);
    CHECK_INT(again->nentries, 3);
    CHECK_INT(again->ncategories, 1);
    CHECK_STR(again->entries[0].url_raw, "https://h.example/ok?x=1%29+![p]%28http://h/pixel%29+"
                                         "[evil]%28javascript:alert%2846%29%29%3Cb%3E%60");
    CHECK(strchr(again->entries[0].url_raw, '\n') == NULL);
    CHECK_STR(again->entries[0].description, "Desc.");
    CHECK_STR(again->entries[1].url_raw, "https://h.example/b"); /* javascript: is refused */
    CHECK_STR(again->entries[2].url_raw, "https://h.example/c"); /* so is what does not parse */
    CHECK_INT(n, 3); /* one fix per entry, the two refused ones said why */
    for (size_t i = 0; i < n; i++) {
        CHECK_INT(f[i].skipped, f[i].entry != 0);
        if (f[i].entry == 1)
            CHECK(strstr(f[i].note, "not an http(s) URL"));
        if (f[i].entry == 2)
            CHECK(strstr(f[i].note, "does not parse"));
    }
    free(out);
    rd_fix_free(f, n);
    rd_catalog_free(cat);
    rd_catalog_free(again);
}

/* The fast path for "https://host/path" gives exactly what curl's URL API
 * gives: on every link of the lists in tests/data, and on forms where the
 * two could part (case, ports, dot segments, IP addresses, odd bytes). */
static void same_as_curl(const char *raw, int *fast_differs)
{
    rd_url_info a, b;
    REQUIRE(rd_url_normalise(raw, &a) == RD_OK);
    REQUIRE(rd_url_normalise_curl(raw, &b) == RD_OK);
    int same = a.kind == b.kind && a.missing_scheme == b.missing_scheme &&
               !strcmp(a.error, b.error) &&
               ((!a.normalised && !b.normalised) ||
                (a.normalised && b.normalised && !strcmp(a.normalised, b.normalised)));
    if (!same) {
        fprintf(stderr, "%s: fast '%s' (%d), curl '%s' (%d) %s\n", raw,
                a.normalised ? a.normalised : "-", (int)a.kind, b.normalised ? b.normalised : "-",
                (int)b.kind, b.error);
        ++*fast_differs;
    }
    free(a.normalised);
    free(b.normalised);
}

RD_TEST(url_fast_path_is_curl)
{
    static const char *const lists[] = {"awesome-go.md",
                                        "awesome-nodejs.md",
                                        "awesome-cpp.md",
                                        "awesome-machine-learning.md",
                                        "awesome-mac-zh.md",
                                        "awesome-selfhosted.md",
                                        "seed.md"};
    int differs = 0;
    size_t links = 0;
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++) {
        char path[512];
        snprintf(path, sizeof path, "%s/data/%s", RD_TEST_DIR, lists[l]);
        rd_catalog *cat = NULL;
        rd_error err = {0};
        REQUIRE(rd_test_load_catalog(path, &cat, &err) == RD_OK);
        for (size_t i = 0; i < cat->nentries; i++)
            if (cat->entries[i].url_raw) {
                same_as_curl(cat->entries[i].url_raw, &differs);
                links++;
            }
        rd_catalog_free(cat);
    }
    printf("%zu links\n", links);
    CHECK(links > 7000);
    static const char *const forms[] = {"https://Example.COM/A/b?Q=1#F",
                                        "http://example.com:80/x",
                                        "https://example.com:443",
                                        "https://example.com:8443/x",
                                        "https://example.com:0443/x",
                                        "https://example.com:/x",
                                        "https://example.com:99999/x",
                                        "https://example.com",
                                        "https://example.com?x=1",
                                        "https://example.com#top",
                                        "https://example.com/a/../b",
                                        "https://example.com/./a",
                                        "https://example.com/a/.",
                                        "https://example.com/.well-known/x",
                                        "https://127.0.0.1/x",
                                        "https://127.1/x",
                                        "http://0x7f.1/",
                                        "https://[::1]:8080/x",
                                        "https://user@host.com/x",
                                        "https://host..com/x",
                                        "https://.host.com/x",
                                        "https://-host.com/x",
                                        "https://host-.com/",
                                        "https://h.com/a%20b",
                                        "https://h.com/a%zz",
                                        "https://h.com/{x}|^`<>\"",
                                        "https://h.com/a\\b",
                                        "https://h.com/é",
                                        "https://h.com/a#b#c",
                                        "https://h.com//x",
                                        "https://xn--bcher-kva.example/",
                                        "https://bücher.example/",
                                        "HTTPS://H.COM/X",
                                        "github.com/pkg/errors",
                                        "www.Example.com",
                                        "https://h.com/a?b=c&d=e;f",
                                        "https://h.com/~user/a+b(c)",
                                        "https://h.com/a'b!c$d*e,f",
                                        "https://h.com/x?",
                                        "https://h.com/x#",
                                        "http://h.com:65535/",
                                        "https://1h.com/",
                                        "https://h.c0m/"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
        same_as_curl(forms[i], &differs);
    CHECK_INT(differs, 0);
}

/* Which links name a repository, and which one: the key its metadata is
 * stored under. */
RD_TEST(repo_links)
{
    static const struct {
        const char *url, *key;
    } cases[] = {
        {"https://github.com/sirupsen/logrus", "github:sirupsen/logrus"},
        {"https://github.com/Sirupsen/Logrus/", "github:sirupsen/logrus"},
        {"https://github.com/a/b/tree/main/docs#readme", "github:a/b"},
        {"https://github.com/a/b.git", "github:a/b"},
        {"http://www.github.com/a/b?tab=readme", "github:a/b"},
        {"https://github.com/a/b.go", "github:a/b.go"},
        {"https://github.com/a", ""},
        {"https://github.com/topics/go", ""},
        {"https://github.com/orgs/x/repositories", ""},
        {"https://github.com/sponsors/x", ""},
        {"https://github.com/a/..", ""},
        {"https://github.com/a/b%20c", ""},
        {"https://github.com/a/[x](y)", ""},
        {"https://gist.github.com/a/b", ""},
        {"https://example.org/a/b", ""},
        {"mailto:a@github.com", ""},
        {"https://gitlab.com/grp/sub/proj/-/tree/main", "gitlab:grp/sub/proj"},
        {"https://gitlab.com/grp/proj", "gitlab:grp/proj"},
        {"https://gitlab.com/explore/projects", ""},
        {"https://gitlab.com/grp", ""},
        {"https://codeberg.org/o/r/src/branch/main", "codeberg:o/r"},
        {"https://codeberg.org/explore/repos", ""},
        /* found by fuzz_repos: ".git" off "...git" left "..", no name */
        {"https://gitlab.com/g/s/...git/j1\"x", ""},
        {"https://gitlab.com/g/s/...git/j1", "gitlab:g/s/...git/j1"},
        {"https://github.com/a/...git", ""},
        {"https://github.com/a/x..git", "github:a/x."},
        /* found by fuzz_repos: a name left ending ".git" read back as another */
        {"https://github.com/pg/p.git.git/", "github:pg/p"},
        {"https://gitlab.com/3/3/.git/-.git/-//J", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char key[300];
        rd_repo_key(cases[i].url, key, sizeof key);
        if (strcmp(key, cases[i].key))
            fprintf(stderr, "  %s\n", cases[i].url);
        CHECK_STR(key, cases[i].key);
    }
    rd_repo_ref r;
    CHECK(rd_repo_of_url("https://github.com/Old/Name/issues?q=1", &r));
    CHECK_STR(r.name, "Old/Name");
    CHECK_INT(r.rest, strlen("https://github.com/Old/Name"));
    /* what an API may answer with, before it is stored or written back */
    CHECK(rd_repo_name_valid(RD_FORGE_GITHUB, "moved/x"));
    CHECK(!rd_repo_name_valid(RD_FORGE_GITHUB, "evil/x](javascript:alert(1))"));
    CHECK(!rd_repo_name_valid(RD_FORGE_GITHUB, "a/b/c"));
    CHECK(!rd_repo_name_valid(RD_FORGE_GITHUB, "a/"));
    CHECK(!rd_repo_name_valid(RD_FORGE_GITHUB, "../x"));
    CHECK(rd_repo_name_valid(RD_FORGE_GITLAB, "a/b/c"));
    CHECK(!rd_repo_name_valid(RD_FORGE_GITLAB, "a"));
    CHECK(!rd_repo_name_valid(RD_FORGE_CODEBERG, "a/b c"));
}
