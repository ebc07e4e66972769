/* db/internal.h — shared by the files of db/, not part of its interface. */
#ifndef RD_DB_INTERNAL_H
#define RD_DB_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../common/rd.h"
#include "../common/result.h"
#include "archive.h"
#include "checks.h"
#include "db.h"
#include "history.h"
#include "ingest.h"
#include "pages.h"
#include "query.h"

struct rd_db {
    sqlite3 *h;
    char *path;
    sqlite3_stmt *check_ins;   /* prepared once for a run */
    sqlite3_stmt *check_upd;   /* a result over the run's placeholder row */
    sqlite3_stmt *finding_add; /* a finding appended to a run's check of a URL */
    sqlite3_stmt *link_names;  /* the names of the run's entries linking a URL */
    int in_batch, batch_rows;  /* an open transaction of results */
    int wal;                   /* this connection put the file in WAL mode */
};

/* The index a URL is found by (migration 11; a first ingest drops it and
 * builds it whole at the end). */
#define RD_URLS_KEY_INDEX "CREATE INDEX urls_key ON urls(key)"

/* The key a URL's row is found by (urls.key; rd_url_key in SQL): FNV-1a of
 * its text, 64 bits, as SQLite's signed integer. Different URLs may share a
 * key: a lookup compares the text too. */
static inline int64_t rd_db_url_key(const char *url)
{
    uint64_t h = rd_fnv1a64(url, strlen(url));
    int64_t key;
    memcpy(&key, &h, sizeof key);
    return key;
}

/* Whether every key of every object in the JSON text is a string. SQLite
 * 3.40's JSON parser (Debian 12's) takes an object or array as an object's
 * key when that key's last value is a string ({"a": {{"b": "c"}: 1}}), and
 * json_extract on such a text reads wild memory: a text from outside is
 * looked at here before SQLite's JSON functions see it. Nothing else is
 * checked (json_valid does the rest). */
int rd_db_json_keys_ok(const char *text, size_t n);

/* A link's status, as every view shows it: the latest conclusive check of
 * the URL in column url_id, joined as `alias` (NULL columns when it has
 * none). The one definition; checks.c decides what is conclusive. */
#define RD_STATUS_JOIN(alias, url_id)                                                              \
    " LEFT JOIN checks " alias " ON " alias ".id = (SELECT max(id) FROM checks"                    \
    " WHERE url_id = " url_id " AND conclusive = 1)"

/* The kind of a link's status that `query --status` names, from its
 * RD_STATUS_JOIN `k`: 'unchecked' without a conclusive check, 'broken' for a
 * result that fails a run (rd_fails: broken, error), else the result. */
#define RD_STATUS_CLASS(k)                                                                         \
    "(CASE WHEN " k ".id IS NULL THEN 'unchecked' WHEN rd_fails(" k ".result, 0) THEN 'broken'"    \
    " ELSE " k ".result END)"

/* How many of a URL's latest conclusive checks `flaky` looks at, and the
 * test: among them, results went from passing to failing (rd_fails) or back
 * at least twice (ok, broken, ok). */
#define RD_FLAKY_RUNS "5"
#define RD_FLAKY(url_id)                                                                           \
    "((SELECT count(*) FROM (SELECT bad, lag(bad) OVER (ORDER BY id) AS prev FROM"                 \
    " (SELECT id, rd_fails(result, 0) AS bad FROM checks WHERE url_id = " url_id                   \
    " AND conclusive = 1 ORDER BY id DESC LIMIT " RD_FLAKY_RUNS ")) WHERE prev <> bad) >= 2)"

/* When a link's status began: the first of its latest conclusive checks of
 * the same kind (RD_STATUS_CLASS), in a row; a URL never checked, when it
 * was first seen. k is its RD_STATUS_JOIN, u its row of urls. */
// clang-format off
#define RD_STATUS_SINCE(k, u)                                                                      \
    "(CASE WHEN " k ".id IS NULL THEN " u ".first_seen ELSE (SELECT s.checked_at FROM checks s"    \
    " WHERE s.url_id = " u ".id AND s.conclusive = 1 AND s.id > coalesce((SELECT max(d.id)"        \
    " FROM checks d WHERE d.url_id = " u ".id AND d.conclusive = 1 AND (CASE WHEN"                 \
    " rd_fails(d.result, 0) THEN 'broken' ELSE d.result END) <> " RD_STATUS_CLASS(k) "), 0)"       \
    " ORDER BY s.id LIMIT 1) END)"
// clang-format on

/* For the check joined as k: its run of failing conclusive checks of its URL: those
 * after the URL's latest conclusive check before k that passed (strict: a
 * timeout or rate limit did not pass either), up to k. How many, and when
 * the first was made; 0 and NULL for a check that is not conclusive or does
 * not fail (whose rows never run the subqueries). */
#define RD_K_FAILS "k.conclusive = 1 AND rd_fails(k.result, 1)"
#define RD_FAILING_RUN                                                                             \
    " FROM checks s WHERE s.url_id = k.url_id AND s.conclusive = 1 AND s.id <= k.id"               \
    " AND s.id > coalesce((SELECT max(d.id) FROM checks d WHERE d.url_id = k.url_id"               \
    " AND d.conclusive = 1 AND d.id < k.id AND NOT rd_fails(d.result, 1)), 0)"
#define RD_FAILING_RUNS                                                                            \
    "(CASE WHEN " RD_K_FAILS " THEN (SELECT count(*)" RD_FAILING_RUN ") ELSE 0 END)"
#define RD_FAILING_SINCE                                                                           \
    "(CASE WHEN " RD_K_FAILS " THEN (SELECT min(s.checked_at)" RD_FAILING_RUN ") END)"

/* The --fail-after K of the run of the check joined as k: 1 for a run that
 * stored none (made before the option was). */
#define RD_K_FAIL_AFTER                                                                            \
    "coalesce((SELECT json_extract(r.options, '$.fail_after') FROM runs r WHERE r.id = k.run_id)," \
    " 1)"

/* Whether the check joined as k alternates: among its URL's latest
 * RD_FLAKY_RUNS conclusive checks up to it (itself included), results went
 * from passing to failing (rd_fails) or back at least twice. RD_FLAKY as of
 * that check. */
#define RD_K_ALTERNATES                                                                            \
    "((SELECT count(*) FROM (SELECT bad, lag(bad) OVER (ORDER BY id) AS prev FROM"                 \
    " (SELECT id, rd_fails(result, 0) AS bad FROM checks WHERE url_id = k.url_id"                  \
    " AND conclusive = 1 AND id <= k.id ORDER BY id DESC LIMIT " RD_FLAKY_RUNS "))"                \
    " WHERE prev <> bad) >= 2)"

/* What the check joined as k means for its run (strict: the SQL of --strict,
 * 0 or 1): 'fail' when it fails (rd_fails) and has failed in at least the
 * run's --fail-after conclusive checks in a row (RD_FAILING_RUNS; a check
 * that is not conclusive, a cancelled one under --strict, fails at once);
 * 'flaky' when it fails but fewer times in a row than that, or passes but
 * alternates (RD_K_ALTERNATES); else NULL. Only 'fail' fails the run. The
 * window of RD_K_ALTERNATES runs only for a passing check whose URL failed
 * before (an index probe): a report of 20,000 links took 0.86 s with it for
 * every row, 0.32 s so, 0.21 s without verdicts. */
#define RD_VERDICT(strict)                                                                         \
    "(CASE WHEN rd_fails(k.result, " strict ") THEN (CASE WHEN k.conclusive = 0 OR"                \
    " " RD_FAILING_RUNS " >= " RD_K_FAIL_AFTER " THEN 'fail' ELSE 'flaky' END)"                    \
    " WHEN k.conclusive = 1 AND EXISTS (SELECT 1 FROM checks d WHERE d.url_id = k.url_id"          \
    " AND d.conclusive = 1 AND d.id < k.id AND rd_fails(d.result, 0)) AND " RD_K_ALTERNATES        \
    " THEN 'flaky' END)"

/* An entry's repository, when its link (urls, joined as u) names one that
 * refdex repos stored: joined as r, with its link rl. */
#define RD_REPO_JOIN                                                                               \
    " LEFT JOIN repo_links rl ON rl.key = rd_repo_key(u.url)"                                      \
    " LEFT JOIN repos r ON r.id = rl.repo_id"

/* The JSON object of a repository joined as r (with its link rl), or NULL:
 * what query --format json and index.json say of an entry's repository. */
#define RD_REPO_JSON                                                                               \
    "CASE WHEN r.id IS NOT NULL THEN json_object('forge', r.forge, 'name', r.name,"                \
    " 'renamed', json(CASE WHEN NOT r.gone AND lower(r.name) <>"                                   \
    " substr(rl.key, instr(rl.key, ':') + 1) THEN 'true' ELSE 'false' END),"                       \
    " 'gone', json(CASE WHEN r.gone THEN 'true' ELSE 'false' END), 'stars', r.stars,"              \
    " 'forks', r.forks, 'archived', json(CASE WHEN r.archived THEN 'true'"                         \
    " WHEN r.archived = 0 THEN 'false' END), 'pushed_at', r.pushed_at,"                            \
    " 'default_branch', r.default_branch, 'license', r.license, 'description', r.description,"     \
    " 'language', r.language, 'fetched_at', r.fetched_at) END"

/* An entry's link as written: stored only where it differs from the
 * normalised URL (entries e joined with urls u). */
#define RD_URL_RAW "coalesce(e.url_raw, u.url)"

/* Registers rd_repo_key(url) and rd_repo_name_ok(forge, name) (db/repos.c). */
int rd_db_repo_functions(sqlite3 *h);

/* Makes temp.run_links, where each URL is linked in the stored catalog now,
 * which a run's report reads. */
int rd_db_run_links(rd_db *db, rd_error *err);

/* Sets err from the handle's last error, naming the database; returns RD_EDB. */
int rd_db_fail(rd_db *db, rd_error *err, const char *doing);

/* Prepares sql on the handle; on failure sets err and returns RD_EDB. */
int rd_db_prepare(rd_db *db, const char *sql, sqlite3_stmt **st, rd_error *err);

/* Puts the database in WAL mode before this connection first writes (so
 * readers never wait on a writer), and BEGIN IMMEDIATE. A database nobody
 * writes to stays one file. */
int rd_db_write_mode(rd_db *db, rd_error *err);
int rd_db_begin_write(rd_db *db, rd_error *err);

/* Runs sql that returns no rows (one or more statements). */
int rd_db_exec(rd_db *db, const char *sql, rd_error *err);

/* Returns the text for the search index: like the input, with a space on each
 * side of every CJK character so that each is a word of its own (unicode61
 * does not split "日志库" otherwise). The caller frees it; NULL when out of
 * memory. */
char *rd_fts_spaced(const char *text);

/* Runs `update` (which binds ?1 to a depth) for every depth from the value of
 * `maxdepth` down to 0: how nested JSON is built bottom-up in a temp table. */
int rd_db_nest_json(rd_db *db, const char *update, const char *maxdepth, rd_error *err);

/* Runs a statement that returns one text value and hands a copy to *out
 * (the caller frees it). */
int rd_db_select_text(rd_db *db, const char *sql, char **out, rd_error *err);

/* Steps st (one JSON text per row, made by SQLite) and writes the rows to out
 * as the items of a JSON array, comma-separated, without the brackets; then
 * finalizes st. A large result is never one string in memory. */
int rd_db_write_json_rows(rd_db *db, sqlite3_stmt *st, FILE *out, rd_error *err);

/* The runs whose checks are run ?1's: itself, or the shard runs a merged
 * run gathers. */
#define RD_RUN_SET "(SELECT id FROM runs WHERE id = ?1 OR merged_into = ?1)"

/* Steps st (prepared and bound by the caller) and calls row for each row
 * until it returns non-zero (which is returned); then finalizes st. A step
 * that fails sets err, naming what was being done. */
int rd_db_each(rd_db *db, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *ud), void *ud,
               const char *doing, rd_error *err);

/* Column i as text, NULL for NULL: valid until the next step. */
#define RD_COL(st, i) ((const char *)sqlite3_column_text((st), (i)))

/* Copies column i of a row as a malloc'd string (the caller frees it). */
char *rd_db_column_dup(sqlite3_stmt *st, int i);

/* The kinds of finding ("soft-404,title-mismatch") of check k that concern
 * entry e: those of its page, and those said of e's link text; NULL for none. */
#define RD_ENTRY_FINDINGS(k, e)                                                                    \
    "(SELECT group_concat(j.value ->> 'kind', ',') FROM json_each(" k ".findings) j"               \
    " WHERE (j.value ->> 'entry') IS NULL OR (j.value ->> 'entry') = " e ".name)"
/* The same as lines "kind<TAB>detail" (rd_report_row's findings). */
#define RD_ENTRY_FINDINGS_LINES(k, e)                                                              \
    "(SELECT group_concat((j.value ->> 'kind') || char(9) || (j.value ->> 'detail'), char(10))"    \
    " FROM json_each(" k ".findings) j"                                                            \
    " WHERE (j.value ->> 'entry') IS NULL OR (j.value ->> 'entry') = " e ".name)"
/* The same as a JSON array of {kind, detail} ([] for none). */
#define RD_ENTRY_FINDINGS_JSON(k, e)                                                               \
    "json((SELECT json_group_array(json_object('kind', j.value ->> 'kind', 'detail',"              \
    " j.value ->> 'detail')) FROM json_each(" k ".findings) j"                                     \
    " WHERE (j.value ->> 'entry') IS NULL OR (j.value ->> 'entry') = " e ".name))"

#endif
