/* crawler/context.c — deadlines and cancellation in a tree. */
#include <time.h>

#include "context.h"

int64_t rd_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rd_ctx_init(rd_ctx *ctx, int64_t now_ms, int64_t timeout_ms)
{
    ctx->parent = 0;
    ctx->cancelled = 0;
    ctx->deadline_ms = timeout_ms > 0 ? now_ms + timeout_ms : 0;
}

void rd_ctx_child(rd_ctx *ctx, const rd_ctx *parent, int64_t now_ms, int64_t timeout_ms)
{
    rd_ctx_init(ctx, now_ms, timeout_ms);
    ctx->parent = parent;
    int64_t inherited = rd_ctx_deadline(parent);
    if (inherited && (!ctx->deadline_ms || inherited < ctx->deadline_ms))
        ctx->deadline_ms = inherited;
}

void rd_ctx_cancel(rd_ctx *ctx)
{
    ctx->cancelled = 1;
}

int64_t rd_ctx_deadline(const rd_ctx *ctx)
{
    int64_t d = 0;
    for (; ctx; ctx = ctx->parent)
        if (ctx->deadline_ms && (!d || ctx->deadline_ms < d))
            d = ctx->deadline_ms;
    return d;
}

rd_ctx_state rd_ctx_state_at(const rd_ctx *ctx, int64_t now_ms)
{
    for (const rd_ctx *c = ctx; c; c = c->parent)
        if (c->cancelled)
            return RD_CTX_CANCELLED;
    int64_t d = rd_ctx_deadline(ctx);
    return d && now_ms >= d ? RD_CTX_DEADLINE : RD_CTX_LIVE;
}

int64_t rd_ctx_remaining_ms(const rd_ctx *ctx, int64_t now_ms)
{
    int64_t d = rd_ctx_deadline(ctx);
    if (!d)
        return -1;
    return d > now_ms ? d - now_ms : 0;
}
