/* catalog/fix.c — the rules of `fix`: which links change and to what, and
 * applying the changes to the catalog's text, byte for byte.
 *
 * A link moves to where its latest check says it permanently redirects, to
 * its archived copy when it is dead and one was found (fix --archive), or
 * gets "https://" when it was written without a scheme. A redirect to a login
 * page or to the site's root is left alone. What a server sent is never
 * pasted as it came: only an http(s) target, with what Markdown would read
 * percent-encoded, and only when the changed text parses to the same catalog
 * with just those links changed. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Why a redirect's target must not replace the link: a login page, or the
 * site's root when the link was not. NULL when it may. */
static const char *suspicious_target(const char *from, const char *to)
{
    static const char *const words[] = {"login", "signin", "sign-in", "sign_in",
                                        "auth",  "sso",    "session", "account"};
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

/* Where the entry's destination starts in text: after its "](" (and a "<").
 * The entries come in source order: c keeps the place of the one before. */
static int find_destination(const char *text, size_t len, const rd_entry *e, size_t *at,
                            rd_text_cursor *c)
{
    size_t start = rd_text_offset_from(text, len, e->link_pos, c), n = strlen(e->url_raw);
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

/* Whether s (at an '&') starts what CommonMark reads as a character
 * reference: "&name;", "&#123;" or "&#x1F;". */
static int starts_reference(const char *s)
{
    size_t n = s[1] == '#' ? (s[2] == 'x' || s[2] == 'X' ? 3 : 2) : 1;
    size_t k = strspn(s + n, n == 3   ? "0123456789abcdefABCDEF"
                             : n == 2 ? "0123456789"
                                      : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789");
    return k > 0 && s[n + k] == ';';
}

int rd_fix_destination(const char *url, rd_buf *out)
{
    if (strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
        return 0;
    for (const unsigned char *s = (const unsigned char *)url; *s; s++) {
        if (*s <= 0x20 || *s >= 0x7F || strchr("()<>\"`\\{}|^", *s))
            rd_buf_printf(out, "%%%02X", *s);
        else if (*s == '&' && starts_reference((const char *)s))
            rd_buf_puts(out, "&amp;"); /* an '&', not the character it would name */
        else
            rd_buf_putc(out, (char)*s);
    }
    return !out->oom;
}

/* Whether a destination written by rd_fix_destination reads as url: the
 * same bytes, but each "&amp;" in it is an '&' (a backslash would not do:
 * cmark reads character references in a destination before escapes). */
static int reads_as(const char *written, const char *url)
{
    while (*url) {
        size_t w = strncmp(written, "&amp;", 5) ? 1 : 5;
        if ((w == 5 ? '&' : *written) != *url)
            return 0;
        written += w;
        url++;
    }
    return !*written;
}

/* Decides what happens to one entry: a change, a refusal, or nothing (0). */
static int plan_entry(const rd_catalog *cat, int i, const char *text, size_t len,
                      rd_fix_lookup lookup, void *ud, rd_fix *f, rd_text_cursor *c)
{
    const rd_entry *e = &cat->entries[i];
    if (!e->url_raw || !e->url)
        return 0;
    const rd_fix_check *k = lookup ? lookup(e->url, ud) : NULL;
    const char *target = NULL;
    *f = (rd_fix){.entry = i};
    if (k && k->result == RD_RES_REDIRECT && k->final_url) {
        target = k->final_url;
        f->why = "moved permanently";
        int web = !strncmp(target, "https://", 8) || !strncmp(target, "http://", 7);
        const char *bad = web ? suspicious_target(e->url, target) : "it is not an http(s) URL";
        if (bad) {
            f->skipped = 1;
            snprintf(f->note, sizeof f->note, "%s redirects to %.200s, but %s", e->url_raw, target,
                     bad);
            return 1;
        }
    } else if (k && k->archive_url && rd_result_fails(k->result, 0)) {
        target = k->archive_url;
        f->why = "dead link: its archived copy";
        if (strncmp(target, "https://", 8) && strncmp(target, "http://", 7)) {
            f->skipped = 1;
            snprintf(f->note, sizeof f->note,
                     "%s is dead, but its archived copy %.200s is not an "
                     "http(s) URL",
                     e->url_raw, target);
            return 1;
        }
    } else if (e->missing_scheme) {
        target = e->url;
        f->why = "no scheme";
    } else {
        return 0;
    }
    rd_buf b = {0};
    if (!rd_fix_destination(target, &b)) { /* http(s) was checked: out of memory */
        rd_buf_free(&b);
        return RD_ENOMEM;
    }
    if (reads_as(b.data, e->url_raw)) {
        rd_buf_free(&b);
        return 0;
    }
    if (!find_destination(text, len, e, &f->at, c)) {
        f->skipped = 1;
        snprintf(f->note, sizeof f->note, "cannot find %s in the source", e->url_raw);
        rd_buf_free(&b);
        return 1;
    }
    f->len = strlen(e->url_raw);
    f->with = rd_buf_take(&b);
    return 1;
}

int rd_fix_plan(const rd_catalog *cat, const char *text, size_t len, rd_text_cursor *c,
                rd_fix_lookup lookup, void *ud, rd_fix **out, size_t *n, rd_error *err)
{
    *out = NULL;
    *n = 0;
    rd_fix *v = malloc((cat->nentries + 1) * sizeof *v);
    if (!v)
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    for (size_t i = 0; i < cat->nentries; i++) {
        int r = plan_entry(cat, (int)i, text, len, lookup, ud, &v[*n], c);
        if (r < 0) {
            rd_fix_free(v, *n);
            *n = 0;
            return rd_error_set(err, RD_ENOMEM, "out of memory");
        }
        *n += (size_t)r;
    }
    *out = v;
    return RD_OK;
}

/* Whether after holds before's catalog with exactly the planned links
 * changed: the same entries, names, descriptions and nesting. -1 when out
 * of memory. */
static int only_links_changed(const rd_catalog *before, const rd_catalog *after, const rd_fix *f,
                              size_t n, char *why, size_t wn)
{
    if (before->nentries != after->nentries || before->ncategories != after->ncategories ||
        before->nnotes != after->nnotes) {
        snprintf(why, wn, "the changed text reads as another catalog");
        return 0;
    }
    const char **with_of = calloc(before->nentries + 1, sizeof *with_of); /* by entry */
    if (!with_of)
        return -1;
    for (size_t k = 0; k < n; k++)
        if (!f[k].skipped && f[k].entry >= 0 && (size_t)f[k].entry < before->nentries)
            with_of[f[k].entry] = f[k].with;
    for (size_t i = 0; i < before->nentries; i++) {
        const rd_entry *x = &before->entries[i], *y = &after->entries[i];
        const char *with = with_of[i];
        if (strcmp(x->name, y->name) || strcmp(x->description, y->description) ||
            x->parent != y->parent || x->category != y->category || !x->url_raw != !y->url_raw ||
            (with ? !reads_as(with, y->url_raw) : x->url_raw && strcmp(x->url_raw, y->url_raw))) {
            snprintf(why, wn, "'%s' (line %d) would not read back as its new link", x->name,
                     x->link_pos.line);
            free(with_of);
            return 0;
        }
    }
    free(with_of);
    return 1;
}

static int by_offset(const void *a, const void *b)
{
    const rd_fix *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

int rd_fix_apply(const rd_catalog *cat, const char *text, size_t len, rd_fix *f, size_t n,
                 char **out, rd_error *err)
{
    *out = NULL;
    qsort(f, n, sizeof *f, by_offset);
    rd_buf b = {0};
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (f[i].skipped || f[i].at < from)
            continue;
        rd_buf_append(&b, text + from, f[i].at - from);
        rd_buf_puts(&b, f[i].with);
        from = f[i].at + f[i].len;
    }
    rd_buf_append(&b, text + from, len - from);
    if (b.oom) {
        rd_buf_free(&b);
        return rd_error_set(err, RD_ENOMEM, "out of memory");
    }
    rd_catalog *after = NULL;
    char why[300];
    int rc = rd_catalog_parse(cat->file, b.data, b.len, (long long)b.len + 1, &after, err);
    int same = rc == RD_OK ? only_links_changed(cat, after, f, n, why, sizeof why) : 1;
    if (same < 0)
        rc = rd_error_set(err, RD_ENOMEM, "out of memory");
    else if (!same)
        rc = rd_error_set(err, RD_EINTERNAL,
                          "%s: fixing would change more than links (%s); "
                          "nothing written",
                          cat->file, why);
    rd_catalog_free(after);
    if (rc == RD_OK)
        *out = rd_buf_take(&b);
    rd_buf_free(&b);
    return rc;
}

void rd_fix_free(rd_fix *f, size_t n)
{
    for (size_t i = 0; f && i < n; i++)
        free(f[i].with);
    free(f);
}
