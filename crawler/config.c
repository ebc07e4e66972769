/* crawler/config.c — the crawler's defaults and status ranges. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

const rd_host_rule *rd_host_rule_for(const rd_crawl_opts *o, const char *host)
{
    for (size_t i = 0; host && i < o->nhosts; i++)
        if (!strcasecmp(o->hosts[i].host, host))
            return &o->hosts[i];
    return NULL;
}

char *rd_expand_env(const char *text, char *missing, size_t cap)
{
    rd_buf out = {0};
    int set = 1;
    for (const char *p = text; set && *p;) {
        const char *end = p[0] == '$' && p[1] == '{' ? strchr(p + 2, '}') : NULL;
        if (!end || end == p + 2) {
            rd_buf_putc(&out, *p++);
            continue;
        }
        char *name = strndup(p + 2, (size_t)(end - p - 2));
        const char *v = name ? getenv(name) : NULL;
        if (name && !v && missing)
            snprintf(missing, cap, "%s", name);
        if (v)
            rd_buf_puts(&out, v);
        set = v != NULL;
        free(name);
        p = end + 1;
    }
    if (!set || out.oom) {
        rd_buf_free(&out);
        return NULL;
    }
    return rd_buf_take(&out);
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
        if (lo < 100 || hi > 999 || lo > hi) /* 999: LinkedIn's wall */
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
