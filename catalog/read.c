/* catalog/read.c — reading a catalog file and refusing what is not a text file. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "internal.h"

const char *rd_size_text(long long bytes, char *buf, size_t n)
{
    if (bytes < 1024)
        snprintf(buf, n, "%lld bytes", bytes);
    else if (bytes < 1024 * 1024)
        snprintf(buf, n, "%.1f KiB", bytes / 1024.0);
    else
        snprintf(buf, n, "%.1f MiB", bytes / 1048576.0);
    return buf;
}

/* The file at path opened for reading in *fd, when it is a regular file of
 * at most max_bytes (0: any size); its size in *size. */
static int open_regular(const char *path, long long max_bytes, int *fd, off_t *size, rd_error *err)
{
    *size = 0;
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return rd_error_set(err, errno == ENOENT ? RD_ENOTFOUND : RD_EINPUT, "%s: %s", path,
                            strerror(errno));
    struct stat st;
    int rc = RD_OK;
    if (fstat(*fd, &st) < 0) {
        rc = rd_error_set(err, RD_EINPUT, "%s: %s", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        rc = rd_error_set(err, RD_EINPUT, "%s: is a directory, not a Markdown file", path);
    } else if (!S_ISREG(st.st_mode)) {
        rc = rd_error_set(err, RD_EINPUT, "%s: not a regular file", path);
    } else if (max_bytes > 0 && st.st_size > max_bytes) {
        char sz[32], limit[32];
        rc = rd_error_set(err, RD_EINPUT,
                          "%s: file is %s, larger than the %s limit (raise it with --max-input)",
                          path, rd_size_text(st.st_size, sz, sizeof sz),
                          rd_size_text(max_bytes, limit, sizeof limit));
    }
    if (rc < 0) {
        close(*fd);
        *fd = -1;
    }
    *size = rc < 0 ? 0 : st.st_size;
    return rc;
}

int rd_hash_file(const char *path, long long max_bytes, uint64_t *hash, rd_error *err)
{
    int fd;
    off_t size = 0;
    int rc = open_regular(path, max_bytes, &fd, &size, err);
    if (rc < 0)
        return rc;
    enum { CHUNK = 1 << 20 };
    char *buf = malloc(CHUNK);
    if (!buf) {
        close(fd);
        return rd_error_set(err, RD_ENOMEM, "%s: out of memory", path);
    }
    uint64_t h = rd_fnv1a64("", 0);
    long long n = 0;
    for (;;) {
        ssize_t r = read(fd, buf, CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = rd_error_set(err, RD_EINPUT, "%s: %s", path, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        if (max_bytes > 0 && (n += r) > max_bytes) { /* the file grew while we read it */
            rc = rd_error_set(err, RD_EINPUT, "%s: file is larger than the limit", path);
            break;
        }
        h = rd_fnv1a64_more(h, buf, (size_t)r);
    }
    free(buf);
    close(fd);
    *hash = h;
    return rc;
}

int rd_read_file(const char *path, long long max_bytes, char **data, size_t *len, rd_error *err)
{
    *data = NULL;
    *len = 0;
    int fd;
    off_t size = 0;
    int rc = open_regular(path, max_bytes, &fd, &size, err);
    if (rc < 0)
        return rc;
    size_t cap = (size_t)size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return rd_error_set(err, RD_ENOMEM, "%s: out of memory", path);
    }
    for (;;) {
        if (n + 1 == cap) { /* the file grew while we read it */
            if (max_bytes > 0 && (long long)n >= max_bytes) {
                free(buf);
                close(fd);
                return rd_error_set(err, RD_EINPUT, "%s: file is larger than the limit", path);
            }
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                close(fd);
                return rd_error_set(err, RD_ENOMEM, "%s: out of memory", path);
            }
            buf = p;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return rd_error_set(err, RD_EINPUT, "%s: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return RD_OK;
}

int rd_text_lines(const char *file, const char *text, size_t len, size_t **line_start,
                  size_t *nlines, rd_error *err)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t cap = 1024, n = 1;
    size_t *ls = malloc(cap * sizeof *ls);
    if (!ls)
        return rd_error_set(err, RD_ENOMEM, "%s: out of memory", file);
    ls[0] = ls[1] = 0;
    size_t line_begin = 0;
    for (size_t i = 0; i < len;) {
        /* the common case first: a run of ASCII other than NUL and line ends */
        while (i < len && (unsigned char)(s[i] - 1) < 0x7F && s[i] != '\n' && s[i] != '\r')
            i++;
        if (i == len)
            break;
        unsigned char c = s[i];
        size_t next = i + 1;
        if (c == 0 || c >= 0x80) {
            uint32_t cp;
            int n_bytes = c ? rd_utf8_decode(s + i, len - i, &cp) : 0;
            if (n_bytes == 0) {
                free(ls);
                size_t col = i - line_begin + 1;
                if (c == 0)
                    return rd_error_set(err, RD_EINPUT,
                                        "%s:%zu:%zu: NUL byte; this is not a text file", file, n,
                                        col);
                return rd_error_set(err, RD_EINPUT,
                                    "%s:%zu:%zu: invalid UTF-8 (byte 0x%02X); the catalog must "
                                    "be UTF-8 text",
                                    file, n, col, c);
            }
            next = i + (size_t)n_bytes;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
                next++;
            if (n + 3 > cap) { /* room for this line and the end sentinel */
                size_t *q = realloc(ls, cap * 2 * sizeof *ls);
                if (!q) {
                    free(ls);
                    return rd_error_set(err, RD_ENOMEM, "%s: out of memory", file);
                }
                ls = q;
                cap *= 2;
            }
            ls[++n] = next;
            line_begin = next;
        }
        i = next;
    }
    ls[n + 1] = len; /* sentinel: the end of the last line */
    *line_start = ls;
    *nlines = n;
    return RD_OK;
}

void rd_unindent(const char *p, size_t n, int cols, rd_buf *out)
{
    int col = 0;
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t')) {
        int next = p[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
        if (next > cols)
            break;
        col = next;
        i++;
    }
    rd_buf_append(out, p + i, n - i);
}

int rd_columns(const char *p, size_t n)
{
    int col = 0;
    for (size_t i = 0; i < n; i++)
        col = p[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    return col;
}

int rd_item_content_column(const char *p, size_t n, size_t at)
{
    if (at > n)
        at = n;
    int col = rd_columns(p, at);
    if (at < n && strchr("-*+", p[at])) {
        at++, col++;
    } else {
        while (at < n && isdigit((unsigned char)p[at]))
            at++, col++;
        if (at < n && (p[at] == '.' || p[at] == ')'))
            at++, col++;
    }
    int mark = col;
    for (; at < n && (p[at] == ' ' || p[at] == '\t'); at++)
        col = p[at] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    return at == n || col - mark > 4 ? mark + 1 : col;
}

int rd_closing_fence(const char *p, size_t n, int strip, char c, size_t len)
{
    int col = 0;
    size_t i = 0;
    for (; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
        col = p[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
    size_t j = i;
    while (j < n && p[j] == c)
        j++;
    size_t run = j - i;
    while (j < n && (p[j] == ' ' || p[j] == '\t'))
        j++;
    return col >= strip && col - strip <= 3 && run >= len && j == n;
}

size_t rd_text_offset_from(const char *text, size_t len, rd_pos pos, rd_text_cursor *c)
{
    if (c->line < 1 || pos.line < c->line) /* first, or backwards: from the start */
        *c = (rd_text_cursor){0, 1};
    size_t i = c->at;
    int line = c->line;
    for (; line < pos.line && i < len; i++) {
        if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
            i++;
        if (text[i] == '\n' || text[i] == '\r')
            line++;
    }
    c->at = i;
    c->line = line;
    i += pos.col > 0 ? (size_t)pos.col - 1 : 0;
    return i < len ? i : len;
}

size_t rd_text_offset(const char *text, size_t len, rd_pos pos)
{
    rd_text_cursor c = {0, 1};
    return rd_text_offset_from(text, len, pos, &c);
}
