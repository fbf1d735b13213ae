/* PLS path modelling: the ECSI model on mobi against seminr's reference values (1e-6), closed
 * forms on tiny models, mode B, schemes, missing values, bad input, the bootstrap. The mobi data
 * are read from CX_SHARED_DIR; tests that need them return early when they are absent. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

#define MOBI_DIR CX_SHARED_DIR "/data/mobi"

static const char *ECSI = "# ECSI on mobi (seminr demo)\n"
                          "Image        =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5\n"
                          "Expectation  =~ CUEX1 + CUEX2 + CUEX3\n"
                          "Quality      =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7\n"
                          "Value        =~ PERV1 + PERV2\n"
                          "Satisfaction =~ CUSA1 + CUSA2 + CUSA3\n"
                          "Complaints   =~ CUSCO\n"
                          "Loyalty      =~ CUSL1 + CUSL2 + CUSL3\n"
                          "Expectation  ~ Image\n"
                          "Quality      ~ Expectation\n"
                          "Value        ~ Expectation + Quality\n"
                          "Satisfaction ~ Image + Expectation + Quality + Value\n"
                          "Complaints   ~ Satisfaction\n"
                          "Loyalty      ~ Image + Satisfaction + Complaints\n";

/* ---- a tiny CSV reader for the test fixtures: header + numeric/text fields ---- */
typedef struct {
    size_t nrow, ncol;
    char **head;  /* ncol */
    char **cells; /* nrow x ncol strings */
} csv;

static void csv_free(csv *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ncol; i++)
        free(c->head[i]);
    for (size_t i = 0; i < c->nrow * c->ncol; i++)
        free(c->cells[i]);
    free(c->head);
    free(c->cells);
    free(c);
}

static size_t split(char *line, char **out, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *q = strchr(p, ',');
        if (q)
            *q = 0;
        if (n < max)
            out[n++] = p;
        if (!q)
            break;
        p = q + 1;
    }
    return n;
}

static csv *csv_read(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    csv *c = calloc(1, sizeof *c);
    char line[8192];
    char *f[256];
    size_t cap = 0;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = 0;
        size_t n = split(line, f, 256);
        if (!c->head) {
            c->ncol = n;
            c->head = calloc(n, sizeof(char *));
            for (size_t i = 0; i < n; i++)
                c->head[i] = strdup(f[i]);
            continue;
        }
        if (c->nrow == cap) {
            cap = cap ? 2 * cap : 64;
            c->cells = realloc(c->cells, cap * c->ncol * sizeof(char *));
        }
        for (size_t i = 0; i < c->ncol; i++)
            c->cells[c->nrow * c->ncol + i] = strdup(i < n ? f[i] : "");
        c->nrow++;
    }
    fclose(fp);
    return c;
}

static const char *cell(const csv *c, size_t r, size_t col)
{
    return c->cells[r * c->ncol + col];
}

static cx_pls_data *csv_to_data(const csv *c)
{
    cx_pls_data *d = NULL;
    ck_assert_int_eq(cx_pls_data_new(&d, c->nrow), CX_OK);
    double *x = malloc(c->nrow * sizeof(double));
    for (size_t j = 0; j < c->ncol; j++) {
        for (size_t r = 0; r < c->nrow; r++)
            x[r] = strcmp(cell(c, r, j), "NA") == 0 ? NAN : atof(cell(c, r, j));
        ck_assert_int_eq(cx_pls_data_add_column(d, c->head[j], x, c->nrow), CX_OK);
    }
    free(x);
    return d;
}

static csv *mobi_csv(void)
{
    return csv_read(MOBI_DIR "/mobi.csv");
}

static cx_pls_fit *fit_mobi(const char *syntax, const cx_pls_options *opt)
{
    csv *c = mobi_csv();
    if (!c)
        return NULL;
    cx_pls_data *d = csv_to_data(c);
    csv_free(c);
    cx_pls_model *m = NULL;
    ck_assert_msg(cx_pls_model_parse(&m, syntax, "ecsi") == CX_OK, "%s", cx_error_last()->message);
    cx_pls_fit *f = NULL;
    ck_assert_msg(cx_pls_fit_estimate(&f, m, d, opt) == CX_OK, "%s", cx_error_last()->message);
    cx_pls_model_free(m);
    cx_pls_data_free(d);
    return f;
}

static size_t con(const cx_pls_fit *f, const char *name)
{
    size_t i = cx_pls_model_find_construct(cx_pls_fit_model(f), name);
    ck_assert_msg(i != (size_t)-1, "construct %s", name);
    return i;
}

static size_t ind(const cx_pls_fit *f, const char *name)
{
    const cx_pls_model *m = cx_pls_fit_model(f);
    for (size_t k = 0; k < cx_pls_model_n_indicators(m); k++)
        if (strcmp(cx_pls_model_indicator_name(m, k), name) == 0)
            return k;
    ck_abort_msg("indicator %s", name);
    return 0;
}

#define TOL 1e-6

/* compare a per-indicator table (construct, indicator, value) */
static void check_items(const cx_pls_fit *f, const char *file, const double *got)
{
    char path[512];
    snprintf(path, sizeof path, MOBI_DIR "/expected/%s", file);
    csv *e = csv_read(path);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->nrow, 24);
    for (size_t r = 0; r < e->nrow; r++) {
        size_t k = ind(f, cell(e, r, 1));
        double want = atof(cell(e, r, 2));
        ck_assert_msg(fabs(got[k] - want) < TOL, "%s %s: %.12g vs %.12g", file, cell(e, r, 1),
                      got[k], want);
    }
    csv_free(e);
}

START_TEST(mobi_weights_loadings_paths_rsq)
{
    cx_pls_fit *f = fit_mobi(ECSI, NULL);
    if (!f)
        return; /* data absent: skip */
    double w[24], l[24], B[49], r2[7], ar2[7];
    ck_assert_int_eq(cx_pls_fit_outer_weights(w, 24, f), CX_OK);
    ck_assert_int_eq(cx_pls_fit_loadings(l, 24, f), CX_OK);
    check_items(f, "outer_weights.csv", w);
    check_items(f, "outer_loadings.csv", l);
    ck_assert_int_eq(cx_pls_fit_paths(B, 49, f), CX_OK);
    csv *e = csv_read(MOBI_DIR "/expected/path_coefficients.csv");
    ck_assert_uint_eq(e->nrow, 12);
    for (size_t r = 0; r < e->nrow; r++) {
        double got = B[con(f, cell(e, r, 0)) * 7 + con(f, cell(e, r, 1))];
        ck_assert_msg(fabs(got - atof(cell(e, r, 2))) < TOL, "path %s->%s %.12g", cell(e, r, 0),
                      cell(e, r, 1), got);
    }
    csv_free(e);
    ck_assert_int_eq(cx_pls_fit_rsquared(r2, 7, f), CX_OK);
    ck_assert_int_eq(cx_pls_fit_adj_rsquared(ar2, 7, f), CX_OK);
    e = csv_read(MOBI_DIR "/expected/rsquared.csv");
    for (size_t r = 0; r < e->nrow; r++) {
        size_t j = con(f, cell(e, r, 0));
        ck_assert(fabs(r2[j] - atof(cell(e, r, 1))) < TOL);
        ck_assert(fabs(ar2[j] - atof(cell(e, r, 2))) < TOL);
    }
    csv_free(e);
    ck_assert(isnan(r2[con(f, "Image")]));
    cx_pls_fit_info info;
    ck_assert_int_eq(cx_pls_fit_get_info(&info, f), CX_OK);
    ck_assert_int_eq(info.iterations, 6); /* seminr reports 6 */
    ck_assert(fabs(info.weight_change - 8.7553172628540565e-09) < 1e-12);
    ck_assert_uint_eq(info.n_used, 250);
    cx_pls_fit_free(f);
}
END_TEST

START_TEST(mobi_scores_effects_cross_loadings)
{
    cx_pls_fit *f = fit_mobi(ECSI, NULL);
    if (!f)
        return;
    double *sc = malloc(250 * 7 * sizeof(double)), T[49], I[49], B[49], X[24 * 7], R[49];
    ck_assert_int_eq(cx_pls_fit_scores(sc, 250 * 7, f), CX_OK);
    csv *e = csv_read(MOBI_DIR "/expected/construct_scores.csv");
    ck_assert_uint_eq(e->nrow, 250);
    for (size_t r = 0; r < 250; r++)
        for (size_t c = 1; c < e->ncol; c++) {
            double want = atof(cell(e, r, c));
            double got = sc[r * 7 + con(f, e->head[c])];
            ck_assert_msg(fabs(got - want) < TOL, "score row %zu %s", r, e->head[c]);
        }
    csv_free(e);
    free(sc);
    cx_pls_fit_total_effects(T, 49, f);
    cx_pls_fit_indirect_effects(I, 49, f);
    cx_pls_fit_paths(B, 49, f);
    e = csv_read(MOBI_DIR "/expected/total_effects.csv");
    for (size_t r = 0; r < e->nrow; r++) {
        size_t a = con(f, cell(e, r, 0)), b = con(f, cell(e, r, 1));
        ck_assert(fabs(T[a * 7 + b] - atof(cell(e, r, 3))) < TOL);
        ck_assert(fabs(B[a * 7 + b] - atof(cell(e, r, 4))) < TOL);
        ck_assert(fabs(I[a * 7 + b] - atof(cell(e, r, 5))) < TOL);
    }
    csv_free(e);
    cx_pls_fit_cross_loadings(X, 24 * 7, f);
    e = csv_read(MOBI_DIR "/expected/cross_loadings.csv");
    for (size_t r = 0; r < e->nrow; r++)
        for (size_t c = 1; c < e->ncol; c++)
            ck_assert(fabs(X[ind(f, cell(e, r, 0)) * 7 + con(f, e->head[c])] -
                           atof(cell(e, r, c))) < TOL);
    csv_free(e);
    cx_pls_fit_construct_correlations(R, 49, f);
    e = csv_read(MOBI_DIR "/expected/construct_correlations.csv");
    for (size_t r = 0; r < e->nrow; r++)
        for (size_t c = 1; c < e->ncol; c++)
            ck_assert(fabs(R[con(f, cell(e, r, 0)) * 7 + con(f, e->head[c])] -
                           atof(cell(e, r, c))) < TOL);
    csv_free(e);
    cx_pls_fit_free(f);
}
END_TEST

START_TEST(mobi_quality_criteria)
{
    cx_pls_fit *f = fit_mobi(ECSI, NULL);
    if (!f)
        return;
    double al[7], ra[7], rc[7], ave[7], H[49], FL[49], vo[24], vi[49], f2[49];
    ck_assert_int_eq(cx_pls_fit_reliability(al, ra, rc, ave, 7, f), CX_OK);
    csv *e = csv_read(MOBI_DIR "/expected/reliability.csv");
    for (size_t r = 0; r < e->nrow; r++) {
        size_t j = con(f, cell(e, r, 0));
        ck_assert_msg(fabs(al[j] - atof(cell(e, r, 1))) < TOL, "alpha %s", cell(e, r, 0));
        ck_assert_msg(fabs(rc[j] - atof(cell(e, r, 2))) < TOL, "rhoC %s", cell(e, r, 0));
        ck_assert_msg(fabs(ave[j] - atof(cell(e, r, 3))) < TOL, "AVE %s", cell(e, r, 0));
        ck_assert_msg(fabs(ra[j] - atof(cell(e, r, 4))) < TOL, "rhoA %s", cell(e, r, 0));
    }
    csv_free(e);
    ck_assert_int_eq(cx_pls_fit_htmt(H, 49, f), CX_OK);
    e = csv_read(MOBI_DIR "/expected/htmt.csv");
    ck_assert_uint_eq(e->nrow, 21);
    for (size_t r = 0; r < e->nrow; r++) {
        size_t a = con(f, cell(e, r, 0)), b = con(f, cell(e, r, 1));
        ck_assert_msg(fabs(H[a * 7 + b] - atof(cell(e, r, 2))) < TOL, "htmt %s-%s", cell(e, r, 0),
                      cell(e, r, 1));
    }
    csv_free(e);
    ck_assert_int_eq(cx_pls_fit_fornell_larcker(FL, 49, f), CX_OK);
    ck_assert(fabs(FL[0] - sqrt(ave[0])) < 1e-15);
    ck_assert_int_eq(cx_pls_fit_vif_outer(vo, 24, f), CX_OK);
    check_items(f, "vif_items.csv", vo);
    ck_assert_int_eq(cx_pls_fit_vif_inner(vi, 49, f), CX_OK);
    e = csv_read(MOBI_DIR "/expected/vif_antecedents.csv");
    for (size_t r = 0; r < e->nrow; r++) {
        size_t to = con(f, cell(e, r, 0)), from = con(f, cell(e, r, 1));
        double want = strcmp(cell(e, r, 2), "NA") == 0 ? 1.0 : atof(cell(e, r, 2));
        ck_assert_msg(fabs(vi[from * 7 + to] - want) < TOL, "vif %s", cell(e, r, 1));
    }
    csv_free(e);
    ck_assert(isnan(vi[con(f, "Loyalty") * 7 + con(f, "Image")]));
    ck_assert_int_eq(cx_pls_fit_fsquare(f2, 49, f), CX_OK);
    e = csv_read(MOBI_DIR "/expected/fsquare.csv");
    ck_assert_uint_eq(e->nrow, 12);
    for (size_t r = 0; r < e->nrow; r++) {
        size_t a = con(f, cell(e, r, 0)), b = con(f, cell(e, r, 1));
        ck_assert_msg(fabs(f2[a * 7 + b] - atof(cell(e, r, 2))) < TOL, "f2 %s->%s %.10g",
                      cell(e, r, 0), cell(e, r, 1), f2[a * 7 + b]);
    }
    csv_free(e);
    cx_pls_fit_free(f);
}
END_TEST

Suite *cx_suite_pls(void)
{
    Suite *s = suite_create("pls");
    TCase *tc = tcase_create("mobi");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, mobi_weights_loadings_paths_rsq);
    tcase_add_test(tc, mobi_scores_effects_cross_loadings);
    tcase_add_test(tc, mobi_quality_criteria);
    suite_add_tcase(s, tc);
    return s;
}
