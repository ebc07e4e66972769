/* tests/test_db.c — the SQLite store: migrations, ingest, history, search, JSON. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "common/result.h"
#include "db/archive.h"
#include "db/db.h"
#include "db/hosts.h"
#include "db/ingest.h"
#include "db/internal.h"
#include "db/query.h"
#include "harness.h"

#define SEED RD_TEST_DIR "/data/seed.md"

static char db_path[256];

/* A fresh database path for this case (in the build tree, removed first). */
static const char *fresh_db(const char *name)
{
    snprintf(db_path, sizeof db_path, "%s/%s.db", RD_BINARY_DIR, name);
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s%s", db_path, suffixes[i]);
        unlink(p);
    }
    return db_path;
}

typedef struct source {
    char *text;
    size_t len;
    rd_catalog *cat;
} source;

static int parse_source(source *s, const char *file, char *text)
{
    rd_error err = {0};
    s->text = text;
    s->len = strlen(text);
    if (rd_catalog_parse(file, s->text, s->len, 0, &s->cat, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int load_seed(source *s)
{
    rd_error err = {0};
    char *text;
    size_t len;
    if (rd_read_file(SEED, 0, &text, &len, &err) < 0)
        return -1;
    return parse_source(s, "catalog.md", text);
}

static void free_source(source *s)
{
    free(s->text);
    rd_catalog_free(s->cat);
}

static int ingest(const char *path, source *s, rd_ingest_stats *st)
{
    rd_db *db = NULL;
    rd_error err = {0};
    int rc = rd_db_open(path, 0, &db, &err);
    if (rc == RD_OK)
        rc = rd_db_ingest(db, s->cat, s->text, s->len, 0, st, &err);
    if (rc < 0)
        fprintf(stderr, "ingest: %s\n", err.msg);
    rd_db_close(db);
    return rc;
}

/* Runs one query on a raw connection and returns the first column as text. */
static char *sql1(const char *path, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    char *out = NULL;
    sqlite3_open(path, &h);
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            out = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    } else {
        fprintf(stderr, "sql1: %s\n", sqlite3_errmsg(h));
    }
    sqlite3_close(h);
    return out;
}

static void check_sql(const char *path, const char *sql, const char *want, int line)
{
    char *got = sql1(path, sql);
    rd_test_checks++;
    if (!got || strcmp(got, want)) {
        rd_test_failures++;
        fprintf(stderr, "%s:%d: %s\n  gave \"%s\", expected \"%s\"\n", __FILE__, line, sql,
                got ? got : "(null)", want);
    }
    free(got);
}
#define CHECK_SQL(path, sql, want) check_sql(path, sql, want, __LINE__)

RD_TEST(migrate_from_empty)
{
    const char *path = fresh_db("migrate");
    rd_db *db = NULL;
    rd_error err = {0};
    REQUIRE(rd_db_open(path, 0, &db, &err) == RD_OK);
    CHECK_INT(rd_db_schema_version(db), rd_db_schema_latest());
    rd_db_close(db);
    /* at rest, one file: WAL only while a writer has it open */
    CHECK_SQL(path, "PRAGMA journal_mode", "delete");
    char side[300];
    snprintf(side, sizeof side, "%s-wal", path);
    CHECK(access(side, F_OK) != 0);
    CHECK_SQL(path, "PRAGMA application_id", "1919182200");
    CHECK_SQL(
        path,
        "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type ="
        " 'table' AND name NOT LIKE '%_fts_%' ORDER BY name)",
        "archives,catalog,categories,categories_fts,checks,entries,entries_fts,notes,repo_links,"
        "repos,runs,urls");
    /* opening again migrates nothing and keeps the version */
    REQUIRE(rd_db_open(path, 0, &db, &err) == RD_OK);
    CHECK_INT(rd_db_schema_version(db), rd_db_schema_latest());
    rd_db_close(db);
}

/* A database made by refdex 0.1.0 (schema 1: no groups) upgrades in place:
 * check history kept, and the same source read again by the newer parser. */
RD_TEST(upgrade_from_v1)
{
    const char *path = fresh_db("upgrade");
    char cmd[700];
    snprintf(cmd, sizeof cmd, "cp '%s/data/v1.db' '%s'", RD_TEST_DIR, path);
    REQUIRE(system(cmd) == 0);
    CHECK_SQL(path, "PRAGMA user_version", "1");
    CHECK_SQL(path, "SELECT group_concat(name, ',') FROM entries", "omega,Streaming");
    rd_db *db = NULL;
    rd_error err = {0};
    REQUIRE(rd_db_open(path, 0, &db, &err) == RD_OK);
    CHECK_INT(rd_db_schema_version(db), rd_db_schema_latest());
    rd_db_close(db);
    CHECK_SQL(path, "PRAGMA integrity_check", "ok");
    CHECK_SQL(path, "SELECT count(*) FROM entries", "2"); /* nothing lost on the way */
    CHECK_SQL(path, "SELECT count(*) FROM checks", "1");
    CHECK_SQL(path, "SELECT conclusive FROM checks", "1"); /* its ok is the link's status */
    /* schema 4: each run has a uid, no shard; the catalog a hash of its
     * source. Schema 5: the source itself goes, its size stays (so the same
     * bytes are known again); the search index is rebuilt without its copy
     * of the text, and finds what it found */
    CHECK_SQL(path, "SELECT length(uid) || ' ' || (shard IS NULL) FROM runs", "32 1");
    char *hash = sql1(path, "SELECT source_hash FROM catalog");
    REQUIRE(hash && strlen(hash) == 16);
    char *v1;
    size_t v1len;
    REQUIRE(rd_read_file(RD_TEST_DIR "/data/v1.md", 0, &v1, &v1len, &err) == RD_OK);
    char want[17], size[32];
    snprintf(want, sizeof want, "%016llx", (unsigned long long)rd_fnv1a64(v1, v1len));
    CHECK_STR(hash, want);
    snprintf(size, sizeof size, "%zu", v1len);
    CHECK_SQL(path, "SELECT source_size FROM catalog", size);
    free(v1);
    free(hash);
    CHECK_SQL(path,
              "SELECT group_concat(e.name) FROM entries e WHERE e.id IN"
              " (SELECT rowid FROM entries_fts WHERE entries_fts MATCH 'omega*')",
              "omega");
    CHECK_SQL(path, "SELECT count(*) FROM categories_fts WHERE categories_fts MATCH 'widgets*'",
              "2");
    /* the same bytes, ingested again, are read by the new parser */
    source s;
    char *text;
    size_t len;
    REQUIRE(rd_read_file(RD_TEST_DIR "/data/v1.md", 0, &text, &len, &err) == RD_OK);
    REQUIRE(parse_source(&s, "catalog.md", text) == 0);
    rd_ingest_stats st;
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    CHECK_INT(st.unchanged, 0);
    CHECK_SQL(path, "SELECT group_concat(kind || ':' || path, ',') FROM categories",
              "heading:widgets,heading:widgets/parsers,group:widgets/parsers/streaming");
    CHECK_SQL(path, "SELECT group_concat(name, ',') FROM entries", "omega,alpha-parse");
    CHECK_SQL(path,
              "SELECT k.result FROM checks k JOIN urls u ON u.id = k.url_id"
              " WHERE u.url = 'https://example.com/omega'",
              "ok");
    CHECK_SQL(path, "SELECT count(*) FROM pragma_foreign_key_check", "0");
    /* schema 11: URLs are found by a key, the one row kept */
    char sql[200];
    snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM urls WHERE url = 'https://example.com/omega' AND key = %lld",
        (long long)rd_fnv1a64("https://example.com/omega", strlen("https://example.com/omega")));
    CHECK_SQL(path, sql, "1");
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    CHECK_INT(st.unchanged, 1);
    free_source(&s);
}

/* The results of common/result.c are exactly what the checks table accepts
 * and what render/index.schema.json allows, in the same order. */
RD_TEST(result_names_everywhere)
{
    const char *path = fresh_db("results");
    rd_db *db = NULL;
    rd_error err = {0};
    REQUIRE(rd_db_open(path, 0, &db, &err) == RD_OK);
    rd_db_close(db);
    sqlite3 *h;
    REQUIRE(sqlite3_open(path, &h) == SQLITE_OK);
    REQUIRE(sqlite3_exec(h,
                         "INSERT INTO runs(id, started_at) VALUES (1, 'now');"
                         "INSERT INTO urls(id, url, kind, first_seen, key) VALUES (1, 'https://x/',"
                         " 'web', 'now', 0)",
                         NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    REQUIRE(sqlite3_prepare_v2(h,
                               "INSERT INTO checks(run_id, url_id, result, checked_at)"
                               " VALUES (1, 1, ?1, 'now')",
                               -1, &st, NULL) == SQLITE_OK);
    for (int r = 0; r <= RD_RES_COUNT; r++) { /* RD_RES_COUNT: a name that is none */
        const char *name = r < RD_RES_COUNT ? rd_result_name((rd_result)r) : "bogus";
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        sqlite3_reset(st);
        if ((s == SQLITE_DONE) != (r < RD_RES_COUNT))
            fprintf(stderr, "checks.result %s '%s'\n", s == SQLITE_DONE ? "takes" : "refuses",
                    name);
        CHECK((s == SQLITE_DONE) == (r < RD_RES_COUNT));
        CHECK_INT(rd_result_parse(name), r < RD_RES_COUNT ? r : -1);
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    /* the schema's list, in order */
    char *schema;
    size_t len;
    REQUIRE(rd_read_file(RD_TEST_DIR "/../render/index.schema.json", 0, &schema, &len, &err) ==
            RD_OK);
    const char *at = strstr(schema, "\"result\": {\"enum\": [");
    REQUIRE(at);
    at = strchr(at, '[');
    int r = 0;
    for (const char *q = strchr(at, '"'); q && q < strchr(at, ']'); q = strchr(q, '"'), r++) {
        const char *end = strchr(q + 1, '"');
        REQUIRE(end && r < RD_RES_COUNT);
        CHECK_INT((long long)(end - q - 1), (long long)strlen(rd_result_name((rd_result)r)));
        CHECK(!strncmp(q + 1, rd_result_name((rd_result)r), (size_t)(end - q - 1)));
        q = end + 1;
    }
    CHECK_INT(r, RD_RES_COUNT);
    free(schema);
    /* which fail, plain and --strict */
    CHECK(rd_result_fails(RD_RES_BROKEN, 0) && rd_result_fails(RD_RES_ERROR, 0));
    CHECK(!rd_result_fails(RD_RES_TIMEOUT, 0) && rd_result_fails(RD_RES_TIMEOUT, 1));
    CHECK(!rd_result_fails(RD_RES_REDIRECT, 1) && !rd_result_fails(RD_RES_CACHED, 1));
}

RD_TEST(ingest_seed)
{
    const char *path = fresh_db("ingest");
    source s;
    REQUIRE(load_seed(&s) == 0);
    rd_ingest_stats st;
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    CHECK_INT(st.unchanged, 0);
    CHECK_INT(st.entries, 57);
    CHECK_INT(st.categories, 13);
    CHECK_INT(st.urls_new, 50);
    CHECK_INT(st.urls_total, 50);
    CHECK_SQL(path, "SELECT count(*) FROM entries WHERE url_id IS NULL", "7");
    CHECK_SQL(path, "SELECT count(*) FROM notes", "3");
    CHECK_SQL(path, "SELECT name_path FROM categories WHERE slug = 'u7f51-u7edc'", "ref/网络");
    CHECK_SQL(path,
              "SELECT p.name FROM entries e JOIN entries p ON p.id = e.parent_id"
              " WHERE e.name = 'go-logr/logr'",
              "glog");
    CHECK_SQL(path,
              "SELECT url_raw || ' ' || u.url FROM entries e JOIN urls u ON u.id ="
              " e.url_id WHERE name = 'errors'",
              "github.com/pkg/errors https://github.com/pkg/errors");
    CHECK_SQL(path, "SELECT count(*) FROM pragma_foreign_key_check", "0");
    free_source(&s);
}

RD_TEST(reingest_changes_nothing)
{
    const char *path = fresh_db("reingest");
    source s;
    REQUIRE(load_seed(&s) == 0);
    rd_ingest_stats st;
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    /* data_version on another connection moves only when someone commits */
    sqlite3 *watch;
    sqlite3_open(path, &watch);
    sqlite3_stmt *dv;
    sqlite3_prepare_v2(watch, "PRAGMA data_version", -1, &dv, NULL);
    sqlite3_step(dv);
    int before = sqlite3_column_int(dv, 0);
    sqlite3_reset(dv);
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    CHECK_INT(st.unchanged, 1);
    CHECK_INT(st.urls_new, 0);
    sqlite3_step(dv);
    CHECK_INT(sqlite3_column_int(dv, 0), before);
    sqlite3_finalize(dv);
    sqlite3_close(watch);
    free_source(&s);
}

/* A catalog edited to the same size is read again: the hash decides. */
RD_TEST(reingest_same_size_edit)
{
    const char *path = fresh_db("samesize");
    source s;
    REQUIRE(parse_source(&s, "catalog.md", strdup("## ref\n- [a](https://a.example/)\n")) == 0);
    rd_ingest_stats st;
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    free_source(&s);
    REQUIRE(parse_source(&s, "catalog.md", strdup("## ref\n- [b](https://b.example/)\n")) == 0);
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    CHECK_INT(st.unchanged, 0);
    CHECK_SQL(path, "SELECT name FROM entries", "b");
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    CHECK_INT(st.unchanged, 1);
    free_source(&s);
}

RD_TEST(history_survives_edit)
{
    const char *path = fresh_db("history");
    source s;
    REQUIRE(load_seed(&s) == 0);
    rd_ingest_stats st;
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    sqlite3 *h;
    sqlite3_open(path, &h);
    CHECK(sqlite3_exec(h,
                       "INSERT INTO runs(id, started_at) VALUES (1, '2026-01-01T00:00:00Z');"
                       "INSERT INTO checks(run_id, url_id, result, status_code, checked_at)"
                       " SELECT 1, id, 'ok', 200, '2026-01-01T00:00:01Z' FROM urls"
                       " WHERE url IN ('https://github.com/golang/glog',"
                       "               'https://golang.org/pkg/fmt/')",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
    free_source(&s);
    /* the edit: fmt goes, a new entry comes, glog moves to another line */
    REQUIRE(parse_source(&s, "catalog.md",
                         strdup("## ref\n<!-- log -->\n+ [new](https://new.example/)\n"
                                "+ [glog](github.com/golang/glog)\n")) == 0);
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    CHECK_INT(st.unchanged, 0);
    CHECK_INT(st.urls_new, 1);
    CHECK_INT(st.urls_total, 51);
    CHECK_SQL(path, "SELECT count(*) FROM checks", "2");
    CHECK_SQL(path, "SELECT count(*) FROM entries", "2");
    /* the search index holds the new entries only */
    CHECK_SQL(path, "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'fmt*'", "0");
    CHECK_SQL(path, "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'glog*'", "1");
    CHECK_SQL(path, "SELECT count(*) FROM categories_fts WHERE categories_fts MATCH 'log*'", "1");
    CHECK_SQL(path, "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'new*'", "1");
    CHECK_SQL(path, "SELECT count(*) FROM categories", "2");
    /* glog's check is found through its URL, on its new line */
    CHECK_SQL(path,
              "SELECT e.line || ' ' || k.result || ' ' || k.status_code FROM entries e"
              " JOIN checks k ON k.url_id = e.url_id WHERE e.name = 'glog'",
              "4 ok 200");
    free_source(&s);
}

/* A URL's row is found by its key (a 64-bit hash) and its text: another
 * URL with the same key (made here by hand, as a hash collision would) is
 * never taken for it, and the URL keeps one row across ingests. */
RD_TEST(url_key_collision)
{
    const char *path = fresh_db("collide");
    source s;
    REQUIRE(parse_source(&s, "catalog.md", strdup("## ref\n- [a](https://a.example/)\n")) == 0);
    rd_ingest_stats st;
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    free_source(&s);
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM urls WHERE url = 'https://a.example/' AND key = %lld",
             (long long)rd_fnv1a64("https://a.example/", strlen("https://a.example/")));
    CHECK_SQL(path, sql, "1");
    snprintf(sql, sizeof sql, "UPDATE urls SET url = 'https://other.example/', key = %lld",
             (long long)rd_fnv1a64("https://b.example/", strlen("https://b.example/")));
    sqlite3 *h;
    sqlite3_open(path, &h);
    CHECK(sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
    REQUIRE(parse_source(&s, "catalog.md", strdup("## ref\n- [b](https://b.example/)\n")) == 0);
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    CHECK_INT(st.urls_new, 1);
    CHECK_SQL(path, "SELECT count(*) || ' ' || count(DISTINCT key) FROM urls", "2 1");
    CHECK_SQL(path, "SELECT u.url FROM entries e JOIN urls u ON u.id = e.url_id",
              "https://b.example/");
    free_source(&s);
    /* the same URL in another catalog is the same row */
    REQUIRE(parse_source(&s, "catalog.md",
                         strdup("## ref\n- [b again](https://b.example/) and more\n")) == 0);
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    CHECK_INT(st.urls_new, 0);
    CHECK_SQL(path, "SELECT count(*) FROM urls", "2");
    free_source(&s);
}

RD_TEST(failed_ingest_rolls_back)
{
    const char *path = fresh_db("rollback");
    source s;
    REQUIRE(load_seed(&s) == 0);
    rd_ingest_stats st;
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    free_source(&s);
    /* a trigger makes the 2nd entry of the next ingest fail, mid-transaction */
    sqlite3 *h;
    sqlite3_open(path, &h);
    CHECK(sqlite3_exec(h,
                       "CREATE TRIGGER boom BEFORE INSERT ON entries WHEN new.name = 'boom'"
                       " BEGIN SELECT RAISE(ABORT, 'boom refused'); END",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
    REQUIRE(parse_source(
                &s, "catalog.md",
                strdup("## x\n- [a](https://a.example/)\n- [boom](https://b.example/)\n")) == 0);
    rd_db *db = NULL;
    rd_error err = {0};
    REQUIRE(rd_db_open(path, 0, &db, &err) == RD_OK);
    CHECK_INT(rd_db_ingest(db, s.cat, s.text, s.len, 0, &st, &err), RD_EDB);
    CHECK(strstr(err.msg, "boom refused") != NULL);
    CHECK(strstr(err.msg, path) == err.msg);
    rd_db_close(db);
    CHECK_SQL(path, "SELECT count(*) FROM entries", "57");
    CHECK_SQL(path, "SELECT count(*) FROM urls", "50");
    CHECK_SQL(path, "SELECT count(*) FROM categories WHERE name = 'x'", "0");
    CHECK_SQL(path, "PRAGMA integrity_check", "ok");
    free_source(&s);
}

/* A first ingest finds its URLs in memory, with their index dropped and
 * built at the end: 3,000 URLs each linked from two or three entries (the
 * table grows nine times), and two URLs whose keys share their top 32 bits
 * (the table's tag: found by a search over generated names), each linked
 * twice, give one row per URL and every entry its own URL's. The index is
 * there after, and a second ingest finds the URLs through it. */
RD_TEST(first_ingest_finds_urls_in_memory)
{
    const char *path = fresh_db("first_ingest");
    rd_buf b = {0};
    rd_buf_puts(&b, "## ref\n");
    for (int i = 0; i < 8000; i++)
        rd_buf_printf(&b, "- [e%d](https://u%d.example/%d)\n", i, i % 3000, i % 3000);
    const char *pair[] = {"https://c.example/44381", "https://c.example/317203"};
    CHECK((uint64_t)rd_fnv1a64(pair[0], strlen(pair[0])) >> 32 ==
          (uint64_t)rd_fnv1a64(pair[1], strlen(pair[1])) >> 32);
    for (int k = 0; k < 4; k++)
        rd_buf_printf(&b, "- [pair%d](%s)\n", k, pair[k % 2]);
    source s;
    REQUIRE(parse_source(&s, "catalog.md", rd_buf_take(&b)) == 0);
    rd_ingest_stats st;
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    CHECK_INT(st.urls_new, 3002);
    CHECK_SQL(path, "SELECT count(*) || ' ' || count(DISTINCT url) FROM urls", "3002 3002");
    CHECK_SQL(path,
              "SELECT count(*) FROM entries e JOIN urls u ON u.id = e.url_id"
              " WHERE u.url = 'https://u' || (substr(e.name, 2) % 3000) || '.example/'"
              " || (substr(e.name, 2) % 3000)",
              "8000");
    CHECK_SQL(path,
              "SELECT group_concat(n, ' ') FROM (SELECT count(*) AS n FROM entries e"
              " JOIN urls u ON u.id = e.url_id WHERE e.name LIKE 'pair%' GROUP BY u.url)",
              "2 2");
    CHECK_SQL(path,
              "SELECT count(*) FROM entries e JOIN urls u ON u.id = e.url_id"
              " WHERE e.name IN ('pair0', 'pair2') AND u.url = 'https://c.example/44381'",
              "2");
    CHECK_SQL(path, "SELECT sql FROM sqlite_master WHERE name = 'urls_key'",
              "CREATE INDEX urls_key ON urls(key)");
    CHECK_SQL(path, "PRAGMA integrity_check", "ok");
    free_source(&s);
    REQUIRE(parse_source(&s, "catalog.md",
                         strdup("## ref\n- [again](https://u7.example/7)\n"
                                "- [pair](https://c.example/317203)\n"
                                "- [new](https://new.example/)\n")) == 0);
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    CHECK_INT(st.urls_new, 1);
    CHECK_SQL(path, "SELECT count(*) FROM urls", "3003");
    free_source(&s);
}

/* A first ingest that fails leaves the URLs' index it dropped in place. */
RD_TEST(failed_first_ingest_keeps_url_index)
{
    const char *path = fresh_db("first_rollback");
    rd_db *db = NULL;
    rd_error err = {0};
    REQUIRE(rd_db_open(path, 0, &db, &err) == RD_OK);
    CHECK(sqlite3_exec(db->h,
                       "CREATE TRIGGER boom BEFORE INSERT ON entries WHEN new.name = 'boom'"
                       " BEGIN SELECT RAISE(ABORT, 'boom refused'); END",
                       NULL, NULL, NULL) == SQLITE_OK);
    source s;
    REQUIRE(parse_source(
                &s, "catalog.md",
                strdup("## x\n- [a](https://a.example/)\n- [boom](https://b.example/)\n")) == 0);
    rd_ingest_stats st;
    CHECK_INT(rd_db_ingest(db, s.cat, s.text, s.len, 0, &st, &err), RD_EDB);
    rd_db_close(db);
    CHECK_SQL(path, "SELECT count(*) FROM urls", "0");
    CHECK_SQL(path, "SELECT count(*) FROM sqlite_master WHERE name = 'urls_key'", "1");
    free_source(&s);
}

/* Collects "name/depth" of every row a query gives, joined by spaces. */
static int collect(const rd_entry_row *r, void *ud)
{
    rd_buf *b = ud;
    rd_buf_printf(b, "%s%s/%d", b->len ? " " : "", r->name, r->depth);
    return 0;
}

static char *run_query(const char *path, const char *category, const char *search, int *rc)
{
    rd_db *db = NULL;
    rd_error err = {0};
    rd_buf b = {0};
    rd_query q = {.category = category, .search = search};
    *rc = rd_db_open(path, RD_DB_READONLY, &db, &err);
    if (*rc == RD_OK)
        *rc = rd_db_query(db, &q, collect, &b, &err);
    rd_db_close(db);
    return rd_buf_take(&b);
}

static void expect_query(const char *path, const char *category, const char *search,
                         const char *want, int line)
{
    int rc;
    char *got = run_query(path, category, search, &rc);
    rd_test_checks++;
    if (rc != RD_OK || strcmp(got, want)) {
        rd_test_failures++;
        fprintf(stderr, "%s:%d: query(%s, %s) gave \"%s\" (rc %d), expected \"%s\"\n", __FILE__,
                line, category ? category : "-", search ? search : "-", got, rc, want);
    }
    free(got);
}
#define EXPECT_QUERY(c, s, want) expect_query(path, c, s, want, __LINE__)

static const char *seeded_db(const char *name)
{
    const char *path = fresh_db(name);
    source s;
    rd_ingest_stats st;
    if (load_seed(&s) < 0 || ingest(path, &s, &st) < 0)
        return NULL;
    free_source(&s);
    return path;
}

RD_TEST(query_by_category)
{
    const char *path = seeded_db("category");
    REQUIRE(path);
    const char *log = "log/0 glog/0 go-logr/logr/1 logrus/0 zap/0";
    EXPECT_QUERY("log", NULL, log);
    EXPECT_QUERY("LOG", NULL, log);
    EXPECT_QUERY("ref/log", NULL, log);
    EXPECT_QUERY("Ref/Log", NULL, log);
    EXPECT_QUERY("3rd pkg", NULL, "kelseyhightower/envconfig/0 errors/0");
    EXPECT_QUERY("3rd-pkg", NULL, "kelseyhightower/envconfig/0 errors/0");
    EXPECT_QUERY("网络", NULL, "GoPacket/0 gentleman/0 negroni/0 net/rpc/0 jsonrpc/0 twirp/0");
    EXPECT_QUERY("ref/数据库", NULL, "sqlc/0 gorm/0 xorm/0 database/sql/0");
    EXPECT_QUERY("imports", NULL, "io/0 log/0 time/0 net/0");
    int rc;
    char *all = run_query(path, "ref", NULL, &rc); /* with every sub-category */
    CHECK_INT(rc, RD_OK);
    size_t n = 0; /* rows end in "/DEPTH" then a space or the end */
    for (const char *c = all; *c; c++)
        n += c[0] == '/' && c[1] >= '0' && c[1] <= '9' && (c[2] == ' ' || c[2] == '\0');
    CHECK_INT(n, 52);
    CHECK(strncmp(all, "查找Go包/0 Go 每日一库/0 fmt/0 ", 30) == 0);
    free(all);
    free(run_query(path, "nope", NULL, &rc));
    CHECK_INT(rc, RD_ENOTFOUND);
}

RD_TEST(query_by_search)
{
    const char *path = seeded_db("search");
    REQUIRE(path);
    EXPECT_QUERY(NULL, "日志", "negroni/0");
    EXPECT_QUERY(NULL, "内存", "buntdb/0 zap/0");
    EXPECT_QUERY(NULL, "logr", "go-logr/logr/0 logrus/0");
    EXPECT_QUERY(NULL, "ZAP", "zap/0");
    EXPECT_QUERY(NULL, "net/rpc", "net/rpc/0");
    EXPECT_QUERY(NULL, "glog", "glog/0 go-logr/logr/1"); /* a hit brings its sub-entries */
    EXPECT_QUERY(NULL, "environment struct", "kelseyhightower/envconfig/0");
    EXPECT_QUERY(NULL, "\"unbalanced ( AND", "");
    EXPECT_QUERY("develop", "dig", "dig/0");
    EXPECT_QUERY("log", "内存", "zap/0");
    EXPECT_QUERY("develop", "内存", "");
}

RD_TEST(json_output)
{
    const char *path = seeded_db("json");
    REQUIRE(path);
    rd_db *db = NULL;
    rd_error err = {0};
    REQUIRE(rd_db_open(path, RD_DB_READONLY, &db, &err) == RD_OK);
    char *entries = NULL, *cats = NULL;
    rd_query q = {.category = "log"};
    CHECK_INT(rd_db_query_json(db, &q, &entries, &err), RD_OK);
    CHECK_INT(rd_db_categories_json(db, &cats, &err), RD_OK);
    rd_db_close(db);
    REQUIRE(entries && cats);
    /* read the JSON back with SQLite's own parser */
    sqlite3 *h;
    sqlite3_open(":memory:", &h);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(h,
                       "SELECT json_valid(?1), json_array_length(?1),"
                       " json_extract(?1, '$[1].name'), json_extract(?1, '$[1].url'),"
                       " json_extract(?1, '$[1].sub_entries[0].name'),"
                       " json_extract(?1, '$[1].sub_entries[0].line'),"
                       " json_type(?1, '$[0].status'), json_extract(?1, '$[3].description'),"
                       " json_extract(?1, '$[0].category'),"
                       " json_valid(?2), json_array_length(?2), json_extract(?2, '$[3].name'),"
                       " json_array_length(?2, '$[3].children'), json_extract(?2, '$[3].total'),"
                       " json_extract(?2, '$[3].children[4].name')",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, entries, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, cats, -1, SQLITE_STATIC);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK_INT(sqlite3_column_int(st, 0), 1);
    CHECK_INT(sqlite3_column_int(st, 1), 4);
    CHECK_STR((const char *)sqlite3_column_text(st, 2), "glog");
    CHECK_STR((const char *)sqlite3_column_text(st, 3), "https://github.com/golang/glog");
    CHECK_STR((const char *)sqlite3_column_text(st, 4), "go-logr/logr");
    CHECK_INT(sqlite3_column_int(st, 5), 95);
    CHECK_STR((const char *)sqlite3_column_text(st, 6), "null");
    CHECK_STR((const char *)sqlite3_column_text(st, 7), "对性能和内存分配做了极致的优化");
    CHECK_STR((const char *)sqlite3_column_text(st, 8), "ref/log");
    CHECK_INT(sqlite3_column_int(st, 9), 1);
    CHECK_INT(sqlite3_column_int(st, 10), 4);
    CHECK_STR((const char *)sqlite3_column_text(st, 11), "ref");
    CHECK_INT(sqlite3_column_int(st, 12), 9);
    CHECK_INT(sqlite3_column_int(st, 13), 52);
    CHECK_STR((const char *)sqlite3_column_text(st, 14), "网络");
    sqlite3_finalize(st);
    sqlite3_close(h);
    free(entries);
    free(cats);
}

/* The JSON of a query is written as its rows come: every entry's object
 * holds its sub-entries at every depth, a sub-entry shown without its
 * parent is a result of its own, and the array reads back as JSON. */
RD_TEST(json_streams_nested_entries)
{
    const char *path = fresh_db("json_nested");
    source s;
    REQUIRE(parse_source(&s, "nested.md",
                         strdup("# T\n\n## A\n\n"
                                "- [root](https://r.example) - Top.\n"
                                "  - [mid](https://m.example) - Middle \"quoted\".\n"
                                "    - [leaf](https://l.example) - Leaf.\n"
                                "  - [mid2](https://m2.example) - Other.\n"
                                "- [next](https://n.example) - Next.\n\n## B\n\n"
                                "- [b](https://b.example) - In B.\n")) == 0);
    rd_ingest_stats st;
    REQUIRE(ingest(path, &s, &st) == RD_OK);
    free_source(&s);
    static const struct {
        const char *search, *want;
    } cases[] = {
        {NULL, "3|root|2|mid|1|leaf|0|mid2|next|b"},
        {"middle", "1|mid|1|leaf|0|||||"},
        {"leaf", "1|leaf|0|||||||"},
        {"zzz", "0|||||||||"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rd_db *db = NULL;
        rd_error err = {0};
        char *json = NULL;
        REQUIRE(rd_db_open(path, RD_DB_READONLY, &db, &err) == RD_OK);
        rd_query q = {.search = cases[i].search};
        CHECK_INT(rd_db_query_json(db, &q, &json, &err), RD_OK);
        rd_db_close(db);
        REQUIRE(json);
        /* read back with SQLite's own parser: "valid,results|" then the names
         * and sub-entry counts down the first result's first branch */
        static const char *const paths[] = {
            "$[0].name",
            "#$[0].sub_entries",
            "$[0].sub_entries[0].name",
            "#$[0].sub_entries[0].sub_entries",
            "$[0].sub_entries[0].sub_entries[0].name",
            "#$[0].sub_entries[0].sub_entries[0].sub_entries",
            "$[0].sub_entries[1].name",
            "$[1].name",
            "$[2].name",
        };
        sqlite3 *h;
        sqlite3_open(":memory:", &h);
        sqlite3_stmt *q1;
        rd_buf got = {0};
        sqlite3_prepare_v2(h, "SELECT json_valid(?1) || ',' || json_array_length(?1)", -1, &q1,
                           NULL);
        sqlite3_bind_text(q1, 1, json, -1, SQLITE_STATIC);
        if (sqlite3_step(q1) == SQLITE_ROW)
            rd_buf_printf(&got, "%s|", sqlite3_column_text(q1, 0));
        sqlite3_finalize(q1);
        for (size_t k = 0; k < sizeof paths / sizeof *paths; k++) {
            int count = paths[k][0] == '#';
            sqlite3_prepare_v2(h,
                               count ? "SELECT coalesce(json_array_length(?1, ?2), '')"
                                     : "SELECT coalesce(json_extract(?1, ?2), '')",
                               -1, &q1, NULL);
            sqlite3_bind_text(q1, 1, json, -1, SQLITE_STATIC);
            sqlite3_bind_text(q1, 2, paths[k] + count, -1, SQLITE_STATIC);
            if (sqlite3_step(q1) == SQLITE_ROW)
                rd_buf_printf(&got, "%s%s", k ? "|" : "", sqlite3_column_text(q1, 0));
            sqlite3_finalize(q1);
        }
        sqlite3_close(h);
        char want[128];
        snprintf(want, sizeof want, "1,%s", cases[i].want);
        CHECK_STR(got.data ? got.data : "", want);
        rd_buf_free(&got);
        free(json);
    }
}

RD_TEST(bad_databases)
{
    rd_db *db = NULL;
    rd_error err = {0};
    /* not there: read-only opening says what to do */
    const char *path = fresh_db("missing");
    CHECK_INT(rd_db_open(path, RD_DB_READONLY, &db, &err), RD_ENOTFOUND);
    CHECK(strstr(err.msg, "refdex ingest") != NULL);
    CHECK(access(path, F_OK) != 0); /* and it was not created */
    /* not a database */
    path = fresh_db("garbage");
    FILE *f = fopen(path, "wb");
    REQUIRE(f);
    for (int i = 0; i < 512; i++)
        fputs("this is not a database ", f);
    fclose(f);
    CHECK_INT(rd_db_open(path, 0, &db, &err), RD_EDB);
    CHECK(strstr(err.msg, path) == err.msg);
    CHECK(strstr(err.msg, "not a database") != NULL);
    /* from a newer refdex */
    path = fresh_db("newer");
    sqlite3 *h;
    sqlite3_open(path, &h);
    sqlite3_exec(h, "PRAGMA user_version = 999", NULL, NULL, NULL);
    sqlite3_close(h);
    CHECK_INT(rd_db_open(path, 0, &db, &err), RD_EDB);
    CHECK(strstr(err.msg, "newer") != NULL);
    CHECK_SQL(path, "PRAGMA user_version", "999");
}

/* A catalog of about `bytes`, in sections of many headings, with
 * sub-entries, notes and repeated URLs; the caller frees it. */
static char *generated(size_t bytes, size_t *len)
{
    rd_buf b = {0};
    for (int i = 0; b.len < bytes; i++) {
        rd_buf_printf(&b, "%.*s Part %d\n\n", 2 + i % 3, "###", i);
        if (i % 9 == 0)
            rd_buf_printf(&b, "Some words about part %d.\n\n", i);
        for (int j = 0; j < 20; j++)
            rd_buf_printf(&b,
                          "- [lib-%d-%d](https://h%d.example/p/%d) - Parses %d things.\n"
                          "  - [sub](https://s.example/%d/%d)\n",
                          i, j, i % 17, (i * 20 + j) % 5000, j, i, j);
        rd_buf_puts(&b, "\n");
    }
    *len = b.len;
    return rd_buf_take(&b);
}

/* Everything ingest stores of a catalog, as one text. */
static const char *const stored_sql =
    "SELECT (SELECT group_concat(id || ',' || coalesce(parent_id, '') || ',' || kind || ','"
    "  || name || ',' || slug || ',' || path || ',' || name_path || ',' || line, '|')"
    "  FROM categories)"
    " || (SELECT group_concat(e.id || ',' || coalesce(e.parent_id, '') || ',' || e.category_id"
    "  || ',' || e.name || ',' || coalesce(e.url_raw, '-') || ',' || coalesce(u.url, '')"
    "  || ',' || e.description || ',' || e.depth || ',' || e.line || ',' || e.col, '|')"
    "  FROM entries e LEFT JOIN urls u ON u.id = e.url_id)"
    " || (SELECT group_concat(category_id || kind || markdown || line || ord, '|') FROM notes)"
    " || (SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'parses* part*')";

/* Read a section at a time (3 MiB: three sections and more), a catalog
 * is stored as the whole parsed catalog is. */
RD_TEST(ingest_text_in_sections)
{
    size_t len;
    char *text = generated(3u << 20, &len);
    REQUIRE(text);
    rd_catalog *cat = NULL;
    rd_error err = {0};
    REQUIRE(rd_catalog_parse("catalog.md", text, len, 0, &cat, &err) == RD_OK);
    CHECK(cat->nentries > 30000);
    rd_ingest_stats st;
    const char *whole = fresh_db("whole");
    char whole_path[300];
    snprintf(whole_path, sizeof whole_path, "%s", whole);
    rd_db *db = NULL;
    REQUIRE(rd_db_open(whole_path, 0, &db, &err) == RD_OK);
    REQUIRE(rd_db_ingest(db, cat, text, len, 0, &st, &err) == RD_OK);
    rd_db_close(db);
    const char *parts = fresh_db("parts");
    REQUIRE(rd_db_open(parts, 0, &db, &err) == RD_OK);
    rd_ingest_stats st2;
    REQUIRE(rd_db_ingest_text(db, "catalog.md", text, len, 0, 0, &st2, &err) == RD_OK);
    CHECK_INT(st2.entries, (int64_t)cat->nentries);
    CHECK_INT(st2.categories, (int64_t)cat->ncategories);
    CHECK_INT(st2.notes, (int64_t)cat->nnotes);
    CHECK_INT(st2.urls_total, st.urls_total);
    /* the same text again: nothing read, nothing written, the same counts */
    REQUIRE(rd_db_ingest_text(db, "catalog.md", text, len, 0, 0, &st2, &err) == RD_OK);
    CHECK_INT(st2.unchanged, 1);
    CHECK_INT(st2.entries, (int64_t)cat->nentries);
    rd_db_close(db);
    char *a = sql1(whole_path, stored_sql), *b = sql1(parts, stored_sql);
    REQUIRE(a && b);
    CHECK(strlen(a) > len / 2);
    CHECK(strcmp(a, b) == 0);
    CHECK_SQL(parts, "SELECT count(*) FROM pragma_foreign_key_check", "0");
    CHECK_SQL(whole_path, "SELECT count(*) FROM pragma_foreign_key_check", "0");
    free(a);
    free(b);
    rd_catalog_free(cat);
    free(text);
}

/* A fresh database named name holding a generated catalog of 2 MiB (its
 * text in *text, to free), or NULL. */
static rd_db *with_generated(const char *name, char **text, size_t *len)
{
    rd_db *db = NULL;
    rd_error err = {0};
    rd_ingest_stats st;
    if (!(*text = generated(2u << 20, len)) || rd_db_open(fresh_db(name), 0, &db, &err) < 0 ||
        rd_db_ingest_text(db, "catalog.md", *text, *len, 0, 0, &st, &err) < 0) {
        fprintf(stderr, "with_generated: %s\n", err.msg);
        rd_db_close(db);
        return NULL;
    }
    return db;
}

/* Bad input found in the last section, after the first were stored, leaves
 * the database as it was. */
RD_TEST(ingest_text_bad_input_rolls_back)
{
    size_t len;
    char *text;
    rd_db *db = with_generated("badtail", &text, &len);
    REQUIRE(db);
    const char *path = db_path;
    rd_error err = {0};
    rd_ingest_stats st;
    char *before = sql1(path, stored_sql);
    /* the same list with a list nested 70 deep at its end */
    rd_buf b = {0};
    rd_buf_append(&b, text, len);
    rd_buf_puts(&b, "# Deep\n\n");
    for (int i = 0; i < 70; i++)
        rd_buf_printf(&b, "%*s- x\n", 2 * i, "");
    REQUIRE(!b.oom);
    int rc = rd_db_ingest_text(db, "catalog.md", b.data, b.len, 0, 0, &st, &err);
    CHECK_INT(rc, RD_EINPUT);
    CHECK(strstr(err.msg, "catalog.md:") && strstr(err.msg, "nested more than 64"));
    rd_db_close(db);
    char *after = sql1(path, stored_sql);
    CHECK(before && after && strcmp(before, after) == 0);
    CHECK_SQL(path, "PRAGMA integrity_check", "ok");
    free(before);
    free(after);
    rd_buf_free(&b);
    free(text);
}

/* A database refdex made gives back the pages an edit frees: after a large
 * catalog is replaced by a small one, the file is small and has no free pages. */
RD_TEST(ingest_gives_pages_back)
{
    size_t len;
    char *text;
    rd_db *db = with_generated("shrink", &text, &len);
    REQUIRE(db);
    const char *path = db_path;
    rd_error err = {0};
    rd_ingest_stats st;
    char *big = sql1(path, "PRAGMA page_count");
    source s;
    REQUIRE(load_seed(&s) == 0);
    REQUIRE(rd_db_ingest(db, s.cat, s.text, s.len, 0, &st, &err) == RD_OK);
    rd_db_close(db);
    CHECK_SQL(path, "PRAGMA freelist_count", "0");
    char *small = sql1(path, "PRAGMA page_count");
    REQUIRE(big && small);
    printf("pages: %s with the large catalog, %s with the seed\n", big, small);
    CHECK(atoi(small) * 5 < atoi(big) * 3); /* URLs stay: their history is kept */
    free(big);
    free(small);
    free_source(&s);
    free(text);
}

static int collect_host(const rd_host_stats *h, void *ud)
{
    char *out = ud;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%s%s %lld %lld %lld %lld %lld [%s]", n ? "; " : "", h->host,
             (long long)h->requests, (long long)h->fetched, (long long)h->median_ms,
             (long long)h->p95_ms, (long long)h->paused_ms, h->results ? h->results : "");
    return 0;
}

/* refdex hosts groups checks by the host of their URL (no port, no user, an
 * IPv6 literal whole), counts a check stored before attempts were as one
 * request, and takes the nearest-rank median and p95 of fetched links. */
RD_TEST(host_stats)
{
    const char *path = fresh_db("hosts");
    rd_db *db = NULL;
    rd_error err = {0};
    REQUIRE(rd_db_open(path, 0, &db, &err) == RD_OK);
    rd_db_close(db);
    sqlite3 *h;
    REQUIRE(sqlite3_open(path, &h) == SQLITE_OK);
    REQUIRE(sqlite3_exec(h,
                         "INSERT INTO runs(id, started_at) VALUES (1, '2026-01-01');"
                         "INSERT INTO urls(id, url, kind, first_seen, key) VALUES"
                         " (1, 'https://a.example/x', 'web', 'now', 1),"
                         " (2, 'https://u:p@a.example:8443/y', 'web', 'now', 2),"
                         " (3, 'http://[::1]:8080/z', 'web', 'now', 3),"
                         " (4, 'https://a.example/w', 'web', 'now', 4),"
                         " (5, 'mailto:a@a.example', 'mailto', 'now', 5);"
                         "INSERT INTO checks(run_id, url_id, result, elapsed_ms, checked_at,"
                         " attempts, http429, paused_ms) VALUES"
                         " (1, 1, 'ok', 10, '2026-01-01', 1, 0, 0),"
                         " (1, 2, 'ok', 30, '2026-01-01', 3, 1, 1000),"
                         " (1, 4, 'broken', 20, '2026-01-01', NULL, NULL, NULL),"
                         " (1, 3, 'excluded', 0, '2026-01-01', 0, 0, 0),"
                         " (1, 5, 'ok', 0, '2026-01-01', 0, 0, 0)",
                         NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
    REQUIRE(rd_db_open(path, RD_DB_READONLY, &db, &err) == RD_OK);
    char out[512] = "";
    REQUIRE(rd_db_hosts(db, 1, NULL, collect_host, out, &err) == RD_OK);
    CHECK_STR(out, "a.example 5 3 20 30 1000 [2 ok, 1 broken]; [::1] 0 0 -1 -1 0 [1 excluded]");
    out[0] = '\0';
    REQUIRE(rd_db_hosts(db, 0, "2026-01-02", collect_host, out, &err) == RD_OK);
    CHECK_STR(out, "");
    rd_db_close(db);
}

/* JSON from outside is looked at before SQLite's JSON functions: SQLite
 * 3.40 takes an object as an object's key when it ends in a string, and its
 * json_extract then crashes (fuzz/crashes/archive-object-as-key.json). */
RD_TEST(json_keys_checked_first)
{
    static const char *const good[] = {"{}",
                                       "[]",
                                       "{\"a\":1}",
                                       "{ \"a\" : [1, {\"b\": \"}\"}] }",
                                       "{\"a\\\"{\":{\"c\":[]} ,\r\n \"d\":\"e\"}",
                                       "\"x\"",
                                       "[{}, []]"};
    static const char *const bad[] = {"{{\"a\":\"b\"}:1}", "{\"k\":{[\"a\"]:1}}", "{\"a\":1, 2:3}",
                                      "{1:2}"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        CHECK(rd_db_json_keys_ok(good[i], strlen(good[i])));
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(!rd_db_json_keys_ok(bad[i], strlen(bad[i])));
    char *text;
    size_t len;
    rd_error err = {0};
    REQUIRE(rd_read_file(RD_TEST_DIR "/../fuzz/crashes/archive-object-as-key.json", 0, &text, &len,
                         &err) == RD_OK);
    CHECK(!rd_db_json_keys_ok(text, len));
    rd_db *db = NULL;
    REQUIRE(rd_db_open(":memory:", 0, &db, &err) == RD_OK);
    rd_archive a;
    CHECK_INT(rd_archive_parse(db, text, len, &a, &err), RD_EINPUT);
    CHECK(strstr(err.msg, "not a JSON object") != NULL);
    rd_db_close(db);
    free(text);
}
