/* fuzz/fuzz_repos.c — libFuzzer target: repository links and the forges'
 * API answers. The first byte picks what the rest is:
 *   0  a URL: a repository it names (catalog/repo.c) has a name a forge
 *      could give, its key is that name lower-cased, and the link written
 *      back with the name (rd_repo_url + the rest) names the same one;
 *   1  GitHub's GraphQL answer for the aliases r0..r2 (a/b, c/old, gone/x);
 *   2, 3, 4  a REST answer (GitHub, GitLab, Codeberg) for one repository,
 *      its second byte the HTTP status's last two digits (200, 404...).
 * An answer, stored (db/repos.c, read by SQLite's JSON functions), may only
 * add repositories whose names pass rd_repo_name_valid, whose counts are
 * whole numbers not below 0 and whose last push is ISO 8601 in UTC, linked
 * from names that were asked; no stored name may hold Markdown. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/repo.h"
#include "db/internal.h"
#include "db/repos.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_url(const char *url)
{
    rd_repo_ref r;
    char key[RD_REPO_NAME_MAX + 16];
    rd_repo_key(url, key, sizeof key);
    if (!rd_repo_of_url(url, &r)) {
        CHECK(key[0] == '\0');
        return;
    }
    CHECK(rd_repo_name_valid(r.forge, r.name));
    CHECK(r.rest <= strlen(url));
    const char *forge = rd_forge_name(r.forge);
    CHECK(!strncmp(key, forge, strlen(forge)) && key[strlen(forge)] == ':');
    CHECK(!strcasecmp(key + strlen(forge) + 1, r.name));
    for (const char *k = key; *k; k++)
        CHECK(!(*k >= 'A' && *k <= 'Z'));
    char back[RD_REPO_NAME_MAX + 64 + 4096];
    rd_repo_url(r.forge, r.name, back, sizeof back);
    if (strlen(back) + strlen(url + r.rest) >= sizeof back)
        return;
    strcat(back, url + r.rest);
    rd_repo_ref again;
    CHECK(rd_repo_of_url(back, &again));
    CHECK(again.forge == r.forge);
    CHECK(!strcmp(again.name, r.name) || (r.forge == RD_FORGE_GITLAB && again.name[0]));
}

/* How many stored rows break the promises in the header comment. */
static int broken_rows(rd_db *db)
{
    static const char sql[] =
        "SELECT (SELECT count(*) FROM repos WHERE NOT rd_repo_name_ok(forge, name)"
        "  OR name GLOB '*[][()<>`* \\]*' OR stars < 0 OR forks < 0"
        "  OR typeof(stars) NOT IN ('integer', 'null') OR typeof(forks) NOT IN ('integer', 'null')"
        "  OR (pushed_at IS NOT NULL AND pushed_at NOT GLOB"
        "   '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'))"
        " + (SELECT count(*) FROM repo_links WHERE key NOT IN ('github:a/b', 'github:c/old',"
        "  'github:gone/x', 'gitlab:g/s/p', 'codeberg:o/r'))";
    sqlite3_stmt *st;
    CHECK(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = malloc(size);
    CHECK(text);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    int mode = data[0] % 5;
    if (mode == 0) {
        check_url(text);
        free(text);
        return 0;
    }
    static rd_db *db;
    rd_error err = {0};
    if (!db)
        CHECK(rd_db_open(":memory:", 0, &db, &err) == RD_OK);
    CHECK(rd_db_exec(db, "DELETE FROM repo_links; DELETE FROM repos;", &err) == RD_OK);
    if (mode == 1) {
        rd_repo_want batch[] = {{RD_FORGE_GITHUB, "github:a/b", "a/b"},
                                {RD_FORGE_GITHUB, "github:c/old", "c/old"},
                                {RD_FORGE_GITHUB, "github:gone/x", "gone/x"}};
        for (size_t i = 0; i < 3; i++)
            batch[i].name = batch[i].key + 7;
        size_t bad = 0;
        int rc = rd_repos_answer_graphql(db, text, strlen(text), batch, 3, &bad, &err);
        CHECK(rc == RD_OK || rc == RD_EINPUT);
        CHECK(bad <= 3);
    } else {
        static const rd_repo_want one[] = {{RD_FORGE_GITHUB, "github:c/old", "c/old"},
                                           {RD_FORGE_GITLAB, "gitlab:g/s/p", "g/s/p"},
                                           {RD_FORGE_CODEBERG, "codeberg:o/r", "o/r"}};
        int status = size > 1 && data[1] % 2 ? 404 : 200;
        int rc = rd_repos_answer_rest(db, &one[mode - 2], status, text + (size > 1),
                                      strlen(text + (size > 1)), &err);
        CHECK(rc == RD_OK || rc == RD_EINPUT);
    }
    rd_repos_stored c = {0};
    CHECK(rd_repos_store(db, &c, &err) == RD_OK);
    CHECK(broken_rows(db) == 0);
    free(text);
    return 0;
}
