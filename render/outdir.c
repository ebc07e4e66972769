/* render/outdir.c — the site's folder: a manifest of what refdex wrote, so
 * that a render replaces and removes only its own files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../catalog/catalog.h"
#include "../common/file.h"
#include "outdir.h"

#define MANIFEST_HEAD "refdex site manifest 2\n"
#define MANIFEST_HEAD_1 "refdex site manifest 1\n" /* its hashes are hash_bytes' */
#define PAGE_NAME_BOUND 100

/* FNV-1a, 64 bits: tells refdex's bytes from someone else's, not a secret.
 * 0 means "not known" in the manifest, so it is never a hash. */
static uint64_t hash_bytes(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}
#define HASH_SEED 0xcbf29ce484222325ULL

static uint64_t hash_done(uint64_t h)
{
    return h ? h : 1;
}

/* A file's hash in the manifest (version 2): the bytes as 64-bit words
 * (little-endian), each mixed in with a multiply, then the length, the
 * same whatever the pieces they come in. FNV-1a, a byte at a time, was 5
 * instructions a byte: 0.6 of 12 billion in a render of 100,000 entries. */
#define WORD_K 0x9e3779b97f4a7c15ULL

static uint64_t mix_word(uint64_t h, uint64_t w)
{
    h = (h ^ w) * WORD_K;
    return h ^ (h >> 29);
}

static uint64_t load_le(const unsigned char *p)
{
    uint64_t w = 0;
    for (int i = 7; i >= 0; i--) /* compiled to one load on little-endian machines */
        w = w << 8 | p[i];
    return w;
}

static void filehash_init(rd_filehash *f)
{
    *f = (rd_filehash){.h = HASH_SEED};
}

static void filehash_add(rd_filehash *f, const void *data, size_t n)
{
    const unsigned char *p = data;
    f->len += n;
    if (f->n) {
        while (f->n < 8 && n) {
            f->tail[f->n++] = *p++;
            n--;
        }
        if (f->n < 8)
            return;
        f->h = mix_word(f->h, load_le(f->tail));
        f->n = 0;
    }
    for (; n >= 8; p += 8, n -= 8)
        f->h = mix_word(f->h, load_le(p));
    memcpy(f->tail, p, n);
    f->n = (unsigned)n;
}

static uint64_t filehash_done(const rd_filehash *f)
{
    unsigned char last[8] = {0};
    memcpy(last, f->tail, f->n);
    uint64_t h = mix_word(mix_word(f->h, load_le(last)), f->len);
    return hash_done(mix_word(h, h >> 32));
}

/* The hash of a regular file's bytes (not through a link), FNV-1a's when
 * fnv (a manifest of version 1); 0 when it is not one or cannot be read. */
static uint64_t hash_file(const char *path, int fnv)
{
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char buf[16384];
    size_t n;
    uint64_t h = HASH_SEED;
    rd_filehash fh;
    filehash_init(&fh);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (fnv)
            h = hash_bytes(h, buf, n);
        else
            filehash_add(&fh, buf, n);
    int bad = ferror(f);
    fclose(f);
    return bad ? 0 : fnv ? hash_done(h) : filehash_done(&fh);
}

static int name_char(char c)
{
    return c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

void rd_page_name(const char *slug, char *out)
{
    size_t n = strlen(slug), plain = 0;
    while (plain < n && name_char(slug[plain]))
        plain++;
    if (n <= PAGE_NAME_BOUND && plain == n && n > 0) {
        memcpy(out, slug, n + 1);
        return;
    }
    /* slugs are made of letters, digits and '-' (catalog/slug.c); anything
     * else would become '-' here, and the hash keeps the names apart */
    size_t keep = n < PAGE_NAME_BOUND ? n : PAGE_NAME_BOUND;
    for (size_t i = 0; i < keep; i++)
        out[i] = name_char(slug[i]) ? slug[i] : '-';
    uint64_t h = hash_bytes(HASH_SEED, slug, n);
    snprintf(out + keep, RD_PAGE_NAME_MAX - keep, "-%012llx",
             (unsigned long long)(h & 0xffffffffffffULL));
}

/* Only names refdex writes are taken from a manifest: index.html, index.json
 * and c/NAME.html with NAME of letters, digits, '-' and '_'. A manifest
 * planted in the folder can name nothing outside it. */
static int valid_path(const char *p)
{
    if (!strcmp(p, "index.html") || !strcmp(p, "index.json"))
        return 1;
    if (strncmp(p, "c/", 2))
        return 0;
    size_t n = 0;
    for (p += 2; *p && *p != '.'; p++, n++)
        if (!name_char(*p))
            return 0;
    return n > 0 && n < RD_PAGE_NAME_MAX && !strcmp(p, ".html");
}

static char *join(const char *dir, const char *path)
{
    size_t n = strlen(dir) + strlen(path) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, path);
    return p;
}

static int oom(rd_outdir *o)
{
    return rd_error_set(o->err, RD_ENOMEM, "out of memory");
}

static int add(rd_outfile **v, size_t *n, size_t *cap, const char *path, uint64_t hash)
{
    rd_outfile *g = rd_grow(*v, cap, *n, sizeof **v);
    if (!g)
        return RD_ENOMEM;
    *v = g;
    if (!(g[*n].path = strdup(path)))
        return RD_ENOMEM;
    g[(*n)++].hash = hash;
    return RD_OK;
}

/* Reads DIR/.refdex-manifest into o->old. Returns 1 when there is one, 0
 * when there is none (or a file of that name that is not one). */
static int read_manifest(rd_outdir *o)
{
    char *path = join(o->dir, RD_MANIFEST), *text = NULL;
    size_t len = 0, cap = 0;
    struct stat st;
    /* both heads have the same length */
    int found = path && lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
                rd_read_file(path, 64 << 20, &text, &len, NULL) == RD_OK &&
                (!strncmp(text, MANIFEST_HEAD, strlen(MANIFEST_HEAD)) ||
                 (o->fnv = !strncmp(text, MANIFEST_HEAD_1, strlen(MANIFEST_HEAD_1))));
    int rc = path ? found : RD_ENOMEM;
    for (char *line = found ? text + strlen(MANIFEST_HEAD) : NULL; rc >= 0 && line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        unsigned long long h;
        char name[RD_PAGE_NAME_MAX + 8];
        if (sscanf(line, "%16llx %135s", &h, name) == 2 && valid_path(name) &&
            add(&o->old, &o->nold, &cap, name, h) < 0)
            rc = RD_ENOMEM;
        line = end ? end + 1 : NULL;
    }
    free(text);
    free(path);
    return rc;
}

/* Whether the folder has anything in it. */
static int has_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 1;
    struct dirent *e;
    int any = 0;
    while (!any && (e = readdir(d)))
        any = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return any;
}

/* Whether the folder holds a site refdex made before it kept a manifest: its
 * index.json, a regular file, says refdex generated it. */
static int made_before_manifests(const char *dir)
{
    char *path = join(dir, "index.json"), head[32] = "";
    struct stat st;
    int made = 0;
    if (path && lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        FILE *f = fopen(path, "rb");
        size_t n = f ? fread(head, 1, sizeof head - 1, f) : 0;
        head[n] = '\0';
        static const char mark[] = "{\"generator\":\"refdex\"";
        made = !strncmp(head, mark, sizeof mark - 1);
        if (f)
            fclose(f);
    }
    free(path);
    return made;
}

int rd_outdir_open(rd_outdir *o, const char *dir, int force, rd_error *err)
{
    *o = (rd_outdir){.dir = dir, .force = force, .err = err};
    struct stat st;
    if (mkdir(dir, 0777) < 0 && errno != EEXIST)
        return rd_error_set(err, RD_EUSAGE, "%s: cannot create: %s", dir, strerror(errno));
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return rd_error_set(err, RD_EUSAGE, "%s: not a folder", dir);
    char *c = join(dir, "c");
    if (!c)
        return oom(o);
    int not_dir = lstat(c, &st) == 0 && !S_ISDIR(st.st_mode);
    free(c);
    if (not_dir)
        return rd_error_set(err, RD_EUSAGE,
                            "%s/c: not a folder (a link or a file); refdex writes its pages "
                            "only into a folder of its own",
                            dir);
    int found = read_manifest(o);
    if (found < 0)
        return oom(o);
    if (!found && !force && made_before_manifests(dir))
        o->force = 1; /* refdex's own files from before the manifest: replaced */
    else if (!found && !force && has_entries(dir))
        return rd_error_set(err, RD_EUSAGE,
                            "%s: the folder has files that refdex did not write (there is no "
                            "%s in it); refdex renders into an empty folder or one it made: "
                            "choose another --out, or give --force to write index.html, "
                            "index.json and c/*.html into it anyway",
                            dir, RD_MANIFEST);
    return RD_OK;
}

static int in_old(const rd_outdir *o, const char *path)
{
    for (size_t i = 0; i < o->nold; i++)
        if (!strcmp(o->old[i].path, path))
            return 1;
    return 0;
}

int rd_outdir_plan(rd_outdir *o, const char *path)
{
    if (add(&o->files, &o->nfiles, &o->cap, path, 0) < 0)
        return oom(o);
    int added = rd_strmap_add(&o->names, o->files[o->nfiles - 1].path, (int)(o->nfiles - 1), NULL);
    if (added < 0)
        return oom(o);
    if (!added)
        return rd_error_set(o->err, RD_EINTERNAL, "%s/%s: two files of the site have this name",
                            o->dir, path);
    if (o->force || in_old(o, path))
        return RD_OK;
    char *full = join(o->dir, path);
    if (!full)
        return oom(o);
    struct stat st;
    int there = lstat(full, &st) == 0;
    free(full);
    if (there)
        return rd_error_set(o->err, RD_EUSAGE,
                            "%s/%s: a file that refdex did not write is in the way; move it, or "
                            "give --force to replace it",
                            o->dir, path);
    return RD_OK;
}

/* Writes the manifest: files, then the old ones in keep (when not NULL). */
static int write_manifest(rd_outdir *o, const char *keep)
{
    rd_buf b = {0};
    rd_buf_puts(&b, MANIFEST_HEAD);
    for (size_t i = 0; i < o->nfiles; i++)
        rd_buf_printf(&b, "%016llx %s\n", (unsigned long long)o->files[i].hash, o->files[i].path);
    for (size_t i = 0; keep && i < o->nold; i++)
        if (keep[i])
            /* a hash of version 1 is not one of this version's: not known */
            rd_buf_printf(&b, "%016llx %s\n", (unsigned long long)(o->fnv ? 0 : o->old[i].hash),
                          o->old[i].path);
    char *path = join(o->dir, RD_MANIFEST);
    int rc = b.oom || !path ? oom(o) : rd_write_file(path, b.data, b.len, 0, NULL, o->err);
    free(path);
    rd_buf_free(&b);
    return rc;
}

int rd_outdir_begin(rd_outdir *o)
{
    char *keep = calloc(o->nold + 1, 1);
    if (!keep)
        return oom(o);
    for (size_t i = 0; i < o->nold; i++)
        keep[i] = rd_strmap_get(&o->names, o->old[i].path) < 0;
    int rc = write_manifest(o, keep);
    free(keep);
    char *c = join(o->dir, "c");
    if (rc == RD_OK && !c)
        rc = oom(o);
    if (rc == RD_OK && mkdir(c, 0777) < 0 && errno != EEXIST)
        rc = rd_error_set(o->err, RD_EIO, "%s: cannot create: %s", c, strerror(errno));
    free(c);
    return rc;
}

/* The planned file at path in *f and its full name in *full (the caller
 * frees it). Fails when it was not planned or memory ran out. */
static int planned(rd_outdir *o, const char *path, rd_outfile **f, char **full)
{
    int i = rd_strmap_get(&o->names, path);
    *full = NULL;
    if (i < 0)
        return rd_error_set(o->err, RD_EINTERNAL, "%s/%s: written but not planned", o->dir, path);
    if (!(*full = join(o->dir, path)))
        return oom(o);
    *f = &o->files[i];
    return RD_OK;
}

int rd_outdir_stream(rd_outdir *o, const char *path, rd_outstream *s)
{
    s->o = o;
    s->err = o->err;
    s->old = NULL;
    s->same = 0;
    s->writing = 0;
    filehash_init(&s->hash);
    int rc = planned(o, path, &s->f, &s->full);
    if (rc < 0)
        return rc;
    struct stat st;
    if (lstat(s->full, &st) == 0 && S_ISREG(st.st_mode))
        s->old = fopen(s->full, "rb");
    if (!s->old && (rc = rd_replace_begin(&s->r, s->full, 0, o->err)) == RD_OK)
        s->writing = 1;
    if (rc < 0)
        rd_outstream_abort(s);
    return rc;
}

/* The pieces differ from the file: a temporary file takes the bytes that
 * matched (read back from the file), then what follows. */
static int diverge(rd_outstream *s)
{
    int rc = rd_replace_begin(&s->r, s->full, 0, s->err);
    if (rc < 0)
        return rc;
    s->writing = 1;
    rewind(s->old);
    for (size_t left = s->same, n; left > 0; left -= n) {
        n = fread(s->cmp, 1, left < sizeof s->cmp ? left : sizeof s->cmp, s->old);
        if (!n || fwrite(s->cmp, 1, n, s->r.f) != n)
            return rd_error_set(s->err, RD_EIO, "%s: cannot copy: %s", s->full, strerror(errno));
    }
    fclose(s->old);
    s->old = NULL;
    return RD_OK;
}

int rd_outstream_put(rd_outstream *s, const char *data, size_t n)
{
    filehash_add(&s->hash, data, n);
    size_t done = 0;
    while (!s->writing && done < n) { /* still the file's own bytes? */
        size_t want = n - done < sizeof s->cmp ? n - done : sizeof s->cmp;
        size_t got = fread(s->cmp, 1, want, s->old);
        size_t k = 0;
        while (k < got && s->cmp[k] == data[done + k])
            k++;
        s->same += k;
        done += k;
        if (k < want) {
            int rc = diverge(s);
            if (rc < 0)
                return rc;
        }
    }
    if (done < n && fwrite(data + done, 1, n - done, s->r.f) != n - done)
        return rd_error_set(s->err, RD_EIO, "%s: cannot write: %s", s->full, strerror(errno));
    return RD_OK;
}

int rd_outstream_commit(rd_outstream *s)
{
    int rc = RD_OK;
    if (!s->writing && fgetc(s->old) != EOF) /* the file is longer: cut it */
        rc = diverge(s);
    if (rc == RD_OK && s->writing) { /* closed now, put in place by rd_outdir_finish */
        rd_outdir *o = s->o;
        rd_replace *v = rd_grow(o->pending, &o->pcap, o->npending, sizeof *v);
        if (!v)
            rc = oom(o);
        if (v) {
            o->pending = v;
            s->writing = 0; /* r is closed or freed, whatever happens */
            rc = rd_replace_close(&s->r, o->err);
        }
        if (rc == RD_OK)
            o->pending[o->npending++] = s->r;
    }
    if (rc == RD_OK)
        s->f->hash = filehash_done(&s->hash);
    rd_outstream_abort(s);
    return rc;
}

void rd_outstream_abort(rd_outstream *s)
{
    if (s->writing)
        rd_replace_abort(&s->r);
    if (s->old)
        fclose(s->old);
    free(s->full);
    s->writing = 0;
    s->old = NULL;
    s->full = NULL;
}

/* Syncs the folder's file system once, then renames every file written
 * over its target. */
static int put_in_place(rd_outdir *o)
{
    if (!o->npending)
        return RD_OK;
    int fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || syncfs(fd) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return rd_error_set(o->err, RD_EIO, "%s: cannot sync: %s", o->dir, strerror(e));
    }
    close(fd);
    int rc = RD_OK;
    size_t i = 0;
    for (; rc == RD_OK && i < o->npending; i++)
        rc = rd_replace_rename(&o->pending[i], o->err);
    for (; i < o->npending; i++) /* after a failure: the rest are not put in place */
        rd_replace_abort(&o->pending[i]);
    o->npending = 0;
    return rc;
}

int rd_outdir_finish(rd_outdir *o)
{
    int rc = put_in_place(o);
    char *keep = rc == RD_OK ? calloc(o->nold + 1, 1) : NULL;
    if (rc == RD_OK && !keep)
        return oom(o);
    for (size_t i = 0; rc == RD_OK && i < o->nold; i++) {
        if (rd_strmap_get(&o->names, o->old[i].path) >= 0)
            continue; /* written again */
        char *full = join(o->dir, o->old[i].path);
        if (!full) {
            rc = oom(o);
            break;
        }
        uint64_t now = hash_file(full, o->fnv);
        /* still what refdex wrote (or written by a render that was cut short):
         * removed; edited since, replaced by a link or gone: no longer ours */
        if (now && (!o->old[i].hash || now == o->old[i].hash) && unlink(full) < 0 &&
            errno != ENOENT)
            keep[i] = 1; /* try again next time */
        free(full);
    }
    if (rc == RD_OK)
        rc = write_manifest(o, keep);
    free(keep);
    return rc;
}

void rd_outdir_free(rd_outdir *o)
{
    for (size_t i = 0; i < o->npending; i++) /* a render that failed: nothing replaced */
        rd_replace_abort(&o->pending[i]);
    free(o->pending);
    for (size_t i = 0; i < o->nold; i++)
        free(o->old[i].path);
    for (size_t i = 0; i < o->nfiles; i++)
        free(o->files[i].path);
    free(o->old);
    free(o->files);
    rd_strmap_free(&o->names);
    *o = (rd_outdir){0};
}
