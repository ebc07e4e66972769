/* db/repos.c — repositories' metadata (db/repos.h). The APIs' JSON is read
 * by SQLite's JSON functions, never by hand: each field is taken only when
 * it has the JSON type the forge sends, and a name only when it is one a
 * forge could give (rd_repo_name_valid), so a hostile answer cannot put
 * Markdown or a path into what `fix` writes. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "repos.h"

/* rd_repo_key(url): "forge:owner/name" of a repository link, NULL for others. */
static void sql_repo_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    char key[RD_REPO_NAME_MAX + 16];
    rd_repo_key((const char *)sqlite3_value_text(argv[0]), key, sizeof key);
    if (key[0])
        sqlite3_result_text(ctx, key, -1, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
}

/* rd_repo_name_ok(forge, name): rd_repo_name_valid, for SQL. */
static void sql_repo_name_ok(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *forge = (const char *)sqlite3_value_text(argv[0]);
    const char *name = (const char *)sqlite3_value_text(argv[1]);
    sqlite3_result_int(ctx, forge && rd_repo_name_valid(rd_forge_of_name(forge), name));
}

/* rd_repo_moved(url, canonical): url naming its repository by the canonical
 * name instead, the rest of its path kept; NULL when url names no
 * repository or canonical is no name the forge could give. */
static void sql_repo_moved(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *url = (const char *)sqlite3_value_text(argv[0]);
    const char *name = (const char *)sqlite3_value_text(argv[1]);
    rd_repo_ref r;
    if (!url || !name || !rd_repo_of_url(url, &r) || !rd_repo_name_valid(r.forge, name)) {
        sqlite3_result_null(ctx);
        return;
    }
    char out[RD_REPO_NAME_MAX + 64];
    rd_repo_url(r.forge, name, out, sizeof out);
    char *moved = sqlite3_mprintf("%s%s", out, url + r.rest);
    if (!moved)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, moved, -1, sqlite3_free);
}

int rd_db_repo_functions(sqlite3 *h)
{
    const int f = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    return sqlite3_create_function(h, "rd_repo_key", 1, f, NULL, sql_repo_key, NULL, NULL) ||
           sqlite3_create_function(h, "rd_repo_moved", 2, f, NULL, sql_repo_moved, NULL, NULL) ||
           sqlite3_create_function(h, "rd_repo_name_ok", 2, f, NULL, sql_repo_name_ok, NULL, NULL);
}

typedef struct want_list {
    rd_repo_want *v;
    size_t n, cap;
} want_list;

static int add_want(sqlite3_stmt *st, void *ud)
{
    want_list *l = ud;
    const char *key = RD_COL(st, 0);
    const char *colon = key ? strchr(key, ':') : NULL;
    if (!colon)
        return RD_OK;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        rd_repo_want *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return RD_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    rd_repo_want *w = &l->v[l->n];
    char forge[16];
    snprintf(forge, sizeof forge, "%.*s", (int)(colon - key), key);
    w->forge = rd_forge_of_name(forge);
    w->key = strdup(key);
    w->name = w->key ? w->key + (colon - key) + 1 : NULL;
    if (!w->key)
        return RD_ENOMEM;
    l->n++;
    return RD_OK;
}

int rd_repos_wanted(rd_db *db, int64_t max_age_ms, rd_repo_want **out, size_t *n, size_t *linked,
                    rd_error *err)
{
    static const char sql[] =
        "SELECT k, fresh FROM (SELECT rd_repo_key(u.url) AS k, min(e.id) AS first FROM entries e"
        " JOIN urls u ON u.id = e.url_id WHERE u.kind = 'web' GROUP BY k HAVING k IS NOT NULL)"
        " LEFT JOIN (SELECT key, 1 AS fresh FROM repo_links"
        "  WHERE (julianday('now') - julianday(fetched_at)) * 86400000.0 < ?1) ON key = k"
        " ORDER BY first";
    want_list all = {0};
    *out = NULL;
    *n = 0;
    *linked = 0;
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, max_age_ms);
    int s;
    while (rc == RD_OK && (s = sqlite3_step(st)) == SQLITE_ROW) {
        (*linked)++;
        if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            rc = add_want(st, &all);
    }
    if (rc == RD_OK && s != SQLITE_DONE)
        rc = rd_db_fail(db, err, "listing repositories");
    sqlite3_finalize(st);
    if (rc == RD_ENOMEM)
        rd_error_set(err, RD_ENOMEM, "out of memory");
    if (rc < 0) {
        rd_repos_wanted_free(all.v, all.n);
        return rc;
    }
    *out = all.v;
    *n = all.n;
    return RD_OK;
}

void rd_repos_wanted_free(rd_repo_want *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(w[i].key);
    free(w);
}

static int ensure_answers(rd_db *db, rd_error *err)
{
    return rd_db_exec(db,
                      "CREATE TEMP TABLE IF NOT EXISTS repo_answers (asked TEXT NOT NULL,"
                      " forge TEXT NOT NULL, name TEXT NOT NULL, gone INTEGER NOT NULL,"
                      " stars INTEGER, forks INTEGER, archived INTEGER, pushed_at TEXT,"
                      " default_branch TEXT, license TEXT, description TEXT, language TEXT)",
                      err);
}

/* A field of the object v, only when it has the JSON type the forge sends. */
/* a count: a whole number, not below 0 */
#define J_INT(p)                                                                                   \
    "(CASE WHEN json_type(v, '" p "') = 'integer' AND v ->> '" p "' >= 0 THEN v ->> '" p "' END)"
#define J_BOOL(p) "(CASE json_type(v, '" p "') WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
#define J_TEXT(p, max)                                                                             \
    "(CASE json_type(v, '" p "') WHEN 'text' THEN substr(v ->> '" p "', 1, " #max ") END)"
/* a time as ISO 8601 in UTC to the second, as checked_at is compared */
#define J_TIME(p)                                                                                  \
    "(CASE WHEN json_type(v, '" p "') = 'text' AND v ->> '" p "' GLOB"                             \
    " '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*'"              \
    " THEN strftime('%Y-%m-%dT%H:%M:%SZ', v ->> '" p "') END)"

/* The columns of temp.repo_answers after (asked, forge, name, gone), read
 * from a forge's object v by the paths its API uses. */
#define COLS(name, stars, forks, archived, pushed, branch, license, description, language)                                      \
    J_TEXT(name, 300)                                                                                                           \
    " AS n, " J_INT(stars) " AS stars, " J_INT(forks) " AS forks, " J_BOOL(                                                     \
        archived) " AS archived, " J_TIME(pushed) " AS pushed_at, " J_TEXT(branch,                                              \
                                                                           200) " AS "                                          \
                                                                                "branch, " J_TEXT(                              \
                                                                                    license,                                    \
                                                                                    100) " AS "                                 \
                                                                                         "license"                              \
                                                                                         ","                                    \
                                                                                         " " J_TEXT(                            \
                                                                                             description,                       \
                                                                                             1000) " AS description, " language \
                                                                                                   " AS language"
#define TAKEN "n, stars, forks, archived, pushed_at, branch, license, description, language"

static const char *const rest_cols[] = {
    [RD_FORGE_GITHUB] =
        COLS("$.full_name", "$.stargazers_count", "$.forks_count", "$.archived", "$.pushed_at",
             "$.default_branch", "$.license.spdx_id", "$.description", J_TEXT("$.language", 100)),
    [RD_FORGE_GITLAB] =
        COLS("$.path_with_namespace", "$.star_count", "$.forks_count", "$.archived",
             "$.last_activity_at", "$.default_branch", "$.license.key", "$.description", "NULL"),
    [RD_FORGE_CODEBERG] =
        COLS("$.full_name", "$.stars_count", "$.forks_count", "$.archived", "$.updated_at",
             "$.default_branch", "$.licenses[0]", "$.description", J_TEXT("$.language", 100)),
};

/* Checks that json is a JSON object; RD_EINPUT saying so when not. */
static int json_object(rd_db *db, const char *json, size_t len, const char *what, rd_error *err)
{
    if (!rd_db_json_keys_ok(json, len)) /* before SQLite's JSON functions see it */
        return rd_error_set(err, RD_EINPUT, "%s: the answer is not JSON (a key not a string)",
                            what);
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, "SELECT json_valid(?1) AND json_type(?1) = 'object'", &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, json, (int)len, SQLITE_STATIC);
    int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ok ? RD_OK : rd_error_set(err, RD_EINPUT, "%s: the answer is not a JSON object", what);
}

int rd_repos_answer_graphql(rd_db *db, const char *json, size_t len, const rd_repo_want *batch,
                            size_t n, size_t *bad, rd_error *err)
{
    /* ?2, the aliases asked: [{"i":"r0","key":"github:o/n","name":"o/n"},...]
     * (names hold no character JSON escapes: rd_repo_of_url) */
    static const char sql[] =
        "INSERT INTO temp.repo_answers SELECT asked, 'github', CASE WHEN t = 'object' THEN n"
        " ELSE name END, t IS NOT 'object', stars, forks, archived, pushed_at, branch, license,"
        " description, language FROM (SELECT asked, name, t, " COLS(
            "$.nameWithOwner", "$.stargazerCount", "$.forkCount", "$.isArchived", "$.pushedAt",
            "$.defaultBranchRef.name", "$.licenseInfo.spdxId", "$.description",
            J_TEXT(
                "$.primaryLanguage.name",
                100)) ","
                      "  EXISTS (SELECT 1 FROM json_each(?1, '$.errors') e"
                      "   WHERE e.value ->> '$.type' = 'NOT_FOUND' AND e.value ->> '$.path[0]' = "
                      "i) AS nf"
                      /* each alias asked once, by its path: an answer that names one
                       * twice is read as json_extract reads it (the first) */
                      "  FROM (SELECT a.value ->> '$.key' AS asked, a.value ->> '$.name' AS name,"
                      "   a.value ->> '$.i' AS i, json_type(?1, '$.data.' || (a.value ->> '$.i'))"
                      "   AS t, json_extract(?1, '$.data.' || (a.value ->> '$.i')) AS v"
                      "   FROM json_each(?2) a))"
                      " WHERE (t = 'object' AND rd_repo_name_ok('github', n))"
                      "  OR (coalesce(t, 'null') = 'null' AND nf)";
    *bad = 0;
    int rc = json_object(db, json, len, "GitHub's GraphQL API", err);
    sqlite3_stmt *st = NULL;
    if (rc == RD_OK) {
        sqlite3_stmt *d;
        rc = rd_db_prepare(db, "SELECT json_type(?1, '$.data') = 'object'", &d, err);
        if (rc == RD_OK) {
            sqlite3_bind_text(d, 1, json, (int)len, SQLITE_STATIC);
            if (sqlite3_step(d) != SQLITE_ROW || !sqlite3_column_int(d, 0))
                rc = rd_error_set(err, RD_EINPUT, "GitHub's GraphQL API: the answer has no data");
            sqlite3_finalize(d);
        }
    }
    if (rc == RD_OK)
        rc = ensure_answers(db, err);
    if (rc == RD_OK)
        rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    rd_buf asked = {0};
    rd_buf_putc(&asked, '[');
    for (size_t i = 0; i < n; i++)
        rd_buf_printf(&asked, "%s{\"i\":\"r%zu\",\"key\":\"%s\",\"name\":\"%s\"}", i ? "," : "", i,
                      batch[i].key, batch[i].name);
    rd_buf_putc(&asked, ']');
    sqlite3_bind_text(st, 1, json, (int)len, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, asked.data, (int)asked.len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = rd_db_fail(db, err, "reading GitHub's answer");
    else
        *bad = n - ((size_t)sqlite3_changes(db->h) < n ? (size_t)sqlite3_changes(db->h) : n);
    sqlite3_finalize(st);
    rd_buf_free(&asked);
    return rc;
}

int rd_repos_answer_rest(rd_db *db, const rd_repo_want *w, int status, const char *json, size_t len,
                         rd_error *err)
{
    const char *forge = rd_forge_name(w->forge);
    if (!forge)
        return rd_error_set(err, RD_EUSAGE, "%s: not a forge's repository", w->key);
    int rc = ensure_answers(db, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *st;
    if (status == 404 || status == 410 || status == 451) {
        rc = rd_db_prepare(db,
                           "INSERT INTO temp.repo_answers (asked, forge, name, gone)"
                           " VALUES (?1, ?2, ?3, 1)",
                           &st, err);
        if (rc < 0)
            return rc;
        sqlite3_bind_text(st, 1, w->key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, forge, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, w->name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = rd_db_fail(db, err, "storing a gone repository");
        sqlite3_finalize(st);
        return rc;
    }
    char what[RD_REPO_NAME_MAX + 32];
    snprintf(what, sizeof what, "%s %s", forge, w->name);
    rc = json_object(db, json ? json : "", json ? len : 0, what, err);
    if (rc < 0)
        return rc;
    rd_buf sql = {0};
    rd_buf_printf(&sql,
                  "INSERT INTO temp.repo_answers SELECT ?2, ?3, n, 0, stars, forks, archived,"
                  " pushed_at, branch, license, description, language FROM (SELECT %s FROM"
                  " (SELECT ?1 AS v)) WHERE rd_repo_name_ok(?3, n)",
                  rest_cols[w->forge]);
    rc = rd_db_prepare(db, sql.data, &st, err);
    rd_buf_free(&sql);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, json, (int)len, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, w->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, forge, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = rd_db_fail(db, err, "reading an API's answer");
    else if (sqlite3_changes(db->h) == 0)
        rc = rd_error_set(err, RD_EINPUT, "%s: the answer has no valid repository name", what);
    sqlite3_finalize(st);
    return rc;
}

int rd_repos_store(rd_db *db, rd_repos_stored *c, rd_error *err)
{
    static const char counts[] =
        "SELECT count(*), count(*) FILTER (WHERE NOT gone AND lower(name) <>"
        "  substr(asked, instr(asked, ':') + 1)), count(*) FILTER (WHERE archived),"
        "  count(*) FILTER (WHERE gone) FROM temp.repo_answers";
    static const char store[] =
        "INSERT INTO repos (forge, name, gone, stars, forks, archived, pushed_at,"
        " default_branch, license, description, language, fetched_at)"
        " SELECT forge, name, gone, stars, forks, archived, pushed_at, default_branch, license,"
        " description, language, strftime('%Y-%m-%dT%H:%M:%fZ') FROM temp.repo_answers WHERE 1"
        " ON CONFLICT (forge, name) DO UPDATE SET name = excluded.name, gone = excluded.gone,"
        " stars = excluded.stars, forks = excluded.forks, archived = excluded.archived,"
        " pushed_at = excluded.pushed_at, default_branch = excluded.default_branch,"
        " license = excluded.license, description = excluded.description,"
        " language = excluded.language, fetched_at = excluded.fetched_at;"
        "INSERT OR REPLACE INTO repo_links (key, repo_id, fetched_at)"
        " SELECT a.asked, r.id, r.fetched_at FROM temp.repo_answers a"
        " JOIN repos r ON r.forge = a.forge AND r.name = a.name;"
        "DELETE FROM temp.repo_answers;";
    int rc = ensure_answers(db, err);
    sqlite3_stmt *st = NULL;
    if (rc == RD_OK)
        rc = rd_db_prepare(db, counts, &st, err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW) {
        c->stored += (size_t)sqlite3_column_int64(st, 0);
        c->renamed += (size_t)sqlite3_column_int64(st, 1);
        c->archived += (size_t)sqlite3_column_int64(st, 2);
        c->gone += (size_t)sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    rc = rd_db_begin_write(db, err);
    if (rc == RD_OK)
        rc = rd_db_exec(db, store, err);
    if (rc == RD_OK)
        rc = rd_db_exec(db, "COMMIT", err);
    else
        rd_db_exec(db, "ROLLBACK", NULL);
    return rc;
}

struct rd_repo_lookup {
    rd_db *db;
    sqlite3_stmt *st;
};

int rd_repos_lookup_open(rd_db *db, int64_t max_age_ms, rd_repo_lookup **out, rd_error *err)
{
    static const char sql[] =
        "SELECT r.gone, r.name FROM repo_links l JOIN repos r ON r.id = l.repo_id"
        " WHERE l.key = ?1 AND (julianday('now') - julianday(l.fetched_at)) * 86400000.0 < ?2";
    *out = calloc(1, sizeof **out);
    if (!*out)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    (*out)->db = db;
    int rc = rd_db_prepare(db, sql, &(*out)->st, err);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        return rc;
    }
    sqlite3_bind_int64((*out)->st, 2, max_age_ms);
    return RD_OK;
}

int rd_repos_lookup(rd_repo_lookup *lk, const char *key, rd_repo_info *info, rd_error *err)
{
    sqlite3_reset(lk->st);
    sqlite3_bind_text(lk->st, 1, key, -1, SQLITE_TRANSIENT);
    int s = sqlite3_step(lk->st);
    if (s == SQLITE_DONE)
        return 0;
    if (s != SQLITE_ROW)
        return rd_db_fail(lk->db, err, "reading a repository");
    info->gone = sqlite3_column_int(lk->st, 0);
    snprintf(info->name, sizeof info->name, "%s", RD_COL(lk->st, 1) ? RD_COL(lk->st, 1) : "");
    return 1;
}

void rd_repos_lookup_close(rd_repo_lookup *lk)
{
    if (lk)
        sqlite3_finalize(lk->st);
    free(lk);
}

/* The entries whose repository is known, with what makes it a finding. */
#define LINKED_REPOS                                                                               \
    " FROM entries e JOIN urls u ON u.id = e.url_id JOIN repo_links l"                             \
    " ON l.key = rd_repo_key(u.url) JOIN repos r ON r.id = l.repo_id"
#define RENAMED "(NOT r.gone AND lower(r.name) <> substr(l.key, instr(l.key, ':') + 1))"

int rd_repos_stale(rd_db *db, const char *cutoff, const char *file,
                   int (*cb)(const rd_stale_row *, void *), void *ud, rd_error *err)
{
    static const char sql[] =
        "WITH s AS (SELECT e.id, e.line, e.col, e.name AS entry, " RD_URL_RAW " AS url,"
        "  r.forge, r.name AS repo, r.gone, r.archived, r.pushed_at, r.stars, r.fetched_at,"
        "  CASE WHEN " RENAMED " THEN rd_repo_moved(u.url, r.name) END AS moved_to,"
        "  (NOT r.gone AND NOT coalesce(r.archived, 0) AND r.pushed_at < ?1) AS old" LINKED_REPOS
        "),"
        " f AS (SELECT s.*, 1 AS o, 'gone' AS kind FROM s WHERE gone"
        "  UNION ALL SELECT s.*, 2, 'renamed' FROM s WHERE moved_to IS NOT NULL"
        "  UNION ALL SELECT s.*, 3, 'archived' FROM s WHERE NOT gone AND archived"
        "  UNION ALL SELECT s.*, 4, 'stale' FROM s WHERE old)"
        " SELECT line, col, entry, url, kind, forge, repo, moved_to, pushed_at, fetched_at,"
        "  coalesce(stars, -1), json_object('file', ?2, 'line', line, 'col', col, 'entry', entry,"
        "  'url', url, 'kind', kind, 'forge', forge, 'repo', repo, 'moved_to', moved_to,"
        "  'archived', json(CASE WHEN archived THEN 'true' WHEN archived = 0 THEN 'false' END),"
        "  'pushed_at', pushed_at, 'stars', stars, 'fetched_at', fetched_at)"
        " FROM f ORDER BY id, o";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        rd_stale_row row = {sqlite3_column_int(st, 0),
                            sqlite3_column_int(st, 1),
                            RD_COL(st, 2),
                            RD_COL(st, 3),
                            RD_COL(st, 4),
                            RD_COL(st, 5),
                            RD_COL(st, 6),
                            RD_COL(st, 7),
                            RD_COL(st, 8),
                            RD_COL(st, 9),
                            sqlite3_column_int64(st, 10),
                            RD_COL(st, 11)};
        if (cb(&row, ud))
            break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = rd_db_fail(db, err, "reading stale repositories");
    sqlite3_finalize(st);
    return rc;
}

int rd_repos_renamed(rd_db *db, int (*cb)(const char *url, const char *moved_to, void *), void *ud,
                     rd_error *err)
{
    static const char sql[] = "SELECT DISTINCT u.url, rd_repo_moved(u.url, r.name)" LINKED_REPOS
                              " WHERE " RENAMED " AND rd_repo_moved(u.url, r.name) IS NOT NULL";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    int s = SQLITE_DONE;
    while (rc == RD_OK && (s = sqlite3_step(st)) == SQLITE_ROW)
        rc = cb(RD_COL(st, 0), RD_COL(st, 1), ud);
    if (rc == RD_OK && s != SQLITE_DONE)
        rc = rd_db_fail(db, err, "reading renamed repositories");
    sqlite3_finalize(st);
    return rc;
}
