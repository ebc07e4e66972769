/* db/sarif.c — a check run's report as a SARIF 2.1.0 log (GitHub code
 * scanning reads it), built by SQLite's JSON functions. */
#include <string.h>

#include "internal.h"

/* The rules: one per result kind a report lists, in ruleIndex order. A
 * result is an error when it fails the run (rd_fails, --strict), else a
 * warning. */
#define SARIF_RULES                                                                                \
    "(VALUES (0, 'broken', 'BrokenLink', 'The link answers 4xx or 5xx (after retries).'),"         \
    " (1, 'error', 'LinkError', 'The link could not be fetched: DNS, TLS, a refused connection"    \
    " or address, a redirect loop, a bad URL.'),"                                                  \
    " (2, 'redirect', 'MovedLink', 'The link moved permanently (301/308): the catalog should"      \
    " point at its new URL (refdex fix rewrites it).'),"                                           \
    " (3, 'timeout', 'LinkTimeout', 'No answer within the link''s --timeout.'),"                   \
    " (4, 'ratelimited', 'RateLimited', 'The host kept answering 429 (rate limited) past the"      \
    " link''s deadline or retries.'),"                                                             \
    " (5, 'cancelled', 'NotChecked', 'The run ended (its --deadline, a signal) before the link"    \
    " was checked.'),"                                                                             \
    " (6, 'blocked', 'BotWall', 'The host refuses link checkers (HTTP 999, a Cloudflare"           \
    " challenge, treat = blocked in refdex.ini): the link could not be checked.'),"                \
    " (7, 'fragment-missing', 'FragmentMissing', 'The page answered, but no element of it has"     \
    " the id or name the link''s #fragment names.'),"                                              \
    " (8, 'title-mismatch', 'TitleMismatch', 'The page answered, but its title shares nothing"     \
    " with the entry''s name: the link may point at another page than it says.'),"                 \
    " (9, 'soft-404', 'Soft404', 'The page answered 200, but says it is not found, or a"           \
    " redirect took the link to the site''s front or login page.'),"                               \
    " (10, 'canonical-differs', 'CanonicalDiffers', 'The page names another URL as its"            \
    " canonical one: the catalog could link that.'))"

/* Findings (rules 7 to 10) are warnings, errors under --strict: never a
 * result of the run by themselves. */

/* A result's place: the entry's line and column in the catalog. */
#define SARIF_WHERE                                                                                \
    "'locations', json_array(json_object('physicalLocation', json_object("                         \
    " 'artifactLocation', json_object('uri', ?2), 'region', json_object('startLine', e.line,"      \
    " 'startColumn', e.col))))"
#define SARIF_PROPERTIES                                                                           \
    "'properties', json_object('url', u.url, 'result', k.result, 'status', k.status_code,"         \
    " 'final_url', k.final_url, 'entry', e.name, 'category', e.path)"

static int write_one(rd_db *db, const char *sql, const rd_sarif_opts *o, FILE *out, rd_error *err)
{
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, o->version, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, o->offline);
    sqlite3_bind_text(st, 3, o->note && *o->note ? o->note : NULL, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        fputs((const char *)sqlite3_column_text(st, 0), out);
    else
        rc = rd_db_fail(db, err, "writing the SARIF log");
    sqlite3_finalize(st);
    return rc;
}

int rd_db_report_sarif(rd_db *db, int64_t run_id, const rd_sarif_opts *o, FILE *out, rd_error *err)
{
    static const char tool[] =
        "SELECT json_object('driver', json_object('name', 'refdex', 'version', ?1,"
        " 'semanticVersion', ?1, 'rules', (SELECT json_group_array(json_object('id', column2,"
        " 'name', column3, 'shortDescription', json_object('text', column4),"
        " 'defaultConfiguration', json_object('level', iif(rd_fails(column2, 0), 'error',"
        " 'warning')))) FROM (SELECT * FROM " SARIF_RULES " ORDER BY 1))))";
    /* the notification's text is 'not checked' news: no result stands for it */
    static const char invocation[] =
        "SELECT json_array(json_object('executionSuccessful', json(iif(?2, 'false', 'true')),"
        " 'toolExecutionNotifications', (SELECT json_group_array(json_object('level', 'warning',"
        " 'message', json_object('text', t))) FROM (SELECT ?3 AS t UNION ALL SELECT 'the network"
        " looked unavailable: no server could be reached, so no link was checked' WHERE ?2)"
        " WHERE t IS NOT NULL)))";
    /* a link's result, then its page's findings (one per entry a finding
     * concerns), in the catalog's order: two selects joined at run time
     * (one literal would pass the 4,095 bytes C compilers must take) */
    static const char link_results[] =
        "SELECT json_object('ruleId', r.column2, 'ruleIndex', r.column1,"
        " 'level', iif(rd_fails(r.column2, ?3), 'error', 'warning'),"
        " 'message', json_object('text', coalesce(e.name, '') || ': ' || u.url || ' — ' ||"
        "  CASE WHEN r.column2 = 'redirect' AND k.final_url IS NOT NULL"
        "   THEN 'moved permanently to ' || k.final_url"
        "   WHEN k.error IS NOT NULL THEN k.error"
        "   WHEN k.status_code IS NOT NULL THEN 'HTTP ' || k.status_code ELSE r.column2 END),"
        " " SARIF_WHERE ","
        " 'partialFingerprints', json_object('refdexLink/v1', r.column2 || ' ' || u.url),"
        " " SARIF_PROPERTIES ") AS j, e.cord, e.ord, k.id, 0 AS n"
        " FROM checks k JOIN urls u ON u.id = k.url_id"
        " LEFT JOIN checks f ON f.id = k.cached_from"
        " JOIN temp.run_links e ON e.url_id = k.url_id"
        " JOIN " SARIF_RULES " r ON r.column2 = coalesce(f.result, k.result)"
        " WHERE k.run_id IN " RD_RUN_SET " AND NOT ?4";
    static const char finding_results[] =
        "SELECT json_object('ruleId', r.column2, 'ruleIndex', r.column1,"
        " 'level', iif(?3, 'error', 'warning'),"
        " 'message', json_object('text', coalesce(e.name, '') || ': ' || u.url || ' — ' ||"
        "  (x.value ->> 'detail')),"
        " " SARIF_WHERE ","
        " 'partialFingerprints', json_object('refdexLink/v1', r.column2 || ' ' || u.url || ' '"
        "  || coalesce(e.name, '')),"
        " " SARIF_PROPERTIES ") AS j, e.cord, e.ord, k.id, 1 + x.key AS n"
        " FROM checks k JOIN urls u ON u.id = k.url_id"
        " LEFT JOIN checks f ON f.id = k.cached_from"
        " JOIN temp.run_links e ON e.url_id = k.url_id"
        " JOIN json_each(coalesce(k.findings, f.findings)) x"
        "  ON (x.value ->> 'entry') IS NULL OR (x.value ->> 'entry') = e.name"
        " JOIN " SARIF_RULES " r ON r.column2 = x.value ->> 'kind'"
        " WHERE k.run_id IN " RD_RUN_SET " AND NOT ?4";
    fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
          "\"runs\":[{\"tool\":",
          out);
    int rc = write_one(db, tool, o, out, err);
    if (rc == RD_OK) {
        fputs(",\"invocations\":", out);
        rc = write_one(db, invocation, o, out, err);
    }
    sqlite3_stmt *st = NULL;
    char *results = sqlite3_mprintf("SELECT j FROM (%s UNION ALL %s) ORDER BY cord, ord, id, n",
                                    link_results, finding_results);
    if (rc == RD_OK && !results)
        rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    if (rc == RD_OK)
        rc = rd_db_prepare(db, results, &st, err);
    sqlite3_free(results);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, o->file, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, o->strict);
    sqlite3_bind_int(st, 4, o->offline);
    fputs(",\"results\":[", out);
    rc = rd_db_write_json_rows(db, st, out, err);
    fputs("]}]}\n", out);
    return rc;
}
