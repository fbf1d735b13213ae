/* Logistic regression (against statsmodels, values from tests/data/effects/make_logit_ref.py),
 * the Wallet Allocation Rule (published examples) and retention zones (recovery of known knots
 * from simulated data). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

#define REF_DIR CX_SOURCE_DIR "/tests/data/effects/"

static size_t ref(const char *file, const char *key, double *out, size_t cap)
{
    char path[512];
    snprintf(path, sizeof path, REF_DIR "%s", file);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char line[65536];
    size_t n = 0, klen = strlen(key);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0 || line[klen] != ' ')
            continue;
        char *p = line + klen, *end;
        for (double v; (v = strtod(p, &end)), end != p; p = end) {
            ck_assert_uint_lt(n, cap);
            out[n++] = v;
        }
        break;
    }
    fclose(f);
    ck_assert_msg(n > 0, "no reference for %s", key);
    return n;
}

static size_t load_logit(double *y, double *x)
{
    FILE *f = fopen(REF_DIR "logit_data.csv", "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    size_t n = 0;
    double a, b, c, d;
    while (fscanf(f, "%lf,%lf,%lf,%lf", &a, &b, &c, &d) == 4) {
        y[n] = a;
        x[3 * n] = b;
        x[3 * n + 1] = c;
        x[3 * n + 2] = d;
        n++;
    }
    fclose(f);
    return n;
}

/* small deterministic generator for simulated data (independent of the library's RNG) */
static uint64_t sm_state = 88172645463325252ull;
static double unif(void)
{
    sm_state ^= sm_state << 13;
    sm_state ^= sm_state >> 7;
    sm_state ^= sm_state << 17;
    return ((double)(sm_state >> 11) + 0.5) / 9007199254740992.0;
}

START_TEST(logit_matches_statsmodels)
{
    static double y[600], x[1800];
    size_t n = load_logit(y, x);
    ck_assert_uint_eq(n, 500);
    cx_logit *m = NULL;
    ck_assert_int_eq(cx_logit_fit(&m, y, x, NULL, n, 3, 1), CX_OK);
    ck_assert_uint_eq(cx_logit_p(m), 4);
    double b[4], se[4], lo[4], hi[4], pv[4], vc[16], want[16];
    ck_assert_int_eq(cx_logit_coef(b, se, lo, hi, pv, 4, m, 0.95), CX_OK);
    const char *keys[] = {"coef", "se", "lower", "upper", "p"};
    double *got[] = {b, se, lo, hi, pv};
    for (int k = 0; k < 5; k++) {
        ref("logit_ref.txt", keys[k], want, 16);
        for (int j = 0; j < 4; j++)
            ck_assert_msg(fabs(got[k][j] - want[j]) <= 1e-8 * fmax(1, fabs(want[j])),
                          "%s[%d] %.12g vs %.12g", keys[k], j, got[k][j], want[j]);
    }
    cx_logit_vcov(vc, 4, m);
    ref("logit_ref.txt", "vcov", want, 16);
    for (int j = 0; j < 16; j++)
        ck_assert_double_eq_tol(vc[j], want[j], 1e-9);
    double ll, ll0, lr, lrp;
    cx_logit_summary(&ll, &ll0, &lr, &lrp, NULL, m);
    ref("logit_ref.txt", "llf", want, 16);
    ck_assert_double_eq_tol(ll, want[0], 1e-8);
    ck_assert_double_eq_tol(ll0, want[1], 1e-8);
    ck_assert_double_eq_tol(lr, want[2], 1e-8);
    ck_assert_double_eq_tol(lrp / want[3], 1, 1e-6);
    double prob;
    ck_assert_int_eq(cx_logit_predict(&prob, x, 1, 3, m), CX_OK);
    ck_assert_double_eq_tol(prob, 1 / (1 + exp(-(b[0] + b[1] * x[0] + b[2] * x[1] + b[3] * x[2]))),
                            1e-14);
    cx_logit_free(m);
}
END_TEST

START_TEST(logit_weights_equal_repeated_rows)
{
    /* aggregated proportions with trial weights == the expanded 0/1 data */
    double s[] = {1, 2, 3, 4, 5}, trials[] = {40, 50, 80, 90, 60}, succ[] = {8, 15, 36, 55, 50};
    double prop[5];
    for (int i = 0; i < 5; i++)
        prop[i] = succ[i] / trials[i];
    static double ye[320], xe[320];
    size_t n = 0;
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < trials[i]; k++) {
            ye[n] = k < succ[i];
            xe[n++] = s[i];
        }
    cx_logit *a = NULL, *b = NULL;
    ck_assert_int_eq(cx_logit_fit(&a, prop, s, trials, 5, 1, 1), CX_OK);
    ck_assert_int_eq(cx_logit_fit(&b, ye, xe, NULL, n, 1, 1), CX_OK);
    double ba[2], bb[2], sa[2], sb[2], lla, llb;
    cx_logit_coef(ba, sa, NULL, NULL, NULL, 2, a, 0.95);
    cx_logit_coef(bb, sb, NULL, NULL, NULL, 2, b, 0.95);
    cx_logit_summary(&lla, NULL, NULL, NULL, NULL, a);
    cx_logit_summary(&llb, NULL, NULL, NULL, NULL, b);
    for (int j = 0; j < 2; j++) {
        ck_assert_double_eq_tol(ba[j], bb[j], 1e-10);
        ck_assert_double_eq_tol(sa[j], sb[j], 1e-10);
    }
    ck_assert_double_eq_tol(lla, llb, 1e-9);
    cx_logit_free(a);
    cx_logit_free(b);
}
END_TEST

START_TEST(logit_separation_and_bad_input)
{
    cx_logit *m = NULL;
    double x[] = {1, 2, 3, 4, 5, 6}, y[] = {0, 0, 0, 1, 1, 1};
    /* complete separation */
    ck_assert_int_eq(cx_logit_fit(&m, y, x, NULL, 6, 1, 1), CX_ERANGE);
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "separation"));
    ck_assert_str_eq(cx_error_last()->param, "x");
    /* quasi-complete: x = 3 has both outcomes, the rest separate */
    double xq[] = {1, 2, 3, 3, 4, 5}, yq[] = {0, 0, 0, 1, 1, 1};
    ck_assert_int_eq(cx_logit_fit(&m, yq, xq, NULL, 6, 1, 1), CX_ERANGE);
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "separation"));
    /* overlapping data fit fine */
    double yo[] = {0, 1, 0, 1, 0, 1};
    ck_assert_int_eq(cx_logit_fit(&m, yo, x, NULL, 6, 1, 1), CX_OK);
    cx_logit_free(m);
    m = NULL;
    double y0[] = {0, 0, 0, 0, 0, 0}, yb[] = {0, 1, 2, 0, 1, 0};
    ck_assert_int_eq(cx_logit_fit(&m, y0, x, NULL, 6, 1, 1), CX_ERANGE);
    ck_assert_str_eq(cx_error_last()->param, "y");
    ck_assert_int_eq(cx_logit_fit(&m, yb, x, NULL, 6, 1, 1), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "y");
    double xc[] = {1, 2, 2, 4, 3, 6, 4, 8, 5, 10, 6, 12};
    ck_assert_int_eq(cx_logit_fit(&m, yo, xc, NULL, 6, 2, 1), CX_ESINGULAR);
    double xn[] = {1, 2, NAN, 4, 5, 6};
    ck_assert_int_eq(cx_logit_fit(&m, yo, xn, NULL, 6, 1, 1), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "x");
    double wneg[] = {1, 1, -1, 1, 1, 1};
    ck_assert_int_eq(cx_logit_fit(&m, yo, x, wneg, 6, 1, 1), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "w");
    ck_assert_ptr_null(m);
}
END_TEST

START_TEST(wallet_rule_published_examples)
{
    /* REFERENCE.md 4.2: N = 1 -> 1; N = 2 -> 2/3, 1/3; N = 3 -> 0.5, 0.333, 0.167 */
    double r[] = {1, 1, 2, 1, 2, 3}, nb[] = {1, 2, 2, 3, 3, 3}, s[6];
    ck_assert_int_eq(cx_wallet_share_from_ranks(s, r, nb, 6), CX_OK);
    double want[] = {1, 2.0 / 3, 1.0 / 3, 0.5, 1.0 / 3, 1.0 / 6};
    for (int i = 0; i < 6; i++)
        ck_assert_double_eq_tol(s[i], want[i], 1e-15);
    /* from scores: customer 7 uses 3 brands, two tied; customer 9 one brand */
    double cust[] = {7, 9, 7, 7}, score[] = {8, 3, 10, 8}, share[4], rank[4];
    ck_assert_int_eq(cx_wallet_share_from_scores(share, rank, cust, score, 4), CX_OK);
    ck_assert_double_eq(rank[2], 1);
    ck_assert_double_eq(rank[0], 2.5);
    ck_assert_double_eq(rank[3], 2.5);
    ck_assert_double_eq_tol(share[2], 0.5, 1e-15);
    ck_assert_double_eq_tol(share[0], 0.25, 1e-15);
    ck_assert_double_eq_tol(share[0] + share[2] + share[3], 1, 1e-15);
    ck_assert_double_eq(share[1], 1);
    double bad[] = {0, 1}, two[] = {2, 2};
    ck_assert_int_eq(cx_wallet_share_from_ranks(s, bad, two, 2), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "rank");
    double nans[] = {1, NAN};
    ck_assert_int_eq(cx_wallet_share_from_scores(share, NULL, cust, nans, 2), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "score");
}
END_TEST

START_TEST(zones_recover_known_knots)
{
    /* 1..10 scale; log-odds flat-ish below 4 (defection), gentle to 8, steep from 8 */
    enum { N = 40000 };
    static double s[N], r[N];
    for (int i = 0; i < N; i++) {
        double v = 1 + floor(unif() * 10);
        double eta = -2 + 0.05 * v + 0.25 * fmax(v - 4, 0) + 1.0 * fmax(v - 8, 0);
        s[i] = v;
        r[i] = unif() < 1 / (1 + exp(-eta));
    }
    cx_zones z;
    ck_assert_int_eq(cx_zones_fit(&z, r, s, NULL, N, 0.95), CX_OK);
    ck_assert_uint_eq(z.version, CX_ZONES_VERSION);
    ck_assert_double_eq(z.knot[0], 4);
    ck_assert_double_eq(z.knot[1], 8);
    ck_assert(z.knot_lower[0] <= 4 && z.knot_upper[0] >= 4);
    double truth[] = {0.05, 0.30, 1.30};
    for (int k = 0; k < 3; k++)
        ck_assert_msg(z.slope_lower[k] < truth[k] && truth[k] < z.slope_upper[k],
                      "zone %d slope %g [%g, %g]", k, z.slope[k], z.slope_lower[k],
                      z.slope_upper[k]);
    ck_assert(z.retention[0] < z.retention[1] && z.retention[1] < z.retention[2]);
    ck_assert(z.lr_p_value < 1e-6);
    ck_assert_double_eq(z.n[0] + z.n[1] + z.n[2], N);
    double few[] = {1, 2, 3, 1}, rr[] = {0, 1, 0, 1};
    ck_assert_int_eq(cx_zones_fit(&z, rr, few, NULL, 4, 0.95), CX_ERANGE);
    ck_assert_str_eq(cx_error_last()->param, "satisfaction");
}
END_TEST

START_TEST(allocation_failures)
{
    static double y[600], x[1800];
    size_t n = load_logit(y, x);
    for (long k = 0; k < 30; k++) {
        long live = cx__alloc_live();
        cx__alloc_fail_after(k, 0);
        cx_logit *m = NULL;
        cx_zones z;
        double sh[4], c[] = {1, 1, 2, 2}, sc[] = {3, 4, 5, 5};
        cx_status a = cx_logit_fit(&m, y, x, NULL, n, 3, 1);
        cx_status b = cx_zones_fit(&z, y, x, NULL, n / 3, 0.95); /* csat column as s */
        cx_status c2 = cx_wallet_share_from_scores(sh, NULL, c, sc, 4);
        cx__alloc_fail_after(-1, 0);
        ck_assert(a == CX_OK || a == CX_ENOMEM);
        ck_assert(b == CX_OK || b == CX_ENOMEM || b == CX_ERANGE);
        ck_assert(c2 == CX_OK || c2 == CX_ENOMEM);
        cx_logit_free(m);
        ck_assert_int_eq(cx__alloc_live(), live);
    }
}
END_TEST

Suite *cx_suite_effects(void)
{
    Suite *s = suite_create("effects");
    TCase *tc = tcase_create("effects");
    tcase_add_test(tc, logit_matches_statsmodels);
    tcase_add_test(tc, logit_weights_equal_repeated_rows);
    tcase_add_test(tc, logit_separation_and_bad_input);
    tcase_add_test(tc, wallet_rule_published_examples);
    tcase_add_test(tc, zones_recover_known_knots);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}
