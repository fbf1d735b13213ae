/*
 * Bootstrap of a PLS fit on all cores.
 *
 * Replicate b draws n rows with replacement from cx_rng(seed, b), forms its (weighted)
 * correlation matrix in one O(n K^2) pass over the standardised data and re-runs the PLS
 * iteration on it. Threads take replicates from a shared counter but each replicate writes only
 * its own row, so the results are bit-identical whatever the number of threads. A replicate
 * that fails is marked and dropped; the counts are reported.
 *
 * BCa intervals (Efron 1987) take the bias correction from the share of replicates below the
 * original estimate and the acceleration from a jackknife: leave-one-out fits for n <= 2000 rows,
 * otherwise a delete-a-group jackknife over 2000 groups of consecutive rows (each fit costs
 * O(K^2) to downdate the moment matrix plus one PLS iteration).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cxkit/rng.h>

#include "pls_internal.h"
#include "special.h"

#define JACK_GROUPS 2000

struct cx_pls_boot {
    size_t K, C, P, n_ok, n_seg;
    cx_pls_boot_options opt;
    cx_pls_boot_info info;
    double *orig;       /* P */
    double *reps;       /* n_ok x P */
    double *jack;       /* G x P jackknife estimates, or NULL without BCa */
    unsigned char *jok; /* G: 1 where the jackknife fit succeeded */
    size_t G;
    size_t *iconstruct; /* K: construct of each indicator (for rho_C and AVE) */
};

/* Offsets of the stat families in a replicate's vector (an internal layout: the enum values
 * are public, the positions are not). */
static size_t stat_offset(size_t K, size_t C, cx_pls_stat s)
{
    size_t base = 2 * K + 3 * C * C + 3 * C; /* end of the first families */
    switch (s) {
    case CX_PLS_STAT_RHO_A:
        return 2 * K + 3 * C * C + 2 * C;
    case CX_PLS_STAT_ALPHA:
        return base;
    case CX_PLS_STAT_ADJ_RSQUARED:
        return base + C;
    case CX_PLS_STAT_CONSTRUCT_CORR:
        return base + 2 * C;
    case CX_PLS_STAT_VIF_INNER:
        return base + 2 * C + C * C;
    case CX_PLS_STAT_FSQUARE:
        return base + 2 * C + 2 * C * C;
    case CX_PLS_STAT_SEGMENT_INDEX:
        return base + 2 * C + 3 * C * C;
    case CX_PLS_STAT_INDIRECT_EFFECT: /* derived: total - path */
    case CX_PLS_STAT_RHO_C:           /* derived from the loadings */
    case CX_PLS_STAT_AVE:
    case CX_PLS_STAT_FORNELL_LARCKER: /* derived: AVE and construct correlations */
    case CX_PLS_STAT_WEIGHT:
        return 0;
    case CX_PLS_STAT_LOADING:
        return K;
    case CX_PLS_STAT_PATH:
        return 2 * K;
    case CX_PLS_STAT_TOTAL_EFFECT:
        return 2 * K + C * C;
    case CX_PLS_STAT_RSQUARED:
        return 2 * K + 2 * C * C;
    case CX_PLS_STAT_INDEX:
        return 2 * K + 2 * C * C + C;
    case CX_PLS_STAT_HTMT:
        return 2 * K + 2 * C * C + 2 * C;
    }
    return 0;
}

static size_t stat_count(size_t K, size_t C, size_t n_seg)
{
    return 2 * K + 6 * C * C + 5 * C + n_seg * C;
}

/* Per-thread scratch. */
typedef struct {
    pls_est e, e2;                          /* e2: f^2 re-estimations (only with fsquare) */
    double *S, *mz, *sz, *mean, *sd, *mono; /* K*K, K, K, K, K, C */
    double *seg_sum;                        /* n_seg x (K + 1): weighted item sums, weight */
    double *vif_work;                       /* 2 C^2 + 2 C */
    unsigned char *adjw;                    /* C x C (only with fsquare) */
    unsigned *counts;                       /* n */
    double n_rows;                          /* rows of the replicate (for adjusted R^2) */
} scratch;

static void scratch_free(scratch *s)
{
    cx__pls_est_free(&s->e);
    cx__pls_est_free(&s->e2);
    cx__free(s->S);
    cx__free(s->adjw);
    cx__free(s->counts);
}

static cx_status scratch_new(scratch *s, const cx_pls_fit *f, int need_counts, size_t n_seg,
                             int fsquare)
{
    memset(s, 0, sizeof *s);
    size_t K = f->K, C = f->C;
    if (cx__pls_est_alloc(&s->e, K, C) != CX_OK)
        return CX_ENOMEM;
    if (fsquare && cx__pls_est_alloc(&s->e2, K, C) != CX_OK) {
        scratch_free(s);
        return CX_ENOMEM;
    }
    s->S =
        cx__malloc_array(K * K + 4 * K + C + n_seg * (K + 1) + 2 * C * C + 2 * C, sizeof(double));
    s->adjw = fsquare ? cx__malloc(C * C) : NULL;
    s->counts = need_counts ? cx__malloc_array(f->n, sizeof(unsigned)) : NULL;
    if (!s->S || (need_counts && !s->counts) || (fsquare && !s->adjw)) {
        scratch_free(s);
        return cx__enomem();
    }
    s->n_rows = (double)f->n;
    s->mz = s->S + K * K;
    s->sz = s->mz + K;
    s->mean = s->sz + K;
    s->sd = s->mean + K;
    s->mono = s->sd + K;
    s->seg_sum = s->mono + f->C;
    s->vif_work = s->seg_sum + n_seg * (K + 1);
    return CX_OK;
}

/* Segment index of every construct (n_seg x C into out) from segment sums of the standardised
 * items (s->seg_sum, filled by the caller), the replicate's item sds (s->sd) and weights w. */
static void segment_stats(double *out, scratch *s, const cx_pls_fit *f, const double *w,
                          size_t n_seg)
{
    size_t K = f->K, C = f->C;
    for (size_t g = 0; g < n_seg; g++) {
        const double *acc = s->seg_sum + g * (K + 1);
        if (!(acc[K] > 0)) {
            for (size_t j = 0; j < C; j++)
                out[g * C + j] = NAN;
            continue;
        }
        /* the segment's item means on the indicator scale, reusing s->mean */
        for (size_t k = 0; k < K; k++)
            s->mean[k] = f->mean[k] + f->sd[k] * acc[k] / acc[K];
        cx__pls_index_means(out + g * C, f->model, w, s->mean, s->sd, f->lo, f->hi);
    }
}

/* s->seg_sum for rows with multiplicity counts[r] (or 1 outside [skip0, skip1) when counts is
 * NULL), times the survey weight */
static void segment_sums(scratch *s, const cx_pls_fit *f, const int64_t *seg, size_t n_seg,
                         const unsigned *counts, size_t skip0, size_t skip1)
{
    size_t K = f->K;
    memset(s->seg_sum, 0, n_seg * (K + 1) * sizeof(double));
    for (size_t r = 0; r < f->n; r++) {
        double c = counts ? counts[r] : (r >= skip0 && r < skip1 ? 0.0 : 1.0);
        if (c == 0)
            continue;
        c *= f->wt ? f->wt[r] : 1.0;
        double *acc = s->seg_sum + (size_t)seg[r] * (K + 1);
        const double *x = f->z + r * K;
        for (size_t k = 0; k < K; k++)
            acc[k] += c * x[k];
        acc[K] += c;
    }
}

/* Inner VIFs; collinear predecessors leave the whole family NaN for this replicate. */
static void inner_vif(double *out, double *work, const unsigned char *adj, const double *rc,
                      size_t C)
{
    if (cx__pls_vif_inner_rc(out, work, adj, rc, C) != CX_OK)
        for (size_t i = 0; i < C * C; i++)
            out[i] = NAN;
}

/* Estimate on s->S (with s->mz, s->sz describing the replicate's moments in z units) and write
 * the stat vector. Returns a PLS_FAIL_ category. */
static int replicate_stats(double *out, scratch *s, const cx_pls_fit *f,
                           const cx_pls_boot_options *bo, size_t n_seg)
{
    cx_pls_sign_change sc = bo->sign_change;
    size_t K = f->K, C = f->C;
    const cx_pls_options *o = &f->opt;
    int fail = PLS_FAIL_NONE;
    cx_status st = cx__pls_estimate_S(&s->e, f->model, f->adj, s->S, o->scheme, o->max_iter,
                                      o->tolerance, o->consistent, &fail);
    if (st == CX_ENOMEM)
        return PLS_FAIL_NOMEM;
    if (st != CX_OK)
        return fail ? fail : PLS_FAIL_OTHER;
    if (sc == CX_PLS_SIGN_CONSTRUCT) {
        int flipped = 0;
        for (size_t j = 0; j < C; j++) {
            double d = 0, a = 0;
            for (size_t k = 0; k < K; k++)
                if (f->model->iconstruct[k] == j) {
                    d += fabs(f->est.load[k] - s->e.load[k]);
                    a += fabs(f->est.load[k] + s->e.load[k]);
                }
            if (d > a) {
                flipped = 1;
                for (size_t k = 0; k < K; k++)
                    if (f->model->iconstruct[k] == j)
                        s->e.w[k] = -s->e.w[k];
            }
        }
        if (flipped && cx__pls_derive(&s->e, f->model, f->adj, s->S, o->consistent, &fail) != CX_OK)
            return fail ? fail : PLS_FAIL_OTHER;
    }
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_WEIGHT), s->e.w, K * sizeof(double));
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_LOADING), s->e.load, K * sizeof(double));
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_PATH), s->e.B, C * C * sizeof(double));
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_TOTAL_EFFECT), s->e.total, C * C * sizeof(double));
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_RSQUARED), s->e.rsq, C * sizeof(double));
    for (size_t k = 0; k < K; k++) {
        s->mean[k] = f->mean[k] + f->sd[k] * s->mz[k];
        s->sd[k] = f->sd[k] * s->sz[k];
    }
    cx__pls_index_means(out + stat_offset(K, C, CX_PLS_STAT_INDEX), f->model, s->e.w, s->mean,
                        s->sd, f->lo, f->hi);
    cx__pls_htmt_S(out + stat_offset(K, C, CX_PLS_STAT_HTMT), f->model, s->S, s->mono);
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_RHO_A), s->e.rho_a, C * sizeof(double));
    cx__pls_alpha_S(out + stat_offset(K, C, CX_PLS_STAT_ALPHA), 1, f->model, s->S);
    cx__pls_adj_rsq(out + stat_offset(K, C, CX_PLS_STAT_ADJ_RSQUARED), s->e.rsq, f->adj, C,
                    s->n_rows);
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_CONSTRUCT_CORR), s->e.rc, C * C * sizeof(double));
    inner_vif(out + stat_offset(K, C, CX_PLS_STAT_VIF_INNER), s->vif_work, f->adj, s->e.rc, C);
    double *fsq = out + stat_offset(K, C, CX_PLS_STAT_FSQUARE);
    if (bo->fsquare) {
        if (cx__pls_fsquare_S(fsq, &s->e2, s->adjw, f->model, f->adj, s->S, s->e.rsq, o, NULL,
                              NULL) == CX_ENOMEM)
            return PLS_FAIL_NOMEM;
    } else
        for (size_t i = 0; i < C * C; i++)
            fsq[i] = NAN;
    if (n_seg)
        segment_stats(out + stat_offset(K, C, CX_PLS_STAT_SEGMENT_INDEX), s, f, s->e.w, n_seg);
    return PLS_FAIL_NONE;
}

/* ---- the parallel loops ---- */

typedef struct {
    const cx_pls_fit *f;
    const cx_pls_boot_options *opt;
    size_t P;
    atomic_size_t next;
    atomic_int enomem;
    /* bootstrap */
    double *reps;
    unsigned char *status;
    /* jackknife */
    size_t groups;
    double *jack;
    unsigned char *jstatus;
    const double *A, *sum; /* K x K second moments, K first moments (weighted) */
    double N;
    int jackknife;
    const int64_t *seg; /* n used rows' segment, or NULL */
    size_t n_seg;
} job;

static void run_boot_one(job *jb, scratch *s, size_t b)
{
    const cx_pls_fit *f = jb->f;
    size_t n = f->n, K = f->K;
    cx_rng *rng = NULL;
    if (cx_rng_new(&rng, jb->opt->seed, (uint64_t)b) != CX_OK) {
        atomic_store(&jb->enomem, 1);
        return;
    }
    memset(s->counts, 0, n * sizeof(unsigned));
    for (size_t i = 0; i < n; i++)
        s->counts[cx_rng_below(rng, n)]++;
    cx_rng_free(rng);
    double *out = jb->reps + b * jb->P;
    if (cx__pls_corr(s->S, s->mz, s->sz, f->z, f->wt, s->counts, n, K) != (size_t)-1) {
        jb->status[b] = PLS_FAIL_CONSTANT;
        return;
    }
    if (jb->n_seg)
        segment_sums(s, f, jb->seg, jb->n_seg, s->counts, 0, 0);
    jb->status[b] = (unsigned char)replicate_stats(out, s, f, jb->opt, jb->n_seg);
    if (jb->status[b] == PLS_FAIL_NOMEM)
        atomic_store(&jb->enomem, 1);
}

/* Jackknife group g: rows [g n / G, (g+1) n / G) removed from the moment sums. */
static void run_jack_one(job *jb, scratch *s, size_t g)
{
    const cx_pls_fit *f = jb->f;
    size_t n = f->n, K = f->K, G = jb->groups;
    size_t r0 = g * n / G, r1 = (g + 1) * n / G;
    memcpy(s->S, jb->A, K * K * sizeof(double));
    memcpy(s->mz, jb->sum, K * sizeof(double));
    double N = jb->N;
    for (size_t r = r0; r < r1; r++) {
        const double *x = f->z + r * K;
        double w = f->wt ? f->wt[r] : 1.0;
        N -= w;
        for (size_t k = 0; k < K; k++) {
            s->mz[k] -= w * x[k];
            for (size_t l = 0; l <= k; l++)
                s->S[k * K + l] -= w * x[k] * x[l];
        }
    }
    int bad = !(N > 1);
    for (size_t k = 0; k < K && !bad; k++)
        s->mz[k] /= N;
    for (size_t k = 0; k < K && !bad; k++)
        for (size_t l = 0; l <= k; l++)
            s->S[k * K + l] = (s->S[k * K + l] - N * s->mz[k] * s->mz[l]) / (N - 1);
    for (size_t k = 0; k < K && !bad; k++) {
        double v = s->S[k * K + k];
        if (!(v > 1e-10))
            bad = 1;
        else
            s->sz[k] = sqrt(v);
    }
    if (bad) {
        jb->jstatus[g] = PLS_FAIL_CONSTANT;
        return;
    }
    for (size_t k = 0; k < K; k++) {
        for (size_t l = 0; l < k; l++) {
            double r = s->S[k * K + l] / (s->sz[k] * s->sz[l]);
            s->S[k * K + l] = r;
            s->S[l * K + k] = r;
        }
        s->S[k * K + k] = 1;
    }
    if (jb->n_seg)
        segment_sums(s, f, jb->seg, jb->n_seg, NULL, r0, r1);
    s->n_rows = (double)(n - (r1 - r0));
    jb->jstatus[g] = (unsigned char)replicate_stats(jb->jack + g * jb->P, s, f, jb->opt, jb->n_seg);
    if (jb->jstatus[g] == PLS_FAIL_NOMEM)
        atomic_store(&jb->enomem, 1);
}

static void *worker(void *arg)
{
    job *jb = arg;
    scratch s;
    if (scratch_new(&s, jb->f, !jb->jackknife, jb->n_seg, jb->opt->fsquare) != CX_OK) {
        atomic_store(&jb->enomem, 1);
        return NULL;
    }
    size_t total = jb->jackknife ? jb->groups : jb->opt->n_boot;
    for (;;) {
        size_t b = atomic_fetch_add(&jb->next, 1);
        if (b >= total || atomic_load(&jb->enomem))
            break;
        if (jb->jackknife)
            run_jack_one(jb, &s, b);
        else
            run_boot_one(jb, &s, b);
    }
    scratch_free(&s);
    return NULL;
}

/* Run the job on n_threads threads (the caller's included); returns the count that ran. */
static int run_parallel(job *jb, int n_threads)
{
    atomic_store(&jb->next, 0);
    pthread_t *th = n_threads > 1 ? cx__malloc_array((size_t)n_threads, sizeof *th) : NULL;
    int started = 0;
    for (int t = 1; th && t < n_threads; t++) {
        if (pthread_create(&th[started], NULL, worker, jb) != 0)
            break; /* fewer threads: the shared counter still covers every replicate */
        started++;
    }
    worker(jb);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    cx__free(th);
    return started + 1;
}

void cx_pls_boot_options_init(cx_pls_boot_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->n_boot = 5000;
    o->seed = 1;
    o->n_threads = 0;
    o->sign_change = CX_PLS_SIGN_NONE;
    o->level = 0.95;
    o->bca = 1;
}

void cx_pls_boot_free(cx_pls_boot *b)
{
    if (!b)
        return;
    cx__free(b->orig);
    cx__free(b->reps);
    cx__free(b->jack);
    cx__free(b->jok);
    cx__free(b->iconstruct);
    cx__free(b);
}

static cx_status original_stats(double *out, const cx_pls_fit *f, const int64_t *seg, size_t n_seg,
                                int fsquare)
{
    scratch s;
    cx_status st = scratch_new(&s, f, 0, n_seg, 0);
    if (st != CX_OK)
        return st;
    double *mono = s.mono;
    size_t K = f->K, C = f->C;
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_WEIGHT), f->est.w, K * sizeof(double));
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_LOADING), f->est.load, K * sizeof(double));
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_PATH), f->est.B, C * C * sizeof(double));
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_TOTAL_EFFECT), f->est.total, C * C * sizeof(double));
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_RSQUARED), f->est.rsq, C * sizeof(double));
    cx__pls_index_means(out + stat_offset(K, C, CX_PLS_STAT_INDEX), f->model, f->est.w, f->mean,
                        f->sd, f->lo, f->hi);
    cx__pls_htmt_S(out + stat_offset(K, C, CX_PLS_STAT_HTMT), f->model, f->S, mono);
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_RHO_A), f->est.rho_a, C * sizeof(double));
    cx__pls_alpha_S(out + stat_offset(K, C, CX_PLS_STAT_ALPHA), 1, f->model, f->S);
    cx__pls_adj_rsq(out + stat_offset(K, C, CX_PLS_STAT_ADJ_RSQUARED), f->est.rsq, f->adj, C,
                    (double)f->n);
    memcpy(out + stat_offset(K, C, CX_PLS_STAT_CONSTRUCT_CORR), f->est.rc, C * C * sizeof(double));
    inner_vif(out + stat_offset(K, C, CX_PLS_STAT_VIF_INNER), s.vif_work, f->adj, f->est.rc, C);
    double *fsq = out + stat_offset(K, C, CX_PLS_STAT_FSQUARE);
    for (size_t i = 0; i < C * C; i++)
        fsq[i] = NAN;
    if (fsquare && (st = cx_pls_fit_fsquare(fsq, C * C, f)) != CX_OK) {
        scratch_free(&s);
        return st;
    }
    if (n_seg) {
        memcpy(s.sd, f->sd, K * sizeof(double));
        segment_sums(&s, f, seg, n_seg, NULL, 0, 0);
        segment_stats(out + stat_offset(K, C, CX_PLS_STAT_SEGMENT_INDEX), &s, f, f->est.w, n_seg);
    }
    scratch_free(&s);
    return CX_OK;
}

/* Jackknife fits for the BCa acceleration, kept in b->jack / b->jok (NULL when fewer than two
 * succeeded); accelerations are computed per estimate when a summary asks for them. */
static cx_status jackknife(cx_pls_boot *b, const cx_pls_fit *f, const cx_pls_boot_options *opt,
                           int n_threads, const int64_t *seg)
{
    size_t K = f->K, P = b->P, n = f->n;
    size_t G = n <= JACK_GROUPS ? n : JACK_GROUPS;
    job jb;
    memset(&jb, 0, sizeof jb);
    jb.f = f;
    jb.opt = opt;
    jb.P = P;
    jb.groups = G;
    jb.jackknife = 1;
    jb.seg = seg;
    jb.n_seg = b->n_seg;
    atomic_init(&jb.enomem, 0);
    double *A = cx__calloc(K * K + K, sizeof(double));
    jb.jack = cx__malloc_array(G * P, sizeof(double));
    jb.jstatus = cx__calloc(G, 1);
    if (!A || !jb.jack || !jb.jstatus) {
        cx__free(A);
        cx__free(jb.jack);
        cx__free(jb.jstatus);
        return cx__enomem();
    }
    double *sum = A + K * K, N = 0;
    for (size_t r = 0; r < n; r++) {
        const double *x = f->z + r * K;
        double w = f->wt ? f->wt[r] : 1.0;
        N += w;
        for (size_t k = 0; k < K; k++) {
            sum[k] += w * x[k];
            for (size_t l = 0; l <= k; l++)
                A[k * K + l] += w * x[k] * x[l];
        }
    }
    jb.A = A;
    jb.sum = sum;
    jb.N = N;
    run_parallel(&jb, n_threads);
    cx_status st = atomic_load(&jb.enomem) ? cx__enomem() : CX_OK;
    size_t ok = 0;
    for (size_t g = 0; g < G; g++)
        ok += jb.jstatus[g] == PLS_FAIL_NONE;
    if (st == CX_OK && ok >= 2) {
        for (size_t g = 0; g < G; g++)
            jb.jstatus[g] = jb.jstatus[g] == PLS_FAIL_NONE;
        b->jack = jb.jack;
        b->jok = jb.jstatus;
        b->G = G;
        jb.jack = NULL;
        jb.jstatus = NULL;
    }
    cx__free(A);
    cx__free(jb.jack);
    cx__free(jb.jstatus);
    return st;
}

static cx_status bootstrap(cx_pls_boot **out, const cx_pls_fit *f, const cx_pls_boot_options *opt,
                           const int64_t *seg, size_t n_seg);

cx_status cx_pls_bootstrap(cx_pls_boot **out, const cx_pls_fit *f, const cx_pls_boot_options *opt)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(f != NULL);
    return bootstrap(out, f, opt, NULL, 0);
}

cx_status cx_pls_bootstrap_segments(cx_pls_boot **out, const cx_pls_fit *f,
                                    const cx_pls_boot_options *opt, const int64_t *segments,
                                    size_t n_labels, size_t n_segments)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(segments != NULL);
    CX_CHECK_ARG(n_segments >= 1);
    if (n_labels != f->n_rows)
        return cx__error_param(CX_EINVAL, "segments", "%zu segment labels for %zu data rows",
                               n_labels, f->n_rows);
    for (size_t r = 0; r < n_labels; r++)
        if (segments[r] < 0 || (uint64_t)segments[r] >= n_segments)
            return cx__error_param(CX_EINVAL, "segments",
                                   "segment label %lld in row %zu is outside 0..%zu",
                                   (long long)segments[r], r + 1, n_segments - 1);
    int64_t *seg = cx__malloc_array(f->n, sizeof(int64_t));
    if (!seg)
        return cx__enomem();
    for (size_t i = 0; i < f->n; i++)
        seg[i] = segments[f->rows[i]];
    cx_status st = bootstrap(out, f, opt, seg, n_segments);
    cx__free(seg);
    return st;
}

static cx_status bootstrap(cx_pls_boot **out, const cx_pls_fit *f, const cx_pls_boot_options *opt,
                           const int64_t *seg, size_t n_seg)
{
    cx_pls_boot_options def;
    if (!opt) {
        cx_pls_boot_options_init(&def);
        opt = &def;
    }
    if (opt->n_boot < 2)
        return cx__error_param(CX_EINVAL, "n_boot", "n_boot must be >= 2");
    if (opt->n_threads < 0)
        return cx__error_param(CX_EINVAL, "n_threads", "n_threads must be >= 0");
    if (!(opt->level > 0 && opt->level < 1))
        return cx__error_param(CX_EINVAL, "level", "level must be in (0, 1)");
    if (opt->sign_change != CX_PLS_SIGN_NONE && opt->sign_change != CX_PLS_SIGN_CONSTRUCT &&
        opt->sign_change != CX_PLS_SIGN_INDIVIDUAL)
        return cx__error_param(CX_EINVAL, "sign_change", "unknown sign-change option %d",
                               (int)opt->sign_change);
    int nt = opt->n_threads;
    if (nt == 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        nt = c > 0 ? (int)c : 1;
    }
    if ((size_t)nt > opt->n_boot)
        nt = (int)opt->n_boot;
    size_t K = f->K, C = f->C, P = stat_count(K, C, n_seg), B = opt->n_boot;
    cx_pls_boot *b = cx__calloc(1, sizeof *b);
    job jb;
    memset(&jb, 0, sizeof jb);
    if (!b)
        return cx__enomem();
    b->K = K;
    b->C = C;
    b->P = P;
    b->n_seg = n_seg;
    b->opt = *opt;
    b->orig = cx__malloc_array(P, sizeof(double));
    b->iconstruct = cx__malloc_array(K, sizeof(size_t));
    if (b->iconstruct)
        memcpy(b->iconstruct, f->model->iconstruct, K * sizeof(size_t));
    jb.reps = cx__malloc_array(B * P, sizeof(double));
    jb.status = cx__calloc(B, 1);
    cx_status st = CX_OK;
    if (!b->orig || !b->iconstruct || !jb.reps || !jb.status) {
        st = cx__enomem();
        goto done;
    }
    if ((st = original_stats(b->orig, f, seg, n_seg, opt->fsquare)) != CX_OK)
        goto done;
    jb.f = f;
    jb.opt = opt;
    jb.P = P;
    jb.seg = seg;
    jb.n_seg = n_seg;
    atomic_init(&jb.enomem, 0);
    b->info.threads_used = run_parallel(&jb, nt);
    if (atomic_load(&jb.enomem)) {
        st = cx__enomem();
        goto done;
    }
    /* compact the successful replicates in replicate order */
    b->info.n_requested = B;
    size_t ok = 0;
    for (size_t r = 0; r < B; r++) {
        switch (jb.status[r]) {
        case PLS_FAIL_NONE:
            if (ok != r)
                memmove(jb.reps + ok * P, jb.reps + r * P, P * sizeof(double));
            ok++;
            break;
        case PLS_FAIL_CONSTANT:
            b->info.n_failed_constant++;
            break;
        case PLS_FAIL_SINGULAR:
            b->info.n_failed_singular++;
            break;
        default:
            b->info.n_failed_notconv++;
            break;
        }
    }
    b->n_ok = ok;
    b->info.n_ok = ok;
    b->info.n_failed = B - ok;
    if (ok < 2) {
        st = cx__error_param(CX_ERANGE, "n_boot", "only %zu of %zu replicates succeeded", ok, B);
        goto done;
    }
    if (opt->sign_change == CX_PLS_SIGN_INDIVIDUAL)
        for (size_t r = 0; r < ok; r++)
            for (size_t p = 0; p < P; p++) {
                double o = b->orig[p], v = jb.reps[r * P + p];
                if (o * v < 0)
                    jb.reps[r * P + p] = -v;
            }
    b->reps = jb.reps;
    jb.reps = NULL;
    if (opt->bca && (st = jackknife(b, f, opt, nt, seg)) != CX_OK)
        goto done;
done:
    cx__free(jb.reps);
    cx__free(jb.status);
    if (st != CX_OK) {
        cx_pls_boot_free(b);
        return st;
    }
    *out = b;
    return CX_OK;
}

cx_status cx_pls_boot_get_info(cx_pls_boot_info *out, const cx_pls_boot *b)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(b != NULL);
    *out = b->info;
    return CX_OK;
}

/* One bootstrapped quantity: a stored position, a difference of two (indirect effect), or
 * rho_C / AVE of a block from its stored loadings. */
typedef struct {
    int kind; /* 0 position p, 1 row[p] - row[q], 2 rho_C, 3 AVE, 4 sqrt(AVE) */
    size_t p, q;
    size_t first, K; /* loadings start at `first`; block = indicators of construct `q` */
    const size_t *iconstruct;
} quantity;

static double quantity_value(const double *row, const void *ctx)
{
    const quantity *qt = ctx;
    if (qt->kind == 0)
        return row[qt->p];
    if (qt->kind == 1)
        return row[qt->p] - row[qt->q];
    double sl = 0, sl2 = 0, s1 = 0, nb = 0;
    for (size_t k = 0; k < qt->K; k++)
        if (qt->iconstruct[k] == qt->q) {
            double l = row[qt->first + k];
            sl += l;
            sl2 += l * l;
            s1 += 1 - l * l;
            nb++;
        }
    if (nb < 2)
        return 1.0;
    if (qt->kind == 4)
        return sqrt(sl2 / nb);
    return qt->kind == 2 ? sl * sl / (sl * sl + s1) : sl2 / nb;
}

static cx_status locate(quantity *qt, const cx_pls_boot *b, cx_pls_stat s, size_t i, size_t j)
{
    size_t K = b->K, C = b->C;
    memset(qt, 0, sizeof *qt);
    switch (s) {
    case CX_PLS_STAT_WEIGHT:
    case CX_PLS_STAT_LOADING:
        if (i >= K)
            return cx__error_param(CX_EINVAL, "i", "indicator %zu out of range (K = %zu)", i, K);
        qt->p = stat_offset(K, C, s) + i;
        return CX_OK;
    case CX_PLS_STAT_RSQUARED:
    case CX_PLS_STAT_ADJ_RSQUARED:
    case CX_PLS_STAT_ALPHA:
    case CX_PLS_STAT_INDEX:
    case CX_PLS_STAT_RHO_A:
    case CX_PLS_STAT_RHO_C:
    case CX_PLS_STAT_AVE:
        if (i >= C)
            return cx__error_param(CX_EINVAL, "i", "construct %zu out of range (C = %zu)", i, C);
        qt->p = stat_offset(K, C, s) + i;
        if (s == CX_PLS_STAT_RHO_C || s == CX_PLS_STAT_AVE) {
            qt->kind = s == CX_PLS_STAT_RHO_C ? 2 : 3;
            qt->q = i;
            qt->first = stat_offset(K, C, CX_PLS_STAT_LOADING);
            qt->K = K;
            qt->iconstruct = b->iconstruct;
        }
        return CX_OK;
    case CX_PLS_STAT_PATH:
    case CX_PLS_STAT_TOTAL_EFFECT:
    case CX_PLS_STAT_INDIRECT_EFFECT:
    case CX_PLS_STAT_HTMT:
    case CX_PLS_STAT_CONSTRUCT_CORR:
    case CX_PLS_STAT_FORNELL_LARCKER:
    case CX_PLS_STAT_VIF_INNER:
    case CX_PLS_STAT_FSQUARE:
        if (i >= C)
            return cx__error_param(CX_EINVAL, "i", "construct %zu out of range (C = %zu)", i, C);
        if (j >= C)
            return cx__error_param(CX_EINVAL, "j", "construct %zu out of range (C = %zu)", j, C);
        if (s == CX_PLS_STAT_FSQUARE && !b->opt.fsquare)
            return cx__error_param(CX_EINVAL, "fsquare",
                                   "f^2 was not bootstrapped: set options.fsquare = 1");
        if (s == CX_PLS_STAT_FORNELL_LARCKER && i == j) {
            qt->kind = 4;
            qt->q = i;
            qt->first = stat_offset(K, C, CX_PLS_STAT_LOADING);
            qt->K = K;
            qt->iconstruct = b->iconstruct;
        } else if (s == CX_PLS_STAT_FORNELL_LARCKER) {
            qt->p = stat_offset(K, C, CX_PLS_STAT_CONSTRUCT_CORR) + i * C + j;
        } else if (s == CX_PLS_STAT_INDIRECT_EFFECT) {
            qt->kind = 1;
            qt->p = stat_offset(K, C, CX_PLS_STAT_TOTAL_EFFECT) + i * C + j;
            qt->q = stat_offset(K, C, CX_PLS_STAT_PATH) + i * C + j;
        } else {
            qt->p = stat_offset(K, C, s) + i * C + j;
        }
        return CX_OK;
    case CX_PLS_STAT_SEGMENT_INDEX:
        if (i >= b->n_seg)
            return cx__error_param(CX_EINVAL, "i", "segment %zu out of range (%zu segments)", i,
                                   b->n_seg);
        if (j >= C)
            return cx__error_param(CX_EINVAL, "j", "construct %zu out of range (C = %zu)", j, C);
        qt->p = stat_offset(K, C, s) + i * C + j;
        return CX_OK;
    }
    return cx__error_param(CX_EINVAL, "stat", "unknown statistic %d", (int)s);
}

cx_status cx_pls_boot_get_replicates(double *out, size_t n, const cx_pls_boot *b, cx_pls_stat s,
                                     size_t i, size_t j)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(b != NULL);
    quantity qt;
    cx_status st = locate(&qt, b, s, i, j);
    if (st != CX_OK)
        return st;
    if (n < b->n_ok)
        return cx__error_param(CX_EINVAL, "n", "room for %zu values, %zu replicates", n, b->n_ok);
    for (size_t r = 0; r < b->n_ok; r++)
        out[r] = quantity_value(b->reps + r * b->P, &qt);
    return CX_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* R's quantile type 7 of sorted x (n >= 1) */
static double quantile7(const double *x, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/* A bootstrapped quantity as a function of one stat vector (a replicate's or a jackknife's). */
typedef double (*value_fn)(const double *row, const void *ctx);

/* Jackknife acceleration of a quantity; 0 when it does not vary. */
static double acceleration(const cx_pls_boot *b, value_fn fn, const void *ctx)
{
    double mean = 0, cnt = 0, s2 = 0, s3 = 0;
    for (size_t g = 0; g < b->G; g++) {
        double v = b->jok[g] ? fn(b->jack + g * b->P, ctx) : NAN;
        if (!isnan(v)) {
            mean += v;
            cnt++;
        }
    }
    mean /= cnt;
    for (size_t g = 0; g < b->G; g++) {
        double v = b->jok[g] ? fn(b->jack + g * b->P, ctx) : NAN;
        if (!isnan(v)) {
            double d = mean - v;
            s2 += d * d;
            s3 += d * d * d;
        }
    }
    return s2 > 0 ? s3 / (6 * pow(s2, 1.5)) : 0.0;
}

static cx_status summarize(cx_pls_boot_summary *out, const cx_pls_boot *b, value_fn fn,
                           const void *ctx)
{
    double *x = cx__malloc_array(b->n_ok, sizeof(double));
    if (!x)
        return cx__enomem();
    double mean = 0, below = 0, orig = fn(b->orig, ctx);
    size_t n = 0;
    for (size_t r = 0; r < b->n_ok; r++) {
        double v = fn(b->reps + r * b->P, ctx);
        if (isnan(v))
            continue; /* no value in this replicate (exogenous R^2, a segment not drawn) */
        x[n++] = v;
        mean += v;
        below += v < orig ? 1.0 : (v == orig ? 0.5 : 0.0);
    }
    cx_pls_boot_summary sm;
    sm.n = n;
    if (n < 2) {
        cx__free(x);
        sm.original = orig;
        sm.mean = sm.sd = sm.t = sm.pct_lo = sm.pct_hi = sm.bca_lo = sm.bca_hi = NAN;
        *out = sm;
        return CX_OK;
    }
    mean /= (double)n;
    double ss = 0;
    for (size_t r = 0; r < n; r++)
        ss += (x[r] - mean) * (x[r] - mean);
    qsort(x, n, sizeof(double), cmp_double);
    double alpha = (1 - b->opt.level) / 2;
    sm.original = orig;
    sm.mean = mean;
    sm.sd = sqrt(ss / (double)(n - 1));
    /* a constant estimate (a single item's weight) has an sd of rounding noise: no t value */
    sm.t = sm.sd > 1e-12 * fabs(orig) ? orig / sm.sd : NAN;
    sm.pct_lo = quantile7(x, n, alpha);
    sm.pct_hi = quantile7(x, n, 1 - alpha);
    sm.bca_lo = sm.bca_hi = NAN;
    if (b->jack && isfinite(orig)) {
        /* keep the bias correction finite when the original lies outside all replicates */
        double frac = below / (double)n, lim = 0.5 / (double)n;
        frac = frac < lim ? lim : (frac > 1 - lim ? 1 - lim : frac);
        double z0 = cx__normal_quantile(frac), a = acceleration(b, fn, ctx);
        double za = cx__normal_quantile(alpha), zb = cx__normal_quantile(1 - alpha);
        double p1 = cx__normal_cdf(z0 + (z0 + za) / (1 - a * (z0 + za)));
        double p2 = cx__normal_cdf(z0 + (z0 + zb) / (1 - a * (z0 + zb)));
        sm.bca_lo = quantile7(x, n, p1);
        sm.bca_hi = quantile7(x, n, p2);
    }
    cx__free(x);
    *out = sm;
    return CX_OK;
}

cx_status cx_pls_boot_get_summary(cx_pls_boot_summary *out, const cx_pls_boot *b, cx_pls_stat s,
                                  size_t i, size_t j)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(b != NULL);
    quantity qt;
    cx_status st = locate(&qt, b, s, i, j);
    if (st != CX_OK)
        return st;
    return summarize(out, b, quantity_value, &qt);
}

/* Specific indirect effect: the product of the path coefficients along a chain. */
typedef struct {
    const size_t *pos; /* positions of the chain's paths in a stat vector */
    size_t n;
} chain_ctx;

static double chain_product(const double *row, const void *ctx)
{
    const chain_ctx *c = ctx;
    double v = 1;
    for (size_t q = 0; q < c->n; q++)
        v *= row[c->pos[q]];
    return v;
}

/* Validate a chain of construct indices and return the positions of its paths in a stat
 * vector (pos: n_chain - 1 entries). */
static cx_status chain_positions(size_t *pos, const cx_pls_model *m, size_t K, const int64_t *chain,
                                 size_t n_chain)
{
    size_t C = m->nc;
    if (n_chain < 3)
        return cx__error_param(CX_EINVAL, "chain",
                               "a specific indirect effect needs a chain of at least 3 "
                               "constructs (from, mediator(s), to), got %zu",
                               n_chain);
    for (size_t q = 0; q < n_chain; q++)
        if (chain[q] < 0 || (uint64_t)chain[q] >= C)
            return cx__error_param(CX_EINVAL, "chain", "chain entry %zu (%lld) is not a construct",
                                   q, (long long)chain[q]);
    for (size_t q = 0; q + 1 < n_chain; q++) {
        size_t a = (size_t)chain[q], b = (size_t)chain[q + 1];
        if (!cx_pls_model_has_path(m, a, b))
            return cx__error_param(CX_EINVAL, m->cname[a], "there is no path '%s' -> '%s'",
                                   m->cname[a], m->cname[b]);
        pos[q] = stat_offset(K, C, CX_PLS_STAT_PATH) + a * C + b;
    }
    return CX_OK;
}

cx_status cx_pls_fit_specific_indirect(double *out, const cx_pls_fit *f, const int64_t *chain,
                                       size_t n_chain)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(chain != NULL);
    size_t *pos = cx__malloc_array(n_chain + 1, sizeof(size_t));
    if (!pos)
        return cx__enomem();
    cx_status st = chain_positions(pos, f->model, f->K, chain, n_chain);
    if (st == CX_OK) {
        double v = 1;
        for (size_t q = 0; q + 1 < n_chain; q++)
            v *= f->est.B[(size_t)chain[q] * f->C + (size_t)chain[q + 1]];
        *out = v;
    }
    cx__free(pos);
    return st;
}

cx_status cx_pls_boot_specific_indirect(cx_pls_boot_summary *out, const cx_pls_boot *b,
                                        const cx_pls_fit *f, const int64_t *chain, size_t n_chain)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(b != NULL);
    CX_CHECK_ARG(f != NULL);
    CX_CHECK_ARG(chain != NULL);
    if (f->K != b->K || f->C != b->C)
        return cx__error_param(CX_EINVAL, "fit", "the bootstrap was not made from this fit");
    size_t *pos = cx__malloc_array(n_chain + 1, sizeof(size_t));
    if (!pos)
        return cx__enomem();
    cx_status st = chain_positions(pos, f->model, f->K, chain, n_chain);
    if (st == CX_OK) {
        chain_ctx c = {pos, n_chain - 1};
        st = summarize(out, b, chain_product, &c);
    }
    cx__free(pos);
    return st;
}
