/* common/queue.c — a bounded hand-off between two threads (queue.h). */
#include "queue.h"

#include <stdlib.h>

int rd_queue_init(rd_queue *q, size_t cap)
{
    *q = (rd_queue){.cap = cap ? cap : 1};
    if (!(q->items = calloc(q->cap, sizeof *q->items)))
        return -1;
    if (pthread_mutex_init(&q->mu, NULL)) {
        free(q->items);
        return -1;
    }
    if (pthread_cond_init(&q->cv, NULL)) {
        pthread_mutex_destroy(&q->mu);
        free(q->items);
        return -1;
    }
    return 0;
}

void rd_queue_destroy(rd_queue *q)
{
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    free(q->items);
    q->items = NULL;
}

int rd_queue_put(rd_queue *q, void *item)
{
    pthread_mutex_lock(&q->mu);
    while (q->n == q->cap && !q->stopped)
        pthread_cond_wait(&q->cv, &q->mu);
    int stopped = q->stopped;
    if (!stopped) {
        q->items[(q->head + q->n) % q->cap] = item;
        q->n++;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    return stopped ? -1 : 0;
}

void rd_queue_close(rd_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

void *rd_queue_take(rd_queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (!q->n && !q->closed)
        pthread_cond_wait(&q->cv, &q->mu);
    void *item = NULL;
    if (q->n) {
        item = q->items[q->head];
        q->head = (q->head + 1) % q->cap;
        q->n--;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    return item;
}

void rd_queue_stop(rd_queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->stopped = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}
