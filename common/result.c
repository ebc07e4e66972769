/* common/result.c — link check results: names and which fail. */
#include <string.h>

#include "result.h"

static const char *const names[RD_RES_COUNT] = {[RD_RES_OK] = "ok",
                                                [RD_RES_REDIRECT] = "redirect",
                                                [RD_RES_BROKEN] = "broken",
                                                [RD_RES_TIMEOUT] = "timeout",
                                                [RD_RES_ERROR] = "error",
                                                [RD_RES_EXCLUDED] = "excluded",
                                                [RD_RES_CACHED] = "cached",
                                                [RD_RES_CANCELLED] = "cancelled",
                                                [RD_RES_RATELIMITED] = "ratelimited",
                                                [RD_RES_BLOCKED] = "blocked",
                                                [RD_RES_UNCHANGED] = "unchanged"};

const char *rd_result_name(rd_result r)
{
    return (unsigned)r < RD_RES_COUNT ? names[r] : "?";
}

int rd_result_parse(const char *name)
{
    for (int r = 0; name && r < RD_RES_COUNT; r++)
        if (!strcmp(name, names[r]))
            return r;
    return -1;
}

int rd_result_fails(rd_result r, int strict)
{
    switch (r) {
    case RD_RES_BROKEN:
    case RD_RES_ERROR: return 1;
    case RD_RES_TIMEOUT:
    case RD_RES_RATELIMITED:
    case RD_RES_CANCELLED:
    case RD_RES_BLOCKED: return strict;
    default: return 0;
    }
}

int rd_result_conclusive(rd_result r)
{
    return r != RD_RES_EXCLUDED && r != RD_RES_CACHED && r != RD_RES_CANCELLED &&
           r != RD_RES_BLOCKED && r != RD_RES_UNCHANGED && (unsigned)r < RD_RES_COUNT;
}

int rd_result_name_fails(const char *name, int strict)
{
    int r = rd_result_parse(name);
    return r >= 0 && rd_result_fails((rd_result)r, strict);
}
