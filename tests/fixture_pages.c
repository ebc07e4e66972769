/* tests/fixture_pages.c — the fixture's pages for what a check reads of a
 * page (fixture.h): files of tests/data/pages at /page/NAME, the seed
 * catalog's pages at /seed/URL (tests/data/pages/seed.tsv), and a 5 MB page
 * at /big. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

enum MHD_Result rd_fixture_page(struct MHD_Connection *c, const char *url);

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, char *body, size_t len,
                              const char *ctype)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, body, body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", ctype);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result missing(struct MHD_Connection *c)
{
    static const char body[] = "no such page";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret = MHD_queue_response(c, 404, r);
    MHD_destroy_response(r);
    return ret;
}

/* A file's bytes (malloc'd) and length, or NULL. */
static char *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", RD_FIXTURE_PAGES, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            char *more = realloc(buf, cap = cap ? 2 * cap : 4096);
            if (!more)
                break;
            buf = more;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got);
    fclose(f);
    *len = n;
    return buf;
}

/* A page of about 5 MB: its title first, an id at its very end. */
static enum MHD_Result big(struct MHD_Connection *c)
{
    static const char head[] =
        "<!DOCTYPE html><html><head><title>A big page</title></head><body>\n";
    static const char para[] = "<p>Filler text that makes the page long, line after line.</p>\n";
    static const char tail[] = "<h2 id=\"the-end\">The end</h2></body></html>\n";
    size_t n = 5 * 1024 * 1024 / (sizeof para - 1);
    size_t len = sizeof head - 1 + n * (sizeof para - 1) + sizeof tail - 1;
    char *body = malloc(len), *p = body;
    if (!body)
        return MHD_NO;
    memcpy(p, head, sizeof head - 1), p += sizeof head - 1;
    for (size_t i = 0; i < n; i++)
        memcpy(p, para, sizeof para - 1), p += sizeof para - 1;
    memcpy(p, tail, sizeof tail - 1);
    return answer(c, 200, body, len, "text/html; charset=utf-8");
}

/* The seed page for key (a URL without its scheme): its title and ids. */
static enum MHD_Result seed(struct MHD_Connection *c, const char *key)
{
    size_t len;
    char *tsv = slurp("seed.tsv", &len), *body = NULL;
    for (char *line = tsv, *next; tsv && line < tsv + len && !body; line = next) {
        char *end = memchr(line, '\n', (size_t)(tsv + len - line));
        next = end ? end + 1 : tsv + len;
        if (end)
            *end = '\0';
        char *title = strchr(line, '\t'), *ids = title ? strchr(title + 1, '\t') : NULL;
        if (line[0] == '#' || !ids)
            continue;
        *title++ = '\0';
        *ids++ = '\0';
        if (strcmp(line, key))
            continue;
        size_t cap = 256 + 2 * strlen(title) + 64 * strlen(ids) + 64;
        if (!(body = malloc(cap)))
            break;
        int n = snprintf(body, cap,
                         "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title>"
                         "</head><body><h1>%s</h1>\n",
                         title, title);
        for (char *id = strtok(ids, " "); id; id = strtok(NULL, " "))
            n += snprintf(body + n, cap - (size_t)n, "<h2 id=\"%s\">%s</h2>\n", id, id);
        n += snprintf(body + n, cap - (size_t)n, "</body></html>\n");
        free(tsv);
        return answer(c, 200, body, (size_t)n, "text/html; charset=utf-8");
    }
    free(tsv);
    return missing(c);
}

enum MHD_Result rd_fixture_page(struct MHD_Connection *c, const char *url)
{
    if (!strcmp(url, "/big"))
        return big(c);
    if (!strncmp(url, "/seed/", 6))
        return seed(c, url + 6);
    const char *name = url + 6; /* /page/NAME */
    size_t len;
    char *body = strstr(name, "..") || strchr(name, '/') ? NULL : slurp(name, &len);
    /* no charset in the header: the page's own <meta charset> says it */
    return body ? answer(c, 200, body, len, "text/html") : missing(c);
}
