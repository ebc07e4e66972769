/* catalog/url.c — link destinations: classify, normalise (curl's URL API). */
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Length of an RFC 3986 scheme at s followed by ':', or 0. */
static size_t scheme_length(const char *s)
{
    if (!isalpha((unsigned char)s[0]))
        return 0;
    size_t i = 1;
    while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
        i++;
    if (s[i] != ':')
        return 0;
    /* "example.com:8080/x" is a host and port, not a scheme. */
    if (memchr(s, '.', i) && isdigit((unsigned char)s[i + 1]))
        return 0;
    return i;
}

/* True when s starts with something that can only be a host name: labels of
 * letters, digits and '-', at least one dot, an alphabetic top-level label,
 * then '/' (or "www." in front), e.g. "github.com/pkg/errors". */
static int looks_like_host_path(const char *s)
{
    size_t n = strcspn(s, "/?#");
    size_t hostlen = strcspn(s, ":/?#");
    if (hostlen == 0 || !memchr(s, '.', hostlen) || s[0] == '.' || s[hostlen - 1] == '.')
        return 0;
    for (size_t i = 0; i < hostlen; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) || c == '-' || c == '.' || c >= 0x80))
            return 0;
    }
    const char *tld = s + hostlen;
    while (tld > s && tld[-1] != '.')
        tld--;
    size_t tldlen = (size_t)(s + hostlen - tld);
    if (tldlen < 2)
        return 0;
    for (size_t i = 0; i < tldlen; i++)
        if (!isalpha((unsigned char)tld[i]) && (unsigned char)tld[i] < 0x80)
            return 0;
    return s[n] == '/' || strncmp(s, "www.", 4) == 0;
}

static void lower_ascii(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* Whether the authority of an absolute URL ("user@Host:80") has an upper-case
 * letter: only then is the host read back and lowered, which costs a third of
 * the work of normalising. */
static int authority_has_upper(const char *url)
{
    const char *s = strstr(url, "://");
    for (s = s ? s + 3 : url; *s && !strchr("/?#", *s); s++)
        if (isupper((unsigned char)*s))
            return 1;
    return 0;
}

/* Parses an absolute URL with curl, lower-cases the host, drops a default port,
 * and stores the reassembled URL. */
static int normalise_with_curl(const char *url, rd_url_info *info)
{
    CURLU *h = curl_url();
    if (!h)
        return RD_ENOMEM;
    char *host = NULL, *out = NULL;
    CURLUcode rc = curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
    if (rc == CURLUE_OK && authority_has_upper(url)) {
        rc = curl_url_get(h, CURLUPART_HOST, &host, 0);
        if (rc == CURLUE_NO_HOST) /* file:///x has none */
            rc = CURLUE_OK;
        else if (rc == CURLUE_OK) {
            lower_ascii(host);
            rc = curl_url_set(h, CURLUPART_HOST, host, 0);
        }
    }
    if (rc == CURLUE_OK)
        rc = curl_url_get(h, CURLUPART_URL, &out, CURLU_NO_DEFAULT_PORT);
    int ret = RD_OK;
    if (rc == CURLUE_OK) {
        info->normalised = strdup(out);
        if (!info->normalised)
            ret = RD_ENOMEM;
    } else if (rc == CURLUE_OUT_OF_MEMORY) {
        ret = RD_ENOMEM;
    } else {
        info->kind = RD_URL_INVALID;
        snprintf(info->error, sizeof info->error, "%s", curl_url_strerror(rc));
    }
    curl_free(host);
    curl_free(out);
    curl_url_cleanup(h);
    return ret;
}

static int mailto_valid(const char *addr)
{
    const char *at = strchr(addr, '@');
    size_t n = strcspn(addr, "?");
    return at && at > addr && (size_t)(at - addr) + 1 < n && !strpbrk(addr, " <>\"");
}

int rd_url_normalise(const char *raw, rd_url_info *info)
{
    memset(info, 0, sizeof *info);
    if (!raw)
        return RD_OK;
    while (is_space(*raw))
        raw++;
    size_t len = strlen(raw);
    while (len && is_space(raw[len - 1]))
        len--;
    char *s = strndup(raw, len);
    if (!s)
        return RD_ENOMEM;
    int ret = RD_OK;
    size_t sl = scheme_length(s);
    if (len == 0) {
        info->kind = RD_URL_INVALID;
        snprintf(info->error, sizeof info->error, "empty link destination");
    } else if (strpbrk(s, " \t\r\n")) {
        info->kind = RD_URL_INVALID;
        snprintf(info->error, sizeof info->error, "white space inside the URL");
    } else if (sl) {
        for (size_t i = 0; i < sl; i++)
            s[i] = (char)tolower((unsigned char)s[i]);
        if ((sl == 4 && !strncmp(s, "http", 4)) || (sl == 5 && !strncmp(s, "https", 5))) {
            info->kind = RD_URL_WEB;
            ret = normalise_with_curl(s, info);
        } else if (sl == 4 && !strncmp(s, "file", 4)) {
            info->kind = RD_URL_FILE;
            ret = normalise_with_curl(s, info);
        } else if (sl == 6 && !strncmp(s, "mailto", 6)) {
            info->kind = mailto_valid(s + 7) ? RD_URL_MAILTO : RD_URL_INVALID;
            if (info->kind == RD_URL_INVALID)
                snprintf(info->error, sizeof info->error, "not an e-mail address");
            else if (!(info->normalised = strdup(s)))
                ret = RD_ENOMEM;
        } else if ((sl == 10 && !strncmp(s, "javascript", 10)) ||
                   (sl == 4 && !strncmp(s, "data", 4)) || (sl == 8 && !strncmp(s, "vbscript", 8))) {
            info->kind = RD_URL_UNSAFE;
        } else {
            info->kind = RD_URL_OTHER;
            if (!(info->normalised = strdup(s)))
                ret = RD_ENOMEM;
        }
    } else if (s[0] != '/' && s[0] != '.' && looks_like_host_path(s)) {
        info->kind = RD_URL_WEB;
        info->missing_scheme = 1;
        size_t n = len + sizeof "https://";
        char *withscheme = malloc(n);
        if (!withscheme) {
            ret = RD_ENOMEM;
        } else {
            snprintf(withscheme, n, "https://%s", s);
            ret = normalise_with_curl(withscheme, info);
            free(withscheme);
        }
    } else {
        info->kind = RD_URL_RELATIVE;
        if (!(info->normalised = strdup(s)))
            ret = RD_ENOMEM;
    }
    free(s);
    return ret;
}
