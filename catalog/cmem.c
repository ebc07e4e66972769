/* catalog/cmem.c — the memory cmark builds a section's tree in.
 *
 * A section's tree lives from its parse to the end of its walk, then goes as
 * a whole. Given malloc, cmark's nodes and buffers land in the holes the
 * previous section's tree left, scattered, and walking the tree misses the
 * cache at every node (reading a list of 2 million items took 2.5 times the
 * time of a whole-text parse). Here they are laid out in the order cmark
 * makes them, in blocks that are freed together; free() is nothing, and
 * realloc() grows the newest allocation in place or copies. cmark_mem has no
 * pointer for its user, so the blocks hang off a thread-local list. */
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

enum { BLOCK = 1 << 20 };

typedef struct block {
    struct block *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
} block;

/* Each allocation is preceded by its size. */
typedef struct head {
    alignas(max_align_t) size_t size;
} head;

static _Thread_local block *blocks;
static _Thread_local void *newest; /* the last allocation, which may grow in place */

static size_t round_up(size_t n)
{
    return (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
}

/* cmark cannot take a NULL from its allocator (with its own it aborts):
 * the process ends here, with exit code 3, an internal error, as any
 * other out of memory ends it. Nothing is half written: the database's
 * transaction was not committed, and files are replaced only whole. _exit,
 * not exit: another thread may be storing, and nothing of the process's
 * state is to be trusted. */
static void *out_of_memory(void)
{
    static const char msg[] = "refdex: out of memory\n";
    if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) {
        /* nowhere to say it */
    }
    _exit(3);
}

static void *bump(size_t size)
{
    size_t need = round_up(sizeof(head) + size);
    if (need < size)
        return out_of_memory();
    block *b = blocks;
    if (!b || b->cap - b->used < need) {
        size_t cap = need > BLOCK ? need : BLOCK;
        if (!(b = malloc(sizeof *b + cap)))
            return out_of_memory();
        b->cap = cap;
        b->used = 0;
        b->next = blocks;
        blocks = b;
    }
    head *h = (head *)(b->data + b->used);
    b->used += need;
    h->size = size;
    return newest = h + 1;
}

static void *cm_calloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size)
        return out_of_memory();
    void *p = bump(n * size);
    memset(p, 0, n * size);
    return p;
}

static void *cm_realloc(void *p, size_t size)
{
    if (!p)
        return bump(size);
    head *h = (head *)p - 1;
    if (size <= h->size)
        return p;
    block *b = blocks;
    size_t grow = round_up(sizeof(head) + size) - round_up(sizeof(head) + h->size);
    if (p == newest && b->cap - b->used >= grow) { /* the newest: grows where it is */
        b->used += grow;
        h->size = size;
        return p;
    }
    void *q = bump(size);
    memcpy(q, p, h->size);
    return q;
}

static void cm_free(void *p)
{
    (void)p;
}

static cmark_mem mem = {cm_calloc, cm_realloc, cm_free};

/* malloc's, but out of memory ends the process as above (cmark's own
 * allocator aborts) */
static void *plain_calloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    return p ? p : out_of_memory();
}

static void *plain_realloc(void *p, size_t size)
{
    void *q = realloc(p, size);
    return q || !size ? q : out_of_memory();
}

static cmark_mem plain = {plain_calloc, plain_realloc, free};

cmark_node *rd_cmark_parse(const char *text, size_t len, int options)
{
    cmark_parser *p = cmark_parser_new_with_mem(options, &plain);
    cmark_parser_feed(p, text, len);
    cmark_node *doc = cmark_parser_finish(p);
    cmark_parser_free(p);
    return doc;
}

char *rd_markdown_to_html(const char *text, size_t len, int options)
{
    cmark_node *doc = rd_cmark_parse(text, len, options);
    char *html = cmark_render_html(doc, options);
    cmark_node_free(doc);
    return html;
}

cmark_mem *rd_cmark_mem(void)
{
    return &mem;
}

void rd_cmark_mem_release(void)
{
    while (blocks) {
        block *next = blocks->next;
        free(blocks);
        blocks = next;
    }
    newest = NULL;
}
