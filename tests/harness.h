/* tests/harness.h — a small test runner: named cases, each runnable alone.
 *
 *   RD_TEST(name) { ... }              defines a case and registers it
 *   RD_TEST_WITH(name, wrap) { ... }   the same, run as wrap(body): a fixture
 *                                      started before and stopped after
 *
 *   ./test_x            runs every case, in the order of the source
 *   ./test_x NAME       runs one (ctest registers one test per case)
 *   ./test_x --list     prints the names
 *
 * A case's name is written once: tests/CMakeLists.txt reads the names from
 * lines that start with RD_TEST, and registered.sh fails when they are not
 * exactly what --list prints. main is in harness.c.
 *
 * CHECK prints what it checked when it fails and counts; a case fails when
 * any CHECK in it failed. */
#ifndef RD_TEST_HARNESS_H
#define RD_TEST_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rd_test_case {
    const char *name;
    void (*fn)(void);
    void (*wrap)(void (*body)(void)); /* runs the body in a fixture, or NULL */
    int line;                         /* where it is defined: the order of --list */
    struct rd_test_case *next;
} rd_test_case;

/* Adds a case to the program's list (before main, from RD_TEST's constructor). */
void rd_test_register(rd_test_case *c);

#define RD_TEST_WITH(name, wrap_fn)                                                                \
    static void rd_test_fn_##name(void);                                                           \
    static rd_test_case rd_test_case_##name = {#name, rd_test_fn_##name, wrap_fn, __LINE__, NULL}; \
    __attribute__((constructor)) static void rd_test_register_##name(void)                         \
    {                                                                                              \
        rd_test_register(&rd_test_case_##name);                                                    \
    }                                                                                              \
    static void rd_test_fn_##name(void)

#define RD_TEST(name) RD_TEST_WITH(name, NULL)

extern int rd_test_failures;
extern int rd_test_checks;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        rd_test_checks++;                                                                          \
        if (!(cond)) {                                                                             \
            rd_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        rd_test_checks++;                                                                          \
        if (a_ != b_) {                                                                            \
            rd_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a,    \
                    a_, #b, b_);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        rd_test_checks++;                                                                          \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            rd_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a,      \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                       \
        }                                                                                          \
    } while (0)

/* Stops the case at once when cond fails (the rest would crash). */
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        int ok_ = !!(cond); /* evaluated once: cond may have effects */                            \
        rd_test_checks++;                                                                          \
        if (!ok_) {                                                                                \
            rd_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond);             \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* An upper bound on elapsed wall time: ms times RD_TEST_TIME_SCALE (a number
 * above 0 from the environment, default 1), so that a slow machine or a
 * sanitizer build can allow more (RD_TEST_TIME_SCALE=3 ctest). Lower bounds
 * (a timeout must not fire early) are not scaled. */
int64_t rd_test_max_ms(int64_t ms);

struct rd_catalog;
struct rd_error;

/* Reads and parses the catalog file at path (rd_read_file, then
 * rd_catalog_parse, with the default input limit). Returns 0 or the RD_E*
 * code with err filled in; on success the caller frees *out with
 * rd_catalog_free. */
int rd_test_load_catalog(const char *path, struct rd_catalog **out, struct rd_error *err);

/* Where the test data lives (tests/); set by CMake. */
#ifndef RD_TEST_DIR
#define RD_TEST_DIR "tests"
#endif

#endif
