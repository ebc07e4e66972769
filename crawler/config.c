/* crawler/config.c — the crawler's defaults and status ranges. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "crawler.h"

void rd_crawl_opts_default(rd_crawl_opts *o)
{
    static const rd_status_range ok2xx = {200, 299};
    memset(o, 0, sizeof *o);
    o->concurrency = 128;
    o->per_host = 8;
    o->timeout_ms = 20000;
    o->retries = 2;
    o->max_bytes = 1 << 20;
    o->accept = &ok2xx;
    o->naccept = 1;
    o->user_agent = "refdex/" RD_VERSION " (link checker)";
    o->cancel_fd = -1;
}

int rd_parse_status_ranges(const char *text, rd_status_range **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 1;
    for (const char *c = text; *c; c++)
        cap += *c == ',';
    rd_status_range *r = calloc(cap, sizeof *r);
    if (!r)
        return RD_ENOMEM;
    const char *p = text;
    for (;;) {
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p || !isdigit((unsigned char)*p))
            break;
        if (end[0] == '.' && end[1] == '.') {
            p = end + 2;
            hi = strtol(p, &end, 10);
            if (end == p || !isdigit((unsigned char)*p))
                break;
        }
        if (lo < 100 || hi > 599 || lo > hi)
            break;
        r[*n].lo = (int)lo;
        r[(*n)++].hi = (int)hi;
        if (*end == '\0') {
            *out = r;
            return RD_OK;
        }
        if (*end != ',')
            break;
        p = end + 1;
    }
    free(r);
    *n = 0;
    return RD_EUSAGE;
}
