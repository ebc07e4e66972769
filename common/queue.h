/* common/queue.h — a hand-off between two threads: one puts items in, the
 * other takes them out in the same order, and at most `cap` wait between
 * them, so a thread that reads ahead holds a bounded amount of memory.
 *
 * The putting thread calls rd_queue_put for each item and rd_queue_close
 * after the last; the taking thread calls rd_queue_take until it returns
 * NULL (closed and empty), or rd_queue_stop when it wants no more, which
 * makes every rd_queue_put after it refuse its item. */
#ifndef RD_COMMON_QUEUE_H
#define RD_COMMON_QUEUE_H

#include <pthread.h>
#include <stddef.h>

typedef struct rd_queue {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void **items; /* a ring of cap */
    size_t cap, head, n;
    int closed;  /* no more will be put */
    int stopped; /* no more will be taken */
} rd_queue;

/* 0, or -1 when out of memory or out of threads' resources. */
int rd_queue_init(rd_queue *q, size_t cap);
void rd_queue_destroy(rd_queue *q);

/* Waits while cap items wait, then puts item (not NULL): 0; or -1 when
 * the taking thread stopped, and item stays the caller's. */
int rd_queue_put(rd_queue *q, void *item);
void rd_queue_close(rd_queue *q);

/* Waits for an item and takes it; NULL when the queue is closed and empty. */
void *rd_queue_take(rd_queue *q);
void rd_queue_stop(rd_queue *q);

#endif
