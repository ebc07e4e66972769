/* catalog/repo.h — which links name a repository on a forge: github.com/OWNER/REPO,
 * gitlab.com/GROUP/.../PROJECT and codeberg.org/OWNER/REPO (any deeper path names
 * the repository too). Plain string work on a normalised URL; no network. */
#ifndef RD_REPO_H
#define RD_REPO_H

#include <stddef.h>

typedef enum rd_forge {
    RD_FORGE_NONE = 0,
    RD_FORGE_GITHUB,  /* github.com: GraphQL, or REST without a token */
    RD_FORGE_GITLAB,  /* gitlab.com: REST /projects/:id */
    RD_FORGE_CODEBERG /* codeberg.org: Gitea's REST /repos/:owner/:repo */
} rd_forge;

enum { RD_REPO_NAME_MAX = 256 };

typedef struct rd_repo_ref {
    rd_forge forge;
    char name[RD_REPO_NAME_MAX]; /* OWNER/REPO (GROUP/SUB/PROJECT) as the link spells it */
    size_t rest;                 /* where the URL goes on past the name (its length if not) */
} rd_repo_ref;

/* Whether url (normalised: scheme and host lower-cased) names a repository;
 * fills *ref when it does. Names hold only letters, digits, '.', '_' and '-'
 * between their slashes, so a name is safe in a URL, a query and Markdown. */
int rd_repo_of_url(const char *url, rd_repo_ref *ref);

/* "forge:owner/repo" lower-cased (forges compare names without case), the
 * key under which a linked repository is stored; "" when url names none. */
void rd_repo_key(const char *url, char *out, size_t cap);

/* "github", "gitlab", "codeberg"; NULL for RD_FORGE_NONE. */
const char *rd_forge_name(rd_forge f);
rd_forge rd_forge_of_name(const char *name);

/* Whether name is one a forge could answer with: segments of letters,
 * digits, '.', '_' and '-' (not "." or ".."), two for GitHub and Codeberg,
 * two to twenty for GitLab (none of them "-", where GitLab's pages of a
 * project begin). What an API says is checked with it before it is
 * stored or written into a catalog. */
int rd_repo_name_valid(rd_forge f, const char *name);

/* The repository's web address: "https://github.com/" name. */
void rd_repo_url(rd_forge f, const char *name, char *out, size_t cap);

#endif
