/* cli/edit.c — commands that rewrite the catalog: fmt and fix. Both write
 * through a temporary file and a rename, so the catalog is never half written. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Replaces path with data[0..len), atomically, keeping its permissions. */
static int write_atomically(const char *path, const char *data, size_t len)
{
    struct stat st;
    mode_t mode = stat(path, &st) == 0 ? st.st_mode & 07777 : 0644;
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.refdex~", path);
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    ok = f && fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
    ok = f && fclose(f) == 0 && ok;
    ok = ok && chmod(tmp, mode) == 0 && rename(tmp, path) == 0;
    int e = errno;
    if (!ok) {
        unlink(tmp);
        fprintf(stderr, "refdex: %s: cannot write: %s\n", path, strerror(e));
    }
    free(tmp);
    return ok ? 0 : -1;
}

/* Where a and b first differ, as one hunk of lines: enough for --check. */
static void show_difference(const char *file, const char *a, const char *b)
{
    int line = 1;
    while (*a && *a == *b) {
        line += *a == '\n';
        a++, b++;
    }
    while (line > 1 && a[-1] != '\n') /* back to the start of the line */
        a--, b--;
    const char *ends[2] = {a + strlen(a), b + strlen(b)};
    for (int k = 0; k < 2; k++) {
        const char *p = k ? b : a;
        for (int shown = 0; p < ends[k] && shown < 6; shown++) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            printf("%s:%d: %c %.*s\n", file, line + shown, k ? '+' : '-', (int)n, p);
            p += n + (nl != NULL);
        }
    }
}

int rd_cmd_fmt(rd_config *cfg)
{
    char *text = NULL, *out = NULL;
    size_t len;
    rd_error err = {0};
    int rc = rd_read_file(cfg->file, cfg->max_input, &text, &len, &err);
    if (rc == RD_OK)
        rc = rd_markdown_format(cfg->file, text, len, &cfg->fmt_style, &out, &err);
    if (rc < 0) {
        rd_cli_error(&err);
        free(text);
        return rd_exit_for(rc);
    }
    int same = strlen(out) == len && !memcmp(out, text, len);
    int ret = RD_EXIT_OK;
    if (cfg->fmt_check) {
        if (!same) {
            show_difference(cfg->file, text, out);
            fprintf(stderr, "%s: not in canonical form; 'refdex fmt -w %s' rewrites it\n",
                    cfg->file, cfg->file);
            ret = RD_EXIT_FINDINGS;
        }
    } else if (cfg->fmt_write) {
        if (!same && write_atomically(cfg->file, out, strlen(out)) < 0)
            ret = RD_EXIT_INTERNAL;
        else if (cfg->verbosity >= 0)
            fprintf(stderr, "%s: %s\n", cfg->file, same ? "already canonical" : "rewritten");
    } else {
        fputs(out, stdout);
    }
    free(text);
    free(out);
    return ret;
}

/* ---- fix ---- */

typedef struct change {
    size_t at, len;
    const char *with;
    const rd_entry *entry;
    const char *why;
} change;

typedef struct last_check {
    char *url, *result, *final; /* final may be NULL */
} last_check;

typedef struct latest {
    rd_strmap index; /* url → position in v */
    last_check *v;
    size_t n, cap;
} latest;

static int keep_latest(const char *url, const char *result, const char *final_url, void *ud)
{
    latest *l = ud;
    last_check *v = rd_grow(l->v, &l->cap, l->n, sizeof *v);
    if (!v)
        return RD_ENOMEM;
    l->v = v;
    last_check *c = &l->v[l->n];
    *c = (last_check){strdup(url), strdup(result), final_url ? strdup(final_url) : NULL};
    l->n++; /* counted now, so free_latest frees it whatever happens next */
    if (!c->url || !c->result || (final_url && !c->final))
        return RD_ENOMEM;
    return rd_strmap_add(&l->index, c->url, (int)l->n - 1, NULL) < 0 ? RD_ENOMEM : 0;
}

static void free_latest(latest *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].url);
        free(l->v[i].result);
        free(l->v[i].final);
    }
    free(l->v);
    rd_strmap_free(&l->index);
}

/* Why a redirect's target must not replace the link: a login page, or the
 * site's root when the link was not. NULL when it may. */
static const char *suspicious_target(const char *from, const char *to)
{
    static const char *const words[] = {"login", "signin", "sign-in", "sign_in", "auth",
                                        "sso",   "session", "account"};
    char *path = NULL, *query = NULL, *from_path = NULL;
    CURLU *u = curl_url(), *f = curl_url();
    const char *why = NULL;
    if (!u || !f || curl_url_set(u, CURLUPART_URL, to, 0) ||
        curl_url_set(f, CURLUPART_URL, from, 0)) {
        why = "the new URL does not parse";
    } else {
        curl_url_get(u, CURLUPART_PATH, &path, 0);
        curl_url_get(u, CURLUPART_QUERY, &query, 0);
        curl_url_get(f, CURLUPART_PATH, &from_path, 0);
        if (path && !strcmp(path, "/") && from_path && strcmp(from_path, "/"))
            why = "it goes to the site's root page";
        for (size_t i = 0; !why && i < sizeof words / sizeof *words; i++)
            if ((path && strcasestr(path, words[i])) || (query && strcasestr(query, words[i])))
                why = "it goes to a login page";
    }
    curl_free(path);
    curl_free(query);
    curl_free(from_path);
    curl_url_cleanup(u);
    curl_url_cleanup(f);
    return why;
}

/* Where the entry's destination starts in text: after its "](" (and a "<"). */
static int find_destination(const char *text, size_t len, const rd_entry *e, size_t *at)
{
    size_t start = rd_text_offset(text, len, e->link_pos), n = strlen(e->url_raw);
    for (size_t i = start; i + 2 <= len && i < start + 8192; i++) {
        if (text[i] != ']' || text[i + 1] != '(')
            continue;
        size_t d = i + 2;
        while (d < len && (text[d] == ' ' || text[d] == '\t' || text[d] == '<'))
            d++;
        if (d + n <= len && !memcmp(text + d, e->url_raw, n)) {
            *at = d;
            return 1;
        }
    }
    return 0;
}

/* What fix would change: permanent redirects (from the last check) and
 * scheme-less links. Skipped ones are said on stderr. */
static size_t plan_fixes(const rd_config *cfg, const rd_catalog *cat, const char *text,
                         size_t len, const latest *l, change *out)
{
    size_t n = 0;
    for (size_t i = 0; i < cat->nentries; i++) {
        const rd_entry *e = &cat->entries[i];
        if (!e->url_raw || !e->url)
            continue;
        int k = rd_strmap_get(&l->index, e->url);
        const char *with = NULL, *why = NULL;
        if (k >= 0 &&
            !strcmp(l->v[k].result, "redirect") && l->v[k].final) {
            const char *bad = suspicious_target(e->url, l->v[k].final);
            if (bad) {
                fprintf(stderr, "%s:%d:%d: left as is: %s redirects to %s, but %s\n", cfg->file,
                        e->link_pos.line, e->link_pos.col, e->url_raw, l->v[k].final, bad);
                continue;
            }
            with = l->v[k].final, why = "moved permanently";
        } else if (e->missing_scheme) {
            with = e->url, why = "no scheme";
        }
        size_t at;
        if (!with || !strcmp(with, e->url_raw))
            continue;
        if (!find_destination(text, len, e, &at)) {
            fprintf(stderr, "%s:%d:%d: left as is: cannot find %s in the source\n", cfg->file,
                    e->link_pos.line, e->link_pos.col, e->url_raw);
            continue;
        }
        out[n++] = (change){at, strlen(e->url_raw), with, e, why};
    }
    return n;
}

static int by_offset(const void *a, const void *b)
{
    const change *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

int rd_cmd_fix(rd_config *cfg)
{
    rd_catalog *cat = NULL;
    char *text = NULL;
    size_t len;
    int rc = rd_cli_load(cfg, &cat, &text, &len);
    if (rc != RD_EXIT_OK)
        return rc;
    latest l = {0};
    rd_error err = {0};
    rd_db *db = NULL;
    int e = rd_db_open(cfg->db_path, RD_DB_READONLY, &db, &err);
    if (e == RD_ENOTFOUND) /* never checked: only scheme-less links to fix */
        e = RD_OK;
    else if (e == RD_OK)
        e = rd_db_latest_checks(db, keep_latest, &l, &err);
    rd_db_close(db);
    change *ch = e == RD_OK ? malloc((cat->nentries + 1) * sizeof *ch) : NULL;
    if (e == RD_OK && !ch)
        e = rd_error_set(&err, RD_ENOMEM, "out of memory");
    if (e < 0) {
        rd_cli_error(&err);
        rc = rd_exit_for(e);
    } else {
        size_t n = plan_fixes(cfg, cat, text, len, &l, ch);
        qsort(ch, n, sizeof *ch, by_offset);
        rd_buf out = {0};
        size_t from = 0;
        for (size_t i = 0; i < n; i++) {
            printf("%s:%d:%d: %s -> %s (%s)\n", cfg->file, ch[i].entry->link_pos.line,
                   ch[i].entry->link_pos.col, ch[i].entry->url_raw, ch[i].with, ch[i].why);
            rd_buf_append(&out, text + from, ch[i].at - from);
            rd_buf_puts(&out, ch[i].with);
            from = ch[i].at + ch[i].len;
        }
        rd_buf_append(&out, text + from, len - from);
        if (n == 0 && cfg->verbosity >= 0)
            fprintf(stderr, "%s: nothing to fix\n", cfg->file);
        else if (n && cfg->fmt_check && cfg->verbosity >= 0)
            fprintf(stderr, "%s: %zu links would change (--dry-run: not written)\n", cfg->file, n);
        else if (n && write_atomically(cfg->file, out.data, out.len) < 0)
            rc = RD_EXIT_INTERNAL;
        else if (n && cfg->verbosity >= 0)
            fprintf(stderr, "%s: %zu links fixed\n", cfg->file, n);
        rd_buf_free(&out);
    }
    free(ch);
    free_latest(&l);
    free(text);
    rd_catalog_free(cat);
    return rc;
}
