/* check/findings.c — what is wrong with a page that answered (DESIGN:
 * "Findings"): a #fragment that names nothing on it, link text that shares
 * nothing with what the page says it is, a "not found" page served as 200,
 * a canonical URL on another host. Warnings on a check, never its result. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check.h"

/* ---- words ---- */

enum { MAX_WORDS = 96, WORD_MAX = 64 };

typedef struct words {
    char w[MAX_WORDS][WORD_MAX];
    int cjk[MAX_WORDS]; /* one CJK character (kept apart: CJK has no spaces) */
    size_t n;
    char squashed[2048]; /* every word and character, lower case, nothing between */
    size_t len;
    int any_cjk;
} words;

/* Han, kana and hangul: each character is a unit of its own. */
static int is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x2FDF) || (c >= 0x3040 && c <= 0x30FF) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x2FFFF);
}

/* Punctuation and separators outside ASCII: general punctuation, CJK
 * symbols and punctuation, full-width forms' punctuation, Latin-1's. */
static int is_separator(uint32_t c)
{
    return c < 0x80
               ? !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
               : (c >= 0x80 && c <= 0xBF) || c == 0xD7 || c == 0xF7 ||
                     (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
                     (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || c == 0xFFFD;
}

static void squash(words *w, const char *s, size_t n)
{
    if (w->len + n < sizeof w->squashed) {
        memcpy(w->squashed + w->len, s, n);
        w->len += n;
        w->squashed[w->len] = '\0';
    }
}

static void end_word(words *w, char *cur, size_t *len)
{
    if (*len && w->n < MAX_WORDS) {
        cur[*len] = '\0';
        memcpy(w->w[w->n], cur, *len + 1);
        w->cjk[w->n++] = 0;
        squash(w, cur, *len);
    }
    *len = 0;
}

/* Splits text into lower-case words at punctuation and separators (- _ /
 * . and spaces among them), each CJK character a word of its own. */
static void split(words *w, const char *text)
{
    char cur[WORD_MAX];
    size_t len = 0;
    const unsigned char *p = (const unsigned char *)text;
    size_t left = text ? strlen(text) : 0;
    while (left) {
        uint32_t c;
        int k = rd_utf8_decode(p, left, &c);
        if (k <= 0) {
            c = 0xFFFD;
            k = 1;
        }
        if (is_cjk(c)) {
            end_word(w, cur, &len);
            if (w->n < MAX_WORDS) {
                memcpy(w->w[w->n], p, (size_t)k);
                w->w[w->n][k] = '\0';
                w->cjk[w->n++] = 1;
                squash(w, (const char *)p, (size_t)k);
                w->any_cjk = 1;
            }
        } else if (is_separator(c)) {
            end_word(w, cur, &len);
        } else if (len + (size_t)k < WORD_MAX) {
            for (int i = 0; i < k; i++)
                cur[len++] = k == 1 && p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] + 32) : (char)p[i];
        }
        p += k;
        left -= (size_t)k;
    }
    end_word(w, cur, &len);
}

/* Words that say nothing of which page a link names. */
static int generic(const char *w)
{
    static const char *const list[] = {"a",         "an",
                                       "and",       "the",
                                       "of",        "for",
                                       "in",        "on",
                                       "to",        "with",
                                       "by",        "is",
                                       "go",        "golang",
                                       "lang",      "github",
                                       "gitlab",    "library",
                                       "libraries", "lib",
                                       "package",   "packages",
                                       "pkg",       "docs",
                                       "doc",       "documentation",
                                       "www",       "com",
                                       "org",       "io",
                                       "net",       "dev",
                                       "http",      "https",
                                       "html",      "htm",
                                       "index",     "page",
                                       "home",      "blog",
                                       "site",      "official",
                                       "master",    "main",
                                       "tree",      "blob",
                                       "readme",    "md",
                                       "post",      "posts",
                                       "article",   "en",
                                       "cn",        "api",
                                       "reference", "tutorial",
                                       "guide",     "example",
                                       "examples",  "using",
                                       "use",       "how",
                                       "about",     "introduction",
                                       "intro",     "overview",
                                       "project",   "tool",
                                       "tools",     "framework",
                                       "code",      "source",
                                       "src",       "v1",
                                       "v2",        "v3"};
    for (size_t i = 0; i < sizeof list / sizeof *list; i++)
        if (!strcmp(w, list[i]))
            return 1;
    return 0;
}

/* ---- title-mismatch ---- */

static int has_word(const words *h, const char *w)
{
    for (size_t i = 0; i < h->n; i++)
        if (!h->cjk[i] && !strcmp(h->w[i], w))
            return 1;
    return 0;
}

/* Whether one of the link's words (or two CJK characters in a row of it, or
 * its only one) is in what the page says. */
static int shares(const words *l, const words *h)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->cjk[i]) {
            char pair[2 * WORD_MAX];
            int alone = (i == 0 || !l->cjk[i - 1]) && (i + 1 == l->n || !l->cjk[i + 1]);
            if (alone && strstr(h->squashed, l->w[i]))
                return 1;
            if (i + 1 < l->n && l->cjk[i + 1]) {
                snprintf(pair, sizeof pair, "%s%s", l->w[i], l->w[i + 1]);
                if (strstr(h->squashed, pair))
                    return 1;
            }
            continue;
        }
        const char *w = l->w[i];
        if (generic(w) || strlen(w) < 2)
            continue;
        if (has_word(h, w) || (strlen(w) >= 3 && strstr(h->squashed, w)))
            return 1;
        /* the page's name run together inside the link's word ("gopacket") */
        for (size_t j = 0; j < h->n; j++)
            if (!h->cjk[j] && strlen(h->w[j]) >= 4 && !generic(h->w[j]) && strstr(w, h->w[j]))
                return 1;
    }
    return 0;
}

/* What can be judged: a word that is not generic, or CJK characters when the
 * page has some too (a Chinese name for an English page is not a mismatch). */
static int judgeable(const words *l, const words *h)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->cjk[i] ? h->any_cjk : !generic(l->w[i]) && strlen(l->w[i]) >= 2)
            return 1;
    return 0;
}

/* The path of a URL ("" when it has none), into out. */
static void url_part(const char *url, CURLUPart part, char *out, size_t outsz)
{
    out[0] = '\0';
    CURLU *u = curl_url();
    char *v = NULL;
    if (u && !curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) &&
        !curl_url_get(u, part, &v, part == CURLUPART_PATH ? CURLU_URLDECODE : 0))
        snprintf(out, outsz, "%s", v);
    curl_free(v);
    curl_url_cleanup(u);
}

int rd_title_mismatch(const char *text, const char *title, const char *og_title, const char *path)
{
    if ((!title || !*title) && (!og_title || !*og_title))
        return 0; /* the page says nothing of itself */
    words l = {0}, h = {0};
    split(&l, text);
    split(&h, title);
    split(&h, og_title);
    split(&h, path);
    return judgeable(&l, &h) && !shares(&l, &h);
}

/* ---- soft-404 ---- */

static int says_not_found(const char *s)
{
    static const char *const phrases[] = {"not found",
                                          "page not found",
                                          "does not exist",
                                          "doesn't exist",
                                          "no such page",
                                          "page missing",
                                          "page cannot be found",
                                          "page could not be found",
                                          "error 404",
                                          "404 error",
                                          "页面不存在",
                                          "找不到",
                                          "页面未找到",
                                          "未找到页面",
                                          "网页不存在"};
    if (!s || !*s)
        return 0;
    for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++)
        if (strcasestr(s, phrases[i]))
            return 1;
    /* "404", "404 - Example", "404 | Site" */
    return !strncmp(s, "404", 3) && (s[3] == '\0' || s[3] == ' ' || s[3] == ':');
}

static int login_path(const char *p)
{
    static const char *const login[] = {"login", "log-in", "signin", "sign-in", "sign_in", "/auth"};
    for (size_t i = 0; i < sizeof login / sizeof *login; i++)
        if (strcasestr(p, login[i]))
            return 1;
    return 0;
}

/* Why the page is a "not found" page served as a success, or NULL. */
static const char *soft_404(const char *url, const char *final_url, const rd_page *p, char *buf,
                            size_t n)
{
    if (says_not_found(p->title)) {
        snprintf(buf, n, "answered 200, but its title says \"%s\"", p->title);
        return buf;
    }
    if (says_not_found(p->heading)) {
        snprintf(buf, n, "answered 200, but its heading says \"%s\"", p->heading);
        return buf;
    }
    if (!final_url)
        return NULL;
    char from[1024], to[1024];
    url_part(url, CURLUPART_PATH, from, sizeof from);
    url_part(final_url, CURLUPART_PATH, to, sizeof to);
    int deep = from[0] && strcmp(from, "/") && strcasecmp(from, "/index.html");
    if (deep && (!to[0] || !strcmp(to, "/")))
        snprintf(buf, n, "%.200s redirects to the site's front page %.300s", from, final_url);
    else if (deep && login_path(to) && !login_path(from))
        snprintf(buf, n, "%.200s redirects to a login page %.300s", from, final_url);
    else
        return NULL;
    return buf;
}

/* ---- all of them ---- */

static rd_page_finding *add(rd_findings *f, const char *kind, const char *entry, const char *detail)
{
    if (f->n >= RD_FINDINGS_MAX)
        return NULL;
    size_t i = f->n++;
    snprintf(f->detail[i], sizeof f->detail[i], "%s", detail);
    f->f[i].kind = kind;
    f->f[i].detail = f->detail[i];
    f->f[i].entry = entry;
    return &f->f[i];
}

/* The host of a URL without "www.", lower case. */
static void bare_host(const char *url, char *out, size_t n)
{
    url_part(url, CURLUPART_HOST, out, n);
    if (!strncasecmp(out, "www.", 4))
        memmove(out, out + 4, strlen(out + 4) + 1);
    for (char *c = out; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
}

void rd_page_findings(const char *url, const char *final_url, const rd_page *p,
                      const char *const *names, size_t nnames, rd_findings *f)
{
    f->n = 0;
    char buf[600];
    const char *hash = strchr(url, '#');
    if (p->fragment == RD_FRAGMENT_MISSING && hash) {
        snprintf(buf, sizeof buf, "no element of the page has the id or name \"%.400s\"", hash + 1);
        add(f, "fragment-missing", NULL, buf);
    }
    int gone = soft_404(url, final_url, p, buf, sizeof buf) != NULL;
    if (gone)
        add(f, "soft-404", NULL, buf);
    if (p->canonical[0] &&
        (!strncasecmp(p->canonical, "http://", 7) || !strncasecmp(p->canonical, "https://", 8))) {
        char here[256], there[256];
        bare_host(final_url ? final_url : url, here, sizeof here);
        bare_host(p->canonical, there, sizeof there);
        if (here[0] && there[0] && strcmp(here, there)) {
            snprintf(buf, sizeof buf, "the page names its canonical URL on %.100s: %.400s", there,
                     p->canonical);
            add(f, "canonical-differs", NULL, buf);
        }
    }
    char path[1024];
    url_part(final_url ? final_url : url, CURLUPART_PATH, path, sizeof path);
    /* a page that is not there is not the wrong page: its title says nothing */
    for (size_t i = 0; i < nnames && !gone; i++) {
        if (!names[i] || !rd_title_mismatch(names[i], p->title, p->og_title, path))
            continue;
        snprintf(buf, sizeof buf, "the link says \"%.200s\" but the page is \"%.300s\"", names[i],
                 p->title[0] ? p->title : p->og_title);
        add(f, "title-mismatch", names[i], buf);
    }
}
