/*
 * The generator's state and the unchecked samplers, for library code that draws in hot loops
 * (the simulator keeps one `struct cx_rng` per customer, on the stack or in arrays). The public
 * API in <cxkit/rng.h> validates its arguments and calls these; callers of these must pass valid
 * parameters themselves. Algorithms and the exact seeding are documented in docs/rng.md.
 */
#ifndef CX_RNG_INTERNAL_H
#define CX_RNG_INTERNAL_H

#include <cxkit/rng.h>

#include "internal.h"

/* xoshiro256** state (Blackman & Vigna 2018). Never all zero. */
struct cx_rng {
    uint64_t s[4];
};

static inline uint64_t cx__rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* Next raw output of xoshiro256**. */
static inline uint64_t cx__rng_next(struct cx_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = cx__rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = cx__rotl64(s[3], 45);
    return result;
}

/* Uniform on [0, 1): the top 53 bits times 2^-53. */
static inline double cx__rng_uniform(struct cx_rng *r)
{
    return (double)(cx__rng_next(r) >> 11) * 0x1.0p-53;
}

/* Seed from (seed, stream) as documented in docs/rng.md. */
CX_HIDDEN void cx__rng_seed(struct cx_rng *r, uint64_t seed, uint64_t stream);
/* The xoshiro256** jump: advance by 2^128 outputs. */
CX_HIDDEN void cx__rng_jump(struct cx_rng *r);
/* Uniform integer in [0, n) by Lemire's multiply-and-reject; 0 when n == 0. */
CX_HIDDEN uint64_t cx__rng_below(struct cx_rng *r, uint64_t n);
/* Standard normal by the ziggurat (256 layers). */
CX_HIDDEN double cx__rng_std_normal(struct cx_rng *r);
/* Gamma(shape, scale 1), shape > 0 (Marsaglia & Tsang; shape < 1 by the U^(1/shape) boost). */
CX_HIDDEN double cx__rng_std_gamma(struct cx_rng *r, double shape);
/* log of a Gamma(shape, 1) draw, exact also when the draw itself would underflow (tiny shape). */
CX_HIDDEN double cx__rng_log_gamma(struct cx_rng *r, double shape);
/* Beta(a, b), a, b > 0. */
CX_HIDDEN double cx__rng_beta(struct cx_rng *r, double a, double b);
/* Poisson(lambda), 0 <= lambda < 1e15. */
CX_HIDDEN uint64_t cx__rng_poisson(struct cx_rng *r, double lambda);
/* Binomial(n, p), n <= 2^53, 0 <= p <= 1. */
CX_HIDDEN uint64_t cx__rng_binomial(struct cx_rng *r, uint64_t n, double p);

#endif /* CX_RNG_INTERNAL_H */
