/* tests/test_render.c — what render/ writes for programs, checked exactly. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "render/render.h"

RD_TEST(diags_json)
{
    rd_diag d[2] = {{RD_SEV_WARNING, "missing-scheme", {45, 3}, "it's \"quoted\"\n"},
                    {RD_SEV_NOTE, "no-url", {127, 3}, "'gorm' has no link"}};
    char *json = NULL;
    rd_error err = {0};
    REQUIRE(rd_diags_json("cat\"alog.md", d, 2, &json, &err) == RD_OK);
    CHECK_STR(json, "[{\"file\":\"cat\\\"alog.md\",\"line\":45,\"col\":3,\"severity\":\"warning\","
                    "\"rule\":\"missing-scheme\",\"message\":\"it's \\\"quoted\\\"\\n\"},"
                    "{\"file\":\"cat\\\"alog.md\",\"line\":127,\"col\":3,\"severity\":\"note\","
                    "\"rule\":\"no-url\",\"message\":\"'gorm' has no link\"}]");
    free(json);
    REQUIRE(rd_diags_json("x.md", NULL, 0, &json, &err) == RD_OK);
    CHECK_STR(json, "[]");
    free(json);
}
