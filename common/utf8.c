/* common/utf8.c — decoding UTF-8, and which code points are CJK. */
#include "rd.h"

int rd_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)len > n)
        return 0;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

int rd_is_cjk(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF)       /* radicals, kana, CJK ideographs */
           || (cp >= 0xAC00 && cp <= 0xD7AF)    /* hangul syllables */
           || (cp >= 0xF900 && cp <= 0xFAFF)    /* compatibility ideographs */
           || (cp >= 0xFF00 && cp <= 0xFFEF)    /* full-width forms */
           || (cp >= 0x20000 && cp <= 0x3FFFF); /* supplementary ideographs */
}
