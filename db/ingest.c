/* db/ingest.c — storing a parsed catalog, in one transaction. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const kind_names[] = {[RD_CAT_HEADING] = "heading",
                                         [RD_CAT_MARKER] = "marker",
                                         [RD_CAT_TOP] = "top",
                                         [RD_CAT_GROUP] = "group"};
static const char *const note_kinds[] = {[RD_NOTE_PARAGRAPH] = "paragraph",
                                         [RD_NOTE_CODE] = "code",
                                         [RD_NOTE_QUOTE] = "quote",
                                         [RD_NOTE_ITEM] = "item",
                                         [RD_NOTE_HTML] = "html"};

static const char *url_kind_name(rd_url_kind k)
{
    switch (k) {
    case RD_URL_WEB: return "web";
    case RD_URL_MAILTO: return "mailto";
    case RD_URL_FILE: return "file";
    case RD_URL_RELATIVE: return "relative";
    case RD_URL_OTHER: return "other";
    default: return NULL; /* not stored: none, unsafe, invalid */
    }
}

typedef struct ingest {
    rd_db *db;
    const rd_catalog *cat;
    rd_error *err;
    sqlite3_stmt *cat_ins, *url_ins, *url_get, *ent_ins, *fts_ins, *note_ins;
    rd_buf names; /* scratch for name paths */
    char **name_paths;
    char **fts_paths; /* name paths as the search index takes them, once per category */
} ingest;

static const char sql_cat_ins[] =
    "INSERT INTO categories(id, parent_id, kind, name, slug, path, name_path, level, line, col,"
    " ord, description, url_raw, url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1, ?11,"
    " ?12, ?13)";
static const char sql_url_ins[] = "INSERT OR IGNORE INTO urls(url, kind, first_seen)"
                                  " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ'))";
static const char sql_url_get[] = "SELECT id FROM urls WHERE url = ?1";
static const char sql_ent_ins[] =
    "INSERT INTO entries(id, category_id, parent_id, url_id, name, url_raw, description, depth,"
    " line, col, ord) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1)";
static const char sql_fts_ins[] =
    "INSERT INTO entries_fts(rowid, name, description, category) VALUES (?1, ?2, ?3, ?4)";
static const char sql_note_ins[] =
    "INSERT INTO notes(category_id, kind, markdown, line, col, ord) VALUES (?1, ?2, ?3, ?4, ?5,"
    " ?6)";

static int step_done(ingest *in, sqlite3_stmt *st, const char *doing)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? RD_OK : rd_db_fail(in->db, in->err, doing);
}

static int put_categories(ingest *in)
{
    const rd_catalog *cat = in->cat;
    in->name_paths = calloc(cat->ncategories ? cat->ncategories : 1, sizeof(char *));
    in->fts_paths = calloc(cat->ncategories ? cat->ncategories : 1, sizeof(char *));
    if (!in->name_paths || !in->fts_paths)
        return rd_error_set(in->err, RD_ENOMEM, "out of memory");
    for (size_t i = 0; i < cat->ncategories; i++) {
        const rd_category *c = &cat->categories[i];
        rd_buf_reset(&in->names);
        if (c->parent >= 0) {
            rd_buf_puts(&in->names, in->name_paths[c->parent]);
            rd_buf_putc(&in->names, '/');
        }
        rd_buf_puts(&in->names, c->name);
        if (in->names.oom || !(in->name_paths[i] = strdup(in->names.data)) ||
            !(in->fts_paths[i] = rd_fts_spaced(in->names.data)))
            return rd_error_set(in->err, RD_ENOMEM, "out of memory");
        sqlite3_stmt *st = in->cat_ins;
        sqlite3_bind_int64(st, 1, (int64_t)i + 1);
        if (c->parent >= 0)
            sqlite3_bind_int64(st, 2, (int64_t)c->parent + 1);
        else
            sqlite3_bind_null(st, 2);
        sqlite3_bind_text(st, 3, kind_names[c->kind], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, c->slug, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, c->path, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, in->name_paths[i], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 8, c->level);
        sqlite3_bind_int(st, 9, c->pos.line);
        sqlite3_bind_int(st, 10, c->pos.col);
        sqlite3_bind_text(st, 11, c->description, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 12, c->url_raw, -1, SQLITE_STATIC); /* NULL binds NULL */
        sqlite3_bind_text(st, 13, c->url, -1, SQLITE_STATIC);
        int rc = step_done(in, st, "storing a category");
        if (rc < 0)
            return rc;
    }
    return RD_OK;
}

/* Stores the URL if new; returns its id in *id and counts new ones. */
static int put_url(ingest *in, const rd_entry *e, int64_t *id, rd_ingest_stats *stats)
{
    const char *kind = url_kind_name(e->url_kind);
    *id = 0;
    if (!e->url || !kind)
        return RD_OK;
    sqlite3_stmt *st = in->url_ins;
    sqlite3_bind_text(st, 1, e->url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    int rc = step_done(in, st, "storing a URL");
    if (rc < 0)
        return rc;
    if (sqlite3_changes(in->db->h) == 1) {
        *id = sqlite3_last_insert_rowid(in->db->h);
        stats->urls_new++;
        return RD_OK;
    }
    st = in->url_get;
    sqlite3_bind_text(st, 1, e->url, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else
        rc = rd_db_fail(in->db, in->err, "finding a URL");
    sqlite3_reset(st);
    return rc;
}

static int put_entries(ingest *in, rd_ingest_stats *stats)
{
    const rd_catalog *cat = in->cat;
    int *depth = malloc((cat->nentries ? cat->nentries : 1) * sizeof *depth);
    if (!depth)
        return rd_error_set(in->err, RD_ENOMEM, "out of memory");
    int rc = RD_OK;
    for (size_t i = 0; i < cat->nentries && rc == RD_OK; i++) {
        const rd_entry *e = &cat->entries[i];
        depth[i] = e->parent >= 0 ? depth[e->parent] + 1 : 0;
        int64_t url_id;
        rc = put_url(in, e, &url_id, stats);
        if (rc < 0)
            break;
        sqlite3_stmt *st = in->ent_ins;
        sqlite3_bind_int64(st, 1, (int64_t)i + 1);
        sqlite3_bind_int64(st, 2, (int64_t)e->category + 1);
        if (e->parent >= 0)
            sqlite3_bind_int64(st, 3, (int64_t)e->parent + 1);
        else
            sqlite3_bind_null(st, 3);
        if (url_id)
            sqlite3_bind_int64(st, 4, url_id);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_text(st, 5, e->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, e->url_raw, -1, SQLITE_STATIC); /* NULL binds NULL */
        sqlite3_bind_text(st, 7, e->description, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 8, depth[i]);
        sqlite3_bind_int(st, 9, e->link_pos.line); /* where the link is: reports point there */
        sqlite3_bind_int(st, 10, e->link_pos.col);
        rc = step_done(in, st, "storing an entry");
        if (rc < 0)
            break;
        char *name = rd_fts_spaced(e->name), *desc = rd_fts_spaced(e->description);
        const char *path = in->fts_paths[e->category];
        if (!name || !desc) {
            rc = rd_error_set(in->err, RD_ENOMEM, "out of memory");
        } else {
            st = in->fts_ins;
            sqlite3_bind_int64(st, 1, (int64_t)i + 1);
            sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, desc, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, path, -1, SQLITE_STATIC);
            rc = step_done(in, st, "indexing an entry");
        }
        free(name);
        free(desc);
    }
    free(depth);
    return rc;
}

static int put_notes(ingest *in)
{
    const rd_catalog *cat = in->cat;
    for (size_t i = 0; i < cat->nnotes; i++) {
        const rd_note *n = &cat->notes[i];
        sqlite3_stmt *st = in->note_ins;
        if (n->category >= 0)
            sqlite3_bind_int64(st, 1, (int64_t)n->category + 1);
        else
            sqlite3_bind_null(st, 1);
        sqlite3_bind_text(st, 2, note_kinds[n->kind], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, n->markdown, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, n->pos.line);
        sqlite3_bind_int(st, 5, n->pos.col);
        sqlite3_bind_int64(st, 6, (int64_t)i + 1);
        int rc = step_done(in, st, "storing a note");
        if (rc < 0)
            return rc;
    }
    return RD_OK;
}

/* The part of a path after its last '/'. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Refuses to replace the catalog of another file (two catalogs in one
 * folder share its refdex.db), unless told to. */
static int other_catalog(rd_db *db, const char *file, int replace, rd_error *err)
{
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, "SELECT file FROM catalog WHERE id = 1", &st, err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW && !replace &&
        strcmp(base_name(RD_COL(st, 0)), base_name(file)) != 0)
        rc = rd_error_set(err, RD_EUSAGE,
                          "%s holds the catalog of %s, which %s would replace; give %s a "
                          "database of its own (--db), or --force to replace it",
                          db->path, RD_COL(st, 0), file, file);
    sqlite3_finalize(st);
    return rc;
}

/* True when the stored catalog came from the same file with the same bytes,
 * read by a parser that makes the same model of them. */
static int same_source(rd_db *db, const char *file, const char *source, size_t len, int *same,
                       rd_error *err)
{
    static const char sql[] =
        "SELECT file = ?1 AND source = ?2 AND model = ?3 FROM catalog WHERE id = 1";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, source, (int)len, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, RD_MODEL_VERSION);
    int s = sqlite3_step(st);
    *same = s == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? RD_OK : rd_db_fail(db, err, "reading");
}

static int replace_catalog(ingest *in, const char *source, size_t len, rd_ingest_stats *stats)
{
    static const char clear[] = "DELETE FROM entries_fts; DELETE FROM notes;"
                                " DELETE FROM entries; DELETE FROM categories;";
    static const char sql_catalog[] =
        "INSERT OR REPLACE INTO catalog(id, file, source, ingested_at, model, source_hash)"
        " VALUES (1, ?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ'), ?3, rd_source_hash(?2))";
    int rc = rd_db_exec(in->db, clear, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_cat_ins, &in->cat_ins, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_url_ins, &in->url_ins, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_url_get, &in->url_get, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_ent_ins, &in->ent_ins, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_fts_ins, &in->fts_ins, in->err);
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_note_ins, &in->note_ins, in->err);
    if (rc == RD_OK)
        rc = put_categories(in);
    if (rc == RD_OK)
        rc = put_entries(in, stats);
    if (rc == RD_OK)
        rc = put_notes(in);
    sqlite3_stmt *st = NULL;
    if (rc == RD_OK)
        rc = rd_db_prepare(in->db, sql_catalog, &st, in->err);
    if (rc == RD_OK) {
        sqlite3_bind_text(st, 1, in->cat->file, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, source, (int)len, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, RD_MODEL_VERSION);
        rc = step_done(in, st, "storing the catalog source");
    }
    sqlite3_finalize(st);
    return rc;
}

static int count_urls(rd_db *db, int64_t *n, rd_error *err)
{
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, "SELECT count(*) FROM urls", &st, err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        rc = rd_db_fail(db, err, "counting URLs");
    sqlite3_finalize(st);
    return rc;
}

int rd_db_ingest(rd_db *db, const rd_catalog *cat, const char *source, size_t len, int flags,
                 rd_ingest_stats *stats, rd_error *err)
{
    memset(stats, 0, sizeof *stats);
    stats->categories = (int64_t)cat->ncategories;
    stats->entries = (int64_t)cat->nentries;
    stats->notes = (int64_t)cat->nnotes;
    if (len > (size_t)0x7fffffff)
        return rd_error_set(err, RD_EINPUT, "%s: too large to store", cat->file);
    /* the same catalog again takes no write lock (a check run may hold it) */
    int same = 0, rc = same_source(db, cat->file, source, len, &same, err);
    if (rc == RD_OK && same) {
        stats->unchanged = 1;
        return count_urls(db, &stats->urls_total, err);
    }
    if (rc == RD_OK)
        rc = other_catalog(db, cat->file, flags & RD_INGEST_REPLACE, err);
    if (rc == RD_OK)
        rc = rd_db_begin_write(db, err);
    if (rc == RD_OK) /* again, under the lock: another process may have been first */
        rc = same_source(db, cat->file, source, len, &same, err);
    ingest in = {.db = db, .cat = cat, .err = err};
    if (rc == RD_OK && same)
        stats->unchanged = 1;
    else if (rc == RD_OK)
        rc = replace_catalog(&in, source, len, stats);
    if (rc == RD_OK)
        rc = count_urls(db, &stats->urls_total, err);
    sqlite3_finalize(in.cat_ins);
    sqlite3_finalize(in.url_ins);
    sqlite3_finalize(in.url_get);
    sqlite3_finalize(in.ent_ins);
    sqlite3_finalize(in.fts_ins);
    sqlite3_finalize(in.note_ins);
    for (size_t i = 0; in.name_paths && i < cat->ncategories; i++)
        free(in.name_paths[i]);
    for (size_t i = 0; in.fts_paths && i < cat->ncategories; i++)
        free(in.fts_paths[i]);
    free(in.name_paths);
    free(in.fts_paths);
    rd_buf_free(&in.names);
    if (rc == RD_OK)
        rc = rd_db_exec(db, same ? "ROLLBACK" : "COMMIT", err);
    if (rc < 0)
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
