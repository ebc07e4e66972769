/* db/history.c — the checks of one URL over time, newest first (`history`).
 * A URL is found by itself or by the name of an entry that links it. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The URL by itself, as given or normalised. */
static int url_by_text(rd_db *db, const char *what, const char *normalised, int64_t *url_id,
                       char **url, rd_error *err)
{
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db,
                           "SELECT id, url FROM urls WHERE (key = ?3 AND url = ?1)"
                           " OR (key = ?4 AND url = ?2)",
                           &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, what, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, normalised, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, rd_db_url_key(what));
    sqlite3_bind_int64(st, 4, rd_db_url_key(normalised));
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *url_id = sqlite3_column_int64(st, 0);
        *url = rd_db_column_dup(st, 1);
        rc = *url ? RD_OK : rd_error_set(err, RD_ENOMEM, "out of memory");
    } else if (s == SQLITE_DONE) {
        rc = RD_ENOTFOUND;
    } else {
        rc = rd_db_fail(db, err, "finding the URL");
    }
    sqlite3_finalize(st);
    return rc;
}

typedef struct named {
    int n;
    int64_t id;
    char *url;
    char list[400]; /* the URLs of a name shared by several, for the message */
} named;

static int named_row(sqlite3_stmt *st, void *ud)
{
    named *m = ud;
    if (m->n++ == 0) {
        m->id = sqlite3_column_int64(st, 0);
        m->url = rd_db_column_dup(st, 1);
        if (!m->url)
            return RD_ENOMEM;
    }
    size_t used = strlen(m->list);
    snprintf(m->list + used, sizeof m->list - used, "%s%s", used ? ", " : "", RD_COL(st, 1));
    return 0;
}

int rd_db_find_url(rd_db *db, const char *what, const char *normalised, int64_t *url_id, char **url,
                   rd_error *err)
{
    *url = NULL;
    int rc = url_by_text(db, what, normalised, url_id, url, err);
    if (rc != RD_ENOTFOUND)
        return rc;
    static const char sql[] =
        "SELECT DISTINCT u.id, u.url FROM entries e JOIN urls u ON u.id = e.url_id"
        " WHERE e.name = ?1 COLLATE NOCASE OR e.url_raw = ?1 ORDER BY u.id LIMIT 5";
    sqlite3_stmt *st;
    named m = {0};
    rc = rd_db_prepare(db, sql, &st, err);
    if (rc == RD_OK) {
        sqlite3_bind_text(st, 1, what, -1, SQLITE_STATIC);
        rc = rd_db_each(db, st, named_row, &m, "finding the entry", err);
    }
    if (rc == RD_ENOMEM)
        rd_error_set(err, rc, "out of memory");
    if (rc == RD_OK && m.n == 0)
        rc = rd_error_set(err, RD_ENOTFOUND,
                          "%s: no URL and no entry named '%s' (query --search finds entries)",
                          db->path, what);
    if (rc == RD_OK && m.n > 1)
        rc = rd_error_set(err, RD_EUSAGE, "'%s' names entries of %s URLs: %s%s; give the URL", what,
                          m.n < 5 ? "several" : "5 or more", m.list, m.n < 5 ? "" : ", ...");
    if (rc == RD_OK) {
        *url_id = m.id;
        *url = m.url;
    } else {
        free(m.url);
    }
    return rc;
}

/* Every check of ?1 with its run's outcome and, for a cache hit, the check it
 * reused: newest first (a merged database copies a shard's older checks after
 * its own, so the time orders them, not the id). */
#define HISTORY_FROM                                                                               \
    " FROM checks k JOIN runs r ON r.id = k.run_id LEFT JOIN checks f ON f.id = k.cached_from"     \
    " WHERE k.url_id = ?1 ORDER BY k.checked_at DESC, k.id DESC"

typedef struct history_cb {
    int (*cb)(const rd_history_row *, void *);
    void *ud;
} history_cb;

static int history_row(sqlite3_stmt *st, void *ud)
{
    history_cb *c = ud;
    rd_history_row r = {
        .check_id = sqlite3_column_int64(st, 0),
        .run_id = sqlite3_column_int64(st, 1),
        .checked_at = RD_COL(st, 2),
        .result = RD_COL(st, 3),
        .final_url = RD_COL(st, 4),
        .error = RD_COL(st, 5),
        .status_code = sqlite3_column_int(st, 6),
        .redirects = sqlite3_column_int(st, 7),
        .elapsed_ms = sqlite3_column_int64(st, 8),
        .conclusive = sqlite3_column_int(st, 9),
        .outcome = RD_COL(st, 10),
        .cached_result = RD_COL(st, 11),
        .cached_at = RD_COL(st, 12),
    };
    return c->cb(&r, c->ud);
}

int rd_db_history(rd_db *db, int64_t url_id, int (*cb)(const rd_history_row *, void *), void *ud,
                  rd_error *err)
{
    static const char sql[] =
        "SELECT k.id, k.run_id, k.checked_at, k.result, k.final_url, k.error, k.status_code,"
        " k.redirects, k.elapsed_ms, k.conclusive, r.outcome, f.result, f.checked_at" HISTORY_FROM;
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, url_id);
    history_cb c = {cb, ud};
    return rd_db_each(db, st, history_row, &c, "reading the history", err);
}

int rd_db_history_json(rd_db *db, int64_t url_id, FILE *out, rd_error *err)
{
    static const char sql[] =
        "SELECT json_object('checked_at', k.checked_at, 'result', k.result,"
        " 'status', k.status_code, 'final_url', k.final_url, 'redirects', k.redirects,"
        " 'elapsed_ms', k.elapsed_ms, 'error', k.error, 'conclusive', json(CASE WHEN k.conclusive"
        " THEN 'true' ELSE 'false' END), 'cached_result', f.result, 'cached_at', f.checked_at,"
        " 'run', k.run_id, 'run_outcome', r.outcome)" HISTORY_FROM;
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, url_id);
    fputc('[', out);
    rc = rd_db_write_json_rows(db, st, out, err);
    fputs("]\n", out);
    return rc;
}

/* The checks past each URL's latest `keep` (?1) into temp.doomed, less each
 * URL's status; then less what a check left reuses (a cache hit reuses a
 * check of its own, never another hit, so one pass is enough). */
static const char prune_pick[] = "CREATE TEMP TABLE IF NOT EXISTS doomed(id INTEGER PRIMARY KEY);"
                                 "DELETE FROM temp.doomed;";
static const char prune_fill[] =
    "INSERT INTO temp.doomed SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY url_id"
    " ORDER BY checked_at DESC, id DESC) AS n FROM checks) WHERE n > ?1"
    " EXCEPT SELECT max(id) FROM checks WHERE conclusive = 1 GROUP BY url_id";
static const char prune_spare[] =
    "DELETE FROM temp.doomed WHERE id IN (SELECT cached_from FROM checks"
    " WHERE cached_from IS NOT NULL AND id NOT IN temp.doomed)";
static const char prune_count[] =
    "SELECT count(*), count(DISTINCT url_id) FROM checks WHERE id IN temp.doomed";
static const char prune_delete[] = "DELETE FROM checks WHERE id IN temp.doomed";

static int prune_step(rd_db *db, const char *sql, int64_t keep, rd_prune_stats *st, rd_error *err)
{
    sqlite3_stmt *s;
    int rc = rd_db_prepare(db, sql, &s, err);
    if (rc < 0)
        return rc;
    if (sqlite3_bind_parameter_count(s) > 0)
        sqlite3_bind_int64(s, 1, keep);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW && st) {
        st->checks = sqlite3_column_int64(s, 0);
        st->urls = sqlite3_column_int64(s, 1);
    } else if (r != SQLITE_DONE) {
        rc = rd_db_fail(db, err, "pruning checks");
    }
    sqlite3_finalize(s);
    return rc;
}

/* The checks' references still hold: what a kept check reuses was kept. */
static int references_hold(rd_db *db, rd_error *err)
{
    sqlite3_stmt *s;
    int rc = rd_db_prepare(db, "PRAGMA foreign_key_check(checks)", &s, err);
    if (rc < 0)
        return rc;
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        rc = rd_error_set(err, RD_EINTERNAL,
                          "%s: pruning would leave check %lld reusing a removed one", db->path,
                          (long long)sqlite3_column_int64(s, 1));
    else if (r != SQLITE_DONE)
        rc = rd_db_fail(db, err, "checking the checks' references");
    sqlite3_finalize(s);
    return rc;
}

int rd_db_prune(rd_db *db, int64_t keep, rd_prune_stats *st, rd_error *err)
{
    *st = (rd_prune_stats){0};
    if (keep < 1)
        return rd_error_set(err, RD_EUSAGE, "prune keeps at least 1 check per URL, not %lld",
                            (long long)keep);
    /* Enforced, each removed check would look for checks reusing it through
     * all of them (cached_from has no index): 5,000 links of 5 checks took
     * 11 s. The references are checked once before the commit instead. */
    int rc = rd_db_exec(db, "PRAGMA foreign_keys = OFF", err);
    if (rc == RD_OK)
        rc = rd_db_begin_write(db, err);
    if (rc == RD_OK)
        rc = rd_db_exec(db, prune_pick, err);
    if (rc == RD_OK)
        rc = prune_step(db, prune_fill, keep, NULL, err);
    if (rc == RD_OK)
        rc = prune_step(db, prune_spare, keep, NULL, err);
    if (rc == RD_OK)
        rc = prune_step(db, prune_count, keep, st, err);
    if (rc == RD_OK)
        rc = prune_step(db, prune_delete, keep, NULL, err);
    if (rc == RD_OK)
        rc = references_hold(db, err);
    if (rc == RD_OK)
        rc = rd_db_exec(db, "DELETE FROM temp.doomed; COMMIT", err);
    if (rc < 0)
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    if (sqlite3_exec(db->h, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK &&
        rc == RD_OK)
        rc = rd_db_fail(db, err, "turning foreign keys back on");
    sqlite3_stmt *s = NULL;
    if (rc == RD_OK)
        rc = rd_db_prepare(db, "SELECT count(*) FROM checks", &s, err);
    if (rc == RD_OK && sqlite3_step(s) == SQLITE_ROW)
        st->kept = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return rc;
}

int rd_db_vacuum(rd_db *db, rd_error *err)
{
    return rd_db_exec(db, "VACUUM", err);
}
