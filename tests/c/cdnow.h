/* The CDNOW calibration summary (tests/data/cdnow: x, t_x, T, mean spend of the 2357 customers)
 * for the C tests, read once per process. */
#ifndef CX_TESTS_CDNOW_H
#define CX_TESTS_CDNOW_H
#include <stddef.h>

#define CX_TEST_CDNOW_N 2357

typedef struct cdnow {
    size_t n;
    double x[CX_TEST_CDNOW_N], tx[CX_TEST_CDNOW_N], T[CX_TEST_CDNOW_N], m[CX_TEST_CDNOW_N];
} cdnow;

/* Defined in test_clv.c; fails the running test when the file is missing or short. */
cdnow *cx_test_load_cdnow(void);

#endif
