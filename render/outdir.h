/* render/outdir.h — the site's folder (internal to render/): refdex writes
 * only its own files there. What a render wrote is listed in a manifest
 * (DIR/.refdex-manifest, a path and a hash of its bytes per line); the next
 * render replaces those, removes the ones it no longer writes (when they
 * still hold what refdex wrote), and touches nothing else. A folder that
 * holds files but no manifest is not written into without force.
 *
 * Use: rd_outdir_open, then rd_outdir_plan with every path the render will
 * write (checked before anything is written), rd_outdir_begin, a stream
 * for each (rd_outdir_stream, rd_outstream_put, rd_outstream_commit),
 * rd_outdir_finish (which puts them all in place), and rd_outdir_free
 * whatever happened. Files are written as they are made: none is ever whole
 * in memory. */
#ifndef RD_RENDER_OUTDIR_H
#define RD_RENDER_OUTDIR_H

#include <stdint.h>
#include <stdio.h>

#include "../common/file.h"
#include "../common/rd.h"

#define RD_MANIFEST ".refdex-manifest"

typedef struct rd_outfile {
    char *path;    /* relative to the folder: index.html, c/log.html */
    uint64_t hash; /* of its bytes; 0 while unknown */
} rd_outfile;

typedef struct rd_outdir {
    const char *dir;
    int force;
    rd_outfile *old; /* what the manifest lists: the last render's files */
    size_t nold;
    rd_outfile *files; /* what this render writes */
    size_t nfiles, cap;
    rd_strmap names;     /* files[i].path → i */
    rd_replace *pending; /* written, not yet renamed over their targets */
    size_t npending, pcap;
    rd_error *err;
    int fnv; /* the manifest is of version 1: its hashes are FNV-1a's */
} rd_outdir;

/* A hash of a file's bytes, fed a piece at a time (outdir.c). */
typedef struct rd_filehash {
    uint64_t h, len;
    unsigned char tail[8]; /* the bytes after the last whole word */
    unsigned n;
} rd_filehash;

/* Makes dir when missing and reads its manifest. A folder with entries and
 * no manifest is RD_EUSAGE (naming it) unless force; so is a `c` in it that
 * is not a folder (a link to elsewhere). Free o with rd_outdir_free. */
int rd_outdir_open(rd_outdir *o, const char *dir, int force, rd_error *err);

/* Adds path (relative) to what this render writes. Returns RD_EUSAGE when a
 * file the last render did not write is there (unless force), RD_EINTERNAL
 * when the path was planned already. */
int rd_outdir_plan(rd_outdir *o, const char *path);

/* Before the first write: records every planned path in the manifest, with
 * the last render's, so that an interrupted render leaves no file of its own
 * unlisted; makes the `c` folder. */
int rd_outdir_begin(rd_outdir *o);

/* A planned file written a piece at a time. While the pieces are the bytes
 * the file already holds, nothing is written (they are compared with it);
 * from the first difference on, a temporary file takes them (the same
 * prefix first) and replaces the file in rd_outdir_finish (rd_replace: a
 * link there is replaced, not followed). A file that would not change is
 * left alone, with its time, and no file is made. */
typedef struct rd_outstream {
    rd_outdir *o;
    rd_error *err; /* where rd_outstream_put says what failed: o->err, unless
                      the stream is written in a thread of its own */
    rd_outfile *f;
    char *full;  /* the file's full name */
    FILE *old;   /* the file as it is, while the pieces match it */
    size_t same; /* bytes that matched it so far */
    int writing; /* r is open */
    rd_replace r;
    rd_filehash hash; /* of the pieces so far */
    char cmp[65536];  /* the old bytes, a block at a time */
} rd_outstream;

/* Opens the planned path for writing. s is freed by rd_outstream_commit or
 * rd_outstream_abort. */
int rd_outdir_stream(rd_outdir *o, const char *path, rd_outstream *s);
int rd_outstream_put(rd_outstream *s, const char *data, size_t n);
int rd_outstream_commit(rd_outstream *s);
void rd_outstream_abort(rd_outstream *s);

/* Puts every file written in place: the file system is synced once
 * (syncfs) and each temporary file renamed over its target, so a crash
 * leaves the old site or the new one, page by page, and a site of 20,000
 * pages costs one sync, not 20,000. Then removes the last render's files
 * that this one did not write (only regular files that still hold the bytes
 * refdex wrote) and writes the manifest. */
int rd_outdir_finish(rd_outdir *o);

void rd_outdir_free(rd_outdir *o);

/* The file name (without .html) of a category's page: the slug itself when
 * it is at most 100 bytes, else its first 100 bytes, '-' and 12 hex digits
 * of a hash of the whole slug (a file name has at most 255 bytes, and the
 * temporary file beside it needs a few more). The same slug always gives the
 * same name; out holds at least RD_PAGE_NAME_MAX bytes. */
#define RD_PAGE_NAME_MAX 128
void rd_page_name(const char *slug, char *out);

#endif
