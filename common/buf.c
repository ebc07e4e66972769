/* common/buf.c — growable arrays and growable byte buffers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rd.h"

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
