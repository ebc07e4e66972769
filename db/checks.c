/* db/checks.c — link-check runs: targets, results in small batches, reports,
 * the latest check of each URL. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static char *col_dup_or_null(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : rd_db_column_dup(st, i);
}

typedef struct target_list {
    rd_target *v;
    size_t n, cap;
} target_list;

static int add_target(sqlite3_stmt *st, void *ud)
{
    target_list *l = ud;
    rd_target *grown = rd_grow(l->v, &l->cap, l->n, sizeof *grown);
    if (!grown)
        return RD_ENOMEM;
    l->v = grown;
    rd_target *t = &l->v[l->n++];
    memset(t, 0, sizeof *t);
    t->url_id = sqlite3_column_int64(st, 0);
    t->url = rd_db_column_dup(st, 1);
    t->kind = rd_db_column_dup(st, 2);
    t->fresh = sqlite3_column_type(st, 3) != SQLITE_NULL;
    t->fresh_result = col_dup_or_null(st, 3);
    t->fresh_final_url = col_dup_or_null(st, 4);
    t->fresh_title = col_dup_or_null(st, 5);
    t->fresh_status = sqlite3_column_int(st, 6);
    t->fresh_id = sqlite3_column_int64(st, 7);
    t->fresh_findings = sqlite3_column_int(st, 8);
    return t->url && t->kind ? RD_OK : RD_ENOMEM;
}

int rd_db_targets(rd_db *db, int64_t max_age_ms, rd_target **out, size_t *n, rd_error *err)
{
    /* URLs in the order the catalog first uses them, with their status when
     * it is good (ok, or a redirect, which fix needs) and younger than max_age */
    static const char sql[] =
        "SELECT u.id, u.url, u.kind, s.result, s.final_url, s.title, s.status_code, s.id,"
        " s.findings IS NOT NULL"
        " FROM urls u JOIN (SELECT url_id, min(ord) AS first FROM entries"
        "  WHERE url_id IS NOT NULL GROUP BY url_id) f ON f.url_id = u.id" RD_STATUS_JOIN(
            "k", "u.id") " LEFT JOIN checks s ON ?1 > 0 AND s.id = k.id AND (s.result = 'ok' OR "
                         "s.result ="
                         "  'redirect') AND (julianday('now') - julianday(s.checked_at)) * "
                         "86400000.0 < ?1"
                         " ORDER BY f.first";
    sqlite3_stmt *st;
    target_list l = {0};
    *out = NULL;
    *n = 0;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc == RD_OK) {
        sqlite3_bind_int64(st, 1, max_age_ms);
        rc = rd_db_each(db, st, add_target, &l, "listing URLs", err);
    }
    if (rc == RD_ENOMEM)
        rd_error_set(err, RD_ENOMEM, "out of memory");
    if (rc < 0) {
        rd_targets_free(l.v, l.n);
        return rc;
    }
    *out = l.v;
    *n = l.n;
    return RD_OK;
}

void rd_targets_free_one(rd_target *t)
{
    free(t->url);
    free(t->kind);
    free(t->fresh_result);
    free(t->fresh_final_url);
    free(t->fresh_title);
}

void rd_targets_free(rd_target *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rd_targets_free_one(&t[i]);
    free(t);
}

typedef struct id_list {
    int64_t *v;
    size_t n, cap;
} id_list;

static int add_id(sqlite3_stmt *st, void *ud)
{
    id_list *l = ud;
    int64_t *grown = rd_grow(l->v, &l->cap, l->n, sizeof *grown);
    if (!grown)
        return RD_ENOMEM;
    l->v = grown;
    l->v[l->n++] = sqlite3_column_int64(st, 0);
    return RD_OK;
}

int rd_db_urls_on_lines(rd_db *db, const int *lines, size_t n, int64_t **ids, size_t *nids,
                        rd_error *err)
{
    static const char add[] = "INSERT INTO temp.diff_lines(lo, hi) VALUES (?1, ?2)";
    static const char sql[] =
        "SELECT DISTINCT s.url_id FROM (SELECT url_id, line,"
        "  lead(line) OVER (ORDER BY line, kind) AS next FROM (SELECT url_id, line, 1 AS kind"
        "  FROM entries UNION ALL SELECT NULL, line, 0 FROM categories)) s"
        " JOIN temp.diff_lines d ON d.hi >= s.line AND (s.next IS NULL OR d.lo < s.next)"
        " WHERE s.url_id IS NOT NULL ORDER BY s.url_id";
    id_list l = {0};
    sqlite3_stmt *st;
    *ids = NULL;
    *nids = 0;
    int rc = rd_db_exec(db,
                        "DROP TABLE IF EXISTS temp.diff_lines;"
                        "CREATE TEMP TABLE diff_lines(lo INTEGER, hi INTEGER)",
                        err);
    if (rc == RD_OK)
        rc = rd_db_prepare(db, add, &st, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n && rc == RD_OK; i++) {
        sqlite3_bind_int(st, 1, lines[2 * i]);
        sqlite3_bind_int(st, 2, lines[2 * i + 1]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = rd_db_fail(db, err, "listing changed lines");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc == RD_OK)
        rc = rd_db_prepare(db, sql, &st, err);
    if (rc == RD_OK)
        rc = rd_db_each(db, st, add_id, &l, "finding changed entries", err);
    if (rc == RD_ENOMEM)
        rd_error_set(err, RD_ENOMEM, "out of memory");
    if (rc < 0) {
        free(l.v);
        return rc;
    }
    *ids = l.v;
    *nids = l.n;
    return rd_db_exec(db, "DROP TABLE temp.diff_lines", err);
}

/* Where each URL is linked, as the run found the catalog, for its report
 * (temp.run_links: another process may ingest an edited catalog meanwhile). */
int rd_db_run_links(rd_db *db, rd_error *err)
{
    static const char links[] =
        "DROP TABLE IF EXISTS temp.run_links;"
        "CREATE TEMP TABLE run_links AS SELECT e.url_id, e.name, c.path, c.ord AS cord, e.line,"
        " e.col, e.ord FROM entries e JOIN categories c ON c.id = e.category_id"
        " WHERE e.url_id IS NOT NULL;"
        "CREATE INDEX temp.run_links_url ON run_links(url_id, ord);";
    return rd_db_exec(db, links, err);
}

/* Every target of the run gets its row at once, in the run's order: a
 * cancellation that its result replaces. Ending a run (its deadline, a
 * signal, a kill) then writes nothing per link: at a million links, storing
 * their cancellations at the end took longer than the deadline itself. */
static int run_placeholders(rd_db *db, int64_t run_id, const rd_target *targets, size_t n,
                            rd_error *err)
{
    /* the run's URLs into a temporary table (in memory), then its rows in one
     * statement: half the time of an INSERT into checks per URL */
    static const char list[] = "INSERT INTO temp.run_targets(url_id) VALUES (?1)";
    static const char sql[] =
        "INSERT INTO checks(run_id, url_id, result, redirects, elapsed_ms, bytes, error,"
        " checked_at, conclusive) SELECT ?1, url_id, 'cancelled', 0, 0, 0, ?2,"
        " (SELECT started_at FROM runs WHERE id = ?1), 0 FROM temp.run_targets ORDER BY ord";
    sqlite3_stmt *st;
    int rc = rd_db_exec(db,
                        "DROP TABLE IF EXISTS temp.run_targets;"
                        "CREATE TEMP TABLE run_targets(ord INTEGER PRIMARY KEY, url_id INTEGER)",
                        err);
    if (rc == RD_OK)
        rc = rd_db_prepare(db, list, &st, err);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n && rc == RD_OK; i++) {
        sqlite3_bind_int64(st, 1, targets[i].url_id);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = rd_db_fail(db, err, "starting a run");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc == RD_OK)
        rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, RD_CHECK_UNFINISHED, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = rd_db_fail(db, err, "starting a run");
    sqlite3_finalize(st);
    return rc == RD_OK ? rd_db_exec(db, "DROP TABLE temp.run_targets", err) : rc;
}

static int prepare_result_statements(rd_db *db, rd_error *err)
{
    static const char ins[] =
        "INSERT INTO checks(run_id, url_id, result, status_code, final_url, redirects,"
        " elapsed_ms, bytes, error, title, checked_at, conclusive, cached_from, attempts,"
        " http429, paused_ms, description, canonical, findings) VALUES (?1, ?2, ?3, nullif(?4, 0),"
        " ?5, ?6, ?7, ?8, ?9, ?10, strftime('%Y-%m-%dT%H:%M:%fZ'), ?11, nullif(?12, 0), ?13, ?14,"
        " ?15, ?16, ?17, (SELECT findings FROM checks WHERE id = nullif(?12, 0)))";
    /* +run_id: found by the URL's few checks, never by a scan of the run's */
    static const char upd[] =
        "UPDATE checks SET result = ?3, status_code = nullif(?4, 0), final_url = ?5,"
        " redirects = ?6, elapsed_ms = ?7, bytes = ?8, error = ?9, title = ?10,"
        " checked_at = strftime('%Y-%m-%dT%H:%M:%fZ'), conclusive = ?11,"
        " cached_from = nullif(?12, 0), attempts = ?13, http429 = ?14, paused_ms = ?15,"
        " description = ?16, canonical = ?17,"
        /* a cache hit keeps what was found on the page it reused */
        " findings = (SELECT findings FROM checks WHERE id = nullif(?12, 0))"
        " WHERE url_id = ?2 AND +run_id = ?1";
    /* built by SQLite: a finding at a time onto the check just stored */
    static const char add[] =
        "UPDATE checks SET findings = json_insert(coalesce(findings, '[]'), '$[#]',"
        " json_object('kind', ?3, 'entry', ?4, 'detail', ?5)) WHERE url_id = ?2 AND +run_id = ?1";

    if (!db->check_ins &&
        sqlite3_prepare_v3(db->h, ins, -1, SQLITE_PREPARE_PERSISTENT, &db->check_ins, NULL))
        return rd_db_fail(db, err, "preparing");
    if (!db->finding_add &&
        sqlite3_prepare_v3(db->h, add, -1, SQLITE_PREPARE_PERSISTENT, &db->finding_add, NULL))
        return rd_db_fail(db, err, "preparing");
    if (!db->check_upd &&
        sqlite3_prepare_v3(db->h, upd, -1, SQLITE_PREPARE_PERSISTENT, &db->check_upd, NULL))
        return rd_db_fail(db, err, "preparing");
    return RD_OK;
}

int rd_db_run_begin(rd_db *db, const rd_run_options *o, const rd_target *targets, size_t n,
                    int64_t *run_id, rd_error *err)
{
    static const char sql[] =
        "INSERT INTO runs(started_at, options, uid, shard, shards, source_hash) VALUES"
        " (strftime('%Y-%m-%dT%H:%M:%fZ'),"
        " json_object('timeout_ms', ?1, 'deadline_ms', nullif(?2, 0), 'max_age_ms',"
        " nullif(?3, 0), 'max_bytes', ?4, 'host_interval_ms', ?5, 'concurrency', ?6,"
        " 'per_host', ?7, 'retries', ?8, 'method', iif(?9, 'head', 'get'),"
        " 'fail_after', max(?12, 1)),"
        " lower(hex(randomblob(16))), iif(?11 > 0, ?10, NULL), nullif(?11, 0),"
        " (SELECT source_hash FROM catalog WHERE id = 1))";
    sqlite3_stmt *st;
    /* a run needs few pages at a time (a row per result, a report read in
     * order): 8 MB of page cache instead of the 32 ingest and render use
     * keeps `check` of 100,000 links at 53 MB during the crawl instead of 73,
     * and its report from filling the rest (106 MB at its end) */
    int rc = rd_db_exec(db, "PRAGMA cache_size = -8192", err);
    if (rc == RD_OK)
        rc = prepare_result_statements(db, err);
    if (rc == RD_OK)
        rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    rc = rd_db_begin_write(db, err);
    int64_t v[] = {o->timeout_ms,  o->deadline_ms, o->max_age_ms, o->max_bytes, o->host_interval_ms,
                   o->concurrency, o->per_host,    o->retries,    o->head,      o->shard,
                   o->shards,      o->fail_after};
    for (int i = 0; i < 12; i++)
        sqlite3_bind_int64(st, i + 1, v[i]);
    if (rc == RD_OK && sqlite3_step(st) != SQLITE_DONE)
        rc = rd_db_fail(db, err, "starting a run");
    sqlite3_finalize(st);
    *run_id = sqlite3_last_insert_rowid(db->h);
    if (rc == RD_OK)
        rc = rd_db_run_links(db, err);
    if (rc == RD_OK)
        rc = run_placeholders(db, *run_id, targets, n, err);
    if (rc == RD_OK)
        rc = rd_db_exec(db, "COMMIT", err);
    else
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

enum { BATCH_ROWS = 64 };

int rd_db_checks_commit(rd_db *db, rd_error *err)
{
    if (!db->in_batch)
        return RD_OK;
    db->in_batch = 0;
    db->batch_rows = 0;
    return rd_db_exec(db, "COMMIT", err);
}

int rd_db_batch_pending(const rd_db *db)
{
    return db->in_batch;
}

/* Binds a result's columns to the insert or the update (same numbers). */
static void bind_result(sqlite3_stmt *st, int64_t run_id, int64_t url_id, const rd_check_row *c)
{
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, url_id);
    sqlite3_bind_text(st, 3, c->result, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, c->status_code);
    sqlite3_bind_text(st, 5, c->final_url, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, c->redirects);
    sqlite3_bind_int64(st, 7, c->elapsed_ms);
    sqlite3_bind_int64(st, 8, c->bytes);
    sqlite3_bind_text(st, 9, c->error && *c->error ? c->error : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, c->title && *c->title ? c->title : NULL, -1, SQLITE_STATIC);
    int r = rd_result_parse(c->result);
    sqlite3_bind_int(st, 11, r >= 0 && rd_result_conclusive((rd_result)r));
    sqlite3_bind_int64(st, 12, c->cached_from);
    sqlite3_bind_int(st, 13, c->attempts);
    sqlite3_bind_int(st, 14, c->http429);
    sqlite3_bind_int64(st, 15, c->paused_ms);
    sqlite3_bind_text(st, 16, c->description && *c->description ? c->description : NULL, -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 17, c->canonical && *c->canonical ? c->canonical : NULL, -1,
                      SQLITE_STATIC);
}

static int add_findings(rd_db *db, int64_t run_id, int64_t url_id, const rd_check_row *c)
{
    int s = SQLITE_DONE;
    for (size_t i = 0; i < c->nfindings && s == SQLITE_DONE; i++) {
        sqlite3_stmt *st = db->finding_add;
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_int64(st, 2, url_id);
        sqlite3_bind_text(st, 3, c->findings[i].kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c->findings[i].entry, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, c->findings[i].detail, -1, SQLITE_STATIC);
        s = sqlite3_step(st);
        sqlite3_reset(st);
    }
    return s;
}

int rd_db_link_names(rd_db *db, int64_t url_id, int (*cb)(const char *name, void *), void *ud,
                     rd_error *err)
{
    /* prepared at the first use: temp.run_links is made when a run begins */
    static const char sql[] = "SELECT name FROM temp.run_links WHERE url_id = ?1 ORDER BY ord";
    if (!db->link_names &&
        sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &db->link_names, NULL))
        return rd_db_fail(db, err, "preparing");
    sqlite3_stmt *st = db->link_names;
    sqlite3_bind_int64(st, 1, url_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (cb((const char *)sqlite3_column_text(st, 0), ud))
            break;
    sqlite3_reset(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? RD_OK : rd_db_fail(db, err, "reading link names");
}

/* Results go in small transactions: a commit per result costs a dozen system
 * calls (a third of a run's CPU at 10,000 links). A result replaces its
 * URL's placeholder; a URL the run began without (the catalog changed in
 * between) gets a row of its own. */
int rd_db_check_add(rd_db *db, int64_t run_id, int64_t url_id, const rd_check_row *c, rd_error *err)
{
    if (!db->in_batch) {
        int rc = rd_db_begin_write(db, err);
        if (rc < 0)
            return rc;
        db->in_batch = 1;
    }
    sqlite3_stmt *st = db->check_upd;
    bind_result(st, run_id, url_id, c);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s == SQLITE_DONE && sqlite3_changes(db->h) == 0) {
        st = db->check_ins;
        bind_result(st, run_id, url_id, c);
        s = sqlite3_step(st);
        sqlite3_reset(st);
    }
    if (s == SQLITE_DONE)
        s = add_findings(db, run_id, url_id, c);
    if (s != SQLITE_DONE)
        return rd_db_fail(db, err, "storing a check");
    return ++db->batch_rows >= BATCH_ROWS ? rd_db_checks_commit(db, err) : RD_OK;
}

int rd_db_run_end(rd_db *db, int64_t run_id, const char *outcome, rd_error *err)
{
    /* a run that found no network said nothing about its links: none of its
     * checks may become a status */
    static const char sql[] =
        "UPDATE runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ'), outcome = ?2"
        " WHERE id = ?1;"
        "UPDATE checks SET conclusive = 0 WHERE run_id = ?1 AND ?2 = 'offline'";
    int rc = rd_db_checks_commit(db, err);
    const char *tail = sql;
    for (int i = 0; rc == RD_OK && i < 2; i++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db->h, tail, -1, &st, &tail) != SQLITE_OK) {
            rc = rd_db_fail(db, err, "ending a run");
            break;
        }
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_text(st, 2, outcome, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = rd_db_fail(db, err, "ending a run");
        sqlite3_finalize(st);
    }
    return rc;
}

/* A run's checks joined to the entries that linked each URL when the run
 * began (temp.run_links, taken by rd_db_run_begin): another process may
 * ingest an edited catalog while the run goes on. */
#define REPORT_FROM                                                                                \
    " FROM checks k JOIN urls u ON u.id = k.url_id"                                                \
    " LEFT JOIN checks f ON f.id = k.cached_from"                                                  \
    " LEFT JOIN temp.run_links e ON e.url_id = k.url_id"                                           \
    " LEFT JOIN archives a ON a.url_id = k.url_id"                                                 \
    " WHERE k.run_id IN " RD_RUN_SET

typedef struct report_cb {
    int (*cb)(const rd_report_row *, void *);
    void *ud;
} report_cb;

static int report_row(sqlite3_stmt *st, void *ud)
{
    report_cb *c = ud;
    rd_report_row r = {
        .url = RD_COL(st, 0),
        .result = RD_COL(st, 1),
        .final_url = RD_COL(st, 2),
        .error = RD_COL(st, 3),
        .title = RD_COL(st, 4),
        .status_code = sqlite3_column_int(st, 5),
        .redirects = sqlite3_column_int(st, 6),
        .elapsed_ms = sqlite3_column_int64(st, 7),
        .entry = RD_COL(st, 8),
        .category = RD_COL(st, 9),
        .line = sqlite3_column_int(st, 10),
        .col = sqlite3_column_int(st, 11),
        .first = sqlite3_column_int(st, 12),
        .cached_result = RD_COL(st, 13),
        .cached_at = RD_COL(st, 14),
        .failing_runs = sqlite3_column_int(st, 15),
        .failing_since = RD_COL(st, 16),
        .verdict = RD_COL(st, 17),
        .fail_after = sqlite3_column_int(st, 18),
        .archive_url = RD_COL(st, 19),
        .archive_at = RD_COL(st, 20),
        .findings = RD_COL(st, 21),
        .link_findings = RD_COL(st, 22),
    };
    return c->cb(&r, c->ud);
}

int rd_db_report(rd_db *db, int64_t run_id, int strict, int (*cb)(const rd_report_row *, void *),
                 void *ud, rd_error *err)
{
    static const char sql[] =
        "SELECT u.url, k.result, k.final_url, k.error, k.title, coalesce(k.status_code, 0),"
        " k.redirects, coalesce(k.elapsed_ms, 0), e.name, e.path, coalesce(e.line, 0),"
        " coalesce(e.col, 0), row_number() OVER (PARTITION BY k.id ORDER BY e.ord) = 1,"
        " f.result, f.checked_at, " RD_FAILING_RUNS ", " RD_FAILING_SINCE ", " RD_VERDICT(
            "?2") ", " RD_K_FAIL_AFTER ", a.snapshot_url, a.snapshot_at,"
                  " (SELECT group_concat((j.value ->> 'kind') || char(9) || (j.value ->> 'detail'),"
                  "   char(10)) FROM json_each(coalesce(k.findings, f.findings)) j"
                  "   WHERE (j.value ->> 'entry') IS NULL OR (j.value ->> 'entry') = "
                  "e.name), CASE WHEN coalesce(k.findings, f.findings) IS NOT NULL"
                  " AND e.url_id IS NOT NULL THEN (SELECT group_concat(x, char(10)) FROM"
                  " (SELECT l.line || char(9) || l.col || char(9) || (j.value ->> 'kind')"
                  "   || char(9) || (j.value ->> 'detail') AS x FROM (SELECT * FROM"
                  "   temp.run_links WHERE url_id = k.url_id) l,"
                  "   json_each(coalesce(k.findings, f.findings)) j"
                  "   WHERE (j.value ->> 'entry') = l.name"
                  "   OR ((j.value ->> 'entry') IS NULL AND l.ord = e.ord)"
                  "   ORDER BY l.ord, j.key)) END" REPORT_FROM
                  " ORDER BY e.cord IS NULL, e.cord, e.ord, k.id";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int(st, 2, strict != 0);
    report_cb c = {cb, ud};
    return rd_db_each(db, st, report_row, &c, "reading the run", err);
}

int rd_db_report_json(rd_db *db, int64_t run_id, int strict, const char *file, FILE *out,
                      rd_error *err)
{
    static const char sql[] =
        "SELECT json_object('url', u.url,"
        " 'result', k.result, 'cached_result', f.result, 'cached_at', f.checked_at,"
        " 'status', k.status_code, 'final_url', k.final_url,"
        " 'redirects', k.redirects, 'elapsed_ms', k.elapsed_ms, 'bytes', k.bytes,"
        " 'error', k.error, 'title', k.title, 'description', coalesce(k.description,"
        " f.description), 'canonical', coalesce(k.canonical, f.canonical),"
        " 'checked_at', k.checked_at,"
        " 'findings', (SELECT json_group_array(json_object('kind', j.value ->> 'kind',"
        "   'detail', j.value ->> 'detail', 'entry', e.name, 'file', ?2, 'line', e.line, 'col',"
        "   e.col, 'location', ?2 || ':' || e.line || ':' || e.col))"
        "   FROM json_each(coalesce(k.findings, f.findings)) j JOIN (SELECT * FROM temp.run_links"
        "   WHERE url_id = k.url_id ORDER BY ord) e"
        "   ON (j.value ->> 'entry') IS NULL OR (j.value ->> 'entry') = e.name),"
        " 'failing_runs', " RD_FAILING_RUNS ", 'failing_since', " RD_FAILING_SINCE ","
        " 'verdict', " RD_VERDICT(
            "?3") ", 'fail_after', " RD_K_FAIL_AFTER ","
                  " 'archived', (SELECT json_object('url', a.snapshot_url, 'date', a.snapshot_at,"
                  "   'status', a.snapshot_status) FROM archives a WHERE a.url_id = k.url_id"
                  "   AND a.snapshot_url IS NOT NULL),"
                  " 'entries', (SELECT json_group_array(json_object('name', "
                  "e.name, 'category', e.path,"
                  "   'file', ?2, 'line', e.line, 'col', e.col, 'location', "
                  "?2 || ':' || e.line || ':'"
                  "   || e.col)) FROM (SELECT * FROM temp.run_links WHERE "
                  "url_id = k.url_id ORDER BY ord)"
                  "   e))"
                  " FROM checks k JOIN urls u ON u.id = k.url_id LEFT JOIN "
                  "checks f ON f.id = k.cached_from"
                  " WHERE k.run_id IN " RD_RUN_SET " ORDER BY k.id";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, strict != 0);
    fputc('[', out);
    rc = rd_db_write_json_rows(db, st, out, err);
    fputs("]\n", out);
    return rc;
}

int rd_db_run_verdicts(rd_db *db, int64_t run_id, int strict, size_t *failing, size_t *flaky,
                       rd_error *err)
{
    static const char sql[] = "SELECT count(*) FILTER (WHERE v = 'fail'),"
                              " count(*) FILTER (WHERE v = 'flaky') FROM (SELECT " RD_VERDICT(
                                  "?2") " AS v FROM checks k WHERE k.run_id IN " RD_RUN_SET ")";
    sqlite3_stmt *st;
    *failing = *flaky = 0;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int(st, 2, strict != 0);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *failing = (size_t)sqlite3_column_int64(st, 0);
        *flaky = (size_t)sqlite3_column_int64(st, 1);
    } else {
        rc = rd_db_fail(db, err, "counting the run's failing links");
    }
    sqlite3_finalize(st);
    return rc;
}

typedef struct latest_cb {
    int (*cb)(const char *url, const char *result, const char *final_url, const char *archive_url,
              void *);
    void *ud;
} latest_cb;

static int latest_row(sqlite3_stmt *st, void *ud)
{
    latest_cb *c = ud;
    return c->cb(RD_COL(st, 0), RD_COL(st, 1), RD_COL(st, 2), RD_COL(st, 3), c->ud);
}

int rd_db_latest_checks(rd_db *db,
                        int (*cb)(const char *url, const char *result, const char *final_url,
                                  const char *archive_url, void *),
                        void *ud, rd_error *err)
{
    static const char sql[] =
        "SELECT u.url, k.result, k.final_url, a.snapshot_url FROM urls u" RD_STATUS_JOIN(
            "k", "u.id") " LEFT JOIN archives a ON a.url_id = u.id"
                         " WHERE k.id IS NOT NULL AND u.id IN (SELECT url_id FROM entries)";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    latest_cb c = {cb, ud};
    return rc < 0 ? rc : rd_db_each(db, st, latest_row, &c, "reading checks", err);
}
