/* catalog/repo.c — recognising repository links (catalog/repo.h). */
#include "repo.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *host;
    rd_forge forge;
} hosts[] = {{"github.com", RD_FORGE_GITHUB},
             {"www.github.com", RD_FORGE_GITHUB},
             {"gitlab.com", RD_FORGE_GITLAB},
             {"www.gitlab.com", RD_FORGE_GITLAB},
             {"codeberg.org", RD_FORGE_CODEBERG}};

/* First path segments that are a forge's own pages, not an owner. */
static const char *const github_reserved[] = {"about",
                                              "apps",
                                              "blog",
                                              "collections",
                                              "contact",
                                              "customer-stories",
                                              "enterprise",
                                              "events",
                                              "explore",
                                              "features",
                                              "issues",
                                              "login",
                                              "marketplace",
                                              "new",
                                              "notifications",
                                              "orgs",
                                              "organizations",
                                              "pricing",
                                              "pulls",
                                              "readme",
                                              "search",
                                              "security",
                                              "settings",
                                              "site",
                                              "sponsors",
                                              "topics",
                                              "trending",
                                              "users",
                                              "codespaces",
                                              "join",
                                              "signup",
                                              "team",
                                              "solutions",
                                              "resources",
                                              "premium-support",
                                              "account",
                                              "dashboard",
                                              "logout",
                                              "password_reset",
                                              "home",
                                              "nonprofit",
                                              "mobile",
                                              "stars",
                                              "watching",
                                              "gist",
                                              "downloads"};
static const char *const gitlab_reserved[] = {
    "explore", "help",     "users", "dashboard", "search",        "api",    "admin", "profile",
    "groups",  "projects", "-",     "snippets",  "abuse_reports", "public", "oauth", "assets"};
static const char *const codeberg_reserved[] = {"explore", "user",   "api",           "admin",
                                                "repo",    "org",    "notifications", "issues",
                                                "pulls",   "assets", "login"};

const char *rd_forge_name(rd_forge f)
{
    switch (f) {
    case RD_FORGE_GITHUB: return "github";
    case RD_FORGE_GITLAB: return "gitlab";
    case RD_FORGE_CODEBERG: return "codeberg";
    default: return NULL;
    }
}

rd_forge rd_forge_of_name(const char *name)
{
    for (int f = RD_FORGE_GITHUB; f <= RD_FORGE_CODEBERG; f++)
        if (!strcmp(name, rd_forge_name((rd_forge)f)))
            return (rd_forge)f;
    return RD_FORGE_NONE;
}

static int name_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '-';
}

/* The length of the path segment at p when it is a valid name segment, else 0. */
static size_t segment(const char *p)
{
    size_t n = 0;
    while (name_char((unsigned char)p[n]))
        n++;
    if (p[n] && !strchr("/?#", p[n]))
        return 0; /* %, +, ~ ...: not a name this recognises */
    if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.') || n > 100)
        return 0;
    return n;
}

static int reserved(rd_forge f, const char *seg, size_t n)
{
    const char *const *list = f == RD_FORGE_GITHUB   ? github_reserved
                              : f == RD_FORGE_GITLAB ? gitlab_reserved
                                                     : codeberg_reserved;
    size_t count = f == RD_FORGE_GITHUB   ? sizeof github_reserved / sizeof *github_reserved
                   : f == RD_FORGE_GITLAB ? sizeof gitlab_reserved / sizeof *gitlab_reserved
                                          : sizeof codeberg_reserved / sizeof *codeberg_reserved;
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && !strncasecmp(list[i], seg, n))
            return 1;
    return 0;
}

int rd_repo_of_url(const char *url, rd_repo_ref *ref)
{
    const char *p = !strncmp(url, "https://", 8)  ? url + 8
                    : !strncmp(url, "http://", 7) ? url + 7
                                                  : NULL;
    if (!p)
        return 0;
    size_t hl = strcspn(p, "/?#");
    rd_forge f = RD_FORGE_NONE;
    for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++)
        if (strlen(hosts[i].host) == hl && !strncmp(hosts[i].host, p, hl))
            f = hosts[i].forge;
    if (f == RD_FORGE_NONE || p[hl] != '/')
        return 0;
    const char *path = p + hl + 1, *q = path;
    int max = f == RD_FORGE_GITLAB ? 20 : 2, nseg = 0;
    const char *end = q;
    while (nseg < max) {
        size_t n = segment(q);
        if (n == 0 || (nseg == 0 && reserved(f, q, n)))
            break;
        if (f == RD_FORGE_GITLAB && n == 1 && *q == '-')
            break; /* gitlab.com/group/project/-/tree/main */
        nseg++;
        end = q + n;
        if (*end != '/')
            break;
        q = end + 1;
    }
    if (nseg < 2 || (f != RD_FORGE_GITLAB && nseg != 2))
        return 0;
    size_t len = (size_t)(end - path);
    while (len >= 5 && !strncmp(path + len - 4, ".git", 4)) /* a clone URL, any number of times */
        len -= 4;
    if (len >= RD_REPO_NAME_MAX || path[len - 1] == '/')
        return 0;
    char name[RD_REPO_NAME_MAX];
    memcpy(name, path, len);
    name[len] = '\0';
    if (!rd_repo_name_valid(f, name)) /* ".git" off "...git" leaves ".." */
        return 0;
    if (ref) {
        ref->forge = f;
        memcpy(ref->name, name, len + 1);
        ref->rest = (size_t)(end - url);
    }
    return 1;
}

void rd_repo_key(const char *url, char *out, size_t cap)
{
    rd_repo_ref r;
    if (cap == 0)
        return;
    out[0] = '\0';
    if (!url || !rd_repo_of_url(url, &r))
        return;
    int n = snprintf(out, cap, "%s:%s", rd_forge_name(r.forge), r.name);
    for (int i = 0; i < n && (size_t)i < cap; i++)
        out[i] = (char)tolower((unsigned char)out[i]);
}

int rd_repo_name_valid(rd_forge f, const char *name)
{
    if (!name || f == RD_FORGE_NONE || strlen(name) >= RD_REPO_NAME_MAX)
        return 0;
    int nseg = 0;
    for (const char *q = name;;) {
        size_t n = 0;
        while (name_char((unsigned char)q[n]))
            n++;
        if (n == 0 || n > 100 || (n == 1 && q[0] == '.') || (n == 2 && !strncmp(q, "..", 2)))
            return 0;
        if (f == RD_FORGE_GITLAB && n == 1 && q[0] == '-')
            return 0; /* where GitLab's own pages of a project start */
        nseg++;
        if (q[n] == '\0')
            break;
        if (q[n] != '/')
            return 0;
        q += n + 1;
    }
    return f == RD_FORGE_GITLAB ? nseg >= 2 && nseg <= 20 : nseg == 2;
}

void rd_repo_url(rd_forge f, const char *name, char *out, size_t cap)
{
    const char *host = f == RD_FORGE_GITHUB   ? "github.com"
                       : f == RD_FORGE_GITLAB ? "gitlab.com"
                                              : "codeberg.org";
    snprintf(out, cap, "https://%s/%s", host, name);
}
