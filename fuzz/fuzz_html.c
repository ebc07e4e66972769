/* fuzz/fuzz_html.c — libFuzzer target: the HTML writer (render/) on any
 * catalog and any check results. The input is Markdown, then optionally a
 * line "%%" and one check a line, "RESULT<tab>STATUS<tab>FINAL-URL<tab>ERROR",
 * given to the catalog's URLs in turn. The catalog is ingested into an
 * in-memory database, the checks stored, the site rendered into a scratch
 * folder; then every page must parse with libxml2 and hold only elements and
 * attributes of an allow-list, links only to http, https and mailto URLs or
 * relative ones, one script and one style sheet, always the same. The site
 * is rendered with its sections written out an entry at a time (its rows
 * read ahead in a thread of their own and handed over a row at a time), and
 * again with each section whole (the rows read in the thread that writes):
 * every file must have the same bytes. */
#include <dirent.h>
#include <ftw.h>
#include <libxml/HTMLparser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "db/checks.h"
#include "db/ingest.h"
#include "render/render.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_html: %s failed\n", #cond);                                      \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static char scratch[4096], site[4096], whole[4096];
static char *script_seen, *style_seen; /* the first page's: every page has the same */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* The scratch folder goes when the fuzzer exits. */
static void remove_scratch(void)
{
    nftw(scratch, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(scratch, sizeof scratch, "%s/refdex-fuzz-html-XXXXXX", tmp);
    CHECK(mkdtemp(scratch));
    snprintf(site, sizeof site, "%s/site", scratch);
    snprintf(whole, sizeof whole, "%s/whole", scratch);
    atexit(remove_scratch);
    return 0;
}

/* ---- the allow-list ---- */

static const char *const elements[] = {
    "a",      "base",   "blockquote", "body",    "br",    "code",   "details", "div",
    "em",     "h1",     "h2",         "h3",      "h4",    "h5",     "h6",      "head",
    "header", "hr",     "html",       "img",     "input", "li",     "main",    "meta",
    "nav",    "ol",     "option",     "p",       "pre",   "script", "section", "select",
    "span",   "strong", "style",      "summary", "time",  "title",  "ul"};

/* attribute, and the only element it may sit on ("" for any) */
static const char *const attributes[][2] = {{"class", ""},          {"id", ""},
                                            {"title", ""},          {"hidden", ""},
                                            {"role", "p"},          {"lang", "html"},
                                            {"aria-label", ""},     {"href", "a"},
                                            {"charset", "meta"},    {"content", "meta"},
                                            {"http-equiv", "meta"}, {"name", "meta"},
                                            {"type", "input"},      {"placeholder", "input"},
                                            {"value", "option"},    {"data-match", "option"},
                                            {"data-search", "li"},  {"data-status", "li"},
                                            {"data-stars", "li"},   {"data-pushed", "li"},
                                            {"start", "ol"},        {"datetime", "time"},
                                            {"src", "img"},         {"alt", "img"},
                                            {"loading", "img"},     {"referrerpolicy", "img"}};

static int listed(const char *const *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], name))
            return 1;
    return 0;
}

static int attribute_allowed(const char *el, const char *attr)
{
    if (!strcmp(el, "base") && !strcmp(attr, "href"))
        return 1;
    for (size_t i = 0; i < sizeof attributes / sizeof *attributes; i++)
        if (!strcmp(attributes[i][0], attr))
            return !attributes[i][1][0] || !strcmp(attributes[i][1], el);
    return 0;
}

/* A URL a browser would follow: no scheme (relative), or http, https or
 * mailto. As browsers read it: leading spaces and controls dropped, tabs and
 * newlines dropped anywhere, and a scheme is a letter, then letters, digits,
 * '+', '-' or '.', up to a ':' (anything else there makes it relative). */
static int safe_url(const char *url)
{
    char scheme[16];
    size_t n = 0;
    const unsigned char *c = (const unsigned char *)url;
    while (*c && *c <= 0x20)
        c++;
    for (; *c != ':'; c++) {
        if (*c == '\t' || *c == '\n' || *c == '\r')
            continue;
        int alpha = (*c | 0x20) >= 'a' && (*c | 0x20) <= 'z';
        int other = (*c >= '0' && *c <= '9') || *c == '+' || *c == '-' || *c == '.';
        if (!(alpha || (n && other)) || n + 1 == sizeof scheme)
            return 1; /* not a scheme: a relative address */
        scheme[n++] = (char)(alpha ? *c | 0x20 : *c);
    }
    scheme[n] = '\0';
    if (!n) /* ":..." has no scheme either */
        return 1;
    return !strcmp(scheme, "http") || !strcmp(scheme, "https") || !strcmp(scheme, "mailto");
}

static void same_as_first(char **first, const xmlChar *text)
{
    const char *t = text ? (const char *)text : "";
    if (!*first)
        CHECK((*first = strdup(t)));
    else
        CHECK(!strcmp(*first, t));
}

static void check_page(const char *path)
{
    htmlDocPtr doc =
        htmlReadFile(path, "UTF-8", HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    CHECK(doc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    CHECK(root && !xmlStrcmp(root->name, BAD_CAST "html"));
    int scripts = 0, styles = 0;
    for (xmlNodePtr n = root; n;) {
        if (n->type == XML_ELEMENT_NODE) {
            const char *el = (const char *)n->name;
            if (!listed(elements, sizeof elements / sizeof *elements, el))
                fprintf(stderr, "fuzz_html: %s: <%s> is not allowed\n", path, el);
            CHECK(listed(elements, sizeof elements / sizeof *elements, el));
            for (xmlAttrPtr a = n->properties; a; a = a->next) {
                const char *name = (const char *)a->name;
                xmlChar *v = xmlGetProp(n, a->name);
                const char *value = v ? (const char *)v : "";
                int url = !strcmp(name, "href") || !strcmp(name, "src");
                if (!attribute_allowed(el, name) || (url && !safe_url(value)))
                    fprintf(stderr, "fuzz_html: %s: <%s %s=\"%s\"> is not allowed\n", path, el,
                            name, value);
                CHECK(attribute_allowed(el, name));
                if (url)
                    CHECK(safe_url(value));
                if (!strcmp(name, "src")) /* an image only from the web (--remote-images) */
                    CHECK(v && (!strncmp((char *)v, "https://", 8) ||
                                !strncmp((char *)v, "http://", 7)));
                xmlFree(v);
            }
            if (!strcmp(el, "script") || !strcmp(el, "style")) {
                xmlChar *text = xmlNodeGetContent(n);
                same_as_first(el[1] == 'c' ? &script_seen : &style_seen, text);
                xmlFree(text);
                *(el[1] == 'c' ? &scripts : &styles) += 1;
            }
        }
        /* document order without recursion */
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent == (xmlNodePtr)doc ? NULL : n->parent;
        n = n ? n->next : NULL;
    }
    CHECK(scripts <= 1 && styles == 1);
    xmlFreeDoc(doc);
}

static void check_site(void)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/index.html", site);
    check_page(path);
    snprintf(path, sizeof path, "%s/c", site);
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/c/%s", site, e->d_name);
        check_page(path);
    }
    if (d)
        closedir(d);
}

/* A file's bytes (NULL when it cannot be read); the caller frees them. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0;
    *len = 0;
    for (size_t got = 1; f && got;) {
        if (*len == cap) {
            char *more = realloc(data, cap = cap ? 2 * cap : 1 << 16);
            CHECK(more);
            data = more;
        }
        got = fread(data + *len, 1, cap - *len, f);
        *len += got;
    }
    if (f)
        fclose(f);
    return data;
}

/* A file of the site has the same bytes in the whole-section site. */
static int same_as_whole(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag != FTW_F)
        return 0;
    char other[8192];
    snprintf(other, sizeof other, "%s%s", whole, path + strlen(site));
    size_t n, m;
    char *a = slurp(path, &n), *b = slurp(other, &m);
    CHECK(a && b && n == m && !memcmp(a, b, n));
    free(a);
    free(b);
    return 0;
}

/* ---- the input: a catalog, then checks ---- */

static const char *checks_part(const char *s, size_t len, size_t *mdlen)
{
    for (size_t i = 0; i + 2 <= len; i++)
        if ((i == 0 || s[i - 1] == '\n') && s[i] == '%' && s[i + 1] == '%' &&
            (i + 2 == len || s[i + 2] == '\n')) {
            *mdlen = i;
            return i + 3 <= len ? s + i + 3 : s + len;
        }
    *mdlen = len;
    return NULL;
}

/* The next field of a tab-separated line, cut in place. */
static char *field(char **p)
{
    char *f = *p, *end = f + strcspn(f, "\t");
    *p = *end ? end + 1 : end;
    *end = '\0';
    return f;
}

static void store_checks(rd_db *db, const char *text, size_t len)
{
    rd_target *t = NULL;
    size_t nt = 0;
    rd_error err;
    CHECK(rd_db_targets(db, 0, &t, &nt, &err) == RD_OK);
    rd_run_options ro = {0};
    int64_t run;
    CHECK(rd_db_run_begin(db, &ro, t, nt, &run, &err) == RD_OK);
    char *copy = strndup(text, len), *line = copy;
    CHECK(copy);
    for (size_t i = 0; i < nt && line && *line; i++) {
        char *nl = strchr(line, '\n'), *p = line;
        if (nl)
            *nl = '\0';
        const char *res = field(&p), *status = field(&p), *final = field(&p), *why = field(&p);
        if (rd_result_parse(res) >= 0) {
            rd_check_row c = {.result = res,
                              .status_code = atoi(status),
                              .final_url = *final ? final : NULL,
                              .error = *why ? why : NULL};
            CHECK(rd_db_check_add(db, run, t[i].url_id, &c, &err) == RD_OK);
        }
        line = nl ? nl + 1 : NULL;
    }
    free(copy);
    CHECK(rd_db_run_end(db, run, "completed", &err) == RD_OK);
    rd_targets_free(t, nt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t mdlen;
    const char *checks = checks_part(text, size, &mdlen);
    rd_catalog *cat = NULL;
    rd_error err;
    if (rd_catalog_parse("fuzz.md", text, mdlen, 0, &cat, &err) != RD_OK)
        return 0;
    rd_db *db = NULL;
    CHECK(rd_db_open(":memory:", 0, &db, &err) == RD_OK);
    rd_ingest_stats st;
    CHECK(rd_db_ingest(db, cat, text, mdlen, RD_INGEST_REPLACE, &st, &err) == RD_OK);
    if (checks)
        store_checks(db, checks, (size_t)(text + size - checks));
    rd_render_opts o = {
        .force = 1, .remote_images = (int)(size & 1), .section_every = 1, .read_chunk = 1};
    int rc = rd_render_site_with(db, site, &o, &err);
    if (rc != RD_OK)
        fprintf(stderr, "fuzz_html: %s\n", err.msg);
    CHECK(rc == RD_OK);
    check_site();
    o.section_every = SIZE_MAX;
    o.one_thread = 1;
    CHECK(rd_render_site_with(db, whole, &o, &err) == RD_OK);
    nftw(site, same_as_whole, 16, FTW_PHYS);
    rd_db_close(db);
    rd_catalog_free(cat);
    return 0;
}
