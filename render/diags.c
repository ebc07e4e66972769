/* render/diags.c — lint diagnostics as JSON, built by SQLite's JSON
 * functions in a private in-memory database (never the catalog's). */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* Sets err from the in-memory connection's last error. */
static int mem_fail(sqlite3 *h, rd_error *err, const char *doing)
{
    return rd_error_set(err, RD_EDB, "lint JSON: %s: %s", doing, sqlite3_errmsg(h));
}

int rd_diags_json(const char *file, const rd_diag *d, size_t n, char **json, rd_error *err)
{
    static const char setup[] =
        "CREATE TABLE d(severity TEXT, rule TEXT, line INTEGER, col INTEGER, message TEXT)";
    static const char ins[] = "INSERT INTO d VALUES (?1, ?2, ?3, ?4, ?5)";
    static const char result[] =
        "SELECT json_group_array(json_object('file', ?1, 'line', line, 'col', col,"
        " 'severity', severity, 'rule', rule, 'message', message)) FROM (SELECT * FROM d"
        " ORDER BY rowid)";
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    *json = NULL;
    int rc = RD_OK;
    if (sqlite3_open(":memory:", &h) != SQLITE_OK)
        rc = rd_error_set(err, RD_EDB, "cannot open an in-memory database");
    else if (sqlite3_exec(h, setup, NULL, NULL, NULL) != SQLITE_OK ||
             sqlite3_prepare_v2(h, ins, -1, &st, NULL) != SQLITE_OK)
        rc = mem_fail(h, err, "preparing");
    for (size_t i = 0; rc == RD_OK && i < n; i++) {
        sqlite3_bind_text(st, 1, rd_severity_name(d[i].severity), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, d[i].rule, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, d[i].pos.line);
        sqlite3_bind_int(st, 4, d[i].pos.col);
        sqlite3_bind_text(st, 5, d[i].message, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = mem_fail(h, err, "storing a diagnostic");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == RD_OK && sqlite3_prepare_v2(h, result, -1, &st, NULL) != SQLITE_OK)
        rc = mem_fail(h, err, "preparing");
    if (rc == RD_OK) {
        sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
        const unsigned char *t = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
        if (!t)
            rc = mem_fail(h, err, "building JSON");
        else if (!(*json = strdup((const char *)t)))
            rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return rc;
}
