/* Scores: intervals against REFERENCE.md test vectors (R / hand-worked), the accumulator's
 * exact merge property, serialisation round trips and corrupt input, bad input. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

#define NEAR(a, b, tol)                                                                            \
    ck_assert_msg(fabs((a) - (b)) <= (tol), "%s = %.10g, expected %.10g", #a, (double)(a),         \
                  (double)(b))

/* Small deterministic generator for tests (SplitMix64), independent of lib/core/rng. */
static uint64_t sm_state;
static uint64_t sm_next(void)
{
    uint64_t z = (sm_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double sm_unif(void)
{
    return (double)(sm_next() >> 11) * 0x1.0p-53;
}

START_TEST(prop_intervals_match_reference)
{
    /* REFERENCE.md 1.2, x = 8, n = 10, 95% (R). */
    double lo, hi;
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, 8, 10, 0.95, CX_PROP_WILSON), CX_OK);
    NEAR(lo, 0.4902, 5e-5);
    NEAR(hi, 0.9433, 5e-5);
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, 8, 10, 0.95, CX_PROP_AGRESTI_COULL), CX_OK);
    NEAR(lo, 0.4794, 5e-5);
    NEAR(hi, 0.9541, 5e-5);
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, 8, 10, 0.95, CX_PROP_CLOPPER_PEARSON), CX_OK);
    NEAR(lo, 0.4439, 5e-5);
    NEAR(hi, 0.9748, 5e-5);
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, 8, 10, 0.95, CX_PROP_JEFFREYS), CX_OK);
    NEAR(lo, 0.4972, 5e-5);
    NEAR(hi, 0.9559, 5e-5);
    /* Wald by hand: 0.8 +- 1.959964 * sqrt(0.016). */
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, 8, 10, 0.95, CX_PROP_WALD), CX_OK);
    NEAR(lo, 0.8 - 1.959964 * sqrt(0.016), 1e-6);
    NEAR(hi, 1.0, 0);
    /* Edges: x = 0 and x = n. */
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, 0, 10, 0.95, CX_PROP_CLOPPER_PEARSON), CX_OK);
    NEAR(lo, 0.0, 0);
    NEAR(hi, 1.0 - pow(0.025, 0.1), 1e-9);
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, 10, 10, 0.95, CX_PROP_JEFFREYS), CX_OK);
    NEAR(hi, 1.0, 0);
}
END_TEST

START_TEST(prop_bad_input)
{
    double lo = 7, hi = 7;
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, 11, 10, 0.95, 0), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "x");
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, 1, 0, 0.95, 0), CX_EINVAL);
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, NAN, 10, 0.95, 0), CX_EINVAL);
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, 1, 10, 1.0, 0), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "level");
    ck_assert_int_eq(cx_prop_ci(&lo, &hi, 1, 10, 0.95, 99), CX_EINVAL);
    ck_assert(lo == 7 && hi == 7);
}
END_TEST

START_TEST(prop_difference_newcombe)
{
    /* Newcombe (1998) Table II example (a): 56/70 vs 48/80 -> 0.2, CI [0.0524, 0.3339]. */
    double d, lo, hi, z, p;
    ck_assert_int_eq(cx_prop_diff(&d, &lo, &hi, &z, &p, 56, 70, 48, 80, 0.95), CX_OK);
    NEAR(d, 0.2, 1e-12);
    NEAR(lo, 0.0524, 5e-5);
    NEAR(hi, 0.3339, 5e-5);
    /* pooled z by hand */
    double pool = 104.0 / 150.0, zz = 0.2 / sqrt(pool * (1 - pool) * (1.0 / 70 + 1.0 / 80));
    NEAR(z, zz, 1e-12);
    NEAR(p, erfc(zz / sqrt(2.0)), 1e-9);
}
END_TEST

START_TEST(nps_matches_reference)
{
    /* REFERENCE.md 1.4.3: 50/30/20, n = 100. */
    double nps, se, lo, hi;
    ck_assert_int_eq(cx_nps_counts(&nps, &se, &lo, &hi, 50, 30, 20, 0.95, CX_NPS_WALD), CX_OK);
    NEAR(nps, 30.0, 1e-12);
    NEAR(se, 7.810, 5e-4);
    NEAR(lo, 14.69, 5e-3);
    NEAR(hi, 45.31, 5e-3);
    ck_assert_int_eq(cx_nps_counts(&nps, &se, &lo, &hi, 50, 30, 20, 0.95, CX_NPS_ADJUSTED_WALD),
                     CX_OK);
    NEAR(lo, 14.05, 5e-3);
    NEAR(hi, 44.20, 5e-3);
    ck_assert_int_eq(cx_nps_counts(&nps, &se, &lo, &hi, 50, 30, 20, 0.95, CX_NPS_SCORE), CX_OK);
    NEAR(lo, 13.96, 5e-3);
    NEAR(hi, 44.34, 5e-3);
    ck_assert_int_eq(cx_nps_counts(&nps, &se, &lo, &hi, 50, 30, 20, 0.95, CX_NPS_BAYES), CX_OK);
    NEAR((lo + hi) / 2, 29.13, 5e-3); /* posterior mean 0.2913, sd 0.0768 */
    NEAR((hi - lo) / 2, 1.959964 * 7.68, 0.02);
    /* Extreme: all promoters; the score interval stays inside [-100, 100] and excludes 100 below.
     */
    ck_assert_int_eq(cx_nps_counts(&nps, &se, &lo, &hi, 10, 0, 0, 0.95, CX_NPS_SCORE), CX_OK);
    NEAR(hi, 100.0, 1e-9);
    ck_assert(lo > 0 && lo < 90);
    ck_assert_int_eq(cx_nps_counts(&nps, &se, &lo, &hi, 0, 0, 0, 0.95, 0), CX_EINVAL);
    ck_assert_int_eq(cx_nps_counts(&nps, &se, &lo, &hi, -1, 2, 0, 0.95, 0), CX_EINVAL);
}
END_TEST

START_TEST(nps_difference_reference)
{
    /* REFERENCE.md 1.4.4: 50/30/20 vs 40/35/25 -> z = 1.3484, p = 0.1775. */
    double c1[3] = {50, 30, 20}, c2[3] = {40, 35, 25}, d, lo, hi, z, p;
    ck_assert_int_eq(cx_nps_diff(&d, &lo, &hi, &z, &p, c1, c2, 0.95, CX_NPS_WALD), CX_OK);
    NEAR(d, 15.0, 1e-12);
    NEAR(z, 1.3484, 5e-5);
    NEAR(p, 0.1775, 5e-5);
    NEAR((lo + hi) / 2, 15.0, 1e-9);
    double l2, h2;
    ck_assert_int_eq(cx_nps_diff(&d, &l2, &h2, NULL, NULL, c1, c2, 0.95, CX_NPS_SCORE), CX_OK);
    ck_assert(l2 < 0 && h2 > 15 && fabs((h2 - l2) - (hi - lo)) < 5);
}
END_TEST

/* Coverage by simulation (documented in docs/scores.md): at n = 30 with a skewed population the
 * Wald interval under-covers, the score interval stays near 95%. */
static double coverage(int method, double pp, double pd, int n, int reps)
{
    sm_state = 12345;
    int hit = 0;
    double truth = 100.0 * (pp - pd);
    for (int r = 0; r < reps; r++) {
        double c[3] = {0, 0, 0};
        for (int i = 0; i < n; i++) {
            double u = sm_unif();
            c[u < pp ? 0 : (u < pp + pd ? 2 : 1)]++;
        }
        double nps, lo, hi;
        cx_nps_counts(&nps, NULL, &lo, &hi, c[0], c[1], c[2], 0.95, method);
        hit += lo <= truth && truth <= hi;
    }
    return (double)hit / reps;
}

START_TEST(nps_interval_coverage)
{
    double wald = coverage(CX_NPS_WALD, 0.85, 0.03, 20, 4000);
    double score = coverage(CX_NPS_SCORE, 0.85, 0.03, 20, 4000);
    double adj = coverage(CX_NPS_ADJUSTED_WALD, 0.85, 0.03, 20, 4000);
    ck_assert_msg(wald < 0.92, "Wald coverage %.3f should be poor here", wald);
    ck_assert_msg(score > 0.93 && score < 0.985, "score coverage %.3f", score);
    ck_assert_msg(adj > 0.93, "adjusted Wald coverage %.3f", adj);
}
END_TEST

START_TEST(acc_scores_by_hand)
{
    cx_acc *a;
    ck_assert_int_eq(cx_acc_new(&a, 1, 5), CX_OK);
    double r[] = {5, 4, 4, 3, 1, NAN, 5, 2, 5, 4};
    ck_assert_int_eq(cx_acc_add_array(a, r, NULL, 10), CX_OK);
    ck_assert_uint_eq(cx_acc_count(a), 9);
    double mean, se, lo, hi;
    ck_assert_int_eq(cx_acc_mean(&mean, &se, &lo, &hi, a, 0.95, CX_MEAN_T), CX_OK);
    NEAR(mean, 33.0 / 9.0, 1e-12);
    /* sample sd of {5,4,4,3,1,5,2,5,4} = 1.4142135623730951 (numpy ddof=1) */
    NEAR(se, 1.4142135623730951 / 3.0, 1e-12);
    NEAR(hi - mean, 2.306004135 * se, 1e-6);
    double share;
    ck_assert_int_eq(cx_acc_top_box(&share, &lo, &hi, a, 4, 0.95, CX_PROP_WILSON), CX_OK);
    NEAR(share, 6.0 / 9.0, 1e-12);
    double l2, h2;
    cx_prop_ci(&l2, &h2, 6, 9, 0.95, CX_PROP_WILSON);
    NEAR(lo, l2, 1e-12);
    double counts[5], shares[5];
    ck_assert_int_eq(cx_acc_distribution(counts, NULL, shares, 5, a), CX_OK);
    NEAR(counts[4], 3, 0);
    NEAR(shares[0], 1.0 / 9, 1e-15);
    ck_assert_int_eq(cx_acc_distribution(counts, NULL, shares, 4, a), CX_EINVAL);
    /* Hoeffding and Dirichlet contain the mean and stay in the scale. */
    ck_assert_int_eq(cx_acc_mean(&mean, NULL, &lo, &hi, a, 0.95, CX_MEAN_HOEFFDING), CX_OK);
    NEAR(hi - mean, fmin(4 * sqrt(log(40.0) / 18.0), 5 - mean), 1e-12);
    ck_assert_int_eq(cx_acc_mean(&mean, NULL, &lo, &hi, a, 0.95, CX_MEAN_DIRICHLET), CX_OK);
    ck_assert(lo < mean && mean < hi && lo >= 1 && hi <= 5);
    cx_acc_free(a);
}
END_TEST

START_TEST(acc_weighted_nps_reference)
{
    /* REFERENCE.md 1.4.5: s = (1,1,1,0,0,-1,1,-1,0,1), w = (1,2,1,1,3,2,1,1,2,1). */
    double s[] = {1, 1, 1, 0, 0, -1, 1, -1, 0, 1}, w[] = {1, 2, 1, 1, 3, 2, 1, 1, 2, 1}, r[10];
    for (int i = 0; i < 10; i++)
        r[i] = s[i] > 0 ? 10 : (s[i] < 0 ? 3 : 8);
    cx_acc *a;
    ck_assert_int_eq(cx_acc_new(&a, 0, 10), CX_OK);
    ck_assert_int_eq(cx_acc_add_array(a, r, w, 10), CX_OK);
    cx_nps_result res;
    ck_assert_int_eq(cx_acc_nps(&res, a, NULL, 0.95, CX_NPS_WALD), CX_OK);
    NEAR(res.nps, 20.0, 1e-12);
    NEAR(res.se, 25.22, 5e-3);
    NEAR(res.n_eff, 8.3333, 5e-5);
    NEAR(res.n, 10, 0);
    double ne;
    cx_acc_free(a);
    /* Kish: w = (1,1,2,2,4) -> 3.8462 */
    double w2[] = {1, 1, 2, 2, 4}, r2[] = {1, 2, 3, 4, 5};
    ck_assert_int_eq(cx_acc_new(&a, 1, 5), CX_OK);
    ck_assert_int_eq(cx_acc_add_array(a, r2, w2, 5), CX_OK);
    ck_assert_int_eq(cx_acc_sizes(NULL, NULL, &ne, a), CX_OK);
    NEAR(ne, 3.8462, 5e-5);
    cx_acc_free(a);
}
END_TEST

START_TEST(acc_custom_buckets)
{
    cx_acc *a;
    ck_assert_int_eq(cx_acc_new(&a, 1, 5), CX_OK);
    double r[] = {1, 2, 3, 4, 5, 5};
    cx_acc_add_array(a, r, NULL, 6);
    cx_nps_buckets b;
    cx_nps_buckets_init(&b, CX_NPS_BUCKETS_VERSION);
    cx_nps_result res;
    /* Standard 6 / 9 buckets do not fit 1..5 */
    ck_assert_int_eq(cx_acc_nps(&res, a, &b, 0.95, 0), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "detractor_max");
    b.detractor_max = 3;
    b.promoter_min = 5;
    ck_assert_int_eq(cx_acc_nps(&res, a, &b, 0.95, 0), CX_OK);
    NEAR(res.nps, 100.0 * (2 - 3) / 6.0, 1e-12);
    NEAR(res.passives, 1.0 / 6, 1e-15);
    b.detractor_max = 5;
    ck_assert_int_eq(cx_acc_nps(&res, a, &b, 0.95, 0), CX_EINVAL);
    cx_acc_free(a);
}
END_TEST

START_TEST(acc_bad_input_leaves_it_unchanged)
{
    cx_acc *a;
    ck_assert_int_eq(cx_acc_new(&a, 1, 5), CX_OK);
    double r[] = {1, 2, 6}, w[] = {1, -1, 1};
    ck_assert_int_eq(cx_acc_add_array(a, r, NULL, 3), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "ratings");
    ck_assert(strstr(cx_error_last()->message, "rating 2") != NULL);
    double r2[] = {1, 2, 3};
    ck_assert_int_eq(cx_acc_add_array(a, r2, w, 3), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "weights");
    ck_assert_int_eq(cx_acc_add(a, 2.5, 1), CX_EINVAL);
    ck_assert_int_eq(cx_acc_add(a, 2, NAN), CX_EINVAL);
    ck_assert_uint_eq(cx_acc_count(a), 0);
    double m = 42;
    ck_assert_int_eq(cx_acc_mean(&m, NULL, NULL, NULL, a, 0.95, 0), CX_ERANGE);
    ck_assert(m == 42);
    ck_assert_int_eq(cx_acc_add(a, 3, 1), CX_OK);
    ck_assert_int_eq(cx_acc_mean(&m, NULL, NULL, NULL, a, 0.95, 0), CX_OK);
    ck_assert_int_eq(cx_acc_mean(&m, &m, NULL, NULL, a, 0.95, 0), CX_ERANGE); /* SE needs n > 1 */
    cx_acc *b;
    ck_assert_int_eq(cx_acc_new(&b, 0, 10), CX_OK);
    ck_assert_int_eq(cx_acc_merge(a, b), CX_EINVAL);
    ck_assert_int_eq(cx_acc_new(&b, 5, 5), CX_EINVAL);
    ck_assert_int_eq(cx_acc_new(&b, 0, 5000), CX_EINVAL);
    cx_acc_free(b);
    cx_acc_free(a);
    cx_acc_free(NULL);
}
END_TEST

START_TEST(acc_merge_is_exact_in_any_order)
{
    sm_state = 99;
    enum { N = 5000, PARTS = 7 };
    static double r[N];
    for (int i = 0; i < N; i++)
        r[i] = (double)(sm_next() % 11);
    cx_acc *whole, *parts[PARTS];
    cx_acc_new(&whole, 0, 10);
    cx_acc_add_array(whole, r, NULL, N);
    for (int rep = 0; rep < 20; rep++) {
        for (int p = 0; p < PARTS; p++)
            cx_acc_new(&parts[p], 0, 10);
        for (int i = 0; i < N; i++) /* random split, one rating at a time or in blocks */
            cx_acc_add(parts[sm_next() % PARTS], r[i], 1.0);
        /* merge in a random order, via serialised bytes for half the parts */
        int order[PARTS];
        for (int p = 0; p < PARTS; p++)
            order[p] = p;
        for (int p = PARTS - 1; p > 0; p--) {
            int q = (int)(sm_next() % (uint64_t)(p + 1)), t = order[p];
            order[p] = order[q];
            order[q] = t;
        }
        cx_acc *m;
        cx_acc_new(&m, 0, 10);
        for (int p = 0; p < PARTS; p++) {
            const cx_acc *src = parts[order[p]];
            cx_acc *restored = NULL;
            if (p % 2) {
                uint8_t *bytes;
                size_t len;
                ck_assert_int_eq(cx_acc_serialize(&bytes, &len, src), CX_OK);
                ck_assert_int_eq(cx_acc_deserialize(&restored, bytes, len), CX_OK);
                cx_free(bytes);
                src = restored;
            }
            ck_assert_int_eq(cx_acc_merge(m, src), CX_OK);
            cx_acc_free(restored);
        }
        cx_nps_result a1, a2;
        cx_acc_nps(&a1, whole, NULL, 0.9, CX_NPS_SCORE);
        cx_acc_nps(&a2, m, NULL, 0.9, CX_NPS_SCORE);
        ck_assert(memcmp(&a1, &a2, sizeof a1) == 0);
        double m1, m2, s1, s2;
        cx_acc_mean(&m1, &s1, NULL, NULL, whole, 0.95, 0);
        cx_acc_mean(&m2, &s2, NULL, NULL, m, 0.95, 0);
        ck_assert(m1 == m2 && s1 == s2);
        cx_acc_free(m);
        for (int p = 0; p < PARTS; p++)
            cx_acc_free(parts[p]);
    }
    cx_acc_free(whole);
}
END_TEST

START_TEST(acc_deserialize_rejects_damage)
{
    cx_acc *a, *b = NULL;
    cx_acc_new(&a, 1, 7);
    double r[] = {1, 7, 7, 3}, w[] = {0.5, 2, 1, 1};
    cx_acc_add_array(a, r, w, 4);
    uint8_t *bytes;
    size_t len;
    ck_assert_int_eq(cx_acc_serialize(&bytes, &len, a), CX_OK);
    ck_assert_uint_eq(len, 16 + 24 * 7 + 4);
    ck_assert(memcmp(bytes, "CXAC\1\0\0\0\1\0\0\0\7\0\0\0", 16) == 0); /* little-endian header */
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_int_eq(cx_acc_deserialize(&b, bytes, cut), CX_EFORMAT);
    for (size_t i = 0; i < len; i++)
        for (int bit = 0; bit < 8; bit++) {
            bytes[i] ^= (uint8_t)(1u << bit);
            ck_assert_int_eq(cx_acc_deserialize(&b, bytes, len), CX_EFORMAT);
            bytes[i] ^= (uint8_t)(1u << bit);
        }
    ck_assert_ptr_null(b);
    bytes[4] = 2; /* a future version */
    ck_assert_int_eq(cx_acc_deserialize(&b, bytes, len), CX_EFORMAT);
    ck_assert(strstr(cx_error_last()->message, "version") != NULL);
    bytes[4] = 1;
    ck_assert_int_eq(cx_acc_deserialize(&b, bytes, len), CX_OK);
    double m1, m2;
    cx_acc_mean(&m1, NULL, NULL, NULL, a, 0.95, 0);
    cx_acc_mean(&m2, NULL, NULL, NULL, b, 0.95, 0);
    ck_assert(m1 == m2);
    cx_free(bytes);
    cx_acc_free(a);
    cx_acc_free(b);
}
END_TEST

START_TEST(acc_out_of_memory)
{
    for (long k = 0; k < 8; k++) {
        cx_acc *a = NULL;
        cx__alloc_fail_after(k, 0);
        cx_status st = cx_acc_new(&a, 0, 10);
        uint8_t *bytes = NULL;
        size_t len;
        if (st == CX_OK)
            st = cx_acc_serialize(&bytes, &len, a);
        cx__alloc_fail_after(-1, 0);
        ck_assert(st == CX_OK || st == CX_ENOMEM);
        cx_free(bytes);
        cx_acc_free(a);
    }
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

START_TEST(perception_gap_paired)
{
    /* scipy.stats.ttest_rel: t = 2.0761369963434992, p = 0.09251500555042762 */
    double a[] = {5, 4, 5, 3, 5, 4, NAN}, b[] = {4, 4, 3, 3, 5, 2, 1};
    cx_gap_result r;
    ck_assert_int_eq(cx_gap_paired(&r, a, b, 7, 5, 0.95), CX_OK);
    NEAR(r.n, 6, 0);
    NEAR(r.gap, 5.0 / 6.0, 1e-14);
    NEAR(r.t, 2.0761369963434992, 1e-12);
    NEAR(r.p_value, 0.09251500555042762, 1e-10);
    NEAR(r.lo, -0.19846347693739952, 1e-9);
    NEAR(r.hi, 1.8651301436040661, 1e-9);
    NEAR(r.top_a, 0.5, 0);
    NEAR(r.top_b, 1.0 / 6.0, 1e-15);
    NEAR(r.top_diff, 2.0 / 6.0, 1e-15);
    NEAR(r.mcnemar_p, 0.5, 1e-12); /* discordant 2 vs 0: 2 * 0.5^2 */
    ck_assert(r.top_lo < r.top_diff && r.top_diff < r.top_hi);
    cx_gap_result keep = r;
    ck_assert_int_eq(cx_gap_paired(&r, a, b, 1, 5, 0.95), CX_ERANGE);
    ck_assert(memcmp(&r, &keep, sizeof r) == 0);
}
END_TEST

START_TEST(servqual_by_hand)
{
    /* 2 respondents, 6 items: dims 0,0,1,2,3,4 */
    int dim[6] = {0, 0, 1, 2, 3, 4};
    double p[12] = {5, 6, 4, 7, 5, 3, /**/ 6, 6, 5, 5, NAN, 4};
    double e[12] = {6, 6, 6, 6, 5, 5, /**/ 7, 5, 7, 6, 6, 6};
    double item[6], dg[5], overall, weighted;
    double imp[10] = {20, 20, 20, 20, 20, /**/ 0, 50, 50, 0, 0};
    ck_assert_int_eq(cx_servqual(item, dg, &overall, &weighted, p, e, dim, 2, 6, imp), CX_OK);
    NEAR(item[0], -1, 1e-15);
    NEAR(item[1], 0.5, 1e-15);
    NEAR(item[4], 0, 1e-15); /* only respondent 1 */
    NEAR(dg[0], (-0.5 + 0.0) / 2, 1e-15);
    NEAR(dg[1], -2, 1e-15);
    NEAR(dg[2], 0, 1e-15);
    NEAR(dg[3], 0, 1e-15);
    NEAR(dg[4], -2, 1e-15);
    NEAR(overall, (-0.25 - 2 + 0 + 0 - 2) / 5, 1e-15);
    /* r1: equal weights over 5 dims: (-0.5 - 2 + 1 + 0 - 2) / 5 = -0.7;
     * r2: 0.5 * (-2) + 0.5 * (-1) = -1.5 (assurance missing, weight 0) */
    NEAR(weighted, (-0.7 - 1.5) / 2, 1e-15);
    int bad[6] = {0, 0, 1, 2, 3, 5};
    ck_assert_int_eq(cx_servqual(item, dg, &overall, NULL, p, e, bad, 2, 6, NULL), CX_EINVAL);
    imp[0] = -1;
    ck_assert_int_eq(cx_servqual(item, dg, &overall, &weighted, p, e, dim, 2, 6, imp), CX_EINVAL);
}
END_TEST

START_TEST(group_codes_equal_per_group_accumulators)
{
    enum { N = 3000, G = 5 };
    static int64_t codes[N];
    static double r[N], w[N];
    sm_state = 4;
    for (int i = 0; i < N; i++) {
        codes[i] = (int64_t)(sm_next() % (G + 1)) - 1; /* -1: skipped */
        r[i] = (i % 17 == 0) ? NAN : (double)(sm_next() % 11);
        w[i] = 0.5 + sm_unif();
    }
    for (int weighted = 0; weighted < 2; weighted++) {
        cx_scores *t;
        ck_assert_int_eq(cx_scores_group_codes(&t, codes, r, weighted ? w : NULL, N, G, 0, 10),
                         CX_OK);
        ck_assert_uint_eq(cx_scores_groups(t), G);
        for (int g = 0; g < G; g++) {
            cx_acc *a;
            cx_acc_new(&a, 0, 10);
            for (int i = 0; i < N; i++)
                if (codes[i] == g && !isnan(r[i]))
                    cx_acc_add(a, r[i], weighted ? w[i] : 1.0);
            const cx_acc *b;
            ck_assert_int_eq(cx_scores_acc(&b, t, (size_t)g), CX_OK);
            cx_nps_result x, y;
            cx_acc_nps(&x, a, NULL, 0.95, 0);
            cx_acc_nps(&y, b, NULL, 0.95, 0);
            NEAR(x.nps, y.nps, 1e-9);
            NEAR(x.se, y.se, 1e-9);
            ck_assert_uint_eq(cx_acc_count(a), cx_acc_count(b));
            const char *label;
            cx_scores_key(&label, t, (size_t)g, 0);
            ck_assert_int_eq(atoi(label), g);
            cx_acc_free(a);
        }
        cx_scores_free(t);
    }
    cx_scores *t = NULL;
    r[5] = 11;
    ck_assert_int_eq(cx_scores_group_codes(&t, codes, r, NULL, N, G, 0, 10), CX_EINVAL);
    ck_assert(strstr(cx_error_last()->message, "rating 5 ") != NULL);
    r[5] = 1;
    codes[7] = G;
    ck_assert_int_eq(cx_scores_group_codes(&t, codes, r, NULL, N, G, 0, 10), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "codes");
    ck_assert_ptr_null(t);
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

START_TEST(shrinkage_pulls_small_groups)
{
    /* 30 agents with true top-box rates from Beta(8, 2); agent 0 has 3 ratings, all top box;
     * agent 1 has 400 ratings at 90%. Raw ranks agent 0 first; shrunk must not. */
    enum { G = 30 };
    static int64_t codes[20000];
    static double r[20000];
    size_t n = 0;
    sm_state = 8;
    for (int g = 0; g < G; g++) {
        int m = g == 0 ? 3 : (g == 1 ? 400 : 30 + (int)(sm_next() % 60));
        double p = g == 0 ? 1.0 : (g == 1 ? 0.9 : 0.6 + 0.35 * sm_unif());
        for (int i = 0; i < m; i++) {
            codes[n] = g;
            r[n++] = g == 1 ? (i < 360 ? 5 : 2) : (sm_unif() < p ? 5 : 2);
        }
    }
    cx_scores *t;
    ck_assert_int_eq(cx_scores_group_codes(&t, codes, r, NULL, n, G, 1, 5), CX_OK);
    double raw[G], sh[G], prior[2];
    ck_assert_int_eq(cx_scores_shrink(raw, sh, prior, G, t, CX_SCORE_TOP_BOX, 4), CX_OK);
    NEAR(raw[0], 1.0, 0);
    ck_assert(sh[0] < 0.95 && sh[0] < sh[1] + 0.05);
    NEAR(sh[1], 0.9, 0.01); /* 400 ratings: hardly moved */
    ck_assert(prior[0] > 0 && prior[1] > 0);
    double mu = prior[0] / (prior[0] + prior[1]);
    ck_assert(mu > 0.6 && mu < 0.9);
    for (int g = 0; g < G; g++) /* posterior mean between raw and prior mean */
        ck_assert(fabs(sh[g] - mu) <= fabs(raw[g] - mu) + 1e-12);
    ck_assert_int_eq(cx_scores_shrink(raw, sh, prior, G, t, CX_SCORE_MEAN, 0), CX_OK);
    ck_assert(sh[0] < 5.0 && sh[0] > prior[0]);
    ck_assert_int_eq(cx_scores_shrink(raw, sh, prior, G, t, CX_SCORE_TOP_BOX, 6), CX_EINVAL);
    ck_assert_int_eq(cx_scores_shrink(raw, sh, prior, G - 1, t, CX_SCORE_TOP_BOX, 4), CX_EINVAL);
    cx_scores_free(t);
}
END_TEST

static const char group_csv[] =
    "customer,time,employee,team,touchpoint,channel,csat,csat_min,csat_max,nps,self_rating\n"
    "c1,2024-01-15T10:00:00Z,e1,t1,checkin,phone,5,1,5,10,5\n"
    "c2,2024-01-20T10:00:00Z,e1,t1,checkin,phone,4,1,5,9,5\n"
    "c3,2024-02-03T10:00:00Z,e2,t1,boarding,chat,2,1,5,3,4\n"
    "c4,2024-02-28T23:59:59Z,e2,t1,checkin,,3,1,5,7,4\n"
    "c5,2024-04-01T00:00:00Z,e3,t2,boarding,phone,,,,,\n"
    "c6,2024-04-02T00:00:00Z,e3,t2,,phone,1,1,5,0,3\n"
    "c7,2024-04-03T00:00:00Z,e3,t2,boarding,email,5,1,5,10,2\n";

static cx_log *group_log(void)
{
    cx_log *log;
    ck_assert_int_eq(cx_log_new(&log), CX_OK);
    ck_assert_int_eq(cx_log_read_csv_buffer(log, group_csv, sizeof group_csv - 1, "g.csv", NULL),
                     CX_OK);
    return log;
}

START_TEST(group_log_by_touchpoint_and_month)
{
    cx_log *log = group_log();
    cx_group_options o;
    cx_group_options_init(&o, CX_GROUP_OPTIONS_VERSION);
    int by[1] = {CX_FIELD_TOUCHPOINT};
    o.by = by;
    o.n_by = 1;
    o.period = CX_PERIOD_MONTH;
    cx_scores *t;
    ck_assert_int_eq(cx_scores_group(&t, log, &o), CX_OK);
    /* checkin 2024-01 {5,4}, checkin 2024-02 {3}, boarding 2024-02 {2}, boarding 2024-04 {5};
     * rows without a touchpoint or rating are skipped; touchpoint codes: checkin 0, boarding 1 */
    ck_assert_uint_eq(cx_scores_groups(t), 4);
    ck_assert_uint_eq(cx_scores_keys(t), 2);
    const char *s;
    cx_scores_key_name(&s, t, 1);
    ck_assert_str_eq(s, "period");
    const char *want[4][2] = {{"checkin", "2024-01"},
                              {"checkin", "2024-02"},
                              {"boarding", "2024-02"},
                              {"boarding", "2024-04"}};
    const double means[4] = {4.5, 3, 2, 5};
    for (size_t g = 0; g < 4; g++) {
        cx_scores_key(&s, t, g, 0);
        ck_assert_str_eq(s, want[g][0]);
        cx_scores_key(&s, t, g, 1);
        ck_assert_str_eq(s, want[g][1]);
        const cx_acc *a;
        cx_scores_acc(&a, t, g);
        double m;
        ck_assert_int_eq(cx_acc_mean(&m, NULL, NULL, NULL, a, 0.95, 0), CX_OK);
        NEAR(m, means[g], 1e-15);
    }
    int64_t start;
    ck_assert_int_eq(cx_scores_period_start(&start, t, 1), CX_OK);
    ck_assert_int_eq(start, 1706745600); /* 2024-02-01T00:00:00Z */
    cx_scores_free(t);

    /* NPS by channel and week (weeks start on Monday) */
    int by2[1] = {CX_FIELD_CHANNEL};
    o.by = by2;
    o.rating_field = CX_FIELD_NPS;
    o.period = CX_PERIOD_WEEK;
    ck_assert_int_eq(cx_scores_group(&t, log, &o), CX_OK);
    cx_scores_key(&s, t, 0, 0);
    ck_assert_str_eq(s, "phone");
    cx_scores_key(&s, t, 0, 1);
    ck_assert_str_eq(s, "2024-01-15"); /* a Monday */
    const cx_acc *wk;
    cx_scores_acc(&wk, t, 0);
    ck_assert_uint_eq(cx_acc_count(wk), 2); /* Saturday 20th: same week as Monday 15th */
    cx_scores_key(&s, t, 1, 1);
    ck_assert_str_eq(s, "2024-04-01");
    cx_scores_free(t);

    /* quarter and the hash path (by customer x employee x team x touchpoint) agree */
    int by3[4] = {CX_FIELD_CUSTOMER, CX_FIELD_EMPLOYEE, CX_FIELD_TEAM, CX_FIELD_TOUCHPOINT};
    o.by = by3;
    o.n_by = 4;
    o.rating_field = CX_FIELD_CSAT;
    o.period = CX_PERIOD_QUARTER;
    ck_assert_int_eq(cx_scores_group(&t, log, &o), CX_OK);
    ck_assert_uint_eq(cx_scores_groups(t), 5);
    cx_scores_key(&s, t, 4, 4);
    ck_assert_str_eq(s, "2024-Q2");
    cx_scores_free(t);

    /* weights: one per row, negative -> error naming it */
    double w[7] = {1, 1, 1, 1, 1, -1, 1};
    o.n_by = 1;
    o.by = by;
    o.period = 0;
    o.weights = w;
    o.n_weights = 7;
    t = NULL;
    ck_assert_int_eq(cx_scores_group(&t, log, &o), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "weights");
    o.n_weights = 6;
    ck_assert_int_eq(cx_scores_group(&t, log, &o), CX_EINVAL);
    ck_assert_ptr_null(t);
    o.weights = NULL;
    int bad[1] = {CX_FIELD_CSAT};
    o.by = bad;
    ck_assert_int_eq(cx_scores_group(&t, log, &o), CX_EINVAL);
    cx_log_free(log);
}
END_TEST

START_TEST(group_log_large_key_space_uses_hash_path)
{
    /* 3000 customers x 11 points > dense limit only with many keys; force it with 4 keys */
    cx_log *log;
    cx_log_new(&log);
    cx_interaction row;
    char cust[32], emp[32], team[32], tp[32];
    sm_state = 3;
    cx_acc *ref;
    cx_acc_new(&ref, 0, 10);
    for (int i = 0; i < 3000; i++) {
        cx_interaction_init(&row, CX_INTERACTION_VERSION);
        snprintf(cust, sizeof cust, "c%d", i % 2000);
        snprintf(emp, sizeof emp, "e%d", i % 97);
        snprintf(team, sizeof team, "t%d", i % 13);
        snprintf(tp, sizeof tp, "p%d", i % 29);
        row.customer = cust;
        row.employee = emp;
        row.team = team;
        row.touchpoint = tp;
        row.time = 1700000000 + i * 3600;
        row.nps = (double)(sm_next() % 11);
        cx_acc_add(ref, row.nps, 1);
        ck_assert_int_eq(cx_log_append(log, &row), CX_OK);
    }
    cx_group_options o;
    cx_group_options_init(&o, CX_GROUP_OPTIONS_VERSION);
    int by[4] = {CX_FIELD_CUSTOMER, CX_FIELD_EMPLOYEE, CX_FIELD_TEAM, CX_FIELD_TOUCHPOINT};
    o.by = by;
    o.n_by = 4;
    o.rating_field = CX_FIELD_NPS;
    o.period = CX_PERIOD_DAY;
    cx_scores *t;
    ck_assert_int_eq(cx_scores_group(&t, log, &o), CX_OK);
    cx_acc *sum;
    cx_acc_new(&sum, 0, 10);
    for (size_t g = 0; g < cx_scores_groups(t); g++) {
        const cx_acc *a;
        cx_scores_acc(&a, t, g);
        cx_acc_merge(sum, a);
        if (g > 0) { /* ordered by customer code */
            const char *p, *q;
            cx_scores_key(&p, t, g - 1, 0);
            cx_scores_key(&q, t, g, 0);
            size_t cp, cq;
            cx_log_dict_find(&cp, log, CX_FIELD_CUSTOMER, p);
            cx_log_dict_find(&cq, log, CX_FIELD_CUSTOMER, q);
            ck_assert(cp <= cq);
        }
    }
    cx_nps_result x, y;
    cx_acc_nps(&x, ref, NULL, 0.95, 0);
    cx_acc_nps(&y, sum, NULL, 0.95, 0);
    ck_assert(memcmp(&x, &y, sizeof x) == 0);
    cx_scores_free(t);
    cx_acc_free(ref);
    cx_acc_free(sum);
    cx_log_free(log);
}
END_TEST

START_TEST(gap_by_employee)
{
    cx_log *log = group_log();
    cx_gap_result r[8];
    const char *labels[8];
    size_t ng;
    ck_assert_int_eq(cx_gap_by(NULL, NULL, &ng, 0, log, CX_FIELD_EMPLOYEE, 5, 0.95), CX_OK);
    ck_assert_uint_eq(ng, 3);
    ck_assert_int_eq(cx_gap_by(r, labels, &ng, 2, log, CX_FIELD_EMPLOYEE, 5, 0.95), CX_ERANGE);
    ck_assert_int_eq(cx_gap_by(r, labels, &ng, 8, log, CX_FIELD_EMPLOYEE, 5, 0.95), CX_OK);
    ck_assert_str_eq(labels[0], "e1");
    NEAR(r[0].gap, 0.5, 1e-15);  /* self {5,5} vs customer {5,4} */
    NEAR(r[1].gap, 1.5, 1e-15);  /* {4,4} vs {2,3} */
    NEAR(r[2].gap, -0.5, 1e-15); /* {3,2} vs {1,5} */
    ck_assert_int_eq(cx_gap_by(r, labels, &ng, 8, log, -1, 5, 0.95), CX_OK);
    ck_assert_uint_eq(ng, 1);
    NEAR(r[0].n, 6, 0);
    NEAR(r[0].top_a, 2.0 / 6, 1e-15);
    NEAR(r[0].top_b, 2.0 / 6, 1e-15);
    ck_assert_int_eq(cx_gap_by(r, labels, &ng, 8, log, CX_FIELD_TEAM, 5, 0.95), CX_OK);
    ck_assert_uint_eq(ng, 2);
    NEAR(r[0].gap, (0.5 * 2 + 1.5 * 2) / 4, 1e-15); /* t1: e1 and e2 */
    NEAR(r[1].n, 2, 0);                             /* t2: two complete pairs of e3 */
    /* out of memory anywhere: an error, nothing leaked */
    for (long k = 0; k < 40; k++) {
        cx_group_options o;
        cx_group_options_init(&o, CX_GROUP_OPTIONS_VERSION);
        int by[1] = {CX_FIELD_TOUCHPOINT};
        o.by = by;
        o.n_by = 1;
        o.period = CX_PERIOD_MONTH;
        cx_scores *t = NULL;
        cx__alloc_fail_after(k, 0);
        cx_status st = cx_scores_group(&t, log, &o);
        cx_status st2 = cx_gap_by(r, labels, &ng, 8, log, CX_FIELD_EMPLOYEE, 5, 0.95);
        cx__alloc_fail_after(-1, 0);
        ck_assert(st == CX_OK || st == CX_ENOMEM);
        ck_assert(st2 == CX_OK || st2 == CX_ENOMEM);
        if (st == CX_OK) {
            double raw[8], sh[8];
            cx_scores_shrink(raw, sh, NULL, cx_scores_groups(t), t, CX_SCORE_MEAN, 0);
        }
        cx_scores_free(t);
    }
    cx_log_free(log);
    ck_assert_int_eq(cx__alloc_live(), 0);
}
END_TEST

START_TEST(trend_over_months)
{
    /* 12 months, top-box share rising by 0.02 a month: the WLS slope per year is close to
     * 0.24 and clearly significant; by hand for the weights (p(1-p)/n each). */
    cx_log *log;
    cx_log_new(&log);
    cx_interaction row;
    sm_state = 17;
    for (int m = 0; m < 12; m++)
        for (int i = 0; i < 400; i++) {
            cx_interaction_init(&row, CX_INTERACTION_VERSION);
            row.customer = "c";
            row.time = 1704067200 + (int64_t)m * 30 * 86400 + i * 60; /* from 2024-01-01 */
            row.csat_min = 1;
            row.csat_max = 5;
            row.csat = sm_unif() < 0.4 + 0.02 * m ? 5 : 2;
            ck_assert_int_eq(cx_log_append(log, &row), CX_OK);
        }
    cx_group_options o;
    cx_group_options_init(&o, CX_GROUP_OPTIONS_VERSION);
    o.period = CX_PERIOD_MONTH;
    cx_scores *t;
    ck_assert_int_eq(cx_scores_group(&t, log, &o), CX_OK);
    double slope, se, p;
    ck_assert_int_eq(cx_scores_trend(&slope, &se, &p, t, CX_SCORE_TOP_BOX, 4), CX_OK);
    ck_assert_msg(fabs(slope - 0.24) < 0.08, "slope %g", slope);
    ck_assert(p < 1e-6 && se > 0);
    /* independent: recompute the WLS by hand from the per-month accumulators */
    double sw = 0, swx = 0, swy = 0, swxx = 0, swxy = 0;
    for (size_t g = 0; g < cx_scores_groups(t); g++) {
        const cx_acc *a;
        int64_t start;
        double share, n;
        cx_scores_acc(&a, t, g);
        cx_scores_period_start(&start, t, g);
        cx_acc_top_box(&share, NULL, NULL, a, 4, 0.95, 0);
        cx_acc_sizes(&n, NULL, NULL, a);
        double w = n / (share * (1 - share)), x = (double)start / (365.2425 * 86400);
        sw += w;
        swx += w * x;
        swy += w * share;
        swxx += w * x * x;
        swxy += w * x * share;
    }
    NEAR(slope, (swxy - swx * swy / sw) / (swxx - swx * swx / sw), 1e-9);
    cx_scores_free(t);
    int by[1] = {CX_FIELD_CUSTOMER};
    o.by = by;
    o.n_by = 1;
    ck_assert_int_eq(cx_scores_group(&t, log, &o), CX_OK);
    ck_assert_int_eq(cx_scores_trend(&slope, &se, &p, t, CX_SCORE_TOP_BOX, 4), CX_ENOTSUP);
    cx_scores_free(t);
    cx_log_free(log);
}
END_TEST

Suite *cx_suite_scores(void)
{
    Suite *s = suite_create("scores");
    TCase *tc = tcase_create("metrics");
    tcase_add_test(tc, prop_intervals_match_reference);
    tcase_add_test(tc, prop_bad_input);
    tcase_add_test(tc, prop_difference_newcombe);
    tcase_add_test(tc, nps_matches_reference);
    tcase_add_test(tc, nps_difference_reference);
    tcase_add_test(tc, nps_interval_coverage);
    tcase_add_test(tc, acc_scores_by_hand);
    tcase_add_test(tc, acc_weighted_nps_reference);
    tcase_add_test(tc, acc_custom_buckets);
    tcase_add_test(tc, acc_bad_input_leaves_it_unchanged);
    tcase_add_test(tc, acc_merge_is_exact_in_any_order);
    tcase_add_test(tc, acc_deserialize_rejects_damage);
    tcase_add_test(tc, acc_out_of_memory);
    tcase_add_test(tc, perception_gap_paired);
    tcase_add_test(tc, servqual_by_hand);
    tcase_add_test(tc, group_codes_equal_per_group_accumulators);
    tcase_add_test(tc, shrinkage_pulls_small_groups);
    tcase_add_test(tc, group_log_by_touchpoint_and_month);
    tcase_add_test(tc, group_log_large_key_space_uses_hash_path);
    tcase_add_test(tc, gap_by_employee);
    tcase_add_test(tc, trend_over_months);
    suite_add_tcase(s, tc);
    return s;
}
