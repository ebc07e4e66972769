/* bench/gen_catalog.c — writes a synthetic catalog for the parse + ingest benchmark.
 *
 *     refdex_gen_catalog SIZE_BYTES SEED > file.md
 *
 * The output imitates the awesome lists refdex is made for (awesome-go, the seed
 * catalog): `## ` sections with `### ` sub-sections and `<!-- name -->` markers,
 * entries `- [name](url) - description.` with inline code, bold and links, nested
 * sub-entries and link-less nested notes, prose paragraphs, fenced code, Chinese
 * names and descriptions, and a few URLs used twice. The same SIZE and SEED give
 * the same bytes on every machine: the PRNG is splitmix64, not rand(). Writing
 * stops at the first entry boundary at or past SIZE bytes. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    RECENT_URLS = 256, /* duplicates are drawn from the last URLs written */
    URL_MAX = 160,
    HOSTS = 2000, /* hostN.example: enough hosts that per-host grouping stays realistic */
};

typedef struct gen {
    FILE *out;
    uint64_t state;
    unsigned long long limit, written;
    unsigned long entry_id, section_id;
    char recent[RECENT_URLS][URL_MAX];
    size_t nrecent;
    int done; /* set once an entry ends at or past the limit */
} gen;

static const char *const words[] = {
    "fast",     "json",     "http",    "router", "log",    "cache",   "async",  "stream", "parser",
    "config",   "tiny",     "simple",  "secure", "cloud",  "queue",   "graph",  "image",  "crypto",
    "test",     "mock",     "metrics", "trace",  "sql",    "orm",     "grpc",   "web",    "cli",
    "terminal", "color",    "table",   "file",   "sync",   "pool",    "buffer", "codec",  "yaml",
    "toml",     "markdown", "server",  "client", "proxy",  "auth",    "token",  "rate",   "limit",
    "retry",    "task",     "worker",  "event",  "bus",    "storage", "blob",   "index",  "search",
    "vector",   "matrix",   "geo",     "time",   "uuid",   "hash",    "bloom",  "tree",   "trie",
    "heap",     "ring",     "schema",  "lexer",  "socket", "mail",    "pdf",    "audio",  "video",
};
static const char *const starters[] = {
    "Library for",
    "A lightweight toolkit for",
    "Fast and simple",
    "Go package to build",
    "Minimal implementation of",
    "Production-ready",
    "Idiomatic wrapper around",
    "Zero-allocation",
    "Experimental support for",
    "Pure Go",
};
static const char *const han[] = {
    "高性能", "日志",   "缓存",   "数据库", "网络",   "解析器",   "配置",     "并发",
    "测试",   "工具",   "框架",   "模板",   "加密",   "队列",     "图像处理", "命令行",
    "服务器", "客户端", "中间件", "序列化", "热加载", "依赖注入", "权限管理", "抓包",
};
static const char *const langs[] = {"go", "sh", "json", "yaml", ""};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64: tiny, fast, and the same sequence everywhere. */
static uint64_t next_u64(gen *g)
{
    uint64_t z = (g->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A number in [0, n); the modulo bias is irrelevant at these sizes. Draw at
 * most one random value per argument list: C leaves the order of argument
 * evaluation unspecified, and the output must not depend on the compiler. */
static unsigned pick(gen *g, unsigned n)
{
    return (unsigned)(next_u64(g) % n);
}

/* True with probability percent / 100. */
static int chance(gen *g, unsigned percent)
{
    return pick(g, 100) < percent;
}

static const char *word(gen *g)
{
    return words[pick(g, COUNT(words))];
}
static const char *han_word(gen *g)
{
    return han[pick(g, COUNT(han))];
}

/* Every byte goes through here so the size limit counts exactly what was written. */
static void emit(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(g->out, fmt, ap);
    va_end(ap);
    if (n > 0)
        g->written += (unsigned long long)n;
}

/* Writes a fresh URL into url, or (3% of the time) one already used, so the
 * catalog has the duplicate links lint and the urls table must cope with. */
static void make_url(gen *g, char *url)
{
    if (g->nrecent > 0 && chance(g, 3)) {
        size_t n = g->nrecent < RECENT_URLS ? g->nrecent : RECENT_URLS;
        memcpy(url, g->recent[pick(g, (unsigned)n)], URL_MAX);
        return;
    }
    static const char *const suffix[] = {"", "", "", "", "/docs", "#readme", "?tab=readme"};
    unsigned host = pick(g, HOSTS);
    const char *owner = word(g), *w1 = word(g), *w2 = word(g);
    const char *end = suffix[pick(g, COUNT(suffix))];
    snprintf(url, URL_MAX, "https://host%u.example/%s/%s-%s-%lu%s", host, owner, w1, w2,
             g->entry_id, end);
    memcpy(g->recent[g->nrecent++ % RECENT_URLS], url, URL_MAX);
}

/* An entry name: mostly "word-word", sometimes Chinese, sometimes with a number. */
static void emit_name(gen *g)
{
    unsigned r = pick(g, 100);
    if (r < 8) {
        emit(g, "%s", han_word(g));
        emit(g, "%s", han_word(g));
    } else if (r < 20) {
        emit(g, "%s", word(g));
        emit(g, "%s", word(g));
        emit(g, "%u", pick(g, 100));
    } else if (r < 30) {
        emit(g, "%s/", word(g));
        emit(g, "%s-", word(g));
        emit(g, "%s", word(g));
    } else {
        emit(g, "%s-", word(g));
        emit(g, "%s", word(g));
    }
}

/* A description of 3 to 14 words, some with `code`, **bold** or an inline link
 * (entries in awesome-go often link a related project in their description). */
static void emit_description(gen *g)
{
    if (chance(g, 10)) {
        unsigned n = 2 + pick(g, 4);
        for (unsigned i = 0; i < n; i++) {
            emit(g, "%s", han_word(g));
            if (i + 1 < n && chance(g, 30))
                emit(g, "，");
        }
        emit(g, "。");
        return;
    }
    emit(g, "%s", starters[pick(g, COUNT(starters))]);
    unsigned n = 3 + pick(g, 12);
    for (unsigned i = 0; i < n; i++) {
        unsigned r = pick(g, 100);
        if (r < 4) {
            emit(g, " `%s", word(g));
            emit(g, ".%s()`", word(g));
        } else if (r < 7) {
            emit(g, " **%s**", word(g));
        } else if (r < 9) {
            emit(g, " [%s]", word(g));
            emit(g, "(https://host%u.example", pick(g, HOSTS));
            emit(g, "/%s)", word(g));
        } else {
            emit(g, " %s", word(g));
        }
    }
    emit(g, ".");
}

/* Nested items under an entry: sub-entries with links, or link-less notes that
 * describe the entry (the seed catalog's `    + 内存数据库`). */
static void emit_children(gen *g, char bullet)
{
    char url[URL_MAX];
    unsigned n = 1 + pick(g, 4);
    for (unsigned i = 0; i < n; i++) {
        emit(g, "    %c ", bullet);
        if (chance(g, 60)) {
            g->entry_id++;
            make_url(g, url);
            emit(g, "[");
            emit_name(g);
            emit(g, "](%s)", url);
            if (chance(g, 70)) {
                emit(g, " - ");
                emit_description(g);
            }
        } else {
            emit_description(g);
        }
        emit(g, "\n");
    }
}

/* One entry with its nested items; the size limit is checked only here, so
 * the output always ends on a whole entry. */
static void emit_entry(gen *g, char bullet)
{
    char url[URL_MAX];
    g->entry_id++;
    make_url(g, url);
    emit(g, "%c [", bullet);
    emit_name(g);
    emit(g, "](%s)", url);
    if (!chance(g, 5)) {
        emit(g, " - ");
        emit_description(g);
    }
    emit(g, "\n");
    if (chance(g, 8))
        emit_children(g, bullet);
    if (g->written >= g->limit)
        g->done = 1;
}

static void emit_paragraph(gen *g)
{
    unsigned n = 15 + pick(g, 40);
    emit(g, "%s", chance(g, 20) ? han_word(g) : "Note:");
    for (unsigned i = 0; i < n; i++)
        emit(g, "%s%s", i % 12 == 11 ? "\n" : " ", word(g));
    emit(g, ".\n\n");
}

static void emit_code(gen *g)
{
    unsigned n = 2 + pick(g, 8);
    emit(g, "```%s\n", langs[pick(g, COUNT(langs))]);
    for (unsigned i = 0; i < n; i++) {
        emit(g, "%s := ", word(g));
        emit(g, "%s.", word(g));
        emit(g, "%s(", word(g));
        emit(g, "\"%s\")\n", word(g));
    }
    emit(g, "```\n\n");
}

/* A run of entries as one list, sometimes followed by prose or code, as lists
 * are interrupted in hand-written catalogs. */
static void emit_list(gen *g)
{
    char bullet = chance(g, 85) ? '-' : '+';
    unsigned n = 3 + pick(g, 40);
    for (unsigned i = 0; i < n && !g->done; i++)
        emit_entry(g, bullet);
    emit(g, "\n");
    if (g->done)
        return;
    if (chance(g, 12))
        emit_paragraph(g);
    if (chance(g, 6))
        emit_code(g);
}

static void emit_title(gen *g, const char *prefix)
{
    emit(g, "%s", prefix);
    if (chance(g, 10)) {
        emit(g, "%s", han_word(g));
        emit(g, "%s", han_word(g));
    } else {
        const char *w = word(g); /* capitalised, as headings are */
        emit(g, "%c%s", w[0] - 'a' + 'A', w + 1);
        emit(g, " %s", word(g));
    }
    emit(g, " %lu\n\n", ++g->section_id);
}

/* A `## ` section: an italic blurb, then lists directly, under `### `
 * sub-sections, or under `<!-- name -->` markers. */
static void emit_section(gen *g)
{
    emit_title(g, "## ");
    if (chance(g, 70)) {
        emit(g, "_Libraries for %s", word(g));
        emit(g, " %s._\n\n", word(g));
    }
    unsigned r = pick(g, 100), parts = 2 + pick(g, 4);
    if (r < 30) {
        for (unsigned i = 0; i < parts && !g->done; i++) {
            emit_title(g, "### ");
            emit_list(g);
        }
    } else if (r < 50) {
        for (unsigned i = 0; i < parts && !g->done; i++) {
            emit(g, "<!-- %s", chance(g, 20) ? han_word(g) : word(g));
            emit(g, " %s -->\n", word(g));
            emit_list(g);
        }
    } else {
        emit_list(g);
    }
    if (!g->done && chance(g, 50))
        emit(g, "**[⬆ back to top](#contents)**\n\n");
}

static int parse_number(const char *s, unsigned long long *v)
{
    char *end;
    errno = 0;
    *v = strtoull(s, &end, 10);
    return *s >= '0' && *s <= '9' && !*end && errno == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    unsigned long long size, seed;
    if (argc != 3 || parse_number(argv[1], &size) < 0 || parse_number(argv[2], &seed) < 0) {
        fprintf(stderr, "usage: refdex_gen_catalog SIZE_BYTES SEED > file.md\n"
                        "  writes a synthetic awesome-list catalog of about SIZE_BYTES\n"
                        "  (stopping at the first entry boundary past it); the same\n"
                        "  SIZE_BYTES and SEED always give the same bytes\n");
        return 2;
    }
    gen *g = calloc(1, sizeof *g); /* ~40 KB of recent URLs: keep it off the stack */
    if (!g) {
        fprintf(stderr, "refdex_gen_catalog: out of memory\n");
        return 1;
    }
    g->out = stdout;
    g->state = seed;
    g->limit = size;
    emit(g, "# Awesome Synthetic Catalog\n\n");
    emit(g,
         "> A generated catalog for benchmarks (seed %llu). Inspired by "
         "[awesome-go](https://github.com/avelino/awesome-go).\n\n",
         seed);
    while (!g->done)
        emit_section(g);
    int failed = fflush(stdout) != 0 || ferror(stdout);
    free(g);
    if (failed) {
        fprintf(stderr, "refdex_gen_catalog: writing the output failed\n");
        return 1;
    }
    return 0;
}
