/* db/repos.h — repositories' metadata from the forges' APIs: which linked
 * repositories need it (none fresh within max_age), the APIs' answers read
 * with SQLite's JSON functions into a temporary table, then stored in
 * `repos` (keyed by forge and canonical name) and `repo_links` (each name a
 * link used, and the repository it is). */
#ifndef RD_DB_REPOS_H
#define RD_DB_REPOS_H

#include <stddef.h>
#include <stdint.h>

#include "../catalog/repo.h"
#include "db.h"

typedef struct rd_repo_want {
    rd_forge forge;
    char *key;  /* forge:owner/name, lower-cased (rd_repo_key) */
    char *name; /* owner/name: the part of key after the forge */
} rd_repo_want;

/* The repositories the stored catalog links, in the order it first links
 * them, without a stored answer younger than max_age_ms, into *out (the
 * caller frees it with rd_repos_wanted_free); *linked gets how many
 * repositories it links in all. */
int rd_repos_wanted(rd_db *db, int64_t max_age_ms, rd_repo_want **out, size_t *n, size_t *linked,
                    rd_error *err);
void rd_repos_wanted_free(rd_repo_want *w, size_t n);

/* GitHub's GraphQL answer for batch[0..n), asked as aliases r0..r(n-1):
 * each alias that is an object becomes an answer, each null with a
 * NOT_FOUND error a gone repository. *bad counts aliases whose answer is
 * neither (a name or a field that is not what GitHub sends). A body that is
 * not JSON, or has no data, is RD_EINPUT and adds nothing. */
int rd_repos_answer_graphql(rd_db *db, const char *json, size_t len, const rd_repo_want *batch,
                            size_t n, size_t *bad, rd_error *err);

/* A REST answer for one repository (GitHub /repos, GitLab /projects, Gitea
 * /repos): HTTP 404 or 410 is a gone one; 200 with an object is an answer.
 * Returns RD_OK when it added an answer, RD_EINPUT when the body is not what
 * the forge sends (then nothing is added). */
int rd_repos_answer_rest(rd_db *db, const rd_repo_want *w, int status, const char *json, size_t len,
                         rd_error *err);

typedef struct rd_repos_stored {
    size_t stored, renamed, archived, gone;
} rd_repos_stored;

/* Stores the answers added since the last call, in one transaction, as
 * fetched now, and adds what they were to *c. */
int rd_repos_store(rd_db *db, rd_repos_stored *c, rd_error *err);

/* What is stored for a linked repository, for check --repos. */
typedef struct rd_repo_info {
    int gone;
    char name[RD_REPO_NAME_MAX]; /* canonical (a gone one's: as linked) */
} rd_repo_info;

typedef struct rd_repo_lookup rd_repo_lookup;

/* A statement prepared once for many rd_repos_lookup calls; the caller
 * closes it with rd_repos_lookup_close. */
int rd_repos_lookup_open(rd_db *db, int64_t max_age_ms, rd_repo_lookup **out, rd_error *err);
/* The answer stored for key within max_age: 1 and *info filled, 0 when
 * there is none, or an RD_E* code. */
int rd_repos_lookup(rd_repo_lookup *lk, const char *key, rd_repo_info *info, rd_error *err);
void rd_repos_lookup_close(rd_repo_lookup *lk);

/* One finding of `refdex stale`: an entry whose repository is gone,
 * renamed, archived, or not pushed to since the cutoff. Strings are valid
 * during the callback. */
typedef struct rd_stale_row {
    int line, col;
    const char *entry, *url;  /* the entry's name and its link as written */
    const char *kind;         /* "gone", "renamed", "archived", "stale" */
    const char *forge, *repo; /* the repository's canonical name */
    const char *moved_to;     /* renamed: the link with the canonical name; else NULL */
    const char *pushed_at;    /* NULL when not known */
    const char *fetched_at;
    int64_t stars;    /* -1 when not known */
    const char *json; /* the row as a JSON object, made by SQLite */
} rd_stale_row;

/* Calls cb for each finding, in catalog order (an entry's in the order of
 * kinds above), for repositories not pushed to since `cutoff` (ISO 8601,
 * UTC); cb returns non-zero to stop. */
int rd_repos_stale(rd_db *db, const char *cutoff, const char *file,
                   int (*cb)(const rd_stale_row *, void *), void *ud, rd_error *err);

/* Each linked URL whose repository was renamed, with the URL that names it
 * by its canonical name (the rest of the path kept), for `fix`. */
int rd_repos_renamed(rd_db *db, int (*cb)(const char *url, const char *moved_to, void *), void *ud,
                     rd_error *err);

#endif
