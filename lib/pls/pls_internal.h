/*
 * Internal structures of the PLS module. The estimation works entirely on the K x K indicator
 * correlation matrix S (see estimate.c), so the same core serves the main fit, f^2
 * re-estimations, bootstrap replicates, jackknife fits and PLSpredict folds.
 */
#ifndef CX_PLS_INTERNAL_H
#define CX_PLS_INTERNAL_H

#include <cxkit/pls.h>

#include "internal.h"

struct cx_pls_model {
    size_t nc, ni, np;          /* constructs, indicators, paths */
    size_t cap_c, cap_i, cap_p; /* capacities */
    char **cname;               /* nc construct names */
    cx_pls_mode *mode;          /* nc */
    char **iname;               /* ni indicator names */
    size_t *iconstruct;         /* ni: construct of each indicator */
    size_t *pfrom, *pto;        /* np paths */
};

struct cx_pls_data {
    size_t n, ncol, cap;
    char **names;
    double **cols;
    double *weights; /* NULL or n */
};

/* Results of one estimation on a correlation matrix; arrays are owned by one block. */
typedef struct pls_est {
    size_t K, C;
    double *w;     /* K: outer weights scaled to unit composite variance */
    double *cross; /* K x C: S W = correlations of items and composites */
    double *load;  /* K: loading on own construct (PLSc-corrected for mode A if consistent) */
    double *rc;    /* C x C: construct correlations (PLSc-corrected if consistent) */
    double *B;     /* C x C: path coefficients */
    double *rsq;   /* C: NaN for exogenous */
    double *total; /* C x C */
    double *rho_a; /* C */
    int iterations;
    double change;
} pls_est;

/* Failure categories of an estimation (for bootstrap counts). */
enum {
    PLS_FAIL_NONE = 0,
    PLS_FAIL_CONSTANT,
    PLS_FAIL_SINGULAR,
    PLS_FAIL_NOTCONV,
    PLS_FAIL_OTHER,
    PLS_FAIL_NOMEM /* out of memory: stops a bootstrap instead of dropping a replicate */
};

struct cx_pls_fit {
    cx_pls_model *model;
    cx_pls_options opt;
    size_t K, C, n_rows, n;
    size_t *rows;       /* n: data row of each used row */
    double *z;          /* n x K standardised indicators */
    double *wt;         /* n normalised survey weights (mean 1) or NULL */
    double *mean;       /* K (weighted) means */
    double *sd;         /* K (weighted) sample sds */
    double *lo, *hi;    /* K scale ends for the index */
    double *S;          /* K x K correlation matrix */
    unsigned char *adj; /* C x C paths */
    pls_est est;
    double *scores; /* n x C */
    cx_pls_fit_info info;
};

/* model.c */
CX_HIDDEN cx_status cx__pls_model_dup(cx_pls_model **out, const cx_pls_model *m);
CX_HIDDEN cx_status cx__pls_model_check(const cx_pls_model *m);
CX_HIDDEN unsigned char *cx__pls_model_adjacency(const cx_pls_model *m);

/* linalg_small.c: Cholesky-based solves for the small SPD matrices of PLS. */
CX_HIDDEN cx_status cx__pls_spd_solve(double *a, size_t n, double *b, size_t nrhs);

/* estimate.c */
CX_HIDDEN cx_status cx__pls_est_alloc(pls_est *e, size_t K, size_t C);
CX_HIDDEN void cx__pls_est_free(pls_est *e);
/* Weights, then everything derived. *fail receives a PLS_FAIL_ category (may be NULL). */
CX_HIDDEN cx_status cx__pls_estimate_S(pls_est *e, const cx_pls_model *m, const unsigned char *adj,
                                       const double *S, cx_pls_scheme scheme, int max_iter,
                                       double tol, int consistent, int *fail);
/* Derived quantities from e->w (already estimated): cross, load, rc, B, rsq, total, rho_a. */
CX_HIDDEN cx_status cx__pls_derive(pls_est *e, const cx_pls_model *m, const unsigned char *adj,
                                   const double *S, int consistent, int *fail);
/* rho_A of construct j from unit-variance weights (1 for mode B and single items). */
CX_HIDDEN double cx__pls_rho_a(const cx_pls_model *m, size_t j, const double *S, const double *w);

/* data.c: prepare the model's indicators (missing values, standardisation, S). */
CX_HIDDEN cx_status cx__pls_prepare(cx_pls_fit *f, const cx_pls_data *d);
/* Weighted correlation matrix from standardised rows with multiplicities: S (K x K), and the
 * replicate means and sds (in z units) into mz, sz (K). counts may be NULL (all 1), wt NULL.
 * Returns the index of a constant column or (size_t)-1. */
CX_HIDDEN size_t cx__pls_corr(double *S, double *mz, double *sz, const double *z, const double *wt,
                              const unsigned *counts, size_t n, size_t K);

/* quality.c: HTMT from a correlation matrix (out C x C, mono scratch C). */
CX_HIDDEN void cx__pls_htmt_S(double *out, const cx_pls_model *m, const double *S, double *mono);

/* Standardised Cronbach's alpha of every construct from S into out[j * stride] (1 for one item). */
CX_HIDDEN void cx__pls_alpha_S(double *out, size_t stride, const cx_pls_model *m, const double *S);
/* Inner VIFs (C x C, from x to, NaN where there is no path) from construct correlations rc;
 * work holds 2 C^2 + 2 C doubles. CX_ESINGULAR if predecessors are collinear. */
CX_HIDDEN cx_status cx__pls_vif_inner_rc(double *out, double *work, const unsigned char *adj,
                                         const double *rc, size_t C);
/* f^2 of every path (C x C, NaN where there is no path) by re-estimating on S without it; e and
 * adjw (C x C) are scratch, rsq the full model's R^2. With fail_from non-NULL the first failing
 * re-estimation stops it (its path returned); otherwise that path is left NaN (CX_ENOMEM
 * still stops it). */
CX_HIDDEN cx_status cx__pls_fsquare_S(double *out, pls_est *e, unsigned char *adjw,
                                      const cx_pls_model *m, const unsigned char *adj,
                                      const double *S, const double *rsq, const cx_pls_options *o,
                                      size_t *fail_from, size_t *fail_to);
/* fit.c: adjusted R^2 (C, NaN for exogenous) for n rows */
CX_HIDDEN void cx__pls_adj_rsq(double *out, const double *rsq, const unsigned char *adj, size_t C,
                               double n);

/* index.c */
CX_HIDDEN void cx__pls_index_means(double *idx, const cx_pls_model *m, const double *w,
                                   const double *mean, const double *sd, const double *lo,
                                   const double *hi);

#endif /* CX_PLS_INTERNAL_H */
