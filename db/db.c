/* db/db.c — opening the database, its schema and migrations. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* Migration i brings the schema from version i to i + 1. Append, never edit:
 * a database in the field may be at any version.
 *
 * CHECK constraints spell lists as OR chains: SQLite 3.40 builds a temporary
 * index for an IN list on every row it checks, which made ingest a third
 * slower. */
static const char *const migrations[] = {
    /* 1: the catalog, URLs, and check history */
    "CREATE TABLE catalog ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  file TEXT NOT NULL,"
    "  source TEXT NOT NULL," /* the Markdown as ingested */
    "  ingested_at TEXT NOT NULL"
    ");"
    "CREATE TABLE categories ("
    "  id INTEGER PRIMARY KEY,"
    "  parent_id INTEGER REFERENCES categories(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind = 'heading' OR kind = 'marker' OR kind = 'top'),"
    "  name TEXT NOT NULL,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  path TEXT NOT NULL UNIQUE," /* slugs: ref/log */
    "  name_path TEXT NOT NULL,"   /* names: ref/log, ref/网络 */
    "  level INTEGER NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  col INTEGER NOT NULL,"
    "  ord INTEGER NOT NULL"
    ");"
    "CREATE INDEX categories_parent ON categories(parent_id);"
    "CREATE TABLE urls ("
    "  id INTEGER PRIMARY KEY,"
    "  url TEXT NOT NULL UNIQUE," /* normalised */
    "  kind TEXT NOT NULL CHECK (kind = 'web' OR kind = 'mailto' OR kind = 'file'"
    "                          OR kind = 'relative' OR kind = 'other'),"
    "  first_seen TEXT NOT NULL"
    ");"
    "CREATE TABLE entries ("
    "  id INTEGER PRIMARY KEY,"
    "  category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,"
    "  parent_id INTEGER REFERENCES entries(id) ON DELETE CASCADE,"
    "  url_id INTEGER REFERENCES urls(id),"
    "  name TEXT NOT NULL,"
    "  url_raw TEXT," /* as written; NULL for a link-less entry */
    "  description TEXT NOT NULL,"
    "  depth INTEGER NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  col INTEGER NOT NULL,"
    "  ord INTEGER NOT NULL"
    ");"
    "CREATE INDEX entries_category ON entries(category_id, ord);"
    "CREATE INDEX entries_parent ON entries(parent_id);"
    "CREATE INDEX entries_url ON entries(url_id);"
    "CREATE TABLE notes ("
    "  id INTEGER PRIMARY KEY,"
    "  category_id INTEGER REFERENCES categories(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind = 'paragraph' OR kind = 'code' OR kind = 'quote'"
    "                          OR kind = 'item' OR kind = 'html'),"
    "  markdown TEXT NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  col INTEGER NOT NULL,"
    "  ord INTEGER NOT NULL"
    ");"
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY,"
    "  started_at TEXT NOT NULL,"
    "  finished_at TEXT,"
    "  outcome TEXT," /* completed, interrupted, deadline */
    "  options TEXT"  /* JSON of the settings used */
    ");"
    "CREATE TABLE checks ("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  url_id INTEGER NOT NULL REFERENCES urls(id) ON DELETE CASCADE,"
    "  result TEXT NOT NULL CHECK (result = 'ok' OR result = 'redirect' OR result = 'broken'"
    "    OR result = 'timeout' OR result = 'error' OR result = 'excluded' OR result = 'cached'"
    "    OR result = 'cancelled' OR result = 'ratelimited'),"
    "  status_code INTEGER,"
    "  final_url TEXT,"
    "  redirects INTEGER NOT NULL DEFAULT 0,"
    "  elapsed_ms INTEGER,"
    "  bytes INTEGER,"
    "  error TEXT,"
    "  title TEXT,"
    "  checked_at TEXT NOT NULL"
    ");"
    "CREATE INDEX checks_url ON checks(url_id, id);"
    "CREATE INDEX checks_run ON checks(run_id);"
    "CREATE INDEX notes_category ON notes(category_id, ord);"
    "CREATE VIRTUAL TABLE entries_fts USING fts5(name, description, category);",

    /* 2: group categories (a link-less list item whose nested list holds
     * entries) with their own words and link; and the version of the parser
     * that made the stored catalog, so a newer parser re-reads the same source.
     * A CHECK constraint cannot be altered: the table is rebuilt (SQLite's
     * twelve steps; migrate() turns foreign keys off around it). */
    "CREATE TABLE categories_new ("
    "  id INTEGER PRIMARY KEY,"
    "  parent_id INTEGER REFERENCES categories(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind = 'heading' OR kind = 'marker' OR kind = 'top'"
    "                           OR kind = 'group'),"
    "  name TEXT NOT NULL,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  path TEXT NOT NULL UNIQUE,"
    "  name_path TEXT NOT NULL,"
    "  level INTEGER NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  col INTEGER NOT NULL,"
    "  ord INTEGER NOT NULL,"
    "  description TEXT NOT NULL DEFAULT ''," /* a group's words after its label */
    "  url_raw TEXT,"                         /* a group's own link, as written */
    "  url TEXT"                              /* normalised */
    ");"
    "INSERT INTO categories_new(id, parent_id, kind, name, slug, path, name_path, level, line,"
    " col, ord) SELECT id, parent_id, kind, name, slug, path, name_path, level, line, col, ord"
    " FROM categories;"
    "DROP TABLE categories;"
    "ALTER TABLE categories_new RENAME TO categories;"
    "CREATE INDEX categories_parent ON categories(parent_id);"
    "ALTER TABLE catalog ADD COLUMN model INTEGER NOT NULL DEFAULT 1;",

    /* 3: a link's status is its latest conclusive check (DESIGN: "Link
     * results"): which checks are conclusive is decided when they are stored
     * (and undone for a run that found no network); a cache hit names the
     * check it reused. */
    "ALTER TABLE checks ADD COLUMN conclusive INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE checks ADD COLUMN cached_from INTEGER REFERENCES checks(id);"
    "UPDATE checks SET conclusive = rd_conclusive(result);"
    "CREATE INDEX checks_status ON checks(url_id, conclusive, id);"
    "PRAGMA application_id = 1919182200;", /* 'rdex', RD_APPLICATION_ID */

    /* 4: sharded check runs and merging them (DESIGN: "Shards"). The catalog
     * is named by a hash of its source, and each run by a random uid (a copy
     * of the file keeps it, so merging copies adds a run once); a run records
     * its shard K of N and the source it checked; a merged run is a row of its
     * own that the shard runs it gathers point at. */
    "ALTER TABLE catalog ADD COLUMN source_hash TEXT;"
    "UPDATE catalog SET source_hash = rd_source_hash(source);"
    "ALTER TABLE runs ADD COLUMN uid TEXT;"
    "ALTER TABLE runs ADD COLUMN shard INTEGER;"  /* K, from 0; NULL: not sharded */
    "ALTER TABLE runs ADD COLUMN shards INTEGER;" /* N; on a merged run too */
    "ALTER TABLE runs ADD COLUMN source_hash TEXT;"
    "ALTER TABLE runs ADD COLUMN merged_into INTEGER REFERENCES runs(id);"
    "UPDATE runs SET uid = lower(hex(randomblob(16)));"
    "CREATE UNIQUE INDEX runs_uid ON runs(uid);"
    "CREATE INDEX runs_merged ON runs(merged_into);",

    /* 5: a database about 2.5 times its Markdown, not 5: the catalog's
     * source is known by its size and hash (a re-ingest compares those), an
     * entry's link as written is stored only where it differs from the
     * normalised URL, the search index keeps no copy of the text
     * (contentless: a query reads only its rowids) and indexes a category's
     * names once, not with each of its entries; most entries have no
     * parent, and the index of parents leaves them out. */
    "ALTER TABLE catalog ADD COLUMN source_size INTEGER;"
    "UPDATE catalog SET source_size = length(CAST(source AS BLOB));"
    "ALTER TABLE catalog DROP COLUMN source;"
    "UPDATE entries SET url_raw = NULL"
    " WHERE url_raw = (SELECT url FROM urls WHERE urls.id = entries.url_id);"
    "DROP TABLE entries_fts;"
    "CREATE VIRTUAL TABLE entries_fts USING fts5(name, description, content = '',"
    " columnsize = 0);"
    "INSERT INTO entries_fts(rowid, name, description)"
    " SELECT id, rd_fts_spaced(name), rd_fts_spaced(description) FROM entries;"
    "CREATE VIRTUAL TABLE categories_fts USING fts5(name_path, content = '', columnsize = 0);"
    "INSERT INTO categories_fts(rowid, name_path)"
    " SELECT id, rd_fts_spaced(name_path) FROM categories;"
    "DROP INDEX entries_parent;"
    "CREATE INDEX entries_parent ON entries(parent_id) WHERE parent_id IS NOT NULL;",

    /* archives: what the Wayback Machine's availability API answered for a
     * dead link (check --archive), so that a URL is asked about once: the
     * snapshot (NULL: none archived) with its date and the status it
     * recorded, and when that was asked. A lookup that failed stores
     * nothing and is asked again. */
    "CREATE TABLE archives ("
    "  url_id INTEGER PRIMARY KEY REFERENCES urls(id) ON DELETE CASCADE,"
    "  asked_at TEXT NOT NULL,"
    "  snapshot_url TEXT,"
    "  snapshot_at TEXT," /* the snapshot's date, ISO 8601 UTC */
    "  snapshot_status TEXT"
    ");",

    /* the results 'blocked' (a bot wall: HTTP 999, a Cloudflare challenge, a
     * host marked treat = blocked) and 'unchanged' (check --diff: an entry
     * whose lines did not change, not fetched). A CHECK constraint cannot be altered:
     * checks is rebuilt as migration 2 rebuilt categories (foreign keys are
     * off around it), its columns and indexes as they were. */
    "CREATE TABLE checks_new ("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  url_id INTEGER NOT NULL REFERENCES urls(id) ON DELETE CASCADE,"
    "  result TEXT NOT NULL CHECK (result = 'ok' OR result = 'redirect' OR result = 'broken'"
    "    OR result = 'timeout' OR result = 'error' OR result = 'excluded' OR result = 'cached'"
    "    OR result = 'cancelled' OR result = 'ratelimited' OR result = 'blocked'"
    "    OR result = 'unchanged'),"
    "  status_code INTEGER,"
    "  final_url TEXT,"
    "  redirects INTEGER NOT NULL DEFAULT 0,"
    "  elapsed_ms INTEGER,"
    "  bytes INTEGER,"
    "  error TEXT,"
    "  title TEXT,"
    "  checked_at TEXT NOT NULL,"
    "  conclusive INTEGER NOT NULL DEFAULT 0,"
    "  cached_from INTEGER REFERENCES checks(id)"
    ");"
    "INSERT INTO checks_new SELECT id, run_id, url_id, result, status_code, final_url, redirects,"
    " elapsed_ms, bytes, error, title, checked_at, conclusive, cached_from FROM checks;"
    "DROP TABLE checks;"
    "ALTER TABLE checks_new RENAME TO checks;"
    "CREATE INDEX checks_url ON checks(url_id, id);"
    "CREATE INDEX checks_run ON checks(run_id);"
    "CREATE INDEX checks_status ON checks(url_id, conclusive, id);",

    /* refdex hosts: what fetching each link cost (DESIGN: "Checking"): the
     * transfers made, the 429s it got, the time they paused its host. NULL
     * in checks stored before (refdex hosts reads those as one request). */
    "ALTER TABLE checks ADD COLUMN attempts INTEGER;"
    "ALTER TABLE checks ADD COLUMN http429 INTEGER;"
    "ALTER TABLE checks ADD COLUMN paused_ms INTEGER;",

    /* repositories' metadata from the forges' APIs (refdex repos; db/repos.c):
     * a repository keyed by forge and its canonical name (a gone one by the
     * name it was linked as), and each name a link used (rd_repo_key) with
     * the repository the forge answered with, and when */
    "CREATE TABLE repos ("
    "  id INTEGER PRIMARY KEY,"
    "  forge TEXT NOT NULL CHECK (forge = 'github' OR forge = 'gitlab' OR forge = 'codeberg'),"
    "  name TEXT NOT NULL COLLATE NOCASE,"
    "  gone INTEGER NOT NULL DEFAULT 0,"
    "  stars INTEGER, forks INTEGER, archived INTEGER, pushed_at TEXT, default_branch TEXT,"
    "  license TEXT, description TEXT, language TEXT,"
    "  fetched_at TEXT NOT NULL,"
    "  UNIQUE (forge, name)"
    ");"
    "CREATE TABLE repo_links ("
    "  key TEXT PRIMARY KEY," /* forge:owner/name, lower-cased */
    "  repo_id INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,"
    "  fetched_at TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX repo_links_repo ON repo_links(repo_id);",

    /* page metadata and findings (DESIGN: "Findings"): what a fetched page
     * said of itself beside its title (meta description, canonical URL), and
     * what was found wrong with a page that answered, as a JSON array of
     * {kind, entry, detail} (entry: the link text it concerns, or null for
     * every entry linking the URL) */
    "ALTER TABLE checks ADD COLUMN description TEXT;"
    "ALTER TABLE checks ADD COLUMN canonical TEXT;"
    "ALTER TABLE checks ADD COLUMN findings TEXT;",

    /* a URL is found by a 64-bit hash of its text (key, rd_url_key) and then
     * its text: the unique index of the text kept a second copy of every
     * URL, a sixth of the database. One row per URL is kept by db/ingest.c
     * and db/shards.c, which look before they insert. */
    "CREATE TABLE urls_new ("
    "  id INTEGER PRIMARY KEY,"
    "  url TEXT NOT NULL," /* normalised */
    "  kind TEXT NOT NULL CHECK (kind = 'web' OR kind = 'mailto' OR kind = 'file'"
    "                          OR kind = 'relative' OR kind = 'other'),"
    "  first_seen TEXT NOT NULL,"
    "  key INTEGER NOT NULL" /* rd_url_key(url) */
    ");"
    "INSERT INTO urls_new(id, url, kind, first_seen, key)"
    " SELECT id, url, kind, first_seen, rd_url_key(url) FROM urls;"
    "DROP TABLE urls;"
    "ALTER TABLE urls_new RENAME TO urls;" RD_URLS_KEY_INDEX ";"
    /* and the entries' search index merges 16 of its segments at a time (4
     * by default); ingest sets how much new index it keeps in memory */
    "INSERT INTO entries_fts(entries_fts, rank) VALUES ('automerge', 16);",
};

enum { SCHEMA_LATEST = sizeof migrations / sizeof *migrations };

int rd_db_schema_latest(void)
{
    return SCHEMA_LATEST;
}

const char *rd_db_sqlite_version(void)
{
    return sqlite3_libversion();
}

int rd_db_fail(rd_db *db, rd_error *err, const char *doing)
{
    return rd_error_set(err, RD_EDB, "%s: %s: %s", db->path, doing, sqlite3_errmsg(db->h));
}

int rd_db_prepare(rd_db *db, const char *sql, sqlite3_stmt **st, rd_error *err)
{
    if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
        return rd_db_fail(db, err, "preparing a statement");
    return RD_OK;
}

int rd_db_write_mode(rd_db *db, rd_error *err)
{
    if (db->wal)
        return RD_OK;
    int rc =
        rd_db_exec(db, "PRAGMA main.journal_mode = WAL; PRAGMA main.synchronous = NORMAL", err);
    db->wal = rc == RD_OK;
    return rc;
}

int rd_db_begin_write(rd_db *db, rd_error *err)
{
    int rc = rd_db_write_mode(db, err);
    return rc < 0 ? rc : rd_db_exec(db, "BEGIN IMMEDIATE", err);
}

int rd_db_exec(rd_db *db, const char *sql, rd_error *err)
{
    if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
        return rd_db_fail(db, err, "executing");
    return RD_OK;
}

int rd_db_each(rd_db *db, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *ud), void *ud,
               const char *doing, rd_error *err)
{
    int s = SQLITE_DONE, rc = RD_OK;
    while (rc == RD_OK && (s = sqlite3_step(st)) == SQLITE_ROW)
        rc = row(st, ud);
    if (rc == RD_OK && s != SQLITE_DONE)
        rc = rd_db_fail(db, err, doing);
    sqlite3_finalize(st);
    return rc;
}

char *rd_db_column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return strdup(t ? (const char *)t : "");
}

int rd_db_schema_version(rd_db *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Fails when a row points at a row that is not there. */
static int foreign_keys_hold(rd_db *db, rd_error *err)
{
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, "PRAGMA foreign_key_check", &st, err);
    if (rc < 0)
        return rc;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        rc = rd_error_set(err, RD_EDB, "%s: migrating: a row of %s points at a missing row",
                          db->path, (const char *)sqlite3_column_text(st, 0));
    else if (s != SQLITE_DONE)
        rc = rd_db_fail(db, err, "checking foreign keys");
    sqlite3_finalize(st);
    return rc;
}

static int migrate(rd_db *db, rd_error *err)
{
    int v = rd_db_schema_version(db);
    if (v < 0)
        return rd_db_fail(db, err, "reading the schema version");
    if (v > SCHEMA_LATEST)
        return rd_error_set(err, RD_EDB,
                            "%s: schema version %d is newer than this refdex knows (%d); "
                            "upgrade refdex",
                            db->path, v, SCHEMA_LATEST);
    if (v == SCHEMA_LATEST)
        return RD_OK;
    /* A migration may rebuild a table that others reference: with foreign
     * keys on, dropping the old one would delete every row that points at
     * it. They are checked before each commit instead. */
    int rc = rd_db_exec(db, "PRAGMA foreign_keys = OFF", err);
    /* a new file gives back the pages a re-ingest or the search index's
     * merges free (ingest runs incremental_vacuum); set before any table */
    if (rc == RD_OK && v == 0)
        rc = rd_db_exec(db, "PRAGMA main.auto_vacuum = INCREMENTAL", err);
    for (; rc == RD_OK && v < SCHEMA_LATEST; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        rc = rd_db_begin_write(db, err);
        if (rc == RD_OK)
            rc = rd_db_exec(db, migrations[v], err);
        if (rc == RD_OK)
            rc = foreign_keys_hold(db, err);
        if (rc == RD_OK)
            rc = rd_db_exec(db, pragma, err);
        if (rc == RD_OK)
            rc = rd_db_exec(db, "COMMIT", err);
        if (rc < 0)
            sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    }
    if (rc == RD_OK)
        rc = rd_db_exec(db, "PRAGMA foreign_keys = ON", err);
    else
        sqlite3_exec(db->h, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    return rc;
}

/* rd_fails(result, strict): which results fail, for SQL, from the one list
 * in common/result.c. */
static void sql_fails(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *name = (const char *)sqlite3_value_text(argv[0]);
    sqlite3_result_int(ctx, rd_result_name_fails(name, sqlite3_value_int(argv[1])));
}

/* rd_conclusive(result): for migration 3, which marks the checks stored
 * before it. */
static void sql_conclusive(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int r = rd_result_parse((const char *)sqlite3_value_text(argv[0]));
    sqlite3_result_int(ctx, r >= 0 && rd_result_conclusive((rd_result)r));
}

/* rd_result_order(result): its place in common/result.h's list, to list
 * results in that order. */
static void sql_result_order(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_int(ctx, rd_result_parse((const char *)sqlite3_value_text(argv[0])));
}

/* rd_source_hash(text): FNV-1a (64 bits) of the text's bytes, as 16 hex
 * digits: how a catalog's source is named (catalog.source_hash). */
static void sql_source_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const void *text = sqlite3_value_text(argv[0]);
    char hex[17];
    rd_hash_hex(rd_fnv1a64(text ? text : "", (size_t)sqlite3_value_bytes(argv[0])), hex);
    sqlite3_result_text(ctx, hex, 16, SQLITE_TRANSIENT);
}

/* rd_url_key(url): the key a URL is found by (urls.key, rd_db_url_key). */
static void sql_url_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *url = (const char *)sqlite3_value_text(argv[0]);
    sqlite3_result_int64(ctx, rd_db_url_key(url ? url : ""));
}

int rd_db_json_keys_ok(const char *text, size_t n)
{
    enum { MAX_DEPTH = 2000 };          /* SQLite's own limit of nesting */
    unsigned char in_object[MAX_DEPTH]; /* per level: an object, not an array */
    size_t depth = 0;
    int want = 0; /* 1: a key or '}' (after '{'); 2: a key (after ',' in an object) */
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (want && c != '"' && !(want == 1 && c == '}'))
            return 0;
        want = 0;
        if (c == '"') { /* a string: to its closing quote */
            for (i++; i < n && text[i] != '"'; i++)
                if (text[i] == '\\')
                    i++;
        } else if (c == '{' || c == '[') {
            if (depth == MAX_DEPTH)
                return 0;
            in_object[depth++] = c == '{';
            want = c == '{';
        } else if (c == '}' || c == ']') {
            if (depth > 0)
                depth--;
        } else if (c == ',' && depth > 0 && in_object[depth - 1]) {
            want = 2;
        }
    }
    return 1;
}

/* rd_fts_spaced(text): text as the search index takes it (see db.h). */
static void sql_fts_spaced(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    char *spaced = rd_fts_spaced(text ? text : "");
    if (!spaced)
        sqlite3_result_error_nomem(c);
    else
        sqlite3_result_text(c, spaced, -1, free);
}

/* rd_url_host(url): the host of a normalised URL ("https://u@Host:8/x" →
 * "Host", "http://[::1]:8/" → "[::1]"); NULL without "://". For refdex
 * hosts; no curl in db/, and a normalised URL needs none. */
static void sql_url_host(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *url = (const char *)sqlite3_value_text(argv[0]);
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p) {
        sqlite3_result_null(c);
        return;
    }
    p += 3;
    size_t n = strcspn(p, "/?#");
    const char *at = memchr(p, '@', n);
    while (at) { /* userinfo: the host is after its last '@' */
        n -= (size_t)(at + 1 - p);
        p = at + 1;
        at = memchr(p, '@', n);
    }
    const char *end = *p == '[' ? memchr(p, ']', n) : NULL;
    size_t len = end ? (size_t)(end - p) + 1 : strcspn(p, ":/?#");
    sqlite3_result_text(c, p, (int)(len < n ? len : n), SQLITE_TRANSIENT);
}

/* 'rdex': what PRAGMA application_id says of a refdex database. */
enum { RD_APPLICATION_ID = 0x72646578 };

/* Registers the SQL functions every statement may use. */
static int add_functions(sqlite3 *h)
{
    const int f = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    return sqlite3_create_function(h, "rd_fails", 2, f, NULL, sql_fails, NULL, NULL) ||
           sqlite3_create_function(h, "rd_conclusive", 1, f, NULL, sql_conclusive, NULL, NULL) ||
           sqlite3_create_function(h, "rd_source_hash", 1, f, NULL, sql_source_hash, NULL, NULL) ||
           sqlite3_create_function(h, "rd_fts_spaced", 1, f, NULL, sql_fts_spaced, NULL, NULL) ||
           sqlite3_create_function(h, "rd_url_host", 1, f, NULL, sql_url_host, NULL, NULL) ||
           sqlite3_create_function(h, "rd_url_key", 1, f, NULL, sql_url_key, NULL, NULL) ||
           sqlite3_create_function(h, "rd_result_order", 1, f, NULL, sql_result_order, NULL,
                                   NULL) ||
           rd_db_repo_functions(h);
}

/* A file name as an SQLite URI path: '%', '?' and '#' escaped. */
static char *uri_of(const char *path, int immutable)
{
    rd_buf b = {0};
    rd_buf_puts(&b, "file:");
    for (const char *c = path; *c; c++) {
        if (*c == '%' || *c == '?' || *c == '#')
            rd_buf_printf(&b, "%%%02X", (unsigned char)*c);
        else
            rd_buf_putc(&b, *c);
    }
    rd_buf_puts(&b, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
    return rd_buf_take(&b);
}

/* Opens the handle. A read-only open reads a database in WAL mode even where
 * its -shm file cannot be made (a folder the user cannot write): then the
 * file is read as it is on disk (immutable), which is all such a user has. */
static int open_handle(rd_db *db, int readonly, rd_error *err)
{
    for (int immutable = 0; immutable < 2; immutable++) {
        char *uri = readonly ? uri_of(db->path, immutable) : NULL;
        /* a handle is used by one thread: no mutex around every call */
        int flags = SQLITE_OPEN_NOMUTEX | (readonly ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
                                                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        int s = (readonly && !uri)
                    ? SQLITE_NOMEM
                    : sqlite3_open_v2(readonly ? uri : db->path, &db->h, flags, NULL);
        free(uri);
        if (s == SQLITE_OK) {
            sqlite3_extended_result_codes(db->h, 1);
            /* a check run commits every 100 ms while an ingest of a large
             * catalog may hold the write lock for seconds: writers wait long */
            sqlite3_busy_timeout(db->h, readonly ? 5000 : 60000);
            if (add_functions(db->h) != SQLITE_OK)
                return rd_db_fail(db, err, "opening");
            /* the first real read: a file that is not a database fails here */
            if (rd_db_schema_version(db) >= 0)
                return RD_OK;
            int e = sqlite3_extended_errcode(db->h);
            if (!readonly || immutable ||
                ((e & 0xff) != SQLITE_READONLY && (e & 0xff) != SQLITE_CANTOPEN))
                return rd_db_fail(db, err, "reading");
        } else if (!readonly || immutable) {
            return rd_db_fail(db, err, "opening");
        }
        sqlite3_close(db->h);
        db->h = NULL;
    }
    return rd_db_fail(db, err, "opening");
}

/* A database refdex may use: its own (application_id), one made before it
 * said so (schema 1 or 2 and refdex's tables), or an empty file. Anything
 * else is refused before anything is written to it. */
static int is_ours(rd_db *db, rd_error *err)
{
    static const char sql[] =
        "SELECT (SELECT application_id FROM pragma_application_id),"
        " (SELECT count(*) FROM sqlite_master),"
        " (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
        "  ('catalog', 'categories', 'entries', 'urls', 'checks', 'runs'))";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = rd_db_fail(db, err, "reading");
    } else {
        int app = sqlite3_column_int(st, 0), objects = sqlite3_column_int(st, 1);
        int ours = sqlite3_column_int(st, 2), v = rd_db_schema_version(db);
        if ((app == RD_APPLICATION_ID || app == 0) && v > SCHEMA_LATEST)
            rc = rd_error_set(err, RD_EDB,
                              "%s: schema version %d is newer than this refdex knows (%d); "
                              "upgrade refdex",
                              db->path, v, SCHEMA_LATEST);
        else if (!(app == RD_APPLICATION_ID || (app == 0 && objects == 0 && v == 0) ||
                   (app == 0 && ours == 6 && v >= 1 && v <= 2)))
            rc = rd_error_set(err, RD_EUSAGE,
                              "%s: not a refdex database (another program's SQLite file?); "
                              "nothing was changed. Give --db a new file or one refdex made",
                              db->path);
    }
    sqlite3_finalize(st);
    return rc;
}

/* SQLite's memory statistics (sqlite3_status) cost a global mutex around
 * every allocation, and refdex reads none of them: off, before SQLite starts
 * (sqlite3_config refuses once it has; that is harmless). */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int rd_db_open(const char *path, int flags, rd_db **out, rd_error *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    *out = NULL;
    struct stat st;
    int readonly = flags & RD_DB_READONLY;
    if (readonly && stat(path, &st) < 0)
        return rd_error_set(err, RD_ENOTFOUND,
                            "%s: no database here yet; run 'refdex ingest CATALOG' first", path);
    rd_db *db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(path))) {
        free(db);
        return rd_error_set(err, RD_ENOMEM, "%s: out of memory", path);
    }
    int rc = open_handle(db, readonly, err);
    if (rc == RD_OK)
        rc = is_ours(db, err);
    if (rc == RD_OK)
        rc = rd_db_exec(db, "PRAGMA foreign_keys = ON", err);
    /* the file is not mapped: a map is counted in the process's memory, up
     * to its size, for rows read once (a query of every entry of a 440 MB
     * database held 256 MB of it) */
    if (rc == RD_OK)
        rc = rd_db_exec(db, "PRAGMA cache_size = -32768", err);
    /* temporary tables and sorts (a query's matching entries, in catalog
     * order) in temporary files past the cache, so that memory does not
     * grow with the catalog's entries or links */
    if (rc == RD_OK && !readonly)
        rc = migrate(db, err);
    if (rc == RD_OK && readonly && rd_db_schema_version(db) != SCHEMA_LATEST)
        rc = rd_error_set(err, RD_EDB,
                          "%s: schema version %d, this refdex reads %d; run 'refdex ingest' "
                          "to migrate it",
                          path, rd_db_schema_version(db), SCHEMA_LATEST);
    if (rc < 0) {
        rd_db_close(db); /* a refused file is left as it was: it never went WAL */
        return rc;
    }
    *out = db;
    return RD_OK;
}

void rd_db_close(rd_db *db)
{
    if (!db)
        return;
    if (db->in_batch)
        sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(db->check_ins);
    sqlite3_finalize(db->check_upd);
    sqlite3_finalize(db->finding_add);
    sqlite3_finalize(db->link_names);
    /* At rest the database is one file: a writer that took it into WAL mode
     * takes it out when it closes (which fails, harmlessly, while another
     * connection is open), so readers need no -wal/-shm beside it nor a
     * folder they can write. */
    if (db->wal)
        sqlite3_exec(db->h, "PRAGMA main.journal_mode = DELETE", NULL, NULL, NULL);
    sqlite3_close(db->h);
    free(db->path);
    free(db);
}

char *rd_fts_spaced(const char *text)
{
    rd_buf b = {0};
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text), run = 0; /* bytes since the last CJK character */
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        int len = s[i] < 0x80 ? 1 : rd_utf8_decode(s + i, n - i, &cp);
        if (len == 0)
            len = 1;
        if (len > 1 && rd_is_cjk(cp)) {
            rd_buf_append(&b, text + i - run, run);
            rd_buf_putc(&b, ' ');
            rd_buf_append(&b, text + i, (size_t)len);
            rd_buf_putc(&b, ' ');
            run = 0;
        } else {
            run += (size_t)len;
        }
        i += (size_t)len;
    }
    rd_buf_append(&b, text + n - run, run);
    return rd_buf_take(&b);
}
