/* fuzz/fuzz_title.c — libFuzzer target: the title a check reads from a page
 * (crawler/page.c, libxml2's HTML parser) out of any bytes. It must be valid
 * UTF-8, on one line, with no space at either end, and fit its buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/internal.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a canary after the buffer: a title that overruns it trips ASan or this */
    char out[64 + 1];
    out[64] = 'X';
    rd_html_title((const char *)data, size, out, 64);
    CHECK(out[64] == 'X');
    size_t n = strnlen(out, 64);
    CHECK(n < 64);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int k = rd_utf8_decode((const unsigned char *)out + i, n - i, &cp);
        CHECK(k > 0);
        CHECK(cp != '\n' && cp != '\r' && cp != '\t');
        i += (size_t)k;
    }
    CHECK(n == 0 || (out[0] != ' ' && out[n - 1] != ' '));
    /* the size a check really uses */
    char title[256];
    rd_html_title((const char *)data, size, title, sizeof title);
    CHECK(strlen(title) < sizeof title);
    CHECK(!strncmp(title, out, n)); /* a shorter buffer cuts the same title, never elsewhere */
    return 0;
}
