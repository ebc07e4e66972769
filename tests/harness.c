/* tests/harness.c — the runner behind harness.h. */
#include "harness.h"

int rd_test_failures;
int rd_test_checks;

static int run(const rd_test_case *c)
{
    int failures = rd_test_failures, checks = rd_test_checks;
    c->fn();
    int failed = rd_test_failures - failures;
    printf("%s %s (%d checks)\n", failed ? "FAIL" : "ok  ", c->name, rd_test_checks - checks);
    return failed == 0;
}

int rd_test_main(int argc, char **argv, const rd_test_case *cases, size_t n)
{
    if (argc > 1 && !strcmp(argv[1], "--list")) {
        for (size_t i = 0; i < n; i++)
            puts(cases[i].name);
        return 0;
    }
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (argc > 1 && strcmp(argv[1], cases[i].name))
            continue;
        if (run(&cases[i]))
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
