/* render/diags.c — lint diagnostics as JSON, each object built by SQLite's
 * JSON functions in a private in-memory database (never the catalog's) and
 * written as it comes. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

struct rd_diags_writer {
    sqlite3 *h;
    sqlite3_stmt *st;
    FILE *out;
    size_t n;
};

/* Sets err from the in-memory connection's last error. */
static int mem_fail(sqlite3 *h, rd_error *err, const char *doing)
{
    return rd_error_set(err, RD_EDB, "lint JSON: %s: %s", doing, sqlite3_errmsg(h));
}

int rd_diags_json_begin(const char *file, FILE *out, rd_diags_writer **w, rd_error *err)
{
    static const char object[] = "SELECT json_object('file', ?1, 'line', ?2, 'col', ?3,"
                                 " 'severity', ?4, 'rule', ?5, 'message', ?6)";
    rd_diags_writer *j = calloc(1, sizeof *j);
    *w = NULL;
    if (!j)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    j->out = out;
    int rc = RD_OK;
    if (sqlite3_open(":memory:", &j->h) != SQLITE_OK)
        rc = rd_error_set(err, RD_EDB, "cannot open an in-memory database");
    else if (sqlite3_prepare_v2(j->h, object, -1, &j->st, NULL) != SQLITE_OK)
        rc = mem_fail(j->h, err, "preparing");
    if (rc < 0) {
        rd_diags_json_end(j);
        return rc;
    }
    sqlite3_bind_text(j->st, 1, file, -1, SQLITE_TRANSIENT);
    fputc('[', out);
    *w = j;
    return RD_OK;
}

int rd_diags_json_add(rd_diags_writer *w, const rd_diag *d, rd_error *err)
{
    sqlite3_stmt *st = w->st;
    sqlite3_bind_int(st, 2, d->pos.line);
    sqlite3_bind_int(st, 3, d->pos.col);
    sqlite3_bind_text(st, 4, rd_severity_name(d->severity), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, d->rule, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, d->message, -1, SQLITE_STATIC);
    const unsigned char *t = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    int rc = t ? RD_OK : mem_fail(w->h, err, "building JSON");
    if (t) {
        if (w->n++)
            fputc(',', w->out);
        fputs((const char *)t, w->out);
    }
    sqlite3_reset(st);
    return rc;
}

void rd_diags_json_end(rd_diags_writer *w)
{
    if (!w)
        return;
    if (w->st)
        fputc(']', w->out);
    sqlite3_finalize(w->st);
    sqlite3_close(w->h);
    free(w);
}

int rd_diags_json(const char *file, const rd_diag *d, size_t n, char **json, rd_error *err)
{
    size_t size = 0;
    *json = NULL;
    FILE *f = open_memstream(json, &size);
    if (!f)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    rd_diags_writer *w = NULL;
    int rc = rd_diags_json_begin(file, f, &w, err);
    for (size_t i = 0; rc == RD_OK && i < n; i++)
        rc = rd_diags_json_add(w, &d[i], err);
    rd_diags_json_end(w);
    if (fclose(f) != 0 && rc == RD_OK)
        rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    if (rc < 0) {
        free(*json);
        *json = NULL;
    }
    return rc;
}
