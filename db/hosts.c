/* db/hosts.c — per-host statistics of stored checks (refdex hosts). */
#include "hosts.h"
#include "internal.h"

/* A check that fetched its link: attempts says so; a check stored before
 * attempts were (NULL) by its result. */
#define FETCHED                                                                                    \
    "coalesce(k.attempts > 0, k.result = 'ok' OR k.result = 'redirect' OR k.result = 'broken'"     \
    " OR k.result = 'timeout' OR k.result = 'error' OR k.result = 'ratelimited')"

static const char sql[] =
    "WITH scope AS (SELECT rd_url_host(u.url) AS host, k.result, k.elapsed_ms,"
    "  coalesce(k.attempts, " FETCHED ") AS requests, " FETCHED " AS fetched,"
    "  coalesce(k.http429, 0) AS http429, coalesce(k.paused_ms, 0) AS paused_ms"
    " FROM checks k JOIN urls u ON u.id = k.url_id WHERE u.kind = 'web'"
    "  AND iif(?2 IS NULL, k.run_id IN " RD_RUN_SET ", k.checked_at >= ?2)),"
    " ranked AS (SELECT host, elapsed_ms, row_number() OVER (PARTITION BY host ORDER BY"
    "  elapsed_ms) AS i, count(*) OVER (PARTITION BY host) AS n FROM scope WHERE fetched),"
    " latency AS (SELECT host, max(n) AS n, max(iif(i = (n + 1) / 2, elapsed_ms, NULL)) AS median,"
    "  max(iif(i = (95 * n + 99) / 100, elapsed_ms, NULL)) AS p95 FROM ranked GROUP BY host),"
    " kinds AS (SELECT host, result, count(*) AS c FROM scope GROUP BY host, result),"
    " hosts AS (SELECT s.host, sum(s.requests) AS requests, count(*) AS links,"
    "  coalesce(l.n, 0) AS fetched, coalesce(l.median, -1) AS median, coalesce(l.p95, -1) AS p95,"
    "  sum(s.http429) AS http429, sum(s.paused_ms) AS paused_ms FROM scope s"
    "  LEFT JOIN latency l ON l.host = s.host GROUP BY s.host)"
    " SELECT h.host, h.requests, h.links, h.fetched, h.median, h.p95, h.http429, h.paused_ms,"
    "  (SELECT group_concat(c || ' ' || result, ', ') FROM (SELECT * FROM kinds"
    "   WHERE kinds.host = h.host ORDER BY rd_result_order(result))),"
    "  json_object('host', h.host, 'requests', h.requests, 'links', h.links, 'fetched', h.fetched,"
    "   'median_ms', nullif(h.median, -1), 'p95_ms', nullif(h.p95, -1), 'http429', h.http429,"
    "   'paused_ms', h.paused_ms, 'results', (SELECT json_group_object(result, c) FROM (SELECT *"
    "   FROM kinds WHERE kinds.host = h.host ORDER BY rd_result_order(result))))"
    " FROM hosts h ORDER BY h.requests DESC, h.host";

typedef struct hosts_cb {
    int (*cb)(const rd_host_stats *, void *);
    void *ud;
} hosts_cb;

static int host_row(sqlite3_stmt *st, void *ud)
{
    hosts_cb *c = ud;
    rd_host_stats h = {
        .host = RD_COL(st, 0),
        .requests = sqlite3_column_int64(st, 1),
        .links = sqlite3_column_int64(st, 2),
        .fetched = sqlite3_column_int64(st, 3),
        .median_ms = sqlite3_column_int64(st, 4),
        .p95_ms = sqlite3_column_int64(st, 5),
        .http429 = sqlite3_column_int64(st, 6),
        .paused_ms = sqlite3_column_int64(st, 7),
        .results = RD_COL(st, 8),
        .json = RD_COL(st, 9),
    };
    return c->cb(&h, c->ud);
}

int rd_db_hosts(rd_db *db, int64_t run_id, const char *since,
                int (*cb)(const rd_host_stats *, void *), void *ud, rd_error *err)
{
    sqlite3_stmt *st;
    int rc = rd_db_prepare(db, sql, &st, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
    hosts_cb c = {cb, ud};
    return rd_db_each(db, st, host_row, &c, "reading host statistics", err);
}
