/* Reproducible draws with cxkit's generator: one stream per simulated customer, so the results do
 * not depend on the order (or the thread) in which customers are processed.
 *
 * Each of 5 customers gets a satisfaction propensity from Beta(8, 2), a number of contacts from
 * Poisson(3) and a spend per contact from Gamma(2, 25); the program prints them and checks that
 * re-creating customer 3's stream reproduces its draws exactly. */
#include <stdio.h>

#include <cxkit/cxkit.h>

static int customer(uint64_t id, double *propensity, uint64_t *contacts, double *spend)
{
    cx_rng *rng = NULL;
    if (cx_rng_new(&rng, 2024, id) != CX_OK) /* seed 2024 for the study, stream = customer id */
        return -1;
    double s = 0.0;
    int ok = cx_rng_beta(propensity, rng, 8.0, 2.0) == CX_OK &&
             cx_rng_poisson(contacts, rng, 3.0) == CX_OK;
    for (uint64_t c = 0; ok && c < *contacts; c++) {
        double x;
        ok = cx_rng_gamma(&x, rng, 2.0, 25.0) == CX_OK;
        s += x;
    }
    *spend = s;
    cx_rng_free(rng);
    return ok ? 0 : -1;
}

int main(void)
{
    printf("customer  propensity  contacts  spend\n");
    for (uint64_t id = 1; id <= 5; id++) {
        double p, spend;
        uint64_t k;
        if (customer(id, &p, &k, &spend) != 0) {
            fprintf(stderr, "rng_draws: %s\n", cx_error_last()->message);
            return 1;
        }
        printf("%8llu  %10.4f  %8llu  %7.2f\n", (unsigned long long)id, p, (unsigned long long)k,
               spend);
    }
    double p1, p2, s1, s2;
    uint64_t k1, k2;
    if (customer(3, &p1, &k1, &s1) != 0 || customer(3, &p2, &k2, &s2) != 0)
        return 1;
    if (p1 != p2 || k1 != k2 || s1 != s2) {
        fprintf(stderr, "rng_draws: customer 3 was not reproduced\n");
        return 1;
    }
    /* a parameter error names the parameter and changes nothing */
    cx_rng *rng = NULL;
    double x = 0.0;
    if (cx_rng_new(&rng, 1, 0) != CX_OK)
        return 1;
    if (cx_rng_gamma(&x, rng, -1.0, 1.0) != CX_EINVAL) {
        cx_rng_free(rng);
        return 1;
    }
    printf("bad shape -> %s (parameter '%s')\n", cx_status_name(cx_error_last()->code),
           cx_error_last()->param);
    cx_rng_free(rng);
    return 0;
}
