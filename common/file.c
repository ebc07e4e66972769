/* common/file.c — replacing a file whole, through a temporary file beside it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

static int fail(rd_replace *r, rd_error *err, const char *path, int e)
{
    rd_replace_abort(r);
    return rd_error_set(err, RD_EIO, "%s: cannot write: %s", path, strerror(e));
}

void rd_stamp_of(const char *path, rd_stamp *s)
{
    struct stat st;
    *s = (rd_stamp){0};
    if (stat(path, &st) == 0)
        *s = (rd_stamp){(long long)st.st_size,
                        (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec,
                        (unsigned long long)st.st_ino, 1};
}

int rd_replace_begin(rd_replace *r, const char *path, int flags, rd_error *err)
{
    *r = (rd_replace){.mode = -1, .uid = -1, .gid = -1};
    struct stat st;
    char *real = (flags & RD_REPLACE_FOLLOW) ? realpath(path, NULL) : NULL;
    r->target = real ? real : strdup(path); /* a missing file has no real path yet */
    if (!r->target)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    if (lstat(r->target, &st) == 0 && S_ISREG(st.st_mode)) {
        r->mode = (int)(st.st_mode & 07777);
        r->uid = (int)st.st_uid;
        r->gid = (int)st.st_gid;
        if ((flags & RD_REPLACE_FOLLOW) && !(st.st_mode & 0222)) {
            rd_replace_abort(r);
            return rd_error_set(err, RD_EINPUT, "%s: marked read-only (mode %03o); nothing written",
                                path, (unsigned)(st.st_mode & 0777));
        }
    }
    const char *slash = strrchr(r->target, '/');
    size_t dir = slash ? (size_t)(slash - r->target) + 1 : 0;
    size_t n = strlen(r->target) + 16;
    if (!(r->tmp = malloc(n)))
        return fail(r, err, path, ENOMEM);
    snprintf(r->tmp, n, "%.*s.%s.XXXXXX", (int)dir, r->target, r->target + dir);
    int fd = mkostemp(r->tmp, O_CLOEXEC); /* O_CREAT|O_EXCL: never through a link */
    if (fd < 0) {
        int e = errno;
        free(r->tmp);
        r->tmp = NULL;
        return fail(r, err, path, e);
    }
    if (!(r->f = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        return fail(r, err, path, e);
    }
    return RD_OK;
}

/* Flushes the temporary file and gives it the target's permissions (and
 * owner); syncs it when sync. Returns whether all went well (errno says
 * why not). */
static int finish_tmp(rd_replace *r, int sync)
{
    int fd = fileno(r->f), ok = fflush(r->f) == 0 && !ferror(r->f);
    if (r->mode < 0) { /* a new file: what the umask allows */
        mode_t mask = umask(0);
        umask(mask);
        r->mode = (int)(0666 & ~mask);
    }
    ok = ok && fchmod(fd, (mode_t)r->mode) == 0;
    if (ok && r->uid >= 0 && geteuid() == 0 && fchown(fd, (uid_t)r->uid, (gid_t)r->gid) < 0)
        ok = 0;
    return ok && (!sync || fsync(fd) == 0);
}

int rd_replace_commit(rd_replace *r, rd_error *err)
{
    int ok = finish_tmp(r, 1);
    int e = errno;
    ok = fclose(r->f) == 0 && ok;
    r->f = NULL;
    if (ok && r->expect) { /* an edit made since it was read wins: keep it */
        rd_stamp now;
        rd_stamp_of(r->target, &now);
        if (now.valid != r->expect->valid || now.size != r->expect->size ||
            now.mtime_ns != r->expect->mtime_ns || now.ino != r->expect->ino) {
            char *target = r->target;
            r->target = NULL;
            rd_replace_abort(r);
            int rc = rd_error_set(err, RD_EINPUT,
                                  "%s: changed since refdex read it; nothing written (run again)",
                                  target);
            free(target);
            return rc;
        }
    }
    if (ok && rename(r->tmp, r->target) == 0) {
        free(r->tmp);
        r->tmp = NULL;
        rd_replace_abort(r);
        return RD_OK;
    }
    if (ok)
        e = errno;
    char *target = r->target;
    r->target = NULL;
    int rc = fail(r, err, target, e);
    free(target);
    return rc;
}

int rd_replace_close(rd_replace *r, rd_error *err)
{
    int done = finish_tmp(r, 0), e = errno, closed = fclose(r->f) == 0;
    r->f = NULL;
    if (done && closed)
        return RD_OK;
    char *target = r->target;
    r->target = NULL;
    int rc = fail(r, err, target, done ? errno : e);
    free(target);
    return rc;
}

int rd_replace_rename(rd_replace *r, rd_error *err)
{
    if (rename(r->tmp, r->target) == 0) {
        free(r->tmp);
        r->tmp = NULL;
        rd_replace_abort(r);
        return RD_OK;
    }
    int e = errno;
    char *target = r->target;
    r->target = NULL;
    int rc = fail(r, err, target, e);
    free(target);
    return rc;
}

void rd_replace_abort(rd_replace *r)
{
    if (r->f)
        fclose(r->f);
    if (r->tmp)
        unlink(r->tmp);
    free(r->tmp);
    free(r->target);
    *r = (rd_replace){.mode = -1, .uid = -1, .gid = -1};
}

int rd_write_file(const char *path, const void *data, size_t len, int flags, const rd_stamp *expect,
                  rd_error *err)
{
    rd_replace r;
    int rc = rd_replace_begin(&r, path, flags, err);
    if (rc < 0)
        return rc;
    r.expect = expect;
    if (fwrite(data, 1, len, r.f) != len)
        return fail(&r, err, path, errno);
    return rd_replace_commit(&r, err);
}
