/* common/strmap.c — a string → int map (open addressing, FNV-1a). */
#include <stdlib.h>
#include <string.h>

#include "rd.h"

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int strmap_grow(rd_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = calloc(cap, sizeof *keys);
    int *values = malloc(cap * sizeof *values);
    if (!keys || !values) {
        free(keys);
        free(values);
        return RD_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = hash_str(m->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        values[j] = m->values[i];
    }
    free(m->keys);
    free(m->values);
    m->keys = keys;
    m->values = values;
    m->cap = cap;
    return RD_OK;
}

int rd_strmap_add(rd_strmap *m, const char *key, int value, int *existing)
{
    if ((m->len + 1) * 2 > m->cap && strmap_grow(m) < 0)
        return RD_ENOMEM;
    size_t j = hash_str(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            if (existing)
                *existing = m->values[j];
            return 0;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = key;
    m->values[j] = value;
    m->len++;
    return 1;
}

int rd_strmap_get(const rd_strmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    for (size_t j = hash_str(key) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1))
        if (strcmp(m->keys[j], key) == 0)
            return m->values[j];
    return -1;
}

void rd_strmap_free(rd_strmap *m)
{
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}
