/* db/archive.c — archived copies of dead links: the availability API's
 * answer read with SQLite's JSON functions and checked, and the answers
 * stored per URL. */
#include <string.h>

#include "internal.h"

/* Each field of the answer and its JSON type; no row for an answer that is
 * not a JSON object. */
#define CLOSEST "'$.archived_snapshots.closest"
static const char parse_sql[] =
    "SELECT json_type(j, " CLOSEST "'), json_type(j, " CLOSEST ".available'),"
    " json_type(j, " CLOSEST ".url'), json_extract(j, " CLOSEST ".url'),"
    " json_type(j, " CLOSEST ".timestamp'), json_extract(j, " CLOSEST ".timestamp'),"
    " json_type(j, " CLOSEST ".status'), json_extract(j, " CLOSEST ".status'),"
    " json_type(j, '$.archived_snapshots')"
    " FROM (SELECT ?1 AS j) WHERE json_type(j) = 'object'";
/* Asked first: the JSON functions above fail on text that is not JSON. */
static const char valid_sql[] = "SELECT json_valid(?1)";

/* Whether text is a snapshot URL refdex may show, store and write into
 * Markdown (escaped there as any other): http(s), printable ASCII, no space,
 * and short enough to keep. */
static int usable_url(const char *text)
{
    if (!text || (strncmp(text, "https://", 8) && strncmp(text, "http://", 7)))
        return 0;
    size_t n = strlen(text), scheme = text[4] == ':' ? 7 : 8;
    if (n >= RD_ARCHIVE_URL_MAX || n <= scheme) /* a host at least */
        return 0;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c <= 0x20 || *c >= 0x7f)
            return 0;
    return 1;
}

/* "20200102030405" as "2020-01-02T03:04:05Z" into out; 0 when it is not 14
 * digits of a plausible date and time. */
static int snapshot_date(const char *ts, char *out, size_t n)
{
    if (!ts || strlen(ts) != 14 || strspn(ts, "0123456789") != 14)
        return 0;
    int v[6], w[6] = {4, 2, 2, 2, 2, 2};
    const char *p = ts;
    for (int i = 0; i < 6; p += w[i], i++) {
        v[i] = 0;
        for (int k = 0; k < w[i]; k++)
            v[i] = v[i] * 10 + (p[k] - '0');
    }
    if (v[0] < 1990 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 ||
        v[5] > 60)
        return 0;
    snprintf(out, n, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", ts, ts + 4, ts + 6, ts + 8, ts + 10,
             ts + 12);
    return 1;
}

/* Fills *a from a row of parse_sql; returns NULL, or why the answer is
 * refused. */
static const char *read_answer(sqlite3_stmt *st, rd_archive *a)
{
    const char *closest = RD_COL(st, 0), *snapshots = RD_COL(st, 8);
    if (snapshots && strcmp(snapshots, "object"))
        return "archived_snapshots is not an object";
    if (!closest || !strcmp(closest, "null"))
        return NULL; /* nothing archived */
    if (strcmp(closest, "object"))
        return "archived_snapshots.closest is not an object";
    const char *available = RD_COL(st, 1);
    if (!available || !strcmp(available, "false") || !strcmp(available, "null"))
        return NULL;
    if (strcmp(available, "true"))
        return "'available' is not true or false";
    const char *url_type = RD_COL(st, 2), *ts_type = RD_COL(st, 4), *status_type = RD_COL(st, 6);
    if (!url_type || strcmp(url_type, "text") || !usable_url(RD_COL(st, 3)))
        return "the snapshot's URL is not an http(s) URL of printable ASCII";
    if (!ts_type || strcmp(ts_type, "text") ||
        !snapshot_date(RD_COL(st, 5), a->date, sizeof a->date))
        return "the snapshot's timestamp is not YYYYMMDDhhmmss";
    /* "200" as the API writes it, or 200 */
    const char *status = status_type && strcmp(status_type, "null") ? RD_COL(st, 7) : NULL;
    if (status && ((strcmp(status_type, "text") && strcmp(status_type, "integer")) ||
                   strlen(status) != 3 || strspn(status, "0123456789") != 3))
        return "the snapshot's status is not three digits";
    if (status && status[0] != '2' && status[0] != '3')
        return NULL; /* only a copy of an error page: none usable */
    snprintf(a->url, sizeof a->url, "%s", RD_COL(st, 3));
    snprintf(a->status, sizeof a->status, "%s", status ? status : "");
    a->found = 1;
    return NULL;
}

/* Whether body is JSON, as SQLite reads it. */
static int is_json(rd_db *db, const char *body, int len, int *valid, rd_error *err)
{
    *valid = 0;
    if (!rd_db_json_keys_ok(body, (size_t)len))
        return RD_OK; /* a key that is not a string (rd_db_json_keys_ok) */
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, valid_sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, body, len, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        *valid = sqlite3_column_int(st, 0) != 0;
    else
        rc = rd_db_fail(db, err, "reading the archive's answer");
    sqlite3_finalize(st);
    return rc;
}

int rd_archive_parse(rd_db *db, const char *body, size_t len, rd_archive *a, rd_error *err)
{
    memset(a, 0, sizeof *a);
    int n = (int)(len < RD_ARCHIVE_BODY_MAX ? len : RD_ARCHIVE_BODY_MAX), valid = 0;
    int rc = is_json(db, body, n, &valid, err);
    if (rc < 0)
        return rc;
    if (!valid)
        return rd_error_set(err, RD_EINPUT, "the archive's answer is refused: not a JSON object");
    sqlite3_stmt *st;
    rc = rd_db_prepare(db, parse_sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(st, 1, body, n, SQLITE_STATIC);
    int s = sqlite3_step(st);
    const char *why = NULL;
    if (s == SQLITE_ROW)
        why = read_answer(st, a);
    else if (s == SQLITE_DONE)
        why = "not a JSON object";
    else
        rc = rd_db_fail(db, err, "reading the archive's answer");
    sqlite3_finalize(st);
    if (rc == RD_OK && why) {
        memset(a, 0, sizeof *a);
        rc = rd_error_set(err, RD_EINPUT, "the archive's answer is refused: %s", why);
    }
    if (rc == RD_OK && !a->found)
        memset(a, 0, sizeof *a);
    return rc;
}

typedef struct wanted_cb {
    int (*cb)(int64_t, const char *, const char *, void *);
    void *ud;
    size_t max, seen;
} wanted_cb;

static int wanted_row(sqlite3_stmt *st, void *ud)
{
    wanted_cb *w = ud;
    if (w->seen++ >= w->max)
        return 0;
    return w->cb(sqlite3_column_int64(st, 0), RD_COL(st, 1), RD_COL(st, 2), w->ud);
}

int rd_db_archive_wanted(rd_db *db, int64_t run_id, int strict, size_t max,
                         int (*cb)(int64_t url_id, const char *url, const char *when, void *ud),
                         void *ud, size_t *left, rd_error *err)
{
    /* asked for as of when the link last worked: the copy most like it */
    static const char sql[] =
        "SELECT k.url_id, u.url, substr(replace(replace(replace(coalesce((SELECT"
        " max(p.checked_at) FROM checks p WHERE p.url_id = k.url_id AND p.conclusive = 1"
        " AND NOT rd_fails(p.result, 1)), u.first_seen), '-', ''), 'T', ''), ':', ''), 1, 14)"
        " FROM checks k JOIN urls u ON u.id = k.url_id LEFT JOIN archives a ON a.url_id = k.url_id"
        " WHERE k.run_id = ?1 AND u.kind = 'web' AND (a.url_id IS NULL OR a.asked_at <"
        " strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ?3 || ' days'))"
        " AND " RD_VERDICT("?2") " = 'fail' ORDER BY k.id";
    sqlite3_stmt *st;
    *left = 0;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int(st, 2, strict != 0);
    sqlite3_bind_int(st, 3, RD_ARCHIVE_TTL_DAYS);
    wanted_cb w = {cb, ud, max, 0};
    rc = rd_db_each(db, st, wanted_row, &w, "finding links to look up", err);
    *left = w.seen > max ? w.seen - max : 0;
    return rc;
}

int rd_db_archive_store(rd_db *db, int64_t url_id, const rd_archive *a, rd_error *err)
{
    static const char sql[] =
        "INSERT OR REPLACE INTO archives(url_id, asked_at, snapshot_url, snapshot_at,"
        " snapshot_status) VALUES (?1, strftime('%Y-%m-%dT%H:%M:%fZ'), nullif(?2, ''),"
        " nullif(?3, ''), nullif(?4, ''))";
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, url_id);
    sqlite3_bind_text(st, 2, a->found ? a->url : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->found ? a->date : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->found ? a->status : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = rd_db_fail(db, err, "storing an archived copy");
    sqlite3_finalize(st);
    return rc;
}
