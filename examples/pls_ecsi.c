/* Estimate the ECSI model (Tenenhaus et al. 2005) on the mobile-phone data and print the
 * 0-100 satisfaction index with its bootstrap interval, per construct and for two segments.
 * Run from the source directory; the data live in ../shared/data/mobi (skipped if absent). */
#include <stdio.h>
#include <stdlib.h>

#include <cxkit/cxkit.h>

#define CHECK(call)                                                                                \
    do {                                                                                           \
        if ((call) != CX_OK) {                                                                     \
            fprintf(stderr, "%s: %s\n", #call, cx_error_last()->message);                          \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = calloc(1, 65536);
    if (s)
        fread(s, 1, 65535, f);
    fclose(f);
    return s;
}

int main(void)
{
    const char *data_path = "../shared/data/mobi/mobi.csv";
    FILE *probe = fopen(data_path, "r");
    if (!probe) {
        printf("mobi data not found at %s: skipped\n", data_path);
        return 0;
    }
    fclose(probe);
    char *syntax = slurp("examples/data/ecsi_model.txt");
    if (!syntax)
        return 1;
    cx_pls_model *model = NULL;
    cx_pls_data *data = NULL;
    cx_pls_fit *fit = NULL;
    cx_pls_boot *boot = NULL;
    CHECK(cx_pls_model_parse(&model, syntax, "examples/data/ecsi_model.txt"));
    free(syntax);
    CHECK(cx_pls_data_read_csv(&data, data_path));

    cx_pls_options opt;
    cx_pls_options_init(&opt);
    opt.scale_min = 1; /* the ECSI items are rated 1..10 */
    opt.scale_max = 10;
    CHECK(cx_pls_fit_estimate(&fit, model, data, &opt));

    cx_pls_boot_options bo;
    cx_pls_boot_options_init(&bo);
    bo.n_boot = 1000;
    CHECK(cx_pls_bootstrap(&boot, fit, &bo));

    size_t C = cx_pls_model_n_constructs(model);
    double idx[16], r2[16];
    CHECK(cx_pls_fit_index(idx, C, fit));
    CHECK(cx_pls_fit_rsquared(r2, C, fit));
    printf("%-14s %7s %17s %7s\n", "construct", "index", "95% BCa interval", "R2");
    for (size_t j = 0; j < C; j++) {
        cx_pls_boot_summary s;
        CHECK(cx_pls_boot_get_summary(&s, boot, CX_PLS_STAT_INDEX, j, 0));
        printf("%-14s %7.2f   [%6.2f, %6.2f] ", cx_pls_model_construct_name(model, j), idx[j],
               s.bca_lo, s.bca_hi);
        if (r2[j] == r2[j])
            printf("%7.3f\n", r2[j]);
        else
            printf("%7s\n", "-");
    }

    /* the satisfaction index for the first and second half of the sample */
    int64_t seg[250];
    size_t n = cx_pls_data_n_rows(data);
    if (n > 250)
        return 1;
    for (size_t r = 0; r < n; r++)
        seg[r] = r < n / 2 ? 0 : 1;
    double by_seg[32];
    CHECK(cx_pls_fit_index_segments(by_seg, 2 * C, fit, seg, n, 2));
    size_t sat = cx_pls_model_find_construct(model, "Satisfaction");
    printf("\nSatisfaction index: %.2f (first half %.2f, second half %.2f)\n", idx[sat],
           by_seg[sat], by_seg[C + sat]);

    cx_pls_boot_free(boot);
    cx_pls_fit_free(fit);
    cx_pls_data_free(data);
    cx_pls_model_free(model);
    return 0;
}
