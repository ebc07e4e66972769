/* tests/test_page.c — what a check reads of a page (crawler/page.c) from the
 * fixture's pages in tests/data/pages, and what it finds wrong with one
 * (check/findings.c): fragments, soft 404s, canonical hosts, and link text
 * against title over the whole seed catalog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "crawler/crawler.h"
#include "harness.h"

/* tests/data/pages/NAME, read whole (the caller frees it). */
static char *page_file(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/data/pages/%s", RD_TEST_DIR, name);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static void read_page(const char *name, const char *encoding, const char *fragment, int whole,
                      rd_page *p)
{
    size_t len = 0;
    char *html = page_file(name, &len);
    rd_page_read(html, len, encoding, fragment, whole, p);
    free(html);
}

RD_TEST(metadata)
{
    rd_page p;
    read_page("meta.html", NULL, NULL, 1, &p);
    CHECK_STR(p.title, "Meta page of the fixture"); /* white space squeezed */
    CHECK_STR(p.description, "What the meta page is about.");
    CHECK_STR(p.og_title, "The meta page");
    CHECK_STR(p.site_name, "Fixture site");
    CHECK_STR(p.canonical, "https://elsewhere.example/meta"); /* rel="alternate canonical" */
    CHECK_STR(p.heading, "Meta");
    CHECK_INT(p.fragment, RD_FRAGMENT_NONE);
}

RD_TEST(title_in_comment)
{
    rd_page p;
    read_page("comment-title.html", NULL, NULL, 1, &p);
    CHECK_STR(p.title, "The real title");
    read_page("only-comment-title.html", NULL, NULL, 1, &p);
    CHECK_STR(p.title, "");
}

RD_TEST(gbk_meta_charset)
{
    rd_page p;
    read_page("gbk.html", NULL, NULL, 1, &p); /* no header charset: the page's meta */
    CHECK_STR(p.title, "Go 每日一库之 fyne - 大俊的博客");
    read_page("gbk.html", "GBK", NULL, 1, &p); /* the header says it */
    CHECK_STR(p.title, "Go 每日一库之 fyne - 大俊的博客");
    read_page("gbk.html", "no-such-charset", NULL, 1, &p); /* one iconv lacks: the page's */
    CHECK_STR(p.title, "Go 每日一库之 fyne - 大俊的博客");
}

RD_TEST(fragments)
{
    static const struct {
        const char *fragment;
        int whole, want;
    } cases[] = {
        {"#install", 1, RD_FRAGMENT_FOUND},          /* an id */
        {"#usage", 1, RD_FRAGMENT_FOUND},            /* <a name> */
        {"#configuration", 1, RD_FRAGMENT_FOUND},    /* GitHub: id="user-content-configuration" */
        {"#user-content-faq", 1, RD_FRAGMENT_FOUND}, /* written with the prefix */
        {"#faq", 1, RD_FRAGMENT_FOUND},
        {"#in%73tall", 1, RD_FRAGMENT_FOUND}, /* percent-encoded */
        {"#nowhere", 1, RD_FRAGMENT_MISSING},
        {"#Install", 1, RD_FRAGMENT_MISSING}, /* ids are compared with case */
        {"#nowhere", 0, RD_FRAGMENT_UNKNOWN}, /* the page was cut: it may be further on */
        {"#L10-L20", 1, RD_FRAGMENT_NONE},    /* a source line, marked by a script */
        {"#/route", 1, RD_FRAGMENT_NONE},     /* a client-side route */
        {"#top", 1, RD_FRAGMENT_NONE},        /* the top of any page */
        {"#", 1, RD_FRAGMENT_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rd_page p;
        read_page("fragments.html", NULL, cases[i].fragment, cases[i].whole, &p);
        if (p.fragment != cases[i].want)
            fprintf(stderr, "  fragment %s\n", cases[i].fragment);
        CHECK_INT(p.fragment, cases[i].want);
    }
}

/* The kinds found, "soft-404,title-mismatch". */
static void kinds(const rd_findings *f, char *out, size_t n)
{
    out[0] = '\0';
    for (size_t i = 0; i < f->n; i++)
        snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? "," : "", f->f[i].kind);
}

RD_TEST(soft_404)
{
    static const struct {
        const char *page, *url, *final_url, *want;
    } cases[] = {
        {"not-found.html", "https://a.example/docs/x", NULL, "soft-404"},
        {"not-found-zh-title.html", "https://a.example/docs/x", NULL, "soft-404"},
        {"not-found-zh-heading.html", "https://a.example/docs/x", NULL, "soft-404"},
        {"comment-title.html", "https://a.example/docs/x", NULL, ""},
        /* a deep path moved to the front page, or to a login page */
        {"comment-title.html", "https://a.example/docs/x", "https://a.example/", "soft-404"},
        {"comment-title.html", "https://a.example/docs/x", "https://a.example", "soft-404"},
        {"comment-title.html", "https://a.example/docs/x", "https://a.example/users/sign_in",
         "soft-404"},
        {"comment-title.html", "https://a.example/docs/x", "https://id.example/login?next=/x",
         "soft-404"},
        /* the front page moved to another front page; a move elsewhere; a login link */
        {"comment-title.html", "https://a.example/", "https://b.example/", ""},
        {"comment-title.html", "https://a.example/docs/x", "https://a.example/docs/y", ""},
        {"comment-title.html", "https://a.example/login", "https://a.example/login/new", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rd_page p;
        read_page(cases[i].page, NULL, NULL, 1, &p);
        rd_findings f;
        rd_page_findings(cases[i].url, cases[i].final_url, &p, NULL, 0, &f);
        char got[128];
        kinds(&f, got, sizeof got);
        if (strcmp(got, cases[i].want))
            fprintf(stderr, "  %s %s → %s: %s\n", cases[i].page, cases[i].url,
                    cases[i].final_url ? cases[i].final_url : "-", f.n ? f.f[0].detail : "");
        CHECK_STR(got, cases[i].want);
    }
}

RD_TEST(canonical_host)
{
    rd_page p;
    rd_findings f;
    char got[128];
    read_page("meta.html", NULL, NULL, 1, &p);
    rd_page_findings("https://fixture.example/meta", NULL, &p, NULL, 0, &f);
    kinds(&f, got, sizeof got);
    CHECK_STR(got, "canonical-differs");
    CHECK(strstr(f.f[0].detail, "elsewhere.example") != NULL);
    /* the same host, with or without www.; a relative canonical URL */
    rd_page_findings("https://www.elsewhere.example/meta2", NULL, &p, NULL, 0, &f);
    CHECK_INT((int)f.n, 0);
    read_page("canonical-here.html", NULL, NULL, 1, &p);
    rd_page_findings("https://fixture.example/page", NULL, &p, NULL, 0, &f);
    CHECK_INT((int)f.n, 0);
}

RD_TEST(title_mismatch_rules)
{
    /* case, punctuation, separators, run-together names, CJK */
    CHECK_INT(rd_title_mismatch("Go-Redis", "GitHub - redis/go-redis: Redis Go client", "", "/"),
              0);
    CHECK_INT(rd_title_mismatch("gokit", "Go kit", "", "/"), 0);
    CHECK_INT(rd_title_mismatch("GoPacket", "GitHub - google/gopacket", "", "/"), 0);
    CHECK_INT(rd_title_mismatch("日志库", "一个日志库 - 掘金", "", "/post/1"), 0);
    CHECK_INT(rd_title_mismatch("casbin", "Go 每日一库之 fyne - 大俊的博客", "",
                                "/2020/06/15/godailylib/fyne/"),
              1);
    CHECK_INT(rd_title_mismatch("日志库", "网络编程 - 掘金", "", "/post/1"), 1);
    /* the path or og:title is enough */
    CHECK_INT(rd_title_mismatch("logrus", "Go 每日一库", "", "/2020/02/07/godailylib/logrus/"), 0);
    CHECK_INT(rd_title_mismatch("viper", "A blog", "Viper configuration", "/p/1"), 0);
    /* what cannot be judged: no title, only generic words, Chinese against English */
    CHECK_INT(rd_title_mismatch("casbin", "", "", "/fyne/"), 0);
    CHECK_INT(rd_title_mismatch("Go package docs", "Something else", "", "/x"), 0);
    CHECK_INT(rd_title_mismatch("查找Go包", "Go Packages - Go Packages", "", "/"), 0);
}

/* The seed catalog's pages (tests/data/pages/seed.tsv) against its entries:
 * only the casbin link, which points at a page about fyne, is a mismatch. */
RD_TEST(title_mismatch_seed)
{
    size_t len = 0, mdlen = 0;
    char *tsv = page_file("seed.tsv", &len);
    char path[1024];
    snprintf(path, sizeof path, "%s/data/seed.md", RD_TEST_DIR);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    static char md[65536];
    mdlen = fread(md, 1, sizeof md - 1, f);
    md[mdlen] = '\0';
    fclose(f);
    int links = 0, flagged = 0, casbin = 0;
    /* every [text](https://...) of the seed */
    for (char *p = md; (p = strstr(p, "](http")) != NULL; p++) {
        char *open = p;
        while (open > md && open[-1] != '[')
            open--;
        char text[256], url[1024];
        snprintf(text, sizeof text, "%.*s", (int)(p - open), open);
        snprintf(url, sizeof url, "%.*s", (int)strcspn(p + 2, ") "), p + 2);
        /* the page's key: no scheme, no fragment */
        const char *key = strstr(url, "://") + 3;
        char k[1024];
        snprintf(k, sizeof k, "%.*s\t", (int)strcspn(key, "#"), key);
        char *row = NULL;
        for (char *l = tsv; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
            if (!strncmp(l, k, strlen(k))) {
                row = l;
                break;
            }
        if (!row)
            fprintf(stderr, "  no fixture page for %s\n", url);
        CHECK(row != NULL);
        if (!row)
            continue;
        char title[512];
        const char *t = row + strlen(k);
        snprintf(title, sizeof title, "%.*s", (int)strcspn(t, "\t\n"), t);
        const char *pathpart = strchr(key, '/') ? strchr(key, '/') : "/";
        char upath[1024];
        snprintf(upath, sizeof upath, "%.*s", (int)strcspn(pathpart, "#"), pathpart);
        links++;
        if (rd_title_mismatch(text, title, "", upath)) {
            flagged++;
            casbin += !strcmp(text, "casbin");
            fprintf(stderr, "  title-mismatch: [%s] %s: \"%s\"\n", text, url, title);
        }
    }
    printf("  %d seed links, %d flagged\n", links, flagged);
    CHECK(links >= 45);
    CHECK_INT(casbin, 1);
    CHECK_INT(flagged, 1);
    free(tsv);
}
