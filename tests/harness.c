/* tests/harness.c — the runner behind harness.h, every test program's main,
 * and loading a catalog file. */
#include "harness.h"

#include "catalog/catalog.h"

int rd_test_failures;
int rd_test_checks;

static rd_test_case *cases; /* sorted by line as they come */
static double time_scale = 1;

void rd_test_register(rd_test_case *c)
{
    rd_test_case **at = &cases;
    while (*at && (*at)->line < c->line)
        at = &(*at)->next;
    c->next = *at;
    *at = c;
}

int64_t rd_test_max_ms(int64_t ms)
{
    return (int64_t)((double)ms * time_scale + 0.5);
}

/* Reads RD_TEST_TIME_SCALE; 0 when it is set but not a number above 0. */
static int read_time_scale(void)
{
    const char *v = getenv("RD_TEST_TIME_SCALE");
    if (!v || !*v)
        return 1;
    char *end;
    time_scale = strtod(v, &end);
    if (*end || strspn(v, "0123456789.") != strlen(v) || !(time_scale > 0) || time_scale > 1000) {
        fprintf(stderr, "RD_TEST_TIME_SCALE is a number above 0 (1, 2.5), not '%s'\n", v);
        return 0;
    }
    return 1;
}

static int run(const rd_test_case *c)
{
    int failures = rd_test_failures, checks = rd_test_checks;
    if (c->wrap)
        c->wrap(c->fn);
    else
        c->fn();
    int failed = rd_test_failures - failures;
    printf("%s %s (%d checks)\n", failed ? "FAIL" : "ok  ", c->name, rd_test_checks - checks);
    fflush(stdout);
    return failed == 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--list")) {
        for (const rd_test_case *c = cases; c; c = c->next)
            puts(c->name);
        return 0;
    }
    if (!read_time_scale())
        return 2;
    size_t passed = 0, failed = 0;
    for (const rd_test_case *c = cases; c; c = c->next) {
        if (argc > 1 && strcmp(argv[1], c->name))
            continue;
        if (run(c))
            passed++;
        else
            failed++;
    }
    if (passed + failed == 0) {
        fprintf(stderr, "no test case named '%s'\n", argc > 1 ? argv[1] : "");
        return 2;
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    return failed ? 1 : 0;
}

int rd_test_load_catalog(const char *path, rd_catalog **out, rd_error *err)
{
    char *text;
    size_t len;
    *out = NULL;
    int rc = rd_read_file(path, RD_DEFAULT_MAX_INPUT, &text, &len, err);
    if (rc < 0)
        return rc;
    rc = rd_catalog_parse(path, text, len, RD_DEFAULT_MAX_INPUT, out, err);
    free(text);
    return rc;
}
