/* PLS path modelling: the ECSI model on mobi against seminr's reference values (1e-6), closed
 * forms on tiny models, mode B, schemes, missing values, bad input, the bootstrap. The mobi data
 * are read from CX_SHARED_DIR; tests that need them return early when they are absent. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    double rel[28], al[7], ra[7], rc[7], ave[7], H[49], FL[49], vo[24], vi[49], f2[49];
    ck_assert_int_eq(cx_pls_fit_reliability(rel, 28, f), CX_OK);
    for (int j = 0; j < 7; j++) {
        al[j] = rel[4 * j];
        ra[j] = rel[4 * j + 1];
        rc[j] = rel[4 * j + 2];
        ave[j] = rel[4 * j + 3];
    }
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

/* ---- variants against the independent numpy implementation (bench/pls/numpy_pls.py) ---- */

static const char *ECSI_B = "Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5\n"
                            "Expectation =~ CUEX1 + CUEX2 + CUEX3\n"
                            "Quality <~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7\n"
                            "Value <~ PERV1 + PERV2\n"
                            "Satisfaction =~ CUSA1 + CUSA2 + CUSA3\n"
                            "Complaints =~ CUSCO\n"
                            "Loyalty =~ CUSL1 + CUSL2 + CUSL3\n"
                            "Expectation ~ Image; Quality ~ Expectation\n"
                            "Value ~ Expectation + Quality\n"
                            "Satisfaction ~ Image + Expectation + Quality + Value\n"
                            "Complaints ~ Satisfaction\n"
                            "Loyalty ~ Image + Satisfaction + Complaints\n";

static void check_variant(cx_pls_fit *f, const double *w_ref, const double *p_ref, double r2sat)
{
    double w[24], B[49], r2[7];
    cx_pls_fit_outer_weights(w, 24, f);
    cx_pls_fit_paths(B, 49, f);
    cx_pls_fit_rsquared(r2, 7, f);
    for (int k = 0; k < 24; k++)
        ck_assert_msg(fabs(w[k] - w_ref[k]) < 1e-6, "weight %d: %.12g vs %.12g", k, w[k], w_ref[k]);
    ck_assert(fabs(B[0 * 7 + 1] - p_ref[0]) < 1e-6);
    ck_assert(fabs(B[2 * 7 + 4] - p_ref[1]) < 1e-6);
    ck_assert(fabs(B[4 * 7 + 6] - p_ref[2]) < 1e-6);
    ck_assert(fabs(r2[4] - r2sat) < 1e-6);
}

START_TEST(mobi_mode_b_blocks)
{
    static const double w[] = {
        0.301319820529672, 0.259892009204361,  0.217869336485343, 0.328606517758081,
        0.324447291653833, 0.519345218161139,  0.46769699935066,  0.454675695949594,
        0.3570275560599,   0.0701762348599751, 0.188964609343756, 0.1256992852001,
        0.104241840840052, 0.0633590193045796, 0.356458100099476, 0.176625092008714,
        0.868352535046361, 0.363255875099864,  0.384965536293043, 0.45065884654991,
        0.999999999999999, 0.460694542301037,  0.114317258281761, 0.654273330958824};
    static const double p[] = {0.504440121760949, 0.555204536026891, 0.48525556274892};
    cx_pls_fit *f = fit_mobi(ECSI_B, NULL);
    if (!f)
        return;
    check_variant(f, w, p, 0.699794302574277);
    double rel[28];
    cx_pls_fit_reliability(rel, 28, f);
    ck_assert(rel[2 * 4 + 1] == 1.0 && rel[3 * 4 + 1] == 1.0); /* rho_A is 1 for mode B */
    cx_pls_fit_free(f);
}
END_TEST

START_TEST(mobi_factorial_and_centroid)
{
    static const double wf[] = {0.301139837036154, 0.259869391026863, 0.217808050863724,
                                0.328624759241494, 0.324674287173222, 0.52090761602813,
                                0.473789066532042, 0.445856005142773, 0.213331158560301,
                                0.14477854469239,  0.199818505081591, 0.17953151610955,
                                0.178627779831768, 0.179218481977386, 0.215254635174081,
                                0.483315348046139, 0.600178701290158, 0.377880834711938,
                                0.382470813641667, 0.439509084648399, 1,
                                0.455536525264662, 0.125595741229791, 0.65632685489816};
    static const double pf[] = {0.504943137980394, 0.512974700387055, 0.483059174442823};
    static const double wc[] = {0.298131846044632, 0.262336564286855, 0.219872182067954,
                                0.32782296208407,  0.324921011452562, 0.5228227084301,
                                0.468068238708993, 0.449897290674331, 0.213645420074062,
                                0.143467008745907, 0.199439206977856, 0.178115942856066,
                                0.180839051845043, 0.180503240060223, 0.21436270429108,
                                0.485820335095969, 0.597765302409267, 0.377186841002181,
                                0.381567067809566, 0.441058716510524, 1,
                                0.450467939724076, 0.131339923056154, 0.659481493165177};
    static const double pc[] = {0.504705638598232, 0.512545241594167, 0.483474722824691};
    cx_pls_options o;
    cx_pls_options_init(&o);
    o.scheme = CX_PLS_SCHEME_FACTORIAL;
    cx_pls_fit *f = fit_mobi(ECSI, &o);
    if (!f)
        return;
    check_variant(f, wf, pf, 0.680697687939778);
    cx_pls_fit_free(f);
    o.scheme = CX_PLS_SCHEME_CENTROID;
    f = fit_mobi(ECSI, &o);
    check_variant(f, wc, pc, 0.680281094508648);
    cx_pls_fit_free(f);
}
END_TEST

START_TEST(mobi_survey_weights)
{
    static const double w[] = {0.30195188872793,  0.255222952904385, 0.22534235839887,
                               0.327347302238759, 0.318994037424992, 0.540834857697607,
                               0.481447797124956, 0.378126140487665, 0.207453660048063,
                               0.143714730508112, 0.200891277129603, 0.180450066231953,
                               0.177215663143596, 0.188729141213698, 0.210518745857646,
                               0.48108687626615,  0.601382740922635, 0.366068127772812,
                               0.38059039410288,  0.456801239802375, 1,
                               0.465536822915697, 0.103402172485836, 0.65725583865233};
    static const double p[] = {0.522780921551143, 0.522299505025577, 0.478975053322343};
    csv *c = mobi_csv();
    if (!c)
        return;
    cx_pls_data *d = csv_to_data(c);
    csv_free(c);
    double ws[250], ones[250];
    for (int i = 0; i < 250; i++) {
        ws[i] = i % 3 + 1.0;
        ones[i] = 7.5;
    }
    cx_pls_model *m = NULL;
    ck_assert_int_eq(cx_pls_model_parse(&m, ECSI, NULL), CX_OK);
    cx_pls_fit *f = NULL;
    ck_assert_int_eq(cx_pls_data_set_weights(d, ws, 250), CX_OK);
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_OK);
    check_variant(f, w, p, 0.681073198759317);
    cx_pls_fit_free(f);
    /* equal weights give exactly the unweighted fit */
    ck_assert_int_eq(cx_pls_data_set_weights(d, ones, 250), CX_OK);
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_OK);
    double wt[24];
    cx_pls_fit_outer_weights(wt, 24, f);
    ck_assert(fabs(wt[0] - 0.30131215502841147) < 1e-12);
    cx_pls_fit_free(f);
    ws[3] = -1;
    ck_assert_int_eq(cx_pls_data_set_weights(d, ws, 250), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "weights");
    cx_pls_model_free(m);
    cx_pls_data_free(d);
}
END_TEST

/* ---- closed forms and simulation ---- */

static cx_pls_data *columns(size_t n, size_t k, const char *const *names, const double *x)
{
    cx_pls_data *d = NULL;
    ck_assert_int_eq(cx_pls_data_new(&d, n), CX_OK);
    double *col = malloc(n * sizeof(double));
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < n; i++)
            col[i] = x[i * k + j];
        ck_assert_int_eq(cx_pls_data_add_column(d, names[j], col, n), CX_OK);
    }
    free(col);
    return d;
}

static double corr(const double *x, const double *y, size_t n, size_t sx, size_t sy)
{
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i * sx];
        my += y[i * sy];
    }
    mx /= (double)n;
    my /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double a = x[i * sx] - mx, b = y[i * sy] - my;
        sxx += a * a;
        syy += b * b;
        sxy += a * b;
    }
    return sxy / sqrt(sxx * syy);
}

START_TEST(single_items_give_the_correlation)
{
    /* X -> Y with one item each: weights and loadings 1, path = r, R^2 = r^2 */
    static const double x[] = {1, 2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 5, 7, 8, 8, 7, 9, 9, 10, 8};
    const char *names[] = {"x", "y"};
    cx_pls_data *d = columns(10, 2, names, x);
    cx_pls_model *m = NULL;
    ck_assert_int_eq(cx_pls_model_parse(&m, "X =~ x\nY =~ y\nY ~ X\n", NULL), CX_OK);
    cx_pls_fit *f = NULL;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_OK);
    double r = corr(x, x + 1, 10, 2, 2), B[4], r2[2], w[2], l[2], rel[8];
    cx_pls_fit_paths(B, 4, f);
    cx_pls_fit_rsquared(r2, 2, f);
    cx_pls_fit_outer_weights(w, 2, f);
    cx_pls_fit_loadings(l, 2, f);
    ck_assert(fabs(B[1] - r) < 1e-14);
    ck_assert(fabs(r2[1] - r * r) < 1e-14);
    ck_assert(fabs(w[0] - 1) < 1e-14 && fabs(l[1] - 1) < 1e-14);
    cx_pls_fit_reliability(rel, 8, f);
    for (int c = 0; c < 4; c++)
        ck_assert(rel[c] == 1);
    cx_pls_fit_free(f);
    cx_pls_model_free(m);
    cx_pls_data_free(d);
}
END_TEST

START_TEST(two_item_block_closed_form)
{
    /* Mode A block {a, b} -> single item y. With the all-ones start and r_ab = s, r_ay = p,
     * r_by = q: mode A weights are proportional to (p + s q, q + s p)... after one pass the
     * proxy is y, so w ~ (p, q) scaled to unit variance: w = (p, q) / sqrt(p^2 + q^2 + 2 s p q).
     * This is the fixed point; check it, and the path = corr(composite, y). */
    double x[60 * 3];
    uint64_t st = 12345;
    for (int i = 0; i < 60; i++) {
        double u[3];
        for (int j = 0; j < 3; j++) {
            st = st * 6364136223846793005ULL + 1442695040888963407ULL;
            u[j] = (double)(st >> 11) / 9007199254740992.0 - 0.5;
        }
        x[i * 3 + 0] = u[0] + 0.5 * u[2];
        x[i * 3 + 1] = u[1] + 0.8 * u[2];
        x[i * 3 + 2] = u[2] + 0.3 * u[0];
    }
    const char *names[] = {"a", "b", "y"};
    cx_pls_data *d = columns(60, 3, names, x);
    cx_pls_model *m = NULL;
    ck_assert_int_eq(cx_pls_model_parse(&m, "F =~ a + b\nY =~ y\nY ~ F\n", NULL), CX_OK);
    cx_pls_fit *f = NULL;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_OK);
    double s = corr(x, x + 1, 60, 3, 3), p = corr(x, x + 2, 60, 3, 3),
           q = corr(x + 1, x + 2, 60, 3, 3);
    double norm = sqrt(p * p + q * q + 2 * s * p * q), w[3], B[4];
    cx_pls_fit_outer_weights(w, 3, f);
    ck_assert(fabs(w[0] - p / norm) < 1e-12);
    ck_assert(fabs(w[1] - q / norm) < 1e-12);
    cx_pls_fit_paths(B, 4, f);
    ck_assert(fabs(B[1] - (p * p + q * q) / norm) < 1e-12);
    cx_pls_fit_free(f);
    /* mode B: w = R^-1 (p, q) scaled; path^2 = R^2 of the regression of y on a and b */
    cx_pls_model_free(m);
    ck_assert_int_eq(cx_pls_model_parse(&m, "F <~ a + b\nY =~ y\nY ~ F\n", NULL), CX_OK);
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_OK);
    double r2[2], r2ols = (p * p + q * q - 2 * s * p * q) / (1 - s * s);
    cx_pls_fit_rsquared(r2, 2, f);
    ck_assert(fabs(r2[1] - r2ols) < 1e-12);
    cx_pls_fit_free(f);
    cx_pls_model_free(m);
    cx_pls_data_free(d);
}
END_TEST

START_TEST(simulation_recovers_population_paths)
{
    /* Population: xi ~ N(0,1); eta1 = 0.6 xi + e; eta2 = 0.3 xi + 0.5 eta1 + e (standardised
     * latent variables), 4 items each with loading 0.9. PLSc is consistent, so with n = 20000
     * its paths are within 0.02 of the population values; classic PLS is biased towards 0 for
     * paths of constructs measured with error, but recovers them within 0.06. */
    size_t n = 20000;
    double *x = malloc(n * 12 * sizeof(double));
    cx_rng *rng = NULL;
    ck_assert_int_eq(cx_rng_new(&rng, 42, 0), CX_OK);
    double b21 = 0.6, g2 = 0.3, b32 = 0.5;
    double v2 = 1 - b21 * b21;
    double cov12 = b21, v3 = 1 - (g2 * g2 + b32 * b32 + 2 * g2 * b32 * cov12);
    for (size_t i = 0; i < n; i++) {
        double xi = cx_rng_std_normal(rng);
        double e1 = b21 * xi + sqrt(v2) * cx_rng_std_normal(rng);
        double e2 = g2 * xi + b32 * e1 + sqrt(v3) * cx_rng_std_normal(rng);
        double lv[3] = {xi, e1, e2};
        for (int c = 0; c < 3; c++)
            for (int k = 0; k < 4; k++)
                x[i * 12 + c * 4 + k] = 0.9 * lv[c] + sqrt(1 - 0.81) * cx_rng_std_normal(rng);
    }
    cx_rng_free(rng);
    const char *names[] = {"x1", "x2", "x3", "x4", "y1", "y2", "y3", "y4", "z1", "z2", "z3", "z4"};
    cx_pls_data *d = columns(n, 12, names, x);
    free(x);
    cx_pls_model *m = NULL;
    ck_assert_int_eq(cx_pls_model_parse(&m,
                                        "Xi =~ x1 + x2 + x3 + x4\nE1 =~ y1 + y2 + y3 + y4\n"
                                        "E2 =~ z1 + z2 + z3 + z4\nE1 ~ Xi\nE2 ~ Xi + E1\n",
                                        "sim"),
                     CX_OK);
    cx_pls_options o;
    cx_pls_options_init(&o);
    o.consistent = 1;
    cx_pls_fit *f = NULL;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, &o), CX_OK);
    double B[9], l[12];
    cx_pls_fit_paths(B, 9, f);
    ck_assert_msg(fabs(B[0 * 3 + 1] - b21) < 0.02, "PLSc Xi->E1 %g", B[1]);
    ck_assert_msg(fabs(B[0 * 3 + 2] - g2) < 0.02, "PLSc Xi->E2 %g", B[2]);
    ck_assert_msg(fabs(B[1 * 3 + 2] - b32) < 0.02, "PLSc E1->E2 %g", B[5]);
    cx_pls_fit_loadings(l, 12, f);
    for (int k = 0; k < 12; k++)
        ck_assert_msg(fabs(l[k] - 0.9) < 0.02, "PLSc loading %d %g", k, l[k]);
    cx_pls_fit_free(f);
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_OK);
    cx_pls_fit_paths(B, 9, f);
    ck_assert(fabs(B[1] - b21) < 0.06 && B[1] < b21); /* attenuated */
    ck_assert(fabs(B[5] - b32) < 0.06);
    cx_pls_fit_free(f);
    cx_pls_model_free(m);
    cx_pls_data_free(d);
}
END_TEST

/* ---- missing values ---- */

START_TEST(missing_values_mean_replacement_and_casewise)
{
    csv *c = mobi_csv();
    if (!c)
        return;
    /* blank out some cells with the code -99 */
    size_t col = 3; /* CUSA1 */
    ck_assert_str_eq(c->head[col], "CUSA1");
    double sum = 0;
    size_t nobs = 0;
    for (size_t r = 0; r < c->nrow; r++) {
        if (r % 10 == 0) {
            free(c->cells[r * c->ncol + col]);
            c->cells[r * c->ncol + col] = strdup("-99");
        } else {
            sum += atof(cell(c, r, col));
            nobs++;
        }
    }
    cx_pls_data *d = csv_to_data(c);
    cx_pls_model *m = NULL;
    ck_assert_int_eq(cx_pls_model_parse(&m, ECSI, NULL), CX_OK);
    cx_pls_options o;
    cx_pls_options_init(&o);
    o.use_missing_code = 1;
    o.missing_code = -99;
    cx_pls_fit *f = NULL, *g = NULL;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, &o), CX_OK);
    cx_pls_fit_info info;
    cx_pls_fit_get_info(&info, f);
    ck_assert_uint_eq(info.n_missing_cells, 25);
    ck_assert_uint_eq(info.n_used, 250);
    /* the same as replacing by hand */
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", sum / (double)nobs);
    for (size_t r = 0; r < c->nrow; r += 10) {
        free(c->cells[r * c->ncol + col]);
        c->cells[r * c->ncol + col] = strdup(buf);
    }
    cx_pls_data *d2 = csv_to_data(c);
    ck_assert_int_eq(cx_pls_fit_estimate(&g, m, d2, NULL), CX_OK);
    double w1[24], w2[24];
    cx_pls_fit_outer_weights(w1, 24, f);
    cx_pls_fit_outer_weights(w2, 24, g);
    for (int k = 0; k < 24; k++)
        ck_assert(fabs(w1[k] - w2[k]) < 1e-12);
    cx_pls_fit_free(f);
    cx_pls_fit_free(g);
    /* casewise: 25 rows dropped, equal to the fit on the other 225 rows */
    o.missing = CX_PLS_MISSING_CASEWISE;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, &o), CX_OK);
    cx_pls_fit_get_info(&info, f);
    ck_assert_uint_eq(info.n_used, 225);
    ck_assert_uint_eq(info.n_rows_dropped, 25);
    cx_pls_data *d3 = NULL;
    ck_assert_int_eq(cx_pls_data_new(&d3, 225), CX_OK);
    double *v = malloc(225 * sizeof(double));
    for (size_t j = 0; j < c->ncol; j++) {
        size_t i = 0;
        for (size_t r = 0; r < c->nrow; r++)
            if (r % 10)
                v[i++] = atof(cell(c, r, j));
        cx_pls_data_add_column(d3, c->head[j], v, 225);
    }
    free(v);
    ck_assert_int_eq(cx_pls_fit_estimate(&g, m, d3, NULL), CX_OK);
    cx_pls_fit_outer_weights(w1, 24, f);
    cx_pls_fit_outer_weights(w2, 24, g);
    for (int k = 0; k < 24; k++)
        ck_assert(fabs(w1[k] - w2[k]) < 1e-12);
    double s1[225 * 7], s2[225 * 7];
    ck_assert_int_eq(cx_pls_fit_scores(s1, 225 * 7, f), CX_OK);
    cx_pls_fit_scores(s2, 225 * 7, g);
    ck_assert(fabs(s1[100] - s2[100]) < 1e-12);
    cx_pls_fit_free(f);
    cx_pls_fit_free(g);
    cx_pls_data_free(d);
    cx_pls_data_free(d2);
    cx_pls_data_free(d3);
    cx_pls_model_free(m);
    csv_free(c);
}
END_TEST

/* ---- bad input ---- */

START_TEST(parse_errors_have_line_and_column)
{
    cx_pls_model *m = NULL;
    ck_assert_int_eq(cx_pls_model_parse(&m, "A =~ a1 + a2\nB =~ b1 b2\n", "m.txt"), CX_EPARSE);
    const cx_error *e = cx_error_last();
    ck_assert_int_eq(e->line, 2);
    ck_assert_int_eq(e->column, 9);
    ck_assert_str_eq(e->file, "m.txt");
    ck_assert_ptr_null(m);
    ck_assert_int_eq(cx_pls_model_parse(&m, "A =~ a1\nB =~ b1\nB ~ A + C\n", NULL), CX_EPARSE);
    ck_assert_int_eq(cx_error_last()->line, 3);
    ck_assert_int_eq(cx_error_last()->column, 9);
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "'C' has no indicators"));
    ck_assert_int_eq(
        cx_pls_model_parse(&m, "A =~ a1\nB =~ b1\nC =~ c1\nB ~ A\nC ~ B\nA ~ C\n", NULL),
        CX_EPARSE);
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "cycle"));
    ck_assert_int_eq(cx_error_last()->line, 6);
    ck_assert_int_eq(cx_pls_model_parse(&m, "A =~ a1\nB =~ a1\n", NULL), CX_EPARSE);
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "already measures"));
    ck_assert_int_eq(cx_pls_model_parse(&m, "A =~ a1\nA ~ A\n", NULL), CX_EPARSE);
    ck_assert_int_eq(cx_pls_model_parse(&m, "A := a1\n", NULL), CX_EPARSE);
    ck_assert_int_eq(cx_error_last()->column, 3);
    ck_assert_int_eq(cx_pls_model_parse(&m, "  # only a comment\n", NULL), CX_EPARSE);
    /* continuation lines and comments parse */
    ck_assert_int_eq(cx_pls_model_parse(&m, "A =~ a1 +  # first\n   a2\nB <~ b1; B ~ A\n", NULL),
                     CX_OK);
    ck_assert_uint_eq(cx_pls_model_n_indicators(m), 3);
    ck_assert_int_eq(cx_pls_model_construct_mode(m, 1), CX_PLS_MODE_B);
    ck_assert(cx_pls_model_has_path(m, 0, 1));
    cx_pls_model_free(m);
}
END_TEST

START_TEST(builder_api_and_its_errors)
{
    cx_pls_model *m = NULL;
    ck_assert_int_eq(cx_pls_model_new(&m), CX_OK);
    ck_assert_int_eq(cx_pls_model_add_construct(m, "A", CX_PLS_MODE_A), CX_OK);
    ck_assert_int_eq(cx_pls_model_add_construct(m, "B", CX_PLS_MODE_A), CX_OK);
    ck_assert_int_eq(cx_pls_model_add_construct(m, "A", CX_PLS_MODE_A), CX_EINVAL);
    ck_assert_int_eq(cx_pls_model_add_construct(m, "9x", CX_PLS_MODE_A), CX_EINVAL);
    ck_assert_int_eq(cx_pls_model_add_indicator(m, "Z", "z1"), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "Z");
    ck_assert_int_eq(cx_pls_model_add_path(m, "A", "B"), CX_OK);
    ck_assert_int_eq(cx_pls_model_add_path(m, "B", "A"), CX_EINVAL);
    ck_assert_int_eq(cx_pls_model_add_path(m, "A", "B"), CX_EINVAL);
    ck_assert_int_eq(cx_pls_model_add_indicator(m, "A", "a1"), CX_OK);
    /* B has no indicators: estimation names it */
    cx_pls_data *d = NULL;
    double v[5] = {1, 2, 3, 4, 6};
    cx_pls_data_new(&d, 5);
    cx_pls_data_add_column(d, "a1", v, 5);
    cx_pls_fit *f = NULL;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "B");
    ck_assert_int_eq(cx_pls_model_add_indicator(m, "B", "b1"), CX_OK);
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_EINVAL); /* b1 absent */
    ck_assert_str_eq(cx_error_last()->param, "b1");
    double k[5] = {3, 3, 3, 3, 3};
    cx_pls_data_add_column(d, "b1", k, 5);
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_EINVAL); /* constant */
    ck_assert_str_eq(cx_error_last()->param, "b1");
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "constant"));
    ck_assert_ptr_null(f);
    cx_pls_data_free(d);
    /* an all-missing indicator */
    double nan5[5] = {NAN, NAN, NAN, NAN, NAN};
    cx_pls_data_new(&d, 5);
    cx_pls_data_add_column(d, "a1", v, 5);
    cx_pls_data_add_column(d, "b1", nan5, 5);
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "b1");
    cx_pls_options o;
    cx_pls_options_init(&o);
    o.missing = CX_PLS_MISSING_CASEWISE;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, &o), CX_ERANGE);
    ck_assert_int_eq(cx_pls_data_add_column(d, "a1", v, 5), CX_EINVAL);
    ck_assert_int_eq(cx_pls_data_add_column(d, "c1", v, 4), CX_EINVAL);
    cx_pls_data_free(d);
    cx_pls_model_free(m);
}
END_TEST

START_TEST(singular_and_nonconvergence_are_errors)
{
    csv *c = mobi_csv();
    if (!c)
        return;
    cx_pls_data *d = csv_to_data(c);
    /* a duplicate column in a mode B block: singular, named */
    double *dup = malloc(250 * sizeof(double));
    for (size_t r = 0; r < 250; r++)
        dup[r] = atof(cell(c, r, 22)) * 2 + 1; /* PERV1 rescaled */
    ck_assert_str_eq(c->head[22], "PERV1");
    cx_pls_data_add_column(d, "PERV1b", dup, 250);
    free(dup);
    csv_free(c);
    cx_pls_model *m = NULL;
    cx_pls_fit *f = NULL;
    ck_assert_int_eq(cx_pls_model_parse(&m,
                                        "Image =~ IMAG1 + IMAG2\nValue <~ PERV1 + PERV1b + PERV2\n"
                                        "Value ~ Image\n",
                                        NULL),
                     CX_OK);
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_ESINGULAR);
    ck_assert_str_eq(cx_error_last()->param, "Value");
    cx_pls_model_free(m);
    /* max_iter 2 cannot reach 1e-7 on ECSI: an error, not a silent result */
    ck_assert_int_eq(cx_pls_model_parse(&m, ECSI, NULL), CX_OK);
    cx_pls_options o;
    cx_pls_options_init(&o);
    o.max_iter = 2;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, &o), CX_ENOTCONV);
    ck_assert_ptr_nonnull(strstr(cx_error_last()->message, "did not converge"));
    o.max_iter = 6; /* 7 passes, as seminr */
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, &o), CX_OK);
    cx_pls_fit_free(f);
    o.tolerance = -1;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, &o), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "tolerance");
    cx_pls_model_free(m);
    cx_pls_data_free(d);
}
END_TEST

START_TEST(estimation_survives_allocation_failures)
{
    csv *c = mobi_csv();
    if (!c)
        return;
    cx_pls_data *d = csv_to_data(c);
    csv_free(c);
    cx_pls_model *m = NULL;
    ck_assert_int_eq(cx_pls_model_parse(&m, ECSI, NULL), CX_OK);
    long live0 = cx__alloc_live();
    int ok = 0;
    for (long n = 0; n < 200 && !ok; n++) {
        cx_pls_fit *f = NULL;
        cx__alloc_fail_after(n, 0);
        cx_status st = cx_pls_fit_estimate(&f, m, d, NULL);
        cx__alloc_fail_after(-1, 0);
        if (st == CX_OK) {
            ok = 1;
            double f2[49];
            ck_assert_int_eq(cx_pls_fit_fsquare(f2, 49, f), CX_OK);
            cx_pls_fit_free(f);
        } else {
            ck_assert_int_eq(st, CX_ENOMEM);
            ck_assert_ptr_null(f);
        }
        ck_assert_int_eq(cx__alloc_live(), live0);
    }
    ck_assert(ok);
    cx_pls_model_free(m);
    cx_pls_data_free(d);
}
END_TEST

/* ---- index, IPMA ---- */

START_TEST(mobi_satisfaction_index)
{
    cx_pls_options o;
    cx_pls_options_init(&o);
    o.scale_min = 1;
    o.scale_max = 10;
    cx_pls_fit *f = fit_mobi(ECSI, &o);
    if (!f)
        return;
    /* by hand from the reference weights, sds and means (indicator_mean_sd.csv) */
    double w[3] = {0.36486485832020576, 0.38315604112082874, 0.45096120072156554};
    double sd[3] = {1.2336708536317138, 1.7652422840180155, 1.7470985701026196};
    double mu[3] = {7.9880000000000004, 7.1280000000000001, 7.3159999999999998};
    double s = 0, a = 0;
    for (int k = 0; k < 3; k++)
        s += w[k] / sd[k];
    for (int k = 0; k < 3; k++)
        a += w[k] / sd[k] / s * (mu[k] - 1);
    double want = a / 9 * 100, idx[7], v[24];
    ck_assert_int_eq(cx_pls_fit_index(idx, 7, f), CX_OK);
    size_t sat = con(f, "Satisfaction");
    ck_assert_msg(fabs(idx[sat] - want) < 1e-6, "index %g vs %g", idx[sat], want);
    ck_assert_int_eq(cx_pls_fit_unstd_weights(v, 24, f), CX_OK);
    ck_assert(fabs(v[ind(f, "CUSA1")] - w[0] / sd[0] / s) < 1e-8);
    /* respondent indices average to the construct index; segments split it */
    double *ri = malloc(250 * 7 * sizeof(double)), mean = 0;
    ck_assert_int_eq(cx_pls_fit_index_scores(ri, 250 * 7, f), CX_OK);
    for (int r = 0; r < 250; r++)
        mean += ri[r * 7 + sat] / 250;
    ck_assert(fabs(mean - idx[sat]) < 1e-10);
    int64_t seg[250];
    double m0 = 0, m1 = 0, segidx[14];
    for (int r = 0; r < 250; r++) {
        seg[r] = r < 100 ? 0 : 1;
        if (r < 100)
            m0 += ri[r * 7 + sat] / 100;
        else
            m1 += ri[r * 7 + sat] / 150;
    }
    ck_assert_int_eq(cx_pls_fit_index_segments(segidx, 14, f, seg, 250, 2), CX_OK);
    ck_assert(fabs(segidx[sat] - m0) < 1e-10 && fabs(segidx[7 + sat] - m1) < 1e-10);
    ck_assert_int_eq(cx_pls_fit_index_segments(segidx, 21, f, seg, 250, 3), CX_ERANGE);
    free(ri);
    /* IPMA: importance = unstandardised total effect, recomputed from index-score regression
     * on the single-predictor Satisfaction -> Complaints (total effect = path) */
    double ip[14], imp[7], perf[7];
    size_t com = con(f, "Complaints");
    ck_assert_int_eq(cx_pls_fit_ipma(ip, 14, f, com), CX_OK);
    for (int j = 0; j < 7; j++) {
        imp[j] = ip[2 * j];
        perf[j] = ip[2 * j + 1];
    }
    ck_assert(fabs(perf[sat] - idx[sat]) < 1e-12);
    ck_assert(imp[con(f, "Loyalty")] == 0);
    double *is = malloc(250 * 7 * sizeof(double));
    cx_pls_fit_index_scores(is, 250 * 7, f);
    double mx = 0, my = 0, sxx = 0, sxy = 0;
    for (int r = 0; r < 250; r++) {
        mx += is[r * 7 + sat] / 250;
        my += is[r * 7 + com] / 250;
    }
    for (int r = 0; r < 250; r++) {
        sxx += (is[r * 7 + sat] - mx) * (is[r * 7 + sat] - mx);
        sxy += (is[r * 7 + sat] - mx) * (is[r * 7 + com] - my);
    }
    free(is);
    ck_assert_msg(fabs(imp[sat] - sxy / sxx) < 1e-10, "ipma %g vs %g", imp[sat], sxy / sxx);
    cx_pls_fit_free(f);
}
END_TEST

/* ---- bootstrap ---- */

START_TEST(bootstrap_quality_families_closed_forms)
{
    /* Per replicate, in ECSI: Expectation has the single antecedent Image, so its construct
     * correlation equals the path, its inner VIF is 1 and f^2 = R^2 / (1 - R^2) (without the
     * path Expectation has no antecedent); Value ~ Expectation + Quality has VIF
     * 1 / (1 - r^2); adjusted R^2 follows from R^2; Fornell-Larcker is sqrt(AVE) on the
     * diagonal and the construct correlation off it. */
    cx_pls_fit *f = fit_mobi(ECSI, NULL);
    if (!f)
        return;
    enum { NB = 60 };
    cx_pls_boot_options bo;
    cx_pls_boot_options_init(&bo);
    bo.n_boot = NB;
    bo.seed = 11;
    bo.fsquare = 1;
    cx_pls_boot *b = NULL;
    ck_assert_int_eq(cx_pls_bootstrap(&b, f, &bo), CX_OK);
    size_t img = con(f, "Image"), ex = con(f, "Expectation"), q = con(f, "Quality"),
           val = con(f, "Value"), loy = con(f, "Loyalty");
    double rc[NB], path[NB], vif[NB], f2[NB], r2[NB], adj[NB], fl[NB], ave[NB];
    cx_pls_boot_get_replicates(rc, NB, b, CX_PLS_STAT_CONSTRUCT_CORR, img, ex);
    cx_pls_boot_get_replicates(path, NB, b, CX_PLS_STAT_PATH, img, ex);
    cx_pls_boot_get_replicates(vif, NB, b, CX_PLS_STAT_VIF_INNER, img, ex);
    cx_pls_boot_get_replicates(f2, NB, b, CX_PLS_STAT_FSQUARE, img, ex);
    cx_pls_boot_get_replicates(r2, NB, b, CX_PLS_STAT_RSQUARED, ex, 0);
    for (int r = 0; r < NB; r++) {
        ck_assert(fabs(rc[r] - path[r]) < 1e-12);
        ck_assert(vif[r] == 1.0);
        ck_assert_msg(fabs(f2[r] - r2[r] / (1 - r2[r])) < 1e-12, "f2 %g", f2[r]);
    }
    cx_pls_boot_get_replicates(rc, NB, b, CX_PLS_STAT_CONSTRUCT_CORR, ex, q);
    cx_pls_boot_get_replicates(vif, NB, b, CX_PLS_STAT_VIF_INNER, q, val);
    cx_pls_boot_get_replicates(fl, NB, b, CX_PLS_STAT_FORNELL_LARCKER, ex, q);
    for (int r = 0; r < NB; r++) {
        ck_assert(fabs(vif[r] - 1 / (1 - rc[r] * rc[r])) < 1e-10);
        ck_assert(fl[r] == rc[r]);
    }
    cx_pls_boot_get_replicates(r2, NB, b, CX_PLS_STAT_RSQUARED, loy, 0);
    cx_pls_boot_get_replicates(adj, NB, b, CX_PLS_STAT_ADJ_RSQUARED, loy, 0);
    cx_pls_boot_get_replicates(fl, NB, b, CX_PLS_STAT_FORNELL_LARCKER, loy, loy);
    cx_pls_boot_get_replicates(ave, NB, b, CX_PLS_STAT_AVE, loy, 0);
    double n = 250;
    for (int r = 0; r < NB; r++) {
        ck_assert(fabs(adj[r] - (1 - (1 - r2[r]) * (n - 1) / (n - 3 - 1))) < 1e-12);
        ck_assert(fabs(fl[r] - sqrt(ave[r])) < 1e-15);
    }
    /* originals are the fit's criteria */
    double rel[28], fsq[49], vi[49], flm[49];
    cx_pls_fit_reliability(rel, 28, f);
    ck_assert_int_eq(cx_pls_fit_fsquare(fsq, 49, f), CX_OK);
    cx_pls_fit_vif_inner(vi, 49, f);
    cx_pls_fit_fornell_larcker(flm, 49, f);
    cx_pls_boot_summary s;
    ck_assert_int_eq(cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_ALPHA, q, 0), CX_OK);
    ck_assert(fabs(s.original - rel[4 * q]) < 1e-15 && s.sd > 0 && s.n == NB);
    ck_assert(s.pct_lo < s.original && s.original < s.pct_hi);
    cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_FSQUARE, q, val);
    ck_assert(fabs(s.original - fsq[q * 7 + val]) < 1e-15 && s.sd > 0);
    cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_VIF_INNER, q, val);
    ck_assert(fabs(s.original - vi[q * 7 + val]) < 1e-15 && s.sd > 0);
    cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_FORNELL_LARCKER, q, q);
    ck_assert(fabs(s.original - flm[q * 7 + q]) < 1e-15);
    /* no path: no value */
    cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_FSQUARE, loy, img);
    ck_assert(isnan(s.original) && s.n == 0);
    ck_assert_int_eq(cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_VIF_INNER, 0, 7), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "j");
    cx_pls_boot_free(b);
    /* f^2 is opt-in */
    bo.fsquare = 0;
    bo.n_boot = 10;
    bo.bca = 0;
    ck_assert_int_eq(cx_pls_bootstrap(&b, f, &bo), CX_OK);
    ck_assert_int_eq(cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_FSQUARE, img, ex), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "fsquare");
    cx_pls_boot_free(b);
    cx_pls_fit_free(f);
}
END_TEST

START_TEST(bootstrap_is_bit_identical_across_threads)
{
    cx_pls_fit *f = fit_mobi(ECSI, NULL);
    if (!f)
        return;
    cx_pls_boot_options bo;
    cx_pls_boot_options_init(&bo);
    bo.n_boot = 200;
    bo.seed = 7;
    bo.n_threads = 1;
    bo.fsquare = 1;
    cx_pls_boot *b1 = NULL, *b3 = NULL;
    ck_assert_int_eq(cx_pls_bootstrap(&b1, f, &bo), CX_OK);
    bo.n_threads = 3;
    ck_assert_int_eq(cx_pls_bootstrap(&b3, f, &bo), CX_OK);
    cx_pls_boot_info i1, i3;
    cx_pls_boot_get_info(&i1, b1);
    cx_pls_boot_get_info(&i3, b3);
    ck_assert_uint_eq(i1.n_ok, 200);
    ck_assert_uint_eq(i3.n_ok, 200);
    ck_assert_int_eq(i3.threads_used, 3);
    double r1[200], r3[200];
    for (int s = CX_PLS_STAT_WEIGHT; s <= CX_PLS_STAT_FSQUARE; s++) {
        if (s == CX_PLS_STAT_SEGMENT_INDEX)
            continue;
        ck_assert_int_eq(cx_pls_boot_get_replicates(r1, 200, b1, (cx_pls_stat)s, 0, 1), CX_OK);
        cx_pls_boot_get_replicates(r3, 200, b3, (cx_pls_stat)s, 0, 1);
        ck_assert(memcmp(r1, r3, sizeof r1) == 0);
        /* and a second entry of each family: (4, 6) is Satisfaction -> Loyalty */
        cx_pls_boot_get_replicates(r1, 200, b1, (cx_pls_stat)s, 4, 6);
        cx_pls_boot_get_replicates(r3, 200, b3, (cx_pls_stat)s, 4, 6);
        ck_assert(memcmp(r1, r3, sizeof r1) == 0);
    }
    cx_pls_boot_summary s1, s3;
    ck_assert_int_eq(cx_pls_boot_get_summary(&s1, b1, CX_PLS_STAT_PATH, 4, 6), CX_OK);
    cx_pls_boot_get_summary(&s3, b3, CX_PLS_STAT_PATH, 4, 6);
    ck_assert(memcmp(&s1, &s3, sizeof s1) == 0);
    ck_assert(fabs(s1.original - 0.48547762359999758) < 1e-9);
    ck_assert(s1.sd > 0.02 && s1.sd < 0.15);
    ck_assert(fabs(s1.t - s1.original / s1.sd) < 1e-12);
    ck_assert(s1.pct_lo < s1.original && s1.original < s1.pct_hi);
    ck_assert(s1.bca_lo < s1.original && s1.original < s1.bca_hi);
    ck_assert_int_eq(cx_pls_boot_get_summary(&s1, b1, CX_PLS_STAT_PATH, 7, 0), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "i");
    cx_pls_boot_free(b1);
    cx_pls_boot_free(b3);
    cx_pls_fit_free(f);
}
END_TEST

START_TEST(bootstrap_of_a_correlation_matches_theory)
{
    /* single-item X -> Y: the path is Pearson's r; for bivariate normal data its bootstrap
     * SE approaches (1 - r^2) / sqrt(n) and the replicate mean the original */
    size_t n = 400;
    double *x = malloc(2 * n * sizeof(double));
    cx_rng *rng = NULL;
    cx_rng_new(&rng, 3, 0);
    for (size_t i = 0; i < n; i++) {
        double a = cx_rng_std_normal(rng), b = cx_rng_std_normal(rng);
        x[2 * i] = a;
        x[2 * i + 1] = 0.5 * a + sqrt(0.75) * b;
    }
    cx_rng_free(rng);
    const char *names[] = {"x", "y"};
    cx_pls_data *d = columns(n, 2, names, x);
    double r = corr(x, x + 1, n, 2, 2);
    free(x);
    cx_pls_model *m = NULL;
    cx_pls_model_parse(&m, "X =~ x\nY =~ y\nY ~ X", NULL);
    cx_pls_fit *f = NULL;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_OK);
    cx_pls_boot_options bo;
    cx_pls_boot_options_init(&bo);
    bo.n_boot = 2000;
    cx_pls_boot *b = NULL;
    ck_assert_int_eq(cx_pls_bootstrap(&b, f, &bo), CX_OK);
    cx_pls_boot_summary s;
    cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_PATH, 0, 1);
    double se = (1 - r * r) / sqrt((double)n);
    ck_assert_msg(fabs(s.sd / se - 1) < 0.12, "bootstrap SE %g vs %g", s.sd, se);
    ck_assert(fabs(s.mean - r) < 0.01);
    /* Fisher-z interval as the independent reference for the 95% interval ends */
    double z = atanh(r), h = 1.959963984540054 / sqrt((double)n - 3);
    ck_assert_msg(fabs(s.bca_lo - tanh(z - h)) < 0.015, "bca lo %g vs %g", s.bca_lo, tanh(z - h));
    ck_assert_msg(fabs(s.bca_hi - tanh(z + h)) < 0.015, "bca hi %g vs %g", s.bca_hi, tanh(z + h));
    ck_assert(fabs(s.pct_lo - tanh(z - h)) < 0.02);
    cx_pls_boot_free(b);
    cx_pls_fit_free(f);
    cx_pls_model_free(m);
    cx_pls_data_free(d);
}
END_TEST

START_TEST(bootstrap_drops_and_counts_failed_replicates)
{
    /* item b1 is 1 in only two of 30 rows: many resamples have it constant */
    double x[30 * 3];
    for (int i = 0; i < 30; i++) {
        x[i * 3 + 0] = (i * 7) % 11;
        x[i * 3 + 1] = (i == 3 || i == 17) ? 1 : 0;
        x[i * 3 + 2] = (i * 5) % 13 + 0.3 * x[i * 3];
    }
    const char *names[] = {"a1", "b1", "y1"};
    cx_pls_data *d = columns(30, 3, names, x);
    cx_pls_model *m = NULL;
    cx_pls_model_parse(&m, "A =~ a1\nB =~ b1\nY =~ y1\nY ~ A + B\n", NULL);
    cx_pls_fit *f = NULL;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_OK);
    cx_pls_boot_options bo;
    cx_pls_boot_options_init(&bo);
    bo.n_boot = 500;
    cx_pls_boot *b = NULL;
    ck_assert_int_eq(cx_pls_bootstrap(&b, f, &bo), CX_OK);
    cx_pls_boot_info info;
    cx_pls_boot_get_info(&info, b);
    /* P(b1 constant) = P(neither of 2 rows drawn) = (28/30)^30 = 0.126 */
    ck_assert_msg(info.n_failed_constant > 30 && info.n_failed_constant < 100, "%zu",
                  info.n_failed_constant);
    ck_assert_uint_eq(info.n_ok + info.n_failed, 500);
    double *rep = malloc(info.n_ok * sizeof(double));
    ck_assert_int_eq(cx_pls_boot_get_replicates(rep, info.n_ok, b, CX_PLS_STAT_PATH, 1, 2), CX_OK);
    for (size_t i = 0; i < info.n_ok; i++)
        ck_assert(isfinite(rep[i]));
    free(rep);
    cx_pls_boot_free(b);
    cx_pls_fit_free(f);
    cx_pls_model_free(m);
    cx_pls_data_free(d);
}
END_TEST

START_TEST(bootstrap_sign_change_options)
{
    cx_pls_fit *f = fit_mobi(ECSI, NULL);
    if (!f)
        return;
    cx_pls_boot_options bo;
    cx_pls_boot_options_init(&bo);
    bo.n_boot = 100;
    bo.bca = 0;
    bo.sign_change = CX_PLS_SIGN_INDIVIDUAL;
    cx_pls_boot *b = NULL;
    ck_assert_int_eq(cx_pls_bootstrap(&b, f, &bo), CX_OK);
    double rep[100];
    /* Expectation -> Value is small (0.05): individual sign change makes every replicate >= 0 */
    cx_pls_boot_get_replicates(rep, 100, b, CX_PLS_STAT_PATH, 1, 3);
    for (int i = 0; i < 100; i++)
        ck_assert(rep[i] >= 0);
    cx_pls_boot_summary s;
    cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_PATH, 1, 3);
    ck_assert(isnan(s.bca_lo));
    cx_pls_boot_free(b);
    bo.sign_change = CX_PLS_SIGN_CONSTRUCT;
    ck_assert_int_eq(cx_pls_bootstrap(&b, f, &bo), CX_OK);
    cx_pls_boot_get_replicates(rep, 100, b, CX_PLS_STAT_LOADING, 0, 0);
    for (int i = 0; i < 100; i++)
        ck_assert(rep[i] > 0);
    cx_pls_boot_free(b);
    bo.sign_change = (cx_pls_sign_change)9;
    ck_assert_int_eq(cx_pls_bootstrap(&b, f, &bo), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "sign_change");
    cx_pls_fit_free(f);
}
END_TEST

START_TEST(predict_single_items_is_loo_regression)
{
    /* X -> Y with one item each: the PLS prediction is the OLS line of the training rows, so
     * with k = n (leave-one-out, independent of the permutation) both RMSEs equal the PRESS
     * RMSE sqrt(mean((e_i / (1 - h_ii))^2)) of simple regression. */
    static const double x[] = {1, 2.5, 2, 3, 3, 4.5, 4, 4, 5, 6.5, 6, 5, 7, 8, 8, 7.5, 9, 9, 10, 8};
    const char *names[] = {"x", "y"};
    cx_pls_data *d = columns(10, 2, names, x);
    cx_pls_model *m = NULL;
    cx_pls_model_parse(&m, "X =~ x\nY =~ y\nY ~ X\n", NULL);
    cx_pls_fit *f = NULL;
    ck_assert_int_eq(cx_pls_fit_estimate(&f, m, d, NULL), CX_OK);
    double out[10];
    ck_assert_int_eq(cx_pls_predict(out, 10, f, 10, 99), CX_OK);
    ck_assert(isnan(out[0]));
    double mx = 0, my = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < 10; i++) {
        mx += x[2 * i] / 10;
        my += x[2 * i + 1] / 10;
    }
    for (int i = 0; i < 10; i++) {
        sxx += (x[2 * i] - mx) * (x[2 * i] - mx);
        sxy += (x[2 * i] - mx) * (x[2 * i + 1] - my);
    }
    double b = sxy / sxx, press = 0, sae = 0;
    for (int i = 0; i < 10; i++) {
        double e = x[2 * i + 1] - my - b * (x[2 * i] - mx);
        double h = 0.1 + (x[2 * i] - mx) * (x[2 * i] - mx) / sxx;
        press += (e / (1 - h)) * (e / (1 - h));
        sae += fabs(e / (1 - h));
    }
    double *o = out + 5;
    ck_assert_msg(fabs(o[CX_PLS_PRED_PLS_RMSE] - sqrt(press / 10)) < 1e-12, "%g vs %g",
                  o[CX_PLS_PRED_PLS_RMSE], sqrt(press / 10));
    ck_assert(fabs(o[CX_PLS_PRED_LM_RMSE] - sqrt(press / 10)) < 1e-12);
    ck_assert(fabs(o[CX_PLS_PRED_PLS_MAE] - sae / 10) < 1e-12);
    ck_assert(o[CX_PLS_PRED_Q2] > 0.5 && o[CX_PLS_PRED_Q2] < 1);
    ck_assert_int_eq(cx_pls_predict(out, 10, f, 1, 99), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "k_folds");
    ck_assert_int_eq(cx_pls_predict(out, 9, f, 5, 99), CX_EINVAL);
    cx_pls_fit_free(f);
    cx_pls_model_free(m);
    cx_pls_data_free(d);
}
END_TEST

START_TEST(predict_mobi_tenfold)
{
    cx_pls_fit *f = fit_mobi(ECSI, NULL);
    if (!f)
        return;
    double out[24 * 5], again[24 * 5];
    ck_assert_int_eq(cx_pls_predict(out, 24 * 5, f, 10, 1), CX_OK);
    ck_assert_int_eq(cx_pls_predict(again, 24 * 5, f, 10, 1), CX_OK);
    ck_assert(memcmp(out, again, sizeof out) == 0);
    size_t k = ind(f, "CUSA2");
    double *o = out + 5 * k;
    ck_assert(o[CX_PLS_PRED_PLS_RMSE] > 0.5 && o[CX_PLS_PRED_PLS_RMSE] < 1.7652422840180155);
    ck_assert(o[CX_PLS_PRED_Q2] > 0.1 && o[CX_PLS_PRED_Q2] < 0.6);
    ck_assert(o[CX_PLS_PRED_PLS_MAE] <= o[CX_PLS_PRED_PLS_RMSE]);
    ck_assert(isnan(out[5 * ind(f, "IMAG1")]));
    cx_pls_fit_free(f);
}
END_TEST

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(csv_reader_reads_survey_files)
{
    char path[] = "/tmp/cx_pls_csv_XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    close(fd);
    write_file(path, "\xEF\xBB\xBF\"q 1\",q2,\"w\"\r\n1,2,0.5\r\n\"3\",NA,1\r\n5,,2\r\n\r\n");
    cx_pls_data *d = NULL;
    ck_assert_int_eq(cx_pls_data_read_csv(&d, path), CX_OK);
    ck_assert_uint_eq(cx_pls_data_n_rows(d), 3);
    ck_assert_uint_eq(cx_pls_data_n_columns(d), 3);
    ck_assert_str_eq(cx_pls_data_column_name(d, 0), "q 1");
    ck_assert_int_eq(cx_pls_data_set_weights_column(d, "w"), CX_OK);
    ck_assert_int_eq(cx_pls_data_set_weights_column(d, "q2"), CX_EINVAL); /* NaN weight */
    ck_assert_str_eq(cx_error_last()->param, "q2");
    cx_pls_data_free(d);
    d = NULL;
    write_file(path, "a,b\n1,2\n3,abc\n");
    ck_assert_int_eq(cx_pls_data_read_csv(&d, path), CX_EPARSE);
    ck_assert_int_eq(cx_error_last()->line, 3);
    ck_assert_int_eq(cx_error_last()->column, 2);
    ck_assert_str_eq(cx_error_last()->file, path);
    write_file(path, "a,b\n1,2\n3\n");
    ck_assert_int_eq(cx_pls_data_read_csv(&d, path), CX_EPARSE);
    ck_assert_int_eq(cx_error_last()->line, 3);
    write_file(path, "a,a\n1,2\n");
    ck_assert_int_eq(cx_pls_data_read_csv(&d, path), CX_EPARSE);
    write_file(path, "a,b\n");
    ck_assert_int_eq(cx_pls_data_read_csv(&d, path), CX_EPARSE);
    ck_assert_ptr_null(d);
    unlink(path);
    ck_assert_int_eq(cx_pls_data_read_csv(&d, path), CX_EIO);
}
END_TEST

/* Every allocation of the analyses on a fit can fail: ENOMEM, no output, no leak. */
typedef cx_status (*fit_call)(const cx_pls_fit *f);

static cx_status call_boot(const cx_pls_fit *f)
{
    cx_pls_boot_options bo;
    cx_pls_boot_options_init(&bo);
    bo.n_boot = 5;
    bo.n_threads = 1; /* the calling thread: the allocation hook is per thread */
    cx_pls_boot *b = NULL;
    cx_status st = cx_pls_bootstrap(&b, f, &bo);
    if (st == CX_OK) {
        cx_pls_boot_summary s;
        st = cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_PATH, 0, 1);
    }
    cx_pls_boot_free(b);
    return st;
}

/* f^2 re-estimations allocate inside replicates: out of memory there must stop the run with
 * CX_ENOMEM, never turn into a dropped replicate or a missing value */
static cx_status call_boot_fsquare(const cx_pls_fit *f)
{
    cx_pls_boot_options bo;
    cx_pls_boot_options_init(&bo);
    bo.n_boot = 3;
    bo.n_threads = 1;
    bo.bca = 0;
    bo.fsquare = 1;
    cx_pls_boot *b = NULL;
    cx_status st = cx_pls_bootstrap(&b, f, &bo);
    if (st == CX_OK) {
        cx_pls_boot_summary s;
        st = cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_FSQUARE, 0, 1);
        if (st == CX_OK && s.n != 3)
            st = CX_EINVAL;
    }
    cx_pls_boot_free(b);
    return st;
}

static cx_status call_predict(const cx_pls_fit *f)
{
    double out[24 * 5];
    return cx_pls_predict(out, 24 * 5, f, 3, 1);
}

static cx_status call_quality(const cx_pls_fit *f)
{
    double o[49 * 2], idx[7];
    int64_t seg[250] = {0};
    cx_status st = cx_pls_fit_vif_inner(o, 49, f);
    if (st == CX_OK)
        st = cx_pls_fit_htmt(o, 49, f);
    if (st == CX_OK)
        st = cx_pls_fit_ipma(o, 14, f, 6);
    if (st == CX_OK)
        st = cx_pls_fit_index_segments(idx, 7, f, seg, 250, 1);
    return st;
}

START_TEST(analyses_survive_allocation_failures)
{
    cx_pls_fit *f = fit_mobi(ECSI, NULL);
    if (!f)
        return;
    fit_call calls[] = {call_boot, call_predict, call_quality, call_boot_fsquare};
    for (size_t c = 0; c < sizeof calls / sizeof calls[0]; c++) {
        long live0 = cx__alloc_live();
        int ok = 0;
        /* every early allocation, then a sparser sweep (a bootstrap with BCa makes hundreds:
         * each jackknife fit allocates, and a failure there must be ENOMEM, not a dropped fit) */
        for (long n = 0; n < 4000 && !ok; n += n < 64 ? 1 : n / 16) {
            cx__alloc_fail_after(n, 0);
            cx_status st = calls[c](f);
            cx__alloc_fail_after(-1, 0);
            if (st == CX_OK)
                ok = 1;
            else
                ck_assert_msg(st == CX_ENOMEM, "call %zu step %ld: %s", c, n,
                              cx_error_last()->message);
            ck_assert_int_eq(cx__alloc_live(), live0);
        }
        ck_assert_msg(ok, "call %zu never succeeded", c);
    }
    cx_pls_fit_free(f);
}
END_TEST

START_TEST(bootstrap_segment_index)
{
    cx_pls_options o;
    cx_pls_options_init(&o);
    o.scale_min = 1;
    o.scale_max = 10;
    cx_pls_fit *f = fit_mobi(ECSI, &o);
    if (!f)
        return;
    int64_t seg[250];
    for (int r = 0; r < 250; r++)
        seg[r] = r == 7 ? 2 : (r < 100 ? 0 : 1); /* segment 2 is a single respondent */
    cx_pls_boot_options bo;
    cx_pls_boot_options_init(&bo);
    bo.n_boot = 300;
    cx_pls_boot *b = NULL, *all = NULL;
    ck_assert_int_eq(cx_pls_bootstrap_segments(&b, f, &bo, seg, 250, 3), CX_OK);
    ck_assert_int_eq(cx_pls_bootstrap(&all, f, &bo), CX_OK);
    double want[21];
    ck_assert_int_eq(cx_pls_fit_index_segments(want, 21, f, seg, 250, 3), CX_OK);
    size_t sat = con(f, "Satisfaction");
    cx_pls_boot_summary s0, s2, sa, sb;
    ck_assert_int_eq(cx_pls_boot_get_summary(&s0, b, CX_PLS_STAT_SEGMENT_INDEX, 0, sat), CX_OK);
    ck_assert(fabs(s0.original - want[sat]) < 1e-9);
    ck_assert_uint_eq(s0.n, 300);
    ck_assert(s0.pct_lo < s0.original && s0.original < s0.pct_hi);
    ck_assert(s0.bca_lo < s0.original && s0.original < s0.bca_hi);
    /* the lone respondent is missing from about e^-1 of the resamples */
    cx_pls_boot_get_summary(&s2, b, CX_PLS_STAT_SEGMENT_INDEX, 2, sat);
    ck_assert_msg(s2.n > 150 && s2.n < 230, "%zu", s2.n);
    /* the other statistics are those of the plain bootstrap (same seed, same resamples) */
    cx_pls_boot_get_summary(&sa, b, CX_PLS_STAT_PATH, 4, 6);
    cx_pls_boot_get_summary(&sb, all, CX_PLS_STAT_PATH, 4, 6);
    ck_assert(sa.sd == sb.sd && sa.pct_lo == sb.pct_lo);
    ck_assert_int_eq(cx_pls_boot_get_summary(&s0, b, CX_PLS_STAT_SEGMENT_INDEX, 3, 0), CX_EINVAL);
    seg[0] = 5;
    ck_assert_int_eq(cx_pls_bootstrap_segments(&b, f, &bo, seg, 250, 3), CX_EINVAL);
    cx_pls_boot_free(b);
    cx_pls_boot_free(all);
    cx_pls_fit_free(f);
}
END_TEST

START_TEST(bootstrap_specific_indirect_effect)
{
    cx_pls_fit *f = fit_mobi(ECSI, NULL);
    if (!f)
        return;
    /* Image -> Satisfaction -> Loyalty */
    int64_t chain[3] = {(int64_t)con(f, "Image"), (int64_t)con(f, "Satisfaction"),
                        (int64_t)con(f, "Loyalty")};
    double v, B[49];
    ck_assert_int_eq(cx_pls_fit_specific_indirect(&v, f, chain, 3), CX_OK);
    cx_pls_fit_paths(B, 49, f);
    ck_assert(fabs(v - B[chain[0] * 7 + chain[1]] * B[chain[1] * 7 + chain[2]]) < 1e-15);
    cx_pls_boot_options bo;
    cx_pls_boot_options_init(&bo);
    bo.n_boot = 400;
    cx_pls_boot *b = NULL;
    ck_assert_int_eq(cx_pls_bootstrap(&b, f, &bo), CX_OK);
    cx_pls_boot_summary s;
    ck_assert_int_eq(cx_pls_boot_specific_indirect(&s, b, f, chain, 3), CX_OK);
    ck_assert(s.original == v);
    /* the replicates are the products of the replicate paths */
    double p1[400], p2[400], mean = 0;
    cx_pls_boot_get_replicates(p1, 400, b, CX_PLS_STAT_PATH, (size_t)chain[0], (size_t)chain[1]);
    cx_pls_boot_get_replicates(p2, 400, b, CX_PLS_STAT_PATH, (size_t)chain[1], (size_t)chain[2]);
    for (int r = 0; r < 400; r++)
        mean += p1[r] * p2[r] / 400;
    ck_assert(fabs(s.mean - mean) < 1e-12);
    ck_assert(s.pct_lo < v && v < s.pct_hi && s.bca_lo < v && v < s.bca_hi);
    /* a chain that skips a path is an error naming it */
    int64_t bad[3] = {chain[0], (int64_t)con(f, "Value"), chain[2]};
    ck_assert_int_eq(cx_pls_boot_specific_indirect(&s, b, f, bad, 3), CX_EINVAL);
    ck_assert_str_eq(cx_error_last()->param, "Image");
    ck_assert_int_eq(cx_pls_fit_specific_indirect(&v, f, chain, 2), CX_EINVAL);
    cx_pls_boot_free(b);
    cx_pls_fit_free(f);
}
END_TEST

START_TEST(bootstrap_derived_quantities)
{
    cx_pls_fit *f = fit_mobi(ECSI, NULL);
    if (!f)
        return;
    cx_pls_boot_options bo;
    cx_pls_boot_options_init(&bo);
    bo.n_boot = 100;
    cx_pls_boot *b = NULL;
    ck_assert_int_eq(cx_pls_bootstrap(&b, f, &bo), CX_OK);
    double I[49], rel[28], tot[100], dir[100], ind[100];
    cx_pls_fit_indirect_effects(I, 49, f);
    cx_pls_fit_reliability(rel, 28, f);
    size_t img = con(f, "Image"), sat = con(f, "Satisfaction"), loy = con(f, "Loyalty");
    cx_pls_boot_summary s;
    ck_assert_int_eq(cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_INDIRECT_EFFECT, img, sat), CX_OK);
    ck_assert(fabs(s.original - I[img * 7 + sat]) < 1e-15 && s.sd > 0);
    cx_pls_boot_get_replicates(tot, 100, b, CX_PLS_STAT_TOTAL_EFFECT, img, loy);
    cx_pls_boot_get_replicates(dir, 100, b, CX_PLS_STAT_PATH, img, loy);
    cx_pls_boot_get_replicates(ind, 100, b, CX_PLS_STAT_INDIRECT_EFFECT, img, loy);
    for (int r = 0; r < 100; r++)
        ck_assert(ind[r] == tot[r] - dir[r]);
    const cx_pls_stat kinds[3] = {CX_PLS_STAT_RHO_A, CX_PLS_STAT_RHO_C, CX_PLS_STAT_AVE};
    const int col[3] = {1, 2, 3};
    for (int q = 0; q < 3; q++) {
        ck_assert_int_eq(cx_pls_boot_get_summary(&s, b, kinds[q], loy, 0), CX_OK);
        ck_assert_msg(fabs(s.original - rel[4 * loy + col[q]]) < 1e-12, "kind %d", q);
        ck_assert(s.pct_lo < s.pct_hi);
    }
    /* a single-item block: all three are 1 in every replicate */
    cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_AVE, con(f, "Complaints"), 0);
    ck_assert(s.original == 1 && s.sd == 0);
    /* its weight is 1 up to rounding in every replicate: no t value, not 1e16 */
    cx_pls_boot_get_summary(&s, b, CX_PLS_STAT_WEIGHT, 20, 0);
    ck_assert(fabs(s.original - 1) < 1e-12 && s.sd < 1e-12 && isnan(s.t));
    cx_pls_boot_free(b);
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
    tcase_add_test(tc, mobi_mode_b_blocks);
    tcase_add_test(tc, mobi_factorial_and_centroid);
    tcase_add_test(tc, mobi_survey_weights);
    tcase_add_test(tc, missing_values_mean_replacement_and_casewise);
    tcase_add_test(tc, singular_and_nonconvergence_are_errors);
    tcase_add_test(tc, estimation_survives_allocation_failures);
    tcase_add_test(tc, analyses_survive_allocation_failures);
    tcase_add_test(tc, mobi_satisfaction_index);
    suite_add_tcase(s, tc);
    TCase *tm = tcase_create("models");
    tcase_set_timeout(tm, 60);
    tcase_add_test(tm, single_items_give_the_correlation);
    tcase_add_test(tm, two_item_block_closed_form);
    tcase_add_test(tm, simulation_recovers_population_paths);
    tcase_add_test(tm, parse_errors_have_line_and_column);
    tcase_add_test(tm, builder_api_and_its_errors);
    tcase_add_test(tm, predict_single_items_is_loo_regression);
    tcase_add_test(tm, predict_mobi_tenfold);
    tcase_add_test(tm, csv_reader_reads_survey_files);
    suite_add_tcase(s, tm);
    TCase *tb = tcase_create("bootstrap");
    tcase_set_timeout(tb, 60);
    tcase_add_test(tb, bootstrap_is_bit_identical_across_threads);
    tcase_add_test(tb, bootstrap_of_a_correlation_matches_theory);
    tcase_add_test(tb, bootstrap_drops_and_counts_failed_replicates);
    tcase_add_test(tb, bootstrap_sign_change_options);
    tcase_add_test(tb, bootstrap_segment_index);
    tcase_add_test(tb, bootstrap_specific_indirect_effect);
    tcase_add_test(tb, bootstrap_derived_quantities);
    tcase_add_test(tb, bootstrap_quality_families_closed_forms);
    suite_add_tcase(s, tb);
    return s;
}
