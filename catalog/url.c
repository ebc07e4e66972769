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

/* The common case without curl: "http(s)://host[:port][/path?query#frag]"
 * with a host of letters, digits, '-' and '.', and a path, query and
 * fragment of printable ASCII without dot segments or backslashes. It gives
 * exactly what normalise_with_curl gives (tests/test_catalog.c compares the
 * two on every link of the lists in tests/data); anything else returns 0 and
 * is left to curl. */
static int normalise_fast(const char *url, rd_url_info *info)
{
    size_t sl = url[4] == 's' ? 5 : 4; /* "http" or "https", lower case already */
    if (strncmp(url + sl, "://", 3) != 0)
        return 0;
    const char *host = url + sl + 3, *p = host;
    while (isalnum((unsigned char)*p) || *p == '-' || *p == '.')
        p++;
    size_t hostlen = (size_t)(p - host);
    if (hostlen == 0 || host[0] == '.' || host[0] == '-' || host[hostlen - 1] == '.' ||
        memmem(host, hostlen, "..", 2))
        return 0;
    const char *tld = p;
    while (tld > host && tld[-1] != '.')
        tld--;
    if (isdigit((unsigned char)*tld)) /* an IPv4 address in one of its forms: curl's to read */
        return 0;
    const char *port = NULL;
    size_t portlen = 0;
    if (*p == ':') {
        port = ++p;
        while (isdigit((unsigned char)*p))
            p++;
        portlen = (size_t)(p - port);
        if (portlen == 0 || portlen > 5 || port[0] == '0' || atoi(port) > 65535)
            return 0;
    }
    const char *rest = p;
    if (*rest && *rest != '/')
        return 0;
    size_t pathlen = strcspn(rest, "?#");
    for (const char *q = rest; *q; q++)
        if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f || *q == '\\' ||
            ((*q == '?' || *q == '#') && (!q[1] || q[1] == '#'))) /* curl drops an empty one */
            return 0;
    for (const char *q = rest; q < rest + pathlen; q++)
        if (q[0] == '/' && q[1] == '.')
            return 0;
    int dflt = port && ((sl == 4 && portlen == 2 && !memcmp(port, "80", 2)) ||
                        (sl == 5 && portlen == 3 && !memcmp(port, "443", 3)));
    size_t keep_port = port && !dflt ? portlen + 1 : 0;
    size_t n = sl + 3 + hostlen + keep_port + (*rest ? strlen(rest) : 1);
    char *out = malloc(n + 1);
    if (!out)
        return -1;
    char *o = out;
    memcpy(o, url, sl + 3);
    o += sl + 3;
    for (size_t i = 0; i < hostlen; i++)
        *o++ = (char)tolower((unsigned char)host[i]);
    if (keep_port) {
        memcpy(o, port - 1, keep_port);
        o += keep_port;
    }
    strcpy(o, *rest ? rest : "/");
    info->normalised = out;
    return 1;
}

/* Normalises an absolute http(s) URL: the fast path, or curl. */
static int normalise_web(const char *url, rd_url_info *info, int use_fast)
{
    int fast = use_fast ? normalise_fast(url, info) : 0;
    return fast < 0 ? RD_ENOMEM : fast ? RD_OK : normalise_with_curl(url, info);
}

static int mailto_valid(const char *addr)
{
    const char *at = strchr(addr, '@');
    size_t n = strcspn(addr, "?");
    return at && at > addr && (size_t)(at - addr) + 1 < n && !strpbrk(addr, " <>\"");
}

static int url_normalise(const char *raw, rd_url_info *info, int use_fast)
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
            ret = normalise_web(s, info, use_fast);
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
            ret = normalise_web(withscheme, info, use_fast);
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

int rd_url_normalise(const char *raw, rd_url_info *info)
{
    return url_normalise(raw, info, 1);
}

int rd_url_normalise_curl(const char *raw, rd_url_info *info)
{
    return url_normalise(raw, info, 0);
}
