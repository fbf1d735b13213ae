/* The per-customer kernel shared by the runner: one block of customers through every period. */
#ifndef CX_SIM_KERNEL_H
#define CX_SIM_KERNEL_H

#include "sim_internal.h"

/* Read-only context shared by all workers. */
typedef struct cx__sim_ctx {
    const cx_sim_params *p;
    const cx__sim_staff *staff;
    const cx__sim_org *orgs; /* per period */
    uint64_t seed;
    size_t customers, periods, n_emp;
    uint64_t *tp_cut;   /* cx__sim_cut of the cumulative touchpoint shares, last = 2^32 */
    uint64_t *fail_cut; /* cx__sim_cut of each touchpoint's failure rate */
    double mix_cdf[CX__SIM_NCHANNELS];
    int record_interactions, record_transactions;
} cx__sim_ctx;

/* What one block produces. */
typedef struct cx__sim_block {
    double *acc; /* periods * CX__ACC_COUNT */
    double cal[CX__CAL_COUNT];
    cx__sim_rec *recs;
    size_t n_recs, cap_recs;
    cx__sim_tx *txs;
    size_t n_txs, cap_txs;
    cx_status status;
    char message[320];
    const char *plugin; /* name of the failing plugin, or NULL */
} cx__sim_block;

/* Simulate the customers of blocks [first_block, first_block + n_blocks) (accumulators zeroed
 * by the caller); a failure is recorded in the status of the block where it happened. */
CX_HIDDEN void cx__sim_chunk_run(cx__sim_block *blks, const cx__sim_ctx *ctx, size_t first_block,
                                 size_t n_blocks);

#endif /* CX_SIM_KERNEL_H */
