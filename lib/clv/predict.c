/*
 * Predictions of the customer-base models (REFERENCE.md 5.1-5.6): expected purchases,
 * P(alive), purchase-count probabilities, DERT/DERL, expected spend and CLV. Every function
 * computes into a scratch array and copies it out only when all customers succeeded.
 */
#include <math.h>
#include <string.h>

#include "clv_internal.h"
#include "parallel.h"
#include "special.h"

typedef cx_status (*row_fn)(double *out, const cx_clv_model *m, double t, double x, double tx,
                            double T);

static int continuous(int kind)
{
    return kind == CX_CLV_BGNBD || kind == CX_CLV_MBGNBD || kind == CX_CLV_PARETO_NBD;
}

static cx_status unsupported(const cx_clv_model *m, const char *what)
{
    return cx__error_param(CX_ENOTSUP, "model", "%s is not defined for the %s model", what,
                           m->info->name);
}

typedef struct map_job {
    double *tmp;
    const cx_clv_model *m;
    row_fn fn;
    cx__clv_vec_fn vec; /* the vectorised kernel for the whole block, or NULL */
    double t;
    const double *x, *tx, *T;
    size_t n;
} map_job;

/* Rows of one block, in order, stopping at the first failure (so the lowest failing block holds
 * the first failing row). Without covariates the vectorised kernel computes the block and the
 * scalar code only the rows it leaves (which are also where errors come from). */
static cx_status map_block(void *vjob, size_t b)
{
    const map_job *j = vjob;
    const size_t lo = b * CX__CLV_BLOCK, hi = lo + CX__CLV_BLOCK < j->n ? lo + CX__CLV_BLOCK : j->n;
    cx_clv_model view = *j->m; /* customer i's own parameters under covariates */
    unsigned char slow[CX__CLV_BLOCK];
    const int vec = j->vec && !j->m->cov;
    if (vec)
        j->vec(j->tmp + lo, slow, j->m->p, j->m->info->kind == CX_CLV_MBGNBD, j->t, j->x + lo,
               j->tx + lo, j->T + lo, hi - lo);
    for (size_t i = lo; i < hi; i++) {
        if (vec && !slow[i - lo])
            continue;
        if (j->m->cov)
            cx__clv_cov_params(view.p, j->m, j->m->cov->coef, i);
        cx_status st = j->fn(&j->tmp[i], &view, j->t, j->x[i], j->tx[i], j->T ? j->T[i] : 0.0);
        if (st == CX_OK && !isfinite(j->tmp[i]))
            st = cx__error(CX_ERANGE, "prediction for row %zu is not finite", i);
        if (st != CX_OK)
            return st;
    }
    return CX_OK;
}

/* Run fn over the rows into a scratch array (blocks of rows on the model's threads; each row's
 * value does not depend on them), then copy to out. */
static cx_status map_rows(double *out, const cx_clv_model *m, row_fn fn, cx__clv_vec_fn vec,
                          double t, const double *x, const double *tx, const double *T, size_t n)
{
    if (m->cov && m->cov->n != n)
        return cx__error_param(CX_EINVAL, "n", "the covariates describe %zu customers, not %zu",
                               m->cov->n, n);
    double *tmp = cx__malloc_array(n, sizeof *tmp);
    if (!tmp)
        return cx__enomem();
    map_job j = {tmp, m, fn, vec, t, x, tx, T, n};
    const size_t nb = (n + CX__CLV_BLOCK - 1) / CX__CLV_BLOCK;
    cx_status st =
        cx__parallel_for(nb, nb < CX__CLV_MIN_THREADED_BLOCKS ? 1 : m->n_threads, map_block, &j);
    if (st == CX_OK)
        memcpy(out, tmp, n * sizeof *out);
    cx__free(tmp);
    return st;
}

/* ---- BG/NBD and MBG/NBD ---- */

/* shift 0: BG/NBD; 1: MBG/NBD. */
static double bg_palive(const double *p, double x, double tx, double T, int shift)
{
    const double r = p[0], alpha = p[1], a = p[2], b = p[3];
    if (x == 0 && !shift)
        return 1.0;
    /* two logarithms of ratios instead of four (predictions for every customer are bound by
     * them); each ratio is correctly rounded, so this is as accurate as the differences */
    const double l = log(a / (b + x - 1 + shift)) + (r + x) * log((alpha + T) / (alpha + tx));
    return 1.0 / (1.0 + exp(l));
}

static cx_status bg_conditional(double *out, const double *p, double t, double x, double tx,
                                double T, int shift)
{
    const double r = p[0], alpha = p[1], a = p[2], b = p[3];
    const double z = t / (alpha + T + t);
    double h;
    /* overflow-free Euler form: ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+shift; a+b+x-1+shift;
     * z) = (1-z)^(a-1) 2F1(a+b-1+shift-r, a-1; a+b+x-1+shift; z) */
    cx_status st = cx__hyp2f1(&h, a + b - 1 + shift - r, a - 1, a + b + x - 1 + shift, z);
    if (st != CX_OK)
        return st;
    const double bracket = -expm1((a - 1) * log1p(-z)) - (pow(1 - z, a - 1) * (h - 1.0));
    *out = (a + b + x - 1 + shift) / (a - 1) * bracket * bg_palive(p, x, tx, T, shift);
    return CX_OK;
}

/* The discounted CLV sum over months k = 1..months of f_k em (E[Y(k u)] - E[Y((k-1) u)]) for one
 * BG/NBD or MBG/NBD customer, f[k-1] = margin / (1 + discount)^k: the 2F1 series of all months
 * share their coefficients (cx__hyp2f1_multi) and P(alive) is computed once; the values are
 * those of bg_conditional month by month. */
static cx_status bg_clv(double *out, const double *p, double x, double tx, double T, int shift,
                        double em, unsigned months, double upm, const double *f)
{
    const double r = p[0], alpha = p[1], a = p[2], b = p[3];
    const double pa = bg_palive(p, x, tx, T, shift);
    double sum = 0.0, prev = 0.0, z[CX__HYP_MULTI_MAX], h[CX__HYP_MULTI_MAX];
    for (unsigned k0 = 1; k0 <= months; k0 += CX__HYP_MULTI_MAX) {
        const unsigned nk =
            months - k0 + 1 < CX__HYP_MULTI_MAX ? months - k0 + 1 : CX__HYP_MULTI_MAX;
        for (unsigned j = 0; j < nk; j++) {
            const double t = (k0 + j) * upm;
            z[j] = t / (alpha + T + t);
        }
        cx_status st =
            cx__hyp2f1_multi(h, a + b - 1 + shift - r, a - 1, a + b + x - 1 + shift, z, nk);
        if (st != CX_OK)
            return st;
        for (unsigned j = 0; j < nk; j++) {
            /* (1-z)^(a-1) - 1 once, with its logarithm: two transcendentals a month, not four */
            const double em1 = expm1((a - 1) * log1p(-z[j]));
            const double bracket = -em1 - ((1.0 + em1) * (h[j] - 1.0));
            const double cur = (a + b + x - 1 + shift) / (a - 1) * bracket * pa;
            if (!isfinite(cur))
                return cx__error(CX_ERANGE,
                                 "expected purchases at x = %g, t_x = %g, T = %g are not "
                                 "finite",
                                 x, tx, T);
            sum += f[k0 - 1 + j] * em * (cur - prev);
            prev = cur;
        }
    }
    *out = sum;
    return CX_OK;
}

static cx_status bg_unconditional(double *out, const double *p, double t, int shift)
{
    const double r = p[0], alpha = p[1], a = p[2], b = p[3];
    const double z = t / (alpha + t);
    double h;
    /* (alpha/(alpha+t))^r 2F1(r, b+shift; a+b-1+shift; z) in Euler form, as above with x = 0 */
    cx_status st = cx__hyp2f1(&h, a + b - 1 + shift - r, a - 1, a + b - 1 + shift, z);
    if (st != CX_OK)
        return st;
    const double bracket = -expm1((a - 1) * log1p(-z)) - (pow(1 - z, a - 1) * (h - 1.0));
    *out = (b + (shift ? 0.0 : a - 1)) / (a - 1) * bracket;
    return CX_OK;
}

/* log NBD probability of j purchases in (0, t]. */
static double log_nbd(double r, double alpha, double t, double j)
{
    return cx__lgamma(r + j) - cx__lgamma(r) - cx__lgamma(j + 1) + r * log(alpha / (alpha + t)) +
           (j > 0 ? j * log(t / (alpha + t)) : 0.0);
}

static double bg_pmf(const double *p, double t, double n, int shift)
{
    const double r = p[0], alpha = p[1], a = p[2], b = p[3];
    const double lb = cx__lbeta(a, b);
    double v = exp(cx__lbeta(a, b + n + shift) - lb + log_nbd(r, alpha, t, n));
    if (n > 0 || shift) {
        double cdf = 0.0;
        for (double j = 0; j < n; j++)
            cdf += exp(log_nbd(r, alpha, t, j));
        const double tail = cdf < 1.0 ? 1.0 - cdf : 0.0;
        v += exp(cx__lbeta(a + 1, b + n - 1 + shift) - lb) * tail;
    }
    return v;
}

/* ---- Pareto/NBD ---- */

static double pnbd_unconditional(const double *p, double t)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    const double l1 = log1p(t / beta);
    if (fabs(s - 1.0) < 1e-10)
        return r * beta / alpha * l1;
    return r * beta / (alpha * (s - 1)) * -expm1(-(s - 1) * l1);
}

static cx_status pnbd_conditional(double *out, const double *p, double t, double x, double tx,
                                  double T)
{
    const double r = p[0], alpha = p[1], s = p[2], beta = p[3];
    double pa;
    cx_status st = cx__pnbd_row(NULL, &pa, p, x, tx, T);
    if (st != CX_OK)
        return st;
    const double l1 = log1p(t / (beta + T));
    const double f = fabs(s - 1.0) < 1e-10 ? l1 : -expm1(-(s - 1) * l1) / (s - 1);
    *out = pa * (r + x) * (beta + T) / (alpha + T) * f;
    return CX_OK;
}

typedef struct pnbd_pmf_ctx {
    double r, alpha, s, beta, n;
} pnbd_pmf_ctx;

/* density of dying at tau times NBD(n; tau) */
static double pnbd_pmf_integrand(double tau, void *vc)
{
    const pnbd_pmf_ctx *c = vc;
    if (tau <= 0 && c->n > 0)
        return 0.0;
    return exp(log_nbd(c->r, c->alpha, tau, c->n) + log(c->s) + c->s * log(c->beta) -
               (c->s + 1) * log(c->beta + tau));
}

static cx_status pnbd_pmf(double *out, const double *p, double t, double n)
{
    pnbd_pmf_ctx c = {p[0], p[1], p[2], p[3], n};
    double integral = 0.0;
    if (t > 0) {
        cx_status st = cx__integrate(&integral, pnbd_pmf_integrand, &c, 0.0, t, 1e-12);
        if (st != CX_OK)
            return st;
    }
    *out = exp(log_nbd(c.r, c.alpha, t, n) + c.s * log(c.beta / (c.beta + t))) + integral;
    return CX_OK;
}

typedef struct dert_ctx {
    double delta, c, s;
} dert_ctx;

/* e^(-delta u) (c/(c+u))^s after u = v/(1-v) / delta maps [0, inf) to [0, 1) */
static double dert_integrand(double v, void *vc)
{
    const dert_ctx *d = vc;
    if (v >= 1.0)
        return 0.0;
    const double u = v / (1.0 - v) / d->delta;
    return exp(-d->delta * u - d->s * log1p(u / d->c)) / (d->delta * (1.0 - v) * (1.0 - v));
}

static cx_status pnbd_dert(double *out, const double *p, double delta, double x, double tx,
                           double T)
{
    double pa, integral;
    cx_status st = cx__pnbd_row(NULL, &pa, p, x, tx, T);
    if (st != CX_OK)
        return st;
    dert_ctx c = {delta, p[3] + T, p[2]};
    if ((st = cx__integrate(&integral, dert_integrand, &c, 0.0, 1.0, 1e-12)) != CX_OK)
        return st;
    *out = pa * (p[0] + x) / (p[1] + T) * integral;
    return CX_OK;
}

/* ---- BG/BB ---- */

static double bgbb_palive(const double *p, double m, double x, double tx, double n)
{
    double l;
    cx__bgbb_row(&l, NULL, p, x, tx, n);
    const double al = p[0], be = p[1], ga = p[2], de = p[3];
    return exp(cx__lbeta(al + x, be + n - x) - cx__lbeta(al, be) + cx__lbeta(ga, de + n + m) -
               cx__lbeta(ga, de) - l);
}

static double bgbb_conditional(const double *p, double ns, double x, double tx, double n)
{
    const double al = p[0], be = p[1], ga = p[2], de = p[3];
    double l;
    cx__bgbb_row(&l, NULL, p, x, tx, n);
    /* Gamma ratios Gamma(1+de+k)/Gamma(ga+de+k) in logs */
    const double g1 = cx__lgamma(1 + de + n) - cx__lgamma(ga + de + n);
    const double g2 = cx__lgamma(1 + de + n + ns) - cx__lgamma(ga + de + n + ns);
    const double head = cx__lbeta(al + x + 1, be + n - x) - cx__lbeta(al, be) - l +
                        cx__lgamma(ga + de) - cx__lgamma(1 + de);
    return exp(head + g1) * -expm1(g2 - g1) * de / (ga - 1);
}

static cx_status bgbb_dert(double *out, const double *p, double d, double x, double tx, double n)
{
    const double al = p[0], be = p[1], ga = p[2], de = p[3];
    double l, h;
    cx__bgbb_row(&l, NULL, p, x, tx, n);
    cx_status st = cx__hyp2f1(&h, 1.0, de + n + 1, ga + de + n + 1, 1.0 / (1.0 + d));
    if (st != CX_OK)
        return st;
    *out = exp(cx__lbeta(al + x + 1, be + n - x) - cx__lbeta(al, be) + cx__lbeta(ga, de + n + 1) -
               cx__lbeta(ga, de) - log1p(d) - l) *
           h;
    return CX_OK;
}

/* P(X(n) = x) for a new customer over n opportunities (Fader, Hardie & Shang 2010). */
static double bgbb_pmf(const double *p, double n, double x)
{
    const double al = p[0], be = p[1], ga = p[2], de = p[3];
    const double lab = cx__lbeta(al, be), lgd = cx__lbeta(ga, de);
    const double lchoose_n = cx__lgamma(n + 1) - cx__lgamma(x + 1) - cx__lgamma(n - x + 1);
    double v = exp(lchoose_n + cx__lbeta(al + x, be + n - x) - lab + cx__lbeta(ga, de + n) - lgd);
    for (double i = x; i <= n - 1; i++)
        v += exp(cx__lgamma(i + 1) - cx__lgamma(x + 1) - cx__lgamma(i - x + 1) +
                 cx__lbeta(al + x, be + i - x) - lab + cx__lbeta(ga + 1, de + i) - lgd);
    return v;
}

/* E[X(n)] for a new customer over n opportunities. */
static double bgbb_unconditional(const double *p, double n)
{
    const double al = p[0], be = p[1], ga = p[2], de = p[3];
    const double l =
        cx__lgamma(ga + de) + cx__lgamma(1 + de + n) - cx__lgamma(ga + de + n) - cx__lgamma(1 + de);
    return al / (al + be) * de / (ga - 1) * -expm1(l);
}

/* ---- sBG ---- */

static cx_status sbg_derl(double *out, const double *p, double d, double n)
{
    const double al = p[0], be = p[1];
    double h;
    cx_status st;
    if (n == 0) { /* DEL of a new customer */
        st = cx__hyp2f1(&h, 1.0, be, al + be, 1.0 / (1.0 + d));
        if (st == CX_OK)
            *out = h;
        return st;
    }
    st = cx__hyp2f1(&h, 1.0, be + n, al + be + n, 1.0 / (1.0 + d));
    if (st == CX_OK)
        *out = (be + n - 1) / (al + be + n - 1) * h;
    return st;
}

/* ---- row dispatchers ---- */

static cx_status row_conditional(double *out, const cx_clv_model *m, double t, double x, double tx,
                                 double T)
{
    switch (m->info->kind) {
    case CX_CLV_BGNBD:
        return bg_conditional(out, m->p, t, x, tx, T, 0);
    case CX_CLV_MBGNBD:
        return bg_conditional(out, m->p, t, x, tx, T, 1);
    case CX_CLV_PARETO_NBD:
        return pnbd_conditional(out, m->p, t, x, tx, T);
    default: /* BG/BB: t future opportunities */
        *out = bgbb_conditional(m->p, t, x, tx, T);
        return CX_OK;
    }
}

static cx_status row_palive(double *out, const cx_clv_model *m, double t, double x, double tx,
                            double T)
{
    const double *p = m->p;
    switch (m->info->kind) {
    case CX_CLV_BGNBD:
        *out = bg_palive(p, x, tx, T, 0);
        return CX_OK;
    case CX_CLV_MBGNBD:
        *out = bg_palive(p, x, tx, T, 1);
        return CX_OK;
    case CX_CLV_PARETO_NBD:
        return cx__pnbd_row(NULL, out, p, x, tx, T);
    case CX_CLV_BGBB:
        *out = bgbb_palive(p, t, x, tx, T);
        return CX_OK;
    default: /* sBG: still active t periods after x periods survived */
        *out = exp(cx__lbeta(p[0], p[1] + x + t) - cx__lbeta(p[0], p[1] + x));
        return CX_OK;
    }
}

static cx_status row_dert(double *out, const cx_clv_model *m, double d, double x, double tx,
                          double T)
{
    switch (m->info->kind) {
    case CX_CLV_PARETO_NBD:
        return pnbd_dert(out, m->p, log1p(d), x, tx, T);
    case CX_CLV_BGBB:
        return bgbb_dert(out, m->p, d, x, tx, T);
    default:
        return sbg_derl(out, m->p, d, x);
    }
}

static cx_status check_time(const char *name, double t)
{
    if (!(t >= 0) || !isfinite(t))
        return cx__error_param(CX_EINVAL, name, "%s = %g: must be finite and >= 0", name, t);
    return CX_OK;
}

CX_API cx_status cx_clv_conditional_purchases(double *out, const cx_clv_model *model, double t,
                                              const double *x, const double *tx, const double *T,
                                              size_t n)
{
    CX_CHECK_ARG(out != NULL || n == 0);
    CX_CHECK_ARG(model != NULL);
    const int kind = model->info->kind;
    if (!continuous(kind) && kind != CX_CLV_BGBB)
        return unsupported(model, "conditional expected purchases");
    cx_status st = check_time("t", t);
    if (st == CX_OK && kind == CX_CLV_BGBB && t != floor(t))
        st = cx__error_param(CX_EINVAL, "t", "BG/BB needs a whole number of periods");
    if (st == CX_OK)
        st = cx__clv_check_data(kind, x, tx, T, NULL, n);
    if (st != CX_OK)
        return st;
    cx__clv_vec_fn vec = kind == CX_CLV_PARETO_NBD ? cx__clv_vec_pnbd_conditional
                         : kind == CX_CLV_BGBB     ? NULL
                                                   : cx__clv_vec_bg_conditional;
    return map_rows(out, model, row_conditional, vec, t, x, tx, T, n);
}

CX_API cx_status cx_clv_p_alive(double *out, const cx_clv_model *model, double t, const double *x,
                                const double *tx, const double *T, size_t n)
{
    CX_CHECK_ARG(out != NULL || n == 0);
    CX_CHECK_ARG(model != NULL);
    const int kind = model->info->kind;
    if (kind == CX_CLV_GAMMA_GAMMA)
        return unsupported(model, "P(alive)");
    cx_status st = check_time("t", t);
    if (st == CX_OK)
        st = cx__clv_check_data(kind, x, tx, T, NULL, n);
    if (st != CX_OK)
        return st;
    cx__clv_vec_fn vec = kind == CX_CLV_PARETO_NBD                       ? cx__clv_vec_pnbd_palive
                         : kind == CX_CLV_BGNBD || kind == CX_CLV_MBGNBD ? cx__clv_vec_bg_palive
                                                                         : NULL;
    return map_rows(out, model, row_palive, vec, t, x, tx, T, n);
}

CX_API cx_status cx_clv_dert(double *out, const cx_clv_model *model, double d, const double *x,
                             const double *tx, const double *T, size_t n)
{
    CX_CHECK_ARG(out != NULL || n == 0);
    CX_CHECK_ARG(model != NULL);
    const int kind = model->info->kind;
    if (kind != CX_CLV_PARETO_NBD && kind != CX_CLV_BGBB && kind != CX_CLV_SBG)
        return unsupported(model, "DERT");
    if (!(d > 0) || !isfinite(d))
        return cx__error_param(CX_EINVAL, "d", "discount rate d = %g: must be finite and > 0", d);
    if (kind == CX_CLV_SBG) {
        for (size_t i = 0; i < n; i++)
            if (!(x[i] >= 0) || x[i] != floor(x[i]) || !isfinite(x[i]))
                return cx__error_param(CX_EINVAL, "x", "x[%zu] = %g: must be an integer >= 0", i,
                                       x[i]);
        return map_rows(out, model, row_dert, NULL, d, x, x, NULL, n);
    }
    cx_status st = cx__clv_check_data(kind, x, tx, T, NULL, n);
    if (st != CX_OK)
        return st;
    return map_rows(out, model, row_dert, NULL, d, x, tx, T, n);
}

CX_API cx_status cx_clv_expected_purchases(double *out, const cx_clv_model *model, const double *t,
                                           size_t n)
{
    CX_CHECK_ARG(out != NULL || n == 0);
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG(t != NULL || n == 0);
    const int kind = model->info->kind;
    if (kind == CX_CLV_GAMMA_GAMMA)
        return unsupported(model, "unconditional expected purchases");
    double *tmp = cx__malloc_array(n, sizeof *tmp);
    if (!tmp)
        return cx__enomem();
    cx_status st = CX_OK;
    for (size_t i = 0; i < n && st == CX_OK; i++) {
        if ((st = check_time("t", t[i])) != CX_OK)
            break;
        switch (kind) {
        case CX_CLV_BGNBD:
            st = bg_unconditional(&tmp[i], model->p, t[i], 0);
            break;
        case CX_CLV_MBGNBD:
            st = bg_unconditional(&tmp[i], model->p, t[i], 1);
            break;
        case CX_CLV_PARETO_NBD:
            tmp[i] = pnbd_unconditional(model->p, t[i]);
            break;
        case CX_CLV_BGBB: /* t opportunities */
            tmp[i] = bgbb_unconditional(model->p, t[i]);
            break;
        default: /* sBG: survival S(t) = B(alpha, beta + t) / B(alpha, beta) */
            tmp[i] = exp(cx__lbeta(model->p[0], model->p[1] + t[i]) -
                         cx__lbeta(model->p[0], model->p[1]));
        }
    }
    if (st == CX_OK)
        memcpy(out, tmp, n * sizeof *out);
    cx__free(tmp);
    return st;
}

CX_API cx_status cx_clv_p_purchases(double *out, const cx_clv_model *model, const double *t,
                                    const double *counts, size_t n)
{
    CX_CHECK_ARG(out != NULL || n == 0);
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG((t != NULL && counts != NULL) || n == 0);
    const int kind = model->info->kind;
    if (!continuous(kind) && kind != CX_CLV_BGBB)
        return unsupported(model, "P(X(t) = k)");
    double *tmp = cx__malloc_array(n, sizeof *tmp);
    if (!tmp)
        return cx__enomem();
    cx_status st = CX_OK;
    for (size_t i = 0; i < n && st == CX_OK; i++) {
        if ((st = check_time("t", t[i])) != CX_OK)
            break;
        if (!(counts[i] >= 0) || counts[i] != floor(counts[i]) || !isfinite(counts[i])) {
            st = cx__error_param(CX_EINVAL, "counts", "counts[%zu] = %g: must be an integer >= 0",
                                 i, counts[i]);
            break;
        }
        if (kind == CX_CLV_BGBB) {
            if (t[i] != floor(t[i]) || counts[i] > t[i]) {
                st = cx__error_param(CX_EINVAL, "t",
                                     "BG/BB needs whole opportunities t >= k (t[%zu] = %g)", i,
                                     t[i]);
                break;
            }
            tmp[i] = bgbb_pmf(model->p, t[i], counts[i]);
        } else if (kind == CX_CLV_PARETO_NBD)
            st = pnbd_pmf(&tmp[i], model->p, t[i], counts[i]);
        else
            tmp[i] = bg_pmf(model->p, t[i], counts[i], kind == CX_CLV_MBGNBD);
    }
    if (st == CX_OK)
        memcpy(out, tmp, n * sizeof *out);
    cx__free(tmp);
    return st;
}

CX_API cx_status cx_clv_expected_spend(double *out, const cx_clv_model *spend, const double *x,
                                       const double *mbar, size_t n)
{
    CX_CHECK_ARG(out != NULL || n == 0);
    CX_CHECK_ARG(spend != NULL);
    CX_CHECK_ARG((x != NULL && mbar != NULL) || n == 0);
    if (spend->info->kind != CX_CLV_GAMMA_GAMMA)
        return unsupported(spend, "expected spend");
    const double p = spend->p[0], q = spend->p[1], g = spend->p[2];
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] >= 0) || !isfinite(x[i]))
            return cx__error_param(CX_EINVAL, "x", "x[%zu] = %g: must be >= 0", i, x[i]);
        if (x[i] > 0 && (!(mbar[i] > 0) || !isfinite(mbar[i])))
            return cx__error_param(CX_EINVAL, "monetary_value",
                                   "monetary_value[%zu] = %g: must be > 0", i, mbar[i]);
        if (p * x[i] + q - 1 <= 0)
            return cx__error_param(CX_ERANGE, "q",
                                   "expected spend needs p x + q > 1 (q = %g, x[%zu] = %g)", q, i,
                                   x[i]);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (p * g + (x[i] > 0 ? p * x[i] * mbar[i] : 0.0)) / (p * x[i] + q - 1);
    return CX_OK;
}

/* The discounted CLV sum of one Pareto/NBD customer, month by month from the conditional
 * expectation (the scalar path: covariates and the rows the vectorised kernel leaves). */
static cx_status pnbd_clv(double *out, const double *p, double x, double tx, double T, double em,
                          unsigned months, double upm, const double *f)
{
    double sum = 0.0, prev = 0.0;
    for (unsigned k = 1; k <= months; k++) {
        double cur;
        cx_status st = pnbd_conditional(&cur, p, k * upm, x, tx, T);
        if (st == CX_OK && !isfinite(cur))
            st = cx__error(CX_ERANGE,
                           "expected purchases at x = %g, t_x = %g, T = %g are not finite", x, tx,
                           T);
        if (st != CX_OK)
            return st;
        sum += f[k - 1] * em * (cur - prev);
        prev = cur;
    }
    *out = sum;
    return CX_OK;
}

typedef struct clv_job {
    double *out;
    const cx_clv_model *m;
    const double *x, *tx, *T, *em;
    size_t n;
    unsigned months;
    double upm;
    const double *f; /* the discount factors of the months */
} clv_job;

static cx_status clv_block(void *vjob, size_t b)
{
    const clv_job *j = vjob;
    const size_t lo = b * CX__CLV_BLOCK, hi = lo + CX__CLV_BLOCK < j->n ? lo + CX__CLV_BLOCK : j->n;
    const int pareto = j->m->info->kind == CX_CLV_PARETO_NBD;
    const int shift = j->m->info->kind == CX_CLV_MBGNBD;
    cx_clv_model view = *j->m; /* customer i's own parameters under covariates */
    unsigned char slow[CX__CLV_BLOCK];
    const int vec = !j->m->cov;
    if (vec)
        (pareto ? cx__clv_vec_pnbd_clv
                : cx__clv_vec_bg_clv)(j->out + lo, slow, j->m->p, shift, j->x + lo, j->tx + lo,
                                      j->T + lo, j->em + lo, hi - lo, j->months, j->upm, j->f);
    for (size_t i = lo; i < hi; i++) {
        if (vec && !slow[i - lo])
            continue;
        if (j->m->cov)
            cx__clv_cov_params(view.p, j->m, j->m->cov->coef, i);
        cx_status st = pareto ? pnbd_clv(&j->out[i], view.p, j->x[i], j->tx[i], j->T[i], j->em[i],
                                         j->months, j->upm, j->f)
                              : bg_clv(&j->out[i], view.p, j->x[i], j->tx[i], j->T[i], shift,
                                       j->em[i], j->months, j->upm, j->f);
        if (st != CX_OK)
            return st;
    }
    return CX_OK;
}

/* CLV of every customer in one pass over the rows (all months per row, vectorised over rows). */
static cx_status clv_rows(double *out, const cx_clv_model *m, const double *x, const double *tx,
                          const double *T, const double *em, size_t n, unsigned months, double upm,
                          double discount, double margin)
{
    if (m->cov && m->cov->n != n)
        return cx__error_param(CX_EINVAL, "n", "the covariates describe %zu customers, not %zu",
                               m->cov->n, n);
    double *f = cx__malloc_array(months ? months : 1, sizeof *f);
    if (!f)
        return cx__enomem();
    for (unsigned k = 1; k <= months; k++)
        f[k - 1] = margin / pow(1.0 + discount, (double)k);
    clv_job j = {out, m, x, tx, T, em, n, months, upm, f};
    const size_t nb = (n + CX__CLV_BLOCK - 1) / CX__CLV_BLOCK;
    cx_status st =
        cx__parallel_for(nb, nb < CX__CLV_MIN_THREADED_BLOCKS ? 1 : m->n_threads, clv_block, &j);
    cx__free(f);
    return st;
}

CX_API cx_status cx_clv_lifetime_value(double *out, const cx_clv_model *model,
                                       const cx_clv_model *spend, const double *x, const double *tx,
                                       const double *T, const double *mbar, size_t n,
                                       unsigned months, double units_per_month, double discount,
                                       double margin)
{
    CX_CHECK_ARG(out != NULL || n == 0);
    CX_CHECK_ARG(model != NULL);
    CX_CHECK_ARG(spend != NULL);
    if (!continuous(model->info->kind))
        return unsupported(model, "lifetime value");
    if (!(units_per_month > 0) || !isfinite(units_per_month))
        return cx__error_param(CX_EINVAL, "units_per_month", "must be finite and > 0");
    if (!(discount > -1) || !isfinite(discount))
        return cx__error_param(CX_EINVAL, "discount", "must be finite and > -1");
    if (!isfinite(margin))
        return cx__error_param(CX_EINVAL, "margin", "must be finite");
    cx_status st = cx__clv_check_data(model->info->kind, x, tx, T, NULL, n);
    if (st != CX_OK)
        return st;
    /* em = expected spend, then the CLV itself; copied out only on success */
    double *buf = cx__malloc_array(2 * (n ? n : 1), sizeof *buf);
    if (!buf)
        return cx__enomem();
    double *em = buf, *sum = buf + n;
    if ((st = cx_clv_expected_spend(em, spend, x, mbar, n)) != CX_OK)
        goto done;
    st = clv_rows(sum, model, x, tx, T, em, n, months, units_per_month, discount, margin);
    if (st == CX_OK)
        memcpy(out, sum, n * sizeof *out);
done:
    cx__free(buf);
    return st;
}
