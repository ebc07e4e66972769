/* catalog/slug.c — URL-safe category slugs that stay stable for any name. */
#include <ctype.h>

#include "catalog.h"

void rd_slugify(const char *name, rd_buf *b)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t n = 0;
    while (s[n])
        n++;
    int pending_dash = 0;
    size_t start = b->len;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = rd_utf8_decode(s + i, n - i, &cp);
        if (len == 0) { /* cannot happen for validated input; keep going */
            cp = s[i];
            len = 1;
        }
        if (cp < 0x80 && isalnum((int)cp)) {
            if (pending_dash && b->len > start)
                rd_buf_putc(b, '-');
            pending_dash = 0;
            rd_buf_putc(b, (char)tolower((int)cp));
        } else if (cp < 0x80) {
            /* Apostrophes join words ("Go's" → "gos"); other ASCII separates. */
            if (cp != '\'')
                pending_dash = 1;
        } else {
            if (b->len > start)
                rd_buf_putc(b, '-');
            rd_buf_printf(b, "u%x", (unsigned)cp);
            pending_dash = 1;
        }
        i += (size_t)len;
    }
}
