/* fuzz/fuzz_diff.c — libFuzzer target: the lines a `git diff -U0` changed
 * (check/diff.c, for check --diff), from any bytes git, or a hostile
 * repository's hooks or configuration, could make it print. The ranges must
 * be those of the hunk headers "@@ -A[,B] +C[,D] @@" (numbers of at most
 * 100,000,000) at the start of a line, in order, each C to C+D-1 (D is 1
 * when not written; a hunk of D = 0 changes no line of the new file), as a
 * second reading of the lines here finds them. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

/* A number of digits at *s, before end (advancing *s); -1 when none or
 * above 10^8. */
static long digits(const char **s, const char *end)
{
    if (*s == end || !isdigit((unsigned char)**s))
        return -1;
    long v = 0;
    for (; *s < end && isdigit((unsigned char)**s); (*s)++)
        if ((v = v * 10 + (**s - '0')) > 100000000)
            return -1;
    return v;
}

/* Whether [s, end) starts with the text lit. */
static int at(const char *s, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(end - s) >= n && !memcmp(s, lit, n);
}

/* The new side C, D of a hunk header line [s, end), or 0. */
static int header(const char *s, const char *end, long *c, long *d)
{
    if (!at(s, end, "@@ -"))
        return 0;
    s += 4;
    if (digits(&s, end) < 0 || (at(s, end, ",") && (++s, digits(&s, end) < 0)) || !at(s, end, " +"))
        return 0;
    s += 2;
    *d = 1;
    if ((*c = digits(&s, end)) < 0 || (at(s, end, ",") && (++s, (*d = digits(&s, end)) < 0)))
        return 0;
    return at(s, end, " @@");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    int *lines = NULL;
    size_t n = 0;
    if (rd_diff_lines(text, size, &lines, &n) != RD_OK) {
        CHECK(!lines && n == 0);
        return 0;
    }
    size_t i = 0;
    for (const char *p = text, *end = text + size; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        long c, d;
        if (header(p, eol, &c, &d) && d > 0) {
            CHECK(i < n);
            CHECK(lines[2 * i] == c && lines[2 * i + 1] == c + d - 1);
            i++;
        }
        p = eol + 1;
    }
    CHECK(i == n);
    for (size_t k = 0; k < n; k++)
        CHECK(lines[2 * k] >= 0 && lines[2 * k + 1] >= lines[2 * k]);
    free(lines);
    return 0;
}
