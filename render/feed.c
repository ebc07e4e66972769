/* render/feed.c — what the sections read of each category, read ahead in a
 * thread of its own (page.h, rd_feed).
 *
 * The reading thread steps the pages' statements, category after category
 * in the order the site writes them, writes index.json from the same rows
 * (rd_pages_json_*), and copies each row's values into chunks: records
 * packed at the front of a block, their strings at its back. At most
 * FEED_AHEAD chunks wait, so memory is a few chunks whatever the catalog.
 * The caller's thread takes the records in the same order and builds the
 * HTML: the SQL and its JSON on one core, libxml2 on the other. */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"

enum { FEED_AHEAD = 4 };
#define FEED_CHUNK ((size_t)256 << 10)

enum rec_kind { REC_NOTE, REC_NOTES_END, REC_ENTRY, REC_END };

typedef struct rec {
    int kind;
    int64_t category_id;
    const char *note_kind, *markdown; /* a note's; its line in e.line */
    rd_site_entry e;
} rec;

typedef struct chunk {
    size_t size; /* of data */
    size_t nrec; /* records at the front of data */
    size_t high; /* strings are data[high..size) */
    size_t next; /* the next record to take (the taking thread's) */
    alignas(max_align_t) unsigned char data[];
} chunk;

static rec *recs_of(chunk *c)
{
    return (rec *)(void *)c->data;
}

static chunk *chunk_new(size_t size)
{
    chunk *c = malloc(sizeof *c + size);
    if (c)
        *c = (chunk){.size = size, .high = size};
    return c;
}

/* ---- the reading thread ---- */

/* Puts the chunk being filled in the queue: 0, or -1 when the taking
 * thread stopped (the chunk is freed). */
static int ship(rd_feed *f)
{
    chunk *c = f->fill;
    f->fill = NULL;
    if (!c || rd_queue_put(&f->q, c) == 0)
        return 0;
    free(c);
    return -1;
}

/* A record with `bytes` of room for its strings, in the chunk being filled
 * or in a new one; NULL when out of memory or stopped (f->rc says). */
static rec *reserve(rd_feed *f, size_t bytes, char **strings)
{
    chunk *c = f->fill;
    if (c && (c->nrec + 1) * sizeof(rec) + bytes > c->high) {
        if (ship(f) < 0) {
            f->stopped = 1; /* the caller stopped: its error is the one kept */
            f->rc = RD_EINTERNAL;
            return NULL;
        }
        c = NULL;
    }
    if (!c) {
        size_t need = sizeof(rec) + bytes;
        if (!(c = f->fill = chunk_new(need > f->chunk_bytes ? need : f->chunk_bytes))) {
            f->rc = rd_error_set(&f->err, RD_ENOMEM, "out of memory");
            return NULL;
        }
    }
    c->high -= bytes;
    *strings = (char *)c->data + c->high;
    return &recs_of(c)[c->nrec++];
}

static size_t size_of(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* A copy of s at *at (advanced past it); NULL stays NULL. */
static const char *put(char **at, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = memcpy(*at, s, n);
    *at += n;
    return d;
}

static int put_mark(rd_feed *f, int kind, int64_t category_id)
{
    char *at;
    rec *r = reserve(f, 0, &at);
    if (!r)
        return f->rc;
    *r = (rec){.kind = kind, .category_id = category_id};
    return RD_OK;
}

static int put_note(const char *kind, const char *markdown, int line, void *ud)
{
    rd_feed *f = ud;
    char *at;
    rec *r = reserve(f, size_of(kind) + size_of(markdown), &at);
    if (!r)
        return f->rc;
    *r = (rec){.kind = REC_NOTE, .category_id = f->reading, .e.line = line};
    r->note_kind = put(&at, kind);
    r->markdown = put(&at, markdown);
    return RD_OK;
}

static int put_entry(const rd_site_entry *e, void *ud)
{
    rd_feed *f = ud;
    rec row = {.kind = REC_ENTRY, .category_id = f->reading, .e = *e};
    /* its strings, copied after the record */
    const char **const s[] = {&row.e.name,        &row.e.url,      &row.e.url_raw,
                              &row.e.description, &row.e.result,   &row.e.final_url,
                              &row.e.checked_at,  &row.e.error,    &row.e.failing_since,
                              &row.e.title,       &row.e.findings, &row.e.archive_url,
                              &row.e.archive_at,  &row.e.repo,     &row.e.pushed_at};
    size_t bytes = 0;
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        bytes += size_of(*s[i]);
    char *at;
    rec *r = reserve(f, bytes, &at);
    if (!r)
        return f->rc;
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        *s[i] = put(&at, *s[i]);
    *r = row;
    return RD_OK;
}

/* One category as the caller's thread will ask for it: its JSON object
 * opened, its notes, its entries (added to the object), the object closed. */
static int read_category(rd_feed *f, int64_t id)
{
    f->reading = id;
    int rc = rd_pages_json_category(f->pages, id, &f->err);
    if (rc == RD_OK)
        rc = rd_pages_notes(f->pages, id, put_note, f, &f->err);
    if (rc == RD_OK)
        rc = put_mark(f, REC_NOTES_END, id);
    if (rc == RD_OK)
        rc = rd_pages_entries(f->pages, id, put_entry, f, &f->err);
    if (rc == RD_OK)
        rc = rd_pages_json_category_end(f->pages);
    if (rc == RD_OK)
        rc = put_mark(f, REC_END, id);
    return rc;
}

static void *read_ahead(void *arg)
{
    rd_feed *f = arg;
    int rc = RD_OK;
    for (size_t i = 0; rc == RD_OK && i < f->n; i++)
        rc = read_category(f, f->ids[i]);
    if (rc == RD_OK && ship(f) < 0) {
        f->stopped = 1;
        rc = RD_EINTERNAL;
    }
    free(f->fill); /* after a failure: what was read is not wanted */
    f->fill = NULL;
    f->rc = rc;
    rd_queue_close(&f->q); /* after f->rc: the taking thread reads it once closed */
    return NULL;
}

/* ---- the caller's thread ---- */

void rd_feed_here(rd_feed *f, rd_pages *pages, int json)
{
    *f = (rd_feed){.pages = pages, .json = json};
}

void rd_feed_start(rd_feed *f, rd_pages *pages, const int64_t *ids, size_t n, size_t chunk_bytes)
{
    rd_feed_here(f, pages, 1);
    f->ids = ids;
    f->n = n;
    f->chunk_bytes = chunk_bytes ? chunk_bytes : FEED_CHUNK;
    if (rd_queue_init(&f->q, FEED_AHEAD) < 0)
        return; /* no thread: read in this one, as it is asked for */
    if (pthread_create(&f->thread, NULL, read_ahead, f)) {
        rd_queue_destroy(&f->q);
        return;
    }
    f->threaded = 1;
}

/* The next record, of category id, or NULL with *rc set: the reading
 * failed, or is not in step with the sections. */
static rec *next(rd_feed *f, int64_t id, int *rc, rd_error *err)
{
    while (!f->in || f->in->next == f->in->nrec) {
        free(f->in);
        if (!(f->in = rd_queue_take(&f->q))) { /* closed: f->rc is final */
            if (f->rc < 0 && !f->stopped) {
                *err = f->err;
                *rc = f->rc;
            } else {
                *rc = rd_error_set(err, RD_EINTERNAL, "rendering: the entries read ended early");
            }
            return NULL;
        }
    }
    rec *r = &recs_of(f->in)[f->in->next++];
    if (r->category_id != id) {
        *rc = rd_error_set(err, RD_EINTERNAL, "rendering: category %lld read out of order",
                           (long long)id);
        return NULL;
    }
    return r;
}

int rd_feed_notes(rd_feed *f, int64_t category_id,
                  int (*cb)(const char *kind, const char *markdown, int line, void *), void *ud,
                  rd_error *err)
{
    if (!f->threaded) {
        int rc = f->json ? rd_pages_json_category(f->pages, category_id, err) : RD_OK;
        return rc == RD_OK ? rd_pages_notes(f->pages, category_id, cb, ud, err) : rc;
    }
    int rc = RD_OK;
    for (rec *r; (r = next(f, category_id, &rc, err)) && r->kind != REC_NOTES_END;)
        if (r->kind == REC_NOTE && (rc = cb(r->note_kind, r->markdown, r->e.line, ud)) != 0)
            return rc;
    return rc;
}

int rd_feed_entries(rd_feed *f, int64_t category_id, int (*cb)(const rd_site_entry *, void *),
                    void *ud, rd_error *err)
{
    if (!f->threaded) {
        int rc = rd_pages_entries(f->pages, category_id, cb, ud, err);
        return rc == RD_OK && f->json ? rd_pages_json_category_end(f->pages) : rc;
    }
    int rc = RD_OK;
    for (rec *r; (r = next(f, category_id, &rc, err)) && r->kind != REC_END;)
        if (r->kind == REC_ENTRY && (rc = cb(&r->e, ud)) != 0)
            return rc;
    return rc;
}

int rd_feed_finish(rd_feed *f, int rc, rd_error *err)
{
    if (!f->threaded)
        return rc;
    rd_queue_stop(&f->q); /* whatever is left is not wanted */
    pthread_join(f->thread, NULL);
    free(f->in);
    f->in = NULL;
    for (chunk *c; (c = rd_queue_take(&f->q));)
        free(c);
    rd_queue_destroy(&f->q);
    f->threaded = 0;
    if (rc == RD_OK && f->rc < 0) { /* cannot be: every record was taken */
        *err = f->err;
        rc = f->rc;
    }
    return rc;
}
