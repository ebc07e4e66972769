/* common/rd.c — errors, arena, buffers, UTF-8 and size parsing. */
#include "rd.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rd_error_set(rd_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

/* ---- arena ---- */

typedef struct rd_chunk {
    struct rd_chunk *next;
    size_t used, cap;
    max_align_t data[]; /* aligned storage */
} rd_chunk;

struct rd_arena {
    rd_chunk *head;
};

enum { RD_CHUNK_MIN = 64 * 1024 };

rd_arena *rd_arena_new(void)
{
    return calloc(1, sizeof(rd_arena));
}

void rd_arena_free(rd_arena *a)
{
    if (!a)
        return;
    rd_chunk *c = a->head;
    while (c) {
        rd_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void *rd_arena_alloc(rd_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    rd_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > RD_CHUNK_MIN ? n : RD_CHUNK_MIN;
        c = malloc(sizeof(rd_chunk) + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        /* A big block gets a chunk of its own behind the head, so the head's free
         * space stays usable for small allocations. */
        if (a->head && n > RD_CHUNK_MIN / 4) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *rd_arena_strndup(rd_arena *a, const char *s, size_t n)
{
    char *p = rd_arena_alloc(a, n + 1);
    if (p && n)
        memcpy(p, s, n);
    return p;
}

char *rd_arena_strdup(rd_arena *a, const char *s)
{
    return rd_arena_strndup(a, s, strlen(s));
}

/* ---- growable arrays ---- */

void *rd_grow(void *arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return arr;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(arr, c * size);
    if (p)
        *cap = c;
    return p;
}

/* ---- buffers ---- */

static int buf_reserve(rd_buf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void rd_buf_append(rd_buf *b, const char *s, size_t n)
{
    if (buf_reserve(b, n) < 0)
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rd_buf_puts(rd_buf *b, const char *s)
{
    rd_buf_append(b, s, strlen(s));
}

void rd_buf_putc(rd_buf *b, char c)
{
    rd_buf_append(b, &c, 1);
}

void rd_buf_printf(rd_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n) < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void rd_buf_reset(rd_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void rd_buf_free(rd_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

char *rd_buf_take(rd_buf *b)
{
    if (!b->data)
        rd_buf_append(b, "", 0);
    char *p = b->oom ? NULL : b->data;
    if (b->oom)
        free(b->data);
    memset(b, 0, sizeof *b);
    return p;
}

/* ---- UTF-8 ---- */

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
    return (cp >= 0x2E80 && cp <= 0x9FFF)     /* radicals, kana, CJK ideographs */
           || (cp >= 0xAC00 && cp <= 0xD7AF)  /* hangul syllables */
           || (cp >= 0xF900 && cp <= 0xFAFF)  /* compatibility ideographs */
           || (cp >= 0xFF00 && cp <= 0xFFEF)  /* full-width forms */
           || (cp >= 0x20000 && cp <= 0x3FFFF); /* supplementary ideographs */
}

/* ---- durations and sizes ---- */

int rd_parse_duration_ms(const char *text, int64_t *ms)
{
    static const struct {
        const char *unit;
        int64_t ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}, {"", 1000}};
    if (!text || !isdigit((unsigned char)text[0]))
        return RD_EUSAGE;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || v > 1000000000ULL)
        return RD_EUSAGE;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        if (strcmp(end, units[i].unit) == 0) {
            *ms = (int64_t)v * units[i].ms;
            return RD_OK;
        }
    }
    return RD_EUSAGE;
}

int rd_parse_size(const char *text, int64_t *bytes)
{
    if (!text || !isdigit((unsigned char)text[0]))
        return RD_EUSAGE;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno)
        return RD_EUSAGE;
    int shift = 0;
    switch (toupper((unsigned char)*end)) {
    case '\0': break;
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    default: return RD_EUSAGE;
    }
    if ((*end == 'i' || *end == 'I') && shift)
        end++;
    if ((*end == 'B' || *end == 'b'))
        end++;
    if (*end != '\0' || v > ((unsigned long long)INT64_MAX >> shift))
        return RD_EUSAGE;
    *bytes = (int64_t)(v << shift);
    return RD_OK;
}

/* ---- string map ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int strmap_grow(rd_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = calloc(cap, sizeof *keys);
    int *values = malloc(cap * sizeof *values);
    if (!keys || !values) {
        free(keys);
        free(values);
        return RD_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = hash_str(m->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        values[j] = m->values[i];
    }
    free(m->keys);
    free(m->values);
    m->keys = keys;
    m->values = values;
    m->cap = cap;
    return RD_OK;
}

int rd_strmap_add(rd_strmap *m, const char *key, int value, int *existing)
{
    if ((m->len + 1) * 2 > m->cap && strmap_grow(m) < 0)
        return RD_ENOMEM;
    size_t j = hash_str(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            if (existing)
                *existing = m->values[j];
            return 0;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = key;
    m->values[j] = value;
    m->len++;
    return 1;
}

int rd_strmap_get(const rd_strmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    for (size_t j = hash_str(key) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1))
        if (strcmp(m->keys[j], key) == 0)
            return m->values[j];
    return -1;
}

void rd_strmap_free(rd_strmap *m)
{
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}
