/* common/file.h — replacing a file whole, safely: the new content goes to a
 * temporary file made beside the target (O_EXCL, so a symlink planted under
 * its name is never followed), is synced, and is renamed over the target, so
 * a reader sees the old file or the new one, never half of one. */
#ifndef RD_FILE_H
#define RD_FILE_H

#include <stdio.h>

#include "rd.h"

enum {
    /* A symlink at path is written through: its target is replaced (the
     * user's catalog). Without it the link itself is replaced by a regular
     * file (what refdex renders), so no link can send a write elsewhere. */
    RD_REPLACE_FOLLOW = 1
};

/* What a file was when it was read, to notice an edit made since. */
typedef struct rd_stamp {
    long long size, mtime_ns;
    unsigned long long ino;
    int valid; /* 0: the file was not there */
} rd_stamp;

/* Fills *s from path (through a symlink). */
void rd_stamp_of(const char *path, rd_stamp *s);

typedef struct rd_replace {
    char *target;           /* the file that is replaced */
    char *tmp;              /* the temporary file beside it */
    FILE *f;                /* write the new content here */
    int mode;               /* the target's permissions (kept), or new files' */
    int uid, gid;           /* the target's owner, kept when run as root; -1: none */
    const rd_stamp *expect; /* when set: refuse if the target is not this any more */
} rd_replace;

/* Starts replacing path: r->f is open on a new temporary file in path's
 * folder. Finish with rd_replace_commit or rd_replace_abort. A target whose
 * permissions allow nobody to write it is refused (RD_EINPUT): it was marked
 * read-only. */
int rd_replace_begin(rd_replace *r, const char *path, int flags, rd_error *err);

/* Flushes and syncs what was written, gives it the target's permissions
 * (and owner), and renames it over the target, unless the target changed
 * since r->expect was taken (RD_EINPUT: the other edit is kept). Frees r,
 * whatever happens. */
int rd_replace_commit(rd_replace *r, rd_error *err);

/* rd_replace_commit in two steps, for many files replaced together:
 * rd_replace_close flushes and closes the temporary file, with the
 * target's permissions, but does not sync it; the caller syncs the file
 * system once (syncfs) and then calls rd_replace_rename for each, which
 * frees r whatever happens. r->expect is not looked at. On failure,
 * rd_replace_close removes the temporary file and frees r. */
int rd_replace_close(rd_replace *r, rd_error *err);
int rd_replace_rename(rd_replace *r, rd_error *err);

/* Removes the temporary file and frees r; harmless after a commit. */
void rd_replace_abort(rd_replace *r);

/* Replaces path with data[0..len) (rd_replace_begin, a write, commit); with
 * expect, only if path is still what it was then. */
int rd_write_file(const char *path, const void *data, size_t len, int flags, const rd_stamp *expect,
                  rd_error *err);

#endif
