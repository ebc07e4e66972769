/* common/units.c — durations and sizes as users write them ("5s", "16M"), and
 * as people read them ("3 s", "1 entry"). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rd.h"

int rd_parse_duration_ms(const char *text, int64_t *ms)
{
    static const struct {
        const char *unit;
        int64_t ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}, {"", 1000}};
    if (!text || !isdigit((unsigned char)text[0]))
        return RD_EUSAGE;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || v > 1000000000ULL)
        return RD_EUSAGE;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        if (strcmp(end, units[i].unit) == 0) {
            *ms = (int64_t)v * units[i].ms;
            return RD_OK;
        }
    }
    return RD_EUSAGE;
}

int rd_parse_size(const char *text, int64_t *bytes)
{
    if (!text || !isdigit((unsigned char)text[0]))
        return RD_EUSAGE;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno)
        return RD_EUSAGE;
    int shift = 0;
    switch (toupper((unsigned char)*end)) {
    case '\0': break;
    case 'K':
        shift = 10;
        end++;
        break;
    case 'M':
        shift = 20;
        end++;
        break;
    case 'G':
        shift = 30;
        end++;
        break;
    default: return RD_EUSAGE;
    }
    if ((*end == 'i' || *end == 'I') && shift)
        end++;
    if ((*end == 'B' || *end == 'b'))
        end++;
    if (*end != '\0' || v > ((unsigned long long)INT64_MAX >> shift))
        return RD_EUSAGE;
    *bytes = (int64_t)(v << shift);
    return RD_OK;
}

char *rd_duration_text(int64_t ms, char *buf, size_t n)
{
    static const struct {
        const char *unit;
        int64_t ms;
    } units[] = {{"d", 86400000}, {"h", 3600000}, {"min", 60000}, {"s", 1000}};
    if (ms < 0)
        ms = 0;
    if (ms < 1000) {
        snprintf(buf, n, "%lld ms", (long long)ms);
        return buf;
    }
    if (ms < 60000 && ms % 1000 && (ms + 50) / 100 < 600) { /* "1.5 s", not "1 s" for 1999 ms */
        int64_t tenths = (ms + 50) / 100;
        if (tenths % 10)
            snprintf(buf, n, "%lld.%lld s", (long long)(tenths / 10), (long long)(tenths % 10));
        else
            snprintf(buf, n, "%lld s", (long long)(tenths / 10));
        return buf;
    }
    /* the largest unit, and the next one down when it is not zero: "1 min 30 s" */
    if (ms < 60000)
        ms = (ms + 500) / 1000 * 1000; /* 59.96 s is a minute */
    size_t u = 0;
    while (ms < units[u].ms)
        u++;
    int64_t big = ms / units[u].ms;
    int64_t rest = u + 1 < sizeof units / sizeof *units
                       ? (ms % units[u].ms + units[u + 1].ms / 2) / units[u + 1].ms
                       : 0;
    if (u + 1 < sizeof units / sizeof *units && rest * units[u + 1].ms >= units[u].ms) {
        big++; /* 59.6 s rounds up to the next minute */
        rest = 0;
    }
    if (rest)
        snprintf(buf, n, "%lld %s %lld %s", (long long)big, units[u].unit, (long long)rest,
                 units[u + 1].unit);
    else
        snprintf(buf, n, "%lld %s", (long long)big, units[u].unit);
    return buf;
}

const char *rd_plural(long long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}
