/* db/query.c — entries by category and search, the category tree, JSON. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A category matches by name, slug, slug path or name path, in any case. */
#define CATEGORY_MATCHES                                                                           \
    "(lower(name) = lower(?1) OR slug = lower(?1) OR lower(path) = lower(?1)"                      \
    " OR lower(name_path) = lower(?1))"

/* The entries that answer a query: those of the matching categories (and
 * their sub-categories) that match the search, with all their sub-entries. */
#define HITS_CTE                                                                                   \
    "WITH RECURSIVE sel(id) AS ("                                                                  \
    "  SELECT id FROM categories WHERE ?1 IS NULL OR " CATEGORY_MATCHES                            \
    "  UNION SELECT c.id FROM categories c JOIN sel ON c.parent_id = sel.id),"                     \
    " hits(id) AS ("                                                                               \
    "  SELECT e.id FROM entries e WHERE e.category_id IN sel"                                      \
    "   AND (?2 IS NULL OR e.id IN temp.found)"                                                    \
    "  UNION SELECT e.id FROM entries e JOIN hits h ON e.parent_id = h.id),"

/* The hits shown: all, or (--status, --since: ?3, ?4) those whose link's
 * status is that, begun then; an entry shown without its parent is a result
 * of its own. */
#define SHOWN_ALL " shown(id) AS (SELECT id FROM hits) "
// clang-format off
#define SHOWN_FILTERED                                                                             \
    " shown(id) AS (SELECT h.id FROM hits h JOIN entries e ON e.id = h.id"                         \
    "  JOIN urls u ON u.id = e.url_id" RD_STATUS_JOIN("k", "u.id")                                 \
    "  WHERE (?3 IS NULL OR (?3 = 'flaky' AND " RD_FLAKY("u.id") ")"                               \
    "   OR (?3 <> 'flaky' AND " RD_STATUS_CLASS("k") " = ?3))"                                     \
    "  AND (?4 IS NULL OR " RD_STATUS_SINCE("k", "u") " >= ?4)) "
// clang-format on

#define ENTRY_FROM                                                                                 \
    " FROM entries e JOIN categories c ON c.id = e.category_id"                                    \
    " LEFT JOIN urls u ON u.id = e.url_id" RD_STATUS_JOIN("k", "e.url_id") " WHERE e.id IN shown"

/* An entry's repository, when the catalog's link names one that refdex
 * repos stored (e with its url u): joined as r. */
#define ENTRY_FROM_REPO(join)                                                                      \
    " FROM entries e JOIN categories c ON c.id = e.category_id"                                    \
    " LEFT JOIN urls u ON u.id = e.url_id" RD_STATUS_JOIN("k", "e.url_id") RD_REPO_JOIN join       \
        " WHERE e.id IN shown"

/* --sort: each shown entry's result (itself, or the shown ancestor it is
 * listed under), whose repository (rr) orders the results of a category. */
#define ROOTS_CTE                                                                                  \
    ", roots(id, root) AS (SELECT id, id FROM entries WHERE id IN shown AND"                       \
    "  (parent_id IS NULL OR parent_id NOT IN shown)"                                              \
    "  UNION ALL SELECT e.id, ro.root FROM entries e JOIN roots ro ON e.parent_id = ro.id"         \
    "  WHERE e.id IN shown) "
#define ROOTS_JOIN                                                                                 \
    " JOIN roots ro ON ro.id = e.id JOIN entries re ON re.id = ro.root"                            \
    " LEFT JOIN urls ru ON ru.id = re.url_id"                                                      \
    " LEFT JOIN repo_links rrl ON rrl.key = rd_repo_key(ru.url)"                                   \
    " LEFT JOIN repos rr ON rr.id = rrl.repo_id"
/* ?5: stars, pushed or name */
#define SORT_KEY                                                                                   \
    " re.category_id, CASE ?5 WHEN 'stars' THEN rr.stars IS NULL WHEN 'pushed' THEN"               \
    " rr.pushed_at IS NULL ELSE 0 END, CASE ?5 WHEN 'stars' THEN -rr.stars END,"                   \
    " CASE ?5 WHEN 'pushed' THEN rr.pushed_at END DESC,"                                           \
    " CASE ?5 WHEN 'name' THEN re.name END COLLATE NOCASE, re.ord, e.ord"

/* Turns one word a user typed into an FTS5 query: a quoted string (no
 * character is syntax) matched as a prefix; CJK characters spaced as the
 * index has them. NULL when out of memory. */
static char *fts_word(const char *s, size_t n)
{
    char *word = strndup(s, n), *spaced = word ? rd_fts_spaced(word) : NULL;
    free(word);
    if (!spaced)
        return NULL;
    rd_buf b = {0};
    rd_buf_putc(&b, '"');
    for (const char *c = spaced; *c; c++) {
        if (*c == '"')
            rd_buf_putc(&b, '"');
        rd_buf_putc(&b, *c);
    }
    rd_buf_puts(&b, "\"*");
    free(spaced);
    return rd_buf_take(&b);
}

/* Fills temp.found with the entries that match every word of the search:
 * each word through the entry's name or description, or its category's
 * names. Sets *searching unless the search is blank. */
static int find_words(rd_db *db, const char *text, int *searching, rd_error *err)
{
    static const char setup[] = "DELETE FROM temp.found";
    static const char first[] =
        "INSERT INTO temp.found SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1"
        " UNION SELECT id FROM entries WHERE category_id IN"
        " (SELECT rowid FROM categories_fts WHERE categories_fts MATCH ?1)";
    static const char next[] =
        "DELETE FROM temp.found WHERE id NOT IN"
        " (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1)"
        " AND (SELECT category_id FROM entries WHERE entries.id = found.id) NOT IN"
        " (SELECT rowid FROM categories_fts WHERE categories_fts MATCH ?1)";
    *searching = 0;
    int rc = RD_OK;
    for (const char *s = text; rc == RD_OK;) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (!*s)
            break;
        size_t n = strcspn(s, " \t\n");
        char *word = fts_word(s, n);
        if (!word)
            return rd_error_set(err, RD_ENOMEM, "out of memory");
        if (!*searching)
            rc = rd_db_exec(db, setup, err);
        sqlite3_stmt *st = NULL;
        if (rc == RD_OK)
            rc = rd_db_prepare(db, *searching ? next : first, &st, err);
        if (rc == RD_OK) {
            sqlite3_bind_text(st, 1, word, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = rd_db_fail(db, err, "searching");
        }
        sqlite3_finalize(st);
        free(word);
        *searching = 1;
        s += n;
    }
    return rc;
}

/* Binds ?1 (category), ?2 (whether temp.found holds a search's hits), and
 * where the statement has them ?3 (status) and ?4 (since). */
static void bind_query(sqlite3_stmt *st, const rd_query *q, int searching)
{
    if (q->category)
        sqlite3_bind_text(st, 1, q->category, -1, SQLITE_STATIC);
    if (searching)
        sqlite3_bind_int(st, 2, 1);
    if (sqlite3_bind_parameter_count(st) >= 4) {
        sqlite3_bind_text(st, 3, q->status, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, q->since, -1, SQLITE_STATIC);
    }
    if (sqlite3_bind_parameter_count(st) >= 5)
        sqlite3_bind_text(st, 5, q->sort, -1, SQLITE_STATIC);
}

/* Whether the query keeps entries by their link's status. */
static int filtered(const rd_query *q)
{
    return q->status || q->since;
}

/* Checks that the category exists and runs the search into temp.found
 * (*searching unset without a search; a blank search matches everything). */
static int query_begin(rd_db *db, const rd_query *q, int *searching, rd_error *err)
{
    *searching = 0;
    int rc = rd_db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS found(id INTEGER PRIMARY KEY)", err);
    if (rc < 0)
        return rc;
    if (q->category) {
        sqlite3_stmt *st;
        rc = rd_db_prepare(db, "SELECT count(*) FROM categories WHERE " CATEGORY_MATCHES, &st, err);
        if (rc < 0)
            return rc;
        bind_query(st, q, 0);
        int found = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        sqlite3_finalize(st);
        if (found < 0)
            return rd_db_fail(db, err, "finding the category");
        if (found == 0)
            return rd_error_set(err, RD_ENOTFOUND,
                                "no category matches '%s' (see 'refdex categories')", q->category);
    }
    return q->search ? find_words(db, q->search, searching, err) : RD_OK;
}

typedef struct entry_cb {
    int (*cb)(const rd_entry_row *, void *);
    void *ud;
    int base; /* the depth of the last result: its subtree follows it */
} entry_cb;

static int entry_row(sqlite3_stmt *st, void *ud)
{
    entry_cb *c = ud;
    if (sqlite3_column_int(st, 13))
        c->base = sqlite3_column_int(st, 2);
    rd_entry_row r = {
        .id = sqlite3_column_int64(st, 0),
        .parent_id = sqlite3_column_int64(st, 1),
        .depth = sqlite3_column_int(st, 2) - c->base,
        .name = RD_COL(st, 3),
        .url = RD_COL(st, 4),
        .url_raw = RD_COL(st, 5),
        .description = RD_COL(st, 6),
        .category = RD_COL(st, 7),
        .line = sqlite3_column_int(st, 8),
        .col = sqlite3_column_int(st, 9),
        .result = RD_COL(st, 10),
        .status_code = sqlite3_column_int(st, 11),
        .checked_at = RD_COL(st, 12),
        .category_name = RD_COL(st, 14),
        .repo = RD_COL(st, 15),
        .stars = sqlite3_column_type(st, 16) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 16),
        .pushed_at = RD_COL(st, 17),
        .archived = sqlite3_column_int(st, 18),
        .gone = sqlite3_column_int(st, 19),
        .title = RD_COL(st, 20),
        .findings = RD_COL(st, 21),
    };
    return c->cb(&r, c->ud);
}

int rd_db_query(rd_db *db, const rd_query *q, int (*cb)(const rd_entry_row *, void *), void *ud,
                rd_error *err)
{
#define QUERY_SQL(shown, roots, join, order)                                                       \
    HITS_CTE shown roots                                                                           \
        "SELECT e.id, coalesce(e.parent_id, 0), e.depth, e.name, u.url, " RD_URL_RAW ","           \
        " e.description, c.path, e.line, e.col, k.result, coalesce(k.status_code, 0),"             \
        " k.checked_at, (e.parent_id IS NULL OR e.parent_id NOT IN shown), c.name_path,"           \
        " r.name, r.stars, r.pushed_at, coalesce(r.archived, 0), coalesce(r.gone, 0),"             \
        " k.title, " RD_ENTRY_FINDINGS("k", "e") ENTRY_FROM_REPO(join) " ORDER BY " order
    static const char all[] = QUERY_SQL(SHOWN_ALL, "", "", "e.ord"),
                      some[] = QUERY_SQL(SHOWN_FILTERED, "", "", "e.ord"),
                      all_sorted[] = QUERY_SQL(SHOWN_ALL, ROOTS_CTE, ROOTS_JOIN, SORT_KEY),
                      some_sorted[] = QUERY_SQL(SHOWN_FILTERED, ROOTS_CTE, ROOTS_JOIN, SORT_KEY);
    const char *sql = q->sort ? (filtered(q) ? some_sorted : all_sorted) : filtered(q) ? some : all;
    int searching;
    int rc = query_begin(db, q, &searching, err);
    sqlite3_stmt *st = NULL;
    if (rc == RD_OK)
        rc = rd_db_prepare(db, sql, &st, err);
    if (rc == RD_OK) {
        bind_query(st, q, searching);
        entry_cb c = {cb, ud, 0};
        rc = rd_db_each(db, st, entry_row, &c, "querying entries", err);
    }
    return rc;
}

int rd_db_nest_json(rd_db *db, const char *update, const char *maxdepth, rd_error *err)
{
    sqlite3_stmt *st = NULL, *up = NULL;
    int rc = rd_db_prepare(db, maxdepth, &st, err);
    int max = 0;
    if (rc == RD_OK && sqlite3_step(st) == SQLITE_ROW)
        max = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc == RD_OK)
        rc = rd_db_prepare(db, update, &up, err);
    for (int d = max; rc == RD_OK && d >= 0; d--) {
        sqlite3_bind_int(up, 1, d);
        if (sqlite3_step(up) != SQLITE_DONE)
            rc = rd_db_fail(db, err, "building JSON");
        sqlite3_reset(up);
    }
    sqlite3_finalize(up);
    return rc;
}

int rd_db_select_text(rd_db *db, const char *sql, char **out, rd_error *err)
{
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (!(*out = rd_db_column_dup(st, 0)))
            rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    } else {
        rc = rd_db_fail(db, err, "reading");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Where a streamed JSON array of entries is: the entries whose objects are
 * open (their "sub_entries" not closed yet), innermost last. */
typedef struct json_nest {
    FILE *out;
    int64_t open[RD_MAX_DEPTH + 2];
    int children[RD_MAX_DEPTH + 2]; /* whether open[i] has written a sub-entry */
    int depth, results;
} json_nest;

static void json_close(json_nest *j)
{
    fputs("]}", j->out);
    j->depth--;
}

/* One entry: its object written without its closing "]}", so that the rows
 * after it (its sub-entries, in catalog order) fill its "sub_entries". */
static int json_entry(sqlite3_stmt *st, void *ud)
{
    json_nest *j = ud;
    int64_t id = sqlite3_column_int64(st, 0), parent = sqlite3_column_int64(st, 1);
    const char *obj = RD_COL(st, 3);
    size_t n = obj ? strlen(obj) : 0;
    if (!obj)
        return RD_ENOMEM;
    if (sqlite3_column_int(st, 2)) { /* a result of its own */
        while (j->depth > 0)
            json_close(j);
        if (j->results++)
            fputc(',', j->out);
    } else {
        while (j->depth > 0 && j->open[j->depth - 1] != parent)
            json_close(j);
        if (j->depth == 0) /* ids follow catalog order: a parent comes before */
            return RD_EINTERNAL;
        if (j->children[j->depth - 1]++)
            fputc(',', j->out);
    }
    if (n < 2 || strcmp(obj + n - 2, "]}") || j->depth == RD_MAX_DEPTH + 2)
        return RD_EINTERNAL;
    fwrite(obj, 1, n - 2, j->out);
    j->open[j->depth] = id;
    j->children[j->depth++] = 0;
    return RD_OK;
}

int rd_db_query_json_write(rd_db *db, const rd_query *q, FILE *out, rd_error *err)
{
#define JSON_SQL(shown, roots, join, order)                                                        \
    HITS_CTE shown roots                                                                           \
        "SELECT e.id, coalesce(e.parent_id, 0),"                                                   \
        " (e.parent_id IS NULL OR e.parent_id NOT IN shown), json_object("                         \
        "'name', e.name, 'url', u.url, 'url_raw', " RD_URL_RAW ","                                 \
        " 'description', e.description, 'category', c.path,"                                       \
        " 'category_name', c.name_path, 'line', e.line,"                                           \
        " 'col', e.col, 'status', k.result, 'status_code', k.status_code,"                         \
        " 'checked_at', k.checked_at, 'title', k.title,"                                           \
        " 'findings', " RD_ENTRY_FINDINGS_JSON(                                                    \
            "k", "e") ","                                                                          \
                      " 'repo', json(" RD_REPO_JSON                                                \
                      "), 'sub_entries', json('[]'))" ENTRY_FROM_REPO(join) " ORDER BY " order
    static const char all[] = JSON_SQL(SHOWN_ALL, "", "", "e.ord"),
                      some[] = JSON_SQL(SHOWN_FILTERED, "", "", "e.ord"),
                      all_sorted[] = JSON_SQL(SHOWN_ALL, ROOTS_CTE, ROOTS_JOIN, SORT_KEY),
                      some_sorted[] = JSON_SQL(SHOWN_FILTERED, ROOTS_CTE, ROOTS_JOIN, SORT_KEY);
    const char *sql = q->sort ? (filtered(q) ? some_sorted : all_sorted) : filtered(q) ? some : all;
    int searching;
    int rc = query_begin(db, q, &searching, err);
    sqlite3_stmt *st = NULL;
    if (rc == RD_OK)
        rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    bind_query(st, q, searching);
    json_nest j = {.out = out};
    fputc('[', out);
    rc = rd_db_each(db, st, json_entry, &j, "querying entries", err);
    if (rc == RD_EINTERNAL || rc == RD_ENOMEM)
        return rd_error_set(err, rc, "%s: %s", db->path,
                            rc == RD_ENOMEM ? "out of memory" : "entries nested out of order");
    while (j.depth > 0)
        json_close(&j);
    fputc(']', out);
    return rc;
}

int rd_db_query_json(rd_db *db, const rd_query *q, char **json, rd_error *err)
{
    size_t n = 0;
    *json = NULL;
    FILE *f = open_memstream(json, &n);
    if (!f)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    int rc = rd_db_query_json_write(db, q, f, err);
    if (fclose(f) != 0 && rc == RD_OK)
        rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    if (rc < 0) {
        free(*json);
        *json = NULL;
    }
    return rc;
}

/* Fills temp.qc with the category tree: depth, own and total entry counts. */
static int category_tree(rd_db *db, rd_error *err)
{
    static const char fill[] =
        "CREATE TEMP TABLE IF NOT EXISTS qc(id INTEGER PRIMARY KEY, parent INTEGER,"
        " depth INTEGER NOT NULL, own INTEGER NOT NULL, total INTEGER, obj TEXT);"
        "CREATE INDEX IF NOT EXISTS temp.qc_parent ON qc(parent, id);"
        "CREATE INDEX IF NOT EXISTS temp.qc_depth ON qc(depth);"
        "DELETE FROM temp.qc;"
        "WITH RECURSIVE tree(id, depth) AS ("
        "  SELECT id, 0 FROM categories WHERE parent_id IS NULL"
        "  UNION ALL SELECT c.id, t.depth + 1 FROM categories c JOIN tree t ON c.parent_id = t.id)"
        " INSERT INTO temp.qc(id, parent, depth, own)"
        " SELECT c.id, c.parent_id, t.depth,"
        "  (SELECT count(*) FROM entries e WHERE e.category_id = c.id)"
        " FROM categories c JOIN tree t ON t.id = c.id;";
    static const char update[] =
        "UPDATE temp.qc SET total = own + coalesce((SELECT sum(c.total) FROM temp.qc c"
        " WHERE c.parent = qc.id), 0) WHERE depth = ?1";
    int rc = rd_db_exec(db, fill, err);
    if (rc == RD_OK)
        rc = rd_db_nest_json(db, update, "SELECT max(depth) FROM temp.qc", err);
    return rc;
}

typedef struct category_cb {
    int (*cb)(const rd_category_row *, void *);
    void *ud;
} category_cb;

static int category_row(sqlite3_stmt *st, void *ud)
{
    category_cb *c = ud;
    rd_category_row r = {
        .id = sqlite3_column_int64(st, 0),
        .depth = sqlite3_column_int(st, 1),
        .name = RD_COL(st, 2),
        .slug = RD_COL(st, 3),
        .path = RD_COL(st, 4),
        .kind = RD_COL(st, 5),
        .line = sqlite3_column_int(st, 6),
        .entries = sqlite3_column_int64(st, 7),
        .total = sqlite3_column_int64(st, 8),
        .description = RD_COL(st, 9),
        .url_raw = RD_COL(st, 10),
        .url = RD_COL(st, 11),
        .name_path = RD_COL(st, 12),
    };
    return c->cb(&r, c->ud);
}

int rd_db_categories(rd_db *db, int (*cb)(const rd_category_row *, void *), void *ud, rd_error *err)
{
    static const char sql[] =
        "SELECT c.id, q.depth, c.name, c.slug, c.path, c.kind, c.line, q.own, q.total,"
        " c.description, c.url_raw, c.url, c.name_path FROM categories c JOIN temp.qc q ON q.id = "
        "c.id ORDER BY c.ord";
    int rc = category_tree(db, err);
    sqlite3_stmt *st = NULL;
    if (rc == RD_OK)
        rc = rd_db_prepare(db, sql, &st, err);
    category_cb c = {cb, ud};
    return rc < 0 ? rc : rd_db_each(db, st, category_row, &c, "listing categories", err);
}

int rd_db_categories_json(rd_db *db, char **json, rd_error *err)
{
    static const char objects[] =
        "UPDATE temp.qc SET obj = (SELECT json_object('name', c.name, 'slug', c.slug,"
        " 'path', c.path, 'kind', c.kind, 'line', c.line, 'description', c.description,"
        " 'url', c.url_raw, 'entries', qc.own,"
        " 'total', qc.total, 'children', (SELECT json_group_array(json(k.obj)) FROM"
        " (SELECT obj FROM temp.qc k WHERE k.parent = qc.id ORDER BY k.id) k))"
        " FROM categories c WHERE c.id = qc.id) WHERE depth = ?1";
    static const char result[] =
        "SELECT json_group_array(json(obj)) FROM (SELECT obj FROM temp.qc WHERE parent IS NULL"
        " ORDER BY id)";
    *json = NULL;
    int rc = category_tree(db, err);
    if (rc == RD_OK)
        rc = rd_db_nest_json(db, objects, "SELECT max(depth) FROM temp.qc", err);
    if (rc == RD_OK)
        rc = rd_db_select_text(db, result, json, err);
    return rc;
}

typedef struct json_rows {
    FILE *out;
    int n;
} json_rows;

static int json_row(sqlite3_stmt *st, void *ud)
{
    json_rows *j = ud;
    if (j->n++)
        fputc(',', j->out);
    fputs(RD_COL(st, 0), j->out);
    return 0;
}

int rd_db_write_json_rows(rd_db *db, sqlite3_stmt *st, FILE *out, rd_error *err)
{
    json_rows j = {out, 0};
    return rd_db_each(db, st, json_row, &j, "building JSON", err);
}
