/* tests/harness.c — the runner behind harness.h, and every test program's main. */
#include "harness.h"

int rd_test_failures;
int rd_test_checks;

static rd_test_case *cases; /* sorted by line as they come */

void rd_test_register(rd_test_case *c)
{
    rd_test_case **at = &cases;
    while (*at && (*at)->line < c->line)
        at = &(*at)->next;
    c->next = *at;
    *at = c;
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
