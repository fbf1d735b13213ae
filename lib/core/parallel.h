/*
 * A small parallel-for over numbered blocks on pthreads, for loops whose result must not depend
 * on the thread count: the caller cuts its work into fixed blocks (their size must not depend on
 * the thread count), each block writes its own partial result, and the caller combines the
 * partials in block order afterwards. Then any thread count gives bit-identical results.
 */
#ifndef CX_PARALLEL_H
#define CX_PARALLEL_H

#include "internal.h"

/* Work of one block; ctx is shared and read-only apart from the block's own output slots.
 * Returns CX_OK or an error (recorded on the thread that ran the block). */
typedef cx_status (*cx__block_fn)(void *ctx, size_t block);

/* Threads to use for a request: n_threads > 0 as given, 0 = the online cores; never more than
 * n_blocks (at least 1). */
CX_HIDDEN int cx__parallel_threads(int n_threads, size_t n_blocks);

/* Run fn(ctx, b) for b = 0 .. n_blocks-1 on up to n_threads threads (the caller's included; 0 =
 * the online cores). Blocks are handed out in increasing order; once one fails no further block
 * starts. Returns CX_OK, or the status of the lowest-numbered failing block, whose error is then
 * recorded on the calling thread (fn is run again there for that block when another thread ran
 * it, so fn must give the same outcome when repeated). When threads cannot be started the
 * caller runs every block itself: the result is the same. Allocations inside fn on other
 * threads are not reached by the fault injection of the calling thread (cx__alloc_fail_after). */
CX_HIDDEN cx_status cx__parallel_for(size_t n_blocks, int n_threads, cx__block_fn fn, void *ctx);

#endif /* CX_PARALLEL_H */
