/* catalog/slug.c — URL-safe category slugs that stay stable for any name, and
 * the anchors GitHub gives headings. */
#include <ctype.h>
#include <string.h>

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

/* GitHub's rule (its github-slugger) drops what Unicode calls punctuation
 * and symbols; these ranges hold the ones lists use, emoji among them. */
void rd_github_anchor(const char *name, rd_buf *out)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t n = strlen(name);
    for (size_t i = 0; i < n;) {
        uint32_t cp = s[i];
        int len = s[i] < 0x80 ? 1 : rd_utf8_decode(s + i, n - i, &cp);
        if (len == 0)
            len = 1, cp = 0xFFFD;
        if (cp < 0x80) {
            if (isalnum((int)cp) || cp == '-' || cp == '_')
                rd_buf_putc(out, (char)tolower((int)cp));
            else if (cp == ' ')
                rd_buf_putc(out, '-');
        } else {
            int symbol = (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
                         (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x2190 && cp <= 0x2BFF) ||
                         (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
                         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
                         (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
                         (cp >= 0xFF5B && cp <= 0xFF65) || cp >= 0x1F000;
            if (!symbol)
                rd_buf_append(out, name + i, (size_t)len);
        }
        i += (size_t)len;
    }
}
