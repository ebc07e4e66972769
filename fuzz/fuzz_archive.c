/* fuzz/fuzz_archive.c — libFuzzer target: the archive lookup's answer
 * (db/archive.c, SQLite's JSON functions) out of any bytes. It is refused
 * (RD_EINPUT) or read; what is read as a snapshot is an http(s) URL of
 * printable ASCII that fits its buffer, a date of the promised shape and a
 * status of three digits (2xx or 3xx) or none; nothing found leaves every
 * field empty; and a snapshot written into Markdown as fix writes it keeps
 * to one destination. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "db/archive.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static rd_db *db;

static void close_db(void)
{
    rd_db_close(db);
}

/* One database for the whole run, in a scratch file removed at once (the
 * open handle keeps it). */
static rd_db *scratch_db(void)
{
    char path[] = "/tmp/refdex-fuzz-archive-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    unlink(path);
    rd_error err = {0};
    rd_db *h = NULL;
    CHECK(rd_db_open(path, 0, &h, &err) == RD_OK);
    atexit(close_db);
    return h;
}

static int digits(const char *s, size_t n)
{
    return strspn(s, "0123456789") >= n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db)
        db = scratch_db();
    rd_archive a;
    rd_error err = {0};
    int rc = rd_archive_parse(db, (const char *)data, size, &a, &err);
    CHECK(rc == RD_OK || rc == RD_EINPUT);
    if (rc != RD_OK || !a.found) {
        CHECK(!a.found && !a.url[0] && !a.date[0] && !a.status[0]);
        return 0;
    }
    size_t n = strnlen(a.url, sizeof a.url);
    CHECK(n < sizeof a.url);
    CHECK(!strncmp(a.url, "https://", 8) || !strncmp(a.url, "http://", 7));
    for (size_t i = 0; i < n; i++)
        CHECK(a.url[i] > 0x20 && a.url[i] < 0x7f);
    const char *d = a.date; /* 2020-01-02T03:04:05Z */
    CHECK(strlen(d) == 20 && digits(d, 4) && d[4] == '-' && digits(d + 5, 2) && d[7] == '-' &&
          digits(d + 8, 2) && d[10] == 'T' && digits(d + 11, 2) && d[13] == ':' &&
          digits(d + 14, 2) && d[16] == ':' && digits(d + 17, 2) && d[19] == 'Z');
    CHECK(!a.status[0] || (strlen(a.status) == 3 && digits(a.status, 3) &&
                           (a.status[0] == '2' || a.status[0] == '3')));
    /* into Markdown as fix --archive writes it: no byte Markdown would read */
    rd_buf b = {0};
    CHECK(rd_fix_destination(a.url, &b));
    for (size_t i = 0; i < b.len; i++)
        CHECK(!strchr("()<> \t\n\r\\`", b.data[i]));
    rd_buf_free(&b);
    return 0;
}
