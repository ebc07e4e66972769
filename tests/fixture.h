/* tests/fixture.h — an HTTP fixture server on 127.0.0.1 (libmicrohttpd), for
 * the crawler's tests. It binds an ephemeral port and serves:
 *
 *   /ok/ANY            200, an HTML page titled "Fixture ANY"
 *   /status/N          status N
 *   /flaky/ID?ms=MS    500 the first time for each ID (after MS milliseconds,
 *                      default 0), then 200
 *   /chain/N           301 to /chain/N-1; /chain/0 is 200
 *   /found             302 to /ok/found
 *   /sso, /old-home    301 to /login?next=/sso, and to /
 *   /login, /          200
 *   /perm              308 to /ok/moved
 *   /loop/a, /loop/b   302 to each other
 *   /nohead            405 to HEAD, 200 to GET
 *   /limited/ID?s=S    429 with Retry-After: S (default 1) the first time, then 200
 *   /throttle/ID?status=N&s=S&reset=R
 *                      N (default 429) every time, with Retry-After: S and
 *                      X-RateLimit-Reset: R when given; counts hits per ID
 *   /hang              never answers (until the server stops)
 *   /drip              200, then one byte a second
 *   /endless           200 and a body that never ends
 *   /slow/MS           200 after MS milliseconds; counts requests in flight
 *   /var/NAME          the status in the file var-NAME of the server's current
 *                      folder, read at each request (200 without the file)
 *   /wayback/KIND?url=U&timestamp=T
 *                      a fake of the Wayback Machine's availability API: ok
 *                      (a snapshot /web/20200102030405/U here), none (no
 *                      snapshot), echo (as ok, the timestamp asked for in
 *                      place of the copy's: /web/T/U), gone (only a 404
 *                      archived), js (a
 *                      javascript: snapshot), md (a snapshot URL full of
 *                      Markdown), bad (not JSON), error (503), huge (an
 *                      endless body), hang (never answers)
 *   /count/ID          200; counts hits per ID (rd_fixture_hits)
 *   /auth              200 when the Authorization header is $RD_FIXTURE_AUTH, else 401
 *   /auth-here         302 to /auth; /auth-elsewhere: 302 to /auth on 127.0.0.2
 *   /ua/NAME           200 when the User-Agent header is NAME, else 403
 *   /cf/header         403 with cf-mitigated: challenge (Cloudflare's challenge)
 *   /cf/page           503, an HTML page titled "Just a moment..." (its page)
 *   /page/NAME         200, tests/data/pages/NAME as text/html (no charset: the page says it)
 *   /seed/URL          200, the page of a seed catalog's URL (without its scheme) as
 *                      tests/data/pages/seed.tsv gives its title and ids; 404 for others
 *   /big               200, a page of about 5 MB: its title first, id "the-end" last
 *
 * Every request counts in hits; /slow requests in max_inflight. */
#ifndef RD_FIXTURE_H
#define RD_FIXTURE_H

#include <stdio.h>

typedef struct rd_fixture rd_fixture;

/* Starts the server; NULL on failure. */
rd_fixture *rd_fixture_start(void);
/* Starts it on a loopback address (127.x.y.z) and port (0: an ephemeral one). */
rd_fixture *rd_fixture_start_at(const char *addr, int port);
int rd_fixture_port(const rd_fixture *f);
/* Requests seen for /count/ID (or for all paths when id is NULL). */
int rd_fixture_hits(rd_fixture *f, const char *id);
/* The most /slow requests in flight at once, since the start. */
int rd_fixture_max_inflight(rd_fixture *f);
/* Writes "METHOD PATH" for every request to log (flushed), from now on. */
void rd_fixture_log(rd_fixture *f, FILE *log);
/* Ends open requests (hang, drip, endless) and stops; NULL is harmless. */
void rd_fixture_stop(rd_fixture *f);

#endif
