/* render/links.c — `refdex links`: every link of a catalog with its entry,
 * category and position, as text or JSON (each object built by SQLite's
 * JSON functions in a private in-memory database), written a section at a
 * time as the catalog is read. */
#include <sqlite3.h>
#include <stdlib.h>

#include "render.h"

struct rd_links {
    FILE *out;
    const char *file;
    int json;
    size_t n; /* links written */
    sqlite3 *h;
    sqlite3_stmt *row;
};

static const char *kind_name(rd_url_kind k)
{
    static const char *const names[] = {"none",     "web",   "mailto", "file",
                                        "relative", "other", "unsafe", "invalid"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "invalid";
}

int rd_links_begin(rd_links **out, FILE *to, const char *file, int json, rd_error *err)
{
    static const char row[] =
        "SELECT json_object('name', ?1, 'url', ?2, 'url_raw', ?3, 'kind', ?4, 'category', ?5,"
        " 'file', ?6, 'line', ?7, 'col', ?8, 'location', ?6 || ':' || ?7 || ':' || ?8,"
        " 'parent', ?9)";
    rd_links *l = calloc(1, sizeof *l);
    if (!l)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    *l = (rd_links){.out = to, .file = file, .json = json};
    if (json && (sqlite3_open(":memory:", &l->h) != SQLITE_OK ||
                 sqlite3_prepare_v2(l->h, row, -1, &l->row, NULL) != SQLITE_OK)) {
        rd_error_set(err, RD_EDB, "links JSON: %s", sqlite3_errmsg(l->h));
        sqlite3_close(l->h);
        free(l);
        return RD_EDB;
    }
    if (json)
        fputc('[', to);
    *out = l;
    return RD_OK;
}

static int json_link(rd_links *l, const rd_catalog *cat, const rd_entry *e, const char *parent,
                     rd_error *err)
{
    sqlite3_stmt *st = l->row;
    sqlite3_bind_text(st, 1, e->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->url_raw, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, kind_name(e->url_kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, cat->categories[e->category].path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, l->file, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, e->link_pos.line);
    sqlite3_bind_int(st, 8, e->link_pos.col);
    sqlite3_bind_text(st, 9, parent, -1, SQLITE_STATIC);
    int rc = RD_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        fprintf(l->out, "%s%s", l->n ? "," : "", (const char *)sqlite3_column_text(st, 0));
    else
        rc = rd_error_set(err, RD_EDB, "links JSON: %s", sqlite3_errmsg(l->h));
    sqlite3_reset(st);
    return rc;
}

int rd_links_add(rd_links *l, const rd_catalog *cat, rd_error *err)
{
    for (size_t i = 0; i < cat->nentries; i++) {
        const rd_entry *e = &cat->entries[i];
        if (!e->url_raw)
            continue;
        /* a parent is in the same section; its index counts from the catalog's start */
        size_t p = e->parent >= 0 ? (size_t)e->parent - cat->entry_base : cat->nentries;
        const char *parent = p < cat->nentries ? cat->entries[p].name : NULL;
        if (l->json) {
            int rc = json_link(l, cat, e, parent, err);
            if (rc < 0)
                return rc;
        } else {
            fprintf(l->out, "%s:%d:%d: %s — %s [%s]\n", l->file, e->link_pos.line, e->link_pos.col,
                    e->url ? e->url : e->url_raw, e->name, cat->categories[e->category].path);
        }
        l->n++;
    }
    return RD_OK;
}

size_t rd_links_end(rd_links *l)
{
    if (!l)
        return 0;
    if (l->json)
        fputs("]\n", l->out);
    size_t n = l->n;
    sqlite3_finalize(l->row);
    sqlite3_close(l->h);
    free(l);
    return n;
}
