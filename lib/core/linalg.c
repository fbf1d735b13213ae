/*
 * Small dense linear algebra (see linalg.h). Row-major, plain loops: the matrices are small and
 * the point is exact, dependency-free, reproducible results.
 */
#include "linalg.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Cholesky with a relative pivot test: the pivot of column j (the part of column j not explained
 * by the earlier columns) must exceed rtol times the original diagonal a_jj. On failure *bad is
 * the offending column. Only the lower triangle is read. */
static cx_status chol_rel(double *a, size_t n, double rtol, size_t *bad)
{
    for (size_t j = 0; j < n; j++) {
        double *rj = a + j * n;
        double orig = rj[j];
        double d = orig;
        for (size_t k = 0; k < j; k++)
            d -= rj[k] * rj[k];
        if (!(d > rtol * orig) || !(orig > 0.0) || !isfinite(d)) {
            *bad = j;
            return CX_ESINGULAR;
        }
        double ljj = sqrt(d);
        rj[j] = ljj;
        for (size_t i = j + 1; i < n; i++) {
            double *ri = a + i * n;
            double s = ri[j];
            for (size_t k = 0; k < j; k++)
                s -= ri[k] * rj[k];
            ri[j] = s / ljj;
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            a[i * n + j] = 0.0;
    return CX_OK;
}

cx_status cx__chol(double *a, size_t n)
{
    size_t bad = 0;
    cx_status st = chol_rel(a, n, (double)(n ? n : 1) * DBL_EPSILON, &bad);
    if (st != CX_OK)
        return cx__error(CX_ESINGULAR, "matrix is not positive definite (pivot %zu)", bad + 1);
    return CX_OK;
}

void cx__chol_solve(const double *l, size_t n, double *b, size_t nrhs)
{
    for (size_t c = 0; c < nrhs; c++) {
        for (size_t i = 0; i < n; i++) { /* L y = b */
            double s = b[i * nrhs + c];
            for (size_t k = 0; k < i; k++)
                s -= l[i * n + k] * b[k * nrhs + c];
            b[i * nrhs + c] = s / l[i * n + i];
        }
        for (size_t i = n; i-- > 0;) { /* L^T x = y */
            double s = b[i * nrhs + c];
            for (size_t k = i + 1; k < n; k++)
                s -= l[k * n + i] * b[k * nrhs + c];
            b[i * nrhs + c] = s / l[i * n + i];
        }
    }
}

cx_status cx__chol_inverse(const double *l, size_t n, double *inv)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            inv[i * n + j] = (i == j) ? 1.0 : 0.0;
    cx__chol_solve(l, n, inv, n);
    for (size_t i = 0; i < n; i++) /* exact symmetry */
        for (size_t j = i + 1; j < n; j++)
            inv[j * n + i] = inv[i * n + j] = 0.5 * (inv[i * n + j] + inv[j * n + i]);
    return CX_OK;
}

cx_status cx__lu_solve(double *a, size_t n, double *b, size_t nrhs)
{
    size_t piv_small[32];
    size_t *piv = piv_small;
    if (n > 32) {
        piv = cx__malloc_array(n, sizeof *piv);
        if (!piv)
            return cx__enomem();
    }
    double amax = 0.0;
    for (size_t i = 0; i < n * n; i++) {
        if (!isfinite(a[i])) {
            if (piv != piv_small)
                cx__free(piv);
            return cx__error(CX_EINVAL, "matrix has a non-finite entry");
        }
        if (fabs(a[i]) > amax)
            amax = fabs(a[i]);
    }
    double tiny = amax * (double)n * DBL_EPSILON;
    /* factor P A = L U first, so that b is untouched when A turns out singular */
    for (size_t k = 0; k < n; k++) {
        size_t p = k;
        for (size_t i = k + 1; i < n; i++)
            if (fabs(a[i * n + k]) > fabs(a[p * n + k]))
                p = i;
        piv[k] = p;
        if (!(fabs(a[p * n + k]) > tiny)) {
            if (piv != piv_small)
                cx__free(piv);
            return cx__error(CX_ESINGULAR, "matrix is singular to working precision (column %zu)",
                             k + 1);
        }
        if (p != k)
            for (size_t j = 0; j < n; j++) {
                double t = a[k * n + j];
                a[k * n + j] = a[p * n + j];
                a[p * n + j] = t;
            }
        double inv = 1.0 / a[k * n + k];
        for (size_t i = k + 1; i < n; i++) {
            double f = a[i * n + k] * inv;
            a[i * n + k] = f;
            for (size_t j = k + 1; j < n; j++)
                a[i * n + j] -= f * a[k * n + j];
        }
    }
    for (size_t k = 0; k < n; k++) /* apply the row swaps to b */
        if (piv[k] != k)
            for (size_t c = 0; c < nrhs; c++) {
                double t = b[k * nrhs + c];
                b[k * nrhs + c] = b[piv[k] * nrhs + c];
                b[piv[k] * nrhs + c] = t;
            }
    for (size_t c = 0; c < nrhs; c++) {
        for (size_t i = 0; i < n; i++) {
            double s = b[i * nrhs + c];
            for (size_t k = 0; k < i; k++)
                s -= a[i * n + k] * b[k * nrhs + c];
            b[i * nrhs + c] = s;
        }
        for (size_t i = n; i-- > 0;) {
            double s = b[i * nrhs + c];
            for (size_t k = i + 1; k < n; k++)
                s -= a[i * n + k] * b[k * nrhs + c];
            b[i * nrhs + c] = s / a[i * n + i];
        }
    }
    if (piv != piv_small)
        cx__free(piv);
    return CX_OK;
}

cx_status cx__inverse(const double *a, size_t n, double *inv)
{
    double *work = cx__malloc_array(2 * n * n + 1, sizeof *work);
    if (!work)
        return cx__enomem();
    double *lu = work, *x = work + n * n;
    memcpy(lu, a, n * n * sizeof *lu);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            x[i * n + j] = (i == j) ? 1.0 : 0.0;
    cx_status st = cx__lu_solve(lu, n, x, n);
    if (st == CX_OK)
        memcpy(inv, x, n * n * sizeof *inv);
    cx__free(work);
    return st;
}

/* One Jacobi rotation in the (p, q) plane that zeroes m[p][q] (Rutishauser's formulation). */
static void jacobi_rotate(double *m, double *v, size_t n, size_t p, size_t q)
{
    double apq = m[p * n + q];
    double theta = (m[q * n + q] - m[p * n + p]) / (2.0 * apq);
    double t = 1.0 / (fabs(theta) + sqrt(theta * theta + 1.0));
    if (theta < 0.0)
        t = -t;
    double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
    m[p * n + p] -= t * apq;
    m[q * n + q] += t * apq;
    m[p * n + q] = m[q * n + p] = 0.0;
    for (size_t r = 0; r < n; r++) {
        if (r == p || r == q)
            continue;
        double g = m[r * n + p], h = m[r * n + q];
        m[r * n + p] = m[p * n + r] = c * g - s * h;
        m[r * n + q] = m[q * n + r] = s * g + c * h;
    }
    for (size_t r = 0; r < n; r++) {
        double g = v[r * n + p], h = v[r * n + q];
        v[r * n + p] = c * g - s * h;
        v[r * n + q] = s * g + c * h;
    }
}

cx_status cx__sym_eigen(const double *a, size_t n, double *evals, double *evecs)
{
    for (size_t i = 0; i < n * n; i++)
        if (!isfinite(a[i]))
            return cx__error(CX_EINVAL, "matrix has a non-finite entry");
    double *work = cx__malloc_array(2 * n * n + n + 1, sizeof *work);
    if (!work)
        return cx__enomem();
    double *m = work, *v = work + n * n, *d = work + 2 * n * n;
    double norm2 = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) { /* symmetrise from both triangles */
            double x = 0.5 * (a[i * n + j] + a[j * n + i]);
            m[i * n + j] = x;
            v[i * n + j] = (i == j) ? 1.0 : 0.0;
            norm2 += x * x;
        }
    int converged = 0;
    for (int sweep = 0; sweep < 100 && !converged; sweep++) {
        double off = 0.0;
        for (size_t p = 0; p < n; p++)
            for (size_t q = p + 1; q < n; q++)
                off += m[p * n + q] * m[p * n + q];
        if (off == 0.0 || off <= norm2 * 1e-36) {
            converged = 1;
            break;
        }
        for (size_t p = 0; p < n; p++)
            for (size_t q = p + 1; q < n; q++) {
                double apq = m[p * n + q];
                if (apq == 0.0)
                    continue;
                /* negligible next to both diagonal entries: set to zero instead of rotating */
                double g = 100.0 * fabs(apq);
                if (sweep > 3 && fabs(m[p * n + p]) + g == fabs(m[p * n + p]) &&
                    fabs(m[q * n + q]) + g == fabs(m[q * n + q])) {
                    m[p * n + q] = m[q * n + p] = 0.0;
                    continue;
                }
                jacobi_rotate(m, v, n, p, q);
            }
    }
    if (!converged) {
        cx__free(work);
        return cx__error(CX_ENOTCONV, "Jacobi eigenvalue iteration did not converge");
    }
    for (size_t i = 0; i < n; i++)
        d[i] = m[i * n + i];
    /* order descending (selection sort keeps it simple; n is small) */
    for (size_t i = 0; i < n; i++) {
        size_t best = i;
        for (size_t j = i + 1; j < n; j++)
            if (d[j] > d[best])
                best = j;
        if (best != i) {
            double t = d[i];
            d[i] = d[best];
            d[best] = t;
            for (size_t r = 0; r < n; r++) {
                t = v[r * n + i];
                v[r * n + i] = v[r * n + best];
                v[r * n + best] = t;
            }
        }
    }
    /* a deterministic sign: the largest component of each eigenvector is positive */
    for (size_t j = 0; j < n; j++) {
        size_t big = 0;
        for (size_t r = 1; r < n; r++)
            if (fabs(v[r * n + j]) > fabs(v[big * n + j]))
                big = r;
        if (v[big * n + j] < 0.0)
            for (size_t r = 0; r < n; r++)
                v[r * n + j] = -v[r * n + j];
    }
    memcpy(evals, d, n * sizeof *evals);
    if (evecs)
        memcpy(evecs, v, n * n * sizeof *evecs);
    cx__free(work);
    return CX_OK;
}

void cx__matmul(double *c, const double *a, const double *b, size_t m, size_t k, size_t n)
{
    for (size_t i = 0; i < m; i++) {
        double *ci = c + i * n;
        for (size_t j = 0; j < n; j++)
            ci[j] = 0.0;
        for (size_t l = 0; l < k; l++) {
            double ail = a[i * k + l];
            const double *bl = b + l * n;
            for (size_t j = 0; j < n; j++)
                ci[j] += ail * bl[j];
        }
    }
}

cx_status cx__lstsq(double *beta, const double *x, const double *y, const double *w, size_t n,
                    size_t p)
{
    if (p == 0)
        return CX_OK;
    double *work = cx__malloc_array(p * p + p, sizeof *work);
    if (!work)
        return cx__enomem();
    double *xtx = work, *xty = work + p * p;
    memset(work, 0, (p * p + p) * sizeof *work);
    for (size_t i = 0; i < n; i++) {
        const double *xi = x + i * p;
        double wi = w ? w[i] : 1.0;
        if (wi == 0.0)
            continue;
        for (size_t j = 0; j < p; j++) {
            double wx = wi * xi[j];
            xty[j] += wx * y[i];
            for (size_t k = 0; k <= j; k++)
                xtx[j * p + k] += wx * xi[k];
        }
    }
    for (size_t j = 0; j < p; j++)
        if (!isfinite(xty[j]) || !isfinite(xtx[j * p + j])) {
            cx__free(work);
            return cx__error(CX_EINVAL, "least squares: non-finite data in column %zu", j + 1);
        }
    /* relative pivot 1e-12: column j is (numerically) a combination of the columns before it */
    size_t bad = 0;
    if (chol_rel(xtx, p, 1e-12, &bad) != CX_OK) {
        cx__free(work);
        if (bad > 0)
            return cx__error(CX_ESINGULAR,
                             "least squares: column %zu is collinear with columns 1..%zu", bad + 1,
                             bad);
        return cx__error(CX_ESINGULAR, "least squares: column 1 is zero");
    }
    cx__chol_solve(xtx, p, xty, 1);
    memcpy(beta, xty, p * sizeof *beta);
    cx__free(work);
    return CX_OK;
}
