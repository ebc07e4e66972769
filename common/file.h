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

typedef struct rd_replace {
    char *target; /* the file that is replaced */
    char *tmp;    /* the temporary file beside it */
    FILE *f;      /* write the new content here */
    int mode;     /* the target's permissions (kept), or new files' */
    int uid, gid; /* the target's owner, kept when run as root; -1: none */
} rd_replace;

/* Starts replacing path: r->f is open on a new temporary file in path's
 * folder. Finish with rd_replace_commit or rd_replace_abort. */
int rd_replace_begin(rd_replace *r, const char *path, int flags, rd_error *err);

/* Flushes and syncs what was written, gives it the target's permissions
 * (and owner), and renames it over the target. Frees r, whatever happens. */
int rd_replace_commit(rd_replace *r, rd_error *err);

/* Removes the temporary file and frees r; harmless after a commit. */
void rd_replace_abort(rd_replace *r);

/* Replaces path with data[0..len) (rd_replace_begin, a write, commit). */
int rd_write_file(const char *path, const void *data, size_t len, int flags, rd_error *err);

#endif
