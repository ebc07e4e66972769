/* crawler/context.h — contexts: a deadline plus cancellation, in a tree.
 *
 * After Go's context.Context. The run context has the whole run's deadline
 * and is cancelled by SIGINT/SIGTERM; each link gets a child with the
 * per-link timeout. A child's deadline never outlives its parent's, and
 * cancelling a parent cancels every child: a child asks its ancestors. Plain
 * data, no threads, no allocation beyond the node itself. */
#ifndef RD_CONTEXT_H
#define RD_CONTEXT_H

#include <stdint.h>

typedef enum rd_ctx_state {
    RD_CTX_LIVE = 0,
    RD_CTX_DEADLINE, /* its deadline (or an ancestor's) has passed */
    RD_CTX_CANCELLED /* it (or an ancestor) was cancelled */
} rd_ctx_state;

typedef struct rd_ctx {
    const struct rd_ctx *parent;
    int64_t deadline_ms; /* absolute, on rd_now_ms()'s clock; 0: none */
    int cancelled;
} rd_ctx;

/* Milliseconds on a monotonic clock. */
int64_t rd_now_ms(void);

/* A root context: deadline `timeout_ms` from now (0 for none). */
void rd_ctx_init(rd_ctx *ctx, int64_t now_ms, int64_t timeout_ms);

/* A child of parent with its own timeout from now (0: only the parent's);
 * its deadline is the earlier of the two. The parent must outlive it. */
void rd_ctx_child(rd_ctx *ctx, const rd_ctx *parent, int64_t now_ms, int64_t timeout_ms);

void rd_ctx_cancel(rd_ctx *ctx);

/* Whether the context has ended at `now`, and why. Cancellation wins over a
 * deadline that passed at the same time. */
rd_ctx_state rd_ctx_state_at(const rd_ctx *ctx, int64_t now_ms);

/* The effective deadline: the earliest of the context's and its ancestors'
 * (0: none). */
int64_t rd_ctx_deadline(const rd_ctx *ctx);

/* What is left until the effective deadline (at least 0), or -1 for none. */
int64_t rd_ctx_remaining_ms(const rd_ctx *ctx, int64_t now_ms);

#endif
