/* fuzz/fuzz_title.c — libFuzzer target: what a check reads from a page
 * (crawler/page.c, libxml2's HTML parser) out of any bytes, and what it finds
 * wrong with it (check/findings.c). The title must be valid UTF-8, on one
 * line, with no space at either end, and fit its buffer; so must every field
 * of the page; findings fit theirs. An input whose first line starts with '#'
 * gives the fragment looked for, the rest being the page. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "crawler/internal.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* valid UTF-8 of at most cap - 1 bytes, no line break or tab, no space at an end */
static void one_line(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    CHECK(n < cap);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int k = rd_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        CHECK(k > 0);
        CHECK(cp != '\n' && cp != '\r' && cp != '\t');
        i += (size_t)k;
    }
    CHECK(n == 0 || (s[0] != ' ' && s[n - 1] != ' '));
}

static void page_fields(const uint8_t *data, size_t size)
{
    char fragment[80] = "";
    const char *html = (const char *)data;
    if (size && data[0] == '#') {
        size_t n = 0;
        while (n < size && data[n] != '\n')
            n++;
        memcpy(fragment, data, n < sizeof fragment - 1 ? n : sizeof fragment - 1);
        html += n < size ? n + 1 : n;
        size -= n < size ? n + 1 : n;
    }
    rd_page p;
    rd_page_read(html, size, NULL, fragment[0] ? fragment : NULL, size % 2, &p);
    one_line(p.title, sizeof p.title);
    one_line(p.og_title, sizeof p.og_title);
    one_line(p.site_name, sizeof p.site_name);
    one_line(p.description, sizeof p.description);
    one_line(p.canonical, sizeof p.canonical);
    one_line(p.heading, sizeof p.heading);
    CHECK(p.fragment >= RD_FRAGMENT_NONE && p.fragment <= RD_FRAGMENT_UNKNOWN);
    CHECK(fragment[0] || p.fragment == RD_FRAGMENT_NONE);
    /* findings: with the page's own words as link text too */
    char url[160];
    snprintf(url, sizeof url, "https://a.example/docs/x%s", fragment);
    const char *names[] = {"casbin", p.og_title, p.heading};
    rd_findings f;
    rd_page_findings(url, "https://a.example/", &p, names, 3, &f);
    CHECK(f.n <= RD_FINDINGS_MAX);
    for (size_t i = 0; i < f.n; i++)
        CHECK(f.f[i].kind && strlen(f.f[i].detail) < sizeof f.detail[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a canary after the buffer: a title that overruns it trips ASan or this */
    char out[64 + 1];
    out[64] = 'X';
    rd_html_title((const char *)data, size, out, 64);
    CHECK(out[64] == 'X');
    size_t n = strnlen(out, 64);
    one_line(out, 64);
    /* the size a check really uses */
    char title[256];
    rd_html_title((const char *)data, size, title, sizeof title);
    CHECK(strlen(title) < sizeof title);
    CHECK(!strncmp(title, out, n)); /* a shorter buffer cuts the same title, never elsewhere */
    page_fields(data, size);
    return 0;
}
