/* cli/hosts.c — `refdex hosts`: per host, what its links cost in the last
 * run (or --run ID, or every check --since DATE): requests, median and p95
 * latency, results by kind, 429s and the time the host was paused. */
#include <stdlib.h>
#include <string.h>

#include "../db/hosts.h"
#include "cli.h"

typedef struct hosts_print {
    FILE *out;
    int format; /* 0 table, 1 tsv, 2 json */
    size_t n;
} hosts_print;

/* "12 ms", "3.4 s", or "-" when nothing was fetched. */
static void duration(char *buf, size_t n, int64_t ms)
{
    if (ms < 0)
        snprintf(buf, n, "-");
    else if (ms < 10000)
        snprintf(buf, n, "%lld ms", (long long)ms);
    else
        snprintf(buf, n, "%.1f s", ms / 1000.0);
}

static int print_host(const rd_host_stats *h, void *ud)
{
    hosts_print *p = ud;
    if (p->format == 2) {
        fprintf(p->out, "%s%s", p->n ? "," : "", h->json);
    } else if (p->format == 1) {
        fprintf(p->out, "%s\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%s\n", h->host,
                (long long)h->requests, (long long)h->links, (long long)h->fetched,
                (long long)h->median_ms, (long long)h->p95_ms, (long long)h->http429,
                (long long)h->paused_ms, h->results ? h->results : "");
    } else {
        char median[32], p95[32], paused[32];
        duration(median, sizeof median, h->median_ms);
        duration(p95, sizeof p95, h->p95_ms);
        duration(paused, sizeof paused, h->paused_ms);
        fprintf(p->out, "%-28s %8lld %9s %9s %5lld %9s  %s\n", h->host, (long long)h->requests,
                median, p95, (long long)h->http429, paused, h->results ? h->results : "");
    }
    p->n++;
    return 0;
}

int rd_cmd_hosts(rd_config *cfg)
{
    const char *fmt = cfg->format ? cfg->format : "table";
    if (rd_cli_table_format("hosts", fmt) != RD_EXIT_OK)
        return RD_EXIT_USAGE;
    int format = !strcmp(fmt, "table") ? 0 : !strcmp(fmt, "tsv") ? 1 : 2;
    if (cfg->run_id && cfg->since[0]) {
        fputs("refdex: give --run ID or --since DATE, not both\n", stderr);
        return RD_EXIT_USAGE;
    }
    rd_db *db = NULL;
    int rc = rd_cli_open_read(cfg, &db);
    if (rc != RD_EXIT_OK)
        return rc;
    rd_error err = {0};
    int e = RD_OK;
    rd_run_info info = {0};
    if (!cfg->since[0])
        e = rd_db_run_info(db, cfg->run_id, &info, &err);
    hosts_print p = {stdout, format, 0};
    if (e == RD_OK) {
        if (format == 1)
            fputs("host\trequests\tlinks\tfetched\tmedian_ms\tp95_ms\thttp429\tpaused_ms\t"
                  "results\n",
                  stdout);
        else if (format == 0)
            printf("%-28s %8s %9s %9s %5s %9s  %s\n", "HOST", "REQUESTS", "MEDIAN", "P95", "429S",
                   "PAUSED", "RESULTS");
        else
            putchar('[');
        e = rd_db_hosts(db, info.id, cfg->since[0] ? cfg->since : NULL, print_host, &p, &err);
        if (format == 2)
            puts("]");
    }
    rd_db_close(db);
    if (e < 0) {
        rd_cli_error(&err);
        return rd_exit_for(e);
    }
    if (cfg->verbosity >= 0 && format != 2) {
        if (cfg->since[0])
            fprintf(stderr, "%zu host%s, checks since %s\n", p.n, p.n == 1 ? "" : "s", cfg->since);
        else
            fprintf(stderr, "%zu host%s, run %lld\n", p.n, p.n == 1 ? "" : "s", (long long)info.id);
    }
    return RD_EXIT_OK;
}
