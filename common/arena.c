/* common/arena.c — the arena: many small allocations freed at once. */
#include <stdlib.h>
#include <string.h>

#include "rd.h"

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
