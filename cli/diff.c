/* cli/diff.c — check --diff REV: which lines of the catalog changed since
 * REV, from `git diff -U0`, run with an argument vector (posix_spawn, no
 * shell): a REV or a file name is never read as shell words. */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

extern char **environ;

enum { GIT_OUTPUT_MAX = 64 << 20 }; /* a diff of a catalog is far smaller */

/* Runs git with argv (argv[0] "git") in dir, its stdout and stderr into
 * *out (malloc'd, NUL-terminated; the caller frees it). Returns git's exit
 * status, 127 when there is no git to run, or -1 (said) when it could not
 * be run or said too much. */
static int run_git(char *const argv[], char **out, size_t *len)
{
    int fd[2];
    *out = NULL;
    *len = 0;
    if (pipe(fd) < 0) {
        fprintf(stderr, "refdex: --diff: cannot make a pipe: %s\n", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 2);
    posix_spawn_file_actions_addclose(&fa, fd[1]);
    pid_t pid;
    int e = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    if (e) {
        close(fd[0]);
        return e == ENOENT
                   ? 127
                   : (fprintf(stderr, "refdex: --diff: cannot run git: %s\n", strerror(e)), -1);
    }
    rd_buf b = {0};
    char chunk[65536];
    ssize_t got;
    while ((got = read(fd[0], chunk, sizeof chunk)) > 0 || (got < 0 && errno == EINTR))
        if (got > 0 && b.len < GIT_OUTPUT_MAX)
            rd_buf_append(&b, chunk, (size_t)got);
    close(fd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (b.oom || b.len >= GIT_OUTPUT_MAX) {
        rd_buf_free(&b);
        fputs("refdex: --diff: git's diff is too large, or out of memory\n", stderr);
        return -1;
    }
    rd_buf_putc(&b, '\0');
    *len = b.len - 1;
    *out = rd_buf_take(&b);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* git's first "fatal:"/"error:" line, for a message. */
static void say_git(const char *out)
{
    const char *f = strstr(out, "fatal: ");
    if (!f)
        f = strstr(out, "error: ");
    if (f)
        fprintf(stderr, "refdex: git says: %.*s\n", (int)strcspn(f, "\n"), f);
}

int rd_cli_diff(rd_config *cfg)
{
    const char *rev = cfg->diff_rev;
    if (!*rev || rev[0] == '-') {
        fprintf(stderr, "refdex: --diff takes a git revision (origin/main, HEAD~1), not '%s'\n",
                rev);
        return RD_EXIT_USAGE;
    }
    const char *slash = strrchr(cfg->file, '/');
    char *dir = slash ? strndup(cfg->file, (size_t)(slash - cfg->file) + 1) : strdup(".");
    char *commit = malloc(strlen(rev) + 10);
    if (!dir || !commit) {
        free(dir);
        free(commit);
        fputs("refdex: out of memory\n", stderr);
        return RD_EXIT_INTERNAL;
    }
    sprintf(commit, "%s^{commit}", rev);
    const char *base = slash ? slash + 1 : cfg->file;
    char *verify[] = {"git", "-C", dir, "rev-parse", "--verify", "--quiet", commit, NULL};
    char *diff[] = {
        "git",           "-C",           dir,         "diff", "-U0",        "--no-color",
        "--no-ext-diff", "--no-renames", (char *)rev, "--",   (char *)base, NULL};
    char *out = NULL;
    size_t len;
    int rc = RD_EXIT_OK, st = run_git(verify, &out, &len);
    if (st == 127) {
        fputs("refdex: --diff runs git, which is not installed (not found in PATH)\n", stderr);
        rc = RD_EXIT_USAGE;
    } else if (st == 1) {
        fprintf(stderr, "refdex: --diff %s: no such revision in the git repository of %s\n", rev,
                cfg->file);
        rc = RD_EXIT_USAGE;
    } else if (st != 0) {
        if (st > 0) {
            fprintf(stderr, "refdex: --diff: %s is not in a git repository\n", cfg->file);
            say_git(out ? out : "");
        }
        rc = RD_EXIT_USAGE;
    }
    free(out);
    out = NULL;
    if (rc == RD_EXIT_OK && (st = run_git(diff, &out, &len)) != 0) {
        fprintf(stderr, "refdex: --diff %s: git diff failed (exit %d)\n", rev, st);
        say_git(out ? out : "");
        rc = RD_EXIT_USAGE;
    }
    if (rc == RD_EXIT_OK && rd_diff_lines(out, len, &cfg->diff_lines, &cfg->ndiff) < 0) {
        fputs("refdex: out of memory\n", stderr);
        rc = RD_EXIT_INTERNAL;
    }
    free(out);
    free(dir);
    free(commit);
    return rc;
}
