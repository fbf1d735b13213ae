/*
 * Unconstrained minimisation (see optim.h).
 *
 * Trust-region Newton (use_hessian = 1): the subproblem min g.p + p.H.p / 2 subject to |p| <= r
 * is solved exactly through the eigen-decomposition of H (n is small): p(mu) = -(H + mu I)^-1 g
 * with mu >= max(0, -lambda_min) chosen so that |p(mu)| = r by safeguarded Newton on the secular
 * equation 1/|p(mu)| = 1/r, including the "hard case" (More & Sorensen 1983; Nocedal & Wright,
 * Numerical Optimization, ch. 4). Indefinite Hessians are therefore handled, not patched.
 *
 * BFGS (use_hessian = 0): inverse-Hessian updates (Nocedal & Wright ch. 6, with the 6.20 initial
 * scaling) and a line search for the strong Wolfe conditions by bracketing and zooming with
 * safeguarded cubic interpolation (Nocedal & Wright algorithms 3.5 and 3.6).
 *
 * A non-finite objective value is treated as "step too far": the trust region shrinks, or the
 * line search brackets it as an upper end and bisects.
 */
#include "optim.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "linalg.h"

typedef struct problem {
    cx__objective_fn fn;
    void *ctx;
    size_t n;
    size_t evals;
} problem;

/* Evaluate; a non-finite f is reported through *finite, not as an error. */
static cx_status eval(problem *pb, double *f, double *g, double *h, const double *x, int *finite)
{
    pb->evals++;
    double fv = NAN;
    cx_status st = pb->fn(&fv, g, h, x, pb->n, pb->ctx);
    if (st != CX_OK)
        return st;
    *f = fv;
    int ok = isfinite(fv);
    for (size_t i = 0; ok && g && i < pb->n; i++)
        ok = isfinite(g[i]);
    for (size_t i = 0; ok && h && i < pb->n * pb->n; i++)
        ok = isfinite(h[i]);
    *finite = ok;
    return CX_OK;
}

static double max_abs(const double *v, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        if (fabs(v[i]) > m)
            m = fabs(v[i]);
    return m;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static double norm2(const double *v, size_t n)
{
    return sqrt(dot(v, v, n));
}

/* Changes of f below this are rounding noise. */
static double noise_level(double f)
{
    return 10.0 * DBL_EPSILON * fmax(1.0, fabs(f));
}

static int gradient_small(double gmax, double f, double gtol)
{
    return gmax <= gtol * fmax(1.0, fabs(f));
}

/* ---- trust-region subproblem ---- */

/* |p(mu)|^2 where p(mu) = -sum_i gt_i / (lam_i + mu) v_i, and its derivative w.r.t. mu. */
static double step_norm2(const double *lam, const double *gt, size_t n, double mu, double *deriv)
{
    double s = 0.0, d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double den = lam[i] + mu;
        double c = gt[i] / den;
        s += c * c;
        d -= 2.0 * c * c / den;
    }
    if (deriv)
        *deriv = d;
    return s;
}

/* Solve the subproblem in the eigenbasis: lam (descending), gt = V^T g; writes pt = V^T p. */
static void tr_subproblem(double *pt, const double *lam, const double *gt, size_t n, double r)
{
    double lmin = lam[n - 1];
    double gnorm = norm2(gt, n);
    double lo = lmin > 0.0 ? 0.0 : -lmin;
    double mu;
    if (lmin > 0.0 && step_norm2(lam, gt, n, 0.0, NULL) <= r * r) {
        mu = 0.0; /* the Newton step lies inside */
    } else {
        /* hard case: g (numerically) orthogonal to the lowest eigenspace and the step at
         * mu = -lmin still inside the region; then move along that eigenvector to the boundary */
        double scale = fmax(fabs(lam[0]), fabs(lmin));
        double tol_l = 1e-10 * (scale > 0.0 ? scale : 1.0);
        double low2 = 0.0, rest2 = 0.0;
        for (size_t i = 0; i < n; i++) {
            if (lam[i] - lmin <= tol_l)
                low2 += gt[i] * gt[i];
            else
                rest2 += (gt[i] / (lam[i] + lo)) * (gt[i] / (lam[i] + lo));
        }
        if (lmin <= 0.0 && low2 <= 1e-20 * gnorm * gnorm && rest2 < r * r) {
            double tau = sqrt(r * r - rest2);
            int first_low = 1;
            for (size_t i = 0; i < n; i++) {
                if (lam[i] - lmin <= tol_l) {
                    pt[i] = first_low ? tau : 0.0;
                    first_low = 0;
                } else {
                    pt[i] = -gt[i] / (lam[i] + lo);
                }
            }
            return;
        }
        /* phi(mu) = 1/|p(mu)| - 1/r is increasing and nearly linear in mu on (lo, hi] */
        double hi = lo + gnorm / r + 1e-300;
        mu = hi;
        for (int it = 0; it < 100; it++) {
            double d2;
            double s2 = step_norm2(lam, gt, n, mu, &d2);
            double pn = sqrt(s2);
            double phi = 1.0 / pn - 1.0 / r;
            if (fabs(pn - r) <= 1e-12 * r)
                break;
            if (phi > 0.0)
                hi = mu; /* step too short: mu too big */
            else
                lo = mu;
            double dphi = -0.5 * d2 / (s2 * pn);
            double next = mu - phi / dphi;
            if (!(next > lo && next < hi) || !isfinite(next))
                next = 0.5 * (lo + hi);
            if (hi - lo <= 1e-15 * fmax(1.0, hi))
                break;
            mu = next;
        }
    }
    for (size_t i = 0; i < n; i++)
        pt[i] = -gt[i] / (lam[i] + mu);
}

typedef struct work {
    double *xc, *gc, *hc;  /* current point */
    double *xt, *gt_, *ht; /* trial point */
    double *p, *lam, *vecs, *gt, *pt, *hinv, *s, *y, *tmp;
} work;

/* Make the trial point current. Returns 1 when the relative change of f is below ftol; that ends
 * the run only with the gradient within 1e3 x gtol, so a short step far away never stops it. */
static int accept_trial(work *w, size_t n, double *fcur, double ft, const cx__optim_opts *o,
                        int with_hessian)
{
    double fold = *fcur, *t;
    t = w->xc, w->xc = w->xt, w->xt = t;
    t = w->gc, w->gc = w->gt_, w->gt_ = t;
    if (with_hessian)
        t = w->hc, w->hc = w->ht, w->ht = t;
    *fcur = ft;
    return fabs(fold - ft) <= o->ftol * fmax(1.0, fabs(ft)) &&
           gradient_small(max_abs(w->gc, n), ft, 1e3 * o->gtol);
}

static cx_status out_of_iterations(const work *w, size_t n, double f, const cx__optim_opts *o,
                                   const char **reason)
{
    if (gradient_small(max_abs(w->gc, n), f, o->gtol)) {
        *reason = "gradient tolerance";
        return CX_OK;
    }
    *reason = "max iterations";
    return CX_ENOTCONV;
}

static cx_status trust_region(problem *pb, work *w, double *fcur, const cx__optim_opts *o,
                              size_t *iters, const char **reason)
{
    size_t n = pb->n;
    double r = 1.0;
    int finite;
    for (*iters = 0; *iters < o->max_iter; (*iters)++) {
        double gmax = max_abs(w->gc, n);
        if (gradient_small(gmax, *fcur, o->gtol)) {
            *reason = "gradient tolerance";
            return CX_OK;
        }
        cx_status st = cx__sym_eigen(w->hc, n, w->lam, w->vecs);
        if (st != CX_OK)
            return st;
        for (size_t i = 0; i < n; i++) { /* gt = V^T g */
            double s = 0.0;
            for (size_t k = 0; k < n; k++)
                s += w->vecs[k * n + i] * w->gc[k];
            w->gt[i] = s;
        }
        if (o->dtol > 0.0) { /* Newton decrement g' H^-1 g, when H is positive definite */
            double dec = 0.0;
            for (size_t i = 0; i < n && isfinite(dec); i++)
                dec = w->lam[i] > 0.0 ? dec + w->gt[i] * w->gt[i] / w->lam[i] : INFINITY;
            if (dec <= o->dtol) {
                *reason = "Newton decrement";
                return CX_OK;
            }
        }
        for (;;) { /* shrink until a step is accepted */
            tr_subproblem(w->pt, w->lam, w->gt, n, r);
            double pred = 0.0;
            for (size_t i = 0; i < n; i++)
                pred += w->gt[i] * w->pt[i] + 0.5 * w->lam[i] * w->pt[i] * w->pt[i];
            for (size_t k = 0; k < n; k++) {
                double s = 0.0;
                for (size_t i = 0; i < n; i++)
                    s += w->vecs[k * n + i] * w->pt[i];
                w->p[k] = s;
                w->xt[k] = w->xc[k] + s;
            }
            double pnorm = norm2(w->p, n);
            if (!(pred < 0.0) || pnorm <= 1e-15 * fmax(1.0, norm2(w->xc, n))) {
                *reason = "no progress possible (trust region collapsed)";
                return CX_ENOTCONV;
            }
            double ft = NAN;
            st = eval(pb, &ft, w->gt_, w->ht, w->xt, &finite);
            if (st != CX_OK)
                return st;
            double rho = finite ? (ft - *fcur) / pred : -INFINITY;
            if (finite && -pred <= noise_level(*fcur)) /* f cannot resolve the decrease: */
                rho = max_abs(w->gt_, n) < max_abs(w->gc, n) ? 1.0 : -1.0; /* judge by |g| */
            if (rho < 0.25)
                r = 0.25 * pnorm;
            else if (rho > 0.75 && pnorm >= 0.99 * r)
                r = fmin(2.0 * r, 1e10);
            if (rho > 1e-4) {
                if (accept_trial(w, n, fcur, ft, o, 1)) {
                    (*iters)++;
                    *reason = "function tolerance";
                    return CX_OK;
                }
                break;
            }
        }
    }
    return out_of_iterations(w, n, *fcur, o, reason);
}

/* ---- BFGS with a strong Wolfe line search ---- */

typedef struct ls_point {
    double a, f, d; /* step, phi(a), phi'(a) */
    int finite;
} ls_point;

/* Minimiser of the cubic through two points with slopes, kept inside the middle 80% of the
 * interval; bisection when the cubic is useless (non-finite ends, no real minimiser). */
static double interpolate(const ls_point *lo, const ls_point *hi)
{
    double a = lo->a, b = hi->a, w = fabs(b - a);
    double mid = 0.5 * (a + b), t = mid;
    if (lo->finite && hi->finite) {
        double d1 = lo->d + hi->d - 3.0 * (lo->f - hi->f) / (a - b);
        double disc = d1 * d1 - lo->d * hi->d;
        if (disc >= 0.0) {
            double d2 = (b > a ? 1.0 : -1.0) * sqrt(disc);
            t = b - (b - a) * (hi->d + d2 - d1) / (hi->d - lo->d + 2.0 * d2);
        }
    }
    double left = fmin(a, b) + 0.1 * w, right = fmax(a, b) - 0.1 * w;
    if (!isfinite(t) || t < left || t > right)
        t = mid;
    return t;
}

/* Line search along w->p from w->xc: on success the accepted point is in xt / gt_ / *ft. */
static cx_status line_search(problem *pb, work *w, double f0, double a0, double *ft, int *found)
{
    const double c1 = 1e-4, c2 = 0.9;
    size_t n = pb->n;
    double d0 = dot(w->gc, w->p, n);
    ls_point prev = {0.0, f0, d0, 1}, lo = prev, hi = prev, cur = prev;
    double best_f = f0;
    *found = 0;
    int finite;
    double a = a0;
    int bracketed = 0;
    for (int it = 0; it < 40; it++) {
        for (size_t i = 0; i < n; i++)
            w->tmp[i] = w->xc[i] + a * w->p[i];
        double f = NAN;
        cx_status st = eval(pb, &f, w->s, NULL, w->tmp, &finite);
        if (st != CX_OK)
            return st;
        cur.a = a;
        cur.f = f;
        cur.finite = finite;
        cur.d = finite ? dot(w->s, w->p, n) : NAN;
        /* sufficient decrease, or Hager & Zhang's approximate Wolfe conditions when f is flat to
         * rounding (near the optimum, f alone cannot resolve the decrease any more) */
        int armijo =
            finite && (f <= f0 + c1 * a * d0 || (f <= f0 + noise_level(f0) && cur.d >= c2 * d0 &&
                                                 cur.d <= (2.0 * 0.1 - 1.0) * d0));
        if (armijo && (!*found || f < best_f)) { /* remember the best acceptable point */
            best_f = f;
            memcpy(w->xt, w->tmp, n * sizeof *w->xt);
            memcpy(w->gt_, w->s, n * sizeof *w->gt_);
            *ft = f;
            *found = 1;
        }
        if (armijo && fabs(cur.d) <= -c2 * d0)
            return CX_OK; /* strong Wolfe: the best point is this one */
        if (!bracketed) {
            if (!armijo || (it > 0 && f >= prev.f)) {
                lo = prev;
                hi = cur;
                bracketed = 1;
            } else if (cur.d >= 0.0) {
                lo = cur;
                hi = prev;
                bracketed = 1;
            } else {
                prev = cur;
                a *= 4.0;
                continue;
            }
        } else if (!armijo || f >= lo.f) {
            hi = cur;
        } else {
            if (cur.d * (hi.a - lo.a) >= 0.0)
                hi = lo;
            lo = cur;
        }
        if (fabs(hi.a - lo.a) <= 1e-16 * fmax(1.0, fabs(lo.a)))
            break;
        a = interpolate(&lo, &hi);
    }
    return CX_OK; /* Wolfe not met: *found says whether a sufficient decrease was seen */
}

static void set_identity(double *m, size_t n, double diag)
{
    for (size_t i = 0; i < n * n; i++)
        m[i] = 0.0;
    for (size_t i = 0; i < n; i++)
        m[i * n + i] = diag;
}

static cx_status bfgs(problem *pb, work *w, double *fcur, const cx__optim_opts *o, size_t *iters,
                      const char **reason)
{
    size_t n = pb->n;
    set_identity(w->hinv, n, 1.0);
    int fresh = 1; /* hinv is still the (unscaled) identity */
    for (*iters = 0; *iters < o->max_iter; (*iters)++) {
        double gmax = max_abs(w->gc, n);
        if (gradient_small(gmax, *fcur, o->gtol)) {
            *reason = "gradient tolerance";
            return CX_OK;
        }
        for (int attempt = 0;; attempt++) {
            for (size_t i = 0; i < n; i++) /* p = -H g */
                w->p[i] = -dot(w->hinv + i * n, w->gc, n);
            double slope = dot(w->p, w->gc, n);
            if (!(slope < 0.0) && !fresh) { /* lost positive definiteness: restart */
                set_identity(w->hinv, n, 1.0);
                fresh = 1;
                continue;
            }
            double a0 = fresh ? fmin(1.0, 1.0 / max_abs(w->p, n)) : 1.0;
            double ft = NAN;
            int found;
            cx_status st = line_search(pb, w, *fcur, a0, &ft, &found);
            if (st != CX_OK)
                return st;
            if (!found) {
                if (!fresh && attempt == 0) { /* retry once along steepest descent */
                    set_identity(w->hinv, n, 1.0);
                    fresh = 1;
                    continue;
                }
                *reason = "no progress possible (line search failed)";
                return CX_ENOTCONV;
            }
            for (size_t i = 0; i < n; i++) {
                w->s[i] = w->xt[i] - w->xc[i];
                w->y[i] = w->gt_[i] - w->gc[i];
            }
            double sy = dot(w->s, w->y, n);
            if (sy > 1e-12 * norm2(w->s, n) * norm2(w->y, n)) {
                if (fresh) /* Nocedal & Wright (6.20): scale the first approximation */
                    set_identity(w->hinv, n, sy / dot(w->y, w->y, n));
                fresh = 0;
                /* H <- (I - rho s y^T) H (I - rho y s^T) + rho s s^T */
                double rho = 1.0 / sy;
                for (size_t i = 0; i < n; i++) /* tmp = H y */
                    w->tmp[i] = dot(w->hinv + i * n, w->y, n);
                double yhy = dot(w->y, w->tmp, n);
                for (size_t i = 0; i < n; i++)
                    for (size_t j = 0; j < n; j++)
                        w->hinv[i * n + j] += -rho * (w->tmp[i] * w->s[j] + w->s[i] * w->tmp[j]) +
                                              (rho * rho * yhy + rho) * w->s[i] * w->s[j];
            }
            if (accept_trial(w, n, fcur, ft, o, 0)) {
                (*iters)++;
                *reason = "function tolerance";
                return CX_OK;
            }
            break;
        }
    }
    return out_of_iterations(w, n, *fcur, o, reason);
}

cx_status cx__minimize(double *x, size_t n, cx__objective_fn fn, void *ctx,
                       const cx__optim_opts *opts, cx__optim_report *report)
{
    CX_CHECK_ARG(x != NULL);
    CX_CHECK_ARG(n > 0);
    CX_CHECK_ARG(fn != NULL);
    static const cx__optim_opts defaults = CX__OPTIM_OPTS_DEFAULT;
    cx__optim_opts o = opts ? *opts : defaults;
    if (o.max_iter == 0)
        o.max_iter = defaults.max_iter;
    if (!(o.gtol > 0.0))
        o.gtol = defaults.gtol;
    if (!(o.ftol >= 0.0))
        o.ftol = defaults.ftol;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return cx__error_param(CX_EINVAL, "x", "starting point has a non-finite entry (%zu)",
                                   i);

    size_t nn = n * n;
    double *mem = cx__malloc_array(14 * n + 5 * nn, sizeof *mem);
    if (!mem)
        return cx__enomem();
    work w;
    double *m = mem;
    w.xc = m, m += n;
    w.gc = m, m += n;
    w.xt = m, m += n;
    w.gt_ = m, m += n;
    w.p = m, m += n;
    w.lam = m, m += n;
    w.gt = m, m += n;
    w.pt = m, m += n;
    w.s = m, m += n;
    w.y = m, m += n;
    w.tmp = m, m += 3 * n;
    w.hc = m, m += nn;
    w.ht = m, m += nn;
    w.vecs = m, m += nn;
    w.hinv = m, m += 2 * nn;

    problem pb = {fn, ctx, n, 0};
    memcpy(w.xc, x, n * sizeof *x);
    double f = NAN;
    int finite;
    size_t iters = 0;
    const char *reason = "";
    cx_status st = eval(&pb, &f, w.gc, o.use_hessian ? w.hc : NULL, w.xc, &finite);
    if (st == CX_OK && !finite)
        st = cx__error_param(CX_EINVAL, "x",
                             "objective or its derivatives are not finite at the starting point");
    if (st == CX_OK)
        st = o.use_hessian ? trust_region(&pb, &w, &f, &o, &iters, &reason)
                           : bfgs(&pb, &w, &f, &o, &iters, &reason);
    if (st == CX_OK || st == CX_ENOTCONV) {
        memcpy(x, w.xc, n * sizeof *x);
        if (report) {
            report->iterations = iters;
            report->evaluations = pb.evals;
            report->f = f;
            report->grad_norm = max_abs(w.gc, n);
            report->converged = st == CX_OK;
            report->reason = reason;
        }
        if (st == CX_ENOTCONV)
            cx__error(CX_ENOTCONV,
                      "minimisation did not converge: %s (max |grad| %g after %zu iterations)",
                      reason, max_abs(w.gc, n), iters);
    }
    cx__free(mem);
    return st;
}

cx_status cx__hessian_fd(double *hess, const double *x, size_t n, cx__objective_fn fn, void *ctx)
{
    CX_CHECK_ARG(hess != NULL && x != NULL && fn != NULL);
    double *mem = cx__malloc_array(3 * n + n * n + 1, sizeof *mem);
    if (!mem)
        return cx__enomem();
    double *xw = mem, *gp = mem + n, *gm = mem + 2 * n, *h = mem + 3 * n;
    memcpy(xw, x, n * sizeof *x);
    problem pb = {fn, ctx, n, 0};
    cx_status st = CX_OK;
    for (size_t j = 0; j < n && st == CX_OK; j++) {
        /* step ~ eps^(1/3) balances truncation and rounding error of the central difference */
        double hstep = 6.0554544523933395e-06 * fmax(1.0, fabs(x[j]));
        volatile double up = x[j] + hstep; /* make the step exactly representable */
        hstep = up - x[j];
        double f;
        int fp = 0, fm = 0;
        xw[j] = x[j] + hstep;
        st = eval(&pb, &f, gp, NULL, xw, &fp);
        if (st == CX_OK) {
            xw[j] = x[j] - hstep;
            st = eval(&pb, &f, gm, NULL, xw, &fm);
        }
        xw[j] = x[j];
        if (st == CX_OK && !(fp && fm))
            st = cx__error(CX_ERANGE, "finite-difference Hessian: gradient not finite near x[%zu]",
                           j);
        for (size_t i = 0; st == CX_OK && i < n; i++)
            h[i * n + j] = (gp[i] - gm[i]) / (2.0 * hstep);
    }
    if (st == CX_OK) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                hess[i * n + j] = 0.5 * (h[i * n + j] + h[j * n + i]);
    }
    cx__free(mem);
    return st;
}
