/* db/pages.c — what the HTML and JSON index read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define LATEST_CHECK RD_STATUS_JOIN("k", "e.url_id")

/* Reads a summary row: entries, categories, links, checked, failing,
 * last check, file, title. */
static int summary_row(rd_db *db, sqlite3_stmt *st, rd_site_summary *s, rd_error *err)
{
    int rc = RD_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        s->entries = sqlite3_column_int64(st, 0);
        s->categories = sqlite3_column_int64(st, 1);
        s->links = sqlite3_column_int64(st, 2);
        s->checked = sqlite3_column_int64(st, 3);
        s->failing = sqlite3_column_int64(st, 4);
        snprintf(s->last_check, sizeof s->last_check, "%s", sqlite3_column_text(st, 5));
        snprintf(s->file, sizeof s->file, "%s", sqlite3_column_text(st, 6));
        snprintf(s->title, sizeof s->title, "%s", sqlite3_column_text(st, 7));
        s->offline = sqlite3_column_int(st, 8);
    } else {
        rc = rd_db_fail(db, err, "summarising");
    }
    sqlite3_finalize(st);
    return rc;
}

int rd_db_site_summary(rd_db *db, rd_site_summary *s, rd_error *err)
{
    /* the title: the first heading when it is a `#` one (a list of `##`
     * sections has none); substr counts characters, so UTF-8 stays whole */
    static const char sql[] =
        "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM categories),"
        " (SELECT count(DISTINCT url_id) FROM entries),"
        " (SELECT count(DISTINCT e.url_id) FROM entries e" LATEST_CHECK " WHERE k.id IS NOT NULL),"
        " (SELECT count(*) FROM (SELECT DISTINCT e.url_id FROM entries e" LATEST_CHECK
        "   WHERE rd_fails(k.result, 0))),"
        " coalesce((SELECT max(checked_at) FROM checks WHERE conclusive = 1), ''),"
        " coalesce((SELECT file FROM catalog WHERE id = 1), ''),"
        " coalesce((SELECT substr(name, 1, 300) FROM (SELECT name, level FROM categories"
        "   WHERE kind = 'heading' ORDER BY ord LIMIT 1) WHERE level = 1), ''),"
        " coalesce((SELECT outcome = 'offline' FROM runs ORDER BY id DESC LIMIT 1), 0)";
    sqlite3_stmt *st;
    memset(s, 0, sizeof *s);
    int rc = rd_db_prepare(db, sql, &st, err);
    return rc < 0 ? rc : summary_row(db, st, s, err);
}

int rd_db_category_summary(rd_db *db, int64_t category_id, rd_site_summary *s, rd_error *err)
{
    static const char sql[] =
        "SELECT count(*), 1, count(DISTINCT e.url_id),"
        " count(DISTINCT CASE WHEN k.id IS NOT NULL THEN e.url_id END),"
        " count(DISTINCT CASE WHEN rd_fails(k.result, 0) THEN e.url_id END),"
        " coalesce(max(k.checked_at), ''), '', '',"
        " coalesce((SELECT outcome = 'offline' FROM runs ORDER BY id DESC LIMIT 1), 0)"
        " FROM entries e" LATEST_CHECK " WHERE e.category_id = ?1";
    sqlite3_stmt *st;
    memset(s, 0, sizeof *s);
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, category_id);
    return summary_row(db, st, s, err);
}

typedef struct site_entry_cb {
    int (*cb)(const rd_site_entry *, void *);
    void *ud;
    int base; /* the category's top depth, from its first row */
} site_entry_cb;

static int site_entry_row(sqlite3_stmt *st, void *ud)
{
    site_entry_cb *c = ud;
    int depth = sqlite3_column_int(st, 1);
    if (c->base < 0)
        c->base = depth;
    rd_site_entry e = {
        .id = sqlite3_column_int64(st, 0),
        .depth = depth - c->base,
        .last_child = sqlite3_column_int(st, 11) <= depth,
        .name = RD_COL(st, 2),
        .url = RD_COL(st, 3),
        .url_raw = RD_COL(st, 4),
        .description = RD_COL(st, 5),
        .line = sqlite3_column_int(st, 6),
        .result = RD_COL(st, 7),
        .status_code = sqlite3_column_int(st, 8),
        .final_url = RD_COL(st, 9),
        .checked_at = RD_COL(st, 10),
        .error = RD_COL(st, 12),
    };
    return c->cb(&e, c->ud);
}

int rd_db_category_entries(rd_db *db, int64_t category_id, int (*cb)(const rd_site_entry *, void *),
                           void *ud, rd_error *err)
{
    /* sub-entries share their parent's category, so catalog order (ord) puts
     * each right after its parent; depth is relative to the category's top */
    static const char sql[] =
        "SELECT e.id, e.depth, e.name, u.url, " RD_URL_RAW ", e.description, e.line, k.result,"
        " coalesce(k.status_code, 0), k.final_url, k.checked_at,"
        " coalesce(lead(e.depth) OVER (ORDER BY e.ord), -1), k.error"
        " FROM entries e LEFT JOIN urls u ON u.id = e.url_id" LATEST_CHECK
        " WHERE e.category_id = ?1 ORDER BY e.ord";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, category_id);
    site_entry_cb c = {cb, ud, -1};
    return rd_db_each(db, st, site_entry_row, &c, "reading entries", err);
}

typedef struct note_cb {
    int (*cb)(const char *kind, const char *markdown, int line, void *);
    void *ud;
} note_cb;

static int note_row(sqlite3_stmt *st, void *ud)
{
    note_cb *c = ud;
    return c->cb(RD_COL(st, 0), RD_COL(st, 1), sqlite3_column_int(st, 2), c->ud);
}

int rd_db_category_notes(rd_db *db, int64_t category_id,
                         int (*cb)(const char *kind, const char *markdown, int line, void *),
                         void *ud, rd_error *err)
{
    static const char sql[] =
        "SELECT kind, markdown, line FROM notes WHERE category_id = ?1 ORDER BY ord";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, category_id);
    note_cb c = {cb, ud};
    return rd_db_each(db, st, note_row, &c, "reading notes", err);
}

int rd_db_index_json(rd_db *db, FILE *out, rd_error *err)
{
    /* entries nest bottom-up in a temporary table, as for queries */
    static const char fill[] =
        "CREATE TEMP TABLE IF NOT EXISTS ij(id INTEGER PRIMARY KEY, parent INTEGER,"
        " category INTEGER, depth INTEGER NOT NULL, obj TEXT NOT NULL);"
        "CREATE INDEX IF NOT EXISTS temp.ij_parent ON ij(parent, id);"
        "CREATE INDEX IF NOT EXISTS temp.ij_category ON ij(category, parent, id);"
        "DELETE FROM temp.ij;"
        "INSERT INTO temp.ij SELECT e.id, e.parent_id, e.category_id, e.depth, json_object("
        " 'name', e.name, 'url', " RD_URL_RAW ", 'normalised_url', u.url,"
        " 'description', e.description, 'line', e.line, 'col', e.col,"
        " 'check', CASE WHEN k.id IS NULL THEN NULL ELSE json_object('result', k.result,"
        "   'status', k.status_code, 'final_url', k.final_url, 'checked_at', k.checked_at) END,"
        " 'sub_entries', json('[]'))"
        " FROM entries e LEFT JOIN urls u ON u.id = e.url_id" LATEST_CHECK " ORDER BY e.ord;";
    static const char nest[] =
        "UPDATE temp.ij SET obj = json_set(obj, '$.sub_entries', (SELECT json_group_array("
        "json(c.obj)) FROM (SELECT obj FROM temp.ij c WHERE c.parent = ij.id ORDER BY c.id) c))"
        " WHERE depth = ?1 AND id IN (SELECT parent FROM temp.ij)";
    /* the top object without its closing brace; categories follow one by one,
     * so the whole index is never one string (nor parsed again) */
    static const char head[] =
        "SELECT rtrim(json_object('generator', 'refdex', 'schema_version', 2,"
        " 'catalog', (SELECT file FROM catalog WHERE id = 1)), '}')";
    static const char categories[] =
        "SELECT json_object("
        " 'name', c.name, 'slug', c.slug, 'path', c.path, 'kind', c.kind, 'level', c.level,"
        " 'description', c.description, 'url', c.url_raw,"
        " 'parent', (SELECT p.path FROM categories p WHERE p.id = c.parent_id), 'line', c.line,"
        " 'notes', (SELECT json_group_array(json_object('kind', n.kind, 'markdown', n.markdown,"
        "   'line', n.line)) FROM (SELECT * FROM notes WHERE category_id = c.id ORDER BY ord) n),"
        " 'entries', (SELECT json_group_array(json(obj)) FROM (SELECT obj FROM temp.ij"
        "   WHERE category = c.id AND parent IS NULL ORDER BY id)))"
        " FROM categories c ORDER BY c.ord";
    char *top = NULL;
    int rc = rd_db_exec(db, fill, err);
    if (rc == RD_OK)
        rc = rd_db_nest_json(db, nest, "SELECT max(depth) FROM temp.ij", err);
    if (rc == RD_OK)
        rc = rd_db_select_text(db, head, &top, err);
    sqlite3_stmt *st = NULL;
    if (rc == RD_OK)
        rc = rd_db_prepare(db, categories, &st, err);
    if (rc == RD_OK) {
        fprintf(out, "%s,\"categories\":[", top);
        rc = rd_db_write_json_rows(db, st, out, err); /* finalizes st */
        fputs("]}\n", out);
    } else {
        sqlite3_finalize(st);
    }
    free(top);
    return rc;
}
