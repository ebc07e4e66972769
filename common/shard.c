/* common/shard.c — FNV-1a hashes, and which shard of a sharded check run a
 * host belongs to. The hash is part of refdex's interface: shards made on
 * different machines and by different versions must agree, so it is defined
 * here once, byte by byte, and never changed. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rd.h"

uint64_t rd_fnv1a64_more(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

uint64_t rd_fnv1a64(const void *data, size_t n)
{
    return rd_fnv1a64_more(14695981039346656037ULL, data, n);
}

void rd_hash_hex(uint64_t h, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int rd_shard_of_host(const char *host, int shards)
{
    uint32_t h = 2166136261u; /* FNV-1a, 32 bits, over the host's bytes in ASCII lower case */
    for (const char *c = host ? host : ""; *c; c++)
        h = (h ^ (uint32_t)(unsigned char)tolower((unsigned char)*c)) * 16777619u;
    return shards > 0 ? (int)(h % (uint32_t)shards) : 0;
}

/* A whole number from 0 to RD_MAX_SHARDS, digits only, at text[0..n). */
static int shard_number(const char *text, size_t n, int *out)
{
    if (n == 0 || n > 4)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return v <= RD_MAX_SHARDS ? 0 : -1;
}

int rd_parse_shard(const char *text, int *k, int *n, char *why, size_t whylen)
{
    const char *slash = text ? strchr(text, '/') : NULL;
    int kk, nn;
    if (!slash || shard_number(text, (size_t)(slash - text), &kk) < 0 ||
        shard_number(slash + 1, strlen(slash + 1), &nn) < 0) {
        snprintf(why, whylen,
                 "takes K/N, whole numbers with 0 <= K < N <= %d (0/4 is the first of four)",
                 RD_MAX_SHARDS);
        return RD_EUSAGE;
    }
    if (nn < 1 || kk >= nn) {
        snprintf(why, whylen, "shards are numbered from 0 to N-1: %d/%d has no shard %d%s", kk, nn,
                 kk, kk == nn ? " (the first is 0, not 1)" : "");
        return RD_EUSAGE;
    }
    *k = kk;
    *n = nn;
    return RD_OK;
}
