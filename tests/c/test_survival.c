/* Kaplan-Meier, log-rank and Cox PH against R's survival package (reference values written by
 * tests/data/effects/make_survival_ref.R), plus edge cases and allocation failures. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

#define REF_DIR CX_SOURCE_DIR "/tests/data/effects/"

/* Values of one "key v1 v2 ..." line of surv_ref.txt; returns the count. */
static size_t ref(const char *key, double *out, size_t cap)
{
    FILE *f = fopen(REF_DIR "surv_ref.txt", "r");
    ck_assert_ptr_nonnull(f);
    static char line[65536];
    size_t n = 0;
    size_t klen = strlen(key);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0 || line[klen] != ' ')
            continue;
        char *p = line + klen, *end;
        for (;;) {
            double v = strtod(p, &end);
            if (end == p)
                break;
            ck_assert_uint_lt(n, cap);
            out[n++] = v;
            p = end;
        }
        break;
    }
    fclose(f);
    ck_assert_msg(n > 0, "no reference for %s", key);
    return n;
}

/* survival::aml: time, status, x (1 = Nonmaintained) */
static const double aml_t[] = {9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5,
                               5, 8,  8,  12, 16, 23, 27, 30, 33, 43, 45};
static const double aml_e[] = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1};
static const double aml_x[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
#define AML_N 23

typedef struct syn {
    size_t n;
    double t[400], e[400], x[1200], grp[400];
} syn;

static void load_syn(syn *s)
{
    FILE *f = fopen(REF_DIR "surv_data.csv", "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
    s->n = 0;
    double t, e, c, a, g;
    while (fscanf(f, "%lf,%lf,%lf,%lf,%lf", &t, &e, &c, &a, &g) == 5) {
        size_t i = s->n++;
        s->t[i] = t;
        s->e[i] = e;
        s->x[3 * i] = c;
        s->x[3 * i + 1] = a;
        s->x[3 * i + 2] = g;
        s->grp[i] = g;
    }
    fclose(f);
    ck_assert_uint_eq(s->n, 300);
}

static void close_all(const double *got, const double *want, size_t n, double tol, const char *what)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(fabs(got[i] - want[i]) <= tol * fmax(1, fabs(want[i])),
                      "%s[%zu]: got %.12g want %.12g", what, i, got[i], want[i]);
}

START_TEST(km_matches_r_aml)
{
    static const char *tags[] = {"log", "loglog", "plain"};
    static const int cis[] = {CX_KM_CI_LOG, CX_KM_CI_LOG_LOG, CX_KM_CI_PLAIN};
    double want[64], got[7][64];
    for (int c = 0; c < 3; c++) {
        cx_km *km = NULL;
        ck_assert_int_eq(cx_km_fit(&km, aml_t, aml_e, AML_N, 0.95, cis[c]), CX_OK);
        size_t m = cx_km_size(km);
        ck_assert_uint_eq(m, ref("aml.km.time", want, 64));
        ck_assert_int_eq(cx_km_get(got[0], got[1], got[2], got[3], got[4], got[5], got[6], m, km),
                         CX_OK);
        close_all(got[0], want, m, 0, "time");
        ref("aml.km.nrisk", want, 64);
        close_all(got[1], want, m, 0, "n_risk");
        ref("aml.km.nevent", want, 64);
        close_all(got[2], want, m, 0, "n_event");
        ref("aml.km.surv", want, 64);
        close_all(got[3], want, m, 1e-9, "surv");
        ref("aml.km.se", want, 64);
        close_all(got[4], want, m, 1e-9, "se");
        char key[64];
        snprintf(key, sizeof key, "aml.km.%s.lower", tags[c]);
        ref(key, want, 64);
        close_all(got[5], want, m, 1e-9, key);
        snprintf(key, sizeof key, "aml.km.%s.upper", tags[c]);
        ref(key, want, 64);
        close_all(got[6], want, m, 1e-9, key);
        cx_km_free(km);
    }
}
END_TEST

START_TEST(km_reference_sheet_values)
{
    /* REFERENCE.md 5.7: S at 5, 48 and Greenwood se at 5 and 48 */
    cx_km *km = NULL;
    ck_assert_int_eq(cx_km_fit(&km, aml_t, aml_e, AML_N, 0.95, CX_KM_CI_LOG), CX_OK);
    double s;
    cx_km_surv_at(&s, km, 5);
    ck_assert_double_eq_tol(s, 0.91304, 5e-6);
    cx_km_surv_at(&s, km, 48);
    ck_assert_double_eq_tol(s, 0.08282, 5e-6);
    cx_km_surv_at(&s, km, 4.99);
    ck_assert_double_eq(s, 1);
    double med;
    ck_assert_int_eq(cx_km_median(&med, km), CX_OK);
    ck_assert_double_eq(med, 27); /* R: median 27 */
    cx_km_free(km);
}
END_TEST

START_TEST(km_matches_r_synthetic_with_ties)
{
    static syn s;
    load_syn(&s);
    cx_km *km = NULL;
    ck_assert_int_eq(cx_km_fit(&km, s.t, s.e, s.n, 0.95, CX_KM_CI_LOG_LOG), CX_OK);
    double want[400], got[4][400];
    size_t m = cx_km_size(km);
    ck_assert_uint_eq(m, ref("syn.km.time", want, 400));
    cx_km_get(got[0], NULL, NULL, got[1], got[2], got[3], NULL, m, km);
    close_all(got[0], want, m, 0, "time");
    ref("syn.km.surv", want, 400);
    close_all(got[1], want, m, 1e-9, "surv");
    ref("syn.km.se", want, 400);
    close_all(got[2], want, m, 1e-9, "se");
    ref("syn.km.lower", want, 400);
    close_all(got[3], want, m, 1e-9, "lower");
    cx_km_free(km);
}
END_TEST

START_TEST(km_edge_cases)
{
    cx_km *km = NULL;
    double t[] = {1, 2, 3}, none[] = {0, 0, 0}, all[] = {1, 1, 1};
    /* censoring everywhere: S = 1, se 0, interval [1, 1]; the median is not reached */
    ck_assert_int_eq(cx_km_fit(&km, t, none, 3, 0.95, CX_KM_CI_LOG_LOG), CX_OK);
    double s[3], se[3], lo[3], hi[3], med = -1;
    cx_km_get(NULL, NULL, NULL, s, se, lo, hi, 3, km);
    for (int i = 0; i < 3; i++) {
        ck_assert_double_eq(s[i], 1);
        ck_assert_double_eq(se[i], 0);
        ck_assert_double_eq(lo[i], 1);
        ck_assert_double_eq(hi[i], 1);
    }
    ck_assert_int_eq(cx_km_median(&med, km), CX_ERANGE);
    ck_assert_double_eq(med, -1);
    cx_km_free(km);
    /* everyone has the event: S reaches 0 with se 0 and interval [0, 0], never NaN */
    ck_assert_int_eq(cx_km_fit(&km, t, all, 3, 0.95, CX_KM_CI_LOG), CX_OK);
    cx_km_get(NULL, NULL, NULL, s, se, lo, hi, 3, km);
    ck_assert_double_eq(s[2], 0);
    ck_assert_double_eq(se[2], 0);
    ck_assert_double_eq(lo[2], 0);
    ck_assert_double_eq(hi[2], 0);
    for (int i = 0; i < 3; i++)
        ck_assert(!isnan(se[i]) && !isnan(lo[i]) && !isnan(hi[i]));
    ck_assert_int_eq(cx_km_median(&med, km), CX_OK);
    ck_assert_double_eq(med, 2);
    cx_km_free(km);
    /* bad input names the parameter */
    double bad_t[] = {1, -1, 3}, bad_e[] = {1, 2, 0};
    km = NULL;
    ck_assert_int_eq(cx_km_fit(&km, bad_t, all, 3, 0.95, 0), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "time");
    ck_assert_int_eq(cx_km_fit(&km, t, bad_e, 3, 0.95, 0), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "event");
    ck_assert_int_eq(cx_km_fit(&km, t, all, 3, 1.0, 0), CX_EINVAL);
    ck_assert_int_eq(cx_km_fit(&km, t, all, 0, 0.95, 0), CX_EINVAL);
    ck_assert_ptr_null(km);
}
END_TEST

START_TEST(logrank_matches_r)
{
    double want[16], chisq, p, obs[3], ex[3];
    ck_assert_int_eq(cx_logrank_test(&chisq, &p, obs, ex, 2, aml_t, aml_e, aml_x, AML_N), CX_OK);
    ref("aml.logrank", want, 16);
    ck_assert_double_eq_tol(chisq, want[0], 1e-9);
    ck_assert_double_eq_tol(p, want[1], 1e-9);
    close_all(obs, want + 2, 2, 1e-12, "observed");
    close_all(ex, want + 4, 2, 1e-9, "expected");
    static syn s;
    load_syn(&s);
    ck_assert_int_eq(cx_logrank_test(&chisq, &p, obs, ex, 3, s.t, s.e, s.grp, s.n), CX_OK);
    ref("syn.logrank", want, 16);
    ck_assert_double_eq_tol(chisq, want[0], 1e-9);
    ck_assert_double_eq_tol(p, want[1], 1e-9);
    close_all(obs, want + 2, 3, 1e-12, "observed");
    close_all(ex, want + 5, 3, 1e-9, "expected");
}
END_TEST

START_TEST(logrank_edge_cases)
{
    double chisq = -1, p = -1;
    double t[] = {1, 2, 3, 4}, e[] = {1, 0, 1, 0}, none[] = {0, 0, 0, 0};
    double g_empty[] = {0, 0, 2, 2}, g_bad[] = {0, 1, 1.5, 0}, g[] = {0, 1, 0, 1};
    ck_assert_int_eq(cx_logrank_test(&chisq, &p, NULL, NULL, 3, t, e, g_empty, 4), CX_ERANGE);
    ck_assert_str_eq(cx_error_last()->param, "group");
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "group 1 has no subjects"));
    ck_assert_int_eq(cx_logrank_test(&chisq, &p, NULL, NULL, 2, t, e, g_bad, 4), CX_EINVAL);
    ck_assert_int_eq(cx_logrank_test(&chisq, &p, NULL, NULL, 2, t, none, g, 4), CX_ERANGE);
    ck_assert_str_eq(cx_error_last()->param, "event");
    ck_assert_double_eq(chisq, -1);
    ck_assert_double_eq(p, -1);
}
END_TEST

static void check_cox(const char *ties_name, int ties, const syn *s)
{
    cx_cox *m = NULL;
    ck_assert_int_eq(cx_cox_fit(&m, s->t, s->e, s->x, s->n, 3, ties), CX_OK);
    double want[32], beta[3], se[3], vc[9], ll0, ll;
    char key[64];
    cx_cox_coef(beta, se, NULL, NULL, NULL, NULL, 3, m, 0.95);
    snprintf(key, sizeof key, "syn.cox.%s.coef", ties_name);
    ref(key, want, 32);
    close_all(beta, want, 3, 1e-6, key);
    snprintf(key, sizeof key, "syn.cox.%s.se", ties_name);
    ref(key, want, 32);
    close_all(se, want, 3, 1e-6, key);
    snprintf(key, sizeof key, "syn.cox.%s.vcov", ties_name);
    ref(key, want, 32);
    cx_cox_vcov(vc, 3, m);
    close_all(vc, want, 9, 1e-6, key);
    snprintf(key, sizeof key, "syn.cox.%s.loglik", ties_name);
    ref(key, want, 32);
    cx_cox_summary(&ll0, &ll, NULL, NULL, NULL, NULL, m);
    ck_assert_double_eq_tol(ll0, want[0], 1e-6);
    ck_assert_double_eq_tol(ll, want[1], 1e-6);
    static const char *tr[] = {"km", "identity", "rank", "log"};
    for (int k = 0; k < 4; k++) {
        double x2[4], pv[4], df[4];
        ck_assert_int_eq(cx_cox_zph(x2, df, pv, 4, m, k), CX_OK);
        snprintf(key, sizeof key, "syn.zph.%s.%s", ties_name, tr[k]);
        ref(key, want, 32);
        close_all(x2, want, 4, 1e-6, key);
        close_all(pv, want + 4, 4, 1e-6, key);
        ck_assert_double_eq(df[0], 1);
        ck_assert_double_eq(df[3], 3);
    }
    cx_cox_free(m);
}

START_TEST(cox_matches_r)
{
    double want[8], beta, se, ll0, ll, hr, lo, hi;
    cx_cox *m = NULL;
    ck_assert_int_eq(cx_cox_fit(&m, aml_t, aml_e, aml_x, AML_N, 1, CX_TIES_EFRON), CX_OK);
    ref("aml.cox.efron", want, 8);
    cx_cox_coef(&beta, &se, &hr, &lo, &hi, NULL, 1, m, 0.95);
    cx_cox_summary(&ll0, &ll, NULL, NULL, NULL, NULL, m);
    ck_assert_double_eq_tol(beta, want[0], 1e-7);
    ck_assert_double_eq_tol(se, want[1], 1e-7);
    ck_assert_double_eq_tol(ll0, want[2], 1e-7);
    ck_assert_double_eq_tol(ll, want[3], 1e-7);
    /* REFERENCE.md 5.7 table */
    ck_assert_double_eq_tol(beta, 0.9155326, 5e-8);
    ck_assert_double_eq_tol(se, 0.5119343, 5e-8);
    ck_assert_double_eq_tol(hr, exp(beta), 1e-12);
    ck_assert_double_eq_tol(lo, exp(beta - 1.959963984540054 * se), 1e-9);
    ck_assert_double_eq_tol(hi, exp(beta + 1.959963984540054 * se), 1e-9);
    cx_cox_free(m);
    ck_assert_int_eq(cx_cox_fit(&m, aml_t, aml_e, aml_x, AML_N, 1, CX_TIES_BRESLOW), CX_OK);
    ref("aml.cox.breslow", want, 8);
    cx_cox_coef(&beta, &se, NULL, NULL, NULL, NULL, 1, m, 0.95);
    cx_cox_summary(&ll0, &ll, NULL, NULL, NULL, NULL, m);
    ck_assert_double_eq_tol(beta, want[0], 1e-7);
    ck_assert_double_eq_tol(se, want[1], 1e-7);
    ck_assert_double_eq_tol(ll, want[3], 1e-7);
    cx_cox_free(m);
    static syn s;
    load_syn(&s);
    check_cox("efron", CX_TIES_EFRON, &s);
    check_cox("breslow", CX_TIES_BRESLOW, &s);
}
END_TEST

START_TEST(cox_baseline_matches_r)
{
    static syn s;
    load_syn(&s);
    cx_cox *m = NULL;
    ck_assert_int_eq(cx_cox_fit(&m, s.t, s.e, s.x, s.n, 3, CX_TIES_BRESLOW), CX_OK);
    size_t k = 0;
    ck_assert_int_eq(cx_cox_baseline(NULL, NULL, &k, m), CX_OK);
    double want[400], t[400], h[400];
    ck_assert_uint_eq(k, ref("syn.base.breslow.time", want, 400));
    ck_assert_int_eq(cx_cox_baseline(t, h, &k, m), CX_OK);
    close_all(t, want, k, 0, "time");
    ref("syn.base.breslow.hazard", want, 400);
    close_all(h, want, k, 1e-6, "cumhaz");
    cx_cox_free(m);
}
END_TEST

START_TEST(cox_edge_cases)
{
    cx_cox *m = NULL;
    double t[] = {1, 2, 3, 4, 5, 6}, none[] = {0, 0, 0, 0, 0, 0}, e[] = {1, 1, 1, 0, 1, 0};
    double x[] = {1, 2, 3, 4, 5, 6}, konst[] = {1, 1, 1, 1, 1, 1};
    ck_assert_int_eq(cx_cox_fit(&m, t, none, x, 6, 1, CX_TIES_EFRON), CX_ERANGE);
    ck_assert_str_eq(cx_error_last()->param, "event");
    ck_assert_int_eq(cx_cox_fit(&m, t, e, konst, 6, 1, CX_TIES_EFRON), CX_ERANGE);
    ck_assert_str_eq(cx_error_last()->param, "x");
    /* the smaller x, the earlier the event, at every event time: beta -> -infinity (monotone
     * likelihood, the survival form of perfect separation) */
    ck_assert_int_eq(cx_cox_fit(&m, t, e, x, 6, 1, CX_TIES_EFRON), CX_ENOTCONV);
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "diverges"));
    double x2[] = {1, 2, 2, 4, 3, 6, 4, 8, 5, 10, 6, 12}; /* exactly collinear */
    double tt[] = {2, 5, 1, 4, 6, 3};
    ck_assert_int_eq(cx_cox_fit(&m, tt, e, x2, 6, 2, CX_TIES_EFRON), CX_ESINGULAR);
    ck_assert_ptr_null(m);
    double nan_x[] = {1, NAN, 3, 4, 5, 6};
    ck_assert_int_eq(cx_cox_fit(&m, t, e, nan_x, 6, 1, CX_TIES_EFRON), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "x");
    ck_assert_int_eq(cx_cox_fit(&m, t, e, x, 6, 1, 7), CX_EINVAL);
}
END_TEST

START_TEST(allocation_failures_leave_no_leak)
{
    static syn s;
    load_syn(&s);
    for (long k = 0; k < 40; k++) {
        long live = cx__alloc_live();
        cx__alloc_fail_after(k, 0);
        cx_km *km = NULL;
        cx_cox *m = NULL;
        double chisq, p, x2[4];
        cx_status a = cx_km_fit(&km, s.t, s.e, s.n, 0.95, 0);
        cx_status b = cx_cox_fit(&m, s.t, s.e, s.x, s.n, 3, CX_TIES_EFRON);
        cx_status c = cx_logrank_test(&chisq, &p, NULL, NULL, 3, s.t, s.e, s.grp, s.n);
        cx_status d = m ? cx_cox_zph(x2, NULL, NULL, 4, m, CX_ZPH_KM) : CX_OK;
        cx__alloc_fail_after(-1, 0);
        ck_assert(a == CX_OK || a == CX_ENOMEM);
        ck_assert(b == CX_OK || b == CX_ENOMEM);
        ck_assert(c == CX_OK || c == CX_ENOMEM);
        ck_assert(d == CX_OK || d == CX_ENOMEM);
        ck_assert((a == CX_OK) == (km != NULL));
        ck_assert((b == CX_OK) == (m != NULL));
        cx_km_free(km);
        cx_cox_free(m);
        ck_assert_int_eq(cx__alloc_live(), live);
    }
}
END_TEST

Suite *cx_suite_survival(void)
{
    Suite *s = suite_create("survival");
    TCase *tc = tcase_create("survival");
    tcase_add_test(tc, km_matches_r_aml);
    tcase_add_test(tc, km_reference_sheet_values);
    tcase_add_test(tc, km_matches_r_synthetic_with_ties);
    tcase_add_test(tc, km_edge_cases);
    tcase_add_test(tc, logrank_matches_r);
    tcase_add_test(tc, logrank_edge_cases);
    tcase_add_test(tc, cox_matches_r);
    tcase_add_test(tc, cox_baseline_matches_r);
    tcase_add_test(tc, cox_edge_cases);
    tcase_add_test(tc, allocation_failures_leave_no_leak);
    suite_add_tcase(s, tc);
    return s;
}
