/* common/units.c — durations and sizes as users write them ("5s", "16M"). */
#include <ctype.h>
#include <errno.h>
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
