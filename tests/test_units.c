/* tests/test_units.c — the small pieces: UTF-8, slugs, URLs, sizes, the map. */
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "check/check.h"
#include "common/file.h"
#include "harness.h"

RD_TEST(url_normalise)
{
    static const struct {
        const char *raw, *want;
        rd_url_kind kind;
        int missing_scheme;
    } cases[] = {
        {"https://golang.org/pkg/fmt/ ", "https://golang.org/pkg/fmt/", RD_URL_WEB, 0},
        {"  HTTPS://GitHub.COM/Foo?x=1#Frag", "https://github.com/Foo?x=1#Frag", RD_URL_WEB, 0},
        {"github.com/pkg/errors", "https://github.com/pkg/errors", RD_URL_WEB, 1},
        {"www.example.org", "https://www.example.org/", RD_URL_WEB, 1},
        {"example.com:8080/x", "https://example.com:8080/x", RD_URL_WEB, 1},
        {"https://pkg.go.dev", "https://pkg.go.dev/", RD_URL_WEB, 0},
        {"http://x.org:80/a", "http://x.org/a", RD_URL_WEB, 0},
        {"https://x.org:8443/a", "https://x.org:8443/a", RD_URL_WEB, 0},
        {"http://[::1]:8080/", "http://[::1]:8080/", RD_URL_WEB, 0},
        {"mailto:a@b.example", "mailto:a@b.example", RD_URL_MAILTO, 0},
        {"docs/readme.md", "docs/readme.md", RD_URL_RELATIVE, 0},
        {"readme.md", "readme.md", RD_URL_RELATIVE, 0},
        {"../up.md", "../up.md", RD_URL_RELATIVE, 0},
        {"file:///etc/hosts", "file:///etc/hosts", RD_URL_FILE, 0},
        {"FTP://x.org/", "ftp://x.org/", RD_URL_OTHER, 0},
        {"javascript:alert(1)", NULL, RD_URL_UNSAFE, 0},
        {"JavaScript:alert(1)", NULL, RD_URL_UNSAFE, 0},
        {"data:text/html,<b>", NULL, RD_URL_UNSAFE, 0},
        {"vbscript:x", NULL, RD_URL_UNSAFE, 0},
        {"mailto:nobody", NULL, RD_URL_INVALID, 0},
        {"http://", NULL, RD_URL_INVALID, 0},
        {"https://exa mple.com/", NULL, RD_URL_INVALID, 0},
        {"", NULL, RD_URL_INVALID, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rd_url_info info;
        REQUIRE(rd_url_normalise(cases[i].raw, &info) == RD_OK);
        if (info.kind != cases[i].kind)
            fprintf(stderr, "  for '%s':\n", cases[i].raw);
        CHECK_INT(info.kind, cases[i].kind);
        CHECK_INT(info.missing_scheme, cases[i].missing_scheme);
        if (cases[i].want)
            CHECK_STR(info.normalised, cases[i].want);
        else
            CHECK(info.normalised == NULL);
        if (cases[i].kind == RD_URL_INVALID)
            CHECK(info.error[0] != '\0');
        free(info.normalised);
    }
}

RD_TEST(slugs)
{
    static const struct {
        const char *name, *slug;
    } cases[] = {
        {"3rd pkg", "3rd-pkg"},
        {"Advanced Console UIs", "advanced-console-uis"},
        {"  Go's  --  tools!  ", "gos-tools"},
        {"网络", "u7f51-u7edc"},
        {"数据库", "u6570-u636e-u5e93"},
        {"Go 每日一库", "go-u6bcf-u65e5-u4e00-u5e93"},
        {"Café", "caf-ue9"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rd_buf b = {0};
        rd_slugify(cases[i].name, &b);
        CHECK_STR(b.data ? b.data : "", cases[i].slug);
        rd_buf_free(&b);
    }
}

RD_TEST(utf8)
{
    uint32_t cp = 0;
    CHECK_INT(rd_utf8_decode((const unsigned char *)"A", 1, &cp), 1);
    CHECK_INT(cp, 'A');
    CHECK_INT(rd_utf8_decode((const unsigned char *)"\xe7\xbd\x91", 3, &cp), 3);
    CHECK_INT(cp, 0x7f51);
    CHECK_INT(rd_utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
    CHECK_INT(cp, 0x1f600);
    CHECK_INT(rd_utf8_decode((const unsigned char *)"\xe7\xbd", 2, &cp), 0);     /* cut short */
    CHECK_INT(rd_utf8_decode((const unsigned char *)"\xc0\x80", 2, &cp), 0);     /* overlong */
    CHECK_INT(rd_utf8_decode((const unsigned char *)"\xed\xb0\x80", 3, &cp), 0); /* surrogate */
    CHECK_INT(rd_utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", 4, &cp), 0);
    CHECK_INT(rd_utf8_decode((const unsigned char *)"\x80", 1, &cp), 0);
    CHECK(rd_is_cjk(0x65e5) && rd_is_cjk(0xac00) && !rd_is_cjk('a') && !rd_is_cjk(0xe9));
}

RD_TEST(sizes)
{
    int64_t v = 0;
    CHECK(rd_parse_size("512", &v) == RD_OK && v == 512);
    CHECK(rd_parse_size("64K", &v) == RD_OK && v == 65536);
    CHECK(rd_parse_size("16M", &v) == RD_OK && v == 16 << 20);
    CHECK(rd_parse_size("1GiB", &v) == RD_OK && v == 1 << 30);
    CHECK(rd_parse_size("2mb", &v) == RD_OK && v == 2 << 20);
    CHECK(rd_parse_size("", &v) == RD_EUSAGE);
    CHECK(rd_parse_size("-1", &v) == RD_EUSAGE);
    CHECK(rd_parse_size("12Q", &v) == RD_EUSAGE);
    CHECK(rd_parse_size("99999999999999999999", &v) == RD_EUSAGE);
    CHECK(rd_parse_size("99999999999G", &v) == RD_EUSAGE);
}

/* Durations as people read them: the unit a person would pick, a tenth of a
 * second below a minute, and the next unit down when it is not zero. */
RD_TEST(duration_text)
{
    static const struct {
        int64_t ms;
        const char *text;
    } cases[] = {{0, "0 ms"},       {5, "5 ms"},           {999, "999 ms"},
                 {1000, "1 s"},     {1500, "1.5 s"},       {3000, "3 s"},
                 {3005, "3 s"},     {1999, "2 s"},         {20000, "20 s"},
                 {59960, "1 min"},  {60000, "1 min"},      {90000, "1 min 30 s"},
                 {119999, "2 min"}, {3600000, "1 h"},      {5400000, "1 h 30 min"},
                 {86400000, "1 d"}, {90000000, "1 d 1 h"}, {-4, "0 ms"}};
    char buf[32];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK_STR(rd_duration_text(cases[i].ms, buf, sizeof buf), cases[i].text);
    CHECK_STR(rd_plural(1, "entry", "entries"), "entry");
    CHECK_STR(rd_plural(0, "entry", "entries"), "entries");
    CHECK_STR(rd_plural(2, "link", "links"), "links");
}

RD_TEST(strmap)
{
    rd_strmap m = {0};
    char keys[1000][8];
    for (int i = 0; i < 1000; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        CHECK_INT(rd_strmap_add(&m, keys[i], i, NULL), 1);
    }
    int existing = -1;
    CHECK_INT(rd_strmap_add(&m, "k500", 7, &existing), 0);
    CHECK_INT(existing, 500);
    CHECK_INT(m.len, 1000);
    CHECK_INT(rd_strmap_get(&m, "k999"), 999);
    CHECK_INT(rd_strmap_get(&m, "k1000"), -1);
    rd_strmap_free(&m);
}

static char *slurp(const char *path)
{
    char *data;
    size_t len;
    rd_error err;
    return rd_read_file(path, 0, &data, &len, &err) == RD_OK ? data : NULL;
}

/* Replacing a file: never over an edit made since it was read, never a file
 * marked read-only, and the mode kept. */
RD_TEST(replace_file)
{
    char path[300];
    snprintf(path, sizeof path, "%s/replace.md", RD_BINARY_DIR);
    rd_error err = {0};
    REQUIRE(rd_write_file(path, "one\n", 4, 0, NULL, &err) == RD_OK);
    chmod(path, 0640);
    rd_stamp read;
    rd_stamp_of(path, &read);
    CHECK(read.valid && read.size == 4);
    REQUIRE(rd_write_file(path, "two\n", 4, RD_REPLACE_FOLLOW, &read, &err) == RD_OK);
    char *got = slurp(path);
    CHECK_STR(got, "two\n");
    free(got);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
    /* someone edits it after it was read (read is stale now): theirs stays */
    rd_stamp_of(path, &read);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("their edit\n", f);
    fclose(f);
    CHECK_INT(rd_write_file(path, "mine\n", 5, RD_REPLACE_FOLLOW, &read, &err), RD_EINPUT);
    CHECK(strstr(err.msg, "changed since refdex read it") != NULL);
    got = slurp(path);
    CHECK_STR(got, "their edit\n");
    free(got);
    /* marked read-only: refused, left as it is */
    chmod(path, 0444);
    CHECK_INT(rd_write_file(path, "mine\n", 5, RD_REPLACE_FOLLOW, NULL, &err), RD_EINPUT);
    CHECK(strstr(err.msg, "marked read-only") != NULL);
    got = slurp(path);
    CHECK_STR(got, "their edit\n");
    free(got);
    chmod(path, 0644);
    unlink(path);
}

/* The shard of a host is part of refdex's interface (shards made on other
 * machines and by other versions must agree): FNV-1a as published (its test
 * vectors), over the host lower-cased, modulo N. */
RD_TEST(shard_hash_is_fixed)
{
    CHECK(rd_fnv1a64("", 0) == 0xcbf29ce484222325ULL);
    CHECK(rd_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cULL);
    CHECK(rd_fnv1a64("foobar", 6) == 0x85944171f73967e8ULL);
    /* 32 bits: "a" is 0xe40c292c, "127.0.0.1" 0x08a3d11e, "" 0x811c9dc5 */
    CHECK_INT(rd_shard_of_host("a", 1000), (int)(0xe40c292cu % 1000));
    CHECK_INT(rd_shard_of_host("127.0.0.1", 4), 2);
    CHECK_INT(rd_shard_of_host("127.0.0.3", 4), 0);
    CHECK_INT(rd_shard_of_host("", 4), (int)(0x811c9dc5u % 4));
    CHECK_INT(rd_shard_of_host("GitHub.COM", 7), rd_shard_of_host("github.com", 7));
    /* the host of a URL, whatever its path, port or case; none for mail and files */
    CHECK_INT(rd_shard_of_url("https://github.com/a", 16), rd_shard_of_host("github.com", 16));
    CHECK_INT(rd_shard_of_url("https://github.com:8443/b?q#f", 16),
              rd_shard_of_host("github.com", 16));
    CHECK_INT(rd_shard_of_url("mailto:a@b.example", 16), rd_shard_of_host("", 16));
    CHECK_INT(rd_shard_of_url("docs/readme.md", 16), rd_shard_of_host("", 16));
    CHECK_INT(rd_shard_of_url("https://github.com/a", 1), 0);
}

RD_TEST(shard_parse)
{
    int k = -1, n = -1;
    char why[200];
    CHECK_INT(rd_parse_shard("0/4", &k, &n, why, sizeof why), RD_OK);
    CHECK_INT(k, 0);
    CHECK_INT(n, 4);
    CHECK_INT(rd_parse_shard("999/1000", &k, &n, why, sizeof why), RD_OK);
    CHECK_INT(k, 999);
    static const char *const bad[] = {"4/4", "1/0",  "0/1001", "-1/4", "1", "/4",     "1/",
                                      "a/b", "1/4x", " 1/4",   "1/+4", "",  "00001/4"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_INT(rd_parse_shard(bad[i], &k, &n, why, sizeof why), RD_EUSAGE);
    rd_parse_shard("4/4", &k, &n, why, sizeof why);
    CHECK(strstr(why, "the first is 0, not 1") != NULL);
}
