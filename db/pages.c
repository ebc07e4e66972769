/* db/pages.c — what the HTML and JSON index read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define LATEST_CHECK RD_STATUS_JOIN("k", "e.url_id")
/* The archived copy of a link whose status fails (check --archive), joined
 * as a after LATEST_CHECK. */
#define ARCHIVED                                                                                   \
    " LEFT JOIN archives a ON a.url_id = e.url_id AND a.snapshot_url IS NOT NULL"                  \
    " AND rd_fails(k.result, 1)"

/* Reads a summary row: entries, categories, links, checked, failing,
 * last check, file, title. */
static int read_summary(rd_db *db, sqlite3_stmt *st, rd_site_summary *s, rd_error *err)
{
    if (sqlite3_step(st) != SQLITE_ROW)
        return rd_db_fail(db, err, "summarising");
    s->entries = sqlite3_column_int64(st, 0);
    s->categories = sqlite3_column_int64(st, 1);
    s->links = sqlite3_column_int64(st, 2);
    s->checked = sqlite3_column_int64(st, 3);
    s->failing = sqlite3_column_int64(st, 4);
    snprintf(s->last_check, sizeof s->last_check, "%s", sqlite3_column_text(st, 5));
    snprintf(s->file, sizeof s->file, "%s", sqlite3_column_text(st, 6));
    snprintf(s->title, sizeof s->title, "%s", sqlite3_column_text(st, 7));
    s->offline = sqlite3_column_int(st, 8);
    return RD_OK;
}

/* A summary's columns after its counts: the last check, the file, the title
 * (the first heading when it is a `#` one: a list of `##` sections has
 * none; substr counts characters, so UTF-8 stays whole) and whether the last
 * run found no network. */
#define SUMMARY_REST                                                                               \
    " coalesce((SELECT max(checked_at) FROM checks WHERE conclusive = 1), ''),"                    \
    " coalesce((SELECT file FROM catalog WHERE id = 1), ''),"                                      \
    " coalesce((SELECT substr(name, 1, 300) FROM (SELECT name, level FROM categories"              \
    "   WHERE kind = 'heading' ORDER BY ord LIMIT 1) WHERE level = 1), ''),"                       \
    " coalesce((SELECT outcome = 'offline' FROM runs ORDER BY id DESC LIMIT 1), 0)"

/* *s from the one row of sql (read_summary's columns). */
static int summary_of(rd_db *db, const char *sql, rd_site_summary *s, rd_error *err)
{
    sqlite3_stmt *st;
    memset(s, 0, sizeof *s);
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    rc = read_summary(db, st, s, err);
    sqlite3_finalize(st);
    return rc;
}

int rd_db_site_summary(rd_db *db, rd_site_summary *s, rd_error *err)
{
    static const char sql[] =
        "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM categories),"
        " (SELECT count(DISTINCT url_id) FROM entries),"
        " (SELECT count(DISTINCT e.url_id) FROM entries e" LATEST_CHECK " WHERE k.id IS NOT NULL),"
        " (SELECT count(*) FROM (SELECT DISTINCT e.url_id FROM entries e" LATEST_CHECK
        "   WHERE rd_fails(k.result, 0)))," SUMMARY_REST;
    return summary_of(db, sql, s, err);
}

int rd_db_site_head(rd_db *db, rd_site_summary *s, rd_error *err)
{
    static const char sql[] = "SELECT (SELECT count(*) FROM entries),"
                              " (SELECT count(*) FROM categories), 0, 0, 0," SUMMARY_REST;
    return summary_of(db, sql, s, err);
}

typedef struct link_cb {
    int (*cb)(const rd_link_row *, void *);
    void *ud;
} link_cb;

static int link_row(sqlite3_stmt *st, void *ud)
{
    link_cb *c = ud;
    rd_link_row r = {
        .category_id = sqlite3_column_int64(st, 0),
        .url_id = sqlite3_column_int64(st, 1),
        .result = RD_COL(st, 2),
        .checked_at = RD_COL(st, 3),
        .checked = sqlite3_column_type(st, 4) != SQLITE_NULL,
    };
    return c->cb(&r, c->ud);
}

int rd_db_link_rows(rd_db *db, int (*cb)(const rd_link_row *, void *), void *ud, rd_error *err)
{
    static const char sql[] = "SELECT e.category_id, e.url_id, k.result, k.checked_at, k.id"
                              " FROM entries e" LATEST_CHECK " ORDER BY e.url_id";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    link_cb c = {cb, ud};
    return rd_db_each(db, st, link_row, &c, "counting links", err);
}

typedef struct json_nest {
    FILE *out;
    int base; /* the category's top depth */
    int open; /* entries whose sub_entries are open */
    int bad;
    char items[RD_MAX_DEPTH + 2]; /* whether the open array at each level has items */
} json_nest;

struct rd_pages {
    rd_db *db;
    sqlite3_stmt *entries, *notes, *category;
    int txn; /* rd_pages_open began the read transaction rd_pages_close ends */
    /* index.json, written as the pages read each category (rd_pages_json_*) */
    FILE *json;
    int64_t json_category; /* the category whose entries go to it; 0: none */
    int64_t json_n;        /* categories written */
    json_nest nest;
};

/* A check's findings for the entry, looked into only when it has any (most
 * have none): as lines, and as index.json's array. */
#define FINDINGS_LINES                                                                             \
    "CASE WHEN k.findings IS NOT NULL THEN " RD_ENTRY_FINDINGS_LINES("k", "e") " END"
#define FINDINGS_JSON                                                                              \
    "CASE WHEN k.findings IS NULL THEN json('[]') ELSE " RD_ENTRY_FINDINGS_JSON("k", "e") " END"
/* An entry's object in index.json (render/index.schema.json). */
#define ENTRY_JSON                                                                                 \
    "json_object('name', e.name, 'url', " RD_URL_RAW ", 'normalised_url', u.url,"                  \
    " 'description', e.description, 'line', e.line, 'col', e.col,"                                 \
    " 'check', CASE WHEN k.id IS NULL THEN NULL ELSE json_object('result', k.result,"              \
    " 'status', k.status_code, 'final_url', k.final_url, 'checked_at', k.checked_at,"              \
    " 'title', k.title, 'findings', " FINDINGS_JSON ") END,"                                       \
    " 'archived', CASE WHEN a.url_id IS NULL THEN NULL ELSE json_object('url', a.snapshot_url,"    \
    " 'date', a.snapshot_at) END,"                                                                 \
    " 'repo', json(" RD_REPO_JSON "), 'sub_entries', json('[]'))"

int rd_pages_open(rd_db *db, rd_pages **out, rd_error *err)
{
    /* sub-entries share their parent's category, so catalog order (ord) puts
     * each right after its parent; each row also carries the entry's object
     * of index.json, read with the same joins (its sub_entries empty: the
     * rows after it fill them) */
    static const char entries[] =
        "SELECT e.id, e.depth, e.name, u.url, " RD_URL_RAW ", e.description, e.line, k.result,"
        " coalesce(k.status_code, 0), k.final_url, k.checked_at, k.error,"
        " coalesce(" RD_FAILING_RUNS ", 0), " RD_FAILING_SINCE ", a.snapshot_url, a.snapshot_at,"
        " r.name, r.stars, r.pushed_at, coalesce(r.archived, 0), coalesce(r.gone, 0),"
        " k.title, " FINDINGS_LINES ", " ENTRY_JSON " FROM entries e"
        " LEFT JOIN urls u ON u.id = e.url_id" LATEST_CHECK ARCHIVED RD_REPO_JOIN
        " WHERE e.category_id = ?1 ORDER BY e.ord";
    static const char category[] =
        "SELECT json_object("
        " 'name', c.name, 'slug', c.slug, 'path', c.path, 'kind', c.kind, 'level', c.level,"
        " 'description', c.description, 'url', c.url_raw,"
        " 'parent', (SELECT p.path FROM categories p WHERE p.id = c.parent_id), 'line', c.line,"
        " 'notes', (SELECT json_group_array(json_object('kind', n.kind, 'markdown', n.markdown,"
        "   'line', n.line)) FROM (SELECT * FROM notes WHERE category_id = c.id ORDER BY ord) n),"
        " 'entries', json('[]'))"
        " FROM categories c WHERE c.id = ?1";
    static const char notes[] =
        "SELECT kind, markdown, line FROM notes WHERE category_id = ?1 ORDER BY ord";
    rd_pages *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    p->db = db;
    /* each row is read once: a map of the file would only make the
     * process's memory grow with the database (to 256 MB), read or not */
    int rc = rd_db_exec(db, "PRAGMA mmap_size = 0", err);
    /* one read transaction until rd_pages_close: every page reads the same
     * snapshot, and a statement does not take and release its locks (and
     * look for a journal) each time it runs, 15,000 times for 100,000
     * entries */
    if (rc == RD_OK && sqlite3_get_autocommit(db->h) &&
        (rc = rd_db_exec(db, "BEGIN", err)) == RD_OK)
        p->txn = 1;
    if (rc == RD_OK)
        rc = rd_db_prepare(db, entries, &p->entries, err);
    if (rc == RD_OK)
        rc = rd_db_prepare(db, notes, &p->notes, err);
    if (rc == RD_OK)
        rc = rd_db_prepare(db, category, &p->category, err);
    if (rc < 0) {
        rd_pages_close(p);
        return rc;
    }
    *out = p;
    return RD_OK;
}

void rd_pages_close(rd_pages *p)
{
    if (!p)
        return;
    sqlite3_finalize(p->entries);
    sqlite3_finalize(p->notes);
    sqlite3_finalize(p->category);
    if (p->txn) /* a read transaction: ending it cannot lose anything */
        sqlite3_exec(p->db->h, "COMMIT", NULL, NULL, NULL);
    free(p);
}

/* Steps st, bound to one category, calling row for each row until it
 * returns non-zero (which is returned); st is reset for the next one. */
static int each_of(rd_pages *p, sqlite3_stmt *st, int64_t category_id,
                   int (*row)(sqlite3_stmt *, void *), void *ud, const char *doing, rd_error *err)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, category_id);
    int rc = RD_OK, s;
    while (rc == RD_OK && (s = sqlite3_step(st)) == SQLITE_ROW)
        rc = row(st, ud);
    if (rc == RD_OK && s != SQLITE_DONE)
        rc = rd_db_fail(p->db, err, doing);
    sqlite3_reset(st);
    return rc;
}

typedef struct site_entry_cb {
    int (*cb)(const rd_site_entry *, void *);
    void *ud;
    int base;        /* the category's top depth, from its first row */
    json_nest *json; /* where its index.json object goes, or NULL */
} site_entry_cb;

static void json_entry(json_nest *j, int depth, const char *obj);

static int site_entry_row(sqlite3_stmt *st, void *ud)
{
    site_entry_cb *c = ud;
    int depth = sqlite3_column_int(st, 1);
    if (c->base < 0)
        c->base = depth;
    if (c->json)
        json_entry(c->json, depth, RD_COL(st, 23));
    rd_site_entry e = {
        .id = sqlite3_column_int64(st, 0),
        .depth = depth - c->base,
        .name = RD_COL(st, 2),
        .url = RD_COL(st, 3),
        .url_raw = RD_COL(st, 4),
        .description = RD_COL(st, 5),
        .line = sqlite3_column_int(st, 6),
        .result = RD_COL(st, 7),
        .status_code = sqlite3_column_int(st, 8),
        .final_url = RD_COL(st, 9),
        .checked_at = RD_COL(st, 10),
        .error = RD_COL(st, 11),
        .failing_runs = sqlite3_column_int(st, 12),
        .failing_since = RD_COL(st, 13),
        .archive_url = RD_COL(st, 14),
        .archive_at = RD_COL(st, 15),
        .repo = RD_COL(st, 16),
        .stars = sqlite3_column_type(st, 17) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 17),
        .pushed_at = RD_COL(st, 18),
        .archived = sqlite3_column_int(st, 19),
        .gone = sqlite3_column_int(st, 20),
        .title = RD_COL(st, 21),
        .findings = RD_COL(st, 22),
    };
    return c->cb(&e, c->ud);
}

int rd_pages_entries(rd_pages *p, int64_t category_id, int (*cb)(const rd_site_entry *, void *),
                     void *ud, rd_error *err)
{
    site_entry_cb c = {cb, ud, -1, p->json && p->json_category == category_id ? &p->nest : NULL};
    return each_of(p, p->entries, category_id, site_entry_row, &c, "reading entries", err);
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

int rd_pages_notes(rd_pages *p, int64_t category_id,
                   int (*cb)(const char *kind, const char *markdown, int line, void *), void *ud,
                   rd_error *err)
{
    note_cb c = {cb, ud};
    return each_of(p, p->notes, category_id, note_row, &c, "reading notes", err);
}

/* Writes obj (a JSON object made by SQLite whose last member is an empty
 * array) without the "]}" that closes it, so that items can follow; 0 when
 * it ends otherwise. */
static int open_object(const char *obj, FILE *out)
{
    size_t n = obj ? strlen(obj) : 0;
    if (n < 3 || strcmp(obj + n - 3, "[]}"))
        return 0;
    fwrite(obj, 1, n - 2, out);
    return 1;
}

/* One entry, in catalog order, of depth `depth` with its object obj: it
 * closes the entries above it that it is not under, then opens its own
 * object, whose sub_entries the next rows fill. */
static void json_entry(json_nest *j, int depth, const char *obj)
{
    if (j->base < 0)
        j->base = depth;
    int d = depth - j->base;
    for (; j->open > (d > 0 ? d : 0); j->open--)
        fputs("]}", j->out);
    if (j->items[j->open])
        fputc(',', j->out);
    j->items[j->open] = 1;
    if (!open_object(obj, j->out)) {
        j->bad = 1;
        return;
    }
    if (j->open < RD_MAX_DEPTH)
        j->items[++j->open] = 0;
    else
        fputs("]}", j->out); /* deeper than the parser allows: not nested further */
}

int rd_pages_json_begin(rd_pages *p, FILE *out, rd_error *err)
{
    static const char head[] =
        "SELECT rtrim(json_object('generator', 'refdex', 'schema_version', 3,"
        " 'catalog', (SELECT file FROM catalog WHERE id = 1)), '}')";
    char *top = NULL;
    int rc = rd_db_select_text(p->db, head, &top, err);
    if (rc == RD_OK) {
        fprintf(out, "%s,\"categories\":[", top);
        p->json = out;
        p->json_n = 0;
        p->nest.bad = 0;
    }
    free(top);
    return rc;
}

int rd_pages_json_category(rd_pages *p, int64_t category_id, rd_error *err)
{
    if (!p->json)
        return RD_OK;
    sqlite3_reset(p->category);
    sqlite3_bind_int64(p->category, 1, category_id);
    int rc = RD_OK;
    if (sqlite3_step(p->category) != SQLITE_ROW)
        rc = rd_db_fail(p->db, err, "building JSON");
    if (rc == RD_OK && p->json_n++)
        fputc(',', p->json);
    if (rc == RD_OK && !open_object(RD_COL(p->category, 0), p->json))
        p->nest.bad = 1;
    sqlite3_reset(p->category);
    if (rc == RD_OK) {
        int bad = p->nest.bad;
        p->nest = (json_nest){.out = p->json, .base = -1, .bad = bad};
        p->json_category = category_id;
    }
    return rc;
}

int rd_pages_json_category_end(rd_pages *p)
{
    if (!p->json || !p->json_category)
        return RD_OK;
    for (; p->nest.open > 0; p->nest.open--)
        fputs("]}", p->json);
    fputs("]}", p->json);
    p->json_category = 0;
    return RD_OK;
}

int rd_pages_json_end(rd_pages *p, rd_error *err)
{
    if (!p->json)
        return RD_OK;
    fputs("]}\n", p->json);
    p->json = NULL;
    if (p->nest.bad)
        return rd_error_set(err, RD_EINTERNAL, "building JSON: an object of an unexpected shape");
    return RD_OK;
}
