/* crawler/api.h — one request to a forge's API (GitHub, GitLab, Gitea), for
 * repository metadata: a GET or a JSON POST whose answer is read whole (up
 * to a cap), under the run's context, through the same address policy as
 * link checks, with the rate-limit headers a forge sends. The crawler never
 * prints and never parses the answer: db/ reads it with SQLite's JSON
 * functions. */
#ifndef RD_API_H
#define RD_API_H

#include <stdint.h>

#include "../common/rd.h"
#include "context.h"

enum { RD_API_MAX_BYTES = 8 * 1024 * 1024 };

typedef struct rd_api_request {
    const char *url;
    const char *body;       /* a JSON POST; NULL: GET */
    const char *token;      /* sent as "Authorization: Bearer TOKEN"; NULL: none. It is
                               in no error, and the header's copy is wiped after the request */
    int allow_private;      /* loopback and private addresses may be fetched */
    int64_t timeout_ms;     /* for this request at most (0: only the context's) */
    const char *user_agent; /* GitHub refuses a request without one */
    int cancel_fd;          /* readable when the run must stop, or -1 */
} rd_api_request;

typedef struct rd_api_response {
    int status;              /* the last HTTP status; 0 when none came */
    rd_buf body;             /* the answer's body; the caller frees it with rd_buf_free */
    int64_t limit_remaining; /* X-RateLimit-Remaining, -1 when not sent */
    int64_t limit_reset;     /* X-RateLimit-Reset (a Unix time), -1 when not sent */
    int64_t retry_after_s;   /* Retry-After in seconds, -1 when not sent */
} rd_api_response;

/* Makes the request under ctx (its deadline or cancellation ends it).
 * Returns RD_OK when an answer came (any status, in resp), else RD_EIO with
 * why in err: refused by the address policy, no connection, the deadline, an
 * answer over RD_API_MAX_BYTES, or RD_ENOMEM. */
int rd_api_fetch(const rd_api_request *req, const rd_ctx *ctx, rd_api_response *resp,
                 rd_error *err);

#endif
