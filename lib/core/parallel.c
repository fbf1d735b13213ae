/* Parallel-for over numbered blocks (see parallel.h). */
#include "parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#define MAX_THREADS 256

typedef struct job {
    cx__block_fn fn;
    void *ctx;
    size_t n_blocks;
    atomic_size_t next;   /* next block to hand out */
    atomic_size_t failed; /* lowest failing block, or n_blocks */
    atomic_int status;    /* its status */
} job;

static void record_failure(job *jb, size_t b, cx_status st)
{
    size_t cur = atomic_load(&jb->failed);
    while (b < cur) {
        if (atomic_compare_exchange_weak(&jb->failed, &cur, b)) {
            atomic_store(&jb->status, (int)st);
            break;
        }
    }
}

static void *worker(void *arg)
{
    job *jb = arg;
    for (;;) {
        /* blocks before a failure were all handed out earlier, so the lowest failing block
         * is the same whatever the threads */
        if (atomic_load(&jb->failed) < jb->n_blocks)
            break;
        const size_t b = atomic_fetch_add(&jb->next, 1);
        if (b >= jb->n_blocks)
            break;
        cx_status st = jb->fn(jb->ctx, b);
        if (st != CX_OK)
            record_failure(jb, b, st);
    }
    return NULL;
}

int cx__parallel_threads(int n_threads, size_t n_blocks)
{
    long t = n_threads;
    if (t <= 0) {
        t = sysconf(_SC_NPROCESSORS_ONLN);
        if (t < 1)
            t = 1;
    }
    if (t > MAX_THREADS)
        t = MAX_THREADS;
    if ((size_t)t > n_blocks)
        t = (long)n_blocks;
    return t < 1 ? 1 : (int)t;
}

cx_status cx__parallel_for(size_t n_blocks, int n_threads, cx__block_fn fn, void *ctx)
{
    if (n_blocks == 0)
        return CX_OK;
    const int nt = cx__parallel_threads(n_threads, n_blocks);
    if (nt == 1) { /* no threads: plain loop, errors recorded here directly */
        for (size_t b = 0; b < n_blocks; b++) {
            cx_status st = fn(ctx, b);
            if (st != CX_OK)
                return st;
        }
        return CX_OK;
    }
    job jb;
    jb.fn = fn;
    jb.ctx = ctx;
    jb.n_blocks = n_blocks;
    atomic_init(&jb.next, 0);
    atomic_init(&jb.failed, n_blocks);
    atomic_init(&jb.status, CX_OK);
    pthread_t th[MAX_THREADS];
    int started = 0;
    for (int t = 1; t < nt; t++) {
        if (pthread_create(&th[started], NULL, worker, &jb) != 0)
            break; /* fewer threads: the shared counter still covers every block */
        started++;
    }
    worker(&jb);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    const size_t bad = atomic_load(&jb.failed);
    if (bad == n_blocks)
        return CX_OK;
    /* the error message lives on the thread that ran the block: run it again here (same
     * outcome) so that the caller's cx_error_last() describes it */
    cx_status st = fn(ctx, bad);
    return st != CX_OK ? st : (cx_status)atomic_load(&jb.status);
}
