/* check/diff.c — the lines a `git diff -U0` changed, for check --diff. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* A number at *p (advancing it), or -1 when there is none or it is huge. */
static long number(const char **p, const char *end)
{
    long v = -1;
    for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
        v = (v < 0 ? 0 : v * 10) + (**p - '0');
        if (v > 100000000L)
            return -1;
    }
    return v;
}

/* "@@ -a[,b] +c[,d] @@": c and d (1 when not written) of a hunk header
 * line [p, end); 0 when the line is not one. */
static int hunk(const char *p, const char *end, long *c, long *d)
{
    if (end - p < 4 || memcmp(p, "@@ -", 4))
        return 0;
    p += 4;
    if (number(&p, end) < 0)
        return 0;
    if (p < end && *p == ',' && (p++, number(&p, end) < 0))
        return 0;
    if (end - p < 2 || memcmp(p, " +", 2))
        return 0;
    p += 2;
    if ((*c = number(&p, end)) < 0)
        return 0;
    *d = 1;
    if (p < end && *p == ',' && (p++, (*d = number(&p, end)) < 0))
        return 0;
    return end - p >= 3 && !memcmp(p, " @@", 3);
}

int rd_diff_lines(const char *text, size_t len, int **lines, size_t *n)
{
    size_t cap = 0;
    *lines = NULL;
    *n = 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        long c, d;
        if (hunk(p, eol, &c, &d) && d > 0) {
            if (*n == cap) {
                cap = cap ? cap * 2 : 16;
                int *grown = realloc(*lines, cap * 2 * sizeof *grown);
                if (!grown) {
                    free(*lines);
                    *lines = NULL;
                    *n = 0;
                    return RD_ENOMEM;
                }
                *lines = grown;
            }
            (*lines)[2 * *n] = (int)c;
            (*lines)[2 * *n + 1] = (int)(c + d - 1);
            (*n)++;
        }
        p = eol + 1;
    }
    return RD_OK;
}
