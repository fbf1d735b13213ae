/**
 * @file rng.h
 * @brief Deterministic random numbers: xoshiro256** with independent streams, and samplers.
 *
 * A generator is seeded by (seed, stream). The state is derived from both with SplitMix64, so
 * distinct streams of one seed are independent for all practical purposes, and a simulation that
 * gives each customer (or bootstrap replicate) its own stream produces the same numbers whatever
 * the number of threads. Every sampler is defined by an exact algorithm documented in docs/rng.md,
 * so draws are bit-identical for a seed on every platform with IEEE-754 doubles and a correctly
 * rounded libm (glibc).
 *
 * One generator must not be used from two threads at once.
 */
#ifndef CX_RNG_H
#define CX_RNG_H

#include <cxkit/common.h>
#include <cxkit/errors.h>

CX_BEGIN_DECLS

/** Opaque generator state. */
typedef struct cx_rng cx_rng;

/**
 * Create a generator for (seed, stream).
 * @param[out] out    the new generator; free with cx_rng_free().
 * @param seed        any 64-bit value.
 * @param stream      stream number; distinct streams give independent sequences.
 * @return ::CX_OK or ::CX_EINVAL / ::CX_ENOMEM.
 */
CX_API cx_status cx_rng_new(cx_rng **out, uint64_t seed, uint64_t stream);

/** Free a generator; a no-op on NULL. */
CX_API void cx_rng_free(cx_rng *rng);

/** Copy a generator with its exact state (the copy continues the same sequence). */
CX_API cx_status cx_rng_dup(cx_rng **out, const cx_rng *rng);

/** Advance by 2^128 steps (the xoshiro256** jump): a non-overlapping subsequence. No-op on NULL. */
CX_API void cx_rng_jump(cx_rng *rng);

/** Next raw 64-bit output of xoshiro256**. The draw functions without a status (this one and
 *  the three below) take a valid generator; NULL is undefined behaviour. */
CX_API uint64_t cx_rng_next_u64(cx_rng *rng);

/** Uniform double in [0, 1) with 53 random bits. */
CX_API double cx_rng_uniform(cx_rng *rng);

/** Uniform integer in [0, n) without modulo bias (Lemire's method); 0 when n == 0. */
CX_API uint64_t cx_rng_below(cx_rng *rng, uint64_t n);

/** Standard normal draw (256-layer ziggurat, docs/rng.md). */
CX_API double cx_rng_std_normal(cx_rng *rng);

/**
 * Normal draw with mean @p mean and standard deviation @p sd (sd >= 0, finite).
 * @return ::CX_OK, or ::CX_EINVAL for a bad parameter (out unchanged).
 */
CX_API cx_status cx_rng_normal(double *out, cx_rng *rng, double mean, double sd);

/** Gamma draw with shape > 0 and scale > 0, both finite (mean shape * scale; Marsaglia-Tsang).
 *  @return ::CX_OK, or ::CX_EINVAL naming `shape` or `scale` (out and generator unchanged). */
CX_API cx_status cx_rng_gamma(double *out, cx_rng *rng, double shape, double scale);

/** Beta draw with finite a > 0, b > 0 (Johnk for a, b <= 1, else a ratio of gammas).
 *  @return ::CX_OK, or ::CX_EINVAL naming `a` or `b`. */
CX_API cx_status cx_rng_beta(double *out, cx_rng *rng, double a, double b);

/** Poisson draw with mean lambda >= 0 (finite, below 1e15; inversion below 10, else PTRS).
 *  @return ::CX_OK, or ::CX_EINVAL naming `lambda`. */
CX_API cx_status cx_rng_poisson(uint64_t *out, cx_rng *rng, double lambda);

/** Binomial draw: successes in n trials (n <= 2^53) of probability p in [0, 1] (inversion when
 *  n min(p, 1-p) < 10, else BTRS). @return ::CX_OK, or ::CX_EINVAL naming `n` or `p`. */
CX_API cx_status cx_rng_binomial(uint64_t *out, cx_rng *rng, uint64_t n, double p);

/** @name Bulk fills: the same draws as repeated single calls, into caller arrays of length n.
 *  Parameters are checked once; on error nothing is written and the generator is unchanged. */
/** @{ */
CX_API cx_status cx_rng_fill_uniform(double *out, size_t n, cx_rng *rng);
CX_API cx_status cx_rng_fill_normal(double *out, size_t n, cx_rng *rng, double mean, double sd);
CX_API cx_status cx_rng_fill_gamma(double *out, size_t n, cx_rng *rng, double shape, double scale);
CX_API cx_status cx_rng_fill_beta(double *out, size_t n, cx_rng *rng, double a, double b);
CX_API cx_status cx_rng_fill_poisson(double *out, size_t n, cx_rng *rng, double lambda);
CX_API cx_status cx_rng_fill_binomial(double *out, size_t n, cx_rng *rng, uint64_t trials,
                                      double p);
/** @} */

CX_END_DECLS

#endif /* CX_RNG_H */
