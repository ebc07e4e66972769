/* db/shards.c — sharded check runs: what a stored run was (to report it again
 * without fetching), and merging shard databases into one. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Appends n to a comma-separated list in buf. */
static void list_add(char *buf, size_t size, int n)
{
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%d", len ? "," : "", n);
}

static int run_row(sqlite3_stmt *st, void *ud)
{
    rd_run_info *info = ud;
    info->id = sqlite3_column_int64(st, 0);
    snprintf(info->outcome, sizeof info->outcome, "%s", RD_COL(st, 1));
    info->shard = sqlite3_column_int(st, 2);
    info->shards = sqlite3_column_int(st, 3);
    info->elapsed_ms = sqlite3_column_int64(st, 4);
    info->same_source = sqlite3_column_int(st, 5);
    snprintf(info->catalog_hash, sizeof info->catalog_hash, "%s",
             RD_COL(st, 6) ? RD_COL(st, 6) : "");
    info->catalog = (size_t)sqlite3_column_int64(st, 7);
    return RD_OK;
}

static int count_row(sqlite3_stmt *st, void *ud)
{
    rd_run_info *info = ud;
    int r = rd_result_parse(RD_COL(st, 0));
    size_t n = (size_t)sqlite3_column_int64(st, 1);
    if (r >= 0)
        info->count[r] += n;
    info->total += n;
    info->findings += (size_t)sqlite3_column_int64(st, 2);
    return RD_OK;
}

/* The shards a merged run gathers: which, and which found no network. */
typedef struct gathered {
    rd_run_info *info;
    unsigned char seen[RD_MAX_SHARDS];
} gathered;

static int shard_row(sqlite3_stmt *st, void *ud)
{
    gathered *g = ud;
    int k = sqlite3_column_int(st, 0);
    if (k < 0 || k >= RD_MAX_SHARDS)
        return RD_OK;
    g->seen[k] = 1;
    g->info->nmerged++;
    list_add(g->info->merged, sizeof g->info->merged, k);
    if (!strcmp(RD_COL(st, 1), "offline"))
        list_add(g->info->offline, sizeof g->info->offline, k);
    return RD_OK;
}

int rd_db_run_info(rd_db *db, int64_t run_id, rd_run_info *info, rd_error *err)
{
    static const char sql_run[] =
        "SELECT r.id, coalesce(r.outcome, ''), coalesce(r.shard, -1), coalesce(r.shards, 0),"
        " CAST(round((julianday(coalesce(r.finished_at, r.started_at)) - julianday(r.started_at))"
        " * 86400000.0) AS INTEGER), r.source_hash IS (SELECT source_hash FROM catalog WHERE id = "
        "1),"
        " (SELECT source_hash FROM catalog WHERE id = 1),"
        " (SELECT count(DISTINCT url_id) FROM entries)"
        " FROM runs r WHERE r.id = iif(?1 > 0, ?1,"
        " (SELECT max(id) FROM runs WHERE merged_into IS NULL))";
    static const char sql_counts[] =
        "SELECT result, count(*), count(findings) FROM checks WHERE run_id IN"
        " (SELECT id FROM runs WHERE id = ?1 OR merged_into = ?1) GROUP BY result";
    static const char sql_shards[] =
        "SELECT shard, coalesce(outcome, 'interrupted') FROM runs WHERE merged_into = ?1"
        " ORDER BY shard";
    memset(info, 0, sizeof *info);
    info->shard = -1;
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql_run, &st, err);
    if (rc == RD_OK) {
        sqlite3_bind_int64(st, 1, run_id);
        rc = rd_db_each(db, st, run_row, info, "reading runs", err);
    }
    if (rc == RD_OK && !info->id)
        return run_id
                   ? rd_error_set(err, RD_ENOTFOUND, "%s: no run %lld", db->path, (long long)run_id)
                   : rd_error_set(err, RD_ENOTFOUND,
                                  "%s: no check run yet; run 'refdex check' first", db->path);
    if (rc == RD_OK)
        rc = rd_db_prepare(db, sql_counts, &st, err);
    if (rc == RD_OK) {
        sqlite3_bind_int64(st, 1, info->id);
        rc = rd_db_each(db, st, count_row, info, "counting checks", err);
    }
    gathered g = {.info = info};
    if (rc == RD_OK && info->shard < 0 && info->shards > 0) {
        rc = rd_db_prepare(db, sql_shards, &st, err);
        if (rc == RD_OK) {
            sqlite3_bind_int64(st, 1, info->id);
            rc = rd_db_each(db, st, shard_row, &g, "reading shard runs", err);
        }
        for (int k = 0; k < info->shards && k < RD_MAX_SHARDS; k++)
            if (!g.seen[k])
                list_add(info->missing, sizeof info->missing, k);
    }
    return rc == RD_OK ? rd_db_run_links(db, err) : rc;
}

/* ---- merge ---- */

/* What a shard database holds: its catalog and its latest shard run. */
typedef struct shard_file {
    const char *path;
    char hash[17], run_hash[17], uid[40], outcome[16];
    int model, k, n, dup; /* dup: the same run as an earlier file's */
} shard_file;

static int read_shard(shard_file *f, int *attach_limit, rd_error *err)
{
    static const char sql[] =
        "SELECT c.source_hash, c.model, r.uid, coalesce(r.shard, -1), coalesce(r.shards, 0),"
        " r.source_hash, coalesce(r.outcome, 'interrupted') FROM catalog c LEFT JOIN runs r ON"
        " r.id = (SELECT max(id) FROM runs WHERE shard IS NOT NULL) WHERE c.id = 1";
    rd_db *db = NULL;
    int rc = rd_db_open(f->path, RD_DB_READONLY, &db, err);
    if (rc < 0)
        return rc;
    *attach_limit = sqlite3_limit(db->h, SQLITE_LIMIT_ATTACHED, -1);
    sqlite3_stmt *st;
    rc = rd_db_prepare(db, sql, &st, err);
    if (rc == RD_OK) {
        int s = sqlite3_step(st);
        if (s == SQLITE_ROW && sqlite3_column_type(st, 2) != SQLITE_NULL) {
            snprintf(f->hash, sizeof f->hash, "%s", RD_COL(st, 0) ? RD_COL(st, 0) : "");
            f->model = sqlite3_column_int(st, 1);
            snprintf(f->uid, sizeof f->uid, "%s", RD_COL(st, 2));
            f->k = sqlite3_column_int(st, 3);
            f->n = sqlite3_column_int(st, 4);
            snprintf(f->run_hash, sizeof f->run_hash, "%s", RD_COL(st, 5) ? RD_COL(st, 5) : "");
            snprintf(f->outcome, sizeof f->outcome, "%s", RD_COL(st, 6));
        } else if (s == SQLITE_ROW || s == SQLITE_DONE) {
            rc = rd_error_set(err, RD_EUSAGE,
                              "%s: no shard run to merge (it holds %s); make one with 'refdex "
                              "check CATALOG --shard K/N'",
                              f->path, s == SQLITE_ROW ? "no sharded check run" : "no catalog");
        } else {
            rc = rd_db_fail(db, err, "reading");
        }
        sqlite3_finalize(st);
    }
    if (rc == RD_OK && strcmp(f->hash, f->run_hash))
        rc = rd_error_set(err, RD_EUSAGE,
                          "%s: its catalog was ingested again after its shard run %d/%d "
                          "(source %s, the run checked %s); check that shard again",
                          f->path, f->k, f->n, f->hash, f->run_hash);
    rd_db_close(db);
    return rc;
}

/* Reads every shard and refuses a set that is not one check of one catalog. */
static int read_shards(shard_file *f, int n, rd_error *err)
{
    int limit = 10;
    for (int i = 0; i < n; i++) {
        int rc = read_shard(&f[i], &limit, err);
        if (rc < 0)
            return rc;
        for (int j = 0; j < i; j++) {
            if (strcmp(f[i].hash, f[j].hash) || f[i].model != f[j].model)
                return rd_error_set(err, RD_EUSAGE,
                                    "%s holds another catalog than %s (source %s, not %s): "
                                    "the shards of a check must come from one catalog",
                                    f[i].path, f[j].path, f[i].hash, f[j].hash);
            if (f[i].n != f[j].n)
                return rd_error_set(err, RD_EUSAGE,
                                    "%s is shard %d/%d and %s is shard %d/%d: the shards of a "
                                    "check split it the same way",
                                    f[i].path, f[i].k, f[i].n, f[j].path, f[j].k, f[j].n);
            if (!strcmp(f[i].uid, f[j].uid))
                f[i].dup = 1;
            else if (f[i].k == f[j].k && !f[j].dup)
                return rd_error_set(err, RD_EUSAGE,
                                    "%s and %s are both shard %d/%d (two different runs); "
                                    "give one of them",
                                    f[i].path, f[j].path, f[i].k, f[i].n);
        }
    }
    if (n > limit)
        return rd_error_set(err, RD_EUSAGE,
                            "%d shard databases at once; SQLite attaches at most %d: merge them "
                            "%d at a time into shards of fewer files, or use fewer shards",
                            n, limit, limit);
    return RD_OK;
}

/* The copy of one attached shard, in SQL where "@." stands for its schema
 * (the only text made here: "s" and a number; file names are bound). */
static const char merge_catalog[] =
    "INSERT INTO main.catalog(id, file, source_size, ingested_at, model, source_hash)"
    " SELECT id, file, source_size, ingested_at, model, source_hash FROM @.catalog;"
    "INSERT INTO main.categories(id, parent_id, kind, name, slug, path, name_path, level, line,"
    " col, ord, description, url_raw, url) SELECT id, parent_id, kind, name, slug, path,"
    " name_path, level, line, col, ord, description, url_raw, url FROM @.categories;"
    "INSERT INTO main.entries(id, category_id, parent_id, url_id, name, url_raw, description,"
    " depth, line, col, ord) SELECT e.id, e.category_id, e.parent_id, (SELECT m.id FROM"
    " main.urls m WHERE m.key = su.key AND m.url = su.url), e.name, e.url_raw, e.description, "
    "e.depth, e.line,"
    " e.col, e.ord FROM @.entries e LEFT JOIN @.urls su ON su.id = e.url_id;"
    "INSERT INTO main.notes(id, category_id, kind, markdown, line, col, ord) SELECT id,"
    " category_id, kind, markdown, line, col, ord FROM @.notes;"
    /* the search indexes keep no text to copy (contentless): made again */
    "INSERT INTO main.entries_fts(rowid, name, description) SELECT id, rd_fts_spaced(name),"
    " rd_fts_spaced(description) FROM @.entries;"
    "INSERT INTO main.categories_fts(rowid, name_path) SELECT id, rd_fts_spaced(name_path)"
    " FROM @.categories;";

static const char merge_runs[] =
    "DELETE FROM temp.merge_new;"
    "INSERT INTO main.urls(url, kind, first_seen, key) SELECT url, kind, first_seen, key"
    " FROM @.urls su WHERE NOT EXISTS (SELECT 1 FROM main.urls m WHERE m.key = su.key"
    " AND m.url = su.url);"
    /* archived copies of dead links (check --archive): the newer answer */
    "INSERT INTO main.archives(url_id, asked_at, snapshot_url, snapshot_at, snapshot_status)"
    " SELECT mu.id, a.asked_at, a.snapshot_url, a.snapshot_at, a.snapshot_status FROM @.archives a"
    " JOIN @.urls su ON su.id = a.url_id JOIN main.urls mu ON mu.key = su.key AND mu.url = su.url"
    " WHERE true ON CONFLICT(url_id) DO UPDATE SET asked_at = excluded.asked_at,"
    " snapshot_url = excluded.snapshot_url, snapshot_at = excluded.snapshot_at,"
    " snapshot_status = excluded.snapshot_status WHERE excluded.asked_at > archives.asked_at;"
    "INSERT INTO temp.merge_new(uid) SELECT uid FROM @.runs WHERE uid NOT IN"
    " (SELECT uid FROM main.runs WHERE uid IS NOT NULL);"
    "INSERT INTO main.runs(started_at, finished_at, outcome, options, uid, shard, shards,"
    " source_hash) SELECT started_at, finished_at, outcome, options, uid, shard, shards,"
    " source_hash FROM @.runs WHERE uid IN (SELECT uid FROM temp.merge_new) ORDER BY id;"
    /* a merged run the shard held gathers the same runs here */
    "UPDATE main.runs SET merged_into = (SELECT m.id FROM @.runs r JOIN @.runs p ON"
    " p.id = r.merged_into JOIN main.runs m ON m.uid = p.uid WHERE r.uid = main.runs.uid)"
    " WHERE uid IN (SELECT uid FROM temp.merge_new);"
    "INSERT INTO main.checks(run_id, url_id, result, status_code, final_url, redirects,"
    " elapsed_ms, bytes, error, title, checked_at, conclusive, attempts, http429, paused_ms,"
    " description, canonical, findings)"
    " SELECT mr.id, mu.id, k.result, k.status_code, k.final_url, k.redirects, k.elapsed_ms,"
    " k.bytes, k.error, k.title, k.checked_at, k.conclusive, k.attempts, k.http429,"
    " k.paused_ms, k.description, k.canonical, k.findings FROM @.checks k JOIN @.runs r ON r.id = "
    "k.run_id"
    " JOIN main.runs mr ON mr.uid = r.uid JOIN @.urls su ON su.id = k.url_id"
    " JOIN main.urls mu ON mu.key = su.key AND mu.url = su.url WHERE r.uid IN (SELECT uid FROM "
    "temp.merge_new)"
    " ORDER BY k.id;"
    /* a cache hit names the check it reused: found again here by its run's
     * uid and its URL, in three joins that each use an index (a correlated
     * UPDATE took seconds for 10,000 cache hits) */
    "DELETE FROM temp.merge_cached;"
    "INSERT INTO temp.merge_cached(id, src) SELECT mk.id, k.cached_from FROM temp.merge_new n"
    " JOIN main.runs mr ON mr.uid = n.uid JOIN main.checks mk ON mk.run_id = mr.id"
    " JOIN @.runs r ON r.uid = n.uid JOIN main.urls mu ON mu.id = mk.url_id"
    " JOIN @.urls su ON su.key = mu.key AND su.url = mu.url JOIN @.checks k INDEXED BY checks_url"
    " ON k.url_id = su.id AND k.run_id = r.id WHERE mk.result = 'cached'"
    " AND k.cached_from IS NOT NULL;"
    "UPDATE temp.merge_cached SET dst = (SELECT mc.id FROM @.checks f"
    " JOIN @.runs fr ON fr.id = f.run_id JOIN main.runs mfr ON mfr.uid = fr.uid"
    " JOIN @.urls fu ON fu.id = f.url_id JOIN main.urls mfu ON mfu.key = fu.key"
    " AND mfu.url = fu.url"
    " JOIN main.checks mc INDEXED BY checks_url ON mc.url_id = mfu.id AND mc.run_id = mfr.id"
    " WHERE f.id = merge_cached.src);"
    "UPDATE main.checks SET cached_from = (SELECT dst FROM temp.merge_cached c"
    " WHERE c.id = main.checks.id) WHERE id IN (SELECT id FROM temp.merge_cached);";

/* sql with every "@." made "alias." (the caller frees it). */
static char *for_schema(const char *sql, const char *alias)
{
    rd_buf b = {0};
    for (const char *p = sql; *p; p++) {
        if (p[0] == '@' && p[1] == '.')
            rd_buf_puts(&b, alias), p++;
        else
            rd_buf_putc(&b, *p);
    }
    return rd_buf_take(&b);
}

/* Runs sql for the shard attached as alias. */
static int exec_for(rd_db *db, const char *sql, const char *alias, rd_error *err)
{
    char *text = for_schema(sql, alias);
    if (!text)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    int rc = rd_db_exec(db, text, err);
    free(text);
    return rc;
}

static int64_t count_of(rd_db *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t n = 0;
    if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* out's catalog: none (it takes the shards'), or theirs; another is refused. */
static int out_catalog(rd_db *out, const shard_file *f, int *none, rd_error *err)
{
    sqlite3_stmt *st;
    int rc =
        rd_db_prepare(out, "SELECT source_hash, model, file FROM catalog WHERE id = 1", &st, err);
    if (rc < 0)
        return rc;
    int s = sqlite3_step(st);
    *none = s == SQLITE_DONE;
    if (s == SQLITE_ROW &&
        (!RD_COL(st, 0) || strcmp(RD_COL(st, 0), f->hash) || sqlite3_column_int(st, 1) != f->model))
        rc = rd_error_set(err, RD_EUSAGE,
                          "%s holds another catalog (%s, source %s) than the shards (source "
                          "%s); merge them into a new file, or into the database of their "
                          "catalog; nothing was changed",
                          out->path, RD_COL(st, 2), RD_COL(st, 0) ? RD_COL(st, 0) : "?", f->hash);
    else if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = rd_db_fail(out, err, "reading");
    sqlite3_finalize(st);
    return rc;
}

/* The merged run: from the first start to the last end of the shard runs
 * given (with RD_MERGE_ADD, and those of the merged run prev that they do
 * not replace), no network when any shard found none, else the worst
 * outcome. A merged run left with no shard run is removed. */
static int add_merged_run(rd_db *out, const shard_file *f, int64_t prev, rd_merge_stats *st,
                          rd_error *err)
{
    static const char sql[] =
        "INSERT OR IGNORE INTO temp.merge_given(uid) SELECT uid FROM runs WHERE ?3 > 0 AND"
        " merged_into = ?3 AND shard NOT IN (SELECT shard FROM runs WHERE uid IN"
        " (SELECT uid FROM temp.merge_given));"
        "DELETE FROM temp.merge_old;"
        "INSERT INTO temp.merge_old(id) SELECT DISTINCT merged_into FROM runs WHERE uid IN"
        " (SELECT uid FROM temp.merge_given) AND merged_into IS NOT NULL;"
        "INSERT INTO runs(started_at, finished_at, outcome, options, uid, shards, source_hash)"
        " SELECT min(started_at), max(finished_at), CASE"
        "  WHEN max(outcome = 'offline') THEN 'offline'"
        "  WHEN max(coalesce(outcome, 'interrupted') = 'interrupted') THEN 'interrupted'"
        "  WHEN max(outcome = 'deadline') THEN 'deadline' ELSE 'completed' END,"
        " (SELECT options FROM runs r2 WHERE r2.uid IN (SELECT uid FROM temp.merge_given)"
        "  ORDER BY id LIMIT 1), lower(hex(randomblob(16))), ?1, ?2"
        " FROM runs WHERE uid IN (SELECT uid FROM temp.merge_given);"
        "UPDATE runs SET merged_into = last_insert_rowid()"
        " WHERE uid IN (SELECT uid FROM temp.merge_given);"
        /* the runs of prev that shards given replace are history now */
        "UPDATE runs SET merged_into = NULL WHERE ?3 > 0 AND merged_into = ?3;"
        "DELETE FROM runs WHERE id IN (SELECT id FROM temp.merge_old) AND NOT EXISTS"
        " (SELECT 1 FROM runs g WHERE g.merged_into = runs.id);";
    const char *tail = sql;
    int rc = RD_OK;
    for (int i = 0; rc == RD_OK && *tail; i++) {
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(out->h, tail, -1, &s, &tail) != SQLITE_OK)
            return rd_db_fail(out, err, "adding the merged run");
        if (!s)
            break;
        sqlite3_bind_int(s, 1, f[0].n);
        sqlite3_bind_text(s, 2, f[0].hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, prev);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = rd_db_fail(out, err, "adding the merged run");
        if (i == 3)
            st->run_id = sqlite3_last_insert_rowid(out->h);
        sqlite3_finalize(s);
    }
    return rc;
}

/* With RD_MERGE_ADD: the latest merged run of this catalog in N shards,
 * which the shards given join. */
static int merged_to_add_to(rd_db *out, const shard_file *f, int64_t *prev, rd_error *err)
{
    static const char sql[] =
        "SELECT max(id) FROM runs r WHERE shard IS NULL AND shards = ?1 AND source_hash = ?2"
        " AND merged_into IS NULL AND EXISTS (SELECT 1 FROM runs g WHERE g.merged_into = r.id)";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(out, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int(st, 1, f[0].n);
    sqlite3_bind_text(st, 2, f[0].hash, -1, SQLITE_STATIC);
    *prev = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (!*prev)
        rc = rd_error_set(err, RD_EUSAGE,
                          "%s: no merged run of this catalog in %d shards to add to; merge "
                          "without --add first",
                          out->path, f[0].n);
    return rc;
}

/* Which shards the merged run gathers, and which of 0..N-1 it lacks. */
static int gathered_row(sqlite3_stmt *st, void *ud)
{
    unsigned char *seen = ud;
    int k = sqlite3_column_int(st, 0);
    if (k >= 0 && k < RD_MAX_SHARDS)
        seen[k] = 1;
    return RD_OK;
}

static int read_gathered(rd_db *out, rd_merge_stats *st, rd_error *err)
{
    unsigned char seen[RD_MAX_SHARDS] = {0};
    sqlite3_stmt *q;
    int rc = rd_db_prepare(out, "SELECT shard FROM runs WHERE merged_into = ?1", &q, err);
    if (rc == RD_OK) {
        sqlite3_bind_int64(q, 1, st->run_id);
        rc = rd_db_each(out, q, gathered_row, seen, "reading the merged run", err);
    }
    for (int k = 0; k < st->shards && k < RD_MAX_SHARDS; k++) {
        st->nmerged += seen[k];
        if (!seen[k])
            list_add(st->missing, sizeof st->missing, k);
    }
    return rc;
}

static int copy_shards(rd_db *out, const shard_file *f, int n, int new_catalog, rd_merge_stats *st,
                       rd_error *err)
{
    sqlite3_stmt *ins;
    int rc =
        rd_db_prepare(out, "INSERT OR IGNORE INTO temp.merge_given(uid) VALUES (?1)", &ins, err);
    for (int i = 0; rc == RD_OK && i < n; i++) {
        char alias[16];
        snprintf(alias, sizeof alias, "s%d.", i);
        if (f[i].dup)
            continue;
        rc = exec_for(out, merge_runs, alias, err);
        if (rc == RD_OK && new_catalog && i == 0)
            rc = exec_for(out, merge_catalog, alias, err);
        st->runs += count_of(out, "SELECT count(*) FROM temp.merge_new");
        sqlite3_bind_text(ins, 1, f[i].uid, -1, SQLITE_STATIC);
        if (rc == RD_OK && sqlite3_step(ins) != SQLITE_DONE)
            rc = rd_db_fail(out, err, "merging");
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    return rc;
}

/* Attaches every shard (before the transaction: SQLite detaches only outside one). */
static int attach_all(rd_db *out, const shard_file *f, int n, rd_error *err)
{
    int rc = rd_db_exec(out,
                        "CREATE TEMP TABLE IF NOT EXISTS merge_new(uid TEXT PRIMARY KEY);"
                        "CREATE TEMP TABLE IF NOT EXISTS merge_given(uid TEXT PRIMARY KEY);"
                        "CREATE TEMP TABLE IF NOT EXISTS merge_old(id INTEGER PRIMARY KEY);"
                        "CREATE TEMP TABLE IF NOT EXISTS merge_cached(id INTEGER PRIMARY KEY,"
                        " src INTEGER, dst INTEGER);",
                        err);
    sqlite3_limit(out->h, SQLITE_LIMIT_ATTACHED, n);
    for (int i = 0; rc == RD_OK && i < n; i++) {
        char alias[16];
        snprintf(alias, sizeof alias, "s%d", i);
        sqlite3_stmt *st;
        if (f[i].dup) /* the same run as an earlier file's: not read */
            continue;
        rc = rd_db_prepare(out, "ATTACH ?1 AS ?2", &st, err);
        if (rc < 0)
            break;
        sqlite3_bind_text(st, 1, f[i].path, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, alias, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = rd_db_fail(out, err, "attaching a shard");
        sqlite3_finalize(st);
    }
    return rc;
}

int rd_db_merge(const char *out_path, const char *const *shards, int n, int flags,
                rd_merge_stats *st, rd_error *err)
{
    memset(st, 0, sizeof *st);
    if (n < 1)
        return rd_error_set(err, RD_EUSAGE, "no shard database to merge");
    shard_file *f = calloc((size_t)n, sizeof *f);
    if (!f)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    for (int i = 0; i < n; i++)
        f[i].path = shards[i];
    int rc = read_shards(f, n, err);
    for (int i = 0; rc == RD_OK && i < n; i++) {
        struct stat a, b;
        if (stat(out_path, &a) == 0 && stat(f[i].path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino)
            rc = rd_error_set(err, RD_EUSAGE,
                              "%s is also given as a shard; merge into another file", out_path);
    }
    rd_db *out = NULL;
    struct stat there;
    int made = stat(out_path, &there) != 0; /* removed again when the merge fails */
    if (rc == RD_OK)
        rc = rd_db_open(out_path, 0, &out, err);
    else
        made = 0;
    int none = 0;
    if (rc == RD_OK)
        rc = out_catalog(out, &f[0], &none, err);
    int64_t prev = 0;
    if (rc == RD_OK && (flags & RD_MERGE_ADD))
        rc = merged_to_add_to(out, f, &prev, err);
    if (rc == RD_OK) /* WAL before attaching: the pragma is the main file's only */
        rc = rd_db_write_mode(out, err);
    if (rc == RD_OK)
        rc = attach_all(out, f, n, err);
    if (rc == RD_OK)
        rc = rd_db_exec(out, "BEGIN IMMEDIATE", err);
    if (rc == RD_OK) {
        int64_t before = count_of(out, "SELECT count(*) FROM checks");
        rc = copy_shards(out, f, n, none, st, err);
        if (rc == RD_OK)
            rc = add_merged_run(out, f, prev, st, err);
        st->shards = f[0].n;
        if (rc == RD_OK)
            rc = read_gathered(out, st, err);
        if (rc == RD_OK)
            rc = rd_db_exec(out, "COMMIT", err);
        if (rc < 0)
            sqlite3_exec(out->h, "ROLLBACK", NULL, NULL, NULL);
        st->checks = count_of(out, "SELECT count(*) FROM checks") - before;
    }
    st->new_catalog = none;
    rd_db_close(out); /* detaches the shards */
    if (rc < 0 && made && out)
        unlink(out_path);
    free(f);
    return rc;
}
