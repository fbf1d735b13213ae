/*
 * Unconstrained minimisation of smooth functions of a few parameters (likelihoods on
 * log-parameters): a trust-region Newton method when the objective supplies a Hessian (the
 * subproblem solved exactly through the Hessian's eigen-decomposition, so indefinite Hessians
 * are fine), BFGS with a strong-Wolfe line search (bracketing and cubic zoom) otherwise. Never
 * prints; a failure to converge returns CX_ENOTCONV with the reason in the report and the error
 * message. Details and references: lib/core/optim.c and docs/numerics.md.
 */
#ifndef CX_OPTIM_H
#define CX_OPTIM_H

#include "internal.h"

/* Evaluate the objective at x (length n). Write *f always; write grad (n) when grad != NULL and
 * hess (n x n, row-major, symmetric) when hess != NULL. Return CX_OK, or an error that aborts the
 * minimisation (a non-finite *f is treated as "step too far" by the line search / trust region). */
typedef cx_status (*cx__objective_fn)(double *f, double *grad, double *hess, const double *x,
                                      size_t n, void *ctx);

typedef struct cx__optim_opts {
    size_t max_iter; /* default 200 */
    double gtol;     /* stop when max |grad_i| <= gtol * max(1, |f|); default 1e-9 */
    double ftol; /* or relative change of f below ftol over an accepted step, provided max |grad_i|
                    is within 1e3 * gtol * max(1, |f|); default 1e-14; 0 disables */
    int use_hessian; /* 1: trust-region Newton with the objective's Hessian; 0: BFGS */
    double dtol;     /* Newton only: also stop (reason "Newton decrement") when the Hessian is
                        positive definite and g' H^-1 g <= dtol, i.e. the full Newton step would
                        lower f by at most dtol / 2; for approximate answers (a start for another
                        fit); default 0: off */
} cx__optim_opts;

#define CX__OPTIM_OPTS_DEFAULT                                                                     \
    {                                                                                              \
        200, 1e-9, 1e-14, 1, 0.0                                                                   \
    }

typedef struct cx__optim_report {
    size_t iterations;
    size_t evaluations;
    double f;         /* final objective */
    double grad_norm; /* max |grad_i| at the end */
    int converged;
    const char *reason; /* static text: "gradient tolerance", "max iterations", ... */
} cx__optim_report;

/* Minimise from the starting point in x (overwritten with the minimiser on CX_OK). report may be
 * NULL; opts NULL means CX__OPTIM_OPTS_DEFAULT (zero max_iter / gtol also take the defaults).
 * Returns CX_ENOTCONV if the iteration limit is hit or no progress is possible before the
 * gradient test passes (x then holds the best point found; reasons "max iterations", "no
 * progress possible (trust region collapsed)" / "(line search failed)"); CX_EINVAL if x is not
 * finite or the objective is not finite at the start; CX_ENOMEM; or the objective's own error
 * (x unchanged). Reasons on success: "gradient tolerance", "function tolerance", "Newton
 * decrement" (only with opts->dtol > 0). */
CX_HIDDEN cx_status cx__minimize(double *x, size_t n, cx__objective_fn fn, void *ctx,
                                 const cx__optim_opts *opts, cx__optim_report *report);

/* Hessian by central differences of the analytic gradient (for standard errors when no analytic
 * Hessian exists); hess n x n, symmetrised. */
CX_HIDDEN cx_status cx__hessian_fd(double *hess, const double *x, size_t n, cx__objective_fn fn,
                                   void *ctx);

#endif /* CX_OPTIM_H */
