/* Cox proportional hazards: Newton-Raphson on the Efron or Breslow partial likelihood, with
 * the Grambsch-Therneau score test of proportional hazards. Covariates are centred internally
 * (as R's coxph does) so that exp(beta'x) stays in range; results do not depend on it. */
#include <cxkit/survival.h>

#include <math.h>
#include <string.h>

#include "linalg.h"
#include "special.h"
#include "surv_common.h"

struct cx_cox {
    size_t n, p, events, iter;
    int ties;
    double ll0, ll;
    double *beta, *vcov, *mean;
    double *t, *e, *x; /* sorted ascending by time; x centred, n x p */
};

void cx_cox_free(cx_cox *c)
{
    if (!c)
        return;
    cx__free(c->beta);
    cx__free(c->t);
    cx__free(c);
}

size_t cx_cox_p(const cx_cox *c)
{
    return c ? c->p : 0;
}

/* Work space for one evaluation. */
typedef struct cox_ws {
    double *s1, *s2, *d1, *d2, *xbar, *vt, *rt; /* p, p*p, p, p*p, p, p*p, p */
} cox_ws;

/* Optional accumulation for the proportional-hazards test: per distinct event time, g(t). */
typedef struct zph_acc {
    const double *g; /* one value per distinct event time, in descending time order */
    double *u;       /* p: sum g r_t */
    double *ibt;     /* p x p: sum g V_t */
    double *itt;     /* p x p: sum g^2 V_t */
} zph_acc;

/* Log partial likelihood, score u (p) and information info (p x p) at beta; u/info may be
 * NULL. Walks times from the largest down, adding each tied block to the risk set first. */
static double cox_eval(const cx_cox *c, const double *beta, double *u, double *info,
                       const cox_ws *ws, zph_acc *z)
{
    size_t n = c->n, p = c->p;
    int efron = c->ties == CX_TIES_EFRON;
    double s0 = 0, ll = 0;
    memset(ws->s1, 0, p * sizeof(double));
    memset(ws->s2, 0, p * p * sizeof(double));
    if (u)
        memset(u, 0, p * sizeof(double));
    if (info)
        memset(info, 0, p * p * sizeof(double));
    size_t tidx = 0;
    for (size_t b = n; b > 0;) {
        size_t a = b;
        double t = c->t[b - 1];
        while (a > 0 && c->t[a - 1] == t)
            a--;
        double d0 = 0, deta = 0, nd = 0;
        memset(ws->d1, 0, p * sizeof(double));
        memset(ws->d2, 0, p * p * sizeof(double));
        for (size_t i = a; i < b; i++) {
            const double *xi = c->x + i * p;
            double eta = 0;
            for (size_t j = 0; j < p; j++)
                eta += xi[j] * beta[j];
            double r = exp(eta);
            s0 += r;
            for (size_t j = 0; j < p; j++) {
                ws->s1[j] += r * xi[j];
                for (size_t k = 0; k <= j; k++)
                    ws->s2[j * p + k] += r * xi[j] * xi[k];
            }
            if (c->e[i] == 1) {
                nd += 1;
                d0 += r;
                deta += eta;
                for (size_t j = 0; j < p; j++) {
                    ws->d1[j] += r * xi[j];
                    for (size_t k = 0; k <= j; k++)
                        ws->d2[j * p + k] += r * xi[j] * xi[k];
                }
                if (u)
                    for (size_t j = 0; j < p; j++)
                        u[j] += xi[j];
            }
        }
        b = a;
        if (nd == 0)
            continue;
        ll += deta;
        if (z) {
            memset(ws->rt, 0, p * sizeof(double));
            memset(ws->vt, 0, p * p * sizeof(double));
        }
        size_t dn = (size_t)nd;
        for (size_t r = 0; r < dn; r++) {
            double f = efron ? (double)r / nd : 0;
            double den = s0 - f * d0;
            ll -= log(den);
            if (!u && !z)
                continue;
            for (size_t j = 0; j < p; j++) {
                ws->xbar[j] = (ws->s1[j] - f * ws->d1[j]) / den;
                if (u)
                    u[j] -= ws->xbar[j];
                if (z)
                    ws->rt[j] -= ws->xbar[j];
            }
            for (size_t j = 0; j < p; j++)
                for (size_t k = 0; k <= j; k++) {
                    double v = (ws->s2[j * p + k] - f * ws->d2[j * p + k]) / den -
                               ws->xbar[j] * ws->xbar[k];
                    if (info)
                        info[j * p + k] += v;
                    if (z)
                        ws->vt[j * p + k] += v;
                }
        }
        if (z) {
            double g = z->g[tidx];
            /* Schoenfeld sum for this time: sum over the deaths of x minus the xbars. */
            for (size_t i = a; i < n && c->t[i] == t; i++)
                if (c->e[i] == 1)
                    for (size_t j = 0; j < p; j++)
                        ws->rt[j] += c->x[i * p + j];
            for (size_t j = 0; j < p; j++) {
                z->u[j] += g * ws->rt[j];
                for (size_t k = 0; k <= j; k++) {
                    z->ibt[j * p + k] += g * ws->vt[j * p + k];
                    z->itt[j * p + k] += g * g * ws->vt[j * p + k];
                }
            }
        }
        tidx++;
    }
    if (info)
        for (size_t j = 0; j < p; j++)
            for (size_t k = 0; k < j; k++)
                info[k * p + j] = info[j * p + k];
    return ll;
}

static cx_status ws_alloc(cox_ws *ws, double **block, size_t p)
{
    *block = cx__malloc_array(4 * p + 3 * p * p, sizeof(double));
    if (!*block)
        return cx__enomem();
    double *b = *block;
    ws->s1 = b;
    ws->s2 = b + p;
    ws->d1 = b + p + p * p;
    ws->d2 = b + 2 * p + p * p;
    ws->xbar = b + 2 * p + 2 * p * p;
    ws->vt = b + 3 * p + 2 * p * p;
    ws->rt = b + 3 * p + 3 * p * p;
    return CX_OK;
}

/* Copy the data sorted by time and centre the covariates. */
static cx_status cox_store(cx_cox *c, const double *time, const double *event, const double *x)
{
    size_t n = c->n, p = c->p;
    size_t *order = cx__surv_order(time, event, n);
    c->t = cx__malloc_array(n, (2 + p) * sizeof(double));
    c->beta = cx__calloc(2 * p + p * p, sizeof(double));
    if (!order || !c->t || !c->beta) {
        cx__free(order);
        return cx__enomem();
    }
    c->e = c->t + n;
    c->x = c->t + 2 * n;
    c->mean = c->beta + p;
    c->vcov = c->beta + 2 * p;
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        c->t[k] = time[i];
        c->e[k] = event[i];
        c->events += event[i] == 1;
        for (size_t j = 0; j < p; j++) {
            c->x[k * p + j] = x[i * p + j];
            c->mean[j] += x[i * p + j];
        }
    }
    cx__free(order);
    for (size_t j = 0; j < p; j++)
        c->mean[j] /= (double)n;
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < p; j++)
            c->x[k * p + j] -= c->mean[j];
    return CX_OK;
}

static cx_status cox_newton(cx_cox *c, double *sd)
{
    size_t p = c->p;
    cox_ws ws = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    double *wsb = NULL;
    cx_status st = ws_alloc(&ws, &wsb, p);
    if (st)
        return st;
    double *u = cx__malloc_array(3 * p + p * p, sizeof(double));
    if (!u) {
        cx__free(wsb);
        return cx__enomem();
    }
    double *info = u + p, *step = u + p + p * p, *trial = u + 2 * p + p * p;
    double *beta = c->beta;
    double ll = cox_eval(c, beta, u, info, &ws, NULL);
    c->ll0 = ll;
    size_t it;
    int converged = 0;
    for (it = 1; it <= 50; it++) {
        st = cx__chol(info, p);
        if (st) {
            st = cx__error(CX_ESINGULAR, "Cox information matrix is singular: covariates are "
                                         "collinear");
            goto done;
        }
        memcpy(step, u, p * sizeof(double));
        cx__chol_solve(info, p, step, 1);
        double lln = -INFINITY;
        for (int half = 0; half < 30; half++) {
            for (size_t j = 0; j < p; j++)
                trial[j] = beta[j] + step[j];
            lln = cox_eval(c, trial, NULL, NULL, &ws, NULL);
            if (isfinite(lln) && lln >= ll - 1e-12 * fabs(ll))
                break;
            for (size_t j = 0; j < p; j++)
                step[j] /= 2;
        }
        memcpy(beta, trial, p * sizeof(double));
        double change = fabs(lln - ll);
        ll = cox_eval(c, beta, u, info, &ws, NULL);
        if (change <= 1e-12 * fabs(ll) + 1e-300) {
            converged = 1;
            break;
        }
    }
    c->iter = it > 50 ? 50 : it;
    c->ll = ll;
    for (size_t j = 0; j < p; j++)
        if (fabs(beta[j]) * sd[j] > 15) {
            st = cx__error_param(CX_ENOTCONV, "x",
                                 "coefficient of covariate %zu diverges (|beta| * sd = %g): the "
                                 "covariate separates the event times (monotone likelihood)",
                                 j, fabs(beta[j]) * sd[j]);
            goto done;
        }
    if (!converged) {
        st = cx__error(CX_ENOTCONV, "Cox fit did not converge in 50 Newton iterations");
        goto done;
    }
    /* covariance = inverse information at the estimate */
    st = cx__chol(info, p);
    if (!st)
        st = cx__chol_inverse(info, p, c->vcov);
    if (st)
        st = cx__error(CX_ESINGULAR, "Cox information matrix is singular at the estimate");
done:
    cx__free(u);
    cx__free(wsb);
    return st;
}

cx_status cx_cox_fit(cx_cox **out, const double *time, const double *event, const double *x,
                     size_t n, size_t p, int ties)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(time != NULL);
    CX_CHECK_ARG(event != NULL);
    CX_CHECK_ARG(x != NULL);
    CX_CHECK_ARG(n >= 1);
    CX_CHECK_ARG(p >= 1 && p <= 1000);
    CX_CHECK_ARG(ties == CX_TIES_EFRON || ties == CX_TIES_BRESLOW);
    cx_status st = cx__surv_check(time, event, n);
    if (st)
        return st;
    for (size_t i = 0; i < n * p; i++)
        if (!isfinite(x[i]))
            return cx__error_param(CX_EINVAL, "x", "x[%zu][%zu] = %g: covariates must be finite",
                                   i / p, i % p, x[i]);
    cx_cox *c = cx__calloc(1, sizeof *c);
    double *sd = cx__calloc(p, sizeof(double));
    if (!c || !sd) {
        cx__free(c);
        cx__free(sd);
        return cx__enomem();
    }
    c->n = n;
    c->p = p;
    c->ties = ties;
    st = cox_store(c, time, event, x);
    if (st)
        goto fail;
    if (c->events == 0) {
        st = cx__error_param(CX_ERANGE, "event", "no events: the Cox model is not estimable");
        goto fail;
    }
    for (size_t j = 0; j < p; j++) {
        for (size_t k = 0; k < n; k++)
            sd[j] += c->x[k * p + j] * c->x[k * p + j];
        sd[j] = sqrt(sd[j] / (double)n);
        if (sd[j] == 0) {
            st = cx__error_param(CX_ERANGE, "x", "covariate %zu is constant", j);
            goto fail;
        }
    }
    st = cox_newton(c, sd);
    if (st)
        goto fail;
    cx__free(sd);
    *out = c;
    return CX_OK;
fail:
    cx__free(sd);
    cx_cox_free(c);
    return st;
}

cx_status cx_cox_coef(double *beta, double *se, double *hazard_ratio, double *hr_lower,
                      double *hr_upper, double *p_value, size_t p, const cx_cox *cox,
                      double conf_level)
{
    CX_CHECK_ARG(cox != NULL);
    CX_CHECK_ARG(p == cox->p);
    CX_CHECK_ARG(conf_level > 0 && conf_level < 1);
    /* The interval is a Wald interval on the log-hazard scale, mapped through exp. */
    cx__wald_table(beta, se, hr_lower, hr_upper, p_value, cox->beta, cox->vcov, p,
                   cx__z_for_level(conf_level));
    for (size_t j = 0; j < p; j++) {
        if (hazard_ratio)
            hazard_ratio[j] = exp(cox->beta[j]);
        if (hr_lower)
            hr_lower[j] = exp(hr_lower[j]);
        if (hr_upper)
            hr_upper[j] = exp(hr_upper[j]);
    }
    return CX_OK;
}

cx_status cx_cox_vcov(double *vcov, size_t p, const cx_cox *cox)
{
    CX_CHECK_ARG(vcov != NULL);
    CX_CHECK_ARG(cox != NULL);
    CX_CHECK_ARG(p == cox->p);
    memcpy(vcov, cox->vcov, p * p * sizeof(double));
    return CX_OK;
}

cx_status cx_cox_summary(double *loglik_null, double *loglik, double *lr_chisq, double *lr_p_value,
                         size_t *n_events, size_t *iterations, const cx_cox *cox)
{
    CX_CHECK_ARG(cox != NULL);
    double lr = 2 * (cox->ll - cox->ll0);
    if (loglik_null)
        *loglik_null = cox->ll0;
    if (loglik)
        *loglik = cox->ll;
    if (lr_chisq)
        *lr_chisq = lr;
    if (lr_p_value)
        *lr_p_value = cx__chi2_sf(lr, (double)cox->p);
    if (n_events)
        *n_events = cox->events;
    if (iterations)
        *iterations = cox->iter;
    return CX_OK;
}

/* g(t) per distinct event time in descending time order. */
static void zph_times(double *g, const cx_cox *c, int transform)
{
    size_t n = c->n, m = 0;
    /* count distinct event times */
    size_t ndist = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int has = 0;
        while (j < n && c->t[j] == c->t[i])
            has |= c->e[j++] == 1;
        ndist += has;
        i = j;
    }
    /* ascending pass: left-continuous KM and ranks */
    double s = 1, at_risk = (double)n;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double d = 0;
        while (j < n && c->t[j] == c->t[i]) {
            d += c->e[j] == 1;
            j++;
        }
        if (d > 0) {
            double val;
            switch (transform) {
            case CX_ZPH_IDENTITY:
                val = c->t[i];
                break;
            case CX_ZPH_LOG:
                val = log(c->t[i]);
                break;
            case CX_ZPH_RANK: /* mid-rank among all n times, censored included (as R) */
                val = (double)i + (double)(j - i + 1) / 2;
                break;
            default:
                val = 1 - s;
                break;
            }
            g[ndist - 1 - m] = val;
            m++;
            s *= 1 - d / at_risk;
        }
        at_risk -= (double)(j - i);
        i = j;
    }
}

cx_status cx_cox_zph(double *chisq, double *df, double *p_value, size_t np1, const cx_cox *cox,
                     int transform)
{
    CX_CHECK_ARG(chisq != NULL);
    CX_CHECK_ARG(cox != NULL);
    CX_CHECK_ARG(np1 == cox->p + 1);
    CX_CHECK_ARG(transform >= CX_ZPH_KM && transform <= CX_ZPH_LOG);
    size_t p = cox->p, n = cox->n, q = 2 * p;
    if (transform == CX_ZPH_LOG)
        for (size_t i = 0; i < n; i++)
            if (cox->e[i] == 1 && cox->t[i] <= 0)
                return cx__error_param(CX_EINVAL, "transform",
                                       "log transform needs event times > 0");
    cox_ws ws = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    double *wsb = NULL;
    cx_status st = ws_alloc(&ws, &wsb, p);
    if (st)
        return st;
    /* g, then u (2p), the full 2p x 2p information, a sub-matrix and solve space */
    double *g = cx__malloc_array(cox->events, sizeof(double));
    double *buf = cx__calloc(3 * p + 3 * p * p + 2 * q * q + 3 * q + 2 * (p + 1), sizeof(double));
    if (!g || !buf) {
        cx__free(g);
        cx__free(buf);
        cx__free(wsb);
        return cx__enomem();
    }
    zph_times(g, cox, transform);
    double *info = buf, *zu = buf + p * p, *ibt = zu + p, *itt = ibt + p * p;
    double *full = itt + p * p, *sub = full + q * q, *uu = sub + q * q, *rhs = uu + q;
    double *res = rhs + q, *keep = res + 2 * (p + 1);
    zph_acc z = {g, zu, ibt, itt};
    cox_eval(cox, cox->beta, NULL, info, &ws, &z);
    /* full information of (beta, theta) and score (0, u_theta) */
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k <= j; k++) {
            double a = info[j * p + k], b = ibt[j * p + k], cc = itt[j * p + k];
            full[j * q + k] = full[k * q + j] = a;
            full[(p + j) * q + (p + k)] = full[(p + k) * q + (p + j)] = cc;
            full[(p + j) * q + k] = full[k * q + (p + j)] = b;
            full[(p + k) * q + j] = full[j * q + (p + k)] = b;
        }
    for (size_t j = 0; j < p; j++) {
        uu[j] = 0;
        uu[p + j] = zu[j];
    }
    /* per covariate: parameters (beta_1..beta_p, theta_j) */
    for (size_t v = 0; v <= p && !st; v++) {
        size_t m = v < p ? p + 1 : q;
        for (size_t a = 0; a < m; a++) {
            size_t ia = (v < p && a == p) ? p + v : a;
            rhs[a] = uu[ia];
            for (size_t b = 0; b < m; b++) {
                size_t ib = (v < p && b == p) ? p + v : b;
                sub[a * m + b] = full[ia * q + ib];
            }
        }
        double dfv = v < p ? 1 : (double)p;
        st = cx__chol(sub, m);
        if (st) {
            st = cx__error(CX_ESINGULAR, "proportional-hazards test: information matrix is "
                                         "singular (too few distinct event times)");
            break;
        }
        memcpy(keep, rhs, m * sizeof(double));
        cx__chol_solve(sub, m, rhs, 1);
        double x2 = 0;
        for (size_t a = 0; a < m; a++)
            x2 += keep[a] * rhs[a];
        res[v] = x2;
        res[p + 1 + v] = dfv;
    }
    if (!st)
        for (size_t v = 0; v <= p; v++) {
            chisq[v] = res[v];
            if (df)
                df[v] = res[p + 1 + v];
            if (p_value)
                p_value[v] = cx__chi2_sf(res[v], res[p + 1 + v]);
        }
    cx__free(g);
    cx__free(buf);
    cx__free(wsb);
    return st;
}

cx_status cx_cox_baseline(double *time, double *cumhaz, size_t *n, const cx_cox *cox)
{
    CX_CHECK_ARG(n != NULL);
    CX_CHECK_ARG(cox != NULL);
    size_t m = 0, N = cox->n, p = cox->p;
    for (size_t i = 0; i < N;) {
        size_t j = i;
        int has = 0;
        while (j < N && cox->t[j] == cox->t[i])
            has |= cox->e[j++] == 1;
        m += has;
        i = j;
    }
    if (!time) {
        *n = m;
        return CX_OK;
    }
    CX_CHECK_ARG(cumhaz != NULL);
    if (*n != m)
        return cx__error_param(CX_EINVAL, "n", "n = %zu but there are %zu event times", *n, m);
    double shift = 0; /* exp(beta'x) = exp(beta'(x_c)) * exp(beta'mean) */
    for (size_t j = 0; j < p; j++)
        shift += cox->beta[j] * cox->mean[j];
    /* risk-set sums from the end; hazard increments stored descending then accumulated */
    double s0 = 0;
    size_t k = m;
    for (size_t b = N; b > 0;) {
        size_t a = b;
        double t = cox->t[b - 1], d = 0;
        while (a > 0 && cox->t[a - 1] == t)
            a--;
        for (size_t i = a; i < b; i++) {
            double eta = 0;
            for (size_t j = 0; j < p; j++)
                eta += cox->x[i * p + j] * cox->beta[j];
            s0 += exp(eta);
            d += cox->e[i] == 1;
        }
        if (d > 0) {
            k--;
            time[k] = t;
            cumhaz[k] = d / s0 * exp(-shift);
        }
        b = a;
    }
    for (size_t i = 1; i < m; i++)
        cumhaz[i] += cumhaz[i - 1];
    return CX_OK;
}
