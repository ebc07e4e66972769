/* common/rd.h — what every module shares: the error type (error.c), the arena
 * (arena.c), growable arrays and buffers (buf.c), UTF-8 helpers (utf8.c),
 * durations and sizes as users write them (units.c) and a string map
 * (strmap.c). Plain C, no library dependencies. */
#ifndef RD_COMMON_H
#define RD_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "version.h" /* RD_VERSION, from CMakeLists.txt */

/* Error codes: 0 is success, every failure is negative. */
enum {
    RD_OK = 0,
    RD_EINPUT = -1,    /* bad input: unreadable, not text, too large, too deep */
    RD_ENOMEM = -2,    /* out of memory */
    RD_EIO = -3,       /* file system error */
    RD_EDB = -4,       /* SQLite error */
    RD_ENOTFOUND = -5, /* a named thing (category, file) does not exist */
    RD_EUSAGE = -6,    /* bad arguments to an API or a command */
    RD_EINTERNAL = -7  /* a bug */
};

typedef struct rd_error {
    int code;
    char msg[1024];
} rd_error;

/* Sets *err (when err is not NULL) and returns code, so callers can write
 * `return rd_error_set(err, RD_EINPUT, "%s:%d: ...", ...)`. */
int rd_error_set(rd_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- arena.c: many small allocations freed at once ---- */
typedef struct rd_arena rd_arena;

/* Returns a new arena; free it with rd_arena_free. NULL when out of memory. */
rd_arena *rd_arena_new(void);
/* Frees the arena and everything allocated from it; NULL is harmless. */
void rd_arena_free(rd_arena *a);
/* Returns n zeroed bytes that live as long as the arena; NULL when out of memory. */
void *rd_arena_alloc(rd_arena *a, size_t n);
/* Returns a NUL-terminated copy of s[0..n) owned by the arena. */
char *rd_arena_strndup(rd_arena *a, const char *s, size_t n);
char *rd_arena_strdup(rd_arena *a, const char *s);

/* ---- buf.c: growable arrays ---- */

/* Returns arr with room for at least n + 1 elements of size bytes (doubling
 * cap, which it updates), or NULL when out of memory (arr is then unchanged
 * and still the caller's). Use: `T *p = rd_grow(v, &cap, n, sizeof *v)`. */
void *rd_grow(void *arr, size_t *cap, size_t n, size_t size);

/* ---- buf.c: growable byte buffer, always NUL-terminated ---- */
typedef struct rd_buf {
    char *data; /* owned; free with rd_buf_free */
    size_t len;
    size_t cap;
    int oom; /* set once an append failed; later appends are no-ops */
} rd_buf;

void rd_buf_append(rd_buf *b, const char *s, size_t n);
void rd_buf_puts(rd_buf *b, const char *s);
void rd_buf_putc(rd_buf *b, char c);
void rd_buf_printf(rd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its memory. */
void rd_buf_reset(rd_buf *b);
void rd_buf_free(rd_buf *b);
/* Hands the buffer's memory to the caller, who must free() it; the buffer is reset. */
char *rd_buf_take(rd_buf *b);

/* ---- utf8.c ---- */

/* Decodes one code point at s[0..n); returns its length in bytes (1..4) and stores
 * it in *cp, or returns 0 when the bytes there are not valid UTF-8. */
int rd_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* True for code points written without spaces between words (CJK ideographs,
 * kana, hangul): the search index treats each of them as a word of its own. */
int rd_is_cjk(uint32_t cp);

/* ---- units.c: durations and sizes as users write them ---- */

/* Parses "500ms", "5s", "2m", "1h", "7d" or a bare number of seconds into
 * milliseconds. Returns 0, or RD_EUSAGE when the text is not a duration. */
int rd_parse_duration_ms(const char *text, int64_t *ms);

/* Parses "512", "64K", "16M", "1G" (binary units) into bytes. */
int rd_parse_size(const char *text, int64_t *bytes);

/* A duration as people write it, into buf: "500 ms", "3 s", "1.5 s",
 * "2 min", "1 min 30 s", "1 h", "2 d" (rounded to what the largest unit
 * shows). Returns buf. */
char *rd_duration_text(int64_t ms, char *buf, size_t n);

/* `one` when n is 1, else `many`: "1 entry", "2 entries". */
const char *rd_plural(long long n, const char *one, const char *many);

/* ---- shard.c: FNV-1a, and the shard of a host ---- */

/* FNV-1a, 64 bits, of data[0..n): how a database names the catalog source it
 * holds (two shard databases of one catalog have the same). */
uint64_t rd_fnv1a64(const void *data, size_t n);
/* The same, going on from h, the hash of the bytes before data (so that
 * rd_fnv1a64(ab) = rd_fnv1a64_more(rd_fnv1a64(a), b)). */
uint64_t rd_fnv1a64_more(uint64_t h, const void *data, size_t n);
/* h as 16 hex digits: how a catalog's source is named (catalog.source_hash,
 * the runs' catalog_hash). */
void rd_hash_hex(uint64_t h, char out[17]);

enum { RD_MAX_SHARDS = 1000 };

/* The shard, from 0 to shards-1, of a URL's host in a check run split into
 * `shards`: FNV-1a (32 bits: offset basis 2166136261, prime 16777619) of the
 * host's bytes lower-cased (ASCII), modulo shards. Every URL of a host lands
 * in one shard. A URL without a host is given "" (shard 2166136261 % shards).
 * Stable across machines and versions. */
int rd_shard_of_host(const char *host, int shards);

/* Parses "K/N" (0 <= K < N <= RD_MAX_SHARDS) into *k and *n. Returns 0, or
 * RD_EUSAGE with why (a sentence for the user) filled. */
int rd_parse_shard(const char *text, int *k, int *n, char *why, size_t whylen);

/* ---- strmap.c: string → int map (open addressing); keys are borrowed, not copied ---- */
typedef struct rd_strmap {
    const char **keys;
    int *values;
    size_t cap, len;
} rd_strmap;

/* Adds key → value unless key is there. Returns 1 when added, 0 when present
 * (its value is stored in *existing when not NULL), RD_ENOMEM on failure. The
 * key must outlive the map. */
int rd_strmap_add(rd_strmap *m, const char *key, int value, int *existing);
/* The value of key, or -1 when it is not there. */
int rd_strmap_get(const rd_strmap *m, const char *key);
void rd_strmap_free(rd_strmap *m);
#endif
